// Settings that travel with the vault (auto-lock, clipboard delay) and
// changing the passphrase.

import * as api from "../api.js";
import { h, field, setFieldError, clearErrors } from "../lib/dom.js";
import { toast } from "../lib/toast.js";
import { errorMessage } from "../lib/errors.js";
import { showStrength } from "../lib/passphrase.js";
import { kitCard } from "./kit.js";
import { autoBackupCard } from "./auto_backup.js";

/** @param {any} app */
export function showSettings(app) {
  const view = app.screen("settings");
  app.onBack = () => app.showList();
  const autoLock = h("input", { id: "setting-auto-lock", type: "number", min: "0", max: "1440", value: String(app.settings.auto_lock_minutes), inputmode: "numeric" });
  const clipboard = h("input", { id: "setting-clipboard", type: "number", min: "0", max: "3600", value: String(app.settings.clipboard_clear_seconds), inputmode: "numeric" });
  const settingsForm = h(
    "form",
    { class: "card", id: "settings-form", novalidate: true },
    h("h3", { text: "Security" }),
    h("div", { class: "grid2" }, field("Lock after idle (minutes)", autoLock, "0 never locks."), field("Clear copied codes after (seconds)", clipboard, "0 never clears.")),
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
      app.settings = await api.saveSettings({ auto_lock_minutes: minutes, clipboard_clear_seconds: seconds });
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

  view.append(
    h(
      "div",
      { class: "page-head" },
      h("button", { type: "button", class: "ghost back", id: "back", onclick: () => app.showList(), text: "← Accounts" }),
      h("h2", { text: "Settings" }),
    ),
    settingsForm,
    passForm,
    kitCard(app),
    autoBackupCard(),
  );
  autoLock.focus();
}
