/* The F1 quarantine timeline (domain rules §2, "Quarantine timeline") as a table of rows, one per
 * change of the rules, each with the schedule for every immunity; and a person's immunity on a day
 * from their declared doses and a recovered case of theirs. */
#include "quarantine/quarantine.h"

#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "base/validate.h"
#include "quarantine/internal.h"
#include "store/db.h"

/* One change of the rules: in force from `from` (YYYY-MM-DD, local) until the next row, with the
 * schedule of an F1 for each pd_immunity (indexed by it).
 *
 * Left out on purpose: the August 2021 row of the timeline (MoH guidance, number not found: 7 d at
 * home for the vaccinated or recovered, else 14 d + 14 d) applies to arrivals from outbreak areas,
 * not to F1; it belongs with orders of reason 'arrival', not here. */
typedef struct rule_row {
    const char *from;
    pd_quarantine_rule by_immunity[4];
} rule_row;

/* The schedule shared by every immunity before the Oct 2021 rules. */
#define SAME_FOR_ALL(r)                                                                            \
    {                                                                                              \
        r, r, r, r                                                                                 \
    }

#define RULE_600                                                                                   \
    {                                                                                              \
        .basis = "600/CĐ-BCĐ", .quarantine = true, .place = "centralised", .quarantine_days = 21,  \
        .test_days = {1, 14, 20}, .test_count = 3, .monitoring_days = 7,                           \
        .monitoring_test_days = {7}, .monitoring_test_count = 1                                    \
    }

#define RULE_5599                                                                                  \
    {                                                                                              \
        .basis = "5599/BYT-MT", .quarantine = true, .place = "centralised", .quarantine_days = 14, \
        .test_days = {1, 7, 14}, .test_count = 3, .monitoring_days = 14                            \
    }

#define RULE_NO_QUARANTINE                                                                         \
    {                                                                                              \
        .basis = "Định nghĩa F1 mới từ 01/04/2022", .quarantine = false, .place = "home"           \
    }

#define BASIS_NQ128 "Hướng dẫn sau Nghị quyết 128/NQ-CP"
#define BASIS_10696 "10696/BYT-MT"

/* Oct 2021 (⚠ secondary source): vaccinated or recovered ≤ 6 months: monitoring only; one dose:
 * 7 d at home + 7 d; none: 14 d at home + 14 d, tests on days 7 and 14. The source names no test
 * for one dose: the project default is a test on the last day (day 7), like the other schedules. */
#define RULE_PARTIAL_7_7(b)                                                                        \
    {                                                                                              \
        .basis = b, .quarantine = true, .place = "home", .quarantine_days = 7, .test_days = {7},   \
        .test_count = 1, .monitoring_days = 7                                                      \
    }
#define RULE_NONE_14_14(b)                                                                         \
    {                                                                                              \
        .basis = b, .quarantine = true, .place = "home", .quarantine_days = 14,                    \
        .test_days = {7, 14}, .test_count = 2, .monitoring_days = 14                               \
    }

/* The rows of migration 7 (table quarantine_rules) repeat these; the unit tests check they agree.
 */
static const rule_row rows[] = {
    {"2021-05-05", SAME_FOR_ALL(RULE_600)},
    {"2021-07-14", SAME_FOR_ALL(RULE_5599)},
    {"2021-10-11",
     {
         [PD_IMMUNITY_NONE] = RULE_NONE_14_14(BASIS_NQ128),
         [PD_IMMUNITY_PARTIAL] = RULE_PARTIAL_7_7(BASIS_NQ128),
         [PD_IMMUNITY_FULL] = {.basis = BASIS_NQ128,
                               .quarantine = true,
                               .place = "home",
                               .quarantine_days = 0,
                               .monitoring_days = 7},
         [PD_IMMUNITY_RECOVERED] = {.basis = BASIS_NQ128,
                                    .quarantine = true,
                                    .place = "home",
                                    .quarantine_days = 0,
                                    .monitoring_days = 7},
     }},
    {"2021-12-16",
     {
         [PD_IMMUNITY_NONE] = RULE_NONE_14_14(BASIS_10696),
         [PD_IMMUNITY_PARTIAL] = RULE_PARTIAL_7_7(BASIS_10696),
         [PD_IMMUNITY_FULL] = {.basis = BASIS_10696,
                               .quarantine = true,
                               .place = "home",
                               .quarantine_days = 7,
                               .test_days = {1, 7},
                               .test_count = 2,
                               .monitoring_days = 7},
         [PD_IMMUNITY_RECOVERED] = {.basis = BASIS_10696,
                                    .quarantine = true,
                                    .place = "home",
                                    .quarantine_days = 7,
                                    .test_days = {1, 7},
                                    .test_count = 2,
                                    .monitoring_days = 7},
     }},
    {"2022-02-21",
     {
         [PD_IMMUNITY_NONE] = {.basis = "762/BYT-DP",
                               .quarantine = true,
                               .place = "home",
                               .quarantine_days = 7,
                               .test_days = {7},
                               .test_count = 1,
                               .monitoring_days = 3},
         [PD_IMMUNITY_PARTIAL] = {.basis = "762/BYT-DP",
                                  .quarantine = true,
                                  .place = "home",
                                  .quarantine_days = 7,
                                  .test_days = {7},
                                  .test_count = 1,
                                  .monitoring_days = 3},
         [PD_IMMUNITY_FULL] = {.basis = "762/BYT-DP",
                               .quarantine = true,
                               .place = "home",
                               .quarantine_days = 5,
                               .test_days = {5},
                               .test_count = 1,
                               .monitoring_days = 5},
         [PD_IMMUNITY_RECOVERED] = {.basis = "762/BYT-DP",
                                    .quarantine = true,
                                    .place = "home",
                                    .quarantine_days = 5,
                                    .test_days = {5},
                                    .test_count = 1,
                                    .monitoring_days = 5},
     }},
    /* April 2022: new definitions, F1 are no longer quarantined. */
    {"2022-04-01", SAME_FOR_ALL(RULE_NO_QUARANTINE)},
};
#define ROW_COUNT ((int)(sizeof rows / sizeof rows[0]))

