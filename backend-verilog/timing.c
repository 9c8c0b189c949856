/* timing.c - the cycles of the generated hardware, predicted from its
 * plan as the design counts them (cycles by state), so that `tessera
 * sim` can put the two side by side and hold them together
 * (docs/model.md, "Cycles"; docs/hardware.md).
 *
 * It goes through the layer's blocks in order, as the controller does
 * (the settings of the loops up to the innermost refill point, with the
 * guards of edge tiles), and times each event between them:
 *   - the steps take a cycle each;
 *   - at an event (some buffers' blocks change) the sequencer runs the
 *     jobs of those buffers: a cycle first when a drain follows (the
 *     last step's stage B), the drains inner to outer, then the fills
 *     outer to inner;
 *   - a job walks its engine's settings, one a cycle (several words a
 *     cycle where slots serve several banks), plus a cycle to end; a
 *     fill from DRAM ends with its last read, its answers coming back
 *     meanwhile; a fill from an on-chip buffer waits for its parent's
 *     answers; the last job waits for every answer;
 *   - a prefetched buffer fetches its next block on the DRAM cycles no
 *     job uses (the lowest buffer first), from the end of its job; its
 *     job waits for what is left of that fetch;
 *   - the output halves (halves.c) swap at a refill of theirs alone, in
 *     the background draining the block just done and returning the
 *     partial sums of the block after next; the steps wait for that
 *     background whenever the halves change.
 * A job's walk is worked out at each refill, as its engine's counters
 * wrap there (edge tiles walk fewer settings, or fewer words).
 */
#include "blocks.h"

#include <stdlib.h>
#include <string.h>

/* ---- the sequencer, block by block ---- */

typedef struct Timer {
	Walks wk;
	const Out *o;
	HwTime *t;
	double lat;                     /* DRAM latency */
	double plat;                    /* from a prefetch's last read to
	                                   the end of a job waiting for it */
	int dram[MAX_BUFFERS];          /* filled from DRAM by its jobs */
	unsigned *seen, mark;           /* walk_reads' marks, a word each
	                                   of the largest such buffer */
	double now;                     /* cycles so far */
	/* a prefetched buffer: its fetch's settings left (a free DRAM cycle
	 * each, a read unless a repeat), those after its last read (early),
	 * when that read's answer is in (rdone), when the block is (ready);
	 * the blocks ahead, to its next refill */
	double left[MAX_BUFFERS], early[MAX_BUFFERS], rdone[MAX_BUFFERS];
	double ready[MAX_BUFFERS];
	Blocks ahead[MAX_BUFFERS];
	double hidle;                   /* when the halves' background is idle */
	Blocks hahead;                  /* the blocks ahead, to the halves'
	                                   next refill (hnext) */
	Block hnext;
	int jdh, jfh;                   /* the halves' drain and fill jobs */
	/* an input's halves (ihalves.c): when their background is idle,
	 * the blocks ahead to their next refill, their fill job */
	double iidle[MAX_BUFFERS];
	Blocks iahead[MAX_BUFFERS];
	int jfi[MAX_BUFFERS];
	/* the output's global buffer's halves (ghalves.c): its background's
	 * DRAM cycles left (the drain's writes, then the returns' reads),
	 * the reads among them, the first cycle it may take, the cycle after
	 * its last write, when it is idle; the blocks ahead, to its next
	 * refill; its drain job */
	double oleft, oreads, ostart, owend, oidle;
	Blocks oahead;
	int jdg;
} Timer;

/* A prefetch's block is in when its walk has ended, seen a cycle later
 * (walked: the cycle after its last setting), and its last read's answer
 * is in (rdone). */
static double block_in(double walked, double rdone)
{
	return walked + 1 > rdone ? walked + 1 : rdone;
}

/* The output's global buffer's background takes the DRAM cycles from
 * `from` on, at most to `to`: it is idle, after its last write, a
 * cycle later, after its last read once the answer is in. Returns
 * where it stopped. */
