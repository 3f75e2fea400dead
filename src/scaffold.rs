//! `faqsite new question|chapter` and `faqsite init`: files a writer would otherwise copy by
//! hand, with the next weight and an ASCII file name made from the Chinese title (pinyin).

use std::path::{Path, PathBuf};

use crate::content::{CONTENT_DIR, INDEX_FILE};
use crate::error::{Diagnostic, Error, Result};
use crate::slug::slug;

/// `base`, or `base-2`, `base-3` … whichever does not exist yet (with `ext` appended).
fn free_name(dir: &Path, base: &str, ext: &str) -> PathBuf {
    let mut n = 1;
    loop {
        let name = if n == 1 {
            format!("{base}{ext}")
        } else {
            format!("{base}-{n}{ext}")
        };
        let p = dir.join(name);
        if !p.exists() {
            return p;
        }
        n += 1;
    }
}

/// The largest `weight = N` among the front matters of `files`.
pub(crate) fn max_weight(files: impl Iterator<Item = PathBuf>) -> i64 {
    files
        .filter_map(|f| std::fs::read_to_string(f).ok())
        .filter_map(|t| {
            // Only the front matter: the lines between the first two +++ lines.
            t.lines()
                .skip(1)
                .take_while(|l| l.trim() != "+++")
                .find_map(|l| {
                    l.trim()
                        .strip_prefix("weight")
                        .and_then(|r| r.trim().strip_prefix('='))
                        .and_then(|v| v.trim().parse::<i64>().ok())
                })
        })
        .max()
        .unwrap_or(0)
}

pub(crate) fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

pub(crate) fn write_new(path: &Path, text: &str) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Error::io("creating", dir, e))?;
    }
    std::fs::write(path, text).map_err(|e| Error::io("writing", path, e))
}

/// `root` must hold a site (its `site.toml`) before `new` writes into it.
fn require_site(root: &Path) -> Result<()> {
    if root.join(crate::config::CONFIG_FILE).is_file() {
        return Ok(());
    }
    Err(Error::one(
        Diagnostic::new(root, 0, "no site here (no site.toml in this folder)").hint(format!(
            "run it in the site's folder, pass --root DIR, or create a site with: faqsite init {}",
            root.display()
        )),
    ))
}

/// Write a new question into `content/<chapter>/`; returns its path.
pub fn new_question(root: &Path, chapter: &str, title: &str) -> Result<PathBuf> {
    require_site(root)?;
    let content = root.join(CONTENT_DIR);
    let dir = content.join(chapter);
    if !dir.join(INDEX_FILE).is_file() {
        let mut chapters: Vec<String> = std::fs::read_dir(&content)
            .map(|rd| {
                rd.flatten()
                    .filter(|e| e.path().join(INDEX_FILE).is_file())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        chapters.sort();
        return Err(Error::one(
            Diagnostic::new(&dir, 0, format!("no chapter {chapter:?}"))
                .hint(format!("use one of: {}", chapters.join(", "))),
        ));
    }
    let md_files = std::fs::read_dir(&dir)
        .map_err(|e| Error::io("reading", &dir, e))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "md") && !p.ends_with(INDEX_FILE));
    let weight = max_weight(md_files) + 10;
    let path = free_name(&dir, &slug(title, 60), ".md");
    write_new(
        &path,
        &format!(
            "+++\ntitle = {}\nweight = {weight}\ntags = []\n+++\n\n",
            toml_string(title)
        ),
    )?;
    Ok(path)
}

/// Write a new chapter folder `content/NN-<slug>/_index.md`; returns the folder.
pub fn new_chapter(root: &Path, title: &str) -> Result<PathBuf> {
    require_site(root)?;
    let content = root.join(CONTENT_DIR);
    let indexes: Vec<PathBuf> = std::fs::read_dir(&content)
        .map_err(|e| Error::io("reading", &content, e))?
        .flatten()
        .map(|e| e.path().join(INDEX_FILE))
        .filter(|p| p.is_file())
        .collect();
    let weight = max_weight(indexes.clone().into_iter()) + 10;
    let dir = free_name(
        &content,
        &format!("{:02}-{}", indexes.len() + 1, slug(title, 40)),
        "",
    );
    write_new(
        &dir.join(INDEX_FILE),
        &format!(
            "+++\ntitle = {}\nweight = {weight}\ndescription = \"\"\n+++\n",
            toml_string(title)
        ),
    )?;
    Ok(dir)
}

