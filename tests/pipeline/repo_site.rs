//! Builds this repository's own FAQ (content/) and checks it against the seed document.

use crate::common::*;
use std::path::{Path, PathBuf};

/// The 32 questions of the seed, in order, with the export's glitches mended.
const SEED_QUESTIONS: &[&str] = &[
    "电脑中已成功安装驱动",
    "电脑能访问网络",
    "证书管理工具已启动",
    "证书有效",
    "如何下载并安装数字证书驱动程序？",
    "如何确定驱动程序是否安装成功？",
    "成功安装驱动程序，但是插入USB Key无反应",
    "不能进入相应业务网站，显示“无法显示该网页”",
    "不能进入业务网站，提示该窗口已被拦截？",
    "刚刚申请的证书，为什么提示已过期或者未生效？",
    "进入业务系统时，显示“此网站的安全证书有问题”？",
    "为什么在进入业务系统后，有部分内容不能显示？",
    "查看证书时，证书信息显示“windows没有足够信息，不能验证该证书”",
    "登录业务系统时，提示“无可用黑名单”？",
    "本机上没有限制端口并且IE工具中Internet选项设置都正常，怎么还是显示“无法显示该网页”？",
    "为什么有时候无法打开业务网站？",
    "USB Key不能正常使用，可能原因",
    "为什么USB Key插入电脑后，USB Key上面的灯不亮？",
    "USB Key的初始口令（PIN码）是多少？",
    "USB Key的密码忘记或者被锁死了怎么办？",
    "USB Key遗失了怎么办？",
    "天威盾使用应如何保养？",
    "更新证书，需要和新办证书时一样的资料吗",
    "选择在线更新应如何操作？",
    "请问在线更新网址和现场更新地址是什么？",
    "进行在线更新的时候，点击“立即更新”按钮后多次弹出警告对话框？",
    "为什么点击在线更新按钮后，进入的页面什么也没显示？",
    "什么是数字证书？",
    "是否必须购买数字证书？",
    "KEY可以当作U盘使用吗？",
    "数字证书的使用手册哪里有？",
    "地税网站中有没有介绍数字证书相关内容？",
];

const CHAPTERS: &[&str] = &[
    "证书使用的前提条件",
    "驱动问题",
    "环境问题",
    "网络问题",
    "USB Key问题",
    "证书更新问题",
    "其他问题",
];

fn built() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build(&repo_root(), &out);
    (tmp, out)
}

/// Question pages in reading order: (url, html), following each chapter page's order.
fn question_pages(out: &Path) -> Vec<(String, String)> {
    let mut pages: Vec<(String, String)> = Vec::new();
    for (rel, bytes) in snapshot(out) {
        let s = rel.to_string_lossy().replace('\\', "/");
        let depth = s.matches('/').count();
        if depth == 1
            && s.ends_with(".html")
            && !s.ends_with("/index.html")
            && !s.starts_with("images/")
            && !s.starts_with("static/")
            && !s.starts_with("old/")
            && !s.starts_with("tags/")
        {
            pages.push((s, String::from_utf8(bytes).unwrap()));
        }
    }
    pages
}

fn h1(html: &str) -> String {
    let start = html.find("<h1").expect("page has an h1");
    let rest = &html[start..];
    let body = &rest[rest.find('>').unwrap() + 1..rest.find("</h1>").unwrap()];
    // strip tags inside the heading
    let mut text = String::new();
    let mut in_tag = false;
    for c in body.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let text = text.replace("&quot;", "\"").replace("&amp;", "&");
    // Drop the generated number ("5.3") the theme may put before the title.
    let text = text.trim();
    let rest = text.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.');
    if rest.len() < text.len() && text.contains('.') {
        rest.trim().to_string()
    } else {
        text.to_string()
    }
}

#[test]
fn every_seed_question_and_chapter_has_a_page() {
    let (_tmp, out) = built();
    let pages = question_pages(&out);
    assert_eq!(
        pages.len(),
        32,
        "one page per seed question: {:?}",
        pages.iter().map(|p| &p.0).collect::<Vec<_>>()
    );
    let titles: Vec<String> = pages.iter().map(|(_, h)| h1(h)).collect();
    for q in SEED_QUESTIONS {
        let q_core = q.trim_end_matches(['？', '?']);
        assert!(
            titles.iter().any(|t| t.contains(q_core)),
            "no page for seed question {q:?}; titles: {titles:#?}"
        );
    }
    let chapter_dirs: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("index.html").is_file() && !p.ends_with("tags"))
        .collect();
    assert_eq!(chapter_dirs.len(), 7, "{chapter_dirs:?}");
    let home = read(&out.join("index.html"));
    for c in CHAPTERS {
        assert!(home.contains(c), "home lists chapter {c}");
    }
}

