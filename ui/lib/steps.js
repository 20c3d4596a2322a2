// A guide's steps as the Guides screen and "I'm locked out" show them:
// each step's state (done, not done, stale, unknown, info), dates, notes,
// links that open in the system browser, manual checks, and action buttons
// that lead to what fixes the step (never a command line); and a guide's
// progress bar. Every rule (which steps count, what is done) is core's:
// this only shows a GuideView as it comes.

import * as api from "../api.js";
import { h, fill, prose } from "./dom.js";
import { toast } from "./toast.js";
import { toastError } from "./errors.js";
import { formatDate, sentence } from "./format.js";

const STATE_LABELS = {
  done: "Done",
  not_done: "To do",
  stale: "Due again",
  unknown: "Unknown",
  info: "Info",
};

/**
 * "3 of 8 done" with a bar.
 *
 * @param {any} guide a GuideView
 */
export function progressBar(guide) {
  const { done, total, complete } = guide.progress;
  const percent = total ? Math.round((done / total) * 100) : 100;
  // Through the CSSOM: the CSP forbids style attributes.
  const filled = h("span");
  filled.style.width = `${percent}%`;
  return h(
    "div",
    { class: "guide-progress", id: "guide-progress", dataset: { complete: String(complete) } },
    h("span", { class: "progress-text", text: complete ? `All ${total} steps done.` : `${done} of ${total} steps done` }),
    h("span", { class: "progress-bar", role: "progressbar", "aria-label": "Steps done", "aria-valuemin": "0", "aria-valuemax": String(total), "aria-valuenow": String(done) }, filled),
  );
}

/**
 * How a source's address reads: a file of a GitHub repository as
 * "owner/repo: path", any other page without its scheme.
 *
 * @param {string} url
 * @returns {string}
 */
function sourceName(url) {
  const blob = /^https:\/\/github\.com\/([^/]+\/[^/]+)\/blob\/[0-9a-f]{7,40}\/(.+)$/.exec(url);
  return blob ? `${blob[1]}: ${blob[2]}` : url.replace(/^https:\/\//, "");
}

/**
 * A step's (or a fact's) sources: "Source: …" lines, each opening its page
 * in the system browser; Sparekey's own documentation is named, not opened.
 *
 * @param {{url: string, supports: string}[]} sources
 * @param {string} checked YYYY-MM-DD
 * @returns {HTMLElement | null}
 */
export function sourceList(sources, checked) {
  if (!sources || !sources.length) {
    return null;
  }
  return h(
    "details",
    { class: "sources" },
    h("summary", { text: `${sources.length === 1 ? "Source" : `Sources (${sources.length})`}${checked ? `, checked ${checked}` : ""}` }),
    h(
      "ul",
      {},
      ...sources.map((s) => {
        const own = s.url.startsWith("sparekey:");
        return h(
          "li",
          {},
          own
            ? h("span", { class: "source-own", text: `Source: Sparekey's ${s.url.slice("sparekey:".length).replace("#", ", section ")}` })
            : h("button", { type: "button", class: "link-button source", dataset: { url: s.url }, title: s.url, text: `Source: ${sourceName(s.url)} ↗`, onclick: () => api.openUrl(s.url).catch(toastError) }),
          h("span", { class: "hint source-supports", text: ` (${s.supports})` }),
        );
      }),
    ),
  );
}

/**
 * One step: its state, text, detail, links, sources, check and action.
 *
 * @param {any} app
 * @param {any} guide
 * @param {any} step a StepView
 * @param {string | null} accountId
 * @param {(next: any) => void} changed
 * @param {(branch: string) => void} [goTo] shows another branch of the guide
 */
export function stepItem(app, guide, step, accountId, changed, goTo) {
  const status = step.status;
  const isNext = guide.next_step === step.id;
  const meta = [];
  if (status.done_at && (status.state === "done" || status.state === "stale")) {
    meta.push(h("span", { class: "step-date", text: `${step.check.type === "manual" ? "Checked" : "Since"} ${formatDate(status.done_at)}` }));
  }
  if (status.note) {
    meta.push(h("span", { class: "step-note", text: `Note: ${status.note}` }));
  }
  const links = step.links.map((/** @type {any} */ link) =>
    h("button", {
      type: "button",
      class: "link-button",
      dataset: { url: link.url },
      title: link.url,
      text: `${link.label} ↗`,
      onclick: () => api.openUrl(link.url).catch(toastError),
    }),
  );
  const slot = h("div", { class: "step-slot" });
  const target = step.goto ? (guide.branches || []).find((/** @type {any} */ b) => b.id === step.goto) : null;
  const goButton = target && goTo ? h("button", { type: "button", class: "secondary", id: `goto-${step.id}`, dataset: { goto: target.id }, text: `Go to: ${target.label} →`, onclick: () => goTo(target.id) }) : null;
  return h(
    "li",
    { class: `step state-${status.state}${isNext ? " next" : ""}`, id: `step-${step.id}`, dataset: { state: status.state, step: step.id } },
    h(
      "div",
      { class: "step-head" },
      h("span", { class: `step-state ${status.state}`, text: STATE_LABELS[status.state] || status.state }),
      h("strong", { class: "step-title", text: step.title }),
      step.optional ? h("span", { class: "badge", text: "optional" }) : null,
      isNext ? h("span", { class: "badge next", text: "next" }) : null,
    ),
    h("p", { class: "step-text" }, ...prose(step.text)),
    status.detail ? h("p", { class: "hint step-detail" }, ...prose(sentence(status.detail))) : null,
    meta.length ? h("p", { class: "step-meta" }, ...meta) : null,
    links.length ? h("div", { class: "step-links" }, ...links) : null,
    sourceList(step.sources, step.checked),
    h("div", { class: "actions step-actions" }, goButton, actionButton(app, guide, step, accountId, slot), ...checkControls(guide, step, accountId, changed)),
    slot,
  );
}

/**
 * "Mark done" (with an optional note) or "Undo" for manual steps.
 *
 * @param {any} guide
 * @param {any} step
 * @param {string | null} accountId
 * @param {(next: any) => void} changed
 * @returns {HTMLElement[]}
 */
function checkControls(guide, step, accountId, changed) {
  if (step.check.type !== "manual" || !accountId) {
    return [];
  }
  const state = step.status.state;
  if (state === "done") {
    return [
      h("button", {
        type: "button",
        class: "ghost",
        id: `uncheck-${step.id}`,
        text: "Undo",
        onclick: async () => {
          try {
            changed(await api.guideUncheck(guide.id, step.id, accountId));
          } catch (error) {
            toastError(error);
          }
        },
      }),
    ];
  }
  const note = /** @type {HTMLInputElement} */ (h("input", { type: "text", id: `note-${step.id}`, class: "step-note-input", placeholder: "Note (optional)", "aria-label": `Note for ${step.title}`, maxlength: "1000" }));
  const form = h(
    "form",
    { class: "check-form", novalidate: true },
    note,
    h("button", { type: "submit", class: "secondary", id: `check-${step.id}`, text: state === "stale" ? "Done again" : "Mark done" }),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      changed(await api.guideCheck(guide.id, step.id, accountId, note.value));
      toast(`Marked done: ${step.title}.`);
    } catch (error) {
      toastError(error);
    }
  });
  return [form];
}

