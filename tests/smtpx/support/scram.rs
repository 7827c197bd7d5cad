//! A SCRAM server (RFC 5802, RFC 7677) for the scripted server: real server-first messages,
//! a real check of the client proof and channel binding, and a real (or, on purpose, wrong)
//! server signature. It uses the same RustCrypto crates as smtpx but none of its code, so a
//! client bug cannot be mirrored here and pass.

use std::sync::{Arc, Mutex};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{EagerHash, Hmac, KeyInit, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha256};

use super::server::{Step, expect, respond, send};

/// The server's fixed part of the nonce; the client's part is random.
const SERVER_NONCE: &str = "3rfcNHYJY1ZVvWVs7j";

/// One SCRAM exchange per connection, shared by the steps that play it.
#[derive(Clone)]
pub struct ScramServer(Arc<Inner>);

struct Inner {
    mechanism: String,
    sha256: bool,
    password: String,
    salt: Vec<u8>,
    iterations: u32,
    /// The channel-binding data a `p=` client must send.
    binding: Vec<u8>,
    /// Send a wrong server signature.
    lie: bool,
    state: Mutex<Option<Exchange>>,
    /// Every gs2 header received, in order (`n,,`, `y,,`, `p=tls-server-end-point,,`).
    gs2_headers: Mutex<Vec<String>>,
}

struct Exchange {
    gs2_header: String,
    client_first_bare: String,
    nonce: String,
    server_first: String,
}

impl ScramServer {
    /// A server for `mechanism` (SCRAM-SHA-1, SCRAM-SHA-256 or SCRAM-SHA-256-PLUS) that knows
    /// `password`.
    pub fn new(mechanism: &str, password: &str) -> ScramServer {
        ScramServer(Arc::new(Inner {
            mechanism: mechanism.to_string(),
            sha256: mechanism.starts_with("SCRAM-SHA-256"),
            password: password.to_string(),
            salt: b"smtpx-test-salt".to_vec(),
            iterations: 4096,
            binding: Vec::new(),
            lie: false,
            state: Mutex::new(None),
            gs2_headers: Mutex::new(Vec::new()),
        }))
    }

    /// The same server, but its signature is wrong: it does not know the password.
    pub fn lying(self) -> ScramServer {
        self.with(|inner| inner.lie = true)
    }

    /// The same server, expecting this tls-server-end-point data from a `p=` client.
    pub fn binding(self, data: Vec<u8>) -> ScramServer {
        self.with(|inner| inner.binding = data)
    }

    fn with(self, change: impl FnOnce(&mut Inner)) -> ScramServer {
        let mut inner = Arc::try_unwrap(self.0).ok().expect("configure before use");
        change(&mut inner);
        ScramServer(Arc::new(inner))
    }

    /// The gs2 headers the client sent.
    pub fn gs2_headers(&self) -> Vec<String> {
        self.0.gs2_headers.lock().unwrap().clone()
    }

    /// `AUTH MECH client-first` → `334 server-first`.
    pub fn first(&self) -> Step {
        let inner = self.0.clone();
        respond(move |line| inner.server_first(line))
    }

    /// client-final → `334 v=signature`, or `535` when the proof or binding is wrong.
    pub fn last(&self) -> Step {
        let inner = self.0.clone();
        respond(move |line| inner.server_final(line))
    }

    /// A complete successful exchange: both rounds, the client's empty answer, 235.
    pub fn success(&self) -> Vec<Step> {
        vec![self.first(), self.last(), expect(""), send("235 2.7.0 Authentication successful")]
    }
}

impl Inner {
    fn server_first(&self, line: &str) -> String {
        let words: Vec<&str> = line.split(' ').collect();
        let ["AUTH", mech, initial] = words.as_slice() else {
            return format!("501 5.5.2 expected AUTH {} with an initial response", self.mechanism);
        };
        if *mech != self.mechanism {
            return "504 5.5.4 unexpected mechanism".into();
        }
        let Some(client_first) = decode(initial) else {
            return "501 5.5.2 initial response is not base64".into();
        };
        // gs2-header is everything up to the second comma.
        let Some(split) = client_first.match_indices(',').nth(1).map(|(i, _)| i + 1) else {
            return "501 5.5.2 no gs2 header".into();
        };
        let (gs2_header, bare) = client_first.split_at(split);
        self.gs2_headers.lock().unwrap().push(gs2_header.to_string());
        let Some(client_nonce) = bare.split(',').find_map(|a| a.strip_prefix("r=")) else {
            return "501 5.5.2 no client nonce".into();
        };
        let nonce = format!("{client_nonce}{SERVER_NONCE}");
        let server_first =
            format!("r={nonce},s={},i={}", BASE64.encode(&self.salt), self.iterations);
        let reply = format!("334 {}", BASE64.encode(&server_first));
        *self.state.lock().unwrap() = Some(Exchange {
            gs2_header: gs2_header.to_string(),
            client_first_bare: bare.to_string(),
            nonce,
            server_first,
        });
        reply
    }

    fn server_final(&self, line: &str) -> String {
        let refused = "535 5.7.8 Authentication credentials invalid".to_string();
        let Some(exchange) = self.state.lock().unwrap().take() else { return refused };
        let Some(client_final) = decode(line) else { return refused };
        let Some((without_proof, proof)) = client_final.rsplit_once(",p=") else {
            return refused;
        };
        let mut cbind = exchange.gs2_header.as_bytes().to_vec();
        if exchange.gs2_header.starts_with("p=") {
            cbind.extend_from_slice(&self.binding);
        }
        let expected = format!("c={},r={}", BASE64.encode(&cbind), exchange.nonce);
        if without_proof != expected {
            return "535 5.7.8 channel binding or nonce mismatch".into();
        }
        let auth_message =
            format!("{},{},{without_proof}", exchange.client_first_bare, exchange.server_first);
        let proof = BASE64.decode(proof).unwrap_or_default();
        let verified = if self.sha256 {
            self.verify::<Sha256>(&auth_message, &proof)
        } else {
            self.verify::<Sha1>(&auth_message, &proof)
        };
        let Some(mut signature) = verified else { return refused };
        if self.lie {
            signature[0] ^= 0x55;
        }
        format!("334 {}", BASE64.encode(format!("v={}", BASE64.encode(&signature))))
    }

    /// Checks the client proof; on success returns the server signature.
    fn verify<D: EagerHash>(&self, auth_message: &str, proof: &[u8]) -> Option<Vec<u8>> {
        let mut salted = vec![0u8; <D as Digest>::output_size()];
        pbkdf2::pbkdf2_hmac::<D>(
            self.password.as_bytes(),
            &self.salt,
            self.iterations,
            &mut salted,
        );
        let client_key = hmac::<D>(&salted, b"Client Key");
        let stored_key = D::digest(&client_key).to_vec();
        let client_signature = hmac::<D>(&stored_key, auth_message.as_bytes());
        if proof.len() != client_signature.len() {
            return None;
        }
        let recovered: Vec<u8> = proof.iter().zip(&client_signature).map(|(p, s)| p ^ s).collect();
        if D::digest(&recovered).to_vec() != stored_key {
            return None;
        }
        let server_key = hmac::<D>(&salted, b"Server Key");
        Some(hmac::<D>(&server_key, auth_message.as_bytes()))
    }
}

fn hmac<D: EagerHash>(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut mac = <Hmac<D> as KeyInit>::new_from_slice(key).expect("any key length");
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

fn decode(b64: &str) -> Option<String> {
    String::from_utf8(BASE64.decode(b64.trim()).ok()?).ok()
}
