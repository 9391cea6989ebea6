# SPDX-License-Identifier: MIT
# specs/pciserial/qemu/test.sh - QEMU's pci-serial (a 16550 behind a PCI I/O
# BAR) under `make qemu-test` (targets/qemu/README.md): the driver finds its
# ports in the BAR, wherever the firmware put it, and reads by interrupt.
# The host side (serial_host.sh) answers on the port's FIFO.

QEMU_ARGS="-chardev pipe,id=pciser,path=@FIFO@/pciser -device pci-serial,chardev=pciser"
FIFOS="pciser"
CLIENTS="serial_echo serial_block"
HOST="serial_host.sh pciser kmod user user-uio"

pciserial_find() {            # DEV: the device's sysfs dir; BDF: its address; PORT: its I/O BAR
    DEV=$(pci_sysfs 0x1b36 0x0002)
    BDF=$(basename "${DEV:-none}")
    PORT=$(awk 'NR == 1 { print $1 }' "$DEV/resource" 2>/dev/null)
}

# Linux's own 8250_pci ("serial") takes the device at boot: insmod must
# fail, saying which driver holds it; once it lets go, insmod succeeds.
owned_elsewhere() {
    holder=$(bound_driver "$DEV")
    check "the kernel's own driver holds $BDF at boot (${holder:-none})" [ -n "$holder" ] || return 0
    before=$(dmesg | wc -l)
    if timeout "$GUARD" insmod kmod/pciserial.ko 2>/tmp/insmod.err; then
        notok "insmod pciserial.ko succeeded while $holder holds its only device"
        rmmod pciserial
    else
        ok "insmod pciserial.ko fails while $holder holds its only device: $(cat /tmp/insmod.err)"
    fi
    dmesg | tail -n +$((before + 1)) > /tmp/dmesg.new
    check_log pciserial.ko /tmp/dmesg.new "not driving $BDF: it is bound to $holder" \
        "the kernel log names the driver holding the device"
    echo "$BDF" > "/sys/bus/pci/drivers/$holder/unbind"
    check "$holder let go of $BDF" [ -z "$(bound_driver "$DEV")" ]
}

spec_kmod() {
    TAG=kmod
    pciserial_find
    section "kernel-module target: pciserial.ko serves dev::serial on pci-serial"
    check "the pci-serial device is present (${DEV:-none}), its I/O BAR at ${PORT:-none}" \
        [ -n "$DEV" ] && [ -n "$PORT" ] || return
    owned_elsewhere
    check "insmod pciserial.ko" timeout "$GUARD" insmod kmod/pciserial.ko || return
    check "pciserial.ko bound $BDF" [ "$(bound_driver "$DEV")" = pciserial ]
    n=$(kmod_instance "$DEV" dev::serial)
    node=$DEV_DIR/dev::serial/$n
    check "$node is its character device" [ -n "$n" ] && [ -c "$node" ]
    first=$(printf '%04x' $((PORT)))
    check "pciserial.ko holds the 8 ports of the BAR, from $first" \
        grep -q "$first-[0-9a-f]* : pciserial" /proc/ioports
    irq=$(cat "$DEV/irq"); before=$(irq_count "$irq")
    run_client serial_echo --tag kmod/pciserial --instance "$n" --port "$PORT" \
        --marker "DRVGEN-SERIAL-READY kmod"
    TAG=kmod
    check_irqs "pciserial.ko received the host's line by interrupt" "$irq" "$before" 1
    run_client serial_block --tag kmod/pciserial --instance "$n" --client-kill
    TAG=kmod
    check "rmmod pciserial" timeout "$GUARD" rmmod pciserial
    check "$node is gone" [ ! -e "$node" ]
}

# pciserial_user TAG LOG [ARGS]: a server, the echo, its sandbox, stopped
pciserial_user() {
    tag=$1 log=$2
    shift 2
    start_server pciserial "$log" "$@" || return 1
    pid=$SERVER_PID
    n=$(server_instance "$log" dev::serial)
    check_log pciserial-server "$log" "ports uart: 0x[0-9a-f]*-0x[0-9a-f]* granted \\(from the I/O BAR\\)" \
        "its ports are the BAR's"
    irq=$(cat "$DEV/irq"); before=$(irq_count "$irq")
    run_client serial_echo --tag "user/pciserial" --instance "$n" --port "$PORT" \
        --marker "DRVGEN-SERIAL-READY $tag"
    TAG=user
    check_irqs "pciserial-server $* received the host's line by interrupt" "$irq" "$before" 1
    check_sandbox pciserial "$pid" "$log"
    stop_server pciserial "$pid"
    show_file pciserial-server "$log"
}

spec_user() {
    TAG=user
    pciserial_find
    section "userspace-server target: pciserial-server through VFIO"
    [ -n "$DEV" ] || { notok "no pci-serial device"; return; }
    if pciserial_user user /tmp/pciserial-vfio.log; then
        check_log pciserial-server /tmp/pciserial-vfio.log "INTx via VFIO" "its interrupt is an eventfd of VFIO's"
    fi
    echo "$BDF" > /sys/bus/pci/drivers/vfio-pci/unbind 2>/dev/null

    section "userspace-server target: pciserial-server --uio"
    pciserial_user user-uio /tmp/pciserial-uio.log --uio
    echo "$BDF" > /sys/bus/pci/drivers/uio_pci_generic/unbind 2>/dev/null
}
