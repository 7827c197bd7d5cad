#!/usr/bin/env bash
# Benchmark (not a test): `smtpx send` side by side with swaks, msmtp and curl, in one run, on
# loopback, against the same server: bench/sink.py, a sink that accepts and discards (why not
# the Postfix rig: see its docstring; in short, the rig refuses 200 MB and adds queue work).
#
#   1. One small message: wall time with hyperfine, and the ratio of smtpx to each tool.
#      Targets: at most 0.25x swaks, no slower than msmtp or curl.
#   2. A 200 MB attachment: peak RSS and wall time with /usr/bin/time -v.
#      Target: smtpx under 32 MB peak RSS.
#   3. The socket writes of one small send (strace): TCP_NODELAY set, MAIL/RCPT/DATA in one
#      write, the content and its final dot in one write.
#
# Needs: cargo, python3, and `apt-get install -y swaks msmtp curl hyperfine time strace`.
# Knobs: SMTPX_BENCH_PORT (12625), SMTPX_BENCH_RUNS (50), SMTPX_BENCH_BIG_MB (200).
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${SMTPX_BENCH_PORT:-12625}
RUNS=${SMTPX_BENCH_RUNS:-50}
BIG_MB=${SMTPX_BENCH_BIG_MB:-200}
FROM=bench@client.bench
TO=sink@sink.bench

for tool in swaks msmtp curl hyperfine /usr/bin/time python3; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is missing" >&2; exit 1; }
done

