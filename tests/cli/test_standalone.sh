#!/bin/sh
# SPDX-License-Identifier: MIT
# test_standalone.sh - the project stands alone: no tracked file cites a
# document a reader of this tree cannot open (docs/internals.md, "The
# project stands alone"). Two kinds of citation are caught:
#   - a Markdown document (a name ending in .md) not in the tree; the
#     page names drvgen doc writes, and printf formats such as %s.md, are
#     not citations;
#   - a relative path (../x) that leads out of the tree, from the folder of
#     the file that names it, to something that exists there.
set -u
cd "$(dirname "$0")/../.." || exit 2
top=$(pwd)
fail=0
say() { echo "FAIL: cites a file outside the project: $*"; fail=1; }

names=$(git ls-files | sed 's|.*/||' | sort -u)
# drvgen doc's own pages (compiler/emit_doc.c) are output, not citations
git ls-files -z -- ':!compiler/emit_doc.c' ':!compiler/doc_page.h' |
	xargs -0 grep -o -n -I -E '(^|[^%A-Za-z0-9_])[A-Za-z0-9_-]+\.md\b' -- 2>/dev/null |
	sed 's/^\([^:]*:[0-9]*:\)[^A-Za-z0-9_-]*/\1/' > /tmp/standalone.$$
while IFS=: read -r file line doc; do
	printf '%s\n' "$names" | grep -qx -- "$doc" || say "$file:$line: $doc"
done < /tmp/standalone.$$

git ls-files -z | xargs -0 grep -o -n -I -E '(\.\./)+[A-Za-z0-9_.-]+' -- 2>/dev/null > /tmp/standalone.$$
while IFS=: read -r file line path; do
	where=$(realpath -m "$(dirname "$file")/$path")
	case $where in
	"$top" | "$top"/*) ;;
	*) [ -e "$where" ] && say "$file:$line: $path ($where)" ;;
	esac
done < /tmp/standalone.$$
rm -f /tmp/standalone.$$

[ $fail = 0 ] || exit 1
echo "standalone: no file cites one outside the project"
