/* help.h - the help of the `tessera` command (help.c). */
#ifndef TESSERA_HELP_H
#define TESSERA_HELP_H

#include <stdio.h>

void help_all(FILE *f);                      /* tessera --help */
int help_command(FILE *f, const char *cmd);  /* 0: no such command */

#endif
