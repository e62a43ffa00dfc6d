#!/usr/bin/env bash
# SIGKILL the runner at random moments of a small matrix run and check,
# after each kill, that nothing of the run is left, without calling
# "whichns cleanup": every case process gets SIGTERM from the kernel when
# its runner dies (a parent-death signal) and tears its case down, and
# everything a case starts dies with the case.  Checked within 3 s of each
# kill (a case left to itself would run on for seconds more):
#   - processes: the run's case processes (its own argv, forked without
#     exec) and everything marked WHICHNS_RUN=<runner pid>.* (dnsmasq,
#     probes, nscd, triggers, ip);
#   - namespaces: every namespace the run's processes were in just before
#     the kill (other than this shell's) is gone from lsns;
#   - the host: mounts, named network namespaces, interfaces (ip -o link),
#     System V IPC objects (ipcs -m/-q/-s) and /dev/shm, all unchanged;
#   - results/latest, when there, points at a run with its summary.md.
# The moments are random with a seed printed up front: WHICHNS_SEED=N
# repeats them.  KILLS=N changes the number of kills (20).
. "$(dirname "$0")/lib.sh"
need_root_and_namespaces

kills=${KILLS:-20}
seed=${WHICHNS_SEED:-$(( $(date +%s) % 100000 ))}
RANDOM=$seed
echo "# seed $seed (WHICHNS_SEED=$seed repeats these moments)"

