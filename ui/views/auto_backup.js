// Settings card: automatic encrypted backups to a folder (a USB stick, a
// synced folder). Core writes them after changes, at most daily, and checks
// the folder; this card only shows their state and turns them on or off.

import * as api from "../api.js";
import { h, field, setFieldError, clearErrors } from "../lib/dom.js";
import { toast } from "../lib/toast.js";
import { errorNote, showFieldError } from "../lib/errors.js";
import { formatDateTime } from "../lib/format.js";

/** @returns {HTMLElement} */
export function autoBackupCard() {
  const card = h("form", { class: "card", id: "auto-backup-form", novalidate: true });
  const render = (/** @type {any} */ status) => {
    const folder = /** @type {HTMLInputElement} */ (
      h("input", { id: "backup-folder", type: "text", spellcheck: "false", autocomplete: "off", placeholder: "/media/usb/sparekey-backup", value: status.folder ?? "" })
    );
    const keep = h("input", { id: "backup-keep", type: "number", min: "1", max: "1000", value: String(status.keep), inputmode: "numeric" });
    const state = status.folder
      ? `On: last backup ${status.last_backup_at ? formatDateTime(status.last_backup_at) : "never"}.`
      : "Off: only the versions kept beside the vault exist.";
    card.replaceChildren(
      h("h3", { text: "Automatic backups" }),
      h("p", { class: "hint", text: "After changes, at most once a day, an encrypted copy of the vault goes to a folder you choose: a USB stick or a synced folder. That folder is a vault itself: it opens with your passphrase or your emergency kit." }),
      h("p", { id: "backup-state", text: state }),
      status.error ? h("p", { class: "field-error", id: "backup-last-error", text: `The last backup failed: ${status.error}` }) : null,
      h("div", { class: "grid2" }, field("Folder (full path of an existing folder)", folder), field("Earlier backups to keep", keep)),
      h(
        "div",
        { class: "actions" },
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
      setFieldError("backup-folder", "Give the full path of an existing folder, e.g. /media/usb/sparekey-backup.");
      return;
    }
    if (!Number.isInteger(keep) || keep < 1 || keep > 1000) {
      setFieldError("backup-keep", "Use a whole number from 1 to 1000.");
      return;
    }
    save(folder, keep);
  });
  api.autoBackupStatus().then(render, (error) => card.replaceChildren(errorNote(error)));
  return card;
}
