//! A small deterministic SVG writer (one element per line, attributes in the
//! order given, numbers quantised to 0.1 so no float noise reaches a file)
//! and the drawing primitives every frame, figure and plot calls: text,
//! line, rect, polyline, marker, arrow, and the accessible root.
//!
//! Colours are presentation attributes (so a standalone file or a PNG looks
//! right) and every element also carries a class, so the site's stylesheet
//! can restyle inline SVG for dark mode.

use std::fmt::Write;

use super::theme::{EM, EM_BOLD, FONT, PAPER, lean_class, lean_drops, text_w};
use crate::layout::Point;
use crate::util::{esc, esc_into};

/// A coordinate, rounded to one decimal, without `-0` or trailing `.0`.
/// Integer arithmetic, not float formatting: frames hold thousands of
/// coordinates, and `format!("{:.1}")` was the build's hottest spot.
pub fn n(v: f64) -> String {
    if !v.is_finite() {
        return "0".into();
    }
    let tenths = (v * 10.0).round() as i64;
    let mut out = String::with_capacity(8);
    if tenths < 0 {
        out.push('-');
    }
    let a = tenths.unsigned_abs();
    // The whole part's digits, last first, then the tenth unless it is 0.
    let mut digits = [0u8; 20];
    let (mut whole, mut k) = (a / 10, digits.len());
    loop {
        k -= 1;
        digits[k] = b'0' + (whole % 10) as u8;
        whole /= 10;
        if whole == 0 {
            break;
        }
    }
    out.extend(digits[k..].iter().map(|&d| d as char));
    let tenth = (a % 10) as u8;
    if tenth != 0 {
        out.push('.');
        out.push((b'0' + tenth) as char);
    }
    out
}

/// An SVG document being written.
pub struct Svg {
    out: String,
    depth: usize,
    lean: bool,
    /// The lean copy, written element by element beside `out` when asked
    /// for ([`Mode::WithLeanCopy`]).
    copy: Option<String>,
    /// What a page needs to know of the drawing without reading it again
    /// ([`Drawing`]): where the root's line ends, its size, its title and
    /// description (as written, escaped).
    root_end: Option<usize>,
    size: (String, String),
    title: Option<String>,
    desc: Option<String>,
}

/// Presentation attributes that a lean SVG leaves to the stylesheet.
pub const PRESENTATION: [&str; 8] = [
    "fill",
    "stroke",
    "stroke-width",
    "stroke-dasharray",
    "font-size",
    "font-weight",
    "text-anchor",
    "font-family",
];

impl Svg {
    /// Opens the root `<svg>`; `standalone` adds the XML namespace needed
    /// outside HTML (it is harmless inline too, so it is always written).
    pub fn new(width: f64, height: f64, attrs: &[(&str, &str)]) -> Self {
        Svg::with_root(width, height, attrs, false)
    }

    /// [`Svg::new`], writing the lean copy too when `copy` (see
    /// [`Mode::WithLeanCopy`]).
    fn with_root(width: f64, height: f64, attrs: &[(&str, &str)], copy: bool) -> Self {
        Svg::with_root_at(None, (width, height), attrs, copy)
    }

    /// [`Svg::with_root`], the root placed at `y` when given (its first
    /// attribute): a frame nested in a filmstrip, one under another.
    fn with_root_at(
        y: Option<f64>,
        (width, height): (f64, f64),
        attrs: &[(&str, &str)],
        copy: bool,
    ) -> Self {
        let w = n(width);
        let h = n(height);
        let mut s = Svg {
            size: (w.clone(), h.clone()),
            copy: copy.then(String::new),
            ..Svg::fragment(0, false)
        };
        let vb = format!("0 0 {w} {h}");
        let y = y.map(n);
        let mut all: Vec<(&str, &str)> = y.iter().map(|y| ("y", y.as_str())).collect();
        all.extend([
            ("xmlns", "http://www.w3.org/2000/svg"),
            ("viewBox", &vb),
            ("width", &w),
            ("height", &h),
        ]);
        all.extend_from_slice(attrs);
        s.open("svg", &all);
        s
    }

