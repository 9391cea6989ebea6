// SPDX-License-Identifier: MIT
/* drv_sim.c - the simulated bus: windows onto device models, and the trace. */
#include "drv_sim.h"

#include "drv_driver.h"

#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

struct drv_sim_window {
	struct drv_sim *sim;
	const struct drv_desc_block *desc;
	struct drv_sim_model model;
	const char *bank;
};

struct drv_sim {
	struct drv_sim_window **windows;
	size_t nwindows;
	bool recording;
	struct drv_sim_access *trace;
	size_t ntrace, trace_cap;
	FILE *text, *jsonl;
};

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p) {
		fputs("drv_sim: out of memory\n", stderr);
		abort();
	}
	return p;
}

struct drv_sim *drv_sim_new(void)
{
	struct drv_sim *sim = xrealloc(NULL, sizeof *sim);
	memset(sim, 0, sizeof *sim);
	return sim;
}

void drv_sim_free(struct drv_sim *sim)
{
	if (!sim)
		return;
	for (size_t i = 0; i < sim->nwindows; i++)
		free(sim->windows[i]);
	free(sim->windows);
	free(sim->trace);
	free(sim);
}

struct drv_io drv_sim_map(struct drv_sim *sim, const struct drv_desc_block *desc,
			  struct drv_sim_model model)
{
	struct drv_sim_window *w = xrealloc(NULL, sizeof *w);
	w->sim = sim;
	w->desc = desc;
	w->model = model;
	w->bank = NULL;
	sim->windows = xrealloc(sim->windows, (sim->nwindows + 1) * sizeof *sim->windows);
	sim->windows[sim->nwindows++] = w;
	struct drv_io io = {w, 0};
	return io;
}

void drv_sim_set_bank(struct drv_io io, const char *bank)
{
	io.window->bank = bank;
}

void drv_sim_record(struct drv_sim *sim, bool on)
{
	sim->recording = on;
}

void drv_sim_trace_to(struct drv_sim *sim, FILE *text, FILE *jsonl)
{
	sim->text = text;
	sim->jsonl = jsonl;
}

size_t drv_sim_trace_len(const struct drv_sim *sim)
{
	return sim->ntrace;
}

const struct drv_sim_access *drv_sim_trace_at(const struct drv_sim *sim, size_t i)
{
	return i < sim->ntrace ? &sim->trace[i] : NULL;
}

void drv_sim_trace_clear(struct drv_sim *sim)
{
	sim->ntrace = 0;
}

/* ---- decoding an offset to a register ---- */

