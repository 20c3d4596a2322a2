// "I'm locked out": choose the service (PyPI first), answer the recover
// guide's question, and follow only the chosen branch's steps. When nothing
// works, draft PyPI's account-recovery request (core's text, shown exactly),
// copy it from Rust and open the form in the browser. Works from the unlock
// screen too: being locked out of PyPI must not need the vault.

import * as api from "../api.js";
import { h, field, clearErrors, add, fill, swap, prose } from "../lib/dom.js";
import { sentence } from "../lib/format.js";
import { toast } from "../lib/toast.js";
import { errorNote, showFieldError, toastError } from "../lib/errors.js";
import { sourceList, stepItem } from "../lib/steps.js";

/**
 * @param {any} app
 * @param {{service?: string, branch?: string, draft?: boolean}} [options]
 */
export async function showLockout(app, options = {}) {
  const view = app.screen("lockout");
  const back = () => (app.unlocked ? app.showList() : app.showUnlock());
  app.onBack = back;
  const body = h("div", { class: "lockout-body" });
  add(view,
    h(
      "div",
      { class: "page-head" },
      h("button", { type: "button", class: "ghost back", id: "back", onclick: back, text: app.unlocked ? "← Accounts" : "← Unlock" }),
      h("h2", { id: "lockout-title", text: "I'm locked out" }),
    ),
    body,
  );
  if (!options.service) {
    await chooseService(app, body);
  } else {
    await showRecover(app, body, options);
  }
  view.focus();
}

/**
 * Step 1: which service?
 *
 * @param {any} app
 * @param {HTMLElement} body
 */
async function chooseService(app, body) {
  let guides;
  try {
    guides = (await api.guidesList()).filter((/** @type {any} */ g) => g.kind === "recover");
  } catch (error) {
    add(body, errorNote(error));
    return;
  }
  // PyPI first, then the others as core lists them.
  guides.sort((/** @type {any} */ a, /** @type {any} */ b) => Number(b.service === "pypi") - Number(a.service === "pypi"));
  add(body,
    h(
      "section",
      { class: "card" },
      h("h3", { text: "Which account can't you get into?" }),
      h(
        "div",
        { class: "choice-list", id: "lockout-services" },
        ...guides.map((/** @type {any} */ g) =>
          h(
            "button",
            { type: "button", class: "choice", id: `lockout-service-${g.service}`, onclick: () => app.showLockout({ service: g.service }) },
            h("strong", { text: g.service_label }),
            h("span", { class: "hint", text: g.summary }),
          ),
        ),
      ),
    ),
  );
}

/**
 * Step 2: the guide's question, its branches, the chosen branch's steps.
 *
 * @param {any} app
 * @param {HTMLElement} body
 * @param {{service?: string, branch?: string, draft?: boolean}} options
 */
async function showRecover(app, body, options) {
  const guideId = `${options.service}-recover`;
  let accountId = null;
  let guide;
  try {
    if (app.unlocked) {
      const fitting = await api.guideAccounts(guideId);
      accountId = fitting.length ? fitting[0].id : null;
    }
    guide = await api.guideView(guideId, accountId);
  } catch (error) {
    add(body, errorNote(error));
    return;
  }
  const title = document.getElementById("lockout-title");
  if (title) title.textContent = guide.title;

  const branchSlot = h("div", { class: "branch", id: "lockout-branch" });
  const choose = (/** @type {string} */ id) => {
    for (const button of body.querySelectorAll(".branch-choice")) {
      button.setAttribute("aria-pressed", String(/** @type {HTMLElement} */ (button).dataset.branch === id));
    }
    renderBranch(app, guide, id, accountId, branchSlot, { ...options, choose });
    branchSlot.scrollIntoView({ block: "start" });
  };
  // Core says when the vault holds unused codes for the account: first.
  const first = guide.codes_first;
  add(body,
    h(
      "section",
      { class: "card" },
      h("p", { class: "lead", text: guide.summary }),
      guide.account ? h("p", { class: "hint", text: `Using what Sparekey saved for ${guide.account.display}.` }) : null,
      first
        ? h(
            "div",
            { class: "note codes-first", id: "codes-first", role: "note" },
            h("strong", { text: first.message }),
            first.branch ? h("div", { class: "actions" }, h("button", { type: "button", class: "primary", id: "codes-first-go", text: "Show how →", onclick: () => choose(first.branch) })) : null,
          )
        : null,
      guide.branches.length ? h("h3", { id: "lockout-question", text: guide.question || "What happened?" }) : null,
      guide.branches.length
        ? h(
            "div",
            { class: "choice-list", role: "group", "aria-labelledby": "lockout-question" },
            ...guide.branches.map((/** @type {any} */ b) =>
              h("button", { type: "button", class: "choice branch-choice", id: `branch-${b.id}`, dataset: { branch: b.id }, "aria-pressed": "false", text: b.label, onclick: () => choose(b.id) }),
            ),
          )
        : null,
    ),
    branchSlot,
  );
  // A guide without a question (a mailbox, crates.io): its steps at once.
  if (!guide.branches.length) {
    fill(branchSlot, h("ol", { class: "steps", id: "branch-steps" }, ...guide.steps.map((/** @type {any} */ s) => stepItem(app, guide, s, accountId, () => app.showLockout({ service: options.service })))));
  }
  if (options.branch) {
    choose(options.branch);
  }
}

