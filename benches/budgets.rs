//! Budgets hold: the biggest blocks the limits allow (docs/language.md,
//! "Limits") each build, or are refused, in under 10 s, under 1 GB of
//! memory and writing under 100 MB. Each case is a one-page site built by
//! the release binary (`seen build --no-cache`) in a child process: its
//! wall time, its peak resident memory (the child's own `ru_maxrss`, from
//! `wait4`) and the bytes of its output folder. Run with
//!
//! ```sh
//! cargo bench --bench budgets
//! ```
//!
//! It is a bench, not a test, for the same reason as `parse_scaling`: time
//! bounds belong to optimised code, and `cargo test` runs unoptimised.
//! (Before the budgets, a drawn trace of a 3,000-statement chain took 130 s
//! and 4.8 GB and wrote 2.07 GB; a batch figure of 200 examples 152 s,
//! 5.7 GB and 2.35 GB; a drawn graph of 6,600 params 55 s.)

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[cfg(not(all(target_os = "linux", target_pointer_width = "64")))]
compile_error!("the budgets bench reads a child's peak memory with wait4 on 64-bit Linux");

const MAX_TIME: Duration = Duration::from_secs(10);
const MAX_MEMORY: u64 = 1 << 30;
const MAX_WRITTEN: u64 = 100_000_000;

