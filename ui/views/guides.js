// Guides: the list of guides, and one guide evaluated for an
// account, its steps drawn by lib/steps.js. Every rule (which steps count,
// what is done) is core's; this view only shows GuideView as it comes.

import * as api from "../api.js";
import { h, add, fill } from "../lib/dom.js";
import { errorNote } from "../lib/errors.js";
import { progressBar, stepItem } from "../lib/steps.js";

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
  add(view, head);
  let guides;
  try {
    guides = await api.guidesList();
  } catch (error) {
    add(view, errorNote(error));
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
  add(view,
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
  add(view,
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
    add(body, errorNote(error));
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
  const option = (/** @type {any} */ a) => h("option", { value: a.id, text: a.display, selected: a.id === chosen });
  if (!chosen) {
    add(select, h("option", { value: "", text: "Choose an account…", selected: true }));
  }
  if (fitting.length) {
    add(select, h("optgroup", { label: "Written for" }, ...fitting.map(option)));
  }
  if (others.length) {
    add(select, h("optgroup", { label: "Other accounts" }, ...others.map(option)));
  }
  select.addEventListener("change", () => app.showGuide(guideId, select.value || null));

  const render = async () => {
    let guide;
    try {
      guide = await api.guideView(guideId, chosen);
    } catch (error) {
      fill(body, errorNote(error));
      return;
    }
    const title = byIdIn(view, "guide-title");
    if (title) title.textContent = guide.title;
    const steps = h("ol", { class: "steps", id: "guide-steps" });
    renderSteps(app, steps, guide, chosen, (next) => {
      guide = next;
      render();
    });
    fill(body,
      h(
        "section",
        { class: "card guide-head" },
        h("p", { class: "lead", text: guide.summary }),
        h("div", { class: "field" }, h("label", { for: "guide-account", text: "For account" }), select),
        guide.account && !guide.fits_account ? h("p", { class: "hint", text: `This guide is written for ${guide.service_label} accounts; ${guide.account.display} may differ.` }) : null,
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
 * Fills `list` with the guide's own steps.
 *
 * @param {any} app
 * @param {HTMLElement} list
 * @param {any} guide a GuideView
 * @param {string | null} accountId
 * @param {(next: any) => void} changed called with the re-evaluated guide
 */
function renderSteps(app, list, guide, accountId, changed) {
  fill(list, ...guide.steps.map((/** @type {any} */ step) => stepItem(app, guide, step, accountId, changed)));
}

