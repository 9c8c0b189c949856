/* parse.c - recursive descent over the .tsr grammar (docs/dsl.md):
 *
 *   program  := { layer | schedule | arch }
 *   layer    := 'layer' NAME '{' { item | stmt } '}'
 *   item     := NAME '=' INT  |  NAME ':' TYPE [ '[' INT {',' INT} ']' ]
 *   stmt     := ref '+=' ref '*' ref
 *   schedule := 'schedule' '{' { NAME { '.' NAME '(' [arg {',' arg}] ')' } } '}'
 *   arch     := 'arch' [NAME] '{' { arch-item } '}'   (archparse.c)
 *
 * The first syntax error stops the parse; meaning is checked later
 * (layer_resolve, schedule_apply), where several errors are collected.
 */
#include "frontend.h"

#include <string.h>

void ps_next(Parser *ps)
{
	ps->tok = ps->ahead;
	ps->ahead = lex_next(&ps->lx);
}

int ps_is(const Parser *ps, TokKind k)
{
	return !ps->failed && ps->tok.kind == k;
}

int ps_is_word(const Parser *ps, const char *w)
{
	return ps_is(ps, TK_IDENT) && (size_t)ps->tok.len == strlen(w) &&
	       !strncmp(ps->tok.text, w, strlen(w));
}

void ps_syntax_error(Parser *ps, const char *what)
{
	if (ps->failed)
		return;
	const char *end = ps->lx.src->text + ps->lx.src->len;
	int k = ps->tok.kind == TK_BAD
	        ? utf8_char(ps->tok.text, (size_t)(end - ps->tok.text)) : 0;
	if (ps->tok.kind == TK_BAD && k)   /* a whole character: ×, é */
		diag_error(ps->diag, ps->tok.loc, "unexpected character '%.*s'",
		           k, ps->tok.text);
	else if (ps->tok.kind == TK_BAD)  /* a byte a terminal cannot show */
		diag_error(ps->diag, ps->tok.loc, "unexpected byte \\x%02x",
		           (unsigned char)*ps->tok.text);
	else if (ps->tok.kind == TK_EOF)
		diag_error(ps->diag, ps->tok.loc, "expected %s, found %s", what,
		           tok_kind_name(ps->tok.kind));
	else
		diag_error(ps->diag, ps->tok.loc, "expected %s, found '%.*s'",
		           what, ps->tok.len, ps->tok.text);
	ps->failed = 1;
}

int ps_expect(Parser *ps, TokKind k)
{
	if (ps_is(ps, k)) {
		ps_next(ps);
		return 1;
	}
	ps_syntax_error(ps, tok_kind_name(k));
	return 0;
}

const char *ps_ident(Parser *ps, const char *what, Loc *loc)
{
	if (!ps_is(ps, TK_IDENT)) {
		ps_syntax_error(ps, what);
		return NULL;
	}
	if (loc)
		*loc = ps->tok.loc;
	const char *s = arena_strndup(ps->arena, ps->tok.text, ps->tok.len);
	ps_next(ps);
	return s;
}

/* A non-negative integer that fits a long. */
long ps_integer(Parser *ps, const char *what, Loc *loc)
{
	if (!ps_is(ps, TK_INT)) {
		ps_syntax_error(ps, what);
		return 0;
	}
	if (ps->tok.overflow) {
		diag_error(ps->diag, ps->tok.loc, "integer %.*s is too large",
		           ps->tok.len, ps->tok.text);
		ps->failed = 1;
		return 0;
	}
	if (loc)
		*loc = ps->tok.loc;
	long v = ps->tok.ival;
	ps_next(ps);
	return v;
}

/* Whether this is the first of something a file (or layer) holds once;
 * `first` remembers where the first one was. */
int ps_only_one(Parser *ps, int *seen, Loc *first, const char *what)
{
	if (*seen) {
		diag_error(ps->diag, ps->tok.loc, "%s; the first is at line %d",
		           what, first->line);
		ps->failed = 1;
		return 0;
	}
	*seen = 1;
	*first = ps->tok.loc;
	return 1;
}

/* Between arguments: a ',' to go on, or the ')' that ends them. */
static void comma_or_close(Parser *ps)
{
	if (ps_is(ps, TK_COMMA))
		ps_next(ps);
	else if (!ps_is(ps, TK_RPAREN))
		ps_syntax_error(ps, "',' or ')'");
}

