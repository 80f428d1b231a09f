#!/usr/bin/env bash
# Runs the benchmarks of docs/benchmarks.md on this machine, everything on loopback, each run
# bounded (<= ~60 s), and draws the plots. Results (JSON, text, JFR, JMH) go to OUT.
#
#   loadtest/bench/run-benchmarks.sh [OUT]        (default OUT=loadtest/target/bench)
#
# Phases (PHASES="ttft throughput latency scale jmh plots" to choose):
#   ttft        DEMO_TOKEN_DELAY_MS=0, 100 messages/s, TTFT p50/p99
#   throughput  DEMO_TOKEN_DELAY_MS=0, rising chunk rates until a run loses chunks or falls behind;
#               raw NATS max pub->sub measured in each run; pod and worker record JFR
#   latency     DEMO_TOKEN_DELAY_MS=10 (paced like a real model), fixed chunk rates, raw NATS at the same rates
#   paced       real traffic: PACED_ANSWERS concurrent answers (default 100 200 400 800 1600), each 200 tokens
#               DEMO_TOKEN_DELAY_MS=20 apart (50 tokens/s, ~4 s), over 1,000+ sessions, DEFAULT settings (no
#               WORKER_CONCURRENCY); pipeline/TTFT/inter-chunk gap, CPU us per delivered chunk per process, and raw
#               NATS at the same chunk rate
#   scale       K idle SSE connections on one pod, then one message fanned out to all
#   scale-h2    the same with K SSE streams over HTTP/2 (100 per connection): past this container's
#               20 000 file descriptors, which caps HTTP/1.1 connections per process
#   jmh         codec, SSE framing, routing microbenchmarks (fork 1, short)
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${1:-loadtest/target/bench}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
PHASES=${PHASES:-"ttft throughput latency paced scale scale-h2 jmh plots"}
RUN=loadtest/run
CLUSTER=loadtest/bench/cluster.sh
export STATE=${STATE:-/tmp/chatstream-bench}
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
SWEEP_RATES=${SWEEP_RATES:-"5000 10000 20000 40000 60000 80000 110000"}
LATENCY_RATES=${LATENCY_RATES:-"1000 10000 20000"}
PACED_ANSWERS=${PACED_ANSWERS:-"100 200 400 800 1600"}
SCALE_KS=${SCALE_KS:-"2000 10000 19000"}
SCALE_H2_KS=${SCALE_H2_KS:-"10000 25000 50000"}
DURATION=${DURATION:-12s}
trap '$CLUSTER down >/dev/null 2>&1 || true' EXIT

log() { echo "[$(date -u +%H:%M:%S)] $*" | tee -a "$OUT/bench.log"; }
has() { [[ " $PHASES " == *" $1 "* ]]; }
# The synthetic phases post several messages per second per session (one load-tool user each), past the
# per-user message rate a real user gets by default: they lift the per-user limits. The paced phase does not.
SYNTHETIC_LIMITS="MESSAGE_RATE_PER_SECOND=10000 MESSAGE_RATE_BURST=10000 MAX_ACTIVE_ANSWERS_PER_USER=10000 MAX_CONNECTIONS_PER_USER=200000"
up() { # env assignments for the cluster...
  $CLUSTER down >/dev/null 2>&1 || true
  env "$@" $CLUSTER up >"$OUT/cluster.env"
  # shellcheck disable=SC1090
  source "$OUT/cluster.env"
  log "cluster up ($*): $TARGETS, load $(cut -d' ' -f1-3 /proc/loadavg)"
}
down() { $CLUSTER down >/dev/null 2>&1 || true; }
run() { # name, args...
  local name=$1; shift
  log "run $name: $*"
  set +e
  $RUN run --targets "$TARGETS" --nats-url "$NATS_URL" --baseline-duration 3s --output "$OUT/$name.json" \
    --watch-pids "$WATCH_PIDS" \
    --label "$name" --quiet "$@" >"$OUT/$name.txt" 2>&1
  local status=$?
  set -e
  grep -E "^(delivered|TTFT|pipeline|gap|checked|errors|CPU|raw NATS|  at|ratios|RESULT)" "$OUT/$name.txt" | sed 's/^/    /' | tee -a "$OUT/bench.log"
  return $status
}

log "machine: $(nproc) cores, $(free -m | awk '/Mem:/ {print $2}') MiB, $(uname -r); load $(cut -d' ' -f1-3 /proc/loadavg)"

if has ttft; then
  up DEMO_TOKEN_DELAY_MS=0 WORKER_CONCURRENCY=256 POD_ENV="$SYNTHETIC_LIMITS"
  run ttft-100mps --sessions 100 --rate 100 --max-tokens 16 --token-delay-ms 0 --warmup 3s --duration "$DURATION" || true
  down
fi

