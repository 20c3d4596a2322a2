// The only module that talks to the Rust side. Every other module imports
// these functions and never sees `invoke`, so the IPC surface is listed here
// in one place and matches the commands granted in
// src-tauri/capabilities/default.json.

/**
 * An error from the app, with a stable `kind` the UI may branch on
 * (for example "wrong_passphrase"), the `field` that is wrong for
 * "invalid_input", and a message meant for the user.
 */
export class AppError extends Error {
  /**
   * @param {string} kind
   * @param {string} message
   * @param {string | null} [field]
   */
  constructor(kind, message, field = null) {
    super(message);
    this.name = "AppError";
    this.kind = kind;
    this.field = field;
  }
}

/**
 * Calls a Tauri command and turns a rejected `{kind, message}` into a thrown
 * AppError, so callers use ordinary try/catch.
 *
 * @param {string} command
 * @param {Record<string, unknown> | Uint8Array} [args]
 * @returns {Promise<any>}
 */
async function call(command, args) {
  // Tauri's own IPC entry, in every Tauri 2 page (@tauri-apps/api's
  // `invoke` calls it). The global API (`withGlobalTauri`) stays off: it is
  // a script of every plugin's bindings the page would parse and keep, 0.5
  // MiB of WebKit's memory, for the one function used here.
  const tauri = window.__TAURI_INTERNALS__;
  if (!tauri || typeof tauri.invoke !== "function") {
    throw new AppError("no_backend", "Sparekey's window is not connected to the app.");
  }
  let result;
  try {
    result = await tauri.invoke(command, args);
  } catch (raw) {
    throw toAppError(raw);
  }
  if (CHANGES_VAULT.has(command)) {
    window.dispatchEvent(new Event(VAULT_CHANGED));
  }
  return result;
}

/**
 * The event the window hears after a command changed the vault, so that
 * what counts (the header's health badge, an account's guide progress)
 * never shows the state before the change.
 */
export const VAULT_CHANGED = "sparekey:vault-changed";

/** The commands that change the vault's content when they succeed. */
const CHANGES_VAULT = new Set([
  "add_account",
  "add_from_qr",
  "update_account",
  "delete_account",
  "copy_code",
  "recovery_save",
  "recovery_use_next",
  "recovery_unuse",
  "save_settings",
  "guide_check",
  "guide_uncheck",
  "set_auto_backup",
  "kit_commit",
  "kit_verify",
  "kit_set_passphrase",
  "import_confirm",
  "export_save",
  "ways_save",
  "ways_check_phone",
  "ways_check_sheet",
  "account_set_tags",
  "account_set_pinned",
]);

/**
 * @param {unknown} raw what invoke rejected with
 * @returns {AppError}
 */
function toAppError(raw) {
  if (raw instanceof AppError) {
    return raw;
  }
  if (raw && typeof raw === "object" && typeof raw.kind === "string") {
    const message = typeof raw.message === "string" ? raw.message : raw.kind;
    const field = typeof raw.field === "string" ? raw.field : null;
    return new AppError(raw.kind, message, field);
  }
  // Tauri itself rejects with a plain string (unknown command, denied by a
  // capability, bad arguments).
  return new AppError("ipc", String(raw));
}

/**
 * What the last changes merged from a sync tool's conflict copies, once.
 *
 * @returns {Promise<{warning: boolean, text: string}[]>}
 */
export async function takeMergeNotes() {
  return call("take_merge_notes");
}

/** @returns {Promise<string>} the app's version, e.g. "0.1.0" */
export async function appVersion() {
  return String(await call("app_version"));
}

/** @returns {Promise<{exists: boolean, unlocked: boolean, dir: string}>} */
export const vaultStatus = () => call("vault_status");

/** @param {string} passphrase */
export const createVault = (passphrase) => call("create_vault", { passphrase });

/** @param {string} passphrase */
export const unlock = (passphrase) => call("unlock", { passphrase });

export const lock = () => call("lock");

/** Tells the auto-lock timer the user is active. */
export const touch = () => call("touch");

/**
 * @typedef {{accounts: any[], matching: number, total: number, codes: any[]}} AccountList
 * @typedef {{list: AccountList, settings: {auto_lock_minutes: number, clipboard_clear_seconds: number}}} Overview
 */

/**
 * One page of the account list (searched and sorted in Rust) and the settings.
 *
 * @param {string} search words that must all occur in issuer, name or tags
 * @param {"issuer" | "newest"} sort
 * @param {number} limit
 * @param {string} [tag] only accounts with this tag
 * @returns {Promise<Overview>}
 */
export const listAccounts = (search, sort, limit, tag = "") => call("list_accounts", { search, sort, limit, tag: tag || null });

/** One account's summary (for its page). */
export const accountSummary = (id) => call("account_summary", { id });

