#!/bin/sh
# SPDX-License-Identifier: MIT
# test_cli.sh DRVGEN - the command line as drvgen --help and
# docs/diagnostics.md describe it: exit codes, where output goes, the
# diagnostic format, colour, warnings under -W and -E, --help.
set -u
drvgen=$1
. tests/cli/lib.sh

# expect_exit STATUS CMD... - runs CMD, keeps its stdout/stderr in $tmp.
expect_exit() {
	want=$1
	shift
	"$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	[ "$got" = "$want" ] || fail "'$*' exited $got, expected $want; stderr: $(head -3 "$tmp/err")"
}

expect_exit 0 "$drvgen" --version
grep -q '^drvgen [0-9]' "$tmp/out" || fail "--version prints 'drvgen X.Y.Z' on stdout"
expect_exit 0 "$drvgen" --help
grep -q 'usage: drvgen check' "$tmp/out" || fail "--help prints usage on stdout"
expect_exit 0 "$drvgen" check --help
grep -q 'usage: drvgen check' "$tmp/out" || fail "check --help prints its usage"
expect_exit 2 "$drvgen"
expect_exit 2 "$drvgen" frobnicate specs/edu
expect_exit 2 "$drvgen" check
expect_exit 2 "$drvgen" check --frob specs/edu
expect_exit 2 "$drvgen" check -I
expect_exit 2 "$drvgen" dump specs/edu
expect_exit 2 "$drvgen" check --color=sometimes specs/edu

# The specs check clean, and check says what it checked: the spec files
# and the drivers' C files beside their manifests; -q says nothing.
expect_exit 0 "$drvgen" check specs/edu specs/uart16550 specs/pcserial specs/pciserial dsl/std
grep -q '^drvgen check: 12 spec files and the driver.s C files: no errors$' "$tmp/out" \
	|| fail "check says what it checked: $(cat "$tmp/out")"
[ -s "$tmp/err" ] && fail "a clean check prints nothing on stderr"
expect_exit 0 "$drvgen" check -q specs/edu
[ -s "$tmp/out" ] && fail "check -q prints nothing"

# check also checks the driver's own C file, as gen does (E0601), with a
# did-you-mean for a handler spelt wrong, and a hint that names the macro
# that fills the handler table.
mkdir "$tmp/grown"
cp specs/edu/edu.regs.yaml specs/edu/edu.manifest.yaml "$tmp/grown/"
sed 's|^\(	call ident() u32;\)$|\1\n	call reset() void;|' specs/edu/edu.idl >"$tmp/grown/edu.idl"
sed 's|^static int edu_ident(|static int edu_rest(struct edu_device *self, struct drv_call *call)\n{\n\t(void)self;\n\t(void)call;\n\treturn 0;\n}\n\n&|' \
	specs/edu/edu.c >"$tmp/grown/edu.c"
expect_exit 1 "$drvgen" check "$tmp/grown"
grep -q "^$tmp/grown/edu.c:[0-9]*:[0-9]*: error\[E0601\]: edu.c does not define edu_reset" "$tmp/err" \
	|| fail "check reports the missing handler: $(head -3 "$tmp/err")"
grep -q "note: did you mean 'edu_reset'? this is 'edu_rest'" "$tmp/err" || fail "a near miss is named"
grep -q "note: add: static int edu_reset(struct edu_device \*self, struct drv_call \*call); EDU_DEVICE_OPS(edu) puts it in the handler table" "$tmp/err" \
	|| fail "the hint names EDU_DEVICE_OPS"
[ -s "$tmp/out" ] && fail "no summary when check finds errors"

