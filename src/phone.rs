//! Phone numbers in text: whether a value looks like one, its `tel:` link, and the numbers
//! written in a sentence (`find`, for answers).

use std::ops::Range;

/// Whether `value` looks like a phone number: digits with spaces, dashes, dots, parentheses or
/// a leading +; at least five digits.
pub fn looks_like_phone(value: &str) -> bool {
    let v = value.trim();
    let digits = v.chars().filter(char::is_ascii_digit).count();
    digits >= 5
        && v.chars()
            .enumerate()
            .all(|(i, ch)| ch.is_ascii_digit() || " -.()".contains(ch) || (i == 0 && ch == '+'))
}

/// The `tel:` link of `value` if it looks like a phone number (its whitespace left out).
pub fn tel_href(value: &str) -> Option<String> {
    looks_like_phone(value).then(|| {
        let number: String = value.chars().filter(|ch| !ch.is_whitespace()).collect();
        format!("tel:{number}")
    })
}

/// The phone numbers written in `text`, as customers write them: with spaces, dashes, dots or
/// brackets between the digits; `+` and a country code (`+86 574 8730 4500`); a number with its
/// trunk `0` and area code (`0574-87304500`, `(0574) 87304500`, `020 7946 0958`); Chinese
/// mobiles (`138 1234 5678`) and 400/800 numbers (`400-882-1234`); North American ones
/// (`(555) 123-4567`, `1-800-555-0199`). Not dates (`2026-11-26`), year ranges, versions
/// (`10.0.19041`), addresses of IP, ISBNs or order numbers (a long run of digits), nor digits
/// inside a word (`v10`, `A4-2026`).
pub fn find(text: &str) -> Vec<Range<usize>> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let opener = matches!(b[i], b'+' | b'(') && b.get(i + 1).is_some_and(u8::is_ascii_digit);
        if (b[i].is_ascii_digit() || opener) && starts_word(b, i) {
            let end = scan(b, i);
            // A number in brackets as a sentence's aside, "(1-800-447-8477)": the brackets are
            // not part of it (an area code's are: "(555) 123-4567").
            let run = &text[i..end];
            let aside = run.starts_with('(') && (run.ends_with(')') || !run.contains(')'));
            let (from, to) = match aside {
                true => (i + 1, end - usize::from(run.ends_with(')'))),
                false => (i, end),
            };
            if ends_word(b, to) && is_phone(&text[from..to]) {
                out.push(from..to);
            }
            i = end.max(i + 1);
        } else {
            i += 1;
        }
    }
    out
}

/// Nothing of a word, a version or an address just before `i`.
fn starts_word(b: &[u8], i: usize) -> bool {
    i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b"._-/+:#@&=".contains(&b[i - 1]))
}

/// Nothing of a word, a version or a range just after `end`.
fn ends_word(b: &[u8], end: usize) -> bool {
    let next = b.get(end).copied();
    let digit_after = b.get(end + 1).is_some_and(u8::is_ascii_digit);
    !next.is_some_and(|c| {
        c.is_ascii_alphanumeric() || c == b'%' || (b"-./:".contains(&c) && digit_after)
    })
}

/// The end of the run of digits and single separators (a space, `-`, `.`, brackets) that
/// starts at `i`; it ends with a digit or a closing bracket.
fn scan(b: &[u8], i: usize) -> usize {
    let mut end = i + usize::from(!b[i].is_ascii_digit());
    let mut last = end;
    while end < b.len() {
        if b[end].is_ascii_digit() {
            end += 1;
            last = end;
            continue;
        }
        // One separator, or a bracket with a space beside it, before the next digit.
        let sep = b[end..]
            .iter()
            .take(3)
            .take_while(|c| b" -.()".contains(c))
            .count();
        let chunk = &b[end..end + sep];
        let brackets = chunk.iter().filter(|c| b"()".contains(c)).count();
        let fits = sep > 0
            && (sep == 1 || brackets == 1)
            && chunk.iter().filter(|&&c| c == b' ').count() <= 1;
        if fits && b.get(end + sep).is_some_and(u8::is_ascii_digit) {
            end += sep;
        } else {
            break;
        }
    }
    // A closing bracket right after the last digit belongs to a bracketed start.
    if b.get(last) == Some(&b')') && b[i] == b'(' && !b[i..last].contains(&b')') {
        return last + 1;
    }
    last
}

