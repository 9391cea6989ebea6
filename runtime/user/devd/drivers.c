// SPDX-License-Identifier: MIT
/* drivers.c - the servers drvgen-devd can start, and which functions each
 * drives. A server built by targets/user/build.sh prints its manifest's
 * match table and its protocols when run with --matches
 * (runtime/user/drv_host.c): the table is the one the server itself binds
 * by, so devd never holds a second copy that could disagree.
 */
#define _GNU_SOURCE
#include "devd.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* One line of --matches output into drv. */
static void parse_line(struct devd_driver *drv, const char *line)
{
	struct devd_match m;
	char iface[96];
	uint32_t id = 0;
	if (sscanf(line, "provides %95s %" SCNx32, iface, &id) >= 1) {
		if (drv->nprovides < DEVD_MAX_PROVIDES) {
			strcpy(drv->provides[drv->nprovides], iface);
			drv->ids[drv->nprovides++] = id;
		}
	} else if (sscanf(line,
			  "pci %" SCNx32 " %" SCNx32 " %" SCNx32 " %" SCNx32 " %" SCNx32
			  " %" SCNx32,
			  &m.vendor, &m.device, &m.subvendor, &m.subdevice, &m.class_code,
			  &m.class_mask) == 6) {
		if (drv->nmatch < DEVD_MAX_MATCHES)
			drv->match[drv->nmatch++] = m;
	}
	/* isa lines: fixed devices, never plugged; nothing for devd */
}

/* Runs `path --matches` and reads what it prints; 0 or -errno. */
static int ask_matches(struct devd_driver *drv)
{
	int out[2];
	if (pipe2(out, O_CLOEXEC) < 0)
		return -errno;
	pid_t pid = fork();
	if (pid < 0) {
		int err = errno;
		close(out[0]);
		close(out[1]);
		return -err;
	}
	if (pid == 0) {
		dup2(out[1], STDOUT_FILENO);
		execl(drv->path, drv->path, "--matches", (char *)NULL);
		_exit(127);
	}
	close(out[1]);
	FILE *f = fdopen(out[0], "r");
	char line[256];
	while (f && fgets(line, sizeof line, f))
		parse_line(drv, line);
	if (f)
		fclose(f);
	else
		close(out[0]);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -ENOEXEC;
}

int devd_load_drivers(struct devd *d, const char *dir)
{
	DIR *dp = opendir(dir);
	if (!dp)
		return -errno;
	struct dirent *e;
	while ((e = readdir(dp)) && d->ndrivers < DEVD_MAX_DRIVERS) {
		size_t n = strlen(e->d_name);
		const size_t suffix = strlen("-server");
		if (n <= suffix || n - suffix >= sizeof d->drivers[0].name ||
		    strcmp(e->d_name + n - suffix, "-server"))
			continue;
		struct devd_driver *drv = &d->drivers[d->ndrivers];
		memset(drv, 0, sizeof *drv);
		if (snprintf(drv->path, sizeof drv->path, "%s/%s", dir, e->d_name) >=
			    (int)sizeof drv->path ||
		    access(drv->path, X_OK))
			continue;
		memcpy(drv->name, e->d_name, n - suffix);
		int st = ask_matches(drv);
		if (st) {
			devd_log("%s --matches failed (%s): not driving with it", drv->path,
				 strerror(-st));
			continue;
		}
		devd_log("%s drives %u PCI match%s, serving %s%s", drv->path, drv->nmatch,
			 drv->nmatch == 1 ? "" : "es",
			 drv->nprovides ? drv->provides[0] : "nothing",
			 drv->nprovides > 1 ? " and more" : "");
		if (drv->nmatch)
			d->ndrivers++;
	}
	closedir(dp);
	return 0;
}

static bool field_matches(uint32_t want, uint32_t have)
{
	return want == DEVD_PCI_ANY || want == have;
}

const struct devd_driver *devd_match_driver(const struct devd *d, const struct devd_pci_id *id)
{
	for (unsigned i = 0; i < d->ndrivers; i++) {
		const struct devd_driver *drv = &d->drivers[i];
		for (unsigned k = 0; k < drv->nmatch; k++) {
			const struct devd_match *m = &drv->match[k];
			if (field_matches(m->vendor, id->vendor) &&
			    field_matches(m->device, id->device) &&
			    field_matches(m->subvendor, id->subvendor) &&
			    field_matches(m->subdevice, id->subdevice) &&
			    ((id->class_code ^ m->class_code) & m->class_mask) == 0)
				return drv;
		}
	}
	return NULL;
}