# Near misses: a misspelt key is one error, not a missing key as well; a
# misspelt built-in type gets a did-you-mean.
printf 'device: d\nblocks:\n  - { name: b, size: 8, registers: [ { name: r, ofset: 0 } ] }\n' >"$tmp/ofset.regs.yaml"
expect_exit 1 "$drvgen" check "$tmp/ofset.regs.yaml"
[ "$(grep -c 'error\[' "$tmp/err")" = 1 ] || fail "'ofset' is one error: $(grep 'error\[' "$tmp/err")"
grep -q "error\[E0105\]: unknown key 'ofset' in a register; did you mean 'offset'?" "$tmp/err" || fail "ofset: E0105"
printf 'namespace n;\ninterface i { call f(v: u88) void; };\n' >"$tmp/u88.idl"
expect_exit 1 "$drvgen" check "$tmp/u88.idl"
grep -q "u88.idl:2:25: error\[E0501\]: unknown name 'u88'" "$tmp/err" && grep -q "note: did you mean 'u8'?" "$tmp/err" \
	|| fail "u88: did you mean u8: $(cat "$tmp/err")"

# I/O problems are exit 2.
expect_exit 2 "$drvgen" check "$tmp/missing.idl"
grep -q "missing.idl: error\[E0001\]" "$tmp/err" || fail "a missing file reports E0001"
expect_exit 2 "$drvgen" check README.md

# Spec errors are exit 1, all of them, in the documented form.
mkdir "$tmp/bad"
cat >"$tmp/bad/bad.regs.yaml" <<'YAML'
device: d
blocks:
  - name: b
    size: 0x10
    registers:
      - { name: a, offset: 0x2 }
      - { name: c, offset: 0x4, layout: ctlr }
      - { name: ctrl, offset: 0x8, width: 12 }
YAML
expect_exit 1 "$drvgen" check "$tmp/bad"
grep -q "^$tmp/bad/bad.regs.yaml:6:28: error\[E0208\]: " "$tmp/err" || fail "misaligned register at 6:28"
grep -q "^$tmp/bad/bad.regs.yaml:7:41: error\[E0212\]: layout 'ctlr' names no register of block 'b'; did you mean 'ctrl'?" "$tmp/err" \
	|| fail "unknown layout with a did-you-mean at 7:41"
grep -q '^ 6 |       - { name: a, offset: 0x2 }$' "$tmp/err" || fail "the source line is quoted"
grep -q '^   |                            ^$' "$tmp/err" || fail "a caret marks the column"
[ "$(grep -c 'error\[' "$tmp/err")" = 4 ] || fail "every error is reported, not just the first"
grep -q "$(printf '\033')" "$tmp/err" && fail "no colour when stderr is not a terminal"
expect_exit 1 "$drvgen" check --color=always "$tmp/bad"
grep -q "$(printf '\033')\[1;31merror" "$tmp/err" || fail "--color=always colours errors"

# YAML structure problems are reported together too.
printf 'device: d\nblocks:\n  - { name: b, sise: 4, registers: [ { name: r, ofset: 0 } ] }\n' >"$tmp/keys.regs.yaml"
expect_exit 1 "$drvgen" check "$tmp/keys.regs.yaml"
grep -q "keys.regs.yaml:3:16: error\[E0105\]: unknown key 'sise' in a block; did you mean 'size'?" "$tmp/err" || fail "unknown block key"
grep -q "keys.regs.yaml:3:49: error\[E0105\]: unknown key 'ofset'" "$tmp/err" || fail "unknown register key"

# Notes point at related places.
printf 'namespace n;\nenum e { A };\nenum e { B };\n' >"$tmp/dup.idl"
expect_exit 1 "$drvgen" check "$tmp/dup.idl"
grep -q "^$tmp/dup.idl:3:6: error\[E0502\]" "$tmp/err" || fail "duplicate declaration at 3:6"
grep -q "^$tmp/dup.idl:2:6: note: first declared here" "$tmp/err" || fail "note at the first declaration"

# -I adds a search folder for `use`.
mkdir "$tmp/inc"
printf 'namespace lib;\nstruct pair { a: u32; b: u32; };\n' >"$tmp/inc/lib.idl"
printf 'namespace app;\nuse lib;\ninterface x { call f(p: lib::pair) void; };\n' >"$tmp/app.idl"
expect_exit 1 "$drvgen" check "$tmp/app.idl"
grep -q 'E0508' "$tmp/err" || fail "use without -I fails with E0508"
expect_exit 0 "$drvgen" check -I "$tmp/inc" "$tmp/app.idl"
expect_exit 0 "$drvgen" check "-I$tmp/inc" "$tmp/app.idl"

