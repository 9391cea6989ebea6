// SPDX-License-Identifier: MIT
/* edu_check.c - the edu::device checks of the QEMU tests, one client
 * program for both targets: it opens edu::device instance 0 and does not
 * know whether the kernel module or the userspace server answers.
 *
 *   edu_check [--tag T] [--instance N] [--msi on|off] [--config FILE]
 *                                  every check below; exit 0 iff all pass
 *   edu_check [--tag T] [--instance N] --hold     connect and check ident, write "held\n"
 *                                  to fd 3, wait for a line or EOF on stdin,
 *                                  then check the same connection still
 *                                  works (the rmmod-while-open test)
 *   --devd BDF                     with either: the connection comes from
 *                                  drvgen-devd (drvgen::devices): its list
 *                                  has edu::device instance N on BDF, served
 *                                  by edu, and open hands a socket to it
 *
 * Checks: ident = 0x010000ed; liveness(x) = ~x; factorial(5) = 120 and
 * factorial(12) = 479001600 (the reply waits for the device's interrupt),
 * factorial(13) is RANGE; a partial DMA transfer lands at its offset;
 * out-of-range DMA gives RANGE; two client processes at once, each looping
 * liveness/factorial/DMA on its own part of the device buffer; last, a
 * 4 KiB DMA write then read returns the same bytes, and so does the
 * buffer's last byte alone.
 *
 * --msi: pci_info() says the device's vendor, device and MSI capability,
 * and whether MSI is on (the kernel and VFIO give edu its MSI vector; a
 * server without an IOMMU falls back to INTx).
 *
 * --config FILE (the device's sysfs config): a lost interrupt. The check
 * stops the device's next interrupt from arriving, by clearing Bus Master
 * (an MSI is a memory write the device may then not make) or, on INTx, by
 * setting Interrupt Disable; a factorial then fails with TIMEOUT at the
 * driver's deadline instead of hanging its client. With the command
 * register restored, the next factorials are right again.
 */
#define _GNU_SOURCE
#include "check.h"
#include "drvgen_devices.h"
#include "edu_device.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <time.h>

enum {
	EDU_BUF = 4096, /* the device's DMA buffer */
	GUARD_S = 120,
	ROUNDS = 25, /* per process in the two-client check */
	MAX_BUSY = 10000,
	HALF_LEN = 2000, /* per client in the two-client check */
};

static const uint32_t factorials[13] = {
	1, 1, 2, 6, 24, 120, 720, 5040, 40320, 362880, 3628800, 39916800, 479001600,
};

static uint32_t rng_state;

static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

static void seed_rng(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	rng_state = (uint32_t)ts.tv_nsec ^ ((uint32_t)getpid() << 16) ^ 0x9e3779b9u;
	if (!rng_state)
		rng_state = 1;
}

static void fill(struct drv_buffer *b, size_t len)
{
	for (size_t i = 0; i < len; i++)
		((uint8_t *)b->data)[i] = (uint8_t)rng();
}

static const char *edu_status(int st)
{
	return status_text(st, edu_error_name);
}

/* ---- connecting ---- */

static const char *devd_bdf; /* --devd: find the device through drvgen-devd */

/* edu::device instance N through drvgen-devd: listed on devd_bdf, opened. */
static bool connect_through_devd(struct edu_device_client **c)
{
	struct drvgen_devices_client *devices = NULL;
	struct drvgen_device d[64];
	uint32_t n = 0;
	int st = drvgen_devices_connect(0, &devices);
	if (!check(st == 0, drv_strerror(st), "connect drvgen::devices 0 (drvgen-devd)"))
		return false;
	st = drvgen_devices_list(devices, EDU_DEVICE_ID, 0, d, &n);
	const struct drvgen_device *mine = NULL;
	for (uint32_t i = 0; !st && i < n; i++)
		if (d[i].instance == check_instance)
			mine = &d[i];
	check(mine && !strncmp((const char *)mine->address, devd_bdf, sizeof mine->address) &&
		      !strcmp((const char *)mine->driver, "edu") && mine->running,
	      st ? drv_strerror(st) : "expected it on --devd's function, served by edu, running",
	      "drvgen-devd lists edu::device %u (%u registered)", check_instance, (unsigned)n);
	int fd = -1;
	st = drvgen_devices_open(devices, EDU_DEVICE_ID, check_instance, &fd);
	drvgen_devices_disconnect(devices);
	if (!check(st == 0, status_text(st, drvgen_error_name), "drvgen-devd opens edu::device %u",
		   check_instance))
		return false;
	struct drv_client *client;
	st = drv_client_adopt(fd, EDU_DEVICE_NAME, check_instance, &client);
	if (st)
		close(fd); /* still ours */
	*c = (struct edu_device_client *)client;
	return check(st == 0, drv_strerror(st), "a client on the socket drvgen-devd opened");
}

