//! Training: many steps of full-batch gradient descent on a graph built
//! once, and the SplitMix64 generator that draws a network's initial
//! weights.
//!
//! The graph is not rebuilt per step: forward recomputes every op from the
//! leaves, backward sends the gradients, the step moves the params, and the
//! same arena runs again. Every step checks its numbers: a loss or gradient
//! that is not finite stops the run with the step, the node and the values,
//! and the snapshots before it (a learning rate that diverges is drawn as
//! such by the scenario, never a panic).

use super::backward::Message;
use super::graph::{DomainError, Graph, NodeId};
use super::tape::Tape;

/// SplitMix64 (Steele, Lea and Flood; Vigna's `splitmix64.c`): a 64-bit
/// state advanced by a Weyl sequence and mixed. Small, fast and fully
/// specified, so another implementation can reproduce the weights exactly.
#[derive(Clone, Debug)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        SplitMix64 { state: seed }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform number in [0, 1) from the top 53 bits: `(next >> 11)·2⁻⁵³`.
    pub fn next_unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// A uniform number in [−1, 1): `2u − 1`, how weights are drawn.
    pub fn next_weight(&mut self) -> f64 {
        2.0 * self.next_unit() - 1.0
    }
}

/// What the training loop is told to do.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Schedule {
    /// Gradient steps to take.
    pub steps: usize,
    pub lr: f64,
    /// Reset the gradients before every backward pass. Without it they add
    /// up over the steps: the gradient used at step k is the sum of the
    /// gradients of steps 0..=k.
    pub zero_grad: bool,
    /// The gradient placed on the output to start each backward pass.
    pub seed: f64,
}

/// The params and the loss after some number of steps.
#[derive(Clone, Debug, PartialEq)]
pub struct Snapshot {
    /// Updates taken before this snapshot (0: the initial params).
    pub step: usize,
    /// The output's value at these params.
    pub loss: f64,
    /// Param values, in the order of the params passed to [`train`];
    /// empty at a step whose params were not kept (see
    /// [`train_tape_keeping`]).
    pub params: Vec<f64>,
}

/// Why a run stopped early. Each names the step it happened at.
#[derive(Clone, Debug, PartialEq)]
pub enum TrainError {
    /// A forward value outside an op's domain or not finite.
    Forward { step: usize, error: DomainError },
    /// Backward sent a contribution that is not finite.
    Backward { step: usize, message: Message },
    /// A param's gradient (or its value after the update) is not finite,
    /// though every single message was: gradients summed over steps, or an
    /// update past the largest float.
    Param {
        step: usize,
        param: NodeId,
        grad: f64,
        value: f64,
    },
}

/// Trains `graph` for `schedule.steps` steps and returns the `steps + 1`
/// snapshots: entry k holds the params after k updates and the loss at
/// those params. The steps run on the graph compiled into a [`Tape`] (the
/// same numbers as the arena's passes, bit for bit); the graph is left with
/// the values and gradients of the last pass, whether the run completed or
/// stopped.
pub fn train(
    graph: &mut Graph,
    output: NodeId,
    params: &[NodeId],
    schedule: Schedule,
) -> Result<Vec<Snapshot>, TrainError> {
    let mut tape = Tape::new(graph);
    let run = train_tape(&mut tape, output, params, schedule);
    tape.store(graph);
    run
}

/// [`train`] on a graph already compiled into `tape`, which is left with
/// the values and gradients of the last pass ([`Tape::store`] puts them
/// into the graph): for a caller that keeps its graph as it was.
pub fn train_tape(
    tape: &mut Tape,
    output: NodeId,
    params: &[NodeId],
    schedule: Schedule,
) -> Result<Vec<Snapshot>, TrainError> {
    train_tape_keeping(tape, output, params, schedule, &|_| true)
}

/// [`train_tape`], keeping the params only at the steps `keep` says (the
/// loss of every step is kept): 10,000 steps of a net of 4,000 params are
/// 320 MB of params, of which a figure shows 31 steps.
pub fn train_tape_keeping(
    tape: &mut Tape,
    output: NodeId,
    params: &[NodeId],
    schedule: Schedule,
    keep: &dyn Fn(usize) -> bool,
) -> Result<Vec<Snapshot>, TrainError> {
    let mut out = Vec::with_capacity(schedule.steps + 1);
    train_into(tape, output, params, schedule, keep, &mut out)?;
    Ok(out)
}

/// [`train_tape_keeping`] that keeps what it found in `out` when it stops
/// early: on an error, `out` holds every snapshot before it (the loss at
/// each of them finite), so that a run that left the finite numbers can be
/// drawn up to there. A [`TrainError::Forward`] at step k leaves snapshots
/// 0..k; a [`TrainError::Backward`] or [`TrainError::Param`] at step k
/// leaves 0..=k (step k's loss was finite; its update was not).
///
/// The params are kept at the steps `keep` says and at the last snapshot
/// in `out`, whichever step that turns out to be (a run that stops early
/// is drawn up to its last finite step): each step's params are recorded,
/// and dropped again when the next step is recorded, unless kept. At most
/// one unkept set of params is alive at a time.
pub fn train_into(
    tape: &mut Tape,
    output: NodeId,
    params: &[NodeId],
    schedule: Schedule,
    keep: &dyn Fn(usize) -> bool,
    out: &mut Vec<Snapshot>,
) -> Result<(), TrainError> {
    out.clear();
    tape.zero_grad();
    for step in 0..=schedule.steps {
        tape.forward()
            .map_err(|error| TrainError::Forward { step, error })?;
        if let Some(prev) = out.last_mut()
            && !keep(prev.step)
        {
            prev.params = Vec::new();
        }
        out.push(Snapshot {
            step,
            loss: tape.values[output],
            params: params.iter().map(|&p| tape.values[p]).collect(),
        });
        if step == schedule.steps {
            break;
        }
        if schedule.zero_grad {
            tape.zero_grad();
        }
        if let Some(message) = tape.backward_accumulate(output, schedule.seed) {
            return Err(TrainError::Backward { step, message });
        }
        tape.sgd_step(schedule.lr, params);
        for &param in params {
            let (grad, value) = (tape.grads[param], tape.values[param]);
            if !grad.is_finite() || !value.is_finite() {
                return Err(TrainError::Param {
                    step,
                    param,
                    grad,
                    value,
                });
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix64_matches_the_reference_outputs() {
        // From Vigna's splitmix64.c, seeded with 1234567 (the values the
        // reference prints), checked with an independent Python version.
        let mut r = SplitMix64::new(1234567);
        let got: Vec<u64> = (0..5).map(|_| r.next_u64()).collect();
        assert_eq!(
            got,
            [
                6457827717110365317,
                3203168211198807973,
                9817491932198370423,
                4593380528125082431,
                16408922859458223821
            ]
        );
        let mut zero = SplitMix64::new(0);
        assert_eq!(zero.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(zero.next_u64(), 0x6E78_9E6A_A1B9_65F4);
    }

    #[test]
    fn weights_are_2u_minus_1_from_the_top_53_bits() {
        let mut r = SplitMix64::new(1);
        let w: Vec<f64> = (0..4).map(|_| r.next_weight()).collect();
        assert_eq!(
            w,
            [
                0.1331231503445618,
                0.49156351452540226,
                0.9420055071735924,
                -0.11128156588845584
            ]
        );
    }
}
