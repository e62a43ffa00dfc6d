#!/usr/bin/env bash
# Shards of one matrix, merged, give the same verdicts as one full run:
# a CI system's own job matrix can spread a large run over machines.
. "$(dirname "$0")/lib.sh"
need_root_and_namespaces

res=$(mktemp -d /tmp/whichns-test.XXXXXX)
trap 'rm -rf "$res"' EXIT
scn="$top/fixtures/scenarios/matrix.scn"
sel=(-f getip,res_loop,res_ninit -f inplace,rename,bind-rename -f matrix)
verdicts() { for r in "$1"/*/result.txt; do printf '%s %s\n' "$(field "$r" case)" "$(field "$r" verdict)"; done | sort; }

"$W" run -q --results "$res/full" "${sel[@]}" "$scn" >/dev/null 2>&1
ok $? "the full run passes"
"$W" run -q --results "$res/s1" --shard 1/2 "${sel[@]}" "$scn" >/dev/null 2>&1
ok $? "shard 1/2 passes"
"$W" run -q --results "$res/s2" --shard 2/2 "${sel[@]}" "$scn" >/dev/null 2>&1
ok $? "shard 2/2 passes"
full=$(verdicts "$res/full/latest")
n1=$(ls "$res"/s1/latest/*/result.txt | wc -l)
n2=$(ls "$res"/s2/latest/*/result.txt | wc -l)
is "$((n1 + n2))" "$(echo "$full" | wc -l)" "the shards hold every case once ($n1 + $n2)"
total=$(echo "$full" | wc -l)
is "$(field "$res/s1/latest/run.txt" shard_k)/$(field "$res/s1/latest/run.txt" shard_n) $(field "$res/s1/latest/run.txt" matrix)" \
	"1/2 $total" "a shard's run.txt names its shard and the matrix size"
grep -q "\"shard\": \"2/2\",\$" "$res/s2/latest/summary.json" &&
	grep -q "\"matrix\": $total,\$" "$res/s2/latest/summary.json"
ok $? "a shard's summary.json names its shard and the matrix size"
"$W" merge --results "$res/m" "$res/s1/latest" "$res/s2/latest" >/dev/null 2>&1
ok $? "merge exits 0"
is "$(verdicts "$res/m/latest")" "$full" "merged verdicts equal the full run's"
grep -q '"complete": true' "$res/m/latest/summary.json"; ok $? "the merged summary is complete"
is "$(field "$res/m/latest/run.txt" complete) $(field "$res/m/latest/run.txt" cases)" \
	"yes $total" "the merged run.txt says complete, with every case"
prove "$res/m/latest/results.tap" >/dev/null 2>&1; ok $? "Debian's prove passes the merged results.tap"

# The merged run holds copies, not links: CI moves artifacts around.
is "$(find "$res/m/latest/" -type l | wc -l)" 0 "the merged run folder holds no links"
mv "$res/s1" "$res/s1x" && mv "$res/s2" "$res/s2x"
good=0; for d in "$res"/m/latest/*/; do [ -s "$d/report.md" ] && [ -s "$d/capture.pcap" ] && good=$((good + 1)); done
is "$good" "$total" "with the shards moved away, every merged case folder has its report and capture"
mv "$res/s1x" "$res/s1" && mv "$res/s2x" "$res/s2"

# One shard of two is not the matrix: exit 1, one line naming the
# missing shard, a summary that says incomplete, and a TAP that fails.
"$W" merge --results "$res/m1" "$res/s1/latest" >/dev/null 2>"$res/err"
is "$?" 1 "merging one shard of two: exit 1"
grep -q "merge: shard 2/2 of the $total-case matrix is missing: the merged run is incomplete" "$res/err"
ok $? "merging one shard of two: names the missing shard"
grep -q '"complete": false' "$res/m1/latest/summary.json"; ok $? "merging one shard of two: the summary is incomplete"
grep -q "of $total cases finished" "$res/err"; ok $? "merging one shard of two: says how many of the matrix finished"
prove "$res/m1/latest/results.tap" >/dev/null 2>&1
[ "$?" -ne 0 ]; ok $? "merging one shard of two: prove fails the TAP"

"$W" merge --results "$res/m2" "$res/s1/latest" "$res/s1/latest" >/dev/null 2>"$res/err"
is "$?" 2 "merging the same shard twice is refused"
grep -q 'are both shard 1/2: merge each shard once' "$res/err"; ok $? "... and says so"
"$W" run -q --results "$res/s3" --shard 2/3 "${sel[@]}" "$scn" >/dev/null 2>&1
"$W" merge --results "$res/m4" "$res/s1/latest" "$res/s3/latest" >/dev/null 2>"$res/err"
is "$?" 2 "merging shards of different splits is refused"
grep -q 'merge the shards of one matrix only' "$res/err"; ok $? "... and says so"

# Shards of two matrices of one size (the same split, other filters):
# each names its matrix (matrix_id: the first 16 hex digits of the
# SHA-256 of its case names, one per line, in order, before sharding),
# and merge refuses them in one line naming both shards.
cat >"$res/two.scn" <<'EOF2'
probe    getip res_loop
update   inplace rename
interval 50ms
window   600ms
EOF2
mid() { "$W" run --check "$@" "$res/two.scn" | sed 's/^[0-9]* cases*: //; s/, /\n/g' |
	while IFS= read -r c; do printf '%s\n' "$c"; done | sha256sum | cut -c1-16; }
"$W" run -q --results "$res/g" --shard 1/2 -f getip "$res/two.scn" >/dev/null 2>&1
ok $? "shard 1/2 of the getip matrix passes"
"$W" run -q --results "$res/r" --shard 2/2 -f res_loop "$res/two.scn" >/dev/null 2>&1
ok $? "shard 2/2 of the res_loop matrix passes"
is "$(field "$res/g/latest/run.txt" matrix) $(field "$res/r/latest/run.txt" matrix)" "2 2" \
	"both matrices have 2 cases"
gid=$(field "$res/g/latest/run.txt" matrix_id)
is "$gid" "$(mid -f getip)" "run.txt's matrix_id is the digest of the whole matrix's case names ($gid)"
is "$(field "$res/r/latest/run.txt" matrix_id)" "$(mid -f res_loop)" "... for the other matrix too"
grep -q "\"matrix_id\": \"$gid\",\$" "$res/g/latest/summary.json"; ok $? "summary.json names it too"
is "$(field "$res/s1/latest/run.txt" matrix_id)" "$(field "$res/s2/latest/run.txt" matrix_id)" \
	"the shards of one matrix have one matrix_id"
is "$(field "$res/m/latest/run.txt" matrix_id)" "$(field "$res/s1/latest/run.txt" matrix_id)" \
	"the merged run keeps it"
"$W" merge --results "$res/m5" "$res/g/latest" "$res/r/latest" >/dev/null 2>"$res/err"
is "$?" 2 "merging shards of two matrices of one size is refused"
is "$(wc -l <"$res/err")" 1 "... in one line"
grep -q "merge: $res/g/latest is shard 1/2 of matrix $gid, $res/r/latest shard 2/2 of matrix [0-9a-f]\{16\} .*merge the shards of one matrix only" "$res/err"
ok $? "... naming both shards and their matrices: $(cat "$res/err")"
[ ! -e "$res/m5/latest" ]; ok $? "... and writes no merged run"
"$W" merge --results "$res/m3" /tmp >/dev/null 2>"$res/err"
is "$?" 2 "merging a folder that is no run is refused"

# A shard that was interrupted, or killed before it wrote its reports: the
# merge says which shard, marks the merged run incomplete and exits 1
# (cases did not run), never 130 (nobody interrupted the merge).
saved() { for _ in $(seq 100); do ls "$1"/*/*/result.txt >/dev/null 2>&1 && return 0; sleep 0.1; done; return 1; }
"$W" run -q --results "$res/si" --shard 2/2 "${sel[@]}" "$scn" >/dev/null 2>&1 &
pid=$!
saved "$res/si"; ok $? "interrupted shard: a case was saved"
kill -INT "$pid"
wait "$pid"
is "$?" 130 "interrupted shard: the shard itself exits 130"
"$W" merge --results "$res/mi" "$res/s1/latest" "$res/si/latest" >/dev/null 2>"$res/err"
is "$?" 1 "merge with an interrupted shard: exit 1"
grep -q "merge: $res/si/latest was interrupted .*the merged run is incomplete; run that shard again" "$res/err"
ok $? "merge with an interrupted shard: names the shard"
grep -q '"complete": false' "$res/mi/latest/summary.json"; ok $? "merge with an interrupted shard: the merged summary is incomplete"
is "$(field "$res/si/latest/run.txt" complete)" no "the interrupted shard's run.txt says complete no"

"$W" run -q --results "$res/sk" --shard 2/2 "${sel[@]}" "$scn" >/dev/null 2>&1 &
pid=$!
saved "$res/sk"; ok $? "killed shard: a case was saved"
kill -KILL "$pid"
wait "$pid" 2>/dev/null
for _ in $(seq 50); do [ -z "$(leftovers)" ] && break; sleep 0.2; done
killed=$(ls -d "$res"/sk/2*/)
"$W" merge --results "$res/mk" "$res/s1/latest" "$killed" >/dev/null 2>"$res/err"
is "$?" 1 "merge with a killed shard: exit 1"
grep -q "has no run.txt (its run was killed" "$res/err"; ok $? "merge with a killed shard: says it has no run.txt"
done_testing
