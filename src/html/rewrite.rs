//! The one place HTML already written (pulldown-cmark's, a theme's, the writer's own raw HTML)
//! is read or edited again, each pass through lol_html's streaming tokenizer: tags are found
//! whatever their letter case, attribute order or quoting; comments, `<script>` and other raw
//! text are seen as such; attribute values are read with every entity decoded. Nothing here
//! searches for the bytes one writer happens to produce. A tag no edit touches is copied as it
//! was, byte for byte; an edited one keeps its other attributes as written.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::ops::Range;
use std::sync::LazyLock;

use lol_html::html_content::{Comment, ContentType, Element};
use lol_html::{
    DocumentContentHandlers, ElementContentHandlers, HandlerResult, HtmlRewriter, Selector,
    Settings,
};

/// An attribute value as a browser reads it: every named and numeric entity decoded (borrowed
/// when it has none, as most values: deciding on a value then copies nothing).
pub fn attribute_value(raw: &str) -> Cow<'_, str> {
    htmlize::unescape_attribute(raw)
}

/// What follows the `#` of `raw`, an attribute value as written, when a browser reads it as
/// an in-page link (`#x`, also written `&num;x` or `&#35;x`), as written; `None` for any other
/// value (or one whose `#` cannot be told apart from what follows it).
pub fn fragment_as_written(raw: &str) -> Option<&str> {
    if let Some(rest) = raw.strip_prefix('#') {
        return Some(rest);
    }
    let read = attribute_value(raw);
    let after = read.strip_prefix('#')?;
    // The shortest start that reads as `#` and leaves the rest reading as it did.
    (1..=raw.len().min(12))
        .filter(|&i| raw.is_char_boundary(i))
        .find(|&i| attribute_value(&raw[..i]) == "#" && attribute_value(&raw[i..]) == after)
        .map(|i| &raw[i..])
}

/// Whether `html` may hold a `<name…` tag: a tag is written with its `<` and its name, in any
/// letter case. Lets a page without one skip the tokenizer; never the reason something is
/// taken for a tag (the tokenizer decides that).
fn may_hold(html: &str, name: &str) -> bool {
    let bytes = html.as_bytes();
    html.match_indices('<').any(|(i, _)| {
        bytes
            .get(i + 1..i + 1 + name.len())
            .is_some_and(|b| b.eq_ignore_ascii_case(name.as_bytes()))
    })
}

type Handlers<'h> = Vec<(Cow<'static, Selector>, ElementContentHandlers<'h>)>;

/// Runs lol_html over `html` with these handlers; the output, or `None` when the rewriter gave
/// up (it never does without a memory limit or strict mode, neither of which is set).
fn run<'h>(
    html: &str,
    elements: Handlers<'h>,
    document: Vec<DocumentContentHandlers<'h>>,
) -> Option<String> {
    let mut out = Vec::with_capacity(html.len() + html.len() / 16);
    let mut settings = Settings::new().with_strict(false);
    for handler in elements {
        settings = settings.append_element_content_handler(handler);
    }
    for handler in document {
        settings = settings.append_document_content_handler(handler);
    }
    let mut rewriter = HtmlRewriter::new(settings, |c: &[u8]| out.extend_from_slice(c));
    rewriter.write(html.as_bytes()).ok()?;
    rewriter.end().ok()?;
    String::from_utf8(out).ok()
}

/// Runs lol_html over `html` with these handlers only to read it: nothing is copied out (a
/// sidebar is read once per fragment; copying and checking what it reads cost a sixth of it).
fn scan<'h>(html: &str, elements: Handlers<'h>) {
    let mut settings = Settings::new().with_strict(false);
    for handler in elements {
        settings = settings.append_element_content_handler(handler);
    }
    let mut rewriter = HtmlRewriter::new(settings, |_: &[u8]| {});
    // Without a memory limit or strict mode the rewriter never gives up.
    if rewriter.write(html.as_bytes()).is_ok() {
        let _ = rewriter.end();
    }
}

