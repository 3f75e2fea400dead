//! The new files' text (`Writer`): each chapter's and question's page with its front matter, the
//! answers' image and link destinations rewritten for their new place, and the images copied
//! (from beside a document, never outside its folder, or from inside a `.docx`), each named once.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::path::{Path, PathBuf};

use super::markdown::{Link, Parsed};
use super::{Chapter, Document, Media, Named, IMAGE_DIR};
use crate::content::{CONTENT_DIR, INDEX_FILE};
use crate::error::Diagnostic;
use crate::slug::slug;

/// The largest image copied.
const MAX_IMAGE: u64 = 32 << 20;

/// The image formats the build can process.
const IMAGE_EXTS: &[&str] = &["png", "jpg", "jpeg", "gif", "webp"];

/// The images copied, by their name in `images/`.
#[derive(Default)]
pub(super) struct Images {
    pub(super) by_name: BTreeMap<String, Vec<u8>>,
    /// (document, path as written) → name.
    by_source: HashMap<(usize, String), String>,
}

impl Images {
    /// A name for `bytes`: the slug of its file name's stem (or of `stem` for a picture
    /// inside the document, numbered), and a hash when another image already has that name.
    fn add(
        &mut self,
        doc: usize,
        source: &str,
        stem: Option<&str>,
        bytes: Vec<u8>,
        ext: &str,
    ) -> String {
        if let Some(n) = self.by_source.get(&(doc, source.to_string())) {
            return n.clone();
        }
        let base = match stem {
            Some(stem) => {
                let n = self.by_source.keys().filter(|(d, _)| *d == doc).count() + 1;
                format!("{}-{n}", slug(stem, 40))
            }
            None => slug(
                &Path::new(source)
                    .file_stem()
                    .unwrap_or_default()
                    .to_string_lossy(),
                40,
            ),
        };
        let mut name = format!("{base}.{ext}");
        if self.by_name.get(&name).is_some_and(|b| *b != bytes) {
            name = format!("{base}-{}.{ext}", crate::hash::short_hash(&bytes));
        }
        self.by_name.insert(name.clone(), bytes);
        self.by_source
            .insert((doc, source.to_string()), name.clone());
        name
    }
}

/// Makes the new files' text: front matter, the answers with image and link destinations
/// rewritten for their new place.
pub(super) struct Writer<'a> {
    docs: &'a [Document],
    parsed: &'a [Parsed],
    /// (document, heading) → its page, relative to `content/` (`03-x/q.md`, `03-x/_index.md`).
    targets: HashMap<(usize, usize), String>,
    /// Each document's first chapter page.
    doc_pages: Vec<Option<String>>,
    /// The inputs by their canonical path, for links from one to another.
    by_path: HashMap<PathBuf, usize>,
    pub(super) images: Images,
    pub(super) notes: Vec<Diagnostic>,
}

impl<'a> Writer<'a> {
    pub(super) fn new(
        docs: &'a [Document],
        parsed: &'a [Parsed],
        chapters: &[Chapter],
        named: &[Named],
    ) -> Self {
        let mut targets = HashMap::new();
        let mut doc_pages = vec![None; docs.len()];
        for (c, n) in chapters.iter().zip(named) {
            let index = format!("{}/{INDEX_FILE}", n.dir);
            doc_pages[c.doc].get_or_insert_with(|| index.clone());
            for h in c.headings.clone() {
                targets.insert((c.doc, h), index.clone());
            }
            for (&q, file) in c.questions.iter().zip(&n.files) {
                targets.insert((c.doc, q), format!("{}/{file}", n.dir));
            }
        }
        let by_path = docs
            .iter()
            .enumerate()
            .filter_map(|(i, d)| Some((d.path.canonicalize().ok()?, i)))
            .collect();
        Writer {
            docs,
            parsed,
            targets,
            doc_pages,
            by_path,
            images: Images::default(),
            notes: Vec::new(),
        }
    }

    /// Every chapter's `_index.md` and question file.
    pub(super) fn files(
        &mut self,
        chapters: &[Chapter],
        named: &[Named],
    ) -> Vec<(PathBuf, Vec<u8>)> {
        let mut out = Vec::new();
        for (c, n) in chapters.iter().zip(named) {
            let dir = Path::new(CONTENT_DIR).join(&n.dir);
            let intro: Vec<String> = c
                .intro
                .iter()
                .map(|r| self.rewrite(c.doc, r.clone()))
                .collect();
            let intro = intro
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join("\n\n");
            out.push((dir.join(INDEX_FILE), page(&c.title, n.weight, &intro)));
            for (k, (&q, file)) in c.questions.iter().zip(&n.files).enumerate() {
                let hs = &self.parsed[c.doc].headings;
                let h = &hs[q];
                let end = hs
                    .get(q + 1)
                    .map_or(self.docs[c.doc].text.len(), |n| n.start);
                let body = self.rewrite(c.doc, h.body_start..end);
                if body.is_empty() {
                    let note = self.docs[c.doc].note(
                        h.line,
                        format!("\"{}\" has no answer (no text under the heading)", h.title),
                    );
                    self.notes.push(note);
                }
                out.push((dir.join(file), page(&h.title, 10 * (k as i64 + 1), &body)));
            }
        }
        out
    }

