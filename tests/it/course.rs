//! A course, not a pile of pages: folders become sections of the navigation
//! (titled and ordered by their `_index.md`), every page links to the
//! previous and next page, only the current section is open, a site without
//! `index.md` gets a contents page, and a page's navigation does not grow
//! with the number of pages.

use std::fs;
use std::path::Path;

use seen::page::SourceOnly;
use seen::site::{self, BuildConfig, BuildError};

use crate::support::write;

fn page(title: &str, order: i64) -> String {
    format!("+++\ntitle = \"{title}\"\norder = {order}\n+++\n\nThe page {title}.\n")
}

fn section(title: &str, order: i64) -> String {
    format!("+++\ntitle = \"{title}\"\norder = {order}\n+++\n")
}

fn read(root: &Path, rel: &str) -> String {
    fs::read_to_string(root.join("public").join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Two parts (the second first by `order`) and a loose page, no index.md.
fn course() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "content/part-a/_index.md", &section("Second part", 2));
    write(root, "content/part-a/one.md", &page("A one", 1));
    write(root, "content/part-a/two.md", &page("A two", 2));
    write(root, "content/part-b/_index.md", &section("First part", 1));
    write(root, "content/part-b/deep/x.md", &page("B deep", 5));
    write(root, "content/part-b/start.md", &page("B start", 0));
    write(root, "content/appendix.md", &page("Appendix", 9));
    dir
}

#[test]
fn folders_are_sections_in_order_and_pages_link_to_their_neighbours() {
    let dir = course();
    let root = dir.path();
    let report = site::build(&BuildConfig::new(root, "Course"), &SourceOnly).unwrap();
    assert_eq!(report.pages, 5);

    // Reading order: First part (B start, B deep), Second part (A one,
    // A two), Appendix; next and previous follow it across sections.
    let start = read(root, "part-b/start.html");
    assert!(
        start.contains("<nav class=\"course-nav\" aria-label=\"Course\">"),
        "{start}"
    );
    let first = start.find("<summary>First part</summary>").expect(&start);
    let second = start.find(">Second part</a>").expect(&start);
    let appendix = start.find(">Appendix</a>").expect(&start);
    assert!(first < second && second < appendix, "{start}");
    // The current section is open with its pages; the other is one link, to
    // its first page, with its size.
    assert!(start.contains("<details open>"), "{start}");
    assert!(
        start.contains("aria-current=\"page\">B start</a>"),
        "{start}"
    );
    assert!(
        start.contains("href=\"../part-b/deep/x.html\">B deep</a>"),
        "{start}"
    );
    assert!(start.contains("<a href=\"../part-a/one.html\">Second part</a> <span class=\"nav-count\">2 pages</span>"), "{start}");
    assert!(
        !start.contains(">A two</a>"),
        "a closed section lists no pages: {start}"
    );
    assert!(!start.contains("rel=\"prev\""), "the first page: {start}");
    assert!(
        start.contains("rel=\"next\" href=\"../part-b/deep/x.html\""),
        "{start}"
    );

    let deep = read(root, "part-b/deep/x.html");
    assert!(
        deep.contains("rel=\"prev\" href=\"../../part-b/start.html\""),
        "{deep}"
    );
    assert!(
        deep.contains("rel=\"next\" href=\"../../part-a/one.html\""),
        "{deep}"
    );
    assert!(deep.contains("href=\"../../style.css\""), "{deep}");
    // A course ships the navigation's rules (a site of one page does not).
    assert!(read(root, "style.css").contains(".course-nav"));
    let two = read(root, "part-a/two.html");
    assert!(
        two.contains("rel=\"next\" href=\"../appendix.html\""),
        "{two}"
    );
    let last = read(root, "appendix.html");
    assert!(!last.contains("rel=\"next\""), "{last}");
    assert!(
        !last.contains("<details"),
        "no section is open on a loose page: {last}"
    );

    // No index.md: a contents page at index.html, where the title links.
    let contents = read(root, "index.html");
    assert!(
        start.contains("<a class=\"site-title\" href=\"../index.html\">"),
        "{start}"
    );
    assert!(
        contents.contains("<title>Contents · Course</title>"),
        "{contents}"
    );
    let main = &contents[contents.find("<main").unwrap()..];
    let order: Vec<usize> = [
        "First part",
        "B start",
        "B deep",
        "Second part",
        "A one",
        "A two",
        "Appendix",
    ]
    .iter()
    .map(|t| {
        main.find(&format!(">{t}<"))
            .unwrap_or_else(|| panic!("{t}: {contents}"))
    })
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{contents}");
    assert!(contents.contains("href=\"part-a/two.html\""), "{contents}");
    assert!(
        contents.contains("rel=\"next\" href=\"part-b/start.html\""),
        "{contents}"
    );
    for html in [&start, &deep, &contents] {
        assert!(!html.to_lowercase().contains("<script"));
        assert!(site::csp::find_forbidden(html).is_none());
    }
}

#[test]
fn an_index_md_is_kept_and_no_contents_page_is_made() {
    let dir = course();
    let root = dir.path();
    write(root, "content/index.md", &page("Welcome", 0));
    site::build(&BuildConfig::new(root, "Course"), &SourceOnly).unwrap();
    let index = read(root, "index.html");
    assert!(index.contains("The page Welcome."), "{index}");
    assert!(
        index.contains("rel=\"next\" href=\"part-b/start.html\""),
        "{index}"
    );
}

