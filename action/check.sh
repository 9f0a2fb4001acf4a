#!/usr/bin/env bash
# Step 4 of the action: `goalpost check` with annotations on stdout (-f github); goalpost itself
# appends the Markdown scorecard to the job summary and its counts to the step outputs. The
# text scorecard and any diagnostics are printed with workflow commands switched off. The step
# always succeeds: the last step fails the job from `exit-code`, after the comment is posted.
set -euo pipefail
# shellcheck source=action/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

dir=$(work_dir)
args=(check "${INPUT_FILE:-goals.yaml}" -f github
  -o "markdown:$dir/scorecard.md" -o "text:$dir/scorecard.txt")
if [[ -n "${INPUT_AS_OF:-}" ]]; then args+=(--as-of "$INPUT_AS_OF"); fi
if [[ -n "${INPUT_FAIL_ON:-}" ]]; then args+=(--fail-on "$INPUT_FAIL_ON"); fi
if [[ -n "${INPUT_TEMPLATE:-}" ]]; then args+=(--template "$INPUT_TEMPLATE"); fi
# Extra arguments: split on white space (no quotes, globs or variables are interpreted).
extra=()
read -ra extra -d '' <<<"${INPUT_ARGS:-}" || true
args+=(${extra[@]+"${extra[@]}"})

rm -f "$dir/scorecard.md" "$dir/scorecard.txt"
code=$(run_goalpost "$dir/annotations" "$dir/check.stderr" "${args[@]}")
cat "$dir/annotations"
print_inert "$dir/scorecard.txt"
print_inert "$dir/check.stderr"
set_output exit-code "$code"
