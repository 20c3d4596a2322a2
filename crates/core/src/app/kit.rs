//! The emergency kit: a second key, on paper, that opens the vault when the
//! passphrase is lost. Make it, check a printed one, read one from a photo of
//! its QR code, and write the kit file.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::{
    fs::{self, Existing},
    qr,
    secret::{ExposeSecret, SecretString},
    time,
    vault::{KitKey, Vault, VaultPaths},
    Error, Result,
};

/// The first characters of an age secret key, the kit's key line.
pub const KEY_PREFIX: &str = crate::vault::store::KIT_KEY_PREFIX;

/// The kit's state as a settings screen shows it.
#[derive(Debug, Serialize)]
pub struct KitStatus {
    /// The vault has a kit.
    pub exists: bool,
    /// When it was made (Unix seconds).
    pub created_at: Option<i64>,
    /// When it was last verified (Unix seconds).
    pub verified_at: Option<i64>,
    /// This session was opened with the kit: a new passphrase is due.
    pub opened_with_kit: bool,
}

/// The vault's emergency kit: made when, last verified when.
pub fn status(vault: &Vault) -> KitStatus {
    let kit = vault.doc().emergency_kit.as_ref();
    KitStatus {
        exists: kit.is_some(),
        created_at: kit.map(|k| k.created_at),
        verified_at: kit.and_then(|k| k.verified_at),
        opened_with_kit: vault.opened_with_kit(),
    }
}

/// Whether making a kit may replace one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KitChange {
    /// A first kit: refused when the vault has one.
    New,
    /// A new kit in place of the current one, which stops opening the vault
    /// and every backup: refused when the vault has none.
    Replace,
}

/// A new kit, to print or save once: the only time its key leaves core. No
/// `Debug`: it holds the key.
#[derive(Serialize)]
pub struct NewKit {
    /// The kit file: an age identity file whose comments say what it opens
    /// and how to use it.
    #[serde(serialize_with = "expose")]
    pub text: SecretString,
    /// Its `AGE-SECRET-KEY-1...` line.
    #[serde(serialize_with = "expose")]
    pub key: SecretString,
    /// The kit's public recipient (`age1...`).
    pub recipient: String,
    /// When it was made (Unix seconds).
    pub created_at: i64,
    /// The vault folder.
    pub dir: PathBuf,
    /// The vault file (`age -d -i kit.txt VAULT_FILE` reads it).
    pub vault_file: PathBuf,
}

fn expose<S: serde::Serializer>(
    secret: &SecretString,
    serializer: S,
) -> std::result::Result<S::Ok, S::Error> {
    serializer.serialize_str(secret.expose_secret())
}

impl NewKit {
    /// An SVG document of the key line as a QR code, for the printed kit.
    pub fn qr_svg(&self) -> Result<zeroize::Zeroizing<String>> {
        qr::to_svg(self.key.expose_secret())
    }
}

/// Makes a kit. With [`KitChange::Replace`], the vault and every backup are
/// re-encrypted so the old kit opens nothing.
pub fn create(vault: &mut Vault, change: KitChange) -> Result<NewKit> {
    check_change(vault, change)?;
    let made = vault.create_kit(time::now())?;
    new_kit(vault.paths(), &made)
}

/// The kit as front ends show, print or save it.
fn new_kit(paths: &VaultPaths, made: &KitKey) -> Result<NewKit> {
    let body = made.text().expose_secret();
    let key = key_line(body)
        .ok_or_else(|| Error::invalid("emergency kit", "the new kit holds no key line"))?;
    Ok(NewKit {
        text: SecretString::from(file_text(paths, body)),
        key: SecretString::from(key.to_owned()),
        recipient: made.recipient().to_owned(),
        created_at: made.created_at(),
        dir: paths.dir().to_owned(),
        vault_file: paths.vault(),
    })
}