static double obackground(Timer *tm, double from, double to)
{
	double take = tm->oleft < to - from ? tm->oleft : to - from;
	double before = tm->oleft;
	from += take;
	tm->oleft -= take;
	if (before > tm->oreads && tm->oleft <= tm->oreads)
		tm->owend = from - (tm->oreads - tm->oleft);
	if (tm->oleft <= 0)
		tm->oidle = tm->oreads > 0 ? from + tm->plat - 1 : tm->owend;
	return from;
}

static void dram_free_from(Timer *tm, int k0, double from, double to);

/* The DRAM port is free of jobs from `from` to `to`: the prefetches
 * walk their settings there, a cycle each, and the output's global
 * buffer's background takes its cycles, the lowest buffer first. */
static void dram_free(Timer *tm, double from, double to)
{
	dram_free_from(tm, 0, from, to);
}

static void dram_free_from(Timer *tm, int k0, double from, double to)
{
	const Out *o = tm->o;
	for (int k = k0; k < o->hw->nbuf && from < to; k++) {
		if (k == o->og && tm->oleft > 0) {
			if (tm->ostart > from) {   /* not yet: those after it take
			                              these */
				double mid = tm->ostart < to ? tm->ostart : to;
				dram_free_from(tm, k + 1, from, mid);
				from = mid;
			}
			if (from < to)
				from = obackground(tm, from, to);
			continue;
		}
		if (!o->pre[k] || tm->left[k] <= 0)
			continue;
		double take = tm->left[k] < to - from ? tm->left[k] : to - from;
		double before = tm->left[k];
		from += take;
		tm->left[k] -= take;
		if (before > tm->early[k] && tm->left[k] <= tm->early[k])
			tm->rdone[k] = from - (tm->early[k] - tm->left[k]) + tm->plat;
		if (tm->left[k] <= 0)
			tm->ready[k] = block_in(from, tm->rdone[k]);
	}
}

/* The next block at which buffer k changes, from the blocks ahead;
 * 0 (b->valid 0) when there is none. */
static int next_refill(Blocks *ahead, int k, Block *b)
{
	while (blocks_next(ahead, b))
		if (b->in[k])
			return 1;
	b->valid = 0;
	return 0;
}

/* When the output's global buffer's background is idle, the DRAM free
 * of jobs from `at` on: the prefetches before it take their cycles
 * first. */
static double oidle_at(const Timer *tm, double at)
{
	if (tm->oleft <= 0)
		return tm->oidle;
	double lower = 0;
	for (int b = 0; b < tm->o->og; b++)
		if (tm->o->pre[b] && tm->left[b] > 0)
			lower += tm->left[b];
	double s = at + lower > tm->ostart ? at + lower : tm->ostart;
	return s + tm->oleft + (tm->oreads > 0 ? tm->plat - 1 : 0);
}

/* The output's global buffer's halves swap in the job starting now:
 * from the cycle after, its background writes the w settings drained
 * to DRAM, then reads the partial sums of its next refill's block, if
 * they exist. */
static void oswap(Timer *tm, double w)
{
	int k = tm->o->og;
	Block nb;
	next_refill(&tm->oahead, k, &nb);
	tm->oreads = nb.valid && nb.ret[k] ? walk_at(&tm->wk, k, nb.val) : 0;
	tm->oleft = w + tm->oreads;
	tm->ostart = tm->now + 1;
	tm->oidle = 1e300;   /* until it has taken its cycles */
}

/* When prefetched buffer k's block is in, its reads going on from `at`
 * (its job waits): the reads of the lower buffers' fetches go first,
 * and the cycles of the output's global buffer's background, if it is
 * lower and may start before k's fetch ends. */
