#!/usr/bin/env bash
# Faults that say what happened.  A results folder on a full, nearly full
# or read-only filesystem (a small tmpfs mounted in a private mount
# namespace: the host's mount table never sees it): one line naming the path and the errno
# text, exit 3, no summary claimed, every case torn down.  A dnsmasq
# killed in a case: the case is an ERROR that names the signal, in its
# result and in dnsmasq-*.err.
. "$(dirname "$0")/lib.sh"
need_root_and_namespaces

tmp=$(mktemp -d /tmp/whichns-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
scn="$top/fixtures/scenarios/matrix.scn"
mnt="$tmp/mnt"
mkdir -p "$mnt"

# infs OPTS FILL_KB -- COMMAND ARGS...: run "whichns COMMAND --results DIR
# ARGS..." with DIR on a tmpfs (mount options OPTS; a final ",ro" remounts
# it read-only once DIR is made) holding FILL_KB of ballast, in a mount
# namespace of its own.  stdout, stderr, the status and a listing of DIR
# afterwards land in $tmp.
infs() {
	local opts=$1 fill=$2; shift 3
	rm -f "$tmp/status"
	unshare -m --propagation private bash -c '
		mnt=$1 opts=$2 fill=$3 tmp=$4 w=$5 sub=$6; shift 6
		mount -t tmpfs -o "${opts%,ro}" whichns-test "$mnt" || exit 99
		[ "$fill" -gt 0 ] && dd if=/dev/zero of="$mnt/ballast" bs=1k count="$fill" 2>/dev/null
		mkdir -p "$mnt/r"
		[ "$opts" = "${opts%,ro}" ] || mount -o remount,ro "$mnt"
		"$w" "$sub" --results "$mnt/r" "$@" >"$tmp/out" 2>"$tmp/err"
		echo $? >"$tmp/status"
		(cd "$mnt/r" && find . | sort) >"$tmp/files"
	' infs "$mnt" "$opts" "$fill" "$tmp" "$W" "$@"
	st=$(cat "$tmp/status" 2>/dev/null || echo none)
}
one_line() { is "$(wc -l <"$tmp/err")" 1 "$1: one line on stderr"; [ "$(wc -l <"$tmp/err")" -eq 1 ] || sed 's/^/#   /' "$tmp/err"; }
no_summary() {
	! grep -qE '/summary\.(md|json)$|/results\.tap$|/junit\.xml$|/run\.txt$|^\./latest$' "$tmp/files"
	ok $? "$1: no summary written, results/latest not pointed"
	! grep -qE 'Evidence|summary\.md' "$tmp/err"; ok $? "$1: no summary claimed (no 'Evidence', no summary.md)"
}

# 1. Full from the start: each case fails at its first write.
infs size=1m 1024 -- run -q -j 4 -f getip -f inplace,rename -f matrix "$scn"
is "$st" 3 "full filesystem: exit 3"
one_line "full filesystem"
# The first write of the run is its copy of the scenario file (scenarios/).
grep -qE "^whichns: cannot write $mnt/r/[^ ]+/(result\.txt|scenarios/[^ ]+): No space left on device; " "$tmp/err"
ok $? "full filesystem: names the path and 'No space left on device'"
no_summary "full filesystem"
is "$(leftovers)" "" "full filesystem: nothing left behind"

# 2. Full in the middle: some cases finish, the next write fails, the run
# stops and tears down the cases still running.
infs size=3m 2560 -- run -q -j 2 -f getip -f matrix "$scn"
is "$st" 3 "filesystem filling mid-run: exit 3"
one_line "filesystem filling mid-run"
grep -q "No space left on device" "$tmp/err"; ok $? "filesystem filling mid-run: says 'No space left on device'"
no_summary "filesystem filling mid-run"
done_cases=$(grep -c '/result\.txt$' "$tmp/files")
[ "$done_cases" -lt 10 ]; ok $? "filesystem filling mid-run: stopped before the end ($done_cases of 10 cases saved)"
is "$(leftovers)" "" "filesystem filling mid-run: nothing left behind"

# 3. Read-only.
infs size=1m,ro 0 -- run -q -f getip -f matrix "$scn"
is "$st" 3 "read-only: exit 3"
one_line "read-only"
# Found before anything runs: the results folder itself refuses writes.
grep -qE "^whichns: cannot (write|create) $mnt/r[^ ]*: Read-only file system; nothing ran" "$tmp/err"
ok $? "read-only: names the path and 'Read-only file system'"
infs size=1m,ro 0 -- exec -q -- /bin/true
is "$st" 3 "read-only, exec: exit 3"
grep -q "Read-only file system" "$tmp/err"; ok $? "read-only, exec: says so"

# 4. A write-back failure that only fsync() sees is not tried here: the
# only way to make one on this machine is a loop device over a full
# backing file, and that attaches a host loop device and writes "Buffer
# I/O error" lines into the host's kernel log, which no test may do.
# The fsync() of every file written is checked as every write is.

# 5. Every case saved, then no room for the reports: a filesystem with
# as many inodes fewer than one case and its reports take as the reports
# need (five files, summary.json first, and results/latest).  The count
# is taken after a run, when the kept servers' files (RUN/.servers) are
# gone: the case starts its own servers here (WHICHNS_POOL=0), so that
# the run needs no more inodes than its files.
export WHICHNS_POOL=0
infs size=8m 0 -- run -q -f =getip/inplace/default -f matrix "$scn"
is "$st" 0 "reports fit: exit 0"
used=$(wc -l <"$tmp/files")   # entries under r/, "." included
reports=$(grep -cE '^\./[^/]+/(summary\.json|summary\.md|results\.tap|junit\.xml|run\.txt)$|^\./latest$' "$tmp/files")
is "$reports" 6 "reports fit: five reports and results/latest"
infs "size=8m,nr_inodes=$((used + 1 - reports))" 0 -- run -q -f =getip/inplace/default -f matrix "$scn"
is "$st" 3 "no room for the reports: exit 3"
one_line "no room for the reports"
grep -qE "^whichns: cannot write $mnt/r/[^ ]+/summary\.json: No space left on device; the table above" "$tmp/err"
ok $? "no room for the reports: names summary.json and the errno text"
no_summary "no room for the reports"
grep -q '^getip/inplace/default  *FOLLOWED' "$tmp/out"; ok $? "no room for the reports: the measured table is still printed"

unset WHICHNS_POOL

# 6. A dnsmasq killed in a running case (kept for the run by the
# runner: the case learns how it ended from what its keeper wrote).
"$W" exec -q --results "$tmp/kill" --window 20s --interval 100ms -- \
	"$top/$B/repro/getip" -i 100 hat.com >/dev/null 2>&1 &
runner=$!
victim=""
for _ in $(seq 100); do
	for p in $(pgrep -x dnsmasq); do
		tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null | grep -q "^WHICHNS_RUN=$runner\\." &&
			grep -q 'dnsmasq-old' "/proc/$p/cmdline" && victim=$p
	done
	[ -n "$victim" ] && ls "$tmp"/kill/*/001-exec/process.out >/dev/null 2>&1 && break
	sleep 0.1
done
[ -n "$victim" ]; ok $? "dnsmasq killed: found the old server of the case (pid $victim)"
sleep 1
kill -KILL "$victim"
wait "$runner"
is "$?" 1 "dnsmasq killed: exit 1 (a case failed in the harness)"
res="$tmp/kill/latest-exec/001-exec"
grep -q '"outcome": "ERROR"' "$tmp/kill/latest-exec/summary.json"; ok $? "dnsmasq killed: the case is an ERROR"
field "$res/result.txt" error | grep -q "the old server (dnsmasq) was killed by signal 9 (Killed)"
ok $? "dnsmasq killed: its error names the signal"
grep -q "was killed by signal 9 (Killed)" "$res/dnsmasq-old.err"
ok $? "dnsmasq killed: dnsmasq-old.err names the signal"
grep -q "killed by signal 9" "$tmp/kill/latest-exec/summary.md"; ok $? "dnsmasq killed: summary.md names the signal"
is "$(leftovers)" "" "dnsmasq killed: nothing left behind"
done_testing
