#!/usr/bin/env bash
# baseline.sh - print an expected-verdict file from a reviewed run.
#   scripts/baseline.sh RUN_DIR [CURRENT_EXPECTED [LIBC]] > fixtures/expected/KEY
# LIBC keeps only the cases of that libc axis value (host, musl, bullseye,
# a roots name, or a --libc PATH: its label, the path's last component as
# case names show it, or the path itself), for a run over several C
# libraries.  Reasons already written in
# CURRENT_EXPECTED are kept; new cases get "TODO: why" so that nobody
# commits a baseline without reading it.  Skipped cases are left out.
set -euo pipefail
run=${1:?usage: baseline.sh RUN_DIR [CURRENT_EXPECTED [LIBC]]}
cur=${2:-/dev/null}
libc=${3:-}
[ -d "$run" ] || { echo "baseline: no run folder $run" >&2; exit 2; }
# A --libc PATH's label, as whichns makes it (harness/lib/rootinfo.c):
# the last component, bytes a scenario word may not hold made '_'.
label=$libc
case $libc in */*)
	label=$(printf '%s' "$libc" | sed 's|/*$||; s|.*/||')
	label=$(printf '%s' "${label:-root}" | LC_ALL=C tr -c 'A-Za-z0-9._+:-' '_' | cut -c1-47) ;;
esac

declare -A why=()
while read -r name _ reason; do
	case "$name" in ''|'#'*) continue ;; esac
	why[$name]=$reason
done < "$cur"

get() { awk -F'\t' -v k="$2" '$1 == k { print $2 }' "$1"; }
for r in "$run"/*/result.txt; do
	if [ -n "$libc" ]; then
		axis=$(get "$r" libc_axis)
		[ "$axis" = "$libc" ] || [ "$axis" = "$label" ] || continue
	fi
	[ -z "$(get "$r" skip)" ] || continue
	name=$(get "$r" case)
	case ${name%%/*} in *:*) name=${name#*:} ;; esac   # the libc prefix, before the first / (timeout:1 is an option)
	printf '%-38s %-9s %s\n' "$name" "$(get "$r" verdict)" "${why[$name]:-TODO: why}"
done
