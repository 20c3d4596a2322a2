// Entry point of the UI: decides which screen to show (create, unlock, the
// accounts), runs the one-per-second code refresh, and handles the keys that
// work everywhere (Ctrl+L locks, Esc goes back). Text is only ever set
// through textContent and DOM APIs.
//
// Every move to another screen goes through `App`: a view calls a method of
// the app it was given (`app.showUnlock()`, `app.showAccount(id)`) and never
// imports another view. Views import only `ui/lib/` and `api.js`
// (tests/security.rs checks this, and that no imports form a cycle).

import * as api from "./api.js";
import { byId, fill } from "./lib/dom.js";
import { toast } from "./lib/toast.js";
import { errorMessage } from "./lib/errors.js";
import { plural } from "./lib/format.js";
import * as welcome from "./views/welcome.js";
import { AccountsView } from "./views/accounts.js";
// The other screens' modules load when first opened (`import()` below):
// the unlock screen needs none of them, and WebKit keeps every module it
// has parsed.

/**
 * The screens that may be shown while the vault is locked. Any other one
 * needs the vault: `App.screen` refuses it while locked, so a reply that
 * arrives after a lock (Ctrl+L, the idle timer) never draws over the lock
 * screen.
 */
const LOCKED_SCREENS = new Set(["create", "unlock", "kit-unlock", "kit-reset", "restore-file", "lockout"]);

/**
 * Sets the User Timing mark `name` (replacing an earlier one) once the DOM
 * holds what it names. `scripts/bench` reads the marks through WebDriver to
 * time unlocking; nothing else uses them.
 *
 * @param {string} name
 */
function markTime(name) {
  performance.clearMarks(name);
  performance.mark(name);
}

/**
 * What the whole UI shares: the account summaries, the settings and which
 * screen is open. Views get this object and call its methods to move on.
 */
class App {
  constructor() {
    this.settings = { auto_lock_minutes: 5, clipboard_clear_seconds: 20 };
    this.unlocked = false;
    /** The screen's per-tick hook: gets the codes, returns nothing. */
    this.onTick = null;
    /** Which account ids the current screen shows codes for. */
    this.visibleIds = () => [];
    this.onBack = null;
    this.list = new AccountsView(this);
    this.tickTimer = 0;
    this.ticking = false;
    this.lastTouch = 0;
    /** True until the first codes after an unlock are on screen. */
    this.firstCodes = false;
    /** Counts screens shown and asked for: a module that loads after
     * another screen came up shows nothing. */
    this.opening = 0;
  }

  /** @returns {HTMLElement} the main area, emptied */
  screen(name) {
    if (!this.unlocked && !LOCKED_SCREENS.has(name)) {
      throw new Error(`The vault is locked: the ${name} screen waits for an unlock.`);
    }
    const view = /** @type {HTMLElement} */ (byId("view"));
    fill(view);
    // A new screen starts at its top, not where the last one was scrolled.
    view.scrollTop = 0;
    view.dataset.screen = name;
    this.opening++;
    markTime(`screen:${name}`);
    this.onTick = null;
    this.onBack = null;
    this.visibleIds = () => [];
    return view;
  }

  /**
   * What create, unlock and restore answer with: the list's first page
   * (with its codes) and the settings.
   *
   * @param {import("./api.js").Overview} overview
   */
  setOverview(overview) {
    this.settings = overview.settings;
    this.list.setFirstPage(overview.list);
  }

  async start() {
    try {
      const status = await api.vaultStatus();
      if (status.unlocked) {
        await this.list.load();
        this.enter();
      } else if (status.exists) {
        this.showUnlock();
      } else {
        this.showCreate(status.dir);
      }
    } catch (error) {
      this.fail(error);
    }
  }

  /** After create or unlock: the toolbar, the list and the tick. */
  enter() {
    this.unlocked = true;
    this.firstCodes = true;
    /** @type {HTMLElement} */ (byId("toolbar")).hidden = false;
    // The first page came with its codes: the list shows them at once.
    const withCodes = Boolean(this.list.page?.codes.length);
    this.showList();
    if (withCodes) {
      this.codesShown();
    }
    this.startTicking();
  }

