/* seq.c - the controller and the sequencer: one counter per temporal
 * loop part (in nest order, cut at edge tiles by the guards); the jobs
 * (drains of the outputs inner to outer, then refills outer to inner)
 * and the state machine that runs the steps and, between them, the jobs
 * of the buffers whose block changes; and what the active job drives
 * each cycle: the shared buffers' port 0, the DRAM request (a prefetch
 * takes the cycles no job uses), the PEs' fill and drain buses.
 * Assumes the engines' signals (e<k>_run, act, fi, di, addresses:
 * engine.c), the DRAM port's registers (rq_*, dp_*, outst: port.c) and
 * the memories' ports (gbuf.c).
 */
#include "emit.h"

#include <string.h>

void emit_controller(Out *o)
{
	const Hw *hw = o->hw;
	unsigned char use[HW_MAXP];
	P(o, "\n\t// ---- controller: one counter per temporal loop part ----\n");
	for (int j = 0; j < hw->np; j++) {
		const HwPart *p = &hw->part[j];
		use[j] = temporal(hw, j);
		if (!use[j])
			continue;
		P(o, "\treg [%d:0] c%d;      // %s of loop %s, extent %ld\n",
		  p->width - 1, j, p->p->name, o->ln->loop[p->loop].name,
		  p->p->extent);
		P(o, "\twire [31:0] c%dx = {%d'd0, c%d};\n", j, 32 - p->width, j);
		P(o, "\treg [31:0] n%d, nx%d;\n", j, j);
	}
	odometer(o, use, (Namer){V_CUR, 0, 0, 0}, (Namer){V_NEXT, 0, 0, 0}, "nlast",
	         -1, 1, NULL, NULL);
	for (int k = 0; k < hw->nbuf; k++) {
		P(o, "\twire chg%d = 1'b0", k);
		for (int j = 0; j < hw->np; j++)
			if (hw->buf[k].mark[j])
				P(o, " || n%d != c%dx", j, j);
		P(o, ";\n");
	}
	P(o, "\twire first_a = 1'b1");
	for (int j = 0; j < hw->np; j++)
		if (temporal(hw, j) && hw->red[j])
			P(o, " && c%dx == 32'd0", j);
	P(o, ";  // no reduction loop has moved: no partial sum yet\n");
}

/* The cycle the sequencer decides what follows a step: every step's
 * but where padding tiles (pad()) idle after it first (pad_steps). */
const char *step_decides(const Out *o)
{
	return o->hw->padded ? "sdec" : "st == S_STEP";
}

/* The steps of the full trip counts, and the bits of a place among
 * them (padding tiles). */
static long pad_total(const Hw *hw)
{
	long total = 1;
	for (int j = 0; j < hw->np; j++)
		if (temporal(hw, j))
			total *= hw->part[j].p->extent;
	return total;
}

static int pad_bits(const Hw *hw)
{
	return hw_bits(pad_total(hw));
}

/* "st == S_STEP", or with padding tiles "st == S_STEP || st == S_PAD":
 * the cycles of the steps, idle ones included. */
const char *step_states(const Out *o)
{
	return o->hw->padded ? "st == S_STEP || st == S_PAD" : "st == S_STEP";
}

/* A step's place in the order of the full trip counts, as wire `name`
 * of the temporal parts' 32-bit values (fmt: "c%dx", "n%d"), in the
 * bits of the largest (a long adder would set the clock). */
static void pad_place(Out *o, const char *name, const char *fmt)
{
	const Hw *hw = o->hw;
	int w = pad_bits(hw);
	long weight = 1;
	char v[32];
	P(o, "\twire [%d:0] %s = %d'd0", w - 1, name, w);
	for (int j = 0; j < hw->np; j++)
		if (temporal(hw, j)) {
			snprintf(v, sizeof v, fmt, j);
			if (w <= 32)
				P(o, " + %s[%d:0]", v, w - 1);
			else
				P(o, " + {%d'd0, %s}", w - 32, v);
			P(o, " * %d'd%ld", w, weight);
			weight *= hw->part[j].p->extent;
		}
	P(o, ";\n");
}

/* Padding tiles: after a step, the steps the edge tiles cut before the
 * next one (or the end) run idle: `gap` of them, the difference of the
 * two steps' places, less one; the first idle cycle is S_STEP's own
 * (pdone set, no step issued), the others S_PAD's, and the last of them
 * decides (sdec). */
