//! The progress bar of page rendering, for long builds on a terminal.

/// Progress of page rendering for long builds on a terminal; hidden when stderr is not a
/// terminal, in CI, or for sites small enough to build in a blink.
pub(super) fn progress_bar(pages: usize) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    let show = pages >= 2000 && std::io::stderr().is_terminal() && std::env::var_os("CI").is_none();
    if !show {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(pages as u64);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("rendering {bar:30} {pos}/{len} pages")
    {
        bar.set_style(style);
    }
    bar
}
