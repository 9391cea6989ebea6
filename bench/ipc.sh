#!/bin/sh
# SPDX-License-Identifier: MIT
# ipc.sh BUILD - the cost of drvgen's userspace IPC (docs/ipc.md) against
# what it could be, measured in one invocation, each figure the median of
# RUNS (default 7) runs, the runs of every kind interleaved:
#
#   ipc_rtt_ns     kit_store_add through the generated stub, the socket
#                  transport and drv_server_run in another process
#   ipc_pipelined_ns the same call with 32 in flight on the connection
#                  (drv_client_start / drv_client_next), per call.
#                  ipc_pipelined_speedup = calls/s pipelined / calls/s one
#                  at a time = ipc_rtt_ns / ipc_pipelined_ns (goal >= 5)
#   floor_rtt_ns   the same 32-byte call and 32-byte reply, hand-written:
#                  blocking send/recv over AF_UNIX SOCK_SEQPACKET, server in
#                  another process. ipc_rtt_ratio = ipc / floor (goal <= 1.10)
#   rpc_rtt_ns     the same call through rpcgen's stubs and libtirpc over
#                  loopback TCP. rpc_vs_ipc = rpc / ipc (goal >= 3)
#   bulk_ipc_mib_s   kit_store_sum over a 1 MiB drv_buffer, server summing
#   bulk_local_mib_s the same loop over the same 1 MiB in one process.
#                  bulk_fraction = ipc / local (goal >= 0.8)
#
# Client and server are pinned as IPC_BENCH_CPUS says (bench/ipc/bench_util.h),
# the same for every measurement: by default both on CPU 0, since on a
# virtual machine a wake-up across CPUs can cost more than everything
# measured here. IPC_BENCH_CPUS=0,1 splits them, IPC_BENCH_CPUS=none lets the
# scheduler choose. No thresholds: it fails only when a build or a run does.
set -eu
build=$1
runs=${RUNS:-7}
[ "$runs" -ge 5 ] || runs=5 # a median of fewer is not one
export IPC_BENCH_CPUS="${IPC_BENCH_CPUS-0}"
src=$(cd "$(dirname "$0")" && pwd)/..
out=$build/bench/ipc
mkdir -p "$out"
cc=${CC:-cc}
flags="-O2 -g"
warn="-std=c11 -Wall -Wextra -Werror -pedantic"

# the generated kit protocols, the runtime, kit_impl.c, as tests/ipc
# builds them
$cc $warn $flags -I"$src/runtime/common" -I"$src/runtime/user" \
	-I"$src/tests/golden/gen/ipc/expected" -I"$src/tests/ipc" -o "$out/ipc_bench" \
	"$src/bench/ipc/ipc_bench.c" "$src/bench/ipc/bench_sum.c" "$src/tests/ipc/kit_impl.c" \
	"$src"/tests/golden/gen/ipc/expected/kit_*_client.c \
	"$src"/tests/golden/gen/ipc/expected/kit_*_server.c \
	$(for part in CLIENT SERVER; do
		sed -n "s|^RUNTIME_${part}_SRC := ||p" "$src/runtime/sources.mk"
	done | tr ' ' '\n' | sed "s|^|$src/|") -lpthread

# rpcgen's output names its header after the .x as given: generate in $out
cp "$src/bench/ipc/kit_rpc.x" "$out/kit_rpc.x"
(
	cd "$out"
	rm -f kit_rpc.h kit_rpc_xdr.c kit_rpc_clnt.c kit_rpc_svc.c
	rpcgen -N -h -o kit_rpc.h kit_rpc.x
	rpcgen -N -c -o kit_rpc_xdr.c kit_rpc.x
	rpcgen -N -l -o kit_rpc_clnt.c kit_rpc.x
	rpcgen -N -m -o kit_rpc_svc.c kit_rpc.x
)
# rpcgen's C is not warning-clean: no -Werror for it
for f in xdr clnt svc; do
	$cc -std=c11 -D_DEFAULT_SOURCE -w $flags -I/usr/include/tirpc -I"$out" \
		-c -o "$out/kit_rpc_$f.o" "$out/kit_rpc_$f.c"
done
$cc $warn $flags -I/usr/include/tirpc -I"$out" -c -o "$out/rpc_bench.o" \
	"$src/bench/ipc/rpc_bench.c"
$cc -o "$out/rpc_bench" "$out/rpc_bench.o" "$out/kit_rpc_xdr.o" "$out/kit_rpc_clnt.o" \
	"$out/kit_rpc_svc.o" -ltirpc

# Iterations per run: a few tenths of a second each with the default
# pinning. A run also stops after a second, so that with a costly pinning
# (IPC_BENCH_CPUS=0,1: a wake-up across CPUs costs ~40 us on this VM) the
# script still ends in well under two minutes.
rtt_iters=${RTT_ITERS:-100000}
pipelined_iters=${PIPELINED_ITERS:-1000000}
rpc_iters=${RPC_ITERS:-50000}
bulk_iters=${BULK_ITERS:-1000}

: > "$out/ipc.runs"
: > "$out/pipelined.runs"
: > "$out/floor.runs"
: > "$out/rpc.runs"
: > "$out/bulk.runs"
: > "$out/local.runs"
i=0
while [ $i -lt "$runs" ]; do
	"$out/ipc_bench" ipc "$rtt_iters" >> "$out/ipc.runs"
	"$out/ipc_bench" pipelined "$pipelined_iters" >> "$out/pipelined.runs"
	"$out/ipc_bench" floor "$rtt_iters" >> "$out/floor.runs"
	"$out/rpc_bench" "$rpc_iters" >> "$out/rpc.runs"
	"$out/ipc_bench" bulk "$bulk_iters" >> "$out/bulk.runs"
	"$out/ipc_bench" local "$bulk_iters" >> "$out/local.runs"
	i=$((i + 1))
done

median() {
	sort -n "$out/$1.runs" | awk '{ v[NR] = $1 } END {
		if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
ipc=$(median ipc)
pipelined=$(median pipelined)
floor=$(median floor)
rpc=$(median rpc)
bulk=$(median bulk)
single=$(median local)
ratio() {
	awk "BEGIN { printf \"%.2f\", $1 / $2 }"
}
int() {
	awk "BEGIN { printf \"%.0f\", $1 }"
}
echo "ipc_rtt_ns: $(int "$ipc")"
echo "floor_rtt_ns: $(int "$floor")"
echo "ipc_rtt_ratio: $(ratio "$ipc" "$floor")"
echo "ipc_pipelined_ns: $(int "$pipelined")"
echo "ipc_pipelined_speedup: $(ratio "$ipc" "$pipelined")"
echo "rpc_rtt_ns: $(int "$rpc")"
echo "rpc_vs_ipc: $(ratio "$rpc" "$ipc")"
echo "bulk_ipc_mib_s: $(int "$bulk")"
echo "bulk_local_mib_s: $(int "$single")"
echo "bulk_fraction: $(ratio "$bulk" "$single")"
