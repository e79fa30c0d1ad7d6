#!/bin/sh
# This file is part of loganalyze and shares its licence.
#
# run-envelopes.sh: the envelope table of docs/bench.md.  Renders one
# generated relay log through each envelope family (the relay's own time
# reused as the platform's), then times `loganalyze --ingest-only` on each
# RUNS times and prints the median wall time and throughput.  With BASE set
# to another loganalyze binary, every file is also timed with it,
# interleaved run by run so that a shared machine's drift hits both alike.
# Never part of `make check`.
#
#   run-envelopes.sh [LINES]        (default 1000000)
#
# Environment: LOGANALYZE (default ./loganalyze), GEN (default
# ./tests/gen-relay-log), BASE, RUNS (default 3), FAMILIES (the envelopes
# to time, default all), TMPDIR; CALLGRIND=1 counts instructions under
# valgrind once instead (a shared machine's wall times drift; these do
# not), give it fewer lines.

set -eu
LC_ALL=C
TZ=UTC
export LC_ALL TZ

LOGANALYZE=${LOGANALYZE:-./loganalyze}
GEN=${GEN:-./tests/gen-relay-log}
RUNS=${RUNS:-3}
BASE=${BASE:-}
FAMILIES=${FAMILIES:-plain unknown-prefix fly heroku cri compose syslog-5424
docker docker-spaces vector fly-json}
lines=${1:-1000000}
dir=$(mktemp -d "${TMPDIR:-/tmp}/envbench.XXXXXX")
trap 'rm -rf "$dir"' EXIT

"$GEN" -n "$lines" -s 1 >"$dir/plain.log"

# Every line through every family at once: the relay's own ISO time (or
# the last one seen) stands for the platform's.
awk -v d="$dir" '
function jstr(s) {
	gsub(/\\/, "&&", s)
	gsub(/"/, "\\\"", s)
	gsub(/\t/, "\\t", s)
	return s
}
/^\[[0-9][0-9][0-9][0-9]-/ { t = substr($0, 2, 24) }
{
	j = jstr($0)
	printf "%s app[683d4b3c2e1f98] iad [info] %s\n", substr(t, 1, 23), \
	    $0 >(d "/fly.log")
	printf "web.1 >> %s\n", $0 >(d "/unknown-prefix.log")
	printf "%s000+00:00 app[web.1]: %s\n", substr(t, 1, 23), \
	    $0 >(d "/heroku.log")
	printf "%s %s F %s\n", t, "stdout", $0 >(d "/cri.log")
	printf "relay-1  | %s\n", $0 >(d "/compose.log")
	printf "<134>1 %s relay-host-1 relay 4242 - - %s\n", t, \
	    $0 >(d "/syslog-5424.log")
	printf "{\"log\":\"%s\\n\",\"stream\":\"stdout\",\"time\":\"%s\"}\n", \
	    j, t >(d "/docker.log")
	printf "{\"time\": \"%s\", \"stream\": \"stdout\", " \
	    "\"log\": \"%s\\n\"}\n", t, j >(d "/docker-spaces.log")
	printf "{\"fly\":{\"app\":{\"instance\":\"683d4b3c2e1f98\",\"name\":" \
	    "\"relay\"},\"region\":\"iad\"},\"log\":{\"level\":\"info\"}," \
	    "\"message\":\"%s\",\"timestamp\":\"%s\"}\n", j, t \
	    >(d "/vector.log")
	printf "{\n    \"instance\": \"683d4b3c2e1f98\",\n    \"level\": " \
	    "\"info\",\n    \"message\": \"%s\",\n    \"region\": \"iad\",\n" \
	    "    \"timestamp\": \"%s\"\n}\n", j, t >(d "/fly-json.log")
}' "$dir/plain.log"

median()
{
	sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

instructions()
{
	valgrind --tool=callgrind --callgrind-out-file=/dev/null \
	    "$1" --ingest-only "$2" 2>&1 >/dev/null |
	    sed -n 's/.*I *refs: *//p' | tr -d ,
}

if [ "${CALLGRIND:-0}" = 1 ]; then
	printf '| envelope | lines | instructions | per line |%s\n' \
	    "${BASE:+ base instructions | base per line |}"
	printf '| --- | ---: | ---: | ---: |%s\n' "${BASE:+ ---: | ---: |}"
	for name in $FAMILIES; do
		f=$dir/$name.log
		n=$(wc -l <"$f")
		ir=$(instructions "$LOGANALYZE" "$f")
		line="| $name | $n | $ir | $((ir / n)) |"
		if [ -n "$BASE" ]; then
			ib=$(instructions "$BASE" "$f")
			line="$line $ib | $((ib / n)) |"
		fi
		echo "$line"
	done
	exit 0
fi

elapsed()
{
	s=$(date +%s.%N)
	"$1" --ingest-only "$2" >/dev/null 2>&1 || true
	e=$(date +%s.%N)
	echo "$s $e" | awk '{ printf "%.3f\n", $2 - $1 }'
}

printf '| envelope | lines | MB | wall s | lines/s | MB/s |%s\n' \
    "${BASE:+ base wall s | base lines/s |}"
printf '| --- | ---: | ---: | ---: | ---: | ---: |%s\n' \
    "${BASE:+ ---: | ---: |}"
for name in $FAMILIES; do
	f=$dir/$name.log
	n=$(wc -l <"$f")
	bytes=$(wc -c <"$f")
	: >"$dir/t.new"
	: >"$dir/t.base"
	i=0
	while [ $i -lt "$RUNS" ]; do
		elapsed "$LOGANALYZE" "$f" >>"$dir/t.new"
		[ -z "$BASE" ] || elapsed "$BASE" "$f" >>"$dir/t.base"
		i=$((i + 1))
	done
	w=$(median <"$dir/t.new")
	line=$(awk -v n="$n" -v b="$bytes" -v w="$w" -v name="$name" \
	    'BEGIN { printf "| %s | %d | %.1f | %.3f | %.0f | %.1f |", name,
	    n, b / 1e6, w, n / w, b / 1e6 / w }')
	if [ -n "$BASE" ]; then
		wb=$(median <"$dir/t.base")
		line="$line $(awk -v n="$n" -v w="$wb" \
		    'BEGIN { printf " %.3f | %.0f |", w, n / w }')"
	fi
	echo "$line"
done
