#!/usr/bin/env bash
# The process under test cannot change the host.  One "whichns exec" runs
# every escape attempt below, as root, inside the sandbox; then, on the
# host, each attempt's own check says whether it got through.  A failure
# names the attempt.  doc/sandbox.md says which layer stops each one.
. "$(dirname "$0")/lib.sh"
need_root_and_namespaces

res=$(mktemp -d /tmp/whichns-test.XXXXXX)
T=wn-escape-$$-$RANDOM
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

script="getent hosts hat.com >/dev/null"
for c in "${cmds[@]}"; do
	script+="; ( $c ) >/dev/null 2>&1; echo \"attempt \$?\""
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

# Asked for, the secrets are shown as they are: the same lines as the host's.
"$W" exec -q --results "$res/secrets" --secrets --switch-at 300ms --window 300ms \
	-- /bin/sh -c 'getent hosts hat.com >/dev/null; sha256sum < /etc/shadow; sleep 30' \
	>/dev/null 2>&1
is "$(cut -d' ' -f1 "$res/secrets/latest-exec/001-exec/process.out")" \
   "$(sha256sum < /etc/shadow | cut -d' ' -f1)" "--secrets: the process reads the host's /etc/shadow"

echo "# results in $res"
is "$(leftovers)" "" "nothing left behind"
done_testing
