/* arch.c - the built-in architecture (the Interstellar baseline) and the
 * energy tables, energy per access chosen by a level's size.
 *
 * Default figures: the Interstellar artifact's (docs/reference.md).
 * Register files double in energy with each doubling of size (0.015 pJ
 * at 8 B); SRAM grows 1.5x per doubling (9 pJ at 32 KB); DRAM is 200 pJ.
 * Between and beyond a table's points, energy follows the power law
 * through the two nearest points (linear in log size and log energy),
 * which reproduces both rules exactly.
 */
#include "tessera.h"

#include <math.h>
#include <string.h>

void arch_default_tables(Arch *a)
{
	EnergyTable *rf = &a->table[MEM_PER_PE], *sram = &a->table[MEM_SHARED];
	rf->n = 7;
	for (int i = 0; i < rf->n; i++) {
		rf->bytes[i] = 8L << i;              /* 8 B .. 512 B */
		rf->pj[i] = 0.015 * (double)(1 << i);
	}
	sram->n = 5;
	for (int i = 0; i < sram->n; i++) {
		sram->bytes[i] = 32768L << i;        /* 32 KB .. 512 KB */
		sram->pj[i] = 9.0 * pow(1.5, i);
	}
	a->table[MEM_OFFCHIP] = (EnergyTable){1, {0}, {200.0}};
}

double arch_table_pj(const Arch *a, int per_pe, int offchip, long bytes)
{
	const EnergyTable *t = &a->table[offchip ? MEM_OFFCHIP
	                                         : per_pe ? MEM_PER_PE
	                                                  : MEM_SHARED];
	if (t->n == 1 || offchip)
		return t->pj[0];
	int i = 0; /* the segment [i, i+1] nearest to bytes */
	while (i + 2 < t->n && bytes > t->bytes[i + 1])
		i++;
	double x0 = log((double)t->bytes[i]), x1 = log((double)t->bytes[i + 1]);
	double y0 = log(t->pj[i]), y1 = log(t->pj[i + 1]);
	double x = log((double)bytes);
	return exp(y0 + (y1 - y0) * (x - x0) / (x1 - x0));
}

/* 16x16 PEs, a 512 B register file in each, a 128 KB global buffer and
 * DRAM, with the artifact's rounded figures (0.96, 20, 200 pJ). */
void arch_default(Arch *a)
{
	memset(a, 0, sizeof *a);
	a->name = "default";
	a->ndims = 2;
	a->dim[0] = a->dim[1] = 16;
	a->nlevels = 3;
	a->level[0] = (Level){.name = "RF", .per_pe = 1, .bytes = 512,
	                      .pj = 0.96, .pj_given = 2};
	a->level[1] = (Level){.name = "GB", .bytes = 128 * 1024, .pj = 20.0,
	                      .pj_given = 2};
	a->level[2] = (Level){.name = "DRAM", .offchip = 1, .pj = 200.0,
	                      .pj_given = 2, .bandwidth = 8, .latency = 40};
	a->hop_pj = 0.035;
	a->mac_pj = 0.075;
	arch_default_tables(a);
}

int arch_find_level(const Arch *a, const char *name)
{
	for (int i = 0; i < a->nlevels; i++)
		if (!strcmp(a->level[i].name, name))
			return i;
	return -1;
}

int arch_holds(const Arch *a, int L, int t)
{
	const Level *lv = &a->level[L];
	return lv->nholds == 0 || (lv->holds >> t & 1);
}

long arch_pes(const Arch *a)
{
	return a->dim[0] * (a->ndims > 1 ? a->dim[1] : 1);
}
