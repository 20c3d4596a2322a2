//! The account list as front ends show it: searched, sorted and a page at
//! a time, so a front end holds only the rows on screen, not every account
//! of a 10,000-account vault.

use std::cmp::Reverse;

use crate::account::{push_lowercase, Account};

/// How a list is ordered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ListSort {
    /// By issuer, then by name, ignoring case ([`order`]).
    #[default]
    Issuer,
    /// The most recently added first (then by issuer and name).
    Newest,
}

impl ListSort {
    /// The order named `name` (`issuer` or `newest`).
    pub fn from_name(name: &str) -> Option<ListSort> {
        match name {
            "issuer" => Some(ListSort::Issuer),
            "newest" => Some(ListSort::Newest),
            _ => None,
        }
    }
}

/// One page of the list: which accounts, in which order, and how many match.
#[derive(Debug)]
pub struct ListPage<'a> {
    /// The first `limit` matching accounts, in list order.
    pub shown: Vec<&'a Account>,
    /// How many accounts match the search (shown or not).
    pub matching: usize,
    /// How many accounts the vault holds.
    pub total: usize,
}

/// The accounts a list shows for `search`, in `sort` order with pinned
/// accounts first, at most `limit`.
///
/// An account matches when every word of `search` (split at whitespace,
/// ignoring case) occurs in its issuer, name or tags, and, when `tag` is
/// not empty, it has that tag (ignoring case); an empty search matches
/// every account.
pub fn page<'a>(
    accounts: &'a [Account],
    search: &str,
    tag: &str,
    sort: ListSort,
    limit: usize,
) -> ListPage<'a> {
    let mut lowered = String::new();
    push_lowercase(search, &mut lowered);
    let words: Vec<&str> = lowered.split_whitespace().collect();
    let mut text = String::new();
    let mut found: Vec<usize> = order(accounts)
        .into_iter()
        .filter(|&i| has_tag(&accounts[i], tag))
        .filter(|&i| words.is_empty() || matches(&accounts[i], &words, &mut text))
        .collect();
    if sort == ListSort::Newest {
        // Stable: accounts added in the same second stay in issuer order.
        found.sort_by_key(|&i| Reverse(accounts[i].created_at));
    }
    // Stable: pinned accounts first, each group in the order above.
    found.sort_by_key(|&i| !accounts[i].pinned);
    let matching = found.len();
    ListPage {
        shown: found
            .into_iter()
            .take(limit)
            .map(|i| &accounts[i])
            .collect(),
        matching,
        total: accounts.len(),
    }
}

/// Indexes of `accounts` in the order lists show them: by issuer, then by
/// name, ignoring case (accounts without an issuer first). The app lists
/// them in this order as Rust sends them; the page does not sort again.
pub fn order(accounts: &[Account]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..accounts.len()).collect();
    order.sort_by_cached_key(|&i| {
        let mut issuer = String::new();
        let mut name = String::new();
        push_lowercase(&accounts[i].issuer, &mut issuer);
        push_lowercase(&accounts[i].name, &mut name);
        (issuer, name)
    });
    order
}

/// Whether `account` has `tag` (ignoring case, surrounding spaces); an
/// empty `tag` is any.
pub fn has_tag(account: &Account, tag: &str) -> bool {
    let tag = tag.trim();
    tag.is_empty()
        || account
            .tags
            .iter()
            .any(|t| t.to_lowercase() == tag.to_lowercase())
}

/// Every tag of `accounts`, sorted ignoring case, each once (the first
/// spelling met).
pub fn tags(accounts: &[Account]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for tag in accounts.iter().flat_map(|a| &a.tags) {
        if !out.iter().any(|t| t.to_lowercase() == tag.to_lowercase()) {
            out.push(tag.clone());
        }
    }
    out.sort_by_key(|t| t.to_lowercase());
    out
}

