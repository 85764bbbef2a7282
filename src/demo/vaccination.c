/* The demo's vaccination history over 2021 by priority group and product: priority groups from
 * occupation and age (Resolution 21/NQ-CP), first doses from March (health workers, AstraZeneca)
 * to the mass campaign of August-November, second doses after each product's interval (some
 * AstraZeneca courses finished with Pfizer), boosters for early health workers, Pfizer for 12-17
 * year olds from late October; and a different uptake per commune, so that by 2021-W46 some
 * communes reach 70 % of adults with a dose and 80 % of the over-50s fully vaccinated and others
 * do not. Schedules are built to respect the rules of src/vaccination/ and written with prepared
 * statements in one transaction; every draw comes from the demo's generator. */
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/validate.h"
#include "demo/demo.h"
#include "demo/demo_internal.h"
#include "store/db.h"

#define CREATED_AT 1635699600 /* 2021-11-01 00:00 +07:00, as the rest of the demo */

/* Uptake of a commune: share of adults and of the over-50s who get a first dose, and how many
 * days later than the city's schedule its campaign runs (assumptions, see docs/vaccination.md). */
typedef struct uptake {
    const char *code;
    double adults, elderly;
    int delay;
} uptake;

static const uptake profiles[] = {
    {"01834", 0.90, 0.96, 0},  {"01837", 0.60, 0.72, 25}, {"01840", 0.88, 0.95, 0},
    {"01843", 0.80, 0.78, 15}, {"01846", 0.86, 0.93, 5},  {"01849", 0.58, 0.70, 30},
    {"01852", 0.65, 0.75, 20}, {"01855", 0.74, 0.92, 5},
};

static uptake profile_of(const char *code)
{
    for (size_t i = 0; i < sizeof profiles / sizeof profiles[0]; i++)
        if (strcmp(profiles[i].code, code) == 0)
            return profiles[i];
    uptake u = {code, 0.75, 0.85, 10};
    return u;
}

typedef struct vperson {
    int64_t id;
    int age; /* on 2021-11-15 */
    char unit[16], district[16], province[16];
    char occupation[64];
} vperson;

typedef struct writer {
    sqlite3 *db;
    demo_rng *rng;
    sqlite3_stmt *dose, *group;
    long last_day; /* no dose after this day (end of 2021, or today) */
    int64_t doses;
    pd_err *err;
} writer;

static long day_of(int y, int m, int d)
{
    return (long)pd_days_from_civil(y, m, d);
}

static void fmt_day(long day, char out[12])
{
    pd_date d = pd_local_date((int64_t)day * 86400);
    pd_date_format(&d, out, 12);
}

static int put_group(writer *w, int64_t person, const char *code)
{
    sqlite3_reset(w->group);
    sqlite3_bind_int64(w->group, 1, person);
    sqlite3_bind_text(w->group, 2, code, -1, SQLITE_STATIC);
    return sqlite3_step(w->group) == SQLITE_DONE ? PD_OK : pd_db_error(w->db, w->err);
}

static int put_dose(writer *w, const vperson *p, int number, const char *product, const char *kind,
                    long day, int completes)
{
    char given[12], lot[16];
    fmt_day(day, given);
    snprintf(lot, sizeof lot, "%s%04d", product, (int)(day % 9000));
    sqlite3_stmt *st = w->dose;
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, p->id);
    sqlite3_bind_text(st, 2, product, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, number);
    sqlite3_bind_text(st, 4, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, given, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 6, completes);
    sqlite3_bind_text(st, 7, lot, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 8, p->unit, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 9, p->district, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 10, p->province, -1, SQLITE_STATIC);
    w->doses++;
    return sqlite3_step(st) == SQLITE_DONE ? PD_OK : pd_db_error(w->db, w->err);
}

