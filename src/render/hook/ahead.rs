//! A page's figures worked ahead of its runs: every block analysed on all
//! cores, the longest first, and each group drawn as soon as its blocks
//! are analysed, not when the page's renderer reaches its run.
//!
//! A page's longest block (a training run) takes longer than all its
//! other figures together: while it trains, the other cores draw the
//! figures whose blocks are done. Drawing waited for the slowest block of
//! the page, then went run by run; on the bundled training page that was
//! about 25 ms of figures drawn after its net had trained, most of it on
//! one core.
//!
//! A group drawn ahead is what [`super::draw_group`] makes at the run:
//! the same blocks (a group is the blocks of one run with the same
//! `group`, as [`super::group_end`] finds them), the same analyses, the
//! same page. The run takes it only when its group has exactly those
//! blocks; otherwise (or when a block failed) it draws, or reports, as
//! before. Nothing drawn ahead is written anywhere before the run takes it.

use std::ops::Range;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Mutex, OnceLock};

use super::{Analyzed, Group, MAX_TABS, Member, analyze, draw_group};
use crate::diagnostic::Diagnostic;
use crate::page::{Block, FigureState, PageCtx};
use crate::scenario;

/// A group drawn ahead: how many blocks it has, and what drawing gave.
pub(super) type Drawn = (usize, Result<Group, Vec<Diagnostic>>);

/// What is kept for a block: its analysis, and for the first block of a
/// group drawn ahead, the group.
pub(super) struct Ready {
    pub analyzed: Analyzed,
    pub drawn: Option<Drawn>,
}

/// [`crate::page::FigureHook::prepare`] for the figure renderer.
pub(super) fn prepare(runs: &[Vec<Block>], page: &PageCtx, state: &mut FigureState) {
    // Each block with the index of its run.
    let blocks: Vec<(usize, &Block)> = (runs.iter().enumerate())
        .flat_map(|(r, run)| run.iter().map(move |b| (r, b)))
        .collect();
    let places: Vec<scenario::BlockPlace> = (blocks.iter())
        .map(|(_, b)| scenario::BlockPlace::on_page(page, b))
        .collect();
    let slots: Vec<OnceLock<Analyzed>> = blocks.iter().map(|_| OnceLock::new()).collect();
    let drawn: Vec<Mutex<Option<Drawn>>> = blocks.iter().map(|_| Mutex::new(None)).collect();
    // The first blocks of the groups claimed for drawing. A block's
    // analysis is stored and its group decided under this lock, so that
    // of the blocks of a group, the last analysed draws it, once.
    let claimed: Mutex<Vec<usize>> = Mutex::new(Vec::new());
    let order: Vec<usize> = (0..blocks.len()).collect();
    crate::util::schedule::longest_first(
        &order,
        |&i| crate::util::schedule::effort(&blocks[i].1.source),
        |&i| {
            let analyzed = analyze(blocks[i].1, &places[i]);
            // This block may complete its own group or a neighbour's
            // (whose end it decides).
            let groups: Vec<Range<usize>> = {
                let mut claimed = claimed.lock().unwrap_or_else(|e| e.into_inner());
                let _ = slots[i].set(analyzed);
                let near = i.saturating_sub(1)..(i + 2).min(blocks.len());
                let mut groups = Vec::new();
                for g in near.filter_map(|j| complete_group(&blocks, &slots, j)) {
                    if !claimed.contains(&g.start) {
                        claimed.push(g.start);
                        groups.push(g);
                    }
                }
                groups
            };
            for g in groups {
                let members: Option<Vec<Member>> = (g.clone())
                    .map(|j| {
                        let (s, runs, figured) = slots[j].get()?.0.as_ref().ok()?;
                        Some((blocks[j].1, s, runs.as_slice(), figured))
                    })
                    .collect();
                // A panic is left for the run, which reports it.
                if let Some(m) = members
                    && let Ok(d) = catch_unwind(AssertUnwindSafe(|| draw_group(page, &m)))
                {
                    *drawn[g.start].lock().unwrap_or_else(|e| e.into_inner()) = Some((g.len(), d));
                }
            }
        },
    );
    for (((_, b), slot), d) in blocks.iter().zip(slots).zip(drawn) {
        let Some(analyzed) = slot.into_inner() else {
            continue;
        };
        let drawn = d.into_inner().unwrap_or_else(|e| e.into_inner());
        state.prepared.keep(b, Box::new(Ready { analyzed, drawn }));
    }
}

