#!/usr/bin/env bash
# Root filesystems brought by a user (issue 16): a folder, a tarball, an
# OCI image layout and a docker-archive of one cached Debian tree are
# imported into a cache of the test's own (cold; removed at the end),
# leave what they came from untouched, name the tree's C library, and
# give the matrix the verdicts of the debootstrap tree they came from.
# An image's whiteouts and opaque folders really delete; a root without
# a C compiler says what to install (exit 3) and leaves no tree it
# imported; a corrupt tarball is exit 2 and leaves nothing in the cache;
# every --libc value is checked before one is imported; an import killed
# with SIGKILL leaves no process behind, and a folder the next import, or
# whichns cleanup, removes.
#
# The inputs are made offline by scripts/mkimage.sh (tar, gzip, zstd,
# umoci, skopeo), once per tree, in the default cache's images/ folder.
# ROOTS_SUITE picks the tree (bullseye: glibc 2.31, as make regress's
# Done-when names it; bookworm when bullseye is not built).
. "$(dirname "$0")/lib.sh"
need_root_and_namespaces

deb=${WHICHNS_CACHE:-/var/cache/whichns}   # the debootstrap trees and their probes
suite=${ROOTS_SUITE:-}
if [ -z "$suite" ]; then
	for s in bullseye bookworm; do
		if [ -f "$deb/rootfs/$s/.whichns-stamp" ] && [ -d "$deb/probes/$s" ]; then suite=$s; break; fi
	done
fi
tree="$deb/rootfs/$suite"
if [ -z "$suite" ] || [ ! -f "$tree/.whichns-stamp" ] || [ ! -d "$deb/probes/$suite" ]; then
	echo "1..0 # SKIP no Debian tree with probes (scripts/mkrootfs.sh bullseye && scripts/build-probes.sh bullseye)"
	exit 0
fi
for t in umoci skopeo zstd; do
	command -v $t >/dev/null || { echo "1..0 # SKIP no $t (scripts/deps.sh regress installs it)"; exit 0; }
done
glibc="glibc $(sed -n 's/^glibc=//p' "$tree/.whichns-stamp")"
echo "# $suite: $glibc"

