//! `faqsite serve`: build, serve the output on loopback, watch the sources, rebuild on change
//! and reload open pages (server-sent events; the small script is injected into HTML responses
//! only here). A failed rebuild, a panic included, keeps the last good site served and shows
//! the error as an overlay in the browser until the next good save; the watcher lives on.
//! Requests that land while a rebuild swaps its output in (or moves a changed file into place)
//! are answered from the output as it is once that is done, never with a 404 of the gap. The HTTP side is `crate::http`.

pub mod reload;
pub mod update;
mod watch;

use std::io::Write;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::mpsc::channel;
use std::sync::{Arc, Condvar, Mutex, PoisonError, RwLock};
use std::time::{Duration, Instant};

use crate::error::{Error, Result};
use crate::http::{self, Head, Targets};
use crate::site::{check_output, load_config, BuildOptions, BuildReport};

pub use reload::EVENTS;
use reload::{stream_events, Hub, RELOAD_SCRIPT};
use update::{build_then, ServeCache};
use watch::{watch, watch_loop, watch_new_folders, WATCHED};

/// The page served for every path while nothing has been built (the first build failed).
const NOTHING_BUILT: &[u8] = b"<!doctype html><html><head><meta charset=\"utf-8\"><title>faqsite</title></head><body><p>Not found, or the site has not been built yet.</p></body></html>";

/// What the request handlers and the rebuilds share.
struct Shared {
    /// The output folder served; unknown while site.toml has never loaded.
    out: RwLock<Option<PathBuf>>,
    hub: Mutex<Hub>,
    /// Whether a build runs (it moves the output aside and the new one in, at its end), and
    /// the files it has still to make after the reload.
    building: Mutex<Building>,
    built: Condvar,
    /// Print each rebuild's stage timings (`serve --timings`).
    timings: bool,
}

impl Shared {
    fn new(out: Option<PathBuf>, timings: bool) -> Shared {
        Shared {
            out: RwLock::new(out),
            hub: Mutex::default(),
            building: Mutex::default(),
            built: Condvar::new(),
            timings,
        }
    }

    fn hub(&self) -> std::sync::MutexGuard<'_, Hub> {
        self.hub.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn out(&self) -> Option<PathBuf> {
        self.out
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn building(&self) -> std::sync::MutexGuard<'_, Building> {
        self.building.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Run `build` with `building` set (cleared again even if it panics).
    fn while_building<T>(&self, build: impl FnOnce() -> T) -> T {
        struct Done<'a>(&'a Shared);
        impl Drop for Done<'_> {
            fn drop(&mut self) {
                *self.0.building() = Building::default();
                self.0.built.notify_all();
            }
        }
        self.building().running = true;
        let _done = Done(self);
        build()
    }

    /// Wait while a build is running and `file` is missing (between a build's two renames: the
    /// old output aside, the new one in; a changed file removed, the new one moved in; or
    /// before the first build put anything there), or is one it makes after the reload.
    fn wait_for_output(&self, file: &Path) {
        let mut building = self.building();
        while building.running
            && (building.pending.contains(file) || std::fs::symlink_metadata(file).is_err())
        {
            building = self
                .built
                .wait(building)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }
}

/// A running build, as requests see it.
#[derive(Default)]
struct Building {
    running: bool,
    /// Files of the output the build makes after the pages (the search index, print.html):
    /// a request for one waits until the build ends, so it never gets an old one.
    pending: std::collections::HashSet<PathBuf>,
}

