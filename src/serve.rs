//! `faqsite serve`: build, serve the output on loopback, watch the sources, rebuild on change
//! and reload open pages (server-sent events; the small script is injected into HTML responses
//! only here). A failed rebuild keeps the last good site served and shows the error as an
//! overlay in the browser until the next good save.

use std::io::{BufRead, BufReader, Write};
use std::net::SocketAddr;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher};

use crate::error::{Error, Result};
use crate::http::{mime, resolve};
use crate::site::{build_cached, load_checked, BuildCache, BuildOptions};

/// URL path of the event stream.
pub const EVENTS: &str = "/__faqsite/events";

const RELOAD_SCRIPT: &str = r#"<script>(function(){var o;function overlay(t){if(!o){o=document.createElement('pre');o.id='faqsite-error';o.setAttribute('role','alert');o.style.cssText='position:fixed;inset:1rem;z-index:9999;overflow:auto;margin:0;padding:1rem 1.25rem;background:#2b0d0d;color:#ffe3e3;border:3px solid #ff6b6b;border-radius:8px;font:14px/1.5 ui-monospace,monospace;white-space:pre-wrap';document.body.appendChild(o);}o.textContent='faqsite: build failed\n\n'+t;}var es=new EventSource('/__faqsite/events');es.addEventListener('reload',function(){location.reload();});es.addEventListener('error-report',function(e){overlay(JSON.parse(e.data));});})();</script>"#;

/// Subscribers of the event stream, and the last build error (for pages opened after it).
#[derive(Default)]
struct Hub {
    clients: Vec<Sender<String>>,
    last_error: Option<String>,
}

impl Hub {
    fn send(&mut self, event: &str, data: &str) {
        let msg = format!("event: {event}\ndata: {data}\n\n");
        self.clients.retain(|c| c.send(msg.clone()).is_ok());
    }
}

/// Serve `opts.root` on `bind:port` until the process is stopped.
pub fn serve(opts: &BuildOptions, bind: &str, port: u16) -> Result<()> {
    let opts = &BuildOptions {
        serving: true,
        ..opts.clone()
    };
    // A folder the build may not replace is not served either.
    let (config, out_dir, _) = load_checked(opts)?;
    let root = opts.root.clone();
    let hub = Arc::new(Mutex::new(Hub::default()));
    // A failed first build does not stop the server either: with no earlier output to show,
    // every page is a placeholder that shows the error overlay and reloads once a save fixes it.
    let mut cache = BuildCache::default();
    let _ = rebuild(opts, &hub, &mut cache);
    let addr: SocketAddr = format!("{bind}:{port}")
        .parse()
        .map_err(|e| Error::Other(format!("cannot listen on {bind}:{port}: {e}")))?;
    let listener = std::net::TcpListener::bind(addr)
        .map_err(|e| Error::Other(format!("cannot listen on {addr}: {e}")))?;
    let local = listener
        .local_addr()
        .map(|a| a.to_string())
        .unwrap_or_else(|_| addr.to_string());

    // Watch the sources; rebuild after 50 ms of quiet.
    const WATCHED: [&str; 5] = ["content", "images", "themes", "templates", "static"];
    let (tx, rx) = channel();
    // notify reports absolute paths (it joins relative ones onto the current folder).
    let watch_root = std::env::current_dir()
        .map(|d| d.join(&root))
        .unwrap_or_else(|_| root.clone());
    // site.toml is watched through the site folder (a watch on the file itself ends when an
    // editor saves by writing a new file and renaming it over the old one); of that folder's own
    // entries only site.toml counts (not public/, its staging folder or .faqsite-cache).
    let source = move |p: &Path| {
        p.file_name()
            .is_some_and(|n| n == crate::config::CONFIG_FILE)
            || WATCHED.iter().any(|d| p.starts_with(watch_root.join(d)))
    };
    let mut watcher = notify::recommended_watcher(move |ev: notify::Result<notify::Event>| {
        match ev {
            // Reading a file is no change, and every build reads them all: notify's inotify
            // backend reports opens as Access events, which would rebuild forever.
            Ok(ev) if matches!(ev.kind, notify::EventKind::Access(_)) => {}
            Ok(ev) => {
                let paths: Vec<PathBuf> = ev.paths.into_iter().filter(|p| source(p)).collect();
                if !paths.is_empty() {
                    let _ = tx.send(paths);
                }
            }
            Err(_) => {}
        }
    })
    .map_err(|e| Error::Other(format!("cannot watch files: {e}")))?;
    for dir in WATCHED {
        let p = root.join(dir);
        if p.is_dir() {
            watcher
                .watch(&p, RecursiveMode::Recursive)
                .map_err(|e| Error::Other(format!("cannot watch {}: {e}", p.display())))?;
        }
    }
    watcher
        .watch(&root, RecursiveMode::NonRecursive)
        .map_err(|e| Error::Other(format!("cannot watch {}: {e}", root.display())))?;
    {
        let opts = opts.clone();
        let hub = hub.clone();
        std::thread::spawn(move || watch_loop(rx, &opts, &hub, cache));
    }
    let _ = config;
    // Announced only now that the watcher is in place: a save right after this line counts.
    println!(
        "serving {} at http://{local}/ (Ctrl+C to stop)",
        out_dir.display()
    );
    let _ = std::io::stdout().flush();

    for stream in listener.incoming().flatten() {
        let out_dir = out_dir.clone();
        let hub = hub.clone();
        std::thread::spawn(move || handle(stream, &out_dir, &hub));
    }
    drop(watcher);
    Ok(())
}

