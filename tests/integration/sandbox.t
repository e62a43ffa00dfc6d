#!/usr/bin/env bash
# The process under test cannot change the host.  One "whichns exec" runs
# every escape attempt below, as root, inside the sandbox; then, on the
# host, each attempt's own check says whether it got through.  A failure
# names the attempt.  doc/sandbox.md says which layer stops each one.
. "$(dirname "$0")/lib.sh"
need_root_and_namespaces

res=$(mktemp -d /tmp/whichns-test.XXXXXX)
T=wn-escape-$$-$RANDOM
AUD=wn-audit-$$-$RANDOM   # apart from $T: "write /dev/kmsg" looks for $T there
sleep 1000 & victim=$!

# What the host looks like before the case.
ifs_before=$(grep -H . /sys/class/net/*/tx_queue_len)
host_ifs=$(ls /sys/class/net | tr '\n' ' ')
shm_before=$(ipcs -m | grep -c '^0x')
msq_before=$(ipcs -q | grep -c '^0x')
swappiness=$(cat /proc/sys/vm/swappiness)
host_name=$(hostname)
shadow_lines=$(grep -c : /etc/shadow)
mknod "/tmp/$T-zero" c 1 5   # a host device node (/dev/zero's) in a folder the case overlays
# Modules the kernel could load on the process's behalf (none where the
# kernel has no module support: /proc/modules is absent, and the attempts
# below are then judged by what they did inside the sandbox).
modules() { cut -d' ' -f1 /proc/modules 2>/dev/null | sort; }
mods_before=$(modules)
new_modules() { [ -n "$(comm -13 <(echo "$mods_before") <(modules))" ]; }

# Should the sandbox ever fail, put back what an attempt could change.
restore() {
	kill "$victim" 2>/dev/null
	[ -n "${KEEP:-}" ] || rm -rf "$res"
	rm -rf "/root/$T" "/usr/local/$T" "/opt/$T" "/home/$T" "/$T" "/$T-rw" "/dev/shm/$T" "/tmp/$T-node" "/tmp/$T-zero" "/tmp/$T-rc"
	[ "$(cat /proc/sys/vm/swappiness)" = "$swappiness" ] || echo "$swappiness" > /proc/sys/vm/swappiness
	[ "$(hostname)" = "$host_name" ] || hostname "$host_name"
	echo "$ifs_before" | while IFS=: read -r f v; do
		[ "$(cat "$f" 2>/dev/null)" = "$v" ] || echo "$v" > "$f"; done
}
trap restore EXIT

names=() cmds=() musts=() reached=()
attempt() { names+=("$1"); cmds+=("$2"); musts+=("$3"); reached+=("$4"); }

# attempt NAME  WHAT-IT-RUNS-IN-THE-SANDBOX (exit 0: it worked there)  must|may (must it fail there?)  A-HOST-CHECK-THAT-IS-TRUE-WHEN-IT-REACHED-THE-HOST
# (the first two must run before the switch at 1500 ms: they lay links for whichns's own switch and copies to follow)
attempt "the switch follows a link out" "rm -f /etc/resolv.conf && ln -s /tmp/$T-rc /etc/resolv.conf" may "[ -e /tmp/$T-rc ]"
attempt "the evidence copies a host file" "rm -f /etc/nsswitch.conf && ln -s /etc/shadow /etc/nsswitch.conf" may "grep -q '^root:' $res/latest-exec/001-exec/nsswitch.conf && ! grep -q whichns-masked $res/latest-exec/001-exec/nsswitch.conf"
attempt "a case descriptor via /proc"  "for f in /proc/[0-9]*/fd/*; do [ -d \"\$f/\" ] && touch \"\$f/$T-fd\"; done; exit 1" may "find $res -name $T-fd | grep -q ."
attempt "read the caller's environment" "tr '\\0' '\\n' < /proc/1/environ | grep -q '^WNESC_ENV='"  must false
attempt "a host device node in /tmp"  "[ \$(head -c 1 /tmp/$T-zero | wc -c) -eq 1 ]"       must false
attempt "write /root"                 "touch /root/$T"                                    may  "[ -e /root/$T ]"
attempt "write /usr/local"            "mkdir /usr/local/$T"                               may  "[ -e /usr/local/$T ]"
attempt "write /opt"                  "mkdir /opt/$T"                                     may  "[ -e /opt/$T ]"
attempt "write /home"                 "mkdir /home/$T"                                    may  "[ -e /home/$T ]"
attempt "write /"                     "touch /$T"                                         may  "[ -e /$T ]"
attempt "remount / read-write"        "mount -o remount,rw / && touch /$T-rw"             must "[ -e /$T-rw ]"
attempt "write tx_queue_len"          "for i in /sys/class/net/* $host_ifs; do echo 4242 > /sys/class/net/\${i##*/}/tx_queue_len && exit 0; done; exit 1" must '[ "$(grep -H . /sys/class/net/*/tx_queue_len)" != "$ifs_before" ]'
attempt "ipcmk -M survives the case"  "ipcmk -M 4096"                                     may  "[ \$(ipcs -m | grep -c '^0x') -ne $shm_before ]"
attempt "ipcmk -Q survives the case"  "ipcmk -Q"                                          may  "[ \$(ipcs -q | grep -c '^0x') -ne $msq_before ]"
attempt "a /dev/shm file survives"    "touch /dev/shm/$T"                                 may  "[ -e /dev/shm/$T ]"
attempt "write /dev/kmsg"             "echo $T > /dev/kmsg"                               must "dmesg | grep -q $T"
attempt "read /etc/shadow"            "awk -F: '\$2 != \"!whichns-masked\"' /etc/shadow | grep -q ." must "[ $shadow_lines -eq 0 ]"
attempt "create a device node"        "mknod /tmp/$T-node c 1 3"                          must "[ -e /tmp/$T-node ]"
attempt "load a module"               "perl -e 'syscall(175, \"x\" x 64, 64, \"\"); exit(\$!{EPERM} ? 1 : 0)'" must false
attempt "add a key to root's keyring" "perl -e 'syscall(248, \"user\", \"$T\", \"x\", 1, -4); exit(\$!{EPERM} ? 1 : 0)'" must false
attempt "write a host sysctl"         "echo $((swappiness + 1)) > /proc/sys/vm/swappiness" must "[ \$(cat /proc/sys/vm/swappiness) -ne $swappiness ]"
attempt "kill a host process"         "kill -9 $victim"                                   must "! kill -0 $victim"
attempt "write the results folder"    "touch $res/$T"                                     may  "[ -e $res/$T ]"
attempt "set the host name"           "hostname $T"                                       may  '[ "$(hostname)" != "$host_name" ]'
attempt "set the clock (to its time)"  'date -s "@$(date +%s)"'                           must false
# The kernel's audit log is the host's: no CAP_AUDIT_WRITE, no audit socket.
attempt "keep CAP_AUDIT_WRITE"        "perl -ne 'exit(hex(\$1) & (1 << 29) ? 0 : 1) if /^CapBnd:\\s+(\\S+)/' /proc/self/status" must false
attempt "write the audit log"         "perl -e 'socket(my \$s, 16, 3, 9) or exit 1; my \$m = \"$AUD\"; send(\$s, pack(\"LSSLL\", 16 + length \$m, 1107, 5, 1, 0) . \$m, 0) or exit 1; recv(\$s, my \$b, 4096, 0); my @a = unpack(\"LSSLLl\", \$b); exit(\$a[1] == 2 && \$a[5] ? 1 : 0)'" must "dmesg | grep -q $AUD"
# Module loads on the process's behalf (socket families and protocols
# the kernel asks modprobe for, tty line disciplines), and user
# namespaces (file system modules).  Each must fail inside, whether or not
# this kernel has the module.
attempt "a socket of another family"  "perl -e 'for (38, 40, 44, 30, 21, 41, 31, 3) { exit 0 if syscall(41, \$_, 1, 0) >= 0 || !\$!{EAFNOSUPPORT} } exit 1'" must new_modules
attempt "SCTP, DCCP, UDP-Lite, MPTCP" "perl -e 'for ([2, 1, 132], [10, 5, 132], [2, 6, 33], [2, 5, 0], [2, 2, 136], [10, 2, 136], [2, 1, 262], [2, 3, 0]) { exit 0 if syscall(41, @\$_) >= 0 || !\$!{EPROTONOSUPPORT} && !\$!{ESOCKTNOSUPPORT} } exit 1'" must new_modules
attempt "netlink audit, netfilter, diag" "perl -e 'for (9, 12, 4, 16, 6) { exit 0 if syscall(41, 16, 3, \$_) >= 0 } exit 1'" must new_modules
attempt "a socketpair of another family" "perl -e 'my \$sv = pack(\"ii\", -1, -1); exit(syscall(53, 40, 1, 0, \$sv) >= 0 || !\$!{EAFNOSUPPORT} ? 0 : 1)'" must new_modules
attempt "set a tty line discipline"   "perl -e 'open(my \$f, \"+<\", \"/dev/ptmx\") or exit 1; my \$d = pack(\"i\", 0); exit(ioctl(\$f, 0x5423, \$d) ? 0 : 1)'" must new_modules
attempt "unshare a user namespace"    "perl -e 'exit(syscall(272, 0x10000000) == 0 ? 0 : 1)'" must false
attempt "clone a user namespace"      "perl -e 'my \$r = syscall(56, 0x10000011, 0, 0, 0, 0); exit 0 if \$r == 0; exit(\$r > 0 ? 0 : 1)'" must false
attempt "clone3 a user namespace"     "perl -e 'my \$a = pack(\"Q8\", 0x10000000, 0, 0, 0, 17, 0, 0, 0); my \$r = syscall(435, \$a, 64); exit 0 if \$r == 0; exit(\$r > 0 ? 0 : 1)'" must false
# io_uring makes the calls above (IORING_OP_SOCKET: any socket, an audit
# one included) out of the filter's sight: io_uring_setup must fail with
# ENOSYS, as where the kernel has no io_uring (exit 0: anything else).
attempt "set up an io_uring"          "perl -e 'my \$p = \"\\0\" x 120; my \$r = syscall(425, 8, \$p); exit(\$r < 0 && \$!{ENOSYS} ? 1 : 0)'" must false
# Limits: files of any size on the host's results file system; cores.
attempt "no limit on a file's size"   '[ "$(ulimit -H -f)" = unlimited ]'                 must false
attempt "core files"                  '[ "$(ulimit -H -c)" != 0 ]'                        must false

# What the filter must let through: threads and posix_spawn (glibc tries
# clone3 first, then clone), and the sockets daemons use (a ping socket
# may be refused by the namespace's ping_group_range: EACCES).
works=() wcmds=()
still() { works+=("$1"); wcmds+=("$2"); }
still "threads and posix_spawn"  "/usr/bin/python3 -c 'import threading, os; t = threading.Thread(target=print); t.start(); t.join(); p = os.posix_spawn(\"/bin/true\", [\"true\"], {}); os._exit(os.waitpid(p, 0)[1])'"
still "the sockets daemons use"  "perl -e 'for ([1, 1, 0], [1, 2, 0], [2, 1, 0], [2, 1, 6], [2, 2, 0], [2, 2, 17], [10, 1, 6], [10, 2, 17], [2, 2, 1], [10, 2, 58], [2, 3, 1], [10, 3, 58], [16, 3, 0], [16, 2, 15], [17, 3, 768], [2, 0x80801, 0]) { exit 1 if syscall(41, @\$_) < 0 && !\$!{EACCES} } exit 0'"
still "a Unix socketpair"        "perl -e 'my \$sv = pack(\"ii\", -1, -1); exit(syscall(53, 1, 1, 0, \$sv) == 0 ? 0 : 1)'"

script="getent hosts hat.com >/dev/null"
for c in "${cmds[@]}"; do
	script+="; ( $c ) >/dev/null 2>&1; echo \"attempt \$?\""
done
for c in "${wcmds[@]}"; do
	script+="; ( $c ) >/dev/null 2>&1; echo \"works \$?\""
done
script+="; echo attempts-done; getent hosts hat.com >/dev/null; sleep 30"

WNESC_ENV=$T-secret "$W" exec -q --results "$res" --switch-at 1500ms --window 1s --timeout 10s \
	-- /bin/sh -c "$script" >/dev/null 2>"$res/err"
is "$?" 0 "the case with every escape attempt ran"
out="$res/latest-exec/001-exec/process.out"
grep -q attempts-done "$out"; ok $? "every attempt ran to its end inside the case"

mapfile -t rcs < <(awk '$1 == "attempt" { print $2 }' "$out")
for i in "${!names[@]}"; do
	if eval "${reached[$i]}"; then
		ok 1 "${names[$i]}: reached the host"
	elif [ "${musts[$i]}" = must ] && [ "${rcs[$i]:-0}" -eq 0 ]; then
		ok 1 "${names[$i]}: worked inside the sandbox, and must not"
	else
		ok 0 "${names[$i]}: did not reach the host"
	fi
done

mapfile -t wrcs < <(awk '$1 == "works" { print $2 }' "$out")
for i in "${!works[@]}"; do
	is "${wrcs[$i]:-none}" 0 "${works[$i]}: still work inside the sandbox"
done

# Asked for, the secrets are shown as they are: the same lines as the host's.
"$W" exec -q --results "$res/secrets" --secrets --switch-at 300ms --window 300ms \
	-- /bin/sh -c 'getent hosts hat.com >/dev/null; sha256sum < /etc/shadow; sleep 30' \
	>/dev/null 2>&1
is "$(cut -d' ' -f1 "$res/secrets/latest-exec/001-exec/process.out")" \
   "$(sha256sum < /etc/shadow | cut -d' ' -f1)" "--secrets: the process reads the host's /etc/shadow"

# Past the size limit a write of the process fails and SIGXFSZ ends it
# (its stderr, process.err, is its own file); its stdout, which whichns
# reads and keeps in process.out, is cut at the same size.  The report
# says which.
big_case() {   # NAME COMMAND
	"$W" exec -q --results "$res/$1" --switch-at 30s --window 300ms -- /bin/sh -c \
		"getent hosts hat.com >/dev/null; $2" >/dev/null 2>&1
	big="$res/$1/latest-exec/001-exec"
}
big_case big-err "exec head -c $(((256 + 8) << 20)) /dev/zero >&2"
is "$(stat -c %s "$big/process.err" 2>&1)" $((256 << 20)) "the process's stderr stops at 256 MiB"
grep -q 'process exit: killed by signal 25, SIGXFSZ, during the case: a file it wrote' "$big/report.md"; ok $? "report.md says SIGXFSZ ended the process"
rm -f "$big/process.err"
big_case big-out "head -c $(((256 + 8) << 20)) /dev/zero; echo still-running >&2; sleep 1"
is "$(stat -c %s "$big/process.out" 2>&1)" $((256 << 20)) "process.out stops at 256 MiB"
grep -q '^still-running' "$big/process.err"; ok $? "the process goes on after its stdout is cut"
grep -q 'process.out: cut at 256 MiB' "$big/report.md"; ok $? "report.md says process.out was cut"
rm -f "$big/process.out"

# The two dnsmasq parse every packet the process sends: once bound, they
# run as an unprivileged user with no capability (harness/topo.c).
"$W" exec -q --results "$res/dns" --switch-at 2s --window 300ms -- /bin/sh -c \
	'while :; do getent hosts hat.com >/dev/null; sleep 0.2; done' >/dev/null 2>&1 &
exec_pid=$!
dns=""
for _ in $(seq 50); do
	dns=$(pgrep -f -- "--log-facility=$res/dns/" | tr '\n' ' ')
	[ "$(echo $dns | wc -w)" -ge 2 ] && break
	sleep 0.1
done
dns_users=$(for p in $dns; do ps -o user= -p "$p"; done | sort -u | tr '\n' ' ')
dns_caps=$(for p in $dns; do awk '/^CapEff/ { print $2 }' "/proc/$p/status"; done | sort -u | tr '\n' ' ')
wait "$exec_pid"
is "$(echo $dns | wc -w)" 2 "both dnsmasq seen while the case ran"
ok "$([ -n "$dns_users" ] && ! echo "$dns_users" | grep -qw root; echo $?)" "dnsmasq runs as an unprivileged user (${dns_users:-none})"
is "$dns_caps" "0000000000000000 " "dnsmasq holds no capability"

echo "# results in $res"
is "$(leftovers)" "" "nothing left behind"
done_testing