/// Serve `opts.root` on `bind:port` until the process is stopped; with `timings`, print how
/// long each stage of every rebuild took.
pub fn serve(opts: &BuildOptions, bind: &str, port: u16, timings: bool) -> Result<()> {
    let opts = opts.clone();
    let out = output_folder(&opts)?;
    // The port first: a second `serve` on a busy port must fail before it touches the output.
    let listener = listen(bind, port)?;
    let shared = Arc::new(Shared::new(out, timings));
    let (tx, rx) = channel();
    // Watching starts before the first build, so a save during that build is not missed.
    let watcher = Arc::new(std::sync::Mutex::new(watch(&opts.root, tx)?));
    // A failed first build (a panic too) does not stop the server: with no earlier output to
    // show, every page is a placeholder that shows the error overlay and reloads once a save
    // fixes it.
    let mut cache = ServeCache::default();
    rebuild(&opts, &shared, &mut cache);
    {
        let shared = shared.clone();
        let watcher = watcher.clone();
        let mut watched: Vec<&str> = WATCHED
            .into_iter()
            .filter(|d| opts.root.join(d).is_dir())
            .collect();
        std::thread::spawn(move || {
            watch_loop(rx, |changed| {
                watch_new_folders(&watcher, &opts.root, &mut watched);
                cache.changed(&changed);
                rebuild(&opts, &shared, &mut cache);
            });
        });
    }
    let local = listener
        .local_addr()
        .map(|a| a.to_string())
        .unwrap_or_else(|_| format!("{bind}:{port}"));
    let what = shared
        .out()
        .map_or_else(|| "the site".to_string(), |o| o.display().to_string());
    // Announced only now that the watcher is in place: a save right after this line counts.
    println!("serving {what} at http://{local}/ (Ctrl+C to stop)");
    let _ = std::io::stdout().flush();

    accept_loop(&listener, &shared);
    drop(watcher);
    Ok(())
}

/// The most connections answered at once (open pages hold one each for reloads); those past
/// it get 503 at once rather than a thread each.
const MAX_CONNECTIONS: usize = 64;

/// Answer each connection on a thread of its own, at most [`MAX_CONNECTIONS`] at once. Never
/// returns: a connection that cannot be accepted, or given a thread, is dropped and the
/// server goes on (after a pause when accepting fails, e.g. out of file descriptors).
fn accept_loop(listener: &TcpListener, shared: &Arc<Shared>) {
    let open = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    loop {
        let stream = match listener.accept() {
            Ok((stream, _)) => stream,
            Err(_) => {
                std::thread::sleep(Duration::from_millis(50));
                continue;
            }
        };
        let Some(slot) = Slot::take(&open) else {
            let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
            let mut stream = stream;
            let _ = http::respond(
                &mut stream,
                503,
                "text/plain; charset=utf-8",
                b"busy",
                false,
            );
            continue;
        };
        let shared = shared.clone();
        // On failure the closure, and so the connection and its slot, is dropped.
        let _ = std::thread::Builder::new().spawn(move || {
            handle(stream, &shared);
            drop(slot);
        });
    }
}

/// One of the [`MAX_CONNECTIONS`], given back when dropped.
struct Slot(Arc<std::sync::atomic::AtomicUsize>);

impl Slot {
    fn take(open: &Arc<std::sync::atomic::AtomicUsize>) -> Option<Slot> {
        use std::sync::atomic::Ordering;
        let taken = open.fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
            (n < MAX_CONNECTIONS).then_some(n + 1)
        });
        taken.ok().map(|_| Slot(open.clone()))
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, std::sync::atomic::Ordering::AcqRel);
    }
}

/// The output folder named by site.toml (and the command line); None when site.toml is there
/// but cannot be read yet: the first build reports why, and a save that fixes it serves.
fn output_folder(opts: &BuildOptions) -> Result<Option<PathBuf>> {
    match load_config(opts) {
        // A folder the build may not replace is not served either.
        Ok((config, out)) => check_output(opts, &config, &out).map(|_| Some(out)),
        Err(_) if opts.root.join(crate::config::CONFIG_FILE).is_file() => Ok(None),
        Err(e) => Err(e),
    }
}

fn listen(bind: &str, port: u16) -> Result<TcpListener> {
    let addr: SocketAddr = format!("{bind}:{port}")
        .parse()
        .map_err(|e| Error::Other(format!("cannot listen on {bind}:{port}: {e}")))?;
    TcpListener::bind(addr).map_err(|e| {
        Error::Other(format!(
            "cannot listen on {addr}: {e}\n    = help: is another `faqsite serve` running? Stop it, or pick another port with --port"
        ))
    })
}

/// How a build ended.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Built,
    Failed,
    /// The build panicked (a bug in faqsite); it was caught and reported like an error.
    Panicked,
}

/// Build; tell the browsers to reload (as soon as the pages are in place), or show them the
/// error.
fn rebuild(opts: &BuildOptions, shared: &Shared, cache: &mut ServeCache) {
    if build_reported(shared, |pages_done| build_then(opts, cache, pages_done)) == Outcome::Panicked
    {
        // A build that stopped half-way may have left its cache half-made.
        *cache = ServeCache::default();
    }
}

