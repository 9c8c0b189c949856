/* buffers.c - pass "buffers": every tensor's chain of buffers and the
 * size of each.
 *
 * A tensor with no buffer in the outermost on-chip level gets one there,
 * at the accelerate() loop: that is where data crosses from DRAM onto the
 * chip.  A buffer holds the elements of its tensor that the loops inside
 * its loop touch (per PE in a per-PE level: only the PE's own), halos of
 * sliding windows and strides included; its size is the largest such
 * block, in words of the tensor's type, doubled when double-buffered.
 * The buffers of each level must fit its capacity.
 */
#include "tessera.h"

#include <string.h>

long layer_elements(const Layer *l, int t)
{
	long n = 1;
	for (int r = 0; r < l->t[t].rank; r++)
		n *= l->t[t].shape[r];
	return n;
}

static void add_implicit(LoopNest *ln, int t, int level)
{
	for (int k = 0; k < ln->nbufs; k++)
		if (ln->buf[k].tensor == t && ln->buf[k].level == level)
			return;
	ASSERT(ln->nbufs < MAX_BUFFERS);
	ln->buf[ln->nbufs++] = (Buffer){.tensor = t, .level = level,
	                                .at = ln->accel, .loc = ln->accel_loc,
	                                .implicit = 1, .refill = REFILL_UNKNOWN};
}

/* Each tensor's buffers, innermost level first. */
static void chains(LoopNest *ln)
{
	for (int t = 0; t < NTENSORS; t++) {
		ln->nholders[t] = 0;
		for (int lv = 0; lv < ln->arch->nlevels - 1; lv++)
			for (int k = 0; k < ln->nbufs; k++)
				if (ln->buf[k].tensor == t && ln->buf[k].level == lv)
					ln->holder[t][ln->nholders[t]++] = k;
	}
}

static long bytes_of(long words, ElemType t)
{
	return (words * t.bits + 7) / 8;
}

/* The words of buffer b's largest block were it placed at loop `at`,
 * and (in *bytes) its storage. */
static long block_words(Counter *c, const LoopNest *ln, const Buffer *b,
                        int at, long *bytes)
{
	unsigned char mark[MAX_LOOPS];
	memset(mark, 0, sizeof mark);
	for (int i = 0; i <= at; i++)
		mark[i] = 1;
	if (ln->arch->level[b->level].per_pe)
		mark_spatial(ln, mark);
	long words = count_max_block(c, b->tensor, mark);
	*bytes = bytes_of(words, ln->layer->t[b->tensor].type) *
	         (b->double_buffered ? 2 : 1);
	return words;
}

static void size_buffers(LoopNest *ln)
{
	Counter *c = counter_new(ln);
	for (int k = 0; k < ln->nbufs; k++) {
		Buffer *b = &ln->buf[k];
		b->words = block_words(c, ln, b, b->at, &b->bytes);
	}
	counter_free(c);
}

/* The outermost loop inside buffer b's own where its block would fit in
 * `room` bytes, or -1: a shared buffer stays outside the unrolled loops,
 * and a tensor's inner-level buffers stay inside its outer ones. */
static int fits_at(const LoopNest *ln, const Buffer *b, long room)
{
	int last = ln->nloops - 1;
	for (int k = 0; k < ln->nbufs; k++) {
		const Buffer *o = &ln->buf[k];
		if (o->tensor == b->tensor && o->level < b->level && o->at < last)
			last = o->at;
	}
	Counter *c = counter_new(ln);
	int found = -1;
	for (int i = b->at + 1; i <= last && found < 0; i++) {
		long bytes;
		if (ln->loop[i].kind == LOOP_SPATIAL &&
		    !ln->arch->level[b->level].per_pe)
			break;
		if (ln->loop[i].kind == LOOP_TEMPORAL &&
		    (block_words(c, ln, b, i, &bytes), bytes <= room))
			found = i;
	}
	counter_free(c);
	return found;
}

static void describe(char *s, size_t n, const LoopNest *ln, const Buffer *b)
{
	snprintf(s, n, "%s%s.in(%s)", b->implicit ? "the implicit buffer " : "",
	         ln->layer->t[b->tensor].name, ln->arch->level[b->level].name);
}

/* The buffers of each level, in the order written, must fit it; the
 * error names the buffer that does not and those already there. */
