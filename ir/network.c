/* network.c - applies one dataflow to every layer of a network.
 *
 * A dataflow is a checked .tsr program whose schedule was written for its
 * own layer (the template).  schedule_retarget rewrites that schedule for
 * another layer, as data, before the schedule pass sees it; the rules
 * (docs/model.md, "Networks") are:
 *  - a loop the layer lacks (fx in a fully connected layer, k in a
 *    depthwise one) is absent, and so is every loop split from it;
 *    directives that only name absent loops are dropped (split, tile,
 *    unroll, replicate, systolic) or leave them out (reorder);
 *    fusing an absent loop with a present one leaves the present one;
 *  - a split factor larger than the layer's loop is cut to its extent;
 *  - accelerate() and compute_at() at an absent loop move to the next
 *    loop outside it that exists, which leaves the same loops inside;
 *  - a replicate() whose dimension lost its first loop becomes unroll();
 *    systolic(v) is dropped when the layer's tensor is indexed by v;
 *  - every unroll names the array dimension the template's nest gave it;
 *  - pad() is dropped (a padded extent is one layer's).
 * The layer takes the template's tensor names and element types (the
 * datapath is part of the hardware).  Whatever then fails the normal
 * checks (a buffer that no longer fits its level, an unroll larger than
 * the array) is that layer's error; the other layers are still modelled.
 */
#include "tessera.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_NAMES = 4 * MAX_LOOPS };

/* What a loop name of the template stands for in the retargeted layer. */
typedef struct Name {
	const char *name;   /* the template's name */
	const char *as;     /* the name in the new schedule; NULL: absent */
	long extent;        /* its extent in the new layer */
} Name;

typedef struct Rt {
	Arena *a;
	const Program *tp;  /* the template */
	const LoopNest *tln;
	const Layer *l;     /* the new layer */
	Name names[MAX_NAMES];
	int nnames;
	int dim_taken[MAX_ARRAY_DIMS];
	char *notes;
	size_t nlen;
	char *err;
	size_t elen;
} Rt;

static void note(Rt *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void note(Rt *r, const char *fmt, ...)
{
	size_t used = strlen(r->notes);
	if (used + 3 >= r->nlen)
		return;
	if (used)
		used += (size_t)snprintf(r->notes + used, r->nlen - used, "; ");
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->notes + used, r->nlen - used, fmt, ap);
	va_end(ap);
}

static Name *lookup(Rt *r, const char *s)
{
	for (int i = r->nnames - 1; i >= 0; i--)
		if (!strcmp(r->names[i].name, s))
			return &r->names[i];
	return NULL;
}

static void define(Rt *r, const char *s, const char *as, long extent)
{
	Name *n = lookup(r, s);
	if (!n) {
		ASSERT(r->nnames < MAX_NAMES);
		n = &r->names[r->nnames++];
	}
	*n = (Name){s, as, extent};
}

static Directive *copy_dir(Rt *r, const Directive *d, int nargs)
{
	Directive *c = arena_alloc(r->a, sizeof *c);
	*c = *d;
	c->chain = NULL;
	c->nargs = nargs;
	c->args = arena_alloc(r->a, sizeof(Arg) * (size_t)(nargs + 1));
	return c;
}

static Arg name_arg(const Arg *a, const char *s)
{
	Arg b = *a;
	b.name = s;
	return b;
}

static Arg int_arg(const Arg *a, long v)
{
	Arg b = *a;
	b.name = NULL;
	b.value = v;
	return b;
}

/* A template loop name as it stands in the new schedule (NULL: absent);
 * names the template never defined are passed on for the checker. */
static const char *as(Rt *r, const Arg *a)
{
	if (!a->name)
		return NULL;
	Name *n = lookup(r, a->name);
	return n ? n->as : a->name;
}

static long extent_of(Rt *r, const char *s)
{
	Name *n = lookup(r, s);
	return n ? n->extent : 0;
}

