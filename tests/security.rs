//! Security properties of what ships, checked from the sources and the
//! dependency graph: no HTTP client in the binaries, a CSP that allows no
//! network, capabilities that grant exactly the commands the UI calls, a
//! UI that never turns strings into HTML, UI modules whose imports form no
//! cycle (views reach each other only through `ui/app.js`), and Rust code
//! that depends on the operating system only in the platform modules.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{
    collections::{BTreeMap, BTreeSet},
    fs,
    path::Path,
    process::Command,
};

use serde_json::Value;
use sparekey_tests::workspace_root;

fn read(rel: &str) -> String {
    let path = workspace_root().join(rel);
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Crates that speak HTTP or TLS over the network. `http` (types only) is
/// fine: Tauri uses it for its in-process IPC protocol.
const NETWORK_CRATES: &[&str] = &[
    "reqwest",
    "hyper",
    "hyper-util",
    "ureq",
    "curl",
    "isahc",
    "attohttpc",
    "surf",
    "h2",
    "rustls",
    "native-tls",
    "openssl",
    "tauri-plugin-http",
    "tauri-plugin-updater",
];

#[test]
fn shipped_binaries_have_no_http_client() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    for package in ["sparekey", "sparekey-cli"] {
        let out = Command::new(&cargo)
            .args([
                "tree",
                "--locked",
                "--offline",
                "-e",
                "normal",
                "--prefix",
                "none",
                "-p",
                package,
            ])
            .current_dir(workspace_root())
            .output()
            .expect("cargo tree");
        assert!(
            out.status.success(),
            "cargo tree -p {package}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let tree = String::from_utf8(out.stdout).unwrap();
        let crates: BTreeSet<&str> = tree
            .lines()
            .filter_map(|l| l.split_whitespace().next())
            .collect();
        assert!(
            crates.len() > 20,
            "{package}: implausibly small tree: {crates:?}"
        );
        let found: Vec<_> = NETWORK_CRATES
            .iter()
            .filter(|c| crates.contains(**c))
            .collect();
        assert!(
            found.is_empty(),
            "{package} depends on network crates: {found:?}"
        );
    }
}

fn tauri_conf() -> Value {
    serde_json::from_str(&read("src-tauri/tauri.conf.json")).unwrap()
}

#[test]
fn csp_allows_no_network_and_no_inline_code() {
    let conf = tauri_conf();
    assert!(
        conf["build"].get("devUrl").is_none(),
        "a devUrl would load the UI from a server"
    );
    let security = &conf["app"]["security"];
    assert_eq!(security["freezePrototype"], true);
    let csp = security["csp"].as_str().expect("a CSP string (never null)");
    let mut directives = std::collections::BTreeMap::new();
    for d in csp.split(';').map(str::trim).filter(|d| !d.is_empty()) {
        let mut parts = d.split_whitespace();
        let name = parts.next().unwrap();
        directives.insert(
            name.to_owned(),
            parts.map(str::to_owned).collect::<Vec<_>>(),
        );
    }
    assert_eq!(directives["default-src"], ["'self'"]);
    for (name, sources) in &directives {
        for source in sources {
            let allowed = match source.as_str() {
                "'self'" | "'none'" => true,
                "data:" => name == "img-src",
                "ipc:" | "http://ipc.localhost" => name == "connect-src",
                _ => false,
            };
            assert!(allowed, "CSP {name} allows {source}");
        }
    }
    for required in ["object-src", "base-uri", "form-action", "frame-ancestors"] {
        assert_eq!(directives[required], ["'none'"], "{required}");
    }
}

/// The commands the shell registers (build.rs), the permissions the window
/// is granted, and the commands `ui/api.js` calls are the same set; the only
/// plugin permission is opening https links.
#[test]
fn capabilities_grant_exactly_the_commands_the_ui_calls() {
    let build = read("src-tauri/build.rs");
    let list = build
        .split_once(".commands(&[")
        .and_then(|(_, rest)| rest.split_once("])"))
        .expect("AppManifest::commands list in build.rs")
        .0;
    let registered: BTreeSet<String> = quoted(list).into_iter().collect();

    let mut granted = BTreeSet::new();
    for entry in fs::read_dir(workspace_root().join("src-tauri/capabilities")).unwrap() {
        let cap: Value =
            serde_json::from_str(&fs::read_to_string(entry.unwrap().path()).unwrap()).unwrap();
        assert_eq!(cap["windows"], serde_json::json!(["main"]));
        for p in cap["permissions"].as_array().unwrap() {
            match p {
                Value::String(s) => {
                    let command = s
                        .strip_prefix("allow-")
                        .unwrap_or_else(|| panic!("unexpected permission {s}"));
                    granted.insert(command.replace('-', "_"));
                }
                Value::Object(o) => {
                    assert_eq!(o["identifier"], "opener:allow-open-url", "{p}");
                    for scope in o["allow"].as_array().unwrap() {
                        let url = scope["url"].as_str().unwrap();
                        assert!(url.starts_with("https://"), "opener scope {url}");
                    }
                }
                other => panic!("unexpected permission {other}"),
            }
        }
    }

    let api = read("ui/api.js");
    let called: BTreeSet<String> = api
        .split("call(")
        .skip(1)
        .filter_map(|rest| {
            rest.strip_prefix('"')
                .and_then(|r| r.split_once('"'))
                .map(|(n, _)| n.to_owned())
        })
        .collect();

    assert_eq!(granted, registered, "granted vs registered commands");
    assert_eq!(called, registered, "commands ui/api.js calls vs registered");
}

fn quoted(text: &str) -> Vec<String> {
    text.split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

/// No string ever becomes HTML in the page, and only api.js reaches the shell.
#[test]
fn ui_never_sets_html_from_strings() {
    let sinks = [
        "innerHTML",
        "outerHTML",
        "insertAdjacentHTML",
        "document.write",
        "eval(",
        "new Function",
        "setAttribute(\"on",
    ];
    let mut files = Vec::new();
    collect_files(&workspace_root().join("ui"), &mut files);
    assert!(files.iter().any(|f| f.ends_with("api.js")));
    for file in &files {
        let text = fs::read_to_string(file).unwrap();
        for sink in sinks {
            assert!(!text.contains(sink), "{} uses {sink}", file.display());
        }
        let name = file.file_name().unwrap().to_string_lossy();
        if name != "api.js" {
            assert!(
                !text.contains("__TAURI") && !text.contains("invoke("),
                "{} reaches the shell; only api.js may",
                file.display()
            );
        }
        if name.ends_with(".html") {
            for tag in text.split("<script").skip(1) {
                let tag = tag.split('>').next().unwrap_or_default();
                assert!(tag.contains("src="), "{}: inline script", file.display());
            }
            assert!(
                !text.contains("http://") && !text.contains("https://"),
                "{}: remote URL",
                file.display()
            );
        }
    }
}

fn collect_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            collect_files(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// One import in a UI module: `import … from "…"`, `import "…"`,
/// `export … from "…"` (static) or `import("…")` (dynamic).
#[derive(Debug)]
struct Import {
    /// The importing module, relative to `ui/` (e.g. `views/kit.js`).
    from: String,
    /// The imported module, relative to `ui/`.
    to: String,
    line: usize,
    dynamic: bool,
}

/// A token of JavaScript, as far as finding imports needs: comments are
/// dropped, and string literals keep their text so that neither their
/// words nor a `//` inside them is taken for code.
#[derive(Debug, PartialEq)]
enum Token {
    Word(String),
    Str(String),
    /// A template literal (or a piece of one between `${…}`), or a regex.
    Literal,
    Punct(char),
}

/// Keywords after which a `/` starts a regex, not a division.
const BEFORE_OPERAND: &[&str] = &[
    "return", "typeof", "case", "in", "of", "new", "delete", "void", "throw", "else", "do",
    "yield", "await",
];

/// Splits JavaScript into tokens with their line numbers. Knows strings,
/// template literals (with nested `${…}`), comments and regex literals.
fn js_tokens(source: &str) -> Vec<(Token, usize)> {
    let chars: Vec<char> = source.chars().collect();
    let mut tokens: Vec<(Token, usize)> = Vec::new();
    let mut line = 1;
    let mut i = 0;
    // One entry per open `{`: true when it is a template's `${`.
    let mut braces: Vec<bool> = Vec::new();
    // Reads a template literal's text from `i` up to its end or its next
    // `${`; returns the index after that.
    let template = |mut i: usize, line: &mut usize, braces: &mut Vec<bool>| -> usize {
        while i < chars.len() {
            match chars[i] {
                '\\' => i += 1,
                '\n' => *line += 1,
                '`' => return i + 1,
                '$' if chars.get(i + 1) == Some(&'{') => {
                    braces.push(true);
                    return i + 2;
                }
                _ => {}
            }
            i += 1;
        }
        i
    };
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        match c {
            '\n' => {
                line += 1;
                i += 1;
            }
            c if c.is_whitespace() => i += 1,
            '/' if next == Some('/') => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '/' if next == Some('*') => {
                i += 2;
                while i < chars.len() && !(chars[i] == '*' && chars.get(i + 1) == Some(&'/')) {
                    if chars[i] == '\n' {
                        line += 1;
                    }
                    i += 1;
                }
                i += 2;
            }
            '/' => {
                // A regex where an operand may start, else division.
                let regex = match tokens.last() {
                    None => true,
                    Some((Token::Punct(p), _)) => !matches!(p, ')' | ']' | '}'),
                    Some((Token::Word(w), _)) => BEFORE_OPERAND.contains(&w.as_str()),
                    Some(_) => false,
                };
                if !regex {
                    tokens.push((Token::Punct('/'), line));
                    i += 1;
                    continue;
                }
                let start = line;
                let mut class = false;
                i += 1;
                while i < chars.len() {
                    match chars[i] {
                        '\\' => i += 1,
                        '[' => class = true,
                        ']' => class = false,
                        '/' if !class => break,
                        '\n' => panic!("line {line}: unterminated regex"),
                        _ => {}
                    }
                    i += 1;
                }
                i += 1;
                while i < chars.len() && chars[i].is_alphanumeric() {
                    i += 1;
                }
                tokens.push((Token::Literal, start));
            }
            '"' | '\'' => {
                let start = line;
                let mut text = String::new();
                i += 1;
                while i < chars.len() && chars[i] != c {
                    if chars[i] == '\\' {
                        i += 1;
                    }
                    if let Some(&ch) = chars.get(i) {
                        text.push(ch);
                    }
                    i += 1;
                }
                i += 1;
                tokens.push((Token::Str(text), start));
            }
            '`' => {
                tokens.push((Token::Literal, line));
                i = template(i + 1, &mut line, &mut braces);
            }
            '{' => {
                braces.push(false);
                tokens.push((Token::Punct('{'), line));
                i += 1;
            }
            '}' => {
                if braces.pop() == Some(true) {
                    // The end of a `${…}`: the template goes on.
                    i = template(i + 1, &mut line, &mut braces);
                } else {
                    tokens.push((Token::Punct('}'), line));
                    i += 1;
                }
            }
            c if c.is_alphanumeric() || c == '_' || c == '$' => {
                let start = i;
                while i < chars.len()
                    && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '$')
                {
                    i += 1;
                }
                tokens.push((Token::Word(chars[start..i].iter().collect()), line));
            }
            c => {
                tokens.push((Token::Punct(c), line));
                i += 1;
            }
        }
    }
    tokens
}

/// `spec` as imported by the module `from` (both relative to `ui/`).
/// Imports are relative: the UI has no third-party JavaScript.
fn resolve(from: &str, spec: &str) -> String {
    assert!(
        spec.starts_with("./") || spec.starts_with("../"),
        "ui/{from} imports \"{spec}\": only relative imports of ui/ files"
    );
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for part in spec.split('/') {
        match part {
            "." => {}
            ".." => {
                assert!(
                    parts.pop().is_some(),
                    "ui/{from} imports \"{spec}\", outside ui/"
                );
            }
            name => parts.push(name),
        }
    }
    parts.join("/")
}

/// The imports of one module's `source`: what each names, on which line,
/// and whether it is `import()`. `module` only names the file in panics.
fn module_imports(source: &str, module: &str) -> Vec<(String, usize, bool)> {
    let tokens = js_tokens(source);
    let word = |k: usize, w: &str| matches!(tokens.get(k), Some((Token::Word(x), _)) if x == w);
    let punct = |k: usize, p: char| matches!(tokens.get(k), Some((Token::Punct(x), _)) if *x == p);
    let string = |k: usize| match tokens.get(k) {
        Some((Token::Str(s), _)) => Some(s.clone()),
        _ => None,
    };
    let mut found = Vec::new();
    for (k, (token, line)) in tokens.iter().enumerate() {
        let keyword = match token {
            Token::Word(w) if (w == "import" || w == "export") && !(k > 0 && punct(k - 1, '.')) => {
                w
            }
            _ => continue,
        };
        if keyword == "import" && punct(k + 1, '(') {
            let spec = string(k + 2).filter(|_| punct(k + 3, ')'));
            let spec = spec.unwrap_or_else(|| {
                panic!("ui/{module}:{line}: import() of a computed name; name the file")
            });
            found.push((spec, *line, true));
            continue;
        }
        if keyword == "import" && punct(k + 1, '.') {
            continue; // import.meta
        }
        if keyword == "import" {
            if let Some(spec) = string(k + 1) {
                found.push((spec, *line, false));
                continue;
            }
        } else if !punct(k + 1, '{') && !punct(k + 1, '*') {
            continue; // export of a declaration
        }
        // `import a, {b as c} from "…"`, `export * from "…"`
        let mut j = k + 1;
        while !word(j, "from")
            && matches!(
                tokens.get(j),
                Some((Token::Word(_) | Token::Punct('{' | '}' | ',' | '*'), _))
            )
        {
            j += 1;
        }
        match string(j + 1).filter(|_| word(j, "from")) {
            Some(spec) => found.push((spec, *line, false)),
            None if keyword == "export" => {} // `export { a, b };`
            None => panic!("ui/{module}:{line}: cannot read this import"),
        }
    }
    found
}

#[test]
fn module_imports_reads_code_not_strings_or_comments() {
    let source = r#"
import * as api from "./api.js";
import {
  a,
  b as c,
} from "./lib/dom.js";
import "./side.js";
export { x } from "./re.js";
// import { no } from "./comment.js";
/* import("./block.js") @type {import("./type.js").T} */
const s = "import('./string.js')" + 'it\'s // not a comment';
const t = `${a ? `import("./nested.js")` : ""} import "./template.js"`;
const r = /"/g, q = 1 / 2 / 3;
const later = () => import("./views/later.js");
export function f() { return Array.from(s); }
"#;
    let found = module_imports(source, "example.js");
    let expected = [
        ("./api.js", 2, false),
        ("./lib/dom.js", 3, false),
        ("./side.js", 7, false),
        ("./re.js", 8, false),
        ("./views/later.js", 14, true),
    ];
    assert_eq!(
        found,
        expected.map(|(spec, line, dynamic)| (spec.to_owned(), line, dynamic))
    );
}

/// Every import of every `.js` file under `ui/`, each checked to name a
/// file that exists.
fn ui_imports() -> Vec<Import> {
    let ui = workspace_root().join("ui");
    let mut files = Vec::new();
    collect_files(&ui, &mut files);
    let modules: BTreeSet<String> = files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "js"))
        .map(|f| {
            let rel = f.strip_prefix(&ui).unwrap();
            rel.components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/")
        })
        .collect();
    assert!(modules.contains("app.js") && modules.contains("api.js"));
    let mut imports = Vec::new();
    for module in &modules {
        let source = fs::read_to_string(ui.join(module)).unwrap();
        for (spec, line, dynamic) in module_imports(&source, module) {
            let to = resolve(module, &spec);
            assert!(
                modules.contains(&to),
                "ui/{module}:{line} imports ui/{to}, which does not exist"
            );
            imports.push(Import {
                from: module.clone(),
                to,
                line,
                dynamic,
            });
        }
    }
    imports
}

