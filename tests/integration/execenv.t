#!/usr/bin/env bash
# whichns exec runs the program the user meant, in an environment they
# can see and control (issue 17; doc/design.md, "The process's
# environment"): the command is looked up in the PATH it runs with (a
# virtualenv's python3 runs as the virtualenv's), the caller's resolver
# variables are left out and said, an --env one is kept and changes the
# verdict, secrets are masked, and a program that fails before its first
# lookup could not run (exit 3, its status and its stderr), not a verdict.
. "$(dirname "$0")/lib.sh"
need_root_and_namespaces

tmp=$(mktemp -d /tmp/whichns-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
x() { "$W" exec -q --results "$tmp/r" "$@" >"$tmp/out" 2>"$tmp/err"; xs=$?; }
case_dir() { echo "$tmp/r/latest-exec/001-exec"; }
last() { field "$(case_dir)/result.txt" "$1"; }

py=$(command -v python3) || { echo "1..0 # SKIP no python3"; exit 0; }
# A getaddrinfo loop that first says which Python runs it (sys.prefix is
# the virtualenv's when its python3 runs).
loop='import socket, sys, time
print("prefix", sys.prefix, flush=True)
while True:
    try:
        print(socket.getaddrinfo("hat.com", 80, socket.AF_INET)[0][4][0], flush=True)
    except OSError as e:
        print("error", e, flush=True)
    time.sleep(0.1)'

# A virtualenv, or what one is when venv is missing: a bin folder with a
# link to python3, and a pyvenv.cfg beside it.
venv="$tmp/venv"
if ! "$py" -m venv --without-pip "$venv" >/dev/null 2>&1; then
	mkdir -p "$venv/bin"
	ln -s "$(readlink -f "$py")" "$venv/bin/python3"
	printf 'home = %s\ninclude-system-site-packages = false\n' "$(dirname "$(readlink -f "$py")")" > "$venv/pyvenv.cfg"
fi
venv_prefix=$(cd "$venv" && pwd -P)

# 1. The virtualenv's python3, found in the PATH it runs with.
PATH="$venv/bin:$PATH" x --window 1500ms --interval 100ms -- python3 -c "$loop"
is "$xs" 0 "a virtualenv's python3 and a getaddrinfo loop: exit 0"
is "$(last verdict)" FOLLOWED "... FOLLOWED, as glibc's getaddrinfo loop is"
case "$(last program)" in "$venv/bin/python3"*) ok 0 "result.txt names the virtualenv's python3 ($(last program))" ;;
                         *) ok 1 "result.txt names the virtualenv's python3 ($(last program))" ;; esac
grep -q "\"program\": \"$venv/bin/python3" "$tmp/r/latest-exec/summary.json"; ok $? "... and so does summary.json"
grep -q "^- program that ran: \`$venv/bin/python3" "$(case_dir)/report.md"; ok $? "... and report.md"
grep -q "^prefix $venv" "$(case_dir)/process.out" || grep -q "^prefix $venv_prefix" "$(case_dir)/process.out"
ok $? "the process ran as the virtualenv's Python (sys.prefix: $(grep -m1 '^prefix' "$(case_dir)/process.out"))"
is "$(last env_policy)" kept "the caller's environment is kept by default"
grep -q "^PATH=$venv/bin:" "$(case_dir)/env.txt"; ok $? "env.txt: the PATH the process got, the virtualenv first"

# 2. A '#!/usr/bin/env python3' script: its interpreter named, as env
# found it in that PATH.
printf '#!/usr/bin/env python3\n%s\n' "$loop" > "$venv/bin/resolver-loop"
chmod +x "$venv/bin/resolver-loop"
PATH="$venv/bin:$PATH" x --window 1s --interval 100ms -- resolver-loop
is "$(last verdict)" FOLLOWED "a #! script in the virtualenv: FOLLOWED"
is "$(last program)" "$venv/bin/resolver-loop" "... the script that ran"
is "$(last interpreter)" "/usr/bin/env python3 -> $venv/bin/python3" "... and its interpreter, as env finds it"
grep -q "^- its interpreter (\`#!\`): \`/usr/bin/env python3 -> $venv/bin/python3\`" "$(case_dir)/report.md"
ok $? "... in report.md too"