static void pad_steps(Out *o)
{
	int w = pad_bits(o->hw);
	P(o, "\t// padding tiles: the steps they leave run idle\n");
	pad_place(o, "plin", "c%dx");
	pad_place(o, "pnlin", "n%d");
	P(o, "\twire [%d:0] gap = nlast ? %d'd%ld - plin : pnlin - plin - "
	  "%d'd1;\n\treg [%d:0] pgap;  // idle cycles left in S_PAD\n"
	  "\treg pdone;  // the step ran: S_STEP idles, or decides\n"
	  "\twire sdec = st == S_STEP && (pdone || gap == %d'd0);\n",
	  w - 1, w, pad_total(o->hw) - 1, w, w - 1, w);
}

/* The jobs: drains of the outputs inner to outer, then refills outer to
 * inner. */
void plan_jobs(Out *o)
{
	const LoopNest *ln = o->ln;
	for (int h = 0; h < ln->nholders[T_OUT]; h++) {
		o->job_buf[o->njobs] = ln->holder[T_OUT][h];
		o->job_drain[o->njobs++] = 1;
	}
	o->first_fill = o->njobs;
	for (int h = MAX_LEVELS - 1; h >= 0; h--)
		for (int t = 0; t < NTENSORS; t++)
			if (h < ln->nholders[t]) {
				o->job_buf[o->njobs] = ln->holder[t][h];
				o->job_drain[o->njobs++] = 0;
			}
}

int job_of(const Out *o, int k, int drain)
{
	for (int i = 0; i < o->njobs; i++)
		if (o->job_buf[i] == k && o->job_drain[i] == drain)
			return i;
	return -1;
}

/* The counters move to the next step. */
static void emit_advance(Out *o, const char *ind)
{
	for (int j = 0; j < o->hw->np; j++)
		if (temporal(o->hw, j))
			P(o, "%sc%d <= n%d[%d:0];\n", ind, j, j, o->hw->part[j].width - 1);
}

/* emit_event with input buffers' halves (ihalves.c): the event waits
 * (evwait) for the backgrounds of those it refills (all at the end),
 * and proceeds (evok) once none is in the way; halves that change alone
 * swap instead of running their fill. */
static void ievent(Out *o)
{
	const Hw *hw = o->hw;
	int n = hw->nbuf;
	if (o->oh >= 0)
		P(o, "\tlocalparam [%d:0] HK = %d'd1 << %d;  // the halves\n", n - 1,
		  n, o->oh);
	P(o, "\twire [%d:0] pnx = nlast ? OBUFS : %s", n - 1,
	  o->oh >= 0 ? "(hshal ? chg & ~HK : chg)" : "chg");
	for (int k = 0; k < n; k++)
		if (o->ih[k])
			P(o, " & ~({%d'd0, ishal%d} << %d)", n - 1, k, k);
	P(o, ";  // the event's jobs\n\twire [7:0] jf0 = nxt(8'd%d, 8'd%d, pnx);\n"
	  "\twire evwait = 1'b0", o->first_fill, o->njobs);
	for (int k = 0; k < n; k++)
		if (o->ih[k])
			P(o, " || (nlast || chg%d) && !iidle%d", k, k);
	if (o->oh >= 0)
		P(o, " || (nlast || chg%d) && !hidle", o->oh);
	if (o->og >= 0)
		P(o, " || (nlast || chg%d) && !ogidle", o->og);
	P(o, ";\n\twire evok = (%s && (nlast || chg != %d'd0) || "
	  "st == S_WAIT) && !evwait;\n\twire evact = evok;\n"
	  "\twire evgo = evact && (pnx & OBUFS) == %d'd0 && pnx != %d'd0;  "
	  "// fills only\n", step_decides(o), n, n, n);
}

/* What the sequencer does after a step whose next one is another
 * block of some buffers (or after the last step): their jobs (pnx,
 * with the last drains), unless the output's halves alone change and
 * swap (halves.c); a stall of one cycle (S_FLUSH) lets the step's
 * stage B write its partial sums before drains read them (1 + o->lq
 * cycles where a shared output's lanes write after stage B), and without
 * drains the first fill starts at once (evgo), the counters moving with
 * it. */
static void emit_event(Out *o)
{
	const Hw *hw = o->hw;
	int n = hw->nbuf;
	if (ev_waits(o)) {
		ievent(o);
		return;
	}
	if (o->oh >= 0)
		P(o, "\tlocalparam [%d:0] HK = %d'd1 << %d;  // the halves\n", n - 1,
		  n, o->oh);
	P(o, "\twire [%d:0] pnx = nlast ? OBUFS : %schg;  // the event's jobs\n"
	  "\twire [7:0] jf0 = nxt(8'd%d, 8'd%d, pnx);\n", n - 1,
	  o->oh >= 0 ? "hshal ? chg & ~HK : " : "", o->first_fill, o->njobs);
	if (o->oh >= 0)   /* the halves must be ready when they change */
		P(o, "\twire evact = %s && (nlast || chg != %d'd0) && "
		  "!((nlast || chg%d) && !hidle) || st == S_WAIT && hidle;\n",
		  step_decides(o), n, o->oh);
	else
		P(o, "\twire evact = %s && (nlast || chg != %d'd0);\n",
		  step_decides(o), n);
	P(o, "\twire evgo = evact && (pnx & OBUFS) == %d'd0 && pnx != %d'd0;  "
	  "// fills only\n", n, n);
}