/// The modules of `ui/` import each other without a cycle, counting
/// `import()` too: a view shows another screen through `App` (app.js),
/// which loads it, never by importing it.
#[test]
fn ui_modules_have_no_import_cycles() {
    let imports = ui_imports();
    assert!(
        imports.iter().any(|i| i.dynamic),
        "app.js loads screens with import(): {imports:?}"
    );
    let mut graph: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for import in &imports {
        graph.entry(&import.from).or_default().insert(&import.to);
    }
    // Depth first; every edge back into the path closes a cycle.
    fn visit<'a>(
        node: &'a str,
        graph: &BTreeMap<&'a str, BTreeSet<&'a str>>,
        done: &mut BTreeSet<&'a str>,
        path: &mut Vec<&'a str>,
        cycles: &mut Vec<String>,
    ) {
        if let Some(at) = path.iter().position(|n| *n == node) {
            let mut cycle = path[at..].to_vec();
            cycle.push(node);
            cycles.push(cycle.join(" → "));
            return;
        }
        if !done.insert(node) {
            return;
        }
        path.push(node);
        for next in graph.get(node).into_iter().flatten() {
            visit(next, graph, done, path, cycles);
        }
        path.pop();
    }
    let mut done = BTreeSet::new();
    let mut cycles = Vec::new();
    for node in graph.keys() {
        visit(node, &graph, &mut done, &mut Vec::new(), &mut cycles);
    }
    assert!(
        cycles.is_empty(),
        "import cycles in ui/:\n{}",
        cycles.join("\n")
    );
}

