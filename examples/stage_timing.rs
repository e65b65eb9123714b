//! Where the time of a build goes: `cargo run --release --example stage_timing`.
use std::time::Instant;
fn main() {
    let t = Instant::now();
    // Every page of the bundled explainer.
    let mut pages: Vec<_> = std::fs::read_dir("content")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    pages.sort();
    let runs: Vec<_> = pages
        .iter()
        .flat_map(|p| seen::run_file(p).unwrap())
        .collect();
    println!("parse+analyze: {:?}", t.elapsed());
    let t = Instant::now();
    let mut n = 0;
    for (s, rs) in &runs {
        for r in rs {
            let story = seen::story::tell(r);
            let t2 = Instant::now();
            let scene = seen::render::frame::Scene::new(r.graph(), &story);
            let lay = t2.elapsed();
            n += story.steps.len();
            let _ = scene;
            println!("  {} {}: layout {:?}", s.id, r.view.name(), lay);
        }
    }
    println!("stories+layouts ({n} steps): {:?}", t.elapsed());
    let t = Instant::now();
    for (s, rs) in &runs {
        for r in rs {
            let _ = seen::render::frame::trace_frames(s, r);
        }
    }
    println!("all frames: {:?}", t.elapsed());
}
