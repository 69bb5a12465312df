#!/bin/bash
# vipd -t gives keepalived -t's verdict: each file under verdicts/ is run through keepalived 2.2.7's -t and
# vipd's -t, in a namespace holding the interfaces it names (test/compat/netns.sh), and both must exit alike:
# 0 with 0, 5 with 5, a refusal (2, 4) with 4; when keepalived names lines in its messages of an exit 5,
# vipd's recovered lines name one of those lines too. verdicts/allowed-differences lists the exceptions.
. "${top_srcdir:-.}/test/integration/lib.sh"
. "${top_srcdir:-.}/test/compat/netns.sh"

command -v keepalived >/dev/null || { echo "SKIP: keepalived is not installed"; exit 77; }
dir="${top_srcdir:-.}/test/integration/verdicts"

# verdict_case FILE: prints "ok|FAIL NAME: what", after running both in a namespace of their own
verdict_case() {
	local f=$1 name ns ka=0 vi=0 klines vlines want
	name=$(basename "$f")
	ns="kv-$$-${name%.conf}"
	netns_for_file "$ns" "$f" eth0 eth1 >/dev/null 2>&1 || { echo "FAIL $name: no namespace"; return; }
	(cd "$T" && ip netns exec "$ns" timeout 20 keepalived -t -l -n -f "$f") >"$T/$name.ka" 2>&1 || ka=$?
	(cd "$T" && ip netns exec "$ns" timeout 20 "$VIPD" -t -f "$f") >"$T/$name.vipd" 2>&1 || vi=$?
	ip netns del "$ns"
	want=$(awk -F'\t' -v n="$name" '$1 == n { print $2 }' "$dir/allowed-differences")
	[ -n "$want" ] || want=$(verdict_class "$ka")
	if [ "$(verdict_class "$vi")" != "$want" ]; then
		echo "FAIL $name: keepalived -t exits $ka, vipd -t $vi ($(grep -v '^warning' "$T/$name.vipd" | head -n 1))"
		return
	fi
	# the lines keepalived names, and those vipd's recoveries name: some in common
	klines=$(grep -oE '\((.*: )?Line [0-9]+\)' "$T/$name.ka" | grep -oE '[0-9]+\)$' | tr -d ')' | sort -u)
	vlines=$(sed -n 's/^recovered: [^:]*:\([0-9]*\): .*/\1/p' "$T/$name.vipd" | sort -u)
	if [ "$ka" -eq 5 ] && [ -n "$klines" ] && [ -z "$(comm -12 <(echo "$klines") <(echo "$vlines"))" ]; then
		echo "FAIL $name: keepalived names lines" $klines", vipd's recoveries lines" $vlines
		return
	fi
	echo "ok $name: keepalived -t $ka, vipd -t $vi"
}
export -f verdict_case verdict_class netns_for_file netns_interfaces_of
export T VIPD dir

n=0
for f in "$dir"/*.conf; do n=$((n + 1)); done
check "found the cases ($n)" [ "$n" -ge 20 ]
# in parallel: each case is two short processes in its own namespace
ls "$dir"/*.conf | xargs -P 4 -I{} "$BASH" -c 'verdict_case "$(readlink -f {})"' >"$T/verdicts" 2>&1
while read -r verdict rest; do
	if [ "$verdict" = ok ]; then pass "$rest"; else fail "$rest"; fi
done <"$T/verdicts"
check "every case has a verdict" [ "$(wc -l <"$T/verdicts")" -eq "$n" ]
finish
