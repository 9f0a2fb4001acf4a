#!/usr/bin/env bash
# Step 1 of the action: where goalpost is installed and the cache key for it. The key holds the
# runner's OS and architecture, the hash of Cargo.lock and the hash of the action's source, so a
# new release (or a new commit with `uses: ./`) never reuses an old binary.
set -euo pipefail
# shellcheck source=action/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

src=${GITHUB_ACTION_PATH:?GITHUB_ACTION_PATH is not set: run this as a step of the action}

sha256() {
  if command -v sha256sum >/dev/null; then sha256sum; else shasum -a 256; fi
}

lock_hash=$(sha256 <"$src/Cargo.lock" | cut -c1-16)
source_hash=$(
  cd "$src"
  find . -type f ! -path './.git/*' ! -path './target/*' -print0 |
    LC_ALL=C sort -z |
    xargs -0 cat |
    sha256 | cut -c1-16
)
key="goalpost-${RUNNER_OS:-unknown}-${RUNNER_ARCH:-unknown}-${lock_hash}-${source_hash}"
root="${RUNNER_TOOL_CACHE:-${HOME:-/tmp}/.cache}/goalpost/${key}"
set_output key "$key"
set_output root "$root"
