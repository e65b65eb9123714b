//! Putting a built site together, for [`super::render_site`]: the pages'
//! files gathered with their report, the generated contents page, the
//! static files and the templates' root files, each path written once.

use super::*;

/// Lists the rendered pages' files and adds up their report (warnings not
/// yet sorted); the pages' errors, and their figures' files that would
/// collide ([`add_asset`]), go to `diags`.
pub(super) fn gather_pages(
    pages: &[content::Page],
    results: Vec<(Option<Digest>, PageResult)>,
    pages_out: &std::collections::BTreeSet<String>,
    diags: &mut Vec<Diagnostic>,
) -> RenderedSite {
    let mut listing: BTreeMap<String, digest::Digest> = BTreeMap::new();
    // Who wrote each file, to report collisions.
    let mut owners: BTreeMap<String, PathBuf> = BTreeMap::new();
    let mut figures = 0;
    let mut frames = 0;
    let mut warnings = Vec::new();
    let mut kept = Vec::new();
    for (page, (key, result)) in pages.iter().zip(results) {
        let out = match result {
            Ok(r) => r,
            Err(d) => {
                diags.extend(d);
                continue;
            }
        };
        figures += out.figures;
        frames += out.frames;
        warnings.extend(out.warnings.iter().cloned());
        let mut page_files = out.paths.iter();
        if let Some((html_path, digest)) = page_files.next() {
            owners.insert(html_path.clone(), page.display.clone());
            listing.insert(html_path.clone(), *digest);
        }
        for (path, digest) in page_files {
            let added = add_asset(
                &mut listing,
                &mut owners,
                pages_out,
                page,
                path.clone(),
                *digest,
            );
            if let Err(d) = added {
                diags.push(d);
            }
        }
        if let Some(key) = key {
            kept.push((page.out_path.clone(), key, out));
        }
    }
    RenderedSite {
        report: Report {
            pages: pages.len(),
            figures,
            frames,
            elapsed: Duration::ZERO,
            warnings,
            files_written: 0,
            bytes_written: 0,
        },
        listing,
        pages: kept,
    }
}

