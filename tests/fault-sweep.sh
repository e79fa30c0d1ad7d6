#!/bin/sh
# Fault injection sweep (make check-faults; needs configure
# --enable-fault-injection): for each kind of operation (alloc, sqlite,
# read, write, sqlite-write) and N = 1, 1 + STEP, ..., the N-th such operation of a run
# over a small capture fails.  Every run must end with exit status 3 and
# a message on stderr, and leave no report (-o FILE absent, no temporary
# file), or with exit 0 and the report of a run without faults; never a
# crash, a sanitizer report or a half-written report presented as
# complete.  The sweep of a kind ends at the first N past its last
# operation (the fault did not fire).  Ends with "N passed, N failed".
#   LOGANALYZE  the binary   CASES_DIR  tests/cases
#   FAULT_STEP  (1), FAULT_SQLITE_STEP  (25: SQLite allocates some 17000
#   times in such a run)
. "$(dirname "$0")/setup.sh"

step=${FAULT_STEP:-1}
sqlite_step=${FAULT_SQLITE_STEP:-25}
log=$CASES_DIR/rule-close-1007/input.log
t=$TMPDIR_TEST
passed=0
failed=0

# a probe: the first allocation fails only with fault injection built in
LOGANALYZE_FAULT=alloc:1 LOGANALYZE_FAULT_HIT="$t/probe" \
    "$LOGANALYZE" "$log" -o "$t/probe.md" </dev/null >/dev/null 2>&1 || :
if [ ! -e "$t/probe" ]; then
	echo "built without --enable-fault-injection"
	exit 77
fi

# backfill: a database that holds the capture's second half, to which
# its first half comes, so that the analysis moves rows (src/order.c)
half=$(($(wc -l <"$log") / 2))
head -n $half "$log" >"$t/older.log"
tail -n +$((half + 1)) "$log" >"$t/newer.log"
mkdir "$t/base"
"$LOGANALYZE" -q --db "$t/base/relay.db" --ingest-only "$t/newer.log" \
    </dev/null

# one run of the sweep: $1 kind, $2 N, $3 the mode: "file", "db" for a
# --db run, "backfill"
run() {
	rm -rf "$t/out" && mkdir "$t/out"
	input=$log
	case $3 in
	db)	dbopt="--db $t/out/relay.db" ;;
	backfill)
		cp "$t/base/"* "$t/out/"
		dbopt="--db $t/out/relay.db"
		input=$t/older.log ;;
	*)	dbopt= ;;
	esac
	# shellcheck disable=SC2086
	LOGANALYZE_FAULT=$1:$2 LOGANALYZE_FAULT_HIT="$t/hit" \
	    "$LOGANALYZE" $dbopt "$input" -o "$t/out/report.md" </dev/null \
	    >/dev/null 2>"$t/err"
}

for mode in file db backfill; do
	# the report without faults
	rm -f "$t/hit"
	run none 1 $mode
	mv "$t/out/report.md" "$t/want.md"
	for kind in alloc sqlite read write sqlite-write; do
		n=1
		while :; do
			rm -f "$t/hit"
			set +e
			run $kind $n $mode
			rc=$?
			set -e
			what="$mode $kind:$n"
			if [ ! -e "$t/hit" ]; then
				# past the last one: a clean run
				if [ $rc -eq 0 ] &&
				    cmp -s "$t/out/report.md" "$t/want.md"; then
					passed=$((passed + 1))
				else
					echo "FAIL: $what (no fault): exit $rc"
					failed=$((failed + 1))
				fi
				echo "$mode $kind: $((n - 1)) operations"
				break
			fi
			ok=1
			case $rc in
			0)	cmp -s "$t/out/report.md" "$t/want.md" || ok=0 ;;
			3)	grep -q '^loganalyze: ' "$t/err" || ok=0
				ls "$t/out" | grep -q 'report\.md' && ok=0 ;;
			*)	ok=0 ;;
			esac
			if [ $ok -eq 1 ]; then
				passed=$((passed + 1))
			else
				failed=$((failed + 1))
				echo "FAIL: $what: exit $rc"
				ls "$t/out" | sed 's/^/    out: /'
				head -5 "$t/err" | sed 's/^/    /'
			fi
			if [ $kind = sqlite ]; then
				n=$((n + sqlite_step))
			else
				n=$((n + step))
			fi
		done
	done
done
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
