#!/bin/sh
# Tracking, notification, reload and crash of the vrrp child alone:
# - a vrrp_script's weight lowers the master's priority below the backup's: the backup takes over; a
#   script that hangs is killed at its timeout and counted;
# - notify_master / notify_backup / notify_stop scripts, `notify` with INSTANCE name STATE priority,
#   vrrp_notify_fifo; `notify_master "SCRIPT ARGS" USER` runs SCRIPT ARGS as USER (keepalived's form);
# - SIGKILL of the vrrp child alone: the parent restarts it and it resumes as master (VIPs kept, no
#   failover with advert_int 1);
# - reload: unchanged instances keep their state (no transition), a changed priority is adopted.
. "${top_srcdir:-.}/test/integration/lib.sh"
. "${top_srcdir:-.}/test/integration/vrrp-lib.sh"

vt_net a b
mkfifo "$T/a.fifo"
# a reader that holds the fifo open read-write, so it never sees end-of-file between events
sh -c "exec 3<>'$T/a.fifo'; exec cat <&3 >>'$T/a.fifo.out'" &
FIFO_READER=$!
cat >"$T/notify.sh" <<'SH'
#!/bin/sh
echo "$*" >>"$(dirname "$0")/notify.out"
SH
chmod +x "$T/notify.sh"
# a notify script run as nobody: a directory nobody can reach and write (the test's own is private)
PUB=$(mktemp -d /tmp/vrrp-track.XXXXXX)
trap 'vt_cleanup; rm -rf "$PUB"' EXIT
cat >"$PUB/whoami.sh" <<'SH'
#!/bin/sh
echo "$(id -un) $2" >"$1/$3-ran-as"
SH
chmod 755 "$PUB/whoami.sh"
chmod 777 "$PUB"
touch "$T/a.ok"

# conf NAME CR-PRIO TR-PRIO
conf() {
	cat >"$T/$1.conf" <<CONF
global_defs {
	vrrp_version 3
	vrrp_notify_fifo $T/$1.fifo
}
vrrp_script chk {
	script "test -f $T/$1.ok"
	interval 0.2
	weight -60
}
vrrp_script hangs {
	script "sleep 10"
	interval 1
	timeout 0.3
	weight -1
}
vrrp_instance CR {
	interface eth0
	virtual_router_id 51
	priority $2
	advert_int 1
	notify_master "$PUB/whoami.sh $PUB master $1" nobody
	virtual_ipaddress {
		192.0.2.51/24
	}
}
vrrp_instance TR {
	interface eth0
	virtual_router_id 52
	priority $3
	advert_int 0.1
	track_script {
		chk
		hangs
	}
	notify_master "echo master >>$T/$1.master"
	notify_backup "echo backup >>$T/$1.backup"
	notify_stop "echo stop >>$T/$1.stop"
	notify $T/notify.sh
	virtual_ipaddress {
		192.0.2.52/24
	}
}
CONF
}
conf a 150 150
conf b 100 100
touch "$T/b.ok"

start_director a "$T/a.conf"
start_director b "$T/b.conf"
wait_for "a master of TR" 5 state_is a TR MASTER
wait_for "a master of CR" 8 state_is a CR MASTER
wait_for "b backup of CR" 3 state_is b CR BACKUP
# hangs: killed at 0.3 s, a failure: 150 - 1
wait_for "the hanging script timed out" 5 vfield_is a '.status.scripts[] | select(.name == "hangs") | .timeouts > 0' true
wait_for "a's TR at 149" 3 field_is a TR effective_priority 149
check "TR: priority 150 as configured" [ "$(inst a TR priority)" = 150 ]

# chk fails on a: 150 - 60 - 1 = 89 < 100: b takes over
rm "$T/a.ok"
wait_for "a's TR drops to 89" 3 field_is a TR effective_priority 89
wait_for "b takes TR" 5 state_is b TR MASTER
wait_for "a yields TR" 3 state_is a TR BACKUP
check "CR untouched" state_is a CR MASTER
touch "$T/a.ok"
wait_for "a takes TR back" 5 state_is a TR MASTER

# notifications
wait_for "notify_master ran" 3 grep -q master "$T/a.master"
wait_for "CR's notify_master ran" 3 test -s "$PUB/a-ran-as"
check "  as nobody, with its own arguments" [ "$(cat "$PUB/a-ran-as")" = "nobody master" ]
wait_for "notify_backup ran" 3 grep -q backup "$T/a.backup"
wait_for "notify has keepalived's arguments" 3 grep -q "^INSTANCE TR MASTER 149$" "$T/notify.out"
check "notify saw the backup state" grep -q "^INSTANCE TR BACKUP 89$" "$T/notify.out"
wait_for "the fifo got the line" 3 grep -q '^INSTANCE "TR" MASTER 149$' "$T/a.fifo.out"
check "the fifo got BACKUP too" grep -q '^INSTANCE "TR" BACKUP 89$' "$T/a.fifo.out"

# reload with the same file: nothing moves
tr_before=$(inst a TR transitions)
cr_before=$(inst a CR transitions)
kill -HUP "$(cat "$T/a.vipd")"
wait_for "a applied generation 2" 5 vfield_is a .config_generation 2
sleep 0.5
check "reload: TR did not flap" [ "$(inst a TR transitions)" = "$tr_before" ]
check "reload: CR did not flap" [ "$(inst a CR transitions)" = "$cr_before" ]
check "reload: VIP still on a" has_addr a 192.0.2.51

# the vrrp child alone crashes: it comes back as master, and b never takes CR (advert_int 1)
b_cr=$(inst b CR transitions)
vrrp_pid=$("$VIPCTL" -s "$T/a.sock" status --json | jq -r '.children[] | select(.name == "vrrp") | .pid')
kill -KILL "$vrrp_pid"
check "VIP kept while the child is down" has_addr a 192.0.2.51
wait_for "a new vrrp child" 5 vfield_is a ".pid != $vrrp_pid and .state == \"running\"" true
wait_for "it resumed CR as master" 5 state_is a CR MASTER
check "resumption logged" grep -q "CR: resuming as master" "$T/a.log"
check "resumed master's transitions: just one (INIT to MASTER)" [ "$(inst a CR transitions)" = 1 ]
check "VIP still on a" has_addr a 192.0.2.51
sleep 1.5
check "b never took CR" [ "$(inst b CR transitions)" = "$b_cr" ]
check "b still backup of CR" state_is b CR BACKUP
check "no VIP on b" no_addr b 192.0.2.51

# a reload that lowers CR's priority under b's: adapted in place, b preempts
sed -i 's/priority 150/priority 90/' "$T/a.conf"
kill -HUP "$(cat "$T/a.vipd")"
wait_for "CR's priority adopted" 5 field_is a CR priority 90
wait_for "b takes CR" 6 state_is b CR MASTER
wait_for "a backup of CR" 3 state_is a CR BACKUP

# SIGTERM: notify_stop runs, and notify says STOP
stop_director a
wait_for "notify_stop ran" 3 grep -q stop "$T/a.stop"
wait_for "notify saw STOP" 3 grep -q "^INSTANCE TR STOP " "$T/notify.out"
wait_for "b takes TR after a stopped" 3 state_is b TR MASTER
kill "$FIFO_READER" 2>/dev/null || true
vt_finish
