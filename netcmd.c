/* netcmd.c - the commands over a network file: `model --network`,
 * `sim --network` and `synth --network` NET.tsr FILE.tsr...
 *
 * Each FILE's dataflow is applied to every layer of NET (ir/network.c).
 * sim and synth then plan each layer's hardware and keep one design per
 * distinct accelerator: layers whose Verilog is the same but for the
 * layer's name in its header comment share one, built from the Verilog
 * of the first of them.  sim builds each design once (the cache of
 * runtime/sim.c), then runs every layer on its design with the checks
 * of `tessera sim` (runtime/simcheck.c); synth synthesizes each design
 * once.  Builds, runs and syntheses go up to --jobs at a time, each in
 * a process of its own (proc_pool, runtime/proc.c).  A layer that does
 * not map, that the backend does not build, or whose build or run
 * fails, is a row with the reason; totals cover the layers that ran,
 * and with several dataflows they are compared over the layers every
 * one of them ran (docs/networks.md).
 */
#include "cmds.h"
#include "runtime/netsim.h"
#include "runtime/proc.h"
#include "runtime/html.h"

#include <stdlib.h>
#include <string.h>

int network_read(Arena *a, const char *path, Network *net)
{
	Source *src = source_load(a, path);
	return src && network_load(a, src, net);
}

/* Loads d->file and applies its dataflow to every layer of net, with
 * `timing` giving their cycles (NULL: the model's own rules); 0 (d->ok
 * 0) after saying why the file cannot be used. */
static int load_dataflow(Arena *a, const Opts *o, const Network *net,
                         NetDataflow *d,
                         void (*timing)(const LoopNest *, Model *))
{
	Opts one = *o;
	one.file = d->file;
	one.after = NULL;
	d->p = arena_alloc(a, sizeof *d->p);
	d->ln = arena_alloc(a, sizeof *d->ln);
	if (!cmd_compile(a, &one, d->p, d->ln))
		return 0;
	if (d->ln->accel < 0) {
		fprintf(stderr, "%s: error: the schedule has no accelerate() "
		        "loop, so it describes no accelerator to %s\n", d->file,
		        !strcmp(o->cmd, "model") ? "model" : !strcmp(o->cmd, "sim")
		        ? "simulate" : "synthesize");
		return 0;
	}
	d->res = arena_alloc(a, sizeof *d->res * (size_t)net->nlayers);
	d->run = arena_alloc(a, sizeof *d->run * (size_t)net->nlayers);
	network_eval(a, net, d->p, d->ln, d->res, &d->model, timing);
	if (d->model.unmapped)
		fprintf(stderr, "tessera: %d of %d layers of %s did not map "
		        "under %s\n", d->model.unmapped, net->nlayers, net->name,
		        d->file);
	return d->ok = 1;
}

/* Every dataflow of the command line, loaded or not (ok); how many
 * loaded. */
static int load_all(Arena *a, const Opts *o, NetSim *ns,
                    void (*timing)(const LoopNest *, Model *))
{
	int n = 0;
	ns->ndf = 1 + o->nmore;
	ns->df = arena_alloc(a, sizeof *ns->df * (size_t)ns->ndf);
	for (int k = 0; k < ns->ndf; k++) {
		ns->df[k].file = k ? o->more[k - 1] : o->file;
		n += load_dataflow(a, o, ns->net, &ns->df[k], timing);
	}
	return n;
}

/* Marks the layers that every loaded dataflow mapped (ran: and ran);
 * their count. */
static int mark_common(const NetSim *ns, unsigned char *common, int ran)
{
	int n = 0;
	for (int i = 0; i < ns->net->nlayers; i++) {
		common[i] = 1;
		for (int k = 0; k < ns->ndf; k++) {
			const NetDataflow *d = &ns->df[k];
			if (d->ok && (ran ? d->run[i].state != RUN_RAN
			                  : !d->res[i].mapped))
				common[i] = 0;
		}
		n += common[i];
	}
	return n;
}

