#!/bin/sh
# make check: vipd and keepalived 2.2.7 on the same configurations leave the same IPVS table in the lab guest
# (test/lab/scenarios/ipvs-diff.sh; the configurations and the allowed differences in test/lab/ipvs-diff/).
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
export top_srcdir top_builddir
bash "$top_srcdir/test/lab/run" "$top_srcdir/test/lab/scenarios/ipvs-diff.sh"
rc=$?
[ "$rc" -eq 77 ] && rc=1
exit "$rc"
