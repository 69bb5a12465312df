#!/bin/sh
# make check: connection sync in relay mode against the kernel's sync daemons, in the lab guest
# (test/lab/scenarios/sync-relay.sh: interop both ways, secure framing under attack, resync).
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
export top_srcdir
bash "$top_srcdir/test/lab/run" "$top_srcdir/test/lab/scenarios/sync-relay.sh"
rc=$?
# 77 would mean "skipped" to the test driver; the scenario never skips.
[ "$rc" -eq 77 ] && rc=1
exit "$rc"
