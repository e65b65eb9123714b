//! A built page's weight at load: its HTML gzip-compressed at level 6, as
//! a typical static host serves it (what `browser/weight.mjs` measures,
//! there with the stylesheet and the images a page fetches at load). A page
//! whose HTML alone is over [`PAGE_GOAL`] gets a warning: the frames and
//! stills are files fetched when shown, but every narration and table,
//! every `vary` combination's among them, is in the page.

use crate::diagnostic::Diagnostic;
use flate2::Compression;
use flate2::write::GzEncoder;
use std::io::Write;
use std::path::Path;

/// What a page should weigh at load, gzip (issue 23's goal; the bundled
/// explainer's heaviest page is 39 KB).
pub const PAGE_GOAL: usize = 50 * 1024;

/// The size of `bytes` gzip-compressed at level 6.
pub fn gzip_size(bytes: &[u8]) -> usize {
    gzip_at(bytes, 6)
}

fn gzip_at(bytes: &[u8], level: u32) -> usize {
    let mut gz = GzEncoder::new(Vec::new(), Compression::new(level));
    // Writing into a Vec does not fail.
    let _ = gz.write_all(bytes);
    gz.finish().map_or(bytes.len(), |v| v.len())
}

/// A warning for page `file` when its HTML is over [`PAGE_GOAL`] gzip.
pub fn warning(file: &Path, html: &[u8]) -> Option<Diagnostic> {
    // A page no bigger than the goal, or under it at the fastest level
    // (which compresses less than level 6), is not weighed at level 6: the
    // check stays off the end of the build.
    if html.len() <= PAGE_GOAL || gzip_at(html, 1) <= PAGE_GOAL {
        return None;
    }
    let gz = gzip_size(html);
    (gz > PAGE_GOAL).then(|| {
        Diagnostic::whole_file(
            file,
            format!(
                "the page's HTML is {:.1} KB gzip, over the {} KB a page should weigh at load",
                gz as f64 / 1024.0,
                PAGE_GOAL / 1024
            ),
        )
        .with_hint(
            "split the page, or list fewer values in a `vary` (each combination's narrations and tables are in the page; its pictures are fetched when picked)",
        )
        .warning()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Text that gzip cannot shrink much: words from a simple generator.
    fn words(n: usize) -> String {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut s = String::from("<p>");
        for _ in 0..n {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            s += &format!("{:x} ", x % 0xff_ffff);
        }
        s + "</p>"
    }

    #[test]
    fn a_page_over_the_goal_gzip_is_warned_about_and_one_under_it_is_not() {
        let heavy = words(40_000);
        assert!(gzip_size(heavy.as_bytes()) > PAGE_GOAL);
        let w = warning(Path::new("content/big.md"), heavy.as_bytes()).expect("a warning");
        assert!(!w.is_error());
        let text = crate::diagnostic::render_all(&[w]);
        assert!(
            text.contains("content/big.md: warning: the page's HTML is "),
            "{text}"
        );
        assert!(text.contains("KB gzip, over the 50 KB"), "{text}");
        // Long but repetitive: big raw, small gzip.
        let light = "<p>the same words again</p>\n".repeat(20_000);
        assert!(light.len() > PAGE_GOAL);
        assert_eq!(warning(Path::new("content/a.md"), light.as_bytes()), None);
        assert_eq!(warning(Path::new("content/a.md"), b"<p>short</p>"), None);
    }
}
