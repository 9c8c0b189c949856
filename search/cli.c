/* cli.c - `tessera search`: reads the file, takes its schedule (if any)
 * as the dataflow constraint and the starting point, runs the search,
 * re-reads the schedule it writes to check that the model gives the
 * figures the search computed, and reports.
 *
 * Exit status as for the other commands: 1 an error in the file (or no
 * schedule satisfies the constraints), 2 a usage error, 4 the written
 * schedule's model differs from the search's (a bug).
 */
#include "search.h"
#include "../backend-verilog/hw.h"
#include "../runtime/html.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct Cli {
	const char *file, *out, *network;
	int json, dataflow_given, selfcheck, hier, quiet;
	uint64_t seed;
	SOpts o;
	const char *fix[64];
	int nfix;
	HierOpts h;
	const char *html;    /* --html DIR (--network): the page's DIR */
	char cmd[8192];      /* the command line, for the page */
} Cli;

static Objective objective(const char *v)
{
	if (!strcmp(v, "energy"))
		return OBJ_ENERGY;
	if (!strcmp(v, "cycles"))
		return OBJ_CYCLES;
	if (!strcmp(v, "edp"))
		return OBJ_EDP;
	die_usage("--objective is energy, cycles or edp, not '%s'", v);
}

static const char *value(int argc, char **argv, int *i)
{
	if (*i + 1 >= argc)
		die_usage("option %s needs a value", argv[*i]);
	return argv[++*i];
}

static void parse_args(int argc, char **argv, Cli *c)
{
	sopts_default(&c->o);
	hier_default(&c->h);
	c->seed = 1;
	c->o.progress = isatty(2);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-o"))
			c->out = value(argc, argv, &i);
		else if (!strcmp(a, "--json"))
			c->json = 1;
		else if (!strcmp(a, "--objective"))
			c->o.obj = objective(value(argc, argv, &i));
		else if (!strcmp(a, "--dataflow")) {
			c->dataflow_given = 1;
			search_parse_dataflows(value(argc, argv, &i), &c->o);
		} else if (!strcmp(a, "--fix")) {
			if (c->nfix == 64)
				die_usage("too many --fix options%s", "");
			c->fix[c->nfix++] = value(argc, argv, &i);
		} else if (!strcmp(a, "--min-util")) {
			c->o.min_util = arg_real(a, value(argc, argv, &i), 0, 1);
		} else if (!strcmp(a, "--max-cycles")) {
			c->o.max_cycles = (long)arg_uint(a, value(argc, argv, &i), 1,
			                                 LONG_MAX);
		} else if (!strcmp(a, "--no-bypass"))
			c->o.bypass = 0;
		else if (!strcmp(a, "--replicate"))
			c->o.replicate = 1;
		else if (!strcmp(a, "--double-buffer"))
			c->o.dbl = 1;
		else if (!strcmp(a, "--keep-overlap"))
			c->o.keep = 1;
		else if (!strcmp(a, "--buildable"))
			c->o.buildable = 1;
		else if (!strcmp(a, "--exhaustive"))
			c->o.exhaustive = 1;
		else if (!strcmp(a, "--threads"))
			c->o.threads = (int)arg_uint(a, value(argc, argv, &i), 1, 256);
		else if (!strcmp(a, "--seed"))
			c->seed = arg_uint(a, value(argc, argv, &i), 0, UINT64_MAX);
		else if (!strcmp(a, "--count"))
			c->o.count_only = c->o.exhaustive = 1;
		else if (!strcmp(a, "--progress-file"))
			c->o.progress_file = value(argc, argv, &i);
		else if (!strcmp(a, "--quiet"))
			c->o.progress = 0, c->quiet = 1;
		else if (!strcmp(a, "--selfcheck"))
			c->selfcheck = (int)arg_uint(a, value(argc, argv, &i), 1,
			                             INT_MAX);
		else if (!strcmp(a, "--hierarchy"))
			c->hier = 1;
		else if (!strcmp(a, "--network"))
			c->network = value(argc, argv, &i);
		else if (!strcmp(a, "--html"))
			c->html = value(argc, argv, &i);
		else if (hier_option(&c->h, argc, argv, &i))
			continue;
		else if (a[0] == '-' && a[1])
			die_usage("unknown option %s", a);
		else if (!c->file)
			c->file = a;
		else
			die_usage("unexpected argument %s", a);
	}
	if (!c->file)
		die_usage("search needs a .tsr file%s", "");
	if (c->network && c->hier)
		hier_network_usage(&c->h);
	if (c->html && !c->network)
		die_usage("--html goes with --network: the page reports a "
		          "network%s", "");
	/* argv[0] is "search" */
	html_cmdline(c->cmd, sizeof c->cmd, "tessera search", argc, argv);
}

