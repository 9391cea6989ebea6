/* SPDX-License-Identifier: MIT */
/* host.h - the parts of the userspace-server target (drv_host.c), and what
 * they share: one `struct host` per server process.
 *
 * drv_host.c runs the steps in order; each file here does one thing:
 *   sysfs.c    PCI devices as sysfs shows them: finding the one to serve,
 *              binding it to a kernel driver, its BARs, locking it
 *   vfio.c     the device through VFIO and the IOMMU: BARs, config space,
 *              INTx/MSI/MSI-X as eventfds, DMA at IOVAs the server chooses
 *   uio.c      the device without an IOMMU: uio_pci_generic and sysfs,
 *              INTx only, DMA into pinned pages at their physical address
 *   dma.c      coherent buffers and streaming mappings over either bus
 *   timer.c    the manifest's timers, as timerfds in the serving loop
 *   power.c    the manifest's power section: suspend when no client is
 *              connected, D3hot through PMCSR, wake for the next
 *   registry.c the protocols' sockets from drvgen-devd (sys::devregistry)
 *   sandbox.c  no privileges, no capabilities, a seccomp allow-list
 * docs/drivers.md describes the target; docs/internals.md the runtime.
 */
#ifndef DRV_HOST_INTERNAL_H
#define DRV_HOST_INTERNAL_H

#include "drv_driver.h"
#include "drv_server.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HOST_LOG(h, ...) drv_log((h)->name, __VA_ARGS__)

enum { HOST_PCI_BARS = 6, HOST_CONFIG_SIZE = 4096 };

struct host;

/* One interrupt of the manifest, as the serving loop watches it. */
struct host_irq {
	struct host *host;
	unsigned index; /* in desc->irqs, as the irq hook sees it */
	int fd;         /* readable when it fired: a UIO device or an eventfd */
	int unmask_fd;  /* VFIO INTx: written to re-enable the line; else -1 */
	bool uio_intx;  /* UIO INTx: re-enabled through the command register */
	bool uio_line;  /* drv_uio_irq: re-enabled by writing the UIO fd */
};

/* The device's configuration space, as generated accessors reach it
 * (runtime/user/drv_io.h): a file and where the space starts in it, and
 * the byte ranges the manifest lets the driver write. The file is the
 * process's highest descriptor (host_fd_to_top), which the sandbox filters
 * writes to by offset. */
struct drv_config_space {
	struct host *host;
	int fd;
	uint64_t region; /* offset of config space in fd */
	struct host_write_range {
		uint16_t offset;
		uint8_t bytes;
	} writes[64];
	unsigned nwrites;
	bool sealed; /* from here on only `writes` may be written */
};

/* A BAR as the bus reports it. */
struct host_bar {
	uint64_t start; /* I/O BAR: the first port; memory BAR: the bus address */
	uint64_t size;
	bool io;
};

/* How the server reaches its PCI device: VFIO or UIO (vfio.c, uio.c). */
struct host_bus {
	const char *name;
	/* Binds the device to the bus's kernel driver and opens it. */
	int (*open)(struct host *h);
	int (*bar)(struct host *h, unsigned bar, struct host_bar *out);
	/* Maps [offset, offset + size) of memory BAR `bar`. */
	int (*map)(struct host *h, unsigned bar, uint64_t offset, uint64_t size, void **out);
	/* Opens an eventfd or UIO fd per interrupt of the manifest. */
	int (*irqs)(struct host *h);
	/* Makes [cpu, cpu + size) (page aligned) reachable by the device
	 * below 2^bits, in at most max segments: their number, or a negative
	 * errno (-E2BIG: it needs more). */
	int (*dma_map)(struct host *h, void *cpu, uint64_t size, unsigned bits,
		       struct drv_dma_segment *seg, unsigned max);
	/* Undoes dma_map of [cpu, cpu + size), whose first segment was at
	 * bus address `bus`. */
	void (*dma_unmap)(struct host *h, void *cpu, uint64_t size, uint64_t bus);
	/* A coherent buffer of `size` bytes below 2^bits, contiguous on the bus. */
	int (*dma_alloc)(struct host *h, const struct drv_dma_desc *d, struct drv_dma_buffer *out);
};

extern const struct host_bus host_vfio_bus;
extern const struct host_bus host_uio_bus;

/* The IOVA space the server hands out (vfio.c): first fit, lowest first,
 * in the ranges the IOMMU allows. */
struct host_iova_range {
	uint64_t start, end; /* [start, end) */
};

struct host_iova {
	struct host_iova_range allowed[8]; /* sorted; none: not read yet */
	unsigned nallowed;
	struct host_iova_range *used; /* sorted */
	size_t nused, cap;
};

