/* One ISO week's risk level for every commune in scope, set-wise: population and age groups from
 * the registry (people, one GROUP BY), community cases of the week and of the quiet period (cases,
 * by confirmation time), doses as of the week's Sunday (doses, when the table exists), the latest
 * capacity checklist, then the pure rule (level.c) per commune in memory. Last week's level is the
 * published one, else last week computed the same way (one step back). Published rows replace the
 * computed ones unless a live result is asked for. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/text.h"
#include "people/unit_cache.h"
#include "risk/risk.h"
#include "store/db.h"

/* ---- ISO weeks ------------------------------------------------------------------------------ */

static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

static void fmt_days(int64_t days, char out[12])
{
    int y, m, d;
    civil_from_days(days, &y, &m, &d);
    snprintf(out, 12, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u,
             (unsigned)d % 100u);
}

/* Days of the Monday of ISO week 1 of a year (the week holding 4 January). */
static int64_t week1_monday(int year)
{
    int64_t jan4 = pd_days_from_civil(year, 1, 4);
    int64_t wd = ((jan4 % 7) + 7 + 3) % 7; /* 1970-01-01 was a Thursday: Monday = 0 */
    return jan4 - wd;
}

int pd_risk_week_parse(const char *week, char monday[12], char sunday[12], pd_err *err)
{
    int y = 0, w = 0;
    char tail;
    if (!week || strlen(week) != 8 || sscanf(week, "%4d-W%2d%c", &y, &w, &tail) != 2 ||
        week[4] != '-' || week[5] != 'W' || y < 2000 || y > 2100 || w < 1 || w > 53)
        return pd_fail(err, PD_EINVAL, "week", "Tuần phải có dạng YYYY-Www, ví dụ 2021-W46");
    int64_t mon = week1_monday(y) + (int64_t)(w - 1) * 7;
    if (w == 53 && week1_monday(y + 1) <= mon)
        return pd_fail(err, PD_EINVAL, "week", "Năm %d không có tuần 53", y);
    fmt_days(mon, monday);
    fmt_days(mon + 6, sunday);
    return PD_OK;
}

static int64_t date_days(const char *date)
{
    pd_date d;
    return pd_date_parse(date, &d) ? pd_date_days(&d) : 0;
}

void pd_risk_week_of(const char *date, char out[12])
{
    int64_t days = date_days(date);
    int64_t wd = ((days % 7) + 7 + 3) % 7;
    int64_t mon = days - wd, thu = mon + 3;
    int y, m, d;
    civil_from_days(thu, &y, &m, &d);
    int w = (int)((mon - week1_monday(y)) / 7) + 1;
    snprintf(out, 12, "%04u-W%02u", (unsigned)y % 10000u, (unsigned)w % 100u);
}

void pd_risk_week_prev(const char *week, char out[12])
{
    char mon[12], sun[12], prev[12];
    pd_err err;
    if (pd_risk_week_parse(week, mon, sun, &err) != PD_OK) {
        out[0] = '\0';
        return;
    }
    fmt_days(date_days(mon) - 1, prev);
    pd_risk_week_of(prev, out);
}

/* ---- The computation ------------------------------------------------------------------------ */

#define MAX_RULES 64
#define MAX_AGES 4

typedef struct calc {
    sqlite3 *db;
    pd_actor view; /* the actor narrowed to the unit asked for */
    pd_risk_week *w;
    char scope_sql[64];
    pd_risk_rule rules[MAX_RULES];
    char rule_province[MAX_RULES][8];
    int nrules;
    int ages[MAX_AGES]; /* the distinct elderly ages of the rules in use */
    int nages;
    int quiet_days;
    /* Per row, the raw counts (see the enum below). */
    int64_t (*counts)[2 + 2 * MAX_AGES + 2];
    pd_err *err;
} calc;

