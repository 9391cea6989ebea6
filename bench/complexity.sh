#!/bin/sh
# SPDX-License-Identifier: MIT
# complexity.sh BUILD - drvgen check's wall time on each hostile shape of
# tools/hostile_shapes.c (the inputs that once made a front end or checker
# quadratic, cubic or recursive) at N and 4N (median of 3 runs each), and
# the ratio: 4 if linear, 16 if quadratic; the goal is at most 5. A shape
# may be diagnosed (exit 1), never crash (any other failure stops the run).
set -eu
build=$1
out=$build/bench/complexity
mkdir -p "$out"

# shape and N: N large enough that start-up does not hide the growth, 4N
# small enough to take seconds at most once linear.
shapes="struct-chain:20000 interface-chain:5000 interface-fanout:150 methods:5000
enumerators:20000 fields:20000 parameters:200 idl-typos:1000 yaml-keys:20000
yaml-anchors:20000 layout-typos:1000 interleaved:5000 banks:20000 overlaps:20000
field-overlaps:5000"

# check FILE: drvgen check, its diagnostics dropped; 0 if clean or diagnosed.
check='"$0" check "$1" >/dev/null 2>&1; [ $? -le 1 ]'

worst=0
for sn in $shapes; do
	shape=${sn%:*}
	n=${sn#*:}
	for k in 1 4; do
		mkdir -p "$out/$shape$k"
		file=$("$build/tools/synth_hostile" "$shape" $((n * k)) "$out/$shape$k")
		r=$("$build/tools/bench_run" 3 sh -c "$check" "$build/drvgen" "$file")
		eval "ms$k=\$(echo \"\$r\" | sed 's/median_ms=\([0-9.]*\).*/\1/')"
		eval "r$k=\$r"
	done
	ratio=$(awk "BEGIN { printf \"%.2f\", $ms4 / $ms1 }")
	echo "complexity: $shape N=$n: $r1; 4N: $r4; ratio $ratio"
	worst=$(awk "BEGIN { print ($ratio > $worst) ? $ratio : $worst }")
done
echo "complexity_worst_ratio_4n_n: $worst (linear: 4, goal: at most 5)"
