#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Stops the interop rig's Postfix and Dovecot (started by setup.sh). Safe to run when either
# or both are already stopped. Leaves configuration, mailboxes and logs in place for debugging.
set -euo pipefail

# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

[[ $(id -u) -eq 0 ]] || interop_die "must run as root (Postfix and Dovecot masters run as root)"

# Postfix first: its smtpd processes hold connections to Dovecot's auth socket.
if interop_postfix_running; then
    # `postfix stop` itself waits (up to ~5 s) for the master to exit, then kills it.
    postfix -c "$INTEROP_PF_CONF" stop 2>&1 | sed 's/^/interop: /' >&2 || true
    interop_log "postfix stopped"
else
    interop_log "postfix was not running"
fi

if pid=$(interop_dovecot_pid); then
    # Dovecot's children (auth, anvil, log, ...) outlive a TERMed master while a client such
    # as a stray smtpd still holds the auth socket, and would keep answering with the old
    # config. Note them now and make sure they are gone too.
    mapfile -t children < <(pgrep -P "$pid" || true)
    kill -TERM "$pid"
    interop_wait_until 100 interop_pid_gone "$pid" ||
        interop_die "dovecot (pid $pid) did not exit within 10 s"
    for child in "${children[@]}"; do
        if ! interop_wait_until 50 interop_pid_gone "$child"; then
            kill -TERM "$child" 2>/dev/null || true
            interop_wait_until 50 interop_pid_gone "$child" || kill -KILL "$child" 2>/dev/null || true
        fi
    done
    interop_log "dovecot stopped"
else
    interop_log "dovecot was not running"
fi

for port in "${INTEROP_PORTS[@]}"; do
    interop_wait_until 50 interop_port_closed "$port" ||
        interop_die "something still listens on 127.0.0.1:$port"
done
