# SPDX-License-Identifier: MIT
# guest_lib.sh - what the guest side of the QEMU tests shares (busybox ash):
# sourced by guest_run.sh before every spec's qemu/test.sh, so a spec's
# spec_kmod and spec_user use these (targets/qemu/README.md).
#
# Every check prints "ok N TAG: ..." or "not ok N TAG: ..."; clients print
# their own. No sleeps as synchronisation: the scripts and clients hand over
# through FIFOs; the only waits are bounded polls for a condition (a
# server's "serving" log line, a process exit), and every step has a guard
# timeout so a hang becomes a failure, not a stuck run.

RUN_DIR=${DRVGEN_RUN_DIR:-/run/drvgen}
DEV_DIR=${DRVGEN_DEV_DIR:-/dev/drvgen}
GUARD=120                     # seconds, for any one step that could hang

N=${N:-0}
TAG=guest
ok()    { N=$((N + 1)); echo "ok $N $TAG: $*"; }
notok() { N=$((N + 1)); echo "not ok $N $TAG: $*"; }
check() {                     # check DESCRIPTION CMD...: ok iff CMD succeeds; 1 if not
    d=$1; shift
    if "$@"; then ok "$d"; else notok "$d"; return 1; fi
}
section() { echo; echo "#### $*"; }
show_file() {                 # show_file PREFIX FILE: a log, indented
    [ -f "$2" ] && sed "s/^/#   $1: /" "$2"
}

# run_client CMD...: a client prints its own checks; this adds one line for
# how it ended, so a client that crashed without printing is a failure too.
run_client() {
    timeout $((GUARD + 30)) "$@"
    rc=$?
    if [ $rc = 0 ]; then ok "$* passed"; else notok "$* exited $rc"; fi
    return $rc
}

# ---- the machine ----------------------------------------------------------

pci_sysfs() {                 # pci_sysfs VENDOR DEVICE [N]: the Nth (from 1) such device's sysfs dir
    k=0
    for d in /sys/bus/pci/devices/*; do
        if [ "$(cat "$d/vendor")" = "$1" ] && [ "$(cat "$d/device")" = "$2" ]; then
            k=$((k + 1))
            if [ "$k" = "${3:-1}" ]; then echo "$d"; return 0; fi
        fi
    done
    return 1
}

bound_driver() {              # bound_driver SYSFS_DIR: the driver's name, or nothing
    [ -e "$1/driver" ] && basename "$(readlink "$1/driver")"
}

irq_count() {                 # irq_count LINE: interrupts taken on it so far
    awk -v n="$1:" '$1 == n { s = 0; for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) s += $i; print s; f = 1 }
                    END { if (!f) print 0 }' /proc/interrupts
}

irq_name() {                  # irq_name LINE: who holds it (the last column)
    awk -v n="$1:" '$1 == n { print $NF }' /proc/interrupts
}

irq_is_msi() {                # irq_is_msi LINE: it is a message-signalled vector
    grep -q "^ *$1:.*-MSI" /proc/interrupts
}

# irq_total NAME: interrupts taken on every line or vector whose holder is NAME
irq_total() {
    awk -v n="$1" '$NF == n { for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) s += $i } END { print s + 0 }' \
        /proc/interrupts
}

# check_irqs WHAT LINE BEFORE MIN: the interrupt count of LINE rose by MIN
check_irqs() {
    after=$(irq_count "$2")
    if [ $((after - $3)) -ge "$4" ]; then
        ok "$1: IRQ $2 ($(irq_name "$2")) taken $((after - $3)) times (at least $4)"
    else
        notok "$1: IRQ $2 ($(irq_name "$2")) taken $((after - $3)) times, expected at least $4"
    fi
}

KLOG_SEEN=${KLOG_SEEN:-0}
check_kernel_log() {          # check_kernel_log WHEN: no oops/warning since last time
    dmesg > /tmp/dmesg.now
    total=$(wc -l < /tmp/dmesg.now)
    tail -n +$((KLOG_SEEN + 1)) /tmp/dmesg.now |
        grep -E 'BUG|Oops|WARNING|Call Trace|nobody cared|general protection|refcount_t|list_(add|del) corruption|DMAR: DRHD: handling fault' \
        > /tmp/dmesg.bad
    KLOG_SEEN=$total
    if [ -s /tmp/dmesg.bad ]; then
        notok "the kernel log stayed clean $1"
        show_file dmesg /tmp/dmesg.bad
    else
        ok "the kernel log stayed clean $1"
    fi
}

module_loaded() { grep -q "^$1 " /proc/modules; }

# kmod_instance SYSFS_DIR INTERFACE: the instance number a kernel module
# published INTERFACE at for that device (its misc device's node name)
kmod_instance() {
    for m in "$1"/misc/*; do
        [ -e "$m/uevent" ] || continue
        node=$(sed -n 's/^DEVNAME=//p' "$m/uevent")
        case $node in "drvgen/$2/"*) echo "${node##*/}"; return 0 ;; esac
    done
    return 1
}

