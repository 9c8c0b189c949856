/* fuzz_frontend.c - libFuzzer entry for the frontend, the lowering
 * pipeline and the model (`make fuzz`).
 *
 * Each input is parsed as a .tsr file; when it parses, it is lowered, the
 * loop nest printed to /dev/null (so the printer runs too) and, when it
 * describes an accelerator, the model evaluated and its JSON printed.  Errors
 * are only counted (Diag.out is NULL).  Everything a run allocates comes
 * from one arena, freed before returning, so LeakSanitizer sees any
 * allocation that escapes it.  An internal error aborts, which libFuzzer
 * reports as a crash: for any input, that is a bug.
 */
#include "../../ir/tessera.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Opened once and kept for the whole run (not a leak: it is reachable). */
static FILE *devnull(void)
{
	static FILE *f;
	if (!f)
		f = fopen("/dev/null", "w");
	return f;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *sink = devnull();
	Arena *a = arena_new();
	Source *src = source_from_text(a, "fuzz.tsr", (const char *)data, size);
	Program *p = arena_alloc(a, sizeof *p);
	LoopNest *ln = arena_alloc(a, sizeof *ln);
	Diag d = {.out = NULL};
	if (parse_program(a, &d, src, p) && lower(&d, p, ln, NULL) && sink) {
		loopnest_print(sink, ln);
		Model m;
		if (model_eval(ln, &m, 0))
			report_json(sink, ln, &m, -1);
	}
	arena_free(a);
	return 0;
}
