//! Forward + backward over long chains, the graphs built once outside the
//! timed loop. Run with
//! `cargo bench --features bench --bench engine -- --warm-up-time 1 --measurement-time 3`.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use seen::engine::{Graph, Kind, NodeId, Op};
use std::hint::black_box;

/// A chain of `n` op nodes alternating `y·c` and `tanh(y)`, plus the leaves.
fn chain(n: usize) -> (Graph, NodeId) {
    let mut g = Graph::new();
    let x = g.leaf(Kind::Param, Some("x"), 0.5);
    let c = g.leaf(Kind::Const, None, 1.5);
    let mut y = x;
    for i in 0..n {
        y = if i % 2 == 0 {
            g.op(Op::Mul, &[y, c])
        } else {
            g.op(Op::Tanh, &[y])
        };
    }
    (g, y)
}

fn forward_backward(c: &mut Criterion) {
    let mut group = c.benchmark_group("forward+backward");
    group.sample_size(10);
    for n in [10_000usize, 100_000, 1_000_000] {
        let (mut g, out) = chain(n);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, _| {
            b.iter(|| {
                g.forward_quiet().unwrap();
                g.backward_quiet(out, 1.0);
                black_box(g.nodes[0].grad)
            })
        });
    }
    group.finish();
}

criterion_group!(benches, forward_backward);
criterion_main!(benches);
