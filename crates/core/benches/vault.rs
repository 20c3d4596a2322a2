//! Vault benchmarks at 10, 1,000 and 10,000 accounts.
//!
//! - `unlock_minus_kdf`: read `vault.age`, decrypt it with the X25519
//!   identity and parse the document: everything unlock does after the
//!   passphrase KDF (which costs about a second by design).
//! - `save`: one transaction (lock, check for changes, apply, encrypt, atomic
//!   write with backup link, fsync).
//! - `all_codes`: the current code of every account.
//! - `list_page_search` / `list_page_all`: the app's list page (100 rows)
//!   for a two-word search and for no search, as on each key typed.
//! - `ways_findings_and_graph`: Health's single points of failure and the
//!   recovery graph, every account's ways back in recorded (a key, one of
//!   100 mailboxes, each mailbox's account in the vault).
//!
//! - `hostile_header`: a planted conflict copy whose age header holds
//!   20,000 stanzas (about 2 MB), refused by `crypto::check_header` before
//!   the age crate parses it (which took minutes).
//! - `hostile_qr_finder_tiles`: a 672-pixel PNG tiled with 400 QR finder
//!   patterns, refused by counting them before the decoder groups them
//!   (40 s in a debug build before).
//!
//! Budgets at 10,000 accounts: unlock overhead ≤ 30 ms, save ≤ 30 ms,
//! all codes ≤ 10 ms; a hostile file is answered within 2 s. Run: `cargo
//! bench -p sparekey-core --bench vault`.
#![allow(missing_docs)] // criterion_group! generates undocumented items

use std::{hint::black_box, path::Path};

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use sparekey_core::{
    account::Account,
    otp::{Algorithm, Otp, OtpKind},
    secret::{SecretBytes, SecretString},
    vault::{crypto, Vault},
};

const SIZES: [usize; 3] = [10, 1_000, 10_000];

fn make_vault(dir: &Path, n: usize) -> (Vault, age::x25519::Identity) {
    let pass = SecretString::from("bench passphrase".to_owned());
    let mut vault = Vault::create(dir, &pass, Some(10)).expect("create");
    vault
        .update(|doc| {
            for i in 0..n {
                let secret: [u8; 20] = rand::random();
                let otp = Otp::new(
                    OtpKind::Totp { period: 30 },
                    Algorithm::Sha1,
                    6,
                    SecretBytes::new(secret.to_vec()),
                )?;
                let mut a = Account::new("Issuer", &format!("user{i}@example.com"), Some(otp), 1)?;
                if i % 3 == 0 {
                    let codes = (0..8).map(|k| format!("{i:08x}{k:08x}")).collect();
                    a.recovery = sparekey_core::recovery::RecoverySet::new(
                        codes,
                        sparekey_core::recovery::Service::Pypi,
                        1,
                    )?;
                }
                doc.accounts.push(a);
            }
            Ok(())
        })
        .expect("fill");
    let wrapped = std::fs::read(vault.paths().identity()).expect("read identity");
    let text = crypto::decrypt_with_passphrase(&wrapped, &pass, Path::new("identity.age"))
        .expect("unwrap identity");
    let identity = crypto::parse_identity_text(
        std::str::from_utf8(&text).expect("utf8"),
        Path::new("identity.age"),
    )
    .expect("parse identity");
    (vault, identity)
}