/* Whether a block opened at `open` goes on; reports a missing '}'. */
int ps_in_block(Parser *ps, const char *what, Loc open)
{
	if (ps->failed || ps_is(ps, TK_RBRACE))
		return 0;
	if (ps_is(ps, TK_EOF)) {
		diag_error(ps->diag, ps->tok.loc, "missing '}' to close the %s "
		           "block opened at line %d", what, open.line);
		ps->failed = 1;
		return 0;
	}
	return 1;
}

/* ---- layer ---- */

/* A statement that is not OUT += A * B (a bias term, max=, a pooling
 * sum) is a layer the accelerator cannot compute: said as such, not as
 * the token the grammar expected. */
static void not_mac(Parser *ps)
{
	if (ps->failed)
		return;
	diag_error(ps->diag, ps->tok.loc, "only multiply-accumulate layers are "
	           "supported (O(...) += A(...) * B(...))");
	ps->failed = 1;
}

/* factor := INT | NAME;  term := factor { '*' factor } */
static Term *term(Parser *ps)
{
	Term *t = arena_alloc(ps->arena, sizeof *t);
	t->coef = 1;
	t->loc = ps->tok.loc;
	do {
		if (ps_is(ps, TK_INT)) {
			long v = ps_integer(ps, "an integer", NULL);
			if (v != 0 && t->coef > (1L << 40) / v) {
				diag_error(ps->diag, t->loc, "index term is too large");
				ps->failed = 1;
			}
			t->coef *= v;
		} else if (ps_is(ps, TK_IDENT) && ps->ahead.kind == TK_LPAREN) {
			not_mac(ps);   /* a call such as max(I(...), ...) */
		} else if (ps_is(ps, TK_IDENT)) {
			Loc l;
			const char *n = ps_ident(ps, "a name", &l);
			if (!t->var) {
				t->var = n;
			} else if (!t->cvar) {
				t->cvar = n;
			} else {
				diag_error(ps->diag, l, "an index term may multiply "
				           "at most one loop and one constant");
				ps->failed = 1;
			}
		} else {
			ps_syntax_error(ps, "a loop name or an integer");
		}
	} while (!ps->failed && ps_is(ps, TK_STAR) && (ps_next(ps), 1));
	return t;
}

static void ref(Parser *ps, RefAst *r)
{
	r->name = ps_ident(ps, "a tensor name", &r->loc);
	ps_expect(ps, TK_LPAREN);
	while (!ps->failed && !ps_is(ps, TK_RPAREN)) {
		if (r->rank == MAX_RANK) {
			diag_error(ps->diag, ps->tok.loc,
			           "a tensor has at most %d indices", MAX_RANK);
			ps->failed = 1;
			return;
		}
		r->idx_loc[r->rank] = ps->tok.loc;
		Term **tail = &r->idx[r->rank];
		*tail = term(ps);
		while (ps_is(ps, TK_PLUS)) {
			ps_next(ps);
			tail = &(*tail)->next;
			*tail = term(ps);
		}
		r->rank++;
		comma_or_close(ps);
	}
	ps_expect(ps, TK_RPAREN);
}

static int parse_type(Parser *ps, ElemType *t, Loc *loc)
{
	*loc = ps->tok.loc;
	if (!ps_is(ps, TK_IDENT)) {
		ps_syntax_error(ps, "an element type such as i16");
		return 0;
	}
	const char *s = ps->tok.text;
	int len = ps->tok.len, bits = 0, ok = len >= 2 && len <= 3 &&
	                                    (s[0] == 'i' || s[0] == 'u');
	for (int i = 1; ok && i < len; i++) {
		ok = s[i] >= '0' && s[i] <= '9';
		bits = bits * 10 + (s[i] - '0');
	}
	if (!ok) {
		ps_syntax_error(ps, "an element type such as i16");
		return 0;
	}
	t->bits = bits;
	t->is_signed = s[0] == 'i';
	ps_next(ps);
	return 1;
}

