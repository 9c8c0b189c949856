/* synthstat.c - the areas of `tessera synth` (runtime/synth.c): yosys'
 * `stat -json` read, each module's cells priced with the liberty's
 * areas, and summed by module, instances and SRAMs into the PE, the
 * array, the controller and the rest (docs/synthesis.md).
 */
#include "synth.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- reading yosys' stat -json ---- */

typedef struct StatMod {
	char name[96];
	long cells;
	int ntypes;
	char (*type)[96];   /* malloc'd, ntypes each: a cell or a module */
	long *count;
} StatMod;

static void free_stat(StatMod *m, int n)
{
	for (int i = 0; i < n; i++) {
		free(m[i].type);
		free(m[i].count);
	}
	free(m);
}

static const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
		p++;
	return p;
}

/* A JSON string at p into out (unescaped, a leading backslash of a
 * yosys identifier dropped); the position after it. */
static const char *json_str(const char *p, char *out, size_t n)
{
	size_t k = 0;
	p++;
	while (*p && *p != '"') {
		if (*p == '\\' && p[1])
			p++;
		if (k + 1 < n)
			out[k++] = *p;
		p++;
	}
	out[k] = 0;
	if (out[0] == '\\')
		memmove(out, out + 1, k);
	return *p ? p + 1 : p;
}

/* The position after the brace that closes the one at p. */
static const char *match_brace(const char *p)
{
	int depth = 0;
	for (; *p; p++) {
		if (*p == '"') {
			for (p++; *p && *p != '"'; p++)
				if (*p == '\\' && p[1])
					p++;
			if (!*p)
				break;
		} else if (*p == '{') {
			depth++;
		} else if (*p == '}' && --depth == 0) {
			return p + 1;
		}
	}
	return p;
}

/* The type and count at q (`"NAME": COUNT`) added to mod; the position
 * after them. */
static const char *add_type(StatMod *mod, const char *q)
{
	if (!(mod->ntypes & (mod->ntypes - 1))) {   /* 0, 1, 2, 4...: grow */
		size_t cap = mod->ntypes ? 2 * (size_t)mod->ntypes : 1;
		void *t = realloc(mod->type, cap * sizeof *mod->type);
		void *c = t ? realloc(mod->count, cap * sizeof *mod->count) : NULL;
		if (t)
			mod->type = t;
		if (!c)
			INTERNAL("out of memory");
		mod->count = c;
	}
	q = json_str(q, mod->type[mod->ntypes], sizeof mod->type[0]);
	q = skip_ws(q);
	if (*q == ':')
		q++;
	mod->count[mod->ntypes++] = strtol(q, (char **)&q, 10);
	return q;
}

/* The modules of a `stat -json` file, malloc'd into *out (free_stat);
 * their number, or -1. */
static int read_stat(const char *path, StatMod **out)
{
	*out = NULL;
	char *text = file_read(path, NULL);
	if (!text)
		return -1;
	const char *p = strstr(text, "\"modules\"");
	int n = -1, cap = 0;
	StatMod *m = NULL;
	if (p && (p = strchr(p, '{'))) {
		const char *mods_end = match_brace(p);
		n = 0;
		for (p = skip_ws(p + 1); *p == '"' && p < mods_end;) {
			if (n == cap) {
				cap = cap ? 2 * cap : 16;
				m = realloc(m, (size_t)cap * sizeof *m);
				if (!m)
					INTERNAL("out of memory");
			}
			StatMod *mod = &m[n++];
			memset(mod, 0, sizeof *mod);
			p = json_str(p, mod->name, sizeof mod->name);
			const char *body = strchr(p, '{');
			if (!body)
				break;
			const char *end = match_brace(body);
			const char *q = strstr(body, "\"num_cells\":");
			if (q && q < end)
				mod->cells = atol(q + 12);
			q = strstr(body, "\"num_cells_by_type\":");
			if (q && q < end && (q = strchr(q, '{'))) {
				const char *tend = match_brace(q);
				for (q = skip_ws(q + 1); *q == '"' && q < tend;) {
					q = skip_ws(add_type(mod, q));
					if (*q == ',')
						q = skip_ws(q + 1);
				}
			}
			p = skip_ws(end);
			if (*p == ',')
				p = skip_ws(p + 1);
		}
	}
	free(text);
	*out = m;
	return n;
}

/* ---- areas by module ---- */

static int find_mod(const StatMod *m, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(m[i].name, name))
			return i;
	return -1;
}

