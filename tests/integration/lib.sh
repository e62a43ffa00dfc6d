# lib.sh - shared by the integration tests (TAP, run by prove).
# Each test sources it, calls need_root_and_namespaces, then uses ok/is.

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
W="$top/build/whichns"
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

# What a run must never leave behind.
leftovers() {
	local out=""
	local pid
	# Case processes never exec, so they carry no mark: look for any
	# whichns run still going (the tests run one at a time).
	pgrep -f "^$W run" >/dev/null && out+="case-process "
	for pid in $(ls /proc | grep -E '^[0-9]+$'); do
		[ "$pid" = "$$" ] && continue
		tr "\\0" "\\n" 2>/dev/null < "/proc/$pid/environ" | grep -q '^WHICHNS_RUN=' &&
			out+="process:$pid "
	done
	ip netns list 2>/dev/null | grep -q '^whichns' && out+="netns "
	grep -qsE ' /etc(/resolv.conf)? ' /proc/mounts && out+="mount-over-etc "
	grep -qs "${WHICHNS_CACHE:-/var/cache/whichns}/" /proc/mounts && out+="mount-in-rootfs "
	echo "$out"
}
