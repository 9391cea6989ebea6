// SPDX-License-Identifier: MIT
/* doc_svg.c - a register's bit fields as an SVG drawing, for `drvgen doc`,
 * in the manner of WaveDrom's bitfield and PeakRDL-html: a lane of bit
 * cells, most significant bit on the left, numbered above; a box per field
 * with its name in it (turned upright where the field is too narrow), its
 * access under it; bits no field covers shaded as reserved. A 64-bit
 * register is drawn as two lanes, its high half first.
 */
#include "doc_svg.h"

#include <stdio.h>
#include <string.h>

enum {
	LANE_WIDTH = 640, /* a lane, whatever its bits */
	MARGIN = 12,
	NUMBERS = 16,    /* the row of bit numbers above a lane */
	ACCESS = 16,     /* the row of access words under it */
	GAP = 10,        /* between lanes */
	CHAR_WIDTH = 7,  /* of the 12px names, for fitting them */
	MIN_HEIGHT = 36, /* a lane whose names all lie flat */
	MAX_NAME = 24,   /* characters of an upright name before it is cut */
};

/* One box of a lane: a field, or a run of reserved bits (field NULL). */
struct box {
	unsigned msb, lsb;
	const struct ir_field *field;
};

/* The boxes of bits [lo, lo + bits) of r, most significant first. */
static size_t lane_boxes(const struct ir_register *r, unsigned lo, unsigned bits,
			 struct box *boxes)
{
	size_t n = 0;
	for (int bit = (int)(lo + bits) - 1; bit >= (int)lo;) {
		const struct ir_field *at = NULL;
		for (size_t i = 0; i < r->fields.len && !at; i++)
			if (r->fields.items[i].lsb <= (unsigned)bit &&
			    (unsigned)bit <= r->fields.items[i].msb)
				at = &r->fields.items[i];
		int end = bit;
		if (at)
			end = at->lsb > lo ? (int)at->lsb : (int)lo;
		else
			while (end > (int)lo) {
				bool taken = false;
				for (size_t i = 0; i < r->fields.len && !taken; i++)
					taken = r->fields.items[i].lsb <= (unsigned)(end - 1) &&
						(unsigned)(end - 1) <= r->fields.items[i].msb;
				if (taken)
					break;
				end--;
			}
		boxes[n++] = (struct box){(unsigned)bit, (unsigned)end, at};
		bit = end - 1;
	}
	return n;
}

/* The fill of a box: by what software may do with it. */
static const char *fill_of(const struct ir_register *r, const struct box *b)
{
	if (!b->field && r->fields.len)
		return "url(#reserved)";
	const struct access_info *a = access_info(b->field ? b->field->access : r->access);
	if (a->read_side_effect || a->write == WRITE_ONE_ACTS || a->write == WRITE_ZERO_ACTS)
		return "#fbe3ef"; /* reading or writing acts: rc, rs, w1c ... */
	if (a->readable && a->write == WRITE_STORE)
		return "#e3f4e8"; /* rw */
	if (a->readable)
		return "#e6eefb"; /* ro */
	return "#fdf0dc";        /* wo, wonce */
}

static const char *name_of(const struct ir_register *r, const struct box *b)
{
	return b->field ? b->field->name : r->fields.len ? "" : r->path;
}

static void text(struct strbuf *out, double x, double y, const char *attrs, const char *s)
{
	sb_printf(out, "<text x=\"%.1f\" y=\"%.1f\" %s>%s</text>\n", x, y, attrs, s);
}

