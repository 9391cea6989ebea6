// SPDX-License-Identifier: MIT
/* main.c - the drvgen command line (docs/internals.md). Parses arguments,
 * runs the library, prints diagnostics, exits 0, 1 or 2 (docs/diagnostics.md). */
#include "drvgen.h"

#include "diag.h"
#include "ir.h"

#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
	"usage: drvgen check  [-I DIR]... [-W WARN]... [-E WARN]... SPEC...\n"
	"       drvgen gen    [-I DIR]... [-W WARN]... [-E WARN]... [--target T] [-o DIR] [--skeleton DIR]\n"
	"                     [--check] [--spdx ID] [--depfile FILE [--depfile-target T]] SPEC...\n"
	"       drvgen dump   --json [-I DIR]... [-W WARN]... [-E WARN]... SPEC...\n"
	"       drvgen compat [-I DIR]... [-W WARN]... [-E WARN]... [--json] OLD NEW\n"
	"       drvgen doc    [-I DIR]... [-W WARN]... [-E WARN]... [-o DIR] SPEC...\n"
	"       drvgen new    NAME [--pci VENDOR:DEVICE | --isa PORT,IRQ] [-o DIR] [--spdx ID]\n"
	"       drvgen --version | --help | COMMAND --help\n"
	"\n"
	"SPEC is a spec folder (its *.idl, *.regs.yaml and *.manifest.yaml files) or a\n"
	"single spec file. Diagnostics go to stderr.\n"
	"\n"
	"options:\n"
	"  -I DIR          search DIR for the files `use` names, before the standard library\n"
	"  -W [no-]WARN    report warning WARN (its code or name: W0501, deprecated-use), or not\n"
	"  -E [no-]WARN    make warning WARN an error (exit status 1), or a warning again\n"
	"  -o DIR          (gen) write the generated files into DIR (default: .); (new) the\n"
	"                  folder to make (default: ./NAME); (doc) the pages' folder (default:\n"
	"                  doc)\n"
	"  --skeleton DIR  (gen) where driver skeletons (<driver>.c, yours once written) live\n"
	"                  (default: the -o folder)\n"
	"  --target T      (gen) kmod, user, sim or all (default: all)\n"
	"  --check         (gen) write nothing; exit 1 if a generated file is stale (with a\n"
	"                  unified diff on stderr) or missing\n"
	"  --pci V:D       (new) a driver for PCI device V:D, in hex (default 1234:11e8, edu)\n"
	"  --isa P,I       (new) a driver for the ISA device at ports P..P+7, on line I\n"
	"  -q, --quiet     (check, gen, doc, new) print nothing on success\n"
	"  --spdx ID       (gen, new) the SPDX-License-Identifier of the files (default: MIT);\n"
	"                  a kernel module's MODULE_LICENSE follows it (docs/drivers.md)\n"
	"  --depfile FILE  (gen) write make rules to FILE: each generated file depends on every\n"
	"                  file read\n"
	"  --depfile-target T  (gen) the target of those rules instead (a stamp file)\n"
	"  --json          (dump) print the checked model as JSON on stdout; (compat) the\n"
	"                  report as JSON\n"
	"  --color=WHEN    colour diagnostics: auto (on a terminal), always or never\n"
	"\n"
	"exit status: 0 success, 1 the specs have errors (compat: or a change breaks clients),\n"
	"2 usage or I/O error (docs/diagnostics.md has each code's)\n";

