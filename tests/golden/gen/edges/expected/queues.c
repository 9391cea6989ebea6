// SPDX-License-Identifier: MIT
/*
 * queues.c - the driver queues: written by drvgen once, as a starting point, and yours from then
 * on. drvgen never overwrites it; when the protocol gains a method, `drvgen gen` names the handler
 * to add here.
 */
#include "queues_driver.h"

/*
 * The driver's state. It starts with what drvgen binds: the capabilities of queues.manifest.yaml:3
 * and the protocol objects.
 */
struct queues {
	struct queues_driver base;
};
QUEUES_DRIVER(struct queues);

int queues_init(struct queues_driver *drv)
{
	(void)drv;
	return 0;
}

void queues_start(struct queues_driver *drv)
{
	(void)drv;
}

void queues_stop(struct queues_driver *drv)
{
	(void)drv;
}