static void layer_item(Parser *ps, LayerAst *la, ItemAst ***tail)
{
	ItemAst *it = arena_alloc(ps->arena, sizeof *it);
	it->name = ps_ident(ps, "a loop extent, type or statement", &it->loc);
	if (ps_is(ps, TK_ASSIGN)) {
		ps_next(ps);
		it->value = ps_integer(ps, "an integer", NULL);
	} else if (ps_is(ps, TK_COLON)) {
		ps_next(ps);
		it->is_type = 1;
		if (!parse_type(ps, &it->type, &it->type_loc))
			return;
		if (ps_is(ps, TK_LBRACK)) {
			ps_next(ps);
			do {
				if (it->rank == MAX_RANK) {
					diag_error(ps->diag, ps->tok.loc, "a tensor has at "
					           "most %d dimensions", MAX_RANK);
					ps->failed = 1;
					return;
				}
				it->shape[it->rank++] = ps_integer(ps, "an extent", NULL);
			} while (ps_is(ps, TK_COMMA) && (ps_next(ps), 1));
			ps_expect(ps, TK_RBRACK);
		}
	} else {
		ps_syntax_error(ps, "'=' or ':'");
		return;
	}
	**tail = it;
	*tail = &it->next;
	(void)la;
}

/* The '+=' or '*' of the statement. */
static void mac_token(Parser *ps, TokKind k)
{
	if (ps_is(ps, k))
		ps_next(ps);
	else if (ps_is(ps, TK_BAD))
		ps_syntax_error(ps, tok_kind_name(k));
	else
		not_mac(ps);
}

static void stmt(Parser *ps, LayerAst *la)
{
	if (!ps_only_one(ps, &la->has_stmt, &la->stmt_loc,
	              "a layer has one statement"))
		return;
	ref(ps, &la->ref[T_OUT]);
	mac_token(ps, TK_PLUSEQ);
	ref(ps, &la->ref[T_A]);
	mac_token(ps, TK_STAR);
	ref(ps, &la->ref[T_B]);
	if (ps_is(ps, TK_PLUS) || ps_is(ps, TK_STAR) || ps_is(ps, TK_MINUS))
		not_mac(ps);
}

static void layer(Parser *ps, Program *p)
{
	LayerAst la = {0};
	la.loc = ps->tok.loc;
	ps_next(ps);
	Loc nloc;
	la.name = ps_ident(ps, "the layer's name", &nloc);
	if (p->has_layer && !ps->failed) {
		diag_error(ps->diag, la.loc, "a file holds one layer; the first "
		           "is at line %d", p->layer.loc.line);
		ps->failed = 1;
	}
	ps_expect(ps, TK_LBRACE);
	ItemAst **tail = &la.items;
	while (ps_in_block(ps, "layer", la.loc)) {
		if (ps_is(ps, TK_IDENT) && ps->ahead.kind == TK_LPAREN)
			stmt(ps, &la);
		else
			layer_item(ps, &la, &tail);
	}
	ps_expect(ps, TK_RBRACE);
	if (ps->failed)
		return;
	if (!la.has_stmt) {
		diag_error(ps->diag, la.loc, "layer %s has no statement such as "
		           "O(n,k) += I(n,c) * W(k,c)", la.name);
		ps->failed = 1;
		return;
	}
	p->has_layer = 1;
	if (!layer_resolve(ps->diag, &la, &p->layer))
		ps->failed = 1;
}

/* ---- schedule ---- */

static Directive *call(Parser *ps, const char *recv, Loc recv_loc)
{
	Directive *dir = arena_alloc(ps->arena, sizeof *dir);
	dir->recv = recv;
	dir->recv_loc = recv_loc;
	const char *name = ps_ident(ps, "a scheduling directive", &dir->loc);
	if (ps->failed)
		return NULL;
	int k = 0;
	while (k < NDIRECTIVES && strcmp(directive_name[k], name))
		k++;
	if (k == NDIRECTIVES) {
		diag_error(ps->diag, dir->loc, "unknown directive '%s' (known: "
		           "split, tile, reorder, fuse, unroll, replicate, "
		           "accelerate, in, compute_at, double_buffer, systolic)",
		           name);
		ps->failed = 1;
		return NULL;
	}
	dir->kind = (DirKind)k;
	ps_expect(ps, TK_LPAREN);
	Arg args[MAX_LOOPS + 1];
	while (!ps->failed && !ps_is(ps, TK_RPAREN)) {
		if (dir->nargs == MAX_LOOPS + 1) {
			diag_error(ps->diag, ps->tok.loc, "too many arguments");
			ps->failed = 1;
			return NULL;
		}
		Arg *a = &args[dir->nargs++];
		*a = (Arg){0};
		a->loc = ps->tok.loc;
		if (ps_is(ps, TK_INT))
			a->value = ps_integer(ps, "an integer", NULL);
		else
			a->name = ps_ident(ps, "a name or an integer", NULL);
		comma_or_close(ps);
	}
	ps_expect(ps, TK_RPAREN);
	dir->args = arena_alloc(ps->arena, sizeof(Arg) * (size_t)(dir->nargs + 1));
	memcpy(dir->args, args, sizeof(Arg) * (size_t)dir->nargs);
	return ps->failed ? NULL : dir;
}

