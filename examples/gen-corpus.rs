//! Writes a deterministic Chinese FAQ corpus for benchmarks:
//! `cargo run --release --example gen-corpus -- N DIR [--peers]`.
//!
//! DIR/faqsite/ is a faqsite site with N questions (50 per chapter, ~2 KB of Markdown each,
//! some tables and screenshots). With `--peers` the same pages are also written in the layouts
//! of the peers, with equivalent minimal templates (a page per question, a chapter page listing
//! its questions with their answers, a home page listing every chapter and question):
//!
//! - DIR/zola/: `config.toml` (no search index) and `config-search.toml` (search index on,
//!   Zola's default English pipeline), `templates/{index,section,page}.html`;
//! - DIR/zola-sidebar/: the same site whose page template also lists the current chapter's
//!   questions in a sidebar, the way Zola's documentation shows
//!   (`get_section(path=page.ancestors | last)`), as faqsite's pages do;
//! - DIR/hugo/: `config.toml` (no RSS, sitemap, taxonomies), `layouts/…`;
//! - DIR/mdbook/: `book.toml` with mdBook's default theme and its default search,
//!   `src/SUMMARY.md` listing every chapter and question.
//!
//! `benches/compare.sh` builds them side by side (see benches/README.md).

use std::fmt::Write as _;
use std::path::Path;

const WORDS: &[&str] = &[
    "数字证书",
    "驱动程序",
    "USB Key",
    "口令",
    "PIN码",
    "浏览器",
    "Internet选项",
    "安全证书",
    "业务系统",
    "在线更新",
    "客服电话",
    "证书管理工具",
    "黑名单",
    "弹出窗口",
    "可信站点",
    "代理服务器",
    "保护模式",
    "证书链",
    "根证书",
    "网络端口",
    "宽带",
    "补办",
    "解锁",
    "签收单",
    "登记表",
    "营业执照",
    "年检",
    "汇款",
    "审核",
    "权限",
    "对话框",
    "安装程序",
    "操作系统",
    "系统时间",
    "网址",
    "防火墙",
    "杀毒软件",
    "任务栏",
    "图标",
    "接口",
    "静电",
    "加密芯片",
];
const VERBS: &[&str] = &[
    "安装",
    "卸载",
    "重新启动",
    "检查",
    "确认",
    "设置",
    "取消",
    "下载",
    "更新",
    "联系",
    "插入",
    "拔出",
    "登录",
    "打开",
    "选择",
    "输入",
    "提交",
    "备份",
    "恢复",
    "查看",
];

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() as usize) % xs.len()]
    }
}

pub struct Question {
    pub chapter: usize,
    pub index: usize,
    pub title: String,
    pub body: String,
}

