/* schedgen.c - writes a random, valid .tsr file (layer, schedule, arch)
 * for a seed: `schedgen SEED`; `schedgen SEED LAYER-SEED` keeps the layer of
 * LAYER-SEED and draws only the schedule from SEED.  The suite runs each one on the JIT and the
 * naive reference; later stages add the model and the simulator.
 *
 * Layers are small (at most a few thousand MACs) and of every kind:
 * convolution with stride, depthwise, fully connected, and convolutions
 * missing some loops, over several element types.  Schedules use uneven
 * splits, tile, fuse, reorder, unroll and replicate on 1-D and 2-D
 * arrays, accelerate, buffers at both on-chip levels, double buffering
 * (a register file's drawn from a stream of its own, so that the other
 * draws of a seed stay what they were) and systolic() (a per-PE output
 * is left to a reduction tree one time in three, drawn from a stream of
 * its own too); one arch in four has a second shared level, L2, whose
 * buffers come from a stream of their own as well, and so does the
 * output's global buffer's double_buffer(); the DRAM has a
 * bandwidth and a latency in two files of three.  `schedgen --pad SEED`
 * writes SEED's file with padding tiles in place of the edge tiles of
 * its layer loops' first splits (pad() to the tiles' extent, nothing
 * else drawn otherwise); `schedgen --keep SEED` marks every input
 * buffer of SEED's file keep_overlap() (both flags may be given).  The
 * generator keeps to the rules the checker enforces,
 * so every file it writes must be accepted.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { N, K, C, Y, X, FY, FX, NDIM };
static const char *const up[NDIM] = {"N", "K", "C", "Y", "X", "FY", "FX"};
static const char *const low[NDIM] = {"n", "k", "c", "y", "x", "fy", "fx"};

/* xorshift64: one step of stream s, and a draw of 0 .. n-1 (0 if n is 0) */
static unsigned draw(uint64_t *s, unsigned n)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return n ? (unsigned)(*s % n) : 0;
}

static uint64_t rng;
static unsigned rnd(unsigned n) /* 0 .. n-1 */
{
	return draw(&rng, n);
}

/* A stream of its own for a register file's double_buffer(), so that
 * drawing it leaves every other draw of a seed as it was. */
static uint64_t rng_db;
static unsigned rnd_db(unsigned n)
{
	return draw(&rng_db, n);
}

/* And one for summing partial sums kept per PE by a reduction tree
 * rather than an accumulation chain. */
static uint64_t rng_tree;
static unsigned rnd_tree(unsigned n)
{
	return draw(&rng_tree, n);
}

/* And one for the output's global buffer's double_buffer(). */
static uint64_t rng_og;
static unsigned rnd_og(unsigned n)
{
	return draw(&rng_og, n);
}

/* And one for a second shared level (L2, between the register files
 * and the global buffer) in one design of four, its buffers' loops and
 * their double_buffer(). */
static uint64_t rng_l2;
static unsigned rnd_l2(unsigned n)
{
	return draw(&rng_l2, n);
}

typedef struct GLoop {
	char name[32];
	int dims;      /* bit set of the layer loops it counts */
	long ext;
	int fused, spatial, adim;
} GLoop;

typedef struct Gen {
	long ext[NDIM];
	int uneven[NDIM];   /* some split of this loop does not divide */
	int idx[3];         /* bit sets: loops indexing O, I, W */
	GLoop l[48];        /* outermost first */
	int n, names;
	long adim[2];
	int ndims;
	long used[2];
	int l2;             /* the arch has L2 (a second shared level) */
} Gen;

/* The loops of cand (in order) that the layer has; their number. */
static int present(const Gen *g, const int cand[4], int *out)
{
	int n = 0;
	for (int i = 0; i < 4; i++)
		if (g->ext[cand[i]])
			out[n++] = cand[i];
	return n;
}

