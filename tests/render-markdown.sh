#!/bin/sh
# Render a markdown report as GitHub would show it and check its charts:
# cmark-gfm (with the table extension) to HTML, then headless Chromium
# loads it with a local mermaid.min.js (no network) and draws every
# ```mermaid block.  Prints how many charts and tables there are, how many
# charts rendered, and each chart's error.  Exit 77 with a reason when
# chromium, cmark-gfm or mermaid are not installed.
#   render-markdown.sh REPORT.md WORKDIR [SCREENSHOT.png]
# mermaid.min.js: $MERMAID_JS, else the npm package that .ci/deps puts in
# the build directory (web/) or in the checkout (tests/web/).
set -u
md=$1
work=$2
shot=${3:-}
here=$(cd "$(dirname "$0")" && pwd)

chrome=
for c in chromium chromium-browser google-chrome; do
	if command -v "$c" >/dev/null 2>&1; then
		chrome=$c
		break
	fi
done
if [ -z "$chrome" ]; then
	echo "chromium is not installed (sh .ci/deps --all)"
	exit 77
fi
if ! command -v cmark-gfm >/dev/null 2>&1; then
	echo "cmark-gfm is not installed (sh .ci/deps --all)"
	exit 77
fi
js=${MERMAID_JS:-}
if [ -z "$js" ]; then
	for d in ${LOGANALYZE:+"$(dirname "$LOGANALYZE")/web"} "$here/web"; do
		if [ -f "$d/node_modules/mermaid/dist/mermaid.min.js" ]; then
			js=$d/node_modules/mermaid/dist/mermaid.min.js
			break
		fi
	done
fi
if [ -z "$js" ] || [ ! -f "$js" ]; then
	echo "mermaid is not installed (sh .ci/deps --all puts it in tests/web)"
	exit 77
fi
js=$(cd "$(dirname "$js")" && pwd)/$(basename "$js")

html=$work/report.html
{
	cat <<'HEAD'
<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>report</title>
<style>
body { font: 14px/1.5 -apple-system, "Segoe UI", "Liberation Sans", sans-serif;
  max-width: 980px; margin: 16px auto; padding: 0 16px; color: #1f2328; }
h1, h2 { border-bottom: 1px solid #d1d9e0; padding-bottom: .3em; }
table { border-collapse: collapse; display: block; overflow: auto; }
td, th { border: 1px solid #d1d9e0; padding: 4px 10px; }
pre { background: #f6f8fa; padding: 12px; overflow: auto; font-size: 12px; }
code { font-family: "Liberation Mono", monospace; }
#render-result { display: none; }
</style></head><body>
HEAD
	cmark-gfm --extension table --extension strikethrough "$md"
	printf '<script src="file://%s"></script>\n' "$js"
	cat <<'TAIL'
<script>
(async function () {
	var blocks = Array.prototype.slice.call(document.querySelectorAll(
	    'pre > code.language-mermaid, pre[lang="mermaid"] > code'));
	var ok = 0, errors = [], i;
	mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' });
	for (i = 0; i < blocks.length; i++) {
		var pre = blocks[i].parentElement;
		try {
			var out = await mermaid.render('chart' + i,
			    blocks[i].textContent);
			var div = document.createElement('div');
			div.innerHTML = out.svg;
			if (/aria-roledescription="error"|Syntax error in/.test(
			    out.svg))
				throw new Error('mermaid drew its error diagram');
			pre.replaceWith(div);
			ok++;
		} catch (e) {
			errors.push('chart ' + (i + 1) + ': ' +
			    String(e && e.message ? e.message : e).split('\n')[0]);
		}
	}
	var r = document.createElement('pre');
	r.id = 'render-result';
	/* the marker, split so that this script's text does not match */
	var m = 'RE' + 'SULT ';
	r.textContent = m + 'charts: ' + blocks.length + ', rendered: ' +
	    ok + ', tables: ' + document.querySelectorAll('table').length +
	    (errors.length ? '\n' + m + errors.join('\n' + m) : '') +
	    '\n' + m + 'done';
	document.body.appendChild(r);
})();
</script>
</body></html>
TAIL
} >"$html"

run_chrome() {
	"$chrome" --headless --no-sandbox --disable-gpu --no-first-run \
	    --user-data-dir="$work/chrome-profile" --hide-scrollbars \
	    --allow-file-access-from-files --virtual-time-budget=30000 \
	    "$@" "file://$(cd "$(dirname "$html")" && pwd)/report.html" \
	    2>"$work/chrome.err"
}
run_chrome --dump-dom >"$work/dom.html"
if ! grep -q '^RESULT done' "$work/dom.html"; then
	echo "chromium did not finish rendering:"
	sed -n '1,5p' "$work/chrome.err"
	exit 1
fi
sed -n 's/^.*RESULT //p' "$work/dom.html" | sed 's/<\/pre>.*$//' |
    grep -v '^done$' | sed 's/&lt;/</g; s/&gt;/>/g; s/&amp;/\&/g'
if [ -n "$shot" ]; then
	run_chrome --screenshot="$shot" --window-size=${SHOT_SIZE:-1000,1500} \
	    >/dev/null
fi
# every chart drawn, or fail
grep -q '^RESULT chart ' "$work/dom.html" && exit 1
exit 0