# dump --json: valid JSON holding every register, field, label and capability.
expect_exit 0 "$drvgen" dump --json specs/edu
jq -e '.devices[0].blocks | map(.name) == ["pci","msi","bar0"]' "$tmp/out" >/dev/null || fail "edu's blocks in the dump"
jq -e '.devices[0].blocks[2].registers | length == 11' "$tmp/out" >/dev/null || fail "edu has 11 registers in the dump"
jq -e '[.devices[0].blocks[2].registers[].fields[]] | length == 14' "$tmp/out" >/dev/null || fail "edu has 14 fields in the dump"
jq -e '[.interfaces[] | select(.name == "edu::device") | .methods[].label] == ["0x81c57ea10001","0x81c57ea10002","0x81c57ea10003","0x81c57ea10004","0x81c57ea10005","0x81c57ea10006"]' "$tmp/out" >/dev/null \
	|| fail "edu::device's six labels in the dump"
jq -e '.drivers[0].capabilities | map(.name) == ["regs","pci","msi","irq","buf","deadline"]' "$tmp/out" >/dev/null || fail "edu's capabilities in the dump"
expect_exit 1 "$drvgen" dump --json "$tmp/bad"
[ -s "$tmp/out" ] && fail "no JSON on stdout when the specs have errors"

# gen: files named after the spec, written only when their bytes change;
# it says how many, and names the skeleton it wrote.
expect_exit 0 "$drvgen" gen -o "$tmp/gen" specs/edu
[ -f "$tmp/gen/edu_regs.h" ] && [ -f "$tmp/gen/edu_regs_desc.c" ] || fail "gen writes edu_regs.h and edu_regs_desc.c"
grep -q "^drvgen gen: $tmp/gen: 15 files written, 0 unchanged$" "$tmp/out" || fail "gen counts: $(cat "$tmp/out")"
grep -q "^drvgen gen: $tmp/gen/edu.c written: the driver's skeleton" "$tmp/out" || fail "gen names the skeleton"
touch -d '2001-01-01' "$tmp/gen/edu_regs.h"
expect_exit 0 "$drvgen" gen -o "$tmp/gen" specs/edu
grep -q "^drvgen gen: $tmp/gen: 0 files written, 15 unchanged$" "$tmp/out" || fail "gen counts unchanged files"
grep -q "skeleton" "$tmp/out" && fail "an existing skeleton is not written again"
[ "$(stat -c %Y "$tmp/gen/edu_regs.h")" = "$(date -d '2001-01-01' +%s)" ] || fail "an unchanged file is not rewritten"
expect_exit 0 "$drvgen" gen --check -o "$tmp/gen" specs/edu
echo '/* edited */' >> "$tmp/gen/edu_regs.h"
rm "$tmp/gen/edu_regs_desc.c"
expect_exit 1 "$drvgen" gen --check -o "$tmp/gen" specs/edu
grep -q "edu_regs.h: stale" "$tmp/err" || fail "--check names a stale file"
grep -q "edu_regs_desc.c: missing" "$tmp/err" || fail "--check names a missing file"
[ -f "$tmp/gen/edu_regs_desc.c" ] && fail "--check writes nothing"
# A stale file comes with a unified diff from the disk to what gen writes.
grep -q "^--- $tmp/gen/edu_regs.h\$" "$tmp/err" && grep -q "^+++ $tmp/gen/edu_regs.h\$" "$tmp/err" \
	|| fail "--check shows a diff of the stale file"
