//! Inputs that must not reach outside the site or cost without bound: symbolic links that
//! leave the site, images whose header declares a huge size, cut-short images, and a chapter
//! so large that listing all of it on every question page would make the output quadratic.

use crate::common::*;
use std::path::{Path, PathBuf};

#[cfg(unix)]
fn symlink(target: &Path, link: &Path) {
    std::os::unix::fs::symlink(target, link).unwrap();
}

/// Every file under `dir` as text (lossy), for "the secret is nowhere" checks.
fn all_text(dir: &Path) -> String {
    snapshot(dir)
        .values()
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .collect()
}

#[cfg(unix)]
#[test]
fn symlinked_markdown_outside_the_site_is_refused_and_never_shown() {
    let (tmp, site) = fixture("basic");
    // A readable page outside the site, and a file that is not Markdown at all (as
    // /etc/passwd): neither may be published nor quoted in a message.
    let page = tmp.path().join("outside-page.md");
    write_file(
        &page,
        "+++\ntitle = \"SECRET-TITLE-4b1d\"\n+++\nSECRET-BODY-4b1d\n",
    );
    let passwd = tmp.path().join("passwd");
    write_file(&passwd, "root:SECRET-LINE-9c2e:0:0\nother:x\n");
    symlink(&page, &site.join("content/01-basics/leak.md"));
    symlink(&passwd, &site.join("content/01-basics/passwd.md"));

    let (ok, out, err) = run(&["build"], &site);
    assert!(
        !ok,
        "a link out of the site must fail the build:\n{out}\n{err}"
    );
    for link in ["content/01-basics/leak.md", "content/01-basics/passwd.md"] {
        assert!(err.contains(link), "names the link {link}:\n{err}");
    }
    assert!(err.contains(&passwd.display().to_string()), "{err}");
    assert!(err.contains("outside the site"), "{err}");
    assert!(err.contains("help:"), "with a hint:\n{err}");
    for secret in ["SECRET-TITLE", "SECRET-BODY", "SECRET-LINE"] {
        assert!(
            !err.contains(secret) && !out.contains(secret),
            "{secret}:\n{err}"
        );
    }
    let public = site.join("public");
    if public.exists() {
        assert!(!all_text(&public).contains("SECRET"));
    }
    // `check` refuses it the same way, without quoting it either.
    let (ok, out, err) = run(&["check"], &site);
    let said = format!("{out}{err}");
    assert!(
        !ok && said.contains("content/01-basics/passwd.md"),
        "{said}"
    );
    assert!(!said.contains("SECRET"), "{said}");
}

#[cfg(unix)]
#[test]
fn symlinked_chapter_folder_outside_the_site_is_refused() {
    let (tmp, site) = fixture("basic");
    let elsewhere = tmp.path().join("elsewhere");
    write_file(
        &elsewhere.join("_index.md"),
        "+++\ntitle = \"Leaked chapter\"\n+++\n",
    );
    write_file(
        &elsewhere.join("q.md"),
        "+++\ntitle = \"Leaked\"\n+++\nSECRET-CHAPTER-77aa\n",
    );
    symlink(&elsewhere, &site.join("content/03-leak"));
    let (ok, out, err) = run(&["build"], &site);
    assert!(!ok, "{out}\n{err}");
    assert!(err.contains("content/03-leak"), "{err}");
    assert!(err.contains(&elsewhere.display().to_string()), "{err}");
    assert!(!err.contains("SECRET") && !out.contains("SECRET"));
    assert!(!site.join("public").exists() || !all_text(&site.join("public")).contains("SECRET"));
}

