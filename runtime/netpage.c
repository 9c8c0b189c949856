/* netpage.c - the HTML pages (--html DIR) of `model --network` and `sim
 * --network`: the same figures as their tables (runtime/netreport.c),
 * with charts.  Every layer of the network is a row of every per-layer
 * table and chart, in file order, those without figures (not mapped,
 * not built, not run) marked so with the reason; totals cover the
 * layers with figures, each `repeat` times, as the tables' do.
 *
 * Energy per layer is drawn per MAC (pJ/MAC), so that a small layer's
 * bar is as legible as a large one's; the network's totals per dataflow
 * are drawn in uJ.  The sim page draws the simulated hardware's counts
 * and cycles, against the model's timing of the same hardware.
 */
#include "html.h"
#include "netsim.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Series of an energy chart: levels or tensors, then NoC and MAC. */
enum { MAXSER = MAX_LEVELS + NTENSORS + 2, BY_LEVEL = 0, BY_TENSOR = 1 };

static const char *kind_name(int k)
{
	return k == SHAPE_CONV ? "conv" : k == SHAPE_DEPTHWISE ? "depthwise"
	                                                       : "fc";
}

static void *zalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);
	if (!p)
		die_oom("for the HTML report");
	return p;
}

/* A layer's figures under dataflow k: the model's (model --network) or
 * the simulated hardware's (sim); NULL when it has none. */
static const Model *figures(const NetSim *ns, int k, int i, int sim)
{
	const NetDataflow *d = &ns->df[k];
	if (!d->ok)
		return NULL;
	if (sim)
		return d->run[i].state == RUN_RAN ? &d->run[i].c.m : NULL;
	return d->res[i].mapped ? &d->res[i].m : NULL;
}

/* Why a layer has no figures, in a word or two (NULL: it has). */
static const char *mark_of(const NetSim *ns, int k, int i, int sim)
{
	if (figures(ns, k, i, sim))
		return NULL;
	if (!sim)
		return "not mapped";
	int st = ns->df[k].run[i].state;
	return st == RUN_NOT_MAPPED ? "not mapped"
	     : st == RUN_REFUSED ? "not built by the backend"
	     : st == RUN_NO_BUILD ? "build failed" : "not run";
}

/* The names and colours of the series of an energy chart of dataflow
 * d (colours by role, the same in every chart: svg_level_color). */
static int series_names(const NetDataflow *d, int by, const char **names,
                        const char **cols)
{
	int n = 0, nl = d->p->arch.nlevels;
	if (by == BY_LEVEL)
		for (int lv = 0; lv < nl; lv++) {
			cols[n] = svg_level_color(lv, nl);
			names[n++] = d->p->arch.level[lv].name;
		}
	else
		for (int t = 0; t < NTENSORS; t++) {
			cols[n] = svg_color(t);
			names[n++] = d->ln->layer->t[t].name;
		}
	cols[n] = svg_level_color(SVG_NOC, nl);
	names[n++] = "NoC";
	cols[n] = svg_level_color(SVG_MAC, nl);
	names[n++] = "MAC";
	return n;
}

/* m's energy split as series_names says, each part times `scale`. */
static int split(const Arch *a, const Model *m, int by, double scale,
                 double *out)
{
	int n = 0;
	if (by == BY_LEVEL) {
		for (int lv = 0; lv < a->nlevels; lv++)
			out[n++] = m->e_level[lv] * scale;
	} else {
		for (int t = 0; t < NTENSORS; t++) {
			double e = 0;
			for (int lv = 0; lv < a->nlevels; lv++)
				e += m->e_level_tensor[lv][t];
			out[n++] = e * scale;
		}
	}
	out[n++] = m->e_noc * scale;
	out[n++] = m->e_mac * scale;
	return n;
}

/* The index of name in names[*n], added when missing. */
static int name_index(const char **names, int *n, const char *name)
{
	for (int s = 0; s < *n; s++)
		if (!strcmp(names[s], name))
			return s;
	names[*n] = name;
	return (*n)++;
}

