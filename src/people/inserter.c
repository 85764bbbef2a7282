/* The bulk insert path for import and demo: prepared statements reused across rows, inside the
 * caller's transaction. Rows must already be normalised (pd_person_normalize). Also the import's
 * bulk-load helpers (inserter.h): rows with their folded name given, and deferred indexes. */
#include "people/inserter.h"

#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/text.h"
#include "people/people.h"
#include "store/db.h"

#define INSERT_PEOPLE                                                                              \
    "INSERT INTO people(full_name, name_folded, birth_date, sex, id_type, id_number, phone,"       \
    " nationality, unit_code, area_code, district_code, province_code, address, household_id,"    \
    " relation, occupation, note, created_at, updated_at) VALUES "

int pd_inserter_open(sqlite3 *db, pd_inserter *ins, pd_err *err)
{
    memset(ins, 0, sizeof *ins);
    ins->db = db;
    if (sqlite3_prepare_v3(db,
                           INSERT_PEOPLE
                           "(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?18)",
                           -1, SQLITE_PREPARE_PERSISTENT, &ins->person, NULL) != SQLITE_OK ||
        sqlite3_prepare_v3(db,
                           "INSERT INTO households(unit_code, area_code, district_code,"
                           " province_code, address, head_person_id, created_at, updated_at)"
                           " VALUES (?,?,?,?,?,?,?,?)",
                           -1, SQLITE_PREPARE_PERSISTENT, &ins->household, NULL) != SQLITE_OK) {
        pd_db_error(db, err);
        pd_inserter_close(ins);
        return PD_EDB;
    }
    return PD_OK;
}

int pd_inserter_open_bulk(sqlite3 *db, pd_inserter *ins, pd_err *err)
{
    int rc = pd_inserter_open(db, ins, err);
    if (rc != PD_OK)
        return rc;
    sqlite3_stmt *st = pd_db_prepare(db,
                                     "SELECT (SELECT sql FROM sqlite_master WHERE type = 'trigger'"
                                     " AND name = 'people_fts_ai'), (SELECT coalesce(max(id), 0)"
                                     " FROM people)",
                                     err);
    if (!st) {
        pd_inserter_close(ins);
        return PD_EDB;
    }
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)) {
        ins->deferred_trigger_sql = strdup(pd_col_text(st, 0));
        ins->deferred_after_id = sqlite3_column_int64(st, 1);
    }
    sqlite3_finalize(st);
    if (ins->deferred_trigger_sql && pd_db_exec(db, "DROP TRIGGER people_fts_ai", err) != PD_OK) {
        pd_inserter_close(ins);
        return PD_EDB;
    }
    return PD_OK;
}

int pd_inserter_finish(pd_inserter *ins, pd_err *err)
{
    if (!ins->deferred_trigger_sql)
        return PD_OK;
    sqlite3_stmt *st = pd_db_prepare(
        ins->db,
        "INSERT INTO people_fts(rowid, name, scope) SELECT id, name_folded, 'p' || province_code"
        " || ' d' || district_code || ' c' || unit_code FROM people WHERE id > ? ORDER BY id",
        err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, ins->deferred_after_id);
    int s = sqlite3_step(st);
    sqlite3_finalize(st);
    if (s != SQLITE_DONE)
        return pd_db_error(ins->db, err);
    if (pd_db_exec(ins->db, ins->deferred_trigger_sql, err) != PD_OK)
        return PD_EDB;
    free(ins->deferred_trigger_sql);
    ins->deferred_trigger_sql = NULL;
    return PD_OK;
}

