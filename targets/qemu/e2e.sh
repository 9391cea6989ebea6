#!/bin/bash
# SPDX-License-Identifier: MIT
# e2e.sh [--demo | --bench] OUTDIR DRIVERS CLIENTS SPECDIR... - the QEMU
# end-to-end run behind `make qemu-test` and `make demo`, and the benchmark
# boot behind `make qemu-bench` (targets/qemu/README.md).
#
#   DRIVERS   kmod/{drvgen,drv_uio_irq,<driver>}.ko, user/<driver>-server and
#             the bridges user/drvgen-* (targets/kmod/build.sh,
#             targets/user/build.sh, build_bridges.sh)
#   CLIENTS   <spec>/<client>: each spec's test clients and test servers
#             (build_clients.sh)
#   SPECDIR   a spec folder with a qemu/test.sh (qemu/bench.sh with
#             --bench, whose guest function is spec_bench): its QEMU_ARGS go
#             on the QEMU command line, its FIFOS are made, its DISKS are
#             created empty in OUTDIR/disks, its MODULES and BINARIES are
#             copied into the image, its HOST command runs on the host while
#             the guest does, the guest runs its spec_kmod and spec_user, and
#             its AFTER command runs on the host once QEMU has exited
#
# Stages OUTDIR/stage (bin/, kmod/, specs/, lib.sh, run = guest_run.sh),
# builds OUTDIR/e2e.cpio.gz, boots it once with run.sh, and judges: exit 0
# iff the guest and every host command passed and no "not ok" line
# appeared.  Missing drivers are staged as missing: the guest reports each
# as "not ok" and goes on with the rest.
#
# Files: OUTDIR/console.log (the guest console), OUTDIR/disks/ (the disk
# images, as the guest left them), OUTDIR/host-<spec>.out
# (each host command's), OUTDIR/results.out (all of them: what is judged),
# OUTDIR/run.out (what run.sh printed).  --demo prints a short summary.
# Guard: DRVGEN_QEMU_TIMEOUT (default 900 s) for the whole boot.
# bash, not sh: arrays and ${x//a/b}. Said plainly when run by another shell.
[ -n "${BASH_VERSION:-}" ] || { echo "e2e.sh: needs bash: run it as targets/qemu/e2e.sh (or bash e2e.sh)" >&2; exit 2; }
set -u

