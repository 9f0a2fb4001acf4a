#!/usr/bin/env bash
# goalpost as a benchmark peer without the Python step: peer_goalpost.sh DATA.csv GOALS.csv OUT.csv
# The same job as ../shared/bench/peer_goalpost.sh, but goalpost writes `goal_id,value` itself
# through the template values.csv.j2 instead of writing JSON for from_goalpost.py to convert
# (that conversion costs about 0.14 s, mostly Python's start; docs/performance.md).
# To time it beside the peers, copy ../shared/bench, replace its peer_goalpost.sh with this file,
# add values.csv.j2, and run that copy's run_peers.sh. GOALPOST_BIN names the binary.
set -euo pipefail
data=$1 goals=$2 out=$3
bin=${GOALPOST_BIN:-goalpost}
here=$(cd "$(dirname "$0")" && pwd)
yaml="${goals%.csv}-$(basename "${data%.csv}").goals.yaml"
[ -f "$yaml" ] || python3 "$here/to_goalpost.py" "$goals" "$data" "$yaml"
"$bin" check "$yaml" --as-of 2028-12-31 -f markdown --template "$here/values.csv.j2" \
    --fail-on none > "$out"
