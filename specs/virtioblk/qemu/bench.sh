# SPDX-License-Identifier: MIT
# specs/virtioblk/qemu/bench.sh - `make qemu-bench` (targets/qemu/README.md):
# two identical virtio-blk-pci disks (modern, behind the IOMMU, 256 MiB
# images), one driven by Linux's virtio_blk, the other by virtioblk, and
# fio's workloads on each block device: sequential 1 MiB reads and writes
# (4 in flight), 4 KiB random reads one at a time and 32 at once; direct
# I/O (no page cache), libaio. Runs interleave: in-tree, drvgen, in-tree,
# drvgen... RUNS times, and each ratio is the median of drvgen's runs over
# the median of the in-tree driver's in the same phase (higher is better):
# kmod is virtioblk.ko's blk-mq disk, user is virtioblk-server (VFIO)
# under drvgen-nbd's /dev/nbd0, user_uio the same server under
# uio_pci_generic (no IOMMU mapping per request).

DISKS="vblk-intree.img:256M vblk-drvgen.img:256M"
QEMU_ARGS="-drive file=@DISK@/vblk-intree.img,if=none,id=vbintree,format=raw
  -device virtio-blk-pci,drive=vbintree,disable-legacy=on,iommu_platform=on,serial=intree
  -drive file=@DISK@/vblk-drvgen.img,if=none,id=vbdrvgen,format=raw
  -device virtio-blk-pci,drive=vbdrvgen,disable-legacy=on,iommu_platform=on,serial=drvgen"
MODULES="virtio_pci virtio_blk nbd"
BINARIES="fio"

RUNS=3
SECONDS_EACH=3
# NAME RW BS DEPTH: fio's workloads, as the ratio lines name them
WORKLOADS="seq_write:write:1M:4 seq_read:read:1M:4 rand_read_qd1:randread:4k:1 rand_read_qd32:randread:4k:32"

# fio_figure DEV RW BS DEPTH: KiB/s for sequential work, IOPS for random,
# from fio's terse output (fields 7/8 read, 48/49 write); 0, and why on
# the console, when fio fails
fio_figure() {
    if ! out=$(fio --name=b --filename="$1" --rw="$2" --bs="$3" --iodepth="$4" --direct=1 \
        --ioengine=libaio --time_based --runtime="$SECONDS_EACH" --ramp_time=1 \
        --minimal 2>/tmp/fio.err); then
        echo "# fio --rw=$2 --bs=$3 --iodepth=$4 on $1 failed: $(head -c 300 /tmp/fio.err | tr '\n' ' ')" >&2
        echo 0
        return
    fi
    case $2 in
        read) echo "$out" | awk -F';' '{ print $7 }' ;;
        write) echo "$out" | awk -F';' '{ print $48 }' ;;
        *) echo "$out" | awk -F';' '{ print $8 }' ;;
    esac
}

