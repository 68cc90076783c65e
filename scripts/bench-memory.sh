#!/usr/bin/env bash
# Peak memory and time of `intent check` and `intent fmt --check` on generated specs of many
# small intents, as a multiple of the input's size (docs/performance.md, "Memory"). Each run is
# its own process, measured by GNU time (`%M`, the peak resident set, and `%e`, wall time).
# Two sizes show whether time and memory grow linearly: the per-byte figures of both sizes are
# printed side by side. Exits 1 when a peak is over LIMIT times the input (30 unless given).
#
#   scripts/bench-memory.sh                 # 50,000 and 200,000 intents
#   scripts/bench-memory.sh 200000 1000000  # other sizes
#
# Needs GNU time at /usr/bin/time (Debian's `time` package) and builds `intent` in release.
set -euo pipefail
cd "$(dirname "$0")/.."
limit="${LIMIT:-30}"
sizes=("$@")
if [[ ${#sizes[@]} -eq 0 ]]; then
    sizes=(50000 200000)
fi
[[ -x /usr/bin/time ]] || {
    echo "GNU time is needed at /usr/bin/time (apt-get install time)" >&2
    exit 2
}
cargo build --release --quiet -p intent-cli
intent="$PWD/target/release/intent"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# generate N FILE: a target, a type and N small intents (one request, two checks each), the
# shape of a large generated suite.
generate() {
    awk -v n="$1" 'BEGIN {
        print "target shop = \"http://127.0.0.1:9\""
        print "type Health { ok: bool }"
        for (i = 1; i <= n; i++) {
            printf "intent \"health %d\" {\n  when GET shop \"/h/%d\"\n  then status == 200\n}\n", i, i
        }
    }' >"$2"
}

over=0
printf '%-10s %-14s %10s %10s %8s %10s %12s\n' intents command input peak "x input" seconds "us/intent"
for n in "${sizes[@]}"; do
    spec="$work/suite_$n.intent"
    generate "$n" "$spec"
    bytes=$(stat -c %s "$spec")
    for command in check "fmt --check"; do
        # shellcheck disable=SC2086 # the command is two words on purpose
        /usr/bin/time -f '%M %e' -o "$work/time" "$intent" $command "$spec" >/dev/null 2>&1 || true
        read -r kb seconds <"$work/time"
        ratio=$(awk -v kb="$kb" -v b="$bytes" 'BEGIN { printf "%.1f", kb * 1024 / b }')
        per=$(awk -v s="$seconds" -v n="$n" 'BEGIN { printf "%.2f", s * 1e6 / n }')
        printf '%-10s %-14s %9.1fM %9.1fM %8s %10s %12s\n' "$n" "$command" \
            "$(awk -v b="$bytes" 'BEGIN { print b / 1048576 }')" \
            "$(awk -v kb="$kb" 'BEGIN { print kb / 1024 }')" "$ratio" "$seconds" "$per"
        if awk -v r="$ratio" -v l="$limit" 'BEGIN { exit !(r > l) }'; then
            over=1
        fi
    done
done
if [[ $over -ne 0 ]]; then
    echo "a peak is over ${limit}x the input" >&2
    exit 1
fi
