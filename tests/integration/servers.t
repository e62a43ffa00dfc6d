#!/usr/bin/env bash
# servers.t - the servers of a case from whole resolv.conf files: one real
# dnsmasq per nameserver address (IPv4 and IPv6), each answering with its
# own mark (203.0.113.M, M = 203 + its place in the order the files first
# list the addresses), and each state from the switch on (down, refused,
# servfail, slow) as the capture shows it.  Every check of the wire reads
# capture.pcap with tshark, not whichns's own counts.
# shellcheck disable=SC2016  # the awk conditions are single-quoted on purpose
. "$(dirname "$0")/lib.sh"
need_root_and_namespaces
if ! command -v tshark >/dev/null; then
	echo "1..0 # SKIP tshark not installed (scripts/deps.sh installs it)"; exit 0
fi
if ! "$W" exec --help 2>&1 | grep -q -- '--before-conf'; then
	echo "Bail out! $W exec has no --before-conf"; exit 1
fi

res=$(mktemp -d /tmp/whichns-test.XXXXXX)
trap 'rm -rf "$res"' EXIT

# run NAME BEFORE-TEXT AFTER-TEXT [exec options]: one case of getip; $d
# is its folder, $sw its switch time ($swe its end), $xs whichns's exit status.
run() {
	local name=$1; shift
	printf '%b' "$1" >"$res/$name.before"
	printf '%b' "$2" >"$res/$name.after"
	shift 2
	"$W" exec -q --results "$res/$name" --before-conf "$res/$name.before" \
	    --after-conf "$res/$name.after" --interval 100ms "$@" \
	    -- "$top/$B/repro/getip" -i 100 hat.com >/dev/null 2>"$res/$name.err"
	xs=$?
	d="$res/$name/latest-exec/001-exec"
	sw=$(field "$d/result.txt" switch_time)
	swe=$(field "$d/result.txt" switch_end)
}

# Every DNS message of the capture, one a line: EPOCH SRC DST QR RCODE
# RESPONSE-TIME FIRST-A PROTO (QR 1 for a response; "-" for an empty
# field; PROTO udp or tcp).
msgs() {
	tshark -r "$d/capture.pcap" -Y dns -T fields -E separator=/t \
	    -e frame.time_epoch -e ip.src -e ipv6.src -e ip.dst -e ipv6.dst \
	    -e dns.flags.response -e dns.flags.rcode -e dns.time -e dns.a \
	    -e tcp.srcport 2>/dev/null |
	awk -F'\t' '{ qr = ($6 == "1" || $6 == "True") ? 1 : 0; split($9, a, ",")
	              printf "%s %s %s %d %s %s %s %s\n", $1, $2 $3, $4 $5, qr,
	                     $7 == "" ? "-" : $7, $8 == "" ? "-" : $8,
	                     a[1] == "" ? "-" : a[1], $10 == "" ? "udp" : "tcp" }'
}
# count AWK-CONDITION: messages of msgs matching it ($1 epoch, $2 src,
# $3 dst, $4 qr, $5 rcode, $6 response time, $7 first A, $8 udp or tcp;
# sw is the switch time, swe its end).
count() { msgs | awk -v sw="$sw" -v swe="$swe" "$1 { n++ } END { print n + 0 }"; }

# 1. Three nameservers before (IPv4, IPv6, IPv4; search; rotate) and a
# different three after, one address in both.
before='nameserver 198.51.100.10\nnameserver 2001:db8:100::10\nnameserver 198.51.100.53\nsearch example.com corp.example.com\noptions rotate\n'
after='nameserver 2001:db8:100::20\nnameserver 198.51.100.20\nnameserver 198.51.100.53\nsearch example.com corp.example.com\noptions rotate\n'
run three "$before" "$after" --before 4 --window 2s
is "$xs" 0 "three servers: exit 0"
is "$(field "$d/result.txt" verdict)" FOLLOWED "three servers: FOLLOWED"
cmp -s "$res/three.before" "$d/resolv.conf.before"
ok $? "three servers: the process read the before file as given (search, rotate)"
cmp -s "$res/three.after" "$d/resolv.conf.after"
ok $? "three servers: ... and the after file"
mark=203
for a in 198.51.100.10 2001:db8:100::10 198.51.100.53 2001:db8:100::20 198.51.100.20; do
	is "$(grep -l "^# whichns: the server [a-z0-9]* ($a)" "$d"/dnsmasq-*.conf | wc -l)" 1 \
	   "three servers: $a has a dnsmasq of its own"
	[ "$(count "\$3 == \"$a\" && \$4 == 0")" -gt 0 ]
	ok $? "three servers: the capture has queries to $a"
	got=$(count "\$2 == \"$a\" && \$4 == 1 && \$7 == \"203.0.113.$mark\"")
	wrong=$(count "\$2 == \"$a\" && \$4 == 1 && \$7 != \"203.0.113.$mark\" && \$7 != \"-\"")
	[ "$got" -gt 0 ] && [ "$wrong" -eq 0 ]
	ok $? "three servers: $a answers 203.0.113.$mark and nothing else ($got, $wrong other)"
	mark=$((mark + 1))
done
is "$(count '$1 >= swe && $4 == 0 && ($3 == "198.51.100.10" || $3 == "2001:db8:100::10")')" 0 \
   "three servers: no query to a server only the old file lists after the switch"