fn check_change(vault: &Vault, change: KitChange) -> Result<()> {
    match (&vault.doc().emergency_kit, change) {
        (Some(kit), KitChange::New) => Err(Error::KitExists {
            created_at: kit.created_at,
        }),
        (None, KitChange::Replace) => Err(Error::NoKit),
        _ => Ok(()),
    }
}

/// The kit file: how to use it, then the identity. The kit outlives any one
/// program, so it names every way back in (the age tool, the app, the CLI).
fn file_text(paths: &VaultPaths, identity: &str) -> String {
    format!(
        "# Sparekey emergency kit\n\
         # It opens the vault in {dir} without the passphrase. Keep it offline.\n\
         # Read the vault with the age tool:   age -d -i KIT-FILE {vault}\n\
         # Set a new passphrase: \"Open with emergency kit\" in the Sparekey app,\n\
         #   or sparekey-cli --vault {dir} --kit-file KIT-FILE passwd\n\
         {identity}",
        dir = paths.dir().display(),
        vault = paths.vault().display(),
    )
}

/// Makes a kit and writes it to `file`, a new file readable by its owner
/// alone. The order keeps the owner able to get in whatever fails: the new
/// key is made, written and fsynced to `file` first, and only then does
/// the vault depend on it. A file that exists, a folder that does not, a
/// full disk: the vault keeps the kit it had. If the vault then cannot be
/// saved, the file is removed and the old kit still works.
pub fn create_file(vault: &mut Vault, change: KitChange, file: &Path) -> Result<NewKit> {
    check_change(vault, change)?;
    let made = Vault::prepare_kit(time::now());
    let kit = new_kit(vault.paths(), &made)?;
    fs::write_private(file, kit.text.expose_secret().as_bytes(), Existing::Refuse)?;
    if let Err(e) = vault.commit_kit(&made) {
        if vault
            .doc()
            .emergency_kit
            .as_ref()
            .map(|k| k.recipient.as_str())
            != Some(made.recipient())
        {
            let _ = fs::remove_file(file);
        }
        return Err(e);
    }
    Ok(kit)
}

/// The file name a kit is saved under unless the person picks another: the
/// name the printed instructions use (`age -d -i kit.txt ...`).
pub const KIT_FILE_NAME: &str = "kit.txt";

/// Saves a kit shown once (the text [`create`] returned, handed back by a
/// front end) to `file`, readable by its owner alone. Only the vault's
/// current kit is written, so this writes no other text.
pub fn save_file(
    vault: &Vault,
    text: &SecretString,
    file: &Path,
    existing: fs::Existing,
) -> Result<()> {
    check_current(vault, text)?;
    fs::write_private(file, text.expose_secret().as_bytes(), existing)
}

/// Checks that `text` is the vault's current kit (what [`save_file`]
/// writes), so a front end can refuse before it asks where to save.
pub fn check_current(vault: &Vault, text: &SecretString) -> Result<()> {
    let recipient = crate::vault::store::parse_kit(text)?
        .to_public()
        .to_string();
    match &vault.doc().emergency_kit {
        Some(kit) if kit.recipient == recipient => {}
        Some(_) => {
            return Err(Error::invalid(
                "emergency kit",
                "this is not the vault's current kit (it was replaced): save the new one",
            ))
        }
        None => return Err(Error::NoKit),
    }
    Ok(())
}

/// The `AGE-SECRET-KEY-1...` line of a kit's text, if it has one.
pub fn key_line(text: &str) -> Option<&str> {
    text.lines()
        .map(str::trim)
        .find(|line| line.starts_with(KEY_PREFIX))
}

/// The kit key in a photo or scan of the kit's QR code (PNG or JPEG).
pub fn key_from_image(image: &[u8]) -> Result<SecretString> {
    qr::decode_image(image)?
        .into_iter()
        .find(|p| key_line(p.expose_secret()).is_some())
        .ok_or_else(|| {
            Error::invalid(
                "image",
                "holds a QR code, but not an emergency kit's key: choose the photo of the kit",
            )
        })
}