# 3. --env RES_OPTIONS=no-reload is the user's: kept, shown, and STALE.
x --window 1500ms --interval 100ms --env RES_OPTIONS=no-reload -- "$py" -c "$loop"
is "$(last verdict)" STALE "--env RES_OPTIONS=no-reload: STALE (glibc reads the file once)"
is "$(last env_set)" "RES_OPTIONS=no-reload" "... result.txt: env_set"
grep -q '"env_set": "RES_OPTIONS=no-reload"' "$tmp/r/latest-exec/summary.json"; ok $? "... summary.json: env_set"
grep -q '^- set for this case (`--env`, `env`): RES_OPTIONS=no-reload$' "$(case_dir)/report.md"; ok $? "... report.md says it"
grep -qx 'RES_OPTIONS=no-reload' "$(case_dir)/env.txt"; ok $? "... env.txt has it"
"$W" exec --results "$tmp/r" --switch-at 200ms --window 200ms --env RES_OPTIONS=no-reload -- /bin/true >/dev/null 2>"$tmp/err"
grep -q '^whichns: exec: set for the command: RES_OPTIONS=no-reload$' "$tmp/err"; ok $? "... and exec says so on stderr as it starts"

# 4. Inherited resolver variables are left out, and said.
RES_OPTIONS=no-reload LOCALDOMAIN=corp.example LD_PRELOAD= x --window 1500ms --interval 100ms -- "$py" -c "$loop"
is "$(last verdict)" FOLLOWED "an inherited RES_OPTIONS=no-reload is left out: FOLLOWED"
is "$(last env_removed | tr ' ' '\n' | sort | tr '\n' ' ')" "LD_PRELOAD LOCALDOMAIN RES_OPTIONS " "... result.txt names the removed variables"
grep -qE '^(RES_OPTIONS|LOCALDOMAIN|LD_PRELOAD)=' "$(case_dir)/env.txt"; is "$?" 1 "... none is in env.txt"
grep -q "^- resolver variables removed: $(last env_removed)\$" "$(case_dir)/report.md"; ok $? "... report.md names them"
RES_OPTIONS=no-reload "$W" exec --results "$tmp/r" --switch-at 200ms --window 200ms -- /bin/true >/dev/null 2>"$tmp/err"
grep -q '^whichns: exec: the command.s environment: yours without RES_OPTIONS (they change name resolution' "$tmp/err"
ok $? "... and exec says so on stderr as it starts"

# 5. --clean-env: the fixed environment; python3 is then the system's.
PATH="$venv/bin:$PATH" x --clean-env --switch-at 300ms --window 300ms -- python3 -c 'import time; time.sleep(5)'
is "$(last env_policy)" clean "--clean-env: env_policy clean"
is "$(sort "$(case_dir)/env.txt" | tr '\n' ' ')" "HOME=/root LC_ALL=C PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin " \
	"... env.txt: PATH, HOME and LC_ALL only"
case "$(last program)" in "$venv"*|"") ok 1 "... python3 looked up in the clean PATH ($(last program))" ;;
                         *) ok 0 "... python3 looked up in the clean PATH ($(last program))" ;; esac

# 6. Secrets: masked wherever the reports show the environment.
MY_API_TOKEN=hunter2-value DB_PASSWORD=hunter2-value x --env SERVICE_KEY=hunter2-value \
	--switch-at 200ms --window 200ms -- /bin/true
grep -qx 'MY_API_TOKEN=\*\*\*' "$(case_dir)/env.txt" && grep -qx 'DB_PASSWORD=\*\*\*' "$(case_dir)/env.txt" &&
	grep -qx 'SERVICE_KEY=\*\*\*' "$(case_dir)/env.txt"
ok $? "env.txt masks TOKEN, PASSWORD and KEY values"
grep -rl hunter2 "$tmp/r/latest-exec/" >"$tmp/leak"; is "$(cat "$tmp/leak")" "" "no report of the run holds a secret's value"
grep -q 'SERVICE_KEY="${SERVICE_KEY:?}"' "$(case_dir)/report.md"; ok $? "the rerun line takes a secret --env from the shell"

# 7. A program that fails before its first lookup could not run.
x --window 1s -- "$py" -c 'import nonexistent'
is "$xs" 3 "python3 -c 'import nonexistent': exit 3 (could not run)"
grep -q "^whichns: exec: could not run (exit 1; no lookup): ModuleNotFoundError: No module named 'nonexistent'$" "$tmp/err"
ok $? "... one line: its exit status and the ModuleNotFoundError line"
is "$(last start_failed)" yes "... result.txt: start_failed"
is "$(last exit_code)" 1 "... and its exit status"
grep -q '^exec .*ERROR .*could not run (exit 1; no lookup): ModuleNotFoundError' "$tmp/out"
ok $? "... the terminal table's note says it"
grep -q '^\*\*No verdict:\*\* could not run (exit 1; no lookup)' "$(case_dir)/report.md" &&
	grep -A6 '^The last lines of its stderr' "$(case_dir)/report.md" | grep -q '^Traceback (most recent call last):'
