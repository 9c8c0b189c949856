/* studypage.c - the HTML page of `tessera study` (--html DIR): the
 * tables and charts of study.c's Markdown file, every layer studied a
 * row, those without a schedule marked (runtime/html.c).
 */
#include "study.h"
#include "../runtime/html.h"

#include <math.h>
#include <stdlib.h>

/* study dataflows' page: the table and a chart of every layer's pJ/MAC
 * under every dataflow (v, u: pJ/MAC and utilization, NAN: not mapped). */
void study_dataflows_page(const Study *s, int nrow, const char **rows,
                          const double *v, const double *u,
                          const char *summary)
{
	FILE *f = s->page;
	html_begin(f, "Study: dataflows with their best blocking", s->cmd);
	fprintf(f, "<p>Energy in pJ/MAC of each layer's best schedule under "
	        "each dataflow (the loops each file unrolls, on its "
	        "architecture), utilization in brackets, of %s; a dataflow "
	        "that does not map a layer is marked. The spread is the worst "
	        "dataflow's energy over the best's, among the dataflows that map "
	        "the layer. ", s->all_layers ? "every layer" : "the convolutions "
	        "(--all-layers: every layer)");
	html_esc(f, summary);
	fputs("</p>\n<div class=\"scroll\"><table>\n<tr><th class=\"l\">layer"
	      "</th>", f);
	for (int k = 0; k < s->ndf; k++) {
		fputs("<th>", f);
		html_esc(f, s->df[k].name);
		fputs("</th>", f);
	}
	fputs("<th>spread</th></tr>\n", f);
	const char **mark = calloc((size_t)nrow + 1, sizeof *mark);
	const char **right = calloc((size_t)nrow + 1, sizeof *right);
	char (*miss)[48] = calloc((size_t)nrow + 1, sizeof *miss);
	if (!mark || !right || !miss)
		die_oom("for the HTML report");
	for (int r = 0; r < nrow; r++) {
		double lo = INFINITY, hi = 0;
		int n = 0;
		for (int k = 0; k < s->ndf; k++)
			if (!isnan(v[r * s->ndf + k])) {
				double x = v[r * s->ndf + k];
				lo = x < lo ? x : lo;
				hi = x > hi ? x : hi;
				n++;
			}
		mark[r] = n ? NULL : "mapped by no dataflow";
		snprintf(miss[r], sizeof miss[r], "not mapped under %d of %d",
		         s->ndf - n, s->ndf);
		right[r] = n && n < s->ndf ? miss[r] : NULL;
		fputs(n ? "<tr><td class=\"l\">" : "<tr class=\"unmapped\">"
		      "<td class=\"l\">", f);
		html_esc(f, rows[r]);
		fputs("</td>", f);
		for (int k = 0; k < s->ndf; k++) {
			double x = v[r * s->ndf + k];
			if (isnan(x))
				fputs("<td class=\"no\">not mapped</td>", f);
			else
				fprintf(f, "<td>%.3f (%.0f%%)</td>", x,
				        100 * u[r * s->ndf + k]);
		}
		if (n >= 2)
			fprintf(f, "<td>%.2fx</td></tr>\n", hi / lo);
		else
			fputs("<td>-</td></tr>\n", f);
	}
	fputs("</table></div>\n", f);
	const char *series[MAXF];
	for (int k = 0; k < s->ndf; k++)
		series[k] = s->df[k].name;
	SvgHBars c = {.unit = "pJ per MAC", .nrows = nrow, .rows = rows,
	              .mark = mark, .right = right, .nseries = s->ndf,
	              .series = series, .v = v};
	html_chart(f, "Energy of each layer's best schedule under each dataflow",
	           "A missing bar: the dataflow does not map the layer.", &c);
	html_end(f);
	free(mark);
	free(right);
	free(miss);
}

/* study hierarchy's page: network net's section, every layer on the
 * baseline (base) and on the hierarchy chosen (opt). */
void study_hier_page(const Study *s, const Network *net, const NetBest *base,
                     const NetBest *opt, const char *summary)
{
	FILE *f = s->page;
	int n = net->nlayers;
	const char **rows = calloc((size_t)n, sizeof *rows);
	const char **mark = calloc((size_t)n, sizeof *mark);
	double *v = calloc((size_t)n * 2, sizeof *v);
	if (!rows || !mark || !v)
		die_oom("for the HTML report");
	fputs("<h2>", f);
	html_esc(f, net->name);
	fputs("</h2>\n<p>", f);
	html_esc(f, summary);
	fputs("</p>\n<div class=\"scroll\"><table>\n<tr><th class=\"l\">layer"
	      "</th><th>baseline pJ/MAC</th><th>cycles</th><th>optimized pJ/MAC"
	      "</th><th>cycles</th><th>less energy</th></tr>\n", f);
	for (int i = 0; i < n; i++) {
		const NetLayer *nl = &net->layer[i];
		int found = base[i].found && opt[i].found;
		rows[i] = nl->name;
		mark[i] = found ? NULL : "no schedule";
		fputs(found ? "<tr><td class=\"l\">" : "<tr class=\"unmapped\">"
		      "<td class=\"l\">", f);
		html_esc(f, nl->name);
		if (!found) {
			fputs("</td><td class=\"l\" colspan=\"5\">no schedule "
			      "found</td></tr>\n", f);
			v[2 * i] = v[2 * i + 1] = NAN;
			continue;
		}
		const Model *mb = &base[i].r.m, *mo = &opt[i].r.m;
		fprintf(f, "</td><td>%.3f</td><td>%ld</td><td>%.3f</td><td>%ld</td>"
		        "<td>%.2fx</td></tr>\n", mb->pj_per_mac, mb->cycles,
		        mo->pj_per_mac, mo->cycles, mb->e_total / mo->e_total);
		v[2 * i] = mb->pj_per_mac;
		v[2 * i + 1] = mo->pj_per_mac;
	}
	fputs("</table></div>\n", f);
	static const char *const series[] = {"baseline", "optimized hierarchy"};
	SvgHBars c = {.unit = "pJ per MAC", .nrows = n, .rows = rows,
	              .mark = mark, .nseries = 2, .series = series, .v = v};
	html_chart(f, "Baseline against the optimized memory hierarchy, each "
	           "layer", NULL, &c);
	free(rows);
	free(mark);
	free(v);
}
