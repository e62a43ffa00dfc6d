#!/usr/bin/env bash
# investigation.sh - the stale-resolver investigation's four tests as a
# table, from the cases of a run of fixtures/scenarios/repro.scn.
#
#   scripts/investigation.sh [RUN_DIR]      (default: results/latest)
#
# Prints the table and writes it, with each row's explanation, to
# RUN_DIR/investigation.md.  Every verdict in it is read from the cases'
# result.txt (the headline and the verdict per path, doc/design.md
# "Paths"); what each row needs to count as reproduced is written below
# (row_check), and doc/investigation.md explains each row with its
# sources.  `make repro` runs it after the run.
# Exit: 0 the table was written (whatever it says); 2 usage, or a case
# of the table is missing from the run.
set -euo pipefail

run=${1:-results/latest}
[[ -d $run ]] || { echo "investigation.sh: $run: no such run folder; give a run folder of fixtures/scenarios/repro.scn" >&2; exit 2; }
run=$(cd "$run" && pwd -P)

# The rows: number, test, what was observed there, the case, the
# configuration that models that machine.
ROWS=(
"1|RHEL 5.4, nscd off|sendmail must be restarted to use the new server|bookworm:sendmail/inplace/no-reload|glibc reads resolv.conf once per process (options no-reload); no nscd|sendmail reads the file at its start (res_init() in sendmail/main.c) and glibc before 2.26 reads it again only after a res_init() (__res_maybe_init(), resolv/res_libc.c), so its MX lookups (res_search(), sendmail/domain.c) keep the old server; a new process reads the new file"
"2|RHEL 5.4, nscd on|even after a restart, sendmail does not use the new server|bookworm:sendmail/inplace/no-reload/nscd-nocheck|read once (options no-reload); nscd that never re-reads resolv.conf (check-files hosts no), as glibc 2.5's|glibc 2.5's nscd did not watch resolv.conf and called res_init() only for \"nscd -i hosts\" (invalidate_cache(), nscd/connections.c): its cache and the workers that had resolved keep the old server for every client, a restarted sendmail too; only sendmail's own MX lookups, which never ask nscd, read the new file"
"3|RHEL 6.8, nscd off|a restart makes sendmail use the new server|bookworm:sendmail/inplace/no-reload|glibc reads resolv.conf once per process (options no-reload); no nscd|as row 1: glibc 2.12 reads the file once per thread too (__res_maybe_init(), resolv/res_libc.c), and a restart reads the new file"
"4|RHEL 6.8, nscd on|no restart needed|bookworm:sendmail/inplace/default/nscd|nscd watches resolv.conf and makes its workers re-read it (check-files hosts yes, reload on), as glibc 2.9-2.25's|nscd watches resolv.conf since glibc 2.9 (resolv_conf_descr, nscd/connections.c) and calls res_init(), which makes every worker re-read (__res_initstamp): the host lookups that go through nscd follow at once; sendmail's MX lookups never ask nscd and keep the old server (today's glibc keeps it because sendmail changed _res, doc/resolvers.md)"
)

