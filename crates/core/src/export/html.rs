//! Printable HTML pages: QR codes of every account, and an account's
//! recovery codes. Pages are self-contained (inline CSS and SVG, no script,
//! no remote content, a CSP that forbids loading anything) and every piece
//! of text from the vault is HTML-escaped.

use zeroize::Zeroizing;

use super::{no_secret, Exported};
use crate::{account::Account, otp, secret::ExposeSecret, time, vault::Document, Result};

const STYLE: &str = "body{font-family:sans-serif;margin:2em;color:#000;background:#fff}\
h1{font-size:1.4em}.card{display:inline-block;width:15em;margin:0 1em 1.5em 0;\
vertical-align:top;page-break-inside:avoid;break-inside:avoid}.card svg{width:13em;height:13em}\
.secret{font-family:monospace;font-size:.8em;word-break:break-all}\
.warn{border:2px solid #000;padding:.5em}ol{font-family:monospace;font-size:1.2em}\
.used{text-decoration:line-through;color:#555}";

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn head(title: &str, out: &mut String) {
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
    out.push_str(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         style-src 'unsafe-inline'\">",
    );
    out.push_str("<meta name=\"referrer\" content=\"no-referrer\"><title>");
    out.push_str(&escape(title));
    out.push_str("</title><style>");
    out.push_str(STYLE);
    out.push_str("</style></head><body>\n");
}

/// A printable page with a QR code, the label and the base32 secret of
/// every account that has a 2FA secret (others are listed in `skipped`).
pub fn qr_page(doc: &Document, now: i64) -> Result<Exported> {
    let mut skipped = Vec::new();
    let mut cards: Vec<Zeroizing<String>> = Vec::new();
    for account in &doc.accounts {
        let Some(o) = &account.otp else {
            skipped.push(no_secret(account));
            continue;
        };
        let uri = otp::to_uri(&account.issuer, &account.name, o);
        let svg = crate::qr::to_svg(uri.expose_secret())?;
        let svg_body = svg
            .find("<svg")
            .map_or(svg.as_str(), |i| &svg[i..])
            .trim_end();
        let secret = o.secret_base32();
        let label = escape(&account.label());
        let mut card = Zeroizing::new(String::with_capacity(svg_body.len() + 512));
        card.push_str("<div class=\"card\">");
        card.push_str(svg_body);
        card.push_str("<p><strong>");
        card.push_str(&label);
        card.push_str("</strong><br>");
        card.push_str(&escape(&format!(
            "{} · {} digits{}",
            o.kind().type_name(),
            o.digits(),
            o.period().map_or(String::new(), |p| format!(" · {p} s"))
        )));
        card.push_str("<br><span class=\"secret\">");
        card.push_str(&escape(secret.expose_secret()));
        card.push_str("</span></p></div>\n");
        cards.push(card);
    }
    let size: usize = cards.iter().map(|c| c.len()).sum();
    let mut page = Zeroizing::new(String::with_capacity(size + 4096));
    head("Sparekey: 2FA QR codes", &mut page);
    page.push_str(
        "<h1>2FA QR codes</h1>\n<p class=\"warn\">Anyone with this page can make your 2FA codes. \
        Keep it as safe as your passwords; shred it when it is no longer needed.</p>\n",
    );
    page.push_str(&format!(
        "<p>Printed {}.</p>\n",
        escape(&time::format_utc(now))
    ));
    for card in &cards {
        page.push_str(card);
    }
    page.push_str("</body></html>\n");
    let exported = cards.len();
    Ok(Exported {
        content: page,
        exported,
        skipped,
        notes: super::recovery_note(doc, "The QR page")
            .into_iter()
            .collect(),
    })
}

/// A printable sheet of an account's recovery codes, used ones struck
/// through. Errors when the account has no recovery codes.
pub fn recovery_sheet(account: &Account, now: i64) -> Result<Zeroizing<String>> {
    let set = &account.recovery;
    if set.is_empty() {
        return Err(crate::Error::Missing {
            account: account.label(),
            what: crate::error::Absent::RecoveryCodes,
        });
    }
    let size: usize = set.codes().iter().map(|c| c.code().len() + 64).sum();
    let mut page = Zeroizing::new(String::with_capacity(size + 4096));
    let label = account.label();
    head(&format!("Recovery codes: {label}"), &mut page);
    page.push_str("<h1>Recovery codes: ");
    page.push_str(&escape(&label));
    page.push_str("</h1>\n<p>");
    if set.service() != crate::recovery::Service::Unknown {
        page.push_str(&escape(&format!("Service: {}. ", set.service().label())));
    }
    page.push_str(&escape(&format!(
        "{} codes, {} unused. Printed {}.",
        set.len(),
        set.unused_count(),
        time::format_utc(now)
    )));
    page.push_str("</p>\n<p class=\"warn\">Each code opens the account once, without your 2FA device. \
        Keep this sheet somewhere safe and separate from your devices; cross out a code when you use it.</p>\n<ol>\n");
    for code in set.codes() {
        if code.is_used() {
            page.push_str("<li class=\"used\">");
            page.push_str(&escape(code.code()));
            page.push_str(" (used)</li>\n");
        } else {
            page.push_str("<li>");
            page.push_str(&escape(code.code()));
            page.push_str("</li>\n");
        }
    }
    page.push_str("</ol>\n</body></html>\n");
    Ok(page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_covers_markup() {
        assert_eq!(
            escape("<script>\"a\"&'b'</script>"),
            "&lt;script&gt;&quot;a&quot;&amp;&#39;b&#39;&lt;/script&gt;"
        );
    }
}
