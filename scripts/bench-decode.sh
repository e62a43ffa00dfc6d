#!/usr/bin/env bash
# bench-decode.sh - whichns decode against tshark on one synthetic capture.
#
# Writes a capture of PACKETS (default 1,000,000) DNS packets to a temporary
# folder, times "whichns decode FILE > /dev/null" and tshark printing the
# time, destination and query name of every packet, prints packets per
# second for each and their ratio, and removes the capture.  Exits 1 when
# whichns is less than MIN_RATIO (default 10) times as fast as tshark.
# The same capture as pcapng (editcap) is timed too, for the pcapng reader.
# WHICHNS and GEN_CAPTURE name other builds (default build/).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
W=${WHICHNS:-$top/build/whichns}
GEN=${GEN_CAPTURE:-$top/build/tests/gen_capture}
PACKETS=${PACKETS:-1000000}
MIN_RATIO=${MIN_RATIO:-10}

for prog in "$W" "$GEN"; do
	[ -x "$prog" ] || { echo "bench-decode: $prog not built (make $prog)" >&2; exit 2; }
done
command -v tshark >/dev/null || { echo "bench-decode: tshark not found (apt-get install tshark)" >&2; exit 3; }

tmp=$(mktemp -d /tmp/whichns-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cap="$tmp/capture.pcap"

"$GEN" -n "$PACKETS" -l en10mb -o "$cap" >/dev/null
echo "capture: $PACKETS packets, $(du -h "$cap" | cut -f1), Ethernet/IPv4/UDP"

# Seconds a command takes, best of RUNS (default 1: tshark is slow).
seconds() {
	local best="" t0 t1 i
	for ((i = 0; i < ${RUNS:-1}; i++)); do
		t0=$(date +%s.%N)
		"$@" >/dev/null 2>&1
		t1=$(date +%s.%N)
		best=$(awk -v a="$t0" -v b="$t1" -v best="$best" \
		       'BEGIN { s = b - a; print (best == "" || s < best + 0) ? s : best }')
	done
	echo "$best"
}

"$W" decode "$cap" >/dev/null 2>"$tmp/summary" ||
	{ echo "bench-decode: whichns decode failed:" >&2; cat "$tmp/summary" >&2; exit 1; }
msgs=$(awk -F'\t' '$1 == "dns_messages" { print $2 }' "$tmp/summary")
[ "$msgs" = "$PACKETS" ] ||
	{ echo "bench-decode: whichns decoded $msgs DNS messages, expected $PACKETS" >&2; exit 1; }

tw=$(RUNS=3 seconds "$W" decode "$cap")
tt=$(seconds tshark -r "$cap" -T fields -e frame.time_epoch -e ip.dst -e dns.qry.name)
tn=""
if command -v editcap >/dev/null; then
	editcap -F pcapng "$cap" "$tmp/capture.pcapng"
	tn=$(RUNS=3 seconds "$W" decode "$tmp/capture.pcapng")
fi

awk -v n="$PACKETS" -v tw="$tw" -v tn="$tn" -v tt="$tt" -v min="$MIN_RATIO" 'BEGIN {
	printf "%-16s %8.2f s %12.0f packets/s\n", "whichns decode", tw, n / tw
	if (tn != "")
		printf "%-16s %8.2f s %12.0f packets/s\n", "  (as pcapng)", tn, n / tn
	printf "%-16s %8.2f s %12.0f packets/s\n", "tshark", tt, n / tt
	printf "ratio: whichns decode is %.1fx tshark (target: %gx)\n", tt / tw, min
	exit tt / tw >= min ? 0 : 1
}'