/* split(v, vo, vi, f) of loop v with factor f; 0 when v is absent. */
static int split(Rt *r, const Directive *d, const Arg *v, const Arg *vo,
                 const Arg *vi, const Arg *f, Directive **out)
{
	const char *src = as(r, v);
	if (!src || !vo->name || !vi->name || f->name || f->value < 1) {
		if (!src && vo->name && vi->name) {
			define(r, vo->name, NULL, 0);
			define(r, vi->name, NULL, 0);
		}
		if (src) {  /* malformed: pass it on for the checker */
			Directive *c = copy_dir(r, d, 4);
			c->args[0] = name_arg(v, src);
			c->args[1] = *vo;
			c->args[2] = *vi;
			c->args[3] = *f;
			*out = c;
			return 1;
		}
		return 0;
	}
	long ext = extent_of(r, src), fac = f->value;
	if (ext && fac > ext) {
		note(r, "split %s by %ld, not %ld", v->name, ext, fac);
		fac = ext;
	}
	Directive *c = copy_dir(r, d, 4);
	c->kind = DIR_SPLIT;
	c->args[0] = name_arg(v, src);
	c->args[1] = *vo;
	c->args[2] = *vi;
	c->args[3] = int_arg(f, fac);
	define(r, vo->name, vo->name, ext ? (ext + fac - 1) / fac : 0);
	define(r, vi->name, vi->name, fac);
	*out = c;
	return 1;
}

/* The template's array dimension of unrolled loop `s` (-1: none). */
static int template_dim(Rt *r, const char *s)
{
	for (int i = 0; i < r->tln->nloops; i++)
		if (!strcmp(r->tln->loop[i].name, s) &&
		    r->tln->loop[i].kind == LOOP_SPATIAL)
			return r->tln->loop[i].array_dim;
	return -1;
}

/* The loop that accelerate() or compute_at() at template loop `s` means
 * in the new layer: s itself, or the next loop outside it that exists. */
static const char *placement(Rt *r, const Arg *a, const char *what)
{
	const char *s = as(r, a);
	if (s || !a->name)
		return s ? s : "";
	int i = r->tln->nloops - 1;
	while (i >= 0 && strcmp(r->tln->loop[i].name, a->name))
		i--;
	for (int j = i - 1; j >= 0; j--) {
		const char *o = lookup(r, r->tln->loop[j].name)
		                ? lookup(r, r->tln->loop[j].name)->as
		                : r->tln->loop[j].name;
		if (o) {
			note(r, "%s at %s, not %s", what, o, a->name);
			return o;
		}
	}
	snprintf(r->err, r->elen, "%s:%d:%d: error: %s at loop %s: neither it "
	         "nor any loop outside it exists in layer %s",
	         a->loc.src ? a->loc.src->name : "?", a->loc.line, a->loc.col,
	         what, a->name, r->l->name);
	return NULL;
}

/* Whether the new layer's tensor `t` is indexed by any dim of loop s. */
static int indexed_by(Rt *r, const char *tname, const char *s)
{
	const Layer *l = r->l;
	int t = -1;
	for (int u = 0; u < NTENSORS; u++)
		if (!strcmp(l->t[u].name, tname))
			t = u;
	int d = -1;
	for (int k = 0; k < NDIMS; k++)
		if (!strcmp(dim_lower[k], s))
			d = k;
	if (t < 0)
		return 0;
	/* s is a derived name: find the template loop's dims */
	for (int i = 0; d < 0 && i < r->tln->nloops; i++)
		if (!strcmp(r->tln->loop[i].name, s)) {
			for (int p = 0; p < r->tln->loop[i].nparts; p++) {
				int pd = r->tln->loop[i].part[p].dim;
				for (int q = 0; q < l->t[t].rank; q++)
					if (l->t[t].idx[q].coef[pd])
						return 1;
			}
			return 0;
		}
	if (d < 0)
		return 0;
	for (int q = 0; q < l->t[t].rank; q++)
		if (l->t[t].idx[q].coef[d])
			return 1;
	return 0;
}