# phase TARGET INTREE_DEV DRVGEN_DEV: every workload RUNS times on each,
# interleaved, and a ratio per workload
phase() {
    target=$1 intree=$2 drvgen=$3
    for w in $WORKLOADS; do
        name=${w%%:*} w=${w#*:}
        rw=${w%%:*} w=${w#*:}
        bs=${w%%:*} depth=${w#*:}
        ours="" theirs=""
        i=0
        while [ $i -lt $RUNS ]; do
            theirs="$theirs $(fio_figure "$intree" "$rw" "$bs" "$depth")"
            ours="$ours $(fio_figure "$drvgen" "$rw" "$bs" "$depth")"
            i=$((i + 1))
        done
        echo "# blk_$name $target: in-tree runs:$theirs; drvgen runs:$ours"
        unit=KiB/s
        [ "$rw" = randread ] && unit=IOPS
        # shellcheck disable=SC2086  # the runs are words
        bench_ratio "blk_$name" "$target" "$(median $ours)" "$(median $theirs)" "$unit"
    done
}

spec_bench() {
    TAG=bench
    INTREE=$(pci_sysfs 0x1af4 0x1042 1)
    DRVGEN=$(pci_sysfs 0x1af4 0x1042 2)
    check "two virtio-blk devices (${INTREE:-none}, ${DRVGEN:-none})" \
        [ -n "$INTREE" -a -n "$DRVGEN" ] || return
    # the second device is drvgen's, whichever driver loads first
    echo virtioblk > "$DRVGEN/driver_override"
    check "load_module virtio_pci" load_module virtio_pci || return
    check "load_module virtio_blk" load_module virtio_blk || return
    intree_disk=$(ls "$INTREE"/virtio*/block 2>/dev/null)
    check "virtio_blk's disk is /dev/$intree_disk" [ -n "$intree_disk" -a -b "/dev/$intree_disk" ] || return

    check "insmod virtioblk.ko" timeout "$GUARD" insmod kmod/virtioblk.ko || return
    drvgen_disk=$(ls "$DRVGEN/block" 2>/dev/null)
    check "virtioblk's disk is /dev/$drvgen_disk" [ -n "$drvgen_disk" -a -b "/dev/$drvgen_disk" ] || return
    phase kmod "/dev/$intree_disk" "/dev/$drvgen_disk"
    # what the driver logged (a reset, and where each ring was before it)
    dmesg | grep 'virtioblk' | tail -n 20 | sed 's/^/# /'
    check "rmmod virtioblk" timeout "$GUARD" rmmod virtioblk

    echo > "$DRVGEN/driver_override"
    # what moving the data through a socket costs in the guest, for the
    # userspace path: the kernel's NBD driver and drvgen-nbd copy each byte
    # in and out of the socket on its way, the kmod path never
    echo "# a guest pipe (one copy in, one out) moves $(pipe_rate)"
    check "load_module nbd" load_module nbd || return
    nbd_phase user 0
    # the same without the IOMMU (uio_pci_generic, pinned pages): what
    # VFIO's map and unmap of every request cost, told apart
    echo "$(basename "$DRVGEN")" > /sys/bus/pci/drivers/vfio-pci/unbind 2>/dev/null
    nbd_phase user_uio 1 --uio
}

# pipe_rate: MiB/s through a pipe, by /proc/uptime's clock
pipe_rate() {
    t0=$(cut -d' ' -f1 /proc/uptime)
    dd if=/dev/zero bs=1M count=256 2>/dev/null | dd of=/dev/null bs=1M 2>/dev/null
    t1=$(cut -d' ' -f1 /proc/uptime)
    awk -v a="$t0" -v b="$t1" 'BEGIN { s = b - a; if (s < 0.01) s = 0.01
        printf "%.0f MiB/s (256 MiB in %.2f s)", 256 / s, s }'
}

# nbd_phase TARGET NBD [SERVER ARGS]: virtioblk-server and drvgen-nbd's
# /dev/nbdNBD on the second disk against the in-tree one (a device of its
# own each time: the last one's disconnect may not be over)
nbd_phase() {
    target=$1 nbd_index=$2
    shift 2
    TAG=bench
    start_server virtioblk /tmp/vblk-bench.log --device "$(basename "$DRVGEN")" "$@" || return
    pid=$SERVER_PID
    n=$(server_instance /tmp/vblk-bench.log blk::device)
    nbd_log=/tmp/nbd$nbd_index.log
    bin/drvgen-nbd --instance "$n" --nbd "$nbd_index" > /tmp/nbd.dev 2> "$nbd_log" &
    nbd=$!
    if check "drvgen-nbd made /dev/nbd$nbd_index" wait_for "$GUARD" grep -qx "/dev/nbd$nbd_index" /tmp/nbd.dev
    then
        phase "$target" "/dev/$intree_disk" "/dev/nbd$nbd_index"
    fi
    kill -TERM "$nbd"
    wait "$nbd"
    show_file drvgen-nbd "$nbd_log"
    show_file virtioblk-server /tmp/vblk-bench.log
    stop_server virtioblk "$pid"
}
