//! The code's shape, checked on every `cargo test` so nobody has to count: no function in src/
//! is longer than 80 lines, the import graph between src/ modules has no cycle (neither between
//! top-level modules nor between the modules inside one folder), and the leaf
//! modules of ARCHITECTURE.md import nothing of faqsite's. The sources are parsed with `syn`
//! (line numbers from `proc-macro2`'s span locations), so strings, comments and braces in
//! literals cannot fool the counts.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use proc_macro2::{TokenStream, TokenTree};
use syn::visit::Visit;

/// The longest a function may be, counted from its `fn` line to its closing brace.
const MAX_FN_LINES: usize = 80;

/// Functions still allowed past `MAX_FN_LINES`: (file, function name). Each is being split on
/// another branch right now; the lead removes its line after merging that branch. Keep this
/// list empty otherwise: split a long function along its seams instead of adding it here.
const LONG_FN_ALLOWED: &[(&str, &str)] = &[];

/// Modules that import nothing of faqsite's (ARCHITECTURE.md, "leaf" rows).
const LEAF_MODULES: &[&str] = &[
    "html", "paths", "hash", "builtin", "slug", "http", "history", "safe_url", "phone", "urls",
];

fn src_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<PathBuf> = walk(&root.join("src"))
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .map(|p| p.strip_prefix(root).unwrap().to_path_buf())
        .collect();
    files.sort();
    files
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

fn parse(file: &Path) -> syn::File {
    let full = Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
    let text = std::fs::read_to_string(&full).unwrap();
    syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: cannot parse: {e}", file.display()))
}

/// A path relative to the crate, with `/` separators on every platform.
fn display(file: &Path) -> String {
    file.to_string_lossy().replace('\\', "/")
}

// ---------------------------------------------------------------- function length

struct LongFn {
    file: String,
    line: usize,
    name: String,
    lines: usize,
}

#[derive(Default)]
struct FnLengths {
    owner: Vec<String>,
    found: Vec<(usize, String, usize)>,
}

impl FnLengths {
    fn record(&mut self, name: &syn::Ident, fn_token: &syn::token::Fn, block: &syn::Block) {
        let start = fn_token.span.start().line;
        let end = block.brace_token.span.close().end().line;
        let name = match self.owner.last() {
            Some(owner) => format!("{owner}::{name}"),
            None => name.to_string(),
        };
        self.found.push((start, name, end + 1 - start));
    }
}

impl<'ast> Visit<'ast> for FnLengths {
    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        self.record(&f.sig.ident, &f.sig.fn_token, &f.block);
        syn::visit::visit_item_fn(self, f);
    }
    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        self.record(&f.sig.ident, &f.sig.fn_token, &f.block);
        syn::visit::visit_impl_item_fn(self, f);
    }
    fn visit_trait_item_fn(&mut self, f: &'ast syn::TraitItemFn) {
        if let Some(block) = &f.default {
            self.record(&f.sig.ident, &f.sig.fn_token, block);
        }
        syn::visit::visit_trait_item_fn(self, f);
    }
    fn visit_item_impl(&mut self, i: &'ast syn::ItemImpl) {
        let ty = &i.self_ty;
        self.owner.push(quote_type(ty));
        syn::visit::visit_item_impl(self, i);
        self.owner.pop();
    }
    fn visit_item_trait(&mut self, t: &'ast syn::ItemTrait) {
        self.owner.push(t.ident.to_string());
        syn::visit::visit_item_trait(self, t);
        self.owner.pop();
    }
}

/// `Staging` for `impl Staging`, `Sink` for `impl<'a> Sink for DryRun<'a>`'s self type's name.
fn quote_type(ty: &syn::Type) -> String {
    match ty {
        syn::Type::Path(p) => p
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default(),
        _ => "impl".to_string(),
    }
}

fn long_functions() -> Vec<LongFn> {
    let mut long = Vec::new();
    for file in src_files() {
        let mut v = FnLengths::default();
        v.visit_file(&parse(&file));
        for (line, name, lines) in v.found {
            if lines > MAX_FN_LINES {
                long.push(LongFn {
                    file: display(&file),
                    line,
                    name,
                    lines,
                });
            }
        }
    }
    long
}

