/* Coverage (độ bao phủ) computed set-wise in SQL: one pass over the people in a unit with their
 * doses up to a day, grouped by child unit, priority group or first product, with the age bands
 * of Decision 4800/QĐ-BYT (18+, 50+, 65+) and 12-17; and the same week by week (ISO weeks). */
#include <stdio.h>
#include <string.h>

#include "base/text.h"
#include "people/unit_cache.h"
#include "store/db.h"
#include "vaccination/internal.h"

const char *const pd_band_names[PD_BANDS] = {"all", "18+", "50+", "65+", "12-17"};

static int may_read(const pd_actor *actor, pd_err *err)
{
    if (pd_actor_can(actor, PD_PERM_RISK_READ) || pd_actor_can(actor, PD_PERM_VACCINATION_READ))
        return PD_OK;
    return pd_fail(err, PD_EDENIED, "", "Tài khoản không được xem độ bao phủ tiêm chủng");
}

static int resolve_date(const char *date, char out[12], pd_err *err)
{
    if (!date || !date[0]) {
        vax_today(out);
        return PD_OK;
    }
    long d = vax_day(date);
    if (d < 0)
        return pd_fail(err, PD_EINVAL, "date", "Ngày không hợp lệ (dạng 2021-11-15)");
    vax_day_format(d, out, 12);
    return PD_OK;
}

/* The age class of people p on the day, from string comparisons of the birth date with the
 * birth dates that make 12, 18, 50 and 65 on that day (?4..?7, see thresholds()): 0 unknown,
 * 1 under 12, 2 12-17, 3 18-49, 4 50-64, 5 65 and over. A year-only birth date "1956" sorts before
 * "1956-MM-DD", so it counts from 1 January like VAX_AGE_SQL. */
#define AGE_CLASS_SQL                                                                              \
    "CASE WHEN coalesce(p.birth_date,'') = '' THEN 0 WHEN p.birth_date > ?4 THEN 1"                \
    " WHEN p.birth_date > ?5 THEN 2 WHEN p.birth_date > ?6 THEN 3 WHEN p.birth_date > ?7 THEN 4"   \
    " ELSE 5 END"

/* Doses of p up to the day as bits: 1 at least one, 2 primary course complete, 4 boosted; 0 none.
 */
#define FLAGS_SQL                                                                                  \
    "coalesce((SELECT 1 + 2 * max(d.completes_primary) + 4 * max(d.kind <> 'primary')"             \
    " FROM doses d WHERE d.person_id = p.id AND d.given_on <= ?1), 0)"

static const char *unit_key(int level)
{
    static const char *const keys[] = {"p.province_code", "p.district_code", "p.unit_code",
                                       "coalesce(p.area_code,'')", "p.area_code"};
    return keys[level];
}

/* One row per (key, age class, flags) with its count, ordered by key. */
static int build_sql(const char *by, int level, const char *scope, const char *filter, char *sql,
                     size_t cap, pd_err *err)
{
    const char *key, *join = "", *where = "";
    if (strcmp(by, "unit") == 0) {
        key = unit_key(level);
    } else if (strcmp(by, "group") == 0) {
        key = "g.group_code";
        join = " JOIN person_priority_groups g ON g.person_id = p.id";
    } else if (strcmp(by, "product") == 0) {
        key = "(SELECT d.product_code FROM doses d WHERE d.person_id = p.id AND d.dose_number = 1"
              " AND d.given_on <= ?1)";
        where = " WHERE k IS NOT NULL";
    } else {
        return pd_fail(err, PD_EINVAL, "by", "Chọn by = unit, group hoặc product");
    }
    snprintf(sql, cap,
             "SELECT k, cls, fl, count(*) FROM (SELECT %s AS k, " AGE_CLASS_SQL
             " AS cls, " FLAGS_SQL
             " AS fl FROM people p%s WHERE %s AND %s)%s GROUP BY k, cls, fl ORDER BY k",
             key, join, scope, filter, where);
    return PD_OK;
}

