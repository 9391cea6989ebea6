# SPDX-License-Identifier: MIT
# specs/e1000/qemu/test.sh - an Intel 82540EM (QEMU's e1000) on QEMU's
# user network under `make qemu-test` (targets/qemu/README.md): em serves
# net::nic, and net_check talks to the gateway through it; then Linux does,
# through a network interface on top (em0 from drvgen.ko's adapter on the
# kernel target, drvgen-tap's TAP interface on the userspace one): ping,
# and TCP both ways with the host (net_host.sh, through QEMU's forward of a
# host port to the guest's port 5001).
#
# The image has no Linux e1000 module unless a spec's MODULES lists it, so
# nothing but em claims the device. The link tests turn QEMU's link off and
# on through its monitor (guest_lib.sh's monitor, monitor_agent.sh).

MAC=52:54:00:12:34:56
GUEST_IP=10.0.2.15
GATEWAY=10.0.2.2
TCP_PORT=5001
TCP_BYTES=8388608             # each way, on each target
FLOOD=1024                    # frames at once, four times the receive ring
QEMU_ARGS="-netdev user,id=n0,hostfwd=tcp:127.0.0.1:0-:$TCP_PORT -device e1000,netdev=n0,mac=$MAC"
CLIENTS="net_check"
MODULES="tun"                 # for drvgen-tap
HOST="net_host.sh in:kmod/tcp out:kmod/tcp in:user/tcp out:user/tcp in:user/fault in:user/restart out:user/restart"

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

# ---- a network interface on top: the same checks on both targets ----

carrier_is() { [ "$(cat "/sys/class/net/$1/carrier" 2>/dev/null)" = "$2" ]; }
tcp_listening() { netstat -ltn 2>/dev/null | grep -q ":$TCP_PORT "; }
uptime_s() { cut -d' ' -f1 /proc/uptime; }

# pings COUNT: ping answers every one of COUNT echo requests to the gateway
pings() {
    ping -c "$1" -W 10 "$GATEWAY" > /tmp/ping.out 2>&1
    grep -q " $1 packets received" /tmp/ping.out
}

# tcp_in_start TAG BYTES: nc listens on the guest's port (tcp_listen:
# TCP_PID), and the host is asked for BYTES (tcp_ask, net_host.sh's PUT);
# tcp_in_end TAG BYTES waits for nc and tells the host what came and how
# long it took since the asking (GOT), which it judges
tcp_listen() {
    rm -f /tmp/tcp.in
    timeout "$GUARD" nc -l -p "$TCP_PORT" < /dev/null > /tmp/tcp.in &
    TCP_PID=$!
    wait_for 10 tcp_listening && return
    notok "nc listens on port $TCP_PORT"
    return 1
}
tcp_ask() {
    TCP_START=$(uptime_s)
    echo "DRVGEN-TCP-PUT $1 $2"
}
tcp_in_start() { tcp_listen && tcp_ask "$1" "$2"; }
tcp_in_end() {
    wait "$TCP_PID"
    rc=$?
    secs=$(awk -v a="$TCP_START" -v b="$(uptime_s)" 'BEGIN { printf "%.2f", b - a }')
    got=$(wc -c < /tmp/tcp.in)
    echo "DRVGEN-TCP-GOT $1 $got $(sha256sum /tmp/tcp.in | cut -d' ' -f1) $secs"
    check "$1: nc received $got bytes from the host (rc $rc; the host compares SHA-256)" \
        [ "$rc:$got" = "0:$2" ]
}

# tcp_out TAG BYTES: nc sends BYTES random bytes to the host (GET), which
# compares their SHA-256
tcp_out() {
    head -c "$2" /dev/urandom > /tmp/tcp.out
    timeout "$GUARD" nc -l -p "$TCP_PORT" < /tmp/tcp.out > /dev/null &
    out_pid=$!
    if ! wait_for 10 tcp_listening; then
        notok "$1: nc listens on port $TCP_PORT"
        kill "$out_pid"
        return 1
    fi
    echo "DRVGEN-TCP-GET $1 $2 $(sha256sum /tmp/tcp.out | cut -d' ' -f1)"
    wait "$out_pid"
    rc=$?
    check "$1: nc sent the host $2 bytes (rc $rc; the host compares SHA-256)" [ "$rc" = 0 ]
}

