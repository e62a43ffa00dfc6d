#!/usr/bin/env bash
# run.sh - run libFuzzer targets one after another, one line of result each.
#   fuzz/run.sh DIR SECONDS TARGET...      (what "make fuzz" runs)
# DIR holds the binaries (DIR/fuzz_TARGET) and gets, per target,
# DIR/TARGET/: the corpus the run grows, crash/leak/timeout inputs and
# fuzz.log.  The committed seeds in fuzz/corpus/TARGET are read, never
# written.  SECONDS 0 runs every seed once and stops (a regression check).
# Exit 0 when no target found anything, 1 when one did, 2 on bad usage.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2

if [ $# -lt 3 ] || ! [[ $2 =~ ^[0-9]+$ ]]; then
	echo "usage: fuzz/run.sh DIR SECONDS TARGET..." >&2
	exit 2
fi
dir=$1 secs=$2
shift 2

# Per-target libFuzzer flags live in the target's header comment, in a line
# " * libfuzzer: -max_len=4096"; a dictionary in fuzz/TARGET.dict is used.
target_flags() {
	sed -n 's/^ \* libfuzzer: //p' "fuzz/fuzz_$1.c"
	[ -f "fuzz/$1.dict" ] && echo "-dict=fuzz/$1.dict"
}

# Seeds: fuzz/corpus/TARGET, and folders of the tree that the header names
# in a line " * seeds: tests/captures" (files the tests keep anyway).
target_seeds() {
	[ -d "fuzz/corpus/$1" ] && echo "fuzz/corpus/$1"
	sed -n 's/^ \* seeds: //p' "fuzz/fuzz_$1.c"
}

# The summary of one finished run, from libFuzzer's log.
summary_ok() {
	local log=$1 runs rate corp cov
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -n 1 | cut -d' ' -f2)
	corp=$(grep -oE 'corp: [0-9]+' "$log" | tail -n 1 | cut -d' ' -f2)
	printf '%-8s %6s runs %7s/s  corpus %5s  cov %5s\n' ok "${runs:-?}" \
	       "${rate:-?}" "${corp:-?}" "${cov:-?}"
}

# What was found, where the input is, where the log is.
summary_failed() {
	local log=$1 what input
	what=$(grep -m1 -E '^SUMMARY: ' "$log" | sed 's/^SUMMARY: //')
	[ -n "$what" ] || what=$(grep -m1 -E 'check failed|ERROR: libFuzzer' "$log")
	[ -n "$what" ] || what="exit status $2"
	input=$(sed -n 's/.*Test unit written to //p' "$log" | tail -n 1)
	printf 'FAILED   %s; input %s; log %s\n' "$what" "${input:-none}" "$log"
}

failed=0
for t in "$@"; do
	bin="$dir/fuzz_$t" out="$dir/$t"
	if [ ! -x "$bin" ] || [ ! -f "fuzz/fuzz_$t.c" ]; then
		echo "fuzz/run.sh: no target '$t' (no $bin or fuzz/fuzz_$t.c): run make fuzz-build" >&2
		exit 2
	fi
	mkdir -p "$out/corpus"
	read -r -a seeds <<<"$(target_seeds "$t" | tr '\n' ' ')"
	for d in "${seeds[@]}"; do
		[ -d "$d" ] || { echo "fuzz/run.sh: $t: no seed folder $d" >&2; exit 2; }
	done
	if [ "$secs" -eq 0 ]; then
		limit=(-runs=0)
	else
		limit=(-max_total_time="$secs")
	fi
	# shellcheck disable=SC2046 # the flags are words
	ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:${ASAN_OPTIONS:-}" \
	UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:${UBSAN_OPTIONS:-}" \
	"$bin" "${limit[@]}" -timeout=10 -rss_limit_mb=2048 \
	       -error_exitcode=77 -timeout_exitcode=78 -print_final_stats=1 \
	       -artifact_prefix="$out/" $(target_flags "$t") \
	       "$out/corpus" "${seeds[@]}" >"$out/fuzz.log" 2>&1
	rc=$?
	printf 'fuzz %-11s %4ss  ' "$t" "$secs"
	if [ $rc -eq 0 ]; then
		summary_ok "$out/fuzz.log"
	else
		summary_failed "$out/fuzz.log" $rc
		failed=1
	fi
done
exit $failed