/* From 21 Feb 2022 (762/BYT-DP) a recovery counts for 3 months, before it for 6. */
#define RECOVERED_SHORT_FROM "2022-02-21"

/* A strict YYYY-MM-DD that is a real day, copied into out (11 bytes) in that form. */
static bool parse_day(const char *s, pd_date *d, char out[11])
{
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-' || !pd_date_parse(s, d) || d->day == 0)
        return false;
    pd_date_format(d, out, 11);
    return true;
}

const pd_quarantine_rule *pd_quarantine_rule_for(const char *date, pd_immunity immunity)
{
    pd_date d;
    char day[11];
    if (!parse_day(date, &d, day) || immunity < PD_IMMUNITY_NONE ||
        immunity > PD_IMMUNITY_RECOVERED)
        return NULL;
    int pick = 0; /* before the first row: the first row */
    for (int i = 0; i < ROW_COUNT; i++)
        if (strcmp(rows[i].from, day) <= 0)
            pick = i;
    return &rows[pick].by_immunity[immunity];
}

/* Days from 1970-01-01 to a civil date (proleptic Gregorian). */
static int64_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* Unix time of 00:00 local (UTC+7) on a day. */
static int64_t local_midnight(int y, int m, int d)
{
    return days_from_civil(y, m, d) * 86400 - 7 * 3600;
}

