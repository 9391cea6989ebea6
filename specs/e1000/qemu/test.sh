# SPDX-License-Identifier: MIT
# specs/e1000/qemu/test.sh - an Intel 82540EM (QEMU's e1000) on QEMU's
# user network under `make qemu-test` (targets/qemu/README.md): em serves
# net::nic, and net_check talks to the gateway through it.
#
# The image has no Linux e1000 module unless a spec's MODULES lists it, so
# nothing but em claims the device. The link tests turn QEMU's link off and
# on through its monitor (guest_lib.sh's monitor, monitor_agent.sh).

MAC=52:54:00:12:34:56
QEMU_ARGS="-netdev user,id=n0 -device e1000,netdev=n0,mac=$MAC"
CLIENTS="net_check"

em_find() {                   # NIC: the device's sysfs dir; BDF: its address
    NIC=$(pci_sysfs 0x8086 0x100e)
    BDF=$(basename "${NIC:-none}")
}

# em_link TAG INSTANCE [events]: QEMU's link off, then on; the driver sees
# both (link(), send), traffic flows again, and with `events` a client
# subscribed to link_changed hears both
em_link() {
    if [ "${3:-}" = events ]; then
        rm -f /tmp/em-events
        mkfifo /tmp/em-events
        net_check --tag "$1" --instance "$2" --mac "$MAC" --watch-events 3>/tmp/em-events &
        wpid=$!
        exec 5</tmp/em-events
        read -r line <&5 || notok "the link_changed watcher never got ready"
    fi
    monitor "set_link n0 off"
    check "the driver sees QEMU's link go down (set_link n0 off)" \
        wait_for 10 net_check --instance "$2" --mac "$MAC" --link-is down
    run_client net_check --tag "$1" --instance "$2" --mac "$MAC" --link-down
    monitor "set_link n0 on"
    check "the driver sees QEMU's link come back (set_link n0 on, auto-negotiation)" \
        wait_for 10 net_check --instance "$2" --mac "$MAC" --link-is up
    run_client net_check --tag "$1" --instance "$2" --mac "$MAC" --link-up
    if [ "${3:-}" = events ]; then
        wait "$wpid"
        rc=$?
        exec 5<&-
        check "the link_changed watcher passed (rc $rc)" [ $rc = 0 ]
    fi
}

spec_kmod() {
    TAG=kmod
    em_find
    section "kernel-module target: em.ko serves net::nic"
    check "the 82540EM is present (${NIC:-none})" [ -n "$NIC" ] || return
    check "Linux's e1000 is not loaded" sh -c "! grep -q '^e1000 ' /proc/modules"
    check "insmod em.ko" timeout "$GUARD" insmod kmod/em.ko || return
    check "em.ko bound the 82540EM ($BDF)" [ "$(bound_driver "$NIC")" = em ]
    n=$(kmod_instance "$NIC" net::nic)
    node=$DEV_DIR/net::nic/$n
    check "$node is its character device" [ -n "$n" ] && [ -c "$node" ]
    irq=$(cat "$NIC/irq"); before=$(irq_count "$irq")
    run_client net_check --tag kmod/net --instance "$n" --mac "$MAC"
    TAG=kmod
    check_irqs "em.ko answered a waiting receive from the device's interrupt" "$irq" "$before" 1
    em_link kmod/link "$n"       # the kernel transport carries no events
    TAG=kmod
    check "rmmod em" timeout "$GUARD" rmmod em
    check "$node is gone" [ ! -e "$node" ]
    check "the 82540EM is unbound" [ ! -e "$NIC/driver" ]
}

spec_user() {
    TAG=user
    em_find
    section "userspace-server target: em-server serves net::nic through VFIO"
    check "the 82540EM is present (${NIC:-none})" [ -n "$NIC" ] || return
    check "no kernel module around" sh -c "! grep -q '^em ' /proc/modules"
    check "$BDF is in an IOMMU group (the guest booted with intel_iommu=on)" [ -e "$NIC/iommu_group" ]
    log=/tmp/em-server.log
    start_server em "$log" || return
    pid=$SERVER_PID
    n=$(server_instance "$log" net::nic)
    check "$RUN_DIR/net::nic/$n is its socket" [ -S "$RUN_DIR/net::nic/$n" ]
    check "em-server bound the 82540EM to vfio-pci" [ "$(bound_driver "$NIC")" = vfio-pci ]
    check_log em-server "$log" 'VFIO, IOMMU group' "it serves through VFIO"
    check_log em-server "$log" 'dma rings: .* IOMMU-mapped' "its rings are IOMMU-mapped"
    check_log em-server "$log" "em: 82540EM $MAC" "it read the address from the EEPROM"
    irq=$(cat "$NIC/irq"); before=$(irq_count "$irq")
    run_client net_check --tag user/net --instance "$n" --mac "$MAC"
    TAG=user
    check_irqs "em-server answered a waiting receive from the device's interrupt" "$irq" "$before" 1
    em_link user/link "$n" events
    TAG=user
    check_sandbox em "$pid" "$log"
    stop_server em "$pid"
    show_file em-server "$log"
    echo "$BDF" > /sys/bus/pci/drivers/vfio-pci/unbind 2>/dev/null
}
