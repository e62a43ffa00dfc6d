#!/usr/bin/env bash
# CI outputs that never pass falsely: Debian's own prove reads results.tap;
# an INCONCLUSIVE case has an exit status of its own (4) and shows as a
# skip, or fails under --strict; a diff says where its expectation came
# from; --json prints valid UTF-8 JSON lines whatever the command line
# held; exec leaves results/latest to run; and scripts/ci-shards.sh, the
# commands of doc/ci.md's jobs, runs shards, merges them and fails one
# shard alone.
. "$(dirname "$0")/lib.sh"
need_root_and_namespaces

tmp=$(mktemp -d /tmp/whichns-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
scn="$top/fixtures/scenarios/repro.scn"
# valid_json FILE: every line of FILE is one JSON value in strict UTF-8
# (JSON::PP, core Perl, croaks on malformed UTF-8).
valid_json() { perl -MJSON::PP -ne 'JSON::PP->new->utf8->decode($_); $n++; END { exit !$n }' "$1" 2>/dev/null; }
utf8() { iconv -f UTF-8 -t UTF-8 "$1" >/dev/null 2>&1; }

# 1. The issue's own example: a program that never resolves.
"$W" exec --timeout 3s --results "$tmp/r" -- sleep 100 >/dev/null 2>"$tmp/err"
is "$?" 4 "exec --timeout 3s -- sleep 100: exit 4 (INCONCLUSIVE)"
tap="$tmp/r/latest-exec/results.tap"
is "$(head -n 1 "$tap")" "TAP version 13" "results.tap says TAP version 13"
grep -q '^ok 1 - exec # SKIP inconclusive: no query reached the old server' "$tap"
ok $? "TAP: the INCONCLUSIVE case is a visible skip with its reason, not a plain ok"
grep -q '<skipped message="inconclusive: no query reached the old server' "$tmp/r/latest-exec/junit.xml"
ok $? "JUnit: the INCONCLUSIVE case is <skipped>"
grep -q 'skipped="1"' "$tmp/r/latest-exec/junit.xml"; ok $? "JUnit counts it as skipped"
grep -q '"outcome": "INCONCLUSIVE"' "$tmp/r/latest-exec/summary.json"; ok $? "summary.json: outcome INCONCLUSIVE"
grep -q '^whichns: exec is INCONCLUSIVE: no query reached' "$tmp/err"; ok $? "stderr names the case and the reason"
grep -q ' 1 inconclusive,' "$tmp/err"; ok $? "the closing line counts it"
prove "$tap" >"$tmp/prove" 2>&1; ok $? "Debian's prove reads results.tap ($(prove --version | cut -d' ' -f2))"
[ -L "$tmp/r/latest-exec" ] && [ ! -e "$tmp/r/latest" ]
ok $? "exec points results/latest-exec at its run, and leaves results/latest alone"

"$W" exec -q --strict --timeout 2s --results "$tmp/r" -- sleep 100 >/dev/null 2>&1
is "$?" 1 "--strict: INCONCLUSIVE exits 1"
grep -q '^not ok 1 - exec INCONCLUSIVE$' "$tmp/r/latest-exec/results.tap"; ok $? "--strict: TAP not ok"
grep -q '<failure message="inconclusive (--strict)">' "$tmp/r/latest-exec/junit.xml"; ok $? "--strict: JUnit <failure>"
! prove "$tmp/r/latest-exec/results.tap" >/dev/null 2>&1; ok $? "--strict: prove fails it"

"$W" exec -q --expect INCONCLUSIVE --timeout 2s --results "$tmp/r" -- sleep 100 >/dev/null 2>&1
is "$?" 0 "--expect INCONCLUSIVE: as expected, exit 0"
grep -q '^ok 1 - exec INCONCLUSIVE$' "$tmp/r/latest-exec/results.tap"; ok $? "--expect INCONCLUSIVE: TAP ok"

# 2. A diff names where the expectation came from.
"$W" exec --expect STALE --timeout 2s --results "$tmp/r" -- sleep 100 >/dev/null 2>"$tmp/err"
is "$?" 1 "--expect STALE, INCONCLUSIVE measured: exit 1"
grep -q '^--- expected (--expect on the command line)$' "$tmp/err"; ok $? "the diff says the expectation came from --expect"
! grep -q 'fixtures/expected' "$tmp/err"; ok $? "... and names no baseline file"

key=$(echo "glibc $(getconf GNU_LIBC_VERSION | cut -d' ' -f2)" | tr ' ' -)
mkdir "$tmp/exp" && echo "getip/inplace/default STALE wrong on purpose" >"$tmp/exp/$key"
"$W" run -q --expected "$tmp/exp" --results "$tmp/b" -f =getip/inplace/default "$scn" >/dev/null 2>"$tmp/err"
is "$?" 1 "a baseline that differs: exit 1"
grep -qxF -- "--- expected ($tmp/exp/$key)" "$tmp/err"; ok $? "the diff names the baseline file ($key)"

# 3. --json: one line per case on stdout, nothing else, valid UTF-8
# even when the command line holds Latin-1.
# (sh -c, so the byte is an argument that does not make the command fail
# before its first lookup: that could not run, exit 3.)
"$W" exec -q --json --timeout 2s --results "$tmp/r" -- sh -c 'sleep 100' "caf$(printf '\351')" >"$tmp/json" 2>/dev/null
is "$?" 4 "exec --json: the same exit status"
is "$(wc -l <"$tmp/json")" 1 "exec --json: one line on stdout"
valid_json "$tmp/json"; ok $? "exec --json: the line is JSON, in valid UTF-8"
grep -qF "\"command\": \"sh -c 'sleep 100' 'caf$(printf '\357\277\275')'\"" "$tmp/json"
ok $? "exec --json: the Latin-1 byte is U+FFFD"
utf8 "$tmp/r/latest-exec/summary.json" && valid_json <(tr -d '\n' <"$tmp/r/latest-exec/summary.json")
ok $? "summary.json of that command line is valid UTF-8 JSON"
utf8 "$tmp/r/latest-exec/junit.xml" && xmllint --noout "$tmp/r/latest-exec/junit.xml" 2>/dev/null
ok $? "junit.xml of that command line is valid UTF-8 XML"
# The line has the keys of summary.json's case object, plus "run".
keys() { perl -MJSON::PP -0777 -ne '$d = JSON::PP->new->utf8->decode($_); $c = $ARGV =~ /summary/ ? $d->{cases}[0] : $d; print join(",", sort keys %$c), "\n"' "$1"; }
is "$(keys "$tmp/json")" "$(keys "$tmp/r/latest-exec/summary.json" | sed 's/^/run,/' | tr , '\n' | sort | paste -sd, -)" \
	"exec --json: the keys of summary.json's case object, and run"

"$W" run --json -j 2 --results "$tmp/a" -f =getip/inplace/default,=getip/rename/default "$scn" >"$tmp/json" 2>"$tmp/err"
is "$?" 0 "an all-pass run with --json: exit 0"
is "$(wc -l <"$tmp/json")" 2 "run --json: a line per case, no table on stdout"
valid_json "$tmp/json"; ok $? "run --json: every line is JSON"
grep -q '^\[2/2\]' "$tmp/err"; ok $? "run --json: progress lines on stderr"
prove "$tmp/a/latest/results.tap" >/dev/null 2>&1; ok $? "an all-pass run: Debian's prove passes results.tap"

# 4. The commands of doc/ci.md's jobs, on this machine: two shards, the
# merge, prove, and one shard alone failing.
ci="$top/scripts/ci-shards.sh"
k=$("$ci" key); [[ $k =~ ^whichns-rootfs-[0-9a-f]{16}$ ]]; ok $? "ci-shards.sh key: $k"
B=$B WHICHNS_CI_LIBCS=host WHICHNS_CI_FILTER==getip/inplace/default,=getip/rename/default,=res_loop/inplace/default WHICHNS_CI_RESULTS="$tmp/ci" \
	"$ci" self-test 2 >"$tmp/ci.out" 2>&1
st=$?
is "$st" 0 "ci-shards.sh self-test 2: shards, merge, prove, one shard alone fails"
[ "$st" -eq 0 ] || sed 's/^/# /' "$tmp/ci.out" | tail -n 20
grep -q 'merging shard 1 of 2 alone fails, as it must' "$tmp/ci.out"; ok $? "... it checked the lone shard"
for f in junit.xml results.tap summary.md; do
	[ -s "$tmp/ci/$f" ]; ok $? "ci-shards.sh leaves $f at a fixed path for the CI to upload"
done
is "$(grep -c '^ok ' "$tmp/ci/results.tap")" "$(ls "$tmp"/ci/merged/latest/*/result.txt | wc -l)" \
	"the merged TAP has a passing line per case"
is "$(leftovers)" "" "nothing left behind"
done_testing