/// Whether a run of digits and separators is written as a phone number is.
fn is_phone(run: &str) -> bool {
    let groups: Vec<&str> = run
        .split(|c: char| !c.is_ascii_digit())
        .filter(|g| !g.is_empty())
        .collect();
    let digits: String = groups.concat();
    let n = digits.len();
    let lens: Vec<usize> = groups.iter().map(|g| g.len()).collect();
    if run.starts_with('+') {
        return (8..=15).contains(&n);
    }
    let mobile =
        n == 11 && digits.starts_with('1') && (b'3'..=b'9').contains(&digits.as_bytes()[1]);
    let toll_free = n == 10 && (digits.starts_with("400") || digits.starts_with("800"));
    if groups.len() == 1 {
        return mobile || toll_free;
    }
    let year = |g: &&str| g.len() == 4 && (g.starts_with("19") || g.starts_with("20"));
    let date = groups.iter().any(year)
        && (groups.iter().filter(|g| !year(g)).all(|g| g.len() <= 2)
            || groups.iter().filter(|g| year(g)).count() > 1);
    let dots_only = run
        .chars()
        .filter(|c| !c.is_ascii_digit())
        .all(|c| c == '.');
    if date || lens[1..].contains(&1) || !(7..=13).contains(&n) {
        return false;
    }
    let trunk = digits.starts_with('0') && (9..=12).contains(&n) && !dots_only;
    let north_america = lens == [3, 3, 4] || (lens == [1, 3, 3, 4] && groups[0] == "1");
    (mobile && lens == [3, 4, 4] && !dots_only) || toll_free || trunk || north_america
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_get_a_tel_link_and_other_text_none() {
        assert_eq!(
            tel_href("+86 (574) 8730-4500").as_deref(),
            Some("tel:+86(574)8730-4500")
        );
        assert_eq!(
            tel_href("0574 8730.4500").as_deref(),
            Some("tel:05748730.4500")
        );
        assert!(!looks_like_phone("12-34"), "too few digits");
        assert!(!looks_like_phone("1+2345678"), "a + only first");
        assert!(!looks_like_phone("Street 1"));
        assert_eq!(tel_href("www.example.com"), None);
    }

    fn found(text: &str) -> Vec<&str> {
        find(text).into_iter().map(|r| &text[r]).collect()
    }

    /// Numbers as customers write them are found whole, wherever they stand in a sentence.
    #[test]
    fn numbers_written_in_sentences_are_found() {
        for n in [
            "0574-87304500",
            "(0574) 87304500",
            "0574 8730 4500",
            "021-12345678",
            "+86 574 8730 4500",
            "+86-574-87304500",
            "+86 (574) 8730-4500",
            "+8657487304500",
            "138 1234 5678",
            "138-1234-5678",
            "13812345678",
            "400-882-1234",
            "400 882 1234",
            "4008821234",
            "800-820-8820",
            "(555) 123-4567",
            "555-123-4567",
            "1-800-555-0199",
            "020 7946 0958",
            "01 23 45 67 89",
            "+44 20 7946 0958",
            "+1 (555) 123-4567",
            "+33 1 23 45 67 89",
            "030 1234567",
        ] {
            assert_eq!(found(&format!("请拨打{n}咨询。")), [n], "{n} in Chinese");
            assert_eq!(
                found(&format!("Call {n}, or write.")),
                [n],
                "{n} in English"
            );
            assert_eq!(found(&format!("（电话：{n}）")), [n], "{n} in brackets");
            assert_eq!(
                found(&format!("Call us ({n}) today.")),
                [n],
                "{n} as an aside"
            );
        }
        assert_eq!(
            found("拨打 0574-87304500 或 400-882-1234，工作日 9:00-17:00。"),
            ["0574-87304500", "400-882-1234"]
        );
    }

    /// Dates, years, versions, addresses, prices and order numbers are not phone numbers.
    #[test]
    fn other_numbers_are_not_phone_numbers() {
        for text in [
            "更新于 2026-11-26。",
            "2026.11.26 发布",
            "26.11.2026",
            "2026/11/26",
            "11-26-2026",
            "2019-2026 年",
            "2026 年 11 月",
            "Windows 10 版本 10.0.19041.1",
            "v10.0.19041",
            "192.168.100.200",
            "ISBN 978-7-111-12345-6",
            "订单号 20261205123456",
            "订单号 2026120512",
            "单号 1234-5678-9012-3456",
            "工作日 9:00-17:00",
            "PIN 码 12345678",
            "共 1,234,567 元",
            "A4-2026-0001",
            "第 3-5 步",
            "0.5 mm",
            "版本 1.2.3 与 1.2.4",
            "price 123.4567",
            "https://example.com/0574-87304500",
            "id=057487304500",
        ] {
            assert!(found(text).is_empty(), "{text}: {:?}", found(text));
        }
    }
}