/// Run `build` (catching a panic), then report its outcome on the terminal and to the
/// browsers. A build that calls the function it is given once its pages are in place has the
/// browsers reload then; the files it names are held back from requests until it ends.
fn build_reported(
    shared: &Shared,
    build: impl FnOnce(&mut dyn FnMut(&[PathBuf])) -> Result<BuildReport>,
) -> Outcome {
    let start = Instant::now();
    let mut reloaded = false;
    let mut pages_done = |pending: &[PathBuf]| {
        if let Some(out) = shared.out() {
            shared.building().pending = pending.iter().map(|p| out.join(p)).collect();
        }
        println!("reloaded after {} ms", start.elapsed().as_millis());
        let mut hub = shared.hub();
        hub.last_error = None;
        hub.send("reload", "{}");
        reloaded = true;
    };
    let result =
        shared.while_building(|| catch_unwind(AssertUnwindSafe(|| build(&mut pages_done))));
    let (outcome, text) = match result {
        Ok(Ok(report)) => {
            for w in &report.warnings {
                eprintln!("{w}");
            }
            println!("rebuilt in {} ms", start.elapsed().as_millis());
            if shared.timings {
                let laps = |time: fn(&crate::site::Lap) -> Duration| {
                    let laps: Vec<String> = report
                        .timings
                        .iter()
                        .map(|l| format!("{} {:.1}", l.stage, time(l).as_secs_f64() * 1000.0))
                        .collect();
                    laps.join(", ")
                };
                println!("  ms: {}", laps(|l| l.wall));
                println!("  cpu ms: {}", laps(|l| l.cpu));
            }
            *shared.out.write().unwrap_or_else(PoisonError::into_inner) = Some(report.output_dir);
            let mut hub = shared.hub();
            hub.last_error = None;
            if !reloaded {
                hub.send("reload", "{}");
            }
            return Outcome::Built;
        }
        Ok(Err(e)) => (Outcome::Failed, e.to_string()),
        Err(panic) => (
            Outcome::Panicked,
            format!(
                "faqsite crashed while building: {}\nThis is a bug in faqsite; please report it with the file you last changed.",
                panic_message(panic.as_ref())
            ),
        ),
    };
    let served = if shared.out().is_some_and(|o| o.is_dir()) {
        "still serving the last good site"
    } else {
        "every page shows this error until a save fixes it"
    };
    eprintln!("{text}\nbuild failed; {served}");
    let json = serde_json::to_string(&text).unwrap_or_default();
    let mut hub = shared.hub();
    hub.last_error = Some(json.clone());
    hub.send("error-report", &json);
    outcome
}

/// The text a panic was raised with.
fn panic_message(payload: &(dyn std::any::Any + Send)) -> &str {
    payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(no message)")
}

/// Answer one HTTP request (GET/HEAD; a connection per request).
fn handle(mut stream: TcpStream, shared: &Shared) {
    let request = match http::read_head(&mut stream, Targets::Path) {
        Head::Request(request) => request,
        Head::Refuse(status) => return http::refuse(stream, status),
        Head::Gone => return,
    };
    let local = stream.local_addr().map(|a| a.ip());
    if !local.is_ok_and(|ip| http::host_is_local(request.single_header("Host"), ip)) {
        return http::refuse(stream, 421);
    }
    let (method, target) = (request.method, request.target);
    if method != "GET" && method != "HEAD" {
        let _ = http::respond(
            &mut stream,
            405,
            "text/plain; charset=utf-8",
            b"method not allowed",
            false,
        );
        return;
    }
    let head_only = method == "HEAD";
    let (path, query) = http::split_target(&target);
    if path == EVENTS {
        let (tx, rx) = channel();
        {
            let mut hub = shared.hub();
            if let Some(err) = &hub.last_error {
                let _ = tx.send(format!("event: error-report\ndata: {err}\n\n"));
            }
            hub.clients.push(tx);
        }
        let _ = stream_events(&mut stream, &rx);
        return;
    }
    let _ = match find_settled(shared, path) {
        InOutput::Forbidden => http::respond(
            &mut stream,
            403,
            "text/plain; charset=utf-8",
            b"forbidden",
            head_only,
        ),
        // A folder asked for without its trailing slash: redirect, so the page's relative
        // links resolve against the folder.
        InOutput::Folder => http::redirect_to_folder(&mut stream, path, query),
        InOutput::File(file, bytes) => send_page(&mut stream, 200, &file, bytes, head_only),
        InOutput::Missing => {
            let (file, bytes) = not_found_page(shared);
            send_page(&mut stream, 404, &file, bytes, head_only)
        }
    };
}

