//! The commands the web UI may call, each a thin wrapper over core.
//!
//! Every command here must also be listed in `build.rs` (which generates its
//! `allow-…` permission) and granted in `capabilities/default.json`.
//!
//! What crosses IPC: account summaries and live codes. A secret, a QR code of
//! a secret or a recovery code crosses only on an explicit reveal
//! ([`reveal_secret`], [`account_qr`], [`recovery_list`] with `reveal`).
//! Copying happens in Rust ([`copy_code`], [`recovery_use_next`]), so the page
//! never receives a code just to copy it.

pub mod auto_backup;
pub mod backups;
pub mod guides;
pub mod health;
pub mod kit;
pub mod transfer;

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use sparekey_core::{
    account::{Account, AccountSummary, CodeView},
    list::{self, ListSort},
    otp::{self, Algorithm, Otp, OtpKind},
    qr,
    recovery::{self, RecoverySet},
    secret::{ExposeSecret, SecretString},
    time,
    vault::{document::Settings, Vault, VaultKey},
    Error,
};
use tauri::{ipc::InvokeBody, AppHandle, Runtime, State};
use zeroize::Zeroizing;

use crate::{clipboard, error::AppError, state::AppState};

/// The largest image accepted for QR decoding (a photo of a screen is a few MB).
const MAX_IMAGE_BYTES: usize = 20 * 1024 * 1024;

/// The app's version, as shown in the UI (the workspace version).
#[tauri::command]
pub fn app_version() -> Result<String, AppError> {
    Ok(env!("CARGO_PKG_VERSION").to_owned())
}

/// Whether a vault exists and whether it is unlocked.
#[derive(Debug, Serialize)]
pub struct Status {
    /// A vault exists in the folder.
    pub exists: bool,
    /// The vault is unlocked in this app.
    pub unlocked: bool,
    /// The vault folder, to show the user.
    pub dir: String,
}

/// Where the app stands: the UI shows the create, unlock or main screen.
#[tauri::command]
pub fn vault_status(state: State<'_, AppState>) -> Status {
    trace_startup();
    Status {
        exists: state.paths().exists(),
        unlocked: state.is_unlocked(),
        dir: state.paths().dir().display().to_string(),
    }
}

/// True when `SPAREKEY_TRACE_STARTUP` is set: then the app prints timings
/// (never data) to standard error for `scripts/bench`.
fn tracing() -> bool {
    std::env::var_os("SPAREKEY_TRACE_STARTUP").is_some()
}

/// With `SPAREKEY_TRACE_STARTUP` set, the first `vault_status` call prints
/// the wall-clock time to standard error. The page makes that call once its
/// scripts have run and draws its first screen from the answer, so
/// `scripts/bench` can time a cold start to the first screen without
/// WebDriver (which delays the page by a few hundred milliseconds). The
/// `empty_page` example calls it when its page is requested, for the same
/// measurement of the floor. Only the first call prints.
pub fn trace_startup() {
    static TRACED: std::sync::Once = std::sync::Once::new();
    if tracing() {
        TRACED.call_once(|| {
            let since_epoch = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default();
            eprintln!(
                "sparekey startup-trace: first screen requested at {:.1} ms",
                since_epoch.as_secs_f64() * 1000.0
            );
        });
    }
}

/// What the main screen shows after an unlock or a change: one page of the
/// account list and the settings.
#[derive(Debug, Serialize)]
pub struct Overview {
    /// The page of the list asked for (after an unlock: the first page,
    /// by issuer, no search).
    pub list: AccountList,
    /// The vault's settings.
    pub settings: Settings,
}

/// One page of the account list ([`sparekey_core::list::page`]): the page
/// holds only the rows it shows, never all 10,000 accounts of a large vault.
#[derive(Debug, Serialize)]
pub struct AccountList {
    /// The accounts shown, in list order (summaries: no secrets).
    pub accounts: Vec<AccountSummary>,
    /// How many accounts match the search.
    pub matching: usize,
    /// How many accounts the vault holds.
    pub total: usize,
    /// The live codes of the accounts shown, so a page appears with its
    /// codes instead of waiting for the next tick.
    pub codes: Vec<CodeView>,
}