# ---- userspace servers -------------------------------------------------------

SERVER_PID=
# start_server NAME LOG [ARGS...]: starts bin/NAME-server, waits until it
# logs that it serves (bounded), sets SERVER_PID. 1 if it died or never got
# there.
start_server() {
    SERVER_PID=
    name=$1 log=$2
    shift 2
    if [ ! -x "bin/$name-server" ]; then
        notok "start $name-server: bin/$name-server was not built (targets/user/build.sh)"
        return 1
    fi
    : > "$log"                # there before the first grep below
    "bin/$name-server" "$@" 2> "$log" &
    SERVER_PID=$!
    i=0
    while ! grep -q 'serving' "$log" && kill -0 "$SERVER_PID" 2>/dev/null && [ $i -lt $((GUARD * 50)) ]; do
        usleep 20000; i=$((i + 1))
    done
    if grep -q 'serving' "$log" && kill -0 "$SERVER_PID" 2>/dev/null; then
        ok "start $name-server $* (pid $SERVER_PID): it logged that it serves"
        return 0
    fi
    notok "start $name-server $*: it did not get to serving (log below)"
    show_file "$name-server" "$log"
    return 1
}

# server_instance LOG INTERFACE: the instance a server published INTERFACE at
server_instance() {
    sed -n "s|.*published $2 at .*/$2/\([0-9]*\)\$|\1|p" "$1" | tail -n 1
}

# stop_server NAME PID: SIGTERM; it must exit 0 (its socket stays: the sandbox denies unlink).
stop_server() {
    [ -n "$2" ] || return 0
    kill -TERM "$2" 2>/dev/null
    i=0
    while kill -0 "$2" 2>/dev/null && [ $i -lt $((GUARD * 50)) ]; do usleep 20000; i=$((i + 1)); done
    if kill -0 "$2" 2>/dev/null; then
        notok "$1-server ignored SIGTERM for ${GUARD}s; killed"
        kill -KILL "$2"
        wait "$2"
        return
    fi
    wait "$2"
    rc=$?
    check "$1-server exits 0 on SIGTERM (rc $rc)" [ $rc = 0 ]
}

# iommu_domain DEVDIR TYPE: the default domain of the device's IOMMU group
# (/sys/kernel/iommu_groups/N/type), which may change only while no driver
# holds the device. The guest boots with iommu=pt, so kernel drivers and
# uio_pci_generic see physical addresses (the userspace target's --uio
# needs that); a kernel-target test sets "DMA" first, so that the driver's
# every DMA address goes through the IOMMU's translation, as on a machine
# without passthrough: an address it did not map faults in dmesg (DMAR),
# and the device never reaches it. "identity" gives passthrough back.
iommu_domain() {
    group=$(readlink "$1/iommu_group" 2>/dev/null) || return 1
    echo "$2" > "/sys/kernel/iommu_groups/$(basename "$group")/type" 2>/dev/null
    [ "$(cat "/sys/kernel/iommu_groups/$(basename "$group")/type")" = "$2" ]
}

