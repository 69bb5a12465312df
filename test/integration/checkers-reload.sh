#!/bin/sh
# Reload and restart without flapping: a reload keeps unchanged checks (their state and failure count) and
# the verdict of changed ones, starts new ones per alpha, drops removed ones; a checkers child killed
# and restarted by the parent takes the remembered states and changes nothing until its own verdicts.
CK_SCRIPT=$0
. "${top_srcdir:-.}/test/integration/checkers-lib.sh"
requires socat jq ss

ck_net 192.0.2.71 192.0.2.72 192.0.2.73 192.0.2.74
for a in 71 73 74; do
	bg socat TCP-LISTEN:8080,bind=192.0.2.$a,fork,reuseaddr /dev/null
	wait_port 192.0.2.$a 8080
done
mkfifo "$T/fifo"
cat <>"$T/fifo" >"$T/fifo.log" &
CK_PIDS="$CK_PIDS $!"

conf() {
	# conf TIMEOUT_71 WITH_73 WITH_74
	cat <<CONF
global_defs {
	lvs_notify_fifo $T/fifo
}
virtual_server 192.0.2.10 80 {
	protocol TCP
	lb_algo wlc
	lb_kind NAT
	delay_loop 0.3
	real_server 192.0.2.71 8080 {
		TCP_CHECK {
			connect_timeout $1
		}
	}
	real_server 192.0.2.72 8080 {
		TCP_CHECK {
			connect_timeout 1
			retry 0
		}
	}
CONF
	[ "$2" = yes ] && printf '\treal_server 192.0.2.73 8080 {\n\t\tTCP_CHECK {\n\t\t\talpha\n\t\t}\n\t}\n'
	[ "$3" = yes ] && printf '\treal_server 192.0.2.74 8080 {\n\t\tTCP_CHECK {\n\t\t\talpha\n\t\t}\n\t}\n'
	printf '}\n'
}
conf 1 yes no >"$T/vipd.conf"
start_vipd "$T/vipd.conf"
wait_for "checkers running" 10 child_is checkers running
wait_rs 192.0.2.71:8080 up 5
wait_rs 192.0.2.72:8080 down 5
wait_rs 192.0.2.73:8080 up 5
wait_for "72 failed twice" 5 sh -c "[ \$($VIPCTL -s $SOCK status --json | jq '.children[] | select(.name==\"checkers\") | .status.real_servers[] | select(.address==\"192.0.2.72:8080\") | .consecutive_failures') -ge 2 ]"
fails_before=$(rs consecutive_failures 192.0.2.72:8080)
change72=$(rs last_change 192.0.2.72:8080)
lines_before=$(wc -l <"$T/fifo.log")

# Reload: 71's timeout changes, 73 goes, 74 (alpha) comes.
conf 2 no yes >"$T/vipd.conf"
check "reload" "$VIPCTL" -s "$SOCK" reload
wait_for "generation 2 applied" 5 sh -c "[ \"\$($VIPCTL -s $SOCK status --json | jq '.children[] | select(.name==\"checkers\") | .config_generation')\" = 2 ]"
wait_rs 192.0.2.74:8080 up 5
check "73 is gone" [ -z "$(rs state 192.0.2.73:8080)" ]
check "71 changed but kept its verdict" rs_is 192.0.2.71:8080 up
check "71 never went down" [ "$(rs last_change 192.0.2.71:8080)" = null ]
check "72 unchanged: still down, same change time" [ "$(rs state 192.0.2.72:8080)/$(rs last_change 192.0.2.72:8080)" = "down/$change72" ]
check "72 unchanged: its failures go on counting" [ "$(rs consecutive_failures 192.0.2.72:8080)" -ge "$fails_before" ]
check "the log says what was kept" grep -q "configuration 2: 3 checkers on 3 real servers (2 kept)" "$T/vipd.log"
wait_for "74's UP line" 5 grep -q "RS \[192.0.2.74\]:tcp:80" "$T/fifo.log"
check "only 74 changed in the fifo" [ "$(tail -n +$((lines_before + 1)) "$T/fifo.log")" = "RS [192.0.2.74]:tcp:8080 [192.0.2.10]:tcp:80 UP" ]

# Restart: kill the child; until its own verdicts, the remembered states stand.
old_pid=$(child_field checkers pid)
lines_before=$(wc -l <"$T/fifo.log")
kill -KILL "$old_pid"
: >"$T/seen"
end=$(( $(date +%s) + 4 ))
while [ "$(date +%s)" -lt "$end" ]; do
	status_json | jq -r '.children[] | select(.name == "checkers") | .status.real_servers[]? | "\(.address) \(.state)"' >>"$T/seen" 2>/dev/null || true
	sleep 0.1
done
new_pid=$(child_field checkers pid)
check "restarted ($old_pid -> $new_pid)" [ -n "$new_pid" ] && [ "$new_pid" != "$old_pid" ] && [ "$new_pid" != null ]
check "the new child reported states" grep -q "192.0.2.74:8080" "$T/seen"
check "71 stayed up" [ -z "$(grep '^192.0.2.71:8080 down' "$T/seen")" ]
check "72 stayed down" [ -z "$(grep '^192.0.2.72:8080 up' "$T/seen")" ]
check "74 (alpha) stayed up" [ -z "$(grep '^192.0.2.74:8080 down' "$T/seen")" ]
check "no fifo line from the restart" [ "$(wc -l <"$T/fifo.log")" = "$lines_before" ]
check "no state change logged by the new child" [ -z "$(grep "vipd\[$new_pid\]: checkers: real server" "$T/vipd.log")" ]
check "the remembered reason stands" [ "$(rs reason 192.0.2.72:8080)" = "connect: Connection refused" ]
check "stop exits 0" stop_vipd
finish