ok $? "... report.md: the error, then the last lines of its stderr"
grep -q '"outcome": "ERROR"' "$tmp/r/latest-exec/summary.json"; ok $? "... summary.json: ERROR, not a verdict"

x --window 1s -- sh -c missing-program-xyz
is "$xs" 3 "sh -c missing: exit 3, not INCONCLUSIVE"
grep -q '^whichns: exec: could not run (exit 127; no lookup): sh: 1: missing-program-xyz: not found$' "$tmp/err"
ok $? "... with sh's line"

x --window 1s -- sh -c 'kill -9 $$'
is "$xs" 3 "a program killed by a signal before any lookup: exit 3"
grep -q '^whichns: exec: could not run (killed by signal 9, SIGKILL; no lookup); its stderr is empty$' "$tmp/err"
ok $? "... said as a signal"
is "$(last exit_signal) $(last exit_code)" "9 137" "... result.txt: exit_signal 9 (exit_code 137, as a shell says it)"
grep -q '^- process exit: killed by signal 9, SIGKILL, during the case$' "$(case_dir)/report.md"; ok $? "... and report.md"

# An exit status above 128 is an exit status, not a signal.
x --window 1s -- sh -c 'echo x >&2; exit 139'
is "$xs" 3 "sh -c 'exit 139' before any lookup: exit 3"
grep -q '^whichns: exec: could not run (exit 139; no lookup): x$' "$tmp/err"
ok $? "... said as exit 139, not SIGSEGV ($(grep -m1 'could not run (' "$tmp/err"))"
is "$(last exit_signal) $(last exit_code)" "0 139" "... result.txt: exit_code 139, exit_signal 0"
grep -q '"exit_code": 139,' "$tmp/r/latest-exec/summary.json" && grep -q '"exit_signal": 0,' "$tmp/r/latest-exec/summary.json"
ok $? "... and summary.json"
grep -q '^- process exit: ended by itself during the case, status 139$' "$(case_dir)/report.md"; ok $? "... and report.md"

# Still verdicts: a program that resolved, then failed; one that exits 0 early.
x --switch-at 1s --window 500ms -- sh -c 'getent hosts hat.com; exit 1'
is "$(last start_failed)" no "a program that looked up, then exited 1: not an error"
is "$xs" 4 "... INCONCLUSIVE (it ended before the switch), exit 4"
x --switch-at 300ms --window 300ms -- /bin/true
is "$xs" 4 "a program that exits 0 at once: INCONCLUSIVE, exit 4, as before"

# 8. Bad --env: one line, exit 2, nothing run.
runs=$(ls "$tmp/r" | wc -l)
x --env NOEQUALS -- /bin/true
is "$xs" 2 "--env without '=': exit 2"
is "$(cat "$tmp/err")" "whichns: exec: bad --env 'NOEQUALS': no '='; expected NAME=VALUE" "... one line"
x --env 1X=y -- /bin/true
is "$xs" 2 "--env with a bad name: exit 2"
x --keep-env --clean-env -- /bin/true
is "$xs" 2 "--keep-env and --clean-env together: exit 2"
is "$(cat "$tmp/err")" "whichns: exec: --keep-env and --clean-env say opposite things; give one of them" "... one line"
is "$(ls "$tmp/r" | wc -l)" "$runs" "... before any run folder"

# 9. A scenario group's env lines: run starts from the clean environment.
cat > "$tmp/env.scn" <<'EOF'
probe getip
options default
interval 50ms
window 1s

[setenv]
env RES_OPTIONS=no-reload
env LANG=C.UTF-8
EOF
MY_API_TOKEN=x RES_OPTIONS=rotate "$W" run -q --results "$tmp/run" --probes "$top/$B/repro" "$tmp/env.scn" >/dev/null 2>"$tmp/err"
c=$(ls -d "$tmp/run/latest/"*getip* | head -1)
is "$(field "$c/result.txt" verdict)" STALE "a scenario's 'env RES_OPTIONS=no-reload': STALE"
is "$(field "$c/result.txt" env_policy)" clean "... from the clean environment"
is "$(sort "$c/env.txt" | tr '\n' ' ')" "HOME=/root LANG=C.UTF-8 LC_ALL=C PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin RES_OPTIONS=no-reload " \
	"... env.txt: the fixed variables and the group's, none of the caller's"

is "$(leftovers)" "" "nothing left behind"
done_testing
