//! Whole builds, as a reader of the README would measure them:
//! - `bundled`: the bundled explainer (content/ + templates/) into a temp folder;
//! - `scale-200`: a generated site of 200 pages with 3 scenarios each;
//! - `scenario-500`: one 500-node scenario, laid out and one frame rendered.
//!
//! `cargo bench --features bench --bench build`. The budgets (issue 4):
//! bundled < 100 ms, 200 pages < 2 s, 500-node layout + render < 100 ms.

use criterion::{Criterion, criterion_group, criterion_main};
use seen::render::hook::Figures;
use seen::site::{BuildConfig, build};
use std::path::{Path, PathBuf};
use std::time::Duration;

fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from).into_iter().flatten() {
        let rel = e.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

/// A page with three small scenarios: a trace, a compare and a batch.
fn generated_page(i: usize) -> String {
    let w = 0.5 + (i % 7) as f64 * 0.1;
    format!(
        r#"+++
title = "Page {i}"
order = {i}
+++

# Page {i}

Some prose with $a^2$ math.

```autograd
id = "trace"
params = {{ w = {w}, b = -0.3 }}
inputs = {{ x = 1.2 }}
graph = """
z = w * x + b
p = sigmoid(z)
loss = -log(p)
"""
```

```autograd
id = "compare"
figure = "compare"
params = {{ w = {w}, b = 0.1 }}
inputs = {{ x = 0.7, y = 1 }}
graph = """
z = linear(w, x, b)
p = sigmoid(z)
loss = bce(p, y)
"""
```

```autograd
id = "batch"
figure = "batch"
view = "modules"
params = {{ w = {w}, b = -0.1 }}
examples = [ {{ x = -1.0, y = 0 }}, {{ x = 0.5, y = 1 }}, {{ x = 2.0, y = 1 }} ]
update = {{ lr = 0.2 }}
graph = """
z = linear(w, x, b)
p = sigmoid(z)
loss = bce(p, y)
"""
```
"#
    )
}

fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn bench_bundled(c: &mut Criterion) {
    let site = tempfile::tempdir().unwrap();
    copy_dir(&manifest().join("content"), &site.path().join("content"));
    copy_dir(
        &manifest().join("templates"),
        &site.path().join("templates"),
    );
    let config = BuildConfig::new(site.path(), "Autograd, Seen");
    c.bench_function("bundled", |b| b.iter(|| build(&config, &Figures).unwrap()));
}

fn bench_scale(c: &mut Criterion) {
    let site = tempfile::tempdir().unwrap();
    let content = site.path().join("content");
    std::fs::create_dir_all(&content).unwrap();
    for i in 0..200 {
        let name = if i == 0 {
            "index.md".to_string()
        } else {
            format!("page-{i:03}.md")
        };
        std::fs::write(content.join(name), generated_page(i)).unwrap();
    }
    let config = BuildConfig::new(site.path(), "Scale");
    let mut g = c.benchmark_group("scale");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    g.bench_function("scale-200", |b| {
        b.iter(|| build(&config, &Figures).unwrap())
    });
    g.finish();
}

/// A chain of `n` statements alternating tanh and an affine step.
fn big_scenario(n: usize) -> String {
    let mut graph = String::from("h0 = w * x + b\n");
    for i in 1..n / 2 {
        graph += &format!("h{i} = tanh(h{}) * w + 0.1\n", i - 1);
    }
    format!(
        "id = \"big\"\nparams = {{ w = 0.9, b = 0.1 }}\ninputs = {{ x = 0.5 }}\ngraph = \"\"\"\n{graph}\"\"\"\n"
    )
}

fn bench_scenario_500(c: &mut Criterion) {
    let s = seen::scenario::parse(&big_scenario(260)).unwrap();
    let run = s.run(seen::scenario::View::Atomic).unwrap();
    assert!(run.graph().len() >= 500, "{} nodes", run.graph().len());
    let story = seen::story::tell(&run);
    let mut g = c.benchmark_group("scenario-500");
    g.sample_size(20);
    g.bench_function("layout+render one frame", |b| {
        b.iter(|| {
            let scene = seen::render::frame::Scene::new(run.graph(), &story);
            let meta = seen::render::frame::FrameMeta {
                id: "big",
                figure_title: "big",
            };
            seen::render::frame::frame(run.graph(), &story, &scene, story.steps.len() - 1, &meta)
        })
    });
    g.finish();
}

criterion_group!(benches, bench_bundled, bench_scale, bench_scenario_500);
criterion_main!(benches);
