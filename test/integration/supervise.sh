#!/bin/sh
# The parent starts the children the config needs, names them, restarts a killed one within the backoff,
# refuses a second instance, and stops everything in order on SIGTERM.
. "${top_srcdir:-.}/test/integration/lib.sh"

write_full_config "$T/full.conf"
start_vipd "$T/full.conf"

for c in vrrp ipvs checkers sync; do
	wait_for "$c running" 10 child_is "$c" running
done
check "the parent reports its pid" [ "$(jqs .parent.pid)" = "$VIPD_PID" ]
check "the parent reports its config file" [ "$(jqs .parent.config_file)" = "$T/full.conf" ]
wait_for "vrrp applied configuration 1" 10 sh -c "[ \"\$($VIPCTL -s $SOCK status --json | jq '.children[] | select(.name==\"vrrp\") | .status.config_generation')\" = 1 ]"
check "vrrp received its instance" [ "$(child_field vrrp 'status.instances[0].name')" = "VI_1" ]
check "ipvs received the virtual server" [ "$(child_field ipvs status.virtual_servers)" = 1 ]
check "checkers received the checker" [ "$(child_field checkers status.checkers)" = 1 ]

vrrp_pid=$(child_field vrrp pid)
check "the vrrp child names itself" [ "$(cat /proc/"$vrrp_pid"/comm)" = "vipd: vrrp" ]
check "ps shows the child as 'vipd: vrrp'" sh -c "tr '\\0' ' ' </proc/$vrrp_pid/cmdline | grep -q '^vipd: vrrp'"

# A second vipd on the same pid file must refuse to start.
if "$VIPD" -n -l -f "$T/full.conf" -p "$PIDFILE" -s "$T/other.sock" >"$T/second.log" 2>&1; then
	fail "a second vipd started on the same pid file"
else
	check "a second vipd names the running one" grep -q "another vipd (pid $VIPD_PID)" "$T/second.log"
fi

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
vrrp_back() {
	p=$(child_field vrrp pid)
	[ "$p" != null ] && [ "$p" != "$1" ]
}

# SIGKILL a child: it is back with a new pid after the first backoff (1 s).
t0=$(now_ms)
kill -KILL "$vrrp_pid"
wait_for "vrrp restarted" 6 vrrp_back "$vrrp_pid"
elapsed=$(( $(now_ms) - t0 ))
check "restarted after the 1 s backoff, not before ($elapsed ms)" [ "$elapsed" -ge 900 ]
check "restarts counted" [ "$(child_field vrrp restarts)" = 1 ]
check "last exit recorded" [ "$(child_field vrrp last_exit)" = "signal 9" ]
wait_for "the restarted vrrp has its configuration" 5 sh -c "[ \"\$($VIPCTL -s $SOCK status --json | jq '.children[] | select(.name==\"vrrp\") | .status.config_generation')\" = 1 ]"

# Killed again soon after: the backoff doubles to 2 s, and the state says so meanwhile.
vrrp_pid=$(child_field vrrp pid)
t0=$(now_ms)
kill -KILL "$vrrp_pid"
wait_for "vrrp in backoff" 2 child_is vrrp backoff
wait_for "vrrp back after the second backoff" 8 vrrp_back "$vrrp_pid"
elapsed=$(( $(now_ms) - t0 ))
check "second restart waited the doubled 2 s backoff ($elapsed ms)" [ "$elapsed" -ge 1900 ]
check "restarts counted twice" [ "$(child_field vrrp restarts)" = 2 ]
check "other children untouched" [ "$(child_field ipvs restarts)" = 0 ]

# The children die with the parent even when it is killed outright (PR_SET_PDEATHSIG).
pids=$(jqs '.children[].pid | select(. != null)')
kill -KILL "$VIPD_PID"
wait "$VIPD_PID" 2>/dev/null || true
VIPD_PID=""
gone() { for p in $pids; do kill -0 "$p" 2>/dev/null && return 1; done; return 0; }
wait_for "children gone after the parent was killed" 5 gone

# A stale pid file (left by SIGKILL) does not stop the next start.
check "the stale pid file is still there" test -f "$PIDFILE"
start_vipd "$T/full.conf"
wait_for "vrrp running after restart over a stale pid file" 10 child_is vrrp running

# SIGTERM: exit 0, children stopped, socket and pid file removed.
pids=$(jqs '.children[].pid | select(. != null)')
check "SIGTERM exits 0" stop_vipd
check "every child gone after SIGTERM" gone
check "socket removed" test ! -e "$SOCK"
check "pid file removed" test ! -e "$PIDFILE"
check "children stopped in order vrrp, sync, checkers, ipvs" sh -c \
	"grep -o 'parent: [a-z]* stopped' '$T/vipd.log' | tail -n 4 | tr '\n' ' ' | grep -q 'vrrp stopped parent: sync stopped parent: checkers stopped parent: ipvs stopped'"

# Only the children the config needs, and only those the process flags allow.
cat >"$T/vrrp-only.conf" <<'CONF'
vrrp_instance VI_1 {
	interface lo
	virtual_router_id 9
}
CONF
start_vipd "$T/vrrp-only.conf"
wait_for "vrrp running" 10 child_is vrrp running
check "no ipvs child without a virtual_server" child_is ipvs idle
check "no sync child without sync config" child_is sync idle
check "no bfd child without a bfd_instance" child_is bfd idle
stop_vipd
start_vipd "$T/full.conf" --ipvs --check
wait_for "ipvs running" 10 child_is ipvs running
wait_for "checkers running" 10 child_is checkers running
check "--ipvs --check: no vrrp" child_is vrrp idle
check "--ipvs --check: no sync" child_is sync idle
stop_vipd
finish