/* The dataflow's name in the page: its file. */
static const char *df_name(const NetSim *ns, int k)
{
	return ns->df[k].file;
}

/* ---- tables ---- */

/* A table's header row: column c left-aligned where align[c] is 'l'
 * (text), else right-aligned (numbers). */
static void th(FILE *f, const char *const *cols, const char *align)
{
	fputs("<tr>", f);
	for (int c = 0; align[c]; c++) {
		fputs(align[c] == 'l' ? "<th class=\"l\">" : "<th>", f);
		html_esc(f, cols[c]);
		fputs("</th>", f);
	}
	fputs("</tr>\n", f);
}

static void td_text(FILE *f, const char *cls, const char *s)
{
	fprintf(f, "<td class=\"%s\">", cls);
	html_esc(f, s);
	fputs("</td>", f);
}

/* The layer's name, kind, repeat and MACs: the first cells of a row. */
static void layer_cells(FILE *f, const NetLayer *nl, int kind)
{
	td_text(f, "l", nl->name);
	if (kind)
		td_text(f, "l", kind_name(nl->kind));
	fprintf(f, "<td>%ld</td><td>%ld</td>", nl->repeat, nl->layer.macs);
}

/* A row for a layer without figures: `span` empty cells' worth of its
 * mark, then the reason. */
static void unmapped_cells(FILE *f, const char *mark, const char *why,
                           int span)
{
	fprintf(f, "<td class=\"l\" colspan=\"%d\">", span);
	html_esc(f, mark);
	fputs("</td><td class=\"why\">", f);
	html_esc(f, why);
	fputs("</td></tr>\n", f);
}

/* model --network: dataflow k's table, a row per layer. */
static void model_table(FILE *f, const NetSim *ns, int k)
{
	static const char *const cols[] = {
		"layer", "kind", "repeat", "MACs", "cycles", "utilization",
		"energy uJ", "pJ/MAC", "notes"};
	const NetDataflow *d = &ns->df[k];
	const NetTotal *t = &d->model;
	fputs("<div class=\"scroll\"><table>\n", f);
	th(f, cols, "llrrrrrrl");
	for (int i = 0; i < ns->net->nlayers; i++) {
		const NetResult *r = &d->res[i];
		fputs(r->mapped ? "<tr>" : "<tr class=\"unmapped\">", f);
		layer_cells(f, &ns->net->layer[i], 1);
		if (!r->mapped) {
			unmapped_cells(f, "not mapped", r->error, 4);
			continue;
		}
		fprintf(f, "<td>%ld</td><td>%.1f%%</td><td>%.3f</td><td>%.3f</td>",
		        r->m.cycles, 100 * r->m.utilization, r->m.e_total / 1e6,
		        r->m.pj_per_mac);
		td_text(f, "why", r->notes ? r->notes : "");
		fputs("</tr>\n", f);
	}
	fprintf(f, "<tr class=\"total\"><td class=\"l\">%s</td><td></td>"
	        "<td>%ld</td><td>%ld</td><td>%ld</td><td>%.1f%%</td><td>%.3f</td>"
	        "<td>%.3f</td><td class=\"why\">%d of %d layers</td></tr>\n"
	        "</table></div>\n", t->unmapped ? "mapped" : "total", t->layers,
	        t->macs, t->cycles, 100 * t->utilization, t->energy / 1e6,
	        t->pj_per_mac, ns->net->nlayers - t->unmapped, ns->net->nlayers);
}

/* "yes", or NO with the checks that failed. */
static void verdict(FILE *f, const SimCheck *c)
{
	if (c->verified && !c->diffs && c->cycles_ok) {
		fputs("<td class=\"yes\">yes</td>", f);
		return;
	}
	fprintf(f, "<td class=\"no\">NO (%s%s%s%s%s)</td>",
	        c->verified ? "" : "output",
	        !c->verified && (c->diffs || !c->cycles_ok) ? ", " : "",
	        c->diffs ? "counts" : "", c->diffs && !c->cycles_ok ? ", " : "",
	        c->cycles_ok ? "" : "cycles");
}

