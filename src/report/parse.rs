//! Access-log lines → the pages' events (`faqsite report`): nginx's and Apache's combined
//! format and Caddy's JSON, plain or gzip-compressed, read as a stream. A line that is no
//! request for the event file (`_/e.gif?…`) is skipped after one substring search.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use percent_encoding::percent_decode_str;

/// What the page reported (`feedback.js`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// A search the reader stopped at, and how many results it had.
    Search { query: String, results: u32 },
    /// A search result opened: the query, and the question's URL.
    Open { query: String, page: String },
    /// A vote on a question (its URL): helpful or not.
    Vote { page: String, yes: bool },
    /// A contact link used (`which`: its label, or `form`) on a page.
    Contact { which: String, page: String },
}

/// One event and the day it happened (`YYYY-MM-DD`, as the log's time says).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub day: String,
    pub kind: Kind,
}

/// The part of a request's path that marks an event.
const MARK: &str = "e.gif?";

/// The event of one log line, if it is a request for the event file.
pub fn line(line: &str) -> Option<Event> {
    let at = line.find(MARK)?;
    if line.trim_start().starts_with('{') {
        return caddy(line);
    }
    let query = &line[at + MARK.len()..];
    let query = &query[..query.find([' ', '"']).unwrap_or(query.len())];
    Some(Event {
        day: combined_day(line)?,
        kind: kind(query)?,
    })
}

/// The day of a combined-format line: `[10/Oct/2026:13:55:36 +0800]` → `2026-10-10`.
fn combined_day(line: &str) -> Option<String> {
    let start = line.find('[')? + 1;
    let date = line.get(start..start + 11)?;
    let (day, rest) = date.split_once('/')?;
    let (month, year) = rest.split_once('/')?;
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let m = MONTHS.iter().position(|x| *x == month)? + 1;
    Some(format!("{year}-{m:02}-{day}"))
}

/// A Caddy access-log line: `{"ts":1733360000.1,"request":{"uri":"/_/e.gif?…",…},…}`.
fn caddy(line: &str) -> Option<Event> {
    #[derive(serde::Deserialize)]
    struct Line {
        ts: serde_json::Value,
        request: Request,
    }
    #[derive(serde::Deserialize)]
    struct Request {
        uri: String,
    }
    let l: Line = serde_json::from_str(line).ok()?;
    let day = match &l.ts {
        serde_json::Value::Number(n) => {
            let t = jiff::Timestamp::from_second(n.as_f64()? as i64).ok()?;
            t.to_zoned(jiff::tz::TimeZone::UTC).date().to_string()
        }
        serde_json::Value::String(s) => s.get(..10)?.to_string(),
        _ => return None,
    };
    let query = &l.request.uri[l.request.uri.find(MARK)? + MARK.len()..];
    Some(Event {
        day,
        kind: kind(query)?,
    })
}

/// The event a query string (`e=vote&p=…&v=no`) describes.
fn kind(query: &str) -> Option<Kind> {
    let (mut e, mut q, mut p, mut v, mut n, mut c) = (None, None, None, None, None, None);
    for pair in query.split('&') {
        let (k, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = decode(value);
        match k {
            "e" => e = Some(value),
            "q" => q = Some(value),
            "p" => p = Some(value),
            "v" => v = Some(value),
            "n" => n = value.parse::<u32>().ok(),
            "c" => c = Some(value),
            _ => {}
        }
    }
    match e?.as_str() {
        "search" => Some(Kind::Search {
            query: q?,
            results: n?,
        }),
        "open" => Some(Kind::Open {
            query: q?,
            page: p?,
        }),
        "vote" => Some(Kind::Vote {
            page: p?,
            yes: match v?.as_str() {
                "yes" => true,
                "no" => false,
                _ => return None,
            },
        }),
        "contact" => Some(Kind::Contact {
            which: c?,
            page: p?,
        }),
        _ => None,
    }
}

/// A query-string value: `+` as a space, percent-decoded (bytes that are no UTF-8 replaced).
fn decode(value: &str) -> String {
    let spaced = value.replace('+', " ");
    percent_decode_str(&spaced).decode_utf8_lossy().into_owned()
}

/// Every event of the log at `path` (gzip-compressed when its first bytes say so), handed to
/// `each` as it is read; returns the number of lines read.
pub fn file(path: &Path, each: &mut dyn FnMut(Event)) -> std::io::Result<u64> {
    let mut f = std::fs::File::open(path)?;
    let mut magic = [0u8; 2];
    let got = f.read(&mut magic)?;
    let head = std::io::Cursor::new(magic[..got].to_vec());
    let whole = head.chain(f);
    if got == 2 && magic == [0x1f, 0x8b] {
        lines(
            BufReader::new(flate2::read::MultiGzDecoder::new(whole)),
            each,
        )
    } else {
        lines(BufReader::with_capacity(1 << 16, whole), each)
    }
}

/// The events of a stream of lines (one line's buffer, reused: memory stays flat).
fn lines(mut r: impl BufRead, each: &mut dyn FnMut(Event)) -> std::io::Result<u64> {
    let mut buf = Vec::with_capacity(512);
    // Most lines of a log are other requests: found or not without a UTF-8 check.
    let finder = memchr::memmem::Finder::new(MARK);
    let mut count = 0;
    loop {
        buf.clear();
        if r.read_until(b'\n', &mut buf)? == 0 {
            return Ok(count);
        }
        count += 1;
        if finder.find(&buf).is_some() {
            if let Some(e) = line(&String::from_utf8_lossy(&buf)) {
                each(e);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nginx_and_apache_combined_lines() {
        let l = r#"127.0.0.1 - - [05/Dec/2026:01:02:03 +0800] "GET /faq/_/e.gif?e=search&q=U%E7%9B%BE%20%E4%B8%A2%E4%BA%86&n=0 HTTP/1.1" 200 43 "http://x/faq/" "Mozilla/5.0""#;
        let e = line(l).unwrap();
        assert_eq!(e.day, "2026-12-05");
        assert_eq!(
            e.kind,
            Kind::Search {
                query: "U盾 丢了".into(),
                results: 0
            }
        );
        let l = r#"::1 - - [07/Jan/2027:23:59:59 -0700] "GET /_/e.gif?e=vote&p=02-drivers/a.html&v=no HTTP/2.0" 304 - "-" "curl""#;
        assert_eq!(
            line(l).unwrap(),
            Event {
                day: "2027-01-07".into(),
                kind: Kind::Vote {
                    page: "02-drivers/a.html".into(),
                    yes: false
                }
            }
        );
        assert_eq!(
            line(r#"1.2.3.4 - - [05/Dec/2026:01:02:03 +0800] "GET /index.html HTTP/1.1" 200 5"#),
            None
        );
        // An unknown event or a missing field is not an event.
        assert_eq!(
            line(
                r#"h - - [05/Dec/2026:01:02:03 +0800] "GET /_/e.gif?e=vote&p=a.html HTTP/1.1" 200 43"#
            ),
            None
        );
    }

    #[test]
    fn caddy_json_lines() {
        let l = r#"{"level":"info","ts":1764896523.5,"logger":"http.log.access","msg":"handled request","request":{"remote_ip":"127.0.0.1","method":"GET","host":"x","uri":"/_/e.gif?e=contact&c=%E5%AE%A2%E6%9C%8D%E7%94%B5%E8%AF%9D&p=index.html","headers":{}},"status":200}"#;
        let e = line(l).unwrap();
        assert_eq!(e.day, "2025-12-05");
        assert_eq!(
            e.kind,
            Kind::Contact {
                which: "客服电话".into(),
                page: "index.html".into()
            }
        );
    }
}