/* --fix DIM@LEVEL=F: the factor of loop DIM at LEVEL (a level of the
 * architecture, or "pe" for the unrolled piece). */
static void apply_fixes(Cli *cl, const SCtx *c)
{
	for (int k = 0; k < cl->nfix; k++) {
		const char *v = cl->fix[k], *at = strchr(v, '@'),
		           *eq = at ? strchr(at, '=') : NULL;
		int d = at ? search_dim_named(v, (size_t)(at - v)) : -1;
		if (!at || !eq || d < 0)
			die_usage("--fix takes LOOP@LEVEL=FACTOR, such as k@GB=16, not "
			            "'%s'", v);
		long f = (long)arg_uint("--fix's factor", eq + 1, 1, LONG_MAX);
		if (c->ext[d] % f)
			die_usage("--fix: the factor must divide the loop's extent, in "
			            "'%s'", v);
		char lv[64];
		snprintf(lv, sizeof lv, "%.*s", (int)(eq - at - 1), at + 1);
		if (!strcmp(lv, "pe") || !strcmp(lv, "PE")) {
			cl->o.fix_pe[d] = f;
			continue;
		}
		int L = arch_find_level(c->arch, lv);
		if (L < 0)
			die_usage("--fix: no level named '%s' in the architecture", lv);
		cl->o.fix[L][d] = f;
	}
}

/* One line per level: its factors, and the tensors buffered there. */
static void print_point(FILE *f, const SCtx *c, const SPoint *p)
{
	char df[32];
	search_point_dataflow(df, sizeof df, c, p);
	fputs("  dataflow ", f);
	fputs(df, f);
	for (int a = 0; a < c->arch->ndims; a++) {
		fputs(a ? " x " : " (", f);
		if (p->rf[a] > 1)
			fprintf(f, "%ld*%ld", p->sf[a], p->rf[a]);
		else
			fprintf(f, "%ld", p->sf[a]);
	}
	fputs(" PEs)\n", f);
	for (int L = c->nl - 1; L >= 0; L--) {
		fprintf(f, "  %-6s", c->arch->level[L].name);
		int any = 0;
		for (int k = NDIMS - 1; k >= 0; k--) {
			int d = p->order[L][k];
			if (p->f[L][d] > 1) {
				fprintf(f, " %s%ld", dim_upper[d], p->f[L][d]);
				any = 1;
			}
		}
		if (!any)
			fputs(" -", f);
		if (L < c->nl - 1) {
			fputs("   holds", f);
			for (int t = 0; t < NTENSORS; t++)
				if (p->buf[t][L])
					fprintf(f, " %s", c->layer->t[t].name);
		}
		fputc('\n', f);
	}
}

/* Point p of c with its note into path; 0 (errno set) when it cannot. */
static int put_point(const char *path, const SCtx *c, const SPoint *p,
                     const char *note)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return 0;
	spoint_write(f, c, p, note);
	return fclose(f) == 0;
}

static int write_best(const Cli *cl, const SCtx *c, const SPoint *p,
                      const char *note)
{
	if (put_point(cl->out, c, p, note))
		return 1;
	fprintf(stderr, "tessera: cannot write %s: %s\n", cl->out,
	        strerror(errno));
	return 0;
}

static const char *obj_name(Objective o)
{
	return o == OBJ_CYCLES ? "cycles" : o == OBJ_EDP ? "edp" : "energy";
}

/* -o while the search runs: the best so far, rewritten each time it
 * improves, so that a search stopped early leaves it (the answer then
 * overwrites it).  A file that cannot be written is said once, by the
 * final write. */
