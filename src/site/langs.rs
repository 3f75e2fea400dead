//! A site in several languages (`[languages.<code>]`): every other language's pages are
//! loaded beside the default language's, each language knows the others' pages (the
//! switcher, `hreflang`, links that cross languages), and each is built by the same stages
//! into its folder of the output (`en/`), with its own search index, print page and PDF.
//! A site in one language never comes here: it builds exactly as before.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use super::{BuildCache, BuildOptions, Purpose, Run, Timer};
use crate::config::Config;
use crate::content::lang::{LanguageSite, Languages};
use crate::content::{self, Content, Selection};
use crate::error::{Diagnostic, Error, Result};
use crate::output::{Fill, Sink, Staging};
use crate::print;

/// One other language: its configuration and pages.
pub(super) struct Other {
    config: Config,
    content: Content,
}

/// The pages of every other language of the site, and each language's knowledge of the
/// others put in `default` and in them. None for a site in one language.
pub(super) fn load(
    opts: &BuildOptions,
    config: &Config,
    default: &mut Content,
) -> Result<Vec<Other>> {
    let codes = config.other_languages();
    if codes.is_empty() {
        return Ok(Vec::new());
    }
    let mut others = Vec::new();
    let mut errors = folder_clashes(config, default);
    for code in codes {
        let config = config.for_language(code);
        let lang = Selection::of(&config);
        match content::load_language(&opts.root, (opts.drafts, &lang), None) {
            Ok(content) => others.push(Other { config, content }),
            Err(Error::Input(ds)) => errors.extend(ds),
            Err(e) => return Err(e),
        }
    }
    if !errors.is_empty() {
        return Err(Error::Input(errors));
    }
    let mut list = vec![LanguageSite::new(
        &config.language,
        config.language_name(&config.language),
        String::new(),
        default,
    )];
    for o in &others {
        let code = &o.config.language;
        list.push(LanguageSite::new(
            code,
            config.language_name(code),
            format!("{code}/"),
            &o.content,
        ));
    }
    let languages = Arc::new(Languages {
        list,
        base: config.base_url_trimmed().map(str::to_string),
    });
    let sources: Vec<Vec<PathBuf>> = std::iter::once(&*default)
        .chain(others.iter().map(|o| &o.content))
        .map(|c| c.pages.iter().map(|p| p.source.path.clone()).collect())
        .collect();
    // Each language's table of the others' pages, side by side (a serial step otherwise:
    // 10,000 paths a language).
    let contents: Vec<&mut Content> = std::iter::once(default)
        .chain(others.iter_mut().map(|o| &mut o.content))
        .collect();
    contents.into_par_iter().enumerate().for_each(|(i, c)| {
        c.elsewhere = languages.elsewhere(i, &sources, crate::urls::normalize_path);
        c.languages = Some(languages.clone());
    });
    Ok(others)
}

/// A chapter folder named like a language's code would mix its pages with that language's.
fn folder_clashes(config: &Config, default: &Content) -> Vec<Diagnostic> {
    let codes = config.other_languages();
    default
        .chapters
        .iter()
        .map(|ch| &default.pages[ch.page])
        .filter(|p| codes.iter().any(|c| p.url.starts_with(&format!("{c}/"))))
        .map(|p| {
            Diagnostic::new(&p.source.path, 0, format!("its pages {} would be inside the folder of a language's pages", p.url))
                .hint("rename the chapter folder: each of [languages] is built into a folder named by its code")
        })
        .collect()
}

/// The PDF of a language's manual: `manual.pdf` for the default language, `manual.en.pdf`…
pub(super) fn pdf_file(content: &Content) -> String {
    match &content.language.code {
        None => print::PDF_FILE.to_string(),
        Some(code) => format!("manual.{code}.pdf"),
    }
}

/// What the other languages' builds found, and how many pages they made.
#[derive(Default)]
pub(super) struct Made {
    pub diagnostics: Vec<Diagnostic>,
    pub pages: usize,
    pub pages_rendered: usize,
}

/// Build every other language into its folder of `staging` (its PDF too, when asked for);
/// without `staging`, into nothing (`check`). `default`: the default language's run.
pub(super) fn build<S: Sink>(
    default: &Run,
    others: Vec<Other>,
    (sink, staging): (&S, Option<&Staging>),
    cache: &mut BuildCache,
    t: &mut Timer,
) -> Result<Made> {
    let opts = default.opts;
    let mut all = Made::default();
    // The word segmenter's dictionary and the compiled templates serve every language; the
    // rest of `cache` (`serve`'s pages of the default language) is its own.
    let mut shared = BuildCache {
        segmenter: cache.segmenter.take(),
        templates: std::mem::take(&mut cache.templates),
        ..BuildCache::default()
    };
    for o in others {
        let prefix = format!("{}/", o.config.language);
        // Every other language is made whole (`serve` keeps no keys of its pages).
        let purpose = match default.purpose {
            Purpose::Serve { .. } => Purpose::Serve { previous: None },
            p => p,
        };
        let run = Run::new(opts, &o.config, purpose);
        let into = Prefixed {
            inner: sink,
            prefix: Path::new(&prefix),
        };
        let made = run.stages(o.content, &into, &mut shared, t);
        let made = made.inspect_err(|_| give_back(cache, &mut shared))?;
        all.pages += made.content.pages.len();
        all.pages_rendered += made.pages_rendered;
        all.diagnostics.extend(made.diagnostics);
        if let Some(staging) = staging.filter(|_| run.prints_pdf()) {
            let name = pdf_file(&made.content);
            let printed = print::pdf_named(
                &staging.path().join(&prefix),
                &name,
                opts.browser.as_deref(),
                &opts.root.join(crate::config::CONFIG_FILE),
            );
            match printed {
                Ok(p) => {
                    staging.adopt(&Path::new(&prefix).join(&name))?;
                    all.diagnostics.extend(p.warning);
                }
                Err(Error::Input(ds)) => all.diagnostics.extend(ds),
                Err(e) => return Err(e),
            }
            t.lap("pdf");
        }
    }
    give_back(cache, &mut shared);
    Ok(all)
}

/// What the languages shared goes back to the build's cache (kept by `serve`; else dropped
/// with it at the end of the build).
fn give_back(cache: &mut BuildCache, shared: &mut BuildCache) {
    if cache.segmenter.is_none() {
        cache.segmenter = shared.segmenter.take();
    }
    cache.templates = std::mem::take(&mut shared.templates);
}

/// A [`Sink`] that puts every file under a folder of another sink's output (`en/`).
struct Prefixed<'s, S: Sink> {
    inner: &'s S,
    prefix: &'s Path,
}

impl<S: Sink> Sink for Prefixed<'_, S> {
    fn write(&self, rel: &Path, bytes: &[u8]) -> Result<()> {
        self.inner.write(&self.prefix.join(rel), bytes)
    }
    fn write_streamed(&self, rel: &Path, fill: &mut Fill<'_>) -> Result<()> {
        self.inner.write_streamed(&self.prefix.join(rel), fill)
    }
    fn keep_previous(&self, rel: &Path) -> bool {
        self.inner.keep_previous(&self.prefix.join(rel))
    }
}
