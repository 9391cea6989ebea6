#!/bin/sh
# SPDX-License-Identifier: MIT
# kernel_tree.sh ABI DIR - unpacks the Debian headers of kernel ABI (the
# packages' version in their names, 6.12.118+deb12 say) into DIR, without
# installing them, so that modules build against them with
# `targets/kmod/build.sh` and KDIR=DIR/usr/src/linux-headers-ABI-<arch>
# (what `make test-kernels` does). Installing them would pull in that
# kernel's image, which would become the newest in /boot and the one the
# QEMU suite boots. Run by `make deps`; does nothing when DIR is complete.
set -eu
[ $# -eq 2 ] || { echo "usage: kernel_tree.sh ABI DIR" >&2; exit 2; }
abi=$1 dir=$2
arch=$(dpkg --print-architecture)
tree=$dir/usr/src/linux-headers-$abi-$arch
if [ -f "$dir/.complete" ]; then
	echo "kernel_tree.sh: $tree is there"
	exit 0
fi
cache=$(dirname "$dir")
if ! mkdir -p "$cache" 2>/dev/null || [ ! -w "$cache" ]; then
	echo "kernel_tree.sh: cannot write $cache: run make deps as root" >&2
	exit 1
fi
# unpacked beside DIR, then moved in whole: a failed run leaves no
# half tree that looks complete
tmp=$dir.part
rm -rf "$tmp" && mkdir -p "$tmp/debs"
(cd "$tmp/debs" && apt-get download -q "linux-headers-$abi-$arch" "linux-headers-$abi-common" \
	"linux-kbuild-$abi")
for deb in "$tmp"/debs/*.deb; do
	dpkg-deb -x "$deb" "$tmp"
done
rm -rf "$tmp/debs"
# The arch tree's Makefile includes the common tree's by its absolute
# path under /usr/src (the scripts and tools links are relative).
mk=$tmp/usr/src/linux-headers-$abi-$arch/Makefile
sed -i "s|^include /usr/src/|include $dir/usr/src/|" "$mk"
grep -q "^include $dir/usr/src/linux-headers-$abi-common/Makefile\$" "$mk" ||
	{ echo "kernel_tree.sh: $mk does not include the common tree as expected" >&2; exit 1; }
touch "$tmp/.complete"
rm -rf "$dir" && mv "$tmp" "$dir"
echo "kernel_tree.sh: $tree unpacked"
