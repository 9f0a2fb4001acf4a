# shellcheck shell=bash
# Helpers shared by the action's steps; sourced, not run. Inputs arrive as environment variables
# (action.yml maps them with `env:`), never through `${{ }}` in a script, and nothing is `eval`ed.

# The marker that finds the sticky pull-request comment again.
# shellcheck disable=SC2034 # used by comment.sh
GOALPOST_MARKER='<!-- goalpost-scorecard -->'

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