/// The group block `i` belongs to, if every block that decides it is
/// analysed: a block without `group` is a group alone; one with a group
/// joins its run's neighbours with the same group. `None` also when one of
/// those blocks failed, or for a group longer than [`MAX_TABS`] (the run
/// reports them).
fn complete_group(
    blocks: &[(usize, &Block)],
    slots: &[OnceLock<Analyzed>],
    i: usize,
) -> Option<Range<usize>> {
    // A neighbour's group: `None` if not analysed yet or failed.
    let group_of = |j: usize| -> Option<Option<&String>> {
        let (s, _, _) = slots[j].get()?.0.as_ref().ok()?;
        Some(s.group.as_ref())
    };
    let (run, _) = blocks[i];
    let (scenario, _, _) = slots[i].get()?.0.as_ref().ok()?;
    let Some(g) = &scenario.group else {
        return Some(i..i + 1);
    };
    let same = |j: usize| blocks[j].0 == run;
    let mut lo = i;
    while lo > 0 && same(lo - 1) {
        match group_of(lo - 1)? {
            Some(h) if h == g => lo -= 1,
            _ => break,
        }
    }
    let mut hi = i + 1;
    while hi < blocks.len() && same(hi) {
        match group_of(hi)? {
            Some(h) if h == g => hi += 1,
            _ => break,
        }
    }
    (hi - lo <= MAX_TABS).then_some(lo..hi)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::page::{FigureHook, Rendered};
    use crate::render::hook::Figures;
    use std::path::PathBuf;

    fn ctx(source: &str) -> PageCtx {
        PageCtx {
            file: PathBuf::from("content/p.md"),
            source: source.to_string(),
            out_path: "p.html".into(),
            stem: "p".into(),
            root: String::new(),
            title: "p".into(),
            path: PathBuf::from("/site/content/p.md"),
            site_root: PathBuf::from("/site"),
        }
    }

    fn block(id: &str, group: Option<&str>, lr: f64) -> String {
        let group = group.map_or(String::new(), |g| format!("group = \"{g}\"\n"));
        format!(
            "```autograd\nid = \"{id}\"\n{group}params = {{ w = 0.5 }}\nexamples = [ {{ x = 1, y = 2 }}, {{ x = 2, y = 3 }} ]\ngraph = \"loss = (w * x - y) ^ 2\"\nreduce = \"mean\"\ntrain = {{ steps = 4, lr = {lr} }}\nfigure = \"training\"\n```\n"
        )
    }

    /// Every run of the page rendered with `state`, in order.
    fn render(md: &str, state: &mut FigureState) -> Vec<Rendered> {
        let page = ctx(md);
        (crate::page::find_runs(md).iter())
            .map(|run| Figures.render_run(run, &page, state).unwrap())
            .collect()
    }

    /// Groups drawn ahead are the run's own groups, drawn as the run draws
    /// them: a group of tabs, a block alone, and two runs that use the same
    /// group name (two groups, not one) render to the same bytes with and
    /// without the work ahead; each was drawn ahead, with its size.
    #[test]
    fn groups_drawn_ahead_are_the_runs_groups_drawn_the_same() {
        let md = [
            block("a", Some("g"), 0.1),
            "\n".into(),
            block("b", Some("g"), 0.2),
            "\n".into(),
            block("c", None, 0.1),
            "\nProse between.\n\n".into(),
            block("d", Some("g"), 0.3),
        ]
        .concat();
        let runs = crate::page::find_runs(&md);
        assert_eq!(runs.iter().map(Vec::len).collect::<Vec<_>>(), [3, 1]);
        let page = ctx(&md);
        let mut ahead = FigureState::default();
        prepare(&runs, &page, &mut ahead);
        let sizes: Vec<Option<usize>> = (runs.concat().iter())
            .map(|b| {
                let ready = ahead.prepared.take::<Ready>(b).expect("analysed");
                let size = ready.drawn.as_ref().map(|(n, _)| *n);
                ahead.prepared.keep(b, Box::new(ready));
                size
            })
            .collect();
        assert_eq!(sizes, [Some(2), None, Some(1), Some(1)]);
        let with = render(&md, &mut ahead);
        let without = render(&md, &mut FigureState::default());
        assert_eq!(with.len(), 2);
        for (w, o) in with.iter().zip(&without) {
            assert_eq!(w.html, o.html);
            assert_eq!(w.assets, o.assets);
            assert_eq!((w.figures, w.frames), (o.figures, o.frames));
        }
        assert!(with[0].html.contains("class=\"group\""), "tabs in run 1");
    }

    /// A group is not drawn ahead while a block that decides it is not
    /// analysed, nor when one of its blocks failed.
    #[test]
    fn a_group_waits_for_its_neighbours_and_skips_failures() {
        let md = [
            block("a", Some("g"), 0.1),
            "\n".into(),
            block("b", Some("g"), 0.2),
        ]
        .concat();
        let runs = crate::page::find_runs(&md);
        let page = ctx(&md);
        let blocks: Vec<(usize, &Block)> = runs[0].iter().map(|b| (0, b)).collect();
        let slots: Vec<OnceLock<Analyzed>> = vec![OnceLock::new(), OnceLock::new()];
        let place = |i: usize| scenario::BlockPlace::on_page(&page, blocks[i].1);
        let _ = slots[0].set(analyze(blocks[0].1, &place(0)));
        assert_eq!(complete_group(&blocks, &slots, 0), None, "b unknown");
        let _ = slots[1].set(analyze(blocks[1].1, &place(1)));
        assert_eq!(complete_group(&blocks, &slots, 1), Some(0..2));
        assert_eq!(complete_group(&blocks, &slots, 0), Some(0..2));
        let bad = [
            block("a", Some("g"), 0.1),
            "\n".into(),
            block("b", Some("g"), 0.2).replace("w * x", "w * z"),
        ]
        .concat();
        let runs = crate::page::find_runs(&bad);
        let page = ctx(&bad);
        let mut state = FigureState::default();
        prepare(&runs, &page, &mut state);
        for b in &runs[0] {
            let ready = state.prepared.take::<Ready>(b).expect("analysed");
            assert!(
                ready.drawn.is_none(),
                "a run with a failed block is left to the run"
            );
        }
    }
}
