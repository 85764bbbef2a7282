/* Demo data: a plausible, reproducible population for Thành phố Bắc Kạn (district 058, province 06)
 * built from the 2019 census counts, with sub-commune areas, households and one account per role.
 * Same seed and scale give byte-identical people, households and areas. See docs/demo-data.md. */
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

#define PD_DEMO_ACCOUNTS 6
typedef struct pd_demo_account {
    char username[32];
    char password[32];
    char role[16];      /* pd_role_name(): "admin", "province", ... */
    char unit_code[16]; /* "" for the whole country */
    char unit_name[128];
    char display_name[128];
} pd_demo_account;

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
} pd_demo_summary;

/* Builds the demo data into an open, migrated database: loads the units if needed, adds the areas,
 * writes people and households in one transaction and creates the accounts. Refuses (PD_ECONFLICT)
 * a database that already holds people or one of the demo usernames; PD_EINVAL for a bad scale. */
int pd_demo_build(sqlite3 *db, const pd_demo_options *opt, pd_demo_summary *out, pd_err *err);

/* The password a demo account is given (printed by demo and by serve --announce-demo). */
void pd_demo_password(const char *username, char *out, size_t cap);

/* `phongdich demo --db DB [--seed N] [--scale X] [--json]`; argv excludes the subcommand. Returns
 * the process exit status. */
int pd_cmd_demo(int argc, char **argv);

#endif
