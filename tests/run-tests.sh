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
#   setup      optional: run first (sh, inside the case directory) to make
#              test data in $CASE_TMP, an empty scratch directory; exit
#              status 77 skips the case, its first output line saying why
#   run        optional, instead of cmd: a sh script run the same way, with
#              LOGANALYZE, LOGANALYZE_WRAPPER and CASE_TMP in its
#              environment, for cases that need more than one command;
#              exit status 77 skips the case
# In the output of a case with setup or run, the scratch directory's path
# reads $CASE_TMP.  With --regen, expected/stderr/status are rewritten from
# the binary.
# CASES (a glob, default *) picks the cases to run or rewrite.
. "$(dirname "$0")/setup.sh"

regen=0
[ "${1:-}" = --regen ] && regen=1
passed=0
failed=0
skipped=0
wrapper=${LOGANALYZE_WRAPPER:-}

pass() { passed=$((passed + 1)); echo "PASS: $1"; }
fail() { failed=$((failed + 1)); echo "FAIL: $1"; }
skip() { skipped=$((skipped + 1)); echo "SKIP: $1"; }

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
	[ -f "$dir/cmd" ] || [ -f "$dir/run" ] || continue
	in=/dev/null
	[ -f "$dir/stdin" ] && in=$dir/stdin
	out=$TMPDIR_TEST/$name.out
	err=$TMPDIR_TEST/$name.err
	CASE_TMP=$TMPDIR_TEST/$name.tmp
	mkdir "$CASE_TMP"
	export CASE_TMP
	set +e
	rc=0
	if [ -f "$dir/setup" ]; then
		(cd "$dir" && sh ./setup) </dev/null >"$out" 2>&1
		rc=$?
	fi
	if [ $rc -eq 0 ] && [ -f "$dir/run" ]; then
		(cd "$dir" && sh ./run) <"$in" >"$out" 2>"$err"
		rc=$?
		[ $rc -eq 77 ] && sed -n 1p "$out" >"$err"
	elif [ $rc -eq 0 ]; then
		args=$(cat "$dir/cmd")
		(cd "$dir" && eval "$wrapper \"\$LOGANALYZE\" $args") \
		    <"$in" >"$out" 2>"$err"
		rc=$?
	elif [ $rc -eq 77 ]; then
		sed -n 1p "$out" >"$err"
	else
		rc=setup
	fi
	set -e
	rm -rf "$CASE_TMP"
	if [ "$rc" = 77 ]; then
		skip "case $name ($(cat "$err"))"
		continue
	fi
	if [ "$rc" = setup ]; then
		sed 's/^/    /' "$out"
		fail "case $name (setup failed)"
		continue
	fi
	if [ -f "$dir/setup" ] || [ -f "$dir/run" ]; then
		for f in "$out" "$err"; do
			sed "s|$CASE_TMP|\$CASE_TMP|g" "$f" >"$f.sed"
			mv "$f.sed" "$f"
		done
	fi
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
if [ $skipped -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ $failed -eq 0 ]