grep -q '^@@ -[0-9]*,4 +[0-9]*,3 @@$' "$tmp/err" || fail "the hunk covers the added line and 3 of context"
grep -q '^-/\* edited \*/$' "$tmp/err" || fail "the diff removes the edit"
[ "$(grep -c '^[-+][^-+]' "$tmp/err")" = 1 ] || fail "the diff has one changed line"
grep -q '^+++ .*edu_regs_desc.c' "$tmp/err" && fail "a missing file gets no diff"
# Run from the output's parent, the diff has git's a/ b/ prefixes and
# applies there.
top=$(pwd)
drvgen_abs=$(cd "$(dirname "$drvgen")" && pwd)/$(basename "$drvgen")
(cd "$tmp" && "$drvgen_abs" gen --check -o gen "$top/specs/edu" >"$tmp/out" 2>"$tmp/rel")
grep -q '^--- a/gen/edu_regs.h$' "$tmp/rel" && grep -q '^+++ b/gen/edu_regs.h$' "$tmp/rel" \
	|| fail "relative paths get a/ and b/ prefixes"
if command -v git >/dev/null; then
	(cd "$tmp" && git apply --include='gen/edu_regs.h' "$tmp/rel") || fail "git apply takes the diff"
	expect_exit 1 "$drvgen" gen --check -o "$tmp/gen" specs/edu
	grep -q 'edu_regs.h' "$tmp/err" && fail "the applied diff makes edu_regs.h current"
fi
expect_exit 0 "$drvgen" gen -o "$tmp/gen" specs/edu
expect_exit 0 "$drvgen" gen --check -o "$tmp/gen" specs/edu
[ -s "$tmp/err" ] && fail "an up-to-date --check prints nothing"
expect_exit 2 "$drvgen" gen --target toaster -o "$tmp/gen" specs/edu

# --depfile: make rules, every generated file depending on every file read.
expect_exit 0 "$drvgen" gen -o "$tmp/gen" --depfile "$tmp/edu.d" specs/edu/
grep -q "^$tmp/gen/edu_regs.h \\\\$" "$tmp/edu.d" || fail "the depfile's targets are the generated files"
grep -q "^$tmp/gen/sys_devregistry_server.c:" "$tmp/edu.d" || fail "the last target ends the target list"
for f in specs/edu specs/edu/edu.idl specs/edu/edu.regs.yaml specs/edu/edu.manifest.yaml; do
	grep -q "^ $f \\\\$" "$tmp/edu.d" || fail "the depfile lists $f"
	grep -q "^$f:$" "$tmp/edu.d" || fail "$f gets an empty rule of its own"
done
grep -q "^ $tmp/gen/edu.c$" "$tmp/edu.d" || fail "the skeleton, read for its handlers, is a prerequisite"
mkdir "$tmp/with space"
expect_exit 0 "$drvgen" gen --check -o generated/pcserial --skeleton specs/pcserial \
	--depfile "$tmp/with space/u.d" --depfile-target 'out/a b$#.stamp' specs/pcserial
grep -q '^out/a\\ b\$\$\\#.stamp: \\$' "$tmp/with space/u.d" || fail "--depfile-target, escaped for make"
grep -q '^ dsl/std/io.idl \\$' "$tmp/with space/u.d" || fail "the std file a spec uses is listed"
grep -q '^ generated/pcserial/io_types.h \\$' "$tmp/with space/u.d" || fail "a stamp depends on the outputs"
expect_exit 2 "$drvgen" gen --depfile-target x -o "$tmp/gen" specs/edu
expect_exit 2 "$drvgen" gen -o "$tmp/gen" --depfile "$tmp/no/such/dir/x.d" specs/edu
# A spec file whose name holds a line break and make syntax: written into a
# depfile, make would run its recipe. The depfile is refused instead.
mkdir "$tmp/inject"
cp specs/edu/edu.regs.yaml "$tmp/inject/"
hostile="$tmp/inject/"'x=
all:;touch${IFS}PWNED;:x.idl'
printf 'namespace x;\nstruct s { v: u8; };\n' >"$hostile"
expect_exit 2 "$drvgen" gen -o "$tmp/gen-inject" --depfile "$tmp/inject.d" "$tmp/inject"
grep -q "make cannot read the file name" "$tmp/err" || fail "a depfile make would misread is refused"
[ -e "$tmp/inject.d" ] && fail "no depfile is written for a name make would misread"
[ -e "$tmp/inject.d" ] && (cd "$tmp" && make -s -f inject.d all >/dev/null 2>&1)
[ -e "$tmp/PWNED" ] && fail "a spec file's name ran a recipe"
rm -f "$hostile"

