//! Linux on Wayland: a screenshot from the desktop portal
//! (`org.freedesktop.portal.Screenshot`), for "Scan the screen".
//!
//! Wayland gives no application the screen's pixels; the portal asks the
//! desktop for a screenshot (GNOME and KDE may ask the person first) and
//! answers with the URI of a file the desktop wrote. Sparekey reads that
//! file into memory and deletes it at once: the desktop's file is the only
//! copy on disk, for the moment it takes to read it.
//! See <https://flatpak.github.io/xdg-desktop-portal/docs/doc-org.freedesktop.portal.Screenshot.html>.

use std::collections::HashMap;
use std::io::Read;
use std::sync::mpsc;
use std::time::Duration;

use zbus::blocking::{Connection, Proxy};
use zbus::zvariant::{OwnedObjectPath, OwnedValue, Value};
use zeroize::Zeroizing;

use super::ScreenCapture;

const PORTAL: &str = "org.freedesktop.portal.Desktop";
const PORTAL_PATH: &str = "/org/freedesktop/portal/desktop";
const SCREENSHOT: &str = "org.freedesktop.portal.Screenshot";

/// How long the desktop may take to answer (it may ask the person first).
const ANSWER_TIMEOUT: Duration = Duration::from_secs(120);

/// Largest screenshot file read: core's own limit for images.
const MAX_FILE_BYTES: u64 = sparekey_core::qr::MAX_INPUT_BYTES as u64;

/// What to say when there is no portal to ask.
pub(super) const NO_PORTAL: &str = "Scanning the screen on Wayland needs the desktop portal's \
    Screenshot service (xdg-desktop-portal with your desktop's backend, e.g. \
    xdg-desktop-portal-gnome, -kde or -wlr), which did not answer here. Take a screenshot of the \
    QR code and choose it above instead";

/// [`NO_PORTAL`], with what the bus said.
fn no_portal(error: zbus::Error) -> String {
    format!("{NO_PORTAL} ({error}).")
}

/// A screenshot of the whole screen, without a dialog where the desktop
/// allows it.
pub(super) fn capture() -> Result<ScreenCapture, String> {
    let (sender, answer) = mpsc::channel();
    // The bus calls block; a desktop that never answers leaves this thread
    // waiting, not the command.
    std::thread::spawn(move || {
        let _ = sender.send(ask());
    });
    match answer.recv_timeout(ANSWER_TIMEOUT) {
        Ok(result) => result,
        Err(_) => Err("The desktop did not hand over a screenshot within two minutes.".to_owned()),
    }
}

fn ask() -> Result<ScreenCapture, String> {
    let conn = Connection::session().map_err(no_portal)?;
    let portal = Proxy::new(&conn, PORTAL, PORTAL_PATH, SCREENSHOT).map_err(no_portal)?;
    // Starts the portal if the bus activates it, and says whether it offers
    // screenshots at all.
    let _version: u32 = portal.get_property("version").map_err(no_portal)?;

    // The answer comes as a signal on a request object whose path is known
    // in advance: listen first, then ask.
    let token = format!("sparekey{}", std::process::id());
    let sender = conn
        .unique_name()
        .map(|name| name.trim_start_matches(':').replace('.', "_"))
        .ok_or_else(|| format!("{NO_PORTAL}."))?;
    let request_path = format!("{PORTAL_PATH}/request/{sender}/{token}");
    let request = Proxy::new(
        &conn,
        PORTAL,
        request_path.as_str(),
        "org.freedesktop.portal.Request",
    )
    .map_err(no_portal)?;
    let mut responses = request.receive_signal("Response").map_err(no_portal)?;
    let mut options: HashMap<&str, Value<'_>> = HashMap::new();
    options.insert("handle_token", Value::from(token.as_str()));
    options.insert("interactive", Value::from(false));
    let _handle: OwnedObjectPath = portal
        .call("Screenshot", &("", options))
        .map_err(|error| format!("The desktop refused the screenshot ({error})."))?;
    let message = responses
        .next()
        .ok_or("The desktop portal went away before answering.")?;
    let (response, results): (u32, HashMap<String, OwnedValue>) = message
        .body()
        .deserialize()
        .map_err(|error| format!("The desktop's answer was not understood ({error})."))?;
    match response {
        0 => {}
        1 => return Err("The screenshot was cancelled.".to_owned()),
        _ => return Err("The desktop could not take a screenshot.".to_owned()),
    }
    let uri: String = results
        .get("uri")
        .and_then(|value| String::try_from(value.clone()).ok())
        .ok_or("The desktop's answer named no screenshot.")?;
    let path = file_path(&uri).ok_or("The desktop's screenshot is not a local file.")?;
    let read = read_bounded(&path);
    // The desktop's copy goes whatever was read.
    let _ = std::fs::remove_file(&path);
    Ok(ScreenCapture::Image(read?))
}

/// At most [`MAX_FILE_BYTES`] of the file at `path`.
fn read_bounded(path: &std::path::Path) -> Result<Zeroizing<Vec<u8>>, String> {
    let file = std::fs::File::open(path)
        .map_err(|error| format!("The desktop's screenshot could not be read ({error})."))?;
    let mut bytes = Zeroizing::new(Vec::new());
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|error| format!("The desktop's screenshot could not be read ({error})."))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err("The desktop's screenshot is too large to search.".to_owned());
    }
    Ok(bytes)
}

/// The local path of a `file://` URI (percent-decoded), or `None`.
fn file_path(uri: &str) -> Option<std::path::PathBuf> {
    use std::os::unix::ffi::OsStringExt;

    let rest = uri.strip_prefix("file://")?;
    // `file://host/path` names a local file only with no host.
    let encoded = rest.strip_prefix("localhost").unwrap_or(rest);
    if !encoded.starts_with('/') {
        return None;
    }
    let bytes = encoded.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            decoded.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            decoded.push(bytes[i]);
            i += 1;
        }
    }
    Some(std::ffi::OsString::from_vec(decoded).into())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Local file URIs are decoded; others are refused.
    #[test]
    fn file_uris_become_paths() {
        assert_eq!(
            file_path("file:///run/user/1000/Screenshot%20from%202026.png"),
            Some("/run/user/1000/Screenshot from 2026.png".into())
        );
        assert_eq!(
            file_path("file://localhost/tmp/a.png"),
            Some("/tmp/a.png".into())
        );
        assert_eq!(file_path("file://server/share/a.png"), None);
        assert_eq!(file_path("https://example.com/a.png"), None);
        assert_eq!(file_path("file:///tmp/%zz.png"), None);
    }
}
