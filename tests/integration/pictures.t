#!/usr/bin/env bash
# pictures.t - timeline.svg agrees with the verdict, in its text and in a
# real browser.
#
# Two real cases of make repro's scenario: sendmail with nscd (--only MX:
# the trigger's and the fresh process's A/AAAA/PTR lookups reach the new
# server, the verdict is STALE) and getip with nscd and no-reload (one
# lookup to the new server, then a second of silence until the window's
# end).  Their timeline.svg must grey what the verdict does not count,
# give the fresh process its lane, reach the window's end, and say the
# verdict in its title; report.md must put verdict, chart, numbers,
# timeline (with the frame numbers tshark gives) and environment in that
# order.  nscd runs in both, at its own address (198.51.100.3): its
# queries must be drawn apart (rows of their own, outlined marks), as
# many as events.tsv has from that address, and the sendmail case's
# paths (who sent what: doc/design.md, "Paths") must be under the title,
# as report.md says them.  Then headless Chromium parses each SVG
# (--dump-dom) and takes a screenshot, whose pixels are counted
# (pngcount.pl): not blank, the heading drawn, no counted-query colour in
# the new server's lane of the STALE case, and nscd's mark in the getip
# case outlined: the server's colour around it, none inside.
#
# Chromium never touches the host: it runs in a network namespace of its
# own (unshare -n: no network at all), with a clean environment whose
# HOME, XDG folders and --user-data-dir are in a throw-away folder removed
# by the trap, and it loads one file:// SVG that references nothing.
# WHICHNS_KEEP_SHOTS=DIR keeps the screenshots there, to look at.
. "$(dirname "$0")/lib.sh"
need_root_and_namespaces

tmp=$(mktemp -d /tmp/whichns-pictures.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
png="$top/tests/integration/pngcount.pl"

"$W" run -q --results "$tmp/res" \
	-f '=bookworm:sendmail/inplace/default/nscd,=getip/inplace/no-reload/nscd' \
	"$top/fixtures/scenarios/repro.scn" >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc -eq 3 ]; then   # no bookworm root filesystem or nscd: make repro-prep
	echo "1..0 # SKIP the cases cannot run here: $(tail -n 1 "$tmp/err")"
	exit 0
