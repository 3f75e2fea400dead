//! Word segmentation of the index's text: jieba's search mode without the HMM pass, then
//! elasticlunr-rs's `zh` pipeline (trimmer, no stemmer; the site language's stop words are
//! dropped after, by `Words`), done once per document
//! field, in parallel, before any index is built. The terms are slices of the text (no string
//! per token), and the trimmer decides the common characters (ASCII, CJK Unified Ideographs)
//! without a regex: the terms are exactly those of `elasticlunr::lang::Chinese` followed by
//! the `trimmer-zh` regex pipeline, at a fraction of the cost (tests below compare them).

use std::sync::{LazyLock, OnceLock};

use elasticlunr::lang::common::RegexTrimmer;
use elasticlunr::pipeline::{FnWrapper, Pipeline};

/// Chinese characters, as a regex class's contents (written so that Rust's `regex` and
/// JavaScript's `u` regexes read it alike: `search.js` has the same class, a test checks).
macro_rules! han_chars {
    () => {
        r"\p{Unified_Ideograph}"
    };
}
/// The letters and digits of Latin words, as [`han_chars`].
macro_rules! latin_chars {
    () => {
        r"\p{Script=Latin}\p{Nd}"
    };
}

/// The characters a term may start and end with: Han, Latin letters and decimal digits (the
/// stock `zh` trimmer leaves out digits, so phone numbers, the PIN 1111 or "TW15" could never
/// be found).
const WORD_CHARS: &str = concat!(han_chars!(), latin_chars!());

/// elasticlunr's Chinese language (jieba search-mode segmentation and the `zh` pipeline),
/// with the trimmer of [`WORD_CHARS`]. Segmentation happens once, in parallel, before the
/// index is built ([`FaqChinese::terms`]); the indexes themselves get pre-segmented tokens,
/// so building one loads no dictionary.
pub struct FaqChinese {
    /// The jieba dictionary (~0.1 s and tens of MB), loaded when text is first segmented: a
    /// build whose documents all come from the segmentation cache never loads it.
    jieba: Option<OnceLock<jieba_rs::Jieba>>,
}

impl FaqChinese {
    /// For segmenting text.
    pub fn segmenter() -> Self {
        FaqChinese {
            jieba: Some(OnceLock::new()),
        }
    }

    /// Load the dictionary now (it is otherwise loaded when text is first segmented).
    pub fn preload(&self) {
        if let Some(jieba) = &self.jieba {
            jieba.get_or_init(jieba_rs::Jieba::new);
        }
    }

    /// Without it, for indexes that receive pre-segmented tokens.
    pub(super) fn pre_segmented() -> Self {
        FaqChinese { jieba: None }
    }

    /// The index terms of a normalised text, in order: jieba's search-mode words (no HMM),
    /// trimmed to [`WORD_CHARS`] at both ends, empty ones dropped.
    ///
    /// jieba-rs 0.11's search mode also offers the parts of a word joined by `.`, `_` or `-`
    /// (`wes` of `wes-5.4.5`), which 0.6.8's did not; without the HMM pass a word holds one
    /// of them only if a dictionary word does, and none does, so the words are 0.6.8's (the
    /// tests below compare them with elasticlunr's, which segments with 0.6.8).
    pub fn terms<'t>(&self, text: &'t str) -> Vec<&'t str> {
        let jieba = self
            .jieba
            .as_ref()
            .expect("a segmenter, not a pre-segmented language")
            .get_or_init(jieba_rs::Jieba::new);
        jieba
            .cut_for_search(text, false)
            .into_iter()
            .filter_map(|t| trim(t.word))
            .collect()
    }
}

/// A token without the characters outside [`WORD_CHARS`] at its ends; `None` if nothing is
/// left (what elasticlunr's `RegexTrimmer` does with `^[^W]+|[^W]+$`).
fn trim(token: &str) -> Option<&str> {
    let t = token
        .trim_start_matches(|c| !is_word_char(c))
        .trim_end_matches(|c| !is_word_char(c));
    (!t.is_empty()).then_some(t)
}

