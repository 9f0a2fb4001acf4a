#!/usr/bin/env bash
# Seeds each fuzz target's corpus (fuzz/corpus/TARGET, git-ignored) from the project's own
# inputs, so that a short run starts from real goal files, exports and templates instead of
# from nothing. Idempotent: a file is copied under its SHA-256, so re-seeding adds nothing twice.
set -euo pipefail
cd "$(dirname "$0")/.."

seed() {
  local target=$1
  shift
  mkdir -p "fuzz/corpus/$target"
  local file sum
  for file in "$@"; do
    [[ -f "$file" ]] || continue
    sum=$(sha256sum "$file" | cut -c1-16)
    cp "$file" "fuzz/corpus/$target/seed-$sum"
  done
}

shopt -s nullglob globstar
seed goal_file tests/fixtures/**/*.yaml examples/*/goals.yaml tests/diff/*.yaml
seed diff tests/diff/*.yaml examples/*/goals.yaml
seed csv tests/eval/*/*.csv tests/eval/*/*.tsv examples/*/data/*.csv
seed json tests/eval/*/*.json tests/eval/*/*.ndjson
seed template templates/*.j2 benches/peer/*.j2
echo "seeded: $(for t in fuzz/corpus/*/; do printf '%s %s  ' "$(basename "$t")" "$(find "$t" -type f | wc -l)"; done)"
