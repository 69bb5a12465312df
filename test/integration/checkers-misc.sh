#!/bin/sh
# MISC_CHECK with a script whose exit code the test sets: 0 up, 1 down, 2+N up with weight N
# (misc_dynamic), a script that hangs past misc_timeout (its whole process group is killed), notify_up /
# notify_down scripts, and lvs_notify_fifo lines in keepalived's format.
CK_SCRIPT=$0
. "${top_srcdir:-.}/test/integration/checkers-lib.sh"
requires jq

ck_net 192.0.2.51
echo 0 >"$T/code"
cat >"$T/check.sh" <<'SH'
#!/bin/sh
exit "$(cat "$1")"
SH
# a script that leaves a grandchild behind and hangs: the timeout must take both
cat >"$T/hang.sh" <<'SH'
#!/bin/sh
sleep 300 &
echo $! >"$1"
sleep 300
SH
cat >"$T/notify.sh" <<'SH'
#!/bin/sh
echo "$1 $2" >>"$3"
SH
chmod +x "$T/check.sh" "$T/hang.sh" "$T/notify.sh"
mkfifo "$T/fifo"
# read-write, so the reader never sees end-of-file between vipd's writes
cat <>"$T/fifo" >"$T/fifo.log" &
CK_PIDS="$CK_PIDS $!"

# a script run as another user: a directory that user can reach (the test's own is private)
PUB=$(mktemp -d /tmp/ck-misc.XXXXXX)
CK_DIRS="$PUB"
chmod 755 "$PUB"
cat >"$PUB/whoami.sh" <<'SH'
#!/bin/sh
id -un >"$1/ran-as"
SH
cat >"$PUB/notified.sh" <<'SH'
#!/bin/sh
echo "$(id -un) $2" >"$1/notified-as"
SH
chmod 755 "$PUB/whoami.sh" "$PUB/notified.sh"
chmod 777 "$PUB"

cat >"$T/vipd.conf" <<CONF
global_defs {
	lvs_notify_fifo $T/fifo
}
virtual_server 192.0.2.10 80 {
	protocol TCP
	lb_algo wlc
	lb_kind NAT
	delay_loop 0.3
	real_server 192.0.2.51 80 {
		notify_up "$T/notify.sh 51 UP $T/notify.log"
		notify_down "$T/notify.sh 51 DOWN $T/notify.log"
		MISC_CHECK {
			misc_path "$T/check.sh $T/code"
			misc_timeout 2
			misc_dynamic
		}
	}
	real_server 192.0.2.53 80 {
		# keepalived's form: the script (quoted, with its arguments), then the user to run it as
		notify_up "$PUB/notified.sh $PUB up" nobody
		MISC_CHECK {
			misc_path "$PUB/whoami.sh $PUB"
			user nobody
			alpha
		}
	}
	real_server 192.0.2.52 80 {
		MISC_CHECK {
			misc_path "$T/hang.sh $T/grandchild"
			misc_timeout 0.5
		}
	}
}
CONF
start_vipd "$T/vipd.conf"
wait_for "checkers running" 10 child_is checkers running
wait_rs 192.0.2.51:80 up 5
wait_for "exit 0: the result" 5 sh -c "[ \"\$($VIPCTL -s $SOCK status --json | jq -r '.children[] | select(.name==\"checkers\") | .status.real_servers[] | select(.address==\"192.0.2.51:80\") | .last_result')\" = 'script exit 0' ]"
check "exit 0: the configured weight" [ "$(rs weight 192.0.2.51:80)" = null ]

echo 12 >"$T/code"
wait_for "weight 10" 5 sh -c "[ \"\$($VIPCTL -s $SOCK status --json | jq -r '.children[] | select(.name==\"checkers\") | .status.real_servers[] | select(.address==\"192.0.2.51:80\") | .weight')\" = 10 ]"
check "exit 12: still up" rs_is 192.0.2.51:80 up

echo 1 >"$T/code"
wait_rs 192.0.2.51:80 down 5
check "exit 1: the reason" [ "$(rs reason 192.0.2.51:80)" = "script exit 1" ]
wait_for "notify_down ran" 5 grep -qx "51 DOWN" "$T/notify.log"
wait_for "the fifo line DOWN" 5 grep -qx "RS \[192.0.2.51\]:tcp:80 \[192.0.2.10\]:tcp:80 DOWN" "$T/fifo.log"

echo 0 >"$T/code"
wait_rs 192.0.2.51:80 up 5
wait_for "notify_up ran" 5 grep -qx "51 UP" "$T/notify.log"
wait_for "the fifo line UP" 5 grep -qx "RS \[192.0.2.51\]:tcp:80 \[192.0.2.10\]:tcp:80 UP" "$T/fifo.log"
check "one line per change" [ "$(grep -c 192.0.2.51 "$T/fifo.log")" = 2 ]
check "the hanging one went down once" [ "$(grep -c 192.0.2.52 "$T/fifo.log")" = 1 ]

wait_for "the script as nobody" 5 test -s "$PUB/ran-as"
check "ran as nobody" [ "$(cat "$PUB/ran-as")" = nobody ]
wait_for "notify_up SCRIPT USER ran" 5 test -s "$PUB/notified-as"
check "  as that user, with the script's own arguments" [ "$(cat "$PUB/notified-as")" = "nobody up" ]
wait_rs 192.0.2.52:80 down 5
check "hang: the reason" [ "$(rs reason 192.0.2.52:80)" = "script timeout" ]
wait_for "the grandchild's pid" 5 test -s "$T/grandchild"
gc=$(cat "$T/grandchild")
wait_for "the grandchild killed with its group" 3 sh -c "! kill -0 $gc"
# [h]: the pattern must not match the shell that runs pgrep
# the script of the run under way (sh -c and the script itself) is one process group, at most
groups=$(for p in $(pgrep -f "$T/[h]ang.sh"); do ps -o pgid= -p "$p"; done | sort -u | wc -l)
check "at most the current run's script ($groups groups)" [ "$groups" -le 1 ]
check "stop exits 0" stop_vipd
check "no hung script after stop" [ -z "$(pgrep -f "$T/[h]ang.sh")" ]
check "no sleep of theirs either" [ -z "$(pgrep -f "[s]leep 300")" ]
finish
