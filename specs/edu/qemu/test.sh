# SPDX-License-Identifier: MIT
# specs/edu/qemu/test.sh - QEMU's edu device under `make qemu-test`
# (targets/qemu/README.md): sourced by the host side for QEMU_ARGS and
# CLIENTS, and in the guest for spec_kmod and spec_user.

# edu on the root complex, and an empty PCIe root port the tests plug a
# second edu into (device_add edu,bus=edu-port on the monitor). The port's
# hot-plug is native PCIe (pciehp), not q35's ACPI hot-plug, which stops
# working after the suspend to RAM of the kernel-module tests.
QEMU_ARGS="-device edu -device pcie-root-port,id=edu-port,chassis=1,slot=1
    -global ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off"
CLIENTS="edu_check edu_unplug edu_pm"
# edu-server with an entry point of its own: a deliberately compromised
# server that tries to escape its sandbox (qemu/edu_escape.c)
TEST_SERVERS="edu_escape"

edu_find() {                  # EDU: the device's sysfs dir; BDF: its address
    EDU=$(pci_sysfs 0x1234 0x11e8)
    BDF=$(basename "${EDU:-none}")
}

# edu_holder TAG NODE: rmmod is refused while a client holds NODE open, and
# the client's connection still works afterwards
edu_holder() {
    rm -f /tmp/hold.r /tmp/hold.g
    mkfifo /tmp/hold.r /tmp/hold.g
    edu_check --tag kmod/holder --instance "$2" --hold 3>/tmp/hold.r </tmp/hold.g &
    hpid=$!
    exec 5</tmp/hold.r 6>/tmp/hold.g
    if read -r line <&5 && [ "$line" = held ]; then
        if timeout "$GUARD" rmmod edu 2>/tmp/rmmod.err; then
            notok "rmmod edu while a client holds $1 open: it unloaded under the client"
        else
            ok "rmmod edu while a client holds the device open is refused: $(cat /tmp/rmmod.err)"
        fi
        check "edu is still loaded" module_loaded edu
        check "$1 is still there" [ -c "$1" ]
    else
        notok "the holder never said it holds the device"
    fi
    exec 6>&-                 # releases the holder: it calls again, then exits
    wait $hpid
    rc=$?
    exec 5<&-
    check "the holder's connection still worked after the refused rmmod (rc $rc)" [ $rc = 0 ]
}

is_bound() {                  # is_bound SYSFS_DIR DRIVER
    [ "$(bound_driver "$1")" = "$2" ]
}
is_gone() { [ ! -e "$1" ]; }

# edu_plug: device_add a second edu into the root port; PLUGGED: its sysfs
# dir once it is there (the root complex's edu sorts first)
edu_plug() {
    PLUGGED=
    monitor "device_add edu,id=edu-plugged,bus=edu-port"
    if wait_for 60 pci_sysfs 0x1234 0x11e8 2; then
        PLUGGED=$(pci_sysfs 0x1234 0x11e8 2)
        ok "device_add: a second edu appeared at $(basename "$PLUGGED")"
    else
        notok "device_add: no second edu appeared within 60 s"
        return 1
    fi
}

# edu_unplug_deferred TAG INSTANCE: device_del the plugged edu while calls
# on INSTANCE are deferred in it (edu_unplug.c); waits for it to go
edu_unplug_deferred() {
    rm -f /tmp/unplug.r
    mkfifo /tmp/unplug.r
    edu_unplug --tag "$1" --instance "$2" --config "$PLUGGED/config" 3>/tmp/unplug.r &
    upid=$!
    exec 5</tmp/unplug.r
    if read -r line <&5 && [ "$line" = deferred ]; then
        monitor "device_del edu-plugged"
    else
        notok "edu_unplug never said its calls are deferred: the device stays"
    fi
    wait $upid
    rc=$?
    exec 5<&-
    check "edu_unplug: every call in flight came back when the device went (rc $rc)" [ $rc = 0 ]
    check "device_del: the plugged edu is gone from the bus" wait_for 60 is_gone "$PLUGGED"
}

