/* parse.c - recursive descent over the .tsr grammar (docs/dsl.md):
 *
 *   program  := { layer | schedule | arch }
 *   layer    := 'layer' NAME '{' { item | stmt } '}'
 *   item     := NAME '=' INT  |  NAME ':' TYPE [ '[' INT {',' INT} ']' ]
 *   stmt     := ref '+=' ref '*' ref
 *   schedule := 'schedule' '{' { NAME { '.' NAME '(' [arg {',' arg}] ')' } } '}'
 *   arch     := 'arch' [NAME] '{' { arch-item } '}'
 *
 * The first syntax error stops the parse; meaning is checked later
 * (layer_resolve, schedule_apply), where several errors are collected.
 */
#include "frontend.h"

#include <string.h>

typedef struct Parser {
	Lexer lx;
	Token tok, ahead;
	Arena *arena;
	Diag *diag;
	int failed;
} Parser;

static void next(Parser *ps)
{
	ps->tok = ps->ahead;
	ps->ahead = lex_next(&ps->lx);
}

static int is(const Parser *ps, TokKind k)
{
	return !ps->failed && ps->tok.kind == k;
}

static int is_word(const Parser *ps, const char *w)
{
	return is(ps, TK_IDENT) && (size_t)ps->tok.len == strlen(w) &&
	       !strncmp(ps->tok.text, w, strlen(w));
}

static void syntax_error(Parser *ps, const char *what)
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

static int expect(Parser *ps, TokKind k)
{
	if (is(ps, k)) {
		next(ps);
		return 1;
	}
	syntax_error(ps, tok_kind_name(k));
	return 0;
}

static const char *ident(Parser *ps, const char *what, Loc *loc)
{
	if (!is(ps, TK_IDENT)) {
		syntax_error(ps, what);
		return NULL;
	}
	if (loc)
		*loc = ps->tok.loc;
	const char *s = arena_strndup(ps->arena, ps->tok.text, ps->tok.len);
	next(ps);
	return s;
}

/* A non-negative integer that fits a long. */
static long integer(Parser *ps, const char *what, Loc *loc)
{
	if (!is(ps, TK_INT)) {
		syntax_error(ps, what);
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
	next(ps);
	return v;
}

/* An integer no larger than max. */
static long bounded(Parser *ps, const char *what, long max)
{
	Loc loc = ps->tok.loc;
	long v = integer(ps, what, NULL);
	if (!ps->failed && v > max) {
		diag_error(ps->diag, loc, "%ld is too large (at most %ld)", v, max);
		ps->failed = 1;
	}
	return v;
}

static double number(Parser *ps, const char *what)
{
	if (!is(ps, TK_INT) && !is(ps, TK_NUM)) {
		syntax_error(ps, what);
		return 0;
	}
	double v = ps->tok.fval;
	if (!(v >= 0 && v <= 1e9)) {
		diag_error(ps->diag, ps->tok.loc, "an energy must be between 0 and "
		           "1e9 pJ");
		ps->failed = 1;
	}
	next(ps);
	return v;
}

/* Whether this is the first of something a file (or layer) holds once;
 * `first` remembers where the first one was. */
static int only_one(Parser *ps, int *seen, Loc *first, const char *what)
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
	if (is(ps, TK_COMMA))
		next(ps);
	else if (!is(ps, TK_RPAREN))
		syntax_error(ps, "',' or ')'");
}

/* Whether a block opened at `open` goes on; reports a missing '}'. */
static int in_block(Parser *ps, const char *what, Loc open)
{
	if (ps->failed || is(ps, TK_RBRACE))
		return 0;
	if (is(ps, TK_EOF)) {
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
		if (is(ps, TK_INT)) {
			long v = integer(ps, "an integer", NULL);
			if (v != 0 && t->coef > (1L << 40) / v) {
				diag_error(ps->diag, t->loc, "index term is too large");
				ps->failed = 1;
			}
			t->coef *= v;
		} else if (is(ps, TK_IDENT) && ps->ahead.kind == TK_LPAREN) {
			not_mac(ps);   /* a call such as max(I(...), ...) */
		} else if (is(ps, TK_IDENT)) {
			Loc l;
			const char *n = ident(ps, "a name", &l);
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
			syntax_error(ps, "a loop name or an integer");
		}
	} while (!ps->failed && is(ps, TK_STAR) && (next(ps), 1));
	return t;
}

