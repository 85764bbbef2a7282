/* Internals of the bulk ingest shared by the files of src/ingest/: the row sources (CSV/XLSX
 * through src/tabular, JSON Lines), the in-memory lookups of venues and people, the check-in rows
 * handed from the parsing thread to the writer, and the ingest context. Not a public API. */
#ifndef PD_INGEST_INTERNAL_H
#define PD_INGEST_INTERNAL_H

#include <pthread.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/text.h"
#include "ingest/ingest.h"

/* ---- columns of a kind ---- */

#define INGEST_MAX_FIELDS 24

typedef struct ingest_alias {
    const char *key; /* folded, letters and digits only ("Giờ vào" -> "giovao") */
    int field;
} ingest_alias;

typedef struct ingest_fields {
    int count;
    const char *const *names; /* canonical names, also the JSON keys: "external_id", ... */
    const ingest_alias *aliases;
    int alias_count;
    uint32_t required; /* bit per field */
} ingest_fields;

/* "Giờ vào (*)" -> "giovao": brackets and '*' dropped, folded, letters and digits kept. */
void ingest_header_key(const char *cell, char *out, size_t cap);
/* The field a header or JSON key names, or -1. */
int ingest_field_of(const ingest_fields *f, const char *name);

/* ---- row sources ---- */

typedef struct ingest_source ingest_source;

/* Opens path as CSV/XLSX (header row mapped to fields; unknown, repeated or missing required
 * columns refuse the file) or JSON Lines (one object a line, keys named like the fields). format:
 * "csv", "xlsx", "jsonl" or NULL to detect ('{' first: JSON Lines). */
int ingest_source_open(const char *path, const char *format, const ingest_fields *f,
                       ingest_source **out, pd_err *err);
/* Next data row: 1 with vals[field] (never NULL; "" when absent) valid until the next call, 0 at
 * the end, -1 when the file cannot be read further (err filled, err->field "line N" when known). A
 * row that is itself malformed (JSON Lines) comes back as 1 with *problem set (and *problem_field):
 * the caller rejects that line and goes on. */
int ingest_source_next(ingest_source *s, const char **vals, int64_t *line,
                       const char **problem_field, const char **problem, pd_err *err);
double ingest_source_progress(const ingest_source *s);
const char *ingest_source_format(const ingest_source *s);
void ingest_source_close(ingest_source *s);

/* ---- a string -> int64 hash map (keys copied into an arena) ---- */

typedef struct ik_slot {
    uint64_t hash;
    uint32_t off, len; /* key in the arena; off 0 marks a free slot */
    int64_t value;
} ik_slot;

typedef struct ik_map {
    ik_slot *slots;
    size_t cap, count;
    pd_buf keys;
} ik_map;

void ik_init(ik_map *m);
void ik_free(ik_map *m);
/* Makes room for n keys at once (no rehashing while they are added). */
void ik_reserve(ik_map *m, size_t n);
/* Sets key -> value if absent (true); else leaves it and stores the present value in *old. */
bool ik_put(ik_map *m, const char *key, size_t len, int64_t value, int64_t *old);
void ik_set(ik_map *m, const char *key, size_t len, int64_t value);
bool ik_get(const ik_map *m, const char *key, size_t len, int64_t *value);

/* ---- venues and people ---- */

typedef struct ingest_venue {
    int64_t id;
    int64_t closed_at; /* 0: open */
    int default_stay_minutes;
    bool in_scope;
    char unit_code[16], area_code[16], district_code[16], province_code[16];
} ingest_venue;

typedef struct ingest_venues {
    ingest_venue *items;
    size_t count;
    ik_map by_key; /* "#<id>" and the public code -> index */
} ingest_venues;

/* Loads every venue (a few thousand at most) with whether the actor's scope covers it. */
int ingest_venues_load(sqlite3 *db, const pd_actor *actor, ingest_venues *v, pd_err *err);
/* A venue by id (digits) or public code; NULL if none. */
const ingest_venue *ingest_venue_find(const ingest_venues *v, const char *text);
void ingest_venues_free(ingest_venues *v);

