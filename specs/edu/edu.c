// SPDX-License-Identifier: MIT
/*
 * edu.c - the driver of QEMU's edu device, serving edu::device (edu.idl).
 *
 * Written once, against the typed registers of edu.regs.yaml and the
 * capabilities of edu.manifest.yaml; the same file builds into the kernel
 * module, the userspace server and the host tests against the simulated
 * device. Like every drvgen driver it runs one event at a time and never
 * waits: a call that needs the device (a factorial, a DMA transfer) is
 * started, deferred, and answered from the interrupt.
 *
 * The device computes one factorial and runs one DMA transfer at a time, so
 * each unit has a short queue of deferred calls: a client that finds the
 * queue full gets BUSY rather than waiting behind an unbounded line.
 *
 * A job the device does not finish in time (its interrupt lost, say) fails
 * with TIMEOUT: the manifest's deadline timer ticks while jobs wait, and a
 * job still first in its queue at its second tick is answered and dropped,
 * so one to two intervals after it started.
 *
 * Erratum: QEMU 7.2's edu refuses, with a fatal hw_error, any transfer that
 * ends at the last byte of its buffer (an off-by-one in its range check,
 * fixed in later QEMU). The driver never asks for one: it keeps that byte
 * itself, in `last`, and moves the rest by DMA, so clients still see a
 * 4 KiB buffer.
 */
#include "drv_pci.h"
#include "edu_driver.h"

enum {
	EDU_MAGIC = 0xed,
	EDU_DMA_WINDOW = 0x40000, /* the device buffer, in the device's DMA address space */
	EDU_DMA_WINDOW_SIZE = 4096,
	EDU_QUEUE = 8, /* deferred calls waiting per unit */
	EDU_MAX_N = 12, /* 13! does not fit the 32-bit result register */
	EDU_DEADLINE_TICKS = 2, /* ticks of the deadline timer a job may take */
};

/* A deferred call and what it asked for. */
struct edu_job {
	struct drv_call *call;
	uint32_t n;               /* factorial */
	struct drv_pages *pages;  /* dma */
	uint32_t offset, len;     /* dma */
	bool to_device;           /* dma: dma_write */
};

/* Jobs in arrival order; the first is the one the device is running. */
struct edu_queue {
	struct edu_job jobs[EDU_QUEUE];
	unsigned head, count;
	unsigned ticks; /* deadline ticks the first job has seen */
	bool started;	/* the device is working on the first job */
	bool stale;	/* a job timed out: the device may still be on it */
};

struct edu {
	struct edu_driver base;
	struct edu_queue factorial;
	struct edu_queue dma;
	uint8_t last; /* the device buffer's last byte (the erratum above) */
	bool ticking; /* the deadline timer is armed */
};
EDU_DRIVER(struct edu);

static struct edu *from_edu_device(struct edu_device *self)
{
	return drv_container_of(self, struct edu, base.edu_device);
}

static struct edu_job *queue_first(struct edu_queue *q)
{
	return q->count ? &q->jobs[q->head] : NULL;
}

/* Adds a job; false if the queue is full. */
static bool queue_push(struct edu_queue *q, const struct edu_job *job)
{
	if (q->count == EDU_QUEUE)
		return false;
	q->jobs[(q->head + q->count++) % EDU_QUEUE] = *job;
	return true;
}

static void queue_pop(struct edu_queue *q)
{
	q->head = (q->head + 1) % EDU_QUEUE;
	q->count--;
	q->ticks = 0; /* the next job's time starts now */
	q->started = false;
}

/* The deadline timer ticks while any job waits. */
static void watch(struct edu *edu)
{
	if (edu->ticking)
		return;
	drv_timer_arm_periodic(edu->base.caps.deadline, EDU_TIMER_DEADLINE_NS);
	edu->ticking = true;
}

/* ---- the units ---- */

/* Starts the first queued factorial. After a timeout the device may still
 * be computing the dropped job: then the next tick or that job's late
 * interrupt tries again, and its completion is forgotten first. */
