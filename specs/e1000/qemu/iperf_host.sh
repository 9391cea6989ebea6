#!/bin/bash
# SPDX-License-Identifier: MIT
# iperf_host.sh PORT - the host side of specs/e1000's benchmark, its HOST
# command (targets/qemu/README.md): an iperf3 server on 127.0.0.1:PORT,
# which the guest reaches as its user network's gateway (QEMU's slirp maps
# the gateway's address to the host), until the guest's exit marker.
set -u
: "${DRVGEN_CONSOLE_LOG:?run me from run.sh -H}"
port=${1:?usage: iperf_host.sh PORT}
iperf3 -s -B 127.0.0.1 -p "$port" > /dev/null 2>&1 &
server=$!
exec 3< <(tail -n +1 -F "$DRVGEN_CONSOLE_LOG" 2>/dev/null)
tailer=$!
trap 'kill "$server" "$tailer" 2>/dev/null' EXIT
while IFS= read -r line <&3; do
    case ${line%$'\r'} in DRVGEN-QEMU-EXIT*) break ;; esac
done
if kill -0 "$server" 2>/dev/null; then
    echo "ok 1 host: e1000 bench: iperf3 served on port $port until the guest was done"
else
    echo "not ok 1 host: e1000 bench: iperf3 -s on port $port was not running at the end (port taken?)"
fi
