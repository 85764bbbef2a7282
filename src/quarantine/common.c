/* Helpers shared by quarantine and care: days, a scope narrowed to a unit, rows as JSON. */
#include "quarantine/internal.h"

#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/text.h"
#include "base/validate.h"
#include "store/db.h"

int pdq_day(const char *in, const char *field, char out[11], pd_err *err)
{
    pd_date d;
    if (!in || !*in) {
        d = pd_local_date(pd_now());
    } else if (!pd_date_parse(in, &d) || d.month == 0 || d.day == 0 || d.year < 2000 ||
               d.year > 2100) {
        return pd_fail(err, PD_EINVAL, field,
                       "Ngày không hợp lệ (dạng 2021-12-20 hoặc 20/12/2021)");
    }
    pd_date_format(&d, out, 11);
    return PD_OK;
}

int pdq_day_not_future(const char *in, const char *field, char out[11], pd_err *err)
{
    char today[11];
    if (pdq_day(in, field, out, err) != PD_OK || pdq_day("", field, today, err) != PD_OK)
        return err->code;
    if (strcmp(out, today) > 0)
        return pd_fail(err, PD_EINVAL, field, "Ngày không được ở tương lai");
    return PD_OK;
}

/* H. Hinnant's civil_from_days. */
static pd_date civil(int64_t z)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    pd_date d;
    d.day = (int)(doy - (153 * mp + 2) / 5 + 1);
    d.month = (int)(mp < 10 ? mp + 3 : mp - 9);
    d.year = (int)(yoe + era * 400 + (d.month <= 2));
    return d;
}

void pdq_add_days(const char *day, int n, char out[11])
{
    pd_date d = {0, 0, 0};
    pd_date_parse(day, &d);
    pd_date r = civil(pd_date_days(&d) + n);
    pd_date_format(&r, out, 11);
}

int pdq_days_between(const char *a, const char *b)
{
    pd_date x = {0, 0, 0}, y = {0, 0, 0};
    pd_date_parse(a, &x);
    pd_date_parse(b, &y);
    return (int)(pd_date_days(&y) - pd_date_days(&x));
}

int pdq_narrow(sqlite3 *db, const pd_actor *actor, const char *unit, pd_actor *out, pd_err *err)
{
    *out = *actor;
    if (!unit || !*unit)
        return PD_OK;
    sqlite3_stmt *st = pd_db_cached(db,
                                    "SELECT level, province_code, coalesce(district_code,''),"
                                    " coalesce(commune_code,'') FROM units WHERE code = ?",
                                    err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_text(st, 1, unit, -1, SQLITE_TRANSIENT);
    int rc = PD_ENOTFOUND;
    if (sqlite3_step(st) == SQLITE_ROW) {
        int level = sqlite3_column_int(st, 0);
        const char *p = pd_col_text(st, 1), *d = pd_col_text(st, 2), *c = pd_col_text(st, 3);
        if (pd_scope_covers(actor, p, *d ? d : NULL, *c ? c : NULL)) {
            out->scope_level = level >= 3 ? PD_SCOPE_COMMUNE : (pd_scope_level)level;
            pd_strlcpy(out->scope_code,
                       level >= 3   ? c
                       : level == 2 ? d
                                    : p,
                       sizeof out->scope_code);
            rc = PD_OK;
        }
    }
    pd_db_release(st);
    if (rc != PD_OK)
        return pd_fail(err, PD_ENOTFOUND, "unit", "Không tìm thấy đơn vị này trong phạm vi");
    return PD_OK;
}

const char *pdq_scope_sql(const pd_actor *actor, const char *alias, char *out, size_t cap)
{
    static const char *const columns[] = {NULL, "province_code", "district_code", "unit_code"};
    if (actor->scope_level == PD_SCOPE_COUNTRY)
        snprintf(out, cap, "1");
    else
        snprintf(out, cap, "%s.%s = ?9", alias, columns[actor->scope_level]);
    return out;
}

void pdq_bind_scope(sqlite3_stmt *st, const pd_actor *actor)
{
    const char *p = pd_scope_param(actor);
    if (p)
        sqlite3_bind_text(st, 9, p, -1, SQLITE_TRANSIENT);
}

json_t *pdq_row(sqlite3_stmt *st)
{
    json_t *o = json_object();
    int n = sqlite3_column_count(st);
    for (int i = 0; i < n; i++) {
        const char *name = sqlite3_column_name(st, i);
        size_t len = strlen(name);
        json_t *v;
        switch (sqlite3_column_type(st, i)) {
        case SQLITE_INTEGER:
            v = json_integer(sqlite3_column_int64(st, i));
            break;
        case SQLITE_FLOAT:
            v = json_real(sqlite3_column_double(st, i));
            break;
        case SQLITE_NULL:
            v = json_null();
            break;
        default:
            v = json_string(pd_col_text(st, i));
            if (!v)
                v = json_string("");
        }
        if (len > 5 && strcmp(name + len - 5, "_json") == 0) {
            char key[64];
            snprintf(key, sizeof key, "%.*s", (int)(len - 5), name);
            json_t *parsed = json_is_string(v) ? json_loads(json_string_value(v), 0, NULL) : NULL;
            json_object_set_new(o, key, parsed ? parsed : json_array());
            json_decref(v);
        } else {
            json_object_set_new(o, name, v);
        }
    }
    return o;
}

json_t *pdq_row_or_null(sqlite3_stmt *st)
{
    return sqlite3_step(st) == SQLITE_ROW ? pdq_row(st) : NULL;
}

json_t *pdq_rows(sqlite3 *db, sqlite3_stmt *st, pd_err *err)
{
    json_t *a = json_array();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        json_array_append_new(a, pdq_row(st));
    if (rc != SQLITE_DONE) {
        pd_db_error(db, err);
        json_decref(a);
        return NULL;
    }
    return a;
}

bool pdq_in_list(const char *v, const char *const *list)
{
    for (; v && *list; list++)
        if (strcmp(v, *list) == 0)
            return true;
    return false;
}

int pdq_text(const char *in, size_t max, const char *field, char *out, size_t cap, pd_err *err)
{
    if (!pd_nfc_clean(in ? in : "", out, cap) || pd_utf8_length(out) > max)
        return pd_fail(err, PD_EINVAL, field, "Nội dung quá dài (tối đa %zu ký tự)", max);
    return PD_OK;
}

int pdq_facility_load(sqlite3 *db, const pd_actor *actor, int64_t id, const char *field,
                      pdq_facility_row *out, pd_err *err)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = pd_db_cached(db,
                                    "SELECT kind, coalesce(tier,0), beds, icu_beds, unit_code,"
                                    " district_code, province_code FROM facilities"
                                    " WHERE id = ? AND active = 1",
                                    err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, id);
    bool found = sqlite3_step(st) == SQLITE_ROW;
    if (found) {
        pd_strlcpy(out->kind, pd_col_text(st, 0), sizeof out->kind);
        out->tier = sqlite3_column_int(st, 1);
        out->beds = sqlite3_column_int(st, 2);
        out->icu_beds = sqlite3_column_int(st, 3);
        pd_strlcpy(out->unit, pd_col_text(st, 4), sizeof out->unit);
        pd_strlcpy(out->district, pd_col_text(st, 5), sizeof out->district);
        pd_strlcpy(out->province, pd_col_text(st, 6), sizeof out->province);
    }
    pd_db_release(st);
    if (!found || !pd_scope_covers(actor, out->province, out->district, out->unit))
        return pd_fail(err, PD_ENOTFOUND, field, "Không tìm thấy cơ sở này");
    return PD_OK;
}
