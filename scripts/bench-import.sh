#!/usr/bin/env bash
# The OpenAPI import benchmark (docs/performance.md): `intent import openapi` of GitHub's REST
# description (OpenAPI 3.0.3, 8.9 MB of YAML, the benchmark data of the PyPI package
# openapi-spec-validator 0.9.0) with a release build, five times. Prints each run's wall time
# and peak memory, then the median time and the largest peak, and exits 1 if the median is
# 2 s or more or a peak is 300 MB or more. The import includes checking the spec it makes.
set -euo pipefail
cd "$(dirname "$0")/.."
cache=.tools/interop
document="$cache/openapi-spec-validator@0.9.0/openapi_spec_validator-0.9.0/tests/bench/specs/github.yaml"
if [ ! -f "$document" ]; then
  tmp=$(mktemp -d)
  pip download --quiet --no-deps --no-binary :all: -d "$tmp" "openapi-spec-validator==0.9.0" >&2
  mkdir -p "$cache/openapi-spec-validator@0.9.0"
  tar xzf "$tmp"/*.tar.gz -C "$cache/openapi-spec-validator@0.9.0"
  rm -rf "$tmp"
fi
cargo build --release -p intent-cli >&2
python3 - target/release/intent "$document" "$cache/bench.intent" <<'PY'
import statistics, subprocess, sys
binary, document, out = sys.argv[1:4]
# Each run in a fresh wrapper process, so its peak memory (ru_maxrss of the wrapper's
# children) is that run's alone.
WRAPPER = """
import resource, subprocess, sys, time
start = time.monotonic()
subprocess.run(sys.argv[1:], check=True, capture_output=True)
print(time.monotonic() - start, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""
times, peaks = [], []
for run in range(5):
    measured = subprocess.run(
        [sys.executable, "-c", WRAPPER, binary, "import", "openapi", document, "-o", out],
        check=True, capture_output=True, text=True).stdout.split()
    times.append(float(measured[0]))
    peaks.append(int(measured[1]) / 1024)
    print(f"run {run + 1}: {times[-1]:.2f} s, peak {peaks[-1]:.0f} MB")
median, largest = statistics.median(times), max(peaks)
print(f"median {median:.2f} s, largest peak {largest:.0f} MB (limits: 2 s, 300 MB)")
sys.exit(0 if median < 2 and largest < 300 else 1)
PY
