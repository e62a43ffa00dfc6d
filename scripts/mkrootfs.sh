#!/usr/bin/env bash
# mkrootfs.sh - build and cache the Debian root filesystems whichns chroots
# into to run probes under other glibc versions (see doc/design.md, "C
# libraries and root filesystems").
#
#   scripts/mkrootfs.sh [--cache DIR] [--list] [--force] SUITE...
#   scripts/mkrootfs.sh --recipe SUITE...   (each suite's recipe line: what
#                                            decides reuse; a CI cache key)
#
# Each SUITE (bullseye, bookworm, trixie, sid, or "all"; or bookworm-zoo) becomes
# CACHE/SUITE, built with
#   debootstrap --variant=minbase --include=gcc,libc6-dev,nscd,sendmail-bin
# from http://deb.debian.org/debian.  A finished tree carries
# CACHE/SUITE/.whichns-stamp (the recipe and the glibc version); a tree whose
# recipe matches is reused at once, one whose recipe differs is "stale" and
# rebuilt.  Builds go to CACHE/SUITE.tmp-PID and are renamed into place only
# when complete, so an interrupted build never looks finished.  The
# debootstrap output of the last build is CACHE/SUITE.log.
#
# bookworm-resolved and trixie-resolved (not part of "all") are the trees of
# the systemd-resolved stub (doc/resolved.md): the suite with gcc, libc6-dev
# and nscd, then systemd-resolved and dbus installed the same way (systemd 252
# and 257; nothing of them runs in the tree: a case starts resolved itself).
#
# bookworm-zoo (not part of "all") is the tree of the daemon and runtime zoo
# (fixtures/scenarios/zoo.scn, doc/zoo.md): debootstrap of bookworm with gcc,
# libc6-dev and nscd (no sendmail-bin: it conflicts with postfix), then
# "apt-get install --no-install-recommends" of ZOO_PKGS inside the tree, with
# services still refused by policy-rc.d.  Its recipe line names the base suite
# and the extra packages; the four plain suites' recipes do not change.
#
# Services: debootstrap runs in two stages (--foreign, then --second-stage
# inside the chroot) so that our /usr/sbin/policy-rc.d (exit 101) is in place
# before any package is configured; the finished tree keeps one, so a later
# apt-get inside the chroot starts no service either.  Processes found running
# with their root inside a tree being built are killed; nothing else is.
#
# Concurrency: each suite has a lock file CACHE/SUITE.lock (flock); a second
# instance waits for the first and then finds the tree ready.  Programs using
# a tree may take a shared lock on it (flock -s) to keep it from being
# rebuilt underneath them.
#
# Exit status: 0 all ready; 1 a build failed; 2 bad usage; 3 the environment
# can't do it (not root, debootstrap missing, archive unreachable, tree in
# use).

# SC2016: the ${...} in single quotes are dpkg-query formats and scripts run
# inside the chroot, not meant to expand here.
# shellcheck disable=SC2016

set -euo pipefail

readonly PROG=mkrootfs
# Bump when anything below that changes the contents of a tree changes: every
# cached tree then becomes stale and is rebuilt.
readonly RECIPE_VERSION=1
readonly MIRROR=http://deb.debian.org/debian
readonly VARIANT=minbase
readonly SUITES=(bullseye bookworm trixie sid)
# Trees with more than a suite: the Debian suite they are made from, and the
# packages apt-get installs on top (not part of "all").
readonly EXTRA_SUITES=(bookworm-zoo bookworm-resolved trixie-resolved)
declare -A BASE_SUITE=([bookworm-zoo]=bookworm [bookworm-resolved]=bookworm [trixie-resolved]=trixie)
declare -A EXTRA_PKGS=([bookworm-zoo]="apache2 postfix nginx nodejs python3 python3-dnspython golang-go openjdk-17-jdk-headless libc-ares-dev libcurl4-openssl-dev curl"
                       [bookworm-resolved]="systemd-resolved dbus" [trixie-resolved]="systemd-resolved dbus")
