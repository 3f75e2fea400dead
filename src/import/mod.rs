//! `faqsite import FILE…`: long FAQ documents (Markdown, Word `.docx`) become chapters and
//! questions in `content/` and their images in `images/`, with a report of what could not be
//! placed. One chapter per file, or per top heading when a file has several; one question per
//! heading with no sub-heading. Never overwrites a file: a collision refuses the whole import.

pub mod docx;
pub mod markdown;
mod writer;

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::content::{CONTENT_DIR, INDEX_FILE};
use crate::error::{Diagnostic, Error, Result};
use crate::slug::slug;
use markdown::{Heading, Parsed};
use writer::Writer;

/// The largest input file read (a Markdown file, or a `.docx` archive).
pub const MAX_INPUT: u64 = 64 << 20;
const IMAGE_DIR: &str = "images";

/// One input document as Markdown text, where its images are, and how to name a place in it.
pub struct Document {
    pub path: PathBuf,
    pub text: String,
    /// For a converted document (`.docx`): the source paragraph of each line of `text`.
    pub paragraphs: Option<Vec<usize>>,
    pub media: Media,
    /// Ids a link may use for the heading on a line (1-based), besides those made from its
    /// title: a Word bookmark's name.
    pub anchors: HashMap<usize, Vec<String>>,
    /// What the conversion could not carry over.
    pub notes: Vec<Diagnostic>,
}

/// Where a document's relative image paths lead.
pub enum Media {
    /// Files under this folder (never outside it).
    Folder(PathBuf),
    /// Parts of the document itself (a `.docx`'s `word/media/…`), by the path the text uses.
    Parts(BTreeMap<String, Vec<u8>>),
}

impl Document {
    /// A warning about line `line` (1-based) of the text, placed in the source: its line, or
    /// for a converted document the paragraph it came from.
    pub fn note(&self, line: usize, message: impl Into<String>) -> Diagnostic {
        match &self.paragraphs {
            None => Diagnostic::new(&self.path, line, message).warning(),
            Some(p) => {
                let n = p.get(line.saturating_sub(1)).or(p.last()).copied();
                let at = n.map_or(String::new(), |n| format!("paragraph {n}: "));
                Diagnostic::new(&self.path, 0, format!("{at}{}", message.into())).warning()
            }
        }
    }

    /// The chapter title of a document without top headings: its file name.
    fn title(&self) -> String {
        let stem = self.path.file_stem().unwrap_or_default().to_string_lossy();
        stem.replace(['_', '-'], " ").trim().to_string()
    }
}

/// What an import made (or, with `--dry-run`, would make).
#[derive(Debug)]
pub struct Report {
    pub chapters: Vec<ChapterMade>,
    pub questions: usize,
    pub images: usize,
    /// Everything that could not be placed or carried over, with its source line or paragraph.
    pub notes: Vec<Diagnostic>,
    pub dry_run: bool,
    pub into: PathBuf,
}

#[derive(Debug)]
pub struct ChapterMade {
    pub title: String,
    /// The chapter's folder, e.g. `content/03-network`.
    pub dir: PathBuf,
    pub questions: usize,
}

impl Report {
    pub fn summary(&self) -> String {
        let verb = if self.dry_run {
            "would import"
        } else {
            "imported"
        };
        let mut s = format!(
            "{verb} {} chapters, {} questions and {} images into {}",
            self.chapters.len(),
            self.questions,
            self.images,
            self.into.display()
        );
        match self.notes.len() {
            0 => {}
            1 => s += "; 1 thing to look at (above)",
            n => s += &format!("; {n} things to look at (above)"),
        }
        if self.dry_run {
            s += " (dry run: nothing written)";
        }
        s
    }
}

/// A title without the number a document put before it ("1.2 ", "3. ", "一、", "（二）",
/// "第三章 "): the order is kept by the weights instead. Never returns an empty title.
pub fn strip_number(title: &str) -> &str {
    let t = title.trim();
    let rest = number_end(t).map_or(t, |n| t[n..].trim_start());
    if rest.is_empty() {
        t
    } else {
        rest
    }
}

const CN_DIGITS: &str = "一二三四五六七八九十百零〇两";

