/* load.c - the front door of the commands (main.c, search/, bench/):
 * a file read, then parsed as a network or parsed and lowered as a layer,
 * with every error reported on stderr at its location.  Each returns 0
 * (or NULL) after an error, already reported.
 */
#include "../ir/tessera.h"

#include <string.h>

/* The file's text, or NULL when it cannot be read. */
Source *source_load(Arena *a, const char *path)
{
	char err[512];
	Source *src = source_read(a, path, err, sizeof err);
	if (!src) {
		fputs("tessera: ", stderr);
		fput_escaped(stderr, err, strlen(err));
		fputc('\n', stderr);
	}
	return src;
}

/* Diagnostics stop being printed after MAX_ERRORS: say how many there
 * were. */
static int failed(const Diag *d)
{
	if (d->nerrors > MAX_ERRORS)
		fprintf(stderr, "tessera: %d errors, %d shown\n", d->nerrors,
		        MAX_ERRORS);
	return 0;
}

int network_load(Arena *a, const Source *src, Network *net)
{
	if (!source_is_network(src)) {
		fprintf(stderr, "tessera: %s is not a network file (it should "
		        "start with 'network NAME {')\n", src->name);
		return 0;
	}
	Diag d = {.out = stderr};
	return network_parse(a, &d, src, net) || failed(&d);
}

int program_load(Arena *a, const Source *src, Program *p, LoopNest *ln,
                 const char *after)
{
	Diag d = {.out = stderr};
	return (parse_program(a, &d, src, p) && lower(&d, p, ln, after)) ||
	       failed(&d);
}
