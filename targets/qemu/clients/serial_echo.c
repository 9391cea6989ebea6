// SPDX-License-Identifier: MIT
/* serial_echo.c - the Helios usrinit serial demo as a QEMU test client:
 * open dev::serial (instance 0, or --instance N), program the line, then read what arrives
 * (each read waits for the UART's interrupt) and write it back with CR
 * turned into LF, until a CR or LF came in.
 *
 *   serial_echo [--tag T] [--instance N] [--port 0x2f8] [--marker TEXT] [--expect TEXT]
 *
 * --port P    also read the UART's registers at P directly (ioperm, as
 *             root) to check that set_baud / set_charlen / set_parity /
 *             set_stopbits really programmed the divisor latch and LCR.
 *             Only while the line is quiet, before the marker goes out.
 * --marker M  written through the driver (dev::serial write) as "M\n"
 *             before the first read: the host side waits for it on the port
 *             and only then sends its line, so nothing is sent before the
 *             driver is listening.  Default "DRVGEN-SERIAL-READY <tag>".
 * --expect E  what the reads must return in total, C escapes allowed
 *             (default "hello\r").
 *
 * Exit 0 iff every check passed.
 */
#define _GNU_SOURCE
#include "check.h"
#include "dev_serial.h"

#include <errno.h>
#include <sys/io.h>

enum {
	GUARD_S = 120,
	BUF = 4096,
	UART_CLOCK = 115200, /* 1.8432 MHz / 16 */
	LCR = 3,
	LCR_DLAB = 0x80,
};

static const char *serial_status(int st)
{
	return status_text(st, NULL);
}

/* text with \r, \n and other control bytes escaped, for the log */
static const char *escaped(const uint8_t *s, size_t n)
{
	static char out[4][256];
	static unsigned which;
	char *o = out[which++ % 4];
	size_t k = 0;
	for (size_t i = 0; i < n && k + 5 < sizeof out[0]; i++) {
		if (s[i] == '\r')
			k += (size_t)sprintf(o + k, "\\r");
		else if (s[i] == '\n')
			k += (size_t)sprintf(o + k, "\\n");
		else if (s[i] < 0x20 || s[i] >= 0x7f)
			k += (size_t)sprintf(o + k, "\\x%02x", s[i]);
		else
			o[k++] = (char)s[i];
	}
	o[k] = 0;
	return o;
}

static size_t unescape(const char *in, uint8_t *out, size_t cap)
{
	size_t n = 0;
	for (; *in && n < cap; in++) {
		if (*in != '\\' || !in[1]) {
			out[n++] = (uint8_t)*in;
			continue;
		}
		in++;
		out[n++] = *in == 'r' ? '\r' : *in == 'n' ? '\n' : *in == 't' ? '\t' : (uint8_t)*in;
	}
	return n;
}

/* ---- the UART's own registers, read behind the driver's back ---- */

static unsigned port;

static unsigned hw_divisor(void)
{
	unsigned lcr = inb(port + LCR);
	outb((unsigned char)(lcr | LCR_DLAB), port + LCR);
	unsigned dll = inb(port), dlm = inb(port + 1);
	outb((unsigned char)lcr, port + LCR);
	return dll | dlm << 8;
}

static unsigned hw_lcr(void)
{
	return inb(port + LCR);
}

static void check_baud(struct dev_serial_client *c, uint32_t hz)
{
	int st = dev_serial_set_baud(c, hz);
	check(st == 0, serial_status(st), "set_baud(%u)", (unsigned)hz);
	uint32_t got = 0;
	st = dev_serial_get_baud(c, &got);
	char why[64];
	snprintf(why, sizeof why, "expected %u", (unsigned)hz);
	check(st == 0 && got == hz, st ? serial_status(st) : why, "get_baud() = %u", (unsigned)got);
	if (port) {
		unsigned d = hw_divisor();
		snprintf(why, sizeof why, "expected %u", (unsigned)(UART_CLOCK / hz));
		check(d == UART_CLOCK / hz, why, "divisor latch read from the UART at 0x%x = %u",
		      port, d);
	}
}

