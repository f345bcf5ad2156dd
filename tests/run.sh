#!/bin/sh
# Run the unit-test binaries given as arguments and the end-to-end cases,
# then print one line counting what passed and failed.
#
# Unit tests are cmocka programs; they print TAP ("ok N - name").
# End-to-end cases: every fixtures/CASE/cmd is a shell snippet run in
# fixtures/CASE with `tmalign` on PATH (the binary in $TMALIGN, wrapped by
# $TMALIGN_WRAP, e.g. valgrind), `sqltool` too ($SQLTOOL, a tiny SQLite
# shell), a fresh memory in $TMALIGN_TM, a scratch directory in $TMP and the
# binary itself in $TMALIGN_BIN. Its
# standard output must equal CASE/expected, its exit status CASE/status (0
# when absent), and every line of CASE/expected.err must occur in its
# standard error. Set UPDATE=1 to rewrite the expected files, FAIL_FAST=1
# to stop at the first failure (make mutate does).
set -u
: "${TMALIGN:=build/tmalign}"
: "${TMALIGN_WRAP:=}"
: "${SQLTOOL:=build/test/sqltool}"
top=$(pwd)
# Loading a Hunspell dictionary makes a million allocations; recording a
# stack for each would take AddressSanitizer seconds per command. Errors
# and leaks are still reported (without the allocation's stack: rerun a
# failing case with ASAN_OPTIONS= for it).
export ASAN_OPTIONS="${ASAN_OPTIONS-malloc_context_size=0}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0
fail=0

for t in "$@"; do
	out=$(CMOCKA_MESSAGE_OUTPUT=TAP "./$t" 2>&1)
	rc=$?
	p=$(printf '%s\n' "$out" | grep -c '^ok ')
	f=$(printf '%s\n' "$out" | grep -c '^not ok ')
	if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1   # crashed or sanitizer report outside a test
	fi
	pass=$((pass + p))
	fail=$((fail + f))
	if [ "$f" -ne 0 ]; then
		printf '%s\n' "$out" | grep -v '^ok '
		echo "FAIL $t"
		[ -n "${FAIL_FAST:-}" ] && exit 1
	else
		echo "ok   $t ($p tests)"
	fi
done

mkdir -p "$work/bin"
cat > "$work/bin/tmalign" <<EOS
#!/bin/sh
exec $TMALIGN_WRAP "$top/$TMALIGN" "\$@"
EOS
chmod +x "$work/bin/tmalign"
ln -s "$top/$SQLTOOL" "$work/bin/sqltool"

for cmd in fixtures/*/cmd; do
	[ -f "$cmd" ] || continue
	dir=$(dirname "$cmd")
	name=$(basename "$dir")
	rm -rf "$work/case"
	mkdir -p "$work/case"
	# Dictionaries: the fixtures' own, never what the machine has installed.
	(cd "$dir" && PATH="$work/bin:$PATH" TMALIGN_TM="$work/case/memory.db" \
		TMALIGN_BIN="$top/$TMALIGN" TMP="$work/case" LC_ALL=C.UTF-8 \
		TMALIGN_DICT_PATH="$top/fixtures/dicts" \
		sh ./cmd >"$work/out" 2>"$work/err")
	rc=$?
	want_rc=0
	[ -f "$dir/status" ] && want_rc=$(cat "$dir/status")
	why=""
	if [ "${UPDATE:-}" = 1 ]; then
		cp "$work/out" "$dir/expected"
		[ $rc -ne 0 ] && echo $rc > "$dir/status"
	fi
	if [ "$rc" != "$want_rc" ]; then
		why="exit status $rc, expected $want_rc"
	elif ! cmp -s "$work/out" "$dir/expected"; then
		why="output differs:
$(diff "$dir/expected" "$work/out" | head -20)"
	elif [ -f "$dir/expected.err" ]; then
		while IFS= read -r line; do
			grep -qF -- "$line" "$work/err" || why="stderr lacks: $line"
		done < "$dir/expected.err"
	fi
	if [ -z "$why" ] && grep -q 'ERROR: \(Address\|Leak\)Sanitizer\|runtime error:\|==[0-9]*== ' "$work/err"; then
		why="sanitizer or valgrind report"
	fi
	if [ -n "$why" ]; then
		fail=$((fail + 1))
		echo "FAIL e2e $name: $why"
		[ -n "${FAIL_FAST:-}" ] && exit 1
		sed 's/^/  stderr: /' "$work/err" | head -20
	else
		pass=$((pass + 1))
		echo "ok   e2e $name"
	fi
done

echo "tests: $pass passed, $fail failed"
[ $fail -eq 0 ]