/* The latest birth dates (as text) of people aged 12, 18, 50 and 65 on day, bound at ?4..?7. */
static void bind_thresholds(sqlite3_stmt *st, const char *day)
{
    static const int ages[] = {12, 18, 50, 65};
    int year = (day[0] - '0') * 1000 + (day[1] - '0') * 100 + (day[2] - '0') * 10 + (day[3] - '0');
    for (int i = 0; i < 4; i++) {
        char t[16];
        snprintf(t, sizeof t, "%04d%s", (year - ages[i] + 10000) % 10000, day + 4);
        sqlite3_bind_text(st, 4 + i, t, -1, SQLITE_TRANSIENT);
    }
}

/* Whether an age class lies in a band. */
static bool class_in(int cls, int band)
{
    switch (band) {
    case PD_BAND_ALL:
        return true;
    case PD_BAND_18:
        return cls >= 3;
    case PD_BAND_50:
        return cls >= 4;
    case PD_BAND_65:
        return cls == 5;
    default:
        return cls == 2;
    }
}

/* Adds n people of an age class with these dose flags to a row. */
static void add_people(pd_cov_row *row, int cls, int flags, int64_t n)
{
    for (int b = 0; b < PD_BANDS; b++) {
        if (!class_in(cls, b))
            continue;
        row->band[b].people += n;
        row->band[b].one_dose += (flags & 1) ? n : 0;
        row->band[b].full += (flags & 2) ? n : 0;
        row->band[b].boosted += (flags & 4) ? n : 0;
    }
}

static void label_of(sqlite3 *db, const char *by, const char *key, char *out, size_t cap)
{
    out[0] = '\0';
    if (strcmp(by, "unit") == 0) {
        pd_unit_info u;
        if (!key[0])
            pd_strlcpy(out, "Chưa rõ thôn/tổ", cap);
        else if (pd_unit_cache_get(db, key, &u))
            pd_strlcpy(out, u.name, cap);
        return;
    }
    const char *sql = strcmp(by, "group") == 0 ? "SELECT name FROM priority_groups WHERE code = ?"
                                               : "SELECT name FROM vaccine_products WHERE code = ?";
    pd_err err;
    sqlite3_stmt *st = pd_db_cached(db, sql, &err);
    if (!st)
        return;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) == SQLITE_ROW)
        pd_strlcpy(out, pd_col_text(st, 0), cap);
    pd_db_release(st);
}

static void add_cells(pd_cov_row *sum, const pd_cov_row *r)
{
    for (int b = 0; b < PD_BANDS; b++) {
        sum->band[b].people += r->band[b].people;
        sum->band[b].one_dose += r->band[b].one_dose;
        sum->band[b].full += r->band[b].full;
        sum->band[b].boosted += r->band[b].boosted;
    }
}

static int emit(sqlite3 *db, const char *by, pd_cov_row *row, pd_cov_row *total, pd_cov_cb cb,
                void *ctx)
{
    label_of(db, by, row->key, row->label, sizeof row->label);
    add_cells(total, row);
    return cb(row, ctx);
}

/* Folds the (key, class, flags, count) rows into one pd_cov_row per key. */
static int run_rows(sqlite3 *db, sqlite3_stmt *st, const char *by, pd_cov_row *total, pd_cov_cb cb,
                    void *ctx)
{
    pd_cov_row row;
    memset(&row, 0, sizeof row);
    bool open = false;
    int r;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        const char *key = pd_col_text(st, 0);
        if (open && strcmp(key, row.key) != 0) {
            if (emit(db, by, &row, total, cb, ctx) != 0)
                return SQLITE_DONE;
            memset(&row, 0, sizeof row);
        }
        open = true;
        pd_strlcpy(row.key, key, sizeof row.key);
        add_people(&row, sqlite3_column_int(st, 1), sqlite3_column_int(st, 2),
                   sqlite3_column_int64(st, 3));
    }
    if (r == SQLITE_DONE && open)
        emit(db, by, &row, total, cb, ctx);
    return r;
}

