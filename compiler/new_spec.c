// SPDX-License-Identifier: MIT
/* new_spec.c - `drvgen new`: a spec folder a newcomer starts from, which
 * checks clean, builds for both targets and passes its QEMU test as it is.
 *
 * The files are the templates of compiler/new_spec/ (compiled into drvgen)
 * with their @KEY@ placeholders filled in, but for the driver's C file,
 * which is the skeleton `drvgen gen` writes, its ident handler given a body
 * that reads the id register. The spec is checked in memory before
 * anything is written: a name drvgen cannot use is reported as it would be
 * in a spec, and leaves nothing behind.
 */
#include "drvgen.h"

#include "base.h"
#include "gen.h"
#include "names.h"
#include "spec.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* PCI devices QEMU models that `drvgen new --pci` knows: their QEMU device,
 * the size of BAR 0 and the value of the register at its start. */
static const struct {
	unsigned vendor, device;
	const char *doc, *qemu, *bar_size, *id_doc, *id;
} known_pci[] = {
	{0x1234, 0x11e8, "QEMU's educational PCI device (edu)", "-device edu", "0x100000",
	 "Identification, 0xRRrr00ed: RR the major and rr the minor version.", "0x010000ed"},
};

struct var {
	const char *key;
	const char *value; /* NULL: every line naming the key is left out */
};

struct filler {
	struct arena *arena;
	VEC(struct var) vars;
};

static void set(struct filler *f, const char *key, const char *value)
{
	struct var v = {key, value};
	vec_push(f->arena, &f->vars, v);
}

static const struct var *var_of(const struct filler *f, const char *key, size_t len)
{
	for (size_t i = 0; i < f->vars.len; i++)
		if (strlen(f->vars.items[i].key) == len && !strncmp(f->vars.items[i].key, key, len))
			return &f->vars.items[i];
	return NULL;
}

/* The template's text with its placeholders filled in, line by line. A
 * placeholder no variable names is drvgen's own mistake: it aborts (and
 * tests/cli/test_new.sh fills every template). */
static const char *fill(const struct filler *f, const char *template_name)
{
	const struct builtin_file *t = NULL;
	for (size_t i = 0; i < new_spec_templates_count; i++)
		if (!strcmp(strrchr(new_spec_templates[i].path, '/') + 1, template_name))
			t = &new_spec_templates[i];
	if (!t)
		abort();
	struct strbuf out = {0};
	for (const char *p = t->data; *p;) {
		const char *eol = strchr(p, '\n');
		const char *end = eol ? eol : p + strlen(p);
		size_t start = out.len;
		bool keep = true;
		while (p < end) {
			const char *at = memchr(p, '@', (size_t)(end - p));
			const char *close = at ? memchr(at + 1, '@', (size_t)(end - at - 1)) : NULL;
			if (!close) {
				sb_putn(&out, p, (size_t)(end - p));
				break;
			}
			const struct var *v = var_of(f, at + 1, (size_t)(close - at - 1));
			if (!v)
				abort();
			sb_putn(&out, p, (size_t)(at - p));
			if (v->value)
				sb_puts(&out, v->value);
			keep &= v->value != NULL;
			p = close + 1;
		}
		sb_putc(&out, '\n');
		if (!keep)
			out.len = start; /* the line of a value there is none of */
		p = eol ? eol + 1 : end;
	}
	const char *text = arena_strndup(f->arena, out.data ? out.data : "", out.len);
	sb_free(&out);
	return text;
}

/* The variables of the templates for this device. */
static void describe(struct filler *f, const struct drvgen_new_options *o)
{
	struct arena *a = f->arena;
	set(f, "NAME", o->name);
	set(f, "SPDX", o->spdx ? o->spdx : "MIT");
	set(f, "SCHEMA_DIR", o->schema_dir);
	set(f, "COMMAND", o->command);
	if (o->bus == DRVGEN_BUS_ISA) {
		const char *port = arena_printf(a, "0x%x", o->port);
		set(f, "PORT", port);
		set(f, "IRQ", arena_printf(a, "%u", o->irq));
		set(f, "PORT_RANGE", arena_printf(a, "%04x-%04x", o->port, o->port + 7));
		set(f, "DOC", arena_printf(a, "the ISA device at port %s, IRQ %u", port, o->irq));
		set(f, "ID_DOC", "The register ident reads: put the device's own registers here.");
		set(f, "QEMU_STATE", ", with a 16550 UART standing in for the device");
		set(f, "QEMU_TODO", "; a 16550 UART stands in for the device in QEMU until you "
				    "name its model there");
		return;
	}
	size_t k = 0;
	while (k < ARRAY_LEN(known_pci) &&
	       (known_pci[k].vendor != o->vendor || known_pci[k].device != o->device))
		k++;
	bool known = k < ARRAY_LEN(known_pci);
	const char *vendor = arena_printf(a, "0x%04x", o->vendor);
	const char *device = arena_printf(a, "0x%04x", o->device);
	set(f, "VENDOR", vendor);
	set(f, "DEVICE", device);
	set(f, "DOC", known ? known_pci[k].doc
			    : arena_printf(a, "the PCI device %s:%s", vendor, device));
	set(f, "BAR_SIZE", known ? known_pci[k].bar_size : "0x100");
	set(f, "ID_DOC", known ? known_pci[k].id_doc
			       : "The register ident reads: put the device's own registers here.");
	set(f, "ID_RESET", known ? arena_printf(a, "        reset: %s", known_pci[k].id) : NULL);
	set(f, "EXPECT", known ? arena_printf(a, " --expect-id %s", known_pci[k].id) : "");
	set(f, "QEMU_ARGS", known ? known_pci[k].qemu : "");
	set(f, "QEMU_NOTE", known ? "" : ": none that drvgen new knows; name it (-device NAME)");
	set(f, "QEMU_STATE", known ? "" : " once qemu/test.sh names the QEMU model of the device");
	set(f, "QEMU_TODO", known ? "" : ", and first of all QEMU_ARGS, the device's QEMU model");
}

