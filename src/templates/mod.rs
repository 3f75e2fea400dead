//! Stage 6: Tera templates → HTML pages (in parallel).
//!
//! The theme is the default theme compiled into the binary (from `themes/default/`), or the
//! site's `themes/<name>/`; any file can be overridden by one at the same path under the
//! site's `templates/` or `static/`. The variables a template sees are documented in
//! ARCHITECTURE.md ("Template context").
//!
//! This file owns the theme (loading, overrides, Tera errors as diagnostics; Tera escapes with
//! [`crate::html::escape`]). Below it, each importing only those after it: `render.rs` (every
//! page, in parallel; `progress.rs` its progress bar), `page.rs` (a page's whole context),
//! `jsonld.rs`, `nav.rs` (sidebars and related lists), `context.rs` (the typed template
//! context, the `Renderer`), `key.rs` (keys of contexts).

mod budget;
mod context;
mod jsonld;
mod key;
mod nav;
mod page;
mod progress;
mod render;
mod strings;
mod tags;
mod uses;
pub use context::{NavChapter, NavQuestion, Renderer};
pub use key::{FragmentMemo, PageKey, PageKeys};
pub use page::PageContext;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use tera::{Context, Template, Tera};

use crate::config::Config;
use crate::content::{display_path, outside_link_error};
use crate::error::{Diagnostic, Error, Result};
use crate::hash::short_hash;
use crate::output::OutputFile;

pub use crate::builtin::{DEFAULT_THEME, GENERATOR};

/// Sites with more questions than this get a sidebar with only the current chapter's
/// questions (the other chapters as links), so page size does not grow with the site (10,000
/// pages × 10,000 links; a 290-question site's pages were 54-60 KB, the sidebar most of it).
pub const FULL_NAV_LIMIT: usize = 60;
/// Sites with more chapters than this list only the current chapter in the sidebar (the home
/// page still lists them all).
pub const CHAPTER_NAV_LIMIT: usize = 30;
/// A page lists at most this many questions of its own chapter (in the sidebar, and a question
/// page in its "other questions"): those around the current question, 20 either side. The
/// chapter page's own content still lists them all; so page size does not grow with the
/// chapter (5,000 questions × 5,000 links made 5 GB; with 101 listed, a question page of a
/// 200-question chapter was 54 KB).
pub const CHAPTER_NAV_QUESTIONS: usize = 41;

/// A loaded theme: templates ready to render, static files ready to write.
pub struct Theme {
    tera: std::sync::Arc<Compiled>,
    /// The first render of this build that went over its budget: every later one stops at once
    /// with the same error (a loop bomb in a template every page includes).
    over_budget: std::sync::OnceLock<Diagnostic>,
    /// Template name → (file shown in messages, its text), for error lines.
    sources: BTreeMap<String, (PathBuf, String)>,
    /// Static files, output paths under `static/`.
    pub static_files: Vec<OutputFile>,
    /// `static/<file>` → `static/<file>?v=<hash>`, hashed once per build (not once per page).
    versioned: BTreeMap<String, String>,
    /// Hash of every template (and faqsite's version): part of each page's key.
    templates_hash: Vec<u8>,
    /// The UI words for the site's language (`t` in templates).
    pub strings: strings::Strings,
    /// The site's logo, favicon and extra CSS/JS, as versioned URLs under `static/`.
    pub added: Added,
    /// Problems of the theme's files the build goes on with (a UI string no longer used).
    pub warnings: Vec<Diagnostic>,
    /// What each template reads (see `uses.rs`).
    uses: BTreeMap<String, uses::Uses>,
    /// The UI words (`t.<key>`) each template reads, when it reads them one by one.
    strings_read: BTreeMap<String, Option<std::collections::BTreeSet<String>>>,
}

/// What site.toml adds to the theme (`logo`, `favicon`, `[theme] extra_css`/`extra_js`), each
/// a `static/<file>?v=<hash>` URL; empty when not set.
#[derive(Default, serde::Serialize)]
pub struct Added {
    pub logo: String,
    pub favicon: String,
    pub extra_css: Vec<String>,
    pub extra_js: Vec<String>,
}

