/* svg.c - bar charts as plain SVG.  svg_bars: the grouped vertical
 * bars of the tables that `tessera study` writes into docs/ (one group
 * of bars per layer, one bar per series).  svg_hbars: the horizontal
 * bars of the HTML reports (runtime/html.c), one row per layer, stacked
 * or side by side, which stay legible for a network of any size.  Value
 * axes from zero with round ticks (or by decades), a legend, and
 * missing values (NAN) leave a gap.  Deterministic output: fixed sizes,
 * fixed number format; every string escaped.
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

const char *svg_level_color(int lv, int n)
{
	static const char *const onchip[] = {"#4e79a7", "#f28e2b", "#edc948",
	                                     "#b07aa1", "#ff9da7", "#9c755f"};
	if (lv == SVG_NOC)
		return "#76b7b2";
	if (lv == SVG_MAC)
		return "#59a14f";
	return lv == n - 1 ? "#e15759" : onchip[lv % 6];
}

/* The colour of series s of chart c. */
static const char *series_color(const SvgHBars *c, int s)
{
	return c->colors && c->colors[s] ? c->colors[s] : svg_color(s);
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

/* ---- horizontal bars (the HTML reports) ---- */

enum {
	HB_FONT = 12,        /* px */
	HB_PLOT = 560,       /* the value axis's length */
	HB_RIGHT = 100,      /* room for the text after the bars (more if
	                        a row's `right` text needs it) */
	HB_MAXLABEL = 40,    /* longer labels are shortened */
};
/* A generous width of one character at HB_FONT px (sans-serif digits and
 * capitals are the widest): labels sized by it do not overlap. */
static const double hb_char = 7.6;

/* Characters of s as a browser counts them (UTF-8 sequences as one). */
static int text_len(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* s, shortened to HB_MAXLABEL characters with an ellipsis. */
static void short_label(FILE *f, const char *s)
{
	if (text_len(s) <= HB_MAXLABEL) {
		svg_esc(f, s);
		return;
	}
	char buf[4 * HB_MAXLABEL + 8];
	size_t k = 0;
	for (int n = 0; *s && (n < HB_MAXLABEL - 1 ||
	                       ((unsigned char)*s & 0xc0) == 0x80); s++) {
		n += ((unsigned char)*s & 0xc0) != 0x80;
		buf[k++] = *s;
	}
	memcpy(buf + k, "\xe2\x80\xa6", 4); /* … */
	svg_esc(f, buf);
}

/* The value axis: [lo, hi] drawn over HB_PLOT px. */
typedef struct Axis {
	int log;
	double lo, hi, step;
} Axis;

static double axis_x(const Axis *a, double v)
{
	if (a->log) {
		if (v < a->lo)
			v = a->lo;
		return (log10(v) - log10(a->lo)) / (log10(a->hi) - log10(a->lo)) *
		       HB_PLOT;
	}
	return v / a->hi * HB_PLOT;
}

static void axis_make(const SvgHBars *c, Axis *a)
{
	double top = 0, low = INFINITY;
	for (int r = 0; r < c->nrows; r++) {
		double sum = 0;
		for (int s = 0; s < c->nseries; s++) {
			double v = c->v[r * c->nseries + s];
			if (isnan(v) || v < 0)
				continue;
			sum = c->stacked ? sum + v : v;
			top = sum > top ? sum : top;
			low = v > 0 && v < low ? v : low;
		}
	}
	a->log = c->log && !c->stacked && isfinite(low);
	if (a->log) {
		a->lo = pow(10, floor(log10(low)));
		a->hi = pow(10, ceil(log10(top)));
		if (a->hi <= a->lo)
			a->hi = a->lo * 10;
		double decades = log10(a->hi) - log10(a->lo);
		a->step = decades > 8 ? 2 : 1;   /* in decades */
		return;
	}
	a->lo = 0;
	a->hi = top > 0 ? top : 1;
	a->step = tick_step(a->hi);
	a->hi = ceil(a->hi / a->step - 1e-9) * a->step;
}

/* The legend, wrapped to `width` (f NULL: measured only); its height. */
static int legend(FILE *f, const SvgHBars *c, int x0, int y0, int width)
{
	int x = x0, y = y0;
	for (int s = 0; s < c->nseries; s++) {
		int w = 14 + (int)(text_len(c->series[s]) * hb_char) + 18;
		if (x > x0 && x + w > width) {
			x = x0;
			y += 18;
		}
		if (f) {
			fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"10\" "
			        "height=\"10\" fill=\"%s\"/><text x=\"%d\" y=\"%d\">",
			        x, y, series_color(c, s), x + 14, y + 10);
			svg_esc(f, c->series[s]);
			fputs("</text>\n", f);
		}
		x += w;
	}
	return y - y0 + 18;
}

static void hb_axis(FILE *f, const Axis *a, int left, int top, int bottom)
{
	int n = a->log ? (int)lround((log10(a->hi) - log10(a->lo)) / a->step)
	               : (int)lround(a->hi / a->step);
	for (int k = 0; k <= n; k++) {
		double v = a->log ? a->lo * pow(10, k * a->step) : k * a->step;
		double x = left + axis_x(a, v);
		fprintf(f, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" "
		        "stroke=\"#ccc\"/>\n<text x=\"%.1f\" y=\"%d\" "
		        "text-anchor=\"middle\">%g</text>\n", x, x, top, bottom + 4,
		        x, bottom + 18, v);
	}
}

void svg_hbars(FILE *f, const SvgHBars *c)
{
	int maxl = 1;
	for (int r = 0; r < c->nrows; r++) {
		int n = text_len(c->rows[r]);
		n = n > HB_MAXLABEL ? HB_MAXLABEL : n;
		maxl = n > maxl ? n : maxl;
	}
	int left = 12 + (int)(maxl * hb_char), right = HB_RIGHT;
	for (int r = 0; c->right && r < c->nrows; r++) {
		int n = c->right[r] ? 12 + (int)(text_len(c->right[r]) * hb_char) : 0;
		right = n > right ? n : right;
	}
	int width = left + HB_PLOT + right;
	int bar = c->stacked ? 14 : c->nseries > 3 ? 6 : 9;
	int rowh = (c->stacked ? bar : bar * c->nseries) + 8;
	rowh = rowh < HB_FONT + 6 ? HB_FONT + 6 : rowh;
	Axis a;
	axis_make(c, &a);
	int lh = legend(NULL, c, left, 0, width);
	int top = 8 + lh + 6, bottom = top + c->nrows * rowh;
	int height = bottom + 44;
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
	        "height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" "
	        "font-size=\"%d\">\n<rect width=\"%d\" height=\"%d\" "
	        "fill=\"white\"/>\n", width, height, width, height, HB_FONT,
	        width, height);
	legend(f, c, left, 8, width);
	hb_axis(f, &a, left, top, bottom);
	for (int r = 0; r < c->nrows; r++) {
		int y = top + r * rowh;
		const char *mark = c->mark ? c->mark[r] : NULL;
		if (mark || r % 2)
			fprintf(f, "<rect x=\"0\" y=\"%d\" width=\"%d\" height=\"%d\" "
			        "fill=\"%s\" fill-opacity=\"0.6\"/>\n", y, width, rowh,
			        mark ? "#fbe3e3" : "#f4f4f4");
		fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\"%s><title>",
		        left - 6, y + rowh / 2 + 4, mark ? " fill=\"#a33\"" : "");
		svg_esc(f, c->rows[r]);
		fputs("</title>", f);
		short_label(f, c->rows[r]);
		fputs("</text>\n", f);
		if (mark) {
			fprintf(f, "<text x=\"%d\" y=\"%d\" fill=\"#a33\" "
			        "font-style=\"italic\">", left + 6, y + rowh / 2 + 4);
			svg_esc(f, mark);
			fputs("</text>\n", f);
			continue;
		}
		double at = 0, sum = 0;
		int any = 0;
		for (int s = 0; s < c->nseries; s++) {
			double v = c->v[r * c->nseries + s];
			if (isnan(v) || v <= 0)
				continue;
			double x0 = c->stacked ? axis_x(&a, at) : 0;
			double x1 = c->stacked ? axis_x(&a, at + v) : axis_x(&a, v);
			int by = c->stacked ? y + (rowh - bar) / 2
			                    : y + (rowh - bar * c->nseries) / 2 + s * bar;
			fprintf(f, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" "
			        "height=\"%d\" fill=\"%s\"><title>", left + x0, by,
			        x1 - x0 > 0.5 ? x1 - x0 : 0.5, c->stacked ? bar : bar - 1,
			        series_color(c, s));
			svg_esc(f, c->rows[r]);
			fputs(", ", f);
			svg_esc(f, c->series[s]);
			fprintf(f, ": %.4g</title></rect>\n", v);
			at += v;
			sum = c->stacked ? sum + v : v > sum ? v : sum;
			any = 1;
		}
		const char *rt = c->right ? c->right[r] : NULL;
		if (!any && !rt)
			continue;
		fprintf(f, "<text x=\"%.1f\" y=\"%d\">", left + axis_x(&a, sum) + 4,
		        y + rowh / 2 + 4);
		if (rt)
			svg_esc(f, rt);
		else if (c->stacked)
			fprintf(f, sum >= 1e5 ? "%.0f" : "%.4g", sum);
		fputs("</text>\n", f);
	}
	fprintf(f, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" "
	        "stroke=\"#333\"/>\n<text x=\"%d\" y=\"%d\" "
	        "text-anchor=\"middle\">", left, left, top, bottom,
	        left + HB_PLOT / 2, bottom + 36);
	svg_esc(f, c->unit);
	fprintf(f, "%s</text>\n</svg>\n", a.log ? " (log scale)" : "");
}
