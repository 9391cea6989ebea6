#!/bin/sh
# SPDX-License-Identifier: MIT
# test_spdx.sh DRVGEN - every source file carries its licence as the kernel
# writes it: `// SPDX-License-Identifier: ...` as the first line of a .c
# file, `/* SPDX-License-Identifier: ... */` of a header (and of the
# grammar and diag_codes.def), `# SPDX-License-Identifier: ...` of a script
# or makefile (the second line, after a #!). So do generated files, whose
# licence is --spdx; and the kernel module's MODULE_LICENSE follows it
# (docs/drivers.md). Run from the top folder.
set -u
drvgen=$1
. tests/cli/lib.sh

# check_file FILE - FILE carries its SPDX line, in the form of its kind
check_file() {
	case $1 in
	*.c) want='^// SPDX-License-Identifier: [^ ].*[^ ]$' ;;
	*.h | *.l | *.y | *.def) want='^/\* SPDX-License-Identifier: [^ ].* \*/$' ;;
	*) want='^# SPDX-License-Identifier: [^ ].*[^ ]$' ;;
	esac
	line=1
	head -1 "$1" | grep -q '^#!' && line=2
	sed -n "${line}p" "$1" | grep -Eq "$want" || fail "$1: line $line is not its SPDX line"
}

n=0
for f in Makefile $(find compiler runtime tests tools targets specs generated bench -maxdepth 5 \
	-type f \( -name '*.c' -o -name '*.h' -o -name '*.l' -o -name '*.y' -o -name '*.def' \
	-o -name '*.sh' -o -name '*.mk' \) | sort); do
	check_file "$f"
	n=$((n + 1))
done
[ "$n" -gt 150 ] || fail "only $n source files found"

# --spdx: the banner of every file, in its form, and the module's licence
"$drvgen" gen --spdx GPL-2.0-only -o "$tmp/gpl" --skeleton "$tmp/gpl" specs/edu ||
	fail "gen --spdx GPL-2.0-only"
for f in "$tmp/gpl"/*; do
	check_file "$f"
	grep -q 'SPDX-License-Identifier: GPL-2.0-only' "$f" || fail "$f: not GPL-2.0-only"
done
grep -q '^MODULE_LICENSE("GPL");$' "$tmp/gpl/edu_kmod.c" || fail "GPL-2.0-only: MODULE_LICENSE(\"GPL\")"
"$drvgen" gen --spdx 'BSD-3-Clause OR GPL-2.0' -o "$tmp/bsd" --skeleton "$tmp/bsd" specs/edu ||
	fail "gen --spdx 'BSD-3-Clause OR GPL-2.0'"
grep -q '^MODULE_LICENSE("Dual BSD/GPL");$' "$tmp/bsd/edu_kmod.c" || fail "BSD OR GPL: Dual BSD/GPL"
grep -q '^MODULE_LICENSE("Dual MIT/GPL");$' generated/edu/edu_kmod.c || fail "MIT: Dual MIT/GPL"
"$drvgen" gen --spdx Apache-2.0 -o "$tmp/apache" specs/edu 2>"$tmp/err"
[ $? = 2 ] || fail "a licence no module can have is a usage error for the kernel target"
grep -q 'MODULE_LICENSE' "$tmp/err" || fail "the error says why"
"$drvgen" gen --target user --spdx Apache-2.0 -o "$tmp/apache" --skeleton "$tmp/apache" specs/edu ||
	fail "--target user takes any licence"
finish "spdx ($n files)"
