#!/bin/sh
# make check: the ipvs child reconciling the real kernel in the lab guest (test/lab/scenarios/ipvs-reconcile.sh).
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
export top_srcdir top_builddir
bash "$top_srcdir/test/lab/run" "$top_srcdir/test/lab/scenarios/ipvs-reconcile.sh"
rc=$?
[ "$rc" -eq 77 ] && rc=1
exit "$rc"