enum {
    C_ADULTS,
    C_ADULT_D1,
    C_ELD,
    C_ELD_FULL = C_ELD + MAX_AGES,
    C_FULL_ALL = C_ELD_FULL + MAX_AGES
};

static void bind_scope(calc *c, sqlite3_stmt *st, int idx)
{
    const char *p = pd_scope_param(&c->view);
    if (p)
        sqlite3_bind_text(st, idx, p, -1, SQLITE_TRANSIENT);
}

static int row_cmp(const void *a, const void *b)
{
    return strcmp(((const pd_risk_row *)a)->unit_code, ((const pd_risk_row *)b)->unit_code);
}

static int find_row(calc *c, const char *code)
{
    pd_risk_row key;
    pd_strlcpy(key.unit_code, code, sizeof key.unit_code);
    pd_risk_row *r = bsearch(&key, c->w->rows, (size_t)c->w->count, sizeof key, row_cmp);
    return r ? (int)(r - c->w->rows) : -1;
}

static void age_cut(const char *sunday, int age, char out[12])
{
    int y = atoi(sunday) - age;
    snprintf(out, 12, "%04u%.6s", y < 0 ? 0u : (unsigned)y % 10000u, sunday + 4);
}

/* Replaces the scope's "= ?" with "= ?N" so that it can follow numbered parameters. */
static void scope_numbered(calc *c, const char *alias, int n, char *out, size_t cap)
{
    pd_scope_sql(&c->view, alias, out, cap);
    char *q = strstr(out, "= ?");
    if (q)
        snprintf(q, cap - (size_t)(q - out), "= ?%d", n);
}

/* The scope on people as a condition on the commune code, so that the (unit_code, birth_date)
 * index answers alone: "p.unit_code IN (SELECT code FROM units WHERE ... = ?N)". */
static void people_scope(calc *c, int n, char *out, size_t cap)
{
    static const char *const cols[] = {NULL, "province_code", "district_code"};
    if (c->view.scope_level == PD_SCOPE_COUNTRY)
        snprintf(out, cap, "1");
    else if (c->view.scope_level == PD_SCOPE_COMMUNE)
        snprintf(out, cap, "p.unit_code = ?%d", n);
    else
        snprintf(out, cap,
                 "p.unit_code IN (SELECT u.code FROM units u WHERE u.level = 3 AND u.%s = ?%d)",
                 cols[c->view.scope_level], n);
}

/* Binds the adult cut-off (?1) and the elderly cut-offs (?2..?5) of the week's Sunday. */
static void bind_ages(calc *c, sqlite3_stmt *st)
{
    char cut[12];
    age_cut(c->w->sunday, 18, cut);
    sqlite3_bind_text(st, 1, cut, -1, SQLITE_TRANSIENT);
    for (int i = 0; i < MAX_AGES; i++) {
        age_cut(c->w->sunday, i < c->nages ? c->ages[i] : 200, cut);
        sqlite3_bind_text(st, 2 + i, cut, -1, SQLITE_TRANSIENT);
    }
}

static bool grow(calc *c, int *cap)
{
    if (c->w->count < *cap)
        return true;
    int n = *cap ? *cap * 2 : 64;
    pd_risk_row *rows = realloc(c->w->rows, (size_t)n * sizeof *rows);
    if (rows)
        c->w->rows = rows;
    void *counts = realloc(c->counts, (size_t)n * sizeof *c->counts);
    if (counts)
        c->counts = counts;
    if (!rows || !counts)
        return false;
    *cap = n;
    return true;
}

