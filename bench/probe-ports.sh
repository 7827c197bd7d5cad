#!/usr/bin/env bash
# Wall time of `smtpx probe-ports` over three ports of one host, one of them filtered, against
# swaks run once per port (what users do today). Target (DESIGN.md §5, issue 5): the whole probe
# within 1.2x of one connect timeout, since the ports are probed concurrently.
#
# Everything happens inside a network namespace this script creates (and deletes on exit): a tiny
# SMTP server (banner, EHLO, QUIT) listens on the namespace's loopback on ports 25, 587 and 2525,
# and an nftables rule in that namespace drops the SYNs to port 25, so port 25 looks "filtered"
# exactly as a firewall makes it. Nothing outside the namespace is touched.
#
# Needs root, iproute2, nftables, swaks, python3; hyperfine if present (else date +%s%N).
# Usage: sudo bench/probe-ports.sh   (RUNS=5 TIMEOUT=3 FILTERED=25,587 SMTPX=path/to/smtpx to
# override; with more ports filtered, swaks pays one timeout per filtered port, smtpx still one)
# Not part of the test suite: timings are measured, never asserted.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS="${RUNS:-5}"
TIMEOUT="${TIMEOUT:-3}"              # seconds: --connect-timeout for smtpx, --timeout for swaks
PORTS=(25 587 2525)
FILTERED="${FILTERED:-25}"            # comma-separated: the ports whose SYNs are dropped
NS="smtpx-bench-$$"
HOST=127.0.0.1                       # the namespace's own loopback
WORK="$(mktemp -d)"
SERVER_PID=""

if [[ $EUID -ne 0 ]]; then
    echo "bench/probe-ports.sh: needs root (network namespace, nftables)" >&2
    exit 77
fi

cleanup() {
    if [[ -n "$SERVER_PID" ]]; then kill "$SERVER_PID" 2>/dev/null || true; fi
    ip netns del "$NS" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

need() { # need COMMAND DEBIAN-PACKAGE
    command -v "$1" >/dev/null && return
    echo "installing $2 (for $1)" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$2" >/dev/null
}
need ip iproute2
need nft nftables
need swaks swaks
need python3 python3

# The binary under test: SMTPX, or this checkout's release build (rebuilt, so never stale).
if [[ -z "${SMTPX:-}" ]]; then
    cargo build --release --quiet
    SMTPX=target/release/smtpx
fi
SMTPX="$(realpath "$SMTPX")"

# --- the namespace, its loopback, the firewall rule ---------------------------------------
ip netns add "$NS"
ip -n "$NS" link set lo up
ip netns exec "$NS" nft -f - <<EOF
table inet smtpx_bench {
    chain input {
        type filter hook input priority 0; policy accept;
        tcp dport { $FILTERED } tcp flags & (syn | ack) == syn drop
    }
}
EOF

# --- a tiny SMTP server: banner, EHLO/HELO, QUIT; one thread per connection -----------------
cat >"$WORK/smtp_server.py" <<'EOF'
import socketserver, sys, threading

class Session(socketserver.StreamRequestHandler):
    def handle(self):
        self.wfile.write(b"220 bench.test ESMTP smtpx-bench\r\n")
        for line in self.rfile:
            verb = line.strip().split(b" ")[0].upper()
            if verb == b"EHLO":
                self.wfile.write(b"250-bench.test\r\n250-PIPELINING\r\n250 SIZE 10240000\r\n")
            elif verb == b"HELO":
                self.wfile.write(b"250 bench.test\r\n")
            elif verb == b"QUIT":
                self.wfile.write(b"221 2.0.0 Bye\r\n")
                return
            else:
                self.wfile.write(b"502 5.5.1 not in this benchmark\r\n")

class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True

servers = [Server(("127.0.0.1", int(p)), Session) for p in sys.argv[1:]]
for s in servers[1:]:
    threading.Thread(target=s.serve_forever, daemon=True).start()
print("ready", flush=True)
servers[0].serve_forever()
EOF
ip netns exec "$NS" python3 "$WORK/smtp_server.py" "${PORTS[@]}" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 50); do
    grep -q ready "$WORK/server.log" 2>/dev/null && break
    sleep 0.1
