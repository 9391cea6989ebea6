/* SPDX-License-Identifier: MIT */
/* devd.h - drvgen-devd, the userspace target's device manager: one driver
 * server per PCI function an installed server matches, started when the
 * function appears, stopped when it goes, restarted with backoff when it
 * crashes (docs/drivers.md, "Lifecycle").
 *
 *	drivers.c	the installed servers and their match tables (--matches)
 *	devices.c	PCI functions: their ids in sysfs, the kernel's uevents
 *	supervise.c	one server per function: start, stop, restart, give up
 *	registry.c	sys::devregistry for the servers, drvgen::devices for
 *			clients: the sockets devd names for the servers
 *	main.c		options and the loop
 */
#ifndef DRVGEN_DEVD_H
#define DRVGEN_DEVD_H

#include "drvgen_devices.h"
#include "sys_devregistry.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

struct drv_server;

enum {
	DEVD_MAX_DRIVERS = 64,
	DEVD_MAX_MATCHES = 16,	/* per driver */
	DEVD_MAX_PROVIDES = 8,	/* protocols per driver */
	DEVD_MAX_DEVICES = 256, /* functions devd has driven since it started */
	DEVD_MAX_ARGS = 16,	/* extra arguments for every server */
};

#define DEVD_PCI_ANY 0xffffffffu

/* A PCI function's identity, from sysfs. */
struct devd_pci_id {
	char bdf[32]; /* DDDD:BB:DD.F */
	uint32_t vendor, device, subvendor, subdevice, class_code;
};

struct devd_match {
	uint32_t vendor, device, subvendor, subdevice, class_code, class_mask;
};

/* An installed server: <dir>/<name>-server. */
struct devd_driver {
	char path[512];
	char name[64];
	struct devd_match match[DEVD_MAX_MATCHES];
	unsigned nmatch;
	char provides[DEVD_MAX_PROVIDES][96];
	uint32_t ids[DEVD_MAX_PROVIDES]; /* provides[i]'s interface ID */
	unsigned nprovides;
};

enum devd_state {
	DEVD_RUNNING,  /* pid is its server */
	DEVD_WAITING,  /* crashed; started again at restart_at */
	DEVD_STOPPING, /* devd sent SIGTERM: the function went, or devd stops */
	DEVD_GONE,     /* the function is not there: nothing runs */
	DEVD_GAVE_UP,  /* crashed too often in a row: nothing runs */
};

/* A function devd drives: its instance number stays its own for devd's
 * lifetime, across restarts and a replug at the same address. */
struct devd_device {
	char bdf[32];
	const struct devd_driver *driver;
	unsigned instance;
	enum devd_state state;
	pid_t pid;
	unsigned crashes;	 /* in a row: reset by a run of DEVD_STABLE_MS */
	struct timespec started; /* CLOCK_MONOTONIC */
	struct timespec restart_at;
	/* The sockets devd made for the protocols its server registered
	 * (driver->provides[i]'s, named <run dir>/<provides[i]>/<instance>),
	 * kept across restarts; -1 for one not registered. */
	int listen_fd[DEVD_MAX_PROVIDES];
};

struct devd {
	struct devd_driver drivers[DEVD_MAX_DRIVERS];
	unsigned ndrivers;
	struct devd_device devices[DEVD_MAX_DEVICES];
	unsigned ndevices;
	char *server_args[DEVD_MAX_ARGS]; /* after "--" on devd's command line */
	unsigned nserver_args;
	bool stopping; /* SIGTERM: servers are being stopped, none is started */
	struct sys_devregistry registry; /* registry.c */
	struct drvgen_devices lookup;
};

/* drivers.c: every executable <dir>/<driver>-server, asked for --matches; 0 or -errno */
int devd_load_drivers(struct devd *d, const char *dir);
/* The driver whose table matches id, or NULL. */
const struct devd_driver *devd_match_driver(const struct devd *d, const struct devd_pci_id *id);

/* devices.c */
/* Reads /sys/bus/pci/devices/<bdf>'s ids; false if it is not there. */
bool devd_read_pci_id(const char *bdf, struct devd_pci_id *id);
bool devd_pci_present(const char *bdf);
/* Calls fn for every PCI function in sysfs. */
void devd_scan_pci(struct devd *d, void (*fn)(struct devd *d, const char *bdf));
/* A socket receiving the kernel's uevents, or -errno. */
int devd_uevent_open(void);
/* Reads the uevents waiting on fd: a PCI function's add or remove calls
 * added or removed with its address. */
void devd_uevent_read(struct devd *d, int fd, void (*added)(struct devd *d, const char *bdf),
		      void (*removed)(struct devd *d, const char *bdf));

/* registry.c */
/* Serves sys::devregistry and drvgen::devices on server at
 * <run dir>/<interface>/0; 0 or -errno. */
int devd_registry_publish(struct devd *d, struct drv_server *server);
/* Closes the sockets made for dev and removes their names: clients find
 * no server there. */
void devd_registry_forget(struct devd_device *dev);

/* supervise.c */
void devd_device_added(struct devd *d, const char *bdf);
void devd_device_removed(struct devd *d, const char *bdf);
/* Collects exited servers (SIGCHLD) and decides what follows. */
void devd_reap(struct devd *d);
/* Starts the servers whose backoff has passed; the milliseconds until the
 * next one is due, or -1 for none. */
int devd_restart_due(struct devd *d);
/* SIGTERM to every server; true once none runs. */
bool devd_stop_all(struct devd *d);

void devd_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
