#!/usr/bin/env bash
# whichns decode: synthetic captures on every link type (no root needed),
# truncated and foreign files, the capture corpus of tests/captures
# (pcapng with several interfaces, snaplen cuts, DNS over TCP in every
# shape) counted as tshark counts it, damaged files refused, and, where a
# case can run, the same verdict and counts from a case's capture.pcap as
# the case itself gave.
. "$(dirname "$0")/lib.sh"
G="$top/$B/tests/gen_capture"
GC="$top/$B/tests/gen_corpus"
[ -x "$W" ] || { echo "Bail out! $W not built (run make)"; exit 1; }
[ -x "$G" ] || { echo "Bail out! $G not built (run make $G)"; exit 1; }
[ -x "$GC" ] || { echo "Bail out! $GC not built (run make $GC)"; exit 1; }
have_tshark() { command -v tshark >/dev/null; }
no_tshark="tshark not installed (scripts/deps.sh installs it)"
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
# A switch that took a while: the old server's queries until its end
# (here at 5, 15, 25 and 35 ms after its begin) read the old file.
sw_end() { awk -v s="$sw" -v ms="$1" 'BEGIN { printf "%.6f", s + ms / 1000 }'; }
"$W" decode --switch "$sw" --switch-end "$(sw_end 40)" "$c" >/dev/null 2>"$tmp/sum"
is "$(field "$tmp/sum" verdict) $(field "$tmp/sum" queries_old_after) $(field "$tmp/sum" switch_end)" \
	"FOLLOWED 0 $(sw_end 40)" "--switch-end after the old queries: FOLLOWED, they count before"
"$W" decode --switch "$sw" --switch-end "$(sw_end 30)" "$c" >/dev/null 2>"$tmp/sum"
is "$(field "$tmp/sum" verdict) $(field "$tmp/sum" late_by)" "LATE 1" "--switch-end between them: LATE 1"
# ... and from a case's result.txt (--case), unless --switch is given.
mkdir "$tmp/held" && cp "$c" "$tmp/held/capture.pcap"
printf 'case\theld\nswitched\tyes\nswitch_time\t%s\nswitch_end\t%s\n' "$sw" "$(sw_end 40)" \
	>"$tmp/held/result.txt"
"$W" decode --case "$tmp/held" >/dev/null 2>"$tmp/sum"
is "$(field "$tmp/sum" verdict) $(field "$tmp/sum" switch_end)" "FOLLOWED $(sw_end 40)" \
	"--case: result.txt's switch_end counts"
"$W" decode --case "$tmp/held" --switch "$sw" >/dev/null 2>"$tmp/sum"
is "$(field "$tmp/sum" verdict) $(field "$tmp/sum" late_by)" "LATE 4" \
	"--case with --switch: not the case's switch_end"

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
else
	skip "tshark recount and pcapng: $no_tshark" 2
fi

# 5. JSON: one object a line, the same events.
"$W" decode --format json --switch "$sw" "$c" >"$tmp/json" 2>/dev/null
is "$(wc -l <"$tmp/json")" 100 "json: one line per event"
if command -v python3 >/dev/null; then
	python3 -c 'import json, sys
for line in open(sys.argv[1]): json.loads(line)' "$tmp/json"
	ok $? "json: every line is a JSON object"
else
	skip "json: every line is a JSON object: python3 not installed"
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
else
	skip "-o: timeline.svg is well-formed XML: xmllint not installed"
fi
grep -q 'resolv.conf switched' "$tmp/dir/timeline.svg"; ok $? "-o: timeline.svg marks the switch"

# 6b. Standard input ("-"), --json, answers as JSON arrays.
cat "$c" | "$W" decode --switch "$sw" - >"$tmp/stdin.tsv" 2>"$tmp/stdin.sum"
is "$?" 0 "decode - (a pipe): exit 0"
"$W" decode --switch "$sw" "$c" 2>"$tmp/file.sum" | cmp -s - "$tmp/stdin.tsv"
ok $? "decode - gives the timeline the file gives"
is "$(grep -v '^file	' "$tmp/stdin.sum")" "$(grep -v '^file	' "$tmp/file.sum")" \
	"decode - gives the summary and verdict the file gives"