/// Whether `c` is in [`WORD_CHARS`]: ASCII decided here (text without any other character never
/// builds the table), the rest of the Basic Multilingual Plane (Chinese and its punctuation,
/// a token of its own after every clause) by a table the regex class filled once, the
/// characters beyond it by the class itself.
fn is_word_char(c: char) -> bool {
    static CLASS: LazyLock<regex::Regex> =
        LazyLock::new(|| regex::Regex::new(&format!("^[{WORD_CHARS}]$")).expect("valid class"));
    /// One bit a character of U+0000–U+FFFF: whether [`CLASS`] matches it.
    static BMP: LazyLock<Vec<u64>> = LazyLock::new(|| {
        let mut bits = vec![0u64; 0x10000 / 64];
        for c in (0..0x10000).filter_map(char::from_u32) {
            if CLASS.is_match(c.encode_utf8(&mut [0; 4])) {
                bits[c as usize / 64] |= 1 << (c as usize % 64);
            }
        }
        bits
    });
    let code = c as usize;
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else if code < 0x10000 {
        BMP[code / 64] & (1 << (code % 64)) != 0
    } else {
        CLASS.is_match(c.encode_utf8(&mut [0; 4]))
    }
}

fn zh_stemmer(token: String) -> Option<String> {
    Some(token)
}

impl elasticlunr::lang::Language for FaqChinese {
    fn name(&self) -> String {
        "Chinese".into()
    }
    fn code(&self) -> String {
        "zh".into()
    }
    fn tokenize(&self, text: &str) -> Vec<String> {
        match &self.jieba {
            Some(_) => self.terms(text).into_iter().map(str::to_string).collect(),
            None => super::split_tokens(text),
        }
    }
    /// What the index records as its pipeline (and runs on the pre-segmented tokens, which
    /// it leaves as they are).
    fn make_pipeline(&self) -> Pipeline {
        Pipeline {
            queue: vec![
                Box::new(RegexTrimmer::new("trimmer-zh", WORD_CHARS)),
                Box::new(FnWrapper("stemmer-zh".into(), zh_stemmer)),
            ],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use elasticlunr::lang::Language;
    use elasticlunr::pipeline::PipelineFn;

    /// The terms as they were made before: elasticlunr's Chinese tokenizer, then the pipeline
    /// of regexes.
    fn reference(text: &str) -> Vec<String> {
        static CHINESE: LazyLock<elasticlunr::lang::Chinese> =
            LazyLock::new(elasticlunr::lang::Chinese::new);
        let tokens = CHINESE.tokenize(text);
        FaqChinese::pre_segmented().make_pipeline().run(
            tokens
                .into_iter()
                .filter(|t| !t.trim().is_empty())
                .collect(),
        )
    }

    #[test]
    fn the_fast_trimmer_decides_every_character_as_the_regex_does() {
        let class = regex::Regex::new(&format!("^[{WORD_CHARS}]$")).unwrap();
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            assert_eq!(is_word_char(c), class.is_match(&c.to_string()), "{c:?}");
        }
        let trimmer = RegexTrimmer::new("t", WORD_CHARS);
        for t in [
            "-",
            "“驱动”",
            "a-b-",
            "（1111）",
            "ⅷ",
            "é。",
            "—",
            "０",
            "𠀀x",
            " x ",
            "ª",
        ] {
            assert_eq!(
                trim(t).map(str::to_string),
                trimmer.filter(t.to_string()),
                "{t:?}"
            );
        }
    }

    /// `search.js` decides what a whole word is (for highlights) and which query words are
    /// Chinese by the index's own classes, not ranges of its own.
    #[test]
    fn search_js_has_the_word_classes_of_the_index() {
        let js = include_str!("../../themes/default/static/search.js");
        for class in [
            concat!("var HAN_CHAR = /[", han_chars!(), "]/u;"),
            concat!("var LATIN_CHAR = /[", latin_chars!(), "]/u;"),
        ] {
            assert!(js.contains(class), "search.js lacks {class}");
        }
    }

    #[test]
    fn terms_are_those_of_elasticlunrs_chinese_and_pipeline() {
        let seg = FaqChinese::segmenter();
        for text in [
            "如何下载并安装数字证书驱动程序？双击驱动程序，按默认设置点击下一步。",
            "usb key的初始口令（pin码）是多少？初始密码为1111。tw15 0574-87304500",
            "wes-5.4.5 a.b_c 100% c++ c# r&d — “引号” ‘单’ 《书名》 ① ⅱ é ß 𠀀𠀁",
            "",
            "   \r\n\t",
        ] {
            assert_eq!(seg.terms(text), reference(text), "{text:?}");
        }
    }

    #[test]
    fn terms_of_the_repos_content_are_those_of_elasticlunr() {
        let seg = FaqChinese::segmenter();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
        let mut files = 0;
        for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
            let entry = entry.unwrap();
            if entry.path().extension().is_some_and(|e| e == "md") {
                let text = super::super::normalize(&std::fs::read_to_string(entry.path()).unwrap());
                assert_eq!(seg.terms(&text), reference(&text), "{:?}", entry.path());
                files += 1;
            }
        }
        assert!(files >= 30, "the repo's questions were read: {files}");
    }
}
