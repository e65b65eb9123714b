//! `seen serve`: build, serve the output folder on loopback, rebuild on change.
//!
//! The server is a small hand-written HTTP/1.1 responder for `GET` and `HEAD`
//! on `std::net`, one thread per connection, `Connection: close`. A preview
//! server for one author needs nothing more, and owning the path handling is
//! the point: [`resolve`] is the only way from a request to a file, and it
//! never leaves the output folder (no `..`, encoded or not, no absolute
//! paths, no backslashes, and symlinks are followed only to places inside).
//!
//! Changes are found by polling the modification times and sizes of the
//! content folder, the templates folder and `seen.toml` every
//! [`POLL_INTERVAL`], rebuilding once two polls in a row agree (a debounce:
//! an editor saving several files, or writing one in pieces, causes one
//! rebuild). Polling a site of a few dozen files costs nothing, needs no
//! dependency, and behaves the same on every platform and file system
//! (network mounts, containers, editors that save by renaming), which is
//! where notify-style watchers differ.
//!
//! A failed rebuild is printed in the terminal and shown on every served page
//! as a banner above the last good version of the page (HTML and CSS only:
//! the pages keep their Content-Security-Policy and stay free of
//! JavaScript). The output folder itself always holds the last good site,
//! because a failed build never touches it.

#![allow(clippy::result_large_err)]

use std::fs;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, SystemTime};

use walkdir::WalkDir;

use super::config::CONFIG_FILE;
use super::markdown::escape_html;
use super::{BuildConfig, BuildError, FigureHook};

/// How often the sources are looked at.
pub const POLL_INTERVAL: Duration = Duration::from_millis(300);

/// The stylesheet of the error banner, served at this path (outside the
/// output folder's namespace: no site file can start with `__seen`).
const BANNER_CSS_PATH: &str = "/__seen/error.css";
const BANNER_CSS: &str = "\
.seen-serve-error{position:sticky;top:0;z-index:100;margin:0;padding:1rem 1.5rem;\
background:#fff0f0;color:#5c0000;border-bottom:3px solid #c00;font:14px/1.4 system-ui,sans-serif}\
.seen-serve-error pre{white-space:pre-wrap;overflow:auto;max-height:60vh;margin:.5rem 0 0;\
font:13px/1.4 ui-monospace,monospace}\n";

/// `println!` that survives a closed stdout (a preview server whose
/// terminal went away should keep serving, not panic).
macro_rules! say {
    ($($arg:tt)*) => {{
        let mut out = io::stdout().lock();
        let _ = writeln!(out, $($arg)*);
        let _ = out.flush();
    }};
}

/// `eprintln!` that survives a closed stderr.
macro_rules! warn {
    ($($arg:tt)*) => {{
        let _ = writeln!(io::stderr().lock(), $($arg)*);
    }};
}

/// Where and how to serve.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub bind: IpAddr,
    /// 0 picks a free port; the one chosen is printed.
    pub port: u16,
}

/// What the server threads share with the watcher.
#[derive(Debug, Default)]
struct State {
    /// The output folder being served.
    out_dir: PathBuf,
    /// The last rebuild's errors, while they last.
    error: Option<String>,
}

/// Builds the site, serves it, and rebuilds on every change until the
/// process is stopped. `load` reads the site's settings (`seen.toml` plus
/// command-line overrides) and is called again when `seen.toml` changes.
pub fn serve(
    root: &Path,
    load: &dyn Fn() -> Result<BuildConfig, BuildError>,
    hook: &dyn FigureHook,
    options: &ServeOptions,
) -> io::Result<()> {
    let state = Arc::new(Mutex::new(State::default()));
    // The sources are looked at *before* each build, so that an edit made
    // while a build runs causes another one instead of being missed.
    let mut seen = fingerprint(root, load().ok().as_ref());
    let mut config = rebuild(root, load, hook, &state, None);
    if config.is_none() {
        // seen.toml was broken at the first look: watch the default folders.
        seen = fingerprint(root, None);
    }

    let listener = TcpListener::bind(SocketAddr::new(options.bind, options.port))?;
    let addr = listener.local_addr()?;
    let host = match addr.ip() {
        IpAddr::V6(ip) => format!("[{ip}]"),
        IpAddr::V4(ip) => ip.to_string(),
    };
    say!(
        "Serving {} at http://{host}:{}/",
        out_display(&state),
        addr.port()
    );
    if !addr.ip().is_loopback() {
        say!(
            "warning: {} is reachable from other machines; the default, 127.0.0.1, is not",
            addr.ip()
        );
    }
    say!("Watching for changes; press Ctrl+C to stop.");

    let shared = Arc::clone(&state);
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let state = Arc::clone(&shared);
            thread::spawn(move || {
                let _ = handle(stream, &state);
            });
        }
    });

    loop {
        thread::sleep(POLL_INTERVAL);
        let now = fingerprint(root, config.as_ref());
        if now == seen {
            continue;
        }
        // Wait until the files stop changing.
        let mut settled = now;
        loop {
            thread::sleep(POLL_INTERVAL);
            let again = fingerprint(root, config.as_ref());
            if again == settled {
                break;
            }
            settled = again;
        }
        say!("Change detected, rebuilding…");
        let before = config.clone();
        config = rebuild(root, load, hook, &state, config);
        seen = if config == before {
            settled
        } else {
            // Other folders to watch now (seen.toml moved them).
            fingerprint(root, config.as_ref())
        };
    }
}

fn out_display(state: &Mutex<State>) -> String {
    state
        .lock()
        .map(|s| s.out_dir.display().to_string())
        .unwrap_or_default()
}