impl Added {
    /// Each file named in site.toml, found among the static files (`versioned`), or an error at
    /// its line of site.toml.
    fn new(config: &Config, versioned: &BTreeMap<String, String>, root: &Path) -> Result<Added> {
        let toml_path = root.join(crate::config::CONFIG_FILE);
        let text = crate::paths::read_site_text(root, &toml_path).unwrap_or_default();
        let mut errors = Vec::new();
        let mut find = |key: &str, file: &str| -> String {
            let rel = file.trim_start_matches("static/");
            if let Some(v) = versioned.get(&format!("static/{rel}")) {
                return v.clone();
            }
            let line = text
                .lines()
                .position(|l| l.contains(file))
                .map_or(0, |i| i + 1);
            errors.push(
                Diagnostic::new(
                    &toml_path,
                    line,
                    format!(
                        "`{key}` names {file:?}, which is not a file of the site's static/ folder"
                    ),
                )
                .hint(format!("put the file at static/{rel}, or fix the name")),
            );
            String::new()
        };
        let one = |f: &mut dyn FnMut(&str, &str) -> String, key: &str, file: &str| {
            if file.is_empty() {
                String::new()
            } else {
                f(key, file)
            }
        };
        let added = Added {
            logo: one(&mut find, "logo", &config.logo),
            favicon: one(&mut find, "favicon", &config.favicon),
            extra_css: config
                .theme
                .extra_css
                .iter()
                .map(|f| find("extra_css", f))
                .collect(),
            extra_js: config
                .theme
                .extra_js
                .iter()
                .map(|f| find("extra_js", f))
                .collect(),
        };
        if errors.is_empty() {
            Ok(added)
        } else {
            Err(Error::Input(errors))
        }
    }
}

/// Whether the theme's static file `rel` is published: all are but those under
/// `static/languages/` (the language switcher's style and script), which only a site in
/// several languages publishes.
fn published(rel: &str, config: &Config) -> bool {
    !rel.starts_with(LANGUAGES_STATIC) || config.in_several_languages()
}

/// The theme's folder of files only a site in several languages publishes.
const LANGUAGES_STATIC: &str = "static/languages/";

/// Theme file (`templates/…`, `static/…`) → (the file shown in messages, its bytes).
type ThemeFiles = BTreeMap<String, (PathBuf, Vec<u8>)>;

/// The templates of an earlier [`Theme::load`] in this process, compiled, by the hash of their
/// text ([`templates_hash`]): `serve` compiles them again only when one changed.
pub type CompiledTemplates = Option<(Vec<u8>, std::sync::Arc<Compiled>)>;

/// Templates compiled with the render budget's calls in them ([`budget::instrument`]), and the
/// places (template, line) those calls name.
pub struct Compiled {
    tera: Tera,
    places: Vec<budget::Place>,
}

impl Theme {
    /// The theme of the site at `root`; the compiled templates are taken from `compiled` when
    /// their text is the same, and this theme's are left there.
    pub fn load(root: &Path, config: &Config, compiled: &mut CompiledTemplates) -> Result<Theme> {
        let files = theme_files(root, config)?;
        let (strings, warnings) = strings::load(&files, DEFAULT_THEME, root, config)?;
        let mut sources = BTreeMap::new();
        let mut static_files = Vec::new();
        for (rel, (shown, bytes)) in files {
            if let Some(name) = rel.strip_prefix("templates/") {
                let text = String::from_utf8(bytes).map_err(|_| {
                    Error::one(Diagnostic::new(&shown, 0, "template is not UTF-8 text"))
                })?;
                sources.insert(name.to_string(), (shown, text));
            } else if rel.starts_with("static/") && published(&rel, config) {
                static_files.push(OutputFile::new(rel, bytes));
            }
        }
        let templates_hash = templates_hash(&sources);
        let tera = match compiled.take() {
            Some((hash, tera)) if hash == templates_hash => tera,
            _ => std::sync::Arc::new(new_tera(&sources)?),
        };
        *compiled = Some((templates_hash.clone(), tera.clone()));
        let versioned = static_files
            .iter()
            .map(|f| {
                let path = f.path.to_string_lossy().replace('\\', "/");
                let v = format!("{path}?v={}", &short_hash(&f.bytes)[..8]);
                (path, v)
            })
            .collect();
        let added = Added::new(config, &versioned, root)?;
        let uses: BTreeMap<String, uses::Uses> = sources
            .keys()
            .map(|name| (name.clone(), uses::Uses::of(&tera.tera, name)))
            .collect();
        let strings_read = uses
            .iter()
            .map(|(n, u)| (n.clone(), u.keys_of("t")))
            .collect();
        Ok(Theme {
            over_budget: std::sync::OnceLock::new(),
            uses,
            strings_read,
            tera,
            templates_hash,
            sources,
            static_files,
            versioned,
            strings,
            added,
            warnings,
        })
    }

