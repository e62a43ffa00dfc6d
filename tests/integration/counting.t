#!/usr/bin/env bash
# Counting that holds for any client (doc/design.md, "Verdicts"): a
# client that keeps one query ID on one socket (tests/clients/fixedid.c)
# is STALE when it never re-reads resolv.conf and LATE when it re-reads
# it every 1.5 s, in exec and in decode of the case's own capture; a
# block-buffered program's late output makes no cache claim; a process
# that looks up every 5 ms is switched on time, says so, and its
# getaddrinfo A+AAAA pairs count once each, also when glibc sends AAAA
# from a new port after A's answer (single-request-reopen); a capture of
# the queries only counts each query, and says so.
. "$(dirname "$0")/lib.sh"
need_root_and_namespaces
FIXEDID="$top/$B/tests/fixedid"
GETIP="$top/$B/repro/getip"
[ -x "$FIXEDID" ] || { echo "Bail out! $FIXEDID not built (run make $B/tests/fixedid)"; exit 1; }

res=$(mktemp -d /tmp/whichns-test.XXXXXX)
trap 'rm -rf "$res"' EXIT
# x ARGS...: whichns exec into $res; $d is the case folder.
x() {
	"$W" exec -q --results "$res" "$@" >/dev/null 2>"$res/err"
	xs=$?
	d=$(ls -td "$res"/exec-*/ | head -1)001-exec
}
last() { field "$d/result.txt" "$1"; }
# dec: decode the case's capture with its switch time and window, as
# README says anyone can; the summary is in $res/sum.
dec() {
	local sw we
	sw=$(last switch_time)
	we=$(last window_end)
	"$W" decode --switch "$sw" --switch-end "$(last switch_end)" \
		--window "$(awk -v a="$sw" -v b="$we" 'BEGIN { printf "%.6f", b - a }')" \
		"$d/capture.pcap" >/dev/null 2>"$res/sum"
}
dfield() { field "$res/sum" "$1"; }

# 1. One socket, one ID, resolv.conf read once: every query goes to the
#    old server and is answered, so each is a new lookup: STALE (the
#    old rule took every query after the first for a resend: SILENT).
x --interval 100ms --switch-at 2s --window 5s -- "$FIXEDID" -i 100 hat.com
is "$xs/$(last verdict)" "0/STALE" "fixed ID, read once: STALE"
[ "$(last lookups_old_after)" -ge 30 ] && [ "$(last lookups_old_after)" = "$(last queries_old_after)" ]
ok $? "fixed ID: each answered query is a lookup ($(last lookups_old_after) of $(last queries_old_after))"
[ "$(last answers_old_after)" -ge 30 ]; ok $? "fixed ID: it printed old answers after the switch ($(last answers_old_after))"
dec
is "$(dfield verdict) $(dfield lookups_old_after)" "STALE $(last lookups_old_after)" \
	"fixed ID, read once: decode of its capture says the same"

# 2. The same client re-reading resolv.conf every 1.5 s: some lookups to
#    the old server, then only the new one (the old rule: FOLLOWED).
x --interval 100ms --switch-at 2s --window 5s -- "$FIXEDID" -i 100 -r 1500 hat.com
is "$(last verdict)" LATE "fixed ID, re-reading every 1.5 s: LATE"
[ "$(last late_by)" -ge 1 ] && [ "$(last late_by)" = "$(last lookups_old_after)" ]
ok $? "LATE $(last late_by): as many lookups as went to the old server after the switch"
[ "$(last first_new_ms)" != -1 ] && awk -v m="$(last first_new_ms)" 'BEGIN { exit !(m <= 1700) }'
ok $? "the first query to the new server came within one re-read ($(last first_new_ms) ms)"
dec
is "$(dfield verdict) $(dfield late_by)" "LATE $(last late_by)" \
	"fixed ID, re-reading: decode of its capture says the same"

# 3. Block-buffered, unstamped output: the answers it got before the
#    switch reach whichns after it.  They are dated when read, and no
#    cache claim is made from them (the old rule: 'answered from a
#    cache', with every query on the wire going to the new server).
x --interval 10ms --window 3s -- "$FIXEDID" -i 10 -r 1 -b hat.com
is "$(last verdict)" FOLLOWED "buffered client re-reading every query: FOLLOWED"
[ "$(last answers_unstamped)" -gt 0 ]; ok $? "its answers are dated when read ($(last answers_unstamped))"
[ "$(last answers_old_after)" -gt 0 ] && [ "$(last queries_old_after)" = 0 ]
ok $? "old answers read after the switch ($(last answers_old_after)), no old query after it"
is "$(last app_note)" "" "no cache claim from lines dated when read"
grep -q 'dated when read; a buffered program may have written them earlier' "$d/report.md"
ok $? "report.md says how the application view was dated"

