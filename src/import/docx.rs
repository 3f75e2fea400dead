//! Import of Word `.docx`: paragraphs, headings (heading styles in English and Chinese, outline
//! levels), lists, bold and italic, tables, hyperlinks, bookmarks and embedded pictures become
//! Markdown text for the importer, each line tied to the paragraph it came from. The archive is
//! untrusted: its entry count and uncompressed sizes are capped, parts are looked up by name
//! (no entry name ever becomes a path), and the XML is read with no DTD or external entity.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io::{Cursor, Read};
use std::path::Path;

use quick_xml::events::Event;
use quick_xml::Reader;

use super::{Document, Media};
use crate::error::Diagnostic;

/// At most this many entries in the archive.
const MAX_ENTRIES: usize = 10_000;
/// At most this many bytes in one part, uncompressed.
const MAX_PART: u64 = 64 << 20;
/// At most this many bytes read from the archive in all, uncompressed.
const MAX_TOTAL: u64 = 256 << 20;

/// Read a `.docx` input: its body as Markdown, its pictures as parts.
pub fn read(path: &Path) -> Result<Document, Diagnostic> {
    let bad = |m: String| Diagnostic::new(path, 0, m);
    let bytes = super::read_input(path)?;
    let mut ar = Archive::open(bytes).map_err(bad)?;
    let body = ar
        .text("word/document.xml")
        .map_err(bad)?
        .ok_or_else(|| bad("not a Word document (no word/document.xml)".into()))?;
    let styles = match ar.text("word/styles.xml").map_err(bad)? {
        Some(x) => styles(&x).map_err(bad)?,
        None => Styles::default(),
    };
    let numbering = match ar.text("word/numbering.xml").map_err(bad)? {
        Some(x) => numbering(&x).map_err(bad)?,
        None => Numbering::default(),
    };
    let rels = match ar.text("word/_rels/document.xml.rels").map_err(bad)? {
        Some(x) => rels(&x).map_err(bad)?,
        None => HashMap::new(),
    };
    let mut conv = Conv::new(&styles, &numbering, &rels);
    walk(&body, &mut |ev| conv.event(ev)).map_err(|e| bad(format!("word/document.xml: {e}")))?;
    conv.finish();
    let mut parts = BTreeMap::new();
    for name in &conv.media {
        if let Some(b) = ar.part(name).map_err(bad)? {
            parts.insert(name.clone(), b);
        }
    }
    let notes = conv
        .notes
        .iter()
        .map(|(p, m)| Diagnostic::new(path, 0, format!("paragraph {p}: {m}")).warning())
        .collect();
    Ok(Document {
        path: path.to_path_buf(),
        text: conv.out,
        paragraphs: Some(conv.lines),
        media: Media::Parts(parts),
        anchors: conv.anchors,
        notes,
    })
}

/// The zip archive, read part by part within the caps.
struct Archive {
    zip: zip::ZipArchive<Cursor<Vec<u8>>>,
    total: u64,
}

impl Archive {
    fn open(bytes: Vec<u8>) -> Result<Self, String> {
        let zip = zip::ZipArchive::new(Cursor::new(bytes))
            .map_err(|e| format!("not a Word document (not a zip archive: {e})"))?;
        if zip.len() > MAX_ENTRIES {
            return Err(format!(
                "the archive holds {} entries (at most {MAX_ENTRIES}): not imported",
                zip.len()
            ));
        }
        Ok(Archive { zip, total: 0 })
    }

    /// A part's bytes, `None` when there is no such part.
    fn part(&mut self, name: &str) -> Result<Option<Vec<u8>>, String> {
        let file = match self.zip.by_name(name) {
            Ok(f) => f,
            Err(zip::result::ZipError::FileNotFound) => return Ok(None),
            Err(e) => return Err(format!("{name}: {e}")),
        };
        let mut buf = Vec::new();
        file.take(MAX_PART + 1)
            .read_to_end(&mut buf)
            .map_err(|e| format!("{name}: {e}"))?;
        self.total += buf.len() as u64;
        if buf.len() as u64 > MAX_PART || self.total > MAX_TOTAL {
            return Err(format!(
                "{name}: uncompressed, the document is larger than {} MB: not imported",
                MAX_TOTAL >> 20
            ));
        }
        Ok(Some(buf))
    }

