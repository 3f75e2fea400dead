//! Messages a newcomer meets on the first day: each says what is wrong and what to run.

use crate::common::*;

#[test]
fn missing_site_folder_says_so_and_suggests_init() {
    let tmp = tempfile::tempdir().unwrap();
    let (ok, _, err) = run(&["build", "--root", "nope"], tmp.path());
    assert!(!ok);
    assert!(
        err.contains("does not exist") && err.contains("faqsite init nope"),
        "{err}"
    );
    assert!(!err.contains("no site.toml found"), "{err}");
}

#[test]
fn new_outside_a_site_says_there_is_no_site() {
    let tmp = tempfile::tempdir().unwrap();
    for args in [
        &["new", "question", "--chapter", "a", "x"][..],
        &["new", "chapter", "x"][..],
    ] {
        let (ok, _, err) = run(args, tmp.path());
        assert!(!ok, "{args:?}");
        assert!(
            err.contains("no site here") && err.contains("faqsite init"),
            "{args:?}: {err}"
        );
        assert!(
            !err.contains("No such file") && !err.contains("use one of"),
            "{err}"
        );
    }
}

#[test]
fn site_toml_typo_suggests_the_key() {
    let (_tmp, site) = fixture("basic");
    let text = read(&site.join("site.toml")).replace("description", "descripton");
    std::fs::write(site.join("site.toml"), text).unwrap();
    let (ok, _, err) = run(&["build"], &site);
    assert!(!ok);
    assert!(err.contains("did you mean `description`?"), "{err}");
}

#[test]
fn init_refuses_a_non_empty_folder() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("notes")).unwrap();
    std::fs::write(tmp.path().join("notes/todo.txt"), "x").unwrap();
    let (ok, _, err) = run(&["init", "notes"], tmp.path());
    assert!(!ok, "init wrote into a non-empty folder");
    assert!(err.contains("notes") && err.contains("not empty"), "{err}");
    assert!(!tmp.path().join("notes/site.toml").exists());
}

#[test]
fn plain_build_after_force_is_up_to_date() {
    let (_tmp, site) = fixture("basic");
    let (ok, _, err) = run(&["build", "--force"], &site);
    assert!(ok, "{err}");
    let (ok, out, err) = run(&["build"], &site);
    assert!(ok, "{err}");
    assert!(format!("{out}{err}").contains("up to date"), "{out}{err}");
}
