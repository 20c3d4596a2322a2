// How dates, counts, codes, secrets and messages read on screen.

/**
 * The locale dates are written in, or null for ISO 8601 (2026-11-24): a C
 * or POSIX locale (LANG=C.UTF-8) names no country, and WebKit would write
 * US dates for it.
 *
 * @returns {string | null}
 */
function dateLocale() {
  const language = navigator.language || "";
  const resolved = new Intl.DateTimeFormat().resolvedOptions().locale;
  if (/^(c|posix)([._@-]|$)/i.test(language) || /-u-.*va-posix/.test(resolved)) {
    return null;
  }
  return resolved;
}

const two = (/** @type {number} */ n) => String(n).padStart(2, "0");

/** @param {Date} d */
const isoDate = (d) => `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`;

/**
 * A date without the time, in the user's locale (ISO under a C locale);
 * "" for none.
 *
 * @param {number | null | undefined} secs Unix seconds
 */
export function formatDate(secs) {
  if (!secs) {
    return "";
  }
  const date = new Date(secs * 1000);
  const locale = dateLocale();
  return locale ? date.toLocaleDateString(locale) : isoDate(date);
}

/**
 * A date and time in the user's locale (ISO under a C locale); "" for none.
 *
 * @param {number | null | undefined} secs Unix seconds
 */
export function formatDateTime(secs) {
  if (!secs) {
    return "";
  }
  const date = new Date(secs * 1000);
  const locale = dateLocale();
  if (locale) {
    return date.toLocaleString(locale, { dateStyle: "medium", timeStyle: "short" });
  }
  return `${isoDate(date)} ${two(date.getHours())}:${two(date.getMinutes())}`;
}

/**
 * `text` as a sentence: a capital first letter and a full stop at the end
 * (core's details and reasons are written to follow a colon).
 *
 * @param {string} text
 */
export function sentence(text) {
  const trimmed = String(text).trim();
  if (!trimmed) {
    return "";
  }
  const first = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?…]["”')]*$/.test(first) ? first : `${first}.`;
}

/**
 * "1 account", "2 accounts".
 *
 * @param {number} count
 * @param {string} one the word for one
 * @param {string} [many] the word for any other count (default: one + "s")
 */
export function plural(count, one, many = `${one}s`) {
  return `${count} ${count === 1 ? one : many}`;
}

/**
 * "123456" → "123 456" for reading; Steam codes stay as they are.
 *
 * @param {string} code
 */
export function groupCode(code) {
  if (!/^\d+$/.test(code) || code.length < 6) {
    return code;
  }
  const half = Math.ceil(code.length / 2);
  return `${code.slice(0, half)} ${code.slice(half)}`;
}

/**
 * A base32 secret in groups of four: "JBSW Y3DP EHPK 3PXP".
 *
 * @param {string} secret
 */
export function groupSecret(secret) {
  return secret.replace(/(.{4})/g, "$1 ").trim();
}
