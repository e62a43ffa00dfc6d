#!/usr/bin/env bash
# baseline.sh - print an expected-verdict file from a reviewed run.
#   scripts/baseline.sh RUN_DIR [CURRENT_EXPECTED [LIBC]] > fixtures/expected/KEY
# LIBC keeps only the cases of that libc axis value, as case names and
# each result.txt's libc_axis show it (host, musl, bullseye, a roots
# name, a --libc PATH's label such as bullseye.tar.gz), for a run over
# several C libraries; a value no case has is an error naming the run's
# values.  Reasons already written in
# CURRENT_EXPECTED are kept; new cases get "TODO: why" so that nobody
# commits a baseline without reading it.  Skipped cases are left out.
set -euo pipefail
run=${1:?usage: baseline.sh RUN_DIR [CURRENT_EXPECTED [LIBC]]}
cur=${2:-/dev/null}
libc=${3:-}
[ -d "$run" ] || { echo "baseline: no run folder $run" >&2; exit 2; }
declare -A why=()
while read -r name _ reason; do
	case "$name" in ''|'#'*) continue ;; esac
	why[$name]=$reason
done < "$cur"

get() { awk -F'\t' -v k="$2" '$1 == k { print $2 }' "$1"; }
if [ -n "$libc" ]; then
	axes=$(for r in "$run"/*/result.txt; do get "$r" libc_axis; done | LC_ALL=C sort -u)
	if ! grep -qxF -- "$libc" <<<"$axes"; then
		echo "baseline: no case of libc '$libc' in $run; its cases' libc values" \
		     "(as their names show them): $(paste -sd' ' <<<"$axes")" >&2
		exit 2
	fi
fi
for r in "$run"/*/result.txt; do
	[ -z "$libc" ] || [ "$(get "$r" libc_axis)" = "$libc" ] || continue
	[ -z "$(get "$r" skip)" ] || continue
	name=$(get "$r" case)
	case ${name%%/*} in *:*) name=${name#*:} ;; esac   # the libc prefix, before the first / (timeout:1 is an option)
	printf '%-38s %-9s %s\n' "$name" "$(get "$r" verdict)" "${why[$name]:-TODO: why}"
done