    fn text(&mut self, name: &str) -> Result<Option<String>, String> {
        self.part(name)?
            .map(|b| String::from_utf8(b).map_err(|_| format!("{name}: not UTF-8")))
            .transpose()
    }
}

/// One XML event, names without their namespace prefix.
enum Ev {
    Start(String, Vec<(String, String)>),
    End(String),
    Text(String),
}

fn local(name: &str) -> String {
    name.rsplit(':').next().unwrap_or_default().to_string()
}

fn attr<'a>(attrs: &'a [(String, String)], name: &str) -> &'a str {
    attrs
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

/// Every event of `xml`, in order. A document type declaration is ignored, so no entity is
/// ever defined, let alone fetched; only the five predefined and character references count.
fn walk(xml: &str, f: &mut dyn FnMut(Ev)) -> Result<(), String> {
    let mut r = Reader::from_str(xml);
    r.config_mut().expand_empty_elements = true;
    loop {
        let ev = r
            .read_event()
            .map_err(|e| format!("bad XML near byte {}: {e}", r.buffer_position()))?;
        match ev {
            Event::Start(e) => {
                let attrs = e
                    .attributes()
                    .flatten()
                    .map(|a| {
                        let v = a.normalized_value(quick_xml::XmlVersion::Implicit1_0);
                        (
                            local(a.key.as_ref()),
                            v.map(|v| v.into_owned()).unwrap_or_default(),
                        )
                    })
                    .collect();
                f(Ev::Start(local(e.name().as_ref()), attrs));
            }
            Event::End(e) => f(Ev::End(local(e.name().as_ref()))),
            Event::Text(t) => f(Ev::Text(t.xml10_content().into_owned())),
            Event::CData(t) => f(Ev::Text(t.into_inner().into_owned())),
            Event::GeneralRef(e) => {
                let c = match &*e.xml10_content() {
                    "lt" => Some('<'),
                    "gt" => Some('>'),
                    "amp" => Some('&'),
                    "quot" => Some('"'),
                    "apos" => Some('\''),
                    _ => e.resolve_char_ref().ok().flatten(),
                };
                if let Some(c) = c {
                    f(Ev::Text(c.to_string()));
                }
            }
            Event::Eof => return Ok(()),
            _ => {}
        }
    }
}

/// The paragraph styles: name, parent, outline level.
#[derive(Default)]
struct Styles(HashMap<String, Style>);

#[derive(Default)]
struct Style {
    name: String,
    based_on: Option<String>,
    outline: Option<u8>,
}

fn styles(xml: &str) -> Result<Styles, String> {
    let mut all = HashMap::new();
    let mut cur: Option<(String, Style)> = None;
    walk(xml, &mut |ev| match ev {
        Ev::Start(n, a) if n == "style" => {
            cur = Some((attr(&a, "styleId").into(), Style::default()))
        }
        Ev::Start(n, a) => {
            if let Some((_, s)) = cur.as_mut() {
                match n.as_str() {
                    "name" => s.name = attr(&a, "val").into(),
                    "basedOn" => s.based_on = Some(attr(&a, "val").into()),
                    "outlineLvl" => s.outline = attr(&a, "val").parse().ok(),
                    _ => {}
                }
            }
        }
        Ev::End(n) if n == "style" => {
            if let Some((id, s)) = cur.take() {
                all.insert(id, s);
            }
        }
        _ => {}
    })?;
    Ok(Styles(all))
}

