#!/usr/bin/env bash
# ci-shards.sh - the CI job of doc/ci.md, one step a command, so that the
# example jobs there and the project's own CI (.ci/run) run the very same
# commands and the example cannot rot.
#
#   scripts/ci-shards.sh key            the cache key of the root filesystems
#                                       (their recipes, scripts/mkrootfs.sh --recipe)
#   scripts/ci-shards.sh prepare        packages, build, musl probes, root
#                                       filesystems and the probes inside them
#   scripts/ci-shards.sh build          packages and build only (enough to merge)
#   scripts/ci-shards.sh shard K/N      run slice K of N into RESULTS/shard-K/
#                                       (its run folder, without the latest link)
#   scripts/ci-shards.sh merge DIR...   merge the shards' run folders found under
#                                       DIR... into RESULTS/merged/, copy its
#                                       junit.xml, results.tap and summary.md
#                                       to RESULTS/, and check the TAP with prove
#   scripts/ci-shards.sh self-test [N]  on one machine: prepare, every shard of
#                                       N (2), merge; then check that merging
#                                       one shard alone fails (exit 1)
#
# Environment (the defaults are what .ci/run uses):
#   WHICHNS_CI_SCENARIO  scenario file (fixtures/scenarios/matrix.scn)
#   WHICHNS_CI_LIBCS     C libraries, blank-separated ("host musl bullseye
#                        bookworm trixie sid", as make regress)
#   WHICHNS_CI_FILTER    only the cases matching it (run -f; none)
#   WHICHNS_CI_RESULTS   where run folders go (results/ci)
#   WHICHNS_CACHE        root filesystems and their probes (/var/cache/whichns)
#
# Exit status: that of whichns run or merge (0 as expected, 1 a verdict
# differs, a case could not run or a shard is missing, 2 bad usage, 3 the
# environment, 4 INCONCLUSIVE, 130 interrupted); merge also 1 when prove
# rejects the merged results.tap; self-test 1 when a check fails.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD

scenario=${WHICHNS_CI_SCENARIO:-fixtures/scenarios/matrix.scn}
libcs=${WHICHNS_CI_LIBCS:-host musl bullseye bookworm trixie sid}
results=${WHICHNS_CI_RESULTS:-results/ci}
filter=(${WHICHNS_CI_FILTER:+-f "$WHICHNS_CI_FILTER"})
B=${B:-build}
W=$top/$B/whichns
# A relative cache would move with the working directory of each tool.
if [ -n "${WHICHNS_CACHE:-}" ]; then
	WHICHNS_CACHE=$(readlink -m -- "$WHICHNS_CACHE")
	export WHICHNS_CACHE
fi

say() { printf 'ci-shards: %s\n' "$*" >&2; }
die() { local st=$1; shift; say "$*"; exit "$st"; }

