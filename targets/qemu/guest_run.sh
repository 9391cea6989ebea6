#!/bin/sh
# guest_run.sh - the QEMU end-to-end tests, run in the guest as /stage/run
# (targets/qemu/e2e.sh stages it).  Busybox ash.
#
# One boot, both targets, the same client programs:
#
#   kernel-module target   insmod edu.ko; edu_check; rmmod refused while a
#                          client holds the device, the client still works,
#                          rmmod after it closed.  insmod pcserial.ko;
#                          serial_echo with the host on COM2; a reader killed
#                          while blocked; rmmod.
#   userspace-server target  edu-server (uio_pci_generic), pcserial-server
#                          (drv_uio_irq.ko line=3); edu_check; the sandbox
#                          (/proc/PID/status, the server's log); kill -9 the
#                          serial server while a read is blocked in it, the
#                          client errors out; restart it; serial_echo.
#
# Stage layout: bin/ (clients, <driver>-server), kmod/ (<driver>.ko,
# drv_uio_irq.ko).  Every check prints "ok N TAG: ..." or "not ok N TAG: ...";
# the clients print their own.  Exit status: 0 iff no check failed.
#
# No sleeps as synchronisation: the scripts and clients hand over through
# FIFOs; the only waits are bounded polls for a condition (a server's
# "serving" log line, a process exit), and every step has a guard timeout
# so a hang becomes a failure, not a stuck run.

cd /stage || exit 1
export PATH="/stage/bin:$PATH"
RUN_DIR=${DRVGEN_RUN_DIR:-/run/drvgen}
DEV_DIR=${DRVGEN_DEV_DIR:-/dev/drvgen}
OUT=/tmp/drvgen-e2e.out
GUARD=120                     # seconds, for any one step that could hang

