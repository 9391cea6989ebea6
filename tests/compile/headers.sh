#!/bin/sh
# SPDX-License-Identifier: MIT
# headers.sh OUTDIR - every generated register header compiles alone (it
# includes what it needs) for the user and sim targets with gcc and clang at
# -std=c11 -Wall -Wextra -Werror -pedantic, and as C++ with g++; every
# generated description compiles too.
set -u
out=$1
top=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$out"
failures=0
count=0
for header in "$top"/generated/*/*_regs.h "$top"/tests/golden/gen/*/expected/*_regs.h; do
	dir=$(dirname "$header")
	name=$(basename "$header")
	desc="$dir/${name%.h}_desc.c"
	printf '#include "%s"\n' "$name" > "$out/use_$name.c"
	for target in user sim; do
		incs="-I$top/runtime/common -I$top/runtime/$target -I$dir"
		for cc in gcc clang; do
			count=$((count + 1))
			if ! $cc -std=c11 -Wall -Wextra -Werror -pedantic $incs -c "$out/use_$name.c" \
				-o /dev/null || ! $cc -std=c11 -Wall -Wextra -Werror -pedantic $incs \
				-c "$desc" -o /dev/null; then
				echo "FAIL: $name with $cc for $target"
				failures=$((failures + 1))
			fi
		done
		count=$((count + 1))
		if ! g++ -std=c++11 -Wall -Wextra -Werror -pedantic -fsyntax-only $incs -x c++ \
			"$out/use_$name.c"; then
			echo "FAIL: $name as C++ for $target"
			failures=$((failures + 1))
		fi
	done
done
[ $failures -eq 0 ] && echo "headers: $count compilations of generated headers, all clean"
exit $failures
