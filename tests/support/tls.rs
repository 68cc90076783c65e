//! Servers for the HTTP client tests (`tests/client.rs`), all on loopback: a private CA with
//! its server and client certificates made at test time ([`Pki`], with rcgen), an echo server
//! over TLS (optionally requiring a client certificate) or plain TCP that speaks HTTP/1.1 and
//! HTTP/2 (negotiated by ALPN over TLS, by prior knowledge in the clear), a forward proxy for
//! plain HTTP that logs each request line it forwards, and a SOCKS5 proxy that logs each
//! address it connects to.
//!
//! The echo answers every path with JSON: `{"version": "HTTP/2.0", "path": "/x",
//! "client_certificate": true}` (whether the TLS handshake carried one); `POST /upload` reads a
//! multipart body and answers its parts (`{"fields": {...}, "files": {name: {file_name,
//! content_type, size, text}}}`).

use axum::extract::{Multipart, Request};
use axum::response::Json;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use hyper_util::service::TowerToHyperService;
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, ExtendedKeyUsagePurpose, IsCa, KeyPair,
};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::rustls::server::WebPkiClientVerifier;
use tokio_rustls::rustls::{RootCertStore, ServerConfig};

/// A private CA, a server certificate for `127.0.0.1` and `localhost` and a client
/// certificate, both signed by it, written as PEM files into a folder of their own.
#[derive(Debug)]
pub struct Pki {
    pub dir: tempfile::TempDir,
    ca: CertificateDer<'static>,
    server: (CertificateDer<'static>, Vec<u8>),
}

impl Pki {
    /// Makes the CA and both certificates and writes `ca.pem`, `server.pem`,
    /// `server-key.pem`, `client.pem` and `client-key.pem`.
    pub fn new() -> Pki {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut ca_params = CertificateParams::new(Vec::new()).expect("CA parameters");
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "intent test CA");
        let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().expect("CA key"))
            .expect("the CA certificate");
        let leaf = |names: Vec<String>, purpose| {
            let mut params = CertificateParams::new(names).expect("leaf parameters");
            params.extended_key_usages.push(purpose);
            let key = KeyPair::generate().expect("leaf key");
            let cert = params.signed_by(&key, &ca).expect("a leaf certificate");
            (cert, key)
        };
        let (server, server_key) = leaf(
            vec!["127.0.0.1".into(), "localhost".into()],
            ExtendedKeyUsagePurpose::ServerAuth,
        );
        let (client, client_key) = leaf(
            vec!["intent-client".into()],
            ExtendedKeyUsagePurpose::ClientAuth,
        );
        let write = |name: &str, text: String| {
            std::fs::write(dir.path().join(name), text).expect("write a PEM file");
        };
        write("ca.pem", ca.pem());
        write("server.pem", server.pem());
        write("server-key.pem", server_key.serialize_pem());
        write("client.pem", client.pem());
        write("client-key.pem", client_key.serialize_pem());
        Pki {
            ca: ca.der().clone(),
            server: (server.der().clone(), server_key.serialize_der()),
            dir,
        }
    }

    /// The path of one of the PEM files.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The server's TLS configuration: ALPN offers `h2` and `http/1.1` (or only `http/1.1`),
    /// and with `client_auth` a client certificate signed by the CA is required.
    pub fn server_config(&self, client_auth: bool, h2: bool) -> Arc<ServerConfig> {
        let builder = if client_auth {
            let mut roots = RootCertStore::empty();
            roots.add(self.ca.clone()).expect("the CA as a root");
            let verifier = WebPkiClientVerifier::builder(Arc::new(roots))
                .build()
                .expect("a client verifier");
            ServerConfig::builder().with_client_cert_verifier(verifier)
        } else {
            ServerConfig::builder().with_no_client_auth()
        };
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(self.server.1.clone()));
        let mut config = builder
            .with_single_cert(vec![self.server.0.clone()], key)
            .expect("the server certificate");
        config.alpn_protocols = if h2 {
            vec![b"h2".to_vec(), b"http/1.1".to_vec()]
        } else {
            vec![b"http/1.1".to_vec()]
        };
        Arc::new(config)
    }
}

impl Default for Pki {
    fn default() -> Self {
        Pki::new()
    }
}

/// The folder of a [`Pki`]'s files, for [`play_tls_echo`] in a child process.
pub const PKI_DIR: &str = "INTENT_TEST_PKI_DIR";