/// The files besides the pages: the generated contents page when the site
/// has no home page, then the content folder's static files and the
/// templates' root files ([`add_statics_and_root_files`]).
pub(super) fn extra_files(
    config: &BuildConfig,
    templates: Option<&templates::Templates>,
    course: &nav::Course,
    pages_out: &std::collections::BTreeSet<String>,
    statics: Vec<(String, Vec<u8>)>,
    listing: &BTreeMap<String, digest::Digest>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<(String, Bytes)> {
    let has_home =
        pages_out.contains(CONTENTS_PAGE) || statics.iter().any(|(p, _)| p == CONTENTS_PAGE);
    let mut extra: Vec<(String, Bytes)> = Vec::new();
    if !has_home && let Some(t) = templates {
        match render_contents_page(config, t, course) {
            Ok(html) => extra.push((CONTENTS_PAGE.to_string(), Arc::new(html.into_bytes()))),
            Err(d) => diags.extend(d),
        }
    }
    // Course navigation shows with more than one page, or on a generated
    // contents page; without it, style.css leaves its rules out.
    let navigates = course.len() > 1 || !has_home;
    add_statics_and_root_files(
        config,
        listing,
        &mut extra,
        statics,
        templates.map(|t| (t, navigates)),
        diags,
    );
    extra
}

/// Hands the files besides the pages to `sink` and lists them.
pub(super) fn put_extra_files(
    sink: &dyn Sink,
    extra: Vec<(String, Bytes)>,
    listing: &mut BTreeMap<String, digest::Digest>,
) -> Result<(), BuildError> {
    for (path, bytes) in extra {
        let d = digest::digest(&bytes);
        if output::is_safe_relative(&path) {
            sink.put(&path, &bytes, d)?;
        }
        listing.insert(path, d);
    }
    Ok(())
}

/// Where the generated contents page goes when the site has no `index.md`
/// (the site title links there).
pub const CONTENTS_PAGE: &str = "index.html";

/// The contents page of a site without `index.md`: every page under its
/// section, through the site's own `page.html`.
pub(super) fn render_contents_page(
    config: &BuildConfig,
    templates: &templates::Templates,
    course: &nav::Course,
) -> Result<String, Vec<Diagnostic>> {
    let title = "Contents";
    let page = content::Page {
        path: config.content_path().join("index.md"),
        display: PathBuf::from("<generated contents page>"),
        source: String::new(),
        body_start: 0,
        front: content::FrontMatter {
            title: title.to_string(),
            description: None,
            order: 0,
            draft: false,
        },
        out_path: CONTENTS_PAGE.to_string(),
    };
    let body = markdown::RenderedPage {
        html: format!("<h1>{title}</h1>\n{}", course.contents_html()),
        toc: Vec::new(),
        assets: Vec::new(),
        figures: 0,
        frames: 0,
        warnings: Vec::new(),
        reads: Vec::new(),
    };
    let html = templates
        .render_page(config, &page, &page.ctx(), &body, (course, None))
        .map_err(|d| vec![d])?;
    check_templates_output(config, templates, &page, html, &body.html)
}

/// One page's output, or its errors.
pub(super) type PageResult = Result<Arc<PageOut>, Vec<Diagnostic>>;

/// Markdown and figures were checked at their source (raw HTML by the
/// sanitizer, figures as they were drawn); this catches what the templates
/// add around `body` that the pages' CSP would block. The body itself is
/// left out: an author's comment that mentions `<script>` is not the
/// templates' doing.
pub(super) fn check_templates_output(
    config: &BuildConfig,
    templates: &templates::Templates,
    page: &content::Page,
    html: String,
    body: &str,
) -> Result<String, Vec<Diagnostic>> {
    let (body_start, body_end) = match find_whole(&html, body).filter(|_| !body.is_empty()) {
        Some(at) => (at, at + body.len()),
        // A template that changed the body (a filter): check it all.
        None => (html.len(), html.len()),
    };
    let found = csp::find_forbidden(&html[..body_start]).or_else(|| {
        csp::find_forbidden(&html[body_end..]).map(|(at, len, what)| (body_end + at, len, what))
    });
    if let Some((at, len, what)) = found {
        let message = format!("the templates put {what} into {}", page.out_path);
        // Point at the template text that wrote it, when it is there
        // verbatim (an attribute is looked for with its `=`).
        let mut needle = html[at..at + len].to_string();
        if !needle.starts_with('<') {
            needle.push('=');
        }
        let d = match templates.locate(&needle) {
            Some((file, text, off)) => Diagnostic::at(file, text, off, len, message),
            None => Diagnostic::whole_file(
                config
                    .display_path(&config.templates_path())
                    .join(templates::PAGE_TEMPLATE),
                message,
            ),
        };
        return Err(vec![
            d.with_hint("the pages' Content-Security-Policy would block it"),
        ]);
    }
    Ok(html)
}

/// Where `needle` first occurs in `hay`, as `str::find` says, found by its
/// first few bytes and then compared whole: a page's body is hundreds of
/// KB, and the searcher `find` builds for a needle that long cost more
/// than the rest of this check.
fn find_whole(hay: &str, needle: &str) -> Option<usize> {
    let mut head = needle.len().min(64);
    while !needle.is_char_boundary(head) {
        head -= 1;
    }
    let head = &needle[..head];
    let mut from = 0;
    while let Some(i) = hay.get(from..)?.find(head) {
        let at = from + i;
        if hay[at..].starts_with(needle) {
            return Some(at);
        }
        from = at + hay[at..].chars().next().map_or(1, char::len_utf8);
    }
    None
}

/// Checks the content folder's HTML and SVG files, which are copied as they
/// are, for what could run in them ([`copied`]): warnings, returned, or
/// errors in `diags` with `strict`.
pub(super) fn check_copied(
    config: &BuildConfig,
    statics: &[(String, Vec<u8>)],
    diags: &mut Vec<Diagnostic>,
) -> Vec<Diagnostic> {
    let mut warnings = Vec::new();
    for (path, bytes) in statics {
        let text = String::from_utf8_lossy(bytes);
        let found = copied::scan(path, &text);
        if found.is_empty() {
            continue;
        }
        let file = config.display_path(&config.content_path().join(path));
        for f in found {
            let d = Diagnostic::at(
                &file,
                &text,
                f.range.start,
                f.range.len(),
                format!("this file is copied as it is, and holds {}", f.what),
            )
            .with_hint(
                "opened on its own, it would run on the site: take that out of it \
                 (shown with <img>, an SVG never runs its scripts)",
            );
            if config.strict {
                diags.push(d.with_note(
                    "`strict = true` in seen.toml refuses copied files that could run code",
                ));
            } else {
                warnings.push(d.warning());
            }
        }
    }
    warnings
}

/// Adds the content folder's static files to `extra` (refusing one that
/// would replace a generated file) and the templates' root files
/// (`style.css`, the favicon) unless the content already has a file of that
/// name.
pub(super) fn add_statics_and_root_files(
    config: &BuildConfig,
    listing: &BTreeMap<String, digest::Digest>,
    extra: &mut Vec<(String, Bytes)>,
    statics: Vec<(String, Vec<u8>)>,
    templates: Option<(&templates::Templates, bool)>,
    diags: &mut Vec<Diagnostic>,
) {
    let taken = |extra: &Vec<(String, Bytes)>, path: &str| {
        listing.contains_key(path) || extra.iter().any(|(p, _)| p == path)
    };
    for (path, bytes) in statics {
        if taken(extra, &path) {
            diags.push(Diagnostic::whole_file(
                config.display_path(&config.content_path().join(&path)),
                format!("static file `{path}` has the same output path as a generated file"),
            ));
        } else {
            extra.push((path, Arc::new(bytes)));
        }
    }
    if let Some((templates, navigates)) = templates {
        for (name, bytes) in templates.root_files(navigates) {
            if !taken(extra, name) {
                extra.push((name.to_string(), Arc::new(bytes.to_vec())));
            }
        }
    }
}

/// Adds a figure asset to the listing, refusing paths that would leave the
/// output folder and collisions with different bytes.
pub(super) fn add_asset(
    listing: &mut BTreeMap<String, digest::Digest>,
    owners: &mut BTreeMap<String, PathBuf>,
    pages_out: &std::collections::BTreeSet<String>,
    page: &content::Page,
    path: String,
    digest: digest::Digest,
) -> Result<(), Diagnostic> {
    if !output::is_safe_relative(&path) {
        return Err(Diagnostic::whole_file(
            &page.display,
            format!("a figure asked to write `{path}`, which is not a plain relative path"),
        )
        .with_expected("a path like `figures/page/id.svg`: no `..`, no leading `/`"));
    }
    if pages_out.contains(&path) {
        return Err(Diagnostic::whole_file(
            &page.display,
            format!("a figure writes `{path}`, which is a page of the site"),
        ));
    }
    if let Some(existing) = listing.get(&path) {
        if *existing == digest {
            return Ok(()); // the same figure file from two pages
        }
        let other = owners
            .get(&path)
            .map_or_else(|| "another page".to_string(), |p| p.display().to_string());
        return Err(Diagnostic::whole_file(
            &page.display,
            format!("a figure writes `{path}`, which {other} already writes with other content"),
        )
        .with_hint("give the block a different `id`"));
    }
    owners.insert(path.clone(), page.display.clone());
    listing.insert(path, digest);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::find_whole;

    #[test]
    fn a_body_is_found_where_find_finds_it() {
        let long = "é<svg>".repeat(40);
        let cases = [
            ("aaab", "aab"),
            ("xx", ""),
            ("abc", "abcd"),
            ("head é body tail", "é body"),
        ];
        for (hay, needle) in cases {
            assert_eq!(
                find_whole(hay, needle),
                hay.find(needle),
                "{needle} in {hay}"
            );
        }
        // A needle longer than the head it is looked for by, whose head
        // occurs first where the whole does not.
        let hay = format!("{}x {long}y {long}z", &long[..100]);
        let needle = format!("{long}z");
        assert_eq!(find_whole(&hay, &needle), hay.find(&needle));
        assert!(find_whole(&hay, &needle).is_some());
    }
}
