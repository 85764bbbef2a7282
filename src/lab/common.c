/* Helpers shared inside src/lab/ (internal.h): field errors, transactions, small queries, dates,
 * the person of a sample and reading sample rows. */
#include <stdio.h>
#include <string.h>

#include "auth/auth.h"
#include "base/clock.h"
#include "base/text.h"
#include "lab/internal.h"
#include "store/db.h"

int lab_fail_invalid(const pd_field_errors *errs, pd_err *err)
{
    return pd_fail(err, PD_EINVAL, errs->items[0].field, "%s", errs->items[0].message);
}

int lab_query_int(sqlite3 *db, const char *sql, int64_t a, int64_t b, int64_t *out, pd_err *err)
{
    *out = 0;
    sqlite3_stmt *st = pd_db_cached(db, sql, err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, a);
    if (sqlite3_bind_parameter_count(st) >= 2)
        sqlite3_bind_int64(st, 2, b);
    int r = sqlite3_step(st);
    if (r == SQLITE_ROW)
        *out = sqlite3_column_int64(st, 0);
    pd_db_release(st);
    return r == SQLITE_ROW || r == SQLITE_DONE ? PD_OK : pd_db_error(db, err);
}

bool lab_parse_day(const char *s, pd_date *d)
{
    return s && *s && pd_date_parse(s, d) && d->month > 0 && d->day > 0;
}

bool lab_in_list(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(s, *list) == 0)
            return true;
    return false;
}

void lab_today(char out[12])
{
    pd_date d = pd_local_date(pd_now());
    pd_date_format(&d, out, 12);
}

int lab_load_person(sqlite3 *db, const pd_actor *actor, int64_t id, lab_person *p, pd_err *err)
{
    sqlite3_stmt *st = pd_db_cached(db,
                                    "SELECT id, full_name, unit_code, district_code, province_code"
                                    " FROM people WHERE id = ?",
                                    err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, id);
    int r = sqlite3_step(st);
    if (r == SQLITE_ROW) {
        p->id = sqlite3_column_int64(st, 0);
        pd_strlcpy(p->full_name, pd_col_text(st, 1), sizeof p->full_name);
        pd_strlcpy(p->unit_code, pd_col_text(st, 2), sizeof p->unit_code);
        pd_strlcpy(p->district_code, pd_col_text(st, 3), sizeof p->district_code);
        pd_strlcpy(p->province_code, pd_col_text(st, 4), sizeof p->province_code);
    }
    pd_db_release(st);
    if (r != SQLITE_ROW && r != SQLITE_DONE)
        return pd_db_error(db, err);
    if (r == SQLITE_DONE ||
        (actor && !pd_scope_covers(actor, p->province_code, p->district_code, p->unit_code)))
        return pd_fail(err, PD_ENOTFOUND, "person_id", "Không tìm thấy người này");
    return PD_OK;
}

void lab_sample_from_row(sqlite3_stmt *st, pd_sample *s)
{
    memset(s, 0, sizeof *s);
    s->id = sqlite3_column_int64(st, 0);
    s->person_id = sqlite3_column_int64(st, 1);
    pd_strlcpy(s->kind, pd_col_text(st, 2), sizeof s->kind);
    pd_strlcpy(s->reason, pd_col_text(st, 3), sizeof s->reason);
    pd_strlcpy(s->sampled_on, pd_col_text(st, 4), sizeof s->sampled_on);
    s->sampled_at = sqlite3_column_int64(st, 5);
    s->quarantine_order_id = sqlite3_column_int64(st, 6);
    s->test_day = sqlite3_column_int(st, 7);
    s->campaign_id = sqlite3_column_int64(st, 8);
    s->pool_id = sqlite3_column_int64(st, 9);
    s->pool_blocked = sqlite3_column_int(st, 10) != 0;
    pd_strlcpy(s->site, pd_col_text(st, 11), sizeof s->site);
    pd_strlcpy(s->team, pd_col_text(st, 12), sizeof s->team);
    pd_strlcpy(s->label, pd_col_text(st, 13), sizeof s->label);
    pd_strlcpy(s->result, pd_col_text(st, 14), sizeof s->result);
    s->result_at = sqlite3_column_int64(st, 15);
    s->case_id = sqlite3_column_int64(st, 16);
    pd_strlcpy(s->proposal, pd_col_text(st, 17), sizeof s->proposal);
    pd_strlcpy(s->unit_code, pd_col_text(st, 18), sizeof s->unit_code);
    pd_strlcpy(s->district_code, pd_col_text(st, 19), sizeof s->district_code);
    pd_strlcpy(s->province_code, pd_col_text(st, 20), sizeof s->province_code);
    s->created_at = sqlite3_column_int64(st, 21);
    s->created_by = sqlite3_column_int64(st, 22);
    pd_strlcpy(s->full_name, pd_col_text(st, 23), sizeof s->full_name);
    pd_strlcpy(s->birth_date, pd_col_text(st, 24), sizeof s->birth_date);
    pd_strlcpy(s->phone, pd_col_text(st, 25), sizeof s->phone);
}

int lab_sample_load(sqlite3 *db, int64_t id, pd_sample *out, pd_err *err)
{
    sqlite3_stmt *st = pd_db_cached(
        db, "SELECT " LAB_SAMPLE_COLUMNS " FROM " LAB_SAMPLE_FROM " WHERE s.id = ?", err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, id);
    int r = sqlite3_step(st);
    if (r == SQLITE_ROW)
        lab_sample_from_row(st, out);
    pd_db_release(st);
    if (r == SQLITE_DONE)
        return pd_fail(err, PD_ENOTFOUND, "id", "Không tìm thấy mẫu xét nghiệm");
    return r == SQLITE_ROW ? PD_OK : pd_db_error(db, err);
}

int lab_write_result(sqlite3 *db, int64_t id, const char *result, int64_t at, pd_err *err)
{
    sqlite3_stmt *st =
        pd_db_cached(db, "UPDATE samples SET result = ?, result_at = ? WHERE id = ?", err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_text(st, 1, result, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, at);
    sqlite3_bind_int64(st, 3, id);
    int r = sqlite3_step(st);
    pd_db_release(st);
    return r == SQLITE_DONE ? PD_OK : pd_db_error(db, err);
}
