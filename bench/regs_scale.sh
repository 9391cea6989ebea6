#!/bin/sh
# SPDX-License-Identifier: MIT
# regs_scale.sh BUILD - drvgen's wall time and peak memory generating
# synthetic register maps of 1k, 10k and 100k registers (median of 5 runs
# each) and their growth ratios, which are 10 if drvgen is linear; the time
# to generate 1,000 interfaces of 10 calls; and what including the 10k
# header costs a C file against including the same map as plain #defines
# (tools/synth_regs --plain), with gcc and with clang, as a ratio measured
# in the same run.
set -eu
build=$1
out=$build/bench/regs
mkdir -p "$out"
top=$(cd "$(dirname "$0")/.." && pwd)
median() { echo "$1" | sed 's/median_ms=\([0-9.]*\).*/\1/'; }
# gen OUT SPEC: drvgen gen, its report of what it wrote dropped.
gen='"$0" gen -o "$1" "$2" >/dev/null'
ratio() { awk "BEGIN { printf \"%.2f\", $1 / $2 }"; }

for n in 1000 10000 100000; do
	"$build/tools/synth_regs" $n > "$out/synth$n.regs.yaml"
done
for n in 1000 10000 100000; do
	r=$("$build/tools/bench_run" 5 sh -c "$gen" "$build/drvgen" "$out/gen$n" "$out/synth$n.regs.yaml")
	size=$(cat "$out/gen$n"/* | wc -c)
	echo "regs_scale: $n registers: $r output_bytes=$size"
	eval "ms$n=$(median "$r")"
done
echo "regs_scale_ms_10k: $ms10000 (goal: at most 340)"
echo "regs_scale_ratio_10k_1k: $(ratio "$ms10000" "$ms1000") (linear: 10)"
echo "regs_scale_ratio_100k_10k: $(ratio "$ms100000" "$ms10000") (linear: 10)"

"$build/tools/synth_protocols" 1000 10 > "$out/protocols.idl"
r=$("$build/tools/bench_run" 5 sh -c "$gen" "$build/drvgen" "$out/protocols" "$out/protocols.idl")
echo "idl_scale: 1000 interfaces x 10 calls: $r (goal: at most 100 ms)"

# Include cost: a file that only includes the header, compiled at -O2.
"$build/tools/synth_regs" --plain 10000 > "$out/synth_plain.h"
printf '#include "synth_regs.h"\n' > "$out/use_drvgen.c"
printf '#include "synth_plain.h"\n' > "$out/use_plain.c"
incs="-I$top/runtime/common -I$top/runtime/user -I$out/gen10000 -I$out"
for cc in gcc clang; do
	d=$("$build/tools/bench_run" 3 $cc -std=c11 -O2 $incs -c "$out/use_drvgen.c" -o /dev/null)
	p=$("$build/tools/bench_run" 3 $cc -std=c11 -O2 $incs -c "$out/use_plain.c" -o /dev/null)
	echo "include_cost: $cc, 10k registers: drvgen $d; plain #defines $p"
	echo "include_cost_ratio_$cc: $(ratio "$(median "$d")" "$(median "$p")") (goal: at most 2)"
done
