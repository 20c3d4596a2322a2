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
        // A Google Authenticator export: the CLI names its command.
        (
            "otpauth-migration://offline?data=CjEKCkhlbGxv",
            "sparekey-cli import --format google-migration",
        ),
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

/// A distinct 20-byte secret for each `i` (its first four bytes are `i`).
fn secret_for(i: u32) -> String {
    let mut bytes = i.to_be_bytes().to_vec();
    bytes.extend((0..16u32).map(|k| (k * 7 + 1) as u8));
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

/// The state of step `id` in `guide show --json` output (main steps and branches).
fn step_state(view: &Value, id: &str) -> String {
    let branches = view["branches"].as_array().cloned().unwrap_or_default();
    view["steps"]
        .as_array()
        .unwrap()
        .iter()
        .chain(
            branches
                .iter()
                .flat_map(|b| b["steps"].as_array().unwrap().iter()),
        )
        .find(|s| s["id"] == id)
        .unwrap_or_else(|| panic!("no step {id} in {view}"))["status"]["state"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn guide_show_and_check_track_a_pypi_account() {
    let env = Env::init();
    env.ok(&["add", "--uri", PYPI_URI]);
    let show = |env: &Env| env.json(&["guide", "show", "pypi-prevent", "--account", "pypi"]);
    let view = show(&env);
    assert_eq!(view["account"]["label"], "PyPI:alice");
    assert_eq!(step_state(&view, "totp"), "done");
    assert_eq!(step_state(&view, "emails"), "not_done");
    assert_eq!(step_state(&view, "recovery-codes"), "not_done");
    assert_eq!(view["progress"]["done"], 1);
    assert_eq!(view["next_step"], "password");

    // A manual step, with a note; shown as done with its date and note.
    let out = env.ok(&[
        "guide",
        "check",
        "pypi-prevent",
        "emails",
        "--account",
        "pypi",
        "--note",
        "work + personal",
    ]);
    assert!(
        out.contains("Marked pypi-prevent/emails done for PyPI:alice"),
        "{out}"
    );
    let view = show(&env);
    assert_eq!(step_state(&view, "emails"), "done");
    let emails = &view["steps"].as_array().unwrap()[1];
    assert_eq!(emails["status"]["note"], "work + personal");
    assert!(emails["status"]["done_at"].is_i64());
    let text = env.ok(&["guide", "show", "pypi-prevent", "--account", "pypi"]);
    assert!(text.contains("2 of 9 steps done"), "{text}");
    assert!(
        text.contains("[x] Make your most durable address the primary one"),
        "{text}"
    );
    // Every step says where it comes from.
    assert!(
        text.contains("Source: https://github.com/pypi/warehouse/blob/"),
        "{text}"
    );
    assert!(text.contains("Sources checked 2026-12-03"), "{text}");
    assert!(text.contains("note: work + personal"), "{text}");
    assert!(
        text.contains("https://pypi.org/manage/account/#account-emails"),
        "{text}"
    );
    assert!(
        text.contains("$ sparekey-cli recovery add pypi FILE"),
        "{text}"
    );

    // Automatic steps follow the vault: saving codes and burning one.
    let codes: Vec<String> = (0..8).map(|i| format!("{i:x}1a2b3c4d5e6f708")).collect();
    let pasted = format!("PyPI recovery codes\n{}\n", codes.join("\n"));
    check_ok(
        &["recovery", "add"],
        env.run_stdin(&["recovery", "add", "pypi", "-"], &pasted),
    );
    assert_eq!(step_state(&show(&env), "recovery-codes"), "done");
    assert_eq!(step_state(&show(&env), "burn-code"), "not_done");
    env.ok(&["recovery", "use", "pypi"]);
    assert_eq!(step_state(&show(&env), "burn-code"), "done");

    // Automatic steps cannot be marked; unknown steps and guides name the right ones.
    let err = env.fail(&[
        "guide",
        "check",
        "pypi-prevent",
        "totp",
        "--account",
        "pypi",
    ]);
    assert!(err.contains("automatically"), "{err}");
    let err = env.fail(&[
        "guide",
        "check",
        "pypi-prevent",
        "email",
        "--account",
        "pypi",
    ]);
    assert!(err.contains("emails"), "{err}");
    let err = env.fail(&["guide", "show", "pypi"]);
    assert!(
        err.contains("pypi-prevent") && err.contains("pypi-recover"),
        "{err}"
    );

    // Undo.
    env.ok(&[
        "guide",
        "check",
        "pypi-prevent",
        "emails",
        "--account",
        "pypi",
        "--undo",
    ]);
    assert_eq!(step_state(&show(&env), "emails"), "not_done");
}

#[test]
fn guides_list_and_show_without_a_vault() {
    let env = Env::new();
    let list = env.json(&["guide", "list"]);
    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["id"].as_str().unwrap())
        .collect();
    for id in [
        "pypi-prevent",
        "pypi-recover",
        "github-prevent",
        "generic-recover",
    ] {
        assert!(ids.contains(&id), "{ids:?}");
    }
    let text = env.ok(&["guide", "show", "pypi-recover", "--branch", "nothing-works"]);
    assert!(
        text.contains("https://github.com/pypi/support/issues/new?template=account-recovery.yml"),
        "{text}"
    );
    assert!(
        text.contains("$ sparekey-cli recovery-request pypi"),
        "{text}"
    );
    // Only the chosen branch.
    assert!(
        !text.contains("https://pypi.org/account/recovery-code/"),
        "{text}"
    );
    assert!(
        text.contains("guide show pypi-prevent"),
        "leads back to prevent: {text}"
    );
    let err = env.fail(&["guide", "show", "pypi-recover", "--branch", "lost"]);
    assert!(err.contains("have-totp"), "{err}");
    assert!(!env.vault().exists(), "showing a guide creates no vault");
}

#[test]
fn health_json_lists_risks_and_exits_zero() {
    let env = Env::init();
    env.ok(&["add", "--uri", PYPI_URI]);
    let health = |clock: &str| -> Value {
        let out = env
            .cmd(&["--json", "health"])
            .env("SPAREKEY_CLOCK_SYNC", clock)
            .output()
            .unwrap();
        serde_json::from_str(&check_ok(&["health"], out)).unwrap()
    };
    let report = health("unsynchronized");
    assert_eq!(report["clock"], "unsynchronized");
    let kinds: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "no_recovery_codes",
            "vault_single_point",
            "no_recent_backup",
            "no_emergency_kit",
            "clock_unsynchronized",
            "guide_unfinished"
        ]
    );
    let first = &report["findings"][0];
    assert_eq!(first["severity"], "critical");
    assert_eq!(first["account_label"], "PyPI:alice");
    assert_eq!(first["guide_id"], "pypi-prevent");
    assert_eq!(first["step_id"], "recovery-codes");

    // A synchronized (or undetectable) clock is no finding.
    for clock in ["synchronized", "unknown"] {
        let report = health(clock);
        assert_eq!(report["clock"], clock);
        assert!(report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["kind"] != "clock_unsynchronized"));
    }
    let text = env.ok(&["health"]);
    assert!(text.starts_with("CRITICAL"), "{text}");
    assert!(
        text.contains("fix: step recovery-codes of sparekey-cli guide show pypi-prevent"),
        "{text}"
    );
}

