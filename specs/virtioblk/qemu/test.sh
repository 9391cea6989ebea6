# SPDX-License-Identifier: MIT
# specs/virtioblk/qemu/test.sh - two of QEMU's virtio-blk-pci disks, modern
# only and behind the IOMMU, under `make qemu-test` (targets/qemu/README.md):
# a writable one and a read-only one, each backed by a 64 MiB image the host
# side makes empty. blk_check drives blk::device on each, and kills
# clients amid their requests; the disks on top, the blk-mq one drvgen.ko
# puts on every blk::device (runtime/kmod/kmod_blk.c) and drvgen-nbd's
# /dev/nbdN on the userspace target (runtime/user/bridge/nbd.c), carry an
# ext4 file system through a remount and e2fsck; the server is killed under
# the mounted file system and comes back with nothing lost, or fails its
# requests with EIO past the bridge's --hold and serves again. A third disk
# is resized from QEMU's monitor on each target: its configuration-change
# interrupt comes on its own MSI-X vector, and the blk-mq disk follows; it
# sits behind a PCIe port, where QEMU gives it a PM capability, and the
# userspace server puts it in D3hot when no client is connected. Last,
# the guest reads the whole writable disk, and vblk_image.sh (AFTER)
# compares that with the image file once QEMU is gone.

DISKS="virtioblk-rw.img:64M virtioblk-ro.img:64M virtioblk-rs.img:16M"
QEMU_ARGS="-drive file=@DISK@/virtioblk-rw.img,if=none,id=vblkrw,format=raw,discard=unmap
  -device virtio-blk-pci,drive=vblkrw,disable-legacy=on,iommu_platform=on,serial=drvgen-rw
  -drive file=@DISK@/virtioblk-ro.img,if=none,id=vblkro,format=raw,readonly=on
  -device virtio-blk-pci,drive=vblkro,disable-legacy=on,iommu_platform=on,serial=drvgen-ro
  -drive file=@DISK@/virtioblk-rs.img,if=none,id=vblkrs,format=raw
  -device pcie-root-port,id=vblk-port,chassis=2,slot=2
  -device virtio-blk-pci,drive=vblkrs,bus=vblk-port,disable-legacy=on,iommu_platform=on,serial=drvgen-rs"
CLIENTS="blk_check"
MODULES="ext4 crc32c_generic nbd"
AFTER="vblk_image.sh"
BINARIES="mke2fs e2fsck"

VBLK_SIZE=67108864

virtioblk_find() {            # RW, RO, RS: the devices' sysfs dirs, in QEMU's order
    RW=$(pci_sysfs 0x1af4 0x1042 1)
    RO=$(pci_sysfs 0x1af4 0x1042 2)
    RS=$(pci_sysfs 0x1af4 0x1042 3)
}

# vblk_resize WHAT MIB CMD...: resizes the resize disk to MIB MiB from
# QEMU's monitor and waits, bounded, for CMD (with the new size in 512-byte
# sectors as its last argument) to see it
vblk_resize() {
    what=$1 mib=$2
    shift 2
    monitor "block_resize vblkrs ${mib}M"
    check "$what" wait_for 20 "$@" $((mib * 2048))
}

# vblk_check TAG DEVDIR INSTANCE [ARGS]: blk_check on the writable (rw) or
# read-only (ro) disk
vblk_check() {
    tag=$1 dev=$2 n=$3
    shift 3
    if [ "$dev" = "$RW" ]; then
        run_client blk_check --tag "$tag" --instance "$n" --size $VBLK_SIZE --serial drvgen-rw "$@"
    else
        run_client blk_check --tag "$tag" --instance "$n" --size $VBLK_SIZE --serial drvgen-ro \
            --read-only "$@"
    fi
}

# ext4, and the crc32c it asks the crypto API for (nobody modprobes here)
fs_modules() {
    load_module crc32c_generic && load_module ext4
}

