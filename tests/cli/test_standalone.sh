#!/bin/sh
# SPDX-License-Identifier: MIT
# test_standalone.sh - the project stands alone: no tracked file cites a
# document outside the repository (a ../shared folder, a DESIGN.md) that a
# reader of this tree cannot open. What a maintainer needs is in docs/.
set -u
cd "$(dirname "$0")/../.." || exit 2
hits=$(git ls-files -z | xargs -0 grep -n -I -e '\.\./shared/' -e 'DESIGN\.md' -- 2>/dev/null |
	grep -v '^tests/cli/test_standalone\.sh:')
if [ -n "$hits" ]; then
	printf '%s\n' "$hits" | sed 's/^/FAIL: cites a file outside the project: /'
	exit 1
fi
echo "standalone: no file cites one outside the project"
