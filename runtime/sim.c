/* sim.c - `tessera sim`: builds the generated accelerator with Verilator
 * (once per distinct design: the build is kept under a hash of the
 * Verilog, stamped when whole, built by one run at a time), runs it with
 * the harness as its DRAM, reads back the output and the counters the
 * design printed.
 *
 * Verilator's own runtime and the harness are compiled by `make` into
 * build/vlt/; a design's build compiles only its model and the shim.
 */
#include "sim.h"
#include "proc.h"
#include "simio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define VLT_INC "/usr/share/verilator/include"

/* The directory of the tessera executable: the repository. */
static void home_dir(char *dir, size_t n)
{
	const char *env = getenv("TESSERA_HOME");
	if (env) {
		snprintf(dir, n, "%s", env);
		return;
	}
	ssize_t k = readlink("/proc/self/exe", dir, n - 1);
	if (k <= 0) {
		snprintf(dir, n, ".");
		return;
	}
	dir[k] = 0;
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = 0;
}

static int exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

/* Runs one step of a build in tmp, its output appended to build.log;
 * 0 with a message when it fails. */
static int step(char *const argv[], const char *tmp, double t0, char *err,
                size_t errlen)
{
	char show[64], name[64], log[3300];
	snprintf(show, sizeof show, "sim: building with Verilator (%s)",
	         argv[0]);
	ProcOpts po = {.dir = tmp, .out = "build.log", .append = 1,
	               .err_to_out = 1, .show = show, .t0 = t0};
	int st = proc_run(argv, &po);
	if (st == 0)
		return 1;
	snprintf(name, sizeof name, "the Verilator build (%s)", argv[0]);
	snprintf(log, sizeof log, "%s/build.log", tmp);
	/* the tools' Debian packages have their names */
	proc_explain(st, st == PROC_NOTFOUND ? argv[0] : name, argv[0], log, err,
	             errlen);
	return 0;
}

/* How the Verilated C++ is compiled (docs/hardware.md, "Build and
 * reuse"): -O2, whose smaller code runs about a tenth faster than -O3's
 * on a 16x16 array, whose code per cycle is beyond the instruction
 * cache. */
#define VLT_OPT_FAST "OPT_FAST=-O2"

/* The build in tmp, whose tessera_top.v is written: Verilator
 * translates the design, make compiles the model, g++ the shim, and
 * links them with the harness and Verilator's runtime from build/vlt.
 * Every path is an argument of its own: no shell reads it. */
static int compile(const char *tmp, const char *home, int trace,
                   const Hw *hw, char *err, size_t errlen)
{
	char rt[2600], shim[2600], harness[2600], vo[2600], vto[2600],
	     vcd[2600], ds[48], ws[48], dw[48];
	int wslots, dslots = hw_dram_slots(hw, &wslots);
	snprintf(rt, sizeof rt, "-I%s/runtime", home);
	snprintf(shim, sizeof shim, "%s/backend-verilog/shim.cpp", home);
	snprintf(harness, sizeof harness, "%s/build/vlt/harness.o", home);
	snprintf(vo, sizeof vo, "%s/build/vlt/verilated.o", home);
	snprintf(vto, sizeof vto, "%s/build/vlt/verilated_threads.o", home);
	snprintf(vcd, sizeof vcd, "%s/build/vlt/verilated_vcd_c.o", home);
	snprintf(ds, sizeof ds, "-DTESSERA_DSLOTS=%d", dslots);
	snprintf(ws, sizeof ws, "-DTESSERA_WSLOTS=%d", wslots);
	snprintf(dw, sizeof dw, "-DTESSERA_DW=%d", hw->dw);
	char *const verilate[] = {"verilator", "--cc", "tessera_top.v",
		"--top-module", "tessera_top", "-O3", "--x-assign", "fast",
		"--x-initial", "fast", "--unroll-count", "4096", "--Mdir", "obj",
		"-Wno-fatal", "-Wno-lint", "-Wno-style", trace ? "--trace" : NULL,
		NULL};
	/* verilated.mk refuses a CURDIR with a space, as make cannot handle
	 * one in a file name; every name here is relative, so its CURDIR
	 * may be too */
	char *const make[] = {"make", "-s", "-j2", "-C", "obj", "-f",
		"Vtessera_top.mk", "Vtessera_top__ALL.a", VLT_OPT_FAST,
		"OPT_GLOBAL=-O3", "CURDIR=obj", NULL};
	char *const cshim[] = {"g++", "-O2", "-std=c++17", "-Iobj",
		"-I" VLT_INC, "-I" VLT_INC "/vltstd", rt, ds, ws, dw, "-c", shim,
		"-o", "obj/shim.o", trace ? "-DTESSERA_TRACE" : NULL, NULL};
	char *link[12] = {"g++", "-o", "sim", "obj/shim.o", harness,
		"obj/Vtessera_top__ALL.a", vo, vto};
	int n = 8;
	if (trace)
		link[n++] = vcd;
	link[n] = "-lpthread";   /* and NULL after it */
	double t0 = clock_seconds();
	return step(verilate, tmp, t0, err, errlen) &&
	       step(make, tmp, t0, err, errlen) &&
	       step(cshim, tmp, t0, err, errlen) &&
	       step(link, tmp, t0, err, errlen);
}