/* A module's area with its submodules and SRAMs (depth-limited: the
 * hierarchy is a tree of a few levels). */
static double total_of(const StatMod *m, int n, const double *own, int i,
                       const SynthResult *r, int depth)
{
	if (depth > 16)
		INTERNAL("module hierarchy too deep");
	double t = own[i];
	for (int k = 0; k < m[i].ntypes; k++) {
		int j = find_mod(m, n, m[i].type[k]);
		if (j >= 0)
			t += (double)m[i].count[k] * total_of(m, n, own, j, r, depth + 1);
	}
	for (int s = 0; s < r->nsram; s++)
		if (!strcmp(r->sram[s].module, m[i].name))
			t += r->sram[s].shape.area;
	return t;
}

static void count_instances(const StatMod *m, int n, long *inst, int i,
                            long mult, int depth)
{
	if (depth > 16)
		INTERNAL("module hierarchy too deep");
	inst[i] += mult;
	for (int k = 0; k < m[i].ntypes; k++) {
		int j = find_mod(m, n, m[i].type[k]);
		if (j >= 0)
			count_instances(m, n, inst, j, mult * m[i].count[k], depth + 1);
	}
}

/* Prices every module's own cells; 0 and a message when a cell is
 * neither in the liberty nor a module nor an SRAM. */
static int price(const StatMod *m, int n, const Liberty *lib, double *own,
                 char *err, size_t errlen)
{
	for (int i = 0; i < n; i++) {
		own[i] = 0;
		for (int k = 0; k < m[i].ntypes; k++) {
			const char *t = m[i].type[k];
			const LibCell *c = liberty_cell(lib, t);
			if (c)
				own[i] += (double)m[i].count[k] * c->area;
			else if (find_mod(m, n, t) < 0 && strncmp(t, "tessera_sram", 12)) {
				snprintf(err, errlen, "yosys left %ld cells of type %s in "
				         "module %s unmapped: the liberty has no cell for "
				         "them", m[i].count[k], t, m[i].name);
				return 0;
			}
		}
	}
	return 1;
}

/* A module's own name: "$paramod$HASH\\tessera_sum" is tessera_sum,
 * "$paramod\\tessera_pe\\HEAD=1'0" tessera_pe (into buf); *params
 * (where params is not NULL) its parameters where yosys names them
 * ("HEAD=1'0"), or "". */
static const char *base_name(const char *name, char *buf, size_t n,
                             const char **params)
{
	const char *b = strchr(name, '\\');
	const char *e = b && !strncmp(name, "$paramod", 8) ? strchr(b + 1, '\\')
	                                                  : NULL;
	if (params)
		*params = e ? e + 1 : "";
	if (!b || strncmp(name, "$paramod", 8))
		return name;
	if (!e)
		return b + 1;
	snprintf(buf, n, "%.*s", (int)(e - b - 1), b + 1);
	return buf;
}

/* The flip-flops among module m's own cells (lib's sequential cells). */
static long flops(const StatMod *m, const Liberty *lib)
{
	long f = 0;
	for (int k = 0; k < m->ntypes; k++) {
		const LibCell *c = liberty_cell(lib, m->type[k]);
		if (c && c->seq)
			f += m->count[k];
	}
	return f;
}

/* The rows of the report, the top first, then the others in yosys'
 * order: a module's versions (its parameters) a row each, except a
 * skewed array's lines (tessera_line), one row for all, whose flops are
 * the skew registers' bits.  0 and a message when the rows do not fit. */
