// SPDX-License-Identifier: MIT
/* nbd_netlink.c - configuring the kernel's NBD driver over generic netlink
 * (linux/nbd-netlink.h) with libnl: connect a device to sockets the bridge
 * serves, and disconnect it.
 */
#define _GNU_SOURCE
#include "nbd.h"

#include <errno.h>
#include <stdbool.h>
#include <linux/nbd-netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>
#include <stdio.h>

/* A generic netlink socket with the "nbd" family resolved. */
struct nbd_nl {
	struct nl_sock *sock;
	int family;
};

static int nbd_nl_open(struct nbd_nl *nl)
{
	nl->sock = nl_socket_alloc();
	if (!nl->sock)
		return -ENOMEM;
	int st = genl_connect(nl->sock);
	if (st >= 0) {
		nl->family = genl_ctrl_resolve(nl->sock, "nbd");
		st = nl->family;
	}
	if (st < 0) {
		nl_socket_free(nl->sock);
		nl->sock = NULL;
		return -ENOENT; /* no nbd module: modprobe nbd */
	}
	return 0;
}

static void nbd_nl_close(struct nbd_nl *nl)
{
	nl_socket_free(nl->sock);
}

/* The device index in the kernel's answer to a connect. */
static int on_connected(struct nl_msg *msg, void *arg)
{
	struct nlattr *attrs[NBD_ATTR_MAX + 1];
	if (genlmsg_parse(nlmsg_hdr(msg), 0, attrs, NBD_ATTR_MAX, NULL) == 0 &&
	    attrs[NBD_ATTR_INDEX])
		*(int *)arg = (int)nla_get_u32(attrs[NBD_ATTR_INDEX]);
	return NL_OK;
}

int nbd_connect(const struct nbd_config *cfg, const int *fds, unsigned nfds, int *index)
{
	struct nbd_nl nl;
	int st = nbd_nl_open(&nl);
	if (st)
		return st;
	struct nl_msg *msg = nlmsg_alloc();
	struct nlattr *socks;
	st = -ENOMEM;
	if (!msg || !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl.family, 0, 0, NBD_CMD_CONNECT, 0))
		goto out;
	if ((cfg->index >= 0 && nla_put_u32(msg, NBD_ATTR_INDEX, (uint32_t)cfg->index)) ||
	    nla_put_u64(msg, NBD_ATTR_SIZE_BYTES, cfg->size) ||
	    nla_put_u64(msg, NBD_ATTR_BLOCK_SIZE_BYTES, cfg->block_size) ||
	    nla_put_u64(msg, NBD_ATTR_SERVER_FLAGS, cfg->flags) ||
	    nla_put_u64(msg, NBD_ATTR_TIMEOUT, cfg->timeout_s))
		goto out;
	socks = nla_nest_start(msg, NBD_ATTR_SOCKETS);
	if (!socks)
		goto out;
	for (unsigned i = 0; i < nfds; i++) {
		struct nlattr *item = nla_nest_start(msg, NBD_SOCK_ITEM);
		if (!item || nla_put_u32(msg, NBD_SOCK_FD, (uint32_t)fds[i]))
			goto out;
		nla_nest_end(msg, item);
	}
	nla_nest_end(msg, socks);
	*index = -1;
	nl_socket_modify_cb(nl.sock, NL_CB_VALID, NL_CB_CUSTOM, on_connected, index);
	st = nl_send_sync(nl.sock, msg); /* frees msg, waits for the ack */
	msg = NULL;
	if (st < 0)
		st = -EIO;
	else if (*index < 0)
		st = -EPROTO;
out:
	nlmsg_free(msg);
	nbd_nl_close(&nl);
	return st;
}

/* A command about device `index`, with its size when sized. */
static int nbd_command(uint8_t cmd, int index, bool sized, uint64_t size)
{
	struct nbd_nl nl;
	int st = nbd_nl_open(&nl);
	if (st)
		return st;
	struct nl_msg *msg = nlmsg_alloc();
	st = -ENOMEM;
	if (msg && genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl.family, 0, 0, cmd, 0) &&
	    !nla_put_u32(msg, NBD_ATTR_INDEX, (uint32_t)index) &&
	    (!sized || !nla_put_u64(msg, NBD_ATTR_SIZE_BYTES, size))) {
		st = nl_send_sync(nl.sock, msg) < 0 ? -EIO : 0;
		msg = NULL;
	}
	nlmsg_free(msg);
	nbd_nl_close(&nl);
	return st;
}

int nbd_disconnect(int index)
{
	return nbd_command(NBD_CMD_DISCONNECT, index, false, 0);
}

int nbd_resize(int index, uint64_t size)
{
	return nbd_command(NBD_CMD_RECONFIGURE, index, true, size);
}