/* " || job == <the skewed per-PE output's drain> && opipe": that job
 * ends once its sums have reached the parent (skew.c); "" elsewhere. */
static const char *opipe_wait(const Out *o)
{
	static char s[48];
	const Hw *hw = o->hw;
	int k = hw->inner[T_OUT];
	s[0] = 0;
	for (int i = 0; i < o->njobs && o->skd && hw->buf[k].per_pe; i++)
		if (o->job_buf[i] == k && o->job_drain[i])
			snprintf(s, sizeof s, " || job == 8'd%d && opipe", i);
	return s;
}

/* The bits of the flush's count of cycles (seq.c's fl): 2 but where
 * a skewed array's lanes take more (skew.c). */
static int fl_bits(const Out *o)
{
	return o->lq < 4 ? 2 : hw_bits(o->lq);
}

/* hevt: the sequencer acts on the event (emit_event). */
static void emit_evt(Out *o)
{
	char fl0[32] = "";
	if (o->lq)
		snprintf(fl0, sizeof fl0, "\t\t\t\tfl <= %d'd0;\n", fl_bits(o));
	P(o, "\ttask evt;\n\t\tbegin\n\t\t\tif (pnx == %d'd0) begin  "
	  "// the halves alone: they swap\n", o->hw->nbuf);
	emit_advance(o, "\t\t\t\t");
	P(o, "\t\t\t\tst <= S_STEP;  // (from S_WAIT)\n");
	P(o, "\t\t\tend else if ((pnx & OBUFS) == %d'd0) begin  // fills "
	  "alone: the first starts\n", o->hw->nbuf);
	emit_advance(o, "\t\t\t\t");
	P(o, "\t\t\t\tpend <= pnx;\n\t\t\t\tending <= 1'b0;\n"
	  "\t\t\t\tjob <= jf0;\n\t\t\t\tjst <= 1'b1;\n\t\t\t\tst <= S_JOB;\n"
	  "\t\t\tend else begin\n\t\t\t\tpend <= pnx;\n"
	  "\t\t\t\tending <= nlast;\n\t\t\t\tst <= S_FLUSH;\n%s\t\t\tend\n"
	  "\t\tend\n\tendtask\n", fl0);
}

/* The steps: one a cycle; after a step that ends a block, the event
 * (evt), after waiting (S_WAIT) for the output's halves to be ready
 * when their block changes. */
static void emit_step(Out *o)
{
	const Hw *hw = o->hw;
	int pw = hw->padded ? pad_bits(hw) : 0;
	if (hw->padded)
		P(o, "\t\tS_STEP: if (!pdone && gap != %d'd0) begin\n"
		  "\t\t\tpdone <= 1'b1;\n\t\t\tpgap <= gap - %d'd1;\n"
		  "\t\t\tif (gap != %d'd1) st <= S_PAD;\n"
		  "\t\tend else if (nlast || chg != %d'd0) begin\n"
		  "\t\t\tpdone <= 1'b0;\n", pw, pw, pw, hw->nbuf);
	else
		P(o, "\t\tS_STEP: if (nlast || chg != %d'd0) begin\n", hw->nbuf);
	for (int j = 0; j < hw->np; j++)
		if (temporal(hw, j))
			P(o, "\t\t\tnx%d <= n%d;\n", j, j);
	if (ev_waits(o))
		P(o, "\t\t\tif (evwait) st <= S_WAIT;\n\t\t\telse evt;\n");
	else if (o->oh >= 0)
		P(o, "\t\t\tif ((nlast || chg%d) && !hidle) st <= S_WAIT;\n"
		  "\t\t\telse evt;\n", o->oh);
	else
		P(o, "\t\t\tevt;\n");
	P(o, "\t\tend else begin\n");
	emit_advance(o, "\t\t\t");
	if (hw->padded)
		P(o, "\t\t\tpdone <= 1'b0;\n");
	P(o, "\t\tend\n");
	if (hw->padded)
		P(o, "\t\tS_PAD: begin\n\t\t\tpgap <= pgap - %d'd1;\n"
		  "\t\t\tif (pgap == %d'd1) st <= S_STEP;\n\t\tend\n", pw, pw);
	if (ev_waits(o))
		P(o, "\t\tS_WAIT: if (!evwait) evt;\n");
	else if (o->oh >= 0)
		P(o, "\t\tS_WAIT: if (hidle) evt;\n");
}