/* A chain T.a(..).b(..): buffer chains (in / compute_at / double_buffer)
 * stay linked as one directive; every other call stands alone. */
static void chain(Parser *ps, Schedule *s, Directive **list, int cap)
{
	Loc rloc;
	const char *recv = ps_ident(ps, "a tensor name", &rloc);
	if (!ps_is(ps, TK_DOT))
		ps_syntax_error(ps, "'.' and a directive");
	Directive *buffer = NULL, *tail = NULL;
	while (ps_is(ps, TK_DOT)) {
		ps_next(ps);
		Directive *d = call(ps, recv, rloc);
		if (!d)
			return;
		int buffer_part = d->kind == DIR_COMPUTE_AT ||
		                  d->kind == DIR_DOUBLE_BUFFER ||
		                  d->kind == DIR_KEEP_OVERLAP;
		if (buffer_part && buffer) {
			tail->chain = d;
			tail = d;
			continue;
		}
		buffer = tail = d->kind == DIR_IN ? d : NULL;
		if (s->ndirs == cap) {
			diag_error(ps->diag, d->loc, "too many directives (at most %d)",
			           cap);
			ps->failed = 1;
			return;
		}
		list[s->ndirs++] = d;
	}
}

static void schedule(Parser *ps, Program *p)
{
	Schedule *s = &p->sched;
	if (!ps_only_one(ps, &s->present, &s->loc, "a file holds one schedule"))
		return;
	ps_next(ps);
	ps_expect(ps, TK_LBRACE);
	enum { CAP = 1024 };
	Directive **list = arena_alloc(ps->arena, sizeof *list * CAP);
	while (ps_in_block(ps, "schedule", s->loc))
		chain(ps, s, list, CAP);
	ps_expect(ps, TK_RBRACE);
	s->dirs = list;
}

int parse_program(Arena *a, Diag *d, const Source *src, Program *p)
{
	Parser ps = {.arena = a, .diag = d};
	lex_init(&ps.lx, src);
	ps.ahead = lex_next(&ps.lx);
	ps_next(&ps);
	arch_default(&p->arch);
	while (!ps.failed && !ps_is(&ps, TK_EOF)) {
		if (ps_is_word(&ps, "layer"))
			layer(&ps, p);
		else if (ps_is_word(&ps, "schedule"))
			schedule(&ps, p);
		else if (ps_is_word(&ps, "arch"))
			ps_arch(&ps, p);
		else
			ps_syntax_error(&ps, "'layer', 'schedule' or 'arch'");
	}
	if (!ps.failed && !p->has_layer) {
		diag_error(d, ps.tok.loc, "the file has no layer");
		ps.failed = 1;
	}
	if (!ps.failed && !arch_holds_resolve(d, p))
		ps.failed = 1;
	return !ps.failed && d->nerrors == 0;
}

/* ---- network files ----
 *
 *   network  := 'network' NAME '{' { entry } '}'
 *   entry    := NAME ':' KIND { NAME '=' INT }
 *   KIND     := 'conv' | 'depthwise' | 'fc'
 *
 * Each entry is turned into the LayerAst of its kind's statement (with
 * the entry's locations) and resolved by layer_resolve, so a shape is
 * checked by the same rules as a layer block.
 */

static const char *const shape_kind_name[NSHAPE_KINDS] = {
	"conv", "depthwise", "fc",
};

/* The loops each kind needs, as a bit set over DimId. */
static unsigned shape_dims(int kind)
{
	unsigned all = (1u << NDIMS) - 1;
	if (kind == SHAPE_CONV)
		return all;
	if (kind == SHAPE_DEPTHWISE)
		return all & ~(1u << DIM_K);
	return 1u << DIM_N | 1u << DIM_K | 1u << DIM_C;
}

/* A term coef * var, located at `loc`. */
static Term *mk_term(Arena *a, long coef, const char *var, Loc loc,
                     Term *next_term)
{
	Term *t = arena_alloc(a, sizeof *t);
	t->coef = coef;
	t->var = var;
	t->loc = loc;
	t->next = next_term;
	return t;
}

