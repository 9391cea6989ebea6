/* SPDX-License-Identifier: MIT */
/* drv_host.h - the userspace-server target: one process serving one device.
 *
 * The generated <driver>_main.c is nothing but
 *
 *	int main(int argc, char **argv) { return drv_host_main(&edu_driver_desc, argc, argv); }
 *
 * drv_host_main acquires exactly the resources the manifest lists (the
 * device's BARs through sysfs, its interrupt through UIO, DMA memory, port
 * ranges through ioperm), runs the generated bind and the author's init,
 * publishes the protocols, locks the process into a seccomp sandbox with no
 * capabilities, and serves from one poll loop until SIGTERM or SIGINT.
 *
 * Options:
 *	--device DDDD:BB:DD.F	the PCI device (default: the first that matches)
 *	--instance N		the instance number to publish as (default 0)
 *	-v			log every interrupt
 *	--matches		print the match table and the protocols, and exit
 *				(read by drvgen-devd, runtime/user/devd/)
 * There is deliberately no option to skip the sandbox.
 */
#ifndef DRV_HOST_H
#define DRV_HOST_H

#include "drv_driver.h"

/* The process's exit status: 0 after a clean stop by signal, 1 when the
 * device could not be served, 2 for a usage error. */
int drv_host_main(const struct drv_driver_desc *desc, int argc, char **argv);

#endif