/* How a person is named in a row: CCCD, CMND, passport or phone, normalised. */
typedef enum person_key_kind { PK_NONE, PK_ID, PK_PHONE } person_key_kind;
/* Normalises text into key (id number upper-cased without separators, or phone as 0xxxxxxxxx). */
person_key_kind ingest_person_key(const char *text, char *key, size_t cap);

typedef struct ingest_people {
    bool preloaded; /* every id number and phone in memory; else one indexed query a row */
    ik_map keys;    /* "i<id>" / "p<phone>" -> person id (the earliest registered when shared) */
    sqlite3_stmt *by_id, *by_phone;
} ingest_people;

/* Preloads people when rows_hint is large compared with the registry (bulk loads). */
int ingest_people_open(sqlite3 *db, int64_t rows_hint, ingest_people *p, pd_err *err);
/* Person id (the earliest registered when several share the number), 0 if none. */
int64_t ingest_people_find(ingest_people *p, person_key_kind kind, const char *key);
void ingest_people_close(ingest_people *p);

/* ---- check-ins ---- */

extern const ingest_fields ingest_checkin_fields;

/* person_id < 0: the -person_id-th person first named in this load by a number nobody in the
 * registry has; the writer creates them (a minimal record, as a phone check-in does). */
typedef struct ck_row {
    int64_t venue_id, person_id, in_at, out_at; /* out_at 0: none */
    int64_t line;
    uint32_t ext_off; /* external id in the batch's arena */
    uint16_t ext_len;
    uint8_t flags;
} ck_row;

/* A person to create before the batch's rows are written. */
typedef struct ck_new_person {
    int64_t number;            /* its place in the load: person_id = -number */
    const ingest_venue *venue; /* where they were first seen: their commune */
    uint32_t key_off;          /* the id number or phone, in the arena */
    uint8_t key_len, phone;
} ck_new_person;

#define CK_BATCH_ROWS 8192
#define CK_EXT_MAX 64 /* bytes of an external id */
#define CK_KEY_MAX 24 /* bytes of an id number or a phone */

typedef struct ck_batch {
    int n, nnew;
    size_t ext_used;
    ck_row rows[CK_BATCH_ROWS];
    ck_new_person newp[CK_BATCH_ROWS];
    char ext[CK_BATCH_ROWS * (CK_EXT_MAX + CK_KEY_MAX + 2)];
} ck_batch;

/* ---- the run ---- */

typedef struct ingest_ctx {
    sqlite3 *db;
    const pd_actor *actor;
    const pd_ingest_options *opt;
    pd_ingest_report *rep;
    ingest_source *src;
    int64_t now;
    int64_t rows_hint;
    bool writing; /* no row rejected so far */
    ingest_venues venues;
    ingest_people people;
    /* Numbers nobody in the registry has, met so far: "i<id>" / "p<phone>" -> -person_id. */
    ik_map unknown;
    int64_t nunknown;
    int64_t last_report_rows;
    double last_report_frac;
} ingest_ctx;

/* Seconds on a monotonic clock, for the report's timings. */
double ingest_clock(void);

void ingest_row_error(ingest_ctx *c, int64_t line, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Progress callback wrapper; non-zero to cancel. force: report now. */
int ingest_progress(ingest_ctx *c, const char *phase, bool force);

/* Validates one check-in row into r (external id appended to the batch's arena); rejected fields
 * are reported with ingest_row_error. True if the row is valid. */
bool ck_parse_row(ingest_ctx *c, const char **vals, int64_t line, ck_batch *b, ck_row *r);
/* Reads, validates and writes every check-in row (the parsing on a second thread when large). */
int ck_run(ingest_ctx *c, pd_err *err);

/* Reads, validates and writes every declaration row. */
int decl_run(ingest_ctx *c, pd_err *err);
extern const ingest_fields ingest_declaration_fields;

#endif
