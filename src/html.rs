//! Escaping for what faqsite writes into HTML: the one HTML escaper (element text and quoted
//! attribute values, also used by Tera's autoescape and for XML), JSON made safe inside a
//! `<script>` element, and percent-encoding of URL paths; `rewrite.rs`: every edit or reading
//! of HTML already written. A leaf: imports nothing of faqsite.

use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};

pub mod rewrite;
pub use rewrite::prefix_ids;

/// HTML-escape text for element content and quoted attribute values (also valid XML).
/// Characters no HTML or XML text may hold ([`forbidden_len`]: NUL and the other control
/// characters but tab, line feed and carriage return; the noncharacters U+FDD0–U+FDEF, U+FFFE,
/// U+FFFF) become U+FFFD, as a browser shows NUL.
pub fn escape(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len() + 16);
    let mut last = 0;
    let mut i = 0;
    // The bytes to look at are found by a table (twice as fast as testing each byte in turn:
    // every value a page shows passes here); the runs between them are copied.
    while let Some(n) = bytes[i..].iter().position(|&b| ESCAPE_LOOKS_AT[b as usize]) {
        i += n;
        let (entity, len) = match bytes[i] {
            b'&' => ("&amp;", 1),
            b'<' => ("&lt;", 1),
            b'>' => ("&gt;", 1),
            b'"' => ("&quot;", 1),
            b'\'' => ("&#39;", 1),
            _ => match forbidden_len(&s[i..]) {
                0 => {
                    i += 1;
                    continue;
                }
                n => ("\u{FFFD}", n),
            },
        };
        out.push_str(&s[last..i]);
        out.push_str(entity);
        i += len;
        last = i;
    }
    out.push_str(&s[last..]);
    out
}

/// `table` with the bytes `bytes` lists added.
const fn with_bytes(mut table: [bool; 256], bytes: &[u8]) -> [bool; 256] {
    let mut i = 0;
    while i < bytes.len() {
        table[bytes[i] as usize] = true;
        i += 1;
    }
    table
}

/// The control bytes below 0x20.
const fn controls() -> [bool; 256] {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = true;
        b += 1;
    }
    t
}

/// The bytes that lead a character no text may hold ([`forbidden_len`]): the controls, DEL,
/// 0xC2 (the C1 controls) and 0xEF (the noncharacters); they lead many allowed characters too.
const MAY_BE_FORBIDDEN: [bool; 256] = with_bytes(controls(), b"\x7f\xc2\xef");

/// What [`escape`] looks at: the five characters it escapes and the bytes of
/// [`MAY_BE_FORBIDDEN`].
static ESCAPE_LOOKS_AT: [bool; 256] = with_bytes(MAY_BE_FORBIDDEN, b"&<>\"'");

/// The length in bytes of the character `s` starts with if HTML and XML text may not hold it
/// (a control character other than tab, line feed, carriage return; or a noncharacter of the
/// Basic Multilingual Plane), else 0.
pub fn forbidden_len(s: &str) -> usize {
    match s.chars().next() {
        Some('\t' | '\n' | '\r') | None => 0,
        Some(c) if c.is_control() || ('\u{FDD0}'..='\u{FDEF}').contains(&c) => c.len_utf8(),
        Some('\u{FFFE}' | '\u{FFFF}') => 3,
        _ => 0,
    }
}