# edu_hotplug_kmod N: with edu.ko serving instance N, a second edu is
# plugged (edu.ko probes it: a new instance a client opens), unplugged with
# calls deferred in it, and instance N serves on
edu_hotplug_kmod() {
    section "kernel-module target: a second edu plugged in and out behind a PCIe root port"
    edu_plug || return
    check "edu.ko probed the plugged edu" wait_for 30 is_bound "$PLUGGED" edu
    m=$(kmod_instance "$PLUGGED" edu::device)
    check "the plugged edu is a new instance ($m; the first is $1)" test -n "$m" -a "$m" != "$1"
    check "$DEV_DIR/edu::device/$m is its character device" [ -c "$DEV_DIR/edu::device/$m" ]
    run_client edu_check --tag kmod/edu-plugged --instance "$m"
    edu_unplug_deferred kmod/edu-unplug "$m"
    TAG=kmod
    check "$DEV_DIR/edu::device/$m is gone" [ ! -e "$DEV_DIR/edu::device/$m" ]
    check "edu.ko still serves instance $1: $DEV_DIR/edu::device/$1 is there" [ -c "$DEV_DIR/edu::device/$1" ]
    run_client edu_check --tag kmod/edu-after --instance "$1"
    TAG=kmod
}

# ---- power (the manifest's power section: idle 1s) ----

runtime_is() { [ "$(cat "$1/power/runtime_status")" = "$2" ]; }   # runtime_is SYSFS_DIR STATUS
klog_has() { dmesg | grep -q -- "$1"; }
klog_count() { dmesg | grep -c -- "$1"; }

# edu_runtime_pm_kmod N: edu.ko lets the device sleep once no client has
# it open, and wakes it for the next; what was in the device buffer stays
edu_runtime_pm_kmod() {
    section "kernel-module target: runtime PM (asleep 1 s after the last client)"
    check "runtime PM is allowed for $BDF (power/control: $(cat "$EDU/power/control"))" \
        [ "$(cat "$EDU/power/control")" = auto ]
    check "its autosuspend delay is the manifest's idle time: $(cat "$EDU/power/autosuspend_delay_ms") ms" \
        [ "$(cat "$EDU/power/autosuspend_delay_ms")" = 1000 ]
    run_client edu_pm --tag kmod/pm --instance "$1" --write 7
    TAG=kmod
    before=$(klog_count "edu: instance $1 suspended")
    check "with no client it is runtime-suspended" wait_for 60 runtime_is "$EDU" suspended
    check "edu_suspend ran" [ "$(klog_count "edu: instance $1 suspended")" -gt "$before" ]
    resumed=$(klog_count "edu: instance $1 resumed")
    run_client edu_pm --tag kmod/pm-woken --instance "$1" --verify 7
    TAG=kmod
    check "a client's open woke it: edu_resume ran" [ "$(klog_count "edu: instance $1 resumed")" -gt "$resumed" ]
    check "and it sleeps again after the client" wait_for 60 runtime_is "$EDU" suspended
}

# edu_s3_kmod N: suspend to RAM with a client holding instance N open;
# system_wakeup on the monitor wakes the machine, and the client's
# connection is served by the woken driver
edu_s3_kmod() {
    section "kernel-module target: suspend to RAM and system_wakeup"
    check "the machine offers suspend to RAM (/sys/power/state: $(cat /sys/power/state))" \
        grep -qw mem /sys/power/state || return
    rm -f /tmp/hold.r /tmp/hold.g
    mkfifo /tmp/hold.r /tmp/hold.g
    edu_check --tag kmod/s3-holder --instance "$1" --hold 3>/tmp/hold.r </tmp/hold.g &
    hpid=$!
    exec 5</tmp/hold.r 6>/tmp/hold.g
    if read -r line <&5 && [ "$line" = held ]; then
        check "a client holding edu keeps it awake" runtime_is "$EDU" active
        suspended=$(klog_count "edu: instance $1 suspended")
        resumed=$(klog_count "edu: instance $1 resumed")
        monitor system_wakeup     # the agent waits until the machine sleeps
        check "echo mem > /sys/power/state: the machine slept and woke" sh -c 'echo mem > /sys/power/state'
        check "edu_suspend ran for the machine's sleep" [ "$(klog_count "edu: instance $1 suspended")" -gt "$suspended" ]
        check "edu_resume ran when it woke" [ "$(klog_count "edu: instance $1 resumed")" -gt "$resumed" ]
        check "the kernel logged the resume (PM: suspend exit)" klog_has "PM: suspend exit"
    else
        notok "the holder never said it holds the device"
    fi
    exec 6>&-                 # the holder calls again, on the woken driver
    wait $hpid
    rc=$?
    exec 5<&-
    check "the client held across suspend to RAM was served after it (rc $rc)" [ $rc = 0 ]
}

