#!/bin/sh
# make check: the failover drill in the lab guest (test/lab/scenarios/failover-drill.sh): two vipd
# directors, the master killed then back, no stream reset either way. `make drill` runs the same and
# keeps its timeline and picture.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
export top_srcdir top_builddir
LAB_PASS_ENV="${LAB_PASS_ENV:-} DRILL_SYNC DRILL_FRAMING DRILL_PREEMPT DRILL_RETURN DRILL_STREAMS DRILL_RATE DRILL_ADVERT_INT DRILL_PREEMPT_DELAY DRILL_STEADY"
export LAB_PASS_ENV
bash "$top_srcdir/test/lab/run" "$top_srcdir/test/lab/scenarios/failover-drill.sh"
rc=$?
# 77 would mean "skipped" to the test driver; the drill never skips.
[ "$rc" -eq 77 ] && rc=1
exit "$rc"