/* edu::device instance N: by its path, or through drvgen-devd. */
static bool connect_edu(struct edu_device_client **c, const char *who)
{
	if (devd_bdf)
		return connect_through_devd(c);
	int st = edu_device_connect(check_instance, c);
	return check(st == 0, edu_status(st), "%sconnect edu::device %u", who, check_instance);
}

/* ---- the single-client checks ---- */

static void check_ident(struct edu_device_client *c)
{
	uint32_t id = 0;
	int st = edu_device_ident(c, &id);
	check(st == 0 && id == 0x010000edu, st ? edu_status(st) : "expected 0x010000ed",
	      "ident() = 0x%08x", (unsigned)id);
}

static void check_liveness(struct edu_device_client *c)
{
	static const uint32_t xs[] = {0, 1, 0x12345678u, 0xdeadbeefu, 0xffffffffu, 0x80000000u};
	for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++) {
		uint32_t r = 0;
		int st = edu_device_liveness(c, xs[i], &r);
		char why[64];
		snprintf(why, sizeof why, "expected 0x%08x", (unsigned)~xs[i]);
		check(st == 0 && r == ~xs[i], st ? edu_status(st) : why, "liveness(0x%08x) = 0x%08x",
		      (unsigned)xs[i], (unsigned)r);
	}
}

static void check_factorial(struct edu_device_client *c, uint32_t n)
{
	uint32_t r = 0;
	int st = edu_device_factorial(c, n, &r);
	char why[64];
	snprintf(why, sizeof why, "expected %u", (unsigned)factorials[n]);
	check(st == 0 && r == factorials[n], st ? edu_status(st) : why, "factorial(%u) = %u",
	      (unsigned)n, (unsigned)r);
}

/* ---- configuration space ---- */

enum {
	PCI_COMMAND = 0x04,
	PCI_COMMAND_MASTER = 0x4,
	PCI_COMMAND_INTX_DISABLE = 0x400,
	MSI_CONTROL_ENABLE = 0x1,
};

static void check_pci_info(struct edu_device_client *c, bool msi_on)
{
	struct edu_pci_info info = {0};
	int st = edu_device_pci_info(c, &info);
	check(st == 0 && info.vendor == 0x1234 && info.device == 0x11e8,
	      st ? edu_status(st) : "expected 1234:11e8", "pci_info(): %04x:%04x",
	      (unsigned)info.vendor, (unsigned)info.device);
	check(st == 0 && info.msi >= 0x40 && info.capabilities >= 1,
	      "expected an MSI capability past the header",
	      "pci_info(): MSI capability at 0x%02x of %u in the list", (unsigned)info.msi,
	      (unsigned)info.capabilities);
	check(st == 0 && info.msi_enabled == msi_on, msi_on ? "expected MSI" : "expected INTx",
	      "pci_info(): the device interrupts through %s", info.msi_enabled ? "MSI" : "INTx");
}

static bool config_rw(int fd, bool write, off_t at, uint16_t *v)
{
	ssize_t n = write ? pwrite(fd, v, sizeof *v, at) : pread(fd, v, sizeof *v, at);
	return check(n == (ssize_t)sizeof *v, strerror(errno), "%s config space at 0x%02x",
		     write ? "write" : "read", (unsigned)at);
}

/* A factorial whose interrupt cannot arrive: TIMEOUT, then recovery. */
static void check_lost_interrupt(struct edu_device_client *c, const char *config)
{
	struct edu_pci_info info = {0};
	uint16_t command = 0, lost;
	int fd = open(config, O_RDWR | O_CLOEXEC);
	if (!check(fd >= 0, strerror(errno), "open %s", config))
		return;
	if (!check(edu_device_pci_info(c, &info) == 0, "", "pci_info() before the fault") ||
	    !config_rw(fd, false, PCI_COMMAND, &command)) {
		close(fd);
		return;
	}
	lost = info.msi_enabled ? command & ~PCI_COMMAND_MASTER : command | PCI_COMMAND_INTX_DISABLE;
	if (config_rw(fd, true, PCI_COMMAND, &lost)) {
		struct timespec t0, t1;
		uint32_t r = 0;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		int st = edu_device_factorial(c, 9, &r);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
		check(st == EDU_ERROR_TIMEOUT, "expected TIMEOUT: its interrupt never came",
		      "%s off: factorial(9) = %s after %.2f s", info.msi_enabled ? "Bus Master" : "INTx",
		      edu_status(st), s);
	}
	config_rw(fd, true, PCI_COMMAND, &command);
	close(fd);
	check_factorial(c, 7);
	check_factorial(c, 10);
}

