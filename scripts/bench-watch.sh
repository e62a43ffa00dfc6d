#!/usr/bin/env bash
# bench-watch.sh - what whichns watch adds to a DNS lookup, as a ratio
# measured in one run.
#
# A private network namespace (lo up, 192.0.2.53 on it) holds one dnsmasq
# that answers one name and nothing else, and a private mount namespace
# in which /etc/resolv.conf is a file of this run naming that server; the
# lookup loop (tests/clients/lookloop: LOOKUPS getaddrinfo() lookups, one
# A query each) runs in both.  ROUNDS rounds (default 5) time the loop
# without watch and with "whichns watch --for 600s -q" attached, the
# order alternating from round to round so that a drift of the machine
# falls on both halves alike.  Prints the mean time per lookup without
# and with watch and their ratio, each the median over the rounds, and
# how many of the loop's queries watch counted.
#
# A benchmark, not a test: it never fails on speed.  Exit 0 when it
# measured (the with-watch half is skipped, and says why, where watch is
# not built or cannot attach: no BPF, exit 3); 1 when a lookup failed or
# watch ended with an error; 2 when it cannot run here (not root, a tool
# or a binary missing).  No packet leaves the namespace.  Everything it
# started is killed and its temporary folder removed on any exit.
# WHICHNS and LOOKLOOP name other builds (default build/).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
W=${WHICHNS:-$top/build/whichns}
LOOP=${LOOKLOOP:-$top/build/tests/lookloop}
lookups=${LOOKUPS:-10000}
rounds=${ROUNDS:-5}
server=192.0.2.53
name=bench.whichns.test
answer=203.0.113.7

die() { echo "bench-watch: $*" >&2; exit 2; }
[[ $lookups =~ ^[1-9][0-9]*$ && $rounds =~ ^[1-9][0-9]*$ ]] ||
	die "LOOKUPS ($lookups) and ROUNDS ($rounds) must be whole numbers above 0"
[ "$(id -u)" = 0 ] || die "needs root (a network namespace, BPF); run it as root"
for t in unshare nsenter ip mount dnsmasq; do
	command -v "$t" >/dev/null || die "$t not found (apt-get install util-linux iproute2 dnsmasq-base)"
done
[ -x "$LOOP" ] || die "$LOOP not built (make ${LOOP#"$top"/})"
LOOP=$(readlink -f "$LOOP")   # nsenter -m starts at the namespace's root

