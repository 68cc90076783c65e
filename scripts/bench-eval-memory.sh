#!/usr/bin/env bash
# Peak memory and rate of an evaluation over a large dataset (docs/performance.md, "Memory"):
# generates ROWS rows of JSON Lines (1,000,000 unless given), starts the example shop (release
# build) on loopback, runs `intent run` on one evaluation over the rows under GNU time, and
# prints the peak resident set, the wall time and the cases per second. Exits 1 when the peak
# is over LIMIT_MB (64 unless given): the dataset must be streamed, not read whole.
#
#   scripts/bench-eval-memory.sh            # 1,000,000 rows, --jobs 8
#   scripts/bench-eval-memory.sh 100000 2   # 100,000 rows, --jobs 2
set -euo pipefail
cd "$(dirname "$0")/.."
rows="${1:-1000000}"
jobs="${2:-8}"
limit_mb="${LIMIT_MB:-64}"
[[ -x /usr/bin/time ]] || {
    echo "GNU time is needed at /usr/bin/time (apt-get install time)" >&2
    exit 2
}
cargo build --release --quiet -p intent-cli -p intent-example-shop
work="$(mktemp -d)"
shop_pid=""
cleanup() {
    [[ -n "$shop_pid" ]] && kill "$shop_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/data"
# Every third row expects another team than the shop answers, so classification is measured.
awk -v n="$rows" 'BEGIN {
    split("billing shipping returns", team, " ")
    q["billing"] = "I was charged twice, can I get a refund?"
    q["shipping"] = "Where is my parcel?"
    q["returns"] = "How do I return an item?"
    for (i = 0; i < n; i++) {
        t = team[i % 3 + 1]
        printf "{\"question\": \"%s #%d\", \"answer\": \"x\", \"team\": \"%s\"}\n", q[t], i, t
    }
}' >"$work/data/rows.jsonl"
echo 'specs = ["eval.intent"]' >"$work/intent.toml"
cat >"$work/eval.intent" <<'EOF'
target shop = env("SHOP_URL", "http://127.0.0.1:8080")

dataset rows = "data/rows.jsonl" {
  question: string
  answer: string
  team: "billing" | "shipping" | "returns"
}

evaluate "Every question is routed" over rows as case {
  when POST shop /support/answer
    json { question: case.question }
  then status == 200
  classify body.team against case.team
  expect accuracy >= 0%
  expect p95(duration) < 2s
}
EOF

target/release/shop 127.0.0.1:0 >"$work/shop.log" 2>&1 &
shop_pid=$!
url=""
for _ in $(seq 100); do
    url=$(grep -oE 'http://[0-9.:]+' "$work/shop.log" | head -1 || true)
    [[ -n "$url" ]] && break
    sleep 0.1
done
[[ -n "$url" ]] || {
    echo "the example shop did not start" >&2
    exit 2
}

/usr/bin/time -f '%M %e' -o "$work/time" target/release/intent run "$work/eval.intent" \
    --target "shop=$url" --jobs "$jobs" >"$work/out" 2>&1 || true
read -r kb seconds <"$work/time"
grep -E 'count = ' "$work/out" | head -1 || {
    cat "$work/out" >&2
    exit 2
}
awk -v kb="$kb" -v s="$seconds" -v n="$rows" -v mb="$(du -m "$work/data/rows.jsonl" | cut -f1)" 'BEGIN {
    printf "rows %d (%d MB) · peak %.1f MB · %.1f s · %.0f cases/s\n", n, mb, kb / 1024, s, n / s
}'
if (( kb / 1024 > limit_mb )); then
    echo "the peak is over ${limit_mb} MB" >&2
    exit 1
fi
