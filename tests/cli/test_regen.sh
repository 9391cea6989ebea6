#!/bin/sh
# SPDX-License-Identifier: MIT
# test_regen.sh DRVGEN - output is deterministic and diffs stay local
# (docs/regeneration.md):
#  - the same specs give byte-identical files, equal to the committed
#    generated/, whatever the order of the files on the command line or in
#    the folder, the working directory, a file named twice (through a
#    symbolic link), and where the heap puts things (every allocation
#    mapped on its own, so addresses run the other way; fresh memory not
#    zero, so a read of uninitialized memory shows; no address
#    randomization);
#  - drvgen links none of the functions that would let the locale, the
#    clock or chance in;
#  - adding one call to a protocol, or one register to a map, changes only
#    the lines about it and the banners' input hash.
# Run from the top folder.
set -u
top=$(pwd)
drvgen=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
. tests/cli/lib.sh

# copy_spec SPEC DEST ORDER - copies the files of specs/SPEC into DEST,
# creating them in ORDER (sort or "sort -r"), so the folder lists them
# differently; and the library the spec lists beside it (pcserial's
# ../uart16550), as a spec folder of its own would be.
copy_spec() {
	mkdir -p "$2" "$2/../uart16550"
	for f in $(ls "specs/$1" | $3); do [ -f "specs/$1/$f" ] && cp "specs/$1/$f" "$2/$f"; done
	cp specs/uart16550/*.regs.yaml "$2/../uart16550/"
}

# Functions whose answer depends on the locale, the time or chance.
unwanted='setlocale|newlocale|uselocale|strcoll|strxfrm|strftime|time|clock_gettime|gettimeofday'
unwanted="$unwanted|localtime|localtime_r|gmtime|gmtime_r|ctime|rand|random|srand|getrandom"
linked=$(nm -D -u "$drvgen" | awk '{ sub(/@.*/, "", $2); print $2 }' | grep -Ex "$unwanted")
[ -z "$linked" ] || fail "drvgen links $(echo $linked): its output could follow the locale, the clock or chance"

# No address randomization, where setarch may turn it off.
fixed=""
setarch -R true 2>/dev/null && fixed="setarch -R"

