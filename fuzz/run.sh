#!/bin/sh
# `make fuzz-run`: each harness of FUZZ_HARNESSES for FUZZ_SECONDS seconds, one after the other (-jobs 1), on
# a working copy of its seed corpus in fuzz/out/work/NAME, so the repository's corpus only gets what a
# person adds to it. Crash inputs are left in fuzz/out/artifacts/; libFuzzer's last line per harness (the
# executions and coverage reached) is collected in fuzz/out/summary.txt.
set -u
. "$top_srcdir/fuzz/options.sh"
out="$top_builddir/fuzz/out"
mkdir -p "$out/artifacts" "$out/work"
: >"$out/summary.txt"
rc=0
for h in $FUZZ_HARNESSES; do
	bin="$out/fuzz_$h"
	work="$out/work/$h"
	mkdir -p "$work"
	[ -d "$top_srcdir/fuzz/corpus/$h" ] && cp -n "$top_srcdir/fuzz/corpus/$h"/* "$work"/ 2>/dev/null
	# the harness's own flags (fuzz/fuzz_NAME.options, OSS-Fuzz's format: key = value under [libfuzzer])
	opts=$(fuzz_options "$h")
	[ -f "$top_srcdir/fuzz/dict/$h.dict" ] && opts="$opts -dict=$top_srcdir/fuzz/dict/$h.dict"
	# FUZZ_RUNS: stop a harness after that many executions (the long runs use 10000000)
	[ -n "${FUZZ_RUNS:-}" ] && opts="$opts -runs=$FUZZ_RUNS"
	echo "fuzz-run: $h for ${FUZZ_SECONDS}s"
	# shellcheck disable=SC2086
	"$bin" -max_total_time="$FUZZ_SECONDS" -print_final_stats=1 -artifact_prefix="$out/artifacts/$h-" \
		-timeout=10 $opts "$work" >"$out/$h.log" 2>&1 || { rc=1; echo "fuzz-run: $h FAILED, see $out/$h.log"; }
	printf '%-12s %s\n' "$h" "$(grep -E '^#[0-9]+' "$out/$h.log" | tail -1)" >>"$out/summary.txt"
done
cat "$out/summary.txt"
exit $rc