tmp=$(mktemp -d /tmp/whichns-bench-watch.XXXXXX)
bg_pid=""
ns_pid=""
watch_pid=""
# Last in, first out: watch, then the namespace's dnsmasq (the namespaces
# and the bind mount go with it, their last process), then the folder.
cleanup() {
	if [ -n "$watch_pid" ]; then
		kill -INT "$watch_pid" 2>/dev/null || true
		for _ in $(seq 50); do kill -0 "$watch_pid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$watch_pid" 2>/dev/null || true
		wait "$watch_pid" 2>/dev/null || true
	fi
	for p in $ns_pid $bg_pid; do kill -TERM "$p" 2>/dev/null || true; done
	[ -z "$bg_pid" ] || wait "$bg_pid" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The namespace: its first process sets it up, writes its pid and becomes
# dnsmasq (unshare and sh exec, never fork), which holds it for the run;
# lookups enter it with nsenter.  unshare -m makes every mount private,
# so the bind mount never reaches the host; a host nscd's socket is
# hidden, so lookups go to the server, not to a cache.  ($! is not that
# pid: bash may fork once more for a background command.)
printf 'nameserver %s\n' "$server" > "$tmp/resolv.conf"
user=dnsmasq
id "$user" >/dev/null 2>&1 || user=nobody
unshare -n -m sh -c '
	ip link set lo up && ip addr add "$1/32" dev lo &&
	mount --bind "$2" /etc/resolv.conf &&
	{ [ ! -d /run/nscd ] || mount -t tmpfs tmpfs /run/nscd; } &&
	echo $$ > "$3.new" && mv "$3.new" "$3" &&
	shift 3 && exec "$@"' sh "$server" "$tmp/resolv.conf" "$tmp/ns.pid" \
	dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts \
	--no-poll --bind-interfaces --listen-address="$server" \
	--address="/$name/$answer" --pid-file= --user="$user" \
	--log-facility="$tmp/dnsmasq.log" 2>"$tmp/ns.err" &
bg_pid=$!

for _ in $(seq 100); do
	[ ! -s "$tmp/ns.pid" ] || break
	kill -0 "$bg_pid" 2>/dev/null || break
	sleep 0.1
done
ns_pid=$(cat "$tmp/ns.pid" 2>/dev/null || :)
[ -n "$ns_pid" ] || { echo "bench-watch: the namespace was not set up:" >&2; cat "$tmp/ns.err" >&2; exit 1; }

# A lookup must never leave the namespace: its process must still be in
# a network and a mount namespace other than this script's, with the
# run's resolv.conf, or nothing runs (a query would go to the host's
# servers).  Checked again before every command entered.
host_net=$(readlink /proc/self/ns/net)
host_mnt=$(readlink /proc/self/ns/mnt)
ns_net=$(readlink "/proc/$ns_pid/ns/net" || :)
ns_mnt=$(readlink "/proc/$ns_pid/ns/mnt" || :)
if [ -z "$ns_net" ] || [ "$ns_net" = "$host_net" ] || [ -z "$ns_mnt" ] || [ "$ns_mnt" = "$host_mnt" ] ||
   ! nsenter -t "$ns_pid" -n -m cat /etc/resolv.conf | cmp -s - "$tmp/resolv.conf"; then
	echo "bench-watch: process $ns_pid is not in the benchmark's own namespaces; no lookup run" >&2
	exit 1
fi
inside() {
	if [ "$(readlink "/proc/$ns_pid/ns/net" 2>/dev/null)" != "$ns_net" ]; then
		echo "bench-watch: the benchmark's namespace is gone (dnsmasq $ns_pid ended):" >&2
		cat "$tmp/dnsmasq.log" >&2
		exit 1
	fi
	nsenter -t "$ns_pid" -n -m "$@"
}

ready=0
for _ in $(seq 100); do
	kill -0 "$ns_pid" 2>/dev/null || break
	if inside "$LOOP" 1 "$name" >/dev/null 2>"$tmp/ready.err"; then ready=1; break; fi
	sleep 0.1
done
if [ $ready = 0 ]; then
	echo "bench-watch: the namespace's dnsmasq did not answer $name:" >&2
	cat "$tmp/ready.err" "$tmp/ns.err" "$tmp/dnsmasq.log" >&2 2>/dev/null || true
	exit 1
fi

# One loop: its nanoseconds on stdout; exit 1 (after saying why) when a
# lookup failed.
loop() {
	local ns
	if ! ns=$(inside "$LOOP" "$lookups" "$name" 2>"$tmp/loop.err"); then
		echo "bench-watch: the lookup loop failed: $(cat "$tmp/loop.err")" >&2
		exit 1
	fi
	echo "$ns"
}

# watch, attached in the background; 0 when it said "attached", else 1
# with why in $skip (watch_pid cleared).
skip=""
watch_start() {
	local r=$1
	( exec "$W" watch --for 600s -q --results "$tmp/watch$r" ) >"$tmp/watch$r.out" 2>"$tmp/watch$r.err" &
	watch_pid=$!   # watch itself: the subshell execs it
	for _ in $(seq 300); do
		if grep -q attached "$tmp/watch$r.err"; then return 0; fi
		kill -0 "$watch_pid" 2>/dev/null || break
		sleep 0.1
	done
	local rc=0
	kill -KILL "$watch_pid" 2>/dev/null || true
	wait "$watch_pid" || rc=$?
	watch_pid=""
	skip="watch did not attach (exit $rc): $(head -n 1 "$tmp/watch$r.err")"
	[ $rc -eq 3 ] || { echo "bench-watch: $skip" >&2; exit 1; }
	return 1
}

# Ctrl-C's way out: the table, the evidence; 0 or 1 (a process stale)
# are watch's verdicts, anything else an error.  Sets cpu: the CPU time
# watch used (user and system, clock ticks, from /proc before it ends);
# seen: how many queries of lookloop its events.tsv holds; lost: the
# records it says it lost (ring buffer full).  (Not in a $(...): watch is this
# shell's child, which a subshell cannot wait for.)
watch_stop() {
	local r=$1 rc=0
	cpu=$(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$watch_pid/stat" 2>/dev/null || echo 0)
	kill -INT "$watch_pid" 2>/dev/null || true   # gone already: a Ctrl-C reached it too
	wait "$watch_pid" || rc=$?
	watch_pid=""
	if [ $rc -gt 1 ]; then
		echo "bench-watch: watch ended with exit $rc:" >&2
		cat "$tmp/watch$r.err" >&2
		exit 1
	fi
	local tsv
	lost=0
	tsv=$(find "$tmp/watch$r" -name events.tsv -print -quit)
	seen="?"
	[ -n "$tsv" ] || return 0
	seen=$(awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		$col["comm"] == "lookloop" && $col["type"] == "query" { n++ }
		END { print n + 0 }' "$tsv")
	lost=$(grep -o '"lost":[0-9]*' "${tsv%/*}/summary.json" 2>/dev/null | head -n 1 | cut -d: -f2)
	lost=${lost:-0}
}

if [ ! -x "$W" ]; then
	skip="watch not built ($W)"
elif ! "$W" watch --help >/dev/null 2>&1; then
	skip="watch not built ($W has no watch command)"
fi

pct() {  # pct P < numbers: the P-th percentile (nearest rank), as bench.sh
	sort -g | awk -v p="$1" '{ v[NR] = $1 } END {
		if (NR == 0) { print "nan"; exit }
		i = int((p / 100) * NR + 0.999999); if (i < 1) i = 1; if (i > NR) i = NR
		print v[i] }'
}

hz=$(getconf CLK_TCK)
echo "bench-watch: $rounds rounds of $lookups lookups of $name at $server, without and with watch, on $(nproc) CPUs" >&2
loop >/dev/null   # warm up: caches, the page cache, the CPU's clock
: > "$tmp/rounds"
for r in $(seq "$rounds"); do
	without="" with="" seen="-" lost=0 cpu=0
	for half in $( ((r % 2)) && echo "off on" || echo "on off"); do
		if [ "$half" = off ]; then
			without=$(loop)
		elif [ -z "$skip" ] && watch_start "$r"; then
			with=$(loop)
			watch_stop "$r"
		fi
	done
	echo "$without ${with:--} $seen $lost $cpu" >> "$tmp/rounds"
	awk -v n="$lookups" -v r="$r" -v a="$without" -v b="${with:--}" -v s="$seen" -v l="$lost" \
	    -v c="$cpu" -v hz="$hz" 'BEGIN {
		printf "bench-watch: round %d: without %.1f us", r, a / n / 1000
		if (b != "-") printf ", with %.1f us per lookup (%.3fx); watch used %.2f s CPU, counted %s of %d queries", b / n / 1000, b / a, c / hz, s, n
		if (l > 0) printf " (%d records lost)", l
		printf "\n" }' >&2
done

us() { awk -v ns="$1" -v n="$lookups" 'BEGIN { printf "%.1f us", ns / n / 1000 }'; }
wo_med=$(awk '{ print $1 }' "$tmp/rounds" | pct 50)
printf '%-36s %s\n' \
	"lookups" "$lookups x $rounds rounds, one A query each" \
	"per lookup without watch, median" "$(us "$wo_med")"
if [ -n "$skip" ]; then
	printf '%-36s %s\n' "per lookup with watch" "skipped: $skip"
	exit 0
fi
w_med=$(awk '{ print $2 }' "$tmp/rounds" | pct 50)
ratio=$(awk '{ print $2 / $1 }' "$tmp/rounds" | pct 50)
added=$(awk -v n="$lookups" '{ print ($2 - $1) / n / 1000 }' "$tmp/rounds" | pct 50)
seen=$(awk '{ print $3 }' "$tmp/rounds" | sort -g | head -n 1)
lost=$(awk '{ n += $4 } END { print n + 0 }' "$tmp/rounds")
cpu=$(awk -v n="$lookups" -v hz="$hz" '{ print $5 / hz / n * 1e6 }' "$tmp/rounds" | pct 50)
printf '%-36s %s\n' \
	"per lookup with watch, median" "$(us "$w_med")" \
	"ratio with / without, median" "$(printf '%.3f' "$ratio")" \
	"added per lookup, median" "$(printf '%.1f us' "$added")" \
	"watch's CPU per lookup, median" "$(printf '%.1f us' "$cpu")" \
	"queries watch counted, fewest" "$seen of $lookups" \
	"records watch lost, all rounds" "$lost"
[ "$lost" = 0 ] || echo "bench-watch: watch lost records (its ring buffer was full): where it did, it did less work than its real cost" >&2
