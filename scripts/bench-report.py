#!/usr/bin/env python3
"""Turns the JSON scripts/bench wrote into the Markdown table README shows,
checks the budgets of issue #8, and exits 1 if one is missed.

    scripts/bench-report.py docs/bench 1000 10000
"""

import json
import os
import platform
import statistics
import subprocess
import sys
from datetime import datetime, timezone

MIB = 1024  # KiB per MiB
# Issue #8's memory budget over the empty page: 25 MB (decimal), in MiB.
MEMORY_BUDGET_MIB = 25e6 / 2**20



def kdf_compared(app_ms, cli_ms):
    """One sentence comparing the KDF's time in the app and in the CLI."""
    if app_ms > cli_ms * 1.02:
        return (f"The KDF is slower in the app than in the CLI ({app_ms:.0f} against {cli_ms:.0f} ms): "
                "WebKit's processes share the two cores.")
    return f"The KDF takes as long in the app as in the CLI ({app_ms:.0f} against {cli_ms:.0f} ms)."

def load(path):
    with open(path) as f:
        return json.load(f)


def hyper(path):
    """name -> (mean ms, stddev ms) from a hyperfine export."""
    return {r["command"]: (r["mean"] * 1000, (r["stddev"] or 0) * 1000) for r in load(path)["results"]}


def median(runs, key):
    return statistics.median(r[key] for r in runs)


def machine():
    cpu = "unknown CPU"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem_kib = int(f.readline().split()[1])
    debian = open("/etc/debian_version").read().strip() if os.path.exists("/etc/debian_version") else "?"
    webkit = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "libwebkit2gtk-4.1-0"],
                            capture_output=True, text=True).stdout or "?"
    kpx = subprocess.run(["keepassxc-cli", "--version"], capture_output=True, text=True).stdout.strip()
    return (f"{os.cpu_count()} cores ({cpu}), {mem_kib / MIB / 1024:.0f} GiB, Debian {debian}, "
            f"kernel {platform.release()}, WebKitGTK {webkit}, KeePassXC {kpx}")


