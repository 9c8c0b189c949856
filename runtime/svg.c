/* svg.c - grouped bar charts as plain SVG, for the tables that
 * `tessera study` writes into docs/: one group of bars per layer, one bar
 * per series (dataflow, or baseline and optimized hierarchy), a value
 * axis from zero with round ticks, and a legend.  Missing values (NAN)
 * leave a gap.  Deterministic output: fixed sizes, fixed number format;
 * every string escaped.
 */
#include "svg.h"

#include <math.h>
#include <string.h>

static const char *const colors[] = {"#4e79a7", "#f28e2b", "#e15759",
                                     "#76b7b2", "#59a14f", "#edc948",
                                     "#b07aa1", "#ff9da7", "#9c755f"};

void svg_esc(FILE *f, const char *s)
{
	for (; *s; s++)
		if (*s == '<')
			fputs("&lt;", f);
		else if (*s == '>')
			fputs("&gt;", f);
		else if (*s == '&')
			fputs("&amp;", f);
		else if (*s == '"')
			fputs("&quot;", f);
		else if (*s == '\'')
			fputs("&#39;", f);
		else
			fputc(*s, f);
}

const char *svg_color(int s)
{
	return colors[s % 9];
}

/* A tick step of 1, 2 or 5 times a power of ten giving about 5 ticks. */
static double tick_step(double top)
{
	double raw = top / 5, p = pow(10, floor(log10(raw)));
	double m = raw / p;
	return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

void svg_bars(FILE *f, const char *title, const char *ylabel, int ngroups,
              const char *const *groups, int nseries,
              const char *const *series, const double *v)
{
	double top = 0;
	for (int i = 0; i < ngroups * nseries; i++)
		if (!isnan(v[i]) && v[i] > top)
			top = v[i];
	if (top <= 0)
		top = 1;
	double step = tick_step(top);
	top = ceil(top / step) * step;
	int bw = 12, gap = 14, left = 60, right = 20, topm = 40, plot_h = 260;
	int gw = nseries * bw + gap;
	int width = left + ngroups * gw + right;
	if (width < 420)
		width = 420;
	int legend_h = 18 * ((nseries + 3) / 4);
	int height = topm + plot_h + 70 + legend_h;
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
	        "height=\"%d\" font-family=\"sans-serif\" font-size=\"11\">\n",
	        width, height);
	fprintf(f, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n", width,
	        height);
	fprintf(f, "<text x=\"%d\" y=\"20\" font-size=\"14\">", left);
	svg_esc(f, title);
	fputs("</text>\n", f);
	for (double t = 0; t <= top + step / 2; t += step) {
		double y = topm + plot_h - t / top * plot_h;
		fprintf(f, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" "
		        "stroke=\"#ddd\"/>\n<text x=\"%d\" y=\"%.1f\" "
		        "text-anchor=\"end\">%g</text>\n", left, width - right, y, y,
		        left - 4, y + 4, t);
	}
	fprintf(f, "<text transform=\"translate(14,%d) rotate(-90)\" "
	        "text-anchor=\"middle\">", topm + plot_h / 2);
	svg_esc(f, ylabel);
	fputs("</text>\n", f);
	for (int g = 0; g < ngroups; g++) {
		int x0 = left + g * gw + gap / 2;
		for (int s = 0; s < nseries; s++) {
			double val = v[g * nseries + s];
			if (isnan(val))
				continue;
			double h = val / top * plot_h;
			fprintf(f, "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%.1f\" "
			        "fill=\"%s\"><title>", x0 + s * bw, topm + plot_h - h,
			        bw - 1, h, svg_color(s));
			svg_esc(f, groups[g]);
			fputs(", ", f);
			svg_esc(f, series[s]);
			fprintf(f, ": %.3f</title></rect>\n", val);
		}
		fprintf(f, "<text transform=\"translate(%d,%d) rotate(-45)\" "
		        "text-anchor=\"end\">", x0 + nseries * bw / 2,
		        topm + plot_h + 12);
		svg_esc(f, groups[g]);
		fputs("</text>\n", f);
	}
	for (int s = 0; s < nseries; s++) {
		int x = left + (s % 4) * 150, y = topm + plot_h + 62 + 18 * (s / 4);
		fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" "
		        "fill=\"%s\"/><text x=\"%d\" y=\"%d\">", x, y - 9,
		        svg_color(s), x + 14, y);
		svg_esc(f, series[s]);
		fputs("</text>\n", f);
	}
	fputs("</svg>\n", f);
}
