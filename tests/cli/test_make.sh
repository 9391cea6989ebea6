#!/bin/sh
# SPDX-License-Identifier: MIT
# test_make.sh DRVGEN - `make generate` is driven by the depfiles drvgen
# writes (docs/regeneration.md): it reruns drvgen for exactly the specs whose
# inputs changed, rewrites exactly the generated files whose bytes changed,
# and reports a protocol method the driver skeleton lacks. Works on a copy of
# the source tree; run from the top folder.
set -u
# The makes below judge what make prints: flags of a make that runs this
# script (-s, a jobserver) must not reach them.
unset MAKEFLAGS MFLAGS MAKELEVEL
top=$(pwd)
. tests/cli/lib.sh
drvgen="$tmp/drvgen"
cp "$1" "$drvgen"

tree="$tmp/tree"
mkdir "$tree"
tar --exclude=./build --exclude=./.git -cf - . | tar -xf - -C "$tree"
cd "$tree"

# Every file gets an old time and the stamps a later one, so whatever a step
# edits or rewrites is newer than both, without waiting for the clock.
settle() {
	find . "$drvgen" -path ./build -prune -o ! -type l -exec touch -d '2020-01-01 00:00' {} +
	[ -d build/generate ] && touch -d '2021-01-01 00:00' build/generate/*.stamp
	touch -d '2022-01-01 00:00' "$tmp/marker"
}

# run_make - make generate; its output in $tmp/log, its status in $status,
# and in $ran the specs it ran drvgen for.
run_make() {
	make --no-print-directory generate DRVGEN="$drvgen" >"$tmp/log" 2>&1
	status=$?
	ran=$(grep -o '^[^ ]*drvgen gen -o [^ ]*' "$tmp/log" | sed 's|.* -o ||' | tr '\n' ' ')
}

# rewritten - the generated files written since settle.
rewritten() {
	find generated tests/golden/gen -type f -newer "$tmp/marker" | sort | tr '\n' ' '
}

# In a fresh build folder, a stamp made for a build rather than by make
# generate only checks generated/: a stale file stops it, untouched.
echo '/* edited */' >>generated/edu/edu_regs.h
make --no-print-directory build/generate/spec-edu.stamp DRVGEN="$drvgen" >"$tmp/log" 2>&1 \
	&& fail "a build goes on with a stale generated/edu"
grep -q '^generated/edu/edu_regs.h: stale$' "$tmp/log" || fail "the build shows the stale file: $(tail -3 "$tmp/log")"
grep -q edited generated/edu/edu_regs.h || fail "a build rewrote a stale committed file"
[ -e build/generate/spec-edu.stamp ] && fail "a failed check leaves a stamp"
cp "$top/generated/edu/edu_regs.h" generated/edu/edu_regs.h
make -n --no-print-directory drivers DRVGEN="$drvgen" >"$tmp/log" 2>&1
grep -q "drvgen gen --check -o generated/edu " "$tmp/log" || fail "make drivers checks generated/ first"

settle
run_make
[ $status = 0 ] || fail "the first make generate fails: $(tail -5 "$tmp/log")"
[ -f build/generate/spec-edu.d ] && [ -f build/generate/spec-edu.stamp ] \
	|| fail "a depfile and a stamp per spec under build/generate"
[ -z "$(rewritten)" ] || fail "the first run rewrote committed files: $(rewritten)"
grep -q '^ dsl/std/io.idl \\$' build/generate/spec-pcserial.d || fail "pcserial depends on the std io.idl it uses"
grep -q '^ specs/pcserial/../uart16550/uart16550.regs.yaml \\$' build/generate/spec-pcserial.d \
	|| fail "pcserial depends on its library's register map"
grep -q '^ specs/edu/edu.c \\$' build/generate/spec-edu.d || fail "edu depends on its skeleton"

settle
run_make
[ $status = 0 ] && [ -z "$ran" ] || fail "nothing changed, yet make generate ran drvgen for: $ran"

# A library's register map edited: the library and the two drivers that
# list it rerun, and only their register files change.
settle
sed -i 's/doc: Scratch register. }/doc: Scratch register; free for software. }/' \
	specs/uart16550/uart16550.regs.yaml
run_make
[ "$ran" = "generated/pciserial generated/pcserial generated/uart16550 " ] \
	|| fail "a register map change ran drvgen for: $ran"
want="generated/pciserial/uart16550_regs.h generated/pciserial/uart16550_regs_desc.c"
want="$want generated/pcserial/uart16550_regs.h generated/pcserial/uart16550_regs_desc.c"
want="$want generated/uart16550/uart16550_regs.h generated/uart16550/uart16550_regs_desc.c "
[ "$(rewritten)" = "$want" ] || fail "a register map change rewrote: $(rewritten)"

# A call added to edu::device: edu reruns and rewrites its protocol files;
# the skeleton has no handler for it, so make stops with E0601 at specs/edu/edu.c.
settle
sed -i 's|^\(	call dma_read.*\)$|\1\n\n	# Resets the device.\n	call reset() void;|' specs/edu/edu.idl
# make drivers regenerates edu before it builds anything.
make -n --no-print-directory drivers DRVGEN="$drvgen" >"$tmp/log" 2>&1
first=$(grep -n 'drvgen gen -o generated/edu ' "$tmp/log" | head -1 | cut -d: -f1)
build=$(grep -n 'build.sh' "$tmp/log" | head -1 | cut -d: -f1)
[ -n "$first" ] && [ -n "$build" ] && [ "$first" -lt "$build" ] \
	|| fail "make drivers does not regenerate edu before building: $(head -3 "$tmp/log")"
grep -q 'drvgen gen.* -o generated/pcserial ' "$tmp/log" && fail "make drivers regenerates pcserial too"
run_make
[ "$ran" = "generated/edu " ] || fail "a protocol change ran drvgen for: $ran"
[ $status != 0 ] || fail "make generate succeeds with a handler missing"
grep -q '^specs/edu/edu.c:[0-9]*:[0-9]*: error\[E0601\]: edu.c does not define edu_reset' "$tmp/log" \
	|| fail "E0601 points at the skeleton: $(grep E0601 "$tmp/log")"
grep -q '^specs/edu/edu.idl:[0-9]*:[0-9]*: note: declared here' "$tmp/log" || fail "a note at the IDL line"
case "$(rewritten)" in
*edu_regs*|*uart16550*|*edu_driver*) fail "a protocol change rewrote: $(rewritten)" ;;
*generated/edu/edu_device.h*) ;;
*) fail "a protocol change did not rewrite edu_device.h: $(rewritten)" ;;
esac
grep -q 'edu_device_reset' generated/edu/edu_device_client.c || fail "the new stub is generated"
# Once the author implements it, make generate passes.
cat >>specs/edu/edu.c <<'EOF'

