#!/bin/sh
# make check: the LVS-NAT scenario in the lab guest (test/lab/run).
# Run by automake's test driver with top_srcdir and top_builddir set.  A
# missing qemu, kernel or busybox is a failure naming the Debian package, never
# a skip: this test is the only one that exercises the real kernel.

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
export top_srcdir

if ! command -v bash >/dev/null 2>&1; then
	echo "check-ipvs-nat: bash not found: install the Debian package bash" >&2
	exit 2
fi
bash "$top_srcdir/test/lab/run" "$top_srcdir/test/lab/scenarios/ipvs-nat.sh"
rc=$?
# 77 would mean "skipped" to the test driver; the scenario never skips.
[ "$rc" -eq 77 ] && rc=1
exit "$rc"
