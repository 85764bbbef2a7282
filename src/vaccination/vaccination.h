/* Vaccination (tiêm chủng): doses recorded against registry people with the dose rules of Decision
 * 3588/QĐ-BYT and the mixing rules (kept as data rows, schema.c), priority groups of Resolution
 * 21/NQ-CP, vaccination sessions, contraindication/deferral notes, the national platform's
 * spreadsheet import, the work lists (not yet vaccinated, due this week) and their invitations, and
 * coverage by unit, age band, priority group and product, as of a date and week by week.
 * Scope: a person's current unit codes; doses keep the person's codes at the time. Personal data
 * need PD_PERM_VACCINATION_READ (changes PD_PERM_VACCINATION_WRITE); coverage figures are
 * aggregates that PD_PERM_RISK_READ may read as well. Every change is one transaction with its
 * audit entry. Dates are YYYY-MM-DD (DD/MM/YYYY accepted on input). */
#ifndef PD_VACCINATION_H
#define PD_VACCINATION_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "auth/auth.h"
#include "base/err.h"

/* ---- products and rules ---- */

typedef struct pd_vaccine_product {
    char code[8];
    char name[64];
    char manufacturer[64];
    int doses_in_primary;
    int min_interval_days, recommended_interval_days, max_interval_days;
    char basis[160];
} pd_vaccine_product;

typedef int (*pd_product_cb)(const pd_vaccine_product *p, void *ctx);
int pd_vaccine_products(sqlite3 *db, pd_product_cb cb, void *ctx, pd_err *err);
/* Finds a product by code, or (when name is true) by a name as written in a spreadsheet
 * ("Comirnaty (Pfizer)", "Vero Cell") through the folded aliases. PD_ENOTFOUND otherwise. */
int pd_vaccine_product_find(sqlite3 *db, const char *text, bool by_name, pd_vaccine_product *out,
                            pd_err *err);

typedef struct pd_priority_group {
    char code[8];
    int number;
    char name[160];
    char basis[96];
} pd_priority_group;
typedef int (*pd_group_cb)(const pd_priority_group *g, void *ctx);
int pd_priority_groups(sqlite3 *db, pd_group_cb cb, void *ctx, pd_err *err);

/* ---- doses ---- */

typedef struct pd_dose_in {
    int64_t person_id;
    char product_code[8]; /* "" with a session: the session's product */
    int dose_number;      /* 0: the next one */
    char kind[12];        /* "" from the history (primary, then booster); "additional" on request */
    char given_on[12];    /* "" with a session: the session's date */
    int64_t session_id;   /* 0 none */
    char lot[32];
    char place[128];
} pd_dose_in;

typedef struct pd_dose {
    int64_t id, person_id, session_id;
    char product_code[8];
    char product_name[64];
    int dose_number;
    char kind[12];
    char given_on[12];
    int completes_primary;
    char lot[32], place[128], source[8];
    char unit_code[16], district_code[16], province_code[16];
    int64_t created_at;
} pd_dose;

/* Records a dose (one transaction with its audit entry). Checks, each failing with PD_EINVAL and
 * the field named (or PD_ENOTFOUND for the person or session): the person exists and lies in scope;
 * the product is known; the date is a real day, not in the future; dose_number (when given) is the
 * next of the person's history; the interval since the previous dose (the product's, the mixing
 * rule's, or the booster rule in force on that date) is respected, the message giving the earliest
 * date; the product may follow the previous ones (mixing rules). Sets kind and completes_primary.
 */
int pd_dose_record(sqlite3 *db, const pd_actor *actor, const pd_dose_in *in, pd_dose *out,
                   pd_err *err);
/* The same inside the caller's transaction, without the permission check nor audit (imports, the
 * demo); source is "staff", "import" or "demo"; actor still limits the scope. */
int pd_dose_record_tx(sqlite3 *db, const pd_actor *actor, const pd_dose_in *in, const char *source,
                      pd_dose *out, pd_err *err);

