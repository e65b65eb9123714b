//! seen: a static-site generator for explainers of automatic differentiation
//! that a reader can watch.
//!
//! The modules follow the data through a build (see `docs/contributing.md`):
//! `site::content` → `site::markdown` → [`scenario`] → [`engine`] → [`story`]
//! → [`layout`] → [`render`] → `site::templates` → `site::output`.

pub mod diagnostic;
pub mod engine;
pub mod figure;
pub mod help;
pub mod layout;
pub mod page;
pub mod render;
pub mod scenario;
pub mod site;
pub mod story;
pub mod text;
pub mod toml_errors;
pub mod util;

use diagnostic::Diagnostic;
use std::path::Path;

/// Every block of a markdown file, parsed and run, in order.
pub type FileRuns = Vec<(scenario::Scenario, Vec<scenario::Run>)>;

/// Parses and runs every `autograd` block of one markdown file, with the
/// warnings found on the way. Every block is tried, so all errors of the
/// file come back at once, each at its `file:line:col`.
pub fn check_file(path: &Path) -> Result<(FileRuns, Vec<Diagnostic>), Vec<Diagnostic>> {
    let bytes = std::fs::read(path)
        .map_err(|e| vec![Diagnostic::whole_file(path, format!("cannot read: {e}"))])?;
    let markdown = diagnostic::utf8(bytes).map_err(|bad| vec![bad.diagnostic(path)])?;
    let mut runs = Vec::new();
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let mut ids: Vec<(String, usize)> = Vec::new();
    let root = scenario::Files::root_of(path);
    for block in page::find_blocks(&markdown) {
        let place = scenario::BlockPlace {
            file: path,
            markdown: &markdown,
            block: &block,
            files: Some(scenario::Files {
                page: path,
                root: &root,
            }),
        };
        match scenario::parse_on_page(&block.source, &place, &mut ids, &mut warnings) {
            Ok(ok) => runs.push(ok),
            Err(e) => errors.extend(e),
        }
    }
    if errors.is_empty() {
        Ok((runs, warnings))
    } else {
        Err(errors)
    }
}

/// [`check_file`] with the errors rendered and the warnings left out.
pub fn run_file(path: &Path) -> Result<FileRuns, String> {
    check_file(path)
        .map(|(runs, _)| runs)
        .map_err(|e| diagnostic::render_all(&e))
}

/// Runs every `autograd` block of one markdown file (or only the one with
/// id `only`) and returns the `seen trace` JSON, pretty-printed, and the
/// warnings, rendered.
pub fn trace(path: &Path, only: Option<&str>) -> Result<(String, String), String> {
    let file = path.display().to_string();
    let (mut runs, warnings) = check_file(path).map_err(|e| diagnostic::render_all(&e))?;
    if let Some(id) = only {
        runs.retain(|(s, _)| s.id == id);
        if runs.is_empty() {
            return Err(format!(
                "{file}: error: no autograd block with id \"{id}\"\n"
            ));
        }
    }
    let json = scenario::trace::file_json_pretty(&file, &runs);
    Ok((json, diagnostic::render_all(&warnings)))
}

/// [`trace`] without the warnings.
pub fn trace_file(path: &Path, only: Option<&str>) -> Result<String, String> {
    trace(path, only).map(|(json, _)| json)
}

/// A trace's standalone frames and its animation, refused over the export
/// budgets ([`scenario::budget::check_export`]): estimated from its first
/// and last frames before the others are drawn, then checked on what was
/// drawn.
fn trace_frames_within_budget(
    s: &scenario::Scenario,
    run: &scenario::Run,
    png: bool,
) -> Result<(Vec<String>, String), scenario::ScenarioError> {
    use rayon::prelude::*;
    use render::frame::{Scene, trace_frame};
    let story = story::tell(run);
    let scene = Scene::new(run.graph(), &story);
    let n = story.steps.len();
    let size = (scene.width, scene.height);
    let biggest = [0, n - 1]
        .iter()
        .map(|&k| trace_frame(s, run, &story, &scene, k).len())
        .max()
        .unwrap_or(0);
    scenario::budget::check_export(s, n, biggest, size, png)?;
    let frames: Vec<String> = (0..n)
        .into_par_iter()
        .map(|k| trace_frame(s, run, &story, &scene, k))
        .collect();
    let largest = frames.iter().map(String::len).max().unwrap_or(0);
    scenario::budget::check_export(s, n, largest, size, png)?;
    // Linear in what it draws, like the frames file (it was every frame
    // again, as big as all the others together).
    let animated = render::frame::animated(run.graph(), &story, &scene, 1.5);
    Ok((frames, animated))
}

/// A training block's shown snapshots as standalone SVG documents (for
/// `seen frames` and the goldens): its figure data computed
/// ([`figure::one`]), then drawn. Empty for a run without training.
pub fn training_frames(
    s: &scenario::Scenario,
    run: &scenario::Run,
) -> Result<Vec<String>, scenario::ScenarioError> {
    training_frames_at(s, run, render::figures::TRAINING_WIDTH)
}

/// [`training_frames`] drawn `width` px wide (a phone's column:
/// [`render::scene::PHONE_COLUMN`]).
pub fn training_frames_at(
    s: &scenario::Scenario,
    run: &scenario::Run,
    width: f64,
) -> Result<Vec<String>, scenario::ScenarioError> {
    let data = figure::one(s, std::slice::from_ref(run))?;
    Ok(match (run.training.as_deref(), &data) {
        (Some(t), figure::FigureData::Training(Some(d))) => {
            render::figures::training_frames_at(s, t, d, width)
        }
        _ => Vec::new(),
    })
}

