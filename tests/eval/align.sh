#!/bin/sh
# Alignment scores on ../shared/eval with its scorers: strict F1 per pair on
# dev/perturbed (presegmented ladders), three-way F1 on the same files, and
# end-to-end F1 from dev/raw (segmentation and alignment together).
# usage: tests/eval/align.sh [EVAL_DIR] [BINARY] [extra align options...]
set -eu
eval_dir=${1:-../shared/eval}
bin=${2:-build/tmalign}
[ $# -ge 2 ] && shift 2 || shift $#
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
p=$eval_dir/dev/perturbed
docs=$(ls "$p"/*.triples | xargs -n1 basename | sed 's/\.triples$//')
for pair in en-uk en-ru uk-ru; do
	a=${pair%-*}
	b=${pair#*-}
	g=""
	t=""
	for d in $docs; do
		"$bin" align --presegmented --no-store --print ladder "$@" \
			"$a=$p/$d.$a.sents" "$b=$p/$d.$b.sents" > "$out/$d.$pair.align"
		g="$g $p/$d.$pair.align"
		t="$t $out/$d.$pair.align"
	done
	printf '%s strict F1: ' $pair
	python3 "$eval_dir/score.py" --json -g $g -t $t |
		python3 -c 'import json,sys; r=json.load(sys.stdin); print("%.4f (P %.4f R %.4f)" % (r["f1_strict"], r["precision_strict"], r["recall_strict"]))'
done
g=""
t=""
for d in $docs; do
	"$bin" align --presegmented --no-store --print ladder "$@" \
		"en=$p/$d.en.sents" "uk=$p/$d.uk.sents" "ru=$p/$d.ru.sents" > "$out/$d.tri"
	g="$g $p/$d.triples"
	t="$t $out/$d.tri"
done
python3 "$eval_dir/score_triples.py" -g $g -t $t
mkdir -p "$out/e2e"
r=$eval_dir/dev/raw
for d in $docs; do
	"$bin" align --no-store --print jsonl "$@" \
		"en=$r/$d.en.txt" "uk=$r/$d.uk.txt" "ru=$r/$d.ru.txt" > "$out/e2e/$d.jsonl"
done
for langs in en,uk,ru en,uk en,ru uk,ru; do
	printf 'e2e '
	python3 "$eval_dir/score_e2e.py" "$eval_dir/dev/gold" "$out/e2e" --langs $langs
done