# The atomic writer's temporary file is its own (mkstemp): a symlink
# planted at the name it once used (<file>.tmp.<pid>: sh execs drvgen, so
# $$ is its pid) is not written through, and the files get fopen's mode.
mkdir "$tmp/planted"
echo "keep me" >"$tmp/victim"
sh -c 'ln -s "$1" "$2/edu_regs.h.tmp.$$" && exec "$3" gen -o "$2" specs/edu' _ \
	"$tmp/victim" "$tmp/planted" "$drvgen" >/dev/null 2>&1 || fail "gen beside a planted link"
[ "$(cat "$tmp/victim")" = "keep me" ] || fail "the writer wrote through a planted symlink"
[ -f "$tmp/planted/edu_regs.h" ] && [ ! -L "$tmp/planted/edu_regs.h" ] || fail "edu_regs.h is a file"
[ "$(umask 022 && "$drvgen" gen -o "$tmp/mode" specs/edu >/dev/null && stat -c %a "$tmp/mode/edu_regs.h")" = 644 ] \
	|| fail "generated files are 0666 less the umask"

# A big file is written while it is made (writer.c, "a file written while
# it is generated"): the same bytes as the whole file held in memory (gen
# --check holds it so, and finds nothing stale), untouched when unchanged,
# rewritten from a difference anywhere in it, and never left half-written.
mkdir "$tmp/big"
awk 'BEGIN {
	print "device: big\nblocks:\n  - name: regs\n    size: 0x1000\n    registers:"
	for (i = 0; i < 1000; i++)
		printf "      - {name: r%d, offset: %d, fields: [{name: a, bits: \"7:0\"}, " \
			"{name: b, bits: \"15:8\"}, {name: c, bits: \"23:16\"}, {name: d, bits: 31}]}\n", i, 4 * i
}' >"$tmp/big/big.regs.yaml"
expect_exit 0 "$drvgen" gen -o "$tmp/big/out" "$tmp/big/big.regs.yaml"
[ "$(wc -c <"$tmp/big/out/big_regs.h")" -gt 2000000 ] || fail "the big map's header is past the writer's 1 MiB pieces"
expect_exit 0 "$drvgen" gen --check -o "$tmp/big/out" "$tmp/big/big.regs.yaml"
[ -s "$tmp/err" ] && fail "a file written in pieces is the file held whole: $(head -3 "$tmp/err")"
[ "$(ls "$tmp/big/out")" = "$(printf 'big_regs.h\nbig_regs_desc.c')" ] || fail "only the generated files are left: $(ls "$tmp/big/out")"
touch -d '2001-01-01' "$tmp/big/out/big_regs.h"
expect_exit 0 "$drvgen" gen -o "$tmp/big/out" "$tmp/big/big.regs.yaml"
grep -q "0 files written, 2 unchanged" "$tmp/out" || fail "an unchanged big file counts as unchanged: $(cat "$tmp/out")"
[ "$(stat -c %Y "$tmp/big/out/big_regs.h")" = "$(date -d '2001-01-01' +%s)" ] || fail "an unchanged big file is not rewritten"
cp "$tmp/big/out/big_regs.h" "$tmp/big/good.h"
for change in "sed -i 20000s/./X/ FILE" "truncate -s 1500000 FILE" "sed -i \$s/\$/x/ FILE" "truncate -s 0 FILE"; do
	$(echo "$change" | sed "s|FILE|$tmp/big/out/big_regs.h|")
	expect_exit 0 "$drvgen" gen -o "$tmp/big/out" "$tmp/big/big.regs.yaml"
	cmp -s "$tmp/big/out/big_regs.h" "$tmp/big/good.h" || fail "gen rewrites a big file after '$change'"