/// A selector parsed once per process (parsing one costs more than most pages' rewrite).
macro_rules! selector {
    ($css:literal) => {{
        static SELECTOR: LazyLock<Selector> =
            LazyLock::new(|| $css.parse().expect("a valid selector"));
        Cow::Borrowed(&*SELECTOR)
    }};
}

fn on_element<'h>(
    handler: impl FnMut(&mut Element<'_, '_>) -> HandlerResult + 'h,
) -> ElementContentHandlers<'h> {
    ElementContentHandlers::default().element(handler)
}

/// `html` with every `id` made `{prefix}-{id}` and every in-page link (`href="#x"`) made
/// `#{prefix}-x`: for a page that joins several answers (the chapter page), so two answers
/// with the same heading or footnote do not give one id twice.
pub fn prefix_ids(html: &str, prefix: &str) -> String {
    let ids = on_element(|el| {
        if let Some(id) = el.get_attribute("id") {
            el.set_attribute("id", &format!("{prefix}-{id}"))?;
        }
        Ok(())
    });
    let links = on_element(|el| {
        let href = el.get_attribute("href").unwrap_or_default();
        if let Some(anchor) = fragment_as_written(&href) {
            el.set_attribute("href", &format!("#{prefix}-{anchor}"))?;
        }
        Ok(())
    });
    let handlers = vec![(selector!("[id]"), ids), (selector!("[href]"), links)];
    run(html, handlers, Vec::new()).unwrap_or_else(|| html.to_string())
}

/// `html` with each comment for which `with` gives markup replaced by that markup (the images
/// stage's markers). A comment is one only where HTML has one: `<!--…-->` inside a `<script>`
/// or a `<textarea>` is their text and stays.
pub fn replace_comments<'m>(html: &str, mut with: impl FnMut(&str) -> Option<&'m str>) -> String {
    let comments = DocumentContentHandlers::default().comments(move |c: &mut Comment<'_>| {
        if let Some(markup) = with(&c.text()) {
            c.replace(markup, ContentType::Html);
        }
        Ok(())
    });
    run(html, Vec::new(), vec![comments]).unwrap_or_else(|| html.to_string())
}

/// The link targets (`href` of any element) in `html`, entities decoded, in page order.
pub fn hrefs(html: &str) -> Vec<String> {
    let found = RefCell::new(Vec::new());
    let links = on_element(|el| {
        if let Some(href) = el.get_attribute("href") {
            found.borrow_mut().push(attribute_value(&href).into_owned());
        }
        Ok(())
    });
    scan(html, vec![(selector!("[href]"), links)]);
    found.into_inner()
}

/// Where `snippet` goes to end a page's body: before its last `</body>` end tag (not one in a
/// comment or a script's text), else at the end.
pub fn insert_before_body_end(html: &str, snippet: &str) -> String {
    // End-tag handlers outlive the call: the offset is shared with them.
    let last = std::rc::Rc::new(Cell::new(None));
    let body = on_element(|el| {
        if let Some(handlers) = el.end_tag_handlers() {
            let last = last.clone();
            handlers.push(Box::new(move |end| {
                last.set(Some(end.source_location().bytes().start));
                Ok(())
            }));
        }
        Ok(())
    });
    scan(html, vec![(selector!("body"), body)]);
    let at = last
        .get()
        .filter(|&i| html.is_char_boundary(i))
        .unwrap_or(html.len());
    let mut out = String::with_capacity(html.len() + snippet.len());
    out.push_str(&html[..at]);
    out.push_str(snippet);
    out.push_str(&html[at..]);
    out
}

/// The largest `width` attribute of an `<img>` in `html`, if any has one that is a number.
pub fn widest_img(html: &str) -> Option<u32> {
    if !may_hold(html, "img") {
        return None;
    }
    let widest = Cell::new(None::<u32>);
    let imgs = on_element(|el| {
        let width = el
            .get_attribute("width")
            .and_then(|w| w.trim().parse::<u32>().ok());
        if let Some(w) = width {
            widest.set(Some(widest.get().map_or(w, |m| m.max(w))));
        }
        Ok(())
    });
    scan(html, vec![(selector!("img[width]"), imgs)]);
    widest.get()
}

