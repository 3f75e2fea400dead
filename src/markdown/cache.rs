//! The pages an earlier [`super::render_all`] of this process rendered (`serve`), each with
//! what it was rendered from: after a save only the pages whose Markdown changed are rendered
//! again. A page's rendering depends on its own file (path, body, first line, URL) and on the
//! site's shape (every page's file and URL in order, the drafts, `[markdown]`): when the shape
//! changes, every page is rendered again.

use std::path::PathBuf;

use rayon::prelude::*;

use super::PageResult;
use crate::config::MarkdownConfig;
use crate::content::{Content, Page};

/// See the module documentation.
#[derive(Default)]
pub struct RenderCache {
    shape: Option<Shape>,
    /// In page order: the same shape has the same files in the same order, so page `i` of
    /// the next build is page `i` here (no lookup by path: hashing 10,000 paths was most of
    /// this stage's time after a save).
    pages: Vec<(Inputs, PageResult)>,
}

impl std::fmt::Debug for RenderCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RenderCache({} pages)", self.pages.len())
    }
}

/// What every page's rendering depends on (links resolve to other pages by file, and point at
/// them by index and URL).
#[derive(PartialEq)]
struct Shape {
    pages: Vec<(PathBuf, String)>,
    drafts: Vec<PathBuf>,
    config: MarkdownConfig,
}

impl Shape {
    fn of(content: &Content, config: &MarkdownConfig) -> Shape {
        Shape {
            pages: content
                .pages
                .iter()
                .map(|p| (p.source.path.clone(), p.url.clone()))
                .collect(),
            drafts: content.drafts.clone(),
            config: config.clone(),
        }
    }
}

/// What one page's rendering depends on, besides the [`Shape`].
struct Inputs {
    body: std::sync::Arc<str>,
    body_line: usize,
    url: String,
}

impl Inputs {
    fn of(page: &Page) -> Inputs {
        Inputs {
            body: page.source.body.clone(),
            body_line: page.source.body_line,
            url: page.url.clone(),
        }
    }

    fn matches(&self, page: &Page) -> bool {
        self.body_line == page.source.body_line
            && self.url == page.url
            && self.body == page.source.body
    }
}

impl RenderCache {
    /// Every page of `content` rendered (by `render`, unless this cache holds it rendered from
    /// the same inputs), in page order; this cache then holds these.
    pub(super) fn render(
        &mut self,
        content: &Content,
        config: &MarkdownConfig,
        render: impl Fn(&Page) -> PageResult + Sync,
    ) -> Vec<PageResult> {
        let shape = Shape::of(content, config);
        let old = if self.shape.as_ref() == Some(&shape) {
            std::mem::take(&mut self.pages)
        } else {
            Vec::new()
        };
        let mut prior: Vec<Option<(Inputs, PageResult)>> = old.into_iter().map(Some).collect();
        prior.resize_with(content.pages.len(), || None);
        let done: Vec<(Inputs, PageResult)> = content
            .pages
            .par_iter()
            .zip(prior)
            .map(|(p, prior)| match prior {
                Some((inputs, result)) if inputs.matches(p) => (inputs, result),
                _ => (Inputs::of(p), render(p)),
            })
            .collect();
        let results = done.par_iter().map(|(_, r)| r.clone()).collect();
        self.pages = done;
        self.shape = Some(shape);
        results
    }
}