done
grep -q ready "$WORK/server.log" || { cat "$WORK/server.log" >&2; exit 1; }

PORT_LIST="$(IFS=,; echo "${PORTS[*]}")"
SMTPX_CMD="ip netns exec $NS $SMTPX probe-ports $HOST --ports $PORT_LIST --connect-timeout ${TIMEOUT}s --ehlo bench.client -q"
SWAKS_LOOP="for p in ${PORTS[*]}; do swaks --server $HOST:\$p --quit-after EHLO --timeout $TIMEOUT --ehlo bench.client --to bench@bench.test >/dev/null 2>&1; done; true"
SWAKS_CMD="ip netns exec $NS bash -c '$SWAKS_LOOP'"

echo "== what smtpx sees (once, not timed)"
ip netns exec "$NS" "$SMTPX" probe-ports "$HOST" --ports "$PORT_LIST" \
    --connect-timeout "${TIMEOUT}s" --ehlo bench.client | sed -n '1,/^$/p'
echo "== swaks on a filtered port (once, not timed)"
ip netns exec "$NS" swaks --server "$HOST:${FILTERED%%,*}" --quit-after EHLO --timeout "$TIMEOUT" \
    --ehlo bench.client --to bench@bench.test 2>&1 | tail -n 2 || true
echo

# --- measure ------------------------------------------------------------------------------------
mean_seconds() { # mean_seconds COMMAND: mean wall time of RUNS runs, by date +%s%N
    local total=0 start end
    for _ in $(seq "$RUNS"); do
        start=$(date +%s%N)
        bash -c "$1" >/dev/null 2>&1 || true
        end=$(date +%s%N)
        total=$((total + end - start))
    done
    python3 -c "print(f'{$total / $RUNS / 1e9:.3f}')"
}

if command -v hyperfine >/dev/null; then
    echo "== hyperfine, $RUNS runs each"
    hyperfine --runs "$RUNS" --ignore-failure --style basic \
        --export-json "$WORK/hyperfine.json" \
        -n "smtpx probe-ports (3 ports at once)" "$SMTPX_CMD" \
        -n "swaks, once per port" "$SWAKS_CMD"
    read -r T_SMTPX T_SWAKS < <(python3 -c "
import json; r = json.load(open('$WORK/hyperfine.json'))['results']
print(f\"{r[0]['mean']:.3f} {r[1]['mean']:.3f}\")")
    METHOD="hyperfine mean of $RUNS runs"
else
    T_SMTPX=$(mean_seconds "$SMTPX_CMD")
    T_SWAKS=$(mean_seconds "$SWAKS_CMD")
    METHOD="date +%s%N mean of $RUNS runs"
fi

python3 - "$T_SMTPX" "$T_SWAKS" "$TIMEOUT" "$METHOD" "$PORT_LIST" "$FILTERED" <<'EOF'
import sys
smtpx, swaks, timeout = float(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
method, ports, filtered = sys.argv[4], sys.argv[5], sys.argv[6]
print()
print(f"ports {ports} on one host, {filtered} filtered; connect timeout {timeout:g} s ({method})")
print(f"{'':32} {'wall':>8} {'/ timeout':>10} {'/ smtpx':>8}")
print(f"{'smtpx probe-ports':32} {smtpx:7.3f}s {smtpx / timeout:9.2f}x {1:7.2f}x")
print(f"{'swaks, once per port':32} {swaks:7.3f}s {swaks / timeout:9.2f}x {swaks / smtpx:7.2f}x")
verdict = "met" if smtpx <= 1.2 * timeout else "NOT met"
print(f"target: smtpx within 1.2x of one connect timeout: {verdict} ({smtpx / timeout:.2f}x)")
EOF
