//! How long `layout` takes on a graph the size of a big explainer figure:
//! 500 nodes in a random-ish layered shape (a deterministic generator, so
//! every run measures the same graph). Run with
//! `cargo bench --features bench --bench layout`.

use criterion::{Criterion, criterion_group, criterion_main};
use seen::layout::{LayoutNode, LayoutOptions, count_crossings, layout};
use std::hint::black_box;

/// 500 nodes: 60 leaves, then ops taking 1–3 operands mostly from the last
/// 30 nodes (so edges span a few ranks and need dummies), now and then from
/// anywhere earlier. A 64-bit LCG keeps it the same on every machine.
fn graph(n: usize) -> Vec<LayoutNode> {
    let mut state: u64 = 0x5eed_1a70_u64;
    let mut next = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) as usize
    };
    (0..n)
        .map(|i| {
            let parents = if i < 60 {
                Vec::new()
            } else {
                let k = 1 + next() % 3;
                (0..k)
                    .map(|_| {
                        if next() % 10 == 0 {
                            next() % i
                        } else {
                            i - 1 - next() % 30
                        }
                    })
                    .collect()
            };
            LayoutNode {
                parents,
                width: 36.0 + (next() % 5) as f64 * 8.0,
                height: 28.0,
                ..Default::default()
            }
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let nodes = graph(500);
    let opts = LayoutOptions::default();
    let l = layout(&nodes, &opts);
    eprintln!(
        "500-node graph: {} ranks, {} edges, {} crossings",
        l.ranks.iter().max().map_or(0, |r| r + 1),
        l.edges.len(),
        count_crossings(&l)
    );
    c.bench_function("layout 500 nodes", |b| {
        b.iter(|| layout(black_box(&nodes), black_box(&opts)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
