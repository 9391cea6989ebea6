/* SPDX-License-Identifier: MIT */
/* e1000_model.h - Intel's 82540EM (the e1000) as a device model for
 * runtime/sim, after the 8254x manual, so that specs/e1000/em.c is tested
 * on the host where QEMU does not take it: a transmit ring that fills,
 * the link going down and up, frames over several receive descriptors,
 * frames the device flags bad, a receive ring that overflows, and MPC
 * cleared by a read or not (QEMU's erratum).
 *
 * It models what em.c touches: reset, STATUS from the link, EERD reads of
 * an EEPROM image (done after a few polls), ICR/ICS/IMS/IMC and the INTx
 * line, the address filters (RAL/RAH, MTA with rctl.mo 0, UPE, MPE, BAM),
 * the legacy receive and transmit rings in host memory standing in for
 * RAM, and read-to-clear statistics. Other registers just hold what is
 * written.
 *
 * Time is explicit: the device sends what the transmit ring holds when a
 * driver writes TDT (unless tx_held, then when the test calls
 * e1000_model_transmit), and frames arrive when the test calls
 * e1000_model_receive.
 */
#ifndef E1000_MODEL_H
#define E1000_MODEL_H

#include "drv_sim.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	E1000_MODEL_REGS = 0x20000 / 4,
	E1000_MODEL_MAX_SENT = 1024, /* frames it keeps */
	E1000_MODEL_MAX_FRAME = 16384,  /* the longest frame it sends */
	E1000_MODEL_MAX_GATHER = 65536 + 256, /* the longest it gathers to cut into segments */
	E1000_MODEL_EERD_POLLS = 3, /* reads of EERD before a word is done */
	/* receive descriptor error bits (3.2.3.2) */
	E1000_MODEL_RXE_CE = 0x01,
};

struct e1000_model {
	uint32_t reg[E1000_MODEL_REGS]; /* by offset / 4 */
	uint16_t eeprom[64];
	unsigned eerd_polls;            /* until the word asked for is done */
	bool link_up;
	bool tx_held;    /* the wire is busy: TDT sends nothing until e1000_model_transmit */
	bool mpc_sticky; /* QEMU's erratum: reading MPC does not clear it */
	/* what the device's DMA reaches */
	uint8_t *ram;
	uint64_t ram_base, ram_size;
	/* what it sent, frames back to back */
	uint8_t *sent;
	size_t sent_bytes;
	uint32_t sent_len[E1000_MODEL_MAX_SENT];
	unsigned nsent;
	unsigned tx_descriptors; /* transmit descriptors processed */
	unsigned rx_descriptors; /* receive descriptors written */
	uint8_t frame[E1000_MODEL_MAX_GATHER]; /* the frame being gathered */
	size_t frame_len;
	uint8_t popts; /* the gathered frame's first data descriptor's: what to insert */
	bool tse;      /* and whether to cut it */
	/* the TCP/IP contexts (3.3.6): the checksums' and the segmentation's */
	struct e1000_model_context {
		uint8_t ipcss, ipcso, tucss, tucso, hdr_len;
		uint16_t ipcse, tucse, mss;
		uint32_t paylen;
		bool ip, tcp;
	} checksum_context, tso_context;
	unsigned contexts;  /* context descriptors processed */
	unsigned segmented; /* frames it cut into segments */
	unsigned resets;
	/* the INTx line, level triggered: icr & ims */
	void (*irq)(void *ctx, bool level);
	void *irq_ctx;
	bool irq_level;
	/* what a real device would choke on: DMA outside RAM, a frame longer
	 * than it can hold, a ring that does not fit */
	unsigned guest_errors;
};

/* An 82540EM with this address in its EEPROM (checksum right), link up. */
void e1000_model_init(struct e1000_model *m, const uint8_t mac[6]);
void e1000_model_free(struct e1000_model *m);
struct drv_sim_model e1000_model_ops(struct e1000_model *m);
/* Sets EEPROM word 63, the checksum word, so the 64 words add up to 0xbaba. */
void e1000_model_fix_checksum(struct e1000_model *m);
/* A register, as the device holds it (no side effect). */
uint32_t e1000_model_reg(const struct e1000_model *m, uint32_t offset);

/* A frame from the wire (length bytes, without its CRC): filtered, then
 * written to the receive ring; errors are the error bits the device
 * reports in its last descriptor. False if it was not taken (filtered,
 * too long, receiver off, or no room: then MPC counts it). */
bool e1000_model_receive(struct e1000_model *m, const uint8_t *frame, size_t length,
			 uint8_t errors);
/* Sends what the transmit ring holds (nothing while the link is down). */
void e1000_model_transmit(struct e1000_model *m);
/* The link goes up or down: STATUS and an LSC interrupt. */
void e1000_model_set_link(struct e1000_model *m, bool up);
/* The n-th frame sent (from 0), and its length. */
const uint8_t *e1000_model_sent(const struct e1000_model *m, unsigned n, uint32_t *length);

#endif
