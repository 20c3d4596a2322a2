//! `completions` and `man`: shell completions and manual pages generated
//! from the same clap definition that parses the command line, so they
//! cannot drift from it. Packages install their output (see
//! `scripts/package`); neither opens the vault.

use std::{
    fs,
    io::{self, Write},
    path::Path,
};

use anyhow::{Context, Result};
use clap::CommandFactory;

use crate::args::Cli;

/// The program name completions and pages are written for.
const BIN: &str = "sparekey-cli";

/// Prints the completion script for `shell` to standard output.
pub fn completions(shell: clap_complete::Shell) -> Result<()> {
    let mut command = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut command, BIN, &mut out);
    if shell == clap_complete::Shell::Bash {
        // clap_complete spells the dispatch state of a hyphenated program
        // two ways, so no subcommand option ever completes
        // (https://github.com/clap-rs/clap/issues/6421, open as of 4.6.11).
        // The case labels are aligned with what the dispatch loop sets.
        let script = String::from_utf8(out)?;
        out = script
            .replace("sparekey__subcmd__cli", "sparekey__cli")
            .into_bytes();
    }
    io::stdout().lock().write_all(&out)?;
    Ok(())
}

/// Without `dir`: prints the main page (sparekey-cli.1) to standard output.
/// With `dir`: writes one page per command there (sparekey-cli.1,
/// sparekey-cli-add.1, sparekey-cli-recovery-use.1, ...) and lists them.
pub fn man(dir: Option<&Path>) -> Result<()> {
    let mut command = Cli::command();
    command.build();
    let Some(dir) = dir else {
        let mut page = Vec::new();
        clap_mangen::Man::new(command).render(&mut page)?;
        io::stdout().lock().write_all(&page)?;
        return Ok(());
    };
    if !dir.is_dir() {
        anyhow::bail!(
            "{} is not a folder: create it first, or leave out --out-dir to print the main page",
            dir.display()
        );
    }
    let mut pages = Vec::new();
    collect_pages(&command, &mut pages)?;
    let mut stdout = io::stdout().lock();
    for (name, page) in &pages {
        let path = dir.join(format!("{name}.1"));
        fs::write(&path, page).with_context(|| format!("could not write {}", path.display()))?;
        writeln!(stdout, "{}", path.display())?;
    }
    Ok(())
}

/// Renders `command` and then each of its subcommands, one page each,
/// named as clap names them once built (`sparekey-cli-recovery-use`).
fn collect_pages(command: &clap::Command, pages: &mut Vec<(String, Vec<u8>)>) -> Result<()> {
    let name = command.get_display_name().unwrap_or(BIN).to_owned();
    let mut page = Vec::new();
    clap_mangen::Man::new(command.clone()).render(&mut page)?;
    pages.push((name, page));
    for sub in command.get_subcommands() {
        if !sub.is_hide_set() && sub.get_name() != "help" {
            collect_pages(sub, pages)?;
        }
    }
    Ok(())
}