work=$(mktemp -d /tmp/smtpx-bench.XXXXXX)
sink_pid=
cleanup() {
    local status=$?
    # The sink dies of our SIGTERM; its 143 must not become the benchmark's exit status.
    if [[ -n $sink_pid ]]; then
        kill "$sink_pid" 2>/dev/null || true
        wait "$sink_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT

cargo build --release --quiet
SMTPX=$PWD/target/release/smtpx

python3 bench/sink.py "$PORT" &
sink_pid=$!
for _ in $(seq 50); do
    (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
    sleep 0.1
done

echo "== versions"
"$SMTPX" --version
swaks --version | head -1
msmtp --version | head -1
curl --version | head -1
hyperfine --version

# ---------------------------------------------------------------------------------------------
echo
echo "== 1. one small message ($RUNS runs each, sink on 127.0.0.1:$PORT)"
"$SMTPX" send --from "$FROM" --to "$TO" --subject bench --body hello --print >"$work/small.eml"
smtpx_compose="$SMTPX send -s 127.0.0.1:$PORT --tls none --ehlo client.bench -q --from $FROM --to $TO --subject bench --body hello"
smtpx_raw="$SMTPX send -s 127.0.0.1:$PORT --tls none --ehlo client.bench -q --raw $work/small.eml $TO"
swaks_cmd="swaks --server 127.0.0.1:$PORT --helo client.bench --from $FROM --to $TO --header 'Subject: bench' --body hello --silent 3"
msmtp_cmd="msmtp -C /dev/null --host=127.0.0.1 --port=$PORT --tls=off --auth=off --domain=client.bench --from=$FROM $TO < $work/small.eml"
curl_cmd="curl -sS smtp://127.0.0.1:$PORT/client.bench --mail-from $FROM --mail-rcpt $TO --upload-file $work/small.eml"
for cmd in "$smtpx_compose" "$smtpx_raw" "$swaks_cmd" "$msmtp_cmd" "$curl_cmd"; do
    bash -c "$cmd" || { echo "bench: this command failed: $cmd" >&2; exit 1; }
done
hyperfine --style basic --warmup 5 --runs "$RUNS" --export-json "$work/small.json" \
    -n "smtpx (compose)" "$smtpx_compose" \
    -n "smtpx --raw" "$smtpx_raw" \
    -n swaks "$swaks_cmd" \
    -n msmtp "$msmtp_cmd" \
    -n curl "$curl_cmd"
python3 - "$work/small.json" <<'EOF'
import json, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
ms = lambda name: results[name]["mean"] * 1000
print("\nmean wall time (ms) and ratio smtpx/tool:")
for name in results:
    print(f"  {name:16} {ms(name):8.2f} ms  ± {results[name]['stddev'] * 1000:.2f}")
for smtpx in ("smtpx (compose)", "smtpx --raw"):
    for tool, target in (("swaks", 0.25), ("msmtp", 1.0), ("curl", 1.0)):
        ratio = ms(smtpx) / ms(tool)
        verdict = "ok" if ratio <= target else "MISSED"
        print(f"  {smtpx:16} / {tool:5} = {ratio:5.3f}  (target <= {target}: {verdict})")
EOF

# Under 5 ms hyperfine cannot subtract the shell's start-up precisely; the same commands
# without a shell (msmtp needs one for its < redirection, so it is left out) cross-check.
echo
echo "-- cross-check without a shell (hyperfine -N)"
hyperfine -N --style basic --warmup 5 --runs "$RUNS" --export-json "$work/small-n.json" \
    -n "smtpx (compose)" "$smtpx_compose" -n "smtpx --raw" "$smtpx_raw" \
    -n swaks "$swaks_cmd" -n curl "$curl_cmd" >/dev/null
python3 - "$work/small-n.json" <<'EOF2'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(f"  {r['command']:16} {r['mean'] * 1000:8.2f} ms  ± {r['stddev'] * 1000:.2f}")
EOF2

# ---------------------------------------------------------------------------------------------
echo
echo "== 2. a ${BIG_MB} MB attachment: peak RSS and wall time"
head -c "$((BIG_MB * 1024 * 1024))" /dev/urandom >"$work/big.bin"
"$SMTPX" send --from "$FROM" --to "$TO" --subject big --body "see attached" \
    --attach "$work/big.bin" --print >"$work/big.eml"
echo "message: $(stat -c %s "$work/big.eml") bytes (base64 of $(stat -c %s "$work/big.bin"))"
measure() {
    local name=$1
    shift
    /usr/bin/time -v -o "$work/time.txt" bash -c "$*" >/dev/null
    local rss wall
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt")
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$work/time.txt")
    printf '  %-26s peak RSS %7.1f MB   wall %s\n' "$name" "$(echo "$rss / 1024" | bc -l)" "$wall"
}
measure "smtpx (compose, attach)" "$SMTPX send -s 127.0.0.1:$PORT --tls none --ehlo client.bench -q --from $FROM --to $TO --subject big --body 'see attached' --attach $work/big.bin"
measure "smtpx --raw" "$SMTPX send -s 127.0.0.1:$PORT --tls none --ehlo client.bench -q --raw $work/big.eml $TO"
measure "smtpx --raw --chunking" "$SMTPX send -s 127.0.0.1:$PORT --tls none --ehlo client.bench -q --chunking --raw $work/big.eml $TO"
measure "swaks (attach)" "swaks --server 127.0.0.1:$PORT --helo client.bench --from $FROM --to $TO --header 'Subject: big' --body 'see attached' --attach @$work/big.bin --silent 3"
measure "msmtp (message file)" "msmtp -C /dev/null --host=127.0.0.1 --port=$PORT --tls=off --auth=off --domain=client.bench --from=$FROM $TO < $work/big.eml"
measure "curl (message file)" "curl -sS smtp://127.0.0.1:$PORT/client.bench --mail-from $FROM --mail-rcpt $TO --upload-file $work/big.eml"

# ---------------------------------------------------------------------------------------------
echo
echo "== 3. socket writes of one small send (strace)"
if command -v strace >/dev/null; then
    strace -f -qq -s 200 -e trace=setsockopt,connect,write,sendto,sendmsg -o "$work/strace.txt" \
        bash -c "$smtpx_compose"
    grep -E 'TCP_NODELAY' "$work/strace.txt" | sed 's/^/  /'
    # Writes to the socket only (fd of the connect call).
    fd=$(grep -m1 -E "connect\(([0-9]+), \{sa_family=AF_INET, sin_port=htons\($PORT\)" "$work/strace.txt" |
        sed -E 's/.*connect\(([0-9]+),.*/\1/')
    grep -E "(write|sendto)\($fd, " "$work/strace.txt" | sed -E 's/^[0-9]+ +//; s/^/  /' | cut -c1-150
    echo "  socket writes: $(grep -cE "(write|sendto)\($fd, " "$work/strace.txt")"
else
    echo "  strace not installed; skipped"
fi
