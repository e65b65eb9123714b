//! The look every drawing shares: the palette, the font and its metrics,
//! and the CSS that depends on them.
//!
//! This is the one place a colour is written. Standalone SVG files and PNGs
//! carry the colours as presentation attributes (`fill="#1d4ed8"`); two
//! stylesheets restyle them, and both follow from here:
//!
//! - the filmstrip's own `<style>` ([`film_css`]), generated below;
//! - the site's `templates/style.css`, whose dark-mode rules match the
//!   presentation colours by value (`.fig svg [fill="#1d4ed8"]`). That file
//!   is a template a site may override, so it is not generated at build
//!   time; instead it carries the block [`dark_mode_css`] writes, and a
//!   unit test fails (printing the block to paste) when the two drift.

use std::fmt::Write;

/// Forward: values, solid edges, arrowheads to the right.
pub const FORWARD: &str = "#1d4ed8";
/// Backward: gradients and messages, dashed edges, arrowheads to the left.
pub const BACKWARD: &str = "#b4420a";
/// Text and outlines.
pub const INK: &str = "#0f172a";
/// Secondary text: unknown values, tags, ticks, notes.
pub const MUTED: &str = "#64748b";
/// Quiet edges and frames: at least 3:1 against the paper, so the edges
/// that carry the story stay visible.
pub const LINE: &str = "#7b8799";
/// The background.
pub const PAPER: &str = "#ffffff";
/// Plot grid lines.
pub const GRID: &str = "#e2e8f0";
/// Node outlines, a param's inner ring, a module's bar.
pub const OUTLINE: &str = "#475569";
/// A param's fill.
pub const PARAM_FILL: &str = "#eef2ff";
/// An input's fill, and the rule card's ledger box.
pub const PANEL: &str = "#f8fafc";
/// A module's fill.
pub const MODULE_FILL: &str = "#f0fdf4";

/// How a colour follows the page into dark mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dark {
    /// Matched by value in `style.css`: `[fill="#…"]` and/or `[stroke="#…"]`
    /// become `var(--NAME)`.
    Attr {
        var: &'static str,
        fill: bool,
        stroke: bool,
    },
    /// Only drawn on elements whose class rules in `style.css` restyle them
    /// (`rect.node`, `path.edge`, `.rule-rows`, …).
    ByClass,
}

/// One colour of the palette.
#[derive(Debug, Clone, Copy)]
pub struct Swatch {
    pub name: &'static str,
    pub hex: &'static str,
    pub dark: Dark,
}

const fn attr(name: &'static str, hex: &'static str, var: &'static str) -> Swatch {
    Swatch {
        name,
        hex,
        dark: Dark::Attr {
            var,
            fill: true,
            stroke: true,
        },
    }
}

const fn by_class(name: &'static str, hex: &'static str) -> Swatch {
    Swatch {
        name,
        hex,
        dark: Dark::ByClass,
    }
}

/// Every colour the renderer draws with, in the order of the dark-mode
/// block of `style.css`.
pub const PALETTE: [Swatch; 11] = [
    attr("INK", INK, "--fg"),
    attr("FORWARD", FORWARD, "--fwd"),
    attr("BACKWARD", BACKWARD, "--bwd"),
    attr("MUTED", MUTED, "--muted"),
    Swatch {
        name: "PAPER",
        hex: PAPER,
        dark: Dark::Attr {
            var: "--bg",
            fill: true,
            stroke: false,
        },
    },
    Swatch {
        name: "GRID",
        hex: GRID,
        dark: Dark::Attr {
            var: "--line",
            fill: false,
            stroke: true,
        },
    },
    by_class("LINE", LINE),
    by_class("OUTLINE", OUTLINE),
    by_class("PARAM_FILL", PARAM_FILL),
    by_class("PANEL", PANEL),
    by_class("MODULE_FILL", MODULE_FILL),
];

/// Font stack for SVG text. DejaVu Sans comes first because PNG export
/// bundles it; browsers fall back to their sans-serif.
pub const FONT: &str = "DejaVu Sans, Verdana, sans-serif";

/// Advance per character of a node's 12px value and gradient lines: DejaVu
/// Sans averages about 0.6em. Nodes are sized from these so boxes fit their
/// text without measuring fonts at build time.
pub const CH: f64 = 7.4;
/// Advance per character of a node's bold 13px label (about 0.68em).
pub const CH_BOLD: f64 = 9.0;
/// Average advance of DejaVu Sans in em, for the text of stills and plots.
pub const EM: f64 = 0.62;
/// Average advance of DejaVu Sans Bold in em.
pub const EM_BOLD: f64 = 0.7;

/// Estimated width of `s` at `advance` per character.
pub fn text_w(s: &str, advance: f64) -> f64 {
    s.chars().count() as f64 * advance
}

/// The dark-mode rules of `templates/style.css` for colours matched by
/// value ([`Dark::Attr`]): the file must contain this block verbatim.
pub fn dark_mode_css() -> String {
    let mut css = String::from("@media (prefers-color-scheme: dark) {\n");
    for s in &PALETTE {
        let Dark::Attr { var, fill, stroke } = s.dark else {
            continue;
        };
        let mut rules = Vec::new();
        for (on, prop) in [(fill, "fill"), (stroke, "stroke")] {
            if on {
                rules.push(format!(
                    ".fig svg [{prop}=\"{}\"] {{ {prop}: var({var}); }}",
                    s.hex
                ));
            }
        }
        let _ = writeln!(css, "  {}", rules.join(" "));
    }
    css.push_str("}\n");
    css
}

