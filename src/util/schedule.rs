//! Work on all cores, the longest first. A build's time is its longest
//! chain of work: a page that trains a network, started last, finishes
//! last however idle the other cores are. Rayon splits a list in halves,
//! so a list sorted by an estimate of its work, longest first, starts the
//! longest piece at once and leaves the short ones to fill in around it.
//! The estimate only orders the work: the results come back in the order
//! of the items, whatever it says.

use rayon::prelude::*;

/// `f` of every item, computed in parallel in order of `cost` (highest
/// first, ties in item order), returned in item order.
pub fn longest_first<T: Sync, R: Send>(
    items: &[T],
    cost: impl Fn(&T) -> usize,
    f: impl Fn(&T) -> R + Sync + Send,
) -> Vec<R> {
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(cost(&items[i])));
    let mut done: Vec<(usize, R)> = order.par_iter().map(|&i| (i, f(&items[i]))).collect();
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

/// An estimate of the work of a page or block from its markdown: its
/// length, and much more for each training run, data file or net it
/// declares (a run of hundreds of steps outweighs any amount of text).
pub fn effort(source: &str) -> usize {
    let heavy = ["train =", "train=", "data =", "data=", "net =", "net="];
    let runs: usize = heavy.iter().map(|k| source.matches(k).count()).sum();
    source.len() + 100_000 * runs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_back_in_item_order_whatever_the_cost() {
        let items: Vec<usize> = (0..50).collect();
        let out = longest_first(&items, |&i| (i * 37) % 11, |&i| i * 2);
        assert_eq!(out, (0..50).map(|i| i * 2).collect::<Vec<_>>());
    }

    #[test]
    fn a_training_block_is_estimated_above_a_longer_text() {
        let text = "word ".repeat(10_000);
        let block = "id = \"fit\"\ntrain = { steps = 200, lr = 0.1 }\n";
        assert!(effort(block) > effort(&text));
        assert!(effort("net = { sizes = [2, 8, 1] }\ndata = \"a.csv\"") > effort(block));
    }
}
