//! The recovery graph: accounts → the mailboxes that recover them → the
//! accounts that guard those mailboxes, with the weak points marked; as
//! data for the app's SVG and as Graphviz DOT for the CLI.
//!
//! Layout is decided here, once, as columns: accounts that guard no
//! mailbox on the left, mailboxes in the middle, the accounts that guard a
//! mailbox on the right. A front end places each column's nodes top to
//! bottom in the order given.

use std::collections::{BTreeMap, HashSet};

use serde::Serialize;

use super::{has_2fa, mailbox_is_safe, mailbox_key, ways_in, ById, MAILBOX_SHARED_BY};
use crate::{health::FindingKind, list, vault::Document};

/// A node of the graph.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Node {
    /// Stable id: `a:<account id>` or `m:<address, lower case>`.
    pub id: String,
    /// `account` or `mailbox`.
    pub kind: &'static str,
    /// What it shows: the account's display name, or the address.
    pub label: String,
    /// A second line: "2 ways back in", "not recorded", "recovers 3".
    pub detail: String,
    /// 0 (accounts), 1 (mailboxes), 2 (accounts guarding a mailbox).
    pub column: u8,
    /// A single point of failure (a finding is about it).
    pub weak: bool,
    /// The account's id, for accounts and for mailboxes linked to one.
    pub account_id: Option<String>,
}

/// An edge: `from` is recovered by, or guards, `to`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Edge {
    /// The node it starts at.
    pub from: String,
    /// The node it ends at.
    pub to: String,
    /// `recovered_by` (account → mailbox) or `guarded_by` (mailbox →
    /// account).
    pub kind: &'static str,
}

/// The recovery graph of a vault.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Graph {
    /// Nodes, by column, then in list order.
    pub nodes: Vec<Node>,
    /// Edges.
    pub edges: Vec<Edge>,
}

/// A mailbox as the inventories name it.
pub(super) struct Mailbox {
    pub address: String,
    pub key: String,
    /// The account controlling it, if linked in some inventory.
    pub account: Option<String>,
    /// Ids of the (recorded) accounts it recovers, in list order.
    pub recovers: Vec<String>,
    /// Its own account is in the vault, recorded and has 2 ways or more.
    pub safe: bool,
}

/// Every recovery mailbox named in a recorded inventory, by address.
pub(super) fn mailboxes(doc: &Document, by_id: &ById<'_>) -> Vec<Mailbox> {
    let mut by_key: BTreeMap<String, Mailbox> = BTreeMap::new();
    for i in list::order(&doc.accounts) {
        let account = &doc.accounts[i];
        if account.ways.reviewed_at.is_none() {
            continue;
        }
        for email in &account.ways.emails {
            let key = mailbox_key(&email.address);
            let entry = by_key.entry(key.clone()).or_insert_with(|| Mailbox {
                address: email.address.clone(),
                key,
                account: None,
                recovers: Vec::new(),
                safe: false,
            });
            if entry.account.is_none() && email.mailbox_account.is_some() {
                entry.account.clone_from(&email.mailbox_account);
                entry.safe = mailbox_is_safe(by_id, email);
            }
            // An account lists an address once (validated), so no repeat.
            if entry.recovers.last() != Some(&account.id) {
                entry.recovers.push(account.id.clone());
            }
        }
    }
    by_key.into_values().collect()
}

/// The recovery graph (see the module docs). Accounts appear when their
/// inventory is recorded or they guard a mailbox; weak points are the
/// accounts and mailboxes that [`super::findings`] names.
pub fn graph(doc: &Document) -> Graph {
    let findings = super::findings(doc);
    let weak: HashSet<&str> = findings
        .iter()
        .filter(|f| f.kind != FindingKind::MailboxSinglePoint)
        .filter_map(|f| f.account_id.as_deref())
        .collect();
    let weak_account = |id: &str| weak.contains(id);
    let by_id = ById::new(doc);
    let boxes = mailboxes(doc, &by_id);
    let guards: HashSet<&str> = boxes.iter().filter_map(|m| m.account.as_deref()).collect();
    let mut out = Graph::default();
    let mut right = Vec::new();
    for i in list::order(&doc.accounts) {
        let a = &doc.accounts[i];
        let guard = guards.contains(&a.id.as_str());
        if a.ways.reviewed_at.is_none() && !guard {
            continue;
        }
        let detail = if a.ways.reviewed_at.is_none() {
            "ways back in not recorded".to_owned()
        } else if !has_2fa(a) {
            "no 2FA recorded".to_owned()
        } else {
            let n = ways_in(a).len();
            format!("{n} way{} back in", super::plural(n))
        };
        let node = Node {
            id: format!("a:{}", a.id),
            kind: "account",
            label: a.display_name(),
            detail,
            column: if guard { 2 } else { 0 },
            weak: weak_account(&a.id),
            account_id: Some(a.id.clone()),
        };
        if guard {
            right.push(node);
        } else {
            out.nodes.push(node);
        }
        for email in &a.ways.emails {
            out.edges.push(Edge {
                from: format!("a:{}", a.id),
                to: format!("m:{}", mailbox_key(&email.address)),
                kind: "recovered_by",
            });
        }
    }
    for m in &boxes {
        let n = m.recovers.len();
        out.nodes.push(Node {
            id: format!("m:{}", m.key),
            kind: "mailbox",
            label: m.address.clone(),
            detail: format!("recovers {n} account{}", super::plural(n)),
            column: 1,
            weak: n >= MAILBOX_SHARED_BY && !m.safe,
            account_id: m.account.clone(),
        });
        if let Some(guard) = &m.account {
            out.edges.push(Edge {
                from: format!("m:{}", m.key),
                to: format!("a:{guard}"),
                kind: "guarded_by",
            });
        }
    }
    out.nodes.extend(right);
    out
}

impl Graph {
    /// The graph as Graphviz DOT (`dot -Tsvg` draws it): weak points red
    /// and bold, mailboxes as ellipses. Every label is quoted and escaped.
    pub fn to_dot(&self) -> String {
        let mut s = String::from(
            "digraph recovery {\n  rankdir=LR;\n  node [shape=box, fontname=\"sans-serif\"];\n",
        );
        for n in &self.nodes {
            let shape = if n.kind == "mailbox" {
                "ellipse"
            } else {
                "box"
            };
            let weak = if n.weak {
                ", color=\"#c62828\", fontcolor=\"#c62828\", penwidth=2.5, style=bold"
            } else {
                ""
            };
            let label = format!(
                "{}\n{}{}",
                n.label,
                n.detail,
                if n.weak { "\nweak point" } else { "" }
            );
            s.push_str(&format!(
                "  {} [shape={shape}, label={}{weak}];\n",
                quote(&n.id),
                quote(&label)
            ));
        }
        for e in &self.edges {
            let label = match e.kind {
                "recovered_by" => "recovered by",
                _ => "guarded by",
            };
            s.push_str(&format!(
                "  {} -> {} [label={}];\n",
                quote(&e.from),
                quote(&e.to),
                quote(label)
            ));
        }
        s.push_str("}\n");
        s
    }
}

/// A DOT quoted string: `"` and `\` escaped, newlines as `\n`.
fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
