#!/bin/bash
# SPDX-License-Identifier: MIT
# vblk_image.sh - specs/virtioblk's AFTER command (targets/qemu/README.md):
# once QEMU has exited, the writable disk's image on the host holds exactly
# what the guest last read from the whole device through the drivers
# ("virtioblk-rw.img sha256: HASH" on the console): nothing written and
# answered was lost on the way to the file.
image=$DRVGEN_DISK_DIR/virtioblk-rw.img
want=$(tr -d '\r' < "$DRVGEN_CONSOLE_LOG" | sed -n 's/^virtioblk-rw\.img sha256: \([0-9a-f]\{64\}\)$/\1/p' | tail -n 1)
have=$(sha256sum < "$image" | cut -d' ' -f1)
if [ -z "$want" ]; then
    echo "not ok 1 host: virtioblk: the guest never said what the writable disk holds"
elif [ "$want" = "$have" ]; then
    echo "ok 1 host: virtioblk: the image file after poweroff is what the guest read from the disk (sha256 $have)"
else
    echo "not ok 1 host: virtioblk: the image file after poweroff (sha256 $have) is not what the guest read from the disk ($want)"
fi