/* The communes with people: population and age groups. */
static int load_people(calc *c)
{
    char sql[1280], scope[160];
    people_scope(c, 6, scope, sizeof scope);
    snprintf(sql, sizeof sql,
             "SELECT a.unit_code, ifnull(u.district_code, ''), ifnull(u.province_code, ''),"
             " ifnull(u.name, ''), ifnull(d.name, ''), a.n, a.adults, a.e0, a.e1, a.e2, a.e3 FROM"
             " (SELECT p.unit_code, count(*) AS n,"
             "  sum(p.birth_date <= ?1) AS adults, sum(p.birth_date <= ?2) AS e0,"
             "  sum(p.birth_date <= ?3) AS e1, sum(p.birth_date <= ?4) AS e2,"
             "  sum(p.birth_date <= ?5) AS e3 FROM people p WHERE %s GROUP BY p.unit_code) a"
             " LEFT JOIN units u ON u.code = a.unit_code"
             " LEFT JOIN units d ON d.code = u.district_code ORDER BY a.unit_code",
             scope);
    sqlite3_stmt *st = pd_db_prepare(c->db, sql, c->err);
    if (!st)
        return PD_EDB;
    bind_ages(c, st);
    bind_scope(c, st, 6);
    int cap = 0, rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (!grow(c, &cap)) {
            sqlite3_finalize(st);
            return pd_fail(c->err, PD_ELIMIT, "", "Hết bộ nhớ");
        }
        pd_risk_row *r = &c->w->rows[c->w->count];
        int64_t *n = c->counts[c->w->count];
        memset(r, 0, sizeof *r);
        memset(n, 0, sizeof c->counts[0]);
        pd_strlcpy(r->unit_code, pd_col_text(st, 0), sizeof r->unit_code);
        pd_strlcpy(r->district_code, pd_col_text(st, 1), sizeof r->district_code);
        pd_strlcpy(r->province_code, pd_col_text(st, 2), sizeof r->province_code);
        pd_strlcpy(r->unit_name, pd_col_text(st, 3), sizeof r->unit_name);
        pd_strlcpy(r->district_name, pd_col_text(st, 4), sizeof r->district_name);
        r->in.population = sqlite3_column_int64(st, 5);
        r->in.cases_14d = 0;
        n[C_ADULTS] = sqlite3_column_int64(st, 6);
        for (int i = 0; i < MAX_AGES; i++)
            n[C_ELD + i] = sqlite3_column_int64(st, 7 + i);
        c->w->count++;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? PD_OK : pd_db_error(c->db, c->err);
}

/* Runs an aggregate whose first column is a commune code; cb reads one row. The scope's '?' is
 * bound at scope_idx. */
typedef void (*agg_cb)(calc *c, int row, sqlite3_stmt *st);
static int run_agg(calc *c, int scope_idx, sqlite3_stmt **out, agg_cb cb)
{
    sqlite3_stmt *st = *out;
    bind_scope(c, st, scope_idx);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int i = find_row(c, pd_col_text(st, 0));
        if (i >= 0)
            cb(c, i, st);
    }
    sqlite3_finalize(st);
    *out = NULL;
    return rc == SQLITE_DONE ? PD_OK : pd_db_error(c->db, c->err);
}

static void on_cases(calc *c, int i, sqlite3_stmt *st)
{
    c->w->rows[i].in.cases = sqlite3_column_int64(st, 1);
    c->w->rows[i].in.cases_14d = sqlite3_column_int64(st, 2);
}

static int load_cases(calc *c)
{
    char scope[64], sql[768];
    scope_numbered(c, "c", 3, scope, sizeof scope);
    snprintf(sql, sizeof sql,
             "SELECT c.unit_code, sum(c.confirmed_at >= ?1), count(*) FROM cases c"
             " WHERE c.found_in = 'community' AND c.confirmed_at >= ?2 AND c.confirmed_at < ?4"
             " AND %s GROUP BY c.unit_code",
             scope);
    sqlite3_stmt *st = pd_db_prepare(c->db, sql, c->err);
    if (!st)
        return PD_EDB;
    pd_date mon, sun;
    pd_date_parse(c->w->monday, &mon);
    pd_date_parse(c->w->sunday, &sun);
    int64_t end = pd_local_midnight(&sun) + 86400;
    sqlite3_bind_int64(st, 1, pd_local_midnight(&mon));
    sqlite3_bind_int64(st, 2, end - (int64_t)c->quiet_days * 86400);
    sqlite3_bind_int64(st, 4, end);
    return run_agg(c, 3, &st, on_cases);
}

