#!/usr/bin/env bash
# pool.t - servers kept across cases (harness/pool.h): each job slot's
# servers serve its next case with the same servers, and the cases stay
# what they were with servers of their own.
#  - the same verdicts as with WHICHNS_POOL=0 (every case its own);
#  - each case's dnsmasq logs hold exactly its own queries: as many as
#    its capture holds, none of the case before it (the readiness checks,
#    from ports 5742-5805, aside);
#  - a kept dnsmasq killed during a run: the case that held it says so
#    (it ended during the case), and the slot's next case gets servers
#    started anew;
#  - a daemon's TCP socket left in TIME_WAIT by one case does not keep
#    the next case's daemon from binding its port (a namespace a TCP
#    socket outlives its case in is not kept);
#  - nothing left: no .servers folder, no process, no namespace.
. "$(dirname "$0")/lib.sh"
need_root_and_namespaces

tmp=$(mktemp -d /tmp/whichns-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
scn="$top/fixtures/scenarios/matrix.scn"
filter=getip/inplace,res_ninit/inplace

verdicts() {   # verdicts RUN-FOLDER: "case verdict" lines, sorted
	for r in "$1"/[0-9]*/result.txt; do
		printf '%s %s\n' "$(field "$r" case)" "$(field "$r" verdict)"
	done | sort
}

"$W" run -q -j 2 --results "$tmp/kept" -f "$filter" "$scn" >/dev/null 2>"$tmp/kept.err"
is "$?" 0 "kept servers: exit 0"
WHICHNS_POOL=0 "$W" run -q -j 2 --results "$tmp/own" -f "$filter" "$scn" \
    >/dev/null 2>"$tmp/own.err"
is "$?" 0 "servers of each case's own: exit 0"
kept=$(readlink -f "$tmp/kept/latest")
ncases=$(verdicts "$kept" | wc -l)
[ "$ncases" -ge 8 ]; ok $? "kept servers: $ncases cases"
is "$(verdicts "$kept")" "$(verdicts "$tmp/own/latest")" \
   "the same verdicts with kept servers as with each case's own"
[ ! -e "$kept/.servers" ]; ok $? "the kept servers' folder is gone after the run"

# The queries of the process in a case's logs: those not from a
# readiness check's port.
logged() {
	cat "$1"/dnsmasq-*.log | grep -F 'query[' |
	    grep -vE '/(57(4[2-9]|[5-9][0-9])|580[0-5]) query' | wc -l
}
if command -v tshark >/dev/null; then
	bad=""
	for d in "$kept"/[0-9]*/; do
		wire=$(tshark -r "$d/capture.pcap" -Y 'dns.flags.response == 0' 2>/dev/null | wc -l)
		[ "$wire" -gt 0 ] && [ "$(logged "$d")" -eq "$wire" ] ||
			bad+="$(basename "$d"):$(logged "$d")/$wire "
	done
	is "$bad" "" "each case's logs hold its own queries, as many as its capture"
else
	skip "tshark not installed (scripts/deps.sh installs it)"
fi

# A kept dnsmasq killed during a run of one slot, whose cases all have
# the classic pair.
pair==getip/inplace/default,=getip/inplace/no-reload,=ghbn/inplace/default
pair+=,=ghbn/inplace/no-reload,=res_ninit/inplace/default,=res_ninit/inplace/no-reload
"$W" run -q -j 1 --results "$tmp/kill" -f "$pair" "$scn" >/dev/null \
    2>"$tmp/kill.err" &
runner=$!
for _ in $(seq 200); do
	ls "$tmp"/kill/*/001-*/result.txt >/dev/null 2>&1 && break
	sleep 0.05
done
pkill -KILL -f "dnsmasq.*$tmp/kill/.*/\.servers/" ; ok $? "a kept dnsmasq killed"
wait "$runner"
st=$?
run=$(readlink -f "$tmp/kill/latest")
cases=$(ls -d "$run"/[0-9]* | wc -l)
is "$cases" 6 "after the kill, every case ran (exit $st)"
odd=""
for r in "$run"/[0-9]*/result.txt; do
	v=$(field "$r" verdict) e=$(field "$r" error)
	case "$v:$e" in
	FOLLOWED:|STALE:) ;;
	# Killed between two cases, it ends while the next one starts.
	*"during the case"*|*"during start-up"*|*"before the case began"*) ;;
	*) odd+="$(field "$r" case)=$v($e) " ;;
	esac
done
is "$odd" "" "each case: its verdict, or that its server ended"
restarted=0
for d in $(ls -d "$run"/[0-9]* | tail -n +2); do
	head -1 "$d/dnsmasq-old.log" | grep -q 'started, version' &&
		restarted=$((restarted + 1))
done
is "$restarted" 1 "one later case had servers started anew (its log begins with dnsmasq's start)"
last=$(ls -d "$run"/[0-9]* | tail -1)
is "$(field "$last/result.txt" error)" "" "the last case ran without error"

# A daemon that binds a fixed TCP port without SO_REUSEADDR, talks to
# itself and closes first (its socket stays in TIME_WAIT for 60 s), in
# three cases of one slot.
if command -v python3 >/dev/null; then
	cat >"$tmp/tw.py" <<'EOF'
import socket, time
s = socket.socket()
try:
    s.bind(("127.0.0.1", 2525))
    print("bind ok", flush=True)
except OSError as e:
    print("bind failed:", e, flush=True)
else:
    s.listen()
    c = socket.create_connection(("127.0.0.1", 2525))
    a, _ = s.accept()
    a.close()
    time.sleep(0.05)
    c.close()
    s.close()
while True:
    try:
        socket.getaddrinfo("hat.com", 80)
    except OSError:
        pass
    time.sleep(0.1)
EOF
	cat >"$tmp/tw.scn" <<EOF
interval 100ms
window   500ms
before   2
[tw]
exec     python3 $tmp/tw.py
update   inplace rename symlink
EOF
	"$W" run -q -j 1 --results "$tmp/tw" "$tmp/tw.scn" >/dev/null 2>"$tmp/tw.err"
	binds=$(cat "$tmp"/tw/latest/[0-9]*/process.out 2>/dev/null | grep -c '^bind ok')
	is "$binds" 3 "a daemon binds its port in each of three cases of one slot"
else
	skip "python3 not installed"
fi

is "$(leftovers)" "" "nothing left: no process, no namespace, no mount"
done_testing
