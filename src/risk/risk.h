/* The weekly risk level (cấp độ dịch) of communes (docs/risk.md): rule sets as data rows
 * (risk_rules + risk_matrix, Decisions 4800 and 218), the pure level function (level.c), the
 * set-wise computation of one ISO week for every commune in scope (week.c), capacity checklists,
 * publishing, boundaries and the weekly XLSX report. Reading needs PD_PERM_RISK_READ, changing
 * PD_PERM_RISK_WRITE; a commune outside the caller's scope answers PD_ENOTFOUND. */
#ifndef PD_RISK_H
#define PD_RISK_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "auth/auth.h"
#include "base/err.h"

/* One rule set row with its matrix. */
typedef struct pd_risk_rule {
    int64_t id;
    char code[16];
    char name[160];
    char legal_basis[1024];
    char effective_from[12], effective_to[12]; /* "" open */
    char province_code[8];                     /* "" national */
    char method[8];                            /* 4800 | 218 */
    double band2_min, band3_min, band4_min;    /* per 100,000 per week */
    char coverage_measure[16];                 /* dose1_18plus | full_all */
    double coverage_min;                       /* fraction */
    int elderly_age;
    double elderly_min;
    int quiet_days;
    bool c3_no_lower;
    bool is_default;
    char note[512];
    int matrix[4][2][2]; /* [band-1][c2_met][c3_met] -> level */
} pd_risk_rule;

/* The figures of one commune and week. */
typedef struct pd_risk_input {
    int64_t cases;     /* community cases in the week */
    int64_t cases_14d; /* in the quiet period (default 14 days) ending with the week; -1: unknown */
    int64_t population;
    double dose1_18plus; /* fraction of people aged 18+ with at least one dose */
    double full_elderly; /* fraction of the rule's elderly group fully vaccinated */
    double full_all;     /* fraction of everyone fully vaccinated (Decision 218) */
    bool capacity_met;
    bool capacity_known; /* false: no checklist; counted as not met */
    int previous;        /* last week's level, 0 if unknown */
} pd_risk_input;

typedef struct pd_risk_result {
    int level;
    int band; /* criterion 1 band */
    double rate;
    bool coverage_met;
    char reason[512];
} pd_risk_result;

/* The pure rule: level and reason (Vietnamese) from the figures and a rule set. */
void pd_risk_level(const pd_risk_rule *rule, const pd_risk_input *in, pd_risk_result *out);

/* The built-in rule in force on a date (YYYY-MM-DD), as seeded by the migration: for callers
 * without a database (the what-if CLI). PD_EINVAL (field date) before 12 Oct 2021. */
int pd_risk_rule_builtin(const char *date, pd_risk_rule *out, pd_err *err);

/* The rule in force on a date for a province (its own adjustment first, else national). */
int pd_risk_rule_for(sqlite3 *db, const char *date, const char *province_code, pd_risk_rule *out,
                     pd_err *err);
int pd_risk_rule_get(sqlite3 *db, int64_t id, pd_risk_rule *out, pd_err *err);

/* The rule rows the actor sees (national + its province's), each with its matrix. */
typedef int (*pd_risk_rule_cb)(const pd_risk_rule *r, void *ctx);
int pd_risk_rules_list(sqlite3 *db, const pd_actor *actor, pd_risk_rule_cb cb, void *ctx,
                       pd_err *err);

/* Adjusts a rule row (thresholds, matrix, note) from the fields set in `in` (id = the row). Admin
 * edits any row; a province account edits its own adjustment, or adjusting a national row makes
 * its province's copy. Others PD_EDENIED. Audited. Fills out with the stored row. */
int pd_risk_rule_adjust(sqlite3 *db, const pd_actor *actor, const pd_risk_rule *in,
                        pd_risk_rule *out, pd_err *err);

/* ISO week "YYYY-Www": its Monday and Sunday as YYYY-MM-DD. PD_EINVAL (field week). */
int pd_risk_week_parse(const char *week, char monday[12], char sunday[12], pd_err *err);
/* The ISO week holding a date, and the week before. */
void pd_risk_week_of(const char *date, char out[12]);
void pd_risk_week_prev(const char *week, char out[12]);

/* One commune's row of a week. */
typedef struct pd_risk_row {
    char week[12];
    char unit_code[16], district_code[16], province_code[16];
    char unit_name[128], district_name[128];
    pd_risk_input in;
    pd_risk_result res;
    int64_t rule_id;
    char rule_code[16];
    bool published; /* from risk_published (else computed: "dự kiến") */
    int64_t published_at;
} pd_risk_row;

typedef struct pd_risk_week {
    char week[12], monday[12], sunday[12];
    int count;
    pd_risk_row *rows; /* by unit code */
} pd_risk_week;

/* Every commune with people in the actor's scope (narrowed to unit_code if given, a unit inside
 * the scope, else PD_ENOTFOUND), for one ISO week. live: computed from the tables even if the week
 * was published; else published rows replace the computed ones. */
int pd_risk_week_compute(sqlite3 *db, const pd_actor *actor, const char *week,
                         const char *unit_code, bool live, pd_risk_week *out, pd_err *err);
void pd_risk_week_free(pd_risk_week *w);

/* Capacity checklist of one commune and week (criterion 3). */
typedef struct pd_risk_capacity {
    char unit_code[16], week[12];
    bool oxygen, mobile_station, care_team, met;
    char note[256];
    int64_t filled_at;
} pd_risk_capacity;
int pd_risk_capacity_save(sqlite3 *db, const pd_actor *actor, pd_risk_capacity *c, pd_err *err);
typedef int (*pd_risk_capacity_cb)(const pd_risk_capacity *c, void *ctx);
int pd_risk_capacity_list(sqlite3 *db, const pd_actor *actor, const char *week,
                          const char *unit_code, pd_risk_capacity_cb cb, void *ctx, pd_err *err);

/* Confirms and publishes the week's computed result for the communes in scope (unit_code narrows):
 * one transaction with its audit entry; republishing replaces. *count: communes published. */
int pd_risk_publish(sqlite3 *db, const pd_actor *actor, const char *week, const char *unit_code,
                    int *count, pd_err *err);

/* The published result of a week for the public map, no account needed: the communes of a unit
 * (province, district or commune; PD_ENOTFOUND if there is no such unit) whose week was published.
 * An empty week picks the unit's latest published week (out: "" when none). Sorted by commune. */
int pd_risk_published_list(sqlite3 *db, const char *unit_code, const char *week, char out_week[12],
                           pd_risk_week *out, pd_err *err);

/* A commune's levels over the weeks ending with `week` (n weeks, oldest first). */
int pd_risk_history(sqlite3 *db, const pd_actor *actor, const char *unit_code, const char *week,
                    int n, pd_risk_row *rows, pd_err *err);

/* The weekly report as XLSX at path (sheet "Cấp độ dịch"). */
int pd_risk_report_xlsx(sqlite3 *db, const pd_actor *actor, const char *week, const char *unit_code,
                        const char *path, pd_err *err);

/* Imports commune boundaries: a GeoJSON FeatureCollection whose features carry properties.code
 * (a commune in scope). All or nothing; the error names the feature (features[i]) and field. */
int pd_risk_boundaries_import(sqlite3 *db, const pd_actor *actor, const char *geojson, int *count,
                              pd_err *err);

#endif
