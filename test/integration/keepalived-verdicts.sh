#!/bin/bash
# vipd -t gives keepalived -t's verdict: each file under verdicts/ is run through keepalived 2.2.7's -t and
# vipd's -t, in a namespace holding the interfaces it names (test/compat/netns.sh), and both must exit alike:
# 0 with 0, 5 with 5, a refusal (2, 4) with 4; when keepalived names lines in its messages of an exit 5,
# vipd's recovered lines name one of those lines too. verdicts/allowed-differences lists the exceptions.
. "${top_srcdir:-.}/test/integration/lib.sh"
. "${top_srcdir:-.}/test/compat/netns.sh"

command -v keepalived >/dev/null || { echo "SKIP: keepalived is not installed"; exit 77; }
dir="${top_srcdir:-.}/test/integration/verdicts"

export -f verdict_case verdict_class netns_for_file netns_interfaces_of
ALLOWED="$dir/allowed-differences"
export T VIPD ALLOWED

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