/// A view (`ui/views/`) imports only `ui/lib/` and `ui/api.js`, never
/// another view nor app.js; `ui/lib/` imports only itself and api.js. Other
/// screens are App's to load (`import()` in app.js), so the unlock screen
/// pulls in no other screen's module.
#[test]
fn ui_views_import_only_lib_and_api() {
    let imports = ui_imports();
    assert!(imports.iter().any(|i| i.from.starts_with("views/")));
    let wrong: Vec<String> = imports
        .iter()
        .filter(|i| i.from.starts_with("views/") || i.from.starts_with("lib/"))
        .filter(|i| !(i.to.starts_with("lib/") || i.to == "api.js"))
        .map(|i| {
            let how = if i.dynamic { "loads" } else { "imports" };
            format!("ui/{}:{} {how} ui/{}", i.from, i.line, i.to)
        })
        .collect();
    assert!(
        wrong.is_empty(),
        "views and lib/ import only lib/ and api.js; another screen opens through App:\n{}",
        wrong.join("\n")
    );
}

/// The page may open links in the system browser only on the hosts the
/// guides link to or cite: a compromised page cannot send the person to a
/// phishing site through the opener. Every guide link, every cited source
/// (steps and the recovery request's facts) and the recovery form are
/// inside the scope, and every host in the scope is one a guide uses.
#[test]
fn the_opener_reaches_only_the_hosts_the_guides_link_to() {
    let cap: Value = serde_json::from_str(
        &fs::read_to_string(workspace_root().join("src-tauri/capabilities/default.json")).unwrap(),
    )
    .unwrap();
    let scopes: Vec<String> = cap["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["identifier"] == "opener:allow-open-url")
        .flat_map(|p| p["allow"].as_array().unwrap().clone())
        .map(|s| s["url"].as_str().unwrap().to_owned())
        .collect();
    let host = |url: &str| -> String {
        url.strip_prefix("https://")
            .unwrap_or_else(|| panic!("{url} is not https"))
            .split(['/', '#', '?'])
            .next()
            .unwrap()
            .to_owned()
    };
    for scope in &scopes {
        let prefix = scope
            .strip_suffix("/*")
            .unwrap_or_else(|| panic!("scope {scope} is not https://HOST/*"));
        assert!(!prefix.contains('*'), "a wildcard host in {scope}");
    }
    let mut links: Vec<String> = vec![sparekey_core::guides::request::PYPI_FORM_URL.to_owned()];
    for guide in sparekey_core::guides::all().unwrap() {
        links.extend(
            guide
                .all_steps()
                .flat_map(|s| s.links.iter().map(|l| l.url.clone())),
        );
        // Sources open in the browser too ("Source: …"); Sparekey's own
        // documentation is shown, not opened.
        links.extend(
            guide
                .all_steps()
                .flat_map(|s| s.sources.iter().map(|src| src.url.clone()))
                .filter(|u| !u.starts_with(sparekey_core::guides::SPAREKEY_SOURCE)),
        );
    }
    let draft = sparekey_core::guides::request::pypi_recovery_request(
        &sparekey_core::guides::request::RequestInput {
            username: "alice",
            reason: "x",
            ..Default::default()
        },
    )
    .unwrap();
    links.extend(
        draft
            .next_steps
            .iter()
            .chain(&draft.meanwhile)
            .flat_map(|f| f.sources.iter().map(|s| s.url.clone())),
    );
    let allowed: BTreeSet<String> = scopes.iter().map(|s| host(s)).collect();
    let used: BTreeSet<String> = links.iter().map(|l| host(l)).collect();
    for link in &links {
        assert!(
            allowed.contains(&host(link)),
            "{link} is outside the opener's scope"
        );
    }
    assert_eq!(allowed, used, "the scope allows hosts no guide links to");
}

/// DOM methods that insert nodes and would insert a `null` or `false`
/// argument as the text "null" or "false". `replaceChildren()` with no
/// arguments (emptying) is fine.
const INSERTING_METHODS: &[&str] = &[
    "append",
    "prepend",
    "replaceChildren",
    "replaceWith",
    "after",
    "before",
    "appendChild",
    "insertBefore",
];

/// The calls of [`INSERTING_METHODS`] with arguments in `source`, as
/// `line: .method(`.
fn inserting_calls(source: &str) -> Vec<String> {
    let tokens = js_tokens(source);
    let punct = |k: usize, p: char| matches!(tokens.get(k), Some((Token::Punct(x), _)) if *x == p);
    let mut found = Vec::new();
    for (k, (token, line)) in tokens.iter().enumerate() {
        let Token::Word(word) = token else { continue };
        if k > 0
            && punct(k - 1, '.')
            && punct(k + 1, '(')
            && !punct(k + 2, ')')
            && INSERTING_METHODS.contains(&word.as_str())
        {
            found.push(format!("{line}: .{word}("));
        }
    }
    found
}

#[test]
fn inserting_calls_reads_code_not_strings() {
    let source = r#"
parent.append(a, cond ? b : null);
list.replaceChildren();
// card.replaceChildren(x)
const s = "slot.after(x)";
fill(card, x);
old.replaceWith(
  h("p"),
);
"#;
    assert_eq!(inserting_calls(source), ["2: .append(", "7: .replaceWith("]);
}

/// Children reach the page only through `ui/lib/dom.js` (`h()`, `fill`,
/// `add`, `swap`, `addAfter`), which leave out null, undefined and false:
/// the DOM's own `append(…, cond ? x : null)` shows the word "null" on
/// screen, as it once did on five screens.
#[test]
fn ui_adds_children_only_through_dom_helpers() {
    let ui = workspace_root().join("ui");
    let mut files = Vec::new();
    collect_files(&ui, &mut files);
    let mut wrong = Vec::new();
    let mut checked = 0;
    for file in files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "js"))
    {
        if file.ends_with("lib/dom.js") {
            continue;
        }
        checked += 1;
        let source = fs::read_to_string(file).unwrap();
        for call in inserting_calls(&source) {
            wrong.push(format!("{}:{call}", file.display()));
        }
    }
    assert!(checked > 10, "only {checked} UI modules found");
    assert!(
        wrong.is_empty(),
        "insert children with fill/add/swap/addAfter from ui/lib/dom.js, which skip \
         null and false:\n{}",
        wrong.join("\n")
    );
}

