//! Parsing scales linearly: a chain of N statements (`a1 = w * x`,
//! `a2 = a1 * w`, …) is read, checked and refused as over the node limit,
//! for N = 10,000, 40,000 and 200,000, and the times must stay linear:
//! 40k no more than 8× 10k (linear is 4×, quadratic 16×: the margin is for
//! a loaded CI machine, where 10k takes only ~35 ms and a 5× bound failed
//! once on noise), 200k under 2 s. Run with
//!
//! ```sh
//! cargo bench --bench parse_scaling
//! ```
//!
//! It is a bench, not a test: `cargo test` runs unoptimised and on shared
//! machines, where a time bound would be flaky. (The quadratic step it
//! guards against was a scan per name in the model's dependency walk and
//! in the statement checks: 40k statements took 2.7 s, 200k 212 s.)

use std::time::{Duration, Instant};

fn chain(n: usize) -> String {
    let mut g = String::with_capacity(n * 20);
    g += "a1 = w * x\n";
    for i in 2..=n {
        g += &format!("a{i} = a{} * w\n", i - 1);
    }
    format!(
        "+++\ntitle = \"c\"\n+++\n\n```autograd\nid = \"c\"\nparams = {{ w = 1.0001 }}\ninputs = {{ x = 1 }}\ngraph = \"\"\"\n{g}\"\"\"\n```\n"
    )
}

/// The best of five runs of `seen::run_file` on a chain of `n` statements.
fn time(n: usize, dir: &std::path::Path) -> Duration {
    let path = dir.join(format!("c{n}.md"));
    std::fs::write(&path, chain(n)).expect("write the chain");
    (0..5)
        .map(|_| {
            let t = Instant::now();
            let r = seen::run_file(&path);
            let dt = t.elapsed();
            if n > 20_000 {
                let e = r.expect_err("over the node limit");
                assert!(e.contains("over the size limit"), "{e}");
            }
            dt
        })
        .min()
        .expect("five runs")
}

fn main() {
    let dir = std::env::temp_dir().join(format!("seen-parse-scaling-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let t10 = time(10_000, &dir);
    let t40 = time(40_000, &dir);
    let t200 = time(200_000, &dir);
    let _ = std::fs::remove_dir_all(&dir);
    println!("chain of 10,000 statements:  {t10:?}");
    println!("chain of 40,000 statements:  {t40:?}");
    println!("chain of 200,000 statements: {t200:?}");
    let ratio = t40.as_secs_f64() / t10.as_secs_f64().max(1e-9);
    println!("40k / 10k = {ratio:.1}× (linear: 4×, bound: 8×)");
    assert!(
        ratio <= 8.0,
        "parsing is not linear: 40k took {ratio:.1}× 10k"
    );
    assert!(
        t200 <= Duration::from_secs(2),
        "200k statements took {t200:?}, over 2 s"
    );
}
