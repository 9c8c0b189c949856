/* util.c - the arena every compilation allocates from, source files held
 * in memory, and diagnostics that point at the source.
 *
 * Errors never exit: they are printed and counted, and the caller decides
 * when to stop, so the frontend can run inside a fuzzer.  Internal errors
 * (broken invariants of the compiler itself) abort.
 */
#include "tessera.h"

#include <errno.h>
#include <ftw.h>
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
		die_oom("for the compilation");
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
			die_oom("for the compilation");
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
	/* a UTF-8 byte order mark (editors on Windows write one) is not
	 * text: dropped, so that columns count from the first character */
	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3)) {
		text += 3;
		len -= 3;
	}
	Source *s = arena_alloc(a, sizeof *s);
	s->name = arena_strndup(a, name, strlen(name));
	s->text = arena_strndup(a, text, len);
	s->len = len;
	return s;
}

/* At most `max` bytes of a file, NUL-terminated and malloc'd (the
 * caller frees it), or NULL with errno saying why (EFBIG: longer). */
static char *read_at_most(const char *path, size_t *len, size_t max)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	int big = 0;
	for (size_t k; buf && (k = fread(buf + n, 1, cap - 1 - n, f)) > 0;) {
		n += k;
		if (n > max) {
			big = 1;
			break;
		}
		if (n == cap - 1) {
			char *more = realloc(buf, cap *= 2);
			if (!more)
				free(buf);
			buf = more;
		}
	}
	int bad = !buf || ferror(f) || big;
	fclose(f);
	if (bad) {
		free(buf);
		errno = big ? EFBIG : EIO;
		return NULL;
	}
	buf[n] = 0;
	if (len)
		*len = n;
	return buf;
}

/* The whole file, NUL-terminated and malloc'd (the caller frees it), or
 * NULL with errno saying why. */