done
# A write that fails (here past a file size limit) leaves the file as it
# was and no temporary file.
printf 'old\n' >"$tmp/big/out/big_regs.h"
expect_exit 2 sh -c 'trap "" XFSZ; ulimit -f 1024; exec "$@"' _ "$drvgen" gen -o "$tmp/big/out" "$tmp/big/big.regs.yaml"
grep -q "cannot write $tmp/big/out/big_regs.h: File too large" "$tmp/err" || fail "a failed write is reported: $(head -3 "$tmp/err")"
[ "$(cat "$tmp/big/out/big_regs.h")" = old ] || fail "a failed write leaves the file as it was"
[ "$(ls "$tmp/big/out" | wc -l)" = 2 ] || fail "a failed write leaves no temporary file: $(ls "$tmp/big/out")"

# Each file is written out when its backend finishes it (gen_close), and
# its descriptors closed (stream_park): 300 interfaces make 1,200 files,
# generated with 64 descriptors at most, the same bytes as --check holds
# whole; unchanged files are left alone, a changed spec file rewrites the
# files made from it (each names its spec file's hash), and a failed write
# leaves the old file and no temporary file.
mkdir -p "$tmp/many/spec"
awk 'BEGIN {
	print "namespace many;"
	for (i = 0; i < 299; i++)
		printf "\ninterface if%d {\n\tcall op(a: u32, b: u32) u32;\n};\n", i
}' >"$tmp/many/spec/many.idl"
printf 'namespace other;\n\ninterface last {\n\tcall op(a: u32) u32;\n};\n' >"$tmp/many/spec/other.idl"
expect_exit 0 sh -c 'ulimit -n 64; exec "$@"' _ "$drvgen" gen -o "$tmp/many/out" "$tmp/many/spec"
grep -q "1200 files written, 0 unchanged" "$tmp/out" || fail "1,200 files with 64 descriptors: $(cat "$tmp/out" "$tmp/err")"
expect_exit 0 "$drvgen" gen --check -o "$tmp/many/out" "$tmp/many/spec"
[ -s "$tmp/err" ] && fail "a file written when finished is the file held whole: $(head -3 "$tmp/err")"
touch -d '2001-01-01' "$tmp/many/out/many_if7_server.c"
cp "$tmp/many/out/other_last_server.c" "$tmp/many/last_server.c"
sed -i 's/^\tcall op(a: u32) u32;$/&\n\tcall more() void;/' "$tmp/many/spec/other.idl"
expect_exit 2 sh -c 'trap "" XFSZ; ulimit -f 1; exec "$@"' _ "$drvgen" gen -o "$tmp/many/out" "$tmp/many/spec"
grep -q "cannot write $tmp/many/out/other_last_server.c: File too large" "$tmp/err" \
	|| fail "a failed write of a finished file is reported: $(head -3 "$tmp/err")"
cmp -s "$tmp/many/out/other_last_server.c" "$tmp/many/last_server.c" || fail "a failed write leaves the file as it was"
[ "$(ls "$tmp/many/out" | wc -l)" = 1200 ] || fail "a failed write leaves no temporary file: $(ls "$tmp/many/out" | grep -v '[ch]$' | head -3)"
expect_exit 0 "$drvgen" gen -o "$tmp/many/out" "$tmp/many/spec"
grep -q "4 files written, 1196 unchanged" "$tmp/out" || fail "a changed spec file rewrites its files only: $(cat "$tmp/out")"
[ "$(stat -c %Y "$tmp/many/out/many_if7_server.c")" = "$(date -d '2001-01-01' +%s)" ] || fail "an unchanged small file is not rewritten"
grep -q "other_last_more" "$tmp/many/out/other_last_server.c" || fail "the changed interface's server is rewritten"