if has throughput; then
  up DEMO_TOKEN_DELAY_MS=0 WORKER_CONCURRENCY=512 POD_ENV="$SYNTHETIC_LIMITS" \
    POD_JAVA_OPTS="-Xmx512m -XX:StartFlightRecording=filename=$OUT/pod-throughput.jfr,settings=profile,dumponexit=true" \
    WORKER_JAVA_OPTS="-Xmx512m -XX:StartFlightRecording=filename=$OUT/worker-throughput.jfr,settings=profile,dumponexit=true"
  for rate in $SWEEP_RATES; do
    msgs=$((rate / 100))
    if ! run "throughput-$rate" --sessions 200 --rate "$msgs" --max-tokens 99 --token-delay-ms 0 --warmup 3s \
        --duration "$DURATION" --grace 8s; then
      log "throughput: $rate chunks/s lost, duplicated or reordered chunks: stopping the sweep"
      break
    fi
    delivered=$(jq '.delivered_chunks_per_s' "$OUT/throughput-$rate.json")
    if [[ $(jq -n "$delivered < 0.95 * $rate") == true ]]; then
      log "throughput: delivered $delivered < 95% of offered $rate: saturated, stopping the sweep"
      break
    fi
  done
  down
fi

if has latency; then
  up DEMO_TOKEN_DELAY_MS=10 WORKER_CONCURRENCY=1024 POD_ENV="$SYNTHETIC_LIMITS"
  for rate in $LATENCY_RATES; do
    msgs=$(jq -n "$rate / 50")
    run "latency-$rate" --sessions 400 --rate "$msgs" --max-tokens 49 --token-delay-ms 10 --warmup 3s \
      --duration "$DURATION" --nats-rates "$rate" || true
  done
  down
fi

if has paced; then
  # Default settings on purpose: what a user who starts the jars gets.
  up DEMO_TOKEN_DELAY_MS=20
  for answers in $PACED_ANSWERS; do
    sessions=$(( answers * 2 > 1000 ? answers * 2 : 1000 ))
    run "paced-$answers" --sessions "$sessions" --rate "$(jq -n "$answers / 4")" --max-tokens 200 --token-delay-ms 20 \
      --warmup 5s --duration "$DURATION" --grace 10s --nats-rates "$((answers * 50))" || true
  done
  down
fi

scale_runs() { # name prefix, then extra loadtest options (e.g. --http2); K from the remaining words
  local name=$1 extra=$2; shift 2
  for k in "$@"; do
    # The pod's JVM as deployed (cluster.sh's default): the figure is the one a user gets.
    up DEMO_TOKEN_DELAY_MS=0 POD_ENV="MAX_CONNECTIONS=200000 $SYNTHETIC_LIMITS"
    log "$name $k"
    set +e
    # shellcheck disable=SC2086
    $RUN scale $extra --targets "${TARGETS%%,*}" --connections "$k" --pod-pid "$POD_PID_1" --pod-gc --max-tokens 1 \
      --connect-concurrency 512 --grace 30s --watch-pids "$WATCH_PIDS" --output "$OUT/$name-$k.json" --label "$name-$k" >"$OUT/$name-$k.txt" 2>&1
    set -e
    grep -E "^(target|pod pid|memory|fan-out|finished|errors|CPU|RESULT)" "$OUT/$name-$k.txt" | sed 's/^/    /' | tee -a "$OUT/bench.log"
    down
  done
}
# shellcheck disable=SC2086
has scale && scale_runs scale "" $SCALE_KS
# shellcheck disable=SC2086
has scale-h2 && scale_runs scale-h2 --http2 $SCALE_H2_KS

if has jmh; then
  log "jmh"
  "$JAVA_HOME/bin/java" -cp loadtest/target/loadtest.jar org.openjdk.jmh.Main -f 1 -wi 2 -i 3 -w 1s -r 1s \
    -rf json -rff "$OUT/jmh.json" 'dev.chatstream.loadtest.bench' >"$OUT/jmh.txt" 2>&1
  sed -n '/^Benchmark/,$p' "$OUT/jmh.txt" | tee -a "$OUT/bench.log"
fi

if has plots; then
  mkdir -p docs
  ls "$OUT"/latency-*.json >/dev/null 2>&1 && $RUN plot latency --out docs/latency-vs-rate.png "$OUT"/latency-*.json || true
  ls "$OUT"/throughput-*.json >/dev/null 2>&1 && $RUN plot latency --out docs/throughput-sweep-latency.png "$OUT"/throughput-*.json || true
  ls "$OUT"/paced-*.json >/dev/null 2>&1 && $RUN plot latency --out docs/paced-latency.png "$OUT"/paced-*.json || true
  ls "$OUT"/scale-*.json >/dev/null 2>&1 && $RUN plot memory --out docs/memory-per-connection.png "$OUT"/scale-*.json || true
  ls "$OUT"/scale-*.json >/dev/null 2>&1 && $RUN plot fanout --out docs/fanout.png "$OUT"/scale-*.json || true
fi
log "done; load $(cut -d' ' -f1-3 /proc/loadavg)"
