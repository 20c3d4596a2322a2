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
  const tauri = window.__TAURI__;
  if (!tauri || !tauri.core || typeof tauri.core.invoke !== "function") {
    throw new AppError("no_backend", "Sparekey's window is not connected to the app.");
  }
  try {
    return await tauri.core.invoke(command, args);
  } catch (raw) {
    throw toAppError(raw);
  }
}

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

/** @returns {Promise<{accounts: any[], settings: {auto_lock_minutes: number, clipboard_clear_seconds: number}}>} */
export const listAccounts = () => call("list_accounts");

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
