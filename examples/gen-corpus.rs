//! Writes a deterministic Chinese FAQ corpus for benchmarks:
//! `cargo run --release --example gen-corpus -- N DIR [--peers]`.
//!
//! DIR/faqsite/ is a faqsite site with N questions (50 per chapter, ~2 KB of Markdown each,
//! some tables and screenshots). The same pages are written for the peers by
//! `benches/peers.rs`-style helpers when `--peers` is given (see benches/README.md).

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

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: usize = args
        .first()
        .and_then(|a| a.parse().ok())
        .expect("usage: gen-corpus N DIR");
    let dir = Path::new(args.get(1).expect("usage: gen-corpus N DIR"));
    let qs = corpus(n);
    let _ = std::fs::remove_dir_all(dir.join("faqsite"));
    faqsite_layout(&qs, &dir.join("faqsite"));
    println!("wrote {n} questions to {}", dir.join("faqsite").display());
}
