//! `rename`: a new issuer and/or name for an account.

use anyhow::{bail, Result};
use sparekey_core::app::accounts::{self, Edit};

use crate::session::Session;

pub fn run(s: &Session, query: &str, issuer: Option<String>, name: Option<String>) -> Result<()> {
    if issuer.is_none() && name.is_none() {
        bail!("give --issuer and/or --name: the new values");
    }
    let mut vault = s.open()?;
    let id = s.account_id(&vault, query)?;
    let edit = Edit {
        issuer,
        name,
        note: None,
    };
    let summary = accounts::edit(&mut vault, &id, &edit)?;
    if s.out.json {
        return s.out.json(&summary);
    }
    s.out.line(format!("Renamed to {}", summary.label))
}
