//! The message tree (RFC 2045-2049) and its plan: text/plain alone; text + HTML as
//! multipart/alternative; with attachments, multipart/mixed holding the body then the files.
//!
//! It owns the top-level header set (Date, From, To, Cc, Reply-To, Subject, Message-ID, user
//! fields, MIME-Version), content types and dispositions (RFC 2183, RFC 2231 file names),
//! boundaries and Message-IDs. Files are measured here, once, and streamed later by
//! `stream::MessageReader`; no file is ever held whole. Bcc is never written: the envelope is the
//! engine's business, not this module's.

use std::fs::{File, Metadata};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use super::address::{self, EmailAddress, Mailbox, parse_mailbox_list};
use super::encoding::{
    ContentStats, EncodingChoice, TransferEncoding, binary_choice, choose_encoding,
};
use super::error::ComposeError;
use super::header::{self, HeaderError, Token, UserHeaderRole, write_field};
use super::stream::{BodyPlan, MessageReader, Pipeline, PlanBuilder, Segment, Source, precheck};

/// Everything a message is made of, as the CLI's plan step gathered it.
#[derive(Debug, Clone)]
pub struct MessageSpec {
    pub from: Mailbox,
    pub to: Vec<Mailbox>,
    pub cc: Vec<Mailbox>,
    pub reply_to: Vec<Mailbox>,
    pub subject: Option<String>,
    /// User fields from `--header`, already split (see [`header::parse_user_header`]).
    pub headers: Vec<(String, String)>,
    pub text: Option<BodySource>,
    pub html: Option<BodySource>,
    pub attachments: Vec<AttachmentSpec>,
    /// The Date field; `None` means now.
    pub date: Option<SystemTime>,
    /// The right side of the generated Message-ID; `None` means the From domain.
    pub message_id_domain: Option<String>,
    /// Seeds boundaries and the Message-ID for reproducible output (tests, golden files);
    /// `None` uses the operating system's random source.
    pub random_seed: Option<u64>,
}

impl MessageSpec {
    /// A spec with only a sender: no recipients in the header, no subject, an empty text body.
    pub fn new(from: Mailbox) -> MessageSpec {
        MessageSpec {
            from,
            to: Vec::new(),
            cc: Vec::new(),
            reply_to: Vec::new(),
            subject: None,
            headers: Vec::new(),
            text: None,
            html: None,
            attachments: Vec::new(),
            date: None,
            message_id_domain: None,
            random_seed: None,
        }
    }
}

/// Where a text or HTML body comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodySource {
    /// Given inline (`--body`).
    Text(String),
    /// A UTF-8 file (`--body-file`), read when composing and again when sending.
    File(PathBuf),
}

/// A file to attach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentSpec {
    pub path: PathBuf,
    /// `type/subtype[; params]`; `None` guesses from the file name's extension.
    pub content_type: Option<String>,
    /// The name the recipient sees; `None` uses the path's last component.
    pub name: Option<String>,
}

impl AttachmentSpec {
    /// An attachment with a guessed type and the file's own name.
    pub fn new(path: impl Into<PathBuf>) -> AttachmentSpec {
        AttachmentSpec { path: path.into(), content_type: None, name: None }
    }
}

/// What one leaf part became, for `-v` output and JSON reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartSummary {
    /// `type/subtype` as written.
    pub content_type: String,
    pub encoding: TransferEncoding,
    /// The attachment name, for attachments.
    pub file_name: Option<String>,
    /// The source file, when there is one.
    pub path: Option<PathBuf>,
    /// Octets of the source.
    pub input_len: u64,
    /// Octets of the encoded body.
    pub encoded_len: u64,
}

/// A message ready to stream: literal header bytes and encoded file streams, with the exact size.
#[derive(Debug, Clone)]
pub struct ComposedMessage {
    segments: Arc<[Segment]>,
    size: u64,
    needs_smtputf8: bool,
    message_id: String,
    parts: Vec<PartSummary>,
}

impl ComposedMessage {
    /// Validates everything and measures the files. A missing or unreadable file is an error
    /// with [`ComposeError::is_missing_file`]; every other problem is bad input.
    pub fn compose(spec: &MessageSpec) -> Result<ComposedMessage, ComposeError> {
        let mut rng = Rng::new(spec.random_seed);
        let top = TopHeaders::collect(spec, &mut rng)?;
        let root = build_tree(spec, &mut rng)?;
        let mut plan = PlanBuilder::default();
        top.write(&mut plan.literal)?;
        plan.bytes(b"MIME-Version: 1.0\r\n");
        let mut parts = Vec::new();
        write_part(&mut plan, &root, true, &mut parts)?;
        let segments = plan.finish();
        let size = segments.iter().map(Segment::len).sum();
        Ok(ComposedMessage {
            segments,
            size,
            needs_smtputf8: top.needs_smtputf8,
            message_id: top.message_id,
            parts,
        })
    }

    /// Exact octets [`Self::reader`] produces (before dot-stuffing), for `SIZE=` and progress.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Streams the message. Fails at once if a file is gone or has another size; a change
    /// detected later surfaces as a read error (see [`MessageReader`]).
    pub fn reader(&self) -> Result<MessageReader, ComposeError> {
        precheck(&self.segments)?;
        Ok(MessageReader::new(Arc::clone(&self.segments)))
    }

    /// True when the message holds 8-bit octets (only UTF-8 addresses in header fields: bodies
    /// are always 7bit, quoted-printable or base64).
    pub fn needs_8bitmime(&self) -> bool {
        self.needs_smtputf8
    }

    /// True when a header address has a non-ASCII local part (RFC 6532): only SMTPUTF8 carries it.
    pub fn needs_smtputf8(&self) -> bool {
        self.needs_smtputf8
    }

    /// The Message-ID, with its angle brackets.
    pub fn message_id(&self) -> &str {
        &self.message_id
    }

    /// The leaf parts in order: body text, HTML, attachments.
    pub fn parts(&self) -> &[PartSummary] {
        &self.parts
    }
}

/// Random tokens for boundaries, Message-IDs and temporary file names.
#[derive(Debug)]
pub(crate) enum Rng {
    Os,
    /// SplitMix64: reproducible, for tests.
    Seeded(u64),
}

impl Rng {
    pub fn new(seed: Option<u64>) -> Rng {
        seed.map_or(Rng::Os, Rng::Seeded)
    }

    fn fill(&mut self, buf: &mut [u8]) -> Result<(), ComposeError> {
        match self {
            Rng::Os => getrandom::fill(buf).map_err(|e| ComposeError::Random(e.to_string())),
            Rng::Seeded(state) => {
                for chunk in buf.chunks_mut(8) {
                    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
                    let mut z = *state;
                    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
                    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
                    z ^= z >> 31;
                    chunk.copy_from_slice(&z.to_le_bytes()[..chunk.len()]);
                }
                Ok(())
            }
        }
    }

