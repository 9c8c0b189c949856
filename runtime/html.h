/* html.h - the HTML report that --html DIR writes: one self-contained
 * page, DIR/index.html, with its tables and inline SVG charts (no
 * script, no external asset).  runtime/html.c opens, frames and closes
 * the page; runtime/netpage.c writes the pages of model --network and
 * sim --network; search/ writes those of study and search --network.
 */
#ifndef TESSERA_HTML_H
#define TESSERA_HTML_H

#include "svg.h"

/* Creates DIR (and its parents) and opens DIR/index.html for writing,
 * its path in path[n]; NULL after a message naming the path.  Commands
 * open the page before their work, so that a bad DIR fails at once. */
FILE *html_open(const char *dir, char *path, size_t n);
/* Closes the page: 1, or 0 after a message naming the path (a write
 * failed). */
int html_close(FILE *f, const char *path);
/* Closes and removes a page that will not be written. */
void html_discard(FILE *f, const char *path);

/* The command line into s[n]: cmd ("tessera", "tessera search"), then
 * argv[1..argc-1], each quoted where a shell would need it. */
void html_cmdline(char *s, size_t n, const char *cmd, int argc, char **argv);

/* The page's head (title, style) and its heading; the command that
 * made it, when not NULL.  html_end closes the document. */
void html_begin(FILE *f, const char *title, const char *cmd);
void html_end(FILE *f);

/* Text escaped for HTML (svg_esc). */
void html_esc(FILE *f, const char *s);
/* A chart with its title above it, and a caption (NULL: none) below. */
void html_chart(FILE *f, const char *title, const char *caption,
                const SvgHBars *c);

#endif
