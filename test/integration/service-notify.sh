#!/bin/sh
# Under systemd (Type=notify, WatchdogSec): READY=1 only once every child applied the configuration,
# RELOADING=1 then READY=1 on a reload (also a refused one), STOPPING=1 on SIGTERM, and WATCHDOG=1 pings
# that stop while a child no longer answers (SIGSTOPped) and resume when it does. The notify socket is a
# stand-in listener; the messages are systemd's protocol (sd_notify(3)).
. "${top_srcdir:-.}/test/integration/lib.sh"

NOTES="$T/notes"
python3 "$top_srcdir/test/integration/notify-listener.py" "$T/notify" "$NOTES" &
LISTENER=$!
wait_for "the notify listener" 5 test -S "$T/notify"

write_full_config "$T/full.conf"
# WATCHDOG_PID is left unset: the watchdog is then the main process's, as systemd's sd_notify reads it
NOTIFY_SOCKET="$T/notify" WATCHDOG_USEC=800000 start_vipd "$T/full.conf"

count() { grep -c " $1\$" "$NOTES" 2>/dev/null || true; }
wait_for "READY=1" 10 grep -q " READY=1$" "$NOTES"
# READY came after each child reported the configuration applied: by then every child holds generation 1
for c in vrrp ipvs checkers sync; do
	check "$c had applied configuration 1 when READY was sent" \
		[ "$(child_field "$c" status.config_generation)" = 1 ]
done
check "STATUS names the configuration" grep -q " STATUS=configuration 1 in force ($T/full.conf)" "$NOTES"
check "one READY=1 at start" [ "$(count READY=1)" = 1 ]

# the watchdog is pinged every 200 ms while every child answers
sleep 1.2
n1=$(count WATCHDOG=1)
check "WATCHDOG=1 pings while the children answer ($n1 in ~1.5 s)" [ "$n1" -ge 4 ]

# a child that stops answering stops the pings: systemd then restarts the service
checkers_pid=$(child_field checkers pid)
kill -STOP "$checkers_pid"
sleep 0.8	# half the period for the last pong to age, and a tick
n2=$(count WATCHDOG=1)
sleep 1.2
n3=$(count WATCHDOG=1)
check "no WATCHDOG=1 while checkers is stopped ($n2 then $n3)" [ "$n3" = "$n2" ]
check "the parent says which child does not answer" grep -q "checkers (pid $checkers_pid) has not answered" "$T/vipd.log"
kill -CONT "$checkers_pid"
sleep 1
n4=$(count WATCHDOG=1)
check "WATCHDOG=1 resumes when it answers again ($n3 then $n4)" [ "$n4" -gt "$n3" ]

# a reload: RELOADING=1, then READY=1 once the children applied generation 2
sed -i 's/priority 100/priority 101/' "$T/full.conf"
kill -HUP "$VIPD_PID"
wait_for "a second READY=1" 10 sh -c "[ \"\$(grep -c ' READY=1\$' '$NOTES')\" = 2 ]"
check "RELOADING=1 came before the second READY=1" \
	sh -c "grep -E ' (RELOADING|READY)=1$' '$NOTES' | awk '{print \$2}' | tr '\n' ' ' | grep -q 'READY=1 RELOADING=1 READY=1'"
check "vrrp had applied configuration 2 when READY was sent" [ "$(child_field vrrp status.config_generation)" = 2 ]

# a refused reload keeps the configuration in force, and the service is ready again with it
echo "vrrp_instance {" >>"$T/full.conf"
kill -HUP "$VIPD_PID"
wait_for "READY=1 after a refused reload" 10 sh -c "[ \"\$(grep -c ' READY=1\$' '$NOTES')\" = 3 ]"
check "STATUS after the refused reload still names configuration 2" \
	sh -c "grep ' STATUS=' '$NOTES' | tail -n 1 | grep -q 'configuration 2 in force'"

check "every notification came from the parent (NotifyAccess=main)" \
	sh -c "[ -s '$NOTES.pids' ] && [ \"\$(sort -u '$NOTES.pids')\" = '$VIPD_PID' ]"
check "vipd stops cleanly" stop_vipd
check "STOPPING=1 on SIGTERM" grep -q " STOPPING=1$" "$NOTES"
kill "$LISTENER" 2>/dev/null || true
wait "$LISTENER" 2>/dev/null || true

# without NOTIFY_SOCKET nothing is sent and nothing is logged about it
: >"$T/vipd.log"
write_full_config "$T/full.conf"
start_vipd "$T/full.conf"
wait_for "vrrp running" 10 child_is vrrp running
check "no watchdog without a service manager" sh -c "! grep -q 'watchdog:' '$T/vipd.log'"
check "vipd stops cleanly" stop_vipd
finish
