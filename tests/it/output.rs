//! The output folder: seen replaces only a folder it wrote (or an empty or
//! missing one), `--force` overrides that, and a build killed at any
//! instant leaves either the old site or the new one, never a mix.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use crate::support::{describe, seen, snapshot, write};

/// A page with one drawn figure, `n` naming both.
fn page(n: usize, text: &str) -> String {
    format!(
        "+++\ntitle = \"Page {n}\"\norder = {n}\n+++\n\n{text}\n\n```autograd\nid = \"f{n}\"\n\
         params = {{ w = {n}.5, b = -0.8 }}\ninputs = {{ x = 1.6 }}\n\
         graph = \"\"\"\nz = w * x + b\nloss = relu(z)\n\"\"\"\n```\n"
    )
}

/// A small site: `seen.toml` and three pages.
fn site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "seen.toml", "title = \"Out\"\n");
    for n in 0..3 {
        write(root, &format!("content/p{n}.md"), &page(n, "First."));
    }
    dir
}

fn run(root: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["build", "--root", root.to_str().unwrap()];
    args.extend_from_slice(extra);
    seen(&args)
}

fn ok(o: &Output) {
    assert!(o.status.success(), "{}", describe(o));
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A folder of someone's own files: a repository and a note.
fn foreign(dir: &Path) {
    write(dir, ".git/HEAD", "ref: refs/heads/main\n");
    write(dir, ".git/config", "[core]\n");
    write(dir, "notes.txt", "my notes\n");
}

#[test]
fn a_folder_of_other_files_is_refused_and_left_as_it_was() {
    let dir = site();
    let root = dir.path();
    foreign(&root.join("mine"));
    let before = snapshot(&root.join("mine"));

    // Named on the command line: the flag is named.
    let o = run(root, &["--output-dir", "mine"]);
    assert!(!o.status.success(), "{}", describe(&o));
    let err = stderr(&o);
    assert!(
        err.contains(
            "mine: error: the output folder `mine` holds files seen did not write \
             (`.git/`, `notes.txt`)"
        ),
        "{err}"
    );
    assert!(err.contains("(given with `--output-dir`)"), "{err}");
    assert!(
        err.contains("hint: choose a new or empty folder, or pass `--force`"),
        "{err}"
    );
    assert!(
        err.contains("the output folder was left untouched"),
        "{err}"
    );
    assert_eq!(snapshot(&root.join("mine")), before);

    // Named in seen.toml: the key's line and column.
    write(
        root,
        "seen.toml",
        "title = \"Out\"\n\n  output_dir = \"mine\"\n",
    );
    let o = run(root, &[]);
    assert!(!o.status.success(), "{}", describe(&o));
    let err = stderr(&o);
    assert!(
        err.contains(
            "seen.toml:3:3: error: the output folder `mine` holds files seen did not write"
        ),
        "{err}"
    );
    assert!(err.contains("3 |   output_dir = \"mine\""), "{err}");
    assert!(err.contains("hint:"), "{err}");
    assert_eq!(snapshot(&root.join("mine")), before);
    // Nothing was left beside it either.
    let names: Vec<String> = fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("mine"))
        .collect();
    assert_eq!(names, ["mine"]);

    // `seen serve` neither replaces nor serves it.
    let o = seen(&["serve", "--port", "0", "--root", root.to_str().unwrap()]);
    assert!(!o.status.success(), "{}", describe(&o));
    assert!(
        stderr(&o).contains("seen.toml:3:3: error"),
        "{}",
        describe(&o)
    );
    assert_eq!(snapshot(&root.join("mine")), before);
}

#[test]
fn force_replaces_a_folder_of_other_files() {
    let dir = site();
    let root = dir.path();
    foreign(&root.join("public"));
    ok(&run(root, &["--force"]));
    let out = root.join("public");
    assert!(!out.join("notes.txt").exists());
    assert!(!out.join(".git").exists());
    assert!(out.join("p0.html").is_file());
    assert!(out.join(".seen-output").is_file());
    // From now on it is seen's: no `--force` needed.
    write(root, "content/p0.md", &page(0, "Second."));
    ok(&run(root, &[]));
    assert!(
        fs::read_to_string(out.join("p0.html"))
            .unwrap()
            .contains("Second.")
    );
}

