//! `[languages.<code>]` of site.toml: the other languages a site is translated into, each with
//! its own title, description, contact entries, search words, print cover and UI words, and
//! [`Config::for_language`], the site's configuration as one language's build sees it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Config, Contact, PrintConfig};
use crate::error::Diagnostic;

/// One `[languages.<code>]` table. Keys left out keep the site's value where it is not words
/// of the default language (`contact`, the print paper); words (`title`, search words, the
/// cover's lines) are the language's own or empty.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct LanguageConfig {
    /// What the language switcher shows (`English`); a known code's own name when empty.
    pub name: String,
    pub title: String,
    pub description: String,
    /// `[[languages.en.contact]]`; the site's `[[contact]]` when left out.
    pub contact: Option<Vec<Contact>>,
    pub search: LanguageSearch,
    pub print: LanguagePrint,
    /// The theme's UI words this language changes (as `[strings]` does for the default one).
    pub strings: BTreeMap<String, String>,
}

/// `[languages.<code>.search]`: the language's own search words.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct LanguageSearch {
    pub synonyms: Vec<Vec<String>>,
    pub examples: Vec<String>,
    pub contact_words: Vec<String>,
}

/// `[languages.<code>.print]`: the manual's cover in the language (`paper` and `pdf` are the
/// site's unless given).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct LanguagePrint {
    pub title: String,
    pub subtitle: String,
    pub edition: String,
    pub date: String,
    pub paper: Option<String>,
}

/// What a page without a translation becomes in that language (`[languages] untranslated`…
/// is spelled `untranslated = "omit"` at the top level).
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Untranslated {
    /// Left out of that language's pages, navigation and search.
    #[default]
    Omit,
    /// Shown in that language's site with the original's text.
    Original,
}

/// The names of some languages in themselves, for the switcher.
const NAMES: &[(&str, &str)] = &[
    ("zh-TW", "繁體中文"),
    ("zh-HK", "繁體中文"),
    ("zh", "中文"),
    ("en", "English"),
    ("ja", "日本語"),
    ("ko", "한국어"),
    ("fr", "Français"),
    ("de", "Deutsch"),
    ("es", "Español"),
    ("ru", "Русский"),
    ("pt", "Português"),
    ("it", "Italiano"),
    ("vi", "Tiếng Việt"),
];

/// The name of `code` in itself (`zh-CN` → 中文), or the code.
pub fn native_name(code: &str) -> String {
    let lower = code.to_ascii_lowercase();
    NAMES
        .iter()
        .find(|(c, _)| lower == c.to_ascii_lowercase())
        .or_else(|| {
            let primary = lower.split(['-', '_']).next().unwrap_or("");
            NAMES.iter().find(|(c, _)| *c == primary)
        })
        .map_or_else(|| code.to_string(), |(_, n)| n.to_string())
}

impl Config {
    /// The codes of the languages other than the site's default one, in name order (empty: a
    /// site in one language).
    pub fn other_languages(&self) -> Vec<&str> {
        self.languages
            .keys()
            .map(String::as_str)
            .filter(|c| *c != self.language)
            .collect()
    }

    /// Whether the site is in several languages: `[languages]` names one besides the site's
    /// default (whichever language this configuration is for).
    pub fn in_several_languages(&self) -> bool {
        self.languages.keys().any(|c| *c != self.site_language())
    }

    /// The switcher's name of language `code`.
    pub fn language_name(&self, code: &str) -> String {
        match self.languages.get(code) {
            Some(l) if !l.name.is_empty() => l.name.clone(),
            _ => native_name(code),
        }
    }

    /// The configuration one language's build sees: the site's own for its default language,
    /// else with `[languages.<code>]`'s words.
    pub fn for_language(&self, code: &str) -> Config {
        let mut c = self.clone();
        let Some(l) = self.languages.get(code).filter(|_| code != self.language) else {
            return c;
        };
        c.language = code.to_string();
        // Its pages' canonical URLs are under its folder.
        if let Some(base) = self.base_url_trimmed() {
            c.base_url = Some(format!("{base}/{code}/"));
        }
        if !l.title.is_empty() {
            c.title = l.title.clone();
        }
        c.description = l.description.clone();
        if let Some(contact) = &l.contact {
            c.contact = contact.clone();
        }
        c.search.synonyms = l.search.synonyms.clone();
        c.search.examples = l.search.examples.clone();
        c.search.contact_words = l.search.contact_words.clone();
        c.search.contacts = c.contact.clone();
        c.search.language = c.language.clone();
        c.print = PrintConfig {
            title: l.print.title.clone(),
            subtitle: l.print.subtitle.clone(),
            edition: l.print.edition.clone(),
            date: l.print.date.clone(),
            paper: l.print.paper.clone().unwrap_or(self.print.paper.clone()),
            pdf: self.print.pdf,
        };
        c.strings = l.strings.clone();
        c
    }

