#!/usr/bin/env bash
# bench-decode.sh - whichns decode side by side with tcpdump, tshark and
# the floor (libpcap's own read loop with an empty callback), on one
# synthetic capture; decode's peak memory on a small and a large one.
#
# Writes a capture of PACKETS (default 1,000,000) DNS packets to a
# temporary folder (Ethernet/IPv4/UDP, gen_capture), and times, each in
# CPU seconds (user + system; the best of RUNS, default 5, for the fast
# readers, of SLOW_RUNS, default 1, for tcpdump and tshark):
#   - whichns decode FILE > /dev/null (and the same file as pcapng, and
#     --json, for information);
#   - tcpdump -nn -r FILE > /dev/null;
#   - tshark -r FILE -T fields (time, destination, query name), as
#     before;
#   - pcaploop FILE (tests/bench/pcaploop.c): the floor;
# with packets per second and the ratio to the floor.  CPU time, not
# wall time: the machine is shared, and a reader that waits for the CPU
# has not worked longer (the wall times are shown too).  Then decode's
# peak RSS (/usr/bin/time %M) on PACKETS and on BIG (default 10,000,000)
# packets, and their ratio.  Last, each target of issue 15 with "met" or
# "NOT met": decode >= 5 M packets/s on PACKETS, and its peak RSS on BIG
# within 2x of that on PACKETS.
#
# A benchmark, never a test: a target not met is printed, not an exit
# status.  Exit 0 when it measured; 2 when a program of ours is not
# built or decode does not count the capture's messages; 3 when a tool it
# needs is missing (tcpdump and tshark are optional: a missing one is
# said in its row).  The captures (about 90 bytes a packet; BIG=0 skips
# the large one) are removed on exit.  WHICHNS, GEN_CAPTURE and PCAPLOOP
# name other builds (default build/).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
W=${WHICHNS:-$top/build/whichns}
GEN=${GEN_CAPTURE:-$top/build/tests/gen_capture}
FLOOR=${PCAPLOOP:-$top/build/tests/pcaploop}
PACKETS=${PACKETS:-1000000}
BIG=${BIG:-10000000}
RUNS=${RUNS:-5}
SLOW_RUNS=${SLOW_RUNS:-1}
TARGET_RATE=5000000   # packets/s on PACKETS (issue 15)
TARGET_RSS=2          # RSS on BIG within this factor of RSS on PACKETS

for prog in "$W" "$GEN" "$FLOOR"; do
	[ -x "$prog" ] || { echo "bench-decode: $prog not built (make $prog)" >&2; exit 2; }
done
[ -x /usr/bin/time ] || { echo "bench-decode: /usr/bin/time not found (apt-get install time)" >&2; exit 3; }

