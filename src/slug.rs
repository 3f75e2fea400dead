//! Leaf: the one rule that turns a title or a file name into an ASCII URL name (pinyin for
//! Chinese). `faqsite new` names files with it; `content` gives Chinese-named files their URLs.

use pinyin::ToPinyin;

/// An ASCII slug for a title: pinyin for Chinese characters, letters and digits kept, the rest
/// becomes '-'; at most `max` characters, cut at a '-'. Never empty.
pub fn slug(title: &str, max: usize) -> String {
    let mut s = String::new();
    let push_dash = |s: &mut String| {
        if !s.is_empty() && !s.ends_with('-') {
            s.push('-');
        }
    };
    for (c, py) in title.chars().zip(title.to_pinyin()) {
        if let Some(py) = py {
            push_dash(&mut s);
            push_ascii(&mut s, py.plain());
            push_dash(&mut s);
        } else if c.is_ascii_alphanumeric() {
            s.push(c.to_ascii_lowercase());
        } else {
            push_dash(&mut s);
        }
    }
    let mut s = s.trim_matches('-').to_string();
    if s.len() > max {
        let cut = s[..max].rfind('-').unwrap_or(max);
        s.truncate(cut);
    }
    if s.is_empty() {
        "question".into()
    } else {
        s
    }
}

/// Push toneless pinyin as ASCII: `ü` as `v` (`略` → `lve`, `女` → `nv`), as pinyin input
/// methods type it, and because `u` would merge syllables that differ (`nü` 女 / `nu` 奴,
/// `lü` 绿 / `lu` 路); `ê` as `e`; any other mark the data may hold is dropped.
fn push_ascii(s: &mut String, pinyin: &str) {
    for c in pinyin.chars() {
        match c {
            'ü' => s.push('v'),
            'ê' => s.push('e'),
            c if c.is_ascii() => s.push(c),
            _ => {}
        }
    }
}

/// The URL name of a file or folder name (without `.md`): the name itself when it is already
/// clean (ASCII letters, digits, '-', '_', '.'), else its [`slug`], so `安装 驱动` →
/// `an-zhuang-qu-dong` and `02-其他` → `02-qi-ta`.
pub fn url_name(name: &str) -> String {
    let clean = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.');
    if clean {
        name.to_string()
    } else {
        slug(name, 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_ascii_pinyin() {
        assert_eq!(slug("如何安装驱动？", 60), "ru-he-an-zhuang-qu-dong");
        assert_eq!(slug("USB Key 的 PIN码", 60), "usb-key-de-pin-ma");
        assert_eq!(slug("？！", 60), "question");
        assert_eq!(slug("省略号", 60), "sheng-lve-hao");
        assert_eq!(slug("女绿", 60), "nv-lv");
        for c in ['略', '女', '欸', '呣', '嗯', '噷'] {
            let s = slug(&c.to_string(), 60);
            assert!(s.is_ascii(), "{c} → {s}");
        }
        let long = slug("为什么点击在线更新按钮后进入的页面什么也没显示", 20);
        assert!(long.len() <= 20 && !long.ends_with('-'), "{long}");
    }

    #[test]
    fn clean_names_stay_others_become_pinyin() {
        assert_eq!(url_name("install-driver"), "install-driver");
        assert_eq!(url_name("Q1"), "Q1");
        assert_eq!(url_name("安装 驱动"), "an-zhuang-qu-dong");
        assert_eq!(url_name("02-其他"), "02-qi-ta");
        assert_eq!(url_name("a b"), "a-b");
    }
}
