#!/usr/bin/env bash
# One paced A/B point: a bench cluster (1 pod, 1 worker, nats-server, demo at 20 ms per token), a warm-up
# run, then the measured paced run with CPU per delivered chunk per process; the cluster is stopped after.
#
#   loadtest/bench/paced-ab.sh LABEL ANSWERS [WORKER_ENV]      e.g. paced-ab.sh frames-off 200 LIVE_FRAME_TICK=0
#   POD_JAR=... WORKER_JAR=... loadtest/bench/paced-ab.sh old 200   (other jars: an A/B against another build)
#
# Prints the summary lines prefixed with LABEL; the whole report goes to $OUT/ab-LABEL-ANSWERS.txt.
# Alternate A and B with the same command: the box is small and noisy. Loopback only; stops by itself.
# WARMUP [60s]: the warm-up run's length. With a 6 s warm-up the pod's JIT compiler threads still took 30-40 %
# of its CPU in the measured run (docs/benchmarks.md §9), so "µs per chunk" was partly compilation; the line
# "pod JIT" says what share of the pod's CPU its compiler threads took while the measured run ran.
set -euo pipefail
cd "$(dirname "$0")/../.."
label=$1 answers=$2 worker_env=${3:-}
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export STATE=${STATE:-/tmp/chatstream-paced-ab}
OUT=${OUT:-/tmp}
CLUSTER=loadtest/bench/cluster.sh
trap '$CLUSTER down >/dev/null 2>&1 || true' EXIT
$CLUSTER down >/dev/null 2>&1 || true
env DEMO_TOKEN_DELAY_MS=20 WORKER_ENV="$worker_env" $CLUSTER up >"$OUT/ab.env"
# shellcheck disable=SC1091
source "$OUT/ab.env"
sessions=$(( answers * 2 > 1000 ? answers * 2 : 1000 ))
rate=$(( answers / 4 ))   # 200 tokens at 20 ms: an answer lasts ~4 s
# Warm-up (JIT), not measured.
loadtest/run run --targets "$TARGETS" --nats-url "$NATS_URL" --sessions "$sessions" --rate "$rate" --max-tokens 200 \
  --token-delay-ms 20 --warmup 3s --duration "${WARMUP:-60s}" --grace 10s --baseline-duration 1s --quiet \
  --output "$OUT/ab-warmup.json" >/dev/null 2>&1 || true
# CPU clock ticks of the pod's threads: all of them, and its JIT compiler threads alone.
pod_ticks() {
  local all=0 jit=0 task comm ticks
  for task in /proc/"$POD_PID_1"/task/*; do
    comm=$(cat "$task/comm" 2>/dev/null) || continue
    # Fields after the parenthesised name, which may hold spaces ("C2 CompilerThre"): utime and stime are 12, 13.
    ticks=$(sed 's/^.*) //' "$task/stat" 2>/dev/null | awk '{print $12 + $13}') || continue
    all=$((all + ticks))
    [[ $comm == C[12]\ CompilerThre* ]] && jit=$((jit + ticks))
  done
  echo "$all $jit"
}
# Chunks the pod wrote, from its own counter on the management port.
pod_delivered() {
  curl -sf "http://127.0.0.1:$((${POD_BASE_PORT:-18080} + 201))/metrics" \
    | awk '/^chat_chunks_delivered_total/ {printf "%d\n", $2}'
}
read -r all_before jit_before < <(pod_ticks)
delivered_before=$(pod_delivered || echo 0)
set +e
loadtest/run run --targets "$TARGETS" --nats-url "$NATS_URL" --watch-pids "$WATCH_PIDS" --sessions "$sessions" \
  --rate "$rate" --max-tokens 200 --token-delay-ms 20 --warmup 5s --duration 12s --grace 10s --baseline-duration 3s \
  --nats-rates "$((answers * 50))" --quiet --output "$OUT/ab-$label-$answers.json" >"$OUT/ab-$label-$answers.txt" 2>&1
status=$?
set -e
read -r all_after jit_after < <(pod_ticks)
delivered_after=$(pod_delivered || echo 0)
ticks=$((all_after - all_before)) jit=$((jit_after - jit_before)) chunks=$((delivered_after - delivered_before))
hz=$(getconf CLK_TCK)
{
  echo "pod JIT: compiler threads $jit of $ticks CPU ticks of the pod during the measured run (its stream opens, warm-up, window and grace)"
  awk -v t="$ticks" -v j="$jit" -v c="$chunks" -v hz="$hz" 'BEGIN { if (c > 0) printf \
    "pod whole run: %.1f us per chunk written (%d chunks), %.1f without its JIT compiler threads\n", \
    t * 1e6 / hz / c, c, (t - j) * 1e6 / hz / c }'
} >>"$OUT/ab-$label-$answers.txt"
grep -E "^(delivered|TTFT|pipeline|gap|checked|CPU|  at|pod JIT|pod whole|RESULT)" "$OUT/ab-$label-$answers.txt" | sed "s/^/$label /"
exit $status
