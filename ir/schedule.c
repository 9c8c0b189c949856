/* schedule.c - applies a schedule to a layer: the one place where split,
 * tile, reorder, fuse, unroll, replicate, pad, accelerate, buffers and
 * systolic() take effect (the last three in late.c).  The result is a
 * LoopNest; later passes read the schedule's effect from it and never
 * edit the schedule.
 *
 * Loop directives apply in source order.  Names they refer to must exist
 * when they run.  accelerate(), buffers and systolic() are resolved once
 * every loop directive has run, so they name loops of the final nest.
 *
 * Splits whose factor does not divide make edge tiles.  Each loop of the
 * layer has a guard (its value stays below its extent), and splitting an
 * already split loop by a factor that does not divide adds a guard for
 * it; a loop's trip count is then cut short where a guard binds
 * (loop_bound, edges.c), so every iteration of the layer runs exactly
 * once.  pad() makes a layer loop's guard padding: its tiles run on past
 * the extent in time, idle (loop_trips).
 */
#include "schedule.h"

#include <string.h>

static int find_loop(const LoopNest *ln, const char *name)
{
	for (int i = 0; i < ln->nloops; i++)
		if (!strcmp(ln->loop[i].name, name))
			return i;
	return -1;
}

/* The loop an argument names, or -1 after reporting why not. */
int loop_arg(Ctx *c, const Arg *a)
{
	if (!a->name) {
		diag_error(c->d, a->loc, "expected a loop name, found %ld",
		           a->value);
		return -1;
	}
	int i = find_loop(c->ln, a->name);
	if (i >= 0)
		return i;
	for (int r = c->nretired - 1; r >= 0; r--)
		if (!strcmp(c->retired[r].name, a->name)) {
			diag_error(c->d, a->loc, "loop %s was already %s at line %d, "
			           "column %d", a->name, c->retired[r].how,
			           c->retired[r].loc.line, c->retired[r].loc.col);
			return -1;
		}
	diag_error(c->d, a->loc, "unknown loop %s", a->name);
	return -1;
}

/* A new loop name: not a loop, tensor or level already (`except` may be
 * reused, as in split(x, x, xi, 8)). */
static int new_name(Ctx *c, const Arg *a, int except)
{
	if (!a->name) {
		diag_error(c->d, a->loc, "expected a new loop name, found %ld",
		           a->value);
		return 0;
	}
	int i = find_loop(c->ln, a->name);
	if (i >= 0 && i != except) {
		diag_error(c->d, a->loc, "loop %s already exists", a->name);
		return 0;
	}
	for (int t = 0; t < NTENSORS; t++)
		if (!strcmp(c->p->layer.t[t].name, a->name)) {
			diag_error(c->d, a->loc, "%s is a tensor, not a loop name",
			           a->name);
			return 0;
		}
	return 1;
}

static void retire(Ctx *c, const char *name, const char *how, Loc loc)
{
	if (c->nretired < (int)(sizeof c->retired / sizeof c->retired[0]))
		c->retired[c->nretired++] = (Retired){name, how, loc};
}

int nargs_ok(Ctx *c, const Directive *dir, int lo, int hi,
                    const char *usage)
{
	if (dir->nargs >= lo && dir->nargs <= hi)
		return 1;
	diag_error(c->d, dir->loc, "%s takes %s", directive_name[dir->kind],
	           usage);
	return 0;
}

static int movable(Ctx *c, int i, const Directive *dir)
{
	const Loop *l = &c->ln->loop[i];
	if (l->kind == LOOP_SPATIAL && (dir->kind == DIR_UNROLL ||
	                                dir->kind == DIR_REPLICATE)) {
		diag_error(c->d, dir->loc, "loop %s is already unrolled (line %d)",
		           l->name, l->unroll_loc.line);
		return 0;
	}
	if (l->kind == LOOP_SPATIAL) {
		diag_error(c->d, dir->loc, "loop %s is already unrolled (line %d); "
		           "%s it before unrolling", l->name, l->unroll_loc.line,
		           directive_name[dir->kind]);
		return 0;
	}
	return 1;
}

