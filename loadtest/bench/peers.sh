#!/usr/bin/env bash
# Side by side with two peers: ONE driver (dev.chatstream.loadtest.peers.PeersMain in loadtest.jar) feeds the
# SAME paced answers — N answers streaming at once, a token every TOKEN_MS, TOKENS tokens each — to
#   ours     one backend pod alone: the driver publishes each chunk as a worker does (each 1 ms tick's chunks
#            live at once in one pod frame to chat.pod.{podId}.response, history to chat.history.{sid} per
#            message per 100 ms window); nats-server and redis-server beside it, no worker
#   pushpin  Pushpin (Debian pushpin 1.36, message_rate=1000000), HTTP publish, a GRIP origin in the driver
#   nchan    Nchan (Debian libnginx-mod-nchan 1.3.6) in nginx, memory store, one worker, HTTP publish
# and the same CLIENTS SSE readers (one per channel) read from each. Per server and N it prints delivery
# latency (chunk timestamp → parsed by the reader, one host clock) p50/p99, loss, and CPU µs per delivered
# chunk of each server process (utime+stime from /proc/<pid>/stat over the measured window, process trees).
#
#   loadtest/bench/peers.sh [OUT]          # default OUT loadtest/target/peers; about 5 minutes
#
# Needs (installs nothing): nats-server, redis-server, and `apt-get install -y pushpin libnginx-mod-nchan`
# (nginx comes with the module). A peer whose package is missing is skipped with a message.
# Builds loadtest.jar (and the pod jar) when missing: mvn -B -pl loadtest -am package -DskipTests.
# Loopback only, fixed ports (PEERS_BASE_PORT [37000] + offsets), every process it starts is stopped on exit;
# each driver run is bounded by `timeout`.
# Environment (defaults in brackets): SERVERS ["ours pushpin nchan"], ANSWERS [100,200,400,800],
# CLIENTS [1000], TOKENS [200], TOKEN_MS [20], PREWARM [10s: the first step's load, unreported, on a cold
# server], WARMUP [3s, before each step], MEASURE [10s], GRACE [2s],
# POD_JAVA_OPTS [loadtest/bench/cluster.sh's: the JVM as deployed].
set -euo pipefail
cd "$(dirname "$0")/../.."

OUT=${1:-loadtest/target/peers}
SERVERS=${SERVERS:-"ours pushpin nchan"}
ANSWERS=${ANSWERS:-100,200,400,800}
CLIENTS=${CLIENTS:-1000}
TOKENS=${TOKENS:-200}
TOKEN_MS=${TOKEN_MS:-20}
PREWARM=${PREWARM:-10s}
WARMUP=${WARMUP:-3s}
MEASURE=${MEASURE:-10s}
GRACE=${GRACE:-2s}
BASE=${PEERS_BASE_PORT:-37000}
JAVA=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
JAR=loadtest/target/loadtest.jar
NCHAN_MODULE=/usr/lib/nginx/modules/ngx_nchan_module.so
PATH=$PATH:/usr/sbin:/usr/local/sbin
STATE=$(mktemp -d /tmp/chatstream-peers.XXXXXX)

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
ulimit -n "$(ulimit -Hn)" || true
[[ -f "$JAR" && -f backend-pod/target/backend-pod.jar ]] || mvn -B -q -pl loadtest -am package -DskipTests

log() { echo "[$(date -u +%H:%M:%S)] $*" | tee -a "$OUT/peers.log"; }

PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  STATE="$STATE/cluster" loadtest/bench/cluster.sh down >/dev/null 2>&1 || true
  sleep 1
  for pid in "${PIDS[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  rm -rf "$STATE"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_for() { # what, seconds, command...
  local what=$1 seconds=$2; shift 2
  for _ in $(seq 1 $((seconds * 10))); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  log "$what not ready after ${seconds}s"
  return 1
}

drive() { # server, extra driver options...
  local server=$1; shift
  # Bounded: warm-up + measure + drain (one answer) + grace per step, plus start-up, with room to spare.
  timeout --kill-after=10s 600s "$JAVA" -Xmx2g -XX:+UseParallelGC -cp "$JAR" dev.chatstream.loadtest.peers.PeersMain \
    --server "$server" --answers "$ANSWERS" --clients "$CLIENTS" --tokens "$TOKENS" --token-ms "$TOKEN_MS" \
    --prewarm "$PREWARM" --warmup "$WARMUP" --measure "$MEASURE" --grace "$GRACE" --output "$OUT/$server.json" "$@" 2>&1 | tee -a "$OUT/peers.log"
}

run_ours() {
  local pod_port=$((BASE + 80)) env
  # One pod, no worker: the driver is the worker. AUTH_MODE=none and lifted per-user limits: the readers are
  # one anonymous client holding a thousand streams.
  env=$(STATE="$STATE/cluster" PODS=1 WORKERS=0 POD_BASE_PORT=$pod_port NATS_PORT=$((BASE + 22)) \
    REDIS_PORT=$((BASE + 79)) \
    POD_ENV="AUTH_MODE=none MAX_CONNECTIONS_PER_USER=200000 MAX_CONNECTIONS_PER_IP=200000 MAX_CONNECTIONS=200000" \
    loadtest/bench/cluster.sh up)
  local pod_pid nats_pid
  pod_pid=$(sed -n 's/^POD_PID_1=//p' <<<"$env")
  nats_pid=$(cat "$STATE/cluster/nats.pid")
  log "ours: pod pid $pod_pid, nats-server pid $nats_pid"
  drive ours --subscribe-url "http://127.0.0.1:$pod_port/api/sessions/{channel}/stream" \
    --nats-url "nats://127.0.0.1:$((BASE + 22))" --pod-id bench-pod-1 --cpu "pod=$pod_pid,nats=$nats_pid" || true
  STATE="$STATE/cluster" loadtest/bench/cluster.sh down >/dev/null 2>&1 || true
}