# dma_translated DRIVER DMA: the kernel runtime logged DRIVER's coherent
# buffer DMA as given IOMMU-translated bus addresses
dma_translated() { dmesg | grep -q "$1: dma $2: .*IOMMU-translated"; }

# dmar_faults: the IOMMU faults the kernel has logged so far
dmar_faults() { dmesg | grep -c 'DMAR: \[DMA'; }

# check_sandbox NAME PID LOG: what the kernel says about the server process
status_field() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$2/status"; }
check_sandbox() {
    seccomp=$(status_field Seccomp "$2")
    check "$1-server sandbox: Seccomp: $seccomp (2 = filter)" [ "$seccomp" = 2 ]
    nnp=$(status_field NoNewPrivs "$2")
    check "$1-server sandbox: NoNewPrivs: $nnp" [ "$nnp" = 1 ]
    for cap in CapEff CapPrm CapInh CapBnd CapAmb; do
        v=$(status_field $cap "$2")
        check "$1-server sandbox: $cap: $v (no capabilities)" [ "$v" = 0000000000000000 ]
    done
    ids=$(awk '$1 == "Uid:" || $1 == "Gid:" { printf "%s ", $2 $3 $4 $5 }' "/proc/$2/status")
    check "$1-server sandbox: uid and gid 65534 (nobody): $ids" [ "$ids" = "65534655346553465534 65534655346553465534 " ]
    check "$1-server sandbox: its root is an empty file system of its own ($(ls -A "/proc/$2/root/" | wc -l) entries)" \
        [ -z "$(ls -A "/proc/$2/root/")" ]
    if grep -q 'sandbox: open denied' "$3"; then
        ok "$1-server: after init it cannot open a file: \"$(grep -m1 'sandbox: open denied' "$3")\""
    else
        notok "$1-server: no \"sandbox: open denied\" in its log"
    fi
}

# check_log NAME LOG PATTERN WHAT: the server's log has a line matching PATTERN
check_log() {
    if grep -q -E "$3" "$2"; then
        ok "$1: $4: \"$(grep -m1 -E "$3" "$2")\""
    else
        notok "$1: $4 (no line matching '$3' in its log)"
    fi
}

# load_module NAME: a module mkinitramfs.sh copied in (a spec's MODULES),
# with its dependencies, each loaded unless it is already
load_module() {
    [ -f "/etc/drvgen-mod/$1" ] || { echo "load_module: $1 is not in the image" >&2; return 1; }
    while read -r ko; do
        m=$(basename "$ko" .ko | tr - _)
        module_loaded "$m" || insmod "$ko" || return 1
    done < "/etc/drvgen-mod/$1"
}

# monitor COMMAND: asks the host to run COMMAND on QEMU's monitor
# (monitor_agent.sh); the caller then waits, bounded, for its effect
monitor() {
    echo "DRVGEN-MONITOR $*"
}

# wait_for SECONDS CMD...: polls CMD every 50 ms until it succeeds (0) or
# SECONDS pass (1)
wait_for() {
    limit=$(($1 * 20)); shift
    i=0
    while ! "$@" 2>/dev/null; do
        i=$((i + 1)); [ $i -ge "$limit" ] && return 1
        usleep 50000
    done
}

# ---- benchmarks (make qemu-bench) ----

median() {                    # median V...: the middle value (the lower of two)
    printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'
}

# bench_ratio NAME TARGET OURS BASELINE [UNIT [lower]]: NAME_ratio_TARGET =
# OURS / BASELINE (BASELINE / OURS for a figure where lower is better, a
# time), higher being better either way, and the figures behind it
bench_ratio() {
    awk -v n="$1" -v t="$2" -v a="$3" -v b="$4" -v u="${5:-}" -v lower="${6:-}" 'BEGIN {
        printf "# %s %s: drvgen %s, in-tree %s %s%s\n", n, t, a, b, u,
            lower ? " (lower is better: in-tree / drvgen)" : ""
        if (lower ? a > 0 : b > 0) printf "%s_ratio_%s: %.2f\n", n, t, lower ? b / a : a / b
        else printf "not ok %s_%s: no figure to divide by\n", n, t }'
}
