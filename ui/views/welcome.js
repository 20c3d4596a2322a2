// The first screens: create a vault (first run) and unlock it. The KDF takes
// about a second, so both show progress while Rust works off the UI thread.
// The app loads this module at start: it imports no other screen's module
// (the kit, the restore screens and "I'm locked out" come through App).

import * as api from "../api.js";
import { h, field, setFieldError, clearErrors, add, addAfter } from "../lib/dom.js";
import { errorMessage } from "../lib/errors.js";
import { showStrength } from "../lib/passphrase.js";

/**
 * @param {HTMLButtonElement} button
 * @param {HTMLElement} progress
 * @param {boolean} busy
 */
function setBusy(button, progress, busy) {
  button.disabled = busy;
  progress.hidden = !busy;
  button.closest("form")?.setAttribute("aria-busy", String(busy));
}

/**
 * @param {any} app
 * @param {string} dir the vault folder, shown so the user knows where it lives
 */
export function showCreate(app, dir) {
  const view = app.screen("create");
  const pass = h("input", { id: "new-passphrase", type: "password", autocomplete: "new-password", required: true });
  const again = h("input", { id: "new-passphrase-again", type: "password", autocomplete: "new-password", required: true });
  const meter = h("div", { class: "meter", "aria-hidden": "true" }, h("span"));
  const hint = h("p", { id: "strength", class: "hint strength", "aria-live": "polite" });
  const button = /** @type {HTMLButtonElement} */ (h("button", { id: "create-vault", type: "submit", class: "primary", text: "Create vault" }));
  const progress = h("p", { class: "progress", hidden: true }, h("span", { class: "spinner", "aria-hidden": "true" }), "Creating your vault…");

  showStrength(/** @type {HTMLInputElement} */ (pass), hint, meter);

  const form = h(
    "form",
    { class: "card narrow", novalidate: true },
    h("h2", { text: "Create your vault" }),
    h("p", { class: "lead", text: "Sparekey keeps your 2FA secrets and recovery codes on this computer, encrypted with a passphrase only you know." }),
    field("Passphrase", pass),
    meter,
    hint,
    field("Passphrase again", again),
    h(
      "div",
      { class: "warning", role: "note" },
      h("strong", { text: "There is no password reset. " }),
      "If you forget this passphrase, nobody can open the vault, not even with Sparekey's help, unless you have made an emergency kit. Write it down and keep it somewhere safe.",
    ),
    h("p", { class: "hint", text: `The vault will be saved in ${dir}.` }),
    h("div", { class: "actions" }, button, progress),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const first = /** @type {HTMLInputElement} */ (pass).value;
    const second = /** @type {HTMLInputElement} */ (again).value;
    if (!first.trim()) {
      setFieldError("new-passphrase", "Choose a passphrase.");
      pass.focus();
      return;
    }
    if (first !== second) {
      setFieldError("new-passphrase-again", "The two passphrases are different. Type the same one twice.");
      again.focus();
      return;
    }
    setBusy(button, progress, true);
    try {
      app.setOverview(await api.createVault(first));
      app.enter();
    } catch (error) {
      setBusy(button, progress, false);
      if (error instanceof api.AppError && error.kind === "invalid_input") {
        setFieldError("new-passphrase", errorMessage(error));
      } else {
        app.fail(error);
      }
    }
  });
  add(view,
    form,
    h(
      "div",
      { class: "card narrow alt-actions" },
      h("button", { type: "button", class: "ghost", id: "restore-file-link", text: "Restore from an exported backup file…", onclick: () => app.showRestoreFile(dir) }),
    ),
  );
  pass.focus();
}

/**
 * @param {any} app
 * @param {string} [reason] why the vault is locked (auto-lock), shown calmly
 */
export function showUnlock(app, reason) {
  const view = app.screen("unlock");
  const pass = h("input", { id: "passphrase", type: "password", autocomplete: "current-password", required: true });
  const button = /** @type {HTMLButtonElement} */ (h("button", { id: "unlock", type: "submit", class: "primary", text: "Unlock" }));
  const progress = h("p", { class: "progress", hidden: true }, h("span", { class: "spinner", "aria-hidden": "true" }), "Unlocking…");
  const form = h(
    "form",
    { class: "card narrow unlock", novalidate: true },
    h("div", { class: "lock-mark", "aria-hidden": "true" }),
    h("h2", { text: "Unlock your vault" }),
    reason ? h("p", { class: "hint", id: "lock-reason", text: reason }) : null,
    field("Passphrase", pass),
    h("div", { class: "actions" }, button, progress),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const value = /** @type {HTMLInputElement} */ (pass).value;
    if (!value) {
      setFieldError("passphrase", "Type your passphrase.");
      return;
    }
    setBusy(button, progress, true);
    performance.clearMarks("unlock:submit");
    performance.mark("unlock:submit"); // read by scripts/bench
    try {
      app.setOverview(await api.unlock(value));
      performance.clearMarks("unlock:data");
      performance.mark("unlock:data"); // read by scripts/bench
      app.enter();
    } catch (error) {
      setBusy(button, progress, false);
      if (error instanceof api.AppError && error.kind === "wrong_passphrase") {
        setFieldError("passphrase", errorMessage(error));
        /** @type {HTMLInputElement} */ (pass).select();
        pass.focus();
      } else if (error instanceof api.AppError && error.kind === "corrupt") {
        // vault.age is damaged: offer the newest backup that opens.
        const offer = await app.restoreOffer(value, error.message);
        if (offer) {
          document.getElementById("restore-offer")?.remove();
          addAfter(form, offer);
        }
      } else {
        setFieldError("passphrase", errorMessage(error));
      }
    }
  });
  add(view,
    form,
    h(
      "div",
      { class: "card narrow alt-actions" },
      h("button", { type: "button", class: "ghost", id: "kit-unlock-link", text: "Open with emergency kit…", onclick: () => app.showKitUnlock() }),
      h("button", { type: "button", class: "ghost", id: "locked-out-link", text: "Locked out of an account?", onclick: () => app.showLockout() }),
    ),
  );
  pass.focus();
}
