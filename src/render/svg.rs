//! A small deterministic SVG writer: one element per line, attributes in the
//! order given, numbers quantised to 0.1 so no float noise reaches a file.

use std::fmt::Write;

/// Escapes text for XML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

/// A coordinate, rounded to one decimal, without `-0` or trailing `.0`.
/// Integer arithmetic, not float formatting: frames hold thousands of
/// coordinates, and `format!("{:.1}")` was the build's hottest spot.
pub fn n(v: f64) -> String {
    if !v.is_finite() {
        return "0".into();
    }
    let tenths = (v * 10.0).round() as i64;
    let (sign, a) = if tenths < 0 {
        ("-", -tenths)
    } else {
        ("", tenths)
    };
    match a % 10 {
        0 => format!("{sign}{}", a / 10),
        d => format!("{sign}{}.{d}", a / 10),
    }
}

/// An SVG document being written.
pub struct Svg {
    out: String,
    depth: usize,
    lean: bool,
}

/// Presentation attributes that a lean SVG leaves to the stylesheet.
const PRESENTATION: [&str; 8] = [
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
        let mut s = Svg {
            out: String::new(),
            depth: 0,
            lean: false,
        };
        let w = n(width);
        let h = n(height);
        let vb = format!("0 0 {w} {h}");
        let mut all: Vec<(&str, &str)> = vec![
            ("xmlns", "http://www.w3.org/2000/svg"),
            ("viewBox", &vb),
            ("width", &w),
            ("height", &h),
        ];
        all.extend_from_slice(attrs);
        s.open("svg", &all);
        s
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
        self.out.push('<');
        self.out.push_str(name);
        for (k, v) in attrs {
            if self.lean && PRESENTATION.contains(k) {
                continue;
            }
            let _ = write!(self.out, " {k}=\"{}\"", esc(v));
        }
    }

    /// `<name attrs>`, children follow until [`Svg::close`].
    pub fn open(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.tag(name, attrs);
        self.out.push_str(">\n");
        self.depth += 1;
    }

    pub fn close(&mut self, name: &str) {
        self.depth = self.depth.saturating_sub(1);
        self.indent();
        let _ = writeln!(self.out, "</{name}>");
    }

    /// A line of already-written SVG, indented at the current depth.
    pub fn raw_line(&mut self, line: &str) {
        self.indent();
        self.out.push_str(line);
        self.out.push('\n');
    }

    /// `<name attrs/>`.
    pub fn empty(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.tag(name, attrs);
        self.out.push_str("/>\n");
    }

    /// `<name attrs>text</name>` on one line.
    pub fn text(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) {
        self.tag(name, attrs);
        let _ = writeln!(self.out, ">{}</{name}>", esc(text));
    }

    pub fn finish(mut self) -> String {
        while self.depth > 0 {
            self.close("svg");
        }
        self.out
    }
}