    /// A part of a document, written on its own at `depth` (no root), to
    /// be put into one with [`Svg::raw_block`].
    pub fn fragment(depth: usize, lean: bool) -> Self {
        Svg {
            out: String::new(),
            depth,
            lean,
            copy: None,
            root_end: None,
            size: (String::new(), String::new()),
            title: None,
            desc: None,
        }
    }

    /// How deep the next element is nested.
    pub fn depth(&self) -> usize {
        self.depth
    }

    /// What was written so far, without closing anything.
    pub fn take(self) -> String {
        self.out
    }

    /// Lines already written and indented (a [`Svg::fragment`]).
    pub fn raw_block(&mut self, lines: &str) {
        self.out.push_str(lines);
    }

    /// A lean SVG omits presentation attributes (colours, strokes, fonts):
    /// for SVG inlined into a page whose stylesheet styles it by class.
    pub fn set_lean(&mut self, lean: bool) {
        self.lean = lean;
    }

    fn indent(&mut self) {
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
    }

    fn tag(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.indent();
        let root = self.root_end.is_none() && self.depth == 0 && name == "svg";
        if let Some(copy) = &mut self.copy {
            copy.push_str(&"  ".repeat(self.depth));
            copy.push_str(&lean_tag(name, attrs, root));
        }
        self.out.push('<');
        self.out.push_str(name);
        for (k, v) in attrs {
            if self.lean && PRESENTATION.contains(k) {
                continue;
            }
            self.out.push(' ');
            self.out.push_str(k);
            self.out.push_str("=\"");
            esc_into(&mut self.out, v);
            self.out.push('"');
        }
    }

    /// Ends the line of the element just opened (`end`: `>`, `/>` or
    /// `>text</name>`), in the drawing and its lean copy.
    fn end_tag(&mut self, end: &str) {
        self.out.push_str(end);
        self.out.push('\n');
        if let Some(copy) = &mut self.copy {
            copy.push_str(end);
            copy.push('\n');
        }
        if self.root_end.is_none() && self.depth == 0 {
            self.root_end = Some(self.out.len());
        }
    }

    /// Pushes `text` to the drawing and its lean copy.
    fn push_both(&mut self, text: &str) {
        self.out.push_str(text);
        if let Some(copy) = &mut self.copy {
            copy.push_str(text);
        }
    }

    /// `<name attrs>`, children follow until [`Svg::close`].
    pub fn open(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.tag(name, attrs);
        self.end_tag(">");
        self.depth += 1;
    }

    pub fn close(&mut self, name: &str) {
        self.depth = self.depth.saturating_sub(1);
        self.indent();
        self.push_both(&format!("</{name}>\n"));
    }

    /// A line of already-written SVG, indented at the current depth (the
    /// lean copy gets it as it is).
    pub fn raw_line(&mut self, line: &str) {
        self.indent();
        self.push_both(line);
        self.push_both("\n");
    }

    /// `<name attrs/>`.
    pub fn empty(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.tag(name, attrs);
        self.end_tag("/>");
    }

    /// `<name attrs>text</name>` on one line. The root's `<title>` and
    /// `<desc>` are kept for [`Drawing`].
    pub fn text(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) {
        self.tag(name, attrs);
        let text = esc(text);
        if self.depth == 1 {
            match name {
                "title" if self.title.is_none() => self.title = Some(text.clone()),
                "desc" if self.desc.is_none() => self.desc = Some(text.clone()),
                _ => {}
            }
        }
        self.end_tag(&format!(">{text}</{name}>"));
    }

    pub fn finish(self) -> String {
        self.drawing().svg
    }

    /// The drawing, closed, with its lean copy when one was kept.
    pub fn drawing(mut self) -> Drawing {
        while self.depth > 0 {
            self.close("svg");
        }
        Drawing {
            svg: self.out,
            lean: self.copy,
            root_end: self.root_end.unwrap_or(0),
            size: self.size,
            title: self.title,
            desc: self.desc,
        }
    }
}

/// A finished drawing, kept with what a page needs of it, so that each
/// way of writing it is one serialisation, not a rewrite of the text:
/// the standalone file ([`Drawing::standalone`]), the lean inline copy
/// ([`Drawing::lean`]) and a lazily loaded image of its file
/// ([`Drawing::img`]). It reads as its SVG text (`Deref<Target = str>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drawing {
    svg: String,
    lean: Option<String>,
    root_end: usize,
    size: (String, String),
    title: Option<String>,
    desc: Option<String>,
}

