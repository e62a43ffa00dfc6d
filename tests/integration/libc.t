#!/usr/bin/env bash
# One name for a C library.  A probe names its C library itself (its
# "#libc" line, repro/probe_libc.c); for any other program whichns reads
# it from the process's memory map and the mapped library file
# (harness/proctree.c, harness/lib/libcname.c).  Both must give the same string,
# the one the expected verdicts are keyed by ("glibc 2.36", "musl 1.2.3"),
# and it must be what the C library says of itself outside whichns
# (getconf for glibc, musl's loader run without arguments).
. "$(dirname "$0")/lib.sh"
need_root_and_namespaces

tmp=$(mktemp -d /tmp/whichns-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# libc_of LIBC LABEL COMMAND...: run COMMAND through exec, print the libc
# its result.txt names.
libc_of() {
	local libc=$1 label=$2; shift 2
	"$W" exec -q --libc "$libc" --results "$tmp/$label" --window 300ms \
		--interval 50ms -- "$@" >/dev/null 2>"$tmp/$label.err"
	field "$tmp/$label/latest-exec/001-exec/result.txt" libc
}

# same_name LIBC PROBES WANT: the probe's own line and its memory map
# agree with each other and with WANT.
same_name() {
	local libc=$1 probes=$2 want=$3 own line mapped
	own=$(libc_of "$libc" "$libc-own" "$probes/getip" -i 50 hat.com)
	line=$(sed -n 's/^#libc\t//p' "$tmp/$libc-own/latest-exec/001-exec/process.out")
	is "$line" "$own" "$libc: the case names the libc of the probe's #libc line"
	is "$own" "$want" "$libc: the probe says what the C library says of itself"
	# The same probe with its output thrown away: no "#libc" line reaches
	# whichns, which reads the name from the process's memory map.
	mapped=$(libc_of "$libc" "$libc-map" /bin/sh -c "exec $probes/getip -i 50 hat.com >/dev/null")
	[ ! -s "$tmp/$libc-map/latest-exec/001-exec/process.out" ]
	ok $? "$libc: a probe whose output is thrown away prints nothing to whichns"
	is "$mapped" "$own" "$libc: the memory map gives the probe's own name"
}

glibc_want="glibc $(getconf GNU_LIBC_VERSION | cut -d' ' -f2)"
same_name host "$top/$B/repro" "$glibc_want"
# A program that is no probe: /bin/sh looking up through getent.
other=$(libc_of host sh /bin/sh -c 'while :; do getent hosts hat.com; sleep 0.05; done')
is "$other" "$glibc_want" "host: a shell loop's libc, from its memory map"

musl_probes="$top/$B/repro-musl"
if [ -x "$musl_probes/getip" ]; then
	loader=$(readelf -l "$musl_probes/getip" | sed -n 's/.*interpreter: \(.*\)\]$/\1/p')
	musl_want="musl $("$loader" 2>&1 | sed -n 's/^Version //p')"
	same_name musl "$musl_probes" "$musl_want"
	# res_ninit ends at once on musl (exit 77): only its own line can name
	# the library, the process is gone before its memory map can be read.
	skipped=$(libc_of musl ninit "$musl_probes/res_ninit" -i 50 hat.com)
	is "$skipped" "$musl_want" "musl: a probe that ends at once still names its libc"
	# A run of the probes on musl names each case's libc the same way.
	printf 'probe getip res_ninit\ninterval 50ms\nwindow 300ms\n' >"$tmp/musl.scn"
	"$W" run -q --libc musl --results "$tmp/run" "$tmp/musl.scn" >/dev/null 2>&1
	is "$(cat "$tmp"/run/latest/*/result.txt | field /dev/stdin libc | sort -u)" \
		"$musl_want" "run --libc musl: every case says $musl_want"
else
	skip "musl: no $musl_probes (run make musl-probes)" 6
fi

is "$(leftovers)" "" "nothing left behind"
done_testing