/// Checks a printed kit (typed or pasted) against the vault and records the
/// date of the check.
pub fn verify(vault: &mut Vault, text: &SecretString) -> Result<KitStatus> {
    vault.verify_kit(text, time::now())?;
    Ok(status(vault))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `kit replace --out DIR/MISSING/kit.txt` (or a full disk): the new kit
    /// cannot be written, so the vault must keep the kit the owner has.
    #[test]
    fn a_replacement_that_cannot_be_written_keeps_the_old_kit_working() {
        let dir = tempfile::tempdir().unwrap();
        let paths = VaultPaths::new(dir.path().join("vault"));
        let pass = SecretString::from("correct horse battery".to_owned());
        let mut vault = crate::app::session::create(&paths, &pass, Some(10)).unwrap();
        let old_file = dir.path().join("kit.txt");
        let old = create_file(&mut vault, KitChange::New, &old_file).unwrap();

        let missing = dir.path().join("missing").join("kit2.txt");
        let error = create_file(&mut vault, KitChange::Replace, &missing)
            .err()
            .unwrap();
        assert_eq!(error.kind(), "io", "{error}");
        assert_eq!(
            vault
                .doc()
                .emergency_kit
                .as_ref()
                .map(|k| k.recipient.clone()),
            Some(old.recipient.clone()),
            "the vault still depends on the old kit"
        );
        // The old kit still opens the vault from disk, as a locked-out owner
        // would use it.
        let text = SecretString::from(std::fs::read_to_string(&old_file).unwrap());
        let reopened = crate::app::session::open(&paths, &crate::app::session::Opener::Kit(text));
        assert!(reopened.is_ok(), "{:?}", reopened.err());

        // A replacement that can be written takes over, and the old one
        // stops opening the vault.
        let new_file = dir.path().join("kit2.txt");
        let new = create_file(&mut vault, KitChange::Replace, &new_file).unwrap();
        assert_ne!(new.recipient, old.recipient);
        let text = SecretString::from(std::fs::read_to_string(&old_file).unwrap());
        assert!(
            crate::app::session::open(&paths, &crate::app::session::Opener::Kit(text)).is_err()
        );
        let text = SecretString::from(std::fs::read_to_string(&new_file).unwrap());
        assert!(crate::app::session::open(&paths, &crate::app::session::Opener::Kit(text)).is_ok());
    }

    #[test]
    fn only_the_current_kit_is_saved_to_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let pass = SecretString::from("a passphrase for the test".to_owned());
        let mut vault = Vault::create(&dir.path().join("vault"), &pass, Some(10)).unwrap();
        let out = dir.path().join(KIT_FILE_NAME);
        let other = SecretString::from(
            crate::vault::crypto::generate_identity()
                .to_string()
                .expose_secret()
                .to_owned(),
        );
        assert!(matches!(
            save_file(&vault, &other, &out, fs::Existing::Refuse),
            Err(Error::NoKit)
        ));
        let kit = create(&mut vault, KitChange::New).unwrap();
        let error = save_file(&vault, &other, &out, fs::Existing::Refuse).unwrap_err();
        assert!(
            error.to_string().contains("not the vault's current kit"),
            "{error}"
        );
        assert!(!out.exists());
        save_file(&vault, &kit.text, &out, fs::Existing::Refuse).unwrap();
        assert_eq!(
            std::fs::read_to_string(&out).unwrap(),
            kit.text.expose_secret()
        );
        if let Some(mode) = crate::platform::permission_bits(&std::fs::metadata(&out).unwrap()) {
            assert_eq!(mode & 0o077, 0, "private to its owner: {mode:o}");
        }
    }

    #[test]
    fn finds_the_key_line_among_comments() {
        let text = "# Sparekey emergency kit\n# public key: age1xyz\n  AGE-SECRET-KEY-1ABC  \n";
        assert_eq!(key_line(text), Some("AGE-SECRET-KEY-1ABC"));
        assert_eq!(key_line("# no key here\n"), None);
    }
}
