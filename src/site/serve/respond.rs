//! What a request for a file of the site gets: which file it may read
//! ([`resolve`]), its type, and for a page, the live-reload script and the
//! error banner over the last good version. No HTTP here: [`super::http`]
//! parses the request, checks it, and sends what [`respond`] returns.

use std::borrow::Cow;
use std::fs;
use std::path::{Path, PathBuf};

use hyper::StatusCode;

use super::{BANNER_CSS, BANNER_CSS_PATH, LIVE_JS, LIVE_JS_PATH, Shared, generation};
use crate::util::esc as escape_html;

/// Why a request path was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// Not a path the server understands (400).
    BadRequest(&'static str),
    /// A path that would leave the output folder (403).
    Outside,
    /// Nothing there (404).
    NotFound,
    /// A folder asked for without its trailing slash: redirect (301).
    AddSlash,
}

/// The file inside `root` that the request target `target` names.
///
/// The target must be an origin-form path (`/…`); the query is dropped, each
/// segment is percent-decoded on its own, and a segment that decodes to `.`,
/// `..`, or contains `/`, `\`, `:` or NUL is refused. The result is
/// canonicalized (following symlinks) and must still lie inside the
/// canonical `root`. A folder serves its `index.html`.
pub fn resolve(root: &Path, target: &str) -> Result<PathBuf, Refused> {
    let path = path_of(target);
    let Some(rest) = path.strip_prefix('/') else {
        return Err(Refused::BadRequest("the request target is not a path"));
    };
    let mut rel = PathBuf::new();
    for raw in rest.split('/') {
        // An escape that is not `%` and two hex digits stays as it is (a
        // file named `%zz`), as RFC 3986 readers do.
        let seg = percent_encoding::percent_decode_str(raw)
            .decode_utf8()
            .map_err(|_| Refused::BadRequest("the path is not UTF-8"))?;
        if seg.is_empty() {
            continue; // `//` or a trailing slash
        }
        if seg == "." || seg == ".." || seg.contains(['/', '\\', ':', '\0']) {
            return Err(Refused::Outside);
        }
        rel.push(&*seg);
    }
    let root = fs::canonicalize(root).map_err(|_| Refused::NotFound)?;
    let inside = |p: &Path| -> Result<PathBuf, Refused> {
        let c = fs::canonicalize(p).map_err(|_| Refused::NotFound)?;
        if c.starts_with(&root) {
            Ok(c)
        } else {
            Err(Refused::Outside)
        }
    };
    let file = inside(&root.join(&rel))?;
    if file.is_dir() {
        if !path.ends_with('/') {
            return Err(Refused::AddSlash);
        }
        return inside(&file.join("index.html"));
    }
    Ok(file)
}

/// Where a folder asked for without its trailing slash redirects to: the
/// same path with one slash at the end and exactly one at the start, so
/// that `//figures` goes to `/figures/`, never to the scheme-relative
/// `//figures/` (which a browser reads as the host `figures`).
pub fn slash_location(path: &str) -> String {
    format!("/{}/", path.trim_matches('/'))
}

/// The Content-Type of a file, by extension (`mime_guess`'s table), with
/// `charset=utf-8` for text: every text file `seen` writes is UTF-8.
pub fn content_type(path: &Path) -> Cow<'static, str> {
    match mime_guess::from_path(path).first_raw() {
        Some(t) if t.starts_with("text/") => Cow::Owned(format!("{t}; charset=utf-8")),
        Some(t) => Cow::Borrowed(t),
        None => Cow::Borrowed("application/octet-stream"),
    }
}

/// What the server sends for a request, before HTTP framing.
pub(super) struct Response {
    pub(super) status: StatusCode,
    pub(super) content_type: Cow<'static, str>,
    pub(super) body: Vec<u8>,
    /// A path-absolute redirect target (301), never taken from a header.
    pub(super) location: Option<String>,
}

