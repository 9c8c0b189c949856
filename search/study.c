/* study.c - `tessera study`: the paper's two comparisons over the layers
 * of network files, written as a Markdown table and an SVG chart (the
 * files docs/results/ holds, with the command that made them).
 *
 *   study dataflows NET.tsr... DF.tsr... -o DIR
 *       every conv layer of the networks under every dataflow (the
 *       unrolled loops and the architecture of each DF file), each with
 *       its best blocking: how close the dataflows land in energy, per
 *       layer and per network (over the layers every dataflow maps);
 *   study hierarchy NET.tsr... BASE.tsr -o DIR
 *       every layer on BASE's architecture and dataflow, then on one
 *       memory hierarchy chosen per network at constant throughput: the
 *       energy saved.
 *
 * Files are told apart by their first word (`network`).  With --html
 * DIR, the same tables and charts also go into one self-contained page,
 * DIR/index.html (runtime/html.c), where every layer studied is a row
 * of the tables and charts, those without a schedule marked (the page
 * is studypage.c's).  While the study runs, the table and the chart are
 * rewritten whole (whole.c) after each layer (dataflows) or network
 * (hierarchy), the rest marked `…` under a "partial:" line, so that a
 * study stopped part way leaves what it had done; once complete they
 * are what they would be had they been written only at the end.
 */
#include "study.h"
#include "../runtime/html.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *base_name(const char *path, char *buf, size_t n)
{
	const char *b = strrchr(path, '/');
	snprintf(buf, n, "%s", b ? b + 1 : path);
	char *dot = strrchr(buf, '.');
	if (dot)
		*dot = 0;
	return buf;
}

/* A network, or a layer file whose schedule gives a dataflow. */
static int load(Arena *a, Study *s, const char *path)
{
	Source *src = source_load(a, path);
	if (!src)
		return 0;
	if (source_is_network(src)) {
		if (s->nnet == MAXF)
			die_usage("too many network files%s", "");
		Network *net = arena_alloc(a, sizeof *net);
		if (!network_load(a, src, net))
			return 0;
		s->netpath[s->nnet] = path;
		s->net[s->nnet++] = net;
		return 1;
	}
	if (s->ndf == MAXF)
		die_usage("too many dataflow files%s", "");
	DfFile *f = &s->df[s->ndf];
	f->path = path;
	f->p = arena_alloc(a, sizeof *f->p);
	LoopNest *ln = arena_alloc(a, sizeof *ln);
	if (!program_load(a, src, f->p, ln, NULL))
		return 0;
	f->o = s->o;
	Diag d = {.out = stderr};
	search_note_kept(&d, ln, s->o.keep);
	if (!search_file_dataflow(&d, ln, &f->o)) {
		/* a dataflow the canonical form cannot express: left out */
		fprintf(stderr, "tessera: %s is left out of the study\n", path);
		return 1;
	}
	char df[32], bn[64];
	if (f->o.ndf)
		search_dataflow_name(df, sizeof df, &f->p->arch, f->o.df[0],
		                     f->o.rdf[0]);
	else
		snprintf(df, sizeof df, "any");
	snprintf(f->name, sizeof f->name, "%s (%s)", df,
	         base_name(path, bn, sizeof bn));
	s->ndf++;
	return 1;
}

static int layer_in(const Study *s, const NetLayer *nl)
{
	return s->all_layers || nl->kind == SHAPE_CONV;
}

/* DIR/NAME.EXT, written whole (search/whole.c) */
static FILE *out_open(const Study *s, const char *ext, Whole *w)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s.%s", s->out, s->name, ext);
	return whole_open(w, path);
}

/* The study's DIR/NAME.md and DIR/NAME.svg, opened to be written whole,
 * the Markdown begun with its title, while the study runs the line
 * that says how much of it (done of all, `what`) is there, and the
 * command line that made it; 0 when either
 * cannot be opened (said on stderr, neither written). */
