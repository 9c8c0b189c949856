/* late.c - the directives resolved once every loop directive has run,
 * so that they name loops of the final nest: accelerate(), the buffers
 * (T.in(L).compute_at(O, v), double_buffer()) and systolic().
 */
#include "schedule.h"

#include <stdio.h>
#include <string.h>

static void resolve_accel(Ctx *c)
{
	LoopNest *ln = c->ln;
	ln->accel = -1;
	if (c->accel) {
		ln->accel = loop_arg(c, &c->accel->args[0]);
		ln->accel_loc = c->accel->loc;
	}
	for (int i = 0; i < ln->nloops; i++) {
		const Loop *l = &ln->loop[i];
		if (l->kind != LOOP_SPATIAL)
			continue;
		if (!c->accel)
			diag_error(c->d, l->unroll_loc, "loop %s is unrolled onto the "
			           "PE array, but no loop is marked accelerate()",
			           l->name);
		else if (ln->accel >= 0 && i <= ln->accel)
			diag_error(c->d, l->unroll_loc, "unrolled loop %s is not "
			           "inside accelerate(%s): the PE array runs the loops "
			           "inside it", l->name, ln->loop[ln->accel].name);
	}
}

static int tensor_recv(Ctx *c, const Directive *dir)
{
	int t = tensor_index(&c->p->layer, dir->recv);
	if (t < 0)
		diag_error(c->d, dir->recv_loc, "unknown tensor %s", dir->recv);
	return t;
}

static void level_names(const Arch *a, char *buf, size_t n)
{
	size_t len = 0;
	buf[0] = 0;
	for (int i = 0; i < a->nlevels - 1 && len < n; i++)
		len += (size_t)snprintf(buf + len, n - len, "%s%s", i ? ", " : "",
		                        a->level[i].name);
}

/* Parses T.in(L).compute_at(O, v)[.double_buffer()] into a Buffer. */
static int buffer_parse(Ctx *c, const Directive *dir, Buffer *b)
{
	const Arch *ar = c->ln->arch;
	int t = tensor_recv(c, dir);
	if (t < 0 || !nargs_ok(c, dir, 1, 1, "(memory level)"))
		return 0;
	*b = (Buffer){.tensor = t, .loc = dir->loc, .at = -1,
	              .refill = REFILL_UNKNOWN};
	const Arg *a = &dir->args[0];
	b->level = a->name ? arch_find_level(ar, a->name) : -1;
	if (b->level < 0 || ar->level[b->level].offchip) {
		char names[256];
		level_names(ar, names, sizeof names);
		if (b->level < 0 && a->name)
			diag_error(c->d, a->loc, "unknown memory level %s (on-chip "
			           "levels: %s)", a->name, names);
		else
			diag_error(c->d, a->loc, "a buffer needs an on-chip level "
			           "(%s)", names);
		return 0;
	}
	if (!arch_holds(ar, b->level, t)) {
		const Level *lv = &ar->level[b->level];
		char held[64] = "";
		for (int k = 0, n = 0; k < NTENSORS; k++)
			if (lv->holds >> k & 1)
				n += snprintf(held + n, sizeof held - (size_t)n, "%s%s",
				              n ? ", " : "", c->p->layer.t[k].name);
		diag_error(c->d, a->loc, "%s.in(%s): level %s does not hold %s "
		           "(it holds %s, line %d)", dir->recv, a->name, a->name,
		           dir->recv, held, lv->holds_loc.line);
		diag_note(c->d, lv->holds_loc, "%s's holds clause", a->name);
		return 0;
	}
	int have_at = 0;
	for (const Directive *x = dir->chain; x; x = x->chain) {
		if (x->kind == DIR_DOUBLE_BUFFER) {
			if (nargs_ok(c, x, 0, 0, "no arguments"))
				b->double_buffered = 1;
			continue;
		}
		if (x->kind == DIR_KEEP_OVERLAP) {
			if (!nargs_ok(c, x, 0, 0, "no arguments"))
				return 0;
			if (t == T_OUT) {
				diag_error(c->d, x->loc, "keep_overlap() is for an "
				           "input's buffer: blocks of the output %s never "
				           "overlap", dir->recv);
				return 0;
			}
			b->keep_overlap = 1;
			continue;
		}
		if (!nargs_ok(c, x, 2, 2, "(output, loop)"))
			return 0;
		if (have_at) {
			diag_error(c->d, x->loc, "compute_at is given twice for "
			           "%s.in(%s)", dir->recv, a->name);
			return 0;
		}
		if (!x->args[0].name ||
		    strcmp(x->args[0].name, c->p->layer.t[T_OUT].name)) {
			diag_error(c->d, x->args[0].loc, "compute_at places a buffer "
			           "in the loops of the output %s",
			           c->p->layer.t[T_OUT].name);
			return 0;
		}
		b->at = loop_arg(c, &x->args[1]);
		if (b->at < 0)
			return 0;
		b->loc = x->args[1].loc;
		have_at = 1;
	}
	if (!have_at) {
		diag_error(c->d, dir->loc, "%s.in(%s) needs .compute_at(%s, loop)",
		           dir->recv, a->name, c->p->layer.t[T_OUT].name);
		return 0;
	}
	return 1;
}

