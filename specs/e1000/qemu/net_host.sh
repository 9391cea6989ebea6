#!/bin/bash
# SPDX-License-Identifier: MIT
# net_host.sh in:TAG|out:TAG... - the host side of specs/e1000's TCP transfers, the
# spec's HOST command (targets/qemu/README.md). QEMU forwards a port of the
# host to the guest's port 5001 (hostfwd in test.sh's QEMU_ARGS, host port
# 0: QEMU picks a free one, which `info usernet` on the monitor names).
#
# The guest asks on its console, once its nc listens on 5001:
#   DRVGEN-TCP-PUT TAG BYTES       send me BYTES: this makes that many random
#                                  bytes, sends them, and notes their SHA-256
#   DRVGEN-TCP-GOT TAG BYTES SHA SECONDS
#                                  what the guest's nc received, SECONDS
#                                  after it asked: the same bytes, or a
#                                  failure
#   DRVGEN-TCP-GET TAG BYTES SHA   take BYTES whose SHA-256 is SHA: this
#                                  reads to the end and compares
# and each transfer is one "ok N host: TAG: ..." line with its size and
# time, or "not ok". By the guest's exit marker, where this ends, every
# in:TAG given must have had its PUT and GOT, and every out:TAG its GET.
#
# The guest's console is followed in DRVGEN_CONSOLE_LOG (run.sh), as
# monitor_agent.sh follows it; a transfer that hangs ends with QEMU, which
# run.sh outlives by a few seconds only.
set -u
: "${DRVGEN_CONSOLE_LOG:?run me from run.sh -H}" "${DRVGEN_QEMU_MONITOR:?run me from run.sh -H}"
GUEST_PORT=5001
WORK=$(mktemp -d "${TMPDIR:-/tmp}/drvgen-net.XXXXXX")
TAIL=
trap 'rm -rf "$WORK"; [ -z "$TAIL" ] || kill "$TAIL" 2>/dev/null' EXIT

n=0
failed=0
result() {          # result OK|FAIL TEXT
    n=$((n + 1))
    if [ "$1" = OK ]; then echo "ok $n host: $2"; else echo "not ok $n host: $2"; failed=1; fi
}

# the host end of the forward to the guest's port: `info usernet` has a
# line "TCP[HOST_FORWARD] FD 127.0.0.1 PORT 10.0.2.15 5001 ..."; the
# monitor takes one connection at a time, so this tries a few times
PORT=
host_port() {
    local tries=0
    while [ $tries -lt 10 ]; do
        tries=$((tries + 1))
        PORT=$(printf 'info usernet\n' | socat -t 2 - "UNIX-CONNECT:$DRVGEN_QEMU_MONITOR" 2>/dev/null |
            tr -d '\r' | awk -v g="$GUEST_PORT" '$1 ~ /HOST_FORWARD/ && $6 == g { print $4; exit }')
        [ -n "$PORT" ] && return 0
    done
    return 1
}

now() { date +%s.%N; }
# rate BYTES START END: "N.N s, M.M MiB/s"
rate() { awk -v b="$1" -v s="$2" -v e="$3" 'BEGIN { t = e - s; if (t <= 0) t = 1e-9
    printf "%.1f s, %.1f MiB/s", t, b / t / 1048576 }'; }
sha() { sha256sum < "$1" | cut -d' ' -f1; }

declare -A put_sha put_bytes got get_done

put() {             # put TAG BYTES: random bytes to the guest
    local tag=$1 bytes=$2 file=$WORK/put
    head -c "$bytes" /dev/urandom > "$file"
    put_sha[$tag]=$(sha "$file")
    put_bytes[$tag]=$bytes
    socat -u "OPEN:$file" "TCP:127.0.0.1:$PORT" < /dev/null 2> "$WORK/err" ||
        result FAIL "$tag: sending $bytes bytes to the guest: $(head -c 200 "$WORK/err")"
}

got() {             # got TAG BYTES SHA SECONDS: what the guest received
    local tag=$1
    got[$tag]=1
    if [ -z "${put_sha[$tag]:-}" ]; then
        result FAIL "$tag: the guest received $2 bytes, but the host sent it none"
    elif [ "$2" = "${put_bytes[$tag]}" ] && [ "$3" = "${put_sha[$tag]}" ]; then
        result OK "$tag: host -> guest: $2 bytes, SHA-256 equal on both ends ($(rate "$2" 0 "$4"), the guest's clock)"
    else
        result FAIL "$tag: host -> guest: sent ${put_bytes[$tag]} bytes, SHA-256 ${put_sha[$tag]}; the guest received $2, SHA-256 $3"
    fi
}

get() {             # get TAG BYTES SHA: the guest's bytes, to the end
    local tag=$1 file=$WORK/get t0 t1 mine
    get_done[$tag]=1
    t0=$(now)
    if ! socat -u "TCP:127.0.0.1:$PORT" "CREATE:$file" < /dev/null 2> "$WORK/err"; then
        result FAIL "$tag: receiving from the guest: $(head -c 200 "$WORK/err")"
        return
    fi
    t1=$(now)
    mine=$(sha "$file")
    if [ "$(wc -c < "$file")" = "$2" ] && [ "$mine" = "$3" ]; then
        result OK "$tag: guest -> host: $2 bytes, SHA-256 equal on both ends ($(rate "$2" "$t0" "$t1"))"
    else
        result FAIL "$tag: guest -> host: the guest sent $2 bytes, SHA-256 $3; the host received $(wc -c < "$file"), SHA-256 $mine"
    fi
}

exec 3< <(tail -n +1 -F "$DRVGEN_CONSOLE_LOG" 2>/dev/null)
TAIL=$!
while IFS= read -r line <&3; do
    line=${line%$'\r'}
    case $line in
    DRVGEN-TCP-*)
        read -r -a req <<< "${line#DRVGEN-TCP-}"
        if [ -z "$PORT" ] && ! host_port; then
            result FAIL "QEMU's monitor names no host port forwarded to the guest's $GUEST_PORT (info usernet)"
            continue
        fi
        case ${req[0]} in
        PUT) put "${req[1]}" "${req[2]}" ;;
        GOT) got "${req[1]}" "${req[2]}" "${req[3]}" "${req[4]}" ;;
        GET) get "${req[1]}" "${req[2]}" "${req[3]}" ;;
        esac
        ;;
    "DRVGEN-QEMU-EXIT "*)
        break
        ;;
    esac
done
for want in "$@"; do
    tag=${want#*:}
    case $want in
    in:*) if [ -z "${put_sha[$tag]:-}" ] || [ -z "${got[$tag]:-}" ]; then
              result FAIL "$tag: the guest never received a file from the host"
          fi ;;
    out:*) [ -n "${get_done[$tag]:-}" ] || result FAIL "$tag: the guest never sent the host a file" ;;
    *) result FAIL "net_host.sh: '$want' is neither in:TAG nor out:TAG" ;;
    esac
done
exit "$failed"
