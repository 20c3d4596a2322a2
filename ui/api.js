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
  "kit_create",
  "kit_verify",
  "kit_set_passphrase",
  "import_confirm",
  "export_save",
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
 * @returns {Promise<Overview>}
 */
export const listAccounts = (search, sort, limit) => call("list_accounts", { search, sort, limit });

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

export const recoverySave = (id, text, replace) => call("recovery_save", { id, text, replace });

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
export const recoveryRequestForm = () => call("recovery_request_form");

/** Drafts PyPI's account-recovery request. */
export const recoveryRequest = (username, reason) =>
  call("recovery_request", { username, reason });

/** Copies the drafted request from Rust (not cleared: a draft is no secret). */
export const copyRecoveryRequest = (username, reason) =>
  call("copy_recovery_request", { username, reason });

export const kitStatus = () => call("kit_status");

/**
 * Makes the emergency kit (with `replace`, a new one in place of the
 * current, which stops working); its key comes back this once, to print.
 *
 * @param {boolean} replace
 */
export const kitCreate = (replace) => call("kit_create", { replace });

export const kitVerify = (text) => call("kit_verify", { text });

/**
 * Saves the kit just made (its text, from kitCreate) to a file picked in the
 * native save dialog; only the vault's current kit is written.
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
