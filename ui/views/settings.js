// Settings that travel with the vault (auto-lock, clipboard delay, closing
// to the tray),
// changing the passphrase, the emergency kit's card (status, create, verify,
// replace; the printable kit is kit.js's screen) and automatic backups.

import * as api from "../api.js";
import { h, byId, field, setFieldError, clearErrors, add, fill } from "../lib/dom.js";
import { toast } from "../lib/toast.js";
import { errorMessage, errorNote, showFieldError, toastError } from "../lib/errors.js";
import { formatDate, formatDateTime, sentence } from "../lib/format.js";
import { showStrength } from "../lib/passphrase.js";

/**
 * @param {any} app
 * @param {{section?: string}} [options] section: the id of a card to bring
 *   into view (and focus its first button) once the cards are drawn
 */
export function showSettings(app, options = {}) {
  const view = app.screen("settings");
  app.onBack = () => app.showList();
  const autoLock = h("input", { id: "setting-auto-lock", type: "number", min: "0", max: "1440", value: String(app.settings.auto_lock_minutes), inputmode: "numeric" });
  const clipboard = h("input", { id: "setting-clipboard", type: "number", min: "0", max: "3600", value: String(app.settings.clipboard_clear_seconds), inputmode: "numeric" });
  const closeToTray = /** @type {HTMLInputElement} */ (h("input", { id: "setting-close-to-tray", type: "checkbox", checked: Boolean(app.settings.close_to_tray), "aria-describedby": "setting-close-to-tray-hint" }));
  const settingsForm = h(
    "form",
    { class: "card", id: "settings-form", novalidate: true },
    h("h3", { text: "Security" }),
    h("div", { class: "grid2" }, field("Lock after idle (minutes)", autoLock, "0 never locks."), field("Clear copied codes after (seconds)", clipboard, "0 never clears.")),
    h(
      "div",
      { class: "check" },
      h("label", {}, closeToTray, h("span", { text: "Closing the window keeps Sparekey in the tray" })),
      h("p", { class: "hint", id: "setting-close-to-tray-hint", text: "The tray icon shows the window again, locks or quits. Where the desktop shows no tray icons, closing the window quits." }),
    ),
    h("div", { class: "actions" }, h("button", { type: "submit", id: "save-settings", class: "primary", text: "Save settings" })),
  );
  settingsForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(settingsForm);
    const read = (/** @type {HTMLElement} */ input, /** @type {number} */ max) => {
      const value = /** @type {HTMLInputElement} */ (input).valueAsNumber;
      return Number.isInteger(value) && value >= 0 && value <= max ? value : null;
    };
    const minutes = read(autoLock, 1440);
    const seconds = read(clipboard, 3600);
    if (minutes === null) {
      setFieldError("setting-auto-lock", "Use a whole number of minutes from 0 to 1440.");
      return;
    }
    if (seconds === null) {
      setFieldError("setting-clipboard", "Use a whole number of seconds from 0 to 3600.");
      return;
    }
    try {
      app.settings = await api.saveSettings({ auto_lock_minutes: minutes, clipboard_clear_seconds: seconds, close_to_tray: closeToTray.checked });
      toast("Settings saved.");
    } catch (error) {
      setFieldError("setting-auto-lock", errorMessage(error));
    }
  });

  const current = h("input", { id: "current-passphrase", type: "password", autocomplete: "current-password" });
  const next = h("input", { id: "next-passphrase", type: "password", autocomplete: "new-password" });
  const again = h("input", { id: "next-passphrase-again", type: "password", autocomplete: "new-password" });
  const hint = h("p", { class: "hint strength", "aria-live": "polite" });
  showStrength(/** @type {HTMLInputElement} */ (next), hint);
  const button = /** @type {HTMLButtonElement} */ (h("button", { type: "submit", id: "change-passphrase", class: "secondary", text: "Change passphrase" }));
  const progress = h("p", { class: "progress", hidden: true }, h("span", { class: "spinner", "aria-hidden": "true" }), "Changing…");
  const passForm = h(
    "form",
    { class: "card", id: "passphrase-form", novalidate: true },
    h("h3", { text: "Passphrase" }),
    field("Current passphrase", current),
    h("div", { class: "grid2" }, field("New passphrase", next), field("New passphrase again", again)),
    hint,
    h("div", { class: "actions" }, button, progress),
  );
  passForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(passForm);
    const value = (/** @type {HTMLElement} */ input) => /** @type {HTMLInputElement} */ (input).value;
    if (!value(next).trim()) {
      setFieldError("next-passphrase", "Choose a new passphrase.");
      return;
    }
    if (value(next) !== value(again)) {
      setFieldError("next-passphrase-again", "The two new passphrases are different.");
      return;
    }
    button.disabled = true;
    progress.hidden = false;
    try {
      await api.changePassphrase(value(current), value(next));
      toast("Passphrase changed. The old one no longer opens the vault.");
      passForm.reset();
    } catch (error) {
      const target = error instanceof api.AppError && error.kind === "wrong_passphrase" ? "current-passphrase" : "next-passphrase";
      setFieldError(target, errorMessage(error));
    } finally {
      button.disabled = false;
      progress.hidden = true;
    }
  });

  const kit = kitCard(app);
  const backups = autoBackupCard();
  add(view,
    h(
      "div",
      { class: "page-head" },
      h("button", { type: "button", class: "ghost back", id: "back", onclick: () => app.showList(), text: "← Accounts" }),
      h("h2", { text: "Settings" }),
    ),
    settingsForm,
    passForm,
    kit.card,
    backups.card,
  );
  autoLock.focus();
  if (options.section) {
    // The two cards below draw when Rust answers: only then is the page
    // as long as it will be.
    Promise.all([kit.ready, backups.ready]).then(() => {
      const section = document.getElementById(options.section ?? "");
      if (section && section.isConnected) {
        section.scrollIntoView({ block: "start" });
        section.querySelector("button")?.focus({ preventScroll: true });
      }
    });
  }
}

