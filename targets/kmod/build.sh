#!/bin/sh
# SPDX-License-Identifier: MIT
# build.sh SPECDIR GENDIR OUTDIR - builds a drvgen driver as the kernel
# module OUTDIR/<driver>.ko (and OUTDIR/drvgen.ko, the runtime it needs,
# when OUTDIR has none yet).
# build.sh --core OUTDIR - builds OUTDIR/drvgen.ko, the runtime every
# driver module depends on (runtime/kmod/*.c but drv_uio_irq.c, and the
# class adapters' client stubs, generated/std/blk_device_client.c and
# net_nic_client.c).
# build.sh --uio-irq OUTDIR - builds OUTDIR/drv_uio_irq.ko, which gives a
# userspace driver server an ISA interrupt line (runtime/kmod/drv_uio_irq.c).
# build.sh --tree OUTDIR NAME - builds OUTDIR/NAME.ko from the Kbuild tree
# OUTDIR/.kbuild-NAME the caller laid out (tests/compile/kmod.sh), judged
# as every module here is.
#
# The driver is the one GENDIR/<driver>_kmod.c names (drvgen gen writes one
# per manifest). Its module links the generated GENDIR/<driver>_kmod.c and
# <driver>_driver.c, the server dispatch of every interface GENDIR holds
# (GENDIR/*_server.c: those the driver serves and their parents), the
# author's SPECDIR/<driver>.c and the C files of each library folder that
# GENDIR/<driver>_libraries.txt lists; the runtime's symbols come from drvgen.ko,
# which must be loaded first (modprobe does it; insmod drvgen.ko by hand).
#
# Kbuild, against the headers of the newest /boot/vmlinuz-* (or $KVER), or
# the kernel build tree $KDIR (a headers tree not installed, as
# tests/compile/kernels.sh builds against);
# -Werror, and sparse when it is installed. Any warning, from the compiler,
# sparse or modpost, fails the build. The Kbuild tree is OUTDIR/.kbuild-<name>,
# rebuilt from scratch each time so every file is checked every time.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)

usage() {
	echo "usage: build.sh SPECDIR GENDIR OUTDIR | build.sh --core OUTDIR | build.sh --uio-irq OUTDIR" >&2
	echo "       build.sh --tree OUTDIR NAME" >&2
	exit 2
}

if [ -n "${KDIR:-}" ]; then
	kdir=$KDIR
	kver=$(cat "$kdir/include/config/kernel.release" 2>/dev/null) ||
		{ echo "build.sh: $kdir is no kernel build tree (make deps)" >&2; exit 1; }
else
	kver=${KVER:-$(ls /boot/vmlinuz-* 2>/dev/null | sed 's|.*/vmlinuz-||' | sort -V | tail -1)}
	kdir=/lib/modules/$kver/build
	[ -n "$kver" ] && [ -d "$kdir" ] || { echo "build.sh: no kernel headers in $kdir (make deps)" >&2; exit 1; }
fi
sparse=""
command -v sparse >/dev/null 2>&1 && sparse="C=1"

# kbuild NAME: builds $out/.kbuild-NAME (Kbuild file and sources in place)
# into $out/NAME.ko. Make's own messages (a jobserver note from a parent
# make, say) are not the build's: only the compiler's, sparse's and
# modpost's lines are judged.
kbuild() {
	kb=$out/.kbuild-$1
	status=0
	# shellcheck disable=SC2086  # $sparse is empty or one word
	MAKEFLAGS= make -s -C "$kdir" M="$kb" $sparse modules > "$kb/build.log" 2>&1 || status=$?
	cat "$kb/build.log"
	if [ $status -ne 0 ] || grep -v '^make' "$kb/build.log" | grep -E 'warning|error' >/dev/null; then
		echo "build.sh: $1.ko did not build cleanly (see $kb/build.log)" >&2
		exit 1
	fi
	[ -f "$kb/$1.ko" ] || { echo "build.sh: no $1.ko built" >&2; exit 1; }
	cp "$kb/$1.ko" "$out/$1.ko"
	echo "build.sh: $out/$1.ko for $kver${sparse:+, sparse clean}"
}

