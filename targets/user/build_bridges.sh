#!/bin/sh
# SPDX-License-Identifier: MIT
# targets/user/build_bridges.sh OUTDIR
#
# Builds the device classes' bridges of the userspace target, statically
# linked as the servers are (targets/user/build.sh), each from its sources
# in runtime/sources.mk and RUNTIME_CLIENT_SRC:
#   OUTDIR/drvgen-nbd  a blk::device as /dev/nbdN (runtime/user/bridge/nbd.c,
#                      RUNTIME_NBD_SRC), with libnl-genl-3
#   OUTDIR/drvgen-tap  a net::nic as a TAP interface
#                      (runtime/user/bridge/tap.c, RUNTIME_TAP_SRC)
#   OUTDIR/drvgen-devd the device manager that runs the servers
#                      (runtime/user/devd/, RUNTIME_DEVD_SRC)
#
# Environment: CC (default gcc), CFLAGS (default -O2 -g).
set -eu
[ $# -eq 1 ] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CC=${CC:-gcc}
CFLAGS=${CFLAGS:-"-O2 -g"}
mkdir -p "$1"

# sources PART...: the files of those lines of runtime/sources.mk
sources() {
	for part in "$@"; do
		sed -n "s|^RUNTIME_${part}_SRC := ||p" "$ROOT/runtime/sources.mk"
	done | tr ' ' '\n' | sed "s|^|$ROOT/|"
}

# bridge NAME PART [LIBS...]: OUTDIR/NAME from RUNTIME_<PART>_SRC. libnl's
# static archive carries name-service functions the bridge never calls,
# which the linker warns about: those lines alone are dropped.
bridge() {
	name=$1 part=$2
	shift 2
	status=0
	# shellcheck disable=SC2046,SC2086  # CFLAGS and the source list split
	"$CC" -std=c11 -Wall -Wextra -Werror -pedantic $CFLAGS -static \
		-I"$ROOT/runtime/common" -I"$ROOT/runtime/user" -I"$ROOT/generated/std" \
		-o "$OUTDIR/$name.tmp" $(sources "$part" CLIENT) "$@" 2>"$OUTDIR/$name.log" || status=$?
	grep -v -e 'in statically linked applications requires at runtime' \
		-e 'libnl-3.a(.*): in function' "$OUTDIR/$name.log" >&2 || true
	[ $status -eq 0 ] || exit $status
	mv "$OUTDIR/$name.tmp" "$OUTDIR/$name"
	echo "build: $OUTDIR/$name" >&2
}

OUTDIR=$1
# shellcheck disable=SC2046  # pkg-config's flags split
bridge drvgen-nbd NBD $(pkg-config --cflags libnl-genl-3.0) $(pkg-config --static --libs libnl-genl-3.0)
bridge drvgen-tap TAP
bridge drvgen-devd DEVD
