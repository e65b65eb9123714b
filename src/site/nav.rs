//! The course: the pages in reading order, grouped into sections, and the
//! navigation that each page carries.
//!
//! The top level of the course is the pages directly in the content folder
//! and the sections (the folders directly under it), sorted together by
//! (`order`, name); a section's pages follow each other by (`order`, path).
//! Reading order is that list with every section opened in place, and
//! "previous" and "next" follow it across section boundaries.
//!
//! A page's navigation holds the top-level entries and the pages of its own
//! section (open, a `<details>`); other sections are one link each, to their
//! first page. So that its size does not grow with the site, each list shows
//! at most [`WINDOW`] entries on either side of the current one, plus the
//! first and the last, and counts the rest ("… 12 more"): a page of a
//! 1,000-page course carries a few dozen links, not a thousand. The whole
//! list is on the contents page, which is generated when the site has no
//! `index.md` of its own ([`Course::contents_html`]).

use serde::Serialize;

use super::content::{Page, Section, section_of};
use crate::util::esc as escape_html;

/// Entries shown on either side of the current one in a long list.
pub const WINDOW: usize = 4;

/// Sorts pages into reading order (see the module documentation).
pub fn sort_for_reading(pages: &mut [Page], sections: &[Section]) {
    pages.sort_by_cached_key(|p| match section_of(&p.out_path) {
        None => (p.front.order, p.out_path.clone(), 0, String::new()),
        Some(dir) => {
            let order = sections
                .iter()
                .find(|s| s.dir == dir)
                .map_or(p.front.order, |s| s.order);
            (order, format!("{dir}/"), p.front.order, p.out_path.clone())
        }
    });
}

/// One page as the navigation knows it.
#[derive(Debug, Clone)]
struct Entry {
    title: String,
    /// Output path relative to the site root.
    path: String,
}

/// One entry of the top level.
#[derive(Debug, Clone)]
enum Top {
    /// A page directly in the content folder: its index in reading order.
    Page(usize),
    /// A section: its pages are `first..end` in reading order.
    Section {
        dir: String,
        title: String,
        description: Option<String>,
        first: usize,
        end: usize,
    },
}

/// The whole course, built once per build; [`Course::page_nav`] then gives
/// each page its navigation at a cost that does not depend on the number
/// of pages (beyond the number of top-level entries it skips over).
#[derive(Debug, Clone)]
pub struct Course {
    entries: Vec<Entry>,
    top: Vec<Top>,
    /// For each page in reading order, its top-level entry.
    top_of: Vec<usize>,
}

/// What a template sees of one navigation entry (a page, a section or a
/// gap of hidden entries).
#[derive(Debug, Clone, Serialize, PartialEq, Eq, Hash)]
pub struct NavItem {
    /// `"page"`, `"section"` or `"gap"`.
    pub kind: &'static str,
    pub title: String,
    /// Relative to the page that shows it; for a section, its first page.
    pub href: String,
    /// Output path relative to the site root (empty for a gap).
    pub path: String,
    /// The page itself, or the section that holds it.
    pub current: bool,
    /// For a section: how many pages it has; for a gap: how many entries
    /// it hides.
    pub count: usize,
    /// For the current section: its pages (windowed); empty otherwise.
    pub pages: Vec<NavItem>,
}

/// The navigation of one page.
#[derive(Debug, Clone, Serialize, Hash)]
pub struct PageNav {
    /// The top level, windowed; the current section holds its pages.
    pub nav: Vec<NavItem>,
    /// The pages beside this one: those of its section, or the top-level
    /// pages for a page outside any section (windowed).
    pub pages: Vec<NavItem>,
    pub prev: Option<NavItem>,
    pub next: Option<NavItem>,
}

impl Course {
    /// `pages` must be in reading order ([`sort_for_reading`]).
    pub fn new(pages: &[Page], sections: &[Section]) -> Course {
        let entries: Vec<Entry> = pages
            .iter()
            .map(|p| Entry {
                title: p.front.title.clone(),
                path: p.out_path.clone(),
            })
            .collect();
        let mut top: Vec<Top> = Vec::new();
        let mut top_of = Vec::with_capacity(pages.len());
        for (i, page) in pages.iter().enumerate() {
            match section_of(&page.out_path) {
                None => top.push(Top::Page(i)),
                Some(dir) => match top.last_mut() {
                    Some(Top::Section { dir: d, end, .. }) if d == dir => *end = i + 1,
                    _ => {
                        let section = sections.iter().find(|s| s.dir == dir);
                        top.push(Top::Section {
                            dir: dir.to_string(),
                            title: section.map_or_else(
                                || super::content::title_from_folder(dir),
                                |s| s.title.clone(),
                            ),
                            description: section.and_then(|s| s.description.clone()),
                            first: i,
                            end: i + 1,
                        });
                    }
                },
            }
            top_of.push(top.len() - 1);
        }
        Course {
            entries,
            top,
            top_of,
        }
    }

