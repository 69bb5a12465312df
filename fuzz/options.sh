# fuzz_options NAME: the libFuzzer flags of fuzz/fuzz_NAME.options as -key=value words (sourced by
# fuzz/run.sh and test/fuzz-smoke.sh).
fuzz_options() {
	f="$top_srcdir/fuzz/fuzz_$1.options"
	[ -f "$f" ] || return 0
	sed -n 's/^[[:space:]]*\([a-z_]*\)[[:space:]]*=[[:space:]]*\([^[:space:]]*\).*/-\1=\2/p' "$f" | tr '\n' ' '
}