typedef struct Partial {
	const Cli *cl;
	int dir;             /* --network: -o is a directory, a file a layer */
	int failed;
} Partial;

static void write_partial(const SCtx *c, const SPoint *p, const Model *m,
                          void *arg)
{
	Partial *pa = arg;
	if (pa->failed)
		return;
	char note[512], df[32];
	search_point_dataflow(df, sizeof df, c, p);
	snprintf(note, sizeof note, "# written by tessera search while it ran, "
	         "the best so far (objective %s, dataflow %s): %.6f pJ/MAC, %ld "
	         "cycles by the generic rules\n", obj_name(pa->cl->o.obj), df,
	         m->pj_per_mac, m->cycles);
	/* written beside it and renamed over it, so that a reader (or a
	 * search stopped meanwhile) never meets half a file; where that
	 * cannot be done (a device, say), written in place */
	char tmp[4096], path[4096];
	const char *out = pa->cl->out;
	if (pa->dir) {
		if ((size_t)snprintf(path, sizeof path, "%s/%s.tsr", out,
		                     c->layer->name) >= sizeof path)
			return;
		out = path;
	}
	if ((size_t)snprintf(tmp, sizeof tmp, "%s.part", out) < sizeof tmp) {
		if (put_point(tmp, c, p, note) && !rename(tmp, out))
			return;
		unlink(tmp);
	}
	pa->failed = !put_point(out, c, p, note);
}

/* The result re-read and modelled: it must give the search's figures. */
static int report(const Cli *cl, const SCtx *c, const SResult *r,
                  const Model *start, long start_hw, const char *hier)
{
	char err[8192], df[32];
	Arena *a = arena_new();
	LoopNest *ln = spoint_lower(a, c, &r->best, err, sizeof err);
	Model m;
	if (!ln || !model_eval(ln, &m, 0)) {
		fprintf(stderr, "tessera: internal error: %s\n", ln ? "no model" : err);
		arena_free(a);
		return EXIT_MISMATCH;
	}
	if (memcmp(&m, &r->m, sizeof m)) {
		fprintf(stderr, "tessera: internal error: the written schedule's "
		        "model differs from the search's (%.17g vs %.17g pJ)\n",
		        m.e_total, r->m.e_total);
		arena_free(a);
		return EXIT_MISMATCH;
	}
	search_point_dataflow(df, sizeof df, c, &r->best);
	double rate = r->seconds > 0 ? r->evaluated / r->seconds : 0;
	long hwc = hw_cycles_of(ln, HW_TIMING_QUICK);
	if (cl->json) {
		printf("{\n  \"search\": { \"objective\": \"%s\", \"evaluated\": %ld, "
		       "\"pruned\": %ld, \"jobs\": %d, \"mirrored\": %d, "
		       "\"seconds\": %.3f, "
		       "\"per_second\": %.0f, \"threads\": %d, \"ranks\": %d, "
		       "\"exhaustive\": %s, \"dataflow\": \"%s\"",
		       obj_name(cl->o.obj), r->evaluated, r->pruned, r->jobs,
		       r->mirrored, r->seconds, rate, cl->o.threads, cluster_size(),
		       cl->o.exhaustive ? "true" : "false", df);
		if (start)
			printf(", \"given_pj_per_mac\": %.6f", start->pj_per_mac);
		if (cl->out)
			printf(", \"schedule\": \"%s\"", cl->out);
		if (hier)
			printf(", \"hierarchy\": \"%s\"", hier);
		if (hwc >= 0)
			printf(", \"hardware_cycles\": %ld", hwc);
		else
			printf(", \"hardware_cycles\": null");
		printf(" },\n  \"best\": ");
		report_json(stdout, ln, &m, -1);
		printf("}\n");
	} else {
		char ranks[48] = "";
		if (cluster_size() > 1)
			snprintf(ranks, sizeof ranks, "%d MPI ranks x ", cluster_size());
		printf("search %s: objective %s, %ld schedules evaluated (%ld subtrees "
		       "pruned) in %.2f s on %s%d thread%s, %.3g per second\n",
		       c->layer->name, obj_name(cl->o.obj), r->evaluated, r->pruned,
		       r->seconds, ranks, cl->o.threads, cl->o.threads > 1 ? "s" : "",
		       rate);
		if (start && start_hw >= 0)
			printf("the file's schedule: %.4f pJ/MAC, %ld cycles (%ld in "
			       "the hardware tessera builds)\n", start->pj_per_mac,
			       start->cycles, start_hw);
		else if (start)
			printf("the file's schedule: %.4f pJ/MAC, %ld cycles\n",
			       start->pj_per_mac, start->cycles);
		if (hier)
			printf("hierarchy: %s\n", hier);
		printf("best: %.4f pJ/MAC, %ld cycles, utilization %.1f%%\n",
		       m.pj_per_mac, m.cycles, 100 * m.utilization);
		if (hwc >= 0)
			printf("  in the hardware tessera builds: %ld cycles (the search "
			       "ranks by the generic rules: docs/search.md)\n", hwc);
		else if (hwc == -1)
			printf("  the Verilog backend does not build it "
			       "(--buildable: only schedules it builds)\n");
		print_point(stdout, c, &r->best);
		putchar('\n');
		report_table(stdout, ln, &m);
	}
	arena_free(a);
	return 0;
}

