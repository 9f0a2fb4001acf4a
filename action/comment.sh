#!/usr/bin/env bash
# Step 6 of the action, on pull requests: posts the scorecard (and the diff) as ONE sticky
# comment, found again by its first line, the hidden marker, and edited in place. When the token
# cannot comment (a fork's read-only token: HTTP 403), or gh is missing, it says so with a
# `::notice` and points at the job summary, which already holds the scorecard. With
# `comment: on-change` an existing comment is edited only when the new body differs from it.
set -euo pipefail
# shellcheck source=action/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# GitHub refuses comments over 65,536 characters; bytes count at least as many.
MAX_BYTES=65000

dir=$(work_dir)
is_pull_request || exit 0
mode=$(printf '%s' "${INPUT_COMMENT:-true}" | tr '[:upper:]' '[:lower:]')
if [[ "$mode" != on-change ]]; then
  is_true "$mode" || exit 0
fi
[[ -s "$dir/scorecard.md" ]] || exit 0

if ! command -v jq >/dev/null; then
  echo "::notice title=goalpost::jq is not installed on this runner: no pull-request comment; the scorecard is in the job summary"
  exit 0
fi
repo=${GITHUB_REPOSITORY:?GITHUB_REPOSITORY is not set}
pr=$(jq -r '.pull_request.number // empty' "${GITHUB_EVENT_PATH:?GITHUB_EVENT_PATH is not set}")
[[ "$pr" =~ ^[0-9]+$ ]] || { echo "::warning title=goalpost::no pull request number in the event"; exit 0; }

# The body: the marker line, the scorecard, the diff; cut at a line when too long.
body="$dir/comment.md"
{
  printf '%s\n' "$GOALPOST_MARKER"
  cat "$dir/scorecard.md"
  if [[ -s "$dir/diff.md" ]]; then printf '\n'; cat "$dir/diff.md"; fi
} >"$body.full"
if (($(wc -c <"$body.full") > MAX_BYTES)); then
  head -c "$MAX_BYTES" "$body.full" | sed '$d' >"$body"
  run_url="${GITHUB_SERVER_URL:-https://github.com}/$repo/actions/runs/${GITHUB_RUN_ID:-}"
  printf '\n> **Note:** cut to fit a comment; the whole scorecard is in the [job summary](%s).\n' "$run_url" >>"$body"
else
  mv "$body.full" "$body"
fi

fallback() {
  local reason
  reason=$(tail -n 1 "$dir/gh.stderr" 2>/dev/null || true)
  reason=${reason:-$1}
  reason=${reason//[<>\[\]\`]/}
  echo "::notice title=goalpost::$(escape_data "Could not comment on pull request #$pr ($reason), e.g. a pull request from a fork, whose token is read-only: the scorecard is in the job summary.")"
  printf '\n> **goalpost** could not comment on this pull request (%s); the scorecard is above.\n' \
    "$(escape_data "$reason")" >>"${GITHUB_STEP_SUMMARY:-/dev/null}"
  exit 0
}

command -v gh >/dev/null || fallback "the gh CLI is not installed"
: >"$dir/gh.stderr"
gh api --paginate "repos/$repo/issues/$pr/comments" >"$dir/comments.json" 2>"$dir/gh.stderr" ||
  fallback "listing the comments failed"
id=$(jq -rn --arg m "$GOALPOST_MARKER" \
  '[inputs[] | select((.body // "") | startswith($m)) | .id] | first // empty' \
  <"$dir/comments.json" 2>"$dir/gh.stderr") || fallback "the comment list is not JSON"

if [[ -n "$id" && "$mode" == on-change ]]; then
  old=$(jq -rn --argjson id "$id" '[inputs[] | select(.id == $id) | .body] | first // empty' \
    <"$dir/comments.json" 2>"$dir/gh.stderr") || fallback "the comment list is not JSON"
  new=$(cat "$body")
  # GitHub may store line breaks as CRLF; trailing line breaks are not compared.
  if [[ "${old//$'\r'/}" == "${new//$'\r'/}" ]]; then
    url=$(jq -rn --argjson id "$id" '[inputs[] | select(.id == $id) | .html_url] | first // empty' \
      <"$dir/comments.json" 2>/dev/null || true)
    set_output comment-url "$url"
    echo "goalpost scorecard: unchanged, comment $id left as it is (comment: on-change)"
    exit 0
  fi
fi

jq -Rs '{body: .}' <"$body" >"$dir/request.json"
if [[ -n "$id" ]]; then
  gh api --method PATCH "repos/$repo/issues/comments/$id" --input - \
    <"$dir/request.json" >"$dir/response.json" 2>"$dir/gh.stderr" || fallback "editing the comment failed"
else
  gh api --method POST "repos/$repo/issues/$pr/comments" --input - \
    <"$dir/request.json" >"$dir/response.json" 2>"$dir/gh.stderr" || fallback "posting the comment failed"
fi
url=$(jq -r '.html_url // empty' <"$dir/response.json" 2>/dev/null || true)
set_output comment-url "$url"
echo "goalpost scorecard: ${url:-comment $([[ -n "$id" ]] && echo "$id edited" || echo posted)}"
