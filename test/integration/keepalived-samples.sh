#!/bin/bash
# keepalived users migrate unchanged: on every sample configuration keepalived 2.2 ships, vipd -t gives
# keepalived -t's verdict (the same file, in a namespace holding its interfaces: test/compat/netns.sh):
# clean with clean, recovered with recovered (on a line keepalived names), refused with refused, except the
# samples listed in keepalived-samples.allowed with the reason.
. "${top_srcdir:-.}/test/integration/lib.sh"
. "${top_srcdir:-.}/test/compat/netns.sh"

SAMPLES=/usr/share/doc/keepalived/samples
if [ ! -d "$SAMPLES" ] || ! command -v keepalived >/dev/null; then
	echo "SKIP: $SAMPLES or keepalived is missing (apt-get install keepalived)"
	exit 77
fi
ALLOWED="${top_srcdir:-.}/test/integration/keepalived-samples.allowed"
export -f verdict_case verdict_class netns_for_file netns_interfaces_of
export T VIPD ALLOWED

n=0
for f in "$SAMPLES"/keepalived.conf.*; do [ -f "$f" ] && n=$((n + 1)); done
check "found the samples ($n)" [ "$n" -ge 20 ]
ls "$SAMPLES"/keepalived.conf.* | xargs -P 4 -I{} "$BASH" -c 'verdict_case {}' >"$T/verdicts" 2>&1
while read -r verdict rest; do
	if [ "$verdict" = ok ]; then pass "$rest"; else fail "$rest"; fi
done <"$T/verdicts"
check "every sample has a verdict" [ "$(wc -l <"$T/verdicts")" -eq "$n" ]

# no sample trips over an unknown keyword but the sync group members outside group { }, which keepalived
# 2.2 does not know either
for f in "$SAMPLES"/keepalived.conf.*; do
	if "$VIPD" -t -i high -f "$f" 2>&1 | grep -v ':[45]: VI_[23]: unknown keyword in vrrp_sync_group' |
		grep -q 'unknown keyword'; then
		fail "$(basename "$f"): an unknown keyword"
	fi
done
finish
