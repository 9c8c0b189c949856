/* simcheck.c - one layer simulated and judged: the CPU reference (the
 * JIT) on the same inputs, the model's counts and its timing of the
 * hardware, the simulation, and the three checks of `tessera sim`
 * (docs/hardware.md): the output bit for bit, every count equal to the
 * model's, the cycles within SIM_CYCLES_LO..HI of the model's.  Shared
 * by `tessera sim` and `tessera sim --network` (netsim.c), which
 * report the verdict each in its own way.
 */
#include "sim.h"

#include <string.h>

/* Lines where the simulation's counts differ from the model's, each
 * on stderr (after `who`, when given); 0 when they are equal. */
static int compare_counts(const LoopNest *ln, const Model *sim,
                          const Model *mod, const char *who)
{
	int diffs = 0;
	const Arch *A = ln->arch;
	const char *sep = who ? ": " : "";
	who = who ? who : "";
	for (int lv = 0; lv < A->nlevels; lv++)
		for (int t = 0; t < NTENSORS; t++) {
			const char *name = ln->layer->t[t].name;
			const long *hw[3] = {sim->reads[lv], sim->fills[lv],
			                     sim->updates[lv]};
			const long *md[3] = {mod->reads[lv], mod->fills[lv],
			                     mod->updates[lv]};
			static const char *const what[3] = {"reads", "fills",
			                                    "updates"};
			for (int k = 0; k < 3; k++)
				if (hw[k][t] != md[k][t]) {
					fprintf(stderr, "  %s%s%s %s %s: hardware %ld, model "
					        "%ld\n", who, sep, A->level[lv].name, name,
					        what[k], hw[k][t], md[k][t]);
					diffs++;
				}
		}
	for (int t = 0; t < NTENSORS; t++)
		if (sim->hops[t] != mod->hops[t]) {
			fprintf(stderr, "  %s%s%s hops: hardware %ld, model %ld\n", who,
			        sep, ln->layer->t[t].name, sim->hops[t], mod->hops[t]);
			diffs++;
		}
	if (sim->macs != mod->macs) {
		fprintf(stderr, "  %s%sMACs: hardware %ld, model %ld\n", who, sep,
		        sim->macs, mod->macs);
		diffs++;
	}
	return diffs;
}

/* The reference's inputs: a copy of bufs' (the output zero); NTENSORS,
 * or the tensor that memory does not hold. */
static int copy_inputs(const Layer *l, const Buf *bufs, Buf *ref)
{
	for (int t = 0; t < NTENSORS; t++) {
		if (!buf_alloc(&ref[t], &l->t[t]))
			return t;
		if (t != T_OUT)
			memcpy(ref[t].data, bufs[t].data, (size_t)bufs[t].count *
			       (size_t)elem_container_bytes(l->t[t].type));
	}
	return NTENSORS;
}

/* The verdict of a run that completed, into c. */
static void judge(const LoopNest *ln, const Buf *out, const Buf *ref,
                  const char *who, SimCheck *c)
{
	const Layer *l = ln->layer;
	c->verified = !memcmp(out->data, ref->data, (size_t)out->count *
	                      (size_t)elem_container_bytes(l->t[T_OUT].type));
	Model *m = &c->m;
	*m = c->r.m;   /* the hardware's counts and cycles */
	m->pes = c->mod.pes;
	m->pes_used = c->mod.pes_used;
	m->compute_cycles = c->mod.compute_cycles;
	m->idle_cycles = c->mod.idle_cycles;
	memcpy(m->hop_kind, c->mod.hop_kind, sizeof m->hop_kind);
	m->hw_cycles = 1;   /* measured, beside the generic rules' */
	m->generic_cycles = c->mod.cycles;
	model_account(ln, m);
	c->diffs = compare_counts(ln, m, &c->mod, who);
	/* the two-sided check (docs/model.md): the model's cycles are
	 * those of this hardware, so the hardware may be neither much
	 * slower nor faster */
	c->ratio = (double)m->cycles / (double)(c->ht.cycles ? c->ht.cycles
	                                                     : 1);
	c->cycles_ok = sim_cycles_within(&c->r, &c->ht);
}

int sim_check(const LoopNest *ln, const Hw *hw, Buf *bufs,
              const SimOpts *opts, const char *who, SimCheck *c,
              char *err, size_t errlen)
{
	memset(c, 0, sizeof *c);
	const Layer *l = ln->layer;
	Buf ref[NTENSORS] = {0};
	int rc = 0, short_of = copy_inputs(l, bufs, ref);
	JitTimes jt;
	if (short_of < NTENSORS) {
		snprintf(err, errlen, "out of memory for tensor %s (the CPU "
		         "reference's copy)", l->t[short_of].name);
		rc = EXIT_USER;
	} else if (jit_run(ln, ref, err, errlen, &jt) != 1) {
		rc = EXIT_TOOL;
	}
	model_eval(ln, &c->mod, 0);
	hw_timing(hw, &c->ht, 0);   /* quicker than the simulation, however long */
	SimOpts so = *opts;
	so.expected_cycles = c->ht.cycles;
	so.max_cycles = 20 * c->ht.cycles + 1000000;
	int st = rc ? SIM_OK : sim_run(hw, bufs, &so, &c->r, err, errlen);
	if (st != SIM_OK)
		rc = st == SIM_USER ? EXIT_USER : EXIT_TOOL;
	if (!rc) {
		c->ran = 1;
		judge(ln, &bufs[T_OUT], &ref[T_OUT], who, c);
		if (!c->verified || c->diffs || !c->cycles_ok)
			rc = EXIT_MISMATCH;
	}
	for (int t = 0; t < NTENSORS; t++)
		buf_free(&ref[t]);
	return rc;
}