DEMO=0 MODE=test
case "${1:-}" in
--demo) DEMO=1; shift ;;
--bench) MODE=bench; shift ;;
esac
[ $# -ge 4 ] || { echo "usage: e2e.sh [--demo | --bench] OUTDIR DRIVERS CLIENTS SPECDIR..." >&2; exit 2; }
OUT=$1 DRIVERS=$2 CLIENTS=$3
shift 3
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

STAGE=$OUT/stage
DISKS=$OUT/disks
rm -rf "$STAGE" "$DISKS" "$OUT"/host-*.out
mkdir -p "$STAGE/bin" "$STAGE/kmod" "$STAGE/specs" "$DISKS"
cp "$HERE/guest_run.sh" "$STAGE/run"
cp "$HERE/guest_lib.sh" "$STAGE/lib.sh"
echo "$MODE" > "$STAGE/mode"
chmod 755 "$STAGE/run"
for m in "$DRIVERS"/kmod/*.ko; do [ -f "$m" ] && cp "$m" "$STAGE/kmod/"; done
for s in "$DRIVERS"/user/*-server "$DRIVERS"/user/drvgen-*; do [ -x "$s" ] && cp "$s" "$STAGE/bin/"; done

# spec_var SPECDIR NAME: a variable its qemu/test.sh (qemu/bench.sh) sets;
# empty if it sets none (not this script's variable of that name)
spec_var() { (unset "$2"; . "$1/qemu/$MODE.sh" >/dev/null 2>&1; eval "printf '%s' \"\${$2:-}\""); }

QEMU_ARGS=() FIFO_ARGS=() HOSTS=() AFTERS=() EXTRA_MODULES="" BINARIES=""
for dir in "$@"; do
    spec=$(basename "$dir")
    [ -f "$dir/qemu/$MODE.sh" ] || { echo "e2e: $dir has no qemu/$MODE.sh" >&2; exit 2; }
    cp "$dir/qemu/$MODE.sh" "$STAGE/specs/$spec.sh"
    mkdir -p "$STAGE/bin/$spec"
    for c in $(spec_var "$dir" CLIENTS) $(spec_var "$dir" TEST_SERVERS); do
        if [ -x "$CLIENTS/$spec/$c" ]; then cp "$CLIENTS/$spec/$c" "$STAGE/bin/$spec/"
        else echo "e2e: $CLIENTS/$spec/$c missing; the guest will report it" >&2; fi
    done
    # NAME:SIZE each, as truncate(1) reads sizes: empty (sparse) images
    for d in $(spec_var "$dir" DISKS); do
        truncate -s "${d#*:}" "$DISKS/${d%%:*}" || { echo "e2e: cannot make disk $d" >&2; exit 2; }
    done
    # shellcheck disable=SC2207  # the arguments are plain words
    QEMU_ARGS+=($(spec_var "$dir" QEMU_ARGS | sed "s|@DISK@|$DISKS|g"))
    for f in $(spec_var "$dir" FIFOS); do FIFO_ARGS+=(-f "$f"); done
    EXTRA_MODULES="$EXTRA_MODULES $(spec_var "$dir" MODULES)"
    BINARIES="$BINARIES $(spec_var "$dir" BINARIES)"
    h=$(spec_var "$dir" HOST)
    if [ -n "$h" ]; then
        # the spec's own qemu/ folder first, then this one's scripts
        HOSTS+=("cd '$HERE' && PATH='$(cd "$dir/qemu" && pwd):$HERE:'\"\$PATH\" DRVGEN_DISK_DIR='$DISKS' exec bash -c '$h' > '$OUT/host-$spec.out' 2>&1")
    fi
    a=$(spec_var "$dir" AFTER)
    if [ -n "$a" ]; then
        AFTERS+=("cd '$HERE' && PATH='$(cd "$dir/qemu" && pwd):$HERE:'\"\$PATH\" DRVGEN_DISK_DIR='$DISKS' DRVGEN_CONSOLE_LOG='$OUT/console.log' exec bash -c '$a' > '$OUT/host-$spec-after.out' 2>&1")
    fi
done

EXTRA_MODULES=$EXTRA_MODULES BINARIES=$BINARIES "$HERE/mkinitramfs.sh" "$OUT/e2e.cpio.gz" "$STAGE" || exit 1

# Every host command at once, and the monitor agent (monitor_agent.sh);
# the host side fails if any does.
HOSTS+=("cd '$HERE' && exec bash monitor_agent.sh > '$OUT/host-monitor.out' 2>&1")
HOST_CMD=""
for h in "${HOSTS[@]}"; do HOST_CMD="$HOST_CMD ( $h ) & pids=\"\$pids \$!\";"; done
HOST_CMD="pids=;$HOST_CMD rc=0; for p in \$pids; do wait \$p || rc=1; done; exit \$rc"

echo "e2e: booting QEMU (TCG) with: ${QEMU_ARGS[*]}"
echo "e2e: the guest tests the kernel-module target, then the userspace-server target"
start=$(date +%s.%N)
# the console reaches the terminal as it comes (sed -u), \r and SeaBIOS's
# escape sequences stripped
"$HERE/run.sh" -t "${DRVGEN_QEMU_TIMEOUT:-900}" -l "$OUT/console.log" "${FIFO_ARGS[@]}" \
    -H "$HOST_CMD" "$OUT/e2e.cpio.gz" -- "${QEMU_ARGS[@]}" 2>&1 |
    tr -d '\r' | sed -u 's/\x1b[[0-9;?]*[a-zA-Z]//g; s/\x1bc//g' | tee "$OUT/run.out"
rc=${PIPESTATUS[0]}
end=$(date +%s.%N)
# what the guest left behind, looked at on the host once QEMU is gone
for a in "${AFTERS[@]}"; do
    bash -c "$a" || echo "not ok 0 host: an AFTER command failed (exit status $?)" >> "$OUT/host-after.out"
done
secs=$(echo "$start $end" | awk '{ printf "%.1f", $2 - $1 }')
for f in "$OUT"/host-*.out; do
    [ -f "$f" ] || continue
    echo
    echo "#### host side: $(basename "$f" .out)"
    cat "$f"
done

# every result line: the guest's (its console log) and the host side's
{ tr -d '\r' < "$OUT/console.log"; cat "$OUT"/host-*.out 2>/dev/null; } > "$OUT/results.out"
pass=$(grep -c '^ok ' "$OUT/results.out")
fail=$(grep -c '^not ok ' "$OUT/results.out")
echo
if [ "$DEMO" = 1 ]; then
    # tally TAGS...: "N ok, M not ok" over the lines of those tags
    tally() {
        local re; re=$(printf '%s|' "$@"); re=${re%|}
        echo "$(grep -Ec "^ok [0-9-]+ ($re): " "$OUT/results.out") ok, $(grep -Ec "^not ok [0-9-]+ ($re): " "$OUT/results.out") not ok"
    }
    echo "==== drvgen demo: each spec, two targets, the same clients ===="
    echo "  kernel-module checks:     $(tally 'kmod(/[a-z-]+)?')"
    echo "  userspace-server checks:  $(tally 'user(/[a-z-]+)?')"
    echo "  host side:                $(tally host)"
    grep -E '^(not )?ok [0-9]+ (kmod|user)/[a-z-]+: ' "$OUT/results.out" |
        sed -E 's/^(not ok|ok) [0-9]+ ([^:]*):.*/\2 \1/' | sort | uniq -c |
        awk '{ printf "  %-26s %s %s\n", $2 ":", $1, $3 ($4 ? " " $4 : "") }'
fi
if [ "$MODE" = bench ]; then
    echo "==== drvgen / the in-tree driver, each measured in this boot (higher is better) ===="
    grep -E '^[a-z0-9_]+_ratio_[a-z]+: ' "$OUT/results.out"
    echo
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