fi
ok $rc "the sendmail and getip nscd cases ran as expected (exit $rc)"
sm=$(echo "$tmp"/res/latest/*-bookworm_sendmail_inplace_default_nscd)
gi=$(echo "$tmp"/res/latest/*-getip_inplace_no-reload_nscd)
[ -f "$sm/timeline.svg" ] && [ -f "$gi/timeline.svg" ]
ok $? "both case folders have timeline.svg"

# count FILE STRING: how many times STRING occurs in FILE
count() { grep -oF -- "$2" "$1" | wc -l; }
# The right edge of the rightmost mark, in pixels.
marks_right() {
	grep -o '<rect class="m [^"]*" x="[0-9.]*" y="[0-9.]*" width="[0-9.]*"' "$1" |
		awk -F'"' '{ r = $4 + $8; if (r > m) m = r } END { printf "%d\n", m }'
}
# line_x FILE CLASS: x of the marker line of that class
line_x() { grep -o "<line class=\"$2\" x1=\"[0-9.]*\"" "$1" | head -n 1 | awk -F'"' '{ printf "%d\n", $4 }'; }
# lane_y FILE LANE: "TOP BOTTOM" of a lane's band
lane_y() {
	grep -o "<rect class=\"lane $2\" x=\"0\" y=\"[0-9]*\" width=\"[0-9]*\" height=\"[0-9]*\"" "$1" |
		awk -F'"' '{ print $6, $6 + $10 }'
}
# caption FILE WHAT N: the Nth lane caption "K WHAT" (lanes: old, new, other, fresh)
caption() { grep -o ">[0-9]* $2</text>" "$1" | sed -n "$3p" | tr -dc '0-9'; }
# lane_captions FILE LANE WHAT: the counts "K WHAT" in that lane, top down
# (with nscd's rows: the process's first, then nscd's)
lane_captions() {
	local top bottom
	read -r top bottom < <(lane_y "$1" "$2")
	grep -o "<text x=\"164\" y=\"[0-9]*\"[^>]*>[0-9]* $3</text>" "$1" |
		awk -F'"' -v t="$top" -v b="$bottom" '$4 > t && $4 < b && match($0, />[0-9]+ /) { print substr($0, RSTART + 1, RLENGTH - 2) }' |
		tr '\n' ' ' | sed 's/ $//'
}
# plain_text FILE CLASS: the drawn text of each <text class=CLASS>, tags
# taken out, lines joined by a space
plain_text() {
	grep -o "<text class=\"$2\"[^>]*>.*</text>" "$1" | sed 's/<[^>]*>//g' | tr '\n' ' ' | sed 's/ $//'
}

# ---- sendmail with nscd: --only MX, STALE, a fresh process ----
r="$sm/result.txt"; svg="$sm/timeline.svg"
is "$(field "$r" verdict) $(field "$r" only)" "STALE MX" "sendmail: STALE, counting MX only"
title=$(grep -o '<title>[^<]*</title>' "$svg" | head -n 1)
case "$title" in
*"sendmail/inplace/default/nscd: STALE"*"MX queries only: old server $(field "$r" queries_old_before) before the switch, $(field "$r" queries_old_after) after; new server 0 after"*"fresh process after the window: $(field "$r" fresh_queries_old) to the old server, $(field "$r" fresh_queries_new) to the new"*)
	ok 0 "sendmail: <title> says the verdict and its numbers" ;;
*)	ok 1 "sendmail: <title> says the verdict and its numbers: $title" ;;
esac
is "$(count "$svg" '>bookworm:sendmail/inplace/default/nscd: STALE</text>')" 1 \
	"sendmail: the verdict is the drawn heading"
is "$(count "$svg" 'class="m query new"')" 0 \
	"sendmail: no counted query to the new server is drawn (the verdict counts none)"
# The new server's queries the verdict leaves out, from events.tsv: not MX,
# or after the window's end, before the fresh process started.
uncounted=$(awk -F'\t' -v end="$(field "$r" window_end)" -v fresh="$(field "$r" fresh_time)" \
	'NR > 1 && $3 == "new" && $4 == "query" && $1 < fresh && ($10 != "MX" || $1 > end)' \
	"$sm/events.tsv" | wc -l)
[ "$uncounted" -gt 0 ]
ok $? "sendmail: the trigger's lookups reached the new server ($uncounted queries the verdict does not count)"
# Who sent them: nscd from its own address, the process and its triggers
# from theirs.
by_nscd=$(awk -F'\t' -v end="$(field "$r" window_end)" -v fresh="$(field "$r" fresh_time)" \
	'NR > 1 && $3 == "new" && $4 == "query" && $1 < fresh && ($10 != "MX" || $1 > end) && $5 ~ /^198\.51\.100\.3:|^\[?2001:db8:100::3\]?:/' \
	"$sm/events.tsv" | wc -l)
[ "$by_nscd" -gt 0 ] && [ "$by_nscd" -lt "$uncounted" ]
ok $? "sendmail: nscd sent $by_nscd of them, the process and its triggers the rest"
is "$(lane_captions "$svg" new 'not counted')" "$((uncounted - by_nscd)) $by_nscd" \
	"sendmail: the new server's lane shows them, as not counted, the process's and nscd's rows apart"
is "$(count "$svg" 'class="m uncounted new"' | awk '{ print ($1 > 0) }')" 1 \
	"sendmail: ... the process's drawn grey"
nscd_mark=$(grep -o '<rect class="m uncounted new nscd"[^>]*' "$svg" | head -n 1)
case "$nscd_mark" in
*'fill="#bdbdbd" fill-opacity="0.3" stroke="#bdbdbd" stroke-width="2"'*)
	ok 0 "sendmail: ... nscd's grey too, outlined" ;;
*)	ok 1 "sendmail: ... nscd's grey too, outlined: ${nscd_mark:-no mark}" ;;
esac
# The lanes nscd sent queries in: a server's, or the fresh process's.
nscd_lanes=$(awk -F'\t' -v fresh="$(field "$r" fresh_time)" \
	'NR > 1 && $4 == "query" && $5 ~ /^198\.51\.100\.3:|^\[?2001:db8:100::3\]?:/ { print ($1 >= fresh ? "fresh" : $3) }' \
	"$sm/events.tsv" | sort -u | tr '\n' ' ')
is "$(grep -c '<text class="sender nscd"[^>]*>via nscd</text>' "$svg")" "$(echo $nscd_lanes | wc -w)" \
	"sendmail: nscd's rows are named in each lane it sent queries in ($nscd_lanes)"
tr -d '\n' <"$svg" | grep -q '<g class="legend-senders">.*sent by the process or its triggers itself.*sent by nscd on its behalf'
ok $? "sendmail: the legend says which marks the process (and its triggers) sent and which nscd"
# The paths, as report.md says them, under the title and in <title>.
paths=$(sed -n 's/^By path: \(.*\) (see "Paths" below)\.$/\1/p' "$sm/report.md")
[ "$(field "$r" paths)" -gt 1 ] && [ -n "$paths" ]
ok $? "sendmail: $(field "$r" paths) paths, report.md's line: $paths"
case "$title" in
*" — By path: $paths</title>") ok 0 "sendmail: <title> ends with the paths' verdicts" ;;
*)	ok 1 "sendmail: <title> ends with the paths' verdicts: $title" ;;
esac
is "$(plain_text "$svg" paths)" "By path: $paths" "sendmail: ... and they are drawn under the title"
is "$(caption "$svg" 'to new' 1)" "$(field "$r" fresh_queries_new)" \
	"sendmail: the fresh process's lane counts its MX queries to the new server"
[ "$(count "$svg" 'class="m query fresh-new"')" -gt 0 ]
ok $? "sendmail: ... and draws them"
[ "$(count "$svg" '<line class="window-end"')" -eq 1 ] && [ "$(count "$svg" '<line class="fresh-start"')" -eq 1 ]
ok $? "sendmail: the window's end and the fresh process's start are marked"

# report.md: verdict, chart, numbers, timeline, what ran, environment.
order=$(grep -nE '^## Verdict|^<img src="timeline.svg" width="900"|^\| queries before the switch|^## Timeline|^## What ran|^## Environment|^nsswitch.conf:' \
	"$sm/report.md" | cut -d: -f2- | cut -c1-12 | tr '\n' '/')
is "$order" "## Verdict: /<img src=\"ti/| queries be/## Timeline/## What ran/## Environme/nsswitch.con/" \
	"sendmail: report.md is verdict, chart, numbers, timeline, environment"
# The frame column is what tshark numbers: the first MX query after the switch.
row=$(grep -m1 -E '^\| [0-9]+ \| [0-9.]+ \| old \| query \| counted \| [^|]* \| MX \|' "$sm/report.md")
frame=$(echo "$row" | awk -F'|' '{ gsub(/ /, "", $2); print $2 }')
if command -v tshark >/dev/null; then
	is "$(tshark -r "$sm/capture.pcap" -Y "frame.number == $frame" -T fields -e dns.qry.type -e ip.dst 2>/dev/null)" \
		"15	198.51.100.10" "sendmail: report.md's frame $frame (its first counted MX query after the switch) is, for tshark, an MX query to the old server"
	is "$(tail -n +2 "$sm/events.tsv" | cut -f13 | tr '\n' ' ')" \
		"$(tshark -r "$sm/capture.pcap" -Y dns -T fields -e frame.number 2>/dev/null | tr '\n' ' ')" \
		"sendmail: events.tsv's frame column is tshark's frame number of every DNS message"
else
	skip "tshark is not installed (apt-get install tshark)" 2
fi

# ---- getip with nscd: one lookup, then silence until the window's end ----
r="$gi/result.txt"; svg="$gi/timeline.svg"
is "$(field "$r" verdict)" FOLLOWED "getip/nscd: FOLLOWED"
grep -q "<title>getip/inplace/no-reload/nscd: FOLLOWED" "$svg"
ok $? "getip/nscd: <title> says the verdict"
last=$(tail -n 1 "$gi/events.tsv" | cut -f1)
awk -v l="$last" -v e="$(field "$r" window_end)" 'BEGIN { exit !(e - l > 0.5) }'
ok $? "getip/nscd: the window went on more than half a second after the last packet"
end_x=$(line_x "$svg" window-end); right=$(marks_right "$svg")
[ -n "$end_x" ] && [ "$end_x" -gt $((right + 100)) ] && [ "$end_x" -le 870 ]
ok $? "getip/nscd: the axis reaches the window's end, far right of the last mark (end at x=$end_x, last mark ends at x=$right)"
is "$(count "$svg" 'fresh')" 0 "getip/nscd: no fresh process, no fresh lane"
# Every query on the wire is nscd's (getip asks nscd over its socket).
q_nscd=$(awk -F'\t' 'NR > 1 && $4 == "query" && $5 ~ /^198\.51\.100\.3:|^\[?2001:db8:100::3\]?:/' "$gi/events.tsv" | wc -l)
is "$q_nscd" "$(awk -F'\t' 'NR > 1 && $4 == "query"' "$gi/events.tsv" | wc -l)" \
	"getip/nscd: every query in events.tsv is from nscd's address ($q_nscd)"
is "$(lane_captions "$svg" old counted) $(lane_captions "$svg" new counted)" \
	"$(field "$r" queries_old_before) $(field "$r" queries_new_after)" \
	"getip/nscd: nscd's rows alone, counting its queries to each server"
is "$(count "$svg" 'class="m query new nscd"') $(count "$svg" 'class="m query new"') $(count "$svg" 'class="sender own"')" \
	"1 0 0" "getip/nscd: its query to the new server is drawn as nscd's; no row of the process's"
grep -q '>sent by the process itself (none here)</text>' "$svg"
ok $? "getip/nscd: the legend says the process sent none"
is "$(field "$r" paths) $(count "$svg" 'By path')" "1 0" "getip/nscd: one path, no paths line"

# ---- decode --case: the case's own capture, drawn the same way ----
# marks FILE: each kind of mark (its class) with how many, one a line
marks() { grep -o '<rect class="m [^"]*"' "$1" | sort | uniq -c; }
# senders FILE: the names of the senders' rows, top down
senders() { grep -o '<text class="sender [^>]*>[^<]*' "$1" | sed 's/.*>//' | tr '\n' '/'; }
for c in "$sm" "$gi"; do
	name=$(field "$c/result.txt" case)
	"$W" decode --case "$c" -o "$tmp/decoded" >"$tmp/decode.out" 2>&1
	ok $? "$name: decode --case runs on its folder"
	is "$(marks "$tmp/decoded/timeline.svg")" "$(marks "$c/timeline.svg")" \
		"$name: decode's timeline.svg has the case's marks, nscd's apart ($(marks "$c/timeline.svg" | grep -c nscd) kinds of nscd's)"
	is "$(senders "$tmp/decoded/timeline.svg")" "$(senders "$c/timeline.svg")" \
		"$name: ... and names the same senders' rows ($(senders "$c/timeline.svg"))"
	rm -rf "$tmp/decoded"
done

# ---- In a real browser ----
# WHICHNS_CHROMIUM names another browser binary (or none: the skip path).
chromium=${WHICHNS_CHROMIUM-$(command -v chromium || command -v chromium-browser || true)}
if ! [ -x "$chromium" ]; then
	skip "no chromium to run (apt-get install chromium; make check installs it)${WHICHNS_CHROMIUM:+; WHICHNS_CHROMIUM=$WHICHNS_CHROMIUM}" 12
	done_testing
	exit
fi
# browser ARGS...: chromium, headless, offline, in a throw-away home
browser() {
	local home
	home=$(mktemp -d "$tmp/chromium.XXXXXX")
	mkdir -m 700 "$home/run"
	env -i PATH=/usr/bin:/bin HOME="$home" XDG_CONFIG_HOME="$home/config" \
		XDG_CACHE_HOME="$home/cache" XDG_DATA_HOME="$home/data" \
		XDG_RUNTIME_DIR="$home/run" GSETTINGS_BACKEND=memory \
		unshare -n timeout 120 "$chromium" --headless --no-sandbox --disable-gpu \
		--no-proxy-server --no-first-run --disable-background-networking \
		--disable-component-update --disable-sync --user-data-dir="$home/profile" \
		--hide-scrollbars --force-device-scale-factor=1 "$@" 2>>"$tmp/chromium.err"
	local rc=$?
	rm -rf "$home"
	return $rc
}
# shot SVG PNG: a screenshot of the whole picture, one pixel a unit
shot() {
	local h
	h=$(grep -o '<svg [^>]*height="[0-9]*"' "$1" | head -n 1 | sed 's/.*height="//; s/"//')
	browser --window-size=900,"$h" --screenshot="$2" "file://$1" >/dev/null
}
shm_before=$(ls -a /dev/shm | grep -c '^\.org\.chromium' || true)

for c in "$sm" "$gi"; do
	name=$(field "$c/result.txt" case)
	dom=$(browser --dump-dom "file://$c/timeline.svg")
	case "$dom" in
	"<svg "*"<title>$name: $(field "$c/result.txt" verdict)"*) ok 0 "$name: Chromium parses timeline.svg, the verdict in its title" ;;
	*)	ok 1 "$name: Chromium parses timeline.svg: $(echo "$dom" | head -c 300)" ;;
	esac
	shot "$c/timeline.svg" "$tmp/shot.png"
	ok $? "$name: Chromium takes a screenshot"
	read -r w h < <(perl "$png" "$tmp/shot.png" size)
	nonwhite=$(perl "$png" "$tmp/shot.png" 0 0 900 "$h" nonwhite 8)
	[ "$w" -eq 900 ] && [ "$nonwhite" -gt $((900 * h / 20)) ]
	ok $? "$name: the screenshot is ${w}x$h and not blank ($nonwhite pixels not white)"
	# The heading band: drawn text there, and none once the title's text
	# is taken out of a copy: what is drawn there is the verdict line.
	heading=$(perl "$png" "$tmp/shot.png" 0 0 900 28 nonwhite 100)
	sed 's|\(<text class="title"[^>]*>\)[^<]*</text>|\1</text>|' "$c/timeline.svg" >"$tmp/untitled.svg"
	shot "$tmp/untitled.svg" "$tmp/untitled.png"
	bare=$(perl "$png" "$tmp/untitled.png" 0 0 900 28 nonwhite 100)
	[ "$heading" -gt 300 ] && [ "$bare" -lt 20 ]
	ok $? "$name: the verdict heading is drawn ($heading dark pixels; $bare without it)"
	cp "$tmp/shot.png" "$tmp/$(basename "$c").png"
	if [ -n "${WHICHNS_KEEP_SHOTS:-}" ]; then   # a folder to keep them in
		cp "$tmp/shot.png" "$WHICHNS_KEEP_SHOTS/$(basename "$c").png"
	fi
done

# The STALE case's pixels: the old server's colour in its lane, none of
# the new server's in the new lane's plot (its lookups there are grey),
# the new server's colour in the fresh process's lane.
pic="$tmp/$(basename "$sm").png"
read -r o0 o1 < <(lane_y "$sm/timeline.svg" old)
read -r n0 n1 < <(lane_y "$sm/timeline.svg" new)
read -r f0 f1 < <(lane_y "$sm/timeline.svg" fresh)
read -r old_px new_px grey_px fresh_px < <(perl "$png" "$pic" \
	170 "$o0" 870 "$o1" '#d95f02' 40  170 "$n0" 870 "$n1" '#1b9e77' 40 \
	170 "$n0" 870 "$n1" '#bdbdbd' 12  170 "$f0" 870 "$f1" '#1b9e77' 40 | tr '\n' ' ')
[ "$old_px" -gt 0 ] && [ "$new_px" -eq 0 ] && [ "$grey_px" -gt 0 ] && [ "$fresh_px" -gt 0 ]
ok $? "sendmail: on screen, old lane $old_px orange pixels, new lane $new_px green and $grey_px grey, fresh lane $fresh_px green"
# The FOLLOWED case, for contrast: its counted query to the new server is green.
pic="$tmp/$(basename "$gi").png"
read -r n0 n1 < <(lane_y "$gi/timeline.svg" new)
new_px=$(perl "$png" "$pic" 170 "$n0" 870 "$n1" '#1b9e77' 40)
[ "$new_px" -gt 0 ]
ok $? "getip/nscd: on screen, its new-server query is in the new server's colour ($new_px pixels)"
# nscd's mark, outlined: the new server's colour on its 2-pixel border,
# none inside it (a light fill).
read -r mx my mw mh < <(grep -o '<rect class="m query new nscd" x="[0-9.]*" y="[0-9.]*" width="[0-9.]*" height="[0-9.]*"' \
	"$gi/timeline.svg" | head -n 1 | awk -F'"' '{ printf "%d %d %d %d\n", $4, $6, $8, $10 }')
read -r ring inside < <(perl "$png" "$pic" $((mx - 1)) $((my - 1)) $((mx + mw + 1)) $((my + mh + 1)) '#1b9e77' 40 \
	$((mx + 1)) $((my + 1)) $((mx + mw - 1)) $((my + mh - 1)) '#1b9e77' 40 | tr '\n' ' ')
[ "$ring" -gt $((2 * mh)) ] && [ "$inside" -eq 0 ]
ok $? "getip/nscd: on screen, nscd's mark is outlined ($ring pixels of the colour around it, $inside inside)"
is "$(ls -a /dev/shm | grep -c '^\.org\.chromium' || true)" "$shm_before" "Chromium left nothing in /dev/shm"
done_testing
