#!/bin/sh
# `make mutate`: plant each bug of tests/mutations.txt, one at a time, in a
# scratch copy of the tree, run the unit and end-to-end tests there, and
# print a table: which test killed it, or "SURVIVED". Takes long; not part
# of `make test` or CI. MUTATIONS=FILE runs another list; ONLY=N runs line
# N of the list alone.
set -u
list=${MUTATIONS:-tests/mutations.txt}
top=$(pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
# The tree as it is (the working copy, not a commit), built once for tests.
tar --exclude=./build --exclude=./.git -cf - . | (cd "$scratch" && tar -xf -)
cd "$scratch"
make -s build/tmx14.dtd >/dev/null 2>&1 || cp "$top/build/tmx14.dtd" build/ 2>/dev/null
tests=$(make -s print-tests)
make -s -j2 build/test/tmalign build/test/sqltool $tests >/dev/null 2>&1 ||
	{ echo "mutate: the tree does not build"; exit 1; }

# Apply mutation "FILE ||| TEXT ||| REPLACEMENT" (escapes \n \t \| \\).
apply() {
	python3 - "$1" <<'PY'
import sys
def unescape(s):
    out, i = [], 0
    while i < len(s):
        if s[i] == "\\" and i + 1 < len(s) and s[i + 1] in "nt|\\":
            out.append({"n": "\n", "t": "\t", "|": "|", "\\": "\\"}[s[i + 1]])
            i += 2
        else:
            out.append(s[i])
            i += 1
    return "".join(out)
f, old, new = [p.strip() for p in sys.argv[1].split(" ||| ")[:3]]
old, new = unescape(old), unescape(new)
text = open(f).read()
if text.count(old) != 1:
    sys.exit(f"{text.count(old)} places")
open(f, "w").write(text.replace(old, new))
PY
}

n=0
killed=0
survived=0
printf '| %-3s | %-20s | %-55s | %s\n' "#" "file" "bug" "killed by"
while IFS= read -r line; do
	case $line in '#'*|'') continue ;; esac
	n=$((n + 1))
	[ -n "${ONLY:-}" ] && [ "$ONLY" != $n ] && continue
	file=${line%% |||*}
	what=${line##*||| }
	cp "$file" "$file.orig"
	if ! why=$(apply "$line" 2>&1); then
		printf '| %-3s | %-20s | %-55s | NOT APPLIED (%s)\n' $n "${file#src/}" "$what" "$why"
		mv "$file.orig" "$file"
		continue
	fi
	if ! make -s -j2 build/test/tmalign $tests >/dev/null 2>&1; then
		by="the build"
	else
		by=$(FAIL_FAST=1 TMALIGN=build/test/tmalign SQLTOOL=build/test/sqltool \
			TMX_DTD="$scratch/build/tmx14.dtd" sh tests/run.sh $tests 2>&1 |
			sed -n 's/^FAIL \(e2e \)\{0,1\}\([^:]*\).*/\2/p' | head -1)
	fi
	if [ -n "$by" ]; then
		killed=$((killed + 1))
	else
		survived=$((survived + 1))
		by="SURVIVED"
	fi
	printf '| %-3s | %-20s | %-55s | %s\n' $n "${file#src/}" "$what" "$by"
	mv "$file.orig" "$file"
	touch "$file"
done < "$top/$list"
make -s -j2 build/test/tmalign $tests >/dev/null 2>&1
total=$((killed + survived))
[ $total -gt 0 ] && echo "killed $killed of $total ($((100 * killed / total))%), $survived survived"
