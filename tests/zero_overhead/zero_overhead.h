/* SPDX-License-Identifier: MIT */
/* zero_overhead.h - the functions both translation units define. */
#include <stdint.h>

uint32_t zo_read_id(volatile uint8_t *bar);
uint32_t zo_read_major(volatile uint8_t *bar);
void zo_write_liveness(volatile uint8_t *bar, uint32_t v);
void zo_enable_fact_irq(volatile uint8_t *bar);
void zo_dma_src(volatile uint8_t *bar, uint64_t addr);
void zo_start_dma(volatile uint8_t *bar);
void zo_ack(volatile uint8_t *bar);
uint32_t zo_factorial(volatile uint8_t *bar, uint32_t n);
void zo_uart_8n1(void);
uint8_t zo_uart_ready(void);
