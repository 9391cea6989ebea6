#!/bin/bash
# e2e.sh [--demo] OUTDIR DRIVERS CLIENTS - the QEMU end-to-end run behind
# `make qemu-test` and `make demo`.
#
#   DRIVERS   kmod/{edu,pcserial,drv_uio_irq}.ko and user/{edu,pcserial}-server
#             (targets/kmod/build.sh, targets/user/build.sh)
#   CLIENTS   edu_check, serial_echo, serial_block (targets/qemu/clients)
#
# Stages OUTDIR/stage (bin/, kmod/, run = guest_run.sh), builds
# OUTDIR/e2e.cpio.gz, boots it with run.sh and com2_host.sh driving COM2,
# and judges: exit 0 iff the guest and the host side both passed and no
# "not ok" line appeared.  Missing drivers are staged as missing: the guest
# reports each as "not ok" and goes on with the rest.
#
# Files: OUTDIR/console.log (the guest console), OUTDIR/host.out (the host
# side), OUTDIR/results.out (both: what is judged), OUTDIR/run.out (what
# run.sh printed).  --demo prints a short summary after the run.
# Guard: DRVGEN_QEMU_TIMEOUT (default 600 s) for the whole boot.
set -u

DEMO=0
if [ "${1:-}" = --demo ]; then DEMO=1; shift; fi
[ $# -eq 3 ] || { echo "usage: e2e.sh [--demo] OUTDIR DRIVERS CLIENTS" >&2; exit 2; }
OUT=$1 DRIVERS=$2 CLIENTS=$3
HERE=$(cd "$(dirname "$0")" && pwd)

STAGE=$OUT/stage
rm -rf "$STAGE"
mkdir -p "$STAGE/bin" "$STAGE/kmod"
for c in edu_check serial_echo serial_block; do
    cp "$CLIENTS/$c" "$STAGE/bin/" || exit 1
done
for s in edu pcserial; do
    if [ -x "$DRIVERS/user/$s-server" ]; then cp "$DRIVERS/user/$s-server" "$STAGE/bin/"
    else echo "e2e: $DRIVERS/user/$s-server missing; the guest will report it" >&2; fi
done
for m in edu pcserial drv_uio_irq; do
    if [ -f "$DRIVERS/kmod/$m.ko" ]; then cp "$DRIVERS/kmod/$m.ko" "$STAGE/kmod/"
    else echo "e2e: $DRIVERS/kmod/$m.ko missing; the guest will report it" >&2; fi
done
cp "$HERE/guest_run.sh" "$STAGE/run"
chmod 755 "$STAGE/run"

"$HERE/mkinitramfs.sh" "$OUT/e2e.cpio.gz" "$STAGE" || exit 1

echo "e2e: booting QEMU (TCG); the guest tests the kernel-module target, then the userspace-server target"
start=$(date +%s.%N)
# the console reaches the terminal as it comes (sed -u), \r and SeaBIOS's
# escape sequences stripped
# The host side writes to its own file: sharing stdout with the console
# would splice its lines into the guest's mid-line.
"$HERE/run.sh" -t "${DRVGEN_QEMU_TIMEOUT:-600}" -l "$OUT/console.log" \
    -H "exec bash '$HERE/com2_host.sh' kmod user > '$OUT/host.out' 2>&1" "$OUT/e2e.cpio.gz" 2>&1 |
    tr -d '\r' | sed -u 's/\x1b[[0-9;?]*[a-zA-Z]//g; s/\x1bc//g' | tee "$OUT/run.out"
rc=${PIPESTATUS[0]}
end=$(date +%s.%N)
secs=$(echo "$start $end" | awk '{ printf "%.1f", $2 - $1 }')
echo
echo "#### host side: COM2 (com2_host.sh)"
cat "$OUT/host.out" 2>/dev/null

# every result line: the guest's (its console log) and the host side's
{ tr -d '\r' < "$OUT/console.log"; cat "$OUT/host.out" 2>/dev/null; } > "$OUT/results.out"
pass=$(grep -c '^ok ' "$OUT/results.out")
fail=$(grep -c '^not ok ' "$OUT/results.out")
echo
if [ "$DEMO" = 1 ]; then
    # tally TAGS...: "N ok, M not ok" over the lines of those tags
    tally() {
        local re; re=$(printf '%s|' "$@"); re=${re%|}
        echo "$(grep -Ec "^ok [0-9-]+ ($re): " "$OUT/results.out") ok, $(grep -Ec "^not ok [0-9-]+ ($re): " "$OUT/results.out") not ok"
    }
    key() {     # key TAG: the headline results of the edu checks of TAG
        grep -E "^(not )?ok [0-9]+ $1: (ident|factorial\(12\)|4 KiB read back)" "$OUT/results.out" |
            sed -E "s|^ok [0-9]+ $1: ||; s|^not ok [0-9]+ $1: |NOT OK: |" | paste -sd ';' - | sed 's/;/; /g'
    }
    echo "==== drvgen demo: one spec, two targets, the same client ===="
    echo "  edu.ko (kernel module):   $(key kmod/edu)"
    echo "  edu-server (userspace):   $(key user/edu)"
    echo "  COM2 echo, host side:     $(grep -E '^(not )?ok [0-9]+ host: COM2: [a-z]+: sent' "$OUT/results.out" | sed -E 's/^ok [0-9]+ host: COM2: //; s/^not ok [0-9]+ host: COM2: /NOT OK: /' | paste -sd ';' - | sed 's/;/; /g')"
    echo "  kernel-module checks:     $(tally 'kmod(/[a-z-]+)?')"
    echo "  userspace-server checks:  $(tally 'user(/[a-z-]+)?')"
    echo "  host side:                $(tally host)"
fi
echo "e2e: $pass ok, $fail not ok; run.sh exit status $rc; console log $OUT/console.log"
echo "e2e: QEMU run time ${secs} s (run.sh wall time: boot, the tests of both targets, poweroff; TCG)"
if [ "$rc" != 0 ] || [ "$fail" != 0 ] || [ "$pass" = 0 ]; then
    echo "e2e: FAILED; what failed:" >&2
    { grep -E '^not ok |Kernel panic|BUG:|Oops' "$OUT/results.out"
      grep -E '^qemu: |^run\.sh: ' "$OUT/run.out"; } | sed 's/^/  /' >&2
    exit 1
fi
echo "e2e: passed"
