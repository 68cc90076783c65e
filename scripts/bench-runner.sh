#!/usr/bin/env bash
# The runner's throughput next to a raw HTTP client (docs/performance.md).
#
# Builds release binaries, starts the example shop on a free loopback port, generates a spec
# of INTENTS simple intents (one `GET shop /catalog/AB-0001` each, with three expectations),
# and then, ROUNDS times:
#   - `intent check FILE` (compile only), timed;
#   - `intent run FILE --target shop=URL --no-start --jobs JOBS --report json=…`, timed; the
#     JSON report also gives the run's own duration (executing only: no compiling, no start-up,
#     no summary);
#   - the raw client (crates/intent-runner/examples/raw_client.rs): the same number of GET
#     requests to the same URL with the same concurrency, through reqwest in a loop; then again
#     with `--json sku=AB-0001` (parsing each body and comparing one field, for reference).
# Each step is timed with bash's `time` (wall clock, and the CPU time of the process); the
# shop's CPU time during each step is read from /proc. The machine may be shared, so the
# rounds interleave the runner and the raw client, the ratios are computed per round, and the
# medians of the rounds are printed: requests per second of each, the ratio runner / raw, and
# the CPU time per request of each client and of the shop.
#
# Only loopback traffic; every step has a time limit, and the shop is stopped on exit, whatever
# happens.
#
# Settings (environment): INTENTS (10000), JOBS (2 × cores), ROUNDS (5), STEP_TIMEOUT
# (seconds per step, 300).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

INTENTS=${INTENTS:-10000}
CORES=$(nproc)
JOBS=${JOBS:-$((2 * CORES))}
ROUNDS=${ROUNDS:-5}
STEP_TIMEOUT=${STEP_TIMEOUT:-300}
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
BIN=$TARGET_DIR/release

echo "building release binaries …" >&2
cargo build --release --quiet -p intent-cli -p intent-example-shop
cargo build --release --quiet -p intent-runner --example raw_client

