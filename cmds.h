/* cmds.h - what the commands of main.c and of netcmd.c (the commands
 * over a network file) share. */
#ifndef TESSERA_CMDS_H
#define TESSERA_CMDS_H

#include "opts.h"

/* main.c: reads, parses and lowers o->file; 0 after a user error. */
int cmd_compile(Arena *a, const Opts *o, Program *p, LoopNest *ln);
/* main.c: a network layer's cycles, as `model --network` gives them. */
void cmd_network_cycles(const LoopNest *ln, Model *m);

/* netcmd.c: reads and parses a network file; 0 after a user error. */
int network_read(Arena *a, const char *path, Network *net);
/* netcmd.c: model, sim or synth --network NET FILE...; the exit status. */
int netcmd_main(Arena *a, const Opts *o);

#endif
