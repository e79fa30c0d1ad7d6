#!/bin/sh
# This file is part of loganalyze and shares its licence.
#
# run-bench.sh: the benchmark of docs/bench.md (`make bench`).  Generates a
# relay log with tests/gen-relay-log, runs each command BENCH_RUNS times on
# it and prints the medians of wall time, lines/s, MB/s and peak RSS, for
# loganalyze and for the baselines (wc -l, grep -c, lnav), then the ratios
# the targets are stated in.  POSIX sh with GNU date and GNU time; never
# part of `make check`.
#
#   run-bench.sh [--no-big] [--runs N] [--lines N] [--seed N] [--keep]
#
# After BENCH_LINES (1,000,000) lines, the same table at BENCH_BIG_LINES
# (10,000,000) with BENCH_BIG_RUNS runs (3), to show how time and memory
# grow; --no-big (or BENCH_BIG=0) leaves it out.  Environment: LOGANALYZE and
# GEN (the programs, default ./loganalyze and ./tests/gen-relay-log),
# BENCH_DOCS (docs/bench, for the lnav format and script), BENCH_LNAV (lnav,
# or "no" to skip it), BENCH_TMPDIR (where the logs go, default TMPDIR or
# /tmp), BENCH_VERIFY=0 (skip checking that lnav's report finds what
# loganalyze finds), BENCH_TIME (GNU time, default /usr/bin/time).

set -eu
LC_ALL=C
TZ=UTC
export LC_ALL TZ

here=$(cd "$(dirname "$0")" && pwd)
LOGANALYZE=${LOGANALYZE:-./loganalyze}
GEN=${GEN:-./tests/gen-relay-log}
BENCH_DOCS=${BENCH_DOCS:-$here/../../docs/bench}
BENCH_RUNS=${BENCH_RUNS:-5}
BENCH_LINES=${BENCH_LINES:-1000000}
BENCH_BIG=${BENCH_BIG:-1}
BENCH_BIG_LINES=${BENCH_BIG_LINES:-10000000}
BENCH_BIG_RUNS=${BENCH_BIG_RUNS:-3}
BENCH_SEED=${BENCH_SEED:-1}
BENCH_VERIFY=${BENCH_VERIFY:-1}
BENCH_KEEP=${BENCH_KEEP:-0}
TIME=${BENCH_TIME:-/usr/bin/time}

die()
{
	echo "run-bench.sh: $*" >&2
	exit 2
}

usage()
{
	echo "usage: run-bench.sh [--no-big] [--runs N] [--lines N]" \
	    "[--seed N] [--keep]" >&2
	exit 2
}

is_count()
{
	case $1 in
	''|*[!0-9]*) return 1 ;;
	esac
	[ "$1" -gt 0 ]
}

while [ $# -gt 0 ]; do
	case $1 in
	--big) BENCH_BIG=1 ;;
	--no-big) BENCH_BIG=0 ;;
	--runs) [ $# -ge 2 ] || usage; BENCH_RUNS=$2; shift ;;
	--lines) [ $# -ge 2 ] || usage; BENCH_LINES=$2; shift ;;
	--seed) [ $# -ge 2 ] || usage; BENCH_SEED=$2; shift ;;
	--keep) BENCH_KEEP=1 ;;
	*) usage ;;
	esac
	shift
done
for v in "$BENCH_RUNS" "$BENCH_LINES" "$BENCH_BIG_LINES" "$BENCH_BIG_RUNS"; do
	is_count "$v" || die "'$v' is not a positive number"
done

# The tools the measurement itself needs.
if ! [ -x "$TIME" ] || ! "$TIME" -f '%e %M' true >/dev/null 2>&1; then
	die "GNU time ($TIME) is missing: it measures the peak RSS." \
	    "Install it (Debian: apt-get install time) and run again."
fi
case $(date +%N) in
*[!0-9]*|'') die "date +%N does not print nanoseconds (GNU date needed)" ;;
esac
[ -x "$LOGANALYZE" ] || die "$LOGANALYZE: not built (run make first)"
[ -x "$GEN" ] || die "$GEN: not built (make tests/gen-relay-log)"
LOGANALYZE=$(cd "$(dirname "$LOGANALYZE")" && pwd)/$(basename "$LOGANALYZE")
GEN=$(cd "$(dirname "$GEN")" && pwd)/$(basename "$GEN")

