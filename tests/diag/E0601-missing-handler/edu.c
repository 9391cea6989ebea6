// SPDX-License-Identifier: MIT
// Bad: the driver predates call reset, so it has no edu_reset (E0601).
#include "edu_driver.h"

struct edu {
	struct edu_driver base;
};
EDU_DRIVER(struct edu);

int edu_init(struct edu_driver *drv)
{
	(void)drv;
	return 0;
}

void edu_start(struct edu_driver *drv)
{
	(void)drv;
}

void edu_stop(struct edu_driver *drv)
{
	(void)drv;
}

static int edu_ident(struct edu_device *self, struct drv_call *call, uint32_t *result)
{
	(void)self;
	(void)call;
	*result = 0x010000ed;
	return 0;
}

const struct edu_device_ops edu_device_ops = EDU_DEVICE_OPS(edu);
