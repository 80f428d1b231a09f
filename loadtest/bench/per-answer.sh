#!/usr/bin/env bash
# What an answer costs apart from its chunks: one bench cluster (1 pod, 1 worker, nats-server, demo at 20 ms per
# token), a warm-up, then the same answer rate (RATE answers/s) with 1-token and with 200-token answers, each with
# the CPU of every process over 12 s of steady streaming (the load tool's --watch-pids). The 1-token run prices the answer
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
idle_cores() { # NAME=CORES for each watched process over 12 s with no client (the load tool reports the loaded runs)
  local before after p
  for p in ${WATCH_PIDS//,/ }; do before+="$(sed 's/^.*) //' "/proc/${p#*=}/stat" | awk '{print $12 + $13}') "; done
  sleep 12
  for p in ${WATCH_PIDS//,/ }; do after+="$(sed 's/^.*) //' "/proc/${p#*=}/stat" | awk '{print $12 + $13}') "; done
  paste <(tr ' ' '\n' <<<"${WATCH_PIDS//,/ }") <(tr ' ' '\n' <<<"$before") <(tr ' ' '\n' <<<"$after") \
    | awk -F'\t' -v hz="$hz" 'NF == 3 && $1 != "" {split($1, n, "="); printf "%s=%.3f ", n[1], ($3 - $2) / hz / 12}'
}
measured() { # tokens: answers at RATE/s, CPU of each process over 12 s of steady streaming (the load tool's --watch-pids)
  loadtest/run run --targets "$TARGETS" --sessions 1000 --rate "$RATE" --max-tokens "$1" --token-delay-ms 20 \
    --warmup 8s --duration 12s --grace 10s --baseline-duration 1s --watch-pids "$WATCH_PIDS" --quiet \
    --output "$OUT/per-answer-$1.json" >"$OUT/per-answer-$1.txt" 2>&1 || true
  jq -r '.cpu_cores_used | to_entries | map("\(.key)=\(.value)") | join(" ")' "$OUT/per-answer-$1.json"
}
# Warm-up (JIT), not measured.
loadtest/run run --targets "$TARGETS" --sessions 1000 --rate "$RATE" --max-tokens 200 --token-delay-ms 20 --warmup 3s \
  --duration "${WARMUP:-40s}" --grace 10s --baseline-duration 1s --quiet --output "$OUT/per-answer-warmup.json" >/dev/null 2>&1 || true
sleep 5
idle=$(idle_cores)
one=$(measured 1)
many=$(measured 200)
awk -v idle="$idle" -v one="$one" -v many="$many" -v rate="$RATE" 'BEGIN {
  n = split(one, b, " ")
  for (i = 1; i <= n; i++) { split(b[i], y, "="); c1[y[1]] = y[2] }
  n = split(many, c, " "); for (i = 1; i <= n; i++) { split(c[i], z, "="); c2[z[1]] = z[2] }
  n = split(idle, a, " "); for (i = 1; i <= n; i++) { split(a[i], x, "="); ci[x[1]] = x[2] }
  printf "%-9s %12s %14s %16s %14s %18s\n", "process", "idle cores", "1-token cores", "200-token cores", "ms per answer", "us per chunk added"
  for (p in c1) if (p != "loadtest")
    printf "%-9s %12.3f %14.2f %16.2f %14.2f %18.1f\n", p, ci[p], c1[p], c2[p], c1[p] * 1000 / rate, (c2[p] - c1[p]) * 1e6 / (rate * 200)
}'
grep -hE "^(checked|RESULT)" "$OUT/per-answer-1.txt" "$OUT/per-answer-200.txt" | sed 's/^/  /'
