/* svg.h - bar charts as plain SVG (runtime/svg.c): the charts of
 * `tessera study`'s files in docs/results/.  Every string is escaped; output is deterministic.
 */
#ifndef TESSERA_SVG_H
#define TESSERA_SVG_H

#include <stdio.h>

/* Text escaped for SVG and HTML, in element content and in quoted
 * attributes alike (& < > " '). */
void svg_esc(FILE *f, const char *s);

/* The colour of series s (a fixed palette, repeating after nine). */
const char *svg_color(int s);

/* A grouped bar chart, vertical bars (v[group * nseries + series]; NAN
 * for none): study's charts. */
void svg_bars(FILE *f, const char *title, const char *ylabel, int ngroups,
              const char *const *groups, int nseries,
              const char *const *series, const double *v);

#endif
