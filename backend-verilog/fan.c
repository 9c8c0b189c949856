/* fan.c - the array's broadcast nets through a tree of buffers.
 *
 * A net that goes from the top module to the same pin of every PE (a
 * register-file address, the fill bus, the drain's half) is, to the
 * synthesis, one output of the top module: the PEs are modules of their
 * own, mapped once, and ABC, mapping the top, sees one load where there
 * are hundreds.  It leaves the driver unbuffered, and OpenSTA, which
 * sees every pin, finds 256 PE pins on one small gate: 12.1 ns of
 * AlexNet conv3's 27.55 ns period was one XNOR driving the drain's half
 * select of 256 PEs.  So, above FAN_GROUP PEs, the array takes these
 * nets from `tessera_fan` instances instead, one per group of about the
 * square root of the PEs: a module whose outputs are its inputs, which the
 * synthesis maps to a buffer a bit (`insbuf`), so that each net drives
 * one buffer a group and each buffer the pins of its group.  In
 * simulation it is a wire.
 *
 * The PE block is written into memory first (fan_begin), the nets it
 * takes through fan_net gathered; fan_end then writes the groups' fans
 * and the block after them.
 *
 * A skewed array (skew.c) takes the same nets, and every other net the
 * PEs take from the top (pe_net, pe_sel), through a line of registers
 * instead, one a cycle: PE p takes them DP cycles late, from the
 * register that many cycles down the line, which drives only the PEs of
 * that delay (or, at 0, the nets themselves).
 */
#include "emit.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define FAN_GROUP 16   /* PEs a buffer drives; a net, as many buffers */
#define FAN_MAX 64     /* distinct nets (a skewed array's: skewline.c) */

struct Fan {
	FILE *real;      /* the design's file, while the block goes to mem */
	char *mem;
	size_t len;
	long group;      /* PEs a group (0: no fans) */
	long skew;       /* skewed (skewline.c takes the nets), or 0 */
	int ch0;         /* the nets taken now are for the chains' first PEs */
	int late;        /* and a cycle late: registered in an unskewed PE */
	int n, width;    /* nets, and their bits in all */
	long bf_at, bf_end; /* where fan_pe's line is in mem */
	char net[FAN_MAX][96];
	int w[FAN_MAX], off[FAN_MAX];
	char use[FAN_MAX][96];   /* what a pin takes: bf[..], or the net */
};

/* The PEs a group: about the square root of the array, so that neither
 * level drives more than FAN_GROUP loads up to 256 PEs; 0 (no fans) for
 * an array of FAN_GROUP PEs or fewer. */
static long fan_group(long npe)
{
	if (npe <= FAN_GROUP)
		return 0;
	long g = 1;
	while (g * g < npe)
		g++;
	return g;
}

void fan_begin(Out *o)
{
	struct Fan *f = calloc(1, sizeof *f);
	if (!f)
		INTERNAL("out of memory");
	f->skew = o->skd;
	f->group = f->skew ? 0 : fan_group(o->hw->npe);
	if (f->skew)
		skew_begin(o);
	f->real = o->f;
	o->f = open_memstream(&f->mem, &f->len);
	if (!o->f)
		INTERNAL("out of memory");
	o->fan = f;
}

const char *fan_net(Out *o, int w, const char *fmt, ...)
{
	struct Fan *f = o->fan;
	char net[96];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(net, sizeof net, fmt, ap);
	va_end(ap);
	ASSERT(f && n > 0 && (size_t)n < sizeof net);
	if (f->skew)
		return skew_take(o, w, net, 0, 1, NULL, 0, 0, f->ch0, f->late);
	int i = 0;
	while (i < f->n && strcmp(f->net[i], net))
		i++;
	if (i == f->n) {
		ASSERT(f->n < FAN_MAX);
		memcpy(f->net[i], net, (size_t)n + 1);
		f->w[i] = w;
		f->off[i] = f->width;
		f->width += w;
		if (f->group)
			snprintf(f->use[i], sizeof f->use[i], "bf[%d +: %d]", f->off[i],
			         w);
		else
			memcpy(f->use[i], net, (size_t)n + 1);
		f->n++;
	}
	ASSERT(f->w[i] == w);
	return f->use[i];
}