/* ref(name, indices...) where each index is a chain of terms. */
static void mk_ref(RefAst *r, const char *name, Loc loc, int rank,
                   Term **idx)
{
	r->name = name;
	r->loc = loc;
	r->rank = rank;
	for (int i = 0; i < rank; i++) {
		r->idx[i] = idx[i];
		r->idx_loc[i] = loc;
	}
}

/* The statement of a kind:
 *   conv       O(n,k,y,x) += I(n,c,y*s+fy*d,x*s+fx*d) * W(k,c,fy,fx)
 *   depthwise  O(n,c,y,x) += I(n,c,y*s+fy*d,x*s+fx*d) * W(c,fy,fx)
 *   fc         O(n,k)     += I(n,c)                   * W(k,c)
 * with stride s and dilation d. */
static void shape_stmt(Arena *a, LayerAst *la, int kind, long s, long dil,
                       Loc loc)
{
	const char *ch = kind == SHAPE_DEPTHWISE ? "c" : "k";
	Term *o[4], *in[4], *w[4];
	o[0] = mk_term(a, 1, "n", loc, NULL);
	o[1] = mk_term(a, 1, ch, loc, NULL);
	in[0] = mk_term(a, 1, "n", loc, NULL);
	in[1] = mk_term(a, 1, "c", loc, NULL);
	int wr = 0;
	if (kind != SHAPE_DEPTHWISE)
		w[wr++] = mk_term(a, 1, "k", loc, NULL);
	w[wr++] = mk_term(a, 1, "c", loc, NULL);
	int rank = 2;
	if (kind != SHAPE_FC) {
		o[2] = mk_term(a, 1, "y", loc, NULL);
		o[3] = mk_term(a, 1, "x", loc, NULL);
		in[2] = mk_term(a, s, "y", loc, mk_term(a, dil, "fy", loc, NULL));
		in[3] = mk_term(a, s, "x", loc, mk_term(a, dil, "fx", loc, NULL));
		w[wr++] = mk_term(a, 1, "fy", loc, NULL);
		w[wr++] = mk_term(a, 1, "fx", loc, NULL);
		rank = 4;
	}
	mk_ref(&la->ref[T_OUT], "O", loc, rank, o);
	mk_ref(&la->ref[T_A], "I", loc, rank, in);
	mk_ref(&la->ref[T_B], "W", loc, wr, w);
	la->has_stmt = 1;
	la->stmt_loc = loc;
}

/* NAME '=' INT items of one entry: extents, stride, dilation, repeat. */
static void shape_items(Parser *ps, NetLayer *nl, LayerAst *la,
                        const Loc *kind_loc)
{
	ItemAst **tail = &la->items;
	unsigned need = shape_dims(nl->kind), seen = 0;
	Loc stride_loc = {0}, repeat_loc = {0}, dilation_loc = {0};
	nl->stride = 1;
	nl->dilation = 1;
	nl->repeat = 1;
	while (!ps->failed && ps_is(ps, TK_IDENT) && ps->ahead.kind == TK_ASSIGN) {
		Loc loc;
		const char *name = ps_ident(ps, "a name", &loc);
		ps_next(ps); /* '=' */
		long v = ps_integer(ps, "an integer", NULL);
		if (ps->failed)
			return;
		int dim = -1;
		for (int d = 0; d < NDIMS; d++)
			if (!strcmp(dim_upper[d], name))
				dim = d;
		if (!strcmp(name, "stride") || !strcmp(name, "repeat") ||
		    !strcmp(name, "dilation")) {
			long *val = name[0] == 's' ? &nl->stride
			            : name[0] == 'r' ? &nl->repeat : &nl->dilation;
			Loc *where = name[0] == 's' ? &stride_loc
			             : name[0] == 'r' ? &repeat_loc : &dilation_loc;
			if (where->line)
				diag_error(ps->diag, loc, "%s is given twice (first at "
				           "line %d)", name, where->line);
			else if (v < 1 || v > (1L << 20))
				diag_error(ps->diag, loc, "%s must be between 1 and 2^20",
				           name);
			else if (name[0] != 'r' && nl->kind == SHAPE_FC)
				diag_error(ps->diag, loc, "an fc layer has no %s", name);
			*where = loc;
			*val = v < 1 ? 1 : v;
			continue;
		}
		if (dim < 0 || !(need >> dim & 1)) {
			diag_error(ps->diag, loc, "%s is not an item of %s %s layer "
			           "(its items: %s repeat=)", name,
			           nl->kind == SHAPE_FC ? "an" : "a",
			           shape_kind_name[nl->kind],
			           nl->kind == SHAPE_CONV
			           ? "N K C Y X FY FX, stride=, dilation=,"
			           : nl->kind == SHAPE_DEPTHWISE
			           ? "N C Y X FY FX, stride=, dilation=," : "N K C,");
			continue;
		}
		seen |= 1u << dim;
		ItemAst *it = arena_alloc(ps->arena, sizeof *it);
		it->name = name;
		it->loc = loc;
		it->value = v;
		*tail = it;
		tail = &it->next;
	}
	for (int d = 0; d < NDIMS && !ps->failed; d++)
		if ((need >> d & 1) && !(seen >> d & 1))
			diag_error(ps->diag, *kind_loc, "%s layer %s needs %s=",
			           shape_kind_name[nl->kind], nl->name, dim_upper[d]);
}

