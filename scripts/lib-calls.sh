#!/usr/bin/env bash
# lib-calls.sh - fail when the pure library calls outside an allow-list.
#   scripts/lib-calls.sh ARCHIVE ALLOWED...
# harness/lib/ makes no system call (doc/design.md, "Layering"): every
# function libwhichns.a needs from outside itself must be one of ALLOWED
# (memory, strings, number formatting and parsing, stdio on the caller's
# streams, math; the Makefile's LIB_CALLS_OK).  Each call that is not is
# named with the object that makes it; exit 1.  Exit 2 when the archive
# cannot be read.  Spellings that are the same function are read as it:
# _FORTIFY_SOURCE's __NAME_chk and glibc's __isoc99_NAME / __isoc23_NAME;
# sanitizer and stack-protector hooks are instrumentation, not calls.
set -euo pipefail
NM=${NM:-nm}
ar=${1:?usage: lib-calls.sh ARCHIVE ALLOWED...}
shift
[ -r "$ar" ] || { echo "lib-calls: cannot read $ar" >&2; exit 2; }
defined=$("$NM" -g --defined-only "$ar" | awk 'NF >= 3 { print $3 }') ||
	{ echo "lib-calls: $NM cannot read $ar" >&2; exit 2; }
undefined=$("$NM" -A -u "$ar") ||
	{ echo "lib-calls: $NM cannot read $ar" >&2; exit 2; }

awk -v allowed="$*" -v defined="$defined" -v ar="$ar" '
BEGIN {
	n = split(allowed, a, " ");  for (i = 1; i <= n; i++) ok[a[i]] = 1
	n = split(defined, d, "\n"); for (i = 1; i <= n; i++) own[d[i]] = 1
	bad = 0
}
{
	sym = $NF
	obj = $1; sub(/:$/, "", obj); sub(/.*:/, "", obj)
	if (sym in own || sym ~ /^__(asan|ubsan|sanitizer|tsan)_/ ||
	    sym == "__stack_chk_fail")
		next
	name = sym
	sub(/^__isoc(99|23)_/, "", name)
	if (name ~ /^__.*_chk$/) { sub(/^__/, "", name); sub(/_chk$/, "", name) }
	if (name in ok)
		next
	printf "%s: %s calls %s, outside the allow-list of the pure library " \
	       "(no system calls in harness/lib/): move the call to harness/, " \
	       "or, if it makes no system call, add it to LIB_CALLS_OK in the " \
	       "Makefile\n", ar, obj, sym > "/dev/stderr"
	bad = 1
}
END { exit bad }' <<<"$undefined"