static void insert_loop(LoopNest *ln, int at, const Loop *l)
{
	memmove(&ln->loop[at + 1], &ln->loop[at],
	        sizeof(Loop) * (size_t)(ln->nloops - at));
	ln->loop[at] = *l;
	ln->nloops++;
}

static void remove_loop(LoopNest *ln, int at)
{
	memmove(&ln->loop[at], &ln->loop[at + 1],
	        sizeof(Loop) * (size_t)(ln->nloops - at - 1));
	ln->nloops--;
}

int tensor_index(const Layer *l, const char *name)
{
	for (int t = 0; t < NTENSORS; t++)
		if (!strcmp(l->t[t].name, name))
			return t;
	return -1;
}

static int add_guard(Ctx *c, const char *var, long limit, Loc loc)
{
	if (c->ln->nguards == MAX_GUARDS) {
		diag_error(c->d, loc, "too many uneven splits (at most %d)",
		           MAX_GUARDS - NDIMS);
		return -1;
	}
	c->ln->guard[c->ln->nguards] = (Guard){.var = var, .limit = limit,
	                                       .uneven_loc = loc};
	return c->ln->nguards++;
}

/* split(old, outer, inner, factor): old = outer * factor + inner. */
static int split(Ctx *c, const Arg *a, Loc loc, const Directive *dir)
{
	int i = loop_arg(c, &a[0]);
	if (i < 0 || !movable(c, i, dir) || !new_name(c, &a[1], i) ||
	    !new_name(c, &a[2], i))
		return -1;
	if (!strcmp(a[1].name, a[2].name)) {
		diag_error(c->d, a[2].loc, "outer and inner loops need different "
		           "names");
		return -1;
	}
	if (a[3].name || a[3].value < 1) {
		diag_error(c->d, a[3].loc, "split factor must be a positive "
		           "integer");
		return -1;
	}
	Loop old = c->ln->loop[i];
	if (old.nparts > 1) {
		diag_error(c->d, a[0].loc, "loop %s is fused; split its loops "
		           "before fusing them", old.name);
		return -1;
	}
	if (c->ln->nloops == MAX_LOOPS) {
		diag_error(c->d, loc, "too many loops (at most %d)", MAX_LOOPS);
		return -1;
	}
	long f = a[3].value;
	Part p = old.part[0];
	Loop outer = old, inner = old;
	outer.name = a[1].name;
	inner.name = a[2].name;
	outer.loc = inner.loc = loc;
	outer.part[0].name = outer.name;
	inner.part[0].name = inner.name;
	outer.part[0].stride = p.stride * f;
	outer.part[0].extent = (p.extent + f - 1) / f;
	outer.extent = outer.part[0].extent;
	inner.part[0].extent = inner.extent = f;
	for (int g = 0; g < p.nguards; g++)
		outer.part[0].gstride[g] = p.gstride[g] * f;
	int root = p.stride == 1 && p.nguards == 1 && p.guard[0] == p.dim &&
	           p.extent == c->p->layer.extent[p.dim];
	for (int g = 0; p.extent % f && g < p.nguards; g++)
		if (!c->ln->guard[p.guard[g]].uneven_loc.src)
			c->ln->guard[p.guard[g]].uneven_loc = loc;
	if (p.extent % f && !root) {
		/* an uneven split of a split loop bounds the loop itself */
		int g = add_guard(c, old.name, p.extent, loc);
		if (g < 0 || p.nguards == MAX_PART_GUARDS) {
			if (g >= 0)
				diag_error(c->d, loc, "splits nested too deeply");
			return -1;
		}
		Part *po = &outer.part[0], *pi = &inner.part[0];
		po->guard[po->nguards] = pi->guard[pi->nguards] = g;
		po->gstride[po->nguards++] = f;
		pi->gstride[pi->nguards++] = 1;
	}
	c->ln->loop[i] = outer;
	insert_loop(c->ln, i + 1, &inner);
	if (strcmp(old.name, outer.name))
		retire(c, old.name, "split", loc);
	return i;
}