    /// How many pages the course has.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The navigation of the page at `index` in reading order, or of a page
    /// outside the course (the generated contents page) for `None`. `root`
    /// is the relative prefix from that page to the site root.
    pub fn page_nav(&self, index: Option<usize>, root: &str) -> PageNav {
        let link = |i: usize| {
            let e = &self.entries[i];
            NavItem {
                kind: "page",
                title: e.title.clone(),
                href: format!("{root}{}", e.path),
                path: e.path.clone(),
                current: Some(i) == index,
                count: 0,
                pages: Vec::new(),
            }
        };
        let current_top = index.map(|i| self.top_of[i]);
        let section_pages = |first: usize, end: usize| {
            windowed(end - first, index.map(|i| i - first), |k| link(first + k))
        };
        let nav = windowed(self.top.len(), current_top, |t| match &self.top[t] {
            Top::Page(i) => link(*i),
            Top::Section {
                title, first, end, ..
            } => {
                let current = Some(t) == current_top;
                NavItem {
                    kind: "section",
                    title: title.clone(),
                    href: format!("{root}{}", self.entries[*first].path),
                    path: self.entries[*first].path.clone(),
                    current,
                    count: end - first,
                    pages: if current {
                        section_pages(*first, *end)
                    } else {
                        Vec::new()
                    },
                }
            }
        });
        let pages = match current_top.map(|t| &self.top[t]) {
            Some(Top::Section { first, end, .. }) => section_pages(*first, *end),
            _ => {
                // The top-level pages, windowed around this one.
                let loose: Vec<usize> = self
                    .top
                    .iter()
                    .filter_map(|t| match t {
                        Top::Page(i) => Some(*i),
                        Top::Section { .. } => None,
                    })
                    .collect();
                let at = index.and_then(|i| loose.iter().position(|&j| j == i));
                windowed(loose.len(), at, |k| link(loose[k]))
            }
        };
        let (prev, next) = match index {
            Some(i) => (
                i.checked_sub(1).map(link),
                (i + 1 < self.len()).then(|| link(i + 1)),
            ),
            // The contents page leads to the first page.
            None => (None, (!self.is_empty()).then(|| link(0))),
        };
        PageNav {
            nav,
            pages,
            prev,
            next,
        }
    }

    /// The body of the generated contents page (at the site root): every
    /// page, under its section's title.
    pub fn contents_html(&self) -> String {
        let mut html = String::from("<ol class=\"contents\">\n");
        let item = |html: &mut String, i: usize| {
            let e = &self.entries[i];
            html.push_str(&format!(
                "<li><a href=\"{}\">{}</a></li>\n",
                escape_html(&e.path),
                escape_html(&e.title)
            ));
        };
        for top in &self.top {
            match top {
                Top::Page(i) => item(&mut html, *i),
                Top::Section {
                    dir,
                    title,
                    description,
                    first,
                    end,
                } => {
                    html.push_str(&format!(
                        "<li class=\"contents-section\">\n<h2 id=\"{}\">{}</h2>\n",
                        escape_html(&section_id(dir)),
                        escape_html(title)
                    ));
                    if let Some(d) = description {
                        html.push_str(&format!("<p>{}</p>\n", escape_html(d)));
                    }
                    html.push_str("<ol>\n");
                    for i in *first..*end {
                        item(&mut html, i);
                    }
                    html.push_str("</ol>\n</li>\n");
                }
            }
        }
        html.push_str("</ol>\n");
        html
    }
}

/// An id for a section's heading on the contents page: `section-` and the
/// folder name, with anything but letters, digits, `-` and `_` as `-`.
fn section_id(dir: &str) -> String {
    let clean: String = dir
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    format!("section-{clean}")
}