#[test]
fn recovery_request_drafts_pypis_form_or_says_what_is_missing() {
    let env = Env::new();
    let args = [
        "recovery-request",
        "pypi",
        "--username",
        "alice",
        "--reason",
        "Lost my 2FA app and the recovery codes",
    ];
    let out = env.run(&args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let draft = check_ok(&args, out);
    let mut from = 0;
    for needle in [
        "`alice`",
        "Lost my 2FA app and the recovery codes",
        "I never generated or have lost access to the recovery codes for my account",
        "agree to follow the PSF Code of Conduct",
        "understand that it may take a significant amount of time",
    ] {
        let at = draft[from..]
            .find(needle)
            .unwrap_or_else(|| panic!("{needle:?} missing or out of order in\n{draft}"));
        from += at + needle.len();
    }
    assert!(
        stderr.contains("https://github.com/pypi/support/issues/new?template=account-recovery.yml"),
        "{stderr}"
    );
    assert!(stderr.contains("7-day"), "{stderr}");
    let json = env.json(&args);
    assert_eq!(json["fields"][0]["value"], "`alice`");
    assert_eq!(json["fields"].as_array().unwrap().len(), 5);

    // No terminal to ask on: a clear error naming the missing flag.
    let err = env.fail(&["recovery-request", "pypi", "--username", "alice"]);
    assert!(err.contains("--reason"), "{err}");
    let err = env.fail(&["recovery-request", "pypi", "--reason", "lost"]);
    assert!(err.contains("--username"), "{err}");
    let err = env.fail(&[
        "recovery-request",
        "pypi",
        "--username",
        "alice@example.com",
        "--reason",
        "lost",
    ]);
    assert!(err.contains("username"), "{err}");
}

/// With `--account`, the draft knows the vault: the username is the
/// account's, and while unused codes are left the lost-codes statement stays
/// unticked and the user reads to use a code first. `--mailbox-gone` puts
/// the primary mailbox problem into the reason.
#[test]
fn recovery_request_knows_the_accounts_unused_codes() {
    let env = Env::init();
    env.ok(&[
        "add",
        "--uri",
        "otpauth://totp/PyPI:alice-dev?secret=JBSWY3DPEHPK3PXP&issuer=PyPI",
    ]);
    let codes: Vec<String> = (0..8).map(|i| format!("{i:x}1a2b3c4d5e6f708")).collect();
    check_ok(
        &["recovery", "add"],
        env.run_stdin(
            &["recovery", "add", "pypi", "-", "--generated", "2023-05-01"],
            &codes.join("\n"),
        ),
    );
    let args = [
        "recovery-request",
        "pypi",
        "--account",
        "pypi",
        "--mailbox-gone",
        "--reason",
        "Logging in from an unrecognized device",
    ];
    let out = env.run(&args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let draft = check_ok(&args, out);
    assert!(draft.contains("`alice-dev`"), "{draft}");
    assert!(
        draft.contains("- [ ] I never generated or have lost access to the recovery codes"),
        "{draft}"
    );
    assert!(
        draft.contains("no longer have access to the primary email address"),
        "{draft}"
    );
    assert!(stderr.contains("8 unused PyPI recovery codes"), "{stderr}");
    assert!(stderr.contains("Source: https://"), "{stderr}");
    assert!(stderr.contains("Trusted Publishers"), "{stderr}");

    // Regenerated at PyPI: the new set replaces the old, which stays listed.
    let new: Vec<String> = (0..8).map(|i| format!("{i:x}9f8e7d6c5b4a3921")).collect();
    check_ok(
        &["recovery", "add"],
        env.run_stdin(
            &["recovery", "add", "pypi", "-", "--replace"],
            &new.join("\n"),
        ),
    );
    let list = env.ok(&["recovery", "list", "pypi"]);
    assert!(
        list.contains("superseded: 8 codes generated 2023-05-01 (0 used)"),
        "{list}"
    );
    let err = env.fail(&[
        "recovery",
        "add",
        "pypi",
        "-",
        "--replace",
        "--generated",
        "2023-02-30",
    ]);
    assert!(
        err.contains("generated date") && err.contains("YYYY-MM-DD"),
        "{err}"
    );
}

/// The user forgot the passphrase: the printed kit opens the vault (with the
/// age tool and with Sparekey), and a new passphrase can be set with it.
#[test]
fn emergency_kit_opens_the_vault_and_resets_a_lost_passphrase() {
    let env = Env::init();
    env.ok(&["add", "--uri", PYPI_URI]);
    let kit = env.tmp.path().join("kit.txt");
    let kit_s = kit.to_str().unwrap();
    let made = env.ok(&["kit", "create", "--out", kit_s]);
    assert!(made.contains("Wrote the emergency kit"), "{made}");
    // Never overwrites, never two kits by accident.
    assert!(env
        .fail(&["kit", "create", "--out", kit_s])
        .contains("already exists"));
    let other = env.tmp.path().join("kit2.txt");
    let other_s = other.to_str().unwrap();
    assert!(env
        .fail(&["kit", "create", "--out", other_s])
        .contains("kit replace"));
    assert!(env.ok(&["kit", "verify", kit_s]).contains("opens it"));

    // The reference age tool reads the vault with the kit alone.
    let out = Command::new("age")
        .args(["-d", "-i", kit_s])
        .arg(env.vault().join("vault.age"))
        .output()
        .expect("the age tool");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["accounts"][0]["issuer"], "PyPI");

    // Forgot the passphrase: open with the kit and set a new one.
    let with_kit = |args: &[&str]| {
        Command::new(sparekey_tests::bin("sparekey-cli"))
            .arg("--vault")
            .arg(env.vault())
            .args(["--kit-file", kit_s])
            .args(args)
            .stdin(Stdio::null())
            .output()
            .unwrap()
    };
    let listed = check_ok(&["--kit-file", "list"], with_kit(&["list", "--json"]));
    assert!(listed.contains("PyPI"), "{listed}");
    let new_pass = env.tmp.path().join("new-pass");
    fs::write(&new_pass, "remembered this time\n").unwrap();
    check_ok(
        &["passwd"],
        with_kit(&[
            "passwd",
            "--new-passphrase-file",
            new_pass.to_str().unwrap(),
            "--work-factor",
            "10",
        ]),
    );
    assert!(env.fail(&["list"]).contains("wrong passphrase"));
    fs::write(env.tmp.path().join("pass"), "remembered this time\n").unwrap();
    assert_eq!(env.json(&["list"])[0]["issuer"], "PyPI");

    // Replacing the kit: the old one stops working, clearly.
    env.ok(&["kit", "replace", "--out", other_s]);
    let err = check_fail(&["--kit-file"], with_kit(&["list"]));
    assert!(err.contains("replaced"), "{err}");
    assert!(env
        .fail(&["kit", "verify", kit_s])
        .contains("not the vault's current kit"));
}

// ----- import, export, restore -----

fn import_fixture(name: &str) -> String {
    sparekey_tests::workspace_root()
        .join("crates/core/tests/fixtures/import")
        .join(name)
        .display()
        .to_string()
}

#[test]
fn import_previews_then_writes_only_with_yes() {
    let env = Env::init();
    let aegis = import_fixture("aegis_plain.json");
    // No terminal and no --yes: the preview is printed, nothing is written.
    let out = env.run(&["import", "--format", "aegis", &aegis]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("--yes"), "{stderr}");
    assert!(stdout.contains("7 entries found"), "{stdout}");
    assert!(stdout.contains("To import (4):"), "{stdout}");
    assert!(
        stdout.contains("#4 Steam:dave (steam, 5 digits)"),
        "{stdout}"
    );
    assert!(stdout.contains("Cannot import (3):"), "{stdout}");
    assert!(stdout.contains("#5 Old VPN:erin: is a mOTP"), "{stdout}");
    assert!(stdout.contains("#6 Yandex:frank: is a Yandex"), "{stdout}");
    assert!(
        !stdout.contains("KRUGKIDROVUWG2ZA"),
        "no secret in the preview"
    );
    assert_eq!(env.json(&["list"]).as_array().unwrap().len(), 0);
    // --dry-run: preview, exit 0, still nothing written.
    let stdout = env.ok(&["import", "--format", "aegis", "--dry-run", &aegis]);
    assert!(stdout.contains("To import (4):"));
    assert_eq!(env.json(&["list"]).as_array().unwrap().len(), 0);
    // --yes writes.
    let stdout = env.ok(&["import", "--format", "aegis", "--yes", &aegis]);
    assert!(stdout.contains("Imported 4 accounts."), "{stdout}");
    let list = env.json(&["list"]);
    let labels: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["label"].as_str().unwrap())
        .collect();
    // Bank is a favourite in the export: pinned, so listed first.
    assert_eq!(
        labels,
        [
            "Bank:bob",
            "Mastodon:alice@example.com",
            "VPN:carol",
            "Steam:dave"
        ]
    );
    // The same export again: all duplicates, nothing to import.
    let stdout = env.ok(&["import", "--format", "aegis", "--yes", &aegis]);
    assert!(stdout.contains("Duplicates, not imported (4):"), "{stdout}");
    assert!(stdout.contains("Nothing to import"), "{stdout}");
    // The imported codes are right: Mastodon's secret through oathtool.
    let code = env.ok(&["code", "Mastodon", "--at", "1700000000"]);
    let expected = oathtool(&[
        "--totp",
        "-b",
        "--now",
        "2023-11-14 22:13:20 UTC",
        "KRUGKIDROVUWG2ZAMJZG653OEBTG66BA",
    ]);
    assert_eq!(code.trim(), expected);
}

