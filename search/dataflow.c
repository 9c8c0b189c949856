/* dataflow.c - the search's dataflows: read from --dataflow ("C|K",
 * "C+Y|K") and from a file's unrolled loops, and named as the search
 * prints them (docs/search.md, docs/dsl.md "Dataflow names").
 */
#include "search.h"

#include <string.h>

/* The loop named by the n bytes at s (k or K); -1: none. */
int search_dim_named(const char *s, size_t n)
{
	for (int d = 0; d < NDIMS; d++)
		if (strlen(dim_lower[d]) == n && (!strncmp(s, dim_lower[d], n) ||
		                                  !strncmp(s, dim_upper[d], n)))
			return d;
	return -1;
}

/* A dimension's pair of loops the lower first (its two orders are one
 * point: docs/search.md). */
static void pair_order(signed char *df, signed char *rd)
{
	for (int a = 0; a < MAX_ARRAY_DIMS; a++)
		if (rd[a] >= 0 && rd[a] < df[a]) {
			signed char t = df[a];
			df[a] = rd[a];
			rd[a] = t;
		}
}

/* "C|K,K|C": loops on array dimensions 0 and 1, '-' for none; "C+Y|K":
 * Y replicated beside C on dimension 0. */
void search_parse_dataflows(const char *v, SOpts *o)
{
	if (!strcmp(v, "any"))
		return;
	const char *s = v;
	while (*s) {
		const char *e = s + strcspn(s, ",");
		signed char df[MAX_ARRAY_DIMS] = {-1, -1};
		signed char rd[MAX_ARRAY_DIMS] = {-1, -1};
		int a = 0;
		for (const char *q = s; q < e && a < MAX_ARRAY_DIMS; a++) {
			size_t n = strcspn(q, "|,");
			if (q + n > e)
				n = (size_t)(e - q);
			size_t n1 = strcspn(q, "+|,");
			if (n1 > n)
				n1 = n;
			int none = n == 1 && *q == '-', r = -1;
			int d = none ? -1 : search_dim_named(q, n1);
			if (n1 < n)
				r = search_dim_named(q + n1 + 1, n - n1 - 1);
			if ((d < 0 && !none) || (n1 < n && r < 0))
				die_usage("--dataflow takes loops such as C|K, K or C+Y|K "
				          "(Y replicated beside C), not '%s'", v);
			if (r >= 0 && r == d)
				die_usage("--dataflow: a loop shares a dimension with "
				          "itself in '%s'", v);
			df[a] = (signed char)d;
			rd[a] = (signed char)r;
			q += n + (q[n] == '|');
		}
		pair_order(df, rd);
		if (df[0] >= 0 && (df[0] == df[1] || df[0] == rd[1] ||
		                   (rd[0] >= 0 && (rd[0] == df[1] || rd[0] == rd[1]))))
			die_usage("--dataflow: a loop on both array dimensions in "
			          "'%s'", v);
		if (o->ndf == 64)
			die_usage("too many dataflows in '%s'", v);
		memcpy(o->rdf[o->ndf], rd, sizeof rd);
		memcpy(o->df[o->ndf++], df, sizeof df);
		s = *e ? e + 1 : e;
	}
}

static int loc_after(Loc a, Loc b)
{
	return a.line > b.line || (a.line == b.line && a.col > b.col);
}

void search_note_kept(Diag *dg, const LoopNest *ln, int keep)
{
	for (int k = 0; k < ln->nbufs && cluster_rank() == 0 && !keep; k++)
		if (ln->buf[k].keep_overlap)
			diag_note(dg, ln->buf[k].loc, "%s.in(%s).keep_overlap() is not "
			          "searched: the search refills every block whole, and "
			          "what it writes does not keep the overlap, unless "
			          "`tessera search --keep-overlap` (then every buffer "
			          "of an input with a sliding window keeps it)",
			          ln->layer->t[ln->buf[k].tensor].name,
			          ln->arch->level[ln->buf[k].level].name);
}

/* The file's unrolled loops fix the dataflow unless --dataflow is
 * given; what the canonical form cannot express is an error there. */
int search_file_dataflow(Diag *dg, const LoopNest *ln, SOpts *o)
{
	signed char df[MAX_ARRAY_DIMS] = {-1, -1}, rd[MAX_ARRAY_DIMS] = {-1, -1};
	int n[MAX_ARRAY_DIMS] = {0}, any = 0;
	const Loop *bad = NULL, *last[MAX_ARRAY_DIMS] = {NULL, NULL};
	for (int i = 0; i < ln->nloops; i++) {
		const Loop *l = &ln->loop[i];
		if (l->kind != LOOP_SPATIAL)
			continue;
		int a = l->array_dim, d = l->part[0].dim;
		if (!last[a] || loc_after(l->unroll_loc, last[a]->unroll_loc))
			last[a] = l;
		n[a]++;
		if (l->nparts > 1 || d == df[0] || d == df[1] || d == rd[0] ||
		    d == rd[1]) {
			bad = l;
			continue;
		}
		if (df[a] < 0)
			df[a] = (signed char)d;
		else
			rd[a] = (signed char)d;
		any = 1;
	}
	for (int a = 0; !bad && a < MAX_ARRAY_DIMS; a++)
		if (n[a] > 2)
			bad = last[a];   /* the third loop unrolled there */
	if (bad) {
		diag_error(dg, bad->unroll_loc, "search takes at most two unrolled "
		           "loops per array dimension (unroll, then replicate), "
		           "each of a different layer loop (no fuse or loop on "
		           "two dimensions)");
		return 0;
	}
	pair_order(df, rd);
	if (any) {
		memcpy(o->df[0], df, sizeof df);
		memcpy(o->rdf[0], rd, sizeof rd);
		o->ndf = 1;
	}
	return 1;
}

void search_dataflow_name(char *s, size_t n, const Arch *a,
                          const signed char *sdim, const signed char *rdim)
{
	size_t k = 0;
	s[0] = 0;
	for (int i = 0; i < a->ndims && k < n; i++) {
		k += (size_t)snprintf(s + k, n - k, "%s%s", i ? "|" : "",
		                      sdim[i] >= 0 ? dim_upper[(int)sdim[i]] : "-");
		if (rdim && rdim[i] >= 0 && k < n)
			k += (size_t)snprintf(s + k, n - k, "+%s",
			                      dim_upper[(int)rdim[i]]);
	}
}

/* The point's dataflow, its second loops only where they are unrolled
 * (a factor of 2 or more). */
void search_point_dataflow(char *s, size_t n, const SCtx *c,
                           const SPoint *p)
{
	signed char rd[MAX_ARRAY_DIMS];
	for (int a = 0; a < MAX_ARRAY_DIMS; a++)
		rd[a] = p->rf[a] > 1 ? p->rdim[a] : -1;
	search_dataflow_name(s, n, c->arch, p->sdim, rd);
}
