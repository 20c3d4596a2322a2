//! `passwd`: a new passphrase (with `--kit-file`: when the old one is lost).

use std::path::Path;

use anyhow::{bail, Result};
use sparekey_core::app::session;

use crate::{input, session::Session};

pub fn run(s: &Session, new_file: Option<&Path>, work_factor: Option<u8>) -> Result<()> {
    if s.stdin_is_taken() && new_file == Some(Path::new("-")) {
        bail!("the old and the new passphrase cannot both come from standard input");
    }
    let mut vault = s.open()?;
    let new_pass = input::new_passphrase(new_file)?;
    session::change_passphrase(&mut vault, &new_pass, work_factor)?;
    s.out
        .line("Passphrase changed. The old passphrase no longer opens the vault.")
}
