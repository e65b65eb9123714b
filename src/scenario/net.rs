//! `net = { name, sizes, act, seed }`: a multilayer perceptron whose weights
//! and biases become params, callable in `graph` as `name(in1, …, inN)`.
//!
//! A neuron `j` of layer `l` (from 1) computes `b + w0·h0 + w1·h1 + …` over
//! the previous layer's outputs (the call's arguments for layer 1) as one
//! `linear` module, then the activation in every hidden layer; the last
//! layer (one neuron) is linear. Its params are `{name}.{l}.{j}.w{i}` and
//! `{name}.{l}.{j}.b`: biases 0, weights `2u − 1` from SplitMix64 at `seed`,
//! drawn layer by layer, neuron by neuron, input by input.

use super::error::ScenarioError;
use super::expr::Span;
use super::spec::{NetSpec, Number};
use crate::engine::{Op, SplitMix64};
use toml::Spanned;

/// The activations a hidden layer may use. `sigmoid` is a module: one
/// node in the modules view, its expansion in the atomic view.
pub const ACTIVATIONS: [(&str, Op); 3] = [
    ("tanh", Op::Tanh),
    ("relu", Op::Relu),
    ("sigmoid", Op::Sigmoid),
];

/// A checked `net`.
#[derive(Clone, Debug)]
pub struct Net {
    pub name: String,
    /// The `name` value, or the whole `net` table when the name is the
    /// default.
    pub name_span: Span,
    /// `[inputs, hidden…, 1]`.
    pub sizes: Vec<usize>,
    pub sizes_span: Span,
    /// The hidden layers' activation: `Op::Tanh`, `Op::Relu` or
    /// `Op::Sigmoid`.
    pub act: Op,
    pub seed: u64,
}

impl Net {
    /// The number of arguments a call takes.
    pub fn inputs(&self) -> usize {
        self.sizes[0]
    }

    /// (layer from 1, inputs per neuron, neurons) of every layer.
    pub fn layers(&self) -> impl Iterator<Item = (usize, usize, usize)> + '_ {
        self.sizes
            .windows(2)
            .enumerate()
            .map(|(k, w)| (k + 1, w[0], w[1]))
    }

    /// How many params the net has: n × (m + 1) for a layer of n neurons
    /// over m inputs, worked out without overflow (saturating), so that
    /// it can be checked against the node limit before anything is built.
    pub fn param_count(&self) -> u64 {
        self.layers()
            .map(|(_, fan_in, n)| (fan_in as u64).saturating_add(1).saturating_mul(n as u64))
            .fold(0, u64::saturating_add)
    }

    /// Every param's name and initial value, in the order the graph holds
    /// them: layer by layer, neuron by neuron, the weights `w0, w1, …` then
    /// the bias `b`. Weights are drawn in exactly this order (biases draw
    /// nothing).
    pub fn params(&self) -> Vec<(String, f64)> {
        let mut rng = SplitMix64::new(self.seed);
        let mut out = Vec::with_capacity(usize::try_from(self.param_count()).unwrap_or(0));
        for (l, fan_in, neurons) in self.layers() {
            for j in 0..neurons {
                for i in 0..fan_in {
                    out.push((format!("{}.{l}.{j}.w{i}", self.name), rng.next_weight()));
                }
                out.push((format!("{}.{l}.{j}.b", self.name), 0.0));
            }
        }
        out
    }

    /// Checks a `net` table.
    pub fn read(spec: &Spanned<NetSpec>) -> Result<Net, ScenarioError> {
        let n = spec.get_ref();
        let (name, name_span) = match &n.name {
            Some(s) => (s.get_ref().clone(), s.span()),
            None => ("mlp".to_string(), spec.span()),
        };
        if !super::expr::is_name(&name) {
            return Err(
                ScenarioError::new(name_span, format!("`{name}` is not a valid name"))
                    .expected("a name of letters, digits and `_`, starting with a letter"),
            );
        }
        if super::lower::FUNCTIONS.iter().any(|(f, _)| *f == name) {
            return Err(ScenarioError::new(
                name_span,
                format!("`{name}` is the name of a function"),
            )
            .expected("a name for the net that is not a function, such as \"mlp\""));
        }
        let sizes = read_sizes(&n.sizes)?;
        let act = super::choice(&Some(n.act.clone()), "act", &ACTIVATIONS, Op::Tanh)?;
        let seed = read_seed(&n.seed)?;
        Ok(Net {
            name,
            name_span,
            sizes,
            sizes_span: n.sizes.span(),
            act,
            seed,
        })
    }
}

