#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Make tests/fixtures/watch/ by running the relay's own scripts/watch-logs.js
# (`npm run logs:watch`) against the JSONL session logs of a generated run:
#
#   terminal.log   gen-relay-log -n 150 -s 11 -l warn: a production terminal
#                  log (WARN and ERROR only) of the run
#   watch.log      what watch-logs.js printed while the run's session-log
#                  records were written into its logs/live/ one by one, in
#                  time order, those of the run's first 6 s: its banner,
#                  "Started watching: <id>.jsonl" as each file appeared, and
#                  each record as "[HH:MM:SS.mmm] event (8-char id)" with its
#                  data as indented JSON cut at 200 characters; one record is
#                  written in two halves with a poll between them, as a
#                  writer caught mid-line is, which the script prints as two
#                  "[PARSE ERROR]" lines.  Then the records of one more
#                  connection, c0ffee00-..., written by hand (events and
#                  fields as relay/MESSAGES.md lists them) for data longer
#                  than the script's cut at 200 characters; the terminal
#                  log does not know it.  Ctrl-C ends the script.
#
# The script is not kept here: it is taken from a clone of the relay's
# repository (iamfarzad/fbc_lab_v10) and run unchanged, by Node, with
# TZ=America/New_York: it prints the viewer's local time (UTC-5 in
# December), with colour escapes, which it writes whether or not its output
# is a terminal.  Timing decides how the script's 500 ms polls group the
# records, so two runs may differ in that; the content is the same.
#
# usage: tests/make-watch-fixture.sh GEN RELAY_GIT_DIR OUTDIR
set -eu
gen=$1
relay=$2
out=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir -p "$tmp/run/live" "$tmp/relay/scripts" "$tmp/relay/logs/live" "$out"
out=$(cd "$out" && pwd)
"$gen" -n 150 -s 11 -l warn -j "$tmp/run/live" >"$out/terminal.log"
git --git-dir="$relay" show HEAD:scripts/watch-logs.js \
    >"$tmp/relay/scripts/watch-logs.js"
git --git-dir="$relay" rev-parse HEAD >"$tmp/commit"
# the relay's package.json says "type": "module"; only that is needed
printf '{"type":"module"}\n' >"$tmp/relay/package.json"

# The records of the first 6 s, in time order, one line each: file, record.
for f in "$tmp"/run/live/*.jsonl; do
	awk -v f="$(basename "$f")" '{ print substr($0, 8, 24) "\t" f "\t" $0 }' \
	    "$f"
done | sort -s -k1,1 | awk -F'\t' '$1 < "2025-12-10T09:00:06.000Z"' \
    >"$tmp/records"
# Then one connection written by hand, events and fields as MESSAGES.md
# lists them, whose data JSON.stringify makes longer than the script's 200
# characters: a long transcript, a 1008 close with Google's long reason.
id=c0ffee00-1111-4222-8333-444455556666
while IFS='	' read -r ts ev data; do
	printf '%s\t%s.jsonl\t{"ts":"%s",%s,"connectionId":"%s"%s}\n' \
	    "$ts" "$id" "$ts" "$ev" "$id" "$data"
done >>"$tmp/records" <<'END'
2025-12-10T09:00:06.100Z	"event":"connected"	
2025-12-10T09:00:06.112Z	"event":"client_start"	,"data":{"payload":{"languageCode":"de-DE","voiceName":"Kore","sessionId":"sess_5b0e9d2e-7f61-4a8c-9d57-0c1f3a2b4e6d"}}
2025-12-10T09:00:06.480Z	"event":"live_open"	
2025-12-10T09:00:06.481Z	"event":"session_started"	,"data":{"languageCode":"de-DE","voiceName":"Kore"}
2025-12-10T09:00:07.350Z	"event":"input_transcript"	,"data":{"text":"Guten Morgen, ich wollte fragen, ob wir heute noch einmal die Aussprache der langen Vokale üben können, besonders bei Wörtern wie Straße, Mühle und Beet, weil ich da immer unsicher bin.","isFinal":true}
2025-12-10T09:00:07.902Z	"event":"error"	,"data":{"where":"live_api","message":"Requested entity was not found.","code":1008}
2025-12-10T09:00:07.903Z	"event":"session_closed"	,"data":{"source":"live_api","code":1008,"reason":"Requested entity was not found. models/gemini-2.0-flash-live-001 is not found for API version v1beta, or is not supported for bidiGenerateContent.","wasClean":true,"timestamp":"2025-12-10T09:00:07.903Z","hadError":false}
END

(cd "$tmp/relay" && TZ=America/New_York exec node scripts/watch-logs.js \
    </dev/null >"$out/watch.log" 2>&1) &
watcher=$!
sleep 1

# Write the records into logs/live as the relay would: a file is made
# empty first and the script given a poll to see it (it reads files it
# finds from their end), then each record is appended after the last one
# had a poll to be printed.
TMP=$tmp node --input-type=module -e '
import * as fs from "fs"
const dir = process.env.TMP + "/relay/logs/live"
const lines = fs.readFileSync(process.env.TMP + "/records", "utf8")
    .split("\n").filter(l => l !== "")
const sleep = ms => new Promise(r => setTimeout(r, ms))
const seen = new Set()
let n = 0
for (const l of lines) {
	const [, file, rec] = l.split("\t")
	const path = dir + "/" + file
	if (!seen.has(file)) {
		seen.add(file)
		fs.writeFileSync(path, "")
		await sleep(600)
	}
	if (++n === 40) {
		fs.appendFileSync(path, rec.slice(0, 60))
		await sleep(600)
		fs.appendFileSync(path, rec.slice(60) + "\n")
	} else
		fs.appendFileSync(path, rec + "\n")
	await sleep(n % 8 === 0 ? 600 : 20)
}
await sleep(1200)
'
kill -INT $watcher
wait $watcher || true
echo "watch-logs.js at $(cat "$tmp/commit"): $(wc -l <"$out/watch.log") lines"
