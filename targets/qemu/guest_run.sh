#!/bin/sh
# SPDX-License-Identifier: MIT
# guest_run.sh - the guest side of `make qemu-test`, run as /stage/run
# (targets/qemu/e2e.sh stages it). Busybox ash.
#
# One boot, both targets, every spec staged: first the kernel-module
# target (drvgen.ko, then each spec's spec_kmod), then the userspace-server
# target (each spec's spec_user). A spec's part is its qemu/test.sh, staged
# as specs/<spec>.sh and run in a subshell of its own with this folder's
# lib.sh (targets/qemu/guest_lib.sh) loaded and bin/<spec> (its clients) on
# the PATH. targets/qemu/README.md says how to write one.
#
# Stage layout: bin/ (<driver>-server, <spec>/<client>), kmod/ (drvgen.ko,
# <driver>.ko, drv_uio_irq.ko), specs/<spec>.sh, lib.sh. Exit status: 0 iff
# no check failed.

cd /stage || exit 1
export PATH="/stage/bin:$PATH"
OUT=/tmp/drvgen-e2e.out
. ./lib.sh

# run_spec FILE PHASE: the spec's spec_PHASE, in a subshell so its
# functions and variables stay its own
run_spec() {
    spec=$(basename "$1" .sh)
    KLOG_SEEN=$(dmesg | wc -l)
    (
        SPEC=$spec
        PATH="/stage/bin/$spec:$PATH"
        . "$1"
        if command -v "spec_$2" >/dev/null 2>&1; then
            "spec_$2"
            check_kernel_log "($spec, $2)"
        else
            echo "# $spec: no spec_$2"
        fi
    )
}

# make qemu-bench: each spec's spec_bench (its qemu/bench.sh), drvgen.ko
# loaded first; a spec measures both targets against the in-tree driver
# and prints NAME_ratio_TARGET: X lines (guest_lib.sh's bench helpers)
bench() {
    echo "# drvgen QEMU benchmarks: kernel $(uname -r), $(nproc) CPU, $(awk '/MemTotal/ { print $2 }' /proc/meminfo) kB"
    TAG=bench
    check "insmod drvgen.ko" timeout "$GUARD" insmod kmod/drvgen.ko || return
    for s in specs/*.sh; do run_spec "$s" bench; done
}

main() {
    if [ "$(cat mode 2>/dev/null)" = bench ]; then
        bench
        return
    fi
    echo "# drvgen QEMU end-to-end tests: kernel $(uname -r), $(cat /proc/cmdline)"
    TAG=guest
    check_kernel_log "(boot)"
    echo "# specs: $(for s in specs/*.sh; do basename "$s" .sh; done | tr '\n' ' ')"

    section "kernel-module target: the runtime, drvgen.ko"
    TAG=kmod
    if [ -f kmod/drvgen.ko ] && check "insmod drvgen.ko" timeout "$GUARD" insmod kmod/drvgen.ko; then
        for s in specs/*.sh; do run_spec "$s" kmod; done
        TAG=kmod
        check "rmmod drvgen once every driver module is gone" timeout "$GUARD" rmmod drvgen
    else
        notok "kmod/drvgen.ko was not built or does not load (targets/kmod/build.sh --core)"
    fi

    for s in specs/*.sh; do run_spec "$s" user; done
    TAG=guest
    check_kernel_log "(the end)"
}

main 2>&1 | tee "$OUT"
pass=$(grep -c '^ok ' "$OUT")
fail=$(grep -c '^not ok ' "$OUT")
echo
echo "# guest summary: $pass ok, $fail not ok"
[ "$fail" = 0 ] && [ "$pass" -gt 0 ]