/** @returns {Promise<{id: string, label: string}[]>} every account, in list order */
export const accountChoices = () => call("account_choices");

/**
 * Live codes of the accounts on screen; `changed` says the vault changed on disk.
 *
 * @param {string[]} ids
 * @returns {Promise<{changed: boolean, now: number, codes: any[]}>}
 */
export const codes = (ids) => call("codes", { ids });

/** Copies an account's code (from Rust); HOTP takes and saves the next counter. */
export const copyCode = (id) => call("copy_code", { id });

/** @param {Record<string, unknown>} account */
export const addAccount = (account) => call("add_account", { account });

/** @param {Uint8Array} bytes an image file holding QR codes */
export const addFromQr = (bytes) => call("add_from_qr", bytes);

/**
 * Reads the one QR code the screen shows (another window), in memory.
 * @returns {Promise<{issuer: string, name: string, secret: string, kind: string, algorithm: string, digits: number, period: number|null, counter: number|null, notes: string[]}>}
 */
export const scanScreen = () => call("scan_screen");

/** @param {string} id @param {{issuer: string, name: string, note: string}} edit */
export const updateAccount = (id, edit) => call("update_account", { id, edit });

export const deleteAccount = (id) => call("delete_account", { id });

/** @returns {Promise<string>} the base32 secret (explicit reveal only) */
export const revealSecret = (id) => call("reveal_secret", { id });

/** @returns {Promise<string>} an SVG document of the account's QR code */
export const accountQr = (id) => call("account_qr", { id });

export const recoveryList = (id, reveal) => call("recovery_list", { id, reveal });

/**
 * Saves pasted codes. `generated` is the day the service made them
 * (YYYY-MM-DD; "" for the time in a PyPI download's `fileName`, else today).
 */
export const recoverySave = (id, text, replace, generated = "", fileName = null) =>
  call("recovery_save", { id, text, replace, generated, fileName });

export const recoveryUseNext = (id) => call("recovery_use_next", { id });

export const recoveryUnuse = (id, number) => call("recovery_unuse", { id, number });

/** @param {{auto_lock_minutes: number, clipboard_clear_seconds: number}} settings */
export const saveSettings = (settings) => call("save_settings", { settings });

export const changePassphrase = (current, next) =>
  call("change_passphrase", { current, new: next });

// ---- Guides, "I'm locked out", emergency kit, backups ----------------------

/** The opener plugin's command; the capability allows only https:// URLs. */
const OPEN_URL = "plugin:opener|open_url";

/**
 * Opens an https:// link in the system browser (never inside the app).
 *
 * @param {string} url
 */
export async function openUrl(url) {
  if (typeof url !== "string" || !url.startsWith("https://")) {
    throw new AppError("invalid_input", "Only https:// links open in the browser.");
  }
  return call(OPEN_URL, { url });
}

/** @returns {Promise<any[]>} every guide as lists show it */
export const guidesList = () => call("guides_list");

/**
 * A guide evaluated for an account (or for none; works while locked).
 *
 * @param {string} guideId
 * @param {string | null} [accountId]
 */
export const guideView = (guideId, accountId = null) =>
  call("guide_view", { guideId, accountId });

/** The account's prevent guide, evaluated. */
export const accountGuide = (accountId) => call("account_guide", { accountId });

/** The accounts a guide is written for. */
export const guideAccounts = (guideId) => call("guide_accounts", { guideId });

/** Marks a manual step done today (optional note); returns the guide again. */
export const guideCheck = (guideId, stepId, accountId, note) =>
  call("guide_check", { guideId, stepId, accountId, note: note || null });

export const guideUncheck = (guideId, stepId, accountId) =>
  call("guide_uncheck", { guideId, stepId, accountId });

/** @returns {Promise<{state: string, message: string}>} */
export const clockStatus = () => call("clock_status");

/** @returns {Promise<{reasons: string[], form_url: string}>} */
export const recoveryRequestForm = (accountId = null) => call("recovery_request_form", { accountId });

/**
 * Drafts PyPI's account-recovery request.
 *
 * @param {{accountId: string | null, username: string, reason: string, mailboxGone: boolean}} answers
 */
export const recoveryRequest = (answers) => call("recovery_request", { answers });

/**
 * Copies the drafted request from Rust (not cleared: a draft is no secret).
 *
 * @param {{accountId: string | null, username: string, reason: string, mailboxGone: boolean}} answers
 */
export const copyRecoveryRequest = (answers) => call("copy_recovery_request", { answers });

export const kitStatus = () => call("kit_status");

/**
 * Makes the emergency kit (with `replace`, a new one to take the current
 * one's place); its key comes back this once, to print or save. It is not
 * in force until kitCommit: the current kit keeps working meanwhile.
 *
 * @param {boolean} replace
 */
