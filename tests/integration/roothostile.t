#!/usr/bin/env bash
# Hostile root filesystems (issue 16's review): small hand-made sources
# that once hung, crashed or fooled "whichns roots add", each imported
# into a cache of the test's own with --no-probes (no compiler runs):
# a FIFO where a file is read (os-release, a layer) answers at once; a
# tree deeper than 256 folders is bad input (exit 2), not a crash; a
# leftover 3000 folders deep is removed; a tarball rewritten to the same
# size with its mtime set back is hashed again; an image FROM scratch
# gets the folders a case mounts on; a name shaped like a key is refused;
# a stop (SIGTERM, SIGKILL) of the importer alone ends its unpacking
# child too, and frees KEY.lock.  Seconds, not minutes.
. "$(dirname "$0")/lib.sh"
need_root_and_namespaces

command -v zstd >/dev/null || { echo "1..0 # SKIP no zstd (scripts/deps.sh regress installs it)"; exit 0; }
libc=/var/cache/whichns/rootfs/bullseye/lib/x86_64-linux-gnu/libc-2.31.so
for s in bullseye bookworm trixie; do
	f=$(ls /var/cache/whichns/rootfs/$s/lib/x86_64-linux-gnu/libc.so.6 2>/dev/null) &&
		libc=$(readlink -f "$f") && break
done
[ -f "$libc" ] || { echo "1..0 # SKIP no glibc of a cached Debian tree to put in the roots"; exit 0; }

