//! Where each key of site.toml is: `KeyLines`, read once with the file, so a message about a
//! value points at its line.

use serde::Deserialize;

use crate::error::line_col;

/// The 1-based line of every key and array element set in site.toml, by its path
/// (`output_dir`, `images.max_pixels`, `contact.0.href`, `footer.1`), read once with the file:
/// a message about a value points at its line without reading and parsing the file again.
#[derive(Debug, Clone, Default)]
pub struct KeyLines(std::collections::BTreeMap<String, usize>);

impl KeyLines {
    /// The lines of `text` (none when it is not TOML: its parse error is reported anyway).
    pub fn read(text: &str) -> KeyLines {
        let mut lines = KeyLines::default();
        if let Ok(top) = toml::from_str::<TomlNode>(text) {
            lines.walk(text, "", &top);
        }
        lines
    }

    fn walk(&mut self, text: &str, prefix: &str, node: &TomlNode) {
        let children: Vec<(String, &toml::Spanned<TomlNode>)> = match node {
            TomlNode::Table(entries) => entries.iter().map(|(k, v)| (k.clone(), v)).collect(),
            TomlNode::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, v)| (i.to_string(), v))
                .collect(),
            TomlNode::Leaf => return,
        };
        for (name, value) in children {
            let path = if prefix.is_empty() {
                name
            } else {
                format!("{prefix}.{name}")
            };
            self.0
                .insert(path.clone(), line_col(text, value.span().start).0);
            self.walk(text, &path, value.get_ref());
        }
    }

    /// The line of `key` (`output_dir`, `images.max_pixels`); 0 when it is not set.
    pub fn line(&self, key: &str) -> usize {
        self.0.get(key).copied().unwrap_or(0)
    }
}

/// A TOML value as far as [`KeyLines`] needs it: tables and arrays with where each entry
/// starts, everything else a leaf.
enum TomlNode {
    Table(Vec<(String, toml::Spanned<TomlNode>)>),
    Array(Vec<toml::Spanned<TomlNode>>),
    Leaf,
}

impl<'de> Deserialize<'de> for TomlNode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        d.deserialize_any(TomlNodeVisitor)
    }
}

struct TomlNodeVisitor;

impl<'de> serde::de::Visitor<'de> for TomlNodeVisitor {
    type Value = TomlNode;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a TOML value")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<TomlNode, A::Error> {
        let mut entries = Vec::new();
        while let Some(entry) = map.next_entry()? {
            entries.push(entry);
        }
        Ok(TomlNode::Table(entries))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> std::result::Result<TomlNode, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(TomlNode::Array(items))
    }

    fn visit_bool<E>(self, _: bool) -> std::result::Result<TomlNode, E> {
        Ok(TomlNode::Leaf)
    }
    fn visit_i64<E>(self, _: i64) -> std::result::Result<TomlNode, E> {
        Ok(TomlNode::Leaf)
    }
    fn visit_u64<E>(self, _: u64) -> std::result::Result<TomlNode, E> {
        Ok(TomlNode::Leaf)
    }
    fn visit_f64<E>(self, _: f64) -> std::result::Result<TomlNode, E> {
        Ok(TomlNode::Leaf)
    }
    fn visit_str<E>(self, _: &str) -> std::result::Result<TomlNode, E> {
        Ok(TomlNode::Leaf)
    }
}
