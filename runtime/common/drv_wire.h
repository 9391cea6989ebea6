/* SPDX-License-Identifier: MIT */
/* drv_wire.h - the message format every transport carries (docs/wire-format.md),
 * and what generated client stubs and server dispatch share with them.
 *
 * Header-only and free of libc beyond memcpy/memset, so the kernel target
 * uses the same codec. Values are little-endian on the wire whatever the
 * host; the put/get helpers below are the only place bytes are ordered.
 */
#ifndef DRV_WIRE_H
#define DRV_WIRE_H

#ifdef __KERNEL__
#include <linux/string.h>
#include <linux/types.h>
#else
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#endif

/* ---- the header ---- */

enum {
	DRV_HEADER_SIZE = 24,
	DRV_MAX_MESSAGE = 65536, /* header and payload */
	DRV_MAX_PAYLOAD = DRV_MAX_MESSAGE - DRV_HEADER_SIZE,
	DRV_MAX_CAPS = 8,
	/* Descriptors one datagram may carry: a batch's messages together. */
	DRV_MAX_BATCH_CAPS = 64,
	/* Room a decoder unpacks vectors into: a C element is at most 4 times
	 * its wire size (an enum of one byte becomes an int). */
	DRV_SCRATCH_SIZE = 4 * DRV_MAX_MESSAGE,
};

/* What a message is. A call expects a reply with its request id; a send
 * and an event do not. A batch is one datagram holding several whole
 * messages (calls and sends one way, replies and events the other), whose
 * descriptors it carries in their order. */
enum drv_kind {
	DRV_KIND_CALL = 1,
	DRV_KIND_REPLY = 2,
	DRV_KIND_SEND = 3,
	DRV_KIND_EVENT = 4,
	DRV_KIND_BATCH = 5,
};

/* The status of a reply: 0, a method's own error (its `!` type, 1..0xffff),
 * or one of these, which come from the transport or the generated dispatch
 * and never reach the author's code. */
enum drv_status {
	DRV_OK = 0,
	DRV_STATUS_UNKNOWN_LABEL = 0x10001, /* no method with this label */
	DRV_STATUS_MALFORMED = 0x10002,     /* size, padding, enum, bound or UTF-8 wrong */
	DRV_STATUS_BAD_CAPS = 0x10003,      /* wrong number or kind of capabilities */
	DRV_STATUS_INTERNAL = 0x10004,      /* the server broke its own protocol */
	DRV_STATUS_SHUTDOWN = 0x10005,      /* the server stopped before replying */
	DRV_STATUS_LIMIT = 0x10006,         /* refused: one of the server's resource limits */
};

/* What a client stub returns besides 0 and a method's own error: the
 * negated transport status the server replied with, or one of these,
 * negated. */
enum drv_client_error {
	DRV_E_CONNECTION = 0x20001, /* no server, or it went away mid-call */
	DRV_E_ARGUMENT = 0x20002,   /* an argument is out of its range or bound, or a NULL buffer */
	DRV_E_BAD_REPLY = 0x20003,  /* the reply did not follow the protocol */
	DRV_E_NO_MEMORY = 0x20004,  /* a buffer could not be made */
	DRV_E_BUSY = 0x20005,       /* a call on this client is already running */
	/* The connection broke while the call was in flight (the server
	 * crashed, restarted or stopped): it may or may not have run. The
	 * client connects again on its next call; @idempotent calls are made
	 * again once by their stubs. */
	DRV_E_RESTARTED = 0x20006,
};

/* A handler returns this to keep the call and reply later: a value no
 * handler returns by mistake (-1 is -EPERM). */
#define DRV_DEFER (-0x10000)

struct drv_header {
	uint64_t label; /* interface ID << 16 | op */
	uint32_t request;
	uint32_t length; /* payload bytes after the header, a multiple of 8 */
	uint16_t ncaps;
	uint16_t kind;
	/* A reply's status; in a call, send or event, bit i is set when
	 * capability i is a page buffer rather than a handle. */
	uint32_t status;
};

/* ---- little-endian fields ----
 *
 * On a little-endian host a field is its bytes as they lie in memory: one
 * load or store. Compilers do not reliably merge the byte-wise form into
 * one (it took a hundred instructions to write a header), so only
 * big-endian hosts use it. */

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define DRV_WIRE_NATIVE 1
#else
#define DRV_WIRE_NATIVE 0
#endif

static inline void drv_put8(uint8_t *p, uint8_t v)
{
	p[0] = v;
}

