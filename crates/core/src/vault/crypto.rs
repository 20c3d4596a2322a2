//! age encryption for the vault's two files.
//!
//! `identity.age` is a standard age *encrypted identity file*: the vault's
//! X25519 identity, in `age-keygen`'s text form, encrypted with the user's
//! passphrase (a lone scrypt stanza). `vault.age` is the document encrypted to
//! the vault's X25519 recipient and any extra recipients. So the reference
//! tool reads a vault with `age -d -i identity.age vault.age`.
//!
//! Every failure maps to a distinct [`Error`]: a wrong passphrase is
//! [`Error::WrongPassphrase`], anything else wrong with a file is
//! [`Error::Corrupt`] naming it.

use std::{
    io::{Read, Write},
    iter,
    path::Path,
    str::FromStr,
};

use age::{
    armor::{ArmoredReader, ArmoredWriter, Format},
    scrypt, x25519, DecryptError, Decryptor, Encryptor,
};
use zeroize::Zeroizing;

use crate::{
    secret::{ExposeSecret, SecretString},
    time, Error, Result,
};

/// Highest scrypt work factor (log2 N) Sparekey accepts when reading a
/// passphrase-protected file: 2^22 costs about 4 GiB and several seconds, so a
/// hostile file cannot ask for more.
pub const MAX_WORK_FACTOR: u8 = 22;
/// Lowest work factor `init --work-factor` accepts (for tests and very slow
/// machines only; age's default targets about one second).
pub const MIN_WORK_FACTOR: u8 = 10;

/// Generates a fresh X25519 identity.
pub fn generate_identity() -> x25519::Identity {
    x25519::Identity::generate()
}

/// The identity in `age-keygen`'s file format (comment lines, then the key),
/// wiped on drop.
pub fn identity_file_text(identity: &x25519::Identity, now: i64) -> Zeroizing<String> {
    let (y, mo, d, h, mi, s) = time::to_utc(now);
    Zeroizing::new(format!(
        "# created: {y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z\n# public key: {}\n{}\n",
        identity.to_public(),
        identity.to_string().expose_secret()
    ))
}

/// Parses an identity file's text: the one `AGE-SECRET-KEY-1...` line among
/// comments and blank lines.
pub fn parse_identity_text(text: &str, file: &Path) -> Result<x25519::Identity> {
    let mut keys = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'));
    match (keys.next(), keys.next()) {
        (Some(line), None) => x25519::Identity::from_str(line).map_err(|_| Error::Corrupt {
            file: file.to_owned(),
            detail: "it does not hold a valid AGE-SECRET-KEY-1 identity".into(),
        }),
        _ => Err(Error::Corrupt {
            file: file.to_owned(),
            detail: "it must hold exactly one AGE-SECRET-KEY-1 identity".into(),
        }),
    }
}

/// Encrypts `plaintext` with a passphrase (one scrypt stanza, as age requires).
/// `work_factor` overrides age's machine-tuned default (about one second).
pub fn encrypt_with_passphrase(
    plaintext: &[u8],
    passphrase: &SecretString,
    work_factor: Option<u8>,
    armor: bool,
) -> Vec<u8> {
    let mut recipient = scrypt::Recipient::new(passphrase.clone());
    if let Some(wf) = work_factor {
        recipient.set_work_factor(wf.clamp(MIN_WORK_FACTOR, MAX_WORK_FACTOR));
    }
    let encryptor = Encryptor::with_recipients(iter::once(&recipient as &dyn age::Recipient))
        .expect("a single scrypt recipient is always valid");
    write_age(encryptor, plaintext, armor)
}

/// Encrypts `plaintext` to X25519 recipients.
pub fn encrypt_to(plaintext: &[u8], recipients: &[x25519::Recipient]) -> Result<Vec<u8>> {
    if recipients.is_empty() {
        return Err(Error::invalid(
            "recipients",
            "none given: the vault must be encrypted to at least its own key",
        ));
    }
    let encryptor = Encryptor::with_recipients(recipients.iter().map(|r| r as &dyn age::Recipient))
        .map_err(|e| Error::invalid("recipients", e.to_string()))?;
    Ok(write_age(encryptor, plaintext, false))
}

fn write_age(encryptor: Encryptor, plaintext: &[u8], armor: bool) -> Vec<u8> {
    // Writing into a Vec cannot fail, so the io::Results below are infallible.
    let format = if armor {
        Format::AsciiArmor
    } else {
        Format::Binary
    };
    let run = || -> std::io::Result<Vec<u8>> {
        let armored =
            ArmoredWriter::wrap_output(Vec::with_capacity(plaintext.len() + 512), format)?;
        let mut writer = encryptor.wrap_output(armored)?;
        writer.write_all(plaintext)?;
        writer.finish()?.finish()
    };
    run().expect("encrypting into memory cannot fail")
}

