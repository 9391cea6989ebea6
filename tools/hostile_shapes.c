// SPDX-License-Identifier: MIT
/* hostile_shapes.c - the shapes of hostile_shapes.h, each written for a
 * size N. A shape is built so the work it once caused is largest: a chain
 * declared from its head, so that checking the first declaration walks
 * the whole chain; every unknown name close enough to a known one to be
 * worth a "did you mean".
 */
#include "hostile_shapes.h"

#include <string.h>

/* s0 contains s1, which contains s2, ...: laying out s0 lays out all. */
static void struct_chain(FILE *out, unsigned long n)
{
	fputs("namespace h;\n", out);
	for (unsigned long i = 0; i + 1 < n; i++)
		fprintf(out, "struct s%lu { next: s%lu; };\n", i, i + 1);
	fprintf(out, "struct s%lu { v: u8; };\n", n - 1);
}

/* if0 inherits if1, which inherits if2, ...: one call each. */
static void interface_chain(FILE *out, unsigned long n)
{
	fputs("namespace h;\n", out);
	for (unsigned long i = 0; i + 1 < n; i++)
		fprintf(out, "interface if%lu :: if%lu { call c%lu() void; };\n", i, i + 1, i);
	fprintf(out, "interface if%lu { call c%lu() void; };\n", n - 1, n - 1);
}

/* One interface of N calls, and N interfaces inheriting it. */
static void interface_fanout(FILE *out, unsigned long n)
{
	fputs("namespace h;\ninterface base {\n", out);
	for (unsigned long i = 0; i < n; i++)
		fprintf(out, "\tcall b%lu() void;\n", i);
	fputs("};\n", out);
	for (unsigned long i = 0; i < n; i++)
		fprintf(out, "interface k%lu :: base { call c() void; };\n", i);
}

static void methods(FILE *out, unsigned long n)
{
	fputs("namespace h;\ninterface big {\n", out);
	for (unsigned long i = 0; i < n; i++)
		fprintf(out, "\tcall m%lu(a: u32) u32;\n", i);
	fputs("};\n", out);
}

static void enumerators(FILE *out, unsigned long n)
{
	fputs("namespace h;\nenum big : u64 {\n", out);
	for (unsigned long i = 0; i < n; i++)
		fprintf(out, "\tE%lu = %lu,\n", i, i * 3);
	fputs("};\n", out);
}

static void fields(FILE *out, unsigned long n)
{
	fputs("namespace h;\nstruct big {\n", out);
	for (unsigned long i = 0; i < n; i++)
		fprintf(out, "\tf%lu: u8;\n", i);
	fputs("};\n", out);
}

/* N parameters and N capabilities of one call. */
static void parameters(FILE *out, unsigned long n)
{
	fputs("namespace h;\ninterface big {\n\tcall m{", out);
	for (unsigned long i = 0; i < n; i++)
		fprintf(out, "%sh%lu", i ? ", " : "", i);
	fputs("}(", out);
	for (unsigned long i = 0; i < n; i++)
		fprintf(out, "%sp%lu: u8", i ? ", " : "", i);
	fputs(") void;\n};\n", out);
}

/* N types, and N parameters naming each with a typo. */
static void idl_typos(FILE *out, unsigned long n)
{
	fputs("namespace h;\n", out);
	for (unsigned long i = 0; i < n; i++)
		fprintf(out, "struct type%lu { v: u8; };\n", i);
	fputs("interface typos {\n", out);
	for (unsigned long i = 0; i < n; i++)
		fprintf(out, "\tcall m%lu(a: typ%lu) void;\n", i, i);
	fputs("};\n", out);
}

static void regs_header(FILE *out, unsigned long size)
{
	fprintf(out, "device: h\nblocks:\n  - name: regs\n    size: 0x%lx\n    registers:\n", size);
}

/* One field whose enum is a mapping of N keys. */
static void yaml_keys(FILE *out, unsigned long n)
{
	regs_header(out, 8);
	fputs("      - name: r\n        offset: 0\n        width: 64\n        fields:\n"
	      "          - name: f\n            bits: \"63:0\"\n            enum:\n",
	      out);
	for (unsigned long i = 0; i < n; i++)
		fprintf(out, "              k%lu: %lu\n", i, i);
}

