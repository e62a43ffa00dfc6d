#!/usr/bin/env bash
# Shards of one matrix, merged, give the same verdicts as one full run:
# a CI system's own job matrix can spread a large run over machines.
. "$(dirname "$0")/lib.sh"
need_root_and_namespaces

res=$(mktemp -d /tmp/whichns-test.XXXXXX)
trap 'rm -rf "$res"' EXIT
scn="$top/fixtures/scenarios/matrix.scn"
sel=(-f getip,res_loop,res_ninit -f inplace,rename,bind-rename)
verdicts() { for r in "$1"/*/result.txt; do printf '%s %s\n' "$(field "$r" case)" "$(field "$r" verdict)"; done | sort; }

"$W" run -q --results "$res/full" "${sel[@]}" "$scn" >/dev/null 2>&1
ok $? "the full run passes"
"$W" run -q --results "$res/s1" --shard 1/2 "${sel[@]}" "$scn" >/dev/null 2>&1
ok $? "shard 1/2 passes"
"$W" run -q --results "$res/s2" --shard 2/2 "${sel[@]}" "$scn" >/dev/null 2>&1
ok $? "shard 2/2 passes"
full=$(verdicts "$res/full/latest")
n1=$(find "$res/s1/latest/" -mindepth 1 -maxdepth 1 -type d | wc -l)
n2=$(find "$res/s2/latest/" -mindepth 1 -maxdepth 1 -type d | wc -l)
is "$((n1 + n2))" "$(echo "$full" | wc -l)" "the shards hold every case once ($n1 + $n2)"
"$W" merge --results "$res/m" "$res/s1/latest" "$res/s2/latest" >/dev/null 2>&1
ok $? "merge exits 0"
is "$(verdicts "$res/m/latest")" "$full" "merged verdicts equal the full run's"
grep -q '"complete": true' "$res/m/latest/summary.json"; ok $? "the merged summary is complete"
"$W" merge --results "$res/m2" "$res/s1/latest" "$res/s1/latest" >/dev/null 2>"$res/err"
is "$?" 2 "merging the same shard twice is refused"
grep -q 'appears in two runs' "$res/err"; ok $? "... and says so"
"$W" merge --results "$res/m3" /tmp >/dev/null 2>"$res/err"
is "$?" 2 "merging a folder that is no run is refused"
done_testing