/* pad(v, E): layer loop v, not yet split, runs E iterations; those at
 * or beyond its extent are padding, idle steps (docs/dsl.md). */
static void pad(Ctx *c, const Directive *dir)
{
	if (!nargs_ok(c, dir, 2, 2, "(loop, padded extent)"))
		return;
	const Arg *a = dir->args;
	int i = loop_arg(c, &a[0]);
	if (i < 0 || !movable(c, i, dir))
		return;
	Loop *l = &c->ln->loop[i];
	const Part *p = &l->part[0];
	long ext = c->p->layer.extent[p->dim];
	Guard *g = &c->ln->guard[p->dim];
	if (g->padded && l->nparts == 1 && !strcmp(l->name, dim_lower[p->dim])) {
		diag_error(c->d, dir->loc, "%s is already padded (line %d)",
		           l->name, g->pad_loc.line);
		return;
	}
	if (l->nparts > 1 || p->stride != 1 || p->nguards != 1 ||
	    p->guard[0] != p->dim || p->extent != ext) {
		diag_error(c->d, a[0].loc, "pad applies to a layer loop before it "
		           "is split or fused; %s is not one (pad %s before "
		           "splitting it)", l->name, dim_lower[p->dim]);
		return;
	}
	if (a[1].name) {
		diag_error(c->d, a[1].loc, "the padded extent must be an integer, "
		           "found %s", a[1].name);
		return;
	}
	if (a[1].value < ext || a[1].value > MODEL_MAX_EXTENT) {
		if (a[1].value < ext)
			diag_error(c->d, a[1].loc, "the padded extent %ld is less "
			           "than %s's extent %ld", a[1].value, l->name, ext);
		else
			diag_error(c->d, a[1].loc, "the padded extent %ld is larger "
			           "than the accelerator model handles (%d)",
			           a[1].value, MODEL_MAX_EXTENT);
		return;
	}
	if (a[1].value == ext)
		return;   /* nothing to pad: a split's edge tiles stay edge tiles */
	g->padded = 1;
	g->pad_loc = dir->loc;
	l->extent = l->part[0].extent = a[1].value;
}

/* Moves the loops `idx` (innermost first) into the positions they hold,
 * in the given order. */
static void permute(LoopNest *ln, const int *idx, int n)
{
	int pos[MAX_LOOPS], np = 0;
	Loop saved[MAX_LOOPS];
	for (int i = ln->nloops - 1; i >= 0; i--)
		for (int k = 0; k < n; k++)
			if (idx[k] == i)
				pos[np++] = i; /* positions, innermost first */
	for (int k = 0; k < n; k++)
		saved[k] = ln->loop[idx[k]];
	for (int k = 0; k < n; k++)
		ln->loop[pos[k]] = saved[k];
}

static int args_to_loops(Ctx *c, const Directive *dir, int *idx)
{
	for (int k = 0; k < dir->nargs; k++) {
		idx[k] = loop_arg(c, &dir->args[k]);
		if (idx[k] < 0)
			return 0;
		for (int j = 0; j < k; j++)
			if (idx[j] == idx[k]) {
				diag_error(c->d, dir->args[k].loc, "loop %s appears twice "
				           "in %s", dir->args[k].name,
				           directive_name[dir->kind]);
				return 0;
			}
	}
	return 1;
}

static void reorder(Ctx *c, const Directive *dir)
{
	int idx[MAX_LOOPS + 1];
	if (!args_to_loops(c, dir, idx))
		return;
	if (dir->nargs < c->ln->nloops) {
		for (int i = c->ln->nloops - 1; i >= 0; i--) {
			int listed = 0;
			for (int k = 0; k < dir->nargs; k++)
				listed |= idx[k] == i;
			if (!listed) {
				diag_error(c->d, dir->loc, "reorder drops loop %s: list "
				           "every loop, innermost first",
				           c->ln->loop[i].name);
				return;
			}
		}
	}
	permute(c->ln, idx, dir->nargs);
}

