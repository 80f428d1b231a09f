#!/usr/bin/env python3
"""Worker-side time to first token over one run, from the workers' chat_ttft_seconds histograms
(request timestamp set by the pod on accept -> first chunk published by the worker).

  loadtest/bench/worker-ttft.py snap FILE PORT...   # before the run: bucket counts of these workers' /metrics
  loadtest/bench/worker-ttft.py diff FILE PORT...   # after: p50 / p99 / max of the run (bucket upper bounds)
"""
import json
import re
import sys
import urllib.request


def snap(ports):
    buckets = {}
    for port in ports:
        text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics").read().decode()
        for line in text.splitlines():
            m = re.match(r'chat_ttft_seconds_bucket\{.*le="([^"]+)"\} (\S+)', line)
            if m:
                le = float("inf") if m.group(1) == "+Inf" else float(m.group(1))
                buckets[le] = buckets.get(le, 0) + float(m.group(2))
    return buckets


def main(mode, path, ports):
    if mode == "snap":
        json.dump({str(k): v for k, v in snap(ports).items()}, open(path, "w"))
        return
    before = {float(k): v for k, v in json.load(open(path)).items()}
    after = snap(ports)
    run = [(le, after[le] - before.get(le, 0)) for le in sorted(after)]
    n = run[-1][1]

    def upper(p):
        return next(le for le, c in run if c >= p * n)

    print(f"worker-side TTFT, n={int(n)}: p50 <= {upper(0.5) * 1000:.0f} ms, p99 <= {upper(0.99) * 1000:.0f} ms, "
          f"max <= {upper(1.0) * 1000:.0f} ms")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