is "$(field "$tmp/stdin.sum" file)" "-" "the summary names the file as given (-)"
"$W" decode --switch "$sw" - <"$c" | cmp -s - "$tmp/stdin.tsv"; ok $? "decode - < file (redirected)"
expect 2 "^whichns: standard input: empty file, not a capture" "decode - with nothing on stdin" \
	-- "$W" decode - </dev/null
"$W" decode --json --switch "$sw" "$c" 2>/dev/null | cmp -s - "$tmp/json"
ok $? "--json is --format json"
if command -v python3 >/dev/null; then
	python3 -c 'import json, sys
n = 0
for line in open(sys.argv[1]):
    o = json.loads(line)
    assert isinstance(o["answers"], list) and all(isinstance(a, str) for a in o["answers"]), line
    assert isinstance(o["cut"], bool) and not o["cut"], line
    n += o["direction"] == "response" and len(o["answers"]) > 0
assert n > 0, "no response with answers"' "$tmp/json"
	ok $? "json: answers is an array of strings, cut a boolean"
else
	skip "json: answers is an array of strings: python3 not installed"
fi
grep -q '"answers":\["203.0.113.20[34]"\],"cut":false' "$tmp/json"; ok $? "json: a response's answers as an array"
"$W" decode --json --switch "$sw" -o "$tmp/dirj" - <"$c" >"$tmp/stdout" 2>"$tmp/err"
is "$?" 0 "-o DIR --json from stdin: exit 0"
cmp -s "$tmp/stdout" "$tmp/dirj/events.json"; ok $? "-o DIR --json: the JSON lines on stdout too"
grep -q "^$tmp/dirj: FOLLOWED" "$tmp/err"; ok $? "-o DIR --json: the result line on stderr"

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
expect 2 "^whichns: --switch-end is when the switch ended: give --switch TIME too" \
	"--switch-end without --switch" -- "$W" decode --switch-end 1795663444.1 "$c"
expect 2 "^whichns: --switch-end 1795663444.000000 is before the switch .1795663444.100000.: give a --switch-end at or after it" \
	"--switch-end before --switch" -- "$W" decode --switch 1795663444.1 --switch-end 1795663444 "$c"
expect 2 "^whichns: bad --switch-end 'soon'" "bad --switch-end" -- "$W" decode --switch 1795663444.1 --switch-end soon "$c"
expect 2 "^whichns: decode needs a capture file" "no file" -- "$W" decode

# 11. Other servers: --old/--new replace the defaults.
"$W" decode --switch "$sw" --old 198.51.100.20 --new 198.51.100.10 "$c" >/dev/null 2>"$tmp/sum"
is "$(field "$tmp/sum" verdict)" INCONCLUSIVE "--old/--new swapped: no query to 'old' before the switch"

