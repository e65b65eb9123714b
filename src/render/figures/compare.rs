//! Figure "compare": the gradient table of the atomic and the modules view
//! side by side, and a "what changed" note for each view.

use crate::engine::{Graph, Kind, NodeId};
use crate::scenario::{Run, View};
use crate::text::and_list;
use crate::text::num;
use crate::util::esc;

/// A leaf as the table names it: "w", or "x (example 2)".
fn leaf_label(g: &Graph, i: NodeId) -> String {
    let nd = &g.nodes[i];
    let name = (nd.name.as_deref())
        .map(crate::text::display_name)
        .unwrap_or_else(|| format!("#{i}"));
    match nd.example {
        Some(e) => format!("{name} (example {})", e + 1),
        None => name,
    }
}

/// An HTML table of every param's and input's gradient in both views, and
/// whether they agree (relative tolerance 1e-9, as the build checks).
pub fn gradient_table(atomic: &Run, modules: &Run, id: &str) -> String {
    let (ga, gm) = (atomic.graph(), modules.graph());
    let out = ga.nodes[atomic.output()]
        .name
        .clone()
        .unwrap_or_else(|| "L".into());
    let mut html = format!(
        "<table class=\"gradients\" id=\"{}-gradients\">\n<caption>Leaf gradients ∂{}/∂leaf in the atomic and the modules view</caption>\n",
        esc(id),
        esc(&out)
    );
    html += "<thead><tr><th scope=\"col\">leaf</th><th scope=\"col\">kind</th><th scope=\"col\">atomic view</th><th scope=\"col\">modules view</th><th scope=\"col\">agree?</th></tr></thead>\n<tbody>\n";
    for (i, nd) in ga.nodes.iter().enumerate() {
        if !matches!(nd.kind, Kind::Param | Kind::Input) {
            continue;
        }
        let other = gm
            .nodes
            .iter()
            .find(|m| m.kind == nd.kind && m.name == nd.name && m.example == nd.example);
        let (mtext, agree) = match other {
            Some(m) => (
                num(m.grad),
                (m.grad - nd.grad).abs() <= 1e-9 * (1.0 + nd.grad.abs()),
            ),
            None => ("—".to_string(), false),
        };
        html += &format!(
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td>{}</td><td class=\"{}\">{}</td></tr>\n",
            esc(&leaf_label(ga, i)),
            nd.kind.name(),
            num(nd.grad),
            mtext,
            if agree { "agree" } else { "disagree" },
            if agree { "✓ yes" } else { "✗ no" }
        );
    }
    html += "</tbody>\n</table>\n";
    html
}

/// A short "what changed" paragraph for one view, with the run's counts.
pub fn view_note(run: &Run) -> String {
    let g = run.graph();
    let nodes = g.len();
    let ops = g.nodes.iter().filter(|x| x.kind == Kind::Op).count();
    let modules = g.nodes.iter().filter(|x| x.kind == Kind::Module).count();
    // Messages to a constant are computed but not drawn (nothing can change
    // a constant), as in the trace's stepper.
    let messages = (run.messages.iter())
        .filter(|m| g.nodes[m.to].kind != Kind::Const)
        .count();
    let mut seen_ops: Vec<String> = Vec::new();
    let mut seen_modules: Vec<String> = Vec::new();
    for x in &g.nodes {
        if let Some(op) = x.op {
            let list = if op.is_module() {
                &mut seen_modules
            } else {
                &mut seen_ops
            };
            let w = if op.is_module() {
                op.symbol()
            } else {
                op.name().to_string()
            };
            if !list.contains(&w) {
                list.push(w);
            }
        }
    }
    let counts = format!(
        "{}, {}{}, {}",
        crate::text::count(nodes, "node", "nodes"),
        if modules > 0 {
            format!("{}, ", crate::text::count(modules, "module", "modules"))
        } else {
            String::new()
        },
        crate::text::count(ops, "rulebook op", "rulebook ops"),
        crate::text::count(messages, "backward message", "backward messages")
    );
    let body = match run.view {
        View::Atomic => format!(
            "<strong>Atomic view:</strong> {counts}. Every operation is one line of the rulebook ({}), so each backward message uses a one-line local derivative.",
            esc(&and_list(&seen_ops))
        ),
        View::Modules if modules > 0 => format!(
            "<strong>Modules view:</strong> {} {}; {counts}.",
            esc(&and_list(&seen_modules)),
            if seen_modules.len() == 1 {
                "is one node, with a closed-form backward rule"
            } else {
                "are one node each, with closed-form backward rules"
            }
        ),
        View::Modules => format!(
            "<strong>Modules view:</strong> {counts}. This graph uses no module, so it is the same as the atomic view."
        ),
    };
    format!("<p class=\"view-note\">{body}</p>\n")
}
