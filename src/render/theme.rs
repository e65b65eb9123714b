//! The look every drawing shares: the palette, the font and its metrics,
//! and the CSS that depends on them.
//!
//! This is the one place a colour is written. Standalone SVG files and PNGs
//! carry the colours as presentation attributes (`fill="#1d4ed8"`); two
//! stylesheets restyle them, and both follow from here:
//!
//! - the `<style>` of the standalone files the page shows as `<img>`
//!   ([`image_css`]): the page's palette ([`PAGE_VARS`]) in light and dark
//!   mode and the page's frame rules ([`frame_rules`]), generated below;
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
pub const MUTED: &str = "#5a677a";
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
    /// The letter of its lean classes: `f` + code for a fill, `s` + code
    /// for a stroke ([`lean_class`]).
    pub code: char,
}

const fn attr(name: &'static str, hex: &'static str, var: &'static str, code: char) -> Swatch {
    Swatch {
        name,
        hex,
        code,
        dark: Dark::Attr {
            var,
            fill: true,
            stroke: true,
        },
    }
}

const fn by_class(name: &'static str, hex: &'static str, code: char) -> Swatch {
    Swatch {
        name,
        hex,
        code,
        dark: Dark::ByClass,
    }
}

/// Every colour the renderer draws with, in the order of the dark-mode
/// block of `style.css`.
pub const PALETTE: [Swatch; 11] = [
    attr("INK", INK, "--fg", 'i'),
    attr("FORWARD", FORWARD, "--fwd", 'f'),
    attr("BACKWARD", BACKWARD, "--bwd", 'b'),
    attr("MUTED", MUTED, "--muted", 'm'),
    Swatch {
        name: "PAPER",
        hex: PAPER,
        code: 'p',
        dark: Dark::Attr {
            var: "--bg",
            fill: true,
            stroke: false,
        },
    },
    Swatch {
        name: "GRID",
        hex: GRID,
        code: 'g',
        dark: Dark::Attr {
            var: "--line",
            fill: false,
            stroke: true,
        },
    },
    by_class("LINE", LINE, 'l'),
    by_class("OUTLINE", OUTLINE, 'o'),
    by_class("PARAM_FILL", PARAM_FILL, 'q'),
    by_class("PANEL", PANEL, 'c'),
    by_class("MODULE_FILL", MODULE_FILL, 'u'),
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

/// The page's colours a figure is drawn in, light and dark: the custom
/// properties of `templates/style.css`'s `:root` blocks that the frame
/// rules ([`frame_rules`]) read. A unit test checks that style.css gives
/// each the same value; standalone SVG files shown through `<img>` carry
/// them ([`image_css`]), so a frame looks the same inline and as an image.
pub const PAGE_VARS: [(&str, &str, &str); 8] = [
    ("--bg", "#fdfcf9", "#15171a"),
    ("--fg", "#1c1d20", "#e7e5e0"),
    ("--muted", "#585a63", "#a4a6ae"),
    ("--line", "#d6d2c8", "#3b3f46"),
    ("--panel", "#f3f1eb", "#1f2227"),
    ("--fwd", "#1a56c4", "#86b3ff"),
    ("--bwd", "#b93d0a", "#ff9b5e"),
    ("--edge", "#7a7871", "#7d818a"),
];

/// The dark-mode rules for colours matched by value ([`Dark::Attr`]),
/// each selector prefixed by `scope` (`".fig svg "` in the page, nothing
/// in a standalone file), one line per colour, indented by two spaces.
/// With `lean`, each rule also matches the lean class that stands for the
/// attribute ([`lean_class`]), with the same weight: a lean still turns dark
/// exactly as its standalone twin does.
fn attr_rules(scope: &str, lean: bool) -> String {
    let mut css = String::new();
    for s in &PALETTE {
        let Dark::Attr { var, fill, stroke } = s.dark else {
            continue;
        };
        let mut rules = Vec::new();
        for (on, prop, letter) in [(fill, "fill", 'f'), (stroke, "stroke", 's')] {
            if on {
                let class = if lean {
                    format!(", {scope}.{letter}{}", s.code)
                } else {
                    String::new()
                };
                rules.push(format!(
                    "{scope}[{prop}=\"{}\"]{class} {{ {prop}: var({var}); }}",
                    s.hex
                ));
            }
        }
        let _ = writeln!(css, "  {}", rules.join(" "));
    }
    css
}

/// The dark-mode rules of `templates/style.css` for colours matched by
/// value ([`Dark::Attr`]) or by the lean class standing for them: the file
/// must contain this block verbatim.
pub fn dark_mode_css() -> String {
    format!(
        "@media (prefers-color-scheme: dark) {{\n{}}}\n",
        attr_rules(".fig svg ", true)
    )
}

/// Stroke widths, dash patterns and font sizes a lean still writes as
/// classes ([`lean_class`]); any other value stays an attribute.
const LEAN_WIDTHS: [&str; 9] = ["0.8", "1", "1.2", "1.4", "1.5", "1.8", "2", "2.5", "3"];
const LEAN_DASHES: [&str; 6] = ["1 3", "2 3", "3 3", "4 3", "5 3", "6 4"];
const LEAN_SIZES: [&str; 4] = ["11", "12", "13", "14"];

/// The class a lean still (inline in the page, see
/// [`crate::render::svg::lean`]) writes instead of the presentation
/// attribute `attr="value"`, or `None` when it keeps the attribute (a
/// colour outside the palette, an unusual width). The page's stylesheet
/// gives each class the attribute's value with no weight at all
/// ([`lean_css`]: `:where(.fi) { fill: #0f172a; }`), so that, like the
/// attribute, it loses to every other rule; in dark mode the palette's
/// colours are matched by class beside the attribute ([`dark_mode_css`]).
pub fn lean_class(attr: &str, value: &str) -> Option<String> {
    let code = |v: &str| -> String { v.replace('.', "_").replace(' ', "-") };
    match attr {
        "fill" | "stroke" => {
            let letter = &attr[..1];
            if value == "none" {
                return Some(format!("{letter}x"));
            }
            PALETTE
                .iter()
                .find(|s| s.hex == value)
                .map(|s| format!("{letter}{}", s.code))
        }
        "stroke-width" => LEAN_WIDTHS
            .contains(&value)
            .then(|| format!("w{}", code(value))),
        "stroke-dasharray" => LEAN_DASHES
            .contains(&value)
            .then(|| format!("d{}", code(value))),
        "font-size" => LEAN_SIZES.contains(&value).then(|| format!("z{value}")),
        "text-anchor" => match value {
            "middle" => Some("am".into()),
            "end" => Some("ae".into()),
            _ => None,
        },
        "font-weight" => (value == "bold").then(|| "bo".into()),
        _ => None,
    }
}

/// Whether a lean still may leave out `attr` on a `tag` element of
/// `classes` altogether: a frame rule ([`frame_rules`], unconditional and
/// without ancestors) sets that property on it, so the attribute never
/// shows, in any mode, inline or in a `<use>` clone. A palette colour the
/// dark block matches by value ([`Dark::Attr`]) is kept as its class
/// instead, since there the match itself takes part in the cascade.
pub fn lean_drops(tag: &str, classes: &[&str], attr: &str, value: &str) -> bool {
    let by_value = PALETTE.iter().any(|s| {
        s.hex == value
            && matches!(s.dark, Dark::Attr { fill, stroke, .. }
                if (attr == "fill" && fill) || (attr == "stroke" && stroke))
    });
    !by_value
        && frame_selectors().iter().any(|(t, cs, props)| {
            *t == tag && cs.iter().all(|c| classes.contains(c)) && props.contains(&attr)
        })
}

/// A selector `element.class.class` and the properties its rule sets.
type Selector = (&'static str, Vec<&'static str>, Vec<&'static str>);

/// The selectors of [`frame_rules`].
fn frame_selectors() -> &'static [Selector] {
    static SELECTORS: std::sync::OnceLock<Vec<Selector>> = std::sync::OnceLock::new();
    SELECTORS.get_or_init(|| {
        let mut all = Vec::new();
        let mut rest = frame_rules();
        while let Some(open) = rest.find('{') {
            let close = open + rest[open..].find('}').expect("a closed rule");
            let props: Vec<&str> = rest[open + 1..close]
                .split(';')
                .filter_map(|d| d.split_once(':').map(|(p, _)| p.trim()))
                .collect();
            for sel in rest[..open].split(',') {
                let mut parts = sel.trim().split('.');
                let tag = parts.next().unwrap_or_default();
                all.push((tag, parts.collect(), props.clone()));
            }
            rest = &rest[close + 1..];
        }
        all
    })
}

/// Every lean class and the declaration it stands for.
fn lean_classes() -> Vec<(String, String)> {
    let mut all = Vec::new();
    for prop in ["fill", "stroke"] {
        for s in &PALETTE {
            all.push((prop, s.hex.to_string(), format!("{prop}: {};", s.hex)));
        }
        all.push((prop, "none".into(), format!("{prop}: none;")));
    }
    for w in LEAN_WIDTHS {
        all.push(("stroke-width", w.into(), format!("stroke-width: {w};")));
    }
    for d in LEAN_DASHES {
        all.push((
            "stroke-dasharray",
            d.into(),
            format!("stroke-dasharray: {d};"),
        ));
    }
    for z in LEAN_SIZES {
        all.push(("font-size", z.into(), format!("font-size: {z}px;")));
    }
    all.push((
        "text-anchor",
        "middle".into(),
        "text-anchor: middle;".into(),
    ));
    all.push(("text-anchor", "end".into(), "text-anchor: end;".into()));
    all.push(("font-weight", "bold".into(), "font-weight: bold;".into()));
    all.into_iter()
        .map(|(attr, value, decl)| {
            let class = lean_class(attr, &value).expect("every listed value has a class");
            (class, decl)
        })
        .collect()
}

/// The rules of the lean classes ([`lean_class`]), one per line:
/// `templates/style.css` carries this block verbatim. `:where()` gives
/// them no weight, as a presentation attribute has none, and they have no
/// ancestor part, so they reach the clones inside a `<use>` as the
/// attributes did.
pub fn lean_css() -> String {
    let mut css = String::new();
    for (class, decl) in lean_classes() {
        let _ = writeln!(css, ":where(.{class}) {{ {decl} }}");
    }
    css
}

/// The rules that draw a trace's lean frames and a training figure's
/// snapshots in the page's palette (custom properties, [`PAGE_VARS`]).
/// Selectors are `element.class` with no ancestor part: rules with
/// ancestors do not reach the clones inside a `<use>`, and these never
/// match HTML. `templates/style.css` must contain this block verbatim (a
/// unit test says so); standalone files carry it in [`image_css`].
pub fn frame_rules() -> &'static str {
    "rect.paper { fill: var(--panel); }
text.caption, text.label { font-size: 13px; font-weight: bold; }
text.label, text.value, text.caption { fill: var(--fg); }
text.label, text.value, text.grad, text.edge-label-text { text-anchor: middle; }
text.value, text.grad, text.edge-label-text { font-size: 12px; }
text.value.unknown { fill: var(--muted); }
text.grad.sum { font-weight: bold; }
text.grad, text.edge-label-text, text.caption.bw { fill: var(--bwd); }
text.caption.fw { fill: var(--fwd); }
rect.node { fill: var(--bg); stroke: var(--muted); stroke-width: 1.2; }
rect.node.param { fill: color-mix(in srgb, var(--fwd) 10%, var(--bg)); }
rect.node.module { fill: color-mix(in srgb, var(--fg) 6%, var(--bg)); }
rect.node.const { stroke-dasharray: 4 3; }
rect.node-inner { fill: none; stroke: var(--muted); stroke-width: .8; }
rect.node-bar { fill: var(--muted); }
rect.halo { fill: none; stroke: var(--fg); stroke-width: 1.2; stroke-dasharray: 3 3; }
rect.outline { fill: none; stroke: var(--fg); stroke-width: 2.5; }
rect.node.active { stroke: var(--fg); }
rect.edge-label { fill: var(--bg); stroke: var(--bwd); stroke-width: 1; }
path.edge { fill: none; stroke: var(--edge); stroke-width: 1.4; }
polygon.arrow { fill: var(--edge); }
path.edge.const { stroke-dasharray: 2 3; }
text.label.const { fill: var(--muted); }
path.edge.active { stroke-width: 2.5; }
path.edge.fw.active { stroke: var(--fwd); }
polygon.arrow.fw.active { fill: var(--fwd); }
path.edge.bw { stroke: var(--bwd); stroke-dasharray: 6 4; }
polygon.arrow.bw.active { fill: var(--bwd); }
line.tr-grid { stroke: var(--line); }
line.tr-mut { stroke: var(--muted); } text.tr-mut { fill: var(--muted); }
line.tr-ink, path.tr-ink { stroke: var(--fg); } text.tr-ink, circle.tr-ink { fill: var(--fg); }
circle.tr-fwd, rect.tr-fwd, line.tr-fwd { fill: var(--fwd); stroke: var(--fwd); }
rect.tr-bwd { fill: var(--bwd); stroke: var(--bwd); } rect.tr-tint { fill: var(--bwd); }
rect.tr-hollow { fill: var(--bg); stroke: var(--bwd); }
rect.tr-paper { fill: var(--bg); }
"
}

