//! Which variables a template reads: found in Tera's parsed templates (the page template, the
//! templates it extends, includes and imports), so a page's context leaves out the large lists
//! its template never reads (the sidebar's `chapters`, a chapter's `questions`) instead of
//! building them for each of 10,000 pages. Conservative: a name counts as read wherever it
//! appears, and `__tera_context` (the whole context) reads everything. The same walk finds
//! templates that call themselves ([`recursion`]): Tera has no depth limit, so one would
//! overflow the stack.

use std::collections::{BTreeMap, BTreeSet};

use tera::ast::{Expr, ExprVal, Node};
use tera::Tera;

/// The variable paths (`chapters`, `chapter.questions`, `q.url`, …) a template and the
/// templates it uses name anywhere.
#[derive(Debug, Default, Clone)]
pub struct Uses {
    paths: BTreeSet<String>,
    everything: bool,
}

impl Uses {
    /// What template `name` (and what it extends, includes and imports) reads; everything when
    /// it is not found.
    pub fn of(tera: &Tera, name: &str) -> Uses {
        let mut walk = Walk::new(tera);
        walk.template(name);
        walk.uses
    }

    /// Whether the template may read `path` (`chapters`, `chapter.questions`): it names the
    /// path, a path inside it, or one of the objects holding it as a whole.
    pub fn reads(&self, path: &str) -> bool {
        if self.everything {
            return true;
        }
        // `chapter` alone (handed to a filter or a macro) or `chapter[key]` holds it all.
        let holders: Vec<&str> = path.match_indices('.').map(|(i, _)| &path[..i]).collect();
        let within = |p: &str, of: &str| {
            p.strip_prefix(of)
                .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
        };
        self.paths.iter().any(|p| {
            p == path
                || within(p, path)
                || holders
                    .iter()
                    .any(|h| p == h || p.strip_prefix(h).is_some_and(|r| r.starts_with('[')))
        })
    }
}

impl Uses {
    /// The keys of object `name` (`t`) the template reads as `name.key`; `None` when it may
    /// read others (the object whole, `name[key]`, or everything).
    pub fn keys_of(&self, name: &str) -> Option<BTreeSet<String>> {
        if self.everything {
            return None;
        }
        let mut keys = BTreeSet::new();
        for p in &self.paths {
            let Some(rest) = p.strip_prefix(name) else {
                continue;
            };
            if rest.is_empty() || rest.starts_with('[') {
                return None;
            }
            if let Some(key) = rest.strip_prefix('.') {
                let end = key.find(['.', '[']).unwrap_or(key.len());
                keys.insert(key[..end].to_string());
            }
        }
        Some(keys)
    }
}

/// A chain of calls that comes back to where it started (`nav.html::menu` → `nav.html::menu`),
/// or None: what [`recursion`] finds.
pub type Cycle = Vec<String>;

/// The first (by name) cycle of template calls, if any: a macro calling itself, directly or
/// through others, or templates including each other. Tera renders them until the stack
/// overflows, which no error handling can catch, so they are refused before rendering.
pub fn recursion(tera: &Tera) -> Option<Cycle> {
    let mut walk = Walk::new(tera);
    let mut names: Vec<&String> = tera.templates.keys().collect();
    names.sort();
    for name in names {
        walk.template(name);
    }
    first_cycle(&walk.calls)
}

/// A cycle in the graph `calls` (caller → callees), searched depth-first without recursion
/// (a chain of thousands of templates must not overflow the stack either).
fn first_cycle(calls: &BTreeMap<String, BTreeSet<String>>) -> Option<Cycle> {
    let callees = |n: &str| -> Vec<&str> {
        calls
            .get(n)
            .map_or_else(Vec::new, |c| c.iter().rev().map(String::as_str).collect())
    };
    let mut done: BTreeSet<&str> = BTreeSet::new();
    for start in calls.keys() {
        if done.contains(start.as_str()) {
            continue;
        }
        // The path from `start`, each with the callees still to visit, and where each is on it.
        let mut path: Vec<(&str, Vec<&str>)> = vec![(start, callees(start))];
        let mut on_path: BTreeMap<&str, usize> = BTreeMap::from([(start.as_str(), 0)]);
        while let Some((_, todo)) = path.last_mut() {
            let Some(next) = todo.pop() else {
                let (finished, _) = path.pop().expect("not empty");
                on_path.remove(finished);
                done.insert(finished);
                continue;
            };
            if let Some(&i) = on_path.get(next) {
                let mut cycle: Cycle = path[i..].iter().map(|(n, _)| n.to_string()).collect();
                cycle.push(next.to_string());
                return Some(cycle);
            }
            if !done.contains(next) {
                on_path.insert(next, path.len());
                path.push((next, callees(next)));
            }
        }
    }
    None
}

struct Walk<'t> {
    tera: &'t Tera,
    /// Templates already walked (a template included twice, or including itself).
    seen: BTreeSet<String>,
    uses: Uses,
    /// The template being walked, and the part of it (`name`, or `name::macro`).
    template: String,
    at: String,
    /// What each part calls: the templates it includes, the macros it calls.
    calls: BTreeMap<String, BTreeSet<String>>,
}