tmp=$(mktemp -d /tmp/whichns-hostile.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
c="$tmp/cache"
mkdir "$c"
roots() { "$W" roots "$1" --cache "$c" "${@:2}"; }
debris() { find "$c" -maxdepth 2 -name '*tmp*' 2>/dev/null; }
keyof() { roots list 2>/dev/null | awk -v n="$1" '$1 == n { print $2 }'; }

# mkroot OUT [ENTRY...]: a tarball of a root with only a C library (the
# cached tree's glibc), plus entries "fifo:PATH", "file:PATH:TEXT",
# "deep:N" (a folder N deep), "layer-fifo" (a docker-archive whose layer
# is a FIFO).
mkroot() {
	python3 - "$libc" "$@" <<'EOF'
import io, sys, tarfile
libc, out, specs = sys.argv[1], sys.argv[2], sys.argv[3:]
def add(t, name, data=None, kind=tarfile.REGTYPE):
    i = tarfile.TarInfo(name); i.type = kind; i.mode = 0o755 if kind == tarfile.DIRTYPE else 0o644
    if data is not None:
        i.size = len(data); t.addfile(i, io.BytesIO(data))
    else:
        t.addfile(i)
with tarfile.open(out, "w") as t:
    if "layer-fifo" in specs:
        add(t, "manifest.json", b'[{"Config":"c.json","RepoTags":["x:1"],"Layers":["l1/layer.tar"]}]')
        add(t, "c.json", b'{}')
        add(t, "l1", kind=tarfile.DIRTYPE)
        add(t, "l1/layer.tar", kind=tarfile.FIFOTYPE)
        sys.exit(0)
    t.add(libc, "lib/x86_64-linux-gnu/libc.so.6")
    for s in specs:
        k, _, rest = s.partition(":")
        if k == "fifo":
            add(t, rest, kind=tarfile.FIFOTYPE)
        elif k == "file":
            p, _, text = rest.partition(":")
            add(t, p, text.encode())
        elif k == "deep":
            add(t, "/".join(["d"] * int(rest)) + "/f", b"x")
EOF
}

# --- a FIFO: never waited on, never in the tree ---
mkroot "$tmp/fifo.tar" fifo:etc/os-release fifo:run/x.fifo
timeout 20 "$W" roots add --cache "$c" --no-probes fifo "$tmp/fifo.tar" >"$tmp/out" 2>"$tmp/err"
is "$?" 0 "a root whose os-release is a FIFO: imported (not hung)"
k=$(keyof fifo)
[ -n "$k" ] && [ ! -e "$c/roots/$k/rootfs/etc/os-release" ] && [ ! -e "$c/roots/$k/rootfs/run/x.fifo" ]
ok $? "a FIFO of the tarball is not in the tree (as a device node is not)"
roots list 2>/dev/null | awk -v n=fifo '$1 == n' | grep -q glibc
ok $? "its C library is read all the same (os-release absent)"

# --- a host that cannot run a case says so before any import ---
mkdir -p "$tmp/bin" "$tmp/c2"; ln -s "$(command -v ip)" "$tmp/bin/ip"
printf 'probe getip\n' >"$tmp/getip.scn"
env PATH="$tmp/bin" "$W" run --cache "$tmp/c2" --results "$tmp/res2" --libc "$tmp/fifo.tar" \
	"$tmp/getip.scn" >"$tmp/out" 2>"$tmp/err"
is "$? $(grep -c . "$tmp/err")" "3 1" "run --libc PATH without dnsmasq: exit 3, one line"
grep -q "dnsmasq not found.*apt-get install dnsmasq-base" "$tmp/err"
ok $? "... naming dnsmasq and its package (not the root's missing compiler)"
is "$(ls -A "$tmp/c2")" "" "... before any import: nothing in the cache"

# --- mount points of an image FROM scratch ---
modes=$(cd "$c/roots/$k/rootfs" 2>/dev/null && stat -c '%n %a' dev proc sys run tmp etc 2>&1 | tr '\n' ' ')
is "$modes" "dev 755 proc 555 sys 555 run 755 tmp 1777 etc 755 " \
	"a tree without /dev /proc /sys /run /tmp /etc gets them (empty, for the case's mounts)"

# whichns exec in it: the sandbox mounts on them (it said "cannot mount
# tmpfs on /run/root/run" before), and the program runs and ends.
if printf 'int main(void) { return 0; }\n' >"$tmp/quit.c" &&
   gcc -static -O2 -o "$tmp/quit" "$tmp/quit.c" 2>/dev/null; then
	python3 -c '
import sys, tarfile
with tarfile.open(sys.argv[1], "w") as t:
    t.add(sys.argv[2], "lib/x86_64-linux-gnu/libc.so.6"); t.add(sys.argv[3], "quit")
' "$tmp/scratch.tar" "$libc" "$tmp/quit"
	roots add --no-probes scratch "$tmp/scratch.tar" >/dev/null 2>&1
	timeout 60 "$W" exec --cache "$c" --libc scratch --results "$tmp/res" -- /quit >"$tmp/out" 2>&1
	is "$?" 4 "exec in a tree FROM scratch: the program ran (INCONCLUSIVE: it ended before the switch)"
	grep -q "cannot mount" "$tmp/out"; is "$?" 1 "exec in a tree FROM scratch: no mount failed"
else
	skip "no static C library on this host (gcc -static)" 2
fi

mkroot "$tmp/layer.tar" layer-fifo
SECONDS=0
timeout 20 "$W" roots add --cache "$c" --no-probes layer "$tmp/layer.tar" >"$tmp/out" 2>"$tmp/err"
st=$?
is "$st" 2 "a docker-archive whose layer is a FIFO: exit 2 (not hung: $SECONDS s)"
grep -q "layer 1 of 1" "$tmp/err"; ok $? "it names the layer"
is "$(debris)" "" "it leaves nothing in the cache"

# The same as a folder: its FIFO is opened by the importer itself
# (rootimport.c must open it with rootextract_open_file: O_PATH, fstat).
mkdir -p "$tmp/layerdir/l1"
printf '%s' '[{"Config":"c.json","RepoTags":["x:1"],"Layers":["l1/layer.tar"]}]' >"$tmp/layerdir/manifest.json"
echo '{}' >"$tmp/layerdir/c.json"
mkfifo "$tmp/layerdir/l1/layer.tar"
timeout 3 "$W" roots add --cache "$c" --no-probes layerdir "$tmp/layerdir" >"$tmp/out" 2>"$tmp/err"
is "$? $(grep -c . "$tmp/err")" "2 1" "an image folder whose layer is a FIFO: exit 2 at once, one line"
grep -q "not a regular file" "$tmp/err"; ok $? "... which says it is not a regular file"
rm -rf "$tmp/layerdir"

# --- deep trees ---
mkroot "$tmp/deep.tar" deep:300
timeout 30 "$W" roots add --cache "$c" --no-probes deep "$tmp/deep.tar" >"$tmp/out" 2>"$tmp/err"
is "$?" 2 "a tarball 300 folders deep: exit 2"
grep -q "deeper than 256 folders" "$tmp/err"; ok $? "it says how deep a tree may be"
is "$(debris)" "" "it leaves nothing in the cache"

mkdir -p "$tmp/deepdir/lib/x86_64-linux-gnu"
cp "$libc" "$tmp/deepdir/lib/x86_64-linux-gnu/libc.so.6"
python3 -c '
import os, sys
os.chdir(sys.argv[1])
for i in range(700):
    os.mkdir("d"); os.chdir("d")
' "$tmp/deepdir"
timeout 30 "$W" roots add --cache "$c" --no-probes deepdir "$tmp/deepdir" >"$tmp/out" 2>"$tmp/err"
is "$?" 2 "a folder 700 deep: exit 2 (was a crash of the hash walk)"
grep -q "$tmp/deepdir: .*deeper than 256 folders" "$tmp/err"; ok $? "it names the folder"

# A leftover of a killed import, 3000 folders deep: the next import
# removes it (one descriptor per level ran out at about 500).
dead=4194000
while kill -0 "$dead" 2>/dev/null; do dead=$((dead + 1)); done
left="$c/roots/.tmp-sha256-0123456789abcdef-$dead"
mkdir -p "$left"
python3 -c '
import os, sys
os.chdir(sys.argv[1])
for i in range(3000):
    os.mkdir("d"); open("f", "w").close(); os.chdir("d")
' "$left"
roots add --no-probes fifo2 "$tmp/fifo.tar" >"$tmp/out" 2>"$tmp/err"
is "$?" 0 "an import after a killed one 3000 folders deep: exit 0"
[ ! -e "$left" ]; ok $? "the leftover 3000 folders deep is removed"

# --- the hash memo and ctime ---
mkroot "$tmp/a.tar" file:etc/os-release:PRETTY_NAME=aaaa
mkroot "$tmp/b.tar" file:etc/os-release:PRETTY_NAME=bbbb
touch -d '2020-01-01 00:00:00' "$tmp/a.tar" "$tmp/b.tar"
is "$(stat -c %s "$tmp/a.tar")" "$(stat -c %s "$tmp/b.tar")" "two tarballs of the same size"
roots add --no-probes memo "$tmp/a.tar" >/dev/null 2>&1
ka=$(keyof memo)
cat "$tmp/b.tar" >"$tmp/a.tar"
touch -d '2020-01-01 00:00:00' "$tmp/a.tar"
roots add --no-probes memo "$tmp/a.tar" >/dev/null 2>&1
kb=$(keyof memo)
[ -n "$ka" ] && [ -n "$kb" ] && [ "$ka" != "$kb" ]
ok $? "a tarball rewritten in place, same size, mtime set back: hashed again ($ka -> $kb)"

# --- names ---
roots add --no-probes sha256-0123456789abcdef "$tmp/fifo.tar" >"$tmp/out" 2>"$tmp/err"
is "$?" 2 "a name shaped like a key: exit 2"

# --- a stop of the importer alone ends its unpacking child ---
# A tarball whose unpacking is long enough to catch, and quick to hash: one 1 GB file
# of zeros, compressed.
python3 - "$libc" <<'EOF' | zstd -1 -q -o "$tmp/big.tar.zst"
import sys, tarfile
class Zeros:
    def __init__(self, n): self.n = n
    def read(self, k=-1):
        k = self.n if k < 0 else min(k, self.n); self.n -= k; return bytes(k)
with tarfile.open(fileobj=sys.stdout.buffer, mode="w|") as t:
    t.add(sys.argv[1], "lib/x86_64-linux-gnu/libc.so.6")
    i = tarfile.TarInfo("big"); i.size = 1 << 30
    t.addfile(i, Zeros(i.size))
EOF
# running PID: there, and not a zombie (an orphan's is reaped by whoever
# adopted it, which may take its time).
running() { [ -e "/proc/$1" ] && ! grep -q '^[0-9]* (.*) Z ' "/proc/$1/stat" 2>/dev/null; }
# stopped SIGNAL: start an import of big.tar.zst, freeze its child
# (SIGSTOP: it unpacks on only when killed), send SIGNAL to the importer
# alone; "lock-held" when a KEY.lock is held after it, "child-alive"
# when that child outlives the importer (it is then killed here), then
# the importer's status.
stopped() {
	"$W" roots add --cache "$c" --no-probes "big$1" "$tmp/big.tar.zst" >"$tmp/out" 2>"$tmp/err" &
	local pid=$! child="" i
	for ((i = 0; i < 500; i++)); do
		child=$(pgrep -P "$pid" | head -1)
		[ -n "$child" ] && kill -STOP "$child" && break
		sleep 0.01
	done
	kill -"$1" "$pid"
	for ((i = 0; i < 40; i++)); do running "$pid" || break; sleep 0.05; done
	sleep 0.3
	for l in "$c"/roots/*.lock; do [ ! -e "$l" ] || flock -n "$l" true || echo "lock-held"; done
	if [ -n "$child" ] && running "$child"; then echo child-alive; kill -KILL "$child"; fi
	wait "$pid"
	echo "status $?"
}
is "$(stopped TERM | tr '\n' ' ')" "status 130 " "SIGTERM to the importer alone: its unpacking child ends with it (exit 130)"
is "$(debris)" "" "SIGTERM: nothing is left in the cache"
is "$(stopped KILL | tr '\n' ' ')" "status 137 " "SIGKILL of the importer: its unpacking child dies too, and holds no KEY.lock"
done_testing