/// The rows a page asks for at first (the page's own `PAGE`, in
/// `ui/views/accounts.js`): about two screens of the 700-pixel window (a
/// row is 63 to 71 pixels tall). The page asks for the next page whenever its end comes
/// near the window, so a taller window fills itself. Each row shown costs
/// about 50 KiB in WebKit's web process (16 rows instead of 30: 0.8 MiB less
/// at 10,000 accounts), so the list holds what is seen, not the vault.
const FIRST_PAGE: usize = 16;

/// The first page of the list and the settings: what create, unlock and
/// restore answer with.
fn overview(vault: &Vault) -> Result<Overview, AppError> {
    overview_for(vault, "", ListSort::Issuer, FIRST_PAGE)
}

fn overview_for(
    vault: &Vault,
    search: &str,
    sort: ListSort,
    limit: usize,
) -> Result<Overview, AppError> {
    let page = list::page(&vault.doc().accounts, search, sort, limit);
    Ok(Overview {
        list: AccountList {
            codes: sparekey_core::account::live_codes(
                page.shown.iter().copied(),
                time::now_unix(),
            )?,
            accounts: page.shown.into_iter().map(Account::summary).collect(),
            matching: page.matching,
            total: page.total,
        },
        settings: vault.doc().settings.clone(),
    })
}

fn secret(text: String) -> SecretString {
    SecretString::from(text)
}

/// Creates a new vault with `passphrase` and unlocks it. The KDF takes about
/// a second, so it runs off the main thread.
#[tauri::command]
pub async fn create_vault(
    state: State<'_, AppState>,
    passphrase: String,
) -> Result<Overview, AppError> {
    let passphrase = secret(passphrase);
    if passphrase.expose_secret().trim().is_empty() {
        return Err(AppError::invalid("passphrase", "is empty"));
    }
    let dir = state.paths().dir().to_owned();
    let vault =
        tauri::async_runtime::spawn_blocking(move || Vault::create(&dir, &passphrase, None))
            .await
            .map_err(|error| {
                AppError::internal(format!("Creating the vault stopped: {error}"))
            })??;
    let out = overview(&vault)?;
    state.set_unlocked(vault);
    Ok(out)
}

/// Unlocks the vault with `passphrase` (off the main thread: the KDF takes
/// about a second).
#[tauri::command]
pub async fn unlock(state: State<'_, AppState>, passphrase: String) -> Result<Overview, AppError> {
    let passphrase = secret(passphrase);
    let dir = state.paths().dir().to_owned();
    let started = std::time::Instant::now();
    let (kdf, vault) = tauri::async_runtime::spawn_blocking(move || {
        let key = VaultKey::from_passphrase(&dir, &passphrase)?;
        let kdf = started.elapsed();
        Vault::open(&dir, key).map(|vault| (kdf, vault))
    })
    .await
    .map_err(|error| AppError::internal(format!("Unlocking stopped: {error}")))??;
    let out = overview(&vault)?;
    if tracing() {
        eprintln!(
            "sparekey startup-trace: unlock took {:.1} ms in Rust, the key (KDF) {:.1} ms",
            started.elapsed().as_secs_f64() * 1000.0,
            kdf.as_secs_f64() * 1000.0
        );
    }
    state.set_unlocked(vault);
    Ok(out)
}

/// Locks: drops the decrypted vault from memory.
#[tauri::command]
pub fn lock(state: State<'_, AppState>) {
    state.lock();
}

/// Records user activity (keys, clicks) for the auto-lock timer.
#[tauri::command]
pub fn touch(state: State<'_, AppState>) {
    state.touch();
}

/// One page of the account list: the accounts matching `search` (every
/// word, in issuer, name or tags), sorted by `sort` (`issuer` or `newest`),
/// at most `limit`, with their codes; and the settings. Re-reads the vault
/// first if another process changed it.
#[tauri::command(async)]
pub fn list_accounts(
    state: State<'_, AppState>,
    search: String,
    sort: String,
    limit: usize,
) -> Result<Overview, AppError> {
    let sort = ListSort::from_name(&sort)
        .ok_or_else(|| AppError::invalid("sort", "is not `issuer` or `newest`"))?;
    state.with_vault(|vault| {
        vault.refresh()?;
        overview_for(vault, &search, sort, limit)
    })
}

/// One account's summary (for its page), re-read from disk if another
/// process changed the vault.
#[tauri::command(async)]
pub fn account_summary(state: State<'_, AppState>, id: String) -> Result<AccountSummary, AppError> {
    state.with_vault(|vault| {
        vault.refresh()?;
        Ok(vault.doc().account(&id)?.summary())
    })
}