/// The byte length of a leading number with its separator, if `t` starts with one.
fn number_end(t: &str) -> Option<usize> {
    let is_num = |c: char| c.is_ascii_digit() || CN_DIGITS.contains(c);
    let close = |open: char| if open == '(' { ')' } else { '）' };
    let first = t.chars().next()?;
    if first == '(' || first == '（' {
        let inner = &t[first.len_utf8()..];
        let n = inner.find(|c: char| !is_num(c))?;
        let after = inner[n..].chars().next()?;
        return (n > 0 && after == close(first)).then(|| first.len_utf8() + n + after.len_utf8());
    }
    if let Some(inner) = t.strip_prefix('第') {
        let n = inner.find(|c: char| !is_num(c))?;
        let after = inner[n..].chars().next()?;
        return (n > 0 && "章节部分篇条".contains(after))
            .then(|| '第'.len_utf8() + n + after.len_utf8());
    }
    if first.is_ascii_digit() {
        let n = t
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(t.len());
        let after = t[n..].chars().next();
        let dotted = t[..n].contains('.');
        return match after {
            None => None,
            Some(c @ ('、' | ')' | '）')) => Some(n + c.len_utf8()),
            Some(c) if c.is_whitespace() || (dotted && !c.is_ascii_alphanumeric()) => Some(n),
            Some(_) => None,
        };
    }
    let n = t.find(|c: char| !CN_DIGITS.contains(c))?;
    (n > 0 && t[n..].starts_with('、')).then(|| n + '、'.len_utf8())
}

/// One chapter as found in a document: its title and the parts of the text it is made of.
struct Chapter {
    doc: usize,
    title: String,
    /// Byte ranges of the document that make the chapter's introduction, in order.
    intro: Vec<Range<usize>>,
    /// Indexes of the headings that become its questions.
    questions: Vec<usize>,
    /// The headings inside it (its own included), for links to them.
    headings: Range<usize>,
}

fn blank(s: &str) -> bool {
    s.trim().is_empty()
}

/// The chapters of one document: one per top heading when a top heading has sub-headings
/// (the leaves under it its questions), else the whole file, each heading a question.
fn outline(d: usize, doc: &Document, hs: &[Heading], notes: &mut Vec<Diagnostic>) -> Vec<Chapter> {
    let text = &doc.text;
    let end = |i: usize| hs.get(i + 1).map_or(text.len(), |h| h.start);
    let has_children = |i: usize| hs.get(i + 1).is_some_and(|n| n.level > hs[i].level);
    let whole = |intro: Vec<Range<usize>>, questions: Vec<usize>| Chapter {
        doc: d,
        title: doc.title(),
        intro,
        questions,
        headings: 0..hs.len(),
    };
    let Some(top) = hs.iter().map(|h| h.level).min() else {
        notes.push(doc.note(
            1,
            "no headings: the whole document became one chapter's introduction",
        ));
        return vec![whole(std::iter::once(0..text.len()).collect(), Vec::new())];
    };
    let tops: Vec<usize> = (0..hs.len()).filter(|&i| hs[i].level == top).collect();
    if !tops.iter().any(|&i| has_children(i)) {
        return vec![whole(
            std::iter::once(0..hs[0].start).collect(),
            (0..hs.len()).collect(),
        )];
    }
    let mut chapters = Vec::new();
    for (k, &t) in tops.iter().enumerate() {
        let next = tops.get(k + 1).copied().unwrap_or(hs.len());
        let mut c = Chapter {
            doc: d,
            title: hs[t].title.clone(),
            intro: std::iter::once(hs[t].body_start..end(t)).collect(),
            questions: Vec::new(),
            headings: t..next,
        };
        for j in t + 1..next {
            if !has_children(j) {
                c.questions.push(j);
            } else if !blank(&text[hs[j].body_start..end(j)]) {
                notes.push(doc.note(
                    hs[j].line,
                    format!(
                        "\"{}\" has sub-headings, so it is no question: its text went into the \
                         introduction of chapter \"{}\"",
                        hs[j].title, c.title
                    ),
                ));
                c.intro.push(hs[j].body_start..end(j));
            }
        }
        if c.questions.is_empty() {
            notes.push(doc.note(
                hs[t].line,
                format!(
                    "chapter \"{}\" has no questions (no heading under it)",
                    c.title
                ),
            ));
        }
        chapters.push(c);
    }
    place_preamble(doc, 0..hs[tops[0]].start, &mut chapters, notes);
    chapters
}

