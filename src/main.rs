//! Command line: parses arguments and hands them to the library.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// faqsite: build a static FAQ / help-center site from Markdown.
#[derive(Parser)]
#[command(version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder (public/ by default).
    Build {
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
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build {
            root,
            output_dir,
            base_url,
            drafts,
            strict,
            timings,
            force,
            pdf,
        } => {
            let opts = faqsite::site::BuildOptions {
                root,
                output_dir,
                base_url,
                drafts,
                strict,
                force,
                pdf,
            };
            match faqsite::site::build(&opts) {
                Ok(report) => {
                    for w in &report.warnings {
                        eprintln!("{}", w.to_string().replacen(": error: ", ": warning: ", 1));
                    }
                    if report.up_to_date {
                        println!(
                            "{} is up to date (nothing changed; --force rebuilds)",
                            report.output_dir.display()
                        );
                        return ExitCode::SUCCESS;
                    }
                    println!(
                        "built {} pages ({} files, {} images: {} variants encoded, {} from cache) into {}",
                        report.pages,
                        report.files,
                        report.images_processed,
                        report.images_encoded,
                        report.images_reused,
                        report.output_dir.display()
                    );
                    if timings {
                        for (stage, d) in &report.timings {
                            println!("  {stage:<10} {:>8.1} ms", d.as_secs_f64() * 1000.0);
                        }
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("{e}");
                    eprintln!("build failed; the output folder was left as it was");
                    ExitCode::FAILURE
                }
            }
        }
    }
}
