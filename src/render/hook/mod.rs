//! The figure hook: what the site build calls for each run of adjacent
//! `autograd` blocks. Parses and runs each scenario, then draws the figure
//! its `figure` key asks for; blocks with the same `group` become tabs.

// `Diagnostic` is ~150 bytes, over clippy's 128-byte `result_large_err`
// threshold; errors are the cold path, so they are returned unboxed (as in
// `site` and `page`).
#![allow(clippy::result_large_err)]

use super::figures;
use super::frame::Scene;
use super::scene::{Direction, PHONE_COLUMN};
use super::stepper::{FrameSource, StepPanel, StepperParts, jumps, stepper, tabs, tabs_sharing};
use super::svg::Drawing;
use crate::diagnostic::Diagnostic;
use crate::figure::{FigureData, Figured};
use crate::page::{Block, FigureHook, FigureState, FileRead, PageCtx, Rendered};
use crate::scenario::budget::{Capped, MAX_FIGURE_BYTES, MAX_JSON_BYTES, megabytes};
use crate::scenario::{self, Figure, Run, Scenario, ScenarioError, Training, View};
use crate::story::{Phase, tell};
use rayon::prelude::*;

mod ahead;
mod trace;
mod vary;
use crate::util::esc;
use trace::{PAGE_PADDING, WIDEST_COLUMN, can_share, compare, shared_steppers, traces};

/// The most tabs a batch group shares its steppers among: style.css hides
/// the other tabs' variants with one rule per tab index up to here
/// (templates/stepper.css.txt); a bigger group gets a stepper per tab.
pub const MAX_SHARED: usize = 16;

/// The most tabs a group has: style.css shows the checked tab with one
/// rule per tab index up to here (templates/stepper.css.txt), and every
/// page downloads those rules. A longer group is refused at its first
/// block past the cap.
pub const MAX_TABS: usize = 24;

/// The renderer of every figure kind.
#[derive(Debug, Default, Clone, Copy)]
pub struct Figures;

/// A scenario error as a diagnostic at its place in the markdown file.
pub fn diagnostic(page: &PageCtx, block: &Block, e: &ScenarioError) -> Diagnostic {
    scenario::BlockPlace {
        file: &page.file,
        markdown: &page.source,
        block,
        files: None,
    }
    .diagnostic(e)
}

/// Output of one scenario before grouping.
struct Drawn {
    html: String,
    assets: Vec<(String, Vec<u8>)>,
    frames: usize,
    /// A batch drawn for a shared stepper: its traces, one per view.
    traces: Vec<StepperParts>,
}

impl FigureHook for Figures {
    fn render(&self, block: &Block, page: &PageCtx) -> Result<Rendered, Diagnostic> {
        self.render_run(
            std::slice::from_ref(block),
            page,
            &mut FigureState::default(),
        )
        .map_err(|mut d| d.remove(0))
    }

    /// Analyses every block of the page at once, on all cores, the longest
    /// first, before the first run is drawn (a page's longest block, a
    /// training run, often comes last), and draws each group as soon as
    /// its blocks are analysed (see [`ahead`]).
    fn prepare(&self, runs: &[Vec<Block>], page: &PageCtx, state: &mut FigureState) {
        ahead::prepare(runs, page, state);
    }

    fn render_run(
        &self,
        blocks: &[Block],
        page: &PageCtx,
        state: &mut FigureState,
    ) -> Result<Rendered, Vec<Diagnostic>> {
        let mut ahead = Vec::new();
        let parsed = parse_blocks(blocks, page, state, &mut ahead)?;
        let mut out = Rendered::default();
        // The data files read, for the figure cache to check.
        for (_, s, _, _) in &parsed {
            if let Some(f) = &s.data {
                out.reads.push(FileRead {
                    path: f.path.clone(),
                    digest: crate::util::digest::digest(f.text.as_bytes()),
                });
            }
        }
        // Each group with what was drawn ahead for its first block.
        let mut groups = Vec::new();
        let mut i = 0;
        while i < parsed.len() {
            let j = group_end(page, &parsed, i)?;
            groups.push((i..j, ahead[i].take()));
            i = j;
        }
        // Groups not drawn ahead (with exactly these blocks) draw on all
        // cores; `collect` keeps them in page order.
        let drawn: Vec<Result<Group, Vec<Diagnostic>>> = groups
            .into_par_iter()
            .map(|(range, ahead)| match ahead {
                Some((n, group)) if n == range.len() => group,
                _ => draw_group(page, &members(&parsed[range])),
            })
            .collect();
        let mut diags = Vec::new();
        for g in drawn {
            match g {
                Ok(g) => {
                    out.html += &g.html;
                    out.assets.extend(g.assets);
                    out.frames += g.frames;
                    out.figures += g.figures;
                }
                Err(d) => diags.extend(d),
            }
        }
        if diags.is_empty() {
            out.html = unindented(&out.html);
            Ok(out)
        } else {
            Err(diags)
        }
    }
}

