#!/bin/bash
# SPDX-License-Identifier: MIT
# monitor_agent.sh - lets the guest drive QEMU's monitor, for tests that
# need the machine itself to change: hot-plug (device_add, device_del), a
# network link going down (set_link), system_wakeup. e2e.sh runs it on the
# host beside the specs' HOST commands.
#
# The guest prints, on its console, a line
#     DRVGEN-MONITOR <command>
# and then waits (bounded) for the command's effect (system_wakeup: the
# guest asks first and then suspends; the agent sends it once QEMU's
# `info status` says the machine is suspended), which it can see
# itself (a device appears, a link drops). This follows the console log
# ($DRVGEN_CONSOLE_LOG, from run.sh) and sends each command to the
# monitor's Unix socket ($DRVGEN_QEMU_MONITOR) with socat, in order; it
# prints "ok N host: monitor: <command>" or "not ok ..." when QEMU answers
# with an error, and "# monitor: ..." for QEMU's answer. It ends at the
# guest's exit marker.
set -u
: "${DRVGEN_CONSOLE_LOG:?run me from run.sh -H}" "${DRVGEN_QEMU_MONITOR:?run me from run.sh -H}"
n=0
tail -n +1 -F "$DRVGEN_CONSOLE_LOG" 2>/dev/null | while IFS= read -r line; do
    line=${line%$'\r'}
    case $line in
    "DRVGEN-MONITOR "*)
        cmd=${line#DRVGEN-MONITOR }
        n=$((n + 1))
        # the guest asks for its wake-up before it goes to sleep: wait
        # (bounded) until QEMU says it sleeps
        if [ "$cmd" = system_wakeup ]; then
            for _ in $(seq 120); do
                printf 'info status\n' | socat -t 1 - "UNIX-CONNECT:$DRVGEN_QEMU_MONITOR" 2>/dev/null |
                    grep -q 'suspended' && break
                sleep 0.5
            done
        fi
        # HMP: a banner and a prompt, the command's answer, a prompt
        answer=$(printf '%s\n' "$cmd" | socat -t 2 - "UNIX-CONNECT:$DRVGEN_QEMU_MONITOR" 2>&1 |
            tr -d '\r' | sed 's/\x1b\[[0-9;]*[A-Za-z]//g' | grep -v -e '^QEMU .* monitor' -e '^(qemu) *$' \
            -e "^(qemu) $cmd" | sed '/^$/d')
        if printf '%s' "$answer" | grep -qiE '^(Error|Device .* not found|unknown command)'; then
            echo "not ok $n host: monitor: $cmd ($answer)"
        else
            echo "ok $n host: monitor: $cmd"
        fi
        [ -n "$answer" ] && printf '%s\n' "$answer" | sed 's/^/# monitor: /'
        ;;
    "DRVGEN-QEMU-EXIT "*)
        break
        ;;
    esac
done
exit 0