/* Where a buffer may sit: inside accelerate, shared levels outside the
 * PE array, and nested like its levels. */
static void buffer_check(Ctx *c, const Buffer *b)
{
	LoopNest *ln = c->ln;
	const Level *lv = &ln->arch->level[b->level];
	const char *tn = ln->layer->t[b->tensor].name;
	if (ln->accel < 0) {
		diag_error(c->d, b->loc, "buffer %s.in(%s) needs an accelerate() "
		           "loop to live in", tn, lv->name);
		return;
	}
	if (b->at < ln->accel) {
		diag_error(c->d, b->loc, "buffer %s.in(%s) is at loop %s, outside "
		           "accelerate(%s): on-chip buffers live inside it", tn,
		           lv->name, ln->loop[b->at].name, ln->loop[ln->accel].name);
		return;
	}
	for (int i = 0; i <= b->at && !lv->per_pe; i++)
		if (ln->loop[i].kind == LOOP_SPATIAL) {
			diag_error(c->d, b->loc, "%s is shared by the whole PE array, "
			           "so %s.in(%s) must sit outside every unrolled loop; "
			           "%s is unrolled outside %s", lv->name, tn, lv->name,
			           ln->loop[i].name, ln->loop[b->at].name);
			return;
		}
	for (int k = 0; k < ln->nbufs; k++) {
		const Buffer *o = &ln->buf[k];
		if (o->tensor != b->tensor)
			continue;
		if (o->level == b->level) {
			diag_error(c->d, b->loc, "%s already has a buffer in %s (line "
			           "%d)", tn, lv->name, o->loc.line);
			return;
		}
		const Buffer *in = o->level < b->level ? o : b;
		const Buffer *out = o->level < b->level ? b : o;
		if (in->at < out->at) {
			diag_error(c->d, b->loc, "%s's buffer in %s (at %s) must be "
			           "inside its buffer in %s (at %s): inner levels hold "
			           "parts of outer ones", tn,
			           ln->arch->level[in->level].name,
			           ln->loop[in->at].name,
			           ln->arch->level[out->level].name,
			           ln->loop[out->at].name);
			return;
		}
	}
}

/* Whether loop i changes which element of tensor t is touched. */
int loop_indexes(const LoopNest *ln, int t, int i)
{
	const Tensor *ten = &ln->layer->t[t];
	for (int p = 0; p < ln->loop[i].nparts; p++)
		for (int r = 0; r < ten->rank; r++)
			if (ten->idx[r].coef[ln->loop[i].part[p].dim])
				return 1;
	return 0;
}

static void systolic(Ctx *c, const Directive *dir)
{
	int t = tensor_recv(c, dir);
	if (t < 0 || !nargs_ok(c, dir, 1, 1, "(unrolled loop)"))
		return;
	int i = loop_arg(c, &dir->args[0]);
	if (i < 0)
		return;
	const Loop *l = &c->ln->loop[i];
	if (l->kind != LOOP_SPATIAL) {
		diag_error(c->d, dir->args[0].loc, "systolic() forwards along an "
		           "array dimension; %s is not unrolled", l->name);
		return;
	}
	if (loop_indexes(c->ln, t, i)) {
		diag_error(c->d, dir->loc, "%s is indexed by %s, so each PE along "
		           "array dimension %d has its own: nothing to pass on "
		           "systolically", dir->recv, l->name, l->array_dim);
		return;
	}
	c->ln->systolic[t][l->array_dim] = 1;
}

void resolve_late(Ctx *c)
{
	LoopNest *ln = c->ln;
	const Schedule *s = &c->p->sched;
	resolve_accel(c);
	for (int k = 0; k < s->ndirs; k++) {
		const Directive *dir = s->dirs[k];
		if (dir->kind == DIR_IN) {
			Buffer b;
			if (!buffer_parse(c, dir, &b))
				continue;
			buffer_check(c, &b);
			if (ln->nbufs == MAX_BUFFERS)
				diag_error(c->d, dir->loc, "too many buffers");
			else
				ln->buf[ln->nbufs++] = b;
		} else if (dir->kind == DIR_SYSTOLIC) {
			if (!c->accel)
				diag_error(c->d, dir->loc, "systolic() needs an "
				           "accelerate() loop");
			else
				systolic(c, dir);
		} else if (dir->kind == DIR_COMPUTE_AT ||
		           dir->kind == DIR_DOUBLE_BUFFER ||
		           dir->kind == DIR_KEEP_OVERLAP) {
			diag_error(c->d, dir->loc, "%s follows %s.in(level)",
			           directive_name[dir->kind], dir->recv);
		}
	}
}