static int edu_reset(struct edu_device *self, struct drv_call *call)
{
	(void)self;
	(void)call;
	return 0;
}
EOF
run_make
[ $status = 0 ] || fail "make generate still fails with the handler written: $(grep error "$tmp/log")"
# The author's file alone is an input of its spec's generation.
settle
touch specs/edu/edu.c
run_make
[ $status = 0 ] || fail "make generate after touching the skeleton: $(grep error "$tmp/log")"
[ "$ran" = "generated/edu " ] || fail "the skeleton's edit ran drvgen for: $ran"

# The standard library file a spec uses is a dependency.
settle
touch dsl/std/io.idl
run_make
[ "$ran" = "generated/pciserial generated/pcserial " ] || fail "touching dsl/std/io.idl ran drvgen for: $ran"

# A generated file edited by hand or deleted is restored.
settle
echo '/* edited */' >>generated/edu/edu_regs.h
rm generated/pcserial/io_types.h
run_make
[ $status = 0 ] && [ "$ran" = "generated/edu generated/pcserial " ] || fail "hand edits ran drvgen for: $ran"
grep -q edited generated/edu/edu_regs.h && fail "the hand edit survives make generate"
[ -f generated/pcserial/io_types.h ] || fail "the deleted file is not restored"

# A new spec file in a spec folder is picked up.
settle
printf 'namespace extra;\ninterface x { call f() void; };\n' >specs/edu/extra.idl
run_make
[ "$ran" = "generated/edu " ] || fail "a new spec file ran drvgen for: $ran"
[ -f generated/edu/extra_x.h ] || fail "the new file's output is generated"

finish make
