/* archparse.c - the arch block of a .tsr file (docs/dsl.md):
 *
 *   arch     := 'arch' [NAME] '{' { arch-item } '}'
 *   arch-item := 'pe_array' INT ['x' INT] | 'level' NAME { level-attr }
 *   level-attr := ... | ('read_pj' | 'fill_pj' | 'update_pj') [NAME] NUMBER
 *              | 'leak_pj' NUMBER
 *              | 'hop_pj' ['neighbour' | 'bus' | 'global'] NUMBER
 *              | 'mac_pj' NUMBER | 'energy' ...
 *              | 'fills' ( 'charged' | 'free' )
 *
 * Levels are listed innermost first; their order, sizes and energies
 * are checked once the block is complete (arch_check).  Uses the token
 * helpers of parse.c.
 */
#include "frontend.h"

#include <string.h>

/* An integer no larger than max. */
static long bounded(Parser *ps, const char *what, long max)
{
	Loc loc = ps->tok.loc;
	long v = ps_integer(ps, what, NULL);
	if (!ps->failed && v > max) {
		diag_error(ps->diag, loc, "%ld is too large (at most %ld)", v, max);
		ps->failed = 1;
	}
	return v;
}

/* An energy in pJ, 0 to 1e9. */
static double number(Parser *ps, const char *what)
{
	if (!ps_is(ps, TK_INT) && !ps_is(ps, TK_NUM)) {
		ps_syntax_error(ps, what);
		return 0;
	}
	double v = ps->tok.fval;
	if (!(v >= 0 && v <= 1e9)) {
		diag_error(ps->diag, ps->tok.loc, "an energy must be between 0 and "
		           "1e9 pJ");
		ps->failed = 1;
	}
	ps_next(ps);
	return v;
}