#[test]
fn import_encrypted_exports_ask_for_their_password() {
    let env = Env::init();
    let file = import_fixture("twofas_encrypted.2fas");
    let err = env.fail(&["import", "--format", "2fas", "--yes", &file]);
    assert!(err.contains("--password-file"), "{err}");
    let wrong = env.tmp.path().join("wrong");
    fs::write(&wrong, "not it\n").unwrap();
    let err = env.fail(&[
        "import",
        "--format",
        "2fas",
        "--yes",
        "--password-file",
        wrong.to_str().unwrap(),
        &file,
    ]);
    assert!(err.contains("wrong password"), "{err}");
    let right = env.tmp.path().join("right");
    fs::write(&right, "fixture password\n").unwrap();
    let stdout = env.ok(&[
        "import",
        "--format",
        "2fas",
        "--yes",
        "--password-file",
        right.to_str().unwrap(),
        &file,
    ]);
    assert!(stdout.contains("Imported 2 accounts."), "{stdout}");
    // --json dry run: the preview as data, without secrets.
    let v = env.json(&[
        "import",
        "--format",
        "aegis",
        "--dry-run",
        "--password-file",
        right.to_str().unwrap(),
        &import_fixture("aegis_encrypted.json"),
    ]);
    assert_eq!(v["written"], false);
    // Bank:bob has the same secret as the 2FAS Proton:bob just imported.
    assert_eq!(v["preview"]["to_import"].as_array().unwrap().len(), 1);
    assert_eq!(v["preview"]["duplicates"][0]["existing"], "Proton:bob");
    assert!(!v.to_string().contains("KRUGKIDROVUWG2ZA"));
    // A broken file: one clear line.
    let err = env.fail(&[
        "import",
        "--format",
        "aegis",
        &import_fixture("fail_aegis_truncated.json"),
    ]);
    assert!(err.contains("truncated"), "{err}");
}

#[test]
fn google_qr_batch_imports_from_images() {
    let env = Env::init();
    let stdout = env.ok(&[
        "import",
        "--format",
        "qr",
        "--yes",
        &import_fixture("google_batch_1.png"),
        &import_fixture("google_batch_2.png"),
    ]);
    assert!(stdout.contains("Imported 3 accounts."), "{stdout}");
    let stdout = env.ok(&[
        "import",
        "--format",
        "qr",
        "--dry-run",
        &import_fixture("google_batch_1.png"),
    ]);
    assert!(stdout.contains("but code 2 of 2 was not given"), "{stdout}");
}

