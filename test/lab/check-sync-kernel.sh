#!/bin/sh
# make check: connection sync in mode kernel (keepalived's lvs_sync_daemon) in the lab guest
# (test/lab/scenarios/sync-kernel.sh: daemons follow VRRP, adopted across a child crash, restarted only
# on change, stopped with vipd, a promoted master sends its table to a stock kernel backup).
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
export top_srcdir
bash "$top_srcdir/test/lab/run" "$top_srcdir/test/lab/scenarios/sync-kernel.sh"
rc=$?
# 77 would mean "skipped" to the test driver; the scenario never skips.
[ "$rc" -eq 77 ] && rc=1
exit "$rc"