/// "Heading 2", "heading 2", "标题 2" → 2.
fn heading_name(name: &str) -> Option<u8> {
    let n = name.to_lowercase();
    let rest = n
        .strip_prefix("heading")
        .or_else(|| n.strip_prefix("标题"))?;
    let level: u8 = rest.trim().parse().ok()?;
    (1..=9).contains(&level).then_some(level)
}

impl Styles {
    /// Whether a paragraph style is a quotation ("Quote", "Block Text", "引用"), or based on one.
    fn is_quote(&self, id: &str) -> bool {
        let mut id = id;
        for _ in 0..16 {
            let name = self
                .0
                .get(id)
                .map_or(id, |s| s.name.as_str())
                .to_lowercase();
            if name.contains("quote")
                || name.replace(' ', "") == "blocktext"
                || name.contains("引用")
            {
                return true;
            }
            match self.0.get(id).and_then(|s| s.based_on.as_deref()) {
                Some(parent) => id = parent,
                None => return false,
            }
        }
        false
    }

    /// The heading level of a paragraph style: its outline level or its name, or its parent's.
    fn heading_level(&self, id: &str) -> Option<u8> {
        let mut id = id;
        for _ in 0..16 {
            let Some(s) = self.0.get(id) else {
                return heading_name(id);
            };
            if let Some(l) = s.outline {
                return (l < 9).then_some(l + 1);
            }
            if let Some(l) = heading_name(&s.name) {
                return Some(l);
            }
            id = s.based_on.as_deref()?;
        }
        None
    }
}

/// Which list levels are bullets (the others are numbered).
#[derive(Default)]
struct Numbering {
    abstract_of: HashMap<String, String>,
    bullets: HashSet<(String, String)>,
}

fn numbering(xml: &str) -> Result<Numbering, String> {
    let mut n = Numbering::default();
    let (mut abs, mut lvl, mut num) = (String::new(), String::new(), None::<String>);
    walk(xml, &mut |ev| match ev {
        Ev::Start(e, a) => match e.as_str() {
            "abstractNum" => abs = attr(&a, "abstractNumId").into(),
            "lvl" => lvl = attr(&a, "ilvl").into(),
            "numFmt" if attr(&a, "val") == "bullet" => {
                n.bullets.insert((abs.clone(), lvl.clone()));
            }
            "num" => num = Some(attr(&a, "numId").into()),
            "abstractNumId" => {
                if let Some(id) = num.clone() {
                    n.abstract_of.insert(id, attr(&a, "val").into());
                }
            }
            _ => {}
        },
        Ev::End(e) if e == "num" => num = None,
        _ => {}
    })?;
    Ok(n)
}

impl Numbering {
    fn is_bullet(&self, num: &str, level: &str) -> bool {
        self.abstract_of
            .get(num)
            .is_some_and(|a| self.bullets.contains(&(a.clone(), level.to_string())))
    }
}

/// Relationship id → target: a part name (pictures) or a web address (hyperlinks).
fn rels(xml: &str) -> Result<HashMap<String, String>, String> {
    let mut out = HashMap::new();
    walk(xml, &mut |ev| {
        if let Ev::Start(n, a) = ev {
            if n == "Relationship" {
                let target = attr(&a, "Target");
                let target = if attr(&a, "TargetMode") == "External" {
                    Some(target.to_string())
                } else {
                    part_name(target)
                };
                if let Some(t) = target {
                    out.insert(attr(&a, "Id").to_string(), t);
                }
            }
        }
    })?;
    Ok(out)
}

