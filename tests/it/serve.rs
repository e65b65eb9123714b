//! `seen serve` end to end: the real binary on a free loopback port, raw TCP
//! requests (so nothing normalises the paths on the way), file edits while it
//! runs.

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

/// The server process, killed when the test ends, whether it passes or not.
struct Server {
    child: Child,
    port: u16,
    stderr: Arc<Mutex<String>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const PAGE: &str = "+++\ntitle = \"Home\"\n+++\n\n# VERSION\n\n```autograd\nid = \"single\"\nparams = { w = 1.15, b = -0.8 }\ninputs = { x = 1.6 }\ngraph = \"\"\"\nz = w * x + b\nloss = relu(z)\n\"\"\"\n```\n";

fn page(version: &str) -> String {
    PAGE.replace("VERSION", version)
}

/// A small site in a temp folder, with a secret next to the output folder.
fn site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::write(root.join("seen.toml"), "title = \"Served\"\n").unwrap();
    fs::create_dir_all(root.join("content/sub")).unwrap();
    fs::write(root.join("content/index.md"), page("First version")).unwrap();
    fs::write(
        root.join("content/sub/other.md"),
        "+++\ntitle = \"Other\"\n+++\n\nOther page.\n",
    )
    .unwrap();
    fs::write(root.join("content/data.json"), "{\"a\": 1}\n").unwrap();
    fs::write(root.join("content/pic.png"), b"\x89PNG\r\n\x1a\nnot really").unwrap();
    fs::write(root.join("secret.txt"), "TOP-SECRET\n").unwrap();
    dir
}

fn start(root: &Path) -> Server {
    start_with(root, &[])
}

fn start_with(root: &Path, extra: &[&str]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_seen"))
        .args(["serve", "--port", "0", "--root"])
        .arg(root)
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn seen serve");
    let stdout = child.stdout.take().unwrap();
    let stderr = child.stderr.take().unwrap();
    let collected = Arc::new(Mutex::new(String::new()));
    let sink = Arc::clone(&collected);
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let mut s = sink.lock().unwrap();
            s.push_str(&line);
            s.push('\n');
        }
    });
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        // Keep reading after the URL, so the server never writes into a
        // closed pipe.
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    // Wrap it now so that it is killed even if the start-up fails.
    let mut server = Server {
        child,
        port: 0,
        stderr: collected,
    };
    let deadline = Instant::now() + Duration::from_secs(120);
    while server.port == 0 {
        let left = deadline.saturating_duration_since(Instant::now());
        let line = rx
            .recv_timeout(left)
            .unwrap_or_else(|_| panic!("no URL printed; stderr:\n{}", server.stderr()));
        if let Some(url) = line.split("http://127.0.0.1:").nth(1) {
            server.port = url.trim_end_matches('/').parse().expect("a port");
        }
    }
    server
}

