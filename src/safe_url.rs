//! The one check every URL that reaches a page passes, from Markdown (links, images) or from
//! site.toml (footer links, `[[contact]] href`, `base_url`): read as a browser reads it, its
//! scheme, if it has one, must be one a page links to, and it holds no control character.

/// Schemes a link may have (a URL without a scheme is a path on the site).
const LINK_SCHEMES: &[&str] = &["http", "https", "mailto", "tel", "sms"];

/// Why a URL may not reach a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// `javascript:`, `vbscript:` or `data:` (but `data:image/` for an image): it would run
    /// code or show a page of the writer's making.
    Script(&'static str),
    /// Another scheme than [`LINK_SCHEMES`] (a browser plug-in's, an app's…).
    Scheme(String),
    /// A control character (a line break, a tab, NUL…): it could end a line of a generated
    /// file, and a browser drops or keeps it by rules of its own.
    Control,
}

impl Refused {
    /// What is wrong, to follow "URL … was refused: ".
    pub fn reason(&self) -> String {
        match self {
            Refused::Script(s) => format!("{s}: URLs can run scripts"),
            Refused::Scheme(s) => format!(
                "{s}: is not a scheme a page links to ({})",
                LINK_SCHEMES.join(", ")
            ),
            Refused::Control => "it holds a control character (a line break, a tab…)".into(),
        }
    }
}

/// Check `url` (an `<img>` source when `image`, else a link).
pub fn check(url: &str, image: bool) -> Result<(), Refused> {
    // Read as a browser does: leading and trailing spaces and controls dropped, every tab
    // and line break removed, the scheme in any case.
    let read: String = url
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    if let Some(scheme) = scheme(&read) {
        let scheme = scheme.to_ascii_lowercase();
        let data_image = image
            && read
                .get(..11)
                .is_some_and(|s| s.eq_ignore_ascii_case("data:image/"));
        match scheme.as_str() {
            "javascript" => return Err(Refused::Script("javascript")),
            "vbscript" => return Err(Refused::Script("vbscript")),
            "data" if !data_image => return Err(Refused::Script("data")),
            "data" => {}
            s if !LINK_SCHEMES.contains(&s) => return Err(Refused::Scheme(scheme)),
            _ => {}
        }
    }
    if url.chars().any(char::is_control) {
        return Err(Refused::Control);
    }
    Ok(())
}

/// The scheme of a URL (`https` of `https://…`) as the URL standard reads it: a letter, then
/// letters, digits, `+`, `-` or `.`, then `:`. None for a path (`a/b:c`, `../x.md`).
fn scheme(url: &str) -> Option<&str> {
    let (scheme, _) = url.split_once(':')?;
    let mut chars = scheme.chars();
    let first_is_letter = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
    let rest_fits = chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    (first_is_letter && rest_fits).then_some(scheme)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_schemes_are_refused_however_written() {
        let script = |s| Err(Refused::Script(s));
        assert_eq!(check("javascript:alert(1)", false), script("javascript"));
        assert_eq!(check(" \u{1}JaVa\tScRipt:x", false), script("javascript"));
        assert_eq!(check("java\nscript:x", false), script("javascript"));
        assert_eq!(check("VBScript:x", true), script("vbscript"));
        assert_eq!(check("data:text/html,x", false), script("data"));
        assert_eq!(check("data:image/png;base64,x", false), script("data"));
        assert_eq!(check("data:image/png;base64,x", true), Ok(()));
        assert_eq!(check("DATA:Image/png;base64,x", true), Ok(()));
    }

    #[test]
    fn only_link_schemes_and_paths_pass() {
        for ok in [
            "https://a/javascript:",
            "http://a.b/c?d=e#f",
            "mailto:a@b",
            "tel:0574-87304500",
            "javascript.md",
            "../02-drivers/x.md#a",
            "a/b:c",
            "#top",
            "/x",
            "//cdn.example/x",
        ] {
            assert_eq!(check(ok, false), Ok(()), "{ok}");
        }
        assert_eq!(
            check("file:///etc/passwd", false),
            Err(Refused::Scheme("file".into()))
        );
        assert_eq!(
            check("Ms-Settings:x", false),
            Err(Refused::Scheme("ms-settings".into()))
        );
    }

    #[test]
    fn control_characters_are_refused() {
        assert_eq!(
            check("https://a.b/\nDisallow: /", false),
            Err(Refused::Control)
        );
        assert_eq!(check("https://a.b/\u{0}", false), Err(Refused::Control));
        assert_eq!(check("x\u{7f}.md", false), Err(Refused::Control));
        assert_eq!(check("x\u{85}.md", false), Err(Refused::Control));
    }
}