/// What a case must end with.
enum Outcome {
    Built,
    /// Refused, with this text in the error.
    Refused(&'static str),
    /// Either (the case is about the bounds only).
    Any,
}

struct Case {
    name: &'static str,
    block: String,
    /// A `data` file beside the page: (name, text).
    data: Option<(&'static str, String)>,
    outcome: Outcome,
}

fn lines(n: usize, f: impl Fn(usize) -> String) -> String {
    (1..=n).map(|i| f(i) + "\n").collect()
}

/// `a1 = w + x`, `a2 = a1 + w`, …: a chain whose every statement also
/// reads `w`, so `w` has an edge to every rank (the longest routes a
/// layout draws).
fn chain(n: usize) -> String {
    lines(n, |i| match i {
        1 => "a1 = w + x".into(),
        _ => format!("a{i} = a{} + w", i - 1),
    })
}

/// 100 rows of two interleaved classes, deterministic (an LCG).
fn moons() -> String {
    let mut state: u64 = 42;
    let mut next = || {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut csv = String::from("x1,x2,y\n");
    for i in 0..100 {
        let (x1, x2) = (2.0 * next() - 1.0, 2.0 * next() - 1.0);
        let y = if i % 2 == 0 { 1 } else { -1 };
        csv += &format!("{x1:.6},{x2:.6},{y}\n");
    }
    csv
}

fn training(sizes: &str, steps: usize) -> String {
    format!(
        "id = \"t\"\ndata = \"moons.csv\"\nnet = {{ name = \"mlp\", sizes = {sizes}, act = \"tanh\", seed = 1 }}\ngraph = \"\"\"\ns = mlp(x1, x2)\nloss = relu(1 - y * s)\n\"\"\"\ntrain = {{ steps = {steps}, lr = 0.05 }}\nfigure = \"training\"\n"
    )
}

fn batch(examples: usize) -> String {
    let ex: Vec<String> = (0..examples)
        .map(|i| {
            format!(
                "{{ x = {:.2}, y = {} }}",
                (i % 17) as f64 / 10.0 - 0.8,
                i % 2
            )
        })
        .collect();
    format!(
        "id = \"b\"\nparams = {{ w = 1.2, b = -0.1 }}\nexamples = [ {} ]\ngraph = \"\"\"\np = sigmoid(w * x + b)\nloss = bce(p, y)\n\"\"\"\nupdate = {{ lr = 0.2 }}\nfigure = \"batch\"\n",
        ex.join(", ")
    )
}

fn cases() -> Vec<Case> {
    let m = 6_600;
    let mut wide = lines(m, |i| format!("p{i} = w{i} * x"));
    // The products summed by a balanced tree of statements.
    let mut level: Vec<String> = (1..=m).map(|i| format!("p{i}")).collect();
    let mut k = 0;
    while level.len() > 1 {
        let mut next = Vec::new();
        for pair in level.chunks(2) {
            if let [a, b] = pair {
                k += 1;
                wide += &format!("s{k} = {a} + {b}\n");
                next.push(format!("s{k}"));
            } else {
                next.push(pair[0].clone());
            }
        }
        level = next;
    }
    let params: Vec<String> = (1..=m).map(|i| format!("w{i} = 0.{}", i % 9 + 1)).collect();
    vec![
        Case {
            name: "trace at the frame budget: a 665-statement chain (1,998 frames)",
            block: format!(
                "id = \"c\"\nparams = {{ w = 0.5 }}\ninputs = {{ x = 1 }}\ngraph = \"\"\"\n{}\"\"\"\n",
                chain(665)
            ),
            data: None,
            outcome: Outcome::Built,
        },
        Case {
            name: "trace at the frame budget in 16 variants: a 40-statement chain (16 × 123 frames)",
            block: format!(
                "id = \"c\"\nparams = {{ w = 0.5 }}\ninputs = {{ x = 1 }}\ngraph = \"\"\"\n{}\"\"\"\nvary = {{ w = [{}] }}\n",
                chain(40),
                (1..=16)
                    .map(|k| format!("{:?}", k as f64 * 0.05))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            data: None,
            outcome: Outcome::Built,
        },
        Case {
            name: "training at the work budget in 16 variants: 2-16-16-1 net, 100 rows, 16 × 230 steps",
            block: training("[2, 16, 16, 1]", 230)
                + "vary = { lr = [0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.09, 0.1, 0.11, 0.12, 0.13, 0.14, 0.15, 0.16] }\n",
            data: Some(("moons.csv", moons())),
            outcome: Outcome::Any,
        },
        Case {
            name: "batch at the frame budget: 53 examples (1,964 frames)",
            block: batch(53),
            data: None,
            outcome: Outcome::Built,
        },
        Case {
            name: "batch of 200 examples (7,403 frames)",
            block: batch(200),
            data: None,
            outcome: Outcome::Refused("frames for 200 examples (limit 2,000)"),
        },
        Case {
            name: "chain of 19,990 statements as a trace (59,973 frames)",
            block: format!(
                "id = \"c\"\nparams = {{ w = 0.5 }}\ninputs = {{ x = 1 }}\ngraph = \"\"\"\n{}\"\"\"\n",
                chain(19_990)
            ),
            data: None,
            outcome: Outcome::Refused("frames (limit 2,000)"),
        },
        Case {
            name: "graph at the node limit: a 19,990-statement chain (19,992 nodes)",
            block: format!(
                "id = \"c\"\nparams = {{ w = 0.5 }}\ninputs = {{ x = 1 }}\ngraph = \"\"\"\n{}\"\"\"\nfigure = \"graph\"\n",
                chain(19_990)
            ),
            data: None,
            outcome: Outcome::Built,
        },
        Case {
            name: "graph at the node limit: 6,600 params summed (19,800 nodes)",
            block: format!(
                "id = \"w\"\nparams = {{ {} }}\ninputs = {{ x = 1 }}\ngraph = \"\"\"\n{wide}\"\"\"\nfigure = \"graph\"\n",
                params.join(", ")
            ),
            data: None,
            outcome: Outcome::Built,
        },
        Case {
            name: "training at the work budget: 2-16-16-1 net, 100 rows, 3,800 steps",
            block: training("[2, 16, 16, 1]", 3_800),
            data: Some(("moons.csv", moons())),
            outcome: Outcome::Any,
        },
        Case {
            name: "training at the node limit: 2-46-46-1 net, 100 rows, 500 steps",
            block: training("[2, 46, 46, 1]", 500),
            data: Some(("moons.csv", moons())),
            outcome: Outcome::Any,
        },
        Case {
            name: "training over the work budget: 2-46-46-1 net, 10,000 steps",
            block: training("[2, 46, 46, 1]", 10_000),
            data: Some(("moons.csv", moons())),
            outcome: Outcome::Refused("node-steps, more than the budget of 250000000"),
        },
    ]
}

/// Waits for the child `pid` and returns its exit code (None if killed by
/// a signal) and its peak resident memory in bytes: `wait4` reports the
/// child's own `ru_maxrss` (in KB on Linux), where `getrusage` would give
/// the largest of all children so far.
fn wait_with_peak(pid: u32) -> (Option<i32>, u64) {
    /// `struct rusage` of 64-bit Linux: two `timeval`s, then 14 longs,
    /// the first of which is `ru_maxrss`.
    #[repr(C)]
    struct Rusage {
        utime: [i64; 2],
        stime: [i64; 2],
        maxrss: i64,
        rest: [i64; 13],
    }
    unsafe extern "C" {
        fn wait4(pid: i32, status: *mut i32, options: i32, rusage: *mut Rusage) -> i32;
    }
    let mut status = 0i32;
    let mut usage = Rusage {
        utime: [0; 2],
        stime: [0; 2],
        maxrss: 0,
        rest: [0; 13],
    };
    // SAFETY: both pointers are to live, writable values of the layout
    // wait4(2) expects; the child was spawned by us and is not waited for
    // elsewhere (its `Child` is never waited on).
    let got = unsafe { wait4(pid as i32, &mut status, 0, &mut usage) };
    assert_eq!(got, pid as i32, "wait4 failed");
    let _ = (usage.utime, usage.stime, usage.rest);
    let code = (status & 0x7f == 0).then_some((status >> 8) & 0xff);
    (code, usage.maxrss as u64 * 1024)
}

fn dir_size(dir: &Path) -> u64 {
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| match e.file_type() {
            Ok(t) if t.is_dir() => dir_size(&e.path()),
            _ => e.metadata().map_or(0, |m| m.len()),
        })
        .sum()
}

fn main() {
    let exe = env!("CARGO_BIN_EXE_seen");
    let root: PathBuf = std::env::temp_dir().join(format!("seen-budgets-{}", std::process::id()));
    let mut failures = Vec::new();
    let total = Instant::now();
    println!(
        "{:<68} {:>8} {:>9} {:>9}  outcome",
        "case", "time", "memory", "written"
    );
    for (k, case) in cases().into_iter().enumerate() {
        let site = root.join(format!("case{k}"));
        fs::create_dir_all(site.join("content")).expect("a temp dir");
        fs::write(site.join("seen.toml"), "title = \"Budgets\"\n").expect("seen.toml");
        fs::write(
            site.join("content/index.md"),
            format!(
                "+++\ntitle = \"B\"\n+++\n\n```autograd\n{}```\n",
                case.block
            ),
        )
        .expect("the page");
        if let Some((name, text)) = &case.data {
            fs::write(site.join("content").join(name), text).expect("the data");
        }
        let log = fs::File::create(site.join("log.txt")).expect("a log");
        let start = Instant::now();
        // Reaped by `wait4` in `wait_with_peak`, which also gives its peak
        // memory; `Child::wait` would reap it first.
        #[allow(clippy::zombie_processes)]
        let child = Command::new(exe)
            .args(["build", "--no-cache", "--root"])
            .arg(&site)
            .stdout(Stdio::from(log.try_clone().expect("a log")))
            .stderr(Stdio::from(log))
            .spawn()
            .expect("run seen");
        let (code, peak) = wait_with_peak(child.id());
        let time = start.elapsed();
        let written = dir_size(&site.join("public"));
        let log = fs::read_to_string(site.join("log.txt")).unwrap_or_default();
        let first = log.lines().next().unwrap_or_default();
        let said = if code == Some(0) {
            "built".to_string()
        } else {
            format!("refused: {first}")
        };
        println!(
            "{:<68} {:>6.2} s {:>6} MB {:>6.1} MB  {said}",
            case.name,
            time.as_secs_f64(),
            peak >> 20,
            written as f64 / 1e6
        );
        let mut fail = |why: String| failures.push(format!("{}: {why}", case.name));
        match (&case.outcome, code) {
            (Outcome::Built, Some(0)) | (Outcome::Any, Some(0 | 1)) => {}
            (Outcome::Refused(text), Some(1)) if log.contains(text) => {}
            _ => fail(format!("exit {code:?}, expected otherwise:\n{log}")),
        }
        if time > MAX_TIME {
            fail(format!("took {time:?} (bound {MAX_TIME:?})"));
        }
        if peak > MAX_MEMORY {
            fail(format!("peaked at {} MB (bound 1 GB)", peak >> 20));
        }
        if written > MAX_WRITTEN {
            fail(format!("wrote {written} bytes (bound 100 MB)"));
        }
        let _ = fs::remove_dir_all(&site);
    }
    let _ = fs::remove_dir_all(&root);
    println!("all cases: {:.1} s", total.elapsed().as_secs_f64());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
