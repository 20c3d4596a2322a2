// A live code on screen, in the list's rows and on an account's page: the
// code, its countdown and, in the last seconds, the next code (in a line
// kept empty until then, so nothing below it moves).

import { groupCode } from "./format.js";

/** Seconds before the end of a period when the next code is shown too. */
const NEXT_CODE_SECONDS = 7;

/**
 * The elements that show one account's code, and what they show now.
 *
 * @typedef {{row: HTMLElement, code: HTMLElement, next: HTMLElement,
 *   bar: HTMLElement, seconds: HTMLElement, key: string, last: string,
 *   lastNext: string, lastLeft: number}} RowParts
 */

/**
 * Updates one row's code, next code and countdown, touching only what changed.
 *
 * @param {RowParts} parts
 * @param {any} view a CodeView from Rust
 */
export function updateCode(parts, view) {
  if (parts.last !== view.code) {
    parts.last = view.code;
    parts.code.textContent = groupCode(view.code);
  }
  const left = view.seconds_left ?? 0;
  if (parts.lastLeft !== left) {
    parts.lastLeft = left;
    const period = view.period || 30;
    parts.bar.style.setProperty("--left", String(left / period));
    parts.bar.dataset.urgent = String(left <= NEXT_CODE_SECONDS);
    parts.seconds.textContent = `${left}s`;
    const showNext = left <= NEXT_CODE_SECONDS && Boolean(view.next_code);
    const nextText = showNext ? `next ${groupCode(view.next_code)}` : "";
    if (parts.lastNext !== nextText) {
      parts.lastNext = nextText;
      parts.next.textContent = nextText;
    }
  }
}