/* Priority groups from occupation and age; a share of chronic illness from 40. */
static int assign_groups(writer *w, const vperson *p, bool *frontline)
{
    const char *o = p->occupation;
    *frontline = strcmp(o, "Nhân viên y tế") == 0 || strcmp(o, "Công an") == 0 ||
                 strcmp(o, "Quân nhân") == 0;
    int rc = PD_OK;
    if (*frontline)
        rc = put_group(w, p->id, "g1");
    if (rc == PD_OK && strcmp(o, "Lái xe") == 0)
        rc = put_group(w, p->id, "g3");
    if (rc == PD_OK && (strcmp(o, "Giáo viên") == 0 || strcmp(o, "Cán bộ") == 0))
        rc = put_group(w, p->id, "g4");
    bool chronic = p->age >= 40 && demo_rng_chance(w->rng, 0.12);
    if (rc == PD_OK && (p->age > 65 || chronic))
        rc = put_group(w, p->id, "g5");
    if (rc == PD_OK && p->age >= 18 && demo_rng_chance(w->rng, 0.04))
        rc = put_group(w, p->id, "g7");
    return rc;
}

/* The product of a first dose in the mass campaign (Bắc Kạn received mostly Vero Cell and
 * AstraZeneca, then Pfizer and some Moderna: an assumption). */
static const char *campaign_product(demo_rng *r)
{
    static const char *const products[] = {"VC", "AZ", "PF", "MD"};
    static const int weights[] = {45, 33, 16, 6};
    return products[demo_rng_weighted(r, weights, 4)];
}

/* Writes one person's course: first dose on d1 with product, second after its interval (AZ
 * sometimes finished with Pfizer), a booster for early courses of frontline staff. */
static int write_course(writer *w, const vperson *p, const char *product, long d1, bool frontline)
{
    if (d1 > w->last_day)
        return PD_OK;
    int rc = put_dose(w, p, 1, product, "primary", d1, 0);
    int interval = strcmp(product, "AZ") == 0   ? 56 + demo_rng_below(w->rng, 29)
                   : strcmp(product, "MD") == 0 ? 28 + demo_rng_below(w->rng, 7)
                   : strcmp(product, "VC") == 0 ? 21 + demo_rng_below(w->rng, 8)
                                                : 21 + demo_rng_below(w->rng, 8);
    long d2 = d1 + interval;
    if (rc != PD_OK || d2 > w->last_day || !demo_rng_chance(w->rng, 0.96))
        return rc;
    const char *second = product;
    if (strcmp(product, "AZ") == 0 && d2 >= day_of(2021, 8, 15) && demo_rng_chance(w->rng, 0.2))
        second = "PF"; /* mixing allowed when AstraZeneca ran short */
    rc = put_dose(w, p, 2, second, "primary", d2, 1);
    long d3 = d2 + 180 + demo_rng_below(w->rng, 30);
    if (rc == PD_OK && frontline && d3 <= w->last_day && demo_rng_chance(w->rng, 0.8))
        rc = put_dose(w, p, 3, "PF", "booster", d3, 0);
    return rc;
}

static int vaccinate(writer *w, const vperson *p)
{
    bool frontline;
    int rc = assign_groups(w, p, &frontline);
    if (rc != PD_OK || p->age < 12)
        return rc;
    uptake u = profile_of(p->unit);
    demo_rng *r = w->rng;
    if (p->age < 18) { /* 12-17: Pfizer from late October 2021 */
        if (!demo_rng_chance(r, u.adults * 0.8))
            return PD_OK;
        return write_course(w, p, "PF", day_of(2021, 10, 25) + u.delay / 2 + demo_rng_below(r, 30),
                            false);
    }
    if (frontline && demo_rng_chance(r, 0.97))
        return write_course(w, p, "AZ", day_of(2021, 3, 15) + demo_rng_below(r, 75), true);
    bool elderly = p->age >= 50;
    if (!demo_rng_chance(r, elderly ? u.elderly : u.adults))
        return PD_OK;
    long start = elderly ? day_of(2021, 6, 20) : day_of(2021, 8, 1);
    int span = elderly ? 60 : 105;
    return write_course(w, p, campaign_product(r), start + u.delay + demo_rng_below(r, span),
                        false);
}