/// A block's analysis: its scenario, runs and figure data, or its error;
/// and its warnings.
type Analyzed = (
    Result<(Scenario, Vec<Run>, Figured), Diagnostic>,
    Vec<Diagnostic>,
);

/// Parses and runs one block, and computes its figure's data
/// (`figure::compute`), so that its errors are the block's, before any
/// figure of the page is drawn.
fn analyze(b: &Block, place: &scenario::BlockPlace) -> Analyzed {
    let (result, found) = scenario::analyze_on_page(&b.source, place);
    let result = result.and_then(|(s, runs)| {
        let figured = crate::figure::compute(&s, &runs).map_err(|e| place.diagnostic(&e))?;
        Ok((s, runs, figured))
    });
    (result, found)
}

/// A block parsed and run, with the block it came from and its figure's
/// data.
type Parsed<'b> = (&'b Block, Scenario, Vec<Run>, Figured);

/// A block of a group being drawn: [`Parsed`], borrowed.
type Member<'a> = (&'a Block, &'a Scenario, &'a [Run], &'a Figured);

fn members<'a>(parsed: &'a [Parsed]) -> Vec<Member<'a>> {
    (parsed.iter())
        .map(|(b, s, runs, f)| (*b, s, runs.as_slice(), f))
        .collect()
}

/// Parses and runs each block of a run, in order (ids are checked against
/// the blocks before them); every block's errors are reported. `ahead`
/// gets, per block, the group drawn ahead from it (see [`ahead`]).
fn parse_blocks<'b>(
    blocks: &'b [Block],
    page: &PageCtx,
    state: &mut FigureState,
    ahead: &mut Vec<Option<ahead::Drawn>>,
) -> Result<Vec<Parsed<'b>>, Vec<Diagnostic>> {
    let places: Vec<scenario::BlockPlace> = blocks
        .iter()
        .map(|b| scenario::BlockPlace::on_page(page, b))
        .collect();
    let id_errors: Vec<Option<Diagnostic>> = blocks
        .iter()
        .zip(&places)
        .map(|(b, place)| scenario::check_page_id(&b.source, place, &mut state.ids))
        .collect();
    // A block not prepared (a hook called without `prepare`, as the
    // figure cache's is) runs here, on all cores, the longest first; the
    // results come back in page order.
    // Blocks the page prepared ([`Figures::prepare`]) are taken as they are.
    let mut ready: Vec<Option<Analyzed>> = (blocks.iter())
        .map(|b| {
            let r = state.prepared.take::<ahead::Ready>(b);
            let (analyzed, drawn) = r.map(|r| (r.analyzed, r.drawn)).unzip();
            ahead.push(drawn.flatten());
            analyzed
        })
        .collect();
    let missing: Vec<(usize, &scenario::BlockPlace)> = (places.iter().enumerate())
        .filter(|(i, _)| ready[*i].is_none())
        .collect();
    let computed = crate::util::schedule::longest_first(
        &missing,
        |(i, _)| crate::util::schedule::effort(&blocks[*i].source),
        |&(i, place)| analyze(&blocks[i], place),
    );
    for ((i, _), a) in missing.iter().zip(computed) {
        ready[*i] = Some(a);
    }
    let analyzed = ready.into_iter().flatten();
    let mut diags = Vec::new();
    let mut parsed = Vec::new();
    for ((b, id_error), (result, found)) in blocks.iter().zip(id_errors).zip(analyzed) {
        match scenario::on_page(id_error, result, found, &mut state.warnings) {
            Ok((s, runs, figured)) => parsed.push((b, s, runs, figured)),
            Err(e) => diags.extend(e),
        }
    }
    if diags.is_empty() {
        Ok(parsed)
    } else {
        Err(diags)
    }
}

