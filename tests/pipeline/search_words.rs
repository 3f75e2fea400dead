//! The search index in the customer's words: front-matter keywords, `[search]` synonyms and
//! the pinyin map, as the built `search-index.js` carries them to `search.js`.

use crate::common::*;

/// The basic fixture with keywords on its first question and a synonym group; built.
fn built() -> (tempfile::TempDir, serde_json::Value, String) {
    let (tmp, site) = fixture("basic");
    let first = site.join("content/01-basics/first.md");
    let text = read(&first).replace(
        "tags = [\"驱动\", \"install\"]\n",
        "tags = [\"驱动\", \"install\"]\nkeywords = [\"装不上软件\", \"客户端\"]\n",
    );
    std::fs::write(&first, text).unwrap();
    let toml = read(&site.join("site.toml"))
        + "\n[search]\nsynonyms = [[\"驱动\", \"客户端\", \"控件\"]]\nexamples = [\"安装\"]\n";
    std::fs::write(site.join("site.toml"), toml).unwrap();
    let out = tmp.path().join("public");
    build(&site, &out);
    let index = search_index(&out);
    let page = read(&out.join("01-basics/first.html"));
    (tmp, index, page)
}

/// Whether `term` has documents in `field` of the index.
fn has_term(index: &serde_json::Value, field: &str, term: &str) -> bool {
    let mut node = &index["index"]["index"][field]["root"];
    for c in term.chars() {
        node = &node[c.to_string()];
    }
    node["docs"].as_object().is_some_and(|d| !d.is_empty())
}

#[test]
fn keywords_are_indexed_with_the_title_boost_and_shown_nowhere() {
    let (_tmp, index, page) = built();
    assert!(
        has_term(&index, "keywords", "软件"),
        "keyword terms indexed"
    );
    let fields = &index["options"]["fields"];
    assert_eq!(fields["keywords"], fields["title"]);
    assert!(
        !page.contains("装不上软件"),
        "keywords are not shown on the page"
    );
}

#[test]
fn synonym_groups_are_indexed_and_handed_to_the_client() {
    let (_tmp, index, _) = built();
    let groups = &index["options"]["synonyms"];
    assert_eq!(groups[0]["term"], "0驱动");
    assert_eq!(groups[0]["words"][2], "控件");
    for field in ["title", "tags", "keywords"] {
        assert!(has_term(&index, field, "0驱动"), "group term in {field}");
    }
    assert_eq!(index["options"]["examples"][0], "安装");
    assert!(index["options"]["stop_words"].as_array().unwrap().len() >= 2);
}

#[test]
fn the_pinyin_map_holds_the_index_own_terms() {
    let (_tmp, index, _) = built();
    let pinyin = index["pinyin"].as_object().unwrap();
    assert_eq!(pinyin["qudong"][0], "驱动");
    assert_eq!(pinyin["anzhuang"][0], "安装");
    // Only the index's terms: a word the site never uses has no key.
    assert!(!pinyin.contains_key("heimingdan"));
}

/// An inline icon reads as its alt text in brackets in the search text (and so in snippets):
/// no hole ("出现图标或；") where it stood, and not read as words of the sentence; Markdown and
/// raw `<img>` alike.
#[test]
fn an_inline_image_reads_as_its_alt_text_in_the_search_text() {
    let (tmp, site) = fixture("basic");
    let first = site.join("content/01-basics/first.md");
    let text = read(&first).replace(
        "![托盘图标](../../images/icon.png)\n",
        "右下角出现图标![绿色盾牌](../../images/icon.png)或<img src=\"../../images/icon.png\" alt=\"灰色盾牌\">；即已启动。\n",
    );
    std::fs::write(&first, text).unwrap();
    let out = tmp.path().join("public");
    build(&site, &out);
    let index: serde_json::Value = search_index(&out);
    let body = index["docs"]
        .as_object()
        .unwrap()
        .values()
        .find(|d| d["title"] == "如何安装驱动？")
        .unwrap()["body"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        body.contains("出现图标[绿色盾牌]或[灰色盾牌]；即已启动"),
        "alt text where the icons stood: {body}"
    );
    assert!(has_term(&index, "body", "盾牌"), "alt text is indexed");
}

/// An English site (`language = "en"`) gets English stop and question words, not Chinese ones:
/// its stop words are not indexed, its question words weigh little.
#[test]
fn an_english_site_gets_english_stop_and_question_words() {
    let (tmp, site) = fixture("english");
    let out = tmp.path().join("public");
    build(&site, &out);
    let index: serde_json::Value = search_index(&out);
    let o = &index["options"];
    assert_eq!(o["language"], "en");
    let stop: Vec<&str> = o["stop_words"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect();
    assert!(stop.contains(&"the") && !stop.contains(&"的"), "{stop:?}");
    assert!(o["weak_words"]["how"].as_f64().unwrap() < 1.0);
    assert!(o["weak_words"].get("怎么办").is_none());
    for field in ["title", "body"] {
        assert!(
            !has_term(&index, field, "the"),
            "'the' is not indexed in {field}"
        );
    }
    assert!(has_term(&index, "title", "driver"));
    assert!(
        has_term(&index, "body", "off"),
        "'off' is a symptom word, kept"
    );
}