# An interrupt waits while gen holds temporary files (main.c): SIGTERM at
# any moment of a run leaves no temporary file, and either no output or
# all of it. 2,000 interfaces take about half a second to generate here,
# so most of these land while the files are being made.
awk 'BEGIN {
	print "namespace big;"
	for (i = 0; i < 2000; i++)
		printf "\ninterface if%d {\n\tcall op(a: u32, b: u32) u32;\n};\n", i
}' >"$tmp/many/big.idl"
for delay in 0.1 0.2 0.3 0.4; do
	rm -rf "$tmp/many/killed"
	timeout -s TERM "$delay" "$drvgen" gen -o "$tmp/many/killed" "$tmp/many/big.idl" >/dev/null 2>&1
	files=$(ls "$tmp/many/killed" 2>/dev/null | wc -l)
	left=$(ls "$tmp/many/killed" 2>/dev/null | grep -v '\.[ch]$' | head -3)
	[ -z "$left" ] || fail "SIGTERM after ${delay}s leaves temporary files: $left"
	[ "$files" = 0 ] || [ "$files" = 8000 ] || fail "SIGTERM after ${delay}s leaves $files of 8000 files"
done

# A folder whose files' paths pass PATH_MAX: each is refused by name.
long="$tmp/long"
while [ ${#long} -lt 3980 ]; do long="$long/$(printf '%0100d' 0)"; done
long="$long/$(printf "%0$((4085 - ${#long} - 1))d" 0)" # 4,085 bytes: its files' paths are longer than 4,095
mkdir -p "$long"
expect_exit 2 "$drvgen" gen -o "$long" specs/edu
grep -q "cannot write $long/edu_regs.h: File name too long" "$tmp/err" || fail "a path past PATH_MAX is refused by name: $(head -c 300 "$tmp/err")"
[ -z "$(ls "$long")" ] || fail "nothing is written under a folder too long"

# Only regular files are read: a FIFO in a spec folder is refused, not a
# check waiting for a writer for ever (the timeout only stops a hang).
mkdir "$tmp/fifo"
cp specs/edu/edu.regs.yaml "$tmp/fifo/"
mkfifo "$tmp/fifo/a.idl"
expect_exit 2 timeout 60 "$drvgen" check "$tmp/fifo"
grep -q "a.idl: error\[E0001\]: is not a regular file" "$tmp/err" || fail "a FIFO is E0001"
expect_exit 1 "$drvgen" gen -o "$tmp/gen-bad" "$tmp/bad"
[ -e "$tmp/gen-bad" ] && fail "nothing is written when the specs have errors"
expect_exit 0 "$drvgen" gen --spdx "GPL-2.0-only" -o "$tmp/gen-gpl" specs/edu
head -1 "$tmp/gen-gpl/edu_regs.h" | grep -q "SPDX-License-Identifier: GPL-2.0-only" || fail "--spdx sets the SPDX line"

# compat: exit 0 when nothing breaks, 1 when something does, 2 on misuse;
# the report on stdout, as text or JSON (docs/compat.md).
expect_exit 0 "$drvgen" compat specs/edu specs/edu
grep -q '^drvgen compat: no changes$' "$tmp/out" || fail "compat of a spec with itself: no changes"
mkdir -p "$tmp/compat/old" "$tmp/compat/new"
cp specs/edu/edu.idl "$tmp/compat/old/"
sed 's|^\(	call ident() u32;\)$|\1\n\n	call reset() void;|' specs/edu/edu.idl >"$tmp/compat/new/edu.idl"
expect_exit 1 "$drvgen" compat "$tmp/compat/old" "$tmp/compat/new"
grep -q "^$tmp/compat/new/edu.idl:[0-9]*:[0-9]*: wire-breaking\[label-changed\]: edu::device.liveness: " "$tmp/out" \
	|| fail "compat reports the shifted label in diagnostic form"
tail -1 "$tmp/out" | grep -q '^drvgen compat: wire-breaking (5 wire-breaking, 0 source-breaking, 1 compatible)$' \
	|| fail "compat ends with a summary: $(tail -1 "$tmp/out")"
[ -s "$tmp/err" ] && fail "compat prints nothing on stderr for clean specs"
expect_exit 1 "$drvgen" compat --json "$tmp/compat/old/edu.idl" "$tmp/compat/new/edu.idl"
jq -e '.result == "wire-breaking" and .breaking and .counts["wire-breaking"] == 5 and
	([.changes[].rule] | index("method-added")) != null' "$tmp/out" >/dev/null || fail "compat --json"
sed 's|^\(	call pci_info.*\)$|\1\n	call reset() void;|' specs/edu/edu.idl >"$tmp/compat/new/edu.idl"
expect_exit 0 "$drvgen" compat --json "$tmp/compat/old" "$tmp/compat/new"
jq -e '.result == "compatible" and (.breaking | not) and (.changes | length) == 1' "$tmp/out" >/dev/null \
	|| fail "a call added at the end is compatible"
# for clients; its implementations must define the handler (E0601)
jq -e '.changes[0].implementations == "source-breaking" and .implementation_counts["source-breaking"] == 1' \
	"$tmp/out" >/dev/null || fail "a call added breaks implementations' source"
expect_exit 0 "$drvgen" compat "$tmp/compat/old" "$tmp/compat/new"
grep -q 'compatible\[method-added\]: edu::device.reset: .*; for implementations source-breaking: each must define its handler (E0601)$' \
	"$tmp/out" || fail "the text report gives both sides: $(head -1 "$tmp/out")"
expect_exit 2 "$drvgen" compat specs/edu
expect_exit 2 "$drvgen" compat specs/edu specs/edu specs/edu
expect_exit 2 "$drvgen" compat specs/edu "$tmp/nowhere"
expect_exit 1 "$drvgen" compat specs/edu "$tmp/bad"
grep -q 'error\[E0208\]' "$tmp/err" || fail "compat reports the errors of a version"
[ -s "$tmp/out" ] && fail "no report when a version has errors"
expect_exit 0 "$drvgen" compat --help
grep -q 'usage: drvgen compat' "$tmp/out" || fail "compat --help"

# Warnings: exit 0, unless -E makes them errors; -W no- turns one off. By
# code or by name; an error cannot be changed, nor a name that is no code.
warned=tests/diag/W0501-deprecated-use
expect_exit 0 "$drvgen" check "$warned"
grep -q "warning\[W0501\]" "$tmp/err" || fail "a deprecated use is warning W0501"
expect_exit 1 "$drvgen" check -E deprecated-use "$warned"
grep -q "error\[W0501\]" "$tmp/err" || fail "-E deprecated-use reports W0501 as an error"
expect_exit 1 "$drvgen" check -EW0501 "$warned"
expect_exit 0 "$drvgen" check -E W0501 -E no-W0501 "$warned"
grep -q "warning\[W0501\]" "$tmp/err" || fail "-E no-W0501 makes it a warning again"
expect_exit 0 "$drvgen" check -W no-deprecated-use "$warned"
[ -s "$tmp/err" ] && fail "-W no-deprecated-use reports nothing: $(head -3 "$tmp/err")"
expect_exit 0 "$drvgen" check -W no-W0501 -W W0501 "$warned"
grep -q "warning\[W0501\]" "$tmp/err" || fail "-W W0501 turns it back on"
expect_exit 1 "$drvgen" check -W no-deprecated-use tests/diag/E0204-field-overlap
expect_exit 2 "$drvgen" check -E field-overlap "$warned"
grep -q "not a warning" "$tmp/err" || fail "-E of an error is a usage error"
expect_exit 2 "$drvgen" check -W no-such-warning "$warned"
expect_exit 2 "$drvgen" check -W
"$drvgen" --help | grep -q -- "-E \[no-\]WARN" || fail "--help documents -E"

finish cli