fn allowed(f: &LongFn) -> bool {
    let short_name = f.name.rsplit("::").next().unwrap();
    LONG_FN_ALLOWED
        .iter()
        .any(|(file, name)| *file == f.file && *name == short_name)
}

#[test]
fn no_function_is_longer_than_80_lines() {
    let long = long_functions();
    let offending: Vec<String> = long
        .iter()
        .filter(|f| !allowed(f))
        .map(|f| format!("  {}:{} `{}` is {} lines", f.file, f.line, f.name, f.lines))
        .collect();
    assert!(
        offending.is_empty(),
        "functions longer than {MAX_FN_LINES} lines (from `fn` to the closing brace):\n{}\n\
         Split each along its seams into functions named for what they do (see \
         ../shared/STYLE.md); do not add it to LONG_FN_ALLOWED in tests/structure.rs.",
        offending.join("\n")
    );
    let stale: Vec<String> = LONG_FN_ALLOWED
        .iter()
        .filter(|(file, name)| {
            !long
                .iter()
                .any(|f| f.file == *file && f.name.rsplit("::").next() == Some(*name))
        })
        .map(|(file, name)| format!("  {file} `{name}`"))
        .collect();
    assert!(
        stale.is_empty(),
        "LONG_FN_ALLOWED in tests/structure.rs lists functions that are no longer over \
         {MAX_FN_LINES} lines (or no longer exist):\n{}\nRemove their lines from the list.",
        stale.join("\n")
    );
}

// ---------------------------------------------------------------- import graph

/// One import: which module imports which of its siblings (top-level modules, or the modules
/// inside one folder: `templates::page` → `templates::nav`), and where.
#[derive(Clone)]
struct Edge {
    from: String,
    to: String,
    at: String,
}

struct Imports<'a> {
    file: String,
    /// The module the visitor is in: the file's module path plus inline `mod`s.
    module: Vec<String>,
    /// Every module of the crate that has a file, as its path (`["templates", "nav"]`).
    modules: &'a BTreeSet<Vec<String>>,
    /// `crate` in the library, `faqsite` in main.rs.
    crate_name: &'static str,
    edges: Vec<Edge>,
}

impl Imports<'_> {
    /// Records the module `segments` (a path as written) points into, if it is another of ours:
    /// the edge between the two sibling modules where the importer's path and the target's part
    /// (none when one is inside the other: a module and its own submodules).
    fn path(&mut self, segments: &[String], line: usize) {
        let target: Vec<String> = match segments.first().map(String::as_str) {
            Some(first) if first == self.crate_name => segments[1..].to_vec(),
            Some("super") => {
                let mut module = self.module.clone();
                let mut rest = segments;
                while rest.first().map(String::as_str) == Some("super") {
                    module.pop();
                    rest = &rest[1..];
                }
                module.extend(rest.iter().cloned());
                module
            }
            _ => return,
        };
        let from = &self.module;
        let shared = from.iter().zip(&target).take_while(|(a, b)| a == b).count();
        if shared >= from.len() || shared >= target.len() {
            return;
        }
        let to = &target[..=shared];
        if self.modules.contains(to) {
            self.edges.push(Edge {
                from: from[..=shared].join("::"),
                to: to.join("::"),
                at: format!("{}:{line}", self.file),
            });
        }
    }

    fn use_tree(&mut self, prefix: &mut Vec<String>, tree: &syn::UseTree) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.use_tree(prefix, &p.tree);
                prefix.pop();
            }
            syn::UseTree::Name(n) => self.use_leaf(prefix, &n.ident),
            syn::UseTree::Rename(r) => self.use_leaf(prefix, &r.ident),
            syn::UseTree::Glob(_) => {
                let line = tree_line(tree);
                self.path(prefix, line);
            }
            syn::UseTree::Group(g) => {
                for t in &g.items {
                    self.use_tree(prefix, t);
                }
            }
        }
    }

    fn use_leaf(&mut self, prefix: &mut Vec<String>, ident: &syn::Ident) {
        prefix.push(ident.to_string());
        self.path(prefix, ident.span().start().line);
        prefix.pop();
    }

    /// `crate::x` / `super::x` inside macro arguments (`format!`, `assert!`, …), which syn
    /// keeps as tokens.
    fn tokens(&mut self, tokens: TokenStream) {
        let trees: Vec<TokenTree> = tokens.into_iter().collect();
        for (i, tree) in trees.iter().enumerate() {
            match tree {
                TokenTree::Group(g) => self.tokens(g.stream()),
                TokenTree::Ident(id) => {
                    let word = id.to_string();
                    let starts_path = word == self.crate_name || word == "super";
                    let after_colons = i >= 1
                        && matches!(&trees[i - 1], TokenTree::Punct(p) if p.as_char() == ':');
                    if starts_path && !after_colons {
                        let segments = path_tokens(&trees[i..]);
                        self.path(&segments, id.span().start().line);
                    }
                }
                _ => {}
            }
        }
    }
}