# fs_round_trip DISK: an ext4 file system on /dev/DISK, files written,
# synced, the file system mounted again, every file's SHA-256 the same,
# e2fsck clean
fs_round_trip() {
    dev=/dev/$1 mnt=/tmp/vblk-mnt
    check "ext4 and crc32c are loaded" fs_modules || return
    [ -e /etc/mtab ] || ln -s /proc/mounts /etc/mtab
    # e2fsprogs' (BINARIES, in /usr/bin), not busybox's applets
    check "mke2fs -t ext4 $dev" /usr/bin/mke2fs -q -F -t ext4 "$dev" || return
    mkdir -p "$mnt"
    check "mount $dev" mount -t ext4 "$dev" "$mnt" || return
    mkdir -p "$mnt/dir"
    dd if=/dev/urandom of="$mnt/big" bs=65536 count=128 2>/dev/null
    dd if=/dev/urandom of="$mnt/odd" bs=4097 count=3 2>/dev/null
    for i in 1 2 3 4 5 6 7 8; do
        dd if=/dev/urandom of="$mnt/dir/f$i" bs=1024 count=$((i * 7)) 2>/dev/null
    done
    (cd "$mnt" && sha256sum big odd dir/*) > /tmp/vblk.sums
    check "files written ($(wc -l < /tmp/vblk.sums) of them, $(du -sk "$mnt" | cut -f1) KiB)" \
        [ "$(wc -l < /tmp/vblk.sums)" = 10 ]
    check "sync" sync
    check "umount $dev" umount "$mnt" || return
    echo 3 > /proc/sys/vm/drop_caches  # what is read next comes from the disk
    check "mount $dev again" mount -t ext4 "$dev" "$mnt" || return
    check "every file's SHA-256 is the same after the remount" \
        sh -c "cd $mnt && sha256sum -c /tmp/vblk.sums >/dev/null"
    check "umount $dev again" umount "$mnt"
    check "e2fsck -fn $dev is clean" /usr/bin/e2fsck -fn "$dev"
}

spec_kmod() {
    TAG=kmod
    virtioblk_find
    section "kernel-module target: virtioblk.ko serves blk::device on two virtio-blk disks"
    check "two virtio-blk devices (${RW:-none}, ${RO:-none})" [ -n "$RW" -a -n "$RO" ] || return
    for d in "$RW" "$RO" "$RS"; do
        check "$(basename "$d")'s DMA goes through the IOMMU's translation (domain type DMA)" \
            iommu_domain "$d" DMA
    done
    faults=$(dmar_faults)
    check "insmod virtioblk.ko" timeout "$GUARD" insmod kmod/virtioblk.ko || return
    check "its rings are at IOMMU-translated bus addresses: \"$(dmesg | grep -m1 'virtioblk: dma rings:')\"" \
        dma_translated virtioblk rings
    for d in "$RW" "$RO"; do
        check "virtioblk.ko bound $(basename "$d")" [ "$(bound_driver "$d")" = virtioblk ]
    done
    nrw=$(kmod_instance "$RW" blk::device)
    nro=$(kmod_instance "$RO" blk::device)
    check "blk::device instances $nrw and $nro are character devices" \
        [ -n "$nrw" -a -n "$nro" -a -c "$DEV_DIR/blk::device/$nrw" -a -c "$DEV_DIR/blk::device/$nro" ]
    before=$(irq_total virtioblk0-queue)
    config_before=$(irq_total virtioblk0-config)
    vblk_check kmod/rw "$RW" "$nrw" --clients 32 --in-flight 1 --kill-clients
    vblk_check kmod/ro "$RO" "$nro"
    TAG=kmod
    check "virtioblk0's interrupts are two MSI-X vectors, config and queue" \
        sh -c "grep -q 'MSI.*virtioblk0-config' /proc/interrupts && grep -q 'MSI.*virtioblk0-queue' /proc/interrupts"
    check "the driver saw MSI-X on" sh -c "dmesg | grep -q 'virtioblk: interrupts by MSI-X'"
    after=$(irq_total virtioblk0-queue)
    check "virtioblk.ko answered from the queue's vector ($((after - before)) interrupts)" \
        [ $((after - before)) -gt 32 ]
    check "and none came on the configuration's ($(($(irq_total virtioblk0-config) - config_before)))" \
        [ "$(irq_total virtioblk0-config)" = "$config_before" ]
    kmod_resize

    section "kernel-module target: the blk-mq disks on top"
    disk=$(ls "$RW/block" 2>/dev/null) rodisk=$(ls "$RO/block" 2>/dev/null)
    check "/dev/$disk is the writable disk's block device" [ -n "$disk" -a -b "/dev/$disk" ] || return
    check "/dev/$disk has the image's 131072 sectors" [ "$(cat "/sys/block/$disk/size")" = 131072 ]
    check "/dev/$rodisk is read-only" [ -n "$rodisk" -a "$(cat "/sys/block/$rodisk/ro")" = 1 ]
    check "a write to /dev/$rodisk is refused" sh -c "! dd if=/dev/zero of=/dev/$rodisk bs=4096 count=1 2>/dev/null"
    fs_round_trip "$disk"

    check "no IOMMU fault while virtioblk.ko served ($(($(dmar_faults) - faults)))" \
        [ "$(dmar_faults)" = "$faults" ]
    check "rmmod virtioblk" timeout "$GUARD" rmmod virtioblk
    check "/dev/$disk and /dev/$rodisk are gone" [ ! -e "/dev/$disk" -a ! -e "/dev/$rodisk" ]
    check "the devices are unbound" [ ! -e "$RW/driver" -a ! -e "$RO/driver" ]
    for d in "$RW" "$RO" "$RS"; do   # --uio's pinned pages need passthrough
        check "$(basename "$d") is passed through again (domain type identity)" \
            iommu_domain "$d" identity
    done
}

# A configuration change on the kernel target: the resize disk's
# configuration vector fires, the driver tells its clients (media_changed),
# and the blk-mq disk takes the new size.
sectors_are() { [ "$(cat "$1")" = "$2" ]; }

# pm_state DEVDIR: the PowerState of the function's PCI PM capability
# (0 is D0, 3 D3hot), read from its configuration space; nothing without one
pci_byte() { od -An -tu1 -j "$2" -N1 "$1/config" | tr -d ' '; }
pm_state() {
    at=$(pci_byte "$1" 52) hops=0           # 0x34: the capability list
    while [ "${at:-0}" -ne 0 ] && [ $hops -lt 48 ]; do
        if [ "$(pci_byte "$1" "$at")" = 1 ]; then
            echo $(($(pci_byte "$1" $((at + 4))) & 3))
            return
        fi
        at=$(pci_byte "$1" $((at + 1))) hops=$((hops + 1))
    done
}
server_sized() { grep -q "the disk is now $2 blocks" "$1"; }
kmod_resize() {
    section "kernel-module target: a configuration change on its own vector"
    rsdisk=$(ls "$RS/block" 2>/dev/null)
    check "/dev/$rsdisk is the resize disk's block device" [ -n "$rsdisk" -a -b "/dev/$rsdisk" ] || return
    check "/dev/$rsdisk has the image's 32768 sectors" sectors_are "/sys/block/$rsdisk/size" 32768
    config=$(irq_total "$rsdisk-config")
    queue=$(irq_total "$rsdisk-queue")
    vblk_resize "block_resize: /dev/$rsdisk grew to 65536 sectors" 32 \
        sectors_are "/sys/block/$rsdisk/size" || dmesg | tail -5
    check "the change came on $rsdisk-config ($(($(irq_total "$rsdisk-config") - config)) interrupts)" \
        [ "$(irq_total "$rsdisk-config")" -gt "$config" ]
    check "and not on $rsdisk-queue" [ "$(irq_total "$rsdisk-queue")" = "$queue" ]
    check "the kernel log says the medium changed" \
        sh -c "dmesg | grep -q '$rsdisk: the medium changed: 65536 blocks'"
    # virtioblk's power section: idle 2 s; the disk is a kernel client
    sleep 3
    check "the blk-mq disk holds its device awake (runtime PM: $(cat "$RS/power/runtime_status"), PowerState D$(pm_state "$RS"))" \
        [ "$(cat "$RS/power/runtime_status")" = active -a "$(pm_state "$RS")" = 0 ]
}

# The same on the userspace target, through VFIO: each vector its own
# eventfd, so /proc/interrupts counts them apart; drvgen-nbd's disk follows.
user_resize() {
    section "userspace-server target: a configuration change on its own vector"
    bdf=$(basename "$RS")
    start_server virtioblk /tmp/vblk-rs.log --device "$bdf" || return
    pid=$SERVER_PID
    TAG=user
    check "load_module nbd" load_module nbd &&
        nbd_start "$(server_instance /tmp/vblk-rs.log blk::device)" 2 &&
        check "/dev/nbd2 has the disk's 65536 sectors" sectors_are /sys/block/nbd2/size 65536
    check_log virtioblk-server /tmp/vblk-rs.log 'irq config: MSI-X vector 0 via VFIO' \
        "its configuration interrupt is MSI-X vector 0"
    check_log virtioblk-server /tmp/vblk-rs.log 'irq queue: MSI-X vector 1 via VFIO' \
        "its queue's is MSI-X vector 1"
    config=$(irq_total "vfio-msix[0]($bdf)")
    queue=$(irq_total "vfio-msix[1]($bdf)")
    check "the serial number came on vector 1 ($queue interrupts)" [ "$queue" -gt 0 ]
    vblk_resize "block_resize: the server says the disk grew to 98304 blocks" 48 \
        server_sized /tmp/vblk-rs.log
    check "the change came on vector 0 ($(($(irq_total "vfio-msix[0]($bdf)") - config)) interrupts)" \
        [ "$(irq_total "vfio-msix[0]($bdf)")" -gt "$config" ]
    check "and /dev/nbd2 grew to 98304 sectors with it" wait_for 10 sectors_are /sys/block/nbd2/size 98304
    nbd_stop 2
    show_file drvgen-nbd /tmp/nbd2.log
    user_power "$(server_instance /tmp/vblk-rs.log blk::device)"
    stop_server virtioblk "$pid"
    show_file virtioblk-server /tmp/vblk-rs.log
    echo "$bdf" > /sys/bus/pci/drivers/vfio-pci/unbind 2>/dev/null
}

# user_power INSTANCE: with no client connected for 2 s the server runs
# virtioblk_suspend and writes D3hot to PMCSR; blk_check's connection wakes
# it (D0, virtioblk_resume bringing the device up again) and is served
user_power() {
    log=/tmp/vblk-rs.log
    check "with no client virtioblk_suspend ran" \
        wait_for 30 grep -q "virtioblk: instance $1 suspended" "$log"
    # the host writes PMCSR and logs it after the hook returns
    wait_for 30 grep -q 'power: asleep: D3hot' "$log"
    check_log virtioblk-server "$log" 'power: asleep: D3hot' "it put the device in D3hot"
    check "PMCSR read from configuration space shows D3hot (PowerState $(pm_state "$RS"))" \
        [ "$(pm_state "$RS")" = 3 ]
    run_client blk_check --tag user/rs-woken --instance "$1" --size $((48 << 20)) --serial drvgen-rs
    TAG=user
    check_log virtioblk-server "$log" 'power: awake: D0' "a client's connection woke it to D0"
    check_log virtioblk-server "$log" "virtioblk: instance $1 resumed" \
        "virtioblk_resume brought the device up again"
}

# vblk_user TAG DEVDIR LOG [SERVER ARGS]: a server for the device, its
# checks, its sandbox, stopped
vblk_user() {
    tag=$1 dev=$2 log=$3
    shift 3
    start_server virtioblk "$log" --device "$(basename "$dev")" "$@" || return 1
    pid=$SERVER_PID
    n=$(server_instance "$log" blk::device)
    vblk_check "$tag" "$dev" "$n" --clients 2 --in-flight 32 --kill-clients
    TAG=user
    check_sandbox virtioblk "$pid" "$log"
    stop_server virtioblk "$pid"
    show_file virtioblk-server "$log"
}

spec_user() {
    TAG=user
    virtioblk_find
    section "userspace-server target: virtioblk-server through VFIO"
    [ -n "$RW" -a -n "$RO" ] || { notok "no virtio-blk devices"; return; }
    for d in "$RW" "$RO"; do
        check "$(basename "$d") is in an IOMMU group" [ -e "$d/iommu_group" ]
    done
    if vblk_user user/rw "$RW" /tmp/vblk-rw.log; then
        TAG=user
        check_log virtioblk-server /tmp/vblk-rw.log 'VFIO, IOMMU group' "it serves through VFIO"
        check_log virtioblk-server /tmp/vblk-rw.log 'irq queue: MSI-X vector 1 via VFIO' \
            "its queue's interrupt is an MSI-X vector"
        check_log virtioblk-server /tmp/vblk-rw.log 'interrupts by MSI-X' \
            "the driver saw MSI-X on"
    fi
    vblk_user user/ro "$RO" /tmp/vblk-ro.log
    for d in "$RW" "$RO"; do
        echo "$(basename "$d")" > /sys/bus/pci/drivers/vfio-pci/unbind 2>/dev/null
    done
    user_resize

    section "userspace-server target: virtioblk-server --uio (INTx and the ISR, pinned pages)"
    TAG=user
    if vblk_user user/rw-uio "$RW" /tmp/vblk-uio.log --uio; then
        TAG=user
        check_log virtioblk-server /tmp/vblk-uio.log 'falling back to INTx' \
            "the runtime gave it the INTx line"
        check_log virtioblk-server /tmp/vblk-uio.log 'interrupts by INTx and the ISR' \
            "the driver read the ISR for its interrupts"
    fi
    echo "$(basename "$RW")" > /sys/bus/pci/drivers/uio_pci_generic/unbind 2>/dev/null

    nbd_tests
}

# ---- the userspace target's disk: drvgen-nbd ----

# nbd_start INSTANCE NBD [ARGS]: drvgen-nbd for blk::device INSTANCE on
# /dev/nbdNBD, its log /tmp/nbdNBD.log; NBD_PID
nbd_start() {
    inst=$1 nbd=$2
    shift 2
    if [ ! -x bin/drvgen-nbd ]; then
        notok "bin/drvgen-nbd was not built (targets/user/build_bridges.sh)"
        return 1
    fi
    rm -f "/tmp/nbd$nbd.dev"
    bin/drvgen-nbd --instance "$inst" --nbd "$nbd" "$@" > "/tmp/nbd$nbd.dev" 2> "/tmp/nbd$nbd.log" &
    NBD_PID=$!
    if ! wait_for "$GUARD" test -s "/tmp/nbd$nbd.dev"; then
        notok "drvgen-nbd --instance $inst --nbd $nbd $* made no device"
        show_file drvgen-nbd "/tmp/nbd$nbd.log"
        return 1
    fi
    check "drvgen-nbd --instance $inst $* (pid $NBD_PID) made $(cat "/tmp/nbd$nbd.dev")" \
        [ "$(cat "/tmp/nbd$nbd.dev")" = "/dev/nbd$nbd" ]
}

# nbd_stop NBD: SIGTERM; it exits 0 and the device is disconnected
nbd_stop() {
    kill -TERM "$NBD_PID"
    if wait_for "$GUARD" sh -c "! kill -0 $NBD_PID"; then
        wait "$NBD_PID"
        rc=$?
    else
        kill -KILL "$NBD_PID"
        rc=timeout
    fi
    check "drvgen-nbd exits 0 on SIGTERM (rc $rc)" [ "$rc" = 0 ]
    check "/dev/nbd$1 is disconnected (size 0)" [ "$(cat "/sys/block/nbd$1/size")" = 0 ]
    show_file drvgen-nbd "/tmp/nbd$1.log"
}

# nbd_server_killed N: the server killed (kill -9) under the mounted file
# system while a file is being written to it; a new server within the
# bridge's --hold: the write completes and nothing is lost
nbd_server_killed() {
    n=$1 dev=/dev/nbd0 mnt=/tmp/vblk-mnt
    check "mount $dev" mount -t ext4 "$dev" "$mnt" || return
    dd if=/dev/urandom of=/tmp/vblk-during bs=65536 count=64 2>/dev/null
    rm -f /tmp/vblk-dd.rc
    (dd if=/tmp/vblk-during of="$mnt/during" bs=65536 conv=fsync 2>/dev/null
     echo $? > /tmp/vblk-dd.rc) &
    ddpid=$!
    kill -KILL "$VBLK_PID"
    wait "$VBLK_PID"
    ok "kill -9 virtioblk-server (pid $VBLK_PID) under the mounted file system, a 4 MiB write going"
    check "drvgen-nbd noticed and holds the requests" \
        wait_for "$GUARD" grep -q "the server went away: holding" /tmp/nbd0.log
    start_server virtioblk /tmp/vblk-rw2.log --device "$(basename "$RW")" --instance "$n" || return
    VBLK_PID=$SERVER_PID
    check "drvgen-nbd made them again on the new server" \
        wait_for "$GUARD" grep -q "the server is back after" /tmp/nbd0.log
    wait "$ddpid"
    check "the write completed (dd exit status $(cat /tmp/vblk-dd.rc 2>/dev/null))" \
        [ "$(cat /tmp/vblk-dd.rc 2>/dev/null)" = 0 ]
    check "umount $dev" umount "$mnt"
    echo 3 > /proc/sys/vm/drop_caches
    check "mount $dev again" mount -t ext4 "$dev" "$mnt" || return
    check "the file written across the restart is whole (SHA-256)" \
        [ "$(sha256sum < "$mnt/during")" = "$(sha256sum < /tmp/vblk-during)" ]
    check "the files of before are whole" sh -c "cd $mnt && sha256sum -c /tmp/vblk.sums >/dev/null"
    check "umount $dev" umount "$mnt"
    # the server started while it was mounted: a copy of the mount in its
    # namespace would keep the file system alive (runtime/user/host/sandbox.c)
    check "the file system is gone everywhere (no /sys/fs/ext4/nbd0)" [ ! -e /sys/fs/ext4/nbd0 ]
    check "e2fsck -fn $dev is clean" /usr/bin/e2fsck -fn "$dev"
}

# nbd_past_hold N: with --hold 1, the server gone for longer: a read fails
# with EIO rather than hang; a new server, and the same read works
nbd_past_hold() {
    n=$1
    nbd_start "$n" 0 --hold 1 || return
    kill -KILL "$VBLK_PID"
    wait "$VBLK_PID"
    ok "kill -9 virtioblk-server (pid $VBLK_PID)"
    check "a read of /dev/nbd0 fails (EIO) once the server has been gone past --hold" \
        sh -c "! timeout $GUARD dd if=/dev/nbd0 of=/dev/null bs=4096 count=1 iflag=direct 2>/dev/null"
    start_server virtioblk /tmp/vblk-rw3.log --device "$(basename "$RW")" --instance "$n" || return
    VBLK_PID=$SERVER_PID
    check "the same read works once the server is back" \
        wait_for "$GUARD" dd if=/dev/nbd0 of=/dev/null bs=4096 count=1 iflag=direct
    nbd_stop 0
}

nbd_tests() {
    section "userspace-server target: drvgen-nbd, the disk on top (/dev/nbdN)"
    TAG=user
    check "load_module nbd" load_module nbd || return
    start_server virtioblk /tmp/vblk-nbd.log --device "$(basename "$RW")" || return
    VBLK_PID=$SERVER_PID
    n=$(server_instance /tmp/vblk-nbd.log blk::device)
    nbd_start "$n" 0 || return
    rw_nbd=$NBD_PID
    check "/dev/nbd0 has the image's 131072 sectors" [ "$(cat /sys/block/nbd0/size)" = 131072 ]
    fs_round_trip nbd0
    nbd_server_killed "$n"

    start_server virtioblk /tmp/vblk-ro-nbd.log --device "$(basename "$RO")"
    ro_pid=$SERVER_PID
    if nbd_start "$(server_instance /tmp/vblk-ro-nbd.log blk::device)" 1; then
        check "/dev/nbd1 is read-only" [ "$(cat /sys/block/nbd1/ro)" = 1 ]
        check "a write to /dev/nbd1 is refused" \
            sh -c "! dd if=/dev/zero of=/dev/nbd1 bs=4096 count=1 oflag=direct 2>/dev/null"
        nbd_stop 1
    fi
    stop_server virtioblk "$ro_pid"

    # the last look at the writable disk, through the drivers: the AFTER
    # command compares it with the image file
    echo 3 > /proc/sys/vm/drop_caches
    sum=$(dd if=/dev/nbd0 bs=1M iflag=direct 2>/dev/null | sha256sum | cut -d' ' -f1)
    echo "virtioblk-rw.img sha256: $sum"
    NBD_PID=$rw_nbd
    nbd_stop 0
    nbd_past_hold "$n"
    stop_server virtioblk "$VBLK_PID"
    show_file virtioblk-server /tmp/vblk-rw2.log
}
