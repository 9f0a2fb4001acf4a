#!/usr/bin/env bash
# Last step of the action: the job's result from `goalpost check`'s exit code. 1 (goals in a
# fail_on status) fails the job unless the input `fail` is false; 2 (could not run) always does.
set -euo pipefail
# shellcheck source=action/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

code=${CHECK_EXIT_CODE:-}
case "$code" in
  0) exit 0 ;;
  1)
    if is_true "${INPUT_FAIL:-true}"; then
      echo "::error title=goalpost::${CHECK_FAILING:-some} goals are in a fail_on status: see the annotations and the scorecard"
      exit 1
    fi
    echo "::notice title=goalpost::${CHECK_FAILING:-some} goals are in a fail_on status (not failing the job: fail is false)"
    ;;
  *)
    echo "::error title=goalpost::goalpost check could not run (exit ${code:-unknown}): see the check step's log"
    exit 2
    ;;
esac