/// What a request path names in the output.
enum InOutput {
    File(PathBuf, Vec<u8>),
    /// A folder with an index.html, named without its trailing slash.
    Folder,
    Missing,
    /// A path that would leave the output folder.
    Forbidden,
}

/// [`find`], once a running build has put the file in place: a request that finds the output
/// away (mid-swap, or not built yet), or asks for a file the build makes after the reload,
/// waits for the build to end.
fn find_settled(shared: &Shared, path: &str) -> InOutput {
    find_settled_reading(shared, path, &|file| std::fs::read(file))
}

/// [`find_settled`], reading files with `read` (a test makes a build replace the file just
/// before it is read).
fn find_settled_reading(shared: &Shared, path: &str, read: &Read<'_>) -> InOutput {
    let Some(out) = shared.out() else {
        return InOutput::Missing;
    };
    // A build can replace the file between the wait and the read (it removes the old file,
    // then moves the new one in): a read that finds nothing waits again and retries.
    let mut found = InOutput::Missing;
    for _ in 0..3 {
        if let Some(file) = http::resolve(&out, path) {
            // (one the build makes after the reload, or missing while the build runs)
            shared.wait_for_output(&file);
        }
        found = find(&out, path, read);
        if !matches!(found, InOutput::Missing) {
            break;
        }
    }
    found
}

type Read<'a> = dyn Fn(&Path) -> std::io::Result<Vec<u8>> + 'a;

fn find(out: &Path, path: &str, read: &Read<'_>) -> InOutput {
    let Some(file) = http::resolve(out, path) else {
        return InOutput::Forbidden;
    };
    if file.ends_with("index.html")
        && !path.ends_with('/')
        && !path.ends_with("index.html")
        && file.is_file()
    {
        return InOutput::Folder;
    }
    match read(&file) {
        Ok(bytes) => InOutput::File(file, bytes),
        Err(_) => InOutput::Missing,
    }
}

/// The site's 404.html, or a placeholder when there is none (nothing built yet, or a theme
/// without one).
fn not_found_page(shared: &Shared) -> (PathBuf, Vec<u8>) {
    let page = shared.out().map(|o| o.join("404.html"));
    match page.as_ref().map(std::fs::read) {
        Some(Ok(bytes)) => (page.unwrap_or_default(), bytes),
        _ => (PathBuf::from("404.html"), NOTHING_BUILT.to_vec()),
    }
}

