#!/usr/bin/env bash
# whichns exec on programs nobody here wrote: a musl program needs no
# probes of ours; the C library is read for every process of the tree
# while it lives (processes.tsv), and the case is named for the one that
# resolves, even under a glibc shell and even when it ends early; a
# command that cannot start is an error naming the cause, never a
# verdict.
. "$(dirname "$0")/lib.sh"
need_root_and_namespaces

tmp=$(mktemp -d /tmp/whichns-test.XXXXXX)
shm=$(mktemp -d /dev/shm/whichns-test.XXXXXX)
trap 'rm -rf "$tmp" "$shm"' EXIT

# A whichns whose build folder has no probes at all (no repro-musl), as
# after "make" without "make musl-probes": exec must not need them.
mkdir -p "$tmp/b/repro"
cp "$W" "$tmp/b/whichns"
ln -s "$top/fixtures" "$tmp/fixtures"
X="$tmp/b/whichns"
# x ARGS...: exec in $tmp (relative commands are the caller's), exit in xs
x() { (cd "$tmp" && "$X" exec -q --results "$tmp/res" "$@" >"$tmp/out" 2>"$tmp/err"); xs=$?; }
last() { field "$tmp/res/latest-exec/001-exec/result.txt" "$1"; }
procs() { cat "$tmp/res/latest-exec/001-exec/processes.tsv"; }
# row COMM: the processes.tsv line of the last process named COMM
row() { awk -F'\t' -v c="$1" '$4 == c { l = $0 } END { print l }' "$tmp/res/latest-exec/001-exec/processes.tsv"; }
col() { echo "$1" | cut -f"$2"; }

# getaddr NAME COUNT: COUNT getaddrinfo() lookups (0: forever), 50 ms apart.
cat >"$tmp/getaddr.c" <<'EOF'
#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
int main(int argc, char **argv)
{
	int n = argc > 2 ? atoi(argv[2]) : 0;
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int i = 0; n == 0 || i < n; i++) {
		struct addrinfo hints = { .ai_family = AF_INET }, *res;
		char a[64] = "-";
		if (getaddrinfo(argv[1], NULL, &hints, &res) == 0) {
			inet_ntop(AF_INET, &((struct sockaddr_in *)res->ai_addr)->sin_addr, a, sizeof a);
			freeaddrinfo(res);
		}
		printf("%s\n", a);
		usleep(50000);
	}
	return 0;
}
EOF

if command -v musl-gcc >/dev/null && musl-gcc -O2 -o "$tmp/getaddr" "$tmp/getaddr.c" 2>"$tmp/cc.err"; then
	loader=$(readelf -l "$tmp/getaddr" | sed -n 's/.*interpreter: \(.*\)\]$/\1/p')
	musl="musl $("$loader" 2>&1 | sed -n 's/^Version //p')"
	glibc="glibc $(getconf GNU_LIBC_VERSION | cut -d' ' -f2)"

	x --libc musl --window 1s --interval 50ms -- ./getaddr hat.com
	is "$xs" 0 "exec --libc musl of a musl program, with no musl probes built: exit 0"
	is "$(last verdict)" FOLLOWED "... FOLLOWED (a fresh getaddrinfo per lookup on musl)"
	is "$(last libc)" "$musl" "... named for its C library, read from its memory map"
	is "$(last libc_axis)" musl "... labelled musl"
	is "$(col "$(row getaddr)" 6)" "$musl" "processes.tsv: the program and its C library"

	# A glibc shell running the musl program: the case is named for the
	# one that resolves, and each process for its own C library.
	x --libc musl --window 1s --interval 50ms -- /bin/sh -c './getaddr hat.com; true'
	is "$(last libc)" "$musl" "sh -c 'musl program': named for the resolving process"
	case "$(last libc_from)" in socket|alive) ok 0 "... told by its sockets or by being alive at the queries ($(last libc_from))" ;;
	                            *) ok 1 "... told by its sockets or by being alive at the queries ($(last libc_from))" ;; esac
	sh_row=$(row sh)
	is "$(col "$sh_row" 6)" "$glibc" "processes.tsv: sh is $glibc"
	is "$(col "$sh_row" 9)" "-" "... and did not send the queries"
	is "$(col "$(row getaddr)" 6)" "$musl" "processes.tsv: the program is $musl"
	[ "$(col "$(row getaddr)" 9)" != "-" ]; ok $? "... and sent them"
	is "$(col "$(row getaddr)" 2)" 3 "... PID 3 in its namespace (init 1, sh 2)"
	is "$(col "$(row getaddr)" 3)" "$(col "$sh_row" 2)" "... child of sh"
	grep -q "sh: $glibc, getaddr: $musl" "$tmp/res/latest-exec/001-exec/report.md"
	ok $? "report.md names every process with its C library"

	# A program that ends early (three lookups, before the switch) is
	# still named: it was read while it lived.
	x --libc musl --switch-at 1s --window 500ms -- ./getaddr hat.com 3
	is "$(last verdict)" INCONCLUSIVE "a program that ends before the switch: INCONCLUSIVE"
	is "$(last libc)" "$musl" "... and still named for its C library, not unknown"
	is "$(col "$(row getaddr)" 6)" "$musl" "... in processes.tsv too"