suites() {   # the Debian root filesystems among the C libraries (not a
	local l  # root of the user's own: a path, or a name of whichns roots)
	for l in $libcs; do
		case $l in
		host | musl | */*) ;;
		*) if scripts/mkrootfs.sh --recipe "$l" >/dev/null 2>&1; then
			printf '%s\n' "$l"
		   fi ;;
		esac
	done
}

cmd_key() {
	local s
	s=$(suites)
	if [ -z "$s" ]; then echo "whichns-rootfs-none"; return; fi
	# shellcheck disable=SC2086 # one word per suite
	printf 'whichns-rootfs-%s\n' "$(scripts/mkrootfs.sh --recipe $s | sha256sum | cut -c1-16)"
}

cmd_build() {
	scripts/deps.sh regress
	make B="$B" all
}

cmd_prepare() {
	local s
	cmd_build
	s=$(suites)
	case " $libcs " in *" musl "*) make B="$B" musl-probes ;; esac
	if [ -n "$s" ]; then
		# shellcheck disable=SC2086 # one word per suite
		scripts/mkrootfs.sh $s
		# shellcheck disable=SC2086
		scripts/build-probes.sh $s
	fi
	scripts/get-nscd.sh
}

cmd_shard() {   # K/N
	local k=${1%%/*}
	[[ $1 =~ ^[0-9]+/[0-9]+$ ]] || die 2 "shard: expected K/N, got '$1'"
	local list
	read -ra list <<<"$libcs"
	rm -rf -- "$results/shard-$k"
	mkdir -p -- "$results"
	local rc=0
	"$W" run -q --results "$results/shard-$k" --shard "$1" "${filter[@]}" \
		--libc "$(IFS=,; echo "${list[*]}")" "$scenario" || rc=$?
	# An artifact upload may follow the link and upload the run twice.
	rm -f -- "$results/shard-$k/latest"
	return "$rc"
}

# The run folders under DIR...: each folder holding a case folder (a
# result.txt one level down); the links named latest are not followed.
run_folders() {
	find "$@" -mindepth 2 -name result.txt -type f -printf '%h\n' |
		xargs -r -d '\n' dirname | sort -u
}

cmd_merge() {   # DIR...
	local rc=0 folders
	[ $# -gt 0 ] || die 2 "merge: which folders hold the shards?"
	# Earlier merges under RESULTS would hold copies of the same cases.
	rm -rf -- "$results/merged" "$results/one-shard"
	mkdir -p -- "$results"
	mapfile -t folders < <(run_folders "$@")
	[ ${#folders[@]} -gt 0 ] || die 2 "merge: no run folder under $*"
	"$W" merge --results "$results/merged" "${folders[@]}" || rc=$?
	local run
	run=$(readlink -f "$results/merged/latest" 2>/dev/null) || true
	if [ -z "$run" ] || [ ! -f "$run/results.tap" ]; then
		say "merge wrote no reports (exit $rc)"
		return $((rc ? rc : 1))
	fi
	cp "$run/junit.xml" "$run/results.tap" "$run/summary.md" "$results/"
	# Debian's own prove reads the merged TAP: what CI would show.
	if ! prove "$results/results.tap" >&2; then
		say "prove rejects $results/results.tap"
		[ "$rc" -ne 0 ] || rc=1
	fi
	return "$rc"
}

cmd_self_test() {   # [N]
	local n=${1:-2} k rc=0 worst=0 first
	cmd_prepare
	for ((k = 1; k <= n; k++)); do
		say "shard $k/$n"
		rc=0; cmd_shard "$k/$n" || rc=$?
		[ "$rc" -le "$worst" ] || worst=$rc
	done
	say "merge of $n shards"
	rc=0; cmd_merge "$results"/shard-* || rc=$?
	[ "$rc" -le "$worst" ] || worst=$rc
	# One shard alone must not pass for the whole matrix.
	first=$(run_folders "$results/shard-1")
	rc=0
	rm -rf -- "$results/one-shard"
	"$W" merge --results "$results/one-shard" "$first" >/dev/null 2>"$results/one-shard.err" || rc=$?
	if [ "$rc" -ne 1 ] || ! grep -q "missing" "$results/one-shard.err"; then
		say "merging shard 1 of $n alone exited $rc, not 1 with 'missing':"
		cat "$results/one-shard.err" >&2
		worst=1
	else
		say "merging shard 1 of $n alone fails, as it must: $(grep missing "$results/one-shard.err")"
	fi
	return "$worst"
}

case ${1:-} in
key) cmd_key ;;
build) cmd_build ;;
prepare) cmd_prepare ;;
shard) [ $# -eq 2 ] || die 2 "usage: $0 shard K/N"; cmd_shard "$2" ;;
merge) shift; cmd_merge "$@" ;;
self-test) shift; cmd_self_test "$@" ;;
*) sed -n '2,/^set -e/{/^set -e/d;s/^# \{0,1\}//p;}' "$0" >&2; exit 2 ;;
esac
