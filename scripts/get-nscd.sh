#!/usr/bin/env bash
# get-nscd.sh - unpack Debian's nscd for the host's exact glibc into the
# cache, without installing it: an installed nscd is a service on the
# host, and whichns never touches the host's nscd.  Cases with cache=nscd
# and libc=host run this copy inside their own namespaces.
#   scripts/get-nscd.sh [--cache DIR]
set -euo pipefail
cache=${WHICHNS_CACHE:-/var/cache/whichns}
if [ "${1:-}" = --cache ]; then cache=$2; fi
out="$cache/nscd-host"
ver=$(dpkg-query -W -f='${Version}' libc6)
[ "$(cat "$out/.version" 2>/dev/null)" = "$ver" ] && exit 0

tmp=$(mktemp -d /tmp/whichns-nscd.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
echo "get-nscd: unpacking nscd $ver (not installing it)" >&2
if ! (cd "$tmp" && apt-get download -q "nscd=$ver" >"$tmp/log" 2>&1); then
	if [ "$(id -u)" -eq 0 ]; then apt-get update -q >/dev/null 2>&1 || true; fi
	if ! (cd "$tmp" && apt-get download -q "nscd=$ver" >"$tmp/log" 2>&1); then
		tail -n 3 "$tmp/log" >&2
		echo "get-nscd: nscd $ver (the host's libc6 version) is not in the" \
		     "archive; use a root filesystem (--libc bookworm) for nscd cases" >&2
		exit 3
	fi
fi
mkdir -p "$cache"
rm -rf "$out.tmp"
dpkg-deb -x "$tmp"/nscd_*.deb "$out.tmp"
echo "$ver" > "$out.tmp/.version"
rm -rf "$out"
mv "$out.tmp" "$out"