/// Whether every word occurs in the account's issuer, name or tags (all
/// lower case). `text` is scratch space, reused across accounts.
fn matches(account: &Account, words: &[&str], text: &mut String) -> bool {
    text.clear();
    push_lowercase(&account.issuer, text);
    text.push(' ');
    push_lowercase(&account.name, text);
    for tag in &account.tags {
        text.push(' ');
        push_lowercase(tag, text);
    }
    words.iter().all(|word| text.contains(word))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn acct(issuer: &str, name: &str, created_at: i64, tags: &[&str]) -> Account {
        let mut account = Account::new(issuer, name, None, created_at).unwrap();
        account.tags = tags.iter().map(|t| (*t).to_owned()).collect();
        account
    }

    fn plain(issuer: &str, name: &str) -> Account {
        Account::new(issuer, name, None, 0).unwrap()
    }

    #[test]
    fn order_is_by_issuer_then_name_ignoring_case() {
        let accounts = [
            plain("npm", "bob"),
            plain("GitHub", "carol"),
            plain("github", "Alice"),
            plain("", "zed"),
            plain("PyPI", "alice"),
        ];
        let labels: Vec<String> = order(&accounts)
            .into_iter()
            .map(|i| accounts[i].label())
            .collect();
        assert_eq!(
            labels,
            [
                "zed",
                "github:Alice",
                "GitHub:carol",
                "npm:bob",
                "PyPI:alice"
            ]
        );
    }

    fn labels(page: &ListPage<'_>) -> Vec<String> {
        page.shown.iter().map(|a| a.label()).collect()
    }

    fn vault() -> Vec<Account> {
        vec![
            acct("npm", "bob", 30, &[]),
            acct("GitHub", "carol", 10, &["Work"]),
            acct("github", "Alice", 20, &[]),
            acct("PyPI", "alice", 20, &["work", "release"]),
        ]
    }

    #[test]
    fn an_empty_search_lists_every_account_in_issuer_order() {
        let accounts = vault();
        let page = page(&accounts, "  ", "", ListSort::Issuer, 100);
        assert_eq!(
            labels(&page),
            ["github:Alice", "GitHub:carol", "npm:bob", "PyPI:alice"]
        );
        assert_eq!((page.matching, page.total), (4, 4));
    }

    #[test]
    fn every_word_must_occur_in_issuer_name_or_tags_ignoring_case() {
        let accounts = vault();
        let found = page(&accounts, "ALICE", "", ListSort::Issuer, 100);
        assert_eq!(labels(&found), ["github:Alice", "PyPI:alice"]);
        let found = page(&accounts, "work git", "", ListSort::Issuer, 100);
        assert_eq!(labels(&found), ["GitHub:carol"]);
        let found = page(&accounts, "release", "", ListSort::Issuer, 100);
        assert_eq!(labels(&found), ["PyPI:alice"]);
        let found = page(&accounts, "gitlab", "", ListSort::Issuer, 100);
        assert!(found.shown.is_empty());
        assert_eq!((found.matching, found.total), (0, 4));
    }

    #[test]
    fn newest_first_keeps_issuer_order_within_the_same_second() {
        let accounts = vault();
        let page = page(&accounts, "", "", ListSort::Newest, 100);
        assert_eq!(
            labels(&page),
            ["npm:bob", "github:Alice", "PyPI:alice", "GitHub:carol"]
        );
    }

    #[test]
    fn a_page_is_the_first_matches_and_counts_the_rest() {
        let accounts = vault();
        let page = page(&accounts, "i", "", ListSort::Issuer, 2);
        assert_eq!(labels(&page), ["github:Alice", "GitHub:carol"]);
        assert_eq!((page.matching, page.total), (3, 4));
    }

    #[test]
    fn a_tag_filters_ignoring_case_and_pinned_accounts_come_first() {
        let mut accounts = vault();
        let found = page(&accounts, "", "WORK", ListSort::Issuer, 100);
        assert_eq!(labels(&found), ["GitHub:carol", "PyPI:alice"]);
        let found = page(&accounts, "pypi", "work", ListSort::Issuer, 100);
        assert_eq!(labels(&found), ["PyPI:alice"]);
        assert!(page(&accounts, "", "home", ListSort::Issuer, 100)
            .shown
            .is_empty());
        accounts[0].pinned = true; // npm:bob
        accounts[3].pinned = true; // PyPI:alice
        let found = page(&accounts, "", "", ListSort::Issuer, 100);
        assert_eq!(
            labels(&found),
            ["npm:bob", "PyPI:alice", "github:Alice", "GitHub:carol"]
        );
        let found = page(&accounts, "", "", ListSort::Newest, 100);
        assert_eq!(
            labels(&found),
            ["npm:bob", "PyPI:alice", "github:Alice", "GitHub:carol"]
        );
        assert_eq!(tags(&accounts), ["release", "Work"]);
    }

    #[test]
    fn sorts_are_named_as_the_app_sends_them() {
        assert_eq!(ListSort::from_name("issuer"), Some(ListSort::Issuer));
        assert_eq!(ListSort::from_name("newest"), Some(ListSort::Newest));
        assert_eq!(ListSort::from_name("added"), None);
    }
}
