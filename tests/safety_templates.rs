//! A template override cannot read the build machine's environment (CI secrets), nor recurse
//! until the stack overflows.

mod common;
use common::*;
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