/// Where code may depend on the operating system (paths from the
/// workspace root; a trailing `/` is a whole folder). Everything else is
/// portable by construction and calls these.
const PLATFORM_MODULES: &[&str] = &[
    "crates/core/src/platform/",
    "crates/core/tests/it/platform.rs",
    "src-tauri/src/platform/",
    "tests/support/platform.rs",
];

/// The words that make a `cfg` predicate name a system.
const SYSTEM_WORDS: &[&str] = &[
    "unix",
    "windows",
    "target_os",
    "target_family",
    "target_env",
    "target_vendor",
];

/// Where `source` depends on the system: `cfg(…)`, `cfg!(…)` and the
/// predicate of `cfg_attr(…, …)` naming one ([`SYSTEM_WORDS`]), and paths
/// into `std::os`. Each as `line: what`.
fn system_specific(source: &str) -> Vec<String> {
    let std_os = concat!("std", "::os::");
    let mut found = Vec::new();
    for (at, _) in source.match_indices("cfg") {
        let before = source[..at].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let rest = &source[at + 3..];
        let (open, attr) = if let Some(r) = rest.strip_prefix("_attr(") {
            (r, true)
        } else if let Some(r) = rest.strip_prefix("!(").or_else(|| rest.strip_prefix('(')) {
            (r, false)
        } else {
            continue;
        };
        // The predicate: up to the closing parenthesis, or for `cfg_attr`
        // up to its first comma at the top level.
        let mut depth = 0usize;
        let mut end = open.len();
        for (i, c) in open.char_indices() {
            match c {
                '(' => depth += 1,
                ')' if depth == 0 => {
                    end = i;
                    break;
                }
                ')' => depth -= 1,
                ',' if depth == 0 && attr => {
                    end = i;
                    break;
                }
                _ => {}
            }
        }
        let predicate = &open[..end];
        let names_a_system = predicate
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .any(|word| SYSTEM_WORDS.contains(&word));
        if names_a_system {
            let line = source[..at].lines().count().max(1);
            found.push(format!("{line}: cfg({predicate})"));
        }
    }
    for (at, _) in source.match_indices(std_os) {
        let line = source[..at].lines().count().max(1);
        found.push(format!("{line}: {std_os}"));
    }
    found
}

