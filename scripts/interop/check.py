#!/usr/bin/env python3
"""Smoke test of the interop rig started by setup.sh (run it through check.sh).

Proves the rig behaves as smtpx's interop tests assume: which port offers what, which reply
codes come back, that every advertised SASL mechanism accepts the right password and refuses
a wrong one, and that accepted mail lands in the documented maildir. Standard library only,
so CI needs nothing beyond Debian's python3. Talks to loopback only.
"""

import base64
import hashlib
import hmac
import os
import secrets
import smtplib
import socket
import ssl
import sys
import time
from pathlib import Path

ENV = os.environ
HOST = ENV["SMTPX_INTEROP_HOST"]
PLAIN = int(ENV["SMTPX_INTEROP_PLAIN_PORT"])
AUTH_BEFORE_TLS = int(ENV["SMTPX_INTEROP_AUTH_BEFORE_TLS_PORT"])
SUBMISSION = int(ENV["SMTPX_INTEROP_SUBMISSION_PORT"])
SMTPS = int(ENV["SMTPX_INTEROP_SMTPS_PORT"])
USER = ENV["SMTPX_INTEROP_USER"]
PASSWORD = ENV["SMTPX_INTEROP_PASSWORD"]
DOMAIN = ENV["SMTPX_INTEROP_DOMAIN"]
MAIL_DIR = Path(ENV["SMTPX_INTEROP_MAIL_DIR"])
RELAYED_DIR = Path(ENV["SMTPX_INTEROP_RELAYED_DIR"])
MECHS = ENV["SMTPX_INTEROP_MECHS"].split(",")
TIMEOUT = 10  # seconds per socket operation; a hung server fails the check, never the run


TLS_NAME = ENV["SMTPX_INTEROP_TLS_NAME"]


def tls_context():
    # Full verification: chain to the rig's CA and the certificate valid for TLS_NAME.
    return ssl.create_default_context(cafile=ENV["SMTPX_INTEROP_CA"])


class ImplicitTls(smtplib.SMTP_SSL):
    """SMTP_SSL that dials HOST but verifies the certificate for TLS_NAME."""

    def _get_socket(self, host, port, timeout):
        sock = socket.create_connection((host, port), timeout)
        return self.context.wrap_socket(sock, server_hostname=TLS_NAME)


def connect(port, host=HOST):
    smtp = smtplib.SMTP(host, port, timeout=TIMEOUT)
    smtp.ehlo("check.smtpx.test")
    return smtp


def connect_tls(port):
    smtp = connect(port)
    smtp._host = TLS_NAME  # the name starttls() verifies; we dialled HOST, an address
    code, _ = smtp.starttls(context=tls_context())
    expect(code == 220, f"STARTTLS answered {code}")
    smtp.ehlo("check.smtpx.test")
    return smtp


def connect_implicit_tls(port):
    smtp = ImplicitTls(HOST, port, timeout=TIMEOUT, context=tls_context())
    smtp.ehlo("check.smtpx.test")
    return smtp


class CheckFailed(Exception):
    pass


def expect(cond, why):
    if not cond:
        raise CheckFailed(why)


def expect_reply(reply, code, enhanced=None):
    got_code, text = reply
    text = text.decode("utf-8", "replace")
    expect(got_code == code, f"expected {code}, got {got_code} {text}")
    if enhanced is not None:
        expect(text.startswith(enhanced), f"expected {enhanced}, got {got_code} {text}")


def message(token, to):
    return (
        f"From: <{USER}>\r\nTo: <{to}>\r\nSubject: interop check {token}\r\n"
        f"Message-ID: <{token}@check.smtpx.test>\r\n\r\nbody {token}\r\n"
    )


def wait_for_delivery(maildir, token):
    """Polls (bounded) for the message: delivery happens after the 250, asynchronously."""
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        for path in (maildir / "new").glob("*") if (maildir / "new").is_dir() else []:
            data = path.read_bytes()
            if token.encode() in data:
                return data
        time.sleep(0.1)
    raise CheckFailed(f"no message with {token} in {maildir}/new within 15 s")


