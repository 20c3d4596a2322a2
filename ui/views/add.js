// Adding accounts: paste an otpauth link, scan the screen or choose an
// image for a QR code, or type the fields (a scan fills them in). Core parses and validates; an error is shown next to the
// field core names.

import * as api from "../api.js";
import { h, field, fileField, clearErrors, add } from "../lib/dom.js";
import { toast } from "../lib/toast.js";
import { showFieldError } from "../lib/errors.js";
import { sentence } from "../lib/format.js";

/** Core field names → the input that shows the message, per form. */
const MANUAL_FIELDS = {
  issuer: "add-issuer",
  name: "add-name",
  secret: "add-secret",
  algorithm: "add-algorithm",
  digits: "add-digits",
  period: "add-period",
  counter: "add-counter",
  type: "add-kind",
  account: "add-name",
};

/**
 * Shows an error from core next to the right input of a form, opened and
 * focused.
 *
 * @param {unknown} error
 * @param {Record<string, string>} fields core field → input id
 * @param {string} fallback input id when the field is not in `fields`
 */
function showError(error, fields, fallback) {
  const input = document.getElementById(showFieldError(error, fields, fallback));
  input?.closest("details")?.setAttribute("open", "");
  input?.focus();
}

/**
 * @param {any} app
 * @param {{accounts: any[], notes: string[]}} added
 */
async function done(app, added) {
  const names = added.accounts.map((a) => (a.issuer ? `${a.issuer} (${a.name})` : a.name));
  const notes = added.notes.length ? ` Note: ${added.notes.map(sentence).join(" ")}` : "";
  toast(`Added ${names.join(", ")}.${notes}`);
  await app.reload();
  app.showList();
}

