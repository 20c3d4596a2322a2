// Export: an encrypted backup, or plaintext formats for other apps and for
// paper (each confirmed in a dialog that says it is plaintext). Rust writes
// the file to the path picked in the native save dialog; the page never gets
// file-system access and never sees the exported secrets.

import * as api from "../api.js";
import { h, field, fill, clearErrors, add } from "../lib/dom.js";
import { toast } from "../lib/toast.js";
import { showFieldError } from "../lib/errors.js";
import { plural, sentence } from "../lib/format.js";

/** Core field names → the input that shows the message. */
const FIELDS = {
  "backup passphrase": "export-passphrase",
  "backup passphrase again": "export-passphrase-again",
  account: "export-account",
};

/** @param {any} app */
export async function showExport(app) {
  const view = app.screen("export");
  app.onBack = () => app.showList();

  /** @type {any[]} */
  let formats = [];
  /** @type {{id: string, label: string}[]} */
  let choices = [];
  try {
    [formats, choices] = await Promise.all([api.exportFormats(), api.accountChoices()]);
  } catch (error) {
    app.fail(error);
    return;
  }

  const select = /** @type {HTMLSelectElement} */ (
    h("select", { id: "export-format" }, ...formats.map((f) => h("option", { value: f.id, text: f.label })))
  );
  const kind = h("p", { class: "export-kind", id: "export-kind" });
  const account = /** @type {HTMLSelectElement} */ (
    h("select", { id: "export-account" }, ...choices.map((a) => h("option", { value: a.id, text: a.display })))
  );
  const accountField = field("Account", account);
  const passphrase = /** @type {HTMLInputElement} */ (h("input", { id: "export-passphrase", type: "password", autocomplete: "new-password" }));
  const again = /** @type {HTMLInputElement} */ (h("input", { id: "export-passphrase-again", type: "password", autocomplete: "new-password" }));
  const passFields = h(
    "div",
    { class: "grid2" },
    field("Backup passphrase", passphrase, "You need it to restore the backup; Sparekey does not store it."),
    field("Repeat the backup passphrase", again),
  );
  const save = /** @type {HTMLButtonElement} */ (h("button", { type: "submit", id: "export-save", class: "primary", text: "Save…" }));
  const busy = h("p", { class: "progress", hidden: true }, h("span", { class: "spinner", "aria-hidden": "true" }), "Writing…");
  const result = h("section", { class: "card", id: "export-result", hidden: true, "aria-live": "polite" });
  const form = h(
    "form",
    { class: "card", id: "export-form", novalidate: true },
    h("h3", { text: "What to export" }),
    field("Format", select),
    kind,
    accountField,
    passFields,
    h("p", { class: "field-error", id: "export-error", role: "alert" }),
    h("div", { class: "actions" }, save),
    busy,
  );

  const confirmText = h("p", { id: "export-confirm-text" });
  const dialog = /** @type {HTMLDialogElement} */ (
    h(
      "dialog",
      { id: "export-confirm", "aria-labelledby": "export-confirm-title" },
      h("h3", { id: "export-confirm-title", text: "This file is not encrypted" }),
      confirmText,
      h(
        "form",
        { method: "dialog", class: "actions end" },
        h("button", { type: "submit", value: "cancel", class: "secondary", id: "export-confirm-cancel", autofocus: true, text: "Cancel" }),
        h("button", { type: "submit", value: "write", class: "danger", id: "export-confirm-write", text: "Write plaintext file" }),
      ),
    )
  );

  const current = () => formats.find((f) => f.id === select.value) || formats[0];
  const update = () => {
    const format = current();
    accountField.hidden = !format.per_account;
    passFields.hidden = format.id !== "backup";
    kind.dataset.tone = format.plaintext ? "plaintext" : "encrypted";
    kind.textContent = format.plaintext
      ? "Plaintext: anyone who gets this file can use the secrets in it."
      : "Encrypted with a passphrase of your choice (age). Restore it with Sparekey, or read it with the age tool.";
    result.hidden = true;
    clearErrors(form);
  };
  select.addEventListener("change", update);

  /** @param {boolean} confirmPlaintext */
  async function run(confirmPlaintext) {
    const format = current();
    clearErrors(form);
    busy.hidden = false;
    save.disabled = true;
    try {
      const done = await api.exportSave({
        format: format.id,
        accountId: format.per_account ? account.value : null,
        passphrase: format.id === "backup" ? passphrase.value : "",
        passphraseAgain: format.id === "backup" ? again.value : "",
        confirmPlaintext,
      });
      if (!done.saved) {
        toast("Nothing was saved.");
        return;
      }
      passphrase.value = "";
      again.value = "";
      showResult(format, done);
    } catch (error) {
      if (error instanceof api.AppError && error.kind === "needs_confirmation") {
        ask(format);
        return;
      }
      showFieldError(error, FIELDS, "export");
    } finally {
      busy.hidden = true;
      save.disabled = false;
    }
  }

  /** @param {any} format */
  function ask(format) {
    const who = format.per_account ? account.options[account.selectedIndex]?.text || "the account" : "every account";
    confirmText.textContent = `${format.label} holds the 2FA secrets${format.id === "recovery-sheet" ? " or recovery codes" : ""} of ${who} in PLAINTEXT. Anyone who reads the file, or a copy of it in a sync folder or a backup, can sign in as you. Keep it offline and delete it when you are done.`;
    dialog.showModal();
  }
  dialog.addEventListener("close", () => {
    if (dialog.returnValue === "write") {
      run(true);
    }
  });

  /** @param {any} format @param {any} done */
  function showResult(format, done) {
    const count = done.exported === null ? "" : ` ${plural(done.exported, "account")}`;
    fill(result,
      h("h3", { text: "Saved" }),
      h("p", { id: "export-saved" }, `Exported${count} to `, h("code", { class: "path", text: done.path || "" }), "."),
      format.plaintext ? h("p", { class: "warning", text: "This file is plaintext: keep it safe and delete it when you no longer need it." }) : null,
      done.skipped.length
        ? h(
            "div",
            { class: "import-group dup", id: "export-skipped" },
            h("h4", { text: `Left out (${done.skipped.length})` }),
            h("ul", { class: "import-rows" }, ...done.skipped.map((/** @type {any} */ s) => h("li", { class: "import-row" }, h("span", { class: "import-label", text: s.display }), h("span", { class: "import-why", text: sentence(s.reason) })))),
          )
        : null,
      ...done.notes.map((/** @type {string} */ note) => h("p", { class: "hint", text: sentence(note) })),
    );
    result.hidden = false;
    toast(`Saved ${done.path}`);
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const format = current();
    if (format.plaintext) {
      ask(format);
    } else {
      run(false);
    }
  });

  add(view,
    h(
      "div",
      { class: "page-head" },
      h("button", { type: "button", class: "ghost back", id: "back", onclick: () => app.showList(), text: "← Accounts" }),
      h("div", { class: "title-block" }, h("h2", { text: "Export" }), h("p", { class: "subtitle", text: "Back up the vault, move accounts to another app, or print them." })),
    ),
    form,
    result,
    dialog,
  );
  update();
  view.focus();
}
