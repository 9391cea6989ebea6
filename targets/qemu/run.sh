#!/bin/bash
# SPDX-License-Identifier: MIT
# run.sh [options] INITRAMFS [-- QEMU_ARGS...]
#
# Boot the distro kernel (/boot/vmlinuz-<kver>) with INITRAMFS (built by
# mkinitramfs.sh) under qemu-system-x86_64 and return the guest's exit status,
# i.e. the <rc> of the last "DRVGEN-QEMU-EXIT <rc>" line printed by /init.
#
#   COM1 (ttyS0, 0x3f8/irq4)  console -> stdout AND the log file
#   intel-iommu               an IOMMU with interrupt remapping; the kernel
#                             boots with intel_iommu=on iommu=pt (--no-iommu:
#                             none)
#   QEMU_ARGS                 the devices under test (each spec's, put on the
#                             command line before COM1: see the uart16550
#                             spec's qemu/test.sh for why order matters)
#
# Options:
#   -t, --timeout SEC    guard timeout; QEMU is killed after SEC seconds
#                        (default 300, env DRVGEN_QEMU_TIMEOUT)
#   -l, --log FILE       console log (default ./drvgen-qemu-console.log)
#   -f, --fifo NAME      make the FIFO pair NAME.in (host writes, guest
#                        receives) and NAME.out (guest sends, host reads) in
#                        a fresh temp dir, for a QEMU "pipe" chardev: @FIFO@
#                        in QEMU_ARGS is that dir ("path=@FIFO@/NAME").
#                        Repeatable.
#   -H, --host-cmd CMD   run CMD (via sh -c) on the host while the guest runs,
#                        with DRVGEN_FIFO_DIR (the FIFOs' dir),
#                        DRVGEN_QEMU_MONITOR (the QEMU monitor's Unix socket)
#                        and DRVGEN_CONSOLE_LOG (the log file) in its
#                        environment.  It gets 5 s after QEMU exits,
#                        then is killed.  Exit status becomes the guest's rc
#                        if non-zero, else CMD's.
#   -k, --kernel FILE    kernel image (default: newest /boot/vmlinuz-*)
#   -M, --machine TYPE   QEMU machine type (default q35, see README)
#   -m, --mem SIZE       guest RAM (default 512M)
#   -a, --append ARGS    extra kernel command line arguments
#       --no-iommu       no intel-iommu device, no intel_iommu=on
#   -i, --interactive    keep stdin on the console (use with -a drvgen.shell=1);
#                        Ctrl-A x quits, Ctrl-A c is the QEMU monitor
#   -q, --quiet          do not copy the console to stdout (log file only)
#   -- QEMU_ARGS...      (after INITRAMFS) extra arguments passed to QEMU
#
# Environment: DRVGEN_QEMU_TIMEOUT (default for -t), DRVGEN_QEMU_ACCEL=tcg|kvm
# (default tcg).
#
# Exit status: guest rc; 124 on guard timeout; 125 if QEMU exited without an
# end marker (crash, panic, early poweroff); 2 for usage errors.
# bash, not sh: arrays and ${x//a/b}. Said plainly when run by another shell.
[ -n "${BASH_VERSION:-}" ] || { echo "run.sh: needs bash: run it as targets/qemu/run.sh (or bash run.sh)" >&2; exit 2; }
set -eu

die() { echo "run.sh: $*" >&2; exit 2; }

TIMEOUT=${DRVGEN_QEMU_TIMEOUT:-300}
LOG=./drvgen-qemu-console.log
FIFOS=()
IOMMU=1
HOST_CMD=
KERNEL=
MACHINE=q35
MEM=512M
APPEND_EXTRA=
INTERACTIVE=0
QUIET=0

while [ $# -gt 0 ]; do
    case "$1" in
        -t|--timeout)     TIMEOUT=${2?}; shift 2 ;;
        -l|--log)         LOG=${2?}; shift 2 ;;
        -f|--fifo)        FIFOS+=("${2?}"); shift 2 ;;
        --no-iommu)       IOMMU=0; shift ;;
        -H|--host-cmd)    HOST_CMD=${2?}; shift 2 ;;
        -k|--kernel)      KERNEL=${2?}; shift 2 ;;
        -M|--machine)     MACHINE=${2?}; shift 2 ;;
        -m|--mem)         MEM=${2?}; shift 2 ;;
        -a|--append)      APPEND_EXTRA="$APPEND_EXTRA ${2?}"; shift 2 ;;
        -i|--interactive) INTERACTIVE=1; shift ;;
        -q|--quiet)       QUIET=1; shift ;;
        -h|--help)        sed -n '2,/^set -eu/{/^set -eu/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
        -*)               die "unknown option $1 (try --help)" ;;
        *)                break ;;
    esac