    /// `len` characters from [0-9a-z]: 24 of them carry over 120 bits.
    pub fn token(&mut self, len: usize) -> Result<String, ComposeError> {
        const ALPHABET: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
        let mut bytes = vec![0u8; len];
        self.fill(&mut bytes)?;
        Ok(bytes.iter().map(|&b| ALPHABET[usize::from(b) % ALPHABET.len()] as char).collect())
    }

    /// A boundary (RFC 2046 §5.1.1). It starts with `=_`, which cannot occur in quoted-printable
    /// or base64 output, and 7bit is never chosen for text containing `=_`
    /// ([`ContentStats::has_boundary_marker`]): so it cannot occur in any body.
    fn boundary(&mut self) -> Result<String, ComposeError> {
        Ok(format!("=_smtpx_{}", self.token(24)?))
    }
}

/// The top-level fields, validated, in the order they are written.
struct TopHeaders {
    fields: Vec<(String, Vec<Token>)>,
    message_id: String,
    needs_smtputf8: bool,
}

impl TopHeaders {
    fn collect(spec: &MessageSpec, rng: &mut Rng) -> Result<TopHeaders, ComposeError> {
        let user = UserFields::collect(&spec.headers)?;
        let mut reply_to = spec.reply_to.clone();
        reply_to.extend(user.reply_to);
        let lists =
            [("From", std::slice::from_ref(&spec.from)), ("To", &spec.to), ("Cc", &spec.cc)];
        let lists = lists.into_iter().chain([("Reply-To", reply_to.as_slice())]);
        let mut fields = Vec::new();
        let date = match user.date {
            Some(date) => date,
            None => header::format_date(spec.date.unwrap_or_else(SystemTime::now))
                .ok_or(ComposeError::Date)?,
        };
        fields.push(("Date".to_string(), header::structured_tokens(&date)));
        let mut needs_smtputf8 = false;
        for (name, list) in lists {
            for mailbox in list {
                mailbox.validate().map_err(|e| ComposeError::address(name, e))?;
                needs_smtputf8 |= mailbox.address.needs_smtputf8();
            }
            if !list.is_empty() {
                fields.push((name.to_string(), mailbox_list_tokens(list)));
            }
        }
        if let Some(subject) = &spec.subject {
            header::validate_value("Subject", subject)?;
            fields.push((
                "Subject".to_string(),
                header::unstructured_tokens(subject, first_word_max("Subject")),
            ));
        }
        let message_id = match user.message_id {
            Some(id) => id,
            None => generate_message_id(spec, rng)?,
        };
        fields.push(("Message-ID".to_string(), vec![Token::new("", message_id.clone())]));
        fields.extend(user.others);
        Ok(TopHeaders { fields, message_id, needs_smtputf8 })
    }

    fn write(&self, out: &mut Vec<u8>) -> Result<(), HeaderError> {
        for (name, tokens) in &self.fields {
            write_field(out, name, tokens)?;
        }
        Ok(())
    }
}

/// `--header` fields sorted by role.
#[derive(Default)]
struct UserFields {
    reply_to: Vec<Mailbox>,
    date: Option<String>,
    message_id: Option<String>,
    others: Vec<(String, Vec<Token>)>,
}

impl UserFields {
    fn collect(headers: &[(String, String)]) -> Result<UserFields, ComposeError> {
        let mut user = UserFields::default();
        for (name, value) in headers {
            let value = value.trim_matches([' ', '\t']);
            match header::check_user_header(name, value)? {
                UserHeaderRole::ReplyTo => {
                    let list = parse_mailbox_list(value)
                        .map_err(|e| ComposeError::address("Reply-To", e))?;
                    user.reply_to.extend(list);
                }
                UserHeaderRole::Date => set_once(&mut user.date, name, value)?,
                UserHeaderRole::MessageId => {
                    check_message_id(name, value)?;
                    set_once(&mut user.message_id, name, value)?;
                }
                UserHeaderRole::AsciiStructured => {
                    user.others.push((name.clone(), header::structured_tokens(value)));
                }
                UserHeaderRole::Unstructured => {
                    user.others.push((
                        name.clone(),
                        header::unstructured_tokens(value, first_word_max(name)),
                    ));
                }
            }
        }
        Ok(user)
    }
}

fn set_once(slot: &mut Option<String>, name: &str, value: &str) -> Result<(), HeaderError> {
    if slot.is_some() {
        return Err(HeaderError::Duplicate { name: name.to_string() });
    }
    *slot = Some(value.to_string());
    Ok(())
}

/// The widest first encoded word that keeps `Name: ` plus it within 78 columns.
fn first_word_max(name: &str) -> usize {
    header::PREFERRED_LINE.saturating_sub(name.len() + 2)
}

/// RFC 5322 §3.6.4 msg-id: `<left@right>`, printable ASCII, no spaces.
fn check_message_id(name: &str, value: &str) -> Result<(), HeaderError> {
    let inner = value.strip_prefix('<').and_then(|v| v.strip_suffix('>'));
    let ok = inner.is_some_and(|id| {
        id.split_once('@').is_some_and(|(l, r)| !l.is_empty() && !r.is_empty())
            && id.bytes().all(|b| (33..=126).contains(&b) && b != b'<' && b != b'>')
    });
    if ok && value.len() <= 250 {
        Ok(())
    } else {
        Err(HeaderError::Invalid { name: name.to_string(), reason: "expected <id@domain>" })
    }
}

fn generate_message_id(spec: &MessageSpec, rng: &mut Rng) -> Result<String, ComposeError> {
    let domain = match &spec.message_id_domain {
        Some(domain) => EmailAddress::parse(&format!("postmaster@{domain}"))
            .map_err(|e| ComposeError::address("Message-ID domain", e))?
            .ascii_domain()
            .to_string(),
        None => spec.from.address.ascii_domain().to_string(),
    };
    Ok(format!("<{}@{domain}>", rng.token(24)?))
}

/// Mailboxes as tokens: `a@x,` ` Name <b@y>`; folds go between words and after commas.
fn mailbox_list_tokens(list: &[Mailbox]) -> Vec<Token> {
    let mut tokens: Vec<Token> = Vec::new();
    for mailbox in list {
        if let Some(last) = tokens.last_mut() {
            last.text.push(',');
        }
        let mut mine = mailbox.header_tokens();
        if !tokens.is_empty()
            && let Some(first) = mine.first_mut()
        {
            first.sep = " ".to_string();
        }
        tokens.extend(mine);
    }
    tokens
}