static int files_open(const Study *s, Whole *wm, FILE **md, Whole *ws,
                      FILE **svg, const char *title, int done, int all,
                      const char *what)
{
	*md = out_open(s, "md", wm);
	*svg = out_open(s, "svg", ws);
	if (!*md || !*svg) {
		if (*md)
			whole_drop(wm);
		if (*svg)
			whole_drop(ws);
		return 0;
	}
	fprintf(*md, "# %s\n\n", title);
	if (done < all)
		fprintf(*md, "partial: %d of %d %s done; the study was still "
		        "running when this was written (`…`: not searched yet).\n\n",
		        done, all, what);
	fprintf(*md, "Made by:\n\n```\n%s\n```\n\n", s->cmd);
	return 1;
}

/* Every layer of the study under every dataflow: [row * ndf + k], NAN
 * (pj) where the dataflow does not map the layer. */
typedef struct Grid {
	int nrow, ndf;
	int ndone;                    /* rows searched (the rest: pending) */
	const char *rows[MAXROWS];
	char (*names)[96];
	int net[MAXROWS];             /* the row's network */
	const NetLayer *nl[MAXROWS];
	double *pj, *util, *energy, *macs;   /* one run of the layer */
} Grid;

/* " TEXT |": a table cell, its pipes escaped ("C|K" would end it). */
static void md_cell(FILE *md, const char *text)
{
	fputc(' ', md);
	for (; *text; text++) {
		if (*text == '|')
			fputc('\\', md);
		fputc(*text, md);
	}
	fputs(" |", md);
}