/* sim --network: dataflow k's table, a row per layer. */
static void sim_table(FILE *f, const NetSim *ns, int k)
{
	static const char *const cols[] = {
		"layer", "repeat", "MACs", "design", "model cycles", "RTL cycles",
		"RTL/model", "utilization", "energy uJ", "pJ/MAC", "verified"};
	const NetDataflow *d = &ns->df[k];
	const NetSimTotal *t = &d->tot;
	fputs("<div class=\"scroll\"><table>\n", f);
	th(f, cols, "lrrlrrrrrrl");
	for (int i = 0; i < ns->net->nlayers; i++) {
		const NetRun *r = &d->run[i];
		fputs(r->state == RUN_RAN ? "<tr>" : "<tr class=\"unmapped\">", f);
		layer_cells(f, &ns->net->layer[i], 0);
		if (r->design < 0)
			fputs("<td>-</td>", f);
		else
			fprintf(f, "<td>d%d</td>", r->design + 1);
		if (r->state != RUN_RAN) {
			unmapped_cells(f, mark_of(ns, k, i, 1), r->why, 6);
			continue;
		}
		const SimCheck *c = &r->c;
		fprintf(f, "<td>%ld</td><td>%ld</td><td>%.4f</td><td>%.1f%%</td>"
		        "<td>%.3f</td><td>%.3f</td>", c->ht.cycles, c->m.cycles,
		        c->ratio, 100 * c->m.utilization, c->m.e_total / 1e6,
		        c->m.pj_per_mac);
		verdict(f, c);
		fputs("</tr>\n", f);
	}
	fprintf(f, "<tr class=\"total\"><td class=\"l\">%s</td><td>%ld</td>"
	        "<td>%ld</td><td></td><td>%ld</td><td>%ld</td><td>%.4f</td>"
	        "<td>%.1f%%</td><td>%.3f</td><td>%.3f</td><td>%d of %d</td></tr>"
	        "\n</table></div>\n", t->entries < ns->net->nlayers ? "ran"
	        : "total", t->layers, t->macs, t->model_cycles, t->cycles,
	        t->model_cycles ? (double)t->cycles / (double)t->model_cycles : 0,
	        100 * t->utilization, t->energy / 1e6, t->pj_per_mac, t->verified,
	        t->entries);
}

/* ---- charts ---- */

/* Dataflow k's energy per MAC of every layer, by level and by tensor. */
static void energy_charts(FILE *f, const NetSim *ns, int k, int sim)
{
	const Network *net = ns->net;
	const NetDataflow *d = &ns->df[k];
	const char **rows = zalloc((size_t)net->nlayers, sizeof *rows);
	const char **mark = zalloc((size_t)net->nlayers, sizeof *mark);
	double *v = zalloc((size_t)net->nlayers * MAXSER, sizeof *v);
	for (int by = BY_LEVEL; by <= BY_TENSOR; by++) {
		const char *names[MAXSER], *cols[MAXSER];
		int ns_ = series_names(d, by, names, cols);
		for (int i = 0; i < net->nlayers; i++) {
			const Model *m = figures(ns, k, i, sim);
			rows[i] = net->layer[i].name;
			mark[i] = mark_of(ns, k, i, sim);
			if (m)
				split(&d->p->arch, m, by, 1 / (double)m->macs,
				      v + i * ns_);
			else
				for (int s = 0; s < ns_; s++)
					v[i * ns_ + s] = NAN;
		}
		SvgHBars c = {.unit = "pJ per MAC", .nrows = net->nlayers,
		              .rows = rows, .mark = mark, .nseries = ns_,
		              .series = names, .colors = cols, .v = v,
		              .stacked = 1};
		html_chart(f, by == BY_LEVEL ? "Energy per MAC by memory level, "
		           "each layer" : "Energy per MAC by tensor, each layer",
		           by == BY_LEVEL ? "Each layer's energy over its MACs, "
		           "split by where it is spent: the accesses to each memory "
		           "level (all tensors), the transfers between PEs (NoC) and "
		           "the MACs; the total at the end of each bar."
		           : "The same energy split by tensor: the accesses to each "
		           "tensor at every level, the NoC and the MACs.", &c);
	}
	free(rows);
	free(mark);
	free(v);
}

