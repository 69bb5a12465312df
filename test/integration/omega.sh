#!/bin/sh
# omega: when vipd stops, a real server that is up in a virtual server with omega runs its notify_down
# (and writes its DOWN line to lvs_notify_fifo); without omega nothing runs; a real server already down
# is not notified again. (The ipvs child's part, quorum_down, needs IPVS: test/lab/scenarios/ipvs-reconcile.sh.)
CK_SCRIPT=$0
. "${top_srcdir:-.}/test/integration/checkers-lib.sh"
requires socat jq ss

ck_net 192.0.2.21 192.0.2.22 192.0.2.23
bg socat TCP-LISTEN:8080,bind=192.0.2.21,fork,reuseaddr /dev/null
bg socat TCP-LISTEN:8080,bind=192.0.2.23,fork,reuseaddr /dev/null
wait_port 192.0.2.21 8080
wait_port 192.0.2.23 8080
mkfifo "$T/fifo"

cat >"$T/vipd.conf" <<CONF
global_defs {
	lvs_notify_fifo $T/fifo
}
virtual_server 192.0.2.10 80 {
	protocol TCP
	lb_algo wlc
	lb_kind NAT
	delay_loop 0.3
	omega
	real_server 192.0.2.21 8080 {
		notify_down "echo 21 down >>$T/notified"
		TCP_CHECK {
			connect_timeout 0.5
		}
	}
	real_server 192.0.2.22 8080 {
		notify_down "echo 22 down >>$T/notified"
		TCP_CHECK {
			connect_timeout 0.5
			retry 0
		}
	}
}
virtual_server 192.0.2.11 80 {
	protocol TCP
	lb_algo wlc
	lb_kind NAT
	delay_loop 0.3
	real_server 192.0.2.23 8080 {
		notify_down "echo 23 down >>$T/notified"
		TCP_CHECK {
			connect_timeout 0.5
		}
	}
}
CONF
start_vipd "$T/vipd.conf" --check
wait_rs 192.0.2.21:8080 up 10
wait_rs 192.0.2.23:8080 up 10
wait_rs 192.0.2.22:8080 down 10
# 22 went down while running: its notify_down ran then
wait_for "22's notify_down" 5 grep -qx "22 down" "$T/notified"
# the fifo: a reader from now on (opened non-blocking by vipd, a line is lost without one)
cat "$T/fifo" >"$T/fifo.out" &
reader=$!
sleep 0.5
check "stop exits 0" stop_vipd
wait_for "21's notify_down" 5 grep -qx "21 down" "$T/notified"
check "omega: the real server that was up is notified down" [ "$(grep -c "^21 down" "$T/notified")" = 1 ]
check "one already down is not notified again" [ "$(grep -c "^22 down" "$T/notified")" = 1 ]
check "without omega nothing runs" [ "$(grep -c "^23 down" "$T/notified")" = 0 ]
kill "$reader" 2>/dev/null || true
wait "$reader" 2>/dev/null || true
check "omega: the fifo line" grep -q "^RS \[192.0.2.21\]:tcp:8080 \[192.0.2.10\]:tcp:80 DOWN$" "$T/fifo.out"
check "no fifo line without omega" [ -z "$(grep 192.0.2.23 "$T/fifo.out")" ]
finish
