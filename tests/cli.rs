//! Black-box tests of `sparekey-cli`: real processes on temporary vaults,
//! checked against real peers (`age`, `oathtool`) the way a user would.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{
    fs,
    io::Write,
    path::{Path, PathBuf},
    process::{Command, Output, Stdio},
    time::{Duration, Instant},
};

use serde_json::Value;

const PASSPHRASE: &str = "correct horse battery staple";

/// A temporary vault folder and a passphrase file, and a way to run the CLI on them.
struct Env {
    tmp: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join("pass"), format!("{PASSPHRASE}\n")).unwrap();
        Env { tmp }
    }

    /// A new env with an initialized vault (cheap KDF for speed).
    fn init() -> Env {
        let env = Env::new();
        env.ok(&["init", "--work-factor", "10"]);
        env
    }

    fn vault(&self) -> PathBuf {
        self.tmp.path().join("vault")
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(sparekey_tests::bin("sparekey-cli"));
        c.arg("--vault")
            .arg(self.vault())
            .arg("--passphrase-file")
            .arg(self.tmp.path().join("pass"))
            .args(args)
            .env_remove("SPAREKEY_VAULT_DIR")
            .stdin(Stdio::null());
        c
    }

    fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().unwrap()
    }

    fn run_stdin(&self, args: &[&str], stdin: &str) -> Output {
        let mut child = self
            .cmd(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    }

    /// Runs and expects success; returns stdout.
    fn ok(&self, args: &[&str]) -> String {
        check_ok(args, self.run(args))
    }

    /// Runs and expects exit code 1; returns stderr.
    fn fail(&self, args: &[&str]) -> String {
        check_fail(args, self.run(args))
    }

    fn json(&self, args: &[&str]) -> Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        serde_json::from_str(&self.ok(&all)).unwrap()
    }

    fn files(&self) -> Vec<(String, Vec<u8>)> {
        let mut out = Vec::new();
        collect(&self.vault(), &self.vault(), &mut out);
        out.sort();
        out
    }
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
    for e in fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(root, &p, out);
        } else {
            let name = p.strip_prefix(root).unwrap().display().to_string();
            out.push((name, fs::read(&p).unwrap()));
        }
    }
}

fn check_ok(args: &[&str], out: Output) -> String {
    assert!(
        out.status.success(),
        "sparekey-cli {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn check_fail(args: &[&str], out: Output) -> String {
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "sparekey-cli {args:?} should fail with exit 1; stderr: {stderr}"
    );
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert_eq!(
        stderr.trim_end().lines().count(),
        1,
        "errors are one line: {stderr}"
    );
    stderr
}

fn oathtool(args: &[&str]) -> String {
    let out = Command::new("oathtool")
        .args(args)
        .output()
        .expect("oathtool is missing: install Debian's `oathtool` (the README test command does)");
    assert!(out.status.success(), "oathtool {args:?}");
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// Runs the reference `age` tool with the passphrase typed on a pseudo
/// terminal (age reads passphrases only from a terminal), via util-linux `script`.
fn age_decrypt(dir: &Path, args: &str) -> String {
    let mut child = Command::new("script")
        .args(["-qec", &format!("age -d {args}"), "/dev/null"])
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("`script` (util-linux) is needed to type into age's prompt");
    let mut stdin = child.stdin.take().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    writeln!(stdin, "{PASSPHRASE}").unwrap();
    let out = child.wait_with_output().unwrap();
    drop(stdin);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "age failed: {text}");
    text
}

const PYPI_URI: &str = "otpauth://totp/PyPI:alice?secret=JBSWY3DPEHPK3PXP&issuer=PyPI";

#[test]
fn codes_equal_oathtool_for_totp_and_hotp() {
    let env = Env::init();
    env.ok(&["add", "--uri", PYPI_URI]);
    env.ok(&[
        "add",
        "--issuer",
        "GitHub",
        "--name",
        "bob",
        "--secret",
        "gezd gnbv gy3t qojq gezd gnbv gy3t qojq",
        "--digits",
        "8",
        "--algorithm",
        "sha512",
        "--period",
        "60",
    ]);
    for t in [0u64, 59, 1_111_111_109, 1_700_000_000, 2_000_000_000] {
        let at = t.to_string();
        assert_eq!(
            env.ok(&["code", "pypi", "--at", &at]).trim(),
            oathtool(&["--totp", "-b", "JBSWY3DPEHPK3PXP", &format!("--now=@{t}")])
        );
        assert_eq!(
            env.ok(&["code", "github", "--at", &at]).trim(),
            oathtool(&[
                "--totp=sha512",
                "--digits=8",
                "--time-step-size=60s",
                "-b",
                "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
                &format!("--now=@{t}")
            ])
        );
    }
    // HOTP: every `code` takes the next counter and the counter is saved.
    env.ok(&[
        "add",
        "--issuer",
        "Corp",
        "--name",
        "vpn",
        "--secret",
        "MFRGGZDFMZTWQ2LK",
        "--hotp-counter",
        "41",
    ]);
    for counter in 41..45 {
        assert_eq!(
            env.ok(&["code", "vpn"]).trim(),
            oathtool(&["-b", "MFRGGZDFMZTWQ2LK", "-c", &counter.to_string()])
        );
    }
    let list = env.json(&["list"]);
    let vpn = list
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["issuer"] == "Corp")
        .unwrap();
    assert_eq!(vpn["counter"], 45);
}

