#!/usr/bin/env bash
# resolved-probe.sh - can systemd-resolved serve as a local stub in fresh
# namespaces, with no systemd as PID 1 and no D-Bus?  The measurements
# behind doc/resolved.md, outside whichns, step by step, each with its
# output.
#
#   scripts/resolved-probe.sh TREE [OUTDIR]
#
# TREE: a root filesystem with Debian's systemd-resolved and dbus
# (scripts/mkrootfs.sh trixie-resolved or bookworm-resolved).  Everything
# runs in network, mount, PID, UTS and IPC namespaces of its own (unshare),
# with documentation addresses only: two dnsmasq (198.51.100.10 answering
# 203.0.113.10, 198.51.100.20 answering 203.0.113.20) in a namespace of
# their own, linked by veth; the tree is bound read-only, resolved gets a
# tmpfs /run, /tmp and /dev and its settings as a drop-in on its /run.
# Steps: 1 resolved starts as root and drops to systemd-resolve, listens
# on 127.0.0.53; 2 a lookup through it reaches the old server; 3 resolvectl
# without a bus; 4 DNS= changed and SIGHUP (a reload since systemd 256;
# older ones end), else a restart; 5 a private system bus (dbus-daemon in
# the tree), resolved started again on it, resolvectl dns on the link
# (the old server, beside the global new one); 6 the upstream queries as
# tshark reads them from the capture (OUTDIR/probe.pcap).
# Exit: 0 the steps ran (their output says what happened), 2 usage, 3 not
# root or a tool missing.
set -uo pipefail

