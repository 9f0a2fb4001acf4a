# shellcheck shell=bash
# Helpers shared by the action's steps; sourced, not run. Inputs arrive as environment variables
# (action.yml maps them with `env:`), never through `${{ }}` in a script, and nothing is `eval`ed.

# The marker that finds the sticky pull-request comment again.
# shellcheck disable=SC2034 # used by comment.sh
GOALPOST_MARKER='<!-- goalpost-scorecard -->'

# What the binary is built from, relative to the action's root: the cache key hashes these
# (prepare.sh), and nothing else. Every file that src/ embeds with `include_str!` is here
# (tests/it/install.rs checks); README, docs, tests and these scripts are not.
# shellcheck disable=SC2034 # used by prepare.sh
BUILD_INPUTS=(Cargo.toml Cargo.lock src templates specs examples/starter .github/workflows/goalpost.yml)

# The SHA-256 command: sha256sum (Linux, Git Bash on Windows) or shasum (macOS). Same output.
if command -v sha256sum >/dev/null; then SHA256=(sha256sum); else SHA256=(shasum -a 256); fi

# manifest_value CARGO_TOML KEY: a string value of the manifest's [package] table (`version`,
# `repository`), read without a TOML parser: the line `KEY = "VALUE"`.
manifest_value() {
  awk -v key="$2" '
    /^[ \t]*\[/ { section = $0; sub(/[ \t]*(#.*)?$/, "", section); next }
    section == "[package]" && match($0, "^" key "[ \t]*=[ \t]*\"[^\"]*\"") {
      value = substr($0, RSTART, RLENGTH)
      sub(/^[^"]*"/, "", value)
      sub(/"$/, "", value)
      print value
      found = 1
      exit
    }
    END { exit found ? 0 : 1 }
  ' "$1"
}

# work_dir: where the action keeps its files for this job (scorecard, diff, comment body).
work_dir() {
  local dir="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/goalpost"
  mkdir -p "$dir"
  printf '%s\n' "$dir"
}

# is_true VALUE: whether an input says yes (true, yes, 1; any case).
is_true() {
  case "$(printf '%s' "$1" | tr '[:upper:]' '[:lower:]')" in
    true | yes | 1 | on) return 0 ;;
    *) return 1 ;;
  esac
}

# is_pull_request: whether the workflow runs for a pull request.
is_pull_request() {
  case "${GITHUB_EVENT_NAME:-}" in
    pull_request | pull_request_target) return 0 ;;
    *) return 1 ;;
  esac
}

# escape_data TEXT: a workflow command's message, escaped as GitHub's toolkit does, so that text
# from elsewhere (an error message) cannot end the command or start another.
escape_data() {
  local s=$1
  s=${s//'%'/'%25'}
  s=${s//$'\r'/'%0D'}
  s=${s//$'\n'/'%0A'}
  printf '%s' "$s"
}

# set_output NAME VALUE: a step output (values here are numbers, paths and URLs: one line).
set_output() {
  printf '%s=%s\n' "$1" "${2//$'\n'/ }" >>"${GITHUB_OUTPUT:-/dev/null}"
}

# print_inert FILE: the file's lines in the log with workflow commands switched off, so text that
# goalpost quotes from the goal file or the exports cannot act as `::error::` or `::add-mask::`.
print_inert() {
  [[ -s "$1" ]] || return 0
  local token
  token="goalpost-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
  printf '::stop-commands::%s\n' "$token"
  cat "$1"
  [[ -z "$(tail -c 1 "$1")" ]] || printf '\n'
  printf '::%s::\n' "$token"
}

# run_goalpost OUT ERR ARGS...: goalpost with stdout and stderr in files; prints the exit code.
run_goalpost() {
  local out=$1 err=$2
  shift 2
  local code=0
  goalpost "$@" >"$out" 2>"$err" || code=$?
  printf '%s\n' "$code"
}