# 12. The corpus: what tests/gen_corpus.c writes, and tshark's counts.
C="$top/tests/captures"
"$GC" "$tmp/corpus"
diff -r -x README.md "$C" "$tmp/corpus" >"$tmp/diff" 2>&1
ok $? "tests/captures is what tests/gen_corpus.c writes (else: $GC tests/captures)"
sed 's/^/# /' "$tmp/diff" | head -5
# tshark's messages: one dns.id per message, several to a frame.
tshark_msgs() { tshark "$@" -Y dns -T fields -e dns.id 2>/dev/null | tr ',' '\n' | grep -c .; }
compared=0
for f in "$C"/*.pcap "$C"/*.pcapng; do
	name=$(basename "$f")
	"$W" decode "$f" >"$tmp/out" 2>"$tmp/sum"
	is "$?" 0 "$name: exit 0"
	msgs=$(field "$tmp/sum" dns_messages)
	is "$(events "$tmp/out")" "$msgs" "$name: one event per message ($msgs)"
	is "$(field "$tmp/sum" malformed) $(field "$tmp/sum" stopped)" "0 no" "$name: nothing malformed, read to the end"
	if ! have_tshark; then skip "$name: $no_tshark" 2; continue; fi
	opts=()
	case $name in   # see tests/captures/README.md
	tcp-reorder*) opts=(-o tcp.reassemble_out_of_order:TRUE) ;;
	esac
	is "$msgs" "$(tshark_msgs "${opts[@]}" -r "$f")" "$name: as many DNS messages as tshark counts"
	is "$(field "$tmp/sum" packets)" "$(tshark -r "$f" 2>/dev/null | wc -l)" "$name: as many packets as tshark reads"
	compared=$((compared + 1))
done
if have_tshark; then [ "$compared" -ge 10 ]; ok $? "tshark recounted $compared captures"
else skip "tshark recounts the corpus: $no_tshark"; fi

# What each file was made to show (tests/captures/README.md).
sum() { "$W" decode "$C/$1" >"$tmp/out" 2>"$tmp/sum"; }
sum multi-link.pcapng
is "$(field "$tmp/sum" link)" "EN10MB,LINUX_SLL,RAW,LINUX_SLL2,NULL,IPV4,IPV6,LOOP" "multi-link: every interface by its own link type"
is "$(field "$tmp/sum" packets) $(field "$tmp/sum" dns_messages) $(field "$tmp/sum" queries_old) $(field "$tmp/sum" queries_new)" \
	"73 72 18 18" "multi-link: 73 packets, 72 DNS messages, 18 queries to each server"
sum multi-snaplen.pcapng
is "$(field "$tmp/sum" dns_messages) $(field "$tmp/sum" dns_messages_cut)" "40 10" "multi-snaplen: 40 messages, the 10 answers of the short interface cut"
grep -qx '.*	response	.*	hat.com	A	NOERROR	\[cut\]	[1-9][0-9]*' "$tmp/out"; ok $? "multi-snaplen: a cut answer keeps its question, its answers marked [cut]"
sum snaplen60.pcap
is "$(field "$tmp/sum" dns_messages) $(field "$tmp/sum" dns_messages_cut) $(field "$tmp/sum" queries_old) $(field "$tmp/sum" queries_new)" \
	"6 6 1 2" "snaplen 60: every message cut, and still 3 queries (a query is a query)"
sum snaplen60-raw.pcap
is "$(awk -F'\t' '$4 == "query" && $9 == "hat.com"' "$tmp/out" | wc -l) $(field "$tmp/sum" dns_messages_cut)" "3 3" \
	"snaplen 60 on raw IP: the queries whole, the 3 answers cut"
sum tcp-seven.pcap
is "$(field "$tmp/sum" dns_messages) $(cut -f1 "$tmp/out" | sort | uniq -c | awk '$1 == 7' | wc -l)" "14 2" \
	"tcp-seven: 7 queries in one segment, 7 answers in one"
sum tcp-split.pcap
is "$(field "$tmp/sum" dns_messages) $(field "$tmp/sum" tcp_lost)" "6 0" "tcp-split: 6 messages put together, nothing lost"
sum tcp-reorder.pcap
is "$(field "$tmp/sum" dns_messages) $(awk -F'\t' 'NR > 1 { print $8 }' "$tmp/out" | sort | uniq -d | tr '\n' ' ')" "5 800 801 " \
	"tcp-reorder: 5 messages, each once (800 and 801: query and answer)"
[ "$(field "$tmp/sum" tcp_retransmitted)" -ge 1 ] && [ "$(field "$tmp/sum" tcp_out_of_order)" -ge 1 ]
ok $? "tcp-reorder: segments sent again and out of order counted"
sum tcp-snaplen.pcap
is "$(field "$tmp/sum" dns_messages) $(field "$tmp/sum" dns_messages_cut)" "4 1" "tcp-snaplen: the cut message counts, the stream goes on"
sum sections.pcapng
grep -q '^untimed	1 ' "$tmp/sum"; ok $? "sections: the simple packet block has no time, and the summary says so"

# 13. Damaged files: the packets before the damage decoded, then exit 2
#     with the reason; a file cut short is a warning.
for d in "block-length-odd.pcapng:block length 61 is not a multiple of 4" \
         "block-lengths-differ.pcapng:block length 88 at its start, 4 at its end" \
         "interface-unknown.pcapng:packet on interface 3, but the section describes 1" \
         "interface-usb.pcapng:packet 5 is on interface 1 .* of link type USB_LINUX \(189\), which decode does not read" \
         "record-huge.pcap:packet record of 2147483647 bytes, more than 262144"; do
	f=${d%%:*} why=${d#*:}
	"$W" decode "$C/damaged/$f" >"$tmp/out" 2>"$tmp/err"
	is "$?" 2 "$f: exit 2"
	grep -qE "^whichns: $C/damaged/$f: stopped after [0-9]+ packets: .*$why" "$tmp/err"; ok $? "$f: one line says where and why"
	[ "$(events "$tmp/out")" -ge 2 ]; ok $? "$f: the packets before it decoded"
done
"$W" decode "$C/damaged/file-cut.pcapng" >"$tmp/out" 2>"$tmp/err"
is "$? $(events "$tmp/out")" "0 4" "file-cut: exit 0, the 4 messages before the cut"
grep -q "^whichns: $C/damaged/file-cut.pcapng: truncated after 4 packets: block of 88 bytes cut short" "$tmp/err"; ok $? "file-cut: the warning says where"
"$W" decode "$C/damaged/link-usb.pcap" >"$tmp/out" 2>"$tmp/err"
is "$?" 2 "link-usb.pcap: exit 2"
grep -q "link type USB_LINUX (189) is not decoded" "$tmp/err"; ok $? "link-usb.pcap: says which link type"

# 13b. decode reads a block at a time (256 KiB), a file and a pipe
#      alike: records across the blocks' edges, a record larger than a
#      block, a cut inside one, and memory that does not grow with the file.
big="$tmp/big.pcap"
"$G" -n 30000 -o "$big" >/dev/null   # 2.7 MB: records across 10 edges
"$W" decode --json "$big" >"$tmp/big.file" 2>"$tmp/big.sum"
is "$? $(field "$tmp/big.sum" dns_messages) $(field "$tmp/big.sum" malformed)" "0 30000 0" \
	"a capture of 10 blocks: every message, none malformed"
cat "$big" | "$W" decode --json - 2>/dev/null | cmp -s - "$tmp/big.file"
ok $? "... the same from a pipe"
if command -v editcap >/dev/null; then
	editcap -F pcapng "$big" "$tmp/big.pcapng"
	cat "$tmp/big.pcapng" | "$W" decode --json - 2>/dev/null | cmp -s - "$tmp/big.file"
	ok $? "... the same as pcapng from a pipe"
else
	skip "... the same as pcapng from a pipe: editcap not installed"
fi
head -c 1500001 "$big" | "$W" decode - >/dev/null 2>"$tmp/err"
grep -q "^whichns: -: truncated after 16483 packets: packet of 83 bytes cut short at 16 (at byte 1499969)" "$tmp/err"
ok $? "a pipe cut inside a record: the warning names the file's byte"
# One packet of 262144 bytes (libpcap's largest), then one of 60: the
# read buffer grows for the first (not DNS: Ethernet type 0).
perl -e 'print pack("VvvVVVV", 0xa1b2c3d4, 2, 4, 0, 0, 262144, 1);
         for my $n (262144, 60) { print pack("VVVV", 1, 0, $n, $n), "\0" x $n }' >"$tmp/huge.pcap"
"$W" decode - <"$tmp/huge.pcap" >/dev/null 2>"$tmp/sum"
is "$? $(field "$tmp/sum" packets) $(field "$tmp/sum" not_dns)" "0 2 2" \
	"a packet larger than the read block, and one after it"
head -c 200000 "$tmp/huge.pcap" | "$W" decode - >/dev/null 2>"$tmp/sum"
is "$? $(field "$tmp/sum" packets)" "0 0" "... cut inside it: a warning, no packet"
grep -q "^truncated	yes: after 0 packets: packet of 262144 bytes cut short at 199960 (at byte 24)" "$tmp/sum"
ok $? "... the summary says where"
# Peak RSS (KiB) of decode reading FILE from a pipe.
rss() { /usr/bin/time -f %M "$W" decode - <"$1" 2>&1 >/dev/null | tail -n 1; }
if [ -x /usr/bin/time ]; then
	huge="$tmp/100k.pcap"   # past every buffer's size, as big is
	"$G" -n 100000 -o "$huge" >/dev/null
	r1=$(rss "$big") r2=$(rss "$huge")
	[ "$r2" -lt $((r1 + 1024)) ]
	ok $? "memory does not grow with the file: from a pipe, peak RSS $r1 KiB on 30000 packets (2.7 MB), $r2 KiB on 100000 (9 MB)"
	rm -f "$huge"
else
	skip "memory does not grow with the file: /usr/bin/time not installed"
fi

# 14. A real case: decode agrees with the case on its own capture.
if [ "$(id -u)" -ne 0 ] || ! unshare -n -m -p -f true 2>/dev/null; then
	skip "a real case needs root and namespaces" 4   # the run, 2 per case, the count
else
	"$W" run -q --results "$tmp/res" -f getip/inplace/default "$top/fixtures/scenarios/repro.scn" >"$tmp/run.out" 2>&1
	ok $? "whichns run getip/inplace/default"
	compared=0
	for r in "$tmp"/res/latest/*/result.txt; do
		d=$(dirname "$r"); name=$(basename "$d")
		[ "$(field "$r" switched)" = yes ] || continue
		win=$(awk -v a="$(field "$r" switch_time)" -v b="$(field "$r" window_end)" 'BEGIN { printf "%.6f", b - a }')
		"$W" decode --switch "$(field "$r" switch_time)" --switch-end "$(field "$r" switch_end)" \
			--window "$win" "$d/capture.pcap" >"$tmp/out" 2>"$tmp/sum"
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