/* --hierarchy: every candidate hierarchy's best (or that it could not
 * beat the best so far), then the winner as for a plain search. */
static int run_hierarchy(const Cli *cl, const SCtx *c, const Model *start)
{
	HierResult *r = calloc(1, sizeof *r);
	if (!r)
		INTERNAL("out of memory");
	SOpts o = cl->o;
	Partial part = {.cl = cl};
	if (cl->out) {   /* the best hierarchy so far, a candidate at a time */
		o.improved = write_partial;
		o.improved_arg = &part;
	}
	SResult base = {0};
	if (!o.max_cycles) {
		/* constant throughput: no slower than the best schedule on the
		 * file's own architecture */
		SOpts b = o;
		b.progress = 0;
		b.improved = NULL;   /* not a hierarchy's */
		if (search_run(c, &b, &base))
			o.max_cycles = base.m.cycles;
	}
	if (!hier_run(c->layer, c->arch, &cl->h, &o, r)) {
		fprintf(stderr, "%s: error: no hierarchy and schedule satisfy the "
		        "constraints\n", cl->file);
		free(r);
		return EXIT_USER;
	}
	if (!cl->json) {
		if (base.found)
			printf("on the file's architecture: %.4f pJ/MAC, %ld cycles; "
			       "hierarchies at most as slow:\n", base.m.pj_per_mac,
			       base.m.cycles);
		printf("hierarchies tried, every tensor in every level%s (the "
		       "first found wins ties):\n", cl->o.bypass ? "; the best ones "
		       "again with bypassing" : "");
		for (int k = 0; k < r->ncand; k++) {
			char d[160];
			const HierCand *h = &r->cand[k];
			hier_describe(d, sizeof d, &h->arch);
			if (h->found)
				printf("  %-34s %9.4f pJ/MAC%s%s\n", d, h->res.m.pj_per_mac,
				       h->refined && cl->o.bypass ? " (with bypassing)" : "",
				       k == r->best ? "  <- best" : "");
			else
				printf("  %-34s  %s%s\n", d, h->why,
				       h->refined && cl->o.bypass ? " (with bypassing)" : "");
		}
		putchar('\n');
	}
	const HierCand *b = &r->cand[r->best];
	SCtx bc;
	sctx_init(&bc, c->layer, &b->arch);
	SResult res = r->res;
	res.evaluated = r->evaluated;
	res.pruned = r->pruned;
	res.seconds = r->seconds;
	char desc[160];
	hier_describe(desc, sizeof desc, &b->arch);
	int rc = report(cl, &bc, &res, start, -1, desc);
	if (!rc && cl->out) {
		char note[512];
		snprintf(note, sizeof note, "# written by tessera search --hierarchy "
		         "(%s): %.6f pJ/MAC, %ld cycles\n", desc, res.m.pj_per_mac,
		         res.m.cycles);
		if (!write_best(cl, &bc, &res.best, note))
			rc = EXIT_USER;
	}
	free(r);
	return rc;
}