static int month_days(int y, int m)
{
    static const int n[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : n[m - 1];
}

/* Immunity from the doses vaccination recorded (table doses, when this build has it): 1 when
 * found (out set), 0 when they have no dose by then, -1 on a store error. */
static int immunity_from_doses(sqlite3 *db, int64_t person_id, const char *day, pd_immunity *out)
{
    pd_err err;
    sqlite3_stmt *st = pd_db_cached(
        db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'doses'", &err);
    if (!st)
        return -1;
    bool have = sqlite3_step(st) == SQLITE_ROW;
    pd_db_release(st);
    if (!have)
        return 0;
    char full_by[11];
    pdq_add_days(day, -14, full_by);
    st = pd_db_prepare(db,
                       "SELECT count(*), coalesce(max(completes_primary = 1 AND given_on <= ?3),"
                       " 0) FROM doses WHERE person_id = ?1 AND given_on <= ?2",
                       &err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, person_id);
    sqlite3_bind_text(st, 2, day, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, full_by, -1, SQLITE_TRANSIENT);
    int found = -1;
    if (sqlite3_step(st) == SQLITE_ROW) {
        found = sqlite3_column_int(st, 0) > 0;
        if (found)
            *out = sqlite3_column_int(st, 1) ? PD_IMMUNITY_FULL : PD_IMMUNITY_PARTIAL;
    }
    sqlite3_finalize(st);
    return found;
}

int pd_quarantine_immunity(sqlite3 *db, int64_t person_id, const char *date, pd_immunity *out)
{
    pd_date d;
    char day[11];
    if (!out || !parse_day(date, &d, day))
        return PD_EINVAL;
    *out = PD_IMMUNITY_NONE;
    int64_t day_end = local_midnight(d.year, d.month, d.day) + 86400;

    /* Recovered: a case of theirs that became 'recovered' on or after the same day `months` months
     * earlier (clamped to the month's last day) and no later than the end of `date`. */
    int months = strcmp(day, RECOVERED_SHORT_FROM) >= 0 ? 3 : 6;
    int y = d.year, m = d.month - months;
    if (m <= 0) {
        m += 12;
        y--;
    }
    int dd = d.day > month_days(y, m) ? month_days(y, m) : d.day;
    int64_t since = local_midnight(y, m, dd);

    pd_err err;
    sqlite3_stmt *st = pd_db_cached(db,
                                    "SELECT 1 FROM cases WHERE person_id = ? AND status = "
                                    "'recovered' AND status_at >= ? AND status_at < ? LIMIT 1",
                                    &err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, person_id);
    sqlite3_bind_int64(st, 2, since);
    sqlite3_bind_int64(st, 3, day_end);
    int rc = sqlite3_step(st);
    pd_db_release(st);
    if (rc == SQLITE_ROW) {
        *out = PD_IMMUNITY_RECOVERED;
        return PD_OK;
    }
    if (rc != SQLITE_DONE)
        return PD_EDB;

    int from_doses = immunity_from_doses(db, person_id, day, out);
    if (from_doses != 0)
        return from_doses < 0 ? PD_EDB : PD_OK;

    /* Doses: the latest declaration by then that says how many (daily declarations do not). The
     * dates of the doses are not declared, so "the last at least 14 days before" cannot be
     * checked: two doses count as full. */
    st = pd_db_cached(
        db,
        "SELECT vaccine_doses FROM declarations WHERE person_id = ? AND declared_at < ?"
        " AND vaccine_doses IS NOT NULL ORDER BY declared_at DESC, id DESC LIMIT 1",
        &err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, person_id);
    sqlite3_bind_int64(st, 2, day_end);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        int doses = sqlite3_column_int(st, 0);
        *out = doses >= 2 ? PD_IMMUNITY_FULL : doses == 1 ? PD_IMMUNITY_PARTIAL : PD_IMMUNITY_NONE;
    }
    pd_db_release(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? PD_OK : PD_EDB;
}

/* ---- Rules as data rows ---------------------------------------------------------------------- */

static const char *const categories[] = {"f1", "arrival", "other", NULL};

#define RULE_COLUMNS                                                                               \
    "id, category, immunity, effective_from, basis, quarantine, place, quarantine_days,"           \
    " test_days AS test_days_json, monitoring_days,"                                               \
    " monitoring_test_days AS monitoring_test_days_json, note"

int pd_quarantine_rule_row(sqlite3 *db, const char *date, const char *category,
                           pd_immunity immunity, json_t **out, pd_err *err)
{
    pd_date d;
    char day[11];
    *out = NULL;
    if (!parse_day(date, &d, day))
        return pd_fail(err, PD_EINVAL, "date", "Ngày không hợp lệ (dạng YYYY-MM-DD)");
    if (!pdq_in_list(category, categories))
        return pd_fail(err, PD_EINVAL, "category",
                       "Nhóm phải là f1, arrival (nhập cảnh, về từ vùng dịch) hoặc other");
    if (immunity < PD_IMMUNITY_NONE || immunity > PD_IMMUNITY_RECOVERED)
        return pd_fail(err, PD_EINVAL, "immunity", "Miễn dịch phải từ 0 đến 3");
    /* The category's row in force (or its first row before it), else f1's. */
    sqlite3_stmt *st = pd_db_cached(
        db,
        "SELECT " RULE_COLUMNS " FROM quarantine_rules WHERE immunity = ?2 AND category ="
        " (CASE WHEN EXISTS (SELECT 1 FROM quarantine_rules WHERE category = ?1) THEN ?1"
        " ELSE 'f1' END)"
        " ORDER BY (effective_from <= ?3) DESC,"
        " CASE WHEN effective_from <= ?3 THEN effective_from END DESC, effective_from LIMIT 1",
        err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_text(st, 1, category, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 2, (int)immunity);
    sqlite3_bind_text(st, 3, day, -1, SQLITE_TRANSIENT);
    *out = pdq_row_or_null(st);
    pd_db_release(st);
    return *out ? PD_OK : pd_fail(err, PD_ENOTFOUND, "date", "Không có quy định cho ngày này");
}

int pd_quarantine_rules_list(sqlite3 *db, json_t **out, pd_err *err)
{
    sqlite3_stmt *st = pd_db_cached(db,
                                    "SELECT " RULE_COLUMNS " FROM quarantine_rules ORDER BY"
                                    " category = 'f1' DESC, category, effective_from, immunity",
                                    err);
    if (!st)
        return PD_EDB;
    json_t *items = pdq_rows(db, st, err);
    pd_db_release(st);
    if (!items)
        return PD_EDB;
    *out = json_pack("{s:o}", "items", items);
    return PD_OK;
}