static const char *const command_help[][2] = {
	{"check", "usage: drvgen check [-I DIR]... [-W WARN]... [-E WARN]... SPEC...\n"
		  "Parses and checks the specs and prints every problem found.\n"},
	{"gen", "usage: drvgen gen [-I DIR]... [-W WARN]... [-E WARN]... [--target T] [-o DIR]\n"
		"                  [--skeleton DIR] [--check] [--spdx ID]\n"
		"                  [--depfile FILE [--depfile-target STAMP]] SPEC...\n"
		"Checks the specs and writes the generated files into -o DIR, each only if it\n"
		"changed. With --check, writes nothing and exits 1 if any is stale or missing,\n"
		"printing a unified diff from the disk to the new text of each stale one.\n"
		"A driver's skeleton <driver>.c goes into --skeleton DIR (default: -o DIR) only\n"
		"where none exists; an existing one is checked for every handler (E0601).\n"},
	{"new", "usage: drvgen new NAME [--pci VENDOR:DEVICE | --isa PORT,IRQ] [-o DIR] [--spdx ID]\n"
		"Writes a spec folder for a new driver NAME into DIR (default: ./NAME): register\n"
		"map, protocol, manifest, the driver's C file, its QEMU test and client, a README\n"
		"and a Makefile. It checks clean and builds for both targets as it is; its one\n"
		"call, ident, reads the device's id register. --pci (default 1234:11e8, QEMU's\n"
		"edu device) or --isa (8 ports from PORT, interrupt line IRQ) says which device.\n"},
	{"doc", "usage: drvgen doc [-I DIR]... [-W WARN]... [-E WARN]... [-o DIR] SPEC...\n"
		"Writes the reference of the specs for people into -o DIR (default: doc): per\n"
		"register map, every block, register and field with a bitfield drawing (SVG) of\n"
		"each register; per protocol namespace, its types and interfaces with labels and\n"
		"message sizes; each page as Markdown and as one self-contained HTML page.\n"},
	{"dump", "usage: drvgen dump --json [-I DIR]... [-W WARN]... [-E WARN]... SPEC...\n"
		 "Prints the checked model (the IR the backends read) as JSON on stdout.\n"},
	{"compat", "usage: drvgen compat [-I DIR]... [-W WARN]... [-E WARN]... [--json] OLD NEW\n"
		   "Compares two versions of a spec (folders or files) and prints each change,\n"
		   "classed compatible, source-breaking or wire-breaking (docs/compat.md).\n"
		   "Exits 1 if a change breaks clients, 0 if none does.\n"},
};

struct cli {
	const char *command;
	VEC(const char *) includes;
	VEC(const char *) specs;
	VEC(struct drvgen_diag_option) diag_options;
	bool json;
	bool color;
	bool check;
	bool quiet;
	const char *out_dir;
	const char *skeleton_dir;
	const char *depfile;
	const char *depfile_target;
	const char *spdx;
	const char *target;   /* --target's value, until parse_target reads it */
	const char *pci, *isa; /* new: --pci VENDOR:DEVICE, --isa PORT,IRQ */
	unsigned targets;
	int argc;
	char **argv;
	struct arena arena;
};

static int usage_error(const char *fmt, const char *arg)
{
	fputs("drvgen: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\nrun 'drvgen --help' for usage\n", stderr);
	return 2;
}

static void print_diagnostic(const struct diagnostic *d, void *ctx)
{
	const struct cli *cli = ctx;
	struct strbuf out = {0};
	diag_render(&out, d, cli->color);
	fputs(sb_str(&out), stderr);
	sb_free(&out);
}

static bool want_color(const char *when)
{
	if (!strcmp(when, "always"))
		return true;
	if (!strcmp(when, "never"))
		return false;
	return isatty(STDERR_FILENO) && !getenv("NO_COLOR");
}

/* The options that take a value: the commands that take each, and where
 * it goes. */
static const struct {
	const char *name;
	const char *commands; /* " gen new " */
	size_t at;            /* of its const char * in struct cli */
} valued[] = {
	{"-o", " gen new doc ", offsetof(struct cli, out_dir)},
	{"--spdx", " gen new ", offsetof(struct cli, spdx)},
	{"--skeleton", " gen ", offsetof(struct cli, skeleton_dir)},
	{"--target", " gen ", offsetof(struct cli, target)},
	{"--depfile", " gen ", offsetof(struct cli, depfile)},
	{"--depfile-target", " gen ", offsetof(struct cli, depfile_target)},
	{"--pci", " new ", offsetof(struct cli, pci)},
	{"--isa", " new ", offsetof(struct cli, isa)},
};

/* Where option a's value goes, if the command takes it; NULL if not. */
static const char **valued_option(struct cli *cli, const char *a)
{
	char command[32];
	snprintf(command, sizeof command, " %s ", cli->command);
	for (size_t i = 0; i < ARRAY_LEN(valued); i++)
		if (!strcmp(a, valued[i].name) && strstr(valued[i].commands, command))
			return (const char **)((char *)cli + valued[i].at);
	return NULL;
}

/* --target T: the bits of the targets named (it may be given more than once). */
static int parse_target(struct cli *cli)
{
	static const char *const names[] = {"kmod", "user", "sim", "all"};
	static const unsigned bits[] = {DRVGEN_TARGET_KMOD, DRVGEN_TARGET_USER, DRVGEN_TARGET_SIM,
					DRVGEN_TARGET_ALL};
	unsigned k = 0;
	while (k < 4 && strcmp(cli->target, names[k]))
		k++;
	if (k == 4)
		return usage_error("--target takes kmod, user, sim or all, not '%s'", cli->target);
	cli->targets |= bits[k];
	cli->target = NULL;
	return -1;
}