/// The archive name of a target relative to `word/` (or absolute), `None` if it leaves the
/// archive's root.
fn part_name(target: &str) -> Option<String> {
    let joined = match target.strip_prefix('/') {
        Some(abs) => abs.to_string(),
        None => format!("word/{target}"),
    };
    let mut parts: Vec<&str> = Vec::new();
    for seg in joined.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

#[derive(Clone, Copy, PartialEq, Default)]
struct Fmt {
    bold: bool,
    italic: bool,
}

/// A piece of a paragraph.
enum Seg {
    Text(String, Fmt),
    /// Markdown already made (a link, a picture).
    Raw(String),
    Break,
}

#[derive(Default)]
struct Para {
    style: Option<String>,
    outline: Option<u8>,
    num_id: Option<String>,
    level: String,
    segs: Vec<Seg>,
}

#[derive(Default)]
struct Table {
    /// Tables inside this one (flattened into its cells).
    nested: usize,
    rows: Vec<Vec<String>>,
}

/// The conversion of `word/document.xml`, one event at a time.
struct Conv<'a> {
    styles: &'a Styles,
    numbering: &'a Numbering,
    rels: &'a HashMap<String, String>,
    out: String,
    /// The paragraph of each finished line.
    lines: Vec<usize>,
    line_para: usize,
    anchors: HashMap<usize, Vec<String>>,
    notes: Vec<(usize, String)>,
    /// The parts the pictures use.
    media: BTreeSet<String>,
    para_no: usize,
    para: Para,
    fmt: Fmt,
    in_rpr: bool,
    in_ppr: bool,
    in_t: bool,
    /// Open hyperlinks: destination, index of their first piece.
    links: Vec<(Option<String>, usize)>,
    /// Depth inside an element that is not imported.
    skip: usize,
    table: Option<Table>,
    /// A drawing being read: its alt text and picture.
    picture: Option<(String, Option<String>)>,
    /// The last heading's line and title.
    heading: Option<(usize, String)>,
    /// Bookmarks since the last paragraph ended (Word puts them inside the paragraph, pandoc
    /// before it): the names of the next paragraph's place.
    bookmarks: Vec<String>,
    prev_list: bool,
}

impl<'a> Conv<'a> {
    fn new(
        styles: &'a Styles,
        numbering: &'a Numbering,
        rels: &'a HashMap<String, String>,
    ) -> Self {
        Conv {
            styles,
            numbering,
            rels,
            out: String::new(),
            lines: Vec::new(),
            line_para: 0,
            anchors: HashMap::new(),
            notes: Vec::new(),
            media: BTreeSet::new(),
            para_no: 0,
            para: Para::default(),
            fmt: Fmt::default(),
            in_rpr: false,
            in_ppr: false,
            in_t: false,
            links: Vec::new(),
            skip: 0,
            table: None,
            picture: None,
            heading: None,
            bookmarks: Vec::new(),
            prev_list: false,
        }
    }

    fn event(&mut self, ev: Ev) {
        if self.skip > 0 {
            match ev {
                Ev::Start(..) => self.skip += 1,
                Ev::End(_) => self.skip -= 1,
                Ev::Text(_) => {}
            }
            return;
        }
        match ev {
            Ev::Start(n, a) => self.start(&n, &a),
            Ev::End(n) => self.end(&n),
            Ev::Text(t) if self.in_t => self.para.segs.push(Seg::Text(t, self.fmt)),
            Ev::Text(_) => {}
        }
    }

    /// Elements whose content is not imported; a note says so for those with content a
    /// reader would miss.
    fn skipped(&mut self, n: &str) -> bool {
        let why = match n {
            "object" => "an embedded object (a spreadsheet, a diagram, …)",
            "oMath" | "oMathPara" => "an equation",
            "txbxContent" => "a text box",
            "Fallback" | "del" | "delText" | "instrText" | "pPrChange" | "rPrChange" => "",
            _ => return false,
        };
        if !why.is_empty() {
            self.notes
                .push((self.para_no, format!("{why}: not imported")));
        }
        self.skip = 1;
        true
    }

