/* proc.h - running the external tools (Verilator, make, the compiler,
 * the simulation, yosys, OpenSTA) without a shell, and undoing what an
 * interrupted run made (runtime/proc.c). */
#ifndef TESSERA_PROC_H
#define TESSERA_PROC_H

#include <stddef.h>

/* proc_run's results besides an exit status (0..255). */
enum {
	PROC_KILLED = -1,    /* the child ended by a signal */
	PROC_NOTFOUND = -2,  /* argv[0] is not on PATH */
	PROC_NOSTART = -3    /* it could not be started; errno says why */
};

typedef struct ProcOpts {
	const char *dir;     /* the child's working directory (NULL: ours) */
	const char *out;     /* its standard output goes to this file, opened
	                        after the chdir (NULL: ours) */
	int append;          /* 1: append to `out`; 0: truncate it */
	int err_to_out;      /* 1: its standard error too; 0: ours */
	const char *tmpdir;  /* its TMPDIR (NULL: ours) */
	const char *show;    /* on a terminal, "SHOW, N s" while it runs */
	double t0;           /* clock_seconds() the N counts from */
} ProcOpts;

/* Runs argv (argv[0] found on PATH unless it holds a '/') in a process
 * group of its own, with /dev/null as its input, and waits for it: its
 * exit status, or one of the codes above.  If tessera is interrupted
 * meanwhile (proc_guard), it does not return. */
int proc_run(char *const argv[], const ProcOpts *o);

/* "exit status 2", "killed by signal 9 (Killed)", ... */
const char *proc_status(int st, char *buf, size_t n);
/* The message for a tool `name` from Debian's package `pkg` that
 * ended with st (not 0): not installed, not started, or failed, with
 * the log to read. */
void proc_explain(int st, const char *name, const char *pkg,
                  const char *log, char *err, size_t errlen);

/* While a guard is up (calls nest), SIGINT, SIGTERM and SIGHUP are
 * forwarded to the running child's process group; once it is gone, the
 * directories owned are removed and tessera exits with 128 + the signal
 * after "tessera: interrupted".  proc_run is called within a guard. */
void proc_guard_begin(void);
void proc_guard_end(void);
void proc_own(const char *dir);      /* remove it when interrupted */
void proc_disown(const char *dir);
/* Exits as above if a signal came since the guard went up. */
void proc_check(void);

/* Moves every entry of directory `from` into `to`, replacing what is
 * there (copied when they are on different file systems); 0 and errno
 * when one cannot be moved. */
int proc_move_files(const char *from, const char *to);

/* A new directory $TMPDIR/PREFIX-XXXXXX (TMPDIR unset: /tmp) into dir;
 * 0 and errno when it cannot be made. */
int proc_mkdtemp(char *dir, size_t n, const char *prefix);

/* The cores this process may run on (its affinity), at most 256. */
int proc_cores(void);

/* A pool of processes: proc_pool runs fn(j, ctx, slot) for j = 0..n-1,
 * each in a process of its own forked from tessera, up to `width` at a
 * time.  slot is job j's `size` bytes of `results` (plain data: what
 * the job writes there comes back, nothing it points to does); done,
 * when not NULL, is called in tessera as each job ends, with its slot.
 * status[j] is the process's exit status, or PROC_KILLED (proc_status
 * names the signal of the last one), or PROC_NOSTART when it could not
 * be forked.  An interrupt is passed to the running jobs, and once
 * they are gone tessera ends as for proc_run.  0 (and errno) when the
 * shared memory cannot be had. */
typedef void (*ProcJob)(int j, void *ctx, void *slot);
typedef void (*ProcDone)(int j, void *slot, void *ctx);
int proc_pool(int n, int width, size_t size, void *results, int *status,
              ProcJob fn, void *ctx, ProcDone done);

#endif