int pd_inserter_finish_filled(pd_inserter *ins, pd_err *err)
{
    if (!ins->deferred_trigger_sql)
        return PD_OK;
    if (pd_db_exec(ins->db, ins->deferred_trigger_sql, err) != PD_OK)
        return PD_EDB;
    free(ins->deferred_trigger_sql);
    ins->deferred_trigger_sql = NULL;
    return PD_OK;
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
    sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

static void bind_static_or_null(sqlite3_stmt *st, int i, const char *s)
{
    if (s[0])
        sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

/* Binds a person's values to parameters base+1 .. base+18 (the SQL uses base+18 twice). */
static void bind_person(sqlite3_stmt *st, int base, pd_person *p, const char *folded)
{
    p->updated_at = p->created_at;
    p->version = 1;
    bind_text(st, base + 1, p->full_name);
    bind_text(st, base + 2, folded);
    bind_static_or_null(st, base + 3, p->birth_date);
    bind_text(st, base + 4, p->sex);
    bind_text(st, base + 5, p->id_type);
    bind_static_or_null(st, base + 6, p->id_number);
    bind_static_or_null(st, base + 7, p->phone);
    bind_text(st, base + 8, p->nationality[0] ? p->nationality : "VN");
    bind_text(st, base + 9, p->unit_code);
    bind_static_or_null(st, base + 10, p->area_code);
    bind_text(st, base + 11, p->district_code);
    bind_text(st, base + 12, p->province_code);
    bind_text(st, base + 13, p->address);
    if (p->household_id)
        sqlite3_bind_int64(st, base + 14, p->household_id);
    else
        sqlite3_bind_null(st, base + 14);
    bind_text(st, base + 15, p->relation);
    bind_text(st, base + 16, p->occupation);
    bind_text(st, base + 17, p->note);
    sqlite3_bind_int64(st, base + 18, p->created_at);
}

int pd_inserter_person_folded(pd_inserter *ins, pd_person *p, const char *folded, pd_err *err)
{
    sqlite3_stmt *st = ins->person;
    bind_person(st, 0, p, folded);
    int s = sqlite3_step(st);
    sqlite3_reset(st);
    if (s != SQLITE_DONE)
        return pd_db_error(ins->db, err);
    p->id = sqlite3_last_insert_rowid(ins->db);
    return PD_OK;
}

int pd_inserter_prepare_group(sqlite3 *db, int n, sqlite3_stmt **out, pd_err *err)
{
    pd_buf sql;
    pd_buf_init(&sql);
    pd_buf_puts(&sql, INSERT_PEOPLE);
    for (int k = 0; k < n; k++) {
        int b = 18 * k;
        pd_buf_printf(&sql, "%s(", k ? "," : "");
        for (int i = 1; i <= 18; i++)
            pd_buf_printf(&sql, "?%d,", b + i);
        pd_buf_printf(&sql, "?%d)", b + 18);
    }
    *out = NULL;
    int rc = sqlite3_prepare_v3(db, sql.data, -1, SQLITE_PREPARE_PERSISTENT, out, NULL) == SQLITE_OK
                 ? PD_OK
                 : pd_db_error(db, err);
    pd_buf_free(&sql);
    return rc;
}

int pd_inserter_people_group(pd_inserter *ins, sqlite3_stmt *group, pd_person *const *p,
                             const char *const *folded, int n, int64_t *last_id, pd_err *err)
{
    for (int k = 0; k < n; k++)
        bind_person(group, 18 * k, p[k], folded[k]);
    int s = sqlite3_step(group);
    sqlite3_reset(group);
    if (s != SQLITE_DONE)
        return pd_db_error(ins->db, err);
    int64_t last = sqlite3_last_insert_rowid(ins->db);
    if (sqlite3_changes(ins->db) != n || last != *last_id + n)
        return pd_fail(err, PD_EDB, "", "Lỗi cơ sở dữ liệu: mã người không liên tiếp (%lld, %lld)",
                       (long long)*last_id, (long long)last);
    for (int k = 0; k < n; k++)
        p[k]->id = *last_id + 1 + k;
    *last_id = last;
    return PD_OK;
}

int pd_inserter_person(pd_inserter *ins, pd_person *p, pd_err *err)
{
    char folded[256];
    pd_fold(p->full_name, folded, sizeof folded);
    if (!p->created_at)
        p->created_at = pd_now();
    return pd_inserter_person_folded(ins, p, folded, err);
}

int pd_inserter_household(pd_inserter *ins, pd_household *h, pd_err *err)
{
    sqlite3_stmt *st = ins->household;
    int64_t now = h->created_at ? h->created_at : pd_now();
    bind_text(st, 1, h->unit_code);
    pd_bind_text_or_null(st, 2, h->area_code);
    bind_text(st, 3, h->district_code);
    bind_text(st, 4, h->province_code);
    bind_text(st, 5, h->address);
    if (h->head_person_id)
        sqlite3_bind_int64(st, 6, h->head_person_id);
    else
        sqlite3_bind_null(st, 6);
    sqlite3_bind_int64(st, 7, now);
    sqlite3_bind_int64(st, 8, now);
    int s = sqlite3_step(st);
    sqlite3_reset(st);
    if (s != SQLITE_DONE)
        return pd_db_error(ins->db, err);
    h->id = sqlite3_last_insert_rowid(ins->db);
    h->created_at = h->updated_at = now;
    return PD_OK;
}

void pd_inserter_close(pd_inserter *ins)
{
    sqlite3_finalize(ins->person);
    sqlite3_finalize(ins->household);
    ins->person = ins->household = NULL;
    free(ins->deferred_trigger_sql); /* unfinished bulk load: the caller rolls back */
    ins->deferred_trigger_sql = NULL;
}

/* ---- deferred indexes ---- */

void pd_deferred_indexes_free(pd_deferred_indexes *d)
{
    for (int i = 0; i < d->count; i++)
        free(d->sql[i]);
    free(d->sql);
    d->sql = NULL;
    d->count = 0;
}

int pd_people_defer_indexes(sqlite3 *db, pd_deferred_indexes *d, pd_err *err)
{
    memset(d, 0, sizeof *d);
    sqlite3_stmt *st = pd_db_prepare(db,
                                     "SELECT name, sql FROM sqlite_master WHERE type = 'index'"
                                     " AND tbl_name = 'people' AND sql IS NOT NULL"
                                     " AND NOT EXISTS (SELECT 1 FROM people) ORDER BY name",
                                     err);
    if (!st)
        return PD_EDB;
    pd_buf drop;
    pd_buf_init(&drop);
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        char **sql = realloc(d->sql, (size_t)(d->count + 1) * sizeof *sql);
        if (!sql)
            abort(); /* out of memory, as pd_buf does */
        d->sql = sql;
        d->sql[d->count] = strdup(pd_col_text(st, 1));
        if (!d->sql[d->count])
            abort();
        d->count++;
        char *q = sqlite3_mprintf("DROP INDEX \"%w\";", pd_col_text(st, 0));
        pd_buf_puts(&drop, q);
        sqlite3_free(q);
    }
    sqlite3_finalize(st);
    int rc = s == SQLITE_DONE ? PD_OK : pd_db_error(db, err);
    if (rc == PD_OK && drop.len)
        rc = pd_db_exec(db, drop.data, err);
    pd_buf_free(&drop);
    if (rc != PD_OK)
        pd_deferred_indexes_free(d);
    return rc;
}

int pd_people_restore_indexes(sqlite3 *db, pd_deferred_indexes *d, pd_err *err)
{
    int rc = PD_OK;
    for (int i = 0; i < d->count && rc == PD_OK; i++)
        rc = pd_db_exec(db, d->sql[i], err);
    pd_deferred_indexes_free(d);
    return rc;
}
