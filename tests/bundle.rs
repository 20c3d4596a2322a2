//! What every bundle needs from the tree, checked without building one
//! (`scripts/package` builds and checks the Linux packages): the icons of
//! each system, drawn from one source, and the bundle settings for Linux,
//! macOS and Windows.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{fs, path::Path};

use serde_json::Value;
use sparekey_tests::workspace_root;

fn tauri_conf() -> Value {
    let path = workspace_root().join("src-tauri/tauri.conf.json");
    serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap()
}

/// The `bundle.icon` entries, as paths from the workspace root.
fn bundle_icons() -> Vec<std::path::PathBuf> {
    tauri_conf()["bundle"]["icon"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| workspace_root().join("src-tauri").join(p.as_str().unwrap()))
        .collect()
}

/// A PNG's width and height, from its header.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    assert_eq!(&bytes[12..16], b"IHDR");
    let word = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
    (word(16), word(20))
}

/// The sizes a PNG file's name promises: `32x32.png`, `128x128@2x.png`
/// (256), `icon.png` (512).
fn promised_size(name: &str) -> u32 {
    if name == "icon.png" {
        return 512;
    }
    let (size, rest) = name.split_once('x').unwrap();
    let size: u32 = size.parse().unwrap();
    if rest.contains("@2x") {
        size * 2
    } else {
        size
    }
}

/// Linux gets a PNG per size its icon theme has a folder for, macOS an
/// .icns, Windows an .ico (tauri-build embeds it in the .exe); each file is
/// what its name says.
#[test]
fn every_bundle_has_its_icons() {
    let icons = bundle_icons();
    let names: Vec<String> = icons
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    for required in [
        "icon.ico",
        "icon.icns",
        "icon.png",
        "32x32.png",
        "128x128.png",
    ] {
        assert!(
            names.iter().any(|n| n == required),
            "bundle.icon lacks {required}"
        );
    }
    let mut png_sizes = Vec::new();
    for (path, name) in icons.iter().zip(&names) {
        let bytes = fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        match Path::new(name).extension().and_then(|x| x.to_str()) {
            Some("png") => {
                let size = png_size(&bytes);
                assert_eq!(size, (promised_size(name), promised_size(name)), "{name}");
                png_sizes.push(size.0);
            }
            Some("ico") => {
                // ICONDIR: reserved 0, type 1, then the number of images;
                // each entry's width byte is 0 for 256 px.
                assert_eq!(&bytes[..4], [0, 0, 1, 0], "{name}: not an .ico");
                let count = usize::from(u16::from_le_bytes([bytes[4], bytes[5]]));
                let widths: Vec<u8> = (0..count).map(|i| bytes[6 + 16 * i]).collect();
                for size in [16, 32, 48, 0] {
                    assert!(widths.contains(&size), "{name} lacks {size} px: {widths:?}");
                }
            }
            Some("icns") => {
                assert_eq!(&bytes[..4], b"icns", "{name}: not an .icns");
                let length = u32::from_be_bytes(bytes[4..8].try_into().unwrap());
                assert_eq!(length as usize, bytes.len(), "{name}: truncated");
            }
            other => panic!("{name}: unexpected icon type {other:?}"),
        }
    }
    png_sizes.sort_unstable();
    png_sizes.dedup();
    assert_eq!(png_sizes, [16, 24, 32, 48, 64, 128, 256, 512]);
}

/// Every icon file is listed in the bundle settings, and the source they
/// are drawn from (`scripts/icons`) is there.
#[test]
fn the_icons_come_from_one_source() {
    let dir = workspace_root().join("icons");
    assert!(dir.join("sparekey.svg").is_file(), "icons/sparekey.svg");
    let listed = bundle_icons();
    for entry in fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|x| x == "svg") {
            continue;
        }
        assert!(
            listed
                .iter()
                .any(|l| l.canonicalize().unwrap() == path.canonicalize().unwrap()),
            "{} is not in bundle.icon",
            path.display()
        );
    }
}

/// Linux gets a .deb and an .rpm with the same files (and the AppStream
/// metainfo), macOS an .app and a .dmg, Windows an .msi and an NSIS
/// installer with a fixed upgrade code (so an update replaces the installed
/// app instead of sitting beside it).
#[test]
fn bundles_are_set_up_for_every_system() {
    let conf = tauri_conf();
    let bundle = &conf["bundle"];
    let targets: Vec<&str> = bundle["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    assert_eq!(targets, ["deb", "rpm", "msi", "nsis", "app", "dmg"]);
    let deb = &bundle["linux"]["deb"]["files"];
    assert_eq!(deb, &bundle["linux"]["rpm"]["files"], "deb and rpm differ");
    for (dest, source) in deb.as_object().unwrap() {
        let source = source.as_str().unwrap();
        // Staged by scripts/package before it bundles.
        if source.starts_with("../target/") {
            continue;
        }
        assert!(
            workspace_root().join("src-tauri").join(source).exists(),
            "{dest}: {source} is missing"
        );
    }
    assert!(deb["/usr/share/metainfo/dev.sparekey.app.metainfo.xml"].is_string());
    let upgrade = bundle["windows"]["wix"]["upgradeCode"].as_str().unwrap();
    assert_eq!(upgrade.len(), 36, "{upgrade}");
    assert!(bundle["windows"]["nsis"].is_object());
    assert!(bundle["macOS"]["minimumSystemVersion"].is_string());
    // The metainfo's id is the app's identifier.
    let metainfo =
        fs::read_to_string(workspace_root().join("packaging/linux/dev.sparekey.app.metainfo.xml"))
            .unwrap();
    let id = conf["identifier"].as_str().unwrap();
    assert!(metainfo.contains(&format!("<id>{id}</id>")), "{id}");
    let flatpak =
        fs::read_to_string(workspace_root().join("packaging/flatpak/dev.sparekey.app.yml"))
            .unwrap();
    assert!(flatpak.contains(&format!("\nid: {id}\n")), "{id}");
}
