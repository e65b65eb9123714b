//! Every graph the bundled explainer draws is laid out without a single
//! edge crossing (counted as segment intersections of the drawn routes).

use seen::layout::count_crossings;
use seen::render::frame::Scene;

use crate::support::explainer_md;

#[test]
fn no_edge_crossings_in_any_bundled_scenario() {
    let runs = seen::run_file(&explainer_md()).expect("the explainer runs");
    let mut checked = 0;
    let mut report = Vec::new();
    for (s, rs) in &runs {
        for run in rs {
            let story = seen::story::tell(run);
            let scene = Scene::new(run.graph(), &story);
            let crossings = count_crossings(&scene.layout);
            if crossings != 0 {
                report.push(format!(
                    "{} ({}): {crossings} crossings",
                    s.id,
                    run.view.name()
                ));
            }
            checked += 1;
        }
    }
    assert!(checked >= 12, "only {checked} graphs checked");
    assert!(report.is_empty(), "{}", report.join("\n"));
}
