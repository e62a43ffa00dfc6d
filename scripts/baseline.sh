#!/usr/bin/env bash
# baseline.sh - print an expected-verdict file from a reviewed run.
#   scripts/baseline.sh RUN_DIR [CURRENT_EXPECTED] > fixtures/expected/LIBC
# Reasons already written in CURRENT_EXPECTED are kept; new cases get
# "TODO: why" so that nobody commits a baseline without reading it.
set -euo pipefail
run=${1:?usage: baseline.sh RUN_DIR [CURRENT_EXPECTED]}
cur=${2:-/dev/null}
[ -d "$run" ] || { echo "baseline: no run folder $run" >&2; exit 2; }

declare -A why=()
while read -r name _ reason; do
	case "$name" in ''|'#'*) continue ;; esac
	why[$name]=$reason
done < "$cur"

for r in "$run"/*/result.txt; do
	name=$(awk -F'\t' '$1 == "case" { print $2 }' "$r")
	verdict=$(awk -F'\t' '$1 == "verdict" { print $2 }' "$r")
	name=${name#*:}
	printf '%-38s %-9s %s\n' "$name" "$verdict" "${why[$name]:-TODO: why}"
done
