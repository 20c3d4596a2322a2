//! Types that hold secrets: they zeroize on drop and never print their content.
//!
//! `SecretString` comes from `age::secrecy` so that Sparekey and the age crate
//! agree on one version; make one with `SecretString::from(string)`, which
//! moves the `String` in without a copy. `SecretBytes` holds raw key material such as a TOTP
//! key. Neither has a revealing `Debug` or any `Display`.

use std::fmt;

use zeroize::{Zeroize, ZeroizeOnDrop};

pub use age::secrecy::{ExposeSecret, SecretString};

/// Raw secret bytes (an OTP key). Zeroized on drop; `Debug` prints only the length.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct SecretBytes(Vec<u8>);

impl SecretBytes {
    /// Wraps bytes; the caller's buffer is moved in, not copied.
    pub fn new(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }

    /// The secret bytes. Keep the borrow short and never log it.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    /// Number of bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when there are no bytes.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for SecretBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretBytes([REDACTED; {} bytes])", self.0.len())
    }
}

/// Serializes `value` as compact JSON into a buffer that is wiped on drop,
/// and that wipes each smaller buffer it outgrows: a plain `Vec` would free
/// those copies of the secrets unzeroized as it doubles.
pub fn to_json<T: serde::Serialize + ?Sized>(value: &T) -> zeroize::Zeroizing<Vec<u8>> {
    let mut out = WipingWriter(Vec::with_capacity(4096));
    // Serializing plain data into memory cannot fail.
    let _ = serde_json::to_writer(&mut out, value);
    zeroize::Zeroizing::new(std::mem::take(&mut out.0))
}

/// A `Vec` writer that grows by copying into a new buffer and wiping the
/// old one.
struct WipingWriter(Vec<u8>);

impl std::io::Write for WipingWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let needed = self.0.len() + bytes.len();
        if needed > self.0.capacity() {
            let mut bigger = Vec::with_capacity(needed.max(self.0.capacity() * 2));
            bigger.extend_from_slice(&self.0);
            self.0.zeroize();
            self.0 = bigger;
        }
        self.0.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for WipingWriter {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

/// Fewest characters a new vault passphrase may have.
pub const MIN_PASSPHRASE_CHARS: usize = 8;

/// The rule for a new vault passphrase (at `init` and when changing it): at
/// least [`MIN_PASSPHRASE_CHARS`] characters, not only spaces.
pub fn check_new_passphrase(passphrase: &SecretString) -> crate::Result<()> {
    let p = passphrase.expose_secret();
    if p.trim().is_empty() {
        return Err(crate::Error::invalid("passphrase", "is empty"));
    }
    if p.chars().count() < MIN_PASSPHRASE_CHARS {
        return Err(crate::Error::invalid(
            "passphrase",
            format!(
                "is shorter than {MIN_PASSPHRASE_CHARS} characters; choose a longer one (a few \
                 random words work well)"
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_written_through_the_wiping_buffer_reads_back() {
        let big: Vec<String> = (0..2000).map(|i| format!("secret-{i:05}")).collect();
        let json = to_json(&big);
        assert_eq!(serde_json::from_slice::<Vec<String>>(&json).unwrap(), big);
    }

    #[test]
    fn debug_never_shows_the_bytes() {
        let s = SecretBytes::new(b"hunter2-key".to_vec());
        let shown = format!("{s:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("11 bytes"));
    }
}
