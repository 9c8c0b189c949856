/* lex.c - splits a .tsr file into tokens, each with its line and column.
 *
 * Comments run from '#' or '//' to the end of the line.  Newlines are
 * not tokens: the grammar never needs them.  A number directly followed
 * by letters (512B) lexes as a number and a name.
 */
#include "frontend.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>

void lex_init(Lexer *lx, const Source *src)
{
	lx->src = src;
	lx->p = src->text;
	lx->line = 1;
	lx->col = 1;
}

static void advance(Lexer *lx)
{
	if (*lx->p == '\n') {
		lx->line++;
		lx->col = 1;
	} else {
		lx->col++;
	}
	lx->p++;
}

static int at_end(const Lexer *lx)
{
	return lx->p >= lx->src->text + lx->src->len;
}

static void skip_space(Lexer *lx)
{
	while (!at_end(lx)) {
		char c = *lx->p;
		if (c == '#' || (c == '/' && lx->p[1] == '/')) {
			while (!at_end(lx) && *lx->p != '\n')
				advance(lx);
		} else if (isspace((unsigned char)c)) {
			advance(lx);
		} else {
			break;
		}
	}
}

static void lex_number(Lexer *lx, Token *t)
{
	const char *s = lx->p;
	while (!at_end(lx) && isdigit((unsigned char)*lx->p))
		advance(lx);
	int frac = 0;
	if (!at_end(lx) && *lx->p == '.' && isdigit((unsigned char)lx->p[1])) {
		frac = 1;
		advance(lx);
		while (!at_end(lx) && isdigit((unsigned char)*lx->p))
			advance(lx);
	}
	if (!at_end(lx) && (*lx->p == 'e' || *lx->p == 'E') &&
	    (isdigit((unsigned char)lx->p[1]) ||
	     ((lx->p[1] == '-' || lx->p[1] == '+') &&
	      isdigit((unsigned char)lx->p[2])))) {
		frac = 1;
		advance(lx);
		advance(lx);
		while (!at_end(lx) && isdigit((unsigned char)*lx->p))
			advance(lx);
	}
	t->len = (int)(lx->p - s);
	char tmp[64];
	int n = t->len < 63 ? t->len : 63;
	for (int i = 0; i < n; i++)
		tmp[i] = s[i];
	tmp[n] = 0;
	t->fval = strtod(tmp, NULL);
	if (frac) {
		t->kind = TK_NUM;
		return;
	}
	t->kind = TK_INT;
	errno = 0;
	t->ival = strtol(tmp, NULL, 10);
	t->overflow = errno == ERANGE || t->len > 18;
}

Token lex_next(Lexer *lx)
{
	skip_space(lx);
	Token t = {0};
	t.loc = (Loc){lx->src, lx->line, lx->col};
	t.text = lx->p;
	if (at_end(lx)) {
		t.kind = TK_EOF;
		return t;
	}
	unsigned char c = (unsigned char)*lx->p;
	if (isdigit(c)) {
		lex_number(lx, &t);
		return t;
	}
	if (isalpha(c) || c == '_') {
		while (!at_end(lx) &&
		       (isalnum((unsigned char)*lx->p) || *lx->p == '_'))
			advance(lx);
		t.kind = TK_IDENT;
		t.len = (int)(lx->p - t.text);
		return t;
	}
	static const struct { char c; TokKind k; } single[] = {
		{'{', TK_LBRACE}, {'}', TK_RBRACE}, {'(', TK_LPAREN},
		{')', TK_RPAREN}, {'[', TK_LBRACK}, {']', TK_RBRACK},
		{',', TK_COMMA}, {'.', TK_DOT}, {'=', TK_ASSIGN},
		{'*', TK_STAR}, {':', TK_COLON}, {'-', TK_MINUS},
	};
	t.len = 1;
	if (c == '+' && lx->p[1] == '=') {
		t.kind = TK_PLUSEQ;
		t.len = 2;
		advance(lx);
		advance(lx);
		return t;
	}
	t.kind = TK_BAD;
	if (c == '+')
		t.kind = TK_PLUS;
	for (size_t i = 0; i < sizeof single / sizeof single[0]; i++)
		if (single[i].c == (char)c)
			t.kind = single[i].k;
	advance(lx);
	return t;
}

const char *tok_kind_name(TokKind k)
{
	static const char *const names[] = {
		"end of file", "name", "integer", "number", "'{'", "'}'", "'('",
		"')'", "'['", "']'", "','", "'.'", "'='", "'+='", "'*'", "'+'",
		"':'", "'-'", "unexpected character",
	};
	return names[k];
}
