#!/bin/sh
# Phrase lookup on ../shared/eval with its scorer: inflected queries found
# (recall per language), translation spans (exact and token F1), and
# --translations top-1, on a memory of the dev gold lines as 1-1-1 units.
# usage: tests/eval/phrases.sh [EVAL_DIR] [BINARY]
set -eu
eval_dir=${1:-../shared/eval}
bin=${2:-build/tmalign}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 "$eval_dir/score_phrases.py" "$bin" "$eval_dir/dev/gold" "$eval_dir/phrases/dev.tsv" "$work" |
	tr ' ' '\n'