fn benches(c: &mut Criterion) {
    for n in SIZES {
        let dir = tempfile::tempdir().expect("tempdir");
        let (mut vault, identity) = make_vault(dir.path(), n);
        let identity_text = identity.to_string();

        let mut g = c.benchmark_group("vault");
        g.sample_size(if n >= 10_000 { 20 } else { 50 });
        g.bench_with_input(BenchmarkId::new("unlock_minus_kdf", n), &n, |b, _| {
            b.iter(|| {
                use age::secrecy::ExposeSecret;
                let id: age::x25519::Identity =
                    identity_text.expose_secret().parse().expect("identity");
                black_box(Vault::unlock_with_identity(dir.path(), id).expect("unlock"))
            })
        });
        let mut flip = 0u32;
        g.bench_with_input(BenchmarkId::new("save", n), &n, |b, _| {
            b.iter(|| {
                flip = flip.wrapping_add(1);
                vault
                    .update(|doc| {
                        doc.settings.clipboard_clear_seconds = 20 + flip % 2;
                        Ok(())
                    })
                    .expect("save")
            })
        });
        g.bench_with_input(BenchmarkId::new("all_codes", n), &n, |b, _| {
            b.iter(|| {
                let now = 1_800_000_000;
                let codes: Vec<_> = vault
                    .doc()
                    .accounts
                    .iter()
                    .map(|a| a.code_at(now).expect("code"))
                    .collect();
                black_box(codes)
            })
        });
        // What the app's list asks for on each key typed into the search.
        g.bench_with_input(BenchmarkId::new("list_page_search", n), &n, |b, _| {
            b.iter(|| {
                let page = sparekey_core::list::page(
                    &vault.doc().accounts,
                    black_box("git 42"),
                    "",
                    sparekey_core::list::ListSort::Issuer,
                    100,
                );
                black_box(page.matching)
            })
        });
        g.bench_with_input(BenchmarkId::new("list_page_all", n), &n, |b, _| {
            b.iter(|| {
                let page = sparekey_core::list::page(
                    &vault.doc().accounts,
                    "",
                    "",
                    sparekey_core::list::ListSort::Issuer,
                    100,
                );
                black_box(page.matching)
            })
        });
        // Health's ways back in: every account recorded (a key, an address
        // at one of 100 mailboxes, each mailbox's account in the vault).
        let mut doc = vault.doc().clone();
        let ids: Vec<String> = doc.accounts.iter().map(|a| a.id.clone()).collect();
        for (i, a) in doc.accounts.iter_mut().enumerate() {
            let mailbox = i % 100;
            a.ways = sparekey_core::ways::Ways {
                factors: vec![sparekey_core::ways::Factor {
                    kind: sparekey_core::ways::FactorKind::SecurityKey,
                    name: "YubiKey".into(),
                    place: String::new(),
                    checked_at: None,
                }],
                emails: vec![sparekey_core::ways::RecoveryEmail {
                    address: format!("box{mailbox}@example.com"),
                    mailbox_account: (ids[mailbox] != a.id).then(|| ids[mailbox].clone()),
                    work: false,
                }],
                copies: Vec::new(),
                reviewed_at: Some(1),
            };
        }
        g.bench_with_input(
            BenchmarkId::new("ways_findings_and_graph", n),
            &n,
            |b, _| {
                b.iter(|| {
                    let findings = sparekey_core::ways::findings(black_box(&doc));
                    let graph = sparekey_core::ways::graph(&doc);
                    black_box((findings.len(), graph.nodes.len()))
                })
            },
        );
        g.finish();
    }
}

fn hostile(c: &mut Criterion) {
    let mut file = b"age-encryption.org/v1\n".to_vec();
    for _ in 0..20_000 {
        file.extend_from_slice(
            b"-> X25519 TEiF0ypqr+bpvcqXNyCVJpL7OuwPdVwPL7KQEbFDOCc\n\
              EmECAEcKN+n/Vs9SbWiV+Hu0r+E8R77DdWYyd83nw7U\n",
        );
    }
    file.extend_from_slice(b"--- AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n");
    let key = crypto::generate_identity();
    let path = Path::new("vault.sync-conflict-hostile.age");
    c.bench_function("hostile_header", |b| {
        b.iter(|| {
            let refused = crypto::decrypt_with_identity(black_box(&file), &key, path);
            assert!(refused.is_err());
        })
    });
}

fn hostile_qr(c: &mut Criterion) {
    // 400 QR finder patterns of 3-pixel modules on white, as a PNG.
    let (m, n) = (3u32, 20u32);
    let cell = 11 * m;
    let side = n * cell + 4 * m;
    let tiles = image::GrayImage::from_fn(side, side, |x, y| {
        let (cx, cy) = (
            (x.saturating_sub(4 * m)) % cell,
            (y.saturating_sub(4 * m)) % cell,
        );
        let inside = x >= 4 * m && y >= 4 * m && cx < 7 * m && cy < 7 * m;
        let (mx, my) = (cx / m, cy / m);
        let ring = mx == 0 || mx == 6 || my == 0 || my == 6;
        let stone = (2..=4).contains(&mx) && (2..=4).contains(&my);
        image::Luma([if inside && (ring || stone) { 0 } else { 255 }])
    });
    let mut png = Vec::new();
    tiles
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .expect("png");
    c.bench_function("hostile_qr_finder_tiles", |b| {
        b.iter(|| assert!(sparekey_core::qr::decode_image(black_box(&png)).is_err()))
    });
}

criterion_group!(vault, benches, hostile, hostile_qr);
criterion_main!(vault);
