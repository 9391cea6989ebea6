#!/bin/sh
# SPDX-License-Identifier: MIT
# targets/user/build_bridges.sh OUTDIR
#
# Builds the device classes' bridges of the userspace target, statically
# linked as the servers are (targets/user/build.sh): OUTDIR/drvgen-nbd, a
# blk::device as /dev/nbdN (runtime/user/bridge/nbd.c), from
# RUNTIME_NBD_SRC and RUNTIME_CLIENT_SRC of runtime/sources.mk and
# libnl-genl-3; and OUTDIR/drvgen-devd, the device manager that runs the
# servers (RUNTIME_DEVD_SRC and RUNTIME_CLIENT_SRC, runtime/user/devd/).
#
# Environment: CC (default gcc), CFLAGS (default -O2 -g).
set -eu
[ $# -eq 1 ] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CC=${CC:-gcc}
CFLAGS=${CFLAGS:-"-O2 -g"}
src=$(for part in NBD CLIENT; do
	sed -n "s|^RUNTIME_${part}_SRC := ||p" "$ROOT/runtime/sources.mk"
done | tr ' ' '\n' | sed "s|^|$ROOT/|")
mkdir -p "$1"
# libnl's static archive carries name-service functions the bridge never
# calls, which the linker warns about: those lines alone are dropped
status=0
# shellcheck disable=SC2086  # CFLAGS and the source list split
"$CC" -std=c11 -Wall -Wextra -Werror -pedantic $CFLAGS -static \
	-I"$ROOT/runtime/common" -I"$ROOT/runtime/user" -I"$ROOT/generated/std" \
	$(pkg-config --cflags libnl-genl-3.0) -o "$1/drvgen-nbd.tmp" $src \
	$(pkg-config --static --libs libnl-genl-3.0) 2>"$1/drvgen-nbd.log" || status=$?
grep -v -e 'in statically linked applications requires at runtime' -e 'libnl-3.a(.*): in function' \
	"$1/drvgen-nbd.log" >&2 || true
[ $status -eq 0 ] || exit $status
mv "$1/drvgen-nbd.tmp" "$1/drvgen-nbd"
echo "build: $1/drvgen-nbd" >&2

devd=$(for part in DEVD CLIENT; do
	sed -n "s|^RUNTIME_${part}_SRC := ||p" "$ROOT/runtime/sources.mk"
done | tr ' ' '\n' | sed "s|^|$ROOT/|")
# shellcheck disable=SC2086  # CFLAGS and the source list split
"$CC" -std=c11 -Wall -Wextra -Werror -pedantic $CFLAGS -static \
	-I"$ROOT/runtime/common" -I"$ROOT/runtime/user" -o "$1/drvgen-devd" $devd
echo "build: $1/drvgen-devd" >&2