/// A node of the MIME tree.
enum Part {
    Leaf(Leaf),
    Multi { subtype: &'static str, boundary: String, parts: Vec<Part> },
}

struct Leaf {
    content_type: Vec<Token>,
    disposition: Option<Vec<Token>>,
    body: BodyPlan,
    /// The encoded body does not end with CRLF (a single-part message then gets one).
    ends_open: bool,
    summary: PartSummary,
}

fn build_tree(spec: &MessageSpec, rng: &mut Rng) -> Result<Part, ComposeError> {
    let text = spec.text.as_ref().map(|s| text_leaf(s, "text/plain")).transpose()?;
    let html = spec.html.as_ref().map(|s| text_leaf(s, "text/html")).transpose()?;
    let mut body = match (text, html) {
        (Some(text), Some(html)) => {
            vec![Part::Multi {
                subtype: "alternative",
                boundary: rng.boundary()?,
                parts: vec![text, html],
            }]
        }
        (text, html) => text.into_iter().chain(html).collect(),
    };
    if spec.attachments.is_empty() {
        return match body.pop() {
            Some(part) => Ok(part),
            None => text_leaf(&BodySource::Text(String::new()), "text/plain"),
        };
    }
    for attachment in &spec.attachments {
        body.push(attachment_leaf(attachment)?);
    }
    Ok(Part::Multi { subtype: "mixed", boundary: rng.boundary()?, parts: body })
}

/// Opens a regular file for composing; a missing file, a directory or a device is an error
/// naming the path.
pub(super) fn open_file(path: &Path) -> Result<(File, Metadata), ComposeError> {
    let file = File::open(path).map_err(|e| ComposeError::unavailable(path, e))?;
    let meta = file.metadata().map_err(|e| ComposeError::unavailable(path, e))?;
    if !meta.is_file() {
        return Err(ComposeError::NotAFile { path: path.to_path_buf() });
    }
    Ok((file, meta))
}

fn measure_file(path: &Path) -> Result<ContentStats, ComposeError> {
    let (file, _) = open_file(path)?;
    ContentStats::measure(file).map_err(|e| ComposeError::read(path, e))
}

fn ends_open(choice: &EncodingChoice, stats: &ContentStats) -> bool {
    choice.encoded_len > 0
        && choice.encoding != TransferEncoding::Base64
        && !stats.ends_with_newline
}

/// A text/plain or text/html body, declared UTF-8.
fn text_leaf(source: &BodySource, essence: &str) -> Result<Part, ComposeError> {
    let (source, stats, path) = match source {
        BodySource::Text(text) => {
            let bytes: Arc<[u8]> = Arc::from(text.as_bytes());
            let stats = ContentStats::measure_bytes(&bytes);
            (Source::Memory(bytes), stats, None)
        }
        BodySource::File(path) => {
            let stats = measure_file(path)?;
            if !stats.utf8 {
                return Err(ComposeError::NotUtf8 { path: path.clone() });
            }
            (Source::File(path.clone()), stats, Some(path.clone()))
        }
    };
    let choice = choose_encoding(&stats);
    let content_type = with_params(essence, vec![vec![Token::new(" ", "charset=utf-8")]]);
    let fingerprint = path.as_ref().map(|_| stats.fingerprint);
    let summary = PartSummary {
        content_type: essence.to_string(),
        encoding: choice.encoding,
        file_name: None,
        path,
        input_len: stats.input_len,
        encoded_len: choice.encoded_len,
    };
    Ok(Part::Leaf(Leaf {
        content_type,
        disposition: None,
        body: body_plan(source, stats.input_len, fingerprint, choice),
        ends_open: ends_open(&choice, &stats),
        summary,
    }))
}

fn body_plan(
    source: Source,
    input_len: u64,
    fingerprint: Option<u64>,
    choice: EncodingChoice,
) -> BodyPlan {
    BodyPlan {
        source,
        input_len,
        fingerprint,
        pipeline: Pipeline::Encode(choice),
        output_len: choice.encoded_len,
    }
}

/// An attachment: text/* types are measured and encoded like bodies (CRLF-canonical, RFC 2046
/// §4.1.1); everything else is base64 of the bytes as they are, sized from metadata alone.
fn attachment_leaf(spec: &AttachmentSpec) -> Result<Part, ComposeError> {
    let (file, meta) = open_file(&spec.path)?;
    let name = attachment_name(spec)?;
    let media = match &spec.content_type {
        Some(value) => MediaType::parse(value)?,
        None => MediaType::guess(&name),
    };
    let mut params = Vec::new();
    let (choice, input_len, fingerprint, ends_open) = if media.essence.starts_with("text/") {
        let stats = ContentStats::measure(file).map_err(|e| ComposeError::read(&spec.path, e))?;
        if stats.utf8 && !media.has_param("charset") {
            params.push(vec![Token::new(" ", "charset=utf-8")]);
        }
        let choice = choose_encoding(&stats);
        (choice, stats.input_len, Some(stats.fingerprint), ends_open(&choice, &stats))
    } else {
        (binary_choice(meta.len()), meta.len(), None, false)
    };
    params.extend(media.params.iter().map(|p| vec![Token::new(" ", p.clone())]));
    if !media.has_param("name") {
        params.push(name_param(&name));
    }
    let summary = PartSummary {
        content_type: media.essence.clone(),
        encoding: choice.encoding,
        file_name: Some(name.clone()),
        path: Some(spec.path.clone()),
        input_len,
        encoded_len: choice.encoded_len,
    };
    Ok(Part::Leaf(Leaf {
        content_type: with_params(&media.essence, params),
        disposition: Some(with_params("attachment", vec![filename_params(&name)])),
        body: body_plan(Source::File(spec.path.clone()), input_len, fingerprint, choice),
        ends_open,
        summary,
    }))
}

fn attachment_name(spec: &AttachmentSpec) -> Result<String, ComposeError> {
    let name = match &spec.name {
        Some(name) => name.clone(),
        None => spec.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
    };
    let bad = |reason| Err(ComposeError::FileName { name: name.clone(), reason });
    if name.trim().is_empty() {
        return bad("empty");
    }
    if name.chars().any(char::is_control) {
        return bad("control characters (CR, LF, ...) not allowed");
    }
    Ok(name)
}

/// `value;` followed by parameters, each a token group; all but the last end with `;`.
fn with_params(value: &str, params: Vec<Vec<Token>>) -> Vec<Token> {
    let mut tokens = vec![Token::new("", value)];
    for param in params {
        if let Some(last) = tokens.last_mut() {
            last.text.push(';');
        }
        tokens.extend(param);
    }
    tokens
}

/// RFC 2045 §5.1 token characters.
fn is_token(text: &str) -> bool {
    !text.is_empty()
        && text.bytes().all(|b| b.is_ascii_graphic() && !b"()<>@,;:\\\"/[]?=".contains(&b))
}

/// A file name short and plain enough for `filename="..."`; others use RFC 2231.
fn is_plain_name(name: &str) -> bool {
    name.len() <= 60 && name.bytes().all(|b| (0x20..=0x7e).contains(&b))
}

/// RFC 2231 §7 attribute-char (as RFC 5987 §3.2.1 lists it): these stay, others become %XX.
fn is_attr_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b)
}

