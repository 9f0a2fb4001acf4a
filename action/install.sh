#!/usr/bin/env bash
# Step 3 of the action: builds goalpost from the action's own source with `cargo install
# --locked` into the cached root (skipped when the cache already holds it), and puts it on PATH.
set -euo pipefail

src=${GITHUB_ACTION_PATH:?GITHUB_ACTION_PATH is not set: run this as a step of the action}
root=${GOALPOST_ROOT:?GOALPOST_ROOT is not set}

if [[ -x "$root/bin/goalpost" ]] && "$root/bin/goalpost" --version >/dev/null 2>&1; then
  echo "goalpost is cached: $("$root/bin/goalpost" --version)"
else
  if ! command -v cargo >/dev/null; then
    echo "::error title=goalpost::cargo is not installed on this runner: add a Rust toolchain step (e.g. dtolnay/rust-toolchain@stable) before goalpost"
    exit 2
  fi
  cargo install --locked --path "$src" --root "$root"
fi
printf '%s\n' "$root/bin" >>"${GITHUB_PATH:-/dev/null}"