static void ref(Parser *ps, RefAst *r)
{
	r->name = ident(ps, "a tensor name", &r->loc);
	expect(ps, TK_LPAREN);
	while (!ps->failed && !is(ps, TK_RPAREN)) {
		if (r->rank == MAX_RANK) {
			diag_error(ps->diag, ps->tok.loc,
			           "a tensor has at most %d indices", MAX_RANK);
			ps->failed = 1;
			return;
		}
		r->idx_loc[r->rank] = ps->tok.loc;
		Term **tail = &r->idx[r->rank];
		*tail = term(ps);
		while (is(ps, TK_PLUS)) {
			next(ps);
			tail = &(*tail)->next;
			*tail = term(ps);
		}
		r->rank++;
		comma_or_close(ps);
	}
	expect(ps, TK_RPAREN);
}

static int parse_type(Parser *ps, ElemType *t, Loc *loc)
{
	*loc = ps->tok.loc;
	if (!is(ps, TK_IDENT)) {
		syntax_error(ps, "an element type such as i16");
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
		syntax_error(ps, "an element type such as i16");
		return 0;
	}
	t->bits = bits;
	t->is_signed = s[0] == 'i';
	next(ps);
	return 1;
}

static void layer_item(Parser *ps, LayerAst *la, ItemAst ***tail)
{
	ItemAst *it = arena_alloc(ps->arena, sizeof *it);
	it->name = ident(ps, "a loop extent, type or statement", &it->loc);
	if (is(ps, TK_ASSIGN)) {
		next(ps);
		it->value = integer(ps, "an integer", NULL);
	} else if (is(ps, TK_COLON)) {
		next(ps);
		it->is_type = 1;
		if (!parse_type(ps, &it->type, &it->type_loc))
			return;
		if (is(ps, TK_LBRACK)) {
			next(ps);
			do {
				if (it->rank == MAX_RANK) {
					diag_error(ps->diag, ps->tok.loc, "a tensor has at "
					           "most %d dimensions", MAX_RANK);
					ps->failed = 1;
					return;
				}
				it->shape[it->rank++] = integer(ps, "an extent", NULL);
			} while (is(ps, TK_COMMA) && (next(ps), 1));
			expect(ps, TK_RBRACK);
		}
	} else {
		syntax_error(ps, "'=' or ':'");
		return;
	}
	**tail = it;
	*tail = &it->next;
	(void)la;
}

/* The '+=' or '*' of the statement. */
static void mac_token(Parser *ps, TokKind k)
{
	if (is(ps, k))
		next(ps);
	else if (is(ps, TK_BAD))
		syntax_error(ps, tok_kind_name(k));
	else
		not_mac(ps);
}

static void stmt(Parser *ps, LayerAst *la)
{
	if (!only_one(ps, &la->has_stmt, &la->stmt_loc,
	              "a layer has one statement"))
		return;
	ref(ps, &la->ref[T_OUT]);
	mac_token(ps, TK_PLUSEQ);
	ref(ps, &la->ref[T_A]);
	mac_token(ps, TK_STAR);
	ref(ps, &la->ref[T_B]);
	if (is(ps, TK_PLUS) || is(ps, TK_STAR) || is(ps, TK_MINUS))
		not_mac(ps);
}

static void layer(Parser *ps, Program *p)
{
	LayerAst la = {0};
	la.loc = ps->tok.loc;
	next(ps);
	Loc nloc;
	la.name = ident(ps, "the layer's name", &nloc);
	if (p->has_layer && !ps->failed) {
		diag_error(ps->diag, la.loc, "a file holds one layer; the first "
		           "is at line %d", p->layer.loc.line);
		ps->failed = 1;
	}
	expect(ps, TK_LBRACE);
	ItemAst **tail = &la.items;
	while (in_block(ps, "layer", la.loc)) {
		if (is(ps, TK_IDENT) && ps->ahead.kind == TK_LPAREN)
			stmt(ps, &la);
		else
			layer_item(ps, &la, &tail);
	}
	expect(ps, TK_RBRACE);
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
	const char *name = ident(ps, "a scheduling directive", &dir->loc);
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
	expect(ps, TK_LPAREN);
	Arg args[MAX_LOOPS + 1];
	while (!ps->failed && !is(ps, TK_RPAREN)) {
		if (dir->nargs == MAX_LOOPS + 1) {
			diag_error(ps->diag, ps->tok.loc, "too many arguments");
			ps->failed = 1;
			return NULL;
		}
		Arg *a = &args[dir->nargs++];
		*a = (Arg){0};
		a->loc = ps->tok.loc;
		if (is(ps, TK_INT))
			a->value = integer(ps, "an integer", NULL);
		else
			a->name = ident(ps, "a name or an integer", NULL);
		comma_or_close(ps);
	}
	expect(ps, TK_RPAREN);
	dir->args = arena_alloc(ps->arena, sizeof(Arg) * (size_t)(dir->nargs + 1));
	memcpy(dir->args, args, sizeof(Arg) * (size_t)dir->nargs);
	return ps->failed ? NULL : dir;
}