static void capacity(Diag *d, const LoopNest *ln)
{
	for (int lv = 0; lv < ln->arch->nlevels - 1; lv++) {
		const Level *L = &ln->arch->level[lv];
		long used = 0;
		char others[512] = "";
		for (int k = 0; k < ln->nbufs; k++) {
			const Buffer *b = &ln->buf[k];
			if (b->level != lv)
				continue;
			char what[128];
			describe(what, sizeof what, ln, b);
			if (used + b->bytes > L->bytes) {
				char taken[640] = "";
				if (used)
					snprintf(taken, sizeof taken, ", and %ld B are taken "
					         "by %s", used, others);
				char hint[256] = "";
				int at = fits_at(ln, b, L->bytes - used);
				if (at >= 0)
					snprintf(hint, sizeof hint, "; it fits at loop %s: %s.in(%s)"
					         ".compute_at(%s, %s)", ln->loop[at].name,
					         ln->layer->t[b->tensor].name, L->name,
					         ln->layer->t[T_OUT].name, ln->loop[at].name);
				diag_error(d, b->loc, "%s needs %ld B (%ld words%s) but %s "
				           "holds %ld B%s%s%s", what, b->bytes, b->words,
				           b->double_buffered ? ", double-buffered" : "",
				           L->name, L->bytes, L->per_pe ? " per PE" : "",
				           taken, hint);
				break;
			}
			used += b->bytes;
			size_t n = strlen(others);
			snprintf(others + n, sizeof others - n, "%s%s%s", n ? " and " : "",
			         what, b->double_buffered ? " (double-buffered)" : "");
		}
	}
}

/* The model lists every value of each loop and marks values of each
 * sliding-window index on a bitmap: both must stay in memory. */
static int model_limits(Diag *d, const LoopNest *ln)
{
	const Layer *l = ln->layer;
	enum { MAX_INDEX = 1 << 26 };
	for (int dim = 0; dim < NDIMS; dim++)
		if (l->extent[dim] > MODEL_MAX_EXTENT) {
			diag_error(d, l->extent_loc[dim], "extent %s=%ld is larger than "
			           "the accelerator model handles (%d)", dim_upper[dim],
			           l->extent[dim], MODEL_MAX_EXTENT);
			return 0;
		}
	for (int t = 0; t < NTENSORS; t++)
		for (int r = 0; r < l->t[t].rank; r++)
			if (l->t[t].shape[r] > MAX_INDEX) {
				diag_error(d, l->t[t].idx[r].loc, "index %d of %s reaches "
				           "%ld, more than the accelerator model handles "
				           "(%d)", r, l->t[t].name, l->t[t].shape[r],
				           MAX_INDEX);
				return 0;
			}
	return 1;
}

/* Bound the work of counting what a buffer that keeps its overlap
 * fetches (ir/overlap.c). */
static void kept_limits(Diag *d, const LoopNest *ln)
{
	enum { MAX_WORK = 1 << 27 };
	for (int k = 0; k < ln->nbufs; k++) {
		const Buffer *b = &ln->buf[k];
		if (!b->keep_overlap)
			continue;
		long work = kept_work(ln, b, ln->arch->level[b->level].per_pe);
		if (work > MAX_WORK)
			diag_error(d, b->loc, "%s.in(%s).keep_overlap(): counting "
			           "what it keeps takes %ld steps here (refills "
			           "visited under edge or padding tiles, and blocks "
			           "listed), more than the model handles (%d): keep "
			           "the blocks whole, or split evenly",
			           ln->layer->t[b->tensor].name,
			           ln->arch->level[b->level].name, work, MAX_WORK);
	}
}

int buffers_place(Diag *d, const Program *p, LoopNest *ln)
{
	(void)p;
	int errors = d->nerrors;
	if (ln->accel < 0)
		return 1; /* no accelerator: nothing to place */
	if (!model_limits(d, ln))
		return 0;
	for (int t = 0; t < NTENSORS; t++)   /* unless its holds leave t out */
		if (arch_holds(ln->arch, ln->arch->nlevels - 2, t))
			add_implicit(ln, t, ln->arch->nlevels - 2);
	chains(ln);
	size_buffers(ln);
	capacity(d, ln);
	kept_limits(d, ln);
	return d->nerrors == errors;
}
