//! Where the time of a build goes: `cargo run --release --example
//! stage_timing [SITE_DIR]` (the bundled explainer by default).
//!
//! Per block, one after another on one core: the analysis (the TOML read,
//! the graph lowered and run, every gradient checked, any training and
//! every `vary` combination: `scenario::parse` and `Scenario::analyze`) and
//! the figure stage (`figure::compute`: model views, plots, step-size
//! errors). Then the whole cold build (`site::build`, no cache, into a
//! temporary folder) as `seen build --no-cache` runs it, blocks and pages
//! on all cores, with the drawing and the writing: the difference between
//! its wall time and the slowest block is what the cores could not hide.
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn pages(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| Some(e.ok()?.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            pages(&p, out);
        } else if p.extension().is_some_and(|e| e == "md") {
            out.push(p);
        }
    }
}

fn ms(d: Duration) -> String {
    format!("{:7.1} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let root = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| ".".into()));
    let mut files = Vec::new();
    pages(&root.join("content"), &mut files);
    let mut rows = Vec::new();
    for file in &files {
        let md = std::fs::read_to_string(file).expect("a readable page");
        for b in seen::page::find_blocks(&md) {
            // Read as the site reads it: a `data` file beside its page.
            let place = seen::scenario::BlockPlace {
                file,
                markdown: &md,
                block: &b,
                files: Some(seen::scenario::data::Files {
                    page: file,
                    root: &root,
                }),
            };
            let t = Instant::now();
            let (Ok((s, runs)), _) = seen::scenario::analyze_on_page(&b.source, &place) else {
                continue;
            };
            let analysis = t.elapsed();
            let t = Instant::now();
            let _ = seen::figure::compute(&s, &runs);
            let figure = t.elapsed();
            rows.push((analysis + figure, analysis, figure, s.id.clone()));
        }
    }
    rows.sort_by_key(|r| std::cmp::Reverse(r.0));
    println!("block                     analysis     figure data");
    for (_, a, f, id) in &rows {
        println!("{id:24} {} {}", ms(*a), ms(*f));
    }
    let total: Duration = rows.iter().map(|r| r.0).sum();
    println!("all blocks, one core:    {}", ms(total));
    let out = std::env::temp_dir().join(format!("seen-stage-timing-{}", std::process::id()));
    let mut config = seen::site::config::load(&root).expect("seen.toml");
    config.output_dir = out.clone();
    let t = Instant::now();
    let report = seen::site::build(&config, &seen::render::hook::Figures);
    let wall = t.elapsed();
    let _ = std::fs::remove_dir_all(&out);
    match report {
        Ok(_) => println!("cold build, all cores:   {}", ms(wall)),
        Err(e) => eprintln!("the build failed: {e:?}"),
    }
}
