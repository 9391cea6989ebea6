/* SPDX-License-Identifier: MIT */
/* drv_server.h - the server half of drvgen's userspace IPC (docs/ipc.md).
 *
 * A server owns objects (the generated object structs a driver embeds),
 * serves each to clients in other processes over a SOCK_SEQPACKET socket
 * at <run dir>/<interface>/<instance>, and to clients in this process
 * without syscalls. One epoll loop serves every client of every object,
 * and the driver's own descriptors (an IRQ) with them.
 *
 * Every message is hostile until the generated dispatch has validated it;
 * a client that breaks the protocol, or stops reading its replies, is
 * cut off without disturbing the others, and what one client may hold of
 * the server (connections, mapped page buffers, deferred calls) is
 * limited (struct drv_server_options): past a limit the server answers
 * DRV_STATUS_LIMIT and counts it, and serves the others on.
 *
 * The loop's system calls after drv_server_new, for a seccomp allow-list:
 * epoll_wait, epoll_ctl, accept4, recvmsg, sendto (send: a message
 * without descriptors), sendmsg only for replies that carry descriptors
 * (drv_interface.sends_handles), close, fstat (newfstatat with
 * AT_EMPTY_PATH), fcntl (F_GET_SEALS,
 * F_GETFL, F_SETFL, F_DUPFD_CLOEXEC), mmap, munmap, clock_gettime, and
 * what malloc uses.
 */
#ifndef DRV_SERVER_H
#define DRV_SERVER_H

#include "drv_client.h"
#include "drv_wire.h"

#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

struct drv_server;
struct drv_object;

enum {
	DRV_ANY_INSTANCE = -1, /* drv_object_publish: the lowest free number */
};

/* What a server lets clients take of it. A field left 0 takes its
 * default; every limit holds for clients in other processes (an
 * in-process client is the server's own code). */
struct drv_server_options {
	/* Connections open at once (default 128). The server answers one
	 * more with DRV_STATUS_LIMIT and closes it. Keep it well under
	 * RLIMIT_NOFILE: each connection is a descriptor, and each call in
	 * flight may hold DRV_MAX_CAPS more. */
	unsigned max_connections;
	/* Deferred calls one connection may have (default 64): a call that
	 * arrives when its connection has that many is answered
	 * DRV_STATUS_LIMIT without reaching its handler. It is also how many
	 * calls a client may keep in flight with no reply refused or the
	 * connection cut off. */
	unsigned max_deferred;
	/* Page buffers one connection may have mapped at once, in use by its
	 * calls or kept for reuse (default 64). */
	unsigned max_mappings;
	/* Bytes of page buffers one connection may have mapped (default
	 * 1 GiB), and all connections together (default 16 GiB). A buffer
	 * over either, once mappings no call uses are let go, is answered
	 * DRV_STATUS_LIMIT. */
	uint64_t max_mapped_per_connection;
	uint64_t max_mapped;
};

enum {
	DRV_DEFAULT_MAX_CONNECTIONS = 128,
	DRV_DEFAULT_MAX_DEFERRED = 64,
	DRV_DEFAULT_MAX_MAPPINGS = 64,
};
#define DRV_DEFAULT_MAX_MAPPED_PER_CONNECTION (1ull << 30)
#define DRV_DEFAULT_MAX_MAPPED (16ull << 30)

/* 0, or a negative errno. */
int drv_server_new(struct drv_server **out);
/* The same, with limits (NULL: every default). */
int drv_server_new_with(struct drv_server **out, const struct drv_server_options *options);
/* Answers every call still deferred with DRV_STATUS_SHUTDOWN, closes every
 * connection and removes the sockets. Call tokens die with it: stop using
 * them (the driver's stop hook) first. */
void drv_server_free(struct drv_server *server);
/* The limits in force, defaults filled in. */
void drv_server_get_options(const struct drv_server *server, struct drv_server_options *out);

/* Serves `self`, an object struct of `iface` already given its handlers,
 * to clients in this process (drv_object_connect). */
int drv_server_add(struct drv_server *server, const struct drv_interface *iface, void *self,
		   struct drv_object **out);
/* ... and to other processes, as instance `instance` (or DRV_ANY_INSTANCE)
 * at <run dir>/<interface name>/<instance>. A socket left by a server that
 * died is replaced; one a live server listens on is -EADDRINUSE. */
