// SPDX-License-Identifier: MIT
/* kmod_class.c - the device classes whose objects get an OS device on top
 * (a disk for blk::device, kmod_blk.c; a network interface for net::nic,
 * kmod_net.c): one table, so an instance attaches and removes them without
 * knowing which there are.
 */
#include "kmod.h"

/* attach: after the start hook. detach: first thing at removal, while the
 * driver still answers (no new requests; those in flight may finish).
 * release: once every call is answered and the driver stopped (the
 * buffers its calls held are free now). */
static const struct drv_kclass {
	const char *interface;
	int (*attach)(struct drv_object *obj);
	void (*detach)(struct drv_object *obj);
	void (*release)(struct drv_object *obj);
} drv_kclasses[] = {
	{"blk::device", drv_kblk_attach, drv_kblk_detach, drv_kblk_release},
	{"net::nic", drv_knet_attach, drv_knet_detach, drv_knet_release},
};

static const struct drv_kclass *drv_kclass_of(const struct drv_object *obj)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(drv_kclasses); i++)
		if (!strcmp(obj->iface->name, drv_kclasses[i].interface))
			return &drv_kclasses[i];
	return NULL;
}

void drv_kclass_attach(struct drv_kinst *inst)
{
	unsigned int i;

	for (i = 0; i < inst->nregistered; i++) {
		struct drv_object *obj = &inst->objs[i];
		const struct drv_kclass *class = drv_kclass_of(obj);
		int ret = class ? class->attach(obj) : 0;

		/* the protocol stays served through its misc device */
		if (ret)
			dev_err(inst->dev, "%s: no OS device for %s: %d\n", inst->name,
				obj->iface->name, ret);
	}
}

void drv_kclass_detach(struct drv_kinst *inst)
{
	unsigned int i;

	for (i = 0; i < inst->nregistered; i++) {
		const struct drv_kclass *class = drv_kclass_of(&inst->objs[i]);

		if (class && inst->objs[i].adapter)
			class->detach(&inst->objs[i]);
	}
}

void drv_kclass_release(struct drv_kinst *inst)
{
	unsigned int i;

	for (i = 0; i < inst->nregistered; i++) {
		const struct drv_kclass *class = drv_kclass_of(&inst->objs[i]);

		if (class && inst->objs[i].adapter)
			class->release(&inst->objs[i]);
	}
}
