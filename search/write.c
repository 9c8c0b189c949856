/* write.c - a canonical point as a .tsr file: the layer, the schedule
 * (splits, reorder, unrolls, accelerate, buffers) and the architecture,
 * every level's energy written out so the file stands alone.  Re-reading
 * that text and modelling it must give what search/eval.c computed; the
 * search checks it for its answer and its tests on random points.
 *
 * Loop names: a loop split over several levels has a piece per level
 * named after the loop and the level (k_rf, k_gb, k_dram) and k_pe for
 * its unrolled piece; a loop with a single piece keeps its own name.
 */
#include "search.h"
#include "../backend-verilog/hw.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

typedef struct Piece {
	char name[48];
	long f;
} Piece;

/* The pieces of loop d, lowest digit first, with their names; a piece of
 * factor 1 is kept only when `keep_dram` asks for the DRAM one (the
 * accelerate anchor). */
static int pieces(const SCtx *c, const SPoint *p, int d, int keep_dram,
                  Piece *pc, int *where)
{
	int n = 0;
	for (int q = 0; q <= c->nl; q++) {
		int L = q < c->npe ? q : q - 1;
		long f = 1;
		if (q == c->npe) {
			f = spoint_spatial(p, c->arch->ndims, d);
		} else {
			f = p->f[L][d];
		}
		int dram = q != c->npe && L == c->nl - 1;
		if (f <= 1 && !(dram && keep_dram))
			continue;
		char lv[32];
		snprintf(lv, sizeof lv, "%s", q == c->npe ? "pe"
		                                          : c->arch->level[L].name);
		for (char *s = lv; *s; s++)
			*s = (char)tolower((unsigned char)*s);
		snprintf(pc[n].name, sizeof pc[n].name, "%s_%s", dim_lower[d], lv);
		pc[n].f = f;
		where[n++] = q == c->npe ? -1 : L;
	}
	if (n == 1)
		snprintf(pc[0].name, sizeof pc[0].name, "%s", dim_lower[d]);
	return n;
}

/* Names of the nest's loops in the order of the canonical nest; loops of
 * one iteration that the nest leaves out come last (outermost). */
typedef struct Names {
	int n;
	char name[S_MAXLOOPS + NDIMS][48];
	int level[S_MAXLOOPS + NDIMS];   /* -1 unrolled */
	int adim[S_MAXLOOPS + NDIMS];    /* unrolled: its array dimension */
	int ldim[S_MAXLOOPS + NDIMS];    /* unrolled: its layer loop */
	int repl[S_MAXLOOPS + NDIMS];    /* unrolled: the dim's second loop */
} Names;

static void split_chain(FILE *f, const Piece *pc, int n, int d, int *first)
{
	/* split(d, d, piece0, f0), ..., the last split names the outer piece */
	for (int i = 0; i + 1 < n; i++) {
		const char *outer = i + 2 == n ? pc[n - 1].name : dim_lower[d];
		long rest = 1;
		for (int k = i; k < n; k++)
			rest *= pc[k].f;
		(void)rest;
		fprintf(f, "%s.split(%s, %s, %s, %ld)", *first ? "  O" : "\n   ",
		        dim_lower[d], outer, pc[i].name, pc[i].f);
		*first = 0;
	}
}

static const char *level_piece(const SCtx *c, const SPoint *p, int d, int L,
                               int anchor_d, char *buf)
{
	Piece pc[MAX_LEVELS + 1];
	int where[MAX_LEVELS + 1];
	int n = pieces(c, p, d, d == anchor_d, pc, where);
	for (int i = 0; i < n; i++)
		if (where[i] == L) {
			strcpy(buf, pc[i].name);
			return buf;
		}
	return NULL;
}

/* The first used loop gets a DRAM piece of one iteration when DRAM has
 * no loop, so that accelerate() has a loop to name. */
static int anchor_dim(const SCtx *c, const SPoint *p)
{
	for (int d = 0; d < NDIMS; d++)
		if (c->used[d] && p->f[c->nl - 1][d] > 1)
			return -1;
	for (int d = 0; d < NDIMS; d++)
		if (c->used[d] && c->ext[d] == 1)
			return -1; /* an unsplit loop of one iteration serves */
	for (int d = 0; d < NDIMS; d++)
		if (c->used[d])
			return d;
	return -1;
}

static void write_layer(FILE *f, const Layer *l)
{
	fprintf(f, "layer %s {\n ", l->name);
	for (int d = 0; d < NDIMS; d++)
		if (l->extent[d])
			fprintf(f, " %s=%ld", dim_upper[d], l->extent[d]);
	fputs("\n ", f);
	for (int t = 0; t < NTENSORS; t++) {
		const Tensor *T = &l->t[t];
		fprintf(f, " %s: %c%d", T->name, T->type.is_signed ? 'i' : 'u',
		        T->type.bits);
		for (int r = 0; r < T->rank; r++)
			fprintf(f, "%c%ld", r ? ',' : '[', T->shape[r]);
		if (T->rank)
			fputc(']', f);
	}
	fputs("\n  ", f);
	layer_print_stmt(f, l);
	fputs("\n}\n", f);
}

