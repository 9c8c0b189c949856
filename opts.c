/* opts.c - the command line of check, ir, model, run, verilog, sim,
 * synth and import: one table of options and the commands that take
 * each, so that an option a command does not take is an error and its
 * help (help.c) can be checked against the table.
 */
#include "opts.h"

#include <string.h>


/* Every option of the commands main.c runs, and the commands that take
 * it (search and study parse their own: search/cli.c, search/study.c). */
typedef struct OptDef {
	const char *name;
	int value;          /* takes a value */
	const char *cmds;   /* the commands that take it */
} OptDef;

static const OptDef optdefs[] = {
	{"--after", 1, "ir"}, {"--c", 0, "ir"},
	{"--json", 0, "model sim synth"}, {"--network", 1, "model sim synth"},
	{"--html", 1, "model sim"},
	{"--jobs", 1, "sim synth"},
	{"--brute", 0, "model"}, {"--walk", 0, "model"},
	{"--seed", 1, "run sim synth"}, {"--input", 1, "run sim synth"},
	{"--sim", 0, "synth"},
	{"-o", 1, "run verilog sim synth import"}, {"--save-inputs", 0, "run"},
	{"--naive", 0, "run"}, {"--trace", 1, "sim"}, {"--liberty", 1, "synth"},
	{"--node", 1, "synth"}, {"--sram-access", 1, "synth"},
	{"--batch", 1, "import"},
};
enum { NOPTDEFS = sizeof optdefs / sizeof optdefs[0] };

/* Whether command `cmd` is a word of the list `cmds`. */
static int takes(const char *cmds, const char *cmd)
{
	size_t n = strlen(cmd);
	for (const char *p = cmds; (p = strstr(p, cmd)); p += n)
		if ((p == cmds || p[-1] == ' ') && (p[n] == ' ' || !p[n]))
			return 1;
	return 0;
}

/* Stores option `d`'s value v (NULL for a flag) into o. */
static void set_option(Opts *o, const OptDef *d, const char *v)
{
	const char *a = d->name;
	if (!strcmp(a, "--after"))
		o->after = v;
	else if (!strcmp(a, "--c"))
		o->emit_c = 1;
	else if (!strcmp(a, "--json"))
		o->json = 1;
	else if (!strcmp(a, "--network"))
		o->network = v;
	else if (!strcmp(a, "--html"))
		o->html = v;
	else if (!strcmp(a, "--jobs"))
		o->jobs = (int)arg_uint(a, v, 1, 256);
	else if (!strcmp(a, "--brute"))
		o->brute = 1;
	else if (!strcmp(a, "--sim"))
		o->sim = 1;
	else if (!strcmp(a, "--walk"))
		o->walk = 1;
	else if (!strcmp(a, "--seed")) {
		o->seed = arg_uint(a, v, 0, UINT64_MAX);
		o->seed_set = 1;
	} else if (!strcmp(a, "--input")) {
		const char *eq = strchr(v, '=');
		if (!eq || eq == v || !eq[1])
			die_usage("--input needs TENSOR=FILE.npy, not '%s'", v);
		if (o->ninputs == NTENSORS)
			die_usage("too many --input options%s", "");
		o->input_names[o->ninputs] = strndup(v, (size_t)(eq - v));
		if (!o->input_names[o->ninputs])
			die_oom("for the command line");
		o->inputs[o->ninputs++] = eq + 1;
	} else if (!strcmp(a, "-o"))
		o->outdir = v;
	else if (!strcmp(a, "--save-inputs"))
		o->save_inputs = 1;
	else if (!strcmp(a, "--naive"))
		o->naive = 1;
	else if (!strcmp(a, "--trace"))
		o->vcd = v;
	else if (!strcmp(a, "--liberty"))
		o->liberty = v;
	else if (!strcmp(a, "--batch"))
		o->batch = (long)arg_uint(a, v, 1, 1UL << 31);
	else if (!strcmp(a, "--node")) {
		o->node_nm = arg_real(a, v, 0, 1e6);
		if (o->node_nm <= 0)
			die_usage("--node needs a positive number of nm%s", "");
	} else
		o->sram_access_ns = arg_real(a, v, 0, 1e6);
}

/* The commands main.c runs itself (search and study parse their own
 * command lines). */
int opts_known_command(const char *cmd)
{
	return takes("check ir run model verilog sim synth import", cmd);
}

/* An option the command does not take is an error, not ignored. */
static void check_options(const Opts *o, const OptDef **given, int ngiven)
{
	for (int k = 0; o->cmd && opts_known_command(o->cmd) && k < ngiven; k++)
		if (!takes(given[k]->cmds, o->cmd)) {
			char msg[160];
			snprintf(msg, sizeof msg, "%s takes no option %s (tessera %s "
			         "--help lists its options)", o->cmd, given[k]->name,
			         o->cmd);
			die_usage("%s", msg);
		}
}

void opts_parse(int argc, char **argv, Opts *o)
{
	const OptDef *given[256];
	int ngiven = 0;
	o->seed = 1;
	o->argc = argc;
	o->argv = argv;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const OptDef *d = NULL;
		for (int k = 0; k < NOPTDEFS; k++)
			if (!strcmp(a, optdefs[k].name))
				d = &optdefs[k];
		if (d) {
			if (d->value && i + 1 >= argc)
				die_usage("option %s needs a value", a);
			set_option(o, d, d->value ? argv[++i] : NULL);
			if (ngiven < 256)
				given[ngiven++] = d;
		} else if (!strcmp(a, "--help") || !strcmp(a, "-h") ||
		           !strcmp(a, "--passes")) {
			continue; /* handled in main */
		} else if (a[0] == '-' && a[1]) {
			die_usage("unknown option %s", a);
		} else if (!o->cmd) {
			o->cmd = a;
		} else if (!o->file) {
			o->file = a;
		} else if (o->nmore < 64) {
			o->more[o->nmore++] = a;
		} else {
			die_usage("too many files: %s", a);
		}
	}
	if (o->nmore && !o->network)
		die_usage("unexpected argument %s", o->more[0]);
	check_options(o, given, ngiven);
	if (o->network && (o->brute || o->walk))
		die_usage("--network models with the grouping counter only, "
		            "not --brute or --walk%s", "");
	if (o->html && !o->network)
		die_usage("--html goes with --network: the page reports a network "
		          "(tessera %s --help)", o->cmd);
	if (o->jobs && !o->network)
		die_usage("--jobs goes with --network (one layer is one build)%s",
		          "");
	if (o->network && (o->vcd || o->ninputs || o->outdir))
		die_usage("%s goes with one layer, not --network", o->vcd
		          ? "--trace" : o->ninputs ? "--input" : "-o");
	if (o->network && o->sim)
		die_usage("synth --sim goes with one layer, not --network (sim "
		          "--network simulates a network's layers)%s", "");
	if (!strcmp(o->cmd ? o->cmd : "", "synth") && !o->sim &&
	    (o->ninputs || o->seed_set))
		die_usage("synth takes --input and --seed only with --sim (the "
		          "inputs it simulates)%s", "");
}
