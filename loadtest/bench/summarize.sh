#!/usr/bin/env bash
# Prints the markdown tables of docs/benchmarks.md from a run-benchmarks.sh output directory.
#   loadtest/bench/summarize.sh loadtest/target/bench
set -euo pipefail
OUT=${1:-loadtest/target/bench}
f2() { jq -r "$1" "$2"; }

shopt -s nullglob
tput=("$OUT"/throughput-*.json)
if (( ${#tput[@]} )); then
  echo "### Throughput sweep (DEMO_TOKEN_DELAY_MS=0, 100 chunks per message)"
  echo
  echo "| offered chunks/s | delivered chunks/s | lost / dup / out of order | raw NATS max msgs/s (same run) | ratio | pipeline p50 / p99 / p99.9 ms | CPU cores (loadtest, pod, worker, nats) |"
  echo "|---|---|---|---|---|---|---|"
  for f in $(ls "$OUT"/throughput-*.json | sort -t- -k2 -n); do
    jq -r '"| \(.config.expected_chunks_per_s|floor) | \(.delivered_chunks_per_s|floor) | \(.correctness.lost_chunks) / \(.correctness.duplicate_chunks) / \(.correctness.out_of_order_chunks) | \(.nats_baseline.max_msgs_per_s|floor) | \(.ratios_to_nats.throughput) | \(.pipeline.p50_ms) / \(.pipeline.p99_ms) / \(.pipeline.p999_ms) | \(.cpu_cores_used.loadtest) / \(.cpu_cores_used["pod-1"]) / \(.cpu_cores_used["worker-1"]) / \(.cpu_cores_used.nats) |"' "$f"
  done
  echo
fi
lat=("$OUT"/latency-*.json)
if (( ${#lat[@]} )); then
  echo "### Per-chunk pipeline latency at fixed rates (DEMO_TOKEN_DELAY_MS=10), raw NATS at the same rate"
  echo
  echo "| chunks/s (delivered) | ours p50 / p99 / p99.9 ms | raw NATS p50 / p99 / p99.9 ms | ratio p50 / p99 / p99.9 | lost | CPU cores (loadtest, pod, worker, nats) |"
  echo "|---|---|---|---|---|---|"
  for f in $(ls "$OUT"/latency-*.json | sort -t- -k2 -n); do
    jq -r '"| \(.config.expected_chunks_per_s|floor) (\(.delivered_chunks_per_s|floor)) | \(.pipeline.p50_ms) / \(.pipeline.p99_ms) / \(.pipeline.p999_ms) | \(.nats_baseline.latency_at_rates[0].latency.p50_ms) / \(.nats_baseline.latency_at_rates[0].latency.p99_ms) / \(.nats_baseline.latency_at_rates[0].latency.p999_ms) | \(.ratios_to_nats.pipeline_p50) / \(.ratios_to_nats.pipeline_p99) / \(.ratios_to_nats.pipeline_p999) | \(.correctness.lost_chunks) | \(.cpu_cores_used.loadtest) / \(.cpu_cores_used["pod-1"]) / \(.cpu_cores_used["worker-1"]) / \(.cpu_cores_used.nats) |"' "$f"
  done
  echo
fi
ttft=("$OUT"/ttft-*.json)
if (( ${#ttft[@]} )); then
  echo "### Time to first token (DEMO_TOKEN_DELAY_MS=0, 100 messages/s)"
  echo
  echo "| run | TTFT p50 / p99 / p99.9 / max ms | POST p50 / p99 ms | pipeline p50 / p99 ms | lost |"
  echo "|---|---|---|---|---|"
  for f in "${ttft[@]}"; do
    jq -r '"| \(.label) | \(.ttft.p50_ms) / \(.ttft.p99_ms) / \(.ttft.p999_ms) / \(.ttft.max_ms) | \(.post.p50_ms) / \(.post.p99_ms) | \(.pipeline.p50_ms) / \(.pipeline.p99_ms) | \(.correctness.lost_chunks) |"' "$f"
  done
  echo
fi
scale=("$OUT"/scale-*.json)
if (( ${#scale[@]} )); then
  echo "### Connections on one pod"
  echo
  echo "| streams (opened) | HTTP | pod RSS before → after (MiB, after full GC) | KiB per stream | open time s | last client first / final chunk ms | fan-out p50 first chunk ms | lost |"
  echo "|---|---|---|---|---|---|---|---|"
  for f in $(ls "$OUT"/scale-*.json | sort -t- -k2,2 -k3n); do
    jq -r '"| \(.connections_requested) (\(.connections_opened)) | \(.http_version // "HTTP/1.1") | \(.pod_rss_before_bytes/1048576|floor) → \(.pod_rss_after_bytes/1048576|floor) | \((.pod_bytes_per_connection/1024*100|floor)/100) | \(.open_seconds) | \(.last_client_first_chunk_ms|floor) / \(.last_client_final_chunk_ms|floor) | \(.fanout_first_chunk.p50_ms) | \(.lost_chunks) |"' "$f"
  done
  echo
fi
if [[ -f "$OUT/jmh.json" ]]; then
  echo "### JMH (fork 1, 2×1 s warm-up, 3×1 s measurement; ns/op, lower is better)"
  echo
  echo "| benchmark | params | ns/op | ± error |"
  echo "|---|---|---|---|"
  jq -r '.[] | "| \(.benchmark | sub("dev.chatstream.loadtest.bench."; "")) | \(.params // {} | to_entries | map("\(.key)=\(.value)") | join(", ")) | \(.primaryMetric.score * 10 | floor / 10) | \(.primaryMetric.scoreError * 10 | floor / 10) |"' "$OUT/jmh.json"
  echo
fi