/* First byte where a and b differ, or -1. */
static long first_difference(const uint8_t *a, const uint8_t *b, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (a[i] != b[i])
			return (long)i;
	return -1;
}

/* Partial transfers: one lands at its offset and only there; out of range
 * gives RANGE and changes nothing. They stay clear of the buffer's last
 * byte, so they do not depend on check_dma_full's transfer (see there). */
static void check_dma_partial(struct edu_device_client *c)
{
	enum { SPAN = 2100 }; /* the bytes looked at: [0, SPAN) */
	struct drv_buffer *out = NULL, *in = NULL;
	if (!check(drv_buffer_new(EDU_BUF, &out) == 0 && drv_buffer_new(EDU_BUF, &in) == 0, NULL,
		   "two 4 KiB page buffers")) {
		drv_buffer_free(out);
		drv_buffer_free(in);
		return;
	}
	/* what is there now, whatever an earlier run left */
	uint8_t expect[SPAN];
	int st = edu_device_dma_read(c, in, 0, SPAN);
	check(st == 0, edu_status(st), "dma_read(offset 0, %u bytes) = %s", SPAN, edu_status(st));
	memcpy(expect, in->data, SPAN);

	/* Random bytes every run: a read that returns what an earlier run (or
	 * the other target's phase) left in the device cannot pass. */
	fill(out, 100);
	memcpy(expect + 1000, out->data, 100);
	st = edu_device_dma_write(c, out, 1000, 100);
	check(st == 0, edu_status(st), "dma_write(offset 1000, 100 bytes) = %s", edu_status(st));
	memset(in->data, 0, SPAN);
	st = edu_device_dma_read(c, in, 0, SPAN);
	long d = first_difference(expect, in->data, SPAN);
	char why[96];
	snprintf(why, sizeof why, "%s, first difference at byte %ld", edu_status(st), d);
	check(st == 0 && d < 0, why,
	      "100 bytes written at offset 1000 read back there, and bytes 0-%u around them "
	      "are unchanged",
	      SPAN - 1);

	/* Out of the device's 4 KiB buffer: RANGE, for both directions. */
	static const struct {
		uint32_t offset, len;
	} bad[] = {{4000, 200}, {4096, 1}, {0, 4097}, {0xfffffff0u, 0x20}, {1, 0xffffffffu}};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		st = edu_device_dma_write(c, out, bad[i].offset, bad[i].len);
		check(st == EDU_ERROR_RANGE, "expected error RANGE",
		      "dma_write(offset %u, %u bytes) = %s", (unsigned)bad[i].offset,
		      (unsigned)bad[i].len, edu_status(st));
		st = edu_device_dma_read(c, in, bad[i].offset, bad[i].len);
		check(st == EDU_ERROR_RANGE, "expected error RANGE",
		      "dma_read(offset %u, %u bytes) = %s", (unsigned)bad[i].offset,
		      (unsigned)bad[i].len, edu_status(st));
	}
	/* A refused write changed nothing. */
	memset(in->data, 0, SPAN);
	st = edu_device_dma_read(c, in, 0, SPAN);
	d = first_difference(expect, in->data, SPAN);
	snprintf(why, sizeof why, "%s, first difference at byte %ld", edu_status(st), d);
	check(st == 0 && d < 0, why, "the refused transfers left the device buffer unchanged");
	drv_buffer_free(out);
	drv_buffer_free(in);
}

/* The whole 4 KiB buffer, one write and one read, then its last byte
 * alone. Last of all the checks: QEMU 7.2's edu model aborts the whole machine (hw_error) on any transfer
 * that ends at the buffer's end, an off-by-one fixed upstream in QEMU 8.0
 * (https://gitlab.com/qemu-project/qemu/-/issues/1254); a driver must not
 * let a client do that, and if one does, every other result is in. */
