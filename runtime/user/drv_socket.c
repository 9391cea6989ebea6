/* drv_socket.c - one message, with its file descriptors, over a
 * SOCK_SEQPACKET socket: the only place the userspace transport meets
 * sendmsg and recvmsg. Signals never interrupt a message (EINTR is
 * retried) and a peer gone away never raises SIGPIPE.
 */
#define _GNU_SOURCE
#include "drv_transport.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

union fd_control {
	struct cmsghdr h;
	char space[CMSG_SPACE(sizeof(int) * DRV_MAX_CAPS)];
};

ssize_t drv_receive(int fd, uint8_t *buf, int *fds, unsigned *nfds, int flags)
{
	ssize_t n;
	*nfds = 0;
	if (!fds) {
		/* No room for fds: the kernel closes any that come. MSG_TRUNC
		 * makes recv return a datagram's whole length, so one too long
		 * shows. The cheapest receive, as a ping-pong's. */
		do
			n = recv(fd, buf, DRV_MAX_MESSAGE, MSG_TRUNC | flags);
		while (n < 0 && errno == EINTR);
		return n > DRV_MAX_MESSAGE ? -2 : n;
	}
	union fd_control control;
	struct iovec iov = {buf, DRV_MAX_MESSAGE};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = &control,
			    .msg_controllen = sizeof control};
	do
		n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC | flags);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		size_t k = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < k; i++) {
			int f;
			memcpy(&f, CMSG_DATA(cm) + i * sizeof(int), sizeof f);
			if (*nfds < DRV_MAX_CAPS)
				fds[(*nfds)++] = f;
			else
				close(f);
		}
	}
	if (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) {
		drv_close_fds(fds, *nfds);
		*nfds = 0;
		return -2;
	}
	return n;
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
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
	union fd_control control;
	if (nfds) {
		memset(&control, 0, sizeof control);
		mh.msg_control = &control;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(cm), fds, sizeof(int) * nfds);
	}
	do
		n = sendmsg(fd, &mh, MSG_NOSIGNAL | flags);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -1 : 0;
}
