//! One transaction on one host: connect, TLS by policy, EHLO, the extension checks that must
//! pass before anything is sent, the envelope (in one write with PIPELINING), then the content
//! with DATA or BDAT, and a clean ending.
//!
//! How a session ends matters as much as how it goes: after a refusal in the command phase it
//! sends RSET and QUIT; when the server has already said 354 and the message must not go (a
//! recipient was refused in a pipelined group), it closes the connection without the final dot,
//! which makes the server discard the transaction (RFC 5321 §4.1.1.4). It must not print.

use std::io::Read;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use super::params::{self, Needs, Negotiated};
use super::{AuthSummary, DeliveryPlan, Failure, Outgoing, Progress, SessionReport, queue_id};
use crate::account;
use crate::message::{ComposeError, CrlfReader};
use crate::smtp::command::Command;
use crate::smtp::event::{Event, Observer};
use crate::smtp::extension::EhloInfo;
use crate::smtp::{Client, Error, Reply};
use crate::tls_policy::Upgrade;

/// BDAT chunk size: large enough that round trips do not matter, small enough to stay a small
/// part of the memory budget (two chunks are held at a time).
pub const BDAT_CHUNK: usize = 1024 * 1024;

/// RFC 5321 §4.5.3.2.6: wait at least 10 minutes for the reply to the end of the message (and
/// while sending it). Giving up sooner risks a duplicate: the server may take the message after
/// the client has stopped listening.
const DATA_TERMINATION: Duration = Duration::from_secs(600);

/// One attempt to hand some recipients' copy of the message to one host.
pub(super) struct Attempt<'a> {
    pub plan: &'a DeliveryPlan,
    pub message: &'a Outgoing,
    /// Indices into the envelope's recipients.
    pub recipients: &'a [usize],
    pub domain: Option<&'a str>,
    pub port: u16,
}

/// What the attempt did.
pub(super) struct AttemptResult {
    pub report: SessionReport,
    /// (recipient index, reply to its RCPT TO).
    pub rcpt_replies: Vec<(usize, Reply)>,
    /// The server accepted the message for the recipients it accepted.
    pub delivered: bool,
    pub failure: Option<Failure>,
}

/// What the session knows while it runs.
#[derive(Default)]
struct State {
    report: SessionReport,
    rcpt_replies: Vec<(usize, Reply)>,
    delivered: bool,
    /// MAIL FROM was sent and the transaction not finished: RSET before QUIT.
    in_transaction: bool,
    /// The server said 354 and waits for content: nothing but content may follow.
    data_open: bool,
}

