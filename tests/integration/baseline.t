#!/usr/bin/env bash
# Expectations are a baseline checked against measurements: a changed
# baseline fails the run with the case's diff; reports are read by real
# consumers (prove for TAP, xmllint for JUnit); two runs at once do not
# collide.
. "$(dirname "$0")/lib.sh"
need_root_and_namespaces

res=$(mktemp -d /tmp/whichns-test.XXXXXX)
trap 'rm -rf "$res"' EXIT
scn="$top/fixtures/scenarios/repro.scn"

# An IPv6 old/new pair gives the IPv4 pair's verdicts (matrix.scn's
# [ipv6] against [matrix]): in every baseline, which the regression
# checks against what each C library measured, each /ipv6 case has a
# row and the verdict of the same case without it.
for f in "$top"/fixtures/expected/glibc-* "$top"/fixtures/expected/musl-*; do
	v6=$(awk '$1 ~ /\/ipv6$/ { n++ } END { print n + 0 }' "$f")
	diff=$(awk '!/^#/ && NF >= 2 { v[$1] = $2 }
		END { for (c in v) if (c ~ /\/ipv6$/) { b = c; sub(/\/ipv6$/, "", b);
			if (v[b] != v[c]) print c " " v[c] " but " b " " v[b] } }' "$f")
	is "$v6 $diff" "20 " "$(basename "$f"): 20 IPv6 cases, each with its IPv4 case's verdict"
done

cp -r "$top/fixtures/expected" "$res/exp"
sed -i 's|^getip/rename/default  *FOLLOWED|getip/rename/default STALE|' "$res/exp/glibc-2.36"
"$W" run -q --results "$res/a" --expected "$res/exp" -f getip -f default "$scn" >/dev/null 2>"$res/err"
is "$?" 1 "a baseline that disagrees with the measurement: exit 1"
grep -q '^-getip/rename/default STALE' "$res/err" && grep -q '^+getip/rename/default FOLLOWED' "$res/err"
ok $? "the case's diff is printed (expected STALE, measured FOLLOWED)"
grep -q 'not ok .* getip/rename/default' "$res/a/latest/results.tap"; ok $? "TAP has it as not ok"
# prove 3.44 knows TAP 13; our TAP 14 uses nothing newer, so a wrapper
# that names version 13 lets prove read it.
prove "$res/a/latest/results.tap" >/dev/null 2>&1
is "$?" 1 "prove reads results.tap and sees the failure"
grep -q '<failure message="verdict differs">' "$res/a/latest/junit.xml"; ok $? "JUnit has the failure"
xmllint --noout "$res/a/latest/junit.xml"; ok $? "junit.xml is well-formed"

# Two runs at once, each in its own namespaces and folder.
"$W" run -q --results "$res/b" -f getip "$scn" >/dev/null 2>&1 & p1=$!
"$W" run -q --results "$res/c" -f res_loop "$scn" >/dev/null 2>&1 & p2=$!
wait $p1; s1=$?
wait $p2; s2=$?
is "$s1 $s2" "0 0" "two runs at once both pass"
prove "$res/b/latest/results.tap" >/dev/null 2>&1
ok $? "prove reads a passing results.tap as passing"
is "$(leftovers)" "" "nothing left behind"
done_testing
