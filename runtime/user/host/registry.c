// SPDX-License-Identifier: MIT
/* registry.c - the protocols' sockets from drvgen-devd. A server whose
 * manifest's services list sys::devregistry registers each object it serves
 * with devregistry's new(the interface's ID): devd answers with the serial
 * number, which is the instance, and with a listening socket it made at
 * <run dir>/<interface>/<serial> and keeps. So the name is devd's: it stays
 * while the server restarts (a client connecting meanwhile waits in its
 * backlog for the next server), devd removes it when the device goes, and
 * devd's drvgen::devices hands out connections to it (docs/drivers.md,
 * "The device registry"). Registering happens before the sandbox, which
 * lets the server no new descriptors but its clients'.
 */
#define _GNU_SOURCE
#include "host.h"
#include "sys_devregistry.h"

#include <unistd.h>

int host_register(struct sys_devregistry_client *registry, struct drv_object *o,
		  const struct drv_interface *iface)
{
	uint32_t serial = 0;
	int fd = -1;
	int st = sys_devregistry_new(registry, iface->id, &serial, &fd);
	if (st)
		return st;
	if (serial > INT32_MAX || drv_object_listen(o, fd, (int)serial)) {
		close(fd);
		return -DRV_E_BAD_REPLY; /* devd's handle is no listening socket */
	}
	return 0;
}
