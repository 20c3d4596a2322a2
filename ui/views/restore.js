// Getting a vault back. On the unlock screen, when vault.age is
// damaged: the backups in backups/ (time, accounts or why not) and
// "Restore the newest backup that opens". On the first-run screen: make the
// vault from an exported backup file.

import * as api from "../api.js";
import { h, field, fileField, setFieldError, clearErrors, add, swap } from "../lib/dom.js";
import { toast } from "../lib/toast.js";
import { errorMessage, errorNote, toastError } from "../lib/errors.js";
import { formatDateTime, plural, sentence } from "../lib/format.js";

/**
 * The offer shown under the unlock form when vault.age cannot be read.
 *
 * @param {any} app
 * @param {string} passphrase the passphrase just typed (it opened identity.age)
 * @param {string} problem core's message about the damaged file
 * @returns {HTMLElement}
 */
export function restoreOffer(app, passphrase, problem) {
  const list = h("ol", { class: "backups", id: "backup-list" });
  const restore = async (/** @type {string | null} */ path) => {
    try {
      const restored = await api.backupsRestore(passphrase, path);
      const name = restored.backup.split(/[\\/]/).pop();
      toast(`Restored ${name}. The damaged file was kept in the backups folder.`);
      app.setOverview(restored);
      app.enter();
    } catch (error) {
      toastError(error);
    }
  };
  const card = h(
    "section",
    { class: "card narrow restore-offer", id: "restore-offer", role: "alert" },
    h("h3", { text: "The vault file is damaged" }),
    h("p", { class: "hint", text: problem }),
    h("p", { text: "Sparekey keeps earlier versions of the vault. Restore the newest one that opens; the damaged file is kept aside, not deleted." }),
    h("div", { class: "actions" }, h("button", { type: "button", class: "primary", id: "restore-newest", text: "Restore the newest backup that opens", onclick: () => restore(null) })),
    h("h4", { text: "Backups" }),
    list,
  );
  api
    .backupsInspect(passphrase)
    .then((rows) => {
      if (!rows.length) {
        swap(list, h("p", { class: "warning", id: "backup-list", text: "There are no backups in this vault's backups folder." }));
        return;
      }
      add(list,
        ...rows.map((/** @type {any} */ row) =>
          h(
            "li",
            { class: row.error ? "bad" : "good" },
            h("span", { class: "when", text: row.modified ? formatDateTime(row.modified) : row.name }),
            h("span", { class: "what", text: row.error ? sentence(`does not open: ${row.error}`) : plural(row.accounts, "account") }),
            row.error ? null : h("button", { type: "button", class: "ghost", text: "Restore this one", onclick: () => restore(row.path) }),
          ),
        ),
      );
    })
    .catch((error) => swap(list, errorNote(error)));
  return card;
}

/**
 * First run: make the vault from an exported backup file. Back is the
 * create screen.
 *
 * @param {any} app
 * @param {string} dir the vault folder
 */
export function showRestoreFile(app, dir) {
  const view = app.screen("restore-file");
  const back = () => app.showCreate(dir);
  app.onBack = back;
  const file = /** @type {HTMLInputElement} */ (h("input", { type: "file", id: "restore-file", accept: ".age,application/octet-stream,text/plain" }));
  const backupPass = /** @type {HTMLInputElement} */ (h("input", { id: "restore-backup-passphrase", type: "password", autocomplete: "off" }));
  const pass = /** @type {HTMLInputElement} */ (h("input", { id: "restore-new-passphrase", type: "password", autocomplete: "new-password" }));
  const again = /** @type {HTMLInputElement} */ (h("input", { id: "restore-new-passphrase-again", type: "password", autocomplete: "new-password" }));
  const button = /** @type {HTMLButtonElement} */ (h("button", { type: "submit", class: "primary", id: "restore-file-submit", text: "Restore vault" }));
  const progress = h("p", { class: "progress", hidden: true }, h("span", { class: "spinner", "aria-hidden": "true" }), "Restoring…");
  const form = h(
    "form",
    { class: "card narrow", novalidate: true },
    h("h2", { text: "Restore from an exported backup" }),
    h("p", { class: "lead", text: "Choose a backup file exported from Sparekey, give the passphrase it was exported with, and choose the passphrase for the new vault." }),
    fileField("Choose the backup file…", file, "A .age file exported from Sparekey.", true),
    field("Backup passphrase", backupPass),
    h("div", { class: "grid2" }, field("New vault passphrase", pass), field("New passphrase again", again)),
    h("p", { class: "hint", text: `The vault will be saved in ${dir}.` }),
    h("div", { class: "actions" }, button, h("button", { type: "button", class: "ghost", text: "Back", onclick: back }), progress),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const chosen = file.files && file.files[0];
    if (!chosen) {
      setFieldError("restore-file", "Choose the backup file.");
      return;
    }
    if (pass.value !== again.value) {
      setFieldError("restore-new-passphrase-again", "The two passphrases are different.");
      return;
    }
    button.disabled = true;
    progress.hidden = false;
    try {
      await api.stageBackupFile(new Uint8Array(await chosen.arrayBuffer()));
      app.setOverview(await api.restoreExportedBackup(chosen.name, backupPass.value, pass.value));
      toast("Vault restored from the backup.");
      app.enter();
    } catch (error) {
      button.disabled = false;
      progress.hidden = true;
      const kind = error instanceof api.AppError ? error.kind : "";
      const target = kind === "wrong_backup_passphrase" || kind === "wrong_passphrase" ? "restore-backup-passphrase" : kind === "invalid_input" && error.field && error.field.includes("passphrase") ? "restore-new-passphrase" : "restore-file";
      setFieldError(target, errorMessage(error));
    }
  });
  add(view, form);
  file.focus();
}