    /// Problems of `[languages]`: a code that is no language tag.
    pub(super) fn language_problems(&self, path: &std::path::Path) -> Vec<Diagnostic> {
        let line = |code: &str| self.lines.line(&format!("languages.{code}"));
        let mut found = self.language_contact_problems(path);
        found.extend(self.languages
            .keys()
            .filter(|code| !is_language_tag(code))
            .map(|code| {
                Diagnostic::new(path, line(code), format!("`[languages.{code}]`: {code:?} is not a language code"))
                    .hint("name the table by the language's code, like [languages.en] or [languages.zh-TW]")
            }));
        found
    }

    /// A language's `[[contact]] href` passes the same check as the site's (`safe_url`).
    fn language_contact_problems(&self, path: &std::path::Path) -> Vec<Diagnostic> {
        let mut found = Vec::new();
        for (code, l) in &self.languages {
            for (i, c) in l.contact.iter().flatten().enumerate() {
                let key = format!("languages.{code}.contact.{i}.href");
                if c.href.is_empty() {
                    continue;
                }
                if let Err(refused) = crate::safe_url::check(&c.href, false) {
                    found.push(
                        Diagnostic::new(path, self.lines.line(&key), format!("a `[[languages.{code}.contact]] href` {:?} is refused: {}", c.href, refused.reason()))
                            .hint("link to a web address (https://…), an e-mail (mailto:…) or a phone number (tel:…)"),
                    );
                }
            }
        }
        found
    }
}

/// A BCP 47-like tag: letters, then parts of letters and digits after `-` (`en`, `zh-TW`).
fn is_language_tag(code: &str) -> bool {
    let mut parts = code.split('-');
    let first = parts.next().unwrap_or("");
    (2..=3).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_language_gets_its_own_words_and_keeps_the_rest() {
        let text = r#"
title = "帮助中心"
language = "zh-CN"
footer = ["ICP 0001"]
[search]
synonyms = [["U盾", "UKey"]]
[print]
title = "手册"
paper = "A5"
[[contact]]
label = "电话"
value = "0574-1"
[languages.en]
title = "Help center"
[languages.en.search]
synonyms = [["token", "key"]]
"#;
        let c = Config::parse(text, std::path::Path::new("site.toml")).unwrap();
        assert_eq!(c.other_languages(), ["en"]);
        let en = c.for_language("en");
        // Each language's configuration knows the site is in several.
        assert!(c.in_several_languages() && en.in_several_languages());
        let own = Config::parse("title = \"t\"\n[languages.zh-CN]\n", "site.toml".as_ref());
        assert!(!own.unwrap().in_several_languages());
        assert_eq!(
            (en.title.as_str(), en.language.as_str()),
            ("Help center", "en")
        );
        assert_eq!(en.search.synonyms, [["token", "key"]]);
        assert_eq!(en.search.language, "en");
        assert_eq!(
            (en.print.title.as_str(), en.print.paper.as_str()),
            ("", "A5")
        );
        assert_eq!(en.contact, c.contact);
        assert_eq!(en.footer, c.footer);
        assert_eq!(c.language_name("en"), "English");
        assert_eq!(c.language_name("zh-CN"), "中文");
        let zh = c.for_language("zh-CN");
        assert_eq!(zh.title, "帮助中心");
    }

    #[test]
    fn a_table_not_named_by_a_language_code_is_an_error() {
        let text = "title = \"x\"\n[languages.english]\ntitle = \"y\"\n";
        let e = Config::parse(text, std::path::Path::new("site.toml")).unwrap_err();
        assert!(e.to_string().contains("not a language code"), "{e}");
        assert!(is_language_tag("zh-TW") && is_language_tag("en") && !is_language_tag("../x"));
        let text = "title = \"x\"\n[languages.en]\n[[languages.en.contact]]\nlabel = \"a\"\nvalue = \"b\"\nhref = \"javascript:alert(1)\"\n";
        let e = Config::parse(text, std::path::Path::new("site.toml")).unwrap_err();
        assert!(e.to_string().contains("is refused"), "{e}");
    }
}