static int prepare(writer *w)
{
    w->dose = pd_db_prepare(
        w->db,
        "INSERT INTO doses(person_id, product_code, dose_number, kind, given_on,"
        " completes_primary, lot, place, source, unit_code, district_code, province_code,"
        " created_at) VALUES (?1,?2,?3,?4,?5,?6,?7,'Trạm Y tế xã/phường','demo',?8,?9,?10,"
        " 1635699600)",
        w->err);
    w->group = pd_db_prepare(w->db,
                             "INSERT OR IGNORE INTO person_priority_groups(person_id, group_code,"
                             " created_at) VALUES (?, ?, 1635699600)",
                             w->err);
    return w->dose && w->group ? PD_OK : PD_EDB;
}

static int walk_people(writer *w, const char *district)
{
    sqlite3_stmt *st = pd_db_prepare(
        w->db,
        "SELECT id, coalesce(birth_date,''), unit_code, district_code, province_code, occupation"
        " FROM people WHERE district_code = ? ORDER BY id",
        w->err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_text(st, 1, district, -1, SQLITE_STATIC);
    pd_date ref = {2021, 11, 15};
    int rc = PD_OK;
    while (rc == PD_OK && sqlite3_step(st) == SQLITE_ROW) {
        vperson p;
        memset(&p, 0, sizeof p);
        p.id = sqlite3_column_int64(st, 0);
        pd_date b;
        if (!pd_date_parse(pd_col_text(st, 1), &b))
            continue;
        p.age = pd_age_on(&b, &ref);
        snprintf(p.unit, sizeof p.unit, "%s", pd_col_text(st, 2));
        snprintf(p.district, sizeof p.district, "%s", pd_col_text(st, 3));
        snprintf(p.province, sizeof p.province, "%s", pd_col_text(st, 4));
        snprintf(p.occupation, sizeof p.occupation, "%s", pd_col_text(st, 5));
        rc = vaccinate(w, &p);
    }
    sqlite3_finalize(st);
    return rc;
}

/* One session per commune on a recent day, for the sessions page. */
static int write_sessions(writer *w, const struct pd_demo_summary *sum)
{
    sqlite3_stmt *st = pd_db_prepare(
        w->db,
        "INSERT INTO vaccination_sessions(site, session_date, product_code, lot, team, unit_code,"
        " district_code, province_code, created_at) SELECT 'Trạm Y tế ' || name, ?2, 'PF',"
        " 'PF2021', 'Tổ tiêm chủng lưu động', code, district_code, province_code, 1635699600"
        " FROM units WHERE code = ?1",
        w->err);
    if (!st)
        return PD_EDB;
    char day[12];
    fmt_day(w->last_day < day_of(2021, 11, 10) ? w->last_day : day_of(2021, 11, 10), day);
    int rc = PD_OK;
    for (int i = 0; rc == PD_OK && i < sum->commune_count; i++) {
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, sum->communes[i].code, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, day, -1, SQLITE_TRANSIENT);
        rc = sqlite3_step(st) == SQLITE_DONE ? PD_OK : pd_db_error(w->db, w->err);
    }
    sqlite3_finalize(st);
    return rc;
}

int demo_vaccination_write(sqlite3 *db, demo_rng *rng, struct pd_demo_summary *sum, pd_err *err)
{
    writer w = {.db = db, .rng = rng, .err = err};
    pd_date today = pd_local_date(pd_now());
    long now = (long)pd_date_days(&today);
    w.last_day = now < day_of(2021, 12, 31) ? now : day_of(2021, 12, 31);
    if (w.last_day < day_of(2021, 3, 1))
        return PD_OK; /* a clock set before the campaign: nothing to write */
    int rc = pd_db_begin(db, err);
    if (rc != PD_OK)
        return rc;
    rc = prepare(&w);
    if (rc == PD_OK)
        rc = walk_people(&w, sum->district_code);
    if (rc == PD_OK)
        rc = write_sessions(&w, sum);
    sqlite3_finalize(w.dose);
    sqlite3_finalize(w.group);
    if (rc == PD_OK)
        rc = pd_db_commit(db, err);
    if (rc != PD_OK)
        pd_db_rollback(db);
    return rc;
}