/// A block's error at its `file:line:col`: `block` counts the file's
/// `autograd` blocks from 0 (they all ran, so [`run_file`] kept them all,
/// in order).
fn block_error(path: &Path, block: usize, e: &scenario::ScenarioError) -> String {
    let markdown = std::fs::read_to_string(path).unwrap_or_default();
    let Some(b) = page::find_blocks(&markdown).into_iter().nth(block) else {
        return format!("{}: error: {}\n", path.display(), e.message);
    };
    let place = scenario::BlockPlace {
        file: path,
        markdown: &markdown,
        block: &b,
        files: None,
    };
    diagnostic::render_all(&[place.diagnostic(e)])
}

/// What `seen frames` wrote.
#[derive(Debug, Default)]
pub struct ExportReport {
    pub svgs: usize,
    pub pngs: usize,
    pub animations: usize,
}

/// The folder of one combination of a varied block's frames, under the
/// folder `seen frames` writes to: `ID-vary/KEY=VALUE,KEY=VALUE`, the keys
/// in the order of `vary` and the values as `seen trace` writes them
/// (`x=-2,w=1.2`).
pub fn variant_folder(id: &str, set: &[(String, f64)]) -> String {
    let parts: Vec<String> = set.iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!("{id}-vary/{}", parts.join(","))
}

/// One block's frames for [`export_frames`] (a training figure's
/// snapshots, else each view's trace and its animation), their stems
/// prefixed with `folder`.
#[allow(clippy::type_complexity)]
fn block_frames(
    path: &Path,
    b: usize,
    s: &scenario::Scenario,
    rs: &[scenario::Run],
    folder: &str,
    png: bool,
) -> Result<Vec<(String, Vec<String>, Option<String>)>, String> {
    if s.figure == scenario::Figure::Training {
        let frames = training_frames(s, &rs[0]).map_err(|e| block_error(path, b, &e))?;
        return Ok(vec![(format!("{folder}{}-training", s.id), frames, None)]);
    }
    rs.iter()
        .map(|run| {
            let (frames, animated) =
                trace_frames_within_budget(s, run, png).map_err(|e| block_error(path, b, &e))?;
            Ok((
                format!("{folder}{}-{}", s.id, run.view.name()),
                frames,
                Some(animated),
            ))
        })
        .collect()
}

/// Writes every frame of every trace of a markdown file as a standalone
/// SVG (and PNG when `png`), plus one animated SVG per trace, into `out`.
/// Files are named `ID-VIEW-step-NN.svg` and `ID-VIEW-animated.svg`; a
/// training figure's snapshots `ID-training-NN.svg`. A block with `vary`
/// also writes every combination's, named the same, in a folder per
/// combination: `ID-vary/KEY=VALUE,KEY=VALUE/` (the keys in the order of
/// `vary`, the values as `seen trace` writes them; see [`variant_folder`]).
///
/// Frames are drawn, rasterised and written in parallel (rayon), each file
/// on its own, so the result does not depend on the order.
pub fn export_frames(path: &Path, out: &Path, png: bool) -> Result<ExportReport, String> {
    use rayon::prelude::*;
    let runs = run_file(path)?;
    std::fs::create_dir_all(out).map_err(|e| format!("{}: cannot create: {e}", out.display()))?;
    let write = |name: String, bytes: &[u8]| {
        let p = out.join(name);
        if let Some(dir) = p.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("{}: cannot create: {e}", dir.display()))?;
        }
        std::fs::write(&p, bytes).map_err(|e| format!("{}: cannot write: {e}", p.display()))
    };
    // Every trace's frames, and every training figure's snapshots (rather
    // than a trace of a graph that may be thousands of nodes): (file stem,
    // frames, a trace's animation; a trace's stems get `-step-`); then
    // every combination's of a block with `vary`, in its folder.
    let traces: Vec<(String, Vec<String>, Option<String>)> = runs
        .par_iter()
        .enumerate()
        .map(|(b, (s, rs))| {
            let mut all = block_frames(path, b, s, rs, "", png)?;
            for var in rs.first().map_or(&[][..], |r| &r.variants[..]) {
                let folder = format!("{}/", variant_folder(&s.id, &var.set));
                all.extend(block_frames(
                    path,
                    b,
                    &var.scenario,
                    &var.runs,
                    &folder,
                    png,
                )?);
            }
            Ok(all)
        })
        .collect::<Result<Vec<Vec<_>>, String>>()?
        .into_iter()
        .flatten()
        .collect();
    let jobs: Vec<(String, &str)> = traces
        .iter()
        .flat_map(|(stem, frames, trace)| {
            frames.iter().enumerate().map(move |(k, svg)| {
                let name = if trace.is_some() {
                    format!("{stem}-step-{:02}", k + 1)
                } else {
                    format!("{stem}-{:02}", k + 1)
                };
                (name, svg.as_str())
            })
        })
        .collect();
    jobs.par_iter().try_for_each(|(name, svg)| {
        write(format!("{name}.svg"), svg.as_bytes())?;
        if png {
            let bytes = render::png::png(svg, 2.0)?;
            write(format!("{name}.png"), &bytes)?;
        }
        Ok::<(), String>(())
    })?;
    let animated: Vec<(&String, &String)> = (traces.iter())
        .filter_map(|(stem, _, a)| Some((stem, a.as_ref()?)))
        .collect();
    animated
        .par_iter()
        .try_for_each(|(stem, svg)| write(format!("{stem}-animated.svg"), svg.as_bytes()))?;
    Ok(ExportReport {
        svgs: jobs.len(),
        pngs: if png { jobs.len() } else { 0 },
        animations: animated.len(),
    })
}