#[cfg(unix)]
#[test]
fn symlinked_static_file_or_template_outside_the_site_is_refused() {
    let (tmp, site) = fixture("basic");
    let secret = tmp.path().join("token.txt");
    write_file(&secret, "SECRET-STATIC-5e5e\n");
    std::fs::create_dir_all(site.join("static")).unwrap();
    symlink(&secret, &site.join("static/token.txt"));
    std::fs::create_dir_all(site.join("templates")).unwrap();
    symlink(&secret, &site.join("templates/extra.html"));
    let (ok, out, err) = run(&["build"], &site);
    assert!(!ok, "{out}\n{err}");
    assert!(err.contains("static/token.txt"), "{err}");
    assert!(err.contains("templates/extra.html"), "{err}");
    assert!(!err.contains("SECRET") && !out.contains("SECRET"));
    assert!(!site.join("public").exists() || !all_text(&site.join("public")).contains("SECRET"));
}

#[cfg(unix)]
#[test]
fn symlink_inside_the_site_is_followed_and_its_target_hashed() {
    let (_tmp, site) = fixture("basic");
    let shared = site.join("shared/common-question.md");
    write_file(
        &shared,
        "+++\ntitle = \"Shared question\"\nweight = 99\n+++\nFIRST-VERSION-1a\n",
    );
    symlink(
        Path::new("../../shared/common-question.md"),
        &site.join("content/01-basics/shared.md"),
    );
    let (ok, out, err) = run(&["build"], &site);
    assert!(ok, "{out}\n{err}");
    let page = site.join("public/01-basics/shared.html");
    assert!(read(&page).contains("FIRST-VERSION-1a"));

    // The link stays, its target changes: the next build must see it.
    write_file(
        &shared,
        "+++\ntitle = \"Shared question\"\nweight = 99\n+++\nSECOND-VERSION-2b\n",
    );
    let (ok, out, err) = run(&["build"], &site);
    assert!(ok, "{out}\n{err}");
    assert!(!out.contains("up to date"), "the target changed:\n{out}");
    assert!(read(&page).contains("SECOND-VERSION-2b"));
    // And with nothing changed it is up to date again.
    let (ok, out, _) = run(&["build"], &site);
    assert!(ok && out.contains("up to date"), "{out}");
}

/// The CRC-32 of PNG chunks.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend((data.len() as u32).to_be_bytes());
    let start = out.len();
    out.extend(kind);
    out.extend(data);
    let crc = crc32(&out[start..]);
    out.extend(crc.to_be_bytes());
}

/// A tiny PNG file whose header declares `w`×`h` RGBA pixels (its data is a few bytes).
fn huge_png(w: u32, h: u32) -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend(w.to_be_bytes());
    ihdr.extend(h.to_be_bytes());
    ihdr.extend([8, 6, 0, 0, 0]);
    chunk(&mut png, b"IHDR", &ihdr);
    // A zlib stream of zeros (stored block), far shorter than the image.
    let mut idat = vec![0x78, 0x01, 0x01, 0x00, 0x04, 0xff, 0xfb];
    idat.extend([0u8; 1024]);
    chunk(&mut png, b"IDAT", &idat);
    chunk(&mut png, b"IEND", &[]);
    png
}

fn page_with_image(site: &Path, file: &str) {
    write_file(
        &site.join("content/02-more/picture.md"),
        &format!("+++\ntitle = \"Picture\"\nweight = 40\n+++\n\n![截图](../../images/{file})\n"),
    );
}

