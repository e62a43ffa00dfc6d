#!/usr/bin/env bash
# The classic experiments end to end: real dnsmasq, real namespaces, real
# capture.  Verdicts must match README.md's table ("What `make repro`
# shows"), tshark must agree with the counts, and the host must be exactly
# as before.
. "$(dirname "$0")/lib.sh"
need_root_and_namespaces

res=$(mktemp -d /tmp/whichns-test.XXXXXX)
trap 'rm -rf "$res"' EXIT
before=$(sha256sum /etc/resolv.conf; ls -li /etc/resolv.conf)

"$W" run -q --results "$res" "$top/fixtures/scenarios/repro.scn" >"$res/out" 2>"$res/err"
ok $? "make repro's scenario exits 0 (every verdict as expected)"
run="$res/latest"
for c in getip_inplace_default getip_rename_default res_loop_inplace_default res_loop_rename_default; do
	is "$(field "$run"/*-"$c"/result.txt verdict)" FOLLOWED "$c is FOLLOWED"
done
for c in getip_inplace_no-reload getip_rename_no-reload; do
	is "$(field "$run"/*-"$c"/result.txt verdict)" STALE "$c is STALE"
done
for c in res_loop_inplace_no-reload res_loop_rename_no-reload; do
	is "$(field "$run"/*-"$c"/result.txt verdict)" LATE "$c is LATE"
	late=$(field "$run"/*-"$c"/result.txt late_by)
	[ "$late" -gt 0 ] 2>/dev/null
	ok $? "$c reports how late ($late lookups)"
done
# nscd: getip follows even with no-reload (nscd flushes its cache, and the
# lookup after it goes to a worker that has not resolved yet and reads the
# new file: doc/resolvers.md, "nscd"); res_query never goes through nscd.
for c in getip_inplace_no-reload_nscd getip_rename_default_nscd; do
	is "$(field "$run"/*-"$c"/result.txt verdict)" FOLLOWED "$c is FOLLOWED"
done
is "$(field "$run"/*-res_loop_inplace_no-reload_nscd/result.txt verdict)" LATE \
	"res_loop with nscd and no-reload is still LATE"
# sendmail: the daemon's MX queries stay on the old server, a fresh
# sendmail asks the new one, with and without nscd.
for c in bookworm_sendmail_inplace_default bookworm_sendmail_inplace_default_nscd; do
	r=$(echo "$run"/*-"$c"/result.txt)
	is "$(field "$r" verdict)" STALE "$c: the daemon's MX lookups are STALE"
	is "$(field "$r" libc)" "glibc 2.36" "$c: libc read from the daemon"
	[ "$(field "$r" fresh_queries_new)" -gt 0 ] && [ "$(field "$r" fresh_queries_old)" -eq 0 ]
	ok $? "$c: a fresh sendmail queried only the new server"
	mx=$(tshark -r "$(dirname "$r")/capture.pcap" -Y "dns.flags.response == 0 && dns.qry.type == 15 && ip.dst == 198.51.100.10 && frame.time_epoch >= $(field "$r" switch_time) && frame.time_epoch <= $(field "$r" window_end)" 2>/dev/null | wc -l)
	[ "$mx" -gt 0 ]; ok $? "$c: tshark sees the daemon's MX queries to the old server after the switch ($mx)"
done

# A verdict per path (doc/design.md, "Paths"): with nscd, the daemon's own
# MX lookups stay on the old server while nscd's A/AAAA lookups for it
# (nscd sends from 198.51.100.3) go to the new one.
r=$(echo "$run"/*-bookworm_sendmail_inplace_default_nscd/result.txt)
d=$(dirname "$r")
path() { awk -F'\t' -v p="$2" '$1 ~ /^path[0-9]+$/ && index($2, p " ") == 1 { print $2 }' "$1"; }
is "$(path "$r" "process+triggers MX" | cut -d' ' -f3)" STALE \
	"sendmail with nscd: the MX path (the daemon's own resolver) is STALE"
is "$(path "$r" "nscd A/AAAA" | cut -d' ' -f3)" FOLLOWED \
	"sendmail with nscd: the A/AAAA path via nscd is FOLLOWED"
grep -q '{"sender": "process+triggers", "types": "MX", "verdict": "STALE"' "$run/summary.json" &&
	grep -q '{"sender": "nscd", "types": "A/AAAA", "verdict": "FOLLOWED"' "$run/summary.json"
ok $? "summary.json has the case's paths"
grep -q '^| A/AAAA (via nscd) | FOLLOWED |' "$d/report.md"; ok $? "report.md has the paths table"
# tshark recounts the nscd path, and sees each of nscd's queries once
# (they cross two interfaces of the case's namespace; the capture keeps
# the copy leaving for the server).
sw=$(field "$r" switch_time); end=$(field "$r" window_end)
got=$(tshark -r "$d/capture.pcap" -Y "dns.flags.response == 0 && ip.src == 198.51.100.3 && ip.dst == 198.51.100.20 && (dns.qry.type == 1 || dns.qry.type == 28) && frame.time_epoch >= $sw && frame.time_epoch <= $end" 2>/dev/null | wc -l)
is "$got" "$(path "$r" "nscd A/AAAA" | cut -d' ' -f8)" "tshark recounts nscd's A/AAAA queries to the new server after the switch"
nq=$(tshark -r "$d/capture.pcap" -Y "dns.flags.response == 0 && ip.src == 198.51.100.3" 2>/dev/null | wc -l)
[ "$nq" -gt 0 ]; ok $? "nscd's queries are on the wire from its own address ($nq)"
dups=$(tshark -r "$d/capture.pcap" -Y "ip.src == 198.51.100.3 || ip.dst == 198.51.100.3" -T fields -e dns.flags.response -e udp.srcport -e udp.dstport -e dns.id -e dns.qry.type 2>/dev/null | sort | uniq -d)
is "$dups" "" "each of nscd's messages is captured once"

# The investigation's table (scripts/investigation.sh, the end of make
# repro): four rows, each read from its case's paths.
inv="$top/scripts/investigation.sh"
"$inv" "$run" >"$res/inv.out" 2>"$res/inv.err"
ok $? "investigation.sh reads the run"
is "$(grep -c '^[1-4]\. RHEL' "$res/inv.out")" 4 "the table has the investigation's four tests"
is "$(grep -c '^| [1-4] |' "$run/investigation.md")" 4 "investigation.md has four rows"
row() { awk -v n="$1." '$1 == n { on = 1; next } /^[1-9]\. / { on = 0 } on' "$res/inv.out"; }
row 4 | grep "by path:" | grep -q "MX (sendmail's own resolver): STALE;.* A/AAAA (via nscd): FOLLOWED;"
ok $? "row 4 (nscd on, RHEL 6.8): MX and A/AAAA apart, as measured"
own=$(path "$(echo "$run"/*-bookworm_sendmail_inplace_default_nscd/result.txt)" "process+triggers A/AAAA" | cut -d' ' -f3)
row 4 | grep -q "A/AAAA (sendmail's own resolver and the submissions): $own;"
ok $? "row 4: the daemon's own A/AAAA path is in the table too ($own)"
row 2 | grep -q "after a restart: MX FOLLOWED, A/AAAA via nscd"
ok $? "row 2 (nscd on, RHEL 5.4): the restarted sendmail's MX and its lookups via nscd apart"
r2=$(echo "$run"/*-bookworm_sendmail_inplace_no-reload_nscd-nocheck/result.txt)
[ "$(path "$r2" "nscd A/AAAA" | cut -d' ' -f3)" != FOLLOWED ]
ok $? "row 2: nscd with check-files hosts no does not follow the change"
row 1 | grep -q '^ *reproduced: yes'; ok $? "row 1 reproduced (MX STALE, a restart FOLLOWED)"
# The rows are decided by the measured paths: change a path and the row
# changes with it.
fake=$res/fake; mkdir "$fake"
cp -r "$run"/*-bookworm_sendmail_inplace_no-reload "$run"/*-bookworm_sendmail_inplace_no-reload_nscd-nocheck "$run"/*-bookworm_sendmail_inplace_default_nscd "$fake"/
sed -i 's/^\(path[0-9]*\tnscd A\/AAAA\) FOLLOWED/\1 STALE/' "$fake"/*-bookworm_sendmail_inplace_default_nscd/result.txt
"$inv" "$fake" >"$res/fake.out" 2>&1
grep -q '^ *reproduced: no: A/AAAA via nscd STALE' "$res/fake.out"
ok $? "a row whose case measured otherwise says it is not reproduced"
# A path a row needs and the case did not measure: "not measured", never yes.
sed -i '/^path[0-9]*\tfresh MX /d' "$fake"/*-bookworm_sendmail_inplace_no-reload/result.txt
"$inv" "$fake" >"$res/fake.out" 2>&1
awk '$1 == "1." { on = 1; next } /^[1-9]\. / { on = 0 } on' "$res/fake.out" | grep -q '^ *reproduced: not measured'
ok $? "a row whose case lacks a path it needs says 'not measured'"
rm -r "$fake"/*-bookworm_sendmail_inplace_default_nscd "$fake/investigation.md"
"$inv" "$fake" >"$res/fake.out" 2>&1
is $? 2 "a run without one of the table's cases: exit 2"
grep -q 'has no case bookworm:sendmail/inplace/default/nscd; run all of' "$res/fake.out"
ok $? "... naming the missing case and what to run"
[ ! -e "$fake/investigation.md" ]; ok $? "... and no half-written table"

# Anyone can recount the numbers from the capture with tshark (all
# queries; the sendmail cases count MX only and are checked above).
for r in "$run"/*/result.txt; do
	[ -n "$(field "$r" only)" ] && continue
	d=$(dirname "$r"); c=$(basename "$d")
	sw=$(field "$r" switch_time)
	swe=$(field "$r" switch_end)   # the old server's queries count from it
	end=$(field "$r" window_end)
	count() { tshark -r "$d/capture.pcap" -Y "dns.flags.response == 0 && ip.dst == $1 && $2" 2>/dev/null | wc -l; }
	after="frame.time_epoch <= $end"
	got="$(count 198.51.100.10 "frame.time_epoch < $swe") $(count 198.51.100.10 "frame.time_epoch >= $swe && $after") $(count 198.51.100.20 "frame.time_epoch >= $sw && $after")"
	want="$(field "$r" queries_old_before) $(field "$r" queries_old_after) $(field "$r" queries_new_after)"
	is "$got" "$want" "$c: tshark recounts old-before old-after new-after"
done

for f in summary.json summary.md results.tap junit.xml; do
	[ -s "$run/$f" ]; ok $? "run folder has $f"
done
grep -q '"libc": "glibc 2\.' "$run/summary.json"; ok $? "summary.json has the libc the probe reported"
xmllint --noout "$run/junit.xml" 2>/dev/null; ok $? "junit.xml is well-formed"
for f in capture.pcap events.tsv process.out dnsmasq-old.log dnsmasq-new.log resolv.conf.before resolv.conf.after report.md; do
	[ -e "$(ls -d "$run"/001-*)/$f" ]; ok $? "case folder has $f"
done
grep -q 'nameserver 198.51.100.20' "$run"/001-*/resolv.conf.after; ok $? "resolv.conf after names the new server"

is "$(sha256sum /etc/resolv.conf; ls -li /etc/resolv.conf)" "$before" "host /etc/resolv.conf unchanged (content and inode)"
is "$(leftovers)" "" "nothing left behind"
done_testing
