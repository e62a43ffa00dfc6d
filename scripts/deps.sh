#!/usr/bin/env bash
# deps.sh - install the Debian packages whichns needs, and only those
# missing.  Idempotent and quiet when everything is present.
#   scripts/deps.sh            build, run and test on this machine
#   scripts/deps.sh regress    what C-library regression needs (the same)
#   scripts/deps.sh check      also chromium (make check: pictures.t looks at
#                              timeline.svg in a real browser, headless)
#   scripts/deps.sh fuzz       also clang and its libFuzzer runtime (make fuzz)
#   scripts/deps.sh bench      also tcpdump (make bench sets decode beside it)
set -euo pipefail

# musl-tools: the integration tests run musl probes too (libc.t).
# clang, libbpf-dev, bpftool: watch's kernel side is built with every
# make (harness/bpf/watch.bpf.c for the BPF target, its skeleton by
# bpftool, linked with libbpf).
# libarchive-dev: "whichns roots" reads tarballs and image layers (gzip,
# zstd, xz) with libarchive.
pkgs=(gcc make libc6-dev pkg-config libpcap-dev check iproute2 dnsmasq-base
      debootstrap tshark libxml2-utils perl groff-base musl-tools
      clang libbpf-dev bpftool libarchive-dev)
# libFuzzer is in libclang-rt-14-dev (through libclang-rt-dev), which
# clang only recommends and apt-get here does not install.
if [ "${1:-}" = fuzz ]; then
	pkgs+=(libclang-rt-dev)
fi
# tcpdump: make bench times decode next to "tcpdump -nn -r" (and tshark,
# installed above).  The package starts nothing.
if [ "${1:-}" = bench ]; then
	pkgs+=(tcpdump)
fi
# Debian 12's chromium: --headless --screenshot, no display needed.
# umoci, skopeo and zstd: roots.t makes container images of a cached
# root filesystem (an OCI layout, and a docker-archive as "docker save"
# writes it) and a .tar.zst, with no daemon and nothing started.
if [ "${1:-}" = check ]; then
	pkgs+=(chromium umoci skopeo zstd)
fi

missing=()
for p in "${pkgs[@]}"; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = installed ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing Debian packages: ${missing[*]}; run as root or:" \
	     "apt-get install ${missing[*]}" >&2
	exit 3
fi
echo "deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp /tmp/whichns-deps.XXXXXX)
trap 'rm -f "$log"' EXIT
if ! { apt-get update -q && apt-get install -y -q --no-install-recommends \
       "${missing[@]}"; } >"$log" 2>&1; then
	tail -n 15 "$log" >&2
	echo "deps: apt-get could not install ${missing[*]} (output above)" >&2
	exit 3
fi