static double prefetched(const Timer *tm, int k, double at)
{
	const Out *o = tm->o;
	if (tm->left[k] <= 0)
		return tm->ready[k];
	double end = at, lastr;
	for (int b = 0; b <= k; b++)
		if (o->pre[b] && tm->left[b] > 0)
			end += tm->left[b];
	lastr = end - tm->early[k];
	if (o->og >= 0 && o->og < k && tm->oleft > 0 && tm->ostart < end) {
		if (tm->ostart < lastr)
			lastr += tm->oleft;
		end += tm->oleft;
	}
	return block_in(end, tm->left[k] > tm->early[k]   /* its last read is
	                                                     still to come */
	                     ? lastr + tm->plat : tm->rdone[k]);
}

/* Prefetched buffer k's fetch of the block of values val starts: its
 * settings, and those after its last read (a walk that repeats words
 * reads nothing at a repeat). */
static void fetch_start(Timer *tm, int k, const long *val)
{
	tm->left[k] = walk_at(&tm->wk, k, val);
	tm->early[k] = 0;
	tm->rdone[k] = 0;
	if (tm->o->hw->buf[k].dedup) {
		double lastr;
		walk_reads(&tm->wk, k, val, tm->seen, ++tm->mark, &lastr);
		tm->early[k] = tm->left[k] - 1 - lastr;
	}
}

/* A prefetched buffer's job ends (or the layer starts): the fetch of
 * its next block starts, if it has one. */
static void prefetch_next(Timer *tm, int k)
{
	Block b;
	if (next_refill(&tm->ahead[k], k, &b))
		fetch_start(tm, k, b.val);
}

/* The jobs of the buffers that change as block b starts (cut: the
 * buffers whose jobs are left out, halves that swap; the first block:
 * fills only; last: the drains of the outputs only, after block b),
 * from tm->now; drains walk the block before (pb). */