#[test]
fn an_image_declaring_a_huge_size_is_refused_from_its_header() {
    let (_tmp, site) = fixture("basic");
    std::fs::write(site.join("images/huge.png"), huge_png(20000, 20000)).unwrap();
    page_with_image(&site, "huge.png");
    let (ok, out, err) = run(&["build"], &site);
    assert!(!ok, "{out}\n{err}");
    assert!(err.contains("huge.png"), "names the file:\n{err}");
    assert!(err.contains("20000×20000"), "its declared size:\n{err}");
    assert!(err.contains("40 megapixels"), "the limit:\n{err}");
    assert!(err.contains("max_pixels"), "how to raise it:\n{err}");

    // site.toml alone cannot raise the limit past its ceiling: a pull request could.
    let toml = read(&site.join("site.toml"));
    write_file(
        &site.join("site.toml"),
        &format!("{toml}\n[images]\nmax_pixels = 500_000_000\nmax_memory_mb = 64\n"),
    );
    let line = toml.lines().count() + 3;
    let (ok, _, err) = run(&["build"], &site);
    assert!(!ok);
    assert!(
        err.contains(&format!("site.toml:{line}")) && err.contains("--max-image-pixels"),
        "{err}"
    );
    assert!(
        !err.contains("huge.png"),
        "refused before any image is read:\n{err}"
    );
    // Raising the limit from the command line lets the decoder try, within the memory limit
    // (which is then what stops it: 1.6 GB of pixels).
    let (ok, _, err) = run(&["build", "--max-image-pixels", "500000000"], &site);
    assert!(!ok);
    assert!(
        err.contains("huge.png") && err.contains("max_memory_mb"),
        "{err}"
    );
}

#[test]
fn a_png_whose_colour_profile_inflates_to_gigabytes_is_refused() {
    // 64 MiB of zeros deflate to ~64 KiB; the decoder would inflate it (up to the memory
    // limit) every time it reads the file.
    let profile = fdeflate::compress_to_vec(&vec![0u8; 64 << 20]);
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend(2u32.to_be_bytes());
    ihdr.extend(2u32.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]);
    chunk(&mut png, b"IHDR", &ihdr);
    let mut iccp = b"bomb\0\0".to_vec();
    iccp.extend(&profile);
    chunk(&mut png, b"iCCP", &iccp);
    let pixels = fdeflate::compress_to_vec(&[0u8; 2 * (1 + 2 * 3)]);
    chunk(&mut png, b"IDAT", &pixels);
    chunk(&mut png, b"IEND", &[]);
    assert!(png.len() < 1 << 20, "{}", png.len());
    let (_tmp, site) = fixture("basic");
    std::fs::write(site.join("images/profile.png"), &png).unwrap();
    page_with_image(&site, "profile.png");
    let (ok, out, err) = run(&["build"], &site);
    assert!(!ok, "{out}\n{err}");
    assert!(
        err.contains("profile.png") && err.contains("colour profile"),
        "{err}"
    );
}

#[test]
fn a_thirty_thousand_character_word_builds() {
    let (_tmp, site) = fixture("basic");
    let word: String = "a".repeat(30_000);
    let cjk: String = "字".repeat(30_000);
    write_file(
        &site.join("content/02-more/long.md"),
        &format!(
            "+++\ntitle = \"{}\"\nweight = 40\n+++\n\n{word}\n\n{cjk}\n\n`{word}`\n",
            "长".repeat(2000)
        ),
    );
    let (ok, out, err) = run(&["build"], &site);
    assert!(ok, "{out}\n{err}");
}

/// A valid `w`×`h` image of the given format, with detail so its data is not tiny.
fn encoded(w: u32, h: u32, format: image::ImageFormat) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([
            (x * 7 % 251) as u8,
            (y * 13 % 241) as u8,
            ((x ^ y) % 256) as u8,
        ])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, format).unwrap();
    out.into_inner()
}

#[test]
fn a_cut_short_jpeg_is_reported() {
    let (_tmp, site) = fixture("basic");
    let jpeg = encoded(400, 300, image::ImageFormat::Jpeg);
    std::fs::write(site.join("images/cut.jpg"), &jpeg[..jpeg.len() / 2]).unwrap();
    page_with_image(&site, "cut.jpg");
    let (_, out, err) = run(&["build"], &site);
    let said = format!("{out}{err}");
    assert!(said.contains("cut.jpg"), "names the file:\n{said}");
    assert!(said.contains("cut short"), "says what is wrong:\n{said}");
    // The same with the image cache warm (nothing left to encode).
    let (_, out, err) = run(&["build", "--force"], &site);
    assert!(format!("{out}{err}").contains("cut short"), "{out}{err}");
    // --strict makes it an error.
    let (ok, _, err) = run(&["build", "--strict", "--force"], &site);
    assert!(!ok && err.contains("cut.jpg"), "{err}");
}

