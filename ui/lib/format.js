// How dates, counts, codes and secrets read on screen.

/**
 * A date without the time, in the user's locale; "" for none.
 *
 * @param {number | null | undefined} secs Unix seconds
 */
export function formatDate(secs) {
  return secs ? new Date(secs * 1000).toLocaleDateString() : "";
}

/**
 * A date and time in the user's locale; "" for none.
 *
 * @param {number | null | undefined} secs Unix seconds
 */
export function formatDateTime(secs) {
  return secs ? new Date(secs * 1000).toLocaleString() : "";
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
