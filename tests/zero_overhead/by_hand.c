// SPDX-License-Identifier: MIT
/* by_hand.c - the accesses of accessors.c, written by hand as a driver
 * writer would without drvgen: volatile pointers, shifts and masks, and the
 * x86 port instructions. */
#include "zero_overhead.h"

#define REG32(bar, off) (*(volatile uint32_t *)((bar) + (off)))
#define REG64(bar, off) (*(volatile uint64_t *)((bar) + (off)))

uint32_t zo_read_id(volatile uint8_t *bar)
{
	return REG32(bar, 0x00);
}

uint32_t zo_read_major(volatile uint8_t *bar)
{
	return REG32(bar, 0x00) >> 24;
}

void zo_write_liveness(volatile uint8_t *bar, uint32_t v)
{
	REG32(bar, 0x04) = v;
}

void zo_enable_fact_irq(volatile uint8_t *bar)
{
	REG32(bar, 0x20) = REG32(bar, 0x20) | 0x80;
}

void zo_dma_src(volatile uint8_t *bar, uint64_t addr)
{
	REG64(bar, 0x80) = addr;
}

void zo_start_dma(volatile uint8_t *bar)
{
	REG32(bar, 0x98) = 0x7;
}

void zo_ack(volatile uint8_t *bar)
{
	REG32(bar, 0x64) = REG32(bar, 0x24);
}

uint32_t zo_factorial(volatile uint8_t *bar, uint32_t n)
{
	REG32(bar, 0x08) = n;
	while (REG32(bar, 0x20) & 1)
		;
	return REG32(bar, 0x08);
}

void zo_uart_8n1(void)
{
	__asm__ __volatile__("outb %b0, %w1" : : "a"((uint8_t)0x03), "Nd"((uint16_t)0x2fb));
}

uint8_t zo_uart_ready(void)
{
	uint8_t v;
	__asm__ __volatile__("inb %w1, %b0" : "=a"(v) : "Nd"((uint16_t)0x2fd));
	return v & 1;
}