/**
 * The emergency kit's card, and when it is first drawn.
 *
 * @param {any} app
 * @returns {{card: HTMLElement, ready: Promise<void>}}
 */
function kitCard(app) {
  const card = h("section", { class: "card", id: "kit-card", "aria-labelledby": "kit-title" });
  const render = async () => {
    let status;
    try {
      status = await api.kitStatus();
    } catch (error) {
      fill(card, errorNote(error));
      return;
    }
    /** @param {boolean} replace the user confirmed replacing the current kit */
    const create = async (replace) => {
      try {
        const kit = await api.kitCreate(replace);
        app.showKitPage(kit);
      } catch (error) {
        toastError(error);
      }
    };
    const dialog = /** @type {HTMLDialogElement} */ (
      h(
        "dialog",
        { id: "confirm-kit-replace", "aria-labelledby": "confirm-kit-replace-title" },
        h("h3", { id: "confirm-kit-replace-title", text: "Replace the emergency kit?" }),
        h("p", { text: "The kit you printed before stops working at once: it will no longer open the vault or its backups. Destroy the old printout after printing the new one." }),
        h(
          "form",
          { method: "dialog", class: "actions end" },
          h("button", { type: "submit", value: "cancel", class: "secondary", autofocus: true, text: "Keep the old kit" }),
          h("button", { type: "submit", value: "replace", class: "danger", id: "confirm-kit-replace-button", text: "Replace kit" }),
        ),
      )
    );
    dialog.addEventListener("close", () => {
      if (dialog.returnValue === "replace") create(true);
    });
    const text = /** @type {HTMLTextAreaElement} */ (h("textarea", { id: "kit-verify-text", rows: "2", spellcheck: "false", autocomplete: "off", placeholder: "AGE-SECRET-KEY-1…" }));
    const verify = h(
      "form",
      { class: "kit-verify", novalidate: true },
      field("Check a printed kit", text, "Type or paste the key from the printout; Sparekey checks it opens the vault."),
      h("div", { class: "actions" }, h("button", { type: "submit", class: "secondary", id: "kit-verify", text: "Verify kit" })),
    );
    verify.addEventListener("submit", async (event) => {
      event.preventDefault();
      clearErrors(verify);
      try {
        await api.kitVerify(text.value);
        text.value = "";
        toast("The kit opens the vault. Keep it safe.");
        render();
      } catch (error) {
        setFieldError("kit-verify-text", errorMessage(error));
      }
    });
    fill(card,
      h("h3", { id: "kit-title", text: "Emergency kit" }),
      h("p", { class: "hint", text: "A printed key that opens the vault if you forget the passphrase. Keep it somewhere safe, away from this computer." }),
      status.exists
        ? h(
            "p",
            { id: "kit-status", class: "kit-status", dataset: { state: "exists" } },
            h("strong", { text: "Kit made " + formatDate(status.created_at) + ". " }),
            status.verified_at ? `Last verified ${formatDate(status.verified_at)}.` : "Not verified yet: check the printout once.",
          )
        : h("p", { id: "kit-status", class: "warning", dataset: { state: "none" }, text: "This vault has no emergency kit. If you forget the passphrase, nobody can open it." }),
      h(
        "div",
        { class: "actions" },
        status.exists
          ? h("button", { type: "button", class: "secondary", id: "kit-replace", text: "Replace kit…", onclick: () => dialog.showModal() })
          : h("button", { type: "button", class: "primary", id: "kit-create", text: "Create emergency kit", onclick: () => create(false) }),
      ),
      status.exists ? verify : null,
      dialog,
    );
  };
  return { card, ready: render() };
}