# 15. decode --case DIR: the case's switch, window end, --only and fresh
#     process from its result.txt, so its own folder decodes to its
#     verdict.  A perl loop (glibc's gethostbyname, A only) that keeps the
#     old server (no-reload), and a fresh process that asks the new one
#     after the window: counted, it would make the verdict LATE.
"$W" decode --case "$tmp" >/dev/null 2>"$tmp/err"
is "$?" 2 "decode --case of a folder without result.txt: exit 2"
head -1 "$tmp/err" | grep -q "^whichns: --case $tmp: cannot read $tmp/result.txt: No such file"; ok $? "... a line naming the file"
if [ "$(id -u)" -ne 0 ] || ! unshare -n -m -p -f true 2>/dev/null; then
	skip "a real case needs root and namespaces" 7
elif ! command -v perl >/dev/null; then
	skip "no perl for the looking-up process" 7
else
	"$W" exec -q --results "$tmp/fr" --options no-reload --only A --window 2s \
		--fresh 'getent ahostsv4 hat.com; sleep 0.5' --fresh-for 2s -- \
		perl -e 'use Socket; while (1) { gethostbyname("hat.com"); select(undef, undef, undef, 0.2) }' \
		>"$tmp/fr.out" 2>&1
	ok $? "whichns exec --only A --fresh: exit 0"
	d="$tmp/fr/latest-exec/001-exec" r="$tmp/fr/latest-exec/001-exec/result.txt"
	[ "$(field "$r" only)" = A ] && [ "$(field "$r" fresh_ran)" = yes ] && [ "$(field "$r" fresh_queries_new)" -gt 0 ]
	ok $? "... the case counted A only, and its fresh process asked the new server"
	"$W" decode --case "$d" >/dev/null 2>"$tmp/sum"
	is "$(field "$tmp/sum" verdict) $(field "$tmp/sum" late_by) $(field "$tmp/sum" queries_old_before) $(field "$tmp/sum" queries_old_after) $(field "$tmp/sum" queries_new_after)" \
		"$(field "$r" verdict) $(field "$r" late_by) $(field "$r" queries_old_before) $(field "$r" queries_old_after) $(field "$r" queries_new_after)" \
		"decode --case gives the case's verdict and counts ($(field "$r" verdict))"
	# The default pair: two servers of two addresses each, as the case had.
	is "$(field "$tmp/sum" servers) $(field "$tmp/sum" server1 | cut -d' ' -f1-3,5-)" \
		"$(field "$r" servers) $(field "$r" server1 | cut -d' ' -f1-3,5-)" \
		"decode --case keeps the default pair's servers whole (each with both addresses; the state, which a capture cannot show, aside)"
	is "$(field "$tmp/sum" only) $(field "$tmp/sum" fresh_time) $(field "$tmp/sum" window_end)" \
		"A $(field "$r" fresh_time) $(field "$r" window_end)" "... from result.txt's only, fresh_time and window_end"
	# Without --case the fresh process's queries are in the count.
	"$W" decode --switch "$(field "$r" switch_time)" --only A "$d/capture.pcap" >/dev/null 2>"$tmp/sum"
	[ "$(field "$tmp/sum" queries_new_after)" -gt "$(field "$r" queries_new_after)" ]
	ok $? "without --case, the fresh process's queries are counted ($(field "$tmp/sum" verdict)): what --case is for"
	"$W" decode --case "$d" --only AAAA >/dev/null 2>"$tmp/sum"
	is "$(field "$tmp/sum" only) $(field "$tmp/sum" fresh_time)" "AAAA $(field "$r" fresh_time)" \
		"an option given with --case overrides its value, the others stay"