/**
 * @param {any} app
 * @param {any} guide a GuideView of a recover guide
 * @param {string} branchId
 * @param {string | null} accountId
 * @param {HTMLElement} slot
 * @param {{draft?: boolean, choose?: (id: string) => void}} options
 */
function renderBranch(app, guide, branchId, accountId, slot, options) {
  const branch = guide.branches.find((/** @type {any} */ b) => b.id === branchId);
  if (!branch) {
    fill(slot);
    return;
  }
  const rerender = async () => {
    try {
      const next = await api.guideView(guide.id, accountId);
      Object.assign(guide, next);
      renderBranch(app, guide, branchId, accountId, slot, { choose: options.choose });
    } catch (error) {
      toastError(error);
    }
  };
  // Core evaluated the clock with the guide: say it loudly when it is off.
  const clockOff = branch.steps.some((/** @type {any} */ s) => s.check.type === "auto" && s.check.auto === "clock_synchronized" && s.status.state === "not_done");
  const clockStep = branch.steps.find((/** @type {any} */ s) => s.check.type === "auto" && s.check.auto === "clock_synchronized");
  const list = h("ol", { class: "steps", id: "branch-steps" }, ...branch.steps.map((/** @type {any} */ s) => stepItem(app, guide, s, accountId, () => rerender(), options.choose)));
  const hasDraft = branch.steps.some((/** @type {any} */ s) => s.action === "draft_recovery_request");
  const request = hasDraft ? requestCard(options.draft === true, accountId) : null;
  fill(slot,
    h("h3", { class: "branch-title", text: branch.label }),
    clockOff && clockStep
      ? h("div", { class: "warning", id: "clock-warning", role: "alert" }, h("strong", { text: "Your clock is not synchronized. " }), ...prose(sentence(clockStep.status.detail || "Codes may be wrong.")))
      : null,
    list,
    request,
    guide.next
      ? h(
          "section",
          { class: "card after" },
          h("h3", { text: "Once you are back in" }),
          h("p", { class: "hint", text: "Make the account lockout-proof, so this does not happen again." }),
          h("div", { class: "actions" }, h("button", { type: "button", class: "secondary", id: "lockout-next", text: "Make it lockout-proof →", onclick: () => (app.unlocked ? app.showGuide(guide.next, accountId) : toast("Unlock Sparekey first, then open this guide from Guides.")) })),
        )
      : null,
  );
  // The draft action inside the steps jumps to the form below.
  for (const button of list.querySelectorAll('[data-action="draft_recovery_request"]')) {
    const clone = button.cloneNode(true);
    clone.addEventListener("click", () => request?.querySelector("input")?.focus());
    swap(button, clone);
  }
}

/**
 * The PyPI account-recovery request: username and reason in, core's draft
 * out. With an account (vault unlocked), core fills the username and knows
 * its unused codes.
 *
 * @param {boolean} focus focus the username field
 * @param {string | null} accountId
 * @returns {HTMLElement}
 */
