//! Helpers shared by the test modules: paths into the repository, temporary
//! files, the `seen` binary, folder snapshots, float comparison and the
//! property tests' case count. One copy each, so a fix reaches every test.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The crate's root folder (where `Cargo.toml`, `content/` and `tests/` are).
pub fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The bundled explainer's pages: every `*.md` under `content/`, by path.
pub fn explainer_pages() -> Vec<PathBuf> {
    let mut pages: Vec<PathBuf> = walkdir::WalkDir::new(manifest_dir().join("content"))
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    pages.sort();
    assert!(pages.len() > 1, "the bundled explainer is a course");
    pages
}

/// Every block of the bundled explainer, run, page after page (ids are
/// unique across the pages, so a block is found by its id alone).
pub fn explainer_runs() -> Vec<(seen::scenario::Scenario, Vec<seen::scenario::Run>)> {
    (explainer_pages().iter())
        .flat_map(|p| seen::run_file(p).unwrap_or_else(|e| panic!("{}: {e:?}", p.display())))
        .collect()
}

/// The page of the bundled explainer that holds the block `id`.
pub fn explainer_page_of(id: &str) -> PathBuf {
    let fence = format!("id = \"{id}\"\n");
    explainer_pages()
        .into_iter()
        .find(|p| std::fs::read_to_string(p).unwrap().contains(&fence))
        .unwrap_or_else(|| panic!("no page of content/ has the block {id}"))
}

/// The text of every page of the bundled explainer, in path order.
pub fn explainer_text() -> String {
    (explainer_pages().iter())
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Writes `text` to `root/rel`, creating the folders on the way, and returns
/// the file's path as text (ready to pass as a command-line argument).
pub fn write(root: &Path, rel: &str, text: &str) -> String {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    path.display().to_string()
}

/// Every file under `dir`: relative path → bytes.
pub fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap_or_else(|e| panic!("{}: {e}", dir.display())))
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().to_path_buf(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// Runs the built `seen` binary with `args` and waits for it.
pub fn seen(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_seen"))
        .args(args)
        .output()
        .expect("run seen")
}

/// Runs the built `seen` binary with `args` in the folder `cwd`.
pub fn seen_in(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_seen"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run seen")
}

/// Exit status, stdout and stderr of a run, for assertion messages.
pub fn describe(o: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// `a` and `b` agree to the relative tolerance `rel` (absolute near zero).
pub fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * (1.0 + a.abs().max(b.abs()))
}

/// Cases per property test unless `PROPTEST_CASES` says otherwise: enough
/// to catch a broken rule or parser path on every `cargo test`, cheap enough
/// to keep it quick. CI runs more (`.ci/run`).
pub const DEFAULT_CASES: u32 = 64;

/// Property-test settings: `PROPTEST_CASES` cases when that variable is set,
/// else `DEFAULT_CASES`. proptest reads the variable only into its own
/// default config, which an explicit case count would override, so it is
/// read here.
pub fn proptest_config() -> proptest::test_runner::Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_CASES);
    proptest::test_runner::Config::with_cases(cases)
}

/// The lesson's run that diverges: a 1-8-8-1 tanh net fitted to 20 points
/// of sin(x) with a learning rate too large. With `steps`, `lr`.
pub fn sin_net(steps: usize, lr: f64) -> String {
    let examples: Vec<String> = (0..20)
        .map(|i| {
            let x = -3.0 + 6.0 * i as f64 / 19.0;
            format!("{{ x = {x}, y = {} }}", x.sin())
        })
        .collect();
    format!(
        "id = \"sin\"\nnet = {{ sizes = [1, 8, 8, 1], act = \"tanh\", seed = 2 }}\nexamples = [ {} ]\ngraph = \"\"\"\ns = mlp(x)\nloss = mse(s, y)\n\"\"\"\ntrain = {{ steps = {steps}, lr = {lr} }}\nfigure = \"training\"\nreference = \"sin(x)\"",
        examples.join(", ")
    )
}
