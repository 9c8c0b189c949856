/* opts.h - the command line of the commands main.c runs (opts.c). */
#ifndef TESSERA_OPTS_H
#define TESSERA_OPTS_H

#include "ir/tessera.h"

/* What the command line asked for. */
typedef struct Opts {
	const char *cmd, *file, *after, *outdir, *network;
	const char *more[64];      /* further FILEs (--network) */
	int nmore;
	const char *inputs[NTENSORS];
	const char *input_names[NTENSORS];
	int ninputs;
	uint64_t seed;
	int seed_set;              /* --seed was given */
	const char *vcd;
	const char *liberty;
	double node_nm, sram_access_ns;
	long batch;                /* import --batch (0: the model's) */
	int jobs;                  /* --network: processes at once (0: the
	                              cores) */
	int emit_c, naive, save_inputs, json, brute, walk;
	int sim;                   /* synth --sim: the throughput's cycles
	                              simulated */
	const char *html;          /* --html DIR: the page DIR/index.html */
	int argc;                  /* the command line, for the page */
	char **argv;
} Opts;

/* Parses argv into o; a usage error (exit 2) for an unknown option, one
 * the command does not take, a value missing or out of range. */
void opts_parse(int argc, char **argv, Opts *o);
int opts_known_command(const char *cmd);

#endif
