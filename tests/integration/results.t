#!/usr/bin/env bash
# The default results folder: ./results where it can be made, never
# /results; a working folder or a results folder that refuses writes is
# one line naming the folder and --results, and nothing runs.  Read-only
# folders are tmpfs mounts in a private mount namespace (unshare -m): the
# host's mounts never change.
. "$(dirname "$0")/lib.sh"
need_root_and_namespaces

tmp=$(mktemp -d /tmp/whichns-results.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
scn="$top/fixtures/scenarios/repro.scn"
one=(-q -f =getip/inplace/default "$scn")

if [ -e /results ]; then
	skip "/results exists on this machine: cannot tell whether whichns made it" 3
else
	(cd / && "$W" run "${one[@]}") >/dev/null 2>"$tmp/err"
	is "$?" 2 "run from / without --results: exit 2"
	is "$(wc -l <"$tmp/err") $(grep -c -- '/results, in the root folder.*--results DIR' "$tmp/err")" "1 1" \
		"... one line naming /results and --results: $(cat "$tmp/err")"
	[ ! -e /results ]; ok $? "... and /results was not made"
fi

mkdir "$tmp/ro"
unshare -m sh -c 'mount -t tmpfs -o ro tmpfs "$1" && cd "$1" && shift && exec "$@"' sh \
	"$tmp/ro" "$W" run "${one[@]}" >/dev/null 2>"$tmp/err"
is "$?" 3 "a read-only working folder without --results: exit 3"
is "$(wc -l <"$tmp/err") $(grep -c -- "default results folder $tmp/ro/results: Read-only file system.*--results DIR" "$tmp/err")" "1 1" \
	"... one line naming the folder, the error and --results: $(cat "$tmp/err")"

mkdir -p "$tmp/rores"
unshare -m sh -c 'mount -t tmpfs -o ro tmpfs "$1" && shift && exec "$@"' sh \
	"$tmp/rores" "$W" run --results "$tmp/rores" "${one[@]}" >/dev/null 2>"$tmp/err"
is "$?" 3 "--results naming a read-only folder: exit 3"
is "$(wc -l <"$tmp/err") $(grep -c "cannot write $tmp/rores: Read-only file system; nothing ran" "$tmp/err")" "1 1" \
	"... one line naming it: $(cat "$tmp/err")"

mkdir "$tmp/work"
(cd "$tmp/work" && "$W" run "${one[@]}") >/dev/null 2>"$tmp/err"
rs=$?
[ -s "$tmp/work/results/latest/summary.json" ]; ok $? "from a folder of one's own: ./results made and used (exit $rs)"

is "$(leftovers)" "" "nothing left behind"
done_testing
