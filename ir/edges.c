/* edges.c - edge tiles and padding tiles: which guards bind, which loops
 * they can cut short, and by how much at each point (loop_bound: the
 * points of the layer; loop_trips: time, where padding cuts nothing and
 * its steps run idle).  docs/dsl.md, "Edge tiles" and "Padding tiles".
 */
#include "tessera.h"

#include <stdio.h>

/* Largest value the parts of guard g in loops [0, upto) can add. */
static long guard_reach(const LoopNest *ln, int g, int upto)
{
	long sum = 0;
	for (int i = 0; i < upto; i++)
		for (int p = 0; p < ln->loop[i].nparts; p++) {
			const Part *pt = &ln->loop[i].part[p];
			for (int k = 0; k < pt->nguards; k++)
				if (pt->guard[k] == g)
					sum += pt->gstride[k] * (pt->extent - 1);
		}
	return sum;
}

/* Which guards bind, which loops can be cut short, and whether any cut
 * would differ between PEs or split a fused loop. */
void schedule_edges(Diag *d, LoopNest *ln, const Loc *fuse_loc)
{
	for (int g = 0; g < ln->nguards; g++)
		ln->guard[g].trivial =
			guard_reach(ln, g, ln->nloops) < ln->guard[g].limit;
	for (int i = 0; i < ln->nloops; i++) {
		Loop *l = &ln->loop[i];
		l->edge = 0;
		for (int p = 0; p < l->nparts; p++)
			for (int k = 0; k < l->part[p].nguards; k++) {
				int g = l->part[p].guard[k];
				if (ln->guard[g].trivial)
					continue;
				if (l->nparts > 1 && ln->guard[g].padded) {
					diag_error(d, fuse_loc[i], "cannot fuse into %s: "
					           "%s has padding tiles (pad at line %d)",
					           l->name, ln->guard[g].var,
					           ln->guard[g].pad_loc.line);
					return;
				}
				if (l->nparts > 1) {
					diag_error(d, fuse_loc[i], "cannot fuse into %s: "
					           "%s has edge tiles (the split at line %d "
					           "does not divide)", l->name, ln->guard[g].var,
					           ln->guard[g].uneven_loc.line);
					return;
				}
				if (guard_reach(ln, g, i) + l->part[p].gstride[k] *
				    (l->part[p].extent - 1) >= ln->guard[g].limit)
					l->edge = 1;
			}
	}
	for (int i = 0; i < ln->nloops; i++) {
		const Loop *t = &ln->loop[i];
		if (t->kind == LOOP_SPATIAL || !t->edge)
			continue;
		for (int u = 0; u < i; u++) {
			const Loop *s = &ln->loop[u];
			int shared = -1;
			for (int a = 0; a < t->part[0].nguards; a++)
				for (int b = 0; b < s->part[0].nguards; b++)
					if (t->part[0].guard[a] == s->part[0].guard[b] &&
					    !ln->guard[t->part[0].guard[a]].trivial)
						shared = t->part[0].guard[a];
			if (s->kind == LOOP_SPATIAL && s->nparts == 1 && shared >= 0) {
				char why[64];
				if (ln->guard[shared].padded)
					snprintf(why, sizeof why, "%s padded at line %d",
					         dim_lower[t->part[0].dim],
					         ln->guard[shared].pad_loc.line);
				else
					snprintf(why, sizeof why, "an uneven split of %s",
					         dim_lower[t->part[0].dim]);
				diag_error(d, s->unroll_loc, "cannot unroll %s: the "
				           "extent of loop %s inside it is not constant "
				           "across PEs (%s), so PEs would run different "
				           "trip counts", s->name, t->name, why);
				return;
			}
		}
	}
}

/* Loop i's trip count at the guards' partial sums: cut where a guard
 * binds (time: where a guard other than padding binds). */
static long cut(const LoopNest *ln, int i, const long *gpartial, int time)
{
	const Loop *l = &ln->loop[i];
	if (!l->edge)
		return l->extent;
	long bound = l->extent;
	const Part *p = &l->part[0];
	for (int k = 0; k < p->nguards; k++) {
		const Guard *g = &ln->guard[p->guard[k]];
		if (time && g->padded)
			continue;
		long room = g->limit - 1 - gpartial[p->guard[k]];
		long b = room < 0 ? 0 : room / p->gstride[k] + 1;
		if (b < bound)
			bound = b;
	}
	return bound;
}

void loop_move(const LoopNest *ln, int i, long c, int sign, long *dimval,
               long *gpart)
{
	const Loop *l = &ln->loop[i];
	long div = 1;
	for (int p = 0; p < l->nparts; p++) {
		const Part *pt = &l->part[p];
		long v = (c / div) % pt->extent * sign;
		div *= pt->extent;
		dimval[pt->dim] += v * pt->stride;
		for (int k = 0; k < pt->nguards; k++)
			gpart[pt->guard[k]] += v * pt->gstride[k];
	}
}

long loop_bound(const LoopNest *ln, int i, const long *gpartial)
{
	return cut(ln, i, gpartial, 0);
}

long loop_trips(const LoopNest *ln, int i, const long *gpartial)
{
	return cut(ln, i, gpartial, 1);
}

int loop_edge_padded(const LoopNest *ln, int i)
{
	const Loop *l = &ln->loop[i];
	int padded = 0;
	for (int p = 0; p < l->nparts; p++)
		for (int k = 0; k < l->part[p].nguards; k++) {
			const Guard *g = &ln->guard[l->part[p].guard[k]];
			if (g->trivial)
				continue;
			if (!g->padded)
				return 0;
			padded = 1;
		}
	return padded;
}

int nest_padded(const LoopNest *ln)
{
	for (int g = 0; g < ln->nguards; g++)
		if (ln->guard[g].padded && !ln->guard[g].trivial)
			return 1;
	return 0;
}