    fn start(&mut self, n: &str, a: &[(String, String)]) {
        if self.skipped(n) {
            return;
        }
        let val = || attr(a, "val").to_string();
        match n {
            "p" => {
                self.para_no += 1;
                self.para = Para::default();
            }
            "pPr" => self.in_ppr = true,
            "rPr" => self.in_rpr = true,
            "pStyle" => self.para.style = Some(val()),
            "outlineLvl" if self.in_ppr => self.para.outline = val().parse().ok(),
            "ilvl" => self.para.level = val(),
            "numId" => self.para.num_id = Some(val()),
            "r" => self.fmt = Fmt::default(),
            "b" if self.in_rpr => self.fmt.bold = on(a),
            "i" if self.in_rpr => self.fmt.italic = on(a),
            "t" => self.in_t = true,
            "tab" if !self.in_ppr => self.para.segs.push(Seg::Text(" ".into(), self.fmt)),
            "br" | "cr" => self.para.segs.push(Seg::Break),
            "noBreakHyphen" => self.para.segs.push(Seg::Text("-".into(), self.fmt)),
            "hyperlink" => {
                let anchor = attr(a, "anchor");
                let dest = if anchor.is_empty() {
                    self.rels.get(attr(a, "id")).cloned()
                } else {
                    Some(format!("#{anchor}"))
                };
                self.links.push((dest, self.para.segs.len()));
            }
            "bookmarkStart" => self.bookmarks.push(attr(a, "name").to_string()),
            "drawing" => self.picture = Some((String::new(), None)),
            "docPr" => {
                if let Some(p) = self.picture.as_mut() {
                    let alt = [attr(a, "descr"), attr(a, "title")]
                        .into_iter()
                        .find(|s| !s.trim().is_empty());
                    p.0 = alt.unwrap_or_default().trim().to_string();
                }
            }
            "blip" => {
                let target = self.rels.get(attr(a, "embed")).cloned();
                if let Some(p) = self.picture.as_mut() {
                    p.1 = target;
                }
            }
            "imagedata" => {
                if let Some(t) = self.rels.get(attr(a, "id")).cloned() {
                    let alt = attr(a, "title").to_string();
                    self.push_picture(alt, t);
                }
            }
            _ => self.start_table(n),
        }
    }

    fn start_table(&mut self, n: &str) {
        match (n, self.table.as_mut()) {
            ("tbl", None) => self.table = Some(Table::default()),
            ("tbl", Some(t)) => {
                t.nested += 1;
                self.notes.push((
                    self.para_no,
                    "a table inside a table: its cells were joined into the outer cell".into(),
                ));
            }
            ("tr", Some(t)) if t.nested == 0 => t.rows.push(Vec::new()),
            ("tc", Some(t)) if t.nested == 0 => {
                if let Some(r) = t.rows.last_mut() {
                    r.push(String::new());
                }
            }
            _ => {}
        }
    }

    fn end(&mut self, n: &str) {
        match n {
            "pPr" => self.in_ppr = false,
            "rPr" => self.in_rpr = false,
            "t" => self.in_t = false,
            "hyperlink" => {
                if let Some((dest, from)) = self.links.pop() {
                    let inner = self.para.segs.split_off(from.min(self.para.segs.len()));
                    let text = render(&inner, false);
                    match dest {
                        Some(d) if !text.trim().is_empty() => self
                            .para
                            .segs
                            .push(Seg::Raw(format!("[{text}]({})", md_dest(&d)))),
                        _ => self.para.segs.extend(inner),
                    }
                }
            }
            "drawing" => match self.picture.take() {
                Some((alt, Some(t))) => self.push_picture(alt, t),
                _ => self.notes.push((
                    self.para_no,
                    "a drawing without a picture (a shape, chart or SmartArt): not imported".into(),
                )),
            },
            "p" => self.end_para(),
            "tbl" => self.end_table(),
            _ => {}
        }
    }

    /// A picture as Markdown, its alt text the drawing's description (else the heading above).
    fn push_picture(&mut self, alt: String, target: String) {
        let alt = if alt.is_empty() {
            self.heading
                .as_ref()
                .map(|h| h.1.clone())
                .unwrap_or_default()
        } else {
            alt
        };
        let alt = escape(&alt.replace('\n', " "));
        self.para
            .segs
            .push(Seg::Raw(format!("![{alt}]({})", md_dest(&target))));
        self.media.insert(target);
    }

