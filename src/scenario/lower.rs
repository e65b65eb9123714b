//! Lowering: statements to an engine graph, in the atomic view (modules
//! expanded into rulebook ops) or the modules view (one node per module).

use super::error::ScenarioError;
use super::expr::{BinOp, Expr, ExprKind, Span, Stmt};
use super::net::Net;
use crate::engine::ops::{Atom, Ref};
use crate::engine::{Graph, Kind, NodeId, Op};
use std::collections::HashMap;

/// Most nodes one scenario may build, all examples and both views counted
/// separately. Frames are drawn per step, so a figure this big is already
/// far past what a reader can follow; the limit keeps memory and build time
/// bounded on any input.
pub const MAX_NODES: usize = 20_000;

/// Most nodes a block drawn as `figure = "training"` may build: its graph is
/// run, not drawn, so it may be much bigger (a 2-16-16-1 net over 100
/// examples is about 65,000 nodes). Building, running and checking both
/// views of 500,000 nodes takes about 3 s and 140 MB; 2,000,000 took 8 s
/// and 400 MB before a single step of training (`benches/budgets.rs`).
pub const MAX_TRAINING_NODES: usize = 500_000;

/// How a graph is drawn and built.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    Atomic,
    Modules,
}

impl View {
    pub fn name(self) -> &'static str {
        match self {
            View::Atomic => "atomic",
            View::Modules => "modules",
        }
    }
}

/// The functions authors may call, with their arity: the rulebook's
/// callable rows.
pub use crate::engine::ops::FUNCTIONS;

/// A lowered graph plus where each node came from.
#[derive(Clone, Debug)]
pub struct Lowered {
    pub graph: Graph,
    pub output: NodeId,
    /// The statement (index into the statement list) that built each node;
    /// `None` for leaves and the batch reduction.
    pub stmt_of: Vec<Option<usize>>,
    /// The `recip` node of every `a / b`, so that errors can name the
    /// division the author wrote rather than the `recip` it lowers to.
    pub divisions: Vec<Division>,
}

/// Where an `a / b` came from.
#[derive(Clone, Debug)]
pub struct Division {
    /// The `recip(b)` node.
    pub recip: NodeId,
    /// The whole `a / b`.
    pub span: Span,
    /// `b`.
    pub divisor: Span,
}

/// Input values of one example (or of the single run), by name, with the
/// span that defined each.
pub struct Leaf<'a> {
    pub name: &'a str,
    pub span: Span,
    pub value: f64,
}

pub struct Builder<'a> {
    pub view: View,
    pub stmts: &'a [Stmt],
    pub output: usize,
    /// Shared parameters.
    pub params: &'a [Leaf<'a>],
    /// One entry per example; a run without `examples` has one.
    pub examples: &'a [Vec<Leaf<'a>>],
    pub mean: bool,
    /// The block's net, if any: its params come after `params`.
    pub net: Option<&'a Net>,
    /// Most nodes the graph may have: [`MAX_NODES`] or
    /// [`MAX_TRAINING_NODES`].
    pub limit: usize,
}

/// A net in the graph: its name, and the param nodes of every neuron,
/// layer by layer (weights then bias).
struct NetNodes<'n> {
    net: &'n Net,
    neurons: Vec<Vec<Vec<NodeId>>>,
}

struct Ctx<'g> {
    g: &'g mut Graph,
    stmt_of: &'g mut Vec<Option<usize>>,
    divisions: &'g mut Vec<Division>,
    view: View,
    example: Option<usize>,
    stmt: Option<usize>,
    net: Option<&'g NetNodes<'g>>,
    limit: usize,
}