impl std::ops::Deref for Drawing {
    type Target = str;
    fn deref(&self) -> &str {
        &self.svg
    }
}

impl From<Drawing> for String {
    fn from(d: Drawing) -> String {
        d.svg
    }
}

impl std::fmt::Display for Drawing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.svg)
    }
}

impl Drawing {
    /// The lean copy ([`Mode::WithLeanCopy`]), or the drawing itself when
    /// none was kept.
    pub fn lean(&self) -> &str {
        self.lean.as_deref().unwrap_or(&self.svg)
    }

    /// The standalone file: the drawing with the stylesheet of an image
    /// ([`super::theme::image_css`]: the page's palette and dark mode)
    /// right after its root element.
    pub fn standalone(&self) -> String {
        let css = super::theme::image_css();
        let mut out = String::with_capacity(self.svg.len() + css.len() + 64);
        out.push_str(&self.svg[..self.root_end]);
        out.push_str("  <style>\n");
        for line in css.lines() {
            out.push_str("    ");
            out.push_str(line);
            out.push('\n');
        }
        out.push_str("  </style>\n");
        out.push_str(&self.svg[self.root_end..]);
        out
    }

    /// Its natural size, as written on the root: (width, height).
    pub fn size(&self) -> (&str, &str) {
        (&self.size.0, &self.size.1)
    }

    /// A lazily loaded image of the drawing's file at `src`, of class
    /// `class`: its accessible name (`alt`) is the title, then the
    /// description, which an inline drawing gives as its name and its
    /// description; its size the drawing's natural size.
    pub fn img(&self, class: &str, src: &str) -> String {
        let alt = [self.title.as_deref(), self.desc.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        format!(
            "<img class=\"{class}\" src=\"{}\" alt=\"{}\" width=\"{}\" height=\"{}\" loading=\"lazy\">\n",
            esc(src),
            alt.replace('"', "&quot;"),
            if self.size.0.is_empty() {
                "0"
            } else {
                &self.size.0
            },
            if self.size.1.is_empty() {
                "0"
            } else {
                &self.size.1
            },
        )
    }
}

/// One element's opening as the lean copy writes it (up to, not
/// including, the end of its tag): the root without its font; any other
/// element with its presentation attributes as lean classes, or dropped
/// where a frame rule of the page always overrides them.
fn lean_tag(name: &str, attrs: &[(&str, &str)], root: bool) -> String {
    let mut out = String::with_capacity(64);
    out.push('<');
    out.push_str(name);
    if root {
        let mut font = false;
        for (k, v) in attrs {
            if !font && *k == "font-family" && *v == FONT {
                font = true;
                continue;
            }
            let _ = write!(out, " {k}=\"{}\"", esc(v));
        }
        return out;
    }
    let own: Vec<&str> = attrs
        .iter()
        .find(|(k, _)| *k == "class")
        .map_or(Vec::new(), |(_, v)| v.split(' ').collect());
    let mut classes = Vec::new();
    let mut kept: Vec<(&str, String)> = Vec::new();
    for &(k, v) in attrs {
        if PRESENTATION.contains(&k) && lean_drops(name, &own, k, v) {
            continue;
        }
        match PRESENTATION
            .contains(&k)
            .then(|| lean_class(k, v))
            .flatten()
        {
            Some(class) => classes.push(class),
            None => kept.push((k, esc(v))),
        }
    }
    if !classes.is_empty() {
        match kept.iter_mut().find(|(k, _)| *k == "class") {
            Some((_, v)) => {
                v.push(' ');
                v.push_str(&classes.join(" "));
            }
            None => kept.push(("class", classes.join(" "))),
        }
    }
    for (k, v) in kept {
        let _ = write!(out, " {k}=\"{v}\"");
    }
    out
}

/// How a drawing is written. `WithLeanCopy` writes its lean copy too,
/// element by element, for a
/// page whose stylesheet carries the lean classes
/// ([`super::theme::lean_css`]): every presentation attribute below the
/// root becomes the class that stands for it, added to the element's
/// own classes, or goes when a frame rule of the page always overrides
/// it ([`super::theme::lean_drops`]); the root keeps its attributes but
/// its font, which the page's `.fig svg` rule sets. An attribute
/// without a lean class (a colour outside the palette) stays. The
/// standalone file keeps its attributes (it cannot read the page's
/// stylesheet); the page inlines this copy ([`Drawing::lean`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// With its presentation attributes: a file, a PNG.
    Full,
    /// Without them, for a page whose stylesheet styles it by class.
    Lean,
    /// Full, with its lean copy kept beside it ([`Drawing::lean`]).
    WithLeanCopy,
}

