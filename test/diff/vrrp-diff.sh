#!/bin/sh
# keepalived.conf files run unchanged, down to the kernel: for each configuration in test/diff/vrrp/*.conf
# and each of Debian's keepalived samples that has VRRP (their virtual_server parts stripped), keepalived
# 2.2.7 runs it alone in fresh network namespaces, then vipd does (both at once, in namespaces of their
# own: see vrrp-run.sh); once the instances settled, the links (VMACs included), addresses (their order,
# flags and lifetimes), routes and rules of both families, the sysctls keepalived touches and the
# instances' states must be the same, and so must what is left once the daemon stopped. A difference fails
# unless test/diff/vrrp/allowed.txt lists it with a topic of the DIFFERENCES FROM KEEPALIVED section of
# vipd.conf(5), where its reason is.
. "${top_srcdir:-.}/test/integration/lib.sh"
. "${top_srcdir:-.}/test/integration/vrrp-lib.sh"

command -v keepalived >/dev/null || { echo "FAIL: keepalived not installed (Debian package keepalived)" >&2; exit 1; }

DIR="$top_srcdir/test/diff/vrrp"
ALLOWED="$DIR/allowed.txt"
MAN="$top_srcdir/doc/vipd.conf.5"
SAMPLES=/usr/share/doc/keepalived/samples
JOBS=${VRRP_DIFF_JOBS:-8}
OUT="$T/out"
mkdir -p "$OUT" "$T/samples"