static void start_factorial(struct edu *edu)
{
	struct edu_bar0 regs = edu->base.caps.regs;
	struct edu_queue *q = &edu->factorial;

	if (q->stale) {
		if (edu_status_computing_get(edu_status_read(regs)))
			return;
		edu_irq_ack_write(regs, edu_irq_status_value(EDU_IRQ_STATUS_FACT_MASK));
		q->stale = false;
	}
	edu_factorial_write(regs, queue_first(q)->n);
	q->started = true;
}

/* The bytes of a job the device moves: all but the buffer's last byte. */
static uint32_t dma_bytes(const struct edu_job *job)
{
	return job->offset + job->len == EDU_DMA_WINDOW_SIZE ? job->len - 1 : job->len;
}

/* Moves the buffer's last byte between the caller's pages and `last`, if
 * the job covers it. */
static void move_last_byte(struct edu *edu, const struct edu_job *job)
{
	uint8_t *byte = (uint8_t *)job->pages->data + dma_bytes(job);

	if (dma_bytes(job) == job->len)
		return;
	if (job->to_device)
		edu->last = *byte;
	else
		*byte = edu->last;
}

/* Answers a DMA job whose transfer (if it needed one) is done. */
static void finish_dma_job(struct edu *edu, struct edu_job *job)
{
	if (!job->to_device)
		drv_copy(job->pages->data, edu->base.caps.buf.cpu, dma_bytes(job));
	move_last_byte(edu, job);
	if (job->to_device)
		edu_device_dma_write_reply(job->call, 0);
	else
		edu_device_dma_read_reply(job->call, 0);
}

/* Starts the first queued job that needs the device, answering on the way
 * those that do not (only the last byte). */
static void start_dma(struct edu *edu)
{
	struct edu_bar0 regs = edu->base.caps.regs;
	const struct drv_dma_buffer *buf = &edu->base.caps.buf;
	struct edu_queue *q = &edu->dma;
	struct edu_job *job;
	edu_dma_cmd_t cmd = edu_dma_cmd_start_set(edu_dma_cmd_value(0), 1);

	while ((job = queue_first(q)) && !dma_bytes(job)) {
		finish_dma_job(edu, job);
		queue_pop(q);
	}
	if (!job)
		return;
	if (q->stale) { /* as in start_factorial */
		if (edu_dma_cmd_start_get(edu_dma_cmd_read(regs)))
			return;
		edu_irq_ack_write(regs, edu_irq_status_value(EDU_IRQ_STATUS_DMA_MASK));
		q->stale = false;
	}
	cmd = edu_dma_cmd_irq_enable_set(cmd, 1);
	if (job->to_device) {
		drv_copy(buf->cpu, job->pages->data, dma_bytes(job));
		edu_dma_src_write(regs, buf->bus);
		edu_dma_dst_write(regs, EDU_DMA_WINDOW + job->offset);
		cmd = edu_dma_cmd_direction_set(cmd, EDU_DMA_CMD_DIRECTION_TO_DEVICE);
	} else {
		edu_dma_src_write(regs, EDU_DMA_WINDOW + job->offset);
		edu_dma_dst_write(regs, buf->bus);
		cmd = edu_dma_cmd_direction_set(cmd, EDU_DMA_CMD_DIRECTION_FROM_DEVICE);
	}
	edu_dma_count_write(regs, dma_bytes(job));
	edu_dma_cmd_write(regs, cmd);
	q->started = true;
}

static void factorial_done(struct edu *edu)
{
	struct edu_job *job = queue_first(&edu->factorial);

	if (!job)
		return; /* raised by someone writing irq_raise */
	if (!edu->factorial.started) {
		start_factorial(edu); /* a timed-out job's: the device is free */
		return;
	}
	edu_device_factorial_reply(job->call, 0, edu_factorial_read(edu->base.caps.regs));
	queue_pop(&edu->factorial);
	if (edu->factorial.count)
		start_factorial(edu);
}

static void dma_done(struct edu *edu)
{
	struct edu_job *job = queue_first(&edu->dma);

	if (!job)
		return;
	if (!edu->dma.started) {
		start_dma(edu); /* as in factorial_done */
		return;
	}
	/* A cancelled call's pages stay mapped until its reply, so it is
	 * finished like any other. */
	finish_dma_job(edu, job);
	queue_pop(&edu->dma);
	start_dma(edu);
}