tmp=$(mktemp -d /tmp/whichns-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
c="$tmp/cache"   # the roots' cache: cold, and the test's alone
mkdir "$c"
img=$("$top/scripts/mkimage.sh" --cache "$deb" "$suite" 2>"$tmp/mkimage.err") ||
	{ cat "$tmp/mkimage.err" >&2; echo "Bail out! scripts/mkimage.sh $suite failed"; exit 1; }
scn="$top/fixtures/scenarios/matrix.scn"

roots() { "$W" roots "$1" --cache "$c" "${@:2}"; }
listed() { roots list 2>/dev/null | awk -v n="$1" '$1 == n'; }
# Every imported tree, one a line (the cache's roots/*/rootfs folders).
trees() { find "$c/roots" -mindepth 2 -maxdepth 3 -type d -name rootfs 2>/dev/null | sort; }
# What an import left half done in the cache (it builds in
# CACHE/roots/.tmp-KEY-PID and renames that into place).
debris() { find "$c" -maxdepth 2 -name '*tmp*' 2>/dev/null | sed "s|^$c/||"; }
# A listing of a tree: every entry's path, type, mode, size and mtime
# (its /tmp left out: runs may use it).
listing() { (cd "$1" && find . -path ./tmp -prune -o -printf '%p %y %m %s %T@ %l\n' | sort | sha256sum); }
# fails STATUS PATTERN WHAT -- COMMAND...: the status, and one line on
# stderr that matches PATTERN.  An import's progress lines, and the usage
# that follows a usage error (as every whichns command prints it), are
# not the error's line.
fails() {
	local want=$1 pat=$2 what=$3; shift 4
	"$@" >"$tmp/out" 2>"$tmp/err"
	is "$?" "$want" "$what: exit $want"
	grep -vE '^whichns: (importing|imported|compiling|probes built|waiting) |^usage: |^       whichns ' \
		"$tmp/err" >"$tmp/err1"
	is "$(wc -l <"$tmp/err1")" 1 "$what: one line"
	grep -qE "$pat" "$tmp/err1"; ok $? "$what: says '$pat'"
}
# The folders of CACHE/roots: the imports, and names/.
imports() { find "$c/roots" -mindepth 1 -maxdepth 1 -type d 2>/dev/null | sort; }

# lap WHAT: how long WHAT took since the last lap, as a TAP comment.
lap_t=$SECONDS
lap() { echo "# $1: $((SECONDS - lap_t)) s"; lap_t=$SECONDS; }
sums() { sha256sum "$img/$suite.tar.gz" "$img/$suite.tar.zst" "$img/$suite-image.tar" "$img/$suite-oci.tar"; }
sums_before=$(sums)
oci_before=$(listing "$img/$suite-oci")
tree_before=$(listing "$tree")
stamp_before=$(sha256sum <"$tree/.whichns-stamp")

# --- import: a folder, tarballs, an OCI layout, a docker-archive -----------
t0=$SECONDS
forms=(deb-dir:"$tree" deb-tgz:"$img/$suite.tar.gz" deb-zst:"$img/$suite.tar.zst"
       deb-oci:"$img/$suite-oci" deb-ocitar:"$img/$suite-oci.tar" deb-image:"$img/$suite-image.tar")
for f in "${forms[@]}"; do
	t=$SECONDS
	roots add "${f%%:*}" "${f#*:}" >"$tmp/out" 2>"$tmp/err"
	st=$?
	is "$st" 0 "roots add ${f%%:*} ${f#*:}: exit 0"
	[ "$st" -eq 0 ] || sed 's/^/#   /' "$tmp/err"
	echo "# roots add ${f%%:*}: $((SECONDS - t)) s"
done
echo "# six imports: $((SECONDS - t0)) s"
roots list >"$tmp/list" 2>&1
is "$?" 0 "roots list: exit 0"
sed 's/^/#   /' "$tmp/list"
for f in "${forms[@]}"; do
	listed "${f%%:*}" | grep -qF "$glibc"
	ok $? "roots list: ${f%%:*} is $glibc"
done
is "$(sums)" "$sums_before" "the tarballs and image archives are unchanged (sha256)"
is "$(listing "$img/$suite-oci")" "$oci_before" "the OCI layout is unchanged"
is "$(listing "$tree")" "$tree_before" "the $suite tree is unchanged (every entry's type, mode, size, mtime)"
is "$(sha256sum <"$tree/.whichns-stamp")" "$stamp_before" "the $suite tree's stamp is unchanged"
is "$(debris)" "" "no half-made import left in the cache"

lap "six imports and their checks"

# --- whiteouts: the image's second layer -----------------------------------
# It deletes etc/motd (a whiteout), replaces etc/issue, and makes
# usr/share/doc opaque with one new file (scripts/mkimage.sh).  The plain
# forms keep all three as the tree has them.
layered=0 plain=0 wrong=""
for r in $(trees); do
	if [ -e "$r/usr/share/doc/whichns-layer2/README" ]; then
		layered=$((layered + 1))
		[ -e "$r/etc/motd" ] && wrong+="$r: etc/motd (whited out) is there; "
		[ "$(cat "$r/etc/issue" 2>/dev/null)" = "whichns layer 2" ] || wrong+="$r: etc/issue is not layer 2's; "
		[ "$(ls -A "$r/usr/share/doc")" = "whichns-layer2" ] ||
			wrong+="$r: usr/share/doc (opaque) holds $(ls -A "$r/usr/share/doc" | wc -l) entries; "
	else
		plain=$((plain + 1))
		[ -e "$r/etc/motd" ] || wrong+="$r: no etc/motd; "
		[ -e "$r/usr/share/doc/libc6" ] || wrong+="$r: no usr/share/doc/libc6; "
	fi
done
is "$wrong" "" "the image's whiteout deleted etc/motd and its opaque usr/share/doc hides the tree's; the plain forms have both"
[ "$layered" -ge 1 ] && [ "$plain" -ge 1 ]
ok $? "imported trees: $layered from the images (whiteouts applied), $plain plain"

# --- the matrix: the same verdicts as the debootstrap tree --------------------
# verdicts RUN LABEL: "case verdict" of the cases of that libc axis
# label, without the label's prefix (before a ':' before the first '/').
verdicts() {
	local r name
	for r in "$1"/latest/*/result.txt; do
		[ "$(field "$r" libc_axis)" = "$2" ] || continue
		name=$(field "$r" case)
		case ${name%%/*} in *:*) name=${name#*:} ;; esac
		printf '%s %s\n' "$name" "$(field "$r" verdict)"
	done | sort
}
# Every case ran and none failed in the harness.
whole() { grep -qE "^whichns: ([0-9]+) of \1 cases finished; .* 0 could not run, 0 failed in the harness" "$1"; }
t=$SECONDS
"$W" run -q --results "$tmp/a" --libc "$suite" "$scn" >/dev/null 2>"$tmp/a.err"
whole "$tmp/a.err"; ok $? "run --libc $suite (the debootstrap tree): every case ran"
echo "# the matrix on $suite: $((SECONDS - t)) s"
ntrees=$(trees | wc -l)
t=$SECONDS
"$W" run -q --cache "$c" --results "$tmp/b" --libc "deb-dir,deb-image,$img/$suite.tar.gz" "$scn" \
	>/dev/null 2>"$tmp/b.err"
whole "$tmp/b.err"; ok $? "run --libc deb-dir,deb-image,PATH/$suite.tar.gz: every case ran"
grep -v "^whichns: [0-9]* of" "$tmp/b.err" | sed 's/^/#   /'
echo "# the matrix on three imported forms: $((SECONDS - t)) s"
is "$(trees | wc -l)" "$ntrees" "a path already imported (roots add deb-tgz) is not imported again"
want=$(verdicts "$tmp/a" "$suite")
nwant=$(printf '%s\n' "$want" | grep -c .)
[ "$nwant" -ge 60 ]; ok $? "the debootstrap tree's run has the matrix's cases ($nwant)"
# Any verdict that differs fails: the import must not change what the
# C library does, and a case's verdict does not depend on the load.
for label in deb-dir deb-image "$suite.tar.gz"; do
	got=$(verdicts "$tmp/b" "$label")
	is "$(printf '%s\n' "$got" | awk '{ print $1 }')" "$(printf '%s\n' "$want" | awk '{ print $1 }')" \
		"$label: the matrix's $nwant cases"
	differ=$(join <(printf '%s\n' "$want") <(printf '%s\n' "$got") |
	         awk -v a="$suite" -v b="$label" '$2 != $3 { printf "%s: %s on %s, %s on %s; ", $1, $2, a, $3, b }')
	is "$differ" "" "$label: every case's verdict is the debootstrap tree's"
done
libcs=$(for r in "$tmp"/b/latest/*/result.txt; do field "$r" libc; done | sort -u)
is "$libcs" "$glibc" "every case on an imported form ran on $glibc"
grep -q "/rootfs/$suite " "$tmp"/b/latest/*/result.txt
is "$?" 1 "no case on an imported form ran in the debootstrap tree itself"

lap "the matrix on four forms"

# --- a C library with no baseline: said once, and baseline.sh writes it ------
# baseline.sh picks a path's cases by its label, each case's libc_axis
# (whichns alone makes labels); the path itself names no case's libc:
# exit 2, with the values the run has.
"$top/scripts/baseline.sh" "$tmp/b/latest" /dev/null "$suite.tar.gz" | awk '{ print $1, $2 }' | sort >"$tmp/bl"
is "$(diff <(verdicts "$tmp/b" "$suite.tar.gz") "$tmp/bl")" "" "baseline.sh RUN /dev/null $suite.tar.gz: the path's cases and verdicts"
"$top/scripts/baseline.sh" "$tmp/b/latest" /dev/null "$img/$suite.tar.gz" >"$tmp/bl" 2>"$tmp/bl.err"
is "$? $(wc -c <"$tmp/bl") $(grep -c . "$tmp/bl.err")" "2 0 1" "baseline.sh RUN /dev/null PATH: exit 2, nothing written, one line"
grep -qF "no case of libc '$img/$suite.tar.gz' in $tmp/b/latest; its cases' libc values (as their names show them): $suite.tar.gz deb-dir deb-image" "$tmp/bl.err"
ok $? "... naming the run's libc values, the path's label among them"
mkdir "$tmp/exp"
key="glibc-${glibc#glibc }"
"$W" run -q --cache "$c" --results "$tmp/u" --expected "$tmp/exp" -f getip -f inplace \
	--libc "$img/$suite.tar.gz" "$scn" >/dev/null 2>"$tmp/u.err"
is "$?" 0 "a run without a baseline for $glibc: exit 0 (unclassified is no failure without --strict)"
msg=$(grep "no expected verdicts" "$tmp/u.err")
is "$(printf '%s\n' "$msg" | grep -c .)" 1 "one line says there is no baseline for $glibc"
nu=$(find -L "$tmp/u/latest" -mindepth 2 -maxdepth 2 -name result.txt | wc -l)
case $msg in
"whichns: no expected verdicts for $glibc ($tmp/exp/$key): its $nu cases are unclassified; review the run and write them with scripts/baseline.sh "*" /dev/null $suite.tar.gz > $tmp/exp/$key")
	ok 0 "it names the library, its file, the $nu cases and the baseline.sh command for the path's label" ;;
*) ok 1 "it names the library, its file, the $nu cases and the baseline.sh command (got: $msg)" ;;
esac
cmd=$(printf '%s\n' "$msg" | sed -n 's/.* write them with scripts\/baseline.sh \(.*\) > .*/\1/p')
# shellcheck disable=SC2086  # the command's words, as the line gives them
"$top/scripts/baseline.sh" $cmd >"$tmp/exp/$key"
"$W" run -q --cache "$c" --results "$tmp/u2" --expected "$tmp/exp" --strict -f getip -f inplace \
	--libc "$img/$suite.tar.gz" "$scn" >/dev/null 2>"$tmp/u2.err"
is "$?" 0 "the baseline that command wrote holds in a --strict run"
grep -q "no expected verdicts" "$tmp/u2.err"; is "$?" 1 "and the line is gone"

lap "no baseline, two runs of a few cases"

# --- a root without a C compiler: exit 3, what to install -------------------
# Only what names the C library and the distribution: os-release, the
# loader and libc, and a shell.
mini="$tmp/nogcc"
mkdir -p "$mini/usr/lib/x86_64-linux-gnu" "$mini/usr/bin" "$mini/etc" "$mini/usr/lib64"
(cd "$tree" && cp -a bin lib lib64 sbin "$mini"/ && cp -a etc/os-release "$mini/etc/" &&
	cp -a usr/lib/os-release "$mini/usr/lib/" && cp -a usr/lib64/. "$mini/usr/lib64/" &&
	cp -a usr/bin/dash "$mini/usr/bin/" && ln -s dash "$mini/usr/bin/sh" &&
	cp -a usr/lib/x86_64-linux-gnu/ld-*.so* usr/lib/x86_64-linux-gnu/libc.so.6 \
		usr/lib/x86_64-linux-gnu/libc-*.so "$mini/usr/lib/x86_64-linux-gnu/")
tar -C "$mini" -czf "$tmp/nogcc.tar.gz" .
# What a failed add or run imported is removed; the line suggests only
# what exists (the add never named nogcc).
imports_before=$(imports)
fails 3 "apt-get install gcc libc6-dev.*'whichns roots add --no-probes nogcc $tmp/nogcc.tar.gz'" \
	"roots add of a root without gcc" -- roots add nogcc "$tmp/nogcc.tar.gz"
grep -q "exec --libc nogcc" "$tmp/err1"; is "$?" 1 "roots add of a root without gcc: no 'exec --libc nogcc' (never named)"
is "$(listed nogcc)" "" "roots list: the root without gcc is not there"
is "$(imports)" "$imports_before" "roots add of a root without gcc: the tree it imported is removed"
fails 3 "apt-get install gcc libc6-dev.*whichns exec --libc $tmp/nogcc.tar.gz -- " "run --libc PATH/nogcc.tar.gz" -- \
	"$W" run -q --cache "$c" --results "$tmp/rn" --libc "$tmp/nogcc.tar.gz" "$scn"
[ ! -e "$tmp/rn" ]; ok $? "run --libc PATH/nogcc.tar.gz: no run folder made"
is "$(imports)" "$imports_before" "run --libc PATH/nogcc.tar.gz: the tree it imported is removed"
is "$(debris)" "" "no half-made import left in the cache"
roots add --no-probes nogcc "$tmp/nogcc.tar.gz" >/dev/null 2>"$tmp/err"
is "$?" 0 "roots add --no-probes of a root without gcc: exit 0 (for exec's own programs)"
listed nogcc | grep -qF "$glibc"; ok $? "roots list: nogcc is $glibc, from its own files"
# A tree in the cache before the command stays when it fails.
fails 3 "apt-get install gcc libc6-dev" "roots add of a root without gcc imported before" -- \
	roots add nogcc2 "$tmp/nogcc.tar.gz"
fails 3 "apt-get install gcc libc6-dev" "run --libc PATH of a root without gcc imported before" -- \
	"$W" run -q --cache "$c" --results "$tmp/rn" --libc "$tmp/nogcc.tar.gz" "$scn"
listed nogcc | grep -qF "$glibc"; ok $? "roots list: nogcc, imported before both, is still there"
is "$(listed nogcc2)" "" "roots list: no nogcc2"
roots rm nogcc >/dev/null 2>&1; is "$?" 0 "roots rm nogcc: exit 0"
# A value without a '/' is a name, even where a file has it.
(cd "$tmp" && "$W" run -q --cache "$c" --results "$tmp/rn" --libc nogcc.tar.gz "$scn") 2>"$tmp/err"
is "$?" 2 "run --libc nogcc.tar.gz (no '/'): exit 2"
grep -qF "unknown C library 'nogcc.tar.gz' (a path? write ./nogcc.tar.gz)" "$tmp/err"
ok $? "run --libc nogcc.tar.gz where ./nogcc.tar.gz is: says to write ./nogcc.tar.gz"
(cd "$tmp" && "$W" run -q --cache "$c" --results "$tmp/rn" --libc nothere.tar.gz "$scn") 2>"$tmp/err"
grep -q "a path?" "$tmp/err"; is "$?" 1 "run --libc nothere.tar.gz, no such file: no 'a path?'"

lap "a root without gcc"

# --- every --libc value checked before any is imported ----------------------
# A cold cache, where no Debian tree is: nothing may be imported when
# another value of the list cannot run.
c4="$tmp/cache4"
fails 3 "no root filesystem for libc '$suite'" "run --libc PATH,$suite where $suite is not built" -- \
	"$W" run -q --cache "$c4" --results "$tmp/r4" --libc "$tmp/nogcc.tar.gz,$suite" "$scn"
fails 2 "unknown C library 'nosuchroot'" "run --libc PATH,nosuchroot" -- \
	"$W" run -q --cache "$c4" --results "$tmp/r4" --libc "$tmp/nogcc.tar.gz,nosuchroot" "$scn"
fails 2 "$tmp/none.tar.gz" "run --libc PATH,MISSING-PATH" -- \
	"$W" run -q --cache "$c4" --results "$tmp/r4" --libc "$tmp/nogcc.tar.gz,$tmp/none.tar.gz" "$scn"
is "$(find "$c4" -mindepth 2 -maxdepth 2 -name 'sha256-*' 2>/dev/null)" "" "none of them imported the path"

# --- SIGKILL during an import: the next import, or cleanup, removes it -------
k="$tmp/kcache"
mkdir "$k"
# running PID: there, and not a zombie (an orphan's is reaped by whoever
# adopted it, which may take its time).
running() { [ -e "/proc/$1" ] && ! grep -q '^[0-9]* (.*) Z ' "/proc/$1/stat" 2>/dev/null; }
# killed: start an import of the big tarball, wait until its folder is
# there and filling, SIGKILL it; its pid.  Its children (the unpacker)
# into $tmp/kids, those alive 2 s after it died into $tmp/alive (then
# killed here).
killed() {
	"$W" roots add --cache "$k" --no-probes big "$img/$suite.tar.gz" >/dev/null 2>&1 &
	local pid=$! i p kids alive=""
	for i in $(seq 300); do
		[ -n "$(find "$k/roots" -maxdepth 2 -path "*/.tmp-*-$pid/*" 2>/dev/null | head -1)" ] && break
		sleep 0.1
	done
	sleep 0.5
	kids=$(pgrep -P "$pid" | tr '\n' ' ')
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null
	for i in $(seq 40); do
		alive=""
		for p in $kids; do running "$p" && alive+="$p "; done
		[ -z "$alive" ] && break
		sleep 0.05
	done
	echo "$kids" >"$tmp/kids"
	echo "$alive" >"$tmp/alive"
	for p in $alive; do kill -KILL "$p"; done
	echo "$pid"
}
kept() { find "$k/roots" -maxdepth 1 -name ".tmp-*-$1" | grep -c .; }
pid=$(killed)
is "$(kept "$pid")" 1 "roots add killed with SIGKILL mid-import: its .tmp folder is there"
[ -n "$(tr -d ' \n' <"$tmp/kids")" ]; ok $? "the import had its unpacking process when it was killed ($(cat "$tmp/kids"))"
is "$(cat "$tmp/alive")" "" "no process of the killed import outlives it"
kkey=$(find "$k/roots" -maxdepth 1 -name ".tmp-*-$pid" | sed 's|.*/\.tmp-\(sha256-[0-9a-f]*\)-.*|\1|')
[ -e "$k/roots/$kkey.lock" ]; ok $? "and its lock file $kkey.lock"
"$W" roots add --cache "$k" --no-probes small "$tmp/nogcc.tar.gz" >/dev/null 2>"$tmp/err"
is "$?" 0 "an import of another source into that cache: exit 0"
is "$(kept "$pid")" 0 "it removed the killed import's .tmp folder"
[ ! -e "$k/roots/$kkey.lock" ]; ok $? "and the killed import's lock file"
pid=$(killed)
is "$(kept "$pid")" 1 "roots add killed again: its .tmp folder is there"
WHICHNS_CACHE="$k" "$W" cleanup >"$tmp/out" 2>&1
is "$?" 0 "whichns cleanup (WHICHNS_CACHE): exit 0"
is "$(kept "$pid")" 0 "whichns cleanup removed it"
grep -q "^removed $k/roots/.tmp-sha256-[0-9a-f]*-$pid " "$tmp/out"; ok $? "and says so"
# A live import's folder is never removed: stopped mid-import, cleaned
# up around, then let go, it finishes.
"$W" roots add --cache "$k" --no-probes big "$img/$suite.tar.gz" >/dev/null 2>"$tmp/live.err" &
pid=$!
for i in $(seq 300); do
	[ -n "$(find "$k/roots" -maxdepth 2 -path "*/.tmp-*-$pid/*" 2>/dev/null | head -1)" ] && break
	sleep 0.1
done
kill -STOP "$pid"
WHICHNS_CACHE="$k" "$W" cleanup >/dev/null 2>&1
"$W" roots add --cache "$k" --no-probes small2 "$tmp/nogcc.tar.gz" >/dev/null 2>&1
is "$(kept "$pid")" 1 "a stopped import's .tmp folder survives cleanup and another import"
kill -CONT "$pid"
wait "$pid"
is "$?" 0 "and the import finishes: exit 0"
"$W" roots list --cache "$k" 2>/dev/null | awk '$1 == "big"' | grep -qF "$glibc"
ok $? "roots list: big is $glibc"

lap "killed imports"

# --- corrupt sources: exit 2, one line naming the file, nothing left ---------
n_before=$(roots list 2>/dev/null | wc -l)
imports_before=$(imports)
head -c 2000000 "$img/$suite.tar.gz" >"$tmp/cut.tar.gz"
head -c 65536 /dev/urandom >"$tmp/noise.tar.gz"
mkdir "$tmp/badimg"; printf '[{"Layers": [' >"$tmp/badimg/manifest.json"
tar -C "$tmp/badimg" -cf "$tmp/badimage.tar" manifest.json
for f in cut.tar.gz noise.tar.gz badimage.tar; do
	fails 2 "$tmp/$f" "roots add of a corrupt $f" -- roots add bad "$tmp/$f"
done
fails 2 "$tmp/cut.tar.gz" "run --libc PATH/cut.tar.gz" -- \
	"$W" run -q --cache "$c" --results "$tmp/rc" --libc "$tmp/cut.tar.gz" "$scn"
[ ! -e "$tmp/rc" ]; ok $? "run --libc PATH/cut.tar.gz: no run folder made"
is "$(roots list 2>/dev/null | wc -l)" "$n_before" "roots list: no corrupt source listed"
is "$(debris)" "" "no half-made import left in the cache"
is "$(imports)" "$imports_before" "no folder left in the cache by a corrupt source"
fails 2 "$tmp/none.tar.gz" "roots add of a missing file" -- roots add gone "$tmp/none.tar.gz"

lap "corrupt sources"

# --- names ----------------------------------------------------------------
fails 2 "\.\./up" "roots add with a bad NAME" -- roots add ../up "$img/$suite.tar.gz"
fails 2 "has space" "roots add with a NAME holding a space" -- roots add "has space" "$img/$suite.tar.gz"
fails 2 "nosuchroot" "roots rm of an unknown name" -- roots rm nosuchroot
fails 2 "nosuchroot" "run --libc of an unknown name" -- \
	"$W" run -q --cache "$c" --results "$tmp/ru" --libc nosuchroot "$scn"
dir_tree=$(readlink -f "$(trees | head -1)")
ntrees=$(trees | wc -l)
for f in "${forms[@]}"; do
	roots rm "${f%%:*}" >/dev/null 2>"$tmp/err" || { echo "# roots rm ${f%%:*}:"; sed 's/^/#   /' "$tmp/err"; }
done
is "$(roots list 2>/dev/null | awk 'NF' | grep -cE '^deb-')" 0 "roots rm: every name is gone from the list"
is "$(trees | wc -l)" 0 "roots rm: the trees are gone (were $ntrees)"
[ ! -e "$dir_tree" ]; ok $? "roots rm: $dir_tree is gone"
is "$(listing "$tree")" "$tree_before" "the $suite tree is still unchanged"
lap "names, and roots rm of six roots"

is "$(leftovers)" "" "nothing left behind"
done_testing
