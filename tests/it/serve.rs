//! `seen serve` end to end: the real binary on a free loopback port, raw TCP
//! requests (so nothing normalises the paths on the way), file edits while it
//! runs, and clients that misbehave (huge, slow, idle, or for another host).

use std::fs;
use std::io::{self, BufRead, BufReader, Read, Write};
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
    let mut command = Command::new(env!("CARGO_BIN_EXE_seen"));
    command
        .args(["serve", "--port", "0", "--root"])
        .arg(root)
        .args(extra);
    spawn(command)
}

/// `seen serve` with the default root, run in the folder `cwd`.
fn start_in(cwd: &Path) -> Server {
    let mut command = Command::new(env!("CARGO_BIN_EXE_seen"));
    command.args(["serve", "--port", "0"]).current_dir(cwd);
    spawn(command)
}

fn spawn(mut command: Command) -> Server {
    let mut child = command
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

    /// The `Host` header a browser sends to this server.
    fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    fn connect(&self) -> TcpStream {
        let s = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        s
    }

    /// Sends `request_line` as it is, with this server's `Host`, and returns
    /// (status code, headers, body).
    fn raw(&self, request_line: &str) -> (u16, String, Vec<u8>) {
        self.request(&format!("{request_line}\r\nHost: {}\r\n\r\n", self.host()))
    }

    /// Sends `request` byte for byte and returns (status code, headers, body).
    fn request(&self, request: &str) -> (u16, String, Vec<u8>) {
        let request_line = request.lines().next().unwrap_or("").to_string();
        let request_line = &request_line[..request_line.len().min(100)];
        let mut s = self.connect();
        s.write_all(request.as_bytes()).unwrap();
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

    /// Opens the live-reload stream of a page served with `generation`.
    fn events(&self, generation: &str) -> Events {
        let mut s = self.connect();
        write!(
            s,
            "GET /__seen/events?since={generation} HTTP/1.1\r\nHost: {}\r\n\r\n",
            self.host()
        )
        .unwrap();
        let mut reader = BufReader::new(s);
        let mut head = String::new();
        while !head.ends_with("\r\n\r\n") {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap() == 0 {
                break;
            }
            head.push_str(&line);
        }
        Events { reader, head }
    }

    /// The number of threads of the server process.
    fn threads(&self) -> usize {
        fs::read_dir(format!("/proc/{}/task", self.child.id()))
            .map(|d| d.count())
            .unwrap_or(0)
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

/// A live-reload stream: its response head, and its body read one chunk
/// (one event or comment) at a time.
struct Events {
    reader: BufReader<TcpStream>,
    head: String,
}

impl Events {
    /// The next chunk of the body (`Transfer-Encoding: chunked`), `None` at
    /// its end; an error when nothing came within the read timeout.
    fn next(&mut self) -> io::Result<Option<String>> {
        let mut size = String::new();
        if self.reader.read_line(&mut size)? == 0 {
            return Ok(None);
        }
        let n = usize::from_str_radix(size.trim(), 16)
            .map_err(|_| io::Error::other(format!("not a chunk size: {size:?}")))?;
        if n == 0 {
            return Ok(None);
        }
        let mut chunk = vec![0; n + 2];
        self.reader.read_exact(&mut chunk)?;
        Ok(Some(String::from_utf8_lossy(&chunk[..n]).into_owned()))
    }

    /// The next chunk that is not a keep-alive comment.
    fn next_event(&mut self) -> Option<String> {
        loop {
            match self.next().expect("read the event stream") {
                Some(c) if c.starts_with(':') => continue,
                other => return other,
            }
        }
    }

    fn set_timeout(&self, t: Duration) {
        self.reader.get_ref().set_read_timeout(Some(t)).unwrap();
    }
}

/// The build generation a served page carries.
fn generation_of(page: &str) -> String {
    page.split("data-generation=\"")
        .nth(1)
        .and_then(|g| g.split('"').next())
        .unwrap_or_else(|| panic!("no generation in {page}"))
        .to_string()
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
    let (_, _, body) = server.get("/");
    let script = body
        .lines()
        .find(|l| l.starts_with("<script "))
        .unwrap_or_else(|| panic!("no script in {body}"));
    let generation = generation_of(&body);
    assert_eq!(
        script,
        format!("<script src=\"/__seen/live.js\" data-generation=\"{generation}\" defer></script>")
    );
    assert_eq!(body.matches("<script").count(), 1);
    // The policy allows this server's scripts and streams, whatever name
    // the request used for it.
    assert!(
        body.contains(
            "content=\"default-src 'none'; style-src 'self'; img-src 'self'; \
             base-uri 'none'; form-action 'none'; script-src 'self'; connect-src 'self'\""
        ),
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
    let mut old = server.events("0-0");
    assert!(
        old.head.contains("Content-Type: text/event-stream"),
        "{}",
        old.head
    );
    assert_eq!(old.next_event().as_deref(), Some("retry: 500\n\n"));
    assert_eq!(
        old.next_event(),
        Some(format!("event: rebuilt\ndata: {generation}\n\n"))
    );
    assert_eq!(old.next_event(), None, "the stream ends after its event");

    // A current page waits, and hears of the next rebuild.
    let mut stream = server.events(&generation);
    stream.set_timeout(Duration::from_secs(60));
    assert_eq!(stream.next_event().as_deref(), Some("retry: 500\n\n"));
    let edited = Instant::now();
    fs::write(root.join("content/index.md"), page("Edited")).unwrap();
    let event = stream.next_event().expect("an event");
    assert!(event.starts_with("event: rebuilt\ndata: "), "{event}");
    assert_ne!(event, format!("event: rebuilt\ndata: {generation}\n\n"));
    assert!(server.get("/").2.contains("Edited"));
    eprintln!("edit to rebuilt event: {:?}", edited.elapsed());

    // The built site itself has no script and the plain policy.
    let on_disk = fs::read_to_string(root.join("public/index.html")).unwrap();
    assert!(!on_disk.to_lowercase().contains("<script"));
    assert!(on_disk.contains(
        "content=\"default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'\""
    ));
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
    let generation = generation_of(&server.get("/").2);
    let mut stream = server.events(&generation);
    assert_eq!(stream.next_event().as_deref(), Some("retry: 500\n\n"));
    fs::write(root.join("content/.index.md.swp"), "swap").unwrap();
    fs::write(root.join("content/index.md"), page("First version")).unwrap();
    stream.set_timeout(Duration::from_millis(1500));
    let quiet = stream.next();
    assert!(
        quiet.is_err()
            || quiet
                .as_ref()
                .unwrap()
                .as_ref()
                .is_some_and(|c| c.starts_with(':')),
        "an event for nothing: {quiet:?}; stderr:\n{}",
        server.stderr()
    );
    stream.set_timeout(Duration::from_secs(60));
    fs::write(root.join("content/index.md"), page("Changed")).unwrap();
    let event = stream.next_event().expect("an event");
    assert!(event.starts_with("event: rebuilt"), "{event}");
}

/// Issue 20: `cd site && seen serve` (the default root, `.`) follows every
/// edit: a page, and a CSV file that a block of another page reads. The
/// watched folders were relative and the file-system events absolute, so
/// no edit was ever noticed.
#[test]
fn serve_inside_the_site_folder_follows_edits_to_pages_and_data() {
    let dir = site();
    let root = dir.path();
    crate::support::write(root, "content/data.md", DATA_PAGE);
    crate::support::write(root, "content/points.csv", "x,y\n-2.2,0\n-0.6,0\n2.0,1\n");
    let server = start_in(root);
    assert!(server.get("/").2.contains("First version"));
    let trace = "/figures/data/fit/trace.json";
    let (code, _, before) = server.get(trace);
    assert_eq!(code, 200, "{before}");
    let data_page = || without_live_reload(&server.get("/data.html").2);
    let data_before = data_page();

    fs::write(root.join("content/index.md"), page("Edited in place")).unwrap();
    server.wait_for("/", "the edited page", |b| b.contains("Edited in place"));

    fs::write(
        root.join("content/points.csv"),
        "x,y\n1.9375,0\n-0.6,0\n2.0,1\n",
    )
    .unwrap();
    let after = server.wait_for(trace, "the figure of the edited CSV", |b| b != before);
    assert!(after.contains("1.9375") && !before.contains("1.9375"));
    // The page that shows the figure changed with it.
    assert_ne!(data_page(), data_before);
}

/// A served page without its live-reload script (whose generation changes
/// with every build).
fn without_live_reload(page: &str) -> String {
    page.lines()
        .filter(|l| !l.starts_with("<script "))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A page whose block reads `points.csv` beside it.
const DATA_PAGE: &str = r#"+++
title = "Data"
+++

# From a file

```autograd
id = "fit"
data = "points.csv"
params = { w = 1.2, b = -0.1 }
reduce = "mean"
graph = """
z = linear(w, x, b)
p = sigmoid(z)
loss = bce(p, y)
"""
update = { lr = 0.2 }
figure = "batch"
```
"#;

/// The status code of a raw response, or `None` if the connection closed
/// (or was reset) without one.
fn status_of(bytes: &[u8]) -> Option<u16> {
    String::from_utf8_lossy(bytes)
        .strip_prefix("HTTP/1.1 ")?
        .get(..3)?
        .parse()
        .ok()
}

/// Reads what the server sends until it closes the connection, or the
/// read timeout; returns the bytes and how long it took.
fn read_until_closed(mut s: TcpStream) -> (Vec<u8>, Duration) {
    let started = Instant::now();
    let mut bytes = Vec::new();
    let mut buf = [0; 4096];
    loop {
        match s.read(&mut buf) {
            Ok(0) | Err(_) => return (bytes, started.elapsed()),
            Ok(n) => bytes.extend_from_slice(&buf[..n]),
        }
    }
}

/// A request head too long is answered with its status, at once: the old
/// server reset the connection on a 100 KB URL.
#[test]
fn oversized_requests_get_414_or_431_at_once() {
    let dir = site();
    let server = start(dir.path());
    let long = |n: usize| format!("/{}", "a".repeat(n));
    for (what, request, want) in [
        (
            "a 100 KB URL",
            format!(
                "GET {} HTTP/1.1\r\nHost: {}\r\n\r\n",
                long(100_000),
                server.host()
            ),
            [414, 431],
        ),
        (
            "a 10 KB URL",
            format!(
                "GET {} HTTP/1.1\r\nHost: {}\r\n\r\n",
                long(10_000),
                server.host()
            ),
            [414, 414],
        ),
        (
            "a 20 KB header",
            format!(
                "GET / HTTP/1.1\r\nHost: {}\r\nX-Big: {}\r\n\r\n",
                server.host(),
                "b".repeat(20_000)
            ),
            [431, 431],
        ),
    ] {
        let started = Instant::now();
        let mut s = server.connect();
        s.write_all(request.as_bytes()).unwrap();
        let (bytes, _) = read_until_closed(s);
        let code = status_of(&bytes);
        assert!(
            code.is_some_and(|c| want.contains(&c)),
            "{what}: {code:?}, {:?}",
            String::from_utf8_lossy(&bytes[..bytes.len().min(300)])
        );
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{what}: {:?}",
            started.elapsed()
        );
    }
    // A target just under the limit is served as usual.
    let (code, _, _) = server.get(&format!("/index.html?{}", "q".repeat(8_000)));
    assert_eq!(code, 200);
}

/// An HTTP/0.9-style request line (no version, no headers) is answered or
/// closed at once; the old server waited 10 s for headers.
#[test]
fn a_bare_request_line_is_not_waited_on() {
    let dir = site();
    let server = start(dir.path());
    let mut s = server.connect();
    s.write_all(b"GET /\r\n").unwrap();
    let (bytes, took) = read_until_closed(s);
    assert!(took < Duration::from_secs(1), "{took:?}");
    assert!(matches!(status_of(&bytes), None | Some(400)), "{bytes:?}");
}

/// A client that sends its head a byte at a time is dropped once the head
/// has taken longer than the timeout in total (the old server's timeout
/// was per read, so a byte every few seconds held a thread forever).
#[test]
fn a_head_trickled_byte_by_byte_is_dropped() {
    let dir = site();
    let server = start(dir.path());
    let s = server.connect();
    let mut writer = s.try_clone().unwrap();
    let head = format!("GET / HTTP/1.1\r\nHost: {}\r\n", server.host());
    let trickle = std::thread::spawn(move || {
        writer.write_all(head.as_bytes()).unwrap();
        // One header byte every 200 ms, for at most 30 s: well past the
        // limit, bounded if the server never drops us.
        for _ in 0..150 {
            std::thread::sleep(Duration::from_millis(200));
            if writer.write_all(b"x").is_err() {
                return;
            }
        }
    });
    let (bytes, took) = read_until_closed(s);
    let limit = seen::site::serve::HEAD_TIMEOUT + Duration::from_secs(2);
    assert!(took < limit, "still open after {took:?}: {bytes:?}");
    assert!(
        status_of(&bytes).is_none_or(|c| c == 408 || c >= 400),
        "{bytes:?}"
    );
    let _ = trickle.join();
    assert_eq!(server.get("/").0, 200);
}

/// Past the connection cap, idle connections cost the server no thread,
/// and a real request is still answered once the idle ones time out.
#[test]
fn idle_connections_are_capped_and_hold_no_thread_each() {
    let dir = site();
    let server = start(dir.path());
    let before = server.threads();
    let cap = seen::site::serve::MAX_CONNECTIONS;
    let idle: Vec<TcpStream> = (0..cap + 10).map(|_| server.connect()).collect();
    std::thread::sleep(Duration::from_millis(500));
    let during = server.threads();
    // The old server had a thread per connection (> 74 here); this one
    // has a fixed pool (its tokio workers and a few for reading files).
    assert!(
        during <= before + 8,
        "{during} threads with {} idle connections (from {before})",
        idle.len()
    );
    let started = Instant::now();
    let (code, _, body) = server.get("/");
    assert_eq!(code, 200, "{body}");
    let limit = seen::site::serve::HEAD_TIMEOUT * 2 + Duration::from_secs(3);
    assert!(
        started.elapsed() < limit,
        "answered after {:?}",
        started.elapsed()
    );
    drop(idle);
}

/// At most so many live-reload streams; the next one is refused cleanly.
#[test]
fn live_reload_streams_are_capped() {
    let dir = site();
    let server = start(dir.path());
    let generation = generation_of(&server.get("/").2);
    let cap = seen::site::serve::MAX_EVENT_STREAMS;
    let mut open: Vec<Events> = (0..cap).map(|_| server.events(&generation)).collect();
    for s in &mut open {
        assert!(s.head.starts_with("HTTP/1.1 200"), "{}", s.head);
        assert_eq!(s.next_event().as_deref(), Some("retry: 500\n\n"));
    }
    let refused = server.events(&generation);
    assert!(refused.head.starts_with("HTTP/1.1 503"), "{}", refused.head);
    // Pages still load, and a closed stream frees its place.
    assert_eq!(server.get("/").0, 200);
    drop(open.pop());
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let again = server.events(&generation);
        if again.head.starts_with("HTTP/1.1 200") {
            break;
        }
        assert!(Instant::now() < deadline, "the place was never freed");
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// DNS rebinding: a page of another site whose name an attacker points at
/// 127.0.0.1 sends that name as `Host`. It gets nothing, and the name is
/// never echoed into a header (the old server put it into the page's CSP).
#[test]
fn requests_for_another_host_are_refused() {
    let dir = site();
    let server = start(dir.path());
    let port = server.port;
    for request in [
        "GET / HTTP/1.1\r\nHost: evil.example\r\n\r\n".to_string(),
        format!("GET / HTTP/1.1\r\nHost: evil.example:{port}\r\n\r\n"),
        format!("GET /__seen/events?since=0-0 HTTP/1.1\r\nHost: evil.example:{port}\r\n\r\n"),
        format!("GET http://evil.example:{port}/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n"),
        format!("GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nHost: evil.example:{port}\r\n\r\n"),
        format!(
            "GET / HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n\r\n",
            port.wrapping_add(1)
        ),
        "GET / HTTP/1.0\r\n\r\n".to_string(),
    ] {
        let (code, head, body) = server.request(&request);
        let first = request.lines().next().unwrap();
        assert!(code == 421 || code == 400, "{first}: {code}\n{head}");
        assert!(!head.contains("evil"), "{first}: {head}");
        assert!(!String::from_utf8_lossy(&body).contains("First version"));
    }
    for host in [format!("localhost:{port}"), format!("127.0.0.1:{port}")] {
        let (code, head, body) = server.request(&format!("GET / HTTP/1.1\r\nHost: {host}\r\n\r\n"));
        assert_eq!(code, 200, "{host}: {head}");
        assert!(
            !String::from_utf8_lossy(&body).contains(&host),
            "{host} echoed"
        );
    }
}

/// A folder asked for without its slash redirects to a path on this
/// server, never to a scheme-relative `//name/` (another host).
#[test]
fn folder_redirects_stay_on_this_server() {
    let dir = site();
    let server = start(dir.path());
    for (path, to) in [
        ("/figures", "/figures/"),
        ("//figures", "/figures/"),
        ("///figures", "/figures/"),
        ("//figures/index", "/figures/index/"),
    ] {
        let (code, head, _) = server.get(path);
        assert_eq!(code, 301, "{path}: {head}");
        let location = head
            .lines()
            .find_map(|l| l.strip_prefix("Location: "))
            .unwrap_or_else(|| panic!("{path}: no Location in {head}"));
        assert_eq!(location, to, "{path}");
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
