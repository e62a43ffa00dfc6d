#!/usr/bin/env bash
# The zoo's files (doc/zoo.md): the scenario files parse, every group has its
# explanation, the four plain suites' recipes are untouched by the zoo's
# tree (a changed recipe would rebuild every cached tree), and
# scripts/zoo-table.sh writes the table from a run folder's result.txt
# files, the same file for the same verdicts.  No root needed; `make zoo`
# runs the real cases.
. "$(dirname "$0")/lib.sh"

tmp=$(mktemp -d /tmp/whichns-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
scn="$top/fixtures/scenarios/zoo.scn $top/fixtures/scenarios/zoo-postfix.scn"

# shellcheck disable=SC2086 # two files
"$W" run --check $scn >"$tmp/check" 2>&1
ok $? "zoo.scn and zoo-postfix.scn parse"

# shellcheck disable=SC2086 # two files
groups=$(cat $scn | sed -n 's/^\[\(.*\)\]$/\1/p' | sort)
described=$(sed -n 's/^group: //p' "$top/fixtures/zoo/programs.txt" | sort)
is "$(comm -23 <(echo "$groups") <(echo "$described") | paste -sd' ' -)" "" \
	"every scenario group has an entry in programs.txt"

# The four suites' recipe lines, as they were before bookworm-zoo existed.
want='v1 suite=bullseye variant=minbase mirror=http://deb.debian.org/debian packages=gcc,libc6-dev,nscd,sendmail-bin'
is "$("$top/scripts/mkrootfs.sh" --recipe bullseye)" "$want" "bullseye's recipe is unchanged"
got=$("$top/scripts/mkrootfs.sh" --recipe bookworm trixie sid | sed 's/suite=[a-z]*/suite=X/' | sort -u)
is "$got" "${want/suite=bullseye/suite=X}" "bookworm's, trixie's and sid's recipes are unchanged"
"$top/scripts/mkrootfs.sh" --recipe bookworm-zoo | grep -q ' base=bookworm extra=apache2,postfix,nginx,'
ok $? "bookworm-zoo has a recipe of its own, naming its base and extra packages"
"$top/scripts/mkrootfs.sh" --list all | grep -q bookworm-zoo
is "$?" 1 "\"all\" does not include bookworm-zoo"

# A run folder with three cases of one group and one of a group the
# table does not describe.
mk() { # DIR GROUP UPDATE OPTIONS VERDICT LATE_BY
	mkdir -p "$tmp/run/$1"
	printf 'case\tbookworm-zoo:%s/%s/%s\ngroup\t%s\nupdate\t%s\noptions\t%s\nverdict\t%s\nlate_by\t%s\nreason\tx\n' \
		"$2" "$3" "$4" "$2" "$3" "$4" "$5" "$6" >"$tmp/run/$1/result.txt"
}
mk 001-a python-gai inplace default FOLLOWED 0
mk 002-b python-gai rename default LATE 7
mk 003-c python-gai inplace no-reload STALE 0
mk 004-d nosuchgroup inplace default STALE 0
printf 'glibc=2.36\nextra_versions=python3=3.11.2-1+b1 nginx=1.22.1\n' >"$tmp/stamp"
"$top/scripts/zoo-table.sh" "$tmp/run" "$tmp/stamp" >"$tmp/zoo.md" 2>"$tmp/err"
ok $? "zoo-table.sh writes a table"
row=$(grep '^| \[python3 socket.getaddrinfo()\](#python-gai)' "$tmp/zoo.md")
is "$row" "| [python3 socket.getaddrinfo()](#python-gai) | python3 3.11.2-1+b1 | [FOLLOWED](../results/zoo/001-a/report.md) | [LATE](../results/zoo/002-b/report.md) | [STALE](../results/zoo/003-c/report.md) | not run | - | nothing (default); a restart (no-reload) |" \
	"its row: version, verdicts linked to their cases, LATE without N, a missing case 'not run'"
grep -q '^### python-gai$' "$tmp/zoo.md" && grep -q 'Modules/socketmodule.c' "$tmp/zoo.md"
ok $? "the explanation with its source is there"
grep -q 'group nosuchgroup has no entry' "$tmp/err"
ok $? "a group without an explanation is named on stderr"
grep -q 'nosuchgroup' "$tmp/zoo.md"
is "$?" 1 "and left out of the table"
mk 002-b python-gai rename default LATE 31
"$top/scripts/zoo-table.sh" "$tmp/run" "$tmp/stamp" 2>/dev/null | cmp -s - "$tmp/zoo.md"
ok $? "a different LATE N gives the same file"
mk 002-b python-gai rename default STALE 0
"$top/scripts/zoo-table.sh" "$tmp/run" "$tmp/stamp" 2>/dev/null | cmp -s - "$tmp/zoo.md"
is "$?" 1 "a changed verdict changes the file"
printf 'fresh_ran\tyes\nfresh_queries_old\t0\nfresh_queries_new\t3\n' >>"$tmp/run/001-a/result.txt"
"$top/scripts/zoo-table.sh" "$tmp/run" "$tmp/stamp" 2>/dev/null | grep -q '^| \[python3.* | not run | new server | '
ok $? "a fresh process that queried only the new server: 'new server' in the restart column"
printf 'fresh_ran\tyes\nfresh_queries_old\t2\nfresh_queries_new\t0\n' >>"$tmp/run/003-c/result.txt"
"$top/scripts/zoo-table.sh" "$tmp/run" "$tmp/stamp" 2>/dev/null | grep -q '^| \[python3.* | not run | default: new server; no-reload: old server | '
ok $? "fresh processes that queried different servers under each option: both named, per option"
printf 'fresh_ran\tyes\nfresh_queries_old\t1\nfresh_queries_new\t1\n' >>"$tmp/run/002-b/result.txt"
"$top/scripts/zoo-table.sh" "$tmp/run" "$tmp/stamp" 2>/dev/null | grep -q '^| \[python3.* | not run | default: inplace new server, rename both servers; no-reload: old server | '
ok $? "and per update method where those differ: 'both servers' for one that queried both"

# The restore table: a program's restart, then the groups that remedy it
# (programs.txt: nginx-reload is remedy-for nginx-static).
mkdir -p "$tmp/run2"
mv "$tmp/run/001-a" "$tmp/run2/"
mk2() { # DIR GROUP UPDATE OPTIONS VERDICT [FRESH_OLD FRESH_NEW]
	mkdir -p "$tmp/run2/$1"
	printf 'case\tbookworm-zoo:%s/%s/%s\ngroup\t%s\nupdate\t%s\noptions\t%s\nverdict\t%s\nlate_by\t0\nreason\tx\n' \
		"$2" "$3" "$4" "$2" "$3" "$4" "$5" >"$tmp/run2/$1/result.txt"
	[[ -z ${6:-} ]] || printf 'fresh_ran\tyes\nfresh_queries_old\t%s\nfresh_queries_new\t%s\n' "$6" "$7" >>"$tmp/run2/$1/result.txt"
}
mk2 005-e nginx-static inplace default SILENT 0 1
mk2 006-f nginx-static rename default SILENT 0 2
mk2 007-g nginx-reload inplace default FOLLOWED
mk2 008-h nginx-reload inplace no-reload STALE 0 1
mk2 009-i nginx-reload rename no-reload LATE 0 1
mk2 010-j curl-cache60 inplace default SILENT
"$top/scripts/zoo-table.sh" "$tmp/run2" "$tmp/stamp" >"$tmp/zoo2.md" 2>/dev/null
ok $? "zoo-table.sh writes both tables"
restore=$(sed -n '/^## What restores it, measured/,/^## /p' "$tmp/zoo2.md" | grep '^| ')
is "$(echo "$restore" | grep -c '^| \[python3 socket.getaddrinfo()\](#python-gai) | a restart | \[python-gai\](#python-gai): its fresh process | \[new server\](../results/zoo/001-a/report.md) | not run |$')" 1 \
	"a program's restart: the server its fresh process queried, per option, linked to the case"
is "$(echo "$restore" | grep -A2 '(#nginx-static) | a restart' | cut -d'|' -f2-)" \
" [nginx, proxy_pass http://backend.hat.com:8080 (no resolver)](#nginx-static) | a restart | [nginx-static](#nginx-static): its fresh process | [new server](../results/zoo/005-e/report.md) | not run |
  | a reload (SIGHUP to the master, what systemctl reload nginx does), every 2 s | [nginx-reload](#nginx-reload): its verdict | [FOLLOWED](../results/zoo/007-g/report.md) | inplace [STALE](../results/zoo/008-h/report.md), rename [LATE](../results/zoo/009-i/report.md) |
  | a restart, after that | [nginx-reload](#nginx-reload): its fresh process | - | [new server](../results/zoo/008-h/report.md) |" \
	"its remedy group below it: the action, its verdicts (inplace and rename apart where they differ), and the restart after it"
echo "$restore" | grep -q 'curl-cache60'
is "$?" 1 "a program with neither a restart nor a remedy group measured has no row"
"$top/scripts/zoo-table.sh" "$tmp/nothing" "$tmp/stamp" >/dev/null 2>&1
is "$?" 2 "no run folder: exit 2"
done_testing
