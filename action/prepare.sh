#!/usr/bin/env bash
# Step 1 of the action: where goalpost is installed and the cache key for it. The key holds the
# runner's OS and architecture, the version, and the hash of what the binary is built from —
# Cargo.toml, Cargo.lock, src/, templates/, specs/ and the files `goalpost init` embeds — so a
# new release or commit with other sources never reuses an old binary, and one that only
# changes docs, tests or the action's scripts keeps the cached one.
set -euo pipefail
# shellcheck source=action/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

src=${GITHUB_ACTION_PATH:?GITHUB_ACTION_PATH is not set: run this as a step of the action}

version=$(manifest_value "$src/Cargo.toml" version)
inputs=()
for path in "${BUILD_INPUTS[@]}"; do
  if [[ -e "$src/$path" ]]; then inputs+=("$path"); fi
done
# Names and contents: a renamed file changes the key too.
source_hash=$(
  cd "$src"
  find "${inputs[@]}" -type f -print0 |
    LC_ALL=C sort -z |
    xargs -0 "${SHA256[@]}" |
    "${SHA256[@]}" | cut -c1-16
)
key="goalpost-${RUNNER_OS:-unknown}-${RUNNER_ARCH:-unknown}-v${version}-${source_hash}"
root="${RUNNER_TOOL_CACHE:-${HOME:-/tmp}/.cache}/goalpost/${key}"
set_output key "$key"
set_output root "$root"
