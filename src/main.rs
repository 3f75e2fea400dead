//! Command line: parses arguments and hands them to the library.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use faqsite::error::Diagnostic;
use faqsite::site::BuildOptions;

/// mimalloc instead of glibc's malloc: a 100,000-question build spent ~40 % of its templates
/// stage in glibc's malloc and free (consolidating a fragmented heap of a million small
/// strings), which grew faster than the site.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

extern "C" {
    /// mimalloc's `mi_option_set` (linked with the allocator above; the `mimalloc` crate's
    /// bindings to it need a crate not in this build).
    fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
}

/// A command that ends when its one run ends (all but `serve`) keeps the memory it frees until
/// it exits. mimalloc gives freed memory back to the system after a second (its
/// `purge_delay`), and the next stage that needed it had it zeroed again page by page: at
/// 10,000 questions a fifth of a build's CPU time was at times the kernel clearing pages
/// (benches/README.md, "Memory given back mid-build"). `serve` keeps the default: it
/// idles between rebuilds.
fn keep_freed_memory() {
    /// `mi_option_purge_delay` in mimalloc.h's `mi_option_e` (v2 and v3); -1: never purge.
    const PURGE_DELAY: std::ffi::c_int = 15;
    // SAFETY: sets one of mimalloc's options, which it reads atomically; any value is valid.
    unsafe { mi_option_set(PURGE_DELAY, -1) }
}

