//! The theme's UI words (ARCHITECTURE.md, "Template context": `t`): the strings file of the
//! site's `language` (`strings/<language>.toml` of the theme, else the built-in default
//! theme's, else English), overridden key by key by the site's own `strings/<language>.toml`
//! and then by the `[strings]` table of site.toml; and the `fill` filter that puts values into
//! their `{name}` places.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use crate::config::{Config, CONFIG_FILE};
use crate::error::{line_col, Diagnostic, Error, Result};

/// UI string key → text.
pub type Strings = BTreeMap<String, String>;

/// The language used when the site's has no strings file.
const FALLBACK_LANGUAGE: &str = "en";

/// The strings for `config.language`, and a warning for each string of an earlier version the
/// site still sets ([`REMOVED`]). `theme` holds the theme's files by path (`strings/en.toml`
/// …); `builtin` the default theme's, used when the theme has no strings of its own.
pub fn load(
    theme: &BTreeMap<String, (PathBuf, Vec<u8>)>,
    builtin: &[(&str, &[u8])],
    root: &Path,
    config: &Config,
) -> Result<(Strings, Vec<Diagnostic>)> {
    let own: Vec<(&str, &Path, &[u8])> = theme
        .iter()
        .filter(|(rel, _)| rel.starts_with("strings/"))
        .map(|(rel, (shown, bytes))| (rel.as_str(), shown.as_path(), bytes.as_slice()))
        .collect();
    let builtin: Vec<(&str, &Path, &[u8])> = builtin
        .iter()
        .filter(|(rel, _)| rel.starts_with("strings/"))
        .map(|&(rel, bytes)| (rel, Path::new("<built-in default theme>"), bytes))
        .collect();
    let files = if own.is_empty() { builtin } else { own };
    let mut warnings = Vec::new();
    let mut strings = match pick(&files, &config.language) {
        Some((_, shown, bytes)) => {
            let mut strings = parse(shown, bytes)?;
            let text = String::from_utf8_lossy(bytes);
            warnings.extend(removed(&mut strings, shown, &|key| line_in(&text, key)));
            strings
        }
        None => Strings::new(),
    };
    let site_file = root
        .join("strings")
        .join(format!("{}.toml", config.language));
    // Never read through a symbolic link out of the site (README, "Safety").
    if let Ok(root_canon) = root.canonicalize() {
        let outside: Vec<Diagnostic> = [root.join("strings"), site_file.clone()]
            .iter()
            .filter_map(|p| crate::paths::outside_link(p, &root_canon))
            .map(|o| crate::content::outside_link_error(&o))
            .collect();
        if !outside.is_empty() {
            return Err(Error::Input(outside));
        }
    }
    if site_file.is_file() {
        let bytes = crate::paths::read_site_text(root, &site_file)
            .map_err(|e| Error::io("reading", &site_file, e))?
            .into_bytes();
        let shown = crate::content::display_path(&site_file, root);
        let mut site = parse(&shown, &bytes)?;
        let text = String::from_utf8_lossy(&bytes);
        warnings.extend(removed(&mut site, &shown, &|key| line_in(&text, key)));
        merge(&mut strings, site, &shown, &text)?;
    }
    let toml_path = root.join(CONFIG_FILE);
    let toml_text = crate::paths::read_site_text(root, &toml_path).unwrap_or_default();
    let mut site_toml = config.strings.clone();
    let toml_line = |key: &str| match config.lines.line(&format!("strings.{key}")) {
        0 => config
            .lines
            .line(&format!("languages.{}.strings.{key}", config.language)),
        line => line,
    };
    warnings.extend(removed(&mut site_toml, &toml_path, &toml_line));
    merge(&mut strings, site_toml, &toml_path, &toml_text)?;
    Ok((strings, warnings))
}

/// UI strings of earlier versions that a site may still set: each key, and what to write now.
const REMOVED: &[(&str, &str)] = &[(
    "search_count_one",
    "delete it and write both forms in `search_count`, the singular first: \
     search_count = \"{n} question found|{n} questions found\"",
)];

/// Takes the strings of [`REMOVED`] out of `strings` (read from `file`), a warning for each at
/// its line (`line_of`): a site that set one still builds, and learns what to write instead.
fn removed(strings: &mut Strings, file: &Path, line_of: &dyn Fn(&str) -> usize) -> Vec<Diagnostic> {
    REMOVED
        .iter()
        .filter(|(key, _)| strings.remove(*key).is_some())
        .map(|(key, hint)| {
            Diagnostic::new(
                file,
                line_of(key),
                format!("UI string `{key}` is no longer used"),
            )
            .hint(*hint)
            .warning()
        })
        .collect()
}

/// The line of `text` (a strings file or site.toml) that sets `key`; 0 when none does.
fn line_in(text: &str, key: &str) -> usize {
    text.lines()
        .position(|l| l.trim_start().starts_with(key))
        .map_or(0, |i| i + 1)
}

