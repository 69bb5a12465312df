#!/bin/bash
# corpus-run.sh DIR [OUTDIR]: the measurement of issue 11 on a local corpus of keepalived.conf files.
#
# For each regular file in DIR, in a fresh network namespace that holds every interface the file names
# (each up, with an IPv4 and an IPv6 address), run `keepalived -t -f FILE` (the reference, 2.2.7) and
# `$VIPD -t -f FILE`, each under `timeout 20`, and record both exit codes. keepalived's exit code
# classifies the file: 0 "clean", 5 "recovered" (errors it logs and runs past), 6 "security" (a script
# security violation, e.g. scripts run as root without enable_script_security: -t reports it apart, but
# the daemon logs it and runs), anything else "refused".
# vipd accepts a file when it exits 0, 5 or 6 (vipd -t exits 6 where keepalived -t does, and runs the file);
# a signal or a sanitizer report is a crash, 124 a hang. "same" counts the files where both exit alike.
#
# Writes OUTDIR/results.tsv (one line a file), OUTDIR/logs/NAME.{keepalived,vipd} (full output) and
# OUTDIR/summary.txt (the figures, also printed). Needs root (ip netns) and keepalived installed.
# Environment: VIPD (default: the vipd of the build folder this script belongs to, else ./vipd),
# KEEPALIVED (default: keepalived), JOBS (files measured at once, default 2), TIMEOUT (default 20).
#
# The corpus is other projects' files: keep it outside the repository (see test/compat/README.md).
set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${VIPD:=}"
if [ -z "$VIPD" ]; then
	if [ -x "$here/../../vipd" ]; then VIPD=$here/../../vipd; else VIPD=./vipd; fi
fi
: "${KEEPALIVED:=keepalived}"
: "${JOBS:=2}"
: "${TIMEOUT:=20}"
export VIPD KEEPALIVED TIMEOUT

