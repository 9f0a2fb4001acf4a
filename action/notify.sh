#!/usr/bin/env bash
# Step 7 of the action: posts the Slack and Teams messages `check` wrote to the webhooks given
# (inputs `slack-webhook`, `teams-webhook`, from secrets), with curl, only when a goal slipped
# or anything changed since the remembered run (the check step's `slipped` and `changed`
# outputs). A first run, with nothing to compare with, posts nothing. A failed post is a warning,
# never a failed job. The webhook URLs are never printed.
set -euo pipefail
# shellcheck source=action/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

dir=$(work_dir)
[[ -n "${SLACK_WEBHOOK:-}${TEAMS_WEBHOOK:-}" ]] || exit 0
if [[ "${CHECK_CHANGED:-false}" != true && "${CHECK_SLIPPED:-0}" =~ ^0?$ ]]; then
  echo "goalpost: nothing slipped or changed since the last run: no message posted"
  exit 0
fi
if ! command -v curl >/dev/null; then
  echo "::warning title=goalpost::curl is not installed on this runner: no message posted"
  exit 0
fi

# post NAME URL FILE: one message, or a warning saying why not.
post() {
  local name=$1 url=$2 file=$3 reason
  [[ -n "$url" ]] || return 0
  if [[ ! -s "$file" ]]; then
    echo "::warning title=goalpost::no $name message was written (see the check step): nothing posted"
    return 0
  fi
  if curl --fail --silent --show-error --max-time 30 --retry 2 \
    -X POST -H 'Content-Type: application/json' --data-binary "@$file" \
    "$url" >"$dir/$name.response" 2>"$dir/$name.stderr"; then
    echo "goalpost: posted the $name message"
  else
    reason=$(tail -n 1 "$dir/$name.stderr")
    reason=${reason//"$url"/the webhook}
    echo "::warning title=goalpost::$(escape_data "posting the $name message failed: $reason")"
  fi
}

post Slack "${SLACK_WEBHOOK:-}" "$dir/slack.json"
post Teams "${TEAMS_WEBHOOK:-}" "$dir/teams.json"
