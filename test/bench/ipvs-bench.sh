#!/bin/bash
# IPVS benchmark, in one lab run (not part of make check):
#   test/lab/run test/bench/ipvs-bench.sh [SERVICES] [DESTS]      (default 10000 x 10)
# Times ipvsadm -R and vipadm -R of the same rules, vipd's startup until the table is complete, then a
# no-op reload and a one-weight reload (time and kernel writes, from the ipvs child's status), and the
# re-adoption of the table by an ipvs child restarted after kill -9.

set -uo pipefail

here=$(cd -P -- "$(dirname -- "$0")" && pwd)
top_srcdir=${top_srcdir:-$(cd "$here/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
VIPD=$top_builddir/vipd
VIPCTL=$top_builddir/vipctl
VIPADM=$top_builddir/vipadm
NS=${1:-10000}
ND=${2:-10}
T=$(mktemp -d /tmp/ipvs-bench.XXXXXX)
SOCK=$T/vipd.sock
trap 'kill -KILL $VIPD_PID 2>/dev/null; rm -rf "$T"' EXIT
VIPD_PID=

# A fresh IPVS before each timed run: the kernel keeps deleted destinations in a trash list for a minute
# or two and ip_vs_add_dest scans all of it, so adding 100k destinations right after clearing 100k costs
# n^2 (90% of the time in ip_vs_add_dest under perf): unloading the module empties the trash.
fresh() {
	ipvsadm -C
	modprobe -r ip_vs_wlc ip_vs 2>/dev/null
	modprobe ip_vs && modprobe ip_vs_wlc || exit 1
}
fresh
now() { date +%s.%N; }
tod() { date +%H:%M:%S.%N | awk -F: '{ printf "%.3f\n", $1 * 3600 + $2 * 60 + $3 }'; }
since() { echo "$(now) - $1" | bc; }
ipvs() { "$VIPCTL" -s "$SOCK" status --json 2>/dev/null | jq -r ".children[] | select(.name == \"ipvs\") | $1"; }
parent() { "$VIPCTL" -s "$SOCK" status --json 2>/dev/null | jq -r ".parent | $1"; }
# secs PATTERN: the time of day (s) of the last vipd log line matching PATTERN
secs() { grep -E "$1" "$T/vipd.log" | tail -n 1 | awk '{ split($1, t, ":"); printf "%.3f\n", t[1] * 3600 + t[2] * 60 + t[3] }'; }
# span FROM TO: seconds between the last log lines matching FROM and TO
span() { echo "$(secs "$2") - $(secs "$1")" | bc; }

# services 10.100.0.0/16 port 80 (TCP), destinations 10.200.x.y port 8080 (NAT)
awk -v ns="$NS" -v nd="$ND" 'BEGIN {
	for (i = 0; i < ns; i++) {
		v = sprintf("10.100.%d.%d:80", int(i / 250), i % 250 + 1)
		printf "-A -t %s -s wlc\n", v
		for (j = 0; j < nd; j++)
			printf "-a -t %s -r 10.200.%d.%d:8080 -m -w 1\n", v, j, i % 250 + 1
	}
}' >"$T/rules"
awk -v ns="$NS" -v nd="$ND" 'BEGIN {
	print "global_defs {\n\trouter_id bench\n}"
	for (i = 0; i < ns; i++) {
		printf "virtual_server 10.100.%d.%d 80 {\n\tlb_algo wlc\n\tlb_kind NAT\n", int(i / 250), i % 250 + 1
		for (j = 0; j < nd; j++)
			printf "\treal_server 10.200.%d.%d 8080 {\n\t\tweight 1\n\t}\n", j, i % 250 + 1
		print "}"
	}
}' >"$T/vipd.conf"
objects=$((NS + NS * ND))
echo "== $NS services x $ND destinations = $objects objects; kernel $(uname -r), $(nproc) CPUs (qemu TCG)"

fresh
t0=$(now); ipvsadm -R <"$T/rules"; rc=$?; t_ipvsadm=$(since "$t0")
echo "ipvsadm -R: ${t_ipvsadm} s (exit $rc), $(ipvsadm -S -n | wc -l) lines in the table"
ipvsadm -S -n | sort >"$T/by-ipvsadm"

fresh
t0=$(now); "$VIPADM" -R <"$T/rules"; rc=$?; t_vipadm=$(since "$t0")
echo "vipadm -R: ${t_vipadm} s (exit $rc), $(ipvsadm -S -n | wc -l) lines in the table"
ipvsadm -S -n | sort | cmp -s - "$T/by-ipvsadm" && echo "vipadm -R built the same table as ipvsadm -R" ||
	echo "WARNING: vipadm -R built another table"

