// SPDX-License-Identifier: MIT
/* e1000_model.c - the 82540EM's behaviour, after the 8254x manual
 * (section numbers are its own). */
#include "e1000_model.h"

#include <stdlib.h>
#include <string.h>

/* Register offsets (13.4). */
enum {
	CTRL = 0x0000,
	STATUS = 0x0008,
	EERD = 0x0014,
	ICR = 0x00c0,
	ICS = 0x00c8,
	IMS = 0x00d0,
	IMC = 0x00d8,
	RCTL = 0x0100,
	TCTL = 0x0400,
	RDBAL = 0x2800,
	RDBAH = 0x2804,
	RDLEN = 0x2808,
	RDH = 0x2810,
	RDT = 0x2818,
	TDBAL = 0x3800,
	TDBAH = 0x3804,
	TDLEN = 0x3808,
	TDH = 0x3810,
	TDT = 0x3818,
	STATS = 0x4000, /* .. 0x40ff, read to clear */
	STATS_END = 0x4100,
	MPC = 0x4010,
	ROC = 0x40ac,
	GPRC = 0x4074,
	GPTC = 0x4080,
	GORCL = 0x4088,
	GOTCL = 0x4090,
	TPR = 0x40d0,
	TPT = 0x40d4,
	MTA = 0x5200,
	RA = 0x5400,
	RA_ENTRIES = 16,
};

/* Bits. */
enum {
	CTRL_RST = 1u << 26,
	STATUS_FD = 1u << 0,
	STATUS_LU = 1u << 1,
	STATUS_SPEED_1000 = 2u << 6,
	EERD_START = 1u << 0,
	EERD_DONE = 1u << 4,
	ICR_TXDW = 1u << 0,
	ICR_TXQE = 1u << 1,
	ICR_LSC = 1u << 2,
	ICR_RXDMT0 = 1u << 4,
	ICR_RXO = 1u << 6,
	ICR_RXT0 = 1u << 7,
	RCTL_EN = 1u << 1,
	RCTL_UPE = 1u << 3,
	RCTL_MPE = 1u << 4,
	RCTL_LPE = 1u << 5,
	RCTL_BAM = 1u << 15,
	RCTL_BSEX = 1u << 25,
	RCTL_SECRC = 1u << 26,
	TCTL_EN = 1u << 1,
	RXD_DD = 0x01,
	RXD_EOP = 0x02,
	TXD_EOP = 0x01,
	TXD_TSE = 0x04,
	TXD_RS = 0x08,
	TXD_DEXT = 0x20,
	TXC_TCP = 0x01,
	TXC_IP = 0x02,
	TXD_DD = 0x01,
	TXD_TYPE_CONTEXT = 0,
	TXD_TYPE_DATA = 1,
	POPTS_IXSM = 0x01,
	POPTS_TXSM = 0x02,
	DESC = 16,
	CRC = 4,
	MAX_STD_FRAME = 1522, /* with its CRC and an 802.1Q tag, without rctl.lpe */
};

static const uint32_t RAH_AV = 0x80000000u; /* above what an enum holds */

static uint32_t *reg(struct e1000_model *m, uint32_t offset)
{
	return &m->reg[offset / 4];
}

uint32_t e1000_model_reg(const struct e1000_model *m, uint32_t offset)
{
	return m->reg[offset / 4];
}

void e1000_model_fix_checksum(struct e1000_model *m)
{
	uint16_t sum = 0;
	for (unsigned i = 0; i < 63; i++)
		sum = (uint16_t)(sum + m->eeprom[i]);
	m->eeprom[63] = (uint16_t)(0xbaba - sum);
}

/* What a global reset leaves (13.4.1): every register at its initial
 * value, which for what this model holds is 0. */
static void reset(struct e1000_model *m)
{
	memset(m->reg, 0, sizeof m->reg);
	m->frame_len = 0;
	m->resets++;
}

