#!/bin/sh
# SPDX-License-Identifier: MIT
# test_new.sh DRVGEN - `drvgen new`: each kind of folder it makes (edu's PCI
# ids, PCI ids it does not know, ISA) checks clean, driver file included;
# its YAML names the schemas of dsl/schema, which it passes; its driver
# reads the id register; it generates, and its userspace server and its
# client build with gcc and clang. Bad names and arguments write nothing.
# (The kernel module of a new spec is built by test_install.sh, against an
# installed tree, and QEMU runs it: targets/qemu/README.md.) Run from the
# top folder.
set -u
drvgen=$1
. tests/cli/lib.sh
python=${PYTHON:-/usr/bin/python3}
top=$(pwd)

# new_ok NAME ARGS... - drvgen new NAME ARGS -o $tmp/NAME succeeds and says so
new_ok() {
	name=$1
	shift
	"$drvgen" new "$name" "$@" -o "$tmp/$name" >"$tmp/out" 2>"$tmp/err" ||
		{ fail "drvgen new $name $*: $(cat "$tmp/err")"; return 1; }
	grep -q "^drvgen new: $tmp/$name/ holds the spec" "$tmp/out" || fail "new $name says what it wrote"
	for f in "$name.regs.yaml" "$name.idl" "$name.manifest.yaml" "$name.c" qemu/test.sh \
		"qemu/${name}_check.c" README.md Makefile; do
		[ -s "$tmp/$name/$f" ] || fail "new $name: no $f"
	done
	"$drvgen" check "$tmp/$name" >"$tmp/out" 2>"$tmp/err" || fail "new $name does not check clean: $(cat "$tmp/err")"
	grep -q "3 spec files and the driver's C file: no errors" "$tmp/out" || fail "new $name: check: $(cat "$tmp/out")"
	grep -q "^	\*result = ${name}_id_read(from_${name}_device(self)->base.caps.regs);\$" \
		"$tmp/$name/$name.c" || fail "new $name: ident does not read the id register"
	grep -q "DRV_STATUS_INTERNAL" "$tmp/$name/$name.c" && fail "new $name: a handler is a stub"
	for kind in regs manifest; do
		line=$(head -1 "$tmp/$name/$name.$kind.yaml")
		[ "$line" = "# yaml-language-server: \$schema=$top/dsl/schema/$kind.schema.json" ] ||
			fail "new $name: $kind modeline: $line"
		"$python" tests/cli/schema_validate.py "$top/dsl/schema/$kind.schema.json" \
			"$tmp/$name/$name.$kind.yaml" >"$tmp/out" 2>&1 || fail "new $name: $kind schema: $(cat "$tmp/out")"
	done
	sh -n "$tmp/$name/qemu/test.sh" || fail "new $name: test.sh is not sh"
	return 0
}

# build NAME - generated, the server and the client built (gcc, then clang)
build() {
	"$drvgen" gen -q -o "$tmp/$1-gen" --skeleton "$tmp/$1" "$tmp/$1" || fail "gen $1"
	for cc in gcc clang; do
		CC=$cc sh targets/user/build.sh "$tmp/$1" "$tmp/$1-gen" "$tmp/$1-$cc" 2>"$tmp/err" ||
			fail "$1-server with $cc: $(tail -5 "$tmp/err")"
		[ -x "$tmp/$1-$cc/$1-server" ] || fail "no $1-server ($cc)"
		CC=$cc sh targets/qemu/build_clients.sh "$tmp/$1" "$tmp/$1-gen" "$tmp/$1-$cc" 2>"$tmp/err" ||
			fail "$1_check with $cc: $(tail -5 "$tmp/err")"
		[ -x "$tmp/$1-$cc/$1_check" ] || fail "no $1_check ($cc)"
	done
}