    /// The UI string `key` (empty when the theme has none).
    pub fn string(&self, key: &str) -> &str {
        self.strings.get(key).map_or("", String::as_str)
    }

    /// Whether template `name` may read the variable at `path` (`chapters`,
    /// `chapter.questions`): a page's context leaves out what its template never reads.
    pub fn reads(&self, name: &str, path: &str) -> bool {
        self.uses.get(name).is_none_or(|u| u.reads(path))
    }

    /// The UI words (`t.<key>`) template `name` reads; `None`: it may read any.
    pub fn strings_read(&self, name: &str) -> Option<&std::collections::BTreeSet<String>> {
        self.strings_read.get(name).and_then(Option::as_ref)
    }

    pub fn has_template(&self, name: &str) -> bool {
        self.sources.contains_key(name)
    }

    pub fn render(&self, name: &str, ctx: &Context) -> Result<String> {
        let mut out = Vec::new();
        self.render_into(name, ctx, &mut out)?;
        String::from_utf8(out).map_err(|e| Error::Other(format!("template {name}: {e}")))
    }

    /// Renders into `out` (emptied first): for pages, whose HTML goes straight to a file. Unlike
    /// [`Theme::render`], the output is not checked to be UTF-8 (Tera writes only `str`s, and
    /// the check was ~5 % of a 10,000-page build), and `out` is reused from page to page.
    pub fn render_into(&self, name: &str, ctx: &Context, out: &mut Vec<u8>) -> Result<()> {
        out.clear();
        if let Some(d) = self.over_budget.get() {
            return Err(Error::one(d.clone()));
        }
        budget::start();
        let rendered = self
            .tera
            .tera
            .render_to(name, ctx, budget::Counted(&mut *out));
        let Err(e) = rendered else { return Ok(()) };
        let Some(breach) = budget::breach() else {
            return Err(template_error(&e, &self.sources, Some(name)));
        };
        out.clear();
        // (A template may call the budget's functions itself, with any place.)
        let (template, line) = match self.tera.places.get(breach.place) {
            Some((t, l, _)) => (t.as_str(), *l),
            None => (name, 0),
        };
        let file = self
            .sources
            .get(template)
            .map_or_else(|| PathBuf::from(template), |(f, _)| f.clone());
        let d = Diagnostic::new(file, line, breach.message()).hint(format!(
            "a page may take at most {} steps and {} MB; a loop over a large `range`, loops in \
             loops, or a value that doubles each time never end",
            budget::MAX_STEPS,
            budget::MAX_BYTES >> 20
        ));
        Err(Error::one(self.over_budget.get_or_init(|| d).clone()))
    }

    /// `static/<file>`'s versioned URL when the theme has it and the site publishes it,
    /// else "".
    pub fn published_asset(&self, file: &str) -> String {
        let path = format!("static/{file}");
        self.versioned.get(&path).cloned().unwrap_or_default()
    }

    /// `static/<file>?v=<hash>` for a static file of the theme (cache busting).
    pub fn asset(&self, file: &str) -> String {
        let path = format!("static/{file}");
        self.versioned.get(&path).cloned().unwrap_or(path)
    }
}

