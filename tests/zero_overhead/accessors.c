// SPDX-License-Identifier: MIT
/* accessors.c - register accesses through the generated accessors (user
 * target). by_hand.c does the same accesses with volatile pointers; the two
 * must compile to the same instructions (compare.sh). */
#include "edu_regs.h"
#include "uart16550_regs.h"

#include "zero_overhead.h"

uint32_t zo_read_id(volatile uint8_t *bar)
{
	return edu_id_raw(edu_id_read(edu_bar0_at(drv_io_mmio(bar))));
}

uint32_t zo_read_major(volatile uint8_t *bar)
{
	return edu_id_major_get(edu_id_read(edu_bar0_at(drv_io_mmio(bar))));
}

void zo_write_liveness(volatile uint8_t *bar, uint32_t v)
{
	edu_liveness_write(edu_bar0_at(drv_io_mmio(bar)), v);
}

void zo_enable_fact_irq(volatile uint8_t *bar)
{
	edu_status_irq_enable_update(edu_bar0_at(drv_io_mmio(bar)), 1);
}

void zo_dma_src(volatile uint8_t *bar, uint64_t addr)
{
	edu_dma_src_write(edu_bar0_at(drv_io_mmio(bar)), addr);
}

void zo_start_dma(volatile uint8_t *bar)
{
	edu_dma_cmd_t cmd = edu_dma_cmd_start_set(edu_dma_cmd_value(0), 1);
	cmd = edu_dma_cmd_direction_set(cmd, EDU_DMA_CMD_DIRECTION_FROM_DEVICE);
	edu_dma_cmd_write(edu_bar0_at(drv_io_mmio(bar)), edu_dma_cmd_irq_enable_set(cmd, 1));
}

void zo_ack(volatile uint8_t *bar)
{
	struct edu_bar0 h = edu_bar0_at(drv_io_mmio(bar));
	edu_irq_ack_write(h, edu_irq_status_read(h));
}

uint32_t zo_factorial(volatile uint8_t *bar, uint32_t n)
{
	struct edu_bar0 h = edu_bar0_at(drv_io_mmio(bar));
	edu_factorial_write(h, n);
	while (edu_status_computing_get(edu_status_read(h)))
		;
	return edu_factorial_read(h);
}

void zo_uart_8n1(void)
{
	struct uart16550_uart u = uart16550_uart_at(drv_io_pio(0x2f8));
	uart16550_lcr_t lcr = uart16550_lcr_wls_set(uart16550_lcr_value(0), UART16550_LCR_WLS_EIGHT);
	uart16550_lcr_write(u, lcr);
}

uint8_t zo_uart_ready(void)
{
	struct uart16550_uart u = uart16550_uart_at(drv_io_pio(0x2f8));
	return (uint8_t)uart16550_lsr_dr_get(uart16550_lsr_read(u));
}
