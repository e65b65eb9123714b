//! Training at scale: one step (forward, backward, update) of a block's
//! graph, built once. The two-moons block of `scripts/moons.md` (MLP
//! 2-16-16-1, 100 points, about 65,000 nodes), and the same net over 1,600
//! points (over 1,000,000 nodes), the whole block through `analyze` too.
//! Run with
//! `cargo bench --features bench --bench train -- --warm-up-time 1 --measurement-time 5`.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use seen::engine::{Schedule, SplitMix64, Tape, train_tape};
use seen::scenario;
use std::hint::black_box;

/// The two-moons block over `n` points drawn from SplitMix64 (the step
/// costs the same on any points).
fn block(n: usize, steps: usize) -> String {
    let mut r = SplitMix64::new(42);
    let examples: Vec<String> = (0..n)
        .map(|i| {
            let y = if i % 2 == 0 { 1 } else { -1 };
            format!(
                "{{ x1 = {}, x2 = {}, y = {y} }}",
                r.next_weight() * 2.0,
                r.next_weight()
            )
        })
        .collect();
    format!(
        "id = \"moons\"\nnet = {{ sizes = [2, 16, 16, 1], act = \"relu\", seed = 1 }}\nexamples = [\n{}\n]\ngraph = \"\"\"\ns = mlp(x1, x2)\nloss = relu(1 - y * s)\n\"\"\"\ntrain = {{ steps = {steps}, lr = 0.05 }}\nfigure = \"training\"\n",
        examples.join(",\n")
    )
}

fn one_step(c: &mut Criterion) {
    let mut group = c.benchmark_group("training step");
    group.sample_size(10);
    for n in [100usize, 1600] {
        let s = scenario::parse(&block(n, 1)).unwrap();
        let l = s.lower(s.views()[0]).unwrap();
        let g = l.graph.clone();
        let params = g.params();
        // Compiled once, as a training run does (one tape per run, however
        // many steps): the step alone is measured.
        let mut tape = Tape::new(&g);
        group.throughput(Throughput::Elements(g.len() as u64));
        let schedule = Schedule {
            steps: 1,
            lr: 0.05,
            zero_grad: true,
            seed: 1.0,
        };
        group.bench_with_input(BenchmarkId::new("nodes", g.len()), &n, |b, _| {
            b.iter(|| black_box(train_tape(&mut tape, l.output, &params, schedule).unwrap()))
        });
    }
    group.finish();
}

fn whole_block(c: &mut Criterion) {
    let mut group = c.benchmark_group("training block, parse to 10 steps");
    group.sample_size(10);
    let text = block(1600, 10);
    let nodes = scenario::parse(&text)
        .unwrap()
        .lower(scenario::View::Atomic)
        .unwrap()
        .graph
        .len();
    assert!(nodes >= 1_000_000, "{nodes}");
    group.bench_function(BenchmarkId::new("nodes", nodes), |b| {
        b.iter(|| black_box(scenario::parse(&text).unwrap().analyze().unwrap()))
    });
    group.finish();
}

criterion_group!(benches, one_step, whole_block);
criterion_main!(benches);