/// The theme's files: the site's `themes/<name>/`, else the built-in default theme; then the
/// site's own `templates/` and `static/` over them.
fn theme_files(root: &Path, config: &Config) -> Result<ThemeFiles> {
    let mut files = ThemeFiles::new();
    let theme_dir = root.join("themes").join(&config.theme.name);
    let mut outside = Vec::new();
    if theme_dir.is_dir() {
        outside.extend(collect(&theme_dir, "", &mut files, root)?);
    } else if config.theme.name == "default" {
        for (rel, bytes) in DEFAULT_THEME {
            let shown = PathBuf::from(format!("<built-in default theme>/{rel}"));
            files.insert(rel.to_string(), (shown, bytes.to_vec()));
        }
    } else {
        return Err(Error::one(
            Diagnostic::new(
                root.join("site.toml"),
                0,
                format!(
                    "theme {:?} not found at {}",
                    config.theme.name,
                    theme_dir.display()
                ),
            )
            .hint("put the theme in themes/<name>/ or remove `theme` to use the default"),
        ));
    }
    // Site overrides: templates/x.html → templates/x.html, static/y → static/y.
    for dir in ["templates", "static"] {
        let d = root.join(dir);
        if d.is_dir() {
            outside.extend(collect(&d, &format!("{dir}/"), &mut files, root)?);
        }
    }
    if outside.is_empty() {
        Ok(files)
    } else {
        Err(Error::Input(outside))
    }
}

/// Tera with the theme's templates, faqsite's escaper and filters, no `get_env`, and the
/// render budget's calls in every template.
fn new_tera(sources: &BTreeMap<String, (PathBuf, String)>) -> Result<Compiled> {
    let mut tera = Tera::default();
    tera.register_filter("fill", strings::fill);
    tera.autoescape_on(vec![".html", ".xml"]);
    // Tera's default also escapes '/', which turns every URL into "..&#x2F;x.html".
    tera.set_escape_fn(crate::html::escape);
    // Templates come from pull requests too: none may read the build machine's environment
    // (secrets in CI). Tera registers `get_env` by default; this replaces it with an error.
    tera.register_function("get_env", no_env);
    budget::charge_filters_and_functions(&mut tera);
    let too_deep: Vec<Diagnostic> = sources
        .values()
        .filter_map(|(shown, text)| {
            let at = nested_too_deep(text)?;
            let line = crate::error::line_col(text, at).0;
            Some(
                Diagnostic::new(
                    shown,
                    line,
                    format!("the template nests deeper than {MAX_NESTING} levels here"),
                )
                .hint("nest fewer blocks ({% if %}, {% for %}…) or brackets in one another"),
            )
        })
        .collect();
    if !too_deep.is_empty() {
        return Err(Error::Input(too_deep));
    }
    let places = add_templates(&mut tera, sources)?;
    if let Some(cycle) = uses::recursion(&tera) {
        let file = cycle[0].split("::").next().unwrap_or_default();
        let shown = sources
            .get(file)
            .map_or_else(|| PathBuf::from(file), |(p, _)| p.clone());
        return Err(Error::one(
            Diagnostic::new(
                &shown,
                0,
                format!("templates call themselves: {}", cycle.join(" → ")),
            )
            .hint("a template or macro may not include or call itself, directly or through others (it would never end)"),
        ));
    }
    Ok(Compiled { tera, places })
}

/// Every template parsed and instrumented ([`budget::instrument`]) into `tera`, as
/// `Tera::add_raw_templates` would add them; the places the budget's calls name.
fn add_templates(
    tera: &mut Tera,
    sources: &BTreeMap<String, (PathBuf, String)>,
) -> Result<Vec<budget::Place>> {
    let mut places = Vec::new();
    // Parsed once: which templates are included is known before any is instrumented.
    let parsed: Vec<_> = sources
        .iter()
        .map(|(name, (shown, text))| (name, shown, text, Template::new(name, None, text)))
        .collect();
    let included = budget::included(parsed.iter().filter_map(|p| p.3.as_ref().ok()));
    for (name, shown, text, tpl) in parsed {
        let tpl = tpl.map_err(|e| {
            let e = tera::Error::chain(format!("Failed to parse '{name}'"), e);
            template_error(&e, sources, None)
        })?;
        let tpl = budget::instrument(tpl, text, included.contains(name), &mut places);
        let tpl = tpl.map_err(|line| {
            Error::one(
                Diagnostic::new(
                    shown,
                    line,
                    format!(
                        "an expression here has more than {} parts (`~` or array items)",
                        budget::MAX_PARTS
                    ),
                )
                .hint("build long text with a loop or in the page's Markdown"),
            )
        })?;
        tera.templates.insert(name.clone(), tpl);
    }
    budget::register_places(tera, &places);
    tera.build_inheritance_chains()
        .and_then(|()| tera.check_macro_files())
        .map_err(|e| template_error(&e, sources, None))?;
    Ok(places)
}