/// Plays a system under test that serves the echo over TLS with the server certificate of the
/// [`Pki`] in [`PKI_DIR`], printing `listening on https://…` as the example shop does; never
/// returns.
pub fn play_tls_echo() -> ! {
    use tokio_rustls::rustls::pki_types::pem::PemObject;
    let dir = PathBuf::from(std::env::var(PKI_DIR).expect("the PKI folder"));
    let cert = CertificateDer::from_pem_file(dir.join("server.pem")).expect("server.pem");
    let key = PrivateKeyDer::from_pem_file(dir.join("server-key.pem")).expect("server-key.pem");
    let config = ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(vec![cert], key)
        .expect("the server certificate");
    let url = echo_server(Some(Arc::new(config)));
    println!("listening on {url}");
    loop {
        std::thread::park();
    }
}

/// Starts the echo server on a loopback port, over TLS with `tls`, else in the clear (where
/// HTTP/2 is spoken to a client that starts with its preface: h2c by prior knowledge). Returns
/// its base URL; it serves until the test process ends.
pub fn echo_server(tls: Option<Arc<ServerConfig>>) -> String {
    let scheme = if tls.is_some() { "https" } else { "http" };
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("echo-server".into())
        .spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime for the echo server");
            runtime.block_on(async move {
                let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
                let address = listener.local_addr().expect("its address");
                tx.send(format!("{scheme}://{address}"))
                    .expect("report the URL");
                let acceptor = tls.map(TlsAcceptor::from);
                loop {
                    if let Ok((stream, _)) = listener.accept().await {
                        tokio::spawn(connection(stream, acceptor.clone()));
                    }
                }
            });
        })
        .expect("spawn the echo server thread");
    rx.recv().expect("the echo server starts")
}

/// Serves one connection: the TLS handshake (a failed one, such as a client without the
/// certificate the server requires, just ends it), then HTTP/1.1 or HTTP/2.
async fn connection(stream: TcpStream, acceptor: Option<TlsAcceptor>) {
    let server = auto::Builder::new(TokioExecutor::new());
    match acceptor {
        Some(acceptor) => {
            let Ok(tls) = acceptor.accept(stream).await else {
                return;
            };
            let certified = tls.get_ref().1.peer_certificates().is_some();
            let service = TowerToHyperService::new(router(certified));
            let _ = server.serve_connection(TokioIo::new(tls), service).await;
        }
        None => {
            let service = TowerToHyperService::new(router(false));
            let _ = server.serve_connection(TokioIo::new(stream), service).await;
        }
    }
}

fn router(client_certificate: bool) -> axum::Router {
    axum::Router::new()
        .route("/upload", axum::routing::post(upload))
        .fallback(move |request: Request| async move {
            Json(json!({
                "version": format!("{:?}", request.version()),
                "path": request.uri().path(),
                "client_certificate": client_certificate,
            }))
        })
}

/// The parts of a multipart body: text fields by name, files with their name, type and size.
async fn upload(mut multipart: Multipart) -> Json<Value> {
    let mut fields = serde_json::Map::new();
    let mut files = serde_json::Map::new();
    while let Ok(Some(field)) = multipart.next_field().await {
        let name = field.name().unwrap_or_default().to_string();
        let file_name = field.file_name().map(str::to_string);
        let content_type = field.content_type().map(str::to_string);
        let bytes = field.bytes().await.unwrap_or_default();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        match file_name {
            Some(file_name) => {
                files.insert(
                    name,
                    json!({
                        "file_name": file_name,
                        "content_type": content_type,
                        "size": bytes.len(),
                        "text": text,
                    }),
                );
            }
            None => {
                fields.insert(name, Value::String(text));
            }
        }
    }
    Json(json!({ "fields": fields, "files": files }))
}

/// A proxy on a loopback port that logs what it was asked to reach: a forward proxy for plain
/// HTTP ([`Proxy::start`]: it reads each request's head, logs its request line, absolute-form
/// `GET http://127.0.0.1:PORT/path HTTP/1.1`, and forwards the connection to that origin), or
/// a SOCKS5 proxy ([`Proxy::socks5`]: no authentication, `CONNECT` only, logging
/// `CONNECT 127.0.0.1:PORT`). Either reaches loopback origins only.
#[derive(Debug, Clone)]
pub struct Proxy {
    pub url: String,
    log: Arc<Mutex<Vec<String>>>,
}

type Log = Arc<Mutex<Vec<String>>>;

impl Proxy {
    pub fn start() -> Proxy {
        Self::serve("http", forward)
    }

    pub fn socks5() -> Proxy {
        Self::serve("socks5", socks5)
    }

    /// Accepts connections on a thread of its own and hands each to `handle`.
    fn serve<F, Fut>(scheme: &'static str, handle: F) -> Proxy
    where
        F: Fn(TcpStream, Log) -> Fut + Send + 'static,
        Fut: std::future::Future<Output = ()> + Send + 'static,
    {
        let log = Arc::new(Mutex::new(Vec::new()));
        let kept = Arc::clone(&log);
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::Builder::new()
            .name(format!("{scheme}-proxy"))
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("a runtime for the proxy");
                runtime.block_on(async move {
                    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
                    let address = listener.local_addr().expect("its address");
                    tx.send(format!("{scheme}://{address}"))
                        .expect("report the URL");
                    loop {
                        if let Ok((stream, _)) = listener.accept().await {
                            tokio::spawn(handle(stream, Arc::clone(&kept)));
                        }
                    }
                });
            })
            .expect("spawn the proxy thread");
        let url = rx.recv().expect("the proxy starts");
        Proxy { url, log }
    }

    /// The request lines forwarded so far.
    pub fn requests(&self) -> Vec<String> {
        self.log
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }
}

