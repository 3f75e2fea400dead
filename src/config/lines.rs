//! Where each key of site.toml is: `KeyLines`, read once with the file, so a message about a
//! value points at its line.

use crate::error::line_col;

/// The 1-based line of every key and array element set in site.toml, by its path
/// (`output_dir`, `images.max_pixels`, `contact.0.href`, `footer.1`), read once with the file:
/// a message about a value points at its line without reading and parsing the file again.
#[derive(Debug, Clone, Default)]
pub struct KeyLines(std::collections::BTreeMap<String, usize>);

impl KeyLines {
    /// The lines of `text` (none when it is not TOML: its parse error is reported anyway),
    /// read by toml_edit, which keeps where each key and value was written (serde's `Spanned`
    /// refused a table named by a dotted header, `[languages.en]`, and so every line).
    pub fn read(text: &str) -> KeyLines {
        let mut lines = KeyLines::default();
        if let Ok(doc) = toml_edit::ImDocument::parse(text) {
            lines.table(text, "", doc.as_table());
        }
        lines
    }

    fn at(&mut self, text: &str, path: &str, span: Option<std::ops::Range<usize>>) {
        if let Some(span) = span {
            self.0
                .insert(path.to_string(), line_col(text, span.start).0);
        }
    }

    /// The keys of a table, `[header]` or `{ inline }`, and what is inside their values.
    fn table(&mut self, text: &str, prefix: &str, table: &dyn toml_edit::TableLike) {
        for (name, item) in table.iter() {
            let path = join(prefix, name);
            let key = table.get_key_value(name).and_then(|(k, _)| k.span());
            self.at(text, &path, key.or_else(|| item.span()));
            match item {
                toml_edit::Item::Table(t) => self.table(text, &path, t),
                toml_edit::Item::ArrayOfTables(tables) => {
                    for (i, t) in tables.iter().enumerate() {
                        let path = join(&path, &i.to_string());
                        self.at(text, &path, t.span());
                        self.table(text, &path, t);
                    }
                }
                toml_edit::Item::Value(v) => self.value(text, &path, v),
                toml_edit::Item::None => {}
            }
        }
    }

    fn value(&mut self, text: &str, path: &str, value: &toml_edit::Value) {
        match value {
            toml_edit::Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    let path = join(path, &i.to_string());
                    self.at(text, &path, v.span());
                    self.value(text, &path, v);
                }
            }
            toml_edit::Value::InlineTable(t) => self.table(text, path, t),
            _ => {}
        }
    }

    /// The line of `key` (`output_dir`, `images.max_pixels`); 0 when it is not set.
    pub fn line(&self, key: &str) -> usize {
        self.0.get(key).copied().unwrap_or(0)
    }
}

/// `prefix.name`, or `name` at the top.
fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}.{name}")
    }
}
