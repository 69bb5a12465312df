#!/bin/bash
# Lab scenario: the ipvs child of vipd against the real kernel.
#   - it adopts what the kernel holds (a wrong service is corrected in place, a stale destination of ours
#     removed, a foreign service left alone) and programs the rest;
#   - kill -9 of the ipvs child: no service disappears at any moment (polled while it restarts), and the
#     restarted child writes nothing because the table is right;
#   - a reload of the same config is not even sent to the ipvs child (it is told "unchanged") and writes
#     nothing; one changed weight is one write; a service removed from the config leaves the kernel;
#     foreign services survive everything;
#   - alpha (real servers down until a checker says otherwise; the virtual server's, or a checker's own):
#     inhibit_on_failure keeps them at weight 0, a lost quorum brings in the sorry server;
#   - SIGTERM leaves the table; with lvs_flush_onstop ours go and foreign ones stay; omega runs the
#     quorum_down of a virtual server that holds its quorum, and only with omega.
# Runs inside the lab guest: test/lab/run test/lab/scenarios/ipvs-reconcile.sh

set -uo pipefail

here=$(cd -P -- "$(dirname -- "$0")" && pwd)
top_srcdir=${top_srcdir:-$(cd "$here/../../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
VIPD=$top_builddir/vipd
VIPCTL=$top_builddir/vipctl
T=$(mktemp -d /tmp/ipvs-reconcile.XXXXXX)
SOCK=$T/vipd.sock
FAILS=0
VIPD_PID=

fail() { echo "FAIL: $*" >&2; FAILS=$((FAILS + 1)); }
ok() { echo "ok: $*"; }
cleanup() {
	[ -n "$VIPD_PID" ] && kill -KILL "$VIPD_PID" 2>/dev/null
	[ -f "$T/poll.pid" ] && kill "$(cat "$T/poll.pid")" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

for b in "$VIPD" "$VIPCTL"; do [ -x "$b" ] || { echo "FAIL: $b not built" >&2; exit 1; }; done
command -v ipvsadm >/dev/null || { echo "FAIL: ipvsadm not found: install the Debian package ipvsadm" >&2; exit 1; }
command -v jq >/dev/null || { echo "FAIL: jq not found: install the Debian package jq" >&2; exit 1; }
modprobe ip_vs || { echo "FAIL: modprobe ip_vs" >&2; exit 1; }

ipvs() { "$VIPCTL" -s "$SOCK" status --json 2>/dev/null | jq -r ".children[] | select(.name == \"ipvs\") | $1"; }
# wait_for DESCRIPTION SECONDS COMMAND...
wait_for() {
	local desc=$1 limit=$2 end
	shift 2
	end=$(($(date +%s) + limit))
	until "$@" 2>/dev/null; do
		[ "$(date +%s)" -ge "$end" ] && { fail "timed out after ${limit}s waiting for $desc"; return 1; }
		sleep 0.1
	done
}
reconciled_at_least() { [ "$(ipvs .status.reconciles)" -ge "$1" ] 2>/dev/null; }
start_vipd() {
	"$VIPD" -n -l -D -f "$T/vipd.conf" -p "$T/vipd.pid" -s "$SOCK" --ipvs >>"$T/vipd.log" 2>&1 &
	VIPD_PID=$!
	wait_for "the control socket" 20 test -S "$SOCK"
	wait_for "the first reconcile" 30 reconciled_at_least 1
}
stop_vipd() {
	kill -TERM "$VIPD_PID"
	wait "$VIPD_PID"
	VIPD_PID=
}
ipvs_at() { [ "$(ipvs .config_generation)" = "$1" ]; }
# reload: waits for the ipvs child to take the next generation, and to reconcile it if it changed for it
# (a configuration that is the same for the ipvs child is only acknowledged)
reload() {
	local before sent gen
	before=$(ipvs .status.reconciles)
	sent=$(ipvs .configs_sent)
	"$VIPCTL" -s "$SOCK" reload >/dev/null || fail "vipctl reload"
	gen=$("$VIPCTL" -s "$SOCK" status --json | jq -r .parent.config_generation)
	wait_for "the ipvs child at configuration $gen" 30 ipvs_at "$gen"
	if [ "$(ipvs .configs_sent)" -gt "$sent" ]; then
		wait_for "the reconcile after a reload" 30 reconciled_at_least $((before + 1))
	fi
}
table() { ipvsadm -S -n | sort; }

cat >"$T/vipd.conf" <<'CONF'
global_defs {
	router_id lab
}
virtual_server_group WEB {
	192.0.2.30-32 80
	fwmark 9
}
virtual_server 192.0.2.10 80 {
	protocol TCP
	lb_algo rr
	lb_kind NAT
	persistence_timeout 60
	real_server 10.9.0.21 80 {
		weight 3
	}
	real_server 10.9.0.22 8080 {
		weight 1
		uthreshold 100
		lthreshold 10
	}
}
virtual_server 192.0.2.10 53 {
	protocol UDP
	lb_algo wrr
	lb_kind DR
	ops
	real_server 10.9.0.23 53 {
		weight 2
	}
}
virtual_server fwmark 5 {
	lb_algo sh
	sh-port
	lb_kind TUN
	real_server 10.9.0.24 0 {
		weight 1
	}
	real_server 10.9.0.25 0 {
		lvs_method TUN type gue port 6080 csum
	}
}
virtual_server 2001:db8::10 443 {
	protocol TCP
	lb_algo mh
	persistence_timeout 300
	persistence_granularity 64
	lb_kind NAT
	real_server 2001:db8::21 443 {
		weight 5
	}
}
virtual_server group WEB {
	protocol TCP
	lb_algo lc
	lb_kind DR
	real_server 10.9.0.26 80 {
		weight 4
	}
}
virtual_server 192.0.2.11 80 {
	protocol TCP
	lb_algo wlc
	lb_kind NAT
	alpha
	inhibit_on_failure
	real_server 10.9.0.27 80 {
		weight 2
		TCP_CHECK {
		}
	}
}
virtual_server 192.0.2.12 80 {
	protocol TCP
	lb_algo rr
	lb_kind NAT
	sorry_server 10.9.0.99 80
	real_server 10.9.0.28 80 {
		weight 2
		TCP_CHECK {
			alpha
		}
	}
}
CONF
# omega on 192.0.2.10:80 (quorum held), none on 192.0.2.12:80 (whose quorum_down would say "no")
sed -i -e "/^virtual_server 192.0.2.10 80 {/a\\\tomega\n\tquorum_down \"echo yes >>$T/omega\"" \
	-e "/^virtual_server 192.0.2.12 80 {/a\\\tquorum_down \"echo no >>$T/omega\"" "$T/vipd.conf"
# exit 6: scripts would run as root without enable_script_security, as keepalived -t says too; it runs
"$VIPD" -t -f "$T/vipd.conf" || [ $? -eq 6 ] || fail "vipd -t refuses the config"

# a DR destination of a fwmark service has no port: keepalived 2.2.7 programs it so (ipvs-diff.sh, 04-groups)
sort >"$T/want" <<'RULES'
-A -t 192.0.2.10:80 -s rr -p 60
-a -t 192.0.2.10:80 -r 10.9.0.21:80 -m -w 3
-a -t 192.0.2.10:80 -r 10.9.0.22:8080 -m -w 1
-A -u 192.0.2.10:53 -s wrr -o
-a -u 192.0.2.10:53 -r 10.9.0.23:53 -g -w 2
-A -f 5 -s sh -b sh-port
-a -f 5 -r 10.9.0.24:0 -i -w 1 --tun-type ipip
-a -f 5 -r 10.9.0.25:0 -i -w 1 --tun-type gue --tun-port 6080 --tun-csum
-A -t [2001:db8::10]:443 -s mh -p 300 -M 64
-a -t [2001:db8::10]:443 -r [2001:db8::21]:443 -m -w 5
-A -t 192.0.2.30:80 -s lc
-a -t 192.0.2.30:80 -r 10.9.0.26:80 -g -w 4
-A -t 192.0.2.31:80 -s lc
-a -t 192.0.2.31:80 -r 10.9.0.26:80 -g -w 4
-A -t 192.0.2.32:80 -s lc
-a -t 192.0.2.32:80 -r 10.9.0.26:80 -g -w 4
-A -f 9 -s lc
-a -f 9 -r 10.9.0.26:0 -g -w 4
-A -t 192.0.2.11:80 -s wlc
-a -t 192.0.2.11:80 -r 10.9.0.27:80 -m -w 0
-A -t 192.0.2.12:80 -s rr
-a -t 192.0.2.12:80 -r 10.9.0.99:80 -m -w 1
-A -t 203.0.113.1:80 -s rr
-a -t 203.0.113.1:80 -r 10.9.0.50:80 -m -w 1
RULES

echo "== the kernel before vipd: a foreign service, one of ours set wrong, one of ours already right"
ipvsadm -C
ipvsadm -A -t 203.0.113.1:80 -s rr && ipvsadm -a -t 203.0.113.1:80 -r 10.9.0.50:80 -m
ipvsadm -A -t 192.0.2.10:80 -s wlc && ipvsadm -a -t 192.0.2.10:80 -r 10.9.0.29:80 -m -w 9 &&
	ipvsadm -a -t 192.0.2.10:80 -r 10.9.0.21:80 -m -w 1
ipvsadm -A -u 192.0.2.10:53 -s wrr -o && ipvsadm -a -u 192.0.2.10:53 -r 10.9.0.23:53 -g -w 2
# traffic counters tell whether a service was recreated: a recreated one starts from zero
ipvsadm --set 900 120 300

echo "== start"
start_vipd
table >"$T/have"
cmp -s "$T/have" "$T/want" && ok "the kernel table is what the config says, the foreign service kept" ||
	{ fail "kernel table after start"; diff "$T/want" "$T/have" >&2; }
# Of the 22 objects of ours: 192.0.2.10:53 and its destination were right (nothing); 192.0.2.10:80 takes
# SET_SERVICE, SET_DEST .21, NEW_DEST .22 and DEL_DEST .29 (4); the other 17 are new.
writes=$(ipvs .status.last_writes)
[ "$writes" -eq 21 ] && ok "start: $writes kernel writes (adopted what was right)" ||
	fail "start: $writes kernel writes, expected 21"
[ "$(ipvs .status.rs_down)" = 2 ] && ok "alpha (a virtual server's, a checker's): 2 real servers down until checked" ||
	fail "rs_down $(ipvs .status.rs_down)"
[ "$(ipvs .status.quorum_lost)" = 2 ] && ok "quorum lost on the 2 alpha services" || fail "quorum_lost $(ipvs .status.quorum_lost)"

echo "== kill -9 of the ipvs child, polling the table while it restarts"
pid=$(ipvs .pid)
grep '^-A' "$T/want" >"$T/want-services"
(
	echo $BASHPID >"$T/poll.pid"
	n=0
	while [ ! -f "$T/poll.stop" ]; do
		ipvsadm -S -n | grep '^-A' | sort >"$T/poll.now"
		missing=$(comm -23 "$T/want-services" "$T/poll.now" | head -n 1)
		[ -n "$missing" ] && echo "$n: missing $missing" >>"$T/poll.missing"
		n=$((n + 1))
		echo "$n" >"$T/poll.count"
	done
) &
poller=$!
sleep 0.3
polls_before=$(cat "$T/poll.count" 2>/dev/null || echo 0)
kill -KILL "$pid"
new_pid() { p=$(ipvs .pid); [ -n "$p" ] && [ "$p" != null ] && [ "$p" != "$pid" ]; }
wait_for "a new ipvs child" 30 new_pid
wait_for "the restarted child's reconcile" 30 reconciled_at_least 1
polls_during=$(($(cat "$T/poll.count" 2>/dev/null || echo 0) - polls_before))
sleep 0.3
touch "$T/poll.stop"
wait "$poller"
rm -f "$T/poll.pid"
polls=$(cat "$T/poll.count" 2>/dev/null || echo 0)
if [ -s "$T/poll.missing" ]; then
	fail "a service disappeared during the restart: $(head -n 3 "$T/poll.missing")"
else
	ok "no service missing in $polls polls during the restart"
fi
# the child is away for at least the parent's 1 s restart delay: polls must have ended in that window
[ "$polls_during" -ge 1 ] || fail "no poll ended while the ipvs child restarted ($polls in all)"
[ "$(ipvs .status.last_writes)" = 0 ] && ok "the restarted child wrote nothing" ||
	fail "the restarted child wrote $(ipvs .status.last_writes) times"
[ "$(ipvs .restarts)" = 1 ] || fail "restarts: $(ipvs .restarts)"
table | cmp -s - "$T/want" && ok "table intact after the restart" || fail "table changed by the restart"

echo "== reloads"
writes=$(ipvs .status.kernel_writes)
reload
[ "$(ipvs .configs_unchanged)" = 1 ] && ok "unchanged reload: the ipvs child is told it is unchanged" ||
	fail "unchanged reload: $(ipvs .configs_unchanged) unchanged notices"
[ "$(ipvs .status.kernel_writes)" = "$writes" ] && ok "unchanged reload: 0 kernel writes" ||
	fail "unchanged reload: $(($(ipvs .status.kernel_writes) - writes)) writes"
sed -i '/real_server 10.9.0.21 80/,/}/s/weight 3/weight 7/' "$T/vipd.conf"
reload
[ "$(ipvs .status.last_writes)" = 1 ] && ok "one weight changed: 1 kernel write" ||
	fail "one weight changed: $(ipvs .status.last_writes) writes"
ipvsadm -S -n | grep -q -- '-a -t 192.0.2.10:80 -r 10.9.0.21:80 -m -w 7' && ok "the new weight is in the kernel" ||
	fail "weight 7 not in the kernel"
ipvsadm -A -t 203.0.113.2:80 -s wlc
# drop the UDP service (its block: from its line to the closing brace at column 0)
sed -i '/^virtual_server 192.0.2.10 53 {/,/^}/d' "$T/vipd.conf"
reload
[ "$(ipvs .status.last_writes)" = 1 ] && ok "a service removed from the config: 1 kernel write" ||
	fail "removing a service: $(ipvs .status.last_writes) writes"
ipvsadm -S -n | grep -q -- '-A -u 192.0.2.10:53' && fail "the removed service is still there" ||
	ok "the removed service is gone"
ipvsadm -S -n | grep -q -- '-A -t 203.0.113.1:80' && ipvsadm -S -n | grep -q -- '-A -t 203.0.113.2:80' &&
	ok "foreign services survive reloads" || fail "a foreign service is gone"

echo "== stop and start again"
stop_vipd || fail "vipd exit status on SIGTERM"
ipvsadm -S -n | grep -q -- '-A -t 192.0.2.10:80' && ok "SIGTERM leaves the table" || fail "SIGTERM removed our services"
omega_ran() { [ "$(cat "$T/omega" 2>/dev/null)" = yes ]; }
wait_for "omega's quorum_down" 10 omega_ran && ok "omega: quorum_down of the virtual server with omega, only"
[ "$(cat "$T/omega" 2>/dev/null)" = yes ] || fail "omega scripts wrote '$(cat "$T/omega" 2>/dev/null)'"
rm -f "$T/omega"
start_vipd
[ "$(ipvs .status.last_writes)" = 0 ] && ok "a new vipd on a right table writes nothing" ||
	fail "new vipd wrote $(ipvs .status.last_writes) times"
sed -i 's/^\trouter_id lab/\trouter_id lab\n\tlvs_flush_onstop/' "$T/vipd.conf"
reload
stop_vipd || fail "vipd exit status on SIGTERM"
left=$(ipvsadm -S -n | grep '^-A' | sort | tr '\n' ' ')
[ "$left" = "-A -t 203.0.113.1:80 -s rr -A -t 203.0.113.2:80 -s wlc " ] &&
	ok "lvs_flush_onstop: ours removed, the foreign ones stay" || fail "after lvs_flush_onstop: $left"

if [ $FAILS -ne 0 ]; then
	echo "--- vipd log (tail)" >&2
	tail -n 30 "$T/vipd.log" >&2
	echo "FAIL: $FAILS check(s) failed" >&2
	exit 1
fi
echo "PASS: the ipvs child reconciles without flushing"
