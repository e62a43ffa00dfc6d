#!/usr/bin/env bash
# The classic experiments end to end: real dnsmasq, real namespaces, real
# capture.  Verdicts must match the issue's table, tshark must agree with
# the counts, and the host must be exactly as before.
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

# Anyone can recount the numbers from the capture with tshark.
for r in "$run"/*/result.txt; do
	d=$(dirname "$r"); c=$(basename "$d")
	sw=$(field "$r" switch_time)
	count() { tshark -r "$d/capture.pcap" -Y "dns.flags.response == 0 && ip.dst == $1 && frame.time_epoch $2 $sw" 2>/dev/null | wc -l; }
	got="$(count 198.51.100.10 '<') $(count 198.51.100.10 '>=') $(count 198.51.100.20 '>=')"
	want="$(field "$r" queries_old_before) $(field "$r" queries_old_after) $(field "$r" queries_new_after)"
	is "$got" "$want" "$c: tshark recounts old-before old-after new-after"
done

for f in summary.json summary.md results.tap junit.xml; do
	[ -s "$run/$f" ]; ok $? "run folder has $f"
done
grep -q '"libc": "glibc 2\.' "$run/summary.json"; ok $? "summary.json has the libc the probe reported"
xmllint --noout "$run/junit.xml" 2>/dev/null; ok $? "junit.xml is well-formed"
for f in capture.pcap events.tsv process.out dnsmasq-old.log dnsmasq-new.log resolv.conf.before resolv.conf.after; do
	[ -e "$(ls -d "$run"/001-*)/$f" ]; ok $? "case folder has $f"
done
grep -q 'nameserver 198.51.100.20' "$run"/001-*/resolv.conf.after; ok $? "resolv.conf after names the new server"

is "$(sha256sum /etc/resolv.conf; ls -li /etc/resolv.conf)" "$before" "host /etc/resolv.conf unchanged (content and inode)"
is "$(leftovers)" "" "nothing left behind"
done_testing
