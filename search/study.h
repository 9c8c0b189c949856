/* study.h - what study.c (the searches and the Markdown files) shares
 * with studypage.c (the same tables and charts as one HTML page).
 */
#include "search.h"

#include <stdio.h>

enum { MAXF = 32, MAXROWS = 256 };

typedef struct DfFile {
	const char *path;
	char name[128];               /* "C|K (ck_tpu)" */
	Program *p;
	SOpts o;
} DfFile;

typedef struct Study {
	const char *kind, *out, *name;
	int nnet, ndf, all_layers;
	Network *net[MAXF];
	const char *netpath[MAXF];
	DfFile df[MAXF];
	SOpts o;
	HierOpts h;
	char cmd[2048];               /* the command, for the Markdown file */
	const char *html;             /* --html DIR (NULL: none) */
	FILE *page;                   /* DIR/index.html, on rank 0 */
	char page_path[4096];
} Study;

/* studypage.c: the HTML page of each study, into s->page */
void study_dataflows_page(const Study *s, int nrow, const char **rows,
                          const double *v, const double *u,
                          const char *summary);
void study_hier_page(const Study *s, const Network *net, const NetBest *base,
                     const NetBest *opt, const char *summary);