impl<'t> Walk<'t> {
    fn new(tera: &'t Tera) -> Self {
        Walk {
            tera,
            seen: BTreeSet::new(),
            uses: Uses::default(),
            template: String::new(),
            at: String::new(),
            calls: BTreeMap::new(),
        }
    }

    fn template(&mut self, name: &str) {
        if !self.seen.insert(name.to_string()) {
            return;
        }
        let Some(t) = self.tera.templates.get(name) else {
            // Unknown to Tera (it reports that itself when rendering): assume the worst.
            self.uses.everything = true;
            return;
        };
        for parent in &t.parents {
            self.template(parent);
        }
        for (file, _) in &t.imported_macro_files {
            self.template(file);
        }
        let outer = (
            std::mem::replace(&mut self.template, name.to_string()),
            self.at.clone(),
        );
        let mut macros: Vec<_> = t.macros.values().collect();
        macros.sort_by(|a, b| a.name.cmp(&b.name));
        for m in macros {
            self.at = format!("{name}::{}", m.name);
            self.nodes(&m.body);
        }
        self.at = name.to_string();
        self.nodes(&t.ast);
        (self.template, self.at) = outer;
    }

    /// Record that the part being walked calls `callee`.
    fn calls(&mut self, callee: String) {
        self.calls
            .entry(self.at.clone())
            .or_default()
            .insert(callee);
    }

    /// The template a macro call `namespace::name` in the current template names.
    fn macro_file(&self, namespace: &str) -> Option<String> {
        if namespace == "self" {
            return Some(self.template.clone());
        }
        let t = self.tera.templates.get(&self.template)?;
        t.imported_macro_files
            .iter()
            .find(|(_, ns)| ns == namespace)
            .map(|(file, _)| file.clone())
    }

    fn nodes(&mut self, nodes: &[Node]) {
        for node in nodes {
            self.node(node);
        }
    }

    fn node(&mut self, node: &Node) {
        match node {
            Node::VariableBlock(_, e) => self.expr(e),
            Node::MacroDefinition(_, m, _) => self.nodes(&m.body),
            Node::Extends(_, name) => self.template(name),
            // `ignore missing` includes name templates a site may add (extra_head.html): those
            // it has count; a missing one renders nothing (or is Tera's error to report).
            Node::Include(_, names, _) => {
                for n in names
                    .iter()
                    .filter(|n| self.tera.templates.contains_key(n.as_str()))
                {
                    self.calls(n.clone());
                    self.template(n);
                }
            }
            Node::ImportMacro(_, file, _) => self.template(file),
            Node::Set(_, s) => self.expr(&s.value),
            Node::FilterSection(_, f, _) => {
                f.filter.args.values().for_each(|e| self.expr(e));
                self.nodes(&f.body);
            }
            Node::Block(_, b, _) => self.nodes(&b.body),
            Node::Forloop(_, f, _) => {
                self.expr(&f.container);
                self.nodes(&f.body);
                if let Some(empty) = &f.empty_body {
                    self.nodes(empty);
                }
            }
            Node::If(i, _) => {
                for (_, cond, body) in &i.conditions {
                    self.expr(cond);
                    self.nodes(body);
                }
                if let Some((_, body)) = &i.otherwise {
                    self.nodes(body);
                }
            }
            Node::Super
            | Node::Text(_)
            | Node::Raw(..)
            | Node::Break(_)
            | Node::Continue(_)
            | Node::Comment(..) => {}
        }
    }

    fn expr(&mut self, e: &Expr) {
        self.val(&e.val);
        for f in &e.filters {
            f.args.values().for_each(|a| self.expr(a));
        }
    }

    fn val(&mut self, v: &ExprVal) {
        match v {
            ExprVal::Ident(path) => self.ident(path),
            ExprVal::Math(m) => {
                self.expr(&m.lhs);
                self.expr(&m.rhs);
            }
            ExprVal::Logic(l) => {
                self.expr(&l.lhs);
                self.expr(&l.rhs);
            }
            ExprVal::Test(t) => {
                self.ident(&t.ident);
                t.args.iter().for_each(|a| self.expr(a));
            }
            ExprVal::MacroCall(m) => {
                if let Some(file) = self.macro_file(&m.namespace) {
                    self.calls(format!("{file}::{}", m.name));
                }
                m.args.values().for_each(|a| self.expr(a));
            }
            ExprVal::FunctionCall(f) => f.args.values().for_each(|a| self.expr(a)),
            ExprVal::Array(items) => items.iter().for_each(|a| self.expr(a)),
            ExprVal::StringConcat(s) => s.values.iter().for_each(|v| self.val(v)),
            ExprVal::In(i) => {
                self.expr(&i.lhs);
                self.expr(&i.rhs);
            }
            ExprVal::String(_) | ExprVal::Int(_) | ExprVal::Float(_) | ExprVal::Bool(_) => {}
        }
    }