# 2. An IPv6-only pair.
run v6 'nameserver 2001:db8:100::10\n' 'nameserver 2001:db8:100::20\n' --window 1s
is "$(field "$d/result.txt" verdict)" FOLLOWED "IPv6 pair: FOLLOWED, as the IPv4 pair"
[ "$(count '$1 < sw && $3 == "2001:db8:100::10" && $4 == 0')" -gt 0 ] &&
[ "$(count '$1 > sw && $3 == "2001:db8:100::20" && $4 == 0')" -gt 0 ]
ok $? "IPv6 pair: queries to ::10 before the switch and to ::20 after"
is "$(count '$2 ~ /^198\.51\.100\./ || $3 ~ /^198\.51\.100\./')" 0 "IPv6 pair: no IPv4 DNS message"
[ "$(count '$2 == "2001:db8:100::20" && $7 == "203.0.113.204"')" -gt 0 ]
ok $? "IPv6 pair: the new server answers with its mark over IPv6"

# 3. The states, on the new file's first server (198.51.100.20), from
# the switch on.
b2='nameserver 198.51.100.10\nnameserver 198.51.100.53\n'
a2='nameserver 198.51.100.20\nnameserver 198.51.100.53\n'
new='$2 == "198.51.100.20" && $4 == 1 && $1 > sw'
run down "$b2" "$a2" --server 198.51.100.20=down --window 2s
is "$xs" 0 "down: exit 0"
[ "$(count '$3 == "198.51.100.20" && $4 == 0 && $1 > sw')" -gt 0 ]
ok $? "down: queries reach 198.51.100.20 after the switch"
is "$(count "$new")" 0 "down: ... and get no response"
is "$(leftovers)" "" "down: nothing left behind"
# Over TCP (use-vc) the client's SYN goes unanswered, as a switched-off
# host's would: no SYN-ACK, no reset, nothing from the server.
run downtcp "$b2" "$a2" --server 198.51.100.20=down --options use-vc --window 2s
syns=$(tshark -r "$d/capture.pcap" -Y 'ip.dst == 198.51.100.20 && tcp.flags.syn == 1' 2>/dev/null | wc -l)
[ "$syns" -gt 0 ]; ok $? "down over TCP: the client's SYNs reach 198.51.100.20 ($syns)"
is "$(tshark -r "$d/capture.pcap" -Y 'ip.src == 198.51.100.20' 2>/dev/null | wc -l)" 0 \
   "down over TCP: ... and nothing comes back (no SYN-ACK, no reset)"

run refused "$b2" "$a2" --server 198.51.100.20=refused --window 1s
[ "$(count "$new")" -gt 0 ]; ok $? "refused: 198.51.100.20 answers after the switch"
is "$(count "$new && \$5 != 5")" 0 "refused: ... every answer REFUSED (rcode 5)"
is "$(count '$2 == "198.51.100.10" && $4 == 1 && $5 != 0')" 0 "refused: the old server answered as ever"

run servfail "$b2" "$a2" --server 198.51.100.20=servfail --window 1s
[ "$(count "$new")" -gt 0 ]; ok $? "servfail: 198.51.100.20 answers after the switch"
is "$(count "$new && \$5 != 2")" 0 "servfail: ... every answer SERVFAIL (rcode 2)"

run slow "$b2" "$a2" --server 198.51.100.20=slow:400ms --window 2s
[ "$(count "$new")" -gt 0 ]; ok $? "slow: 198.51.100.20 answers after the switch"
is "$(count "$new && (\$6 == \"-\" || \$6 < 0.4)")" 0 "slow: ... every answer at least 400 ms after its query"
is "$(count "$new && \$7 != \"203.0.113.205\"")" 0 "slow: ... with the server's own data (mark 205)"
is "$(count '$2 == "198.51.100.10" && $4 == 1 && $6 >= 0.4')" 0 "slow: the old server's answers were not delayed"

run slowtcp "$b2" "$a2" --server 198.51.100.20=slow:400ms --options use-vc --window 2s
[ "$(count "$new && \$8 == \"tcp\"")" -gt 0 ]; ok $? "slow over TCP (use-vc): 198.51.100.20 answers after the switch"
is "$(count "$new && (\$6 == \"-\" || \$6 < 0.4)")" 0 "slow over TCP: ... every answer at least 400 ms after its query"

# SIGINT while a server is down: every process and namespace of the
# case, its twin's too, ends with the run.
printf '%b' "$b2" >"$res/int.before"; printf '%b' "$a2" >"$res/int.after"
"$W" exec -q --results "$res/int" --before-conf "$res/int.before" --after-conf "$res/int.after" \
    --server 198.51.100.20=down --interval 100ms --window 30s \
    -- "$top/$B/repro/getip" -i 100 hat.com >/dev/null 2>&1 &
pid=$!
for _ in $(seq 100); do   # until the case is capturing, then past the switch
	ls "$res"/int/exec-*/001-exec/capture.pcap >/dev/null 2>&1 && break
	sleep 0.1
done
sleep 3
kill -INT "$pid"
wait "$pid"
is "$?" 130 "SIGINT with a server down: exit status 130"
d=$(echo "$res"/int/exec-*/001-exec)
[ "$(tshark -r "$d/capture.pcap" -Y 'ip.dst == 198.51.100.20' 2>/dev/null | wc -l)" -gt 0 ] &&
[ "$(tshark -r "$d/capture.pcap" -Y 'ip.src == 198.51.100.20' 2>/dev/null | wc -l)" -eq 0 ]
ok $? "SIGINT: it came after the switch (a query to the down server, unanswered)"
is "$(leftovers)" "" "SIGINT with a server down: nothing left behind"

# A state on an address that is no server: one line, exit 2.
expect 2 "198.51.100.99" "a state for no server" -- "$W" exec --before-conf "$res/down.before" \
    --after-conf "$res/down.after" --server 198.51.100.99=down -- /bin/true

is "$(leftovers)" "" "nothing left behind"
done_testing
