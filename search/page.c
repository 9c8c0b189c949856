/* page.c - the HTML page (--html DIR) of `search FILE --network NET`:
 * its table, every layer's best schedule on FILE's architecture (and,
 * with --hierarchy, on the hierarchy chosen for the network), with
 * charts: each layer's energy per MAC by memory level and by tensor,
 * and baseline against hierarchy.  Every layer is a row of every table
 * and chart, those without a schedule marked.  The frame of the page is
 * runtime/html.c's.
 */
#include "search.h"
#include "../runtime/html.h"

#include <math.h>
#include <stdlib.h>

enum { MAXSER = MAX_LEVELS + NTENSORS + 2 };

static void *zalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);
	if (!p)
		die_oom("for the HTML report");
	return p;
}

/* One side's cells of a layer's row (the best on arch a). */
static void cells(FILE *f, const NetLayer *nl, const Arch *a,
                  const NetBest *b)
{
	if (!b->found) {
		fputs("<td class=\"l\" colspan=\"4\">no schedule</td>", f);
		return;
	}
	fprintf(f, "<td>%.4f</td><td>%ld</td><td>%.1f%%</td><td>%s</td>",
	        b->r.m.pj_per_mac, b->r.m.cycles, 100 * b->r.m.utilization,
	        net_layer_builds(nl, a, b) ? "yes" : "no");
}

static void table(FILE *f, const NetPage *pg)
{
	const Network *net = pg->net;
	fputs("<div class=\"scroll\"><table>\n<tr><th class=\"l\">layer</th>"
	      "<th>MACs</th><th>repeat</th><th>pJ/MAC</th><th>cycles</th>"
	      "<th>utilization</th><th>RTL</th>", f);
	if (pg->opt)
		fputs("<th>hierarchy pJ/MAC</th><th>cycles</th><th>utilization</th>"
		      "<th>RTL</th><th>less energy</th>", f);
	fputs("</tr>\n", f);
	for (int i = 0; i < net->nlayers; i++) {
		const NetLayer *nl = &net->layer[i];
		int found = pg->base[i].found && (!pg->opt || pg->opt[i].found);
		fputs(found ? "<tr><td class=\"l\">" : "<tr class=\"unmapped\">"
		      "<td class=\"l\">", f);
		html_esc(f, nl->name);
		fprintf(f, "</td><td>%ld</td><td>%ld</td>", nl->layer.macs,
		        nl->repeat);
		cells(f, nl, pg->arch, &pg->base[i]);
		if (pg->opt) {
			cells(f, nl, pg->harch, &pg->opt[i]);
			if (found)
				fprintf(f, "<td>%.2fx</td>", pg->base[i].r.m.e_total /
				        pg->opt[i].r.m.e_total);
			else
				fputs("<td>-</td>", f);
		}
		fputs("</tr>\n", f);
	}
	fputs("</table></div>\n<p class=\"note\">RTL: whether the Verilog "
	      "backend builds the schedule.</p>\n", f);
}

/* Each layer's energy per MAC on arch a (results b), by level or by
 * tensor. */
static void energy_chart(FILE *f, const NetPage *pg, const Arch *a,
                         const NetBest *b, int by_tensor, const char *title)
{
	const Network *net = pg->net;
	int n = net->nlayers, ns = 0;
	const char *names[MAXSER], *cols[MAXSER];
	if (by_tensor)
		for (int t = 0; t < NTENSORS; t++) {
			cols[ns] = svg_color(t);
			names[ns++] = net->layer[0].layer.t[t].name;
		}
	else
		for (int lv = 0; lv < a->nlevels; lv++) {
			cols[ns] = svg_level_color(lv, a->nlevels);
			names[ns++] = a->level[lv].name;
		}
	cols[ns] = svg_level_color(SVG_NOC, a->nlevels);
	names[ns++] = "NoC";
	cols[ns] = svg_level_color(SVG_MAC, a->nlevels);
	names[ns++] = "MAC";
	const char **rows = zalloc((size_t)n, sizeof *rows);
	const char **mark = zalloc((size_t)n, sizeof *mark);
	double *v = zalloc((size_t)n * ns, sizeof *v);
	for (int i = 0; i < n; i++) {
		const Model *m = &b[i].r.m;
		double *row = v + i * ns;
		int k = 0;
		rows[i] = net->layer[i].name;
		mark[i] = b[i].found ? NULL : "no schedule";
		if (!b[i].found) {
			for (int s = 0; s < ns; s++)
				row[s] = NAN;
			continue;
		}
		double per = 1 / (double)m->macs;
		if (by_tensor)
			for (int t = 0; t < NTENSORS; t++) {
				double e = 0;
				for (int lv = 0; lv < a->nlevels; lv++)
					e += m->e_level_tensor[lv][t];
				row[k++] = e * per;
			}
		else
			for (int lv = 0; lv < a->nlevels; lv++)
				row[k++] = m->e_level[lv] * per;
		row[k++] = m->e_noc * per;
		row[k++] = m->e_mac * per;
	}
	SvgHBars c = {.unit = "pJ per MAC", .nrows = n, .rows = rows,
	              .mark = mark, .nseries = ns, .series = names,
	              .colors = cols, .v = v, .stacked = 1};
	html_chart(f, title, by_tensor ? "The same energy split by tensor: "
	           "the accesses to each tensor at every level, the NoC and the "
	           "MACs." : "Each layer's energy over its MACs, split by where "
	           "it is spent: each memory level (all tensors), the transfers "
	           "between PEs (NoC) and the MACs; the total at the end of each "
	           "bar.", &c);
	free(rows);
	free(mark);
	free(v);
}