static int write_layers(const Cli *cl, const Network *net, const Arch *a,
                        const NetBest *b)
{
	if (make_dirs(cl->out)) {
		fprintf(stderr, "tessera: cannot create %s: %s\n", cl->out,
		        strerror(errno));
		return 0;
	}
	for (int i = 0; i < net->nlayers; i++) {
		if (!b[i].found)
			continue;
		char path[4096];
		snprintf(path, sizeof path, "%s/%s.tsr", cl->out, net->layer[i].name);
		SCtx c;
		sctx_init(&c, &net->layer[i].layer, a);
		if (!put_point(path, &c, &b[i].r.best, "# written by tessera search "
		               "--network\n")) {
			fprintf(stderr, "tessera: cannot write %s\n", path);
			return 0;
		}
	}
	return 1;
}

/* --network NET: every layer's best on the file's architecture (and,
 * with --hierarchy, on one hierarchy chosen for the whole network). */
static int run_network(const Cli *cl, Arena *ar, const Arch *arch)
{
	Network *net = arena_alloc(ar, sizeof *net);
	Source *src = source_load(ar, cl->network);
	if (!src || !network_load(ar, src, net))
		return EXIT_USER;
	if (cl->nfix)
		die_usage("--fix applies to one layer, not to a network%s", "");
	NetBest *base = calloc((size_t)net->nlayers, sizeof *base);
	NetBest *opt = calloc((size_t)net->nlayers, sizeof *opt);
	if (!base || !opt)
		die_oom("for the network's results");
	/* the page is opened before the search: a bad DIR fails at once */
	char path[4096];
	FILE *page = NULL;
	if (cl->html && !(page = html_open(cl->html, path, sizeof path))) {
		free(base);
		free(opt);
		return EXIT_USER;
	}
	NetSum sb, so = {0};
	SOpts o = cl->o;
	Partial part = {.cl = cl, .dir = 1};
	if (cl->out && !cl->hier && !make_dirs(cl->out)) {
		/* each layer's best so far in its file as the search goes (the
		 * hierarchy's are known only at the end) */
		o.improved = write_partial;
		o.improved_arg = &part;
	}
	net_search(net, arch, &o, NULL, base);
	net_total(net, base, &sb);
	Arch harch;
	int ncand = 0, hier = cl->hier &&
	    net_hier(net, arch, &cl->h, &cl->o, base, &harch, opt, &ncand);
	if (hier)
		net_total(net, opt, &so);
	char hdesc[160] = "";
	if (hier)
		hier_describe(hdesc, sizeof hdesc, &harch);
	if (cl->json)
		net_print_json(net, arch, base, &sb, &harch, hier ? opt : NULL, &so,
		             hdesc, ncand);
	else
		net_print_table(net, arch, base, &sb, &harch, hier ? opt : NULL, &so,
		              hdesc, ncand);
	int rc = sb.missing ? EXIT_USER : 0;
	if (cl->hier && !hier) {
		/* said, not left to a missing line (study says it too) */
		fprintf(stderr, "tessera: none of the %d candidate hierarchies "
		        "maps every layer of %s with each layer at most as slow "
		        "as on %s's architecture\n", ncand, net->name, cl->file);
		rc = EXIT_USER;
	}
	if (cl->out && !write_layers(cl, net, hier ? &harch : arch,
	                             hier ? opt : base))
		rc = EXIT_USER;
	if (page) {
		NetPage pg = {.cmd = cl->cmd, .file = cl->file, .net = net,
		              .arch = arch, .base = base, .sb = &sb, .harch = &harch,
		              .opt = hier ? opt : NULL, .so = &so, .hdesc = hdesc,
		              .ncand = ncand};
		search_net_page(page, &pg);
		if (!html_close(page, path))
			rc = EXIT_USER;
	}
	free(base);
	free(opt);
	return rc;
}