impl Response {
    pub(super) fn text(status: StatusCode, body: &str) -> Response {
        Response {
            status,
            content_type: Cow::Borrowed("text/plain; charset=utf-8"),
            body: format!("{body}\n").into_bytes(),
            location: None,
        }
    }

    fn ok(content_type: impl Into<Cow<'static, str>>, body: Vec<u8>) -> Response {
        Response {
            status: StatusCode::OK,
            content_type: content_type.into(),
            body,
            location: None,
        }
    }
}

/// The path of a request target, without query or fragment.
pub(super) fn path_of(target: &str) -> &str {
    target.split(['?', '#']).next().unwrap_or("")
}

/// The raw value of `key` in a request's query.
pub(super) fn query_value<'a>(query: &'a str, key: &str) -> Option<&'a str> {
    query
        .split('&')
        .find_map(|kv| kv.strip_prefix(key)?.strip_prefix('='))
}

/// The answer to a `GET` or `HEAD` of `path` (the request target's path,
/// as sent): one of the server's own two files, a file of the output
/// folder, or the error page of a failed build.
pub(super) fn respond(path: &str, shared: &Shared) -> Response {
    match path {
        BANNER_CSS_PATH => return Response::ok("text/css; charset=utf-8", BANNER_CSS.into()),
        LIVE_JS_PATH => return Response::ok("text/javascript; charset=utf-8", LIVE_JS.into()),
        _ => {}
    }
    // The generation is read before the file, so that a page can only be
    // older than its generation (and then reloads once more), never newer.
    let (out_dir, error, builds) = {
        let s = shared.lock();
        (s.out_dir.clone(), s.error.clone(), s.builds)
    };
    let live = |html: String| with_live_reload(&html, &generation(builds)).into_bytes();
    let wants_html = path.ends_with('/')
        || path.ends_with(".html")
        || !path.rsplit('/').next().unwrap_or("").contains('.');
    match resolve(&out_dir, path) {
        Ok(file) => match fs::read(&file) {
            Ok(bytes) => {
                let ct = content_type(&file);
                let body = if ct.starts_with("text/html") {
                    let html = String::from_utf8_lossy(&bytes);
                    live(match &error {
                        Some(e) => with_banner(&html, e),
                        None => html.into_owned(),
                    })
                } else {
                    bytes
                };
                Response::ok(ct, body)
            }
            Err(_) => Response::text(StatusCode::NOT_FOUND, "not found"),
        },
        Err(Refused::NotFound) => match &error {
            // No good version of this page: show the error itself.
            Some(e) if wants_html => Response {
                status: StatusCode::INTERNAL_SERVER_ERROR,
                ..Response::ok("text/html; charset=utf-8", live(error_page(e)))
            },
            _ => Response::text(StatusCode::NOT_FOUND, "not found"),
        },
        Err(Refused::AddSlash) => Response {
            status: StatusCode::MOVED_PERMANENTLY,
            location: Some(slash_location(path)),
            ..Response::text(StatusCode::MOVED_PERMANENTLY, "moved")
        },
        Err(Refused::Outside) => Response::text(StatusCode::FORBIDDEN, "outside the site"),
        Err(Refused::BadRequest(why)) => Response::text(StatusCode::BAD_REQUEST, why),
    }
}

/// A served page with the live-reload script: the script element before
/// `</head>`, carrying the page's build generation, and the page's
/// Content-Security-Policy widened with `script-src 'self'; connect-src
/// 'self'` for that script and its event stream.
///
/// `'self'`, not the script's URL: the policy is the same whatever the
/// request says (a policy built from the `Host` header is one an attacker
/// can widen), and a URL would have to name one of the server's names
/// (`127.0.0.1`, `localhost`, and `[::1]`, which a policy cannot name at
/// all). The server serves only the site, whose pages hold no script
/// element, and this one script.
pub fn with_live_reload(html: &str, generation: &str) -> String {
    let mut html = widen_csp(html, "script-src 'self'; connect-src 'self'");
    let tag = format!(
        "<script src=\"{LIVE_JS_PATH}\" data-generation=\"{}\" defer></script>\n",
        escape_html(generation)
    );
    match html.find("</head>") {
        Some(i) => html.insert_str(i, &tag),
        None => html.insert_str(0, &tag),
    }
    html
}