    fn end_para(&mut self) {
        let mut p = std::mem::take(&mut self.para);
        while matches!(p.segs.last(), Some(Seg::Break)) {
            p.segs.pop();
        }
        if let Some(t) = self.table.as_mut() {
            let text = render(&p.segs, true);
            if let Some(cell) = t.rows.last_mut().and_then(|r| r.last_mut()) {
                if !cell.is_empty() && !text.trim().is_empty() {
                    cell.push(' ');
                }
                cell.push_str(text.trim());
            }
            return;
        }
        let level = p.outline.filter(|&l| l < 9).map(|l| l + 1).or_else(|| {
            p.style
                .as_deref()
                .and_then(|s| self.styles.heading_level(s))
        });
        let title = plain(&p.segs);
        if let (Some(level), false) = (level, title.is_empty()) {
            let title = super::strip_number(&title).to_string();
            self.block(
                &format!("{} {}", "#".repeat(level as usize), escape(&title)),
                false,
            );
            let line = self.lines.len() + 1;
            self.anchors
                .entry(line)
                .or_default()
                .append(&mut self.bookmarks);
            self.heading = Some((line, title));
            return;
        }
        if let Some((line, _)) = &self.heading {
            self.anchors
                .entry(*line)
                .or_default()
                .append(&mut self.bookmarks);
        }
        let md = render(&p.segs, false);
        if md.trim().is_empty() {
            return;
        }
        match p.num_id.filter(|id| id != "0") {
            Some(id) => {
                let marker = if self.numbering.is_bullet(&id, &p.level) {
                    "-"
                } else {
                    "1."
                };
                let indent = "   ".repeat(p.level.parse().unwrap_or(0usize).min(8));
                self.block(&format!("{indent}{marker} {}", md.trim()), true);
            }
            None if p.style.as_deref().is_some_and(|s| self.styles.is_quote(s)) => {
                self.block(&format!("> {}", md.trim().replace('\n', "\n> ")), false)
            }
            None => self.block(md.trim(), false),
        }
    }

    fn end_table(&mut self) {
        let Some(t) = self.table.as_mut() else {
            return;
        };
        if t.nested > 0 {
            t.nested -= 1;
            return;
        }
        let rows: Vec<Vec<String>> = self.table.take().map(|t| t.rows).unwrap_or_default();
        let rows: Vec<_> = rows
            .into_iter()
            .filter(|r| r.iter().any(|c| !c.is_empty()))
            .collect();
        let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
        if cols == 0 {
            return;
        }
        let line = |cells: &[String]| {
            let cells: Vec<&str> = (0..cols)
                .map(|i| cells.get(i).map_or("", String::as_str))
                .collect();
            format!("| {} |", cells.join(" | "))
        };
        let mut md = vec![line(&rows[0]), format!("|{}", "---|".repeat(cols))];
        md.extend(rows[1..].iter().map(|r| line(r)));
        self.block(&md.join("\n"), false);
    }

    /// A block of Markdown after the previous one (list items of one list on adjacent lines).
    fn block(&mut self, text: &str, list_item: bool) {
        if !self.out.is_empty() {
            self.emit(if list_item && self.prev_list {
                "\n"
            } else {
                "\n\n"
            });
        }
        self.line_para = self.para_no;
        self.emit(text);
        self.prev_list = list_item;
    }

    fn emit(&mut self, s: &str) {
        for c in s.chars() {
            if c == '\n' {
                self.lines.push(self.line_para);
            }
        }
        self.out.push_str(s);
    }

    fn finish(&mut self) {
        self.emit("\n");
    }
}

/// `w:b`, `w:i`: on unless `w:val` says off.
fn on(a: &[(String, String)]) -> bool {
    !matches!(attr(a, "val"), "0" | "false" | "off" | "none")
}