/**
 * Automatic encrypted backups to a folder (a USB stick, a synced folder).
 * Core writes them after changes, at most daily, and checks the folder;
 * this card only shows their state and turns them on or off.
 *
 * @returns {{card: HTMLElement, ready: Promise<void>}} the card, and when it is first drawn
 */
function autoBackupCard() {
  const card = h("form", { class: "card", id: "auto-backup-form", novalidate: true });
  const render = (/** @type {any} */ status) => {
    const folder = /** @type {HTMLInputElement} */ (
      h("input", { id: "backup-folder", type: "text", spellcheck: "false", autocomplete: "off", placeholder: "/media/usb/sparekey-backup", value: status.folder ?? "" })
    );
    const keep = h("input", { id: "backup-keep", type: "number", min: "1", max: "1000", value: String(status.keep), inputmode: "numeric" });
    // The native folder dialog, opened by Rust; typing the path works too.
    const choose = h("button", {
      type: "button",
      id: "backup-choose",
      class: "secondary",
      text: "Choose folder…",
      onclick: async () => {
        try {
          const picked = await api.chooseBackupFolder();
          if (picked) {
            folder.value = picked;
            setFieldError("backup-folder", "");
            byId("save-auto-backup")?.focus();
          }
        } catch (error) {
          showFieldError(error, {}, "backup-folder");
        }
      },
    });
    const state = status.folder
      ? `On: last backup ${status.last_backup_at ? formatDateTime(status.last_backup_at) : "never"}.`
      : "Off: only the versions kept beside the vault exist.";
    fill(card,
      h("h3", { text: "Automatic backups" }),
      h("p", { class: "hint", text: "After changes, at most once a day, an encrypted copy of the vault goes to a folder you choose: a USB stick or a synced folder. That folder is a vault itself: it opens with your passphrase or your emergency kit." }),
      h("p", { id: "backup-state", text: state }),
      status.error ? h("p", { class: "field-error", id: "backup-last-error", text: sentence(`The last backup failed: ${status.error}`) }) : null,
      h("div", { class: "grid2" }, field("Folder", folder, "Choose it, or type its full path."), field("Earlier backups to keep", keep)),
      h(
        "div",
        { class: "actions" },
        choose,
        h("button", { type: "submit", id: "save-auto-backup", class: "secondary", text: status.folder ? "Save" : "Turn on" }),
        status.folder ? h("button", { type: "button", id: "auto-backup-off", class: "ghost", text: "Turn off", onclick: () => save("", status.keep) }) : null,
      ),
    );
  };
  const save = async (/** @type {string} */ folder, /** @type {number} */ keep) => {
    clearErrors(card);
    try {
      render(await api.setAutoBackup(folder, keep));
      toast(folder ? "Automatic backups are on; the first one is written." : "Automatic backups are off.");
    } catch (error) {
      showFieldError(error, { backup_keep: "backup-keep" }, "backup-folder");
    }
  };
  card.addEventListener("submit", (event) => {
    event.preventDefault();
    const folder = /** @type {HTMLInputElement} */ (card.querySelector("#backup-folder")).value.trim();
    const keep = /** @type {HTMLInputElement} */ (card.querySelector("#backup-keep")).valueAsNumber;
    if (!folder) {
      setFieldError("backup-folder", "Choose a folder, or type the full path of an existing one (e.g. /media/usb/sparekey-backup).");
      return;
    }
    if (!Number.isInteger(keep) || keep < 1 || keep > 1000) {
      setFieldError("backup-keep", "Use a whole number from 1 to 1000.");
      return;
    }
    save(folder, keep);
  });
  const ready = api.autoBackupStatus().then(render, (error) => fill(card, errorNote(error)));
  return { card, ready };
}