fi
# 16. Several servers: a before/after resolv.conf pair (any number of
#     nameserver lines, IPv4 and IPv6), or --old/--new as often as
#     needed.  An IPv4 capture (198.51.100.10, then .20) merged with an
#     IPv6 one (2001:db8:100::10, then ::20) that straddles the switch:
#     .10 only before (old), .20 only after (new), ::10 in both (kept),
#     ::20 in neither (other).  Each count is tshark's.
c4="$tmp/s4.pcap" c6="$tmp/s6.pcap" cm="$tmp/servers.pcap"
sw=$("$G" -n 100 -l raw -o "$c4" | cut -f2)
"$G" -n 80 -S 30 -l raw -6 -t "$(awk -v s="$sw" 'BEGIN { printf "%.3f", s - 0.2 }')" -o "$c6" >/dev/null
printf '# the old one\nsearch hat.com\nnameserver 198.51.100.10\nnameserver 2001:db8:100::10 # v6\noptions rotate timeout:1\n' >"$tmp/before.conf"
printf 'nameserver 198.51.100.20\nnameserver\t2001:db8:100::10' >"$tmp/after.conf"   # no final newline
if ! have_tshark; then
	skip "several servers: $no_tshark (mergecap)" 13
else
	mergecap -F pcap -w "$cm" "$c4" "$c6"
	"$W" decode --before-conf "$tmp/before.conf" --after-conf "$tmp/after.conf" --switch "$sw" "$cm" >"$tmp/out" 2>"$tmp/sum"
	is "$?" 0 "--before-conf/--after-conf: exit 0"
	is "$(field "$tmp/sum" old)|$(field "$tmp/sum" new)|$(field "$tmp/sum" kept)" \
		"198.51.100.10|198.51.100.20|2001:db8:100::10" "the summary names each file's servers: old, new, kept"
	q() { tshark -r "$cm" -Y "dns.flags.response == 0 && $1" 2>/dev/null | wc -l; }
	want="$(q 'ip.dst == 198.51.100.10') $(q 'ip.dst == 198.51.100.20') $(q 'ipv6.dst == 2001:db8:100::10') $(q 'ipv6.dst == 2001:db8:100::20')"
	got="$(field "$tmp/sum" queries_old) $(field "$tmp/sum" queries_new) $(field "$tmp/sum" queries_kept) $(field "$tmp/sum" queries_other)"
	is "$got" "$want" "old, new, kept and other queries as tshark counts them per address"
	kept_before=$(q "ipv6.dst == 2001:db8:100::10 && frame.time_epoch < $sw")
	[ "$kept_before" -gt 0 ] && [ "$kept_before" -lt "$(field "$tmp/sum" queries_kept)" ]
	ok $? "the kept server was asked before and after the switch ($kept_before of $(field "$tmp/sum" queries_kept) before)"
	is "$(field "$tmp/sum" verdict) $(field "$tmp/sum" queries_old_after) $(field "$tmp/sum" queries_new_after)" \
		"FOLLOWED 0 $(q "ip.dst == 198.51.100.20 && frame.time_epoch >= $sw")" \
		"the verdict counts the old and new servers, not the kept one"
	# Each server's line, as a case's result.txt has them: its queries
	# before and after the switch, recounted by tshark.
	is "$(field "$tmp/sum" servers)" 3 "three servers, each with its line"
	for k in 1 2 3; do
		line=$(field "$tmp/sum" "server$k") a=${line%% *}
		case $a in *:*) dst="ipv6.dst == $a" ;; *) dst="ip.dst == $a" ;; esac
		is "$(echo "$line" | grep -oE ' (before|after)=[0-9]+' | tr -d '\n')" \
			" before=$(q "$dst && frame.time_epoch < $sw") after=$(q "$dst && frame.time_epoch >= $sw")" \
			"server$k ($a): its queries before and after the switch as tshark counts them"
	done
	is "$(awk -F'\t' 'NR > 1 && $3 == "kept"' "$tmp/out" | wc -l)" \
		"$(tshark -r "$cm" -Y 'ipv6.addr == 2001:db8:100::10 && dns' 2>/dev/null | wc -l)" \
		"the timeline says kept for each message to or from the kept server"
	# --old/--new, any number of times: the same servers, the same counts.
	"$W" decode --old 198.51.100.10 --old 2001:db8:100::10 --new 198.51.100.20 --new 2001:db8:100::10 \
		--switch "$sw" "$cm" >"$tmp/out2" 2>"$tmp/sum2"
	is "$(grep -E '^(old|new|kept|queries_|responses_|verdict)' "$tmp/sum2")" \
		"$(grep -E '^(old|new|kept|queries_|responses_|verdict)' "$tmp/sum")" \
		"--old/--new twice each gives what the resolv.conf pair gives"
	"$W" decode --old 198.51.100.10 --old 2001:db8:100::10 --old 192.0.2.1 --new 198.51.100.20 \
		--new 2001:db8:100::20 "$cm" >/dev/null 2>"$tmp/sum2"
	is "$(field "$tmp/sum2" queries_old) $(field "$tmp/sum2" queries_new) $(field "$tmp/sum2" queries_other)" \
		"$(q 'ip.dst == 198.51.100.10 || ipv6.dst == 2001:db8:100::10') $(q 'ip.dst == 198.51.100.20 || ipv6.dst == 2001:db8:100::20') 0" \
		"five --old/--new addresses (more than the old limit of 2 each)"
	"$W" decode --switch "$sw" "$cm" >/dev/null 2>"$tmp/sum2"
	is "$(field "$tmp/sum2" queries_old) $(field "$tmp/sum2" queries_new) $(field "$tmp/sum2" queries_kept)" \
		"$(q 'ip.dst == 198.51.100.10 || ipv6.dst == 2001:db8:100::10') $(q 'ip.dst == 198.51.100.20 || ipv6.dst == 2001:db8:100::20') 0" \
		"without servers named: the default pair, both addresses each"