/* The directory of a build: the cache, and in it a hash of the
 * Verilog, tracing, the compiler's options, and the harness and shim it
 * is linked with (a rebuilt harness makes old builds stale). */
static void key_dir(const char *home, const char *verilog, size_t len,
                    int trace, char cache[2560], char *dir, size_t n)
{
	const char *env = getenv("TESSERA_SIM_CACHE");
	if (env)
		snprintf(cache, 2560, "%s", env);
	else
		snprintf(cache, 2560, "%s/build/sim", home);
	uint64_t h = fnv1a(verilog, len) ^ (uint64_t)trace;
	h = h * 1099511628211ull ^ fnv1a(VLT_OPT_FAST, strlen(VLT_OPT_FAST));
	static const char *const parts[] = {"build/vlt/harness.o",
	                                    "backend-verilog/shim.cpp"};
	for (int i = 0; i < 2; i++) {
		char path[2600];
		size_t k;
		snprintf(path, sizeof path, "%s/%s", home, parts[i]);
		char *b = file_read(path, &k);
		if (b)
			h = h * 1099511628211ull ^ fnv1a(b, k);
		free(b);
	}
	snprintf(dir, n, "%s/%016llx", cache, (unsigned long long)h);
}

/* The stamp of dir's simulator: its size and FNV-1a hash; 0 when it
 * cannot be read. */
static int stamp_of(const char *dir, char *line, size_t n)
{
	char exe[3200];
	size_t len;
	snprintf(exe, sizeof exe, "%s/sim", dir);
	char *b = file_read(exe, &len);
	if (!b)
		return 0;
	snprintf(line, n, "sim %zu bytes, fnv1a %016llx\n", len,
	         (unsigned long long)fnv1a(b, len));
	free(b);
	return 1;
}

/* 1 when dir holds a whole build: its stamp, written last, matches its
 * simulator (a build cut short, or damaged since, does not). */
static int verified(const char *dir)
{
	char path[3200], want[80];
	snprintf(path, sizeof path, "%s/stamp", dir);
	char *have = file_read(path, NULL);
	int ok = have && stamp_of(dir, want, sizeof want) && !strcmp(have, want);
	free(have);
	return ok;
}

/* Takes the lock of dir's build key (DIR.lock), waiting while another
 * tessera builds it; the descriptor to close, or -1 where locks fail
 * (then two runs may both build it, each in a directory of its own). */
static int lock_key(const char *dir)
{
	char path[3200];
	snprintf(path, sizeof path, "%s.lock", dir);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
	if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) == 0)
		return fd;
	if (isatty(2))
		fprintf(stderr, "sim: waiting for another tessera building this "
		        "design\n");
	while (flock(fd, LOCK_EX) != 0) {
		if (errno != EINTR) {
			close(fd);
			return -1;
		}
		proc_check();   /* interrupted while waiting */
	}
	return fd;
}

/* The build in tmp (dir.PID), renamed to dir with the stamp written
 * last; 0 with a message when it fails. */
static int build_into(const char *tmp, const char *home, const char *dir,
                      const char *verilog, size_t len, int trace,
                      const Hw *hw, char *err, size_t errlen)
{
	char path[3300], stamp[80];
	snprintf(path, sizeof path, "%s/tessera_top.v", tmp);
	if (!file_write(path, verilog, len)) {
		snprintf(err, errlen, "cannot write %s", path);
		return 0;
	}
	if (!compile(tmp, home, trace, hw, err, errlen)) {
		struct stat st;
		snprintf(path, sizeof path, "%s/build.log", tmp);
		if (stat(path, &st) || st.st_size == 0)
			remove_tree(tmp);   /* no tool ran: nothing to read */
		return 0;
	}
	snprintf(path, sizeof path, "%s/stamp", tmp);
	if (!stamp_of(tmp, stamp, sizeof stamp) ||
	    !file_write(path, stamp, strlen(stamp))) {
		snprintf(err, errlen, "cannot write %s", path);
		return 0;
	}
	if (rename(tmp, dir) == 0)
		return 1;
	if (!verified(dir)) {
		snprintf(err, errlen, "cannot move %s to %s: %s", tmp, dir,
		         strerror(errno));
		return 0;
	}
	remove_tree(tmp);    /* another run built it first */
	return 1;
}

