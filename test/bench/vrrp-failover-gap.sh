#!/bin/sh
# Failover gap of vipd and of keepalived, in the same run: a client sends a UDP probe to the VIP every
# 10 ms; the master (priority 150) dies like a machine does (every process SIGKILLed, then its link taken
# down); the gap is the time between the last answer from the old master and the first from the new one
# (priority 100). v3 at advert_int 1 and 0.1. The master dies half an interval after one of its adverts
# (the client sniffs them), the same point for every run and both daemons; the second figure, from the old
# master's last advert to the first answer from the new one, would not depend on that point anyway: it is
# what the backup's timers and the takeover cost.
#
#   sudo top_srcdir=/work/main top_builddir=/work/build-vrrp sh test/bench/vrrp-failover-gap.sh [RUNS]
#
# INTERVALS="0.1" and DAEMONS="vipd" restrict it. Prints one line per run and a summary per daemon and
# interval; target: gap <= 3 x interval + Skew_Time
# + 50 ms, and not worse than keepalived.
RUNS=${1:-5}
. "${top_srcdir:-.}/test/integration/lib.sh"
. "${top_srcdir:-.}/test/integration/vrrp-lib.sh"
command -v keepalived >/dev/null || { echo "keepalived is needed for the comparison"; exit 1; }

cat >"$T/echo.py" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 9000))
name = sys.argv[1].encode()
while True:
    data, peer = s.recvfrom(64)
    s.sendto(data + name, peer)
PY
cat >"$T/probe.py" <<'PY'
# probe.py VIP SECONDS OUT KILL-SCRIPT INTERVAL: a probe every 10 ms; writes "time answer RESPONDER" per
# answer and, from a raw socket joined to 224.0.0.18, "time advert SOURCE PRIORITY" per VRRP advert seen.
# After 2 s it runs KILL-SCRIPT half an interval after an advert of the master: the same point of the
# interval for every run and both daemons, so their gaps compare.
import select, socket, struct, subprocess, sys, time
vip, dur, out, killer, interval = sys.argv[1], float(sys.argv[2]), sys.argv[3], sys.argv[4], float(sys.argv[5])
kill_at, killed = None, False
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setblocking(False)
v = socket.socket(socket.AF_INET, socket.SOCK_RAW, 112)
v.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
             socket.inet_aton("224.0.0.18") + socket.inet_aton("192.0.2.3"))
v.setblocking(False)
seq, t0 = 0, time.monotonic()
nxt, rec = t0, []
while time.monotonic() - t0 < dur:
    if time.monotonic() >= nxt:
        try:
            s.sendto(struct.pack("!I", seq), (vip, 9000))
        except OSError:
            pass
        seq += 1
        nxt += 0.01
    r, _, _ = select.select([s, v], [], [], max(0.0, nxt - time.monotonic()))
    now = time.monotonic()
    if s in r:
        while True:
            try:
                data, _ = s.recvfrom(64)
            except BlockingIOError:
                break
            rec.append("%.6f answer %s" % (now, data[4:].decode()))
    if v in r:
        while True:
            try:
                data = v.recv(2048)
            except BlockingIOError:
                break
            hl = (data[0] & 15) * 4
            src = socket.inet_ntoa(data[12:16])
            rec.append("%.6f advert %s %d" % (now, src, data[hl + 2]))
            if src == "192.0.2.1" and kill_at is None and now - t0 > 2:
                kill_at = now + interval / 2
    if kill_at is not None and not killed and time.monotonic() >= kill_at:
        killed = True
        rec.append("%.6f kill" % time.monotonic())
        subprocess.run(["sh", killer])
with open(out, "w") as f:
    f.write("\n".join(rec) + "\n")
PY
cat >"$T/gap.py" <<'PY'
# gap.py PROBE-OUT: "GAP AFTER-LAST-ADVERT" in ms; the second does not depend on when in the advert
# interval the master died
import sys
ans, adv = [], []
for l in open(sys.argv[1]):
    f = l.split()
    if len(f) >= 3 and f[1] == "answer":
        ans.append((float(f[0]), f[2]))
    elif len(f) >= 4 and f[1] == "advert" and f[2] == "192.0.2.1":
        adv.append(float(f[0]))