/// Where the group that starts at block `i` ends: after the following
/// blocks with the same `group` (a block without one is a group alone).
/// A group of more than [`MAX_TABS`] is refused at its first block past
/// the cap.
fn group_end(page: &PageCtx, parsed: &[Parsed], i: usize) -> Result<usize, Vec<Diagnostic>> {
    let mut j = i + 1;
    let Some(g) = &parsed[i].1.group else {
        return Ok(j);
    };
    while j < parsed.len() && parsed[j].1.group.as_ref() == Some(g) {
        j += 1;
    }
    // Only the first block names the tabs: a label further on would be lost.
    if let Some((b, s)) = parsed[i + 1..j]
        .iter()
        .find_map(|(b, s, _, _)| s.group_label.as_ref().map(|l| (b, l)))
    {
        let e = ScenarioError::new(
            s.1.clone(),
            format!("`group_label` on a later block of group `{g}`"),
        )
        .expected("`group_label` on the group's first block only")
        .hint("move it to the first block of the group (its tabs' caption)");
        return Err(vec![diagnostic(page, b, &e)]);
    }
    if j - i > MAX_TABS {
        let (b, s, _, _) = &parsed[i + MAX_TABS];
        let e = ScenarioError::new(
            s.group_span.clone(),
            format!(
                "group `{g}` has {} blocks in a row; a group has at most {MAX_TABS} (one tab each)",
                j - i
            ),
        )
        .expected(format!(
            "at most {MAX_TABS} adjacent blocks with the same `group`"
        ))
        .hint("give the later blocks another group, or none");
        return Err(vec![diagnostic(page, b, &e)]);
    }
    Ok(j)
}

/// One group drawn: a figure, or tabs of figures.
struct Group {
    html: String,
    assets: Vec<(String, Vec<u8>)>,
    frames: usize,
    figures: usize,
}

/// Draws a group of blocks: one figure, or one tab per block. A group of
/// batches (or of training runs) shares its steppers when the datasets
/// run the same steps (templates/STEPPER.md, "Shared steppers").
fn draw_group(page: &PageCtx, group: &[Member]) -> Result<Group, Vec<Diagnostic>> {
    let mut shared = (2..=MAX_SHARED).contains(&group.len())
        && [Figure::Batch, Figure::Training]
            .iter()
            .any(|&f| group.iter().all(|p| p.1.figure == f));
    let drawn = loop {
        let results: Vec<Result<Drawn, Diagnostic>> = group
            .par_iter()
            .enumerate()
            .map(|(t, &(b, s, runs, figured))| {
                // A tab after the first is hidden at load: none of its
                // frames need to be in the page.
                let hidden = group.len() > 1 && t > 0;
                // The other runs of a group of training figures: their
                // loss curves are drawn under this run's, for comparison.
                let peers: Vec<(String, &Training)> = (group.iter().enumerate())
                    .filter(|&(o, p)| {
                        o != t && p.1.figure == Figure::Training && s.figure == Figure::Training
                    })
                    .filter_map(|(_, (_, p, r, _))| {
                        let title = p.title.clone().unwrap_or_else(|| p.id.clone());
                        Some((title, r.first()?.training.as_deref()?))
                    })
                    .collect();
                draw(page, (s, runs, figured), (hidden, shared), &peers)
                    .map_err(|e| diagnostic(page, b, &e))
            })
            .collect();
        let (drawn, diags): (Vec<_>, Vec<_>) = results.into_iter().partition(Result::is_ok);
        if !diags.is_empty() {
            return Err(diags.into_iter().filter_map(Result::err).collect());
        }
        let drawn: Vec<Drawn> = drawn.into_iter().filter_map(Result::ok).collect();
        let traces: Vec<&[StepperParts]> = drawn.iter().map(|d| d.traces.as_slice()).collect();
        if !shared || can_share(&traces) {
            break drawn;
        }
        shared = false;
    };
    let first = &group[0].1;
    let html = if group.len() == 1 {
        drawn[0].html.clone()
    } else {
        tabbed(first, group, &drawn, shared)
    };
    let mut out = Group {
        html,
        assets: Vec::new(),
        frames: 0,
        figures: group.len(),
    };
    for d in drawn {
        out.assets.extend(d.assets);
        out.frames += d.frames;
    }
    Ok(out)
}