/// The identifiers of `a :: b :: c` at the start of `trees`.
fn path_tokens(trees: &[TokenTree]) -> Vec<String> {
    let mut segments = Vec::new();
    let mut i = 0;
    while let Some(TokenTree::Ident(id)) = trees.get(i) {
        segments.push(id.to_string());
        let colons = matches!(
            (trees.get(i + 1), trees.get(i + 2)),
            (Some(TokenTree::Punct(a)), Some(TokenTree::Punct(b))) if a.as_char() == ':' && b.as_char() == ':'
        );
        if !colons {
            break;
        }
        i += 3;
    }
    segments
}

fn tree_line(tree: &syn::UseTree) -> usize {
    match tree {
        syn::UseTree::Path(p) => p.ident.span().start().line,
        syn::UseTree::Name(n) => n.ident.span().start().line,
        syn::UseTree::Rename(r) => r.ident.span().start().line,
        syn::UseTree::Glob(g) => g.star_token.spans[0].start().line,
        syn::UseTree::Group(g) => g.brace_token.span.open().start().line,
    }
}

impl<'ast> Visit<'ast> for Imports<'_> {
    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        self.use_tree(&mut Vec::new(), &u.tree);
    }
    fn visit_path(&mut self, p: &'ast syn::Path) {
        let segments: Vec<String> = p.segments.iter().map(|s| s.ident.to_string()).collect();
        let line = p
            .segments
            .first()
            .map_or(0, |s| s.ident.span().start().line);
        self.path(&segments, line);
        syn::visit::visit_path(self, p);
    }
    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        self.tokens(m.tokens.clone());
        syn::visit::visit_macro(self, m);
    }
    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        self.module.push(m.ident.to_string());
        syn::visit::visit_item_mod(self, m);
        self.module.pop();
    }
}

/// `src/templates/context.rs` → `["templates", "context"]`; lib.rs and main.rs → `[]`.
fn module_path(file: &Path) -> Vec<String> {
    let rel = file.strip_prefix("src").unwrap().with_extension("");
    let mut parts: Vec<String> = rel
        .iter()
        .map(|s| s.to_string_lossy().into_owned())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

/// Every module that has a file under src/, and every folder above one.
fn all_modules() -> BTreeSet<Vec<String>> {
    let mut modules = BTreeSet::new();
    for file in src_files() {
        let path = module_path(&file);
        for end in 1..=path.len() {
            modules.insert(path[..end].to_vec());
        }
    }
    modules
}

fn import_edges() -> Vec<Edge> {
    let modules = all_modules();
    let mut edges = Vec::new();
    for file in src_files() {
        let is_main = file == Path::new("src/main.rs");
        let mut v = Imports {
            file: display(&file),
            module: if is_main {
                vec!["main".to_string()]
            } else {
                module_path(&file)
            },
            modules: &modules,
            crate_name: if is_main { "faqsite" } else { "crate" },
            edges: Vec::new(),
        };
        v.visit_file(&parse(&file));
        edges.extend(v.edges);
    }
    edges
}

/// Every cycle's modules in order (one per strongly connected component, found by DFS).
fn cycles(edges: &[Edge]) -> Vec<Vec<String>> {
    let mut graph: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for e in edges {
        graph.entry(&e.from).or_default().insert(&e.to);
    }
    let mut found: Vec<Vec<String>> = Vec::new();
    let mut seen_sets: BTreeSet<BTreeSet<String>> = BTreeSet::new();
    for &start in graph.keys() {
        if let Some(cycle) = path_back(&graph, start, start, &mut vec![start], &mut BTreeSet::new())
        {
            let set: BTreeSet<String> = cycle.iter().cloned().collect();
            if seen_sets.insert(set) {
                found.push(cycle);
            }
        }
    }
    found
}

/// A path from `at` back to `start` (depth first), as the list of modules on it.
fn path_back<'a>(
    graph: &BTreeMap<&'a str, BTreeSet<&'a str>>,
    start: &'a str,
    at: &'a str,
    path: &mut Vec<&'a str>,
    visited: &mut BTreeSet<&'a str>,
) -> Option<Vec<String>> {
    for &next in graph.get(at).into_iter().flatten() {
        if next == start {
            return Some(path.iter().map(|s| s.to_string()).collect());
        }
        if visited.insert(next) {
            path.push(next);
            if let Some(found) = path_back(graph, start, next, path, visited) {
                return Some(found);
            }
            path.pop();
        }
    }
    None
}

