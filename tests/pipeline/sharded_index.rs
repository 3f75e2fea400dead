//! The sharded search index of large sites: what a visitor downloads with every page (the
//! manifest) and before a query's first result stays small however many questions there are.

use crate::common::*;
use std::path::Path;

/// A site of `n` questions in chapters of 50, sharded (`shard_above = 1`), built into `out`.
fn sharded_site(dir: &Path, n: usize) -> std::path::PathBuf {
    let site = dir.join("site");
    std::fs::create_dir_all(site.join("content")).unwrap();
    std::fs::write(
        site.join("site.toml"),
        "title = \"大站\"\n\n[search]\nshard_above = 1\n",
    )
    .unwrap();
    std::fs::write(
        site.join("content/_index.md"),
        "+++\ntitle = \"首页\"\n+++\n",
    )
    .unwrap();
    let words = [
        "证书",
        "驱动",
        "密码",
        "浏览器",
        "安装",
        "更新",
        "网页",
        "登录",
    ];
    for c in 0..n.div_ceil(50) {
        let ch = site.join(format!("content/ch{c:03}"));
        std::fs::create_dir_all(&ch).unwrap();
        std::fs::write(
            ch.join("_index.md"),
            format!("+++\ntitle = \"第{c}章\"\nweight = {c}\n+++\n"),
        )
        .unwrap();
        for q in 0..50.min(n - c * 50) {
            let (a, b) = (words[(c + q) % 8], words[(c * 3 + q * 5) % 8]);
            let body = format!(
                "{a}和{b}的问题。{}\n",
                format!("请先{b}，然后{a}。").repeat(q % 7 + 1)
            );
            std::fs::write(
                ch.join(format!("q{q:02}.md")),
                format!("+++\ntitle = \"如何{a}{b}{q}？\"\nweight = {q}\n+++\n\n{body}"),
            )
            .unwrap();
        }
    }
    let out = dir.join("out");
    build(&site, &out);
    out
}

/// The manifest every page loads carries nothing per question: no list in it is as long as a
/// tenth of the questions (it held every question's field lengths, 5 numbers a question: at
/// 100,000 questions 1.2 MB, 150 KB gzipped, before anyone searched).
#[test]
fn the_manifest_holds_nothing_per_question() {
    let tmp = tempfile::tempdir().unwrap();
    let n = 500;
    let out = sharded_site(tmp.path(), n);
    let js = read(&out.join("search/manifest.js"));
    let json = js
        .trim_end()
        .strip_prefix("window.FAQSITE_SEARCH_MANIFEST = ")
        .and_then(|s| s.strip_suffix(';'))
        .unwrap();
    let manifest: serde_json::Value = serde_json::from_str(json).unwrap();
    assert_eq!(manifest["n"], n);
    fn longest(v: &serde_json::Value) -> usize {
        match v {
            serde_json::Value::Array(a) => a.iter().map(longest).max().unwrap_or(0).max(a.len()),
            serde_json::Value::Object(o) => o.values().map(longest).max().unwrap_or(0),
            _ => 0,
        }
    }
    assert!(longest(&manifest) < n / 10, "a list per question: {json}");
    // The field lengths are in a file of their own, loaded with a query's postings.
    let lengths = read(&out.join("search/l0.js"));
    assert!(lengths.starts_with("FAQSITE_SEARCH_LOAD(\"l\",0,{\"body\":["));
}
