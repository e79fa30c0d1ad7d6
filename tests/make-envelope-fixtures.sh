#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Make tests/fixtures/envelopes/ from samples/terminal.log: one relay capture
# rendered through every envelope loganalyze reads without a flag.
#
#   relay.log          the plain capture: the relay's own lines (the
#                      "[websocket] " runner prefix and its colour removed)
#                      of the incident connection 58bfe04f-... and of the
#                      healthy a41d7c22-... that overlaps it, plus every
#                      line without a connection id (banners, heartbeats, a
#                      stack trace, a clear-screen escape).  The per-frame
#                      "Handling REALTIME_INPUT message" INFO lines are left
#                      out and only every 4th rate-limit warning is kept, to
#                      keep the fixtures small.
#   journal-MODE.log   journalctl --file=relay.journal -o MODE --utc for
#                      short, short-iso, short-precise, short-iso-precise,
#                      short-full, short-unix, with-unit, cat, json, export;
#                      the journal file is built by systemd-journal-remote
#                      from export format, one entry per line of relay.log,
#                      __REALTIME_TIMESTAMP from the line's own time (the
#                      time before it for lines without one),
#                      _HOSTNAME=relay-host-1, SYSLOG_IDENTIFIER=relay,
#                      _SYSTEMD_UNIT=relay.service.
#   docker.log         Docker's json-file driver: {"log":...,"stream":...,
#                      "time":...} per line.
#   kubectl.log        kubectl logs --timestamps: an RFC 3339 time with
#                      nanoseconds, a space, the line.
#   docker-split.log   docker.log with every line longer than 200 bytes
#                      split into records of 200 bytes, as Docker splits
#                      lines longer than 16 KiB: only the last record's
#                      "log" ends with a newline.
#   journal-export-cut.log
#                      journal-export.log without its last line, the blank
#                      line that ends the last entry.
#   mixed.log          line N taken from a different rendering each time
#                      (plain, short-iso, json, docker, kubectl, short-
#                      precise, short-full, short-unix, short), so every
#                      line has a different envelope from the one before.
#
#
# The hosting platforms' renderings (README.md in the fixture directory
# names the documented format each follows):
#   fly.log, fly-old.log, fly-color.log
#                      fly logs: current flyctl, older flyctl, and current
#                      with the colours it prints on a terminal.
#   fly-json.log       fly logs --json: indented objects one after another.
#   vector.log         the Fly.io log shipper's Vector NDJSON.
#   heroku.log         heroku logs.
#   cloudwatch.log     aws logs tail (--format detailed).
#   cri.log            a Kubernetes CRI container log file, lines longer
#                      than 200 bytes split into P parts as the kubelet
#                      splits lines longer than 16 KiB.
#   kubectl-prefix.log kubectl logs --timestamps --prefix.
#   compose.log, compose-color.log
#                      docker compose logs; and with colour and -t.
#   pm2.log, pm2-time.log
#                      pm2 logs; and of an app started with --time.
#   syslog-5424.log, syslog-3164.log
#                      syslog as RFC 5424 and RFC 3164 write it.
#   docker-spaces.log  Docker json-file records written with a space after
#                      every colon and comma, keys in another order.
#   loki.log           logcli query --output=jsonl.
#   fluentbit.log      Fluent Bit's stdout output, format json_lines.
#   gcloud.log         gcloud logging read --format=json --order=asc: one
#                      indented array (Cloud Run: textPayload; every 5th
#                      entry as jsonPayload.message instead).
#   mixed-platforms.log
#                      as mixed.log, over the one-line platform renderings.
#
# The container times carry made-up nanoseconds after the line's own
# milliseconds, as a runtime's clock would.  The journal renderings need
# journalctl and systemd-journal-remote (Debian: apt-get install
# systemd-journal-remote); without them the journal-*.log files are left
# as they are and the rest is made.  The journal file itself is not kept:
# journalctl's JSON field order and cursors change with every build of it,
# the content does not.
set -eu
export LC_ALL=C TZ=UTC

