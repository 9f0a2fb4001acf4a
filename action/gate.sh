#!/usr/bin/env bash
# Last step of the action: the job's result from `goalpost check`'s exit code. 1 (goals in a
# fail_on status, or with fail-on-slip a goal that slipped) fails the job unless the input `fail`
# is false; 2 (could not run) always does.
set -euo pipefail
# shellcheck source=action/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

code=${CHECK_EXIT_CODE:-}
case "$code" in
  0) exit 0 ;;
  1)
    why="${CHECK_FAILING:-some} goals are in a fail_on status"
    if [[ "${CHECK_FAILING:-}" == 0 && "${CHECK_SLIPPED:-0}" != 0 ]]; then
      why="${CHECK_SLIPPED} goals slipped since the last run (fail-on-slip)"
    fi
    if is_true "${INPUT_FAIL:-true}"; then
      echo "::error title=goalpost::$why: see the annotations and the scorecard"
      exit 1
    fi
    echo "::notice title=goalpost::$why (not failing the job: fail is false)"
    ;;
  *)
    echo "::error title=goalpost::goalpost check could not run (exit ${code:-unknown}): see the check step's log"
    exit 2
    ;;
esac