    fn ident(&mut self, path: &str) {
        if path == "__tera_context" || path.starts_with("__tera_context.") {
            self.uses.everything = true;
        }
        self.uses.paths.insert(path.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tera(templates: &[(&str, &str)]) -> Tera {
        let mut t = Tera::default();
        t.add_raw_templates(templates.iter().copied()).unwrap();
        t
    }

    #[test]
    fn names_in_the_template_and_what_it_extends_and_includes_count() {
        let t = tera(&[
            (
                "base.html",
                "{% block b %}{% endblock b %}{% include \"part.html\" %}\
                 {% include \"extra.html\" ignore missing %}",
            ),
            (
                "part.html",
                "{% for c in chapters %}{{ c.title }}{% endfor %}",
            ),
            (
                "q.html",
                "{% extends \"base.html\" %}{% block b %}{{ chapter.url }}{% endblock b %}",
            ),
            (
                "plain.html",
                "{% if page.kind == \"x\" %}{{ chapter.title | upper }}{% endif %}",
            ),
        ]);
        let q = Uses::of(&t, "q.html");
        assert!(q.reads("chapters"));
        assert!(!q.reads("chapter.questions"));
        assert!(q.reads("chapter.url"));
        let base = Uses::of(&t, "base.html");
        assert!(base.reads("chapters") && !base.reads("chapter.url"));
        let plain = Uses::of(&t, "plain.html");
        assert!(!plain.reads("chapters"));
        assert!(!plain.reads("chapter.questions"));
        assert!(plain.reads("page.kind"));
    }

    #[test]
    fn a_holder_read_whole_or_by_subscript_reads_everything_in_it() {
        let t = tera(&[
            ("whole.html", "{{ chapter | json_encode }}"),
            ("sub.html", "{{ chapter[\"questions\"] | length }}"),
            (
                "inner.html",
                "{% for q in chapter.questions %}{{ q.url }}{% endfor %}",
            ),
            ("ctx.html", "{{ __tera_context }}"),
            ("macro.html", "{% macro m(x) %}{{ x }}{% endmacro m %}"),
            (
                "uses_macro.html",
                "{% import \"macro.html\" as k %}{{ k::m(x=chapters) }}",
            ),
        ]);
        assert!(Uses::of(&t, "whole.html").reads("chapter.questions"));
        assert!(Uses::of(&t, "sub.html").reads("chapter.questions"));
        assert!(Uses::of(&t, "inner.html").reads("chapter.questions"));
        assert!(!Uses::of(&t, "inner.html").reads("chapters"));
        assert!(Uses::of(&t, "ctx.html").reads("chapters"));
        assert!(Uses::of(&t, "uses_macro.html").reads("chapters"));
        assert!(Uses::of(&t, "missing.html").reads("chapters"));
    }

    #[test]
    fn templates_that_call_themselves_are_found() {
        let t = tera(&[
            ("m.html", "{% macro a() %}{{ self::b() }}{% endmacro a %}{% macro b() %}{{ self::a() }}{% endmacro b %}"),
            ("page.html", "{% import \"m.html\" as m %}{{ m::a() }}"),
        ]);
        assert_eq!(
            recursion(&t).unwrap(),
            ["m.html::a", "m.html::b", "m.html::a"]
        );
        let t = tera(&[
            ("x.html", "{% include \"y.html\" %}"),
            ("y.html", "{% if a %}{% include \"x.html\" %}{% endif %}"),
        ]);
        assert_eq!(recursion(&t).unwrap(), ["x.html", "y.html", "x.html"]);
        let t = tera(&[
            ("m.html", "{% macro a(n) %}{{ n }}{% endmacro a %}"),
            ("p.html", "{% import \"m.html\" as m %}{{ m::a(n=1) }}{{ m::a(n=2) }}{% include \"q.html\" %}"),
            ("q.html", "{% import \"m.html\" as m %}{{ m::a(n=3) }}"),
        ]);
        assert_eq!(recursion(&t), None);
    }

    #[test]
    fn a_long_chain_of_calls_is_searched_without_recursion() {
        let mut calls: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for i in 0..200_000 {
            calls
                .entry(format!("{i:06}"))
                .or_default()
                .insert(format!("{:06}", i + 1));
        }
        assert_eq!(first_cycle(&calls), None);
        calls
            .entry("200000".into())
            .or_default()
            .insert("000000".into());
        assert_eq!(first_cycle(&calls).map(|c| c.len()), Some(200_002));
    }

    #[test]
    fn the_keys_of_an_object_read_one_by_one_are_listed() {
        let t = tera(&[
            (
                "keys.html",
                "{{ t.a }}{{ t.b | fill(n=t.c) }}{% if t.d.e %}{% endif %}{{ tt.x }}",
            ),
            ("whole.html", "{{ t.a }}{{ t | length }}"),
            ("sub.html", "{{ t.a }}{{ t[name] }}"),
        ]);
        let keys = Uses::of(&t, "keys.html").keys_of("t").unwrap();
        assert_eq!(keys.into_iter().collect::<Vec<_>>(), ["a", "b", "c", "d"]);
        assert!(Uses::of(&t, "whole.html").keys_of("t").is_none());
        assert!(Uses::of(&t, "sub.html").keys_of("t").is_none());
    }
}