# net_if IF TCPTAG: the interface up at 10.0.2.15/24 with a carrier, ping
# answered, TCP_BYTES each way with the host; QEMU's link off and on reach
# its carrier
net_if() {
    check "$1 has the device's address" [ "$(cat "/sys/class/net/$1/address")" = "$MAC" ]
    check "$1 has the device's MTU, 1500" [ "$(cat "/sys/class/net/$1/mtu")" = 1500 ]
    check "ip link set $1 up" ip link set "$1" up
    check "ip addr add $GUEST_IP/24 dev $1" ip addr add "$GUEST_IP/24" dev "$1"
    check "$1 has a carrier" wait_for 10 carrier_is "$1" 1
    check "ping -c 3 $GATEWAY: three answers through $1" pings 3
    show_file ping /tmp/ping.out
    tcp_in_start "$2" "$TCP_BYTES" && tcp_in_end "$2" "$TCP_BYTES"
    tcp_out "$2" "$TCP_BYTES"
    monitor "set_link n0 off"
    check "set_link n0 off: $1 loses its carrier" wait_for 10 carrier_is "$1" 0
    check "ip link shows $1 NO-CARRIER" sh -c "ip link show $1 | grep -q NO-CARRIER"
    monitor "set_link n0 on"
    check "set_link n0 on: $1 has its carrier again" wait_for 10 carrier_is "$1" 1
    check "ping answered again" pings 1
}

# in_ioctl PID: PID sleeps in an ioctl (a call to a kernel module)
in_ioctl() { grep -q '^16 ' "/proc/$1/syscall"; }

# em_held INSTANCE: em0 comes up while a program's receive waits in the
# driver, so em0's receives are BUSY until the program's is answered (by
# the gateway's reply to an ARP request sent meanwhile); em0 tries again
# later, not at once (no storm of calls, no receive error counted)
em_held() {
    net_check --tag kmod/held --instance "$1" --mac "$MAC" --receive-one &
    held=$!
    check "a program waits in receive()" wait_for 10 in_ioctl "$held"
    check "ip link set em0 up meanwhile" ip link set em0 up
    check "an ARP request to the gateway goes out" \
        net_check --instance "$1" --mac "$MAC" --link-is up
    wait "$held"
    rc=$?
    check "the program's receive was answered (rc $rc)" [ "$rc" = 0 ]
    errors=$(cat /sys/class/net/em0/statistics/rx_errors)
    check "em0 counted no receive errors meanwhile ($errors)" [ "$errors" = 0 ]
}

spec_kmod() {
    TAG=kmod
    em_find
    section "kernel-module target: em.ko serves net::nic"
    check "the 82540EM is present (${NIC:-none})" [ -n "$NIC" ] || return
    check "Linux's e1000 is not loaded" sh -c "! grep -q '^e1000 ' /proc/modules"
    check "its DMA goes through the IOMMU's translation (domain type DMA)" iommu_domain "$NIC" DMA
    faults=$(dmar_faults)
    check "insmod em.ko" timeout "$GUARD" insmod kmod/em.ko || return
    check "its rings are at IOMMU-translated bus addresses: \"$(dmesg | grep -m1 'em: dma rings:')\"" \
        dma_translated em rings
    check "em.ko bound the 82540EM ($BDF)" [ "$(bound_driver "$NIC")" = em ]
    n=$(kmod_instance "$NIC" net::nic)
    node=$DEV_DIR/net::nic/$n
    check "$node is its character device" [ -n "$n" ] && [ -c "$node" ]
    irq=$(cat "$NIC/irq"); before=$(irq_count "$irq")
    run_client net_check --tag kmod/net --instance "$n" --mac "$MAC"
    TAG=kmod
    check_irqs "em.ko answered a waiting receive from the device's interrupt" "$irq" "$before" 1
    em_link kmod/link "$n"       # the ioctl transport carries no events to programs
    TAG=kmod/if
    section "kernel-module target: em0, drvgen.ko's network interface on net::nic $n"
    check "em0 is the 82540EM's ($BDF) network interface" \
        [ "$(basename "$(readlink /sys/class/net/em0/device)")" = "$BDF" ]
    em_held "$n"
    check "em0 asks the device for checksums and TCP segmentation: \"$(dmesg | grep -m1 'em0: .*offloads')\"" \
        sh -c "dmesg | grep -q 'em0: .*offloads: checksum tcp4 '"
    net_if em0 kmod/tcp
    TAG=kmod
    check "no IOMMU fault while em.ko served ($(($(dmar_faults) - faults)))" \
        [ "$(dmar_faults)" = "$faults" ]
    check "rmmod em, em0 up" timeout "$GUARD" rmmod em
    check "em0 is gone" [ ! -e /sys/class/net/em0 ]
    check "$node is gone" [ ! -e "$node" ]
    check "the 82540EM is unbound" [ ! -e "$NIC/driver" ]
    check "the 82540EM is passed through again (domain type identity)" iommu_domain "$NIC" identity
}

