/* SPDX-License-Identifier: MIT */
/* nbd.h - the NBD bridge's parts (nbd.c: the bridge; nbd_netlink.c: the
 * kernel's NBD driver configured over netlink). */
#ifndef DRV_NBD_H
#define DRV_NBD_H

#include <stdint.h>

/* What the kernel is told about the device. */
struct nbd_config {
	int index;           /* /dev/nbd<index>, or -1: the first free one */
	uint64_t size;       /* bytes */
	uint64_t block_size; /* bytes */
	uint64_t flags;      /* NBD_FLAG_... */
	uint64_t timeout_s;  /* a request unanswered this long fails */
};

/* Connects a device to the sockets fds (the kernel's ends), which the
 * bridge serves from their other ends; *index is the device's. 0, or a
 * negative errno (-ENOENT: no nbd module). */
int nbd_connect(const struct nbd_config *cfg, const int *fds, unsigned nfds, int *index);
/* Asks the kernel to disconnect device index: it sends NBD_CMD_DISC on
 * each socket and closes them. */
int nbd_disconnect(int index);

/* Tells the kernel the disk behind /dev/nbd<index> is now size bytes;
 * 0 or -errno. */
int nbd_resize(int index, uint64_t size);

#endif
