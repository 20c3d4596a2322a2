//! Security properties of what ships, checked from the sources and the
//! dependency graph: no HTTP client in the binaries, a CSP that allows no
//! network, capabilities that grant exactly the commands the UI calls, and a
//! UI that never turns strings into HTML.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{collections::BTreeSet, fs, path::Path, process::Command};

use serde_json::Value;
use sparekey_tests::workspace_root;

fn read(rel: &str) -> String {
    let path = workspace_root().join(rel);
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Crates that speak HTTP or TLS over the network. `http` (types only) is
/// fine: Tauri uses it for its in-process IPC protocol.
const NETWORK_CRATES: &[&str] = &[
    "reqwest",
    "hyper",
    "hyper-util",
    "ureq",
    "curl",
    "isahc",
    "attohttpc",
    "surf",
    "h2",
    "rustls",
    "native-tls",
    "openssl",
    "tauri-plugin-http",
    "tauri-plugin-updater",
];

#[test]
fn shipped_binaries_have_no_http_client() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    for package in ["sparekey", "sparekey-cli"] {
        let out = Command::new(&cargo)
            .args([
                "tree",
                "--locked",
                "--offline",
                "-e",
                "normal",
                "--prefix",
                "none",
                "-p",
                package,
            ])
            .current_dir(workspace_root())
            .output()
            .expect("cargo tree");
        assert!(
            out.status.success(),
            "cargo tree -p {package}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let tree = String::from_utf8(out.stdout).unwrap();
        let crates: BTreeSet<&str> = tree
            .lines()
            .filter_map(|l| l.split_whitespace().next())
            .collect();
        assert!(
            crates.len() > 20,
            "{package}: implausibly small tree: {crates:?}"
        );
        let found: Vec<_> = NETWORK_CRATES
            .iter()
            .filter(|c| crates.contains(**c))
            .collect();
        assert!(
            found.is_empty(),
            "{package} depends on network crates: {found:?}"
        );
    }
}

fn tauri_conf() -> Value {
    serde_json::from_str(&read("src-tauri/tauri.conf.json")).unwrap()
}

#[test]
fn csp_allows_no_network_and_no_inline_code() {
    let conf = tauri_conf();
    assert!(
        conf["build"].get("devUrl").is_none(),
        "a devUrl would load the UI from a server"
    );
    let security = &conf["app"]["security"];
    assert_eq!(security["freezePrototype"], true);
    let csp = security["csp"].as_str().expect("a CSP string (never null)");
    let mut directives = std::collections::BTreeMap::new();
    for d in csp.split(';').map(str::trim).filter(|d| !d.is_empty()) {
        let mut parts = d.split_whitespace();
        let name = parts.next().unwrap();
        directives.insert(
            name.to_owned(),
            parts.map(str::to_owned).collect::<Vec<_>>(),
        );
    }
    assert_eq!(directives["default-src"], ["'self'"]);
    for (name, sources) in &directives {
        for source in sources {
            let allowed = match source.as_str() {
                "'self'" | "'none'" => true,
                "data:" => name == "img-src",
                "ipc:" | "http://ipc.localhost" => name == "connect-src",
                _ => false,
            };
            assert!(allowed, "CSP {name} allows {source}");
        }
    }
    for required in ["object-src", "base-uri", "form-action", "frame-ancestors"] {
        assert_eq!(directives[required], ["'none'"], "{required}");
    }
}

/// The commands the shell registers (build.rs), the permissions the window
/// is granted, and the commands `ui/api.js` calls are the same set; the only
/// plugin permission is opening https links.
#[test]
fn capabilities_grant_exactly_the_commands_the_ui_calls() {
    let build = read("src-tauri/build.rs");
    let list = build
        .split_once(".commands(&[")
        .and_then(|(_, rest)| rest.split_once("])"))
        .expect("AppManifest::commands list in build.rs")
        .0;
    let registered: BTreeSet<String> = quoted(list).into_iter().collect();

    let mut granted = BTreeSet::new();
    for entry in fs::read_dir(workspace_root().join("src-tauri/capabilities")).unwrap() {
        let cap: Value =
            serde_json::from_str(&fs::read_to_string(entry.unwrap().path()).unwrap()).unwrap();
        assert_eq!(cap["windows"], serde_json::json!(["main"]));
        for p in cap["permissions"].as_array().unwrap() {
            match p {
                Value::String(s) => {
                    let command = s
                        .strip_prefix("allow-")
                        .unwrap_or_else(|| panic!("unexpected permission {s}"));
                    granted.insert(command.replace('-', "_"));
                }
                Value::Object(o) => {
                    assert_eq!(o["identifier"], "opener:allow-open-url", "{p}");
                    for scope in o["allow"].as_array().unwrap() {
                        let url = scope["url"].as_str().unwrap();
                        assert!(url.starts_with("https://"), "opener scope {url}");
                    }
                }
                other => panic!("unexpected permission {other}"),
            }
        }
    }

    let api = read("ui/api.js");
    let called: BTreeSet<String> = api
        .split("call(")
        .skip(1)
        .filter_map(|rest| {
            rest.strip_prefix('"')
                .and_then(|r| r.split_once('"'))
                .map(|(n, _)| n.to_owned())
        })
        .collect();

    assert_eq!(granted, registered, "granted vs registered commands");
    assert_eq!(called, registered, "commands ui/api.js calls vs registered");
}

fn quoted(text: &str) -> Vec<String> {
    text.split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

/// No string ever becomes HTML in the page, and only api.js reaches the shell.
#[test]
fn ui_never_sets_html_from_strings() {
    let sinks = [
        "innerHTML",
        "outerHTML",
        "insertAdjacentHTML",
        "document.write",
        "eval(",
        "new Function",
        "setAttribute(\"on",
    ];
    let mut files = Vec::new();
    collect_files(&workspace_root().join("ui"), &mut files);
    assert!(files.iter().any(|f| f.ends_with("api.js")));
    for file in &files {
        let text = fs::read_to_string(file).unwrap();
        for sink in sinks {
            assert!(!text.contains(sink), "{} uses {sink}", file.display());
        }
        let name = file.file_name().unwrap().to_string_lossy();
        if name != "api.js" {
            assert!(
                !text.contains("__TAURI") && !text.contains("invoke("),
                "{} reaches the shell; only api.js may",
                file.display()
            );
        }
        if name.ends_with(".html") {
            for tag in text.split("<script").skip(1) {
                let tag = tag.split('>').next().unwrap_or_default();
                assert!(tag.contains("src="), "{}: inline script", file.display());
            }
            assert!(
                !text.contains("http://") && !text.contains("https://"),
                "{}: remote URL",
                file.display()
            );
        }
    }
}

fn collect_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            collect_files(&p, out);
        } else {
            out.push(p);
        }
    }
}
