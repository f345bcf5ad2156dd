#!/bin/sh
# seed.sh TARGET DIR: fill DIR with the seed corpus of a fuzz target: its
# kept inputs (tests/fuzz/corpus/TARGET: seeds and past crashes) and the
# fixture files it reads.
set -eu
t=$1
dir=$2
mkdir -p "$dir"
[ -d "tests/fuzz/corpus/$t" ] && cp tests/fuzz/corpus/$t/* "$dir/"
case $t in
segment) find fixtures -name '*.txt' -exec cp {} "$dir/" \; ;;
tmx) find fixtures -name '*.tmx' -exec cp {} "$dir/" \; ;;
jsonl) find fixtures -name '*.jsonl' -exec cp {} "$dir/" \; ;;
align)
	n=fixtures/nato-hybrid/nato-hybrid
	{ printf '\044'; cat $n.en.txt; printf '\0'; cat $n.ua.txt; printf '\0'; cat $n.ru.txt; } \
		> "$dir/nato-hybrid.3"
	{ printf '\001'; cat $n.en.txt; printf '\0'; cat $n.ua.txt; } > "$dir/nato-hybrid.2"
	;;
esac