/// `html` with the text of each `<span class="pg" data-n="KEY">` replaced by `fill(KEY)` when
/// that gives one (the print page's contents, filled with page numbers).
pub fn fill_page_numbers(html: &str, fill: impl Fn(&str) -> Option<String>) -> String {
    let spans = on_element(|el| {
        if let Some(text) = el.get_attribute("data-n").and_then(|n| fill(&n)) {
            el.set_inner_content(&text, ContentType::Text);
        }
        Ok(())
    });
    run(
        html,
        vec![(selector!("span.pg[data-n]"), spans)],
        Vec::new(),
    )
    .unwrap_or_else(|| html.to_string())
}

/// Where each link of a fragment (a sidebar rendered once for many pages) can take one
/// more attribute: for each `href` (as a browser reads it), the offset of the end of its first
/// `<a>` start tag, before its `>` or `/>`. Made once per fragment by one pass; each page then
/// marks its own link with a single splice ([`LinkEnds::add_attribute`]).
#[derive(Debug, Default)]
pub struct LinkEnds(HashMap<String, usize>);

impl LinkEnds {
    pub fn of(html: &str) -> Self {
        let ends = RefCell::new(HashMap::new());
        let links = on_element(|el| {
            let (Some(href), at) = (el.get_attribute("href"), el.source_location().bytes()) else {
                return Ok(());
            };
            let tag = html.get(at.clone()).unwrap_or_default();
            let close = if tag.ends_with("/>") { 2 } else { 1 };
            if tag.ends_with('>') && tag.len() > close {
                let end = at.end - close;
                ends.borrow_mut()
                    .entry(attribute_value(&href).into_owned())
                    .or_insert(end);
            }
            Ok(())
        });
        scan(html, vec![(selector!("a[href]"), links)]);
        LinkEnds(ends.into_inner())
    }

    /// `html`, the fragment this table was made from, with `attribute` (` name="value"`)
    /// added to its first link to `href`.
    pub fn add_attribute(&self, html: &str, href: &str, attribute: &str) -> String {
        match self.0.get(href).filter(|&&at| html.is_char_boundary(at)) {
            Some(&at) => [&html[..at], attribute, &html[at..]].concat(),
            None => html.to_string(),
        }
    }
}

/// Which attributes [`edit_urls`] hands to its edit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UrlAttr {
    Href,
    Id,
    Src,
    Srcset,
}

const URL_ATTRS: [(&str, UrlAttr); 4] = [
    ("href", UrlAttr::Href),
    ("id", UrlAttr::Id),
    ("src", UrlAttr::Src),
    ("srcset", UrlAttr::Srcset),
];

/// `html` with every `href`, `id`, `src` and `srcset` value that `edit` changes (it gets the
/// value as written, entities and all), and each link whose text `bare(text, new_href)` says
/// is its own address given `class` (first, before its other attributes).
///
/// One pass edits the values and reads each link's text; a link's text comes after its start
/// tag, so only when a link turns out bare does a second pass give it its class (two passes
/// for every answer were 60 % of the print page's time).
pub fn edit_urls(
    html: &str,
    mut edit: impl FnMut(UrlAttr, &str) -> Option<String>,
    bare: impl Fn(&str, &str) -> bool,
    class: &str,
) -> String {
    let texts = RefCell::new(Vec::<Option<String>>::new());
    let mut hrefs = Vec::new();
    let every = on_element(|el| {
        if let (Some(href), true) = (edit_attributes(el, &mut edit)?, el.tag_name() == "a") {
            hrefs.push(href);
        }
        Ok(())
    });
    let mut handlers = vec![(selector!("[href], [id], [src], [srcset]"), every)];
    if may_hold(html, "a") {
        handlers.extend(link_text_handlers(&texts));
    }
    let once = run(html, handlers, Vec::new());
    let texts = texts.into_inner();
    // Which links, in page order, are bare: decided once, from the first pass.
    let bare_links: Vec<bool> = hrefs
        .iter()
        .zip(&texts)
        .map(|(href, text)| text.as_deref().is_some_and(|t| bare(t, href)))
        .collect();
    if !bare_links.contains(&true) {
        return once.unwrap_or_else(|| html.to_string());
    }
    let mut link = 0;
    let every = on_element(|el| {
        if edit_attributes(el, &mut edit)?.is_some() && el.tag_name() == "a" {
            if bare_links.get(link) == Some(&true) {
                add_class_first(el, class)?;
            }
            link += 1;
        }
        Ok(())
    });
    run(
        html,
        vec![(selector!("[href], [id], [src], [srcset]"), every)],
        Vec::new(),
    )
    .unwrap_or_else(|| html.to_string())
}