#[test]
fn a_draft_section_is_left_out_and_a_section_file_with_text_is_an_error() {
    let dir = course();
    let root = dir.path();
    write(
        root,
        "content/part-a/_index.md",
        "+++\ntitle = \"Second part\"\ndraft = true\n+++\n",
    );
    site::build(&BuildConfig::new(root, "Course"), &SourceOnly).unwrap();
    assert!(!root.join("public/part-a").exists());
    assert!(!read(root, "index.html").contains("Second part"));

    write(
        root,
        "content/part-a/_index.md",
        "+++\ntitle = \"Second part\"\n+++\n\nSome words.\n",
    );
    let err = site::build(&BuildConfig::new(root, "Course"), &SourceOnly).unwrap_err();
    let BuildError::Diagnostics(d) = err else {
        panic!("{err}")
    };
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].file, Path::new("content/part-a/_index.md"));
    assert_eq!((d[0].line, d[0].col), (5, 1));
    assert!(
        d[0].message.contains("only front matter"),
        "{}",
        d[0].message
    );
}

/// The navigation's size per page stays the same from 50 to 400 pages, in
/// one folder or in sections: each list is windowed around the current page.
#[test]
fn a_pages_navigation_does_not_grow_with_the_site() {
    fn nav_bytes(pages: usize, per_section: Option<usize>) -> usize {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for i in 0..pages {
            let rel = match per_section {
                Some(n) => format!("content/s{:03}/p{i:04}.md", i / n),
                None => format!("content/p{i:04}.md"),
            };
            write(root, &rel, &page(&format!("Page number {i:04}"), 0));
        }
        site::build(&BuildConfig::new(root, "Big"), &SourceOnly).unwrap();
        // The middle page, where the windows are fullest.
        let mid = pages / 2;
        let rel = match per_section {
            Some(n) => format!("s{:03}/p{mid:04}.html", mid / n),
            None => format!("p{mid:04}.html"),
        };
        let html = read(root, &rel);
        let nav = &html[html.find("<nav class=\"course-nav\"").unwrap()..];
        nav[..nav.find("</nav>").unwrap()].len()
    }
    let flat = (nav_bytes(50, None), nav_bytes(400, None));
    assert!(flat.0 < 2_000 && flat.1 <= flat.0 + 10, "flat: {flat:?}");
    let sections = (nav_bytes(400, Some(20)), nav_bytes(1000, Some(20)));
    assert!(
        sections.0 < 2_500 && sections.1 <= sections.0 + 10,
        "sections: {sections:?}"
    );
}

/// `seen serve`'s rebuilds render and write only what changed, and leave
/// the output folder exactly as a full build would.
#[test]
fn incremental_rebuilds_equal_full_builds() {
    use seen::site::incremental::{self, Incremental};
    use std::path::PathBuf;
    let dir = course();
    let root = dir.path();
    let config = BuildConfig::new(root, "Course");
    let mut full = config.clone();
    full.output_dir = PathBuf::from("full");
    let mut cache = Incremental::new();
    let mut step = |what: &str, rendered: Option<usize>| {
        let (report, reuse) = incremental::build(&config, &SourceOnly, &mut cache).unwrap();
        site::build(&full, &SourceOnly).unwrap();
        assert_eq!(
            crate::support::snapshot(&root.join("public")),
            crate::support::snapshot(&root.join("full")),
            "{what}"
        );
        if let Some(n) = rendered {
            assert_eq!(reuse.rendered, n, "{what}: {reuse:?}");
        }
        (report, reuse)
    };
    let (_, first) = step("first build", Some(5));
    assert_eq!(
        first.written, None,
        "the first build writes the folder whole"
    );
    let (_, same) = step("nothing changed", Some(0));
    assert_eq!(same.written, Some(0));
    write(
        root,
        "content/part-a/two.md",
        &page("A two", 2).replace("The page", "Edited page"),
    );
    let (_, one) = step("one page's text", Some(1));
    assert_eq!(one.written, Some(1));
    // A new title shows in the navigation of every page that lists it.
    write(root, "content/part-b/start.md", &page("B begins", 0));
    step("a title", None);
    write(root, "content/part-b/new.md", &page("B new", 3));
    step("a new page", None);
    std::fs::remove_file(root.join("content/part-a/one.md")).unwrap();
    step("a removed page", None);
    assert!(!root.join("public/part-a/one.html").exists());
    write(root, "content/pic.txt", "a static file");
    step("a static file", Some(0));
    std::fs::remove_file(root.join("content/pic.txt")).unwrap();
    step("a removed static file", Some(0));
    write(
        root,
        "templates/page.html",
        "{% extends \"base.html\" %}{% block body %}<main>{{ content | safe }}</main>{% endblock body %}",
    );
    step("a template", Some(5));
    // Templates can read the page count: one key for a page, in memory and
    // on disk, covers it (serve's own key once left it out).
    write(
        root,
        "templates/page.html",
        "{% extends \"base.html\" %}{% block body %}<p>{{ page_count }} pages</p><main>{{ content | safe }}</main>{% endblock body %}",
    );
    step("a template reading page_count", Some(5));
    write(root, "content/part-b/deep/y.md", &page("B deeper", 6));
    step("a page more", Some(6));
    assert!(read(root, "appendix.html").contains("<p>6 pages</p>"));
}