/* sim: dataflow k's cycles per layer, the model's timing of the
 * hardware against what the RTL took. */
static void cycles_chart(FILE *f, const NetSim *ns, int k)
{
	const Network *net = ns->net;
	const NetDataflow *d = &ns->df[k];
	int n = net->nlayers;
	const char **rows = zalloc((size_t)n, sizeof *rows);
	const char **mark = zalloc((size_t)n, sizeof *mark);
	const char **right = zalloc((size_t)n, sizeof *right);
	char (*ratio)[32] = zalloc((size_t)n, sizeof *ratio);
	double *v = zalloc((size_t)n * 2, sizeof *v);
	static const char *const names[] = {"model", "RTL (Verilator)"};
	for (int i = 0; i < n; i++) {
		const NetRun *r = &d->run[i];
		rows[i] = net->layer[i].name;
		mark[i] = mark_of(ns, k, i, 1);
		v[2 * i] = mark[i] ? NAN : (double)r->c.ht.cycles;
		v[2 * i + 1] = mark[i] ? NAN : (double)r->c.m.cycles;
		snprintf(ratio[i], sizeof ratio[i], "%.4fx", r->c.ratio);
		right[i] = mark[i] ? NULL : ratio[i];
	}
	SvgHBars c = {.unit = "cycles of one run of the layer", .nrows = n,
	              .rows = rows, .mark = mark, .right = right, .nseries = 2,
	              .series = names, .v = v, .log = 1};
	char cap[256];
	snprintf(cap, sizeof cap, "The cycles the model predicts for the "
	         "hardware tessera builds, and those the simulated RTL took; "
	         "after each pair, RTL over model (checked within [%.2f, %.2f]).",
	         SIM_CYCLES_LO, SIM_CYCLES_HI);
	html_chart(f, "Cycles, model against RTL, each layer", cap, &c);
	free(rows);
	free(mark);
	free(right);
	free(ratio);
	free(v);
}

/* The network's energy per dataflow (the layers with figures, each
 * `repeat` times), by level and by tensor: one bar per dataflow. */
static void totals_charts(FILE *f, const NetSim *ns, int sim)
{
	const Network *net = ns->net;
	const char **rows = zalloc((size_t)ns->ndf, sizeof *rows);
	const char **mark = zalloc((size_t)ns->ndf, sizeof *mark);
	enum { MAXU = MAXSER * 8 };
	double *v = zalloc((size_t)ns->ndf * MAXU, sizeof *v);
	for (int by = BY_LEVEL; by <= BY_TENSOR; by++) {
		const char *names[MAXU], *cols[MAXU], *own[MAXSER], *oc[MAXSER];
		int nn = 0;
		/* the union of the dataflows' series, NoC and MAC last; a name's
		 * colour is that of the first dataflow that has it */
		for (int k = 0; k < ns->ndf; k++) {
			int no = ns->df[k].ok ? series_names(&ns->df[k], by, own, oc)
			                      : 0;
			for (int s = 0; s < no - 2 && nn < MAXU - 2; s++) {
				int had = nn, at = name_index(names, &nn, own[s]);
				if (nn > had)
					cols[at] = oc[s];
			}
		}
		cols[nn] = svg_level_color(SVG_NOC, 0);
		names[nn++] = "NoC";
		cols[nn] = svg_level_color(SVG_MAC, 0);
		names[nn++] = "MAC";
		for (int k = 0; k < ns->ndf; k++) {
			const NetDataflow *d = &ns->df[k];
			rows[k] = df_name(ns, k);
			mark[k] = d->ok ? NULL : "did not load";
			for (int s = 0; s < nn; s++)
				v[k * nn + s] = 0;
			int no = d->ok ? series_names(d, by, own, oc) : 0;
			for (int i = 0; d->ok && i < net->nlayers; i++) {
				const Model *m = figures(ns, k, i, sim);
				double part[MAXSER];
				if (!m)
					continue;
				split(&d->p->arch, m, by, (double)net->layer[i].repeat / 1e6,
				      part);
				for (int s = 0; s < no; s++) {
					int at = s >= no - 2 ? nn - (no - s)
					                     : name_index(names, &nn, own[s]);
					v[k * nn + at] += part[s];
				}
			}
		}
		SvgHBars c = {.unit = "uJ, the whole network", .nrows = ns->ndf,
		              .rows = rows, .mark = mark, .nseries = nn,
		              .series = names, .colors = cols, .v = v,
		              .stacked = 1};
		html_chart(f, by == BY_LEVEL ? "Network energy by memory level, "
		           "each dataflow" : "Network energy by tensor, each "
		           "dataflow", sim ? "Over the layers that ran under each "
		           "dataflow, each counted as many times as the network runs it (its repeat)." : "Over the layers "
		           "each dataflow maps, each counted as many times as the network runs it (its repeat).", &c);
	}
	free(rows);
	free(mark);
	free(v);
}