usage() { echo "usage: scripts/resolved-probe.sh TREE [OUTDIR]" >&2; exit 2; }
(($# >= 1 && $# <= 2)) || usage
TREE=$(readlink -f -- "$1") || usage
OUT=${2:-$(mktemp -d /tmp/resolved-probe.XXXXXX)}
[[ -x $TREE/lib/systemd/systemd-resolved ]] ||
    { echo "resolved-probe: $TREE has no /lib/systemd/systemd-resolved (scripts/mkrootfs.sh trixie-resolved)" >&2; exit 2; }
((EUID == 0)) || { echo "resolved-probe: must run as root (namespaces, mounts)" >&2; exit 3; }
for t in unshare nsenter ip dnsmasq dumpcap tshark; do
    command -v "$t" >/dev/null || { echo "resolved-probe: $t not found" >&2; exit 3; }
done
mkdir -p -- "$OUT"

if [[ ${RESOLVED_PROBE_INSIDE:-} != 1 ]]; then
    RESOLVED_PROBE_INSIDE=1 exec unshare -n -m -p -f -u -i --mount-proc -- "$0" "$TREE" "$OUT"
fi

step() { printf '\n== %s\n' "$*"; }
in_tree() { env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C chroot "$TREE" "$@"; }
dropin() { # ADDR: resolved's settings
    printf '[Resolve]\nDNS=%s\nFallbackDNS=\nLLMNR=no\nMulticastDNS=no\nDNSSEC=no\nDNSOverTLS=no\n' "$1" \
        >"$TREE/run/systemd/resolved.conf.d/probe.conf"
}
listening() { grep -q ' 3500007F:0035 ' /proc/net/udp; }
start_resolved() {
    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin SYSTEMD_LOG_LEVEL=debug SYSTEMD_LOG_TARGET=console \
        chroot "$TREE" /lib/systemd/systemd-resolved >>"$OUT/resolved.log" 2>&1 &
    RS=$!
    for _ in $(seq 50); do listening && return 0; sleep 0.1; done
    echo "resolved did not listen on 127.0.0.53:53 within 5 s"
}

mount --make-rprivate /
ip link set lo up
unshare -n sleep 600 & SRV=$!
sleep 0.2
ip link add eth0 type veth peer name srv0
ip link set srv0 netns "$SRV"
ip addr add 198.51.100.2/24 dev eth0
ip link set eth0 up
nsenter -t "$SRV" -n sh -c 'ip link set lo up; ip addr add 198.51.100.10/24 dev srv0;
    ip addr add 198.51.100.20/24 dev srv0; ip link set srv0 up'
for s in 10 20; do
    nsenter -t "$SRV" -n dnsmasq -k --conf-file=/dev/null --no-resolv --no-hosts \
        --listen-address=198.51.100.$s --bind-interfaces --address=/hat.com/203.0.113.$s \
        --log-queries --log-facility="$OUT/dnsmasq-$s.log" --pid-file= --user=nobody &
done
dumpcap -q -i any -f 'port 53' -w "$OUT/probe.pcap" 2>"$OUT/dumpcap.err" & CAP=$!
mount --bind "$TREE" "$TREE" && mount -o remount,bind,ro "$TREE"
mount -t proc proc "$TREE/proc"
for d in run tmp dev; do mount -t tmpfs tmpfs "$TREE/$d"; done
for n in null zero full random urandom; do : >"$TREE/dev/$n"; mount --bind "/dev/$n" "$TREE/dev/$n"; done
mkdir -p "$TREE/run/systemd/resolved.conf.d"
sleep 0.5

step "1. systemd-resolved as root, no systemd as PID 1, no D-Bus ($(in_tree /lib/systemd/systemd-resolved --version | head -n 1))"
dropin 198.51.100.10
start_resolved
ss -lnup | grep -E 'State|:53 '
grep -E '^(Uid|CapEff)' "/proc/$RS/status"
grep -E 'bus-api-resolve: changing state' "$OUT/resolved.log"

step "2. a lookup through the stub (the tree's /etc/resolv.conf: $(readlink "$TREE/etc/resolv.conf"))"
grep '^nameserver' "$TREE/run/systemd/resolve/stub-resolv.conf"
in_tree getent ahostsv4 one.hat.com | head -n 1

step "3. resolvectl without a bus"
in_tree resolvectl dns eth0 198.51.100.20; echo "exit $?"

step "4. DNS=198.51.100.20, then SIGHUP"
dropin 198.51.100.20
kill -HUP "$RS"
sleep 1
if kill -0 "$RS" 2>/dev/null; then
    grep -E 'Config file reloaded|Flushed all caches' "$OUT/resolved.log"
else
    wait "$RS"; echo "resolved ended with status $? (128+1: SIGHUP)"
    echo "restarting it with the new settings"
    start_resolved
fi
in_tree getent ahostsv4 two.hat.com | head -n 1

step "5. a private system bus: dbus-daemon from the tree, resolved restarted onto it, then resolvectl"
mkdir -p "$TREE/run/dbus"
in_tree dbus-daemon --system --fork --nopidfile; echo "dbus-daemon exit $?"
for _ in $(seq 30); do [[ -S $TREE/run/dbus/system_bus_socket ]] && break; sleep 0.1; done
# A resolved already waiting for the bus may connect in the moment
# between the socket's creation and its chmod, get EACCES and close its
# bus for good (systemd's socket unit makes the socket before resolved
# runs): so resolved starts again, the bus there already.
grep -E 'Processing of bus failed' "$OUT/resolved.log"
kill "$RS"; wait "$RS" 2>/dev/null
seen=$(wc -l <"$OUT/resolved.log")
start_resolved
for _ in $(seq 30); do
    tail -n "+$((seen + 1))" "$OUT/resolved.log" | grep -m 1 'changing state HELLO → RUNNING' && break
    sleep 0.1
done
in_tree resolvectl dns eth0 198.51.100.10; echo "resolvectl dns eth0 198.51.100.10: exit $?"
in_tree resolvectl status | grep -E 'DNS Server|Link|Global'
in_tree getent ahostsv4 three.hat.com | head -n 1

sleep 0.3
kill "$CAP"; wait "$CAP" 2>/dev/null
step "6. the upstream queries on the wire (tshark -r $OUT/probe.pcap)"
tshark -r "$OUT/probe.pcap" -Y 'dns.flags.response == 0 && ip.src == 198.51.100.2' \
    -T fields -e ip.dst -e dns.qry.name -e dns.qry.type 2>/dev/null
echo
echo "resolved's log: $OUT/resolved.log; capture: $OUT/probe.pcap"
