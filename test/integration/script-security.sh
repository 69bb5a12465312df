#!/bin/sh
# enable_script_security: a script that would run as root while a user other than root could change it
# (here: in a world-writable directory) is not run, and is logged once; one only root can change runs. A
# reload without the setting runs it, with a warning.
CK_SCRIPT=$0
. "${top_srcdir:-.}/test/integration/checkers-lib.sh"
requires jq
if [ "$(id -u)" != 0 ]; then
	echo "SKIP: scripts run as root only when vipd is root"
	exit 77
fi

ck_net 192.0.2.61
OPEN=$(mktemp -d /tmp/ck-open.XXXXXX)
CK_DIRS="$OPEN"
printf '#!/bin/sh\nexit 0\n' >"$OPEN/ok.sh"
printf '#!/bin/sh\nexit 0\n' >"$T/ok.sh"
chmod 755 "$OPEN/ok.sh" "$T/ok.sh"
chmod 777 "$OPEN"

write_conf() {
	cat >"$T/vipd.conf" <<CONF
global_defs {
	$1
}
virtual_server 192.0.2.10 80 {
	delay_loop 0.3
	real_server 192.0.2.61 80 {
		MISC_CHECK {
			misc_path "$OPEN/ok.sh"
		}
	}
	real_server 192.0.2.62 80 {
		MISC_CHECK {
			misc_path "$T/ok.sh"
		}
	}
}
CONF
}

write_conf enable_script_security
start_vipd "$T/vipd.conf"
wait_for "checkers running" 10 child_is checkers running
wait_rs 192.0.2.62:80 up 5
wait_rs 192.0.2.61:80 down 5
check "the untrusted script: not started" [ "$(rs reason 192.0.2.61:80)" = "script not started" ]
check "  and the log says why" grep -q "not running $OPEN/ok.sh as root: $OPEN is writable by everyone (enable_script_security)" "$T/vipd.log"
sleep 1
check "  once, although it is due every 0.3 s" [ "$(grep -c "not running $OPEN/ok.sh" "$T/vipd.log")" = 1 ]

write_conf ""
"$VIPCTL" -s "$SOCK" reload >/dev/null || fail "reload"
wait_rs 192.0.2.61:80 up 5
check "without the setting it runs, with a warning" grep -q "running $OPEN/ok.sh as root although $OPEN is writable by everyone" "$T/vipd.log"
check "stop exits 0" stop_vipd
finish