/* One loop directive of the template, rewritten; 0: dropped. */
static int loop_dir(Rt *r, const Directive *d, Directive **out)
{
	const Arg *a = d->args;
	switch (d->kind) {
	case DIR_SPLIT:
		if (d->nargs != 4)
			break;
		if (!split(r, d, &a[0], &a[1], &a[2], &a[3], out)) {
			note(r, "no %s: split dropped", a[0].name);
			return 0;
		}
		return 1;
	case DIR_TILE: {
		if (d->nargs != 6 && d->nargs != 8)
			break;
		int six = d->nargs == 6;
		Arg xo = six ? a[0] : a[2], yo = six ? a[1] : a[3];
		const Arg *xi = six ? &a[2] : &a[4], *yi = six ? &a[3] : &a[5];
		const Arg *fx = six ? &a[4] : &a[6], *fy = six ? &a[5] : &a[7];
		Directive *sx = NULL, *sy = NULL;
		int hx = split(r, d, &a[0], &xo, xi, fx, &sx);
		int hy = split(r, d, &a[1], &yo, yi, fy, &sy);
		if (hx && hy) {
			Directive *c = copy_dir(r, d, d->nargs);
			memcpy(c->args, a, sizeof(Arg) * (size_t)d->nargs);
			c->args[0] = sx->args[0];
			c->args[1] = sy->args[0];
			c->args[d->nargs - 2] = sx->args[3];
			c->args[d->nargs - 1] = sy->args[3];
			*out = c;
			return 1;
		}
		if (!hx && !hy) {
			note(r, "no %s, %s: tile dropped", a[0].name, a[1].name);
			return 0;
		}
		note(r, "tile of %s, %s as a split", a[0].name, a[1].name);
		*out = hx ? sx : sy;
		return 1;
	}
	case DIR_REORDER: {
		Directive *c = copy_dir(r, d, d->nargs);
		c->nargs = 0;
		for (int k = 0; k < d->nargs; k++) {
			const char *s = as(r, &a[k]);
			if (s || !a[k].name)
				c->args[c->nargs++] = a[k].name ? name_arg(&a[k], s) : a[k];
		}
		*out = c;
		return 1;
	}
	case DIR_FUSE: {
		if (d->nargs != 3 || !a[2].name)
			break;
		const char *i = as(r, &a[0]), *o = as(r, &a[1]);
		if (i && o) {
			Directive *c = copy_dir(r, d, 3);
			c->args[0] = name_arg(&a[0], i);
			c->args[1] = name_arg(&a[1], o);
			c->args[2] = a[2];
			define(r, a[2].name, a[2].name,
			       extent_of(r, i) * extent_of(r, o));
			*out = c;
			return 1;
		}
		const char *left = i ? i : o;
		define(r, a[2].name, left, left ? extent_of(r, left) : 0);
		if (left)
			note(r, "fuse %s as %s alone", a[2].name, left);
		return 0;
	}
	case DIR_UNROLL:
	case DIR_REPLICATE: {
		if (d->nargs < 1)
			break;
		const char *s = as(r, &a[0]);
		if (!s && a[0].name) {
			note(r, "no %s: %s dropped", a[0].name,
			     directive_name[d->kind]);
			return 0;
		}
		int dim = a[0].name ? template_dim(r, a[0].name) : -1;
		if (dim < 0)
			break;
		Directive *c = copy_dir(r, d, 2);
		c->args[0] = name_arg(&a[0], s);
		c->args[1] = int_arg(&a[0], dim);
		if (!r->dim_taken[dim] && d->kind == DIR_REPLICATE) {
			c->kind = DIR_UNROLL;
			note(r, "replicate(%s) as unroll", a[0].name);
		}
		r->dim_taken[dim] = 1;
		*out = c;
		return 1;
	}
	case DIR_PAD:   /* a padded extent is one layer's */
		if (d->nargs != 2)
			break;
		note(r, "pad(%s, %ld) dropped", a[0].name ? a[0].name : "?",
		     a[1].value);
		return 0;
	default:
		break;
	}
	*out = copy_dir(r, d, d->nargs);  /* as written, for the checker */
	memcpy((*out)->args, a, sizeof(Arg) * (size_t)d->nargs);
	for (int k = 0; k < d->nargs; k++)
		if (a[k].name && as(r, &a[k]))
			(*out)->args[k].name = as(r, &a[k]);
	return 1;
}

