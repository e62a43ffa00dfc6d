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
# its N (the number of lookups depends on timing), and a restart (the
# case's fresh process) as the server(s) it queried, not how often.
# Two tables: the verdicts, one row per group; and "What restores it,
# measured": per program, its restart and the groups that trigger a remedy
# for it (programs.txt's remedy-for and action).
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

# program text: PROG[group:key]; REMEDIES[group]: the groups that remedy it
declare -A PROG=() REMEDIES=()
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
	[[ $key != remedy-for ]] || REMEDIES[$val]+="$g "
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
		FO[$key]=$(get "$r" fresh_queries_old)
		FN[$key]=$(get "$r" fresh_queries_new)
	fi
done

# Which server the fresh process (a restart) of one case queried; empty
# when the case had none.
fresh_word() { # GROUP:UPDATE:OPTIONS
	local o=${FO[$1]:-} n=${FN[$1]:-}
	if [[ -z $o ]]; then :
	elif ((o == 0 && n == 0)); then printf 'no lookup'
	elif ((o == 0)); then printf 'new server'
	elif ((n == 0)); then printf 'old server'
	else printf 'both servers'; fi
}

# The restarts of one option's cases (inplace and rename): one word when
# they agree, else both; empty when neither had a fresh process.
restart_opt() { # GROUP OPTIONS
	local a b
	a=$(fresh_word "$1:inplace:$2") b=$(fresh_word "$1:rename:$2")
	if [[ $a == "$b" || -z $b ]]; then printf '%s' "$a"
	elif [[ -z $a ]]; then printf '%s' "$b"
	else printf 'inplace %s, rename %s' "$a" "$b"; fi
}

# The restart column of the verdict table: what the group's fresh
# processes queried, per option where the options differ; - for none.
restart() { # GROUP
	local d n
	d=$(restart_opt "$1" default) n=$(restart_opt "$1" no-reload)
	if [[ -z $d && -z $n ]]; then printf -- '-'
	elif [[ $d == "$n" || -z $n ]]; then printf '%s' "$d"
	elif [[ -z $d ]]; then printf '%s' "$n"
	else printf 'default: %s; no-reload: %s' "$d" "$n"; fi
}

cell() { # GROUP UPDATE OPTIONS
	local k=$1:$2:$3
	if [[ -z ${V[$k]:-} ]]; then
		printf 'not run'
	else
		printf '[%s](%s/%s/report.md)' "${V[$k]}" "$prefix" "${D[$k]}"
	fi
}

# One option's two cases in one cell of the restore table: the verdict
# (or, with "fresh", the restart's server) once when inplace and rename
# agree, linked to the inplace case; "inplace X, rename Y" when not.
opt_cell() { # GROUP OPTIONS verdict|fresh
	local w=() l=() u k ran=''
	for u in inplace rename; do
		k=$1:$u:$2
		[[ -n ${V[$k]:-} ]] || continue
		ran=1
		if [[ $3 == fresh ]]; then
			[[ -n ${FO[$k]:-} ]] || continue   # this case had no fresh process
			w+=("$(fresh_word "$k")")
		else w+=("${V[$k]}"); fi
		l+=("$prefix/${D[$k]}/report.md")
	done
	if [[ -z $ran ]]; then printf 'not run'
	elif ((${#w[@]} == 0)); then printf -- '-'
	elif ((${#w[@]} == 1)) || [[ ${w[0]} == "${w[1]}" ]]; then
		printf '[%s](%s)' "${w[0]}" "${l[0]}"
	else printf 'inplace [%s](%s), rename [%s](%s)' "${w[0]}" "${l[0]}" "${w[1]}" "${l[1]}"; fi
}

# Does any case of the group have a fresh process?
has_fresh() { # GROUP
	local k
	for k in "$1:inplace:default" "$1:rename:default" "$1:inplace:no-reload" "$1:rename:no-reload"; do
		[[ -z ${FO[$k]:-} ]] || return 0
	done
	return 1
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
from the verdict) queried, over the group's cases, per option where the
options differ; \`-\` where the group has none.  "What restores it" is
from the sources (below); where a reload is the remedy, a group of its
own measures it: the second table puts each program's restart beside
those groups' verdicts.

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

cat <<EOF2

## What restores it, measured

Per program, each remedy measured as a case.  "A restart" is the
program started again after the window (the case's fresh process, started
as the group's exec line starts it, in the same overlay; for a daemon
that resolves per request, \`fresh-daemon.sh\` makes the requests, since a
case's triggers stop with the window): the server it queried.  A remedy
triggered after the switch (a reload, a graceful restart) is a group of
its own, whose verdict shows the remedy at work: the old server until the
action, then the new one (LATE), or only the new one (FOLLOWED) when the
program followed anyway.  One cell per option, over its inplace and rename
cases (both written where they differ), linked to the inplace case.

| program | remedy | measured by | default | no-reload |
|---|---|---|---|---|
EOF2
restore_rows() { # GROUP
	local base=$1 first=1 r
	row() { # REMEDY MEASURED_BY GROUP verdict|fresh
		local label=''
		((first)) && label="[${PROG[$base:program]:-$base}](#$base)"
		first=0
		printf '| %s | %s | %s | %s | %s |\n' "$label" "$1" "$2" \
			"$(opt_cell "$3" default "$4")" "$(opt_cell "$3" no-reload "$4")"
	}
	if has_fresh "$base"; then
		row 'a restart' "[$base](#$base): its fresh process" "$base" fresh
	fi
	for r in ${REMEDIES[$base]:-}; do
		[[ -n ${SEEN[$r]:-} ]] || continue
		row "${PROG[$r:action]:-$r}" "[$r](#$r): its verdict" "$r" verdict
		if has_fresh "$r"; then
			row "a restart, after that" "[$r](#$r): its fresh process" "$r" fresh
		fi
	done
}
for grp in "${GROUPS_IN_FILE[@]}"; do
	[[ -n ${SEEN[$grp]:-} && -z ${PROG[$grp:remedy-for]:-} ]] || continue
	restore_rows "$grp"
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
