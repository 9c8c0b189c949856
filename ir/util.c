/* util.c - the arena every compilation allocates from, source files held
 * in memory, and diagnostics that point at the source.
 *
 * Errors never exit: they are printed and counted, and the caller decides
 * when to stop, so the frontend can run inside a fuzzer.  Internal errors
 * (broken invariants of the compiler itself) abort.
 */
#include "tessera.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

typedef struct Chunk {
	struct Chunk *next;
	size_t used, cap;
	_Alignas(16) unsigned char data[];
} Chunk;

struct Arena {
	Chunk *head;
};

Arena *arena_new(void)
{
	Arena *a = calloc(1, sizeof *a);
	if (!a)
		INTERNAL("out of memory");
	return a;
}

void arena_free(Arena *a)
{
	if (!a)
		return;
	for (Chunk *c = a->head, *n; c; c = n) {
		n = c->next;
		free(c);
	}
	free(a);
}

void *arena_alloc(Arena *a, size_t n)
{
	n = (n + 15) & ~(size_t)15;
	Chunk *c = a->head;
	if (!c || c->cap - c->used < n) {
		size_t cap = n > 65536 ? n : 65536;
		c = malloc(sizeof *c + cap);
		if (!c)
			INTERNAL("out of memory");
		c->next = a->head;
		c->used = 0;
		c->cap = cap;
		a->head = c;
	}
	void *p = c->data + c->used;
	c->used += n;
	memset(p, 0, n);
	return p;
}

char *arena_strndup(Arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);
	memcpy(p, s, n);
	return p;
}

char *arena_printf(Arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *p = arena_alloc(a, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

Source *source_from_text(Arena *a, const char *name, const char *text,
                         size_t len)
{
	Source *s = arena_alloc(a, sizeof *s);
	s->name = arena_strndup(a, name, strlen(name));
	s->text = arena_strndup(a, text, len);
	s->len = len;
	return s;
}

/* The whole file, NUL-terminated and malloc'd (the caller frees it), or
 * NULL with errno saying why. */
char *file_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	for (size_t k; buf && (k = fread(buf + n, 1, cap - 1 - n, f)) > 0;) {
		n += k;
		if (n == cap - 1)
			buf = realloc(buf, cap *= 2);
	}
	int bad = !buf || ferror(f);
	fclose(f);
	if (bad) {
		free(buf);
		errno = EIO;
		return NULL;
	}
	buf[n] = 0;
	if (len)
		*len = n;
	return buf;
}

/* A command-line error: the message (fmt takes one string), where to
 * look, and exit status 2. */
_Noreturn void die_usage(const char *fmt, const char *arg)
{
	fprintf(stderr, "tessera: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n(run 'tessera --help' for usage)\n");
	exit(EXIT_USAGE);
}

/* Out of memory for tables the layer's sizes decide: the sizes are the
 * user's, so this is a user error (exit 1), said plainly. */
_Noreturn void die_oom(const char *what)
{
	fprintf(stderr, "tessera: out of memory %s: the layer's sizes need "
	        "more memory than this machine gives\n", what);
	exit(EXIT_USER);
}

/* rm -rf, with a warning when it fails (nothing depends on it). */
void remove_tree(const char *dir)
{
	char cmd[4200];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "tessera: cannot remove %s\n", dir);
}

/* Writes n bytes to path; 0 on any failure. */
int file_write(const char *path, const void *data, size_t n)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return 0;
	int ok = fwrite(data, 1, n, f) == n;
	return fclose(f) == 0 && ok;
}

Source *source_read(Arena *a, const char *path, char *err, size_t errlen)
{
	size_t len;
	char *buf = file_read(path, &len);
	if (!buf) {
		if (errno == EIO)
			snprintf(err, errlen, "cannot read %s", path);
		else
			snprintf(err, errlen, "cannot open %s: %s", path,
			         strerror(errno));
		return NULL;
	}
	Source *s = source_from_text(a, path, buf, len);
	free(buf);
	return s;
}

/* Prints the source line of `loc` and a caret under its column. */
static void show_line(FILE *f, Loc loc)
{
	const char *p = loc.src->text, *end = p + loc.src->len;
	for (int l = 1; l < loc.line && p < end; p++)
		if (*p == '\n')
			l++;
	const char *e = p;
	while (e < end && *e != '\n')
		e++;
	fprintf(f, "  %.*s\n  ", (int)(e - p), p);
	for (int i = 1; i < loc.col && p + i - 1 < e; i++)
		fputc(p[i - 1] == '\t' ? '\t' : ' ', f);
	fputs("^\n", f);
}

static void vreport(Diag *d, Loc loc, const char *kind, const char *fmt,
                    va_list ap)
{
	if (!d->out)
		return;
	if (loc.src)
		fprintf(d->out, "%s:%d:%d: %s: ", loc.src->name, loc.line,
		        loc.col, kind);
	else
		fprintf(d->out, "tessera: %s: ", kind);
	vfprintf(d->out, fmt, ap);
	fputc('\n', d->out);
	if (loc.src)
		show_line(d->out, loc);
}

void diag_error(Diag *d, Loc loc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (d->nerrors < MAX_ERRORS)
		vreport(d, loc, "error", fmt, ap);
	va_end(ap);
	d->nerrors++;
}

void diag_note(Diag *d, Loc loc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (d->nerrors <= MAX_ERRORS)
		vreport(d, loc, "note", fmt, ap);
	va_end(ap);
}

_Noreturn void die_internal(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "tessera: internal error (%s:%d): ", file, line);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	abort();
}

const char *const dim_upper[NDIMS] = {
#define X(up, low) #up,
	DIMS(X)
#undef X
};
const char *const dim_lower[NDIMS] = {
#define X(up, low) low,
	DIMS(X)
#undef X
};
const char *const loop_kind_name[] = {
#define X(e, s) s,
	LOOP_KINDS(X)
#undef X
};
const char *const directive_name[NDIRECTIVES] = {
#define X(e, s, o) s,
	DIRECTIVES(X)
#undef X
};

int elem_container_bytes(ElemType t)
{
	return t.bits <= 8 ? 1 : t.bits <= 16 ? 2 : t.bits <= 32 ? 4 : 8;
}

/* The flat row-major offset of tensor t as sum of lin[d] * d + *base. */
void tensor_linear(const Tensor *t, long lin[NDIMS], long *base)
{
	long rowstride = 1;
	*base = 0;
	for (int d = 0; d < NDIMS; d++)
		lin[d] = 0;
	for (int r = t->rank - 1; r >= 0; r--) {
		for (int d = 0; d < NDIMS; d++)
			lin[d] += t->idx[r].coef[d] * rowstride;
		*base += t->idx[r].offset * rowstride;
		rowstride *= t->shape[r];
	}
}

/* ---- small services shared by the commands ---- */

uint64_t fnv1a(const void *data, size_t n)
{
	const unsigned char *p = data;
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h;
}

double clock_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int make_dirs(const char *dir)
{
	char path[4096];
	if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (char *p = path + 1; *p; p++)
		if (*p == '/') {
			*p = 0;
			if (mkdir(path, 0777) && errno != EEXIST)
				return -1;
			*p = '/';
		}
	return mkdir(path, 0777) && errno != EEXIST ? -1 : 0;
}