/// The element's `href`, `id`, `src` and `srcset` set to what `edit` makes of them; its
/// `href` as it now reads.
fn edit_attributes(
    el: &mut Element<'_, '_>,
    edit: &mut impl FnMut(UrlAttr, &str) -> Option<String>,
) -> Result<Option<String>, Box<dyn std::error::Error + Send + Sync>> {
    let mut href = None;
    for (name, which) in URL_ATTRS {
        let Some(value) = el.get_attribute(name) else {
            continue;
        };
        let new = edit(which, &value);
        if let Some(new) = &new {
            el.set_attribute(name, new)?;
        }
        if which == UrlAttr::Href {
            href = Some(new.unwrap_or(value));
        }
    }
    Ok(href)
}

/// Handlers that push the text of each `<a href>` to `texts` in order (as written, entities
/// and all); `None` for a link that holds other elements or comments.
fn link_text_handlers(texts: &RefCell<Vec<Option<String>>>) -> Handlers<'_> {
    let links = ElementContentHandlers::default()
        .element(|_: &mut Element<'_, '_>| {
            texts.borrow_mut().push(Some(String::new()));
            Ok(())
        })
        .text(|t: &mut lol_html::html_content::TextChunk<'_>| {
            if let Some(Some(text)) = texts.borrow_mut().last_mut() {
                text.push_str(t.as_str());
            }
            Ok(())
        })
        .comments(|_: &mut Comment<'_>| {
            if let Some(last) = texts.borrow_mut().last_mut() {
                *last = None;
            }
            Ok(())
        });
    let inner = on_element(|_| {
        if let Some(last) = texts.borrow_mut().last_mut() {
            *last = None;
        }
        Ok(())
    });
    vec![
        (selector!("a[href]"), links),
        (selector!("a[href] *"), inner),
    ]
}

/// `class` added to the element's classes, written as its first attribute when it had none.
fn add_class_first(el: &mut Element<'_, '_>, class: &str) -> HandlerResult {
    if let Some(old) = el.get_attribute("class") {
        el.set_attribute("class", &format!("{old} {class}"))?;
        return Ok(());
    }
    let attrs: Vec<(String, String)> = el
        .attributes()
        .iter()
        .map(|a| (a.name(), a.value()))
        .collect();
    for (name, _) in &attrs {
        el.remove_attribute(name);
    }
    el.set_attribute("class", class)?;
    for (name, value) in &attrs {
        el.set_attribute(name, value)?;
    }
    Ok(())
}

