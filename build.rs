//! Embeds the default theme (`themes/default/**`) into the binary, so a site needs no copy of
//! it; a site's own `themes/default/`, `templates/` or `static/` still take precedence.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    // Read when the script runs, not when it was compiled: cargo reuses a compiled build script
    // for another checkout that shares the target folder (CARGO_TARGET_DIR), and `env!` would
    // embed the first checkout's theme, or none once that checkout is gone.
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let theme = Path::new(&manifest).join("themes/default");
    println!("cargo:rerun-if-changed={}", theme.display());
    let mut files: Vec<_> = walkdir(&theme);
    files.sort();
    assert!(
        files.iter().any(|f| f.ends_with("templates/base.html")),
        "the default theme is missing: no {}/templates/base.html",
        theme.display()
    );
    let mut out = String::from("pub static DEFAULT_THEME: &[(&str, &[u8])] = &[\n");
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let rel = f
            .strip_prefix(&theme)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        writeln!(
            out,
            "    ({rel:?}, include_bytes!({:?})),",
            f.display().to_string()
        )
        .unwrap();
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("default_theme.rs");
    std::fs::write(dest, out).unwrap();
}

fn walkdir(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut v = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if e.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            if p.is_dir() {
                println!("cargo:rerun-if-changed={}", p.display());
                v.extend(walkdir(&p));
            } else {
                v.push(p);
            }
        }
    }
    v
}