t0=$(now); "$VIPADM" -S -n >/dev/null; echo "vipadm -S -n: $(since "$t0") s"
t0=$(now); ipvsadm -S -n >/dev/null; echo "ipvsadm -S -n: $(since "$t0") s"

# The times of vipd are read from its log (the time of day of each line, ms): the end of each step is the
# line that says it is done, so the polls below (vipctl + jq, which take CPU from the guest) neither add to
# them nor need to be frequent.
fresh
t0=$(tod)
"$VIPD" -n -l -f "$T/vipd.conf" -p "$T/vipd.pid" -s "$SOCK" --ipvs >"$T/vipd.log" 2>&1 &
VIPD_PID=$!
until [ "$(ipvs .status.reconciles)" -ge 1 ] 2>/dev/null; do sleep 0.5; done
t_vipd=$(echo "$(secs "ipvs: reconciled") - $t0" | bc)
echo "vipd start until the table is complete: ${t_vipd} s (child's reconcile $(ipvs .status.last_ms) ms," \
	"$(ipvs .status.last_writes) writes, $(ipvs .status.last_failed) failed)"
ipvsadm -S -n | sort | cmp -s - "$T/by-ipvsadm" && echo "vipd built the same table" || echo "WARNING: vipd built another table"
grep -E "parent: (vipd .* started|started ipvs)|ipvs: (configuration|reconciled)" "$T/vipd.log" | head -4
echo "resident memory: parent $(ps -o rss= -p "$VIPD_PID") KiB, ipvs child $(ps -o rss= -p "$(ipvs .pid)") KiB"

# reload WHAT: from SIGHUP (a shell builtin, so no process start is timed: `vipctl reload` costs 0.1 to 0.9 s
# of exec and dynamic linking in this guest before vipd sees anything) until the ipvs child holds the new
# generation (and has reconciled it, if it was sent whole), and the kernel writes it cost.
reload() {
	local before sent writes t0 gen how end
	before=$(ipvs .status.reconciles)
	sent=$(ipvs .configs_sent)
	writes=$(ipvs .status.kernel_writes)
	gen=$(($(parent .config_generation) + 1))
	t0=$(tod)
	kill -HUP "$VIPD_PID"
	until [ "$(ipvs .config_generation)" = "$gen" ] 2>/dev/null; do sleep 0.2; done
	if [ "$(ipvs .configs_sent)" -gt "$sent" ]; then
		until [ "$(ipvs .status.reconciles)" -gt "$before" ] 2>/dev/null; do sleep 0.2; done
		how="sent whole; child's reconcile $(ipvs .status.last_ms) ms"
		end="ipvs: reconciled"
	else
		how="unchanged for the ipvs child: not sent, not reconciled"
		end="ipvs: configuration $gen:"
	fi
	echo "$1: $(echo "$(secs "$end") - $t0" | bc) s from SIGHUP, $how," \
		"$(($(ipvs .status.kernel_writes) - writes)) kernel writes"
	echo "  of which $(span "parent: reloading" "parent: configuration $gen in force") s reading and checking the file," \
		"then $(span "parent: configuration $gen in force" "ipvs: configuration $gen:") s until the ipvs child took it"
}
reload "no-op reload"
sed -i '0,/weight 1/s//weight 5/' "$T/vipd.conf"
reload "one-weight reload"
ipvsadm -S -n | grep -c -- '-w 5' | sed 's/^/destinations with weight 5: /'
pid=$(ipvs .pid)
t0=$(tod)
kill -KILL "$pid"
until p=$(ipvs .pid) && [ "$p" != null ] && [ "$p" != "$pid" ] && [ "$(ipvs .status.reconciles)" -ge 1 ] 2>/dev/null; do
	sleep 0.5
done
echo "kill -9 of the ipvs child until the restarted one adopted the full table: $(echo "$(secs "ipvs: reconciled") - $t0" | bc) s" \
	"(includes the parent's 1 s restart delay; reconcile with the kernel dump $(ipvs .status.last_ms) ms," \
	"$(ipvs .status.last_writes) writes)"
grep -E "ipvs: reconciled" "$T/vipd.log" | tail -n 1
kill -TERM "$VIPD_PID"; wait "$VIPD_PID"; VIPD_PID=
[ -n "${BENCH_LOG:-}" ] && grep -v "^$" "$T/vipd.log" | tail -n 30
echo "speedup: ipvsadm -R / vipadm -R = $(echo "scale=1; $t_ipvsadm / $t_vipadm" | bc)," \
	"ipvsadm -R / vipd start = $(echo "scale=1; $t_ipvsadm / $t_vipd" | bc)"
