/* check.c - gives a parsed layer its meaning: loop extents, named
 * constants, element types, affine indices and tensor shapes, with every
 * inconsistency reported where it was written.
 */
#include "frontend.h"

#include <string.h>

enum { MAX_CONSTS = 32 };

typedef struct Scope {
	const ItemAst *consts[MAX_CONSTS];
	int nconsts;
	const Layer *l;
} Scope;

static int dim_by_upper(const char *s)
{
	for (int d = 0; d < NDIMS; d++)
		if (!strcmp(dim_upper[d], s))
			return d;
	return -1;
}

static int dim_by_lower(const char *s)
{
	for (int d = 0; d < NDIMS; d++)
		if (!strcmp(dim_lower[d], s))
			return d;
	return -1;
}

static const ItemAst *find_const(const Scope *sc, const char *s)
{
	for (int i = 0; i < sc->nconsts; i++)
		if (!strcmp(sc->consts[i]->name, s))
			return sc->consts[i];
	return NULL;
}

/* Loop extents and named constants (NAME = INT). */
static void extents(Diag *d, const LayerAst *ast, Layer *l, Scope *sc)
{
	for (const ItemAst *it = ast->items; it; it = it->next) {
		if (it->is_type)
			continue;
		int dim = dim_by_upper(it->name);
		if (dim >= 0) {
			if (l->extent[dim])
				diag_error(d, it->loc, "extent %s is given twice (first "
				           "at line %d)", it->name, l->extent_loc[dim].line);
			else if (it->value < 1 || it->value > (1L << 31)) {
				diag_error(d, it->loc, "extent %s must be between 1 and "
				           "2^31", it->name);
				l->extent[dim] = 1; /* no follow-on errors */
				l->extent_loc[dim] = it->loc;
			}
			else {
				l->extent[dim] = it->value;
				l->extent_loc[dim] = it->loc;
			}
		} else if (dim_by_lower(it->name) >= 0) {
			diag_error(d, it->loc, "'%s' is a loop; write its extent in "
			           "capitals (%s=...)", it->name,
			           dim_upper[dim_by_lower(it->name)]);
		} else if (find_const(sc, it->name)) {
			diag_error(d, it->loc, "constant %s is given twice", it->name);
		} else if (sc->nconsts == MAX_CONSTS) {
			diag_error(d, it->loc, "too many constants");
		} else if (it->value > (1L << 31)) {
			diag_error(d, it->loc, "constant %s is too large", it->name);
		} else {
			sc->consts[sc->nconsts++] = it;
		}
	}
}

/* Resolves one name in an index term: a loop (returns its dim) or a
 * constant (multiplies *coef, returns -1); -2 on error. */
static int resolve_name(Diag *d, const Scope *sc, const char *name, Loc loc,
                        long *coef)
{
	int dim = dim_by_lower(name);
	if (dim >= 0) {
		if (!sc->l->extent[dim]) {
			diag_error(d, loc, "unknown loop %s: the layer gives no "
			           "extent %s", name, dim_upper[dim]);
			return -2;
		}
		return dim;
	}
	const ItemAst *c = find_const(sc, name);
	if (!c) {
		char consts[256] = "";
		size_t n = 0;
		for (int i = 0; i < sc->nconsts && n < sizeof consts; i++)
			n += (size_t)snprintf(consts + n, sizeof consts - n, "%s%s",
			                      i ? ", " : "; here ",
			                      sc->consts[i]->name);
		if (sc->nconsts && n < sizeof consts)
			snprintf(consts + n, sizeof consts - n, " %s constant%s",
			         sc->nconsts > 1 ? "are" : "is a",
			         sc->nconsts > 1 ? "s" : "");
		diag_error(d, loc, "unknown loop or constant '%s' (the loops are "
		           "n k c y x fy fx, with extents N K C Y X FY FX%s)", name,
		           consts);
		return -2;
	}
	*coef *= c->value;
	return -1;
}