/// Rules for the stills (plots, rule cards, graph pictures) beyond the
/// frame rules: `(selectors under the drawing's root, declarations)`.
/// `STILL_RULES_BEFORE` come before the dark-mode rules for presentation
/// colours, `STILL_RULES_AFTER` after them (they win over them).
const STILL_RULES_BEFORE: [(&[&str], &str); 6] = [
    (&[""], "color: var(--fg);"),
    (&[".fwd"], "fill: var(--fwd);"),
    (&[".bwd"], "fill: var(--bwd);"),
    (&[".ln"], "stroke: var(--muted); fill: none;"),
    (&[".box"], "fill: var(--panel); stroke: var(--line);"),
    (&[".mut"], "fill: var(--muted);"),
];
const STILL_RULES_AFTER: [(&[&str], &str); 5] = [
    (&[".rule-rows"], "fill: var(--bg); stroke: var(--line);"),
    (&[".rule-forward", ".rule-local"], "fill: var(--fg);"),
    (
        &[".rule-upstream", ".rule-contribution"],
        "fill: var(--bwd);",
    ),
    (&[".op-symbol"], "fill: var(--fg);"),
    (&[".upstream"], "fill: var(--bwd);"),
];

/// The still rules, one per line, each selector under `root` (`.fig svg`
/// in the page, `svg` in a standalone file).
fn still_rules(rules: &[(&[&str], &str)], root: &str) -> String {
    let mut css = String::new();
    for (selectors, decl) in rules {
        let sel: Vec<String> = selectors
            .iter()
            .map(|s| {
                if s.is_empty() {
                    root.to_string()
                } else {
                    format!("{root} {s}")
                }
            })
            .collect();
        let _ = writeln!(css, "{} {{ {decl} }}", sel.join(", "));
    }
    css
}