/// An account as a choice in a list of all of them (export, guides).
#[derive(Debug, Serialize)]
pub struct AccountChoice {
    /// The account's id.
    pub id: String,
    /// `issuer:name`.
    pub label: String,
}

/// Every account as id and label, in list order: for the screens that let
/// the user pick any account. Only these two fields, so even 10,000
/// accounts stay small.
#[tauri::command(async)]
pub fn account_choices(state: State<'_, AppState>) -> Result<Vec<AccountChoice>, AppError> {
    state.with_vault(|vault| {
        vault.refresh()?;
        let accounts = &vault.doc().accounts;
        Ok(list::order(accounts)
            .into_iter()
            .map(|i| AccountChoice {
                id: accounts[i].id.clone(),
                label: accounts[i].label(),
            })
            .collect())
    })
}

/// One tick of the code list.
#[derive(Debug, Serialize)]
pub struct Tick {
    /// The vault changed on disk since the last call: reload the list.
    pub changed: bool,
    /// The time the codes are for (Unix seconds).
    pub now: u64,
    /// Codes of the requested TOTP and Steam accounts (HOTP codes are only
    /// taken, never shown ahead).
    pub codes: Vec<CodeView>,
}

/// The live codes of the accounts `ids` (those on screen), in one call per
/// second. Also notices changes made on disk by another process (a cheap
/// stat). Not user activity: it does not hold off the auto-lock.
#[tauri::command(async)]
pub fn codes(state: State<'_, AppState>, ids: Vec<String>) -> Result<Tick, AppError> {
    let wanted: HashSet<&str> = ids.iter().map(String::as_str).collect();
    state.with_vault_passive(|vault| {
        let changed = vault.refresh()?;
        let now = time::now_unix();
        let shown = vault
            .doc()
            .accounts
            .iter()
            .filter(|a| wanted.contains(a.id.as_str()));
        let codes = sparekey_core::account::live_codes(shown, now)?;
        Ok(Tick {
            changed,
            now,
            codes,
        })
    })
}

/// What copying a code did.
#[derive(Debug, Serialize)]
pub struct Copied {
    /// For HOTP: the counter of the code taken (the saved counter is now one more).
    pub counter: Option<u64>,
    /// Seconds until the clipboard is cleared (0 = never).
    pub clear_after_seconds: u32,
}

/// Copies the account's current code to the clipboard from Rust. For HOTP
/// this takes the next code and saves the advanced counter.
#[tauri::command(async)]
pub fn copy_code<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
) -> Result<Copied, AppError> {
    let (view, clear_after_seconds) = state.with_vault(|vault| {
        let view = vault.take_code(&id, time::now_unix())?;
        Ok((view, vault.doc().settings.clipboard_clear_seconds))
    })?;
    let counter = view.counter;
    clipboard::copy_secret(&app, Zeroizing::new(view.code.clone()), clear_after_seconds)?;
    Ok(Copied {
        counter,
        clear_after_seconds,
    })
}

/// A new account as typed or pasted in the Add screen. No `Debug`: it holds
/// the secret.
#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct NewAccount {
    /// An otpauth URI; when given, the fields below only override issuer/name.
    pub uri: Option<String>,
    /// The service, e.g. "PyPI".
    pub issuer: Option<String>,
    /// The account name at the service.
    pub name: Option<String>,
    /// The base32 secret.
    pub secret: Option<String>,
    /// `totp` (default), `hotp` or `steam`.
    pub kind: Option<String>,
    /// SHA1 (default), SHA256, SHA512.
    pub algorithm: Option<String>,
    /// 6 (default), 7 or 8.
    pub digits: Option<u8>,
    /// TOTP period in seconds (default 30).
    pub period: Option<u32>,
    /// HOTP starting counter (default 0).
    pub counter: Option<u64>,
}

impl NewAccount {
    /// Wipes the URI and the secret once the account is built.
    fn wipe(&mut self) {
        use zeroize::Zeroize;
        self.uri.zeroize();
        self.secret.zeroize();
    }
}

/// What adding accounts did.
#[derive(Debug, Serialize)]
pub struct Added {
    /// The accounts added.
    pub accounts: Vec<AccountSummary>,
    /// Non-fatal findings from the URI parser, to show the user.
    pub notes: Vec<String>,
}

