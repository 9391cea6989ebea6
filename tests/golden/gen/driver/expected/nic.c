// SPDX-License-Identifier: MIT
/*
 * nic.c - the driver nic: written by drvgen once, as a starting point, and yours from then on.
 * drvgen never overwrites it; when the protocol gains a method, `drvgen gen` names the handler to
 * add here.
 */
#include "nic_driver.h"

/*
 * The driver's state. It starts with what drvgen binds: the capabilities of nic.manifest.yaml:1
 * and the protocol objects.
 */
struct nic {
	struct nic_driver base;
};
NIC_DRIVER(struct nic);

static inline struct nic *from_nic_port(struct nic_port *self)
{
	return drv_container_of(self, struct nic, base.nic_port);
}

static inline struct nic *from_nic_link(struct nic_link *self)
{
	return drv_container_of(self, struct nic, base.nic_port.nic_link);
}

static inline struct nic *from_nic_stats(struct nic_stats *self)
{
	return drv_container_of(self, struct nic, base.nic_stats);
}

int nic_init(struct nic_driver *drv)
{
	(void)drv;
	return 0;
}

void nic_start(struct nic_driver *drv)
{
	(void)drv;
}

bool nic_irq(struct nic_driver *drv, unsigned irq)
{
	(void)drv;
	(void)irq;
	return false;
}

void nic_stop(struct nic_driver *drv)
{
	(void)drv;
}

int nic_suspend(struct nic_driver *drv)
{
	(void)drv;
	return 0;
}

int nic_resume(struct nic_driver *drv)
{
	(void)drv;
	return 0;
}

void nic_timer(struct nic_driver *drv, unsigned timer)
{
	(void)drv;
	(void)timer;
}

/* call up (nic.idl:12). Not written yet: the client gets DRV_STATUS_INTERNAL. */
static int port_up(struct nic_link *self, struct drv_call *call, bool *result)
{
	(void)from_nic_link(self);
	(void)call;
	(void)result;
	return DRV_STATUS_INTERNAL;
}

/* call set_mtu (nic.idl:13). Not written yet: the client gets DRV_STATUS_INTERNAL. */
static int port_set_mtu(struct nic_link *self, struct drv_call *call, uint32_t mtu)
{
	(void)from_nic_link(self);
	(void)call;
	(void)mtu;
	return DRV_STATUS_INTERNAL;
}

/* call send (nic.idl:18). Not written yet: the client gets DRV_STATUS_INTERNAL. */
static int port_send(
	struct nic_port *self,
	struct drv_call *call,
	struct drv_pages *frame,
	uint32_t len)
{
	(void)from_nic_port(self);
	(void)call;
	(void)frame;
	(void)len;
	return DRV_STATUS_INTERNAL;
}

/* send kick (nic.idl:19). Not written yet: the client gets DRV_STATUS_INTERNAL. */
static void port_kick(struct nic_port *self, struct drv_call *call)
{
	(void)from_nic_port(self);
	(void)call;
}

const struct nic_port_ops nic_port_ops = NIC_PORT_OPS(port);

/* call frames (nic.idl:24). Not written yet: the client gets DRV_STATUS_INTERNAL. */
static int stats_frames(struct nic_stats *self, struct drv_call *call, uint64_t *result)
{
	(void)from_nic_stats(self);
	(void)call;
	(void)result;
	return DRV_STATUS_INTERNAL;
}

const struct nic_stats_ops nic_stats_ops = NIC_STATS_OPS(stats);
