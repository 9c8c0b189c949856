/* tensor.c - tensor storage for the CPU reference and the simulator:
 * allocation, the deterministic input generator, checksums and NumPy
 * .npy files (version 1 and 2, little-endian, C order).
 *
 * An element of `bits` bits is stored in the smallest of 1, 2, 4 or 8
 * bytes, sign- or zero-extended, so the data is a plain C array.
 */
#include "../ir/tessera.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int buf_alloc(Buf *b, const Tensor *t)
{
	memset(b, 0, sizeof *b);
	b->type = t->type;
	b->rank = t->rank;
	b->count = 1;
	for (int r = 0; r < t->rank; r++) {
		b->shape[r] = t->shape[r];
		b->count *= t->shape[r];
	}
	b->data = calloc((size_t)b->count, (size_t)elem_container_bytes(t->type));
	return b->data != NULL;
}

void buf_free(Buf *b)
{
	free(b->data);
	b->data = NULL;
}

long buf_get(const Buf *b, long i)
{
	int sgn = b->type.is_signed;
	switch (elem_container_bytes(b->type)) {
	case 1: return sgn ? (long)((int8_t *)b->data)[i]
	                   : (long)((uint8_t *)b->data)[i];
	case 2: return sgn ? (long)((int16_t *)b->data)[i]
	                   : (long)((uint16_t *)b->data)[i];
	case 4: return sgn ? (long)((int32_t *)b->data)[i]
	                   : (long)((uint32_t *)b->data)[i];
	default: return ((int64_t *)b->data)[i];
	}
}

/* Stores v reduced to the element type (wrapping, as hardware does). */
void buf_set(Buf *b, long i, long v)
{
	int bits = b->type.bits;
	uint64_t u = (uint64_t)v;
	if (bits < 64) {
		u &= (1ULL << bits) - 1;
		if (b->type.is_signed && (u >> (bits - 1)))
			u |= ~((1ULL << bits) - 1);
	}
	switch (elem_container_bytes(b->type)) {
	case 1: ((uint8_t *)b->data)[i] = (uint8_t)u; break;
	case 2: ((uint16_t *)b->data)[i] = (uint16_t)u; break;
	case 4: ((uint32_t *)b->data)[i] = (uint32_t)u; break;
	default: ((uint64_t *)b->data)[i] = u; break;
	}
}

static uint64_t splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

/* Fills the tensor with values over the whole range of its type, from a
 * stream that depends only on the seed and which operand it is. */
void buf_random(Buf *b, uint64_t seed, int which)
{
	uint64_t s = seed * 0xD1B54A32D192ED03ULL + (uint64_t)which;
	for (long i = 0; i < b->count; i++)
		buf_set(b, i, (long)(splitmix64(&s) >> (64 - b->type.bits)));
}

uint64_t buf_checksum(const Buf *b)
{
	return fnv1a(b->data,
	             (size_t)b->count * (size_t)elem_container_bytes(b->type));
}

int npy_write(const char *path, const Buf *b, char *err, size_t errlen)
{
	char hdr[512];
	int n = snprintf(hdr, sizeof hdr, "{'descr': '%c%c%d', 'fortran_order': "
	                 "False, 'shape': (", elem_container_bytes(b->type) == 1
	                 ? '|' : '<', b->type.is_signed ? 'i' : 'u',
	                 elem_container_bytes(b->type));
	for (int r = 0; r < b->rank; r++)
		n += snprintf(hdr + n, sizeof hdr - (size_t)n, "%ld%s", b->shape[r],
		              b->rank == 1 ? "," : r + 1 < b->rank ? ", " : "");
	n += snprintf(hdr + n, sizeof hdr - (size_t)n, "), }");
	while ((10 + n + 1) % 64)
		hdr[n++] = ' ';
	hdr[n++] = '\n';
	FILE *f = fopen(path, "wb");
	if (!f) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		return 0;
	}
	unsigned char pre[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0,
	                         (unsigned char)(n & 0xff),
	                         (unsigned char)(n >> 8)};
	size_t bytes = (size_t)b->count * (size_t)elem_container_bytes(b->type);
	int ok = fwrite(pre, 1, 10, f) == 10 &&
	         fwrite(hdr, 1, (size_t)n, f) == (size_t)n &&
	         fwrite(b->data, 1, bytes, f) == bytes;
	ok &= fclose(f) == 0;
	if (!ok)
		snprintf(err, errlen, "cannot write %s", path);
	return ok;
}

/* The value of 'key': in a .npy header dict, or NULL. */
static const char *dict_value(const char *hdr, const char *key)
{
	char pat[32];
	snprintf(pat, sizeof pat, "'%s':", key);
	const char *p = strstr(hdr, pat);
	if (!p)
		return NULL;
	p += strlen(pat);
	while (*p == ' ')
		p++;
	return p;
}