/// The page's still rules before the dark-mode block ([`dark_mode_css`]):
/// `templates/style.css` carries this block verbatim.
pub fn still_css_before() -> String {
    still_rules(&STILL_RULES_BEFORE, ".fig svg")
}

/// The page's still rules after the dark-mode block: `templates/style.css`
/// carries this block verbatim.
pub fn still_css_after() -> String {
    still_rules(&STILL_RULES_AFTER, ".fig svg")
}

/// The custom properties of [`PAGE_VARS`] in one mode, as declarations.
fn vars(dark: bool) -> String {
    PAGE_VARS
        .iter()
        .map(|(var, light, d)| format!("{var}: {};", if dark { d } else { light }))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The stylesheet of a standalone SVG file that the page shows through
/// `<img>` (a trace's frames, a training figure's snapshots) and offers as
/// a download: the page's palette in light and dark mode ([`PAGE_VARS`]),
/// the page's frame rules ([`frame_rules`]) and its dark-mode rules for
/// presentation colours. An image cannot read the page's stylesheet, so it
/// carries its own; a `<style>` element is fine there, as the file is
/// never inlined (the page's CSP governs the page, not the image). The
/// image follows the reader's colour scheme by itself, as the page does.
pub fn image_css() -> String {
    format!(
        ":root {{ {} }}\n{}@media (prefers-color-scheme: dark) {{\n  :root {{ {} }}\n{}}}\n{}text {{ font-family: {FONT}; }}\n{}",
        vars(false),
        still_rules(&STILL_RULES_BEFORE, "svg"),
        vars(true),
        attr_rules("", false),
        still_rules(&STILL_RULES_AFTER, "svg"),
        frame_rules()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// WCAG's contrast ratio of two `#rrggbb` colours.
    fn contrast(a: &str, b: &str) -> f64 {
        let lum = |h: &str| {
            let c = |i: usize| {
                let v = u8::from_str_radix(&h[i..i + 2], 16).unwrap() as f64 / 255.0;
                if v <= 0.03928 {
                    v / 12.92
                } else {
                    ((v + 0.055) / 1.055).powf(2.4)
                }
            };
            0.2126 * c(1) + 0.7152 * c(3) + 0.0722 * c(5)
        };
        let (x, y) = (lum(a), lum(b));
        (x.max(y) + 0.05) / (x.min(y) + 0.05)
    }

    fn page_var(name: &str, dark: bool) -> &'static str {
        let v = PAGE_VARS.iter().find(|v| v.0 == name).unwrap();
        if dark { v.2 } else { v.1 }
    }

    /// Every colour figure text is drawn in, against everything it can lie
    /// on, in light and in dark mode: at least 4.5:1 (WCAG 1.4.3 for text
    /// of 11–14 px). Light: the presentation colours, and the page colours
    /// the frame rules give text, on the paper, the panel, a param's and a
    /// module's fill, and the page's background and panel (a frame's paper
    /// is drawn in the page's panel). Dark: the page's dark colours on its
    /// dark background and panel. `tests/it/contrast.rs` checks that no
    /// figure draws text in another colour.
    #[test]
    fn figure_text_has_at_least_4_5_to_1_against_what_lies_under_it() {
        let mut low = Vec::new();
        for dark in [false, true] {
            let texts: Vec<&str> = if dark {
                ["--fg", "--muted", "--fwd", "--bwd"]
                    .map(|v| page_var(v, true))
                    .to_vec()
            } else {
                let mut t = vec![INK, FORWARD, BACKWARD, MUTED];
                t.extend(["--fg", "--muted", "--fwd", "--bwd"].map(|v| page_var(v, false)));
                t
            };
            let grounds: Vec<&str> = if dark {
                vec![page_var("--bg", true), page_var("--panel", true)]
            } else {
                vec![
                    PAPER,
                    PANEL,
                    PARAM_FILL,
                    MODULE_FILL,
                    page_var("--bg", false),
                    page_var("--panel", false),
                ]
            };
            for t in &texts {
                for g in &grounds {
                    let c = contrast(t, g);
                    if c < 4.5 {
                        low.push(format!("{t} on {g}: {c:.2} (dark: {dark})"));
                    }
                }
            }
        }
        assert!(low.is_empty(), "{}", low.join("\n"));
        // The check itself: the old muted grey on the page's panel failed.
        assert!(contrast("#64748b", "#f3f1eb") < 4.5);
    }

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
    fn image_css_uses_only_palette_and_page_colours() {
        let css = image_css();
        let used = hexes(&css);
        assert!(used.len() > 10);
        for hex in used {
            assert!(
                in_palette(hex) || PAGE_VARS.iter().any(|v| v.1 == hex || v.2 == hex),
                "{hex} is neither in the palette nor a page colour"
            );
        }
        // Both modes, from the table: the light values first, the dark
        // ones inside the media query, with the attribute rules.
        let dark = css.find("@media (prefers-color-scheme: dark)").unwrap();
        for (var, light, d) in PAGE_VARS {
            assert!(css[..dark].contains(&format!("{var}: {light};")), "{var}");
            assert!(css[dark..].contains(&format!("{var}: {d};")), "{var}");
        }
        assert!(css[dark..].contains("[fill=\"#0f172a\"] { fill: var(--fg); }"));
        assert!(css.contains(frame_rules()));
    }

    /// The declarations of the first `:root { … }` block after `from` in
    /// style.css.
    fn root_block(from: usize) -> &'static str {
        let at = from + STYLE[from..].find(":root {").unwrap();
        &STYLE[at..at + STYLE[at..].find('}').unwrap()]
    }

    #[test]
    fn style_css_gives_the_page_colours_of_the_table() {
        let light = root_block(0);
        let dark = root_block(STYLE.find("@media (prefers-color-scheme: dark)").unwrap());
        for (var, l, d) in PAGE_VARS {
            assert!(
                light.contains(&format!("{var}: {l};")),
                "templates/style.css's :root gives {var} another value than theme::PAGE_VARS ({l})"
            );
            assert!(
                dark.contains(&format!("{var}: {d};")),
                "templates/style.css's dark :root gives {var} another value than theme::PAGE_VARS ({d})"
            );
        }
    }

    #[test]
    fn style_css_carries_the_still_rules_around_the_dark_block() {
        let (before, after) = (still_css_before(), still_css_after());
        let dark = STYLE.find(&dark_mode_css()).expect("the dark block");
        assert!(
            STYLE[..dark].contains(&before),
            "templates/style.css must carry, before its dark block:\n{before}"
        );
        assert!(
            STYLE[dark..].contains(&after),
            "templates/style.css must carry, after its dark block:\n{after}"
        );
        let css = image_css();
        let d = css.find("@media (prefers-color-scheme: dark)").unwrap();
        assert!(css[..d].contains("svg .fwd { fill: var(--fwd); }"));
        assert!(css[d..].contains("svg .rule-rows { fill: var(--bg); stroke: var(--line); }"));
    }

    #[test]
    fn style_css_carries_the_lean_classes() {
        assert!(
            STYLE.contains(&lean_css()),
            "templates/style.css must carry theme::lean_css() verbatim (the rules of the classes \
             that stand for presentation attributes in the page's inline stills):\n{}",
            lean_css()
        );
        // Classes are distinct, and none is also a class of the page's
        // markup or of a drawing's own vocabulary.
        let classes: Vec<String> = lean_classes().into_iter().map(|c| c.0).collect();
        let rest = STYLE.replace(&lean_css(), "").replace(&dark_mode_css(), "");
        for (i, c) in classes.iter().enumerate() {
            assert!(!classes[..i].contains(c), "{c} twice");
            let dotted = format!(".{c}");
            assert!(
                rest.match_indices(&dotted)
                    .all(|(at, _)| rest[at + dotted.len()..]
                        .starts_with(|ch: char| ch.is_ascii_alphanumeric()
                            || ch == '-'
                            || ch == '_')),
                "the lean class {c} is also a class style.css styles"
            );
        }
        assert_eq!(lean_class("fill", INK).as_deref(), Some("fi"));
        assert_eq!(lean_class("stroke-width", "1.5").as_deref(), Some("w1_5"));
        assert_eq!(lean_class("fill", "#123456"), None);
        // A frame rule sets text-anchor on text.label: the attribute goes;
        // the palette colour the dark block matches by value stays a class.
        assert!(lean_drops("text", &["label"], "text-anchor", "middle"));
        assert!(!lean_drops("text", &["label"], "fill", INK));
        assert!(!lean_drops("text", &["legend"], "font-size", "12"));
    }

    #[test]
    fn style_css_carries_the_frame_rules() {
        assert!(
            STYLE.contains(frame_rules()),
            "templates/style.css must carry theme::frame_rules() verbatim (the rules standalone \
             frames carry too):\n{}",
            frame_rules()
        );
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
