#!/usr/bin/env bash
# whichns watch (doc/watch.md): on the host, while three cases run
# processes whose behaviour the harness knows - a no-reload getip (keeps
# the old server: stale), a default getip (follows) and a default getip
# in the bookworm root filesystem with resolv.conf files of its own (a
# container: its own root, mount namespace and servers) - watch names
# exactly the stale one by PID, with the server it still uses, and its
# counts equal tshark's recount of each case's capture.  Its --json and
# -w outputs are read by a JSON parser and by tshark; a filtered watch
# lists a quiet process as NO QUERIES; where BPF cannot run it says so
# in one line (exit 3); killed, it leaves no program attached.  A watch
# started after the switch with --for counts what tshark recounts over
# its own period; behind systemd-resolved the process is LOCAL and
# resolved, asking its upstreams, a FORWARDER.
. "$(dirname "$0")/lib.sh"
need_root_and_namespaces

tmp=$(mktemp -d /tmp/whichns-test.XXXXXX)
trap 'kill $sleeper 2>/dev/null; rm -rf "$tmp"' EXIT
sleep 300 & sleeper=$!

# Bad usage: one line, exit 2, no folder.
expect 2 "^whichns: --for '10': give a duration with its unit" "watch --for 10" -- \
	"$W" watch --for 10 --results "$tmp/bad"
expect 2 "^whichns: --pid 999999999: no such process" "watch --pid of no process" -- \
	"$W" watch --pid 999999999 --results "$tmp/bad"
expect 2 "give one of them" "watch --pid and --comm" -- \
	"$W" watch --pid $$ --comm x --results "$tmp/bad"
expect 2 "takes no arguments" "watch with an argument" -- \
	"$W" watch getip --results "$tmp/bad"
[ ! -e "$tmp/bad" ]; ok $? "bad usage wrote no results folder"

# Where BPF cannot run: a user namespace (root there is nobody to the
# kernel's bpf()), and a user that is not root.  One line, exit 3.
expect 3 "^whichns watch: .*BPF" "watch in a user namespace" -- \
	unshare -U -r "$W" watch --for 1s --results "$tmp/userns"
is "$(wc -l <"$tmp/err")" 1 "... one line"
[ ! -e "$tmp/userns" ] || [ -z "$(ls -A "$tmp/userns")" ]; ok $? "... no evidence folder"
chmod 755 "$tmp"
expect 3 "^whichns watch: needs root" "watch as nobody" -- \
	setpriv --reuid=65534 --regid=65534 --clear-groups "$W" watch --for 1s --results "$tmp/nobody"

# The three cases, run while watch runs.
cat >"$tmp/watch.scn" <<'EOF'
interval 50ms
before   3
window   4s

[host]
probe    getip
options  default no-reload

[container]
probe    getip
libc     bookworm
resolv-before nameserver 198.51.100.30
resolv-after  nameserver 198.51.100.40
EOF
"$W" watch --json -w "$tmp/w.pcapng" --results "$tmp/wr" >"$tmp/watch.json" 2>"$tmp/watch.err" &
wpid=$!
for _ in $(seq 100); do grep -q attached "$tmp/watch.err" && break; sleep 0.1; done
grep -q "^whichns watch: attached" "$tmp/watch.err"; ok $? "watch says when it is attached"
"$W" run -q -j 3 --results "$tmp/runs" "$tmp/watch.scn" >"$tmp/run.out" 2>&1
is "$?" 0 "the three cases ran as expected"
kill -INT "$wpid"; wait "$wpid"; wrc=$?
is "$wrc" 1 "watch, ended by Ctrl-C: exit 1 (a process is stale)"

run=$(readlink -f "$tmp/runs/latest")
casedir() { ls -d "$run"/[0-9][0-9][0-9]-"$1" | head -1; }
pid_of() { awk -F'\t' '$4 == "getip" { print $1; exit }' "$(casedir "$1")/processes.tsv"; }
stale_pid=$(pid_of getip_inplace_no-reload)
follow_pid=$(pid_of getip_inplace_default)
box_pid=$(pid_of bookworm_getip_inplace_default_container)
[ -n "$stale_pid" ] && [ -n "$follow_pid" ] && [ -n "$box_pid" ]
ok $? "the cases' processes are known ($stale_pid, $follow_pid, $box_pid)"