/// Write the translation into `lang` of a question (`of`, its file name) or, without `of`, of
/// chapter `chapter`'s intro, beside its original (`q.en.md` next to `q.md`) with the
/// original's weight; returns its path. `lang` must be one of the site's `[languages]`.
pub fn new_translation(
    root: &Path,
    chapter: &str,
    of: Option<&str>,
    (lang, title): (&str, &str),
) -> Result<PathBuf> {
    require_site(root)?;
    let config = crate::config::Config::load(root)?;
    if !config.other_languages().contains(&lang) {
        let site_toml = root.join(crate::config::CONFIG_FILE);
        return Err(Error::one(
            Diagnostic::new(
                site_toml,
                0,
                format!("{lang:?} is not one of this site's languages"),
            )
            .hint(format!(
                "add a [languages.{lang}] table with its title to site.toml"
            )),
        ));
    }
    let dir = root.join(CONTENT_DIR).join(chapter);
    let stem = of.map_or("_index", |q| q.trim_end_matches(".md"));
    let original = dir.join(format!("{stem}.md"));
    if !original.is_file() {
        return Err(Error::one(
            Diagnostic::new(&original, 0, "no such original to translate")
                .hint("name the chapter folder (--chapter) and the question's file (--of) as they are under content/"),
        ));
    }
    let path = dir.join(format!("{stem}.{lang}.md"));
    if path.exists() {
        return Err(Error::one(
            Diagnostic::new(&path, 0, "this translation already exists").hint("edit it instead"),
        ));
    }
    let weight = max_weight(std::iter::once(original));
    let tags = if of.is_some() { "tags = []\n" } else { "" };
    write_new(
        &path,
        &format!(
            "+++\ntitle = {}\nweight = {weight}\n{tags}+++\n\n",
            toml_string(title)
        ),
    )?;
    Ok(path)
}

/// `init` writes only into a new or empty folder, never among a writer's other files.
fn refuse_non_empty(dir: &Path) -> Result<()> {
    let has_files = std::fs::read_dir(dir).is_ok_and(|mut rd| rd.next().is_some());
    if has_files {
        return Err(Error::one(
            Diagnostic::new(dir, 0, "the folder is not empty").hint(format!(
                "choose an empty or new folder for the site, e.g. faqsite init {}",
                dir.join("faq").display()
            )),
        ));
    }
    Ok(())
}

/// The files of a new site in one language: `site.toml`, the home page and a sample chapter
/// with one question. Chinese for `zh*`, English words otherwise (with the given `language`).
pub struct Defaults {
    pub site_toml: String,
    pub home: &'static str,
    pub chapter: &'static str,
    pub question: &'static str,
}

/// Whether `language` (a site.toml `language` such as `zh-CN`, `en`, `en-GB`) is Chinese.
pub fn is_chinese(language: &str) -> bool {
    language.to_ascii_lowercase().starts_with("zh")
}

/// The defaults `init` writes for `language`.
pub fn defaults(language: &str) -> Defaults {
    let lang = toml_string(language);
    if is_chinese(language) {
        return Defaults {
            site_toml: format!(
                "title = \"常见问题\"\ndescription = \"常见问题解答\"\nlanguage = {lang}\n\n\
                 [search]\nexamples = [\"如何开始\"]\ncontact_words = [\"客服\", \"联系\", \"电话\"]\n\n\
                 [[contact]]\nlabel = \"客服电话\"\nvalue = \"400-000-0000\"\n"
            ),
            home: "+++\ntitle = \"常见问题\"\n+++\n\n欢迎使用帮助中心。\n",
            chapter: "+++\ntitle = \"入门\"\nweight = 10\ndescription = \"第一次使用前请阅读。\"\n+++\n",
            question: "+++\ntitle = \"如何开始？\"\nweight = 10\ntags = [\"入门\"]\n+++\n\n在 `content/` 下按章节添加 Markdown 文件，然后运行 `faqsite build`。\n",
        };
    }
    Defaults {
        site_toml: format!(
            "title = \"Help center\"\ndescription = \"Answers to frequently asked questions\"\n\
             language = {lang}\n\n[search]\nexamples = [\"getting started\"]\n\
             contact_words = [\"contact\", \"support\", \"phone\", \"email\"]\n\n\
             [[contact]]\nlabel = \"Support\"\nvalue = \"support@example.com\"\n\
             href = \"mailto:support@example.com\"\n"
        ),
        home: "+++\ntitle = \"Help center\"\n+++\n\nWelcome to the help center.\n",
        chapter: "+++\ntitle = \"Getting started\"\nweight = 10\ndescription = \"Read this before you start.\"\n+++\n",
        question: "+++\ntitle = \"How do I start?\"\nweight = 10\ntags = [\"getting started\"]\n+++\n\nAdd Markdown files under `content/`, one folder per chapter, then run `faqsite build`.\n",
    }
}

