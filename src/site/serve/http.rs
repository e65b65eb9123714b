//! The HTTP side of `seen serve`: hyper (HTTP/1.1) on a small tokio
//! runtime, with the limits a preview server needs so that no client, slow
//! or hostile, can hold it up or make it grow.
//!
//! hyper parses the requests and answers what it cannot parse itself: a
//! request head over [`MAX_HEAD_BYTES`] gets `431`, an HTTP/0.9-style
//! `GET /` line gets `400` at once, and a head not complete
//! [`HEAD_TIMEOUT`] after the connection opened (a client that sends
//! nothing, or trickles bytes) is dropped: one deadline for the whole head,
//! not one per byte. On top of that, this module:
//!
//! - accepts at most [`MAX_CONNECTIONS`] connections at a time (the next
//!   ones wait in the system's queue until one closes) and serves one
//!   request per connection (`Connection: close`), which is done within
//!   [`RESPONSE_TIMEOUT`] or dropped;
//! - keeps at most [`MAX_EVENT_STREAMS`] live-reload streams open (the
//!   next gets `503`);
//! - refuses (`421`) a request whose `Host` is not a name of this server
//!   ([`host_allowed`]): a page of another site that a DNS-rebinding
//!   attack points at `127.0.0.1` sends its own name, and gets nothing;
//! - answers only `GET` and `HEAD` (`405` otherwise) and a target of at
//!   most [`MAX_TARGET_BYTES`] (`414`).
//!
//! Nothing in a response is taken from a request header: the pages'
//! policy and the redirects are the same whatever the request says.

use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use http_body_util::channel::Channel;
use http_body_util::{Either, Full};
use hyper::body::{Bytes, Incoming};
use hyper::header::{self, HeaderValue};
use hyper::http::uri::Authority;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;

use super::respond::{Response, query_value, respond};
use super::{EVENTS_KEEPALIVE, EVENTS_PATH, Shared, generation};

/// Connections served at once. A browser opens at most six to one host;
/// the rest is room for a few browsers and tools.
pub const MAX_CONNECTIONS: usize = 64;

/// Live-reload streams open at once (one per open page).
pub const MAX_EVENT_STREAMS: usize = 16;

/// The longest request line plus headers (`431` past it).
pub const MAX_HEAD_BYTES: usize = 16 * 1024;

/// The longest request target, path and query (`414` past it).
pub const MAX_TARGET_BYTES: usize = 8 * 1024;

/// How long a connection may take to send its whole request head.
pub const HEAD_TIMEOUT: Duration = Duration::from_secs(5);

/// How long a connection may take, request and response, unless it is a
/// live-reload stream.
pub const RESPONSE_TIMEOUT: Duration = Duration::from_secs(30);

/// A whole body, or a live-reload stream.
type Body = Either<Full<Bytes>, Channel<Bytes>>;

/// What every connection shares.
struct Server {
    shared: Arc<Shared>,
    /// The address the listener is bound to.
    addr: SocketAddr,
    streams: Arc<Semaphore>,
}

