//! The same input gives byte-identical output whatever the number of threads.

mod common;
use common::*;

fn build_with_threads(threads: usize, out: &std::path::Path) {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    pool.install(|| build(&repo_root(), out));
}

#[test]
fn one_and_two_threads_give_identical_output() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("one"), tmp.path().join("two"));
    build_with_threads(1, &a);
    build_with_threads(2, &b);
    let (sa, sb) = (snapshot(&a), snapshot(&b));
    assert!(sa.len() > 40, "the real site has many files");
    assert_eq!(sa.keys().collect::<Vec<_>>(), sb.keys().collect::<Vec<_>>());
    for (path, bytes) in &sa {
        assert!(
            bytes == &sb[path],
            "{} differs between 1 and 2 threads",
            path.display()
        );
    }
}
