// Guides (issue 4): the list of guides, and one guide evaluated for an
// account: each step's state (done, not done, stale, unknown, info), dates,
// notes, links that open in the system browser, manual checks, and action
// buttons that lead to what fixes the step. Every rule (which steps count,
// what is done) is core's; this view only shows GuideView as it comes.

import * as api from "../api.js";
import { h } from "../lib/dom.js";
import { toast } from "../lib/toast.js";
import { errorNote, toastError } from "../lib/errors.js";
import { formatDate } from "../lib/format.js";

const STATE_LABELS = {
  done: "Done",
  not_done: "To do",
  stale: "Due again",
  unknown: "Unknown",
  info: "Info",
};

/**
 * The Guides screen: every guide, grouped by kind.
 *
 * @param {any} app
 */
export async function showGuides(app) {
  const view = app.screen("guides");
  app.onBack = () => app.showList();
  const head = h(
    "div",
    { class: "page-head" },
    h("button", { type: "button", class: "ghost back", id: "back", onclick: () => app.showList(), text: "← Accounts" }),
    h("h2", { text: "Guides" }),
  );
  view.append(head);
  let guides;
  try {
    guides = await api.guidesList();
  } catch (error) {
    view.append(errorNote(error));
    return;
  }
  const card = (/** @type {any} */ g) =>
    h(
      "li",
      { class: "guide-item", dataset: { guide: g.id } },
      h(
        "button",
        {
          type: "button",
          class: "guide-link",
          id: `guide-${g.id}`,
          onclick: () => (g.kind === "recover" ? app.showLockout({ service: g.service }) : app.showGuide(g.id, null)),
        },
        h("span", { class: "guide-service", text: g.service_label }),
        h("strong", { text: g.title }),
        h("span", { class: "hint", text: g.summary }),
      ),
    );
  const prevent = guides.filter((/** @type {any} */ g) => g.kind === "prevent");
  const recover = guides.filter((/** @type {any} */ g) => g.kind === "recover");
  view.append(
    h(
      "section",
      { class: "card" },
      h("h3", { text: "Make an account lockout-proof" }),
      h("p", { class: "hint", text: "Step by step, checked against what the vault holds. Your progress is saved per account." }),
      h("ul", { class: "guide-list", id: "prevent-guides" }, ...prevent.map(card)),
    ),
    h(
      "section",
      { class: "card" },
      h("h3", { text: "I'm locked out" }),
      h("ul", { class: "guide-list", id: "recover-guides" }, ...recover.map(card)),
    ),
  );
  view.focus();
}

/**
 * One guide for one account.
 *
 * @param {any} app
 * @param {string} guideId
 * @param {string | null} accountId null: the first account the guide is for
 * @param {{ stepId?: string | null }} [options] stepId: bring that step into view
 */
export async function showGuide(app, guideId, accountId, options = {}) {
  const view = app.screen("guide");
  app.onBack = () => app.showGuides();
  const body = h("div", { class: "guide-body" });
  view.append(
    h(
      "div",
      { class: "page-head" },
      h("button", { type: "button", class: "ghost back", id: "back", onclick: () => app.showGuides(), text: "← Guides" }),
      h("h2", { id: "guide-title", text: "Guide" }),
    ),
    body,
  );
  let fitting = [];
  /** @type {{id: string, label: string}[]} */
  let choices = [];
  try {
    [fitting, choices] = await Promise.all([api.guideAccounts(guideId), api.accountChoices()]);
  } catch (error) {
    body.append(errorNote(error));
    return;
  }
  let chosen = accountId;
  if (!chosen && fitting.length) {
    chosen = fitting[0].id;
  }
  // Accounts the guide is written for first, then the others.
  const written = new Set(fitting.map((/** @type {any} */ f) => f.id));
  const others = choices.filter((a) => !written.has(a.id));
  const select = /** @type {HTMLSelectElement} */ (h("select", { id: "guide-account" }));
  const option = (/** @type {any} */ a) => h("option", { value: a.id, text: a.label, selected: a.id === chosen });
  if (!chosen) {
    select.append(h("option", { value: "", text: "Choose an account…", selected: true }));
  }
  if (fitting.length) {
    select.append(h("optgroup", { label: "Written for" }, ...fitting.map(option)));
  }
  if (others.length) {
    select.append(h("optgroup", { label: "Other accounts" }, ...others.map(option)));
  }
  select.addEventListener("change", () => showGuide(app, guideId, select.value || null));

  const render = async () => {
    let guide;
    try {
      guide = await api.guideView(guideId, chosen);
    } catch (error) {
      body.replaceChildren(errorNote(error));
      return;
    }
    const title = byIdIn(view, "guide-title");
    if (title) title.textContent = guide.title;
    const steps = h("ol", { class: "steps", id: "guide-steps" });
    renderSteps(app, steps, guide, chosen, (next) => {
      guide = next;
      render();
    });
    body.replaceChildren(
      h(
        "section",
        { class: "card guide-head" },
        h("p", { class: "lead", text: guide.summary }),
        h("div", { class: "field" }, h("label", { for: "guide-account", text: "For account" }), select),
        guide.account && !guide.fits_account ? h("p", { class: "hint", text: `This guide is written for ${guide.service_label} accounts; ${guide.account.label} may differ.` }) : null,
        progressBar(guide),
      ),
      steps,
      guide.next
        ? h("div", { class: "actions" }, h("button", { type: "button", class: "secondary", id: "guide-next", text: "Next guide →", onclick: () => app.showGuide(guide.next, chosen) }))
        : null,
    );
  };
  await render();
  const step = options.stepId ? view.querySelector(`#step-${CSS.escape(options.stepId)}`) : null;
  if (step instanceof HTMLElement) {
    step.classList.add("linked");
    step.setAttribute("tabindex", "-1");
    step.scrollIntoView({ block: "center" });
    step.focus();
  } else {
    view.focus();
  }
}

