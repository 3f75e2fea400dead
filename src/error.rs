//! Errors a build can end with. Every problem a user can cause is a [`Diagnostic`]: it names the
//! file, the line (and column when known), says what is wrong and what to do about it.

use std::fmt;
use std::path::{Path, PathBuf};

/// How bad a [`Diagnostic`] is: an error fails the build (and `check`), a warning is reported
/// and the build goes on. `--strict` turns every warning into an error ([`strict`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    fn label(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One problem in one place of the user's input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub file: PathBuf,
    /// 1-based line; 0 when the problem concerns the whole file.
    pub line: usize,
    /// 1-based column; 0 when unknown.
    pub col: usize,
    pub message: String,
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn new(file: impl Into<PathBuf>, line: usize, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.into(),
            line,
            col: 0,
            message: message.into(),
            hint: None,
        }
    }

    /// The same problem reported as a warning: it does not fail the build unless `--strict`.
    pub fn warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    pub fn col(mut self, col: usize) -> Self {
        self.col = col;
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// The source line this diagnostic points at, when the file can be read.
    pub fn source_line(&self) -> Option<String> {
        // Never a line of a file reached through a symbolic link (it may be any file of the
        // machine: /proc/self/environ holds the CI's secrets).
        if self.line == 0 || !crate::paths::quotable(&self.file) {
            return None;
        }
        let text = std::fs::read_to_string(&self.file).ok()?;
        text.lines().nth(self.line - 1).map(str::to_string)
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
            if self.col > 0 {
                write!(f, ":{}", self.col)?;
            }
        }
        write!(f, ": {}: {}", self.severity.label(), self.message)?;
        if let Some(src) = self.source_line().filter(|l| !l.trim().is_empty()) {
            write!(f, "\n    | {}", src)?;
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n    = help: {}", hint)?;
        }
        Ok(())
    }
}

/// The `--strict` rule, in this one place: with `strict`, every warning becomes an error.
pub fn strict(diagnostics: &mut [Diagnostic], strict: bool) {
    if strict {
        for d in diagnostics {
            d.severity = Severity::Error;
        }
    }
}

/// "2 errors, 1 warning" (both counts always shown).
pub fn count(diagnostics: &[Diagnostic]) -> String {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    let s = |n: usize| if n == 1 { "" } else { "s" };
    format!(
        "{errors} error{}, {warnings} warning{}",
        s(errors),
        s(warnings)
    )
}

/// Everything that can end a build.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Problems in the user's input; all of them, not only the first. At least one is an
    /// error; the warnings found in the same run come with them.
    #[error("{}", render_diagnostics(.0))]
    Input(Vec<Diagnostic>),
    #[error("{action} {}: {source}", .path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}")]
    Other(String),
}

impl Error {
    pub fn io(action: &'static str, path: &Path, source: std::io::Error) -> Self {
        Error::Io {
            action,
            path: path.to_path_buf(),
            source,
        }
    }

    pub fn one(d: Diagnostic) -> Self {
        Error::Input(vec![d])
    }

    /// Fail with `diagnostics` if any of them is an error; else hand them back (warnings).
    pub fn check(diagnostics: Vec<Diagnostic>) -> Result<Vec<Diagnostic>> {
        if diagnostics.iter().any(Diagnostic::is_error) {
            Err(Error::Input(diagnostics))
        } else {
            Ok(diagnostics)
        }
    }

    /// The diagnostics, if this is an input error.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            Error::Input(d) => d,
            _ => &[],
        }
    }
}

impl From<Diagnostic> for Error {
    fn from(d: Diagnostic) -> Self {
        Error::one(d)
    }
}

fn render_diagnostics(ds: &[Diagnostic]) -> String {
    let mut out = String::new();
    for (i, d) in ds.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&d.to_string());
    }
    if ds.len() > 1 {
        out.push('\n');
        out.push_str(&count(ds));
    }
    out
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Turn a byte offset in `text` into a 1-based (line, column) pair; column counts characters.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Suggest the closest of `candidates` to `word` (for "did you mean …?" hints).
pub fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (strsim::levenshtein(word, c), *c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 3))
        .min()
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_lines_and_chars() {
        let t = "ab\n中文x\n";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 3), (2, 1));
        assert_eq!(line_col(t, 3 + 6), (2, 3));
    }

    #[test]
    fn closest_suggests_typos_only() {
        let keys = ["title", "weight", "tags"];
        assert_eq!(closest("wieght", &keys), Some("weight"));
        assert_eq!(closest("zzzzzzzz", &keys), None);
    }

    #[test]
    fn diagnostic_display_names_file_and_line() {
        let d = Diagnostic::new("content/a.md", 3, "bad").hint("fix it");
        let s = d.to_string();
        assert!(s.starts_with("content/a.md:3: error: bad"), "{s}");
        assert!(s.contains("help: fix it"));
        let w = Diagnostic::new("content/a.md", 3, "meh")
            .warning()
            .to_string();
        assert!(w.starts_with("content/a.md:3: warning: meh"), "{w}");
    }

    #[test]
    fn strict_turns_warnings_into_errors() {
        let mut ds = vec![Diagnostic::new("a", 1, "x").warning()];
        strict(&mut ds, false);
        assert_eq!(count(&ds), "0 errors, 1 warning");
        assert!(Error::check(ds.clone()).is_ok());
        strict(&mut ds, true);
        assert_eq!(count(&ds), "1 error, 0 warnings");
        assert!(Error::check(ds).is_err());
    }
}
