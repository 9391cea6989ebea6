#!/bin/sh
# SPDX-License-Identifier: MIT
# mkinitramfs.sh OUT.cpio.gz STAGE_DIR
#
# Build the gzip'd newc initramfs used by targets/qemu/run.sh:
#   /bin/busybox, /bin/sh          (other applet links: `busybox --install -s`
#                                  in /init at boot)
#   /init                          (copied from targets/qemu/init)
#   /lib/modules/<kver>/...        MODULES and EXTRA_MODULES and their
#                                  modules.dep dependencies, uncompressed
#   /etc/drvgen-modules            the .ko paths of MODULES, in load order,
#                                  for /init
#   /etc/drvgen-mod/NAME           each EXTRA_MODULES module's load order
#   /stage/...                     a copy of STAGE_DIR (test binaries, .ko
#                                  files, the optional /stage/run script)
#
# Environment overrides:
#   KVER      kernel version (default: newest /boot/vmlinuz-*; never `uname -r`,
#             the host kernel is not the guest kernel)
#   MODULES   space-separated module names loaded at boot (default "uio
#             uio_pci_generic vfio vfio_iommu_type1 vfio-pci"; dependencies
#             are added from modules.dep)
#   BINARIES  programs of the host to copy in (names on the PATH, or
#             paths), into /usr/bin, with the shared libraries ldd names
#             (at their own paths) and the dynamic loader: mke2fs, fio...
#   EXTRA_MODULES  modules copied in but not loaded: the guest loads one with
#             `load_module NAME` (guest_lib.sh), which reads its load order
#             (dependencies first) from /etc/drvgen-mod/NAME
#   MODDIR    module tree to take them from (default /lib/modules/$KVER)
#   BUSYBOX   static busybox binary (default /bin/busybox)
#   SOURCE_DATE_EPOCH  timestamp stamped on every file (default 0)
#
# The archive is reproducible: sorted file list, uid/gid 0, fixed mtimes,
# `gzip -n`.  Same inputs -> byte-identical output.
set -eu

usage() { echo "usage: $0 OUT.cpio.gz STAGE_DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
OUT=$1
STAGE=$2
[ -d "$STAGE" ] || { echo "$0: STAGE_DIR '$STAGE' is not a directory" >&2; exit 2; }

HERE=$(cd "$(dirname "$0")" && pwd)
BUSYBOX=${BUSYBOX:-/bin/busybox}
MODULES=${MODULES:-"uio uio_pci_generic vfio vfio_iommu_type1 vfio-pci"}
EXTRA_MODULES=${EXTRA_MODULES:-}
EPOCH=${SOURCE_DATE_EPOCH:-0}

if [ -z "${KVER:-}" ]; then
    # newest installed kernel image; sort -V so 6.10 > 6.9
    # shellcheck disable=SC2012  # names are plain vmlinuz-<version>
    KVER=$(ls /boot/vmlinuz-* 2>/dev/null | sed 's|^/boot/vmlinuz-||' | sort -V | tail -n 1)
    [ -n "$KVER" ] || { echo "$0: no /boot/vmlinuz-* found" >&2; exit 1; }
fi
MODDIR=${MODDIR:-/lib/modules/$KVER}
[ -f "$MODDIR/modules.dep" ] || { echo "$0: $MODDIR/modules.dep missing" >&2; exit 1; }

# busybox must be static: the image has no libc
if ! file -L "$BUSYBOX" 2>/dev/null | grep -q 'statically linked'; then
    echo "$0: $BUSYBOX is not a static binary (apt-get install busybox-static)" >&2
    exit 1
fi

ROOT=$(mktemp -d "${TMPDIR:-/tmp}/drvgen-initramfs.XXXXXX")
LIST=$ROOT.modlist            # module load order scratch, outside the tree
trap 'rm -rf "$ROOT" "$LIST"' EXIT
trap 'exit 130' INT TERM

# --- skeleton --------------------------------------------------------------
mkdir -p "$ROOT/bin" "$ROOT/sbin" "$ROOT/usr/bin" "$ROOT/usr/sbin" \
         "$ROOT/proc" "$ROOT/sys" "$ROOT/dev" "$ROOT/tmp" "$ROOT/run" \
         "$ROOT/etc" "$ROOT/root" "$ROOT/stage" "$ROOT/lib/modules/$KVER"
chmod 1777 "$ROOT/tmp"
# The kernel opens /dev/console for init *before* /init can mount devtmpfs.
# Debian's kernel also unpacks its built-in initramfs (which has this node),
# so this is belt and braces; mknod needs root, skip it otherwise.
if [ "$(id -u)" = 0 ]; then
    mknod -m 600 "$ROOT/dev/console" c 5 1
    mknod -m 666 "$ROOT/dev/null" c 1 3
fi

# --- busybox -----------------------------------------------------------------
# Only /bin/busybox and /bin/sh (for /init's #!) go into the image; /init runs
# `busybox --install -s` at boot (a few ms in the guest) instead of us making
# ~270 symlinks here, which costs one fork each (seconds on a loaded box).
cp "$BUSYBOX" "$ROOT/bin/busybox"
chmod 755 "$ROOT/bin/busybox"
ln -s busybox "$ROOT/bin/sh"

# --- /init -----------------------------------------------------------------
cp "$HERE/init" "$ROOT/init"
chmod 755 "$ROOT/init"

# --- kernel modules ----------------------------------------------------------
# modules.dep lines look like
#   kernel/drivers/uio/uio_pci_generic.ko: kernel/drivers/uio/uio.ko
# (paths relative to $MODDIR, possibly ending in .ko.xz/.ko.gz/.ko.zst); the
# dependency list is transitive and modprobe loads it right-to-left.  We
# write the resulting load order to /etc/drvgen-modules for /init.
: > "$LIST"
add_mod() {                   # append $1 unless already listed
    grep -qxF "$1" "$LIST" || echo "$1" >> "$LIST"
}
# load_order MODULE: its modules.dep paths, dependencies first (nothing for
# a built-in module)
load_order() {
    # "uio-pci-generic" and "uio_pci_generic" name the same module
    pat=$(echo "$1" | sed 's/[-_]/[-_]/g')
    line=$(grep -E "(^|/)${pat}\.ko(\.(xz|gz|zst))?:" "$MODDIR/modules.dep" | head -n 1 || true)
    if [ -z "$line" ]; then
        if grep -qE "/${pat}\.ko\$" "$MODDIR/modules.builtin" 2>/dev/null; then
            echo "$0: note: '$1' is built into the kernel, nothing to load" >&2
            return 0
        fi
        echo "$0: module '$1' not found in $MODDIR/modules.dep" >&2
        return 1
    fi
    # deps reversed (tac in sed), then the module itself
    echo "${line#*:}" | tr ' ' '\n' | sed '/^$/d;1!G;h;$!d'
    echo "${line%%:*}"
}
# guest_path REL: where module REL is in the image (stored uncompressed)
guest_path() {
    rel=${1%.xz}; rel=${rel%.gz}; rel=${rel%.zst}
    echo "/lib/modules/$KVER/$rel"
}
for m in $MODULES; do
    order=$(load_order "$m") || exit 1
    for d in $order; do add_mod "$d"; done
done
: > "$ROOT/etc/drvgen-modules"
while IFS= read -r rel; do guest_path "$rel" >> "$ROOT/etc/drvgen-modules"; done < "$LIST"
mkdir -p "$ROOT/etc/drvgen-mod"
for m in $EXTRA_MODULES; do
    order=$(load_order "$m") || exit 1
    : > "$ROOT/etc/drvgen-mod/$m"
    for d in $order; do add_mod "$d"; guest_path "$d" >> "$ROOT/etc/drvgen-mod/$m"; done
done

while IFS= read -r rel; do
    # Store modules uncompressed: busybox insmod may not understand .ko.xz /
    # .ko.zst, and the guest then needs no decompressor.  Nothing is lost:
    # the signature sits inside the uncompressed .ko.
    dst=$(guest_path "$rel")
    mkdir -p "$ROOT$(dirname "$dst")"
    case "$rel" in
        *.ko.xz)  xz -dc     "$MODDIR/$rel" > "$ROOT$dst" ;;
        *.ko.gz)  gzip -dc   "$MODDIR/$rel" > "$ROOT$dst" ;;
        *.ko.zst) zstd -qdc  "$MODDIR/$rel" > "$ROOT$dst" ;;
        *.ko)     cp         "$MODDIR/$rel"   "$ROOT$dst" ;;
        *) echo "$0: unexpected module file $rel" >&2; exit 1 ;;
    esac
