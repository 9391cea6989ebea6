/* SPDX-License-Identifier: MIT */
/* drv_ioctl.h - the ioctl a client uses to call a driver that runs as a
 * kernel module (runtime/kmod/drv_kmod.c), shared by the module and
 * userspace (runtime/user/drv_ioctl.c).
 *
 * A driver module makes one misc device per interface it serves per
 * device it drives, at /dev/drvgen/<interface>/<instance> (the same layout
 * as the userspace server's run directory). DRV_IOC_CALL carries exactly
 * the bytes the socket transport carries (docs/wire-format.md): a message,
 * header first, in; a reply message, header first, out. Only what a socket
 * carries beside the bytes differs: a page buffer travels as the address
 * and size of the caller's memory (the kernel pins and maps it for the
 * call) instead of a memfd, and handles do not travel at all (a call with
 * one is answered DRV_STATUS_BAD_CAPS). Events are not carried either.
 *
 * Fields are fixed-size integers and pointers travel as __u64, so one
 * layout serves 32- and 64-bit callers alike.
 */
#ifndef DRV_IOCTL_H
#define DRV_IOCTL_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* DRV_MAX_CAPS of drv_wire.h, which the kernel side checks it against:
 * this header stands alone so a program needs nothing else for the ABI. */
#define DRV_IOC_MAX_CAPS 8

/* The largest page buffer one capability may lend: what the kernel pins
 * and maps at once for a call. */
#define DRV_IOC_MAX_PAGES_SIZE (16u << 20)

/* A page buffer: `size` bytes of the caller's writable memory at `addr`. */
struct drv_ioc_cap {
	__u64 addr;
	__u64 size;
};

struct drv_ioc_call {
	__u64 msg;       /* in: the message, header first */
	__u32 msg_len;   /* in: its bytes, header included */
	__u32 ncaps;     /* in: caps[] used; the header's ncaps must agree */
	__u64 reply;     /* in: where the reply message goes (a call; unused for a send) */
	__u32 reply_cap; /* in: room there; 24 + 65512 always suffices */
	__u32 reply_len; /* out: the reply's bytes, header included; 0 for a send */
	struct drv_ioc_cap caps[DRV_IOC_MAX_CAPS];
};

/*
 * Returns 0 when the driver answered (the status is in the reply header),
 * or -1 with errno for what the socket transport reports by closing the
 * connection, and for the kernel's own failures:
 *   EINVAL      not a message one could answer: shorter than the header,
 *               longer than 65536 bytes, over 8 capabilities, a kind other
 *               than call or send; the file is then cut off, as a socket is
 *   ECONNRESET  the file was cut off: by the above, or by a protocol whose
 *               @malformed("close") policy closes on a bad request
 *   ENODEV      the device is gone (unbound, or the module is stopping)
 *   EMSGSIZE    reply_cap is too small for the reply
 *   EFAULT      msg or reply is not the caller's memory
 *   ENOMEM      the kernel could not allocate the call
 *   EINTR       the caller was killed while the driver still worked on
 *               the call (only a fatal signal interrupts the wait)
 */
#define DRV_IOC_CALL _IOWR('D', 1, struct drv_ioc_call)

#endif