/* The layers compared across dataflows: pJ/MAC and cycles of each
 * layer under each dataflow, side by side. */
static void compare_charts(FILE *f, const NetSim *ns, int sim)
{
	const Network *net = ns->net;
	int n = net->nlayers;
	const char **rows = zalloc((size_t)n, sizeof *rows);
	const char **mark = zalloc((size_t)n, sizeof *mark);
	const char **right = zalloc((size_t)n, sizeof *right);
	char (*missing)[48] = zalloc((size_t)n, sizeof *missing);
	const char **names = zalloc((size_t)ns->ndf, sizeof *names);
	double *v = zalloc((size_t)(n * ns->ndf), sizeof *v);
	for (int k = 0; k < ns->ndf; k++)
		names[k] = df_name(ns, k);
	for (int what = 0; what < 2; what++) {
		for (int i = 0; i < n; i++) {
			int any = 0;
			rows[i] = net->layer[i].name;
			for (int k = 0; k < ns->ndf; k++) {
				const Model *m = figures(ns, k, i, sim);
				v[i * ns->ndf + k] = !m ? NAN : what ? (double)m->cycles
				                                     : m->pj_per_mac;
				any += m != NULL;
			}
			mark[i] = any ? NULL : sim ? "ran under no dataflow"
			                           : "mapped by no dataflow";
			snprintf(missing[i], sizeof missing[i], "%s under %d of %d",
			         sim ? "not run" : "not mapped", ns->ndf - any, ns->ndf);
			right[i] = any && any < ns->ndf ? missing[i] : NULL;
		}
		SvgHBars c = {.unit = what ? "cycles of one run of the layer"
		              : "pJ per MAC", .nrows = n, .rows = rows, .mark = mark,
		              .right = right, .nseries = ns->ndf, .series = names,
		              .v = v, .log = what};
		html_chart(f, what ? "Cycles of each layer, each dataflow"
		           : "Energy per MAC of each layer, each dataflow",
		           "A missing bar: the dataflow has no figures for the "
		           "layer (see its table).", &c);
	}
	free(rows);
	free(mark);
	free(right);
	free(missing);
	free(names);
	free(v);
}

/* ---- the page ---- */

/* The totals of every dataflow, over the layers each has figures for. */
static void totals_table(FILE *f, const NetSim *ns, int sim)
{
	static const char *const cols[] = {
		"dataflow", "arch", "PEs", "layers", "MACs", "cycles",
		"utilization", "energy uJ", "pJ/MAC"};
	fputs("<div class=\"scroll\"><table>\n", f);
	th(f, cols, "llrrrrrrr");
	for (int k = 0; k < ns->ndf; k++) {
		const NetDataflow *d = &ns->df[k];
		fputs(d->ok ? "<tr>" : "<tr class=\"unmapped\">", f);
		td_text(f, "l", df_name(ns, k));
		if (!d->ok) {
			unmapped_cells(f, "did not load", "its error is on stderr", 6);
			continue;
		}
		td_text(f, "l", d->p->arch.name ? d->p->arch.name : "baseline");
		int have = sim ? d->tot.entries : ns->net->nlayers - d->model.unmapped;
		fprintf(f, "<td>%ld</td><td>%d of %d</td>", arch_pes(&d->p->arch),
		        have, ns->net->nlayers);
		if (sim)
			fprintf(f, "<td>%ld</td><td>%ld</td><td>%.1f%%</td><td>%.3f</td>"
			        "<td>%.3f</td></tr>\n", d->tot.macs, d->tot.cycles,
			        100 * d->tot.utilization, d->tot.energy / 1e6,
			        d->tot.pj_per_mac);
		else
			fprintf(f, "<td>%ld</td><td>%ld</td><td>%.1f%%</td><td>%.3f</td>"
			        "<td>%.3f</td></tr>\n", d->model.macs, d->model.cycles,
			        100 * d->model.utilization, d->model.energy / 1e6,
			        d->model.pj_per_mac);
	}
	fputs("</table></div>\n", f);
}

