# Sourced by test scripts: strict shell, fixed locale and zone, a temp dir
# removed on exit.
set -eu
export LC_ALL=C TZ=UTC
TMPDIR_TEST=$(mktemp -d "${TMPDIR:-/tmp}/loganalyze-test.XXXXXX")
trap 'rm -rf "$TMPDIR_TEST"' EXIT
