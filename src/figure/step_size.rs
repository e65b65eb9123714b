//! The step-size figure's data: the error of finite differences against
//! autodiff over step sizes h from 1e−13 to 1e−1, from the engine's
//! gradient checker. `render::figures::step_size` draws it.

use crate::engine::gradcheck::{central_difference, forward_difference};
use crate::engine::{Graph, Kind, NodeId};
use crate::scenario::{Run, Scenario};
use crate::text::num;

/// Errors below this are drawn at this height (an error of exactly 0 has no
/// logarithm).
pub const ERROR_FLOOR: f64 = 1e-17;

/// The step sizes: 1e-1 down to 1e-13 in half-decades, parsed from decimal
/// text so every machine gets the same bits.
fn steps() -> Vec<f64> {
    (2..=26)
        .map(|k| {
            let e = k / 2;
            let text = if k % 2 == 0 {
                format!("1e-{e}")
            } else {
                // 10^-(e + 1/2) = 10^0.5 × 10^-(e + 1).
                format!("3.1622776601683795e-{}", e + 1)
            };
            text.parse::<f64>().expect("a decimal number")
        })
        .rev()
        .collect()
}

/// The leaf the step-size figure differentiates with respect to.
fn wrt_leaf(s: &Scenario, g: &Graph) -> Option<NodeId> {
    match &s.wrt {
        Some((name, _)) => g.find(name),
        None => g.leaves(Kind::Param).next(),
    }
}

/// (h, |forward-difference error|, |central-difference error|) for h from
/// 1e-13 to 1e-1 in half-decades, increasing. Errors are against the
/// autodiff gradient of the `wrt` leaf (differences scaled by the seed) and
/// clamped below at [`ERROR_FLOOR`]. Steps where a difference leaves an
/// op's domain are skipped.
pub fn step_size_data(s: &Scenario, run: &Run) -> Vec<(f64, f64, f64)> {
    let g = run.graph();
    let Some(leaf) = wrt_leaf(s, g) else {
        return Vec::new();
    };
    let grad = g.nodes[leaf].grad;
    let out = run.output();
    steps()
        .into_iter()
        .filter_map(|h| {
            let f = forward_difference(g, out, leaf, h).ok()?;
            let c = central_difference(g, out, leaf, h).ok()?;
            Some((
                h,
                (f * s.seed - grad).abs().max(ERROR_FLOOR),
                (c * s.seed - grad).abs().max(ERROR_FLOOR),
            ))
        })
        .collect()
}

/// What the plot shows, from the engine: the errors, and the names and
/// numbers its text cites.
pub struct Errors {
    pub data: Vec<(f64, f64, f64)>,
    /// The leaf and the output.
    pub name: String,
    pub out_name: String,
    /// The autodiff gradient.
    pub grad: f64,
    /// The best h in theory: √ε forward, ε^(1/3) central.
    pub best_f: f64,
    pub best_c: f64,
    /// The measured minima, (h, error).
    pub min_f: Option<(f64, f64)>,
    pub min_c: Option<(f64, f64)>,
}

impl Errors {
    pub fn new(s: &Scenario, run: &Run) -> Errors {
        let g = run.graph();
        let data = step_size_data(s, run);
        let min_of = |pick: fn(&(f64, f64, f64)) -> f64| {
            data.iter()
                .copied()
                .min_by(|a, b| pick(a).total_cmp(&pick(b)))
                .map(|d| (d.0, pick(&d)))
        };
        let (min_f, min_c) = (min_of(|d| d.1), min_of(|d| d.2));
        let eps = f64::EPSILON;
        Errors {
            name: wrt_leaf(s, g)
                .and_then(|i| g.nodes[i].name.clone())
                .unwrap_or_else(|| "w".into()),
            out_name: g.nodes[run.output()]
                .name
                .clone()
                .unwrap_or_else(|| "L".into()),
            grad: wrt_leaf(s, g).map_or(0.0, |i| g.nodes[i].grad),
            best_f: eps.sqrt(),
            best_c: eps.cbrt(),
            min_f,
            min_c,
            data,
        }
    }

    /// The smallest error drawn (infinite without data).
    pub fn lowest(&self) -> f64 {
        self.data
            .iter()
            .flat_map(|d| [d.1, d.2])
            .fold(f64::INFINITY, f64::min)
    }

    /// The error axis in decades, with a decade of room under the lowest
    /// point for the region notes.
    pub fn decades(&self) -> (f64, f64) {
        let lo = self.lowest();
        let hi = self
            .data
            .iter()
            .flat_map(|d| [d.1, d.2])
            .fold(f64::NEG_INFINITY, f64::max);
        if lo.is_finite() {
            (
                lo.log10().floor() - 1.0,
                hi.log10().ceil().max(lo.log10().floor() + 1.0),
            )
        } else {
            (-17.0, 0.0)
        }
    }

    pub fn desc(&self) -> String {
        let fmt_min = |m: Option<(f64, f64)>| {
            m.map_or_else(String::new, |(h, e)| {
                format!("{} at h = {}", num(e), crate::text::h_text(h))
            })
        };
        let (name, out_name) = (&self.name, &self.out_name);
        format!(
            "Log–log plot of the error of forward differences (f({name}+h) − f({name})) / h and central differences (f({name}+h) − f({name}−h)) / 2h for ∂{out_name}/∂{name}, against the autodiff value {}, for h from 1e−13 to 1e−1. Large h: truncation error; small h: round-off error. Smallest forward error {}, near √ε ≈ {}; smallest central error {}, near ε^(1/3) ≈ {}.",
            num(self.grad),
            fmt_min(self.min_f),
            num(self.best_f),
            fmt_min(self.min_c),
            num(self.best_c)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The description names the block's own leaf in its formulas, and
    /// writes each h as the plot does.
    #[test]
    fn the_description_names_the_leaf_and_writes_h_as_the_plot_does() {
        let errors = Errors {
            data: vec![(1e-8, 1e-9, 1e-11), (1e-5, 1e-6, 3e-12)],
            name: "x".into(),
            out_name: "y".into(),
            grad: 2.0,
            best_f: 1.49e-8,
            best_c: 6.06e-6,
            min_f: Some((1e-8, 1e-9)),
            min_c: Some((1e-5, 3e-12)),
        };
        let d = errors.desc();
        assert!(d.contains("(f(x+h) − f(x)) / h"), "{d}");
        assert!(d.contains("(f(x+h) − f(x−h)) / 2h for ∂y/∂x"), "{d}");
        assert!(!d.contains("f(w"), "{d}");
        assert!(d.contains("at h = 1e−8,"), "{d}");
        assert!(d.contains("at h = 1e−5,"), "{d}");
    }
}
