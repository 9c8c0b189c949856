/* whole.c - files written whole or not at all: a study's table and
 * chart, rewritten after each layer while it runs, and the progress
 * file of search and study.  Each is written as PATH.part and renamed
 * over PATH, so a reader never meets half a file.  A SIGINT, SIGTERM or
 * SIGHUP that comes while a .part is open removes it, then ends tessera
 * as the signal would have (SIGKILL cannot be caught: it can leave a
 * .part behind).  Rank 0 of an MPI run alone writes: on the others the
 * file is /dev/null.
 */
#include "search.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

enum { MAXPART = 4 };

static const int SIGS[3] = {SIGINT, SIGTERM, SIGHUP};
static char part[MAXPART][4096];              /* the .part files open */
static volatile sig_atomic_t armed[MAXPART];  /* 1: part[i] is to remove */
static int caught;                            /* the handler is set */

/* All a handler may do: unlink, then the signal's own action. */
static void on_signal(int sig)
{
	for (int i = 0; i < MAXPART; i++)
		if (armed[i])
			unlink(part[i]);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* The handler, once; a signal ignored when tessera started (nohup, a
 * shell's background job) stays ignored. */
static void catch_signals(void)
{
	if (caught++)
		return;
	for (int i = 0; i < 3; i++) {
		struct sigaction sa, old;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_signal;
		sigemptyset(&sa.sa_mask);
		if (!sigaction(SIGS[i], NULL, &old) && old.sa_handler == SIG_DFL)
			sigaction(SIGS[i], &sa, NULL);
	}
}

FILE *whole_open(Whole *w, const char *path)
{
	memset(w, 0, sizeof *w);
	w->slot = -1;
	if (cluster_rank() > 0)
		return w->f = fopen("/dev/null", "w");
	snprintf(w->path, sizeof w->path, "%s", path);
	for (int i = 0; i < MAXPART && w->slot < 0; i++)
		if (!armed[i])
			w->slot = i;
	if (w->slot < 0)
		INTERNAL("more than %d files written at once", MAXPART);
	if ((size_t)snprintf(part[w->slot], sizeof part[0], "%s.part", path) >=
	    sizeof part[0]) {
		fprintf(stderr, "tessera: cannot write %s: the name is too long\n",
		        path);
		w->slot = -1;
		return NULL;
	}
	catch_signals();
	armed[w->slot] = 1;
	w->f = fopen(part[w->slot], "w");
	if (!w->f) {
		fprintf(stderr, "tessera: cannot write %s: %s\n", part[w->slot],
		        strerror(errno));
		armed[w->slot] = 0;
	}
	return w->f;
}

int whole_close(Whole *w)
{
	int bad = ferror(w->f);
	if (fclose(w->f))
		bad = 1;
	if (w->slot < 0)
		return !bad;
	const char *tmp = part[w->slot];
	if (bad || rename(tmp, w->path)) {
		fprintf(stderr, "tessera: cannot write %s: %s\n", w->path,
		        errno ? strerror(errno) : "write error");
		unlink(tmp);
		bad = 1;
	}
	armed[w->slot] = 0;
	return !bad;
}

void whole_note(const char *path, const char *fmt, ...)
{
	Whole w;
	FILE *f = whole_open(&w, path);
	if (!f)
		return;
	va_list ap;
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	whole_close(&w);
}

void whole_drop(Whole *w)
{
	fclose(w->f);
	if (w->slot < 0)
		return;
	unlink(part[w->slot]);
	armed[w->slot] = 0;
}