# The samples with VRRP, without their virtual_server and virtual_server_group blocks (keepalived --vrrp
# ignores them; vipd would start its IPVS child for them). conditional_conf is left out: its
# net_namespace lines move keepalived into namespaces of those names, and its advert_int 12 would take 40 s.
strip_lvs() {
	awk '
		depth == 0 && ($1 == "virtual_server" || $1 == "virtual_server_group") { skip = 1 }
		{
			line = $0
			sub(/[#!].*/, "", line)
			opens = gsub(/\{/, "{", line)
			closes = gsub(/\}/, "}", line)
			# lvs_sync_daemon_interface too: keepalived stops at once without IPVS in the kernel
			if (!skip && $1 != "lvs_sync_daemon_interface")
				print
			depth += opens - closes
			if (skip && depth == 0 && opens + closes > 0)
				skip = 0
		}' "$1"
}
if [ -d "$SAMPLES" ]; then
	for f in "$SAMPLES"/keepalived.conf.*; do
		case $f in *conditional_conf) continue ;; esac
		grep -q '^[[:space:]]*vrrp_instance' "$f" || continue
		strip_lvs "$f" >"$T/samples/sample-${f##*keepalived.conf.}.conf"
	done
fi

# VRRP_DIFF_ONLY=GLOB runs only the configurations whose names match (when working on one)
CONFS=$(for c in "$DIR"/*.conf "$T"/samples/*.conf; do
	# shellcheck disable=SC2254
	case $(basename "$c" .conf) in ${VRRP_DIFF_ONLY:-*}) echo "$c" ;; esac
done)
[ -n "$CONFS" ] || { fail "no configurations"; finish; }

# both sides of every configuration, JOBS configurations at a time
export VIPD VIPCTL
start=$(date +%s)
n=0
for c in $CONFS; do
	n=$((n + 1))
	id=$(basename "$c" .conf)
	printf '%s %s %s %s %s\n' "$c" "$id" "$OUT" ka "$VT-$n" "$c" "$id" "$OUT" vipd "$VT-$n"
done >"$T/jobs"
n=$(awk '$4 == "vipd"' "$T/jobs" | wc -l)
xargs -P "$((JOBS * 2))" -L 1 sh "$top_srcdir/test/diff/vrrp-run.sh" <"$T/jobs"
echo "ran $n configurations in $(( $(date +%s) - start )) s"

# allowed.txt: GLOB | ERE | TOPIC; a differing line (with its - or +) of a configuration matching GLOB is
# allowed when it matches ERE; TOPIC must be in vipd.conf(5)'s DIFFERENCES FROM KEEPALIVED
sed -n '/^\.SH "*DIFFERENCES FROM KEEPALIVED/,/^\.SH /p' "$MAN" >"$T/man-diff"
check "vipd.conf(5) has a DIFFERENCES FROM KEEPALIVED section" test -s "$T/man-diff"
grep -v '^#' "$ALLOWED" | grep -v '^[[:space:]]*$' >"$T/allowed" || true
while IFS= read -r entry; do
	topic=$(echo "$entry" | awk -F ' [|] ' '{ print $3 }')
	if [ -z "$topic" ] || ! grep -qF -- "$topic" "$T/man-diff"; then
		fail "allowed.txt: '$topic' is not a topic of vipd.conf(5)'s DIFFERENCES FROM KEEPALIVED"
	fi
done <"$T/allowed"

# differences ID FILE-SUFFIX: the lines that differ, each with its - (keepalived) or + (vipd)
differences() {
	diff "$OUT/$1.ka.$2" "$OUT/$1.vipd.$2" | sed -n 's/^< /- /p; s/^> /+ /p'
}

# order_only: the differing lines (on stdin) less those that differ only by the order of addresses (which
# address of a subnet came first, is primary, and is the source of the kernel's routes to the subnet),
# replaced by one line "~ running: the same addresses, in another order"
order_only() {
	awk '
		{ line[NR] = $0 }
		{
			k = $0
			sub(/^[-+] /, "", k)
			sub(/ secondary /, " ", k)
			if (k ~ /proto kernel scope (link|host) src /)
				sub(/ src [0-9.]+/, " src P", k)
			key[NR] = k
			n[k] += substr($0, 1, 1) == "-" ? 1 : -1
			seen[k]++
		}
		END {
			for (i = 1; i <= NR; i++) {
				if (n[key[i]] == 0 && seen[key[i]] % 2 == 0 && key[i] ~ /^running: (addr|route4) /) {
					moved = 1
					continue
				}
				print line[i]
			}
			if (moved)
				print "~ running: the same addresses, in another order"
		}'
}

# unallowed ID: the differing lines no entry of allowed.txt covers
unallowed() {
	while IFS= read -r line; do
		ok=0
		while IFS= read -r entry; do
			glob=$(echo "$entry" | awk -F ' [|] ' '{ print $1 }')
			re=$(echo "$entry" | awk -F ' [|] ' '{ print $2 }')
			# shellcheck disable=SC2254
			case $1 in $glob) ;; *) continue ;; esac
			if echo "$line" | grep -Eq -- "$re"; then
				ok=1
				echo "$entry" >>"$T/allowed.used"
				break
			fi
		done <"$T/allowed"
		[ "$ok" = 1 ] || echo "$line"
	done
}

identical=""
for c in $CONFS; do
	id=$(basename "$c" .conf)
	for f in dump stopped; do
		if [ ! -s "$OUT/$id.ka.$f" ] || [ ! -s "$OUT/$id.vipd.$f" ]; then
			fail "$id: no $f (see the logs below)"
			tail -n 20 "$OUT/$id.ka.log" "$OUT/$id.vipd.log" >&2
			continue 2
		fi
	done
	if grep -Eq "AddressSanitizer|runtime error:|LeakSanitizer" "$OUT/$id.vipd.log"; then
		fail "$id: a sanitizer report in vipd's log"
	fi
	if tail -n 1 "$OUT/$id.vipd.check" | grep -qx 'exit 4'; then
		# vipd refuses the file (what keepalived ran past): its errors are the difference
		grep -v '^warning: ' "$OUT/$id.vipd.check" | grep -v '^exit \|^vipd: .* errors\{0,1\}$' |
			sed 's/^[^ ]*:[0-9]*: /+ refused: /' >"$T/$id.diff"
	else
		{
			differences "$id" dump | sed 's/^\(.\) /\1 running: /'
			differences "$id" stopped | sed 's/^\(.\) /\1 stopped: /'
		} | order_only >"$T/$id.diff"
	fi
	if [ ! -s "$T/$id.diff" ]; then
		pass "$id: the same kernel state ($(grep -c '^state' "$OUT/$id.ka.dump") instances: $(grep '^state' \
			"$OUT/$id.ka.dump" | awk '{ printf "%s%s", sep, $3; sep = " " }'))"
		identical="$identical $id"
		continue
	fi
	unallowed "$id" <"$T/$id.diff" >"$T/$id.bad"
	if [ -s "$T/$id.bad" ]; then
		fail "$id: the kernel state differs (- keepalived, + vipd):"
		cat "$T/$id.bad" >&2
		echo "  vipd -t: $(tr '\n' ' ' <"$OUT/$id.vipd.check")" >&2
		tail -n 15 "$OUT/$id.vipd.log" >&2
	else
		pass "$id: the same but for allowed differences ($(wc -l <"$T/$id.diff") lines)"
	fi
done
echo "identical:$identical"
# VRRP_DIFF_KEEP=DIR keeps the dumps and logs there
if [ -n "${VRRP_DIFF_KEEP:-}" ]; then mkdir -p "$VRRP_DIFF_KEEP" && cp -r "$OUT"/. "$VRRP_DIFF_KEEP"; fi
# entries nothing needed any more are worth knowing about (but a kernel may lack what they cover)
if [ -z "${VRRP_DIFF_ONLY:-}" ]; then
	while IFS= read -r entry; do
		grep -qxF -- "$entry" "$T/allowed.used" 2>/dev/null || echo "note: allowed.txt entry not used: $entry"
	done <"$T/allowed"
fi
vt_finish