export const kitCreate = (replace) => call("kit_create", { replace });

/** Puts the kit from kitCreate in force (a kit it replaces stops working). */
export const kitCommit = () => call("kit_commit");

/** Forgets the kit from kitCreate; nothing changes. */
export const kitDiscard = () => call("kit_discard");

export const kitVerify = (text) => call("kit_verify", { text });

/**
 * Saves the kit just made (its text, from kitCreate) to a file picked in the
 * native save dialog; only that kit (or the vault's current one) is written.
 *
 * @param {string} text
 * @returns {Promise<{saved: boolean, path: string | null}>}
 */
export const kitSave = (text) => call("kit_save", { text });

export const unlockWithKit = (text) => call("unlock_with_kit", { text });

/** @param {Uint8Array} bytes an image of the kit's QR code */
export const unlockWithKitImage = (bytes) => call("unlock_with_kit_image", bytes);

export const kitSetPassphrase = (passphrase) => call("kit_set_passphrase", { passphrase });

export const backupsInspect = (passphrase) => call("backups_inspect", { passphrase });

/** @param {string} passphrase @param {string | null} path null: the newest that opens */
export const backupsRestore = (passphrase, path) => call("backups_restore", { passphrase, path });

/** @param {Uint8Array} bytes an exported backup file */
export const stageBackupFile = (bytes) => call("stage_backup_file", bytes);

export const restoreExportedBackup = (name, backupPassphrase, newPassphrase) =>
  call("restore_exported_backup", { name, backupPassphrase, newPassphrase });

// ---- Import, export, health -------------------------------------------------

/** @returns {Promise<any[]>} core's import formats (id, label, password, reads, extensions, hint) */
export const importFormats = () => call("import_formats");

/** Starts a new import of `format` (forgets any earlier one). */
export const importBegin = (format) => call("import_begin", { format });

/**
 * Adds one input (file bytes, UTF-8 text or an image) to the import.
 *
 * @param {Uint8Array} bytes
 * @returns {Promise<{sources: number, encrypted: boolean}>}
 */
export const importAdd = (bytes) => call("import_add", bytes);

/** The preview (no secrets); `password` only for encrypted exports. */
export const importPreview = (password) => call("import_preview", { password: password || null });

/** Adds the previewed accounts in one save. */
export const importConfirm = () => call("import_confirm");

export const importCancel = () => call("import_cancel");

/** @returns {Promise<any[]>} core's export formats (id, label, plaintext, per_account, extension) */
export const exportFormats = () => call("export_formats");

/**
 * Writes an export to a file chosen in the native save dialog.
 *
 * @param {{format: string, accountId?: string | null, passphrase?: string, passphraseAgain?: string, confirmPlaintext?: boolean}} request
 * @returns {Promise<{saved: boolean, path: string | null, exported: number | null, skipped: any[], notes: string[]}>}
 */
export const exportSave = (request) => call("export_save", { request });

/** @returns {Promise<{checked_at: number, clock: string, findings: any[], counts: {critical: number, warning: number, notice: number}}>} */
export const healthReport = () => call("health_report");

/**
 * How many lockout risks of each severity (for the header badge).
 *
 * @returns {Promise<{critical: number, warning: number, notice: number}>}
 */
export const healthCounts = () => call("health_counts");

// ---- Automatic backups to a folder (Settings) ----

/** The folder, how many are kept, the last backup and any failure. */
export const autoBackupStatus = () => call("auto_backup_status");
/** On (folder = full path of an existing folder) or off (folder = ""). */
export const setAutoBackup = (folder, keep) => call("set_auto_backup", { folder, keep });
/** @returns {Promise<string | null>} a folder picked in the native dialog, null if cancelled */
export const chooseBackupFolder = () => call("choose_backup_folder");

// ---- Ways back in, tags and pins ---------------------------------------------

/** An account's ways back in (core's WaysView). */
export const waysView = (id) => call("ways_view", { id });

/** Saves an account's whole inventory of ways back in. */
export const waysSave = (id, ways) => call("ways_save", { id, ways });

/** "Check my phone": the code another authenticator shows. */
export const waysCheckPhone = (id, code, device) => call("ways_check_phone", { id, code, device: device || null });

/** A printed sheet: one unused code from it (it stays unused). */
export const waysCheckSheet = (id, code) => call("ways_check_sheet", { id, code });

/** Sets an account's tags. */
export const accountSetTags = (id, tags) => call("account_set_tags", { id, tags });

/** Pins or unpins an account. */
export const accountSetPinned = (id, pinned) => call("account_set_pinned", { id, pinned });

/** The recovery graph (core's Graph). */
export const recoveryGraph = () => call("recovery_graph");
