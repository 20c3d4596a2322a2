// Health: the vault's lockout risks as core finds them, most serious first,
// each linked to the guide step (or the account's ways back in) that fixes
// it, and the recovery graph: which mailbox recovers what, weak points marked. Also keeps the header badge
// (number of critical and warning findings) up to date.

import * as api from "../api.js";
import { h, byId, add, fill, prose } from "../lib/dom.js";
import { formatDateTime, plural } from "../lib/format.js";
import { drawGraph } from "../lib/graph.js";

/**
 * What fixes a finding about the whole vault: a button straight to it
 * (a guide would ask which account, and the step only leads here).
 *
 * @type {Record<string, {text: string, go: (app: any) => void}>}
 */
const FIXES = {
  no_emergency_kit: { text: "Make an emergency kit", go: (app) => app.showSettings({ section: "kit-card" }) },
  vault_single_point: { text: "Make an emergency kit", go: (app) => app.showSettings({ section: "kit-card" }) },
  no_recent_backup: { text: "Export a backup", go: (app) => app.showExport() },
  auto_backup_stale: { text: "Check automatic backups", go: (app) => app.showSettings({ section: "auto-backup-form" }) },
};

const SEVERITY = {
  critical: "Critical",
  warning: "Warning",
  notice: "Worth doing",
};

/** @param {string} clock core's ClockSync */
function clockText(clock) {
  switch (clock) {
    case "synchronized":
      return "The system clock is synchronized.";
    case "unsynchronized":
      return "The system clock is not synchronized: codes may be rejected.";
    default:
      return "Whether the system clock is synchronized is unknown here.";
  }
}

/**
 * What the badge counts (critical findings and warnings) and what the Health
 * screen says about them: one rule, so the two never disagree.
 *
 * @param {{critical: number, warning: number, notice: number}} counts
 * @returns {{serious: number, summary: string}}
 */
export function riskCount(counts) {
  const serious = counts.critical + counts.warning;
  const extra = counts.notice ? plural(counts.notice, "thing") + " worth doing" : "";
  let summary;
  if (serious) {
    summary = `${plural(serious, "lockout risk")} to look at${extra ? `, and ${extra}` : ""}.`;
  } else if (extra) {
    summary = `No lockout risks found; ${extra}.`;
  } else {
    summary = "No lockout risks found. Nice.";
  }
  return { serious, summary };
}

/**
 * Updates the header badge from a report (or fetches just the counts).
 *
 * @param {any} [report]
 */
export async function refreshHealthBadge(report) {
  const badge = byId("health-count");
  if (!badge) {
    return;
  }
  try {
    const counts = report ? report.counts : await api.healthCounts();
    const { serious } = riskCount(counts);
    badge.textContent = serious ? String(serious) : "";
    badge.hidden = serious === 0;
    badge.dataset.tone = counts.critical ? "critical" : "warning";
    badge.title = serious ? `${plural(serious, "lockout risk")} to look at` : "";
  } catch (error) {
    // Locked or not yet unlocked: no badge.
    badge.hidden = true;
  }
}

/** @param {any} app */
export async function showHealth(app) {
  const view = app.screen("health");
  app.onBack = () => app.showList();
  const list = h("ol", { class: "findings", id: "health-findings" });
  const summary = h("p", { id: "health-summary", class: "lead" });
  const clock = h("p", { id: "health-clock", class: "hint" });
  const refresh = h("button", { type: "button", id: "health-refresh", class: "secondary", text: "Check again" });
  const unrecorded = h("p", { id: "health-unrecorded", class: "hint" });
  const graphSlot = h("div", { class: "graph-slot", id: "recovery-graph-slot" });
  add(view,
    h(
      "div",
      { class: "page-head" },
      h("button", { type: "button", class: "ghost back", id: "back", onclick: () => app.showList(), text: "← Accounts" }),
      h("div", { class: "title-block" }, h("h2", { text: "Health" }), h("p", { class: "subtitle", text: "What could lock you out, most serious first." })),
    ),
    h("section", { class: "card" }, summary, list, unrecorded, clock, h("div", { class: "actions" }, refresh)),
    h(
      "section",
      { class: "card", id: "graph-card", "aria-labelledby": "graph-title" },
      h("h3", { id: "graph-title", text: "Recovery graph" }),
      h("p", { class: "hint", text: "Accounts, the mailboxes that recover them, and the accounts that guard those mailboxes. Red is a single loss that locks you out of something." }),
      graphSlot,
    ),
  );

  async function load() {
    refresh.setAttribute("disabled", "");
    try {
      const report = await api.healthReport();
      render(report);
      refreshHealthBadge(report);
      const graph = await api.recoveryGraph();
      fill(graphSlot, drawGraph(graph, (accountId) => app.showAccount(accountId, "ways")));
    } catch (error) {
      app.fail(error);
    } finally {
      refresh.removeAttribute("disabled");
    }
  }

  /** @param {any} report */
  function render(report) {
    summary.textContent = riskCount(report.counts).summary;
    fill(list, ...report.findings.map((/** @type {any} */ f) => finding(f)));
    clock.textContent = `${clockText(report.clock)} Checked ${formatDateTime(report.checked_at)}.`;
    fill(
      unrecorded,
      report.unrecorded_ways
        ? `${plural(report.unrecorded_ways, "account")} with 2FA ${report.unrecorded_ways === 1 ? "has" : "have"} no record of ${report.unrecorded_ways === 1 ? "its" : "their"} ways back in, so a single loss there cannot be seen. `
        : null,
      report.first_unrecorded ? h("button", { type: "button", class: "ghost small", id: "record-ways", text: "Record them", onclick: () => app.showAccount(report.first_unrecorded, "ways") }) : null,
    );
    unrecorded.hidden = !report.unrecorded_ways;
    list.dataset.checkedAt = String(report.checked_at);
  }

  /** @param {any} f core's Finding */
  function finding(f) {
    const actions = [];
    // Findings about the whole vault lead to the screen that fixes them.
    const fix = FIXES[f.kind];
    if (fix) {
      actions.push(h("button", { type: "button", class: "primary small", "data-fix": f.kind, text: fix.text, onclick: () => fix.go(app) }));
    } else if (f.opens === "ways" && f.account_id) {
      actions.push(h("button", { type: "button", class: "primary small", "data-fix": f.kind, text: "Fix it in the ways back in", onclick: () => app.showAccount(f.account_id, "ways") }));
    } else if (f.guide_id) {
      actions.push(
        h("button", {
          type: "button",
          class: "secondary small",
          "data-guide": f.guide_id,
          text: "Show how to fix it",
          onclick: () => app.showGuide(f.guide_id, f.account_id || null, { stepId: f.step_id || null }),
        }),
      );
    }
    if (f.account_id && f.opens !== "ways") {
      actions.push(h("button", { type: "button", class: "ghost small", text: "Open account", onclick: () => app.showAccount(f.account_id) }));
    }
    return h(
      "li",
      { class: "finding", dataset: { severity: f.severity, kind: f.kind } },
      h("span", { class: "severity", text: SEVERITY[f.severity] || f.severity }),
      h(
        "div",
        { class: "finding-body" },
        f.account_display ? h("strong", { class: "finding-account", text: f.account_display }) : null,
        h("p", { class: "finding-message" }, ...prose(f.message)),
        actions.length ? h("div", { class: "actions" }, ...actions) : null,
      ),
    );
  }

  refresh.addEventListener("click", load);
  await load();
  view.focus();
}
