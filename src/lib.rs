//! seen: a static-site generator for explainers of automatic differentiation
//! that a reader can watch.
//!
//! The modules follow the data through a build (see `docs/contributing.md`):
//! `site::content` → `site::markdown` → [`scenario`] → [`engine`] → [`story`]
//! → [`layout`] → [`render`] → `site::templates` → `site::output`.

pub mod engine;
pub mod help;
pub mod layout;
pub mod render;
pub mod scenario;
pub mod site;
pub mod story;
pub mod text;
pub mod toml_errors;

use std::path::Path;

/// Every block of a markdown file, parsed and run, in order.
pub type FileRuns = Vec<(scenario::Scenario, Vec<scenario::Run>)>;

/// Parses and runs every `autograd` block of one markdown file. Errors come
/// back rendered, each as `file:line:col` with the offending line; every
/// block is tried, so all errors of the file are reported at once.
pub fn run_file(path: &Path) -> Result<FileRuns, String> {
    let file = path.display().to_string();
    let markdown =
        std::fs::read_to_string(path).map_err(|e| format!("{file}: cannot read: {e}\n"))?;
    let mut runs = Vec::new();
    let mut errors = String::new();
    let mut ids: Vec<(String, usize)> = Vec::new();
    for block in scenario::find_blocks(&markdown) {
        let at = |o: usize| block.offset + o;
        let result = scenario::parse_on_page(&block.body, &markdown, &file, at, &mut ids);
        match result {
            Ok(ok) => runs.push(ok),
            Err(e) => errors += &scenario::error::render(&file, &markdown, block.offset, &e),
        }
    }
    if errors.is_empty() {
        Ok(runs)
    } else {
        Err(errors)
    }
}

/// Runs every `autograd` block of one markdown file (or only the one with
/// id `only`) and returns the `seen trace` JSON, pretty-printed.
pub fn trace_file(path: &Path, only: Option<&str>) -> Result<String, String> {
    let file = path.display().to_string();
    let mut runs = run_file(path)?;
    if let Some(id) = only {
        runs.retain(|(s, _)| s.id == id);
        if runs.is_empty() {
            return Err(format!("{file}: no autograd block with id \"{id}\"\n"));
        }
    }
    let json = scenario::trace::file_json(&file, &runs);
    Ok(serde_json::to_string_pretty(&json).expect("JSON of numbers and strings"))
}

/// What `seen frames` wrote.
#[derive(Debug, Default)]
pub struct ExportReport {
    pub svgs: usize,
    pub pngs: usize,
    pub animations: usize,
}

/// Writes every frame of every trace of a markdown file as a standalone
/// SVG (and PNG when `png`), plus one animated SVG per trace, into `out`.
/// Files are named `ID-VIEW-step-NN.svg` and `ID-VIEW-animated.svg`.
pub fn export_frames(path: &Path, out: &Path, png: bool) -> Result<ExportReport, String> {
    let runs = run_file(path)?;
    std::fs::create_dir_all(out).map_err(|e| format!("{}: cannot create: {e}", out.display()))?;
    let write = |name: String, bytes: &[u8]| {
        let p = out.join(name);
        std::fs::write(&p, bytes).map_err(|e| format!("{}: cannot write: {e}", p.display()))
    };
    let mut report = ExportReport::default();
    for (s, rs) in &runs {
        for run in rs {
            let frames = render::frame::trace_frames(s, run);
            let stem = format!("{}-{}", s.id, run.view.name());
            for (k, svg) in frames.iter().enumerate() {
                write(format!("{stem}-step-{:02}.svg", k + 1), svg.as_bytes())?;
                report.svgs += 1;
                if png {
                    let bytes = render::png::png(svg, 2.0)?;
                    write(format!("{stem}-step-{:02}.png", k + 1), &bytes)?;
                    report.pngs += 1;
                }
            }
            write(
                format!("{stem}-animated.svg"),
                render::animate::animated(&frames, 1.5).as_bytes(),
            )?;
            report.animations += 1;
        }
    }
    Ok(report)
}