/* The model's totals of d over the layers marked in mask. */
static void model_total(const Network *net, const NetDataflow *d,
                        const unsigned char *mask, NetTotal *t)
{
	*t = (NetTotal){.macs_all = d->model.macs_all};
	for (int i = 0; i < net->nlayers; i++) {
		const NetResult *r = &d->res[i];
		long rep = net->layer[i].repeat;
		if (!mask[i]) {
			t->unmapped++;
			continue;
		}
		t->layers += rep;
		net_total_add(t, &r->m, rep);
	}
	net_total_finish(t);
}

/* model --network's comparison of several dataflows, over the layers
 * every one of them maps. */
static void model_compare(Arena *a, const NetSim *ns, int json)
{
	const Network *net = ns->net;
	unsigned char *common = arena_alloc(a, (size_t)net->nlayers);
	int n = mark_common(ns, common, 0);
	if (json)
		printf(",\n\"compared\": { \"layers\": %d, \"names\": [", n);
	else
		printf("\nnetwork %s: each dataflow's totals over the %d of %d "
		       "layers every dataflow maps", net->name, n, net->nlayers);
	for (int i = 0, first = 1; json && i < net->nlayers; i++)
		if (common[i]) {
			printf("%s\"%s\"", first ? "" : ", ", net->layer[i].name);
			first = 0;
		}
	if (json)
		printf("]");
	netreport_left_out(stdout, ns, common, 0, json);
	if (json)
		printf(",\n  \"dataflows\": [");
	for (int k = 0, h = 1; k < ns->ndf; k++) {
		if (!ns->df[k].ok)
			continue;
		NetTotal t;
		model_total(net, &ns->df[k], common, &t);
		if (json)
			netreport_total_json(stdout, ns->df[k].file, &t, h);
		else
			netreport_summary(stdout, ns->df[k].file, &t, net->nlayers, h);
		h = 0;
	}
	if (json)
		printf(" ] }");
}

/* The command line, for the HTML page. */
static const char *cmdline(Arena *a, const Opts *o)
{
	char s[8192];
	html_cmdline(s, sizeof s, "tessera", o->argc, o->argv);
	return arena_strndup(a, s, strlen(s));
}

/* model --network's HTML page (--html), into page. */
static void model_page(Arena *a, const Opts *o, NetSim *ns, FILE *page)
{
	NetTotal *cmp = arena_alloc(a, sizeof *cmp * (size_t)ns->ndf);
	ns->common = arena_alloc(a, (size_t)ns->net->nlayers);
	ns->ncommon = mark_common(ns, ns->common, 0);
	for (int k = 0; k < ns->ndf; k++)
		if (ns->df[k].ok)
			model_total(ns->net, &ns->df[k], ns->common, &cmp[k]);
	netpage_write(page, ns, 0, cmp, cmdline(a, o));
}

/* tessera model --network NET FILE...: each dataflow FILE over every
 * layer of NET (and its page, when page is not NULL); exit 1 when a
 * file has an error or a layer does not map (after printing every
 * table). */
static int model_network(Arena *a, const Opts *o, NetSim *ns, FILE *page)
{
	int rc = 0;
	load_all(a, o, ns, cmd_network_cycles);
	if (o->json)
		printf("{ \"network\": \"%s\", \"layers\": %d, \"dataflows\": [\n",
		       ns->net->name, ns->net->nlayers);
	for (int k = 0, first = 1; k < ns->ndf; k++) {
		const NetDataflow *d = &ns->df[k];
		if (!d->ok || d->model.unmapped)
			rc = EXIT_USER;
		if (!d->ok)
			continue;
		if (o->json) {
			printf("%s", first ? "" : ",\n");
			netreport_json(stdout, ns->net, d->file, &d->p->arch, d->res,
			               &d->model);
		} else {
			if (!first)
				putchar('\n');
			netreport_table(stdout, ns->net, d->file, &d->p->arch, d->res,
			                &d->model);
		}
		first = 0;
	}
	if (o->json)
		printf("\n]");
	if (ns->ndf > 1)
		model_compare(a, ns, o->json);
	if (o->json)
		printf(" }\n");
	if (page)
		model_page(a, o, ns, page);
	return rc;
}