spec_kmod() {
    TAG=kmod
    edu_find
    section "kernel-module target: edu.ko serves edu::device"
    check "the edu PCI device is present (${EDU:-none})" [ -n "$EDU" ] || return
    check "its DMA goes through the IOMMU's translation (domain type DMA)" iommu_domain "$EDU" DMA
    faults=$(dmar_faults)
    check "insmod edu.ko" timeout "$GUARD" insmod kmod/edu.ko || return
    check "its DMA buffer is at an IOMMU-translated bus address: \"$(dmesg | grep -m1 'edu: dma buf:')\"" \
        dma_translated edu buf
    check "edu.ko bound the edu device ($BDF)" [ "$(bound_driver "$EDU")" = edu ]
    n=$(kmod_instance "$EDU" edu::device)
    node=$DEV_DIR/edu::device/$n
    check "$node is its character device" [ -n "$n" ] && [ -c "$node" ]
    irq=$(cat "$EDU/irq"); before=$(irq_count "$irq")
    check "edu.ko's interrupt $irq is its MSI vector" irq_is_msi "$irq"
    run_client edu_check --tag kmod/edu --instance "$n" --msi on --config "$EDU/config"
    TAG=kmod
    check_irqs "edu.ko answered factorials from the device's interrupt" "$irq" "$before" 2
    edu_holder "$node" "$n"
    edu_runtime_pm_kmod "$n"
    edu_s3_kmod "$n"
    edu_hotplug_kmod "$n"
    check "no IOMMU fault while edu.ko served ($(($(dmar_faults) - faults)))" \
        [ "$(dmar_faults)" = "$faults" ]
    check "rmmod edu once the client has closed" timeout "$GUARD" rmmod edu
    check "$node is gone" [ ! -e "$node" ]
    check "the edu device is unbound" [ ! -e "$EDU/driver" ]
    # --uio's pinned pages need passthrough
    check "the edu device is passed through again (domain type identity)" \
        iommu_domain "$EDU" identity
}

# edu_user TAG MSI LOG [SERVER ARGS]: a server, its checks (MSI on|off), its
# sandbox, stopped
edu_user() {
    tag=$1 msi=$2 log=$3
    shift 3
    start_server edu "$log" "$@" || return 1
    pid=$SERVER_PID
    n=$(server_instance "$log" edu::device)
    check "$RUN_DIR/edu::device/$n is its socket" [ -S "$RUN_DIR/edu::device/$n" ]
    irq=$(cat "$EDU/irq"); before=$(irq_count "$irq")
    if [ "$msi" = on ]; then
        check "edu-server's interrupt $irq is the device's MSI vector" irq_is_msi "$irq"
    else
        check "edu-server's interrupt $irq is the INTx line" sh -c "! grep -q '^ *$irq:.*-MSI' /proc/interrupts"
    fi
    run_client edu_check --tag "$tag" --instance "$n" --msi "$msi" --config "$EDU/config"
    TAG=user
    check_irqs "edu-server $* answered factorials from the device's interrupt" "$irq" "$before" 2
    # it has served calls, so the sandbox is in place (it comes before
    # the first request is read)
    check_sandbox edu "$pid" "$log"
    stop_server edu "$pid"
    show_file edu-server "$log"
}

# ---- a compromised server: edu_escape.c ----

# edu_escape TAG NAME [SERVER ARGS]: the compromised edu-server tries escape
# NAME once its sandbox is in place; ok when the filter kills it (SIGSYS,
# status 159) or the call fails, not ok when it escapes or never tries
edu_escape() {
    tag=$1 name=$2
    shift 2
    log=/tmp/escape-$tag-$name.log
    EDU_ESCAPE=$name timeout "$GUARD" edu_escape --device "$BDF" "$@" 2>"$log"
    rc=$?
    tried=$(sed -n "s/^edu_escape: $name: trying: //p" "$log")
    if [ -z "$tried" ]; then
        notok "escape $name ($tag): the compromised server never tried it (rc $rc)"
        show_file edu_escape "$log"
    elif [ $rc = 159 ]; then
        ok "escape $name ($tag): $tried: killed by the seccomp filter (SIGSYS)"
    elif [ $rc = 0 ] && grep -q "^edu_escape: $name: refused: " "$log"; then
        ok "escape $name ($tag): $tried: $(sed -n "s/^edu_escape: $name: refused: //p" "$log")"
    else
        notok "escape $name ($tag): $tried: $(grep -m1 "ESCAPED" "$log" || echo "exit status $rc")"
        show_file edu_escape "$log"
    fi
}

