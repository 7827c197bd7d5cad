#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Installs (from Debian's packages) and starts a loopback-only Postfix + Dovecot pair that
# smtpx's interop tests send through, then writes the facts the tests need to an env file.
#
# It runs its own Postfix instance (config in /etc/smtpx-interop/postfix, queue in
# /var/spool/smtpx-interop-postfix) and its own Dovecot instance (auth only, no IMAP/POP3),
# so it neither needs nor disturbs a system MTA. No systemd: the CI machine may have none.
# Idempotent: every run rewrites the config, empties queue and mailboxes, and restarts both.
#
# Overridable: SMTPX_INTEROP_TLS_CERT, SMTPX_INTEROP_TLS_KEY, SMTPX_INTEROP_TLS_CA (default:
# the repo's tests/data/tls/{server.pem,server.key,ca.pem}) and SMTPX_INTEROP_ENV_FILE.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$HERE/../.." && pwd)
readonly HERE REPO_ROOT
# shellcheck source=common.sh
source "$HERE/common.sh"

: "${SMTPX_INTEROP_TLS_CERT:=$REPO_ROOT/tests/data/tls/server.pem}"
: "${SMTPX_INTEROP_TLS_KEY:=$REPO_ROOT/tests/data/tls/server.key}"
: "${SMTPX_INTEROP_TLS_CA:=$REPO_ROOT/tests/data/tls/ca.pem}"
readonly FALLBACK_PKI=$INTEROP_STATE/fallback-pki

