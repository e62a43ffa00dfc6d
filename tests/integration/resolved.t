#!/usr/bin/env bash
# systemd-resolved as the case's local stub (doc/resolved.md): the
# process's resolv.conf says nameserver 127.0.0.53 before and after, and
# the switch changes resolved's own upstream (its DNS=, then a reload or
# a restart).  The verdict is on resolved's upstream queries; tshark
# recounts them from capture.pcap and resolved's own debug log names the
# server of each of its transactions: the three must agree.  Needs the
# trees scripts/mkrootfs.sh trixie-resolved (systemd 257) and
# bookworm-resolved (252); each absent tree is a skip that says so.
. "$(dirname "$0")/lib.sh"
need_root_and_namespaces

tmp=$(mktemp -d /tmp/whichns-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cache=${WHICHNS_CACHE:-/var/cache/whichns}
old=198.51.100.10 new=198.51.100.20 case_addr=198.51.100.2

# tshark_count PCAP FILTER: DNS queries matching the display filter.
tshark_count() { tshark -r "$1" -Y "dns.flags.response == 0 && $2" 2>/dev/null | wc -l; }

# stub_case LABEL SPEC NAME: the case "exec --stub SPEC" with res_loop
# (A, MX and NS, so resolved asks upstream three times per side: it
# caches each answer for its TTL) and nine checks of it.
stub_case() {
	local label=$1 spec=$2 how=$3 d sw before after
	"$W" exec -q --results "$tmp/$label" --stub "$spec" --interval 100ms \
		--window 2s -- "$top/$B/repro/res_loop" -i 100 hat.com \
		>"$tmp/$label.out" 2>"$tmp/$label.err"
	is "$?" 0 "$label: exec --stub $spec ran (exit 0)"
	d=$tmp/$label/latest-exec/001-exec
	is "$(field "$d/result.txt" verdict)" FOLLOWED \
		"$label: resolved asked the new server after the switch: FOLLOWED"
	# The process's own file never changed, and names only the stub.
	cmp -s "$d/resolv.conf.before" "$d/resolv.conf.after" &&
		[ "$(grep '^nameserver' "$d/resolv.conf.before")" = "nameserver 127.0.0.53" ]
	ok $? "$label: the process's resolv.conf said nameserver 127.0.0.53 before and after"
	grep -qx "DNS=$old" "$d/resolved.conf.before" && grep -qx "DNS=$new" "$d/resolved.conf.after"
	ok $? "$label: resolved's DNS= went from the old server to the new one"
	grep -q "whichns: $how" "$d/resolved.log"
	ok $? "$label: resolved was switched by a $how"
	if command -v tshark >/dev/null; then
		sw=$(field "$d/result.txt" switch_time)
		before="$(tshark_count "$d/capture.pcap" "ip.src == $case_addr && ip.dst == $old && frame.time_epoch < $sw") $(tshark_count "$d/capture.pcap" "ip.dst == $old && frame.time_epoch >= $sw") $(tshark_count "$d/capture.pcap" "ip.src == $case_addr && ip.dst == $new && frame.time_epoch >= $sw")"
		after="$(field "$d/result.txt" queries_old_before) $(field "$d/result.txt" queries_old_after) $(field "$d/result.txt" queries_new_after)"
		is "$before" "$after" "$label: tshark recounts resolved's upstream queries (old<sw old>sw new>sw)"
		[ "$(field "$d/result.txt" queries_new_after)" -gt 0 ]
		ok $? "$label: resolved asked the new server at least once after the switch"
		local stub_q
		# Up to the window's end: the capture runs a few ms past it,
		# and the counts stop there.
		stub_q=$(tshark_count "$d/capture.pcap" "ip.dst == 127.0.0.53 && frame.time_epoch <= $(field "$d/result.txt" window_end)")
		is "$stub_q" "$(( $(field "$d/result.txt" queries_other_before) + $(field "$d/result.txt" queries_other_after) ))" \
			"$label: the capture holds the process's queries to 127.0.0.53 ($stub_q), counted apart"
	else
		skip "tshark not installed (scripts/deps.sh installs it)" 3
	fi
	# resolved's own word: each transaction after the switch used the new server.
	is "$(sed -n '/^whichns: \(SIGHUP\|restart\)/,$p' "$d/resolved.log" | grep -o 'Using DNS server [0-9.]*' | sort -u)" \
		"Using DNS server $new" "$label: resolved's log: every transaction after the switch used $new"
	grep -q 'never needed to re-read anything' "$d/result.txt"
	ok $? "$label: the record says the process never needed to re-read anything"
}

if [ -s "$cache/rootfs/trixie-resolved/.whichns-stamp" ]; then
	stub_case trixie resolved SIGHUP
else
	skip "no trixie-resolved tree in $cache/rootfs (scripts/mkrootfs.sh trixie-resolved)" 10
fi

if [ -s "$cache/rootfs/bookworm-resolved/.whichns-stamp" ]; then
	stub_case bookworm resolved:bookworm restart
	# systemd 252 has no reload: SIGHUP ends it.  Refused before the run,
	# never faked.
	"$W" exec -q --results "$tmp/b-reload" --stub resolved:bookworm/reload \
		--window 1s -- "$top/$B/repro/getip" -i 100 hat.com >/dev/null 2>"$tmp/b-reload.err"
	is "$?" 2 "bookworm/reload: refused (exit 2)"
	grep -q 'systemd 252.*cannot reload.*use /restart' "$tmp/b-reload.err"
	ok $? "bookworm/reload: says systemd 252 cannot reload and to use /restart"
	[ ! -e "$tmp/b-reload" ]
	ok $? "bookworm/reload: no run folder"
else
	skip "no bookworm-resolved tree in $cache/rootfs (scripts/mkrootfs.sh bookworm-resolved)" 13
fi

# Bad words: one line naming them, exit 2, before anything runs.
"$W" exec --stub resolved:sid -- /bin/true >/dev/null 2>"$tmp/bad.err"
is "$?" 2 "--stub resolved:sid: bad usage (exit 2)"
grep -q "stub 'resolved:sid': unknown suite" "$tmp/bad.err"
ok $? "--stub resolved:sid: names the word and what is wrong"

# A tree not built: the environment (exit 3), with the command that builds it.
mkdir "$tmp/empty"
"$W" exec --cache "$tmp/empty" --results "$tmp/no-tree" --stub resolved -- /bin/true >/dev/null 2>"$tmp/no-tree.err"
is "$?" 3 "--stub without its tree: exit 3"
grep -q "no systemd-resolved tree at $tmp/empty/rootfs/trixie-resolved.*scripts/mkrootfs.sh trixie-resolved" "$tmp/no-tree.err"
ok $? "--stub without its tree: names the tree and the command that builds it"

"$W" exec --stub resolved --nscd -- /bin/true >/dev/null 2>"$tmp/nscd.err"
is "$?" 2 "--stub with --nscd: bad usage (exit 2)"
grep -q 'do not go together' "$tmp/nscd.err"
ok $? "--stub with --nscd: says they do not go together"

is "$(leftovers)" "" "nothing left behind"
done_testing