fn watch_loop(
    rx: Receiver<Vec<PathBuf>>,
    opts: &BuildOptions,
    hub: &Arc<Mutex<Hub>>,
    mut cache: BuildCache,
) {
    let ignored = |p: &Path| {
        p.components().any(|c| {
            let s = c.as_os_str().to_string_lossy();
            s == crate::fresh::CACHE_DIR
                || s.starts_with(".public")
                || s.ends_with('~')
                || s.starts_with(".#")
        })
    };
    while let Ok(paths) = rx.recv() {
        let mut relevant = paths.iter().any(|p| !ignored(p));
        // Debounce: editors write several events per save.
        let deadline = Instant::now() + Duration::from_millis(50);
        loop {
            match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                Ok(more) => relevant |= more.iter().any(|p| !ignored(p)),
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
        if relevant {
            let _ = rebuild(opts, hub, &mut cache);
        }
    }
}

/// Build; tell the browsers to reload, or show them the error.
fn rebuild(opts: &BuildOptions, hub: &Arc<Mutex<Hub>>, cache: &mut BuildCache) -> Result<()> {
    let start = Instant::now();
    let result = build_cached(opts, cache);
    let mut hub = hub.lock().unwrap_or_else(|e| e.into_inner());
    match result {
        Ok(report) => {
            for w in &report.warnings {
                eprintln!("{}", w.to_string().replacen(": error: ", ": warning: ", 1));
            }
            println!("rebuilt in {} ms", start.elapsed().as_millis());
            hub.last_error = None;
            hub.send("reload", "{}");
            Ok(())
        }
        Err(e) => {
            let text = e.to_string();
            eprintln!("{text}\nbuild failed; still serving the last good site");
            let json = serde_json::to_string(&text).unwrap_or_default();
            hub.last_error = Some(json.clone());
            hub.send("error-report", &json);
            Err(e)
        }
    }
}

/// Answer one HTTP request (GET/HEAD; a connection per request).
fn handle(stream: TcpStream, out: &Path, hub: &Arc<Mutex<Hub>>) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut reader = BufReader::new(match stream.try_clone() {
        Ok(s) => s,
        Err(_) => return,
    });
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    // Skip the headers.
    let mut line = String::new();
    while reader.read_line(&mut line).map(|n| n > 2).unwrap_or(false) {
        line.clear();
    }
    let mut parts = request_line.split_whitespace();
    let method = parts.next().unwrap_or("");
    let url = parts.next().unwrap_or("/").to_string();
    let mut stream = stream;
    if method != "GET" && method != "HEAD" {
        let _ = respond(
            &mut stream,
            405,
            "text/plain; charset=utf-8",
            b"method not allowed",
            false,
        );
        return;
    }
    if url == EVENTS {
        let (tx, rx) = channel();
        {
            let mut hub = hub.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(err) = &hub.last_error {
                let _ = tx.send(format!("event: error-report\ndata: {err}\n\n"));
            }
            hub.clients.push(tx);
        }
        let _ = stream_events(&mut stream, &rx);
        return;
    }
    let Some(file) = resolve(out, &url) else {
        let _ = respond(
            &mut stream,
            403,
            "text/plain; charset=utf-8",
            b"forbidden",
            method == "HEAD",
        );
        return;
    };
    // A folder asked for without its trailing slash: redirect, so the page's relative links
    // resolve against the folder (`/02-drivers` → `/02-drivers/`).
    let (path, query) = url.split_at(url.find(['?', '#']).unwrap_or(url.len()));
    if file.is_file()
        && !path.ends_with('/')
        && !path.ends_with("index.html")
        && file.ends_with("index.html")
    {
        let _ = write!(
            stream,
            "HTTP/1.1 301 Moved Permanently\r\nLocation: {path}/{query}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        );
        return;
    }
    let (status, file) = if file.is_file() {
        (200, file)
    } else {
        (404, out.join("404.html"))
    };
    let (file, mut bytes) = match std::fs::read(&file) {
        Ok(b) => (file, b),
        // No 404.html: nothing was built yet (the first build failed) or the theme has none.
        Err(_) => (
            PathBuf::from("404.html"),
            b"<!doctype html><html><head><meta charset=\"utf-8\"><title>faqsite</title></head><body><p>Not found, or the site has not been built yet.</p></body></html>".to_vec(),
        ),
    };
    if mime(&file).starts_with("text/html") {
        let html = String::from_utf8_lossy(&bytes);
        let injected = match html.rfind("</body>") {
            Some(i) => format!("{}{RELOAD_SCRIPT}{}", &html[..i], &html[i..]),
            None => format!("{html}{RELOAD_SCRIPT}"),
        };
        bytes = injected.into_bytes();
    }
    let _ = respond(&mut stream, status, mime(&file), &bytes, method == "HEAD");
}

fn respond(
    stream: &mut TcpStream,
    status: u16,
    ctype: &str,
    body: &[u8],
    head_only: bool,
) -> std::io::Result<()> {
    let reason = match status {
        200 => "OK",
        403 => "Forbidden",
        404 => "Not Found",
        _ => "Method Not Allowed",
    };
    write!(
        stream,
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    if !head_only {
        stream.write_all(body)?;
    }
    stream.flush()
}

/// Server-sent events: each event is written and flushed as it comes; a comment every 15 s
/// keeps the connection open and notices browsers that have gone.
fn stream_events(stream: &mut TcpStream, rx: &Receiver<String>) -> std::io::Result<()> {
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