/// Send a file; HTML gets the live-reload script.
fn send_page(
    stream: &mut TcpStream,
    status: u16,
    file: &Path,
    mut bytes: Vec<u8>,
    head_only: bool,
) -> std::io::Result<()> {
    let ctype = http::mime(file);
    if ctype.starts_with("text/html") {
        let html = String::from_utf8_lossy(&bytes);
        bytes = crate::html::rewrite::insert_before_body_end(&html, RELOAD_SCRIPT).into_bytes();
    }
    http::respond(stream, status, ctype, &bytes, head_only)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change() -> Vec<PathBuf> {
        vec![PathBuf::from("/site/content/01-a/q.md")]
    }

    #[test]
    fn a_build_that_panics_is_reported_and_the_watcher_lives_on() {
        let shared = Arc::new(Shared::new(None, false));
        let (tx, rx) = channel();
        let (done_tx, done_rx) = channel();
        let loop_shared = shared.clone();
        let watcher = std::thread::spawn(move || {
            let mut n = 0;
            watch_loop(rx, |_| {
                n += 1;
                let outcome = if n == 1 {
                    build_reported(&loop_shared, |_| panic!("injected failure {}", 1))
                } else {
                    build_reported(&loop_shared, |_| Err(Error::Other("second build".into())))
                };
                done_tx.send(outcome).unwrap();
            })
        });
        let last_error = || shared.hub().last_error.clone().unwrap_or_default();
        tx.send(change()).unwrap();
        assert_eq!(done_rx.recv().unwrap(), Outcome::Panicked);
        assert!(
            last_error().contains("injected failure 1"),
            "{}",
            last_error()
        );
        assert!(
            !shared.building.lock().unwrap().running,
            "building is cleared after a panic"
        );
        // The next change is still seen, built and reported.
        tx.send(change()).unwrap();
        assert_eq!(done_rx.recv().unwrap(), Outcome::Failed);
        assert!(last_error().contains("second build"), "{}", last_error());
        drop(tx);
        watcher
            .join()
            .expect("the watcher thread ended without a panic");
    }

    #[test]
    fn a_request_during_the_swap_gets_the_new_output() {
        let dir = tempfile::tempdir().unwrap();
        let (out, staged, old) = (
            dir.path().join("public"),
            dir.path().join("staged"),
            dir.path().join("old"),
        );
        for (d, text) in [(&out, "old"), (&staged, "new")] {
            std::fs::create_dir_all(d).unwrap();
            std::fs::write(d.join("a.html"), text).unwrap();
        }
        let shared = Arc::new(Shared::new(Some(out.clone()), false));
        let (gap_tx, gap_rx) = channel();
        let builder = {
            let shared = shared.clone();
            std::thread::spawn(move || {
                shared.while_building(|| {
                    std::fs::rename(&out, &old).unwrap();
                    gap_tx.send(()).unwrap();
                    // The request below is made in this gap, and must wait for its end.
                    std::thread::sleep(Duration::from_millis(100));
                    std::fs::rename(&staged, &out).unwrap();
                })
            })
        };
        gap_rx.recv().unwrap();
        match find_settled(&shared, "/a.html") {
            InOutput::File(_, bytes) => assert_eq!(bytes, b"new"),
            _ => panic!("a request during the swap missed"),
        }
        builder.join().unwrap();
    }

    /// A build removes a changed file and moves the new one in: a request that saw the old
    /// file but reads in between waits for the build and gets the new one.
    #[test]
    fn a_file_replaced_between_the_wait_and_the_read_is_read_again() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("a.html"), "old").unwrap();
        let shared = Arc::new(Shared::new(Some(out.clone()), false));
        let builder = std::sync::Mutex::new(None);
        let read = |file: &Path| {
            let mut builder = builder.lock().unwrap();
            if builder.is_none() {
                // The first read comes just after the build removed the old file.
                let (gap_tx, gap_rx) = channel();
                let (shared, out) = (shared.clone(), out.clone());
                *builder = Some(std::thread::spawn(move || {
                    shared.while_building(|| {
                        std::fs::remove_file(out.join("a.html")).unwrap();
                        gap_tx.send(()).unwrap();
                        std::thread::sleep(Duration::from_millis(100));
                        std::fs::write(out.join("a.html"), "new").unwrap();
                    })
                }));
                gap_rx.recv().unwrap();
            }
            std::fs::read(file)
        };
        match find_settled_reading(&shared, "/a.html", &read) {
            InOutput::File(_, bytes) => assert_eq!(bytes, b"new"),
            _ => panic!("a request while the file was replaced missed"),
        }
        builder.into_inner().unwrap().unwrap().join().unwrap();
    }

    /// A file the build makes after the reload (print.html, the search index) is there, old,
    /// while the build makes it: a request for it waits and gets the new one.
    #[test]
    fn a_request_for_a_file_made_after_the_reload_gets_the_new_one() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("print.html"), "old").unwrap();
        let shared = Arc::new(Shared::new(Some(out.clone()), false));
        let (ready_tx, ready_rx) = channel();
        let builder = {
            let shared = shared.clone();
            std::thread::spawn(move || {
                shared.while_building(|| {
                    shared.building().pending = [out.join("print.html")].into_iter().collect();
                    ready_tx.send(()).unwrap();
                    // The request below is made now, and must wait for the new file.
                    std::thread::sleep(Duration::from_millis(100));
                    std::fs::write(out.join("print.html"), "new").unwrap();
                })
            })
        };
        ready_rx.recv().unwrap();
        match find_settled(&shared, "/print.html") {
            InOutput::File(_, bytes) => assert_eq!(bytes, b"new"),
            _ => panic!("the request found nothing"),
        }
        builder.join().unwrap();
    }
}
