//! A scripted SMTP server inside the test process: it listens on 127.0.0.1:0, plays one script
//! per accepted connection (send these bytes, expect that line, start TLS, misbehave), records
//! every byte the client sent, and on drop checks that each script ran to its end.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// One step of a script.
#[derive(Debug, Clone)]
pub enum Step {
    /// Send these bytes as they are.
    Send(Vec<u8>),
    /// Read one line and require it to equal this (CRLF added).
    Expect(String),
    /// Read one line and require it to start with this (for values the test computes later).
    ExpectPrefix(String),
    /// Read DATA content up to and including the final "\r\n.\r\n".
    ExpectContent,
    /// Read exactly this many bytes of content (a BDAT chunk), recorded like DATA content.
    ExpectBytes(usize),
    /// Run the TLS handshake as a server with this identity (STARTTLS after a 220, or implicit).
    Tls(TlsIdentity),
    /// Read and drop whatever the client sends next (e.g. a TLS ClientHello we will not answer).
    Discard,
    /// Send these bytes one at a time, pausing between them, like a hostile server keeping a
    /// read busy. The client must give up first: a trickle that runs to its end fails the
    /// script.
    Trickle(Vec<u8>, Duration),
    /// Close the connection now.
    Close,
    /// Keep the connection open, never answering, until the client goes away.
    Stall,
    /// Read one line and send what the responder makes of it (CRLF added): for exchanges
    /// whose answers depend on what the client sent, such as SCRAM.
    Respond(Responder),
    /// Run the TLS handshake with the good identity and require a client certificate signed by
    /// the test CA; record its subject CN (see [`ScriptedServer::client_cn`]).
    TlsClientCert,
}

/// Computes the server's reply to a client line (given without CRLF).
#[derive(Clone)]
pub struct Responder(pub Arc<dyn Fn(&str) -> String + Send + Sync>);

impl std::fmt::Debug for Responder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Responder")
    }
}

/// Shorthand: a computed reply.
pub fn respond(f: impl Fn(&str) -> String + Send + Sync + 'static) -> Step {
    Step::Respond(Responder(Arc::new(f)))
}

/// Which certificate the server presents.
#[derive(Debug, Clone, Copy)]
pub enum TlsIdentity {
    /// localhost / 127.0.0.1 / ::1, signed by the test CA.
    Good,
    /// Expired in 2021.
    Expired,
    /// Issued for other.example.
    WrongName,
    /// Self-signed.
    SelfSigned,
}

/// Shorthand: a server line (CRLF added).
pub fn send(line: &str) -> Step {
    Step::Send(format!("{line}\r\n").into_bytes())
}

/// Shorthand: an expected client line.
pub fn expect(line: &str) -> Step {
    Step::Expect(line.to_string())
}

/// The repository's test PKI directory.
pub fn tls_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/tls")
}

/// A TLS acceptor for the identity. OpenSSL's `mozilla_intermediate_v5` profile, so the test
/// server speaks TLS 1.3 like real servers (native-tls's acceptor stops at TLS 1.2).
fn acceptor(which: TlsIdentity) -> openssl::ssl::SslAcceptor {
    let name = match which {
        TlsIdentity::Good => "server",
        TlsIdentity::Expired => "expired",
        TlsIdentity::WrongName => "wrong-name",
        TlsIdentity::SelfSigned => "self-signed",
    };
    let dir = tls_dir();
    let mut builder =
        openssl::ssl::SslAcceptor::mozilla_intermediate_v5(openssl::ssl::SslMethod::tls()).unwrap();
    builder.set_certificate_chain_file(dir.join(format!("{name}.pem"))).expect("test certificate");
    builder
        .set_private_key_file(dir.join(format!("{name}.key")), openssl::ssl::SslFiletype::PEM)
        .expect("test key");
    builder.build()
}

/// The good identity, requiring a client certificate from the test CA.
fn client_cert_acceptor() -> openssl::ssl::SslAcceptor {
    use openssl::ssl::{SslAcceptor, SslFiletype, SslMethod, SslVerifyMode};
    let dir = tls_dir();
    let mut builder = SslAcceptor::mozilla_intermediate_v5(SslMethod::tls()).unwrap();
    builder.set_certificate_chain_file(dir.join("server.pem")).expect("test certificate");
    builder.set_private_key_file(dir.join("server.key"), SslFiletype::PEM).expect("test key");
    builder.set_ca_file(dir.join("ca.pem")).expect("test CA");
    builder.set_verify(SslVerifyMode::PEER | SslVerifyMode::FAIL_IF_NO_PEER_CERT);
    builder.build()
}