else
	skip "no musl-gcc (Debian's musl-tools): $(head -1 "$tmp/cc.err" 2>/dev/null)" 17
fi

# A getent per lookup (glibc), each living milliseconds: named glibc.
# The sampler sees some of them (5 of about 25 here when idle, fewer on a
# loaded machine: CI once saw fewer than 3 in a 1 s window); each one seen
# is a line.
x --window 2s --interval 100ms -- /bin/sh -c 'while :; do getent hosts hat.com; sleep 0.1; done'
case "$(last libc)" in "glibc "*) ok 0 "a getent loop: $(last libc)" ;; *) ok 1 "a getent loop: $(last libc)" ;; esac
getents=$(grep -c $'\tgetent\t' "$tmp/res/latest-exec/001-exec/processes.tsv")
[ "$getents" -ge 2 ]
ok $? "processes.tsv has a line for each getent it saw ($getents)"

# Commands that cannot start.
rootfs="${WHICHNS_CACHE:-/var/cache/whichns}/rootfs/bookworm"
if [ -e "$rootfs/.whichns-stamp" ]; then
	x --libc bookworm -- /nonexistent/path
	is "$xs" 2 "exec --libc bookworm of a path missing there: exit 2"
	is "$(wc -l <"$tmp/err")" 1 "... one line"
	grep -q "/nonexistent/path" "$tmp/err" && grep -q "root filesystem bookworm" "$tmp/err"
	ok $? "... naming the path and the root filesystem"
	# A program of the host's tree is not in the root filesystem.
	x --libc bookworm -- "$tmp/b/whichns" --version
	is "$xs" 2 "exec --libc bookworm of a host path: exit 2, not a verdict"
else
	skip "no bookworm root filesystem in ${WHICHNS_CACHE:-/var/cache/whichns} (make repro-prep)" 4
fi

# There on the host, but not in the sandbox (it has a /dev/shm of its
# own): said up front, with why and where to put it instead, before any
# run folder; a link into /dev/shm, or a relative name, is the same.
cp /bin/true "$shm/prog"
ln -s "$shm/prog" "$tmp/link"
hidden="No such file or directory in the case (the case has its own /dev/shm, without the host's files; put the program elsewhere, e.g. under your home folder)"
runs=$(ls "$tmp/res" 2>/dev/null | wc -l)
x -- "$shm/prog"
is "$xs" 3 "a program in the host's /dev/shm: exit 3"
is "$(cat "$tmp/err")" "whichns: exec: cannot run the command: $shm/prog: $hidden" "... one line: the case has its own /dev/shm"
is "$(ls "$tmp/res" 2>/dev/null | wc -l)" "$runs" "... before any run folder"
x -- ./link
is "$xs $(cat "$tmp/err")" "3 whichns: exec: cannot run the command: ./link -> $shm/prog: $hidden" \
	"a link into /dev/shm: exit 3, the line names both"
mkdir -p "$tmp/runlike/run"   # a folder named run elsewhere is not /run
cp /bin/true "$tmp/runlike/run/prog"
x --switch-at 100ms --window 100ms -- "$tmp/runlike/run/prog"
is "$xs" 4 "a program under $tmp/runlike/run runs (INCONCLUSIVE: it ends at once)"

# Its interpreter there on the host, not in the case: the up-front check
# passes, the start fails in the case, an error and no verdict.
cp /bin/true "$shm/interp"
printf '#!%s\n' "$shm/interp" >"$tmp/shm-script"
chmod +x "$tmp/shm-script"
x -- "$tmp/shm-script"
is "$xs" 3 "a program that cannot start in the case: exit 3"
grep -q "could not start: $tmp/shm-script: its interpreter $shm/interp is missing or unusable ($shm/interp: No such file or directory)" "$tmp/err"
ok $? "... a line naming it and the cause"
is "$(last start_failed)" yes "... result.txt: start_failed"
is "$(last verdict)" NONE "... and no verdict"
grep -q "^whichns: 1 of 1 case finished;" "$tmp/err"; ok $? "... the closing line: '1 of 1 case finished'"
awk '/^exec /' "$tmp/out" | grep -q "ERROR .*the command could not start: $tmp/shm-script"
ok $? "... the table's note column says why"

printf '#!/nonexistent/interp\n' >"$tmp/script"
chmod +x "$tmp/script"
x -- "$tmp/script"
is "$xs" 3 "a script whose interpreter is missing: exit 3"
grep -q "its interpreter /nonexistent/interp is missing" "$tmp/err"; ok $? "... names the interpreter"
x -- /etc/passwd
is "$xs" 2 "a file that is not executable: exit 2"
grep -q "/etc/passwd: not executable" "$tmp/err"; ok $? "... says so"
x -- no-such-command-whichns
is "$xs" 2 "a name not in PATH: exit 2"
grep -q "not found in PATH" "$tmp/err"; ok $? "... says where it looked"

is "$(leftovers)" "" "nothing left behind"
done_testing