function requestCard(focus, accountId) {
  const card = h("section", { class: "card request", id: "request-card", "aria-labelledby": "request-title" });
  const username = /** @type {HTMLInputElement} */ (h("input", { id: "request-username", type: "text", autocomplete: "username", spellcheck: "false" }));
  const reason = /** @type {HTMLSelectElement} */ (h("select", { id: "request-reason" }));
  const other = /** @type {HTMLTextAreaElement} */ (h("textarea", { id: "request-reason-other", rows: "3", placeholder: "What happened, in a sentence or two." }));
  const mailbox = /** @type {HTMLInputElement} */ (h("input", { id: "request-mailbox-gone", type: "checkbox" }));
  const otherField = field("Your reason", other);
  otherField.hidden = true;
  reason.addEventListener("change", () => {
    otherField.hidden = reason.value !== "";
  });
  const codesNote = h("div", { id: "request-codes" });
  const result = h("div", { class: "request-result", id: "request-result" });
  const form = h(
    "form",
    { class: "request-form", novalidate: true },
    field("PyPI username", username, "The name on pypi.org/user/NAME/, not your email address."),
    field("Reason", reason),
    otherField,
    h("label", { class: "check", for: "request-mailbox-gone" }, mailbox, " I can no longer read the account's primary mailbox (the request asks PyPI to use another address)"),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary", id: "request-draft", text: "Draft the request" })),
  );
  add(card,
    h("h3", { id: "request-title", text: "Draft PyPI's account-recovery request" }),
    h("p", { class: "hint", text: "Only PyPI's admins can help now. Sparekey writes the request in the order of their form; nothing is sent until you submit it yourself on GitHub." }),
    codesNote,
    form,
    result,
  );
  api
    .recoveryRequestForm(accountId)
    .then((info) => {
      add(reason, ...info.reasons.map((/** @type {string} */ r) => h("option", { value: r, text: r })), h("option", { value: "", text: "Something else…" }));
      if (info.username && !username.value) {
        username.value = info.username;
      }
      if (info.codes_first) {
        fill(codesNote, h("p", { class: "warning", role: "note", text: info.codes_first }));
      }
    })
    .catch(toastError);
  const answers = () => ({ accountId, username: username.value, reason: reason.value === "" ? other.value : reason.value, mailboxGone: mailbox.checked });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const asked = answers();
    try {
      const draft = await api.recoveryRequest(asked);
      showDraft(result, draft, asked);
    } catch (error) {
      showFieldError(error, { reason: reason.value === "" ? "request-reason-other" : "request-reason" }, "request-username");
    }
  });
  if (focus) {
    window.setTimeout(() => username.focus(), 0);
  }
  return card;
}

/**
 * Facts with their sources, as a list.
 *
 * @param {string} id
 * @param {any[]} facts
 * @returns {HTMLElement}
 */
function factList(id, facts) {
  return h("ol", { class: "next-steps", id }, ...facts.map((/** @type {any} */ f) => h("li", {}, h("span", { text: f.text }), sourceList(f.sources, f.checked))));
}

/**
 * @param {HTMLElement} slot
 * @param {any} draft a RecoveryRequest
 * @param {any} asked what the draft was made from (copied again from Rust)
 */
function showDraft(slot, draft, asked) {
  fill(slot,
    draft.warning ? h("div", { class: "warning", id: "request-warning", role: "alert" }, ...prose(sentence(draft.warning))) : null,
    h("h4", { id: "request-body-title", text: `Your request: "${draft.title}"` }),
    h("pre", { class: "draft", id: "request-body", tabindex: "0", "aria-labelledby": "request-body-title", text: draft.body }),
    h(
      "div",
      { class: "actions" },
      h("button", {
        type: "button",
        class: "primary",
        id: "request-copy",
        text: "Copy draft",
        onclick: async () => {
          try {
            await api.copyRecoveryRequest(asked);
            toast("Draft copied. Paste the fields into PyPI's form.");
          } catch (error) {
            toastError(error);
          }
        },
      }),
      h("button", {
        type: "button",
        class: "secondary",
        id: "request-open",
        title: draft.form_url,
        text: "Open the form ↗",
        onclick: () => api.openUrl(draft.form_url).catch(toastError),
      }),
    ),
    h("h4", { text: "Have this ready" }),
    h("ul", { class: "evidence", id: "request-evidence" }, ...draft.evidence.map((/** @type {string} */ e) => h("li", { text: e }))),
    h("h4", { text: "What happens next" }),
    factList("request-next", draft.next_steps),
    h("h4", { text: "Meanwhile, keep releases going" }),
    factList("request-meanwhile", draft.meanwhile),
  );
  slot.scrollIntoView({ block: "start" });
}