fi
nine=()
for i in 1 2 3 4 5 6 7 8 9; do nine+=(--new "192.0.2.$i"); done
expect 2 "^whichns: --new 192.0.2.9: more than 8 --old and --new addresses in all; give at most 8" \
	"nine --new addresses" -- "$W" decode "${nine[@]}" "$c4"
printf 'search hat.com\n\nnameserver 198.51.100.10 \nnameserver 127.0.0.53\n' >"$tmp/stub.conf"
expect 2 "^whichns: $tmp/stub.conf:4: nameserver 127.0.0.53 is a loopback address .*list the upstream servers instead" \
	"a loopback nameserver" -- "$W" decode --before-conf "$tmp/stub.conf" --after-conf "$tmp/after.conf" "$c4"
is "$(wc -l <"$tmp/err")" 1 "... in one line"
printf '# nothing\n' >"$tmp/none.conf"
expect 2 "^whichns: $tmp/none.conf: no nameserver line; add one" "no nameserver line" -- \
	"$W" decode --before-conf "$tmp/before.conf" --after-conf "$tmp/none.conf" "$c4"
printf 'nameserver 198.51.100.10\nnameserver 198.51.100.300\n' >"$tmp/bad.conf"
expect 2 "^whichns: $tmp/bad.conf:2: nameserver '198.51.100.300' is not an IPv4 or IPv6 address" "an unparsable address" -- \
	"$W" decode --before-conf "$tmp/bad.conf" --after-conf "$tmp/after.conf" "$c4"