last_a = max((t for t, w in ans if w == "a"), default=None)
first_b = min((t for t, w in ans if w == "b" and last_a is not None and t > last_a), default=None)
if last_a is None or first_b is None:
    print("nan nan")
else:
    last_adv = max((t for t in adv if t <= last_a + 0.5), default=None)
    print("%.0f %s" % ((first_b - last_a) * 1000, "nan" if last_adv is None else "%.0f" % ((first_b - last_adv) * 1000)))
PY

# vipd or keepalived config: NAME PRIO ADVERT
conf() {
	cat <<CONF
global_defs {
	router_id $1
}
vrrp_instance BENCH {
	state BACKUP
	interface eth0
	virtual_router_id 77
	version 3
	priority $2
	advert_int $3
	virtual_ipaddress {
		192.0.2.100/24
	}
}
CONF
}

teardown() {
	for n in a b c; do
		for pid in $(ip netns pids "$(ns $n)" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
	done
	sleep 0.2
	for n in $(ip netns list | awk '{print $1}' | grep "^$VT-" || true); do ip netns del "$n"; done
	DIRECTORS=""
}

# one_run DAEMON ADVERT: prints the gap in ms
one_run() {
	daemon=$1
	adv=$2
	vt_net a b c >/dev/null
	conf a 150 "$adv" >"$T/a.conf"
	conf b 100 "$adv" >"$T/b.conf"
	for d in a b; do
		rm -f "$T/$d.sock" "$T/$d.pid" "$T/$d.ka.pid" "$T/$d.ka.vrrp.pid"
		if [ "$daemon" = vipd ]; then
			start_director $d "$T/$d.conf" >/dev/null
		else
			start_keepalived $d "$T/$d.conf"
		fi
		ip netns exec "$(ns $d)" python3 "$T/echo.py" $d >/dev/null 2>&1 &
	done
	# a is master once the VIP answers from it
	end=$(( $(date +%s) + 15 ))
	until ip -n "$(ns a)" addr show dev eth0 | grep -q 192.0.2.100; do
		[ "$(date +%s)" -lt "$end" ] || { echo "nan"; teardown; return; }
		sleep 0.1
	done
	sleep 1
	# kill_director's steps, for the probe to run at its chosen instant
	pids=$(ip netns pids "$(ns a)" | tr '\n' ' ')
	cat >"$T/kill.sh" <<KILL
kill -STOP $pids
ip -n $NS_BR link set $PORT_a down
kill -KILL $pids
KILL
	ip netns exec "$(ns c)" python3 "$T/probe.py" 192.0.2.100 "$(echo "$adv" | awk '{print 2 + 4 * $1 + 2}')" \
		"$T/probe.out" "$T/kill.sh" "$adv" >"$T/probe.err" 2>&1 || cat "$T/probe.err" >&2
	python3 "$T/gap.py" "$T/probe.out" || echo "nan nan"
	teardown
}

# summary FILE COLUMN: min median max of a column
summary() {
	awk -v c="$2" '{print $c}' "$1" | sort -n | awk '{v[NR]=$1} END { printf "min=%s median=%s max=%s", v[1], v[int((NR + 1) / 2)], v[NR] }'
}

echo "daemon advert_int run gap_ms after_last_advert_ms"
for adv in ${INTERVALS:-1 0.1}; do
	for daemon in ${DAEMONS:-vipd keepalived}; do
		: >"$T/gaps"
		for r in $(seq "$RUNS"); do
			g=$(one_run $daemon $adv)
			echo "$daemon $adv $r $g"
			echo "$g" >>"$T/gaps"
		done
		echo "SUMMARY $daemon advert_int=$adv runs=$RUNS gap: $(summary "$T/gaps" 1);" \
			"after last advert: $(summary "$T/gaps" 2);" \
			"target $(awk -v a="$adv" 'BEGIN { printf "%.0f", (3 * a + (256 - 100) * a / 256) * 1000 + 50 }')"
	done
done
