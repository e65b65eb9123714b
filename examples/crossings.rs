//! Edge crossings of every graph a markdown file draws, against Graphviz
//! `dot` on the same graphs:
//!
//! ```sh
//! cargo run --release --example crossings -- content/*.md [more.md ...]
//! ```
//!
//! For each trace-like graph (every view of every block), it lays the graph
//! out as the frames do (one node per value), counts crossings, then gives
//! `dot` the same nodes and edges (left to right, one box per node, same
//! sizes) and counts the crossings of dot's drawn splines with the same
//! counter. It prints a table and exits with status 1 when `seen` draws
//! more crossings than `dot` on any graph, 2 when `dot` is missing.
//! CI runs it (`.ci/run`); it is not part of `cargo test`, which must not
//! need Graphviz.

use seen::layout::{EdgeRoute, Layout, Point, count_crossings};
use seen::render::frame::Scene;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// Points per cubic Bézier segment when flattening dot's splines.
const SAMPLES: usize = 12;

fn main() {
    let files: Vec<String> = std::env::args().skip(1).collect();
    let files = if files.is_empty() {
        // Every page of the bundled explainer.
        let mut pages: Vec<String> = std::fs::read_dir("content")
            .map(|d| {
                d.filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.extension().is_some_and(|e| e == "md"))
                    .map(|p| p.display().to_string())
                    .collect()
            })
            .unwrap_or_default();
        pages.sort();
        pages
    } else {
        files
    };
    if Command::new("dot").arg("-V").output().is_err() {
        eprintln!("crossings: Graphviz `dot` is not on PATH (Debian: apt-get install graphviz)");
        std::process::exit(2);
    }
    println!(
        "| graph | nodes | edges | seen | dot (its order) | dot (its splines) |\n| --- | ---: | ---: | ---: | ---: | ---: |"
    );
    let mut worse = Vec::new();
    for file in &files {
        let runs = match seen::run_file(Path::new(file)) {
            Ok(r) => r,
            Err(e) => {
                eprint!("{e}");
                std::process::exit(1);
            }
        };
        for (s, rs) in &runs {
            // A training block's graph is run, not drawn.
            if !s.figure.draws_graph() {
                continue;
            }
            for run in rs {
                let story = seen::story::tell(run);
                let scene = Scene::new(run.graph(), &story);
                let ours = count_crossings(&scene.layout);
                let (theirs, splines) = dot_crossings(&scene);
                if let Some(dir) = std::env::var_os("CROSSINGS_DOT_DIR") {
                    let name = format!("{}-{}.dot", s.id, run.view.name());
                    std::fs::write(Path::new(&dir).join(name), to_dot(&scene)).expect("write .dot");
                }
                let name = format!("{} ({})", s.id, run.view.name());
                println!(
                    "| {name} | {} | {} | {ours} | {theirs} | {splines} |",
                    scene.layout.centers.len(),
                    scene.layout.edges.len()
                );
                if ours > theirs {
                    worse.push(name);
                }
            }
        }
    }
    if !worse.is_empty() {
        eprintln!("crossings: more than dot on {}", worse.join(", "));
        std::process::exit(1);
    }
}

/// The scene's graph as DOT: same node sizes (points = px at 72 dpi are
/// only a scale; dot's crossings do not depend on it), operand edges in
/// slot order, left to right.
fn to_dot(scene: &Scene) -> String {
    let mut s =
        String::from("digraph g {\n rankdir=LR;\n node [shape=box, fixedsize=true, label=\"\"];\n");
    for (i, &(w, h)) in scene.sizes.iter().enumerate() {
        s += &format!(" n{i} [width={:.3}, height={:.3}];\n", w / 72.0, h / 72.0);
    }
    for e in &scene.layout.edges {
        s += &format!(" n{} -> n{};\n", e.from, e.to);
    }
    s + "}\n"
}

/// Runs `dot -v -Tplain` on the scene's graph. Returns dot's own count of
/// crossings in the order it chose (the number its `mincross` phase
/// minimises, over the same layered graph as ours: the fair comparison),
/// and, for information, the crossings of its drawn splines (each
/// flattened into a polyline) by our counter. Splines that enter a box
/// from its top or bottom can dodge crossings a layered drawing with
/// straight ports must draw, so the second number is not a target.
fn dot_crossings(scene: &Scene) -> (usize, usize) {
    let mut child = Command::new("dot")
        .args(["-v", "-Tplain"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("dot runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(to_dot(scene).as_bytes())
        .expect("write to dot");
    let out = child.wait_with_output().expect("dot finishes");
    // "mincross g: 5 crossings, 0.00 secs." once per connected component.
    let ordered: usize = String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| l.starts_with("mincross") && l.contains(" crossings"))
        .filter_map(|l| {
            l.split(':')
                .nth(1)?
                .split_whitespace()
                .next()?
                .parse::<usize>()
                .ok()
        })
        .sum();
    let text = String::from_utf8_lossy(&out.stdout);
    let mut edges = Vec::new();
    for line in text.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.first() != Some(&"edge") || f.len() < 4 {
            continue;
        }
        let id = |s: &str| s.trim_start_matches('n').parse::<usize>().unwrap_or(0);
        let n: usize = f[3].parse().unwrap_or(0);
        let ctrl: Vec<Point> = (0..n)
            .filter_map(|k| {
                let x = f.get(4 + 2 * k)?.parse().ok()?;
                let y = f.get(5 + 2 * k)?.parse().ok()?;
                Some(Point { x, y })
            })
            .collect();
        edges.push(EdgeRoute {
            from: id(f[1]),
            to: id(f[2]),
            slot: 0,
            points: flatten(&ctrl),
        });
    }
    let drawn = count_crossings(&Layout {
        centers: Vec::new(),
        ranks: Vec::new(),
        edges,
        width: 0.0,
        height: 0.0,
    });
    (ordered, drawn)
}

/// A cubic B-spline from dot (1 + 3k control points) as a polyline.
fn flatten(c: &[Point]) -> Vec<Point> {
    let mut pts = vec![c[0]];
    for seg in c[1..].chunks(3) {
        if seg.len() < 3 {
            break;
        }
        let p0 = *pts.last().expect("a start point");
        for k in 1..=SAMPLES {
            let t = k as f64 / SAMPLES as f64;
            let u = 1.0 - t;
            let b = |a: f64, b: f64, c: f64, d: f64| {
                u * u * u * a + 3.0 * u * u * t * b + 3.0 * u * t * t * c + t * t * t * d
            };
            pts.push(Point {
                x: b(p0.x, seg[0].x, seg[1].x, seg[2].x),
                y: b(p0.y, seg[0].y, seg[1].y, seg[2].y),
            });
        }
    }
    pts
}