for i in 1 2 3 4 5 6 7 8 9; do echo "nameserver 192.0.2.$i"; done >"$tmp/nine.conf"
expect 2 "^whichns: $tmp/nine.conf:9: nameserver 192.0.2.9: more than 8 servers" "nine servers in a file" -- \
	"$W" decode --before-conf "$tmp/nine.conf" --after-conf "$tmp/after.conf" "$c4"
expect 2 "^whichns: --after-conf without --before-conf: give the resolv.conf before and after the switch, both" \
	"half a pair" -- "$W" decode --after-conf "$tmp/after.conf" "$c4"
expect 2 "^whichns: --before-conf/--after-conf and --old/--new both name the servers: give one or the other" \
	"a pair and --old" -- "$W" decode --before-conf "$tmp/before.conf" --after-conf "$tmp/after.conf" --old 192.0.2.1 "$c4"
expect 2 "^whichns: --before-conf $tmp/missing.conf: cannot read: No such file or directory" "a missing file" -- \
	"$W" decode --before-conf "$tmp/missing.conf" --after-conf "$tmp/after.conf" "$c4"
# 17. decode --case of a case made from a resolv.conf pair: the case's
#     own servers (result.txt's serverN lines), not the default pair.
if [ "$(id -u)" -ne 0 ] || ! unshare -n -m -p -f true 2>/dev/null; then
	skip "a real case needs root and namespaces" 4
