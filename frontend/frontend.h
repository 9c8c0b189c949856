/* frontend.h - tokens and the layer's syntax tree, shared by the lexer,
 * the parser and the layer checker (private to frontend/).
 */
#ifndef FRONTEND_H
#define FRONTEND_H

#include "../ir/tessera.h"

typedef enum {
	TK_EOF, TK_IDENT, TK_INT, TK_NUM, /* NUM: has a fraction or exponent */
	TK_LBRACE, TK_RBRACE, TK_LPAREN, TK_RPAREN, TK_LBRACK, TK_RBRACK,
	TK_COMMA, TK_DOT, TK_ASSIGN, TK_PLUSEQ, TK_STAR, TK_PLUS, TK_COLON,
	TK_MINUS, TK_BAD,
} TokKind;

typedef struct Token {
	TokKind kind;
	const char *text; /* into the source, `len` bytes */
	int len;
	long ival;        /* TK_INT */
	double fval;      /* TK_INT and TK_NUM */
	int overflow;     /* an integer too large for a long */
	Loc loc;
} Token;

typedef struct Lexer {
	const Source *src;
	const char *p;
	int line, col;
} Lexer;

void lex_init(Lexer *lx, const Source *src);
Token lex_next(Lexer *lx);
const char *tok_kind_name(TokKind k);

/* The parser's state, shared by parse.c (layer, schedule, network) and
 * archparse.c (the arch block).  The first syntax error sets `failed`
 * and stops the parse. */
typedef struct Parser {
	Lexer lx;
	Token tok, ahead;  /* the current token and the one after it */
	Arena *arena;
	Diag *diag;
	int failed;
} Parser;

/* Token helpers (parse.c), each a no-op once the parse has failed. */
void ps_next(Parser *ps);
int ps_is(const Parser *ps, TokKind k);
int ps_is_word(const Parser *ps, const char *w);
void ps_syntax_error(Parser *ps, const char *what);
int ps_expect(Parser *ps, TokKind k);
const char *ps_ident(Parser *ps, const char *what, Loc *loc);
long ps_integer(Parser *ps, const char *what, Loc *loc);
int ps_only_one(Parser *ps, int *seen, Loc *first, const char *what);
int ps_in_block(Parser *ps, const char *what, Loc open);

/* archparse.c: the arch block, at its 'arch' word, into p->arch. */
void ps_arch(Parser *ps, Program *p);
/* Its levels' holds clauses resolved against p->layer: 0 after an
 * error (an unknown tensor), reported through d. */
int arch_holds_resolve(Diag *d, Program *p);

/* One term of an index expression: coef * var (var NULL: a constant).
 * Named constants are resolved by the checker. */
typedef struct Term {
	long coef;
	const char *var;   /* loop or constant name, or NULL */
	const char *cvar;  /* a second name multiplying (e.g. y*stride) */
	Loc loc;
	struct Term *next;
} Term;

typedef struct RefAst {
	const char *name;
	Loc loc;
	int rank;
	Term *idx[MAX_RANK];
	Loc idx_loc[MAX_RANK];
} RefAst;

typedef struct ItemAst {
	const char *name;
	Loc loc;
	int is_type;        /* NAME: type[shape] rather than NAME = value */
	long value;
	ElemType type;
	int rank;           /* declared shape, 0 if none */
	long shape[MAX_RANK];
	Loc type_loc;
	struct ItemAst *next;
} ItemAst;

typedef struct LayerAst {
	const char *name;
	Loc loc;
	ItemAst *items;
	RefAst ref[NTENSORS];
	int has_stmt;
	Loc stmt_loc;
} LayerAst;

int layer_resolve(Diag *d, const LayerAst *ast, Layer *l);

#endif
