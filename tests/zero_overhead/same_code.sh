#!/bin/sh
# SPDX-License-Identifier: MIT
# same_code.sh GENERATED.o BY_HAND.o LABEL - compares each function's
# instructions in two objects (objdump, addresses stripped, a branch's
# target kept relative to its function, padding dropped). Any difference fails, and is shown.
set -u
generated=$1
by_hand=$2
label=$3
# One line per instruction: "function: mnemonic operands".
listing() {
	objdump -d --no-show-raw-insn "$1" | awk '
		/^[0-9a-f]+ <.*>:$/ { fn = $2; gsub(/[<>:]/, "", fn); next }
		/^ +[0-9a-f]+:\t/ { sub(/^ +[0-9a-f]+:\t/, ""); sub(/ +#.*/, ""); gsub(/[ \t]+/, " ");
				    sub(/ [0-9a-f]+ </, " <");
				    if ($0 != "nop" && $0 !~ /^(xchg %ax,%ax|data16|cs nopw|nopw|nopl)/) print fn ": " $0 }'
}
listing "$generated" > "$generated.s"
listing "$by_hand" > "$by_hand.s"
if ! diff -u "$by_hand.s" "$generated.s"; then
	echo "zero-overhead ($label): the generated accessors compile to different instructions"
	exit 1
fi
echo "zero-overhead ($label): $(cut -d: -f1 "$generated.s" | sort -u | wc -l) functions," \
	"$(wc -l < "$generated.s") instructions, identical"