/// Text before the first chapter heading: the introduction of the only chapter, or reported
/// (it belongs to no chapter of several).
fn place_preamble(
    doc: &Document,
    pre: Range<usize>,
    chapters: &mut [Chapter],
    notes: &mut Vec<Diagnostic>,
) {
    let text = &doc.text[pre.clone()];
    if blank(text) {
        return;
    }
    if chapters.len() == 1 {
        chapters[0].intro.insert(0, pre);
        return;
    }
    let first = pre.start + (text.len() - text.trim_start().len());
    notes.push(doc.note(
        markdown::line_of(&doc.text, first),
        "text before the first chapter heading belongs to no chapter: not imported",
    ));
}

/// A chapter's folder and its questions' file names, as they will be written.
struct Named {
    dir: String,
    weight: i64,
    files: Vec<String>,
}

/// Folder names numbered after the site's existing chapters, weights after theirs, question
/// file names from their titles (unique within the chapter).
fn name(into: &Path, chapters: &[Chapter], hs: &[Vec<Heading>]) -> Vec<Named> {
    let content = into.join(CONTENT_DIR);
    let existing: Vec<PathBuf> = std::fs::read_dir(&content)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path().join(INDEX_FILE))
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    let weight = crate::scaffold::max_weight(existing.clone().into_iter());
    chapters
        .iter()
        .enumerate()
        .map(|(k, c)| {
            let mut used = std::collections::HashSet::new();
            let files = c
                .questions
                .iter()
                .map(|&q| {
                    let base = slug(&hs[c.doc][q].title, 60);
                    let mut n = 1;
                    let mut file = format!("{base}.md");
                    while !used.insert(file.clone()) || file == INDEX_FILE {
                        n += 1;
                        file = format!("{base}-{n}.md");
                    }
                    file
                })
                .collect();
            Named {
                dir: format!("{:02}-{}", existing.len() + k + 1, slug(&c.title, 40)),
                weight: weight + 10 * (k as i64 + 1),
                files,
            }
        })
        .collect()
}

/// Import `files` into the site folder `into` (created when missing; a `site.toml` and home
/// page are written when it has none). With `dry_run`, report what would be made only.
pub fn import(files: &[PathBuf], into: &Path, dry_run: bool) -> Result<Report> {
    let docs = read_all(files)?;
    let parsed: Vec<Parsed> = docs
        .iter()
        .map(|d| markdown::parse(&d.text, &d.anchors))
        .collect();
    let mut notes: Vec<Diagnostic> = docs.iter().flat_map(|d| d.notes.clone()).collect();
    for (d, p) in docs.iter().zip(&parsed) {
        for &line in &p.empty {
            notes.push(d.note(
                line,
                "an empty heading: its text joined the question above it",
            ));
        }
    }
    let chapters: Vec<Chapter> = docs
        .iter()
        .zip(&parsed)
        .enumerate()
        .flat_map(|(i, (d, p))| outline(i, d, &p.headings, &mut notes))
        .collect();
    let headings: Vec<Vec<Heading>> = parsed.iter().map(|p| p.headings.clone()).collect();
    let named = name(into, &chapters, &headings);
    let mut w = Writer::new(&docs, &parsed, &chapters, &named);
    let mut out = w.files(&chapters, &named);
    notes.append(&mut w.notes);
    let images = w.images.by_name.len();
    for (name, bytes) in std::mem::take(&mut w.images.by_name) {
        out.push((Path::new(IMAGE_DIR).join(name), bytes));
    }
    out.extend(site_files(into, &docs));
    let out = keep_new(into, out)?;
    if !dry_run {
        write_all(into, &out)?;
    }
    Ok(Report {
        chapters: chapters
            .iter()
            .zip(&named)
            .map(|(c, n)| ChapterMade {
                title: c.title.clone(),
                dir: Path::new(CONTENT_DIR).join(&n.dir),
                questions: c.questions.len(),
            })
            .collect(),
        questions: chapters.iter().map(|c| c.questions.len()).sum(),
        images,
        notes,
        dry_run,
        into: into.to_path_buf(),
    })
}

