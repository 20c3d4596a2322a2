// Import from another authenticator: choose the format (core's registry),
// give the export (a file, pasted text, images, a pasted or dropped image),
// the password if it is encrypted, then look at the preview and confirm.
// The preview stays in Rust; the page only sees names, never secrets.
// Untrusted names from the export are set with textContent only.

import * as api from "../api.js";
import { h, field, fileField, fill, setFieldError, clearErrors, add } from "../lib/dom.js";
import { toast } from "../lib/toast.js";
import { errorMessage, toastError } from "../lib/errors.js";
import { plural, sentence } from "../lib/format.js";

/** Where an error about the input (not the password) is shown. */
const SOURCE = "import-source";

/** @param {any} app */
export async function showImport(app) {
  const view = app.screen("import");
  const leave = () => {
    api.importCancel().catch(() => {});
    app.showList();
  };
  app.onBack = leave;

  /** @type {any[]} */
  let formats = [];
  try {
    formats = await api.importFormats();
  } catch (error) {
    app.fail(error);
    return;
  }

  const select = /** @type {HTMLSelectElement} */ (
    h("select", { id: "import-format" }, ...formats.map((f) => h("option", { value: f.id, text: f.label })))
  );
  const hint = h("p", { class: "hint", id: "import-format-hint" });
  const inputCard = h("section", { class: "card", id: "import-input", "aria-labelledby": "import-input-title" });
  const previewCard = h("section", { class: "card", id: "import-preview", hidden: true, "aria-live": "polite" });

  add(view,
    h(
      "div",
      { class: "page-head" },
      h("button", { type: "button", class: "ghost back", id: "back", onclick: leave, text: "← Accounts" }),
      h("div", { class: "title-block" }, h("h2", { text: "Import accounts" }), h("p", { class: "subtitle", text: "Nothing is added until you confirm the preview." })),
    ),
    h("section", { class: "card" }, h("h3", { text: "1. Where from?" }), field("Format", select), hint),
    inputCard,
    previewCard,
  );

  /** The format chosen now. */
  const current = () => formats.find((f) => f.id === select.value) || formats[0];
  /** Labels of the inputs given (file names), for the list on screen. */
  let given = [];
  let encrypted = false;

  const sourcesList = h("ul", { class: "import-sources", id: "import-sources" });
  const password = /** @type {HTMLInputElement} */ (h("input", { id: "import-password", type: "password", autocomplete: "off" }));
  const passwordForm = h(
    "form",
    { id: "import-password-form", novalidate: true, hidden: true },
    h("p", { class: "warning", text: "This export is encrypted. Type the password you chose when you exported it from the other app." }),
    field("Export password", password),
    h("div", { class: "actions" }, h("button", { type: "submit", id: "import-unlock", class: "primary", text: "Show preview" })),
  );
  passwordForm.addEventListener("submit", (event) => {
    event.preventDefault();
    preview();
  });
  const busy = h("p", { class: "progress", hidden: true }, h("span", { class: "spinner", "aria-hidden": "true" }), "Reading the export…");

  /** Starts over for the chosen format. */
  async function begin() {
    given = [];
    encrypted = false;
    fill(sourcesList);
    passwordForm.hidden = true;
    password.value = "";
    previewCard.hidden = true;
    fill(previewCard);
    await api.importBegin(current().id);
  }

  /**
   * Adds inputs and previews (or asks for the password). With `fresh`, the
   * import starts over first (a new file replaces the old one).
   *
   * @param {{name: string, bytes: Uint8Array}[]} inputs
   * @param {boolean} fresh
   */
  async function addInputs(inputs, fresh) {
    clearErrors(inputCard);
    if (!inputs.length) {
      return;
    }
    busy.hidden = false;
    try {
      if (fresh) {
        await begin();
      }
      for (const input of inputs) {
        const staged = await api.importAdd(input.bytes);
        encrypted = staged.encrypted;
        given.push(input.name);
        add(sourcesList, h("li", { text: input.name }));
      }
    } catch (error) {
      setFieldError(SOURCE, errorMessage(error));
      busy.hidden = true;
      return;
    }
    busy.hidden = true;
    if (encrypted) {
      passwordForm.hidden = false;
      previewCard.hidden = true;
      password.focus();
    } else {
      await preview();
    }
  }

  async function preview() {
    clearErrors(inputCard);
    busy.hidden = false;
    try {
      const result = await api.importPreview(encrypted ? password.value : null);
      renderPreview(result);
    } catch (error) {
      if (error instanceof api.AppError && error.field === "password") {
        passwordForm.hidden = false;
        setFieldError("import-password", errorMessage(error));
        password.focus();
        password.select();
      } else {
        setFieldError(SOURCE, errorMessage(error));
      }
    } finally {
      busy.hidden = true;
    }
  }

  /** @param {any} p core's Preview */
  function renderPreview(p) {
    const n = p.to_import.length;
    const confirm = /** @type {HTMLButtonElement} */ (
      h("button", { type: "button", id: "import-confirm", class: "primary", disabled: n === 0, text: n === 0 ? "Nothing to import" : `Import ${plural(n, "account")}` })
    );
    confirm.addEventListener("click", async () => {
      confirm.disabled = true;
      try {
        const applied = await api.importConfirm();
        await app.reload();
        renderApplied(applied);
      } catch (error) {
        confirm.disabled = false;
        toastError(error);
      }
    });
    const section = (/** @type {string} */ id, /** @type {string} */ title, /** @type {HTMLElement[]} */ rows, /** @type {string} */ tone) =>
      rows.length ? h("div", { class: `import-group ${tone}`, id }, h("h4", { text: `${title} (${rows.length})` }), h("ul", { class: "import-rows" }, ...rows)) : null;
    const toImport = p.to_import.map((/** @type {any} */ item) =>
      h(
        "li",
        { class: "import-row" },
        h("span", { class: "import-number", text: `#${item.number}` }),
        h("span", { class: "import-label" }, h("strong", { text: item.issuer || item.name }), item.issuer ? h("span", { class: "muted", text: ` ${item.name}` }) : null),
        h("span", { class: "badge", text: `${item.otp_type.toUpperCase()} · ${item.digits} digits${item.period ? ` · ${item.period}s` : ""}${item.algorithm !== "SHA1" ? ` · ${item.algorithm}` : ""}` }),
        item.notes.length ? h("span", { class: "import-why", text: item.notes.map(sentence).join(" ") }) : null,
      ),
    );
    const duplicates = p.duplicates.map((/** @type {any} */ d) =>
      h(
        "li",
        { class: "import-row" },
        h("span", { class: "import-number", text: `#${d.number}` }),
        h("span", { class: "import-label", text: d.display }),
        h("span", { class: "import-why", text: whyDuplicate(d) }),
      ),
    );
    const problems = p.not_importable.map((/** @type {any} */ problem) =>
      h(
        "li",
        { class: "import-row" },
        h("span", { class: "import-number", text: `#${problem.number}` }),
        h("span", { class: "import-label", text: problem.label || "(no name)" }),
        h("span", { class: "import-why", text: sentence(problem.reason) }),
      ),
    );
    fill(previewCard,
      h("h3", { id: "import-preview-title", text: "3. Preview" }),
      h("p", {
        id: "import-summary",
        text: `Found ${plural(p.found, "entry", "entries")}: ${n} to import, ${p.duplicates.length} already in the vault or repeated, ${p.not_importable.length} cannot be imported.`,
      }),
      section("import-to-import", "Will be added", toImport, "ok"),
      section("import-duplicates", "Duplicates, not added", duplicates, "dup"),
      section("import-problems", "Cannot be imported", problems, "bad"),
      p.notes.length ? h("div", { class: "import-notes", id: "import-notes" }, ...p.notes.map((/** @type {string} */ note) => h("p", { class: "hint", text: sentence(note) }))) : null,
      h("div", { class: "actions" }, confirm, h("button", { type: "button", id: "import-cancel", class: "secondary", text: "Cancel", onclick: leave })),
    );
    previewCard.hidden = false;
    confirm.focus();
  }

  /** @param {any} applied core's Applied */
  function renderApplied(applied) {
    const skipped = applied.skipped_duplicates.map((/** @type {any} */ d) =>
      h("li", { class: "import-row" }, h("span", { class: "import-number", text: `#${d.number}` }), h("span", { class: "import-label", text: d.display }), h("span", { class: "import-why", text: whyDuplicate(d) })),
    );
    inputCard.hidden = true;
    fill(previewCard,
      h("h3", { text: "Imported" }),
      h("p", { id: "import-result", text: `Added ${plural(applied.added, "account")}.` }),
      skipped.length
        ? h("div", { class: "import-group dup", id: "import-skipped" }, h("h4", { text: "Not added: they became duplicates since the preview" }), h("ul", { class: "import-rows" }, ...skipped))
        : null,
      h("div", { class: "actions" }, h("button", { type: "button", id: "import-done", class: "primary", text: "Show accounts", onclick: () => app.showList() })),
    );
    toast(`Added ${plural(applied.added, "account")}.`);
  }

  /** Builds the input card for the chosen format. */
  function renderInput() {
    const format = current();
    hint.textContent = format.hint;
    const reads = format.reads;
    const accept = reads === "image" ? "image/png,image/jpeg" : format.extensions.map((/** @type {string} */ e) => `.${e}`).join(",");
    const file = /** @type {HTMLInputElement} */ (h("input", { id: "import-file", type: "file", accept: accept || null, multiple: reads === "image" }));
    file.addEventListener("change", async () => {
      const files = Array.from(file.files || []);
      file.value = "";
      await addInputs(await Promise.all(files.map(read)), reads !== "image");
    });
    const parts = [];
    if (reads === "text") {
      const text = /** @type {HTMLTextAreaElement} */ (h("textarea", { id: "import-text", rows: "5", spellcheck: "false", autocomplete: "off", placeholder: "otpauth://totp/…\notpauth://totp/…" }));
      const textForm = h(
        "form",
        { id: "import-text-form", novalidate: true },
        field("Paste the text", text, "One otpauth:// link per line, or an otpauth-migration:// link from Google Authenticator."),
        h("div", { class: "actions" }, h("button", { type: "submit", id: "import-text-submit", class: "primary", text: "Show preview" })),
      );
      textForm.addEventListener("submit", async (event) => {
        event.preventDefault();
        const value = text.value;
        if (!value.trim()) {
          setFieldError(SOURCE, "Paste the text first.");
          return;
        }
        await addInputs([{ name: "Pasted text", bytes: new TextEncoder().encode(value) }], true);
      });
      parts.push(textForm, h("p", { class: "or", text: "or" }));
    }
    parts.push(
      fileField(
        reads === "image" ? "Choose images…" : "Choose the export file…",
        file,
        reads === "image"
          ? "Images of the QR codes (PNG or JPEG), several at once for a batch. You can also paste a screenshot (Ctrl+V) or drop image files here."
          : "You can also drop the file here.",
      ),
    );
    fill(inputCard,
      h("h3", { id: "import-input-title", text: "2. The export" }),
      ...parts,
      sourcesList,
      h("p", { class: "field-error", id: `${SOURCE}-error`, role: "alert" }),
      busy,
      passwordForm,
    );
    inputCard.dataset.format = format.id;
    inputCard.hidden = false;
  }

  select.addEventListener("change", async () => {
    try {
      await begin();
    } catch (error) {
      toastError(error);
    }
    renderInput();
  });

  // Drop files anywhere on the screen.
  view.addEventListener("dragover", (event) => {
    event.preventDefault();
    view.classList.add("dropping");
  });
  view.addEventListener("dragleave", () => view.classList.remove("dropping"));
  view.addEventListener("drop", async (event) => {
    event.preventDefault();
    view.classList.remove("dropping");
    const files = Array.from(event.dataTransfer?.files || []);
    if (files.length) {
      await addInputs(await Promise.all(files.map(read)), current().reads !== "image");
    }
  });

  // Paste an image from the clipboard (the page's paste event: no clipboard
  // permission needed). Text pastes go to the text box as usual.
  const onPaste = async (/** @type {ClipboardEvent} */ event) => {
    if (view.dataset.screen !== "import") {
      document.removeEventListener("paste", onPaste);
      return;
    }
    const items = Array.from(event.clipboardData?.items || []);
    const images = items.filter((item) => item.kind === "file" && item.type.startsWith("image/"));
    if (!images.length) {
      return;
    }
    event.preventDefault();
    // Only image formats read images: a pasted screenshot switches to one.
    if (current().reads !== "image") {
      const qr = formats.find((f) => f.reads === "image");
      if (qr) {
        select.value = qr.id;
        await begin();
        renderInput();
      }
    }
    const files = images.map((item) => item.getAsFile()).filter((f) => f !== null);
    await addInputs(
      await Promise.all(files.map((f, i) => read(/** @type {File} */ (f), `Pasted image ${given.length + i + 1}`))),
      false,
    );
  };
  document.addEventListener("paste", onPaste);

  try {
    await begin();
  } catch (error) {
    app.fail(error);
  }
  renderInput();
  view.focus();
}

/**
 * @param {File} file
 * @param {string} [name]
 * @returns {Promise<{name: string, bytes: Uint8Array}>}
 */
async function read(file, name) {
  return { name: name || file.name, bytes: new Uint8Array(await file.arrayBuffer()) };
}

/** @param {any} d core's Duplicate */
function whyDuplicate(d) {
  const where = d.within_export ? `an earlier entry of this export (${d.existing_display})` : `${d.existing_display}, already in the vault`;
  return d.why === "same_secret" ? `Same secret as ${where}.` : `Same name as ${where}.`;
}