/* A chain T.a(..).b(..): buffer chains (in / compute_at / double_buffer)
 * stay linked as one directive; every other call stands alone. */
static void chain(Parser *ps, Schedule *s, Directive **list, int cap)
{
	Loc rloc;
	const char *recv = ident(ps, "a tensor name", &rloc);
	if (!is(ps, TK_DOT))
		syntax_error(ps, "'.' and a directive");
	Directive *buffer = NULL, *tail = NULL;
	while (is(ps, TK_DOT)) {
		next(ps);
		Directive *d = call(ps, recv, rloc);
		if (!d)
			return;
		int buffer_part = d->kind == DIR_COMPUTE_AT ||
		                  d->kind == DIR_DOUBLE_BUFFER;
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
	if (!only_one(ps, &s->present, &s->loc, "a file holds one schedule"))
		return;
	next(ps);
	expect(ps, TK_LBRACE);
	enum { CAP = 1024 };
	Directive **list = arena_alloc(ps->arena, sizeof *list * CAP);
	while (in_block(ps, "schedule", s->loc))
		chain(ps, s, list, CAP);
	expect(ps, TK_RBRACE);
	s->dirs = list;
}

/* ---- arch ---- */

static long size_with_unit(Parser *ps)
{
	Loc loc = ps->tok.loc;
	long v = integer(ps, "a size such as 512 B or 128 KB", NULL);
	long mul = 1;
	if (is_word(ps, "B")) {
		next(ps);
	} else if (is_word(ps, "KB") || is_word(ps, "KiB")) {
		mul = 1024;
		next(ps);
	} else if (is_word(ps, "MB") || is_word(ps, "MiB")) {
		mul = 1024 * 1024;
		next(ps);
	} else if (is(ps, TK_IDENT) && ps->tok.len <= 3 &&
	           (ps->tok.text[ps->tok.len - 1] == 'B' ||
	            ps->tok.text[ps->tok.len - 1] == 'b')) {
		diag_error(ps->diag, ps->tok.loc, "unknown size unit %.*s (B, KB, "
		           "KiB, MB, MiB)", ps->tok.len, ps->tok.text);
		ps->failed = 1;
	}
	if (!ps->failed && (v <= 0 || v > (1L << 40) / mul)) {
		diag_error(ps->diag, loc, "size must be between 1 B and 1 TB");
		ps->failed = 1;
	}
	return v * mul;
}

static void level(Parser *ps, Arch *a, int *user_levels)
{
	next(ps);
	if (!*user_levels) {
		a->nlevels = 0;
		*user_levels = 1;
	}
	Level lv = {0};
	lv.name = ident(ps, "the level's name", &lv.loc);
	static const char *const reserved[] = {"total", "mac", "noc"};
	for (int i = 0; !ps->failed && i < 3; i++)
		if (!strcmp(lv.name, reserved[i])) {
			diag_error(ps->diag, lv.loc, "'%s' names a line of the energy "
			           "report; choose another level name", lv.name);
			ps->failed = 1;
		}
	for (int i = 0; !ps->failed && i < a->nlevels; i++)
		if (!strcmp(a->level[i].name, lv.name)) {
			diag_error(ps->diag, lv.loc, "level %s is declared twice",
			           lv.name);
			ps->failed = 1;
		}
	if (!ps->failed && a->nlevels == MAX_LEVELS) {
		diag_error(ps->diag, lv.loc, "at most %d levels", MAX_LEVELS);
		ps->failed = 1;
	}
	while (!ps->failed) {
		if (is_word(ps, "per_pe")) {
			next(ps);
			lv.per_pe = 1;
		} else if (is_word(ps, "offchip")) {
			next(ps);
			lv.offchip = 1;
		} else if (is_word(ps, "size")) {
			next(ps);
			lv.bytes = size_with_unit(ps);
		} else if (is_word(ps, "pj")) {
			next(ps);
			lv.pj = number(ps, "energy per access in pJ");
			lv.pj_given = 1;
		} else if (is_word(ps, "bandwidth")) {
			next(ps);
			lv.bandwidth = bounded(ps, "words per cycle", 1L << 20);
		} else if (is_word(ps, "latency")) {
			next(ps);
			lv.latency = bounded(ps, "cycles", 1L << 20);
		} else {
			break;
		}
	}
	if (!ps->failed)
		a->level[a->nlevels++] = lv;
}

/* Level order and sizes, checked once the block is complete. */
static void arch_check(Parser *ps, Arch *a, Loc loc, int user_table)
{
	if (a->nlevels == 0 || !a->level[a->nlevels - 1].offchip) {
		diag_error(ps->diag, a->nlevels ? a->level[a->nlevels - 1].loc
		                                : loc, "the last level must be "
		           "off-chip (for example: level DRAM offchip)");
		ps->failed = 1;
		return;
	}
	if (a->nlevels < 2) {
		diag_error(ps->diag, a->level[0].loc, "an architecture needs an "
		           "on-chip level inside %s (for example: level GB size "
		           "128 KB)", a->level[0].name);
		ps->failed = 1;
		return;
	}
	for (int i = 0; i < a->nlevels; i++) {
		Level *lv = &a->level[i];
		if (lv->offchip && i != a->nlevels - 1)
			diag_error(ps->diag, lv->loc, "only the last (outermost) "
			           "level can be off-chip");
		else if (!lv->offchip && lv->bytes == 0)
			diag_error(ps->diag, lv->loc, "level %s needs a size", lv->name);
		else if (lv->per_pe && i > 0 && !a->level[i - 1].per_pe)
			diag_error(ps->diag, lv->loc, "per-PE level %s must be inside "
			           "every shared level: list levels innermost first",
			           lv->name);
		if (!lv->pj_given || (lv->pj_given == 2 && user_table))
			lv->pj = arch_table_pj(a, lv->per_pe, lv->offchip, lv->bytes);
	}
	if (ps->diag->nerrors)
		ps->failed = 1;
}

/* energy per_pe|shared SIZE PJ {SIZE PJ}  |  energy offchip PJ:
 * replaces the default table of that kind of memory. */
static void energy_table(Parser *ps, Arch *a)
{
	Loc loc = ps->tok.loc;
	next(ps);
	int kind = is_word(ps, "per_pe") ? MEM_PER_PE
	         : is_word(ps, "shared") ? MEM_SHARED
	         : is_word(ps, "offchip") ? MEM_OFFCHIP : -1;
	if (kind < 0) {
		syntax_error(ps, "per_pe, shared or offchip");
		return;
	}
	next(ps);
	EnergyTable *t = &a->table[kind];
	t->n = 0;
	if (kind == MEM_OFFCHIP) {
		t->pj[t->n++] = number(ps, "energy per access in pJ");
		return;
	}
	while (!ps->failed && is(ps, TK_INT)) {
		if (t->n == MAX_TABLE) {
			diag_error(ps->diag, ps->tok.loc, "an energy table has at most "
			           "%d points", MAX_TABLE);
			ps->failed = 1;
			return;
		}
		Loc ploc = ps->tok.loc;
		long bytes = size_with_unit(ps);
		Loc eloc = ps->tok.loc;
		double pj = number(ps, "energy per access in pJ");
		if (!ps->failed && t->n && bytes <= t->bytes[t->n - 1]) {
			diag_error(ps->diag, ploc, "energy table sizes must grow");
			ps->failed = 1;
			return;
		}
		if (!ps->failed && pj <= 0) {
			diag_error(ps->diag, eloc, "energy table energies must be "
			           "positive");
			ps->failed = 1;
			return;
		}
		t->bytes[t->n] = bytes;
		t->pj[t->n++] = pj;
	}
	if (!ps->failed && t->n < 2) {
		diag_error(ps->diag, loc, "an energy table needs at least two "
		           "points (SIZE PJ SIZE PJ ...)");
		ps->failed = 1;
	}
}

static void arch(Parser *ps, Program *p)
{
	Arch *a = &p->arch;
	if (!only_one(ps, &p->has_arch, &a->loc, "a file holds one arch block"))
		return;
	a->name = "custom";
	next(ps);
	if (is(ps, TK_IDENT))
		a->name = ident(ps, "a name", NULL);
	expect(ps, TK_LBRACE);
	int user_levels = 0, user_table = 0;
	while (in_block(ps, "arch", a->loc)) {
		Loc l = ps->tok.loc;
		if (is_word(ps, "pe_array")) {
			next(ps);
			a->ndims = 1;
			a->dim[0] = integer(ps, "PEs along dimension 0", NULL);
			a->dim[1] = 1;
			if (is_word(ps, "x")) {
				next(ps);
				a->ndims = 2;
				a->dim[1] = integer(ps, "PEs along dimension 1", NULL);
			}
			if (!ps->failed && (a->dim[0] < 1 || a->dim[1] < 1 ||
			                    a->dim[0] * a->dim[1] > 65536)) {
				diag_error(ps->diag, l, "the PE array must hold between "
				           "1 and 65536 PEs");
				ps->failed = 1;
			}
		} else if (is_word(ps, "level")) {
			level(ps, a, &user_levels);
		} else if (is_word(ps, "hop_pj")) {
			next(ps);
			a->hop_pj = number(ps, "energy of one hop in pJ");
		} else if (is_word(ps, "mac_pj")) {
			next(ps);
			a->mac_pj = number(ps, "energy of one MAC in pJ");
		} else if (is_word(ps, "energy")) {
			energy_table(ps, a);
			user_table = 1;
		} else {
			syntax_error(ps, "pe_array, level, energy, hop_pj or mac_pj");
		}
	}
	expect(ps, TK_RBRACE);
	if (!ps->failed)
		arch_check(ps, a, a->loc, user_table);
}

int parse_program(Arena *a, Diag *d, const Source *src, Program *p)
{
	Parser ps = {.arena = a, .diag = d};
	lex_init(&ps.lx, src);
	ps.ahead = lex_next(&ps.lx);
	next(&ps);
	arch_default(&p->arch);
	while (!ps.failed && !is(&ps, TK_EOF)) {
		if (is_word(&ps, "layer"))
			layer(&ps, p);
		else if (is_word(&ps, "schedule"))
			schedule(&ps, p);
		else if (is_word(&ps, "arch"))
			arch(&ps, p);
		else
			syntax_error(&ps, "'layer', 'schedule' or 'arch'");
	}
	if (!ps.failed && !p->has_layer) {
		diag_error(d, ps.tok.loc, "the file has no layer");
		ps.failed = 1;
	}
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
	while (!ps->failed && is(ps, TK_IDENT) && ps->ahead.kind == TK_ASSIGN) {
		Loc loc;
		const char *name = ident(ps, "a name", &loc);
		next(ps); /* '=' */
		long v = integer(ps, "an integer", NULL);
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
	nl->name = ident(ps, "a layer name", &nl->loc);
	if (ps->failed)
		return;
	for (int i = 0; i < net->nlayers; i++)
		if (!strcmp(net->layer[i].name, nl->name)) {
			diag_error(ps->diag, nl->loc, "layer %s is listed twice (first "
			           "at line %d)", nl->name, net->layer[i].loc.line);
			break;
		}
	expect(ps, TK_COLON);
	Loc kloc = ps->tok.loc;
	const char *kind = ident(ps, "a layer kind (conv, depthwise or fc)",
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
	next(&ps);
	*net = (Network){0};
	if (!is_word(&ps, "network")) {
		syntax_error(&ps, "'network'");
		return 0;
	}
	net->loc = ps.tok.loc;
	next(&ps);
	net->name = ident(&ps, "the network's name", NULL);
	expect(&ps, TK_LBRACE);
	enum { CAP = 4096 };
	net->layer = arena_alloc(a, sizeof *net->layer * CAP);
	while (in_block(&ps, "network", net->loc) &&
	       d->nerrors < MAX_ERRORS)
		net_entry(&ps, net, CAP);
	expect(&ps, TK_RBRACE);
	if (!ps.failed && !is(&ps, TK_EOF))
		syntax_error(&ps, "the end of the file (a file holds one network)");
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