/// Decrypts a passphrase-protected age file (binary or armored), refusing
/// work factors above [`MAX_WORK_FACTOR`].
pub fn decrypt_with_passphrase(
    bytes: &[u8],
    passphrase: &SecretString,
    file: &Path,
) -> Result<Zeroizing<Vec<u8>>> {
    check_header(&bytes[..bytes.len().min(2 * MAX_HEADER_BYTES + 1024)], file)?;
    let decryptor = Decryptor::new_buffered(ArmoredReader::new(bytes))
        .map_err(|e| map_decrypt_error(e, file))?;
    if !decryptor.is_scrypt() {
        return Err(Error::Corrupt {
            file: file.to_owned(),
            detail: "it is an age file, but not one protected by a passphrase".into(),
        });
    }
    let mut identity = scrypt::Identity::new(passphrase.clone());
    identity.set_max_work_factor(MAX_WORK_FACTOR);
    let reader = decryptor
        .decrypt(iter::once(&identity as &dyn age::Identity))
        .map_err(|e| match e {
            DecryptError::DecryptionFailed | DecryptError::KeyDecryptionFailed => {
                Error::WrongPassphrase
            }
            other => map_decrypt_error(other, file),
        })?;
    read_all(reader, bytes.len(), file)
}

/// Decrypts an age file with an X25519 identity.
pub fn decrypt_with_identity(
    bytes: &[u8],
    identity: &x25519::Identity,
    file: &Path,
) -> Result<Zeroizing<Vec<u8>>> {
    decrypt_stream_with_identity(bytes, identity, bytes.len(), file)
}

/// Decrypts an age file read from `input` with an X25519 identity, as
/// [`decrypt_with_identity`] does the same bytes in memory, without holding
/// the ciphertext: at 10,000 accounts, a 2.5 MB buffer of ciphertext cost as
/// much in page faults as a quarter of opening the vault.
///
/// `ciphertext_len` must bound what `input` yields (limit it with
/// [`Read::take`]): the plaintext buffer is allocated once with that
/// capacity, so that it never grows and leaves unzeroized copies behind.
pub fn decrypt_stream_with_identity<R: std::io::BufRead>(
    mut input: R,
    identity: &x25519::Identity,
    ciphertext_len: usize,
    file: &Path,
) -> Result<Zeroizing<Vec<u8>>> {
    // An error here comes back on the next read, in age's hands.
    if let Ok(start) = input.fill_buf() {
        check_header(start, file)?;
    }
    let binary = input.fill_buf().is_ok_and(is_binary_age);
    let bytes = input;
    if binary {
        // No armor to take off: read the bytes directly. (age's
        // `ArmoredReader` passes binary input through 48 bytes at a time, a
        // tenth of the cost of opening a large vault.)
        decrypt_reader_with_identity(
            Decryptor::new_buffered(bytes),
            identity,
            ciphertext_len,
            file,
        )
    } else {
        decrypt_reader_with_identity(
            Decryptor::new_buffered(ArmoredReader::new(bytes)),
            identity,
            ciphertext_len,
            file,
        )
    }
}

/// Longest age header Sparekey reads. Its own files have headers of a few
/// hundred bytes (a scrypt stanza, or one X25519 stanza per recipient).
pub const MAX_HEADER_BYTES: usize = 16 * 1024;

/// Most recipient stanzas Sparekey reads in one header.
pub const MAX_STANZAS: usize = 64;

/// Refuses an age header that is longer or has more stanzas than Sparekey
/// ever writes, before the age crate parses it: the crate re-parses the
/// header after every line it reads, so a planted file with a long header
/// took minutes to hours while holding the vault's lock, and the file size
/// cap did not bound that time. `start` is the beginning of the file
/// (binary or armored); a file too short to judge is left to age.
pub fn check_header(start: &[u8], file: &Path) -> Result<()> {
    let decoded;
    let header: &[u8] = if start.starts_with(BINARY_AGE_MAGIC) {
        start
    } else if let Some(body) = start.strip_prefix(ARMOR_BEGIN) {
        decoded = dearmor_start(body);
        &decoded
    } else {
        return Ok(());
    };
    let too_long = || Error::Corrupt {
        file: file.to_owned(),
        detail: format!(
            "its age header is longer than any Sparekey writes ({} bytes or {MAX_STANZAS} \
             recipients at most), so it was not read",
            MAX_HEADER_BYTES
        ),
    };
    let end = header.windows(4).position(|w| w == b"\n---");
    let header = match end {
        Some(end) => &header[..end],
        None if header.len() >= MAX_HEADER_BYTES => return Err(too_long()),
        None => header,
    };
    let stanzas = header.windows(4).filter(|w| w == b"\n-> ").count();
    if header.len() > MAX_HEADER_BYTES || stanzas > MAX_STANZAS {
        return Err(too_long());
    }
    Ok(())
}

