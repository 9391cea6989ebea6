#!/bin/sh
# SPDX-License-Identifier: MIT
# drivers.sh - every generated driver's glue (<driver>_driver.c, _main.c)
# and its author code (specs/<spec>/<driver>.c, or the skeleton drvgen
# wrote for a golden case, and the C files of the libraries its manifest
# lists, <driver>_libraries.txt) compile for the userspace target with gcc and
# clang at -std=c11 -Wall -Wextra -Werror -pedantic. The kernel target is
# built with Kbuild by targets/kmod/build.sh (make drivers).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
failures=0
count=0
for glue in "$top"/generated/*/*_driver.c "$top"/tests/golden/gen/*/expected/*_driver.c; do
	[ -e "$glue" ] || continue
	dir=$(dirname "$glue")
	drv=$(basename "$glue" _driver.c)
	case $dir in
	"$top"/generated/*) spec="$top/specs/$(basename "$dir")" ;;
	*) spec=$(dirname "$dir") ;;
	esac
	author=$spec/$drv.c
	[ -f "$author" ] || author="$dir/$drv.c" # a golden case's skeleton
	incs="-I$spec" libsrc=""
	if [ -f "$dir/${drv}_libraries.txt" ]; then
		for lib in $(grep -v '^#' "$dir/${drv}_libraries.txt"); do
			incs="$incs -I$spec/$lib"
			libsrc="$libsrc $(ls "$spec/$lib"/*.c 2>/dev/null)"
		done
	fi
	for f in "$glue" "$dir/${drv}_main.c" "$author" $libsrc; do
		[ -e "$f" ] || { echo "FAIL: $f is missing"; failures=$((failures + 1)); continue; }
		for cc in gcc clang; do
			count=$((count + 1))
			$cc -std=c11 -Wall -Wextra -Werror -pedantic -I"$top/runtime/common" \
				-I"$top/runtime/user" -I"$dir" $incs -c "$f" -o /dev/null \
				|| { echo "FAIL: $f with $cc"; failures=$((failures + 1)); }
		done
	done
done
[ $failures -eq 0 ] && echo "drivers: $count compilations of driver glue and author code, all clean"
exit $failures
