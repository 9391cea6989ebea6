/* SPDX-License-Identifier: MIT */
/* drv_server.h - the server half of drvgen's userspace IPC (docs/ipc.md).
 *
 * A server owns objects (the generated object structs a driver embeds),
 * serves each to clients in other processes over a SOCK_SEQPACKET socket
 * at <run dir>/<interface>/<instance>, and to clients in this process
 * without syscalls. One poll loop serves every client of every object,
 * and the driver's own descriptors (an IRQ) with them.
 *
 * Every message is hostile until the generated dispatch has validated it;
 * a client that breaks the protocol, or stops reading its replies, is
 * cut off without disturbing the others.
 */
#ifndef DRV_SERVER_H
#define DRV_SERVER_H

#include "drv_client.h"
#include "drv_wire.h"

#ifdef __cplusplus
extern "C" {
#endif

struct drv_server;
struct drv_object;

enum {
	DRV_ANY_INSTANCE = -1, /* drv_object_publish: the lowest free number */
	/* Deferred calls one client may have open; past it, the server reads
	 * nothing more from that client until one is answered. */
	DRV_MAX_DEFERRED_PER_CLIENT = 16,
	/* ... and all clients together. */
	DRV_MAX_DEFERRED = 256,
};

/* 0, or a negative errno. */
int drv_server_new(struct drv_server **out);
/* Answers every call still deferred with DRV_STATUS_SHUTDOWN, closes every
 * connection and removes the sockets. Call tokens die with it: stop using
 * them (the driver's stop hook) first. */
void drv_server_free(struct drv_server *server);

/* Serves `self`, an object struct of `iface` already given its handlers,
 * to clients in this process (drv_object_connect). */
int drv_server_add(struct drv_server *server, const struct drv_interface *iface, void *self,
		   struct drv_object **out);
/* ... and to other processes, as instance `instance` (or DRV_ANY_INSTANCE)
 * at <run dir>/<interface name>/<instance>. A socket left by a server that
 * died is replaced; one a live server listens on is -EADDRINUSE. */
int drv_object_publish(struct drv_object *object, int instance);
/* The instance it was published as, or -1. */
int drv_object_instance(const struct drv_object *object);
/* An in-process client of the object: the generated stubs work on it as
 * on a connected one, without a syscall. */
int drv_object_connect(struct drv_object *object, struct drv_client **out);

/* The driver's own descriptors, served in the same loop: fn runs when fd
 * has any of `events` (POLLIN, ...). One watch per fd. */
typedef void (*drv_watch_fn)(void *ctx, int fd, short revents);
int drv_server_watch(struct drv_server *server, int fd, short events, drv_watch_fn fn,
		     void *ctx);
void drv_server_unwatch(struct drv_server *server, int fd);

/* Serves until drv_server_stop. 0, or a negative errno. */
int drv_server_run(struct drv_server *server);
/* One round: waits up to timeout_ms (-1: forever) for something to do and
 * does it. Returns how many descriptors were ready, or a negative errno
 * (-EDEADLK when there is nothing it could ever wait for). */
int drv_server_run_once(struct drv_server *server, int timeout_ms);
void drv_server_stop(struct drv_server *server);

struct drv_server_stats {
	uint64_t calls;        /* requests that reached a handler */
	uint64_t errors;       /* requests answered with a transport status */
	uint64_t deferred;     /* calls a handler deferred */
	uint64_t events;       /* events sent, counted per client */
	uint64_t clients;      /* connections accepted */
	uint64_t dropped;      /* clients cut off for breaking the protocol or not reading */
};
void drv_server_get_stats(const struct drv_server *server, struct drv_server_stats *out);

#ifdef __cplusplus
}
#endif

#endif