impl Ctx<'_> {
    fn add(&mut self, op: Op, parents: &[NodeId], span: &Span) -> Result<NodeId, ScenarioError> {
        if self.g.len() >= self.limit {
            return Err(too_big(span, self.limit));
        }
        let id = self.g.op(op, parents);
        self.g.nodes[id].example = self.example;
        self.stmt_of.push(self.stmt);
        Ok(id)
    }

    fn constant(&mut self, v: f64, span: &Span) -> Result<NodeId, ScenarioError> {
        if self.g.len() >= self.limit {
            return Err(too_big(span, self.limit));
        }
        let id = self.g.leaf(Kind::Const, None, v);
        self.g.nodes[id].example = self.example;
        self.stmt_of.push(self.stmt);
        Ok(id)
    }

    /// Lowers an expression; `env` maps names to nodes.
    ///
    /// This recurses once per level of the expression (at most
    /// [`super::expr::MAX_DEPTH`]), so its frame is kept small: the calls
    /// and every error message are built in functions of their own. With
    /// them inline, an unoptimised build took 11.8 KB of stack a level, and
    /// 180 nested minus signs overflowed a 2 MB worker thread.
    fn expr(&mut self, e: &Expr, env: &HashMap<&str, NodeId>) -> Result<NodeId, ScenarioError> {
        let s = &e.span;
        match &e.kind {
            ExprKind::Num(v) => self.constant(*v, s),
            ExprKind::Name(n) => env
                .get(n.as_str())
                .copied()
                .ok_or_else(|| unknown_name(s, n)),
            ExprKind::Neg(inner) => {
                if let ExprKind::Num(v) = inner.kind {
                    // `-0.8` is a literal, not a negation to animate.
                    return self.constant(-v, s);
                }
                let a = self.expr(inner, env)?;
                self.add(Op::Neg, &[a], s)
            }
            ExprKind::Bin(BinOp::Pow, base, exp) => {
                let c = constant_exponent(exp)?;
                let a = self.expr(base, env)?;
                self.add(Op::Pow(c), &[a], s)
            }
            ExprKind::Bin(op, l, r) => {
                let a = self.expr(l, env)?;
                let b = self.expr(r, env)?;
                self.binary(*op, a, b, e, r)
            }
            ExprKind::Call { name, args, .. } if self.net.is_some_and(|n| n.net.name == *name) => {
                self.net_call_of(e, args, env)
            }
            ExprKind::Call { .. } => self.function_call(e, env),
        }
    }

    /// `a + b`, `a * b`, and `a - b`, `a / b` as the rulebook has them.
    #[inline(never)]
    fn binary(
        &mut self,
        op: BinOp,
        a: NodeId,
        b: NodeId,
        e: &Expr,
        r: &Expr,
    ) -> Result<NodeId, ScenarioError> {
        let s = &e.span;
        match op {
            BinOp::Add => self.add(Op::Add, &[a, b], s),
            BinOp::Mul => self.add(Op::Mul, &[a, b], s),
            BinOp::Sub => {
                let nb = self.add(Op::Neg, &[b], &r.span)?;
                self.add(Op::Add, &[a, nb], s)
            }
            BinOp::Div => {
                let rb = self.add(Op::Recip, &[b], &r.span)?;
                self.divisions.push(Division {
                    recip: rb,
                    span: s.clone(),
                    divisor: r.span.clone(),
                });
                self.add(Op::Mul, &[a, rb], s)
            }
            BinOp::Pow => unreachable!("lowered by `expr`"),
        }
    }

    /// A call of the block's net, `e`, with its `args`.
    #[inline(never)]
    fn net_call_of(
        &mut self,
        e: &Expr,
        args: &[Expr],
        env: &HashMap<&str, NodeId>,
    ) -> Result<NodeId, ScenarioError> {
        let nodes = self.net.expect("checked by `expr`");
        let want = nodes.net.inputs();
        if args.len() != want {
            return Err(net_arity(e, nodes.net, args.len()));
        }
        let mut x = Vec::with_capacity(want);
        for a in args {
            x.push(self.expr(a, env)?);
        }
        self.net_call(nodes, x, &e.span)
    }

    /// A call of a rulebook function or module, `e`.
    #[inline(never)]
    fn function_call(
        &mut self,
        e: &Expr,
        env: &HashMap<&str, NodeId>,
    ) -> Result<NodeId, ScenarioError> {
        let ExprKind::Call {
            name,
            name_span,
            args,
        } = &e.kind
        else {
            unreachable!("a call")
        };
        let Some(&(_, arity)) = FUNCTIONS.iter().find(|(f, _)| f == name) else {
            return Err(unknown_function(name, name_span));
        };
        let op = Op::function(name).expect("a callable row");
        if !op.accepts(args.len()) {
            return Err(wrong_arity(op, name, arity, args.len(), &e.span));
        }
        let mut x = Vec::with_capacity(arity);
        for a in args {
            x.push(self.expr(a, env)?);
        }
        self.call(name, &x, &e.span)
    }

    /// A call of a rulebook function: one node, or in the atomic view a
    /// module's expansion, exactly as the rulebook (and `docs/language.md`)
    /// lists it.
    fn call(&mut self, name: &str, x: &[NodeId], s: &Span) -> Result<NodeId, ScenarioError> {
        let op = Op::function(name).expect("checked against FUNCTIONS");
        match op.expansion(x.len()) {
            Some(atoms) if self.view == View::Atomic => self.expand(&atoms, x, s),
            _ => self.add(op, x, s),
        }
    }

    /// A call of the net: every neuron a `linear` module over the previous
    /// layer's outputs (weights and inputs paired, the bias last), then the
    /// activation in the hidden layers (a `sigmoid` expanded like any
    /// module in the atomic view). Returns the one output.
    fn net_call(
        &mut self,
        nodes: &NetNodes,
        inputs: Vec<NodeId>,
        s: &Span,
    ) -> Result<NodeId, ScenarioError> {
        let last = nodes.neurons.len() - 1;
        let mut h = inputs;
        let mut operands = Vec::new();
        for (l, layer) in nodes.neurons.iter().enumerate() {
            let mut next = Vec::with_capacity(layer.len());
            for params in layer {
                let (w, b) = params.split_at(params.len() - 1);
                operands.clear();
                for (wi, hi) in w.iter().zip(&h) {
                    operands.extend([*wi, *hi]);
                }
                operands.push(b[0]);
                let z = self.call("linear", &operands, s)?;
                // The activation as any call of it: a module (sigmoid)
                // is expanded in the atomic view.
                next.push(if l == last {
                    z
                } else {
                    self.call(nodes.net.act.name(), &[z], s)?
                });
            }
            h = next;
        }
        Ok(h[0])
    }

    /// Builds a module's atomic expansion over its operands `x`; the last
    /// atom is the module's output.
    fn expand(&mut self, atoms: &[Atom], x: &[NodeId], s: &Span) -> Result<NodeId, ScenarioError> {
        let mut built: Vec<NodeId> = Vec::with_capacity(atoms.len());
        for atom in atoms {
            let id = match atom {
                Atom::Const(v) => self.constant(*v, s)?,
                Atom::Op(op, refs) => {
                    let parents: Vec<NodeId> = (refs.iter())
                        .map(|r| match *r {
                            Ref::Arg(i) => x[i],
                            Ref::Atom(k) => built[k],
                        })
                        .collect();
                    self.add(*op, &parents, s)?
                }
            };
            built.push(id);
        }
        Ok(*built.last().expect("an expansion has atoms"))
    }
}

