/* Internals of the demo data builder shared by the files in src/demo/: the random generator, the
 * age pyramid, household composition, names, occupations and unique identity numbers. Not a public
 * API. */
#ifndef PD_DEMO_INTERNAL_H
#define PD_DEMO_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <sqlite3.h>
#include <stdint.h>

#include "base/err.h"

/* ---- rng.c: xoshiro256** seeded through splitmix64; never rand(). ---- */
typedef struct demo_rng {
    uint64_t s[4];
} demo_rng;

uint64_t demo_mix64(uint64_t x); /* splitmix64 finaliser: a good 64-bit hash */
void demo_rng_seed(demo_rng *r, uint64_t seed);
uint64_t demo_rng_next(demo_rng *r);
double demo_rng_unit(demo_rng *r);               /* [0, 1) */
int demo_rng_below(demo_rng *r, int n);          /* [0, n) */
int demo_rng_range(demo_rng *r, int lo, int hi); /* [lo, hi] */
bool demo_rng_chance(demo_rng *r, double p);
int demo_rng_weighted(demo_rng *r, const int *weights, int n); /* index, by integer weights */
/* A keyed bijection of [0, n) (n <= 10^8): the same k never gives the same value twice. */
uint32_t demo_permute(uint32_t k, uint32_t n, uint64_t key);

/* ---- population.c: ages, household sizes and composition, birth dates. ---- */
#define DEMO_MAX_AGE 100
#define DEMO_BANDS 17 /* 0-4, 5-9, ..., 75-79, 80+ */
#define DEMO_REF_YEAR 2021
#define DEMO_REF_MONTH 11
#define DEMO_REF_DAY 1

/* Percent of the population in each five-year band (see docs/demo-data.md). */
extern const double demo_pyramid[DEMO_BANDS];
int demo_age_band(int age);

/* Draws ages inside a window while steering the running totals towards the pyramid. */
typedef struct demo_ages {
    double weight[DEMO_MAX_AGE + 1]; /* target share of each single year of age */
    int64_t band_count[DEMO_BANDS];
    int64_t total;
} demo_ages;

void demo_ages_init(demo_ages *a);
int demo_ages_draw(demo_ages *a, demo_rng *r, int lo, int hi);

#define DEMO_MAX_MEMBERS 12
typedef struct demo_member {
    int age;     /* whole years on the reference day */
    char sex;    /* 'M' or 'F' */
    int surname; /* index into the surname table */
    const char *relation;
} demo_member;

typedef struct demo_household {
    int size;
    demo_member m[DEMO_MAX_MEMBERS]; /* m[0] is the head */
} demo_household;

int demo_household_size(demo_rng *r, bool urban);
void demo_household_make(demo_rng *r, demo_ages *ages, int size, demo_household *out);

/* Full birth date (YYYY-MM-DD) of someone aged `age` on the reference day; returns the year. */
int demo_birth_date(demo_rng *r, int age, char *out, size_t cap);

/* ---- names.c ---- */
int demo_surname_pick(demo_rng *r);
const char *demo_surname(int index);
/* "Hoàng Văn Minh": surname, a middle name by sex and generation, a given name by sex. */
void demo_full_name(demo_rng *r, int surname, char sex, int birth_year, char *out, size_t cap);
const char *demo_occupation(demo_rng *r, int age, char sex, bool urban);

/* ---- identity.c: unique CCCD/CMND numbers and mobile phones. ---- */
#define DEMO_CCCD_ORIGINS 7
#define DEMO_PHONE_PREFIXES 28
typedef struct demo_ids {
    uint64_t key;
    int32_t cccd_next[DEMO_CCCD_ORIGINS][4][100]; /* origin x century/sex digit x birth year */
    int32_t cmnd_next;
    int32_t phone_next[DEMO_PHONE_PREFIXES];
} demo_ids;

void demo_ids_init(demo_ids *ids, uint64_t seed);
/* Each returns false when the number space is exhausted (never at realistic scales). */
bool demo_ids_cccd(demo_ids *ids, demo_rng *r, int birth_year, char sex, char *out, size_t cap);
bool demo_ids_cmnd(demo_ids *ids, char *out, size_t cap);
bool demo_ids_phone(demo_ids *ids, demo_rng *r, char *out, size_t cap);

/* The outbreak (cases.c): clusters seeded at venues, confirmed and traced generation by
 * generation, after the activity is committed. */
struct pd_demo_activity;
int demo_cases_write(sqlite3 *db, demo_rng *rng, const char *district_code,
                     struct pd_demo_activity *out, pd_err *err);

/* Later capabilities, each in its own file, run in this order after the outbreak; each writes its
 * own transactions. vaccination.c: doses over 2021 by priority group and product; lab.c: samples,
 * pools, a screening campaign; quarantine.c: facilities, orders, F0 in care; risk.c: capacity
 * checklists and what the weekly levels need; directives.c: the example dispatches and their tasks. */
struct pd_demo_summary;
int demo_vaccination_write(sqlite3 *db, demo_rng *rng, struct pd_demo_summary *sum, pd_err *err);
int demo_lab_write(sqlite3 *db, demo_rng *rng, struct pd_demo_summary *sum, pd_err *err);
int demo_quarantine_write(sqlite3 *db, demo_rng *rng, struct pd_demo_summary *sum, pd_err *err);
int demo_risk_write(sqlite3 *db, demo_rng *rng, struct pd_demo_summary *sum, pd_err *err);
int demo_directives_write(sqlite3 *db, demo_rng *rng, struct pd_demo_summary *sum, pd_err *err);

#endif
