# lib.sh - shared by the integration tests (TAP, run by prove).
# Each test sources it, calls need_root_and_namespaces, then uses ok/is;
# a check that cannot run here is reported with skip, never left out.

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
B="${B:-build}"
W="$top/$B/whichns"
n=0
failed=0

ok() {   # ok CONDITION-EXIT-STATUS DESCRIPTION
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed + 1)); fi
}
is() {   # is GOT WANTED DESCRIPTION
	n=$((n + 1))
	if [ "$1" = "$2" ]; then echo "ok $n - $3"
	else echo "not ok $n - $3"; echo "#   got:    '$1'"; echo "#   wanted: '$2'"; failed=$((failed + 1)); fi
}
skip() {   # skip REASON [COUNT]: COUNT checks (1) that cannot run here, said so
	local i
	for ((i = 0; i < ${2:-1}; i++)); do n=$((n + 1)); echo "ok $n # SKIP $1"; done
}
# expect STATUS PATTERN DESCRIPTION -- command...: two checks, the exit
# status and a line of stderr matching PATTERN (the test's $tmp holds
# the command's out and err).
expect() {
	local want=$1 pat=$2 what=$3; shift 4
	"$@" >"$tmp/out" 2>"$tmp/err"
	is "$?" "$want" "$what: exit $want"
	grep -qE "$pat" "$tmp/err"; ok $? "$what: says '$pat'"
}
# A check that calls a command that does not exist must not pass by
# saying nothing: bash runs this (in a subshell) instead, and prove
# fails the file.
command_not_found_handle() {
	echo "Bail out! the test called '$1', which does not exist (line ${BASH_LINENO[0]})"
	return 127
}
done_testing() { echo "1..$n"; [ "$failed" -eq 0 ]; }

need_root_and_namespaces() {
	if [ "$(id -u)" -ne 0 ]; then echo "1..0 # SKIP needs root"; exit 0; fi
	if ! unshare -n -m -p -f true 2>/dev/null; then
		echo "1..0 # SKIP this kernel does not allow namespaces here"; exit 0
	fi
	[ -x "$W" ] || { echo "Bail out! $W not built (run make)"; exit 1; }
}

# field FILE KEY: a value from a case's result.txt
field() { awk -F'\t' -v k="$2" '$1 == k { print $2 }' "$1"; }

# This test's mark.  Exported, so it is in the environment of every
# whichns this test starts, of the case processes those fork, and of the
# servers and tools they run (dnsmasq, ip).  The process under test and
# what it starts get a fixed environment without it, but they live in a
# PID namespace whose init is a fork of a case process, which carries the
# mark: they cannot outlive it.  Other tests, run at the same time with
# the same build/whichns, carry marks of their own.
WHICHNS_TEST="${0##*/}.$$.$(date +%s%N)"
export WHICHNS_TEST

ns_types="net mnt ipc pid uts"
# The namespaces processes $@ are in or hold a descriptor of, one a line
# ("net:[4026532291]").
held_namespaces() {
	local p t paths=()
	for p in "$@"; do
		for t in $ns_types; do paths+=("/proc/$p/ns/$t"); done
		paths+=("/proc/$p"/fd/*)
	done
	[ ${#paths[@]} -gt 0 ] || return 0
	readlink "${paths[@]}" 2>/dev/null | grep -E "^(${ns_types// /|}):\[" | sort -u
}
# Every namespace in use when the test began.
ns_before=$(readlink /proc/[0-9]*/ns/{net,mnt,ipc,pid,uts} 2>/dev/null | sort -u)

# Host mounts a run must never leave: over /etc or /etc/resolv.conf, or in
# a cached root filesystem.  A tree that scripts/mkrootfs.sh is building
# (SUITE.tmp-PID) has /proc and /sys of its own mounted: not a run's.
host_mounts() {
	awk -v cache="${WHICHNS_CACHE:-/var/cache/whichns}/" '
		$2 == "/etc" || $2 == "/etc/resolv.conf" { print "mount-over-etc:" $2 }
		index($2, cache) == 1 && $2 !~ /\.tmp-[0-9]+\// { print "mount-in-rootfs:" $2 }
	' /proc/self/mounts | sort -u
}
mounts_before=$(host_mounts)

# The processes of this test's runs: whichns itself and the processes it
# started, by this test's mark, and the processes marked with the
# WHICHNS_RUN of one of those runs (the process under test, nscd,
# triggers).  The test's own tools carry its mark too (grep, sleep): they
# are neither whichns nor marked by a run.
test_pids() {
	local p exe run runs=()
	for p in $(grep -lzxsF -- "WHICHNS_TEST=$WHICHNS_TEST" /proc/[0-9]*/environ | cut -d/ -f3); do
		exe=$(readlink "/proc/$p/exe" 2>/dev/null)
		if [[ "${exe##*/}" == whichns* ]]; then
			echo "$p"
		elif run=$(tr '\0' '\n' 2>/dev/null <"/proc/$p/environ" | grep -m1 '^WHICHNS_RUN='); then
			echo "$p"
			runs+=("$run")
		fi
	done
	[ ${#runs[@]} -gt 0 ] || return 0
	printf '%s\n' "${runs[@]}" | sort -u | while read -r run; do
		grep -lzxsF -- "$run" /proc/[0-9]*/environ | cut -d/ -f3
	done
}

# What a run must never leave behind: a process of this test's runs
# ("process:PID(NAME)"), a namespace one of them holds that was not there
# when the test began ("namespace:net:[N]"), a mount over the host's /etc
# or in a cached root filesystem that was not there when the test began
# ("mount-over-etc:/etc").  Empty when there is none.
leftovers() {
	local out="" pids p
	pids=$(test_pids | sort -un)
	for p in $pids; do
		[ -e "/proc/$p" ] && out+="process:$p($(cat "/proc/$p/comm" 2>/dev/null)) "
	done
	# shellcheck disable=SC2086  # one pid a word
	for p in $(held_namespaces $pids | grep -vxF -f <(printf '%s\n' "${ns_before:-none}")); do
		out+="namespace:$p "
	done
	for p in $(host_mounts | grep -vxF -f <(printf '%s\n' "${mounts_before:-none}")); do
		out+="$p "
	done
	echo "$out"
}