#[test]
fn an_empty_or_missing_folder_is_fine() {
    let dir = site();
    let root = dir.path();
    fs::create_dir(root.join("empty")).unwrap();
    ok(&run(root, &["--output-dir", "empty"]));
    assert!(root.join("empty/p0.html").is_file());
    ok(&run(root, &["--output-dir", "new/deeper"]));
    assert!(root.join("new/deeper/p0.html").is_file());
    assert!(root.join("new/deeper/.seen-output").is_file());
}

#[test]
fn a_folder_seen_built_is_replaced_whole() {
    let dir = site();
    let root = dir.path();
    ok(&run(root, &[]));
    let out = root.join("public");
    // Even a stray file in it goes: the marker says the folder is seen's.
    write(&out, "stray.txt", "x");
    fs::remove_file(root.join("content/p2.md")).unwrap();
    write(root, "content/p0.md", &page(0, "Second."));
    ok(&run(root, &[]));
    assert!(!out.join("stray.txt").exists());
    assert!(!out.join("p2.html").exists());
    assert!(!out.join("figures/p2").exists());
    assert!(
        fs::read_to_string(out.join("p0.html"))
            .unwrap()
            .contains("Second.")
    );
    // And with --no-cache (no manifest read) the same.
    write(root, "content/p0.md", &page(0, "Third."));
    ok(&run(root, &["--no-cache"]));
    assert!(
        fs::read_to_string(out.join("p0.html"))
            .unwrap()
            .contains("Third.")
    );
}

/// A site built by a seen from before the marker: the output manifest
/// lists every file of the folder, and there is no marker.
#[test]
fn a_folder_built_by_the_previous_seen_is_still_accepted() {
    let dir = site();
    let root = dir.path();
    ok(&run(root, &[]));
    let out = root.join("public");
    fs::remove_file(out.join(".seen-output")).unwrap();
    write(root, "content/p0.md", &page(0, "Second."));
    ok(&run(root, &[]));
    assert!(
        fs::read_to_string(out.join("p0.html"))
            .unwrap()
            .contains("Second.")
    );
    assert!(out.join(".seen-output").is_file(), "marked from now on");

    // But not with a file the manifest does not list.
    fs::remove_file(out.join(".seen-output")).unwrap();
    write(&out, "notes.txt", "mine");
    let before = snapshot(&out);
    write(root, "content/p0.md", &page(0, "Third."));
    let o = run(root, &[]);
    assert!(!o.status.success(), "{}", describe(&o));
    assert!(stderr(&o).contains("(`notes.txt`)"), "{}", describe(&o));
    assert_eq!(snapshot(&out), before);
    // Nor without a manifest at all.
    fs::remove_file(out.join("notes.txt")).unwrap();
    fs::remove_dir_all(root.join(".seen-cache")).unwrap();
    let o = run(root, &[]);
    assert!(!o.status.success(), "{}", describe(&o));
    assert!(stderr(&o).contains("`figures/`"), "{}", describe(&o));
}

#[test]
fn a_manifest_that_is_a_folder_or_garbage_counts_as_none() {
    let dir = site();
    let root = dir.path();
    ok(&run(root, &[]));
    let manifest = root.join(".seen-cache/manifest.json");
    fs::remove_file(&manifest).unwrap();
    write(&manifest, "inside.txt", "a folder in its place");
    write(root, "content/p0.md", &page(0, "Second."));
    ok(&run(root, &[]));
    let out = root.join("public");
    assert!(
        fs::read_to_string(out.join("p0.html"))
            .unwrap()
            .contains("Second.")
    );
    assert!(manifest.join("inside.txt").is_file(), "left alone");

    fs::remove_dir_all(&manifest).unwrap();
    fs::write(&manifest, "{ not json").unwrap();
    write(root, "content/p0.md", &page(0, "Third."));
    ok(&run(root, &[]));
    assert!(
        fs::read_to_string(out.join("p0.html"))
            .unwrap()
            .contains("Third.")
    );

    // Without the marker, a broken manifest cannot vouch for the folder.
    fs::remove_file(out.join(".seen-output")).unwrap();
    fs::write(&manifest, "{ not json").unwrap();
    let o = run(root, &[]);
    assert!(!o.status.success(), "{}", describe(&o));
}

