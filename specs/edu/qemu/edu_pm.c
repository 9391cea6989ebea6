// SPDX-License-Identifier: MIT
/* edu_pm.c - what the device keeps across a sleep, for the power tests of
 * specs/edu/qemu/test.sh.
 *
 *   edu_pm [--tag T] [--instance N] --write SEED
 *       DMA-writes 4000 bytes made from SEED into the device buffer, and
 *       reads them back.
 *   edu_pm [--tag T] [--instance N] --verify SEED
 *       DMA-reads them again (after the device slept and woke) and checks
 *       they are the same, and that a factorial is answered from the
 *       device's interrupt.
 *
 * Each run connects (which wakes a sleeping device), and disconnects at
 * the end (after which it may sleep again).
 */
#define _GNU_SOURCE
#include "check.h"
#include "edu_device.h"

#include <errno.h>

enum { GUARD_S = 120, LEN = 4000 };

static const char *edu_status(int st)
{
	return status_text(st, edu_error_name);
}

static void pattern(uint8_t *p, unsigned seed)
{
	uint32_t x = seed * 2654435761u + 1;
	for (unsigned i = 0; i < LEN; i++) {
		x = x * 1103515245u + 12345u;
		p[i] = (uint8_t)(x >> 16);
	}
}

int main(int argc, char **argv)
{
	bool write_mode = false;
	const char *seed_arg = NULL;
	setvbuf(stdout, NULL, _IOLBF, 0);
	check_tag = "edu-pm";
	for (int i = 1; i < argc; i++) {
		if (check_common_option(argc, argv, &i))
			continue;
		if ((!strcmp(argv[i], "--write") || !strcmp(argv[i], "--verify")) && i + 1 < argc) {
			write_mode = !strcmp(argv[i], "--write");
			seed_arg = argv[++i];
		} else {
			seed_arg = NULL;
			break;
		}
	}
	if (!seed_arg) {
		fprintf(stderr, "usage: %s [--tag T] [--instance N] --write SEED | --verify SEED\n",
			argv[0]);
		return 2;
	}
	unsigned seed = (unsigned)strtoul(seed_arg, NULL, 10);
	guard(GUARD_S, write_mode ? "writing the device buffer" : "reading the device buffer");

	struct edu_device_client *c = NULL;
	struct drv_buffer *buf = NULL;
	uint8_t want[LEN];
	int st = edu_device_connect(check_instance, &c);
	if (!check(st == 0, edu_status(st), "connect edu::device %u", check_instance))
		return check_exit();
	if (!check(drv_buffer_new(LEN, &buf) == 0, strerror(errno), "a page buffer"))
		return check_exit();
	pattern(want, seed);
	if (write_mode) {
		memcpy(buf->data, want, LEN);
		st = edu_device_dma_write(c, buf, 0, LEN);
		check(st == 0, edu_status(st), "dma_write(offset 0, %d bytes of pattern %u)", LEN,
		      seed);
	}
	memset(buf->data, 0, LEN);
	st = edu_device_dma_read(c, buf, 0, LEN);
	check(st == 0 && !memcmp(buf->data, want, LEN), st ? edu_status(st) : "the bytes differ",
	      "%s: dma_read(offset 0, %d bytes) gives pattern %u", write_mode ? "written" : "kept",
	      LEN, seed);
	uint32_t r = 0;
	st = edu_device_factorial(c, 10, &r);
	check(st == 0 && r == 3628800, st ? edu_status(st) : "expected 3628800",
	      "factorial(10) = %u, from the device's interrupt", (unsigned)r);
	drv_buffer_free(buf);
	edu_device_disconnect(c);
	return check_exit();
}
