//! `word/document.xml` converted to Markdown one event at a time (`Conv`): paragraphs,
//! headings, lists, bold and italic, tables, hyperlinks, bookmarks and pictures, each line tied
//! to the paragraph it came from.

use std::collections::{BTreeSet, HashMap};

use super::styles::{Numbering, Styles};
use super::xml::{attr, Ev};

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
pub(super) struct Conv<'a> {
    styles: &'a Styles,
    numbering: &'a Numbering,
    rels: &'a HashMap<String, String>,
    pub(super) out: String,
    /// The paragraph of each finished line.
    pub(super) lines: Vec<usize>,
    line_para: usize,
    pub(super) anchors: HashMap<usize, Vec<String>>,
    pub(super) notes: Vec<(usize, String)>,
    /// The parts the pictures use.
    pub(super) media: BTreeSet<String>,
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
    pub(super) fn new(
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

    pub(super) fn event(&mut self, ev: Ev) {
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
            let title = super::super::strip_number(&title).to_string();
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

    pub(super) fn finish(&mut self) {
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
