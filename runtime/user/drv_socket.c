// SPDX-License-Identifier: MIT
/* drv_socket.c - one datagram, with its file descriptors, over a
 * SOCK_SEQPACKET socket: the only place the userspace transport meets
 * sendmsg and recvmsg. Signals never interrupt a datagram (EINTR is
 * retried) and a peer gone away never raises SIGPIPE. A datagram without
 * descriptors goes by send (sendto): a server whose protocols hand out no
 * handles is not allowed sendmsg at all (runtime/user/host/sandbox.c).
 */
#define _GNU_SOURCE
#include "drv_transport.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

union fd_control {
	struct cmsghdr h;
	char space[CMSG_SPACE(sizeof(int) * DRV_MAX_BATCH_CAPS)];
};

void drv_receive(int fd, uint8_t *buf, int *fds, unsigned max_fds, int flags,
		 struct drv_received *r)
{
	ssize_t n;
	r->nfds = 0;
	r->too_long = r->fds_cut = false;
	if (!fds || !max_fds) {
		/* No room for fds: the kernel closes any that come. MSG_TRUNC
		 * makes recv return a datagram's whole length, so one too long
		 * shows. The cheapest receive, as a ping-pong's. */
		do
			n = recv(fd, buf, DRV_MAX_MESSAGE, MSG_TRUNC | flags);
		while (n < 0 && errno == EINTR);
		r->too_long = n > DRV_MAX_MESSAGE;
		r->len = r->too_long ? DRV_MAX_MESSAGE : n;
		return;
	}
	union fd_control control;
	struct iovec iov = {buf, DRV_MAX_MESSAGE};
	struct msghdr mh = {.msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = &control,
			    .msg_controllen = CMSG_SPACE(sizeof(int) * max_fds)};
	do
		n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC | flags);
	while (n < 0 && errno == EINTR);
	r->len = n;
	if (n < 0)
		return;
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		size_t k = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < k; i++) {
			int f;
			memcpy(&f, CMSG_DATA(cm) + i * sizeof(int), sizeof f);
			if (r->nfds < max_fds)
				fds[r->nfds++] = f;
			else
				close(f);
		}
	}
	r->too_long = mh.msg_flags & MSG_TRUNC;
	/* more descriptors than room, or none free here (EMFILE): the kernel
	 * dropped the rest */
	r->fds_cut = mh.msg_flags & MSG_CTRUNC;
}

int drv_send(int fd, const uint8_t *msg, size_t len, const int *fds, unsigned nfds, int flags)
{
	ssize_t n;
	if (!nfds) {
		do
			n = send(fd, msg, len, MSG_NOSIGNAL | flags);
		while (n < 0 && errno == EINTR);
		return n < 0 ? -1 : 0;
	}
	struct iovec iov = {(void *)msg, len};
	union fd_control control;
	memset(&control, 0, CMSG_SPACE(sizeof(int) * nfds));
	struct msghdr mh = {.msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = &control,
			    .msg_controllen = CMSG_SPACE(sizeof(int) * nfds)};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
	memcpy(CMSG_DATA(cm), fds, sizeof(int) * nfds);
	do
		n = sendmsg(fd, &mh, MSG_NOSIGNAL | flags);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -1 : 0;
}

/* ---- batches: several messages in one datagram ---- */

void drv_batch_init(struct drv_batch *b)
{
	b->len = DRV_HEADER_SIZE;
	b->count = 0;
	b->nfds = 0;
}

bool drv_batch_fits(const struct drv_batch *b, uint32_t size, unsigned nfds)
{
	return !b->count ||
	       (b->len + size <= DRV_MAX_MESSAGE && b->nfds + nfds <= DRV_MAX_BATCH_CAPS);
}

void drv_batch_add(struct drv_batch *b, const uint8_t *msg, uint32_t size, const int *fds,
		   unsigned nfds)
{
	memcpy(b->buf + b->len, msg, size);
	b->len += size;
	b->count++;
	drv_copy(b->fds + b->nfds, fds, nfds * (uint32_t)sizeof *fds);
	b->nfds += nfds;
}

int drv_batch_send(int fd, struct drv_batch *b, int flags)
{
	const uint8_t *msg = b->buf;
	uint32_t len = b->len;
	if (b->count == 1 && !b->always) {
		/* a batch of one is just the message */
		msg += DRV_HEADER_SIZE;
		len -= DRV_HEADER_SIZE;
	} else {
		struct drv_header h = {0, 0, len - DRV_HEADER_SIZE, (uint16_t)b->nfds, DRV_KIND_BATCH,
				       0};
		drv_header_put(b->buf, &h);
	}
	if (drv_send(fd, msg, len, b->fds, b->nfds, flags) < 0)
		return -1;
	drv_batch_init(b);
	return 0;
}

bool drv_batch_header_ok(const struct drv_header *h, size_t len)
{
	return !h->label && !h->request && !h->status && h->length >= DRV_HEADER_SIZE &&
	       h->length == len - DRV_HEADER_SIZE;
}

int drv_batch_next(struct drv_batch_cursor *k, struct drv_header *m)
{
	k->msg = k->at;
	k->first_fd = k->fds_at;
	if (k->at == k->len)
		return k->fds_at == k->nfds ? 0 : -1;
	if (k->len - k->at < DRV_HEADER_SIZE)
		return -1;
	drv_header_get(k->buf + k->at, m);
	if (m->kind == DRV_KIND_BATCH || m->length % 8 ||
	    m->length > k->len - k->at - DRV_HEADER_SIZE || m->ncaps > DRV_MAX_CAPS ||
	    m->ncaps > k->nfds - k->fds_at)
		return -1;
	k->at += DRV_HEADER_SIZE + m->length;
	k->fds_at += m->ncaps;
	return 1;
}
