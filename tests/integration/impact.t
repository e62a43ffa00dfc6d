#!/usr/bin/env bash
# Servers by address and the application impact (doc/design.md,
# "Servers", "Application impact"): the classic failover case (the old
# primary switched off, a no-reload process keeps it) counts each server
# as tshark recounts it and shows every lookup paying the timeout; the
# default pair is not affected; a program without probe lines is not
# measured.
. "$(dirname "$0")/lib.sh"
need_root_and_namespaces

res=$(mktemp -d /tmp/whichns-test.XXXXXX)
trap 'rm -rf "$res"' EXIT
x() { "$W" exec -q --results "$res" "$@" >/dev/null 2>"$res/err"; xs=$?; }
dir() { echo "$res/latest-exec/001-exec"; }
last() { field "$(dir)/result.txt" "$1"; }

# The default pair: not affected, the new server named in the headline.
x --window 1s --interval 50ms -- "$top/$B/repro/getip" -i 50 hat.com
is "$(last servers)" 2 "default pair: two servers counted"
is "$(last impact_recovery)" "not affected" "default pair: the application was not affected"
[ "$(last impact_lookups_after)" -gt 0 ] && [ "$(last impact_timed_after)" = "$(last impact_lookups_after)" ]
ok $? "... every probe lookup after the switch timed ($(last impact_timed_after))"
grep -q "^Queried after the switch (queries): 198.51.100.20 ($(last queries_new_after))\.$" "$(dir)/report.md"
ok $? "report.md names the new server with its queries after the switch"
grep -q '"impact": {"measured": true, ' "$res/latest-exec/summary.json"; ok $? "summary.json has the impact"

# The failover case, short: timeout:1 attempts:1 so that the window holds
# several lookups, each paying the dead primary's second.
printf 'nameserver 198.51.100.10\nnameserver 198.51.100.11\noptions no-reload timeout:1 attempts:1\n' >"$res/before.conf"
printf 'nameserver 198.51.100.20\nnameserver 198.51.100.11\noptions no-reload timeout:1 attempts:1\n' >"$res/after.conf"
x --window 5s --before-conf "$res/before.conf" --after-conf "$res/after.conf" \
	--server 198.51.100.10=down -- "$top/$B/repro/getip" -i 200 hat.com
is "$xs $(last verdict)" "0 STALE" "old primary down, no-reload: STALE"
is "$(last servers)" 3 "... three servers counted"
is "$(last server1 | cut -d' ' -f1-4)" "198.51.100.10 old=yes new=no state=down" "... the primary: old file only, down"
is "$(last impact_recovery)" never "... the application never recovered in the window"
[ "$(last impact_lookups_after)" -ge 2 ] && [ "$(last impact_slow_after)" = "$(last impact_lookups_after)" ]
ok $? "... every lookup after the switch was slow ($(last impact_slow_after) of $(last impact_lookups_after))"
awk -F'\t' '$1 == "impact_median_after_ms" { exit !($2 >= 1000 && $2 < 1500) }' "$(dir)/result.txt"
ok $? "... the median lookup paid the 1 s timeout ($(last impact_median_after_ms) ms)"
grep -q "^| 198.51.100.10 | yes | no | down | [0-9]* | [0-9]* | [0-9]* | [0-9]* no response |$" "$(dir)/report.md"
ok $? "report.md's Servers table: the primary's queries after the switch got no response"
grep -q '^never recovered in the window: ' "$(dir)/report.md"; ok $? "report.md's Application impact says so"

# tshark recounts each server's queries before the switch and in the window.
if command -v tshark >/dev/null; then
	sw=$(last switch_time) swe=$(last switch_end) we=$(last window_end)
	for k in 1 2 3; do
		read -r addr in_old in_new _ before after _ <<<"$(last server$k)"
		# A server only the old file lists counts from switch_end.
		from=$sw; [ "$in_old $in_new" = "old=yes new=no" ] && from=$swe
		tb=$(tshark -r "$(dir)/capture.pcap" -Y "dns.flags.response == 0 && ip.dst == $addr && frame.time_epoch < $from" 2>/dev/null | wc -l)
		ta=$(tshark -r "$(dir)/capture.pcap" -Y "dns.flags.response == 0 && ip.dst == $addr && frame.time_epoch >= $from && frame.time_epoch <= $we" 2>/dev/null | wc -l)
		is "$before $after" "before=$tb after=$ta" "tshark recounts $addr's queries"
	done
else
	skip "no tshark" 3
fi

# Any other program: not measured, said so.
x --window 1s --interval 100ms -- /bin/sh -c 'while :; do getent hosts hat.com; sleep 0.1; done'
is "$(last impact_read) $(last impact_measured) $(last impact_recovery)" "yes no not measured" \
	"a getent loop prints no probe lines: not measured"
grep -q '^not measured (the program prints no probe lines)\.$' "$(dir)/report.md"; ok $? "... report.md says why"

is "$(leftovers)" "" "nothing left behind"
done_testing
