//! `faqsite report LOG…`: what the pages' events (`[feedback] enabled`, requests for
//! `_/e.gif?…`) in the web server's access logs say: searches with no result (grouped, with
//! the keyword that would have found a question), searches whose results were never opened,
//! questions by share of "no" votes, contacts used per page; as text, or one HTML page with
//! charts. Not a build stage: it reads the logs named on its command line and the site as
//! `check` does, and imports `config`, `content`, `search`, `html` and `error`.

mod html;
mod parse;
mod suggest;
mod tally;
mod text;

use std::path::{Path, PathBuf};

pub use parse::{Event, Kind};
pub use suggest::{Site, Suggestion};
pub use tally::{fold, Tally};

use crate::error::{Error, Result};

/// Everything a report shows.
pub struct Report {
    /// The logs read.
    pub logs: Vec<PathBuf>,
    pub tally: Tally,
    /// The site, for question titles and suggestions; why not, when it could not be read.
    pub site: std::result::Result<Site, String>,
}

/// Read every log (in order, each streamed) and the site at `root`.
pub fn read(logs: &[PathBuf], root: &Path) -> Result<Report> {
    let mut tally = Tally::default();
    for log in logs {
        let lines =
            parse::file(log, &mut |e| tally.add(e)).map_err(|e| Error::io("reading", log, e))?;
        tally.lines += lines;
    }
    let site = Site::load(root).map_err(|e| {
        let first = e.to_string();
        first.lines().next().unwrap_or_default().to_string()
    });
    Ok(Report {
        logs: logs.to_vec(),
        tally,
        site,
    })
}

/// How many rows each list of the report shows at most.
pub const ROWS: usize = 30;

impl Report {
    /// "2.1 Title" of the question at `url` when the site has one there, else the URL.
    pub fn page_name(&self, url: &str) -> String {
        match self.site.as_ref().ok().and_then(|s| s.title(url)) {
            Some(t) => format!("{t} ({url})"),
            None => url.to_string(),
        }
    }

    /// The suggestion for a missed search's folded query, when the site was read.
    pub fn suggest(&self, query: &str) -> Option<Suggestion> {
        self.site.as_ref().ok()?.suggest(query)
    }

    /// The report as text.
    pub fn text(&self) -> String {
        text::render(self)
    }

    /// The report as one self-contained HTML page.
    pub fn html(&self) -> String {
        html::render(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Anyone can request `_/e.gif?e=search&q=…`: what the logs say is text on the page.
    #[test]
    fn logged_text_is_escaped_in_the_html_page() {
        let mut tally = Tally::default();
        for kind in [
            Kind::Search {
                query: "<img src=x onerror=alert(1)>".into(),
                results: 0,
            },
            Kind::Contact {
                which: "<script>alert(2)</script>".into(),
                page: "\"><svg onload=alert(3)>".into(),
            },
        ] {
            tally.add(Event {
                day: "2026-12-05\"><b>".into(),
                kind,
            });
        }
        let report = Report {
            logs: Vec::new(),
            tally,
            site: Err("no site".into()),
        };
        let html = report.html();
        for raw in ["<img", "<script", "<svg onload", "<b>"] {
            assert!(!html.contains(raw), "{raw} in {html}");
        }
        assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
    }
}