/* tile(x, y, [xo, yo,] xi, yi, fx, fy), as in Halide. */
static void tile(Ctx *c, const Directive *dir)
{
	static const char use[] = "(x, y, xo, yo, xi, yi, fx, fy) or "
	                          "(x, y, xi, yi, fx, fy)";
	if (!nargs_ok(c, dir, 6, 8, use))
		return;
	if (dir->nargs == 7) {
		diag_error(c->d, dir->loc, "tile takes %s", use);
		return;
	}
	const Arg *a = dir->args;
	int full = dir->nargs == 8;
	Arg sx[4] = {a[0], full ? a[2] : a[0], a[full ? 4 : 2], a[full ? 6 : 4]};
	Arg sy[4] = {a[1], full ? a[3] : a[1], a[full ? 5 : 3], a[full ? 7 : 5]};
	/* both loops exist before either split, and the four new names
	 * differ, so the second split cannot take the first's loops */
	int ix = loop_arg(c, &sx[0]), iy = ix < 0 ? -1 : loop_arg(c, &sy[0]);
	if (ix < 0 || iy < 0)
		return;
	if (ix == iy) {
		diag_error(c->d, sy[0].loc, "tile needs two different loops");
		return;
	}
	const Arg *made[4] = {&sx[1], &sy[1], &sx[2], &sy[2]};
	for (int i = 0; i < 4; i++)
		for (int j = 0; j < i; j++)
			if (made[i]->name && made[j]->name &&
			    !strcmp(made[i]->name, made[j]->name)) {
				diag_error(c->d, made[i]->loc, "tile makes loop %s twice",
				           made[i]->name);
				return;
			}
	if (split(c, sx, dir->loc, dir) < 0 || split(c, sy, dir->loc, dir) < 0)
		return;
	int idx[4] = {find_loop(c->ln, sx[2].name), find_loop(c->ln, sy[2].name),
	              find_loop(c->ln, sx[1].name), find_loop(c->ln, sy[1].name)};
	permute(c->ln, idx, 4);
}

/* fuse(inner, outer, fused): one loop over both; outer must enclose
 * inner directly. */
static void fuse(Ctx *c, const Directive *dir)
{
	if (!nargs_ok(c, dir, 3, 3, "(inner, outer, fused)"))
		return;
	const Arg *a = dir->args;
	int in = loop_arg(c, &a[0]), out = loop_arg(c, &a[1]);
	if (in < 0 || out < 0 || !movable(c, in, dir) || !movable(c, out, dir))
		return;
	if (out != in - 1) {
		diag_error(c->d, dir->loc, "fuse needs %s directly outside %s",
		           a[1].name, a[0].name);
		return;
	}
	if (!a[2].name) {
		new_name(c, &a[2], in); /* reports the integer */
		return;
	}
	if (!new_name(c, &a[2], find_loop(c->ln, a[2].name) == out ? out : in))
		return;
	Loop *li = &c->ln->loop[in], *lo = &c->ln->loop[out];
	if (li->nparts + lo->nparts > MAX_PARTS) {
		diag_error(c->d, dir->loc, "at most %d loops fuse into one",
		           MAX_PARTS);
		return;
	}
	Loop f = *li;
	f.name = a[2].name;
	f.loc = dir->loc;
	for (int k = 0; k < lo->nparts; k++)
		f.part[f.nparts++] = lo->part[k];
	f.extent = li->extent * lo->extent;
	if (strcmp(li->name, f.name))
		retire(c, li->name, "fused", dir->loc);
	if (strcmp(lo->name, f.name))
		retire(c, lo->name, "fused", dir->loc);
	c->ln->loop[out] = f;
	c->fuse_loc[out] = dir->loc;
	remove_loop(c->ln, in);
}