static int affine(Diag *d, const Scope *sc, const Term *t, Affine *a)
{
	int ok = 1;
	for (; t; t = t->next) {
		long coef = t->coef;
		int dim = -1;
		const char *names[2] = {t->var, t->cvar};
		for (int i = 0; i < 2; i++) {
			if (!names[i])
				continue;
			int r = resolve_name(d, sc, names[i], t->loc, &coef);
			if (r == -2) {
				ok = 0;
			} else if (r >= 0 && dim >= 0) {
				diag_error(d, t->loc, "an index term may use one loop; "
				           "%s * %s multiplies two", names[0], names[1]);
				ok = 0;
			} else if (r >= 0) {
				dim = r;
			}
		}
		if (coef > (1L << 31)) {
			diag_error(d, t->loc, "index coefficient is too large");
			ok = 0;
		} else if (dim >= 0) {
			a->coef[dim] += coef;
		} else {
			a->offset += coef;
		}
	}
	return ok;
}

static void print_affine(char *buf, size_t n, const Affine *a)
{
	size_t len = 0;
	buf[0] = 0;
	for (int dim = 0; dim < NDIMS; dim++) {
		if (!a->coef[dim])
			continue;
		if (a->coef[dim] == 1)
			len += (size_t)snprintf(buf + len, n - len, "%s%s",
			                        len ? "+" : "", dim_lower[dim]);
		else
			len += (size_t)snprintf(buf + len, n - len, "%s%ld*%s",
			                        len ? "+" : "", a->coef[dim],
			                        dim_lower[dim]);
		if (len >= n)
			return;
	}
	if (a->offset || !len)
		snprintf(buf + len, n - len, "%s%ld", len ? "+" : "", a->offset);
}

/* Shape each index reaches, checked against a declared shape. */
static void shape(Diag *d, const Layer *l, Tensor *t, const ItemAst *decl)
{
	for (int i = 0; i < t->rank; i++) {
		long hi = t->idx[i].offset;
		for (int dim = 0; dim < NDIMS; dim++)
			hi += t->idx[i].coef[dim] * (l->extent[dim] - 1);
		t->shape[i] = hi + 1;
	}
	if (!decl || !decl->rank)
		return;
	if (decl->rank != t->rank) {
		diag_error(d, decl->type_loc, "tensor %s is declared with %d "
		           "dimension%s but indexed with %d", t->name, decl->rank,
		           decl->rank == 1 ? "" : "s", t->rank);
		return;
	}
	for (int i = 0; i < t->rank; i++) {
		char ix[128];
		print_affine(ix, sizeof ix, &t->idx[i]);
		int out = t == &l->t[T_OUT];
		if (out ? decl->shape[i] != t->shape[i]
		        : decl->shape[i] < t->shape[i]) {
			diag_error(d, decl->type_loc, "tensor %s dimension %d is "
			           "declared %ld but index %s %s %ld", t->name, i,
			           decl->shape[i], ix, out ? "spans" : "reaches",
			           t->shape[i]);
		}
		if (!out)
			t->shape[i] = decl->shape[i];
	}
}

/* Output indices are distinct plain loops; every loop is used. */
static void structure(Diag *d, const LayerAst *ast, Layer *l)
{
	const Tensor *o = &l->t[T_OUT];
	int in_out[NDIMS] = {0};
	for (int i = 0; i < o->rank; i++) {
		const Affine *a = &o->idx[i];
		int n = 0, dim = -1;
		for (int k = 0; k < NDIMS; k++)
			if (a->coef[k]) {
				n++;
				dim = k;
			}
		if (n != 1 || a->coef[dim] != 1 || a->offset) {
			diag_error(d, ast->ref[T_OUT].idx_loc[i], "an output index "
			           "must be a single loop, such as k");
		} else if (in_out[dim]) {
			diag_error(d, ast->ref[T_OUT].idx_loc[i], "loop %s indexes "
			           "the output twice", dim_lower[dim]);
		} else {
			in_out[dim] = 1;
		}
	}
	for (int dim = 0; dim < NDIMS; dim++) {
		if (!l->extent[dim])
			continue;
		int used = in_out[dim];
		for (int t = T_A; t <= T_B; t++)
			for (int i = 0; i < l->t[t].rank; i++)
				used |= l->t[t].idx[i].coef[dim] != 0;
		if (!used)
			diag_error(d, l->extent_loc[dim], "loop %s has an extent but "
			           "indexes no tensor", dim_lower[dim]);
	}
}