done < "$LIST"
echo "$KVER" > "$ROOT/etc/drvgen-kver"

# --- host programs -----------------------------------------------------------
for b in ${BINARIES:-}; do
    path=$(command -v "$b" 2>/dev/null || true)
    [ -n "$path" ] && [ -x "$path" ] || { echo "$0: no program '$b' on this host" >&2; exit 1; }
    mkdir -p "$ROOT/usr/bin"
    cp -L "$path" "$ROOT/usr/bin/$(basename "$path")"
    # "libx.so.1 => /lib/.../libx.so.1 (0x...)" and "/lib64/ld-linux-x86-64.so.2 (0x...)"
    for lib in $(ldd "$path" 2>/dev/null | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p'); do
        [ -e "$ROOT$lib" ] && continue
        mkdir -p "$ROOT$(dirname "$lib")"
        cp -L "$lib" "$ROOT$lib"
    done
done

# --- stage -------------------------------------------------------------------
# cp -R (not -a): keep modes, but the archive forces uid/gid 0 anyway.
cp -R "$STAGE/." "$ROOT/stage/"

# --- archive -----------------------------------------------------------------
# Fixed mtimes + sorted names + -R 0:0 + --reproducible + gzip -n => stable.
find "$ROOT" -exec touch -h -d "@$EPOCH" {} +
mkdir -p "$(dirname "$OUT")"
OUT_ABS=$(cd "$(dirname "$OUT")" && pwd)/$(basename "$OUT")
(
    cd "$ROOT"
    find . -mindepth 1 | LC_ALL=C sort |
        cpio --quiet -o -H newc -R 0:0 --reproducible |
        gzip -n -6 > "$OUT_ABS.tmp"
)
mv "$OUT_ABS.tmp" "$OUT_ABS"
echo "mkinitramfs: $OUT ($(wc -c < "$OUT_ABS") bytes, kernel $KVER," \
     "modules: $(sed 's|.*/||' "$ROOT/etc/drvgen-modules" | tr '\n' ' ' | sed 's/ $//'))" >&2