#[test]
fn a_file_in_the_place_of_the_output_folder_is_refused_even_with_force() {
    let dir = site();
    let root = dir.path();
    write(root, "public", "a file");
    let o = run(root, &["--force"]);
    assert!(!o.status.success(), "{}", describe(&o));
    assert!(
        stderr(&o).contains("public: error: the output folder `public` exists and is not a folder"),
        "{}",
        describe(&o)
    );
    assert_eq!(fs::read_to_string(root.join("public")).unwrap(), "a file");
}

/// A link in the place of the output folder is not seen's; with `--force`
/// the link is replaced, and the folder it points to is left as it was.
#[cfg(unix)]
#[test]
fn a_link_is_refused_and_with_force_only_unlinked() {
    let dir = site();
    let root = dir.path();
    foreign(&root.join("elsewhere"));
    let before = snapshot(&root.join("elsewhere"));
    std::os::unix::fs::symlink(root.join("elsewhere"), root.join("public")).unwrap();
    let o = run(root, &[]);
    assert!(!o.status.success(), "{}", describe(&o));
    assert!(
        stderr(&o).contains("is a symbolic link"),
        "{}",
        describe(&o)
    );
    ok(&run(root, &["--force"]));
    let public = fs::symlink_metadata(root.join("public")).unwrap();
    assert!(public.is_dir(), "a real folder now");
    assert!(root.join("public/p0.html").is_file());
    assert_eq!(snapshot(&root.join("elsewhere")), before);
}

/// Unchanged files are carried over, not written: they keep their
/// modification time (and, hard-linked, their inode).
#[test]
fn unchanged_files_keep_their_time() {
    let dir = site();
    let root = dir.path();
    ok(&run(root, &[]));
    let out = root.join("public");
    let mtime = |rel: &str| fs::metadata(out.join(rel)).unwrap().modified().unwrap();
    let before = (mtime("p1.html"), mtime("figures/p1/f1/trace.json"));
    std::thread::sleep(std::time::Duration::from_millis(20));
    write(root, "content/p0.md", &page(0, "Second."));
    ok(&run(root, &[]));
    assert_eq!(
        (mtime("p1.html"), mtime("figures/p1/f1/trace.json")),
        before
    );
}

/// The site as the two versions of the kill test have it.
fn version(root: &Path, v: usize) {
    write(root, "seen.toml", &format!("title = \"Version {v}\"\n"));
    for n in 0..8 {
        let text = format!("Version {v} of page {n}.");
        // Every other page's figure changes too.
        let k = if n % 2 == 0 { n + 10 * v } else { n };
        let p = page(k, &text).replace(&format!("id = \"f{k}\""), &format!("id = \"f{n}\""));
        write(root, &format!("content/p{n}.md"), &p);
    }
    // A page only the second version has.
    let extra = root.join("content/extra.md");
    if v == 1 {
        write(root, "content/extra.md", &page(99, "Only in version 1."));
    } else if extra.exists() {
        fs::remove_file(extra).unwrap();
    }
}

/// Every file of the output folder, relative path → bytes.
type Site = BTreeMap<PathBuf, Vec<u8>>;