fn where_imported<'a>(edges: &'a [Edge], from: &str, to: &str) -> &'a str {
    edges
        .iter()
        .find(|e| e.from == from && e.to == to)
        .map_or("?", |e| e.at.as_str())
}

#[test]
fn import_graph_has_no_cycle() {
    let edges = import_edges();
    let report: Vec<String> = cycles(&edges)
        .iter()
        .map(|cycle| {
            let steps: Vec<String> = cycle
                .iter()
                .zip(cycle.iter().cycle().skip(1))
                .map(|(a, b)| format!("    {a} → {b}  ({})", where_imported(&edges, a, b)))
                .collect();
            format!(
                "  {} → {}:\n{}",
                cycle.join(" → "),
                cycle[0],
                steps.join("\n")
            )
        })
        .collect();
    assert!(
        report.is_empty(),
        "the import graph between src/ modules has a cycle:\n{}\n\
         Modules import downward only (ARCHITECTURE.md): move the shared piece into a leaf \
         module (html, paths, hash, builtin, slug, http, or a new one), or let it travel forward \
         in an earlier stage's struct.",
        report.join("\n")
    );
}

/// The scanner sees an import between two modules of one folder, and the cycle finder finds a
/// circle there (the whole-tree test above passes trivially if either sees nothing).
#[test]
fn a_circle_inside_a_folder_is_found() {
    let modules: BTreeSet<Vec<String>> = [vec!["templates"], vec!["templates", "nav"]]
        .into_iter()
        .map(|m| m.into_iter().map(String::from).collect())
        .collect();
    let mut v = Imports {
        file: "src/templates/page.rs".into(),
        module: vec!["templates".into(), "page".into()],
        modules: &modules,
        crate_name: "crate",
        edges: Vec::new(),
    };
    let path = |p: &str| p.split("::").map(String::from).collect::<Vec<_>>();
    v.path(&path("super::nav::PageNav"), 1);
    v.path(&path("super::Theme"), 2);
    v.path(&path("crate::templates::page::Reads"), 3);
    let seen: Vec<(&str, &str)> = v
        .edges
        .iter()
        .map(|e| (e.from.as_str(), e.to.as_str()))
        .collect();
    assert_eq!(seen, [("templates::page", "templates::nav")]);
    let back = Edge {
        from: "templates::nav".into(),
        to: "templates::page".into(),
        at: "src/templates/nav.rs:1".into(),
    };
    let found = cycles(&[v.edges[0].clone(), back]);
    assert_eq!(found.len(), 1, "{found:?}");
}

#[test]
fn leaf_modules_import_nothing_of_faqsite() {
    let edges = import_edges();
    let report: Vec<String> = edges
        .iter()
        .filter(|e| LEAF_MODULES.contains(&e.from.as_str()))
        .map(|e| format!("  {} imports {} at {}", e.from, e.to, e.at))
        .collect();
    assert!(
        report.is_empty(),
        "leaf modules ({}) must import nothing of faqsite's (ARCHITECTURE.md):\n{}\n\
         Move what the leaf needs into the leaf (or another leaf's piece into it), or move the \
         code that needs the stage out of the leaf.",
        LEAF_MODULES.join(", "),
        report.join("\n")
    );
}