/* The Verilog without the layer's name in its header comment (the line
 * "//   layer NAME: ..."), the one place a layer's name is written:
 * malloc'd, its length in *n. */
static char *without_name(const char *text, size_t len, size_t *n)
{
	static const char key[] = "\n//   layer ";
	const char *p = strstr(text, key), *q = p ? strchr(p + 1, ':') : NULL;
	size_t cut = p && q ? (size_t)(q - (p + sizeof key - 1)) : 0;
	size_t at = p && q ? (size_t)(p - text) + sizeof key - 1 : 0;
	char *s = malloc(len - cut + 1);
	if (!s)
		die_oom("for the designs' Verilog");
	memcpy(s, text, at);
	memcpy(s + at, text + at + cut, len - at - cut);
	s[len - cut] = 0;
	*n = len - cut;
	return s;
}

/* The design of run (k, i) with plan hw: one already kept, or a new one. */
static int design_of(NetSim *ns, int k, int i, const Hw *hw)
{
	size_t len, n;
	char *text = hw_verilog(hw, &len);
	char *s = without_name(text, len, &n);
	free(text);
	uint64_t h = fnv1a(s, n);
	for (int j = 0; j < ns->nd; j++) {
		NetDesign *d = &ns->d[j];
		if (d->hash == h && d->len == n && !memcmp(d->text, s, n)) {
			free(s);
			d->users++;
			return j;
		}
	}
	NetDesign *d = &ns->d[ns->nd];
	*d = (NetDesign){.df = k, .layer = i, .hw = hw, .hash = h, .text = s,
	                 .len = n, .users = 1};
	return ns->nd++;
}

/* Plans every mapped layer's hardware and finds its design. */
static void plan_all(Arena *a, NetSim *ns)
{
	const Network *net = ns->net;
	ns->d = arena_alloc(a, sizeof *ns->d * (size_t)(ns->ndf * net->nlayers));
	for (int k = 0; k < ns->ndf; k++) {
		NetDataflow *df = &ns->df[k];
		for (int i = 0; df->ok && i < net->nlayers; i++) {
			NetRun *r = &df->run[i];
			r->design = -1;
			if (!df->res[i].mapped) {
				r->state = RUN_NOT_MAPPED;
				r->why = df->res[i].error;
				continue;
			}
			Hw *hw = arena_alloc(a, sizeof *hw);
			char err[512], why[600];
			if (!hw_plan(df->res[i].ln, hw, err, sizeof err)) {
				r->state = RUN_REFUSED;
				snprintf(why, sizeof why, "the Verilog backend cannot build "
				         "this schedule yet: %s", err);
				r->why = arena_strndup(a, why, strlen(why));
				continue;
			}
			r->hw = hw;
			r->state = RUN_PLANNED;
			r->design = design_of(ns, k, i, hw);
		}
	}
	for (int j = 0; j < ns->nd; j++) {
		free(ns->d[j].text);
		ns->d[j].text = NULL;
	}
}

/* A design's name in messages: d1, d2, ... */
static const char *dname(int j)
{
	static char s[4][16];
	static int at;
	at = (at + 1) % 4;
	snprintf(s[at], sizeof s[at], "d%d", j + 1);
	return s[at];
}

/* What a pool's process that did not end normally leaves as a reason. */
static void died(int st, const char *what, char *err, size_t n)
{
	char why[128];
	snprintf(err, n, "%s's process ended without a result (%s)", what,
	         proc_status(st, why, sizeof why));
}

static void build_job(int j, void *ctx, void *slot)
{
	const NetSim *ns = ctx;
	NetBuild *b = slot;
	b->ok = sim_build(ns->d[j].hw, b->exe, sizeof b->exe, &b->seconds,
	                  &b->built, b->err, sizeof b->err);
}