# --- SASL clients the standard library lacks -------------------------------------------

def scram(hash_name, user, password):
    """RFC 5802 client as an smtplib authobject; also verifies the server's signature."""
    cnonce = base64.b64encode(secrets.token_bytes(18)).decode()
    first_bare = "n=" + user.replace("=", "=3D").replace(",", "=2C") + ",r=" + cnonce
    state = {}

    def H(data):
        return hashlib.new(hash_name, data).digest()

    def HMAC(key, data):
        return hmac.new(key, data, hash_name).digest()

    def step(challenge=None):
        if challenge is None:
            return "n,," + first_bare
        text = challenge.decode()
        if "server_sig" in state:  # server-final: check it, then send an empty response
            expect(text == "v=" + state["server_sig"], f"bad SCRAM server-final {text!r}")
            state["verified"] = True
            return ""
        attrs = dict(item.split("=", 1) for item in text.split(","))
        expect(attrs["r"].startswith(cnonce), "server nonce does not extend ours")
        salted = hashlib.pbkdf2_hmac(
            hash_name, password.encode(), base64.b64decode(attrs["s"]), int(attrs["i"])
        )
        client_key = HMAC(salted, b"Client Key")
        without_proof = "c=biws,r=" + attrs["r"]
        auth_message = f"{first_bare},{text},{without_proof}".encode()
        signature = HMAC(H(client_key), auth_message)
        proof = bytes(a ^ b for a, b in zip(client_key, signature))
        state["server_sig"] = base64.b64encode(
            HMAC(HMAC(salted, b"Server Key"), auth_message)).decode()
        return without_proof + ",p=" + base64.b64encode(proof).decode()

    return step, state


def authenticate(smtp, mech, user, password):
    """Runs one AUTH exchange; returns (code, text, scram_state)."""
    smtp.user, smtp.password = user, password
    state = {}
    if mech == "PLAIN":
        obj = smtp.auth_plain
    elif mech == "LOGIN":
        obj = smtp.auth_login
    elif mech == "CRAM-MD5":
        obj = smtp.auth_cram_md5
    elif mech.startswith("SCRAM-SHA-"):
        obj, state = scram({"SCRAM-SHA-1": "sha1", "SCRAM-SHA-256": "sha256"}[mech], user, password)
    else:
        raise CheckFailed(f"check.py has no client for {mech}")
    try:
        code, text = smtp.auth(mech, obj, initial_response_ok=mech != "CRAM-MD5")
    except smtplib.SMTPAuthenticationError as err:
        code, text = err.smtp_code, err.smtp_error
    return code, text, state


# --- the checks -------------------------------------------------------------------------

def check_plain_port_offers_starttls_not_auth():
    smtp = connect(PLAIN)
    expect(smtp.has_extn("starttls"), "STARTTLS not offered")
    expect(not smtp.has_extn("auth"), "AUTH offered on the port-25 stand-in")
    smtp.quit()


def check_plain_port_delivers_to_local_user():
    token = secrets.token_hex(8)
    to = f"carol@{DOMAIN}"
    smtp = connect(PLAIN)
    expect_reply(smtp.mail("sender@example.org"), 250)
    expect_reply(smtp.rcpt(to), 250)
    expect_reply(smtp.data(message(token, to)), 250)
    smtp.quit()
    wait_for_delivery(MAIL_DIR / "carol", token)


def check_plain_port_rejects_unknown_user():
    smtp = connect(PLAIN)
    expect_reply(smtp.mail("sender@example.org"), 250)
    expect_reply(smtp.rcpt(ENV["SMTPX_INTEROP_UNKNOWN_RECIPIENT"]), 550, "5.1.1")
    smtp.quit()


def check_plain_port_refuses_relay():
    smtp = connect(PLAIN)
    expect_reply(smtp.mail("sender@example.org"), 250)
    expect_reply(smtp.rcpt("someone@example.com"), 554, "5.7.1")
    smtp.quit()


