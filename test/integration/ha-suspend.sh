#!/bin/sh
# ha_suspend: the checks of a virtual server with ha_suspend run only while its address is on this host
# (its real servers keep their state meanwhile); those of another virtual server run regardless.
CK_SCRIPT=$0
. "${top_srcdir:-.}/test/integration/checkers-lib.sh"
requires socat jq ss

ck_net 192.0.2.21 192.0.2.22
bg socat TCP-LISTEN:8080,bind=192.0.2.21,fork,reuseaddr /dev/null
A_PID=$LAST_PID
bg socat TCP-LISTEN:8080,bind=192.0.2.22,fork,reuseaddr /dev/null
wait_port 192.0.2.21 8080
wait_port 192.0.2.22 8080

cat >"$T/vipd.conf" <<'CONF'
virtual_server 192.0.2.10 80 {
	delay_loop 0.3
	ha_suspend
	real_server 192.0.2.21 8080 {
		TCP_CHECK {
			connect_timeout 0.5
			retry 0
		}
	}
}
virtual_server 192.0.2.11 80 {
	delay_loop 0.3
	ha_suspend
	real_server 192.0.2.22 8080 {
		TCP_CHECK {
			connect_timeout 0.5
		}
	}
}
virtual_server fwmark 7 {
	delay_loop 0.3
	ha_suspend
	real_server 192.0.2.23 8080 {
		TCP_CHECK {
			connect_timeout 0.5
		}
	}
}
CONF
# 192.0.2.11 is on the host from the start, 192.0.2.10 is not
ip addr add 192.0.2.11/32 dev lo
start_vipd "$T/vipd.conf" --check
last_run() { rs "checks[0].last_run" "$1"; }
ran() { [ "$(last_run "$1")" != null ]; }
wait_for "a check of the virtual server whose address is here" 5 ran 192.0.2.22:8080
sleep 1
check "suspended while 192.0.2.10 is not here: no check ran" [ "$(last_run 192.0.2.21:8080)" = null ]
check "the status says suspended" [ "$(rs suspended 192.0.2.21:8080)" = true ]
check "192.0.2.11 is here: not suspended" [ "$(rs suspended 192.0.2.22:8080)" = false ]
check "a real server keeps its state while suspended" [ "$(rs state 192.0.2.21:8080)" = up ]
fwm=$(jqs '.children[] | select(.name == "checkers") | .status.real_servers[] | select(.virtual_server == "fwmark 7") | .suspended')
check "a fwmark service has no address: never suspended" [ "$fwm" = false ]

ip addr add 192.0.2.10/32 dev lo
wait_for "a check once 192.0.2.10 is here" 5 ran 192.0.2.21:8080
check "no longer suspended" [ "$(rs suspended 192.0.2.21:8080)" = false ]

ip addr del 192.0.2.10/32 dev lo
wait_for "suspended again" 5 sh -c "[ \"\$(\"$VIPCTL\" -s \"$SOCK\" status --json | jq -r '.children[] | select(.name == \"checkers\") | .status.real_servers[] | select(.address == \"192.0.2.21:8080\") | .suspended')\" = true ]"
# the listener goes: a running check would take the server down within a delay_loop; a suspended one not
kill "$A_PID"
wait "$A_PID" 2>/dev/null || true
sleep 0.3
before=$(last_run 192.0.2.21:8080)
sleep 1.5
check "no check while suspended again" [ "$(last_run 192.0.2.21:8080)" = "$before" ]
check "so the server it cannot reach stays up" [ "$(rs state 192.0.2.21:8080)" = up ]
ip addr add 192.0.2.10/32 dev lo
wait_rs 192.0.2.21:8080 down 5
check "stop exits 0" stop_vipd
finish