/// Appends `directives` to the policy of the page's
/// `<meta http-equiv="Content-Security-Policy" content="…">`, if it has one
/// (a page without a policy allows the script anyway).
fn widen_csp(html: &str, directives: &str) -> String {
    let lower = html.to_ascii_lowercase();
    let Some(meta) = lower.find("http-equiv=\"content-security-policy\"") else {
        return html.to_string();
    };
    let tag_start = lower[..meta].rfind('<').unwrap_or(0);
    let tag_end = lower[meta..].find('>').map_or(html.len(), |i| meta + i);
    let Some(content) = lower[tag_start..tag_end]
        .find("content=\"")
        .map(|i| tag_start + i + "content=\"".len())
    else {
        return html.to_string();
    };
    let Some(close) = html[content..tag_end].find('"').map(|i| content + i) else {
        return html.to_string();
    };
    let policy = html[content..close].trim_end().trim_end_matches(';');
    format!(
        "{}{policy}; {directives}{}",
        &html[..content],
        &html[close..]
    )
}

fn banner(error: &str) -> String {
    format!(
        "<div class=\"seen-serve-error\" role=\"alert\"><strong>The last rebuild failed.</strong> \
         This is the last good version of the page; fix the error below, and the page \
         reloads when the next build finishes.\
         <pre>{}</pre></div>\n",
        escape_html(error)
    )
}

/// The last good page with the error shown on top, and the banner's
/// stylesheet linked (an inline style would break the pages' CSP).
fn with_banner(html: &str, error: &str) -> String {
    let link = format!("<link rel=\"stylesheet\" href=\"{BANNER_CSS_PATH}\">\n");
    let mut html = match html.find("</head>") {
        Some(i) => format!("{}{link}{}", &html[..i], &html[i..]),
        None => format!("{link}{html}"),
    };
    let at = html
        .find("<body")
        .and_then(|i| html[i..].find('>').map(|j| i + j + 1))
        .unwrap_or(0);
    html.insert_str(at, &format!("\n{}", banner(error)));
    html
}