fn non_empty(value: Option<&String>) -> Option<&str> {
    value.map(|s| s.trim()).filter(|s| !s.is_empty())
}

/// Builds the account the way `sparekey-cli add` does: core parses and validates.
fn build_account(input: &NewAccount, now: i64) -> Result<(Account, Vec<String>), Error> {
    if let Some(uri) = non_empty(input.uri.as_ref()) {
        let parsed = otp::parse_uri(uri)?;
        let issuer = non_empty(input.issuer.as_ref())
            .map(str::to_owned)
            .or(parsed.issuer.clone())
            .unwrap_or_default();
        let name = non_empty(input.name.as_ref())
            .map(str::to_owned)
            .unwrap_or_else(|| parsed.name.clone());
        let account = Account::new(&issuer, &name, Some(parsed.otp.clone()), now)?;
        return Ok((account, parsed.notes.clone()));
    }
    let issuer = input.issuer.clone().unwrap_or_default();
    let name = input.name.clone().unwrap_or_default();
    let secret_text = Zeroizing::new(input.secret.clone().unwrap_or_default());
    let secret = otp::parse_secret(&secret_text)?;
    let algorithm = match non_empty(input.algorithm.as_ref()) {
        Some(a) => a.parse::<Algorithm>()?,
        None => Algorithm::Sha1,
    };
    let kind = match input.kind.as_deref().unwrap_or("totp") {
        "totp" => OtpKind::Totp {
            period: input.period.unwrap_or(30),
        },
        "hotp" => OtpKind::Hotp {
            counter: input.counter.unwrap_or(0),
        },
        "steam" => OtpKind::Steam {
            period: input.period.unwrap_or(30),
        },
        _ => return Err(Error::invalid("type", "must be TOTP, HOTP or Steam")),
    };
    let otp_value = Otp::new(kind, algorithm, input.digits.unwrap_or(6), secret)?;
    Ok((
        Account::new(&issuer, &name, Some(otp_value), now)?,
        Vec::new(),
    ))
}

/// Adds one account from a URI or from typed fields. Errors name the field
/// that is wrong (`uri`, `secret`, `name`, `digits`, `account` for a duplicate…).
#[tauri::command(async)]
pub fn add_account(state: State<'_, AppState>, mut account: NewAccount) -> Result<Added, AppError> {
    let built = build_account(&account, time::now());
    account.wipe();
    let (new, notes) = built?;
    let summary = new.summary();
    state.with_vault(|vault| Ok(vault.update(|doc| doc.add_account(new))?))?;
    Ok(Added {
        accounts: vec![summary],
        notes,
    })
}

/// The bytes of a file the page sent as the raw request body, refusing
/// anything else and anything over `max` bytes; errors name `field` and, for
/// a file too large, say what to do (`too_large_hint`).
pub(crate) fn raw_body<'a>(
    request: &'a tauri::ipc::Request<'_>,
    field: &str,
    max: usize,
    too_large_hint: &str,
) -> Result<&'a [u8], AppError> {
    let InvokeBody::Raw(bytes) = request.body() else {
        return Err(AppError::invalid(
            field,
            "was not sent as a file: choose the file again",
        ));
    };
    if bytes.len() > max {
        return Err(AppError::invalid(
            field,
            format!("is larger than {} MB: {too_large_hint}", max / 1024 / 1024),
        ));
    }
    Ok(bytes)
}

/// Adds every account whose QR code is in an image (PNG or JPEG). The page
/// sends the file's bytes as the raw request body; errors use the field
/// `image` (or the URI's field when a code holds a bad URI).
#[tauri::command(async)]
pub fn add_from_qr(
    state: State<'_, AppState>,
    request: tauri::ipc::Request<'_>,
) -> Result<Added, AppError> {
    let bytes = raw_body(
        &request,
        "image",
        MAX_IMAGE_BYTES,
        "crop or shrink it to the QR code",
    )?;
    let payloads = qr::decode_image(bytes)?;
    let now = time::now();
    let mut accounts = Vec::with_capacity(payloads.len());
    let mut notes = Vec::new();
    for payload in &payloads {
        let mut input = NewAccount {
            uri: Some(payload.expose_secret().to_owned()),
            ..NewAccount::default()
        };
        let built = build_account(&input, now);
        input.wipe();
        let (account, found) = built?;
        notes.extend(found);
        accounts.push(account);
    }
    let summaries: Vec<AccountSummary> = accounts.iter().map(Account::summary).collect();
    state.with_vault(|vault| {
        Ok(vault.update(|doc| {
            for account in accounts {
                doc.add_account(account)?;
            }
            Ok(())
        })?)
    })?;
    Ok(Added {
        accounts: summaries,
        notes,
    })
}

