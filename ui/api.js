// The only module that talks to the Rust side. Every other module imports
// these functions and never sees `invoke`, so the IPC surface is listed here
// in one place and matches the commands granted in
// src-tauri/capabilities/default.json.

/**
 * An error from the app, with a stable `kind` the UI may branch on
 * (for example "wrong_passphrase") and a message meant for the user.
 */
export class AppError extends Error {
  /**
   * @param {string} kind
   * @param {string} message
   */
  constructor(kind, message) {
    super(message);
    this.name = "AppError";
    this.kind = kind;
  }
}

/**
 * Calls a Tauri command and turns a rejected `{kind, message}` into a thrown
 * AppError, so callers use ordinary try/catch.
 *
 * @param {string} command
 * @param {Record<string, unknown>} [args]
 * @returns {Promise<unknown>}
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
    return new AppError(raw.kind, message);
  }
  // Tauri itself rejects with a plain string (unknown command, denied by a
  // capability, bad arguments).
  return new AppError("ipc", String(raw));
}

/**
 * The app's version, e.g. "0.1.0".
 *
 * @returns {Promise<string>}
 */
export async function appVersion() {
  const version = await call("app_version");
  return String(version);
}
