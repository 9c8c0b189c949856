/* proc.c - the external tools run with posix_spawn and an argument
 * vector: no shell ever sees a path, so a path may hold any byte but
 * NUL.
 */
#include "proc.h"
#include "../ir/tessera.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static int last_signal;                   /* what ended the last child */

/* Sleeps ms milliseconds, or less when a signal comes. */
static void pause_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* argv[0] searched on PATH as execvp does (PATH unset: /bin:/usr/bin),
 * into path; 0 when no directory holds it as an executable file. */
static int find_program(const char *name, char *path, size_t n)
{
	if (strchr(name, '/')) {
		snprintf(path, n, "%s", name);
		return 1;
	}
	const char *dirs = getenv("PATH");
	if (!dirs)
		dirs = "/bin:/usr/bin";
	for (const char *p = dirs;; p++) {
		size_t k = strcspn(p, ":");
		struct stat st;
		if (k)
			snprintf(path, n, "%.*s/%s", (int)k, p, name);
		else    /* an empty entry: the working directory */
			snprintf(path, n, "./%s", name);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
		    access(path, X_OK) == 0)
			return 1;
		p += k;
		if (!*p)
			return 0;
	}
}

/* On a terminal, "SHOW, N s" rewritten in place. */
static void show_progress(const ProcOpts *o)
{
	fprintf(stderr, "\r%s, %.0f s   ", o->show, clock_seconds() - o->t0);
}

/* Waits for the child: polls, more slowly as it runs on (a short child
 * costs little), so that the progress line ticks. */
static int wait_child(pid_t pid, const ProcOpts *o)
{
	int show = o->show && isatty(2);
	double next = 0;
	long ms = 1;
	for (;;) {
		int st;
		pid_t r = waitpid(pid, &st, WNOHANG);
		if (r == pid) {
			if (show && next)
				fprintf(stderr, "\r%70s\r", "");
			return st;
		}
		if (r < 0 && errno != EINTR)
			INTERNAL("waitpid: %s", strerror(errno));
		double t = clock_seconds();
		if (show && t >= next) {
			show_progress(o);
			next = t + 1;
		}
		pause_ms(ms);
		if (ms < 100)
			ms *= 2;
	}
}

/* The file actions: the directory, /dev/null in, the log out. */
static int set_files(posix_spawn_file_actions_t *fa, const ProcOpts *o)
{
	int rc = 0;
	if (o->dir)
		rc = posix_spawn_file_actions_addchdir_np(fa, o->dir);
	if (!rc)
		rc = posix_spawn_file_actions_addopen(fa, 0, "/dev/null",
		                                      O_RDONLY, 0);
	if (!rc && o->out)
		rc = posix_spawn_file_actions_addopen(fa, 1, o->out,
		         O_WRONLY | O_CREAT | (o->append ? O_APPEND : O_TRUNC),
		         0666);
	if (!rc && o->out && o->err_to_out)
		rc = posix_spawn_file_actions_adddup2(fa, 1, 2);
	return rc;
}

/* The attributes: a group of its own. */
static int set_attrs(posix_spawnattr_t *at)
{
	int rc = posix_spawnattr_setflags(at, POSIX_SPAWN_SETPGROUP);
	if (!rc)
		rc = posix_spawnattr_setpgroup(at, 0);
	return rc;
}

int proc_run(char *const argv[], const ProcOpts *o)
{
	char path[4096];
	if (!find_program(argv[0], path, sizeof path))
		return PROC_NOTFOUND;
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&at);
	pid_t pid;
	int rc = set_files(&fa, o);
	if (!rc)
		rc = set_attrs(&at);
	if (!rc)
		rc = posix_spawn(&pid, path, &fa, &at, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	if (rc) {
		errno = rc;
		return PROC_NOSTART;
	}
	int st = wait_child(pid, o);
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	last_signal = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
	return PROC_KILLED;
}

const char *proc_status(int st, char *buf, size_t n)
{
	if (st >= 0)
		snprintf(buf, n, "exit status %d", st);
	else if (st == PROC_KILLED)
		snprintf(buf, n, "killed by signal %d (%s)", last_signal,
		         strsignal(last_signal));
	else if (st == PROC_NOTFOUND)
		snprintf(buf, n, "not found on PATH");
	else
		snprintf(buf, n, "cannot be started: %s", strerror(errno));
	return buf;
}

void proc_explain(int st, const char *name, const char *pkg,
                  const char *log, char *err, size_t errlen)
{
	char why[128];
	proc_status(st, why, sizeof why);
	if (st == PROC_NOTFOUND)
		snprintf(err, errlen, "%s not found (install Debian's %s package)",
		         name, pkg);
	else if (st == PROC_NOSTART)
		snprintf(err, errlen, "%s %s", name, why);
	else
		snprintf(err, errlen, "%s failed (%s); see %s", name, why, log);
}

int proc_mkdtemp(char *dir, size_t n, const char *prefix)
{
	const char *tmp = getenv("TMPDIR");
	if (!tmp || !*tmp)
		tmp = "/tmp";
	if (snprintf(dir, n, "%s/%s-XXXXXX", tmp, prefix) >= (int)n) {
		errno = ENAMETOOLONG;
		return 0;
	}
	return mkdtemp(dir) != NULL;
}

/* A file copied byte for byte, or a link remade, for proc_move_files
 * across file systems. */
static int copy_entry(const char *a, const char *b)
{
	struct stat st;
	if (lstat(a, &st))
		return 0;
	unlink(b);
	if (S_ISLNK(st.st_mode)) {
		char to[4096];
		ssize_t n = readlink(a, to, sizeof to - 1);
		if (n < 0)
			return 0;
		to[n] = 0;
		return symlink(to, b) == 0;
	}
	int in = open(a, O_RDONLY), out = open(b, O_WRONLY | O_CREAT |
	                                      O_TRUNC, st.st_mode & 0777);
	char buf[65536];
	ssize_t n = 0;
	while (in >= 0 && out >= 0 && (n = read(in, buf, sizeof buf)) > 0)
		if (write(out, buf, (size_t)n) != n) {
			n = -1;
			break;
		}
	int ok = in >= 0 && out >= 0 && n == 0;
	int e = errno;
	if (in >= 0)
		close(in);
	if (out >= 0 && close(out))
		ok = 0;
	errno = e;
	return ok && unlink(a) == 0;
}

int proc_move_files(const char *from, const char *to)
{
	DIR *d = opendir(from);
	if (!d)
		return 0;
	int ok = 1;
	for (struct dirent *e; ok && (e = readdir(d));) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char a[4400], b[4400];
		snprintf(a, sizeof a, "%s/%s", from, e->d_name);
		snprintf(b, sizeof b, "%s/%s", to, e->d_name);
		ok = rename(a, b) == 0 || (errno == EXDEV && copy_entry(a, b));
	}
	int e = errno;
	closedir(d);
	errno = e;
	return ok;
}
