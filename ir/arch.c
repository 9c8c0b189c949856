/* arch.c - the built-in architecture (the Interstellar baseline) and the
 * default energy table, energy per access chosen by a level's size.
 *
 * Figures: ../shared/reference/energy-interstellar.md.  Register files
 * double in energy with each doubling of size (0.015 pJ at 8 B); SRAM
 * grows 1.5x per doubling (9 pJ at 32 KB); DRAM is 200 pJ.
 */
#include "tessera.h"

#include <math.h>
#include <string.h>

double arch_table_pj(int per_pe, int offchip, long bytes)
{
	if (offchip)
		return 200.0;
	if (per_pe)
		return 0.015 * (double)bytes / 8.0;
	return 9.0 * pow(1.5, log2((double)bytes / 32768.0));
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
	                      .pj = 0.96, .pj_given = 1};
	a->level[1] = (Level){.name = "GB", .bytes = 128 * 1024, .pj = 20.0,
	                      .pj_given = 1};
	a->level[2] = (Level){.name = "DRAM", .offchip = 1, .pj = 200.0,
	                      .pj_given = 1, .bandwidth = 8, .latency = 40};
	a->hop_pj = 0.035;
	a->mac_pj = 0.075;
}

int arch_find_level(const Arch *a, const char *name)
{
	for (int i = 0; i < a->nlevels; i++)
		if (!strcmp(a->level[i].name, name))
			return i;
	return -1;
}

long arch_pes(const Arch *a)
{
	return a->dim[0] * (a->ndims > 1 ? a->dim[1] : 1);
}
