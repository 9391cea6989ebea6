// SPDX-License-Identifier: MIT
/* config.c - the device's PCI configuration space for the userspace server:
 * the manifest's config blocks found (at a fixed offset or at a
 * capability), the registers they let the driver write, and the reads and
 * writes of generated accessors (drv_cfg_read32, runtime/user/drv_io.h).
 *
 * Reads go anywhere in configuration space: they have no side effects,
 * and sysfs lets any user read the header anyway. Writes go only to the
 * registers the manifest's blocks name as writable; the sandbox enforces
 * the same list on the file (sandbox.c), so a driver compromised after
 * init cannot rewrite a BAR or the MSI-X capability either.
 */
#define _GNU_SOURCE
#include "host.h"

#include "drv_pci.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <unistd.h>

uint32_t drv_config_read(const struct drv_config_space *cs, unsigned off, unsigned bytes)
{
	uint8_t b[4] = {0}; /* a narrower read leaves the upper bytes 0 */
	if (!cs || cs->fd < 0 || bytes > 4 || off + bytes > HOST_CONFIG_SIZE ||
	    pread(cs->fd, b, bytes, (off_t)(cs->region + off)) != (ssize_t)bytes)
		return bytes == 4 ? 0xffffffffu : (1u << (8 * bytes)) - 1; /* a missing device's */
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static bool granted(const struct drv_config_space *cs, unsigned off, unsigned bytes)
{
	for (unsigned i = 0; i < cs->nwrites; i++)
		if (cs->writes[i].offset == off && cs->writes[i].bytes == bytes)
			return true;
	return false;
}

/* The runtime's own writes (the command register) and the driver's. */
static int write_config(const struct drv_config_space *cs, unsigned off, unsigned bytes,
			uint32_t v)
{
	uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
	if (pwrite(cs->fd, b, bytes, (off_t)(cs->region + off)) != (ssize_t)bytes)
		return errno ? -errno : -EIO;
	return 0;
}

void drv_config_write(const struct drv_config_space *cs, unsigned off, unsigned bytes, uint32_t v)
{
	if (!cs || cs->fd < 0)
		return;
	/* Before it is sealed, only the runtime writes. */
	if (cs->sealed && !granted(cs, off, bytes)) {
		static unsigned warned;
		if (warned++ < 8)
			HOST_LOG(cs->host, "config write of %u bytes at 0x%x refused: the manifest "
					   "grants no such register",
				 bytes, off);
		return;
	}
	int st = write_config(cs, off, bytes, v);
	if (st)
		HOST_LOG(cs->host, "config write at 0x%x failed: %s", off, strerror(-st));
}

static int grant(struct host *h, unsigned off, unsigned bytes)
{
	struct drv_config_space *cs = &h->config;
	if (granted(cs, off, bytes))
		return 0;
	if (cs->nwrites == sizeof cs->writes / sizeof *cs->writes) {
		HOST_LOG(h, "config: more writable registers than the server tracks");
		return -E2BIG;
	}
	cs->writes[cs->nwrites].offset = (uint16_t)off;
	cs->writes[cs->nwrites].bytes = (uint8_t)bytes;
	cs->nwrites++;
	return 0;
}

enum {
	PCI_COMMAND = 0x04,
	PCI_CAP_PM = 0x01,
	PCI_PM_CTRL = 0x04,         /* PMCSR, in the PM capability */
	PCI_PM_NO_SOFT_RESET = 0x0008, /* ... D3hot to D0 keeps the configuration */
};

/* A driver with a power section may put its device in D3hot (power.c):
 * PMCSR, and no other register of the PM capability, is granted, where
 * the device has the capability and wakes with its configuration (VFIO
 * restores it; through sysfs only No_Soft_Reset keeps it). */
static int grant_pmcsr(struct host *h)
{
	struct drv_pci_cap cap = {0};
	if (!h->desc->suspend || h->config.fd < 0)
		return 0;
	if (!drv_pci_find_cap(drv_io_config(&h->config, 0), PCI_CAP_PM, &cap)) {
		HOST_LOG(h, "power: no PM capability: staying in D0 when idle");
		return 0;
	}
	unsigned pmcsr = cap.offset + PCI_PM_CTRL;
	if (h->bus != &host_vfio_bus &&
	    !(drv_config_read(&h->config, pmcsr, 2) & PCI_PM_NO_SOFT_RESET)) {
		HOST_LOG(h, "power: D3hot would reset the configuration space, which only VFIO "
			    "restores: staying in D0 when idle");
		return 0;
	}
	h->pmcsr = (uint16_t)pmcsr;
	HOST_LOG(h, "power: PM capability at 0x%x: D3hot when idle (PMCSR at 0x%x)", cap.offset,
		 pmcsr);
	return grant(h, pmcsr, 2);
}

int host_setup_config(struct host *h)
{
	const struct drv_driver_desc *d = h->desc;
	if (d->nconfig && h->config.fd < 0) {
		HOST_LOG(h, "config %s: only a PCI device has configuration space",
			 d->config[0].name);
		return -EINVAL;
	}
	struct drv_io whole = drv_io_config(&h->config, 0);
	for (unsigned i = 0; i < d->nconfig; i++) {
		const struct drv_config_desc *c = &d->config[i];
		unsigned base = c->offset;
		if (c->capability) {
			struct drv_pci_cap cap = {0};
			if (!drv_pci_find_cap(whole, c->capability, &cap)) {
				HOST_LOG(h, "config %s: %s has no capability 0x%02x", c->name, h->bdf,
					 c->capability);
				return -ENODEV;
			}
			base = cap.offset;
		}
		if (base + c->size > HOST_CONFIG_SIZE) {
			HOST_LOG(h, "config %s: 0x%x bytes at 0x%x are past configuration space",
				 c->name, c->size, base);
			return -ERANGE;
		}
		h->res.config[i] = drv_io_config(&h->config, (uint16_t)base);
		for (unsigned k = 0; k < c->nwrites; k++) {
			int st = grant(h, base + c->writes[k].offset, c->writes[k].bytes);
			if (st)
				return st;
		}
		HOST_LOG(h, "config %s: 0x%x bytes at 0x%x, %u writable registers", c->name, c->size,
			 base, c->nwrites);
	}
	int st = grant_pmcsr(h);
	/* The runtime writes the command register (INTx re-enable) when it
	 * serves through UIO: kept in the list, so the sandbox allows it. */
	if (!st && h->bus == &host_uio_bus)
		st = grant(h, PCI_COMMAND, 2);
	return st;
}

void host_seal_config(struct host *h)
{
	h->config.sealed = true;
}
