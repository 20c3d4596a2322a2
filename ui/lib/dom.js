// Small DOM helpers. Text only ever goes in through textContent and
// attributes; nothing here parses markup.

/**
 * Creates an element: `h("button", {class: "primary", onclick}, "Save")`.
 * Keys starting with "on" become listeners, `class`/`text`/`dataset` are
 * special, everything else is set as an attribute (skipped when null/false).
 *
 * @param {string} tag
 * @param {Record<string, any>} [props]
 * @param {...Child} children
 * @returns {HTMLElement}
 */
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === null || value === undefined || value === false) {
      continue;
    }
    if (key.startsWith("on") && typeof value === "function") {
      element.addEventListener(key.slice(2), value);
    } else if (key === "class") {
      element.className = value;
    } else if (key === "text") {
      element.textContent = String(value);
    } else if (key === "dataset") {
      Object.assign(element.dataset, value);
    } else if (key === "value") {
      element.value = value;
    } else if (value === true) {
      element.setAttribute(key, "");
    } else {
      element.setAttribute(key, String(value));
    }
  }
  append(element, children);
  return element;
}

/** The SVG namespace. */
const SVG_NS = "http://www.w3.org/2000/svg";

/**
 * Creates an SVG element: `svg("rect", {x: 0, width: 10})`. Attributes are
 * set as given (skipped when null/false); `text` sets the text content;
 * keys starting with "on" become listeners. Nothing is parsed as markup.
 *
 * @param {string} tag
 * @param {Record<string, any>} [props]
 * @param {...Child} children
 * @returns {SVGElement}
 */
export function svg(tag, props = {}, ...children) {
  const element = /** @type {SVGElement} */ (document.createElementNS(SVG_NS, tag));
  for (const [key, value] of Object.entries(props)) {
    if (value === null || value === undefined || value === false) {
      continue;
    }
    if (key.startsWith("on") && typeof value === "function") {
      element.addEventListener(key.slice(2), value);
    } else if (key === "text") {
      element.textContent = String(value);
    } else if (key === "dataset") {
      Object.assign(element.dataset, value);
    } else {
      element.setAttribute(key, String(value));
    }
  }
  element.append(...nodes(children));
  return element;
}

/**
 * A child as the helpers below take it: an element, a string (made a text
 * node), or nothing (null, undefined or false: left out, where the DOM's own
 * append and replaceChildren would show the words "null" or "false").
 *
 * @typedef {Node | string | null | undefined | false} Child
 */

/**
 * @param {Array<Child>} children
 * @returns {Array<Node>} the children to insert, without the nothings
 */
function nodes(children) {
  const out = [];
  for (const child of children) {
    if (child === null || child === undefined || child === false) {
      continue;
    }
    out.push(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return out;
}

/**
 * @param {HTMLElement} parent
 * @param {Array<Child>} children
 */
function append(parent, children) {
  parent.append(...nodes(children));
}

/**
 * Replaces the children of `parent`. Views call this (and `add`, `swap`,
 * `addAfter`) instead of the DOM's methods, which tests/security.rs checks.
 *
 * @param {HTMLElement} parent
 * @param {...Child} children
 */
export function fill(parent, ...children) {
  parent.replaceChildren(...nodes(children));
}

/**
 * Appends children to `parent`, leaving out the nothings.
 *
 * @param {HTMLElement} parent
 * @param {...Child} children
 */
export function add(parent, ...children) {
  append(parent, children);
}

/**
 * Puts `replacement` where `old` is.
 *
 * @param {Element} old
 * @param {Child} replacement
 */
export function swap(old, replacement) {
  old.replaceWith(...nodes([replacement]));
}

/**
 * Inserts `node` right after `anchor`.
 *
 * @param {Element} anchor
 * @param {Child} node
 */
export function addAfter(anchor, node) {
  anchor.after(...nodes([node]));
}

/** @param {string} id @returns {HTMLElement | null} */
export const byId = (id) => document.getElementById(id);

/**
 * A labelled form field with a slot for its error message.
 *
 * @param {string} label
 * @param {HTMLElement} input must have an id
 * @param {string} [hint]
 * @returns {HTMLElement}
 */
export function field(label, input, hint) {
  const errorId = `${input.id}-error`;
  const hintId = hint ? `${input.id}-hint` : null;
  input.setAttribute("aria-describedby", [hintId, errorId].filter(Boolean).join(" "));
  return h(
    "div",
    { class: "field" },
    h("label", { for: input.id, text: label }),
    input,
    hint ? h("p", { class: "hint", id: hintId, text: hint }) : null,
    h("p", { class: "field-error", id: errorId, role: "alert" }),
  );
}

/**
 * A file input as a button (a label around the visually hidden input, which
 * keeps its id), a hint and a slot for its error; with `showName`, the
 * chosen file's name beside it (for a file used later, not at once).
 * WebKitGTK's own file widget says "No file selected" and shows a file
 * name as a tooltip that can outlive the screen.
 *
 * @param {string} text the button's text, e.g. "Choose an image…"
 * @param {HTMLInputElement} input type="file", must have an id
 * @param {string} [hint]
 * @param {boolean} [showName]
 * @returns {HTMLElement}
 */
export function fileField(text, input, hint, showName = false) {
  const errorId = `${input.id}-error`;
  const hintId = hint ? `${input.id}-hint` : null;
  input.classList.add("sr-only");
  input.setAttribute("aria-describedby", [hintId, errorId].filter(Boolean).join(" "));
  const chosen = showName ? h("span", { class: "file-chosen", id: `${input.id}-chosen` }) : null;
  input.addEventListener("change", () => {
    if (chosen && input.files?.length) {
      chosen.textContent = Array.from(input.files)
        .map((f) => f.name)
        .join(", ");
    }
  });
  return h(
    "div",
    { class: "field file-field" },
    h("div", { class: "file-row" }, h("label", { class: "file-button secondary" }, text, input), chosen),
    hint ? h("p", { class: "hint", id: hintId, text: hint }) : null,
    h("p", { class: "field-error", id: errorId, role: "alert" }),
  );
}

/**
 * Shows `message` under the input with id `inputId` (empty clears it).
 *
 * @param {string} inputId
 * @param {string} message
 */
export function setFieldError(inputId, message) {
  const slot = byId(`${inputId}-error`);
  const input = byId(inputId);
  if (slot) {
    slot.textContent = message;
  }
  if (input) {
    if (message) {
      input.setAttribute("aria-invalid", "true");
    } else {
      input.removeAttribute("aria-invalid");
    }
  }
}

/** Clears every field error inside `root`. @param {HTMLElement} root */
export function clearErrors(root) {
  for (const slot of root.querySelectorAll(".field-error")) {
    slot.textContent = "";
  }
  for (const input of root.querySelectorAll("[aria-invalid]")) {
    input.removeAttribute("aria-invalid");
  }
}

/**
 * Text from core that may mark commands or file names with backticks
 * (`ssh git@gitlab.com …`), as nodes: the marked parts in `<code>`, the
 * rest as text. Never shows a raw backtick.
 *
 * @param {string} text
 * @returns {Node[]}
 */
export function prose(text) {
  return String(text)
    .split("`")
    .map((part, i) => (i % 2 === 1 ? h("code", { class: "inline", text: part }) : document.createTextNode(part)))
    .filter((node) => node.textContent !== "");
}