/* accelerate, buffer chains and systolic, which name loops of the final
 * nest; 0: dropped, -1: cannot be placed (r->err). */
static int late_dir(Rt *r, const Directive *d, Directive **out)
{
	const Arg *a = d->args;
	if (d->kind == DIR_ACCELERATE && d->nargs == 1) {
		const char *s = placement(r, &a[0], "accelerate()");
		if (!s)
			return -1;
		*out = copy_dir(r, d, 1);
		(*out)->args[0] = *s ? name_arg(&a[0], s) : a[0];
		return 1;
	}
	if (d->kind == DIR_SYSTOLIC && d->nargs == 1) {
		const char *s = as(r, &a[0]);
		if (!s && a[0].name) {
			note(r, "no %s: %s.systolic dropped", a[0].name, d->recv);
			return 0;
		}
		if (s && indexed_by(r, d->recv, a[0].name)) {
			note(r, "%s is indexed by %s here: %s.systolic dropped",
			     d->recv, a[0].name, d->recv);
			return 0;
		}
		*out = copy_dir(r, d, 1);
		(*out)->args[0] = s ? name_arg(&a[0], s) : a[0];
		return 1;
	}
	if (d->kind != DIR_IN) {
		*out = copy_dir(r, d, d->nargs);
		memcpy((*out)->args, a, sizeof(Arg) * (size_t)d->nargs);
		return 1;
	}
	/* T.in(L).compute_at(O, v).double_buffer() */
	Directive *head = copy_dir(r, d, d->nargs), *tail = head;
	memcpy(head->args, a, sizeof(Arg) * (size_t)d->nargs);
	for (const Directive *x = d->chain; x; x = x->chain) {
		Directive *c = copy_dir(r, x, x->nargs);
		memcpy(c->args, x->args, sizeof(Arg) * (size_t)x->nargs);
		if (x->kind == DIR_COMPUTE_AT && x->nargs == 2) {
			char what[64];
			snprintf(what, sizeof what, "%s.compute_at()", d->recv);
			const char *s = placement(r, &x->args[1], what);
			if (!s)
				return -1;
			if (*s)
				c->args[1] = name_arg(&x->args[1], s);
		}
		tail->chain = c;
		tail = c;
	}
	*out = head;
	return 1;
}

/* Which template tensor plays each role of the new layer: the operands
 * are swapped when the template wrote weight * input. */
static void roles(const Layer *tl, const Layer *l, int map[NTENSORS])
{
	int score[2] = {0, 0};
	for (int sw = 0; sw < 2; sw++)
		for (int t = 0; t < NTENSORS; t++) {
			int u = sw && t ? 3 - t : t;
			unsigned a = 0, b = 0;
			for (int d = 0; d < NDIMS; d++) {
				if (!tl->extent[d] || !l->extent[d])
					continue;
				for (int q = 0; q < tl->t[u].rank; q++)
					a |= (tl->t[u].idx[q].coef[d] != 0) << d;
				for (int q = 0; q < l->t[t].rank; q++)
					b |= (l->t[t].idx[q].coef[d] != 0) << d;
			}
			score[sw] += a == b;
		}
	int sw = score[1] > score[0];
	for (int t = 0; t < NTENSORS; t++)
		map[t] = sw && t ? 3 - t : t;
}