/* Returns -1 to go on, or an exit status. */
static int parse_args(struct cli *cli, int argc, char **argv)
{
	const char *color = "auto";
	const char **value;
	cli->argc = argc;
	cli->argv = argv;
	if (argc < 2) {
		fputs(usage, stderr);
		return 2;
	}
	cli->command = argv[1];
	if (!strcmp(cli->command, "--help") || !strcmp(cli->command, "-h")) {
		fputs(usage, stdout);
		return 0;
	}
	if (!strcmp(cli->command, "--version")) {
		printf("drvgen %s\n", DRVGEN_VERSION);
		return 0;
	}
	const char *help = NULL;
	for (size_t i = 0; i < ARRAY_LEN(command_help); i++)
		if (!strcmp(cli->command, command_help[i][0]))
			help = command_help[i][1];
	if (!help)
		return usage_error("unknown command '%s'", cli->command);
	bool options_done = false;
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		if (options_done || a[0] != '-' || !a[1]) {
			vec_push(&cli->arena, &cli->specs, a);
		} else if (!strcmp(a, "--")) {
			options_done = true;
		} else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(help, stdout);
			return 0;
		} else if (!strcmp(a, "-I")) {
			if (++i == argc)
				return usage_error("%s needs a folder", a);
			vec_push(&cli->arena, &cli->includes, argv[i]);
		} else if (!strncmp(a, "-I", 2)) {
			vec_push(&cli->arena, &cli->includes, a + 2);
		} else if (!strncmp(a, "-W", 2) || !strncmp(a, "-E", 2)) {
			const char *name = a[2] ? a + 2 : ++i < argc ? argv[i] : NULL;
			if (!name)
				return usage_error("%s needs a warning's code or name", a);
			if (!drvgen_diag_option_valid(name))
				return usage_error("'%s' is not a warning ([no-]W0501 or "
						   "[no-]deprecated-use; errors cannot be changed)",
						   name);
			struct drvgen_diag_option o = {a[1] == 'E', name};
			vec_push(&cli->arena, &cli->diag_options, o);
		} else if (!strcmp(a, "--json") &&
			   (!strcmp(cli->command, "dump") || !strcmp(cli->command, "compat"))) {
			cli->json = true;
		} else if ((value = valued_option(cli, a))) {
			if (++i == argc)
				return usage_error("%s needs a value", a);
			*value = argv[i];
			if (cli->target && parse_target(cli) >= 0)
				return 2;
		} else if (!strcmp(a, "--check") && !strcmp(cli->command, "gen")) {
			cli->check = true;
		} else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
			cli->quiet = true;
		} else if (!strncmp(a, "--color=", 8)) {
			color = a + 8;
			if (strcmp(color, "auto") && strcmp(color, "always") && strcmp(color, "never"))
				return usage_error("--color takes auto, always or never, not '%s'", color);
		} else {
			return usage_error("unknown option '%s'", a);
		}
	}
	if (!strcmp(cli->command, "dump") && !cli->json)
		return usage_error("%s: the only dump format is --json", "dump");
	if (cli->depfile_target && !cli->depfile)
		return usage_error("%s: --depfile-target needs --depfile", cli->command);
	if (!strcmp(cli->command, "new") && cli->specs.len != 1)
		return usage_error("%s: name the driver, once", cli->command);
	if (!cli->specs.len)
		return usage_error("%s: name at least one spec folder or file", cli->command);
	if (!strcmp(cli->command, "compat") && cli->specs.len != 2)
		return usage_error("%s: name two versions, OLD and NEW", cli->command);
	if (cli->spdx && (!cli->targets || (cli->targets & DRVGEN_TARGET_KMOD)) &&
	    !drvgen_module_license(cli->spdx))
		return usage_error("--spdx %s: a kernel module cannot declare it (MODULE_LICENSE); "
				   "give a GPL-compatible one such as GPL-2.0, MIT or "
				   "BSD-3-Clause, or --target user",
				   cli->spdx);
	cli->color = want_color(color);
	return -1;
}

/* How many files of the run are the user's specs (not the standard library). */
static size_t spec_file_count(const struct ir *ir)
{
	size_t n = 0;
	for (size_t i = 0; i < ir->sources.len; i++)
		n += !ir->sources.items[i]->builtin;
	return n;
}

