/* SPDX-License-Identifier: MIT */
/* doc_svg.h - a register's bit fields as an SVG drawing (doc_svg.c). */
#ifndef DRVGEN_DOC_SVG_H
#define DRVGEN_DOC_SVG_H

#include "ir.h"

/* Writes a standalone <svg> element of r's fields: bit numbers, a box per
 * field with its name and access, reserved bits shaded. */
void doc_svg_register(struct strbuf *out, const struct ir_register *r);

#endif