int schedule_retarget(Arena *a, const Program *tp, const LoopNest *tln,
                      const Layer *l, Program *out, char *notes,
                      size_t nlen, char *err, size_t elen)
{
	Rt r = {.a = a, .tp = tp, .tln = tln, .notes = notes, .nlen = nlen,
	        .err = err, .elen = elen};
	notes[0] = 0;
	err[0] = 0;
	*out = (Program){0};
	out->layer = *l;
	out->arch = tp->arch;
	out->has_layer = 1;
	out->has_arch = tp->has_arch;
	int map[NTENSORS];
	roles(&tp->layer, l, map);
	for (int t = 0; t < NTENSORS; t++) {
		out->layer.t[t].name = tp->layer.t[map[t]].name;
		out->layer.t[t].type = tp->layer.t[map[t]].type;
	}
	r.l = &out->layer;
	for (int d = 0; d < NDIMS; d++)
		define(&r, dim_lower[d], l->extent[d] ? dim_lower[d] : NULL,
		       l->extent[d]);
	const Schedule *s = &tp->sched;
	out->sched = *s;
	out->sched.dirs = arena_alloc(a, sizeof(Directive *) *
	                              (size_t)(s->ndirs * 2 + 1));
	out->sched.ndirs = 0;
	/* loop directives first, in order, so that every name is known
	 * before the late ones are placed; the schedule pass resolves the
	 * late ones after all loop directives anyway */
	for (int pass = 0; pass < 2; pass++)
		for (int k = 0; k < s->ndirs; k++) {
			const Directive *d = s->dirs[k];
			int loopdir = 0;
#define X(e, str, o) if (d->kind == DIR_##e) loopdir = o;
			DIRECTIVES(X)
#undef X
			if (loopdir && d->kind == DIR_ACCELERATE)
				loopdir = 0;
			if (loopdir != !pass)
				continue;
			Directive *o = NULL;
			int n = pass ? late_dir(&r, d, &o) : loop_dir(&r, d, &o);
			if (n < 0)
				return 0;
			if (!n)
				continue;
			out->sched.dirs[out->sched.ndirs++] = o;
		}
	return 1;
}

/* The first line of what a Diag wrote to a memory stream. */
static const char *first_line(Arena *a, char *buf, size_t len)
{
	if (!buf || !len)
		return "error";
	size_t n = 0;
	while (n < len && buf[n] != '\n')
		n++;
	return arena_strndup(a, buf, n);
}

/* Retargets, lowers and models one layer into res. */
static void eval_layer(Arena *a, const NetLayer *nl, const Program *tp,
                       const LoopNest *tln, NetResult *res,
                       void (*timing)(const LoopNest *, Model *))
{
	char notes[1024], err[512];
	res->nl = nl;
	res->p = arena_alloc(a, sizeof *res->p);
	if (!schedule_retarget(a, tp, tln, &nl->layer, res->p, notes,
	                       sizeof notes, err, sizeof err)) {
		res->error = arena_strndup(a, err, strlen(err));
		return;
	}
	res->notes = arena_strndup(a, notes, strlen(notes));
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		INTERNAL("open_memstream failed");
	Diag d = {.out = f};
	res->ln = arena_alloc(a, sizeof *res->ln);
	int ok = lower(&d, res->p, res->ln, NULL);
	fclose(f);
	if (!ok)
		res->error = first_line(a, buf, len);
	free(buf);
	if (!ok)
		return;
	if (!model_eval(res->ln, &res->m, 0)) {
		res->error = "the dataflow has no accelerate() loop";
		return;
	}
	if (timing)
		timing(res->ln, &res->m);
	res->mapped = 1;
}

int network_eval(Arena *a, const Network *net, const Program *tp,
                 const LoopNest *tln, NetResult *res, NetTotal *tot,
                 void (*timing)(const LoopNest *, Model *))
{
	*tot = (NetTotal){0};
	for (int i = 0; i < net->nlayers; i++) {
		NetResult *r = &res[i];
		*r = (NetResult){0};
		eval_layer(a, &net->layer[i], tp, tln, r, timing);
		long rep = net->layer[i].repeat;
		tot->macs_all += net->layer[i].layer.macs * rep;
		if (!r->mapped) {
			tot->unmapped++;
			continue;
		}
		tot->layers += rep;
		net_total_add(tot, &r->m, rep);
	}
	net_total_finish(tot);
	return tot->unmapped == 0;
}

void net_total_add(NetTotal *t, const Model *m, long rep)
{
	t->macs += m->macs * rep;
	t->cycles += m->cycles * rep;
	t->energy += m->e_total * rep;
	t->e_mac += m->e_mac * rep;
	t->pes = m->pes;
}

void net_total_finish(NetTotal *t)
{
	t->pj_per_mac = t->macs ? t->energy / (double)t->macs : 0;
	t->utilization = t->cycles && t->pes
	                 ? (double)t->macs / ((double)t->pes * (double)t->cycles)
	                 : 0;
}
