/* Testing (xét nghiệm): samples and their results, results imported from a lab's file, the F0
 * proposals a positive result raises, pooled testing with its re-tests and the pool-size advisor,
 * and screening campaigns. Scope: a sample carries its person's unit codes; a pool those of its
 * first member; a campaign those of its target (docs/lab.md). A record outside the caller's scope
 * answers PD_ENOTFOUND like a missing one. Reading needs PD_PERM_LAB_READ, changing
 * PD_PERM_LAB_WRITE; confirming a proposed case also PD_PERM_CASES_WRITE. Every change is one
 * transaction with its audit entry. */
#ifndef PD_LAB_H
#define PD_LAB_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "auth/auth.h"
#include "base/err.h"
#include "cases/cases.h"
#include "people/people.h"

/* ---- Samples ------------------------------------------------------------------------------ */

typedef struct pd_sample {
    int64_t id;
    int64_t person_id;
    char kind[8];        /* pcr | antigen */
    char reason[16];     /* symptoms | f1_schedule | screening | entry | release | retest | other */
    char sampled_on[12]; /* YYYY-MM-DD (DD/MM/YYYY on input); "" on take: today */
    int64_t sampled_at;  /* 0: unknown (on take: now when sampled_on is today) */
    int64_t quarantine_order_id; /* 0: none */
    int test_day;                /* with an order: the day of the order this test is for */
    int64_t campaign_id;         /* 0: none */
    int64_t pool_id;             /* 0: none */
    int64_t retest_id;           /* input only: the re-test task this sample carries out */
    bool pool_blocked;           /* its pool was positive: no negative may be assumed */
    char site[128], team[128];
    char label[40];  /* the tube label; "" on take: S + the id on 7 digits */
    char result[10]; /* pending | negative | positive | invalid */
    int64_t result_at;
    int64_t case_id;   /* the case confirmed from it */
    char proposal[12]; /* "" | confirmed | dismissed */
    char unit_code[16], district_code[16], province_code[16];
    int64_t created_at;
    int64_t created_by;
    /* Read back: */
    char full_name[128];
    char birth_date[12];
    char phone[16];
} pd_sample;

/* Takes a sample of a person in scope (else PD_ENOTFOUND, field person_id). Checks kind, reason,
 * the date (a real day, not in the future, at most 60 days ago), an order that belongs to the
 * person with a test day inside its quarantine and monitoring, a campaign in scope, a re-test task
 * of the same person not yet taken, a label not used. Copies the person's unit codes. */
int pd_sample_take(sqlite3 *db, const pd_actor *actor, pd_sample *s, pd_field_errors *errs,
                   pd_err *err);

int pd_sample_get(sqlite3 *db, const pd_actor *actor, int64_t id, pd_sample *out, pd_err *err);

/* Enters one result (negative, positive or invalid) at result_at (0: now). A sample whose pool
 * was positive takes no result (PD_EINVAL field result): its person is tested again alone. A
 * final result may be replaced only by the same value (PD_ECONFLICT otherwise). */
int pd_sample_result(sqlite3 *db, const pd_actor *actor, int64_t id, const char *result,
                     int64_t result_at, pd_err *err);

typedef struct pd_samples_query {
    int64_t person_id, campaign_id, pool_id;
    char result[10];
    char reason[16];
    char from[12], to[12]; /* sampled_on between, inclusive */
    char unit_code[16];    /* narrow to a unit inside the scope */
    int64_t before_id;     /* keyset paging, newest first */
    int limit;             /* default 50, at most 10,000 */
} pd_samples_query;

typedef int (*pd_sample_cb)(const pd_sample *s, void *ctx);
int pd_samples_list(sqlite3 *db, const pd_actor *actor, const pd_samples_query *q, pd_sample_cb cb,
                    void *ctx, bool *more, pd_err *err);

/* ---- Importing a lab's result file -------------------------------------------------------- */

typedef struct pd_lab_row_error {
    int64_t line;
    char field[32];
    char message[256];
} pd_lab_row_error;