#[test]
fn the_age_tool_reads_the_vault() {
    let env = Env::init();
    env.ok(&["add", "--uri", PYPI_URI]);
    let text = age_decrypt(&env.vault(), "-i identity.age vault.age");
    let json_start = text.find('{').expect("JSON in age's output");
    let doc: Value = serde_json::from_str(text[json_start..].trim()).unwrap();
    assert_eq!(doc["format"], "sparekey-vault");
    assert_eq!(doc["accounts"][0]["issuer"], "PyPI");
    assert_eq!(doc["accounts"][0]["otp"]["secret"], "JBSWY3DPEHPK3PXP");
}

#[test]
fn wrong_passphrase_fails_and_touches_nothing() {
    let env = Env::init();
    env.ok(&["add", "--uri", PYPI_URI]);
    let before = env.files();
    fs::write(
        env.tmp.path().join("pass"),
        "Correct horse battery staple\n",
    )
    .unwrap();
    let err = env.fail(&[
        "add", "--issuer", "X", "--name", "y", "--secret", "MFRGGZDF",
    ]);
    assert!(err.contains("wrong passphrase"), "{err}");
    assert_eq!(env.files(), before);
}

#[test]
fn truncated_vault_fails_clearly_and_is_not_overwritten() {
    let env = Env::init();
    env.ok(&["add", "--uri", PYPI_URI]);
    let vault = env.vault().join("vault.age");
    let bytes = fs::read(&vault).unwrap();
    fs::write(&vault, &bytes[..bytes.len() - 7]).unwrap();
    let before = env.files();
    let err = env.fail(&[
        "add", "--issuer", "X", "--name", "y", "--secret", "MFRGGZDF",
    ]);
    assert!(
        err.contains("vault.age") && err.contains("truncated"),
        "{err}"
    );
    assert!(err.contains("backups"), "points at the backups: {err}");
    assert_eq!(env.files(), before);
}

