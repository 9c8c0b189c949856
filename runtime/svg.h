/* svg.h - bar charts as plain SVG (runtime/svg.c): the charts of
 * `tessera study`'s files in docs/results/ and of the HTML reports
 * (runtime/html.c).  Every string is escaped; output is deterministic.
 */
#ifndef TESSERA_SVG_H
#define TESSERA_SVG_H

#include <stdio.h>

/* Text escaped for SVG and HTML, in element content and in quoted
 * attributes alike (& < > " '). */
void svg_esc(FILE *f, const char *s);

/* The colour of series s (a fixed palette, repeating after nine). */
const char *svg_color(int s);

/* The colour of an energy breakdown's part, the same in every chart:
 * memory level lv of n (innermost first; the last, off chip, always
 * red), or the NoC (lv = SVG_NOC) or the MACs (lv = SVG_MAC). */
enum { SVG_NOC = -1, SVG_MAC = -2 };
const char *svg_level_color(int lv, int n);

/* A grouped bar chart, vertical bars (v[group * nseries + series]; NAN
 * for none): study's charts. */
void svg_bars(FILE *f, const char *title, const char *ylabel, int ngroups,
              const char *const *groups, int nseries,
              const char *const *series, const double *v);

/* A horizontal bar chart: one row per entry, every row drawn in order
 * with its label on the left (long ones shortened, whole in a tooltip),
 * so that any number of rows stays legible; the legend above, the value
 * axis below. */
typedef struct SvgHBars {
	const char *unit;            /* the value axis's label */
	int nrows;
	const char *const *rows;     /* the rows' labels */
	const char *const *mark;     /* NULL, or per row NULL or a word drawn
	                                instead of its bars ("not mapped") */
	const char *const *right;    /* NULL, or per row a text after its
	                                bars (default: the stack's total) */
	int nseries;
	const char *const *series;   /* the legend */
	const char *const *colors;   /* NULL, or the series' colours (else
	                                svg_color's) */
	const double *v;             /* v[row * nseries + series]; NAN: none */
	int stacked;                 /* 1: the series stacked in one bar;
	                                0: a bar each, side by side */
	int log;                     /* a logarithmic axis (side by side) */
} SvgHBars;
void svg_hbars(FILE *f, const SvgHBars *c);

#endif