elif ! have_tshark; then
	skip "decode --case of a 3-server case: $no_tshark" 4
else
	printf 'search hat.com\nnameserver 192.0.2.53\nnameserver 2001:db8::53\n' >"$tmp/cb.conf"
	printf 'nameserver 198.51.100.53\nnameserver 2001:db8::53\n' >"$tmp/ca.conf"
	"$W" exec -q --results "$tmp/cs" --before-conf "$tmp/cb.conf" --after-conf "$tmp/ca.conf" -- \
		"$top/$B/repro/getip" -i 100 hat.com >"$tmp/cs.out" 2>&1
	d="$tmp/cs/latest-exec/001-exec"
	is "$(field "$d/result.txt" servers)" 3 "exec with a 3-address pair: result.txt names 3 servers"
	"$W" decode --case "$d" >/dev/null 2>"$tmp/sum"
	is "$(field "$tmp/sum" old)|$(field "$tmp/sum" new)|$(field "$tmp/sum" kept)" \
		"192.0.2.53|198.51.100.53|2001:db8::53" "decode --case takes the case's servers and their files"
	q() { tshark -r "$d/capture.pcap" -Y "dns.flags.response == 0 && $1" 2>/dev/null | wc -l; }
	is "$(field "$tmp/sum" queries_old) $(field "$tmp/sum" queries_new) $(field "$tmp/sum" queries_kept)" \
		"$(q 'ip.dst == 192.0.2.53') $(q 'ip.dst == 198.51.100.53') $(q 'ipv6.dst == 2001:db8::53')" \
		"... and counts each as tshark does"
	nostate() { for k in 1 2 3; do field "$1" "server$k" | sed 's/ state=[^ ]*//'; done; }
	is "$(nostate "$tmp/sum")" "$(nostate "$d/result.txt")" \
		"... and gives each server the counts the case gave it (its serverN lines, but the state)"
fi
# 18. A pcapng block whose length runs past the end of the file, after
#     the first block decode reads (256 KiB): the file is truncated
#     there, as when the lie is in the first block (exit 0, the packets
#     before it decoded), not a record too long to read (exit 2).
if command -v editcap >/dev/null && command -v python3 >/dev/null; then
	"$G" -n 30000 -l en10mb -o "$tmp/lie.pcap" >/dev/null
	editcap -F pcapng "$tmp/lie.pcap" "$tmp/lie.pcapng"
	at=$(python3 -c 'import struct, sys
d = bytearray(open(sys.argv[1], "rb").read()); off = 0
while off < len(d):
    t, l = struct.unpack_from("<II", d, off)
    if t == 6 and off > 400000:
        struct.pack_into("<I", d, off + 4, 0x7ffffff0); break
    off += l
open(sys.argv[2], "wb").write(d); print(off)' "$tmp/lie.pcapng" "$tmp/lie2.pcapng")
	"$W" decode "$tmp/lie2.pcapng" >"$tmp/lie.out" 2>"$tmp/lie.err"
	is "$? $(field "$tmp/lie.err" truncated | grep -c "at byte $at")" "0 1" \
		"a block length past the file's end at byte $at: truncated there, exit 0"
	np=$(field "$tmp/lie.err" packets)
	[ "$np" -gt 2000 ] && [ "$(wc -l < "$tmp/lie.out")" -eq $((np + 1)) ]
	ok $? "... the $np packets before it decoded"
else
	skip "a lying pcapng block length: editcap or python3 not installed" 2
fi
done_testing