/// Opens an accessible image: the root with `role="img"`, named by its
/// `<title>` (`aria-labelledby`) and, when given, described by its `<desc>`
/// (`aria-describedby`; each `(id, text)`).
/// `lean` leaves presentation attributes to the stylesheet, the root's
/// `font-family` included (the page's `.fig svg` rule sets it).
pub fn open_img(
    size: (f64, f64),
    class: &str,
    title: (&str, &str),
    desc: Option<(&str, &str)>,
    mode: Mode,
) -> Svg {
    open_img_at(None, size, class, title, desc, mode)
}

/// [`open_img`], the root placed at `y` when given: a frame of a filmstrip,
/// stacked under the frames before it.
pub fn open_img_at(
    y: Option<f64>,
    (width, height): (f64, f64),
    class: &str,
    (title_id, title): (&str, &str),
    desc: Option<(&str, &str)>,
    mode: Mode,
) -> Svg {
    let lean = mode == Mode::Lean;
    // Named by the title alone and described by the desc: a name that took
    // in the desc too was read twice, once as the name and again as the
    // description a screen reader finds in <desc> (issue 24 item 6).
    let mut attrs = vec![("role", "img"), ("aria-labelledby", title_id)];
    if let Some((desc_id, _)) = desc {
        attrs.push(("aria-describedby", desc_id));
    }
    attrs.push(("class", class));
    if !lean {
        attrs.push(("font-family", FONT));
    }
    let mut svg = Svg::with_root_at(y, (width, height), &attrs, mode == Mode::WithLeanCopy);
    svg.set_lean(lean);
    svg.text("title", &[("id", title_id)], title);
    if let Some((desc_id, desc)) = desc {
        svg.text("desc", &[("id", desc_id)], desc);
    }
    svg
}

/// The background: a paper rectangle over the whole `width` × `height`.
pub fn paper(svg: &mut Svg, width: f64, height: f64) {
    let (w, h) = (n(width), n(height));
    svg.empty(
        "rect",
        &[
            ("class", "paper"),
            ("width", &w),
            ("height", &h),
            ("fill", PAPER),
        ],
    );
}

/// A point.
pub fn p(x: f64, y: f64) -> Point {
    Point { x, y }
}

/// Text attributes: size, colour, anchor, weight.
#[derive(Clone, Copy)]
pub struct Font {
    pub size: f64,
    pub fill: &'static str,
    pub anchor: &'static str,
    pub bold: bool,
}

/// Regular text of `size` in `fill`, anchored at its start.
pub const fn font(size: f64, fill: &'static str) -> Font {
    Font {
        size,
        fill,
        anchor: "start",
        bold: false,
    }
}

impl Font {
    pub const fn mid(self) -> Font {
        Font {
            anchor: "middle",
            ..self
        }
    }
    pub const fn end(self) -> Font {
        Font {
            anchor: "end",
            ..self
        }
    }
    pub const fn bold(self) -> Font {
        Font { bold: true, ..self }
    }
    /// Estimated width of `s`, from the theme's average advance, so boxes
    /// are sized without measuring fonts.
    pub fn width(self, s: &str) -> f64 {
        text_w(s, self.size) * if self.bold { EM_BOLD } else { EM }
    }
}