/* N registers, each doc an anchor; the last register's doc refers back to
 * the first. */
static void yaml_anchors(FILE *out, unsigned long n)
{
	regs_header(out, 4 * (n + 1));
	for (unsigned long i = 0; i < n; i++)
		fprintf(out, "      - { name: r%lu, offset: 0x%lx, doc: &d%lu \"register %lu\" }\n", i,
			4 * i, i, i);
	fprintf(out, "      - { name: last, offset: 0x%lx, doc: *d0 }\n", 4 * n);
}

/* N registers, and N that borrow the layout of a name just misspelt. */
static void layout_typos(FILE *out, unsigned long n)
{
	regs_header(out, 8 * n);
	for (unsigned long i = 0; i < n; i++)
		fprintf(out, "      - { name: reg%lu, offset: 0x%lx, fields: [{ name: f, bits: 0 }] }\n",
			i, 8 * i);
	for (unsigned long i = 0; i < n; i++)
		fprintf(out, "      - { name: use%lu, offset: 0x%lx, layout: rge%lu }\n", i,
			8 * i + 4, i);
}

/* N register arrays of 16, interleaved: each spans the whole block. */
static void interleaved(FILE *out, unsigned long n)
{
	regs_header(out, 64 * n);
	for (unsigned long i = 0; i < n; i++)
		fprintf(out, "      - { name: a%lu, offset: 0x%lx, count: 16, stride: 0x%lx }\n", i,
			4 * i, 4 * n);
}

/* N registers at one offset, each in a bank of its own. */
static void banks(FILE *out, unsigned long n)
{
	regs_header(out, 4);
	for (unsigned long i = 0; i < n; i++)
		fprintf(out, "      - { name: r%lu, offset: 0, bank: b%lu }\n", i, i);
}

/* N registers at one offset, each overlapping all the others. */
static void overlaps(FILE *out, unsigned long n)
{
	regs_header(out, 4);
	for (unsigned long i = 0; i < n; i++)
		fprintf(out, "      - { name: r%lu, offset: 0 }\n", i);
}

/* One register of N fields, every one on bit 0. */
static void field_overlaps(FILE *out, unsigned long n)
{
	regs_header(out, 4);
	fputs("      - name: r\n        offset: 0\n        fields:\n", out);
	for (unsigned long i = 0; i < n; i++)
		fprintf(out, "          - { name: f%lu, bits: 0 }\n", i);
}

const struct hostile_shape hostile_shapes[] = {
	{"struct-chain", "h.idl", "N structs, each containing the next", struct_chain},
	{"interface-chain", "h.idl", "N interfaces, each inheriting the next", interface_chain},
	{"interface-fanout", "h.idl", "N interfaces inheriting one of N calls", interface_fanout},
	{"methods", "h.idl", "N calls in one interface", methods},
	{"enumerators", "h.idl", "N values of one enum", enumerators},
	{"fields", "h.idl", "N fields of one struct", fields},
	{"parameters", "h.idl", "N parameters and N capabilities of one call", parameters},
	{"idl-typos", "h.idl", "N parameters of a misspelt type, among N types", idl_typos},
	{"yaml-keys", "h.regs.yaml", "N keys of one YAML mapping (an enum)", yaml_keys},
	{"yaml-anchors", "h.regs.yaml", "N YAML anchors", yaml_anchors},
	{"layout-typos", "h.regs.yaml", "N misspelt layouts, among N registers", layout_typos},
	{"interleaved", "h.regs.yaml", "N interleaved register arrays", interleaved},
	{"banks", "h.regs.yaml", "N registers at one offset, in N banks", banks},
	{"overlaps", "h.regs.yaml", "N registers at one offset", overlaps},
	{"field-overlaps", "h.regs.yaml", "N fields of one register on one bit", field_overlaps},
};

const unsigned hostile_shape_count = sizeof hostile_shapes / sizeof hostile_shapes[0];

const struct hostile_shape *hostile_shape_named(const char *name)
{
	for (unsigned i = 0; i < hostile_shape_count; i++)
		if (!strcmp(hostile_shapes[i].name, name))
			return &hostile_shapes[i];
	return NULL;
}