#[test]
fn a_cut_short_png_is_an_error_even_when_nothing_is_resized() {
    let (_tmp, site) = fixture("basic");
    let toml = read(&site.join("site.toml"));
    write_file(
        &site.join("site.toml"),
        &format!("{toml}\n[images]\nwebp = false\n"),
    );
    let png = encoded(400, 300, image::ImageFormat::Png);
    std::fs::write(site.join("images/cut.png"), &png[..png.len() / 2]).unwrap();
    page_with_image(&site, "cut.png");
    let (ok, out, err) = run(&["build"], &site);
    assert!(!ok, "{out}\n{err}");
    assert!(err.contains("cut.png"), "{err}");
}

#[test]
fn a_chapter_of_5000_questions_keeps_each_question_page_small() {
    let (tmp, site) = fixture("basic");
    let toml = read(&site.join("site.toml"));
    write_file(
        &site.join("site.toml"),
        &format!("{toml}\n[search]\nenabled = false\n"),
    );
    let big = site.join("content/03-big");
    write_file(
        &big.join("_index.md"),
        "+++\ntitle = \"A very large chapter\"\nweight = 30\n+++\n",
    );
    for i in 0..5000 {
        write_file(
            &big.join(format!("q{i:04}.md")),
            &format!(
                "+++\ntitle = \"How do I do thing number {i}?\"\nweight = {i}\n+++\nDo it this way ({i}).\n"
            ),
        );
    }
    let out = tmp.path().join("out");
    build(&site, &out);
    let mut total = 0u64;
    for i in 0..5000 {
        let page = out.join(format!("03-big/q{i:04}.html"));
        let size = std::fs::metadata(&page).unwrap().len();
        assert!(size < 200_000, "{} is {size} bytes", page.display());
        total += size;
    }
    assert!(total < 5000 * 60_000, "question pages total {total} bytes");
    // Each question page still leads to its neighbours and to the chapter page, which lists
    // every question.
    let middle = read(&out.join("03-big/q2500.html"));
    // 20 either side (`templates::CHAPTER_NAV_QUESTIONS`).
    for near in ["q2499.html", "q2501.html", "q2480.html", "q2520.html"] {
        assert!(middle.contains(near), "{near} is listed near 2500");
    }
    assert!(!middle.contains("q0001.html") && !middle.contains("q4999.html"));
    assert!(middle.contains("href=\"../03-big/index.html\""));
    let chapter = read(&out.join("03-big/index.html"));
    assert!(chapter.contains("q0000.html") && chapter.contains("q4999.html"));
    assert!(
        broken_links(&out).is_empty(),
        "{:?}",
        &broken_links(&out)[..3]
    );
}

// The one gate for reading (src/paths.rs): what follows was accepted before it, each a way a
// pull request could publish or print a file of the machine that builds it.

/// `site` with a git folder whose config holds a credential, as a CI checkout has.
fn with_git_credentials(site: &Path) {
    write_file(
        &site.join(".git/config"),
        "[remote \"origin\"]\n\turl = https://ci:SECRET-GIT-7a7a@example.com/site.git\n",
    );
}

/// Run faqsite with a secret in its environment (as CI has); (success, stdout + stderr).
fn run_with_secret_env(args: &[&str], site: &Path) -> (bool, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_faqsite"))
        .args(args)
        .current_dir(site)
        .env("CI_TOKEN", "SECRET-ENV-3c3c")
        .output()
        .unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), said)
}