struct new_file {
	const char *name; /* in the folder */
	const char *text;
};

/* The statements of the ident handler: the id register, read through the
 * accessor the naming pass gave it, from the capability that binds it. */
static struct drvgen_handler_body ident_body(struct arena *a, const struct ir *ir)
{
	const struct ir_driver *d = ir->drivers.items[0];
	const struct ir_capability *regs = &d->caps.items[0];
	const struct ir_register *id = regs->block->regs.items[0];
	const struct ir_served *sv = &d->served.items[0];
	const char **lines = arena_alloc(a, 3 * sizeof *lines);
	lines[0] = "(void)call;";
	lines[1] = arena_printf(a, "*result = %s(%s(self)->base.caps.%s);",
				name_register(a, id, N_REG_READ),
				c_symbol_name(&sv->c, N_DRV_FROM), regs->name);
	lines[2] = "return 0;";
	return (struct drvgen_handler_body){
		arena_printf(a, "%s.ident", sv->iface->name),
		"Reads the id register (drvgen new wrote it; the rest is yours).", lines, 3};
}

static int make_dir(const char *dir, FILE *report)
{
	if (mkdir(dir, 0777) == 0 || errno == EEXIST)
		return 0;
	fprintf(report, "drvgen new: cannot create %s: %s\n", dir, strerror(errno));
	return 2;
}

int drvgen_new_spec(const struct drvgen_new_options *o, const struct drvgen_options *opts,
		    FILE *report)
{
	struct arena a = {0};
	struct filler f = {.arena = &a};
	const char *dir = o->dir ? o->dir : o->name;
	const char *bus = o->bus == DRVGEN_BUS_ISA ? "isa" : "pci";
	describe(&f, o);
	struct new_file files[] = {
		{arena_printf(&a, "%s.regs.yaml", o->name), fill(&f, arena_printf(&a, "%s.regs.yaml.in", bus))},
		{arena_printf(&a, "%s.idl", o->name), fill(&f, "device.idl.in")},
		{arena_printf(&a, "%s.manifest.yaml", o->name),
		 fill(&f, arena_printf(&a, "%s.manifest.yaml.in", bus))},
		{arena_printf(&a, "%s.c", o->name), NULL}, /* the skeleton, below */
		{"qemu/test.sh", fill(&f, arena_printf(&a, "%s.test.sh.in", bus))},
		{arena_printf(&a, "qemu/%s_check.c", o->name), fill(&f, "check.c.in")},
		{"README.md", fill(&f, "README.md.in")},
		{"Makefile", fill(&f, "Makefile.in")},
	};
	int status = 0;
	for (size_t i = 0; i < ARRAY_LEN(files); i++) {
		const char *path = arena_printf(&a, "%s/%s", dir, files[i].name);
		if (access(path, F_OK) == 0) {
			fprintf(report, "drvgen new: %s exists; drvgen new writes only new files\n",
				path);
			status = 2;
		}
	}
	/* The spec, checked as `drvgen check` would check it, then the
	 * skeleton `drvgen gen` would write for it. */
	struct drvgen *g = status ? NULL : drvgen_new(opts);
	for (size_t i = 0; g && i < 3; i++)
		drvgen_add_text(g, arena_printf(&a, "%s/%s", dir, files[i].name), files[i].text,
				strlen(files[i].text));
	const struct ir *ir = g ? drvgen_build(g) : NULL;
	if (g && !ir)
		status = drvgen_status(g);
	if (ir) {
		struct drvgen_handler_body body = ident_body(&a, ir);
		struct drvgen_gen_options gopts = {
			.targets = DRVGEN_TARGET_ALL, .spdx = o->spdx, .bodies = &body, .body_count = 1};
		struct drvgen_output out = drvgen_generate(g, &gopts);
		for (size_t i = 0; i < out.count; i++)
			if (out.files[i].author_owned)
				files[3].text = arena_strndup(&a, out.files[i].text, out.files[i].len);
		status = make_dir(dir, report);
		if (!status)
			status = make_dir(arena_printf(&a, "%s/qemu", dir), report);
		for (size_t i = 0; !status && i < ARRAY_LEN(files); i++) {
			const char *path = arena_printf(&a, "%s/%s", dir, files[i].name);
			if (write_atomically(path, files[i].text, strlen(files[i].text)) != 0) {
				fprintf(report, "drvgen new: cannot write %s: %s\n", path,
					strerror(errno));
				status = 2;
			}
		}
	}
	drvgen_free(g);
	arena_free(&a);
	return status;
}