static long size_with_unit(Parser *ps)
{
	Loc loc = ps->tok.loc;
	long v = ps_integer(ps, "a size such as 512 B or 128 KB", NULL);
	long mul = 1;
	if (ps_is_word(ps, "B")) {
		ps_next(ps);
	} else if (ps_is_word(ps, "KB") || ps_is_word(ps, "KiB")) {
		mul = 1024;
		ps_next(ps);
	} else if (ps_is_word(ps, "MB") || ps_is_word(ps, "MiB")) {
		mul = 1024 * 1024;
		ps_next(ps);
	} else if (ps_is(ps, TK_IDENT) && ps->tok.len <= 3 &&
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

/* The words that may follow a level's name, and those that start an
 * arch item: a tensor list ends at them. */
static int arch_word(const Parser *ps)
{
	static const char *const words[] = {
		"per_pe", "offchip", "size", "pj", "bandwidth", "latency", "holds",
		"read_pj", "fill_pj", "update_pj", "leak_pj",
		"pe_array", "level", "hop_pj", "mac_pj", "energy", "fills",
	};
	for (size_t i = 0; i < sizeof words / sizeof *words; i++)
		if (ps_is_word(ps, words[i]))
			return 1;
	return 0;
}

/* holds NAME {',' NAME}: the tensors the level may hold, by name (the
 * layer may come later in the file: resolved by arch_holds_resolve). */
static void holds(Parser *ps, Level *lv)
{
	if (lv->nholds) {
		diag_error(ps->diag, ps->tok.loc, "holds is given twice for level "
		           "%s (first at column %d)", lv->name, lv->holds_loc.col);
		ps->failed = 1;
		return;
	}
	lv->holds_loc = ps->tok.loc;
	ps_next(ps);
	do {
		if (lv->nholds && ps_is(ps, TK_COMMA))
			ps_next(ps);
		Loc loc = ps->tok.loc;
		if (!lv->nholds && !ps->failed &&
		    (!ps_is(ps, TK_IDENT) || arch_word(ps))) {
			diag_error(ps->diag, lv->holds_loc, "holds needs the tensors "
			           "level %s holds (for example: holds W, O)", lv->name);
			ps->failed = 1;
			return;
		}
		if (ps_is(ps, TK_IDENT) && arch_word(ps)) {
			ps_syntax_error(ps, "a tensor of the layer (for example: "
			                "holds W, O)");
			return;
		}
		const char *name = ps_ident(ps, "a tensor of the layer (for "
		                            "example: holds W, O)", &loc);
		if (ps->failed)
			return;
		for (int i = 0; i < lv->nholds; i++)
			if (!strcmp(lv->holds_name[i], name)) {
				diag_error(ps->diag, loc, "%s is listed twice in what %s "
				           "holds", name, lv->name);
				ps->failed = 1;
				return;
			}
		if (lv->nholds == NTENSORS) {
			diag_error(ps->diag, loc, "a layer has %d tensors: holds lists "
			           "at most %d", NTENSORS, NTENSORS);
			ps->failed = 1;
			return;
		}
		lv->holds_name_loc[lv->nholds] = loc;
		lv->holds_name[lv->nholds++] = name;
	} while (ps_is(ps, TK_COMMA));
	if (ps_is(ps, TK_IDENT) && !arch_word(ps))
		ps_syntax_error(ps, "',' between the tensors a level holds (holds "
		                "W, O)");
}

/* read_pj|fill_pj|update_pj [TENSOR] PJ: an action's energy at the
 * level, for every tensor or for one (resolved by arch_holds_resolve). */
static void action_pj(Parser *ps, Level *lv, int action)
{
	static const char *const what[NACTIONS] = {"read_pj", "fill_pj",
	                                           "update_pj"};
	struct LevelAct a = {.action = action, .loc = ps->tok.loc};
	ps_next(ps);
	if (ps_is(ps, TK_IDENT) && !arch_word(ps))
		a.tname = ps_ident(ps, "a tensor of the layer", &a.loc);
	a.pj = number(ps, "energy per access in pJ");
	if (ps->failed)
		return;
	for (int i = 0; i < lv->nacts; i++)
		if (lv->act[i].action == action &&
		    (lv->act[i].tname == a.tname ||
		     (lv->act[i].tname && a.tname &&
		      !strcmp(lv->act[i].tname, a.tname)))) {
			diag_error(ps->diag, a.loc, "%s%s%s is given twice for level %s",
			           what[action], a.tname ? " " : "",
			           a.tname ? a.tname : "", lv->name);
			ps->failed = 1;
			return;
		}
	lv->act[lv->nacts++] = a;
}

static void level(Parser *ps, Arch *a, int *user_levels)
{
	ps_next(ps);
	if (!*user_levels) {
		a->nlevels = 0;
		*user_levels = 1;
	}
	Level lv = {0};
	lv.name = ps_ident(ps, "the level's name", &lv.loc);
	static const char *const reserved[] = {"total", "mac", "noc", "leak"};
	for (int i = 0; !ps->failed && i < 4; i++)
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
		if (ps_is_word(ps, "per_pe")) {
			ps_next(ps);
			lv.per_pe = 1;
		} else if (ps_is_word(ps, "offchip")) {
			ps_next(ps);
			lv.offchip = 1;
		} else if (ps_is_word(ps, "size")) {
			ps_next(ps);
			lv.bytes = size_with_unit(ps);
		} else if (ps_is_word(ps, "pj")) {
			ps_next(ps);
			lv.pj = number(ps, "energy per access in pJ");
			lv.pj_given = 1;
		} else if (ps_is_word(ps, "bandwidth")) {
			ps_next(ps);
			lv.bandwidth = bounded(ps, "words per cycle", 1L << 20);
		} else if (ps_is_word(ps, "latency")) {
			ps_next(ps);
			lv.latency = bounded(ps, "cycles", 1L << 20);
		} else if (ps_is_word(ps, "holds")) {
			holds(ps, &lv);
		} else if (ps_is_word(ps, "read_pj")) {
			action_pj(ps, &lv, ACT_READ);
		} else if (ps_is_word(ps, "fill_pj")) {
			action_pj(ps, &lv, ACT_FILL);
		} else if (ps_is_word(ps, "update_pj")) {
			action_pj(ps, &lv, ACT_UPDATE);
		} else if (ps_is_word(ps, "leak_pj")) {
			ps_next(ps);
			lv.leak_pj = number(ps, "energy per cycle in pJ");
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
		if (lv->nholds && lv->offchip)
			diag_error(ps->diag, lv->holds_loc, "the off-chip level %s "
			           "holds every tensor: holds is for on-chip levels",
			           lv->name);
	}
	if (ps->diag->nerrors)
		ps->failed = 1;
}

/* A tensor of the layer by name; -1 after reporting one it does not
 * have. */
static int tensor_named(Diag *d, const Layer *l, const char *name, Loc loc)
{
	int t = NTENSORS;
	while (--t >= 0 && strcmp(l->t[t].name, name))
		;
	if (t < 0)
		diag_error(d, loc, "unknown tensor %s (the layer's tensors: %s, %s, "
		           "%s)", name, l->t[T_OUT].name, l->t[T_A].name,
		           l->t[T_B].name);
	return t;
}

/* Each level's energies per action (a tensor's own over the level's):
 * into act_pj and act_given. */
static void actions_resolve(Diag *d, const Layer *l, Level *lv)
{
	memset(lv->act_given, 0, sizeof lv->act_given);
	for (int named = 0; named < 2; named++)
		for (int i = 0; i < lv->nacts; i++) {
			const struct LevelAct *a = &lv->act[i];
			if (!!a->tname != named)
				continue;
			int t0 = 0, t1 = NTENSORS;
			if (a->tname) {
				t0 = tensor_named(d, l, a->tname, a->loc);
				if (t0 < 0)
					continue;
				t1 = t0 + 1;
			}
			for (int t = t0; t < t1; t++) {
				lv->act_pj[a->action][t] = a->pj;
				lv->act_given[a->action][t] = 1;
			}
		}
}

/* The tensors of each level's holds clause, by name in the layer, into
 * its `holds` bits, and its energies per action: 0 after reporting a
 * name the layer does not have. */
int arch_holds_resolve(Diag *d, Program *p)
{
	int errors = d->nerrors;
	const Layer *l = &p->layer;
	for (int i = 0; i < p->arch.nlevels; i++) {
		Level *lv = &p->arch.level[i];
		actions_resolve(d, l, lv);
		lv->holds = 0;
		for (int k = 0; k < lv->nholds; k++) {
			int t = NTENSORS;
			while (--t >= 0 && strcmp(l->t[t].name, lv->holds_name[k]))
				;
			if (t < 0)
				diag_error(d, lv->holds_name_loc[k], "unknown tensor %s "
				           "(the layer's tensors: %s, %s, %s)",
				           lv->holds_name[k], l->t[T_OUT].name,
				           l->t[T_A].name, l->t[T_B].name);
			else
				lv->holds |= 1u << t;
		}
	}
	return d->nerrors == errors;
}

/* energy per_pe|shared SIZE PJ {SIZE PJ}  |  energy offchip PJ:
 * replaces the default table of that kind of memory. */
static void energy_table(Parser *ps, Arch *a)
{
	Loc loc = ps->tok.loc;
	ps_next(ps);
	int kind = ps_is_word(ps, "per_pe") ? MEM_PER_PE
	         : ps_is_word(ps, "shared") ? MEM_SHARED
	         : ps_is_word(ps, "offchip") ? MEM_OFFCHIP : -1;
	if (kind < 0) {
		ps_syntax_error(ps, "per_pe, shared or offchip");
		return;
	}
	ps_next(ps);
	EnergyTable *t = &a->table[kind];
	t->n = 0;
	if (kind == MEM_OFFCHIP) {
		t->pj[t->n++] = number(ps, "energy per access in pJ");
		return;
	}
	while (!ps->failed && ps_is(ps, TK_INT)) {
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

void ps_arch(Parser *ps, Program *p)
{
	Arch *a = &p->arch;
	if (!ps_only_one(ps, &p->has_arch, &a->loc, "a file holds one arch block"))
		return;
	a->name = "custom";
	ps_next(ps);
	if (ps_is(ps, TK_IDENT))
		a->name = ps_ident(ps, "a name", NULL);
	ps_expect(ps, TK_LBRACE);
	int user_levels = 0, user_table = 0;
	while (ps_in_block(ps, "arch", a->loc)) {
		Loc l = ps->tok.loc;
		if (ps_is_word(ps, "pe_array")) {
			ps_next(ps);
			a->ndims = 1;
			a->dim[0] = ps_integer(ps, "PEs along dimension 0", NULL);
			a->dim[1] = 1;
			if (ps_is_word(ps, "x")) {
				ps_next(ps);
				a->ndims = 2;
				a->dim[1] = ps_integer(ps, "PEs along dimension 1", NULL);
			}
			if (!ps->failed && (a->dim[0] < 1 || a->dim[1] < 1 ||
			                    a->dim[0] * a->dim[1] > 65536)) {
				diag_error(ps->diag, l, "the PE array must hold between "
				           "1 and 65536 PEs");
				ps->failed = 1;
			}
		} else if (ps_is_word(ps, "level")) {
			level(ps, a, &user_levels);
		} else if (ps_is_word(ps, "hop_pj")) {
			ps_next(ps);
			int k = HOP_KINDS;
			while (--k >= 0 && !ps_is_word(ps, hop_kind_name[k]))
				;
			if (k < 0) {
				a->hop_pj = number(ps, "energy of one hop in pJ");
			} else {
				ps_next(ps);
				a->hop_kind_pj[k] = number(ps, "energy of one hop in pJ");
				a->hop_given[k] = 1;
			}
		} else if (ps_is_word(ps, "mac_pj")) {
			ps_next(ps);
			a->mac_pj = number(ps, "energy of one MAC in pJ");
		} else if (ps_is_word(ps, "energy")) {
			energy_table(ps, a);
			user_table = 1;
		} else if (ps_is_word(ps, "fills")) {
			ps_next(ps);
			if (ps_is_word(ps, "free") || ps_is_word(ps, "charged")) {
				a->fills_free = ps_is_word(ps, "free");
				ps_next(ps);
			} else {
				ps_syntax_error(ps, "charged or free");
			}
		} else {
			ps_syntax_error(ps, "pe_array, level, energy, fills, hop_pj or "
			                "mac_pj");
		}
	}
	ps_expect(ps, TK_RBRACE);
	if (!ps->failed)
		arch_check(ps, a, a->loc, user_table);
}
