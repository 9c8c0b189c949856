/* help.h - the help texts of the `tessera` command (help.c). */
#ifndef TESSERA_HELP_H
#define TESSERA_HELP_H

extern const char help_usage[];   /* tessera --help */

#endif