static bool same_bank(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* Is offset the start of an element of r? Fills the element's indices. */
static bool element_at(const struct drv_desc_reg *r, uint64_t offset, uint64_t *index)
{
	if (offset < r->offset)
		return false;
	uint64_t rel = offset - r->offset;
	for (uint8_t d = 0; d < r->ndims; d++) {
		uint64_t i = r->dims[d].stride ? rel / r->dims[d].stride : 0;
		if (i >= r->dims[d].count)
			return false;
		index[d] = i;
		rel -= i * r->dims[d].stride;
	}
	return rel == 0;
}

/* The register an access reaches: of the right size, readable or writable as
 * the access needs, in the window's current bank if several share it. */
static void decode(const struct drv_sim_window *w, struct drv_sim_access *a)
{
	a->reg = NULL;
	if (!w->desc)
		return;
	const struct drv_desc_reg *fallback = NULL;
	uint64_t fallback_index[DRV_SIM_MAX_DIMS];
	uint64_t offset = a->offset;
	if (w->desc->count > 1 && w->desc->stride) {
		a->instance = offset / w->desc->stride;
		offset %= w->desc->stride;
	}
	for (size_t i = 0; i < w->desc->nregs; i++) {
		const struct drv_desc_reg *r = &w->desc->regs[i];
		uint64_t index[DRV_SIM_MAX_DIMS] = {0};
		if (r->bytes != a->bytes || !(a->write ? r->writable : r->readable) ||
		    !element_at(r, offset, index))
			continue;
		if (same_bank(r->bank, w->bank)) {
			a->reg = r;
			memcpy(a->index, index, sizeof index);
			return;
		}
		if (!fallback) {
			fallback = r;
			memcpy(fallback_index, index, sizeof index);
		}
	}
	if (fallback) {
		a->reg = fallback;
		memcpy(a->index, fallback_index, sizeof fallback_index);
	}
}

/* ---- formatting ---- */

struct out {
	char *buf;
	size_t len, used;
};

__attribute__((format(printf, 2, 3))) static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(o->buf + o->used, o->used < o->len ? o->len - o->used : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->used += (size_t)n;
	if (o->used >= o->len)
		o->used = o->len ? o->len - 1 : 0;
}

/* "ring[].head" with index {1} -> "ring[1].head" */
static void put_name(struct out *o, const struct drv_sim_access *a)
{
	const char *name = a->reg->name;
	unsigned d = 0;
	for (const char *p = name; *p; p++) {
		if (p[0] == '[' && p[1] == ']' && d < DRV_SIM_MAX_DIMS) {
			put(o, "[%" PRIu64 "]", a->index[d++]);
			p++;
		} else {
			put(o, "%c", *p);
		}
	}
}

static uint64_t field_value(const struct drv_desc_field *f, uint64_t v)
{
	unsigned width = f->msb - f->lsb + 1u;
	uint64_t mask = width >= 64 ? UINT64_MAX : (UINT64_C(1) << width) - 1;
	return (v >> f->lsb) & mask;
}

static const char *enum_name(const struct drv_desc_field *f, uint64_t v)
{
	for (uint16_t i = 0; i < f->nenums; i++)
		if (f->enums[i].value == v)
			return f->enums[i].name;
	return NULL;
}

static const char *block_device(const struct drv_sim_access *a)
{
	return a->window->desc ? a->window->desc->device : "?";
}

static const char *block_name(const struct drv_sim_access *a)
{
	return a->window->desc ? a->window->desc->name : "?";
}

void drv_sim_format_text(const struct drv_sim_access *a, char *buf, size_t len)
{
	struct out o = {buf, len, 0};
	if (len)
		buf[0] = 0;
	put(&o, "%c %s.%s", a->write ? 'W' : 'R', block_device(a), block_name(a));
	if (a->window->desc && a->window->desc->count > 1)
		put(&o, "[%" PRIu64 "]", a->instance);
	put(&o, " ");
	if (a->reg)
		put_name(&o, a);
	else
		put(&o, "+0x%" PRIx64 "/%u", a->offset, a->bytes);
	put(&o, " %s 0x%0*" PRIx64, a->write ? "<-" : "->", (int)a->bytes * 2, a->value);
	if (!a->reg || !a->reg->nfields)
		return;
	put(&o, " {");
	for (uint16_t i = 0; i < a->reg->nfields; i++) {
		const struct drv_desc_field *f = &a->reg->fields[i];
		uint64_t v = field_value(f, a->value);
		const char *e = enum_name(f, v);
		if (e)
			put(&o, "%s%s=%s", i ? " " : "", f->name, e);
		else
			put(&o, "%s%s=0x%" PRIx64, i ? " " : "", f->name, v);
	}
	put(&o, "}");
}

void drv_sim_format_json(const struct drv_sim_access *a, char *buf, size_t len)
{
	struct out o = {buf, len, 0};
	if (len)
		buf[0] = 0;
	put(&o, "{\"op\":\"%s\",\"block\":\"%s.%s\",", a->write ? "write" : "read",
	    block_device(a), block_name(a));
	if (a->window->desc && a->window->desc->count > 1)
		put(&o, "\"instance\":%" PRIu64 ",", a->instance);
	put(&o, "\"offset\":%" PRIu64 ",\"bytes\":%u,\"value\":%" PRIu64, a->offset, a->bytes,
	    a->value);
	if (a->reg) {
		put(&o, ",\"register\":\"");
		put_name(&o, a);
		put(&o, "\",\"fields\":{");
		for (uint16_t i = 0; i < a->reg->nfields; i++) {
			const struct drv_desc_field *f = &a->reg->fields[i];
			uint64_t v = field_value(f, a->value);
			const char *e = enum_name(f, v);
			if (e)
				put(&o, "%s\"%s\":\"%s\"", i ? "," : "", f->name, e);
			else
				put(&o, "%s\"%s\":%" PRIu64, i ? "," : "", f->name, v);
		}
		put(&o, "}");
	} else {
		put(&o, ",\"register\":null");
	}
	put(&o, "}");
}

/* ---- the accesses themselves ---- */

static void record(struct drv_sim_window *w, bool write, uint64_t off, unsigned bytes,
		   uint64_t value)
{
	struct drv_sim *sim = w->sim;
	if (!sim->recording && !sim->text && !sim->jsonl)
		return;
	struct drv_sim_access a = {write, w, off, 0, bytes, value, NULL, {0}};
	decode(w, &a);
	char line[1024];
	if (sim->text) {
		drv_sim_format_text(&a, line, sizeof line);
		fprintf(sim->text, "%s\n", line);
	}
	if (sim->jsonl) {
		drv_sim_format_json(&a, line, sizeof line);
		fprintf(sim->jsonl, "%s\n", line);
	}
	if (!sim->recording)
		return;
	if (sim->ntrace == sim->trace_cap) {
		sim->trace_cap = sim->trace_cap ? sim->trace_cap * 2 : 64;
		sim->trace = xrealloc(sim->trace, sim->trace_cap * sizeof *sim->trace);
	}
	sim->trace[sim->ntrace++] = a;
}

static uint64_t width_mask(unsigned bytes)
{
	return bytes >= 8 ? UINT64_MAX : (UINT64_C(1) << (bytes * 8)) - 1;
}

uint64_t drv_sim_read(struct drv_sim_window *w, uint64_t off, unsigned bytes)
{
	uint64_t v = w->model.read(w->model.ctx, off, bytes) & width_mask(bytes);
	record(w, false, off, bytes, v);
	return v;
}

void drv_sim_write(struct drv_sim_window *w, uint64_t off, unsigned bytes, uint64_t v)
{
	v &= width_mask(bytes);
	/* Recorded before the model runs, so a write that makes the model
	 * access the bus itself (DMA) appears in the order it happened. */
	record(w, true, off, bytes, v);
	w->model.write(w->model.ctx, off, bytes, v);
}

/* ---- timers ---- */

struct drv_timer {
	bool armed, periodic;
	uint64_t ns;
};

struct drv_timer *drv_sim_timer_new(void)
{
	struct drv_timer *t = calloc(1, sizeof *t);
	if (!t)
		abort();
	return t;
}

void drv_sim_timer_free(struct drv_timer *t)
{
	free(t);
}

bool drv_sim_timer_armed(const struct drv_timer *t)
{
	return t->armed;
}

uint64_t drv_sim_timer_interval(const struct drv_timer *t)
{
	return t->ns;
}

bool drv_sim_timer_expire(struct drv_timer *t)
{
	if (!t->armed)
		return false;
	t->armed = t->periodic;
	return true;
}

void drv_timer_arm(struct drv_timer *t, uint64_t ns)
{
	*t = (struct drv_timer){true, false, ns};
}

void drv_timer_arm_periodic(struct drv_timer *t, uint64_t ns)
{
	*t = (struct drv_timer){true, true, ns};
}

void drv_timer_disarm(struct drv_timer *t)
{
	t->armed = false;
}
