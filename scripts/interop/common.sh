# shellcheck shell=bash disable=SC2034  # constants used by the scripts that source this
# Shared facts for setup.sh, stop.sh and check.sh: where the interop rig lives and how to
# reach it. Sourced, never run. Every path here belongs to the rig alone, so the rig can run
# beside (and never touches) a system Postfix or Dovecot that uses /etc/postfix, /etc/dovecot,
# /var/spool/postfix or /run/dovecot.

# Ports. High and unprivileged-looking so they never collide with a system MTA on 25/587/465.
readonly INTEROP_PLAIN_PORT=10025            # "port 25" stand-in: STARTTLS offered, no AUTH
readonly INTEROP_AUTH_BEFORE_TLS_PORT=10026  # AUTH advertised before STARTTLS
readonly INTEROP_SUBMISSION_PORT=10587       # STARTTLS required, then AUTH
readonly INTEROP_SMTPS_PORT=10465            # implicit TLS, then AUTH
readonly INTEROP_PORTS=("$INTEROP_PLAIN_PORT" "$INTEROP_AUTH_BEFORE_TLS_PORT"
    "$INTEROP_SUBMISSION_PORT" "$INTEROP_SMTPS_PORT")

readonly INTEROP_DOMAIN=smtpx.test
# user:password pairs; the passwords are public test fixtures, never real secrets.
readonly INTEROP_USERS=(
    "alice:interop-secret-1"
    "bob:interop-secret-2"
    "carol:interop-secret-3"
)
# Dovecot's auth_mechanisms; SCRAM works because the passdb holds the plaintext.
readonly INTEROP_MECHS="plain login cram-md5 scram-sha-1 scram-sha-256"

readonly INTEROP_ETC=/etc/smtpx-interop
readonly INTEROP_PF_CONF=$INTEROP_ETC/postfix
readonly INTEROP_DC_CONF=$INTEROP_ETC/dovecot
readonly INTEROP_STATE=/var/lib/smtpx-interop
readonly INTEROP_MAIL_DIR=$INTEROP_STATE/mail
readonly INTEROP_PF_QUEUE=/var/spool/smtpx-interop-postfix
readonly INTEROP_LOG_DIR=/var/log/smtpx-interop
readonly INTEROP_DC_BASE=/run/smtpx-interop-dovecot
readonly INTEROP_VMAIL_USER=smtpx-vmail
: "${SMTPX_INTEROP_ENV_FILE:=/tmp/smtpx-interop.env}"

interop_log() { printf 'interop: %s\n' "$*" >&2; }
interop_die() { interop_log "error: $*"; exit 1; }

# True when something accepts TCP connections on port $1 of host $2 (default 127.0.0.1).
# Uses bash's /dev/tcp so no extra package is needed; the subshell closes the socket at once.
interop_port_open() {
    (exec 3<>"/dev/tcp/${2:-127.0.0.1}/$1") 2>/dev/null
}

# Polls a condition, at most $1 tenths of a second, so a broken start fails instead of hanging.
interop_wait_until() {
    local tenths=$1
    shift
    local i
    for ((i = 0; i < tenths; i++)); do
        if "$@"; then
            return 0
        fi
        sleep 0.1
    done
    "$@"
}

interop_port_closed() { ! interop_port_open "$@"; }
interop_pid_gone() { ! kill -0 "$1" 2>/dev/null; }

# Dovecot's master pid, when its pid file names a live process.
interop_dovecot_pid() {
    local pid
    pid=$(cat "$INTEROP_DC_BASE/master.pid" 2>/dev/null) || return 1
    [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && printf '%s\n' "$pid"
}

# True when ::1 is configured on lo, so the rig can listen there too. Containers often have
# IPv6 disabled; Postfix then refuses to start if told to bind [::1].
interop_ipv6_loopback() {
    [[ $(cat /proc/sys/net/ipv6/conf/lo/disable_ipv6 2>/dev/null) == 0 ]] &&
        grep -qE '^0{31}1 .* lo$' /proc/net/if_inet6 2>/dev/null
}

interop_postfix_running() {
    [[ -f $INTEROP_PF_CONF/main.cf ]] && postfix -c "$INTEROP_PF_CONF" status >/dev/null 2>&1
}
