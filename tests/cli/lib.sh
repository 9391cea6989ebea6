# SPDX-License-Identifier: MIT
# lib.sh - what the CLI test scripts share, sourced from the top folder: a
# temporary folder $tmp removed on exit (kept with KEEP=1), fail, finish.
tmp=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
failures=0

fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

# finish NAME - the verdict; exits 1 if a check failed.
finish() {
	if [ "$failures" = 0 ]; then
		echo "$1: all checks passed"
	else
		echo "$1: $failures check(s) failed"
		exit 1
	fi
}
