// Entry point of the UI: fills in the header and reports start-up problems.
// Text is only ever set through textContent and DOM APIs.

import { appVersion } from "./api.js";

/**
 * Shows a message in the status line.
 *
 * @param {string} text
 * @param {"info" | "error"} tone
 */
function showStatus(text, tone) {
  const status = document.getElementById("status");
  if (status) {
    status.textContent = text;
    status.dataset.tone = tone;
  }
}

async function start() {
  const version = document.getElementById("app-version");
  try {
    const value = await appVersion();
    if (version) {
      version.textContent = value;
      version.dataset.state = "ready";
    }
  } catch (error) {
    if (version) {
      version.textContent = "unknown";
      version.dataset.state = "error";
    }
    const message = error instanceof Error ? error.message : String(error);
    showStatus(`Could not read the version: ${message}`, "error");
  }
}

start();
