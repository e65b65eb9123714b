//! The HTTP side of `seen serve`: which file a request may read, the
//! responses, the live-reload script and event stream, and the error
//! banner over the last good page.

use super::*;

// ---------------------------------------------------------------------------
// HTTP
// ---------------------------------------------------------------------------

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
    let path = target.split(['?', '#']).next().unwrap_or("");
    let Some(rest) = path.strip_prefix('/') else {
        return Err(Refused::BadRequest("the request target is not a path"));
    };
    let mut rel = PathBuf::new();
    for raw in rest.split('/') {
        let seg = percent_decode(raw).ok_or(Refused::BadRequest("bad percent-encoding"))?;
        if seg.is_empty() {
            continue; // `//` or a trailing slash
        }
        if seg == "." || seg == ".." || seg.contains(['/', '\\', ':', '\0']) {
            return Err(Refused::Outside);
        }
        rel.push(seg);
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

/// `%XX` decoding of one path segment; `None` for a bad escape or non-UTF-8.
pub(super) fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The Content-Type of a file, by extension.
pub fn content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        "json" => "application/json",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "txt" | "md" => "text/plain; charset=utf-8",
        "xml" => "application/xml",
        "pdf" => "application/pdf",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        _ => "application/octet-stream",
    }
}

pub(super) struct Response {
    pub(super) status: &'static str,
    pub(super) content_type: &'static str,
    pub(super) body: Vec<u8>,
    pub(super) location: Option<String>,
}

impl Response {
    pub(super) fn text(status: &'static str, body: &str) -> Response {
        Response {
            status,
            content_type: "text/plain; charset=utf-8",
            body: format!("{body}\n").into_bytes(),
            location: None,
        }
    }
}

pub(super) fn handle(stream: TcpStream, shared: &Shared) -> io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    stream.set_write_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?.take(16 * 1024));
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    // Read the headers, up to the blank line; only `Host` is used.
    let mut host = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" || line == "\n" {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("host")
        {
            host = Some(value.trim().to_string());
        }
    }
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let head = method == "HEAD";
    if method == "GET" && path_of(target) == EVENTS_PATH {
        return events(
            stream,
            shared,
            query_value(target, "since").unwrap_or_default(),
        );
    }
    let response = if method != "GET" && !head {
        Response::text("405 Method Not Allowed", "only GET and HEAD")
    } else {
        respond(target, host.as_deref(), shared)
    };
    write_response(stream, &response, head)
}

/// The path of a request target, without query or fragment.
pub(super) fn path_of(target: &str) -> &str {
    target.split(['?', '#']).next().unwrap_or("")
}

/// The raw value of `key` in a request target's query.
pub(super) fn query_value<'a>(target: &'a str, key: &str) -> Option<&'a str> {
    let query = target.split_once('?')?.1.split('#').next()?;
    query
        .split('&')
        .find_map(|kv| kv.strip_prefix(key)?.strip_prefix('='))
}

/// The Server-Sent Events stream of one open page: an `event: rebuilt` as
/// soon as the build generation differs from `since` (at once if it already
/// does), a comment every [`EVENTS_KEEPALIVE`] until then.
pub(super) fn events(mut stream: TcpStream, shared: &Shared, since: &str) -> io::Result<()> {
    // `retry`: how soon the browser reconnects after the server restarts.
    stream.write_all(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\n\
          X-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\nretry: 500\n\n",
    )?;
    stream.flush()?;
    let mut state = shared.lock();
    loop {
        let now = generation(state.builds);
        if now != since {
            drop(state);
            write!(stream, "event: rebuilt\ndata: {now}\n\n")?;
            return stream.flush();
        }
        let (s, timeout) = shared
            .rebuilt
            .wait_timeout(state, EVENTS_KEEPALIVE)
            .unwrap_or_else(|p| p.into_inner());
        state = s;
        if timeout.timed_out() {
            drop(state);
            // Fails once the page is gone, which ends this thread.
            stream.write_all(b": waiting\n\n")?;
            stream.flush()?;
            state = shared.lock();
        }
    }
}