impl Server {
    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Sends `request_line` as it is and returns (status code, headers, body).
    fn raw(&self, request_line: &str) -> (u16, String, Vec<u8>) {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        write!(s, "{request_line}\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
        let mut bytes = Vec::new();
        if let Err(e) = s.read_to_end(&mut bytes) {
            panic!("{request_line}: {e}; stderr:\n{}", self.stderr());
        }
        let split = bytes
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .unwrap_or_else(|| {
                panic!(
                    "{request_line}: no header block in {bytes:?}; stderr:\n{}",
                    self.stderr()
                )
            });
        let head = String::from_utf8_lossy(&bytes[..split]).into_owned();
        let code = head
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .expect("a status code");
        (code, head, bytes[split + 4..].to_vec())
    }

    fn get(&self, path: &str) -> (u16, String, String) {
        let (code, head, body) = self.raw(&format!("GET {path} HTTP/1.1"));
        (code, head, String::from_utf8_lossy(&body).into_owned())
    }

    /// Waits until the server has printed `text` on stderr.
    fn wait_for_stderr(&self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while !self.stderr().contains(text) {
            assert!(
                Instant::now() < deadline,
                "timed out waiting for `{text}` on stderr:\n{}",
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Polls `path` until `pred` holds on its body.
    fn wait_for(&self, path: &str, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let (_, _, body) = self.get(path);
            if pred(&body) {
                return body;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; stderr:\n{}",
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

fn content_type(head: &str) -> &str {
    head.lines()
        .find_map(|l| l.strip_prefix("Content-Type: "))
        .unwrap_or("")
}

#[test]
fn answers_on_loopback_with_the_right_types() {
    let dir = site();
    let server = start(dir.path());
    let (code, head, body) = server.get("/");
    assert_eq!(code, 200, "{head}");
    assert_eq!(content_type(&head), "text/html; charset=utf-8");
    assert!(body.contains("First version"));
    assert!(body.contains("<figure class=\"fig trace\""));

    for (path, ty) in [
        ("/index.html", "text/html; charset=utf-8"),
        ("/sub/other.html", "text/html; charset=utf-8"),
        ("/style.css", "text/css; charset=utf-8"),
        ("/data.json", "application/json"),
        ("/pic.png", "image/png"),
        ("/figures/index/single/atomic-frames.svg", "image/svg+xml"),
    ] {
        let (code, head, _) = server.get(path);
        assert_eq!(code, 200, "{path}: {head}");
        assert_eq!(content_type(&head), ty, "{path}");
    }
    let (code, head, body) = server.raw("HEAD /style.css HTTP/1.1");
    assert_eq!(code, 200);
    assert!(head.contains("Content-Length: ") && body.is_empty());
    assert_eq!(server.get("/missing.html").0, 404);
    let (code, head, _) = server.get("/sub");
    assert_eq!(code, 301);
    assert!(head.contains("Location: /sub/"), "{head}");
    assert_eq!(server.raw("POST / HTTP/1.1").0, 405);
}

#[test]
fn rebuilds_on_change_and_keeps_the_last_good_site_on_a_bad_edit() {
    let dir = site();
    let root = dir.path();
    let server = start(root);
    assert!(server.get("/").2.contains("First version"));

    // A good edit is served after the rebuild.
    fs::write(root.join("content/index.md"), page("Second version")).unwrap();
    server.wait_for("/", "the rebuilt page", |b| b.contains("Second version"));

    // A bad edit: the error shows in the terminal and on the page, above the
    // last good version of the page.
    let bad = page("Third version").replace("loss = relu(z)", "loss = relu(q)");
    fs::write(root.join("content/index.md"), bad).unwrap();
    let body = server.wait_for("/", "the error banner", |b| b.contains("seen-serve-error"));
    assert!(
        body.contains("Second version"),
        "the last good page is kept"
    );
    assert!(!body.contains("Third version"));
    assert!(body.contains("content/index.md:13:13"), "{body}");
    assert!(body.contains("unknown name `q`"));
    // The page may show the banner a moment before the reader thread has
    // collected the same error from the terminal.
    server.wait_for_stderr("content/index.md:13:13: error: unknown name `q`");
    let on_disk = fs::read_to_string(root.join("public/index.html")).unwrap();
    assert!(on_disk.contains("Second version") && !on_disk.contains("seen-serve-error"));
    // The banner's style is a stylesheet (the pages' CSP blocks inline style),
    // and other files are served as they were.
    let (code, head, _) = server.get("/__seen/error.css");
    assert_eq!(
        (code, content_type(&head)),
        (200, "text/css; charset=utf-8")
    );
    assert!(body.contains("href=\"/__seen/error.css\""));
    let (code, _, css) = server.get("/style.css");
    assert!(code == 200 && !css.contains("seen-serve-error"));
    // A page that never built shows the error itself.
    let (code, _, body) = server.get("/not-yet.html");
    assert_eq!(code, 500);
    assert!(body.contains("unknown name `q`"));

    // A broken seen.toml is reported the same way.
    fs::write(root.join("content/index.md"), page("Fourth version")).unwrap();
    server.wait_for("/", "the fixed page", |b| {
        b.contains("Fourth version") && !b.contains("seen-serve-error")
    });
    fs::write(
        root.join("seen.toml"),
        "title = \"Served\"\ntitel = \"x\"\n",
    )
    .unwrap();
    let body = server.wait_for("/", "the seen.toml error", |b| {
        b.contains("seen-serve-error")
    });
    assert!(body.contains("seen.toml:2:1"), "{body}");
    assert!(body.contains("Fourth version"));

    // A template edit is picked up too.
    fs::write(root.join("seen.toml"), "title = \"Served again\"\n").unwrap();
    server.wait_for("/", "the new title", |b| {
        b.contains("Served again") && !b.contains("seen-serve-error")
    });
    fs::create_dir_all(root.join("templates")).unwrap();
    fs::write(
        root.join("templates/page.html"),
        "{% extends \"base.html\" %}{% block body %}<main>CUSTOM {{ content | safe }}</main>{% endblock body %}",
    )
    .unwrap();
    server.wait_for("/", "the new template", |b| b.contains("<main>CUSTOM"));
}

#[test]
fn never_serves_a_file_outside_the_output_folder() {
    let dir = site();
    let root = dir.path();
    let server = start(root);
    let public = root.join("public");
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(root.join("secret.txt"), public.join("link.txt")).unwrap();
        std::os::unix::fs::symlink(root, public.join("up")).unwrap();
        std::os::unix::fs::symlink("/etc", public.join("etc")).unwrap();
    }
    let secret = root.join("secret.txt");
    let abs = secret.display().to_string();
    let attempts = [
        "/../secret.txt".to_string(),
        "/../../../../../../etc/passwd".to_string(),
        "/sub/../../secret.txt".to_string(),
        "/./../secret.txt".to_string(),
        "/%2e%2e/secret.txt".to_string(),
        "/%2E%2E/secret.txt".to_string(),
        "/.%2e/secret.txt".to_string(),
        "/%2e%2e%2fsecret.txt".to_string(),
        "/..%2Fsecret.txt".to_string(),
        "/..%2f..%2f..%2f..%2fetc%2fpasswd".to_string(),
        "/..%5csecret.txt".to_string(),
        "/..\\secret.txt".to_string(),
        "/sub\\..\\..\\secret.txt".to_string(),
        "/%252e%252e/secret.txt".to_string(),
        "/..%00/secret.txt".to_string(),
        format!("/{abs}"),
        format!("/{}", abs.replace('/', "%2f")),
        format!("/{}", abs.trim_start_matches('/')),
        "//etc/passwd".to_string(),
        "/etc/passwd".to_string(),
        "../secret.txt".to_string(),
        abs.clone(),
        "http://127.0.0.1/../secret.txt".to_string(),
        "/C:%5Csecret.txt".to_string(),
        "/link.txt".to_string(),
        "/up/secret.txt".to_string(),
        "/up/public/../secret.txt".to_string(),
        "/etc/passwd".to_string(),
        "/etc/".to_string(),
    ];
    for path in &attempts {
        for method in ["GET", "HEAD"] {
            let (code, head, body) = server.raw(&format!("{method} {path} HTTP/1.1"));
            let body = String::from_utf8_lossy(&body);
            assert_ne!(code, 200, "{method} {path} was served: {head}");
            assert!(
                !body.contains("TOP-SECRET") && !body.contains("root:"),
                "{method} {path} leaked: {body}"
            );
        }
    }
    // The server is still up and serving the site.
    assert_eq!(server.get("/").0, 200);
}

/// The served pages, and only they, carry the live-reload script, with the
/// CSP widened for exactly that script and its event stream; the built
/// pages on disk carry neither.
#[test]
fn served_pages_reload_themselves_and_built_ones_have_no_script() {
    let dir = site();
    let root = dir.path();
    let server = start(root);
    let host = format!("127.0.0.1:{}", server.port);
    // (The test's requests send `Host: 127.0.0.1`; the policy names the port the server listens on.)
    let (_, _, body) = server.get("/");
    let script = body
        .lines()
        .find(|l| l.starts_with("<script "))
        .unwrap_or_else(|| panic!("no script in {body}"));
    let generation = script
        .split("data-generation=\"")
        .nth(1)
        .and_then(|g| g.split('"').next())
        .unwrap()
        .to_string();
    assert_eq!(
        script,
        format!("<script src=\"/__seen/live.js\" data-generation=\"{generation}\" defer></script>")
    );
    assert_eq!(body.matches("<script").count(), 1);
    assert!(
        body.contains(&format!(
            "content=\"default-src 'none'; style-src 'self'; img-src 'self'; \
         script-src http://{host}/__seen/live.js; connect-src http://{host}/__seen/events\""
        )),
        "{body}"
    );
    assert!(body.find("<script").unwrap() < body.find("</head>").unwrap());
    let (code, head, js) = server.get("/__seen/live.js");
    assert_eq!(code, 200);
    assert_eq!(content_type(&head), "text/javascript; charset=utf-8");
    assert!(js.contains("EventSource(\"/__seen/events?since=\""), "{js}");
    // Other files are served untouched.
    let (_, _, css) = server.get("/style.css");
    assert!(!css.contains("live.js"));
    let (_, _, svg) = server.get("/figures/index/single/atomic-frames.svg");
    assert!(!svg.contains("<script"));

    // An out-of-date page hears at once that it should reload.
    let mut old = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    old.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(
        old,
        "GET /__seen/events?since=0-0 HTTP/1.1\r\nHost: {host}\r\n\r\n"
    )
    .unwrap();
    let mut text = String::new();
    old.read_to_string(&mut text).unwrap();
    assert!(text.contains("Content-Type: text/event-stream"), "{text}");
    assert!(
        text.contains(&format!("event: rebuilt\ndata: {generation}\n\n")),
        "{text}"
    );

    // A current page waits, and hears of the next rebuild.
    let mut stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    write!(
        stream,
        "GET /__seen/events?since={generation} HTTP/1.1\r\nHost: {host}\r\n\r\n"
    )
    .unwrap();
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    while line != "retry: 500\n" {
        line.clear();
        assert!(
            reader.read_line(&mut line).unwrap() > 0,
            "stream ended early"
        );
    }
    let edited = Instant::now();
    fs::write(root.join("content/index.md"), page("Edited")).unwrap();
    let mut rest = String::new();
    reader.read_to_string(&mut rest).unwrap();
    let rest = rest.trim_start();
    assert!(rest.starts_with("event: rebuilt\ndata: "), "{rest}");
    assert_ne!(rest, format!("event: rebuilt\ndata: {generation}\n\n"));
    assert!(server.get("/").2.contains("Edited"));
    eprintln!("edit to rebuilt event: {:?}", edited.elapsed());

    // The built site itself has no script and the plain policy.
    let on_disk = fs::read_to_string(root.join("public/index.html")).unwrap();
    assert!(!on_disk.to_lowercase().contains("<script"));
    assert!(on_disk.contains("content=\"default-src 'none'; style-src 'self'; img-src 'self'\""));
    for file in crate::support::snapshot(&root.join("public")).keys() {
        assert!(!file.to_string_lossy().contains("live"), "{file:?}");
    }
}

/// `--poll`: no file-system events, the same rebuilds.
#[test]
fn polling_still_rebuilds() {
    let dir = site();
    let root = dir.path();
    let server = start_with(root, &["--poll"]);
    assert!(server.get("/").2.contains("First version"));
    fs::write(root.join("content/index.md"), page("Polled version")).unwrap();
    server.wait_for("/", "the rebuilt page", |b| b.contains("Polled version"));
}

/// Open pages reload only when what the server sends has changed: not for
/// an editor's hidden swap file, nor for a save that changes no output.
#[test]
fn pages_do_not_reload_for_saves_that_change_nothing() {
    let dir = site();
    let root = dir.path();
    let server = start(root);
    let (_, _, body) = server.get("/");
    let generation = body
        .split("data-generation=\"")
        .nth(1)
        .and_then(|g| g.split('"').next())
        .unwrap()
        .to_string();
    let mut stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    write!(
        stream,
        "GET /__seen/events?since={generation} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    )
    .unwrap();
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    while line != "retry: 500\n" {
        line.clear();
        assert!(
            reader.read_line(&mut line).unwrap() > 0,
            "stream ended early"
        );
    }
    fs::write(root.join("content/.index.md.swp"), "swap").unwrap();
    fs::write(root.join("content/index.md"), page("First version")).unwrap();
    reader
        .get_ref()
        .set_read_timeout(Some(Duration::from_millis(1500)))
        .unwrap();
    let mut rest = String::new();
    let quiet = reader.read_line(&mut rest);
    assert!(
        quiet.is_err() || rest.trim().is_empty(),
        "an event for nothing: {rest:?}; stderr:\n{}",
        server.stderr()
    );
    reader
        .get_ref()
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    fs::write(root.join("content/index.md"), page("Changed")).unwrap();
    let mut event = String::new();
    while !event.contains("event: rebuilt") {
        line.clear();
        assert!(reader.read_line(&mut line).unwrap() > 0, "no event");
        event.push_str(&line);
    }
}

/// A formula nested 10,000 deep, saved while serving, overflowed the stack
/// and took the server down; now it is an error like any other.
#[test]
fn a_deeply_nested_formula_does_not_take_the_server_down() {
    let dir = site();
    let root = dir.path();
    let mut server = start(root);
    let deep = format!("{}x{}", "{".repeat(4_000), "}".repeat(4_000));
    let bad =
        page("Deep version").replace("# Deep version", &format!("# Deep version\n\n${deep}$"));
    fs::write(root.join("content/index.md"), bad).unwrap();
    let body = server.wait_for("/", "the error banner", |b| b.contains("seen-serve-error"));
    assert!(body.contains("nests more than 32 levels deep"), "{body}");
    assert!(
        server.child.try_wait().unwrap().is_none(),
        "the server is still running"
    );
    fs::write(root.join("content/index.md"), page("Fixed version")).unwrap();
    server.wait_for("/", "the fixed page", |b| {
        b.contains("Fixed version") && !b.contains("seen-serve-error")
    });
}
