//! `vary` on a batch figure (`tests/fixtures/vary.md`: a param, an input
//! every example shares and the learning rate varied): every combination
//! is the engine's run of the block with its values, its gradients agree
//! with central differences of the loss written out here by hand, and the
//! page draws each combination's tables, plot and step under one stepper.

use std::collections::BTreeSet;

use seen::scenario::{Run, Variant};

use crate::support::{close, describe, manifest_dir, seen_in, write};

fn fixture() -> String {
    std::fs::read_to_string(manifest_dir().join("tests/fixtures/vary.md")).unwrap()
}

/// The fixture's block, run: every combination.
fn variants() -> Vec<Variant> {
    let runs = seen::run_file(&manifest_dir().join("tests/fixtures/vary.md")).unwrap();
    let (_, runs): &(_, Vec<Run>) = &runs[0];
    runs[0].variants.to_vec()
}

const XS: [f64; 3] = [-0.9, 0.15, 0.85];
const YS: [f64; 3] = [0.0, 1.0, 1.0];

/// The fixture's loss, written out: the mean over its three examples of
/// `k · (σ(w·x + b) − y)²`.
fn loss(w: f64, b: f64, k: f64) -> f64 {
    let each = XS.iter().zip(YS).map(|(&x, y)| {
        let p = 1.0 / (1.0 + (-(w * x + b)).exp());
        k * (p - y).powi(2)
    });
    each.sum::<f64>() / 3.0
}

fn param(run: &Run, name: &str) -> (f64, f64) {
    let g = run.graph();
    let n = (g.nodes.iter())
        .find(|n| n.kind == seen::engine::Kind::Param && n.name.as_deref() == Some(name))
        .unwrap_or_else(|| panic!("no param {name}"));
    (n.value, n.grad)
}

#[test]
fn each_batch_variant_agrees_with_central_differences_of_its_own_loss() {
    let variants = variants();
    // w: −1, 1.2 (the block's own), 2.5; k: 1, 3; lr: 0.2, 1.
    assert_eq!(variants.len(), 12);
    let mut seen_sets = BTreeSet::new();
    for v in &variants {
        let (w, k, lr) = (v.set[0].1, v.set[1].1, v.set[2].1);
        assert_eq!(
            [&v.set[0].0, &v.set[1].0, &v.set[2].0],
            ["w", "k", "lr"],
            "{:?}",
            v.set
        );
        seen_sets.insert(format!("{w} {k} {lr}"));
        let run = &v.runs[0];
        let (wv, gw) = param(run, "w");
        let (b, gb) = param(run, "b");
        assert_eq!((wv, b), (w, -0.1), "{:?}", v.set);
        // Every example's `k` is the combination's.
        let ks: Vec<f64> = (run.graph().nodes.iter())
            .filter(|n| n.name.as_deref() == Some("k"))
            .map(|n| n.value)
            .collect();
        assert_eq!(ks, [k, k, k], "{:?}", v.set);
        let out = run.graph().nodes[run.output()].value;
        assert!(close(out, loss(w, b, k), 1e-12), "{:?}: {out}", v.set);
        let h = 1e-5;
        let dw = (loss(w + h, b, k) - loss(w - h, b, k)) / (2.0 * h);
        let db = (loss(w, b + h, k) - loss(w, b - h, k)) / (2.0 * h);
        assert!(close(gw, dw, 1e-7), "{:?}: ∂/∂w {gw} against {dw}", v.set);
        assert!(close(gb, db, 1e-7), "{:?}: ∂/∂b {gb} against {db}", v.set);
        // The step takes the combination's learning rate.
        let u = run.update.as_ref().expect("an update");
        assert_eq!(u.lr, lr);
        let after_w = u.params.iter().find(|p| p.0 == "w").unwrap().3;
        assert!(close(after_w, w - lr * gw, 1e-12), "{:?}", v.set);
        assert!(close(u.output_after, loss(after_w, b - lr * gb, k), 1e-9));
    }
    assert_eq!(seen_sets.len(), 12, "every combination once");
}