#[cfg(target_os = "linux")]
#[test]
fn site_toml_linked_to_the_environment_is_refused_unread() {
    let (_tmp, site) = fixture("basic");
    std::fs::remove_file(site.join("site.toml")).unwrap();
    symlink(Path::new("/proc/self/environ"), &site.join("site.toml"));
    for cmd in ["build", "check"] {
        let (ok, said) = run_with_secret_env(&[cmd], &site);
        assert!(!ok, "{said}");
        assert!(
            said.contains("site.toml") && said.contains("outside the site"),
            "{said}"
        );
        assert!(
            !said.contains("SECRET-ENV"),
            "the environment is never printed:\n{said}"
        );
    }
}

#[cfg(unix)]
#[test]
fn config_paths_are_names_inside_the_site() {
    let (tmp, site) = fixture("basic");
    let theme = tmp.path().join("evil-theme");
    write_file(
        &theme.join("templates/base.html"),
        "SECRET-THEME-1d1d {{ 1 }",
    );
    let toml = read(&site.join("site.toml"));
    let cases = [
        format!("theme = {:?}", theme.display().to_string()),
        "theme = \"../evil-theme\"".to_string(),
        "theme = \"..\\\\..\\\\evil-theme\"".to_string(),
        "language = \"/etc/passwd\"".to_string(),
        "language = \"../../x\"".to_string(),
        "logo = \"/etc/passwd\"".to_string(),
        "favicon = \"static/../../secret.txt\"".to_string(),
    ];
    for case in cases {
        write_file(&site.join("site.toml"), &format!("{case}\n{toml}"));
        let (ok, out, err) = run(&["build"], &site);
        let said = format!("{out}{err}");
        assert!(!ok, "{case} must be refused:\n{said}");
        let key = case.split(' ').next().unwrap();
        assert!(
            said.contains(&format!("`{key}`")),
            "{case}: names the key:\n{said}"
        );
        assert!(!said.contains("SECRET"), "{said}");
        assert!(!site.join("public").exists(), "{case}: nothing published");
    }
}

#[cfg(unix)]
#[test]
fn a_themes_folder_linked_out_of_the_site_is_refused() {
    let (tmp, site) = fixture("basic");
    let elsewhere = tmp.path().join("elsewhere");
    write_file(
        &elsewhere.join("mine/templates/base.html"),
        "SECRET-THEME-2e2e",
    );
    write_file(&elsewhere.join("mine/static/key.txt"), "SECRET-THEME-2e2e");
    symlink(&elsewhere, &site.join("themes"));
    let toml = read(&site.join("site.toml"));
    write_file(
        &site.join("site.toml"),
        &format!("theme = \"mine\"\n{toml}"),
    );
    let (ok, out, err) = run(&["build"], &site);
    assert!(!ok, "{out}\n{err}");
    assert!(
        err.contains("themes/mine") && err.contains("outside the site"),
        "{err}"
    );
    assert!(!err.contains("SECRET") && !out.contains("SECRET"), "{err}");
    assert!(!site.join("public").exists());
}

#[cfg(unix)]
#[test]
fn links_to_git_files_are_never_read() {
    let (_tmp, site) = fixture("basic");
    with_git_credentials(&site);
    std::fs::create_dir_all(site.join("static")).unwrap();
    std::fs::create_dir_all(site.join("templates")).unwrap();
    std::fs::create_dir_all(site.join("strings")).unwrap();
    symlink(Path::new("../.git/config"), &site.join("static/config.txt"));
    symlink(
        Path::new("../.git/config"),
        &site.join("templates/footer.html"),
    );
    symlink(
        Path::new("../.git/config"),
        &site.join("strings/zh-CN.toml"),
    );
    symlink(
        Path::new("../../.git/config"),
        &site.join("content/01-basics/git.md"),
    );
    let (ok, out, err) = run(&["build"], &site);
    assert!(!ok, "{out}\n{err}");
    assert!(err.contains(".git"), "{err}");
    assert!(!err.contains("SECRET") && !out.contains("SECRET"), "{err}");
    assert!(!site.join("public").exists());
    let (ok, out, err) = run(&["check"], &site);
    assert!(!ok && !format!("{out}{err}").contains("SECRET"), "{err}");
}