enum Conn {
    Plain(TcpStream),
    Tls(Box<openssl::ssl::SslStream<TcpStream>>),
}

impl Read for Conn {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Conn::Plain(s) => s.read(buf),
            Conn::Tls(s) => s.read(buf),
        }
    }
}

impl Write for Conn {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Conn::Plain(s) => s.write(buf),
            Conn::Tls(s) => s.write(buf),
        }
    }
    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Conn::Plain(s) => s.flush(),
            Conn::Tls(s) => s.flush(),
        }
    }
}

/// A running scripted server.
pub struct ScriptedServer {
    addr: SocketAddr,
    received: Arc<Mutex<Vec<u8>>>,
    content: Arc<Mutex<Vec<Vec<u8>>>>,
    client_cn: Arc<Mutex<Option<String>>>,
    /// Set on drop: a connection accepted after this is our own wake-up call, not the client's.
    closing: Arc<AtomicBool>,
    handle: Option<JoinHandle<Result<(), String>>>,
}

impl ScriptedServer {
    /// Starts a server that accepts one connection per script, in order.
    pub fn start(scripts: Vec<Vec<Step>>) -> ScriptedServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().unwrap();
        let received = Arc::new(Mutex::new(Vec::new()));
        let content = Arc::new(Mutex::new(Vec::new()));
        let client_cn = Arc::new(Mutex::new(None));
        let closing = Arc::new(AtomicBool::new(false));
        let (r, c, cn, done) =
            (received.clone(), content.clone(), client_cn.clone(), closing.clone());
        let handle = std::thread::spawn(move || {
            for (i, script) in scripts.into_iter().enumerate() {
                let (stream, _) = listener.accept().map_err(|e| e.to_string())?;
                if done.load(Ordering::SeqCst) {
                    return Err(format!("the client never opened connection {}", i + 1));
                }
                // A safety net so a broken test cannot hang the suite; no test relies on it.
                stream.set_read_timeout(Some(Duration::from_secs(60))).ok();
                play(stream, script, &r, &c, &cn)
                    .map_err(|e| format!("connection {}: {e}", i + 1))?;
            }
            Ok(())
        });
        ScriptedServer { addr, received, content, client_cn, closing, handle: Some(handle) }
    }

    /// A server with a single script.
    pub fn one(script: Vec<Step>) -> ScriptedServer {
        Self::start(vec![script])
    }

    /// Where it listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The port.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Every byte the client sent (TLS-decrypted), across connections.
    pub fn received(&self) -> Vec<u8> {
        self.received.lock().unwrap().clone()
    }

    /// The subject CN of the client certificate presented at a [`Step::TlsClientCert`].
    pub fn client_cn(&self) -> Option<String> {
        self.client_cn.lock().unwrap().clone()
    }

    /// Every DATA content block received, terminator included.
    pub fn contents(&self) -> Vec<Vec<u8>> {
        self.content.lock().unwrap().clone()
    }

    /// Waits for the script to finish and returns its verdict.
    pub fn finish(mut self) -> Result<(), String> {
        self.handle.take().unwrap().join().map_err(|_| "server thread panicked".to_string())?
    }
}

impl Drop for ScriptedServer {
    fn drop(&mut self) {
        if let Some(handle) = self.handle.take() {
            // If the client never came for a scripted connection, the thread still waits in
            // accept(); a connection of our own wakes it, so the test fails with "client closed
            // the connection" instead of hanging. Once every script ran, the listener is gone
            // and this is refused at once.
            self.closing.store(true, Ordering::SeqCst);
            let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
            let verdict = handle.join().map_err(|_| "server thread panicked".to_string());
            if !std::thread::panicking() {
                match verdict {
                    Ok(Ok(())) => {}
                    Ok(Err(e)) | Err(e) => panic!("scripted server: {e}"),
                }
            }
        }
    }
}

