/* schedule.h - what ir/schedule.c and ir/late.c share while a schedule
 * is applied: the context, and the helpers late.c uses.  Internal to
 * ir/.
 */
#ifndef TESSERA_SCHEDULE_H
#define TESSERA_SCHEDULE_H

#include "tessera.h"

typedef struct Retired {
	const char *name;
	const char *how;  /* "split" or "fused" */
	Loc loc;
} Retired;

typedef struct Ctx {
	Diag *d;
	const Program *p;
	LoopNest *ln;
	Retired retired[MAX_LOOPS * 2];
	int nretired;
	Loc fuse_loc[MAX_LOOPS];  /* per loop: the fuse that made it */
	const Directive *accel;
} Ctx;

/* The loop an argument names, or -1 after reporting why not. */
int loop_arg(Ctx *c, const Arg *a);
/* 1 when dir has lo to hi arguments; else reports `usage`, 0. */
int nargs_ok(Ctx *c, const Directive *dir, int lo, int hi,
             const char *usage);
/* The layer's tensor named `name`, or -1. */
int tensor_index(const Layer *l, const char *name);
/* late.c: accelerate(), the buffers and systolic(), once every loop
 * directive has run. */
void resolve_late(Ctx *c);

#endif