#[test]
fn an_images_published_name_takes_its_extension_from_its_format() {
    let (_tmp, site) = fixture("basic");
    // A GIF with a script after its image data, named as a page: a static host would serve
    // it as text/html, script included, from the site's own origin.
    let mut gif = encoded(300, 200, image::ImageFormat::Gif);
    gif.extend_from_slice(b"<script>alert(document.cookie)</script>");
    std::fs::write(site.join("images/pic.html"), &gif).unwrap();
    page_with_image(&site, "pic.html");
    let (ok, _, err) = run(&["build"], &site);
    assert!(ok, "{err}");
    let names: Vec<String> = snapshot(&site.join("public/images"))
        .keys()
        .map(|p| p.display().to_string())
        .collect();
    assert!(
        names
            .iter()
            .any(|n| n.starts_with("pic.") && n.ends_with(".gif")),
        "{names:?}"
    );
    assert!(!names.iter().any(|n| n.ends_with(".html")), "{names:?}");
}

/// A screenshot wide enough to be resized (so its copies come from the cache).
fn wide_screenshot(site: &Path) {
    std::fs::write(
        site.join("images/wide.png"),
        encoded(2400, 600, image::ImageFormat::Png),
    )
    .unwrap();
    page_with_image(site, "wide.png");
}

#[cfg(unix)]
#[test]
fn cache_entries_are_checked_before_use() {
    let (tmp, site) = fixture("basic");
    wide_screenshot(&site);
    let (ok, _, err) = run(&["build"], &site);
    assert!(ok, "{err}");
    let cache = site.join(".faqsite-cache/images");
    let entries: Vec<PathBuf> = std::fs::read_dir(&cache)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| std::fs::metadata(p).unwrap().len() > 0)
        .collect();
    assert!(!entries.is_empty());
    // Every variant in the cache replaced: by a link to a file outside the site, and by a
    // forged file (as a pull request can commit them).
    let secret = tmp.path().join("secret.png");
    let mut other = encoded(1200, 300, image::ImageFormat::Png);
    other.extend_from_slice(b"SECRET-CACHE-4f4f");
    std::fs::write(&secret, &other).unwrap();
    for (i, e) in entries.iter().enumerate() {
        std::fs::remove_file(e).unwrap();
        if i % 2 == 0 {
            symlink(&secret, e);
        } else {
            std::fs::write(e, b"SECRET-CACHE-4f4f forged").unwrap();
        }
    }
    let (ok, _, err) = run(&["build", "--force"], &site);
    assert!(ok, "{err}");
    assert!(
        !all_text(&site.join("public")).contains("SECRET"),
        "nothing of them published"
    );
}

#[cfg(unix)]
#[test]
fn a_cache_folder_linked_out_of_the_site_is_never_written() {
    let (tmp, site) = fixture("basic");
    wide_screenshot(&site);
    let elsewhere = tmp.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    symlink(&elsewhere, &site.join(".faqsite-cache"));
    let (ok, _, err) = run(&["build"], &site);
    assert!(ok, "{err}");
    assert!(err.contains("cache"), "says the cache is not used:\n{err}");
    assert_eq!(
        std::fs::read_dir(&elsewhere).unwrap().count(),
        0,
        "nothing written there"
    );
}

#[cfg(unix)]
#[test]
fn a_diagnostic_never_quotes_a_linked_file() {
    let (tmp, site) = fixture("basic");
    // A link inside the site (accepted) to a page whose error is on a line that holds a secret.
    write_file(
        &tmp.path().join("site/shared/bad.md"),
        "+++\ntitle = \"x\"\nweight = 1\nweight = 2 # SECRET-LINE-8b8b\n+++\nbody\n",
    );
    symlink(
        Path::new("../../shared/bad.md"),
        &site.join("content/01-basics/bad.md"),
    );
    let (ok, out, err) = run(&["build"], &site);
    assert!(!ok, "{out}\n{err}");
    assert!(err.contains("content/01-basics/bad.md"), "{err}");
    assert!(!err.contains("SECRET"), "the line is not quoted:\n{err}");
}