/** @param {any} app */
export function showAdd(app) {
  const view = app.screen("add");
  app.onBack = () => app.showList();

  // 1. Paste a link.
  const uri = h("textarea", { id: "add-uri", rows: "3", spellcheck: "false", autocomplete: "off", placeholder: "otpauth://totp/Service:you@example.com?secret=…" });
  const uriForm = h(
    "form",
    { class: "card", id: "add-uri-form", novalidate: true },
    h("h3", { text: "Paste a setup link" }),
    field("otpauth:// link", uri, "Websites show it next to the QR code as \"can't scan?\" or \"setup key\". Password managers can export it too."),
    h("div", { class: "actions" }, h("button", { id: "add-uri-submit", type: "submit", class: "primary", text: "Add account" })),
  );
  // A link is one line: Enter adds it (Shift+Enter still breaks the line).
  uri.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      /** @type {HTMLFormElement} */ (uriForm).requestSubmit();
    }
  });
  uriForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(uriForm);
    try {
      await done(app, await api.addAccount({ uri: /** @type {HTMLTextAreaElement} */ (uri).value }));
    } catch (error) {
      showError(error, {}, "add-uri");
    }
  });

  // 2. An image of a QR code.
  const file = /** @type {HTMLInputElement} */ (h("input", { id: "add-qr-file", type: "file", accept: "image/png,image/jpeg" }));
  const qrBusy = h("p", { class: "progress", hidden: true }, h("span", { class: "spinner", "aria-hidden": "true" }), "Reading the QR code…");
  file.addEventListener("change", async () => {
    clearErrors(qrCard);
    const chosen = file.files && file.files[0];
    if (!chosen) {
      return;
    }
    qrBusy.hidden = false;
    try {
      const bytes = new Uint8Array(await chosen.arrayBuffer());
      await done(app, await api.addFromQr(bytes));
    } catch (error) {
      showError(error, {}, "add-qr-file");
    } finally {
      qrBusy.hidden = true;
      file.value = "";
    }
  });
  const qrCard = h(
    "div",
    { class: "card" },
    h("h3", { text: "Choose an image of the QR code" }),
    fileField("Choose an image…", file, "A screenshot or photo (PNG or JPEG). It is read on this computer and not kept."),
    qrBusy,
  );

  // 3. Scan the screen: the code another window shows fills in the form
  // below, to check and add.
  const scanButton = /** @type {HTMLButtonElement} */ (h("button", { id: "add-scan-screen", type: "button", class: "secondary", text: "Scan the screen", "aria-describedby": "add-scan-screen-hint add-scan-screen-error" }));
  const scanBusy = h("p", { class: "progress", hidden: true }, h("span", { class: "spinner", "aria-hidden": "true" }), "Looking for a QR code on the screen…");
  const scanCard = h(
    "div",
    { class: "card", id: "add-scan-card" },
    h("h3", { text: "Scan the screen" }),
    h("div", { class: "actions" }, scanButton),
    h("p", { class: "hint", id: "add-scan-screen-hint", text: "Open the service's setup page with its QR code in another window, next to this one, then scan. The screen is read in memory, never saved, and the details below are filled in for you to check." }),
    h("p", { class: "field-error", id: "add-scan-screen-error", role: "alert" }),
    scanBusy,
  );
  scanButton.addEventListener("click", async () => {
    clearErrors(scanCard);
    scanBusy.hidden = false;
    scanButton.disabled = true;
    try {
      fillManual(await api.scanScreen());
    } catch (error) {
      showError(error, {}, "add-scan-screen");
    } finally {
      scanBusy.hidden = true;
      scanButton.disabled = false;
    }
  });

  // 4. Type it.
  const issuer = h("input", { id: "add-issuer", type: "text", autocomplete: "off", placeholder: "e.g. PyPI" });
  const name = h("input", { id: "add-name", type: "text", autocomplete: "off", placeholder: "e.g. alice@example.com" });
  const secret = h("input", { id: "add-secret", type: "password", autocomplete: "off", spellcheck: "false", placeholder: "JBSW Y3DP EHPK 3PXP" });
  const kind = /** @type {HTMLSelectElement} */ (
    h("select", { id: "add-kind" }, h("option", { value: "totp", text: "Time-based (TOTP), most services" }), h("option", { value: "hotp", text: "Counter-based (HOTP)" }), h("option", { value: "steam", text: "Steam Guard" }))
  );
  const algorithm = h("select", { id: "add-algorithm" }, h("option", { value: "SHA1", text: "SHA1 (default)" }), h("option", { value: "SHA256", text: "SHA256" }), h("option", { value: "SHA512", text: "SHA512" }));
  const digits = h("input", { id: "add-digits", type: "number", min: "6", max: "8", value: "6", inputmode: "numeric" });
  const period = h("input", { id: "add-period", type: "number", min: "1", max: "300", value: "30", inputmode: "numeric" });
  const counter = h("input", { id: "add-counter", type: "number", min: "0", value: "0", inputmode: "numeric" });
  const periodField = field("Period (seconds)", period);
  const counterField = field("Counter", counter);
  const updateKind = () => {
    periodField.hidden = kind.value === "hotp";
    counterField.hidden = kind.value !== "hotp";
  };
  kind.addEventListener("change", updateKind);
  updateKind();
  const numberOrNull = (/** @type {HTMLElement} */ input) => {
    const value = /** @type {HTMLInputElement} */ (input).valueAsNumber;
    return Number.isFinite(value) ? value : null;
  };
  const scanned = h("p", { class: "hint scan-found", id: "add-scanned", role: "status", hidden: true });
  const manualForm = h(
    "form",
    { class: "card", id: "add-manual-form", novalidate: true },
    h("h3", { text: "Type the details" }),
    scanned,
    h("div", { class: "grid2" }, field("Issuer", issuer), field("Account name", name)),
    field("Secret key", secret, "The base32 key the website shows; spaces and lower case are fine."),
    h(
      "details",
      { class: "advanced" },
      h("summary", { text: "Advanced: type, algorithm, digits, period" }),
      h("div", { class: "grid2" }, field("Type", kind), field("Algorithm", algorithm), field("Digits", digits), periodField, counterField),
    ),
    h("div", { class: "actions" }, h("button", { id: "add-manual-submit", type: "submit", class: "primary", text: "Add account" })),
  );
  /** Fills the form with what a scan found, for the person to check and add. */
  const fillManual = (/** @type {any} */ found) => {
    clearErrors(manualForm);
    /** @type {HTMLInputElement} */ (issuer).value = found.issuer;
    /** @type {HTMLInputElement} */ (name).value = found.name;
    /** @type {HTMLInputElement} */ (secret).value = found.secret;
    kind.value = found.kind;
    /** @type {HTMLSelectElement} */ (algorithm).value = found.algorithm;
    /** @type {HTMLInputElement} */ (digits).value = String(found.digits);
    /** @type {HTMLInputElement} */ (period).value = String(found.period ?? 30);
    /** @type {HTMLInputElement} */ (counter).value = String(found.counter ?? 0);
    updateKind();
    const standard = found.kind === "totp" && found.algorithm === "SHA1" && found.digits === 6 && (found.period ?? 30) === 30;
    if (!standard) {
      manualForm.querySelector("details")?.setAttribute("open", "");
    }
    const who = found.issuer ? `${found.issuer} (${found.name})` : found.name;
    const notes = found.notes.length ? ` Note: ${found.notes.map(sentence).join(" ")}` : "";
    scanned.hidden = false;
    scanned.textContent = `Found ${who || "an account"} on the screen: check the details, then add it.${notes}`;
    manualForm.scrollIntoView({ block: "start" });
    document.getElementById("add-manual-submit")?.focus({ preventScroll: true });
  };
  manualForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(manualForm);
    const value = (/** @type {HTMLElement} */ input) => /** @type {HTMLInputElement} */ (input).value;
    try {
      await done(
        app,
        await api.addAccount({
          issuer: value(issuer),
          name: value(name),
          secret: value(secret),
          kind: kind.value,
          algorithm: value(algorithm),
          digits: numberOrNull(digits),
          period: numberOrNull(period),
          counter: numberOrNull(counter),
        }),
      );
    } catch (error) {
      showError(error, MANUAL_FIELDS, "add-secret");
    }
  });

  add(view,
    h(
      "div",
      { class: "page-head" },
      h("button", { type: "button", class: "ghost back", id: "back", onclick: () => app.showList(), text: "← Accounts" }),
      h("h2", { text: "Add an account" }),
    ),
    uriForm,
    scanCard,
    qrCard,
    manualForm,
  );
  uri.focus();
}