# ---- the userspace target's interface: drvgen-tap ----

# tap_start INSTANCE: drvgen-tap on net::nic INSTANCE; TAP_IF its interface
tap_start() {
    if [ ! -x bin/drvgen-tap ]; then
        notok "bin/drvgen-tap was not built (targets/user/build_bridges.sh)"
        return 1
    fi
    check "load_module tun" load_module tun
    drvgen-tap --instance "$1" > /tmp/tap.if 2> /tmp/tap.log &
    TAP_PID=$!
    if ! wait_for 30 test -s /tmp/tap.if; then
        notok "drvgen-tap --instance $1 made no interface"
        show_file drvgen-tap /tmp/tap.log
        return 1
    fi
    TAP_IF=$(cat /tmp/tap.if)
    ok "drvgen-tap --instance $1 (pid $TAP_PID) made $TAP_IF"
}

# tap_stop: SIGTERM; it exits 0, its interface goes, and it counted the
# frames the device refused
tap_stop() {
    kill -TERM "$TAP_PID"
    if wait_for "$GUARD" sh -c "! kill -0 $TAP_PID"; then
        wait "$TAP_PID"
        rc=$?
    else
        kill -KILL "$TAP_PID"
        rc=timeout
    fi
    check "drvgen-tap exits 0 on SIGTERM (rc $rc)" [ "$rc" = 0 ]
    check "$TAP_IF is gone with it" [ ! -e "/sys/class/net/$TAP_IF" ]
    refused=$(sed -n 's/.* \([0-9]*\) refused$/\1/p' /tmp/tap.log)
    cut=$(sed -n 's/.*(\([0-9]*\) of them read to be cut.*/\1/p' /tmp/tap.log)
    check "the interface asked the device for checksums and TCP segmentation" \
        grep -q "offloads: checksum tcp4" /tmp/tap.log
    check "the kernel handed it $cut long TCP segments for the device to cut" [ "${cut:-0}" -ge 1 ]
    received=$(sed -n 's/.* \([0-9]*\) received (in.*/\1/p' /tmp/tap.log)
    writes=$(sed -n 's/.* \([0-9]*\) writes).*/\1/p' /tmp/tap.log)
    check "it wrote the ${received:-?} frames it received in ${writes:-?} writes (TCP segments merged)" \
        [ "${writes:-0}" -ge 1 -a "${writes:-0}" -lt "${received:-0}" ]
    check "it counted $refused frames refused (the two oversize pings)" [ "${refused:-0}" -ge 2 ]
    show_file drvgen-tap /tmp/tap.log
}

# tap_oversize: frames longer than the device takes (the interface's MTU
# raised past the device's) are refused by the driver (RANGE) and dropped
# by the bridge, one by one; nothing else is harmed
tap_oversize() {
    check "ip link set $TAP_IF mtu 4000 (the device's stays 1500)" ip link set "$TAP_IF" mtu 4000
    check "ping -s 3000 (3042-byte frames) is not answered" sh -c "! ping -c 2 -W 2 -s 3000 $GATEWAY > /dev/null"
    check "the driver refused them (RANGE), the bridge says" \
        wait_for 10 grep -q "a frame of 3042 bytes refused: RANGE" /tmp/tap.log
    check "ip link set $TAP_IF mtu 1500" ip link set "$TAP_IF" mtu 1500
    check "ping answered as before" pings 1
}

# icmp_echo_replies: echo replies the guest's kernel has received
icmp_echo_replies() {
    awk '$1 == "Icmp:" { if (!col) { for (i = 2; i <= NF; i++) if ($i == "InEchoReps") col = i } else print $col }' \
        /proc/net/snmp
}
rx_dropped() { net_check --instance "$1" --mac "$MAC" --rx-dropped; }

