#!/bin/sh
# SPDX-License-Identifier: MIT
# kernels.sh OUTDIR TREE... - builds the kernel target against every
# supported kernel (docs/drivers.md, "Supported kernels"): the installed
# one (what `make drivers` and the QEMU suite use) and each kernel build
# tree TREE that `make deps` unpacked (targets/kmod/kernel_tree.sh).
# Against each: drvgen.ko, drv_uio_irq.ko, every spec's driver module (each
# specs/<spec> with a manifest, from generated/<spec>) and the generated
# accessors' test module (tests/compile/kmod.sh), each by
# targets/kmod/build.sh: -Werror, sparse, any warning fails. A missing tree
# fails too.
set -eu
[ $# -ge 1 ] || { echo "usage: kernels.sh OUTDIR [TREE...]" >&2; exit 2; }
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$1
shift
for tree in "$@"; do
	[ -f "$tree/include/config/kernel.release" ] ||
		{ echo "kernels.sh: no kernel tree $tree: run make deps" >&2; exit 1; }
done

# modules DIR: every module, into DIR, against the kernel build.sh picks
modules() {
	sh "$top/targets/kmod/build.sh" --core "$1"
	sh "$top/targets/kmod/build.sh" --uio-irq "$1"
	for spec in "$top"/specs/*/; do
		ls "$spec"*.manifest.yaml >/dev/null 2>&1 || continue
		sh "$top/targets/kmod/build.sh" "$spec" "$top/generated/$(basename "$spec")" "$1"
	done
	sh "$top/tests/compile/kmod.sh" "$1/regs"
}

rm -rf "$out"
(unset KDIR; modules "$out/installed")
for tree in "$@"; do
	KDIR=$tree modules "$out/$(cat "$tree/include/config/kernel.release")"
done
echo "kernels: every module builds cleanly against the installed kernel and $# more"