static void jobs(Timer *tm, const Block *b, const Block *pb, unsigned cut,
                 int last)
{
	const Out *o = tm->o;
	const Hw *hw = o->hw;
	HwTime *t = tm->t;
	double answers = 0, ready[MAX_BUFFERS] = {0};
	int n = -1, drains = 0, first = b->first && !last, lastjob = -1;
	unsigned char run[2 * MAX_BUFFERS];
	for (int i = 0; i < o->njobs; i++) {
		int k = o->job_buf[i], d = o->job_drain[i];
		run[i] = last ? d && hw->buf[k].t == T_OUT
		              : b->in[k] && !(cut >> k & 1) && !(first && d);
		drains |= run[i] && d;
		if (run[i])
			lastjob = i;
	}
	if (drains) {   /* stage B of the last step, and a shared output's
	                   lanes after it */
		t->flush += 1 + o->lq;
		dram_free(tm, tm->now, tm->now + 1 + o->lq);
		tm->now += 1 + o->lq;
	}
	for (int i = 0; i < o->njobs; i++) {
		if (!run[i])
			continue;
		int k = o->job_buf[i], d = o->job_drain[i];
		const HwBuf *B = &hw->buf[k];
		double c, busy = 0;   /* busy: its DRAM cycles */
		double early = 0;     /* settings after its last read */
		int fetched = 1;      /* an input's job reads a word */
		double w = o->pre[k] ? 0 : walk_at(&tm->wk, k, d ? pb->val : b->val);
		double ret = B->t == T_OUT && b->ret[k] && k != o->og;
		if (k == o->og && d && !last) {   /* the halves swap, and the
		                                     background starts */
			c = 1;
			oswap(tm, w);
		} else if (d) {   /* its walk, and from a shared buffer the write
		                     after the last read and the cycle that sees
		                     it */
			c = w + (B->per_pe ? 0 : 2);
			if (B->per_pe && o->skd)   /* its last sum's way through
			                              the chain and the skew (and
			                              the PEs' register of the
			                              word), and the cycle it is
			                              written in (skew.c) */
				c += o->skd + 2 + o->sdq;
			busy = tm->dram[k] ? w : 0;
		} else if (o->pre[k]) {   /* the block is in unless the steps were
		                             quicker than its fetch */
			c = prefetched(tm, k, tm->now) - tm->now;
			if (c < 1 + (first && n < 0))   /* the first job's cycle more */
				c = 1 + (first && n < 0);
		} else if (B->t == T_OUT) {
			c = 1 + ret * w;
			busy = tm->dram[k] ? ret * w : 0;
		} else if (B->kslide && B->box && w == 0) {   /* kept, nothing new: a cycle
		                                       that fetches nothing */
			c = 2;
			fetched = 0;
		} else {
			c = w + 1;
			busy = !tm->dram[k] ? 0 : w;
			if (tm->dram[k] && B->dedup) {   /* repeats read nothing */
				double lastr;
				busy = walk_reads(&tm->wk, k, b->val, tm->seen, ++tm->mark,
				                  &lastr);
				early = w - 1 - lastr;
			}
		}
		if (!d && B->parent >= 0 && ready[B->parent] > tm->now)
			c += ready[B->parent] - tm->now;   /* its parent's answers */
		if (first && n < 0 && !o->pre[k])   /* the layer's first job
		                                       takes a cycle more (the
		                                       prefetches issue in it) */
			c += 1;
		double end = tm->now + c;
		/* its DRAM cycles: reads from its first cycle (the layer's
		 * first job: its second), writes from its first (per-PE) or
		 * second */
		double at = tm->now + (d && !B->per_pe ? 1 : 0) +
		            (first && n < 0 && !o->pre[k]);
		dram_free(tm, tm->now, at);
		dram_free(tm, at + busy, end);
		tm->now = end;
		t->job[i] += c;
		t->runs[i] += 1;
		if (o->pre[k] && i != lastjob)
			prefetch_next(tm, k);
		if (!d && k == o->oh && ret && end + 1 > tm->hidle)
			tm->hidle = end + 1;   /* its last word, read two cycles
			                          before, is written */
		double reads = B->t == T_OUT ? ret : fetched;
		if (!d && tm->dram[k] && reads > 0) {
			ready[k] = end + tm->lat - 1 - early;
			if (ready[k] > answers)
				answers = ready[k];
		}
		n = i;
	}
	if (n >= 0 && answers > tm->now) {   /* the last job waits for them */
		t->job[n] += answers - tm->now;
		dram_free(tm, tm->now, answers);
		tm->now = answers;
	}
	/* a prefetched buffer's fetch starts as its job ends, and the last
	 * job ends once every answer is in */
	if (lastjob >= 0 && o->pre[o->job_buf[lastjob]])
		prefetch_next(tm, o->job_buf[lastjob]);
}

/* The halves' background started in the cycle before now: draining
 * block pb (swap), returning the partial sums of the halves' next block
 * (the one after the block they start on now) unless the jobs will,
 * taking the engine's walk each, a cycle to start, two for the last
 * return word. */
static void background(Timer *tm, int swap, const Block *pb)
{
	const Out *o = tm->o;
	int k = o->oh, p = o->hw->buf[k].parent;
	next_refill(&tm->hahead, k, &tm->hnext);
	const Block *nb = &tm->hnext;
	int back = nb->valid && !nb->in[p] && nb->ret[k];
	double bg = 0, r = back ? walk_at(&tm->wk, k, nb->val) : 0;
	if (swap)
		bg = 2 + walk_at(&tm->wk, k, pb->val) + (back ? r + 2 : 0);
	else if (back)
		bg = r + 4;
	if (tm->now - 1 + bg > tm->hidle)
		tm->hidle = tm->now - 1 + bg;
	if (swap)
		tm->t->runs[tm->jdh] += 1;
	if (back)
		tm->t->runs[tm->jfh] += 1;
}

/* Input k's halves' background (ihalves.c) starts now, the first
 * cycle of steps after their block changed: it fetches the block after
 * theirs, a cycle a setting, unless there is none or the parent's block
 * changes there (then the job fills it: the background is idle at
 * once). */