/* The shortest of %.15g, %.16g and %.17g that reads back as the same
 * double (0.96, not 0.95999999999999996), so the file models exactly
 * as the search did and reads as written. */
static void put_double(FILE *f, double v)
{
	char s[40];
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(s, sizeof s, "%.*g", prec, v);
		if (strtod(s, NULL) == v)
			break;
	}
	fputs(s, f);
}

/* The arch block; a level's holds clause names the tensors of layer l
 * (the layer written, whatever the names of the file the arch came
 * from). */
static void write_arch(FILE *f, const Arch *a, const Layer *l)
{
	fprintf(f, "arch %s {\n  pe_array %ld", a->name ? a->name : "searched",
	        a->dim[0]);
	if (a->ndims > 1)
		fprintf(f, " x %ld", a->dim[1]);
	fputc('\n', f);
	for (int i = 0; i < a->nlevels; i++) {
		const Level *L = &a->level[i];
		fprintf(f, "  level %s", L->name);
		if (L->offchip)
			fputs(" offchip", f);
		else
			fprintf(f, "%s size %ld B", L->per_pe ? " per_pe" : "", L->bytes);
		fputs(" pj ", f);
		put_double(f, L->pj);
		if (L->bandwidth)
			fprintf(f, " bandwidth %ld", L->bandwidth);
		if (L->latency)
			fprintf(f, " latency %ld", L->latency);
		for (int t = 0, n = 0; t < NTENSORS && L->nholds; t++)
			if (arch_holds(a, i, t))
				fprintf(f, "%s %s", n++ ? "," : " holds", l->t[t].name);
		static const char *const act[NACTIONS] = {"read_pj", "fill_pj",
		                                          "update_pj"};
		for (int k = 0; k < L->nacts; k++) {
			fprintf(f, " %s%s%s ", act[L->act[k].action],
			        L->act[k].tname ? " " : "",
			        L->act[k].tname ? L->act[k].tname : "");
			put_double(f, L->act[k].pj);
		}
		if (L->leak_pj) {
			fputs(" leak_pj ", f);
			put_double(f, L->leak_pj);
		}
		fputc('\n', f);
	}
	fputs("  hop_pj ", f);
	put_double(f, a->hop_pj);
	for (int k = 0; k < HOP_KINDS; k++)
		if (a->hop_given[k]) {
			fprintf(f, "\n  hop_pj %s ", hop_kind_name[k]);
			put_double(f, a->hop_kind_pj[k]);
		}
	fputs("\n  mac_pj ", f);
	put_double(f, a->mac_pj);
	if (a->fills_free)
		fputs("\n  fills free", f);
	fputs("\n}\n", f);
}

/* The loop named in the nest at canonical position i, levels outermost
 * first then the unrolled loops; returns its name. */
static void nest_names(const SCtx *c, const SPoint *p, int anchor, Names *nm)
{
	char buf[48];
	nm->n = 0;
	for (int L = c->nl - 1; L >= 0; L--)
		for (int k = NDIMS - 1; k >= 0; k--) {
			int d = p->order[L][k];
			int keep = L == c->nl - 1 && d == anchor;
			if (!c->used[d] || (p->f[L][d] <= 1 && !keep))
				continue;
			if (!level_piece(c, p, d, L, anchor, buf))
				continue;
			strcpy(nm->name[nm->n], buf);
			nm->level[nm->n++] = L;
		}
	for (int a = 0; a < c->arch->ndims; a++)
		for (int r = 0; r < 2; r++) {
			int d = r ? p->rdim[a] : p->sdim[a];
			if (d < 0 || (r ? p->rf[a] : p->sf[a]) <= 1)
				continue;
			Piece pc[MAX_LEVELS + 1];
			int where[MAX_LEVELS + 1];
			int n = pieces(c, p, d, d == anchor, pc, where);
			for (int i = 0; i < n; i++)
				if (where[i] < 0) {
					strcpy(nm->name[nm->n], pc[i].name);
					nm->adim[nm->n] = a;
					nm->ldim[nm->n] = d;
					nm->repl[nm->n] = r;
					nm->level[nm->n++] = -1;
				}
		}
}

/* The name of the loop a buffer of level L sits in: the innermost loop
 * of the levels outside L (the accelerate loop at least). */
static const char *buffer_loop(const SCtx *c, const Names *nm, int L,
                               const char *accel)
{
	const char *at = accel;
	for (int i = 0; i < nm->n; i++)
		if (nm->level[i] > L)
			at = nm->name[i];
	return at;
}

