// SPDX-License-Identifier: MIT
/* kmod_class.c - the device classes whose objects get an OS device on top
 * (a disk for blk::device, kmod_blk.c): one table, so an instance attaches
 * and detaches them without knowing which there are.
 */
#include "kmod.h"

static const struct drv_kclass {
	const char *interface;
	int (*attach)(struct drv_object *obj);
	void (*detach)(struct drv_object *obj);
} drv_kclasses[] = {
	{"blk::device", drv_kblk_attach, drv_kblk_detach},
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

		if (class)
			class->detach(&inst->objs[i]);
	}
}
