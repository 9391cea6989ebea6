#!/bin/sh
# SPDX-License-Identifier: MIT
# compare.sh CC OUTDIR INCLUDE... - compiles accessors.c and by_hand.c at -O2
# and compares each function's instructions (objdump, addresses and symbol
# names stripped). Any difference fails, and is shown.
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
# One line per instruction: "function: mnemonic operands".
listing() {
	objdump -d --no-show-raw-insn "$1" | awk '
		/^[0-9a-f]+ <.*>:$/ { fn = $2; gsub(/[<>:]/, "", fn); next }
		/^ +[0-9a-f]+:\t/ { sub(/^ +[0-9a-f]+:\t/, ""); sub(/ +#.*/, ""); gsub(/[ \t]+/, " ");
				    if ($0 != "nop" && $0 !~ /^(xchg %ax,%ax|data16|cs nopw|nopw|nopl)/) print fn ": " $0 }'
}
listing "$out/accessors.$cc.o" > "$out/accessors.$cc.s"
listing "$out/by_hand.$cc.o" > "$out/by_hand.$cc.s"
if ! diff -u "$out/by_hand.$cc.s" "$out/accessors.$cc.s"; then
	echo "zero-overhead ($cc): the generated accessors compile to different instructions"
	exit 1
fi
echo "zero-overhead ($cc): $(cut -d: -f1 "$out/accessors.$cc.s" | sort -u | wc -l) functions," \
	"$(wc -l < "$out/accessors.$cc.s") instructions, identical"