static void on_doses(calc *c, int i, sqlite3_stmt *st)
{
    c->counts[i][C_ADULT_D1] = sqlite3_column_int64(st, 1);
    for (int k = 0; k < MAX_AGES; k++)
        c->counts[i][C_ELD_FULL + k] = sqlite3_column_int64(st, 2 + k);
    c->counts[i][C_FULL_ALL] = sqlite3_column_int64(st, 6);
}

static bool has_doses(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db,
                           "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'doses'",
                           -1, &st, NULL) != SQLITE_OK)
        return false;
    bool yes = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return yes;
}

/* Doses as of the week's Sunday, per person (at least one dose; primary series complete), then
 * counted per commune of residence and age group. */
static int load_doses(calc *c)
{
    if (!has_doses(c->db))
        return PD_OK;
    char scope[160], sql[1280];
    people_scope(c, 7, scope, sizeof scope);
    snprintf(sql, sizeof sql,
             "SELECT p.unit_code, sum(p.birth_date <= ?1), sum(d.full AND p.birth_date <= ?2),"
             " sum(d.full AND p.birth_date <= ?3), sum(d.full AND p.birth_date <= ?4),"
             " sum(d.full AND p.birth_date <= ?5), sum(d.full) FROM"
             " (SELECT person_id, max(completes_primary) AS full FROM doses WHERE given_on <= ?6"
             "  GROUP BY person_id) d JOIN people p ON p.id = d.person_id WHERE %s"
             " GROUP BY p.unit_code",
             scope);
    sqlite3_stmt *st = pd_db_prepare(c->db, sql, c->err);
    if (!st)
        return PD_EDB;
    bind_ages(c, st);
    sqlite3_bind_text(st, 6, c->w->sunday, -1, SQLITE_TRANSIENT);
    return run_agg(c, 7, &st, on_doses);
}

static void on_capacity(calc *c, int i, sqlite3_stmt *st)
{
    c->w->rows[i].in.capacity_known = true;
    c->w->rows[i].in.capacity_met = sqlite3_column_int(st, 1) != 0;
}