/// Edited fields of an account.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountEdit {
    /// New issuer.
    pub issuer: String,
    /// New name.
    pub name: String,
    /// New note.
    pub note: String,
}

/// Renames an account and sets its note, refusing a name another account has
/// (as `sparekey-cli rename` does).
#[tauri::command(async)]
pub fn update_account(
    state: State<'_, AppState>,
    id: String,
    edit: AccountEdit,
) -> Result<AccountSummary, AppError> {
    state.with_vault(|vault| {
        Ok(vault.update(|doc| {
            let edited =
                doc.edit_account(&id, &edit.issuer, &edit.name, Some(&edit.note), time::now())?;
            Ok(edited.summary())
        })?)
    })
}

/// Deletes an account with its secret and recovery codes (the UI confirms first).
#[tauri::command(async)]
pub fn delete_account(state: State<'_, AppState>, id: String) -> Result<(), AppError> {
    state.with_vault(|vault| {
        vault.update(|doc| doc.remove_account(&id))?;
        Ok(())
    })
}

fn with_account<T>(
    state: &AppState,
    id: &str,
    f: impl FnOnce(&Account) -> Result<T, Error>,
) -> Result<T, AppError> {
    state.with_vault(|vault| {
        let account = vault.doc().account(id)?;
        Ok(f(account)?)
    })
}

/// The account's secret in base32, on an explicit reveal.
#[tauri::command(async)]
pub fn reveal_secret(state: State<'_, AppState>, id: String) -> Result<String, AppError> {
    with_account(&state, &id, |account| {
        Ok(account.otp()?.secret_base32().expose_secret().to_owned())
    })
}

/// An SVG document of the account's otpauth QR code, to move it to a phone;
/// only on explicit request (it holds the secret).
#[tauri::command(async)]
pub fn account_qr(state: State<'_, AppState>, id: String) -> Result<String, AppError> {
    with_account(&state, &id, |account| {
        let uri = otp::to_uri(&account.issuer, &account.name, account.otp()?);
        let svg = qr::to_svg(uri.expose_secret())?;
        Ok(svg.as_str().to_owned())
    })
}

/// One recovery code as the list shows it.
#[derive(Debug, Serialize)]
pub struct RecoveryRow {
    /// 1-based position.
    pub number: usize,
    /// Masked, unless revealed.
    pub code: String,
    /// Used already.
    pub used: bool,
    /// When it was used (Unix seconds), if known.
    pub used_at: Option<i64>,
}

/// An account's recovery codes.
#[derive(Debug, Serialize)]
pub struct RecoveryView {
    /// The service the codes were recognised as.
    pub service: recovery::Service,
    /// Codes saved.
    pub total: usize,
    /// Codes not used yet.
    pub unused: usize,
    /// 2 or fewer unused codes left.
    pub running_low: bool,
    /// The codes, masked unless revealed.
    pub codes: Vec<RecoveryRow>,
    /// A note from the parser (e.g. an unexpected count), after saving.
    pub note: Option<String>,
}

fn recovery_view(set: &RecoverySet, reveal: bool, note: Option<String>) -> RecoveryView {
    RecoveryView {
        service: set.service(),
        total: set.len(),
        unused: set.unused_count(),
        running_low: set.is_running_low(),
        codes: set
            .codes()
            .iter()
            .enumerate()
            .map(|(i, c)| RecoveryRow {
                number: i + 1,
                code: if reveal {
                    c.code().to_owned()
                } else {
                    c.masked()
                },
                used: c.is_used(),
                used_at: c.used_at(),
            })
            .collect(),
        note,
    }
}

/// The account's recovery codes, masked unless `reveal`.
#[tauri::command(async)]
pub fn recovery_list(
    state: State<'_, AppState>,
    id: String,
    reveal: bool,
) -> Result<RecoveryView, AppError> {
    with_account(&state, &id, |account| {
        Ok(recovery_view(&account.recovery, reveal, None))
    })
}