/// The entries of a list of `len` to show around `current` (the first one
/// when there is none): the first, the last, and [`WINDOW`] on each side of
/// the current one, with a gap item for each run of hidden ones. A run of
/// one is shown rather than hidden (a gap would take the same room).
fn windowed(
    len: usize,
    current: Option<usize>,
    mut make: impl FnMut(usize) -> NavItem,
) -> Vec<NavItem> {
    let c = current.unwrap_or(0);
    let lo = c.saturating_sub(WINDOW);
    let hi = (c + WINDOW).min(len.saturating_sub(1));
    let shown = |i: usize| i == 0 || i + 1 == len || (lo..=hi).contains(&i);
    let mut out = Vec::new();
    let mut i = 0;
    while i < len {
        if shown(i) {
            out.push(make(i));
            i += 1;
            continue;
        }
        let mut j = i;
        while j < len && !shown(j) {
            j += 1;
        }
        if j - i == 1 {
            out.push(make(i));
        } else {
            out.push(NavItem {
                kind: "gap",
                title: String::new(),
                href: String::new(),
                path: String::new(),
                current: false,
                count: j - i,
                pages: Vec::new(),
            });
        }
        i = j;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::content::FrontMatter;
    use std::path::PathBuf;

    fn page(path: &str, order: i64) -> Page {
        Page {
            path: PathBuf::from(path),
            display: PathBuf::from(path),
            source: String::new(),
            body_start: 0,
            front: FrontMatter {
                title: format!("T {path}"),
                description: None,
                order,
                draft: false,
            },
            out_path: path.to_string(),
        }
    }

    fn section(dir: &str, order: i64) -> Section {
        Section {
            dir: dir.to_string(),
            title: format!("S {dir}"),
            order,
            description: None,
        }
    }

    fn shape(items: &[NavItem]) -> Vec<String> {
        items
            .iter()
            .map(|i| match i.kind {
                "gap" => format!("…{}", i.count),
                _ if i.current => format!("[{}]", i.path),
                _ => i.path.clone(),
            })
            .collect()
    }

    #[test]
    fn reading_order_mixes_pages_and_sections_by_order() {
        let mut pages = vec![
            page("b/2.html", 2),
            page("z.html", 5),
            page("index.html", 0),
            page("a/x.html", 0),
            page("b/1.html", 1),
        ];
        let sections = [section("a", 9), section("b", 1)];
        sort_for_reading(&mut pages, &sections);
        let order: Vec<&str> = pages.iter().map(|p| p.out_path.as_str()).collect();
        assert_eq!(
            order,
            ["index.html", "b/1.html", "b/2.html", "z.html", "a/x.html"]
        );
        let course = Course::new(&pages, &sections);
        let n = course.page_nav(Some(1), "../");
        assert_eq!(
            shape(&n.nav),
            ["index.html", "[b/1.html]", "z.html", "a/x.html"]
        );
        assert_eq!(n.nav[1].kind, "section");
        assert_eq!(n.nav[1].count, 2);
        assert_eq!(shape(&n.nav[1].pages), ["[b/1.html]", "b/2.html"]);
        assert!(n.nav[3].pages.is_empty(), "other sections stay closed");
        assert_eq!(n.nav[3].href, "../a/x.html");
        assert_eq!(n.prev.unwrap().href, "../index.html");
        assert_eq!(n.next.unwrap().path, "b/2.html");
        let last = course.page_nav(Some(4), "../");
        assert!(last.next.is_none());
        let contents = course.page_nav(None, "");
        assert!(
            contents
                .nav
                .iter()
                .all(|i| !i.current && i.pages.is_empty())
        );
        assert_eq!(contents.next.unwrap().path, "index.html");
        let html = course.contents_html();
        assert!(html.contains("<h2 id=\"section-b\">S b</h2>"), "{html}");
        assert!(html.find("b/2.html").unwrap() < html.find("z.html").unwrap());
    }

    #[test]
    fn long_lists_are_windowed_around_the_current_page() {
        let mut pages: Vec<Page> = (0..200)
            .map(|i| page(&format!("p{i:03}.html"), 0))
            .collect();
        sort_for_reading(&mut pages, &[]);
        let course = Course::new(&pages, &[]);
        let n = course.page_nav(Some(100), "");
        assert_eq!(
            shape(&n.nav),
            [
                "p000.html",
                "…95",
                "p096.html",
                "p097.html",
                "p098.html",
                "p099.html",
                "[p100.html]",
                "p101.html",
                "p102.html",
                "p103.html",
                "p104.html",
                "…94",
                "p199.html"
            ]
        );
        assert_eq!(n.pages, n.nav);
        // At an end, no gap of one: p001 is shown, not "…1".
        let first = course.page_nav(Some(0), "");
        assert_eq!(
            shape(&first.nav)[..6],
            [
                "[p000.html]",
                "p001.html",
                "p002.html",
                "p003.html",
                "p004.html",
                "…194"
            ]
        );
        let second = course.page_nav(Some(6), "");
        assert_eq!(
            shape(&second.nav)[..3],
            ["p000.html", "p001.html", "p002.html"]
        );
        // Short lists are shown whole.
        let few = Course::new(&pages[..5], &[]);
        assert_eq!(few.page_nav(Some(2), "").nav.len(), 5);
    }
}