/// `filename="x.pdf"`, or RFC 2231 `filename*=UTF-8''r%C3%A9sum%C3%A9.pdf`, split into
/// `filename*0*=`, `filename*1*=` ... continuations (§3-4) of whole characters when long.
fn filename_params(name: &str) -> Vec<Token> {
    if is_plain_name(name) {
        return vec![Token::new(" ", format!("filename={}", address::quote(name)))];
    }
    let mut pieces = vec![String::new()];
    for c in name.chars() {
        let mut encoded = String::new();
        let mut utf8 = [0u8; 4];
        for &b in c.encode_utf8(&mut utf8).as_bytes() {
            if is_attr_char(b) {
                encoded.push(b as char);
            } else {
                encoded.push_str(&format!("%{b:02X}"));
            }
        }
        if pieces.last().is_some_and(|p| p.len() + encoded.len() > 54) {
            pieces.push(String::new());
        }
        if let Some(last) = pieces.last_mut() {
            last.push_str(&encoded);
        }
    }
    if pieces.len() == 1 {
        return vec![Token::new(" ", format!("filename*=UTF-8''{}", pieces[0]))];
    }
    let count = pieces.len();
    pieces
        .into_iter()
        .enumerate()
        .map(|(i, piece)| {
            let charset = if i == 0 { "UTF-8''" } else { "" };
            let semi = if i + 1 < count { ";" } else { "" };
            Token::new(" ", format!("filename*{i}*={charset}{piece}{semi}"))
        })
        .collect()
}

/// `name=` on Content-Type for clients that ignore Content-Disposition: quoted when plain,
/// RFC 2047 encoded words inside the quotes otherwise (not standard, but what clients read).
fn name_param(name: &str) -> Vec<Token> {
    if is_plain_name(name) {
        return vec![Token::new(" ", format!("name={}", address::quote(name)))];
    }
    let mut tokens = header::encode_words(name, 66);
    if let Some(first) = tokens.first_mut() {
        first.text.insert_str(0, "name=\"");
    }
    if let Some(last) = tokens.last_mut() {
        last.text.push('"');
    }
    tokens
}

/// A media type from `--attach-type` or the extension table.
#[derive(Debug, Clone, PartialEq, Eq)]
struct MediaType {
    /// `type/subtype`, lowercase.
    essence: String,
    /// `attr=value` parameters as given.
    params: Vec<String>,
}

