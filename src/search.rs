//! Stage 5: search index (being written by the search helper; minimal version).

use serde::Serialize;

use crate::config::SearchConfig;
use crate::error::Result;

pub struct SearchDoc {
    pub id: String,
    pub url: String,
    pub title: String,
    pub chapter: String,
    pub number: String,
    pub tags: Vec<String>,
    pub body: String,
}

pub struct SearchFiles {
    pub js: String,
    pub json: String,
}

pub fn normalize(text: &str) -> String {
    text.to_lowercase()
}

pub fn build(_config: &SearchConfig, docs: &[SearchDoc]) -> Result<SearchFiles> {
    let mut index =
        elasticlunr::IndexBuilder::with_language(Box::new(elasticlunr::lang::Chinese::new()))
            .save_docs(false)
            .add_fields(["title", "body", "chapter", "tags"])
            .set_ref("id")
            .build();
    for d in docs {
        index.add_doc(
            &d.id,
            [
                normalize(&d.title),
                normalize(&d.body),
                normalize(&d.chapter),
                normalize(&d.tags.join(" ")),
            ],
        );
    }
    #[derive(Serialize)]
    struct File<'a> {
        index: &'a elasticlunr::Index,
    }
    let json = serde_json::to_string(&File { index: &index }).expect("serializable");
    Ok(SearchFiles {
        js: format!("window.FAQSITE_SEARCH = {json};\n"),
        json,
    })
}
