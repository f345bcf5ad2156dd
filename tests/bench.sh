#!/bin/sh
# `make bench`: print speed and peak memory figures as a table. Uses
# ../shared/eval when it is there, the fixtures otherwise. Asserts nothing:
# these are figures to read, not tests.
set -eu
eval_dir=${EVAL_DIR:-../shared/eval}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ -d "$eval_dir/dev/raw" ]; then
	raw="$eval_dir/dev/raw"
	pre="$eval_dir/dev/perturbed"
	echo "data: $eval_dir (dev)"
else
	raw=fixtures/nato-hybrid
	pre=""
	echo "data: fixtures (../shared/eval not found)"
fi
echo "machine: $(uname -m), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
printf '%-40s %12s %-12s %10s\n' "what" "figure" "unit" "peak MiB"
row() { awk -F'\t' '{ printf "%-40s %12s %-12s %10s\n", $1, $2, $3, $4 }'; }

# Segmentation of every raw article.
build/bench segment "$raw"/*.txt | row

# One long document: the articles one after another, ten times over
# (at least 10,000 sentences a side).
: > "$tmp/long.en" ; : > "$tmp/long.uk"
i=0
while [ $i -lt 10 ] || [ "$(wc -l < "$tmp/long.en")" -lt 10000 ]; do
	if [ -n "$pre" ]; then
		cat "$pre"/*.en.sents >> "$tmp/long.en"
		cat "$pre"/*.uk.sents >> "$tmp/long.uk"
	else
		build/tmalign segment "$raw/nato-hybrid.en.txt" | grep -v '^$' >> "$tmp/long.en"
		build/tmalign segment "$raw/nato-hybrid.ua.txt" | grep -v '^$' >> "$tmp/long.uk"
	fi
	i=$((i + 1))
done
build/bench align-long "$tmp/long.en" "$tmp/long.uk" | row

# Many short articles, three languages each.
if [ -n "$pre" ]; then
	for f in "$raw"/*.en.txt; do
		d=${f%.en.txt}
		echo "$d.en.txt $d.uk.txt $d.ru.txt"
	done > "$tmp/list"
else
	for i in $(seq 1 60); do
		echo "$raw/nato-hybrid.en.txt $raw/nato-hybrid.ua.txt $raw/nato-hybrid.ru.txt"
	done > "$tmp/list"
fi
build/bench align-many "$tmp/list" | row