done
[ $# -ge 1 ] || die "usage: run.sh [options] INITRAMFS [-- QEMU_ARGS...]"
INITRD=$1; shift
if [ "${1:-}" = "--" ]; then shift; fi
EXTRA_QEMU=("$@")
[ -f "$INITRD" ] || die "initramfs '$INITRD' not found"
case "$TIMEOUT" in ''|*[!0-9]*) die "timeout must be whole seconds" ;; esac

if [ -z "$KERNEL" ]; then
    # Never `uname -r`: the host kernel is not the one we boot.
    KERNEL=$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1)
    [ -n "$KERNEL" ] || die "no /boot/vmlinuz-* (install linux-image-amd64)"
fi
# /boot/vmlinuz-* is often mode 0600 (root only)
[ -r "$KERNEL" ] || die "kernel '$KERNEL' not readable (run as root?)"

TMPD=$(mktemp -d "${TMPDIR:-/tmp}/drvgen-qemu.XXXXXX")
QPID=; HPID=
cleanup() {
    if [ -n "$HPID" ]; then kill "$HPID" 2>/dev/null || true; fi
    if [ -n "$QPID" ]; then kill "$QPID" 2>/dev/null || true; fi
    rm -rf "$TMPD"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# FIFOs.  Both of a pair must exist before QEMU starts: if either is missing
# the pipe chardev silently falls back to opening PREFIX itself read-write.
# QEMU opens them O_RDWR, so (a) its opens never block, (b) what the guest
# sends is kept in PREFIX.out (64 KiB pipe buffer) until the host reads it,
# and (c) the host sees EOF on PREFIX.out once QEMU has exited.
for f in "${FIFOS[@]}"; do
    case "$f" in ''|*/*) die "a FIFO name is a plain name, not '$f'" ;; esac
    mkfifo "$TMPD/$f.in" "$TMPD/$f.out"
done
# @FIFO@ in the devices' arguments is where the FIFOs are
for i in "${!EXTRA_QEMU[@]}"; do EXTRA_QEMU[$i]=${EXTRA_QEMU[$i]//@FIFO@/$TMPD}; done

# TCG by default, even if /dev/kvm exists: on the dev box /dev/kvm is a
# "kvm-pvm" (paravirtual, no VT-x) backend that hangs a stock guest in
# SeaBIOS with 100% system time.  Set DRVGEN_QEMU_ACCEL=kvm on machines
# with real hardware virtualisation.
case "${DRVGEN_QEMU_ACCEL:-tcg}" in
    kvm) ACCEL=(-accel kvm -cpu host) ;;
    tcg) ACCEL=(-accel tcg) ;;
    *)   die "DRVGEN_QEMU_ACCEL must be tcg or kvm" ;;
esac

# Console: a stdio chardev with logfile= tees everything the guest writes to
# COM1 into $LOG.  -monitor is given explicitly so -nographic adds no default
# "mon:stdio" (which would clash: stdio can only be used once).
if [ "$INTERACTIVE" = 1 ]; then
    CONSOLE=(-chardev "stdio,id=con0,mux=on,logfile=$LOG,logappend=off"
             -mon chardev=con0,mode=readline)
elif [ "$QUIET" = 1 ]; then
    CONSOLE=(-chardev "file,id=con0,path=$LOG"
             -monitor "unix:$TMPD/monitor,server=on,wait=off")
else
    # signal=off: a stray ^C byte on stdin must not kill QEMU; stdin is
    # /dev/null anyway in this mode.
    CONSOLE=(-chardev "stdio,id=con0,signal=off,logfile=$LOG,logappend=off"
             -monitor "unix:$TMPD/monitor,server=on,wait=off")
fi

# The IOMMU: VFIO in the guest gets real IOMMU domains. iommu=pt leaves
# devices that have no domain of their own (kernel drivers, uio_pci_generic)
# identity-mapped, so the userspace target's no-IOMMU path (--uio) runs in
# the same boot.
IOMMU_DEV=()
if [ "$IOMMU" = 1 ]; then
    IOMMU_DEV=(-device intel-iommu,intremap=on)
    APPEND_EXTRA=" intel_iommu=on iommu=pt$APPEND_EXTRA"
fi

CMDLINE="console=ttyS0 8250.nr_uarts=1 panic=-1 quiet$APPEND_EXTRA"

# One CPU, but room for two: QEMU before 8.1 (Debian 12 has 7.2) drops
# the guest's memory barriers from translated code when the machine can
# have only one CPU, although its I/O threads read and write the same
# rings (QEMU's commit c914d46d0a64 fixed it). Without them the driver's
# store of a ring index and its load of the device's event index pass
# each other: under make qemu-bench virtioblk saw completions in its used
# ring with no interrupt, and notifications the device never acted on.
SMP="1,maxcpus=2"

QEMU=(qemu-system-x86_64
      -machine "$MACHINE" "${ACCEL[@]}" -m "$MEM" -smp "$SMP"
      -nographic -nodefaults -no-reboot
      -kernel "$KERNEL" -initrd "$INITRD" -append "$CMDLINE"
      "${CONSOLE[@]}"
      "${IOMMU_DEV[@]}"
      # The devices under test before COM1 -- ORDER MATTERS for ISA serial
      # ports.  QEMU lists ISA devices in the ACPI DSDT newest-first; Linux's
      # 8250 PNP probe runs before the legacy 0x3f8 port is set up, and with
      # 8250.nr_uarts=1 the first PNP port found takes the only slot, ttyS0.
      # Create COM1 before another ISA port and that port becomes ttyS0: the
      # console silently moves to its FIFO and no end marker reaches $LOG.
      "${EXTRA_QEMU[@]}"
      -device isa-serial,iobase=0x3f8,irq=4,chardev=con0)

: > "$LOG"
# timeout(1): TERM after $TIMEOUT s, KILL 10 s later if QEMU ignores it.
if [ "$INTERACTIVE" = 1 ]; then
    # --foreground: stay in the terminal's process group so QEMU may read
    # the tty (otherwise it gets SIGTTIN and stops).  The explicit <&3 is
    # needed because bash gives background jobs stdin=/dev/null.
    exec 3<&0
    timeout --foreground -k 10 "$TIMEOUT" "${QEMU[@]}" <&3 3<&- &
else
    timeout -k 10 "$TIMEOUT" "${QEMU[@]}" </dev/null &
fi
QPID=$!

HRC=0
if [ -n "$HOST_CMD" ]; then
    DRVGEN_FIFO_DIR=$TMPD DRVGEN_QEMU_MONITOR=$TMPD/monitor DRVGEN_CONSOLE_LOG=$LOG \
        timeout -k 5 "$TIMEOUT" sh -c "$HOST_CMD" &
    HPID=$!
fi

QRC=0
wait "$QPID" || QRC=$?
QPID=
if [ -n "$HPID" ]; then
    # QEMU is gone (host readers of PREFIX.out now see EOF); give the host
    # side a moment to finish, then stop it.
    i=0
    while kill -0 "$HPID" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
    kill "$HPID" 2>/dev/null || true
    wait "$HPID" || HRC=$?
    HPID=
fi

# Last end marker wins; the console adds \r (ONLCR), strip it.
RC=$(tr -d '\r' < "$LOG" | sed -n 's/^DRVGEN-QEMU-EXIT \([0-9][0-9]*\)$/\1/p' | tail -n 1)

if [ "$QRC" = 124 ] || [ "$QRC" = 137 ]; then
    echo "run.sh: TIMEOUT after ${TIMEOUT}s, QEMU killed (log: $LOG)" >&2
    exit 124
fi
if [ -z "$RC" ]; then
    echo "run.sh: QEMU exited ($QRC) without DRVGEN-QEMU-EXIT marker (log: $LOG)" >&2
    exit 125
fi
if [ "$RC" = 0 ] && [ "$HRC" != 0 ]; then
    echo "run.sh: guest ok but host command failed ($HRC)" >&2
    exit "$HRC"
fi
[ "$RC" = 0 ] || echo "run.sh: guest exit status $RC (log: $LOG)" >&2
exit "$RC"
