/* SPDX-License-Identifier: MIT */
/* drv_pci.h - PCI configuration space as drivers and both runtimes read it:
 * the capability list, walked through the target's config-space primitives
 * (drv_cfg_read8, drv_io.h), so the same walk runs in the kernel module,
 * in the userspace server and on the simulated bus.
 *
 * `cfg` is a config-space handle's drv_io at offset 0, such as the io of a
 * manifest `config` block bound at offset 0 (docs/manifest.md). A vendor
 * capability's fields are a register block of their own (virtio's
 * virtio_pci_cap, say): make its handle at the capability's offset with
 * <block>_at(drv_io_offset(cfg, cap.offset)).
 */
#ifndef DRV_PCI_H
#define DRV_PCI_H

#include "drv_io.h"

/* Capability ids (PCI Local Bus Specification 3.0, appendix H). */
enum drv_pci_cap_id {
	DRV_PCI_CAP_PM = 0x01,
	DRV_PCI_CAP_MSI = 0x05,
	DRV_PCI_CAP_VENDOR = 0x09,
	DRV_PCI_CAP_PCIE = 0x10,
	DRV_PCI_CAP_MSIX = 0x11,
};

enum {
	DRV_PCI_STATUS = 0x06,
	DRV_PCI_STATUS_CAP_LIST = 1u << 4,
	DRV_PCI_CAP_POINTER = 0x34,
	/* more than fit in 256 bytes: a longer list has a loop */
	DRV_PCI_MAX_CAPS = 48,
};

/* One capability: its id, where it is, where the next one is (0: none). */
struct drv_pci_cap {
	uint8_t id;
	uint8_t offset;
	uint8_t next;
	uint8_t seen; /* how many were walked to get here */
};

/* The first capability (cap zeroed) or the one after *cap: true and *cap
 * filled, or false at the end of the list (or on a malformed one: an
 * offset inside the header, or a loop). */
static inline bool drv_pci_next_cap(struct drv_io cfg, struct drv_pci_cap *cap)
{
	uint8_t at;
	if (!cap->offset) {
		if (!(drv_cfg_read16(cfg, DRV_PCI_STATUS) & DRV_PCI_STATUS_CAP_LIST))
			return false;
		at = drv_cfg_read8(cfg, DRV_PCI_CAP_POINTER);
	} else {
		at = cap->next;
	}
	at &= 0xfc;
	if (at < 0x40 || cap->seen >= DRV_PCI_MAX_CAPS)
		return false;
	cap->offset = at;
	cap->id = drv_cfg_read8(cfg, at);
	cap->next = drv_cfg_read8(cfg, (uint64_t)at + 1);
	cap->seen++;
	return true;
}

/* The next capability with this id after *cap (zeroed: from the start). */
static inline bool drv_pci_find_cap(struct drv_io cfg, uint8_t id, struct drv_pci_cap *cap)
{
	while (drv_pci_next_cap(cfg, cap))
		if (cap->id == id)
			return true;
	return false;
}

#endif