static void build_done(int j, void *slot, void *ctx)
{
	NetSim *ns = ctx;
	NetBuild *b = slot;
	const NetDesign *d = &ns->d[j];
	const char *first = ns->net->layer[d->layer].name;
	if (b->ok)
		fprintf(stderr, "sim: %s (%s%s) %s in %.1f s\n", dname(j), first,
		        d->users > 1 ? " and others" : "", b->built ? "built"
		        : "found built", b->seconds);
	else
		fprintf(stderr, "sim: %s (%s): the build failed: %s\n", dname(j),
		        first, b->err);
}

/* Runs n jobs of fn, up to ns->jobs at a time: their results (`size`
 * bytes each) and each process's status in *st, both malloc'd. */
static void *pool(const NetSim *ns, int n, size_t size, ProcJob fn,
                  void *ctx, ProcDone done, int **st)
{
	void *out = calloc((size_t)n + 1, size);
	*st = calloc((size_t)n + 1, sizeof **st);
	if (!out || !*st || !proc_pool(n, ns->jobs, size, out, *st, fn, ctx,
	                               done))
		die_oom("for the processes' results");
	return out;
}

/* Builds every design, up to ns->jobs at a time. */
static void build_all(NetSim *ns)
{
	int *st;
	NetBuild *out = pool(ns, ns->nd, sizeof *out, build_job, ns,
	                     build_done, &st);
	for (int j = 0; j < ns->nd; j++) {
		ns->d[j].b = out[j];
		if (st[j]) {
			died(st[j], "the build", ns->d[j].b.err, sizeof ns->d[j].b.err);
			ns->d[j].b.ok = 0;
			fprintf(stderr, "sim: %s: %s\n", dname(j), ns->d[j].b.err);
		}
	}
	free(out);
	free(st);
}

/* One layer's simulation, as its process reports it. */
typedef struct SimOut {
	int rc;
	char err[1024];
	SimCheck c;
} SimOut;

/* The runs to simulate, in the order of the pool's jobs. */
typedef struct SimJobs {
	NetSim *ns;
	NetRun **run;
	const char **name;
	uint64_t seed;
} SimJobs;

/* The layer on random inputs (the seed of `tessera sim`), checked. */
static void sim_job(int j, void *ctx, void *slot)
{
	const SimJobs *sj = ctx;
	const NetRun *r = sj->run[j];
	SimOut *out = slot;
	const Layer *l = r->hw->ln->layer;
	Buf bufs[NTENSORS] = {0};
	int t;
	for (t = 0; t < NTENSORS; t++) {
		if (!buf_alloc(&bufs[t], &l->t[t]))
			break;
		if (t != T_OUT)
			buf_random(&bufs[t], sj->seed, t);
	}
	SimOpts so = {.exe = sj->ns->d[r->design].b.exe};
	if (t < NTENSORS) {
		out->rc = EXIT_USER;
		snprintf(out->err, sizeof out->err, "out of memory for tensor %s",
		         l->t[t].name);
	} else {
		out->rc = sim_check(r->hw->ln, r->hw, bufs, &so, sj->name[j],
		                    &out->c, out->err, sizeof out->err);
	}
	for (t = 0; t < NTENSORS; t++)
		buf_free(&bufs[t]);
}

static void sim_done(int j, void *slot, void *ctx)
{
	const SimJobs *sj = ctx;
	const SimOut *out = slot;
	const SimCheck *c = &out->c;
	if (!c->ran)
		fprintf(stderr, "sim: %s: not run: %s\n", sj->name[j], out->err);
	else
		fprintf(stderr, "sim: %s: %ld cycles, %.3f times the model's; "
		        "%s%s%s%s\n", sj->name[j], c->m.cycles, c->ratio,
		        out->rc ? "FAILED:" : "verified", c->verified ? ""
		        : " output differs", c->diffs ? " counts differ" : "",
		        c->cycles_ok ? "" : " cycles outside the bounds");
}