# flood_accounted INSTANCE REPLIES DROPPED: every reply of the flood
# reached the interface (FLOOD_REPLIES since REPLIES) or the device counted
# it dropped (FLOOD_DROPPED since DROPPED)
flood_accounted() {
    FLOOD_REPLIES=$(($(icmp_echo_replies) - $2))
    FLOOD_DROPPED=$(($(rx_dropped "$1") - $3))
    [ $((FLOOD_REPLIES + FLOOD_DROPPED)) -ge "$FLOOD" ]
}

# tap_flood INSTANCE: FLOOD echo replies come while the bridge is stopped
# (SIGSTOP): more than its receive and the ring hold. Once it runs again
# each reaches the interface or is counted in rx_dropped, and it still works
tap_flood() {
    gw=$(ip neigh show "$GATEWAY" dev "$TAP_IF" | sed -n 's/.*lladdr \([0-9a-f:]*\).*/\1/p')
    if [ -z "$gw" ]; then
        notok "the flood: the gateway's link-layer address is not in the neighbour table"
        return
    fi
    replies=$(icmp_echo_replies)
    dropped=$(rx_dropped "$1")
    kill -STOP "$TAP_PID"
    run_client net_check --tag user/flood --instance "$1" --mac "$MAC" --flood "$FLOOD" --gateway "$gw"
    kill -CONT "$TAP_PID"
    TAG=user/if
    wait_for 60 flood_accounted "$1" "$replies" "$dropped" || flood_accounted "$1" "$replies" "$dropped"
    check "the flood of $FLOOD echo replies: $FLOOD_REPLIES reached $TAP_IF, $FLOOD_DROPPED were counted in rx_dropped" \
        [ $((FLOOD_REPLIES + FLOOD_DROPPED)) -ge "$FLOOD" ]
    check "ping answered after the flood" pings 3
}

# receive_queue: the bytes waiting in the guest's socket on TCP_PORT
receive_queue() {
    netstat -tn | awk -v p=":$TCP_PORT" '$4 ~ p "$" && $6 == "ESTABLISHED" { print $2; exit }'
}
data_waits() { [ "$(receive_queue)" -gt 0 ] 2>/dev/null; }

# tap_fault INSTANCE SERVER_PID LOG: the server killed during a TCP
# transfer (nc stopped until then, so the transfer gets only as far as its
# socket's buffer): the interface loses its carrier; a new server at the
# same instance, and the bridge reconnects, the transfer completes, and new
# ones do; SERVER_PID is the new server's
tap_fault() {
    tcp_listen || return
    kill -STOP "$TCP_PID"
    tcp_ask user/fault "$TCP_BYTES"
    check "the transfer is under way: bytes wait in nc's socket" wait_for 60 data_waits
    kill -KILL "$2"
    wait "$2"
    ok "kill -9 em-server (pid $2) during the transfer, $(receive_queue) of $TCP_BYTES bytes in"
    kill -CONT "$TCP_PID"
    check "$TAP_IF loses its carrier" wait_for 10 carrier_is "$TAP_IF" 0
    check_log drvgen-tap /tmp/tap.log "the server went away" "it saw the server go"
    start_server em "$3" --instance "$1" || return
    check "$TAP_IF has its carrier again: drvgen-tap reconnected" wait_for 30 carrier_is "$TAP_IF" 1
    check_log drvgen-tap /tmp/tap.log "the server is back after" "it says so"
    tcp_in_end user/fault "$TCP_BYTES"
    tcp_in_start user/restart "$TCP_BYTES" && tcp_in_end user/restart "$TCP_BYTES"
    tcp_out user/restart "$TCP_BYTES"
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
    TAG=user/if
    section "userspace-server target: drvgen-tap's network interface on net::nic $n"
    if tap_start "$n"; then
        net_if "$TAP_IF" user/tcp
        tap_oversize
        tap_flood "$n"
        section "userspace-server target: em-server killed under drvgen-tap, and started again"
        show_file em-server "$log"
        tap_fault "$n" "$pid" /tmp/em-server-again.log
        pid=$SERVER_PID log=/tmp/em-server-again.log
        tap_stop
    fi
    TAG=user
    stop_server em "$pid"
    show_file em-server "$log"
    echo "$BDF" > /sys/bus/pci/drivers/vfio-pci/unbind 2>/dev/null
}