/// Saves pasted recovery codes (core's parser). With `replace`, replaces a
/// saved set (after regenerating codes at the service); without it, refuses
/// to overwrite one.
#[tauri::command(async)]
pub fn recovery_save(
    state: State<'_, AppState>,
    id: String,
    text: String,
    replace: bool,
) -> Result<RecoveryView, AppError> {
    let text = Zeroizing::new(text);
    let parsed = recovery::parse_codes(&text)?;
    let note = parsed.count_note();
    let set = RecoverySet::from_parsed(parsed, time::now())?;
    state.with_vault(|vault| {
        Ok(vault.update(|doc| {
            let a = doc.account_mut(&id)?;
            a.save_recovery_codes(set, replace, time::now())?;
            Ok(recovery_view(&a.recovery, false, note))
        })?)
    })
}

/// What "use next code" did.
#[derive(Debug, Serialize)]
pub struct UsedCode {
    /// The 1-based number of the code copied and marked used (for undo).
    pub number: usize,
    /// The set afterwards, masked.
    pub recovery: RecoveryView,
    /// Seconds until the clipboard is cleared (0 = never).
    pub clear_after_seconds: u32,
}

/// Copies the next unused recovery code to the clipboard and marks it used.
#[tauri::command(async)]
pub fn recovery_use_next<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
) -> Result<UsedCode, AppError> {
    let (index, code, view, seconds) = state.with_vault(|vault| {
        let (index, code, view) = vault.update(|doc| {
            let a = doc.account_mut(&id)?;
            let (index, code) = a.use_next_recovery_code(time::now())?;
            Ok((index, code, recovery_view(&a.recovery, false, None)))
        })?;
        Ok((
            index,
            code,
            view,
            vault.doc().settings.clipboard_clear_seconds,
        ))
    })?;
    clipboard::copy_secret(
        &app,
        Zeroizing::new(code.expose_secret().to_owned()),
        seconds,
    )?;
    Ok(UsedCode {
        number: index + 1,
        recovery: view,
        clear_after_seconds: seconds,
    })
}

/// Marks code `number` (1-based) unused again (undo of "use next code").
#[tauri::command(async)]
pub fn recovery_unuse(
    state: State<'_, AppState>,
    id: String,
    number: usize,
) -> Result<RecoveryView, AppError> {
    let index = number
        .checked_sub(1)
        .ok_or_else(|| AppError::invalid("recovery code", "numbers start at 1"))?;
    state.with_vault(|vault| {
        Ok(vault.update(|doc| {
            let a = doc.account_mut(&id)?;
            a.unuse_recovery_code(index, time::now())?;
            Ok(recovery_view(&a.recovery, false, None))
        })?)
    })
}

/// The settings the Settings form edits; the others (automatic backups)
/// have their own commands and are left as they are.
#[derive(Debug, Deserialize)]
pub struct GeneralSettings {
    /// Minutes of inactivity before locking (0 = never).
    pub auto_lock_minutes: u32,
    /// Seconds before a copied code is cleared (0 = never).
    pub clipboard_clear_seconds: u32,
}

/// Saves the auto-lock minutes and the clipboard delay, keeping every other
/// setting as it is.
#[tauri::command(async)]
pub fn save_settings(
    state: State<'_, AppState>,
    settings: GeneralSettings,
) -> Result<Settings, AppError> {
    state.with_vault(|vault| {
        Ok(vault.update(|doc| {
            let mut all = doc.settings.clone();
            all.auto_lock_minutes = settings.auto_lock_minutes;
            all.clipboard_clear_seconds = settings.clipboard_clear_seconds;
            doc.set_settings(all)?;
            Ok(doc.settings.clone())
        })?)
    })
}

/// Changes the passphrase after checking the current one (both KDF runs are
/// off the main thread).
#[tauri::command]
pub async fn change_passphrase(
    state: State<'_, AppState>,
    current: String,
    new: String,
) -> Result<(), AppError> {
    let current = secret(current);
    let new = secret(new);
    sparekey_core::secret::check_new_passphrase(&new)?;
    if !state.is_unlocked() {
        return Err(AppError::locked());
    }
    state.touch();
    let dir = state.paths().dir().to_owned();
    tauri::async_runtime::spawn_blocking(move || -> Result<(), Error> {
        let mut vault = Vault::unlock(&dir, &current)?;
        vault.change_passphrase(&new, None)
    })
    .await
    .map_err(|error| AppError::internal(format!("Changing the passphrase stopped: {error}")))??;
    Ok(())
}