int search_main(int argc, char **argv)
{
	Cli cl = {0};
	parse_args(argc, argv, &cl);
	char err[8192];
	if (!cluster_start(err, sizeof err)) {
		fprintf(stderr, "tessera: search under an MPI launcher: %s\n", err);
		return EXIT_USER;
	}
	if (cluster_rank() > 0) {   /* rank 0 alone writes */
		cl.out = NULL;
		cl.html = NULL;
		cl.o.progress = 0;
		cl.o.progress_file = NULL;
	}
	Arena *ar = arena_new();
	Source *src = source_load(ar, cl.file);
	Program *p = arena_alloc(ar, sizeof *p);
	LoopNest *ln = arena_alloc(ar, sizeof *ln);
	if (src && source_is_network(src)) {
		fprintf(stderr, "tessera: %s is a network file; search takes a "
		        "layer file (its arch and dataflow), and the network with "
		        "--network NET.tsr\n", cl.file);
		arena_free(ar);
		return EXIT_USER;
	}
	if (!src || !program_load(ar, src, p, ln, NULL)) {
		arena_free(ar);
		return EXIT_USER;
	}
	SCtx c;
	sctx_init(&c, &p->layer, &p->arch);
	if (!sctx_check(&c, err, sizeof err)) {
		fprintf(stderr, "%s: error: %s\n", cl.file, err);
		return EXIT_USER;
	}
	int rc = 0;
	if (cl.selfcheck) {
		int fitting;
		int bad = spoint_selfcheck(&c, cl.seed, cl.selfcheck, &fitting, err,
		                           sizeof err);
		printf("selfcheck: %d random points, %d fit, %d differ\n",
		       cl.selfcheck, fitting, bad);
		if (bad)
			fprintf(stderr, "%s\n", err);
		arena_free(ar);
		return bad ? EXIT_MISMATCH : 0;
	}
	Diag d = {.out = stderr};
	search_note_kept(&d, ln, cl.o.keep);
	if (!cl.dataflow_given && !search_file_dataflow(&d, ln, &cl.o)) {
		arena_free(ar);
		return EXIT_USER;
	}
	if (cl.network) {
		rc = run_network(&cl, ar, &p->arch);
		arena_free(ar);
		return rc;
	}
	apply_fixes(&cl, &c);
	if (cl.o.buildable && !cl.hier &&
	    !hw_plan_design(&p->layer, &p->arch, err, sizeof err)) {
		fprintf(stderr, "%s: error: --buildable: the Verilog backend builds "
		        "no schedule of this layer on this architecture: %s\n",
		        cl.file, err);
		arena_free(ar);
		return EXIT_USER;
	}
	Model start, *sp = NULL;
	if (ln->accel >= 0 && model_eval(ln, &start, 0))
		sp = &start;
	if (cl.hier) {
		rc = run_hierarchy(&cl, &c, sp);
		arena_free(ar);
		return rc;
	}
	SResult r;
	Partial part = {.cl = &cl};
	SOpts o = cl.o;
	if (cl.out && !o.count_only) {
		o.improved = write_partial;
		o.improved_arg = &part;
	}
	int found = search_run(&c, &o, &r);
	if (cl.o.count_only) {
		printf("%ld schedules in the space (%d jobs), counted in %.2f s\n",
		       r.evaluated, r.jobs, r.seconds);
		arena_free(ar);
		return 0;
	}
	if (!found) {
		fprintf(stderr, "%s: error: no schedule satisfies the constraints "
		        "(%ld evaluated%s)\n", cl.file, r.evaluated,
		        o.buildable && !r.jobs ? "; --buildable: the Verilog backend "
		        "builds no placement of the tensors in these levels" : "");
		arena_free(ar);
		return EXIT_USER;
	}
	rc = report(&cl, &c, &r, sp, sp ? hw_cycles_of(ln, HW_TIMING_QUICK) : -1,
	            NULL);
	if (!rc && cl.out) {
		char note[512], df[32];
		search_point_dataflow(df, sizeof df, &c, &r.best);
		snprintf(note, sizeof note, "# written by tessera search (objective "
		         "%s, dataflow %s): %.6f pJ/MAC, %ld cycles by the generic "
		         "rules\n", obj_name(cl.o.obj), df, r.m.pj_per_mac,
		         r.m.cycles);
		if (!write_best(&cl, &c, &r.best, note))
			rc = EXIT_USER;
		else if (!cl.json && !cl.quiet)
			fprintf(stderr, "wrote %s\n", cl.out);
	}
	arena_free(ar);
	return rc;
}