pub fn corpus(n: usize) -> Vec<Question> {
    let mut rng = Rng(0x5eed);
    (0..n)
        .map(|i| {
            let chapter = i / 50;
            let index = i % 50;
            let title = format!(
                "如何{}{}后{}{}？（{}）",
                rng.pick(VERBS),
                rng.pick(WORDS),
                rng.pick(VERBS),
                rng.pick(WORDS),
                i + 1
            );
            let mut body = String::new();
            while body.len() < 1800 {
                match rng.next() % 7 {
                    0 => {
                        body.push_str("\n| 项目 | 说明 |\n| --- | --- |\n");
                        for _ in 0..3 {
                            let _ = writeln!(body, "| {} | 请{}{} |", rng.pick(WORDS), rng.pick(VERBS), rng.pick(WORDS));
                        }
                        body.push('\n');
                    }
                    1 => {
                        for k in 1..=3 {
                            let _ = writeln!(body, "{k}. 点击“{}”→“{}”，然后{}{}；", rng.pick(WORDS), rng.pick(WORDS), rng.pick(VERBS), rng.pick(WORDS));
                        }
                        body.push('\n');
                    }
                    2 if i % 10 == 0 => {
                        let _ = writeln!(body, "![{}的截图](../../images/shot{}.png)\n", rng.pick(WORDS), rng.next() % 4);
                    }
                    _ => {
                        let _ = writeln!(
                            body,
                            "若{}无法使用，请先{}{}，再{}{}。如果仍有问题，请拨打客服电话 0574-87304500，或访问 www.example.com 的下载专区。\n",
                            rng.pick(WORDS), rng.pick(VERBS), rng.pick(WORDS), rng.pick(VERBS), rng.pick(WORDS)
                        );
                    }
                }
            }
            Question { chapter, index, title, body }
        })
        .collect()
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn screenshots(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    for s in 0..4u32 {
        let img = image::RgbImage::from_fn(1200, 750, |x, y| {
            let band = (y / 40 + s) % 3;
            if (x / 8 + y / 12) % 17 == 0 {
                image::Rgb([40, 40, 40])
            } else {
                image::Rgb([230 - band as u8 * 20, 235, 245])
            }
        });
        img.save(dir.join(format!("shot{s}.png"))).unwrap();
    }
}

fn faqsite_layout(qs: &[Question], dir: &Path) {
    write(
        &dir.join("site.toml"),
        "title = \"基准测试 FAQ\"\ndescription = \"Benchmark corpus\"\n",
    );
    write(
        &dir.join("content/_index.md"),
        "+++\ntitle = \"基准测试 FAQ\"\n+++\n\n生成的常见问题语料。\n",
    );
    screenshots(&dir.join("images"));
    for q in qs {
        if q.index == 0 {
            write(
                &dir.join(format!("content/ch{:04}/_index.md", q.chapter)),
                &format!(
                    "+++\ntitle = \"第{}章 常见问题\"\nweight = {}\n+++\n",
                    q.chapter + 1,
                    q.chapter + 1
                ),
            );
        }
        write(
            &dir.join(format!("content/ch{:04}/q{:03}.md", q.chapter, q.index)),
            &format!(
                "+++\ntitle = \"{}\"\nweight = {}\n+++\n\n{}",
                q.title,
                q.index + 1,
                q.body
            ),
        );
    }
}

const ZOLA_CONFIG: &str = r#"base_url = "/"
title = "基准测试 FAQ"
compile_sass = false
build_search_index = false
generate_feeds = false
"#;

const ZOLA_INDEX: &str = r#"<!doctype html>
<html lang="zh"><head><meta charset="utf-8"><title>{{ config.title }}</title></head>
<body><h1>{{ section.title }}</h1>{{ section.content | safe }}
{% for s in section.subsections %}{% set sub = get_section(path=s) %}
<h2><a href="{{ sub.permalink | safe }}">{{ sub.title }}</a></h2>
<ul>{% for p in sub.pages %}<li><a href="{{ p.permalink | safe }}">{{ p.title }}</a></li>{% endfor %}</ul>
{% endfor %}</body></html>
"#;

const ZOLA_SECTION: &str = r#"<!doctype html>
<html lang="zh"><head><meta charset="utf-8"><title>{{ section.title }} - {{ config.title }}</title></head>
<body><nav><a href="{{ config.base_url | safe }}">{{ config.title }}</a></nav>
<h1>{{ section.title }}</h1>{{ section.content | safe }}
<ul>{% for p in section.pages %}<li><a href="{{ p.permalink | safe }}">{{ p.title }}</a></li>{% endfor %}</ul>
{% for p in section.pages %}<section><h2><a href="{{ p.permalink | safe }}">{{ p.title }}</a></h2>{{ p.content | safe }}</section>{% endfor %}
</body></html>
"#;

const ZOLA_PAGE: &str = r#"<!doctype html>
<html lang="zh"><head><meta charset="utf-8"><title>{{ page.title }} - {{ config.title }}</title></head>
<body><nav><a href="{{ config.base_url | safe }}">{{ config.title }}</a></nav>
<article><h1>{{ page.title }}</h1>{{ page.content | safe }}</article>
<nav>{% if page.lower %}<a href="{{ page.lower.permalink | safe }}">{{ page.lower.title }}</a>{% endif %}
{% if page.higher %}<a href="{{ page.higher.permalink | safe }}">{{ page.higher.title }}</a>{% endif %}</nav>
</body></html>
"#;

/// The page template with the current chapter's questions in a sidebar (the current one marked),
/// written the documented way: the page's parent section fetched with `get_section`.
const ZOLA_PAGE_SIDEBAR: &str = r#"<!doctype html>
<html lang="zh"><head><meta charset="utf-8"><title>{{ page.title }} - {{ config.title }}</title></head>
<body><nav><a href="{{ config.base_url | safe }}">{{ config.title }}</a></nav>
{% set chapter = get_section(path=page.ancestors | last) %}
<aside><h2><a href="{{ chapter.permalink | safe }}">{{ chapter.title }}</a></h2>
<ul>{% for p in chapter.pages %}<li><a href="{{ p.permalink | safe }}"{% if p.path == page.path %} aria-current="page"{% endif %}>{{ p.title }}</a></li>{% endfor %}</ul></aside>
<article><h1>{{ page.title }}</h1>{{ page.content | safe }}</article>
<nav>{% if page.lower %}<a href="{{ page.lower.permalink | safe }}">{{ page.lower.title }}</a>{% endif %}
{% if page.higher %}<a href="{{ page.higher.permalink | safe }}">{{ page.higher.title }}</a>{% endif %}</nav>
</body></html>
"#;

fn zola_layout(qs: &[Question], dir: &Path) {
    zola_site(qs, dir, ZOLA_PAGE);
}

fn zola_sidebar_layout(qs: &[Question], dir: &Path) {
    zola_site(qs, dir, ZOLA_PAGE_SIDEBAR);
}

fn zola_site(qs: &[Question], dir: &Path, page_template: &str) {
    write(&dir.join("config.toml"), ZOLA_CONFIG);
    write(
        &dir.join("config-search.toml"),
        &ZOLA_CONFIG.replace("build_search_index = false", "build_search_index = true"),
    );
    write(&dir.join("templates/index.html"), ZOLA_INDEX);
    write(&dir.join("templates/section.html"), ZOLA_SECTION);
    write(&dir.join("templates/page.html"), page_template);
    write(
        &dir.join("content/_index.md"),
        "+++\ntitle = \"基准测试 FAQ\"\nsort_by = \"weight\"\n+++\n\n生成的常见问题语料。\n",
    );
    screenshots(&dir.join("static/images"));
    for q in qs {
        if q.index == 0 {
            write(
                &dir.join(format!("content/ch{:04}/_index.md", q.chapter)),
                &format!(
                    "+++\ntitle = \"第{}章 常见问题\"\nweight = {}\nsort_by = \"weight\"\n+++\n",
                    q.chapter + 1,
                    q.chapter + 1
                ),
            );
        }
        // Page URL /chNNNN/qNNN/: the body's ../../images/ resolves to /images/ as in faqsite.
        write(
            &dir.join(format!("content/ch{:04}/q{:03}.md", q.chapter, q.index)),
            &format!(
                "+++\ntitle = \"{}\"\nweight = {}\n+++\n\n{}",
                q.title,
                q.index + 1,
                q.body
            ),
        );
    }
}

const HUGO_CONFIG: &str = r#"baseURL = "/"
title = "基准测试 FAQ"
languageCode = "zh-cn"
defaultContentLanguage = "zh"
hasCJKLanguage = true
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT"]
"#;

const HUGO_INDEX: &str = r#"<!doctype html>
<html lang="zh"><head><meta charset="utf-8"><title>{{ .Site.Title }}</title></head>
<body><h1>{{ .Title }}</h1>{{ .Content }}
{{ range .Sections }}<h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>
{{ end }}</body></html>
"#;

const HUGO_SECTION: &str = r#"<!doctype html>
<html lang="zh"><head><meta charset="utf-8"><title>{{ .Title }} - {{ .Site.Title }}</title></head>
<body><nav><a href="{{ .Site.Home.RelPermalink }}">{{ .Site.Title }}</a></nav>
<h1>{{ .Title }}</h1>{{ .Content }}
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>
{{ range .Pages }}<section><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>{{ .Content }}</section>{{ end }}
</body></html>
"#;

const HUGO_SINGLE: &str = r#"<!doctype html>
<html lang="zh"><head><meta charset="utf-8"><title>{{ .Title }} - {{ .Site.Title }}</title></head>
<body><nav><a href="{{ .Site.Home.RelPermalink }}">{{ .Site.Title }}</a></nav>
<article><h1>{{ .Title }}</h1>{{ .Content }}</article>
<nav>{{ with .PrevInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
{{ with .NextInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</nav>
</body></html>
"#;

fn hugo_layout(qs: &[Question], dir: &Path) {
    write(&dir.join("config.toml"), HUGO_CONFIG);
    write(&dir.join("layouts/index.html"), HUGO_INDEX);
    write(&dir.join("layouts/_default/section.html"), HUGO_SECTION);
    write(&dir.join("layouts/_default/single.html"), HUGO_SINGLE);
    write(
        &dir.join("content/_index.md"),
        "+++\ntitle = \"基准测试 FAQ\"\n+++\n\n生成的常见问题语料。\n",
    );
    screenshots(&dir.join("static/images"));
    for q in qs {
        if q.index == 0 {
            write(
                &dir.join(format!("content/ch{:04}/_index.md", q.chapter)),
                &format!(
                    "+++\ntitle = \"第{}章 常见问题\"\nweight = {}\n+++\n",
                    q.chapter + 1,
                    q.chapter + 1
                ),
            );
        }
        write(
            &dir.join(format!("content/ch{:04}/q{:03}.md", q.chapter, q.index)),
            &format!(
                "+++\ntitle = \"{}\"\nweight = {}\n+++\n\n{}",
                q.title,
                q.index + 1,
                q.body
            ),
        );
    }
}

fn mdbook_layout(qs: &[Question], dir: &Path) {
    write(
        &dir.join("book.toml"),
        "[book]\ntitle = \"基准测试 FAQ\"\nlanguage = \"zh\"\nsrc = \"src\"\n\n[build]\ncreate-missing = false\n\n[output.html]\n\n[output.html.search]\nenable = true\n",
    );
    screenshots(&dir.join("src/images"));
    let mut summary = String::from("# Summary\n\n[基准测试 FAQ](README.md)\n\n");
    let mut home = String::from("# 基准测试 FAQ\n\n生成的常见问题语料。\n");
    let mut chapter = String::new();
    for (i, q) in qs.iter().enumerate() {
        let ch = format!("ch{:04}", q.chapter);
        if q.index == 0 {
            let title = format!("第{}章 常见问题", q.chapter + 1);
            let _ = writeln!(summary, "- [{title}]({ch}/index.md)");
            let _ = write!(home, "\n## [{title}]({ch}/index.md)\n\n");
            chapter = format!("# {title}\n\n");
            let mut list = String::new();
            for q2 in qs[i..].iter().take_while(|q2| q2.chapter == q.chapter) {
                let _ = writeln!(list, "- [{}](q{:03}.md)", q2.title, q2.index);
            }
            chapter.push_str(&list);
        }
        let _ = writeln!(summary, "  - [{}]({ch}/q{:03}.md)", q.title, q.index);
        let _ = writeln!(home, "- [{}]({ch}/q{:03}.md)", q.title, q.index);
        // src/chNNNN/qNNN.md: the images are one level up.
        let body = q.body.replace("](../../images/", "](../images/");
        let _ = write!(
            chapter,
            "\n## [{}](q{:03}.md)\n\n{}\n",
            q.title, q.index, body
        );
        write(
            &dir.join(format!("src/{ch}/q{:03}.md", q.index)),
            &format!("# {}\n\n{}", q.title, body),
        );
        if qs.get(i + 1).is_none_or(|n| n.chapter != q.chapter) {
            write(&dir.join(format!("src/{ch}/index.md")), &chapter);
        }
    }
    write(&dir.join("src/SUMMARY.md"), &summary);
    write(&dir.join("src/README.md"), &home);
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: usize = args
        .first()
        .and_then(|a| a.parse().ok())
        .expect("usage: gen-corpus N DIR [--peers]");
    let dir = Path::new(args.get(1).expect("usage: gen-corpus N DIR [--peers]"));
    let qs = corpus(n);
    let _ = std::fs::remove_dir_all(dir.join("faqsite"));
    faqsite_layout(&qs, &dir.join("faqsite"));
    println!("wrote {n} questions to {}", dir.join("faqsite").display());
    if args.iter().any(|a| a == "--peers") {
        for (name, layout) in [
            ("zola", zola_layout as fn(&[Question], &Path)),
            ("zola-sidebar", zola_sidebar_layout),
            ("hugo", hugo_layout),
            ("mdbook", mdbook_layout),
        ] {
            let _ = std::fs::remove_dir_all(dir.join(name));
            layout(&qs, &dir.join(name));
            println!("wrote {n} questions to {}", dir.join(name).display());
        }
    }
}