/// `text` with every character [`forbidden_len`] finds replaced by U+FFFD: content's text as it
/// enters the build (a NUL or an escape character in an answer is never written raw).
pub fn clean_text(text: String) -> String {
    // 0xC2 and 0xEF lead many allowed characters too (Chinese full-width punctuation is
    // U+FFxx): only a character that is really forbidden makes a new string.
    let first = text
        .bytes()
        .enumerate()
        .position(|(i, b)| MAY_BE_FORBIDDEN[b as usize] && forbidden_len(&text[i..]) > 0);
    let Some(at) = first else {
        return text;
    };
    let mut out = String::with_capacity(text.len());
    out.push_str(&text[..at]);
    let mut rest = &text[at..];
    while let Some(c) = rest.chars().next() {
        let n = forbidden_len(rest);
        if n > 0 {
            out.push('\u{FFFD}');
        } else {
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// JSON text made safe to put between `<script>` and `</script>`: `<`, `>` and `&` become
/// `\u003c`, `\u003e`, `\u0026` (so no string can end the script or open a comment in it), and
/// U+2028/U+2029 are escaped too (line terminators in older JavaScript). Only JSON strings
/// hold these characters, so the result is the same JSON value.
pub fn script_json(json: &str) -> String {
    let bytes = json.as_bytes();
    let mut out = String::with_capacity(json.len() + 16);
    let mut last = 0;
    let mut i = 0;
    // All are found by their first byte (U+2028/9 are E2 80 A8/A9, the C1 controls C2 80–9F),
    // by a table as in [`escape`]: the runs between them are copied as they are.
    while let Some(n) = bytes[i..].iter().position(|&b| SCRIPT_LOOKS_AT[b as usize]) {
        i += n;
        let b = bytes[i];
        let escaped = match b {
            b'<' => "\\u003c",
            b'>' => "\\u003e",
            b'&' => "\\u0026",
            0xE2 if bytes.get(i + 1) == Some(&0x80) => match bytes.get(i + 2) {
                Some(0xA8) => "\\u2028",
                Some(0xA9) => "\\u2029",
                _ => {
                    i += 1;
                    continue;
                }
            },
            // DEL and the C1 controls, which JSON may hold raw but a page may not (serde_json
            // already escapes the others).
            0x7F => "\\u007f",
            0xC2 if bytes.get(i + 1).is_some_and(|n| (0x80..0xA0).contains(n)) => {
                out.push_str(&json[last..i]);
                out.push_str(&format!("\\u00{:02x}", bytes[i + 1]));
                i += 2;
                last = i;
                continue;
            }
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(&json[last..i]);
        out.push_str(escaped);
        i += if b == 0xE2 { 3 } else { 1 };
        last = i;
    }
    out.push_str(&json[last..]);
    out
}

/// The first bytes of what [`script_json`] escapes.
static SCRIPT_LOOKS_AT: [bool; 256] = with_bytes([false; 256], b"<>&\x7f\xc2\xe2");

/// Bytes a URL path written by faqsite keeps as they are: everything but controls, space,
/// non-ASCII, and what would end the path or the attribute, or split a `srcset` candidate.
const PATH: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'\'')
    .add(b',')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'\\')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// A relative URL path (folders separated by `/`) for a file name that may hold any
/// character: `images/my shot.png` → `images/my%20shot.png`.
pub fn encode_path(path: &str) -> String {
    utf8_percent_encode(path, PATH).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn characters_no_html_may_hold_become_the_replacement_character() {
        let s = "a\0b\u{1}c\u{1b}d\u{7f}e\u{85}f\u{FDD0}g\u{FFFF}h\t\n\ri<\u{e9}\u{FFFD}\u{FEFF}";
        let want = "a\u{FFFD}b\u{FFFD}c\u{FFFD}d\u{FFFD}e\u{FFFD}f\u{FFFD}g\u{FFFD}h\t\n\ri&lt;\u{e9}\u{FFFD}\u{FEFF}";
        assert_eq!(escape(s), want);
        assert_eq!(clean_text(s.to_string()), want.replace("&lt;", "<"));
        assert_eq!(escape("plain 中文 &"), "plain 中文 &amp;");
        // Full-width punctuation (U+FFxx, lead byte 0xEF) and U+00A0 (0xC2) are allowed.
        let allowed = "全角，标点！（）\u{a0}¥";
        assert_eq!(clean_text(allowed.to_string()), allowed);
        assert_eq!(
            clean_text(format!("{allowed}\u{1}，")),
            format!("{allowed}\u{FFFD}，")
        );
        assert_eq!(
            script_json("\"a\u{7f}b\u{85}c\u{9f}\""),
            "\"a\\u007fb\\u0085c\\u009f\""
        );
    }

    #[test]
    fn escape_escapes_the_five_and_keeps_the_rest() {
        assert_eq!(
            escape(r#"<a href="x">'驱动' & 口令</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;驱动&#39; &amp; 口令&lt;/a&gt;"
        );
        assert_eq!(escape("../02-drivers/安装.html"), "../02-drivers/安装.html");
        assert_eq!(escape(""), "");
        assert_eq!(escape("&"), "&amp;");
    }

    #[test]
    fn script_json_leaves_no_markup_and_the_same_value() {
        let json = serde_json::to_string("<!--<script> a&b </script>\u{2028}").unwrap();
        let safe = script_json(&json);
        assert!(!safe.contains(['<', '>', '&', '\u{2028}']), "{safe}");
        let back: String = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, "<!--<script> a&b </script>\u{2028}");
        // Other characters starting with the same bytes (— “ ”) stay as they are.
        assert_eq!(
            script_json("\"<—“a”\u{2029}&>\u{2028}中\""),
            r#""\u003c—“a”\u2029\u0026\u003e\u2028中""#
        );
    }

    /// The escapers find what they change by a table of bytes: every character of Unicode,
    /// alone and between others, comes out as a character-by-character reading would have it.
    #[test]
    fn the_byte_tables_agree_with_each_character() {
        let by_char = |s: &str| -> (String, String) {
            let (mut html, mut script) = (String::new(), String::new());
            for (i, c) in s.char_indices() {
                html.push_str(match c {
                    '&' => "&amp;",
                    '<' => "&lt;",
                    '>' => "&gt;",
                    '"' => "&quot;",
                    '\'' => "&#39;",
                    _ if forbidden_len(&s[i..]) > 0 => "\u{FFFD}",
                    _ => "",
                });
                if !matches!(c, '&' | '<' | '>' | '"' | '\'') && forbidden_len(&s[i..]) == 0 {
                    html.push(c);
                }
                match c {
                    '<' | '>' | '&' | '\u{7f}'..='\u{9f}' | '\u{2028}' | '\u{2029}' => {
                        script.push_str(&format!("\\u{:04x}", c as u32))
                    }
                    _ => script.push(c),
                }
            }
            (html, script)
        };
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            for s in [c.to_string(), format!("a{c}b{c}")] {
                let (html, script) = by_char(&s);
                assert_eq!(escape(&s), html, "{:?}", c);
                assert_eq!(script_json(&s), script, "{:?}", c);
            }
        }
    }

    #[test]
    fn paths_are_encoded_but_keep_their_folders() {
        assert_eq!(
            encode_path("images/x\" onerror=\"a.1.png"),
            "images/x%22%20onerror=%22a.1.png"
        );
        assert_eq!(
            encode_path("images/a, b#c?.png"),
            "images/a%2C%20b%23c%3F.png"
        );
        assert_eq!(encode_path("images/图.png"), "images/%E5%9B%BE.png");
        assert_eq!(encode_path("images/icon.ab12.png"), "images/icon.ab12.png");
    }
}
