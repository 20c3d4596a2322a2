//! Reading secrets from a person or a script: passphrases, OTP secrets and
//! pasted text. Terminal prompts never echo; files and standard input give
//! their first line (passphrases) or their whole text (codes).

use std::{
    fs,
    io::{self, BufRead, IsTerminal, Read, Write},
    path::Path,
};

use anyhow::{bail, Context, Result};
use sparekey_core::secret::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

/// Largest text read from standard input or a file for codes or a URI.
const MAX_TEXT_BYTES: u64 = 1024 * 1024;

/// Reads the first line of `path` ("-" = standard input), without its line
/// ending, as a secret.
pub fn first_line(path: &Path, what: &str) -> Result<SecretString> {
    let mut text = Zeroizing::new(String::new());
    if path == Path::new("-") {
        io::stdin()
            .lock()
            .read_line(&mut text)
            .with_context(|| format!("could not read the {what} from standard input"))?;
    } else {
        let file = fs::File::open(path)
            .with_context(|| format!("could not open the {what} file {}", path.display()))?;
        io::BufReader::new(file)
            .take(MAX_TEXT_BYTES)
            .read_line(&mut text)
            .with_context(|| format!("could not read the {what} file {}", path.display()))?;
    }
    let line = text.trim_end_matches(['\n', '\r']);
    if line.is_empty() {
        bail!(
            "the {what} read from {} is empty (it is taken from the first line)",
            display_source(path)
        );
    }
    Ok(SecretString::from(line.to_owned()))
}

/// Reads all of `path` ("-" = standard input) as text, capped at 1 MiB.
pub fn whole_text(path: &Path, what: &str) -> Result<Zeroizing<String>> {
    let bytes = read_capped(path, MAX_TEXT_BYTES)
        .with_context(|| format!("could not read the {what} from {}", display_source(path)))?;
    if bytes.len() as u64 > MAX_TEXT_BYTES {
        bail!(
            "the {what} from {} is larger than 1 MiB; that is not a list of codes",
            display_source(path)
        );
    }
    match std::str::from_utf8(&bytes) {
        Ok(text) => Ok(Zeroizing::new(text.to_owned())),
        Err(_) => bail!(
            "the {what} from {} is not text (UTF-8)",
            display_source(path)
        ),
    }
}

/// All of `path` ("-" = standard input), at most `max` + 1 bytes (one more
/// than allowed, so the caller can tell "too large"), wiped on drop.
fn read_capped(path: &Path, max: u64) -> io::Result<Zeroizing<Vec<u8>>> {
    let mut bytes = Zeroizing::new(Vec::new());
    if path == Path::new("-") {
        io::stdin().lock().take(max + 1).read_to_end(&mut bytes)?;
    } else {
        fs::File::open(path)?
            .take(max + 1)
            .read_to_end(&mut bytes)?;
    }
    Ok(bytes)
}

fn display_source(path: &Path) -> String {
    if path == Path::new("-") {
        "standard input".to_owned()
    } else {
        path.display().to_string()
    }
}

/// Asks on the terminal without echo.
pub fn prompt_secret(prompt: &str) -> Result<SecretString> {
    let answer = rpassword::prompt_password(prompt).map_err(|e| {
        anyhow::anyhow!(
            "cannot ask for the passphrase ({e}): there is no terminal. Pass --passphrase-file FILE \
             (\"-\" reads standard input)"
        )
    })?;
    Ok(SecretString::from(answer))
}

/// The vault passphrase: from `--passphrase-file`, else a prompt.
pub fn passphrase(file: Option<&Path>) -> Result<SecretString> {
    match file {
        Some(path) => first_line(path, "passphrase"),
        None => prompt_secret("Vault passphrase: "),
    }
}

/// A new passphrase: from a file, else asked twice on the terminal.
pub fn new_passphrase(file: Option<&Path>) -> Result<SecretString> {
    let pass = match file {
        Some(path) => first_line(path, "new passphrase")?,
        None => {
            let first = prompt_secret("New passphrase: ")?;
            let again = prompt_secret("Repeat the new passphrase: ")?;
            if first.expose_secret() != again.expose_secret() {
                bail!("the two passphrases differ; nothing was changed");
            }
            first
        }
    };
    sparekey_core::secret::check_new_passphrase(&pass)?;
    Ok(pass)
}

/// Asks a yes/no question on the terminal; `false` when there is none.
pub fn confirm(question: &str) -> Result<bool> {
    if !io::stdin().is_terminal() {
        return Ok(false);
    }
    let mut err = io::stderr();
    write!(err, "{question} [y/N] ")?;
    err.flush()?;
    let mut answer = String::new();
    io::stdin().read_line(&mut answer)?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes" | "YES" | "Yes"))
}

/// True when standard input is a terminal (so a prompt can be shown).
pub fn stdin_is_terminal() -> bool {
    io::stdin().is_terminal()
}

/// Asks for one line of text on the terminal (echoed). `what` names the
/// value in the error when there is no terminal to ask on.
pub fn prompt_line(prompt: &str, what: &str, flag: &str) -> Result<String> {
    if !stdin_is_terminal() {
        bail!("no {what} given and no terminal to ask on: pass {flag}");
    }
    let mut err = io::stderr();
    write!(err, "{prompt}")?;
    err.flush()?;
    let mut answer = String::new();
    io::stdin()
        .read_line(&mut answer)
        .with_context(|| format!("could not read the {what} from the terminal"))?;
    Ok(answer.trim().to_owned())
}

/// Largest file read by `import` or `restore` (core caps again).
const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Reads all of `path` ("-" = standard input) as bytes, wiped on drop,
/// capped at 64 MiB.
pub fn whole_file(path: &Path, what: &str) -> Result<Zeroizing<Vec<u8>>> {
    let bytes = read_capped(path, MAX_FILE_BYTES)
        .with_context(|| format!("could not read the {what} {}", path.display()))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        bail!("the {what} {} is too large", path.display());
    }
    Ok(bytes)
}