void emit_fsm(Out *o)
{
	const Hw *hw = o->hw;
	P(o, "\n\t// ---- sequencing: steps, and between them the jobs ----\n"
	  "\treg [2:0] st;\n\treg [7:0] job;\n\treg jst;      // the job has "
	  "started\n\treg [%d:0] pend;  // buffers whose block changes\n"
	  "\treg ending;\n\treg jp, jrun;\n"
	  "\twire jlast;  // a drain of the PEs walks its last setting\n",
	  hw->nbuf - 1);
	if (hw->padded)
		pad_steps(o);
	int fb = fl_bits(o);
	if (o->lq)   /* the flush waits for the shared output's lanes */
		P(o, "\treg [%d:0] fl;  // the flush's cycles gone\n"
		  "\twire flend = fl == %d'd%d;  // its last: the lanes' last add\n",
		  fb - 1, fb, o->lq);
	P(o, "\tlocalparam [%d:0] OBUFS = %d'b", hw->nbuf - 1, hw->nbuf);
	for (int k = hw->nbuf - 1; k >= 0; k--)
		P(o, "%d", hw->buf[k].t == T_OUT);
	P(o, ";\n\twire [%d:0] chg = {", hw->nbuf - 1);
	for (int k = hw->nbuf - 1; k >= 0; k--)
		P(o, "chg%d%s", k, k ? ", " : "");
	P(o, "};\n\talways @* begin\n\t\tjp = 1'b0;\n\t\tjrun = 1'b0;\n"
	  "\t\tcase (job)\n");
	for (int i = 0; i < o->njobs; i++)
		P(o, "\t\t8'd%d: begin jp = pend[%d]; jrun = e%d_run; end  // %s %s\n",
		  i, o->job_buf[i], o->job_buf[i], o->job_drain[i] ? "drain" : "fill",
		  o->ln->layer->t[hw->buf[o->job_buf[i]].t].name);
	/* a job from DRAM ends with its last read, its answers written as
	 * they come whatever job runs then; the steps (or the end) wait for
	 * them, besides this cycle's; a drain's DRAM write after its read
	 * (dp_v) still needs the job */
	P(o, "\t\tdefault: ;\n\t\tendcase\n\tend\n"
	  "\twire jbusy;  // the job may not end yet\n"
	  "\twire sta = st == S_STEP%s;  // step stage A: addresses, reads\n",
	  hw->padded ? " && !pdone" : "");
	/* the first pending job in [from, to), or 255 */
	P(o, "\tfunction automatic [7:0] nxt(input [7:0] from, input [7:0] to,\n"
	  "\t\t\tinput [%d:0] pd);\n\t\tinteger i;\n\t\tbegin\n"
	  "\t\t\tnxt = 8'd255;\n\t\t\tfor (i = %d; i >= 0; i = i - 1)\n"
	  "\t\t\t\tif (i[7:0] >= from && i[7:0] < to && pd[jbuf(i[7:0])]) "
	  "nxt = i[7:0];\n\t\tend\n\tendfunction\n", hw->nbuf - 1,
	  o->njobs - 1);
	int bw = hw_bits(hw->nbuf - 1);
	P(o, "\tfunction automatic [%d:0] jbuf(input [7:0] j);\n"
	  "\t\tcase (j)\n", bw - 1);
	for (int i = 0; i < o->njobs; i++)
		P(o, "\t\t8'd%d: jbuf = %d'd%d;\n", i, bw, o->job_buf[i]);
	P(o, "\t\tdefault: jbuf = %d'd0;\n\t\tendcase\n\tendfunction\n", bw);
	/* When a job ends (or the flush after a step), the next one: the
	 * next pending drain, else (after the drains) the counters commit
	 * and the first pending fill follows, or the layer ends.  The job
	 * chosen starts in the same cycle (its engine's counters reset), so
	 * no cycle is lost between jobs, even where the counters commit: an
	 * engine reads them only from the cycle after it starts, and ret%d,
	 * read as it starts, looks at their new values then. */
	emit_event(o);
	P(o, "\twire jend = st == S_FLUSH%s || (st == S_JOB && jst && "
	  "(!jrun || jlast) && !jbusy);\n\twire [7:0] jfrom = st == S_FLUSH ? 8'd0 : job + 8'd1;\n"
	  "\twire [7:0] jd = jfrom < 8'd%d ? nxt(jfrom, 8'd%d, pend) : 8'd255;\n"
	  "\twire [7:0] jf = nxt(jfrom < 8'd%d ? 8'd%d : jfrom, 8'd%d, pend);\n"
	  "\tassign jbusy = dp_v%s || (jd == 8'd255 && jf == 8'd255 && "
	  "outst != {31'd0, mjv});\n"
	  "\twire jcommit = jend && jd == 8'd255 && jfrom <= 8'd%d;\n"
	  "\twire jnow = jend && (jd != 8'd255 || (!(jcommit && ending) && "
	  "jf != 8'd255));\n"
	  "\twire jinit = jnow || evgo || (st == S_JOB && jp && !jst);\n"
	  "\twire [7:0] ij = evgo ? jf0 : jnow ? (jd != 8'd255 ? jd : jf) : job;  "
	  "// the job starting\n", o->lq ? " && flend" : "",
	  o->first_fill, o->first_fill, o->first_fill, o->first_fill, o->njobs,
	  opipe_wait(o), o->first_fill);
	if (o->oh >= 0)   /* the jobs end and the steps resume */
		P(o, "\twire hstep = jend && jd == 8'd255 && jf == 8'd255 && "
		  "!(jcommit && ending);\n");
	P(o, "\ttask to_next;\n\t\tbegin\n\t\t\tjst <= jnow;\n"
	  "\t\t\tif (jd != 8'd255) job <= jd;\n"
	  "\t\t\telse if (jcommit && ending) st <= S_DONE;\n"
	  "\t\t\telse begin\n\t\t\t\tif (jcommit) begin\n");
	for (int j = 0; j < hw->np; j++)
		if (temporal(hw, j))
			P(o, "\t\t\t\t\tc%d <= nx%d[%d:0];\n", j, j, hw->part[j].width - 1);
	P(o, "\t\t\t\tend\n\t\t\t\tif (jf != 8'd255) job <= jf;\n"
	  "\t\t\t\telse st <= S_STEP;\n\t\t\tend\n\t\tend\n\tendtask\n");
	emit_evt(o);
	P(o, "\talways @(posedge clk) begin\n\t\tif (rst) begin\n"
	  "\t\t\tst <= S_IDLE;\n\t\t\tdone <= 1'b0;\n\t\t\tjob <= 8'd0;\n"
	  "\t\t\tjst <= 1'b0;\n\t\tend else case (st)\n"
	  "\t\tS_IDLE: if (start) begin\n");
	for (int j = 0; j < hw->np; j++)
		if (temporal(hw, j))
			P(o, "\t\t\tc%d <= %d'd0;\n", j, hw->part[j].width);
	if (hw->padded)
		P(o, "\t\t\tpdone <= 1'b0;\n");
	P(o, "\t\t\tpend <= {%d{1'b1}};\n\t\t\tending <= 1'b0;\n"
	  "\t\t\tjob <= 8'd%d;\n\t\t\tjst <= 1'b0;\n\t\t\tst <= S_JOB;\n"
	  "\t\tend\n", hw->nbuf, o->first_fill);
	P(o, "\t\tS_JOB: if (!jst) jst <= 1'b1;\n"
	  "\t\t\telse if (jend) to_next;\n");
	emit_step(o);
	if (o->lq)
		P(o, "\t\tS_FLUSH: if (!flend) fl <= fl + %d'd1;\n"
		  "\t\telse begin\n\t\t\tst <= S_JOB;\n\t\t\tto_next;\n\t\tend\n",
		  fb);
	else
		P(o, "\t\tS_FLUSH: begin\n\t\t\tst <= S_JOB;\n"
		  "\t\t\tto_next;\n\t\tend\n");
	P(o, "\t\tS_DONE: if (!mem_req) done <= 1'b1;\n"
	  "\t\tdefault: st <= S_IDLE;\n\t\tendcase\n\tend\n");
}