/// The deepest a template may nest blocks in blocks, or brackets in brackets within one tag:
/// Tera's parser recurses once a level, so a few thousand overflowed the stack.
const MAX_NESTING: usize = 64;

/// Where a template first nests deeper than [`MAX_NESTING`] (a byte offset), counted
/// conservatively: every `{% if|for|block|macro|filter %}` opens a level and every `{% end… %}`
/// closes one; every `(`, `[` or `{` inside a tag opens one (strings too).
fn nested_too_deep(text: &str) -> Option<usize> {
    const OPENERS: &[&str] = &["if", "for", "block", "macro", "filter"];
    let mut blocks = 0usize;
    let mut from = 0;
    while let Some(i) = text[from..].find(['{']).map(|i| from + i) {
        let close = match text.get(i + 1..i + 2) {
            Some("%") => "%}",
            Some("{") => "}}",
            _ => {
                from = i + 1;
                continue;
            }
        };
        let end = text[i + 2..].find(close).map_or(text.len(), |e| i + 2 + e);
        let inner = &text[i + 2..end];
        let mut depth = 0usize;
        for (j, c) in inner.char_indices() {
            match c {
                '(' | '[' | '{' => depth += 1,
                ')' | ']' | '}' => depth = depth.saturating_sub(1),
                _ => continue,
            }
            if depth > MAX_NESTING {
                return Some(i + 2 + j);
            }
        }
        if close == "%}" {
            let word = inner.trim_start_matches(['-', ' ', '\t', '\n', '\r']);
            let word = word
                .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
                .next();
            match word.unwrap_or_default() {
                w if OPENERS.contains(&w) => blocks += 1,
                w if w.starts_with("end") => blocks = blocks.saturating_sub(1),
                _ => {}
            }
            if blocks > MAX_NESTING {
                return Some(i);
            }
        }
        from = end;
    }
    None
}

/// A hash of every template (and faqsite's version): part of each page's key.
fn templates_hash(sources: &BTreeMap<String, (PathBuf, String)>) -> Vec<u8> {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(GENERATOR.as_bytes());
    for (name, (_, text)) in sources {
        h.update(name.as_bytes());
        h.update([0]);
        h.update(text.as_bytes());
        h.update([0]);
    }
    h.finalize().to_vec()
}

/// Every file under `dir` into `files` as `prefix` + its path under `dir`. Symbolic links
/// are followed inside the site; those that lead out of it are returned as errors.
fn collect(
    dir: &Path,
    prefix: &str,
    files: &mut ThemeFiles,
    root: &Path,
) -> Result<Vec<Diagnostic>> {
    let root_canon = root
        .canonicalize()
        .map_err(|e| Error::io("resolving site folder", root, e))?;
    let walk = crate::paths::walk_published(dir, &root_canon);
    if let Some((path, e)) = walk.unreadable.first() {
        return Err(Error::Other(format!("reading {}: {e}", path.display())));
    }
    for path in walk.files {
        let rel = path.strip_prefix(dir).unwrap_or(&path);
        if rel
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        {
            continue;
        }
        let rel = rel.to_string_lossy().replace('\\', "/");
        let bytes =
            crate::paths::read(&root_canon, &path).map_err(|e| Error::io("reading", &path, e))?;
        files.insert(format!("{prefix}{rel}"), (display_path(&path, root), bytes));
    }
    Ok(walk.outside.iter().map(outside_link_error).collect())
}

/// A Tera error as a diagnostic: the template file, and the line when it can be found.
/// Tera's `get_env`, turned off: a template cannot read environment variables.
fn no_env(_: &std::collections::HashMap<String, tera::Value>) -> tera::Result<tera::Value> {
    Err(tera::Error::msg(
        "get_env is turned off: a template cannot read the build machine's environment \
         variables (they may hold CI secrets); put the value in site.toml instead",
    ))
}