void doc_svg_register(struct strbuf *out, const struct ir_register *r)
{
	unsigned lane_bits = r->width > 32 ? 32 : r->width;
	unsigned lanes = r->width / lane_bits;
	double cell = (double)LANE_WIDTH / lane_bits;
	struct box boxes[64];
	/* A lane is as tall as its longest upright name needs. */
	unsigned height = MIN_HEIGHT;
	for (unsigned l = 0; l < lanes; l++) {
		size_t n = lane_boxes(r, l * lane_bits, lane_bits, boxes);
		for (size_t i = 0; i < n; i++) {
			size_t len = strlen(name_of(r, &boxes[i]));
			double w = (boxes[i].msb - boxes[i].lsb + 1) * cell;
			len = len > MAX_NAME ? MAX_NAME : len;
			if (len * CHAR_WIDTH > w - 6 && len * CHAR_WIDTH + 12 > height)
				height = (unsigned)(len * CHAR_WIDTH + 12);
		}
	}
	unsigned lane_h = NUMBERS + height + ACCESS + GAP;
	sb_printf(out,
		  "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%u\" "
		  "viewBox=\"0 0 %d %u\" font-family=\"sans-serif\" role=\"img\">\n",
		  LANE_WIDTH + 2 * MARGIN, lanes * lane_h + MARGIN, LANE_WIDTH + 2 * MARGIN,
		  lanes * lane_h + MARGIN);
	sb_printf(out, "<title>%s: %u bits</title>\n", r->path, r->width);
	sb_puts(out, "<defs><pattern id=\"reserved\" width=\"6\" height=\"6\" "
		     "patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
		     "<rect width=\"6\" height=\"6\" fill=\"#eeeeee\"/>"
		     "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#c8c8c8\" stroke-width=\"2\"/>"
		     "</pattern></defs>\n");
	for (unsigned l = 0; l < lanes; l++) {
		unsigned lo = (lanes - 1 - l) * lane_bits; /* the high half first */
		double top = MARGIN + l * lane_h + NUMBERS;
		size_t n = lane_boxes(r, lo, lane_bits, boxes);
		/* the bit numbers, msb on the left */
		for (unsigned k = 0; k < lane_bits; k++) {
			unsigned bit = lo + lane_bits - 1 - k;
			char num[8];
			snprintf(num, sizeof num, "%u", bit);
			text(out, MARGIN + (k + 0.5) * cell, top - 4,
			     "font-size=\"10\" fill=\"#57606a\" text-anchor=\"middle\"", num);
		}
		for (size_t i = 0; i < n; i++) {
			const struct box *b = &boxes[i];
			double x = MARGIN + (lo + lane_bits - 1 - b->msb) * cell;
			double w = (b->msb - b->lsb + 1) * cell;
			sb_printf(out,
				  "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%u\" fill=\"%s\" "
				  "stroke=\"#24292f\" stroke-width=\"1.2\"/>\n",
				  x, top, w, height, fill_of(r, b));
			/* a tick between the bits of a wide box */
			for (unsigned k = 1; k <= b->msb - b->lsb; k++)
				sb_printf(out,
					  "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
					  "stroke=\"#24292f\" stroke-width=\"0.6\"/>\n",
					  x + k * cell, top + height - 5, x + k * cell, top + height);
			const char *name = name_of(r, b);
			size_t len = strlen(name);
			char shown[MAX_NAME + 4];
			snprintf(shown, sizeof shown, "%.*s%s", MAX_NAME, name,
				 len > MAX_NAME ? "\xe2\x80\xa6" : "");
			double cx = x + w / 2, cy = top + height / 2.0;
			if (len * CHAR_WIDTH <= w - 6) {
				text(out, cx, cy + 4, "font-size=\"12\" text-anchor=\"middle\"", shown);
			} else if (*name) {
				char attrs[160];
				snprintf(attrs, sizeof attrs,
					 "font-size=\"12\" text-anchor=\"middle\" "
					 "transform=\"rotate(-90 %.1f %.1f)\"",
					 cx + 4, cy);
				text(out, cx + 4, cy, attrs, shown);
			}
			const char *access = b->field ? access_info(b->field->access)->name
					     : r->fields.len ? "" : access_info(r->access)->name;
			if (*access && strlen(access) * 6 <= w)
				text(out, cx, top + height + 12,
				     "font-size=\"10\" fill=\"#57606a\" text-anchor=\"middle\"", access);
		}
	}
	sb_puts(out, "</svg>\n");
}