tmp=$(mktemp -d /tmp/whichns-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
# A bit of everything a case sets up: probes, nscd, the five ways of
# replacing resolv.conf, a chroot into a root filesystem, a daemon with
# triggers that forks.
# Cases last a few seconds (a 4 s window), longer than a teardown may
# take (3 s), so that a case that went on without its runner is caught.
cat >"$tmp/kill.scn" <<'EOF'
interval 50ms
window   4s
before   3
[host]
probe    getip res_loop
update   inplace bind-rename
cache    none nscd
[rootfs]
libc     bookworm
probe    getip
update   symlink
[daemon]
exec          while :; do getent hosts hat.com; sleep 0.1; done & wait
trigger       getent hosts hat.com
trigger-every 300ms
EOF
"$W" run --check "$tmp/kill.scn" >/dev/null; ok $? "the reliability scenario is valid"

# Processes of the run with results folder $1 and runner pid $2 (a
# handful of processes, so that sampling just before a kill is quick).
run_pids() {
	{ grep -lzxsF -- "$1" /proc/[0-9]*/cmdline
	  grep -lzxsE -- "WHICHNS_RUN=$2\.[0-9]+" /proc/[0-9]*/environ
	} | cut -d/ -f3 | sort -un
}
run_procs() {   # the same, with their names, to say what was left
	run_pids "$@" | while read -r p; do
		printf '%s:%s ' "$p" "$(cat "/proc/$p/comm" 2>/dev/null)"
	done
}
# The namespaces processes $@ are in, except this shell's own.
namespaces_of() {
	[ $# -gt 0 ] || return 0
	local p t paths=()
	for p in "$@"; do for t in mnt net pid uts ipc; do paths+=("/proc/$p/ns/$t"); done; done
	readlink "${paths[@]}" 2>/dev/null | sort -u |
		grep -vxF -f <(readlink /proc/$$/ns/{mnt,net,pid,uts,ipc})
}
# What a run must leave as it found it on the host.
host_state() {
	echo "## mounts"; awk '{ print $5, $9 }' /proc/self/mountinfo | sort
	echo "## netns"; ip netns list 2>/dev/null
	echo "## links"; ip -o link | awk -F': ' '{ print $2 }' | sort
	echo "## ipc"; for k in m q s; do echo "$k $(ipcs -"$k" | grep -c '^0x')"; done
	echo "## shm"; ls -A /dev/shm
}
# Is process $3 another whichns run's (not run $1/$2)?  Namespace numbers
# are reused: one of ours may be another run's a moment later.
others() {
	local env cmd
	env=$(tr '\0' '\n' 2>/dev/null <"/proc/$3/environ" | grep '^WHICHNS_RUN=')
	cmd=$(tr '\0' '\n' 2>/dev/null <"/proc/$3/cmdline")
	[ -n "$env" ] && [ "${env#WHICHNS_RUN=$2.}" = "$env" ] && return 0
	[[ "$(head -1 <<<"$cmd")" == */whichns ]] && ! grep -qxF -- "$1" <<<"$cmd"
}
# The namespaces of $3 still alive and not another run's, for run $1/$2
# (a process that has let go of its memory is nameless, but its
# namespaces show in lsns until it is gone).
left_ns() {
	local ns type pid
	lsns -n -o NS,TYPE,PID 2>/dev/null | awk -v want="$3" '
		BEGIN { n = split(want, w, /[^0-9]+/); for (i = 1; i <= n; i++) if (w[i] != "") keep[w[i]] = 1 }
		$1 in keep { print $1, $2, $3 }' |
	while read -r ns type pid; do
		others "$1" "$2" "$pid" ||
			printf 'namespace:%s:[%s](pid %s: %s) ' "$type" "$ns" "$pid" \
			       "$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline")"
	done
}
left_of() { echo "$(run_procs "$1" "$2")$(left_ns "$@")"; }

teardown_ms=3000
# Wait until run $1/$2/$3 leaves nothing, at most teardown_ms; sets ms
# (how long it took) and left (what was still there at the deadline).
settle() {
	local t0=$(date +%s%N) seen
	left=""
	for (( ; ; )); do
		seen=$(run_pids "$1" "$2")
		[ -z "$seen" ] && seen=$(left_ns "$@")
		ms=$(( ($(date +%s%N) - t0) / 1000000 ))
		[ -z "$seen" ] && return 0
		[ "$ms" -ge "$teardown_ms" ] && break
		sleep 0.05
	done
	left=$(left_of "$@")
	left="${left:-${seen//$'\n'/ } }(at ${ms} ms)"
}

before=$(host_state)

# One whole run first: how long it takes sets the range of the moments
# (kill moments fall in its first 90%, so that few fall after the end).
t0=$(date +%s%N)
"$W" run -q -j 5 --results "$tmp/full" "$tmp/kill.scn" >/dev/null 2>&1 &
pid=$!
wait "$pid"
full_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
ncases=$(ls "$tmp"/full/latest/*/result.txt | wc -l)
is "$ncases" 10 "a whole run takes ${full_ms} ms for its 10 cases"
is "$(run_procs "$tmp/full" "$pid")" "" "a whole run leaves no process"

clean=0 attempts=0 worst=0 k=0
while [ "$k" -lt "$kills" ] && [ "$attempts" -lt $((kills * 2)) ]; do
	attempts=$((attempts + 1))
	res="$tmp/k$attempts"
	at=$(( (RANDOM * 32768 + RANDOM) % (full_ms * 9 / 10) ))   # runs vary a little
	t0=$(date +%s%N)
	"$W" run -q -j 5 --results "$res" "$tmp/kill.scn" >/dev/null 2>&1 &
	pid=$!
	disown "$pid"   # no "Killed" line from this shell
	sleep "$(printf '%d.%03d' $((at / 1000)) $((at % 1000)))"
	procs=$(run_pids "$res" "$pid")
	# shellcheck disable=SC2086
	nss=$(namespaces_of $procs)
	saved=$(ls "$res"/*/*/result.txt 2>/dev/null | wc -l)
	kill -KILL "$pid" 2>/dev/null
	killed=$?
	at=$(( ($(date +%s%N) - t0) / 1000000 ))
	if [ "$killed" -ne 0 ]; then
		echo "# at ${at} ms the run had ended: not a kill; another moment"
		continue
	fi
	k=$((k + 1))
	settle "$res" "$pid" "$nss"
	[ "$ms" -gt "$worst" ] && worst=$ms
	after=$(host_state)
	[ "$after" != "$before" ] && left+="host:$(diff <(echo "$before") <(echo "$after") | grep '^[<>]' | tr '\n' ' ')"
	if [ -L "$res/latest" ] && [ ! -f "$res/latest/summary.md" ]; then
		left+="latest-without-summary "
	fi
	desc="kill $k at ${at} ms ($(wc -w <<<"$procs") processes, $(wc -l <<<"$nss") namespaces, $saved cases saved)"
	if [ -z "$left" ]; then
		clean=$((clean + 1))
		ok 0 "$desc: nothing left after ${ms} ms"
	else
		ok 1 "$desc: left $left"
		"$W" cleanup >/dev/null 2>&1   # so that the next kill starts clean
		teardown_ms=10000 settle "$res" "$pid" "$nss"
	fi
done
is "$k" "$kills" "$kills kills at moments inside a run"
echo "# $clean/$k kills left nothing within ${teardown_ms} ms (without whichns cleanup); teardown took at most $worst ms; seed $seed"
done_testing
