#!/bin/sh
# Runs checkers-bench.sh once per argument, in the lab VM (where keepalived can initialise IPVS):
#   LAB_PASS_ENV=VIPD VIPD=/path/to/vipd test/lab/run test/bench/checkers-lab.sh "keepalived tcp 1000 60" ...
# (the lab passes only listed variables into the guest; VIPD must be an absolute path)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
for args in "$@"; do
	# shellcheck disable=SC2086 # the words of each argument are the bench's arguments
	sh "$here/checkers-bench.sh" $args 2>&1 | tail -1
done
