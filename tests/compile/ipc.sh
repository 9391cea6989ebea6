#!/bin/sh
# SPDX-License-Identifier: MIT
# ipc.sh OUTDIR - every generated protocol file (types, headers, client,
# server and fuzz sources) compiles with gcc and clang at -std=c11 -Wall
# -Wextra -Werror -pedantic, and as C++ (C++20, for designated
# initializers) with g++ and clang++; headers compile alone.
set -u
out=$1
top=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$out"
failures=0
count=0
incs_for() {
	echo "-I$top/runtime/common -I$top/runtime/user -I$1"
}
for dir in "$top"/generated/* "$top"/tests/golden/gen/*/expected; do
	for f in "$dir"/*_client.c "$dir"/*_server.c "$dir"/*_fuzz.c "$dir"/*.h; do
		[ -e "$f" ] || continue
		name=$(basename "$f")
		case $name in *_regs.h) continue;; esac
		src=$f
		case $name in *.h)
			src="$out/use_$name.c"
			printf '#include "%s"\n' "$name" > "$src";;
		esac
		for cc in gcc clang; do
			count=$((count + 1))
			$cc -std=c11 -Wall -Wextra -Werror -pedantic $(incs_for "$dir") -c "$src" \
				-o /dev/null || { echo "FAIL: $name with $cc"; failures=$((failures + 1)); }
		done
		for cxx in g++ clang++; do
			count=$((count + 1))
			$cxx -std=c++20 -Wall -Wextra -Werror -pedantic $(incs_for "$dir") -x c++ \
				-fsyntax-only "$src" \
				|| { echo "FAIL: $name as C++ with $cxx"; failures=$((failures + 1)); }
		done
	done
done
[ $failures -eq 0 ] && echo "ipc: $count compilations of generated protocol files, all clean"
exit $failures