#define PD_LAB_IMPORT_MAX_ERRORS 1000
typedef struct pd_lab_import_report {
    int64_t rows;      /* data rows read */
    int64_t samples;   /* sample results written */
    int64_t pools;     /* pool results written */
    int64_t unchanged; /* rows repeating a result already stored */
    int error_count;   /* rows refused (listed up to PD_LAB_IMPORT_MAX_ERRORS) */
    pd_lab_row_error *errors;
} pd_lab_import_report;

/* Reads a CSV or XLSX of results (columns: label or sample id, result, date; Vietnamese headers
 * and values accepted, docs/lab.md) and writes them all in one transaction, or none when any row
 * is refused (each refused row named by line and field in the report; PD_EINVAL). */
int pd_lab_import(sqlite3 *db, const pd_actor *actor, const char *path, const char *format_hint,
                  pd_lab_import_report *report, pd_err *err);
void pd_lab_import_report_free(pd_lab_import_report *r);

/* ---- Case definitions and F0 proposals ---------------------------------------------------- */

/* What confirms an F0 from a positive test on a date (domain rules §2): a data row per period. */
typedef struct pd_lab_definition {
    const char *from;   /* first day in force, YYYY-MM-DD */
    const char *basis;  /* the legal basis */
    bool antigen_f1;    /* an F1 with a positive antigen test */
    bool antigen_link;  /* a positive antigen test with an epidemiological link */
    bool antigen_twice; /* two positive antigen tests within 8 hours, with a link */
    bool configurable;  /* a project default where the sources stop (shown as such) */
} pd_lab_definition;

const pd_lab_definition *pd_lab_definition_for(const char *date);
extern const pd_lab_definition pd_lab_definitions[];
extern const int pd_lab_definition_count;

typedef struct pd_lab_proposal {
    pd_sample sample;
    char basis[16]; /* the case basis the definition allows; "" when none does */
    char needs[16]; /* "" or "pcr": an RT-PCR test must confirm first */
    const pd_lab_definition *definition;
    bool is_f1, has_link, twice;
    char explain[320]; /* in Vietnamese: why this basis, or what is missing */
} pd_lab_proposal;

typedef int (*pd_lab_proposal_cb)(const pd_lab_proposal *p, void *ctx);
/* "Đề xuất xác định F0": positive results, neither confirmed nor dismissed, whose person has no
 * active case, newest first (at most limit, default 200). */
int pd_lab_proposals(sqlite3 *db, const pd_actor *actor, const char *unit_code, int limit,
                     pd_lab_proposal_cb cb, void *ctx, pd_err *err);
int pd_lab_proposal_get(sqlite3 *db, const pd_actor *actor, int64_t sample_id, pd_lab_proposal *out,
                        pd_err *err);

/* Confirms the proposal through pd_case_confirm (basis from the definition, sample date the
 * sample's, found in quarantine when the person has an active order unless found_in says) and
 * links the sample to the case. The caller traces the new case (trace.h). */
int pd_lab_proposal_confirm(sqlite3 *db, const pd_actor *actor, int64_t sample_id,
                            const char *found_in, const char *onset_date, const char *note,
                            pd_case *out, pd_field_errors *errs, pd_err *err);
/* Dismisses the proposal with a reason (required). */
int pd_lab_proposal_dismiss(sqlite3 *db, const pd_actor *actor, int64_t sample_id, const char *note,
                            pd_err *err);

/* ---- Pools -------------------------------------------------------------------------------- */

#define PD_LAB_POOL_DEFAULT_MAX 10 /* domain rules, project defaults */
#define PD_LAB_POOL_HARD_MAX 20

/* The configured largest pool (settings lab_pool_max; default 10). */
int pd_lab_pool_max(sqlite3 *db);
/* Sets it: 1..20, else PD_EINVAL field pool_max. Admin, province or district only. */
int pd_lab_set_pool_max(sqlite3 *db, const pd_actor *actor, int max, pd_err *err);

/* Dorfman's two-stage scheme with a perfect test: expected tests per person with pools of k at
 * prevalence p: 1 for k = 1, else 1/k + 1 - (1-p)^k. */
double pd_lab_dorfman(int k, double p);
/* The k in 1..max minimising it (the smallest on ties); *tests its value. */
int pd_lab_pool_advise(double p, int max, double *tests);