  /** The first codes after an unlock are on screen: now the health badge. */
  codesShown() {
    if (!this.firstCodes) {
      return;
    }
    this.firstCodes = false;
    markTime("codes");
    this.refreshHealth();
  }

  /**
   * Loads a screen's module (the first time), then shows the screen with
   * `show`, unless another screen was asked for meanwhile.
   *
   * @param {() => Promise<any>} load
   * @param {(module: any) => unknown} show
   * @returns {Promise<boolean>} whether the screen was shown
   */
  async open(load, show) {
    const ticket = ++this.opening;
    let module;
    try {
      module = await load();
    } catch (error) {
      // Embedded in the app, a module fails to load only if the app is
      // broken; say so rather than ignore the click.
      this.fail(error);
      return false;
    }
    if (ticket !== this.opening) {
      return false;
    }
    await show(module);
    return true;
  }

  showList() {
    this.list.show();
  }

  /** First run: create the vault. @param {string} dir the vault folder */
  showCreate(dir) {
    welcome.showCreate(this, dir);
  }

  /** @param {string} [reason] why the vault is locked (auto-lock) */
  showUnlock(reason) {
    welcome.showUnlock(this, reason);
  }

  /** "Open with emergency kit", from the unlock screen. */
  async showKitUnlock() {
    await this.open(() => import("./views/kit.js"), (m) => m.showKitUnlock(this));
  }

  /** The printable kit, once, after making it. @param {any} kit a NewKit */
  async showKitPage(kit) {
    await this.open(() => import("./views/kit.js"), (m) => m.showKitPage(this, kit));
  }

  /** First run: the vault from an exported backup. @param {string} dir */
  async showRestoreFile(dir) {
    await this.open(() => import("./views/restore.js"), (m) => m.showRestoreFile(this, dir));
  }

  /**
   * The offer to restore a backup, for the unlock screen to show when
   * vault.age is damaged.
   *
   * @param {string} passphrase the passphrase just typed (it opened identity.age)
   * @param {string} problem core's message about the damaged file
   * @returns {Promise<HTMLElement | null>} null if another screen came up meanwhile
   */
  async restoreOffer(passphrase, problem) {
    /** @type {HTMLElement | null} */
    let offer = null;
    await this.open(
      () => import("./views/restore.js"),
      (m) => {
        offer = m.restoreOffer(this, passphrase, problem);
      },
    );
    return offer;
  }

  async showAdd() {
    await this.open(() => import("./views/add.js"), (m) => m.showAdd(this));
  }

  /**
   * @param {string} id
   * @param {string} [section] the id of a part to scroll to, e.g. "recovery"
   */
  async showAccount(id, section) {
    const opened = await this.open(() => import("./views/account.js"), (m) => m.showAccount(this, id));
    if (opened && section) {
      document.getElementById(section)?.scrollIntoView({ block: "start" });
    }
  }

  async showGuides() {
    await this.open(() => import("./views/guides.js"), (m) => m.showGuides(this));
  }

  /**
   * @param {string} guideId
   * @param {string | null} accountId null: the first account the guide is for
   * @param {{stepId?: string | null}} [options] stepId: bring that step into view
   */
  async showGuide(guideId, accountId, options) {
    await this.open(() => import("./views/guides.js"), (m) => m.showGuide(this, guideId, accountId, options));
  }

  /** "I'm locked out" (works locked too). @param {{service?: string, branch?: string, draft?: boolean}} [options] */
  async showLockout(options) {
    await this.open(() => import("./views/lockout.js"), (m) => m.showLockout(this, options));
  }

  /** @param {{section?: string}} [options] section: the id of a card to bring into view, e.g. "kit-card" */
  async showSettings(options = {}) {
    await this.open(() => import("./views/settings.js"), (m) => m.showSettings(this, options));
  }

  async showImport() {
    await this.open(() => import("./views/import.js"), (m) => m.showImport(this));
  }

  async showExport() {
    await this.open(() => import("./views/export.js"), (m) => m.showExport(this));
  }

  async showHealth() {
    await this.open(() => import("./views/health.js"), (m) => m.showHealth(this));
  }

  /** Updates the header's count of lockout risks (in the background). */
  async refreshHealth() {
    (await import("./views/health.js")).refreshHealthBadge();
  }

