//! `serve`'s reload channel: the server-sent event stream (`/__faqsite/events`) each open page
//! listens to, the script that makes a page listen (put before its `</body>`), and the hub that
//! sends every page "reload" after a rebuild or the build's error to show over the page.

use std::io::Write;
use std::net::TcpStream;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::time::Duration;

/// URL path of the event stream.
pub const EVENTS: &str = "/__faqsite/events";

pub(super) const RELOAD_SCRIPT: &str = r#"<script>(function(){var o;function overlay(t){if(!o){o=document.createElement('pre');o.id='faqsite-error';o.setAttribute('role','alert');o.style.cssText='position:fixed;inset:1rem;z-index:9999;overflow:auto;margin:0;padding:1rem 1.25rem;background:#2b0d0d;color:#ffe3e3;border:3px solid #ff6b6b;border-radius:8px;font:14px/1.5 ui-monospace,monospace;white-space:pre-wrap';document.body.appendChild(o);}o.textContent='faqsite: build failed\n\n'+t;}var es=new EventSource('/__faqsite/events');es.addEventListener('reload',function(){location.reload();});es.addEventListener('error-report',function(e){overlay(JSON.parse(e.data));});})();</script>"#;

/// Subscribers of the event stream, and the last build error (for pages opened after it).
#[derive(Default)]
pub(super) struct Hub {
    pub(super) clients: Vec<Sender<String>>,
    pub(super) last_error: Option<String>,
}

impl Hub {
    pub(super) fn send(&mut self, event: &str, data: &str) {
        let msg = format!("event: {event}\ndata: {data}\n\n");
        self.clients.retain(|c| c.send(msg.clone()).is_ok());
    }
}

/// Server-sent events: each event is written and flushed as it comes; a comment every 15 s
/// keeps the connection open and notices browsers that have gone.
pub(super) fn stream_events(stream: &mut TcpStream, rx: &Receiver<String>) -> std::io::Result<()> {
    write!(
        stream,
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nConnection: keep-alive\r\n\r\n: connected\n\n"
    )?;
    stream.flush()?;
    loop {
        let msg = match rx.recv_timeout(Duration::from_secs(15)) {
            Ok(m) => m,
            Err(RecvTimeoutError::Timeout) => ": ping\n\n".to_string(),
            Err(RecvTimeoutError::Disconnected) => return Ok(()),
        };
        stream.write_all(msg.as_bytes())?;
        stream.flush()?;
    }
}
