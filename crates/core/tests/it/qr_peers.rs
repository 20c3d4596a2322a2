//! `sparekey_core::qr` against real QR tools from Debian: codes drawn by
//! `qrencode` (package qrencode) are read by Sparekey, and codes drawn by
//! Sparekey are read by `zbarimg` (package zbar-tools). JPEG and page-sized
//! screenshots are made with ImageMagick's `convert` (package imagemagick).
//!
//! SVG is rasterized with `rsvg-convert` (package librsvg2-bin). A missing
//! tool fails the test with the package to install (scripts/setup installs
//! them all).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{
    path::{Path, PathBuf},
    process::Command,
};

use sparekey_core::{
    qr::{decode_image, to_png, to_svg},
    secret::ExposeSecret,
};

const SHORT: &str = "otpauth://totp/PyPI:alice?secret=JBSWY3DPEHPK3PXP&issuer=PyPI";

fn long_uri() -> String {
    // A 64-byte secret is 103 base32 characters.
    let secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ".repeat(4)[..103].to_owned();
    format!(
        "otpauth://totp/Example%20Corporation:alice.example%40mail.example.com?secret={secret}\
         &issuer=Example%20Corporation&algorithm=SHA512&digits=8&period=60"
    )
}

fn uris() -> Vec<String> {
    vec![SHORT.to_owned(), long_uri()]
}

/// Runs `program args`, failing with the Debian package to install when the
/// program is missing, or with its stderr when it fails. Returns stdout.
fn run(program: &str, package: &str, args: &[&str]) -> Vec<u8> {
    let out = match Command::new(program).args(args).output() {
        Ok(out) => out,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            panic!("`{program}` is not installed: this test needs it (apt-get install {package})")
        }
        Err(e) => panic!("could not run `{program}`: {e}"),
    };
    assert!(
        out.status.success(),
        "`{program} {}` failed ({}): {}",
        args.join(" "),
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn path_str(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn decoded(bytes: &[u8]) -> Vec<String> {
    decode_image(bytes)
        .unwrap()
        .iter()
        .map(|s| s.expose_secret().to_owned())
        .collect()
}

fn qrencode_png(dir: &Path, name: &str, text: &str) -> PathBuf {
    let png = dir.join(name);
    run(
        "qrencode",
        "qrencode",
        &["-o", path_str(&png), "-s", "4", "-l", "M", text],
    );
    png
}

/// ImageMagick's convert; the stand-in that may sit earlier on PATH forwards
/// to it when it is installed.
fn convert(args: &[&str]) {
    run("convert", "imagemagick", args);
}

fn zbarimg(file: &Path) -> String {
    let out = run("zbarimg", "zbar-tools", &["--raw", "-q", path_str(file)]);
    let text = String::from_utf8(out).unwrap();
    text.strip_suffix('\n').unwrap_or(&text).to_owned()
}

#[test]
fn qrencode_png_decodes_to_the_exact_text() {
    let dir = tempfile::tempdir().unwrap();
    for (i, uri) in uris().iter().enumerate() {
        let png = qrencode_png(dir.path(), &format!("{i}.png"), uri);
        assert_eq!(decoded(&std::fs::read(&png).unwrap()), [uri.as_str()]);
    }
}

#[test]
fn qrencode_png_made_jpeg_decodes_to_the_exact_text() {
    let dir = tempfile::tempdir().unwrap();
    for (i, uri) in uris().iter().enumerate() {
        let png = qrencode_png(dir.path(), &format!("{i}.png"), uri);
        let jpg = dir.path().join(format!("{i}.jpg"));
        convert(&[path_str(&png), "-quality", "75", path_str(&jpg)]);
        let bytes = std::fs::read(&jpg).unwrap();
        assert_eq!(&bytes[..2], b"\xff\xd8", "convert did not write a JPEG");
        assert_eq!(decoded(&bytes), [uri.as_str()]);
    }
}

#[test]
fn qrencode_code_small_in_a_screenshot_sized_page_decodes() {
    let dir = tempfile::tempdir().unwrap();
    let uri = long_uri();
    let code = dir.path().join("code.png");
    run(
        "qrencode",
        "qrencode",
        &["-o", path_str(&code), "-s", "2", "-l", "M", &uri],
    );
    for (name, extra) in [("page.png", &[][..]), ("page.jpg", &["-quality", "85"][..])] {
        let page = dir.path().join(name);
        let mut args = vec![
            path_str(&code),
            "-background",
            "white",
            "-gravity",
            "center",
            "-extent",
            "1920x1080",
        ];
        args.extend_from_slice(extra);
        args.push(path_str(&page));
        convert(&args);
        assert_eq!(
            decoded(&std::fs::read(&page).unwrap()),
            [uri.as_str()],
            "{name}"
        );
    }
}

#[test]
fn sparekey_png_is_read_by_zbarimg() {
    let dir = tempfile::tempdir().unwrap();
    for (i, uri) in uris().iter().enumerate() {
        for scale in [2, 4, 8] {
            let png = dir.path().join(format!("{i}-{scale}.png"));
            std::fs::write(&png, to_png(uri, scale).unwrap()).unwrap();
            assert_eq!(zbarimg(&png), *uri, "scale {scale}");
        }
    }
}

#[test]
fn sparekey_svg_is_read_by_zbarimg() {
    let dir = tempfile::tempdir().unwrap();
    for (i, uri) in uris().iter().enumerate() {
        let svg = dir.path().join(format!("{i}.svg"));
        let png = dir.path().join(format!("{i}.png"));
        std::fs::write(&svg, to_svg(uri).unwrap().as_bytes()).unwrap();
        run(
            "rsvg-convert",
            "librsvg2-bin",
            &[
                "-z",
                "6",
                "-b",
                "white",
                "-o",
                path_str(&png),
                path_str(&svg),
            ],
        );
        assert_eq!(zbarimg(&png), *uri);
        // And Sparekey reads the rasterized SVG too.
        assert_eq!(decoded(&std::fs::read(&png).unwrap()), [uri.as_str()]);
    }
}
