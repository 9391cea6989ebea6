# SPDX-License-Identifier: MIT
# specs/pcserial/qemu/test.sh - a 16550 on COM2 (port 0x2f8, IRQ 3) under
# `make qemu-test` (targets/qemu/README.md): pcserial, the Helios serial
# driver, on the ISA bus. The host side (serial_host.sh) answers on COM2.
#
# COM2 comes before the console's COM1 on QEMU's command line (run.sh puts
# spec devices first): QEMU lists ISA devices in the ACPI DSDT newest-first,
# and with 8250.nr_uarts=1 the first port Linux's PNP probe finds takes the
# only slot, ttyS0; were COM2 created after COM1 the console would move to
# the FIFO.

QEMU_ARGS="-chardev pipe,id=com2,path=@FIFO@/com2 -device isa-serial,iobase=0x2f8,irq=3,chardev=com2"
FIFOS="com2"
CLIENTS="serial_echo serial_block"
HOST="serial_host.sh com2 kmod user"

spec_kmod() {
    TAG=kmod
    section "kernel-module target: pcserial.ko serves dev::serial on COM2"
    check "insmod pcserial.ko" timeout "$GUARD" insmod kmod/pcserial.ko || return
    dev=/sys/bus/platform/devices/pcserial
    check "pcserial.ko made its platform device" [ -e "$dev" ]
    n=$(kmod_instance "$dev" dev::serial)
    node=$DEV_DIR/dev::serial/$n
    check "$node is its character device" [ -n "$n" ] && [ -c "$node" ]
    check "pcserial.ko holds ports 0x2f8-0x2ff" grep -q '02f8-02ff : pcserial' /proc/ioports
    before=$(irq_count 3)
    run_client serial_echo --tag kmod/serial --instance "$n" --port 0x2f8 --marker "DRVGEN-SERIAL-READY kmod"
    TAG=kmod
    check_irqs "pcserial.ko received the host's line by interrupt" 3 "$before" 1
    run_client serial_block --tag kmod/serial --instance "$n" --client-kill
    run_client serial_block --tag kmod/serial --instance "$n" --probe
    TAG=kmod
    check "rmmod pcserial (a killed reader's call still deferred in it)" timeout "$GUARD" rmmod pcserial
    check "$node is gone" [ ! -e "$node" ]
    check "ports 0x2f8-0x2ff are released" sh -c '! grep -q "02f8-02ff : pcserial" /proc/ioports'
}

spec_user() {
    TAG=user
    section "userspace-server target: pcserial-server serves dev::serial on COM2"
    check "insmod drv_uio_irq.ko line=3 (IRQ 3 for a userspace server)" \
        timeout "$GUARD" insmod kmod/drv_uio_irq.ko line=3 || return
    start_server pcserial /tmp/pcserial-server.log || return
    pid=$SERVER_PID
    n=$(server_instance /tmp/pcserial-server.log dev::serial)
    run_client serial_block --tag user/serial --instance "$n" --probe
    TAG=user
    check_sandbox pcserial "$pid" /tmp/pcserial-server.log

    # a reader killed while its read is parked in the server
    run_client serial_block --tag user/serial --instance "$n" --client-kill
    TAG=user
    check "pcserial-server survived the reader's death" kill -0 "$pid"

    # the server killed while a read is parked in it
    rm -f /tmp/block.r
    mkfifo /tmp/block.r
    serial_block --tag user/serial --instance "$n" --server-kill 3>/tmp/block.r &
    bpid=$!
    exec 7</tmp/block.r
    if read -r line <&7 && [ "$line" = blocked ]; then
        kill -KILL "$pid"
        wait "$pid"
        ok "kill -9 pcserial-server (pid $pid) while a read is blocked in it"
    else
        notok "the blocked reader never said it is blocked"
    fi
    exec 7<&-
    wait $bpid
    rc=$?
    TAG=user
    check "the client of the killed server got an error, not a hang (rc $rc)" [ $rc = 0 ]

    # restarted, it serves again (at the same instance: the dead one's
    # name is replaced): a new client, then the echo
    start_server pcserial /tmp/pcserial-server.2.log --instance "$n" || return
    pid=$SERVER_PID
    run_client serial_block --tag user/serial-restarted --instance "$n" --probe
    before=$(irq_count 3)
    run_client serial_echo --tag user/serial --instance "$n" --port 0x2f8 --marker "DRVGEN-SERIAL-READY user"
    TAG=user
    check_irqs "the restarted pcserial-server received the host's line by interrupt (uio)" 3 "$before" 1
    stop_server pcserial "$pid"
    for l in pcserial-server pcserial-server.2; do
        [ -f "/tmp/$l.log" ] && { echo "# $l log:"; show_file "$l" "/tmp/$l.log"; }
    done
    check "rmmod drv_uio_irq" timeout "$GUARD" rmmod drv_uio_irq
}
