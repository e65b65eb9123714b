//! `seen init` through the binary: a new site that builds at once, with
//! every figure kind on its page.

use std::fs;

use crate::support::{describe, seen_in};

#[test]
fn init_then_build_shows_every_figure_kind() {
    let tmp = tempfile::tempdir().unwrap();
    let o = seen_in(&["init", "site"], tmp.path());
    assert!(o.status.success(), "{}", describe(&o));
    let site = tmp.path().join("site");
    for f in [
        "seen.toml",
        "content/index.md",
        "content/points.csv",
        "templates/base.html",
        "templates/page.html",
        "templates/style.css",
    ] {
        assert!(site.join(f).is_file(), "{f} missing");
    }

    let o = seen_in(&["build", "--root", "site"], tmp.path());
    assert!(o.status.success(), "{}", describe(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("Built 1 page, 8 figures"));
    let html = fs::read_to_string(site.join("public/index.html")).unwrap();
    for kind in ["trace", "graph", "rule", "compare", "batch", "step-size"] {
        let needle = format!("<figure class=\"fig {kind}\"");
        assert_eq!(html.matches(&needle).count(), 1, "{needle}");
    }
    // A training run on the scaffold's CSV, in two tabs named by its
    // group_label; every block says what to change.
    assert_eq!(html.matches("<figure class=\"fig training\"").count(), 2);
    assert!(
        html.contains("Learning rate"),
        "the group_label names the tabs"
    );
    let page = fs::read_to_string(site.join("content/index.md")).unwrap();
    let blocks = page.matches("```autograd\n").count();
    assert_eq!(blocks, 8);
    assert_eq!(
        page.matches("```autograd\n# ").count(),
        blocks,
        "a comment opens every block"
    );
    // The title comes from the scaffold's seen.toml, the look from its templates.
    assert!(html.contains("My autograd explainer"));
    assert!(site.join("public/style.css").is_file());
    assert!(!html.contains("<script"));

    // The templates are the author's: an edit shows in the next build.
    let page = site.join("templates/page.html");
    let edited = fs::read_to_string(&page)
        .unwrap()
        .replace("Built by seen", "Written by me, built by seen");
    fs::write(&page, edited).unwrap();
    let o = seen_in(&["build"], &site);
    assert!(o.status.success(), "{}", describe(&o));
    let html = fs::read_to_string(site.join("public/index.html")).unwrap();
    assert!(html.contains("Written by me, built by seen"));

    // And check agrees, without writing anything.
    fs::remove_dir_all(site.join("public")).unwrap();
    let o = seen_in(&["check"], &site);
    assert!(o.status.success(), "{}", describe(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("Checked 1 page, 8 figures"),
        "{}",
        describe(&o)
    );
    assert!(!site.join("public").exists());
}

#[test]
fn init_refuses_a_non_empty_folder_unless_forced() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("notes.md"), "mine").unwrap();
    let o = seen_in(&["init", "."], tmp.path());
    assert!(!o.status.success(), "{}", describe(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("not empty") && err.contains("--force"),
        "{err}"
    );
    assert!(!tmp.path().join("seen.toml").exists());

    let o = seen_in(&["init", ".", "--force"], tmp.path());
    assert!(o.status.success(), "{}", describe(&o));
    assert!(tmp.path().join("seen.toml").is_file());
    assert_eq!(
        fs::read_to_string(tmp.path().join("notes.md")).unwrap(),
        "mine"
    );
    // `init` with no folder means this one.
    let empty = tmp.path().join("empty");
    fs::create_dir(&empty).unwrap();
    let o = seen_in(&["init"], &empty);
    assert!(o.status.success(), "{}", describe(&o));
    assert!(empty.join("content/index.md").is_file());
}

#[test]
fn check_reports_every_error_of_every_page_in_one_run() {
    let tmp = tempfile::tempdir().unwrap();
    let o = seen_in(&["init", "."], tmp.path());
    assert!(o.status.success(), "{}", describe(&o));
    let index = tmp.path().join("content/index.md");
    let broken = fs::read_to_string(&index)
        .unwrap()
        .replace("graph = \"c = a * b\"", "graph = \"c = a * q\"")
        .replace("wrt = \"w\"", "wrt = \"nope\"");
    fs::write(&index, broken).unwrap();
    fs::write(
        tmp.path().join("content/second.md"),
        "+++\ntitle = \"Two\"\n+++\n\n```autograd\nid = \"x\"\ngraph = \"y = log(0)\"\n```\n\n```autograd\nid = \"y\"\ngraph = \"y = foo(1)\"\n```\n",
    )
    .unwrap();
    fs::write(
        tmp.path().join("content/third.md"),
        "+++\ntitel = \"Three\"\n+++\n",
    )
    .unwrap();
    let o = seen_in(&["check"], tmp.path());
    assert!(!o.status.success(), "{}", describe(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    for at in [
        "content/index.md:68:18",
        "content/index.md:",
        "content/second.md:7:",
        "content/second.md:12:",
        "content/third.md:2:1",
    ] {
        assert!(err.contains(at), "{at} not in:\n{err}");
    }
    assert!(err.contains("seen check: 5 errors in 3 files"), "{err}");
    assert!(!tmp.path().join("public").exists());
}
