// The main screen: every account with its live code, a countdown, the next
// code in the last seconds, search as you type and sorting. Rust searches,
// sorts and sends one page of PAGE rows at a time; the next page is asked
// for when "Show more" comes into view (or is clicked), so with 10,000
// accounts the page holds only the rows scrolled through. A
// row is built once per change of its account (unchanged rows are kept
// across renders); the per-second tick asks only for the codes of shown
// rows and touches only texts that changed.

import * as api from "../api.js";
import { h, add, fill } from "../lib/dom.js";
import { toast } from "../lib/toast.js";
import { toastError } from "../lib/errors.js";
import { updateCode } from "../lib/codes.js";

/**
 * Rows per page: the first page is what unlock sends (Rust's FIRST_PAGE).
 * Two screens of the default window; each row costs WebKit about 50 KiB, so
 * pages stay small and the next one comes when the end of the list comes
 * near the window (which also fills a taller window).
 */
export const PAGE = 16;
/** How near (px) "Show more" may come to the window before it loads. */
const LOAD_AHEAD = "400px";

/** @typedef {import("../lib/codes.js").RowParts} RowParts */

export class AccountsView {
  /** @param {any} app */
  constructor(app) {
    this.app = app;
    this.query = "";
    /** @type {"issuer" | "newest"} */
    this.sort = "issuer";
    this.limit = PAGE;
    /** Only accounts with this tag ("" = any). */
    this.tag = "";
    /** @type {string[]} every tag in the vault, for the filter */
    this.tags = [];
    /** @type {HTMLSelectElement | null} */
    this.tagSelect = null;
    /** @type {import("../api.js").AccountList | null} the page shown, from Rust */
    this.page = null;
    /** Which search, sort and limit `page` answers. */
    this.pageFor = "";
    /** Counts requests, so a late answer to an older search is dropped. */
    this.requests = 0;
    /** @type {Map<string, RowParts>} */
    this.rows = new Map();
    /** @type {HTMLElement | null} */
    this.listElement = null;
    /** @type {HTMLElement | null} */
    this.footer = null;
    this.open = false;
    /** @type {((event: KeyboardEvent) => void) | null} */
    this.searchKeys = null;
    /** @type {IntersectionObserver | null} watches "Show more" */
    this.loadAhead = null;
    /** True while the next page is on its way. */
    this.loadingMore = false;
  }

  /** Drops everything shown (on lock). */
  forget() {
    this.loadAhead?.disconnect();
    this.loadAhead = null;
    this.rows.clear();
    this.page = null;
    this.pageFor = "";
    this.startOver();
    this.open = false;
    this.listElement = null;
  }

  /** No search, by issuer, one page: how the list starts after an unlock. */
  startOver() {
    this.query = "";
    this.sort = "issuer";
    this.limit = PAGE;
    this.tag = "";
  }

  /** @returns {string} the search, sort and limit as one key */
  request() {
    return JSON.stringify([this.query, this.sort, this.limit, this.tag]);
  }

  /**
   * The page Rust sent with an unlock (the first page: no search, by issuer).
   *
   * @param {import("../api.js").AccountList} list
   */
  setFirstPage(list) {
    this.startOver();
    this.page = list;
    this.pageFor = this.request();
  }

  /**
   * Asks Rust for the page of the current search, sort and limit. Answers
   * to older requests (the search changed meanwhile) are dropped.
   *
   * @returns {Promise<boolean>} false when a newer request overtook this one
   */
  async load() {
    const asked = ++this.requests;
    const key = this.request();
    const overview = await api.listAccounts(this.query, this.sort, this.limit, this.tag);
    if (asked !== this.requests) {
      return false;
    }
    this.app.settings = overview.settings;
    this.tags = overview.tags || [];
    this.fillTags();
    this.page = overview.list;
    this.pageFor = key;
    return true;
  }

  /** Loads the page for what the user asked, then shows it. */
  async refresh() {
    try {
      if (await this.load()) {
        this.render();
      }
    } catch (error) {
      toastError(error);
    }
  }