json=$tmp/watch.json
summary() { tail -n 1 "$json"; }
verdict_of() {
	summary | python3 -c 'import json, sys
s = json.load(sys.stdin)
rows = [r for r in s["processes"] if r["pid"] == int(sys.argv[1])]
print(rows[0]["verdict"] if rows else "absent")' "$1"
}
is "$(verdict_of "$stale_pid")" STALE "the no-reload process is STALE"
is "$(verdict_of "$follow_pid")" FOLLOWED "the default process FOLLOWED"
is "$(verdict_of "$box_pid")" FOLLOWED "the process in its own root and mount namespace FOLLOWED"
# Of every process the cases ran (their processes.tsv), exactly the
# stale one needs a restart.  (whichns itself asks each case's servers
# whether they are up before the case starts, from the case's network
# with the host's resolv.conf: stale too, truly, and not a case's
# process; nor is anything else this host runs meanwhile.)
case_pids=$(awk -F'\t' 'FNR > 1 { print $1 }' "$run"/[0-9][0-9][0-9]-*/processes.tsv | sort -u | xargs)
stale_rows=$(summary | python3 -c 'import json, sys
s = json.load(sys.stdin)
ours = set(int(p) for p in sys.argv[1].split())
print(" ".join(str(r["pid"]) for r in s["processes"] if r["needs_restart"] and r["pid"] in ours))' "$case_pids")
is "$stale_rows" "$stale_pid" "of the cases' processes ($case_pids), exactly the stale one needs a restart, by PID"
grep -q "getip (pid $stale_pid)" "$tmp/wr/latest-watch/report.md"; ok $? "report.md names it with its PID"
grep -q "198.51.100.10" <<<"$(summary | python3 -c 'import json, sys
s = json.load(sys.stdin)
r = [r for r in s["processes"] if r["pid"] == int(sys.argv[1])][0]
print(" ".join(x["server"] for x in r["servers"] if x["stale"] > 0))' "$stale_pid")"
ok $? "... with the server it still uses (198.51.100.10)"

# Every line of --json is JSON; the summary is the last.
python3 -c 'import json, sys
for line in open(sys.argv[1]): json.loads(line)' "$tmp/watch.json"
ok $? "--json: every line parses"
is "$(summary | python3 -c 'import json, sys; print(json.load(sys.stdin)["type"])')" summary "--json: the last line is the summary"

# Counts: watch's queries per process equal tshark's recount of the
# case's capture (queries from the case's client, any server).
queries_of() {
	summary | python3 -c 'import json, sys
s = json.load(sys.stdin)
r = [r for r in s["processes"] if r["pid"] == int(sys.argv[1])]
print(r[0]["queries"] if r else 0)' "$1"
}
for c in getip_inplace_no-reload getip_inplace_default bookworm_getip_inplace_default_container; do
	p=$(pid_of "$c")
	t=$(tshark -r "$(casedir "$c")/capture.pcap" -Y "dns.flags.response == 0 && (ip.src == 198.51.100.2 || ipv6.src == 2001:db8:100::2)" 2>/dev/null | wc -l)
	is "$(queries_of "$p")" "$t" "$c: watch counts the queries tshark recounts ($t)"
done

# -w: tshark reads it; each packet's comment names its process.
npk=$(tshark -r "$tmp/w.pcapng" -Y "frame.comment contains \"pid $stale_pid \"" 2>/dev/null | wc -l)
is "$npk" "$(queries_of "$stale_pid")" "-w: tshark reads the stale process's packets by their comment"

# The evidence folder.
ev="$tmp/wr/latest-watch"
for f in report.md events.tsv timeline.svg summary.json; do
	[ -s "$ev/$f" ]; ok $? "evidence: $f"
done
xmllint --noout "$ev/timeline.svg" 2>/dev/null; ok $? "timeline.svg is well-formed"
[ -z "$(find "$tmp/wr" "$tmp" -maxdepth 3 -name '*.part')" ]; ok $? "no .part file is left"
grep -c "	$stale_pid	" "$ev/events.tsv" >/dev/null; ok $? "events.tsv has the stale process's events"

# As a support engineer runs it: the cases' resolv.conf has changed when
# the watch starts, and --for ends it.  Its counts equal tshark's recount
# of each capture over the watch's own period (the summary's t0 to t1).
"$W" run -q -j 3 --results "$tmp/runs2" "$tmp/watch.scn" >"$tmp/run2.out" 2>&1 &
rpid=$!
sleep 2
"$W" watch --for 2s --json --results "$tmp/wr2" >"$tmp/watch2.json" 2>"$tmp/watch2.err"
is "$?" 1 "watch --for 2s after the switch: exit 1 (a process is stale)"
wait "$rpid"; is "$?" 0 "... the cases ran as expected"
run=$(readlink -f "$tmp/runs2/latest") json=$tmp/watch2.json
stale_pid=$(pid_of getip_inplace_no-reload)
is "$(verdict_of "$stale_pid") $(verdict_of "$(pid_of getip_inplace_default)") $(verdict_of "$(pid_of bookworm_getip_inplace_default_container)")" \
	"STALE FOLLOWED FOLLOWED" "... STALE, FOLLOWED, FOLLOWED"
read -r t0 t1 <<<"$(summary | python3 -c 'import calendar, json, sys, time
s = json.load(sys.stdin)
def epoch(t):
    day, frac = t.rstrip("Z").split(".")
    return "%d.%s" % (calendar.timegm(time.strptime(day, "%Y-%m-%dT%H:%M:%S")), frac)
print(epoch(s["t0"]), epoch(s["t1"]))')"
for c in getip_inplace_no-reload getip_inplace_default bookworm_getip_inplace_default_container; do
	t=$(tshark -r "$(casedir "$c")/capture.pcap" -Y "dns.flags.response == 0 && (ip.src == 198.51.100.2 || ipv6.src == 2001:db8:100::2) && frame.time_epoch >= $t0 && frame.time_epoch <= $t1" 2>/dev/null | wc -l)
	if [ "$t" -gt 0 ]; then
		is "$(queries_of "$(pid_of "$c")")" "$t" "$c: over the watch's 2 s, watch counts what tshark recounts ($t)"
	else
		ok 1 "$c: tshark found queries in the watch's period ($t0 to $t1)"
	fi
done

# A local stub: the process asks systemd-resolved at 127.0.0.53 (LOCAL:
# the question moves there) and resolved, which serves DNS itself, asks
# the servers of its own configuration (FORWARDER: shown, not judged).
cache=${WHICHNS_CACHE:-/var/cache/whichns}
if [ -s "$cache/rootfs/trixie-resolved/.whichns-stamp" ]; then
	"$W" watch --json --results "$tmp/wr3" >"$tmp/watch3.json" 2>"$tmp/watch3.err" &
	wpid=$!
	for _ in $(seq 100); do grep -q attached "$tmp/watch3.err" && break; sleep 0.1; done
	"$W" exec -q --results "$tmp/stub" --stub resolved --interval 100ms --window 2s \
		-- "$top/$B/repro/getip" -i 100 hat.com >/dev/null 2>&1
	is "$?" 0 "exec --stub resolved ran under a watch"
	kill -INT "$wpid"; wait "$wpid"
	json=$tmp/watch3.json
	p=$(awk -F'\t' '$4 == "getip" { print $1; exit }' "$tmp/stub/latest-exec/001-exec/processes.tsv")
	is "$(verdict_of "$p")" LOCAL "the process asking 127.0.0.53 is LOCAL"
	is "$(summary | python3 -c 'import json, sys
s = json.load(sys.stdin)
print(" ".join(sorted(set(r["verdict"] for r in s["processes"] if r["comm"] == "systemd-resolve"))))')" \
		FORWARDER "systemd-resolved, asking its upstreams, is a FORWARDER"
	grep -q "127.0.0.53" "$tmp/wr3/latest-watch/report.md"; ok $? "report.md names the local resolver asked"
else
	skip "no trixie-resolved tree in $cache/rootfs (scripts/mkrootfs.sh trixie-resolved)" 4
fi

# A filtered watch: a quiet process is listed as NO QUERIES; --for ends it.
"$W" watch --for 1s --pid "$sleeper" --results "$tmp/wq" >"$tmp/q.out" 2>"$tmp/q.err"
is "$?" 0 "watch --for 1s --pid (quiet): exit 0"
grep -q "NO QUERIES" "$tmp/q.out"; ok $? "... the quiet process is listed as NO QUERIES"
"$W" watch --for 1s --comm sleep --json --results "$tmp/wq" >"$tmp/q.json" 2>"$tmp/q.err"
json=$tmp/q.json
is "$(verdict_of "$sleeper")" "NO QUERIES" "watch --comm sleep lists the quiet sleep by PID as NO QUERIES"
"$W" watch --for 1s --cgroup /no/such/cgroup --results "$tmp/wq" >"$tmp/q.out" 2>"$tmp/q.err"
is "$?" 0 "watch --cgroup of no process: exit 0"
grep -q "no process matches cgroup /no/such/cgroup now" "$tmp/q.err"; ok $? "... and says no process matches it now"

# Killed, it leaves nothing attached: the programs it held (their ids,
# from its descriptors) are gone, whatever else runs on the host.
"$W" watch --results "$tmp/wk" >/dev/null 2>"$tmp/k.err" &
kpid=$!
for _ in $(seq 100); do grep -q attached "$tmp/k.err" && break; sleep 0.1; done
ids=$(cat /proc/$kpid/fdinfo/* 2>/dev/null | awk '$1 == "prog_id:" { print $2 }' | sort -u | xargs)
[ "$(wc -w <<<"$ids")" -ge 6 ]; ok $? "while watching, it holds its programs ($ids)"
kill -KILL "$kpid"; wait "$kpid" 2>/dev/null
gone() { for id in $ids; do bpftool prog show id "$id" >/dev/null 2>&1 && return 1; done; return 0; }
for _ in $(seq 50); do gone && break; sleep 0.1; done
gone; ok $? "SIGKILL: none of its programs is left"
[ -z "$(ls /sys/fs/bpf 2>/dev/null)" ]; ok $? "... and nothing pinned in /sys/fs/bpf"

done_testing