/* Simulates every layer whose design was built, up to ns->jobs at a
 * time; a layer whose design was not is left out with the reason. */
static void sim_all(Arena *a, NetSim *ns, uint64_t seed)
{
	int n = 0, most = ns->ndf * ns->net->nlayers;
	SimJobs sj = {.ns = ns, .seed = seed,
	              .run = arena_alloc(a, sizeof *sj.run * (size_t)most),
	              .name = arena_alloc(a, sizeof *sj.name * (size_t)most)};
	for (int k = 0; k < ns->ndf; k++)
		for (int i = 0; ns->df[k].ok && i < ns->net->nlayers; i++) {
			NetRun *r = &ns->df[k].run[i];
			if (r->state != RUN_PLANNED)
				continue;
			if (!ns->d[r->design].b.ok) {
				r->state = RUN_NO_BUILD;
				r->why = ns->d[r->design].b.err;
				continue;
			}
			sj.run[n] = r;
			sj.name[n++] = ns->net->layer[i].name;
		}
	int *st;
	SimOut *out = pool(ns, n, sizeof *out, sim_job, &sj, sim_done, &st);
	for (int j = 0; j < n; j++) {
		NetRun *r = sj.run[j];
		if (st[j])
			died(st[j], "the simulation", out[j].err, sizeof out[j].err);
		r->c = out[j].c;
		r->rc = st[j] ? EXIT_TOOL : out[j].rc;
		r->state = !st[j] && out[j].c.ran ? RUN_RAN : RUN_NO_RUN;
		if (r->state == RUN_NO_RUN)
			r->why = arena_strndup(a, out[j].err, strlen(out[j].err));
	}
	free(out);
	free(st);
}

/* The exit status of sim or synth --network: 4 when a layer that ran
 * failed a check, else 3 when a build, run or synthesis failed, else 1
 * when a file had an error or a layer did not map or build. */
static int status_of(const NetSim *ns, int synth)
{
	int user = 0, tool = 0, mismatch = 0;
	for (int k = 0; k < ns->ndf; k++) {
		const NetDataflow *d = &ns->df[k];
		user |= !d->ok || d->model.unmapped;
		for (int i = 0; d->ok && i < ns->net->nlayers; i++) {
			const NetRun *r = &d->run[i];
			int e = r->state == RUN_REFUSED ? EXIT_USER
			      : r->state == RUN_NO_BUILD ? EXIT_TOOL
			      : r->state == RUN_NO_RUN || r->state == RUN_RAN ? r->rc
			      : 0;
			user |= e == EXIT_USER;
			tool |= e == EXIT_TOOL;
			mismatch |= e == EXIT_MISMATCH;
		}
	}
	for (int j = 0; synth && j < ns->nd; j++) {
		user |= ns->d[j].s->rc == SYNTH_USER;
		tool |= ns->d[j].s->rc == SYNTH_TOOL;
	}
	return mismatch ? EXIT_MISMATCH : tool ? EXIT_TOOL : user ? EXIT_USER : 0;
}

/* tessera sim --network NET FILE...: every layer simulated and checked
 * (and the page, when page is not NULL). */
