#!/usr/bin/env bash
# Ctrl-C tears every case down and says the results are incomplete;
# SIGKILL leaves nothing that "whichns cleanup" does not remove.
. "$(dirname "$0")/lib.sh"
need_root_and_namespaces

res=$(mktemp -d /tmp/whichns-test.XXXXXX)
trap 'rm -rf "$res"' EXIT
scn="$top/fixtures/scenarios/repro.scn"
# Until a case of the run in folder $1 is capturing (at most 10 s).
under_way() { for _ in $(seq 100); do ls "$1"/*/*/capture.pcap >/dev/null 2>&1 && return 0; sleep 0.1; done; return 1; }

"$W" run -q --results "$res/int" "$scn" >/dev/null 2>&1 &
pid=$!
under_way "$res/int"; ok $? "SIGINT: a case was under way"
kill -INT "$pid"
wait "$pid"
is "$?" 130 "SIGINT: exit status 130"
grep -q '"complete": false' "$res/int/latest/summary.json"; ok $? "SIGINT: summary.json says incomplete"
grep -q 'Interrupted' "$res/int/latest/summary.md"; ok $? "SIGINT: summary.md says interrupted"
is "$(leftovers)" "" "SIGINT: nothing left behind"

# Interrupted while cases run chrooted in a root filesystem: nothing stays
# mounted inside it.
"$W" run -q --results "$res/rootfs" --libc bookworm -f getip "$scn" >/dev/null 2>&1 &
pid=$!
under_way "$res/rootfs"; ok $? "SIGINT in a root filesystem: a case was under way"
kill -INT "$pid"
wait "$pid"
is "$?" 130 "SIGINT during root filesystem cases: exit status 130"
is "$(leftovers)" "" "SIGINT during root filesystem cases: nothing mounted or running"

"$W" run -q --results "$res/kill" "$scn" >/dev/null 2>&1 &
pid=$!
under_way "$res/kill"; ok $? "SIGKILL: a case was under way"
kill -KILL "$pid"
wait "$pid" 2>/dev/null
"$W" cleanup >/dev/null
ok $? "cleanup after SIGKILL exits 0"
for _ in 1 2 3 4 5 6 7 8 9 10; do [ -z "$(leftovers)" ] && break; sleep 0.2; done
is "$(leftovers)" "" "SIGKILL + cleanup: nothing left behind"
done_testing