ESCAPES="sendmsg-config sendmsg-every-fd sendmsg-no-fds sendmmsg-config open-file
    reopen-config stat-file stat-file-empty-path pwrite-bar pwrite-command mmap-config
    ioctl-device ptrace kill socket-inet connect-unix mount unshare setuid chroot execve
    fork procfd"
# through UIO the config fd is sysfs's config file, opened read-write by
# root, and the command register is granted (the runtime re-enables INTx
# through it): what differs from VFIO
ESCAPES_UIO="sendmsg-config sendmsg-every-fd pwrite-bar mmap-config reopen-config procfd"

# edu_escapes TAG NAMES [SERVER ARGS]: each escape, one run of the
# compromised server each
edu_escapes() {
    tag=$1 names=$2
    shift 2
    section "userspace-server target: a compromised edu-server ($tag) tries to escape its sandbox"
    TAG=user
    # procfd: with suid_dumpable 1 a process that gave up root stays
    # dumpable (its /proc files open to its new uid) unless it says
    # otherwise, so only the sandbox's PR_SET_DUMPABLE 0 refuses the helper
    dumpable=$(cat /proc/sys/fs/suid_dumpable)
    for e in $names; do
        [ "$e" = procfd ] && echo 1 > /proc/sys/fs/suid_dumpable
        edu_escape "$tag" "$e" "$@"
        echo "$dumpable" > /proc/sys/fs/suid_dumpable
    done
}

# edu_runtime_pm_user: edu-server runs edu_suspend once no client has been
# connected for 1 s, and edu_resume when the next connects, before serving
# it; what was in the device buffer stays. QEMU 7.2's edu has no PM
# capability: the server says so and the device stays in D0.
log_count() { grep -c -- "$2" "$1"; }                  # log_count LOG PATTERN
log_more() { [ "$(log_count "$1" "$2")" -gt "$3" ]; }   # log_more LOG PATTERN N
edu_runtime_pm_user() {
    section "userspace-server target: runtime PM (edu_suspend 1 s after the last client)"
    log=/tmp/edu-pm.log
    start_server edu "$log" || return
    pid=$SERVER_PID
    n=$(server_instance "$log" edu::device)
    check_log edu-server "$log" 'power: no PM capability: staying in D0 when idle' \
        "edu has no PM capability: it stays in D0"
    run_client edu_pm --tag user/pm --instance "$n" --write 7
    TAG=user
    check "with no client edu_suspend ran" wait_for 60 grep -q "edu: instance $n suspended" "$log"
    check "and the server says it sleeps" wait_for 60 grep -q 'power: asleep: the device stays in D0' "$log"
    resumed=$(log_count "$log" "edu: instance $n resumed")
    run_client edu_pm --tag user/pm-woken --instance "$n" --verify 7
    TAG=user
    check "a client's connection woke it: edu_resume ran" \
        log_more "$log" "edu: instance $n resumed" "$resumed"
    suspended=$(log_count "$log" "edu: instance $n suspended")
    check "and it sleeps again after the client" \
        wait_for 60 log_more "$log" "edu: instance $n suspended" "$suspended"
    check_sandbox edu "$pid" "$log"
    resumed=$(log_count "$log" "edu: instance $n resumed")
    stop_server edu "$pid"
    check "stopping woke it first: edu_resume ran before edu_stop" \
        log_more "$log" "edu: instance $n resumed" "$resumed"
    show_file edu-server "$log"
}

# ---- drvgen-devd: the userspace target's device manager ----

DEVD_LOG=/tmp/devd.log
# devd_started BDF: the pid of the last server devd logged it started for BDF
devd_started() {
    sed -n "s|^drvgen-devd: started edu-server for $1 as instance [0-9]* (pid \([0-9]*\))\$|\1|p" "$DEVD_LOG" | tail -n 1
}
devd_instance() {             # devd_instance BDF: the instance devd gave it
    sed -n "s|^drvgen-devd: started edu-server for $1 as instance \([0-9]*\) .*|\1|p" "$DEVD_LOG" | tail -n 1
}
# devd_restarted BDF OLDPID: devd started a server other than OLDPID for
# BDF, and it runs
devd_restarted() {
    p=$(devd_started "$1")
    [ -n "$p" ] && [ "$p" != "$2" ] && kill -0 "$p"
}
devd_says() { grep -q -- "$1" "$DEVD_LOG"; }
devd_serving() {              # devd_serving N: N servers have logged that they serve
    [ "$(grep -c 'edu: started; serving' "$DEVD_LOG")" -ge "$1" ]
}
# devd_registered N BDF INSTANCE: BDF's servers registered edu::device with
# devd's sys::devregistry N times, as INSTANCE
devd_registered() {
    [ "$(grep -c "edu-server for $2 registered edu::device as instance $3\$" "$DEVD_LOG")" -ge "$1" ]
}

