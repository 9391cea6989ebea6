#!/bin/sh
# SPDX-License-Identifier: MIT
# kmod.sh OUTDIR - builds regs_kmod.c and the generated register
# descriptions as a kernel module with Kbuild against the installed Linux
# headers, the way targets/kmod/build.sh builds drivers (the newest
# /boot/vmlinuz-*'s, or $KVER; -Werror, sparse when installed): any warning
# from the compiler, sparse or modpost fails it, make's own notes do not.
set -eu
out=$1
top=$(cd "$(dirname "$0")/../.." && pwd)
kb=$out/.kbuild-drvgen_regs_test
rm -rf "$out" && mkdir -p "$kb"
cp "$top/tests/compile/regs_kmod.c" "$kb/"
for f in "$top"/generated/edu/edu_regs_desc.c "$top"/generated/uart16550/uart16550_regs_desc.c \
	 "$top"/tests/golden/gen/access/expected/acc_regs_desc.c \
	 "$top"/tests/golden/gen/driver/expected/nic_regs_desc.c; do
	cp "$f" "$kb/"
done
cat > "$kb/Kbuild" <<KBUILD
obj-m := drvgen_regs_test.o
drvgen_regs_test-y := regs_kmod.o edu_regs_desc.o uart16550_regs_desc.o acc_regs_desc.o nic_regs_desc.o
ccflags-y := -Werror -I$top/runtime/kmod -I$top/runtime/common -I$top/generated/edu \
	-I$top/generated/uart16550 -I$top/tests/golden/gen/access/expected \
	-I$top/tests/golden/gen/driver/expected
KBUILD
sh "$top/targets/kmod/build.sh" --tree "$out" drvgen_regs_test
echo "kmod: generated accessors build as a module"