fn play(
    stream: TcpStream,
    script: Vec<Step>,
    received: &Mutex<Vec<u8>>,
    content: &Mutex<Vec<Vec<u8>>>,
    client_cn: &Mutex<Option<String>>,
) -> Result<(), String> {
    let mut reader = BufReader::new(Conn::Plain(stream));
    for step in script {
        match step {
            Step::Send(bytes) => {
                let conn = reader.get_mut();
                conn.write_all(&bytes)
                    .and_then(|()| conn.flush())
                    .map_err(|e| format!("send: {e}"))?;
            }
            Step::Expect(want) => {
                let line = read_line(&mut reader, received)?;
                let want = format!("{want}\r\n");
                if line != want.as_bytes() {
                    return Err(format!(
                        "expected {want:?}, got {:?}",
                        String::from_utf8_lossy(&line)
                    ));
                }
            }
            Step::ExpectPrefix(want) => {
                let line = read_line(&mut reader, received)?;
                if !line.starts_with(want.as_bytes()) {
                    return Err(format!(
                        "expected a line starting {want:?}, got {:?}",
                        String::from_utf8_lossy(&line)
                    ));
                }
            }
            Step::ExpectBytes(n) => {
                let mut block = vec![0u8; n];
                reader.read_exact(&mut block).map_err(|e| format!("read {n} bytes: {e}"))?;
                received.lock().unwrap().extend_from_slice(&block);
                content.lock().unwrap().push(block);
            }
            Step::ExpectContent => {
                let mut block = Vec::new();
                while !block.ends_with(b"\r\n.\r\n") && block != b".\r\n" {
                    block.extend(read_line(&mut reader, received)?);
                }
                content.lock().unwrap().push(block);
            }
            Step::Tls(which) => {
                if !reader.buffer().is_empty() {
                    return Err("client sent bytes before the TLS handshake".into());
                }
                let Conn::Plain(tcp) = reader.into_inner() else {
                    return Err("TLS twice".into());
                };
                match acceptor(which).accept(tcp) {
                    Ok(tls) => reader = BufReader::new(Conn::Tls(Box::new(tls))),
                    // The client refusing our certificate is an expected outcome in some tests.
                    Err(_) => return Ok(()),
                }
            }
            Step::Discard => {
                let mut chunk = [0u8; 4096];
                reader.read(&mut chunk).map_err(|e| format!("discard: {e}"))?;
            }
            Step::Trickle(bytes, pause) => {
                for byte in bytes {
                    let conn = reader.get_mut();
                    if conn.write_all(&[byte]).and_then(|()| conn.flush()).is_err() {
                        return Ok(()); // the client gave up, as it should
                    }
                    std::thread::sleep(pause);
                }
                return Err("the client sat through the whole trickle".into());
            }
            Step::TlsClientCert => {
                if !reader.buffer().is_empty() {
                    return Err("client sent bytes before the TLS handshake".into());
                }
                let Conn::Plain(tcp) = reader.into_inner() else {
                    return Err("TLS twice".into());
                };
                let tls = client_cert_acceptor()
                    .accept(tcp)
                    .map_err(|e| format!("TLS with a client certificate: {e}"))?;
                let cn = tls.ssl().peer_certificate().and_then(|cert| {
                    let entry = cert.subject_name().entries().next()?;
                    entry.data().to_string().ok()
                });
                *client_cn.lock().unwrap() = cn;
                reader = BufReader::new(Conn::Tls(Box::new(tls)));
            }
            Step::Respond(Responder(f)) => {
                let line = read_line(&mut reader, received)?;
                let text = String::from_utf8_lossy(&line);
                let reply = format!("{}\r\n", f(text.trim_end_matches(['\r', '\n'])));
                let conn = reader.get_mut();
                conn.write_all(reply.as_bytes())
                    .and_then(|()| conn.flush())
                    .map_err(|e| format!("respond: {e}"))?;
            }
            Step::Close => return Ok(()),
            Step::Stall => {
                let mut sink = Vec::new();
                let _ = reader.read_to_end(&mut sink);
                return Ok(());
            }
        }
    }
    Ok(())
}

fn read_line(reader: &mut BufReader<Conn>, received: &Mutex<Vec<u8>>) -> Result<Vec<u8>, String> {
    let mut line = Vec::new();
    reader.read_until(b'\n', &mut line).map_err(|e| format!("read: {e}"))?;
    received.lock().unwrap().extend_from_slice(&line);
    if line.is_empty() {
        return Err("client closed the connection".into());
    }
    Ok(line)
}
