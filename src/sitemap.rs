//! Files beside the pages: `sitemap.xml` and `robots.txt` (only when `base_url` is set), and
//! redirect pages for `aliases` (old URLs of a page).

use crate::content::lang::Languages;
use crate::content::Content;
use crate::html::{encode_path, escape};
use crate::output::OutputFile;
use crate::urls::root_prefix;

/// `sitemap.xml` + `robots.txt` for a site served at `base_url`.
pub fn sitemap(base_url: &str, content: &Content) -> Vec<OutputFile> {
    if let Some(languages) = &content.languages {
        // One sitemap for every language, made by the default language's build.
        return match &content.language.code {
            None => languages_sitemap(languages),
            Some(_) => Vec::new(),
        };
    }
    // As a URL parser writes it (a `"` or space in its path percent-encoded): robots.txt has
    // no escaping of its own.
    let parsed = url::Url::parse(base_url).map(String::from);
    let base = parsed.as_deref().unwrap_or(base_url).trim_end_matches('/');
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for p in &content.pages {
        xml.push_str(&format!(
            "  <url><loc>{}/{}</loc></url>\n",
            escape(base),
            escape(&encode_path(&p.url))
        ));
    }
    xml.push_str(&format!(
        "  <url><loc>{}/print.html</loc></url>\n",
        escape(base)
    ));
    xml.push_str("</urlset>\n");
    let robots = format!("User-agent: *\nAllow: /\nSitemap: {base}/sitemap.xml\n");
    vec![
        OutputFile::new("sitemap.xml", xml),
        OutputFile::new("robots.txt", robots),
    ]
}

/// One small redirect page per alias, pointing (relatively) at the page that owns it.
pub fn aliases(content: &Content) -> Vec<OutputFile> {
    let mut out = Vec::new();
    for p in &content.pages {
        for a in p.aliases.iter().map(|a| &a.path) {
            let target = format!("{}{}", root_prefix(a), p.url);
            let t = escape(&target);
            let html = format!(
                "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>{title}</title>\
                 <meta http-equiv=\"refresh\" content=\"0; url={t}\"><link rel=\"canonical\" href=\"{t}\">\
                 </head><body><p><a href=\"{t}\">{title}</a></p></body></html>\n",
                title = escape(&p.title)
            );
            out.push(OutputFile::new(a, html));
        }
    }
    out
}

/// The sitemap of a site in several languages: every page of every language, each with its
/// versions in the other languages as `xhtml:link` alternates (with `x-default`, the default
/// language's), as search engines read them.
fn languages_sitemap(languages: &Languages) -> Vec<OutputFile> {
    let Some(base) = languages.base.as_deref() else {
        return Vec::new();
    };
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
    );
    for (current, lang) in languages.list.iter().enumerate() {
        for url in &lang.urls {
            let links = languages.links(current, url, "");
            // The page's own address (an untranslated original shown in this language is no
            // version of it: its link leads to the language's home).
            let page = if url == "index.html" { "" } else { url };
            let loc = format!("{base}/{}", encode_path(&format!("{}{page}", lang.prefix)));
            xml.push_str(&format!("  <url><loc>{}</loc>", escape(&loc)));
            let alternates = links.iter().filter(|l| l.translated);
            if alternates.clone().count() > 1 {
                for l in alternates {
                    xml.push_str(&format!(
                        "<xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>",
                        escape(&l.code),
                        escape(&l.abs)
                    ));
                }
                if links[0].translated {
                    xml.push_str(&format!(
                        "<xhtml:link rel=\"alternate\" hreflang=\"x-default\" href=\"{}\"/>",
                        escape(&links[0].abs)
                    ));
                }
            }
            xml.push_str("</url>\n");
        }
    }
    xml.push_str("</urlset>\n");
    let parsed = url::Url::parse(base).map(String::from);
    let robots_base = parsed.as_deref().unwrap_or(base).trim_end_matches('/');
    let robots = format!("User-agent: *\nAllow: /\nSitemap: {robots_base}/sitemap.xml\n");
    vec![
        OutputFile::new("sitemap.xml", xml),
        OutputFile::new("robots.txt", robots),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn robots_txt_has_the_base_url_as_a_parser_writes_it() {
        let content = Content {
            pages: Vec::new(),
            chapters: Vec::new(),
            drafts: Vec::new(),
            warnings: Vec::new(),
            language: Default::default(),
            elsewhere: Default::default(),
            languages: None,
        };
        let files = sitemap("https://example.com/a\"b c/", &content);
        let robots = files
            .iter()
            .find(|f| f.path.ends_with("robots.txt"))
            .unwrap();
        let text = String::from_utf8_lossy(&robots.bytes);
        assert!(
            text.contains("Sitemap: https://example.com/a%22b%20c/sitemap.xml"),
            "{text}"
        );
    }
}