/// One line of text at `(x, y)`.
pub fn text(svg: &mut Svg, class: &str, x: f64, y: f64, f: Font, s: &str) {
    let (xs, ys, size) = (n(x), n(y), n(f.size));
    let mut attrs = vec![
        ("class", class),
        ("x", xs.as_str()),
        ("y", ys.as_str()),
        ("font-size", size.as_str()),
        ("fill", f.fill),
    ];
    if f.anchor != "start" {
        attrs.push(("text-anchor", f.anchor));
    }
    if f.bold {
        attrs.push(("font-weight", "bold"));
    }
    svg.text("text", &attrs, s);
}

/// A straight line from `a` to `b`; `dash` empty for a solid one.
pub fn line(svg: &mut Svg, class: &str, a: Point, b: Point, stroke: &str, width: &str, dash: &str) {
    let (x1, y1, x2, y2) = (n(a.x), n(a.y), n(b.x), n(b.y));
    let mut attrs = vec![
        ("class", class),
        ("x1", x1.as_str()),
        ("y1", y1.as_str()),
        ("x2", x2.as_str()),
        ("y2", y2.as_str()),
        ("stroke", stroke),
        ("stroke-width", width),
    ];
    if !dash.is_empty() {
        attrs.push(("stroke-dasharray", dash));
    }
    svg.empty("line", &attrs);
}

/// A rectangle `(x, y, width, height)`, with a 1px outline unless `stroke`
/// is empty.
pub fn rect(
    svg: &mut Svg,
    class: &str,
    (x, y, w, h): (f64, f64, f64, f64),
    fill: &str,
    stroke: &str,
) {
    let (xs, ys, ws, hs) = (n(x), n(y), n(w), n(h));
    let mut attrs = vec![
        ("class", class),
        ("x", xs.as_str()),
        ("y", ys.as_str()),
        ("width", ws.as_str()),
        ("height", hs.as_str()),
        ("fill", fill),
    ];
    if !stroke.is_empty() {
        attrs.push(("stroke", stroke));
        attrs.push(("stroke-width", "1"));
    }
    svg.empty("rect", &attrs);
}

/// A rounded rectangle `(x, y, width, height)` with corner radius `rx`;
/// `stroke` is (colour, width), `dash` empty for a solid outline.
#[allow(clippy::too_many_arguments)]
pub fn rounded(
    svg: &mut Svg,
    class: &str,
    (x, y, w, h): (f64, f64, f64, f64),
    rx: f64,
    fill: &str,
    stroke: Option<(&str, &str)>,
    dash: &str,
) {
    let (xs, ys, ws, hs, rxs) = (n(x), n(y), n(w), n(h), n(rx));
    let mut attrs = vec![
        ("class", class),
        ("x", xs.as_str()),
        ("y", ys.as_str()),
        ("width", ws.as_str()),
        ("height", hs.as_str()),
        ("rx", rxs.as_str()),
        ("fill", fill),
    ];
    if let Some((colour, width)) = stroke {
        attrs.push(("stroke", colour));
        attrs.push(("stroke-width", width));
    }
    if !dash.is_empty() {
        attrs.push(("stroke-dasharray", dash));
    }
    svg.empty("rect", &attrs);
}

/// Path data through `points`, shifted down by `dy`.
pub fn path_d(points: &[Point], dy: f64) -> String {
    let mut d = String::new();
    for (i, p) in points.iter().enumerate() {
        d += if i == 0 { "M" } else { " L" };
        d += &format!("{} {}", n(p.x), n(p.y + dy));
    }
    d
}

/// An open path through `pts`: a curve, or an edge's route.
pub fn polyline(svg: &mut Svg, class: &str, pts: &[Point], colour: &str, width: &str, dash: &str) {
    let d = path_d(pts, 0.0);
    let mut attrs = vec![
        ("class", class),
        ("d", d.as_str()),
        ("fill", "none"),
        ("stroke", colour),
        ("stroke-width", width),
    ];
    if !dash.is_empty() {
        attrs.push(("stroke-dasharray", dash));
    }
    svg.empty("path", &attrs);
}

/// A data point: a square or a circle, filled or hollow (shape and fill
/// carry meaning, not colour alone).
pub fn marker(svg: &mut Svg, class: &str, c: Point, square: bool, colour: &str, filled: bool) {
    let fill = if filled { colour } else { PAPER };
    if square {
        rect(svg, class, (c.x - 4.5, c.y - 4.5, 9.0, 9.0), fill, colour);
    } else {
        ring(svg, class, c, "5", fill, colour);
    }
}

