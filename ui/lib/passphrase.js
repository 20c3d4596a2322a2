// The strength hint under a new passphrase (creating the vault, a new
// passphrase after the emergency kit, changing it in Settings).

/**
 * A rough strength estimate for the hint under the passphrase: bits from
 * length and character variety. Only a hint; it does not refuse anything.
 *
 * @param {string} passphrase
 * @returns {{level: number, text: string}}
 */
export function strength(passphrase) {
  if (!passphrase) {
    return { level: 0, text: "" };
  }
  let pool = 0;
  if (/[a-z]/.test(passphrase)) pool += 26;
  if (/[A-Z]/.test(passphrase)) pool += 26;
  if (/[0-9]/.test(passphrase)) pool += 10;
  if (/[^a-zA-Z0-9]/.test(passphrase)) pool += 33;
  const unique = new Set(passphrase).size;
  const bits = Math.min(passphrase.length, unique * 2) * Math.log2(Math.max(pool, 2));
  if (bits < 45) {
    return { level: 1, text: "Weak: easy to guess. Use four or more random words." };
  }
  if (bits < 65) {
    return { level: 2, text: "Fair: a few more words would make it much stronger." };
  }
  if (bits < 90) {
    return { level: 3, text: "Good." };
  }
  return { level: 4, text: "Strong." };
}

/**
 * Keeps `hint` (and the meter, if there is one) telling the strength of
 * what is typed into `input`.
 *
 * @param {HTMLInputElement} input
 * @param {HTMLElement} hint
 * @param {HTMLElement | null} [meter] gets the level (0–4) as data-level
 */
export function showStrength(input, hint, meter = null) {
  input.addEventListener("input", () => {
    const { level, text } = strength(input.value);
    if (meter) {
      meter.dataset.level = String(level);
    }
    hint.textContent = text;
  });
}
