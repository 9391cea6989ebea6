#!/bin/sh
# SPDX-License-Identifier: MIT
# kmod.sh OUTDIR - the zero-overhead comparison on the kernel target:
# kmod_accessors.c and kmod_by_hand.c, each built as a module with Kbuild
# against the installed Linux headers (targets/kmod/build.sh: -Werror,
# sparse), must compile to the same instructions (same_code.sh), group and
# repeated-block handles made with an index among them.
set -eu
out=$1
top=$(cd "$(dirname "$0")/../.." && pwd)
dir=$top/tests/zero_overhead
rm -rf "$out"
for tu in accessors by_hand; do
	kb=$out/.kbuild-zo_$tu
	mkdir -p "$kb"
	cp "$dir/kmod_$tu.c" "$kb/"
	cat > "$kb/Kbuild" <<KBUILD
obj-m := zo_$tu.o
zo_$tu-y := kmod_$tu.o
ccflags-y := -Werror -I$top/runtime/kmod -I$top/runtime/common -I$top/generated/edu \
	-I$top/tests/golden/gen/access/expected -I$dir
KBUILD
	sh "$top/targets/kmod/build.sh" --tree "$out" "zo_$tu" >/dev/null
done
sh "$dir/same_code.sh" "$out/.kbuild-zo_accessors/kmod_accessors.o" \
	"$out/.kbuild-zo_by_hand/kmod_by_hand.o" kernel
