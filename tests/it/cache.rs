//! The figure cache and the writer of `seen build`: a build that reuses
//! cached figures and rewrites only changed files must leave the output
//! folder byte for byte as a clean build would, after every kind of change
//! (a template, a block, seen's version, a data file a block reads).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use seen::render::hook::Figures;
use seen::site::cache::{self, FigureCache};
use seen::site::{self, BuildConfig};

use crate::support::{describe, seen, snapshot, write};

/// A page with a block that reads a CSV beside it.
const DATA_PAGE: &str = r#"+++
title = "Data"
+++

# From a file

```autograd
id = "fit"
title = "A line through three points"
data = "three.csv"
params = { w = 1.2, b = -0.1 }
reduce = "mean"
graph = """
z = linear(w, x, b)
p = sigmoid(z)
loss = bce(p, y)
"""
update = { lr = 0.2 }
figure = "batch"
```
"#;

/// A new site (the `seen init` scaffold, one block of each figure kind)
/// plus a page whose block reads `three.csv` (the scaffold's own blocks
/// read `points.csv`).
fn site() -> (tempfile::TempDir, BuildConfig) {
    let dir = tempfile::tempdir().unwrap();
    site::init::init(dir.path(), false).unwrap();
    write(dir.path(), "content/data.md", DATA_PAGE);
    write(
        dir.path(),
        "content/three.csv",
        "x,y\n-2.2,0\n-0.6,0\n2.0,1\n",
    );
    let config = site::config::load(dir.path()).unwrap();
    (dir, config)
}

/// What a build with the cache did.
struct Cached {
    files: BTreeMap<PathBuf, Vec<u8>>,
    hits: usize,
    misses: usize,
    /// Pages not rendered at all: their files were in place already.
    reused: usize,
    written: usize,
}

fn cached_build(config: &BuildConfig, version: &str) -> Cached {
    let cache = FigureCache::open(config, version);
    let report = site::build_with(config, &Figures, Some(&cache)).unwrap();
    Cached {
        files: snapshot(&config.output_path()),
        hits: cache.hits(),
        misses: cache.misses(),
        reused: cache.pages_reused(),
        written: report.files_written,
    }
}

/// A clean build of the same sources, without the cache, into another
/// folder (its name is not part of any file).
fn clean_build(config: &BuildConfig) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut clean = config.clone();
    clean.output_dir = PathBuf::from("clean");
    site::build(&clean, &Figures).unwrap();
    let files = snapshot(&clean.output_path());
    fs::remove_dir_all(clean.output_path()).unwrap();
    files
}

