#!/usr/bin/env bash
# What an answer costs apart from its chunks: one bench cluster (1 pod, 1 worker, nats-server, demo at 20 ms per
# token), a warm-up, then the same answer rate (RATE answers/s) with 1-token and with 200-token answers, each with
# the CPU seconds of every process over the same 12 s of steady streaming. The 1-token run prices the answer
# (POST, admission, idempotency, request queue, conversation, registry, history fencing, answered marker, the
# ledger), the difference prices the chunks. Prints, per process: CPU cores, ms per answer (1 token) and the
# µs per chunk of what the 200 tokens add. Idle (no client) CPU is measured first and not subtracted.
#
#   loadtest/bench/per-answer.sh                # RATE=50 (200 concurrent answers at 200 tokens)
#   POD_JAR=... WORKER_JAR=... loadtest/bench/per-answer.sh     (other jars: an A/B against another build)
#
# Loopback only; stops by itself; do not run beside another benchmark (2-core box: alternate A and B).
set -euo pipefail
cd "$(dirname "$0")/../.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export STATE=${STATE:-/tmp/chatstream-per-answer}
OUT=${OUT:-/tmp}
mkdir -p "$OUT"
RATE=${RATE:-50}
CLUSTER=loadtest/bench/cluster.sh
trap '$CLUSTER down >/dev/null 2>&1 || true' EXIT
$CLUSTER down >/dev/null 2>&1 || true
env DEMO_TOKEN_DELAY_MS=20 $CLUSTER up >"$OUT/per-answer.env"
# shellcheck disable=SC1091
source "$OUT/per-answer.env"
hz=$(getconf CLK_TCK)
ticks() { # NAME=TICKS for each watched process
  local p
  for p in ${WATCH_PIDS//,/ }; do
    echo -n "${p%%=*}=$(sed 's/^.*) //' "/proc/${p#*=}/stat" | awk '{print $12 + $13}') "
  done
}
cpu_over() { # seconds: CPU ticks of each process over that many seconds, as NAME=TICKS
  local before after
  before=$(ticks); sleep "$1"; after=$(ticks)
  paste <(tr ' ' '\n' <<<"$before") <(tr ' ' '\n' <<<"$after") | awk -F'[=\t]' 'NF == 4 {printf "%s=%d ", $1, $4 - $2}'
}
load() { # tokens: answers at RATE/s for 25 s, in the background
  loadtest/run run --targets "$TARGETS" --sessions 1000 --rate "$RATE" --max-tokens "$1" --token-delay-ms 20 \
    --warmup 5s --duration 20s --grace 10s --baseline-duration 1s --quiet --output "$OUT/per-answer-$1.json" \
    >"$OUT/per-answer-$1.txt" 2>&1 &
}
# Warm-up (JIT), not measured.
loadtest/run run --targets "$TARGETS" --sessions 1000 --rate "$RATE" --max-tokens 200 --token-delay-ms 20 --warmup 3s \
  --duration "${WARMUP:-40s}" --grace 10s --baseline-duration 1s --quiet --output "$OUT/per-answer-warmup.json" >/dev/null 2>&1 || true
sleep 5
idle=$(cpu_over 12)
load 1; sleep 8; one=$(cpu_over 12); wait
load 200; sleep 8; many=$(cpu_over 12); wait
awk -v idle="$idle" -v one="$one" -v many="$many" -v rate="$RATE" -v hz="$hz" 'BEGIN {
  split(idle, a, " "); split(one, b, " "); split(many, c, " ")
  printf "%-9s %12s %12s %14s %16s %18s\n", "process", "idle cores", "1-token cores", "200-token cores", "ms per answer", "us per chunk added"
  for (i in b) {
    split(a[i], x, "="); split(b[i], y, "="); split(c[i], z, "=")
    ci = x[2] / hz / 12; c1 = y[2] / hz / 12; c2 = z[2] / hz / 12
    printf "%-9s %12.3f %12.3f %14.3f %16.2f %18.1f\n", y[1], ci, c1, c2, c1 * 1000 / rate, (c2 - c1) * 1e6 / (rate * 200)
  }
}'
grep -hE "^(checked|RESULT)" "$OUT/per-answer-1.txt" "$OUT/per-answer-200.txt" | sed 's/^/  /'
