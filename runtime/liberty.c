/* liberty.c - what `tessera synth` needs from a liberty (.lib) file: each
 * cell's area, its pins' directions and its output's function, and the
 * library's time unit; and the SRAM area model (docs/synthesis.md).
 *
 * The reader knows the liberty syntax (groups, simple and complex
 * attributes, comments, line continuations), not its semantics: it
 * keeps the few attributes above and skips the rest, so any library
 * that yosys and OpenSTA accept reads here too.
 */
#include "synth.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct Lex {
	const char *p, *end;
	char tok[256];     /* the current token */
	int kind;          /* 'w' word, 's' string, a punctuation char, 0 end */
} Lex;

static void lex_next(Lex *x)
{
	for (;;) {
		while (x->p < x->end && (isspace((unsigned char)*x->p) ||
		                         *x->p == '\\'))
			x->p++;
		if (x->p + 1 < x->end && x->p[0] == '/' && x->p[1] == '*') {
			const char *e = strstr(x->p + 2, "*/");
			x->p = e ? e + 2 : x->end;
			continue;
		}
		if (x->p + 1 < x->end && x->p[0] == '/' && x->p[1] == '/') {
			while (x->p < x->end && *x->p != '\n')
				x->p++;
			continue;
		}
		break;
	}
	x->tok[0] = 0;
	if (x->p >= x->end) {
		x->kind = 0;
		return;
	}
	char c = *x->p;
	size_t n = 0;
	if (c == '"') {
		x->p++;
		while (x->p < x->end && *x->p != '"') {
			if (*x->p == '\\' && x->p + 1 < x->end)
				x->p++;
			if (n + 1 < sizeof x->tok)
				x->tok[n++] = *x->p;
			x->p++;
		}
		x->p++;
		x->tok[n] = 0;
		x->kind = 's';
		return;
	}
	if (strchr("(){}:;,", c)) {
		x->p++;
		x->tok[0] = c;
		x->tok[1] = 0;
		x->kind = c;
		return;
	}
	while (x->p < x->end && !isspace((unsigned char)*x->p) &&
	       !strchr("(){}:;,\"", *x->p)) {
		if (n + 1 < sizeof x->tok)
			x->tok[n++] = *x->p;
		x->p++;
	}
	x->tok[n] = 0;
	x->kind = 'w';
}

typedef struct Ctx {
	Liberty *lib;
	int cap;
	LibCell *cell;     /* the cell being read, NULL outside one */
	int pin_dir;       /* of the pin being read: 'i', 'o' or 0 */
	char pin[32];
	char fn[128];
	double pin_cap;
} Ctx;

static void set_attr(Ctx *c, const char *group, const char *name,
                     const char *value)
{
	if (!strcmp(group, "library") && !strcmp(name, "time_unit"))
		snprintf(c->lib->time_unit, sizeof c->lib->time_unit, "%.31s", value);
	else if (!strcmp(group, "cell") && c->cell && !strcmp(name, "area"))
		c->cell->area = atof(value);
	else if (!strcmp(group, "pin") && !strcmp(name, "direction"))
		c->pin_dir = !strcmp(value, "input") ? 'i'
		             : !strcmp(value, "output") ? 'o' : 0;
	else if (!strcmp(group, "pin") && !strcmp(name, "capacitance"))
		c->pin_cap = atof(value);
	else if (!strcmp(group, "pin") && !strcmp(name, "function")) {
		size_t k = 0;
		for (const char *s = value; *s && k + 1 < sizeof c->fn; s++)
			if (!isspace((unsigned char)*s))
				c->fn[k++] = *s;
		c->fn[k] = 0;
	}
}

static void open_group(Ctx *c, const char *group, const char *arg)
{
	if (!strcmp(group, "library")) {
		snprintf(c->lib->name, sizeof c->lib->name, "%s", arg);
	} else if (!strcmp(group, "cell")) {
		if (c->lib->ncell == c->cap) {
			c->cap = c->cap ? 2 * c->cap : 64;
			c->lib->cell = realloc(c->lib->cell,
			                       (size_t)c->cap * sizeof *c->lib->cell);
			if (!c->lib->cell)
				INTERNAL("out of memory");
		}
		c->cell = &c->lib->cell[c->lib->ncell++];
		memset(c->cell, 0, sizeof *c->cell);
		snprintf(c->cell->name, sizeof c->cell->name, "%s", arg);
	} else if ((!strcmp(group, "ff") || !strcmp(group, "latch")) &&
	           c->cell) {
		c->cell->seq = 1;
	} else if (!strcmp(group, "pin")) {
		c->pin_dir = 0;
		c->fn[0] = 0;
		c->pin_cap = 0;
		snprintf(c->pin, sizeof c->pin, "%s", arg);
	}
}