/// Asserts the cached build's output is the clean build's, naming the
/// first file that differs.
fn assert_same(cached: &Cached, clean: &BTreeMap<PathBuf, Vec<u8>>, when: &str) {
    let paths = |m: &BTreeMap<PathBuf, Vec<u8>>| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(paths(&cached.files), paths(clean), "{when}: the same files");
    for (path, bytes) in clean {
        assert!(
            cached.files[path] == *bytes,
            "{when}: {} differs from a clean build",
            path.display()
        );
    }
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{}: no `{from}`", path.display());
    fs::write(path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn cached_builds_equal_clean_builds_after_every_change() {
    let (dir, config) = site();
    let root = dir.path();

    let first = cached_build(&config, "v1");
    assert_eq!(first.hits, 0);
    assert!(
        first.misses >= 7,
        "every run of blocks drawn: {}",
        first.misses
    );
    assert_same(&first, &clean_build(&config), "first build");
    let runs = first.misses;

    assert_eq!(first.reused, 0);

    // Nothing changed: no page rendered, no file written.
    let again = cached_build(&config, "v1");
    assert_eq!(again.reused, 2, "both pages reused");
    assert_eq!(
        (again.hits, again.misses),
        (0, 0),
        "no figure even looked up"
    );
    assert_eq!(again.written, 0, "nothing changed, nothing written");
    assert_eq!(again.files, first.files);

    // A template: every page's HTML changes.
    edit(
        &root.join("templates/page.html"),
        "</main>",
        "<p>edited</p></main>",
    );
    let after_template = cached_build(&config, "v1");
    assert_same(
        &after_template,
        &clean_build(&config),
        "after a template edit",
    );
    assert_ne!(after_template.files, first.files);

    // One block: only its figure is drawn again.
    edit(
        &root.join("content/index.md"),
        "w = 1.2, b = -0.1",
        "w = 0.7, b = -0.1",
    );
    let after_block = cached_build(&config, "v1");
    assert_same(&after_block, &clean_build(&config), "after a block edit");
    assert_eq!(after_block.misses, 1, "only the edited block is drawn");
    assert_eq!(
        after_block.hits,
        runs - 2,
        "the others of its page are read"
    );
    assert_eq!(after_block.reused, 1, "the other page is not rendered");

    // Another version of seen: nothing is reused.
    let new_version = cached_build(&config, "v2");
    assert_eq!((new_version.hits, new_version.misses), (0, runs));
    assert_eq!(new_version.reused, 0);
    assert_same(&new_version, &clean_build(&config), "after a new version");

    // The CSV a block reads: that figure is drawn again, with the new data.
    let before = new_version.files[Path::new("figures/data/fit/trace.json")].clone();
    write(root, "content/three.csv", "x,y\n-2.2,0\n-0.6,1\n2.0,1\n");
    let after_csv = cached_build(&config, "v2");
    assert_eq!(after_csv.misses, 1, "the block that reads the CSV");
    assert_eq!(after_csv.reused, 1, "the page that reads no CSV");
    assert_same(&after_csv, &clean_build(&config), "after a CSV edit");
    assert_ne!(
        after_csv.files[Path::new("figures/data/fit/trace.json")],
        before
    );

    // Prose added above every block of a page moves them all (bytes and
    // lines): none is drawn again, and the page equals a clean build.
    edit(
        &root.join("content/data.md"),
        "# From a file\n",
        "# From a file\n\nA new paragraph,\nover two lines.\n",
    );
    let after_prose = cached_build(&config, "v2");
    assert_eq!(after_prose.misses, 0, "a moved figure is not drawn again");
    assert_eq!(after_prose.hits, 1);
    assert_same(&after_prose, &clean_build(&config), "after a prose edit");
}

#[test]
fn damaged_cache_entries_are_misses() {
    let (dir, config) = site();
    let first = cached_build(&config, "v1");
    let mut damaged = [0, 0];
    for (k, folder) in ["figures", "pages"].iter().enumerate() {
        let entries = dir.path().join(cache::DIR).join(folder);
        for (i, entry) in fs::read_dir(&entries).unwrap().enumerate() {
            let path = entry.unwrap().path();
            let bytes = fs::read(&path).unwrap();
            // Truncated, a byte changed, or emptied, in turn.
            let bad = match i % 3 {
                0 => bytes[..bytes.len() / 2].to_vec(),
                1 => {
                    let mut b = bytes.clone();
                    let at = b.len() / 3;
                    b[at] ^= 1;
                    b
                }
                _ => Vec::new(),
            };
            fs::write(&path, bad).unwrap();
            damaged[k] += 1;
        }
    }
    assert_eq!(damaged, [first.misses, 2], "every entry damaged");
    let again = cached_build(&config, "v1");
    assert_eq!(
        (again.reused, again.hits, again.misses),
        (0, 0, first.misses)
    );
    assert_eq!(again.files, first.files);
    assert_eq!(again.written, 0, "the output was right all along");
    // The entries are whole again.
    assert_eq!(cached_build(&config, "v1").reused, 2);
    fs::remove_dir_all(config.output_path()).unwrap();
    let rebuilt = cached_build(&config, "v1");
    assert_eq!((rebuilt.hits, rebuilt.misses), (first.misses, 0));
    assert_eq!(rebuilt.files, first.files);
}

#[test]
fn unchanged_files_keep_their_modification_time() {
    let (dir, config) = site();
    cached_build(&config, "v1");
    let out = config.output_path();
    let mtime = |rel: &str| fs::metadata(out.join(rel)).unwrap().modified().unwrap();
    let (page, other) = ("data.html", "index.html");
    let (page_t, other_t) = (mtime(page), mtime(other));
    // A file of a removed page, and one nobody made, are removed.
    fs::write(out.join("stray.txt"), "not from the build").unwrap();

    // Let the clock move past the file system's time resolution.
    std::thread::sleep(std::time::Duration::from_millis(20));
    edit(
        &dir.path().join("content/data.md"),
        "# From a file",
        "# From a CSV file",
    );
    let built = cached_build(&config, "v1");
    assert_eq!(built.written, 1, "only data.html changed");
    assert_ne!(mtime(page), page_t, "the changed page was written");
    assert_eq!(mtime(other), other_t, "the unchanged page was not");
    assert!(!out.join("stray.txt").exists());
    assert_same(&built, &clean_build(&config), "after a page edit");

    // A file changed behind the build's back is written again.
    fs::write(out.join(other), "edited by hand").unwrap();
    let built = cached_build(&config, "v1");
    assert_eq!(built.written, 1);
    assert_same(&built, &clean_build(&config), "after a hand edit");

    fs::remove_file(dir.path().join("content/data.md")).unwrap();
    let built = cached_build(&config, "v1");
    assert!(!out.join("data.html").exists());
    assert!(!out.join("figures/data").exists(), "its figures went too");
    assert_same(&built, &clean_build(&config), "after removing a page");
}

#[test]
fn a_failed_cached_build_leaves_the_output_untouched() {
    let (dir, config) = site();
    cached_build(&config, "v1");
    let out = config.output_path();
    let before = snapshot(&out);
    edit(
        &dir.path().join("content/data.md"),
        "# From a file",
        "# Changed",
    );
    write(
        dir.path(),
        "content/fails.md",
        "+++\ntitle = \"x\"\n+++\n```autograd\nid = \"f\"\ngraph = \"y = tahn(x)\"\n```\n",
    );
    let cache = FigureCache::open(&config, "v1");
    assert!(site::build_with(&config, &Figures, Some(&cache)).is_err());
    assert_eq!(snapshot(&out), before);
    let mut names: Vec<String> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            ".gitignore",
            ".seen-cache",
            "content",
            "public",
            "seen.toml",
            "templates"
        ],
        "no staging folder left behind"
    );
}