LNAV=${BENCH_LNAV:-$(command -v lnav || true)}
[ "$LNAV" = no ] && LNAV=
if [ -n "$LNAV" ] && { ! [ -f "$BENCH_DOCS/relay_log.json" ] ||
    ! [ -f "$BENCH_DOCS/relay-report.lnav" ]; }; then
	die "$BENCH_DOCS: no relay_log.json and relay-report.lnav"
fi

tmp=$(mktemp -d "${BENCH_TMPDIR:-${TMPDIR:-/tmp}}/loganalyze-bench.XXXXXX")
cleanup()
{
	if [ "$BENCH_KEEP" = 1 ]; then
		echo "kept: $tmp" >&2
	else
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# lnav gets a HOME of its own, so nothing of the user's configuration is
# read and nothing is written outside $tmp.
if [ -n "$LNAV" ]; then
	mkdir "$tmp/lnav-home"
	if ! env -u XDG_CONFIG_HOME HOME="$tmp/lnav-home" "$LNAV" -i \
	    "$BENCH_DOCS/relay_log.json" >"$tmp/lnav-install.log" 2>&1; then
		cat "$tmp/lnav-install.log" >&2
		die "lnav could not install $BENCH_DOCS/relay_log.json"
	fi
fi

# The machine, so that a table is never read without it.
cpu=$(sed -n 's/^model name[[:space:]]*:[[:space:]]*//p' /proc/cpuinfo |
    head -n 1)
mem=$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
echo "loganalyze benchmark, $(date -u '+%Y-%m-%dT%H:%M:%SZ')"
echo "machine: $(nproc) cores, ${cpu:-unknown CPU}, $mem memory," \
    "load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "loganalyze: $("$LOGANALYZE" --version | head -n 1)" \
    "($("$LOGANALYZE" --version | sed -n 2p))"
if [ -n "$LNAV" ]; then
	echo "lnav: $("$LNAV" -V 2>&1 | head -n 1)"
else
	echo "lnav: not installed (Debian: apt-get install lnav): its rows" \
	    "and ratios are left out"
fi
echo "runs: median of $BENCH_RUNS per command ($BENCH_BIG_RUNS for the" \
    "big log); MB = 10^6 bytes; wall time includes starting the process"
load=$(cut -d' ' -f1 /proc/loadavg)
if awk -v l="$load" 'BEGIN { exit !(l > 0.5) }'; then
	echo "warning: the machine is busy (load $load): times will be" \
	    "noisy; see top"
fi

# Ingest only: loganalyze has no such mode yet.  Until it has one
# (--ingest-only: read, parse, store and commit; no indexes, analysis, rules
# or report), the closest is a --sql query, which leaves out only the
# markdown report: the row is labelled so.
if "$LOGANALYZE" --help 2>&1 | grep -q -- '--ingest-only'; then
	ingest_label="loganalyze --ingest-only"
	ingest_opt=--ingest-only
else
	ingest_label="loganalyze --sql 'SELECT 1' (all but the report)"
	ingest_opt=
fi

# measure ID LABEL OKMAX CMD...: run CMD $runs times, keep the median wall
# time and peak RSS in $tmp/ID.res: "wall min max rss".  Exit statuses
# above OKMAX are an error.  Standard output goes to a file, $tmp/ID.out,
# never to /dev/null: GNU grep stops at the first match when it sees that
# its output is /dev/null.
measure()
{
	id=$1 label=$2 okmax=$3
	shift 3
	: >"$tmp/$id.walls"
	: >"$tmp/$id.rsss"
	i=0
	while [ "$i" -lt "$runs" ]; do
		t0=$(date +%s%N)
		st=0
		"$TIME" -f '%x %M' -o "$tmp/time.out" "$@" >"$tmp/$id.out" \
		    2>"$tmp/$id.err" || st=$?
		t1=$(date +%s%N)
		if [ "$st" -gt "$okmax" ]; then
			echo "run-bench.sh: $label: exit status $st" >&2
			tail -n 5 "$tmp/$id.err" >&2
			exit 1
		fi
		echo "$t0 $t1" | awk '{ printf "%.3f\n", ($2 - $1) / 1e9 }' \
		    >>"$tmp/$id.walls"
		tail -n 1 "$tmp/time.out" | awk '{ print $2 }' \
		    >>"$tmp/$id.rsss"
		i=$((i + 1))
	done
	wall=$(sort -n "$tmp/$id.walls" | awk '{ v[NR] = $1 }
	    END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
	    printf "%.3f %.3f %.3f", m, v[1], v[NR] }')
	rss=$(sort -n "$tmp/$id.rsss" | awk '{ v[NR] = $1 }
	    END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
	echo "$wall $rss" >"$tmp/$id.res"
	echo "$label" >"$tmp/$id.label"
	rows="$rows $id"
}

# row ID: one line of the table.
row()
{
	awk -v lines="$lines" -v bytes="$bytes" -v label="$(cat "$tmp/$1.label")" '
	{
		printf "| %-50s | %8.3f | %6.3f-%-6.3f | %11.0f | %7.1f | %6.1f |\n",
		    label, $1, $2, $3, lines / $1, bytes / 1e6 / $1,
		    $4 * 1024 / 1e6
	}' "$tmp/$1.res"
}

# val ID FIELD: a field of a result (1 wall, 4 rss in KiB).
val()
{
	[ -f "$tmp/$1.res" ] && awk -v f="$2" '{ print $f }' "$tmp/$1.res"
}

# ratio A B: A / B with two decimals.
ratio()
{
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'
}

# verdict VALUE OP LIMIT: "met" or "NOT met".
verdict()
{
	if awk -v v="$1" -v l="$3" -v op="$2" 'BEGIN {
	    exit !(op == "ge" ? v >= l : v <= l) }'; then
		echo met
	else
		echo "NOT met"
	fi
}

# Check that lnav's report finds what loganalyze finds: the same rule,
# connection and count for every finding of the four rules.
verify()
{
	if ! "$LOGANALYZE" --sql "SELECT rule || ' ' || conn || ' ' || count
	    FROM findings WHERE rule IN ('close_1007', 'rate_limit_burst',
	    'post_close_race', 'connect_timeout')" "$log" >"$tmp/la-f.md" \
	    2>"$tmp/la-f.err"; then
		echo "verify: skipped, loganalyze --sql failed:" \
		    "$(head -n 1 "$tmp/la-f.err")"
		return 0
	fi
	sed -n 's/\\_/_/g; s/^| \([a-z0-9_]* [^ ]* [0-9]*\) |$/\1/p' \
	    "$tmp/la-f.md" | sort >"$tmp/la-f.txt"
	awk '/^## / { s = $0 }
	    /^\| [0-9a-f]+-/ {
		if (s ~ /1007/)
			r = "close_1007"
		else if (s ~ /rate limiter/)
			r = "rate_limit_burst"
		else if (s ~ /Frames/)
			r = "post_close_race"
		else
			r = "connect_timeout"
		print r, $2, (r == "connect_timeout" ? 1 : $4)
	    }' "$tmp/lnav-last.md" | sort >"$tmp/lnav-f.txt"
	n=$(wc -l <"$tmp/la-f.txt")
	if [ "$n" -gt 0 ] && cmp -s "$tmp/la-f.txt" "$tmp/lnav-f.txt"; then
		echo "verify: lnav's report and loganalyze agree on all $n" \
		    "findings of the four rules (rule, connection, count)"
	else
		echo "verify: lnav's report and loganalyze DIFFER" \
		    "($n findings from loganalyze, $(wc -l <"$tmp/lnav-f.txt")" \
		    "from lnav):"
		diff "$tmp/la-f.txt" "$tmp/lnav-f.txt" | head -n 10 || true
	fi
}

# bench LINES RUNS TAG: the whole table for one log size.
bench()
{
	lines=$1 runs=$2 tag=$3
	log=$tmp/relay-$lines.log
	rows=
	"$GEN" -n "$lines" -s "$BENCH_SEED" >"$log"
	bytes=$(wc -c <"$log")
	cat "$log" >/dev/null	# read from the page cache, like the rest
	echo
	echo "## $lines lines, $(awk -v b="$bytes" \
	    'BEGIN { printf "%.1f MB", b / 1e6 }'), seed $BENCH_SEED"
	echo
	measure "la-report$tag" "loganalyze FILE (markdown report)" 0 \
	    "$LOGANALYZE" "$log"
	if "$LOGANALYZE" --help 2>&1 | grep -q -- '--threads'; then
		measure "la-report1$tag" "loganalyze --threads 1 FILE" 0 \
		    "$LOGANALYZE" --threads 1 "$log"
	fi
	if [ -n "$ingest_opt" ]; then
		measure "la-ingest$tag" "$ingest_label" 0 \
		    "$LOGANALYZE" "$ingest_opt" "$log"
	else
		measure "la-ingest$tag" "$ingest_label" 0 \
		    "$LOGANALYZE" --sql 'SELECT 1' "$log"
	fi
	measure "wc$tag" "wc -l" 0 wc -l "$log"
	measure "grep$tag" "grep -c 'Rate limit'" 1 grep -c 'Rate limit' "$log"
	if [ -n "$LNAV" ]; then
		measure "lnav-index$tag" "lnav -n -q FILE (index only)" 0 \
		    env -u XDG_CONFIG_HOME HOME="$tmp/lnav-home" \
		    "$LNAV" -n -q "$log"
		measure "lnav-report$tag" "lnav -n -q -f relay-report.lnav" 0 \
		    env -u XDG_CONFIG_HOME HOME="$tmp/lnav-home" \
		    "$LNAV" -n -q -f "$BENCH_DOCS/relay-report.lnav" "$log"
		cp "$tmp/lnav-report$tag.out" "$tmp/lnav-last.md"
		if ! grep -q '^## Live API session closed with 1007' \
		    "$tmp/lnav-last.md"; then
			echo "warning: lnav printed no report: did the" \
			    "relay_log format load?"
		fi
	fi

	echo "| command | wall s | min-max s | lines/s | MB/s | RSS MB |"
	echo "| --- | ---: | ---: | ---: | ---: | ---: |"
	for r in $rows; do
		row "$r"
	done
	echo

	la=$(val "la-report$tag" 1)
	grep_t=$(val "grep$tag" 1)
	rss=$(awk -v k="$(val "la-report$tag" 4)" 'BEGIN { printf "%.1f",
	    k * 1024 / 1e6 }')
	if [ -n "$LNAV" ]; then
		x=$(ratio "$(val "lnav-report$tag" 1)" "$la")
		echo "- speed-up of the loganalyze report over lnav's:" \
		    "${x}x (lnav time / loganalyze time; target >= 10x:" \
		    "$(verdict "$x" ge 10), floor 5x: $(verdict "$x" ge 5))"
		x=$(ratio "$(val "lnav-index$tag" 1)" \
		    "$(val "la-ingest$tag" 1)")
		echo "- lnav index only / $ingest_label: ${x}x"
	fi
	x=$(ratio "$la" "$grep_t")
	echo "- loganalyze report / grep -c: ${x}x grep's time" \
	    "(stretch <= 5x: $(verdict "$x" le 5))"
	if [ "$lines" -le 1000000 ]; then
		limit=100
	else
		limit=150
	fi
	echo "- loganalyze peak RSS: $rss MB (target <= $limit MB:" \
	    "$(verdict "$rss" le "$limit"))"
	if [ -n "$LNAV" ] && [ "$BENCH_VERIFY" = 1 ] && [ -z "$tag" ]; then
		verify
	fi
	rm -f "$log" "$tmp"/*.out
}

bench "$BENCH_LINES" "$BENCH_RUNS" ""
if [ "$BENCH_BIG" = 1 ]; then
	small=$BENCH_LINES
	bench "$BENCH_BIG_LINES" "$BENCH_BIG_RUNS" "-big"
	echo
	echo "## Growth from $small to $BENCH_BIG_LINES lines" \
	    "($(ratio "$BENCH_BIG_LINES" "$small")x the lines)"
	echo
	for id in la-report la-ingest lnav-report; do
		[ -f "$tmp/$id.res" ] || continue
		echo "- $(cat "$tmp/$id.label"): time" \
		    "$(ratio "$(val "$id-big" 1)" "$(val "$id" 1)")x," \
		    "peak RSS $(ratio "$(val "$id-big" 4)" "$(val "$id" 4)")x"
	done
	# "Memory must not grow with the input": allow 20% for noise.
	x=$(ratio "$(val la-report-big 4)" "$(val la-report 4)")
	echo "- loganalyze memory flat with the input (RSS growth <= 1.2x):" \
	    "$(verdict "$x" le 1.2)"
fi
