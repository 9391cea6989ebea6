#!/bin/sh
# SPDX-License-Identifier: MIT
# build_clients.sh SPECDIR GENDIR OUTDIR - the spec's QEMU test clients
# (CLIENTS in SPECDIR/qemu/test.sh), each a static program in OUTDIR: the
# guest has no libc. A client NAME is SPECDIR/qemu/NAME.c, else
# targets/qemu/clients/NAME.c (the clients of standard protocols, such as
# dev::serial's), built with the spec's generated client stubs
# (GENDIR/*_client.c), drvgen::devices' (a client may find its device
# through drvgen-devd) and the client runtime. Its TEST_SERVERS too: each
# NAME is the spec's driver as a server with SPECDIR/qemu/NAME.c for its
# entry point (targets/user/build.sh SPECDIR GENDIR OUTDIR NAME.c).
#
# Environment: CC (default cc), CFLAGS (default -O2 -g).
set -eu
[ $# -eq 3 ] || { echo "usage: build_clients.sh SPECDIR GENDIR OUTDIR" >&2; exit 2; }
spec=$1 gen=$2 out=$3
top=$(cd "$(dirname "$0")/../.." && pwd)
CC=${CC:-cc}
CFLAGS=${CFLAGS:-"-O2 -g"}
clients=$( (. "$spec/qemu/test.sh" >/dev/null 2>&1; printf '%s' "${CLIENTS:-}") )
servers=$( (. "$spec/qemu/test.sh" >/dev/null 2>&1; printf '%s' "${TEST_SERVERS:-}") )
# the client runtime, from its one list
runtime=$(sed -n 's|^RUNTIME_CLIENT_SRC := ||p' "$top/runtime/sources.mk" | tr ' ' '\n' | sed "s|^|$top/|")
mkdir -p "$out"
for c in $clients; do
	src=$spec/qemu/$c.c
	[ -f "$src" ] || src=$top/targets/qemu/clients/$c.c
	[ -f "$src" ] || { echo "build_clients.sh: no $c.c in $spec/qemu or targets/qemu/clients" >&2; exit 1; }
	# shellcheck disable=SC2086  # CFLAGS is a list
	$CC -std=c11 -Wall -Wextra -Werror -pedantic $CFLAGS -static \
		-I"$top/runtime/common" -I"$top/runtime/user" -I"$top/targets/qemu/clients" -I"$gen" \
		-I"$top/generated/std" -o "$out/$c" "$src" "$gen"/*_client.c \
		"$top/generated/std/drvgen_devices_client.c" $runtime
	echo "build_clients.sh: $out/$c" >&2
done
for s in $servers; do
	CFLAGS=$CFLAGS sh "$top/targets/user/build.sh" "$spec" "$gen" "$out" "$spec/qemu/$s.c"
done