static int parse_header(const char *hdr, char *kind, int *size, int *rank,
                        long *shape)
{
	const char *d = dict_value(hdr, "descr");
	const char *fo = dict_value(hdr, "fortran_order");
	const char *sh = dict_value(hdr, "shape");
	if (!d || !fo || !sh || strncmp(fo, "False", 5) || *sh != '(')
		return 0;
	if (d[0] != '\'' || !strchr("<|=", d[1]) || !strchr("iu", d[2]) ||
	    !strchr("1248", d[3]) || d[4] != '\'')
		return 0;
	*kind = d[2];
	*size = d[3] - '0';
	*rank = 0;
	for (const char *p = sh + 1; *p != ')';) {
		while (*p == ' ' || *p == ',')
			p++;
		if (*p == ')')
			break;
		char *end;
		long v = strtol(p, &end, 10);
		if (end == p || v < 0 || *rank == MAX_RANK)
			return 0;
		shape[(*rank)++] = v;
		p = end;
	}
	return 1;
}

static long raw_get(const unsigned char *p, char kind, int size)
{
	int64_t v = 0;
	memcpy(&v, p, (size_t)size);
	if (kind == 'i' && size < 8 && (v >> (size * 8 - 1)) & 1)
		v |= (int64_t)(~0ULL << (size * 8));
	return (long)v;
}

/* A shape as NumPy prints it: (2, 4), or (4,) for one dimension. */
static void shape_text(char *s, size_t n, const long *shape, int rank)
{
	size_t k = (size_t)snprintf(s, n, "(");
	for (int r = 0; r < rank && k < n; r++)
		k += (size_t)snprintf(s + k, n - k, "%s%ld", r ? ", " : "", shape[r]);
	if (k < n)
		snprintf(s + k, n - k, "%s)", rank == 1 ? "," : "");
}

int npy_read(const char *path, const Tensor *t, Buf *b, char *err,
             size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return 0;
	}
	unsigned char pre[12];
	char hdr[4096] = {0};
	char kind;
	int size, rank, ok = 0;
	long shape[MAX_RANK];
	unsigned char *raw = NULL;
	if (fread(pre, 1, 10, f) != 10 || memcmp(pre, "\x93NUMPY", 6) ||
	    pre[6] < 1 || pre[6] > 3) {
		snprintf(err, errlen, "%s: not a .npy file", path);
		goto out;
	}
	size_t hlen = pre[8] | (size_t)pre[9] << 8;
	if (pre[6] > 1) {
		if (fread(pre + 10, 1, 2, f) != 2)
			hlen = sizeof hdr;
		else
			hlen |= (size_t)pre[10] << 16 | (size_t)pre[11] << 24;
	}
	if (hlen >= sizeof hdr || fread(hdr, 1, hlen, f) != hlen ||
	    !parse_header(hdr, &kind, &size, &rank, shape)) {
		snprintf(err, errlen, "%s: unsupported .npy header (need a "
		         "little-endian integer array in C order)", path);
		goto out;
	}
	int same = rank == t->rank;
	for (int r = 0; same && r < rank; r++)
		same = shape[r] == t->shape[r];
	if (!same) {
		char found[160], want[160];
		shape_text(found, sizeof found, shape, rank);
		shape_text(want, sizeof want, t->shape, t->rank);
		snprintf(err, errlen, "%s has shape %s; tensor %s needs %s", path,
		         found, t->name, want);
		goto out;
	}
	if (!buf_alloc(b, t) ||
	    !(raw = malloc((size_t)b->count * (size_t)size + 1))) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto out;
	}
	if (fread(raw, (size_t)size, (size_t)b->count, f) != (size_t)b->count) {
		snprintf(err, errlen, "%s: file is shorter than its shape", path);
		goto out;
	}
	int bits = t->type.bits;
	long lo = t->type.is_signed ? -(1L << (bits - 1)) : 0;
	long hi = t->type.is_signed ? (1L << (bits - 1)) - 1 : (1L << bits) - 1;
	for (long i = 0; i < b->count; i++) {
		long v = raw_get(raw + i * size, kind, size);
		if ((kind == 'u' && size == 8 && v < 0) || v < lo || v > hi) {
			snprintf(err, errlen, "%s: element %ld (%ld) does not fit "
			         "%s's type", path, i, v, t->name);
			goto out;
		}
		buf_set(b, i, v);
	}
	ok = 1;
out:
	if (!ok)
		buf_free(b);
	free(raw);
	fclose(f);
	return ok;
}
