/* Demo data: a plausible, reproducible population for Thành phố Bắc Kạn (district 058, province 06)
 * built from the 2019 census counts, with sub-commune areas, households and one account per role;
 * then the city's venues, 14 days of health declarations (with the alerts they raise), check-ins,
 * foreign guests' stays and one outbreak area, dated up to the day of the build (pd_now()).
 * Same seed and scale give byte-identical people, households and areas; with PHONGDICH_NOW fixed
 * too, everything but password hashes. See docs/demo-data.md. */
#ifndef PD_DEMO_H
#define PD_DEMO_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define PD_DEMO_DISTRICT "058"
#define PD_DEMO_DEFAULT_SEED 2021u
#define PD_DEMO_MAX_SCALE 100.0 /* about 4.5 million people */

/* Progress while people are written: done/total people. */
typedef void (*pd_demo_progress_cb)(int64_t done, int64_t total, void *ctx);

typedef struct pd_demo_options {
    uint64_t seed;
    double scale; /* people = census population x scale; 0 means 1.0 */
    pd_demo_progress_cb progress;
    void *progress_ctx;
} pd_demo_options;

#define PD_DEMO_MAX_COMMUNES 32
typedef struct pd_demo_commune {
    char code[16];
    char name[128];
    int64_t census; /* 2019 census population */
    int64_t people, households;
    int areas;
} pd_demo_commune;

#define PD_DEMO_ACCOUNTS 8
typedef struct pd_demo_account {
    char username[32];
    char password[32];
    char role[16];      /* pd_role_name(): "admin", "province", ... */
    char unit_code[16]; /* "" for the whole country */
    char unit_name[128];
    char display_name[128];
} pd_demo_account;

/* What the activity part of the demo holds (the 14 days up to the build's local day). */
typedef struct pd_demo_activity {
    char first_day[12], last_day[12]; /* YYYY-MM-DD */
    int venues;
    int64_t declarations, declarations_with_symptoms;
    int64_t alerts_open, alerts_done;
    int64_t checkins;
    int64_t stays, stays_present;
    int outbreak_areas;
    char outbreak_unit[16];
    char outbreak_name[160]; /* "Thôn 2, Xã Dương Quang" */
    char outbreak_from[12];
    int64_t main_market_id; /* the venue of the demo account "cho" */
    int cases;              /* the outbreak: confirmed cases, traced */
    int64_t contacts_f1, contacts_f2;
} pd_demo_activity;

typedef struct pd_demo_summary {
    uint64_t seed;
    double scale;
    char district_code[16];
    char district_name[128];
    int commune_count;
    pd_demo_commune communes[PD_DEMO_MAX_COMMUNES];
    int64_t people, households;
    int areas;
    int account_count;
    pd_demo_account accounts[PD_DEMO_ACCOUNTS];
    pd_demo_activity activity;
} pd_demo_summary;

/* Builds the demo data into an open, migrated database: loads the units if needed, adds the areas,
 * writes people, households, venues, the accounts and the activity (declarations, alerts, check-ins,
 * stays, outbreak area) in one transaction. Refuses (PD_ECONFLICT)
 * a database that already holds people or one of the demo usernames; PD_EINVAL for a bad scale. */
int pd_demo_build(sqlite3 *db, const pd_demo_options *opt, pd_demo_summary *out, pd_err *err);

/* The password a demo account is given (printed by demo and by serve --announce-demo). */
void pd_demo_password(const char *username, char *out, size_t cap);

/* `phongdich demo --db DB [--seed N] [--scale X] [--json]`; argv excludes the subcommand. Returns
 * the process exit status. */
int pd_cmd_demo(int argc, char **argv);

#endif