WORK=$(mktemp -d)
# shellcheck source=scripts/lib/shop.sh
source scripts/lib/shop.sh
cleanup() {
  stop_shop
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP PIPE

# The shop, on a free loopback port.
start_shop "$BIN" "$WORK"

# The spec: a target whose URL is overridden, and INTENTS intents of one request each.
SPEC=$WORK/throughput.intent
{
  echo 'target shop = "http://127.0.0.1:1"'
  for ((i = 1; i <= INTENTS; i++)); do
    printf '\nintent "Item AB-0001 can be read, %d" {\n' "$i"
    printf '  when GET shop /catalog/AB-0001\n'
    printf '  then status == 200\n'
    printf '  and body.sku == "AB-0001"\n'
    printf '  and duration < 1s\n'
    printf '}\n'
  done
} >"$SPEC"

TICKS=$(getconf CLK_TCK)
# The shop's CPU time so far, in clock ticks (user + system).
shop_ticks() { awk '{ print $14 + $15 }' "/proc/$SHOP_PID/stat"; }

# timed NAME CMD…: runs CMD (with a time limit) with its output in $WORK/NAME.out and
# $WORK/NAME.err, and sets WALL and CPU (seconds, CPU = user + system of CMD), SHOP_CPU (the
# shop's CPU seconds meanwhile) and STATUS.
TIMEFORMAT='%3R %3U %3S'
timed() {
  local name=$1 before after real user sys
  shift
  before=$(shop_ticks)
  { time {
    timeout "$STEP_TIMEOUT" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" \
      && echo 0 >"$WORK/$name.status" || echo $? >"$WORK/$name.status"
  }; } 2>"$WORK/$name.time"
  after=$(shop_ticks)
  read -r real user sys <"$WORK/$name.time"
  WALL=$real
  CPU=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.3f", u + s }')
  SHOP_CPU=$(awk -v a="$before" -v b="$after" -v t="$TICKS" 'BEGIN { printf "%.3f", (b - a) / t }')
  STATUS=$(cat "$WORK/$name.status")
}

calc() { awk "BEGIN { printf \"$1\", $2 }"; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { printf "%.6g\n", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "machine: $CORES cores ($(lscpu 2>/dev/null | sed -n 's/^Model name: *//p')), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "spec: $INTENTS intents, $(wc -l <"$SPEC") lines, $(wc -c <"$SPEC") bytes; shop at $URL; jobs $JOBS"

# Run from the work folder, so no intent.toml of this repository is picked up.
cd "$WORK"
declare -a check_s run_s exec_rate net_rate wall_rate raw_rate json_rate
declare -a exec_ratio net_ratio wall_ratio run_cpu raw_cpu shop_run_cpu shop_raw_cpu
for ((round = 1; round <= ROUNDS; round++)); do
  timed check "$BIN/intent" check "$SPEC"
  if [[ $STATUS -ne 0 ]]; then
    cat "$WORK/check.out" "$WORK/check.err" >&2
    echo "intent check exited with $STATUS" >&2
    exit 1
  fi
  c_wall=$WALL c_cpu=$CPU

  timed run "$BIN/intent" run "$SPEC" --target "shop=$URL" --no-start --jobs "$JOBS" \
    --report "json=$WORK/result.json"
  if [[ $STATUS -ne 0 ]]; then
    tail -20 "$WORK/run.out" >&2
    cat "$WORK/run.err" >&2
    echo "intent run exited with $STATUS (every intent should pass)" >&2
    exit 1
  fi
  r_wall=$WALL r_cpu=$CPU r_shop=$SHOP_CPU
  exec_ms=$(sed -n 's/^  "duration_ms": \([0-9.e+-]*\),\{0,1\}$/\1/p' "$WORK/result.json")
  e_wall=$(calc "%.3f" "$exec_ms / 1000")
  n_wall=$(calc "%.3f" "$r_wall - $c_wall")

  timed raw "$BIN/examples/raw_client" "$URL/catalog/AB-0001" "$INTENTS" "$JOBS"
  if [[ $STATUS -ne 0 ]]; then
    cat "$WORK/raw.out" "$WORK/raw.err" >&2
    echo "the raw client exited with $STATUS" >&2
    exit 1
  fi
  w_cpu=$CPU w_shop=$SHOP_CPU
  w_wall=$(sed -n 's/^raw client: .* \([0-9.]*\) s, .*$/\1/p' "$WORK/raw.out")

  timed json "$BIN/examples/raw_client" "$URL/catalog/AB-0001" "$INTENTS" "$JOBS" --json sku=AB-0001
  [[ $STATUS -eq 0 ]] || { cat "$WORK/json.err" >&2; echo "the raw client (JSON) exited with $STATUS" >&2; exit 1; }
  j_wall=$(sed -n 's/^raw client: .* \([0-9.]*\) s, .*$/\1/p' "$WORK/json.out")

  check_s+=("$c_wall")
  run_s+=("$r_wall")
  exec_rate+=("$(calc "%.0f" "$INTENTS / $e_wall")")
  net_rate+=("$(calc "%.0f" "$INTENTS / $n_wall")")
  wall_rate+=("$(calc "%.0f" "$INTENTS / $r_wall")")
  raw_rate+=("$(calc "%.0f" "$INTENTS / $w_wall")")
  json_rate+=("$(calc "%.0f" "$INTENTS / $j_wall")")
  # Rates of the same number of requests: their ratio is the inverse ratio of the times.
  exec_ratio+=("$(calc "%.3f" "$w_wall / $e_wall")")
  net_ratio+=("$(calc "%.3f" "$w_wall / $n_wall")")
  wall_ratio+=("$(calc "%.3f" "$w_wall / $r_wall")")
  # CPU per request, in microseconds: the runner's is that of `run` less that of `check`.
  run_cpu+=("$(calc "%.1f" "($r_cpu - $c_cpu) * 1e6 / $INTENTS")")
  raw_cpu+=("$(calc "%.1f" "$w_cpu * 1e6 / $INTENTS")")
  shop_run_cpu+=("$(calc "%.1f" "$r_shop * 1e6 / $INTENTS")")
  shop_raw_cpu+=("$(calc "%.1f" "$w_shop * 1e6 / $INTENTS")")
  echo "round $round: check ${c_wall} s; run ${r_wall} s, executing ${e_wall} s; raw client ${w_wall} s (parsing JSON ${j_wall} s); runner / raw ${exec_ratio[-1]}; CPU per request: runner ${run_cpu[-1]} µs, raw ${raw_cpu[-1]} µs, shop ${shop_run_cpu[-1]} / ${shop_raw_cpu[-1]} µs"
done

echo
echo "medians of $ROUNDS rounds; $INTENTS requests, $JOBS at once:"
echo "  intent check (compile only)                    $(median "${check_s[@]}") s"
echo "  intent run, whole command                      $(median "${run_s[@]}") s, $(median "${wall_rate[@]}") requests/s"
echo "  intent run less intent check                   $(median "${net_rate[@]}") requests/s"
echo "  intent run, executing (the report's duration)  $(median "${exec_rate[@]}") requests/s"
echo "  raw client                                     $(median "${raw_rate[@]}") requests/s"
echo "  raw client parsing JSON (for reference)        $(median "${json_rate[@]}") requests/s"
echo "  ratio runner / raw client: $(median "${exec_ratio[@]}") executing, $(median "${net_ratio[@]}") run less check, $(median "${wall_ratio[@]}") whole command (goal: at least 0.5)"
echo "  CPU per request: runner $(median "${run_cpu[@]}") µs (intent run less intent check), raw client $(median "${raw_cpu[@]}") µs; the shop $(median "${shop_run_cpu[@]}") µs serving the runner, $(median "${shop_raw_cpu[@]}") µs serving the raw client"
echo "  load average at the end: $(cut -d" " -f1-3 /proc/loadavg)"