/// The HTML of a group of more than one block: a tab per block, and the
/// steppers they share when `shared`.
fn tabbed(first: &Scenario, group: &[Member], drawn: &[Drawn], shared: bool) -> String {
    let name = first.group.clone().unwrap_or_default();
    let fid = format!("{}-group", first.id);
    let panels: Vec<(String, String)> = group
        .iter()
        .zip(drawn)
        .map(|((_, s, _, _), d)| {
            (
                s.title.clone().unwrap_or_else(|| s.id.clone()),
                d.html.clone(),
            )
        })
        .collect();
    let both = if shared {
        let names: Vec<String> = panels.iter().map(|p| p.0.clone()).collect();
        let traces: Vec<&[StepperParts]> = drawn.iter().map(|d| d.traces.as_slice()).collect();
        shared_steppers(&slug(&name), first.figure, &names, &traces)
    } else {
        String::new()
    };
    format!(
        "<div class=\"group\" id=\"{}\">\n{}</div>\n",
        esc(&slug(&name)),
        tabs_sharing(
            &fid,
            &group_caption(
                &name,
                first.figure,
                first.group_label.as_ref().map(|l| l.0.as_str())
            ),
            &panels,
            &both
        )
    )
}

/// The figures' HTML without the indentation of its SVG: a standalone
/// file keeps it for whoever reads it, a page's reader only downloads it
/// (0.2 KB gzip of the bundled explainer). Every line the figures write
/// is a whole element or tag (no text spans lines), so the lines' leading
/// spaces carry nothing.
fn unindented(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    for line in html.split_inclusive('\n') {
        out.push_str(line.trim_start_matches(' '));
    }
    out
}

fn slug(s: &str) -> String {
    crate::util::slugify(s)
}

/// The word shown before the tab labels.
fn group_caption(group: &str, figure: Figure, label: Option<&str>) -> String {
    if let Some(label) = label {
        return label.to_string();
    }
    match figure {
        Figure::Rule => "Selected rule".into(),
        Figure::Batch => "Selected dataset".into(),
        _ => format!("Selected {group}"),
    }
}

/// Where a figure's downloads go, relative to the output root.
fn asset_dir(page: &PageCtx, s: &Scenario) -> String {
    format!("figures/{}/{}", page.stem, s.id)
}

/// A figure: the body, its downloads, then its caption (the title, the
/// figure's accessible name). The downloads stay outside the caption so they
/// are not read as part of the name; a figcaption must come first or last.
fn figure_html(s: &Scenario, body: &str, downloads: &str) -> String {
    let title = s.title.clone().unwrap_or_default();
    format!(
        "<figure class=\"fig {}\" id=\"{}\">\n{body}{downloads}<figcaption>{}</figcaption>\n</figure>\n",
        s.figure.name(),
        esc(&s.id),
        esc(&title)
    )
}

/// What a figure collects while it is drawn: files to write beside the
/// page, download links, and how many frames (stills count one each).
struct Collected<'a> {
    page: &'a PageCtx,
    /// The figure's title, naming its scrolling drawings.
    title: String,
    dir: String,
    assets: Vec<(String, Vec<u8>)>,
    /// Trace downloads, in the order drawn.
    downloads: Vec<String>,
    /// Still downloads, listed after the traces'.
    stills: Vec<String>,
    frames: usize,
    /// Shared steppers: the traces, drawn but not made steppers.
    traces: Vec<StepperParts>,
}

impl Collected<'_> {
    /// A still picture: inline, and downloadable as its own file. It is
    /// drawn at its natural size and scrolls sideways when wider than the
    /// page (see [`scroller`]).
    ///
    /// A still not shown at load (`hidden`: a tab after the first) is an
    /// image of its file instead, loaded lazily like a stepper's frames. The
    /// file carries the page's palette and dark mode ([`theme::image_css`]),
    /// so it looks the same either way, and so does the download.
    ///
    /// The inline copy is lean ([`Drawing::lean`]): its presentation attributes
    /// become classes of the page's stylesheet, which the page loads anyway,
    /// while the file keeps them.
    fn still(&mut self, name: &str, svg: Drawing, hidden: bool) -> String {
        let path = format!("{}/{name}.svg", self.dir);
        let src = self.page.href(&path);
        self.stills
            .push(format!("<a href=\"{src}\" download>{name} (SVG)</a>"));
        let pic = if hidden {
            svg.img("still-img", &src)
        } else {
            svg.lean().to_string()
        };
        self.assets.push((path, svg.standalone().into_bytes()));
        scroller("still", &self.drawing_name(name), &pic)
    }
}