/// faqsite: build a static FAQ / help-center site from Markdown.
#[derive(Parser)]
#[command(version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Args)]
struct Site {
    /// The site folder, where site.toml is.
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Where to write the site (overrides output_dir of site.toml).
    #[arg(long)]
    output_dir: Option<PathBuf>,
    /// Absolute URL the site will be served from (enables sitemap.xml and robots.txt).
    #[arg(long)]
    base_url: Option<String>,
    /// Include pages marked draft = true.
    #[arg(long)]
    drafts: bool,
    /// Delete what the output folder holds even though faqsite did not write it (never the
    /// site, its source folders or a file).
    #[arg(long)]
    replace_output: bool,
    /// The most `[images] max_pixels` of site.toml may be (40000000 unless given here).
    #[arg(long, value_name = "PIXELS")]
    max_image_pixels: Option<u64>,
    /// The most `[images] max_memory_mb` of site.toml may be (512 unless given here).
    #[arg(long, value_name = "MIB")]
    max_image_memory_mb: Option<u64>,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder (public/ by default).
    Build {
        #[command(flatten)]
        site: Site,
        /// Treat warnings (e.g. an image without alt text) as errors.
        #[arg(long)]
        strict: bool,
        /// Print how long each stage took.
        #[arg(long)]
        timings: bool,
        /// Rebuild even if nothing changed since the last build.
        #[arg(long)]
        force: bool,
        /// Also write manual.pdf (the printable manual) with headless Chromium.
        #[arg(long)]
        pdf: bool,
        /// The Chromium or Chrome to print manual.pdf with (default: $FAQSITE_BROWSER, else
        /// chromium, chromium-browser or google-chrome on PATH).
        #[arg(long, value_name = "PATH")]
        browser: Option<PathBuf>,
    },
    /// Build, serve on http://127.0.0.1:1111, rebuild and reload the browser on every save.
    Serve {
        #[command(flatten)]
        site: Site,
        /// Port to listen on (0 picks a free one).
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Address to listen on (loopback by default).
        #[arg(long, default_value = "127.0.0.1")]
        bind: String,
        /// Print how long each stage of every rebuild took.
        #[arg(long)]
        timings: bool,
    },
    /// Run every stage of the build without writing anything (no output, no cache) and report
    /// every problem the build would: dead links, missing images and alt text, empty answers,
    /// duplicate titles, template errors, unknown front matter keys, …
    Check {
        #[command(flatten)]
        site: Site,
        /// Treat warnings (e.g. an image without alt text) as errors, as build --strict does.
        #[arg(long)]
        strict: bool,
        /// Also check that external links answer, without an error status (skipped when
        /// offline).
        #[arg(long)]
        external: bool,
        /// With --external: seconds to wait for one link's answer.
        #[arg(long, value_name = "SECS", default_value_t = 10)]
        link_timeout: u64,
        /// With --external: seconds all the links may take together.
        #[arg(long, value_name = "SECS", default_value_t = 120)]
        external_time_limit: u64,
        /// With --external: also connect to links whose host resolves to a loopback, private,
        /// link-local or other non-public address (an intranet's own checks; never in CI for
        /// pull requests: a link could then reach the build machine's network).
        #[arg(long)]
        allow_private_addresses: bool,
    },
    /// Create a new question or chapter with the next weight and an ASCII file name.
    New {
        /// The site folder, where site.toml is.
        #[arg(long, default_value = ".", global = true)]
        root: PathBuf,
        #[command(subcommand)]
        what: New,
    },
    /// Create a minimal working site in DIR.
    Init {
        dir: PathBuf,
        /// The site's language: zh-CN writes Chinese sample words, any other (en, en-GB, …)
        /// English ones.
        #[arg(long, default_value = "zh-CN")]
        language: String,
        /// Also in these languages (`--translations en`): a `[languages.<code>]` table each and
        /// the sample pages translated beside their originals.
        #[arg(long, value_delimiter = ',', value_name = "CODES")]
        translations: Vec<String>,
    },
    /// Turn long FAQ documents (Markdown .md, Word .docx) into chapters and questions: one
    /// chapter per file or top heading, one question per heading with no sub-heading.
    Import {
        /// The documents to import.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The site folder to write into (content/ and images/); created when missing.
        #[arg(long, default_value = ".")]
        into: PathBuf,
        /// Report what would be made, write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// What readers searched for and did not find, which answers did not help, which contacts
    /// they used: read from the web server's access logs (nginx, Apache, Caddy JSON; .gz too)
    /// of a site built with `[feedback] enabled = true`.
    Report {
        /// The access logs to read.
        #[arg(required = true)]
        logs: Vec<PathBuf>,
        /// The site folder (for question titles, and the keyword that would have found one).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Also write the report as one HTML page with charts.
        #[arg(long, value_name = "FILE")]
        html: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum New {
    /// faqsite new question --chapter 02-drivers "如何安装驱动？"
    Question {
        /// The chapter folder under content/.
        #[arg(long)]
        chapter: String,
        title: String,
        /// Write the translation into this language (one of site.toml's [languages]) of the
        /// question named by --of, beside it: `--lang en --of install-driver` → install-driver.en.md.
        #[arg(long, requires = "of")]
        lang: Option<String>,
        /// With --lang: the question's file name (`install-driver` or `install-driver.md`).
        #[arg(long, requires = "lang")]
        of: Option<String>,
    },
    /// faqsite new chapter "证书更新问题"
    Chapter {
        title: String,
        /// Write the translation of chapter --of's intro into this language instead
        /// (`_index.en.md` beside `_index.md`).
        #[arg(long, requires = "of")]
        lang: Option<String>,
        /// With --lang: the chapter folder under content/.
        #[arg(long, requires = "lang")]
        of: Option<String>,
    },
}

/// Diagnostics in red (errors) or yellow (warnings) on a terminal, plain otherwise (and with
/// NO_COLOR).
fn print_diagnostic(d: &Diagnostic) {
    let text = d.to_string();
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    if color {
        let code = if d.is_error() { "31" } else { "33" };
        let mut lines = text.lines();
        if let Some(first) = lines.next() {
            eprintln!("\x1b[1;{code}m{first}\x1b[0m");
        }
        for l in lines {
            eprintln!("\x1b[2m{l}\x1b[0m");
        }
    } else {
        eprintln!("{text}");
    }
}

fn fail(e: faqsite::error::Error) -> ExitCode {
    if e.diagnostics().is_empty() {
        eprintln!("error: {e}");
    } else {
        for d in e.diagnostics() {
            print_diagnostic(d);
        }
        eprintln!("{}", faqsite::error::count(e.diagnostics()));
    }
    ExitCode::FAILURE
}

fn options(site: Site) -> BuildOptions {
    let ceiling = faqsite::config::ImageCeiling::default();
    BuildOptions {
        root: site.root,
        output_dir: site.output_dir,
        base_url: site.base_url,
        drafts: site.drafts,
        replace_output: site.replace_output,
        image_ceiling: faqsite::config::ImageCeiling {
            max_pixels: site.max_image_pixels.unwrap_or(ceiling.max_pixels),
            max_memory_mb: site.max_image_memory_mb.unwrap_or(ceiling.max_memory_mb),
        },
        ..Default::default()
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if !matches!(cli.command, Command::Serve { .. }) {
        keep_freed_memory();
    }
    match cli.command {
        Command::Build {
            site,
            strict,
            timings,
            force,
            pdf,
            browser,
        } => {
            let opts = BuildOptions {
                strict,
                force,
                pdf,
                browser,
                ..options(site)
            };
            build(&opts, timings)
        }
        Command::Serve {
            site,
            port,
            bind,
            timings,
        } => {
            // Serving rebuilds on every change: never skip a build as "up to date".
            let opts = BuildOptions {
                force: true,
                ..options(site)
            };
            match faqsite::serve::serve(&opts, &bind, port, timings) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => fail(e),
            }
        }
        Command::Check {
            site,
            strict,
            external,
            link_timeout,
            external_time_limit,
            allow_private_addresses,
        } => {
            let opts = BuildOptions {
                strict,
                ..options(site)
            };
            let limits = external.then_some(faqsite::check::ExternalLimits {
                per_link: std::time::Duration::from_secs(link_timeout.max(1)),
                per_run: std::time::Duration::from_secs(external_time_limit.max(1)),
                allow_private: allow_private_addresses,
            });
            check(&opts, limits)
        }
        Command::New { root, what } => new(&root, what),
        Command::Init {
            dir,
            language,
            translations,
        } => init(&dir, &language, &translations),
        Command::Import {
            files,
            into,
            dry_run,
        } => import(&files, &into, dry_run),
        Command::Report { logs, root, html } => report(&logs, &root, html.as_deref()),
    }
}

/// `faqsite report`: the report as text, and as an HTML page with `--html`.
fn report(logs: &[PathBuf], root: &Path, html: Option<&Path>) -> ExitCode {
    let report = match faqsite::report::read(logs, root) {
        Ok(r) => r,
        Err(e) => return fail(e),
    };
    if let Some(file) = html {
        if let Err(e) = std::fs::write(file, report.html()) {
            eprintln!("error: writing {}: {e}", file.display());
            return ExitCode::FAILURE;
        }
        eprintln!("wrote {}", file.display());
    }
    print!("{}", report.text());
    ExitCode::SUCCESS
}

/// `faqsite build`: the warnings, then what was built (and how long each stage took).
fn build(opts: &BuildOptions, timings: bool) -> ExitCode {
    let report = match faqsite::site::build(opts) {
        Ok(report) => report,
        Err(e) => {
            let code = fail(e);
            eprintln!("build failed; the output folder was left as it was");
            return code;
        }
    };
    for w in &report.warnings {
        print_diagnostic(w);
    }
    if report.up_to_date {
        println!(
            "{} is up to date (nothing changed; --force rebuilds)",
            report.output_dir.display()
        );
        return ExitCode::SUCCESS;
    }
    println!(
        "built {} pages ({} files, {} unchanged; {} images: {} variants encoded, {} from cache) into {}",
        report.pages,
        report.files,
        report.unchanged_files,
        report.images_processed,
        report.images_encoded,
        report.images_reused,
        report.output_dir.display()
    );
    if timings {
        for lap in &report.timings {
            println!(
                "  {:<10} {:>8.1} ms  (CPU {:.1} ms)",
                lap.stage,
                lap.wall.as_secs_f64() * 1000.0,
                lap.cpu.as_secs_f64() * 1000.0
            );
        }
    }
    ExitCode::SUCCESS
}

/// `faqsite check`: every problem, notes, and the summary line; failure when one is an error.
fn check(opts: &BuildOptions, external: Option<faqsite::check::ExternalLimits>) -> ExitCode {
    let report = faqsite::check::check(opts, external);
    for d in &report.diagnostics {
        print_diagnostic(d);
    }
    for n in &report.notes {
        eprintln!("note: {n}");
    }
    println!("{}", report.summary());
    if report.has_errors() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// `faqsite new question|chapter`.
fn new(root: &Path, what: New) -> ExitCode {
    let made = match what {
        New::Question {
            chapter,
            title,
            lang: Some(lang),
            of,
        } => faqsite::scaffold::new_translation(root, &chapter, of.as_deref(), (&lang, &title)),
        New::Question { chapter, title, .. } => {
            faqsite::scaffold::new_question(root, &chapter, &title)
        }
        New::Chapter {
            title,
            lang: Some(lang),
            of: Some(chapter),
        } => faqsite::scaffold::new_translation(root, &chapter, None, (&lang, &title)),
        New::Chapter { title, .. } => faqsite::scaffold::new_chapter(root, &title),
    };
    match made {
        Ok(path) => {
            println!("created {}", path.display());
            ExitCode::SUCCESS
        }
        Err(e) => fail(e),
    }
}

/// `faqsite init DIR`.
fn init(dir: &Path, language: &str, translations: &[String]) -> ExitCode {
    match faqsite::scaffold::init_translated(dir, language, translations) {
        Ok(()) => {
            println!(
                "created a new site in {}; build it with: faqsite build --root {}",
                dir.display(),
                dir.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => fail(e),
    }
}

/// `faqsite import FILE…`: what could not be placed (as warnings), each chapter made, a summary.
fn import(files: &[PathBuf], into: &Path, dry_run: bool) -> ExitCode {
    let report = match faqsite::import::import(files, into, dry_run) {
        Ok(report) => report,
        Err(e) => return fail(e),
    };
    for d in &report.notes {
        print_diagnostic(d);
    }
    for c in &report.chapters {
        println!(
            "  {} ({} questions): {}",
            c.dir.display(),
            c.questions,
            c.title
        );
    }
    println!("{}", report.summary());
    ExitCode::SUCCESS
}
