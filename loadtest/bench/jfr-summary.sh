#!/usr/bin/env bash
# What a JFR recording says bounds a process: hottest methods (self time), hottest project frames
# (first dev.chatstream frame on each sampled stack, i.e. where our code spends or waits for CPU),
# allocation by class and site, GC pauses and lock contention.
#   loadtest/bench/jfr-summary.sh pod-throughput.jfr
# A recording with JDK 25's CPU-time sampler on (-XX:StartFlightRecording=settings=profile,
# jdk.CPUTimeSample#enabled=true,jdk.CPUTimeSample#throttle=1ms,...) also gets its hottest methods by CPU time,
# syscalls included (the execution sampler above sees only threads running Java code).
set -euo pipefail
FILE=$1
JFR=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/jfr
echo "== $FILE"
"$JFR" view --width 160 hot-methods "$FILE" | head -28
if "$JFR" summary "$FILE" | grep -Eq 'jdk.CPUTimeSample +[1-9]'; then
  echo
  "$JFR" view --width 160 cpu-time-hot-methods "$FILE" | head -28
fi
echo
echo "Samples by first project frame (dev.chatstream.*) on the stack, top 20:"
"$JFR" print --events jdk.ExecutionSample --stack-depth 64 "$FILE" \
  | awk '/jdk.ExecutionSample/ {if (frame != "") count[frame]++; else if (seen) count["(no project frame)"]++; frame=""; seen=1; next}
         frame == "" && /dev\.chatstream\./ {sub(/^[ \t]+/, ""); sub(/line:.*/, ""); frame=$0}
         END {if (frame != "") count[frame]++; for (f in count) printf "%7d  %s\n", count[f], f}' \
  | sort -rn | head -20
echo
"$JFR" view --width 160 allocation-by-class "$FILE" | head -22
echo
"$JFR" view --width 160 allocation-by-site "$FILE" | head -22
echo
"$JFR" view --width 160 gc-pauses "$FILE" | head -14
echo
"$JFR" view --width 160 contention-by-site "$FILE" | head -14