impl Collected<'_> {
    /// A still in two layouts, as a picture: the wide drawing (a graph
    /// left to right, a rule card's) where it fits the column, the narrow
    /// one (top to bottom, a phone's) where it does not; only the one shown is downloaded, lazily. Both
    /// are files beside the page; the left-to-right one is the download.
    /// A drawing's region name: the figure's title, and which of its
    /// drawings it is in words (not its file's name) when it has several.
    fn drawing_name(&self, name: &str) -> String {
        let words: Vec<String> = (name.split('-'))
            .map(|w| match w {
                "atomic" | "modules" => format!("{w} view"),
                "shift" => "each example before and after the step".into(),
                "plot" => "the examples and the model".into(),
                "reverse" => "the backward pass".into(),
                "forward" => "forward-mode pass".into(),
                _ => w.to_string(),
            })
            .collect();
        match name {
            "rule" | "step-size" => self.title.clone(),
            _ => format!(
                "{}, {}",
                self.title,
                words.join(", ").replace("pass, ", "pass ")
            ),
        }
    }

    fn two_layouts(&mut self, name: &str, lr: Drawing, tb: Drawing) -> String {
        let path = format!("{}/{name}.svg", self.dir);
        let src = self.page.href(&path);
        let tb_path = format!("{}/{name}-tb.svg", self.dir);
        let tb_src = self.page.href(&tb_path);
        self.stills
            .push(format!("<a href=\"{src}\" download>{name} (SVG)</a>"));
        let size = |v: &str| v.parse::<f64>().ok();
        let (lr_w, tb_w) = (size(lr.size().0), size(tb.size().0));
        let fits_from = lr_w.map_or(f64::INFINITY, |w| (w + PAGE_PADDING).ceil());
        let img = lr.img("still-img graph-img", &src);
        let pic = if lr_w.is_some_and(|w| w > WIDEST_COLUMN) {
            tb.img("still-img", &tb_src)
        } else {
            format!(
                "<picture><source media=\"screen and (max-width: {}px)\" srcset=\"{}\" width=\"{}\" height=\"{}\">{}</picture>\n",
                fits_from - 1.0,
                esc(&tb_src),
                super::stepper::px(tb_w.unwrap_or(0.0)),
                super::stepper::px(size(tb.size().1).unwrap_or(0.0)),
                img.trim_end()
            )
        };
        self.assets.push((path, lr.standalone().into_bytes()));
        self.assets.push((tb_path, tb.standalone().into_bytes()));
        scroller("still", &self.drawing_name(name), &pic)
    }
}

fn view_label(run: &Run) -> String {
    format!("{} view", crate::text::capitalise(run.view.name()))
}