/// A link in a folder whose files are published as they are (static/, templates/, images/, a
/// theme) may lead only into that folder, and no link (content/ too, which may share a page
/// from elsewhere in the site) to a dot-file or dot-folder (attack review row 7: a maintainer's
/// untracked `.env` and `notes/` were published because they are in the site). Each is an
/// error naming the link and its text; the targets are never read.
#[cfg(unix)]
#[test]
fn links_in_published_folders_stay_in_their_folder_and_out_of_dot_files() {
    let (_tmp, site) = fixture("basic");
    write_file(&site.join(".env"), "TOKEN=SECRET-ENV-71c3\n");
    write_file(&site.join("notes/todo.txt"), "SECRET-NOTE-71c3\n");
    write_file(&site.join("static/real.css"), "p{}\n");
    write_file(&site.join("static/.hidden/x.txt"), "SECRET-HIDDEN-71c3\n");
    std::fs::create_dir_all(site.join("templates")).unwrap();
    // A link within its own folder is still followed.
    symlink(Path::new("real.css"), &site.join("static/same.css"));
    let public = site.join("public");
    let theme_links = [
        ("static/env.txt", "../.env"),
        ("static/notes", "../notes"),
        ("static/hidden.txt", ".hidden/x.txt"),
        ("templates/extra_footer.html", "../notes/todo.txt"),
    ];
    let content_links = [("content/01-basics/env.md", "../../.env")];
    for links in [&theme_links[..], &content_links[..]] {
        for (link, target) in links {
            symlink(Path::new(target), &site.join(link));
        }
        let (ok, out, err) = run(&["build"], &site);
        assert!(!ok, "{out}\n{err}");
        for (link, target) in links {
            assert!(
                err.lines()
                    .any(|l| l.starts_with(link) && l.contains(&format!("(to {target})"))),
                "names {link} and its text:\n{err}"
            );
        }
        assert!(!err.contains("static/same.css"), "{err}");
        let text = if public.exists() {
            all_text(&public)
        } else {
            String::new()
        };
        assert!(
            !text.contains("SECRET-") && !err.contains("SECRET-"),
            "{err}"
        );
        for (link, _) in links {
            std::fs::remove_file(site.join(link)).unwrap();
        }
    }
    // Without the escaping links the site builds, the link inside static/ published.
    let (ok, _, err) = run(&["build"], &site);
    assert!(ok, "{err}");
    assert_eq!(read(&public.join("static/same.css")), "p{}\n");
}

/// An answer's image named by a path is never a hidden file (nor reached through a hidden
/// folder): `../../.cache/pic.png` or `.hidden/pic.png` is an error, unread.
#[test]
fn an_answers_image_is_never_a_hidden_file() {
    let (_tmp, site) = fixture("basic");
    write_file(&site.join(".cache/pic.png"), "SECRET-PNG-5d1f");
    write_file(&site.join("images/.hidden/pic.png"), "SECRET-PNG-5d1f");
    let page = site.join("content/01-basics/first.md");
    let text = read(&page);
    write_file(
        &page,
        &format!("{text}\n![a](../../.cache/pic.png) ![b](.hidden/pic.png)\n"),
    );
    let (ok, out, err) = run(&["build"], &site);
    assert!(!ok, "{out}\n{err}");
    for src in ["../../.cache/pic.png", ".hidden/pic.png"] {
        assert!(
            err.contains(&format!("image path {src} leads to a hidden (dot) file")),
            "{src}:\n{err}"
        );
    }
    assert!(!err.contains("SECRET"), "{err}");
}