#[test]
fn vault_from_a_newer_sparekey_is_refused_untouched() {
    let env = Env::new();
    let init = env.json(&["init", "--work-factor", "10"]);
    let recipient = init["recipient"].as_str().unwrap();
    // Write a version-99 document with the reference age tool.
    let mut age = Command::new("age")
        .args(["-r", recipient, "-o"])
        .arg(env.vault().join("vault.age"))
        .stdin(Stdio::piped())
        .spawn()
        .expect("the age tool");
    age.stdin
        .take()
        .unwrap()
        .write_all(br#"{"format":"sparekey-vault","version":99,"accounts":[]}"#)
        .unwrap();
    assert!(age.wait().unwrap().success());
    let before = env.files();
    let err = env.fail(&["list"]);
    assert!(
        err.contains("newer Sparekey") && err.contains("version 99"),
        "{err}"
    );
    env.fail(&["add", "--uri", PYPI_URI]);
    assert_eq!(env.files(), before);
}

#[test]
fn bad_otpauth_uris_name_the_field_and_never_echo_the_secret() {
    let env = Env::init();
    let before = env.files();
    let cases = [
        (
            "otpauth://totp/PyPI:alice?secret=JBSWY3DP!HPK3PXP",
            "secret",
        ),
        ("otpauth://totp/PyPI:alice?issuer=PyPI", "secret"),
        (
            "otpauth://totp/PyPI:alice?secret=JBSWY3DPEHPK3PXP&digits=9",
            "digits",
        ),
        (
            "otpauth://totp/PyPI:alice?secret=JBSWY3DPEHPK3PXP&algorithm=MD5",
            "algorithm",
        ),
        (
            "otpauth://hotp/PyPI:alice?secret=JBSWY3DPEHPK3PXP",
            "counter",
        ),
        (
            "otpauth://totp/PyPI:alice?secret=JBSWY3DPEHPK3PXP&period=0",
            "period",
        ),
        ("https://pypi.org/?secret=JBSWY3DPEHPK3PXP", "otpauth://"),
    ];
    for (uri, field) in cases {
        let err = env.fail(&["add", "--uri", uri]);
        assert!(err.contains(field), "{uri}: {err}");
        assert!(!err.contains("JBSWY3DP"), "the secret leaked: {err}");
    }
    assert_eq!(env.files(), before);
}

#[test]
fn concurrent_adds_all_land() {
    let env = Env::init();
    let children: Vec<_> = (0..8)
        .map(|i| {
            env.cmd(&[
                "add",
                "--issuer",
                "Parallel",
                "--name",
                &format!("user{i}"),
                "--secret",
                &secret_for(i),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
        })
        .collect();
    for c in children {
        let out = c.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(env.json(&["list"]).as_array().unwrap().len(), 8);
}

fn secret_for(i: u32) -> String {
    let bytes: Vec<u8> = (0..20).map(|k| (i * 31 + k * 7) as u8).collect();
    base32(&bytes)
}

fn base32(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = String::new();
    let (mut buf, mut bits) = (0u32, 0);
    for &b in bytes {
        buf = (buf << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            out.push(ALPHABET[((buf >> (bits - 5)) & 31) as usize] as char);
            bits -= 5;
        }
    }
    if bits > 0 {
        out.push(ALPHABET[((buf << (5 - bits)) & 31) as usize] as char);
    }
    out
}

/// SIGKILL at random instants during saves, 200 times: the vault always
/// opens, holding either the state before or after the interrupted add.
#[test]
fn sigkill_during_saves_never_leaves_an_unreadable_vault() {
    let env = Env::init();
    // How long one add takes here, to spread the kills over its whole run.
    let start = Instant::now();
    env.ok(&[
        "add",
        "--issuer",
        "Warm",
        "--name",
        "up",
        "--secret",
        &secret_for(999),
    ]);
    let span = start.elapsed().as_micros().max(1_000) as u64;
    let mut expected = 1usize;
    let mut seed = 0x5eed_u64;
    let mut interrupted = 0;
    for i in 0..200u32 {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        let delay = Duration::from_micros((seed >> 33) % (span + span / 4));
        let mut child = env
            .cmd(&[
                "add",
                "--issuer",
                "Kill",
                "--name",
                &format!("k{i}"),
                "--secret",
                &secret_for(i),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let _ = child.kill(); // SIGKILL
        let status = child.wait().unwrap();
        if !status.success() {
            interrupted += 1;
        }
        let count = env.json(&["list"]).as_array().unwrap().len();
        assert!(
            count == expected || count == expected + 1,
            "kill #{i} after {delay:?}: {count} accounts, expected {expected} or {}",
            expected + 1
        );
        expected = count;
    }
    assert!(
        interrupted >= 50,
        "only {interrupted} of 200 runs were interrupted"
    );
    // Leftover temp files from killed writers are cleaned by the next writer.
    env.ok(&[
        "add",
        "--issuer",
        "Last",
        "--name",
        "one",
        "--secret",
        &secret_for(5000),
    ]);
    let stray: Vec<_> = env
        .files()
        .into_iter()
        .filter(|(n, _)| n.starts_with(".tmp-"))
        .map(|(n, _)| n)
        .collect();
    assert!(stray.is_empty(), "{stray:?}");
}

#[test]
fn recovery_codes_from_pypi_text_are_saved_used_and_undone() {
    let env = Env::init();
    env.ok(&["add", "--uri", PYPI_URI]);
    let codes: Vec<String> = (0..8).map(|i| format!("{i:x}1a2b3c4d5e6f708")).collect();
    let text = format!("PyPI recovery codes\n{}\n", codes.join("\n"));
    let out = env.run_stdin(&["recovery", "add", "pypi", "-"], &text);
    let saved = check_ok(&["recovery", "add"], out);
    assert!(saved.contains("Saved 8 PyPI recovery codes"), "{saved}");

    // Listing masks codes unless asked.
    let masked = env.ok(&["recovery", "list", "pypi"]);
    assert!(!masked.contains(&codes[0]), "{masked}");
    let shown = env.json(&["recovery", "list", "pypi", "--reveal"]);
    assert_eq!(shown["codes"][3]["code"], codes[3]);

    // Using takes the codes in order and marks them used.
    for (i, code) in codes.iter().enumerate().take(6) {
        assert_eq!(
            env.ok(&["recovery", "use", "pypi"]).trim(),
            code,
            "use #{i}"
        );
    }
    let listed = env.json(&["recovery", "list", "pypi"]);
    assert_eq!(listed["unused"], 2);
    assert_eq!(listed["running_low"], true);
    assert!(listed["codes"][0]["used_at"].is_i64());
    // Undo the last use.
    env.ok(&["recovery", "unuse", "pypi", "6"]);
    assert_eq!(env.json(&["recovery", "list", "pypi"])["unused"], 3);
    // Adding again without --replace is refused; with it the set is replaced.
    let out = env.run_stdin(&["recovery", "add", "pypi"], &text);
    let err = check_fail(&["recovery", "add"], out);
    assert!(err.contains("--replace"), "{err}");
    let out = env.run_stdin(&["recovery", "add", "pypi", "--replace"], &text);
    check_ok(&["recovery", "add", "--replace"], out);
    assert_eq!(env.json(&["recovery", "list", "pypi"])["unused"], 8);
    // Exhausted: a clear error.
    for _ in 0..8 {
        env.ok(&["recovery", "use", "pypi"]);
    }
    let err = env.fail(&["recovery", "use", "pypi"]);
    assert!(err.contains("all 8 codes are used"), "{err}");
}

#[test]
fn github_recovery_file_is_recognised() {
    let env = Env::init();
    env.ok(&[
        "add",
        "--issuer",
        "GitHub",
        "--name",
        "alice",
        "--secret",
        &secret_for(1),
    ]);
    let codes: Vec<String> = (0..16)
        .map(|i| format!("{:05x}-{:05x}", i * 4099, i * 7919))
        .collect();
    let file = env.tmp.path().join("github-recovery-codes.txt");
    fs::write(&file, codes.join("\n") + "\n").unwrap();
    let saved = env.ok(&["recovery", "add", "github", file.to_str().unwrap()]);
    assert!(saved.contains("Saved 16 GitHub recovery codes"), "{saved}");
    let shown = env.json(&["recovery", "list", "github", "--reveal"]);
    assert_eq!(shown["codes"][15]["code"], codes[15]);
}

#[test]
fn queries_global_options_and_exit_codes() {
    let env = Env::init();
    env.ok(&["add", "--uri", PYPI_URI]);
    env.ok(&[
        "add",
        "--issuer",
        "GitHub",
        "--name",
        "alice",
        "--secret",
        &secret_for(3),
    ]);
    // Ambiguous query lists the matches.
    let err = env.fail(&["code", "alice"]);
    assert!(
        err.contains("PyPI:alice") && err.contains("GitHub:alice"),
        "{err}"
    );
    assert!(env.fail(&["code", "gitlab"]).contains("no account matches"));
    // Global options after the subcommand, and the vault from the environment.
    let out = Command::new(sparekey_tests::bin("sparekey-cli"))
        .args(["list", "--json", "--passphrase-file"])
        .arg(env.tmp.path().join("pass"))
        .env("SPAREKEY_VAULT_DIR", env.vault())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let list: Value = serde_json::from_slice(&check_ok(&["list"], out).into_bytes()).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 2);
    // Usage errors exit 2.
    assert_eq!(env.run(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(
        env.run(&["init", "--work-factor", "3"]).status.code(),
        Some(2)
    );
    // A missing vault says how to make one.
    let other = Env::new();
    assert!(other.fail(&["list"]).contains("sparekey-cli init"));
}

#[test]
fn rename_remove_and_change_passphrase() {
    let env = Env::init();
    env.ok(&["add", "--uri", PYPI_URI]);
    env.ok(&["rename", "pypi", "--name", "alice-main"]);
    assert_eq!(env.json(&["list"])[0]["label"], "PyPI:alice-main");
    // Deleting needs confirmation; without a terminal, --yes.
    assert!(env.fail(&["rm", "pypi"]).contains("--yes"));
    assert_eq!(env.json(&["list"]).as_array().unwrap().len(), 1);
    env.ok(&[
        "add",
        "--issuer",
        "GitHub",
        "--name",
        "a",
        "--secret",
        &secret_for(9),
    ]);
    env.ok(&["rm", "pypi", "--yes"]);
    assert_eq!(env.json(&["list"])[0]["issuer"], "GitHub");
    // passwd: the old passphrase stops working, the new one opens the vault.
    let new_pass = env.tmp.path().join("new");
    fs::write(&new_pass, "a much better passphrase\n").unwrap();
    env.ok(&[
        "passwd",
        "--new-passphrase-file",
        new_pass.to_str().unwrap(),
        "--work-factor",
        "10",
    ]);
    assert!(env.fail(&["list"]).contains("wrong passphrase"));
    let out = Command::new(sparekey_tests::bin("sparekey-cli"))
        .arg("--vault")
        .arg(env.vault())
        .args([
            "--passphrase-file",
            new_pass.to_str().unwrap(),
            "list",
            "--json",
        ])
        .output()
        .unwrap();
    assert!(check_ok(&["list"], out).contains("GitHub"));
}