/// Media types by extension (IANA media types registry). `.eml` is deliberately not
/// message/rfc822: RFC 2046 §5.2.1 forbids base64 for it, and a file cannot be trusted to be 7bit.
const BY_EXTENSION: &[(&str, &str)] = &[
    ("pdf", "application/pdf"),
    ("png", "image/png"),
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("gif", "image/gif"),
    ("txt", "text/plain"),
    ("csv", "text/csv"),
    ("html", "text/html"),
    ("htm", "text/html"),
    ("json", "application/json"),
    ("xml", "application/xml"),
    ("zip", "application/zip"),
    ("gz", "application/gzip"),
    ("tar", "application/x-tar"),
    ("doc", "application/msword"),
    ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("xls", "application/vnd.ms-excel"),
    ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("ppt", "application/vnd.ms-powerpoint"),
    ("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    ("eml", "application/octet-stream"),
];

impl MediaType {
    fn guess(name: &str) -> MediaType {
        let ext = Path::new(name).extension().map(|e| e.to_string_lossy().to_ascii_lowercase());
        let essence = ext
            .and_then(|ext| BY_EXTENSION.iter().find(|(e, _)| *e == ext))
            .map_or("application/octet-stream", |(_, t)| t);
        MediaType { essence: essence.to_string(), params: Vec::new() }
    }

    /// Parses `type/subtype[; attr=value]...` (RFC 2045 §5.1).
    fn parse(value: &str) -> Result<MediaType, ComposeError> {
        let bad = |reason| ComposeError::ContentType { value: value.to_string(), reason };
        if !value.bytes().all(|b| (0x20..=0x7e).contains(&b)) {
            return Err(bad("must be printable ASCII"));
        }
        let mut pieces = split_params(value).into_iter();
        let essence = pieces.next().unwrap_or_default().trim().to_ascii_lowercase();
        let (kind, sub) = essence.split_once('/').ok_or_else(|| bad("expected type/subtype"))?;
        if !is_token(kind) || !is_token(sub) {
            return Err(bad("expected type/subtype"));
        }
        if kind == "multipart" || kind == "message" {
            return Err(bad(
                "composite types cannot be base64-encoded (RFC 2046 §5); use application/octet-stream",
            ));
        }
        let mut params = Vec::new();
        for piece in pieces.map(|p| p.trim().to_string()).filter(|p| !p.is_empty()) {
            match piece.split_once('=') {
                Some((attr, _)) if is_token(attr.trim()) => params.push(piece),
                _ => return Err(bad("parameters must be attribute=value")),
            }
        }
        Ok(MediaType { essence, params })
    }

    fn has_param(&self, attr: &str) -> bool {
        self.params
            .iter()
            .any(|p| p.split_once('=').is_some_and(|(a, _)| a.trim().eq_ignore_ascii_case(attr)))
    }
}

/// Splits at `;` outside quoted strings.
fn split_params(value: &str) -> Vec<String> {
    let mut pieces = vec![String::new()];
    let (mut in_quote, mut escaped) = (false, false);
    for c in value.chars() {
        if c == ';' && !in_quote {
            pieces.push(String::new());
            continue;
        }
        if escaped {
            escaped = false;
        } else if in_quote && c == '\\' {
            escaped = true;
        } else if c == '"' {
            in_quote = !in_quote;
        }
        if let Some(last) = pieces.last_mut() {
            last.push(c);
        }
    }
    pieces
}

/// Writes one part: its fields, a blank line, and its body or children (RFC 2046 §5.1.1). The
/// top part's fields continue the message header; a single-part message ends with CRLF.
fn write_part(
    plan: &mut PlanBuilder,
    part: &Part,
    top: bool,
    out: &mut Vec<PartSummary>,
) -> Result<(), ComposeError> {
    match part {
        Part::Leaf(leaf) => {
            write_field(&mut plan.literal, "Content-Type", &leaf.content_type)?;
            let cte = leaf.summary.encoding;
            plan.bytes(format!("Content-Transfer-Encoding: {cte}\r\n").as_bytes());
            if let Some(disposition) = &leaf.disposition {
                write_field(&mut plan.literal, "Content-Disposition", disposition)?;
            }
            plan.bytes(b"\r\n");
            plan.body(leaf.body.clone());
            if top && leaf.ends_open {
                plan.bytes(b"\r\n");
            }
            out.push(leaf.summary.clone());
        }
        Part::Multi { subtype, boundary, parts } => {
            let content_type = [
                Token::new("", format!("multipart/{subtype};")),
                Token::new(" ", format!("boundary=\"{boundary}\"")),
            ];
            write_field(&mut plan.literal, "Content-Type", &content_type)?;
            plan.bytes(b"\r\n");
            if top {
                plan.bytes(b"This is a multi-part message in MIME format.");
            }
            for (i, child) in parts.iter().enumerate() {
                // The CRLF before a delimiter belongs to the delimiter (RFC 2046 §5.1.1).
                if i > 0 || top {
                    plan.bytes(b"\r\n");
                }
                plan.bytes(format!("--{boundary}\r\n").as_bytes());
                write_part(plan, child, false, out)?;
            }
            plan.bytes(format!("\r\n--{boundary}--").as_bytes());
            if top {
                plan.bytes(b"\r\n");
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::encoding::base64_encoded_len;
    use crate::message::encoding::tests::pseudo_random;
    use crate::message::header::tests::decode_2047;
    use crate::message::testutil::{
        TestDir, assert_wire_lines, find, parse_entity, read_with_buffer,
    };
    use std::io::Read;
    use std::time::{Duration, UNIX_EPOCH};

    fn mailbox(s: &str) -> Mailbox {
        Mailbox::parse(s).unwrap()
    }

    fn spec() -> MessageSpec {
        let mut spec = MessageSpec::new(mailbox("Alice <alice@example.com>"));
        spec.to = vec![mailbox("bob@example.org")];
        spec.subject = Some("Hello".into());
        spec.text = Some(BodySource::Text("Hi Bob,\nsee you.\n".into()));
        spec.date = Some(UNIX_EPOCH + Duration::from_secs(1_779_357_600));
        spec.random_seed = Some(1);
        spec
    }

    /// Composes, streams with a small buffer, and checks size and wire form.
    fn render(spec: &MessageSpec) -> (ComposedMessage, Vec<u8>) {
        let message = ComposedMessage::compose(spec).unwrap();
        let bytes = read_with_buffer(message.reader().unwrap(), 4096).unwrap();
        assert_eq!(message.size(), bytes.len() as u64, "size() differs from the bytes produced");
        assert_wire_lines(&bytes);
        (message, bytes)
    }

    #[test]
    fn simple_text_message_exact_bytes() {
        let (message, bytes) = render(&spec());
        let expected = b"Date: Thu, 21 May 2026 10:00:00 +0000\r\n\
From: Alice <alice@example.com>\r\n\
To: bob@example.org\r\n\
Subject: Hello\r\n\
Message-ID: <dk2tk9a1vkythxjamdezmi3w@example.com>\r\n\
MIME-Version: 1.0\r\n\
Content-Type: text/plain; charset=utf-8\r\n\
Content-Transfer-Encoding: 7bit\r\n\
\r\n\
Hi Bob,\r\n\
see you.\r\n";
        assert_eq!(String::from_utf8_lossy(&bytes), String::from_utf8_lossy(expected));
        assert_eq!(message.message_id(), "<dk2tk9a1vkythxjamdezmi3w@example.com>");
        assert!(!message.needs_8bitmime() && !message.needs_smtputf8());
    }

    #[test]
    fn body_without_final_newline_gets_one() {
        let mut spec = spec();
        spec.text = Some(BodySource::Text("no newline".into()));
        let (_, bytes) = render(&spec);
        assert!(bytes.ends_with(b"\r\n\r\nno newline\r\n"));
        spec.text = Some(BodySource::Text(String::new()));
        let (_, bytes) = render(&spec);
        assert!(bytes.ends_with(b"7bit\r\n\r\n"));
    }

    #[test]
    fn no_body_at_all_is_an_empty_text_part() {
        let mut spec = spec();
        spec.text = None;
        let entity = parse_entity(&render(&spec).1);
        assert_eq!(entity.header("Content-Type"), Some("text/plain; charset=utf-8"));
        assert!(entity.body.is_empty());
    }

    #[test]
    fn html_only_is_a_single_html_part() {
        let mut spec = spec();
        spec.text = None;
        spec.html = Some(BodySource::Text("<p>Hi</p>\n".into()));
        let entity = parse_entity(&render(&spec).1);
        assert_eq!(entity.header("Content-Type"), Some("text/html; charset=utf-8"));
        assert_eq!(entity.decoded(), b"<p>Hi</p>\r\n");
    }

    #[test]
    fn subject_is_rfc2047_encoded_and_decodes_back() {
        let mut spec = spec();
        spec.subject = Some("Grüße 👋".into());
        let (_, bytes) = render(&spec);
        assert!(bytes.is_ascii());
        let entity = parse_entity(&bytes);
        assert_eq!(decode_2047(entity.header("Subject").unwrap()), "Grüße 👋");
    }

    #[test]
    fn text_and_html_make_multipart_alternative() {
        let mut spec = spec();
        spec.html = Some(BodySource::Text("<p>Hi Bob</p>".into()));
        let (message, bytes) = render(&spec);
        let root = parse_entity(&bytes);
        assert!(root.header("Content-Type").unwrap().starts_with("multipart/alternative;"));
        assert_eq!(root.count("MIME-Version"), 1);
        assert_eq!(root.children.len(), 2);
        assert_eq!(root.children[0].header("Content-Type"), Some("text/plain; charset=utf-8"));
        assert_eq!(root.children[0].decoded(), b"Hi Bob,\r\nsee you.\r\n");
        assert_eq!(root.children[1].header("Content-Type"), Some("text/html; charset=utf-8"));
        assert_eq!(root.children[1].decoded(), b"<p>Hi Bob</p>");
        assert_eq!(message.parts().len(), 2);
    }

    #[test]
    fn attachments_make_multipart_mixed_with_alternative_first() {
        let dir = TestDir::new("message");
        let pdf = dir.file("report.pdf", &pseudo_random(1, 5000));
        let csv = dir.file("data.csv", b"a,b\n1,2\n");
        let mut spec = spec();
        spec.html = Some(BodySource::Text("<p>Hi</p>".into()));
        spec.attachments = vec![AttachmentSpec::new(&pdf), AttachmentSpec::new(&csv)];
        let root = parse_entity(&render(&spec).1);
        assert!(root.header("Content-Type").unwrap().starts_with("multipart/mixed;"));
        assert!(
            root.body.starts_with(b"This is a multi-part message in MIME format.\r\n--=_smtpx_")
        );
        let [alt, pdf_part, csv_part] = &root.children[..] else { panic!("{root:?}") };
        assert!(alt.header("Content-Type").unwrap().starts_with("multipart/alternative;"));
        assert_eq!(alt.children.len(), 2);
        assert_eq!(pdf_part.header("Content-Type"), Some("application/pdf; name=\"report.pdf\""));
        assert_eq!(pdf_part.header("Content-Transfer-Encoding"), Some("base64"));
        assert_eq!(
            pdf_part.header("Content-Disposition"),
            Some("attachment; filename=\"report.pdf\"")
        );
        assert_eq!(pdf_part.decoded(), pseudo_random(1, 5000));
        assert_eq!(
            csv_part.header("Content-Type"),
            Some("text/csv; charset=utf-8; name=\"data.csv\"")
        );
        assert_eq!(csv_part.header("Content-Transfer-Encoding"), Some("7bit"));
        assert_eq!(csv_part.decoded(), b"a,b\r\n1,2\r\n");
    }

    #[test]
    fn attachment_without_body_is_mixed_with_only_files() {
        let dir = TestDir::new("message");
        let file = dir.file("x.bin", b"\x00\x01");
        let mut spec = spec();
        spec.text = None;
        spec.attachments = vec![AttachmentSpec::new(&file)];
        let root = parse_entity(&render(&spec).1);
        assert_eq!(root.children.len(), 1);
        assert_eq!(
            root.children[0].header("Content-Type"),
            Some("application/octet-stream; name=\"x.bin\"")
        );
    }

    #[test]
    fn non_ascii_file_name_uses_rfc2231_and_rfc2047() {
        let dir = TestDir::new("message");
        let path = dir.file("cv.pdf", b"%PDF-1.4");
        let mut spec = spec();
        spec.attachments =
            vec![AttachmentSpec {
                path, content_type: None, name: Some("résumé 2026.pdf".into())
            }];
        let root = parse_entity(&render(&spec).1);
        let part = &root.children[1];
        assert_eq!(
            part.header("Content-Disposition"),
            Some("attachment; filename*=UTF-8''r%C3%A9sum%C3%A9%202026.pdf")
        );
        let content_type = part.header("Content-Type").unwrap();
        assert!(content_type.starts_with("application/pdf; name=\"=?UTF-8?"), "{content_type}");
        let name = content_type.split_once("name=\"").unwrap().1.trim_end_matches('"');
        assert_eq!(decode_2047(name), "résumé 2026.pdf");
    }

    #[test]
    fn long_non_ascii_file_name_uses_continuations() {
        let dir = TestDir::new("message");
        let path = dir.file("f.txt", b"x");
        let name = "Überweisungsbestätigung für das Geschäftsjahr 2026 – endgültig.txt";
        let mut spec = spec();
        spec.attachments =
            vec![AttachmentSpec { path, content_type: None, name: Some(name.into()) }];
        let (_, bytes) = render(&spec);
        for line in
            bytes.split(|&b| b == b'\n').filter(|l| l.contains(&b'*') || l.starts_with(b"Content-"))
        {
            assert!(line.len() <= 79, "{}", String::from_utf8_lossy(line));
        }
        let root = parse_entity(&bytes);
        let disposition = root.children[1].header("Content-Disposition").unwrap().to_string();
        assert!(disposition.contains("filename*0*=UTF-8''"), "{disposition}");
        // Reassemble the continuations (RFC 2231 §3) and percent-decode.
        let mut encoded = String::new();
        for i in 0.. {
            let key =
                if i == 0 { "filename*0*=UTF-8''".to_string() } else { format!("filename*{i}*=") };
            let Some(rest) = disposition.split(&key).nth(1) else { break };
            encoded.push_str(rest.split(';').next().unwrap().trim());
        }
        let mut bytes_out = Vec::new();
        let raw = encoded.as_bytes();
        let mut i = 0;
        while i < raw.len() {
            if raw[i] == b'%' {
                bytes_out.push(u8::from_str_radix(&encoded[i + 1..i + 3], 16).unwrap());
                i += 3;
            } else {
                bytes_out.push(raw[i]);
                i += 1;
            }
        }
        assert_eq!(String::from_utf8(bytes_out).unwrap(), name);
    }

    #[test]
    fn size_matches_bytes_for_many_shapes() {
        let dir = TestDir::new("message");
        let sizes = [0usize, 1, 2, 3, 56, 57, 58, 76, 4096, 1 << 20];
        let mut spec = spec();
        spec.html = Some(BodySource::Text("<b>Grüße</b>\n".repeat(50)));
        spec.text = Some(BodySource::Text("line with trailing space \nand = sign\r\n".repeat(40)));
        for (i, &len) in sizes.iter().enumerate() {
            let path = dir.file(&format!("a{i}.bin"), &pseudo_random(i as u64, len));
            spec.attachments.push(AttachmentSpec::new(path));
        }
        let text = dir.file("notes.txt", "Grüße\r\nbare\rcr\nlf ".repeat(300).as_bytes());
        spec.attachments.push(AttachmentSpec::new(text));
        let empty_text = dir.file("empty.txt", b"");
        spec.attachments.push(AttachmentSpec::new(empty_text));
        let (message, bytes) = render(&spec);
        let root = parse_entity(&bytes);
        assert_eq!(root.children.len(), 1 + sizes.len() + 2);
        for (i, &len) in sizes.iter().enumerate() {
            let part = &root.children[i + 1];
            assert_eq!(part.decoded(), pseudo_random(i as u64, len), "attachment {i}");
            assert_eq!(part.body.len() as u64, base64_encoded_len(len as u64));
        }
        let notes = &root.children[sizes.len() + 1];
        assert_eq!(notes.header("Content-Transfer-Encoding"), Some("quoted-printable"));
        assert_eq!(notes.decoded(), "Grüße\r\nbare\r\ncr\r\nlf ".repeat(300).as_bytes());
        assert!(root.children[sizes.len() + 2].body.is_empty());
        let summary_total: u64 = message.parts().iter().map(|p| p.encoded_len).sum();
        assert!(summary_total < message.size());
    }

    #[test]
    fn generated_inputs_always_make_valid_wire_lines() {
        let dir = TestDir::new("message");
        // Three families: binary (NUL), 8-bit text with `=_`, plain ASCII; long lines in some.
        let families: [&[&[u8]]; 3] = [
            &[b"\n", b"\r", b"\r\n", b"\0", b" ", b"=_", "é".as_bytes(), b"."],
            &[b"\n", b"\r", b"\r\n", b"\t", b" ", b"=_", "é".as_bytes(), b"."],
            &[b"\n", b"\r", b"\r\n", b"\t", b" ", b"=", b"-", b"."],
        ];
        let mut seen = std::collections::HashSet::new();
        for seed in 0..30u64 {
            let pieces = families[(seed % 3) as usize];
            let mut content = Vec::new();
            for (i, &b) in pseudo_random(seed, 4000).iter().enumerate() {
                match b % 16 {
                    0..=7 => content.extend_from_slice(pieces[usize::from(b % 8)]),
                    _ => content.push(b'a' + (i % 26) as u8),
                }
                if seed % 4 == 0 && i == 2000 {
                    content.extend(std::iter::repeat_n(b'x', 3000));
                }
            }
            let text = String::from_utf8(content.clone()).unwrap();
            let mut spec = spec();
            spec.subject = Some(text.replace(['\r', '\n', '\0'], " ").chars().take(300).collect());
            spec.text = Some(BodySource::Text(text.clone()));
            spec.html = Some(BodySource::File(dir.file(&format!("h{seed}.html"), text.as_bytes())));
            let attachment = dir.file(&format!("t{seed}.txt"), &content);
            spec.attachments = vec![AttachmentSpec::new(attachment)];
            let (message, bytes) = render(&spec);
            seen.extend(message.parts().iter().map(|p| p.encoding));
            let root = parse_entity(&bytes);
            // Content with NUL is binary: base64 of the bytes as they are, no CRLF normalisation.
            let canonical =
                |data: &[u8]| if data.contains(&0) { data.to_vec() } else { crlf(data) };
            let [alternative, attached] = &root.children[..] else { panic!("two parts") };
            assert!(alternative.children[0].decoded() == canonical(text.as_bytes()), "seed {seed}");
            assert!(alternative.children[1].decoded() == canonical(text.as_bytes()), "seed {seed}");
            assert!(attached.decoded() == canonical(&content), "seed {seed}");
            let subject = decode_2047(root.header("Subject").unwrap());
            assert_eq!(
                subject.split_whitespace().collect::<Vec<_>>(),
                spec.subject.as_deref().unwrap().split_whitespace().collect::<Vec<_>>()
            );
        }
        assert_eq!(seen.len(), 3, "all three encodings exercised: {seen:?}");
    }

    fn crlf(data: &[u8]) -> Vec<u8> {
        use crate::message::encoding::tests::encode_all;
        encode_all(crate::message::crlf::CrlfNormalizer::new(), data, 1000)
    }

    #[test]
    fn boundary_text_in_body_cannot_break_the_structure() {
        let mut spec = spec();
        spec.html = Some(BodySource::Text("x".into()));
        let (_, first) = render(&spec);
        let boundary = parse_entity(&first)
            .header("Content-Type")
            .unwrap()
            .split('"')
            .nth(1)
            .unwrap()
            .to_string();
        let evil =
            format!("before\n--{boundary}\nContent-Type: text/evil\n\n--{boundary}--\nafter\n");
        spec.text = Some(BodySource::Text(evil.clone()));
        let (_, bytes) = render(&spec);
        let root = parse_entity(&bytes);
        assert_eq!(root.header("Content-Type").unwrap().split('"').nth(1), Some(boundary.as_str()));
        assert_eq!(root.children.len(), 2);
        assert_eq!(root.children[0].header("Content-Transfer-Encoding"), Some("quoted-printable"));
        assert_eq!(root.children[0].decoded(), crlf(evil.as_bytes()));
        assert!(
            find(&bytes, format!("\r\n--{boundary}\r\nContent-Type: text/evil").as_bytes())
                .is_none()
        );
    }

    #[test]
    fn streaming_a_64_mib_attachment_with_a_small_buffer() {
        let dir = TestDir::new("message");
        let path = dir.path().join("big.bin");
        {
            use std::io::Write;
            let block = pseudo_random(64, 1 << 20);
            let mut file = std::io::BufWriter::new(File::create(&path).unwrap());
            for _ in 0..64 {
                file.write_all(&block).unwrap();
            }
            file.flush().unwrap();
        }
        let mut spec = spec();
        spec.attachments = vec![AttachmentSpec::new(&path)];
        let message = ComposedMessage::compose(&spec).unwrap();
        assert!(message.size() > base64_encoded_len(64 << 20));
        let mut reader = message.reader().unwrap();
        let mut buf = [0u8; 8192];
        let mut total = 0u64;
        loop {
            let n = reader.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            total += n as u64;
        }
        assert_eq!(total, message.size());
    }

    #[test]
    fn file_growing_after_compose_is_refused_before_sending() {
        let dir = TestDir::new("message");
        let path = dir.file("a.bin", b"12345");
        let mut spec = spec();
        spec.attachments = vec![AttachmentSpec::new(&path)];
        let message = ComposedMessage::compose(&spec).unwrap();
        std::fs::write(&path, b"123456").unwrap();
        let err = message.reader().unwrap_err();
        assert!(matches!(err, ComposeError::FileChanged { .. }), "{err}");
    }

    #[test]
    fn file_changing_during_streaming_is_a_read_error() {
        let dir = TestDir::new("message");
        let path = dir.file("a.txt", b"hello world\n");
        let mut spec = spec();
        spec.attachments = vec![AttachmentSpec::new(&path)];
        let message = ComposedMessage::compose(&spec).unwrap();
        let reader = message.reader().unwrap();
        // Same size, different content: only the fingerprint can tell.
        std::fs::write(&path, "héllo wrld\n").unwrap();
        let err = read_with_buffer(reader, 64).unwrap_err();
        let inner = ComposeError::from_io(&err).expect("a ComposeError inside");
        assert!(matches!(inner, ComposeError::FileChanged { .. }), "{inner}");
    }

    #[test]
    fn missing_and_unreadable_inputs_are_missing_file_errors() {
        let dir = TestDir::new("message");
        let mut spec = spec();
        spec.attachments = vec![AttachmentSpec::new(dir.path().join("nope.pdf"))];
        let err = ComposedMessage::compose(&spec).unwrap_err();
        assert!(err.is_missing_file(), "{err}");
        assert!(err.to_string().contains("nope.pdf"), "{err}");
        spec.attachments = vec![AttachmentSpec::new(dir.path())];
        let err = ComposedMessage::compose(&spec).unwrap_err();
        assert!(matches!(err, ComposeError::NotAFile { .. }) && err.is_missing_file());
        spec.attachments.clear();
        spec.text = Some(BodySource::File(dir.path().join("body.txt")));
        assert!(ComposedMessage::compose(&spec).unwrap_err().is_missing_file());
    }

    #[test]
    fn non_utf8_body_file_is_bad_data() {
        let dir = TestDir::new("message");
        let mut spec = spec();
        spec.text = Some(BodySource::File(dir.file("latin1.txt", b"caf\xe9\n")));
        let err = ComposedMessage::compose(&spec).unwrap_err();
        assert!(
            matches!(err, ComposeError::NotUtf8 { .. })
                && !err.is_missing_file()
                && !err.is_io_error()
        );
    }

    #[test]
    fn injection_in_subject_header_or_display_name_is_refused() {
        let mut spec = spec();
        spec.subject = Some("hi\r\nBcc: evil@example.net".into());
        assert!(matches!(
            ComposedMessage::compose(&spec),
            Err(ComposeError::Header(HeaderError::CrLf { .. }))
        ));
        let mut spec = self::spec();
        spec.headers = vec![("X-Test".into(), "a\nb".into())];
        assert!(matches!(
            ComposedMessage::compose(&spec),
            Err(ComposeError::Header(HeaderError::CrLf { .. }))
        ));
        let mut spec = self::spec();
        spec.to[0].display_name = Some("Bob\r\nBcc: evil@example.net".into());
        let err = ComposedMessage::compose(&spec).unwrap_err();
        assert!(matches!(&err, ComposeError::Address { field, .. } if field == "To"), "{err}");
        let mut spec = self::spec();
        spec.attachments =
            vec![AttachmentSpec { name: Some("a\r\nb.txt".into()), ..AttachmentSpec::new("/") }];
        assert!(ComposedMessage::compose(&spec).is_err());
    }

    #[test]
    fn user_headers_are_written_and_policed() {
        let mut spec = spec();
        spec.headers = vec![
            ("X-Mailer-Test".into(), "Grüße".into()),
            ("Reply-To".into(), "Help <help@example.com>".into()),
            ("References".into(), "<a@b> <c@d>".into()),
            ("Message-ID".into(), "<fixed@example.com>".into()),
            ("Date".into(), "Mon, 1 Jan 2001 00:00:00 +0100".into()),
        ];
        let (message, bytes) = render(&spec);
        assert_eq!(message.message_id(), "<fixed@example.com>");
        let root = parse_entity(&bytes);
        assert_eq!(decode_2047(root.header("X-Mailer-Test").unwrap()), "Grüße");
        assert_eq!(root.header("Reply-To"), Some("Help <help@example.com>"));
        assert_eq!(root.header("References"), Some("<a@b> <c@d>"));
        assert_eq!(root.header("Date"), Some("Mon, 1 Jan 2001 00:00:00 +0100"));
        assert_eq!((root.count("Date"), root.count("Message-ID")), (1, 1));
        assert_eq!(root.count("Bcc"), 0);

        spec.headers = vec![("Date".into(), "x".into()), ("date".into(), "y".into())];
        assert!(matches!(
            ComposedMessage::compose(&spec),
            Err(ComposeError::Header(HeaderError::Duplicate { .. }))
        ));
        spec.headers = vec![("Message-ID".into(), "no-brackets@x".into())];
        assert!(matches!(
            ComposedMessage::compose(&spec),
            Err(ComposeError::Header(HeaderError::Invalid { .. }))
        ));
        spec.headers = vec![("Content-Type".into(), "text/html".into())];
        assert!(matches!(
            ComposedMessage::compose(&spec),
            Err(ComposeError::Header(HeaderError::Reserved { .. }))
        ));
    }

    #[test]
    fn address_lists_fold_and_utf8_local_parts_need_smtputf8() {
        let mut spec = spec();
        spec.to = (0..8)
            .map(|i| mailbox(&format!("\"Person, Number {i}\" <person{i}@example.org>")))
            .collect();
        spec.cc = vec![mailbox("Jörg <jörg@bücher.example>")];
        let (message, bytes) = render(&spec);
        assert!(message.needs_smtputf8() && message.needs_8bitmime());
        let root = parse_entity(&bytes);
        let to = root.header("To").unwrap();
        assert!(to.starts_with("\"Person, Number 0\" <person0@example.org>, \"Person,"), "{to}");
        let head = &bytes[..find(&bytes, b"\r\n\r\n").unwrap()];
        assert!(head.split(|&b| b == b'\n').all(|l| l.len() <= 79));
        assert!(root.header("Cc").unwrap().ends_with("<jörg@bücher.example>"));
    }

    #[test]
    fn message_id_uses_the_ascii_domain() {
        let mut spec = spec();
        spec.from = mailbox("a@bücher.example");
        let (message, _) = render(&spec);
        assert!(message.message_id().ends_with("@xn--bcher-kva.example>"));
        spec.message_id_domain = Some("mail.example.net".into());
        assert!(
            ComposedMessage::compose(&spec).unwrap().message_id().ends_with("@mail.example.net>")
        );
        spec.message_id_domain = Some("bad domain".into());
        assert!(matches!(ComposedMessage::compose(&spec), Err(ComposeError::Address { .. })));
    }

    #[test]
    fn os_random_gives_distinct_ids_and_boundaries() {
        let mut spec = spec();
        spec.random_seed = None;
        spec.html = Some(BodySource::Text("x".into()));
        let a = ComposedMessage::compose(&spec).unwrap();
        let b = ComposedMessage::compose(&spec).unwrap();
        assert_ne!(a.message_id(), b.message_id());
    }

    #[test]
    fn content_types_guessed_given_and_refused() {
        assert_eq!(MediaType::guess("A.PDF").essence, "application/pdf");
        assert_eq!(MediaType::guess("photo.jpeg").essence, "image/jpeg");
        assert_eq!(MediaType::guess("mail.eml").essence, "application/octet-stream");
        assert_eq!(MediaType::guess("noext").essence, "application/octet-stream");
        let given = MediaType::parse("Text/Plain; charset=iso-8859-1; format=\"a;b\"").unwrap();
        assert_eq!(given.essence, "text/plain");
        assert_eq!(given.params, ["charset=iso-8859-1", "format=\"a;b\""]);
        assert!(given.has_param("CHARSET"));
        for bad in
            ["message/rfc822", "multipart/mixed", "text", "text/pl ain", "a/b; =x", "a/b\r\n"]
        {
            assert!(
                matches!(MediaType::parse(bad), Err(ComposeError::ContentType { .. })),
                "{bad}"
            );
        }
    }

    #[test]
    fn given_charset_is_kept_and_not_doubled() {
        let dir = TestDir::new("message");
        let path = dir.file("l.txt", b"caf\xe9\n");
        let mut spec = spec();
        spec.attachments = vec![AttachmentSpec {
            path,
            content_type: Some("text/plain; charset=iso-8859-1".into()),
            name: None,
        }];
        let root = parse_entity(&render(&spec).1);
        let part = &root.children[1];
        assert_eq!(
            part.header("Content-Type"),
            Some("text/plain; charset=iso-8859-1; name=\"l.txt\"")
        );
        assert_eq!(part.decoded(), b"caf\xe9\r\n");
    }
}