static void unroll(Ctx *c, const Directive *dir, int replicate)
{
	if (!nargs_ok(c, dir, replicate ? 2 : 1, 2, replicate ?
	              "(loop, array dimension)" : "(loop) or (loop, array "
	              "dimension)"))
		return;
	int i = loop_arg(c, &dir->args[0]);
	if (i < 0 || !movable(c, i, dir))
		return;
	LoopNest *ln = c->ln;
	const Arch *ar = ln->arch;
	int dim = -1;
	if (dir->nargs == 2) {
		const Arg *a = &dir->args[1];
		if (a->name || a->value >= ar->ndims) {
			diag_error(c->d, a->loc, "the PE array (%s) has dimension%s "
			           "%s; to unroll by a factor, split the loop first",
			           ar->ndims == 2 ? "2-D" : "1-D",
			           ar->ndims == 2 ? "s" : "",
			           ar->ndims == 2 ? "0 and 1" : "0");
			return;
		}
		dim = (int)a->value;
	} else {
		for (int k = ar->ndims - 1; k >= 0; k--)
			if (!ln->array_used[k])
				dim = k;
		if (dim < 0) {
			diag_error(c->d, dir->loc, "every dimension of the PE array "
			           "holds an unrolled loop; use replicate(%s, d) to "
			           "share one", ln->loop[i].name);
			return;
		}
	}
	int holder = -1;
	for (int k = 0; k < ln->nloops; k++)
		if (ln->loop[k].kind == LOOP_SPATIAL && ln->loop[k].array_dim == dim)
			holder = k;
	if (holder >= 0 && !replicate) {
		diag_error(c->d, dir->loc, "array dimension %d already holds loop "
		           "%s (unrolled at line %d); use replicate(%s, %d) to "
		           "share it", dim, ln->loop[holder].name,
		           ln->loop[holder].unroll_loc.line, ln->loop[i].name, dim);
		return;
	}
	if (holder < 0 && replicate) {
		diag_error(c->d, dir->loc, "array dimension %d holds no loop to "
		           "share: use unroll(%s, %d)", dim, ln->loop[i].name, dim);
		return;
	}
	long used = ln->array_used[dim] ? ln->array_used[dim] : 1;
	if (ln->loop[i].extent > ar->dim[dim] / used) {
		diag_error(c->d, dir->loc, "unrolling %s (extent %ld) needs %ld "
		           "PEs along array dimension %d, which has %ld",
		           ln->loop[i].name, ln->loop[i].extent,
		           used * ln->loop[i].extent, dim, ar->dim[dim]);
		return;
	}
	Loop *l = &ln->loop[i];
	l->kind = LOOP_SPATIAL;
	l->array_dim = dim;
	l->unroll_loc = dir->loc;
	ln->array_used[dim] = used * l->extent;
	for (int k = 0; replicate && k < ln->nloops; k++)
		if (ln->loop[k].kind == LOOP_SPATIAL && ln->loop[k].array_dim == dim)
			ln->loop[k].replicated = 1;
}

static void loop_directive(Ctx *c, const Directive *dir)
{
	switch (dir->kind) {
	case DIR_SPLIT:
		if (nargs_ok(c, dir, 4, 4, "(loop, outer, inner, factor)"))
			split(c, dir->args, dir->loc, dir);
		break;
	case DIR_TILE: tile(c, dir); break;
	case DIR_REORDER: reorder(c, dir); break;
	case DIR_FUSE: fuse(c, dir); break;
	case DIR_UNROLL: unroll(c, dir, 0); break;
	case DIR_REPLICATE: unroll(c, dir, 1); break;
	case DIR_PAD: pad(c, dir); break;
	case DIR_ACCELERATE:
		if (c->accel)
			diag_error(c->d, dir->loc, "accelerate is given twice (first "
			           "at line %d)", c->accel->loc.line);
		else if (nargs_ok(c, dir, 1, 1, "(loop)"))
			c->accel = dir;
		break;
	default: INTERNAL("not a loop directive");
	}
}

