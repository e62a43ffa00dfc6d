#!/usr/bin/env bash
# mkimage.sh - a cached Debian root filesystem in the forms users bring
# to "whichns roots add" and --libc: a tarball, an OCI image layout and a
# docker-archive, made offline with Debian's own tools (tar, gzip, zstd,
# umoci, skopeo).  tests/integration/roots.t checks that each gives the
# verdicts of the tree it came from.
#
#   scripts/mkimage.sh [--cache DIR] [--out DIR] SUITE
#
# Prints the folder that holds, for SUITE (e.g. bullseye):
#   SUITE.tar.gz, SUITE.tar.zst   the tree as "docker export" gives it
#   SUITE-oci/                    an OCI image layout, tag SUITE, two layers
#   SUITE-oci.tar                 the same layout as one tar
#   SUITE-image.tar               a docker-archive ("docker save"), made
#                                 from the layout by skopeo
# The image's second layer deletes /etc/motd (a whiteout, etc/.wh.motd),
# replaces /etc/issue, and replaces /usr/share/doc with a folder holding
# only whichns-layer2/README (an opaque directory, .wh..wh..opq), so an
# importer that skips whiteouts or opaque markers leaves a tree that
# roots.t tells apart.
#
# The tree (CACHE/rootfs/SUITE) is only read.  Without --out the forms
# are kept in CACHE/images/SUITE-KEY, KEY from the tree's stamp and this
# script's recipe: made once per tree (about a minute), reused after,
# and the folders of older keys removed.  Exit: 0; 2 bad usage; 3 no such
# tree, or a tool missing (the line names its package).
set -euo pipefail

readonly RECIPE=v1   # change when what is made changes
cache=${WHICHNS_CACHE:-/var/cache/whichns}
out=""
while [ $# -gt 0 ]; do
	case $1 in
	--cache) cache=${2:?--cache needs a folder}; shift 2 ;;
	--out) out=${2:?--out needs a folder}; shift 2 ;;
	-*) echo "mkimage: unknown option '$1'" >&2; exit 2 ;;
	*) break ;;
	esac
done
[ $# -eq 1 ] || { echo "usage: mkimage.sh [--cache DIR] [--out DIR] SUITE" >&2; exit 2; }
suite=$1
case $suite in */* | .* | '') echo "mkimage: bad suite name '$suite'" >&2; exit 2 ;; esac
root="$cache/rootfs/$suite"
[ -f "$root/.whichns-stamp" ] || {
	echo "mkimage: no root filesystem for $suite in $cache/rootfs: run scripts/mkrootfs.sh $suite" >&2
	exit 3
}
for t in tar:tar gzip:gzip zstd:zstd umoci:umoci skopeo:skopeo flock:util-linux; do
	command -v "${t%%:*}" >/dev/null || {
		echo "mkimage: ${t%%:*} not found: apt-get install ${t#*:}" >&2; exit 3; }
done

key=$( { echo "$RECIPE"; cat "$root/.whichns-stamp"; } | sha256sum | cut -c1-16)
keep=""
if [ -z "$out" ]; then
	out="$cache/images/$suite-$key"
	keep=1
fi
if [ -f "$out/.done" ]; then echo "$out"; exit 0; fi
mkdir -p "$(dirname "$out")"
exec 9>"$out.lock"
flock 9   # one maker at a time; the second finds the first one's work
if [ -f "$out/.done" ]; then echo "$out"; exit 0; fi

work="$out.tmp-$$"
rm -rf "$work"
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
say() { printf 'mkimage: [%s] %s\n' "$suite" "$*" >&2; }
# A fixed time for the made entries, so the same tree gives the same bytes.
mtime=$(stat -c %Y "$root/.whichns-stamp")
t0=$SECONDS

# The whole tree as one uncompressed tar: the base layer and the source
# of both tarballs.  --numeric-owner: the tree's users are its own, not
# this host's.
tar -C "$root" --numeric-owner -cf "$work/base.tar" .
say "tar of the tree: $((SECONDS - t0)) s"; t=$SECONDS
gzip -1 -c "$work/base.tar" >"$work/$suite.tar.gz"
say "gzip: $((SECONDS - t)) s"; t=$SECONDS
zstd -q -T0 -c "$work/base.tar" >"$work/$suite.tar.zst"
say "zstd: $((SECONDS - t)) s"; t=$SECONDS

# The second layer, by hand: umoci would write whiteouts for each file
# of a replaced folder, never an opaque marker.  The marker comes right
# after its folder, as the OCI spec asks (before the folder's new
# entries).
l2="$work/layer2"
mkdir -p "$l2/etc" "$l2/usr/share/doc/whichns-layer2"
: >"$l2/etc/.wh.motd"
echo "whichns layer 2" >"$l2/etc/issue"
: >"$l2/usr/share/doc/.wh..wh..opq"
echo "the only file under /usr/share/doc after layer 2" >"$l2/usr/share/doc/whichns-layer2/README"
(cd "$l2" && tar --numeric-owner --owner=0 --group=0 --mtime="@$mtime" --no-recursion \
	-cf "$work/layer2.tar" etc/.wh.motd etc/issue usr/share/doc usr/share/doc/.wh..wh..opq \
	usr/share/doc/whichns-layer2 usr/share/doc/whichns-layer2/README)

oci="$work/$suite-oci"
t=$SECONDS
umoci init --layout "$oci"
umoci new --image "$oci:$suite"
umoci raw add-layer --image "$oci:$suite" --history.created_by "whichns scripts/mkimage.sh: the $suite tree" "$work/base.tar"
umoci raw add-layer --image "$oci:$suite" --history.created_by "whichns scripts/mkimage.sh: whiteout, opaque folder" "$work/layer2.tar"
umoci gc --layout "$oci"   # the blobs of the steps between
rm -rf "$l2" "$work/layer2.tar" "$work/base.tar"
say "OCI layout (umoci, two layers): $((SECONDS - t)) s"; t=$SECONDS
tar -C "$oci" -cf "$work/$suite-oci.tar" .
say "OCI layout as a tar: $((SECONDS - t)) s"; t=$SECONDS
# docker-archive: what "docker save" and "podman save" write.  The
# layout is ours, so no signature policy applies to it.
skopeo --insecure-policy copy -q "oci:$oci:$suite" "docker-archive:$work/$suite-image.tar:whichns/$suite:latest" >&2
say "docker-archive (skopeo): $((SECONDS - t)) s; all: $((SECONDS - t0)) s"

touch "$work/.done"
trap - EXIT
rm -rf "$out"
mv "$work" "$out"
if [ -n "$keep" ]; then   # older keys of this suite are stale
	for d in "$cache/images/$suite"-????????????????; do
		case ${d#"$cache/images/$suite-"} in *[!0-9a-f]*) continue ;; esac
		if [ "$d" != "$out" ] && [ -d "$d" ]; then rm -rf "$d" "$d.lock"; fi
	done
fi
echo "$out"