  /** Re-reads the list's page (after a change here or on disk). */
  async reload() {
    await this.list.load();
    this.refreshHealth();
  }

  /** @param {string} [reason] shown on the unlock screen */
  async lock(reason) {
    try {
      await api.lock();
    } catch (error) {
      // Locking in Rust cannot fail; a broken IPC still shows the lock screen.
      console.warn(error);
    }
    this.locked(reason);
  }

  /** The vault is locked (here or by the idle timer): forget everything. */
  locked(reason) {
    this.unlocked = false;
    this.list.forget();
    window.clearInterval(this.tickTimer);
    /** @type {HTMLElement} */ (byId("toolbar")).hidden = true;
    this.showUnlock(reason);
  }

  startTicking() {
    window.clearInterval(this.tickTimer);
    this.tick();
    this.tickTimer = window.setInterval(() => this.tick(), 1000);
  }

  /** One IPC call per second for every code on screen. */
  async tick() {
    if (!this.unlocked || this.ticking) {
      return;
    }
    this.ticking = true;
    try {
      const result = await api.codes(this.visibleIds());
      if (result.changed) {
        await this.reload();
        this.list.dataChanged();
      }
      if (this.onTick) {
        this.onTick(result, result.changed);
        this.codesShown();
      }
    } catch (error) {
      if (error instanceof api.AppError && error.kind === "locked") {
        const minutes = this.settings.auto_lock_minutes;
        this.locked(`Locked after ${plural(minutes, "minute")} without activity.`);
      } else {
        console.warn(error);
      }
    } finally {
      this.ticking = false;
    }
  }

  /** Tells the idle timer about keys and clicks, at most every 15 s. */
  activity() {
    const now = Date.now();
    if (this.unlocked && now - this.lastTouch > 15000) {
      this.lastTouch = now;
      api.touch().catch(() => {});
    }
  }

  /** @param {unknown} error */
  fail(error) {
    const message = errorMessage(error);
    toast(message, "error");
    const status = byId("status");
    if (status) {
      status.textContent = message;
      status.dataset.tone = "error";
    }
  }
}

const app = new App();

document.addEventListener("keydown", (event) => {
  app.activity();
  const key = event.key.toLowerCase();
  if ((event.ctrlKey || event.metaKey) && key === "l") {
    event.preventDefault();
    if (app.unlocked) {
      app.lock();
    }
    return;
  }
  if (event.key === "Escape" && app.onBack && !document.querySelector("dialog[open]")) {
    event.preventDefault();
    app.onBack();
  }
});
document.addEventListener("pointerdown", () => app.activity());
// After any change to the vault, the header's count of lockout risks is
// counted again (creating or verifying the kit, saving codes, a guide step).
window.addEventListener(api.VAULT_CHANGED, () => {
  if (app.unlocked) {
    app.refreshHealth();
    showMergeNotes();
  }
});

// A change merges what a sync tool left beside the vault; say what it did
// (after the change's own confirmation, which it replaces).
async function showMergeNotes() {
  try {
    const notes = await api.takeMergeNotes();
    if (notes.length > 0) {
      const warning = notes.some((note) => note.warning);
      toast(notes.map((note) => note.text).join(" "), warning ? "error" : "info");
    }
  } catch {
    // Locked meanwhile: nothing to show.
  }
}

byId("lock-button")?.addEventListener("click", () => app.lock());
byId("settings-button")?.addEventListener("click", () => app.showSettings());
byId("guides-button")?.addEventListener("click", () => app.showGuides());
byId("lockout-button")?.addEventListener("click", () => app.showLockout());
byId("import-button")?.addEventListener("click", () => app.showImport());
byId("export-button")?.addEventListener("click", () => app.showExport());
byId("health-button")?.addEventListener("click", () => app.showHealth());

async function showVersion() {
  const version = byId("app-version");
  try {
    const value = await api.appVersion();
    if (version) {
      version.textContent = value;
      version.dataset.state = "ready";
    }
  } catch (error) {
    if (version) {
      version.textContent = "unknown";
      version.dataset.state = "error";
    }
    app.fail(error);
  }
}

showVersion();
app.start();