/* Builds into dir.PID, which an interrupted run removes. */
static int build_new(const char *home, const char *dir, const char *verilog,
                     size_t len, int trace, const Hw *hw, char *err,
                     size_t errlen)
{
	char tmp[3200];
	snprintf(tmp, sizeof tmp, "%s.%d", dir, (int)getpid());
	if (make_dirs(tmp)) {
		snprintf(err, errlen, "cannot create %s: %s", tmp, strerror(errno));
		return 0;
	}
	proc_own(tmp);
	int ok = build_into(tmp, home, dir, verilog, len, trace, hw, err,
	                    errlen);
	proc_disown(tmp);
	return ok;
}

/* Builds the simulator of `verilog` unless a verified build is there
 * already; its path goes to exe.  One run at a time builds a key: a
 * second waits for the first and reuses its build. */
static int build(const char *verilog, size_t len, int trace, const Hw *hw,
                 char *exe, size_t exelen, char *err, size_t errlen,
                 int *built)
{
	char home[2048], cache[2560], dir[3072], vlt[2600];
	home_dir(home, sizeof home);
	key_dir(home, verilog, len, trace, cache, dir, sizeof dir);
	snprintf(exe, exelen, "%s/sim", dir);
	*built = 0;
	if (verified(dir))
		return 1;
	snprintf(vlt, sizeof vlt, "%s/build/vlt", home);
	if (!exists(vlt)) {
		snprintf(err, errlen, "%s is missing: run make in %s", vlt, home);
		return 0;
	}
	if (make_dirs(cache)) {
		snprintf(err, errlen, "cannot create the build cache %s: %s", cache,
		         strerror(errno));
		return 0;
	}
	int lock = lock_key(dir);
	int ok = 1;
	if (!verified(dir)) {   /* not built meanwhile by the run we waited for */
		if (exists(dir)) {
			fprintf(stderr, "sim: the build in %s does not verify; "
			        "rebuilding it\n", dir);
			remove_tree(dir);
		}
		ok = *built = build_new(home, dir, verilog, len, trace, hw, err,
		                        errlen);
	}
	if (lock >= 0)
		close(lock);
	return ok;
}

static void parse_line(const char *line, SimResult *r)
{
	long a, b, c, d, e;
	if (sscanf(line, "tessera-count access %ld %ld %ld %ld %ld", &a, &b, &c,
	           &d, &e) == 5 && a >= 0 && a < MAX_LEVELS && b >= 0 &&
	    b < NTENSORS) {
		r->m.reads[a][b] = c;
		r->m.fills[a][b] = d;
		r->m.updates[a][b] = e;
		r->counted++;
	} else if (sscanf(line, "tessera-count hops %ld %ld", &a, &b) == 2 &&
	           a >= 0 && a < NTENSORS) {
		r->m.hops[a] = b;
	} else if (sscanf(line, "tessera-count macs %ld", &a) == 1) {
		r->m.macs = a;
	} else if (sscanf(line, "tessera-count phase %ld %ld %ld", &a, &b,
	                  &c) == 3) {
		r->c.step = a;
		r->c.flush = b;
		r->c.end = c;
	} else if (sscanf(line, "tessera-count job %ld %ld %ld %ld", &a, &b,
	                  &c, &d) == 4 && r->c.njobs < 2 * MAX_BUFFERS) {
		r->c.job[r->c.njobs].buf = (int)a;
		r->c.job[r->c.njobs].drain = (int)b;
		r->c.job[r->c.njobs].runs = d;
		r->c.job[r->c.njobs++].cycles = c;
	} else if (sscanf(line, "tessera-count cycles %ld", &a) == 1) {
		r->m.cycles = a;
	} else {
		sscanf(line, "tessera-sim cycles %ld seconds %lf", &a, &r->seconds);
	}
}

/* The DRAM image: every tensor at its base, one word in 8 bytes, the
 * output zero; NULL when memory does not hold it. */
static uint64_t *dram_image(const Hw *hw, const Buf *bufs)
{
	uint64_t *img = calloc((size_t)hw->dram_words, 8);
	if (!img)
		return NULL;
	long base = 0;
	for (int t = 0; t < NTENSORS; t++) {
		long cnt = bufs[t].count;
		uint64_t mask = hw->bits[t] >= 64 ? ~0ULL
		                                  : (1ULL << hw->bits[t]) - 1;
		for (long i = 0; i < cnt; i++)
			img[base + i] = t == T_OUT ? 0 : (uint64_t)buf_get(&bufs[t], i) & mask;
		base += cnt;
	}
	return img;
}