/// Text with Markdown's inline syntax characters escaped.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '\\' | '*' | '`' | '[' | ']' | '<') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A link or image destination, in `<…>` when it has characters that would end it.
fn md_dest(d: &str) -> String {
    if d.contains([' ', '(', ')', '<', '>']) {
        format!("<{}>", d.replace(['<', '>'], ""))
    } else {
        d.to_string()
    }
}

/// The text of a paragraph alone (a heading's title), white space collapsed.
fn plain(segs: &[Seg]) -> String {
    let mut s = String::new();
    for seg in segs {
        match seg {
            Seg::Text(t, _) => s.push_str(t),
            Seg::Break => s.push(' '),
            Seg::Raw(_) => {}
        }
    }
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A paragraph as Markdown; `flat` for a table cell (one line, `|` escaped).
fn render(segs: &[Seg], flat: bool) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < segs.len() {
        match &segs[i] {
            Seg::Raw(s) => out.push_str(s),
            Seg::Break => out.push_str(if flat { " " } else { "\\\n" }),
            Seg::Text(_, f) => {
                let mut s = String::new();
                while let Some(Seg::Text(t, g)) = segs.get(i) {
                    if g != f {
                        break;
                    }
                    s.push_str(t);
                    i += 1;
                }
                out.push_str(&emphasize(&escape(&s), *f));
                continue;
            }
        }
        i += 1;
    }
    if flat {
        out.replace('|', "\\|")
    } else {
        out
    }
}

