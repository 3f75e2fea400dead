//! schema.org `FAQPage` JSON-LD of question and chapter pages (answers as plain text), made
//! only when a page is rendered; for its key, the digests of what it is made of.

use serde::Serialize;

use super::context::Renderer;
use super::key::Digest;

/// schema.org FAQPage JSON-LD of some question pages: built (as a string) only when the page
/// is rendered; for the key, the digests of what it is made of.
pub struct JsonLd<'r, 'a> {
    pub(super) renderer: &'r Renderer<'a>,
    pub(super) questions: Vec<usize>,
}

impl Serialize for JsonLd<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        if self.questions.is_empty() {
            s.serialize_str("")
        } else if !s.is_human_readable() {
            use serde::ser::SerializeSeq;
            let digests = self.renderer.digests.get();
            let mut seq = s.serialize_seq(Some(self.questions.len()))?;
            for &q in &self.questions {
                seq.serialize_element(&(
                    &self.renderer.content.pages[q].title,
                    Digest(&digests[q].1),
                ))?;
            }
            seq.end()
        } else {
            s.serialize_str(&self.renderer.faq_jsonld(&self.questions))
        }
    }
}

impl Renderer<'_> {
    /// schema.org FAQPage JSON-LD for the given question pages (answers as plain text).
    pub(super) fn faq_jsonld(&self, questions: &[usize]) -> String {
        #[derive(Serialize)]
        struct Answer<'a> {
            #[serde(rename = "@type")]
            kind: &'static str,
            text: &'a str,
        }
        #[derive(Serialize)]
        struct Question<'a> {
            #[serde(rename = "@type")]
            kind: &'static str,
            name: &'a str,
            #[serde(rename = "acceptedAnswer")]
            accepted_answer: Answer<'a>,
        }
        #[derive(Serialize)]
        struct FaqPage<'a> {
            #[serde(rename = "@context")]
            context: &'static str,
            #[serde(rename = "@type")]
            kind: &'static str,
            #[serde(rename = "dateModified", skip_serializing_if = "Option::is_none")]
            date_modified: Option<&'a str>,
            #[serde(rename = "mainEntity")]
            main_entity: Vec<Question<'a>>,
        }
        // A question page is as new as its answer (a chapter page's intro has no date).
        let date_modified = match questions {
            [q] => self.content.pages[*q].updated.as_deref(),
            _ => None,
        };
        let doc = FaqPage {
            context: "https://schema.org",
            kind: "FAQPage",
            date_modified,
            main_entity: questions
                .iter()
                .map(|&q| Question {
                    kind: "Question",
                    name: &self.content.pages[q].title,
                    accepted_answer: Answer {
                        kind: "Answer",
                        text: &self.rendered[q].text,
                    },
                })
                .collect(),
        };
        // Inside `<script>`: no text may end the element or open a comment in it.
        crate::html::script_json(&serde_json::to_string(&doc).expect("JSON-LD serializes"))
    }
}
