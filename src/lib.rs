//! seen: a static-site generator for explainers of automatic differentiation
//! that a reader can watch.
//!
//! The modules follow the data through a build (see `../shared/ENGINEERING.md`):
//! `site::content` → `site::markdown` → [`scenario`] → [`engine`] → [`story`]
//! → [`layout`] → [`render`] → `site::templates` → `site::output`.

pub mod engine;
pub mod layout;
pub mod render;
pub mod scenario;
pub mod site;
pub mod story;

use std::path::Path;

/// Runs every `autograd` block of one markdown file (or only the one with
/// id `only`) and returns the `seen trace` JSON, pretty-printed. Errors come
/// back rendered, each as `file:line:col` with the offending line.
pub fn trace_file(path: &Path, only: Option<&str>) -> Result<String, String> {
    let file = path.display().to_string();
    let markdown =
        std::fs::read_to_string(path).map_err(|e| format!("{file}: cannot read: {e}\n"))?;
    let mut runs = Vec::new();
    let mut errors = String::new();
    let mut ids: Vec<(String, usize)> = Vec::new();
    for block in scenario::find_blocks(&markdown) {
        let result = scenario::parse(&block.body).and_then(|s| {
            if let Some((_, first)) = ids.iter().find(|(id, _)| *id == s.id) {
                let (line, col, _) = scenario::line_col(&markdown, *first);
                return Err(scenario::ScenarioError::new(
                    s.id_span.clone(),
                    format!("duplicate id \"{}\" on this page", s.id),
                )
                .expected("a unique id for each block of a page")
                .hint(format!("the id is first used at {file}:{line}:{col}")));
            }
            ids.push((s.id.clone(), block.offset + s.id_span.start));
            let r = s.analyze()?;
            Ok((s, r))
        });
        match result {
            Ok((s, r)) => {
                if only.is_none_or(|id| id == s.id) {
                    runs.push((s, r));
                }
            }
            Err(e) => errors += &scenario::error::render(&file, &markdown, block.offset, &e),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if let Some(id) = only
        && runs.is_empty()
    {
        return Err(format!("{file}: no autograd block with id \"{id}\"\n"));
    }
    let json = scenario::trace::file_json(&file, &runs);
    Ok(serde_json::to_string_pretty(&json).expect("JSON of numbers and strings"))
}
