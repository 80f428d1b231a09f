#!/usr/bin/env bash
# One paced A/B point: a bench cluster (1 pod, 1 worker, nats-server, demo at 20 ms per token), a warm-up
# run, then the measured paced run with CPU per delivered chunk per process; the cluster is stopped after.
#
#   loadtest/bench/paced-ab.sh LABEL ANSWERS [WORKER_ENV]      e.g. paced-ab.sh frames-off 200 LIVE_FRAME_TICK=0
#   POD_JAR=... WORKER_JAR=... loadtest/bench/paced-ab.sh old 200   (other jars: an A/B against another build)
#
# Prints the summary lines prefixed with LABEL; the whole report goes to $OUT/ab-LABEL-ANSWERS.txt.
# Alternate A and B with the same command: the box is small and noisy. Loopback only; stops by itself.
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
  --token-delay-ms 20 --warmup 3s --duration 6s --grace 10s --baseline-duration 1s --quiet >/dev/null 2>&1 || true
set +e
loadtest/run run --targets "$TARGETS" --nats-url "$NATS_URL" --watch-pids "$WATCH_PIDS" --sessions "$sessions" \
  --rate "$rate" --max-tokens 200 --token-delay-ms 20 --warmup 5s --duration 12s --grace 10s --baseline-duration 3s \
  --nats-rates "$((answers * 50))" --quiet >"$OUT/ab-$label-$answers.txt" 2>&1
status=$?
set -e
grep -E "^(delivered|TTFT|pipeline|gap|checked|CPU|  at|RESULT)" "$OUT/ab-$label-$answers.txt" | sed "s/^/$label /"
exit $status
