#!/usr/bin/env bash
# Step 3 of the action: puts goalpost on PATH, the quickest way that is safe:
#
# 1. The cache (actions/cache, restored in step 2) already holds it: use it.
# 2. The action runs at a release tag — its ref is `v<version>`, the version of its own
#    Cargo.toml: download that release's archive for this runner's OS and architecture, check
#    its SHA-256 against the release's checksum file, unpack it into the cached root.
# 3. Otherwise build it from the action's own source with `cargo install --locked`: for a
#    branch, a commit SHA or `uses: ./` (their source is not a release), a runner without a
#    release binary, or a download that fails (a release whose assets are still being built
#    answers HTTP 404). The log says which, and why.
#
# A checksum that does not match is an error, never a reason to build instead.
# Downloads come from `<repository>/releases/download/<tag>/`, `repository` being the URL in the
# action's Cargo.toml; GOALPOST_RELEASE_BASE_URL replaces `<repository>/releases/download` (a
# mirror; the tests' local server).
set -euo pipefail
# shellcheck source=action/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

src=${GITHUB_ACTION_PATH:?GITHUB_ACTION_PATH is not set: run this as a step of the action}
root=${GOALPOST_ROOT:?GOALPOST_ROOT is not set}
exe=""
if [[ "${RUNNER_OS:-}" == Windows ]]; then exe=.exe; fi
bin="$root/bin/goalpost$exe"
dir=$(work_dir)

# target_triple: the release target for this runner, or fails when there is none.
target_triple() {
  case "${RUNNER_OS:-}/${RUNNER_ARCH:-}" in
    Linux/X64) echo x86_64-unknown-linux-musl ;;
    Linux/ARM64) echo aarch64-unknown-linux-musl ;;
    macOS/X64) echo x86_64-apple-darwin ;;
    macOS/ARM64) echo aarch64-apple-darwin ;;
    Windows/X64) echo x86_64-pc-windows-msvc ;;
    *) return 1 ;;
  esac
}

# fetch URL FILE: downloads with curl (or wget); on failure sets `why` and fails.
fetch() {
  local url=$1 out=$2 code
  if command -v curl >/dev/null; then
    if ! code=$(curl --silent --show-error --location --retry 3 --connect-timeout 20 \
      --max-time 300 --output "$out" --write-out '%{http_code}' "$url" 2>"$dir/fetch.stderr"); then
      why="$url: $(tail -n 1 "$dir/fetch.stderr")"
      return 1
    fi
    if [[ "$code" != 200 ]]; then
      why="$url: HTTP $code"
      return 1
    fi
  elif command -v wget >/dev/null; then
    if ! wget --quiet --tries=3 --timeout=20 --output-document="$out" "$url" 2>"$dir/fetch.stderr"; then
      why="$url: wget failed (a 404 or no connection)"
      return 1
    fi
  else
    why="neither curl nor wget is installed"
    return 1
  fi
}

# install_release: downloads, verifies and unpacks the release binary into the root. Fails with
# `why` set when it cannot (the caller builds from source); exits on a checksum mismatch. It is
# called as a condition, where `set -e` does not apply: every command is checked.
install_release() {
  local base name asset sums expected actual unpacked
  base=${GOALPOST_RELEASE_BASE_URL:-$repository/releases/download}
  base="${base%/}/$tag"
  name="goalpost-$tag-$target"
  if [[ "$target" == *-windows-* ]]; then asset="$name.zip"; else asset="$name.tar.gz"; fi
  sums="goalpost-$tag-sha256.txt"
  url="$base/$asset"
  if ! { rm -rf "$dir/release" && mkdir -p "$dir/release/unpacked"; }; then
    why="cannot write $dir/release"
    return 1
  fi
  fetch "$base/$sums" "$dir/release/$sums" || return 1
  fetch "$url" "$dir/release/$asset" || return 1

  expected=$(awk -v a="$asset" '$2 == a || $2 == "*" a { print $1; exit }' "$dir/release/$sums")
  actual=$("${SHA256[@]}" "$dir/release/$asset" | cut -d' ' -f1)
  if [[ -z "$expected" ]]; then
    echo "::error title=goalpost::$(escape_data "$sums of the $tag release has no line for $asset: not installing an unverified binary")"
    exit 2
  fi
  if [[ "$actual" != "$expected" ]]; then
    echo "::error title=goalpost::$(escape_data "the SHA-256 of $asset is $actual, but $sums says $expected: the download is damaged or not the release's; not installing it")"
    exit 2
  fi
  echo "goalpost: $asset matches its SHA-256 in $sums ($actual)"

  if [[ "$asset" == *.zip ]]; then
    if command -v unzip >/dev/null; then
      unzip -q "$dir/release/$asset" -d "$dir/release/unpacked" || { why="unzip failed on $asset"; return 1; }
    elif command -v 7z >/dev/null; then
      7z x -y "-o$dir/release/unpacked" "$dir/release/$asset" >/dev/null || { why="7z failed on $asset"; return 1; }
    else
      why="neither unzip nor 7z is installed to unpack $asset"
      return 1
    fi
  else
    tar -xzf "$dir/release/$asset" -C "$dir/release/unpacked" || { why="tar failed on $asset"; return 1; }
  fi
  unpacked="$dir/release/unpacked/$name/goalpost$exe"
  if [[ ! -f "$unpacked" ]]; then
    echo "::error title=goalpost::$(escape_data "$asset has no $name/goalpost$exe")"
    exit 2
  fi
  if ! { mkdir -p "$root/bin" && mv -f "$unpacked" "$bin" && chmod +x "$bin"; }; then
    why="cannot install into $root/bin"
    return 1
  fi
  if ! "$bin" --version >/dev/null 2>&1; then
    rm -f "$bin"
    why="the downloaded goalpost$exe does not run on this runner"
    return 1
  fi
}

build_from_source() {
  if ! command -v cargo >/dev/null; then
    echo "::error title=goalpost::$(escape_data "cargo is not installed on this runner, and goalpost must be built from source: add a Rust toolchain step (e.g. dtolnay/rust-toolchain@stable) before goalpost, or use the action at a release tag (${repository#https://github.com/}@$tag), which downloads a binary")"
    exit 2
  fi
  cargo install --locked --path "$src" --root "$root"
}

if [[ -x "$bin" ]] && "$bin" --version >/dev/null 2>&1; then
  echo "goalpost is cached: $("$bin" --version)"
else
  version=$(manifest_value "$src/Cargo.toml" version)
  repository=$(manifest_value "$src/Cargo.toml" repository)
  tag="v$version"
  # github.action_ref, passed by action.yml: GITHUB_ACTION_REF is empty in a composite
  # action's steps (actions/runner#2473).
  ref=${GOALPOST_ACTION_REF:-${GITHUB_ACTION_REF:-}}
  why=""
  url=""
  if [[ "$ref" != "$tag" ]]; then
    echo "goalpost: building from source: the action's ref (${ref:-none, a local action}) is not the release tag $tag"
    build_from_source
  elif ! target=$(target_triple); then
    echo "goalpost: building from source: the $tag release has no binary for ${RUNNER_OS:-this OS} on ${RUNNER_ARCH:-this architecture}"
    build_from_source
  elif install_release; then
    echo "goalpost: installed the $tag release binary ($url): $("$bin" --version)"
  else
    echo "::warning title=goalpost::$(escape_data "could not download the $tag release binary ($why): building goalpost from source instead, which takes several minutes")"
    build_from_source
  fi
fi
printf '%s\n' "$root/bin" >>"${GITHUB_PATH:-/dev/null}"