# 4. A process that looks up every 5 ms is never quiet for 20 ms: the
#    switch comes at most 200 ms after it is due, and the report says
#    so.  getaddrinfo for both families: each call is one lookup.
x --window 2s -- "$GETIP" -i 5 -f unspec hat.com
v=$(last verdict)
[ "$v" != INCONCLUSIVE ] && [ "$v" != NONE ]; ok $? "every 5 ms: a verdict ($v: $(last reason))"
is "$(last switch_forced)" yes "every 5 ms: switched without a quiet moment"
awk -v s="$(last observe_s)" 'BEGIN { exit !(s < 2 + 1.5) }'
ok $? "every 5 ms: the switch came on time (observed $(last observe_s) s for a 2 s window)"
is "$(last dropped)" 0 "every 5 ms: the capture dropped nothing"
grep -q 'switched without a quiet moment: the process is never quiet for 20 ms' "$d/report.md"
ok $? "report.md says the switch was forced"
lk=$(( $(last lookups_old_after) + $(last lookups_new_after) ))
qs=$(( $(last queries_old_after) + $(last queries_new_after) ))
an=$(( $(last answers_old_after) + $(last answers_new_after) ))
[ "$lk" -gt 100 ] && [ $((qs - 2 * lk)) -ge -2 ] && [ $((qs - 2 * lk)) -le 2 ]
ok $? "A+AAAA count once: $lk lookups, $qs query messages"
[ $((an - lk)) -ge -2 ] && [ $((an - lk)) -le 2 ]
ok $? "as many lookups as getaddrinfo calls the probe printed ($lk, $an)"
dec
is "$(dfield verdict) $(dfield lookups_new_after)" "$v $(last lookups_new_after)" \
	"every 5 ms: decode of its capture says the same"

# 5. glibc's options single-request-reopen: A from one port, then AAAA
#    from a new port right after A's answer.  Each getaddrinfo is still
#    one lookup (the old rule: two, as if each type were a call).
x --options no-reload+single-request-reopen --interval 300ms --switch-at 2s \
	--window 5s -- "$GETIP" -i 300 -f unspec hat.com
is "$(last verdict)" STALE "single-request-reopen every 0.3 s: STALE"
lk=$(last lookups_old_after); qs=$(last queries_old_after); an=$(last answers_old_after)
[ "$lk" -ge 10 ] && [ "$qs" = $((2 * lk)) ] && [ $((an - lk)) -ge -1 ] && [ $((an - lk)) -le 1 ]
ok $? "single-request-reopen: $lk lookups for $an getaddrinfo calls, $qs query messages"
dec
is "$(dfield lookups_old_after)" "$lk" "single-request-reopen: decode of its capture counts the same"

# 6. A capture of the queries only (tcpdump 'dst port 53'): resends
#    cannot be told from new lookups, so each query counts, and decode
#    says why.  The fixed-ID client is STALE, not SILENT.
x --interval 100ms --switch-at 2s --window 5s -- "$FIXEDID" -i 100 hat.com
if command -v tshark >/dev/null; then
	tshark -r "$d/capture.pcap" -Y 'dns.flags.response == 0' -F pcap \
		-w "$res/queries.pcap" >/dev/null 2>&1
	sw=$(last switch_time); we=$(last window_end)
	"$W" decode --switch "$sw" --switch-end "$(last switch_end)" \
		--window "$(awk -v a="$sw" -v b="$we" 'BEGIN { printf "%.6f", b - a }')" \
		"$res/queries.pcap" >/dev/null 2>"$res/sum"
	is "$(dfield verdict) $(dfield lookups_old_after)" "STALE $(last queries_old_after)" \
		"queries only, fixed ID: STALE, each query a lookup"
	grep -q '^reason.*the capture holds no responses from the old server: resends cannot be told from new lookups' "$res/sum"
	ok $? "queries only: the reason says each query counts, and why"
else
	skip "tshark not installed (scripts/deps.sh installs it)" 2
fi

is "$(leftovers)" "" "nothing left behind"
done_testing
