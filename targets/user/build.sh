#!/bin/sh
# SPDX-License-Identifier: MIT
# targets/user/build.sh SPECDIR GENDIR OUTDIR [MAIN.c]
#
# Builds OUTDIR/<driver>-server, the driver as a statically linked userspace
# server (runtime/user/drv_host.c): it runs on a minimal guest with no libc
# installed, and nothing it loads at run time could be opened anyway once
# the sandbox is in place.
#
# With MAIN.c, builds OUTDIR/<MAIN> instead: the same server with MAIN.c in
# place of the generated entry point, for a test build (a spec's
# TEST_SERVERS, targets/qemu/README.md: a deliberately compromised server).
#
#   GENDIR/<driver>_main.c     names the driver (exactly one *_main.c)
#   GENDIR/<driver>_driver.c   the driver description
#   SPECDIR/<driver>.c         the author's code, and the C files of each
#                              library folder GENDIR/<driver>_libraries.txt lists
#   the userspace runtime      RUNTIME_HOST_SRC, RUNTIME_SERVER_SRC and
#                              RUNTIME_CLIENT_SRC of runtime/sources.mk: the
#                              host (VFIO, UIO, DMA, timers, sandbox), the
#                              dispatch loop and the transports
#   GENDIR/*_server.c, *_regs_desc.c: put in an archive, so the linker takes
#                              the provided interfaces' dispatch and their
#                              ancestors' (whatever is referenced) and no more
#   -lseccomp                  libseccomp.a
#
# Environment: CC (default gcc), CFLAGS (default -O2 -g), V=1 echoes commands.
set -eu

usage() { echo "usage: $0 SPECDIR GENDIR OUTDIR [MAIN.c]" >&2; exit 2; }
[ $# -eq 3 ] || [ $# -eq 4 ] || usage
SPECDIR=$1
GENDIR=$2
OUTDIR=$3
MAIN=${4:-}
for d in "$SPECDIR" "$GENDIR"; do
    [ -d "$d" ] || { echo "$0: '$d' is not a directory" >&2; exit 2; }
done
[ -z "$MAIN" ] || [ -f "$MAIN" ] || { echo "$0: '$MAIN' is not a file" >&2; exit 2; }

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CC=${CC:-gcc}
CFLAGS=${CFLAGS:-"-O2 -g"}
WARN="-std=c11 -Wall -Wextra -Werror -pedantic"
INC="-I$ROOT/runtime/common -I$ROOT/runtime/user -I$GENDIR -I$SPECDIR -I$ROOT/generated/std"

# The driver is the one whose entry point the generator wrote.
set -- "$GENDIR"/*_main.c
if [ $# -ne 1 ] || [ ! -f "$1" ]; then
    echo "$0: want exactly one *_main.c in $GENDIR" >&2
    exit 1
fi
DRIVER=$(basename "$1" _main.c)
for f in "$GENDIR/${DRIVER}_driver.c" "$SPECDIR/$DRIVER.c"; do
    [ -f "$f" ] || { echo "$0: $f is missing" >&2; exit 1; }
done

if ! echo 'int main(void){return 0;}' |
        "$CC" -static -x c -o /dev/null - -lseccomp 2>/dev/null; then
    echo "$0: cannot link -static -lseccomp (apt-get install libseccomp-dev)" >&2
    exit 1
fi

OBJ=$(mktemp -d "${TMPDIR:-/tmp}/drvgen-user.XXXXXX")
trap 'rm -rf "$OBJ"' EXIT
trap 'exit 130' INT TERM

cc() {  # cc SRC OBJ
    [ "${V:-0}" = 1 ] && echo "$CC $WARN $CFLAGS $INC -c -o $2 $1" >&2
    # shellcheck disable=SC2086  # the flag lists are meant to split
    "$CC" $WARN $CFLAGS $INC -c -o "$2" "$1"
}

# the libraries the manifest lists (GENDIR/<driver>_libraries.txt): each
# folder's C files, and the folder on the include path
LIBSRC=
if [ -f "$GENDIR/${DRIVER}_libraries.txt" ]; then
    for lib in $(grep -v '^#' "$GENDIR/${DRIVER}_libraries.txt"); do
        dir=$(cd "$SPECDIR/$lib" && pwd) || { echo "$0: no library folder $SPECDIR/$lib" >&2; exit 1; }
        INC="$INC -I$dir"
        for f in "$dir"/*.c; do [ -f "$f" ] && LIBSRC="$LIBSRC $f"; done
    done
fi

# runtime_src PART...: the files runtime/sources.mk lists as RUNTIME_<PART>_SRC
runtime_src() {
    for part; do
        sed -n "s|^RUNTIME_${part}_SRC := ||p" "$ROOT/runtime/sources.mk"
    done | tr ' ' '\n' | sed "s|^|$ROOT/|"
}

OBJS=
n=0
# shellcheck disable=SC2086,SC2046  # LIBSRC and the runtime's paths split (and glob)
for src in "${MAIN:-$GENDIR/${DRIVER}_main.c}" "$GENDIR/${DRIVER}_driver.c" "$SPECDIR/$DRIVER.c" $LIBSRC \
           $(runtime_src HOST SERVER CLIENT); do
    n=$((n + 1))
    o=$OBJ/$n-$(basename "$src" .c).o
    cc "$src" "$o"
    OBJS="$OBJS $o"
done

LIB=
for src in "$GENDIR"/*_server.c "$GENDIR"/*_regs_desc.c; do
    [ -f "$src" ] || continue
    o=$OBJ/lib-$(basename "$src" .c).o
    cc "$src" "$o"
    LIB="$LIB $o"
done
if [ -n "$LIB" ]; then
    # shellcheck disable=SC2086
    ar rcs "$OBJ/libgen.a" $LIB
    LIB=$OBJ/libgen.a
fi

mkdir -p "$OUTDIR"
OUT=$OUTDIR/$DRIVER-server
[ -z "$MAIN" ] || OUT=$OUTDIR/$(basename "$MAIN" .c)
[ "${V:-0}" = 1 ] && echo "$CC -static $CFLAGS -o $OUT $OBJS $LIB -lseccomp" >&2
# shellcheck disable=SC2086
"$CC" -static $CFLAGS -o "$OUT.tmp" $OBJS $LIB -lseccomp
mv "$OUT.tmp" "$OUT"
echo "build: $OUT" >&2
