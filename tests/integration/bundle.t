#!/usr/bin/env bash
# whichns bundle: a bundle stands alone.  A real run (one probe case, its
# scenario file given by an absolute path under a home folder), bundled,
# unpacked elsewhere: sha256sum -c accepts its manifest (and notices a
# changed byte), it names the whichns version, holds the scenario file,
# names none of the run's absolute paths (the results folder, the source
# tree, the home folder), and its rerun line parses from the unpacked
# folder.  A merged run bundles too.
. "$(dirname "$0")/lib.sh"
need_root_and_namespaces

tmp=$(mktemp -d /tmp/whichns-bundle.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
export HOME="$tmp/home"
mkdir -p "$HOME/scn" "$tmp/unpacked"
cat >"$HOME/scn/bundle.scn" <<'EOF'
[bundle]
probe    getip
update   inplace
interval 50ms
window   600ms
EOF

"$W" run -q --results "$tmp/results" "$HOME/scn/bundle.scn" >"$tmp/out" 2>"$tmp/err"
rs=$?
[ -s "$tmp/results/latest/summary.json" ]; ok $? "the run wrote its reports (exit $rs)"
is "$(cat "$tmp/results/latest/scenarios/index.txt")" "bundle.scn	$HOME/scn/bundle.scn" \
	"the run kept its scenario file and where it was given"
# The run folder itself names this machine's folders: what bundle must take out.
grep -rqF "$top" "$tmp/results/latest/"; ok $? "the run folder names the source tree (probe path)"
grep -rqF "$HOME" "$tmp/results/latest/"; ok $? "the run folder names the home folder (scenario path)"

out=$("$W" bundle -o "$tmp/b.tar.gz" "$tmp/results/latest" 2>"$tmp/err")
is "$?" 0 "bundle: exit 0"
is "$out" "$tmp/b.tar.gz" "bundle prints the file it wrote"
is "$(find "$tmp" -maxdepth 1 -name '.whichns-bundle-*' | wc -l)" 0 "no staging folder left beside it"

tar -C "$tmp/unpacked" -xzf "$tmp/b.tar.gz"; ok $? "the bundle unpacks"
id=$(readlink "$tmp/results/latest")
u="$tmp/unpacked/$id"
is "$(ls "$tmp/unpacked")" "$id" "one top folder, named after the run"
(cd "$u" && sha256sum --quiet -c SHA256SUMS); ok $? "sha256sum -c SHA256SUMS accepts it"
is "$(cd "$u" && find . -type f ! -name SHA256SUMS | sed 's|^\./||' | sort)" \
   "$(sed 's/^[0-9a-f]*  //' "$u/SHA256SUMS" | sort)" "the manifest lists every other file"
cp -r "$u" "$tmp/changed"
printf 'x' >>"$tmp/changed/summary.md"
(cd "$tmp/changed" && sha256sum --quiet -c SHA256SUMS >/dev/null 2>&1)
is "$?" 1 "a changed byte fails sha256sum -c"

version=$("$W" --version | sed 's/^whichns //')
[ -n "$version" ]; ok $? "whichns --version prints a version ($version)"
grep -qF "run made by: whichns $version" "$u/BUNDLE.md"; ok $? "BUNDLE.md names the version that made the run"
is "$(field "$u/run.txt" version)" "$version" "run.txt records the version"
cmp -s "$HOME/scn/bundle.scn" "$u/scenarios/bundle.scn"; ok $? "the scenario file is in the bundle"

for what in "$tmp/results:results folder" "$top:source tree" "$HOME:home folder" "$tmp:test folder"; do
	hits=$(grep -rlF "${what%%:*}" "$u" | sed "s|^$u/||" | tr '\n' ' ')
	is "$hits" "" "no file names the ${what#*:} (${what%%:*})"
done

rerun=$(sed -n 's/^    \(whichns run .*\)$/\1/p' "$u/BUNDLE.md")
is "$rerun" "whichns run --libc host -f =getip/inplace/default scenarios/bundle.scn" \
	"BUNDLE.md's rerun line names the bundled scenario file"
grep -qF "to run it again: \`$rerun\`" "$u"/001-*/report.md; ok $? "report.md's rerun line is the same"
# shellcheck disable=SC2086  # the rerun line's words
check=$(cd "$u" && "$W" run --check ${rerun#whichns run } 2>&1)
is "$?" 0 "the rerun line parses from the unpacked bundle (run --check)"
is "$check" "1 case: getip/inplace/default" "... and names exactly the case"
# Pasted into a shell as it stands (whichns standing for an installed one).
export W
bash -n -c "$rerun"; ok $? "the rerun line pasted into bash -n parses"
check=$(cd "$u" && bash -c 'whichns() { "$W" "$1" --check "${@:2}"; }; '"$rerun" 2>&1)
is "$check" "1 case: getip/inplace/default" "... and pasted into bash -c, runs (run --check)"

# exec lines name the probe, and a home folder's program whose path has a
# space: in a command, shell words that expand, never "<probes>", which a
# shell reads as a redirection (and as root truncates a file).
probes=$(dirname "$W")/repro
mkdir -p "$HOME/my bin" && cp "$probes/getip" "$HOME/my bin/getip"
for what in "probe:$probes/getip" "home:$HOME/my bin/getip"; do
	"$W" exec -q --results "$tmp/x-${what%%:*}" --window 600ms -- "${what#*:}" -i 50 hat.com >/dev/null 2>&1
	ok $? "exec of the ${what%%:*} program"
	"$W" bundle -o "$tmp/x-${what%%:*}.tar.gz" "$tmp/x-${what%%:*}/latest-exec" >/dev/null 2>"$tmp/err"
	ok $? "... bundled"
	mkdir "$tmp/ux-${what%%:*}" && tar -C "$tmp/ux-${what%%:*}" -xzf "$tmp/x-${what%%:*}.tar.gz"
done
xu=$(echo "$tmp"/ux-probe/exec-*)
line=$(sed -n 's/^    \(whichns exec .*\)$/\1/p' "$xu/BUNDLE.md")
is "$line" "whichns exec -q --results .. --window 600ms -- \"\${WHICHNS_PROBES:-$(sed -n 's/.*"\${WHICHNS_PROBES:-\([^}]*\)}.*/\1/p' "$xu/BUNDLE.md" | head -1)}\"/getip -i 50 hat.com" \
	"the exec rerun line names the probes folder as a shell word ($line)"
is "$(grep -h 'to run it again\|process under test\|^command' "$xu/BUNDLE.md" "$xu"/001-*/report.md "$xu"/001-*/result.txt | grep -c '[<>]')" 0 \
	"no command in the bundle holds < or >"
grep -qF '<probes>' "$xu/BUNDLE.md"; ok $? "BUNDLE.md still explains <probes> for the text that is not a command"
grep -qF 'WHICHNS_PROBES' "$xu/BUNDLE.md" && grep -qF 'WHICHNS_CACHE' "$xu/BUNDLE.md" && grep -qF 'WHICHNS_REPO' "$xu/BUNDLE.md"
ok $? "BUNDLE.md explains the variables"
bash -n -c "$line"; ok $? "the exec rerun line pasted into bash -n parses"
echo keep >"$xu/probes"
args=$(cd "$xu" && WHICHNS_PROBES=/opt/p bash -c 'whichns() { printf "%s\n" "$@"; }; '"$line" 2>&1)
is "$args" "$(printf '%s\n' exec -q --results .. --window 600ms -- /opt/p/getip -i 50 hat.com)" \
	"pasted with WHICHNS_PROBES set, its words are the command's"
is "$(cat "$xu/probes")" keep "... and a file named probes beside it is left alone"
args=$(cd "$xu" && unset WHICHNS_PROBES && bash -c 'whichns() { printf "%s\n" "$@"; }; '"$line" 2>&1 | sed -n 8p)
case "$args" in /*/libexec/whichns/getip) ok 0 "unset, the installed probes folder ($args)" ;;
	*) ok 1 "unset, the installed probes folder ($args)" ;; esac
(cd "$xu" && WHICHNS_PROBES=$probes bash -c 'whichns() { "$W" "$@"; }; '"$line" >/dev/null 2>&1)
ok $? "pasted with WHICHNS_PROBES naming the probes, it runs the case again"
is "$(ls -d "$tmp"/ux-probe/exec-*/ | wc -l)" 2 "... into the folder above the unpacked one (--results ..)"
hu=$(echo "$tmp"/ux-home/exec-*)
line=$(sed -n 's/^    \(whichns exec .*\)$/\1/p' "$hu/BUNDLE.md")
args=$(cd "$hu" && HOME=/else bash -c 'whichns() { printf "%s\n" "$@"; }; '"$line" 2>&1 | sed -n 8p)
is "$args" "/else/my bin/getip" "a quoted home path stays one word, under the home of whoever pastes it ($line)"
hits=$(grep -rlF "$tmp" "$xu" "$hu" | tr '\n' ' ')
is "$hits" "" "the exec bundles name no folder of the test"

# A merged run: bundled whether merge links or copies its case folders.
"$W" merge --results "$tmp/merged" "$tmp/results/latest" >/dev/null 2>&1
out=$("$W" bundle "$tmp/merged/latest" 2>"$tmp/err")
is "$?" 0 "bundle of a merged run: exit 0"
mkdir "$tmp/unmerged" && tar -C "$tmp/unmerged" -xzf "$out"
m=$(echo "$tmp"/unmerged/merged-*)
[ -d "$m/001-getip_inplace_default" ] && [ ! -L "$m/001-getip_inplace_default" ] &&
	[ -s "$m/001-getip_inplace_default/capture.pcap" ]
ok $? "the merged case folder is in it as a folder, capture included"
(cd "$m" && sha256sum --quiet -c SHA256SUMS); ok $? "the merged bundle's manifest checks"
is "$(grep -rlF "$tmp" "$m" | wc -l)" 0 "the merged bundle names no folder of the test"
if [ -L "$tmp/merged/latest/001-getip_inplace_default" ]; then
	cmp -s "$HOME/scn/bundle.scn" "$m/scenarios/bundle.scn"
	ok $? "the merged bundle holds the shard's scenario file (found through its links)"
elif [ -d "$tmp/merged/latest/scenarios" ]; then
	cmp -s "$HOME/scn/bundle.scn" "$m/scenarios/bundle.scn"
	ok $? "the merged bundle holds the scenario file merge kept"
else
	skip "merge copies case folders but not the shards' scenarios/ folder"
fi

# A link in the run folder that is not a merged case folder could lead
# anywhere: left out, and said.
ln -s / "$tmp/results/$id/outside"
"$W" bundle -o "$tmp/l.tar.gz" "$tmp/results/$id" >/dev/null 2>"$tmp/err"
is "$?" 0 "a run folder with a link to /: exit 0"
is "$(tar tzf "$tmp/l.tar.gz" | grep -c outside)" 0 "... the link is not followed"
grep -q "left out $tmp/results/$id/outside: a link" "$tmp/err"; ok $? "... and bundle says so"
rm "$tmp/results/$id/outside"

"$W" bundle "$tmp" >/dev/null 2>"$tmp/err"
is "$?" 2 "not a run folder: exit 2"
grep -q "is not a run folder" "$tmp/err"; ok $? "... and says so"
"$W" bundle -o /proc/whichns.tar.gz "$tmp/results/latest" >/dev/null 2>"$tmp/err"
is "$?" 3 "an output folder that refuses it: exit 3"
is "$(wc -l <"$tmp/err")" 1 "... in one line: $(cat "$tmp/err")"
"$W" bundle -o /nonexistent/x.tar.gz "$tmp/results/latest" >/dev/null 2>"$tmp/err"
is "$?" 2 "an output folder that does not exist: exit 2"
is "$(cat "$tmp/err")" "whichns: bundle: cannot write /nonexistent/x.tar.gz: its folder /nonexistent does not exist (create it, or name another with -o)" \
	"... in one line naming the folder and the fix"

# An output inside the run folder: refused before anything is written (a
# bundle never changes the run folder; it failed on its own staging
# folder, "nested too deep").
before=$(cd "$tmp/results/$id" && find . -printf '%p %s %T@\n' | sort)
for o in "$tmp/results/$id/x.tar.gz" "$tmp/results/latest/001-getip_inplace_default/x.tar.gz"; do
	"$W" bundle -o "$o" "$tmp/results/latest" >/dev/null 2>"$tmp/err"
	is "$?" 2 "an output inside the run folder: exit 2 (${o#$tmp/})"
	is "$(wc -l <"$tmp/err")" 1 "... in one line"
	grep -q "cannot write $o: the output is inside the run folder it packs ($tmp/results/$id); put it elsewhere" "$tmp/err"
	ok $? "... saying so: $(cat "$tmp/err")"
done
is "$(cd "$tmp/results/$id" && find . -printf '%p %s %T@\n' | sort)" "$before" "... and the run folder is unchanged"

is "$(leftovers)" "" "nothing left behind"
done_testing