/* Picks the layer: kind, extents, statement and types. */
static void layer(Gen *g, FILE *f)
{
	int kind = (int)rnd(4); /* conv, depthwise, fc, conv without some loops */
	long s = 1 + rnd(2);
	memset(g->ext, 0, sizeof g->ext);
	g->ext[N] = 1 + rnd(2);
	g->ext[C] = 1 + rnd(9);
	if (kind != 1)
		g->ext[K] = 1 + rnd(9);
	if (kind != 2) {
		g->ext[Y] = 1 + rnd(6);
		g->ext[X] = 1 + rnd(6);
		g->ext[FY] = 1 + rnd(3);
		g->ext[FX] = 1 + rnd(3);
	}
	if (kind == 3) {
		if (rnd(2))
			g->ext[N] = 0;
		if (rnd(2))
			g->ext[FY] = 0;
		if (rnd(2))
			g->ext[Y] = g->ext[FY] = 0;
	}
	/* each tensor's indices: the loops it uses that the layer has */
	int od[4], ad[4], wd[4];
	int on = present(g, (const int[4]){N, kind == 1 ? C : K, Y, X}, od);
	int an = present(g, (const int[4]){N, C, Y, X}, ad);
	int wn = present(g, (const int[4]){K, C, FY, FX}, wd);
	fprintf(f, "layer random {\n ");
	for (int d = 0; d < NDIM; d++)
		if (g->ext[d])
			fprintf(f, " %s=%ld", up[d], g->ext[d]);
	fprintf(f, "\n  s = %ld\n", s);
	static const char *const types[][3] = {
		{"i32", "i16", "i16"}, {"i32", "i8", "i8"}, {"i24", "u8", "i8"},
		{"i20", "i4", "i12"}, {"u16", "u8", "u8"}, {"i64", "i32", "i32"},
		{"i32", "i16", "i16"},
	};
	int t = (int)rnd(sizeof types / sizeof types[0]);
	fprintf(f, "  O: %s  I: %s  W: %s\n  ", types[t][0], types[t][1],
	        types[t][2]);
	/* O(...) += I(...) * W(...) with I's y, x as y*s+fy, x*s+fx */
	fputs("O(", f);
	for (int i = 0; i < on; i++)
		fprintf(f, "%s%s", i ? "," : "", low[od[i]]);
	fputs(") += I(", f);
	for (int i = 0; i < an; i++) {
		int d = ad[i];
		fprintf(f, "%s%s", i ? "," : "", low[d]);
		if (d == Y || d == X) {
			fputs("*s", f);
			if (g->ext[d == Y ? FY : FX])
				fprintf(f, "+%s", low[d == Y ? FY : FX]);
		}
	}
	fputs(") * W(", f);
	for (int i = 0; i < wn; i++)
		fprintf(f, "%s%s", i ? "," : "", low[wd[i]]);
	fputs(")\n}\n", f);
	memset(g->idx, 0, sizeof g->idx);
	for (int i = 0; i < on; i++)
		g->idx[0] |= 1 << od[i];
	for (int i = 0; i < an; i++) {
		g->idx[1] |= 1 << ad[i];
		if (ad[i] == Y && g->ext[FY])
			g->idx[1] |= 1 << FY;
		if (ad[i] == X && g->ext[FX])
			g->idx[1] |= 1 << FX;
	}
	for (int i = 0; i < wn; i++)
		g->idx[2] |= 1 << wd[i];
	/* the initial nest: output loops in index order, then the others */
	int placed = 0;
	g->n = 0;
	for (int i = 0; i < on; i++) {
		GLoop *l = &g->l[g->n++];
		memset(l, 0, sizeof *l);
		strcpy(l->name, low[od[i]]);
		l->dims = 1 << od[i];
		l->ext = g->ext[od[i]];
		placed |= l->dims;
	}
	for (int d = 0; d < NDIM; d++)
		if (g->ext[d] && !(placed & 1 << d)) {
			GLoop *l = &g->l[g->n++];
			memset(l, 0, sizeof *l);
			strcpy(l->name, low[d]);
			l->dims = 1 << d;
			l->ext = g->ext[d];
		}
}

static int dim_of(const GLoop *l)
{
	for (int d = 0; d < NDIM; d++)
		if (l->dims & 1 << d)
			return d;
	return -1;
}

/* --pad: a layer loop split by a factor that does not divide is padded
 * to the tiles' extent first (padding tiles in place of edge tiles) */
static int pad_mode;