  show() {
    const app = this.app;
    const view = app.screen("accounts");
    this.open = true;
    // A text field with the searchbox role, not type="search": WebKitGTK
    // draws a search field's icons from SVG images, a document each, which
    // cost its web process 3 MiB (libxml2 and SVG code, measured). Escape
    // clears the field (below), as the search type's button would.
    const search = /** @type {HTMLInputElement} */ (
      h("input", {
        id: "search",
        type: "text",
        role: "searchbox",
        enterkeyhint: "search",
        placeholder: "Search accounts",
        autocomplete: "off",
        spellcheck: "false",
        "aria-keyshortcuts": "/ Control+F",
        value: this.query,
      })
    );
    search.addEventListener("input", () => this.search(search.value));
    search.addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown" || (event.key === "Enter" && this.firstRow())) {
        event.preventDefault();
        const first = this.firstRow();
        if (first && event.key === "Enter") {
          this.copy(first.dataset.id || "");
        } else {
          first?.focus();
        }
      } else if (event.key === "Escape" && search.value) {
        event.stopPropagation();
        search.value = "";
        this.search("");
      }
    });
    const sort = /** @type {HTMLSelectElement} */ (
      h(
        "select",
        { id: "sort", "aria-label": "Sort accounts" },
        h("option", { value: "issuer", text: "By issuer" }),
        h("option", { value: "newest", text: "Newest first" }),
      )
    );
    sort.value = this.sort;
    sort.addEventListener("change", () => {
      this.sort = sort.value === "newest" ? "newest" : "issuer";
      this.limit = PAGE;
      this.refresh();
    });
    const tagSelect = /** @type {HTMLSelectElement} */ (h("select", { id: "tag-filter", "aria-label": "Show accounts with tag" }));
    tagSelect.addEventListener("change", () => {
      this.tag = tagSelect.value;
      this.limit = PAGE;
      this.refresh();
    });
    this.tagSelect = tagSelect;
    this.fillTags();
    const bar = h(
      "div",
      { class: "list-bar" },
      h(
        "div",
        { class: "search" },
        h("label", { for: "search", class: "sr-only", text: "Search accounts" }),
        search,
        h("kbd", { class: "search-key", "aria-hidden": "true", text: "/" }),
      ),
      sort,
      tagSelect,
      h("button", { id: "add-button", type: "button", class: "primary", onclick: () => app.showAdd(), text: "Add account" }),
    );
    this.listElement = h("ul", { id: "accounts", class: "accounts", "aria-label": "Accounts" });
    this.listElement.addEventListener("keydown", (event) => this.onKey(event));
    this.footer = h("div", { class: "list-footer" });
    const keys = h("p", { id: "row-keys", class: "sr-only", text: "Enter copies the code; the right arrow opens its details." });
    add(view, bar, keys, this.listElement, this.footer);
    app.visibleIds = () => [...this.rows.keys()];
    app.onTick = (result) => this.onTick(result);
    app.onBack = null;
    if (this.page && this.pageFor === this.request()) {
      this.render();
      // Its codes were shown when it came: ask for current ones now.
      app.tick();
    } else {
      this.refresh();
    }
    search.focus();

    if (this.searchKeys) {
      document.removeEventListener("keydown", this.searchKeys);
    }
    const searchKeys = (/** @type {KeyboardEvent} */ event) => {
      if (!this.open || view.dataset.screen !== "accounts") {
        return;
      }
      const inField = event.target instanceof HTMLInputElement || event.target instanceof HTMLTextAreaElement;
      if ((event.key === "/" && !inField) || ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "f")) {
        event.preventDefault();
        search.focus();
        search.select();
      }
    };
    this.searchKeys = searchKeys;
    document.addEventListener("keydown", searchKeys);
  }

  /** Offers every tag of the vault in the filter (hidden when there are none). */
  fillTags() {
    const select = this.tagSelect;
    if (!select) {
      return;
    }
    if (this.tag && !this.tags.includes(this.tag)) {
      this.tags = [...this.tags, this.tag];
    }
    fill(select, h("option", { value: "", text: "All tags" }), ...this.tags.map((t) => h("option", { value: t, text: `Tag: ${t}` })));
    select.value = this.tag;
    select.hidden = this.tags.length === 0;
  }

  /** The accounts changed (added here, or on disk): rebuild if shown. */
  dataChanged() {
    if (this.open && this.app.onTick && document.getElementById("accounts")) {
      this.render();
    }
  }

  /** @returns {HTMLElement | null} */
  firstRow() {
    return this.listElement?.querySelector("li.account") ?? null;
  }

  render() {
    const list = this.listElement;
    const footer = this.footer;
    if (!list || !footer) {
      return;
    }
    const focusedId = document.activeElement instanceof HTMLElement ? document.activeElement.dataset.id : undefined;
    // Rows whose account did not change are kept as they are (with the
    // code they show); only new or changed accounts get a new row.
    const page = this.page;
    if (!page) {
      return;
    }
    const previous = this.rows;
    this.rows = new Map();
    const shown = page.accounts;
    const items = [];
    let group = null;
    // Group headings only help when some issuer has several accounts.
    const issuers = new Set(shown.map((a) => a.issuer.toLowerCase()));
    const grouped = this.sort === "issuer" && issuers.size < shown.length;
    for (const account of shown) {
      // Pinned accounts come first (Rust sorts them there), under their own heading.
      const key = account.pinned ? "\u0000pinned" : account.issuer;
      if (grouped && key !== group) {
        group = key;
        items.push(h("li", { class: "group", role: "presentation", text: account.pinned ? "Pinned" : group || "No issuer" }));
      }
      items.push(this.row(account, previous));
    }
    fill(list, ...items);
    // A new page comes with its codes: shown now, not at the next tick;
    // once only, since they age (a later render of the same page waits for
    // the tick).
    if (page.codes.length) {
      this.onTick({ codes: page.codes });
      page.codes = [];
    }
    fill(footer);
    this.loadAhead?.disconnect();
    this.loadAhead = null;
    const hidden = page.matching - shown.length;
    if (page.total === 0) {
      add(footer,
        h(
          "div",
          { class: "empty card", id: "empty-state" },
          h("h2", { text: "No accounts yet" }),
          h("p", { text: "Start with one account you use often. On its website, open the security settings, choose to set up an authenticator app, and copy the setup link or save the QR code as an image." }),
          h("p", { text: "Then add it here: paste the link, choose the image, or type the secret." }),
          h("button", { type: "button", class: "primary", onclick: () => this.app.showAdd(), text: "Add your first account" }),
        ),
      );
    } else if (page.matching === 0) {
      const what = this.query ? `matches "${this.query}"` : "";
      const tagged = this.tag ? `has the tag "${this.tag}"` : "";
      add(footer, h("p", { class: "empty-search", id: "no-match", text: `No account ${[tagged, what].filter(Boolean).join(" and ")}.` }));
    } else if (hidden > 0) {
      const more = h("button", {
        type: "button",
        id: "show-more",
        class: "secondary",
        text: `Show ${Math.min(PAGE, hidden)} more (${hidden} not shown)`,
        onclick: () => this.showMore(shown.length),
      });
      add(footer, more);
      this.watchShowMore(more, shown.length);
    } else {
      add(footer, h("p", { class: "hint keys", text: "Enter or click copies a code · ↑ ↓ move · → opens details · / searches · Ctrl+L locks" }));
    }
    if (focusedId) {
      this.rows.get(focusedId)?.row.focus();
    }
  }

  /**
   * Shows the first page of what `query` finds (typed, or cleared with
   * Escape).
   *
   * @param {string} query
   */
  search(query) {
    this.query = query;
    this.limit = PAGE;
    this.refresh();
  }

  /**
   * Asks for the next page after the `shown` rows, one request at a time:
   * the button and scrolling near it may both ask.
   *
   * @param {number} shown
   */
  async showMore(shown) {
    if (this.loadingMore) {
      return;
    }
    this.loadingMore = true;
    this.limit = shown + PAGE;
    try {
      await this.refresh();
    } finally {
      this.loadingMore = false;
    }
  }

  /**
   * Loads the next page when `button` comes within LOAD_AHEAD of the
   * window, so scrolling never stops at a button. A window taller than the
   * rows loads pages until it is full.
   *
   * @param {HTMLElement} button "Show more"
   * @param {number} shown the rows above it
   */
  watchShowMore(button, shown) {
    this.loadAhead = new IntersectionObserver(
      (entries) => {
        if (entries.some((entry) => entry.isIntersecting) && button.isConnected) {
          this.showMore(shown);
        }
      },
      { rootMargin: `0px 0px ${LOAD_AHEAD} 0px` },
    );
    this.loadAhead.observe(button);
  }

  /**
   * The row of an account: the one already shown if the account is
   * unchanged, else a new one.
   *
   * @param {any} account
   * @param {Map<string, RowParts>} previous the rows shown before
   */
  row(account, previous) {
    const key = JSON.stringify(account);
    const shown = previous.get(account.id);
    if (shown && shown.key === key) {
      this.rows.set(account.id, shown);
      return shown.row;
    }
    // The row is named by what it shows (issuer, name, code), so a screen
    // reader reads the code too; the keys are its description.
    const rowId = `row-${account.id}`;
    const code = h("span", { class: "code", id: `${rowId}-code`, text: "" });
    const next = h("span", { class: "next-code" });
    const bar = h("span", { class: "bar" });
    const seconds = h("span", { class: "seconds" });
    const label = account.issuer ? `${account.issuer}, ${account.name}` : account.name;
    let codeArea;
    if (account.otp_type === "hotp") {
      code.textContent = "Take code";
      code.classList.add("take");
      codeArea = h("div", { class: "codebox" }, code, h("span", { class: "meta", id: `${rowId}-meta`, text: `counter ${account.counter}` }));
    } else if (account.otp_type === "none") {
      code.textContent = "—";
      codeArea = h("div", { class: "codebox" }, code, h("span", { class: "meta", id: `${rowId}-meta`, text: "no 2FA secret" }));
    } else {
      codeArea = h(
        "div",
        { class: "codebox" },
        h("div", { class: "code-line" }, code, h("span", { class: "countdown", "aria-hidden": "true" }, bar, seconds)),
        next,
      );
    }
    const badges = h("div", { class: "badges" });
    if (account.pinned) {
      add(badges, h("span", { class: "badge pin", title: "Pinned: listed first", text: "Pinned" }));
    }
    for (const tag of account.tags.slice(0, 3)) {
      add(badges, h("span", { class: "badge tag", title: "Tag", text: tag }));
    }
    if (account.recovery.total > 0) {
      add(badges,
        h("span", {
          class: account.recovery.running_low ? "badge low" : "badge",
          title: "Unused recovery codes",
          text: `${account.recovery.unused}/${account.recovery.total} recovery`,
        }),
      );
    }
    const details = h("button", {
      type: "button",
      class: "details ghost",
      "aria-label": `Details of ${label}`,
      tabindex: "-1",
      text: "Details",
      onclick: (/** @type {Event} */ event) => {
        event.stopPropagation();
        this.app.showAccount(account.id);
      },
    });
    const issuer = account.issuer || account.name;
    const name = account.issuer ? account.name : "";
    const named = [`${rowId}-issuer`, name ? `${rowId}-name` : "", `${rowId}-code`, account.otp_type === "hotp" || account.otp_type === "none" ? `${rowId}-meta` : ""];
    const row = h(
      "li",
      {
        class: "account",
        tabindex: "0",
        dataset: { id: account.id, type: account.otp_type },
        "aria-labelledby": named.filter(Boolean).join(" "),
        "aria-describedby": "row-keys",
      },
      // Cut with an ellipsis when narrow: the title holds the whole text.
      h("div", { class: "who" }, h("span", { class: "issuer", id: `${rowId}-issuer`, title: issuer, text: issuer }), h("span", { class: "name", id: `${rowId}-name`, title: name || null, text: name })),
      badges,
      codeArea,
      details,
    );
    row.addEventListener("click", () => this.copy(account.id));
    this.rows.set(account.id, { row, code, next, bar, seconds, key, last: "", lastNext: "", lastLeft: -1 });
    return row;
  }

  /** @param {KeyboardEvent} event */
  onKey(event) {
    const row = /** @type {HTMLElement} */ (event.target);
    if (!(row instanceof HTMLElement) || !row.classList.contains("account")) {
      return;
    }
    const id = row.dataset.id || "";
    const rows = [...(this.listElement?.querySelectorAll("li.account") ?? [])];
    const index = rows.indexOf(row);
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      this.copy(id);
    } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const target = rows[index + (event.key === "ArrowDown" ? 1 : -1)];
      if (target instanceof HTMLElement) {
        target.focus();
      } else if (event.key === "ArrowUp") {
        document.getElementById("search")?.focus();
      }
    } else if (event.key === "Home" || event.key === "End") {
      event.preventDefault();
      const target = event.key === "Home" ? rows[0] : rows[rows.length - 1];
      if (target instanceof HTMLElement) target.focus();
    } else if (event.key === "ArrowRight") {
      event.preventDefault();
      this.app.showAccount(id);
    }
  }

  /** @param {string} id */
  async copy(id) {
    try {
      const result = await api.copyCode(id);
      const seconds = result.clear_after_seconds;
      const clears = seconds > 0 ? ` It will be cleared from the clipboard in ${seconds} s.` : "";
      if (result.counter !== null && result.counter !== undefined) {
        toast(`Copied code #${result.counter}.${clears}`);
        await this.app.reload();
        this.dataChanged();
      } else {
        toast(`Code copied.${clears}`);
      }
    } catch (error) {
      toastError(error);
    }
  }

  /** @param {{codes: any[]}} result */
  onTick(result) {
    for (const view of result.codes) {
      const parts = this.rows.get(view.id);
      if (!parts) continue;
      updateCode(parts, view);
    }
  }
}
