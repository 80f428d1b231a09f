#!/usr/bin/env bash
# A throw-away local cluster for benchmarks, everything on loopback: nats-server (JetStream, file
# store), redis-server, PODS backend pods and WORKERS workflow workers from their jars.
#
#   loadtest/bench/cluster.sh up      # prints the pod URLs, NATS URL and pod pids
#   loadtest/bench/cluster.sh down
#
# Environment (defaults in brackets): PODS [1], WORKERS [1], POD_BASE_PORT [18080],
# NATS_PORT [14222], REDIS_PORT [16379], DEMO_TOKEN_DELAY_MS [0], WORKER_CONCURRENCY [unset],
# POD_JAVA_OPTS / WORKER_JAVA_OPTS [the deployed JVM: $DEPLOYED_JAVA_OPTS, as deploy/k8s runs it in a 1 GiB
# container], POD_ENV / WORKER_ENV (extra "K=V K=V"),
# POD_JAR / WORKER_JAR [the reactor's jars], STATE [/tmp/chatstream-bench],
# NATS_OPTS (extra nats-server flags, e.g. "--profile 16222" for its Go CPU profile at /debug/pprof/profile).
# Pods run the default AUTH_MODE (guest) with one AUTH_GUEST_SECRET for all of them, so a guest
# identity from one pod holds on every pod (the load tool takes one per session from GET /api/me).
set -euo pipefail
cd "$(dirname "$0")/../.."

STATE=${STATE:-/tmp/chatstream-bench}
PODS=${PODS:-1}
WORKERS=${WORKERS:-1}
POD_BASE_PORT=${POD_BASE_PORT:-18080}
NATS_PORT=${NATS_PORT:-14222}
REDIS_PORT=${REDIS_PORT:-16379}
POD_JAR=${POD_JAR:-backend-pod/target/backend-pod.jar}
WORKER_JAR=${WORKER_JAR:-workflow-service/target/workflow-service.jar}
JAVA=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
# The manifests' JAVA_TOOL_OPTIONS in their 1 GiB containers: G1, heap sized at 60 % from the start.
DEPLOYED_JAVA_OPTS="-XX:MaxRAM=1g -XX:MaxRAMPercentage=60 -XX:InitialRAMPercentage=60 -XX:+UseG1GC"
PATH=$PATH:/usr/sbin:/usr/local/sbin

wait_for() { # what, seconds, command...
  local what=$1 seconds=$2; shift 2
  for _ in $(seq 1 $((seconds * 10))); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  echo "cluster.sh: $what not ready after ${seconds}s" >&2
  return 1
}

up() {
  mkdir -p "$STATE"
  ulimit -n "$(ulimit -Hn)" || true
  [[ -f "$POD_JAR" && -f "$WORKER_JAR" ]] || { echo "build first: mvn -B -pl loadtest -am package -DskipTests" >&2; exit 2; }
  rm -rf "$STATE/js"; mkdir -p "$STATE/js"
  local guest_secret; guest_secret=$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=' | head -c 48)
  nats-server -a 127.0.0.1 -p "$NATS_PORT" -m $((NATS_PORT + 1)) -js -sd "$STATE/js" ${NATS_OPTS:-} >"$STATE/nats.log" 2>&1 &
  echo $! >"$STATE/nats.pid"
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no >"$STATE/redis.log" 2>&1 &
  echo $! >"$STATE/redis.pid"
  wait_for "nats-server" 20 curl -sf "http://127.0.0.1:$((NATS_PORT + 1))/healthz"
  wait_for "redis-server" 20 redis-cli -p "$REDIS_PORT" ping
  local nats_url="nats://127.0.0.1:$NATS_PORT" redis_url="redis://127.0.0.1:$REDIS_PORT"
  for i in $(seq 1 "$WORKERS"); do
    env NATS_URL="$nats_url" REDIS_URL="$redis_url" WORKER_ID="bench-worker-$i" HTTP_PORT=$((POD_BASE_PORT + 100 + i)) \
      AI_PROVIDER=demo DEMO_TOKEN_DELAY_MS="${DEMO_TOKEN_DELAY_MS:-0}" \
      ${WORKER_CONCURRENCY:+WORKER_CONCURRENCY=$WORKER_CONCURRENCY} ${WORKER_ENV:-} \
      "$JAVA" ${WORKER_JAVA_OPTS:-$DEPLOYED_JAVA_OPTS} -jar "$WORKER_JAR" >"$STATE/worker-$i.log" 2>&1 &
    echo $! >"$STATE/worker-$i.pid"
  done
  local urls=()
  for i in $(seq 1 "$PODS"); do
    local port=$((POD_BASE_PORT + i - 1))
    # h2c on: the scale-h2 phase streams over HTTP/2 cleartext straight to the pods (no proxy in between).
    env NATS_URL="$nats_url" REDIS_URL="$redis_url" POD_ID="bench-pod-$i" HTTP_PORT=$port HTTP_HOST=127.0.0.1 \
      MANAGEMENT_PORT=$((POD_BASE_PORT + 200 + i)) HTTP2_CLEARTEXT=true AUTH_GUEST_SECRET="$guest_secret" \
      ${POD_ENV:-} "$JAVA" ${POD_JAVA_OPTS:-$DEPLOYED_JAVA_OPTS} -jar "$POD_JAR" >"$STATE/pod-$i.log" 2>&1 &
    echo $! >"$STATE/pod-$i.pid"
    urls+=("http://127.0.0.1:$port")
  done
  for i in $(seq 1 "$WORKERS"); do
    wait_for "worker $i" 60 grep -q "workflow-service ready" "$STATE/worker-$i.log"
  done
  for i in $(seq 1 "$PODS"); do
    wait_for "pod $i" 60 curl -sf "http://127.0.0.1:$((POD_BASE_PORT + i - 1))/readyz"
  done
  (IFS=,; echo "TARGETS=${urls[*]}")
  echo "NATS_URL=$nats_url"
  for i in $(seq 1 "$PODS"); do echo "POD_PID_$i=$(cat "$STATE/pod-$i.pid")"; done
  local watch="nats=$(cat "$STATE/nats.pid"),redis=$(cat "$STATE/redis.pid")"
  for i in $(seq 1 "$PODS"); do watch+=",pod-$i=$(cat "$STATE/pod-$i.pid")"; done
  for i in $(seq 1 "$WORKERS"); do watch+=",worker-$i=$(cat "$STATE/worker-$i.pid")"; done
  echo "WATCH_PIDS=$watch"
}

down() {
  for f in "$STATE"/pod-*.pid "$STATE"/worker-*.pid "$STATE"/redis.pid "$STATE"/nats.pid; do
    [[ -f "$f" ]] || continue
    kill "$(cat "$f")" 2>/dev/null || true
  done
  sleep 1
  for f in "$STATE"/*.pid; do
    [[ -f "$f" ]] || continue
    kill -9 "$(cat "$f")" 2>/dev/null || true
    rm -f "$f"
  done
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