/* split: loop i becomes outer (at i) and inner (at i+1). */
static void split(Gen *g, FILE *f, int i)
{
	GLoop old = g->l[i];
	long fct = 1 + rnd((unsigned)old.ext + 1);
	GLoop o = old, in = old;
	int id = g->names++;
	if (pad_mode && old.ext % fct && !strcmp(old.name, low[dim_of(&old)]))
		fprintf(f, "\n   .pad(%s, %ld)", old.name,
		        (old.ext + fct - 1) / fct * fct);
	snprintf(o.name, sizeof o.name, "%s%do", low[dim_of(&old)], id);
	snprintf(in.name, sizeof in.name, "%s%di", low[dim_of(&old)], id);
	o.ext = (old.ext + fct - 1) / fct;
	in.ext = fct;
	if (old.ext % fct)
		g->uneven[dim_of(&old)] = 1;
	memmove(&g->l[i + 2], &g->l[i + 1], sizeof(GLoop) * (size_t)(g->n - i - 1));
	g->l[i] = o;
	g->l[i + 1] = in;
	g->n++;
	fprintf(f, "\n   .split(%s, %s, %s, %ld)", old.name, o.name, in.name, fct);
}

static void fuse(Gen *g, FILE *f, int i)
{
	GLoop *in = &g->l[i + 1], *out = &g->l[i];
	char name[16];
	snprintf(name, sizeof name, "f%d", g->names++);
	fprintf(f, "\n   .fuse(%s, %s, %s)", in->name, out->name, name);
	out->dims |= in->dims;
	out->ext *= in->ext;
	out->fused = 1;
	strcpy(out->name, name);
	memmove(in, in + 1, sizeof(GLoop) * (size_t)(g->n - i - 2));
	g->n--;
}

/* tile(a, b, ao, bo, ai, bi, fa, fb): two splits, then ai, bi, ao, bo
 * take the positions of the four loops, innermost first. */
static void tile(Gen *g, FILE *f, int ia, int ib)
{
	char an[32], bn[32];
	strcpy(an, g->l[ia].name);
	strcpy(bn, g->l[ib].name);
	long fa = 1 + rnd((unsigned)g->l[ia].ext + 1);
	long fb = 1 + rnd((unsigned)g->l[ib].ext + 1);
	int id = g->names++;
	char n[4][32];
	snprintf(n[0], 32, "%s%dto", an, id);
	snprintf(n[1], 32, "%s%dto", bn, id);
	snprintf(n[2], 32, "%s%dti", an, id);
	snprintf(n[3], 32, "%s%dti", bn, id);
	fprintf(f, "\n   .tile(%s, %s, %s, %s, %s, %s, %ld, %ld)", an, bn, n[0],
	        n[1], n[2], n[3], fa, fb);
	const char *names[2] = {an, bn};
	long fs[2] = {fa, fb};
	for (int k = 0; k < 2; k++) {
		int i = 0;
		while (strcmp(g->l[i].name, names[k]))
			i++;
		GLoop old = g->l[i], o = old, in = old;
		strcpy(o.name, n[k]);
		strcpy(in.name, n[2 + k]);
		o.ext = (old.ext + fs[k] - 1) / fs[k];
		in.ext = fs[k];
		if (old.ext % fs[k])
			g->uneven[dim_of(&old)] = 1;
		memmove(&g->l[i + 2], &g->l[i + 1],
		        sizeof(GLoop) * (size_t)(g->n - i - 1));
		g->l[i] = o;
		g->l[i + 1] = in;
		g->n++;
	}
	int pos[4], np = 0;
	GLoop saved[4];
	const char *order[4] = {n[2], n[3], n[0], n[1]}; /* innermost first */
	for (int i = g->n - 1; i >= 0; i--)
		for (int k = 0; k < 4; k++)
			if (!strcmp(g->l[i].name, n[k]))
				pos[np++] = i;
	for (int k = 0; k < 4; k++)
		for (int i = 0; i < g->n; i++)
			if (!strcmp(g->l[i].name, order[k]))
				saved[k] = g->l[i];
	for (int k = 0; k < 4; k++)
		g->l[pos[k]] = saved[k];
}

static int even(const Gen *g, const GLoop *l)
{
	for (int d = 0; d < NDIM; d++)
		if ((l->dims & 1 << d) && g->uneven[d])
			return 0;
	return 1;
}

static void shuffle(Gen *g, FILE *f)
{
	for (int i = g->n - 1; i > 0; i--) {
		int j = (int)rnd((unsigned)i + 1);
		GLoop t = g->l[i];
		g->l[i] = g->l[j];
		g->l[j] = t;
	}
	fputs("\n   .reorder(", f);
	for (int i = g->n - 1; i >= 0; i--)
		fprintf(f, "%s%s", i == g->n - 1 ? "" : ", ", g->l[i].name);
	fputc(')', f);
}

/* A loop may be unrolled when no temporal loop inside it could have a
 * trip count that depends on it: its loops divide evenly, or it is the
 * innermost loop of its layer loop. */