/// The strings file for `language`: the same name, else the same primary language (`zh-TW`
/// → `zh-CN.toml`), else English.
fn pick<'f>(
    files: &'f [(&'f str, &'f Path, &'f [u8])],
    language: &str,
) -> Option<&'f (&'f str, &'f Path, &'f [u8])> {
    let lang = |rel: &str| {
        rel.trim_start_matches("strings/")
            .trim_end_matches(".toml")
            .to_ascii_lowercase()
    };
    let wanted = language.to_ascii_lowercase();
    let primary = |l: &str| l.split(['-', '_']).next().unwrap_or("").to_string();
    files
        .iter()
        .find(|f| lang(f.0) == wanted)
        .or_else(|| {
            files
                .iter()
                .find(|f| primary(&lang(f.0)) == primary(&wanted))
        })
        .or_else(|| files.iter().find(|f| lang(f.0) == FALLBACK_LANGUAGE))
}

fn parse(shown: &Path, bytes: &[u8]) -> Result<Strings> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| Error::one(Diagnostic::new(shown, 0, "strings file is not UTF-8 text")))?;
    toml::from_str(text).map_err(|e| {
        let line = e.span().map_or(0, |s| line_col(text, s.start).0);
        Error::one(
            Diagnostic::new(shown, line, format!("strings file: {}", e.message()))
                .hint("a strings file is lines of `key = \"text\"`"),
        )
    })
}

/// `over` into `strings`; a key the theme does not have is an error at its line of `file`.
fn merge(strings: &mut Strings, over: Strings, file: &Path, text: &str) -> Result<()> {
    let mut errors = Vec::new();
    for (key, value) in over {
        if strings.is_empty() || strings.contains_key(&key) {
            strings.insert(key, value);
            continue;
        }
        let line = line_in(text, &key);
        let known: Vec<&str> = strings.keys().map(String::as_str).collect();
        errors.push(
            Diagnostic::new(file, line, format!("unknown UI string `{key}`"))
                .hint(format!("the theme's strings are: {}", known.join(", "))),
        );
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::Input(errors))
    }
}

/// `text` with `value` in its `{name}` places (what `fill` does in a template).
pub fn fill_one(text: &str, name: &str, value: &str) -> String {
    text.replace(&format!("{{{name}}}"), value)
}

/// The form of a string with plural forms for the number `n`: `"{n} question|{n} questions"`
/// gives the first form for 1 and the last for any other number (English and the languages
/// that count like it; a language with one form, such as Chinese, writes no `|`). Without a
/// number, or without `|`, the text is the one form.
pub fn plural_form(text: &str, n: Option<f64>) -> &str {
    match (n, text.split_once('|')) {
        (Some(1.0), Some((one, _))) => one,
        (Some(_), Some(_)) => text.rsplit('|').next().unwrap_or(text),
        _ => text,
    }
}

/// Tera filter `fill`: `{{ t.count | fill(n=3) }}` puts each argument into its `{name}`; with
/// a number `n`, a string of plural forms gives the form for it first ([`plural_form`]).
pub fn fill(value: &tera::Value, args: &HashMap<String, tera::Value>) -> tera::Result<tera::Value> {
    let text = tera::from_value::<String>(value.clone())?;
    let n = args.get("n").and_then(tera::Value::as_f64);
    let mut text = plural_form(&text, n).to_string();
    for (name, arg) in args {
        let arg = match arg {
            tera::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        text = fill_one(&text, name, &arg);
    }
    Ok(tera::Value::String(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_number_picks_its_plural_form() {
        let t = "…{n} more question before|…{n} more questions before";
        let fill_n = |text: &str, n: i64| {
            let args = HashMap::from([("n".to_string(), tera::Value::from(n))]);
            fill(&tera::Value::from(text), &args).unwrap()
        };
        assert_eq!(fill_n(t, 1), "…1 more question before");
        assert_eq!(fill_n(t, 2), "…2 more questions before");
        assert_eq!(fill_n(t, 0), "…0 more questions before");
        assert_eq!(fill_n("前面另有 {n} 个问题", 1), "前面另有 1 个问题");
        assert_eq!(
            plural_form("a|b", None),
            "a|b",
            "no number: the text as it is"
        );
    }

    #[test]
    fn picks_the_language_then_its_primary_then_english() {
        let files: Vec<(&str, &Path, &[u8])> = vec![
            ("strings/en.toml", Path::new("x"), b"a = \"en\""),
            ("strings/zh-CN.toml", Path::new("x"), b"a = \"zh\""),
        ];
        assert_eq!(pick(&files, "zh-CN").unwrap().0, "strings/zh-CN.toml");
        assert_eq!(pick(&files, "zh-TW").unwrap().0, "strings/zh-CN.toml");
        assert_eq!(pick(&files, "fr").unwrap().0, "strings/en.toml");
    }
}
