//! The tray icon: show or hide the window, lock, quit; and "close to
//! tray", which hides the window instead of quitting when the person
//! closes it (a setting, off by default).
//!
//! The icon is Tauri's (`tray-icon`; on Linux libayatana-appindicator3,
//! loaded when the icon is made). A desktop with nothing that shows tray
//! icons (a bare X server, many Wayland compositors) is normal: the app
//! starts and works as without a tray, and closing the window quits even
//! with "close to tray" on, since nothing would bring the window back but a
//! second launch.

use tauri::{
    menu::{Menu, MenuEvent, MenuItem, PredefinedMenuItem},
    tray::TrayIconBuilder,
    AppHandle, Manager, Runtime, WebviewWindow,
};

use crate::{platform, state::AppState, MAIN_WINDOW};

/// The tray icon's id.
const TRAY: &str = "sparekey";

/// What the tray's menu offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Shows the window if hidden, hides it if shown.
    ShowOrHide,
    /// Locks the vault (and clears a code this app copied), as the Lock
    /// button does.
    Lock,
    /// Locks and quits.
    Quit,
}

impl Action {
    /// Every action, in menu order.
    pub const ALL: [Action; 3] = [Action::ShowOrHide, Action::Lock, Action::Quit];

    /// The menu item's id.
    pub fn id(self) -> &'static str {
        match self {
            Action::ShowOrHide => "show-or-hide",
            Action::Lock => "lock",
            Action::Quit => "quit",
        }
    }

    /// The action of a menu item's id.
    pub fn from_id(id: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|action| action.id() == id)
    }

    /// The menu item's text.
    fn text(self) -> &'static str {
        match self {
            Action::ShowOrHide => "Show or hide Sparekey",
            Action::Lock => "Lock",
            Action::Quit => "Quit Sparekey",
        }
    }
}

/// Makes the tray icon. Never fails the app: without the system's tray
/// library, or when the icon cannot be made, one line on standard error
/// says so and the app goes on without a tray.
pub fn install<R: Runtime>(app: &AppHandle<R>) {
    // libappindicator-sys panics when libayatana-appindicator3 cannot be
    // loaded: caught, and the default panic message kept off standard
    // error meanwhile (the hook is the process's; this runs in `setup`,
    // before the window's page can start any work).
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let made = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| build(app)));
    std::panic::set_hook(hook);
    match made {
        Ok(Ok(())) => {}
        Ok(Err(error)) => eprintln!("Sparekey shows no tray icon: {error}."),
        Err(_) => eprintln!(
            "Sparekey shows no tray icon: the system's tray library \
             (libayatana-appindicator3) could not be loaded."
        ),
    }
}

fn build<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    let item =
        |action: Action| MenuItem::with_id(app, action.id(), action.text(), true, None::<&str>);
    let show_or_hide = item(Action::ShowOrHide)?;
    let lock = item(Action::Lock)?;
    let quit = item(Action::Quit)?;
    let separator = PredefinedMenuItem::separator(app)?;
    let menu = Menu::with_items(app, &[&show_or_hide, &lock, &separator, &quit])?;
    let mut tray = TrayIconBuilder::with_id(TRAY)
        .menu(&menu)
        .tooltip("Sparekey")
        .on_menu_event(|app: &AppHandle<R>, event: MenuEvent| {
            if let Some(action) = Action::from_id(event.id().as_ref()) {
                act(app, action);
            }
        });
    if let Some(icon) = app.default_window_icon() {
        tray = tray.icon(icon.clone());
    }
    tray.build(app)?;
    Ok(())
}

/// Does what the tray's menu item `action` says.
pub fn act<R: Runtime>(app: &AppHandle<R>, action: Action) {
    match action {
        Action::ShowOrHide => match window(app) {
            Some(window) if window.is_visible().unwrap_or(false) => {
                let _ = window.hide();
            }
            _ => crate::show_main_window(app),
        },
        Action::Lock => crate::lock_now(app),
        Action::Quit => {
            crate::lock_now(app);
            app.exit(0);
        }
    }
}

fn window<R: Runtime>(app: &AppHandle<R>) -> Option<WebviewWindow<R>> {
    app.get_webview_window(MAIN_WINDOW)
}

/// Whether closing the window should hide it instead: "close to tray" is
/// on, this app has a tray icon, and something shows it.
pub fn close_hides<R: Runtime>(app: &AppHandle<R>) -> bool {
    app.state::<AppState>().close_to_tray()
        && app.tray_by_id(TRAY).is_some()
        && platform::tray_host_present()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each menu item's id leads back to its action, and to nothing else.
    #[test]
    fn menu_ids_name_their_actions() {
        for action in Action::ALL {
            assert_eq!(Action::from_id(action.id()), Some(action));
        }
        assert_eq!(Action::from_id("show"), None);
    }
}
