#!/bin/sh
# build.sh SPECDIR GENDIR OUTDIR - builds a drvgen driver as the kernel
# module OUTDIR/<driver>.ko.
# build.sh --uio-irq OUTDIR - builds OUTDIR/drv_uio_irq.ko, which gives a
# userspace driver server an ISA interrupt line (runtime/kmod/drv_uio_irq.c).
#
# The driver is the one GENDIR/<driver>_kmod.c names (drvgen gen writes one
# per manifest). Its module links the generated
# GENDIR/<driver>_kmod.c and <driver>_driver.c, the server dispatch of every
# interface GENDIR holds (GENDIR/*_server.c: those the driver serves and
# their parents), the author's SPECDIR/<driver>.c, and the module runtime
# (runtime/kmod/*.c but drv_uio_irq.c).
#
# Kbuild, against the headers of the newest /boot/vmlinuz-* (or $KVER);
# -Werror, and sparse when it is installed. Any warning, from the compiler,
# sparse or modpost, fails the build. The Kbuild tree is OUTDIR/.kbuild-<name>,
# rebuilt from scratch each time so every file is checked every time.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)

usage() {
	echo "usage: build.sh SPECDIR GENDIR OUTDIR | build.sh --uio-irq OUTDIR" >&2
	exit 2
}

kver=${KVER:-$(ls /boot/vmlinuz-* 2>/dev/null | sed 's|.*/vmlinuz-||' | sort -V | tail -1)}
kdir=/lib/modules/$kver/build
[ -n "$kver" ] && [ -d "$kdir" ] || { echo "build.sh: no kernel headers in $kdir (make deps)" >&2; exit 1; }

if [ "${1:-}" = "--uio-irq" ]; then
	[ $# -eq 2 ] || usage
	name=drv_uio_irq
	out=$2
	mkdir -p "$out"
	out=$(cd "$out" && pwd)
	kb=$out/.kbuild-$name
	rm -rf "$kb" && mkdir -p "$kb"
	cp "$top/runtime/kmod/drv_uio_irq.c" "$kb/"
	printf 'obj-m := drv_uio_irq.o\nccflags-y := -Werror\n' > "$kb/Kbuild"
else
	[ $# -eq 3 ] || usage
	spec=$(cd "$1" && pwd)
	gen=$(cd "$2" && pwd)
	out=$3
	set -- "$gen"/*_kmod.c
	[ $# -eq 1 ] && [ -f "$1" ] || { echo "build.sh: want one *_kmod.c in $gen" >&2; exit 1; }
	name=$(basename "$1" _kmod.c)
	for f in "$gen/${name}_driver.c" "$spec/$name.c"; do
		[ -f "$f" ] || { echo "build.sh: $f is missing" >&2; exit 1; }
	done
	mkdir -p "$out"
	out=$(cd "$out" && pwd)
	kb=$out/.kbuild-$name
	rm -rf "$kb" && mkdir -p "$kb/gen" "$kb/spec" "$kb/runtime"
	# Copies, in subfolders: Kbuild builds only inside its tree, and the
	# author's <driver>.c must not be the module's own <driver>.o.
	objs=""
	for f in "$gen/${name}_kmod.c" "$gen/${name}_driver.c" "$gen"/*_server.c; do
		cp "$f" "$kb/gen/"
		objs="$objs gen/$(basename "$f" .c).o"
	done
	cp "$spec/$name.c" "$kb/spec/"
	# the module runtime: every runtime/kmod/*.c but drv_uio_irq.c, a
	# module of its own
	for f in "$top"/runtime/kmod/*.c; do
		[ "$(basename "$f")" = drv_uio_irq.c ] && continue
		cp "$f" "$kb/runtime/"
		objs="$objs runtime/$(basename "$f" .c).o"
	done
	cat > "$kb/Kbuild" <<KBUILD
obj-m := $name.o
$name-y :=$objs spec/$name.o
ccflags-y := -Werror -I$top/runtime/kmod -I$top/runtime/common -I$gen -I$spec
KBUILD
fi

sparse=""
command -v sparse >/dev/null 2>&1 && sparse="C=1"
status=0
make -s -C "$kdir" M="$kb" $sparse modules > "$kb/build.log" 2>&1 || status=$?
cat "$kb/build.log"
if [ $status -ne 0 ] || grep -E 'warning|error' "$kb/build.log" >/dev/null; then
	echo "build.sh: $name.ko did not build cleanly (see $kb/build.log)" >&2
	exit 1
fi
[ -f "$kb/$name.ko" ] || { echo "build.sh: no $name.ko built" >&2; exit 1; }
cp "$kb/$name.ko" "$out/$name.ko"
echo "build.sh: $out/$name.ko for $kver${sparse:+, sparse clean}"