#[test]
fn check_and_no_cache_from_the_command_line() {
    let (dir, _) = site();
    let root = dir.path().to_str().unwrap();
    let o = seen(&["check", "--root", root, "--no-cache"]);
    assert!(o.status.success(), "{}", describe(&o));
    assert!(
        !dir.path().join(cache::DIR).exists(),
        "--no-cache writes no cache"
    );
    assert!(
        !dir.path().join("public").exists(),
        "check writes no output"
    );

    let o = seen(&["check", "--root", root]);
    assert!(o.status.success(), "{}", describe(&o));
    assert!(dir.path().join(cache::DIR).join("figures").is_dir());
    let o = seen(&["build", "--root", root]);
    assert!(o.status.success(), "{}", describe(&o));
    let shown = String::from_utf8_lossy(&o.stdout);
    assert!(shown.contains("figures from the cache: 8 of 8"), "{shown}");
    let cached = snapshot(&dir.path().join("public"));

    let o = seen(&["build", "--root", root, "--no-cache"]);
    assert!(o.status.success(), "{}", describe(&o));
    assert!(!String::from_utf8_lossy(&o.stdout).contains("cache"));
    assert_eq!(snapshot(&dir.path().join("public")), cached);
}

#[test]
fn init_ignores_the_cache_folder() {
    let gitignore = include_str!("../../src/scaffold/gitignore");
    assert!(
        gitignore.lines().any(|l| l == "/.seen-cache"),
        "{gitignore}"
    );
    // The repository has sites in subfolders too (browser/sites/tanh).
    let repo = include_str!("../../.gitignore");
    assert!(repo.lines().any(|l| l == ".seen-cache/"), "{repo}");
}

/// The `trace.json` beside a figure is `seen trace`'s JSON for that block,
/// compact.
#[test]
fn trace_download_is_seen_trace_compact() {
    let (dir, config) = site();
    site::build(&config, &Figures).unwrap();
    let download = fs::read(config.output_path().join("figures/data/fit/trace.json")).unwrap();
    assert_eq!(
        download.iter().filter(|&&c| c == b'\n').count(),
        1,
        "compact: one line"
    );
    let o = crate::support::seen_in(
        &["trace", "content/data.md", "--scenario", "fit"],
        dir.path(),
    );
    assert!(o.status.success(), "{}", describe(&o));
    let traced: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let downloaded: serde_json::Value = serde_json::from_slice(&download).unwrap();
    assert_eq!(downloaded, traced);
    // The same numbers as printed and the same key order too: `seen
    // trace`'s output without its whitespace is the download, byte for byte.
    let mut compact = without_whitespace(&String::from_utf8(o.stdout).unwrap());
    compact.push('\n');
    assert!(compact.as_bytes() == download, "the download's bytes");
}

/// JSON text without the whitespace between tokens (strings kept as they
/// are).
fn without_whitespace(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    let (mut in_string, mut escaped) = (false, false);
    for c in json.chars() {
        if in_string {
            out.push(c);
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
        } else if c == '"' {
            in_string = true;
            out.push(c);
        } else if !c.is_whitespace() {
            out.push(c);
        }
    }
    out
}

/// A duplicate id found after an edit moved the first block: the error
/// points at the first use where it now stands, as without the cache.
#[test]
fn a_duplicate_id_after_a_move_is_reported_where_the_first_use_now_stands() {
    let (dir, config) = site();
    let root = dir.path();
    cached_build(&config, "v1");
    edit(
        &root.join("content/data.md"),
        "# From a file\n",
        "# From a file\n\nMoved down\nby two lines.\n",
    );
    let mut text = fs::read_to_string(root.join("content/data.md")).unwrap();
    // Prose between the blocks, so they are two runs and the first is
    // read from the cache.
    text.push_str("\nMore prose.\n\n```autograd\nid = \"fit\"\ngraph = \"y = 2 * 3\"\n```\n");
    fs::write(root.join("content/data.md"), text).unwrap();
    let cache = FigureCache::open(&config, "v1");
    let with_cache = site::build_with(&config, &Figures, Some(&cache))
        .unwrap_err()
        .to_string();
    assert!(cache.hits() >= 1, "the moved block came from the cache");
    let without = site::check(&config, &Figures).unwrap_err().to_string();
    assert!(with_cache.contains("duplicate id"), "{with_cache}");
    assert!(
        with_cache.contains("first used at content/data.md:"),
        "{with_cache}"
    );
    assert_eq!(with_cache, without);
}