def main():
    out_dir, sizes = sys.argv[1], [int(s) for s in sys.argv[2:]]
    failures = []
    # When the run measured the desktop apps (so the report can be written
    # again later with the same date), else now.
    measured = datetime.now(timezone.utc)
    desktop_runs = [f"{out_dir}/desktop-{n}.json" for n in sizes if os.path.exists(f"{out_dir}/desktop-{n}.json")]
    if desktop_runs:
        measured = datetime.fromtimestamp(load(desktop_runs[-1])["started_at"] / 1000, timezone.utc)
    lines = [f"Measured {measured:%Y-%m-%d %H:%M} UTC by `scripts/bench` on {machine()}.", ""]

    lines += ["**Command line** (mean ± σ of hyperfine runs; peak RSS from /usr/bin/time)", "",
              "| accounts | oathtool | sparekey-cli, no KDF (kit) | sparekey-cli, passphrase | keepassxc-cli show -t | Sparekey minus KDF, over oathtool (budget ≤ 15 ms) |",
              "|---:|---:|---:|---:|---:|---:|"]
    kdf_ms = {}
    for n in sizes:
        fast = hyper(f"{out_dir}/cli-{n}-fast.json")
        kdf = hyper(f"{out_dir}/cli-{n}-kdf.json")
        peak = load(f"{out_dir}/cli-{n}-peak.json")["peak_kib"]
        oath, kit = fast["oathtool --totp"], fast["sparekey-cli, kit (no KDF)"]
        pw, kpx = kdf["sparekey-cli, passphrase"], kdf["keepassxc-cli show -t"]
        kdf_ms[n] = pw[0] - kit[0]
        over = kit[0] - oath[0]
        ok = over <= 15
        if not ok:
            failures.append(f"sparekey-cli at {n} accounts is {over:.1f} ms over oathtool without its KDF")
        cell = lambda t, k: f"{t[0]:.1f} ± {t[1]:.1f} ms, {peak[k] / MIB:.0f} MiB"
        lines.append(f"| {n:,} | {cell(oath, 'oathtool')} | {cell(kit, 'sparekey_kit')} | "
                     f"{cell(pw, 'sparekey_passphrase')} | {cell(kpx, 'keepassxc')} | "
                     f"{over:.1f} ms {'✅' if ok else '❌'} |")
    lines += ["", "Sparekey's KDF (scrypt at the cost age picks on this machine) is the passphrase run minus "
              "the kit run: " + ", ".join(f"{kdf_ms[n]:.0f} ms at {n:,}" for n in sizes) + ". "
              "KeePassXC's time includes its own KDF (its default, Argon2 tuned to this machine).", ""]

    n = sizes[-1]
    desktop_path = f"{out_dir}/desktop-{n}.json"
    if os.path.exists(desktop_path):
        d = load(desktop_path)
        sk, direct, floor = d["sparekey_webdriver"], d["sparekey_direct"], d["floor"]
        kl, ku = d["keepassxc_locked"], d["keepassxc_unlocked"]
        screen = median(direct, "first_screen_ms")
        to_codes = median(sk, "unlock_to_codes_ms")
        ipc = median(sk, "unlock_ipc_ms")
        rust = median(sk, "unlock_rust_ms")
        # The app's own KDF, as it timed it (the key from the passphrase,
        # before the vault is opened with it).
        app_kdf = median(sk, "unlock_kdf_ms")
        net = to_codes - app_kdf
        floor_pss = median(floor, "pss_kib")
        floor_fastest = min(r["first_screen_ms"] for r in floor)
        # Sparekey's memory as a user runs it: started directly, unlocked by
        # typing (WebDriver's automation adds to the web process).
        locked_over = (median(direct, "pss_kib") - floor_pss) / MIB
        unlocked_over = (median(direct, "unlocked_pss_kib") - floor_pss) / MIB
        window = median(direct, "window_ms")
        rows_ok = all(r["rows"] > 0 and r["rows_with_codes"] == r["rows"] for r in sk)
        checks = [
            (window <= 200, f"start to window {window:.0f} ms (budget ≤ 200 ms)"),
            # #8's 200 ms is for the window; the page in it cannot be drawn
            # that soon on this stack (the empty page needs about 300 ms
            # here), so the unlock screen is held to the empty page's
            # fastest start plus 100 ms: what Sparekey's page itself may add.
            # The fastest, not the median: slow starts (see below) must not
            # loosen the limit.
            (screen <= floor_fastest + 100,
             f"start to unlock screen {screen:.0f} ms, {screen - floor_fastest:.0f} ms after the empty page's "
             f"fastest start (held to ≤ 100 ms after it)"),
            (net <= 100, f"unlock to codes minus KDF {net:.0f} ms (budget ≤ 100 ms)"),
            (locked_over <= MEMORY_BUDGET_MIB,
             f"locked PSS {locked_over:.1f} MiB over the empty page (budget ≤ 25 MB = {MEMORY_BUDGET_MIB:.1f} MiB)"),
            (unlocked_over <= MEMORY_BUDGET_MIB,
             f"unlocked PSS {unlocked_over:.1f} MiB over the empty page (budget ≤ 25 MB = {MEMORY_BUDGET_MIB:.1f} MiB)"),
            (rows_ok, "every row shown had a code"),
        ]
        failures += [text for ok, text in checks if not ok]
        mem = lambda runs, p, r: f"{median(runs, p) / MIB:.0f} / {median(runs, r) / MIB:.0f} MiB"
        lines += [f"**Desktop, {n:,} accounts** (median of {d['runs']} cold starts under Xvfb; memory is PSS / RSS "
                  "summed over the process and its WebKit children, after 5 s idle locked, 10 s unlocked; Sparekey "
                  "started directly and unlocked by typing the passphrase)", "",
                  "| | start to window | start to unlock screen | unlock to codes on screen | memory, locked | memory, unlocked |",
                  "|---|---:|---:|---:|---:|---:|",
                  f"| Sparekey | {window:.0f} ms | {screen:.0f} ms | {to_codes:.0f} ms "
                  f"(KDF {app_kdf:.0f} + {net:.0f}) | {mem(direct, 'pss_kib', 'rss_kib')} | "
                  f"{mem(direct, 'unlocked_pss_kib', 'unlocked_rss_kib')} |",
                  f"| Empty Tauri page (floor) | {median(floor, 'window_ms'):.0f} ms | {median(floor, 'first_screen_ms'):.0f} ms | | "
                  f"{mem(floor, 'pss_kib', 'rss_kib')} | |",
                  f"| KeePassXC | {median(kl, 'window_ms'):.0f} ms | | | {mem(kl, 'pss_kib', 'rss_kib')} | "
                  f"{mem(ku, 'pss_kib', 'rss_kib')} |", "",
                  "Start to unlock screen: until the page asks for the vault's state, which it draws the unlock "
                  "screen from (for the floor: until its page is requested); the app prints the time when "
                  "`SPAREKEY_TRACE_STARTUP` is set. Every start, in order (now and then one takes about 500 ms "
                  "longer, for the floor as for the app): Sparekey "
                  + ", ".join(f"{r['first_screen_ms']:.0f}" for r in direct) + " ms; the floor "
                  + ", ".join(f"{r['first_screen_ms']:.0f}" for r in floor) + " ms.", "",
                  f"Of Sparekey's unlock, the unlock command takes {rust:.0f} ms in Rust (the KDF {app_kdf:.0f} ms, "
                  f"then opening {n:,} accounts and the first page {rust - app_kdf:.0f} ms); the page has its first "
                  f"screen of accounts and codes {ipc:.0f} ms after the click, and shows them "
                  f"{to_codes - ipc:.0f} ms later. " + kdf_compared(app_kdf, kdf_ms[n]), "",
                  "Budgets: " + "; ".join(f"{'✅' if ok else '❌'} {text}" for ok, text in checks) + ".", ""]

    sizes_path = f"{out_dir}/sizes.json"
    if os.path.exists(sizes_path):
        s = load(sizes_path)
        mb = lambda b: f"{b / 1e6:.1f} MB" if b else "not built (run scripts/package)"
        lines += [f"**Size**: `sparekey` {mb(s['sparekey'])}, `sparekey-cli` {mb(s['sparekey-cli'])} "
                  f"(release, stripped by the release profile); .deb {mb(s['deb'])}"
                  + (f" ({s['deb_name']})" if s["deb_name"] else "") + "."]
    print("\n".join(lines))
    if failures:
        print("\nMissed: " + "; ".join(failures), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