/// Draws one scenario as its figure. `hidden`: the figure is a tab that
/// is not shown at load.
/// `shared`: a batch's traces go to [`Drawn::traces`] instead of steppers.
fn draw(
    page: &PageCtx,
    (s, runs, figured): (&Scenario, &[Run], &Figured),
    (hidden, shared): (bool, bool),
    peers: &[(String, &Training)],
) -> Result<Drawn, ScenarioError> {
    let dir = asset_dir(page, s);
    // The download is compact: whitespace is not part of the JSON's
    // contract, and pretty-printing made a training figure's trace 2.4×
    // bigger (1.95 MB for the bundled explainer's `moons`).
    let json = json_within_budget(&page.file.display().to_string(), s, runs, MAX_JSON_BYTES)?;
    let json_path = format!("{dir}/trace.json");
    let title = s.title.clone().unwrap_or_else(|| s.id.clone());
    let mut out = Collected {
        page,
        title: title.clone(),
        downloads: vec![format!(
            "<a href=\"{}\" download>trace (JSON)</a>",
            page.href(&json_path)
        )],
        assets: vec![(json_path, json)],
        dir,
        stills: Vec::new(),
        frames: 0,
        traces: Vec::new(),
    };
    let body = match s.figure {
        Figure::Trace | Figure::Batch if !s.vary.is_empty() => {
            vary::traces(s, runs, &figured.variants, &mut out)?
        }
        Figure::Training if !s.vary.is_empty() => {
            vary::training(s, runs, &figured.variants, &mut out)
        }
        Figure::Graph | Figure::Rule | Figure::StepSize | Figure::Compare if !s.vary.is_empty() => {
            vary::stills(s, runs, &figured.variants, &mut out)
        }
        Figure::Trace | Figure::Batch => traces((s, runs, &figured.own), hidden, shared, &mut out)?,
        Figure::Training => training(s, &runs[0], (&figured.own, shared, peers), &mut out),
        Figure::Modes => modes(s, &runs[0], &figured.own, &title, &mut out),
        _ => stills(s, runs, &figured.own, &mut out),
    };
    let body = if s.vary.is_empty() {
        body
    } else {
        vary::share_files(&mut out, &body)
    };
    out.frames += out.stills.len();
    out.downloads.append(&mut out.stills);
    let caption = format!(
        "<div class=\"dl\">Download: {}</div>\n",
        out.downloads.join(" ")
    );
    let html = figure_html(s, &body, &caption);
    let traces_html: usize = (out.traces.iter())
        .map(|t| t.frames.iter().map(|f| f.html().len()).sum::<usize>() + t.defs.len())
        .sum();
    let bytes = html.len() + traces_html + out.assets.iter().map(|(_, b)| b.len()).sum::<usize>();
    bytes_within_budget(s, bytes, MAX_FIGURE_BYTES)?;
    Ok(Drawn {
        html,
        assets: out.assets,
        frames: out.frames,
        traces: out.traces,
    })
}

/// The figures drawn as still pictures (each in a wide and a narrow
/// layout): a graph, a rule card, a step-size plot, a comparison.
fn stills(s: &Scenario, runs: &[Run], data: &FigureData, out: &mut Collected) -> String {
    let title = s.title.clone().unwrap_or_else(|| s.id.clone());
    match (s.figure, data) {
        (Figure::Rule, _) => {
            let narrow = figures::rule_card_narrow(s, &runs[0], &s.id);
            out.two_layouts("rule", figures::rule_card(s, &runs[0], &s.id), narrow)
        }
        (Figure::StepSize, FigureData::StepSize(errors)) => {
            let narrow = figures::step_size_narrow(s, errors, &format!("{}-narrow", s.id));
            let table = figures::data_table::step_size_table(errors);
            out.two_layouts("step-size", figures::step_size(s, errors, &s.id), narrow) + &table
        }
        (Figure::Compare, _) => compare(s, runs, &title, out),
        _ => {
            let mut views = Vec::new();
            for run in runs {
                let fid = format!("{}-{}", s.id, run.view.name());
                let lr = figures::graph_still(run, &fid, &title);
                let tb = figures::graph_still_in(run, &fid, &title, Direction::TopDown);
                views.push((view_label(run), out.two_layouts(run.view.name(), lr, tb)));
            }
            one_or_tabs(s, views)
        }
    }
}

/// Forward mode against reverse mode: a tab per forward-mode pass (one per
/// param), then the backward pass's still, and the counts under them.
fn modes(s: &Scenario, run: &Run, data: &FigureData, title: &str, out: &mut Collected) -> String {
    let FigureData::Modes(modes) = data else {
        return stills(s, std::slice::from_ref(run), data, out);
    };
    let mut views = Vec::new();
    for (k, pass) in modes.passes.iter().enumerate() {
        let name = format!("forward-{}", k + 1);
        let fid = format!("{}-{name}", s.id);
        let lr = figures::modes::forward_still(run, modes, k, &fid, title, Direction::LeftRight);
        let tb = figures::modes::forward_still(run, modes, k, &fid, title, Direction::TopDown);
        views.push((
            format!("forward, seeded at {}", pass.name),
            out.two_layouts(&name, lr, tb),
        ));
    }
    let fid = format!("{}-reverse", s.id);
    let lr = figures::graph_still(run, &fid, title);
    let tb = figures::graph_still_in(run, &fid, title, Direction::TopDown);
    views.push((
        "reverse: one backward pass".to_string(),
        out.two_layouts("reverse", lr, tb),
    ));
    let passes = modes.passes.len();
    let counts = format!(
        "<p class=\"view-note modes-count\">Forward mode: {passes} pass{} (one per param), each through {} operations and {} edges. Reverse mode: one forward pass, then one backward pass of {} messages, for every param at once.</p>\n",
        if passes == 1 { "" } else { "es" },
        modes.ops,
        modes.edges,
        modes.edges,
    );
    crate::render::stepper::tabs(&format!("{}-views", s.id), "Selected pass", &views) + &counts
}