fn error_page(error: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'self'; base-uri 'none'; form-action 'none'\">\n\
         <title>Build failed · seen</title>\n\
         <link rel=\"stylesheet\" href=\"{BANNER_CSS_PATH}\">\n</head>\n<body>\n{}</body>\n</html>\n",
        banner(error)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_inside_and_refuses_outside() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        fs::create_dir_all(out.join("sub")).unwrap();
        fs::write(out.join("index.html"), "i").unwrap();
        fs::write(out.join("sub/index.html"), "s").unwrap();
        fs::write(out.join("a b.css"), "c").unwrap();
        fs::write(dir.path().join("secret.txt"), "s").unwrap();
        let canon = fs::canonicalize(&out).unwrap();
        assert_eq!(resolve(&out, "/").unwrap(), canon.join("index.html"));
        assert_eq!(
            resolve(&out, "/sub/").unwrap(),
            canon.join("sub/index.html")
        );
        assert_eq!(
            resolve(&out, "/a%20b.css?x=1").unwrap(),
            canon.join("a b.css")
        );
        assert_eq!(resolve(&out, "/sub"), Err(Refused::AddSlash));
        assert_eq!(resolve(&out, "//sub"), Err(Refused::AddSlash));
        assert_eq!(resolve(&out, "/nope.html"), Err(Refused::NotFound));
        for bad in [
            "/../secret.txt",
            "/sub/../../secret.txt",
            "/%2e%2e/secret.txt",
            "/%2E%2E%2Fsecret.txt",
            "/..%2fsecret.txt",
            "/..%5csecret.txt",
            "/..\\secret.txt",
            "/C:%5Cwindows",
            "/.",
            "/%00",
            "/\\sub",
        ] {
            assert_eq!(resolve(&out, bad), Err(Refused::Outside), "{bad}");
        }
        assert!(matches!(
            resolve(&out, "secret.txt"),
            Err(Refused::BadRequest(_))
        ));
        assert!(matches!(resolve(&out, "/%ff"), Err(Refused::BadRequest(_))));
        // A broken escape is a name like any other, and no file has it.
        assert_eq!(resolve(&out, "/%zz"), Err(Refused::NotFound));
        // An absolute path after the slash stays inside the root.
        assert_eq!(
            resolve(
                &out,
                &format!("/{}", dir.path().join("secret.txt").display())
            ),
            Err(Refused::NotFound)
        );
    }

    #[test]
    fn redirects_are_never_scheme_relative() {
        assert_eq!(slash_location("/figures"), "/figures/");
        assert_eq!(slash_location("//figures"), "/figures/");
        assert_eq!(slash_location("///evil.example/x"), "/evil.example/x/");
        assert_eq!(slash_location("/a//b"), "/a//b/");
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_out_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        fs::create_dir_all(&out).unwrap();
        fs::write(dir.path().join("secret.txt"), "s").unwrap();
        std::os::unix::fs::symlink(dir.path().join("secret.txt"), out.join("link.txt")).unwrap();
        std::os::unix::fs::symlink(dir.path(), out.join("up")).unwrap();
        assert_eq!(resolve(&out, "/link.txt"), Err(Refused::Outside));
        assert_eq!(resolve(&out, "/up/secret.txt"), Err(Refused::Outside));
    }

    #[test]
    fn banner_goes_after_body_and_escapes() {
        let html = "<html><head><title>t</title></head><body class=\"x\">\n<p>hi</p></body></html>";
        let out = with_banner(html, "bad <b>");
        assert!(out.contains("<body class=\"x\">\n<div class=\"seen-serve-error\""));
        assert!(out.contains("bad &lt;b&gt;"));
        assert!(out.contains("href=\"/__seen/error.css\">\n</head>"));
        assert!(!out.contains("<script"));
    }

    #[test]
    fn live_reload_widens_the_policy_for_this_server_only() {
        let html = "<head>\n<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src 'self'\">\n</head><body></body>";
        let out = with_live_reload(html, "7-3");
        assert!(
            out.contains(
                "content=\"default-src 'none'; img-src 'self'; script-src 'self'; connect-src 'self'\">"
            ),
            "{out}"
        );
        assert!(
            out.contains(
                "<script src=\"/__seen/live.js\" data-generation=\"7-3\" defer></script>\n</head>"
            ),
            "{out}"
        );
        let bare = with_live_reload("<p>x</p>", "1-1");
        assert!(
            bare.starts_with("<script src=\"/__seen/live.js\""),
            "{bare}"
        );
        assert_eq!(query_value("since=4-2&x=1", "since"), Some("4-2"));
        assert_eq!(query_value("x=1", "since"), None);
    }

    #[test]
    fn content_types() {
        for (f, t) in [
            ("a.html", "text/html; charset=utf-8"),
            ("a.css", "text/css; charset=utf-8"),
            ("a.svg", "image/svg+xml"),
            ("a.json", "application/json"),
            ("a.PNG", "image/png"),
            ("a.csv", "text/csv; charset=utf-8"),
            ("a.woff2", "font/woff2"),
            ("a.js", "text/javascript; charset=utf-8"),
            ("a.unknown-ext", "application/octet-stream"),
            ("noext", "application/octet-stream"),
        ] {
            assert_eq!(content_type(Path::new(f)), t, "{f}");
        }
    }
}