static int rows(SynthResult *r, const StatMod *m, int n, const double *own,
                const long *inst, int top, const Liberty *lib, char *err,
                size_t errlen)
{
	r->nmod = 0;
	int lines = -1;
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < n; i++) {
			if ((i == top) != (pass == 0) || !inst[i])
				continue;
			char bb[96];
			const char *par, *base = base_name(m[i].name, bb, sizeof bb,
			                                   &par);
			double t = total_of(m, n, own, i, r, 0);
			if (!strcmp(base, "tessera_line")) {
				r->skew_bits += flops(&m[i], lib) * inst[i];
				r->skew_area += t * (double)inst[i];
				if (lines >= 0) {
					SynthModule *x = &r->mod[lines];
					x->versions++;
					x->instances += inst[i];
					x->cells += m[i].cells * inst[i];
					x->own += own[i] * (double)inst[i];
					x->total += t * (double)inst[i];
					continue;
				}
			}
			if (r->nmod == SYNTH_MAXMOD) {
				snprintf(err, errlen, "more than %d modules in %s/stat.json",
				         SYNTH_MAXMOD, r->dir);
				return 0;
			}
			SynthModule *x = &r->mod[r->nmod++];
			int same = 0;
			for (int q = 0; q < r->nmod - 1; q++)
				same += !strncmp(r->mod[q].name, base, strlen(base));
			if (*par)   /* named by its parameters */
				snprintf(x->name, sizeof x->name, "%.60s (%.30s)", base, par);
			else if (same)
				snprintf(x->name, sizeof x->name, "%.70s (version %d)", base,
				         same + 1);
			else
				snprintf(x->name, sizeof x->name, "%.95s", base);
			x->versions = 1;
			x->instances = inst[i];
			x->cells = m[i].cells;
			x->own = own[i];
			x->total = t;
			if (!strcmp(base, "tessera_line")) {   /* the sums, so far */
				lines = r->nmod - 1;
				x->cells *= inst[i];
				x->own *= (double)inst[i];
				x->total *= (double)inst[i];
			}
		}
	if (lines >= 0) {   /* each: the mean of the versions' instances */
		SynthModule *x = &r->mod[lines];
		snprintf(x->name, sizeof x->name, "tessera_line (%d versions)",
		         x->versions);
		x->cells /= x->instances;
		x->own /= (double)x->instances;
		x->total /= (double)x->instances;
	}
	return 1;
}

int synth_areas(SynthResult *r, const Liberty *lib, char *err,
                size_t errlen)
{
	char stat[4200], macstat[4200];
	snprintf(stat, sizeof stat, "%s/stat.json", r->work);
	snprintf(macstat, sizeof macstat, "%s/mac_stat.json", r->work);
	StatMod *m;
	int n = read_stat(macstat, &m), ok = 0;
	double *own = calloc(n > 0 ? (size_t)n : 1, sizeof *own);
	if (!own)
		INTERNAL("out of memory");
	if (n < 1 || !price(m, n, lib, own, err, errlen)) {
		if (n < 1)
			snprintf(err, errlen, "cannot read %s/mac_stat.json", r->dir);
		goto out;
	}
	r->mac = own[0];
	free_stat(m, n);
	free(own);
	n = read_stat(stat, &m);
	own = calloc(n > 0 ? (size_t)n : 1, sizeof *own);
	long *inst = calloc(n > 0 ? (size_t)n : 1, sizeof *inst);
	if (!own || !inst)
		INTERNAL("out of memory");
	int top = n > 0 ? find_mod(m, n, "tessera_top") : -1;
	if (top < 0) {
		snprintf(err, errlen, "no tessera_top in %s/stat.json", r->dir);
		goto out_inst;
	}
	if (!price(m, n, lib, own, err, errlen))
		goto out_inst;
	for (int s = 0; s < r->nsram; s++) {
		SynthSram *x = &r->sram[s];
		sram_model(x->width, x->words, x->nr, x->nw, r->node_nm, lib,
		           &x->shape);
		r->sram_area += x->shape.area;
	}
	count_instances(m, n, inst, top, 1, 0);
	if (!rows(r, m, n, own, inst, top, lib, err, errlen))
		goto out_inst;
	r->total = r->mod[0].total;
	r->logic = r->total - r->sram_area;
	r->controller = own[top];
	int arr = find_mod(m, n, "tessera_array");
	r->npe = 0;   /* the PEs of every version (the PE's HEAD) */
	r->pe_versions = 0;
	r->pes = 0;
	for (int i = 0; i < n; i++) {
		char bb[96];
		if (!inst[i] || strcmp(base_name(m[i].name, bb, sizeof bb, NULL),
		                       "tessera_pe"))
			continue;
		r->npe += inst[i];
		r->pe_versions++;
		r->pes += total_of(m, n, own, i, r, 0) * (double)inst[i];
	}
	r->pe = r->npe ? r->pes / (double)r->npe : 0;   /* their mean */
	r->has_array = arr >= 0 && inst[arr] > 0;
	r->array = r->has_array ? (double)inst[arr] * total_of(m, n, own, arr,
	                                                      r, 0) : r->pes;
	/* what is neither the controller, the array nor an SRAM */
	r->other = r->logic - r->controller - r->array;
	if (fabs(r->other) < 1e-6 * r->total)
		r->other = 0;
	ok = 1;
out_inst:
	free(inst);
out:
	free_stat(m, n > 0 ? n : 0);
	free(own);
	return ok;
}