/* One line setting: set it (set_call), get it back (get_call, with what
 * came back), and (with --port) see it in the LCR bits `mask` as `want`. */
static void check_lcr(const char *set_call, int set_st, const char *get_call, int get_st,
		      bool got_ok, unsigned mask, unsigned want)
{
	check(set_st == 0, serial_status(set_st), "%s", set_call);
	check(get_st == 0 && got_ok, get_st ? serial_status(get_st) : "not what was set", "%s",
	      get_call);
	if (port) {
		unsigned lcr = hw_lcr();
		char why[64];
		snprintf(why, sizeof why, "expected LCR & 0x%02x = 0x%02x", mask, want);
		check((lcr & mask) == want, why, "after %s the UART's LCR reads 0x%02x", set_call,
		      lcr);
	}
}

static void check_line_settings(struct dev_serial_client *c)
{
	static const struct {
		uint32_t charlen;
		enum dev_parity parity;
		enum dev_stop_bits stop;
		unsigned lcr; /* 8N1 = 0x03 */
	} settings[] = {
		{7, DEV_PARITY_EVEN, DEV_STOP_BITS_TWO, 0x1e},
		{5, DEV_PARITY_ODD, DEV_STOP_BITS_ONE, 0x08},
		{6, DEV_PARITY_MARK, DEV_STOP_BITS_TWO, 0x2d},
		{8, DEV_PARITY_NONE, DEV_STOP_BITS_ONE, 0x03}, /* last: 8N1 for the echo */
	};
	char set[64], get[64];
	for (size_t i = 0; i < sizeof settings / sizeof settings[0]; i++) {
		uint32_t bits = 0;
		enum dev_parity par = DEV_PARITY_NONE;
		enum dev_stop_bits stop = DEV_STOP_BITS_ONE;
		int s1 = dev_serial_set_charlen(c, settings[i].charlen);
		int s2 = dev_serial_get_charlen(c, &bits);
		snprintf(set, sizeof set, "set_charlen(%u)", (unsigned)settings[i].charlen);
		snprintf(get, sizeof get, "get_charlen() = %u", (unsigned)bits);
		check_lcr(set, s1, get, s2, bits == settings[i].charlen, 0x03,
			  settings[i].lcr & 0x03);
		s1 = dev_serial_set_parity(c, settings[i].parity);
		s2 = dev_serial_get_parity(c, &par);
		snprintf(set, sizeof set, "set_parity(%s)", dev_parity_name(settings[i].parity));
		snprintf(get, sizeof get, "get_parity() = %s",
			 dev_parity_name(par) ? dev_parity_name(par) : "?");
		check_lcr(set, s1, get, s2, par == settings[i].parity, 0x38,
			  settings[i].lcr & 0x38);
		s1 = dev_serial_set_stopbits(c, settings[i].stop);
		s2 = dev_serial_get_stopbits(c, &stop);
		snprintf(set, sizeof set, "set_stopbits(%s)", dev_stop_bits_name(settings[i].stop));
		snprintf(get, sizeof get, "get_stopbits() = %s",
			 dev_stop_bits_name(stop) ? dev_stop_bits_name(stop) : "?");
		check_lcr(set, s1, get, s2, stop == settings[i].stop, 0x04, settings[i].lcr & 0x04);
	}
}

/* Writes b[off, off+len) through the driver, however many calls it takes.
 * 0, or the failing call's status. */
