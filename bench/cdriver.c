/* cdriver.c - runs the C that `tessera ir --c` emits, for the benchmark
 * that holds the JIT against gcc -O2 on the same loops (bench/run.sh).
 *
 * Built together with the emitted kernel.c, with the container types and
 * the output's width given on the command line:
 *
 *   gcc -O2 -DTA=int16_t -DTB=int16_t -DTO=int32_t -DO_BITS=32 -DO_SIGNED=1 \
 *       bench/cdriver.c kernel.c -o kdriver
 *   ./kdriver A.npy B.npy O.npy [REPS]
 *
 * The inputs are the .npy files `tessera run --save-inputs -o DIR` wrote,
 * so both sides multiply the same numbers, and the output is compared
 * with the O.npy that the JIT wrote.  Each of REPS runs (default 5)
 * starts from a zeroed output; only the kernel call is timed.  Prints
 *
 *   kernel min S mean S reps R output ok|MISMATCH (N of M elements differ)
 *
 * and exits 1 on a mismatch, 2 on a usage or file error.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef TA
#error "define TA, TB, TO (the container types), O_BITS and O_SIGNED"
#endif

void kernel(const TA *A, const TB *B, TO *O);

/* Reads a .npy file (version 1, 2 or 3) whose payload is `elem` bytes an
 * element; returns the payload and its element count. */
static void *npy_load(const char *path, size_t elem, size_t *count)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		exit(2);
	}
	unsigned char pre[12];
	if (fread(pre, 1, 10, f) != 10 || memcmp(pre, "\x93NUMPY", 6)) {
		fprintf(stderr, "%s: not a .npy file\n", path);
		exit(2);
	}
	size_t hlen;
	if (pre[6] == 1) {
		hlen = (size_t)pre[8] | (size_t)pre[9] << 8;
	} else {
		if (fread(pre + 10, 1, 2, f) != 2) {
			fprintf(stderr, "%s: truncated\n", path);
			exit(2);
		}
		hlen = (size_t)pre[8] | (size_t)pre[9] << 8 |
		       (size_t)pre[10] << 16 | (size_t)pre[11] << 24;
	}
	char *hdr = malloc(hlen + 1);
	if (!hdr || fread(hdr, 1, hlen, f) != hlen) {
		fprintf(stderr, "%s: truncated header\n", path);
		exit(2);
	}
	hdr[hlen] = 0;
	char *d = strstr(hdr, "'descr':");
	char *s = strstr(hdr, "'shape':");
	if (!d || !s || !(d = strchr(d + 8, '\'')) || !(s = strchr(s, '('))) {
		fprintf(stderr, "%s: unreadable header\n", path);
		exit(2);
	}
	if ((size_t)(d[3] - '0') != elem) {
		fprintf(stderr, "%s: %c-byte elements, the kernel takes %zu\n",
		        path, d[3], elem);
		exit(2);
	}
	size_t n = 1;
	for (char *p = s + 1; *p && *p != ')';) {
		char *end;
		long v = strtol(p, &end, 10);
		if (end == p) {
			p++;
			continue;
		}
		n *= (size_t)v;
		p = end;
	}
	free(hdr);
	void *data = malloc(n > 0 ? n * elem : 1);
	if (!data || fread(data, elem, n, f) != n) {
		fprintf(stderr, "%s: truncated data\n", path);
		exit(2);
	}
	fclose(f);
	*count = n;
	return data;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The output reduced to its exact width, as the JIT's caller does. */
static TO reduce(TO v)
{
	uint64_t u = (uint64_t)v;
	if (O_BITS < 64) {
		uint64_t mask = (UINT64_C(1) << (O_BITS % 64)) - 1;
		u &= mask;
		if (O_SIGNED && (u >> (O_BITS - 1)))
			u |= ~mask;
	}
	return (TO)u;
}

int main(int argc, char **argv)
{
	if (argc < 4 || argc > 5) {
		fprintf(stderr, "usage: %s A.npy B.npy O.npy [REPS]\n", argv[0]);
		return 2;
	}
	int reps = argc == 5 ? atoi(argv[4]) : 5;
	if (reps < 1)
		reps = 1;
	size_t na, nb, no;
	TA *a = npy_load(argv[1], sizeof(TA), &na);
	TB *b = npy_load(argv[2], sizeof(TB), &nb);
	TO *ref = npy_load(argv[3], sizeof(TO), &no);
	TO *o = malloc(no * sizeof(TO));
	if (!o)
		return 2;
	double min = 1e30, sum = 0;
	for (int r = 0; r < reps; r++) {
		memset(o, 0, no * sizeof(TO));
		double t0 = now();
		kernel(a, b, o);
		double t = now() - t0;
		sum += t;
		if (t < min)
			min = t;
	}
	size_t bad = 0;
	for (size_t i = 0; i < no; i++)
		bad += reduce(o[i]) != ref[i];
	printf("kernel min %.6f mean %.6f reps %d output ", min, sum / reps,
	       reps);
	if (bad)
		printf("MISMATCH (%zu of %zu elements differ)\n", bad, no);
	else
		printf("ok\n");
	free(a);
	free(b);
	free(ref);
	free(o);
	return bad ? 1 : 0;
}