#[test]
fn numbering_follows_the_seed_order() {
    let (_tmp, out) = built();
    let home = read(&out.join("index.html"));
    // Each seed question appears on the home page after the previous one.
    let mut at = 0;
    for q in SEED_QUESTIONS {
        let q_core = q.trim_end_matches(['？', '?']).replace('"', "&quot;");
        let found = home[at..]
            .find(&q_core)
            .unwrap_or_else(|| panic!("{q} not found in order on the home page"));
        at += found;
    }
}

fn page_with(out: &Path, title_part: &str) -> String {
    question_pages(out)
        .into_iter()
        .find(|(_, h)| h1(h).contains(title_part))
        .unwrap_or_else(|| panic!("no question titled …{title_part}…"))
        .1
}

#[test]
fn answers_keep_the_key_facts() {
    let (_tmp, out) = built();
    let pin = page_with(&out, "初始口令");
    assert!(pin.contains("1111"));
    let locked = page_with(&out, "锁死");
    assert!(
        locked.contains("6次") || locked.contains("6 次"),
        "locked after 6 wrong tries"
    );
    assert!(locked.contains("http://www.nbca.com.cn/ukey/"));
    assert!(locked.contains("华楼街8号世纪广场C座609室"));
    let renew = page_with(&out, "在线更新网址");
    assert!(renew.contains("https://ica-enroll.itrus.com.cn/nbgaoxin1"));
    assert!(renew.contains("宁波市海曙区华楼街8号世纪广场C座609室"));
    assert!(page_with(&out, "无反应").contains("0574-87304500"));
    assert!(page_with(&out, "黑名单").contains("0574-87304500"));
    let ssl = page_with(&out, "无法显示该网页");
    assert!(ssl.contains("工具→Internet选项→高级"), "menu paths use →");
    assert!(
        !ssl.contains("工具(Internet"),
        "the export's '(' glitch is mended"
    );
    let manual = page_with(&out, "使用手册");
    assert!(manual.contains("http://www.nbcs.gov.cn/col/col3063/index.html"));
    assert!(manual.contains("《企业数字证书快速使用手册》"));
}

#[test]
fn export_glitches_are_mended() {
    let (_tmp, out) = built();
    for (url, html) in question_pages(&out) {
        let title = h1(&html);
        assert!(
            !title.starts_with(|c: char| c.is_ascii_digit()),
            "{url}: stray digit in {title:?}"
        );
        assert!(!html.contains("[image:"), "{url}: raw image marker left");
    }
    let lamp = page_with(&out, "灯不亮");
    assert!(lamp.contains("<ol>"), "5.2 is a list starting at 1: {lamp}");
    assert!(!lamp.contains("<ol start=\"5\">"));
}

#[test]
fn all_links_and_images_resolve() {
    let (_tmp, out) = built();
    assert_eq!(broken_links(&out), Vec::<String>::new());
    let mut imgs = 0;
    for (rel, bytes) in snapshot(&out) {
        if rel.extension().and_then(|e| e.to_str()) != Some("html") {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        for src in attr_values(&html, "src")
            .into_iter()
            .filter(|s| s.contains("images/"))
        {
            let path = rel.parent().unwrap().join(src.split('?').next().unwrap());
            let bytes = std::fs::read(out.join(&path))
                .unwrap_or_else(|_| panic!("{}: image {src} missing", rel.display()));
            image::load_from_memory(&bytes)
                .unwrap_or_else(|e| panic!("{src} does not decode: {e}"));
            imgs += 1;
        }
    }
    assert!(imgs >= 9, "the seed has 9 screenshots, found {imgs} <img>");
}

#[test]
fn question_and_chapter_pages_have_valid_faq_jsonld() {
    let (_tmp, out) = built();
    for (url, html) in question_pages(&out) {
        let ld = jsonld(&html);
        assert_eq!(ld.len(), 1, "{url}");
        assert_eq!(ld[0]["@type"], "FAQPage");
        let answer = ld[0]["mainEntity"][0]["acceptedAnswer"]["text"]
            .as_str()
            .unwrap();
        assert!(
            !answer.trim().is_empty() && !answer.contains("<p>"),
            "{url}: answer as text"
        );
    }
    let ch = read(&out.join("05-usb-key/index.html"));
    assert_eq!(jsonld(&ch)[0]["mainEntity"].as_array().unwrap().len(), 6);
}

#[test]
fn pages_are_linked_relatively_with_sidebar_breadcrumb_and_prev_next() {
    let (_tmp, out) = built();
    for (url, html) in question_pages(&out) {
        assert!(!html.contains("href=\"/"), "{url}: absolute link");
        assert!(
            html.contains("aria-current=\"page\""),
            "{url}: current page marked"
        );
        assert!(
            html.contains("href=\"../index.html\""),
            "{url}: breadcrumb to home"
        );
    }
    assert!(out.join("404.html").is_file());
}