static int write_all(struct dev_serial_client *c, struct drv_buffer *b, size_t off, size_t len,
		     unsigned *calls)
{
	while (len) {
		uint64_t n = 0;
		int st = dev_serial_write(c, b, off, len, &n);
		++*calls;
		if (st)
			return st;
		if (n == 0 || n > len)
			return -DRV_E_BAD_REPLY;
		off += n;
		len -= n;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *marker = NULL, *expect_arg = "hello\\r";
	char marker_buf[128];
	setvbuf(stdout, NULL, _IOLBF, 0);
	check_tag = "serial";
	for (int i = 1; i < argc; i++) {
		if (check_common_option(argc, argv, &i))
			continue;
		if (!strcmp(argv[i], "--port") && i + 1 < argc)
			port = (unsigned)strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--marker") && i + 1 < argc)
			marker = argv[++i];
		else if (!strcmp(argv[i], "--expect") && i + 1 < argc)
			expect_arg = argv[++i];
		else {
			fprintf(stderr,
				"usage: %s [--tag T] [--instance N] [--port P] [--marker M] [--expect TEXT]\n",
				argv[0]);
			return 2;
		}
	}
	if (!marker) {
		snprintf(marker_buf, sizeof marker_buf, "DRVGEN-SERIAL-READY %s", check_tag);
		marker = marker_buf;
	}
	uint8_t expect[256];
	size_t expect_len = unescape(expect_arg, expect, sizeof expect);
	guard(GUARD_S, "programming dev::serial");

	if (port && ioperm(port, 8, 1) < 0) {
		check(false, strerror(errno), "ioperm(0x%x, 8) for the register read-back", port);
		port = 0;
	}
	struct dev_serial_client *c = NULL;
	int st = dev_serial_connect(check_instance, &c);
	if (!check(st == 0, serial_status(st), "connect dev::serial %u", check_instance))
		return check_exit();
	check_baud(c, 9600);
	check_baud(c, 115200);
	check_baud(c, 9600);
	check_line_settings(c);

	struct drv_buffer *b = NULL;
	if (!check(drv_buffer_new(BUF, &b) == 0, NULL, "a page buffer"))
		return check_exit();

	/* Ready: tell the host, through the driver's own write path. */
	size_t mlen = strlen(marker);
	memcpy(b->data, marker, mlen);
	((char *)b->data)[mlen++] = '\n';
	unsigned calls = 0;
	st = write_all(c, b, 0, mlen, &calls);
	check(st == 0, serial_status(st), "wrote \"%s\" to the port (%zu bytes, %u write calls)",
	      escaped(b->data, mlen), mlen, calls);
	printf("# %s: waiting for the host's line on the port\n", check_tag);

	/* The echo: each read waits for the receive interrupt. */
	guard(GUARD_S, "waiting for the host's line on the port (dev::serial read)");
	uint8_t got[256];
	size_t ngot = 0;
	unsigned reads = 0, wcalls = 0;
	bool eol = false;
	int wst = 0;
	while (!eol && ngot < sizeof got) {
		uint64_t n = 0;
		st = dev_serial_read(c, b, 0, BUF, &n);
		reads++;
		if (st || n == 0 || n > BUF)
			break;
		uint8_t *p = b->data;
		for (uint64_t i = 0; i < n; i++) {
			if (ngot < sizeof got)
				got[ngot++] = p[i];
			if (p[i] == '\r' || p[i] == '\n')
				eol = true;
			if (p[i] == '\r')
				p[i] = '\n';
		}
		if (!wst)
			wst = write_all(c, b, 0, n, &wcalls);
	}
	check(eol && st == 0, st ? serial_status(st) : "no end of line",
	      "read \"%s\" from the port (%zu bytes in %u reads)", escaped(got, ngot), ngot, reads);
	char why[300];
	snprintf(why, sizeof why, "expected \"%s\"", escaped(expect, expect_len));
	check(ngot == expect_len && !memcmp(got, expect, ngot), why,
	      "what arrived is what the host sent");
	check(wst == 0 && eol, serial_status(wst), "echoed it back with CR turned into LF (%u write calls)",
	      wcalls);
	drv_buffer_free(b);
	dev_serial_disconnect(c);
	return check_exit();
}