tmp=$(mktemp -d /tmp/whichns-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cap="$tmp/capture.pcap"

"$GEN" -n "$PACKETS" -l en10mb -o "$cap" >/dev/null
echo "capture: $PACKETS packets, $(du -h "$cap" | cut -f1), Ethernet/IPv4/UDP (gen_capture)"

"$W" decode "$cap" >/dev/null 2>"$tmp/summary" ||
	{ echo "bench-decode: whichns decode failed:" >&2; cat "$tmp/summary" >&2; exit 2; }
msgs=$(awk -F'\t' '$1 == "dns_messages" { print $2 }' "$tmp/summary")
[ "$msgs" = "$PACKETS" ] ||
	{ echo "bench-decode: whichns decoded $msgs DNS messages, expected $PACKETS" >&2; exit 2; }

# "CPU WALL RSS" of a command: CPU is user + system seconds; the run with
# the least CPU of N, its wall seconds and its peak RSS (KiB).
measure() {
	local n=$1 i best="" line
	shift
	for ((i = 0; i < n; i++)); do
		/usr/bin/time -f '%U %S %e %M' -o "$tmp/time" "$@" >/dev/null 2>"$tmp/err" ||
			{ echo "bench-decode: $* failed:" >&2; tail -n 3 "$tmp/err" >&2; return 1; }
		line=$(awk '{ printf "%.3f %.2f %d\n", $1 + $2, $3, $4 }' "$tmp/time")
		if [ -z "$best" ] || awk -v a="${line%% *}" -v b="${best%% *}" 'BEGIN { exit !(a < b) }'; then
			best=$line
		fi
	done
	echo "$best"
}

rows=()   # "name|cpu wall rss" (cpu "-": not measured, and why)
floor=$(measure "$RUNS" "$FLOOR" "$cap")
rows+=("libpcap loop (floor)|$floor")
rows+=("whichns decode|$(measure "$RUNS" "$W" decode "$cap")")
decode_cpu=${rows[1]#*|}
decode_cpu=${decode_cpu%% *}
if command -v editcap >/dev/null; then
	editcap -F pcapng "$cap" "$tmp/capture.pcapng"
	rows+=("  as pcapng|$(measure "$RUNS" "$W" decode "$tmp/capture.pcapng")")
	rm -f "$tmp/capture.pcapng"
fi
rows+=("  --json|$(measure "$RUNS" "$W" decode --json "$cap")")
if command -v tcpdump >/dev/null; then
	rows+=("tcpdump -nn -r|$(measure "$SLOW_RUNS" tcpdump -nn -r "$cap")")
else
	rows+=("tcpdump -nn -r|- not installed (apt-get install tcpdump)")
fi
if command -v tshark >/dev/null; then
	rows+=("tshark -T fields|$(measure "$SLOW_RUNS" tshark -r "$cap" -T fields \
	        -e frame.time_epoch -e ip.dst -e dns.qry.name)")
else
	rows+=("tshark -T fields|- not installed (apt-get install tshark)")
fi

echo
echo "CPU seconds (user + system), the best of $RUNS runs ($SLOW_RUNS for tcpdump and tshark):"
printf '%-22s %9s %9s %14s %10s\n' reader "cpu s" "wall s" "packets/s" "x floor"
floor_cpu=${floor%% *}
for r in "${rows[@]}"; do
	name=${r%%|*} m=${r#*|}
	case $m in
	-*) printf '%-22s %s\n' "$name" "${m#- }" ;;
	*)  awk -v name="$name" -v n="$PACKETS" -v f="$floor_cpu" -v m="$m" 'BEGIN {
		split(m, v, " "); cpu = v[1] > 0 ? v[1] : 0.001
		printf "%-22s %9.3f %9.2f %14.0f %9.1fx\n", name, v[1], v[2], n / cpu, cpu / (f > 0 ? f : 0.001)
	    }' ;;
	esac
done

# Peak memory: PACKETS, then BIG packets, each once (RSS does not vary
# with the load the way time does).
rss1=$(measure 1 "$W" decode "$cap")
rss1=${rss1##* }
rm -f "$cap"
echo
if [ "$BIG" -gt 0 ]; then
	"$GEN" -n "$BIG" -l en10mb -o "$tmp/big.pcap" >/dev/null
	rssbig=$(measure 1 "$W" decode "$tmp/big.pcap")
	rssbig=${rssbig##* }
	rm -f "$tmp/big.pcap"
	awk -v a="$rss1" -v b="$rssbig" -v n="$PACKETS" -v m="$BIG" 'BEGIN {
		printf "decode peak RSS: %.1f MiB on %d packets, %.1f MiB on %d; ratio %.2f\n",
		       a / 1024, n, b / 1024, m, b / a
	}'
else
	rssbig=""
	awk -v a="$rss1" -v n="$PACKETS" 'BEGIN {
		printf "decode peak RSS: %.1f MiB on %d packets (BIG=0: no large capture)\n", a / 1024, n
	}'
fi

echo
echo "issue 15 targets:"
awk -v n="$PACKETS" -v cpu="$decode_cpu" -v t="$TARGET_RATE" 'BEGIN {
	rate = n / (cpu > 0 ? cpu : 0.001)
	printf "  decode >= %.0f M packets/s on %d packets: %.2f M packets/s: %s\n",
	       t / 1e6, n, rate / 1e6, (rate >= t ? "met" : "NOT met")
}'
if [ -n "$rssbig" ]; then
	awk -v a="$rss1" -v b="$rssbig" -v k="$TARGET_RSS" -v m="$BIG" 'BEGIN {
		printf "  decode peak RSS on %d packets within %gx of the small capture'"'"'s: %.2fx: %s\n",
		       m, k, b / a, (b <= k * a ? "met" : "NOT met")
	}'
else
	echo "  decode peak RSS on a large capture: not measured (BIG=0)"
fi
