#!/usr/bin/env bash
# bench.sh - speed and stability of the host matrix, as figures to compare
# over time.  Runs fixtures/scenarios/matrix.scn RUNS times (default 5)
# with whichns's default --jobs and prints:
#   cases per second, median and p95 per-case wall time, median per-case
#   overhead (wall time minus the observed part: namespaces, servers,
#   capture, teardown), and whether any verdict changed between runs.
# Speed goals live here, not in tests.  Needs root (it runs real cases).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
runs=${RUNS:-5}
scn=${SCENARIO:-$top/fixtures/scenarios/matrix.scn}
out=$(mktemp -d /tmp/whichns-bench.XXXXXX)
trap 'rm -rf "$out"' EXIT

pct() {  # pct P < numbers: the P-th percentile (nearest rank)
	sort -g | awk -v p="$1" '{ v[NR] = $1 } END {
		if (NR == 0) { print "nan"; exit }
		i = int((p / 100) * NR + 0.999999); if (i < 1) i = 1; if (i > NR) i = NR
		print v[i] }'
}

ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f / %.0f ms", a * 1000, b * 1000 }'; }

echo "bench: $runs runs of $(basename "$scn") on $(nproc) CPUs" >&2
for i in $(seq "$runs"); do
	start=$(date +%s.%N)
	"$top/build/whichns" run -q --results "$out/r$i" "$scn" >/dev/null 2>&1 || true
	end=$(date +%s.%N)
	run=$(readlink -f "$out/r$i/latest")
	n=$(find "$run" -mindepth 1 -maxdepth 1 -type d | wc -l)
	echo "$start $end $n" > "$out/time$i"
	for r in "$run"/*/result.txt; do
		awk -F'\t' '{ v[$1] = $2 } END {
			printf "%s %s %.4f %.4f\n", v["case"], v["verdict"],
			       v["t_end"] - v["t_start"], v["t_end"] - v["t_start"] - v["observe_s"] }' "$r"
	done > "$out/cases$i"
	sort "$out/cases$i" | awk '{ print $1, $2 }' > "$out/verdicts$i"
	awk -v n="$n" -v i="$i" '{ printf "bench: run %d: %d cases in %.1f s\n", i, n, $2 - $1 }' "$out/time$i" >&2
done

cat "$out"/cases* > "$out/all"
wall_med=$(awk '{ print $3 }' "$out/all" | pct 50)
wall_p95=$(awk '{ print $3 }' "$out/all" | pct 95)
over_med=$(awk '{ print $4 }' "$out/all" | pct 50)
over_p95=$(awk '{ print $4 }' "$out/all" | pct 95)
rate=$(cat "$out"/time* | awk '{ n += $3; t += $2 - $1 } END { printf "%.2f", n / t }')
run_med=$(cat "$out"/time* | awk '{ print $2 - $1 }' | pct 50)
changed=0
for i in $(seq 2 "$runs"); do
	if ! diff -q "$out/verdicts1" "$out/verdicts$i" >/dev/null; then
		changed=1
		echo "bench: verdicts of run $i differ from run 1:" >&2
		diff "$out/verdicts1" "$out/verdicts$i" | sed 's/^/  /' >&2 || true
	fi
done

printf '%-36s %s\n' \
	"matrix run, median wall time" "$(printf '%.1f s' "$run_med")" \
	"cases per second" "$rate" \
	"per-case wall time, median / p95" "$(ms "$wall_med" "$wall_p95")" \
	"per-case overhead, median / p95" "$(ms "$over_med" "$over_p95")" \
	"verdicts identical across $runs runs" "$([ $changed -eq 0 ] && echo yes || echo NO)"