#[test]
fn plaintext_exports_need_yes_and_read_back() {
    let env = Env::init();
    env.ok(&["add", "--uri", PYPI_URI]);
    env.ok(&[
        "import",
        "--format",
        "otpauth",
        "--yes",
        &import_fixture("otpauth_list.txt"),
    ]);
    let err = env.fail(&["export", "--format", "otpauth"]);
    assert!(err.contains("plaintext") && err.contains("--yes"), "{err}");
    let list = env.ok(&["export", "--format", "otpauth", "--yes"]);
    // GitHub:alice in the list has PyPI:alice's secret: left out as a duplicate.
    assert_eq!(list.lines().count(), 4, "{list}");
    assert!(list.contains("secret=JBSWY3DPEHPK3PXP"));

    // Aegis JSON to a file, imported into another vault.
    let aegis = env.tmp.path().join("aegis.json");
    env.ok(&[
        "export",
        "--format",
        "aegis",
        "--yes",
        "--out",
        aegis.to_str().unwrap(),
    ]);
    let err = env.fail(&[
        "export",
        "--format",
        "aegis",
        "--yes",
        "--out",
        aegis.to_str().unwrap(),
    ]);
    assert!(err.contains("already exists"), "{err}");
    let other = Env::init();
    let stdout = other.ok(&[
        "import",
        "--format",
        "aegis",
        "--yes",
        aegis.to_str().unwrap(),
    ]);
    assert!(stdout.contains("Imported 4 accounts."), "{stdout}");
    assert_eq!(
        other.ok(&["code", "PyPI:alice", "--at", "59"]),
        env.ok(&["code", "PyPI:alice", "--at", "59"])
    );

    // A QR code of one account, read by zbarimg.
    let png = env.tmp.path().join("pypi.png");
    env.ok(&[
        "export",
        "--format",
        "qr-png",
        "--account",
        "PyPI:alice",
        "--yes",
        "--out",
        png.to_str().unwrap(),
    ]);
    let out = Command::new("zbarimg")
        .args(["-q", "--raw"])
        .arg(&png)
        .output()
        .expect("zbarimg is missing: install Debian's `zbar-tools`");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("otpauth://totp/PyPI:alice?secret=JBSWY3DPEHPK3PXP"),
        "{text}"
    );

    // The printable QR page and a recovery sheet: self-contained HTML.
    let page = env.ok(&["export", "--format", "qr-html", "--yes"]);
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert_eq!(page.matches("<svg").count(), 4);
    env.run_stdin(
        &["recovery", "add", "PyPI:alice"],
        "0123456789abcdef\nfedcba9876543210\n",
    );
    let sheet = env.ok(&[
        "export",
        "--format",
        "recovery-sheet",
        "--account",
        "PyPI:alice",
        "--yes",
    ]);
    assert!(sheet.contains("<li>0123456789abcdef</li>"), "{sheet}");
    let err = env.fail(&["export", "--format", "recovery-sheet", "--yes"]);
    assert!(err.contains("--account"), "{err}");
}

#[test]
fn backup_restores_into_a_new_vault_and_age_reads_it() {
    let env = Env::init();
    env.ok(&["add", "--uri", PYPI_URI]);
    let pass = env.tmp.path().join("pass");
    let backup = env.tmp.path().join("backup.age");
    env.ok(&[
        "export",
        "--format",
        "backup",
        "--backup-passphrase-file",
        pass.to_str().unwrap(),
        "--work-factor",
        "10",
        "--out",
        backup.to_str().unwrap(),
    ]);
    // The reference age tool reads the backup with its passphrase.
    let json = age_decrypt(env.tmp.path(), "backup.age");
    assert!(json.contains("\"format\":\"sparekey-vault\""), "{json}");
    assert!(json.contains("JBSWY3DPEHPK3PXP"));
    assert!(json.contains("last_backup_export_at"));

    // Restore on "another machine": a fresh folder.
    let other = Env::new();
    let stdout = other.ok(&[
        "restore",
        backup.to_str().unwrap(),
        "--backup-passphrase-file",
        pass.to_str().unwrap(),
        "--work-factor",
        "10",
    ]);
    assert!(stdout.contains("Restored 1 account into"), "{stdout}");
    assert_eq!(
        other.ok(&["code", "PyPI", "--at", "59"]),
        env.ok(&["code", "PyPI", "--at", "59"])
    );
    // Never over an existing vault; a wrong passphrase is refused cleanly.
    let err = other.fail(&[
        "restore",
        backup.to_str().unwrap(),
        "--backup-passphrase-file",
        pass.to_str().unwrap(),
    ]);
    assert!(err.contains("already exists"), "{err}");
    let third = Env::new();
    let wrong = third.tmp.path().join("wrong");
    fs::write(&wrong, "wrong passphrase\n").unwrap();
    let err = third.fail(&[
        "restore",
        backup.to_str().unwrap(),
        "--backup-passphrase-file",
        wrong.to_str().unwrap(),
    ]);
    assert!(err.contains("wrong passphrase"), "{err}");
    assert!(!third.vault().join("vault.age").exists());
}

/// A damaged vault.age: the error points at the backups, `backups list`
/// shows what each holds, `backups restore` brings the newest good one back
/// and keeps the damaged file.
#[test]
fn damaged_vault_is_restored_from_its_backups() {
    let env = Env::init();
    env.ok(&["add", "--uri", PYPI_URI]);
    env.ok(&[
        "add",
        "--issuer",
        "GitHub",
        "--name",
        "a",
        "--secret",
        &secret_for(77),
    ]);
    let vault = env.vault().join("vault.age");
    let damaged = b"age-encryption.org/v1\nnot really".to_vec();
    fs::write(&vault, &damaged).unwrap();
    let err = env.fail(&["list"]);
    assert!(err.contains("backups restore"), "{err}");
    let listed = env.json(&["backups", "list"]);
    let counts: Vec<_> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["accounts"].clone())
        .collect();
    assert_eq!(counts, [Value::from(1), Value::from(0)], "{listed}");
    // `restore` without a file does the same as `backups restore`.
    let restored = env.ok(&["restore"]);
    assert!(restored.contains("1 accounts"), "{restored}");
    assert_eq!(env.json(&["list"])[0]["issuer"], "PyPI");
    let kept: Vec<_> = env
        .files()
        .into_iter()
        .filter(|(n, _)| n.starts_with("backups/damaged-"))
        .map(|(_, b)| b)
        .collect();
    assert_eq!(kept, [damaged]);
}