# The optional packages of such a tree (sendmail-bin conflicts with postfix).
declare -A EXTRA_OPTIONAL=([bookworm-zoo]="nscd" [bookworm-resolved]="nscd" [trixie-resolved]="nscd")
# Always needed: probes are compiled inside the tree.
readonly REQUIRED_PKGS=(gcc libc6-dev)
# Wanted by later experiments; left out (and recorded) where a suite lacks them.
readonly OPTIONAL_PKGS=(nscd sendmail-bin)
readonly STAMP_NAME=.whichns-stamp
# Seconds a first build took here; only used for the progress message.
declare -A ESTIMATE=([bullseye]=75 [bookworm]=75 [trixie]=75 [sid]=75 [bookworm-zoo]=600
                     [bookworm-resolved]=120 [trixie-resolved]=120)

CHROOT_ENV=(env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C
            DEBIAN_FRONTEND=noninteractive DEBCONF_NONINTERACTIVE_SEEN=true)

usage() {
    cat <<EOF
Usage: scripts/mkrootfs.sh [--cache DIR] [--list] [--force] SUITE...

Build (or reuse) Debian root filesystems for whichns, one per SUITE:
bullseye (glibc 2.31), bookworm (2.36), trixie (2.41), sid; "all" means all four.
Each is debootstrap --variant=$VARIANT with ${REQUIRED_PKGS[*]} ${OPTIONAL_PKGS[*]}
from $MIRROR.

  --cache DIR  where the trees live (default \${WHICHNS_CACHE:-/var/cache/whichns}/rootfs,
               now $DEFAULT_CACHE)
  --list       print each suite's state (ready/missing/stale) and glibc version
  --force      rebuild even if the tree is ready
  --recipe     print each suite's recipe line (what decides whether a cached
               tree is reused) and exit: a key for a CI cache of the trees
  -h, --help   this text

Progress goes to stderr; debootstrap's output to CACHE/SUITE.log.
Exit: 0 ready, 1 a build failed, 2 bad usage, 3 environment (not root,
no debootstrap, archive unreachable, tree in use).
EOF
}

die() { # die STATUS MESSAGE
    local status=$1
    shift
    printf '%s: %s\n' "$PROG" "$*" >&2
    exit "$status"
}

note() { printf '%s: %s\n' "$PROG" "$*" >&2; }

# ---------------------------------------------------------------- recipe

# Packages debootstrap is asked for, in order.
wanted_pkgs() { # [SUITE]
    if [[ -n ${1:-} && -n ${BASE_SUITE[$1]:-} ]]; then
        # shellcheck disable=SC2086 # a list of words
        printf '%s\n' "${REQUIRED_PKGS[@]}" ${EXTRA_OPTIONAL[$1]}
    else
        printf '%s\n' "${REQUIRED_PKGS[@]}" "${OPTIONAL_PKGS[@]}"
    fi
}

# The Debian suite a tree is made from.
base_suite() { printf '%s\n' "${BASE_SUITE[$1]:-$1}"; }

# The one line that decides whether a cached tree is current.  Packages left
# out because a suite lacks them don't change it: the recipe asks for them.
recipe_line() { # SUITE
    local pkgs
    pkgs=$(wanted_pkgs "$1" | paste -sd, -)
    printf 'v%s suite=%s variant=%s mirror=%s packages=%s' \
        "$RECIPE_VERSION" "$1" "$VARIANT" "$MIRROR" "$pkgs"
    if [[ -n ${BASE_SUITE[$1]:-} ]]; then
        printf ' base=%s extra=%s' "${BASE_SUITE[$1]}" "${EXTRA_PKGS[$1]// /,}"
    fi
    printf '\n'
}

stamp_get() { # FILE KEY
    [[ -r $1 ]] || return 0
    awk -v k="$2" 'index($0, k "=") == 1 { print substr($0, length(k) + 2); exit }' "$1"
}

# ready | missing | stale
suite_state() { # SUITE
    local dir=$CACHE/$1 stamp=$CACHE/$1/$STAMP_NAME
    if [[ ! -e $dir && ! -L $dir ]]; then
        echo missing
    elif [[ -f $stamp && $(stamp_get "$stamp" recipe) == "$(recipe_line "$1")" &&
            (-e $dir/usr/bin/gcc || -L $dir/usr/bin/gcc) ]]; then
        echo ready
    else
        echo stale
    fi
}

# ---------------------------------------------------------------- safety

