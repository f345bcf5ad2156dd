#!/bin/sh
# `make bench`: print speed and peak memory figures as a table. Uses
# ../shared/eval when it is there, the fixtures otherwise. Asserts nothing.
set -eu
eval_dir=${EVAL_DIR:-../shared/eval}
if [ -d "$eval_dir/dev/raw" ]; then
	src="$eval_dir/dev/raw"
	echo "data: $src"
else
	src=fixtures/nato-hybrid
	echo "data: $src (../shared/eval not found)"
fi
echo "machine: $(uname -m), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
printf '%-34s %12s %-12s %10s\n' "what" "figure" "unit" "peak MiB"
row() { awk -F'\t' '{ printf "%-34s %12s %-12s %10s\n", $1, $2, $3, $4 }'; }
build/bench segment "$src"/*.txt | row
