#!/usr/bin/env bash
# build-zoo.sh - put the zoo's programs and configurations
# (fixtures/zoo/) into the zoo root filesystem and compile them there, with
# that tree's own compilers: gcc (c-ares and libcurl programs), go
# (lookup_loop, cgo enabled so that GODEBUG=netdns=cgo works), javac.
#
#   scripts/build-zoo.sh [--cache DIR] [SUITE]     (SUITE: bookworm-zoo)
#
# Output: ROOT/opt/whichns-zoo/ with a stamp of the sources' hash; redone
# only when fixtures/zoo/ changes.  The tree is the zoo's own (built by
# scripts/mkrootfs.sh bookworm-zoo); its lock is held exclusively while
# writing, so no run uses it half-written.
# Exit: 0 done, 1 a compile failed, 2 usage, 3 environment (not root, no tree).
set -euo pipefail

cache=${WHICHNS_CACHE:-/var/cache/whichns}
if [ "${1:-}" = --cache ]; then cache=$2; shift 2; fi
suite=${1:-bookworm-zoo}
[ "$(id -u)" -eq 0 ] || { echo "build-zoo: must run as root (chroot)" >&2; exit 3; }
top=$(cd "$(dirname "$0")/.." && pwd)
root=$cache/rootfs/$suite
[ -f "$root/.whichns-stamp" ] || {
	echo "build-zoo: no root filesystem $root: run scripts/mkrootfs.sh $suite" >&2; exit 3; }
hash=$(cd "$top/fixtures/zoo" && cat ./* | sha256sum | cut -c1-16)
out=$root/opt/whichns-zoo
[ "$(cat "$out/.stamp" 2>/dev/null)" != "$hash" ] || exit 0

exec {lk}>>"$cache/rootfs/$suite.lock"
flock "$lk"
echo "build-zoo: [$suite] compiling the zoo's programs inside the root filesystem" >&2
t0=$SECONDS
rm -rf "$out" && mkdir -p "$out"
cp -- "$top"/fixtures/zoo/* "$out/"
# In a mount namespace of its own: the JDK's tools find their libraries
# through $ORIGIN, which needs /proc inside the tree.
# shellcheck disable=SC2016  # expanded by the inner shell
if ! env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C \
	unshare -m sh -ec 'mount --make-rslave /; mount -t proc proc "$1/proc"
	exec chroot "$1" /bin/sh -ec "$2"' sh "$root" '
	cd /opt/whichns-zoo
	gcc -O2 -Wall -Wextra -o ares_loop ares_loop.c -lcares
	gcc -O2 -Wall -Wextra -o curl_loop curl_loop.c -lcurl
	GOCACHE=/tmp/zoo-gocache CGO_ENABLED=1 go build -o lookup_loop lookup_loop.go
	rm -rf /tmp/zoo-gocache
	javac -d . LookupLoop.java
' >"$out.log" 2>&1; then
	cat "$out.log" >&2
	echo "build-zoo: [$suite] compiling failed (output above)" >&2
	exit 1
fi
rm -f "$out.log"
echo "$hash" >"$out/.stamp"
echo "build-zoo: [$suite] done in $((SECONDS - t0)) s" >&2
