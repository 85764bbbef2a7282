/* Hand-off lists of F1/F2 for the people who will call or visit them, and the chains of
 * transmission for the graph (src/trace/handoff.c). */
#ifndef PD_HANDOFF_H
#define PD_HANDOFF_H

#include <jansson.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "auth/auth.h"
#include "base/err.h"

typedef struct pd_handoff_query {
    char unit_code[16]; /* narrow to a unit (any level) inside the scope; "" all */
    int level;          /* 1, 2, or 0 both */
    int64_t case_id;    /* 0 all active cases */
    bool by_area;       /* group by thôn/tổ within communes, else by commune */
} pd_handoff_query;

typedef struct pd_handoff_row {
    int64_t case_id, person_id, via_person_id, exposure_at;
    int level;
    const char *evidence; /* raw JSON, valid during the callback */
    char unit_code[16], area_code[16];
    char case_name[128];
} pd_handoff_row;

typedef int (*pd_handoff_cb)(const pd_handoff_row *r, void *ctx);

/* The saved contacts of active cases living in the caller's scope (PD_PERM_CASES_READ), ordered
 * by commune (and area with by_area), one row per person (their nearest level). */
int pd_handoff_list(sqlite3 *db, const pd_actor *actor, const pd_handoff_query *q, pd_handoff_cb cb,
                    void *ctx, pd_err *err);
/* The same as an XLSX workbook at path (sheet "F1 F2"); audited. */
int pd_handoff_export(sqlite3 *db, const pd_actor *actor, const pd_handoff_query *q,
                      const char *path, int64_t *rows, pd_err *err);

typedef struct pd_chains_query {
    char unit_code[16];
    char from[12], to[12]; /* confirmed between these days; "" open */
    int limit;             /* cases, default 5,000, at most 20,000 */
} pd_chains_query;

/* Appends the cases in scope ([id, person_id, source_case_id|0, status, confirmed_unix, unit,
 * name], newest first) and their saved contacts ([case_id, person_id, level, via|0]). */
int pd_chains_read(sqlite3 *db, const pd_actor *actor, const pd_chains_query *q, json_t *cases,
                   json_t *contacts, bool *truncated, pd_err *err);

#endif