pub(super) fn respond(target: &str, host: Option<&str>, shared: &Shared) -> Response {
    match path_of(target) {
        BANNER_CSS_PATH => {
            return Response {
                status: "200 OK",
                content_type: "text/css; charset=utf-8",
                body: BANNER_CSS.as_bytes().to_vec(),
                location: None,
            };
        }
        LIVE_JS_PATH => {
            return Response {
                status: "200 OK",
                content_type: "text/javascript; charset=utf-8",
                body: LIVE_JS.as_bytes().to_vec(),
                location: None,
            };
        }
        _ => {}
    }
    // The generation is read before the file, so that a page can only be
    // older than its generation (and then reloads once more), never newer.
    let (out_dir, error, builds, port) = {
        let s = shared.lock();
        (s.out_dir.clone(), s.error.clone(), s.builds, s.port)
    };
    let origin = host.and_then(|h| origin(h, port));
    let live =
        |html: String| with_live_reload(&html, &generation(builds), origin.as_deref()).into_bytes();
    let wants_html = {
        let p = path_of(target);
        p.ends_with('/')
            || p.ends_with(".html")
            || !p.rsplit('/').next().unwrap_or("").contains('.')
    };
    match resolve(&out_dir, target) {
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
                Response {
                    status: "200 OK",
                    content_type: ct,
                    body,
                    location: None,
                }
            }
            Err(_) => Response::text("404 Not Found", "not found"),
        },
        Err(Refused::NotFound) => match &error {
            // No good version of this page: show the error itself.
            Some(e) if wants_html => Response {
                status: "500 Internal Server Error",
                content_type: "text/html; charset=utf-8",
                body: live(error_page(e)),
                location: None,
            },
            _ => Response::text("404 Not Found", "not found"),
        },
        Err(Refused::AddSlash) => Response {
            status: "301 Moved Permanently",
            content_type: "text/plain; charset=utf-8",
            body: b"moved\n".to_vec(),
            location: Some(format!("{}/", path_of(target))),
        },
        Err(Refused::Outside) => Response::text("403 Forbidden", "outside the site"),
        Err(Refused::BadRequest(why)) => Response::text("400 Bad Request", why),
    }
}

/// The origin a browser sees for this server: `http://`, the host name of
/// the request's `Host` header and the port the server listens on. `None`
/// for a header that is not a plain host name or address.
pub(super) fn origin(host: &str, port: u16) -> Option<String> {
    let name = match host.strip_prefix('[') {
        Some(rest) => format!("[{}]", rest.split(']').next()?),
        None => host.split(':').next()?.to_string(),
    };
    let plain = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c));
    (plain && !name.is_empty() && name != "[]").then(|| format!("http://{name}:{port}"))
}

/// A served page with the live-reload script: the script element before
/// `</head>`, carrying the page's build generation, and the page's
/// Content-Security-Policy widened for that script's URL and its event
/// stream, and nothing else. `origin` is the server as the browser sees it
/// ([`origin`]); without one the policy falls back to `'self'` (any script
/// of this server, which serves no other).
pub fn with_live_reload(html: &str, generation: &str, origin: Option<&str>) -> String {
    let (script, connect) = match origin {
        Some(o) => (format!("{o}{LIVE_JS_PATH}"), format!("{o}{EVENTS_PATH}")),
        None => ("'self'".to_string(), "'self'".to_string()),
    };
    let mut html = widen_csp(html, &format!("script-src {script}; connect-src {connect}"));
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
pub(super) fn widen_csp(html: &str, directives: &str) -> String {
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

pub(super) fn write_response(mut stream: TcpStream, r: &Response, head: bool) -> io::Result<()> {
    let mut out = format!(
        "HTTP/1.1 {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-store\r\n\
         X-Content-Type-Options: nosniff\r\nConnection: close\r\n",
        r.status,
        r.content_type,
        r.body.len()
    );
    if let Some(l) = &r.location {
        out.push_str(&format!("Location: {l}\r\n"));
    }
    out.push_str("\r\n");
    stream.write_all(out.as_bytes())?;
    if !head {
        stream.write_all(&r.body)?;
    }
    stream.flush()
}

pub(super) fn banner(error: &str) -> String {
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
pub(super) fn with_banner(html: &str, error: &str) -> String {
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

pub(super) fn error_page(error: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'self'; base-uri 'none'; form-action 'none'\">\n\
         <title>Build failed · seen</title>\n\
         <link rel=\"stylesheet\" href=\"{BANNER_CSS_PATH}\">\n</head>\n<body>\n{}</body>\n</html>\n",
        banner(error)
    )
}