/// Several processes taking recovery codes and HOTP codes at the same time:
/// no code is handed out twice and every use is recorded.
#[test]
fn concurrent_recovery_uses_and_hotp_advances_lose_nothing() {
    let env = Env::init();
    env.ok(&["add", "--uri", PYPI_URI]);
    env.ok(&[
        "add",
        "--issuer",
        "Corp",
        "--name",
        "vpn",
        "--secret",
        "MFRGGZDFMZTWQ2LK",
        "--hotp-counter",
        "0",
    ]);
    let codes: Vec<String> = (0..16)
        .map(|i| format!("{i:02x}{}", "0123456789abcd"))
        .collect();
    let out = env.run_stdin(&["recovery", "add", "pypi"], &codes.join("\n"));
    check_ok(&["recovery", "add"], out);

    const N: usize = 6;
    let spawn = |args: &[&str]| {
        env.cmd(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let mut children = Vec::new();
    for _ in 0..N {
        children.push(("recovery", spawn(&["recovery", "use", "pypi"])));
        children.push(("hotp", spawn(&["code", "vpn"])));
    }
    let (mut used, mut hotp) = (Vec::new(), Vec::new());
    for (kind, child) in children {
        let out = child.wait_with_output().unwrap();
        let text = check_ok(&[kind], out).trim().to_owned();
        if kind == "recovery" {
            used.push(text)
        } else {
            hotp.push(text)
        }
    }
    used.sort();
    used.dedup();
    assert_eq!(
        used.len(),
        N,
        "a recovery code was handed out twice: {used:?}"
    );
    assert!(used.iter().all(|c| codes.contains(c)));
    assert_eq!(env.json(&["recovery", "list", "pypi"])["unused"], 16 - N);

    let mut expected: Vec<String> = (0..N)
        .map(|c| oathtool(&["-b", "MFRGGZDFMZTWQ2LK", "-c", &c.to_string()]))
        .collect();
    hotp.sort();
    expected.sort();
    assert_eq!(hotp, expected, "each HOTP counter 0..{N} used exactly once");
    let list = env.json(&["list"]);
    let vpn = list
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["issuer"] == "Corp")
        .unwrap();
    assert_eq!(vpn["counter"], N);
}

/// Automatic backups to a folder: turned on from the CLI, written by the
/// change that turned them on, and the folder opens as a vault.
#[test]
fn automatic_backups_to_a_folder() {
    let env = Env::init();
    env.ok(&["add", "--uri", PYPI_URI]);
    let usb = env.tmp.path().join("usb");
    let missing = env.tmp.path().join("not-there");
    assert!(env
        .fail(&["backups", "auto", "--folder", missing.to_str().unwrap()])
        .contains("not an existing folder"));
    fs::create_dir(&usb).unwrap();
    let status = env.json(&[
        "backups",
        "auto",
        "--folder",
        usb.to_str().unwrap(),
        "--keep",
        "3",
    ]);
    assert_eq!(status["keep"], 3);
    assert!(status["last_backup_at"].is_i64(), "{status}");
    let out = Command::new(sparekey_tests::bin("sparekey-cli"))
        .arg("--vault")
        .arg(&usb)
        .arg("--passphrase-file")
        .arg(env.tmp.path().join("pass"))
        .args(["list", "--json"])
        .output()
        .unwrap();
    assert!(check_ok(&["list"], out).contains("PyPI"));
    assert!(env.ok(&["backups", "auto", "--off"]).contains("off"));
}

/// `--help` says where the vault lives on every system, not only this one.
#[test]
fn help_names_the_default_vault_folder_of_each_system() {
    let env = Env::new();
    let help = check_ok(&["--help"], env.run(&["--help"]));
    // clap wraps the text: compare it with its line breaks removed.
    let help = help.split_whitespace().collect::<Vec<_>>().join(" ");
    for folder in [
        "~/.local/share/sparekey on Linux",
        "~/Library/Application Support/dev.sparekey.sparekey on macOS",
        r"%APPDATA%\sparekey\sparekey\data on Windows",
    ] {
        assert!(help.contains(folder), "{folder} missing from: {help}");
    }
}

/// The subcommand names `--help` lists (its "Commands:" section), without `help`.
fn help_commands(args: &[&str]) -> Vec<String> {
    let env = Env::new();
    let help = check_ok(args, env.run(args));
    help.lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        // Wrapped descriptions are indented further than the names.
        .filter(|l| !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
        .filter(|name| name != "help")
        .collect()
}

#[test]
fn man_pages_cover_every_command_and_render_without_warnings() {
    let env = Env::new();
    let dir = env.tmp.path().join("man");
    fs::create_dir(&dir).unwrap();
    let dir_arg = dir.to_str().unwrap();
    let listed = check_ok(&["man"], env.run(&["man", "--out-dir", dir_arg]));
    let top = help_commands(&["--help"]);
    assert!(top.len() > 15, "{top:?}");
    for command in &top {
        let page = dir.join(format!("sparekey-cli-{command}.1"));
        assert!(page.is_file(), "no page for {command}");
        assert!(listed.contains(page.to_str().unwrap()));
        // Nested commands get pages too.
        let nested = help_commands(&[command.as_str(), "--help"]);
        for sub in nested {
            assert!(
                dir.join(format!("sparekey-cli-{command}-{sub}.1"))
                    .is_file(),
                "{command} {sub}"
            );
        }
    }
    // groff reads every page without a warning, and the main page is the
    // one `man` prints to standard output.
    let pages: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    let groff = Command::new("groff")
        .args(["-ww", "-z", "-man"])
        .args(&pages)
        .output()
        .unwrap();
    assert!(
        groff.status.success() && groff.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&groff.stderr)
    );
    let main = check_ok(&["man"], env.run(&["man"]));
    assert_eq!(
        main,
        fs::read_to_string(dir.join("sparekey-cli.1")).unwrap()
    );
    let text = Command::new("groff")
        .args(["-man", "-Tutf8", "-P", "-cbou"])
        .arg(dir.join("sparekey-cli-code.1"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("Print the current code of an account"),
        "{text}"
    );
    assert!(text.contains("--at"), "{text}");
}

#[test]
fn man_refuses_a_folder_that_does_not_exist() {
    let env = Env::new();
    let missing = env.tmp.path().join("nope");
    let err = check_fail(
        &["man"],
        env.run(&["man", "--out-dir", missing.to_str().unwrap()]),
    );
    assert!(err.contains("is not a folder: create it first"), "{err}");
}

/// What bash completion offers for `words` (the last one being completed).
fn bash_complete(words: &str) -> Vec<String> {
    let env = Env::new();
    let script = check_ok(&["completions"], env.run(&["completions", "bash"]));
    let file = env.tmp.path().join("sparekey-cli.bash");
    fs::write(&file, script).unwrap();
    let program = format!(
        r#"source "$1"
COMP_LINE="{words}"; COMP_POINT=${{#COMP_LINE}}
read -ra COMP_WORDS <<< "$COMP_LINE"
[[ "$COMP_LINE" == *" " ]] && COMP_WORDS+=("")
COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))
complete -p sparekey-cli >/dev/null
func=$(complete -p sparekey-cli | sed -E 's/.*-F ([^ ]+).*/\1/')
"$func" sparekey-cli "${{COMP_WORDS[COMP_CWORD]}}" "${{COMP_WORDS[COMP_CWORD-1]}}"
printf '%s\n' "${{COMPREPLY[@]}}""#
    );
    let out = Command::new("bash")
        .args(["-c", &program, "bash"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn bash_completion_offers_commands_and_their_options() {
    let commands = bash_complete("sparekey-cli rec");
    assert!(commands.contains(&"recovery".to_owned()), "{commands:?}");
    assert!(
        commands.contains(&"recovery-request".to_owned()),
        "{commands:?}"
    );
    assert!(!commands.contains(&"import".to_owned()), "{commands:?}");
    let options = bash_complete("sparekey-cli import --");
    for option in ["--format", "--dry-run", "--yes", "--vault"] {
        assert!(
            options.contains(&option.to_owned()),
            "{option}: {options:?}"
        );
    }
    let subs = bash_complete("sparekey-cli recovery ");
    for sub in ["add", "list", "use", "unuse"] {
        assert!(subs.contains(&sub.to_owned()), "{sub}: {subs:?}");
    }
}

#[test]
fn completions_exist_for_zsh_and_fish_too() {
    let env = Env::new();
    let zsh = check_ok(&["completions"], env.run(&["completions", "zsh"]));
    assert!(
        zsh.starts_with("#compdef sparekey-cli"),
        "{}",
        &zsh[..zsh.len().min(200)]
    );
    let fish = check_ok(&["completions"], env.run(&["completions", "fish"]));
    assert!(
        fish.contains("complete -c sparekey-cli"),
        "{}",
        &fish[..fish.len().min(200)]
    );
    assert!(fish.contains("recovery-request"));
}

/// The CLI and the desktop build an account through the same use case
/// (`sparekey_core::app::accounts`): a Steam account keeps the period it was
/// given, as the desktop's does, instead of a silent 30.
#[test]
fn a_steam_account_keeps_the_period_it_was_given() {
    let env = Env::init();
    let out = env.run_stdin(
        &[
            "add", "--issuer", "Steam", "--name", "dave", "--secret", "-", "--steam", "--period",
            "60",
        ],
        "JBSWY3DPEHPK3PXP\n",
    );
    // The secret came from standard input, so no command-line warning.
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("visible to other processes"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    check_ok(&["add", "--steam"], out);
    let listed = env.json(&["list"]);
    assert_eq!(listed[0]["otp_type"], "steam");
    assert_eq!(listed[0]["period"], 60, "{listed}");
}

/// A secret typed as an argument is visible in /proc while the KDF runs: the
/// CLI says so and names the safe way.
#[test]
fn a_secret_on_the_command_line_is_warned_about() {
    let env = Env::init();
    let out = env.run(&[
        "add",
        "--uri",
        "otpauth://totp/PyPI:alice?secret=JBSWY3DPEHPK3PXP&issuer=PyPI",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    check_ok(&["add", "--uri"], out);
    assert!(stderr.contains("visible to other processes"), "{stderr}");
    assert!(stderr.contains("--uri -"), "{stderr}");
}

/// An exported backup's passphrase follows the vault passphrase's rule:
/// eight spaces are no passphrase, and nothing is written.
#[test]
fn a_backup_passphrase_of_spaces_is_refused() {
    let env = Env::init();
    let weak = env.tmp.path().join("weak-pass");
    fs::write(&weak, format!("{}\n", " ".repeat(8))).unwrap();
    let out = env.tmp.path().join("backup.age");
    let err = env.fail(&[
        "export",
        "--format",
        "backup",
        "--backup-passphrase-file",
        weak.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(err.contains("backup passphrase"), "{err}");
    assert!(err.contains("empty"), "{err}");
    assert!(!out.exists(), "nothing was written");
}

/// A kit that cannot be written (its folder does not exist) leaves the
/// vault with the kit it had: the file is created before the vault depends
/// on the new key.
#[test]
fn a_kit_that_cannot_be_written_changes_nothing() {
    let env = Env::init();
    let missing = env.tmp.path().join("missing").join("kit.txt");
    let err = env.fail(&["kit", "create", "--out", missing.to_str().unwrap()]);
    assert!(err.contains("kit.txt"), "{err}");
    let status = env.ok(&[
        "kit",
        "create",
        "--out",
        env.tmp.path().join("kit.txt").to_str().unwrap(),
    ]);
    assert!(
        status.contains("Wrote the emergency kit"),
        "a first kit can still be made: {status}"
    );
}

/// Reads never write: with a sync tool's conflict copy beside the vault and
/// another process holding the write lock, `list` and `code` still answer
/// (they used to merge and save first, and waited on the lock). The next
/// change merges the copy and says so.
#[test]
fn reading_with_a_conflict_copy_and_a_held_lock_works() {
    let env = Env::init();
    env.ok(&[
        "add",
        "--uri",
        "otpauth://totp/PyPI:alice?secret=JBSWY3DPEHPK3PXP&issuer=PyPI",
    ]);
    let copy = env
        .vault()
        .join("vault.sync-conflict-20261203-101500-ABCDEFG.age");
    fs::copy(env.vault().join("vault.age"), &copy).unwrap();
    let before = fs::read(env.vault().join("vault.age")).unwrap();
    // This test process holds the writers' lock, as another Sparekey would.
    let holder = fs::OpenOptions::new()
        .write(true)
        .open(env.vault().join("vault.lock"))
        .unwrap();
    holder.lock().unwrap();
    let out = env.run(&["list"]);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(check_ok(&["list"], out).contains("PyPI:alice"));
    assert!(stderr.contains("conflict copy"), "{stderr}");
    assert!(check_ok(&["code"], env.run(&["code", "pypi"])).trim().len() == 6);
    assert_eq!(
        fs::read(env.vault().join("vault.age")).unwrap(),
        before,
        "a read wrote"
    );
    assert!(copy.exists());
    drop(holder);

    let out = env.run(&["rename", "pypi", "--name", "alice2"]);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    check_ok(&["rename"], out);
    assert!(
        stderr.contains("note: Merged vault.sync-conflict-"),
        "{stderr}"
    );
    assert!(!copy.exists(), "the merged copy moved to backups/");
}

/// Regression tests of the safety-net review (issue 16), one per scenario,
/// through the CLI and the real `age` tool.
mod safety_net {
    use super::*;

    /// Whether the key file `key` opens the age file `file` (the age tool).
    fn age_opens(key: &Path, file: &Path) -> bool {
        Command::new("age")
            .arg("-d")
            .arg("-i")
            .arg(key)
            .arg(file)
            .output()
            .expect("the age tool")
            .status
            .success()
    }

    /// `vault.age` and every file in `backups/`.
    fn vault_files(env: &Env) -> Vec<PathBuf> {
        let mut files = vec![env.vault().join("vault.age")];
        if let Ok(entries) = fs::read_dir(env.vault().join("backups")) {
            files.extend(entries.flatten().map(|e| e.path()));
        }
        files
    }

    fn keygen(path: &Path) -> String {
        let out = Command::new("age-keygen")
            .arg("-o")
            .arg(path)
            .output()
            .expect("age-keygen (Debian's age package)");
        assert!(out.status.success());
        let text = fs::read_to_string(path).unwrap();
        text.lines()
            .find_map(|l| l.strip_prefix("# public key: "))
            .unwrap()
            .to_owned()
    }

    #[test]
    fn a_replaced_kit_opens_no_copy_and_a_restore_keeps_the_current_kit() {
        let env = Env::init();
        env.ok(&["add", "--uri", PYPI_URI]);
        let k1 = env.tmp.path().join("k1.txt");
        let k2 = env.tmp.path().join("k2.txt");
        env.ok(&["kit", "create", "--out", k1.to_str().unwrap()]);
        env.ok(&[
            "add",
            "--uri",
            "otpauth://totp/GitHub:alice?secret=KRSXG5CTMVRXEZLU",
        ]);
        env.ok(&["kit", "replace", "--out", k2.to_str().unwrap()]);
        for file in vault_files(&env) {
            assert!(!age_opens(&k1, &file), "the replaced kit opens {file:?}");
            assert!(
                age_opens(&k2, &file),
                "the current kit does not open {file:?}"
            );
        }
        // Putting an older version back keeps the current kit in force.
        env.ok(&["backups", "restore"]);
        assert!(age_opens(&k2, &env.vault().join("vault.age")));
        for file in vault_files(&env) {
            assert!(
                !age_opens(&k1, &file),
                "after restore the replaced kit opens {file:?}"
            );
        }
    }

    #[test]
    fn a_kit_replace_that_cannot_write_its_file_keeps_the_old_kit() {
        let env = Env::init();
        env.ok(&["add", "--uri", PYPI_URI]);
        let k1 = env.tmp.path().join("k1.txt");
        env.ok(&["kit", "create", "--out", k1.to_str().unwrap()]);
        let nowhere = env.tmp.path().join("missing").join("k2.txt");
        env.fail(&["kit", "replace", "--out", nowhere.to_str().unwrap()]);
        for file in vault_files(&env) {
            assert!(
                age_opens(&k1, &file),
                "the kit in force does not open {file:?}"
            );
        }
        assert!(env
            .ok(&["kit", "verify", k1.to_str().unwrap()])
            .contains("opens it"));
    }

    #[test]
    fn automatic_backups_to_another_vaults_folder_are_refused_and_write_nothing() {
        let usb = tempfile::tempdir().unwrap();
        let other = Env::init();
        other.ok(&["backups", "auto", "--folder", usb.path().to_str().unwrap()]);
        let before = fs::read(usb.path().join("identity.age")).unwrap();
        let env = Env::init();
        let error = env.fail(&["backups", "auto", "--folder", usb.path().to_str().unwrap()]);
        assert!(error.contains("another vault"), "{error}");
        assert_eq!(fs::read(usb.path().join("identity.age")).unwrap(), before);
    }

    #[test]
    fn passwd_leaves_the_old_passphrase_opening_nothing_in_the_backup_folder() {
        let env = Env::init();
        env.ok(&["add", "--uri", PYPI_URI]);
        let usb = env.tmp.path().join("usb");
        fs::create_dir(&usb).unwrap();
        env.ok(&["backups", "auto", "--folder", usb.to_str().unwrap()]);
        let old = env.tmp.path().join("old-pass");
        fs::copy(env.tmp.path().join("pass"), &old).unwrap();
        let new = env.tmp.path().join("new-pass");
        fs::write(&new, "a new passphrase here\n").unwrap();
        env.ok(&[
            "passwd",
            "--new-passphrase-file",
            new.to_str().unwrap(),
            "--work-factor",
            "10",
        ]);
        let list_with = |pass: &Path| {
            Command::new(sparekey_tests::bin("sparekey-cli"))
                .arg("--vault")
                .arg(&usb)
                .arg("--passphrase-file")
                .arg(pass)
                .args(["list"])
                .stdin(Stdio::null())
                .output()
                .unwrap()
        };
        assert!(
            !list_with(&old).status.success(),
            "the old passphrase opens the folder"
        );
        assert!(check_ok(&["list"], list_with(&new)).contains("PyPI"));
    }

    #[test]
    fn a_conflict_copy_for_another_key_is_named_and_never_promised_a_merge() {
        let env = Env::init();
        env.ok(&["add", "--uri", PYPI_URI]);
        let stranger = keygen(&env.tmp.path().join("stranger.key"));
        let plain = env.tmp.path().join("doc.json");
        fs::write(&plain, "{}").unwrap();
        let copy = env
            .vault()
            .join("vault.sync-conflict-20261203-020304-OTHERKY.age");
        let out = Command::new("age")
            .args(["-r", &stranger, "-o"])
            .arg(&copy)
            .arg(&plain)
            .output()
            .unwrap();
        assert!(out.status.success());
        let out = env.run(&["rename", "pypi", "--name", "alice2"]);
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        check_ok(&["rename"], out);
        assert!(
            stderr.contains("does not open with this vault's key"),
            "{stderr}"
        );
        assert!(!stderr.contains("the next change merges"), "{stderr}");
        assert!(copy.exists(), "left where it is");
    }

    #[test]
    fn a_planted_conflict_copy_adds_no_recipient_and_is_named() {
        let env = Env::new();
        // The vault's public key is no secret (`init --json` prints it).
        let init = env.json(&["init", "--work-factor", "10"]);
        let own = init["recipient"].as_str().unwrap().to_owned();
        env.ok(&["add", "--uri", PYPI_URI]);
        let evil_key = env.tmp.path().join("evil.key");
        let evil = keygen(&evil_key);
        let doc = format!(
            r#"{{"format":"sparekey-vault","version":1,"accounts":[],"own_recipient":"{own}",
               "extra_recipients":["{evil}"],
               "emergency_kit":{{"recipient":"{evil}","created_at":4000000000}}}}"#
        );
        let plain = env.tmp.path().join("doc.json");
        fs::write(&plain, doc).unwrap();
        let planted = env
            .vault()
            .join("vault.sync-conflict-20261203-010203-EVILEVL.age");
        let out = Command::new("age")
            .args(["-r", &own, "-r", &evil, "-o"])
            .arg(&planted)
            .arg(&plain)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let out = env.run(&["rename", "pypi", "--name", "alice2"]);
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        check_ok(&["rename"], out);
        assert!(stderr.contains("someone may have planted it"), "{stderr}");
        for file in vault_files(&env) {
            assert!(
                !age_opens(&evil_key, &file),
                "the planted key opens {file:?}"
            );
        }
    }
}

/// Runs `dot -Tsvg` (Debian's graphviz) on `dot_text`: the SVG, or a panic
/// with dot's complaint.
fn dot_to_svg(dot_text: &str) -> String {
    let mut child = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("dot is missing: install Debian's `graphviz` (scripts/setup does)");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(dot_text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "dot refused the graph: {}\n{dot_text}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn ways_back_in_show_the_single_loss_and_the_graph_draws_through_dot() {
    let env = Env::init();
    env.ok(&["add", "--uri", PYPI_URI]);
    env.ok(&[
        "add",
        "--uri",
        "otpauth://totp/GitHub:alice?secret=GEZDGNBVGY3TQOJQ&issuer=GitHub",
    ]);
    // A hostile name: DOT must quote it.
    env.ok(&[
        "add",
        "--issuer",
        "Google",
        "--name",
        "al\"ice\\@gmail.com",
        "--secret",
        "MFRGGZDFMZTWQ2LK",
    ]);
    for account in ["PyPI", "GitHub"] {
        env.ok(&[
            "account",
            "add-way",
            account,
            "email",
            "alice@gmail.com",
            "--mailbox",
            "Google",
        ]);
        env.ok(&[
            "account",
            "add-way",
            account,
            "security-key",
            "YubiKey",
            "--place",
            "keyring",
        ]);
    }
    let shown = env.ok(&["account", "show", "PyPI"]);
    assert!(
        shown.contains("2. security key YubiKey (keyring)"),
        "{shown}"
    );
    assert!(
        shown.contains("alice@gmail.com, mailbox: Google"),
        "{shown}"
    );

    // The shared mailbox is the single loss: Health names it and the accounts.
    let report = env.json(&["health"]);
    let shared: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "mailbox_single_point")
        .collect();
    assert_eq!(shared.len(), 1, "{report}");
    let message = shared[0]["message"].as_str().unwrap();
    assert!(
        message.contains("GitHub (alice)") && message.contains("PyPI (alice)"),
        "{message}"
    );
    assert_eq!(shared[0]["opens"], "ways");
    assert_eq!(report["unrecorded_ways"], 1, "Google is not recorded yet");

    // The graph: valid DOT, drawn by graphviz with the weak mailbox marked.
    let dot_text = env.ok(&["health", "--graph"]);
    assert!(dot_text.starts_with("digraph recovery {"), "{dot_text}");
    let svg = dot_to_svg(&dot_text);
    assert!(
        svg.contains("alice@gmail.com") && svg.contains("weak point"),
        "{svg}"
    );
    assert!(svg.contains("#c62828"), "the weak point is drawn red");

    // Google gets two ways in: the mailbox is lockout-proof, the finding clears.
    env.ok(&["account", "add-way", "Google", "passkey", "Pixel"]);
    env.ok(&["account", "add-way", "Google", "printed", "--place", "safe"]);
    let report = env.json(&["health"]);
    assert!(
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["kind"] != "mailbox_single_point"),
        "{report}"
    );
    let svg = dot_to_svg(&env.ok(&["health", "--graph"]));
    assert!(!svg.contains("weak point"), "{svg}");

    // Removing ways by their numbers brings the finding back (the vault
    // alone is one way).
    env.ok(&["account", "remove-way", "Google", "factor", "1"]);
    env.ok(&["account", "remove-way", "Google", "copy", "1"]);
    let text = env.ok(&["health"]);
    assert!(
        text.contains("The mailbox alice@gmail.com recovers 2 accounts"),
        "{text}"
    );
    let err = env.fail(&["account", "remove-way", "Google", "factor", "5"]);
    assert!(err.contains("no second factor number 5"), "{err}");
    let err = env.fail(&["account", "add-way", "PyPI", "email", "not-an-address"]);
    assert!(err.contains("not an email address"), "{err}");
}

#[test]
fn check_phone_and_check_sheet_prove_a_second_copy_without_using_a_code() {
    let env = Env::init();
    env.ok(&["add", "--uri", PYPI_URI]);
    let secret = PYPI_URI
        .split("secret=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    // The code a phone with the same secret shows, 30 s ago (one step back).
    let when = format!("@{}", now - 30);
    let code = oathtool(&["--totp", "-b", "--now", &when, secret]);
    let text = env.ok(&[
        "account",
        "check-phone",
        "PyPI",
        "--code",
        code.trim(),
        "--device",
        "Pixel 8",
    ]);
    assert!(text.contains("It matches"), "{text}");
    let shown = env.ok(&["account", "show", "PyPI"]);
    assert!(shown.contains("TOTP on another device Pixel 8"), "{shown}");
    assert!(shown.contains(", checked "), "{shown}");
    // Ten minutes ago is no match, and exits 1.
    let old = oathtool(&["--totp", "-b", "--now", &format!("@{}", now - 600), secret]);
    let out = env.run(&["account", "check-phone", "PyPI", "--code", old.trim()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("does not match"));

    // A printed sheet: one code typed from it is in the set and stays unused.
    let codes = "PyPI recovery codes\n0123456789abcdef\n1111222233334444\n5555666677778888\n\
                 9999aaaabbbbcccc\n0000111122223333\n4444555566667777\n88889999aaaabbbb\n\
                 ccccddddeeeeffff\n";
    let out = env.run_stdin(&["recovery", "add", "PyPI", "-"], codes);
    check_ok(&["recovery", "add"], out);
    let out = env.run_stdin(
        &["account", "check-sheet", "PyPI", "--code-file", "-"],
        "1111 2222 3333 4444\n",
    );
    let text = check_ok(&["account", "check-sheet"], out);
    assert!(text.contains("It is in the set"), "{text}");
    let summary = env.json(&["list"]);
    assert_eq!(summary[0]["recovery"]["unused"], 8, "the code stays unused");
    let shown = env.ok(&["account", "show", "PyPI"]);
    assert!(shown.contains("printed, checked"), "{shown}");
    let out = env.run_stdin(
        &["account", "check-sheet", "PyPI", "--code-file", "-"],
        "ffffeeeeddddcccc\n",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("not one of"));
}

#[test]
fn tags_and_pins_from_the_command_line_and_list_by_tag() {
    let env = Env::init();
    env.ok(&["add", "--uri", PYPI_URI]);
    env.ok(&[
        "add",
        "--uri",
        "otpauth://totp/GitHub:alice?secret=GEZDGNBVGY3TQOJQ&issuer=GitHub",
    ]);
    env.ok(&["account", "tag", "PyPI", "release", " Work "]);
    env.ok(&["account", "tag", "GitHub", "work"]);
    env.ok(&["account", "pin", "GitHub"]);
    let listed = env.json(&["list"]);
    let labels: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["GitHub:alice", "PyPI:alice"], "pinned first");
    assert_eq!(listed[1]["tags"], serde_json::json!(["release", "Work"]));
    let release = env.json(&["list", "--tag", "RELEASE"]);
    assert_eq!(release.as_array().unwrap().len(), 1);
    let text = env.ok(&["list", "--tag", "work"]);
    assert!(text.contains("pinned  [work]"), "{text}");
    assert!(env
        .ok(&["list", "--tag", "home"])
        .contains("No account has the tag"));
    env.ok(&["account", "unpin", "GitHub"]);
    env.ok(&["account", "tag", "PyPI"]);
    let listed = env.json(&["list"]);
    assert_eq!(listed[0]["label"], "PyPI:alice");
    assert_eq!(listed[0]["tags"], serde_json::json!([]));
}