/// The first line of an armored age file.
const ARMOR_BEGIN: &[u8] = b"-----BEGIN AGE ENCRYPTED FILE-----";

/// The start of an armored file's content, decoded: enough base64 for
/// [`MAX_HEADER_BYTES`] and a little more. Empty where it does not decode
/// (age then says what is wrong).
fn dearmor_start(body: &[u8]) -> Vec<u8> {
    let wanted = (MAX_HEADER_BYTES + 64).div_ceil(3) * 4;
    let mut chars: Vec<u8> = body
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .take_while(|&b| b != b'-')
        .take(wanted)
        .collect();
    chars.truncate(chars.len() / 4 * 4);
    data_encoding::BASE64.decode(&chars).unwrap_or_default()
}

/// The first line of a binary age file. (An armored one begins with
/// `-----BEGIN AGE ENCRYPTED FILE-----`.)
const BINARY_AGE_MAGIC: &[u8] = b"age-encryption.org/";

/// True when `bytes` (the start of a file) is certainly not armored, so that
/// `ArmoredReader` would only pass it through: it starts like a binary age
/// file and is longer than the smallest armor `ArmoredReader` looks for (36
/// bytes), so the reader's own errors for short input cannot differ.
fn is_binary_age(bytes: &[u8]) -> bool {
    bytes.len() > 36 && bytes.starts_with(BINARY_AGE_MAGIC)
}

/// The `Corrupt` detail of a vault file the key does not open. Opening with
/// an emergency kit recognizes it, to say the kit is another vault's or was
/// replaced.
pub(crate) const NOT_FOR_THIS_KEY: &str =
    "it is not encrypted to this vault's key (is it from another vault?)";

fn decrypt_reader_with_identity<R: std::io::BufRead>(
    decryptor: std::result::Result<Decryptor<R>, DecryptError>,
    identity: &x25519::Identity,
    ciphertext_len: usize,
    file: &Path,
) -> Result<Zeroizing<Vec<u8>>> {
    let reader = decryptor
        .map_err(|e| map_decrypt_error(e, file))?
        .decrypt(iter::once(identity as &dyn age::Identity))
        .map_err(|e| match e {
            DecryptError::NoMatchingKeys => Error::Corrupt {
                file: file.to_owned(),
                detail: NOT_FOR_THIS_KEY.into(),
            },
            other => map_decrypt_error(other, file),
        })?;
    read_all(reader, ciphertext_len, file)
}

/// Reads the whole plaintext. `ciphertext_len` bounds it (age only adds to
/// the size), so the buffer is allocated once: a growing `Vec` would free
/// earlier, smaller copies of the plaintext without zeroizing them.
fn read_all(
    mut reader: impl Read,
    ciphertext_len: usize,
    file: &Path,
) -> Result<Zeroizing<Vec<u8>>> {
    // One spare byte lets `read_to_end` see the end without growing.
    let mut out = Zeroizing::new(Vec::with_capacity(ciphertext_len + 1));
    reader.read_to_end(&mut out).map_err(|e| Error::Corrupt {
        file: file.to_owned(),
        detail: match e.kind() {
            std::io::ErrorKind::UnexpectedEof => "it is truncated".into(),
            _ => "it is truncated or damaged (its encrypted content fails authentication)".into(),
        },
    })?;
    Ok(out)
}