static void write_schedule(FILE *f, const SCtx *c, const SPoint *p)
{
	int anchor = anchor_dim(c, p), first = 1;
	fputs("schedule {\n", f);
	for (int d = 0; d < NDIMS; d++) {
		if (!c->used[d])
			continue;
		Piece pc[MAX_LEVELS + 1];
		int where[MAX_LEVELS + 1];
		int n = pieces(c, p, d, d == anchor, pc, where);
		split_chain(f, pc, n, d, &first);
	}
	Names nm;
	nest_names(c, p, anchor, &nm);
	/* reorder, innermost first: unrolled, then levels inside out, then
	 * loops of one iteration */
	fprintf(f, "%s.reorder(", first ? "  O" : "\n   ");
	int k = 0;
	for (int i = nm.n - 1; i >= 0; i--)
		fprintf(f, "%s%s", k++ ? ", " : "", nm.name[i]);
	for (int d = 0; d < NDIMS; d++)
		if (c->used[d] && c->ext[d] == 1)
			fprintf(f, "%s%s", k++ ? ", " : "", dim_lower[d]);
	fputc(')', f);
	for (int i = 0; i < nm.n; i++)
		if (nm.level[i] < 0)
			fprintf(f, "\n   .%s(%s, %d)", nm.repl[i] ? "replicate" : "unroll",
			        nm.name[i], nm.adim[i]);
	const char *accel = NULL;
	for (int i = 0; i < nm.n; i++)
		if (nm.level[i] == c->nl - 1)
			accel = nm.name[i];
	for (int d = 0; !accel && d < NDIMS; d++)
		if (c->used[d] && c->ext[d] == 1)
			accel = dim_lower[d];
	fprintf(f, "\n   .accelerate(%s)\n", accel);
	for (int t = 0; t < NTENSORS; t++)
		for (int L = 0; L < c->nl - 1; L++)
			if (p->buf[t][L])
				fprintf(f, "  %s.in(%s).compute_at(O, %s)%s%s\n",
				        c->layer->t[t].name, c->arch->level[L].name,
				        buffer_loop(c, &nm, L, accel),
				        spoint_dbl(c, p, t, L) ? ".double_buffer()" : "",
				        spoint_kept(c, p, t) ? ".keep_overlap()" : "");
	/* partial sums kept per PE travel along accumulation chains */
	int perpe_out = 0;
	for (int L = 0; L < c->npe; L++)
		perpe_out |= p->buf[T_OUT][L];
	for (int i = 0; perpe_out && i < nm.n; i++)
		if (nm.level[i] < 0 && !(c->mask[T_OUT] >> nm.ldim[i] & 1))
			fprintf(f, "  %s.systolic(%s)\n", c->layer->t[T_OUT].name,
			        nm.name[i]);
	fputs("}\n", f);
}

void spoint_write(FILE *f, const SCtx *c, const SPoint *p, const char *note)
{
	if (note)
		fputs(note, f);
	write_layer(f, c->layer);
	write_schedule(f, c, p);
	write_arch(f, c->arch, c->layer);
}

char *spoint_text(const SCtx *c, const SPoint *p, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	if (!f)
		INTERNAL("out of memory");
	spoint_write(f, c, p, NULL);
	fclose(f);
	return buf;
}

LoopNest *spoint_lower(Arena *a, const SCtx *c, const SPoint *p, char *err,
                       size_t errlen)
{
	size_t len;
	char *text = spoint_text(c, p, &len);
	Source *src = source_from_text(a, "<search>", text, len);
	Program *prog = arena_alloc(a, sizeof *prog);
	LoopNest *ln = arena_alloc(a, sizeof *ln);
	char *msg = NULL;
	size_t mlen = 0;
	FILE *mf = open_memstream(&msg, &mlen);
	Diag d = {.out = mf};
	int ok = parse_program(a, &d, src, prog) && lower(&d, prog, ln, NULL);
	fclose(mf);
	if (!ok)
		snprintf(err, errlen, "the written schedule does not compile:\n%s"
		         "\n%s", msg, text);
	free(msg);
	free(text);
	return ok ? ln : NULL;
}

int spoint_relower(const SCtx *c, const SPoint *p, Model *m, int *buildable,
                   char *err, size_t errlen)
{
	Arena *a = arena_new();
	LoopNest *ln = spoint_lower(a, c, p, err, errlen);
	int ok = ln != NULL;
	if (ok && !model_eval(ln, m, 0)) {
		snprintf(err, errlen, "the written schedule has no accelerator");
		ok = 0;
	}
	if (ok && buildable) {
		static __thread Hw hw;
		char why[256];
		*buildable = hw_plan(ln, &hw, why, sizeof why);
	}
	arena_free(a);
	return ok;
}