/* ---- hooks ---- */

int edu_init(struct edu_driver *drv)
{
	edu_id_t id = edu_id_read(drv->caps.regs);

	if (edu_id_magic_get(id) != EDU_MAGIC) {
		drv_log("edu", "no edu device: id register reads 0x%08x", (unsigned)edu_id_raw(id));
		return -ENODEV;
	}
	if (drv->caps.buf.size < EDU_DMA_WINDOW_SIZE)
		return -ENOMEM;
	/* Nothing from before this driver is pending. */
	edu_irq_ack_write(drv->caps.regs, edu_irq_status_read(drv->caps.regs));
	edu_status_irq_enable_update(drv->caps.regs, 1);
	drv_log("edu", "edu %u.%u, instance %u", (unsigned)edu_id_major_get(id),
		(unsigned)edu_id_minor_get(id), drv->instance);
	return 0;
}

void edu_start(struct edu_driver *drv)
{
	(void)drv;
}

bool edu_irq(struct edu_driver *drv, unsigned irq)
{
	struct edu *edu = drv_container_of(drv, struct edu, base);
	edu_irq_status_t why = edu_irq_status_read(drv->caps.regs);

	(void)irq;
	if (!edu_irq_status_raw(why))
		return false; /* a device sharing the line */
	edu_irq_ack_write(drv->caps.regs, why);
	if (edu_irq_status_fact_get(why))
		factorial_done(edu);
	if (edu_irq_status_dma_get(why))
		dma_done(edu);
	return true;
}

void edu_stop(struct edu_driver *drv)
{
	struct edu *edu = drv_container_of(drv, struct edu, base);

	edu_status_irq_enable_update(drv->caps.regs, 0);
	drv_timer_disarm(drv->caps.deadline);
	edu->ticking = false;
	/* The runtime answers the calls still queued (SHUTDOWN); forget them. */
	edu->factorial.count = 0;
	edu->dma.count = 0;
}

/* Idle (no client holds the device) and about to sleep. QEMU's edu keeps
 * its registers in D3hot, but a real device may not: nothing of the
 * device's own is relied on across a sleep. A job still queued (a
 * cancelled call waiting for its reply) keeps the device awake. */
int edu_suspend(struct edu_driver *drv)
{
	struct edu *edu = drv_container_of(drv, struct edu, base);

	if (edu->factorial.count || edu->dma.count)
		return -EBUSY;
	edu_status_irq_enable_update(drv->caps.regs, 0);
	drv_log("edu", "instance %u suspended", drv->instance);
	return 0;
}

/* Awake again: interrupts on, as init left them. */
int edu_resume(struct edu_driver *drv)
{
	edu_irq_ack_write(drv->caps.regs, edu_irq_status_read(drv->caps.regs));
	edu_status_irq_enable_update(drv->caps.regs, 1);
	drv_log("edu", "instance %u resumed", drv->instance);
	return 0;
}

/* Whether the first job of q has now waited EDU_DEADLINE_TICKS ticks; if
 * so it leaves the queue (the caller answers it) and the device may still
 * be on it. */
static bool expired(struct edu_queue *q)
{
	if (!q->count || ++q->ticks < EDU_DEADLINE_TICKS)
		return false;
	q->stale |= q->started;
	return true;
}

/* A tick of the deadline: answers the jobs that took too long with TIMEOUT
 * and starts what waits for a device that was busy. */