# shellcheck disable=SC2046  # ls -i's fields split
inode() { set -- $(ls -i "$1"); echo "$1"; }   # inode FILE

# edu_devd_restart BDF N: a client that opened instance N through devd
# holds it; the server is killed (-9); devd starts another at the same
# instance on the socket it kept, and the client's next calls reach it
edu_devd_restart() {
    old=$(devd_started "$1")
    sock=$(inode "$RUN_DIR/edu::device/$2")
    rm -f /tmp/hold.r /tmp/hold.g
    mkfifo /tmp/hold.r /tmp/hold.g
    edu_check --tag user/devd-holder --instance "$2" --devd "$1" --hold 3>/tmp/hold.r </tmp/hold.g &
    hpid=$!
    exec 5</tmp/hold.r 6>/tmp/hold.g
    if read -r line <&5 && [ "$line" = held ]; then
        check "kill -9 edu-server (pid $old) while a client holds instance $2" kill -KILL "$old"
        check "drvgen-devd saw the crash and restarts it" wait_for 60 devd_says "for $1 crashed (killed by signal 9"
        check "drvgen-devd started another edu-server for $1" wait_for 60 devd_restarted "$1" "$old"
        check "at the same instance $2" [ "$(devd_instance "$1")" = "$2" ]
        check "the new edu-server serves" wait_for 60 devd_serving 2
        check "it registered again and got instance $2 back" \
            wait_for 60 devd_registered 2 "$1" "$2"
        check "on the same socket: devd kept $RUN_DIR/edu::device/$2 (inode $sock)" \
            [ "$(inode "$RUN_DIR/edu::device/$2")" = "$sock" ]
    else
        notok "the holder never said it holds the device"
    fi
    exec 6>&-                 # the holder calls again: it reconnects to the new server
    wait $hpid
    rc=$?
    exec 5<&-
    check "the client held over the restart reconnected and was served (rc $rc)" [ $rc = 0 ]
}

# edu_devd_give_up BDF: a server that keeps crashing is given up on
gave_up_or_restarted() { devd_says "giving up on $1" || devd_restarted "$1" "$2"; }
edu_devd_give_up() {
    k=0
    while [ $k -lt 5 ] && ! devd_says "giving up on $1"; do
        p=$(devd_started "$1")
        kill -KILL "$p"
        wait_for 60 gave_up_or_restarted "$1" "$p"
        k=$((k + 1))
    done
    check "drvgen-devd gave up after $k crashes in a row: \"$(grep -m1 'giving up' "$DEVD_LOG")\"" \
        devd_says "crashed 5 times in a row (last: killed by signal 9); giving up on $1"
}