/// Write a minimal working site into `dir` (which must not hold a site already), its words
/// in `language` (Chinese for `zh*`, English otherwise).
pub fn init(dir: &Path, language: &str) -> Result<()> {
    if dir.join(crate::config::CONFIG_FILE).exists() {
        return Err(Error::one(
            Diagnostic::new(
                dir.join(crate::config::CONFIG_FILE),
                0,
                "a site already exists here",
            )
            .hint("choose an empty folder for the new site"),
        ));
    }
    refuse_non_empty(dir)?;
    let d = defaults(language);
    let files = [
        ("site.toml", d.site_toml.as_str()),
        ("content/_index.md", d.home),
        ("content/01-getting-started/_index.md", d.chapter),
        ("content/01-getting-started/first-question.md", d.question),
        (".gitignore", "public/\n.faqsite-cache/\n"),
    ];
    for (rel, text) in files {
        write_new(&dir.join(rel), text)?;
    }
    std::fs::create_dir_all(dir.join("images")).map_err(|e| Error::io("creating", dir, e))?;
    Ok(())
}

/// [`init`] a site in `language` translated into `others` (`en`): a `[languages.<code>]`
/// table each, and the sample pages' translations beside them in that language's words.
pub fn init_translated(dir: &Path, language: &str, others: &[String]) -> Result<()> {
    init(dir, language)?;
    let mut site_toml = defaults(language).site_toml;
    for code in others.iter().filter(|c| c.as_str() != language) {
        let d = defaults(code);
        let words: toml::Table = toml::from_str(&d.site_toml).expect("the defaults parse");
        let word = |key: &str| words[key].as_str().unwrap_or_default().to_string();
        site_toml.push_str(&format!(
            "\n[languages.{code}]\ntitle = {}\ndescription = {}\n",
            toml_string(&word("title")),
            toml_string(&word("description"))
        ));
        let files = [
            (format!("content/_index.{code}.md"), d.home),
            (
                format!("content/01-getting-started/_index.{code}.md"),
                d.chapter,
            ),
            (
                format!("content/01-getting-started/first-question.{code}.md"),
                d.question,
            ),
        ];
        for (rel, text) in files {
            write_new(&dir.join(rel), text)?;
        }
    }
    write_new(&dir.join("site.toml"), &site_toml)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_question_gets_next_weight_and_a_free_name() {
        let dir = tempfile::tempdir().unwrap();
        init(dir.path(), "zh-CN").unwrap();
        let a = new_question(dir.path(), "01-getting-started", "如何安装驱动？").unwrap();
        let b = new_question(dir.path(), "01-getting-started", "如何安装驱动？").unwrap();
        assert!(a.ends_with("ru-he-an-zhuang-qu-dong.md"));
        assert!(b.ends_with("ru-he-an-zhuang-qu-dong-2.md"));
        assert!(std::fs::read_to_string(&a).unwrap().contains("weight = 20"));
        assert!(std::fs::read_to_string(&b).unwrap().contains("weight = 30"));
        assert!(new_question(dir.path(), "99-nope", "x")
            .unwrap_err()
            .to_string()
            .contains("01-getting-started"));
    }
}

#[cfg(test)]
mod language_tests {
    use super::*;

    #[test]
    fn a_two_language_site_and_a_translation_beside_its_original() {
        let dir = tempfile::tempdir().unwrap();
        init_translated(dir.path(), "zh-CN", &["en".into()]).unwrap();
        let config = crate::config::Config::load(dir.path()).unwrap();
        assert_eq!(config.other_languages(), ["en"]);
        assert_eq!(config.for_language("en").title, "Help center");
        let q = dir
            .path()
            .join("content/01-getting-started/first-question.en.md");
        assert!(std::fs::read_to_string(q)
            .unwrap()
            .contains("How do I start?"));
        let zh = new_question(dir.path(), "01-getting-started", "如何续期？").unwrap();
        let stem = zh.file_stem().unwrap().to_str().unwrap().to_string();
        let en = new_translation(
            dir.path(),
            "01-getting-started",
            Some(&stem),
            ("en", "How do I renew?"),
        )
        .unwrap();
        assert_eq!(en, zh.with_file_name(format!("{stem}.en.md")));
        let text = std::fs::read_to_string(&en).unwrap();
        assert!(
            text.contains("How do I renew?") && text.contains("weight = 20"),
            "{text}"
        );
        assert!(
            new_translation(dir.path(), "01-getting-started", Some(&stem), ("en", "x")).is_err(),
            "not twice"
        );
        let fr = new_translation(dir.path(), "01-getting-started", Some(&stem), ("fr", "x"));
        assert!(fr.unwrap_err().to_string().contains("[languages.fr]"));
    }

    #[test]
    fn init_in_english_writes_english_words() {
        let dir = tempfile::tempdir().unwrap();
        init(dir.path(), "en").unwrap();
        let toml = std::fs::read_to_string(dir.path().join("site.toml")).unwrap();
        assert!(
            toml.contains("language = \"en\"") && toml.contains("Help center"),
            "{toml}"
        );
        let config: crate::config::Config = toml::from_str(&toml).unwrap();
        assert_eq!(config.search.examples, ["getting started"]);
        for f in [
            "content/_index.md",
            "content/01-getting-started/first-question.md",
        ] {
            let text = std::fs::read_to_string(dir.path().join(f)).unwrap();
            assert!(
                !text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{f}: {text}"
            );
        }
    }
}
