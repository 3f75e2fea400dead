//! A template override cannot read the build machine's environment (CI secrets), nor recurse
//! until the stack overflows.

use crate::common::*;
use std::process::Command;

#[test]
fn templates_cannot_read_environment_variables() {
    let (_tmp, site) = fixture("basic");
    std::fs::create_dir_all(site.join("templates")).unwrap();
    std::fs::write(
        site.join("templates/404.html"),
        "<p>{{ get_env(name=\"FAQSITE_TEST_SECRET\", default=\"none\") }}</p>\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_faqsite"))
        .args(["build"])
        .current_dir(&site)
        .env("FAQSITE_TEST_SECRET", "s3cr3t-in-ci")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "get_env must not render:\n{err}");
    assert!(err.contains("get_env is turned off"), "{err}");
    let leaked = walkdir::WalkDir::new(&site)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .any(|e| {
            std::fs::read(e.path())
                .is_ok_and(|b| String::from_utf8_lossy(&b).contains("s3cr3t-in-ci"))
        });
    assert!(!leaked, "the secret was written into the site");
}

#[test]
fn templates_that_call_themselves_are_an_error_not_a_crash() {
    for (file, text) in [
        // A macro calling itself (through another).
        (
            "macros.html",
            "{% macro a(n) %}{{ self::b(n=n) }}{% endmacro a %}\
             {% macro b(n) %}{{ self::a(n=n) }}{% endmacro b %}",
        ),
        // An include loop.
        ("extra_head.html", "{% include \"extra_footer.html\" %}"),
    ] {
        let (_tmp, site) = fixture("basic");
        std::fs::create_dir_all(site.join("templates")).unwrap();
        std::fs::write(site.join("templates").join(file), text).unwrap();
        std::fs::write(
            site.join("templates/extra_footer.html"),
            "{% include \"extra_head.html\" %}",
        )
        .unwrap();
        if file == "macros.html" {
            std::fs::write(
                site.join("templates/extra_head.html"),
                "{% import \"macros.html\" as m %}{{ m::a(n=1) }}",
            )
            .unwrap();
        }
        let (code, err) = exit_code(&["build"], &site);
        assert_eq!(code, Some(1), "an error, not a crash:\n{err}");
        assert!(err.contains("templates call themselves"), "{err}");
        assert!(
            err.contains(file) && err.contains(" → "),
            "names the cycle:\n{err}"
        );
        assert!(
            err.lines()
                .any(|l| l.starts_with("templates/") && l.contains(": error: templates call")),
            "at a template file:\n{err}"
        );
    }
}

#[test]
fn templates_nested_thousands_deep_are_an_error_not_a_crash() {
    for text in [
        "{% if true %}".repeat(3000) + "x" + &"{% endif %}".repeat(3000),
        format!("{{{{ {}1{} }}}}", "(".repeat(5000), ")".repeat(5000)),
    ] {
        let (_tmp, site) = fixture("basic");
        std::fs::create_dir_all(site.join("templates")).unwrap();
        std::fs::write(site.join("templates/extra_head.html"), text).unwrap();
        let (code, err) = exit_code(&["build"], &site);
        assert_eq!(code, Some(1), "an error, not a crash:\n{err}");
        assert!(
            err.contains("templates/extra_head.html:1") && err.contains("nests deeper"),
            "{err}"
        );
    }
}