for spec in edu pcserial; do
	# Run 1: the folder, by a relative path, from a shallow folder.
	copy_spec $spec "$tmp/one/$spec" sort
	(cd "$tmp/one" && "$drvgen" gen -o out --skeleton $spec $spec) || fail "$spec: gen in $tmp/one"
	# Run 2: the files one by one in reverse order, by absolute paths, the
	# folder named too through a link, from a deeper folder, every
	# allocation mapped on its own and fresh memory filled.
	deep="$tmp/two/a/much/deeper/place"
	copy_spec $spec "$deep/$spec" "sort -r"
	ln -s $spec "$deep/link"
	files=$(ls "$deep/$spec" | grep -v '\.c$' | sort -r | sed "s|^|$deep/$spec/|")
	(cd "$deep" && GLIBC_TUNABLES=glibc.malloc.mmap_threshold=0 MALLOC_PERTURB_=165 \
		"$drvgen" gen -o "$deep/out" --skeleton "$deep/$spec" $files "$deep/link") \
		|| fail "$spec: gen in $deep"
	# Run 3: rotated order, from the root folder, addresses not randomized.
	set -- $(ls "$deep/$spec" | grep -v '\.c$' | sed "s|^|$deep/$spec/|")
	first=$1
	shift
	(cd / && $fixed "$drvgen" gen -o "$tmp/three" --skeleton "$deep/$spec" "$@" "$first") \
		|| fail "$spec: gen from /"
	# Run 4 (pcserial uses the standard library): the std files named
	# on the command line instead of found for `use`.
	if [ $spec = pcserial ]; then
		"$drvgen" gen -o "$tmp/four" --skeleton "$deep/$spec" dsl/std/io.idl "$deep/$spec" \
			dsl/std/dev.idl || fail "$spec: gen with the std files named"
		for f in generated/$spec/*; do
			cmp -s "$f" "$tmp/four/$(basename "$f")" || fail "$spec: naming std files changes $f"
		done
	fi
	for f in generated/$spec/*; do
		name=$(basename "$f")
		for out in "$tmp/one/out" "$deep/out" "$tmp/three"; do
			cmp -s "$f" "$out/$name" || fail "$spec: $out/$name differs from $f"
		done
	done
	for out in "$tmp/one/out" "$deep/out" "$tmp/three"; do
		[ "$(ls "$out" | wc -l)" = "$(ls generated/$spec | wc -l)" ] || fail "$spec: $out has other files"
	done
	grep -l "$tmp\|$top" "$tmp/one/out"/* "$deep/out"/* && fail "$spec: an absolute path in the output"
	rm -rf "$tmp/one" "$tmp/two" "$tmp/three" "$tmp/four"
done

# hunks_outside PATTERN [EXTRA] <DIFF - prints every hunk of DIFF (what gen
# --check prints) that is neither an insertion of lines one of which matches
# PATTERN nor a change of banner input hashes (and of lines matching EXTRA).
hunks_outside() {
	awk -v pat="$1" -v extra="${2:-^$}" '
		function flush() {
			if (hunk != "" && !(minus == 0 && match_pat) && other != 0)
				printf "%s", hunk
			hunk = ""; minus = other = 0; match_pat = 0
		}
		/^@@ / { flush(); hunk = $0 "\n"; next }
		/^(---|\+\+\+) / { flush(); next }
		/^[-+]/ {
			hunk = hunk $0 "\n"
			if (/^-/) minus++
			if ($0 ~ pat) match_pat = 1
			if ($0 !~ /input hash [0-9a-f]+\)/ && $0 !~ extra) other++
			next
		}
		/^ / { hunk = hunk $0 "\n"; next }
		{ flush() }
		END { flush() }'
}

# One call more at the end of edu::device.
copy_spec edu "$tmp/edu" sort
"$drvgen" gen -o "$tmp/gen" --skeleton "$tmp/edu" "$tmp/edu" || fail "gen of edu"
cat >>"$tmp/edu/edu.idl.new" <<'EOF'

	# Resets the device; hard also clears its buffer.
	call reset(hard: bool) u32;
EOF
sed -i '/call pci_info/r '"$tmp/edu/edu.idl.new" "$tmp/edu/edu.idl"
rm "$tmp/edu/edu.idl.new"
grep -q 'call reset' "$tmp/edu/edu.idl" || fail "the call was not added"
"$drvgen" gen --check -o "$tmp/gen" --skeleton "$tmp/edu" "$tmp/edu" >/dev/null 2>"$tmp/diff"
[ $? = 1 ] || fail "gen --check of a spec with a new call exits 1"
grep -q '^+.*edu_device_reset' "$tmp/diff" || fail "the new call's stub is in the diff"
grep -q 'E0601' "$tmp/diff" || fail "the skeleton lacks the new handler: E0601"
stray=$(hunks_outside '[Rr][Ee][Ss][Ee][Tt]' <"$tmp/diff")
[ -z "$stray" ] || fail "adding a call changed other lines:
$stray"
[ "$(grep -v '^--- ' "$tmp/diff" | grep -c '^-')" = "$(grep -c '^-.*input hash' "$tmp/diff")" ] \
	|| fail "adding a call removed lines other than banner hashes"
grep '^--- ' "$tmp/diff" | grep -q 'regs\|driver\|kmod\|main' && fail "adding a call touched register or driver files"

# One register more at the end of edu's bar0 block (the file's last): its lines, and the count of
# registers in the description table.
rm -rf "$tmp/gen"
"$drvgen" gen -o "$tmp/gen" --skeleton "$tmp/edu" "$tmp/edu" >/dev/null 2>&1
[ $? = 1 ] || fail "gen exits 1 while the skeleton lacks edu_reset (E0601)"
printf '      - { name: scratch, offset: 0xa0, access: rw, doc: a spare register }\n' \
	>>"$tmp/edu/edu.regs.yaml"
"$drvgen" gen --check -o "$tmp/gen" --skeleton "$tmp/edu" "$tmp/edu" >/dev/null 2>"$tmp/diff"
[ $? = 1 ] || fail "gen --check of a spec with a new register exits 1"
grep -q '^+#define EDU_SCRATCH_OFFSET 0xa0u' "$tmp/diff" || fail "the new register is in the diff"
stray=$(hunks_outside '[Ss][Cc][Rr][Aa][Tt][Cc][Hh]' '^[-+]	\.nregs = 1[12],$' <"$tmp/diff")
[ -z "$stray" ] || fail "adding a register changed other lines:
$stray"
grep '^--- ' "$tmp/diff" | grep -q 'edu_device\|edu_types' && fail "adding a register touched protocol files"

finish regen
