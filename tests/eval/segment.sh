#!/bin/sh
# Sentence-boundary scores on ../shared/eval (dev/raw against dev/gold), with
# the project's score_seg.py; "plain" segments with ICU alone for comparison,
# as Swahili: a language ICU knows, with root sentence rules, for which
# tmalign has no exception data. usage: tests/eval/segment.sh [EVAL_DIR] [BINARY]
set -eu
eval_dir=${1:-../shared/eval}
bin=${2:-build/tmalign}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for mode in tmalign plain; do
	mkdir -p "$out/$mode"
	for f in "$eval_dir"/dev/raw/*.txt; do
		b=$(basename "$f" .txt)
		lang=${b##*.}
		[ $mode = plain ] && lang=sw
		"$bin" segment --lang "$lang" "$f" > "$out/$mode/$b.txt"
	done
	for l in en uk ru; do
		printf '%-8s ' $mode
		python3 "$eval_dir/score_seg.py" "$eval_dir/dev/gold" "$out/$mode" --lang $l
	done
done
