// One account: its live code, editing (tags too), pinning, deleting
// (confirmed), moving it to a phone (QR code, only on request), revealing the
// secret (only on request), its recovery codes, its ways back in (the
// inventory, "Check my phone", checking a printed sheet) and how far its
// lockout-proof guide is.

import * as api from "../api.js";
import { h, field, setFieldError, clearErrors, add, fill, prose } from "../lib/dom.js";
import { toast } from "../lib/toast.js";
import { errorMessage, errorNote, showFieldError, toastError } from "../lib/errors.js";
import { formatDate, groupSecret, plural, sentence } from "../lib/format.js";
import { updateCode } from "../lib/codes.js";
import { progressBar } from "../lib/steps.js";

/** Core field names → the input of the details form that shows the message. */
const EDIT_FIELDS = { issuer: "edit-issuer", name: "edit-name", note: "edit-note" };

/**
 * @param {any} app
 * @param {string} id
 */
export async function showAccount(app, id) {
  let account;
  try {
    account = await api.accountSummary(id);
  } catch (error) {
    const gone = error instanceof api.AppError && error.kind === "no_match";
    toast(gone ? "That account is no longer in the vault." : errorMessage(error), "error");
    app.showList();
    return;
  }
  const view = app.screen("account");
  app.onBack = () => app.showList();
  const title = account.issuer ? `${account.issuer}` : account.name;

  // Live code.
  const code = h("span", { class: "code big", id: "account-code" });
  const next = h("span", { class: "next-code" });
  const bar = h("span", { class: "bar" });
  const seconds = h("span", { class: "seconds" });
  const parts = { row: view, code, next, bar, seconds, key: "", last: "", lastNext: "", lastLeft: -1 };
  const copy = h("button", {
    type: "button",
    id: "copy-code",
    class: "primary",
    text: account.otp_type === "hotp" ? "Take and copy next code" : "Copy code",
    onclick: async () => {
      try {
        const result = await api.copyCode(id);
        const clears = result.clear_after_seconds > 0 ? ` Clipboard clears in ${result.clear_after_seconds} s.` : "";
        toast(`${result.counter != null ? `Copied code #${result.counter}.` : "Code copied."}${clears}`);
        if (result.counter != null) {
          await app.reload();
          app.showAccount(id);
        }
      } catch (error) {
        toastError(error);
      }
    },
  });
  let codePanel;
  if (account.otp_type === "totp" || account.otp_type === "steam") {
    app.visibleIds = () => [id];
    app.onTick = (/** @type {any} */ result) => {
      // Rust sends the code of every requested TOTP account that exists.
      const mine = result.codes.find((/** @type {any} */ c) => c.id === id);
      if (!mine) {
        toast("This account was deleted elsewhere.", "error");
        app.showList();
        return;
      }
      updateCode(parts, mine);
    };
    // The next code comes beside the countdown: nothing below it moves.
    codePanel = h("div", { class: "code-panel" }, h("div", { class: "code-line" }, code, h("span", { class: "countdown", "aria-hidden": "true" }, bar, seconds), next), copy);
  } else if (account.otp_type === "hotp") {
    codePanel = h("div", { class: "code-panel" }, h("p", { class: "hint", text: `Counter-based: each code is used once. Next counter: ${account.counter}.` }), copy);
  } else {
    codePanel = h("div", { class: "code-panel" }, h("p", { class: "hint", text: "No 2FA secret saved for this account, only recovery codes." }));
  }

  // Edit.
  const issuer = h("input", { id: "edit-issuer", type: "text", value: account.issuer, autocomplete: "off" });
  const name = h("input", { id: "edit-name", type: "text", value: account.name, autocomplete: "off" });
  const note = h("textarea", { id: "edit-note", rows: "2" });
  /** @type {HTMLTextAreaElement} */ (note).value = account.note;
  const tags = h("input", { id: "edit-tags", type: "text", value: account.tags.join(", "), autocomplete: "off" });
  const editForm = h(
    "form",
    { class: "card", id: "edit-form", novalidate: true },
    h("h3", { text: "Details" }),
    h("div", { class: "grid2" }, field("Issuer", issuer), field("Account name", name)),
    field("Note", note),
    field("Tags", tags, "Separated by commas, e.g. work, release."),
    h("p", { class: "hint", text: describe(account) }),
    h("div", { class: "actions" }, h("button", { type: "submit", id: "save-account", class: "secondary", text: "Save changes" })),
  );
  editForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(editForm);
    const value = (/** @type {HTMLElement} */ input) => /** @type {HTMLInputElement} */ (input).value;
    try {
      await api.updateAccount(id, { issuer: value(issuer), name: value(name), note: value(note) });
      const wanted = value(tags)
        .split(",")
        .map((t) => t.trim())
        .filter(Boolean);
      if (wanted.join("\n") !== account.tags.join("\n")) {
        try {
          await api.accountSetTags(id, wanted);
        } catch (error) {
          // The details above are saved already: say which part was not.
          setFieldError("edit-tags", errorMessage(error));
          toast("Saved the service, name and note; the tags were not saved.", "error");
          await app.reload();
          return;
        }
      }
      toast("Saved.");
      await app.reload();
      app.showAccount(id);
    } catch (error) {
      showFieldError(error, EDIT_FIELDS, "edit-name");
    }
  });

  // Move to a phone / reveal.
  const qrSlot = h("div", { class: "qr-slot", id: "qr-slot" });
  const secretSlot = h("div", { class: "secret-slot" });
  const hasOtp = account.otp_type !== "none";
  const showQr = h("button", {
    type: "button",
    id: "show-qr",
    class: "secondary",
    text: "Show QR code",
    disabled: !hasOtp,
    onclick: async () => {
      if (qrSlot.childElementCount) {
        fill(qrSlot);
        showQr.textContent = "Show QR code";
        return;
      }
      try {
        const svg = await api.accountQr(id);
        const img = h("img", {
          id: "qr-image",
          alt: `QR code for ${title}: scan it with your phone's authenticator app`,
          src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`,
        });
        fill(qrSlot, img, h("p", { class: "hint", text: "Anyone who sees this code can make your 2FA codes. Hide it when done." }));
        showQr.textContent = "Hide QR code";
      } catch (error) {
        toastError(error);
      }
    },
  });
  const reveal = h("button", {
    type: "button",
    id: "reveal-secret",
    class: "secondary",
    text: "Reveal secret",
    disabled: !hasOtp,
    onclick: async () => {
      if (secretSlot.childElementCount) {
        fill(secretSlot);
        reveal.textContent = "Reveal secret";
        return;
      }
      try {
        const secret = await api.revealSecret(id);
        fill(secretSlot, h("code", { id: "secret-value", class: "secret", text: groupSecret(secret) }));
        reveal.textContent = "Hide secret";
      } catch (error) {
        toastError(error);
      }
    },
  });
  const moveCard = h(
    "section",
    { class: "card", "aria-labelledby": "move-title" },
    h("h3", { id: "move-title", text: "Move to a phone" }),
    h("p", { class: "hint", text: "Shown only when you ask, and hidden again when you leave this page." }),
    h("div", { class: "actions" }, showQr, reveal),
    qrSlot,
    secretSlot,
  );

  // Delete, confirmed in a dialog.
  const dialog = /** @type {HTMLDialogElement} */ (
    h(
      "dialog",
      { id: "confirm-delete", "aria-labelledby": "confirm-delete-title" },
      h("h3", { id: "confirm-delete-title", text: `Delete ${account.display}?` }),
      h("p", {
        text: `This removes the 2FA secret${account.recovery.total ? ` and ${account.recovery.total} recovery codes` : ""} from the vault. Make sure you can still sign in (another authenticator, or 2FA turned off at the service). Earlier versions stay in the vault's backups folder.`,
      }),
      h(
        "form",
        { method: "dialog", class: "actions end" },
        h("button", { type: "submit", value: "cancel", class: "secondary", id: "cancel-delete", autofocus: true, text: "Keep it" }),
        h("button", { type: "submit", value: "delete", class: "danger", id: "confirm-delete-button", text: "Delete account" }),
      ),
    )
  );
  dialog.addEventListener("close", async () => {
    if (dialog.returnValue !== "delete") {
      return;
    }
    try {
      await api.deleteAccount(id);
      toast(`Deleted ${account.display}.`);
      await app.reload();
      app.showList();
    } catch (error) {
      toastError(error);
    }
  });
  const dangerCard = h(
    "section",
    { class: "card danger-zone" },
    h("h3", { text: "Delete" }),
    h("div", { class: "actions" }, h("button", { type: "button", id: "delete-account", class: "danger-outline", text: "Delete account…", onclick: () => dialog.showModal() })),
  );

  const recoveryCard = h("section", { class: "card", id: "recovery", "aria-labelledby": "recovery-title" });
  const waysCard = h("section", { class: "card ways", id: "ways", "aria-labelledby": "ways-title" }, h("h3", { id: "ways-title", text: "Ways back in" }));
  add(view,
    h(
      "div",
      { class: "page-head" },
      h("button", { type: "button", class: "ghost back", id: "back", onclick: () => app.showList(), text: "← Accounts" }),
      h("div", { class: "title-block" }, h("h2", { id: "account-title", text: title }), account.issuer ? h("p", { class: "subtitle", text: account.name }) : null),
      h("button", {
        type: "button",
        id: "pin-account",
        class: account.pinned ? "secondary small pinned" : "ghost small",
        "aria-pressed": account.pinned ? "true" : "false",
        text: account.pinned ? "Pinned" : "Pin",
        title: "Pinned accounts are listed first",
        onclick: async () => {
          try {
            await api.accountSetPinned(id, !account.pinned);
            toast(account.pinned ? "Unpinned." : "Pinned: listed first.");
            await app.reload();
            app.showAccount(id);
          } catch (error) {
            toastError(error);
          }
        },
      }),
    ),
    h("div", { class: "columns" }, h("div", { class: "col" }, h("section", { class: "card" }, codePanel), recoveryCard, waysCard), h("div", { class: "col" }, accountGuideCard(app, id), editForm, moveCard, dangerCard)),
    dialog,
  );
  renderRecovery(app, id, recoveryCard, null);
  renderWays(app, id, waysCard, null);
  view.focus();
}

/** @param {any} account */
function describe(account) {
  switch (account.otp_type) {
    case "totp":
      return `TOTP, ${account.digits} digits, every ${account.period} s, ${account.algorithm}.`;
    case "hotp":
      return `HOTP, ${account.digits} digits, ${account.algorithm}.`;
    case "steam":
      return "Steam Guard, 5 characters every 30 s.";
    default:
      return "";
  }
}

/**
 * The account page's card: the account's prevent guide and its progress,
 * counted again after every change to the vault (codes saved or used on
 * this page move it), for as long as the card is on screen.
 *
 * @param {any} app
 * @param {string} accountId
 * @returns {HTMLElement}
 */
function accountGuideCard(app, accountId) {
  const card = h("section", { class: "card", id: "account-guide", "aria-labelledby": "account-guide-title" }, h("h3", { id: "account-guide-title", text: "Lockout-proof" }));
  const body = h("div", { class: "account-guide-body" });
  add(card, body);
  /** Counts requests: an older answer arriving late is dropped. */
  let asked = 0;
  const load = async () => {
    const ticket = ++asked;
    try {
      const guide = await api.accountGuide(accountId);
      if (ticket !== asked) {
        return;
      }
      const next = guide.steps.find((/** @type {any} */ s) => s.id === guide.next_step);
      fill(
        body,
        h("p", { class: "guide-name", text: guide.title }),
        progressBar(guide),
        next ? h("p", { class: "hint", id: "account-guide-next", text: `Next: ${next.title}` }) : null,
        h("div", { class: "actions" }, h("button", { type: "button", class: "secondary", id: "account-guide-open", text: guide.progress.complete ? "Review the guide" : "Continue the guide", onclick: () => app.showGuide(guide.id, accountId) })),
      );
    } catch (error) {
      if (ticket === asked) {
        fill(body, errorNote(error));
      }
    }
  };
  const changed = () => {
    if (card.isConnected) {
      load();
    } else {
      window.removeEventListener(api.VAULT_CHANGED, changed);
    }
  };
  window.addEventListener(api.VAULT_CHANGED, changed);
  load();
  return card;
}

/**
 * The recovery-codes card.
 *
 * @param {any} app
 * @param {string} id
 * @param {HTMLElement} card
 * @param {any} data a RecoveryView, or null to fetch it
 * @param {{reveal?: boolean, undo?: number}} [options]
 */
async function renderRecovery(app, id, card, data, options = {}) {
  const reveal = Boolean(options.reveal);
  let recovery = data;
  if (!recovery) {
    try {
      recovery = await api.recoveryList(id, reveal);
    } catch (error) {
      fill(card, errorNote(error));
      return;
    }
  }
  const rerender = (next, more = {}) => renderRecovery(app, id, card, next, more);
  const heading = h("h3", { id: "recovery-title", text: "Recovery codes" });
  const textarea = h("textarea", { id: "recovery-text", rows: "5", spellcheck: "false", autocomplete: "off", placeholder: "Paste the codes the service gave you, as they are." });
  const generated = /** @type {HTMLInputElement} */ (h("input", { id: "recovery-generated", type: "date" }));
  /** The name of a file loaded into the text box (a PyPI download's name says when). */
  let fileName = /** @type {string | null} */ (null);
  const saveForm = (replace) => {
    const form = h(
      "form",
      { class: "recovery-form", novalidate: true },
      field(replace ? "New codes (replace all)" : "Codes", textarea, "One code per line, or separated by spaces or commas. PyPI, GitHub, GitLab and npm sets are recognised."),
      field("Generated on", generated, "When the service made these codes. Leave empty for today (a PyPI download's file name says it)."),
      h(
        "div",
        { class: "actions" },
        h("button", { type: "submit", id: "recovery-save", class: "primary", text: replace ? "Replace all codes" : "Save codes" }),
        replace ? h("button", { type: "button", class: "ghost", text: "Cancel", onclick: () => rerender(null) }) : null,
        h("label", { class: "file-button secondary" }, "Load from file…", loadInput()),
      ),
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      clearErrors(form);
      try {
        const saved = await api.recoverySave(id, /** @type {HTMLTextAreaElement} */ (textarea).value, replace, generated.value, fileName);
        toast(`Saved ${plural(saved.total, "recovery code")}.${saved.note ? ` Note: ${sentence(saved.note)}` : ""}`);
        await app.reload();
        rerender(saved);
      } catch (error) {
        showFieldError(error, { "generated date": "recovery-generated" }, "recovery-text");
      }
    });
    return form;
  };
  const loadInput = () => {
    const input = /** @type {HTMLInputElement} */ (h("input", { type: "file", id: "recovery-file", class: "sr-only", accept: ".txt,text/plain" }));
    input.addEventListener("change", async () => {
      const file = input.files && input.files[0];
      if (file) {
        /** @type {HTMLTextAreaElement} */ (textarea).value = await file.text();
        fileName = file.name;
        input.value = "";
      }
    });
    return input;
  };

  if (recovery.total === 0) {
    fill(card, heading, h("p", { class: "hint", text: "Recovery codes get you in when your phone is lost. Save the set the service gave you when you turned on 2FA." }), saveForm(false));
    return;
  }
  if (options.replacing) {
    fill(card, heading, h("p", { class: "hint", text: "After generating a new set at the service, the old codes stop working. Paste the new set here." }), saveForm(true));
    return;
  }
  const count = h("p", { class: "recovery-count", id: "recovery-count" }, h("strong", { text: String(recovery.unused) }), ` of ${recovery.total} unused`);
  const generatedLine = h("p", { class: "hint", id: "recovery-generated-at", text: recovery.generated_at ? `Generated ${formatDate(recovery.generated_at)}, saved ${formatDate(recovery.saved_at)}.` : `Saved ${formatDate(recovery.saved_at)}; generated on an unknown date.` });
  const history = recovery.superseded.length
    ? h(
        "details",
        { class: "superseded", id: "recovery-superseded" },
        h("summary", { text: `${plural(recovery.superseded.length, "earlier set")} (no longer valid)` }),
        h(
          "ul",
          {},
          ...recovery.superseded
            .slice()
            .reverse()
            .map((/** @type {any} */ old) =>
              h("li", { text: `${plural(old.total, "code")} generated ${old.generated_at ? formatDate(old.generated_at) : "on an unknown date"}, ${old.used} used, replaced ${formatDate(old.replaced_at)}` }),
            ),
        ),
      )
    : null;
  const low = recovery.running_low
    ? h(
        "div",
        { class: "warning", id: "recovery-low", role: "note" },
        h("strong", { text: recovery.unused === 0 ? "No unused codes left. " : `Only ${recovery.unused} left. ` }),
        "Generate a new set at the service and replace these.",
      )
    : null;
  const list = h(
    "ol",
    { class: reveal ? "codes revealed" : "codes", id: "recovery-list" },
    ...recovery.codes.map((/** @type {any} */ c) =>
      h(
        "li",
        { class: c.used ? "used" : "unused", dataset: { number: String(c.number) } },
        h("span", { class: "n", text: `${c.number}.` }),
        h("code", { text: c.code }),
        h("span", { class: "state", text: c.used ? (c.used_at ? `used ${formatDate(c.used_at)}` : "used") : "unused" }),
      ),
    ),
  );
  const useNext = h("button", {
    type: "button",
    id: "recovery-use-next",
    class: "primary",
    disabled: recovery.unused === 0,
    text: "Use next code",
    onclick: async () => {
      try {
        const used = await api.recoveryUseNext(id);
        const clears = used.clear_after_seconds > 0 ? ` Clipboard clears in ${used.clear_after_seconds} s.` : "";
        toast(`Copied code #${used.number} and marked it used.${clears}`);
        await app.reload();
        rerender(used.recovery, { undo: used.number });
      } catch (error) {
        toastError(error);
      }
    },
  });
  const undo = options.undo
    ? h("button", {
        type: "button",
        id: "recovery-undo",
        class: "ghost",
        text: `Undo: mark #${options.undo} unused`,
        onclick: async () => {
          try {
            const back = await api.recoveryUnuse(id, options.undo);
            toast(`Code #${options.undo} is unused again.`);
            await app.reload();
            rerender(back);
          } catch (error) {
            toastError(error);
          }
        },
      })
    : null;
  const revealButton = h("button", {
    type: "button",
    id: "recovery-reveal",
    class: "ghost",
    text: reveal ? "Hide codes" : "Reveal codes",
    onclick: () => rerender(null, { reveal: !reveal }),
  });
  const replace = h("button", { type: "button", id: "recovery-replace", class: "ghost", text: "Replace all…", onclick: () => rerender(recovery, { replacing: true }) });
  fill(card, heading, count, generatedLine, low, h("div", { class: "actions" }, useNext, undo), list, history, h("div", { class: "actions subtle" }, revealButton, replace));
}