#[test]
fn the_scanners_see_the_sources() {
    // The checks above pass trivially if the scanner finds nothing: the pipeline's own imports
    // must be seen.
    let edges = import_edges();
    for (from, to) in [
        ("main", "site"),
        ("site", "content"),
        ("templates", "builtin"),
        ("content", "slug"),
        ("templates::page", "templates::nav"),
    ] {
        assert!(
            edges.iter().any(|e| e.from == from && e.to == to),
            "tests/structure.rs did not see {from} import {to}: the import scanner is broken"
        );
    }
    let mut v = FnLengths::default();
    v.visit_file(&parse(Path::new("src/main.rs")));
    assert!(
        v.found.iter().any(|(_, name, _)| name == "main"),
        "tests/structure.rs did not find `fn main` in src/main.rs: the function scanner is broken"
    );
}

/// Modules that may open files without the gate (`src/paths.rs`), and why: every other module
/// reads the site's files through `paths::read`/`read_to_string`/`walk_files` only.
const READS_WITHOUT_GATE: &[(&str, &str)] = &[
    ("src/paths.rs", "the gate itself"),
    (
        "src/history.rs",
        "the git history, read by gix (the one reader of .git/)",
    ),
    (
        "src/output/mod.rs",
        "a folder's marker, to know faqsite's own folders",
    ),
    (
        "src/output/files.rs",
        "the output and staging folders' files, compared byte for byte",
    ),
    (
        "src/output/leftovers.rs",
        "earlier builds' leftover folders, only the files their record vouches for removed",
    ),
    (
        "src/output/guard.rs",
        "the output folder it is asked to replace",
    ),
    (
        "src/output/record.rs",
        "the output folder's files, to check them against its record",
    ),
    (
        "src/fresh.rs",
        "the output folder's listing (the inputs are read through the gate)",
    ),
    ("src/serve.rs", "the output folder it serves"),
    ("src/print/pdf.rs", "the staged print.html"),
    (
        "src/print/server.rs",
        "the staging folder it serves to Chromium",
    ),
    (
        "src/scaffold.rs",
        "`new`/`init`: the files it writes for the user",
    ),
    (
        "src/import/mod.rs",
        "`import`: the documents named on its command line (not a build: it writes the site's \
         sources)",
    ),
    (
        "src/import/writer.rs",
        "`import`: the images beside the documents named on its command line, never outside a \
         document's folder",
    ),
    (
        "src/report/parse.rs",
        "`report`: the access logs named on its command line (the site is read through the gate)",
    ),
    (
        "src/error.rs",
        "a diagnostic's line, only of a file `paths::quotable` accepts",
    ),
];

/// Calls that open a file or walk a folder (the path's last segments).
const OPENING: &[&[&str]] = &[
    &["fs", "read"],
    &["fs", "read_to_string"],
    &["File", "open"],
    &["image", "open"],
    &["ImageReader", "open"],
    &["WalkDir", "new"],
];

struct Opens {
    found: Vec<usize>,
}

impl<'ast> Visit<'ast> for Opens {
    fn visit_path(&mut self, p: &'ast syn::Path) {
        let segments: Vec<String> = p.segments.iter().map(|s| s.ident.to_string()).collect();
        if OPENING
            .iter()
            .any(|o| segments.ends_with(&o.iter().map(|s| s.to_string()).collect::<Vec<_>>()))
        {
            self.found.push(p.segments[0].ident.span().start().line);
        }
        syn::visit::visit_path(self, p);
    }
    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        // Unit tests read what they set up.
        let is_test = m.attrs.iter().any(|a| {
            a.path().is_ident("cfg")
                && a.meta
                    .require_list()
                    .is_ok_and(|l| l.tokens.to_string().contains("test"))
        });
        if !is_test {
            syn::visit::visit_item_mod(self, m);
        }
    }
}

#[test]
fn every_file_of_the_site_is_read_through_the_gate() {
    let mut bad = Vec::new();
    for file in src_files() {
        let name = display(&file);
        if READS_WITHOUT_GATE.iter().any(|(f, _)| *f == name) {
            continue;
        }
        let mut v = Opens { found: Vec::new() };
        v.visit_file(&parse(&file));
        bad.extend(v.found.into_iter().map(|line| format!("{name}:{line}")));
    }
    assert!(
        bad.is_empty(),
        "files opened without the gate (read the site's files with crate::paths::read, \
         read_to_string or walk_files, which refuse what leads outside the site):\n{}",
        bad.join("\n")
    );
}