void e1000_model_init(struct e1000_model *m, const uint8_t mac[6])
{
	memset(m, 0, sizeof *m);
	for (unsigned i = 0; i < 3; i++)
		m->eeprom[i] = (uint16_t)(mac[2 * i] | mac[2 * i + 1] << 8);
	m->eeprom[10] = 0x100e; /* the device ID word, as a real image has */
	e1000_model_fix_checksum(m);
	m->link_up = true;
	m->sent = malloc((size_t)E1000_MODEL_MAX_SENT * E1000_MODEL_MAX_FRAME);
}

void e1000_model_free(struct e1000_model *m)
{
	free(m->sent);
	m->sent = NULL;
}

static void update_irq(struct e1000_model *m)
{
	bool level = (*reg(m, ICR) & *reg(m, IMS)) != 0;
	if (level != m->irq_level) {
		m->irq_level = level;
		if (m->irq)
			m->irq(m->irq_ctx, level);
	}
}

static void cause(struct e1000_model *m, uint32_t causes)
{
	*reg(m, ICR) |= causes;
	update_irq(m);
}

/* Host memory for [bus, bus + len), or NULL (a guest error). */
static uint8_t *ram_at(struct e1000_model *m, uint64_t bus, uint64_t len)
{
	if (bus < m->ram_base || len > m->ram_size || bus - m->ram_base > m->ram_size - len) {
		m->guest_errors++;
		return NULL;
	}
	return m->ram + (bus - m->ram_base);
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void count(struct e1000_model *m, uint32_t offset, uint64_t n)
{
	if (offset == GORCL || offset == GOTCL) { /* 64 bits over two registers */
		uint64_t v = *reg(m, offset) | (uint64_t)*reg(m, offset + 4) << 32;
		v += n;
		*reg(m, offset) = (uint32_t)v;
		*reg(m, offset + 4) = (uint32_t)(v >> 32);
		return;
	}
	*reg(m, offset) += (uint32_t)n;
}

/* ---- transmit (3.3) ---- */

static void send_frame(struct e1000_model *m, const uint8_t *frame, size_t length)
{
	if (length > E1000_MODEL_MAX_FRAME) {
		m->guest_errors++;
		return;
	}
	if (m->nsent < E1000_MODEL_MAX_SENT) {
		memcpy(m->sent + m->sent_bytes, frame, length);
		m->sent_len[m->nsent++] = (uint32_t)length;
		m->sent_bytes += length;
	}
	count(m, GPTC, 1);
	count(m, TPT, 1);
	count(m, GOTCL, (length < 60 ? 60 : length) + CRC); /* padded (tctl.psp) */
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put_be16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Inserts a checksum (3.3.5): the complement of the ones' complement sum of bytes css through
 * cse (0: the end), the field at cso included as the driver left it. */
static void insert_checksum(struct e1000_model *m, uint8_t *frame, size_t length, unsigned css,
			    unsigned cso, unsigned cse)
{
	size_t end = cse ? (size_t)cse + 1 : length;
	uint32_t sum = 0;

	if (end > length || css >= end || cso + 2 > length) {
		m->guest_errors++;
		return;
	}
	for (size_t i = css; i < end; i += 2)
		sum += (uint32_t)frame[i] << 8 | (i + 1 < end ? frame[i + 1] : 0);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	put_be16(frame + cso, ~sum & 0xffff);
}

static void insert_checksums(struct e1000_model *m, const struct e1000_model_context *c,
			     uint8_t *frame, size_t length)
{
	if (m->popts & POPTS_TXSM)
		insert_checksum(m, frame, length, c->tucss, c->tucso, c->tucse);
	if (m->popts & POPTS_IXSM)
		insert_checksum(m, frame, length, c->ipcss, c->ipcso, c->ipcse);
}

/* TCP segmentation (3.5): each segment is the header and the next mss bytes of payload; the
 * device sets the IPv4 total length and identification, the TCP sequence number and flags, adds
 * the segment's TCP length to the pseudo-header sum the driver left in the checksum field, and
 * inserts the checksums. */
static void send_segments(struct e1000_model *m)
{
	const struct e1000_model_context *c = &m->tso_context;
	size_t payload = m->frame_len - c->hdr_len, done = 0;
	uint8_t seg[E1000_MODEL_MAX_FRAME];
	unsigned k = 0;

	if (m->frame_len <= c->hdr_len || !c->mss || !c->tcp || !c->ip ||
	    (size_t)c->hdr_len + c->mss > sizeof seg || c->tucso + 2 > c->hdr_len ||
	    c->ipcso + 2 > c->hdr_len || c->tucss + 20 > c->hdr_len || payload != c->paylen) {
		m->guest_errors++;
		return;
	}
	m->segmented++;
	for (; done < payload; k++) {
		size_t n = payload - done < c->mss ? payload - done : c->mss;
		size_t length = c->hdr_len + n;
		uint32_t seq, sum;

		memcpy(seg, m->frame, c->hdr_len);
		memcpy(seg + c->hdr_len, m->frame + c->hdr_len + done, n);
		put_be16(seg + c->ipcss + 2, length - c->ipcss);
		put_be16(seg + c->ipcss + 4, be16(seg + c->ipcss + 4) + k);
		seq = (uint32_t)be16(seg + c->tucss + 4) << 16 | be16(seg + c->tucss + 6);
		seq += (uint32_t)done;
		put_be16(seg + c->tucss + 4, seq >> 16);
		put_be16(seg + c->tucss + 6, seq);
		if (done + n < payload)
			seg[c->tucss + 13] &= (uint8_t)~0x09; /* FIN and PSH only on the last */
		sum = be16(seg + c->tucso) + (uint32_t)(length - c->tucss);
		put_be16(seg + c->tucso, (sum & 0xffff) + (sum >> 16));
		insert_checksums(m, c, seg, length);
		send_frame(m, seg, length);
		done += n;
	}
}

static void finish_frame(struct e1000_model *m)
{
	if (m->tse)
		send_segments(m);
	else {
		insert_checksums(m, &m->checksum_context, m->frame, m->frame_len);
		send_frame(m, m->frame, m->frame_len);
	}
	m->frame_len = 0;
}

static void read_context(struct e1000_model *m, const uint8_t *d)
{
	uint8_t cmd = d[11];
	struct e1000_model_context *c = cmd & TXD_TSE ? &m->tso_context : &m->checksum_context;

	*c = (struct e1000_model_context){
		.ipcss = d[0], .ipcso = d[1], .ipcse = (uint16_t)(d[2] | d[3] << 8),
		.tucss = d[4], .tucso = d[5], .tucse = (uint16_t)(d[6] | d[7] << 8),
		.paylen = (uint32_t)(d[8] | d[9] << 8 | (d[10] & 0x0f) << 16),
		.ip = cmd & TXC_IP, .tcp = cmd & TXC_TCP,
		.hdr_len = d[13], .mss = (uint16_t)(d[14] | d[15] << 8),
	};
	m->contexts++;
}

void e1000_model_transmit(struct e1000_model *m)
{
	uint32_t n = *reg(m, TDLEN) / DESC, causes = 0;
	uint64_t base = *reg(m, TDBAL) | (uint64_t)*reg(m, TDBAH) << 32;

	if (!(*reg(m, TCTL) & TCTL_EN) || !m->link_up || !n)
		return;
	while (*reg(m, TDH) != *reg(m, TDT)) {
		uint8_t *d = ram_at(m, base + (uint64_t)*reg(m, TDH) * DESC, DESC);
		if (!d || *reg(m, TDH) >= n)
			return;
		uint8_t cmd = d[11], type = d[10] >> 4;
		if ((cmd & TXD_DEXT) && type == TXD_TYPE_CONTEXT) {
			read_context(m, d);
		} else {
			uint16_t len = (uint16_t)(d[8] | d[9] << 8);
			const uint8_t *data = ram_at(m, get64(d), len);
			if (!data || ((cmd & TXD_DEXT) && type != TXD_TYPE_DATA))
				return;
			if (m->frame_len + len > sizeof m->frame) {
				m->guest_errors++;
				return;
			}
			if (!m->frame_len) { /* the first descriptor of a frame says what to insert */
				m->popts = cmd & TXD_DEXT ? d[13] : 0;
				m->tse = (cmd & TXD_DEXT) && (cmd & TXD_TSE);
			}
			memcpy(m->frame + m->frame_len, data, len);
			m->frame_len += len;
			if (cmd & TXD_EOP)
				finish_frame(m);
		}
		if (cmd & TXD_RS) {
			d[12] |= TXD_DD;
			causes |= ICR_TXDW;
		}
		m->tx_descriptors++;
		*reg(m, TDH) = (*reg(m, TDH) + 1) % n;
	}
	cause(m, causes | ICR_TXQE);
}

/* ---- receive (3.2) ---- */

static uint32_t buffer_size(uint32_t rctl)
{
	static const uint32_t sizes[2][4] = {{2048, 1024, 512, 256}, {0, 16384, 8192, 4096}};
	return sizes[!!(rctl & RCTL_BSEX)][(rctl >> 16) & 3];
}

/* Whether the destination passes the filters (13.5). */
static bool accepted(struct e1000_model *m, const uint8_t *dst)
{
	uint32_t rctl = *reg(m, RCTL);
	static const uint8_t broadcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

	if (!memcmp(dst, broadcast, 6))
		return rctl & RCTL_BAM;
	if (dst[0] & 1) {
		unsigned h = ((unsigned)dst[4] >> 4 | (unsigned)dst[5] << 4) & 0xfff; /* rctl.mo 0 */
		return (rctl & RCTL_MPE) || (*reg(m, MTA + h / 32 * 4) >> (h % 32) & 1);
	}
	if (rctl & RCTL_UPE)
		return true;
	for (unsigned i = 0; i < RA_ENTRIES; i++) {
		uint32_t lo = *reg(m, RA + 8 * i), hi = *reg(m, RA + 8 * i + 4);
		uint8_t a[6] = {(uint8_t)lo, (uint8_t)(lo >> 8), (uint8_t)(lo >> 16),
				(uint8_t)(lo >> 24), (uint8_t)hi, (uint8_t)(hi >> 8)};
		if ((hi & RAH_AV) && !memcmp(a, dst, 6))
			return true;
	}
	return false;
}

bool e1000_model_receive(struct e1000_model *m, const uint8_t *frame, size_t length,
			 uint8_t errors)
{
	uint32_t rctl = *reg(m, RCTL), n = *reg(m, RDLEN) / DESC, size = buffer_size(rctl);
	uint64_t base = *reg(m, RDBAL) | (uint64_t)*reg(m, RDBAH) << 32;
	size_t stored = length + (rctl & RCTL_SECRC ? 0 : CRC);

	if (!(rctl & RCTL_EN) || !m->link_up || !n || !size || length < 14)
		return false;
	if (!accepted(m, frame))
		return false;
	if (length + CRC > MAX_STD_FRAME && !(rctl & RCTL_LPE)) {
		count(m, ROC, 1);
		return false;
	}
	count(m, TPR, 1);
	uint32_t free_desc = (*reg(m, RDT) + n - *reg(m, RDH)) % n;
	if ((stored + size - 1) / size > free_desc) {
		count(m, MPC, 1);
		cause(m, ICR_RXO);
		return false;
	}
	for (size_t done = 0; done < stored;) {
		uint8_t *d = ram_at(m, base + (uint64_t)*reg(m, RDH) * DESC, DESC);
		if (!d)
			return false;
		size_t k = stored - done < size ? stored - done : size;
		uint8_t *buf = ram_at(m, get64(d), k);
		if (!buf)
			return false;
		memset(buf, 0, k); /* the CRC, when it is kept */
		memcpy(buf, frame + done, done + k <= length ? k : done < length ? length - done : 0);
		done += k;
		d[8] = (uint8_t)k;
		d[9] = (uint8_t)(k >> 8);
		d[12] = RXD_DD | (done == stored ? RXD_EOP : 0);
		d[13] = done == stored ? errors : 0;
		m->rx_descriptors++;
		*reg(m, RDH) = (*reg(m, RDH) + 1) % n;
	}
	count(m, GPRC, 1);
	count(m, GORCL, length + CRC);
	free_desc = (*reg(m, RDT) + n - *reg(m, RDH)) % n;
	cause(m, ICR_RXT0 | (free_desc <= n / 2 ? ICR_RXDMT0 : 0)); /* rctl.rdmts 1/2 */
	return true;
}

void e1000_model_set_link(struct e1000_model *m, bool up)
{
	m->link_up = up;
	cause(m, ICR_LSC);
	if (up)
		e1000_model_transmit(m); /* what waited for the link */
}

const uint8_t *e1000_model_sent(const struct e1000_model *m, unsigned n, uint32_t *length)
{
	size_t at = 0;
	if (n >= m->nsent)
		return NULL;
	for (unsigned i = 0; i < n; i++)
		at += m->sent_len[i];
	*length = m->sent_len[n];
	return m->sent + at;
}

/* ---- registers ---- */

static uint64_t model_read(void *ctx, uint64_t offset, unsigned bytes)
{
	struct e1000_model *m = ctx;
	uint32_t v;

	if (bytes != 4 || offset % 4 || offset >= 4 * E1000_MODEL_REGS) {
		m->guest_errors++;
		return 0;
	}
	switch (offset) {
	case STATUS:
		return m->link_up ? STATUS_LU | STATUS_FD | STATUS_SPEED_1000 : 0;
	case EERD:
		v = *reg(m, EERD);
		if ((v & EERD_START) && m->eerd_polls && --m->eerd_polls == 0) {
			unsigned word = (v >> 8) & 0xff;
			v = (v & 0xff00) | EERD_DONE | (uint32_t)(word < 64 ? m->eeprom[word] : 0) << 16;
			*reg(m, EERD) = v;
		}
		return v;
	case ICR:
		v = *reg(m, ICR);
		*reg(m, ICR) = 0;
		update_irq(m);
		return v;
	case IMC:
	case ICS:
		m->guest_errors++; /* write-only */
		return 0;
	default:
		if (offset >= STATS && offset < STATS_END && !(offset == MPC && m->mpc_sticky)) {
			v = *reg(m, (uint32_t)offset);
			*reg(m, (uint32_t)offset) = 0;
			return v;
		}
		return *reg(m, (uint32_t)offset);
	}
}

static void model_write(void *ctx, uint64_t offset, unsigned bytes, uint64_t value)
{
	struct e1000_model *m = ctx;
	uint32_t v = (uint32_t)value;

	if (bytes != 4 || offset % 4 || offset >= 4 * E1000_MODEL_REGS) {
		m->guest_errors++;
		return;
	}
	switch (offset) {
	case CTRL:
		if (v & CTRL_RST) {
			reset(m);
			update_irq(m);
			v &= ~CTRL_RST;
		}
		*reg(m, CTRL) = v;
		break;
	case STATUS:
		break; /* read only */
	case EERD:
		*reg(m, EERD) = v & 0xff01; /* address and start; done and data are the device's */
		m->eerd_polls = v & EERD_START ? E1000_MODEL_EERD_POLLS : 0;
		break;
	case ICR:
		*reg(m, ICR) &= ~v;
		update_irq(m);
		break;
	case ICS:
		cause(m, v);
		break;
	case IMS:
		*reg(m, IMS) |= v;
		update_irq(m);
		break;
	case IMC:
		*reg(m, IMS) &= ~v;
		update_irq(m);
		break;
	case RDLEN:
	case TDLEN:
		if (v % 128 || v > 65536)
			m->guest_errors++;
		*reg(m, (uint32_t)offset) = v;
		break;
	case TDT:
		*reg(m, TDT) = v;
		if (!m->tx_held)
			e1000_model_transmit(m);
		break;
	default:
		if (offset >= STATS && offset < STATS_END)
			break; /* read only */
		*reg(m, (uint32_t)offset) = v;
		break;
	}
}

struct drv_sim_model e1000_model_ops(struct e1000_model *m)
{
	return (struct drv_sim_model){model_read, model_write, m};
}