fn template_error(
    e: &tera::Error,
    sources: &BTreeMap<String, (PathBuf, String)>,
    rendering: Option<&str>,
) -> Error {
    let mut chain = vec![e.to_string()];
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        chain.push(s.to_string());
        src = s.source();
    }
    let message = chain.join(": ");
    // Which template: the one named in the message, else the one being rendered.
    let named = sources
        .keys()
        .find(|k| message.contains(&format!("'{k}'")))
        .cloned();
    let name = named.or(rendering.map(str::to_string));
    let (file, text) = match name.as_ref().and_then(|n| sources.get(n)) {
        Some((f, t)) => (f.clone(), t.as_str()),
        None => (PathBuf::from("templates"), ""),
    };
    // Parse errors carry "--> line:col"; render errors name the variable.
    let mut line = 0;
    let mut file = file;
    if let Some(pos) = message.find("--> ") {
        line = message[pos + 4..]
            .split(':')
            .next()
            .and_then(|n| n.trim().parse().ok())
            .unwrap_or(0);
    } else if let Some(var) = message.split('`').nth(1) {
        let find = |t: &str| t.lines().position(|l| l.contains(var)).map(|i| i + 1);
        if let Some(l) = find(text) {
            line = l;
        } else if let Some((f, l)) = sources
            .values()
            .find_map(|(f, t)| find(t).map(|l| (f.clone(), l)))
        {
            file = f;
            line = l;
        }
    }
    let hint = if message.contains("not found in context") {
        "the variables a template can use are listed in ARCHITECTURE.md (Template context)"
    } else {
        "see https://keats.github.io/tera/docs/ for the template syntax"
    };
    Error::one(Diagnostic::new(file, line, message).hint(hint))
}

/// The first `max` characters of `text` on one line (each run of white space one space), cut
/// at a character boundary, `…` when cut. One pass that stops at the cut: a page's text is
/// thousands of characters, and every page without a description asks for this.
pub fn summary(text: &str, max: usize) -> String {
    // Room for `max` characters of up to 3 bytes (CJK) and the ellipsis: no regrowth.
    let mut out = String::with_capacity(text.len().min(max * 3 + 3));
    let mut chars = 0;
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            space = chars > 0;
            continue;
        }
        // A word after white space: the one space first.
        let word_start = std::mem::take(&mut space);
        for c in word_start.then_some(' ').into_iter().chain([c]) {
            if chars == max {
                out.push('…');
                return out;
            }
            out.push(c);
            chars += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_nested_too_deep_are_found() {
        let deep_blocks = "{% if a %}".repeat(65) + &"{% endif %}".repeat(65);
        assert!(nested_too_deep(&deep_blocks).is_some());
        let deep_brackets = format!("{{{{ {}1{} }}}}", "(".repeat(65), ")".repeat(65));
        assert!(nested_too_deep(&deep_brackets).is_some());
        let fine = "{% if a %}{% endif %}".repeat(1000) + &"{{ (((1))) }}".repeat(1000);
        assert_eq!(nested_too_deep(&fine), None);
        assert_eq!(nested_too_deep("{{ x }"), None);
    }

    #[test]
    fn summary_cuts_on_characters() {
        assert_eq!(summary("安装  驱动\n程序", 4), "安装 驱…");
        assert_eq!(summary("短", 10), "短");
        assert_eq!(summary("ab cd ", 5), "ab cd");
        assert_eq!(summary("ab cd", 4), "ab c…");
        assert_eq!(summary("ab cd", 2), "ab…");
        assert_eq!(summary("  ", 3), "");
    }

    /// The summary as it was written first (word by word): the one-pass version must agree.
    fn summary_by_words(text: &str, max: usize) -> String {
        let mut out = String::new();
        let mut chars = 0;
        for word in text.split_whitespace() {
            if chars > 0 {
                if chars == max {
                    out.push('…');
                    return out;
                }
                out.push(' ');
                chars += 1;
            }
            for c in word.chars() {
                if chars == max {
                    out.push('…');
                    return out;
                }
                out.push(c);
                chars += 1;
            }
        }
        out
    }

    #[test]
    fn summary_agrees_with_the_word_by_word_version() {
        let texts = [
            "",
            " ",
            "a",
            " a ",
            "ab cd",
            "ab  cd\n\tef ",
            "安装 驱动 程序",
            "\u{3000}全角\u{3000}空格 x",
            "一二三四五 六七八九十 abc",
            "a b c d e f g h",
        ];
        for text in texts {
            for max in 0..12 {
                assert_eq!(
                    summary(text, max),
                    summary_by_words(text, max),
                    "{text:?} {max}"
                );
            }
        }
    }
}
