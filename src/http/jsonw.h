/* A JSON text writer for the hot answers (people lists, one person): values are appended straight
 * to a buffer instead of being built as jansson objects and dumped, which cost more than the query
 * itself. The output reads the same as json_dumps(JSON_COMPACT) of the equivalent object: keys in
 * the order written, strings as UTF-8 with '"', '\\' and control characters escaped. */
#ifndef PD_JSONW_H
#define PD_JSONW_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PD_JW_MAX_DEPTH 16

typedef struct pd_jw {
    char *data; /* NUL-terminated once anything is written */
    size_t len, cap;
    int depth;
    bool has_items[PD_JW_MAX_DEPTH]; /* per open object/array: a comma goes before the next item */
    bool after_key;                  /* a key was written; its value comes next, without a comma */
} pd_jw;

void pd_jw_init(pd_jw *w);
void pd_jw_free(pd_jw *w);
/* Hands over the text (NUL-terminated, caller frees) and its length; the writer is left empty. */
char *pd_jw_steal(pd_jw *w, size_t *len);

void pd_jw_object(pd_jw *w);
void pd_jw_object_end(pd_jw *w);
void pd_jw_array(pd_jw *w);
void pd_jw_array_end(pd_jw *w);
/* An object member's key (ASCII needing no escaping: keys are literals); the next value written is
 * its value. */
void pd_jw_key(pd_jw *w, const char *key);

/* Values (an array item, or the value of the last key). Text that is not valid UTF-8 is written
 * with U+FFFD in place of the bad bytes, so the output is always valid JSON. */
void pd_jw_str(pd_jw *w, const char *s);
void pd_jw_int(pd_jw *w, int64_t n);
void pd_jw_null(pd_jw *w);
void pd_jw_bool(pd_jw *w, bool b);
/* A Unix time as ISO 8601 local time (as pd_json_time: "2021-11-15T08:30:00+07:00"), null for 0. */
void pd_jw_time(pd_jw *w, int64_t unix_seconds);
/* A jansson value, dumped compactly (for the parts of an answer that are not hot). */
void pd_jw_json(pd_jw *w, const json_t *v);
/* A value already written as JSON text (e.g. by another writer). */
void pd_jw_raw(pd_jw *w, const char *text, size_t len);

/* Shorthands: key and value. */
void pd_jw_kstr(pd_jw *w, const char *key, const char *s);
void pd_jw_kint(pd_jw *w, const char *key, int64_t n);
/* The integer, or null when it is 0 (optional ids). */
void pd_jw_kid(pd_jw *w, const char *key, int64_t id);

#endif
