#!/bin/sh
# SPDX-License-Identifier: MIT
# regs_scale.sh BUILD - drvgen's wall time and peak memory checking and
# generating synthetic register maps of 1k, 10k and 100k registers (median
# of 5 runs each), and the 100k/10k ratio, which is 10 if drvgen is linear.
set -eu
build=$1
out=$build/bench/regs
mkdir -p "$out"
for n in 1000 10000 100000; do
	"$build/tools/synth_regs" $n > "$out/synth$n.regs.yaml"
done
for n in 1000 10000 100000; do
	r=$("$build/tools/bench_run" 5 "$build/drvgen" gen -o "$out/gen$n" "$out/synth$n.regs.yaml")
	size=$(cat "$out/gen$n"/* | wc -c)
	echo "regs_scale: $n registers: $r output_bytes=$size"
	eval "ms$n=\$(echo \"\$r\" | sed 's/median_ms=\([0-9.]*\).*/\1/')"
done
echo "regs_scale_ratio_100k_10k: $(awk "BEGIN { printf \"%.2f\", $ms100000 / $ms10000 }") (linear: 10)"
