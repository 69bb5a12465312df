#!/bin/sh
# TCP_CHECK against real listeners: up, refused, a dead server's retries and their timing, alpha, recovery,
# and the status per real server (state, result, reason, consecutive failures, last change).
CK_SCRIPT=$0
. "${top_srcdir:-.}/test/integration/checkers-lib.sh"
requires socat jq ss python3

ck_net 192.0.2.21 192.0.2.22 192.0.2.23 2001:db8::24
bg socat TCP-LISTEN:8080,bind=192.0.2.21,fork,reuseaddr /dev/null
A_PID=$LAST_PID
bg socat TCP-LISTEN:8080,bind=192.0.2.23,fork,reuseaddr /dev/null
bg socat "TCP6-LISTEN:8080,bind=[2001:db8::24],fork,reuseaddr" /dev/null
# records who connects, to see bindto and bind_port at work: the address accept() returns, which is
# there even when the check has already reset the connection
cat >"$T/record.py" <<'PY'
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("192.0.2.23", 8082))
s.listen(64)
with open(sys.argv[1], "a", buffering=1) as out:
    while True:
        c, peer = s.accept()
        out.write("%s:%d\n" % peer)
        c.close()
PY
bg python3 "$T/record.py" "$T/peers"
wait_port 192.0.2.21 8080
wait_port 192.0.2.23 8080
wait_port 192.0.2.23 8082

cat >"$T/vipd.conf" <<'CONF'
virtual_server 192.0.2.10 80 {
	protocol TCP
	lb_algo wlc
	lb_kind NAT
	delay_loop 0.4
	real_server 192.0.2.21 8080 {
		TCP_CHECK {
			connect_timeout 0.5
			retry 2
			delay_before_retry 0.3
		}
	}
	real_server 192.0.2.22 8080 {
		TCP_CHECK {
			connect_timeout 0.5
			retry 0
		}
	}
	real_server 192.0.2.23 8080 {
		TCP_CHECK {
			alpha
			connect_timeout 0.5
		}
	}
	real_server 192.0.2.26 8080 {
		TCP_CHECK {
			connect_ip 192.0.2.23
			connect_port 8082
			bindto 192.0.2.22
			bind_port 40001
		}
	}
	real_server 192.0.2.25 8080 {
		TCP_CHECK {
			connect_ip 192.0.2.23
			retry 0
		}
		TCP_CHECK {
			connect_ip 192.0.2.23
			connect_port 8081
			retry 0
		}
	}
}
virtual_server 2001:db8::10 80 {
	protocol TCP
	lb_algo wlc
	lb_kind NAT
	delay_loop 0.4
	real_server 2001:db8::24 8080 {
		TCP_CHECK {
			connect_timeout 0.5
		}
	}
}
CONF
start_vipd "$T/vipd.conf"
wait_for "checkers running" 10 child_is checkers running
wait_rs 192.0.2.22:8080 down 5
check "refused: the reason" [ "$(rs reason 192.0.2.22:8080)" = "connect: Connection refused" ]
wait_rs 192.0.2.21:8080 up 5
wait_rs 192.0.2.23:8080 up 5
wait_rs "[2001:db8::24]:8080" up 5
wait_rs 192.0.2.25:8080 down 5
check "two checkers, one fails: down, for its reason" [ "$(rs reason 192.0.2.25:8080)" = "connect: Connection refused" ]
check "two checkers: the other passes" [ "$("$VIPCTL" -s "$SOCK" status --json | jq -r '.children[] | select(.name=="checkers") | .status.real_servers[] | select(.address=="192.0.2.25:8080") | [.checks[].state] | join(",")')" = "up,down" ]
wait_for "two checks from 192.0.2.22:40001" 5 sh -c "[ \$(grep -cx 192.0.2.22:40001 $T/peers) -ge 2 ]"
check "only from there" [ -z "$(grep -vx 192.0.2.22:40001 "$T/peers")" ]
check "listening: the result" [ "$(rs last_result 192.0.2.21:8080)" = connected ]
check "alpha: came up, so it changed once" [ "$(rs last_change 192.0.2.23:8080)" != null ]
check "up from the start: no change" [ "$(rs last_change 192.0.2.21:8080)" = null ]
check "the parent remembers all six" [ "$(jqs .parent.remembered_real_servers)" = 6 ]

# Stop one: 2 retries 0.3 s apart after the first failure, which comes within a delay_loop.
stopped=$(now_ms)
kill "$A_PID"
wait "$A_PID" 2>/dev/null || true
wait_rs 192.0.2.21:8080 down 5
changed=$(rs last_change 192.0.2.21:8080)
took=$((changed - stopped))
check "down after its retries ($took ms: 600..1400)" between 600 1400 "$took"
check "three failures in a row" [ "$(rs consecutive_failures 192.0.2.21:8080)" -ge 3 ]
check "the reason" [ "$(rs reason 192.0.2.21:8080)" = "connect: Connection refused" ]
check "the log says so" grep -q "real server \[192.0.2.21\]:8080 of \[192.0.2.10\]:tcp:80 is down" "$T/vipd.log"

# Back: up at the next check, no retries needed.
started=$(now_ms)
bg socat TCP-LISTEN:8080,bind=192.0.2.21,fork,reuseaddr /dev/null
wait_rs 192.0.2.21:8080 up 5
took=$(($(rs last_change 192.0.2.21:8080) - started))
check "up within a delay_loop ($took ms)" between 0 700 "$took"
check "failures reset" [ "$(rs consecutive_failures 192.0.2.21:8080)" = 0 ]
check "no IPC rejected" [ "$(child_field checkers ipc_rejected)" = 0 ]
check "stop exits 0" stop_vipd
finish