/// `**text**`, `*text*`, `***text***`, the markers inside the surrounding white space.
fn emphasize(s: &str, f: Fmt) -> String {
    let core = s.trim();
    let mark = match (f.bold, f.italic) {
        _ if core.is_empty() => return s.to_string(),
        (true, true) => "***",
        (true, false) => "**",
        (false, true) => "*",
        (false, false) => return s.to_string(),
    };
    let lead = &s[..s.len() - s.trim_start().len()];
    let trail = &s[s.trim_end().len()..];
    format!("{lead}{mark}{core}{mark}{trail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn convert(
        body: &str,
        styles_xml: &str,
        rels_xml: &str,
    ) -> (String, Vec<usize>, Vec<(usize, String)>) {
        let st = styles(styles_xml).unwrap();
        let num = numbering(
            r#"<w:numbering xmlns:w="w"><w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/></w:lvl></w:abstractNum><w:num w:numId="5"><w:abstractNumId w:val="1"/></w:num></w:numbering>"#,
        )
        .unwrap();
        let rel = rels(rels_xml).unwrap();
        let mut c = Conv::new(&st, &num, &rel);
        walk(body, &mut |ev| c.event(ev)).unwrap();
        c.finish();
        (c.out, c.lines, c.notes)
    }

    #[test]
    fn headings_lists_tables_links_and_pictures_become_markdown() {
        let styles_xml = r#"<w:styles xmlns:w="w"><w:style w:styleId="1"><w:name w:val="标题 1"/></w:style><w:style w:styleId="Custom"><w:name w:val="Mine"/><w:basedOn w:val="H2"/></w:style><w:style w:styleId="H2"><w:name w:val="x"/><w:pPr><w:outlineLvl w:val="1"/></w:pPr></w:style><w:style w:styleId="Q"><w:name w:val="Intense Quote"/></w:style></w:styles>"#;
        let rels_xml = r#"<Relationships><Relationship Id="rId1" Target="media/image1.png"/><Relationship Id="rId2" Target="https://example.com/a b" TargetMode="External"/><Relationship Id="rId3" Target="../../etc/passwd"/></Relationships>"#;
        let body = r#"<w:document xmlns:w="w" xmlns:r="r" xmlns:a="a" xmlns:wp="wp"><w:body>
<w:p><w:pPr><w:pStyle w:val="1"/></w:pPr><w:r><w:t>一、驱动 &amp; 安装</w:t></w:r></w:p>
<w:p><w:pPr><w:pStyle w:val="Custom"/></w:pPr><w:bookmarkStart w:name="q1"/><w:r><w:t>1.1 如何*安装*？</w:t></w:r></w:p>
<w:p><w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">粗体 </w:t></w:r><w:r><w:t>和</w:t></w:r><w:hyperlink r:id="rId2"><w:r><w:t>链接</w:t></w:r></w:hyperlink><w:hyperlink w:anchor="q1"><w:r><w:t>这里</w:t></w:r></w:hyperlink></w:p>
<w:p><w:pPr><w:pStyle w:val="Q"/></w:pPr><w:r><w:t>引文</w:t></w:r></w:p>
<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="5"/></w:numPr></w:pPr><w:r><w:t>甲</w:t></w:r></w:p>
<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="7"/></w:numPr></w:pPr><w:r><w:t>乙</w:t></w:r></w:p>
<w:p><w:r><w:drawing><wp:docPr id="1" name="P" descr="托盘图标"/><a:blip r:embed="rId1"/></w:drawing></w:r><w:r><w:object><w:t>ole</w:t></w:object></w:r></w:p>
<w:tbl><w:tr><w:tc><w:p><w:r><w:t>A|B</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>C</w:t></w:r></w:p></w:tc></w:tr><w:tr><w:tc><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
</w:body></w:document>"#;
        let (md, lines, notes) = convert(body, styles_xml, rels_xml);
        let want = "# 驱动 & 安装\n\n## 如何\\*安装\\*？\n\n**粗体** 和[链接](<https://example.com/a b>)[这里](#q1)\n\n> 引文\n\n- 甲\n1. 乙\n\n![托盘图标](word/media/image1.png)\n\n| A\\|B | C |\n|---|---|\n| 1 |  |\n";
        assert_eq!(md, want);
        assert_eq!(lines.len(), md.lines().count());
        assert_eq!(lines[2], 2, "the question's line is paragraph 2");
        assert_eq!(
            notes,
            [(
                7,
                "an embedded object (a spreadsheet, a diagram, …): not imported".to_string()
            )]
        );
        assert_eq!(part_name("../../etc/passwd"), None);
        assert_eq!(
            part_name("/word/media/x.png").as_deref(),
            Some("word/media/x.png")
        );
    }

    #[test]
    fn entities_are_never_defined_or_fetched() {
        let xml = r#"<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd"><!ENTITY y "boom">]><w:document xmlns:w="w"><w:body><w:p><w:r><w:t>a&x;&y;&lt;b&#x41;</w:t></w:r></w:p></w:body></w:document>"#;
        let (md, _, _) = convert(xml, "<w:styles/>", "<Relationships/>");
        assert_eq!(md, "a\\<bA\n");
    }

    #[test]
    fn archives_past_the_caps_are_refused() {
        use std::io::Write;
        use zip::write::SimpleFileOptions;
        let stored =
            SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for i in 0..=MAX_ENTRIES {
            w.start_file(format!("f{i}"), stored).unwrap();
        }
        let many = w.finish().unwrap().into_inner();
        let err = Archive::open(many).err().unwrap();
        assert!(err.contains("10001 entries"), "{err}");

        // A zip bomb: a small archive whose one part inflates past the cap.
        let deflated = stored.compression_method(zip::CompressionMethod::Deflated);
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        w.start_file("word/document.xml", deflated).unwrap();
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..=(MAX_PART >> 20) {
            w.write_all(&zeros).unwrap();
        }
        let bomb = w.finish().unwrap().into_inner();
        assert!(bomb.len() < 1 << 20, "{}", bomb.len());
        let err = Archive::open(bomb)
            .unwrap()
            .part("word/document.xml")
            .unwrap_err();
        assert!(err.contains("larger than"), "{err}");
    }
}