/** @param {HTMLElement} root @param {string} id */
function byIdIn(root, id) {
  return root.querySelector(`#${id}`);
}

/**
 * "3 of 8 done" with a bar.
 *
 * @param {any} guide a GuideView
 */
export function progressBar(guide) {
  const { done, total, complete } = guide.progress;
  const percent = total ? Math.round((done / total) * 100) : 100;
  // Through the CSSOM: the CSP forbids style attributes.
  const fill = h("span");
  fill.style.width = `${percent}%`;
  return h(
    "div",
    { class: "guide-progress", id: "guide-progress", dataset: { complete: String(complete) } },
    h("span", { class: "progress-text", text: complete ? `All ${total} steps done.` : `${done} of ${total} steps done` }),
    h("span", { class: "progress-bar", role: "progressbar", "aria-valuemin": "0", "aria-valuemax": String(total), "aria-valuenow": String(done) }, fill),
  );
}

/**
 * Fills `list` with the guide's own steps.
 *
 * @param {any} app
 * @param {HTMLElement} list
 * @param {any} guide a GuideView
 * @param {string | null} accountId
 * @param {(next: any) => void} changed called with the re-evaluated guide
 */
export function renderSteps(app, list, guide, accountId, changed) {
  list.replaceChildren(...guide.steps.map((/** @type {any} */ step) => stepItem(app, guide, step, accountId, changed)));
}

/**
 * One step: its state, text, detail, links, check and action.
 *
 * @param {any} app
 * @param {any} guide
 * @param {any} step a StepView
 * @param {string | null} accountId
 * @param {(next: any) => void} changed
 */
export function stepItem(app, guide, step, accountId, changed) {
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
    h("p", { class: "step-text", text: step.text }),
    status.detail ? h("p", { class: "hint step-detail", text: status.detail }) : null,
    meta.length ? h("p", { class: "step-meta" }, ...meta) : null,
    links.length ? h("div", { class: "step-links" }, ...links) : null,
    h("div", { class: "actions step-actions" }, actionButton(app, guide, step, accountId, slot), ...checkControls(guide, step, accountId, changed)),
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
      slot.replaceChildren(h("p", { class: "hint", text: "Unlock Sparekey to use what it saved for this account." }));
      return;
    }
    if (!accountId) {
      toast("Choose the account first.", "error");
      return;
    }
    go();
  };
  const button = (/** @type {string} */ text, /** @type {() => void} */ onclick) =>
    h("button", { type: "button", class: "primary", id: `action-${step.id}`, dataset: { action: step.action }, text, onclick });
  switch (step.action) {
    case "add_recovery_codes":
      return button("Add recovery codes", needAccount(() => app.showAccount(accountId, "recovery")));
    case "use_recovery_code":
      return button("Use a recovery code", needAccount(() => app.showAccount(accountId, "recovery")));
    case "show_code":
      return button("Show the code", needAccount(() => app.showAccount(accountId)));
    case "add_totp":
      return button("Add TOTP", () => (app.unlocked ? app.showAdd() : slot.replaceChildren(h("p", { class: "hint", text: "Unlock Sparekey to add the secret." }))));
    case "export_backup":
      return button("Export a backup", async () => {
        if (!app.unlocked) {
          slot.replaceChildren(h("p", { class: "hint", text: "Unlock Sparekey to export a backup." }));
          return;
        }
        if (typeof app.showExport === "function") {
          app.showExport();
          return;
        }
        const cli = step.cli || "sparekey-cli export --format backup --out FILE";
        slot.replaceChildren(h("p", { class: "hint", text: "Export it from a terminal:" }), h("code", { class: "cli", id: `cli-${step.id}`, text: cli }));
      });
    case "check_clock":
      return button("Check the clock", async () => {
        try {
          const clock = await api.clockStatus();
          slot.replaceChildren(h("p", { class: clock.state === "unsynchronized" ? "warning" : "hint", id: "clock-result", role: "status", text: clock.message }));
        } catch (error) {
          toastError(error);
        }
      });
    case "draft_recovery_request":
      return button("Draft the request", () => app.showLockout({ service: guide.service, branch: "nothing-works", draft: true }));
    case "open_next_guide":
      return guide.next ? button("Open the next guide", () => (app.unlocked ? app.showGuide(guide.next, accountId) : slot.replaceChildren(h("p", { class: "hint", text: "Unlock Sparekey, then open Guides to make the account lockout-proof." })))) : null;
    default:
      return step.cli ? h("code", { class: "cli", text: step.cli }) : null;
  }
}

/**
 * The account page's card: the account's prevent guide and its progress.
 *
 * @param {any} app
 * @param {string} accountId
 * @returns {HTMLElement}
 */
export function accountGuideCard(app, accountId) {
  const card = h("section", { class: "card", id: "account-guide", "aria-labelledby": "account-guide-title" }, h("h3", { id: "account-guide-title", text: "Lockout-proof" }));
  api
    .accountGuide(accountId)
    .then((guide) => {
      const next = guide.steps.find((/** @type {any} */ s) => s.id === guide.next_step);
      card.append(
        h("p", { class: "guide-name", text: guide.title }),
        progressBar(guide),
        next ? h("p", { class: "hint", id: "account-guide-next", text: `Next: ${next.title}` }) : null,
        h("div", { class: "actions" }, h("button", { type: "button", class: "secondary", id: "account-guide-open", text: guide.progress.complete ? "Review the guide" : "Continue the guide", onclick: () => app.showGuide(guide.id, accountId) })),
      );
    })
    .catch((error) => card.append(errorNote(error)));
  return card;
}