static int unrollable(const Gen *g, int i)
{
	const GLoop *l = &g->l[i];
	if (l->spatial || l->ext < 1)
		return 0;
	if (even(g, l))
		return 1;
	if (l->fused)
		return 0;
	for (int j = i + 1; j < g->n; j++)
		if (g->l[j].dims & l->dims)
			return 0;
	return 1;
}

static void unroll(Gen *g, FILE *f)
{
	int want = 1 + (int)rnd(3);
	for (int tries = 0; want > 0 && tries < 20; tries++) {
		int i = 1 + (int)rnd((unsigned)g->n - 1); /* leave room outside */
		if (g->n < 2 || !unrollable(g, i))
			continue;
		int d = (int)rnd((unsigned)g->ndims);
		long used = g->used[d] ? g->used[d] : 1;
		if (g->l[i].ext * used > g->adim[d])
			continue;
		fprintf(f, "\n   .%s(%s, %d)", g->used[d] ? "replicate" : "unroll",
		        g->l[i].name, d);
		g->used[d] = used * g->l[i].ext;
		g->l[i].spatial = 1;
		g->l[i].adim = d;
		want--;
	}
}

static const char *tname(int t) { return t == 0 ? "O" : t == 1 ? "I" : "W"; }

static int keep_mode;

/* --keep: an input's buffer keeps its overlap */
static const char *keep(int t)
{
	return keep_mode && t ? ".keep_overlap()" : "";
}

/* Returns whether O was given a per-PE buffer. */
static int buffers(Gen *g, FILE *f, int accel, int first_spatial)
{
	int o_rf = 0;
	for (int t = 0; t < 3; t++) {
		int gb = -1;
		if (rnd(3)) {
			gb = accel + (int)rnd((unsigned)(first_spatial - accel));
			/* the output's global buffer's double_buffer() from a
			 * stream of its own (the draw is made all the same) */
			int db = (int)rnd(2);
			if (t == 0)
				db = (int)rnd_og(2);
			fprintf(f, "  %s.in(GB).compute_at(O, %s)%s%s\n", tname(t),
			        g->l[gb].name, db ? ".double_buffer()" : "", keep(t));
		}
		int lo = gb >= 0 ? gb : accel, rf = -1;
		if (rnd(2)) {
			rf = lo + (int)rnd((unsigned)(g->n - lo));
			fprintf(f, "  %s.in(RF).compute_at(O, %s)%s%s\n", tname(t),
			        g->l[rf].name, rnd_db(2) ? ".double_buffer()" : "",
			        keep(t));
			o_rf |= t == 0;
		}
		/* L2: inside the global buffer's loop, outside the array's
		 * and the register file's */
		if (g->l2 && rnd_l2(2)) {
			int hi = rf >= 0 && rf < first_spatial ? rf : first_spatial - 1;
			int l2 = lo + (int)rnd_l2((unsigned)(hi - lo + 1));
			int db = (int)rnd_l2(2) && t != 0;
			fprintf(f, "  %s.in(L2).compute_at(O, %s)%s%s\n", tname(t),
			        g->l[l2].name, db ? ".double_buffer()" : "", keep(t));
		}
	}
	return o_rf;
}