int pd_coverage(sqlite3 *db, const pd_actor *actor, const char *unit, const char *date,
                const char *by, pd_cov_cb cb, void *ctx, pd_err *err)
{
    char day[12], scope[64], filter[64], code[16], sql[4096];
    int level, rc = may_read(actor, err);
    if (rc == PD_OK)
        rc = resolve_date(date, day, err);
    if (rc == PD_OK)
        rc = vax_unit_clause(db, actor, unit, "p", 3, filter, sizeof filter, &level, code, err);
    if (rc == PD_OK)
        rc = build_sql(by && by[0] ? by : "unit", level,
                       vax_scope_clause(actor, "p", 2, scope, sizeof scope), filter, sql,
                       sizeof sql, err);
    if (rc != PD_OK)
        return rc;
    sqlite3_stmt *st = pd_db_prepare(db, sql, err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_text(st, 1, day, -1, SQLITE_STATIC);
    if (pd_scope_param(actor))
        sqlite3_bind_text(st, 2, pd_scope_param(actor), -1, SQLITE_STATIC);
    if (level > 0)
        sqlite3_bind_text(st, 3, code, -1, SQLITE_STATIC);
    bind_thresholds(st, day);
    pd_cov_row total;
    memset(&total, 0, sizeof total);
    const char *b = by && by[0] ? by : "unit";
    int r = run_rows(db, st, b, &total, cb, ctx);
    sqlite3_finalize(st);
    if (r != SQLITE_DONE)
        return pd_db_error(db, err);
    if (strcmp(b, "unit") != 0)
        return PD_OK;
    total.total = true;
    pd_strlcpy(total.key, code, sizeof total.key);
    pd_unit_info u;
    pd_strlcpy(total.label,
               level == 0                        ? "Cả nước"
               : pd_unit_cache_get(db, code, &u) ? u.name
                                                 : "",
               sizeof total.label);
    cb(&total, ctx);
    return PD_OK;
}

/* ---- weeks ---- */

bool pd_iso_week(const char *day, char week[10], char monday[12], char sunday[12])
{
    long d = vax_day(day);
    if (d < 0)
        return false;
    long dow = ((d % 7) + 7 + 3) % 7; /* 1970-01-01 was a Thursday; Monday = 0 */
    long mon = d - dow, thu = mon + 3;
    char thu_s[12];
    vax_day_format(thu, thu_s, sizeof thu_s);
    int year =
        (thu_s[0] - '0') * 1000 + (thu_s[1] - '0') * 100 + (thu_s[2] - '0') * 10 + (thu_s[3] - '0');
    char jan1[12];
    snprintf(jan1, sizeof jan1, "%04u-01-01", (unsigned)(year % 10000));
    long wk = (thu - vax_day(jan1)) / 7 + 1;
    snprintf(week, 10, "%04u-W%02u", (unsigned)(year % 10000), (unsigned)(wk % 100));
    vax_day_format(mon, monday, 12);
    vax_day_format(mon + 6, sunday, 12);
    return true;
}

#define AGE_CLASS                                                                                  \
    "CASE WHEN pp.age IS NULL THEN 0 WHEN pp.age < 12 THEN 1 WHEN pp.age < 18 THEN 2"              \
    " WHEN pp.age < 50 THEN 3 WHEN pp.age < 65 THEN 4 ELSE 5 END"

static void count_into(pd_cov_cell *band, int event, int cls, int64_t n)
{
    for (int b = 0; b < PD_BANDS; b++) {
        if (!class_in(cls, b))
            continue;
        int64_t *slot[] = {&band[b].one_dose, &band[b].full, &band[b].boosted, &band[b].people};
        *slot[event] += n;
    }
}

static int weekly_sql(const pd_actor *actor, const char *filter, char *sql, size_t cap)
{
    char scope[64];
    snprintf(
        sql, cap,
        "WITH pp AS (SELECT p.id, " VAX_AGE_SQL(
            1) " AS age FROM people p WHERE %s AND %s),"
               " f AS (SELECT d.person_id, min(d.given_on) AS first_on,"
               " min(CASE WHEN d.completes_primary = 1 THEN d.given_on END) AS full_on,"
               " min(CASE WHEN d.kind <> 'primary' THEN d.given_on END) AS boost_on FROM doses d"
               " JOIN pp ON pp.id = d.person_id WHERE d.given_on <= ?1 GROUP BY d.person_id),"
               " ev AS (SELECT person_id, 0 AS e, first_on AS day FROM f UNION ALL"
               " SELECT person_id, 1, full_on FROM f WHERE full_on IS NOT NULL UNION ALL"
               " SELECT person_id, 2, boost_on FROM f WHERE boost_on IS NOT NULL)"
               " SELECT '', 3, " AGE_CLASS ", count(*) FROM pp GROUP BY 3 UNION ALL"
               " SELECT date(ev.day, 'weekday 0', '-6 days'), ev.e, " AGE_CLASS ", count(*)"
               " FROM ev JOIN pp ON pp.id = ev.person_id GROUP BY 1, 2, 3 ORDER BY 1",
        vax_scope_clause(actor, "p", 2, scope, sizeof scope), filter);
    return PD_OK;
}

typedef struct week_walk {
    long first_monday, last_monday, cur;
    pd_cov_cell band[PD_BANDS];
    pd_cov_week_cb cb;
    void *ctx;
    bool stop;
} week_walk;

/* Emits the weeks whose Monday lies before monday (events of monday's week not yet counted). */
static void emit_until(week_walk *w, long monday)
{
    while (!w->stop && w->cur < monday && w->cur <= w->last_monday) {
        if (w->cur >= w->first_monday) {
            pd_cov_week out;
            memset(&out, 0, sizeof out);
            char day[12];
            vax_day_format(w->cur, day, sizeof day);
            pd_iso_week(day, out.week, out.monday, out.sunday);
            memcpy(out.band, w->band, sizeof out.band);
            w->stop = w->cb(&out, w->ctx) != 0;
        }
        w->cur += 7;
    }
}

int pd_coverage_weekly(sqlite3 *db, const pd_actor *actor, const char *unit, const char *from,
                       const char *to, pd_cov_week_cb cb, void *ctx, pd_err *err)
{
    char to_day[12], from_day[12], filter[64], code[16], sql[4096], wk[10], mon[12], sun[12];
    int level, rc = may_read(actor, err);
    if (rc == PD_OK)
        rc = resolve_date(to, to_day, err);
    if (rc == PD_OK && from && from[0] && vax_day(from) < 0)
        rc = pd_fail(err, PD_EINVAL, "from", "Ngày bắt đầu không hợp lệ");
    if (rc == PD_OK)
        rc = vax_unit_clause(db, actor, unit, "p", 3, filter, sizeof filter, &level, code, err);
    if (rc != PD_OK)
        return rc;
    if (from && from[0])
        vax_day_format(vax_day(from), from_day, sizeof from_day);
    else
        vax_day_format(vax_day(to_day) - 7 * 12, from_day, sizeof from_day);
    if (vax_day(from_day) > vax_day(to_day) || vax_day(to_day) - vax_day(from_day) > 3 * 366)
        return pd_fail(err, PD_EINVAL, "from", "Khoảng thời gian phải từ 0 đến 3 năm");
    weekly_sql(actor, filter, sql, sizeof sql);
    sqlite3_stmt *st = pd_db_prepare(db, sql, err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_text(st, 1, to_day, -1, SQLITE_STATIC);
    if (pd_scope_param(actor))
        sqlite3_bind_text(st, 2, pd_scope_param(actor), -1, SQLITE_STATIC);
    if (level > 0)
        sqlite3_bind_text(st, 3, code, -1, SQLITE_STATIC);
    week_walk w;
    memset(&w, 0, sizeof w);
    pd_iso_week(from_day, wk, mon, sun);
    w.first_monday = vax_day(mon);
    pd_iso_week(to_day, wk, mon, sun);
    w.last_monday = vax_day(mon);
    w.cb = cb;
    w.ctx = ctx;
    w.cur = -1;
    int r;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        const char *day = pd_col_text(st, 0);
        long monday = day[0] ? vax_day(day) : -1;
        if (monday >= 0 && w.cur < 0)
            w.cur = monday < w.first_monday ? monday : w.first_monday;
        if (monday >= 0)
            emit_until(&w, monday);
        count_into(w.band, sqlite3_column_int(st, 1), sqlite3_column_int(st, 2),
                   sqlite3_column_int64(st, 3));
    }
    sqlite3_finalize(st);
    if (r != SQLITE_DONE)
        return pd_db_error(db, err);
    if (w.cur < 0)
        w.cur = w.first_monday;
    emit_until(&w, w.last_monday + 7);
    return PD_OK;
}