typedef int (*pd_dose_cb)(const pd_dose *d, void *ctx);
/* The person's doses by dose number (PD_ENOTFOUND when out of scope). Needs vaccination.read. */
int pd_person_doses(sqlite3 *db, const pd_actor *actor, int64_t person_id, pd_dose_cb cb, void *ctx,
                    pd_err *err);

/* What the person may get next, as of a day: the dose number, its kind, the earliest date and
 * the products allowed (codes separated by commas); done is true when nothing is due (a booster
 * already given). From the history alone, no permission check. */
typedef struct pd_next_dose {
    int dose_number;
    char kind[12];
    char earliest[12]; /* "" for a first dose: any day */
    char products[64];
    bool done;
    int doses; /* given so far */
    bool full; /* primary course complete */
} pd_next_dose;
int pd_dose_next(sqlite3 *db, int64_t person_id, pd_next_dose *out, pd_err *err);

/* ---- priority groups of a person, deferrals, sessions ---- */

#define PD_MAX_GROUPS 10
/* Replaces the person's groups with codes (n of them). Needs vaccination.write and scope. */
int pd_person_groups_set(sqlite3 *db, const pd_actor *actor, int64_t person_id,
                         const char *const *codes, int n, pd_err *err);
int pd_person_groups_get(sqlite3 *db, const pd_actor *actor, int64_t person_id,
                         char codes[PD_MAX_GROUPS][8], int *n, pd_err *err);

typedef struct pd_deferral {
    int64_t id, person_id;
    char kind[20]; /* contraindication | deferral */
    char reason[256];
    char until_date[12]; /* "" open */
    int64_t created_at;
} pd_deferral;
int pd_deferral_add(sqlite3 *db, const pd_actor *actor, pd_deferral *d, pd_err *err);
typedef int (*pd_deferral_cb)(const pd_deferral *d, void *ctx);
int pd_person_deferrals(sqlite3 *db, const pd_actor *actor, int64_t person_id, pd_deferral_cb cb,
                        void *ctx, pd_err *err);

typedef struct pd_vsession {
    int64_t id;
    char site[128];
    char session_date[12];
    char product_code[8];
    char lot[32];
    char team[128];
    char unit_code[16], district_code[16], province_code[16];
    int64_t doses; /* read back */
    int64_t created_at;
} pd_vsession;
/* A session at a commune in scope (unit_code), on a day from 2021-01-01 to today, with a known
 * product. */
int pd_vsession_create(sqlite3 *db, const pd_actor *actor, pd_vsession *s, pd_err *err);
int pd_vsession_get(sqlite3 *db, const pd_actor *actor, int64_t id, pd_vsession *out, pd_err *err);
typedef int (*pd_vsession_cb)(const pd_vsession *s, void *ctx);
/* Sessions in scope (unit: narrower), newest first, at most limit. */
int pd_vsessions_list(sqlite3 *db, const pd_actor *actor, const char *unit, int limit,
                      pd_vsession_cb cb, void *ctx, pd_err *err);

/* ---- work lists and invitations ---- */

typedef struct pd_vlist_query {
    char list[16];      /* "unvaccinated" or "due" */
    char unit_code[16]; /* narrower than the scope; "" the scope */
    char group[8];      /* a priority group; "" any (unvaccinated: people in any group when "*") */
    char date[12];      /* the day; "" today. due: the earliest date lies on or before the Sunday
                           of this day's ISO week */
    int min_age;        /* unvaccinated: at least this age on the day (default 18) */
    int64_t after_id;   /* keyset paging by person id */
    int limit;          /* default 100, at most 10,000 */
} pd_vlist_query;