/* Several dataflows: their totals over the layers every one of them
 * has figures for (cmp: model --network's, per dataflow). */
static void compare_section(FILE *f, const NetSim *ns, int sim,
                            const NetTotal *cmp)
{
	static const char *const cols[] = {
		"dataflow", "energy uJ", "pJ/MAC", "energy / least", "cycles",
		"utilization"};
	double least = INFINITY;
	double *e = zalloc((size_t)ns->ndf, sizeof *e);
	for (int k = 0; k < ns->ndf; k++) {
		NetSimTotal t;
		if (sim && ns->df[k].ok)
			netsim_total(ns, &ns->df[k], ns->common, &t);
		e[k] = !ns->df[k].ok ? NAN : sim ? t.energy : cmp[k].energy;
		least = e[k] < least ? e[k] : least;
	}
	fputs("<h2>Dataflow comparison</h2>\n", f);
	if (!ns->ncommon)
		fprintf(f, "<p class=\"no\">No layer is %s by every dataflow: "
		        "there are no totals to compare (each layer's figures are "
		        "below, side by side).</p>\n", sim ? "run" : "mapped");
	else
		fprintf(f, "<p>Over the %d of %d layers every dataflow %s; each "
		        "dataflow's totals over those only.</p>\n<div class=\""
		        "scroll\"><table>\n", ns->ncommon, ns->net->nlayers,
		        sim ? "ran" : "maps");
	if (ns->ncommon)
		th(f, cols, "lrrrrr");
	for (int k = 0; ns->ncommon && k < ns->ndf; k++) {
		if (!ns->df[k].ok)
			continue;
		NetSimTotal t;
		long cycles;
		double ppm, util;
		if (sim) {
			netsim_total(ns, &ns->df[k], ns->common, &t);
			cycles = t.cycles;
			ppm = t.pj_per_mac;
			util = t.utilization;
		} else {
			cycles = cmp[k].cycles;
			ppm = cmp[k].pj_per_mac;
			util = cmp[k].utilization;
		}
		fputs("<tr>", f);
		td_text(f, "l", df_name(ns, k));
		fprintf(f, "<td>%.3f</td><td>%.3f</td><td>%.3f</td><td>%ld</td>"
		        "<td>%.1f%%</td></tr>\n", e[k] / 1e6, ppm,
		        least > 0 ? e[k] / least : 0, cycles, 100 * util);
	}
	if (ns->ncommon)
		fputs("</table></div>\n", f);
	compare_charts(f, ns, sim);
	free(e);
}

/* How many layers have no figures, under the table. */
static void left_note(FILE *f, const NetSim *ns, int k, int sim)
{
	int n = 0;
	for (int i = 0; i < ns->net->nlayers; i++)
		n += !figures(ns, k, i, sim);
	if (n)
		fprintf(f, "<p class=\"note\">%d of %d layers %s; the totals leave "
		        "them out (the reasons are in the table).</p>\n", n,
		        ns->net->nlayers, sim ? "did not run" : "did not map");
}

