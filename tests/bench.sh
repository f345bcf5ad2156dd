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

# Whole collections end to end (read, segment, align, store into a new
# memory): the articles 50 times over, each copy with a first line of its
# own so that none is skipped as stored already.
copies=${BENCH_COPIES:-50}
c=1
while [ $c -le $copies ]; do
	mkdir -p "$tmp/coll/copy$c"
	awk -v c=$c -v d="$tmp/coll/copy$c" 'FNR == 1 {
		if (out) close(out)
		n = split(FILENAME, part, "/")
		out = d "/" part[n]
		print "Copy " c "." > out
		print "" > out
	} { print > out }' $(awk '{ print $1, $2, $3 }' "$tmp/list" | sort -u)
	c=$((c + 1))
done
triples=$((copies * $(sort -u "$tmp/list" | wc -l)))
for jobs in 1 2; do
	build/bench run "triples into a memory, $jobs job(s)" triples/s $triples \
		build/tmalign align --tm "$tmp/coll$jobs.db" --dir "$tmp/coll" --jobs $jobs |
		tee "$tmp/coll$jobs.row" | row
	rm -f "$tmp/coll$jobs.db"*
done
paste "$tmp/coll1.row" "$tmp/coll2.row" |
	awk -F'\t' '{ printf "%-40s %12.2f %-12s\n", "2 jobs over 1 job", $6 / $2, "x" }'
rm -rf "$tmp/coll"

# The memory: N units (default 1,000,000) made from the gold lines (or the
# fixture), then exported to TMX and JSON Lines and imported back. The peak
# memory of a 100,000-unit run beside it shows whether it grows with units.
units=${BENCH_UNITS:-1000000}
if [ -n "$pre" ]; then
	cat "$eval_dir"/dev/gold/*.en.sents > "$tmp/lines.en"
	cat "$eval_dir"/dev/gold/*.uk.sents > "$tmp/lines.uk"
	cat "$eval_dir"/dev/gold/*.ru.sents > "$tmp/lines.ru"
else
	build/tmalign align --no-store --print tsv "$raw/nato-hybrid.en.txt" \
		"$raw/nato-hybrid.ua.txt" "$raw/nato-hybrid.ru.txt" > "$tmp/tsv"
	cut -f1 "$tmp/tsv" > "$tmp/lines.en"
	cut -f2 "$tmp/tsv" > "$tmp/lines.uk"
	cut -f3 "$tmp/tsv" > "$tmp/lines.ru"
fi
small=$((units / 10))
for n in $small $units; do
	build/bench build-memory "$tmp/m$n.db" $n "$tmp/lines.en" "$tmp/lines.uk" "$tmp/lines.ru"
	build/bench run "export TMX, $n units" units/s $n \
		build/tmalign export --tm "$tmp/m$n.db" --format tmx -o "$tmp/e$n.tmx" | row
	build/bench run "export JSONL, $n units" units/s $n \
		build/tmalign export --tm "$tmp/m$n.db" --format jsonl -o "$tmp/e$n.jsonl" | row
	build/bench run "import TMX, $n units" units/s $n \
		build/tmalign import --tm "$tmp/i$n.db" "$tmp/e$n.tmx" | row
	build/bench run "import JSONL, $n units" units/s $n \
		build/tmalign import --tm "$tmp/j$n.db" "$tmp/e$n.jsonl" | row
	rm -f "$tmp/e$n.tmx" "$tmp/e$n.jsonl" "$tmp/i$n.db"* "$tmp/j$n.db"*
	# The word model, without dictionaries (TMALIGN_DICT_PATH empty) and
	# with those Debian installed.
	if [ $n = $small ]; then
		TMALIGN_DICT_PATH=/nonexistent build/bench run "train, $n units" units/s $n \
			build/tmalign train --tm "$tmp/m$n.db" | row
		build/bench run "train with dictionaries, $n units" units/s $n \
			build/tmalign train --tm "$tmp/m$n.db" | row
	fi
	[ $n = $units ] || rm -f "$tmp/m$n.db"*
done
echo "memory file of $units units: $(du -m "$tmp/m$units.db" | cut -f1) MiB"
build/bench run "train, $units units" units/s $units build/tmalign train --tm "$tmp/m$units.db" | row
echo "memory file of $units units with its word model: $(du -m "$tmp/m$units.db" | cut -f1) MiB"
build/bench lookup "$tmp/m$units.db" 500 | row
