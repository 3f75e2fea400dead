//! A search index file's bytes: the script a sharded index's part is (`FAQSITE_SEARCH_LOAD`), its
//! content hash for `?v=`, and the writing of numbered parts.

use serde::Serialize;

use super::{IndexSink, SearchScript};
use crate::error::Result;
use crate::hash::short_hash;
use crate::output::OutputFile;

pub(super) fn hash8(bytes: &[u8]) -> String {
    short_hash(bytes)[..8].to_string()
}

/// A sharded index's file `search/<kind><n>.js`: a script handing `data` to
/// `FAQSITE_SEARCH_LOAD` of `search.js`.
pub(super) fn load_script(kind: char, n: usize, data: &impl Serialize) -> String {
    let json = serde_json::to_string(data).expect("serializes");
    format!(
        "FAQSITE_SEARCH_LOAD(\"{kind}\",{n},{});\n",
        crate::html::script_json(&json)
    )
}

/// Each part as `search/<kind><n>.js` ([`load_script`]); returns the files' content hashes by part ("" for `None`: no file).
pub(super) fn write_parts<T: Serialize>(
    kind: char,
    parts: impl Iterator<Item = Option<T>>,
    sink: &dyn IndexSink,
) -> Result<Vec<String>> {
    parts
        .enumerate()
        .map(|(n, part)| {
            let Some(part) = part else {
                return Ok(String::new());
            };
            let js = load_script(kind, n, &part);
            let hash = hash8(js.as_bytes());
            sink.write(OutputFile::new(format!("search/{kind}{n}.js"), js))?;
            Ok(hash)
        })
        .collect()
}

/// The script pages load (`path`): `window.<var> = data;`, handed to `sink`.
pub(super) fn write_global(
    var: &str,
    path: &str,
    data: &impl Serialize,
    sink: &dyn IndexSink,
) -> Result<SearchScript> {
    let json = serde_json::to_string(data).expect("serializes");
    let js = format!("window.{var} = {};\n", crate::html::script_json(&json));
    let script = SearchScript {
        path: path.into(),
        version: hash8(js.as_bytes()),
    };
    sink.write(OutputFile::new(path, js))?;
    Ok(script)
}