static void check_dma_full(struct edu_device_client *c)
{
	struct drv_buffer *out = NULL, *in = NULL;
	if (!check(drv_buffer_new(EDU_BUF, &out) == 0 && drv_buffer_new(EDU_BUF, &in) == 0, NULL,
		   "two 4 KiB page buffers")) {
		drv_buffer_free(out);
		drv_buffer_free(in);
		return;
	}
	fill(out, EDU_BUF);
	memset(in->data, 0, EDU_BUF);
	int st = edu_device_dma_write(c, out, 0, EDU_BUF);
	check(st == 0, edu_status(st), "dma_write(offset 0, 4096 bytes) = %s", edu_status(st));
	st = edu_device_dma_read(c, in, 0, EDU_BUF);
	check(st == 0, edu_status(st), "dma_read(offset 0, 4096 bytes) = %s", edu_status(st));
	long d = first_difference(out->data, in->data, EDU_BUF);
	char why[96];
	snprintf(why, sizeof why, "first difference at byte %ld", d);
	check(st == 0 && d < 0, why, "4 KiB read back equals the 4 KiB written");

	/* The last byte alone, then the whole buffer back: it changed, and
	 * nothing else did. */
	uint8_t expect[EDU_BUF];
	memcpy(expect, out->data, EDU_BUF);
	((uint8_t *)out->data)[0] = expect[EDU_BUF - 1] ^ 0x5a;
	expect[EDU_BUF - 1] ^= 0x5a;
	st = edu_device_dma_write(c, out, EDU_BUF - 1, 1);
	check(st == 0, edu_status(st), "dma_write(offset 4095, 1 byte) = %s", edu_status(st));
	memset(in->data, 0, EDU_BUF);
	st = edu_device_dma_read(c, in, 0, EDU_BUF);
	d = first_difference(expect, in->data, EDU_BUF);
	snprintf(why, sizeof why, "%s, first difference at byte %ld", edu_status(st), d);
	check(st == 0 && d < 0, why, "the buffer's last byte changed, and only it");
	drv_buffer_free(out);
	drv_buffer_free(in);
}

/* ---- two clients at once ---- */

/* A method's BUSY (the device is computing or transferring for the other
 * client) is the protocol's answer for a shared device: retried, and
 * counted. Anything else that is not the right result fails the round. */
struct loop_stats {
	unsigned busy;
	char error[200];
};

#define RETRY(stats, st, call)                                                                    \
	do                                                                                        \
		(st) = (call);                                                                    \
	while ((st) == EDU_ERROR_BUSY && ++(stats)->busy < MAX_BUSY)

/* ROUNDS of liveness, factorial and a DMA round trip through this client's
 * own part of the device buffer (`half` 0: bytes [0, 2000), 1: [2048, 4048);
 * the full-buffer transfers are check_dma_full's). 0, or 1 with stats->error. */
static int client_loop(unsigned half, struct loop_stats *stats)
{
	struct edu_device_client *c = NULL;
	struct drv_buffer *out = NULL, *in = NULL;
	int st = edu_device_connect(check_instance, &c);
	if (st) {
		snprintf(stats->error, sizeof stats->error, "connect: %s", edu_status(st));
		return 1;
	}
	if (drv_buffer_new(HALF_LEN, &out) || drv_buffer_new(HALF_LEN, &in)) {
		snprintf(stats->error, sizeof stats->error, "no page buffers");
		return 1;
	}
	uint32_t offset = half * (EDU_BUF / 2);
	for (unsigned round = 0; round < ROUNDS; round++) {
		uint32_t x = rng(), r = 0;
		st = edu_device_liveness(c, x, &r);
		if (st || r != ~x) {
			snprintf(stats->error, sizeof stats->error,
				 "round %u: liveness(0x%08x) = 0x%08x, %s", round, (unsigned)x,
				 (unsigned)r, edu_status(st));
			return 1;
		}
		uint32_t n = 1 + rng() % 12;
		r = 0;
		RETRY(stats, st, edu_device_factorial(c, n, &r));
		if (st || r != factorials[n]) {
			snprintf(stats->error, sizeof stats->error,
				 "round %u: factorial(%u) = %u, %s", round, (unsigned)n,
				 (unsigned)r, edu_status(st));
			return 1;
		}
		fill(out, HALF_LEN);
		memset(in->data, 0, HALF_LEN);
		RETRY(stats, st, edu_device_dma_write(c, out, offset, HALF_LEN));
		if (!st)
			RETRY(stats, st, edu_device_dma_read(c, in, offset, HALF_LEN));
		long d = st ? -1 : first_difference(out->data, in->data, HALF_LEN);
		if (st || d >= 0) {
			snprintf(stats->error, sizeof stats->error,
				 "round %u: DMA round trip at offset %u: %s, first difference at %ld",
				 round, (unsigned)offset, edu_status(st), d);
			return 1;
		}
	}
	drv_buffer_free(out);
	drv_buffer_free(in);
	edu_device_disconnect(c);
	return 0;
}