#[cold]
fn unknown_name(s: &Span, n: &str) -> ScenarioError {
    ScenarioError::new(s.clone(), format!("unknown name `{n}`"))
        .expected("a param, an input, or a statement defined on an earlier line")
}

#[cold]
fn unknown_function(name: &str, name_span: &Span) -> ScenarioError {
    let known: Vec<&str> = FUNCTIONS.iter().map(|(f, _)| *f).collect();
    let err = ScenarioError::new(name_span.clone(), format!("unknown function `{name}`"))
        .expected(format!("one of {}", known.join(", ")));
    match crate::toml_errors::did_you_mean(name, &known) {
        Some(h) => err.hint(h),
        None => err,
    }
}

#[cold]
fn wrong_arity(op: Op, name: &str, arity: usize, given: usize, s: &Span) -> ScenarioError {
    let was = if given == 1 { "was" } else { "were" };
    if op.rule().arity == crate::engine::ops::Arity::Pairs {
        return ScenarioError::new(
            s.clone(),
            format!(
                "`{name}` takes pairs of arguments then one more (w1, x1, …, wn, xn, b), but {given} {was} given"
            ),
        )
        .expected("an odd number of arguments, at least 3");
    }
    ScenarioError::new(
        s.clone(),
        format!(
            "`{name}` takes {arity} argument{}, but {given} {was} given",
            crate::text::plural_s(arity)
        ),
    )
    .expected(format!("{arity} argument{}", crate::text::plural_s(arity)))
}

#[cold]
fn net_arity(e: &Expr, net: &Net, given: usize) -> ScenarioError {
    let ExprKind::Call { name, .. } = &e.kind else {
        unreachable!("a call")
    };
    let want = net.inputs();
    ScenarioError::new(
        e.span.clone(),
        format!(
            "the net `{name}` takes {want} input{}, but {given} {} given",
            crate::text::plural_s(want),
            if given == 1 { "was" } else { "were" }
        ),
    )
    .expected(format!(
        "{want} argument{}, the first of the net's `sizes`",
        crate::text::plural_s(want)
    ))
    .see("the net's `sizes` are set at", net.sizes_span.start)
}