typedef struct pd_vlist_item {
    int64_t person_id;
    char full_name[128];
    char birth_date[12];
    char phone[16];
    char address[256];
    char unit_code[16];
    char groups[48]; /* codes separated by commas */
    int doses;
    char last_product[8];
    char last_on[12];
    pd_next_dose next;
} pd_vlist_item;
typedef int (*pd_vlist_cb)(const pd_vlist_item *it, void *ctx);
/* People with an open contraindication or deferral are left out. Needs vaccination.read. */
int pd_vlist(sqlite3 *db, const pd_actor *actor, const pd_vlist_query *q, pd_vlist_cb cb, void *ctx,
             bool *more, pd_err *err);
/* The same list as invitations in an XLSX file (sheet "Giấy mời"), audited as an export. */
int pd_vlist_export(sqlite3 *db, const pd_actor *actor, const pd_vlist_query *q, const char *path,
                    int64_t *rows, pd_err *err);

/* ---- coverage ---- */

enum { PD_BAND_ALL, PD_BAND_18, PD_BAND_50, PD_BAND_65, PD_BAND_12_17, PD_BANDS };
extern const char *const pd_band_names[PD_BANDS]; /* "all", "18+", "50+", "65+", "12-17" */

typedef struct pd_cov_cell {
    int64_t people, one_dose, full, boosted;
} pd_cov_cell;

typedef struct pd_cov_row {
    char key[16]; /* unit code, group code or product code; the total row: the unit itself */
    char label[160];
    bool total;
    pd_cov_cell band[PD_BANDS];
} pd_cov_row;

typedef int (*pd_cov_cb)(const pd_cov_row *r, void *ctx);
/* Coverage of the people living in unit (in scope; "" the caller's scope) as of date ("" today),
 * by "unit" (one row per child unit, thôn/tổ for a commune, then the total), "group" (people in
 * each priority group) or "product" (people whose first dose was each product). Ages on the date;
 * one dose, full (primary complete) and boosted count doses given on or before the date. Needs
 * risk.read or vaccination.read. */
int pd_coverage(sqlite3 *db, const pd_actor *actor, const char *unit, const char *date,
                const char *by, pd_cov_cb cb, void *ctx, pd_err *err);

typedef struct pd_cov_week {
    char week[10]; /* ISO week, 2021-W46 */
    char monday[12], sunday[12];
    pd_cov_cell band[PD_BANDS]; /* cumulative by the Sunday; people: the band's size */
} pd_cov_week;
typedef int (*pd_cov_week_cb)(const pd_cov_week *w, void *ctx);
/* Week by week from the week of from to the week of to (ages on to), cumulative. */
int pd_coverage_weekly(sqlite3 *db, const pd_actor *actor, const char *unit, const char *from,
                       const char *to, pd_cov_week_cb cb, void *ctx, pd_err *err);

/* The ISO week (2021-W46) of a YYYY-MM-DD day, and its Monday and Sunday. */
bool pd_iso_week(const char *day, char week[10], char monday[12], char sunday[12]);

/* ---- import of the national platform's spreadsheet ---- */

typedef struct pd_vimport_error {
    int64_t line;
    char field[32];
    char message[256];
} pd_vimport_error;

#define PD_VIMPORT_MAX_ERRORS 200
typedef struct pd_vimport_report {
    int64_t rows, imported, skipped; /* skipped: the same dose already recorded */
    int error_count;                 /* all errors; at most PD_VIMPORT_MAX_ERRORS listed */
    pd_vimport_error errors[PD_VIMPORT_MAX_ERRORS];
} pd_vimport_report;

/* Imports doses from a CSV or XLSX file (columns Họ và tên, Ngày sinh, Giới tính, CCCD/CMND,
 * SĐT, Mũi tiêm, Tên vắc xin, Số lô, Ngày tiêm, Nơi tiêm; docs/vaccination.md). Each row's person
 * is found by CCCD/CMND, else by phone and name, in the caller's scope. All or nothing: with any
 * bad row nothing is written and PD_EINVAL is returned with every bad row in the report (line and
 * field). Needs vaccination.write. One transaction with one audit entry. */
int pd_vaccination_import(sqlite3 *db, const pd_actor *actor, const char *path, const char *format,
                          pd_vimport_report *rep, pd_err *err);

#endif