# Mount points at or below DIR, as this process sees them.
mounts_under() { # DIR
    local dir=$1 _dev mnt _rest
    while read -r _dev mnt _rest; do
        printf -v mnt '%b' "$mnt" # /proc/mounts escapes blanks as \040
        if [[ $mnt == "$dir" || $mnt == "$dir"/* ]]; then
            printf '%s\n' "$mnt"
        fi
    done </proc/self/mounts
}

unmount_under() { # DIR
    local pass m
    for pass in 1 2 3; do
        local -a ms=()
        mapfile -t ms < <(mounts_under "$1" | sort -r)
        ((${#ms[@]})) || return 0
        for m in "${ms[@]}"; do
            umount -- "$m" 2>/dev/null || umount -l -- "$m" 2>/dev/null || true
        done
        : "$pass"
    done
}

# PIDs of processes whose root directory is DIR or below it.
pids_inside() { # DIR
    local dir=$1 root pdir
    while IFS=$'\t' read -r root pdir; do
        root=${root% (deleted)}
        if [[ $root == "$dir" || $root == "$dir"/* ]]; then
            printf '%s\n' "${pdir#/proc/}"
        fi
    done < <(find /proc -mindepth 2 -maxdepth 2 -name root -printf '%l\t%h\n' 2>/dev/null)
}

describe_pids() { # PID...
    local p
    for p; do
        printf '%s(%s) ' "$p" "$(tr -d '\n' 2>/dev/null <"/proc/$p/comm" || echo gone)"
    done
}

# Kill every process running inside DIR; prints what it killed.
kill_inside() { # DIR
    local -a pids=()
    local i
    mapfile -t pids < <(pids_inside "$1")
    ((${#pids[@]})) || return 0
    describe_pids "${pids[@]}"
    kill -TERM "${pids[@]}" 2>/dev/null || true
    for i in 1 2 3 4 5 6 7 8 9 10; do
        mapfile -t pids < <(pids_inside "$1")
        ((${#pids[@]})) || return 0
        sleep 0.5
        : "$i"
    done
    kill -KILL "${pids[@]}" 2>/dev/null || true
    sleep 0.5
}

# Remove a tree we own: stop what runs in it, unmount what is mounted in it,
# and never rm through a mount point.
safe_remove() { # DIR
    local dir=$1 killed left
    [[ -e $dir || -L $dir ]] || return 0
    killed=$(kill_inside "$dir")
    [[ -z $killed ]] || note "killed processes left running in $dir: $killed"
    unmount_under "$dir"
    left=$(mounts_under "$dir" | paste -sd' ' -)
    if [[ -n $left ]]; then
        note "not removing $dir: still mounted: $left"
        return 1
    fi
    rm -rf --one-file-system -- "$dir"
}

# ---------------------------------------------------------------- cleanup

CUR_TMP=''   # tree being built, removed unless renamed into place
CUR_PGID=''  # process group of the running debootstrap stage
CUR_LOG=''
lockfd=''    # flock fd of the suite being built

stop_stage() {
    [[ -n $CUR_PGID ]] || return 0
    kill -TERM -- "-$CUR_PGID" 2>/dev/null || true
    local i
    for i in 1 2 3 4 5 6 7 8 9 10; do
        kill -0 -- "-$CUR_PGID" 2>/dev/null || break
        sleep 0.5
        : "$i"
    done
    kill -KILL -- "-$CUR_PGID" 2>/dev/null || true
    wait "$CUR_PGID" 2>/dev/null || true
    CUR_PGID=''
}

# Keep debootstrap's own detailed log (it lives inside the tree) in ours.
save_inner_log() {
    local inner=$CUR_TMP/debootstrap/debootstrap.log
    if [[ -n $CUR_TMP && -n $CUR_LOG && -f $inner ]]; then
        { echo "=== $inner"; cat "$inner"; echo "=== end of $inner"; } >>"$CUR_LOG" 2>/dev/null || true
        rm -f -- "$inner"
    fi
}

# Idempotent: runs after each suite, at exit and on a signal.
cleanup() {
    stop_stage
    if [[ -n $CUR_TMP ]]; then
        save_inner_log
        safe_remove "$CUR_TMP" || note "left $CUR_TMP behind; remove it by hand once nothing is mounted in it"
        CUR_TMP=''
    fi
}

# shellcheck disable=SC2317 # invoked by trap
on_signal() {
    trap '' INT TERM HUP
    printf '\n%s: interrupted by SIG%s, cleaning up\n' "$PROG" "$1" >&2
    [[ -z $CUR_LOG ]] || echo "=== interrupted by SIG$1" >>"$CUR_LOG" 2>/dev/null || true
    cleanup
    case $1 in INT) exit 130 ;; HUP) exit 129 ;; *) exit 143 ;; esac
}

# Run one debootstrap stage in its own process group (so cleanup can stop it
# and everything it started), output appended to the log.  Returns its status.
run_stage() { # COMMAND...
    # The lock fd is not passed on: a daemon that escaped would hold it forever.
    setsid "$@" >>"$CUR_LOG" 2>&1 </dev/null {lockfd}>&- &
    CUR_PGID=$!
    local rc=0
    wait "$CUR_PGID" || rc=$?
    CUR_PGID=''
    return "$rc"
}

# ---------------------------------------------------------------- build

SUITE='' T0=0

step() { printf '[%s] +%d s %s\n' "$SUITE" $((SECONDS - T0)) "$*" >&2; }

show_tail() {
    printf '%s: last lines of %s:\n' "$PROG" "$CUR_LOG" >&2
    tail -n 15 "$CUR_LOG" | sed 's/^/  | /' >&2
}

# The reason a download failed, from wget or debootstrap output in the log.
net_reason() {
    grep -E "^E: (Failed getting release|Couldn't download)|unable to resolve|failed: |ERROR [0-9]+|Connection|timed out" "$CUR_LOG" |
        tail -n 1 | sed -E 's/^[0-9-]+ [0-9:]+ //; s/^E: //; s/^failed: //; s/\.$//'
}

unreachable() { # REASON
    printf '%s: cannot reach %s for %s: %s; see %s\n' "$PROG" "$MIRROR" "$SUITE" "$1" "$CUR_LOG" >&2
}

write_policy_rc_d() { # ROOT
    mkdir -p "$1/usr/sbin"
    printf '#!/bin/sh\n# whichns: never start services inside this tree\nexit 101\n' >"$1/usr/sbin/policy-rc.d"
    chmod 755 "$1/usr/sbin/policy-rc.d"
}

EXTRA_SECONDS=0
# apt-get install the tree's extra packages inside it (ROOT: the tree being
# built).  /proc is mounted for the maintainer scripts (Java's
# ca-certificates-java runs java) and unmounted again; policy-rc.d keeps
# every service from starting.  postfix is preseeded as a local-only
# "Internet Site": the zoo writes its own configuration into each case.
install_extra() { # ROOT
    local root=$1 t0=$SECONDS rc=0
    step "apt-get install --no-install-recommends ${EXTRA_PKGS[$SUITE]}"
    [[ -s $root/etc/resolv.conf ]] || cp -- /etc/resolv.conf "$root/etc/resolv.conf"
    mount -t proc proc "$root/proc"
    {
        echo "=== apt-get install --no-install-recommends ${EXTRA_PKGS[$SUITE]}"
        printf '%s\n' 'postfix postfix/main_mailer_type select Internet Site' \
            'postfix postfix/mailname string client.hat.com' |
            "${CHROOT_ENV[@]}" chroot "$root" debconf-set-selections
        # shellcheck disable=SC2086 # a list of words
        "${CHROOT_ENV[@]}" chroot "$root" apt-get update &&
            "${CHROOT_ENV[@]}" chroot "$root" apt-get install -y --no-install-recommends \
                ${EXTRA_PKGS[$SUITE]}
    } >>"$CUR_LOG" 2>&1 </dev/null || rc=$?
    kill_inside "$root" >/dev/null
    umount -- "$root/proc" 2>/dev/null || umount -l -- "$root/proc" 2>/dev/null || true
    EXTRA_SECONDS=$((SECONDS - t0))
    if ((rc)); then
        note "$SUITE: apt-get install of the extra packages failed with status $rc; see $CUR_LOG"
        show_tail
        return 1
    fi
    step "extra packages installed in $EXTRA_SECONDS s"
}

# Build SUITE into CACHE/SUITE.  Returns 0, 1 (build failed) or 3 (environment).
build_suite() {
    local dir=$CACHE/$SUITE tmp=$CACHE/$SUITE.tmp-$$ stamp=$CACHE/$SUITE/$STAMP_NAME
    local state estimate rc reason
    CUR_LOG=$CACHE/$SUITE.log
    T0=$SECONDS
    state=$(suite_state "$SUITE")

    # Leftovers of instances that died (we hold the lock, so none is live).
    local old
    for old in "$CACHE/$SUITE".tmp-* "$CACHE/$SUITE".old-*; do
        [[ -e $old ]] || continue
        step "removing leftover $old"
        safe_remove "$old" || return 3
    done

    if [[ $state == ready && $FORCE == 0 ]]; then
        printf '%s: ready (glibc %s), cached\n' "$SUITE" "$(stamp_get "$stamp" glibc)" >&2
        return 0
    fi

    if [[ -e $dir ]]; then
        local inuse procs
        inuse=$(mounts_under "$dir" | paste -sd' ' -)
        procs=$(pids_inside "$dir" | paste -sd' ' -)
        if [[ -n $inuse || -n $procs ]]; then
            note "$SUITE tree $dir is $state but in use (mounts: ${inuse:-none}; processes: ${procs:-none}); not rebuilding"
            return 3
        fi
        if [[ $FORCE == 1 && $state == ready ]]; then
            step "rebuilding (--force)"
        else
            step "rebuilding: $state (stamp recipe: $(stamp_get "$stamp" recipe || true))"
        fi
    fi
    estimate=$(stamp_get "$stamp" build_seconds)
    [[ $estimate =~ ^[0-9]+$ ]] || estimate=${ESTIMATE[$SUITE]}

    {
        echo "=== $PROG $SUITE build, $(date -u +%FT%TZ), pid $$"
        echo "=== recipe $(recipe_line "$SUITE")"
    } >"$CUR_LOG"

    # 1. Archive reachable?  One quick request gives a clear reason.
    local base
    base=$(base_suite "$SUITE")
    step "checking $MIRROR/dists/$base"
    if ! wget -nv -T 30 -t 2 -O /dev/null "$MIRROR/dists/$base/InRelease" >>"$CUR_LOG" 2>&1; then
        reason=$(net_reason)
        unreachable "${reason:-download of $MIRROR/dists/$base/InRelease failed}"
        return 3
    fi

    # 2. First stage: resolve, download, unpack.  A suite lacking an optional
    #    package fails fast ("Couldn't find these debs"); retry without it.
    local -a pkgs left_out=()
    local mark attempt
    mapfile -t pkgs < <(wanted_pkgs "$SUITE")
    while :; do
        CUR_TMP=$tmp
        mkdir -m 755 "$tmp"
        step "debootstrap --variant=$VARIANT --include=$(IFS=,; echo "${pkgs[*]}") $base: download and unpack (whole build takes ~$estimate s; log $CUR_LOG)"
        echo "=== debootstrap --foreign --variant=$VARIANT --include=$(IFS=,; echo "${pkgs[*]}") $base $tmp $MIRROR" >>"$CUR_LOG"
        mark=$(wc -l <"$CUR_LOG")
        rc=0
        run_stage env LC_ALL=C debootstrap --foreign --variant="$VARIANT" \
            --include="$(IFS=,; echo "${pkgs[*]}")" "$base" "$tmp" "$MIRROR" || rc=$?
        ((rc)) || break

        save_inner_log
        local missing_line p m
        local -a missing=() keep=()
        # Only this attempt's output counts.
        attempt=$(tail -n "+$((mark + 1))" "$CUR_LOG")
        missing_line=$(grep -E "^E: Couldn't find these debs:" <<<"$attempt" | tail -n 1 || true)
        read -r -a missing <<<"${missing_line#*debs:}"
        if [[ -n $missing_line ]]; then
            for p in "${pkgs[@]}"; do
                for m in "${missing[@]}"; do [[ $p == "$m" ]] && continue 2; done
                keep+=("$p")
            done
            for m in "${missing[@]}"; do
                if [[ " ${REQUIRED_PKGS[*]} " == *" $m "* || " ${pkgs[*]} " != *" $m "* ]]; then
                    note "$SUITE: required package $m is not in $SUITE; see $CUR_LOG"
                    return 1
                fi
            done
            step "not in $SUITE: ${missing[*]}; retrying without"
            left_out+=("${missing[@]}")
            pkgs=("${keep[@]}")
            safe_remove "$tmp" || return 1
            CUR_TMP=''
            continue
        fi
        reason=$(grep -E "^E: (Failed getting release|Couldn't download)" <<<"$attempt" | tail -n 1 | sed 's/^E: //' || true)
        if [[ -n $reason ]]; then
            unreachable "$reason"
            return 3
        fi
        note "$SUITE: debootstrap (first stage) failed with status $rc; see $CUR_LOG"
        show_tail
        return 1
    done

    # 3. Second stage inside the chroot: configure everything.  Services must
    #    not start: policy-rc.d goes in before any package is configured.
    write_policy_rc_d "$tmp"
    step "debootstrap --second-stage: configure packages (services disabled by policy-rc.d)"
    echo "=== chroot $tmp /debootstrap/debootstrap --second-stage" >>"$CUR_LOG"
    rc=0
    run_stage "${CHROOT_ENV[@]}" chroot "$tmp" /debootstrap/debootstrap --second-stage \
        --keep-debootstrap-dir || rc=$?
    if ((rc)); then
        note "$SUITE: debootstrap --second-stage failed with status $rc; see $CUR_LOG"
        save_inner_log
        show_tail
        return 1
    fi

    # 3b. A tree with extra packages: apt-get them inside it.
    if [[ -n ${EXTRA_PKGS[$SUITE]:-} ]]; then
        install_extra "$tmp" || return 1
    fi

    # 4. Nothing of it may stay running or mounted.
    local killed left
    killed=$(kill_inside "$tmp")
    if [[ -n $killed ]]; then
        step "killed processes left running inside the chroot: $killed"
        echo "=== killed processes left running inside the chroot: $killed" >>"$CUR_LOG"
    fi
    left=$(mounts_under "$tmp" | paste -sd' ' -)
    if [[ -n $left ]]; then
        step "unmounting what debootstrap left mounted: $left"
        unmount_under "$tmp"
    fi
    write_policy_rc_d "$tmp" # debootstrap removes its own at the end
    # The downloaded indexes go too (apt-get update inside the tree made them).
    rm -rf --one-file-system -- "$tmp/var/lib/apt/lists/"*_dists_* 2>/dev/null || true
    # dpkg's full output (maintainer scripts, policy-rc.d refusals) goes into
    # our log; the downloaded .debs go (~100 MB a tree).
    save_inner_log
    rm -rf --one-file-system -- "$tmp/debootstrap"
    "${CHROOT_ENV[@]}" chroot "$tmp" apt-get clean >>"$CUR_LOG" 2>&1 || true

    # 5. Check the result and record what it is.
    step "verifying gcc, glibc and packages"
    local ldd_line gcc_line glibc_run glibc libc6 versions status
    {
        echo "=== verification"
        "${CHROOT_ENV[@]}" chroot "$tmp" dpkg-query -W -f='${Package} ${Version} ${db:Status-Status}\n' "${pkgs[@]}" libc6
    } >>"$CUR_LOG" 2>&1 || true
    status=$("${CHROOT_ENV[@]}" chroot "$tmp" dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${pkgs[@]}" 2>/dev/null | awk '$2 != "installed" { print $1 }' | paste -sd' ' - || true)
    if [[ -n $status ]]; then
        note "$SUITE: packages not installed: $status; see $CUR_LOG"
        return 1
    fi
    versions=$("${CHROOT_ENV[@]}" chroot "$tmp" dpkg-query -W -f='${Package}=${Version} ' "${pkgs[@]}" || true)
    libc6=$("${CHROOT_ENV[@]}" chroot "$tmp" dpkg-query -W -f='${Version}' libc6 || true)
    ldd_line=$("${CHROOT_ENV[@]}" chroot "$tmp" ldd --version 2>&1 || true)
    ldd_line=${ldd_line%%$'\n'*}
    gcc_line=$("${CHROOT_ENV[@]}" chroot "$tmp" gcc --version 2>&1 || true)
    gcc_line=${gcc_line%%$'\n'*}
    # The version a compiled probe really sees, as whichns will read it.
    glibc_run=$("${CHROOT_ENV[@]}" chroot "$tmp" /bin/sh -c '
        printf "#include <stdio.h>\n#include <gnu/libc-version.h>\nint main(void){puts(gnu_get_libc_version());return 0;}\n" >/tmp/v.c &&
        gcc -o /tmp/v /tmp/v.c && /tmp/v; rc=$?; rm -f /tmp/v /tmp/v.c; exit $rc' 2>>"$CUR_LOG" || true)
    printf 'ldd: %s\ngcc: %s\ncompiled probe: glibc %s\n' "$ldd_line" "$gcc_line" "$glibc_run" >>"$CUR_LOG"
    glibc=${ldd_line##* }
    if [[ ! $glibc =~ ^[0-9]+\.[0-9]+ || $glibc_run != "$glibc" ]]; then
        note "$SUITE: can't compile and run a program in the tree (ldd says '$ldd_line', program said '$glibc_run'); see $CUR_LOG"
        show_tail
        return 1
    fi
    # The daemons later experiments run (paths resolved inside the tree:
    # /usr/sbin/sendmail is an alternatives link).
    local -a daemons=()
    local prog path
    for p in "${pkgs[@]}"; do
        case $p in
        nscd) prog=/usr/sbin/nscd ;;
        sendmail-bin) prog=/usr/sbin/sendmail ;;
        *) continue ;;
        esac
        path=$("${CHROOT_ENV[@]}" chroot "$tmp" readlink -e "$prog" 2>/dev/null || true)
        if [[ -z $path ]] || ! "${CHROOT_ENV[@]}" chroot "$tmp" test -x "$path"; then
            note "$SUITE: $p is installed but $prog is not an executable in the tree; see $CUR_LOG"
            return 1
        fi
        daemons+=("${prog##*/}=$path")
    done

    local extra_versions=''
    if [[ -n ${EXTRA_PKGS[$SUITE]:-} ]]; then
        # shellcheck disable=SC2086 # a list of words
        extra_versions=$("${CHROOT_ENV[@]}" chroot "$tmp" dpkg-query -W -f='${Package}=${Version} ' ${EXTRA_PKGS[$SUITE]} || true)
        extra_versions=${extra_versions% }
    fi
    local secs=$((SECONDS - T0)) debootstrap_version
    debootstrap_version=$(dpkg-query -W -f='${Version}' debootstrap 2>/dev/null || echo unknown)
    {
        echo "# whichns root filesystem, written by scripts/mkrootfs.sh; 'recipe' decides reuse"
        echo "recipe=$(recipe_line "$SUITE")"
        echo "recipe_version=$RECIPE_VERSION"
        echo "suite=$SUITE"
        echo "variant=$VARIANT"
        echo "mirror=$MIRROR"
        echo "packages=$(wanted_pkgs "$SUITE" | paste -sd' ' -)"
        if [[ -n ${EXTRA_PKGS[$SUITE]:-} ]]; then
            echo "base=$base"
            echo "extra=${EXTRA_PKGS[$SUITE]}"
            echo "extra_versions=$extra_versions"
            echo "extra_seconds=$EXTRA_SECONDS"
            echo "size_mb=$(du -sm --one-file-system "$tmp" | cut -f1)"
        fi
        echo "included=${pkgs[*]}"
        echo "left_out=${left_out[*]}"
        echo "versions=${versions% }"
        echo "glibc=$glibc"
        echo "libc6=$libc6"
        for prog in "${daemons[@]}"; do echo "$prog"; done
        echo "ldd=$ldd_line"
        echo "gcc=$gcc_line"
        echo "built=$(date -u +%FT%TZ)"
        echo "build_seconds=$secs"
        echo "debootstrap=$debootstrap_version"
    } >"$tmp/$STAMP_NAME"

    # 6. Into place: the old tree (stale) moves aside, the new one is renamed.
    if [[ -e $dir || -L $dir ]]; then
        if [[ -n $(mounts_under "$dir") || -n $(pids_inside "$dir") ]]; then
            note "$SUITE: $dir came into use during the build; not replacing it"
            return 3
        fi
        mv -T -- "$dir" "$CACHE/$SUITE.old-$$"
    fi
    mv -T -- "$tmp" "$dir"
    CUR_TMP=''
    safe_remove "$CACHE/$SUITE.old-$$" || true
    echo "=== done in $secs s, glibc $glibc" >>"$CUR_LOG"

    local extra=''
    ((${#left_out[@]} == 0)) || extra=" (left out, not in $SUITE: ${left_out[*]})"
    printf '[%s] done in %d s, glibc %s%s\n' "$SUITE" "$secs" "$glibc" "$extra" >&2
    return 0
}

# ---------------------------------------------------------------- list

list_suites() { # SUITE...
    local s state glibc pkgs note stamp
    printf '%-9s %-8s %-7s %-34s %s\n' SUITE STATE GLIBC PACKAGES PATH
    for s; do
        stamp=$CACHE/$s/$STAMP_NAME
        state=$(suite_state "$s")
        glibc=$(stamp_get "$stamp" glibc)
        pkgs=$(stamp_get "$stamp" included)
        note=''
        if [[ -n $(stamp_get "$stamp" left_out) ]]; then
            note=" (not in $s: $(stamp_get "$stamp" left_out))"
        fi
        if [[ -e $CACHE/$s.lock ]]; then
            flock -n -E 75 "$CACHE/$s.lock" true 2>/dev/null || [[ $? != 75 ]] || note+=" (being built now)"
        fi
        printf '%-9s %-8s %-7s %-34s %s%s\n' "$s" "$state" "${glibc:--}" "${pkgs:--}" "$CACHE/$s" "$note"
    done
}

# ---------------------------------------------------------------- main

DEFAULT_CACHE=${WHICHNS_CACHE:-/var/cache/whichns}/rootfs
CACHE=$DEFAULT_CACHE
LIST=0
FORCE=0
RECIPE=0
declare -a ARGS=()

while (($#)); do
    case $1 in
    -h | --help) usage; exit 0 ;;
    --list) LIST=1 ;;
    --force) FORCE=1 ;;
    --recipe) RECIPE=1 ;;
    --cache)
        (($# >= 2)) || die 2 "--cache needs a directory"
        CACHE=$2
        shift
        ;;
    --cache=*) CACHE=${1#--cache=} ;;
    --) shift; ARGS+=("$@"); break ;;
    -*) usage >&2; die 2 "unknown option '$1'" ;;
    *) ARGS+=("$1") ;;
    esac
    shift
