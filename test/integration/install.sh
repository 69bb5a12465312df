#!/bin/sh
# make install gives a working service: vipd, vipctl and vipadm in sbin, the man pages (vipadm(8) too), an
# example configuration that vipd -t accepts (and that a second install does not overwrite), and a systemd
# unit that `systemd-analyze verify` accepts, with the directives the service relies on.
. "${top_srcdir:-.}/test/integration/lib.sh"
make_interfaces eth0

D="$T/dest"
make -C "$top_builddir" install DESTDIR="$D" prefix=/usr sysconfdir=/etc >"$T/install.log" 2>&1 ||
	{ cat "$T/install.log" >&2; fail "make install"; finish; }
for p in vipd vipctl vipadm; do
	check "$p is in sbin" test -x "$D/usr/sbin/$p"
done
for m in man8/vipd.8 man8/vipctl.8 man8/vipadm.8 man5/vipd.conf.5; do
	check "man page $m is installed" test -f "$D/usr/share/man/$m"
done
check "the example configuration is installed" test -f "$D/etc/vipd/vipd.conf"
check "the example configuration is root's only" [ "$(stat -c %a "$D/etc/vipd/vipd.conf")" = 600 ]
check "vipd -t accepts the example configuration" "$D/usr/sbin/vipd" -t -f "$D/etc/vipd/vipd.conf"
echo "# mine" >"$D/etc/vipd/vipd.conf"
make -C "$top_builddir" install DESTDIR="$D" prefix=/usr sysconfdir=/etc >"$T/install2.log" 2>&1 || fail "second make install"
check "a second install keeps the administrator's configuration" grep -qx "# mine" "$D/etc/vipd/vipd.conf"

UNIT="$D/usr/lib/systemd/system/vipd.service"
check "the unit is installed" test -f "$UNIT"
check "the unit starts the installed vipd" grep -q "^ExecStart=/usr/sbin/vipd -n -f /etc/vipd/vipd.conf" "$UNIT"
for d in Type=notify NotifyAccess=main 'ExecReload=/bin/kill -HUP $MAINPID' WatchdogSec= Restart=on-failure \
	RuntimeDirectory=vipd ProtectSystem=strict CapabilityBoundingSet=CAP_NET_ADMIN KillMode=mixed; do
	check "the unit has $d" grep -qF "$d" "$UNIT"
done
if command -v systemd-analyze >/dev/null 2>&1; then
	# verify checks the binaries exist and the man pages of Documentation= open: point both at the install
	sed "s|/usr/sbin/|$D/usr/sbin/|g" "$UNIT" >"$T/vipd.service"
	if MANPATH="$D/usr/share/man" systemd-analyze verify "$T/vipd.service" >"$T/verify.log" 2>&1; then
		pass "systemd-analyze verify accepts the unit"
	else
		fail "systemd-analyze verify: $(cat "$T/verify.log")"
	fi
else
	echo "systemd-analyze is missing: unit not verified"
fi
finish