static void check_two_clients(void)
{
	int result[2]; /* the child's verdict: a struct loop_stats */
	int go[2];     /* both start together: the parent releases the child */
	if (pipe(result) || pipe(go)) {
		check(false, strerror(errno), "two clients: pipes");
		return;
	}
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0) {
		check(false, strerror(errno), "two clients: fork");
		return;
	}
	if (pid == 0) {
		close(result[0]);
		close(go[1]);
		rng_state ^= 0x5bd1e995u;
		char b;
		struct loop_stats s = {0, ""};
		int rc = read(go[0], &b, 1) == 1 ? client_loop(1, &s) : 1;
		if (write(result[1], &s, sizeof s) != (ssize_t)sizeof s)
			rc = 1;
		_exit(rc);
	}
	close(result[1]);
	close(go[0]);
	struct loop_stats mine = {0, ""}, theirs = {0, ""};
	int rc = write(go[1], "g", 1) == 1 ? client_loop(0, &mine) : 1;
	close(go[1]);
	ssize_t got = read(result[0], &theirs, sizeof theirs);
	int status = 0;
	waitpid(pid, &status, 0);
	check(rc == 0, mine.error,
	      "two clients: client A did %u rounds of liveness/factorial/DMA of bytes 0-1999 (%u "
	      "BUSY retries)",
	      ROUNDS, mine.busy);
	bool child_ok = got == (ssize_t)sizeof theirs && WIFEXITED(status) &&
			WEXITSTATUS(status) == 0;
	check(child_ok, got == (ssize_t)sizeof theirs ? theirs.error : "client B died",
	      "two clients: client B (pid %d) did the same on bytes 2048-4047 at the same time (%u "
	      "BUSY retries)",
	      (int)pid, theirs.busy);
}

/* ---- rmmod while open ---- */

static int hold(void)
{
	struct edu_device_client *c = NULL;
	guard(GUARD_S, "connecting the holder");
	if (!connect_edu(&c, "holder: "))
		return check_exit();
	check_ident(c);
	guard(GUARD_S, "waiting to be released (stdin)");
	if (write(3, "held\n", 5) != 5)
		check(false, strerror(errno), "holder: tell the script (fd 3) the device is held");
	char line[64];
	ssize_t n = read(STDIN_FILENO, line, sizeof line);
	(void)n; /* a line or EOF: either releases us */
	guard(GUARD_S, "calling edu::device after the rmmod attempt");
	uint32_t r = 0;
	int st = edu_device_liveness(c, 0x0f0f0f0fu, &r);
	check(st == 0 && r == 0xf0f0f0f0u, st ? edu_status(st) : "expected 0xf0f0f0f0",
	      "holder: the open connection still works: liveness(0x0f0f0f0f) = 0x%08x",
	      (unsigned)r);
	check_factorial(c, 12);
	edu_device_disconnect(c);
	return check_exit();
}

int main(int argc, char **argv)
{
	bool hold_mode = false;
	const char *msi = NULL, *config = NULL;
	setvbuf(stdout, NULL, _IOLBF, 0);
	check_tag = "edu";
	for (int i = 1; i < argc; i++) {
		if (check_common_option(argc, argv, &i))
			continue;
		if (!strcmp(argv[i], "--hold"))
			hold_mode = true;
		else if (!strcmp(argv[i], "--msi") && i + 1 < argc &&
			 (!strcmp(argv[i + 1], "on") || !strcmp(argv[i + 1], "off")))
			msi = argv[++i];
		else if (!strcmp(argv[i], "--config") && i + 1 < argc)
			config = argv[++i];
		else if (!strcmp(argv[i], "--devd") && i + 1 < argc)
			devd_bdf = argv[++i];
		else {
			fprintf(stderr,
				"usage: %s [--tag TAG] [--instance N] [--msi on|off] [--config FILE] "
				"[--hold] [--devd BDF]\n",
				argv[0]);
			return 2;
		}
	}
	seed_rng();
	if (hold_mode)
		return hold();
	guard(GUARD_S, "running the edu::device checks");

	struct edu_device_client *c = NULL;
	if (!connect_edu(&c, ""))
		return check_exit();
	check_ident(c);
	check_liveness(c);
	check_factorial(c, 5);
	check_factorial(c, 12);
	uint32_t r = 0;
	int st = edu_device_factorial(c, 13, &r);
	check(st == EDU_ERROR_RANGE, "expected error RANGE: 13! does not fit in 32 bits",
	      "factorial(13) = %s", edu_status(st));
	check_dma_partial(c);
	check_two_clients();
	check_dma_full(c);
	if (msi)
		check_pci_info(c, !strcmp(msi, "on"));
	if (config)
		check_lost_interrupt(c, config);
	edu_device_disconnect(c);
	return check_exit();
}