done
[[ -n $CACHE ]] || die 2 "--cache needs a directory"

declare -a TODO=()
for a in "${ARGS[@]}"; do
    if [[ $a == all ]]; then
        TODO+=("${SUITES[@]}")
    elif [[ " ${SUITES[*]} ${EXTRA_SUITES[*]} " == *" $a "* ]]; then
        TODO+=("$a")
    else
        die 2 "unknown suite '$a' (known: ${SUITES[*]} ${EXTRA_SUITES[*]}, or all)"
    fi
done
# Each suite once, in the order given.
declare -A SEEN=()
declare -a UNIQUE=()
for a in "${TODO[@]}"; do
    [[ -n ${SEEN[$a]:-} ]] || UNIQUE+=("$a")
    SEEN[$a]=1
done

CACHE=$(readlink -m -- "$CACHE")

if ((RECIPE)); then
    ((${#UNIQUE[@]})) || UNIQUE=("${SUITES[@]}")
    for s in "${UNIQUE[@]}"; do recipe_line "$s"; done
    exit 0
fi
if ((LIST)); then
    ((${#UNIQUE[@]})) || UNIQUE=("${SUITES[@]}")
    list_suites "${UNIQUE[@]}"
    exit 0
fi
if ((${#UNIQUE[@]} == 0)); then
    usage >&2
    die 2 "no suite given"
fi

((EUID == 0)) || die 3 "must run as root (debootstrap and chroot need it); try: sudo $0 ${ARGS[*]}"
if ! command -v debootstrap >/dev/null; then
    [[ -x /usr/sbin/debootstrap ]] || die 3 "debootstrap not found; install it with: apt-get install debootstrap"
    PATH=$PATH:/usr/sbin
fi
for tool in wget chroot flock setsid; do
    command -v "$tool" >/dev/null || die 3 "$tool not found (apt-get install debootstrap util-linux wget coreutils)"
done

mkdir -p -- "$CACHE" || die 3 "cannot create cache directory $CACHE"
trap cleanup EXIT
trap 'on_signal INT' INT
trap 'on_signal TERM' TERM
trap 'on_signal HUP' HUP

worst=0
for SUITE in "${UNIQUE[@]}"; do
    lock=$CACHE/$SUITE.lock
    exec {lockfd}>>"$lock"
    if ! flock -n "$lockfd"; then
        printf '[%s] waiting for another mkrootfs building it (%s)\n' "$SUITE" "$lock" >&2
        flock "$lockfd"
    fi
    rc=0
    build_suite || rc=$?
    cleanup # removes the temporary tree of a failed build
    exec {lockfd}>&-
    ((rc <= worst)) || worst=$rc
done
exit "$worst"
