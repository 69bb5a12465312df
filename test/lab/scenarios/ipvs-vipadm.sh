#!/bin/bash
# Lab scenario: vipadm against the real kernel, with ipvsadm 1.31 as the oracle.
#   1. program a rule set covering every scheduler, forwarding method, family, fwmark, persistence and
#      thresholds with vipadm, then with ipvsadm: every listing of both tools must be byte-identical;
#   2. vipadm -S | vipadm -R round trip, ipvsadm -S | vipadm -R and vipadm -S | ipvsadm -R;
#   3. bad input: vipadm's message and exit code equal ipvsadm's for usage and kernel errors;
#   4. traffic: client -> VIP -> NAT to two real servers, rr then wlc, programmed by vipadm; -c listings.
# Runs inside the lab guest: test/lab/run test/lab/scenarios/ipvs-vipadm.sh

set -uo pipefail

here=$(cd -P -- "$(dirname -- "$0")" && pwd)
top_srcdir=${top_srcdir:-$(cd "$here/../../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
VIPADM=${VIPADM:-$top_builddir/vipadm}
# shellcheck source=../lib/topo.sh disable=SC1091
. "$here/../lib/topo.sh"

FAILS=0
T=$(mktemp -d)
fail() { echo "FAIL: $*" >&2; FAILS=$((FAILS + 1)); }
ok() { echo "ok: $*"; }

[ -x "$VIPADM" ] || { echo "FAIL: $VIPADM not built" >&2; exit 1; }
command -v ipvsadm >/dev/null || { echo "FAIL: ipvsadm not found: install the Debian package ipvsadm" >&2; exit 1; }
modprobe ip_vs || { echo "FAIL: modprobe ip_vs" >&2; exit 1; }
for m in rr wrr lc wlc lblc lblcr dh sh sed nq fo ovf mh pe_sip; do modprobe "ip_vs_$m" 2>/dev/null; done

# The rule set: every scheduler, NAT/DR/TUN (ipip, gue, gre), IPv4/IPv6, TCP/UDP/SCTP, fwmark (v4, v6),
# persistence with netmask/prefix and pe, one-packet, scheduler flags, thresholds, weights.
RULES=(
	"-A -t 192.0.2.10:80 -s rr"
	"-a -t 192.0.2.10:80 -r 10.9.0.21:80 -m -w 3"
	"-a -t 192.0.2.10:80 -r 10.9.0.22:8080 -m -w 0 -x 100 -y 10"
	"-A -u 192.0.2.10:53 -s wrr -p 60 -M 255.255.255.0"
	"-a -u 192.0.2.10:53 -r 10.9.0.23 -g"
	"-a -u 192.0.2.10:53 -r 10.9.0.24 -g -w 5 -x 1000 -y 200"
	"-A -f 5 -s sh -b sh-fallback,sh-port"
	"-a -f 5 -r 10.9.0.24 -i"
	"-a -f 5 -r 10.9.0.25 -i --tun-type gue --tun-port 6080 --tun-csum"
	"-a -f 5 -r 10.9.0.26 -i --tun-type gue --tun-port 6081 --tun-remcsum"
	"-a -f 5 -r 10.9.0.28 -i --tun-type gue --tun-port 6082 --tun-nocsum"
	"-a -f 5 -r 10.9.0.27 -i --tun-type gre --tun-csum"
	"-a -f 5 -r 10.9.0.29 -i --tun-type gre"
	"-A -t [2001:db8::10]:443 -s mh -b mh-port,mh-fallback -p"
	"-a -t [2001:db8::10]:443 -r [2001:db8::21]:443 -m"
	"-a -t [2001:db8::10]:443 -r [2001:db8::22]:8443 -m -w 9"
	"-A -u [2001:db8::10]:53 -s sed"
	"-a -u [2001:db8::10]:53 -r [2001:db8::23]:53 -g -w 2"
	"-A -f 6 -6 -s lc -p 120 -M 64"
	"-a -f 6 -6 -r 2001:db8::22 -g -w 7"
	"-A --sctp-service 192.0.2.11:9000 -s sed"
	"-a --sctp-service 192.0.2.11:9000 -r 10.9.0.31:9000 -m"
	"-A -u 192.0.2.12:5060 -s nq -p 30 --pe sip -o"
	"-A -u 192.0.2.12:5061 -s wlc -o"
	"-A -t 192.0.2.13:80 -s lblc -b flag-1,flag-2,flag-3"
	"-A -t 192.0.2.14:80"
	"-A -t 192.0.2.15:80 -s dh"
	"-A -t 192.0.2.16:80 -s fo"
	"-A -t 192.0.2.17:80 -s ovf"
	"-A -t 192.0.2.19:80 -s lblcr -p 100 -M 255.255.0.0"
	"-A -t 192.0.2.20:80 -s none"
	"-A -t 192.0.2.21:0 -s wlc -p"
	"-A -t 192.0.2.254:65535 -s wlc -p 999999"
	"-a -t 192.0.2.254:65535 -r 10.9.0.40 -m -w 2147483647"
	"-E -t 192.0.2.14:80 -s wrr -p 10"
	"-e -t 192.0.2.10:80 -r 10.9.0.21:80 -m -w 4 -x 50 -y 5"
	"-a -t 192.0.2.10:80 -r 10.9.0.99:80 -m"
	"-d -t 192.0.2.10:80 -r 10.9.0.99:80"
	"--set 10 20 30"
)
LISTS=(
	"-L -n" "-L -n --stats" "-L -n --rate" "-L -n --thresholds" "-L -n --persistent-conn" "-L -n --tun-info"
	"-L -n --stats --exact" "-L -n --rate --exact" "-L -n --nosort" "-L -n --timeout" "-L -n --daemon"
	"-S -n" "-S" "-L" "-l -n -t 192.0.2.10:80" "-L -n -f 5" "-L -n -f 6 -6" "-L -n -t [2001:db8::10]:443"
	"-L -n -c" "-L -n -c --persistent-conn" "-Ln --thresholds -u 192.0.2.10:53"
)

# program TOOL: applies RULES with TOOL, each must succeed
program() {
	local tool=$1 r
	for r in "${RULES[@]}"; do
		# shellcheck disable=SC2086
		$tool $r || fail "$tool $r: exit $?"
	done
}

# compare WHAT: every listing of ipvsadm and vipadm must match
compare() {
	local what=$1 l n=0 a v ra rb
	for l in "${LISTS[@]}"; do
		# shellcheck disable=SC2086
		a=$(ipvsadm $l 2>&1; echo "exit $?")
		# shellcheck disable=SC2086
		v=$("$VIPADM" $l 2>&1; echo "exit $?")
		if [ "$a" != "$v" ]; then
			fail "$what: '$l' differs"
			diff <(echo "$a") <(echo "$v") | head -20 >&2
		else
			n=$((n + 1))
		fi
	done
	ok "$what: $n of ${#LISTS[@]} listings identical"
}

echo "== 1. programmed by vipadm"
ipvsadm -C
program "$VIPADM"
ipvsadm -L -n
compare "programmed by vipadm"
ipvsadm -S -n >"$T/by-vipadm.rules"

echo "== 1b. programmed by ipvsadm"
ipvsadm -C
program ipvsadm
compare "programmed by ipvsadm"
ipvsadm -S -n >"$T/by-ipvsadm.rules"
cmp -s "$T/by-vipadm.rules" "$T/by-ipvsadm.rules" && ok "same table from both tools" ||
	{ fail "the two tools built different tables"; diff "$T/by-ipvsadm.rules" "$T/by-vipadm.rules" >&2; }

echo "== 2. save and restore"
ipvsadm -C
"$VIPADM" -R <"$T/by-ipvsadm.rules" || fail "vipadm -R exit $?"
ipvsadm -S -n >"$T/r1"
cmp -s "$T/r1" "$T/by-ipvsadm.rules" && ok "ipvsadm -S | vipadm -R" || { fail "vipadm -R of ipvsadm -S"; diff "$T/by-ipvsadm.rules" "$T/r1" >&2; }
"$VIPADM" -S >"$T/r2"
ipvsadm -C
ipvsadm -R <"$T/r2" || fail "ipvsadm -R of vipadm -S: exit $?"
ipvsadm -S -n >"$T/r3"
cmp -s "$T/r3" "$T/by-ipvsadm.rules" && ok "vipadm -S | ipvsadm -R" || { fail "ipvsadm -R of vipadm -S"; diff "$T/by-ipvsadm.rules" "$T/r3" >&2; }
"$VIPADM" -C || fail "vipadm -C"
[ -z "$(ipvsadm -S -n)" ] && ok "vipadm -C" || fail "vipadm -C left services"
"$VIPADM" -R <"$T/r2" || fail "vipadm -R of vipadm -S: exit $?"
"$VIPADM" -Z || fail "vipadm -Z"
"$VIPADM" -Z -t 192.0.2.10:80 || fail "vipadm -Z -t"

echo "== 3. bad input"
BAD=(
	"-A -t 192.0.2.10:80 -s rr" "-A -t 192.0.2.99:80 -s foo" "-a -t 192.0.2.99:80 -r 10.1.1.1"
	"-d -t 192.0.2.10:80 -r 10.1.1.1" "-e -t 192.0.2.10:80 -r 10.1.1.1" "-D -t 192.0.2.99:80"
	"-E -t 192.0.2.99:80" "-a -t 192.0.2.10:80 -r 10.9.0.21:80 -m" "-A -t 192.0.2.10" "-A"
	"-A -t 192.0.2.10:80 -u 1.2.3.4:5" "-a -t 192.0.2.10:80 -r 10.9.0.30 -x 1 -y 5"
	"-L -t 192.0.2.99:80" "--stop-daemon master" "-A -f 0" "-A -t 300.1.1.1:80" "-A -t 192.0.2.50:80 -p 0"
	"-A -t 192.0.2.50:80 -p 3000000" "-Z -t 192.0.2.99:80" "-a -f 5 -r 10.9.0.26 -i --tun-type gre --tun-remcsum"
	"-A --sctp-service 192.0.2.11:9001 -s sed -o" "-a -f 5 -r 10.9.0.50 -m --tun-type gue"
	"-a -f 5 -r 10.9.0.50 -i --tun-type gue" "-a -f 5 -r 10.9.0.50 -i --tun-type gue --tun-port 1 --tun-csum --tun-remcsum"
	"-a -f 5 -r 10.9.0.50 -i --tun-type foo" "-a -t 192.0.2.10:80 -r [2001:db8::1]:80 -m"
	"-L -c -t 192.0.2.10:80" "-L --timeout --daemon" "-A -t 192.0.2.50:80 -r 10.1.1.1" "-C -n" "-a -t 192.0.2.10:80"
	"-a -t 192.0.2.10:80 -r 10.1.1.1 -w -1" "-a -t 192.0.2.10:80 -r 10.1.1.1 -w x" "--set 1 2" "--set 1 2 x"
	"--start-daemon foo" "-A -t 192.0.2.50:80 -M 255.255.0.0" "-A -A" "-A -t 192.0.2.51:80 -s rr -b foo"
	"-a -t 192.0.2.10:80 -r 10.1.1.1:99999" "-f 5 -A -s rr -M 1.2.3" "-A -D -t 192.0.2.10:80" "-L -C" "-n" "foo"
	"-Ln -Z" "-A -t [2001:db8::1]:80 -M 200 -p" "-A -t [2001:db8::1]:80 -M 255.255.255.0 -p" "--stop-daemon foo"
	"--start-daemon master --syncid 300" "--start-daemon master --mcast-group 1.2.3" "--start-daemon master --mcast-port 0"
	"--start-daemon master --mcast-ttl 0" "--start-daemon master --mcast-interface nosuchif"
	"-A -t 192.0.2.51:80 -s rr -b sh-port" "-a -t 192.0.2.10:80 -r 10.1.1.1 -i --tun-port 5"
	"-a -t 192.0.2.10:80 -r 10.1.1.1 --tun-type ipip" "-a -t 192.0.2.10:80 -r 10.1.1.3 -i --tun-type gue --tun-port 0"
	"-L -n -c -t 192.0.2.10:80" "-S -t 192.0.2.10:80" "-R -n" "-Z -n" "-A -t 192.0.2.60:80 extra" "-A -t host.invalid:80"
	"-A -t 192.0.2.63:nosuchport" "-d -t 192.0.2.10:80" "-e -t 192.0.2.10:80 -r 10.9.0.21:80 -x 5 -y 10" "-A -t :80"
	"-A -t 192.0.2.64:80 -s 0123456789abcdefghij" "--set 1 2 3 4" "-A -t 80" "-A -t [2001:db8::5]" "-a -t 192.0.2.10:80 -r 10.1.1.1 -x x" "--foo"
)
nbad=0
for b in "${BAD[@]}"; do
	# shellcheck disable=SC2086
	a=$(ipvsadm $b 2>&1); ra=$?
	# the -M case succeeds: remove what ipvsadm added before vipadm tries the same
	[ $ra = 0 ] && ipvsadm -D -t 192.0.2.50:80 2>/dev/null
	# shellcheck disable=SC2086
	v=$("$VIPADM" $b 2>&1); rb=$?
	[ $rb = 0 ] && ipvsadm -D -t 192.0.2.50:80 2>/dev/null
	[ $rb -ge 128 ] && [ $rb -ne 255 ] && fail "vipadm $b crashed ($rb)"
	# the usage hint names the program
	v=${v//vipadm/ipvsadm}
	if [ $ra != $rb ] || [ "$a" != "$v" ]; then
		fail "bad input '$b': ipvsadm exit $ra '$a', vipadm exit $rb '$v'"
	else
		nbad=$((nbad + 1))
	fi
done
ok "bad input: $nbad of ${#BAD[@]} identical"
ipvsadm -X >"$T/a" 2>&1; ra=$?
"$VIPADM" -X >"$T/b" 2>&1; rb=$?
[ $ra = $rb ] && ok "unknown option: exit $ra" || fail "unknown option: ipvsadm $ra, vipadm $rb"

# -R with a bad line among good ones: what each tool applied (before and after it), its messages and its
# exit code, from an empty table each time. Lines separated by '|'.
RESTORES=(
	"-A -t 192.0.2.70:80 -s rr|-A -t 192.0.2.70:80 -s rr|-A -t 192.0.2.71:80 -s rr"
	"-A -t 192.0.2.70:80|-a -t 192.0.2.72:80 -r 10.1.1.1|-a -t 192.0.2.70:80 -r 10.1.1.2"
	"-A -t 192.0.2.70:80|-A -t 192.0.2.71:80 -s foo|-A -t 192.0.2.72:80"
	"-A -t 192.0.2.70:80|-A -t 192.0.2.70:80"
	"-A -t 192.0.2.70:80|-A -t 192.0.2.70:80|-A -t 192.0.2.71:80|-A -t 192.0.2.71:80|-A -t 192.0.2.72:80"
	"-A -t 192.0.2.70:80|-A -t 300.1.1.1:80|-A -t 192.0.2.71:80"
	"-A -t 192.0.2.70:80|-A -t 192.0.2.70:80|-A -t 300.1.1.1:80|-A -t 192.0.2.71:80"
	"-A -t 192.0.2.70:80|--set 1 2|-A -t 192.0.2.71:80"
	"-A -t 192.0.2.70:80|-D -t 192.0.2.79:80|--set 10 20 30|-A -t 192.0.2.71:80"
)
nrestore=0
for r in "${RESTORES[@]}"; do
	tr '|' '\n' <<<"$r" >"$T/restore.in"
	ipvsadm -C
	ipvsadm -R <"$T/restore.in" >"$T/a.out" 2>&1; ra=$?
	ipvsadm -S -n >"$T/a.table"
	ipvsadm -C
	"$VIPADM" -R <"$T/restore.in" >"$T/b.out" 2>&1; rb=$?
	ipvsadm -S -n >"$T/b.table"
	sed -i 's/vipadm/ipvsadm/g' "$T/b.out"
	if [ $ra != $rb ] || ! cmp -s "$T/a.out" "$T/b.out" || ! cmp -s "$T/a.table" "$T/b.table"; then
		fail "restore '$r': ipvsadm exit $ra '$(cat "$T/a.out")' table '$(tr '\n' ';' <"$T/a.table")'," \
			"vipadm exit $rb '$(cat "$T/b.out")' table '$(tr '\n' ';' <"$T/b.table")'"
	else
		nrestore=$((nrestore + 1))
	fi
done
ipvsadm -C
ipvsadm --set 900 120 300
ok "restore with bad lines: $nrestore of ${#RESTORES[@]} identical (applied lines, messages, exit code)"

echo "== 4. traffic through NAT, programmed by vipadm"
ipvsadm -C
topo_init
topo_bridge bx
topo_bridge bi
topo_host client bx eth0 192.0.2.100/24
topo_host dir bx eth0 192.0.2.1/24
topo_addr dir eth0 192.0.2.10/32
topo_host dir bi eth1 198.51.100.1/24
topo_forward dir
for rs in 1 2; do
	topo_host "rs$rs" bi eth0 "198.51.100.2$rs/24"
	topo_route "rs$rs" default via 198.51.100.1
	topo_httpd "rs$rs" "198.51.100.2$rs" 80 "rs$rs"
done
for sched in rr wlc; do
	topo_in dir "$VIPADM" -C
	topo_in dir "$VIPADM" -A -t 192.0.2.10:80 -s $sched || fail "vipadm -A $sched"
	topo_in dir "$VIPADM" -a -t 192.0.2.10:80 -r 198.51.100.21:80 -m || fail "vipadm -a rs1"
	topo_in dir "$VIPADM" -a -t 192.0.2.10:80 -r 198.51.100.22:80 -m || fail "vipadm -a rs2"
	declare -A got=([rs1]=0 [rs2]=0)
	for i in 1 2 3 4 5 6; do
		body=$(topo_fetch client http://192.0.2.10/) || { fail "$sched: fetch $i failed"; continue; }
		case $body in rs1 | rs2) got[$body]=$((got[$body] + 1)) ;; *) fail "$sched: answer '$body'" ;; esac
	done
	((got[rs1] > 0 && got[rs2] > 0)) && ok "$sched: both real servers answered (${got[rs1]}/${got[rs2]})" ||
		fail "$sched: rs1 ${got[rs1]}, rs2 ${got[rs2]}"
	for l in "-L -n" "-L -n -c" "-L -n -c --persistent-conn" "-L -n --thresholds" "-L -n --persistent-conn" "-L -c"; do
		# shellcheck disable=SC2086
		topo_in dir ipvsadm $l 2>&1 | sed -E 's/^(... )[0-9]{2}:[0-9]{2}/\1MM:SS/' >"$T/a"
		# shellcheck disable=SC2086
		topo_in dir "$VIPADM" $l 2>&1 | sed -E 's/^(... )[0-9]{2}:[0-9]{2}/\1MM:SS/' >"$T/b"
		cmp -s "$T/a" "$T/b" && ok "$sched: '$l' identical with live connections" ||
			{ fail "$sched: '$l' differs"; diff "$T/a" "$T/b" | head >&2; }
	done
done
topo_in dir ipvsadm -L -n -c

rm -rf "$T"
if [ $FAILS -ne 0 ]; then
	echo "FAIL: $FAILS check(s) failed" >&2
	exit 1
fi
echo "PASS: vipadm matches ipvsadm 1.31"
