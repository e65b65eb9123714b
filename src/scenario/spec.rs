//! The TOML of an `autograd` block, as serde reads it. Every key keeps its
//! span so that errors point at the text the author wrote.

use indexmap::IndexMap;
use serde::Deserialize;
use toml::Spanned;

/// Name → number, in the order the author wrote them.
pub type Values = IndexMap<Spanned<String>, Spanned<f64>>;

/// One `autograd` block, exactly as written. See `docs/language.md`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    pub id: Spanned<String>,
    pub title: Option<Spanned<String>>,
    #[serde(default)]
    pub params: Values,
    #[serde(default)]
    pub inputs: Values,
    pub examples: Option<Spanned<Vec<Spanned<Values>>>>,
    pub reduce: Option<Spanned<String>>,
    pub graph: Spanned<String>,
    pub output: Option<Spanned<String>>,
    pub seed: Option<Spanned<f64>>,
    pub view: Option<Spanned<String>>,
    pub update: Option<Spanned<Update>>,
    pub figure: Option<Spanned<String>>,
    /// For `figure = "step-size"`: the leaf to differentiate with respect to.
    pub wrt: Option<Spanned<String>>,
    /// Consecutive blocks of a page with the same `group` are shown as one
    /// figure with a tab per block (labelled by its `title`): the rule cards,
    /// the datasets of a batch.
    pub group: Option<Spanned<String>>,
    /// The caption of a group's tabs, on its first block ("Selected
    /// dataset" and the like without one).
    pub group_label: Option<Spanned<String>>,
    /// A CSV file of examples, relative to the markdown file.
    pub data: Option<Spanned<String>>,
    /// A multilayer perceptron whose weights become params.
    pub net: Option<Spanned<NetSpec>>,
    /// Many steps of full-batch gradient descent.
    pub train: Option<Spanned<TrainSpec>>,
    /// The input that is the target (default `y` when there is one).
    pub label: Option<Spanned<String>>,
    /// The statement the plots draw as the prediction.
    pub model: Option<Spanned<String>>,
    /// For `figure = "step-size"`: the derivative by hand, an expression of
    /// the leaves that must equal the autodiff gradient for `wrt`.
    pub closed_form: Option<Spanned<String>>,
    /// For `figure = "training"`: a known curve of the model's one feature,
    /// drawn dashed beside the model ("sin(x)").
    pub reference: Option<Spanned<String>>,
    /// Whether the frames draw the messages to inputs (and labels) and
    /// their gradients; off by default, as frameworks leave
    /// `requires_grad` off for data. The engine computes them either way.
    pub input_grads: Option<Spanned<bool>>,
    /// What-if variants: values to try for params, inputs or `lr`, each
    /// combination run and drawn, picked by the reader.
    pub vary: Option<Spanned<IndexMap<Spanned<String>, Spanned<VaryList>>>>,
}

/// The values of one `vary` key as written: a list, or something else
/// (said by its kind in the error).
#[derive(Debug)]
pub enum VaryList {
    List(Vec<Spanned<VaryValue>>),
    NotList(&'static str),
}

/// One value of a `vary` list: a number, or what it is instead.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum VaryValue {
    Num(f64),
    Other(&'static str),
}

/// Takes any TOML value and says what it was, so that `vary` can refuse a
/// string or a table at its place with its own words rather than serde's.
struct Any<T>(std::marker::PhantomData<T>);

trait FromAny: Sized {
    fn num(v: f64) -> Self;
    fn other(kind: &'static str) -> Self;
    fn seq<'de, A: serde::de::SeqAccess<'de>>(seq: A) -> Result<Self, A::Error>;
}

impl FromAny for VaryValue {
    fn num(v: f64) -> Self {
        VaryValue::Num(v)
    }
    fn other(kind: &'static str) -> Self {
        VaryValue::Other(kind)
    }
    fn seq<'de, A: serde::de::SeqAccess<'de>>(mut seq: A) -> Result<Self, A::Error> {
        while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
        Ok(VaryValue::Other("a list"))
    }
}

impl FromAny for VaryList {
    fn num(_: f64) -> Self {
        VaryList::NotList("a single number")
    }
    fn other(kind: &'static str) -> Self {
        VaryList::NotList(kind)
    }
    fn seq<'de, A: serde::de::SeqAccess<'de>>(mut seq: A) -> Result<Self, A::Error> {
        let mut v = Vec::new();
        while let Some(x) = seq.next_element::<Spanned<VaryValue>>()? {
            v.push(x);
        }
        Ok(VaryList::List(v))
    }
}

impl<'de, T: FromAny> serde::de::Visitor<'de> for Any<T> {
    type Value = T;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a list of numbers")
    }
    fn visit_i64<E>(self, v: i64) -> Result<T, E> {
        Ok(T::num(v as f64))
    }
    fn visit_u64<E>(self, v: u64) -> Result<T, E> {
        Ok(T::num(v as f64))
    }
    fn visit_f64<E>(self, v: f64) -> Result<T, E> {
        Ok(T::num(v))
    }
    fn visit_bool<E>(self, _: bool) -> Result<T, E> {
        Ok(T::other("true or false"))
    }
    fn visit_str<E>(self, _: &str) -> Result<T, E> {
        Ok(T::other("a string"))
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, seq: A) -> Result<T, A::Error> {
        T::seq(seq)
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        while map
            .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
            .is_some()
        {}
        Ok(T::other("a table"))
    }
}

impl<'de> Deserialize<'de> for VaryValue {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(Any(std::marker::PhantomData))
    }
}

impl<'de> Deserialize<'de> for VaryList {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(Any(std::marker::PhantomData))
    }
}

/// `net = { name = "mlp", sizes = [2, 16, 1], act = "tanh", seed = 1 }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetSpec {
    pub name: Option<Spanned<String>>,
    pub sizes: Spanned<Vec<Spanned<i64>>>,
    pub act: Spanned<String>,
    pub seed: Spanned<Number>,
}

/// `train = { steps = 100, lr = 0.05, zero_grad = true }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrainSpec {
    pub steps: Spanned<Number>,
    pub lr: Spanned<f64>,
    pub zero_grad: Option<Spanned<bool>>,
}

/// A number as written: whole (`3`) or not (`3.5`), so that a value that
/// must be whole can say which it got.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Number {
    Int(i64),
    Float(f64),
}

impl<'de> Deserialize<'de> for Number {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl serde::de::Visitor<'_> for Visit {
            type Value = Number;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a whole number")
            }
            fn visit_i64<E>(self, v: i64) -> Result<Number, E> {
                Ok(Number::Int(v))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Number, E> {
                Ok(i64::try_from(v).map_or(Number::Float(v as f64), Number::Int))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Number, E> {
                Ok(Number::Float(v))
            }
        }
        d.deserialize_any(Visit)
    }
}

/// `update = { lr = 0.2 }`: one SGD step.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Update {
    pub lr: Spanned<f64>,
}