/* A drain of per-PE buffers writes its parent in the cycle it walks a
 * setting (no answer to wait for), so it ends with its last setting. */
void emit_jlast(Out *o)
{
	P(o, "\tassign jlast = 1'b0");
	for (int i = 0; i < o->njobs; i++) {
		int k = o->job_buf[i];
		if (o->job_drain[i] && o->hw->buf[k].per_pe)
			P(o, " || (job == 8'd%d && act%d && f%d_last)", i, k, k);
	}
	P(o, ";\n");
}

/* A DRAM write of `data` (w bits) at e<k>_pa, or at `addr` when k < 0. */
void dram_write(Out *o, const char *addr, int k, const char *data, int w)
{
	P(o, "\t\t\t\trq_v = 1'b1;\n\t\t\t\trq_we = 1'b1;\n\t\t\t\trq_addr = ");
	if (k >= 0)
		P(o, "%s%d_pa", addr, k);
	else
		P(o, "%s", addr);
	P(o, ";\n\t\t\t\trq_data = ");
	zext(o, data, w, o->hw->dw);
	P(o, ";\n");
}

/* The DRAM write of output buffer k's group read the cycle before, at
 * addr: its first word `first`, and where it drains a word per bank or
 * slot, the slots' words (g<k>_sdd), those whose bit of sv is set. */