void edu_timer(struct edu_driver *drv, unsigned timer)
{
	struct edu *edu = drv_container_of(drv, struct edu, base);
	struct edu_job *job;

	(void)timer;
	if (expired(&edu->factorial)) {
		edu_device_factorial_reply(queue_first(&edu->factorial)->call, EDU_ERROR_TIMEOUT, 0);
		queue_pop(&edu->factorial);
	}
	if (edu->factorial.count && !edu->factorial.started)
		start_factorial(edu);
	if (expired(&edu->dma)) {
		/* on QEMU the transfer is long done, only its interrupt lost */
		job = queue_first(&edu->dma);
		if (job->to_device)
			edu_device_dma_write_reply(job->call, EDU_ERROR_TIMEOUT);
		else
			edu_device_dma_read_reply(job->call, EDU_ERROR_TIMEOUT);
		queue_pop(&edu->dma);
	}
	if (edu->dma.count && !edu->dma.started)
		start_dma(edu);
	if (!edu->factorial.count && !edu->dma.count) {
		drv_timer_disarm(drv->caps.deadline);
		edu->ticking = false;
	}
}

/* ---- edu::device ---- */

static int edu_ident(struct edu_device *self, struct drv_call *call, uint32_t *result)
{
	(void)call;
	*result = edu_id_raw(edu_id_read(from_edu_device(self)->base.caps.regs));
	return 0;
}

static int edu_liveness(struct edu_device *self, struct drv_call *call, uint32_t v,
			uint32_t *result)
{
	struct edu_bar0 regs = from_edu_device(self)->base.caps.regs;

	(void)call;
	edu_liveness_write(regs, v);
	*result = edu_liveness_read(regs);
	return 0;
}

static int edu_factorial(struct edu_device *self, struct drv_call *call, uint32_t n,
			 uint32_t *result)
{
	struct edu *edu = from_edu_device(self);
	struct edu_job job = {.call = call, .n = n};

	(void)result;
	if (n > EDU_MAX_N)
		return EDU_ERROR_RANGE;
	if (!queue_push(&edu->factorial, &job))
		return EDU_ERROR_BUSY;
	if (edu->factorial.count == 1)
		start_factorial(edu);
	watch(edu);
	return DRV_DEFER;
}

/* Queues a DMA transfer of [offset, offset+len) of the device buffer. */
static int queue_dma(struct edu_device *self, struct drv_call *call, struct drv_pages *pages,
		     uint32_t offset, uint32_t len, bool to_device)
{
	struct edu *edu = from_edu_device(self);
	struct edu_job job = {
		.call = call, .pages = pages, .offset = offset, .len = len, .to_device = to_device};

	if (offset > EDU_DMA_WINDOW_SIZE || len > EDU_DMA_WINDOW_SIZE - offset || len > pages->size)
		return EDU_ERROR_RANGE;
	if (!len)
		return 0;
	if (!edu->dma.count && !dma_bytes(&job)) {
		move_last_byte(edu, &job); /* only the last byte, nothing queued before it */
		return 0;
	}
	if (!queue_push(&edu->dma, &job))
		return EDU_ERROR_BUSY;
	if (edu->dma.count == 1)
		start_dma(edu);
	watch(edu);
	return DRV_DEFER;
}

static int edu_dma_write(struct edu_device *self, struct drv_call *call, struct drv_pages *pages,
			 uint32_t offset, uint32_t len)
{
	return queue_dma(self, call, pages, offset, len, true);
}

static int edu_dma_read(struct edu_device *self, struct drv_call *call, struct drv_pages *pages,
			uint32_t offset, uint32_t len)
{
	return queue_dma(self, call, pages, offset, len, false);
}

/* The configuration space: its header through the typed registers, the
 * capability list through the runtime's walk (drv_pci.h). */
static int edu_pci_info(struct edu_device *self, struct drv_call *call, struct edu_pci_info *result)
{
	struct edu *edu = from_edu_device(self);
	struct edu_pci pci = edu->base.caps.pci;
	struct drv_pci_cap cap = {0};

	(void)call;
	result->vendor = edu_pci_vendor_read(pci);
	result->device = edu_pci_device_read(pci);
	result->msi = 0;
	result->capabilities = 0;
	while (drv_pci_next_cap(pci.io, &cap)) {
		result->capabilities++;
		if (cap.id == DRV_PCI_CAP_MSI && !result->msi)
			result->msi = cap.offset;
	}
	result->msi_enabled = edu_msi_control_enable_get(edu_msi_control_read(edu->base.caps.msi));
	return 0;
}

const struct edu_device_ops edu_device_ops = EDU_DEVICE_OPS(edu);
