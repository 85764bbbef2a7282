/* Internal to the dispatch reader (parse*.c): the cleaned lines of a dispatch, a word tokenizer
 * with diacritic-folded words, and the scanners each part of the reader shares (agencies,
 * references, dates). Not for use outside src/directives/parse*.c. */
#ifndef PD_DIRECTIVES_PARSE_INTERNAL_H
#define PD_DIRECTIVES_PARSE_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "base/text.h"

/* One line of the dispatch after markup removal, NFC and whitespace collapsing. */
typedef struct pl_line {
    char *text; /* malloc'd; "" for a blank line */
    int no;     /* 1-based line number in the input */
    bool used;  /* taken by a field */
} pl_line;

typedef struct pl_doc {
    pl_line *lines;
    size_t n, cap;
    json_t *out;      /* the structure being built */
    json_t *warnings; /* array of Vietnamese strings */
    size_t body_start, body_end, tail_end;
} pl_doc;

/* ---- parse_text.c ---- */

/* Splits text (already valid UTF-8) into cleaned lines. */
void pl_split_lines(pl_doc *d, const char *text, size_t len);
/* A copy of text with NUL bytes turned into spaces, invalid UTF-8 into U+FFFD and a BOM dropped. */
char *pl_sanitize(const char *text, size_t len, size_t *out_len);
void pl_doc_free(pl_doc *d);
/* The folded form of s (see pd_fold), malloc'd. */
char *pl_fold(const char *s);
/* If the folded s starts with the folded prefix at a word end, the number of bytes of s it covers
 * (so s + n is just past it), else 0. */
size_t pl_starts(const char *s, const char *prefix);
/* True if s has letters and none is lowercase. */
bool pl_all_upper(const char *s);
/* True if the first letter of s is lowercase. */
bool pl_starts_lower(const char *s);
/* A malloc'd copy of s[0..n) with surrounding spaces and the ASCII punctuation in trim removed. */
char *pl_strip(const char *s, size_t n, const char *trim);

/* A list entry without its bullet (-, +, •, –, —) and final ; , or . (malloc'd). */
char *pl_strip_item(const char *s);

/* ---- tokens (parse_text.c) ---- */

typedef struct pl_tok {
    size_t s, e; /* byte range in the text */
    char f[48];  /* folded ("uy", "ban", ",", "116/tb-vpcp") */
    bool word;   /* letters or digits (not punctuation) */
    bool cap;    /* first letter uppercase */
    bool upper;  /* two or more letters, all uppercase (an acronym) */
    bool digit;  /* starts with a digit */
} pl_tok;

typedef struct pl_toks {
    const char *text;
    pl_tok *t;
    size_t n;
} pl_toks;

void pl_tokenize(const char *text, pl_toks *out);
void pl_toks_free(pl_toks *t);
/* Number of tokens from i matching the folded phrase ("uy ban nhan dan", "phong , chong dich"),
 * 0 if they do not. */
size_t pl_match(const pl_toks *t, size_t i, const char *phrase);

/* A date at token i: "19/5/2021", "19-5-2021", "19.5.2021" or "19 tháng 5 năm 2021" (day and
 * month may be blank: "tháng 5 năm 2021"). Fills day/month/year (0 when blank) and returns the
 * tokens used, 0 if none. */
size_t pl_date_at(const pl_toks *t, size_t i, int *day, int *month, int *year);
/* "YYYY-MM-DD" into out (11 bytes), or false if a part is blank or out of range. */
bool pl_iso_date(int day, int month, int year, char *out);

/* ---- parse_agency.c ---- */

enum pl_role { PL_ROLE_ACTOR = 0, PL_ROLE_CITED, PL_ROLE_PLACE };

typedef struct pl_mention {
    size_t s, e;   /* byte range in the text */
    size_t ts, te; /* token range */
    bool group;    /* "các cơ quan, đơn vị" rather than a named body */
    enum pl_role role;
} pl_mention;

/* The agency mention starting at token i, or false. */
bool pl_agency_at(const pl_toks *t, size_t i, pl_mention *m);
/* Every agency mention in the text, in order; *n set. malloc'd. */
pl_mention *pl_agencies(const pl_toks *t, size_t *n);
/* The mention's text, NFC, trimmed. malloc'd. */
char *pl_mention_text(const pl_toks *t, const pl_mention *m);
/* Adds the agencies of text to an item: "agencies", "lead", "coordinating" arrays. */
void pl_item_agencies(const char *text, json_t *item);

/* ---- parse_refs.c ---- */

/* Appends to refs (array, merged by number) the documents text cites; context names where
 * ("subject", "preamble", "item", "closing"). own is the dispatch's own number (skipped) or NULL.
 */
void pl_references(const char *text, const char *context, const char *own, json_t *refs);
/* The type code of a document-type phrase at token i ("thong_bao", ...), with its token count in
 * *n; NULL if none. */
const char *pl_doc_type_at(const pl_toks *t, size_t i, size_t *n);
/* The type code implied by a symbol's first part ("TB-VPCP" -> "thong_bao"), "cong_van" if none. */
const char *pl_type_from_symbol(const char *symbol);
/* The Vietnamese name of a type code ("thong_bao" -> "Thông báo"). */
const char *pl_type_name(const char *code);
/* The type code of a title line ("THÔNG BÁO"), or NULL. */
const char *pl_type_title(const char *line);

/* ---- parse_header.c, parse_body.c, parse_tail.c ---- */

void pl_header(pl_doc *d);
void pl_body(pl_doc *d);
void pl_tail(pl_doc *d);
/* True if the line starts the signature block ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", ...). */
bool pl_is_sign_authority(const char *line);
/* Adds a warning (Vietnamese) to the document. */
void pl_warn(pl_doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