typedef struct pd_pool {
    int64_t id;
    char label[40];
    int size;
    char result[10];
    int64_t result_at;
    char unit_code[16], district_code[16], province_code[16];
    int64_t created_at;
    int64_t retests_open; /* read back */
} pd_pool;

/* Pools pending PCR samples in scope (each in no pool yet), at most the configured maximum. */
int pd_pool_create(sqlite3 *db, const pd_actor *actor, const int64_t *sample_ids, int n,
                   pd_pool *out, pd_err *err);
/* Takes one sample per person (kind pcr, the reason given, today) and pools them in order, size
 * at a time (0: the configured maximum); ids of the pools into pool_ids (cap). */
int pd_pool_create_for(sqlite3 *db, const pd_actor *actor, const int64_t *person_ids, int n,
                       int size, const char *reason, int64_t campaign_id, int64_t *pool_ids,
                       int cap, int *npools, pd_err *err);
/* A pool's result: negative makes every member negative; positive keeps every member pending,
 * blocked, with a re-test task each; invalid only marks the pool. */
int pd_pool_result(sqlite3 *db, const pd_actor *actor, int64_t id, const char *result,
                   int64_t result_at, pd_err *err);
int pd_pool_get(sqlite3 *db, const pd_actor *actor, int64_t id, pd_pool *out, pd_err *err);
typedef int (*pd_pool_cb)(const pd_pool *p, void *ctx);
int pd_pools_list(sqlite3 *db, const pd_actor *actor, int64_t before_id, int limit, pd_pool_cb cb,
                  void *ctx, bool *more, pd_err *err);

typedef struct pd_retest {
    int64_t id, pool_id, person_id, from_sample_id, sample_id;
    char due_on[12];
    char full_name[128];
    char phone[16];
    char unit_code[16];
    char pool_label[40];
} pd_retest;
typedef int (*pd_retest_cb)(const pd_retest *r, void *ctx);
/* Re-test tasks in scope, open ones only (not yet sampled) unless all. */
int pd_lab_retests(sqlite3 *db, const pd_actor *actor, bool all, pd_retest_cb cb, void *ctx,
                   pd_err *err);

/* ---- Screening campaigns ------------------------------------------------------------------ */

typedef struct pd_campaign {
    int64_t id;
    char name[160];
    char target[12];      /* venue | venue_kind | area */
    int64_t venue_id;     /* target venue */
    char venue_kind[16];  /* target venue_kind */
    char target_unit[16]; /* area: the unit whose residents; venue_kind: where the venues lie */
    char kind[8];
    char from_date[12], to_date[12];
    int lookback_days; /* venues: check-ins of the last N days (1..28, default 14) */
    char unit_code[16], district_code[16], province_code[16];
    int64_t created_at;
    /* Read back: */
    int64_t due, sampled, positive;
    char venue_name[160];
    char target_unit_name[128];
} pd_campaign;

/* Creates a campaign and fixes who is due: for a venue (or every venue of a kind in a unit in
 * scope) the people who checked in there in the lookback days before now; for an area, its
 * residents. */
int pd_campaign_create(sqlite3 *db, const pd_actor *actor, pd_campaign *c, pd_field_errors *errs,
                       pd_err *err);
int pd_campaign_get(sqlite3 *db, const pd_actor *actor, int64_t id, pd_campaign *out, pd_err *err);
typedef int (*pd_campaign_cb)(const pd_campaign *c, void *ctx);
int pd_campaigns_list(sqlite3 *db, const pd_actor *actor, pd_campaign_cb cb, void *ctx,
                      pd_err *err);

typedef struct pd_campaign_person {
    int64_t person_id;
    char full_name[128];
    char phone[16];
    char unit_code[16];
    int64_t sample_id; /* 0: not sampled yet in this campaign */
    char result[10];
} pd_campaign_person;
typedef int (*pd_campaign_person_cb)(const pd_campaign_person *p, void *ctx);
/* Who is due, the not yet sampled first, at most limit (default 500). */
int pd_campaign_due(sqlite3 *db, const pd_actor *actor, int64_t id, int limit,
                    pd_campaign_person_cb cb, void *ctx, pd_err *err);

#endif
