#!/bin/sh
# Run every unit test program and every golden case; end with
# "N passed, N failed".  Environment (set by make check):
#   LOGANALYZE          the binary under test
#   LOGANALYZE_WRAPPER  a command to run it under (valgrind), may be empty
#   UNIT_DIR CASES_DIR GEN
# A golden case is a directory under tests/cases holding:
#   cmd        the arguments, one line, run from inside the case directory
#   expected   expected standard output          (compared exactly)
#   stderr     expected standard error, optional (compared exactly)
#   status     expected exit status, optional (default 0)
#   stdin      fed to standard input, optional
# With --regen, expected/stderr/status are rewritten from the binary.
# CASES (a glob, default *) picks the cases to run or rewrite.
. "$(dirname "$0")/setup.sh"

regen=0
[ "${1:-}" = --regen ] && regen=1
passed=0
failed=0
wrapper=${LOGANALYZE_WRAPPER:-}

pass() { passed=$((passed + 1)); echo "PASS: $1"; }
fail() { failed=$((failed + 1)); echo "FAIL: $1"; }

if [ $regen -eq 0 ]; then
	for t in "$UNIT_DIR"/test-*; do
		[ -x "$t" ] || continue
		case $t in *.o|*.c) continue;; esac
		out=$TMPDIR_TEST/unit.out
		if $wrapper "$t" >"$out" 2>"$TMPDIR_TEST/unit.err"; then
			rc=0
		else
			rc=$?
		fi
		while read -r verdict name; do
			case $verdict in
			PASS:) pass "$(basename "$t") $name" ;;
			FAIL:) fail "$(basename "$t") $name" ;;
			esac
		done <"$out"
		if [ $rc -ne 0 ]; then
			sed 's/^/    /' "$TMPDIR_TEST/unit.err"
			grep -q '^FAIL:' "$out" || fail "$(basename "$t") (exit $rc)"
		fi
	done
fi

for dir in "$CASES_DIR"/${CASES:-*}/; do
	[ -d "$dir" ] || continue
	name=$(basename "$dir")
	[ -f "$dir/cmd" ] || continue
	args=$(cat "$dir/cmd")
	in=/dev/null
	[ -f "$dir/stdin" ] && in=$dir/stdin
	out=$TMPDIR_TEST/$name.out
	err=$TMPDIR_TEST/$name.err
	set +e
	(cd "$dir" && eval "$wrapper \"\$LOGANALYZE\" $args") \
	    <"$in" >"$out" 2>"$err"
	rc=$?
	set -e
	if [ $regen -eq 1 ]; then
		cp "$out" "$dir/expected"
		if [ -s "$err" ]; then cp "$err" "$dir/stderr"; else rm -f "$dir/stderr"; fi
		if [ $rc -ne 0 ]; then echo $rc >"$dir/status"; else rm -f "$dir/status"; fi
		echo "REGEN: $name"
		continue
	fi
	want_rc=0
	[ -f "$dir/status" ] && want_rc=$(cat "$dir/status")
	ok=1
	if [ "$rc" != "$want_rc" ]; then
		echo "    $name: exit status $rc, expected $want_rc"
		ok=0
	fi
	if ! cmp -s "$out" "$dir/expected"; then
		echo "    $name: standard output differs:"
		diff -u "$dir/expected" "$out" | head -40 | sed 's/^/    /'
		ok=0
	fi
	want_err=/dev/null
	[ -f "$dir/stderr" ] && want_err=$dir/stderr
	if ! cmp -s "$err" "$want_err"; then
		echo "    $name: standard error differs:"
		diff -u "$want_err" "$err" | head -20 | sed 's/^/    /'
		ok=0
	fi
	if [ $ok -eq 1 ]; then pass "case $name"; else fail "case $name"; fi
done

[ $regen -eq 1 ] && exit 0
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