/* Runs the simulator exe in work on the image img (the DRAM's words
 * after the run come back in it) and reads what the design printed;
 * SIM_OK, or a SIM_ code with a message. */
static int run(const char *exe, const Hw *hw, uint64_t *img,
               const SimOpts *o, const char *work, SimResult *r, char *err,
               size_t errlen)
{
	char in[4200], out[4200], log[4200];
	size_t n = (size_t)hw->dram_words;
	snprintf(in, sizeof in, "%s/dram.bin", work);
	snprintf(out, sizeof out, "%s/out.bin", work);
	snprintf(log, sizeof log, "%s/sim.log", work);
	if (!file_write(in, img, n * 8)) {
		snprintf(err, errlen, "cannot write %s", in);
		return SIM_TOOL;
	}
	const Arch *A = hw->ln->arch;
	char lat[32], expect[32], most[32];
	snprintf(lat, sizeof lat, "%ld", A->level[A->nlevels - 1].latency);
	snprintf(expect, sizeof expect, "%ld", o->expected_cycles);
	snprintf(most, sizeof most, "%ld", o->max_cycles);
	char *const argv[] = {(char *)exe, in, out, lat, expect, most,
	                      (char *)o->vcd, NULL};
	ProcOpts po = {.out = log};
	int st = proc_run(argv, &po);
	FILE *f = fopen(log, "r");
	char line[512];
	while (f && fgets(line, sizeof line, f))
		parse_line(line, r);
	if (f)
		fclose(f);
	int back = 0;
	FILE *of = st == 0 ? fopen(out, "rb") : NULL;
	if (of) {
		back = fread(img, 8, n, of) == n;
		fclose(of);
	}
	if (st == HARNESS_NOMEM) {
		snprintf(err, errlen, "the simulation is out of memory for the "
		         "DRAM image (%zu words, %zu MB)", n, n * 8 >> 20);
		return SIM_USER;
	}
	if (st != 0 || !back || r->counted == 0) {
		char why[128];
		snprintf(err, errlen, "the simulation failed (%s)%s; see %s",
		         proc_status(st, why, sizeof why),
		         r->counted ? "" : ", the design printed no counters", log);
		return SIM_TOOL;
	}
	long sum = r->c.step + r->c.flush + r->c.end;
	for (int i = 0; i < r->c.njobs; i++)
		sum += r->c.job[i].cycles;
	if (sum != r->m.cycles) {
		snprintf(err, errlen, "the design's cycles by state add up to %ld, "
		         "not to its %ld cycles; see %s", sum, r->m.cycles, log);
		return SIM_TOOL;
	}
	return SIM_OK;
}

/* build() of hw's Verilog, timed. */
static int build_timed(const Hw *hw, int trace, char *exe, size_t exelen,
                       double *seconds, int *built, char *err,
                       size_t errlen)
{
	size_t len;
	char *text = hw_verilog(hw, &len);
	double t0 = clock_seconds();
	int ok = build(text, len, trace, hw, exe, exelen, err, errlen, built);
	free(text);
	*seconds = clock_seconds() - t0;
	return ok;
}

int sim_build(const Hw *hw, char *exe, size_t exelen, double *seconds,
              int *built, char *err, size_t errlen)
{
	proc_guard_begin();
	int ok = build_timed(hw, 0, exe, exelen, seconds, built, err, errlen);
	proc_guard_end();
	return ok;
}

/* Builds (or reuses) and runs; the temporary directory is removed
 * unless the run failed (then its log, named in the message, stays).
 * The image is made first: a layer too large for memory stops before a
 * build. */
static int build_and_run(const Hw *hw, Buf *bufs, const SimOpts *o,
                         SimResult *r, char *err, size_t errlen)
{
	uint64_t *img = dram_image(hw, bufs);
	if (!img) {
		snprintf(err, errlen, "out of memory for the DRAM image (%ld "
		         "words, %ld MB)", hw->dram_words, hw->dram_words >> 17);
		return SIM_USER;
	}
	char exe[3400], work[4096];
	int rc = SIM_OK;
	if (o->exe)
		snprintf(exe, sizeof exe, "%s", o->exe);
	else if (!build_timed(hw, o->vcd != NULL, exe, sizeof exe,
	                      &r->build_seconds, &r->built, err, errlen))
		rc = SIM_TOOL;
	if (!rc && !proc_mkdtemp(work, sizeof work, "tessera-sim")) {
		snprintf(err, errlen, "cannot create a temporary directory %s: %s",
		         work, strerror(errno));
		rc = SIM_TOOL;
	} else if (!rc) {
		proc_own(work);
		rc = run(exe, hw, img, o, work, r, err, errlen);
		if (rc != SIM_TOOL)
			remove_tree(work);
		proc_disown(work);
	}
	if (!rc)
		for (long i = 0; i < bufs[T_OUT].count; i++)
			buf_set(&bufs[T_OUT], i, (long)img[i]); /* O is first */
	free(img);
	return rc;
}