run_pushpin() {
  if ! command -v pushpin >/dev/null; then log "pushpin: not installed (apt-get install -y pushpin), skipped"; return; fi
  local dir="$STATE/pushpin" http=$((BASE + 99)) publish=$((BASE + 61)) origin=$((BASE + 98))
  mkdir -p "$dir/run" "$dir/log"
  echo "* 127.0.0.1:$origin" >"$dir/routes"
  # The packaged condure configuration with our ports and directories; message_rate 1000000 (the default
  # 2500/s would throttle delivery; 10000000 makes 1.36 hold messages). The proxy reaches the origin through
  # zurl, which the packaged file expects as a system service: the runner starts it here, on our run dir.
  sed -e "s|^rundir=.*|rundir=$dir/run|" -e "s|^logdir=.*|logdir=$dir/log|" \
      -e "s|^http_port=.*|http_port=$http|" -e "s|^routesfile=.*|routesfile=$dir/routes|" \
      -e "s|^push_in_spec=.*|push_in_spec=tcp://127.0.0.1:$((BASE + 60))|" \
      -e "s|^push_in_sub_specs=.*|push_in_sub_specs=tcp://127.0.0.1:$((BASE + 62))|" \
      -e "s|^command_spec=tcp.*|command_spec=tcp://127.0.0.1:$((BASE + 63))|" \
      -e "s|^push_in_http_port=.*|push_in_http_port=$publish|" \
      -e "s|^message_rate=.*|message_rate=1000000|" -e "s|^message_hwm=.*|message_hwm=1000000|" \
      -e "s|^push_in_http_max_body_size=.*|push_in_http_max_body_size=10000000|" \
      -e "s|^services=.*|services=condure,zurl,pushpin-proxy,pushpin-handler|" \
      -e "s|^\\[proxy\\]\$|[proxy]\\nzurl_out_specs=ipc://{rundir}/{ipc_prefix}zurl-in\\nzurl_out_stream_specs=ipc://{rundir}/{ipc_prefix}zurl-in-stream\\nzurl_in_specs=ipc://{rundir}/{ipc_prefix}zurl-out|" \
      /usr/share/pushpin/pushpin.conf.condure >"$dir/pushpin.conf"
  pushpin --config "$dir/pushpin.conf" >"$dir/pushpin.out" 2>&1 &
  local pid=$!
  PIDS+=("$pid")
  wait_for "pushpin" 30 bash -c "exec 3<>/dev/tcp/127.0.0.1/$publish && exec 3<>/dev/tcp/127.0.0.1/$http"
  log "pushpin: runner pid $pid ($(pgrep -P "$pid" | tr '\n' ' '))"
  drive pushpin --subscribe-url "http://127.0.0.1:$http/stream/{channel}" --publish-port "$publish" \
    --origin-port "$origin" --cpu "pushpin=$pid" || true
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

run_nchan() {
  if [[ ! -f "$NCHAN_MODULE" ]]; then log "nchan: not installed (apt-get install -y libnginx-mod-nchan), skipped"; return; fi
  local dir="$STATE/nchan" port=$((BASE + 90))
  mkdir -p "$dir/tmp"
  cat >"$dir/nginx.conf" <<EOF
load_module $NCHAN_MODULE;
worker_processes 1;
daemon off;
user root;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
worker_rlimit_nofile 20000;
events { worker_connections 16384; }
http {
  access_log off;
  keepalive_requests 100000000;
  keepalive_timeout 600s;
  client_body_temp_path $dir/tmp;
  # Memory store (no nchan_redis_*): messages live in this nginx's shared memory only.
  nchan_shared_memory_size 256m;
  server {
    listen 127.0.0.1:$port;
    location ~ ^/sub/([A-Za-z0-9_-]+)\$ {
      nchan_subscriber eventsource;
      nchan_channel_id \$1;
      nchan_eventsource_event chunk;
    }
    location ~ ^/pub/([A-Za-z0-9_-]+)\$ {
      nchan_publisher;
      nchan_channel_id \$1;
      nchan_message_buffer_length 20;
      nchan_message_timeout 60s;
    }
  }
}
EOF
  nginx -p "$dir" -c "$dir/nginx.conf" >"$dir/nginx.out" 2>&1 &
  local pid=$!
  PIDS+=("$pid")
  wait_for "nginx" 30 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port"
  log "nchan: nginx master pid $pid, worker $(pgrep -P "$pid" | tr '\n' ' ')"
  drive nchan --subscribe-url "http://127.0.0.1:$port/sub/{channel}" --publish-port "$port" --cpu "nginx=$pid" || true
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

log "peers: servers '$SERVERS', answers $ANSWERS, $CLIENTS readers, $TOKENS tokens every $TOKEN_MS ms; load $(cut -d' ' -f1-3 /proc/loadavg)"
for server in $SERVERS; do
  case $server in
    ours) run_ours ;;
    pushpin) run_pushpin ;;
    nchan) run_nchan ;;
    *) log "unknown server $server (ours, pushpin, nchan)" ;;
  esac
done
log "done; JSON per server in $OUT"
