#!/usr/bin/env bash
# zoo-table.sh - write doc/zoo.md from a run of the zoo's scenario files.
#
#   scripts/zoo-table.sh RUN_DIR ROOTFS_STAMP [LINK_PREFIX] > doc/zoo.md
#
# RUN_DIR: a run folder of fixtures/scenarios/zoo.scn and zoo-postfix.scn;
# ROOTFS_STAMP: the zoo tree's .whichns-stamp (package versions);
# LINK_PREFIX: how doc/zoo.md reaches the run's case folders (default
# ../results/zoo, the link `make zoo` points at its run).
# The text about each program comes from fixtures/zoo/programs.txt; the
# verdicts only from the run's result.txt files.  The output holds no
# counts, times or run id, so that the same verdicts give the same file:
# `make zoo` compares it with the committed one.  LATE is written without
# its N (the number of lookups depends on timing).
# Exit: 0 written; 2 usage or a missing file.
set -euo pipefail

run=${1:-}
stamp=${2:-}
prefix=${3:-../results/zoo}
top=$(cd "$(dirname "$0")/.." && pwd)
progs=$top/fixtures/zoo/programs.txt
[[ -d $run && -r $stamp ]] || {
	echo "usage: zoo-table.sh RUN_DIR ROOTFS_STAMP [LINK_PREFIX]" >&2; exit 2; }
[[ -r $progs ]] || { echo "zoo-table: no $progs" >&2; exit 2; }

get() { awk -F'\t' -v k="$2" '$1 == k { print $2; exit }' "$1"; }
# The stamp is KEY=VALUE lines (scripts/mkrootfs.sh).
sget() { awk -v k="$2" 'index($0, k "=") == 1 { print substr($0, length(k) + 2); exit }' "$1"; }

# program text: PROG[group:key]
declare -A PROG=()
declare -a GROUPS_IN_FILE=()
g=''
while IFS= read -r line; do
	case $line in '#'* | '') continue ;; esac
	key=${line%%: *}
	val=${line#*: }
	if [[ $key == group ]]; then
		g=$val
		GROUPS_IN_FILE+=("$g")
	fi
	PROG[$g:$key]=$val
done <"$progs"

# package versions from the stamp: VER[package]
declare -A VER=()
for pv in $(sget "$stamp" extra_versions); do VER[${pv%%=*}]=${pv#*=}; done
glibc=$(sget "$stamp" glibc)

# verdicts: V[group:update:options], D[...] the case folder
declare -A V=() D=() SEEN=() FO=() FN=()
for r in "$run"/*/result.txt; do
	grp=$(get "$r" group)
	key=$grp:$(get "$r" update):$(get "$r" options)
	v=$(get "$r" verdict)
	[[ -n $v && $v != NONE ]] || v="no verdict ($(get "$r" reason))"
	V[$key]=$v
	D[$key]=$(basename "$(dirname "$r")")
	SEEN[$grp]=1
	if [[ $(get "$r" fresh_ran) == yes ]]; then
		FO[$grp]=$((${FO[$grp]:-0} + $(get "$r" fresh_queries_old)))
		FN[$grp]=$((${FN[$grp]:-0} + $(get "$r" fresh_queries_new)))
	fi
done

# Which server the fresh processes (a restart) of a group queried.
restart() { # GROUP
	local o=${FO[$1]:-} n=${FN[$1]:-}
	if [[ -z $o ]]; then printf -- '-'
	elif ((o == 0 && n == 0)); then printf 'no lookup'
	elif ((o == 0)); then printf 'new server'
	elif ((n == 0)); then printf 'old server'
	else printf 'both servers'; fi
}

cell() { # GROUP UPDATE OPTIONS
	local k=$1:$2:$3
	if [[ -z ${V[$k]:-} ]]; then
		printf 'not run'
	else
		printf '[%s](%s/%s/report.md)' "${V[$k]}" "$prefix" "${D[$k]}"
	fi
}

cat <<EOF2
# The daemon and runtime zoo

Which DNS server real programs query after \`/etc/resolv.conf\` changes,
measured by whichns in cases, one program per row.  **Generated** by
\`make zoo\` (\`scripts/zoo-table.sh\`) from a run of
[zoo.scn](../fixtures/scenarios/zoo.scn) and
[zoo-postfix.scn](../fixtures/scenarios/zoo-postfix.scn); do not edit:
the text about each program is in
[fixtures/zoo/programs.txt](../fixtures/zoo/programs.txt), the verdicts
come from the captures.  \`make zoo\` fails when a verdict differs from
this file or from the baseline \`fixtures/expected/zoo/glibc-$glibc\`.

Every program is the Debian bookworm package, installed in the
\`bookworm-zoo\` root filesystem (\`scripts/mkrootfs.sh bookworm-zoo\`,
glibc $glibc), started as its unit starts it, in the foreground, with its
configuration in the case's overlay (\`fixtures/zoo/\`, put into the tree
at \`/opt/whichns-zoo\` by \`scripts/build-zoo.sh\`).  Verdicts are defined
in [design.md](design.md#verdicts): FOLLOWED, LATE (some lookups still to
the old server, then the new one), STALE, MIXED, SILENT (no lookup after
the switch).  Each verdict links to its case's report.md in the run that
\`make zoo\` made (\`results/zoo\`).  "A restart" is what the same program
started again after the window (the case's fresh process, counted apart
from the verdict) queried, over the group's four cases; \`-\` where the
group has none.  "What restores it" is from the sources (below); where a
reload is the remedy, a group of its own measures it.

| program | version | inplace, default | rename, default | inplace, no-reload | rename, no-reload | a restart (fresh process) | what restores it |
|---|---|---|---|---|---|---|---|
EOF2
for grp in "${GROUPS_IN_FILE[@]}"; do
	[[ -n ${SEEN[$grp]:-} ]] || continue
	pkg=${PROG[$grp:package]:-}
	printf '| [%s](#%s) | %s %s | %s | %s | %s | %s | %s | %s |\n' \
		"${PROG[$grp:program]:-$grp}" "$grp" "$pkg" "${VER[$pkg]:-?}" \
		"$(cell "$grp" inplace default)" "$(cell "$grp" rename default)" \
		"$(cell "$grp" inplace no-reload)" "$(cell "$grp" rename no-reload)" \
		"$(restart "$grp")" "${PROG[$grp:restores]:-}"
done
for grp in "${!SEEN[@]}"; do
	[[ -n ${PROG[$grp:program]:-} ]] || echo "zoo-table: group $grp has no entry in $progs" >&2
done
echo
echo '## How each one resolves, and why'
for grp in "${GROUPS_IN_FILE[@]}"; do
	[[ -n ${SEEN[$grp]:-} ]] || continue
	printf '\n### %s\n\n' "$grp"
	printf -- '- **Program:** %s (Debian package %s %s)\n' "${PROG[$grp:program]}" \
		"${PROG[$grp:package]}" "${VER[${PROG[$grp:package]}]:-?}"
	printf -- '- **Who resolves:** %s\n' "${PROG[$grp:resolves]}"
	printf -- '- **What restores it:** %s\n' "${PROG[$grp:restores]}"
	printf -- '- **Why:** %s\n' "${PROG[$grp:why]}"
done