/* The latest checklist of each commune at or before the week. */
static int load_capacity(calc *c)
{
    char scope[64], sql[768];
    scope_numbered(c, "r", 2, scope, sizeof scope);
    snprintf(sql, sizeof sql,
             "SELECT r.unit_code, r.met FROM risk_capacity r WHERE r.week <= ?1 AND %s"
             " AND r.week = (SELECT max(x.week) FROM risk_capacity x WHERE x.unit_code ="
             " r.unit_code AND x.week <= ?1)",
             scope);
    sqlite3_stmt *st = pd_db_prepare(c->db, sql, c->err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_text(st, 1, c->w->week, -1, SQLITE_TRANSIENT);
    return run_agg(c, 2, &st, on_capacity);
}

static void on_published(calc *c, int i, sqlite3_stmt *st)
{
    pd_risk_row *r = &c->w->rows[i];
    r->published = true;
    r->res.level = sqlite3_column_int(st, 1);
    r->in.population = sqlite3_column_int64(st, 2);
    r->in.cases = sqlite3_column_int64(st, 3);
    r->res.rate = sqlite3_column_double(st, 4);
    r->in.dose1_18plus = sqlite3_column_double(st, 5);
    r->in.full_elderly = sqlite3_column_double(st, 6);
    r->in.full_all = sqlite3_column_double(st, 7);
    r->in.capacity_met = sqlite3_column_int(st, 8) != 0;
    r->in.previous = sqlite3_column_int(st, 9);
    pd_strlcpy(r->res.reason, pd_col_text(st, 10), sizeof r->res.reason);
    r->rule_id = sqlite3_column_int64(st, 11);
    r->published_at = sqlite3_column_int64(st, 12);
    r->res.band = sqlite3_column_int(st, 13);
    r->res.coverage_met = sqlite3_column_int(st, 14) != 0;
    r->in.capacity_known = true;
    for (int k = 0; k < c->nrules; k++)
        if (c->rules[k].id == r->rule_id)
            pd_strlcpy(r->rule_code, c->rules[k].code, sizeof r->rule_code);
}

static int load_published(calc *c)
{
    char scope[64], sql[768];
    scope_numbered(c, "r", 2, scope, sizeof scope);
    snprintf(sql, sizeof sql,
             "SELECT unit_code, level, population, cases, rate, dose1_18plus, full_elderly,"
             " full_all, capacity_met, ifnull(previous_level, 0), reason, rule_id, published_at,"
             " c1_band, coverage_met"
             " FROM risk_published r WHERE r.week = ?1 AND %s",
             scope);
    sqlite3_stmt *st = pd_db_prepare(c->db, sql, c->err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_text(st, 1, c->w->week, -1, SQLITE_TRANSIENT);
    return run_agg(c, 2, &st, on_published);
}

/* The rules of the provinces in scope: every distinct province of the communes. */
static int load_rules(calc *c, const char *province)
{
    for (int k = 0; k < c->nrules; k++)
        if (strcmp(c->rule_province[k], province) == 0)
            return k;
    if (c->nrules == MAX_RULES)
        return 0;
    int k = c->nrules;
    if (pd_risk_rule_for(c->db, c->w->sunday, province, &c->rules[k], c->err) != PD_OK)
        return -1;
    pd_strlcpy(c->rule_province[k], province, sizeof c->rule_province[k]);
    c->nrules++;
    int a = 0;
    while (a < c->nages && c->ages[a] != c->rules[k].elderly_age)
        a++;
    if (a == c->nages && c->nages < MAX_AGES)
        c->ages[c->nages++] = c->rules[k].elderly_age;
    if (c->rules[k].quiet_days > c->quiet_days)
        c->quiet_days = c->rules[k].quiet_days;
    return k;
}

/* The provinces in the view, from the units table (before the people scan, which needs the ages).
 */
static int load_provinces(calc *c)
{
    char scope[64], sql[256];
    pd_scope_sql(&c->view, "u", scope, sizeof scope);
    char *q = strstr(scope, ".unit_code");
    if (q) /* units carry commune_code, not unit_code */
        snprintf(scope, sizeof scope, "u.commune_code = ?");
    snprintf(sql, sizeof sql,
             "SELECT DISTINCT u.province_code FROM units u WHERE u.level = 3 AND %s", scope);
    sqlite3_stmt *st = pd_db_prepare(c->db, sql, c->err);
    if (!st)
        return PD_EDB;
    bind_scope(c, st, 1);
    int rc, out = PD_OK;
    while (out == PD_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
        if (load_rules(c, pd_col_text(st, 0)) < 0)
            out = c->err->code;
    sqlite3_finalize(st);
    if (out == PD_OK && c->nrules == 0 && load_rules(c, "") < 0)
        out = c->err->code;
    return out;
}

static double frac(int64_t num, int64_t den)
{
    return den > 0 ? (double)num / (double)den : 0.0;
}

static void apply_rules(calc *c, const pd_risk_week *prev)
{
    for (int i = 0; i < c->w->count; i++) {
        pd_risk_row *r = &c->w->rows[i];
        pd_strlcpy(r->week, c->w->week, sizeof r->week);
        int k = load_rules(c, r->province_code);
        const pd_risk_rule *rule = &c->rules[k < 0 ? 0 : k];
        int a = 0;
        while (a < c->nages - 1 && c->ages[a] != rule->elderly_age)
            a++;
        int64_t *n = c->counts[i];
        r->in.dose1_18plus = frac(n[C_ADULT_D1], n[C_ADULTS]);
        r->in.full_elderly = frac(n[C_ELD_FULL + a], n[C_ELD + a]);
        r->in.full_all = frac(n[C_FULL_ALL], r->in.population);
        r->in.previous = 0;
        if (prev) {
            pd_risk_row key;
            pd_strlcpy(key.unit_code, r->unit_code, sizeof key.unit_code);
            pd_risk_row *p = bsearch(&key, prev->rows, (size_t)prev->count, sizeof key, row_cmp);
            r->in.previous = p ? p->res.level : 0;
        }
        pd_risk_level(rule, &r->in, &r->res);
        r->rule_id = rule->id;
        pd_strlcpy(r->rule_code, rule->code, sizeof r->rule_code);
    }
}

static int narrow(sqlite3 *db, const pd_actor *actor, const char *unit_code, pd_actor *view,
                  pd_err *err)
{
    *view = *actor;
    if (!unit_code || !unit_code[0])
        return PD_OK;
    pd_unit_info u;
    if (!pd_unit_cache_get(db, unit_code, &u) ||
        !pd_scope_covers(actor, u.province_code, u.level >= 2 ? u.district_code : "",
                         u.level >= 3 ? u.commune_code : ""))
        return pd_fail(err, PD_ENOTFOUND, "unit", "Không tìm thấy đơn vị %s", unit_code);
    view->scope_level = u.level >= 3 ? PD_SCOPE_COMMUNE : (pd_scope_level)u.level;
    pd_strlcpy(view->scope_code, u.level >= 3 ? u.commune_code : u.code, sizeof view->scope_code);
    return PD_OK;
}

static int compute(sqlite3 *db, const pd_actor *view, const char *week, bool live, int depth,
                   pd_risk_week *out, pd_err *err)
{
    memset(out, 0, sizeof *out);
    calc *c = calloc(1, sizeof *c);
    if (!c)
        return pd_fail(err, PD_ELIMIT, "", "Hết bộ nhớ");
    c->db = db;
    c->view = *view;
    c->w = out;
    c->err = err;
    pd_strlcpy(out->week, week, sizeof out->week);
    int rc = pd_risk_week_parse(week, out->monday, out->sunday, err);
    if (rc == PD_OK)
        rc = load_provinces(c);
    if (rc == PD_OK)
        rc = load_people(c);
    if (rc == PD_OK)
        rc = load_cases(c);
    if (rc == PD_OK)
        rc = load_doses(c);
    if (rc == PD_OK)
        rc = load_capacity(c);
    pd_risk_week prev = {0};
    bool have_prev = false;
    if (rc == PD_OK && depth == 0) {
        char pw[12];
        pd_risk_week_prev(week, pw);
        pd_err perr;
        have_prev = compute(db, view, pw, false, 1, &prev, &perr) == PD_OK;
    }
    if (rc == PD_OK)
        apply_rules(c, have_prev ? &prev : NULL);
    if (rc == PD_OK && !live)
        rc = load_published(c);
    pd_risk_week_free(&prev);
    free(c->counts);
    free(c);
    if (rc != PD_OK)
        pd_risk_week_free(out);
    return rc;
}

int pd_risk_week_compute(sqlite3 *db, const pd_actor *actor, const char *week,
                         const char *unit_code, bool live, pd_risk_week *out, pd_err *err)
{
    memset(out, 0, sizeof *out);
    if (!pd_actor_can(actor, PD_PERM_RISK_READ))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được xem cấp độ dịch");
    pd_actor view;
    int rc = narrow(db, actor, unit_code, &view, err);
    return rc == PD_OK ? compute(db, &view, week, live, 0, out, err) : rc;
}

void pd_risk_week_free(pd_risk_week *w)
{
    free(w->rows);
    w->rows = NULL;
    w->count = 0;
}