/* Baseline against hierarchy, each layer's pJ/MAC side by side. */
static void gain_chart(FILE *f, const NetPage *pg)
{
	const Network *net = pg->net;
	int n = net->nlayers;
	const char **rows = zalloc((size_t)n, sizeof *rows);
	const char **mark = zalloc((size_t)n, sizeof *mark);
	double *v = zalloc((size_t)n * 2, sizeof *v);
	for (int i = 0; i < n; i++) {
		int found = pg->base[i].found && pg->opt[i].found;
		rows[i] = net->layer[i].name;
		mark[i] = found ? NULL : "no schedule";
		v[2 * i] = found ? pg->base[i].r.m.pj_per_mac : NAN;
		v[2 * i + 1] = found ? pg->opt[i].r.m.pj_per_mac : NAN;
	}
	static const char *const names[] = {"file's architecture",
	                                    "hierarchy chosen"};
	SvgHBars c = {.unit = "pJ per MAC", .nrows = n, .rows = rows,
	              .mark = mark, .nseries = 2, .series = names, .v = v};
	html_chart(f, "Energy per MAC of each layer: the file's architecture "
	           "against the hierarchy chosen", NULL, &c);
	free(rows);
	free(mark);
	free(v);
}

void search_net_page(FILE *f, const NetPage *pg)
{
	const Network *net = pg->net;
	const NetSum *sb = pg->sb;
	char title[256];
	snprintf(title, sizeof title, "Search: network %s, each layer's best "
	         "schedule", net->name);
	html_begin(f, title, pg->cmd);
	fputs("<p>Every layer's best schedule on the architecture and dataflow "
	      "of ", f);
	html_esc(f, pg->file);
	fprintf(f, ": %.4f pJ/MAC, %.4g pJ, %.4g cycles over the %d of %d "
	        "layers with a schedule, each counted as many times as the "
	        "network runs it (%ld schedules evaluated in %.2f s).</p>\n",
	        sb->pj_per_mac, sb->energy, sb->cycles,
	        net->nlayers - sb->missing, net->nlayers, sb->evaluated,
	        sb->seconds);
	if (pg->opt) {
		fputs("<p>The hierarchy chosen for the whole network (of ", f);
		fprintf(f, "%d): ", pg->ncand);
		html_esc(f, pg->hdesc);
		fprintf(f, ": %.4f pJ/MAC, %.4g cycles; %.2fx less energy.</p>\n",
		        pg->so->pj_per_mac, pg->so->cycles,
		        sb->energy / pg->so->energy);
	}
	if (sb->missing)
		fprintf(f, "<p class=\"note\">%d of %d layers have no schedule on "
		        "this architecture (marked); the totals leave them out."
		        "</p>\n", sb->missing, net->nlayers);
	fputs("<h2>Layers</h2>\n", f);
	table(f, pg);
	if (pg->opt)
		gain_chart(f, pg);
	fputs("<h2>Energy on the file's architecture</h2>\n", f);
	energy_chart(f, pg, pg->arch, pg->base, 0, "Energy per MAC by memory "
	             "level, each layer");
	energy_chart(f, pg, pg->arch, pg->base, 1, "Energy per MAC by tensor, "
	             "each layer");
	if (pg->opt) {
		fputs("<h2>Energy on the hierarchy chosen</h2>\n", f);
		energy_chart(f, pg, pg->harch, pg->opt, 0, "Energy per MAC by "
		             "memory level, each layer");
		energy_chart(f, pg, pg->harch, pg->opt, 1, "Energy per MAC by "
		             "tensor, each layer");
	}
	html_end(f);
}
