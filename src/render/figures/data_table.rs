//! The numbers behind a plot, as a table in a closed `<details>`: the
//! non-visual equivalent of the step-size curves and of a training run's
//! loss curve (WCAG 1.1.1), and a way for any reader to read exact values.

use crate::figure::step_size::Errors;
use crate::scenario::train::Training;
use crate::text::num;
use crate::util::esc;

/// A closed `<details>` holding a table: `summary`, then the column heads
/// and the rows (already formatted).
fn details(summary: &str, caption: &str, heads: &[&str], rows: &[Vec<String>]) -> String {
    let mut h = format!(
        "<details class=\"data\"><summary>{}</summary>\n<div class=\"table-wrap\" role=\"region\" aria-label=\"{}\" tabindex=\"0\">\n<table>\n<caption>{}</caption>\n<thead><tr>",
        esc(summary),
        esc(summary),
        esc(caption)
    );
    for head in heads {
        h += &format!("<th scope=\"col\">{}</th>", esc(head));
    }
    h += "</tr></thead>\n<tbody>\n";
    for row in rows {
        h += "<tr>";
        for (i, cell) in row.iter().enumerate() {
            if i == 0 {
                h += &format!("<th scope=\"row\" class=\"num\">{}</th>", esc(cell));
            } else {
                h += &format!("<td class=\"num\">{}</td>", esc(cell));
            }
        }
        h += "</tr>\n";
    }
    h + "</tbody>\n</table>\n</div>\n</details>\n"
}

/// The step-size plot's points: each h with both errors.
pub fn step_size_table(errors: &Errors) -> String {
    let rows: Vec<Vec<String>> = (errors.data.iter())
        .map(|&(h, f, c)| vec![crate::text::h_text(h), num(f), num(c)])
        .collect();
    details(
        "The plot's numbers as a table",
        &format!(
            "|error| of each difference against autodiff's ∂{}/∂{} = {}, for each step h",
            errors.out_name,
            errors.name,
            num(errors.grad)
        ),
        &["h", "forward difference", "central difference"],
        &rows,
    )
}

/// A training run's loss at the steps its stepper shows.
pub fn loss_table(t: &Training) -> String {
    let rows: Vec<Vec<String>> = (t.snapshots.iter())
        .filter_map(|&k| t.steps.get(k))
        .map(|s| vec![s.step.to_string(), num(s.loss)])
        .collect();
    let end = match &t.diverged {
        Some(_) => " (the run diverged after the last one)",
        None => "",
    };
    details(
        "The loss as a table",
        &format!("The loss at each step the snapshots show{end}"),
        &["step", "loss"],
        &rows,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table writes each h as the plot's axis and labels do ("1e−13",
    /// "3.162e−9"), not as "1.000e−13".
    #[test]
    fn the_step_size_table_writes_h_as_the_plot_does() {
        let errors = Errors {
            data: vec![(1e-13, 0.5, 0.25), (3.162e-9, 1e-7, 2e-9)],
            name: "w".into(),
            out_name: "loss".into(),
            grad: 1.5,
            best_f: 1.5e-8,
            best_c: 6e-6,
            min_f: None,
            min_c: None,
        };
        let html = step_size_table(&errors);
        assert!(html.contains(">1e−13</th>"), "{html}");
        assert!(html.contains(">3.162e−9</th>"), "{html}");
        assert!(!html.contains(">1.000e−13<"), "{html}");
    }
}
