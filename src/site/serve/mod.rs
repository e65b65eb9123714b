//! `seen serve`: build, serve the output folder on loopback, rebuild on
//! change, and reload the open pages when a rebuild finishes.
//!
//! The server ([`http`]) is hyper on a small tokio runtime, with limits on
//! connections, streams, request sizes and time, and a check that a request
//! is addressed to this server by name (no DNS rebinding). Owning the path
//! handling is the point of [`respond`]: [`resolve`] is the only way from a
//! request to a file, and it never leaves the output folder (no `..`,
//! encoded or not, no absolute paths, no backslashes, and symlinks are
//! followed only to places inside).
//!
//! **Watching.** Changes arrive as file-system events (the `notify` crate:
//! inotify, FSEvents, ReadDirectoryChangesW) on the content folder, the
//! templates folder and `seen.toml`. A burst of events (an editor writing a
//! file in pieces, saving by rename, or a `git checkout`) is one rebuild: it
//! starts once the events have been quiet for [`SETTLE`]. Where events are
//! unavailable (no watcher on the platform, too many watches, some network
//! mounts) or with `--poll`, the server falls back to polling modification
//! times and sizes every [`POLL_INTERVAL`], rebuilding once two polls in a
//! row agree.
//!
//! **Live reload.** Every HTML page the server sends (and only those, at
//! request time: the output folder never holds it) gets one external script,
//! [`LIVE_JS_PATH`], and its Content-Security-Policy gains what that script
//! needs: `script-src 'self'` and `connect-src 'self'` for the event stream
//! [`EVENTS_PATH`], the same policy whatever the request says. The script
//! opens a Server-Sent Events stream on the same server and reloads the page when
//! the build generation differs from the one the page was served with, so a
//! rebuild that finished between the page's load and the stream's opening
//! is not missed. Only builds that change what the server sends count
//! (files written, or the error shown or gone): the page reloads to show
//! the error banner, and again when the error is fixed, but not for a save
//! that changed nothing. Each open page holds one connection, and browsers
//! allow six per host over HTTP/1.1: past five open tabs of the preview,
//! new requests wait for one to close. The server keeps at most
//! [`MAX_EVENT_STREAMS`] streams open.
//!
//! **Rebuilding.** Each rebuild renders and writes only the pages whose
//! inputs changed ([`super::incremental`]): an edit to one page of a
//! 200-page site costs that page, not the site.
//!
//! A failed rebuild is printed in the terminal and shown on every served page
//! as a banner above the last good version of the page (HTML and CSS). The
//! output folder itself always holds the last good site, because a failed
//! build never touches it.

#![allow(clippy::result_large_err)]

use std::fs;
use std::io::{self, Write};
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, mpsc};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use notify::{EventKind, RecursiveMode, Watcher};
use tokio::sync::watch;
use walkdir::WalkDir;

use super::config::CONFIG_FILE;
use super::incremental::{self, Incremental};
use super::{BuildConfig, BuildError};
use crate::page::FigureHook;

mod http;
mod respond;
pub use http::{
    HEAD_TIMEOUT, MAX_CONNECTIONS, MAX_EVENT_STREAMS, MAX_HEAD_BYTES, MAX_TARGET_BYTES,
    RESPONSE_TIMEOUT, host_allowed,
};
pub use respond::{Refused, content_type, resolve, slash_location, with_live_reload};

/// How often the sources are looked at when polling.
pub const POLL_INTERVAL: Duration = Duration::from_millis(300);

/// How long file-system events must be quiet before a rebuild starts.
pub const SETTLE: Duration = Duration::from_millis(40);

/// The longest a rebuild waits for events to settle (a tool that writes
/// without pause still gets its rebuilds).
const SETTLE_MAX: Duration = Duration::from_millis(400);

/// The live-reload script, served at this path (outside the output
/// folder's namespace, like the banner's stylesheet).
pub const LIVE_JS_PATH: &str = "/__seen/live.js";
const LIVE_JS: &str = include_str!("../live.js");

/// The Server-Sent Events stream that the live-reload script listens to.
pub const EVENTS_PATH: &str = "/__seen/events";

/// How often an idle event stream sends a comment, so that a closed tab's
/// connection (and its thread) is noticed.
const EVENTS_KEEPALIVE: Duration = Duration::from_secs(15);

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
    /// Poll for changes instead of asking the system for file events.
    pub poll: bool,
    /// Read and fill the site's figure cache (see [`super::cache`]) with
    /// this renderer version; `None` for `--no-cache`.
    pub cache_version: Option<String>,
}

/// What the server threads share with the watcher.
#[derive(Debug, Default)]
struct State {
    /// The output folder being served.
    out_dir: PathBuf,
    /// The last rebuild's errors, while they last.
    error: Option<String>,
    /// Builds that changed what the server sends (failed ones included).
    builds: u64,
}

