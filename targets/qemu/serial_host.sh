#!/bin/bash
# SPDX-License-Identifier: MIT
# serial_host.sh FIFO TAG... - the host side of a serial port's echo tests,
# a spec's HOST command (targets/qemu/README.md): the port's QEMU chardev is
# the pipe pair $DRVGEN_FIFO_DIR/FIFO.in (host -> guest) and FIFO.out.
#
# For each TAG the guest's serial_echo client writes, through the driver
# under test, the line "DRVGEN-SERIAL-READY TAG" on the port once the
# driver is listening.  Then this script sends "hello\r" and the line that
# comes back must be exactly "hello\n" (the client turned CR into LF).  Any
# other line on the port is a failure.  One "ok"/"not ok" line per step on
# stdout; exit 0 iff every TAG was echoed, in order.
#
# Guard: each line must arrive within DRVGEN_SERIAL_TIMEOUT seconds (default
# 300, the run's own guard); when QEMU exits the FIFO reads EOF, so this
# never outlives the guest.
set -u

: "${DRVGEN_FIFO_DIR:?run me from run.sh -H}"
[ $# -ge 1 ] || { echo "usage: serial_host.sh FIFO TAG..." >&2; exit 2; }
PORT=$1
shift
IN=$DRVGEN_FIFO_DIR/$PORT.in OUT=$DRVGEN_FIFO_DIR/$PORT.out
LINE_TIMEOUT=${DRVGEN_SERIAL_TIMEOUT:-300}
SEND='hello\r'
EXPECT=hello        # "hello\n" read as a line

n=0
failed=0
result() {          # result OK|FAIL TEXT
    n=$((n + 1))
    if [ "$1" = OK ]; then echo "ok $n host: $2"; else echo "not ok $n host: $2"; failed=1; fi
}
shown() { printf '%q' "$1"; }

# One read fd and one write fd for the whole session (see README: a new
# open after QEMU has gone would block).
exec 3<"$OUT" 4>"$IN"

want=("$@")
next=0
while [ "$next" -lt "${#want[@]}" ]; do
    if ! IFS= read -r -t "$LINE_TIMEOUT" line <&3; then
        result FAIL "$PORT: no \"DRVGEN-SERIAL-READY ${want[$next]}\" (EOF: the guest is gone, or nothing for ${LINE_TIMEOUT}s)"
        break
    fi
    case "$line" in
        "DRVGEN-SERIAL-READY "*)
            tag=${line#DRVGEN-SERIAL-READY }
            # a tag further on: the ones before it never came
            k=$next
            while [ "$k" -lt "${#want[@]}" ] && [ "${want[$k]}" != "$tag" ]; do k=$((k + 1)); done
            if [ "$k" -lt "${#want[@]}" ]; then
                while [ "$next" -lt "$k" ]; do
                    result FAIL "$PORT: no \"DRVGEN-SERIAL-READY ${want[$next]}\" before $tag's"
                    next=$((next + 1))
                done
                next=$((k + 1))
                result OK "$PORT: the $tag driver is listening (its marker came through its write path)"
            else
                result FAIL "$PORT: unexpected marker $(shown "$line")"
            fi
            # answer whatever asked, so the guest never waits for us
            printf '%b' "$SEND" >&4
            if IFS= read -r -t "$LINE_TIMEOUT" echo_line <&3; then
                if [ "$echo_line" = "$EXPECT" ]; then
                    result OK "$PORT: $tag: sent 'hello\\r', read back 'hello\\n'"
                else
                    result FAIL "$PORT: $tag: sent 'hello\\r', read back $(shown "$echo_line") (expected 'hello\\n')"
                fi
            else
                result FAIL "$PORT: $tag: sent 'hello\\r', no line came back"
            fi
            ;;
        *)
            result FAIL "$PORT: unexpected line $(shown "$line")"
            ;;
    esac
done
exit "$failed"
