//! Copying codes: Rust puts them on the clipboard (the page never needs to
//! receive a code to copy it) and clears the clipboard after the delay set in
//! the vault, but only if it still holds that code, so whatever the user
//! copied since is left alone.

use std::time::Duration;

use tauri::{AppHandle, Runtime};
use tauri_plugin_clipboard_manager::ClipboardExt;
use zeroize::Zeroizing;

use crate::error::AppError;

/// What the clearing logic needs from a clipboard.
pub trait Clipboard {
    /// The text on the clipboard, if it holds text.
    fn read_text(&self) -> Option<Zeroizing<String>>;
    /// Empties the clipboard; returns whether that worked.
    fn clear(&self) -> bool;
}

/// Clears the clipboard if it still holds `copied`. Returns whether it did.
pub fn clear_if_unchanged(clipboard: &dyn Clipboard, copied: &str) -> bool {
    match clipboard.read_text() {
        Some(current) if current.as_str() == copied => clipboard.clear(),
        _ => false,
    }
}

/// The system clipboard through Tauri's clipboard-manager plugin.
struct SystemClipboard<R: Runtime>(AppHandle<R>);

impl<R: Runtime> Clipboard for SystemClipboard<R> {
    fn read_text(&self) -> Option<Zeroizing<String>> {
        self.0.clipboard().read_text().ok().map(Zeroizing::new)
    }

    fn clear(&self) -> bool {
        self.0.clipboard().clear().is_ok()
    }
}

/// The last code or recovery code this app put on the clipboard, until it
/// is cleared: what [`clear_ours`] takes off at lock and exit.
static LAST_COPIED: std::sync::Mutex<Option<Zeroizing<String>>> = std::sync::Mutex::new(None);

fn last_copied() -> std::sync::MutexGuard<'static, Option<Zeroizing<String>>> {
    LAST_COPIED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Clears the clipboard if it still holds what this app copied last: on
/// lock (by hand, idle or suspend) and at exit, a code does not outlive the
/// vault being open. Whatever the user copied since is left alone.
pub fn clear_ours<R: Runtime>(app: &AppHandle<R>) {
    clear_last(&SystemClipboard(app.clone()));
}

/// [`clear_ours`] on any clipboard.
fn clear_last(clipboard: &dyn Clipboard) -> bool {
    match last_copied().take() {
        Some(copied) => clear_if_unchanged(clipboard, &copied),
        None => false,
    }
}

/// Puts `text` on the clipboard (marked so clipboard managers skip it) and,
/// unless `clear_after_seconds` is 0, clears it after that many seconds if it
/// still holds `text`.
pub fn copy_secret<R: Runtime>(
    app: &AppHandle<R>,
    text: Zeroizing<String>,
    clear_after_seconds: u32,
) -> Result<(), AppError> {
    app.clipboard()
        .write_secret(text.as_str())
        .map_err(|error| AppError::new("clipboard", format!("Could not copy: {error}")))?;
    *last_copied() = Some(text.clone());
    if clear_after_seconds > 0 {
        let clipboard = SystemClipboard(app.clone());
        let delay = Duration::from_secs(u64::from(clear_after_seconds));
        std::thread::spawn(move || {
            std::thread::sleep(delay);
            clear_if_unchanged(&clipboard, &text);
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;

    #[derive(Default)]
    struct FakeClipboard(RefCell<Option<String>>);

    impl Clipboard for FakeClipboard {
        fn read_text(&self) -> Option<Zeroizing<String>> {
            self.0.borrow().clone().map(Zeroizing::new)
        }
        fn clear(&self) -> bool {
            *self.0.borrow_mut() = None;
            true
        }
    }

    /// Lock and exit take the last copied code off the clipboard, once, and
    /// leave what the user copied since.
    #[test]
    fn lock_clears_the_last_copied_code_only() {
        *last_copied() = Some(Zeroizing::new("654321".to_owned()));
        let clipboard = FakeClipboard(RefCell::new(Some("654321".to_owned())));
        assert!(clear_last(&clipboard));
        assert_eq!(*clipboard.0.borrow(), None);
        *last_copied() = Some(Zeroizing::new("111111".to_owned()));
        let clipboard = FakeClipboard(RefCell::new(Some("the user's text".to_owned())));
        assert!(!clear_last(&clipboard));
        assert_eq!(clipboard.0.borrow().as_deref(), Some("the user's text"));
        assert!(last_copied().is_none(), "forgotten after a lock");
    }

    #[test]
    fn clears_when_it_still_holds_our_code() {
        let clipboard = FakeClipboard(RefCell::new(Some("123456".to_owned())));
        assert!(clear_if_unchanged(&clipboard, "123456"));
        assert_eq!(*clipboard.0.borrow(), None);
    }

    #[test]
    fn leaves_what_the_user_copied_since() {
        let clipboard = FakeClipboard(RefCell::new(Some("a shopping list".to_owned())));
        assert!(!clear_if_unchanged(&clipboard, "123456"));
        assert_eq!(clipboard.0.borrow().as_deref(), Some("a shopping list"));
    }

    #[test]
    fn an_empty_clipboard_stays_empty() {
        let clipboard = FakeClipboard::default();
        assert!(!clear_if_unchanged(&clipboard, "123456"));
    }
}