static const ItemAst *type_decl(Diag *d, const LayerAst *ast, Layer *l,
                                int t)
{
	const ItemAst *found = NULL;
	for (const ItemAst *it = ast->items; it; it = it->next) {
		if (!it->is_type || strcmp(it->name, l->t[t].name))
			continue;
		if (found) {
			diag_error(d, it->loc, "tensor %s's type is given twice",
			           it->name);
			continue;
		}
		found = it;
		int max = t == T_OUT ? 64 : 32;
		if (it->type.bits < 2 || it->type.bits > max)
			diag_error(d, it->type_loc, "%s needs between 2 and %d bits",
			           t == T_OUT ? "the output" : "an input", max);
		else
			l->t[t].type = it->type;
	}
	return found;
}

int layer_resolve(Diag *d, const LayerAst *ast, Layer *l)
{
	int errors = d->nerrors;
	memset(l, 0, sizeof *l);
	l->name = ast->name;
	l->loc = ast->loc;
	Scope sc = {.l = l};
	extents(d, ast, l, &sc);
	static const ElemType deftype[NTENSORS] = {{32, 1}, {16, 1}, {16, 1}};
	for (int t = 0; t < NTENSORS; t++) {
		const RefAst *r = &ast->ref[t];
		Tensor *ten = &l->t[t];
		ten->name = r->name;
		ten->loc = r->loc;
		ten->rank = r->rank;
		ten->type = deftype[t];
		for (int u = 0; u < t; u++)
			if (!strcmp(l->t[u].name, r->name))
				diag_error(d, r->loc, "tensor %s appears twice in the "
				           "statement", r->name);
		if (find_const(&sc, r->name))
			diag_error(d, r->loc, "%s is both a constant and a tensor",
			           r->name);
		if (r->rank == 0)
			diag_error(d, r->loc, "tensor %s has no index", r->name);
		for (int i = 0; i < r->rank; i++)
			if (!affine(d, &sc, r->idx[i], &ten->idx[i]))
				break;
		for (int i = 0; i < r->rank; i++)
			ten->idx[i].loc = r->idx_loc[i];
	}
	for (const ItemAst *it = ast->items; it; it = it->next) {
		int known = 0;
		for (int t = 0; t < NTENSORS; t++)
			known |= !strcmp(it->name, l->t[t].name);
		if (it->is_type && !known)
			diag_error(d, it->loc, "unknown tensor %s: the statement uses "
			           "%s, %s and %s", it->name, l->t[0].name,
			           l->t[1].name, l->t[2].name);
	}
	if (d->nerrors > errors)
		return 0;
	structure(d, ast, l);
	for (int t = 0; t < NTENSORS; t++)
		shape(d, l, &l->t[t], type_decl(d, ast, l, t));
	l->macs = 1;
	for (int dim = 0; dim < NDIMS; dim++) {
		if (!l->extent[dim])
			continue;
		if (l->macs > (1L << 50) / l->extent[dim]) {
			diag_error(d, ast->loc, "layer %s has more than 2^50 MACs",
			           l->name);
			break;
		}
		l->macs *= l->extent[dim];
	}
	for (int t = 0; t < NTENSORS && d->nerrors == errors; t++) {
		long n = 1;
		for (int i = 0; i < l->t[t].rank; i++) {
			if (n > (1L << 40) / l->t[t].shape[i]) {
				diag_error(d, l->t[t].loc, "tensor %s has more than 2^40 "
				           "elements", l->t[t].name);
				break;
			}
			n *= l->t[t].shape[i];
		}
	}
	return d->nerrors == errors;
}
