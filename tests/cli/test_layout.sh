#!/bin/sh
# SPDX-License-Identifier: MIT
# test_layout.sh DRVGEN SYNTH_IDL [SPECS] - the generated C is clang-format
# clean whatever the names: SPECS (default 20) random specs from
# tools/synth_idl.c, names up to 60 characters, every file of each (its
# header, client, server, fuzz harness, driver glue, skeleton) a fixed point
# of clang-format against generated/.clang-format, and no static function
# written twice (tests/cli/twice.awk). compiler/gen.c says how the layout is
# made; docs/internals.md why.
# Run from the top folder.
set -u
drvgen=$1
synth=$2
count=${3:-20}
. tests/cli/lib.sh

files=0
for seed in $(seq 1 "$count"); do
	spec="$tmp/spec$seed"
	mkdir -p "$spec"
	"$synth" "$seed" "$spec" || fail "synth_idl $seed"
	"$drvgen" gen -o "$tmp/out$seed" "$spec" >/dev/null 2>&1 || {
		fail "seed $seed: the random spec does not generate"
		continue
	}
	for f in "$tmp/out$seed"/*; do
		files=$((files + 1))
		clang-format --style=file:generated/.clang-format "$f" | cmp -s - "$f" ||
			fail "seed $seed: $(basename "$f") is not clang-format clean"
	done
	twice=$(awk -f tests/cli/twice.awk "$tmp/out$seed"/*.c)
	[ -z "$twice" ] || fail "seed $seed: $twice"
	rm -rf "$spec" "$tmp/out$seed"
done
[ "$files" -gt "$count" ] || fail "only $files files from $count specs"
finish "layout ($files files of $count random specs)"