# outdir DIR: makes it and sets $out to its absolute path
outdir() {
	mkdir -p "$1"
	out=$(cd "$1" && pwd)
}

core() {
	kb=$out/.kbuild-drvgen
	rm -rf "$kb" && mkdir -p "$kb"
	objs=""
	# the runtime, and the client stubs of the device classes its
	# adapters call (generated/std also holds the device registry's,
	# which only the userspace target has)
	for f in "$top"/runtime/kmod/*.c "$top"/generated/std/blk_device_client.c \
		"$top"/generated/std/net_nic_client.c; do
		[ "$(basename "$f")" = drv_uio_irq.c ] && continue
		cp "$f" "$kb/"
		objs="$objs $(basename "$f" .c).o"
	done
	cat > "$kb/Kbuild" <<KBUILD
obj-m := drvgen.o
drvgen-y :=$objs
ccflags-y := -Werror -I$top/runtime/kmod -I$top/runtime/common -I$top/generated/std
KBUILD
	kbuild drvgen
}

case "${1:-}" in
--core)
	[ $# -eq 2 ] || usage
	outdir "$2"
	core
	exit 0
	;;
--tree)
	[ $# -eq 3 ] || usage
	outdir "$2"
	kbuild "$3"
	exit 0
	;;
--uio-irq)
	[ $# -eq 2 ] || usage
	outdir "$2"
	kb=$out/.kbuild-drv_uio_irq
	rm -rf "$kb" && mkdir -p "$kb"
	cp "$top/runtime/kmod/drv_uio_irq.c" "$kb/"
	printf 'obj-m := drv_uio_irq.o\nccflags-y := -Werror\n' > "$kb/Kbuild"
	kbuild drv_uio_irq
	exit 0
	;;
esac

[ $# -eq 3 ] || usage
spec=$(cd "$1" && pwd)
gen=$(cd "$2" && pwd)
outdir "$3"
set -- "$gen"/*_kmod.c
[ $# -eq 1 ] && [ -f "$1" ] || { echo "build.sh: want one *_kmod.c in $gen" >&2; exit 1; }
name=$(basename "$1" _kmod.c)
for f in "$gen/${name}_driver.c" "$spec/$name.c"; do
	[ -f "$f" ] || { echo "build.sh: $f is missing" >&2; exit 1; }
done
[ -f "$out/.kbuild-drvgen/Module.symvers" ] || core
kb=$out/.kbuild-$name
rm -rf "$kb" && mkdir -p "$kb/gen" "$kb/spec"
# Copies, in subfolders: Kbuild builds only inside its tree, and the
# author's <driver>.c must not be the module's own <driver>.o.
objs=""
for f in "$gen/${name}_kmod.c" "$gen/${name}_driver.c" "$gen"/*_server.c; do
	cp "$f" "$kb/gen/"
	objs="$objs gen/$(basename "$f" .c).o"
done
cp "$spec/$name.c" "$kb/spec/"
objs="$objs spec/$name.o"
# the libraries the manifest lists (GENDIR/<driver>_libraries.txt): each
# folder's C files, and the folder on the include path
incs="-I$spec"
n=0
if [ -f "$gen/${name}_libraries.txt" ]; then
	for lib in $(grep -v '^#' "$gen/${name}_libraries.txt"); do
		dir=$(cd "$spec/$lib" && pwd) || { echo "build.sh: no library folder $spec/$lib" >&2; exit 1; }
		n=$((n + 1))
		mkdir -p "$kb/lib$n"
		for f in "$dir"/*.c; do
			[ -f "$f" ] || continue
			cp "$f" "$kb/lib$n/"
			objs="$objs lib$n/$(basename "$f" .c).o"
		done
		incs="$incs -I$dir"
	done
fi
cat > "$kb/Kbuild" <<KBUILD
obj-m := $name.o
$name-y :=$objs
ccflags-y := -Werror -I$top/runtime/kmod -I$top/runtime/common -I$gen $incs
KBUILD_EXTRA_SYMBOLS := $out/.kbuild-drvgen/Module.symvers
KBUILD
kbuild "$name"
