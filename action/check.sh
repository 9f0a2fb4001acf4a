#!/usr/bin/env bash
# Step 4 of the action: `goalpost check` with annotations on stdout (-f github); goalpost itself
# appends the Markdown scorecard to the job summary and its counts to the step outputs. The
# text scorecard and any diagnostics are printed with workflow commands switched off. The step
# always succeeds: the last step fails the job from `exit-code`, after the comment is posted.
#
# The memory (GOALPOST_MEMORY, restored by actions/cache): the last remembered run's JSON is
# passed as `--since`, so the scorecard, the job summary and the comment open with what changed;
# when this run is remembered (GOALPOST_REMEMBER: schedules, the default branch) its JSON
# replaces it for the next run. Slack and Teams messages are written when a webhook is set.
set -euo pipefail
# shellcheck source=action/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

dir=$(work_dir)
args=(check "${INPUT_FILE:-goals.yaml}" -f github
  -o "markdown:$dir/scorecard.md" -o "text:$dir/scorecard.txt")
if [[ -n "${INPUT_AS_OF:-}" ]]; then args+=(--as-of "$INPUT_AS_OF"); fi
if [[ -n "${INPUT_FAIL_ON:-}" ]]; then args+=(--fail-on "$INPUT_FAIL_ON"); fi
if [[ -n "${INPUT_TEMPLATE:-}" ]]; then args+=(--template "$INPUT_TEMPLATE"); fi
memory=${GOALPOST_MEMORY:-}
previous=""
if [[ -n "$memory" && -s "$memory/last-run.json" ]]; then
  previous="$memory/last-run.json"
  args+=(--since "$previous")
  if is_true "${INPUT_FAIL_ON_SLIP:-false}"; then args+=(--fail-on-slip); fi
fi
args+=(-o "json:$dir/report.json")
if is_true "${WANT_SLACK:-false}"; then args+=(-o "slack:$dir/slack.json"); fi
if is_true "${WANT_TEAMS:-false}"; then args+=(-o "teams:$dir/teams.json"); fi
# Extra arguments: split on white space (no quotes, globs or variables are interpreted).
extra=()
read -ra extra -d '' <<<"${INPUT_ARGS:-}" || true
args+=(${extra[@]+"${extra[@]}"})

rm -f "$dir/scorecard.md" "$dir/scorecard.txt" "$dir/report.json" "$dir/slack.json" "$dir/teams.json"
code=$(run_goalpost "$dir/annotations" "$dir/check.stderr" "${args[@]}")
cat "$dir/annotations"
print_inert "$dir/scorecard.txt"
print_inert "$dir/check.stderr"
set_output exit-code "$code"

if [[ -n "$memory" ]] && is_true "${GOALPOST_REMEMBER:-false}"; then
  if [[ "$code" != 2 && -s "$dir/report.json" ]]; then
    mkdir -p "$memory"
    cp "$dir/report.json" "$memory/last-run.json.tmp"
    mv "$memory/last-run.json.tmp" "$memory/last-run.json"
    if [[ -z "$previous" ]]; then
      echo "::notice title=goalpost::No earlier run is remembered yet: this run's result is kept, and the next run reports what changed since it."
    fi
  fi
elif [[ -z "$previous" && -n "$memory" ]]; then
  echo "goalpost: no remembered run to compare with (runs on schedules and on the default branch are remembered)"
fi