N=0
TAG=guest
ok()    { N=$((N + 1)); echo "ok $N $TAG: $*"; }
notok() { N=$((N + 1)); echo "not ok $N $TAG: $*"; }
check() {                     # check DESCRIPTION CMD...: ok iff CMD succeeds
    d=$1; shift
    if "$@"; then ok "$d"; else notok "$d"; fi
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

edu_sysfs() {                 # the edu device's sysfs dir, found by id
    for d in /sys/bus/pci/devices/*; do
        if [ "$(cat "$d/vendor")" = 0x1234 ] && [ "$(cat "$d/device")" = 0x11e8 ]; then
            echo "$d"; return 0
        fi
    done
    return 1
}

irq_count() {                 # irq_count LINE: interrupts taken on it so far
    awk -v n="$1:" '$1 == n { s = 0; for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) s += $i; print s; f = 1 }
                    END { if (!f) print 0 }' /proc/interrupts
}

irq_name() {                  # irq_name LINE: who holds it (the last column)
    awk -v n="$1:" '$1 == n { print $NF }' /proc/interrupts
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

KLOG_SEEN=0
check_kernel_log() {          # check_kernel_log WHEN: no oops/warning since last time
    dmesg > /tmp/dmesg.now
    total=$(wc -l < /tmp/dmesg.now)
    tail -n +$((KLOG_SEEN + 1)) /tmp/dmesg.now |
        grep -E 'BUG|Oops|WARNING|Call Trace|nobody cared|general protection|refcount_t|list_(add|del) corruption' \
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

# ---- userspace servers -------------------------------------------------------

SERVER_PID=
# start_server NAME LOG: starts bin/NAME-server, waits until it logs that it
# serves (bounded), sets SERVER_PID.  1 if it died or never got there.
start_server() {
    SERVER_PID=
    if [ ! -x "bin/$1-server" ]; then
        notok "start $1-server: bin/$1-server was not built (targets/user/build.sh)"
        return 1
    fi
    : > "$2"                  # there before the first grep below
    "bin/$1-server" 2> "$2" &
    SERVER_PID=$!
    i=0
    while ! grep -q 'serving' "$2" && kill -0 "$SERVER_PID" 2>/dev/null && [ $i -lt $((GUARD * 50)) ]; do
        usleep 20000; i=$((i + 1))
    done
    if grep -q 'serving' "$2" && kill -0 "$SERVER_PID" 2>/dev/null; then
        ok "start $1-server (pid $SERVER_PID): it logged that it serves"
        return 0
    fi
    notok "start $1-server: it did not get to serving (log below)"
    show_file "$1-server" "$2"
    return 1
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
    uid=$(awk '$1 == "Uid:" { print $2 }' "/proc/$2/status")
    echo "#   ($1-server runs as uid $uid: root without capabilities)"
    if grep -q 'sandbox: open denied' "$3"; then
        ok "$1-server: after init it cannot open a file: \"$(grep -m1 'sandbox: open denied' "$3")\""
    else
        notok "$1-server: no \"sandbox: open denied\" in its log"
    fi
}

# ---- kernel-module target ----------------------------------------------------

kmod_edu() {
    TAG=kmod
    section "kernel-module target: edu.ko serves edu::device"
    if [ ! -f kmod/edu.ko ]; then
        notok "kmod/edu.ko was not built (targets/kmod/build.sh)"; return
    fi
    check "no userspace server around: no $RUN_DIR/edu::device/0" [ ! -e "$RUN_DIR/edu::device/0" ]
    check "insmod edu.ko" timeout $GUARD insmod kmod/edu.ko || return
    check "edu.ko bound the edu device ($(basename "$EDU"))" [ "$(basename "$(readlink "$EDU/driver")")" = edu ]
    check "$DEV_DIR/edu::device/0 is its character device" [ -c "$DEV_DIR/edu::device/0" ]
    irq=$(cat "$EDU/irq"); before=$(irq_count "$irq")
    run_client edu_check --tag kmod/edu
    TAG=kmod
    check_irqs "edu.ko answered factorials from the device's interrupt" "$irq" "$before" 2

    # rmmod while a client holds the device open
    rm -f /tmp/hold.r /tmp/hold.g
    mkfifo /tmp/hold.r /tmp/hold.g
    edu_check --tag kmod/holder --hold 3>/tmp/hold.r </tmp/hold.g &
    hpid=$!
    exec 5</tmp/hold.r 6>/tmp/hold.g
    if read -r line <&5 && [ "$line" = held ]; then
        if timeout $GUARD rmmod edu 2>/tmp/rmmod.err; then
            notok "rmmod edu while a client holds $DEV_DIR/edu::device/0 open: it unloaded under the client"
        else
            ok "rmmod edu while a client holds the device open is refused: $(cat /tmp/rmmod.err)"
        fi
        check "edu is still loaded" module_loaded edu
        check "$DEV_DIR/edu::device/0 is still there" [ -c "$DEV_DIR/edu::device/0" ]
    else
        notok "the holder never said it holds the device"
    fi
    exec 6>&-                 # releases the holder: it calls again, then exits
    wait $hpid
    rc=$?
    exec 5<&-
    check "the holder's connection still worked after the refused rmmod (rc $rc)" [ $rc = 0 ]
    check "rmmod edu once the client has closed" timeout $GUARD rmmod edu
    check "$DEV_DIR/edu::device/0 is gone" [ ! -e "$DEV_DIR/edu::device/0" ]
    check "the edu device is unbound" [ ! -e "$EDU/driver" ]
    check_kernel_log "(edu.ko)"
}

kmod_serial() {
    TAG=kmod
    section "kernel-module target: pcserial.ko serves dev::serial on COM2"
    if [ ! -f kmod/pcserial.ko ]; then
        notok "kmod/pcserial.ko was not built (targets/kmod/build.sh)"; return
    fi
    check "insmod pcserial.ko" timeout $GUARD insmod kmod/pcserial.ko || return
    check "$DEV_DIR/dev::serial/0 is its character device" [ -c "$DEV_DIR/dev::serial/0" ]
    check "pcserial.ko holds ports 0x2f8-0x2ff" grep -q '02f8-02ff : pcserial' /proc/ioports
    before=$(irq_count 3)
    run_client serial_echo --tag kmod/serial --port 0x2f8 --marker "DRVGEN-COM2-READY kmod"
    TAG=kmod
    check_irqs "pcserial.ko received the host's line by interrupt" 3 "$before" 1
    run_client serial_block --tag kmod/serial --client-kill
    run_client serial_block --tag kmod/serial --probe
    TAG=kmod
    check "rmmod pcserial (a killed reader's call still deferred in it)" timeout $GUARD rmmod pcserial
    check "$DEV_DIR/dev::serial/0 is gone" [ ! -e "$DEV_DIR/dev::serial/0" ]
    check "ports 0x2f8-0x2ff are released" sh -c '! grep -q "02f8-02ff : pcserial" /proc/ioports'
    check_kernel_log "(pcserial.ko)"
}

# ---- userspace-server target ---------------------------------------------------

EDU_PID=
SERIAL_PID=

user_edu() {
    TAG=user
    section "userspace-server target: edu-server serves edu::device"
    check "no kernel module around: no $DEV_DIR/edu::device/0" [ ! -e "$DEV_DIR/edu::device/0" ]
    start_server edu /tmp/edu-server.log || return
    EDU_PID=$SERVER_PID
    check "edu-server bound the edu device to uio_pci_generic" \
        [ "$(basename "$(readlink "$EDU/driver")")" = uio_pci_generic ]
    check "$RUN_DIR/edu::device/0 is its socket" [ -S "$RUN_DIR/edu::device/0" ]
    irq=$(cat "$EDU/irq"); before=$(irq_count "$irq")
    run_client edu_check --tag user/edu
    TAG=user
    check_irqs "edu-server answered factorials from the device's interrupt (uio)" "$irq" "$before" 2
    # it has served calls, so the sandbox is in place (it comes before the
    # first request is read)
    check_sandbox edu "$EDU_PID" /tmp/edu-server.log
}

user_serial() {
    TAG=user
    section "userspace-server target: pcserial-server serves dev::serial on COM2"
    if [ ! -f kmod/drv_uio_irq.ko ]; then
        notok "kmod/drv_uio_irq.ko was not built (targets/kmod/build.sh --uio-irq)"; return
    fi
    check "insmod drv_uio_irq.ko line=3 (IRQ 3 for a userspace server)" \
        timeout $GUARD insmod kmod/drv_uio_irq.ko line=3 || return
    start_server pcserial /tmp/pcserial-server.log || return
    SERIAL_PID=$SERVER_PID
    run_client serial_block --tag user/serial --probe
    TAG=user
    check_sandbox pcserial "$SERIAL_PID" /tmp/pcserial-server.log

    # a reader killed while its read is parked in the server
    run_client serial_block --tag user/serial --client-kill
    TAG=user
    check "pcserial-server survived the reader's death" kill -0 "$SERIAL_PID"

    # the server killed while a read is parked in it
    rm -f /tmp/block.r
    mkfifo /tmp/block.r
    serial_block --tag user/serial --server-kill 3>/tmp/block.r &
    bpid=$!
    exec 7</tmp/block.r
    if read -r line <&7 && [ "$line" = blocked ]; then
        kill -KILL "$SERIAL_PID"
        wait "$SERIAL_PID"
        ok "kill -9 pcserial-server (pid $SERIAL_PID) while a read is blocked in it"
    else
        notok "the blocked reader never said it is blocked"
    fi
    exec 7<&-
    wait $bpid
    rc=$?
    TAG=user
    check "the client of the killed server got an error, not a hang (rc $rc)" [ $rc = 0 ]
    SERIAL_PID=

    # restarted, it serves again: a new client, then the echo
    start_server pcserial /tmp/pcserial-server.2.log || return
    SERIAL_PID=$SERVER_PID
    run_client serial_block --tag user/serial-restarted --probe
    before=$(irq_count 3)
    run_client serial_echo --tag user/serial --port 0x2f8 --marker "DRVGEN-COM2-READY user"
    TAG=user
    check_irqs "the restarted pcserial-server received the host's line by interrupt (uio)" 3 "$before" 1
}

user_stop() {
    TAG=user
    section "userspace-server target: stopping"
    stop_server edu "$EDU_PID"
    stop_server pcserial "$SERIAL_PID"
    # (their socket names stay: the sandbox denies unlink, and the next
    # server replaces a dead one's name, as the restart above did)
    for l in edu-server pcserial-server pcserial-server.2; do
        [ -f "/tmp/$l.log" ] && { echo "# $l log:"; show_file "$l" "/tmp/$l.log"; }
    done
    check_kernel_log "(userspace servers)"
}

# ---- main ------------------------------------------------------------------------

main() {
    echo "# drvgen QEMU end-to-end tests: kernel $(uname -r)"
    EDU=$(edu_sysfs)
    TAG=guest
    check "the edu PCI device is present (${EDU:-none})" [ -n "$EDU" ]
    check_kernel_log "(boot)"
    kmod_edu
    kmod_serial
    user_edu
    user_serial
    user_stop
}

main 2>&1 | tee "$OUT"
pass=$(grep -c '^ok ' "$OUT")
fail=$(grep -c '^not ok ' "$OUT")
echo
echo "# guest summary: $pass ok, $fail not ok"
[ "$fail" = 0 ] && [ "$pass" -gt 0 ]