/** The kinds of copies of the codes, as the form names them. */
const COPY_KINDS = { printed: "Printed sheet", other_store: "Another store" };

/**
 * The ways-back-in card: what else gets the user into the account (second
 * factors, recovery emails, copies of the codes), edited in place and saved
 * whole; how many independent ways that makes and the single points of
 * failure core finds; "Check my phone" and checking a printed sheet.
 *
 * @param {any} app
 * @param {string} id
 * @param {HTMLElement} card
 * @param {any} data core's WaysView, or null to fetch it
 * @param {{message?: HTMLElement}} [options]
 */
async function renderWays(app, id, card, data, options = {}) {
  let view = data;
  if (!view) {
    try {
      view = await api.waysView(id);
    } catch (error) {
      fill(card, h("h3", { id: "ways-title", text: "Ways back in" }), errorNote(error));
      return;
    }
  }
  const rerender = (/** @type {any} */ next, more = {}) => renderWays(app, id, card, next, more);
  /** The inventory being edited (saved whole). */
  const draft = JSON.parse(JSON.stringify(view.ways));
  draft.factors = draft.factors || [];
  draft.emails = draft.emails || [];
  draft.copies = draft.copies || [];
  const labels = Object.fromEntries(view.offered.map((/** @type {any} */ o) => [o.kind, o.label]));
  const kindLabel = (/** @type {string} */ kind) => labels[kind] || kind.replace(/_/g, " ");

  const count = view.ways_in.length;
  const summary = view.recorded
    ? h("p", { class: "ways-count", id: "ways-count" }, h("strong", { text: String(count) }), ` independent ${count === 1 ? "way" : "ways"} back in`)
    : h("p", { class: "hint", id: "ways-count", text: "Not recorded yet: add what else gets you in, then save, so Health can tell what a single loss would lock you out of." });
  const waysIn = h("ul", { class: "ways-in", id: "ways-in" }, ...view.ways_in.map((/** @type {any} */ w) => h("li", { dataset: { kind: w.kind }, text: w.label })));
  const findings = view.findings.map((/** @type {any} */ f) => h("div", { class: "warning ways-finding", role: "note", dataset: { kind: f.kind } }, ...prose(f.message)));

  const rows = h("div", { class: "ways-rows" });
  const input = (/** @type {string} */ rowId, /** @type {string} */ label, /** @type {string} */ value, /** @type {(v: string) => void} */ set, /** @type {string} */ hint) => {
    const el = /** @type {HTMLInputElement} */ (h("input", { id: rowId, type: "text", value, autocomplete: "off", "aria-label": label, placeholder: hint }));
    el.addEventListener("input", () => set(el.value));
    return el;
  };
  const remove = (/** @type {string} */ label, /** @type {() => void} */ drop) =>
    h("button", { type: "button", class: "ghost small", "aria-label": `Remove ${label}`, text: "Remove", onclick: () => { drop(); draw(); } });
  const checked = (/** @type {number | undefined} */ at) => (at ? h("span", { class: "hint", text: `checked ${formatDate(at)}` }) : null);

  function draw() {
    const factorRows = draft.factors.map((/** @type {any} */ f, /** @type {number} */ i) =>
      h(
        "div",
        { class: "ways-row", dataset: { part: "factor", kind: f.kind } },
        h("span", { class: "ways-kind", text: kindLabel(f.kind) }),
        input(`way-factor-${i}-name`, `Name of ${kindLabel(f.kind)}`, f.name || "", (v) => (f.name = v), "Name or device"),
        input(`way-factor-${i}-place`, `Where ${kindLabel(f.kind)} is kept`, f.place || "", (v) => (f.place = v), "Where it is kept"),
        checked(f.checked_at),
        remove(kindLabel(f.kind), () => draft.factors.splice(i, 1)),
      ),
    );
    const emailRows = draft.emails.map((/** @type {any} */ e, /** @type {number} */ i) => {
      const select = /** @type {HTMLSelectElement} */ (
        h(
          "select",
          { id: `way-email-${i}-mailbox`, "aria-label": "Account that controls this mailbox" },
          h("option", { value: "", text: "Not in the vault" }),
          ...view.mailbox_choices.map((/** @type {[string, string]} */ [choice, name]) => h("option", { value: choice, text: name, selected: e.mailbox_account === choice })),
        )
      );
      select.addEventListener("change", () => (e.mailbox_account = select.value || null));
      const work = /** @type {HTMLInputElement} */ (h("input", { type: "checkbox", id: `way-email-${i}-work`, checked: Boolean(e.work) }));
      work.addEventListener("change", () => (e.work = work.checked));
      return h(
        "div",
        { class: "ways-row", dataset: { part: "email" } },
        h("span", { class: "ways-kind", text: "Recovery email, and the vault account of its mailbox" }),
        input(`way-email-${i}-address`, "Email address", e.address || "", (v) => (e.address = v), "name@example.com"),
        select,
        h("label", { class: "check", for: `way-email-${i}-work` }, work, " Work or school"),
        remove("recovery email", () => draft.emails.splice(i, 1)),
      );
    });
    const copyRows = draft.copies.map((/** @type {any} */ c, /** @type {number} */ i) =>
      h(
        "div",
        { class: "ways-row", dataset: { part: "copy", kind: c.kind } },
        h("span", { class: "ways-kind", text: COPY_KINDS[c.kind] || c.kind }),
        input(`way-copy-${i}-place`, `Where the ${c.kind === "printed" ? "printed sheet" : "copy"} is kept`, c.place || "", (v) => (c.place = v), "Where it is kept"),
        checked(c.checked_at),
        remove(COPY_KINDS[c.kind] || "copy", () => draft.copies.splice(i, 1)),
      ),
    );
    fill(rows, ...factorRows, ...emailRows, ...copyRows, !factorRows.length && !emailRows.length && !copyRows.length ? h("p", { class: "hint", text: "Nothing recorded besides Sparekey." }) : null);
  }
  draw();

  const quick = (/** @type {string} */ text, /** @type {string} */ addId, /** @type {() => void} */ push) =>
    h("button", { type: "button", class: "secondary small", id: addId, text, onclick: () => { push(); draw(); } });
  const addButtons = h(
    "div",
    { class: "actions ways-add" },
    ...view.offered.map((/** @type {any} */ o) => quick(`+ ${o.label}`, `way-add-${o.kind}`, () => draft.factors.push({ kind: o.kind, name: "", place: "" }))),
    quick("+ Recovery email", "way-add-email", () => draft.emails.push({ address: "", mailbox_account: null, work: false })),
    quick("+ Printed codes", "way-add-printed", () => draft.copies.push({ kind: "printed", place: "" })),
    quick("+ Codes in another store", "way-add-other-store", () => draft.copies.push({ kind: "other_store", place: "" })),
  );
  const error = h("p", { class: "field-error", id: "ways-error", role: "alert" });
  const save = h("button", {
    type: "button",
    id: "ways-save",
    class: "primary",
    text: view.recorded ? "Save ways back in" : "Save: that is all",
    onclick: async () => {
      error.textContent = "";
      try {
        const saved = await api.waysSave(id, draft);
        toast(`Saved: ${plural(saved.ways_in.length, "way")} back in.`);
        rerender(saved);
      } catch (failure) {
        error.textContent = errorMessage(failure);
      }
    },
  });

  // "Check my phone" and a printed sheet: proof the second copy exists.
  /**
   * Runs `check` when `form` is submitted: a match shows the inventory again
   * with its message (the check's date is recorded), a mismatch or an error
   * is said under the form.
   *
   * @param {HTMLElement} form
   * @param {HTMLInputElement} code emptied after each check
   * @param {HTMLElement} result
   * @param {() => Promise<{matches: boolean, message: string}>} check
   */
  const onCheck = (form, code, result, check) => {
    const bad = (/** @type {string} */ message) => {
      result.className = "check-result bad";
      result.textContent = message;
    };
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        const checked = await check();
        code.value = "";
        if (checked.matches) {
          rerender(await api.waysView(id), { message: h("p", { class: "check-result ok", id: "check-result", role: "status", text: checked.message }) });
        } else {
          bad(checked.message);
        }
      } catch (failure) {
        bad(errorMessage(failure));
      }
    });
  };
  const checks = [];
  if (view.totp_here) {
    const code = /** @type {HTMLInputElement} */ (h("input", { id: "check-phone-code", type: "text", inputmode: "numeric", autocomplete: "off", "aria-label": "Code shown by the other authenticator", placeholder: "Code on the phone" }));
    const device = /** @type {HTMLInputElement} */ (h("input", { id: "check-phone-device", type: "text", autocomplete: "off", "aria-label": "Which device", placeholder: "Device, e.g. Pixel 8" }));
    const result = h("p", { id: "check-phone-result", role: "status", class: "check-result" });
    const form = h("form", { class: "ways-check", id: "check-phone-form", novalidate: true }, h("h4", { text: "Check my phone" }), h("p", { class: "hint", text: "Before wiping a phone: type the code its authenticator shows for this account. Sparekey says whether it is the same secret." }), h("div", { class: "ways-row" }, code, device, h("button", { type: "submit", class: "secondary small", id: "check-phone", text: "Check" })), result);
    onCheck(form, code, result, () => api.waysCheckPhone(id, code.value, device.value));
    checks.push(form);
  }
  if (view.codes_here > 0) {
    const code = /** @type {HTMLInputElement} */ (h("input", { id: "check-sheet-code", type: "text", autocomplete: "off", spellcheck: "false", "aria-label": "One unused code from the printed sheet", placeholder: "One unused code from the sheet" }));
    const result = h("p", { id: "check-sheet-result", role: "status", class: "check-result" });
    const form = h("form", { class: "ways-check", id: "check-sheet-form", novalidate: true }, h("h4", { text: "Check a printed sheet" }), h("p", { class: "hint", text: "Type one unused code from the paper: Sparekey confirms it is in the saved set. The code stays unused." }), h("div", { class: "ways-row" }, code, h("button", { type: "submit", class: "secondary small", id: "check-sheet", text: "Check" })), result);
    onCheck(form, code, result, () => api.waysCheckSheet(id, code.value));
    checks.push(form);
  }

  fill(
    card,
    h("h3", { id: "ways-title", text: "Ways back in" }),
    summary,
    count ? waysIn : null,
    ...findings,
    options.message || null,
    rows,
    addButtons,
    h("div", { class: "actions" }, save),
    error,
    ...checks,
  );
}
