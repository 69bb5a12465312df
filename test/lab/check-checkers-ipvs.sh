#!/bin/sh
# make check: checker verdicts driving the real kernel's IPVS table in the lab guest (test/lab/scenarios/checkers-ipvs.sh).
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
export top_srcdir top_builddir
bash "$top_srcdir/test/lab/run" "$top_srcdir/test/lab/scenarios/checkers-ipvs.sh"
rc=$?
[ "$rc" -eq 77 ] && rc=1
exit "$rc"