static void dataflow_section(FILE *f, const NetSim *ns, int k, int sim)
{
	const NetDataflow *d = &ns->df[k];
	const Arch *a = &d->p->arch;
	fputs("<h2>Dataflow ", f);
	html_esc(f, d->file);
	fputs("</h2>\n<p>Architecture ", f);
	html_esc(f, a->name ? a->name : "baseline");
	fputs(": ", f);
	if (a->ndims > 1)
		fprintf(f, "%ldx%ld PEs", a->dim[0], a->dim[1]);
	else
		fprintf(f, "%ld PEs", a->dim[0]);
	for (int lv = 0; lv < a->nlevels; lv++) {
		fputs(lv ? ", " : "; levels ", f);
		html_esc(f, a->level[lv].name);
		if (a->level[lv].bytes)
			fprintf(f, " %ld B%s", a->level[lv].bytes,
			        a->level[lv].per_pe ? " per PE" : "");
		fprintf(f, " (%.3g pJ)", a->level[lv].pj);
	}
	fputs(".</p>\n", f);
	if (sim)
		sim_table(f, ns, k);
	else
		model_table(f, ns, k);
	left_note(f, ns, k, sim);
	if (sim)
		cycles_chart(f, ns, k);
	energy_charts(f, ns, k, sim);
}

/* sim: the distinct designs, and the layers that use each. */
static void designs_table(FILE *f, const NetSim *ns)
{
	static const char *const cols[] = {"design", "dataflow", "layers",
	                                   "build"};
	fprintf(f, "<h2>Designs</h2>\n<p>%d distinct designs: layers whose "
	        "Verilog is the same share one build.</p>\n<div class=\"scroll\">"
	        "<table>\n", ns->nd);
	th(f, cols, "llll");
	for (int j = 0; j < ns->nd; j++) {
		const NetBuild *b = &ns->d[j].b;
		fprintf(f, "<tr><td class=\"l\">d%d</td>", j + 1);
		td_text(f, "l", ns->df[ns->d[j].df].file);
		fputs("<td class=\"why\">", f);
		for (int k = 0, n = 0; k < ns->ndf; k++)
			for (int i = 0; ns->df[k].ok && i < ns->net->nlayers; i++)
				if (ns->df[k].run[i].design == j) {
					fputs(n++ ? ", " : "", f);
					html_esc(f, ns->net->layer[i].name);
				}
		fputs("</td>", f);
		if (b->ok) {
			fprintf(f, "<td class=\"l\">%s in %.1f s</td></tr>\n",
			        b->built ? "built" : "found built", b->seconds);
		} else {
			fputs("<td class=\"why no\">the build failed: ", f);
			html_esc(f, b->err);
			fputs("</td></tr>\n", f);
		}
	}
	fputs("</table></div>\n", f);
}

void netpage_write(FILE *f, const NetSim *ns, int sim, const NetTotal *cmp,
                   const char *cmd)
{
	const Network *net = ns->net;
	char title[256];
	long macs = 0, runs = 0;
	for (int i = 0; i < net->nlayers; i++) {
		macs += net->layer[i].layer.macs * net->layer[i].repeat;
		runs += net->layer[i].repeat;
	}
	snprintf(title, sizeof title, "Network %s: %s", net->name, sim
	         ? "simulated layer by layer" : "the model, layer by layer");
	html_begin(f, title, cmd);
	fprintf(f, "<p>%d layers (%ld with repeats), %ld MACs. Each dataflow "
	        "file's schedule and architecture applied to every layer%s; "
	        "totals count each layer <code>repeat</code> times.</p>\n",
	        net->nlayers, runs, macs, sim ? ", each layer's hardware built "
	        "with Verilator, simulated on random inputs and checked against "
	        "the CPU bit for bit, its counts against the model's" : "");
	fputs("<h2>Totals per dataflow</h2>\n", f);
	totals_table(f, ns, sim);
	totals_charts(f, ns, sim);
	if (ns->ndf > 1)
		compare_section(f, ns, sim, cmp);
	for (int k = 0; k < ns->ndf; k++)
		if (ns->df[k].ok)
			dataflow_section(f, ns, k, sim);
	if (sim)
		designs_table(f, ns);
	html_end(f);
}