/// Accepts connections on `listener` and serves each, for as long as the
/// runtime runs.
pub(super) async fn run(listener: TcpListener, shared: Arc<Shared>, addr: SocketAddr) {
    let server = Arc::new(Server {
        shared,
        addr,
        streams: Arc::new(Semaphore::new(MAX_EVENT_STREAMS)),
    });
    let connections = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    loop {
        // A permit first: past the cap, connections wait in the listen
        // queue instead of costing memory here.
        let Ok(permit) = Arc::clone(&connections).acquire_owned().await else {
            return;
        };
        let tcp = match listener.accept().await {
            Ok((tcp, _)) => tcp,
            Err(_) => {
                // Out of file descriptors, say: try again in a moment
                // rather than spin.
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let server = Arc::clone(&server);
        tokio::spawn(async move {
            connection(tcp, server).await;
            drop(permit);
        });
    }
}

/// Serves one request on `tcp`, within the deadlines.
async fn connection(tcp: TcpStream, server: Arc<Server>) {
    let streaming = Arc::new(AtomicBool::new(false));
    let service = {
        let streaming = Arc::clone(&streaming);
        service_fn(move |req| {
            let server = Arc::clone(&server);
            let streaming = Arc::clone(&streaming);
            async move { Ok::<_, Infallible>(route(req, &server, &streaming).await) }
        })
    };
    let conn = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(HEAD_TIMEOUT)
        .max_header_size(MAX_HEAD_BYTES)
        .keep_alive(false)
        .title_case_headers(true)
        .serve_connection(TokioIo::new(tcp), service);
    let mut conn = pin!(conn);
    // Past the deadline, the connection is dropped (and closed), unless it
    // carries an event stream, which lasts until its page closes.
    if tokio::time::timeout(RESPONSE_TIMEOUT, conn.as_mut())
        .await
        .is_err()
        && streaming.load(Ordering::Relaxed)
    {
        let _ = conn.await;
    }
}

/// The response to one request.
async fn route(
    req: Request<Incoming>,
    server: &Server,
    streaming: &AtomicBool,
) -> hyper::Response<Body> {
    let hosts = req.headers().get_all(header::HOST);
    let named_here = hosts.iter().count() == 1
        && hosts
            .iter()
            .all(|h| h.to_str().is_ok_and(|h| host_allowed(h, server.addr)))
        && req
            .uri()
            .authority()
            .is_none_or(|a| host_allowed(a.as_str(), server.addr));
    if !named_here {
        let to = match server.addr.ip() {
            ip if ip.is_unspecified() => "http://127.0.0.1".to_string(),
            IpAddr::V4(ip) => format!("http://{ip}"),
            IpAddr::V6(ip) => format!("http://[{ip}]"),
        };
        return whole(Response::text(
            StatusCode::MISDIRECTED_REQUEST,
            &format!(
                "this preview server answers only to its own address: {to}:{}/",
                server.addr.port()
            ),
        ));
    }
    let get = req.method() == Method::GET;
    if !get && req.method() != Method::HEAD {
        let mut res = whole(Response::text(
            StatusCode::METHOD_NOT_ALLOWED,
            "only GET and HEAD",
        ));
        res.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return res;
    }
    let target_len = req.uri().path_and_query().map_or(0, |t| t.as_str().len());
    if target_len > MAX_TARGET_BYTES {
        return whole(Response::text(
            StatusCode::URI_TOO_LONG,
            &format!("the request target is over {MAX_TARGET_BYTES} bytes"),
        ));
    }
    let path = req.uri().path().to_string();
    if get && path == EVENTS_PATH {
        return events(server, req.uri().query(), streaming);
    }
    // Reading a file (and rendering the banner) blocks: off the threads
    // that serve the other connections.
    let shared = Arc::clone(&server.shared);
    let response = tokio::task::spawn_blocking(move || respond(&path, &shared))
        .await
        .unwrap_or_else(|_| Response::text(StatusCode::INTERNAL_SERVER_ERROR, "internal error"));
    whole(response)
}

/// Whether `authority` (a `Host` header, or the authority of an
/// absolute-form request target) names this server, bound at `served`:
/// the served port (no port only for port 80), and for a name, one that
/// the server alone answers to. On a loopback address that is `localhost`
/// or a loopback address (`127.0.0.1`, `[::1]`); on a given address, that
/// address; on all addresses (`0.0.0.0`, `::`), `localhost` or any
/// address. A domain name is never one: DNS rebinding works by giving an
/// attacker's domain name the address `127.0.0.1`, and the browser then
/// sends that name.
pub fn host_allowed(authority: &str, served: SocketAddr) -> bool {
    let Ok(a) = authority.parse::<Authority>() else {
        return false;
    };
    if a.as_str().contains('@') {
        return false; // user info has no place in a Host
    }
    let port_ok = match a.port_u16() {
        Some(p) => p == served.port(),
        None => served.port() == 80,
    };
    let name = a.host();
    let literal = name
        .strip_prefix('[')
        .and_then(|n| n.strip_suffix(']'))
        .unwrap_or(name);
    let ip = served.ip();
    let name_ok = match literal.parse::<IpAddr>() {
        Ok(asked) => {
            asked == ip || ip.is_unspecified() || (ip.is_loopback() && asked.is_loopback())
        }
        Err(_) => {
            name.eq_ignore_ascii_case("localhost") && (ip.is_loopback() || ip.is_unspecified())
        }
    };
    port_ok && name_ok
}

/// `r` as an HTTP response, with the headers every response carries.
fn whole(r: Response) -> hyper::Response<Body> {
    let mut res = hyper::Response::new(Either::Left(Full::new(Bytes::from(r.body))));
    *res.status_mut() = r.status;
    let content_type = HeaderValue::from_str(&r.content_type)
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    let headers = res.headers_mut();
    headers.insert(header::CONTENT_TYPE, content_type);
    common_headers(headers);
    if let Some(location) = r.location.and_then(|l| HeaderValue::from_str(&l).ok()) {
        headers.insert(header::LOCATION, location);
    }
    res
}

fn common_headers(headers: &mut hyper::HeaderMap) {
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
}

/// The Server-Sent Events stream of one open page: an `event: rebuilt` as
/// soon as the build generation differs from the query's `since` (at once
/// if it already does), a comment every [`EVENTS_KEEPALIVE`] until then,
/// which also notices a closed page.
fn events(server: &Server, query: Option<&str>, streaming: &AtomicBool) -> hyper::Response<Body> {
    let Ok(permit) = Arc::clone(&server.streams).try_acquire_owned() else {
        return whole(Response::text(
            StatusCode::SERVICE_UNAVAILABLE,
            &format!(
                "{MAX_EVENT_STREAMS} pages are open already; this one does not reload by itself"
            ),
        ));
    };
    streaming.store(true, Ordering::Relaxed);
    let since = query
        .and_then(|q| query_value(q, "since"))
        .unwrap_or_default()
        .to_string();
    let mut builds = server.shared.builds.subscribe();
    let (mut tx, body) = Channel::<Bytes, Infallible>::new(2);
    tokio::spawn(async move {
        let _permit = permit;
        // `retry`: how soon the browser reconnects after the server restarts.
        if tx
            .send_data(Bytes::from_static(b"retry: 500\n\n"))
            .await
            .is_err()
        {
            return;
        }
        loop {
            let now = generation(*builds.borrow_and_update());
            if now != since {
                let event = format!("event: rebuilt\ndata: {now}\n\n");
                let _ = tx.send_data(Bytes::from(event)).await;
                return;
            }
            match tokio::time::timeout(EVENTS_KEEPALIVE, builds.changed()).await {
                Ok(Ok(())) => {}
                Ok(Err(_)) => return, // the server is going away
                Err(_) => {
                    // Fails once the page is gone, which ends the stream.
                    let waiting = Bytes::from_static(b": waiting\n\n");
                    if tx.send_data(waiting).await.is_err() {
                        return;
                    }
                }
            }
        }
    });
    let mut res = hyper::Response::new(Either::Right(body));
    let headers = res.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream"),
    );
    common_headers(headers);
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_this_servers_names_are_allowed() {
        let lo: SocketAddr = "127.0.0.1:1111".parse().unwrap();
        for ok in [
            "127.0.0.1:1111",
            "localhost:1111",
            "LocalHost:1111",
            "[::1]:1111",
        ] {
            assert!(host_allowed(ok, lo), "{ok}");
        }
        for bad in [
            "evil.example:1111",
            "evil.example",
            "127.0.0.1",
            "127.0.0.1:8000",
            "localhost.evil.example:1111",
            "10.0.0.2:1111",
            "user@127.0.0.1:1111",
            "127.0.0.1:1111; script-src *",
            "",
        ] {
            assert!(!host_allowed(bad, lo), "{bad}");
        }
        let any: SocketAddr = "0.0.0.0:80".parse().unwrap();
        for ok in [
            "192.168.1.20",
            "192.168.1.20:80",
            "localhost",
            "[fe80::1]:80",
        ] {
            assert!(host_allowed(ok, any), "{ok}");
        }
        assert!(!host_allowed("my-laptop.local", any));
        let one: SocketAddr = "192.168.1.20:1111".parse().unwrap();
        assert!(host_allowed("192.168.1.20:1111", one));
        assert!(!host_allowed("localhost:1111", one));
        assert!(!host_allowed("192.168.1.21:1111", one));
    }
}