void fan_ch0(Out *o, int on)
{
	o->fan->ch0 = on;
}

void fan_late(Out *o, int on)
{
	o->fan->late = on;
}

/* The PE block's first line inside its generate loop: the group's
 * fanned nets (nothing without fans). */
void fan_pe(Out *o)
{
	struct Fan *f = o->fan;
	f->bf_at = ftell(o->f);
	if (f->group)
		P(o, "\t\twire [FANW-1:0] bf = fo[p / %ld];  // this PE's group's "
		  "buffers\n", f->group);
	if (f->skew) {
		P(o, "\t\tlocalparam integer DP = ");
		skew_delay(o, "p");
		P(o, ";  // its delay: it takes its nets from the lines at DP\n");
	}
	f->bf_end = ftell(o->f);
}

const char *pe_net(Out *o, int w, const char *fmt, ...)
{
	static char ring[8][96];
	static int at;
	char *net = ring[at++ % 8];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(net, 96, fmt, ap);
	va_end(ap);
	ASSERT(n > 0 && n < 96);
	return o->skd ? fan_net(o, w, "%s", net) : net;
}

const char *pe_sel(Out *o, int w, const char *vec, long base, long nl,
                   const char *at, const char *idx, int kind, int which)
{
	static char ring[8][160];
	static int i;
	char *r = ring[i++ % 8];
	if (o->skd)
		return skew_take(o, w, vec, base, nl, idx, kind, which,
		                 o->fan->ch0, o->fan->late);
	if (w == 1)
		snprintf(r, 160, "%s[%s]", vec, at);
	else
		snprintf(r, 160, "%s[%s +: %d]", vec, at, w);
	return r;
}

void fan_end(Out *o)
{
	struct Fan *f = o->fan;
	fclose(o->f);
	o->f = f->real;
	if (f->skew)
		skew_end(o);
	if (f->group && f->n) {
		long ng = (o->hw->npe + f->group - 1) / f->group;
		P(o, "\n\t// ---- the nets every PE takes, through a buffer a group "
		  "of %ld PEs ----\n\tlocalparam integer FANW = %d;\n"
		  "\twire [FANW-1:0] fi = {", f->group, f->width);
		for (int i = f->n - 1; i >= 0; i--)
			P(o, "%s%s", f->net[i], i ? ", " : "};\n");
		P(o, "\twire [FANW-1:0] fo [0:%ld];\n\tgenvar fg;\n"
		  "\tgenerate for (fg = 0; fg < %ld; fg = fg + 1) begin : fan\n"
		  "\t\ttessera_fan #(.W(FANW)) u (.fan_i(fi), .fan_o(fo[fg]));\n"
		  "\tend endgenerate\n", ng - 1, ng);
		o->fanned = 1;
	}
	int keep = f->n || f->skew;   /* a line for the fans or the delay */
	if (!keep)   /* no net to fan: no line for one */
		memmove(f->mem + f->bf_at, f->mem + f->bf_end,
		        f->len - (size_t)f->bf_end);
	size_t len = f->len - (keep ? 0 : (size_t)(f->bf_end - f->bf_at));
	if (len)
		fwrite(f->mem, 1, len, o->f);
	free(f->mem);
	free(f);
	o->fan = NULL;
}

/* The module the fans are: its outputs are its inputs.  Written after
 * the top module, when its array has fans. */
void emit_fan_module(Out *o)
{
	P(o, "// The buffers of one group of PEs: its outputs are its inputs "
	  "(a buffer a bit\n// once mapped, a wire in simulation).\n"
	  "module tessera_fan #(\n\tparameter integer W = 1\n) (\n"
	  "\tinput wire [W-1:0] fan_i,\n\toutput wire [W-1:0] fan_o\n);\n"
	  "\tassign fan_o = fan_i;\nendmodule\n\n");
}
