//! Phone numbers in text: whether a value looks like one, and its `tel:` link.

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
}