#[test]
fn system_specific_finds_cfgs_and_std_os_but_nothing_else() {
    let attribute = |inner: &str| format!("#[{}({inner})]\nfn f() {{}}\n", "cfg");
    for flagged in [
        attribute("unix"),
        attribute("not(windows)"),
        attribute("all(test, target_os = \"linux\")"),
        attribute("target_env = \"gnu\""),
        format!("let x = {}!(target_family = \"wasm\");", "cfg"),
        format!("#![{}(unix, allow(dead_code))]", "cfg_attr"),
        format!("use {}unix::fs::PermissionsExt;", concat!("std", "::os::")),
    ] {
        assert_eq!(system_specific(&flagged).len(), 1, "{flagged}");
    }
    for portable in [
        attribute("test"),
        attribute("feature = \"bench-floor\""),
        // Only the predicate of cfg_attr counts, not the attribute.
        format!(
            "#![{}(not(debug_assertions), windows_subsystem = \"windows\")]",
            "cfg_attr"
        ),
        "// a word like unix or windows in prose, or a config( call".to_owned(),
        "let my_cfg = (windows, unix);".to_owned(),
    ] {
        assert_eq!(
            system_specific(&portable),
            Vec::<String>::new(),
            "{portable}"
        );
    }
    assert_eq!(
        system_specific(&format!("\n\n{}", attribute("unix"))),
        [format!("3: {}(unix)", "cfg")]
    );
}