static void close_group(Ctx *c, const char *group)
{
	if (!strcmp(group, "cell")) {
		c->cell = NULL;
	} else if (!strcmp(group, "pin") && c->cell) {
		if (c->pin_dir == 'i' && c->cell->nin++ == 0) {
			snprintf(c->cell->in0, sizeof c->cell->in0, "%s", c->pin);
			c->cell->in0_cap = c->pin_cap;
		}
		if (c->pin_dir == 'o' && c->cell->nout++ == 0) {
			snprintf(c->cell->out0, sizeof c->cell->out0, "%s", c->pin);
			snprintf(c->cell->fn, sizeof c->cell->fn, "%s", c->fn);
		}
	}
}

/* Reads statements up to the closing brace of `group`; 0 on a syntax
 * error. */
static int parse_body(Ctx *c, Lex *x, const char *group, int depth)
{
	while (x->kind && x->kind != '}') {
		if (x->kind == ';') {
			lex_next(x);
			continue;
		}
		if (x->kind != 'w' || depth > 64)
			return 0;
		char name[64];
		snprintf(name, sizeof name, "%.63s", x->tok);
		lex_next(x);
		if (x->kind == ':') {             /* name : value ; */
			lex_next(x);
			char value[256];
			snprintf(value, sizeof value, "%s", x->tok);
			while (x->kind && x->kind != ';' && x->kind != '}')
				lex_next(x);
			set_attr(c, group, name, value);
			continue;
		}
		if (x->kind != '(')
			return 0;
		lex_next(x);
		char arg[256] = "";
		if (x->kind == 'w' || x->kind == 's')
			snprintf(arg, sizeof arg, "%s", x->tok);
		while (x->kind && x->kind != ')')
			lex_next(x);
		lex_next(x);
		if (x->kind == '{') {             /* name (arg) { ... } */
			lex_next(x);
			open_group(c, name, arg);
			if (!parse_body(c, x, name, depth + 1) || x->kind != '}')
				return 0;
			close_group(c, name);
			lex_next(x);
		}                                 /* else name (args) ; */
	}
	return 1;
}

static double unit_ns(const char *u)
{
	char *end;
	double v = strtod(u, &end);
	if (end == u)
		v = 1;
	if (!strcasecmp(end, "ps"))
		return v * 1e-3;
	if (!strcasecmp(end, "us"))
		return v * 1e3;
	return v;   /* ns, the default unit */
}

int liberty_read(const char *path, Liberty *lib, char *err, size_t errlen)
{
	memset(lib, 0, sizeof *lib);
	size_t len;
	char *text = file_read(path, &len);
	if (!text) {
		snprintf(err, errlen, "cannot read the liberty file %s: %m", path);
		return 0;
	}
	Lex x = {.p = text, .end = text + len};
	Ctx c = {.lib = lib};
	lex_next(&x);
	int ok = parse_body(&c, &x, "", 0);
	free(text);
	int areas = 0;
	for (int i = 0; i < lib->ncell; i++)
		areas += lib->cell[i].area > 0;
	if (!ok || !areas) {
		snprintf(err, errlen, "%s is not a liberty file with cell areas%s",
		         path, ok ? "" : " (a syntax error)");
		liberty_free(lib);
		return 0;
	}
	if (!lib->time_unit[0])
		snprintf(lib->time_unit, sizeof lib->time_unit, "1ns");
	lib->ns = unit_ns(lib->time_unit);
	return 1;
}

void liberty_free(Liberty *lib)
{
	free(lib->cell);
	lib->cell = NULL;
	lib->ncell = 0;
}

const LibCell *liberty_cell(const Liberty *lib, const char *name)
{
	for (int i = 0; i < lib->ncell; i++)
		if (!strcmp(lib->cell[i].name, name))
			return &lib->cell[i];
	return NULL;
}

/* The smallest two-input cell named NAND2...: the unit of gate
 * equivalents. */