/// The stylesheet a filmstrip carries: the light palette of the lean
/// classes (the site's stylesheet does the same for inline frames, in the
/// page's palette). A `<style>` element is fine there: the file is a
/// download, never inlined.
pub fn film_css() -> String {
    format!(
        "text {{ font-family: {FONT}; }}
rect.paper {{ fill: {PAPER}; }}
text.caption, text.label {{ font-size: 13px; font-weight: bold; }}
text.label, text.value, text.caption {{ fill: {INK}; }}
text.label, text.value, text.grad {{ text-anchor: middle; }}
text.value, text.grad, text.edge-label-text {{ font-size: 12px; }}
text.value.unknown, text.label.const {{ fill: {MUTED}; }}
text.grad.sum {{ font-weight: bold; }}
text.grad, text.edge-label-text, text.caption.bw {{ fill: {BACKWARD}; }}
text.caption.fw {{ fill: {FORWARD}; }}
rect.node {{ fill: {PAPER}; stroke: {OUTLINE}; stroke-width: 1.2; }}
rect.node.param {{ fill: {PARAM_FILL}; }}
rect.node.input {{ fill: {PANEL}; }}
rect.node.module {{ fill: {MODULE_FILL}; }}
rect.node.const {{ stroke-dasharray: 4 3; }}
rect.node-inner {{ fill: none; stroke: {OUTLINE}; stroke-width: 0.8; }}
rect.node-bar {{ fill: {OUTLINE}; }}
rect.halo {{ fill: none; stroke: {INK}; stroke-width: 1.2; stroke-dasharray: 3 3; }}
rect.outline {{ fill: none; stroke: {INK}; stroke-width: 2.5; }}
rect.edge-label {{ fill: {PAPER}; stroke: {BACKWARD}; stroke-width: 1; }}
path.edge {{ fill: none; stroke: {LINE}; stroke-width: 1.4; }}
path.edge.const {{ stroke-dasharray: 2 3; }}
polygon.arrow {{ fill: {LINE}; }}
path.edge.active {{ stroke-width: 2.5; }}
path.edge.fw.active {{ stroke: {FORWARD}; }}
polygon.arrow.fw.active {{ fill: {FORWARD}; }}
path.edge.bw {{ stroke: {BACKWARD}; stroke-dasharray: 6 4; }}
polygon.arrow.bw.active {{ fill: {BACKWARD}; }}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const STYLE: &str = include_str!("../../templates/style.css");

    /// Every `#rrggbb` in `text`.
    fn hexes(text: &str) -> Vec<&str> {
        let b = text.as_bytes();
        (0..b.len())
            .filter(|&i| {
                b[i] == b'#'
                    && b.len() >= i + 7
                    && b[i + 1..i + 7].iter().all(u8::is_ascii_hexdigit)
                    && b.get(i + 7).is_none_or(|c| !c.is_ascii_alphanumeric())
            })
            .map(|i| &text[i..i + 7])
            .collect()
    }

    fn in_palette(hex: &str) -> bool {
        PALETTE.iter().any(|s| s.hex == hex)
    }

    #[test]
    fn palette_colours_are_distinct_lowercase_hex() {
        for (i, s) in PALETTE.iter().enumerate() {
            assert_eq!(hexes(s.hex), [s.hex], "{}", s.name);
            assert_eq!(s.hex, s.hex.to_lowercase(), "{}", s.name);
            assert!(
                PALETTE[..i].iter().all(|t| t.hex != s.hex),
                "{} repeats a colour",
                s.name
            );
        }
    }

    #[test]
    fn style_css_carries_the_dark_mode_block_of_the_palette() {
        let block = dark_mode_css();
        assert!(
            STYLE.contains(&block),
            "templates/style.css has drifted from the palette in src/render/theme.rs; \
             its dark-mode block for presentation colours must read:\n{block}"
        );
    }

    #[test]
    fn style_css_matches_no_colour_by_value_outside_that_block() {
        let block = dark_mode_css();
        let selectors =
            |css: &str| css.matches("[fill=\"").count() + css.matches("[stroke=\"").count();
        assert_eq!(
            selectors(STYLE),
            selectors(&block),
            "a `[fill=\"#…\"]` or `[stroke=\"#…\"]` rule in templates/style.css is not generated \
             from the palette: add the colour to theme::PALETTE with Dark::Attr instead"
        );
        for hex in hexes(&block) {
            assert!(in_palette(hex), "{hex}");
        }
    }

    #[test]
    fn film_css_uses_only_palette_colours() {
        let css = film_css();
        let used = hexes(&css);
        assert!(used.len() > 10);
        for hex in used {
            assert!(in_palette(hex), "{hex} is not in the palette");
        }
    }

    /// A colour written anywhere else in the renderer would escape both
    /// stylesheets: dark mode would miss it.
    #[test]
    fn no_colour_is_written_outside_the_theme() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/render");
        let mut stack = vec![dir];
        let mut found = Vec::new();
        let mut files = 0;
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d)
                .expect("src/render is readable")
                .flatten()
            {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x == "rs")
                    && p.file_name().is_some_and(|f| f != "theme.rs")
                {
                    files += 1;
                    let text = std::fs::read_to_string(&p).expect("a source file");
                    for hex in hexes(&text) {
                        found.push(format!("{}: {hex}", p.display()));
                    }
                }
            }
        }
        assert!(files > 5, "only {files} files read");
        assert!(
            found.is_empty(),
            "use theme constants:\n{}",
            found.join("\n")
        );
    }
}