/// Templates that never end (loops in loops over large ranges) or whose values double each time
/// (attack review rows 2 and 3) go over the render budget: an error at the template's line in
/// seconds, not a hang or an abort.
#[test]
fn template_bombs_go_over_the_budget_at_their_line() {
    let bombs = [
        (
            "<!-- x -->\n{% for i in range(end=100000) %}{% for j in range(end=100000) %}\
             {% for k in range(end=100000) %}{{ k }}{% endfor %}{% endfor %}{% endfor %}"
                .to_string(),
            2,
            "steps",
        ),
        (
            "{% set_global s = \"0123456789\" %}\n".to_string()
                + &"{% set_global s = s ~ s %}\n".repeat(40),
            0,
            "MB of text",
        ),
        (
            // Through includes, no loop and no `set`: each file includes the next twice.
            "{% include \"b1.html\" %}{% include \"b1.html\" %}".to_string(),
            1,
            "steps",
        ),
    ];
    for (text, line, what) in bombs {
        let (_tmp, site) = fixture("basic");
        write(&site, "templates/extra_head.html", &text);
        for k in 1..40 {
            write(
                &site,
                &format!("templates/b{k}.html"),
                &format!(
                    "{{% include \"b{}.html\" %}}{{% include \"b{}.html\" %}}x",
                    k + 1,
                    k + 1
                ),
            );
        }
        write(&site, "templates/b40.html", "x");
        let (code, err) = exit_code(&["build"], &site);
        assert_eq!(code, Some(1), "an error, not a crash:\n{err}");
        assert!(
            err.contains("went over the budget of one page") && err.contains(what),
            "{err}"
        );
        let at = if line == 0 {
            "templates/extra_head.html:".to_string()
        } else {
            format!("templates/extra_head.html:{line}:")
        };
        assert!(
            err.contains(&at) || (line == 1 && err.contains("templates/b")),
            "names the template and line:\n{err}"
        );
        assert_eq!(
            err.matches("went over the budget").count(),
            1,
            "once:\n{err}"
        );
    }
}

/// The budget's own functions called by a template, with a place that does not exist: an
/// error, not a crash.
#[test]
fn a_template_calling_the_budget_itself_gets_an_error_not_a_crash() {
    let (_tmp, site) = fixture("basic");
    // A place that does not exist, and arguments the budget's calls do not take.
    write(
        &site,
        "templates/extra_head.html",
        "{{ __faqsite_tick_99999999(n=999999999999) }}{{ 1 | __faqsite_size_99999999 }}",
    );
    let (code, err) = exit_code(&["build"], &site);
    assert_eq!(code, Some(1), "an error, not a crash:\n{err}");
    assert!(err.contains("__faqsite_tick_99999999"), "{err}");
    // A real place's tick, called in a loop, counts against the budget like any step.
    write(
        &site,
        "templates/extra_head.html",
        "{% for i in range(end=900000) %}{{ __faqsite_tick_0(n=9) }}{{ __faqsite_tick_0() }}{% endfor %}",
    );
    let (code, err) = exit_code(&["build"], &site);
    assert_eq!(code, Some(1), "an error, not a crash:\n{err}");
    assert!(err.contains("went over the budget"), "{err}");
}

/// A loop bomb saved while `serve` runs is reported, and the fix saved next is built.
#[test]
fn serve_survives_a_template_bomb_and_builds_the_fix() {
    use std::io::BufRead;
    let (_tmp, site) = fixture("basic");
    let server = serve(&site);
    let mut r = events(&server.addr);
    write(
        &site,
        "templates/extra_head.html",
        "{% for i in range(end=100000) %}{% for j in range(end=100000) %}{% endfor %}{% endfor %}",
    );
    let mut line = String::new();
    let give_up = std::time::Instant::now() + std::time::Duration::from_secs(120);
    let wait_for = |r: &mut std::io::BufReader<_>, line: &mut String, event: &str| loop {
        assert!(std::time::Instant::now() < give_up, "no {event}");
        line.clear();
        if r.read_line(line).is_ok() && line.trim() == event {
            line.clear();
            r.read_line(line).unwrap();
            break;
        }
    };
    wait_for(&mut r, &mut line, "event: error-report");
    assert!(line.contains("went over the budget"), "{line}");
    write(
        &site,
        "templates/extra_head.html",
        "<meta name=fixed content=yes>",
    );
    wait_for(&mut r, &mut line, "event: reload");
    let (status, _, body) = get(&server.addr, "/");
    assert_eq!(status, 200);
    assert!(body.contains("<meta name=fixed content=yes>"), "{body}");
}
