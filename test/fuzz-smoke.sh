#!/bin/sh
# The fuzz harnesses in make check (doc/fuzzing.md): `make fuzz` builds them with clang (incremental), then
# each runs over its seed corpus in fuzz/corpus/NAME (every regression input of a crash once found is
# there) and fuzzes for FUZZ_SMOKE_SECONDS more (2 by default) from a scratch copy of it. A crash, a
# sanitizer report, an invariant failure or a timeout fails the test. Without clang it is skipped (77).
. "${top_srcdir:-.}/test/integration/lib.sh"
. "$top_srcdir/fuzz/options.sh"

if ! command -v clang >/dev/null 2>&1; then
	echo "SKIP: no clang (./bootstrap installs it)"
	exit 77
fi
start=$(date +%s)
make -C "$top_builddir" fuzz >"$T/build.log" 2>&1 || { cat "$T/build.log" >&2; fail "make fuzz"; finish; }
echo "make fuzz: $(($(date +%s) - start)) s"
out="$top_builddir/fuzz/out"
# run_clean DESCRIPTION LOG COMMAND...: passes when the command succeeds; shows the end of its log if not
run_clean() {
	desc=$1
	log=$2
	shift 2
	if "$@" >"$log" 2>&1; then
		pass "$desc"
	else
		fail "$desc"
		tail -n 30 "$log" >&2
		ls "$T/$h-"* >&2 2>/dev/null || true
	fi
}
seconds=${FUZZ_SMOKE_SECONDS:-2}
for src in "$top_srcdir"/fuzz/fuzz_*.c; do
	h=$(basename "$src" .c)
	h=${h#fuzz_}
	bin="$out/fuzz_$h"
	corpus="$top_srcdir/fuzz/corpus/$h"
	check "fuzz_$h was built" test -x "$bin"
	check "fuzz_$h has a seed corpus" test -n "$(ls "$corpus" 2>/dev/null)"
	opts=$(fuzz_options "$h")
	# shellcheck disable=SC2086
	run_clean "fuzz_$h runs its seed corpus clean" "$T/$h-seeds.log" "$bin" -runs=0 -timeout=10 $opts "$corpus"
	mkdir -p "$T/work-$h"
	cp "$corpus"/* "$T/work-$h"/
	# shellcheck disable=SC2086
	run_clean "fuzz_$h fuzzes ${seconds}s clean" "$T/$h-fuzz.log" "$bin" -max_total_time="$seconds" -timeout=10 \
		-artifact_prefix="$T/$h-" $opts "$T/work-$h"
done
echo "fuzz-smoke: $(($(date +%s) - start)) s in all"
finish