void dram_write_group(Out *o, int k, const char *addr, const char *sv,
                      const char *first)
{
	const Hw *hw = o->hw;
	int G = o->pf[k].slots, w = hw->bits[hw->buf[k].t];
	dram_write(o, addr, -1, first, w);
	if (!G)
		return;
	P(o, "\t\t\t\trq_xv[%d:0] = %s[%d:1];  // as read\n"
	  "\t\t\t\trq_xaddr[%d:0] = {", G - 2, sv, G - 1, (G - 1) * 32 - 1);
	slot_terms(o, k, addr, 1);
	P(o, "};\n");
	for (int q = 1; q < G; q++) {
		char e[48];
		snprintf(e, sizeof e, "g%d_sdd[%d:%d]", k, (q + 1) * w - 1, q * w);
		P(o, "\t\t\t\trq_xwd[%d:%d] = ", q * hw->dw - 1, (q - 1) * hw->dw);
		zext(o, e, w, hw->dw);
		P(o, ";\n");
	}
}

/* A DRAM read of engine k's word, and of its slots' when it fills a
 * word per bank.  The tag's top byte is `id`: 0 for a job's read, the
 * buffer + 1 for a prefetch, whose answers bypass the jobs. */
void emit_fetch(Out *o, int k, int id, const char *in)
{
	int G = o->pf[k].slots;
	P(o, "%srq_v = 1'b1;\n%srq_addr = e%d_pa;\n", in, in, k);
	if (G && o->pf[k].wide)
		P(o, "%srq_tag = {8'd%d, 24'd0, e%d_la};  // slot 0's address\n"
		  "%srq_xv[%d:0] = e%d_sv[%d:1];\n%srq_xaddr[%d:0] = e%d_xa;\n", in,
		  id, k, in, G - 2, k, G - 1, in, (G - 1) * 32 - 1, k);
	else if (G)
		P(o, "%srq_tag = {8'd%d, e%d_bc[23:0], e%d_bl};  // first bank, "
		  "address in it\n%srq_xv[%d:0] = e%d_sv[%d:1];\n"
		  "%srq_xaddr[%d:0] = e%d_xa;\n", in, id, k, k, in, G - 2, k, G - 1,
		  in, (G - 1) * 32 - 1, k);
	else if (id)
		P(o, "%srq_tag = {8'd%d, 24'd0, e%d_la};\n", in, id, k);
	else
		P(o, "%srq_tag = {e%d_ln, e%d_la};\n", in, k, k);
}

/* What the output's halves' engine drives (halves.c), in its jobs and
 * in the background alike: the PEs' drain bus, and (one lane at a
 * time) the parent's port 0; its returns come back on their own path
 * (ot_*), so they may run beside another buffer's job. */
static void halves_mux(Out *o)
{
	const Hw *hw = o->hw;
	int k = o->oh, p = hw->buf[k].parent, w = hw->bits[T_OUT];
	ASSERT(p >= 0);
	P(o, "\t\tdcall = dw%d;  // the halves' engine\n", k);
	if (hw->buf[k].npar > 1)
		return;   /* the lanes' own ports (par%d) */
	P(o, "\t\tif (fi%d) begin\n\t\t\tg%d_re0 = 1'b1;\n"
	  "\t\t\tg%d_ra0 = e%d_pa[%d:0];\n\t\tend\n\t\tif (di%d) begin\n"
	  "\t\t\tg%d_we0 = 1'b1;\n\t\t\tg%d_wa0 = e%d_pa[%d:0];\n"
	  "\t\t\tg%d_wd0 = dsum[%d:0];\n\t\tend\n", k, p, p, k,
	  hw->buf[p].aw - 1, k, p, p, k, hw->buf[p].aw - 1, p, w - 1);
}

/* What the active job drives this cycle: the ports of the shared
 * buffers, the DRAM request, the PEs' fill and drain buses. */