/// Refuses a figure that would write more than `limit` bytes
/// ([`MAX_FIGURE_BYTES`]): its part of the page and its files.
fn bytes_within_budget(s: &Scenario, bytes: usize, limit: usize) -> Result<(), ScenarioError> {
    if bytes <= limit {
        return Ok(());
    }
    Err(ScenarioError::new(
        s.bytes_span(),
        format!(
            "this figure would write {} (limit {})",
            megabytes(bytes),
            megabytes(limit)
        ),
    )
    .expected(format!(
        "at most {} per figure: its part of the page, frames, stills and trace.json",
        megabytes(limit)
    ))
    .hint("draw a smaller graph (fewer statements or examples), or fewer views"))
}

/// The figure's `trace.json`, refused over `limit` bytes
/// ([`MAX_JSON_BYTES`]), measured as it is written without holding more
/// than the budget.
fn json_within_budget(
    file: &str,
    s: &Scenario,
    runs: &[Run],
    limit: usize,
) -> Result<Vec<u8>, ScenarioError> {
    let mut json = Capped::new(limit);
    crate::scenario::trace::write_block_json(&mut json, file, s, runs)
        .expect("a capped writer takes every byte");
    if json.fits() {
        return Ok(json.bytes);
    }
    let knob = match (s.train.is_some(), s.vary.is_empty()) {
        (true, true) => "train for fewer steps, or use fewer examples or a smaller net",
        (true, false) => {
            "train for fewer steps, use fewer examples or a smaller net, or list fewer values in `vary` (each combination's run is in the JSON)"
        }
        (false, true) => "use fewer statements or examples",
        (false, false) => {
            "use fewer statements or examples, or list fewer values in `vary` (each combination's run is in the JSON)"
        }
    };
    Err(ScenarioError::new(
        s.bytes_span(),
        format!(
            "this block's trace.json would be {} (limit {})",
            megabytes(json.total),
            megabytes(limit)
        ),
    )
    .expected(format!(
        "a run whose JSON (every node, step and message) is at most {}",
        megabytes(limit)
    ))
    .hint(knob))
}

/// The training figure's stepper, and all its snapshots in one file (the
/// page's images of every snapshot but the first, and a download).
fn training(
    s: &Scenario,
    run: &Run,
    (data, shared, peers): (&FigureData, bool, &[(String, &Training)]),
    out: &mut Collected,
) -> String {
    let (Some(t), FigureData::Training(Some(data))) = (run.training.as_deref(), data) else {
        return String::new();
    };
    let path = format!("{}/snapshots.svg", out.dir);
    let narrow_path = format!("{}/snapshots-narrow.svg", out.dir);
    let src = out.page.href(&path);
    let src_narrow = out.page.href(&narrow_path);
    let fid = format!("{}-training", s.id);
    let fig = figures::training(s, (t, data), &fid, (&src, &src_narrow), peers);
    out.downloads.push(format!(
        "<a href=\"{}\" download>all {} snapshots (SVG)</a>",
        out.page.href(&path),
        fig.frames
    ));
    out.frames += fig.frames;
    out.assets.push((path, fig.filmstrip.into_bytes()));
    out.assets
        .push((narrow_path, fig.filmstrip_narrow.into_bytes()));
    let table = figures::data_table::loss_table(t);
    if shared {
        // A group of runs shares one stepper: this run's part of it.
        out.traces.push(fig.parts);
        return table;
    }
    fig.html + &table
}

/// One view as is; several as tabs.
fn one_or_tabs(s: &Scenario, mut views: Vec<(String, String)>) -> String {
    if views.len() == 1 {
        views.remove(0).1
    } else {
        tabs(&format!("{}-views", s.id), "Selected view", &views)
    }
}

