//! `code`: an account's current code (HOTP: takes the next code and saves
//! the counter).

use anyhow::Result;
use serde_json::json;
use sparekey_core::{app::accounts, time, vault::peek};

use crate::{
    output::note,
    session::{opened_with_kit_note, Session},
};

pub fn run(s: &Session, query: &str, at: Option<u64>) -> Result<()> {
    let unix = at.unwrap_or_else(|| time::unsigned(time::now()));
    let key = s.key()?;
    // A TOTP code needs one account, not the whole vault (see `peek`);
    // anything else, errors included, takes the full open below.
    let (label, view) = match peek::live_code_of(s.paths.dir(), &key, query, unix) {
        Some(peeked) => {
            if key.is_kit() {
                opened_with_kit_note();
            }
            (peeked.label, peeked.view)
        }
        None => {
            let mut vault = s.open_with(key)?;
            let id = s.account_id(&vault, query)?;
            let label = vault.doc().account(&id)?.label();
            let view = accounts::take_code(&mut vault, &id, Some(unix))?;
            if view.counter.is_some() && at.is_some() {
                note("note: --at is ignored for counter-based (HOTP) accounts");
            }
            (label, view)
        }
    };
    if s.out.json {
        return s.out.json(&json!({
            "account": label,
            "code": view.code,
            "seconds_left": view.seconds_left,
            "period": view.period,
            "counter": view.counter,
        }));
    }
    s.out.line(&view.code)?;
    if let Some(left) = view.seconds_left.filter(|_| at.is_none()) {
        note(format!("{label}: valid for {left} more s"));
    }
    Ok(())
}