int sim_run(const Hw *hw, Buf *bufs, const SimOpts *o, SimResult *r,
            char *err, size_t errlen)
{
	memset(r, 0, sizeof *r);
	proc_guard_begin();
	int rc = build_and_run(hw, bufs, o, r, err, errlen);
	proc_guard_end();
	return rc;
}

int sim_cycles_within(const SimResult *r, const HwTime *t)
{
	double ratio = (double)r->m.cycles / (double)(t->cycles ? t->cycles : 1);
	return ratio >= SIM_CYCLES_LO && ratio <= SIM_CYCLES_HI;
}

/* The model's prediction for a row of the table: its job's, matched by
 * buffer and kind (the design lists its jobs in the same order). */
static double model_job(const HwTime *t, int buf, int drain, double *runs)
{
	for (int i = 0; i < t->njobs; i++)
		if (t->job_buf[i] == buf && t->job_drain[i] == drain) {
			*runs = t->runs[i];
			return t->job[i];
		}
	*runs = 0;
	return 0;
}

void sim_cycles_report(FILE *f, const Hw *hw, const SimResult *r,
                       const HwTime *t, int json)
{
	const LoopNest *ln = hw->ln;
	const SimCycles *c = &r->c;
	long total = r->m.cycles > 0 ? r->m.cycles : 1;
	if (json)
		fprintf(f, ",\n  \"model_cycles\": %ld,\n  \"cycle_check\": { "
		        "\"ratio\": %.4f, \"lo\": %.2f, \"hi\": %.2f, \"within\": %s },"
		        "\n  \"cycles_by_state\": { \"steps\": %ld, "
		        "\"flush\": %ld, \"end\": %ld,\n    \"model\": { \"steps\": %.0f, "
		        "\"flush\": %.0f, \"end\": %.0f },\n    \"jobs\": [", t->cycles,
		        (double)r->m.cycles / (double)(t->cycles ? t->cycles : 1),
		        SIM_CYCLES_LO, SIM_CYCLES_HI,
		        sim_cycles_within(r, t) ? "true" : "false", c->step,
		        c->flush, c->end, t->step, t->flush, t->end);
	else
		fprintf(f, "\ncycles by state:         %12s %7s %12s %10s %10s\n"
		        "  %-24s %12ld %6.1f%% %12.0f\n  %-24s %12ld %6.1f%% %12.0f\n",
		        "hardware", "", "model", "runs", "model", "steps (MACs)",
		        c->step, 100.0 * c->step / total, t->step,
		        "after steps (flush)", c->flush, 100.0 * c->flush / total,
		        t->flush);
	for (int i = 0; i < c->njobs; i++) {
		const HwBuf *B = &hw->buf[c->job[i].buf];
		const char *tn = ln->layer->t[B->t].name;
		const char *lv = ln->arch->level[B->b->level].name;
		const char *kind = c->job[i].drain ? "drain" : "fill";
		double mruns, mc = model_job(t, c->job[i].buf, c->job[i].drain,
		                             &mruns);
		if (json)
			fprintf(f, "%s\n      { \"tensor\": \"%s\", \"level\": \"%s\", "
			        "\"job\": \"%s\", \"cycles\": %ld, \"runs\": %ld, "
			        "\"model_cycles\": %.0f, \"model_runs\": %.0f }",
			        i ? "," : "", tn, lv, kind, c->job[i].cycles,
			        c->job[i].runs, mc, mruns);
		else {
			char name[64];
			snprintf(name, sizeof name, "%s %s@%s", kind, tn, lv);
			fprintf(f, "  %-24s %12ld %6.1f%% %12.0f %10ld %10.0f\n", name,
			        c->job[i].cycles, 100.0 * c->job[i].cycles / total, mc,
			        c->job[i].runs, mruns);
		}
	}
	if (json)
		fputs(" ] }", f);
	else
		fprintf(f, "  %-24s %12ld %6.1f%% %12.0f\n", "last DRAM writes",
		        c->end, 100.0 * c->end / total, t->end);
}