/// A sideways-scrolling box around `inner`, focusable so that a keyboard
/// can scroll it, and so a region with a name: `naming` is its
/// `aria-label="…"` or `aria-labelledby="…"` attribute.
fn region(class: &str, naming: &str, inner: &str) -> String {
    format!("<div class=\"{class}\" role=\"region\" {naming} tabindex=\"0\">\n{inner}</div>\n")
}

/// A drawing at its natural size (one SVG unit = one CSS px, never scaled
/// down, so no text is drawn under its font size) in a box that scrolls
/// sideways when the drawing is wider than the page.
pub(crate) fn scroller(class: &str, name: &str, svg: &str) -> String {
    region(
        &format!("{class} scroll"),
        &format!("aria-label=\"{}\"", esc(name)),
        svg,
    )
}

/// A stepper's frame in a [`scroller`] named by the stepper's legend
/// (`{fid}-lg`): the figure and what it shows, said once per stepper, not
/// once per step (the step radio already says which step).
pub(crate) fn step_scroller(fid: &str, frame: &str) -> String {
    region(
        "frame-box scroll",
        &format!("aria-labelledby=\"{fid}-lg\""),
        frame,
    )
}

/// A wide table in a region that scrolls sideways.
pub(super) fn scroll_wrap(html: &str, name: &str) -> String {
    region("table-wrap", &format!("aria-label=\"{}\"", esc(name)), html)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The byte budgets refuse at the block's `train` (or where its figure
    /// is chosen) with the size measured: the JSON's whole size although
    /// only the budget's worth was kept.
    #[test]
    fn a_figure_over_its_byte_budgets_is_refused_at_the_block_with_its_size() {
        let body = "id = \"t\"\nparams = { w = 1 }\nexamples = [ { x = 1, y = 2 }, { x = 2, y = 3 } ]\ngraph = \"l = (w * x - y) ^ 2\"\ntrain = { steps = 50, lr = 0.01 }\nfigure = \"training\"";
        let s = scenario::parse(body).unwrap();
        let runs = s.analyze().unwrap();
        let whole = scenario::trace::block_json_compact("f.md", &s, &runs);
        let fits = json_within_budget("f.md", &s, &runs, whole.len()).unwrap();
        assert_eq!(fits, whole);
        let e = json_within_budget("f.md", &s, &runs, whole.len() - 1).unwrap_err();
        let train = body.find("{ steps").unwrap();
        assert_eq!(e.offset, train);
        assert!(
            e.message.starts_with(&format!(
                "this block's trace.json would be {} (limit",
                megabytes(whole.len())
            )),
            "{}",
            e.message
        );
        assert!(e.hint.as_deref().unwrap().contains("fewer steps"));
        assert!(bytes_within_budget(&s, 10, 10).is_ok());
        let e = bytes_within_budget(&s, 60_000_000, MAX_FIGURE_BYTES).unwrap_err();
        assert_eq!(e.message, "this figure would write 60.0 MB (limit 50.0 MB)");
        // Without `train`, the figure's own key: here `graph`.
        let body = "id = \"t\"\nparams = { w = 1 }\ngraph = \"y = w * w\"";
        let trace = scenario::parse(body).unwrap();
        let e = bytes_within_budget(&trace, 11, 10).unwrap_err();
        assert_eq!(e.offset, body.find("\"y =").unwrap());
    }

    const STYLE: &str = include_str!("../../../templates/style.css");

    /// style.css shows a group's checked tab with one rule per tab index:
    /// as many as a group may have, no more (every page downloads them).
    #[test]
    fn style_css_has_a_tab_rule_per_tab_a_group_may_have() {
        for k in 0..MAX_TABS {
            for c in ['k', 'j'] {
                assert!(
                    STYLE.contains(&format!(".s{k}:checked~*>*>.{c}{k}")),
                    "{c}{k}"
                );
            }
        }
        assert!(!STYLE.contains(&format!(".s{MAX_TABS}:checked")));
        for k in 0..MAX_SHARED {
            assert!(STYLE.contains(&format!(".ds>.s{k}:checked~.view .vr:not(.v{k})")));
        }
    }
}