# interfaces_of FILE: the interface names FILE uses, one a line. Expands $NAME / ${NAME} parameters
# defined in the file (a common way to name the interface once), drops comments and @ID lines, then takes the word
# after interface, dev, iif, oif, bind_if, lvs_sync_daemon(_interface), and every name listed in a
# track_interface block. Names the kernel cannot take (over 15 bytes, '/', ':', unexpanded '$') are skipped.
interfaces_of() {
	awk '
	function expand(s,   k, n, g) {
		for (n = 0; n < 8 && index(s, "$"); n++)
			for (k in par) {
				for (g = 0; g < 20 && match(s, "\\$\\{" k "\\}"); g++)
					s = substr(s, 1, RSTART - 1) par[k] substr(s, RSTART + RLENGTH)
				for (g = 0; g < 20 && match(s, "\\$" k "([^A-Za-z0-9_]|$)"); g++)
					s = substr(s, 1, RSTART - 1) par[k] substr(s, RSTART + 1 + length(k))
			}
		return s
	}
	# conditional lines: keepalived -t and vipd -t both default the config id to the host name, which no
	# corpus file names: @ID lines are dropped, @^ID lines kept without their prefix
	/^[ \t]*@\^[^ \t]+/ { sub(/^[ \t]*@\^[^ \t]+[ \t]*/, "") }
	/^[ \t]*@[^ \t^]/ { next }
	{ line = $0 }
	# a parameter definition: $NAME=value (no spaces around = in the name part)
	match(line, /^[ \t]*\$[A-Za-z_][A-Za-z0-9_]*[ \t]*=/) {
		name = line; sub(/^[ \t]*\$/, "", name); sub(/[ \t]*=.*/, "", name)
		val = line; sub(/^[^=]*=[ \t]*/, "", val); sub(/[ \t]+$/, "", val)
		par[name] = val; next
	}
	{
		line = expand(line)
		sub(/(^|[ \t])[#!].*/, "", line)
		gsub(/[{}]/, " & ", line)
		n = split(line, w, /[ \t]+/)
		for (i = 1; i <= n; i++) {
			t = w[i]
			if (t == "") continue
			if (intrack) {
				if (t == "}") { intrack = 0; continue }
				if (t == "{" || t == "weight" || t ~ /^-?[0-9]+$/) continue
				print t; continue
			}
			if (t == "track_interface") { wanttrack = 1; continue }
			if (wanttrack && t == "{") { intrack = 1; wanttrack = 0; continue }
			wanttrack = 0
			if (t == "interface" || t == "default_interface" || t == "dev" || t == "iif" || t == "oif" || t == "bind_if" ||
			    t == "lvs_sync_daemon" || t == "lvs_sync_daemon_interface") {
				if (i < n) print w[i + 1]
			}
		}
	}' "$1" | sed 's/^"\(.*\)"$/\1/' | grep -E '^[A-Za-z0-9_.@-]{1,15}$' | grep -vx 'lo' | sort -u
}

# one FILE OUTDIR: measure one file; prints its results.tsv line
one() {
	local f=$1 out=$2 name ns ka_rc vi_rc class verdict err
	name=$(basename "$f")
	ns="cr-${CR_MAIN:-x}-$$"
	netns_for_file "$ns" "$f" >"$out/logs/$name.netns" ||
		{ printf '%s\t-\t-\tnetns-failed\t-\t-\n' "$name"; return; }
	# keepalived -t runs from a private working directory (relative paths in the file resolve the same for
	# both) and with its own runtime files kept apart per run
	ka_rc=0
	(cd "$(dirname "$f")" && timeout -k 5 "$TIMEOUT" ip netns exec "$ns" "$KEEPALIVED" -t -f "$f") \
		>"$out/logs/$name.keepalived" 2>&1 || ka_rc=$?
	vi_rc=0
	(cd "$(dirname "$f")" && timeout -k 5 "$TIMEOUT" ip netns exec "$ns" "$VIPD" -t -f "$f") \
		>"$out/logs/$name.vipd" 2>&1 || vi_rc=$?
	ip netns del "$ns" 2>/dev/null
	case $ka_rc in
	0) class=clean ;;
	5) class=recovered ;;
	6) class=security ;;
	*) class=refused ;;
	esac
	if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:' "$out/logs/$name.vipd"; then
		verdict=crash
	elif [ "$vi_rc" -eq 124 ] || [ "$vi_rc" -eq 137 ]; then
		verdict=hang
	elif [ "$vi_rc" -gt 128 ]; then
		verdict=crash
	elif [ "$vi_rc" -eq 0 ] || [ "$vi_rc" -eq 5 ] || [ "$vi_rc" -eq 6 ]; then
		verdict=accept
	else
		verdict=refuse
	fi
	# the first error: a line that is neither a warning, a recovery nor the closing count
	err=$(grep -vE '^(warning|recovered): |^vipd: .*: [0-9]+ errors?$' "$out/logs/$name.vipd" | head -n 1)
	[ -n "$err" ] || [ "$verdict" = accept ] || err=$(head -n 1 "$out/logs/$name.vipd")
	err=${err//$'\t'/ }
	err=${err//"$f"/FILE}
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$ka_rc" "$vi_rc" "$class" "$verdict" "${err:0:300}"
}

. "$here/netns.sh"

if [ "${1:-}" = "--one" ]; then
	one "$2" "$3"
	exit 0
fi
if [ "${1:-}" = "--interfaces" ]; then
	interfaces_of "$2"
	exit 0
fi

if [ $# -lt 1 ] || [ ! -d "$1" ]; then
	echo "usage: $0 DIR [OUTDIR]   (VIPD=path/to/vipd JOBS=2 TIMEOUT=20)" >&2
	exit 2
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "$0: needs root (network namespaces)" >&2
	exit 2
fi
command -v "$KEEPALIVED" >/dev/null || { echo "$0: $KEEPALIVED not found" >&2; exit 2; }
[ -x "$VIPD" ] || { echo "$0: $VIPD not found (set VIPD)" >&2; exit 2; }
dir=$(cd "$1" && pwd)
out=${2:-./corpus-out}
mkdir -p "$out/logs" || exit 2
out=$(cd "$out" && pwd)

# namespaces are named cr-<this script's pid>-<worker pid>: whatever a killed run leaves, this removes
cleanup() {
	local n
	for n in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^cr-$$-"); do
		ip netns pids "$n" 2>/dev/null | xargs -r kill -KILL 2>/dev/null
		ip netns del "$n" 2>/dev/null
	done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

export CR_MAIN=$$
start=$(date +%s)
printf 'file\tkeepalived_rc\tvipd_rc\tclass\tvipd\tvipd_first_error\n' >"$out/results.tsv"
find "$dir" -maxdepth 1 -type f ! -name '*.tsv' ! -name '*.md' -printf '%p\0' | sort -z |
	xargs -0 -r -P "$JOBS" -I{} "$BASH" "$0" --one {} "$out" >>"$out/results.tsv"

awk -F'\t' -v vipd="$VIPD" -v secs=$(($(date +%s) - start)) '
NR == 1 { next }
{
	n++; cls[$4]++
	if ($5 == "accept") acc[$4]++
	if ($2 == $3) same[$4]++
	if ($5 == "crash") crash++
	if ($5 == "hang") hang++
}
function pct(a, b) { return b ? sprintf("%.1f", 100 * a / b) : "-" }
END {
	printf "vipd: %s\nfiles: %d (keepalived: %d clean, %d recovered, %d security, %d refused) in %d s\n", vipd, n,
		cls["clean"], cls["recovered"], cls["security"], cls["refused"], secs
	printf "vipd accepts %d of %d clean (%s %%)\n", acc["clean"], cls["clean"], pct(acc["clean"], cls["clean"])
	printf "vipd accepts %d of %d recovered (%s %%)\n", acc["recovered"], cls["recovered"],
		pct(acc["recovered"], cls["recovered"])
	printf "vipd accepts %d of %d security (%s %%)\n", acc["security"], cls["security"],
		pct(acc["security"], cls["security"])
	printf "same exit code: %d of %d clean, %d of %d recovered, %d of %d security\n", same["clean"], cls["clean"],
		same["recovered"], cls["recovered"], same["security"], cls["security"]
	printf "vipd accepts %d of %d keepalived refuses\n", acc["refused"], cls["refused"]
	printf "crashes: %d  hangs: %d\n", crash, hang
}' "$out/results.tsv" | tee "$out/summary.txt"