int main(int argc, char **argv)
{
	while (argc > 1 && (!strcmp(argv[1], "--pad") ||
	                    !strcmp(argv[1], "--keep"))) {
		if (!strcmp(argv[1], "--pad"))
			pad_mode = 1;
		else
			keep_mode = 1;
		argv++;
		argc--;
	}
	if (argc != 2 && argc != 3) {
		fprintf(stderr, "usage: schedgen [--pad] [--keep] SEED "
		        "[LAYER-SEED]\n");
		return 2;
	}
	/* the layer comes from LAYER-SEED when given, the schedule from SEED */
	const char *lseed = argv[argc - 1];
	rng = strtoull(lseed, NULL, 10) * 0x9E3779B97F4A7C15ULL + 1;
	rng_db = strtoull(argv[1], NULL, 10) * 0xA24BAED4963EE407ULL + 3;
	rng_tree = strtoull(argv[1], NULL, 10) * 0x9FB21C651E98DF25ULL + 5;
	rng_l2 = strtoull(argv[1], NULL, 10) * 0xBF58476D1CE4E5B9ULL + 9;
	rng_og = strtoull(argv[1], NULL, 10) * 0x94D049BB133111EBULL + 11;
	for (int i = 0; i < 4; i++)
		rnd(2);
	Gen g = {0};
	FILE *f = stdout;
	fprintf(f, "# random layer and schedule, schedgen %s%s%s%s%s\n",
	        pad_mode ? "--pad " : "", keep_mode ? "--keep " : "", argv[1],
	        argc == 3 ? " " : "",
	        argc == 3 ? argv[2] : "");
	layer(&g, f);
	if (argc == 3) {
		rng = strtoull(argv[1], NULL, 10) * 0xD1B54A32D192ED03ULL + 7;
		for (int i = 0; i < 4; i++)
			rnd(2);
	}
	g.ndims = 1 + (int)rnd(2);
	g.adim[0] = 2 + rnd(7);
	g.adim[1] = g.ndims > 1 ? 2 + rnd(5) : 1;
	fputs("schedule {\n", f);
	char *chain = NULL;
	size_t chain_len = 0;
	FILE *top = f;
	f = open_memstream(&chain, &chain_len);
	int nsplit = (int)rnd(5);
	for (int k = 0; k < nsplit && g.n < 40; k++) {
		int i = (int)rnd((unsigned)g.n);
		if (!g.l[i].fused && g.l[i].ext > 1)
			split(&g, f, i);
	}
	if (rnd(4) == 0 && g.n >= 2 && g.n < 40) {
		int a = (int)rnd((unsigned)g.n), b = (int)rnd((unsigned)g.n);
		if (a != b && !g.l[a].fused && !g.l[b].fused)
			tile(&g, f, a, b);
	}
	if (rnd(3) == 0)
		for (int i = 0; i + 1 < g.n; i++)
			if (even(&g, &g.l[i]) && even(&g, &g.l[i + 1]) &&
			    !g.l[i].fused && !g.l[i + 1].fused) {
				fuse(&g, f, i);
				break;
			}
	if (rnd(4))
		shuffle(&g, f);
	int accel = -1, first_spatial = g.n;
	if (rnd(5)) {
		unroll(&g, f);
		for (int i = g.n - 1; i >= 0; i--)
			if (g.l[i].spatial)
				first_spatial = i;
		accel = (int)rnd((unsigned)first_spatial);
		fprintf(f, "\n   .accelerate(%s)", g.l[accel].name);
	}
	fclose(f);
	f = top;
	if (chain_len)
		fprintf(f, "  O%s\n", chain);
	free(chain);
	g.l2 = rnd_l2(4) == 0;
	if (accel >= 0) {
		int o_rf = buffers(&g, f, accel, first_spatial);
		/* partial sums kept per PE are summed along an accumulation
		 * chain, or one time in three a reduction tree (its own
		 * stream), along each array dimension that sums them */
		int chained[2] = {0, 0};
		for (int i = 0; i < g.n; i++) {
			if (!g.l[i].spatial)
				continue;
			int d = g.l[i].adim;
			if (!(g.l[i].dims & g.idx[0]) && !chained[d] &&
			    (o_rf || rnd(2))) {
				if (!o_rf || rnd_tree(3))
					fprintf(f, "  O.systolic(%s)\n", g.l[i].name);
				chained[d] = 1;
				continue;
			}
			for (int t = 1; t < 3; t++)
				if (!(g.l[i].dims & g.idx[t]) && rnd(2)) {
					fprintf(f, "  %s.systolic(%s)\n", tname(t), g.l[i].name);
					break;
				}
		}
	}
	fputs("}\n", f);
	fprintf(f, "arch random {\n  pe_array %ld", g.adim[0]);
	if (g.ndims > 1)
		fprintf(f, " x %ld", g.adim[1]);
	/* memories large enough for any block of these small layers */
	fprintf(f, "\n  level RF per_pe size 32 KB\n%s  level GB size 1 MB\n"
	        "  level DRAM offchip", g.l2 ? "  level L2 size 64 KB\n" : "");
	/* a DRAM of some bandwidth and latency in two designs of three, so
	 * that fills and drains contend for its words a cycle and wait for
	 * its answers; drawn last, so that a seed's layer and schedule stay
	 * what they were */
	if (rnd(3)) {
		static const int bw[] = {1, 2, 3, 4, 8, 16};
		static const int lat[] = {0, 1, 2, 5, 12, 40};
		fprintf(f, " bandwidth %d latency %d", bw[rnd(6)], lat[rnd(6)]);
	}
	fputs("\n}\n", f);
	return 0;
}