fn map_decrypt_error(e: DecryptError, file: &Path) -> Error {
    let detail = match e {
        DecryptError::ExcessiveWork { required, .. } => format!(
            "it asks for scrypt work factor 2^{required}, above Sparekey's limit of 2^{MAX_WORK_FACTOR}"
        ),
        DecryptError::InvalidHeader | DecryptError::UnknownFormat => {
            "it is not an age file, or its header is damaged".into()
        }
        DecryptError::InvalidMac => "its header was modified (MAC check failed)".into(),
        DecryptError::Io(ref io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            "it is truncated".into()
        }
        DecryptError::NoMatchingKeys => "none of the given keys opens it".into(),
        DecryptError::DecryptionFailed | DecryptError::KeyDecryptionFailed => {
            "it is damaged (decryption failed)".into()
        }
        _ => "it could not be decrypted".into(),
    };
    Error::Corrupt {
        file: file.to_owned(),
        detail,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pass(s: &str) -> SecretString {
        SecretString::from(s.to_owned())
    }

    /// A hostile age file: a real file's first line, then `stanzas` X25519
    /// stanzas to nobody, then a MAC line and some body.
    fn long_header(stanzas: usize) -> Vec<u8> {
        let mut out = b"age-encryption.org/v1\n".to_vec();
        for _ in 0..stanzas {
            out.extend_from_slice(
                b"-> X25519 TEiF0ypqr+bpvcqXNyCVJpL7OuwPdVwPL7KQEbFDOCc\n\
                  EmECAEcKN+n/Vs9SbWiV+Hu0r+E8R77DdWYyd83nw7U\n",
            );
        }
        out.extend_from_slice(b"--- AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n");
        out.extend_from_slice(&[0u8; 64]);
        out
    }

    #[test]
    fn headers_sparekey_writes_pass_the_check() {
        let recipients: Vec<_> = (0..3).map(|_| generate_identity().to_public()).collect();
        let ct = encrypt_to(b"{}", &recipients).unwrap();
        check_header(&ct, Path::new("v.age")).unwrap();
        let armored = encrypt_with_passphrase(b"{}", &pass("p"), Some(10), true);
        check_header(&armored, Path::new("b.age")).unwrap();
        check_header(b"not age at all", Path::new("x")).unwrap();
    }

    /// Answered before the age crate parses: too many stanzas, or a header
    /// that never ends, binary or armored, read whole or streamed.
    #[test]
    fn a_long_age_header_is_refused_before_age_parses_it() {
        let f = Path::new("vault.sync-conflict-x.age");
        let key = generate_identity();
        for hostile in [long_header(MAX_STANZAS + 1), long_header(20_000)] {
            let error = check_header(&hostile, f).unwrap_err();
            assert!(error.to_string().contains("header is longer"), "{error}");
            let error = decrypt_with_identity(&hostile, &key, f).unwrap_err();
            assert!(error.to_string().contains("header is longer"), "{error}");
            let error = decrypt_with_passphrase(&hostile, &pass("p"), f).unwrap_err();
            assert!(error.to_string().contains("header is longer"), "{error}");
        }
        let mut never_ends = b"age-encryption.org/v1\n".to_vec();
        never_ends.extend(std::iter::repeat_n(b"-> x\n".as_slice(), 10_000).flatten());
        assert!(check_header(&never_ends, f).is_err());
        // Armored: the same header behind base64.
        let hostile = long_header(20_000);
        let mut armored = ARMOR_BEGIN.to_vec();
        armored.push(b'\n');
        for line in data_encoding::BASE64.encode(&hostile).as_bytes().chunks(64) {
            armored.extend_from_slice(line);
            armored.push(b'\n');
        }
        armored.extend_from_slice(b"-----END AGE ENCRYPTED FILE-----\n");
        let error = decrypt_with_identity(&armored, &key, f).unwrap_err();
        assert!(error.to_string().contains("header is longer"), "{error}");
    }

    #[test]
    fn passphrase_round_trip_and_wrong_passphrase() {
        let f = Path::new("x.age");
        let ct = encrypt_with_passphrase(b"hello", &pass("right"), Some(10), false);
        assert_eq!(
            &*decrypt_with_passphrase(&ct, &pass("right"), f).unwrap(),
            b"hello"
        );
        assert!(matches!(
            decrypt_with_passphrase(&ct, &pass("wrong"), f),
            Err(Error::WrongPassphrase)
        ));
        let armored = encrypt_with_passphrase(b"hello", &pass("right"), Some(10), true);
        assert!(armored.starts_with(b"-----BEGIN AGE ENCRYPTED FILE-----"));
        assert_eq!(
            &*decrypt_with_passphrase(&armored, &pass("right"), f).unwrap(),
            b"hello"
        );
    }

    #[test]
    fn plaintext_is_read_into_one_buffer_that_never_grows() {
        // A buffer that grew would have left freed, unzeroized copies of
        // the plaintext behind; its capacity would then differ from the
        // one allocated up front.
        let identity = x25519::Identity::generate();
        let plaintext: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
        for armor in [false, true] {
            let ct = if armor {
                let binary = encrypt_to(&plaintext, &[identity.to_public()]).unwrap();
                let mut out = Vec::new();
                let mut w = ArmoredWriter::wrap_output(&mut out, Format::AsciiArmor).unwrap();
                w.write_all(&binary).unwrap();
                w.finish().unwrap();
                out
            } else {
                encrypt_to(&plaintext, &[identity.to_public()]).unwrap()
            };
            let out = decrypt_with_identity(&ct, &identity, Path::new("x.age")).unwrap();
            assert_eq!(&out[..], &plaintext[..]);
            assert_eq!(out.capacity(), ct.len() + 1, "armor: {armor}");
        }
    }

    #[test]
    fn excessive_work_factor_is_refused_before_any_work() {
        let f = Path::new("x.age");
        let mut ct = encrypt_with_passphrase(b"hello", &pass("p"), Some(10), false);
        // Rewrite the stanza's work factor "10" to "40" (header is ASCII).
        let text = String::from_utf8_lossy(&ct).into_owned();
        let pos = text.find(" 10\n").unwrap();
        ct[pos + 1..pos + 3].copy_from_slice(b"40");
        match decrypt_with_passphrase(&ct, &pass("p"), f) {
            Err(Error::Corrupt { detail, .. }) => assert!(detail.contains("2^40"), "{detail}"),
            other => panic!("expected refusal, got {:?}", other.map(|_| ())),
        }
    }

    #[test]
    fn identity_text_round_trip() {
        let id = generate_identity();
        let text = identity_file_text(&id, 0);
        assert!(text.contains("# public key: age1"));
        let back = parse_identity_text(&text, Path::new("i")).unwrap();
        assert_eq!(back.to_public().to_string(), id.to_public().to_string());
        assert!(parse_identity_text("# nothing\n", Path::new("i")).is_err());
    }

    /// What `decrypt_with_identity` did before binary files skipped
    /// `ArmoredReader`: every input went through it.
    fn decrypt_always_through_armor(
        bytes: &[u8],
        identity: &x25519::Identity,
        file: &Path,
    ) -> Result<Zeroizing<Vec<u8>>> {
        decrypt_reader_with_identity(
            Decryptor::new_buffered(ArmoredReader::new(bytes)),
            identity,
            bytes.len(),
            file,
        )
    }

    #[test]
    fn binary_files_read_without_armor_decrypt_and_fail_alike() {
        let f = Path::new("v.age");
        let id = generate_identity();
        let other = generate_identity();
        let plaintext: Vec<u8> = (0..200_000u32).map(|i| (i % 253) as u8).collect();
        let ct = encrypt_to(&plaintext, &[id.to_public()]).unwrap();
        assert!(is_binary_age(&ct));
        let mut cases: Vec<Vec<u8>> = vec![ct.clone(), b"age-encryption.org/".to_vec()];
        // Every cut through the header, and some through the payload.
        for len in (0..200).chain([ct.len() / 2, ct.len() - 17, ct.len() - 1]) {
            cases.push(ct[..len.min(ct.len())].to_vec());
        }
        // Damage at many places (header, MAC, nonce, chunks, last chunk).
        for at in (0..ct.len()).step_by(997).chain([ct.len() - 1]) {
            let mut bad = ct.clone();
            bad[at] ^= 0x20;
            cases.push(bad);
        }
        let shown = |r: Result<Zeroizing<Vec<u8>>>| match r {
            Ok(out) => format!("ok {} bytes, capacity {}", out.len(), out.capacity()),
            Err(e) => format!("error: {e}"),
        };
        for case in &cases {
            for key in [&id, &other] {
                assert_eq!(
                    shown(decrypt_with_identity(case, key, f)),
                    shown(decrypt_always_through_armor(case, key, f)),
                    "input of {} bytes",
                    case.len()
                );
            }
        }
        assert_eq!(
            &decrypt_with_identity(&ct, &id, f).unwrap()[..],
            &plaintext[..]
        );
    }

    #[test]
    fn truncated_and_foreign_files_are_corrupt() {
        let f = Path::new("v.age");
        let id = generate_identity();
        let ct = encrypt_to(&[7u8; 100_000], &[id.to_public()]).unwrap();
        for bad in [
            &ct[..ct.len() - 10],
            &ct[..40],
            b"{\"json\":1}".as_slice(),
            b"",
        ] {
            assert!(matches!(
                decrypt_with_identity(bad, &id, f),
                Err(Error::Corrupt { .. })
            ));
        }
        let other = generate_identity();
        match decrypt_with_identity(&ct, &other, f) {
            Err(Error::Corrupt { detail, .. }) => assert!(detail.contains("another vault")),
            other => panic!("{:?}", other.map(|_| ())),
        }
    }
}