struct host {
	const struct drv_driver_desc *desc;
	const char *name;
	bool verbose;
	bool force_uio;
	bool print_matches; /* --matches */
	const char *device_opt;
	int instance; /* --instance, or DRV_ANY_INSTANCE until published */
	struct drv_server_options limits; /* --max-*: 0 is the default */
	bool pci;
	char bdf[16];
	char dev_dir[64]; /* /sys/bus/pci/devices/<bdf> */
	long page;
	const struct host_bus *bus;
	struct drv_config_space config; /* the device's (fd -1: none) */
	int lock_fd;      /* holds the device's flock (host_lock) */
	/* VFIO */
	int container_fd, device_fd; /* the container: -1 once the sandbox closed it */
	struct host_iova iova;
	/* UIO */
	int pagemap_fd;
	struct host_irq irqs[DRV_MAX_RESOURCES];
	struct drv_timer *timers[DRV_MAX_RESOURCES];
	struct drv_dma_stream *streams[DRV_MAX_RESOURCES];
	struct drv_resources res;
	void *drv;
	struct drv_server *server;
	struct drv_object *objects[DRV_MAX_RESOURCES]; /* one per provided interface */
	int sig_fd;
	/* VFIO's request eventfd: the kernel wants the device back (it is
	 * being unplugged); -1 where there is none (UIO) */
	int unplug_fd;
	/* power.c: the idle timer (-1: no power section), PMCSR's offset in
	 * config space (0: the device stays in D0 asleep), whether it sleeps */
	int idle_fd;
	uint16_t pmcsr;
	bool asleep;
	bool failed; /* the loop stopped for an error, not a signal */
};

/* ---- sysfs.c ---- */

/* A small text file, NUL-terminated, without its trailing newline. */
int host_read_text(const char *path, char *buf, size_t size);
/* Writes s in one write(), as sysfs attributes take a value. */
int host_write_text(const char *path, const char *s);
/* A number in a sysfs file (base 16 for ids, 10 for the irq). */
int host_read_number(const char *path, int base, uint32_t *out);
/* <device dir>/<name> into buf. */
int host_dev_path(const struct host *h, char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* The device to serve: --device, or the first that matches, into h->bdf. */
int host_find_pci_device(struct host *h);
/* Binds the device to `driver` through driver_override (a device another
 * driver holds is not taken). */
int host_bind_driver(struct host *h, const char *driver);
/* BAR `bar` from <device>/resource. */
int host_sysfs_bar(struct host *h, unsigned bar, struct host_bar *out);
/* Takes the device for this process (flock on fd): one server per device. */
int host_lock(struct host *h, int fd, const char *what);
/* Moves fd to the highest descriptor number the process may have: the
 * sandbox tells it apart from every other with one comparison. */
int host_fd_to_top(struct host *h, int *fd);

/* ---- config space (drv_host.c) ---- */

uint32_t drv_config_read(const struct drv_config_space *cs, unsigned off, unsigned bytes);
void drv_config_write(const struct drv_config_space *cs, unsigned off, unsigned bytes,
		      uint32_t v);
/* The manifest's config blocks, found and granted (capabilities walked),
 * and PMCSR for a driver with a power section whose device can sleep. */
int host_setup_config(struct host *h);
/* What the driver may write in config space is fixed from here on. */
void host_seal_config(struct host *h);

/* ---- uio.c ---- */

/* An ISA line through drv_uio_irq.ko (runtime/kmod/drv_uio_irq.c). */
int host_uio_line(struct host *h, struct host_irq *q);

/* ---- dma.c ---- */

/* Bus mastering, the coherent buffers and the streaming capabilities. */
int host_setup_dma(struct host *h);
/* Unmaps what the driver still has mapped of an answered call. */
void host_dma_release_call(struct host *h, const struct drv_call *call);

/* ---- timer.c ---- */

int host_setup_timers(struct host *h);
int host_watch_timers(struct host *h);
void host_free_timers(struct host *h);

/* ---- power.c ---- */

/* The idle timer and the serving loop's connections: 0 or -errno (0 at
 * once without a power section). Before the sandbox. */
int host_watch_power(struct host *h);
/* D0 and the resume hook, if the device sleeps: 0, or the hook's error. */
int host_power_wake(struct host *h);

/* ---- registry.c ---- */

struct sys_devregistry_client;

/* Serves o, an object of iface, on the socket drvgen-devd names for it,
 * as the instance devd gives (sys::devregistry's new). 0, or a negative
 * DRV_E_... or DRV_STATUS_... (drv_strerror): -DRV_STATUS_INTERNAL when
 * devd refuses (it did not start this process, or the driver does not
 * serve iface), -DRV_E_BAD_REPLY when its handle is no listening socket. */
int host_register(struct sys_devregistry_client *registry, struct drv_object *o,
		  const struct drv_interface *iface);

/* ---- sandbox.c ---- */

/* Empty root, user nobody, the filter: from here on the server serves. */
int host_enter_sandbox(struct host *h);
/* No new privileges and the seccomp allow-list alone, for h as it is
 * (its config fd, container, pagemap and protocols): the last step of
 * host_enter_sandbox, which a test can take unprivileged. */
int host_load_filter(const struct host *h);

#endif