static int sim_network(Arena *a, const Opts *o, NetSim *ns, FILE *page)
{
	if (!load_all(a, o, ns, NULL))
		return EXIT_USER;
	plan_all(a, ns);
	double t0 = clock_seconds();
	build_all(ns);
	double tb = clock_seconds();
	sim_all(a, ns, o->seed);
	for (int k = 0; k < ns->ndf; k++)
		if (ns->df[k].ok)
			netsim_total(ns, &ns->df[k], NULL, &ns->df[k].tot);
	ns->common = arena_alloc(a, (size_t)ns->net->nlayers);
	ns->ncommon = mark_common(ns, ns->common, 1);
	if (o->json)
		printf("{ \"network\": \"%s\", \"layers\": %d, \"dataflows\": [\n",
		       ns->net->name, ns->net->nlayers);
	for (int k = 0, first = 1; k < ns->ndf; k++) {
		if (!ns->df[k].ok)
			continue;
		if (o->json) {
			printf("%s", first ? "" : ",\n");
			netsim_json(stdout, ns, &ns->df[k]);
		} else {
			printf("%s", first ? "" : "\n");
			netsim_table(stdout, ns, &ns->df[k]);
		}
		first = 0;
	}
	printf(o->json ? "\n],\n" : "\n");
	netsim_designs(stdout, ns, o->json);
	if (ns->ndf > 1)
		netsim_common(stdout, ns, o->json);
	if (o->json)
		printf(" }\n");
	fprintf(stderr, "sim: %d designs ready in %.1f s (%d at a time), "
	        "layers run in %.1f s\n", ns->nd, tb - t0, ns->jobs,
	        clock_seconds() - tb);
	if (page)
		netpage_write(page, ns, 1, NULL, cmdline(a, o));
	return status_of(ns, 0);
}

static void synth_job(int j, void *ctx, void *slot)
{
	const NetSim *ns = ctx;
	NetSynth *s = slot;
	s->rc = synth_run(ns->d[j].hw, &ns->so, &s->r, s->err, sizeof s->err);
}

static void synth_done(int j, void *slot, void *ctx)
{
	const NetSynth *s = slot;
	if (s->rc == SYNTH_OK)
		fprintf(stderr, "synth: %s: %.0f um2, %.2f ns, bare MAC %.2f ns "
		        "(yosys %.1f s, OpenSTA %.1f s)\n", dname(j), s->r.total,
		        s->r.period_ns, s->r.mac_period_ns,
		        s->r.yosys_s + s->r.mac_yosys_s, s->r.sta_s + s->r.mac_sta_s);
	else
		fprintf(stderr, "synth: %s: %s\n", dname(j), s->err);
}

/* tessera synth --network NET FILE...: each distinct design's area,
 * clock and throughput (its first layer's cycles, timed as model
 * --network times them), and the layers that use it. */
static int synth_network(Arena *a, const Opts *o, NetSim *ns)
{
	if (!load_all(a, o, ns, cmd_network_cycles))
		return EXIT_USER;
	plan_all(a, ns);
	int *st;
	NetSynth *out = pool(ns, ns->nd, sizeof *out, synth_job, ns, synth_done,
	                     &st);
	for (int j = 0; j < ns->nd; j++) {
		ns->d[j].s = &out[j];
		if (st[j]) {
			out[j].rc = SYNTH_TOOL;
			died(st[j], "the synthesis", out[j].err, sizeof out[j].err);
		}
	}
	if (o->json)
		netsynth_json(stdout, ns);
	else
		netsynth_table(stdout, ns);
	int rc = status_of(ns, 1);
	free(out);
	free(st);
	return rc;
}

int netcmd_main(Arena *a, const Opts *o)
{
	Network net;
	if (!network_read(a, o->network, &net))
		return EXIT_USER;
	NetSim ns = {.net = &net, .jobs = o->jobs ? o->jobs : proc_cores()};
	ns.so = (SynthOpts){.liberty = o->liberty, .node_nm = o->node_nm,
	                    .sram_access_ns = o->sram_access_ns};
	if (!strcmp(o->cmd, "synth"))
		return synth_network(a, o, &ns);
	/* the page's DIR is made and its file opened before the work, so
	 * that a DIR that cannot be written fails at once */
	char path[4096];
	FILE *page = NULL;
	if (o->html && !(page = html_open(o->html, path, sizeof path)))
		return EXIT_USER;
	int rc = !strcmp(o->cmd, "sim") ? sim_network(a, o, &ns, page)
	                                : model_network(a, o, &ns, page);
	if (page && ftell(page) <= 0)
		html_discard(page, path);   /* nothing to report */
	else if (page && !html_close(page, path) && !rc)
		rc = EXIT_USER;
	return rc;
}