int drv_object_publish(struct drv_object *object, int instance);
/* What drv_object_publish listens on: a SOCK_SEQPACKET socket named
 * <run dir>/<interface name>/<n>, n the lowest free from `instance` on
 * (DRV_ANY_INSTANCE: from 0), or `instance` itself when it is one; a name
 * left by a server that died is replaced. For whoever names sockets for
 * servers (drvgen-devd). 0 with *fd and *n set, or a negative errno. */
int drv_listen_named(const char *interface_name, int instance, int *fd, int *n);
/* ... or on `fd`, a listening SOCK_SEQPACKET socket someone else made and
 * named (drvgen-devd, which hands it out with sys::devregistry's new:
 * docs/drivers.md, "The device registry"), as instance `instance`. The
 * server closes its descriptor when it is freed but removes no name.
 * 0, or a negative errno (-ENOTSOCK: fd is not such a socket). */
int drv_object_listen(struct drv_object *object, int fd, int instance);
/* The instance it was published as, or -1. */
int drv_object_instance(const struct drv_object *object);
/* The process of the client that made a call over a socket, as the kernel
 * saw it connect (SO_PEERCRED); 0 for an in-process client or one that
 * has gone. Not for a sandboxed server: getsockopt is not on its list. */
pid_t drv_call_peer_pid(const struct drv_call *call);
/* An in-process client of the object: the generated stubs work on it as
 * on a connected one, without a syscall. */
int drv_object_connect(struct drv_object *object, struct drv_client **out);

/* The driver's own descriptors, served in the same loop: fn runs when fd
 * has any of `events` (POLLIN, ...). One watch per fd. */
typedef void (*drv_watch_fn)(void *ctx, int fd, short revents);
int drv_server_watch(struct drv_server *server, int fd, short events, drv_watch_fn fn,
		     void *ctx);
void drv_server_unwatch(struct drv_server *server, int fd);

/* fn(ctx, true) runs when the first connection from another process
 * opens, before anything it sends is read; fn(ctx, false) when the last
 * one closes (a client's in-process connections do not count). What the
 * userspace server's power management waits for (docs/drivers.md,
 * "Power"). NULL stops it. */
typedef void (*drv_busy_fn)(void *ctx, bool busy);
void drv_server_on_busy(struct drv_server *server, drv_busy_fn fn, void *ctx);

/* Serves until drv_server_stop. 0, or a negative errno. */
int drv_server_run(struct drv_server *server);
/* One round: waits up to timeout_ms (-1: forever) for something to do and
 * does it. Returns how many descriptors were ready, or a negative errno
 * (-EDEADLK when there is nothing it could ever wait for). */
int drv_server_run_once(struct drv_server *server, int timeout_ms);
void drv_server_stop(struct drv_server *server);

struct drv_server_stats {
	uint64_t calls;    /* requests that reached a handler */
	uint64_t errors;   /* requests answered with a transport status */
	uint64_t deferred; /* calls a handler deferred */
	uint64_t events;   /* events sent, counted per client */
	uint64_t clients;  /* connections accepted */
	uint64_t dropped;  /* clients cut off for breaking the protocol or not reading */
	uint64_t batches;  /* datagrams of several messages received */
	uint64_t held;     /* times a client that reads batches had a full socket, and
			    * what was for it was held until it read */
	/* Refusals, each answered DRV_STATUS_LIMIT (and counted in errors
	 * when it answers a request): */
	uint64_t refused_connections; /* over max_connections, or no descriptor or
				       * memory to serve one with */
	uint64_t refused_deferred;    /* calls over max_deferred */
	uint64_t refused_mappings;    /* page buffers over a mapping limit, or that
				       * could not be mapped */
	uint64_t refused_descriptors; /* requests whose descriptors the server had no
				       * room for (RLIMIT_NOFILE) */
	uint64_t refused_memory;      /* requests the server had no memory to serve */
	/* Now: */
	uint64_t connections; /* open */
	uint64_t mapped;      /* bytes of page buffers mapped */
};
void drv_server_get_stats(const struct drv_server *server, struct drv_server_stats *out);

#ifdef __cplusplus
}
#endif

#endif
