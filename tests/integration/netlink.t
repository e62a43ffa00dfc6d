#!/usr/bin/env bash
# netlink.t - a case's network without `ip`: topo.c sets up every link,
# address, neighbour and route with rtnetlink (harness/rtnl.c).  An `ip`
# first in PATH that writes down each call and fails must be called by
# no case: the classic pair, a set with IPv6 servers and twins (a down
# and a slow server), and nscd's side namespace; each case still gives
# its verdict from packets the servers answered.  WHICHNS_TRACE=1 names
# each step of a case once, in the order the case runs them.  The
# capture holds none of the case's readiness checks (DNS ID 0x5742 from
# ports 5742-5805: capture.c leaves them out), and every query of the
# process (read by tshark), which the servers' logs all hold.  A case's
# namespace has a UDP hash table of its own (runner.c, run_netns), and
# the host's setting for it is as it was.
. "$(dirname "$0")/lib.sh"
need_root_and_namespaces

tmp=$(mktemp -d /tmp/whichns-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/bin"
cat >"$tmp/bin/ip" <<EOF
#!/bin/sh
echo "ip \$*" >>"$tmp/ip.log"
exit 1
EOF
chmod +x "$tmp/bin/ip"
export PATH="$tmp/bin:$PATH"
scn="$top/fixtures/scenarios/matrix.scn"

# The classic pair, traced.
WHICHNS_TRACE=1 "$W" run -q --results "$tmp/pair" -f =getip/inplace/default \
    "$scn" >/dev/null 2>"$tmp/pair.err"
is "$?" 0 "the classic pair: exit 0"
d=$(ls -d "$tmp"/pair/latest/[0-9]*)
is "$(field "$d/result.txt" verdict)" FOLLOWED "the classic pair: FOLLOWED"
# The case takes the servers its job slot keeps (pool.h), which the
# runner started (with rtnetlink too); with WHICHNS_POOL=0 it starts its
# own.
steps="servers taken|view|capture|servers ready|process started|process stopped|decided|torn down"
got=$(sed -nE 's/^whichns\[[0-9]+\]: +[0-9.]+ ms (.*)$/\1/p' "$tmp/pair.err" |
      grep -xE "$steps" | paste -sd '|')
is "$got" "$steps" "the trace names each step once, in order"
WHICHNS_POOL=0 WHICHNS_TRACE=1 "$W" run -q --results "$tmp/own" \
    -f =getip/inplace/default "$scn" >/dev/null 2>"$tmp/own.err"
own=${steps/servers taken/servers started}
got=$(sed -nE 's/^whichns\[[0-9]+\]: +[0-9.]+ ms (.*)$/\1/p' "$tmp/own.err" |
      grep -xE "$own" | paste -sd '|')
is "$got" "$own" "WHICHNS_POOL=0: the case starts its own servers, in order"
times=$(sed -nE 's/^whichns\[[0-9]+\]: +([0-9.]+) ms .*$/\1/p' "$tmp/pair.err")
sort -gc <<<"$times"
ok $? "the trace's times never go back"

if command -v tshark >/dev/null; then
	tshark -r "$d/capture.pcap" -Y 'dns.id == 0x5742 || udp.port in {5742..5805}' \
	    2>/dev/null >"$tmp/ready"
	[ -s "$d/capture.pcap" ] && [ ! -s "$tmp/ready" ]
	ok $? "the capture holds no readiness check"
	wire=$(tshark -r "$d/capture.pcap" -Y 'dns.flags.response == 0' 2>/dev/null | wc -l)
	[ "$wire" -gt 0 ]; ok $? "the capture holds the process's queries ($wire)"
	grep -c "query\[" "$d"/dnsmasq-old.log "$d"/dnsmasq-new.log |
	    awk -F: '{ n += $2 } END { print n }' >"$tmp/answered"
	# The servers saw every query of the wire, and the readiness checks
	# besides (at least one per address): more, never fewer.
	[ "$(cat "$tmp/answered")" -gt "$wire" ]
	ok $? "the servers logged the wire's queries and the readiness checks"
else
	skip "tshark not installed (scripts/deps.sh installs it)" 3
fi

# IPv6 servers, a down one and a slow one (each with its twin).
printf 'nameserver 198.51.100.10\nnameserver 2001:db8:100::53\n' >"$tmp/b"
printf 'nameserver 2001:db8:100::20\nnameserver 2001:db8:100::53\n' >"$tmp/a"
"$W" exec -q --results "$tmp/set" --before-conf "$tmp/b" --after-conf "$tmp/a" \
    --server 198.51.100.10=down --server 2001:db8:100::53=slow:100ms \
    --interval 100ms --window 1s \
    -- "$top/$B/repro/getip" -i 100 hat.com >/dev/null 2>"$tmp/set.err"
st=$?
[ "$st" -eq 0 ] || [ "$st" -eq 1 ]
ok $? "IPv6, down and slow servers: a verdict (exit $st)"
[ "$st" -le 1 ] || sed 's/^/#   /' "$tmp/set.err"
d="$tmp/set/latest-exec/001-exec"
v=$(field "$d/result.txt" verdict)
grep -qxE 'FOLLOWED|LATE|STALE|MIXED|SILENT' <<<"$v"
ok $? "IPv6, down and slow servers: verdict $v"
[ "$(field "$d/result.txt" packets)" -gt 0 ] 2>/dev/null
ok $? "IPv6, down and slow servers: packets captured"

# nscd in its side namespace (repro.scn), where this machine has one.
"$W" run -q --results "$tmp/nscd" -f =getip/inplace/no-reload/nscd \
    "$top/fixtures/scenarios/repro.scn" >/dev/null 2>"$tmp/nscd.err"
st=$?
if [ "$st" -eq 3 ] && grep -q nscd "$tmp/nscd.err"; then
	skip "no nscd here: $(head -1 "$tmp/nscd.err")" 1
else
	d=$(ls -d "$tmp"/nscd/latest/[0-9]*)
	is "$(field "$d/result.txt" verdict)" FOLLOWED "nscd's side namespace: FOLLOWED"
fi

# The UDP hash table of a case's namespace: its own, of 128 buckets
# (the host's is shared and larger; a negative count says shared), where
# the kernel has the setting; the host's setting unchanged.
knob=/proc/sys/net/ipv4/udp_child_hash_entries
if [ -e "$knob" ]; then
	host=$(cat "$knob")
	"$W" exec -q --results "$tmp/hash" -- sh -c 'cat /proc/sys/net/ipv4/udp_hash_entries
	    getent hosts example.com' >/dev/null 2>&1
	is "$(head -1 "$tmp"/hash/exec-*/[0-9]*/process.out)" 128 \
	   "a case's namespace has a UDP hash table of its own"
	is "$(cat "$knob")" "$host" "the host's setting for new namespaces' tables is as it was"
else
	skip "this kernel has no $knob" 2
fi

is "$(cat "$tmp/ip.log" 2>/dev/null)" "" "no case ran ip"
done_testing
