#!/usr/bin/env bash
# Step 5 of the action, on pull requests: `goalpost diff` of the goal file against the base
# branch, as Markdown for the comment and the job summary. A diff that cannot run is a warning:
# the scorecard is still posted and the check still decides the job.
set -euo pipefail
# shellcheck source=action/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

dir=$(work_dir)
rm -f "$dir/diff.md"
is_pull_request || exit 0
base=${GITHUB_BASE_REF:?GITHUB_BASE_REF is not set on a pull request event}

if ! git rev-parse --verify --quiet "refs/remotes/origin/$base" >/dev/null; then
  git fetch --no-tags --depth=1 origin "+refs/heads/$base:refs/remotes/origin/$base" \
    >"$dir/fetch.log" 2>&1 || true
fi
code=$(run_goalpost "$dir/diff.out" "$dir/diff.stderr" \
  diff "${INPUT_FILE:-goals.yaml}" --base "origin/$base" -f markdown)
if [[ "$code" == 0 || "$code" == 1 ]] && [[ -s "$dir/diff.out" ]]; then
  mv "$dir/diff.out" "$dir/diff.md"
  { printf '\n'; cat "$dir/diff.md"; } >>"${GITHUB_STEP_SUMMARY:-/dev/null}"
else
  echo "::warning title=goalpost diff::goalpost diff could not compare the goals with the base branch (exit $code); the scorecard is posted without it"
  print_inert "$dir/fetch.log"
  print_inert "$dir/diff.stderr"
fi