/* NAME ':' KIND items */
static void net_entry(Parser *ps, Network *net, int cap)
{
	if (net->nlayers == cap) {
		diag_error(ps->diag, ps->tok.loc, "a network holds at most %d "
		           "layers", cap);
		ps->failed = 1;
		return;
	}
	NetLayer *nl = &net->layer[net->nlayers];
	*nl = (NetLayer){0};
	nl->name = ps_ident(ps, "a layer name", &nl->loc);
	if (ps->failed)
		return;
	for (int i = 0; i < net->nlayers; i++)
		if (!strcmp(net->layer[i].name, nl->name)) {
			diag_error(ps->diag, nl->loc, "layer %s is listed twice (first "
			           "at line %d)", nl->name, net->layer[i].loc.line);
			break;
		}
	ps_expect(ps, TK_COLON);
	Loc kloc = ps->tok.loc;
	const char *kind = ps_ident(ps, "a layer kind (conv, depthwise or fc)",
	                         NULL);
	if (ps->failed)
		return;
	nl->kind = -1;
	for (int k = 0; k < NSHAPE_KINDS; k++)
		if (!strcmp(kind, shape_kind_name[k]))
			nl->kind = k;
	if (nl->kind < 0) {
		diag_error(ps->diag, kloc, "unknown layer kind '%s' (conv, "
		           "depthwise or fc)", kind);
		ps->failed = 1;
		return;
	}
	LayerAst la = {.name = nl->name, .loc = nl->loc};
	int errors = ps->diag->nerrors;
	shape_items(ps, nl, &la, &kloc);
	if (ps->failed || ps->diag->nerrors > errors)
		return;
	shape_stmt(ps->arena, &la, nl->kind, nl->stride, nl->dilation, kloc);
	if (layer_resolve(ps->diag, &la, &nl->layer))
		net->nlayers++;
}

int network_parse(Arena *a, Diag *d, const Source *src, Network *net)
{
	Parser ps = {.arena = a, .diag = d};
	lex_init(&ps.lx, src);
	ps.ahead = lex_next(&ps.lx);
	ps_next(&ps);
	*net = (Network){0};
	if (!ps_is_word(&ps, "network")) {
		ps_syntax_error(&ps, "'network'");
		return 0;
	}
	net->loc = ps.tok.loc;
	ps_next(&ps);
	net->name = ps_ident(&ps, "the network's name", NULL);
	ps_expect(&ps, TK_LBRACE);
	enum { CAP = 4096 };
	net->layer = arena_alloc(a, sizeof *net->layer * CAP);
	while (ps_in_block(&ps, "network", net->loc) &&
	       d->nerrors < MAX_ERRORS)
		net_entry(&ps, net, CAP);
	ps_expect(&ps, TK_RBRACE);
	if (!ps.failed && !ps_is(&ps, TK_EOF))
		ps_syntax_error(&ps, "the end of the file (a file holds one network)");
	if (!ps.failed && !d->nerrors && net->nlayers == 0) {
		diag_error(d, net->loc, "network %s has no layers", net->name);
		ps.failed = 1;
	}
	return !ps.failed && d->nerrors == 0;
}

int source_is_network(const Source *src)
{
	Lexer lx;
	lex_init(&lx, src);
	Token t = lex_next(&lx);
	return t.kind == TK_IDENT && t.len == 7 && !strncmp(t.text, "network", 7);
}
