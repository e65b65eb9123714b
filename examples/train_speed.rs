//! Time per training step of every block with `train` in a markdown file:
//!
//! ```sh
//! cargo run --release --example train_speed -- scripts/moons.md
//! ```
//!
//! For each block it lowers the graph once (in the block's first view, the
//! atomic one by default: one node per rulebook op, as micrograd builds
//! it), then times the block's `train` (every step a forward pass, a
//! backward pass and the update, on the same graph) and prints the node
//! count, the milliseconds per step and the first and last loss.
//! `scripts/train_vs_micrograd.sh` runs it beside micrograd.

use seen::engine::{Schedule, train};
use std::path::Path;
use std::time::Instant;

fn main() {
    let files: Vec<String> = std::env::args().skip(1).collect();
    let files = if files.is_empty() {
        vec!["scripts/moons.md".to_string()]
    } else {
        files
    };
    for file in files {
        let runs = match seen::run_file(Path::new(&file)) {
            Ok(r) => r,
            Err(e) => {
                eprint!("{e}");
                std::process::exit(1);
            }
        };
        for (s, _) in runs {
            let Some(t) = &s.train else { continue };
            let view = s.views()[0];
            let lowered = s.lower(view).expect("the block ran before");
            let mut g = lowered.graph.clone();
            let params = g.params();
            let schedule = Schedule {
                steps: t.steps,
                lr: t.lr,
                zero_grad: t.zero_grad,
                seed: s.seed,
            };
            let start = Instant::now();
            let snaps =
                train(&mut g, lowered.output, &params, schedule).expect("it trained before");
            let secs = start.elapsed().as_secs_f64();
            println!(
                "{file} {}: {} nodes ({} view), {} params, {} steps: {:.3} ms per step ({:.1} ns per node per step); loss {:.6} -> {:.6}",
                s.id,
                g.len(),
                view.name(),
                params.len(),
                t.steps,
                1e3 * secs / t.steps as f64,
                1e9 * secs / (t.steps as f64 * g.len() as f64),
                snaps[0].loss,
                snaps[snaps.len() - 1].loss
            );
        }
    }
}