/// A circle of radius `r` around `c`, outlined in `colour`.
pub fn ring(svg: &mut Svg, class: &str, c: Point, r: &str, fill: &str, colour: &str) {
    let (cx, cy) = (n(c.x), n(c.y));
    svg.empty(
        "circle",
        &[
            ("class", class),
            ("cx", &cx),
            ("cy", &cy),
            ("r", r),
            ("fill", fill),
            ("stroke", colour),
            ("stroke-width", "1.5"),
        ],
    );
}

/// An arrowhead at `tip`, pointing away from `from`.
pub fn arrow(svg: &mut Svg, from: Point, tip: Point, colour: &str, class: &str) {
    let (dx, dy) = (tip.x - from.x, tip.y - from.y);
    let len = (dx * dx + dy * dy).sqrt().max(1e-9);
    let (ux, uy) = (dx / len, dy / len);
    let (bx, by) = (tip.x - ux * 8.0, tip.y - uy * 8.0);
    let pts = format!(
        "{},{} {},{} {},{}",
        n(tip.x),
        n(tip.y),
        n(bx - uy * 4.0),
        n(by + ux * 4.0),
        n(bx + uy * 4.0),
        n(by - ux * 4.0)
    );
    svg.empty(
        "polygon",
        &[("class", class), ("points", &pts), ("fill", colour)],
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::theme::{INK, MUTED};

    #[test]
    fn a_coordinate_is_written_as_format_writes_it_rounded_to_tenths() {
        // `n` writes digits itself; what it writes must be what the
        // formatter writes for the same tenths.
        let reference = |v: f64| {
            let t = (v * 10.0).round() as i64;
            let (sign, a) = if t < 0 { ("-", -t) } else { ("", t) };
            match a % 10 {
                0 => format!("{sign}{}", a / 10),
                d => format!("{sign}{}.{d}", a / 10),
            }
        };
        let mut v = -1234.56;
        while v < 1234.56 {
            assert_eq!(n(v), reference(v), "{v}");
            v += 0.0137;
        }
        for v in [
            0.0, -0.0, -0.04, -0.05, 0.05, 9.95, -9.95, 1e9, -1e9, 123456.7,
        ] {
            assert_eq!(n(v), reference(v), "{v}");
        }
        assert_eq!(
            (n(-0.05), n(12.0), n(f64::NAN)),
            ("-0.1".into(), "12".into(), "0".into())
        );
    }

    #[test]
    fn a_lean_copy_writes_presentation_attributes_as_classes() {
        let mut svg = open_img(
            (100.0, 50.0),
            "figure",
            ("t", "A title"),
            None,
            Mode::WithLeanCopy,
        );
        text(
            &mut svg,
            "tick-label",
            1.0,
            2.0,
            font(11.0, MUTED).end(),
            "0 < 1",
        );
        text(
            &mut svg,
            "label",
            1.0,
            2.0,
            font(13.0, INK).mid().bold(),
            "x",
        );
        svg.empty("g", &[("fill", "red")]);
        let drawing = svg.drawing();
        let (full, lean) = (drawing.to_string(), drawing.lean());
        let lines: Vec<&str> = lean.lines().collect();
        // The root loses its font (the page's `.fig svg` rule sets it)
        // and keeps the rest; the title is untouched.
        let root = full.lines().next().unwrap();
        assert!(root.contains(" font-family=\""));
        assert_eq!(
            lines[0],
            root.replace(&format!(" font-family=\"{FONT}\""), "")
        );
        assert_eq!(lines[1], "  <title id=\"t\">A title</title>");
        assert_eq!(
            lines[2],
            "  <text class=\"tick-label z11 fm ae\" x=\"1\" y=\"2\">0 &lt; 1</text>"
        );
        // text.label's size, weight and anchor come from a frame rule.
        assert_eq!(
            lines[3],
            "  <text class=\"label fi\" x=\"1\" y=\"2\">x</text>"
        );
        // A colour outside the palette has no class: it stays.
        assert_eq!(lines[4], "  <g fill=\"red\"/>");
        assert_eq!(lines.len(), full.lines().count());
    }
}
