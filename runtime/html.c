/* html.c - the frame of the HTML report of --html DIR: the directory and
 * its file DIR/index.html, the page's head and style, escaping, and a
 * chart with its title.  The page is self-contained: its style is
 * inline, its charts inline SVG (runtime/svg.c), and it has no script
 * and no reference to any other file, so that it can be mailed or
 * archived as one file and shows the same anywhere.
 */
#include "html.h"
#include "../ir/tessera.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

FILE *html_open(const char *dir, char *path, size_t n)
{
	if (make_dirs(dir)) {
		fprintf(stderr, "tessera: cannot create %s for the HTML report: "
		        "%s\n", dir, strerror(errno));
		return NULL;
	}
	snprintf(path, n, "%s/index.html", dir);
	FILE *f = fopen(path, "w");
	if (!f)
		fprintf(stderr, "tessera: cannot write the HTML report %s: %s\n",
		        path, strerror(errno));
	return f;
}

int html_close(FILE *f, const char *path)
{
	int bad = ferror(f);
	if (fclose(f) || bad) {
		fprintf(stderr, "tessera: cannot write the HTML report %s: %s\n",
		        path, errno ? strerror(errno) : "write error");
		return 0;
	}
	fprintf(stderr, "wrote %s\n", path);
	return 1;
}

void html_discard(FILE *f, const char *path)
{
	fclose(f);
	unlink(path);
}

void html_cmdline(char *s, size_t n, const char *cmd, int argc, char **argv)
{
	size_t k = (size_t)snprintf(s, n, "%s", cmd);
	for (int i = 1; i < argc && k < n; i++) {
		const char *a = argv[i];
		int plain = *a != 0;
		for (const char *p = a; *p; p++)
			if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			            "0123456789-_./=,:+@%", *p))
				plain = 0;
		if (plain) {
			k += (size_t)snprintf(s + k, n - k, " %s", a);
			continue;
		}
		k += (size_t)snprintf(s + k, n - k, " '");
		for (const char *p = a; *p && k < n; p++)   /* ' as '\'' */
			k += (size_t)snprintf(s + k, n - k, *p == '\'' ? "'\\''"
			                                               : "%c", *p);
		if (k < n)
			k += (size_t)snprintf(s + k, n - k, "'");
	}
}

/* Plain, printable, and legible at any width: tables scroll inside
 * their box rather than squeeze their numbers. */
static const char style[] =
	"body{font-family:sans-serif;margin:24px;color:#222;max-width:1400px}"
	"h1{font-size:1.5em}h2{font-size:1.25em;margin-top:2em;"
	"border-bottom:1px solid #ccc}h3{font-size:1.05em;margin:1.5em 0 .3em}"
	"code,.cmd{font-family:monospace}"
	".cmd{background:#f4f4f4;padding:6px 8px;white-space:pre-wrap;"
	"word-break:break-all}"
	".scroll{overflow-x:auto}"
	"table{border-collapse:collapse;font-size:13px;margin:.5em 0}"
	"th,td{border:1px solid #ccc;padding:3px 7px;text-align:right;"
	"white-space:nowrap}"
	"th{background:#eef}td.l,th.l{text-align:left}"
	"td.why{text-align:left;white-space:normal;min-width:20em}"
	"tr.unmapped td{background:#fbe3e3;color:#a33}"
	"tr.total td{font-weight:bold;background:#f4f4f4}"
	".no{color:#a33;font-weight:bold}.yes{color:#272}"
	"figure{margin:.5em 0 1.5em}figcaption{font-size:13px;color:#555;"
	"max-width:60em}p.note{font-size:13px;color:#555;max-width:60em}";

void html_begin(FILE *f, const char *title, const char *cmd)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	      "<meta charset=\"utf-8\">\n<title>", f);
	html_esc(f, title);
	fprintf(f, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>", style);
	html_esc(f, title);
	fputs("</h1>\n", f);
	if (cmd) {
		fputs("<p>Made by:</p>\n<div class=\"cmd\">", f);
		html_esc(f, cmd);
		fputs("</div>\n", f);
	}
}

void html_end(FILE *f)
{
	fputs("</body>\n</html>\n", f);
}

void html_esc(FILE *f, const char *s)
{
	svg_esc(f, s ? s : "");
}

void html_chart(FILE *f, const char *title, const char *caption,
                const SvgHBars *c)
{
	fputs("<h3>", f);
	html_esc(f, title);
	fputs("</h3>\n<figure class=\"scroll\">\n", f);
	svg_hbars(f, c);
	if (caption) {
		fputs("<figcaption>", f);
		html_esc(f, caption);
		fputs("</figcaption>\n", f);
	}
	fputs("</figure>\n", f);
}
