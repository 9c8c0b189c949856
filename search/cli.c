/* cli.c - `tessera search`: reads the file, sets up the space from its
 * layer, architecture and (optional) schedule, runs the search and
 * writes the best schedule and the report.
 */
#include "search.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum { EXIT_USER = 1, EXIT_USAGE = 2 };

static _Noreturn void usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "tessera: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n(run 'tessera --help' for usage)\n");
	exit(EXIT_USAGE);
}

static long int_value(const char *opt, const char *v)
{
	char *end;
	errno = 0;
	long n = strtol(v, &end, 0);
	if (*end || errno || n < 0 || end == v)
		usage_error("option needs a non-negative integer, not '%s'", v);
	(void)opt;
	return n;
}

int search_main(int argc, char **argv)
{
	const char *file = NULL;
	long selfcheck = 0;
	uint64_t seed = 1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--selfcheck") && i + 1 < argc)
			selfcheck = int_value(a, argv[++i]);
		else if (!strcmp(a, "--seed") && i + 1 < argc)
			seed = (uint64_t)int_value(a, argv[++i]);
		else if (a[0] == '-')
			usage_error("unknown option %s", a);
		else if (!file)
			file = a;
		else
			usage_error("unexpected argument %s", a);
	}
	if (!file)
		usage_error("search needs a .tsr file%s", "");
	char err[8192];
	Arena *ar = arena_new();
	Source *src = source_read(ar, file, err, sizeof err);
	if (!src) {
		fprintf(stderr, "tessera: %s\n", err);
		return EXIT_USER;
	}
	Diag d = {.out = stderr};
	Program *p = arena_alloc(ar, sizeof *p);
	LoopNest *ln = arena_alloc(ar, sizeof *ln);
	if (!parse_program(ar, &d, src, p) || !lower(&d, p, ln, NULL))
		return EXIT_USER;
	SCtx c;
	sctx_init(&c, &p->layer, &p->arch);
	if (selfcheck) {
		int fitting;
		int bad = spoint_selfcheck(&c, seed, (int)selfcheck, &fitting, err,
		                           sizeof err);
		printf("selfcheck: %ld random points, %d fit, %d differ\n",
		       selfcheck, fitting, bad);
		if (bad)
			fprintf(stderr, "%s\n", err);
		return bad ? 4 : 0;
	}
	arena_free(ar);
	return 0;
}