fn too_big(span: &Span, limit: usize) -> ScenarioError {
    let e = ScenarioError::new(
        span.clone(),
        format!("the graph is over the size limit of {limit} nodes"),
    )
    .expected("a smaller scenario (fewer statements or examples)");
    if limit == MAX_NODES {
        e.hint(format!(
            "a block with `train` and figure = \"training\" is run but not drawn, and may have up to {MAX_TRAINING_NODES} nodes"
        ))
    } else {
        e
    }
}

/// The exponent of `^` must be a number (or a negated number).
fn constant_exponent(e: &Expr) -> Result<f64, ScenarioError> {
    match &e.kind {
        ExprKind::Num(v) => Ok(*v),
        ExprKind::Neg(inner) => match inner.kind {
            ExprKind::Num(v) => Ok(-v),
            _ => Err(non_numeric(e)),
        },
        _ => Err(non_numeric(e)),
    }
}

fn non_numeric(e: &Expr) -> ScenarioError {
    ScenarioError::new(e.span.clone(), "the exponent of `^` must be a number")
        .expected("a constant exponent such as `x ^ 2` or `x ^ -1`")
        .hint("for a variable exponent write exp(b * log(a))")
}

impl Builder<'_> {
    /// Builds the graph: params first (shared), then for each example its
    /// inputs and statements, then the reduction over examples.
    pub fn build(&self) -> Result<Lowered, ScenarioError> {
        let mut g = Graph::new();
        let mut stmt_of = Vec::new();
        let mut divisions = Vec::new();
        let mut shared: HashMap<&str, NodeId> = HashMap::new();
        for p in self.params {
            let id = g.leaf(Kind::Param, Some(p.name), p.value);
            stmt_of.push(None);
            shared.insert(p.name, id);
        }
        let net_nodes = self.net.map(|net| {
            let mut values = net.params().into_iter();
            let neurons = net
                .layers()
                .map(|(_, fan_in, neurons)| {
                    (0..neurons)
                        .map(|_| {
                            (0..=fan_in)
                                .map(|_| {
                                    let (name, v) = values.next().expect("one per param");
                                    stmt_of.push(None);
                                    g.leaf(Kind::Param, Some(&name), v)
                                })
                                .collect()
                        })
                        .collect()
                })
                .collect();
            NetNodes { net, neurons }
        });
        let batched = self.examples.len() > 1;
        let mut outputs = Vec::new();
        for (i, leaves) in self.examples.iter().enumerate() {
            let example = batched.then_some(i);
            let mut env = shared.clone();
            for l in leaves {
                if g.len() >= self.limit {
                    return Err(too_big(&l.span, self.limit));
                }
                let id = g.leaf(Kind::Input, Some(l.name), l.value);
                g.nodes[id].example = example;
                stmt_of.push(None);
                env.insert(l.name, id);
            }
            let mut ctx = Ctx {
                g: &mut g,
                stmt_of: &mut stmt_of,
                divisions: &mut divisions,
                view: self.view,
                example,
                stmt: None,
                net: net_nodes.as_ref(),
                limit: self.limit,
            };
            let mut out = None;
            for (k, st) in self.stmts.iter().enumerate() {
                ctx.stmt = Some(k);
                let id = ctx.expr(&st.expr, &env)?;
                // `y = x` aliases an existing named node; otherwise the
                // statement's last node carries its name.
                if ctx.g.nodes[id].name.is_none() {
                    ctx.g.nodes[id].name = Some(st.name.clone());
                }
                env.insert(st.name.as_str(), id);
                if k == self.output {
                    out = Some(id);
                }
            }
            outputs.push(out.expect("output index is within the statements"));
        }
        let mut ctx = Ctx {
            g: &mut g,
            stmt_of: &mut stmt_of,
            divisions: &mut divisions,
            view: self.view,
            example: None,
            stmt: None,
            net: None,
            limit: self.limit,
        };
        let span = self.stmts[self.output].name_span.clone();
        let mut output = outputs[0];
        if batched {
            for &o in &outputs[1..] {
                output = ctx.add(Op::Add, &[output, o], &span)?;
            }
            if self.mean {
                let inv = ctx.constant(1.0 / outputs.len() as f64, &span)?;
                output = ctx.add(Op::Mul, &[output, inv], &span)?;
            }
            // The reduction carries the output's name with no example index,
            // so `seen trace` reports it as the output.
            ctx.g.nodes[output].name = Some(self.stmts[self.output].name.clone());
        }
        Ok(Lowered {
            graph: g,
            output,
            stmt_of,
            divisions,
        })
    }
}