def check_plain_port_over_ipv6():
    host6 = ENV.get("SMTPX_INTEROP_HOST6", "")
    if not host6:
        return "skipped: no ::1"
    smtp = connect(PLAIN, host6)
    expect(smtp.has_extn("starttls"), "STARTTLS not offered on ::1")
    smtp.quit()
    return None


def check_submission_needs_starttls_first():
    smtp = connect(SUBMISSION)
    expect(smtp.has_extn("starttls"), "STARTTLS not offered")
    expect(not smtp.has_extn("auth"), "AUTH offered before STARTTLS")
    expect_reply(smtp.mail(USER), 530, "5.7.0")
    smtp.quit()


def check_submission_advertises_mechs_after_tls():
    smtp = connect_tls(SUBMISSION)
    offered = smtp.esmtp_features.get("auth", "").upper().split()
    expect(offered == MECHS, f"AUTH offers {offered}, env says {MECHS}")
    smtp.quit()


def check_each_mech_accepts_right_and_refuses_wrong_password():
    for mech in MECHS:
        for password, want in ((PASSWORD, 235), (PASSWORD + "-wrong", 535)):
            smtp = connect_tls(SUBMISSION)
            code, text, state = authenticate(smtp, mech, USER, password)
            smtp.close()
            expect(code == want, f"{mech} with {'right' if want == 235 else 'wrong'} "
                                 f"password: {code} {text!r}")
            if want == 235 and mech.startswith("SCRAM"):
                expect(state.get("verified"), f"{mech}: server signature never checked")


def check_submission_needs_auth_for_any_recipient():
    smtp = connect_tls(SUBMISSION)
    expect_reply(smtp.mail(USER), 250)
    expect_reply(smtp.rcpt(f"bob@{DOMAIN}"), 554, "5.7.1")
    smtp.quit()


def check_submission_relays_when_authenticated():
    token = secrets.token_hex(8)
    to = "friend@example.net"
    smtp = connect_tls(SUBMISSION)
    expect(authenticate(smtp, "PLAIN", USER, PASSWORD)[0] == 235, "AUTH PLAIN failed")
    expect_reply(smtp.mail(USER), 250)
    expect_reply(smtp.rcpt(to), 250)
    expect_reply(smtp.data(message(token, to)), 250)
    smtp.quit()
    wait_for_delivery(RELAYED_DIR, token)


def check_implicit_tls_submission_delivers():
    token = secrets.token_hex(8)
    to = f"bob@{DOMAIN}"
    smtp = connect_implicit_tls(SMTPS)
    expect(not smtp.has_extn("starttls"), "STARTTLS offered inside implicit TLS")
    expect(authenticate(smtp, "LOGIN", USER, PASSWORD)[0] == 235, "AUTH LOGIN failed")
    expect_reply(smtp.mail(USER), 250)
    expect_reply(smtp.rcpt(to), 250)
    expect_reply(smtp.data(message(token, to)), 250)
    smtp.quit()
    data = wait_for_delivery(MAIL_DIR / "bob", token)
    expect(f"(Authenticated sender: {USER})".encode() in data, "no Authenticated sender")


def check_auth_before_tls_port_offers_auth_in_clear():
    smtp = connect(AUTH_BEFORE_TLS)
    expect(smtp.has_extn("starttls"), "STARTTLS not offered")
    expect(smtp.has_extn("auth"), "AUTH not offered before STARTTLS")
    code, text, _ = authenticate(smtp, "PLAIN", USER, PASSWORD)
    expect(code == 235, f"cleartext AUTH PLAIN: {code} {text!r}")
    smtp.quit()


def main():
    checks = [(name, fn) for name, fn in globals().items() if name.startswith("check_")]
    passed = failed = skipped = 0
    for name, fn in checks:
        label = name.removeprefix("check_")
        try:
            note = fn()
        except (CheckFailed, OSError, smtplib.SMTPException, KeyError) as err:
            print(f"FAIL {label}: {type(err).__name__}: {err}")
            failed += 1
            continue
        if note:
            print(f"skip {label}: {note}")
            skipped += 1
        else:
            print(f"ok   {label}")
            passed += 1
    print(f"interop: {passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