impl Attempt<'_> {
    /// Runs the session and always returns a report, whatever happened.
    pub fn run(
        &self,
        host: &str,
        addrs: &[SocketAddr],
        observer: &mut dyn Observer,
        progress: &mut Progress<'_>,
    ) -> AttemptResult {
        let started = Instant::now();
        let mut state = State::default();
        state.report.domain = self.domain.map(str::to_string);
        state.report.host = host.to_string();
        state.report.port = self.port;
        let failure = match Client::connect(host, addrs, &self.plan.session, observer) {
            Err(e) => Some(Failure::Session(e)),
            Ok(mut client) => {
                state.report.address = Some(client.peer());
                let result = self.transaction(&mut client, &mut state, progress);
                state.report.tls = client.tls_info().cloned();
                if state.report.ehlo.is_none() {
                    state.report.ehlo = client.ehlo_info().cloned();
                }
                end(&mut client, &result, &state);
                result.err()
            }
        };
        // Refused recipients are reported one by one; the error is for everything else.
        state.report.error =
            failure.as_ref().filter(|f| !f.is_recipients()).map(ToString::to_string);
        state.report.elapsed = started.elapsed();
        AttemptResult {
            report: state.report,
            rcpt_replies: state.rcpt_replies,
            delivered: state.delivered,
            failure,
        }
    }

    fn transaction(
        &self,
        client: &mut Client<'_>,
        state: &mut State,
        progress: &mut Progress<'_>,
    ) -> Result<(), Failure> {
        // Opened first, so a file that vanished since planning stops us before MAIL FROM.
        let reader = self.message.reader().map_err(local)?;
        self.open(client)?;
        state.report.auth = self.login(client)?;
        let info = client.ehlo_info().cloned().unwrap_or_default();
        state.report.ehlo = Some(info.clone());
        let negotiated = self.negotiate(client, &info)?;
        state.report.used = negotiated.used.clone();
        let bdat = self.plan.options.chunking && info.chunking();
        if self.plan.options.chunking && !bdat {
            client.emit(Event::Note("CHUNKING not offered; sending with DATA".into()));
        }
        if bdat {
            state.report.used.push("CHUNKING".into());
        }
        if info.pipelining() {
            state.report.used.push("PIPELINING".into());
        }
        state.in_transaction = true;
        let data = self.envelope(client, state, &negotiated, info.pipelining(), !bdat)?;
        self.check_recipients(client, state)?;
        let normal = self.plan.session.connect.reply_timeout;
        client.set_reply_timeout(normal.max(DATA_TERMINATION));
        let reply = if bdat {
            self.send_bdat(client, reader, progress)?
        } else {
            self.send_data(client, state, data, reader, progress)?
        };
        client.set_reply_timeout(normal);
        state.report.final_reply = Some(reply.clone());
        let reply = positive(client, reply, "the message")?;
        state.in_transaction = false;
        state.delivered = true;
        state.report.queue_id = queue_id::parse(&reply);
        Ok(())
    }

    /// Implicit TLS, the greeting, EHLO, and STARTTLS as the policy wants.
    fn open(&self, client: &mut Client<'_>) -> Result<(), Failure> {
        if self.plan.tls.implicit(self.port) {
            client.implicit_tls().map_err(Failure::Session)?;
        }
        let banner = client.banner().map_err(Failure::Session)?;
        positive(client, banner, "the connection")?;
        let ehlo = client.ehlo().map_err(Failure::Session)?;
        positive(client, ehlo, "EHLO")?;
        self.starttls(client)
    }

    /// STARTTLS (RFC 3207), then EHLO again: everything said before TLS is forgotten.
    fn starttls(&self, client: &mut Client<'_>) -> Result<(), Failure> {
        match self.plan.tls.starttls(client, self.port, "MAIL FROM; nothing was sent") {
            Ok(Upgrade::Done) => {}
            Ok(Upgrade::Skipped) => return Ok(()),
            Err(Error::Rejected { reply, .. }) => {
                let host = client.host().to_string();
                return Err(Failure::Refused { host, step: "STARTTLS", reply });
            }
            Err(e) => return Err(Failure::Session(e)),
        }
        let ehlo = client.ehlo().map_err(Failure::Session)?;
        positive(client, ehlo, "EHLO").map(|_| ())
    }

    /// AUTH when the plan asks for it; the policy (never without TLS unless allowed, the
    /// mechanism) is the account module's. A refusal ends the session (exit 77, or 75 on 4xx).
    fn login(&self, client: &mut Client<'_>) -> Result<Option<AuthSummary>, Failure> {
        let Some(auth) = &self.plan.auth else { return Ok(None) };
        let outcome = account::login(client, auth).map_err(Failure::Session)?;
        let mechanism = outcome.mechanism.name().to_string();
        if !outcome.success {
            let command = format!("AUTH {mechanism}");
            return Err(Failure::Session(Error::Rejected { command, reply: outcome.reply }));
        }
        let user = auth.user.clone().unwrap_or_default();
        Ok(Some(AuthSummary { mechanism, user }))
    }

    /// The MAIL/RCPT parameters, or why this server cannot take the message at all.
    fn negotiate(&self, client: &mut Client<'_>, info: &EhloInfo) -> Result<Negotiated, Failure> {
        let envelope = &self.plan.envelope;
        let mut utf8: Vec<String> = envelope
            .reverse_path
            .iter()
            .chain(self.recipients.iter().map(|&i| &envelope.recipients[i]))
            .filter(|a| a.needs_smtputf8())
            .map(|a| a.smtp_form())
            .collect();
        if self.message.needs_smtputf8() {
            utf8.push("the message header".into());
        }
        let host = client.host().to_string();
        if !utf8.is_empty() && !info.smtputf8() {
            let what =
                format!("does not offer SMTPUTF8 (RFC 6531), which {} needs", utf8.join(", "));
            return Err(Failure::Unsupported { host, what });
        }
        let needs = Needs {
            size: self.message.size(),
            eight_bit: self.message.needs_8bitmime(),
            smtputf8: !utf8.is_empty(),
            require_tls: self.plan.options.require_tls,
        };
        let negotiated = params::negotiate(info, needs, &self.plan.options.dsn)
            .map_err(|what| Failure::Unsupported { host, what })?;
        for warning in &negotiated.warnings {
            client.emit(Event::Warning(warning.clone()));
        }
        Ok(negotiated)
    }

    /// MAIL FROM and the RCPT TOs, and DATA when it carries the content: in one write when
    /// the server offers PIPELINING (RFC 2920 §3.1: DATA may only end a group), else one by
    /// one. Returns DATA's reply when it was sent.
    fn envelope(
        &self,
        client: &mut Client<'_>,
        state: &mut State,
        negotiated: &Negotiated,
        pipelined: bool,
        with_data: bool,
    ) -> Result<Option<Reply>, Failure> {
        let reverse_path =
            self.plan.envelope.reverse_path.as_ref().map(|a| a.smtp_form()).unwrap_or_default();
        let mail = Command::MailFrom { reverse_path, params: negotiated.mail.clone() };
        let rcpts: Vec<Command> = self
            .recipients
            .iter()
            .map(|&i| Command::RcptTo {
                forward_path: self.plan.envelope.recipients[i].smtp_form(),
                params: negotiated.rcpt.clone(),
            })
            .collect();
        if !pipelined {
            let reply = client.command(&mail).map_err(Failure::Session)?;
            positive(client, reply, "MAIL FROM")?;
            for (&i, rcpt) in self.recipients.iter().zip(&rcpts) {
                let reply = client.command(rcpt).map_err(Failure::Session)?;
                state.rcpt_replies.push((i, reply));
            }
            return Ok(None);
        }
        let mut group = vec![mail];
        group.extend(rcpts);
        if with_data {
            group.push(Command::Data);
        }
        let data_note = if with_data { " and DATA" } else { "" };
        client.emit(Event::Note(format!(
            "PIPELINING: MAIL FROM, {} RCPT TO{data_note} in one write",
            self.recipients.len()
        )));
        let mut replies = client.pipeline(&group).map_err(Failure::Session)?.into_iter();
        let mail_reply = replies.next().expect("one reply per command");
        let rcpt_replies: Vec<Reply> = replies.by_ref().take(self.recipients.len()).collect();
        let data = replies.next();
        state.data_open = data.as_ref().is_some_and(|r| r.code == 354);
        positive(client, mail_reply, "MAIL FROM")?;
        state.rcpt_replies = self.recipients.iter().copied().zip(rcpt_replies).collect();
        Ok(data)
    }

    /// All-or-nothing unless partial delivery is allowed: one refusal stops the message.
    fn check_recipients(&self, client: &mut Client<'_>, state: &State) -> Result<(), Failure> {
        let refused: Vec<(String, Reply)> = state
            .rcpt_replies
            .iter()
            .filter(|(_, reply)| !reply.is_positive())
            .map(|(i, reply)| (self.plan.envelope.recipients[*i].smtp_form(), reply.clone()))
            .collect();
        if refused.is_empty() {
            return Ok(());
        }
        let total = state.rcpt_replies.len();
        let accepted = total - refused.len();
        let failure = Failure::Recipients { refused, delivered: 0, total };
        if accepted == 0 {
            return Err(failure);
        }
        if !self.plan.options.allow_partial {
            client.emit(Event::Note(format!(
                "{} of {total} recipients refused: all or nothing, so the message is not sent \
                 (--allow-partial sends it to the accepted ones)",
                total - accepted
            )));
            return Err(failure);
        }
        client.emit(Event::Note(format!(
            "--allow-partial: sending to the {accepted} accepted recipient(s)"
        )));
        Ok(())
    }

    /// DATA (unless pipelined already), then the content, dot-stuffed by the engine.
    fn send_data(
        &self,
        client: &mut Client<'_>,
        state: &mut State,
        data: Option<Reply>,
        reader: Box<dyn Read + Send>,
        progress: &mut Progress<'_>,
    ) -> Result<Reply, Failure> {
        let reply = match data {
            Some(reply) => reply,
            None => client.command(&Command::Data).map_err(Failure::Session)?,
        };
        if reply.code != 354 {
            return Err(Failure::Refused { host: client.host().to_string(), step: "DATA", reply });
        }
        state.data_open = true;
        let size = self.message.size();
        let reply = client.send_content(reader, &mut |sent| progress(sent, size));
        let reply = reply.map_err(content_failure)?;
        state.data_open = false;
        Ok(reply)
    }

    /// BDAT chunks (RFC 3030) of the CRLF-normalised content; the last says LAST. Returns the
    /// reply to the last chunk, or to the first chunk refused.
    fn send_bdat(
        &self,
        client: &mut Client<'_>,
        reader: Box<dyn Read + Send>,
        progress: &mut Progress<'_>,
    ) -> Result<Reply, Failure> {
        let size = self.message.size();
        // The message readers already end every line with CRLF; normalising again is the
        // guarantee, since nothing else stands between the file and the wire here.
        let mut reader = CrlfReader::new(reader);
        let mut sent = 0u64;
        // Two buffers, swapped each round: the next chunk is read ahead to know whether this
        // one is LAST, and no chunk allocates.
        let (mut chunk, mut next) =
            (Vec::with_capacity(BDAT_CHUNK), Vec::with_capacity(BDAT_CHUNK));
        fill(&mut reader, &mut chunk)?;
        loop {
            next.clear();
            if chunk.len() == BDAT_CHUNK {
                fill(&mut reader, &mut next)?;
            }
            let last = next.is_empty();
            let reply = client.bdat(&chunk, last).map_err(Failure::Session)?;
            sent += chunk.len() as u64;
            progress(sent, size);
            if last || !reply.is_positive() {
                return Ok(reply);
            }
            std::mem::swap(&mut chunk, &mut next);
        }
    }
}