    /// The text of `range` with every image and link destination that moves rewritten.
    fn rewrite(&mut self, d: usize, range: Range<usize>) -> String {
        let text = &self.docs[d].text;
        let mut out = String::new();
        let mut at = range.start;
        let links = &self.parsed[d].links;
        for l in links
            .iter()
            .filter(|l| l.at.start >= range.start && l.at.end <= range.end)
        {
            if l.at.start < at {
                continue; // overlaps the destination just rewritten
            }
            if let Some(new) = self.destination(d, l) {
                out.push_str(&text[at..l.at.start]);
                out.push_str(&new);
                at = l.at.end;
            }
        }
        out.push_str(&text[at..range.end]);
        out.trim().to_string()
    }

    /// The new destination of a link or image, or `None` to leave it as it is.
    fn destination(&mut self, d: usize, l: &Link) -> Option<String> {
        if !crate::urls::is_page_relative(&l.url) {
            return None;
        }
        if l.image {
            return self.image(d, l);
        }
        let (path, anchor) = l.url.split_once('#').unwrap_or((&l.url, ""));
        let doc = if path.is_empty() {
            d
        } else {
            match self.input_at(d, path) {
                Some(doc) => doc,
                None => return self.not_imported(d, l, path),
            }
        };
        let page = if anchor.is_empty() {
            self.doc_pages[doc].clone()
        } else {
            let id = decode(anchor);
            match self.parsed[doc].ids.get(&id) {
                Some(&h) => self.targets.get(&(doc, h)).cloned(),
                None => {
                    let note = self.docs[d].note(l.line, format!("link to #{id}: the document has no heading with that id; left as it was"));
                    self.notes.push(note);
                    None
                }
            }
        };
        page.map(|p| format!("../{p}"))
    }

    /// A relative link to a Markdown or Word file that is not imported: a note (the page
    /// would have a dead link), the link left as it was.
    fn not_imported(&mut self, d: usize, l: &Link, path: &str) -> Option<String> {
        let ext = Path::new(path)
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        if matches!(ext.as_deref(), Some("md" | "markdown" | "docx")) {
            let note = self.docs[d].note(
                l.line,
                format!("link to {path}: not among the imported files; left as it was (import it too, or link to its web address)"),
            );
            self.notes.push(note);
        }
        None
    }

    /// Which input a relative link names, if it names one.
    fn input_at(&self, d: usize, path: &str) -> Option<usize> {
        let base = self.docs[d].path.parent()?;
        let target = base.join(decode(path)).canonicalize().ok()?;
        self.by_path.get(&target).copied()
    }

    /// An image copied into `images/`: its new destination, or a note why not.
    fn image(&mut self, d: usize, l: &Link) -> Option<String> {
        let doc = &self.docs[d];
        let source = decode(l.url.split(['?', '#']).next().unwrap_or(""));
        let ext = Path::new(&source)
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        let found = if IMAGE_EXTS.contains(&ext.as_str()) {
            read_image(&doc.media, &source)
        } else {
            Err(format!(
                "a .{ext} image, which the build cannot show (use PNG, JPEG, GIF or WebP)"
            ))
        };
        match found {
            Ok(bytes) => {
                let stem = matches!(doc.media, Media::Parts(_)).then(|| doc.title());
                let name = self.images.add(d, &source, stem.as_deref(), bytes, &ext);
                Some(format!("../../{IMAGE_DIR}/{name}"))
            }
            Err(why) => {
                let note = doc.note(l.line, format!("image {source}: {why}; left as it was"));
                self.notes.push(note);
                None
            }
        }
    }
}

/// A page's file: its front matter (title, weight) and body.
fn page(title: &str, weight: i64, body: &str) -> Vec<u8> {
    let title = crate::scaffold::toml_string(title);
    let mut s = format!("+++\ntitle = {title}\nweight = {weight}\n+++\n");
    if !body.is_empty() {
        s += &format!("\n{body}\n");
    }
    s.into_bytes()
}

fn decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// An image's bytes: a file under the document's folder (not outside it), or a part of it.
fn read_image(media: &Media, source: &str) -> std::result::Result<Vec<u8>, String> {
    match media {
        Media::Parts(parts) => parts
            .get(source)
            .cloned()
            .ok_or_else(|| "not in the document".into()),
        Media::Folder(base) => {
            let base = base.canonicalize().map_err(|e| e.to_string())?;
            let path = base
                .join(source)
                .canonicalize()
                .map_err(|_| "no such file next to the document".to_string())?;
            if !path.starts_with(&base) {
                return Err("outside the document's folder".into());
            }
            let meta = std::fs::metadata(&path).map_err(|e| e.to_string())?;
            if !meta.is_file() || meta.len() > MAX_IMAGE {
                return Err(format!("not a file of at most {} MB", MAX_IMAGE >> 20));
            }
            std::fs::read(&path).map_err(|e| e.to_string())
        }
    }
}
