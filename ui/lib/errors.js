// How an error reaches the user. Rust rejects a command with {kind,
// message, field} and api.js throws it as an AppError; a view shows its
// message under the input `field` names, in place of what failed to load,
// or in a toast. Text only ever goes in through textContent.

import { AppError } from "../api.js";
import { h, setFieldError } from "./dom.js";
import { toast } from "./toast.js";
import { sentence } from "./format.js";

/**
 * The text to show for anything thrown, as a sentence: an AppError's
 * message is meant for the user; Tauri's own refusals are bare phrases.
 *
 * @param {unknown} error
 * @returns {string}
 */
export function errorMessage(error) {
  return sentence(error instanceof Error ? error.message : String(error));
}

/** Shows an error in a toast. @param {unknown} error */
export function toastError(error) {
  toast(errorMessage(error), "error");
}

/**
 * A paragraph that shows an error where something failed to load.
 *
 * @param {unknown} error
 * @returns {HTMLElement}
 */
export function errorNote(error) {
  return h("p", { class: "field-error", text: errorMessage(error) });
}

/**
 * Shows an error under the input that the error's `field` stands for.
 *
 * @param {unknown} error
 * @param {Record<string, string>} fields core's field name → input id
 * @param {string} fallback the input id when the field is none of those
 * @returns {string} the id of the input that shows the error
 */
export function showFieldError(error, fields, fallback) {
  const field = error instanceof AppError && error.field ? error.field : "";
  const target = Object.hasOwn(fields, field) ? fields[field] : fallback;
  setFieldError(target, errorMessage(error));
  return target;
}
