//! Every failure class of a traced session, each with its message and exit code: refused
//! connection, timeout, 4xx, 5xx, malformed reply, oversized line, STARTTLS injection, untrusted
//! certificate.
