#!/bin/sh
# SPDX-License-Identifier: MIT
# compare.sh CC OUTDIR INCLUDE... - compiles accessors.c and by_hand.c at -O2
# and compares each function's instructions (same_code.sh). Any difference
# fails, and is shown.
set -u
cc=$1
out=$2
shift 2
incs=""
for d in "$@"; do incs="$incs -I$d"; done
dir=$(dirname "$0")
mkdir -p "$out"
for tu in accessors by_hand; do
	$cc -std=c11 -O2 -Wall -Wextra -Werror -pedantic $incs -I"$dir" -c "$dir/$tu.c" \
		-o "$out/$tu.$cc.o" || exit 1
done
sh "$dir/same_code.sh" "$out/accessors.$cc.o" "$out/by_hand.$cc.o" "$cc"