static void ibackground(Timer *tm, int k)
{
	Block nb;
	tm->iidle[k] = tm->now;
	if (next_refill(&tm->iahead[k], k, &nb) &&
	    !nb.in[tm->o->hw->buf[k].parent]) {
		tm->iidle[k] += 1 + walk_at(&tm->wk, k, nb.val);
		tm->t->runs[tm->jfi[k]] += 1;
	}
}

/* Before the event that starts block b (last: the layer's end), the
 * steps wait for the backgrounds of the halves it changes (all at the
 * end).  A cycle of the wait counts under the fill of the first input
 * whose background still runs, else under the output's halves' drain
 * (or, without, the first input's fill). */
static void halves_wait(Timer *tm, const Block *b, int last)
{
	const Out *o = tm->o;
	double t0 = tm->now - 1, w = 0, oi = -1;
	if (o->oh >= 0 && (last || b->in[o->oh]) && tm->hidle - t0 > w)
		w = tm->hidle - t0;
	if (o->og >= 0 && (last || b->in[o->og])) {
		oi = oidle_at(tm, tm->now);
		if (oi - t0 > w)
			w = oi - t0;
	}
	int first = -1;
	for (int k = 0; k < o->hw->nbuf; k++)
		if (o->ih[k]) {
			if (first < 0)
				first = tm->jfi[k];
			if ((last || b->in[k]) && tm->iidle[k] - t0 > w)
				w = tm->iidle[k] - t0;
		}
	if (w <= 0)
		return;
	/* the waiting cycles are t0 + 1 .. t0 + w; the output's global
	 * buffer's background runs in those before its idle, an input's
	 * in those before its iidle */
	double from = t0 + 1, end = t0 + w + 1;
	if (oi > from) {
		double to = oi < end ? oi : end;
		tm->t->job[tm->jdg] += to - from;
		from = to;
	}
	for (int k = 0; k < o->hw->nbuf; k++)
		if (o->ih[k] && (last || b->in[k]) && tm->iidle[k] > from) {
			double to = tm->iidle[k] < end ? tm->iidle[k] : end;
			tm->t->job[tm->jfi[k]] += to - from;
			from = to;
		}
	if (end > from)
		tm->t->job[o->oh >= 0 ? tm->jdh : first >= 0 ? first : tm->jdg] +=
			end - from;
	dram_free(tm, tm->now, tm->now + w);
	tm->now += w;
}

static void steps(Timer *tm, const Block *b)
{
	tm->t->step += b->steps;
	dram_free(tm, tm->now, tm->now + b->steps);
	tm->now += b->steps;
}

