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

# The memory of the last run: the directory actions/cache restores before `check` and saves
# after it, one per goal file (a monorepo may run the action for several), and whether this run
# keeps its result there (on schedules and on the default branch; pull requests only read the
# default branch's). A cache key cannot be overwritten, so each run saves under its own key and
# the next one restores the newest by prefix.
slot=$(printf '%s\n%s\n' "${INPUT_WORKING_DIRECTORY:-.}" "${INPUT_FILE:-goals.yaml}" |
  "${SHA256[@]}" | cut -c1-12)
prefix="goalpost-last-run-${RUNNER_OS:-unknown}-${slot}-"
remember=false
case "${GITHUB_EVENT_NAME:-}" in
  schedule) remember=true ;;
  pull_request | pull_request_target) ;;
  *)
    if [[ -n "${GOALPOST_DEFAULT_BRANCH:-}" && "${GITHUB_REF:-}" == "refs/heads/$GOALPOST_DEFAULT_BRANCH" ]]; then
      remember=true
    fi
    ;;
esac
set_output memory "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/goalpost-memory/${slot}"
set_output memory-prefix "$prefix"
set_output memory-key "${prefix}${GITHUB_RUN_ID:-0}-${GITHUB_RUN_ATTEMPT:-1}"
set_output remember "$remember"