# QEMU's edu, the default: the QEMU test names the device and its id
new_ok mydev && build mydev
grep -q '^QEMU_ARGS="-device edu"$' "$tmp/mydev/qemu/test.sh" || fail "edu's QEMU device"
grep -q -- '--expect-id 0x010000ed' "$tmp/mydev/qemu/test.sh" || fail "the test expects edu's id"
grep -q 'reset: 0x010000ed' "$tmp/mydev/mydev.regs.yaml" || fail "edu's id register's reset"
grep -q 'pci: { vendor: 0x1234, device: 0x11e8 }' "$tmp/mydev/mydev.manifest.yaml" || fail "edu's ids"

# PCI ids drvgen new knows no QEMU device of: the test says to name one
new_ok nic --pci 8086:100E
grep -q '^QEMU_ARGS=""$' "$tmp/nic/qemu/test.sh" || fail "an unknown device has no QEMU device"
grep -q 'none that drvgen new knows; name it' "$tmp/nic/qemu/test.sh" || fail "the test says to name it"
grep -q 'pci: { vendor: 0x8086, device: 0x100e }' "$tmp/nic/nic.manifest.yaml" || fail "the ids, in hex"
grep -q -- '--expect-id' "$tmp/nic/qemu/test.sh" && fail "no id expected of an unknown device"
grep -q 'reset:' "$tmp/nic/nic.regs.yaml" && fail "no reset value known of an unknown device"

# ISA: the ports and the line, a 16550 standing in on QEMU
new_ok card --isa 0x2e8,5 && build card
grep -q 'ioport: \[ { name: regs, base: 0x2e8, size: 8, block: ports } \]' "$tmp/card/card.manifest.yaml" ||
	fail "ISA ports in the manifest"
grep -q 'irq: \[ { name: irq, line: 5 } \]' "$tmp/card/card.manifest.yaml" || fail "ISA line in the manifest"
grep -q '^QEMU_ARGS="-device isa-serial,iobase=0x2e8,irq=5"$' "$tmp/card/qemu/test.sh" || fail "the stand-in"
grep -q 'insmod kmod/drv_uio_irq.ko line=5' "$tmp/card/qemu/test.sh" || fail "the server's line"
grep -q "02e8-02ef : card" "$tmp/card/qemu/test.sh" || fail "the ports in /proc/ioports"

# --spdx reaches the files with an SPDX line
new_ok gpl --spdx GPL-2.0-only
for f in gpl.c qemu/test.sh qemu/gpl_check.c Makefile; do
	grep -q 'SPDX-License-Identifier: GPL-2.0-only' "$tmp/gpl/$f" || fail "--spdx: $f"
done

# expect_refused STATUS ARGS... - drvgen new ARGS exits STATUS and writes nothing
expect_refused() {
	want=$1
	shift
	rm -rf "$tmp/refused"
	"$drvgen" new "$@" -o "$tmp/refused" >"$tmp/out" 2>"$tmp/err"
	got=$?
	[ "$got" = "$want" ] || fail "new $*: exit $got, expected $want"
	[ -e "$tmp/refused" ] && fail "new $*: wrote $tmp/refused"
	[ -s "$tmp/out" ] && fail "new $*: printed a summary"
}
expect_refused 1 9lives
grep -q 'error\[E0201\]' "$tmp/err" || fail "a name that is no C identifier: E0201: $(cat "$tmp/err")"
expect_refused 2 x --pci 12345:1
expect_refused 2 x --pci nonsense
expect_refused 2 x --isa 0x2f8
expect_refused 2 x --isa 0x2f8,16
expect_refused 2 x --pci 1234:11e8 --isa 0x2f8,3
expect_refused 2 x y
expect_refused 2
# an existing file is never overwritten: nothing is written at all
mkdir "$tmp/taken"
echo mine >"$tmp/taken/README.md"
"$drvgen" new taken -o "$tmp/taken" >"$tmp/out" 2>"$tmp/err"
[ $? = 2 ] || fail "new into a folder with its README: not exit 2"
grep -q "$tmp/taken/README.md exists" "$tmp/err" || fail "it names the file in the way"
[ "$(ls "$tmp/taken")" = README.md ] && [ "$(cat "$tmp/taken/README.md")" = mine ] ||
	fail "new wrote into a folder with its README"

finish new