/// Staging and old folders of a build that was killed (its process is
/// gone) are removed by the next build; those of a running process stay,
/// and so does any folder without seen's marker, whatever its name.
#[cfg(target_os = "linux")]
#[test]
fn folders_left_by_a_killed_build_are_removed() {
    let (dir, config) = site();
    let root = dir.path();
    // A process that has ended: its id names no running process.
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let dead = child.id();
    child.wait().unwrap();
    let left = [
        format!("public.tmp-{dead}-0"),
        format!("public.tmp-{dead}"),
        format!("public.old-{dead}-2"),
    ];
    for name in &left {
        write(root, &format!("{name}/index.html"), "half a site");
        write(root, &format!("{name}/.seen-output"), "seen");
    }
    // Process 1 always runs: its folder is not ours to remove.
    write(root, "public.tmp-1-0/index.html", "someone else's");
    write(root, "public.tmp-1-0/.seen-output", "seen");
    // No marker: not seen's, even with seen's name and a dead process.
    write(root, &format!("public.old-{dead}-7/notes.txt"), "mine");
    cached_build(&config, "v1");
    for name in &left {
        assert!(!root.join(name).exists(), "{name} removed");
    }
    assert!(root.join("public.tmp-1-0").exists());
    assert_eq!(
        fs::read_to_string(root.join(format!("public.old-{dead}-7/notes.txt"))).unwrap(),
        "mine"
    );
    assert!(root.join("public/index.html").exists());
}

/// [`Figures`], recording the runs each page hands to `prepare`.
#[derive(Default)]
struct Recording {
    prepared: std::sync::Mutex<Vec<(String, usize)>>,
}

impl seen::page::FigureHook for Recording {
    fn render(
        &self,
        block: &seen::page::Block,
        page: &seen::page::PageCtx,
    ) -> Result<seen::page::Rendered, seen::site::Diagnostic> {
        Figures.render(block, page)
    }

    fn prepare(
        &self,
        runs: &[Vec<seen::page::Block>],
        page: &seen::page::PageCtx,
        state: &mut seen::page::FigureState,
    ) {
        let mut p = self.prepared.lock().unwrap();
        p.extend(runs.iter().map(|r| (page.out_path.clone(), r.len())));
        drop(p);
        Figures.prepare(runs, page, state);
    }

    fn render_run(
        &self,
        blocks: &[seen::page::Block],
        page: &seen::page::PageCtx,
        state: &mut seen::page::FigureState,
    ) -> Result<seen::page::Rendered, Vec<seen::site::Diagnostic>> {
        Figures.render_run(blocks, page, state)
    }
}

/// With the cache, the runs it has no entry for are worked on ahead (all
/// of a page's at once, on all cores), and only those: a first build
/// hands every run to the hook's `prepare`; after one block of a page of
/// several runs changes, only that block's run goes; the output is a clean
/// build's either way.
#[test]
fn the_runs_missing_from_the_cache_are_prepared_and_no_others() {
    let (dir, config) = site();
    let build = |hook: &Recording| {
        let cache = FigureCache::open(&config, "v1");
        site::build_with(&config, hook, Some(&cache)).unwrap();
        (
            cache.misses(),
            std::mem::take(&mut *hook.prepared.lock().unwrap()),
        )
    };
    let hook = Recording::default();
    let (misses, prepared) = build(&hook);
    assert_eq!(prepared.len(), misses, "every run, each once: {prepared:?}");
    // The output is a clean build's (only the files are compared).
    let like_clean = |when: &str| {
        let built = Cached {
            files: snapshot(&config.output_path()),
            hits: 0,
            misses: 0,
            reused: 0,
            written: 0,
        };
        assert_same(&built, &clean_build(&config), when);
    };
    like_clean("first build");
    edit(
        &dir.path().join("content/index.md"),
        "inputs = { x = 1.6 }",
        "inputs = { x = 1.7 }",
    );
    let (misses, prepared) = build(&hook);
    assert_eq!(misses, 1);
    assert_eq!(prepared, [("index.html".to_string(), 1)]);
    like_clean("after an edit");
}