/* ---- levels ---- */

static void levels(LoopNest *ln)
{
	int onchip = ln->arch->nlevels - 2;
	for (int i = 0; i < ln->nloops; i++) {
		Loop *l = &ln->loop[i];
		l->level = -1;
		if (l->kind == LOOP_SPATIAL)
			continue;
		if (ln->accel < 0) {
			l->kind = LOOP_SERIAL;
			continue;
		}
		l->kind = LOOP_TEMPORAL;
		if (i <= ln->accel) {
			l->level = ln->arch->nlevels - 1;
			continue;
		}
		l->level = onchip;
		for (int k = 0; k < ln->nbufs; k++)
			if (ln->buf[k].at < i && ln->buf[k].level < l->level)
				l->level = ln->buf[k].level;
	}
}

/* The layer's loops before any directive: the output's loops in index
 * order, outermost first, then the reduction loops in N K C Y X FY FX
 * order. */
static void initial_nest(Ctx *c)
{
	const Layer *ly = &c->p->layer;
	LoopNest *ln = c->ln;
	int placed[NDIMS] = {0};
	int order[NDIMS], n = 0;
	const Tensor *o = &ly->t[T_OUT];
	for (int r = 0; r < o->rank; r++)
		for (int d = 0; d < NDIMS; d++)
			if (o->idx[r].coef[d] && !placed[d]) {
				placed[d] = 1;
				order[n++] = d;
			}
	for (int d = 0; d < NDIMS; d++)
		if (ly->extent[d] && !placed[d])
			order[n++] = d;
	for (int k = 0; k < n; k++) {
		int d = order[k];
		Loop *l = &ln->loop[ln->nloops++];
		l->name = dim_lower[d];
		l->loc = ly->extent_loc[d];
		l->nparts = 1;
		l->part[0] = (Part){.name = l->name, .dim = d, .stride = 1, .extent = ly->extent[d],
		                    .nguards = 1, .guard = {d}, .gstride = {1}};
		l->extent = ly->extent[d];
		l->level = -1;
	}
	for (int d = 0; d < NDIMS; d++)
		ln->guard[d] = (Guard){.var = dim_lower[d],
		                       .limit = ly->extent[d] ? ly->extent[d] : 1};
	ln->nguards = NDIMS;
}

int schedule_apply(Diag *d, const Program *p, LoopNest *ln)
{
	int errors = d->nerrors;
	memset(ln, 0, sizeof *ln);
	ln->layer = &p->layer;
	ln->arch = &p->arch;
	ln->accel = -1;
	Ctx c = {.d = d, .p = p, .ln = ln};
	initial_nest(&c);
	const Layer *ly = &p->layer;
	for (int k = 0; k < p->sched.ndirs && d->nerrors == errors; k++) {
		const Directive *dir = p->sched.dirs[k];
		int loopdir = 0;
#define X(e, s, o) if (dir->kind == DIR_##e) loopdir = o;
		DIRECTIVES(X)
#undef X
		if (!loopdir)
			continue;
		if (strcmp(dir->recv, ly->t[T_OUT].name)) {
			if (tensor_index(ly, dir->recv) < 0)
				diag_error(d, dir->recv_loc, "unknown tensor %s",
				           dir->recv);
			else
				diag_error(d, dir->recv_loc, "%s applies to the loops of "
				           "the output %s, not to %s",
				           directive_name[dir->kind], ly->t[T_OUT].name,
				           dir->recv);
			continue;
		}
		loop_directive(&c, dir);
	}
	if (d->nerrors == errors)
		resolve_late(&c);
	if (d->nerrors == errors)
		schedule_edges(d, ln, c.fuse_loc);
	if (d->nerrors == errors)
		levels(ln);
	return d->nerrors == errors;
}
