#!/usr/bin/env bash
# Bad input and a bad environment: one clear line, the documented status.
. "$(dirname "$0")/lib.sh"
[ -x "$W" ] || { echo "Bail out! $W not built"; exit 1; }
tmp=$(mktemp -d /tmp/whichns-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

expect 2 "unknown command 'frobnicate'" "unknown command" -- "$W" frobnicate
expect 2 "bad --jobs 'zero'" "bad --jobs" -- "$W" run -j zero x.scn
expect 2 "needs at least one scenario" "no scenario" -- "$W" run
expect 2 "bad --shard '3/2'" "bad shard" -- "$W" run --shard 3/2 x.scn
expect 2 "cannot read $tmp/none.scn" "missing scenario" -- "$W" run --check "$tmp/none.scn"
printf 'probe getip\nupdate inplase\n' >"$tmp/typo.scn"
expect 2 "typo.scn:2: unknown update method 'inplase'; expected one of: inplace" \
	"scenario typo names file and line" -- "$W" run --check "$tmp/typo.scn"
printf 'probe nosuchprobe\n' >"$tmp/probe.scn"
expect 2 "probe 'nosuchprobe'.*not found" "unknown probe" -- "$W" run "$tmp/probe.scn"

# A name that is no C library is bad usage (exit 2, one line listing the
# known names): exec checks it up front exactly as run does (one check,
# one message), before any run folder exists.
printf 'probe getip\n' >"$tmp/getip.scn"
known="host, musl, bullseye, bookworm, trixie, sid, bookworm-zoo, bookworm-resolved or trixie-resolved"
expect 2 "^whichns: unknown C library 'nonexistent' .*: expected $known\$" "run --libc nonexistent" -- \
	"$W" run --results "$tmp/rl" --libc nonexistent "$tmp/getip.scn"
is "$(wc -l <"$tmp/err")" 1 "run --libc nonexistent: one line"
cp "$tmp/err" "$tmp/err.run"
expect 2 "^whichns: unknown C library 'nosuchlibc' .*: expected $known\$" "exec --libc nosuchlibc" -- \
	"$W" exec --results "$tmp/rl" --libc nosuchlibc -- /bin/true
is "$(wc -l <"$tmp/err")" 1 "exec --libc nosuchlibc: one line"
! grep -q mkrootfs "$tmp/err"; ok $? "exec --libc nosuchlibc: no mkrootfs hint (it cannot build that)"
"$W" exec --results "$tmp/rl" --libc nonexistent -- /bin/true >/dev/null 2>"$tmp/err"
is "$(cat "$tmp/err")" "$(cat "$tmp/err.run")" "exec --libc nonexistent: the same line as run's"
[ ! -e "$tmp/rl" ]; ok $? "exec --libc nonexistent: no run folder made"
# The names listed are the host, musl and the suites mkrootfs.sh builds.
suites=$(sed -n 's/^readonly \(EXTRA_\)\{0,1\}SUITES=(\(.*\))$/\2/p' "$top/scripts/mkrootfs.sh" | paste -sd' ')
names=(host musl $suites) mk_names=""
for ((i = 0; i < ${#names[@]}; i++)); do
	sep=", "; [ $i -eq 0 ] && sep=""; [ $i -eq $((${#names[@]} - 1)) ] && sep=" or "
	mk_names+="$sep${names[i]}"
done
is "$mk_names" "$known" "the names listed are host, musl and mkrootfs.sh's SUITES and EXTRA_SUITES"
# A known suite whose tree is not built: the environment (exit 3), with
# the command that builds it.
mkdir "$tmp/nocache"
expect 3 "^whichns: no root filesystem for libc 'trixie' in $tmp/nocache/rootfs: run 'scripts/mkrootfs.sh trixie'\$" \
	"exec --libc trixie, not built" -- "$W" exec --results "$tmp/rl" --cache "$tmp/nocache" --libc trixie -- /bin/true
[ ! -e "$tmp/rl" ]; ok $? "exec --libc trixie, not built: no run folder made"

# A resolv.conf pair (exec --before-conf/--after-conf, scenario keys):
# one line naming the file and line, exit 2, before any run folder.
printf 'nameserver 192.0.2.1\n' >"$tmp/good.conf"
printf 'search example.com\nnameserver 192.0.2.300\n' >"$tmp/badaddr.conf"
printf 'search example.com\noptions rotate\n' >"$tmp/none.conf"
printf 'nameserver 127.0.0.53\n' >"$tmp/stub.conf"
: >"$tmp/many.conf"
for i in 1 2 3 4 5 6 7 8 9; do echo "nameserver 192.0.2.$i" >>"$tmp/many.conf"; done
confbad() {   # STATUS PATTERN NAME ARGS...
	local st=$1 pat=$2 name=$3; shift 3
	expect "$st" "$pat" "$name" -- "$W" exec --results "$tmp/rc" "$@" -- /bin/true
	is "$(wc -l <"$tmp/err")" 1 "$name: one line"
	[ ! -e "$tmp/rc" ]; ok $? "$name: no run folder made"
}
confbad 2 "^whichns: exec: $tmp/badaddr.conf:2: .*192.0.2.300" "a bad nameserver address" \
	--before-conf "$tmp/good.conf" --after-conf "$tmp/badaddr.conf"
confbad 2 "^whichns: exec: $tmp/none.conf: .*nameserver" "a file without a nameserver" \
	--before-conf "$tmp/none.conf" --after-conf "$tmp/good.conf"
confbad 2 "^whichns: exec: $tmp/stub.conf:1: .*127.0.0.53" "a loopback stub" \
	--before-conf "$tmp/good.conf" --after-conf "$tmp/stub.conf"
confbad 2 "^whichns: exec: $tmp/many.conf:9: .*8" "more servers than a case has" \
	--before-conf "$tmp/many.conf" --after-conf "$tmp/good.conf"
confbad 2 "^whichns: exec: --before-conf without --after-conf" "one file of the pair" \
	--before-conf "$tmp/good.conf"
confbad 2 "^whichns: exec: cannot read --after-conf $tmp/nonexistent.conf" "a missing file" \
	--before-conf "$tmp/good.conf" --after-conf "$tmp/nonexistent.conf"
confbad 2 "^whichns: exec: --server: .*192.0.2.99" "a state for no server" \
	--server 192.0.2.99=down
confbad 2 "^whichns: exec: --server: .*sleepy" "an unknown state" \
	--server 198.51.100.10=sleepy
mkdir "$tmp/confdir"
confbad 2 "^whichns: exec: --before-conf $tmp/confdir is not a regular file" "a folder as the file" \
	--before-conf "$tmp/confdir" --after-conf "$tmp/good.conf"
mkfifo "$tmp/conffifo"
confbad 2 "^whichns: exec: --after-conf $tmp/conffifo is not a regular file" "a FIFO as the file (it would block)" \
	--before-conf "$tmp/good.conf" --after-conf "$tmp/conffifo"
confbad 2 "^whichns: exec: --stub and --before-conf/--after-conf do not go together" "a stub with a file pair" \
	--stub resolved --before-conf "$tmp/good.conf" --after-conf "$tmp/good.conf"
printf 'probe getip\nresolv-before nameserver 192.0.2.1\nresolv-after nameserver 2001:db8::1%%eth0\n' >"$tmp/conf.scn"
expect 2 "^whichns: $tmp/conf.scn:3: resolv-after" "scenario: a scoped address names the scenario's line" -- \
	"$W" run --check "$tmp/conf.scn"

"$W" --help | grep -q '^usage: whichns run'; ok $? "--help prints usage"

# The man page's synopsis says what --help says (words compared, layout not).
words() { tr -s ' \n\t' '\n\n\n' | grep -v '^$' | tr -d '\\'; }
help_syn=$("$W" --help | sed -n '1,/^$/p' | sed 's/^usage://; s/([^)]*)//g' | words)
man_syn=$(groff -man -Tascii -P-cbou -rLL=250n "$top/doc/whichns.1" 2>/dev/null |
          sed -n "/^SYNOPSIS/,/^DESCRIPTION/p" | sed "1d;\$d" | words)
is "$man_syn" "$help_syn" "the man page's SYNOPSIS matches --help"

# Without root: --check works, a run says it needs root; without dnsmasq:
# a run names the package.  Seven checks, which need root (to drop it
# with setpriv, and to get past the root check).
if [ "$(id -u)" -ne 0 ]; then
	skip "needs root (to run as nobody with setpriv)" 7
elif ! command -v setpriv >/dev/null; then
	skip "needs setpriv (util-linux)" 7
else
	chmod 755 "$tmp"; chmod 644 "$tmp/typo.scn"
	printf 'probe getip\n' >"$tmp/ok.scn"; chmod 644 "$tmp/ok.scn"
	setpriv --reuid=65534 --regid=65534 --clear-groups "$W" run --check "$tmp/ok.scn" >/dev/null 2>&1
	ok $? "--check needs no root"
	expect 2 "typo.scn:2:" "--check without root on a typo" -- \
		setpriv --reuid=65534 --regid=65534 --clear-groups "$W" run --check "$tmp/typo.scn"
	expect 3 "must run as root" "a run without root" -- \
		setpriv --reuid=65534 --regid=65534 --clear-groups "$W" run --results "$tmp/r" "$tmp/ok.scn"
	mkdir -p "$tmp/bin"; ln -s "$(command -v ip)" "$tmp/bin/ip"
	expect 3 "dnsmasq not found.*apt-get install dnsmasq-base" "dnsmasq missing" -- \
		env PATH="$tmp/bin" "$W" run --results "$tmp/r" "$tmp/ok.scn"
fi
done_testing
