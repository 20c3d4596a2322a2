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
