#!/usr/bin/env bash
# Memory per active answer on one workflow worker with default settings (WORKER_CONCURRENCY 10000):
# starts nats-server and one worker (registry off: answers go to the session broadcast, nobody
# listens), publishes N long paced demo requests at once, waits until the worker streams all N at
# the same time, then reads the heap after a full GC (jcmd) and compares it with the idle heap.
#
#   loadtest/bench/worker-capacity.sh [N=5000] [MAX_TOKENS=3000] [DEMO_TOKEN_DELAY_MS=20]
#
# Needs the reactor's workflow-service.jar (mvn -B -pl workflow-service -am package -DskipTests),
# nats-server and a JDK 21+ with jcmd. Environment: NATS_PORT [24222], WORKER_JAVA_OPTS [-Xmx1g],
# STATE [/tmp/chatstream-capacity].
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-5000}
MAX_TOKENS=${2:-3000}
DELAY=${3:-20}
NATS_PORT=${NATS_PORT:-24222}
STATE=${STATE:-/tmp/chatstream-capacity}
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAVA=$JAVA_HOME/bin/java
JCMD=$JAVA_HOME/bin/jcmd
JNATS=$(ls ~/.m2/repository/io/nats/jnats/*/jnats-*.jar | grep -v sources | tail -1)
OPS_PORT=$((NATS_PORT + 2))
PATH=$PATH:/usr/sbin

rm -rf "$STATE"; mkdir -p "$STATE/js"
cleanup() {
  for f in "$STATE"/worker.pid "$STATE"/nats.pid; do [[ -f $f ]] && kill "$(cat "$f")" 2>/dev/null || true; done
}
trap cleanup EXIT
nats-server -a 127.0.0.1 -p "$NATS_PORT" -js -sd "$STATE/js" >"$STATE/nats.log" 2>&1 &
echo $! >"$STATE/nats.pid"
sleep 1
env NATS_URL="nats://127.0.0.1:$NATS_PORT" REDIS_ENABLED=false WORKER_ID=capacity HTTP_PORT=$OPS_PORT \
  AI_PROVIDER=demo DEMO_TOKEN_DELAY_MS="$DELAY" \
  "$JAVA" ${WORKER_JAVA_OPTS:--Xmx1g} -jar workflow-service/target/workflow-service.jar >"$STATE/worker.log" 2>&1 &
WORKER=$!
echo $WORKER >"$STATE/worker.pid"
for _ in $(seq 1 600); do grep -q "workflow-service ready" "$STATE/worker.log" && break; sleep 0.1; done

heap_used_kb() { # after a full GC
  "$JCMD" "$WORKER" GC.run >/dev/null
  "$JCMD" "$WORKER" GC.heap_info | grep -oE 'used [0-9]+K' | head -1 | grep -oE '[0-9]+'
}
active() {
  curl -sf "http://127.0.0.1:$OPS_PORT/metrics" | awk '/^chat_workflow_active_answers/ {print int($2)}'
}
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$WORKER/status"; }
threads() { ls "/proc/$WORKER/task" | wc -l; }

# Warm the paths up with a few answers, then measure idle.
"$JAVA" -cp "$JNATS" loadtest/bench/PublishRequests.java "nats://127.0.0.1:$NATS_PORT" 50 20 warm >/dev/null
for _ in $(seq 1 300); do [[ "$(active)" == "0" ]] && break; sleep 0.1; done
sleep 2
IDLE_HEAP=$(heap_used_kb); IDLE_RSS=$(rss_kb); IDLE_THREADS=$(threads)

START=$(date +%s.%N)
"$JAVA" -cp "$JNATS" loadtest/bench/PublishRequests.java "nats://127.0.0.1:$NATS_PORT" "$N" "$MAX_TOKENS" run >/dev/null
PEAK=0
for _ in $(seq 1 1200); do
  a=$(active); [[ -n "$a" && "$a" -gt "$PEAK" ]] && PEAK=$a
  [[ -n "$a" && "$a" -ge "$N" ]] && break
  sleep 0.1
done
ALL_ACTIVE=$(echo "$(date +%s.%N) - $START" | bc)
ACTIVE_HEAP=$(heap_used_kb); ACTIVE_RSS=$(rss_kb); ACTIVE_THREADS=$(threads); ACTIVE_NOW=$(active)
chunks() {
  curl -sf "http://127.0.0.1:$OPS_PORT/metrics" | awk '/^chat_chunks_published_total/ {s += $2} END {printf "%d", s}'
}
C1=$(chunks); T1=$(date +%s.%N); sleep 5; C2=$(chunks); T2=$(date +%s.%N)
RATE=$(echo "($C2 - $C1) / ($T2 - $T1)" | bc)
PACED=$(echo "$ACTIVE_NOW * 1000 / $DELAY" | bc)
CPU_CORES=$(nproc)

echo "answers streaming at once: $ACTIVE_NOW of $N (all active ${ALL_ACTIVE}s after publishing; ${MAX_TOKENS} tokens, ${DELAY} ms apart)"
echo "heap after full GC: idle ${IDLE_HEAP} KiB, active ${ACTIVE_HEAP} KiB -> $(( (ACTIVE_HEAP - IDLE_HEAP) * 1024 / ACTIVE_NOW )) bytes per active answer"
echo "RSS: idle ${IDLE_RSS} KiB, active ${ACTIVE_RSS} KiB; threads: idle ${IDLE_THREADS}, active ${ACTIVE_THREADS}"
echo "chunks published: ${RATE}/s over 5 s (full pace would be ${PACED}/s; ${CPU_CORES} cores shared with the NATS server)"
