#!/bin/sh
# Builds the libFuzzer harnesses (fuzz/fuzz_*.c) with clang, apart from the gcc build: the daemon's own
# sources (FUZZ_SOURCES, libvipd.a's list from Makefile.am) are compiled again with coverage and sanitizer
# instrumentation into $out/obj, archived, and each harness is linked against that archive.
#
# Called by `make fuzz` with FUZZ_SOURCES, FUZZ_CPPFLAGS and FUZZ_LIBS set from Makefile.am; srcdir and
# builddir are the tree and the configured build (for config.h). FUZZ_CC overrides clang.
set -eu

srcdir=${srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${builddir:-$srcdir}
out=${FUZZ_OUT:-$builddir/fuzz/out}
cc=${FUZZ_CC:-}
if [ -z "$cc" ]; then
	for c in clang clang-14 clang-15 clang-16; do
		if command -v "$c" >/dev/null 2>&1; then cc=$c; break; fi
	done
fi
[ -n "$cc" ] || { echo "fuzz/build.sh: no clang found (install clang)" >&2; exit 1; }
: "${FUZZ_SOURCES:?set by make fuzz}"

# -fno-sanitize-recover: a UBSan report must stop the run like an ASan one, so libFuzzer keeps the input
san="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
cflags="-std=gnu11 -g -O1 -Wall -Wextra -Wno-unused-parameter -D_GNU_SOURCE -DVIPD_FUZZ -I$srcdir -I$builddir ${FUZZ_CPPFLAGS:-}"
mkdir -p "$out/obj"

# A source is compiled again when it or any header of the tree is newer than its object.
newest_header=$(find "$srcdir" "$builddir" -maxdepth 2 -name '*.h' -newer "$out/lib.a" 2>/dev/null | head -1 || true)
[ -e "$out/lib.a" ] || newest_header=all
objs=""
changed=0
for s in $FUZZ_SOURCES; do
	case $s in *.c) ;; *) continue ;; esac
	o="$out/obj/$(echo "$s" | tr / _ | sed 's/\.c$/.o/')"
	objs="$objs $o"
	if [ -n "$newest_header" ] || [ ! -e "$o" ] || [ "$srcdir/$s" -nt "$o" ]; then
		echo "  FUZZCC   $s"
		# shellcheck disable=SC2086
		$cc $cflags $san -fsanitize=fuzzer-no-link -c "$srcdir/$s" -o "$o"
		changed=1
	fi
done
if [ "$changed" = 1 ] || [ ! -e "$out/lib.a" ]; then
	rm -f "$out/lib.a"
	# shellcheck disable=SC2086
	ar rcs "$out/lib.a" $objs
fi

for h in "$srcdir"/fuzz/fuzz_*.c; do
	name=$(basename "$h" .c)
	bin="$out/$name"
	if [ "$h" -nt "$bin" ] || [ "$out/lib.a" -nt "$bin" ] || [ "$srcdir/fuzz/fuzz.h" -nt "$bin" ]; then
		echo "  FUZZLD   fuzz/$name"
		extra=""
		# the config reader's files are fenced into the harness's directory (fuzz_conf.c)
		[ "$name" = fuzz_conf ] && extra="-Wl,--wrap=fopen,--wrap=fopen64,--wrap=glob,--wrap=glob64,--wrap=stat,--wrap=stat64"
		# shellcheck disable=SC2086
		$cc $cflags $san -fsanitize=fuzzer "$h" "$out/lib.a" $extra ${FUZZ_LIBS:-} -o "$bin"
	fi
done