static const char *plural(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* drvgen check: the specs, then each driver's own C file in its spec folder. */
static int run_check(struct cli *cli, struct drvgen *g, const struct ir *ir)
{
	int status = drvgen_status(g);
	size_t authors = 0;
	if (ir && drvgen_check_author_files(g, NULL, &authors) > status)
		status = 1;
	if (status == 0 && !cli->quiet)
		printf("drvgen check: %zu spec %s%s%s: no errors\n", spec_file_count(ir),
		       plural(spec_file_count(ir), "file", "files"),
		       authors ? " and the driver's C file" : "", authors > 1 ? "s" : "");
	return status;
}

/* drvgen gen: writes (or with --check compares) the files, then checks the
 * author's file against what the spec now asks for. */
static int run_gen(struct cli *cli, struct drvgen *g, const struct ir *ir)
{
	int status = drvgen_status(g);
	const char *out_dir = cli->out_dir ? cli->out_dir : ".";
	/* --check diffs whole files, which it holds in memory */
	struct drvgen_gen_options gopts = {.targets = cli->targets,
					   .spdx = cli->spdx,
					   .author_dir = cli->skeleton_dir,
					   .stream_dir = cli->check ? NULL : out_dir};
	struct drvgen_output out = drvgen_generate(g, &gopts);
	struct drvgen_write_counts counts = {0};
	int written = drvgen_write(&out, out_dir, cli->check, stderr, &counts);
	if (written > status)
		status = written;
	/* After writing, so a skeleton written just now is checked too. */
	if (written < 2 && drvgen_check_author_files(g, out_dir, NULL) > status)
		status = 1;
	/* With --check too: the rules say what was read. */
	if (cli->depfile && written < 2) {
		struct drvgen_depfile dep = {cli->depfile, cli->depfile_target, cli->specs.items,
					     cli->specs.len};
		if (drvgen_write_depfile(ir, &out, out_dir, &dep, stderr))
			status = 2;
	}
	if (status != 0 || cli->quiet) {
		free(counts.skeletons);
		return status;
	}
	if (cli->check) {
		printf("drvgen gen --check: %zu files in %s are up to date\n", counts.unchanged,
		       out_dir);
		free(counts.skeletons);
		return status;
	}
	printf("drvgen gen: %s: %zu %s written, %zu unchanged\n", out_dir, counts.written,
	       plural(counts.written, "file", "files"), counts.unchanged);
	for (size_t i = 0; i < counts.skeleton_count; i++) {
		const struct drvgen_file *f = counts.skeletons[i];
		printf("drvgen gen: %s/%s written: the driver's skeleton, yours from now on "
		       "(drvgen never writes it again)\n",
		       f->dir ? f->dir : out_dir, f->name);
	}
	free(counts.skeletons);
	return status;
}

/* The folder of the JSON Schemas of the YAML languages, for the modelines
 * drvgen new writes: share/drvgen/schema beside an installed drvgen, or
 * dsl/schema of the repository a built one lives in. NULL if neither. */
static const char *schema_dir(struct arena *a)
{
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0)
		return NULL;
	exe[n] = 0;
	static const char *const places[] = {"share/drvgen/schema", "dsl/schema"};
	for (char *slash = strrchr(exe, '/'); slash && slash > exe; slash = strrchr(exe, '/')) {
		*slash = 0;
		for (size_t i = 0; i < ARRAY_LEN(places); i++) {
			const char *dir = arena_printf(a, "%s/%s", exe, places[i]);
			if (access(arena_printf(a, "%s/regs.schema.json", dir), R_OK) == 0)
				return dir;
		}
	}
	return NULL;
}