/// A part of raw HTML from a Markdown page, as far as faqsite cares.
#[derive(Debug, PartialEq)]
pub enum RawPiece<'h> {
    Text(&'h str),
    /// A comment (`<!-- … -->`), whole.
    Comment(&'h str),
    /// One `<img>` start tag as written, with its attributes as a browser reads them.
    Img {
        tag: &'h str,
        attrs: ImgAttrs,
    },
}

/// The attributes of a raw `<img>` that faqsite keeps (entities decoded).
#[derive(Debug, Default, PartialEq)]
pub struct ImgAttrs {
    pub src: Option<String>,
    pub alt: Option<String>,
    pub title: Option<String>,
}

/// Raw HTML split into its complete comments, its `<img>` start tags and the text around
/// them (everything else, tags included), each with its byte offset in `html`.
pub fn raw_pieces(html: &str) -> Vec<(usize, RawPiece<'_>)> {
    let found = RefCell::new(Vec::<(Range<usize>, Option<ImgAttrs>)>::new());
    let imgs = on_element(|el| {
        let get = |name| {
            el.get_attribute(name)
                .map(|v| attribute_value(&v).into_owned())
        };
        let attrs = ImgAttrs {
            src: get("src"),
            alt: get("alt"),
            title: get("title"),
        };
        found
            .borrow_mut()
            .push((el.source_location().bytes(), Some(attrs)));
        Ok(())
    });
    let comments = DocumentContentHandlers::default().comments(|c: &mut Comment<'_>| {
        let at = c.source_location().bytes();
        // A comment left open at the end is text, not a comment that hides the rest.
        if html.get(at.clone()).is_some_and(|s| s.ends_with('>')) {
            found.borrow_mut().push((at, None));
        }
        Ok(())
    });
    run(html, vec![(selector!("img"), imgs)], vec![comments]);
    let mut pieces = Vec::new();
    let mut text_from = 0;
    for (at, img) in found.into_inner() {
        let Some(source) = html.get(at.clone()).filter(|_| at.start >= text_from) else {
            continue;
        };
        if text_from < at.start {
            pieces.push((text_from, RawPiece::Text(&html[text_from..at.start])));
        }
        let piece = match img {
            Some(attrs) => RawPiece::Img { tag: source, attrs },
            None => RawPiece::Comment(source),
        };
        pieces.push((at.start, piece));
        text_from = at.end;
    }
    if text_from < html.len() {
        pieces.push((text_from, RawPiece::Text(&html[text_from..])));
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_in_page_links_get_the_prefix() {
        let h = r##"<h2 id="步骤">x</h2><a href="#步骤">a</a><a href="b.html#c">b</a>"##;
        assert_eq!(
            prefix_ids(h, "q"),
            r##"<h2 id="q-步骤">x</h2><a href="#q-步骤">a</a><a href="b.html#c">b</a>"##
        );
    }

    /// Attribute order, quotes, letter case and spacing as raw HTML may write them; text that
    /// only looks like an attribute (in a code block, a title, a comment) stays.
    #[test]
    fn an_in_page_link_is_read_as_a_browser_reads_it() {
        assert_eq!(fragment_as_written("#a&amp;b"), Some("a&amp;b"));
        assert_eq!(fragment_as_written("&num;spot"), Some("spot"));
        assert_eq!(fragment_as_written("&#35;spot"), Some("spot"));
        assert_eq!(fragment_as_written("&#x23;s&amp;t"), Some("s&amp;t"));
        // `&#356;` is one character (Ť), not `#` and `6`.
        assert_eq!(fragment_as_written("&#356;x"), None);
        assert_eq!(fragment_as_written("q.html#x"), None);
        assert_eq!(fragment_as_written(""), None);
        let html = r##"<a href="&num;spot">back</a><span ID="spot">x</span>"##;
        assert_eq!(
            prefix_ids(html, "q"),
            r##"<a href="#q-spot">back</a><span ID="q-spot">x</span>"##
        );
    }

    #[test]
    fn ids_are_prefixed_however_the_tag_is_written() {
        let h = r##"<DIV class=x ID='a'>1</DIV><a title='see href="#a"' HREF = "#a">2</a><p data-id="k" title=' id="z"'>3</p><code>&lt;h2 id="c"&gt;</code><!-- <a id="d"> -->"##;
        assert_eq!(
            prefix_ids(h, "q"),
            r##"<DIV class=x ID="q-a">1</DIV><a title='see href="#a"' HREF="#q-a">2</a><p data-id="k" title=' id="z"'>3</p><code>&lt;h2 id="c"&gt;</code><!-- <a id="d"> -->"##
        );
    }

    #[test]
    fn comments_are_replaced_only_where_html_has_comments() {
        let h = "<p><!--m0--></p><script>var s = \"<!--m0-->\";</script><textarea><!--m0--></textarea><!--x-->";
        let out = replace_comments(h, |c| (c == "m0").then_some("<img>"));
        assert_eq!(
            out,
            "<p><img></p><script>var s = \"<!--m0-->\";</script><textarea><!--m0--></textarea><!--x-->"
        );
    }

    #[test]
    fn hrefs_are_read_as_a_browser_reads_them() {
        assert_eq!(
            hrefs("<a href=\"http://a/?x=1&amp;y=2\">a</a><A class=b HREF='http://b/&eacute;&#x41;'>b</A><!-- <a href=\"http://c/\"> -->"),
            vec!["http://a/?x=1&y=2", "http://b/éA"]
        );
    }

    #[test]
    fn the_snippet_goes_before_the_real_end_of_the_body() {
        let page = "<html><body><script>let s = \"</body>\";</script><!-- </body> --><p>x</p></BODY></html>";
        assert_eq!(
            insert_before_body_end(page, "<i></i>"),
            "<html><body><script>let s = \"</body>\";</script><!-- </body> --><p>x</p><i></i></BODY></html>"
        );
        assert_eq!(insert_before_body_end("<p>x", "<i></i>"), "<p>x<i></i>");
    }

    #[test]
    fn the_widest_image_is_found_in_any_tag_form() {
        assert_eq!(widest_img("<p>width=\"999\"</p>"), None);
        assert_eq!(
            widest_img("<IMG alt='a>b' WIDTH='400'><img width=\"32\" src=x>"),
            Some(400)
        );
    }

    #[test]
    fn page_numbers_fill_their_spans() {
        let h = r#"<span data-n="1" class="pg"></span><span class='pg' data-n='2'></span><span class="pg" data-n="3"></span>"#;
        let out = fill_page_numbers(h, |n| (n != "3").then(|| format!("p{n}")));
        assert_eq!(
            out,
            r#"<span data-n="1" class="pg">p1</span><span class='pg' data-n='2'>p2</span><span class="pg" data-n="3"></span>"#
        );
    }

    #[test]
    fn the_first_link_to_the_page_is_marked_however_it_is_written() {
        let nav =
            r#"<a class="c" href='../a/b&amp;c.html'>A</a><a href="../a/b&amp;c.html">again</a>"#;
        assert_eq!(
            LinkEnds::of(nav).add_attribute(nav, "../a/b&c.html", " aria-current=\"page\""),
            r#"<a class="c" href='../a/b&amp;c.html' aria-current="page">A</a><a href="../a/b&amp;c.html">again</a>"#
        );
    }

    #[test]
    fn raw_html_splits_into_comments_images_and_text() {
        let html = "<p title=\"<img src=t.png>\"><!-- <img src=\"c.png\"> --><img alt=\"a > b\" src=\"a.png\"> and <IMG SRC='&#x56FE;&eacute;.png'><imgx><script>\"<img src=s.png>\"</script></p>";
        let pieces = raw_pieces(html);
        let kinds: Vec<String> = pieces
            .iter()
            .map(|(at, p)| match p {
                RawPiece::Text(_) => format!("T{at}"),
                RawPiece::Comment(_) => format!("C{at}"),
                RawPiece::Img { .. } => format!("I{at}"),
            })
            .collect();
        assert_eq!(
            kinds,
            ["T0", "C27", "I53", "T82", "I87", "T119"],
            "{pieces:?}"
        );
        let RawPiece::Img { tag, attrs } = &pieces[2].1 else {
            panic!()
        };
        assert_eq!(*tag, "<img alt=\"a > b\" src=\"a.png\">");
        assert_eq!(attrs.alt.as_deref(), Some("a > b"));
        let RawPiece::Img { attrs, .. } = &pieces[4].1 else {
            panic!()
        };
        assert_eq!(attrs.src.as_deref(), Some("图é.png"));
        assert_eq!(raw_pieces("<!-- open").len(), 1);
        assert!(matches!(raw_pieces("<!-- open")[0].1, RawPiece::Text(_)));
    }
}
