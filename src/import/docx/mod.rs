//! Import of Word `.docx`: paragraphs, headings (heading styles in English and Chinese, outline
//! levels), lists, bold and italic, tables, hyperlinks, bookmarks and embedded pictures become
//! Markdown text for the importer, each line tied to the paragraph it came from. The archive is
//! untrusted: its entry count and uncompressed sizes are capped, parts are looked up by name
//! (no entry name ever becomes a path), and the XML is read with no DTD or external entity.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

mod convert;
mod package;
mod styles;
mod xml;
use convert::Conv;
use package::{rels, Archive};
use styles::{numbering, styles, Numbering, Styles};
use xml::walk;

use super::{Document, Media};
use crate::error::Diagnostic;

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
    }

    #[test]
    fn entities_are_never_defined_or_fetched() {
        let xml = r#"<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd"><!ENTITY y "boom">]><w:document xmlns:w="w"><w:body><w:p><w:r><w:t>a&x;&y;&lt;b&#x41;</w:t></w:r></w:p></w:body></w:document>"#;
        let (md, _, _) = convert(xml, "<w:styles/>", "<Relationships/>");
        assert_eq!(md, "a\\<bA\n");
    }
}
