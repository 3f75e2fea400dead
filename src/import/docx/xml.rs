//! Reading a part's XML as a stream of start, end and text events (quick-xml: no DTD, no
//! external entity), names without their namespace prefix.

use quick_xml::events::Event;
use quick_xml::Reader;

/// One XML event, names without their namespace prefix.
pub(super) enum Ev {
    Start(String, Vec<(String, String)>),
    End(String),
    Text(String),
}

pub(super) fn local(name: &str) -> String {
    name.rsplit(':').next().unwrap_or_default().to_string()
}

pub(super) fn attr<'a>(attrs: &'a [(String, String)], name: &str) -> &'a str {
    attrs
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

/// Every event of `xml`, in order. A document type declaration is ignored, so no entity is
/// ever defined, let alone fetched; only the five predefined and character references count.
pub(super) fn walk(xml: &str, f: &mut dyn FnMut(Ev)) -> Result<(), String> {
    let mut r = Reader::from_str(xml);
    r.config_mut().expand_empty_elements = true;
    loop {
        let ev = r
            .read_event()
            .map_err(|e| format!("bad XML near byte {}: {e}", r.buffer_position()))?;
        match ev {
            Event::Start(e) => {
                let attrs = e
                    .attributes()
                    .flatten()
                    .map(|a| {
                        let v = a.normalized_value(quick_xml::XmlVersion::Implicit1_0);
                        (
                            local(a.key.as_ref()),
                            v.map(|v| v.into_owned()).unwrap_or_default(),
                        )
                    })
                    .collect();
                f(Ev::Start(local(e.name().as_ref()), attrs));
            }
            Event::End(e) => f(Ev::End(local(e.name().as_ref()))),
            Event::Text(t) => f(Ev::Text(t.xml10_content().into_owned())),
            Event::CData(t) => f(Ev::Text(t.into_inner().into_owned())),
            Event::GeneralRef(e) => {
                let c = match &*e.xml10_content() {
                    "lt" => Some('<'),
                    "gt" => Some('>'),
                    "amp" => Some('&'),
                    "quot" => Some('"'),
                    "apos" => Some('\''),
                    _ => e.resolve_char_ref().ok().flatten(),
                };
                if let Some(c) = c {
                    f(Ev::Text(c.to_string()));
                }
            }
            Event::Eof => return Ok(()),
            _ => {}
        }
    }
}
