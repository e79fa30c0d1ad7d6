#!/bin/sh
# Write docs/report-terminal.png and docs/report-markdown.png: the
# sample's report in an 80-column terminal (colour, through script(1) as
# the text-terminal case runs it) and as GitHub renders the markdown
# (render-markdown.sh, as the render-markdown case runs it).  `make
# screenshots` in the build directory runs it; needs what the
# render-markdown case needs.
#   LOGANALYZE=./loganalyze sh tests/screenshots.sh [DOCS_DIR]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
docs=${1:-$here/../docs}
LOGANALYZE=$(cd "$(dirname "$LOGANALYZE")" && pwd)/$(basename "$LOGANALYZE")
export LOGANALYZE
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$here/../samples"
log=terminal.log

"$LOGANALYZE" "$log" -o "$work/report.md"
mkdir "$work/md"
SHOT_SIZE=1000,1900 sh "$here/render-markdown.sh" "$work/report.md" \
    "$work/md" "$docs/report-markdown.png"

# the terminal: 80x40 of the view with colour, as HTML in a monospace font
TERM=xterm script -q -e -c "stty cols 80 rows 40; \"$LOGANALYZE\" $log" \
    /dev/null </dev/null | tr -d '\r' | sed -n '1,52p' >"$work/term.txt"
esc=$(printf '\033')
{
	printf '<!DOCTYPE html><html><head><meta charset="utf-8"><style>'
	printf 'body { margin: 0; background: #1e1e1e; color: #d4d4d4; }'
	printf 'pre { margin: 0; padding: 8px; font: 14px/1.25 '
	printf '"Liberation Mono", monospace; }'
	printf '.b { font-weight: bold; color: #fff; } .d { color: #888; }'
	printf '.r { font-weight: bold; color: #f14c4c; } .y { color: #e5c07b; }'
	printf '.c { color: #56b6c2; }</style></head><body><pre>'
	sed -e 's/&/\&amp;/g; s/</\&lt;/g; s/>/\&gt;/g' \
	    -e "s/$esc\[1m/<span class=b>/g; s/$esc\[2m/<span class=d>/g" \
	    -e "s/$esc\[1;31m/<span class=r>/g; s/$esc\[33m/<span class=y>/g" \
	    -e "s/$esc\[36m/<span class=c>/g; s/$esc\[0m/<\/span>/g" \
	    "$work/term.txt"
	printf '</pre></body></html>\n'
} >"$work/term.html"
chrome=chromium
command -v chromium >/dev/null 2>&1 || chrome=chromium-browser
"$chrome" --headless --no-sandbox --disable-gpu --no-first-run \
    --user-data-dir="$work/profile" --hide-scrollbars \
    --screenshot="$docs/report-terminal.png" --window-size=690,860 \
    "file://$work/term.html" >/dev/null 2>&1
ls -l "$docs/report-terminal.png" "$docs/report-markdown.png"