/// An input's bytes, at most [`MAX_INPUT`] of them.
fn read_input(path: &Path) -> std::result::Result<Vec<u8>, Diagnostic> {
    let bad = |m: String| Diagnostic::new(path, 0, m);
    let meta = std::fs::metadata(path).map_err(|e| bad(format!("cannot read: {e}")))?;
    if meta.len() > MAX_INPUT {
        return Err(bad(format!("larger than {} MB", MAX_INPUT >> 20)));
    }
    std::fs::read(path).map_err(|e| bad(format!("cannot read: {e}")))
}

/// Every input read and converted; all problems reported together.
fn read_all(files: &[PathBuf]) -> Result<Vec<Document>> {
    let mut docs = Vec::new();
    let mut errors = Vec::new();
    for f in files {
        let ext = f
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        let read = match ext.as_deref() {
            Some("md" | "markdown" | "txt") => markdown::read(f),
            Some("docx") => docx::read(f),
            _ => Err(Diagnostic::new(f, 0, "not a document faqsite can import")
                .hint("import Markdown (.md) or Word (.docx) files; save a .doc as .docx first")),
        };
        match read {
            Ok(d) => docs.push(d),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(docs)
    } else {
        Err(Error::Input(errors))
    }
}

/// `site.toml` and the home page when the folder has none: a site in the documents' language.
fn site_files(into: &Path, docs: &[Document]) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    if into.join(crate::config::CONFIG_FILE).exists() {
        return out;
    }
    let chinese = docs.iter().any(|d| {
        d.text
            .chars()
            .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
    });
    let d = crate::scaffold::defaults(if chinese { "zh-CN" } else { "en" });
    out.push((crate::config::CONFIG_FILE.into(), d.site_toml.into_bytes()));
    let home = Path::new(CONTENT_DIR).join(INDEX_FILE);
    if !into.join(&home).exists() {
        out.push((home, d.home.as_bytes().to_vec()));
    }
    out
}

/// The files to write, without images already there with the same bytes; any other existing
/// file refuses the import, listing every collision.
fn keep_new(into: &Path, files: Vec<(PathBuf, Vec<u8>)>) -> Result<Vec<(PathBuf, Vec<u8>)>> {
    let mut keep = Vec::new();
    let mut collisions = Vec::new();
    for (rel, bytes) in files {
        let path = into.join(&rel);
        if path.symlink_metadata().is_err() {
            keep.push((rel, bytes));
        } else if !(rel.starts_with(IMAGE_DIR) && std::fs::read(&path).is_ok_and(|b| b == bytes)) {
            collisions.push(
                Diagnostic::new(&path, 0, "the import would overwrite this existing file")
                    .hint("nothing was written: import into a new or empty folder (--into DIR), or move this file away"),
            );
        }
    }
    if collisions.is_empty() {
        Ok(keep)
    } else {
        Err(Error::Input(collisions))
    }
}

/// Write every file, each created new (an existing file is never replaced, even one made
/// since the check).
fn write_all(into: &Path, files: &[(PathBuf, Vec<u8>)]) -> Result<()> {
    for (rel, bytes) in files {
        let path = into.join(rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Error::io("creating", dir, e))?;
        }
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .and_then(|mut f| f.write_all(bytes))
            .map_err(|e| Error::io("writing", &path, e))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_stripped_from_titles() {
        for (t, want) in [
            ("1.2 电脑能访问网络", "电脑能访问网络"),
            ("1.2电脑能访问网络", "电脑能访问网络"),
            ("3 环境问题", "环境问题"),
            ("2. Install", "Install"),
            ("一、驱动问题", "驱动问题"),
            ("（二）网络", "网络"),
            ("(3) Network", "Network"),
            ("第三章 证书", "证书"),
            ("2024年的变化", "2024年的变化"),
            ("3D printing", "3D printing"),
            ("1.1", "1.1"),
            ("USB Key", "USB Key"),
        ] {
            assert_eq!(strip_number(t), want, "{t}");
        }
    }
}