const LibCell *liberty_nand2(const Liberty *lib)
{
	const LibCell *best = NULL;
	for (int i = 0; i < lib->ncell; i++) {
		const LibCell *c = &lib->cell[i];
		if (!strncasecmp(c->name, "NAND2", 5) && c->nin == 2 &&
		    c->area > 0 && (!best || c->area < best->area))
			best = c;
	}
	return best;
}

/* The smallest cell whose one output is its one input. */
const LibCell *liberty_buffer(const Liberty *lib)
{
	const LibCell *best = NULL;
	for (int i = 0; i < lib->ncell; i++) {
		const LibCell *c = &lib->cell[i];
		if (c->nin == 1 && c->nout == 1 && !strcmp(c->fn, c->in0) &&
		    c->area > 0 && (!best || c->area < best->area))
			best = c;
	}
	return best;
}

/* ---- the SRAM area model (docs/synthesis.md has the sources) ---- */

/* CACTI's 6T SRAM cell: 146 F², aspect ratio 1.46, so 10 F wide and
 * 14.6 F tall; each port past the first adds two local wire pitches
 * (2.5 F each) to both sides (CACTI's mat cell dimensions). */
static const double CELL_W = 10.0, CELL_H = 14.6, PORT_GROW = 5.0;
/* Periphery, per port and per mat (an assumption, not from a source,
 * see docs/synthesis.md): the row decoder and word-line drivers take a
 * strip DEC_W wide beside the mat's cells; precharge, column mux, sense
 * amplifiers, write drivers and I/O latches a strip COL_H tall below
 * them.  A mat holds at most MAT x MAT cells, as CACTI splits large
 * arrays into subarrays with their own periphery. */
static const double DEC_W = 300.0, COL_H = 400.0;
static const long MAT = 256;

/* The smallest cell whose name starts with `prefix`; 0 if none. */
static double smallest(const Liberty *lib, const char *prefix)
{
	double best = 0;
	for (int i = 0; i < lib->ncell; i++) {
		const LibCell *c = &lib->cell[i];
		if (!strncasecmp(c->name, prefix, strlen(prefix)) && c->area > 0 &&
		    (!best || c->area < best))
			best = c->area;
	}
	return best;
}

void sram_model(long width, long words, long nr, long nw, double node_nm,
                const Liberty *lib, SramShape *s)
{
	memset(s, 0, sizeof *s);
	double F = (node_nm > 0 ? node_nm : 180) / 1000.0;  /* µm */
	long ports = nr + nw > 0 ? nr + nw : 1;
	s->cell_w = (CELL_W + PORT_GROW * (double)(ports - 1)) * F;
	s->cell_h = (CELL_H + PORT_GROW * (double)(ports - 1)) * F;
	/* fold the words into columns (mux 1..16) to come closest to a
	 * square array */
	double best = -1;
	for (long m = 1; m <= 16; m *= 2) {
		long rows = (words + m - 1) / m, cols = width * m;
		double h = (double)rows * s->cell_h, w = (double)cols * s->cell_w;
		double skew = h > w ? h / w : w / h;
		if (best < 0 || skew < best) {
			best = skew;
			s->rows = rows;
			s->cols = cols;
			s->mux = m;
		}
		if (rows == 1)
			break;
	}
	long mr = (s->rows + MAT - 1) / MAT, mc = (s->cols + MAT - 1) / MAT;
	s->mats = mr * mc;
	s->w = (double)((s->cols + mc - 1) / mc) * s->cell_w +
	       DEC_W * (double)ports * F;
	s->h = (double)((s->rows + mr - 1) / mr) * s->cell_h +
	       COL_H * (double)ports * F;
	s->macro = s->w * s->h * (double)s->mats;
	s->cells_area = (double)(width * words) * s->cell_w * s->cell_h;
	/* As a register file: a flip-flop per bit behind a multiplexer per
	 * write port, and a tree of 2:1 multiplexers per read port. */
	double dff = lib ? smallest(lib, "DFF") : 0;
	double mux = lib ? smallest(lib, "MUX2") : 0;
	if (dff > 0 && mux > 0)
		s->flops = (double)(width * words) * (dff + (double)nw * mux) +
		           (double)(nr * width * (words - 1)) * mux;
	s->as_flops = s->flops > 0 && s->flops < s->macro;
	s->area = s->as_flops ? s->flops : s->macro;
}