/// Reloads the settings and builds; records the outcome in `state`. Returns
/// the settings in force (the previous ones if `seen.toml` is broken).
fn rebuild(
    root: &Path,
    load: &dyn Fn() -> Result<BuildConfig, BuildError>,
    hook: &dyn FigureHook,
    state: &Mutex<State>,
    previous: Option<BuildConfig>,
) -> Option<BuildConfig> {
    let (config, result) = match load() {
        Ok(c) => {
            let r = super::build(&c, hook);
            (Some(c), r.map_err(|e| e.to_string()))
        }
        Err(e) => (previous, Err(e.to_string())),
    };
    let mut s = state.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(c) = &config {
        s.out_dir = c.output_path();
    } else if s.out_dir.as_os_str().is_empty() {
        s.out_dir = root.join("public");
    }
    match result {
        Ok(report) => {
            say!("{report}");
            s.error = None;
        }
        Err(e) => {
            warn!("error: the build failed; still serving the last good site\n{e}");
            s.error = Some(e);
        }
    }
    config
}

/// Modification time and size of every file that a build reads.
fn fingerprint(
    root: &Path,
    config: Option<&BuildConfig>,
) -> Vec<(PathBuf, Option<SystemTime>, u64)> {
    let mut out = Vec::new();
    let mut add = |p: &Path| {
        if let Ok(m) = fs::metadata(p) {
            out.push((p.to_path_buf(), m.modified().ok(), m.len()));
        } else {
            out.push((p.to_path_buf(), None, 0));
        }
    };
    add(&root.join(CONFIG_FILE));
    let dirs = match config {
        Some(c) => vec![c.content_path(), c.templates_path()],
        None => vec![root.join("content"), root.join("templates")],
    };
    for dir in dirs {
        add(&dir);
        for entry in WalkDir::new(&dir).sort_by_file_name().into_iter().flatten() {
            if entry.depth() > 0 {
                add(entry.path());
            }
        }
    }
    out
}

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
fn percent_decode(s: &str) -> Option<String> {
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

struct Response {
    status: &'static str,
    content_type: &'static str,
    body: Vec<u8>,
    location: Option<String>,
}

impl Response {
    fn text(status: &'static str, body: &str) -> Response {
        Response {
            status,
            content_type: "text/plain; charset=utf-8",
            body: format!("{body}\n").into_bytes(),
            location: None,
        }
    }
}

fn handle(stream: TcpStream, state: &Mutex<State>) -> io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    stream.set_write_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?.take(16 * 1024));
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    // Read (and ignore) the headers, up to the blank line.
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" || line == "\n" {
            break;
        }
    }
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let head = method == "HEAD";
    let response = if method != "GET" && !head {
        Response::text("405 Method Not Allowed", "only GET and HEAD")
    } else {
        respond(target, state)
    };
    write_response(stream, &response, head)
}

fn respond(target: &str, state: &Mutex<State>) -> Response {
    if target.split('?').next() == Some(BANNER_CSS_PATH) {
        return Response {
            status: "200 OK",
            content_type: "text/css; charset=utf-8",
            body: BANNER_CSS.as_bytes().to_vec(),
            location: None,
        };
    }
    let (out_dir, error) = {
        let s = state.lock().unwrap_or_else(|p| p.into_inner());
        (s.out_dir.clone(), s.error.clone())
    };
    let wants_html = {
        let p = target.split('?').next().unwrap_or("");
        p.ends_with('/')
            || p.ends_with(".html")
            || !p.rsplit('/').next().unwrap_or("").contains('.')
    };
    match resolve(&out_dir, target) {
        Ok(file) => match fs::read(&file) {
            Ok(bytes) => {
                let ct = content_type(&file);
                let body = match (&error, ct.starts_with("text/html")) {
                    (Some(e), true) => {
                        with_banner(&String::from_utf8_lossy(&bytes), e).into_bytes()
                    }
                    _ => bytes,
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
                body: error_page(e).into_bytes(),
                location: None,
            },
            _ => Response::text("404 Not Found", "not found"),
        },
        Err(Refused::AddSlash) => Response {
            status: "301 Moved Permanently",
            content_type: "text/plain; charset=utf-8",
            body: b"moved\n".to_vec(),
            location: Some(format!("{}/", target.split('?').next().unwrap_or(""))),
        },
        Err(Refused::Outside) => Response::text("403 Forbidden", "outside the site"),
        Err(Refused::BadRequest(why)) => Response::text("400 Bad Request", why),
    }
}

fn write_response(mut stream: TcpStream, r: &Response, head: bool) -> io::Result<()> {
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

fn banner(error: &str) -> String {
    format!(
        "<div class=\"seen-serve-error\" role=\"alert\"><strong>The last rebuild failed.</strong> \
         This is the last good version of the page; fix the error below and reload.\
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
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'self'\">\n\
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
        ] {
            assert_eq!(resolve(&out, bad), Err(Refused::Outside), "{bad}");
        }
        assert!(matches!(
            resolve(&out, "secret.txt"),
            Err(Refused::BadRequest(_))
        ));
        assert!(matches!(resolve(&out, "/%zz"), Err(Refused::BadRequest(_))));
        // An absolute path after the slash stays inside the root.
        assert_eq!(
            resolve(
                &out,
                &format!("/{}", dir.path().join("secret.txt").display())
            ),
            Err(Refused::NotFound)
        );
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
    fn content_types() {
        for (f, t) in [
            ("a.html", "text/html; charset=utf-8"),
            ("a.css", "text/css; charset=utf-8"),
            ("a.svg", "image/svg+xml"),
            ("a.json", "application/json"),
            ("a.PNG", "image/png"),
        ] {
            assert_eq!(content_type(Path::new(f)), t);
        }
    }
}