char *file_read(const char *path, size_t *len)
{
	return read_at_most(path, len, SIZE_MAX - 1);
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

/* A command-line whole number: decimal digits only (no sign, base
 * prefix or space; "010" is ten), at least one, from lo to hi; anything
 * else is a usage error naming the option (strtoul took "" as 0, "010"
 * as 8 and 4294967297 cut to an int as 1). */
uint64_t arg_uint(const char *opt, const char *v, uint64_t lo, uint64_t hi)
{
	uint64_t n = 0;
	int ok = *v != 0;
	for (const char *p = v; ok && *p; p++) {
		ok = *p >= '0' && *p <= '9' &&
		     n <= (UINT64_MAX - (uint64_t)(*p - '0')) / 10;
		n = n * 10 + (uint64_t)(*p - '0');
	}
	if (!ok || n < lo || n > hi) {
		char msg[256];
		snprintf(msg, sizeof msg, "%s takes a decimal whole number from "
		         "%llu to %llu, not '%%s'", opt, (unsigned long long)lo,
		         (unsigned long long)hi);
		die_usage(msg, v);
	}
	return n;
}

/* A command-line real number: plain decimal (digits, one point, an
 * exponent), from lo to hi; no nan, inf or hexadecimal. */
double arg_real(const char *opt, const char *v, double lo, double hi)
{
	const char *p = v;
	int digits = 0;
	while (*p >= '0' && *p <= '9')
		p++, digits++;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			digits++;
	if (digits && (*p == 'e' || *p == 'E')) {
		p += p[1] == '-' || p[1] == '+' ? 2 : 1;
		if (!(*p >= '0' && *p <= '9'))
			digits = 0;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	double d = digits && !*p ? strtod(v, NULL) : -1;
	if (!digits || *p || !(d >= lo && d <= hi)) {
		char msg[256];
		snprintf(msg, sizeof msg, "%s takes a number from %.15g to %.15g, "
		         "not '%%s'", opt, lo, hi);
		die_usage(msg, v);
	}
	return d;
}

/* Out of memory for tables the layer's sizes decide: the sizes are the
 * user's, so this is a user error (exit 1), said plainly. */
_Noreturn void die_oom(const char *what)
{
	fprintf(stderr, "tessera: out of memory %s: the layer's sizes need "
	        "more memory than this machine gives\n", what);
	exit(EXIT_USER);
}

/* One entry of remove_tree's walk, children before their directory;
 * a symbolic link is removed, never followed. */
static int remove_entry(const char *path, const struct stat *st, int type,
                        struct FTW *ftw)
{
	return remove(path) != 0 && errno != ENOENT;
}

/* rm -rf without a shell, with a warning when it fails (nothing depends
 * on it).  A directory that is not there is not an error. */
void remove_tree(const char *dir)
{
	if (nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS) != 0 &&
	    errno != ENOENT)
		fprintf(stderr, "tessera: cannot remove %s: %s\n", dir,
		        strerror(errno));
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

/* A .tsr file is a few kilobytes: one much larger (or a device that
 * never ends, /dev/zero) is not read to the end. */
enum { SOURCE_MAX = 16 << 20 };

Source *source_read(Arena *a, const char *path, char *err, size_t errlen)
{
	size_t len;
	char *buf = read_at_most(path, &len, SOURCE_MAX);
	if (!buf) {
		if (errno == EFBIG)
			snprintf(err, errlen, "%s is larger than 16 MiB, the most a "
			         ".tsr file may hold", path);
		else if (errno == EIO)
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

/* The length of the UTF-8 character at s (at most n bytes), or 0 when
 * the bytes there are not one, or are a control character. */
int utf8_char(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	int len = u[0] < 0x80 ? 1 : u[0] >= 0xc2 && u[0] <= 0xdf ? 2
	        : u[0] >= 0xe0 && u[0] <= 0xef ? 3
	        : u[0] >= 0xf0 && u[0] <= 0xf4 ? 4 : 0;
	if (!len || (size_t)len > n)
		return 0;
	if (len == 1)
		return u[0] >= 0x20 && u[0] != 0x7f ? 1 : u[0] == '\t';
	unsigned lo = u[0] == 0xe0 ? 0xa0 : u[0] == 0xf0 ? 0x90 : 0x80;
	unsigned hi = u[0] == 0xed ? 0x9f : u[0] == 0xf4 ? 0x8f : 0xbf;
	if (u[1] < lo || u[1] > hi)
		return 0;
	for (int i = 2; i < len; i++)
		if (u[i] < 0x80 || u[i] > 0xbf)
			return 0;
	return len;
}

/* Writes n bytes of s with every byte that is not part of a UTF-8
 * character as \xNN: a message must not carry bytes a terminal cannot
 * show. */
void fput_escaped(FILE *f, const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		int k = utf8_char(s + i, n - i);
		if (k) {
			fwrite(s + i, 1, (size_t)k, f);
			i += (size_t)k;
		} else {
			fprintf(f, "\\x%02x", (unsigned char)s[i++]);
		}
	}
}

/* Prints the source line of `loc` and a caret under its column (a
 * column counts bytes: a character of several bytes takes one place,
 * an escaped byte four). */
static void show_line(FILE *f, Loc loc)
{
	const char *p = loc.src->text, *end = p + loc.src->len;
	for (int l = 1; l < loc.line && p < end; p++)
		if (*p == '\n')
			l++;
	const char *e = p;
	while (e < end && *e != '\n')
		e++;
	fputs("  ", f);
	fput_escaped(f, p, (size_t)(e - p));
	fputs("\n  ", f);
	for (const char *q = p; q < p + loc.col - 1 && q < e;) {
		int k = utf8_char(q, (size_t)(e - q));
		fputs(*q == '\t' ? "\t" : k ? " " : "    ", f);
		q += k ? k : 1;
	}
	fputs("^\n", f);
}

static void vreport(Diag *d, Loc loc, const char *kind, const char *fmt,
                    va_list ap)
{
	if (!d->out)
		return;
	char msg[2048];
	vsnprintf(msg, sizeof msg, fmt, ap);
	if (loc.src) {
		fput_escaped(d->out, loc.src->name, strlen(loc.src->name));
		fprintf(d->out, ":%d:%d: %s: ", loc.line, loc.col, kind);
	} else {
		fprintf(d->out, "tessera: %s: ", kind);
	}
	fput_escaped(d->out, msg, strlen(msg));
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