# The case folder of a case name, from each result.txt's "case" line.
case_dir() {
	local f
	for f in "$run"/*/result.txt; do
		[[ -r $f ]] || continue
		if [[ $(awk -F'\t' '$1 == "case" { print $2; exit }' "$f") == "$1" ]]; then
			dirname "$f"
			return 0
		fi
	done
	return 1
}

get() { awk -F'\t' -v k="$2" '$1 == k { print $2; exit }' "$1/result.txt"; }

# The verdict of one path: SENDER TYPES -> "STALE", "LATE 1", or "-".
path_verdict() {
	awk -F'\t' -v s="$2" -v t="$3" '
		$1 ~ /^path[0-9]+$/ {
			split($2, w, " ")
			if (w[1] == s && w[2] == t) {
				v = w[3]
				if (v == "LATE") v = v " " w[4]
				print v; found = 1; exit
			}
		}
		END { if (!found) print "-" }' "$1/result.txt"
}

# The paths a row speaks of, read once per case into globals ("-": no
# such query was measured).  The daemon's own paths are "process+triggers"
# in a case with triggers (they share its address), else "process".
own_verdict() {
	local v
	v=$(path_verdict "$1" process+triggers "$2")
	[[ $v == - ]] && v=$(path_verdict "$1" process "$2")
	printf '%s' "$v"
}

read_paths() {
	local d=$1
	MX=$(own_verdict "$d" MX)
	OWN=$(own_verdict "$d" A/AAAA)
	FMX=$(path_verdict "$d" fresh MX)
	NSCD=$(path_verdict "$d" nscd A/AAAA)
	FNSCD=$(path_verdict "$d" fresh-nscd A/AAAA)
	CACHE=$(get "$d" cache)
}

# What the row's paths say, in words.
row_paths() {
	local out="MX (sendmail's own resolver): $MX"
	out+="; A/AAAA (sendmail's own resolver and the submissions): $OWN"
	[[ $CACHE != none ]] && out+="; A/AAAA (via nscd): $NSCD"
	out+="; after a restart: MX $FMX"
	[[ $CACHE != none ]] && out+=", A/AAAA via nscd $FNSCD"
	printf '%s' "$out"
}

# Does the case show what the test observed?  One line: yes/partly/no,
# and what in the paths decides it.
row_check() {
	local n=$1 mx=$MX fmx=$FMX nscd=$NSCD fnscd=$FNSCD
	# A path the row needs and the case did not measure decides nothing.
	local need="$mx $fmx"
	[[ $n == 2 ]] && need+=" $fnscd"
	[[ $n == 4 ]] && need+=" $nscd"
	if [[ " $need " == *" - "* ]]; then
		echo "not measured: a path this row needs has no query in the case (MX $mx, after a restart MX $fmx, A/AAAA via nscd $nscd, after a restart via nscd $fnscd); see its report.md"
		return
	fi
	case $n in
	1 | 3)
		if [[ $mx != FOLLOWED && $fmx == FOLLOWED ]]; then
			echo "yes: the running daemon's MX lookups stay on the old server ($mx), a restarted sendmail's go to the new one"
		else
			echo "no: MX $mx, after a restart MX $fmx"
		fi ;;
	2)
		if [[ $fmx == FOLLOWED && $fnscd != FOLLOWED ]]; then
			echo "partly: after a restart sendmail's own MX lookups go to the new server, but its host lookups through nscd do not all ($fnscd); nscd's cache and workers keep the old server"
		elif [[ $fmx != FOLLOWED ]]; then
			echo "yes: after a restart MX $fmx"
		else
			echo "no: after a restart MX $fmx and A/AAAA via nscd $fnscd: nscd's workers read the new file this time"
		fi ;;
	4)
		if [[ $nscd == FOLLOWED && $mx != FOLLOWED ]]; then
			echo "partly: the host lookups through nscd follow without a restart ($nscd), sendmail's own MX lookups do not ($mx), nor its own A/AAAA lookups ($OWN, with the submissions')"
		elif [[ $nscd == FOLLOWED ]]; then
			echo "yes: A/AAAA via nscd $nscd, MX $mx"
		else
			echo "no: A/AAAA via nscd $nscd, MX $mx"
		fi ;;
	esac
}

out=$run/investigation.md
tmp=$out.tmp.$$
trap 'rm -f "$tmp"' EXIT
{
	echo "# The investigation's four tests, reproduced"
	echo
	echo "From the run $run.  Each row: the machine and what the"
	echo "investigation saw there, the case that models it, the verdicts per"
	echo "path measured in that case, and whether that reproduces the"
	echo "observation.  Why each row comes out as it does, with the sources:"
	echo "doc/investigation.md in whichns's tree."
	echo
	echo "| row | test | observed there | case (configuration) | verdicts per path (measured) | reproduced | why |"
	echo "|---|---|---|---|---|---|---|"
} > "$tmp"

printf '\nThe investigation'"'"'s four tests (doc/investigation.md explains each row):\n'
missing=0
for row in "${ROWS[@]}"; do
	IFS='|' read -r n test seen name conf why <<< "$row"
	if ! d=$(case_dir "$name"); then
		echo "investigation.sh: $run has no case $name; run all of fixtures/scenarios/repro.scn (make repro)" >&2
		missing=1
		continue
	fi
	read_paths "$d"
	paths=$(row_paths)
	check=$(row_check "$n")
	rel=${d#"$run"/}
	printf '%s. %s: "%s"\n' "$n" "$test" "$seen"
	printf '   case:       %s (%s)\n' "$name" "$conf"
	printf '   by path:    %s\n' "$paths"
	printf '   reproduced: %s\n' "$check"
	printf '   why:        %s\n' "$why"
	printf '   evidence:   %s/report.md\n' "$d"
	printf '| %s | %s | %s | [%s](%s/report.md) (%s) | %s | %s | %s |\n' \
		"$n" "$test" "$seen" "$name" "$rel" "$conf" "$paths" "$check" \
		"$why" >> "$tmp"
done
(( missing == 0 )) || exit 2
mv "$tmp" "$out"
trap - EXIT
echo "The table with links to each case's evidence: $out"
