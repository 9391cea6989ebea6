#!/bin/sh
# SPDX-License-Identifier: MIT
# kmod.sh OUTDIR - builds regs_kmod.c and the generated register
# descriptions as a kernel module with Kbuild against the installed Linux
# headers (those of the newest /boot/vmlinuz-*, or $KVER), with sparse when
# it is installed. Any warning fails the build (-Werror).
set -eu
out=$1
top=$(cd "$(dirname "$0")/../.." && pwd)
kver=${KVER:-$(ls /boot/vmlinuz-* 2>/dev/null | sed 's|.*/vmlinuz-||' | sort -V | tail -1)}
kdir=/lib/modules/$kver/build
[ -d "$kdir" ] || { echo "kmod.sh: no kernel headers in $kdir (make deps)"; exit 1; }
rm -rf "$out" && mkdir -p "$out"
cp "$top/tests/compile/regs_kmod.c" "$out/"
for f in "$top"/generated/edu/edu_regs_desc.c "$top"/generated/uart16550/uart16550_regs_desc.c \
	 "$top"/tests/golden/gen/access/expected/acc_regs_desc.c; do
	cp "$f" "$out/"
done
cat > "$out/Kbuild" <<KBUILD
obj-m := drvgen_regs_test.o
drvgen_regs_test-y := regs_kmod.o edu_regs_desc.o uart16550_regs_desc.o acc_regs_desc.o
ccflags-y := -Werror -I$top/runtime/kmod -I$top/runtime/common -I$top/generated/edu \
	-I$top/generated/uart16550 -I$top/tests/golden/gen/access/expected
KBUILD
sparse=""
command -v sparse >/dev/null 2>&1 && sparse="C=1"
make -s -C "$kdir" M="$out" $sparse modules 2>&1 | tee "$out/build.log"
if grep -E 'warning|error' "$out/build.log" >/dev/null; then
	echo "kmod: warnings in the Kbuild build (see $out/build.log)"
	exit 1
fi
[ -f "$out/drvgen_regs_test.ko" ] || { echo "kmod: no module built"; exit 1; }
echo "kmod: generated accessors build as a module for $kver${sparse:+, sparse clean}"
