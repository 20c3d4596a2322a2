#!/usr/bin/env python3
"""Writes the same N accounts in two forms for scripts/bench.

    scripts/bench-data.py N OUT_DIR

OUT_DIR/accounts.txt  one otpauth:// URI per line (for `sparekey-cli import
                      --format otpauth`)
OUT_DIR/keepass.xml   a KeePass 2 XML file with the same entries, the URI in
                      the `otp` attribute as KeePassXC stores TOTP (for
                      `keepassxc-cli import`)
OUT_DIR/target.txt    the base32 secret of the account every tool is asked
                      for ("Bench Target", in the middle of the list)

Secrets come from a seeded generator, so every run measures the same data.
"""

import base64
import random
import sys
import uuid
from pathlib import Path
from urllib.parse import quote
from xml.sax.saxutils import escape

ISSUERS = ["PyPI", "GitHub", "GitLab", "npm", "crates.io", "AWS", "Google",
           "Fastmail", "Hetzner", "Cloudflare", "DigitalOcean", "Docker Hub"]
TARGET_ISSUER = "Bench Target"
TARGET_NAME = "target@example.com"


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit("usage: bench-data.py N OUT_DIR")
    count = int(sys.argv[1])
    out = Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(20261124)
    accounts = []
    for i in range(count):
        secret = base64.b32encode(rng.randbytes(20)).decode().rstrip("=")
        if i == count // 2:
            issuer, name = TARGET_ISSUER, TARGET_NAME
        else:
            issuer, name = ISSUERS[i % len(ISSUERS)], f"user{i:05}@example.com"
        accounts.append((issuer, name, secret, uuid.UUID(int=rng.getrandbits(128))))

    uris = []
    entries = []
    for issuer, name, secret, entry_id in accounts:
        uri = (f"otpauth://totp/{quote(issuer)}:{quote(name)}"
               f"?secret={secret}&issuer={quote(issuer)}&algorithm=SHA1&digits=6&period=30")
        uris.append(uri)
        fields = [("Title", f"{issuer} {name}" if issuer != TARGET_ISSUER else TARGET_ISSUER),
                  ("UserName", name), ("otp", uri)]
        strings = "".join(f"<String><Key>{k}</Key><Value>{escape(v)}</Value></String>"
                          for k, v in fields)
        uuid_b64 = base64.b64encode(entry_id.bytes).decode()
        entries.append(f"<Entry><UUID>{uuid_b64}</UUID>{strings}</Entry>")

    (out / "accounts.txt").write_text("\n".join(uris) + "\n")
    root_uuid = base64.b64encode(uuid.UUID(int=1).bytes).decode()
    (out / "keepass.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<KeePassFile><Meta>'
        "<Generator>sparekey bench</Generator><DatabaseName>bench</DatabaseName>"
        f"</Meta><Root><Group><UUID>{root_uuid}</UUID><Name>Root</Name>"
        + "".join(entries) + "</Group></Root></KeePassFile>\n")
    (out / "target.txt").write_text(accounts[count // 2][2] + "\n")


if __name__ == "__main__":
    main()