/// The most a request head may be before the proxy gives up on it.
const MAX_HEAD: usize = 64 * 1024;

/// Forwards one client connection: the first request's line is logged and rewritten to
/// origin-form, the rest of the bytes are copied both ways as they come.
async fn forward(mut client: TcpStream, log: Log) {
    let mut head = Vec::new();
    let mut chunk = [0u8; 4096];
    let end = loop {
        if let Some(at) = head.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        match client.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) if head.len() + n <= MAX_HEAD => head.extend_from_slice(&chunk[..n]),
            Ok(_) => return,
        }
    };
    let text = String::from_utf8_lossy(&head[..end]).into_owned();
    let Some((line, rest)) = text.split_once("\r\n") else {
        return;
    };
    let mut words = line.split(' ');
    let (Some(method), Some(target), Some(version)) = (words.next(), words.next(), words.next())
    else {
        return;
    };
    let Some(after_scheme) = target.strip_prefix("http://") else {
        return;
    };
    let (authority, path) = match after_scheme.find('/') {
        Some(at) => after_scheme.split_at(at),
        None => (after_scheme, "/"),
    };
    // Only ever loopback: the tests' own servers.
    if !(authority.starts_with("127.0.0.1:") || authority.starts_with("localhost:")) {
        return;
    }
    log.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .push(line.to_string());
    let Ok(mut origin) = TcpStream::connect(authority).await else {
        return;
    };
    let rewritten = format!("{method} {path} {version}\r\n{rest}");
    if origin.write_all(rewritten.as_bytes()).await.is_err()
        || origin.write_all(&head[end..]).await.is_err()
    {
        return;
    }
    let _ = tokio::io::copy_bidirectional(&mut client, &mut origin).await;
}

/// Serves one SOCKS5 client (RFC 1928): no authentication, `CONNECT` to an IPv4 address or a
/// name on loopback, then the bytes copied both ways.
async fn socks5(mut client: TcpStream, log: Log) {
    let mut greeting = [0u8; 2];
    if client.read_exact(&mut greeting).await.is_err() || greeting[0] != 5 {
        return;
    }
    let mut methods = vec![0u8; usize::from(greeting[1])];
    if client.read_exact(&mut methods).await.is_err() || !methods.contains(&0) {
        return;
    }
    let mut request = [0u8; 4];
    if client.write_all(&[5, 0]).await.is_err() || client.read_exact(&mut request).await.is_err() {
        return;
    }
    let host = match request {
        [5, 1, 0, 1] => {
            let mut ip = [0u8; 4];
            if client.read_exact(&mut ip).await.is_err() {
                return;
            }
            std::net::Ipv4Addr::from(ip).to_string()
        }
        [5, 1, 0, 3] => {
            let mut len = [0u8; 1];
            let mut name = vec![0u8; 255];
            if client.read_exact(&mut len).await.is_err()
                || client
                    .read_exact(&mut name[..usize::from(len[0])])
                    .await
                    .is_err()
            {
                return;
            }
            String::from_utf8_lossy(&name[..usize::from(len[0])]).into_owned()
        }
        _ => return,
    };
    let mut port = [0u8; 2];
    if client.read_exact(&mut port).await.is_err() {
        return;
    }
    let authority = format!("{host}:{}", u16::from_be_bytes(port));
    // Only ever loopback: the tests' own servers. Anything else is refused (reply 2).
    if !(host == "127.0.0.1" || host == "localhost") {
        let _ = client.write_all(&[5, 2, 0, 1, 0, 0, 0, 0, 0, 0]).await;
        return;
    }
    log.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .push(format!("CONNECT {authority}"));
    let Ok(mut origin) = TcpStream::connect(&authority).await else {
        let _ = client.write_all(&[5, 5, 0, 1, 0, 0, 0, 0, 0, 0]).await;
        return;
    };
    if client
        .write_all(&[5, 0, 0, 1, 0, 0, 0, 0, 0, 0])
        .await
        .is_err()
    {
        return;
    }
    let _ = tokio::io::copy_bidirectional(&mut client, &mut origin).await;
}

/// Writes `text` into `dir/name`, making folders as needed, and returns the path.
pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("make the folder");
    }
    std::fs::write(&path, text).expect("write the file");
    path
}
