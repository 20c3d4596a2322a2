// The emergency kit's screens: the printable kit page shown once
// after creating it (its card is in Settings), and on the unlock screen
// "Open with emergency kit" followed by a new passphrase. The key reaches
// this page only on "Create" (to print it) and when the user types or
// pastes it.

import * as api from "../api.js";
import { h, field, setFieldError, clearErrors, add } from "../lib/dom.js";
import { toast } from "../lib/toast.js";
import { errorMessage, toastError } from "../lib/errors.js";
import { formatDateTime } from "../lib/format.js";
import { showStrength } from "../lib/passphrase.js";

/**
 * The printable kit, shown once: leaving the page forgets the key. It comes
 * into force only when the user says it is printed or saved ("I have it"),
 * so the vault never depends on a kit nobody has; leaving without that
 * changes nothing.
 *
 * @param {any} app
 * @param {any} kit a NewKit
 */
export function showKitPage(app, kit) {
  const view = app.screen("kit");
  const leave = async () => {
    try {
      await api.kitDiscard();
    } catch {
      // Locked meanwhile: the kit is forgotten anyway.
    }
    app.showSettings();
  };
  const done = async () => {
    try {
      await api.kitCommit();
      toast("The new kit is in force: it opens the vault and every backup.");
      app.showSettings();
    } catch (error) {
      toastError(error);
    }
  };
  app.onBack = leave;
  const command = `age -d -i kit.txt ${kit.vault_file}`;
  const saved = h("p", { class: "hint no-print", id: "kit-saved", role: "status" });
  // The file is the kit too: Rust writes it (private to you) where you choose.
  const save = async () => {
    try {
      const result = await api.kitSave(kit.text);
      if (result.saved) {
        saved.textContent = `Saved as ${result.path}. Keep that file off this computer (on a USB stick, say), like the printout.`;
      } else {
        toast("Nothing was saved.");
      }
    } catch (error) {
      toastError(error);
    }
  };
  add(view,
    h(
      "div",
      { class: "page-head no-print" },
      h("h2", { text: "Your emergency kit" }),
    ),
    h(
      "div",
      { class: "warning no-print", role: "note" },
      h("strong", { text: "Print it or save it now, then confirm. " }),
      "This key is shown only this once; Sparekey does not keep it. It opens the vault only once you confirm you have it (until then any current kit keeps working). Anyone holding it can open your vault: store it like a passport.",
    ),
    h(
      "div",
      { class: "actions no-print" },
      h("button", { type: "button", class: "secondary", id: "kit-print", text: "Print", onclick: () => window.print() }),
      h("button", { type: "button", class: "secondary", id: "kit-save", text: "Save as file…", onclick: save }),
      h("button", { type: "button", class: "primary", id: "kit-done", text: "I have it: put this kit in force", onclick: done }),
      h("button", { type: "button", class: "ghost", id: "kit-cancel", text: "Cancel", onclick: leave }),
    ),
    saved,
    h(
      "article",
      { class: "kit-page", id: "kit-page" },
      h("h2", { text: "Sparekey emergency kit" }),
      h("p", { text: "Sparekey is a desktop vault for 2FA secrets and recovery codes, encrypted with age. This sheet opens the vault if the passphrase is lost." }),
      h(
        "dl",
        { class: "kit-facts" },
        h("dt", { text: "Made" }),
        h("dd", { id: "kit-date", text: formatDateTime(kit.created_at) }),
        h("dt", { text: "Vault folder" }),
        h("dd", {}, h("code", { id: "kit-dir", text: kit.dir })),
      ),
      h("div", { class: "kit-key-block" }, h("img", { id: "kit-qr", class: "kit-qr", alt: "QR code of the emergency key", src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(kit.qr_svg)}` }), h("pre", { class: "kit-key", id: "kit-key", text: kit.text })),
      h("h3", { text: "To open the vault with this kit" }),
      h(
        "ol",
        {},
        h("li", { text: "In Sparekey: on the unlock screen choose \"Open with emergency kit\", type the AGE-SECRET-KEY-1 line or show the QR code to a camera and choose the photo, then set a new passphrase." }),
        h("li", {}, "Without Sparekey: put the AGE-SECRET-KEY-1 line in a file kit.txt (or use the file \"Save as file…\" wrote) and run ", h("code", { id: "kit-command", text: command }), " with the age tool (age-encryption.org)."),
      ),
    ),
  );
  view.focus();
}

/**
 * "Open with emergency kit" on the unlock screen.
 *
 * @param {any} app
 */
export function showKitUnlock(app) {
  const view = app.screen("kit-unlock");
  const back = () => app.showUnlock();
  app.onBack = back;
  const text = /** @type {HTMLTextAreaElement} */ (h("textarea", { id: "kit-text", rows: "3", spellcheck: "false", autocomplete: "off", placeholder: "AGE-SECRET-KEY-1…" }));
  const image = /** @type {HTMLInputElement} */ (h("input", { type: "file", id: "kit-image", class: "sr-only", accept: "image/png,image/jpeg" }));
  const progress = h("p", { class: "progress", hidden: true }, h("span", { class: "spinner", "aria-hidden": "true" }), "Opening…");
  const opened = (/** @type {any} */ overview) => {
    app.setOverview(overview);
    showNewPassphrase(app);
  };
  image.addEventListener("change", async () => {
    const file = image.files && image.files[0];
    if (!file) return;
    clearErrors(form);
    progress.hidden = false;
    try {
      opened(await api.unlockWithKitImage(new Uint8Array(await file.arrayBuffer())));
    } catch (error) {
      setFieldError("kit-text", errorMessage(error));
    } finally {
      progress.hidden = true;
      image.value = "";
    }
  });
  const form = h(
    "form",
    { class: "card narrow", novalidate: true },
    h("h2", { text: "Open with emergency kit" }),
    h("p", { class: "lead", text: "Type or paste the key printed on your emergency kit (the AGE-SECRET-KEY-1 line), or choose a photo of its QR code. Then you will set a new passphrase." }),
    field("Kit key", text),
    h(
      "div",
      { class: "actions" },
      h("button", { type: "submit", class: "primary", id: "kit-open", text: "Open vault" }),
      h("label", { class: "file-button secondary" }, "Choose QR photo…", image),
      h("button", { type: "button", class: "ghost", id: "kit-back", text: "Back", onclick: back }),
      progress,
    ),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    if (!text.value.trim()) {
      setFieldError("kit-text", "Type or paste the key from your kit.");
      return;
    }
    progress.hidden = false;
    try {
      opened(await api.unlockWithKit(text.value));
    } catch (error) {
      setFieldError("kit-text", errorMessage(error));
    } finally {
      progress.hidden = true;
    }
  });
  add(view, form);
  text.focus();
}

/**
 * After opening with the kit: a new passphrase is required before going on.
 *
 * @param {any} app
 */
function showNewPassphrase(app) {
  const view = app.screen("kit-reset");
  app.onBack = null;
  const pass = /** @type {HTMLInputElement} */ (h("input", { id: "reset-passphrase", type: "password", autocomplete: "new-password" }));
  const again = /** @type {HTMLInputElement} */ (h("input", { id: "reset-passphrase-again", type: "password", autocomplete: "new-password" }));
  const hint = h("p", { class: "hint strength", "aria-live": "polite" });
  showStrength(pass, hint);
  const button = /** @type {HTMLButtonElement} */ (h("button", { type: "submit", class: "primary", id: "reset-save", text: "Set passphrase and continue" }));
  const progress = h("p", { class: "progress", hidden: true }, h("span", { class: "spinner", "aria-hidden": "true" }), "Saving…");
  const form = h(
    "form",
    { class: "card narrow", novalidate: true },
    h("h2", { text: "Set a new passphrase" }),
    h("p", { class: "lead", text: "The kit opened the vault. Choose a new passphrase now: the old one stops working, and your kit keeps working." }),
    field("New passphrase", pass),
    hint,
    field("New passphrase again", again),
    h("div", { class: "actions" }, button, progress),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    if (pass.value !== again.value) {
      setFieldError("reset-passphrase-again", "The two passphrases are different.");
      return;
    }
    button.disabled = true;
    progress.hidden = false;
    try {
      await api.kitSetPassphrase(pass.value);
      toast("New passphrase set. Use it from now on.");
      app.enter();
    } catch (error) {
      button.disabled = false;
      progress.hidden = true;
      setFieldError("reset-passphrase", errorMessage(error));
    }
  });
  add(view, form);
  pass.focus();
}