fn read_sizes(sizes: &Spanned<Vec<Spanned<i64>>>) -> Result<Vec<usize>, ScenarioError> {
    let v = sizes.get_ref();
    let example = "[inputs, hidden…, 1], such as [2, 16, 16, 1]";
    if v.len() < 2 {
        return Err(ScenarioError::new(
            sizes.span(),
            format!(
                "`sizes` has {} entr{}, but a net needs at least its inputs and its output",
                v.len(),
                if v.len() == 1 { "y" } else { "ies" }
            ),
        )
        .expected(example));
    }
    let mut out = Vec::with_capacity(v.len());
    for s in v {
        let n = *s.get_ref();
        if n < 1 {
            return Err(
                ScenarioError::new(s.span(), format!("a layer of {n} neurons in `sizes`"))
                    .expected(format!("sizes of at least 1: {example}")),
            );
        }
        // A neuron is at least one node: a layer over the biggest graph a
        // block may have can never be built (and no sum of such sizes
        // overflows).
        if n as u64 > super::lower::MAX_TRAINING_NODES as u64 {
            return Err(ScenarioError::new(
                s.span(),
                format!(
                    "a layer of {n} neurons, more than the limit of {} nodes for the whole graph",
                    super::lower::MAX_TRAINING_NODES
                ),
            )
            .expected(format!(
                "layers of a few to a few hundred neurons: {example}"
            )));
        }
        out.push(n as usize);
    }
    let last = v.last().expect("two or more");
    if *last.get_ref() != 1 {
        return Err(ScenarioError::new(
            last.span(),
            format!(
                "`sizes` ends in {}, but a net has one output",
                last.get_ref()
            ),
        )
        .expected(format!("a last size of 1: {example}")));
    }
    Ok(out)
}

fn read_seed(seed: &Spanned<Number>) -> Result<u64, ScenarioError> {
    let expected = "a whole number from 0, such as 1";
    match *seed.get_ref() {
        Number::Int(i) if i >= 0 => Ok(i as u64),
        Number::Int(i) => Err(ScenarioError::new(
            seed.span(),
            format!("the net's `seed` is {i}, but a seed cannot be negative"),
        )
        .expected(expected)),
        Number::Float(f) => Err(ScenarioError::new(
            seed.span(),
            format!("the net's `seed` is {f}, not a whole number"),
        )
        .expected(expected)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(sizes: &[usize], seed: u64) -> Net {
        Net {
            name: "mlp".into(),
            name_span: 0..0,
            sizes: sizes.to_vec(),
            sizes_span: 0..0,
            act: Op::Tanh,
            seed,
        }
    }

    #[test]
    fn params_are_named_and_drawn_in_layer_neuron_input_order() {
        let p = net(&[2, 2, 1], 1).params();
        let names: Vec<&str> = p.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "mlp.1.0.w0",
                "mlp.1.0.w1",
                "mlp.1.0.b",
                "mlp.1.1.w0",
                "mlp.1.1.w1",
                "mlp.1.1.b",
                "mlp.2.0.w0",
                "mlp.2.0.w1",
                "mlp.2.0.b",
            ]
        );
        // SplitMix64 at seed 1, 2u − 1 of each draw (computed with an
        // independent Python version of the recipe); biases 0, drawing
        // nothing.
        let values: Vec<f64> = p.iter().map(|(_, v)| *v).collect();
        assert_eq!(
            values,
            [
                0.1331231503445618,
                0.49156351452540226,
                0.0,
                0.9420055071735924,
                -0.11128156588845584,
                0.0,
                -0.1114705983472839,
                0.525788783823522,
                0.0,
            ]
        );
        assert_eq!(net(&[2, 16, 16, 1], 1).param_count(), 48 + 272 + 17);
        let huge = net(&[usize::MAX, usize::MAX, 1], 1);
        assert_eq!(huge.param_count(), u64::MAX);
    }
}