/**
 * The button for a step's `action`, leading to what fixes it.
 *
 * @param {any} app
 * @param {any} guide
 * @param {any} step
 * @param {string | null} accountId
 * @param {HTMLElement} slot where inline results (clock, CLI hint, draft) go
 * @returns {HTMLElement | null}
 */
function actionButton(app, guide, step, accountId, slot) {
  const needAccount = (/** @type {() => void} */ go) => () => {
    if (!app.unlocked) {
      fill(slot, h("p", { class: "hint", text: "Unlock Sparekey to use what it saved for this account." }));
      return;
    }
    if (!accountId) {
      toast("Choose the account first.", "error");
      return;
    }
    go();
  };
  // A done step of a prevent guide keeps its way to the fix, but quietly.
  // (In a recover guide, "done" means Sparekey holds what to use: showing
  // the code is then the main thing to do.)
  const done = step.status.state === "done" && guide.kind === "prevent";
  const button = (/** @type {string} */ text, /** @type {() => void} */ onclick) =>
    h("button", { type: "button", class: done ? "secondary small" : "primary", id: `action-${step.id}`, dataset: { action: step.action }, text, onclick });
  switch (step.action) {
    case "add_recovery_codes":
      return button("Add recovery codes", needAccount(() => app.showAccount(accountId, "recovery")));
    case "use_recovery_code":
      return button("Use a recovery code", needAccount(() => app.showAccount(accountId, "recovery")));
    case "show_code":
      return button("Show the code", needAccount(() => app.showAccount(accountId)));
    case "add_totp":
      return button("Add TOTP", () => (app.unlocked ? app.showAdd() : fill(slot, h("p", { class: "hint", text: "Unlock Sparekey to add the secret." }))));
    case "export_backup":
      return button("Export a backup", () => {
        if (!app.unlocked) {
          fill(slot, h("p", { class: "hint", text: "Unlock Sparekey to export a backup." }));
          return;
        }
        app.showExport();
      });
    case "create_kit":
      return button(done ? "Open the kit's settings" : "Make the emergency kit", () => {
        if (!app.unlocked) {
          fill(slot, h("p", { class: "hint", text: "Unlock Sparekey to make the emergency kit." }));
          return;
        }
        app.showSettings({ section: "kit-card" });
      });
    case "check_clock":
      return button("Check the clock", async () => {
        try {
          const clock = await api.clockStatus();
          fill(slot, h("p", { class: clock.state === "unsynchronized" ? "warning" : "hint", id: "clock-result", role: "status" }, ...prose(sentence(clock.message))));
        } catch (error) {
          toastError(error);
        }
      });
    case "draft_recovery_request":
      return button("Draft the request", () => app.showLockout({ service: guide.service, branch: "nothing-works", draft: true }));
    case "open_next_guide":
      return guide.next ? button("Open the next guide", () => (app.unlocked ? app.showGuide(guide.next, accountId) : fill(slot, h("p", { class: "hint", text: "Unlock Sparekey, then open Guides to make the account lockout-proof." })))) : null;
    default:
      // A step without an action in the app: its text says what to do.
      // (Its `cli` field is the command-line front end's, never shown here.)
      return null;
  }
}