install_packages() {
    local missing=() pkg
    # procps: pgrep, used by stop.sh. openssl: the fallback certificate.
    for pkg in postfix dovecot-core openssl procps; do
        dpkg-query -W -f='${Status}\n' "$pkg" 2>/dev/null | grep -q ' installed$' ||
            missing+=("$pkg")
    done
    ((${#missing[@]} == 0)) && return 0
    interop_log "installing: ${missing[*]}"
    # "No configuration" keeps Debian from writing /etc/postfix/main.cf and starting a system
    # Postfix on port 25; the rig brings its own instance. Preseeding also avoids the prompt.
    echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
    export DEBIAN_FRONTEND=noninteractive
    # A fresh machine has no (or stale) package lists; refresh only when installing.
    apt-get update -q >/dev/null
    apt-get install -y -q --no-install-recommends -o DPkg::Lock::Timeout=120 \
        -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
        "${missing[@]}" >/dev/null
}

ensure_vmail_user() {
    # Owner of every delivered message; Postfix's virtual(8) refuses uids below 100 (root too).
    if ! id -u "$INTEROP_VMAIL_USER" >/dev/null 2>&1; then
        useradd --system --user-group --no-create-home --home-dir "$INTEROP_MAIL_DIR" \
            --shell /usr/sbin/nologin "$INTEROP_VMAIL_USER"
    fi
}

# A throwaway CA and server certificate, made only when the repo's test PKI is absent, so the
# rig still comes up (the env file then names this CA, and tests trust what it names).
make_fallback_pki() {
    if [[ -s $FALLBACK_PKI/server.pem && -s $FALLBACK_PKI/server.key && -s $FALLBACK_PKI/ca.pem ]]; then
        return 0
    fi
    interop_log "warning: $SMTPX_INTEROP_TLS_CERT missing; generating a throwaway CA in $FALLBACK_PKI"
    install -d -m 0700 "$FALLBACK_PKI"
    local d=$FALLBACK_PKI
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
        -subj "/CN=smtpx interop fallback CA" -keyout "$d/ca.key" -out "$d/ca.pem" \
        -addext "basicConstraints=critical,CA:TRUE" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=localhost" \
        -keyout "$d/server.key" -out "$d/server.csr" 2>/dev/null
    printf '%s\n' "subjectAltName=DNS:localhost,DNS:mail.smtpx.test,IP:127.0.0.1,IP:::1" \
        "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" \
        "extendedKeyUsage=serverAuth" >"$d/server.ext"
    openssl x509 -req -in "$d/server.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" \
        -CAcreateserial -days 825 -extfile "$d/server.ext" -out "$d/server.pem" 2>/dev/null
    chmod 0644 "$d/ca.pem" "$d/server.pem"
}

install_tls() {
    if [[ ! -s $SMTPX_INTEROP_TLS_CERT || ! -s $SMTPX_INTEROP_TLS_KEY ]]; then
        make_fallback_pki
        SMTPX_INTEROP_TLS_CERT=$FALLBACK_PKI/server.pem
        SMTPX_INTEROP_TLS_KEY=$FALLBACK_PKI/server.key
        SMTPX_INTEROP_TLS_CA=$FALLBACK_PKI/ca.pem
    fi
    [[ -s $SMTPX_INTEROP_TLS_CA ]] || interop_die "CA certificate $SMTPX_INTEROP_TLS_CA missing"
    # smtpd loads the key as root before it drops privileges, so root-only 0600 suffices.
    install -m 0644 -o root -g root "$SMTPX_INTEROP_TLS_CERT" "$INTEROP_PF_CONF/server.pem"
    install -m 0600 -o root -g root "$SMTPX_INTEROP_TLS_KEY" "$INTEROP_PF_CONF/server.key"
    install -m 0644 -o root -g root "$SMTPX_INTEROP_TLS_CA" "$INTEROP_PF_CONF/ca.pem"
}

write_postfix_main_cf() {
    local inet_protocols=ipv4
    interop_ipv6_loopback && inet_protocols=all
    cat >"$INTEROP_PF_CONF/main.cf" <<EOF
# Written by scripts/interop/setup.sh; rewritten on every run.
compatibility_level = 3.6
queue_directory = $INTEROP_PF_QUEUE
data_directory = $INTEROP_STATE/postfix
syslog_name = postfix-interop
# No syslog daemon on CI: log straight to a file (served by the postlog service in master.cf).
maillog_file = $INTEROP_LOG_DIR/postfix.log
inet_interfaces = loopback-only
inet_protocols = $inet_protocols
# The repo test certificate names mail.smtpx.test (and localhost), so the banner matches it.
myhostname = mail.$INTEROP_DOMAIN
mydomain = $INTEROP_DOMAIN
myorigin = \$myhostname
# No local(8) delivery and no outbound SMTP at all: every domain, local or not, is delivered
# by virtual(8) into maildirs, so the rig never sends a packet off this machine.
mydestination =
# The defaults name /etc/aliases and NIS, which smtpd would open for nothing (and warn).
alias_maps =
alias_database =
local_recipient_maps =
relay_domains =
local_transport = error:5.1.1 no local delivery in the interop rig
default_transport = virtual
relay_transport = virtual
# Nothing trusts the client's address: relaying needs SASL (no permit_mynetworks anywhere).
mynetworks = 127.0.0.1/32
smtpd_relay_restrictions = permit_sasl_authenticated, reject_unauth_destination
smtpd_reject_unlisted_recipient = yes

virtual_mailbox_domains = $INTEROP_DOMAIN, localhost
virtual_mailbox_base = $INTEROP_MAIL_DIR
# texthash needs no postmap and no Berkeley DB. The regexp table catches every recipient
# outside the local domains, i.e. mail an authenticated user relayed.
virtual_mailbox_maps = texthash:\$config_directory/vmailbox, regexp:\$config_directory/relayed.regexp
virtual_alias_maps = texthash:\$config_directory/virtual_alias
# The send interop tests deliver a 50 MB attachment (about 68 MB once base64-encoded); the
# 10 MB defaults would refuse it. 200 MB leaves room and is still a limit SIZE can announce.
message_size_limit = 209715200
virtual_mailbox_limit = 209715200
virtual_uid_maps = static:$(id -u "$INTEROP_VMAIL_USER")
virtual_gid_maps = static:$(id -g "$INTEROP_VMAIL_USER")

smtpd_banner = \$myhostname ESMTP smtpx interop rig (Postfix)
# Tests send many bad commands on purpose; don't slow them with tarpit sleeps or DNS lookups.
smtpd_error_sleep_time = 0
smtpd_peername_lookup = no
smtpd_tls_chain_files = \$config_directory/server.key, \$config_directory/server.pem
smtpd_tls_security_level = may
smtpd_tls_auth_only = yes
smtpd_tls_loglevel = 1
smtpd_tls_received_header = yes
smtpd_sasl_type = dovecot
smtpd_sasl_path = private/auth
smtpd_sasl_auth_enable = no
smtpd_sasl_security_options = noanonymous
smtpd_sasl_authenticated_header = yes
EOF
}

# One smtpd service per listening address; master.cf has no "both families" syntax.
smtpd_service() {
    local port=$1 name=$2
    shift 2
    local addr opt
    local addrs=(127.0.0.1)
    interop_ipv6_loopback && addrs+=("[::1]")
    for addr in "${addrs[@]}"; do
        printf '%s:%s inet n - n - - smtpd\n' "$addr" "$port"
        printf '  -o syslog_name=postfix-interop/%s\n' "$name"
        for opt in "$@"; do
            printf '  -o %s\n' "$opt"
        done
    done
}

write_postfix_master_cf() {
    {
        echo "# Written by scripts/interop/setup.sh; rewritten on every run. Nothing is chrooted."
        smtpd_service "$INTEROP_PLAIN_PORT" plain \
            smtpd_tls_security_level=may smtpd_sasl_auth_enable=no
        smtpd_service "$INTEROP_AUTH_BEFORE_TLS_PORT" auth-before-tls \
            smtpd_tls_security_level=may smtpd_sasl_auth_enable=yes smtpd_tls_auth_only=no
        smtpd_service "$INTEROP_SUBMISSION_PORT" submission \
            smtpd_tls_security_level=encrypt smtpd_sasl_auth_enable=yes \
            smtpd_tls_auth_only=yes smtpd_relay_restrictions=permit_sasl_authenticated,reject
        smtpd_service "$INTEROP_SMTPS_PORT" submissions \
            smtpd_tls_wrappermode=yes smtpd_tls_security_level=encrypt \
            smtpd_sasl_auth_enable=yes smtpd_relay_restrictions=permit_sasl_authenticated,reject
        cat <<'EOF'
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
virtual   unix  -       n       n       -       -       virtual
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOF
    } >"$INTEROP_PF_CONF/master.cf"
}

write_postfix_maps() {
    local entry user
    {
        echo "# address -> maildir (relative to virtual_mailbox_base; trailing / = Maildir)"
        for entry in "${INTEROP_USERS[@]}"; do
            user=${entry%%:*}
            echo "$user@$INTEROP_DOMAIN $user/"
            echo "$user@localhost $user/"
        done
    } >"$INTEROP_PF_CONF/vmailbox"
    cat >"$INTEROP_PF_CONF/relayed.regexp" <<EOF
# Any recipient outside the local domains (only an authenticated client can get one accepted).
!/@($INTEROP_DOMAIN|localhost)\$/ relayed/
EOF
    cat >"$INTEROP_PF_CONF/virtual_alias" <<EOF
# RFC 5321 section 4.5.1: postmaster must exist.
postmaster@$INTEROP_DOMAIN alice@$INTEROP_DOMAIN
postmaster@localhost alice@$INTEROP_DOMAIN
EOF
}

write_dovecot_config() {
    local entry user pass
    {
        for entry in "${INTEROP_USERS[@]}"; do
            user=${entry%%:*}
            pass=${entry#*:}
            echo "$user@$INTEROP_DOMAIN:{PLAIN}$pass::::::"
        done
    } >"$INTEROP_DC_CONF/users"
    chown root:dovecot "$INTEROP_DC_CONF/users"
    chmod 0640 "$INTEROP_DC_CONF/users"
    cat >"$INTEROP_DC_CONF/dovecot.conf" <<EOF
# Written by scripts/interop/setup.sh; rewritten on every run.
# Auth only: Postfix asks this Dovecot to check SASL credentials. No IMAP/POP3 listeners.
instance_name = smtpx-interop
base_dir = $INTEROP_DC_BASE
state_dir = $INTEROP_STATE/dovecot
protocols = none
log_path = $INTEROP_LOG_DIR/dovecot.log
auth_verbose = yes
auth_mechanisms = $INTEROP_MECHS
# Postfix alone decides where AUTH is offered (smtpd_tls_auth_only per port). Dovecot 2.3
# counts loopback clients as secured anyway, so "yes" here would refuse nothing on this rig;
# "no" says so plainly: port 10026 accepts PLAIN/LOGIN before STARTTLS, on purpose.
disable_plaintext_auth = no
# Wrong-password tests would otherwise wait 2 s each.
auth_failure_delay = 0
# "alice" alone means alice@$INTEROP_DOMAIN; addresses match case-insensitively.
auth_default_realm = $INTEROP_DOMAIN
auth_username_format = %Lu
ssl = no
passdb {
  driver = passwd-file
  args = scheme=PLAIN $INTEROP_DC_CONF/users
}
userdb {
  driver = static
  args = uid=$INTEROP_VMAIL_USER gid=$INTEROP_VMAIL_USER home=$INTEROP_MAIL_DIR/%n
}
# Dovecot slows every AUTH from an address after a failure from it (2, 4, 8, 15 s), which
# would make each wrong-password test stall the ones after it. The auth process skips
# penalties when anvil's penalty socket does not exist (mode 0 = no listener); a stale socket
# file would instead make it retry for 5 s, so start_dovecot clears base_dir first.
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
service auth {
  unix_listener $INTEROP_PF_QUEUE/private/auth {
    mode = 0660
    user = postfix
    group = postfix
  }
}
EOF
}

prepare_dirs() {
    install -d -m 0755 "$INTEROP_ETC" "$INTEROP_PF_CONF" "$INTEROP_STATE" "$INTEROP_LOG_DIR"
    install -d -m 0750 -o root -g dovecot "$INTEROP_DC_CONF"
    install -d -m 0750 "$INTEROP_STATE/dovecot"
    install -d -m 0700 -o postfix -g postfix "$INTEROP_STATE/postfix"
    # Postfix creates the queue's subdirectories itself, but not the queue directory.
    install -d -m 0755 "$INTEROP_PF_QUEUE"
    # Fresh logs per run: what CI shows after a failure then belongs to this run only.
    : >"$INTEROP_LOG_DIR/postfix.log"
    : >"$INTEROP_LOG_DIR/dovecot.log"
    # Start every run with empty mailboxes, so "the newest message" is one this run sent.
    rm -rf "$INTEROP_MAIL_DIR"
    install -d -m 0755 -o "$INTEROP_VMAIL_USER" -g "$INTEROP_VMAIL_USER" "$INTEROP_MAIL_DIR"
}

start_postfix() {
    # Queued leftovers from an earlier run would be delivered after restart and confuse tests.
    if [[ -d $INTEROP_PF_QUEUE/deferred ]]; then
        postsuper -c "$INTEROP_PF_CONF" -d ALL >/dev/null 2>&1 || true
    fi
    # `start` creates the queue directories and fixes their ownership on the first run.
    # Its errors go to maillog_file rather than the terminal, so show that on failure.
    if ! postfix -c "$INTEROP_PF_CONF" start </dev/null >&2 ||
        ! interop_wait_until 50 interop_postfix_running; then
        tail -n 20 "$INTEROP_LOG_DIR/postfix.log" >&2 || true
        interop_die "postfix did not start; see $INTEROP_LOG_DIR/postfix.log"
    fi
}

start_dovecot() {
    [[ -d $INTEROP_PF_QUEUE/private ]] || interop_die "$INTEROP_PF_QUEUE/private missing"
    # Only stale sockets of our stopped instance live here (see the anvil note above).
    rm -rf "$INTEROP_DC_BASE"
    # Dovecot's master and children keep the stderr they were started with: were it a pipe
    # (`setup.sh | tee`, `$(setup.sh)`), the reader would wait for EOF forever. A file is safe.
    local startup_log=$INTEROP_LOG_DIR/dovecot-startup.log
    if ! dovecot -c "$INTEROP_DC_CONF/dovecot.conf" </dev/null >"$startup_log" 2>&1; then
        cat "$startup_log" >&2
        interop_die "dovecot did not start"
    fi
    interop_wait_until 100 test -S "$INTEROP_PF_QUEUE/private/auth" ||
        interop_die "dovecot auth socket did not appear; see $INTEROP_LOG_DIR/dovecot.log"
}

wait_for_ports() {
    local port
    for port in "${INTEROP_PORTS[@]}"; do
        interop_wait_until 300 interop_port_open "$port" ||
            interop_die "nothing listens on 127.0.0.1:$port after 30 s"
        if interop_ipv6_loopback; then
            interop_wait_until 300 interop_port_open "$port" ::1 ||
                interop_die "nothing listens on [::1]:$port after 30 s"
        fi
    done
}

# The first DNS name the server certificate is valid for: what a verifying client should
# expect when it connects to 127.0.0.1 by name.
tls_name() {
    local name
    name=$(openssl x509 -in "$INTEROP_PF_CONF/server.pem" -noout -ext subjectAltName 2>/dev/null |
        grep -o 'DNS:[^,]*' | head -n 1 | cut -d: -f2) || true
    printf '%s\n' "${name:-localhost}"
}

write_env_file() {
    local host6="" mechs entry tmp
    interop_ipv6_loopback && host6=::1
    mechs=$(tr 'a-z ' 'A-Z,' <<<"$INTEROP_MECHS")
    tmp=$(mktemp "$SMTPX_INTEROP_ENV_FILE.XXXXXX")
    {
        echo "# smtpx interop rig (scripts/interop/setup.sh). KEY=value, no quoting needed."
        echo "SMTPX_INTEROP=1"
        echo "SMTPX_INTEROP_HOST=127.0.0.1"
        echo "SMTPX_INTEROP_HOST6=$host6"
        echo "SMTPX_INTEROP_PLAIN_PORT=$INTEROP_PLAIN_PORT"
        echo "SMTPX_INTEROP_AUTH_BEFORE_TLS_PORT=$INTEROP_AUTH_BEFORE_TLS_PORT"
        echo "SMTPX_INTEROP_SUBMISSION_PORT=$INTEROP_SUBMISSION_PORT"
        echo "SMTPX_INTEROP_SMTPS_PORT=$INTEROP_SMTPS_PORT"
        echo "SMTPX_INTEROP_DOMAIN=$INTEROP_DOMAIN"
        echo "SMTPX_INTEROP_BANNER_HOST=mail.$INTEROP_DOMAIN"
        echo "SMTPX_INTEROP_TLS_NAME=$(tls_name)"
        echo "SMTPX_INTEROP_USER=${INTEROP_USERS[0]%%:*}@$INTEROP_DOMAIN"
        echo "SMTPX_INTEROP_PASSWORD=${INTEROP_USERS[0]#*:}"
        echo "SMTPX_INTEROP_USER2=${INTEROP_USERS[1]%%:*}@$INTEROP_DOMAIN"
        echo "SMTPX_INTEROP_PASSWORD2=${INTEROP_USERS[1]#*:}"
        echo "SMTPX_INTEROP_RECIPIENTS=$(for entry in "${INTEROP_USERS[@]}"; do
            printf '%s@%s,' "${entry%%:*}" "$INTEROP_DOMAIN"
        done | sed 's/,$//')"
        echo "SMTPX_INTEROP_UNKNOWN_RECIPIENT=nobody@$INTEROP_DOMAIN"
        echo "SMTPX_INTEROP_MECHS=$mechs"
        echo "SMTPX_INTEROP_MAIL_DIR=$INTEROP_MAIL_DIR"
        echo "SMTPX_INTEROP_RELAYED_DIR=$INTEROP_MAIL_DIR/relayed"
        echo "SMTPX_INTEROP_CA=$INTEROP_PF_CONF/ca.pem"
        echo "SMTPX_INTEROP_LOG_DIR=$INTEROP_LOG_DIR"
    } >"$tmp"
    chmod 0644 "$tmp"
    mv -f "$tmp" "$SMTPX_INTEROP_ENV_FILE"
}

main() {
    [[ $(id -u) -eq 0 ]] || interop_die "must run as root (installs packages, runs Postfix)"
    local started=$SECONDS
    install_packages
    ensure_vmail_user
    bash "$HERE/stop.sh"
    prepare_dirs
    install_tls
    write_postfix_main_cf
    write_postfix_master_cf
    write_postfix_maps
    write_dovecot_config
    start_postfix
    start_dovecot
    wait_for_ports
    write_env_file
    interop_log "ready in $((SECONDS - started)) s: plain $INTEROP_PLAIN_PORT," \
        "auth-before-tls $INTEROP_AUTH_BEFORE_TLS_PORT, submission $INTEROP_SUBMISSION_PORT," \
        "submissions $INTEROP_SMTPS_PORT on 127.0.0.1$(interop_ipv6_loopback && echo ' and ::1')"
    interop_log "mail: $INTEROP_MAIL_DIR/<user>/new/; logs: $INTEROP_LOG_DIR; env: $SMTPX_INTEROP_ENV_FILE"
    # The env file (users, test passwords, paths) is for the tests; print it with SMTPX_VERBOSE=1.
    if [[ "${SMTPX_VERBOSE:-0}" == 1 ]]; then cat "$SMTPX_INTEROP_ENV_FILE"; fi
}

main "$@"
