#!/bin/sh
# BFD detection time at 50 ms x 3, against keepalived 2.2.7's BFD and FRR's bfdd, both ways, over RUNS
# rounds: a peer frozen (SIGSTOP of every process in its namespace) and the time until the other end
# declares the session down; the time is taken in the shell just before the signal, so the figure is from
# the freeze, not from the last packet (it can be a little under 3 x 50 ms: the last packet was earlier).
# vipd's own figures come from the session's "since" in its status, the peers' from their logs, each line
# stamped as it is written.
#
#   sudo top_srcdir=/work/main top_builddir=/work/build sh test/bench/bfd-detect.sh [RUNS]
#
# Prints one line per detection and, per pair and direction, the median and the worst.
RUNS=${1:-20}
. "${top_srcdir:-.}/test/integration/lib.sh"
. "${top_srcdir:-.}/test/integration/vrrp-lib.sh"
BFDD=/usr/lib/frr/bfdd
command -v keepalived >/dev/null && [ -x "$BFDD" ] || { echo "keepalived and frr are needed"; exit 1; }

vt_net v k f
RUN="/var/run/frr/$VT"
mkdir -p "$RUN"
chown frr:frr "$RUN"
bench_cleanup() {
	pid=$(cat "$RUN/bfdd.pid" 2>/dev/null || true)
	if [ -n "$pid" ]; then kill -TERM "$pid" 2>/dev/null || true; fi
	vt_cleanup
	rm -rf "$RUN"
}
trap bench_cleanup EXIT

# one session: NAME ME PEER
sess_conf() {
	printf 'bfd_instance %s {\n\tneighbor_ip %s\n\tsource_ip %s\n\tmin_rx 50\n\tmin_tx 50\n\tmultiplier 3\n}\n' \
		"$1" "$3" "$2"
}
{ sess_conf K 192.0.2.1 192.0.2.2; sess_conf F 192.0.2.1 192.0.2.3; } >"$T/v.conf"
sess_conf V 192.0.2.2 192.0.2.1 >"$T/k.conf"
cat >"$RUN/bfdd.conf" <<'CONF'
debug bfd peer
bfd
 peer 192.0.2.1 local-address 192.0.2.3
  receive-interval 50
  transmit-interval 50
  detect-multiplier 3
 !
!
CONF
chmod 644 "$RUN/bfdd.conf"
cat >"$T/ts.py" <<'PY'
import sys, time
for line in sys.stdin:
    sys.stdout.write("%d %s" % (time.time_ns() // 1000000, line))
    sys.stdout.flush()
PY

ip netns exec "$(ns k)" sh -c "exec keepalived -n -l -f '$T/k.conf' -p '$T/k.pid' -b '$T/k.bfd.pid' 2>&1" |
	python3 -u "$T/ts.py" >"$T/k.log" &
ip netns exec "$(ns f)" sh -c "exec $BFDD -N $VT -f '$RUN/bfdd.conf' -u frr -g frr -P 0 --log stdout \
	--log-level debug -i '$RUN/bfdd.pid' --bfdctl '$RUN/bfdd.sock' 2>&1" | python3 -u "$T/ts.py" >"$T/f.log" &
wait_for "keepalived" 10 test -s "$T/k.pid"
KEEPALIVED_PIDS="$(cat "$T/k.pid")"
wait_for "bfdd" 10 test -s "$RUN/bfdd.pid"
ip netns exec "$(ns v)" "$VIPD" -n -l -f "$T/v.conf" -p "$T/v.pid" -s "$T/v.sock" --bfd >>"$T/v.log" 2>&1 &
echo $! >"$T/v.vipd"
DIRECTORS=v
wait_for "vipd" 10 test -S "$T/v.sock"

sess() {
	"$VIPCTL" -s "$T/v.sock" status --json |
		jq -r ".children[] | select(.name == \"bfd\") | .status.sessions[] | select(.name == \"$1\") | .$2"
}
sess_is() {
	[ "$(sess "$1" state)" = "$2" ]
}
# peer_down_at LOG PATTERN T0: the first time after T0 the peer logged its session down
peer_down_at() {
	awk -v t="$3" -v p="$2" '$1 >= t && index($0, p) { print $1; exit }' "$1"
}
peer_down() {
	[ -n "$(peer_down_at "$@")" ]
}
both_up() {
	sess_is K Up && sess_is F Up
}

: >"$T/results"
wait_for "both sessions up" 10 both_up
sleep 1
for r in $(seq "$RUNS"); do
	for peer in k f; do
		name=K; [ "$peer" = f ] && name=F
		# the peer frozen: vipd detects
		pids=$(ip netns pids "$(ns "$peer")")
		t0=$(date +%s%3N)
		kill -STOP $pids
		wait_for "$name down" 5 sess_is "$name" Down
		d=$(( $(sess "$name" since) - t0 ))
		kill -CONT $pids
		echo "run $r: vipd detects $peer frozen: $d ms" | tee -a "$T/results"
		echo "vipd<-$peer $d" >>"$T/samples"
		wait_for "$name up" 10 sess_is "$name" Up
		sleep 0.5
		# vipd frozen: the peer detects
		vpids=$(ip netns pids "$(ns v)")
		t0=$(date +%s%3N)
		kill -STOP $vpids
		if [ "$peer" = k ]; then
			log="$T/k.log" pat="(V) Entering Down state"
		else
			log="$T/f.log" pat="up -> down"
		fi
		wait_for "$peer detects" 5 peer_down "$log" "$pat" "$t0"
		kill -CONT $vpids
		d=$(( $(peer_down_at "$log" "$pat" "$t0") - t0 ))
		echo "run $r: $peer detects vipd frozen: $d ms" | tee -a "$T/results"
		echo "$peer<-vipd $d" >>"$T/samples"
		wait_for "$name up" 10 sess_is "$name" Up
		sleep 0.5
	done
done
echo "summary (ms, $RUNS runs, 50 ms x 3 = 150 ms):"
for pair in "vipd<-k" "k<-vipd" "vipd<-f" "f<-vipd"; do
	awk -v p="$pair" '$1 == p { print $2 }' "$T/samples" | sort -n |
		awk -v p="$pair" '{ v[NR] = $1 } END { printf "  %-8s median %d  worst %d  best %d\n", p, v[int((NR + 1) / 2)], v[NR], v[1] }'
done
FAILURES=0
vt_finish