/* drvgen new NAME: the device from --pci or --isa, then the folder. */
static int run_new(struct cli *cli, const struct drvgen_options *opts)
{
	struct drvgen_new_options o = {.name = cli->specs.items[0], .dir = cli->out_dir,
				       .spdx = cli->spdx, .vendor = 0x1234, .device = 0x11e8};
	char rest[2];
	if (cli->pci && cli->isa)
		return usage_error("%s: --pci or --isa, not both", "new");
	if (cli->pci && sscanf(cli->pci, "%x:%x%1s", &o.vendor, &o.device, rest) != 2)
		return usage_error("--pci takes VENDOR:DEVICE in hex (1234:11e8), not '%s'", cli->pci);
	if (cli->isa) {
		o.bus = DRVGEN_BUS_ISA;
		if (sscanf(cli->isa, "%i,%u%1s", (int *)&o.port, &o.irq, rest) != 2 ||
		    o.port > 0xfff8 || o.irq > 15)
			return usage_error("--isa takes PORT,IRQ: a port below 0xfff8 and a line "
					   "0 to 15 (0x2e8,5), not '%s'",
					   cli->isa);
	}
	if (o.vendor > 0xffff || o.device > 0xffff)
		return usage_error("--pci: '%s' has an id of more than 16 bits", cli->pci);
	o.schema_dir = schema_dir(&cli->arena);
	struct strbuf command = {0};
	for (size_t i = 2; i < (size_t)cli->argc; i++)
		sb_printf(&command, "%s%s", i > 2 ? " " : "", cli->argv[i]);
	o.command = sb_str(&command);
	int status = drvgen_new_spec(&o, opts, stderr);
	const char *dir = o.dir ? o.dir : o.name;
	if (status == 0 && !cli->quiet)
		printf("drvgen new: %s/ holds the spec, the driver %s.c, its QEMU test and "
		       "client; %s/README.md says what to edit next\n",
		       dir, o.name, dir);
	sb_free(&command);
	return status;
}

/* drvgen doc: the pages, written as gen writes its files. */
static int run_doc(struct cli *cli, struct drvgen *g)
{
	struct drvgen_output out = drvgen_document(g);
	const char *dir = cli->out_dir ? cli->out_dir : "doc";
	struct drvgen_write_counts counts;
	int status = drvgen_write(&out, dir, false, stderr, &counts);
	free(counts.skeletons);
	if (status == 0 && !cli->quiet)
		printf("drvgen doc: %s: %zu files written, %zu unchanged; open %s/index.html\n", dir,
		       counts.written, counts.unchanged, dir);
	return status;
}

int main(int argc, char **argv)
{
	struct cli cli = {0};
	int status = parse_args(&cli, argc, argv);
	if (status >= 0) {
		arena_free(&cli.arena);
		return status;
	}
	struct drvgen_options opts = {
		.include_dirs = cli.includes.items,
		.include_dir_count = cli.includes.len,
		.on_diagnostic = print_diagnostic,
		.ctx = &cli,
		.diag_options = cli.diag_options.items,
		.diag_option_count = cli.diag_options.len,
	};
	if (!strcmp(cli.command, "new")) {
		status = run_new(&cli, &opts);
		arena_free(&cli.arena);
		return status;
	}
	if (!strcmp(cli.command, "compat")) {
		status = drvgen_compat(cli.specs.items[0], cli.specs.items[1], &opts, cli.json, stdout);
		arena_free(&cli.arena);
		return status;
	}
	struct drvgen *g = drvgen_new(&opts);
	for (size_t i = 0; i < cli.specs.len; i++)
		drvgen_add_path(g, cli.specs.items[i]);
	const struct ir *ir = drvgen_build(g);
	status = drvgen_status(g);
	/* From its backends on, gen has a temporary file beside each file that
	 * changed (writer.c), until drvgen_write renames it into place or
	 * drvgen_free removes it: an interrupt (Ctrl-C, make's SIGTERM) waits
	 * until then, and ends the run with no temporary file left behind. */
	sigset_t interrupts, before;
	sigemptyset(&interrupts);
	sigaddset(&interrupts, SIGINT);
	sigaddset(&interrupts, SIGTERM);
	sigaddset(&interrupts, SIGHUP);
	sigaddset(&interrupts, SIGPIPE);
	bool writing = ir && !strcmp(cli.command, "gen") && !cli.check;
	if (writing)
		sigprocmask(SIG_BLOCK, &interrupts, &before);
	if (!strcmp(cli.command, "check"))
		status = run_check(&cli, g, ir);
	else if (ir && !strcmp(cli.command, "gen"))
		status = run_gen(&cli, g, ir);
	else if (ir && !strcmp(cli.command, "doc"))
		status = run_doc(&cli, g);
	if (ir && cli.json) {
		char *text = drvgen_ir_json(ir);
		if (!text || puts(text) == EOF || fflush(stdout) != 0) {
			fputs("drvgen: cannot write the JSON to stdout\n", stderr);
			status = 2;
		}
		free(text);
	}
	drvgen_free(g);
	if (writing)
		sigprocmask(SIG_SETMASK, &before, NULL);
	arena_free(&cli.arena);
	return status;
}