top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/tests/fixtures/envelopes
remote=${JOURNAL_REMOTE:-/lib/systemd/systemd-journal-remote}
modes="short short-iso short-precise short-iso-precise short-full short-unix
with-unit cat json export"

journal=1
if [ ! -x "$remote" ] || ! command -v journalctl >/dev/null; then
	echo "$0: no $remote or journalctl: journal-*.log left as they are" >&2
	journal=0
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/envfix.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"

# The relay's lines, without the runner prefix.  Lines the runner did not
# prefix (a stack trace's frames) are the relay's too.
esc=$(printf '\033')
sed -n -e "s/^$esc\[36m\[websocket\]$esc\[39m //p" \
    -e 's/^\[websocket\] //p' -e '/^    at /p' "$top/samples/terminal.log" |
awk '
/"connectionId":"/ {
	if ($0 !~ /"connectionId":"(58bfe04f|a41d7c22)-/)
		next
	if ($0 ~ /\] Handling REALTIME_INPUT message /)
		next
	if ($0 ~ /\] Rate limit exceeded / && rl++ % 4 != 0)
		next
}
{ print }' >"$out/relay.log"

# Each line with its time in microseconds, as "us<TAB>line".
awk '
function days(y, m, d,    era, yoe, doy, doe) {
	y -= m <= 2
	era = int(y / 400)
	yoe = y - era * 400
	doy = int((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1
	doe = yoe * 365 + int(yoe / 4) - int(yoe / 100) + doy
	return era * 146097 + doe - 719468
}
function us(s,    sec) {
	sec = days(substr(s, 1, 4) + 0, substr(s, 6, 2) + 0,
	    substr(s, 9, 2) + 0) * 86400
	sec += substr(s, 12, 2) * 3600 + substr(s, 15, 2) * 60
	sec += substr(s, 18, 2)
	return (sec * 1000 + substr(s, 21, 3)) * 1000
}
BEGIN {
	d2 = "[0-9][0-9]"
	d4 = d2 d2
}
{ line[NR] = $0 }
$0 ~ "^\\[" d4 "-" d2 "-" d2 "T" d2 ":" d2 ":" d2 "\\." d2 "[0-9]Z\\]" {
	t[NR] = us(substr($0, 2, 23))
	if (first == "")
		first = t[NR]
}
END {
	last = first
	for (i = 1; i <= NR; i++) {
		if (i in t)
			last = t[i]
		printf "%.0f\t%s\n", last, line[i]
	}
}' "$out/relay.log" >"$tmp/timed"

# Journal export format, then a journal file, then every output mode.
awk -F '\t' '
BEGIN { boot = "5d3c2a1b0e9f48a7b6c5d4e3f2a1b0c9" }
NR == 1 { start = $1 - 120000000 }
{
	msg = substr($0, length($1) + 2)
	printf "__REALTIME_TIMESTAMP=%.0f\n__MONOTONIC_TIMESTAMP=%.0f\n", \
	    $1, $1 - start
	printf "_BOOT_ID=%s\n_HOSTNAME=relay-host-1\n", boot
	printf "_TRANSPORT=stdout\nPRIORITY=6\nSYSLOG_FACILITY=3\n"
	printf "SYSLOG_IDENTIFIER=relay\n_PID=4242\n_COMM=node\n"
	printf "_SYSTEMD_UNIT=relay.service\nMESSAGE=%s\n\n", msg
}' "$tmp/timed" >"$tmp/relay.export"
if [ $journal -eq 1 ]; then
	"$remote" --output="$tmp/relay.journal" - <"$tmp/relay.export" \
	    2>/dev/null
	for m in $modes; do
		journalctl --file="$tmp/relay.journal" --utc --no-pager \
		    -o "$m" >"$out/journal-$m.log"
	done
fi

# Container renderings: a made-up nanosecond part after the milliseconds,
# trailing zeros cut as Go's RFC3339Nano does.
awk -F '\t' '
function days2civil(z,    era, doe, yoe, doy, mp, d, m, y) {
	z += 719468
	era = int(z / 146097)
	doe = z - era * 146097
	yoe = int((doe - int(doe / 1460) + int(doe / 36524) - \
	    int(doe / 146096)) / 365)
	doy = doe - (365 * yoe + int(yoe / 4) - int(yoe / 100))
	mp = int((5 * doy + 2) / 153)
	d = doy - int((153 * mp + 2) / 5) + 1
	m = mp < 10 ? mp + 3 : mp - 9
	y = yoe + era * 400 + (m <= 2)
	return sprintf("%04d-%02d-%02d", y, m, d)
}
function rfc3339nano(us, n,    s, frac) {
	s = int(us / 1000000)
	frac = sprintf("%06d%03d", us - s * 1000000, n % 1000)
	sub(/0+$/, "", frac)
	return sprintf("%sT%02d:%02d:%02d%s%sZ", days2civil(int(s / 86400)),
	    int(s % 86400 / 3600), int(s % 3600 / 60), s % 60,
	    frac == "" ? "" : ".", frac)
}
# JSON string text as Docker writes it, with <, > and & escaped ("&&"
# doubles the backslash it matched).
function jstr(s) {
	gsub(/\\/, "&&", s)
	gsub(/"/, "\\\"", s)
	gsub(/</, "\\u003c", s)
	gsub(/>/, "\\u003e", s)
	gsub(/&/, "\\u0026", s)
	gsub(/\t/, "\\t", s)
	gsub(/\r/, "\\r", s)
	gsub(/\033/, "\\u001b", s)
	return s
}
{
	msg = substr($0, length($1) + 2)
	t = rfc3339nano($1, NR * 7919 + 123)
	stream = "stdout"
	if (msg ~ /\] \[(WARN|ERROR)\] /)
		stream = "stderr"
	printf "%s %s\n", t, msg >kubectl
	printf "{\"log\":\"%s\\n\",\"stream\":\"%s\",\"time\":\"%s\"}\n", \
	    jstr(msg), stream, t >docker
	while (length(msg) > 200) {
		printf "{\"log\":\"%s\",\"stream\":\"%s\",\"time\":\"%s\"}\n", \
		    jstr(substr(msg, 1, 200)), stream, t >parts
		msg = substr(msg, 201)
	}
	printf "{\"log\":\"%s\\n\",\"stream\":\"%s\",\"time\":\"%s\"}\n", \
	    jstr(msg), stream, t >parts
}' docker="$out/docker.log" kubectl="$out/kubectl.log" \
    parts="$out/docker-split.log" "$tmp/timed"

# The hosting platforms, from the same lines and times.
awk -F '\t' '
function days2civil(z,    era, doe, yoe, doy, mp, d, m, y) {
	z += 719468
	era = int(z / 146097)
	doe = z - era * 146097
	yoe = int((doe - int(doe / 1460) + int(doe / 36524) - \
	    int(doe / 146096)) / 365)
	doy = doe - (365 * yoe + int(yoe / 4) - int(yoe / 100))
	mp = int((5 * doy + 2) / 153)
	d = doy - int((153 * mp + 2) / 5) + 1
	m = mp < 10 ? mp + 3 : mp - 9
	y = yoe + era * 400 + (m <= 2)
	MON = m
	DAY = d
	return sprintf("%04d-%02d-%02d", y, m, d)
}
# The time of us microseconds as YYYY-MM-DDTHH:MM:SS, then digits of
# fraction (0: none), as "f" more nanoseconds n (RFC 3339 nano) or not.
function clock(us,    s) {
	s = int(us / 1000000)
	SEC = s
	return sprintf("%sT%02d:%02d:%02d", days2civil(int(s / 86400)),
	    int(s % 86400 / 3600), int(s % 3600 / 60), s % 60)
}
function frac(us, digits,    f) {
	f = sprintf("%06d", us - int(us / 1000000) * 1000000)
	return "." substr(f, 1, digits)
}
function nano(us, n,    f) {
	f = sprintf("%06d%03d", us - int(us / 1000000) * 1000000, n % 1000)
	sub(/0+$/, "", f)
	return clock(us) (f == "" ? "" : "." f) "Z"
}
# JSON string text; Go (flyctl, logcli) also escapes <, > and &.
function jstr(s, go) {
	gsub(/\\/, "&&", s)
	gsub(/"/, "\\\"", s)
	if (go) {
		gsub(/</, "\\u003c", s)
		gsub(/>/, "\\u003e", s)
		gsub(/&/, "\\u0026", s)
	}
	gsub(/\t/, "\\t", s)
	gsub(/\r/, "\\r", s)
	gsub(/\033/, "\\u001b", s)
	return s
}
BEGIN {
	esc = sprintf("%c", 27)
	split("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec", mon, " ")
	inst = "683d4b3c2e1f98"
}
NR == 1 { print "[" >gcloud }
{
	us = $1
	msg = substr($0, length($1) + 2)
	n = NR * 7919 + 123
	err = msg ~ /\] \[(WARN|ERROR)\] /
	stream = err ? "stderr" : "stdout"
	ms = clock(us) frac(us, 3)

	printf "%s app[%s] iad [info] %s\n", ms, inst, msg >fly
	printf "%sZ 3d8d9e3b iad [info] %s\n", clock(us), msg >flyold
	printf "%s[2m%s%s[0m app[%s] %s[32miad%s[0m [%s[34minfo%s[0m] %s\n", \
	    esc, ms, esc, inst, esc, esc, esc, esc, msg >flycolor
	printf "{\n    \"instance\": \"%s\",\n    \"level\": \"info\",\n" \
	    "    \"message\": \"%s\",\n    \"region\": \"iad\",\n" \
	    "    \"timestamp\": \"%sZ\",\n    \"meta\": {\n" \
	    "        \"Instance\": \"%s\",\n        \"Region\": \"iad\",\n" \
	    "        \"Event\": {\n            \"Provider\": \"app\"\n" \
	    "        }\n    }\n}\n", inst, jstr(msg, 1), ms, inst >flyjson
	printf "{\"event\":{\"provider\":\"app\"},\"fly\":{\"app\":{" \
	    "\"instance\":\"%s\",\"name\":\"relay\"},\"region\":\"iad\"}," \
	    "\"host\":\"a1f3\"," \
	    "\"log\":{\"level\":\"info\"},\"message\":\"%s\",\"timestamp\":" \
	    "\"%s\"}\n", inst, jstr(msg, 0), nano(us, n) >vector
	printf "%s%s+00:00 app[web.1]: %s\n", clock(us), frac(us, 6), \
	    msg >heroku
	printf "%s%s+00:00 relay/relay/0f3c9a2b4e5d4f6a8b7c9d0e1f2a3b4c %s\n", \
	    clock(us), frac(us, 6), msg >cloudwatch
	rest = msg
	while (length(rest) > 200) {
		printf "%s %s P %s\n", nano(us, n), stream, \
		    substr(rest, 1, 200) >cri
		rest = substr(rest, 201)
	}
	printf "%s %s F %s\n", nano(us, n), stream, rest >cri
	printf "[pod/relay-7d9f8c6b5-x2k4q/relay] %s %s\n", nano(us, n), \
	    msg >kprefix
	printf "relay-1  | %s\n", msg >compose
	printf "%s[36mrelay-1  |%s[0m %s %s\n", esc, esc, nano(us, n), \
	    msg >composecolor
	printf "0|relay    | %s\n", msg >pm2
	printf "0|relay    | %s: %s\n", clock(us), msg >pm2time
	printf "<%d>1 %sZ relay-host-1 relay 4242 - %s%s\n", err ? 131 : 134, \
	    ms, NR % 3 ? "- " : "[meta sequenceId=\"" NR "\"] \357\273\277", \
	    msg >syslog5424
	clock(us)
	printf "<%d>%s %2d %s relay-host-1 relay[4242]: %s\n", \
	    err ? 131 : 134, mon[MON], DAY, substr(clock(us), 12), \
	    msg >syslog3164
	printf "{\"time\": \"%s\", \"stream\": \"%s\", \"log\": \"%s\\n\"}\n", \
	    nano(us, n), stream, jstr(msg, 1) >dspaces
	printf "{\"labels\":{\"app\":\"relay\",\"instance\":\"%s\"},\"line\":" \
	    "\"%s\",\"timestamp\":\"%s\"}\n", inst, jstr(msg, 1), \
	    nano(us, n) >loki
	clock(us)
	printf "{\"date\":%d%s,\"log\":\"%s\"}\n", SEC, frac(us, 6), \
	    jstr(msg, 0) >fluentbit
	printf "%s  {\n    \"insertId\": \"%08x\",\n", gcloud_sep, n >gcloud
	if (NR % 5 == 0)
		printf "    \"jsonPayload\": {\n      \"message\": \"%s\"\n" \
		    "    },\n", jstr(msg, 0) >gcloud
	printf "    \"logName\": \"projects/relay-prod/logs/" \
	    "run.googleapis.com%%2F%s\",\n", stream >gcloud
	printf "    \"receiveTimestamp\": \"%s\",\n", \
	    nano(us + 41000, n) >gcloud
	printf "    \"resource\": {\n      \"labels\": {\n" \
	    "        \"location\": \"us-east1\",\n" \
	    "        \"service_name\": \"relay\"\n      },\n" \
	    "      \"type\": \"cloud_run_revision\"\n    },\n" >gcloud
	if (NR % 5 != 0)
		printf "    \"textPayload\": \"%s\",\n", jstr(msg, 0) >gcloud
	printf "    \"timestamp\": \"%s\"\n  }", nano(us, n) >gcloud
	gcloud_sep = ",\n"
}
END { print "\n]" >gcloud }' \
    fly="$out/fly.log" flyold="$out/fly-old.log" \
    flycolor="$out/fly-color.log" flyjson="$out/fly-json.log" \
    vector="$out/vector.log" heroku="$out/heroku.log" \
    cloudwatch="$out/cloudwatch.log" cri="$out/cri.log" \
    kprefix="$out/kubectl-prefix.log" compose="$out/compose.log" \
    composecolor="$out/compose-color.log" pm2="$out/pm2.log" \
    pm2time="$out/pm2-time.log" syslog5424="$out/syslog-5424.log" \
    syslog3164="$out/syslog-3164.log" dspaces="$out/docker-spaces.log" \
    loki="$out/loki.log" fluentbit="$out/fluentbit.log" \
    gcloud="$out/gcloud.log" "$tmp/timed"

sed '$d' "$out/journal-export.log" >"$out/journal-export-cut.log"

awk -v dir="$out" '
BEGIN {
	n = split("relay journal-short-iso journal-json docker kubectl " \
	    "journal-short-precise journal-short-full journal-short-unix " \
	    "journal-short", src, " ")
	for (;;) {
		for (i = 1; i <= n; i++) {
			if ((getline l <(dir "/" src[i] ".log")) <= 0)
				exit
			if (i == k % n + 1)
				print l
		}
		k++
	}
}' >"$out/mixed.log"

awk -v dir="$out" '
BEGIN {
	n = split("fly heroku cloudwatch kubectl-prefix compose pm2 " \
	    "syslog-5424 syslog-3164 vector loki fluentbit docker-spaces " \
	    "fly-old fly-color compose-color pm2-time relay", src, " ")
	for (;;) {
		for (i = 1; i <= n; i++) {
			if ((getline l <(dir "/" src[i] ".log")) <= 0)
				exit
			if (i == k % n + 1)
				print l
		}
		k++
	}
}' >"$out/mixed-platforms.log"

wc -l "$out"/*.log