/// Ends the session as its state allows.
fn end(client: &mut Client<'_>, result: &Result<(), Failure>, state: &State) {
    if state.data_open {
        client.emit(Event::Note(
            "closing the connection without ending the message, so the server discards it".into(),
        ));
        return;
    }
    let usable = match result {
        Err(Failure::Session(e)) => matches!(
            e,
            Error::TlsUnavailable { .. }
                | Error::PlaintextAuth { .. }
                | Error::NoMechanism { .. }
                | Error::Auth(_)
                | Error::Rejected { .. }
        ),
        _ => true,
    };
    if !usable {
        return;
    }
    if result.is_err() && state.in_transaction {
        let _ = client.command(&Command::Rset);
    }
    // The outcome is decided; a server that hangs up instead of answering QUIT changes nothing.
    let _ = client.quit();
}

/// The reply when positive, else the refusal of `step`.
fn positive(client: &Client<'_>, reply: Reply, step: &'static str) -> Result<Reply, Failure> {
    if reply.is_positive() {
        Ok(reply)
    } else {
        Err(Failure::Refused { host: client.host().to_string(), step, reply })
    }
}

fn local(error: ComposeError) -> Failure {
    Failure::Local { message: error.to_string() }
}

/// A failure while streaming content: the message's own files, or the network.
fn content_failure(error: Error) -> Failure {
    if let Error::Io { source, .. } = &error
        && let Some(compose) = ComposeError::from_io(source)
    {
        return Failure::Local { message: compose.to_string() };
    }
    Failure::Session(error)
}

/// Reads up to one BDAT chunk; shorter only at the end of the message.
fn fill(reader: &mut impl Read, chunk: &mut Vec<u8>) -> Result<(), Failure> {
    chunk.clear();
    let result = reader.by_ref().take(BDAT_CHUNK as u64).read_to_end(chunk);
    result.map_err(|e| match ComposeError::from_io(&e) {
        Some(compose) => Failure::Local { message: compose.to_string() },
        None => Failure::Local { message: e.to_string() },
    })?;
    Ok(())
}
