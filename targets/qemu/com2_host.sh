#!/bin/bash
# com2_host.sh TAG...  - the host side of the COM2 echo tests, for
# `run.sh -H` (which sets DRVGEN_COM2_IN / DRVGEN_COM2_OUT).
#
# For each TAG the guest's serial_echo client writes, through the driver
# under test, the line "DRVGEN-COM2-READY TAG" on COM2 once the driver is
# listening.  Then this script sends "hello\r" and the line that comes back
# must be exactly "hello\n" (the client turned CR into LF).  Any other line
# on COM2 is a failure.  One "ok"/"not ok" line per step on stdout; exit 0
# iff every TAG was echoed, in order.
#
# Guard: each line must arrive within DRVGEN_COM2_TIMEOUT seconds (default
# 300, the run's own guard); when QEMU exits the FIFO reads EOF, so this
# never outlives the guest.
set -u

: "${DRVGEN_COM2_IN:?run me from run.sh -H}" "${DRVGEN_COM2_OUT:?run me from run.sh -H}"
LINE_TIMEOUT=${DRVGEN_COM2_TIMEOUT:-300}
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
exec 3<"$DRVGEN_COM2_OUT" 4>"$DRVGEN_COM2_IN"

want=("$@")
next=0
while [ "$next" -lt "${#want[@]}" ]; do
    if ! IFS= read -r -t "$LINE_TIMEOUT" line <&3; then
        result FAIL "COM2: no \"DRVGEN-COM2-READY ${want[$next]}\" (EOF: the guest is gone, or nothing for ${LINE_TIMEOUT}s)"
        break
    fi
    case "$line" in
        "DRVGEN-COM2-READY "*)
            tag=${line#DRVGEN-COM2-READY }
            # a tag further on: the ones before it never came
            k=$next
            while [ "$k" -lt "${#want[@]}" ] && [ "${want[$k]}" != "$tag" ]; do k=$((k + 1)); done
            if [ "$k" -lt "${#want[@]}" ]; then
                while [ "$next" -lt "$k" ]; do
                    result FAIL "COM2: no \"DRVGEN-COM2-READY ${want[$next]}\" before $tag's"
                    next=$((next + 1))
                done
                next=$((k + 1))
                result OK "COM2: the $tag driver is listening (its marker came through its write path)"
            else
                result FAIL "COM2: unexpected marker $(shown "$line")"
            fi
            # answer whatever asked, so the guest never waits for us
            printf '%b' "$SEND" >&4
            if IFS= read -r -t "$LINE_TIMEOUT" echo_line <&3; then
                if [ "$echo_line" = "$EXPECT" ]; then
                    result OK "COM2: $tag: sent 'hello\\r', read back 'hello\\n'"
                else
                    result FAIL "COM2: $tag: sent 'hello\\r', read back $(shown "$echo_line") (expected 'hello\\n')"
                fi
            else
                result FAIL "COM2: $tag: sent 'hello\\r', no line came back"
            fi
            ;;
        *)
            result FAIL "COM2: unexpected line $(shown "$line")"
            ;;
    esac
done
exit "$failed"
