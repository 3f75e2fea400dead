//! Escaping for what faqsite writes into HTML: the one HTML escaper (element text and quoted
//! attribute values, also used by Tera's autoescape and for XML), JSON made safe inside a
//! `<script>` element, and percent-encoding of URL paths; `rewrite.rs`: every edit or reading
//! of HTML already written. A leaf: imports nothing of faqsite.

use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};

pub mod rewrite;
pub use rewrite::prefix_ids;

/// HTML-escape text for element content and quoted attribute values (also valid XML).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    let mut last = 0;
    // The five special characters are ASCII: copy the runs between them as they are.
    for (i, b) in s.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&s[last..i]);
        out.push_str(entity);
        last = i + 1;
    }
    out.push_str(&s[last..]);
    out
}

/// JSON text made safe to put between `<script>` and `</script>`: `<`, `>` and `&` become
/// `\u003c`, `\u003e`, `\u0026` (so no string can end the script or open a comment in it), and
/// U+2028/U+2029 are escaped too (line terminators in older JavaScript). Only JSON strings
/// hold these characters, so the result is the same JSON value.
pub fn script_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + 16);
    let mut last = 0;
    let bytes = json.as_bytes();
    // All five are found by their bytes (U+2028/9 are E2 80 A8/A9): the runs between them are
    // copied as they are.
    for (i, &b) in bytes.iter().enumerate() {
        let escaped = match b {
            b'<' => "\\u003c",
            b'>' => "\\u003e",
            b'&' => "\\u0026",
            0xE2 if bytes.get(i + 1) == Some(&0x80) => match bytes.get(i + 2) {
                Some(0xA8) => "\\u2028",
                Some(0xA9) => "\\u2029",
                _ => continue,
            },
            _ => continue,
        };
        out.push_str(&json[last..i]);
        out.push_str(escaped);
        last = i + if b == 0xE2 { 3 } else { 1 };
    }
    out.push_str(&json[last..]);
    out
}

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