/// The state, and the number of builds for the event streams to wait on.
#[derive(Debug)]
struct Shared {
    state: Mutex<State>,
    /// [`State::builds`], sent when a build finishes.
    builds: watch::Sender<u64>,
}

impl Shared {
    fn new() -> Shared {
        Shared {
            state: Mutex::default(),
            builds: watch::Sender::new(0),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The build generation a page was served with: the process id and the
/// number of builds, so that a page from an earlier run of the server
/// reloads too.
fn generation(builds: u64) -> String {
    format!("{}-{builds}", std::process::id())
}

/// Builds the site, serves it, and rebuilds on every change until the
/// process is stopped. `load` reads the settings of the site at `root`
/// (`seen.toml` plus command-line overrides) and is called again when
/// `seen.toml` changes.
pub fn serve(
    root: &Path,
    load: &dyn Fn() -> Result<BuildConfig, BuildError>,
    hook: &dyn FigureHook,
    options: &ServeOptions,
) -> io::Result<()> {
    // Every path the watcher compares is absolute, from one canonical root:
    // file-system events name absolute paths, and a relative root (`.`, the
    // default, or `--root site`) matched none of them, so that no edit was
    // ever noticed.
    let root = &absolute(root);
    let load = &|| {
        load().map(|mut c| {
            c.root = root.clone();
            c
        })
    };
    let shared = Arc::new(Shared::new());
    // Events are asked for *before* the first build, and the sources are
    // looked at before each build, so that an edit made while a build runs
    // causes another one instead of being missed.
    let mut events = if options.poll {
        None
    } else {
        start_events(root)
    };
    let mut seen = fingerprint(root, load().ok().as_ref());
    let mut cache = Incremental::new();
    if let Some(ev) = &mut events {
        ev.sync(root, load().ok().as_ref());
    }
    let mut config = rebuild(root, load, (hook, options), &mut cache, &shared, None);
    if config.is_none() {
        // seen.toml was broken at the first look: watch the default folders.
        seen = fingerprint(root, None);
    }

    let listener = TcpListener::bind(SocketAddr::new(options.bind, options.port))?;
    let addr = listener.local_addr()?;
    announce(&shared, addr, events.is_some());
    // The runtime lives as long as this function, which is until the
    // process stops.
    let _runtime = start_server(listener, &shared, addr)?;

    loop {
        let Some(settled) = wait_for_change(root, &mut events, config.as_ref(), &seen) else {
            continue;
        };
        say!("Change detected, rebuilding…");
        let before = config.clone();
        config = rebuild(root, load, (hook, options), &mut cache, &shared, config);
        seen = if config == before {
            settled
        } else {
            // Other folders to watch now (seen.toml moved them).
            fingerprint(root, config.as_ref())
        };
        if let Some(ev) = &mut events
            && ev.sync(root, config.as_ref())
        {
            // A folder appeared (templates/, say) and is watched from now
            // on; what was written into it before that is read by one more
            // build.
            config = rebuild(root, load, (hook, options), &mut cache, &shared, config);
            seen = fingerprint(root, config.as_ref());
        }
    }
}

/// File-system events on the sources under `root`, or `None` (said in the
/// terminal) when the system cannot give them.
fn start_events(root: &Path) -> Option<Events> {
    match Events::new(root) {
        Ok(e) => Some(e),
        Err(e) => {
            warn!("note: no file-system events ({e}); polling for changes instead");
            None
        }
    }
}

/// Prints where the site is served, a warning when other machines can
/// reach it, and how changes are watched.
fn announce(shared: &Shared, addr: SocketAddr, file_events: bool) {
    let host = match addr.ip() {
        IpAddr::V6(ip) => format!("[{ip}]"),
        IpAddr::V4(ip) => ip.to_string(),
    };
    say!(
        "Serving {} at http://{host}:{}/",
        out_display(shared),
        addr.port()
    );
    if !addr.ip().is_loopback() {
        say!(
            "warning: {} is reachable from other machines; the default, 127.0.0.1, is not",
            addr.ip()
        );
    }
    say!(
        "Watching for changes ({}); open pages reload after each rebuild. Press Ctrl+C to stop.",
        if file_events {
            "file-system events"
        } else {
            "polling"
        }
    );
}

/// Starts serving `listener` on a tokio runtime of its own, returned: the
/// server runs as long as the runtime is kept.
fn start_server(
    listener: TcpListener,
    shared: &Arc<Shared>,
    addr: SocketAddr,
) -> io::Result<tokio::runtime::Runtime> {
    // Two threads serve every connection; reading files takes at most
    // four more.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(4)
        .thread_name("seen-serve")
        .enable_io()
        .enable_time()
        .build()?;
    listener.set_nonblocking(true)?;
    let listener = {
        let _in_runtime = runtime.enter();
        tokio::net::TcpListener::from_std(listener)?
    };
    runtime.spawn(http::run(listener, Arc::clone(shared), addr));
    Ok(runtime)
}

/// Waits for a change to the sources, by file-system events or else by
/// polling (from then on, if the events stop); returns the sources'
/// fingerprint once settled, or `None` if a poll found nothing changed.
fn wait_for_change(
    root: &Path,
    events: &mut Option<Events>,
    config: Option<&BuildConfig>,
    seen: &Fingerprint,
) -> Option<Fingerprint> {
    match events {
        Some(ev) => {
            let disconnected = ev.wait(root, config);
            let now = fingerprint(root, config);
            if disconnected {
                warn!("note: file-system events stopped; polling for changes instead");
                *events = None;
            }
            Some(now)
        }
        None => poll_until_changed(root, config, seen),
    }
}

/// `root` as an absolute path without symlinks, or at least absolute when
/// it cannot be resolved (a folder not there yet: the build says so).
fn absolute(root: &Path) -> PathBuf {
    fs::canonicalize(root)
        .or_else(|_| std::path::absolute(root))
        .unwrap_or_else(|_| root.to_path_buf())
}

/// Polls until the sources differ from `seen` and then stop changing;
/// returns their settled fingerprint, or `None` if nothing changed.
fn poll_until_changed(
    root: &Path,
    config: Option<&BuildConfig>,
    seen: &Fingerprint,
) -> Option<Fingerprint> {
    thread::sleep(POLL_INTERVAL);
    let now = fingerprint(root, config);
    if now == *seen {
        return None;
    }
    // Wait until the files stop changing.
    let mut settled = now;
    loop {
        thread::sleep(POLL_INTERVAL);
        let again = fingerprint(root, config);
        if again == settled {
            return Some(settled);
        }
        settled = again;
    }
}

/// File-system events on the site's sources.
struct Events {
    watcher: notify::RecommendedWatcher,
    rx: mpsc::Receiver<notify::Result<notify::Event>>,
    /// Folders watched recursively (the content and templates folders that
    /// exist); the site root is watched on its own, for `seen.toml` and for
    /// those folders appearing.
    watched: Vec<PathBuf>,
    /// Watched folders that were removed or re-created since, to watch anew.
    stale: Vec<PathBuf>,
}

impl Events {
    fn new(root: &Path) -> notify::Result<Events> {
        let (tx, rx) = mpsc::channel();
        let mut watcher = notify::recommended_watcher(tx)?;
        watcher.watch(root, RecursiveMode::NonRecursive)?;
        Ok(Events {
            watcher,
            rx,
            watched: Vec::new(),
            stale: Vec::new(),
        })
    }

    /// Watches the folders the build reads that exist now. Returns true if
    /// one is watched that was not before.
    fn sync(&mut self, root: &Path, config: Option<&BuildConfig>) -> bool {
        let want: Vec<PathBuf> = source_dirs(root, config)
            .into_iter()
            .filter(|d| d.is_dir())
            .collect();
        for old in std::mem::take(&mut self.watched) {
            if !want.contains(&old) || self.stale.contains(&old) {
                let _ = self.watcher.unwatch(&old);
            } else {
                self.watched.push(old);
            }
        }
        self.stale.clear();
        let mut added = false;
        for dir in want {
            if self.watched.contains(&dir) {
                continue;
            }
            match self.watcher.watch(&dir, RecursiveMode::Recursive) {
                Ok(()) => {
                    self.watched.push(dir);
                    added = true;
                }
                Err(e) => warn!("warning: cannot watch {}: {e}", dir.display()),
            }
        }
        added
    }

    /// Blocks until a change to the sources, then until events have been
    /// quiet for [`SETTLE`] (at most [`SETTLE_MAX`]). Returns true if the
    /// watcher has gone away.
    fn wait(&mut self, root: &Path, config: Option<&BuildConfig>) -> bool {
        let dirs = source_dirs(root, config);
        let config_file = root.join(CONFIG_FILE);
        let mut relevant = |event: notify::Result<notify::Event>| -> bool {
            let Ok(event) = event else {
                return true; // an overflow or a watch lost: look again
            };
            if matches!(event.kind, EventKind::Access(_)) {
                return false; // the build reading its sources
            }
            if event.need_rescan() {
                return true;
            }
            let mut any = false;
            for path in &event.paths {
                if dirs.contains(path) {
                    // A watched folder itself was created, removed or moved.
                    self.stale.push(path.clone());
                    any = true;
                } else if *path == config_file {
                    any = true;
                } else if let Some(rel) = dirs.iter().find_map(|d| path.strip_prefix(d).ok()) {
                    // The build skips hidden files (an editor's swap and
                    // backup files among them) in the content folder.
                    let hidden = dirs.first().is_some_and(|c| path.starts_with(c))
                        && rel
                            .components()
                            .any(|c| c.as_os_str().to_string_lossy().starts_with('.'));
                    any |= !hidden;
                }
            }
            any
        };
        loop {
            match self.rx.recv() {
                Ok(e) => {
                    if relevant(e) {
                        break;
                    }
                }
                Err(_) => return true,
            }
        }
        let started = Instant::now();
        loop {
            let left = SETTLE_MAX.saturating_sub(started.elapsed());
            if left.is_zero() {
                return false;
            }
            match self.rx.recv_timeout(SETTLE.min(left)) {
                Ok(e) => {
                    relevant(e);
                }
                Err(mpsc::RecvTimeoutError::Timeout) => return false,
                Err(mpsc::RecvTimeoutError::Disconnected) => return true,
            }
        }
    }
}

/// The folders a build reads: content and templates.
fn source_dirs(root: &Path, config: Option<&BuildConfig>) -> Vec<PathBuf> {
    match config {
        Some(c) => vec![c.content_path(), c.templates_path()],
        None => vec![root.join("content"), root.join("templates")],
    }
}

fn out_display(shared: &Shared) -> String {
    shared.lock().out_dir.display().to_string()
}

/// Reloads the settings and builds; records the outcome in `state`. Returns
/// the settings in force (the previous ones if `seen.toml` is broken).
fn rebuild(
    root: &Path,
    load: &dyn Fn() -> Result<BuildConfig, BuildError>,
    (hook, options): (&dyn FigureHook, &ServeOptions),
    cache: &mut Incremental,
    shared: &Shared,
    previous: Option<BuildConfig>,
) -> Option<BuildConfig> {
    let (config, result) = match load() {
        Ok(c) => {
            // The figure cache makes the first build as quick as a warm
            // `seen build`; later ones mostly reuse whole pages anyway.
            let figures = options
                .cache_version
                .as_deref()
                .map(|v| super::cache::FigureCache::open(&c, v));
            let cached = figures.as_ref().map(|f| f.hook(hook));
            let hook = match &cached {
                Some(h) => h as &dyn FigureHook,
                None => hook,
            };
            let r = incremental::build(&c, hook, cache);
            (Some(c), r.map_err(|e| e.to_string()))
        }
        Err(e) => (previous, Err(e.to_string())),
    };
    let mut s = shared.lock();
    // The folder served changes only with a site built into it: a failed
    // build (say, into a folder that is not seen's) keeps the last one.
    match &config {
        Some(c) if result.is_ok() || s.out_dir.as_os_str().is_empty() => {
            s.out_dir = c.output_path();
        }
        None if s.out_dir.as_os_str().is_empty() => s.out_dir = root.join("public"),
        _ => {}
    }
    // Whether what the server sends has changed: the open pages reload
    // only then (a save that changes nothing in the output, or an editor's
    // backup file, does not reload them).
    let changed = match result {
        Ok((report, reuse)) => {
            match reuse.written {
                Some(files) => say!(
                    "{report} ({} of {} pages rendered, {files} file{} written)",
                    reuse.rendered,
                    reuse.pages,
                    if files == 1 { "" } else { "s" }
                ),
                None => say!("{report}"),
            }
            let had_error = s.error.take().is_some();
            had_error || reuse.written != Some(0)
        }
        Err(e) => {
            warn!("error: the build failed; still serving the last good site\n{e}");
            let changed = s.error.as_ref() != Some(&e);
            s.error = Some(e);
            changed
        }
    };
    if changed || s.builds == 0 {
        s.builds += 1;
        shared.builds.send_replace(s.builds);
    }
    config
}

/// Modification time and size of every file that a build reads.
type Fingerprint = Vec<(PathBuf, Option<SystemTime>, u64)>;

fn fingerprint(root: &Path, config: Option<&BuildConfig>) -> Fingerprint {
    let mut out = Vec::new();
    let mut add = |p: &Path| {
        if let Ok(m) = fs::metadata(p) {
            out.push((p.to_path_buf(), m.modified().ok(), m.len()));
        } else {
            out.push((p.to_path_buf(), None, 0));
        }
    };
    add(&root.join(CONFIG_FILE));
    for dir in source_dirs(root, config) {
        add(&dir);
        for entry in WalkDir::new(&dir).sort_by_file_name().into_iter().flatten() {
            if entry.depth() > 0 {
                add(entry.path());
            }
        }
    }
    out
}
