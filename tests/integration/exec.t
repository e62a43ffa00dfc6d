#!/usr/bin/env bash
# whichns exec: any program through the same switch.  The probes give the
# same verdicts as in make repro; a new process per lookup always follows;
# programs that stop early or never resolve are said plainly.
. "$(dirname "$0")/lib.sh"
need_root_and_namespaces

res=$(mktemp -d /tmp/whichns-test.XXXXXX)
trap 'rm -rf "$res"' EXIT
x() { "$W" exec -q --results "$res" "$@" >/dev/null 2>"$res/err"; xs=$?; }
last() { field "$res/latest-exec/001-exec/result.txt" "$1"; }

x --window 1s --interval 50ms -- "$top/$B/repro/getip" -i 50 hat.com
is "$(last verdict)" FOLLOWED "exec getip: FOLLOWED, as in make repro"
is "$xs" 0 "exec getip: exit 0"
x --options no-reload --window 1s --interval 50ms -- "$top/$B/repro/getip" -i 50 hat.com
is "$(last verdict)" STALE "exec getip with no-reload: STALE, as in make repro"
host_libc="glibc $(getconf GNU_LIBC_VERSION | cut -d' ' -f2)"
is "$(last libc)" "$host_libc" "exec: libc reported by the probe"

x --options no-reload --window 2s --interval 200ms -- /bin/sh -c 'while :; do getent hosts hat.com; sleep 0.2; done'
is "$(last verdict)" FOLLOWED "a getent loop (new process per lookup) follows even with no-reload"
case "$(last libc)" in "glibc "*) ok 0 "libc read from the process's memory map ($(last libc))" ;;
                      *) ok 1 "libc read from the process's memory map ($(last libc))" ;; esac
[ "$(last answers_new_after)" -gt 0 ]; ok $? "application view: the loop printed new answers"

x --switch-at 300ms --window 1s -- /bin/sh -c 'getent hosts hat.com; exit 0'
is "$(last verdict)" INCONCLUSIVE "a program that exits before the switch is INCONCLUSIVE"
grep -q 'ended before the switch' "$res/latest-exec/001-exec/result.txt"; ok $? "... and says why"

x --switch-at 300ms --window 1s -- /bin/sh -c 'getent hosts hat.com; sleep 30'
is "$(last verdict)" SILENT "a program that resolves once and waits is SILENT"

x --switch-at 300ms --window 1s --timeout 2s -- /bin/sh -c 'sleep 30'
is "$(last verdict)" INCONCLUSIVE "a program that never resolves is INCONCLUSIVE"
grep -q 'no query reached the old server' "$res/latest-exec/001-exec/result.txt"; ok $? "... and says no query reached the old server"

"$W" exec -q --results "$res" --expect STALE --window 1s -- "$top/$B/repro/getip" -i 50 hat.com >/dev/null 2>&1
is "$?" 1 "--expect a verdict that differs: exit 1"
is "$(last error)" "" "... because of the verdict, not an error"

# A daemon that resolves only when asked, driven by a trigger: the real
# sendmail of the bookworm root filesystem, MX lookups only.
x --libc bookworm --only MX --switch-after 3s --window 5s --timeout 20s \
  --trigger 'echo Subject: whichns | /usr/sbin/sendmail root@hat.com' --trigger-every 2s \
  --fresh '/usr/sbin/sendmail -q' --fresh-for 5s -- /usr/sbin/sendmail -bD -q2s
is "$(last verdict)" STALE "the sendmail daemon's own MX lookups stay on the old server"
[ "$(last fresh_queries_new)" -gt 0 ] && [ "$(last fresh_queries_old)" -eq 0 ]
ok $? "a freshly started sendmail asks the new server"

for f in report.md timeline.svg capture.pcap events.tsv; do
	[ -s "$res/latest-exec/001-exec/$f" ]; ok $? "exec folder has $f"
done
[ -e "$res/latest-exec/001-exec/process.out" ]; ok $? "exec folder has process.out (the daemon printed nothing)"
grep -q 'to run it again' "$res/latest-exec/001-exec/report.md"; ok $? "report.md says how to run it again"
out=$("$W" bundle "$res/latest-exec") && tar tzf "$out" | grep -q '001-exec/report.md'
ok $? "bundle packs the run folder with its report"

"$W" exec --window zz -- /bin/true >/dev/null 2>"$res/err"
is "$?" 2 "bad duration: exit 2"
grep -q "bad --window 'zz'" "$res/err"; ok $? "bad duration: says which option"
"$W" exec --window 1s >/dev/null 2>"$res/err"
is "$?" 2 "no command: exit 2"
"$W" exec -- /nonexistent/prog >/dev/null 2>"$res/err"
is "$?" 2 "missing command: exit 2"
grep -q "cannot run the command: /nonexistent/prog: No such file" "$res/err"; ok $? "missing command: names it"
is "$(leftovers)" "" "nothing left behind"
done_testing