/// A build killed at many points (`kill -9`, after delays spread over a
/// whole build) leaves the output folder exactly as the old build or as
/// the new one: the same files, the same bytes; never a mix, never
/// missing. The next build cleans what the killed one left beside it.
/// (Against the writer before the swap, 2 runs in 3 found a mix.)
#[cfg(target_os = "linux")]
#[test]
fn a_killed_build_leaves_the_old_site_or_the_new_one() {
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};

    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let out = root.join("public");
    let mut sites: Vec<Site> = Vec::new();
    let mut full = Duration::ZERO;
    for v in [0, 1, 0] {
        version(root, v);
        let t = Instant::now();
        ok(&run(root, &[]));
        full = full.max(t.elapsed());
        if sites.len() < 2 {
            sites.push(snapshot(&out));
        }
    }
    assert_ne!(sites[0], sites[1]);
    let mut current = 0;
    // More with `SEEN_KILLS=200`, say.
    let kills: usize = std::env::var("SEEN_KILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(24);
    let (mut old, mut new) = (0, 0);
    for i in 0..kills {
        let target = 1 - current;
        version(root, target);
        // Delays from 0 to 1.15 times a whole build, in steps.
        let delay = full.mul_f64(i as f64 / (kills - 1) as f64 * 1.15);
        let mut child = Command::new(env!("CARGO_BIN_EXE_seen"))
            .args(["build", "--root"])
            .arg(root)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        assert!(
            out.is_dir(),
            "kill {i} after {delay:?}: the output folder is missing"
        );
        let now = snapshot(&out);
        current = match sites.iter().position(|s| *s == now) {
            Some(which) => which,
            None => {
                let files = |s: &Site| s.keys().cloned().collect::<Vec<_>>();
                panic!(
                    "kill {i} after {delay:?}: a mix of two builds\nnow: {:?}\nold: {:?}\nnew: {:?}",
                    files(&now),
                    files(&sites[current]),
                    files(&sites[target])
                )
            }
        };
        if current == target {
            new += 1;
        } else {
            old += 1;
        }
    }
    eprintln!(
        "a whole build took {full:?}; after {kills} kills: the old site {old} times, the new one {new}"
    );
    // A build that runs to the end gives the new site exactly, and removes
    // what the killed builds left beside the output folder.
    let target = 1 - current;
    version(root, target);
    ok(&run(root, &[]));
    assert!(
        snapshot(&out) == sites[target],
        "a full build after the kills"
    );
    let left: Vec<String> = fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("public."))
        .collect();
    assert!(left.is_empty(), "left beside the output folder: {left:?}");
}

/// `seen serve`'s rebuilds go through the same swap: the library's
/// incremental build refuses a folder that is not seen's, and replaces it
/// with `force`.
#[cfg(unix)]
#[test]
fn incremental_builds_claim_the_folder_too() {
    use seen::render::hook::Figures;
    use seen::site::{self, incremental::Incremental};

    let dir = site();
    let root = dir.path();
    let out = root.join("public");
    foreign(&out);
    let before = snapshot(&out);
    let mut config = site::config::load(root).unwrap();
    let mut cache = Incremental::new();
    let err = site::incremental::build(&config, &Figures, &mut cache).unwrap_err();
    assert!(
        err.to_string().contains("holds files seen did not write"),
        "{err}"
    );
    assert_eq!(snapshot(&out), before);
    config.force = true;
    site::incremental::build(&config, &Figures, &mut cache).unwrap();
    assert!(!out.join("notes.txt").exists());
    assert!(out.join(".seen-output").is_file());
    // A rebuild with a change swaps in a new folder, keeping what did not
    // change (the same inode: hard-linked, not written).
    config.force = false;
    let ino = |rel: &str| {
        use std::os::unix::fs::MetadataExt;
        fs::metadata(out.join(rel)).unwrap().ino()
    };
    let kept = ino("p1.html");
    write(root, "content/p0.md", &page(0, "Second."));
    let (_, reuse) = site::incremental::build(&config, &Figures, &mut cache).unwrap();
    assert_eq!(reuse.written, Some(1));
    assert_eq!(ino("p1.html"), kept);
    assert!(
        fs::read_to_string(out.join("p0.html"))
            .unwrap()
            .contains("Second.")
    );
    site::output::wait_for_cleanup();
}
