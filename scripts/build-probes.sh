#!/usr/bin/env bash
# build-probes.sh - compile the probes inside a cached Debian root
# filesystem, with that filesystem's own gcc and C library (a probe built
# against a newer glibc does not run on an older one).
#
#   scripts/build-probes.sh [--cache DIR] SUITE...
#
# Output: CACHE/probes/SUITE/, with a stamp of the sources' hash; rebuilt
# only when repro/ changes.  Sources and output are bind-mounted into the
# root filesystem in a private mount namespace; all it gains is two empty
# mount points, /mnt/src and /mnt/out.
set -euo pipefail

cache=${WHICHNS_CACHE:-/var/cache/whichns}
if [ "${1:-}" = --cache ]; then cache=$2; shift 2; fi
[ $# -gt 0 ] || { echo "usage: build-probes.sh [--cache DIR] SUITE..." >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "build-probes: must run as root (chroot)" >&2; exit 3; }

top=$(cd "$(dirname "$0")/.." && pwd)
hash=$(cat "$top"/repro/*.c "$top"/repro/*.h | sha256sum | cut -c1-16)
CFLAGS="-std=gnu11 -D_GNU_SOURCE -Wall -Wextra -O2 -g"

for suite in "$@"; do
	root="$cache/rootfs/$suite"
	out="$cache/probes/$suite"
	if [ ! -f "$root/.whichns-stamp" ]; then
		echo "build-probes: no root filesystem for $suite in $cache/rootfs:" \
		     "run scripts/mkrootfs.sh $suite" >&2
		exit 3
	fi
	if [ "$(cat "$out/.stamp" 2>/dev/null)" = "$hash" ]; then
		continue
	fi
	echo "build-probes: [$suite] compiling probes inside the root filesystem" >&2
	tmp="$out.tmp-$$"
	rm -rf "$tmp"; mkdir -p "$tmp"
	# shellcheck disable=SC2016  # expanded by the inner shell
	if ! unshare -m sh -ec '
		mount --make-rslave /
		mkdir -p "$1/mnt/src" "$1/mnt/out" 2>/dev/null || true
		mount --bind -o ro "$2" "$1/mnt/src"
		mount --bind "$3" "$1/mnt/out"
		chroot "$1" /bin/sh -ec "
			cd /mnt/src
			for f in *.c; do
				case \$f in probe_*) continue ;; esac
				gcc $4 -o /mnt/out/\${f%.c} \$f probe_*.c -lresolv
			done"
	' sh "$root" "$top/repro" "$tmp" "$CFLAGS" 2>"$tmp.log"; then
		cat "$tmp.log" >&2
		rm -rf "$tmp" "$tmp.log"
		echo "build-probes: [$suite] compiling failed (output above)" >&2
		exit 1
	fi
	rm -f "$tmp.log"
	echo "$hash" > "$tmp/.stamp"
	rm -rf "$out"
	mv "$tmp" "$out"
done
