# SPDX-License-Identifier: MIT
# specs/e1000/qemu/bench.sh - `make qemu-bench` (targets/qemu/README.md):
# two of QEMU's e1000 NICs, each on a user network of its own (10.0.2.0/24
# and 10.0.3.0/24), one driven by Linux's e1000, the other by em; the same
# workloads through each interface to its gateway, which is the host:
# iperf3 TCP throughput guest -> host (tcp_tx) and host -> guest (tcp_rx)
# against iperf_host.sh's server, and ping's round-trip time (rtt, as
# in-tree / drvgen: higher is better). Runs interleave in-tree, drvgen...
# RUNS times, and each ratio is the median over the median of the same
# phase: kmod is em.ko's em0, user is em-server under drvgen-tap's TAP
# interface.

IPERF_PORT=5299
QEMU_ARGS="-netdev user,id=nbintree,net=10.0.2.0/24 -device e1000,netdev=nbintree,mac=52:54:00:12:34:60
  -netdev user,id=nbdrvgen,net=10.0.3.0/24 -device e1000,netdev=nbdrvgen,mac=52:54:00:12:34:61"
MODULES="e1000 tun"
BINARIES="iperf3"
HOST="iperf_host.sh $IPERF_PORT"

RUNS=3
SECONDS_EACH=3
WORKLOADS="tcp_tx tcp_rx rtt"

# net_figure GATEWAY WORKLOAD: Kbit/s for TCP (what the receiver counted),
# the average round trip in ms for rtt
net_figure() {
    case $2 in
    tcp_tx|tcp_rx)
        [ "$2" = tcp_rx ] && reverse=-R || reverse=
        # shellcheck disable=SC2086  # no -R is no word
        iperf3 -c "$1" -p "$IPERF_PORT" -t "$SECONDS_EACH" -O 1 -f k $reverse 2>/dev/null |
            awk '/receiver/ { for (i = 2; i <= NF; i++) if ($i == "Kbits/sec") print $(i - 1) }'
        ;;
    rtt)
        ping -c 10 -i 0.2 "$1" 2>/dev/null |
            sed -n 's|.*min/avg/max = [0-9.]*/\([0-9.]*\)/.*|\1|p'
        ;;
    esac
}

# Where the guest's CPU time goes during a workload, to say why a ratio
# falls short: /proc/stat's ticks of all CPUs (user, system, irq and
# softirq, idle and iowait), and those of the processes named in
# CPU_PROCS (drvgen-tap and em-server on the user target).
CPU_PROCS="drvgen-tap em-server"
cpu_ticks() {
    awk '/^cpu / { printf "%d %d %d %d", $2 + $3, $4, $7 + $8, $5 + $6 }' /proc/stat
    cat /proc/[0-9]*/stat 2>/dev/null | awk -v procs="$CPU_PROCS" '
        BEGIN { n = split(procs, p, " ") }
        { for (i = 1; i <= n; i++) if ($2 == "(" p[i] ")") t[i] += $14 + $15 }
        END { for (i = 1; i <= n; i++) printf " %d", t[i] }'
}

# cpu_add SUM BEFORE AFTER: SUM plus AFTER - BEFORE, field by field
cpu_add() {
    echo "$1 | $2 | $3" | awk -F'|' '{
        n = split($1, s, " "); split($2, b, " "); m = split($3, a, " ")
        for (i = 1; i <= m; i++) printf "%d ", (i <= n ? s[i] : 0) + a[i] - b[i] }'
}

# cpu_split TICKS: the shares of all CPU time
cpu_split() {
    echo "$1" | awk -v procs="$CPU_PROCS" '{
        t = $1 + $2 + $3 + $4; if (!t) t = 1
        printf "user %d%%, system %d%%, irq %d%%, idle %d%%", \
            100 * $1 / t, 100 * $2 / t, 100 * $3 / t, 100 * $4 / t
        n = split(procs, p, " ")
        for (i = 1; i <= n; i++) if ($(4 + i)) printf ", %s %d%%", p[i], 100 * $(4 + i) / t }'
}

# measure GATEWAY WORKLOAD VAR: net_figure, with the CPU ticks it took
# added to the variable named VAR
measure() {
    before=$(cpu_ticks)
    net_figure "$1" "$2"
    eval "$3=\$(cpu_add \"\${$3:-}\" \"\$before\" \"\$(cpu_ticks)\")"
}

# phase TARGET: every workload RUNS times through each interface,
# interleaved, and a ratio per workload
phase() {
    for w in $WORKLOADS; do
        ours="" theirs="" cpu_ours="" cpu_theirs=""
        i=0
        while [ $i -lt $RUNS ]; do
            measure 10.0.2.2 "$w" cpu_theirs > /tmp/figure
            theirs="$theirs $(cat /tmp/figure)"
            measure 10.0.3.2 "$w" cpu_ours > /tmp/figure
            ours="$ours $(cat /tmp/figure)"
            i=$((i + 1))
        done
        echo "# net_$w $1: in-tree runs:$theirs; drvgen runs:$ours"
        echo "# net_$w $1: guest CPU, in-tree: $(cpu_split "$cpu_theirs"); drvgen: $(cpu_split "$cpu_ours")"
        # shellcheck disable=SC2086  # the runs are words
        if [ "$w" = rtt ]; then
            bench_ratio "net_$w" "$1" "$(median $ours)" "$(median $theirs)" ms lower
        else
            bench_ratio "net_$w" "$1" "$(median $ours)" "$(median $theirs)" Kbit/s
        fi
    done
}

# if_up IF ADDRESS: up with ADDRESS/24, and its gateway answers
if_up() {
    check "ip link set $1 up" ip link set "$1" up
    check "ip addr add $2/24 dev $1" ip addr add "$2/24" dev "$1"
    gw=${2%.*}.2
    check "$1: the gateway $gw answers" wait_for "$GUARD" ping -c 1 -W 1 "$gw"
}

spec_bench() {
    TAG=bench
    INTREE=$(pci_sysfs 0x8086 0x100e 1)
    DRVGEN=$(pci_sysfs 0x8086 0x100e 2)
    check "two e1000 devices (${INTREE:-none}, ${DRVGEN:-none})" \
        [ -n "$INTREE" -a -n "$DRVGEN" ] || return
    echo em > "$DRVGEN/driver_override" # whichever driver loads first
    check "load_module e1000" load_module e1000 || return
    intree_if=$(ls "$INTREE/net" 2>/dev/null)
    check "e1000's interface is $intree_if" [ -n "$intree_if" ] || return
    if_up "$intree_if" 10.0.2.15

    check "insmod em.ko" timeout "$GUARD" insmod kmod/em.ko || return
    check "em0 is the second NIC's" [ -e "$DRVGEN/net/em0" ] || return
    if_up em0 10.0.3.15
    phase kmod
    check "rmmod em" timeout "$GUARD" rmmod em

    TAG=bench
    echo > "$DRVGEN/driver_override"
    start_server em /tmp/em-bench.log --device "$(basename "$DRVGEN")" || return
    pid=$SERVER_PID
    check "load_module tun" load_module tun || return
    bin/drvgen-tap --instance "$(server_instance /tmp/em-bench.log net::nic)" \
        > /tmp/tap.if 2> /tmp/tap.log &
    tap=$!
    if check "drvgen-tap made an interface" wait_for "$GUARD" test -s /tmp/tap.if; then
        if_up "$(cat /tmp/tap.if)" 10.0.3.15
        phase user
    fi
    kill -TERM "$tap"
    wait "$tap"
    echo "# drvgen-tap's totals: $(tail -n 1 /tmp/tap.log)"
    stop_server em "$pid"
}