static const char *plural(int n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

static int mapped(const Grid *g, int r, int k)
{
	return !isnan(g->pj[r * g->ndf + k]);
}

/* How many dataflows map row r. */
static int nmapped(const Grid *g, int r)
{
	int n = 0;
	for (int k = 0; k < g->ndf; k++)
		n += mapped(g, r, k);
	return n;
}

/* The rows of the study, none searched yet (NAN). */
static void grid_rows(Study *s, Grid *g)
{
	size_t n = (size_t)MAXROWS * MAXF;
	g->ndf = s->ndf;
	g->names = calloc(MAXROWS, 96);
	g->pj = calloc(n, sizeof *g->pj);
	g->util = calloc(n, sizeof *g->util);
	g->energy = calloc(n, sizeof *g->energy);
	g->macs = calloc(n, sizeof *g->macs);
	if (!g->names || !g->pj || !g->util || !g->energy || !g->macs)
		INTERNAL("out of memory");
	for (int i = 0; i < s->nnet; i++)
		for (int j = 0; j < s->net[i]->nlayers && g->nrow < MAXROWS; j++) {
			const NetLayer *nl = &s->net[i]->layer[j];
			int r = g->nrow;
			if (!layer_in(s, nl))
				continue;
			snprintf(g->names[r], 96, "%s %s", s->net[i]->name, nl->name);
			g->rows[r] = g->names[r];
			g->net[r] = i;
			g->nl[r] = nl;
			g->nrow++;
		}
}

/* Row r searched under every dataflow. */
static void grid_layer(Study *s, Grid *g, int r)
{
	for (int k = 0; k < s->ndf; k++) {
		SCtx c;
		SResult res;
		char what[256];
		SOpts o = s->df[k].o;
		snprintf(what, sizeof what, "study: %d of %d layers done; %s under "
		         "%s: ", r, g->nrow, g->names[r], s->df[k].name);
		if (o.progress_file) {
			whole_note(o.progress_file, "%s0 s\n", what);
			o.progress_what = what;
		}
		sctx_init(&c, &g->nl[r]->layer, &s->df[k].p->arch);
		int ok = search_run(&c, &o, &res);
		g->pj[r * s->ndf + k] = ok ? res.m.pj_per_mac : NAN;
		g->util[r * s->ndf + k] = ok ? res.m.utilization : NAN;
		g->energy[r * s->ndf + k] = ok ? res.m.e_total : NAN;
		g->macs[r * s->ndf + k] = ok ? (double)res.m.macs : NAN;
		if (s->o.progress)
			fprintf(stderr, "\r\033[Kstudy: %s under %s", g->names[r],
			        s->df[k].name);
	}
}

static void grid_free(Grid *g)
{
	free(g->names);
	free(g->pj);
	free(g->util);
	free(g->energy);
	free(g->macs);
}

/* The table of layers; the spread where two or more dataflows map the
 * layer. */
static void layer_table(const Study *s, const Grid *g, FILE *md)
{
	fputs("| layer |", md);
	for (int k = 0; k < s->ndf; k++)
		md_cell(md, s->df[k].name);
	fputs(" spread |\n|---|", md);
	for (int k = 0; k <= s->ndf; k++)
		fputs("---|", md);
	fputc('\n', md);
	for (int r = 0; r < g->nrow; r++) {
		double lo = INFINITY, hi = 0;
		fprintf(md, "| %s |", g->rows[r]);
		if (r >= g->ndone) {   /* not searched yet */
			for (int k = 0; k <= s->ndf; k++)
				fputs(" … |", md);
			fputc('\n', md);
			continue;
		}
		for (int k = 0; k < s->ndf; k++) {
			double x = g->pj[r * s->ndf + k];
			if (isnan(x)) {
				fputs(" - |", md);
				continue;
			}
			fprintf(md, " %.3f (%.0f%%) |", x, 100 * g->util[r * s->ndf + k]);
			lo = x < lo ? x : lo;
			hi = x > hi ? x : hi;
		}
		if (nmapped(g, r) < 2)
			fputs(" - |\n", md);
		else
			fprintf(md, " %.2fx |\n", hi / lo);
	}
}

/* The mean spread over the layers that at least two dataflows map: a
 * spread over one dataflow is 1.00x and says nothing, so those layers
 * are left out, and named. */
static void spread_summary(const Study *s, const Grid *g, FILE *md)
{
	double sum = 0, most = 0;
	int nspread = 0, partial = 0;
	for (int r = 0; r < g->nrow; r++) {
		double lo = INFINITY, hi = 0;
		if (nmapped(g, r) < 2)
			continue;
		for (int k = 0; k < s->ndf; k++) {
			double x = g->pj[r * s->ndf + k];
			if (!isnan(x)) {
				lo = x < lo ? x : lo;
				hi = x > hi ? x : hi;
			}
		}
		sum += hi / lo;
		most = hi / lo > most ? hi / lo : most;
		nspread++;
		partial += nmapped(g, r) < s->ndf;
	}
	int out = g->nrow - nspread;
	fprintf(md, "Mean spread %.2fx, largest %.2fx, over the %d %s that "
	        "two or more dataflows map", nspread ? sum / nspread : 0, most,
	        nspread, plural(nspread, "layer", "layers"));
	if (partial)
		fprintf(md, " (%d of them not by every dataflow: %s over the "
		        "dataflows that map %s)", partial, plural(partial,
		        "its spread is", "their spread is"), plural(partial, "it",
		        "them"));
	fprintf(md, "; %d of %d %s left out, which fewer than two dataflows "
	        "map%s", out, g->nrow, plural(g->nrow, "layer", "layers"),
	        out ? ":" : ".\n");
	for (int r = 0, n = 0; r < g->nrow; r++) {
		int m = nmapped(g, r), k = 0;
		if (m >= 2)
			continue;
		while (m && !mapped(g, r, k))
			k++;
		fprintf(md, "%s %s (%s%s)", n++ ? "," : "", g->rows[r],
		        m ? "only " : "no dataflow", m ? s->df[k].name : "");
	}
	if (out)
		fputs(".\n", md);
}

/* Each network's totals (each layer `repeat` times; pJ/MAC is the
 * energy over the MACs) over the layers of the study that every
 * dataflow maps, so that every dataflow's figure covers the same work;
 * the layers left out are named. */
static void network_table(const Study *s, const Grid *g, FILE *md)
{
	fprintf(md, "\n## Whole networks\n\nEach network's pJ/MAC under each "
	        "dataflow over the layers above that **every** dataflow maps "
	        "(total energy over total MACs, each layer `repeat` times), so "
	        "that every figure covers the same work; the layers left out "
	        "are named below the table.\n\n| network | layers compared |");
	for (int k = 0; k < s->ndf; k++)
		md_cell(md, s->df[k].name);
	fputs(" spread |\n|---|---|", md);
	for (int k = 0; k <= s->ndf; k++)
		fputs("---|", md);
	fputc('\n', md);
	int out = 0;
	for (int i = 0; i < s->nnet; i++) {
		int all = 0, common = 0;
		double e[MAXF] = {0}, m = 0, lo = INFINITY, hi = 0;
		for (int r = 0; r < g->nrow; r++) {
			if (g->net[r] != i)
				continue;
			all++;
			if (nmapped(g, r) < s->ndf) {
				out++;
				continue;
			}
			double rep = (double)g->nl[r]->repeat;
			common++;
			m += g->macs[r * s->ndf] * rep;
			for (int k = 0; k < s->ndf; k++)
				e[k] += g->energy[r * s->ndf + k] * rep;
		}
		fprintf(md, "| %s | %d of %d |", s->net[i]->name, common, all);
		for (int k = 0; k < s->ndf; k++) {
			if (!common) {
				fputs(" - |", md);
				continue;
			}
			fprintf(md, " %.3f |", e[k] / m);
			lo = e[k] / m < lo ? e[k] / m : lo;
			hi = e[k] / m > hi ? e[k] / m : hi;
		}
		if (common && s->ndf > 1)
			fprintf(md, " %.2fx |\n", hi / lo);
		else
			fputs(" - |\n", md);
	}
	fprintf(md, "\n%d of %d %s left out of these totals, which not every "
	        "dataflow maps%s", out, g->nrow, plural(g->nrow, "layer",
	        "layers"), out ? ":\n" : ".\n");
	for (int r = 0; r < g->nrow; r++) {
		if (nmapped(g, r) == s->ndf)
			continue;
		fprintf(md, "* %s: not mapped by", g->rows[r]);
		for (int k = 0, n = 0; k < s->ndf; k++)
			if (!mapped(g, r, k))
				fprintf(md, "%s %s", n++ ? "," : "", s->df[k].name);
		fputs("\n", md);
	}
}

/* study dataflows' Markdown file and chart, of the rows done so far:
 * while the study runs, the rows not searched yet are marked and the
 * summaries wait for every row. */
static int dataflows_files(Study *s, Grid *g)
{
	Whole wm, ws;
	FILE *md, *svg;
	if (!files_open(s, &wm, &md, &ws, &svg, "Dataflows with their best "
	                "blocking", g->ndone, g->nrow, "layers"))
		return 0;
	fprintf(md, "Energy in pJ/MAC of each layer's best schedule under each "
	        "dataflow (the loops each file unrolls, on its architecture), "
	        "utilization in brackets; `-` where the dataflow does not map the "
	        "layer. The last column is the spread: the worst dataflow's energy "
	        "over the best's, among the dataflows that map the layer (`-` "
	        "when fewer than two do).\n\n");
	char *summary = NULL;
	size_t slen = 0;
	FILE *sf = open_memstream(&summary, &slen);
	if (!sf)
		INTERNAL("out of memory");
	spread_summary(s, g, sf);
	fclose(sf);
	layer_table(s, g, md);
	if (g->ndone < g->nrow)
		fputs("\nThe mean spread and the whole networks' figures follow "
		      "when every layer is done.\n", md);
	else {
		fprintf(md, "\n%s", summary);
		network_table(s, g, md);
	}
	fprintf(md, "\n![chart](%s.svg)\n", s->name);
	if (s->page && g->ndone == g->nrow)
		study_dataflows_page(s, g->nrow, g->rows, g->pj, g->util, summary);
	free(summary);
	const char *series[MAXF];
	for (int k = 0; k < s->ndf; k++)
		series[k] = s->df[k].name;
	svg_bars(svg, "Energy of each layer's best schedule under each dataflow",
	         "pJ/MAC", g->ndone, g->rows, s->ndf, series, g->pj);
	int ok = whole_close(&wm);
	return whole_close(&ws) && ok;
}

static int dataflows(Study *s)
{
	Grid *g = calloc(1, sizeof *g);
	if (!g)
		INTERNAL("out of memory");
	grid_rows(s, g);
	while (g->ndone < g->nrow) {
		grid_layer(s, g, g->ndone++);
		/* what is done so far, should the study be stopped */
		if (g->ndone < g->nrow && cluster_rank() == 0 &&
		    !dataflows_files(s, g))
			return 1;
	}
	if (s->o.progress)
		fprintf(stderr, "\r\033[K");
	int rc = !dataflows_files(s, g);
	grid_free(g);
	free(g);
	return rc;
}

/* One network: its layers on BASE and on the network's hierarchy. */
static int hier_net(Study *s, int n, FILE *md, const char **rows,
                    char (*names)[96], double *v, int *nrow)
{
	const Network *net = s->net[n];
	const DfFile *b = &s->df[0];
	char what[256];
	snprintf(what, sizeof what, "study: %d of %d networks done; %s: ", n,
	         s->nnet, net->name);
	NetBest *base = calloc((size_t)net->nlayers, sizeof *base);
	NetBest *opt = calloc((size_t)net->nlayers, sizeof *opt);
	if (!base || !opt)
		die_oom("for the network's results");
	SOpts o = b->o;
	if (o.progress_file) {
		whole_note(o.progress_file, "%s0 s\n", what);
		o.progress_what = what;
	}
	net_search(net, &b->p->arch, &o, NULL, base);
	Arch harch;
	int ncand;
	if (!net_hier(net, &b->p->arch, &s->h, &o, base, &harch, opt, &ncand)) {
		fprintf(stderr, "tessera: no hierarchy maps every layer of %s\n",
		        net->name);
		if (s->page) {
			fputs("<h2>", s->page);
			html_esc(s->page, net->name);
			fputs("</h2>\n<p class=\"no\">No hierarchy maps every layer."
			      "</p>\n", s->page);
		}
		free(base);
		free(opt);
		return 0;
	}
	NetSum sb, so;
	net_total(net, base, &sb);
	net_total(net, opt, &so);
	char desc[160];
	hier_describe(desc, sizeof desc, &harch);
	fprintf(md, "\n## %s\n\nThe hierarchy chosen (of %d): **%s**. Whole "
	        "network: %.3f → %.3f pJ/MAC, **%.2fx** less energy; cycles "
	        "%.4g → %.4g.\n\n| layer | baseline pJ/MAC | cycles | optimized "
	        "pJ/MAC | cycles | less energy |\n|---|---|---|---|---|---|\n",
	        net->name, ncand, desc, sb.pj_per_mac, so.pj_per_mac,
	        sb.energy / so.energy, sb.cycles, so.cycles);
	if (s->page) {
		char sum[512];
		snprintf(sum, sizeof sum, "The hierarchy chosen (of %d): %s. Whole "
		         "network: %.3f to %.3f pJ/MAC, %.2fx less energy; cycles "
		         "%.4g to %.4g.", ncand, desc, sb.pj_per_mac, so.pj_per_mac,
		         sb.energy / so.energy, sb.cycles, so.cycles);
		study_hier_page(s, net, base, opt, sum);
	}
	for (int i = 0; i < net->nlayers && *nrow < MAXROWS; i++) {
		const NetLayer *nl = &net->layer[i];
		if (!base[i].found || !opt[i].found) {
			fprintf(md, "| %s | - | - | - | - | - |\n", nl->name);
			continue;
		}
		const Model *mb = &base[i].r.m, *mo = &opt[i].r.m;
		fprintf(md, "| %s | %.3f | %ld | %.3f | %ld | %.2fx |\n", nl->name,
		        mb->pj_per_mac, mb->cycles, mo->pj_per_mac, mo->cycles,
		        mb->e_total / mo->e_total);
		snprintf(names[*nrow], 96, "%s %s", net->name, nl->name);
		rows[*nrow] = names[*nrow];
		v[*nrow * 2] = mb->pj_per_mac;
		v[*nrow * 2 + 1] = mo->pj_per_mac;
		(*nrow)++;
	}
	free(base);
	free(opt);
	return 1;
}

/* study hierarchy's results so far: each network's section of the
 * Markdown file, and the chart's rows */
typedef struct HierDone {
	int ndone;                    /* networks done (the rest: pending) */
	char *sect[MAXF];             /* network n's section */
	const char *rows[MAXROWS];
	char (*names)[96];
	double *v;                    /* [row * 2]: baseline, optimized */
	int nrow;
} HierDone;

/* study hierarchy's Markdown file and chart, of the networks done so
 * far: while the study runs, those not done yet are marked. */
static int hier_files(Study *s, const HierDone *h)
{
	Whole wm, ws;
	FILE *md, *svg;
	if (!files_open(s, &wm, &md, &ws, &svg, "Memory hierarchy at constant "
	                "throughput", h->ndone, s->nnet, "networks"))
		return 0;
	fprintf(md, "Each layer's best schedule on the baseline (%s, "
	        "dataflow %s), then on one memory hierarchy chosen for the whole "
	        "network: one or two register-file levels per PE and a global "
	        "buffer, sizes from the energy table's range, every layer at most "
	        "as slow as on the baseline (docs/search.md).\n",
	        s->df[0].path, s->df[0].name);
	for (int n = 0; n < s->nnet; n++)
		if (n < h->ndone)
			fputs(h->sect[n], md);
		else
			fprintf(md, "\n## %s\n\n…\n", s->net[n]->name);
	fprintf(md, "\n![chart](%s.svg)\n", s->name);
	static const char *const series[] = {"baseline", "optimized hierarchy"};
	svg_bars(svg, "Baseline against the optimized memory hierarchy",
	         "pJ/MAC", h->nrow, h->rows, 2, series, h->v);
	int ok = whole_close(&wm);
	return whole_close(&ws) && ok;
}

static int hierarchy(Study *s)
{
	if (s->ndf != 1)
		die_usage("study hierarchy takes one baseline file (architecture and "
		      "dataflow)%s", "");
	HierDone *h = calloc(1, sizeof *h);
	if (!h || !(h->names = calloc(MAXROWS, 96)) ||
	    !(h->v = calloc(MAXROWS * 2, sizeof *h->v)))
		INTERNAL("out of memory");
	int rc = 0;
	if (s->page) {
		html_begin(s->page, "Study: memory hierarchy at constant "
		           "throughput", s->cmd);
		fputs("<p>Each layer's best schedule on the baseline (", s->page);
		html_esc(s->page, s->df[0].path);
		fputs(", dataflow ", s->page);
		html_esc(s->page, s->df[0].name);
		fputs("), then on one memory hierarchy chosen for the whole "
		      "network: one or two register-file levels per PE and a global "
		      "buffer, every layer at most as slow as on the baseline.</p>\n",
		      s->page);
	}
	for (int n = 0; n < s->nnet && rc < 2; n++) {
		size_t len;
		FILE *md = open_memstream(&h->sect[n], &len);
		if (!md)
			INTERNAL("out of memory");
		if (!hier_net(s, n, md, h->rows, h->names, h->v, &h->nrow))
			rc = 1;
		fclose(md);
		h->ndone = n + 1;
		/* what is done so far, should the study be stopped */
		if (h->ndone < s->nnet && cluster_rank() == 0 && !hier_files(s, h))
			rc = 2;
	}
	if (s->page)
		html_end(s->page);
	if (rc == 2 || !hier_files(s, h))
		rc = 1;
	for (int n = 0; n < s->nnet; n++)
		free(h->sect[n]);
	free(h->names);
	free(h->v);
	free(h);
	return rc;
}

int study_main(int argc, char **argv)
{
	Study *s = calloc(1, sizeof *s);
	Arena *a = arena_new();
	if (!s)
		INTERNAL("out of memory");
	sopts_default(&s->o);
	hier_default(&s->h);
	s->o.progress = isatty(2);
	/* quoted where a shell would need it, so that it can be rerun */
	html_cmdline(s->cmd, sizeof s->cmd, "tessera study", argc, argv);
	if (argc < 2)
		die_usage("study needs dataflows or hierarchy%s", "");
	s->kind = argv[1];
	if (strcmp(s->kind, "dataflows") && strcmp(s->kind, "hierarchy"))
		die_usage("study takes dataflows or hierarchy, not '%s'", s->kind);
	const char *files[2 * MAXF];
	int nf = 0;
	for (int i = 2; i < argc; i++) {
		const char *x = argv[i];
		int valued = !strcmp(x, "-o") || !strcmp(x, "--name") ||
		             !strcmp(x, "--threads") || !strcmp(x, "--html") ||
		             !strcmp(x, "--progress-file");
		if (valued && i + 1 >= argc)
			die_usage("option %s needs a value", x);
		if (!strcmp(x, "-o"))
			s->out = argv[++i];
		else if (!strcmp(x, "--name"))
			s->name = argv[++i];
		else if (!strcmp(x, "--threads"))
			s->o.threads = (int)arg_uint(x, argv[++i], 1, 256);
		else if (!strcmp(x, "--no-bypass"))
			s->o.bypass = 0;
		else if (!strcmp(x, "--replicate"))
			s->o.replicate = 1;
		else if (!strcmp(x, "--keep-overlap"))
			s->o.keep = 1;
		else if (!strcmp(x, "--buildable"))
			s->o.buildable = 1;
		else if (!strcmp(x, "--all-layers"))
			s->all_layers = 1;
		else if (!strcmp(x, "--quiet"))
			s->o.progress = 0;
		else if (!strcmp(x, "--html"))
			s->html = argv[++i];
		else if (!strcmp(x, "--progress-file"))
			s->o.progress_file = argv[++i];
		else if (hier_option(&s->h, argc, argv, &i))
			continue;
		else if (x[0] == '-')
			die_usage("unknown option %s", x);
		else if (nf < 2 * MAXF)
			files[nf++] = x;
		else
			die_usage("too many files: %s", x);
	}
	if (!s->out)
		die_usage("study needs -o DIR%s", "");
	if (!strcmp(s->kind, "hierarchy"))
		hier_network_usage(&s->h);
	if (!s->name)
		s->name = s->kind;
	for (int i = 0; i < nf; i++)
		if (!load(a, s, files[i])) {
			arena_free(a);
			return 1;
		}
	if (!s->nnet || !s->ndf)
		die_usage("study needs network files and dataflow files%s", "");
	char err[512];
	if (!cluster_start(err, sizeof err)) {
		fprintf(stderr, "tessera: study under an MPI launcher: %s\n", err);
		return 1;
	}
	if (cluster_rank() > 0) {   /* rank 0 alone writes */
		for (int i = 0; i < s->ndf; i++)
			s->df[i].o.progress_file = NULL, s->df[i].o.progress = 0;
		s->o.progress = 0;
	} else if (make_dirs(s->out)) {
		fprintf(stderr, "tessera: cannot create %s: %s\n", s->out,
		        strerror(errno));
		return 1;
	}
	/* the page is opened before the searches: a bad DIR fails at once */
	if (s->html && cluster_rank() == 0 &&
	    !(s->page = html_open(s->html, s->page_path, sizeof s->page_path)))
		return 1;
	int rc = !strcmp(s->kind, "dataflows") ? dataflows(s) : hierarchy(s);
	if (s->o.progress_file && cluster_rank() == 0)
		whole_note(s->o.progress_file, "study: %s\n", rc ? "failed" : "done");
	if (!rc)
		fprintf(stderr, "wrote %s/%s.md and %s/%s.svg\n", s->out, s->name,
		        s->out, s->name);
	if (s->page && ftell(s->page) <= 0)
		html_discard(s->page, s->page_path);
	else if (s->page && !html_close(s->page, s->page_path))
		rc = 1;
	arena_free(a);
	free(s);
	return rc;
}