/// The Rust sources of the workspace (crates, the shell, these tests, the
/// fuzz targets), as paths relative to the root; build output is skipped.
fn rust_sources() -> Vec<String> {
    let root = workspace_root();
    let mut files = Vec::new();
    for top in ["crates", "src-tauri", "tests", "fuzz"] {
        collect_rust(&root.join(top), &mut files);
    }
    files
        .iter()
        .map(|f| {
            f.strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect()
}

fn collect_rust(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        let name = e.file_name();
        if p.is_dir() {
            if !matches!(
                name.to_str(),
                Some("target" | "gen" | "corpus" | "artifacts")
            ) {
                collect_rust(&p, out);
            }
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

fn in_platform_module(rel: &str) -> bool {
    PLATFORM_MODULES.iter().any(|m| {
        if m.ends_with('/') {
            rel.starts_with(m)
        } else {
            rel == *m
        }
    })
}

/// Code that depends on the system (a `cfg` on `unix` or `target_os`, a
/// path into `std`'s `os` module) lives only in the platform modules
/// ([`PLATFORM_MODULES`]): the rest of the tree builds the same on Linux,
/// macOS and Windows.
#[test]
fn only_platform_modules_depend_on_the_system() {
    let sources = rust_sources();
    assert!(sources.len() > 50, "implausibly few sources: {sources:?}");
    for module in PLATFORM_MODULES {
        assert!(
            sources.iter().any(|s| s.starts_with(module)),
            "{module} is missing"
        );
    }
    let mut stray = Vec::new();
    for rel in sources.iter().filter(|s| !in_platform_module(s)) {
        let text = fs::read_to_string(workspace_root().join(rel)).unwrap();
        for hit in system_specific(&text) {
            stray.push(format!("{rel}:{hit}"));
        }
    }
    assert!(
        stray.is_empty(),
        "system-specific code outside the platform modules ({PLATFORM_MODULES:?}):\n{}",
        stray.join("\n")
    );
}

/// The crates a manifest declares for some systems only
/// (`[target.'cfg(…)'.dependencies]`), by the name code uses.
fn system_only_crates(manifest: &str) -> Vec<String> {
    let mut crates = Vec::new();
    let mut in_target = false;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_target = line.starts_with("[target.");
        } else if in_target && !line.is_empty() && !line.starts_with('#') {
            let name = line
                .split(['=', '.', ' '])
                .next()
                .unwrap()
                .replace('-', "_");
            crates.push(name);
        }
    }
    crates
}

/// A crate declared for some systems only is used in the platform modules
/// alone: anywhere else it would break the build on the other systems.
#[test]
fn system_only_crates_are_used_in_platform_modules_alone() {
    let mut crates = BTreeSet::new();
    for manifest in [
        "Cargo.toml",
        "crates/core/Cargo.toml",
        "crates/cli/Cargo.toml",
        "src-tauri/Cargo.toml",
        "tests/Cargo.toml",
    ] {
        crates.extend(system_only_crates(&read(manifest)));
    }
    assert!(
        crates.contains("rustix") && crates.contains("libc"),
        "{crates:?}"
    );
    let mut stray = Vec::new();
    for rel in rust_sources().iter().filter(|s| !in_platform_module(s)) {
        let text = fs::read_to_string(workspace_root().join(rel)).unwrap();
        for name in &crates {
            if text.contains(&format!("{name}::")) {
                stray.push(format!("{rel} uses {name}"));
            }
        }
    }
    assert!(stray.is_empty(), "{}", stray.join("\n"));
}