int hw_timing(const Hw *hw, HwTime *t, long budget)
{
	const LoopNest *ln = hw->ln;
	Timer *tm = calloc(1, sizeof *tm);   /* large: its guard table */
	if (!tm)
		die_oom("timing the hardware");
	Out o = {.hw = hw, .ln = ln};
	o.oh = halves_buffer(hw);
	o.og = ghalves_buffer(hw);
	ihalves_plan(&o);
	plan_jobs(&o);
	gbuf_plan(&o);
	tm->o = tm->wk.o = &o;
	tm->t = t;
	tm->hidle = -1;
	tm->oidle = -1;
	for (int g = 0; g < ln->nguards; g++)
		guard_coefs(hw, g, tm->wk.gc[g]);
	tm->lat = (double)ln->arch->level[ln->arch->nlevels - 1].latency;
	/* an answer comes the latency after its read (at least a cycle),
	 * its count of reads in flight a cycle later, and the job sees it
	 * in the cycle it ends */
	tm->plat = 1 + (tm->lat > 1 ? tm->lat : 1);
	long most = 0;   /* walk_reads' words */
	for (int k = 0; k < hw->nbuf; k++) {
		const HwBuf *B = &hw->buf[k];
		tm->dram[k] = !B->per_pe && B->parent < 0 && !o.pre[k];
		if ((tm->dram[k] || o.pre[k]) && B->dedup && B->words > most)
			most = B->words;
	}
	tm->seen = calloc((size_t)most + 1, sizeof *tm->seen);
	if (!tm->seen)
		die_oom("timing the hardware");
	memset(t, 0, sizeof *t);
	t->njobs = o.njobs;
	for (int i = 0; i < o.njobs; i++) {
		t->job_buf[i] = o.job_buf[i];
		t->job_drain[i] = o.job_drain[i];
	}
	int oh = o.oh, p = oh >= 0 ? hw->buf[oh].parent : -1;
	tm->jdh = oh >= 0 ? job_of(&o, oh, 1) : -1;
	tm->jdg = o.og >= 0 ? job_of(&o, o.og, 1) : -1;
	tm->jfh = oh >= 0 ? job_of(&o, oh, 0) : -1;
	for (int k = 0; k < hw->nbuf; k++)
		tm->jfi[k] = o.ih[k] ? job_of(&o, k, 0) : -1;

	Blocks bl;
	/* the block before, it, the one after: three turns about (a
	 * Block is large, and this runs once a block) */
	Block blk[3], *pb = &blk[0], *cur = &blk[1], *nx = &blk[2];
	blocks_init(&bl, hw, &tm->wk.work);
	blocks_next(&bl, cur);
	for (int k = 0; k < hw->nbuf; k++)
		if (o.pre[k]) {   /* the first block's fetch starts with the layer */
			fetch_start(tm, k, cur->val);
			tm->ahead[k] = bl;
		}
	tm->hahead = bl;
	tm->oahead = bl;
	Block b1;
	if (o.og >= 0)   /* its first refill: the block its first swap starts */
		next_refill(&tm->oahead, o.og, &b1);
	jobs(tm, cur, cur, 0, 0);   /* the first fills */
	if (oh >= 0)
		background(tm, 0, cur);
	for (int k = 0; k < hw->nbuf; k++)
		if (o.ih[k]) {
			tm->iahead[k] = bl;
			ibackground(tm, k);
		}
	steps(tm, cur);
	while (blocks_next(&bl, nx)) {
		if (budget > 0 && tm->wk.work > budget) {
			free(tm->seen);
			free(tm);
			memset(t, 0, sizeof *t);
			return 0;
		}
		Block *was = pb;
		pb = cur;
		cur = nx;
		nx = was;
		int shallow = oh >= 0 && cur->in[oh] && !cur->in[p];
		unsigned cut = shallow ? 1u << oh : 0;   /* halves that swap */
		for (int k = 0; k < hw->nbuf; k++)
			if (o.ih[k] && cur->in[k] && !cur->in[hw->buf[k].parent])
				cut |= 1u << k;
		halves_wait(tm, cur, 0);
		if (shallow)
			background(tm, 1, pb);
		jobs(tm, cur, pb, cut, 0);
		if (oh >= 0 && cur->in[oh] && !shallow)   /* its jobs ran */
			background(tm, 0, cur);
		for (int k = 0; k < hw->nbuf; k++)
			if (o.ih[k] && cur->in[k])
				ibackground(tm, k);
		steps(tm, cur);
	}
	halves_wait(tm, cur, 1);   /* before the last drains */
	jobs(tm, cur, cur, 0, 1);
	double total = t->step + t->flush + t->end;
	for (int i = 0; i < t->njobs; i++)
		total += t->job[i];
	t->cycles = (long)(total + 0.5);
	free(tm->seen);
	free(tm);
	return 1;
}

long hw_cycles_of(const LoopNest *ln, long budget)
{
	static _Thread_local Hw hw;
	char why[512];
	HwTime t;
	if (!hw_plan(ln, &hw, why, sizeof why))
		return -1;
	return hw_timing(&hw, &t, budget) ? t.cycles : -2;
}
