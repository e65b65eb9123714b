//! One animated standalone SVG per trace, for slides and READMEs: every
//! frame nested in one file, shown in turn by CSS keyframes of its own.
//!
//! The `<style>` element here is fine: this file is meant for `<img>` or a
//! slide, never inlined into a page under the site's CSP.

use super::svg::n;

/// Parses width and height from a frame's root element.
fn size(svg: &str) -> (f64, f64) {
    let attr = |name: &str| {
        let key = format!(" {name}=\"");
        svg.find(&key)
            .and_then(|i| {
                let rest = &svg[i + key.len()..];
                rest[..rest.find('"')?].parse::<f64>().ok()
            })
            .unwrap_or(0.0)
    };
    (attr("width"), attr("height"))
}

/// Animates `frames` (complete SVG documents of equal size), `dt` seconds
/// each, looping; under reduced motion the last frame stands still.
pub fn animated(frames: &[String], dt: f64) -> String {
    let count = frames.len().max(1);
    let (w, h) = frames.first().map_or((0.0, 0.0), |f| size(f));
    let total = dt * count as f64;
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {0} {1}\" width=\"{0}\" height=\"{1}\" role=\"img\">\n",
        n(w),
        n(h)
    );
    out += "  <style>\n";
    out += &format!(
        "    .f {{ opacity: 0; animation: {}s step-end infinite; }}\n",
        n(total)
    );
    for k in 0..count {
        let a = 100.0 * k as f64 / count as f64;
        let b = 100.0 * (k + 1) as f64 / count as f64;
        out += &format!(
            "    @keyframes f{k} {{ 0% {{ opacity: 0; }} {}% {{ opacity: 1; }} {}% {{ opacity: 0; }} 100% {{ opacity: 0; }} }}\n",
            pct(a),
            pct(b)
        );
        out += &format!("    .f{k} {{ animation-name: f{k}; }}\n");
    }
    out += &format!(
        "    @media (prefers-reduced-motion: reduce) {{ .f {{ animation: none; }} .f{} {{ opacity: 1; }} }}\n",
        count - 1
    );
    out += "  </style>\n";
    for (k, f) in frames.iter().enumerate() {
        out += &format!("  <g class=\"f f{k}\">\n");
        for line in f.lines() {
            out += "    ";
            out += line;
            out += "\n";
        }
        out += "  </g>\n";
    }
    out += "</svg>\n";
    out
}

/// A keyframe percentage with up to three decimals.
fn pct(v: f64) -> String {
    let s = format!("{v:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}