/// The built page: one picker per key, one stepper, and under it each
/// combination's tables (its own gradients and step), plot and shift, in
/// its own folder; only the block's own shift is inline, only its
/// downloads are listed, and no id is repeated.
#[test]
fn a_varied_batch_page_shows_each_combinations_tables_and_plot_under_one_stepper() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "seen.toml", "title = \"T\"\n");
    let page = format!("+++\ntitle = \"V\"\n+++\n\n{}", fixture());
    write(dir.path(), "content/index.md", &page);
    let out = seen_in(&["build"], dir.path());
    assert!(out.status.success(), "{}", describe(&out));
    let public = dir.path().join("public");
    let html = std::fs::read_to_string(public.join("index.html")).unwrap();
    assert_eq!(html.matches("<fieldset class=\"pick ").count(), 3);
    assert_eq!(html.matches("<fieldset class=\"st stepper").count(), 1);
    let variants = variants();
    let own = variants
        .iter()
        .position(|v| v.set.iter().map(|s| s.1).eq([1.2, 1.0, 0.2]))
        .unwrap();
    for (c, v) in variants.iter().enumerate() {
        let class: String = (v.picks.iter().enumerate())
            .map(|(k, i)| format!(" x{k}-{i}"))
            .collect();
        let open = format!("<div class=\"va{class}\">\n");
        let at = html
            .find(&open)
            .unwrap_or_else(|| panic!("no parts for {:?}", v.set));
        // Up to the next combination's parts, or the print table.
        let end = (html[at + 1..].find("<div class=\"va "))
            .map(|n| at + 1 + n)
            .or_else(|| html.find("<table class=\"vary-print\""))
            .unwrap();
        let part = &html[at..end];
        let run = &v.runs[0];
        for name in ["w", "b"] {
            let total = format!(
                "data-param=\"{name}\"><strong>{}</strong>",
                seen::text::num(param(run, name).1)
            );
            assert!(part.contains(&total), "{:?}: {total}", v.set);
        }
        let lr = seen::text::num(v.set[2].1);
        assert!(
            part.contains(&format!("One SGD step with learning rate {lr}:")),
            "{:?}",
            v.set
        );
        let folder = if c == own {
            String::new()
        } else {
            format!("v{c}/")
        };
        for file in ["atomic-plot.svg", "atomic-plot-tb.svg", "atomic-shift.svg"] {
            let path = format!("figures/index/vb/{folder}{file}");
            assert!(public.join(&path).is_file(), "{path}");
            if file != "atomic-shift.svg" {
                assert!(part.contains(&format!("\"{path}\"")), "{c}: {path}");
            }
        }
        let shift = format!("src=\"figures/index/vb/{folder}atomic-shift.svg\"");
        assert_eq!(part.contains(&shift), c != own, "{c}: the shift is lazy");
        assert_eq!(part.contains("<svg"), c == own, "{c}: inline only its own");
    }
    for dl in ["atomic-plot (SVG)", "atomic-shift (SVG)", "trace (JSON)"] {
        assert_eq!(
            html.matches(&format!("download>{dl}</a>")).count(),
            1,
            "{dl}"
        );
    }
    let mut ids = BTreeSet::new();
    for id in html.split(" id=\"").skip(1) {
        let id = &id[..id.find('"').unwrap()];
        assert!(ids.insert(id.to_string()), "id {id} twice");
    }
    // Print lists every combination: 12 rows of values, loss and gradients.
    let table = &html[html.find("<table class=\"vary-print\">").unwrap()..];
    let table = &table[..table.find("</table>").unwrap()];
    assert_eq!(table.matches("<tr><td").count(), 12);
}

/// `seen frames` writes the block's own frames as before, and every
/// combination's in `ID-vary/KEY=VALUE,…/`, named like the block's own:
/// the folder of the block's own values holds the same bytes as the top
/// level, another combination's last frame is its own update.
#[test]
fn seen_frames_writes_every_combination_in_a_folder_named_by_its_values() {
    let dir = tempfile::tempdir().unwrap();
    let file = manifest_dir().join("tests/fixtures/vary.md");
    let out = dir.path().join("frames");
    let o = crate::support::seen(&[
        "frames",
        file.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", describe(&o));
    let variants = variants();
    let steps = variants[0].runs[0].graph().len();
    let mut folders: Vec<String> = std::fs::read_dir(out.join("vb-vary"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    folders.sort();
    let mut expected: Vec<String> = (variants.iter())
        .map(|v| seen::variant_folder("vb", &v.set)["vb-vary/".len()..].to_string())
        .collect();
    expected.sort();
    assert_eq!(folders, expected);
    assert!(
        folders.contains(&"w=2.5,k=3,lr=1".to_string()),
        "{folders:?}"
    );
    assert!(
        folders.contains(&"w=-1,k=1,lr=0.2".to_string()),
        "{folders:?}"
    );
    let read = |p: &str| std::fs::read_to_string(out.join(p)).unwrap();
    let top: Vec<String> = (1..)
        .map(|k| format!("vb-atomic-step-{k:02}.svg"))
        .take_while(|f| out.join(f).is_file())
        .collect();
    assert!(top.len() > steps / 2, "{}", top.len());
    let own = "vb-vary/w=1.2,k=1,lr=0.2";
    for f in &top {
        assert_eq!(read(f), read(&format!("{own}/{f}")), "{f}");
    }
    let last = top.last().unwrap();
    let other = read(&format!("vb-vary/w=2.5,k=3,lr=1/{last}"));
    assert_ne!(other, read(last));
    assert!(other.contains("2.5646"), "w after the step with lr = 1");
    assert!(out.join(format!("{own}/vb-atomic-animated.svg")).is_file());
    // The same bytes on a second run.
    let again = dir.path().join("again");
    let o = crate::support::seen(&[
        "frames",
        file.to_str().unwrap(),
        "--out",
        again.to_str().unwrap(),
    ]);
    assert!(o.status.success());
    assert_eq!(
        std::fs::read(again.join(format!("vb-vary/w=2.5,k=3,lr=1/{last}"))).unwrap(),
        other.as_bytes()
    );
}
