#!/usr/bin/env bash
# whichns decode: synthetic captures on every link type (no root needed),
# truncated and foreign files, and, where a case can run, the same verdict
# and counts from a case's capture.pcap as the case itself gave.
. "$(dirname "$0")/lib.sh"
G="$top/build/tests/gen_capture"
[ -x "$W" ] || { echo "Bail out! $W not built (run make)"; exit 1; }
[ -x "$G" ] || { echo "Bail out! $G not built (run make $G)"; exit 1; }
tmp=$(mktemp -d /tmp/whichns-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# field (lib.sh) reads decode's summary too: key<TAB>value, as result.txt.
events() { grep -vc '^time	' "$1"; }   # event lines of a TSV timeline

# 1. Every link type and IP version: 100 packets, switch after 25 queries.
for link in en10mb sll sll2 raw; do
	for v in 4 6; do
		c="$tmp/$link-$v.pcap"
		sw=$("$G" -n 100 -l "$link" $([ $v = 6 ] && echo -6) -o "$c" | cut -f2)
		"$W" decode --switch "$sw" "$c" >"$tmp/out" 2>"$tmp/sum"
		is "$?" 0 "$link/IPv$v: exit 0"
		is "$(events "$tmp/out") $(field "$tmp/sum" malformed)" "100 0" \
			"$link/IPv$v: 100 events, none malformed"
		is "$(field "$tmp/sum" verdict) $(field "$tmp/sum" queries_old_before) $(field "$tmp/sum" queries_old_after) $(field "$tmp/sum" queries_new_after)" \
			"FOLLOWED 25 0 25" "$link/IPv$v: verdict and counts"
	done
done
addr=$(awk -F'\t' 'NR == 2 { print $6 }' "$tmp/out")
is "$addr" "[2001:db8:100::10]:53" "IPv6 destination in the timeline"

# 2. The verdict patterns.
c="$tmp/p.pcap"
for p in stale:STALE late:4:LATE mixed:MIXED silent:SILENT followed:FOLLOWED; do
	pat=${p%:*} want=${p##*:}
	sw=$("$G" -n 200 -p "$pat" -o "$c" | cut -f2)
	"$W" decode --switch "$sw" "$c" >/dev/null 2>"$tmp/sum"
	is "$(field "$tmp/sum" verdict)" "$want" "pattern $pat gives $want"
done
sw=$("$G" -n 200 -p late:4 -o "$c" | cut -f2)
"$W" decode --switch "$sw" "$c" >/dev/null 2>"$tmp/sum"
is "$(field "$tmp/sum" late_by)" 4 "LATE says by how many (4)"

# 3. Without --switch: the timeline and counts, no verdict.
sw=$("$G" -n 100 -o "$c" | cut -f2)
"$W" decode "$c" >"$tmp/out" 2>"$tmp/sum"
is "$?" 0 "no --switch: exit 0"
is "$(field "$tmp/sum" queries_old) $(field "$tmp/sum" queries_new)" "25 25" "no --switch: queries per server"
grep -q '^verdict	none: give --switch TIME for a verdict' "$tmp/sum"; ok $? "no --switch: says how to get a verdict"
is "$(awk -F'\t' 'NR == 2 { print $2 }' "$tmp/out")" "" "no --switch: ms_since_switch empty"

# 4. tshark recounts what decode counts.
if command -v tshark >/dev/null; then
	"$W" decode --switch "$sw" "$c" >/dev/null 2>"$tmp/sum"
	count() { tshark -r "$c" -Y "dns.flags.response == 0 && ip.dst == $1 && frame.time_epoch $2 $sw" 2>/dev/null | wc -l; }
	is "$(count 198.51.100.10 '<') $(count 198.51.100.10 '>=') $(count 198.51.100.20 '>=')" \
		"$(field "$tmp/sum" queries_old_before) $(field "$tmp/sum" queries_old_after) $(field "$tmp/sum" queries_new_after)" \
		"tshark recounts decode's numbers"
	tshark -r "$c" -F pcapng -w "$tmp/c.pcapng" 2>/dev/null
	"$W" decode --switch "$sw" "$tmp/c.pcapng" >"$tmp/ng" 2>/dev/null
	"$W" decode --switch "$sw" "$c" >"$tmp/plain" 2>/dev/null
	cmp -s "$tmp/ng" "$tmp/plain"; ok $? "pcapng gives the same timeline as pcap"
fi

# 5. JSON: one object a line, the same events.
"$W" decode --format json --switch "$sw" "$c" >"$tmp/json" 2>/dev/null
is "$(wc -l <"$tmp/json")" 100 "json: one line per event"
if command -v python3 >/dev/null; then
	python3 -c 'import json, sys
for line in open(sys.argv[1]): json.loads(line)' "$tmp/json"
	ok $? "json: every line is a JSON object"
fi
grep -q '"server":"new","direction":"query"' "$tmp/json"; ok $? "json: server and direction"

# 6. -o DIR: the four files.
"$W" decode --switch "$sw" -o "$tmp/dir" "$c" >"$tmp/stdout" 2>"$tmp/err"
is "$?" 0 "-o: exit 0"
for f in events.tsv events.json timeline.svg decode.txt; do
	[ -s "$tmp/dir/$f" ]; ok $? "-o: wrote $f"
done
"$W" decode --switch "$sw" "$c" 2>/dev/null | cmp -s - "$tmp/dir/events.tsv"; ok $? "-o: events.tsv is the stdout timeline"
is "$(field "$tmp/dir/decode.txt" verdict)" FOLLOWED "-o: decode.txt has the verdict"
grep -q 'FOLLOWED' "$tmp/stdout"; ok $? "-o: one line on stdout with the verdict"
if command -v xmllint >/dev/null; then
	xmllint --noout "$tmp/dir/timeline.svg" 2>/dev/null; ok $? "-o: timeline.svg is well-formed XML"
fi
grep -q 'resolv.conf switched' "$tmp/dir/timeline.svg"; ok $? "-o: timeline.svg marks the switch"

# 7. A truncated capture: the events before the cut, a warning, exit 0.
"$W" decode "$c" >"$tmp/full" 2>/dev/null
head -c 5000 "$c" >"$tmp/cut.pcap"
"$W" decode "$tmp/cut.pcap" >"$tmp/out" 2>"$tmp/err"
is "$?" 0 "truncated: exit 0"
grep -qE "^whichns: $tmp/cut.pcap: truncated after [0-9]+ packets: " "$tmp/err"; ok $? "truncated: warning names file and packet count"
cut_at=$(sed -nE 's/.*truncated after ([0-9]+) packets.*/\1/p' "$tmp/err")
is "$(events "$tmp/out")" "$cut_at" "truncated: one event per packet before the cut ($cut_at)"
head -n $((cut_at + 1)) "$tmp/full" | cmp -s - "$tmp/out"; ok $? "truncated: the same events as the whole capture's first $cut_at"
grep -q '^truncated	yes' "$tmp/err"; ok $? "truncated: the summary says so"

# 8. Malformed DNS is counted, never fatal.
"$G" -n 100 -b 5 -o "$tmp/bad.pcap" >/dev/null
"$W" decode "$tmp/bad.pcap" >"$tmp/out" 2>"$tmp/err"
is "$?" 0 "malformed answers: exit 0"
is "$(field "$tmp/err" malformed) $(events "$tmp/out")" "10 90" "malformed answers: 10 counted, 90 events"
grep -q '^first_malformed	packet 10: truncated: dns: ' "$tmp/err"; ok $? "malformed answers: the first one named"

# 9. No DNS at all: a warning, exit 0.
"$G" -N -n 20 -o "$tmp/ntp.pcap" >/dev/null
"$W" decode "$tmp/ntp.pcap" >/dev/null 2>"$tmp/err"
is "$?" 0 "no DNS: exit 0"
grep -qx "whichns: no DNS messages in $tmp/ntp.pcap (20 packets)" "$tmp/err"; ok $? "no DNS: warns with the packet count"

# 10. Bad input and bad usage: one line, exit 2.
expect() {  # expect STATUS PATTERN DESCRIPTION -- command...
	local want=$1 pat=$2 what=$3; shift 4
	"$@" >"$tmp/out" 2>"$tmp/err"
	is "$?" "$want" "$what: exit $want"
	grep -qE "$pat" "$tmp/err"; ok $? "$what: says '$pat'"
}
echo "not a capture" >"$tmp/text.pcap"
expect 2 "^whichns: $tmp/text.pcap: not a capture file" "not a capture" -- "$W" decode "$tmp/text.pcap"
expect 2 "^whichns: cannot read $tmp/none.pcap: No such file" "missing file" -- "$W" decode "$tmp/none.pcap"
: >"$tmp/empty.pcap"
expect 2 "^whichns: $tmp/empty.pcap: empty file" "empty file" -- "$W" decode "$tmp/empty.pcap"
expect 2 "^whichns: unknown option '--frob'" "unknown option" -- "$W" decode --frob "$c"
expect 2 "^whichns: bad --old address '198.51.100.300'" "bad address" -- "$W" decode --old 198.51.100.300 "$c"
expect 2 "^whichns: bad --switch '17956634xx'" "bad --switch" -- "$W" decode --switch 17956634xx "$c"
expect 2 "^whichns: bad --format 'xml'" "bad --format" -- "$W" decode --format xml "$c"
expect 2 "give --switch TIME too" "--window without --switch" -- "$W" decode --window 5 "$c"
expect 2 "^whichns: decode needs a capture file" "no file" -- "$W" decode

# 11. Other servers: --old/--new replace the defaults.
"$W" decode --switch "$sw" --old 198.51.100.20 --new 198.51.100.10 "$c" >/dev/null 2>"$tmp/sum"
is "$(field "$tmp/sum" verdict)" INCONCLUSIVE "--old/--new swapped: no query to 'old' before the switch"

# 12. A real case: decode agrees with the case on its own capture.
if [ "$(id -u)" -ne 0 ] || ! unshare -n -m -p -f true 2>/dev/null; then
	n=$((n + 1)); echo "ok $n # SKIP a real case needs root and namespaces"
else
	"$W" run -q --results "$tmp/res" -f getip/inplace/default "$top/fixtures/scenarios/repro.scn" >"$tmp/run.out" 2>&1
	ok $? "whichns run getip/inplace/default"
	compared=0
	for r in "$tmp"/res/latest/*/result.txt; do
		d=$(dirname "$r"); name=$(basename "$d")
		[ "$(field "$r" switched)" = yes ] || continue
		win=$(awk -v a="$(field "$r" switch_time)" -v b="$(field "$r" window_end)" 'BEGIN { printf "%.6f", b - a }')
		"$W" decode --switch "$(field "$r" switch_time)" --window "$win" "$d/capture.pcap" >"$tmp/out" 2>"$tmp/sum"
		is "$(field "$tmp/sum" verdict) $(field "$tmp/sum" queries_old_before) $(field "$tmp/sum" queries_old_after) $(field "$tmp/sum" queries_new_after)" \
			"$(field "$r" verdict) $(field "$r" queries_old_before) $(field "$r" queries_old_after) $(field "$r" queries_new_after)" \
			"$name: decode gives the case's verdict and counts"
		# ms_since_switch differs in the last digit: result.txt keeps the
		# switch time to the microsecond.
		cmp -s <(cut -f1,3- "$tmp/out") <(cut -f1,3- "$d/events.tsv")
		ok $? "$name: decode's timeline is the case's events.tsv"
		compared=$((compared + 1))
	done
	[ "$compared" -gt 0 ]; ok $? "decode was compared with $compared switched case(s)"
fi
done_testing