void emit_job_mux(Out *o)
{
	const Hw *hw = o->hw;
	P(o, "\talways @* begin\n\t\trq_v = 1'b0;\n\t\trq_we = 1'b0;\n"
	  "\t\trq_addr = 32'd0;\n\t\trq_data = %d'd0;\n\t\trq_tag = 64'd0;\n"
	  "\t\tgp_go = 1'b0;\n\t\tgp_tn = 64'd0;\n\t\tgp_data = %d'd0;\n"
	  "\t\tdp_go = 1'b0;\n\t\tdp_an = 32'd0;\n\t\tclro = 1'b0;\n"
	  "\t\tdcall = 1'b0;\n", hw->dw, hw->dw);
	if (o->dslots > 1)
		P(o, "\t\trq_xv = %d'd0;\n\t\trq_xaddr = %d'd0;\n", o->dslots - 1,
		  (o->dslots - 1) * 32);
	if (o->wslots)
		P(o, "\t\trq_xwd = %d'd0;\n\t\tdp_bcn = 32'd0;\n\t\tdp_svn = %d'd0;\n",
		  (o->wslots - 1) * hw->dw, o->wslots);
	for (int k = 0; k < hw->nbuf; k++)
		if (o->pre[k])
			P(o, "\t\tpfi%d = 1'b0;\n", k);
	for (int k = 0; k < hw->nbuf; k++)
		if (o->pre[k] && hw->buf[k].dedup)
			P(o, "\t\tpgo%d = 1'b0;\n\t\tprep%d = 1'b0;\n", k, k);
	if (o->og >= 0)
		P(o, "\t\togw = 1'b0;\n\t\togr = 1'b0;\n\t\tofi = 1'b0;\n");
	for (int k = 0; k < hw->nbuf; k++)
		if (o->pf[k].slots && hw->buf[k].t == T_OUT)
			P(o, "\t\tg%d_sd = 1'b0;\n", k);
	for (int t = 0; t < NTENSORS; t++)
		if (hw->buf[hw->inner[t]].per_pe)
			P(o, "\t\tfwall_%s = 1'b0;\n", tname(t));
	for (int k = 0; k < hw->nbuf; k++) {
		if (!is_gb(hw, k))
			continue;
		P(o, "\t\tg%d_re0 = 1'b0;\n\t\tg%d_ra0 = %d'd0;\n\t\tg%d_we0 = 1'b0;\n"
		  "\t\tg%d_wa0 = %d'd0;\n\t\tg%d_wd0 = %d'd0;\n", k, k, hw->buf[k].aw,
		  k, k, hw->buf[k].aw, k, hw->bits[hw->buf[k].t]);
	}
	P(o, "\t\tcase (job)\n");
	for (int i = 0; i < o->njobs; i++) {
		int k = o->job_buf[i];
		const HwBuf *B = &hw->buf[k];
		int p = B->parent, w = hw->bits[B->t];
		const char *n = tname(B->t);
		P(o, "\t\t8'd%d: begin\n", i);
		if (o->oh == k) {
			P(o, "\t\t\t// the halves' engine: below\n");
		} else if (o->pre[k]) {
			P(o, "\t\t\t// prefetched: the job waits for the block, "
			  "then the halves swap\n");
		} else if (!o->job_drain[i]) {
			/* fill: fetch from the parent, write what comes back */
			P(o, "\t\t\tif (fi%d) begin\n", k);
			if (B->npar > 1)
				P(o, "\t\t\t\tgp_go = 1'b1;  // every lane's port reads\n"
				  "\t\t\t\tgp_tn = %s;\n", fill_tag(o, k));
			else if (p < 0)
				emit_fetch(o, k, k + 1, "\t\t\t\t");
			else
				P(o, "\t\t\t\tg%d_re0 = 1'b1;\n\t\t\t\tg%d_ra0 = e%d_pa[%d:0];\n"
				  "\t\t\t\tgp_go = 1'b1;\n\t\t\t\tgp_tn = %s;\n",
				  p, p, k, hw->buf[p].aw - 1, fill_tag(o, k));
			P(o, "\t\t\tend\n");
			if (p >= 0 && B->npar == 1) {
				char e[48];
				snprintf(e, sizeof e, "g%d_rd[%d:0]", p, w - 1);
				P(o, "\t\t\tgp_data = ");
				zext(o, e, w, hw->dw);
				P(o, ";\n");
			}
			if (B->per_pe)
				P(o, "\t\t\tfwall_%s = rsp_v;\n", n);
			else if (p >= 0)
				P(o, "\t\t\tg%d_we0 = rsp_v;\n\t\t\tg%d_wa0 = rsp_tag[%d:0];\n"
				  "\t\t\tg%d_wd0 = rsp_data[%d:0];\n", k, k, B->aw - 1, k, w - 1);
			/* from DRAM: its answers are written below, whatever job
			 * runs then */
		} else if (B->per_pe) {
			/* drain the PEs' partial sums, summed along the chains */
			P(o, "\t\t\tdcall = act%d;\n\t\t\tif (di%d) begin\n", k, k);
			if (B->npar > 1)
				P(o, "\t\t\t\t// every lane writes its own port (par%d)\n", k);
			else if (p < 0)
				dram_write(o, "e", k, "dsum", w);
			else
				P(o, "\t\t\t\tg%d_we0 = 1'b1;\n\t\t\t\tg%d_wa0 = e%d_pa[%d:0];\n"
				  "\t\t\t\tg%d_wd0 = dsum[%d:0];\n", p, p, k, hw->buf[p].aw - 1,
				  p, w - 1);
			P(o, "\t\t\tend\n");
		} else {
			/* drain a shared buffer: read it, write the parent next
			 * cycle; a word of each bank of a group to DRAM when it
			 * drains a word per bank (then p < 0) */
			int G = o->pf[k].slots;
			char e[48];
			snprintf(e, sizeof e, "g%d_%s[%d:0]", k, G ? "sdd" : "rd", w - 1);
			P(o, "\t\t\tif (di%d) begin\n", k);
			if (G)
				P(o, "\t\t\t\tg%d_sd = 1'b1;  // the group's banks read\n"
				  "\t\t\t\tdp_bcn = e%d_bc;\n\t\t\t\tdp_svn[%d:0] = e%d_sv;\n",
				  k, k, G - 1, k);
			else
				P(o, "\t\t\t\tg%d_re0 = 1'b1;\n\t\t\t\tg%d_ra0 = e%d_la[%d:0];\n",
				  k, k, k, B->aw - 1);
			P(o, "\t\t\t\tdp_go = 1'b1;\n\t\t\t\tdp_an = e%d_pa;\n\t\t\tend\n"
			  "\t\t\tif (dp_v) begin\n", k);
			if (p < 0)
				dram_write_group(o, k, "dp_a", "dp_sv", e);
			else
				P(o, "\t\t\t\tg%d_we0 = 1'b1;\n\t\t\t\tg%d_wa0 = dp_a[%d:0];\n"
				  "\t\t\t\tg%d_wd0 = g%d_rd[%d:0];\n", p, p, hw->buf[p].aw - 1,
				  p, k, w - 1);
			P(o, "\t\t\tend\n");
		}
		P(o, "\t\tend\n");
	}
	P(o, "\t\tdefault: ;\n\t\tendcase\n");
	char held[256] = "";   /* prefetches before at a repeat */
	for (int k = 0; k < hw->nbuf; k++) {
		const HwBuf *B = &hw->buf[k];
		if (B->per_pe || B->parent >= 0)
			continue;
		if (o->pre[k] && B->dedup) {   /* a word fetched already:
		                                   the walk moves, no read */
			P(o, "\t\tif (pr%d_run && !rq_v%s) begin  // a free DRAM cycle: "
			  "prefetch\n\t\t\tpgo%d = 1'b1;\n"
			  "\t\t\tif (!dup%d) begin\n\t\t\t\tpfi%d = 1'b1;\n", k,
			  held, k, k, k);
			emit_fetch(o, k, k + 1, "\t\t\t\t");
			P(o, "\t\t\tend else prep%d = 1'b1;\n\t\tend\n", k);
			size_t n = strlen(held);
			ASSERT(n + 16 < sizeof held);   /* inputs: two at most */
			snprintf(held + n, sizeof held - n, " && !prep%d", k);
		} else if (o->pre[k]) {
			P(o, "\t\tif (pr%d_run && !rq_v%s) begin  // a free DRAM cycle: "
			  "prefetch\n\t\t\tpfi%d = 1'b1;\n", k, held, k);
			emit_fetch(o, k, k + 1, "\t\t\t");
			P(o, "\t\tend\n");
		} else if (o->og == k)
			ghalves_mux(o, held);
		/* a fill's answers, job or prefetch, at the tag's address (the
		 * banks and the slots' ports, and the output's global buffer's
		 * background's port, take theirs themselves) */
		if (!o->pf[k].slots && o->og != k)
			P(o, "\t\tif (ra%d) begin\n\t\t\tg%d_we0 = 1'b1;\n"
			  "\t\t\tg%d_wa0 = mem_rtag[%d:0];\n"
			  "\t\t\tg%d_wd0 = mem_rdata[%d:0];\n\t\tend\n", k, k, k,
			  B->aw - 1, k, hw->bits[B->t] - 1);
	}
	if (o->oh >= 0)
		halves_mux(o);
	if (o->nih)
		ihalves_mux(o);
	for (int i = 0; i < o->njobs; i++) {
		const HwBuf *B = &hw->buf[o->job_buf[i]];
		if (!o->job_drain[i] && B->per_pe && B->t == T_OUT)
			P(o, "\t\tclro = jinit && ij == 8'd%d;  // the PEs' partial "
			  "sums cleared as their refill starts\n", i);
	}
	P(o, "\tend\n");
}