static inline void drv_put16(uint8_t *p, uint16_t v)
{
	if (DRV_WIRE_NATIVE) {
		memcpy(p, &v, sizeof v);
		return;
	}
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void drv_put32(uint8_t *p, uint32_t v)
{
	if (DRV_WIRE_NATIVE) {
		memcpy(p, &v, sizeof v);
		return;
	}
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline void drv_put64(uint8_t *p, uint64_t v)
{
	if (DRV_WIRE_NATIVE) {
		memcpy(p, &v, sizeof v);
		return;
	}
	drv_put32(p, (uint32_t)v);
	drv_put32(p + 4, (uint32_t)(v >> 32));
}

static inline uint8_t drv_get8(const uint8_t *p)
{
	return p[0];
}

static inline uint16_t drv_get16(const uint8_t *p)
{
	uint16_t v;
	if (DRV_WIRE_NATIVE) {
		memcpy(&v, p, sizeof v);
		return v;
	}
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t drv_get32(const uint8_t *p)
{
	uint32_t v;
	if (DRV_WIRE_NATIVE) {
		memcpy(&v, p, sizeof v);
		return v;
	}
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t drv_get64(const uint8_t *p)
{
	uint64_t v;
	if (DRV_WIRE_NATIVE) {
		memcpy(&v, p, sizeof v);
		return v;
	}
	return (uint64_t)drv_get32(p) | (uint64_t)drv_get32(p + 4) << 32;
}

static inline void drv_header_put(uint8_t *p, const struct drv_header *h)
{
	drv_put64(p, h->label);
	drv_put32(p + 8, h->request);
	drv_put32(p + 12, h->length);
	drv_put16(p + 16, h->ncaps);
	drv_put16(p + 18, h->kind);
	drv_put32(p + 20, h->status);
}

static inline void drv_header_get(const uint8_t *p, struct drv_header *h)
{
	h->label = drv_get64(p);
	h->request = drv_get32(p + 8);
	h->length = drv_get32(p + 12);
	h->ncaps = drv_get16(p + 16);
	h->kind = drv_get16(p + 18);
	h->status = drv_get32(p + 20);
}

/* ---- checks the generated decoders build on ---- */

static inline uint32_t drv_align8(uint32_t n)
{
	return (n + 7u) & ~7u;
}

/* Every byte of p[from..to) is zero: padding carries nothing. */
static inline bool drv_zeros(const uint8_t *p, uint32_t from, uint32_t to)
{
	for (uint32_t i = from; i < to; i++)
		if (p[i])
			return false;
	return true;
}

/* Well-formed UTF-8 without NUL: what a str may hold. */
static inline bool drv_utf8(const uint8_t *s, uint32_t len)
{
	for (uint32_t i = 0; i < len;) {
		uint8_t c = s[i];
		uint32_t n, cp;
		if (c == 0)
			return false;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			n = 2;
			cp = c & 0x1fu;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 3;
			cp = c & 0x0fu;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 4;
			cp = c & 0x07u;
		} else {
			return false;
		}
		if (len - i < n)
			return false;
		for (uint32_t k = 1; k < n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + k] & 0x3fu);
		}
		if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += n;
	}
	return true;
}

/* Bytes moved in place or between buffers; nothing to do for none (so a
 * NULL pointer with no bytes is fine, which memmove does not promise). */
static inline void drv_copy(void *dst, const void *src, uint32_t n)
{
	if (n)
		memmove(dst, src, n);
}

/* strnlen, which C11 lacks. */
static inline uint32_t drv_strnlen(const char *s, uint32_t max)
{
	uint32_t n = 0;
	while (n < max && s[n])
		n++;
	return n;
}

/* The status a reply carries for a handler's nonzero return: a value of
 * the method's `!` error type, or DRV_STATUS_INTERNAL for anything else
 * (the server broke its own protocol; the client is told, not misled). */
static inline uint32_t drv_error_status(int status, bool (*valid)(uint64_t))
{
	if (status > 0 && valid && valid((uint64_t)status))
		return (uint32_t)status;
	return DRV_STATUS_INTERNAL;
}

/* A transport status (DRV_STATUS_UNKNOWN_LABEL .. DRV_STATUS_LIMIT),
 * not a method's own error. */
static inline bool drv_is_transport_status(uint32_t st)
{
	return st >= DRV_STATUS_UNKNOWN_LABEL && st <= DRV_STATUS_LIMIT;
}

/* What @malformed("close") closes a client for: its own fault, not the
 * server's (DRV_STATUS_INTERNAL). */
static inline bool drv_is_client_fault(uint32_t st)
{
	return st == DRV_STATUS_UNKNOWN_LABEL || st == DRV_STATUS_MALFORMED ||
	       st == DRV_STATUS_BAD_CAPS;
}

/* Every transport's first check of a request: the header against what
 * arrived, `len` bytes with `ncaps` capabilities (at most DRV_MAX_CAPS).
 * 0, or the status to reply with. The capabilities themselves are the
 * transport's to check. */
static inline uint32_t drv_check_header(const struct drv_header *h, size_t len, unsigned ncaps)
{
	if (h->length != len - DRV_HEADER_SIZE || h->length % 8)
		return DRV_STATUS_MALFORMED;
	if (h->ncaps != ncaps)
		return DRV_STATUS_BAD_CAPS;
	if (h->status >> ncaps) /* ncaps <= DRV_MAX_CAPS: the shift is defined */
		return DRV_STATUS_MALFORMED; /* kinds announced for capabilities not sent */
	return 0;
}

/* ---- a call being served ---- */

/* A `page...` capability as the server sees it: the client's buffer,
 * mapped (userspace: the memfd it sent; kernel: the pinned pages). */
struct drv_pages {
	void *data;
	size_t size;
};

enum drv_cap_kind { DRV_CAP_HANDLE = 1, DRV_CAP_PAGES = 2 };

struct drv_cap {
	enum drv_cap_kind kind;
	int fd;                 /* DRV_CAP_HANDLE: a file descriptor */
	struct drv_pages pages; /* DRV_CAP_PAGES */
};

struct drv_call;

/* How a transport is told a deferred reply is ready in call->reply. */
typedef void (*drv_finish_fn)(struct drv_call *call, uint32_t status);

/* One request, from the transport to the generated dispatch and on to the
 * author's handler, which may keep it to reply later. The transport keeps
 * msg, caps and reply valid until the reply is sent. */
struct drv_call {
	uint64_t label;
	uint32_t request;
	uint16_t kind;
	const uint8_t *msg; /* the payload */
	uint32_t len;
	struct drv_cap caps[DRV_MAX_CAPS];
	unsigned ncaps;
	uint8_t *reply; /* where the reply payload is encoded */
	uint32_t reply_cap;
	uint32_t reply_len;
	uint8_t *scratch; /* 8-aligned room the decoder unpacks vectors into */
	uint32_t scratch_cap;
	struct drv_cap reply_caps[DRV_MAX_CAPS];
	unsigned nreply_caps;
	drv_finish_fn finish; /* set by the transport for deferred replies */
	void *transport;      /* the transport's own state for this call */
	/* Set by the transport when the client has gone: a deferred call
	 * still wants its reply (which then goes nowhere), but the work for
	 * it may stop. */
	bool cancelled;
};

/* The driver's lock around a handler: the generated dispatch validates and
 * decodes a request first, then runs the handler between drv_call_enter
 * and drv_call_leave, and encodes the reply after, so only the author's
 * code runs under the kernel's instance lock (interrupts off), not the
 * codec of a 64 KiB message. drv_call_enter takes the lock and returns
 * false when the device has gone (the handler must not run then; the call
 * is answered DRV_STATUS_SHUTDOWN); drv_call_leave releases it either way.
 * The userspace runtime runs one event at a time anyway: no lock. */
#ifdef __KERNEL__
bool drv_call_enter(struct drv_call *call) __acquires(call);
void drv_call_leave(struct drv_call *call) __releases(call);
#else
static inline bool drv_call_enter(struct drv_call *call)
{
	(void)call;
	return true;
}

static inline void drv_call_leave(struct drv_call *call)
{
	(void)call;
}
#endif

/* ---- an event being delivered to a client ---- */

struct drv_event {
	uint64_t label;
	const uint8_t *msg; /* the payload */
	uint32_t len;
	uint8_t *scratch; /* 8-aligned, as in drv_call */
	uint32_t scratch_cap;
};

/* Any function pointer, as a client stores event handlers of every type;
 * each event's generated thunk casts it back. */
typedef void (*drv_fn)(void);
/* Decodes an event and calls the handler; -DRV_E_BAD_REPLY if the event
 * does not follow the protocol. */
typedef int (*drv_event_thunk)(drv_fn handler, void *ctx, const struct drv_event *ev);

/* ---- serving an object ---- */

struct drv_object; /* a served object, as its transport knows it */

/* What a transport needs to serve an object of one interface; generated
 * for each (<iface>_interface). */
struct drv_interface {
	const char *name; /* "edu::device" */
	uint32_t id;
	int (*dispatch)(void *self, struct drv_call *call);
	void (*attach)(void *self, struct drv_object *obj); /* the transport serving it */
	bool close_on_malformed;                            /* the protocol's policy (@malformed) */
	/* A reply or event of it carries descriptors (out capabilities): only
	 * then may a sandboxed userspace server call sendmsg. */
	bool sends_handles;
};

/* Events: the generated emit functions encode into the transport's buffer
 * and hand it over; each transport implements these two. */
uint8_t *drv_event_buffer(struct drv_object *obj);
int drv_event_send(struct drv_object *obj, uint64_t label, uint32_t len);

#endif
