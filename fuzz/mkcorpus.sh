#!/usr/bin/env bash
# mkcorpus.sh - rebuild the generated seeds of fuzz/corpus/.
#   fuzz/mkcorpus.sh [CASE_DIR...]
# Generated seeds are named gen-*; every other file in fuzz/corpus/ (seeds
# written by hand, inputs that once found a bug) is left alone.  Seeds come
# from what the tests use: tests/gen_capture's synthetic captures (every
# link type, IPv4 and IPv6, a malformed answer, no DNS), tshark's pcapng of
# them (one and several interfaces, a snaplen of 60), the frames of
# tests/captures/*.pcap, the scenario and expected-verdict fixtures.  A CASE_DIR (a case folder of a real run,
# results/RUN/NNN-name) adds its capture.pcap's frames and messages and its
# result.txt.  Needs: make, cc, libpcap, tshark's editcap and mergecap.
set -euo pipefail
cd "$(dirname "$0")/.."

B=${B:-build}
C=fuzz/corpus
G="$B/tests/gen_capture"
S="$B/fuzz/seedgen"
make --no-print-directory B="$B" "$G" >/dev/null
mkdir -p "$B/fuzz"
read -r -a pcap <<<"$(pkg-config --cflags --libs libpcap 2>/dev/null || echo -lpcap)"
cc -std=gnu11 -D_GNU_SOURCE -O2 -o "$S" fuzz/seedgen.c "${pcap[@]}"
tmp=$(mktemp -d /tmp/whichns-corpus.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

for t in packet dns scenario caseres expect resolvconf capfile; do
	mkdir -p "$C/$t"
	rm -f "$C/$t"/gen-*
done

# Synthetic captures: two queries and their answers each.
caps=()
for link in en10mb sll sll2 raw; do
	for v in 4 6; do
		v6=()
		[ $v = 6 ] && v6=(-6)
		"$G" -n 4 -l "$link" "${v6[@]}" -o "$tmp/$link-$v.pcap" >/dev/null
		caps+=("$tmp/$link-$v.pcap")
	done
done
"$G" -n 4 -b 2 -o "$tmp/malformed.pcap" >/dev/null
"$G" -N -n 2 -o "$tmp/ntp.pcap" >/dev/null
caps+=("$tmp/malformed.pcap" "$tmp/ntp.pcap")

for cap in "${caps[@]}"; do
	name=$(basename "$cap" .pcap)
	"$S" frames "$cap" "$C/packet" "gen-$name"
	"$S" dns "$cap" "$C/dns" "gen-$name"
done
"$G" -n 16 -l raw -o "$tmp/tcp.pcap" >/dev/null
"$S" tcp "$tmp/tcp.pcap" "$C/packet" gen-tcp
# The decode tests' capture corpus: TCP split, seven to a segment, cut.
for cap in tests/captures/*.pcap; do
	"$S" frames "$cap" "$C/packet" "gen-tc-$(basename "$cap" .pcap)"
done

# Whole capture files, for a capture-file target: pcap, nanosecond pcap,
# pcapng with one interface, with several link types, with one link type
# at two snaplens, a snaplen-60 capture, and a file cut short.
cp "$tmp/en10mb-4.pcap" "$C/capfile/gen-en10mb.pcap"
cp "$tmp/malformed.pcap" "$C/capfile/gen-malformed.pcap"
editcap -F nsecpcap "$tmp/sll2-6.pcap" "$C/capfile/gen-sll2-v6-nsec.pcap"
editcap -F pcapng "$tmp/raw-4.pcap" "$C/capfile/gen-raw.pcapng"
# Cut to 60 bytes, and the file header's snaplen (offset 16) says 60 too.
editcap -F pcap -s 60 "$tmp/en10mb-4.pcap" "$C/capfile/gen-snaplen60.pcap"
printf '\074\000\000\000' | dd of="$C/capfile/gen-snaplen60.pcap" bs=1 seek=16 \
	conv=notrunc status=none
"$S" frames "$C/capfile/gen-snaplen60.pcap" "$C/packet" gen-snaplen60
mergecap -F pcapng -w "$C/capfile/gen-multi-link.pcapng" \
         "$tmp/en10mb-4.pcap" "$tmp/sll-6.pcap" "$tmp/raw-4.pcap"
mergecap -I none -F pcapng -w "$C/capfile/gen-multi-snaplen.pcapng" \
         "$tmp/en10mb-4.pcap" "$C/capfile/gen-snaplen60.pcap"
head -c 100 "$tmp/en10mb-4.pcap" >"$C/capfile/gen-cut.pcap"

# A real run's case folders: its frames, messages, a few packets of its
# capture, and its result.txt.
n=0
for dir in "$@"; do
	n=$((n + 1))
	cap="$dir/capture.pcap"
	[ -f "$cap" ] || { echo "mkcorpus.sh: no $cap" >&2; exit 2; }
	"$S" frames "$cap" "$C/packet" "gen-run$n"
	"$S" dns "$cap" "$C/dns" "gen-run$n"
	"$S" tcp "$cap" "$C/packet" "gen-run$n-tcp"
	editcap -r -F pcap "$cap" "$C/capfile/gen-run$n.pcap" 1-12
	editcap -r -F pcapng "$cap" "$C/capfile/gen-run$n.pcapng" 1-12
	[ -f "$dir/result.txt" ] && cp "$dir/result.txt" "$C/caseres/gen-run$n.txt"
done

# Text fixtures as they are, the long baselines cut to their first lines.
for f in fixtures/scenarios/*.scn; do
	cp "$f" "$C/scenario/gen-$(basename "$f")"
done
cp fixtures/expected/glibc-2.36 "$C/expect/gen-glibc-2.36"
for f in fixtures/expected/*; do
	head -n 12 "$f" >"$C/expect/gen-$(basename "$f")-head"
done

# Options values: the first byte is fuzz_resolvconf's output size.
printf '\377default' >"$C/resolvconf/gen-default"
printf '\377no-reload' >"$C/resolvconf/gen-no-reload"
printf '\377no-reload+single-request+ndots:2+timeout:1' >"$C/resolvconf/gen-many"
printf '\060rotate+attempts:5' >"$C/resolvconf/gen-small-buffer"

du -sh --apparent-size "$C"