edu_devd() {
    section "userspace-server target: drvgen-devd starts, restarts and stops edu-server"
    TAG=user
    : > "$DEVD_LOG"
    # edu-server alone: the other specs' devices are not for this test
    mkdir -p /tmp/devd-servers
    ln -sf "$PWD/bin/edu-server" /tmp/devd-servers/
    drvgen-devd --servers /tmp/devd-servers 2>"$DEVD_LOG" &
    devd=$!
    check "drvgen-devd read edu-server's match table" wait_for 60 devd_says "edu-server drives 1 PCI match, serving edu::device"
    if ! check "drvgen-devd started edu-server for $BDF" wait_for 60 devd_says "started edu-server for $BDF as instance"; then
        show_file drvgen-devd "$DEVD_LOG"
        kill -TERM $devd; wait $devd
        return
    fi
    n=$(devd_instance "$BDF")
    check "edu-server registered edu::device with drvgen-devd (sys::devregistry) as instance $n" \
        wait_for 60 devd_registered 1 "$BDF" "$n"
    check "edu-server serves instance $n on the socket devd made" \
        wait_for 60 devd_says "registered edu::device at .*/edu::device/$n\$"
    check "edu-server logged that it serves" wait_for 60 devd_serving 1
    run_client edu_check --tag user/devd --instance "$n" --msi on
    run_client edu_check --tag user/devd-lookup --instance "$n" --devd "$BDF"
    TAG=user
    edu_devd_restart "$BDF" "$n"
    TAG=user

    section "userspace-server target: a second edu plugged in and out under drvgen-devd"
    if edu_plug; then
        pbdf=$(basename "$PLUGGED")
        check "drvgen-devd started edu-server for the plugged edu" wait_for 60 devd_says "started edu-server for $pbdf as instance"
        m=$(devd_instance "$pbdf")
        check "the plugged edu is a new instance ($m; the first is $n)" test -n "$m" -a "$m" != "$n"
        check "edu-server registered the plugged edu as instance $m" \
            wait_for 60 devd_registered 1 "$pbdf" "$m"
        check "the plugged edu's edu-server serves" wait_for 60 devd_serving 3
        run_client edu_check --tag user/devd-plugged --instance "$m" --msi on
        edu_unplug_deferred user/edu-unplug "$m"
        TAG=user
        check "its edu-server stopped cleanly when VFIO asked for the device back" \
            wait_for 60 devd_says "edu-server for $pbdf stopped (exit status 0)"
        check_log edu-server "$DEVD_LOG" "asks for $pbdf back" "it heard VFIO's request"
        check "drvgen-devd saw $pbdf go" wait_for 60 devd_says "$pbdf went away"
        check "$RUN_DIR/edu::device/$m is gone" [ ! -e "$RUN_DIR/edu::device/$m" ]
        check "edu-server for $BDF still serves instance $n" kill -0 "$(devd_started "$BDF")"
        run_client edu_check --tag user/devd-after --instance "$n"
        TAG=user
    fi

    section "userspace-server target: drvgen-devd gives up on a server that keeps crashing"
    edu_devd_give_up "$BDF"
    check "and closed its socket: $RUN_DIR/edu::device/$n is gone" [ ! -e "$RUN_DIR/edu::device/$n" ]
    kill -TERM $devd
    wait $devd
    rc=$?
    check "drvgen-devd exits 0 on SIGTERM (rc $rc)" [ $rc = 0 ]
    show_file drvgen-devd "$DEVD_LOG"
}

spec_user() {
    TAG=user
    edu_find
    section "userspace-server target: edu-server serves edu::device through VFIO"
    check "the edu PCI device is present (${EDU:-none})" [ -n "$EDU" ] || return
    check "no kernel module around" sh -c "! grep -q '^edu ' /proc/modules"
    check "$BDF is in an IOMMU group (the guest booted with intel_iommu=on)" [ -e "$EDU/iommu_group" ]
    if edu_user user/edu on /tmp/edu-vfio.log; then
        TAG=user
        check "edu-server bound the edu device to vfio-pci" [ "$(bound_driver "$EDU")" = vfio-pci ]
        check_log edu-server /tmp/edu-vfio.log 'VFIO, IOMMU group' "it serves through VFIO"
        check_log edu-server /tmp/edu-vfio.log 'dma buf: .* IOMMU-mapped' "its DMA buffer is IOMMU-mapped"
        check_log edu-server /tmp/edu-vfio.log 'sendmsg denied' "no protocol of it hands out handles: sendmsg is denied"
        edu_escapes vfio "$ESCAPES"
    fi
    edu_runtime_pm_user

    section "userspace-server target: edu-server --uio (no IOMMU isolation, pinned pages)"
    TAG=user
    echo "$BDF" > /sys/bus/pci/drivers/vfio-pci/unbind 2>/dev/null
    check "$BDF unbound from vfio-pci" [ ! -e "$EDU/driver" ]
    if edu_user user/edu-uio off /tmp/edu-uio.log --uio; then
        TAG=user
        check "edu-server --uio bound the edu device to uio_pci_generic" \
            [ "$(bound_driver "$EDU")" = uio_pci_generic ]
        check_log edu-server /tmp/edu-uio.log 'dma buf: .* pinned pages' "its DMA buffer is pinned pages"
        edu_escapes uio "$ESCAPES_UIO" --uio
    fi
    echo "$BDF" > /sys/bus/pci/drivers/uio_pci_generic/unbind 2>/dev/null
    edu_devd
    TAG=user
    echo "$BDF" > /sys/bus/pci/drivers/vfio-pci/unbind 2>/dev/null
}
