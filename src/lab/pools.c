/* Pooled testing (domain rules §7, Decision 3486/QĐ-BYT): pools of pending RT-PCR samples, at most
 * the configured size; a pool's result (negative: every member negative; positive: every member
 * stays pending, blocked, with a re-test task to sample them again alone); the re-test list. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "base/clock.h"
#include "base/text.h"
#include "lab/internal.h"
#include "store/db.h"

#define POOL_COLUMNS                                                                               \
    "l.id, coalesce(l.label,''), l.size, l.result, coalesce(l.result_at,0), l.unit_code,"          \
    " l.district_code, l.province_code, l.created_at,"                                             \
    " (SELECT count(*) FROM lab_retests r WHERE r.pool_id = l.id AND r.sample_id IS NULL)"

static void pool_from_row(sqlite3_stmt *st, pd_pool *p)
{
    memset(p, 0, sizeof *p);
    p->id = sqlite3_column_int64(st, 0);
    pd_strlcpy(p->label, pd_col_text(st, 1), sizeof p->label);
    p->size = sqlite3_column_int(st, 2);
    pd_strlcpy(p->result, pd_col_text(st, 3), sizeof p->result);
    p->result_at = sqlite3_column_int64(st, 4);
    pd_strlcpy(p->unit_code, pd_col_text(st, 5), sizeof p->unit_code);
    pd_strlcpy(p->district_code, pd_col_text(st, 6), sizeof p->district_code);
    pd_strlcpy(p->province_code, pd_col_text(st, 7), sizeof p->province_code);
    p->created_at = sqlite3_column_int64(st, 8);
    p->retests_open = sqlite3_column_int64(st, 9);
}

static int pool_query(sqlite3 *db, const pd_actor *actor, const char *sql, int64_t id,
                      const char *label, pd_pool *out, pd_err *err)
{
    sqlite3_stmt *st = pd_db_cached(db, sql, err);
    if (!st)
        return PD_EDB;
    if (label)
        sqlite3_bind_text(st, 1, label, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_int64(st, 1, id);
    int r = sqlite3_step(st);
    if (r == SQLITE_ROW)
        pool_from_row(st, out);
    pd_db_release(st);
    if (r != SQLITE_ROW && r != SQLITE_DONE)
        return pd_db_error(db, err);
    if (r == SQLITE_DONE ||
        !pd_scope_covers(actor, out->province_code, out->district_code, out->unit_code))
        return pd_fail(err, PD_ENOTFOUND, label ? "label" : "id", "Không tìm thấy mẫu gộp");
    return PD_OK;
}

int pd_pool_get(sqlite3 *db, const pd_actor *actor, int64_t id, pd_pool *out, pd_err *err)
{
    if (!pd_actor_can(actor, PD_PERM_LAB_READ))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được xem xét nghiệm");
    return pool_query(db, actor, "SELECT " POOL_COLUMNS " FROM lab_pools l WHERE l.id = ?", id,
                      NULL, out, err);
}

int lab_pool_by_label(sqlite3 *db, const pd_actor *actor, const char *label, pd_pool *out,
                      pd_err *err)
{
    return pool_query(db, actor, "SELECT " POOL_COLUMNS " FROM lab_pools l WHERE l.label = ?", 0,
                      label, out, err);
}

/* The members, checked: in scope, RT-PCR, pending, in no pool, listed once. */
static int check_members(sqlite3 *db, const pd_actor *actor, const int64_t *ids, int n,
                         pd_sample *first, pd_err *err)
{
    for (int i = 0; i < n; i++) {
        pd_sample s;
        int rc = pd_sample_get(db, actor, ids[i], &s, err);
        if (rc == PD_ENOTFOUND)
            return pd_fail(err, PD_ENOTFOUND, "sample_ids", "Không tìm thấy mẫu %lld",
                           (long long)ids[i]);
        if (rc != PD_OK)
            return rc;
        if (strcmp(s.kind, "pcr") != 0)
            return pd_fail(err, PD_EINVAL, "sample_ids", "Mẫu %s là test nhanh: chỉ gộp mẫu RT-PCR",
                           s.label);
        if (strcmp(s.result, "pending") != 0 || s.pool_id)
            return pd_fail(err, PD_EINVAL, "sample_ids",
                           "Mẫu %s đã có kết quả hoặc đã nằm trong mẫu gộp khác", s.label);
        for (int j = 0; j < i; j++)
            if (ids[j] == ids[i])
                return pd_fail(err, PD_EINVAL, "sample_ids", "Mẫu %s được chọn hai lần", s.label);
        if (i == 0)
            *first = s;
    }
    return PD_OK;
}

static int insert_pool(sqlite3 *db, const pd_actor *actor, const pd_sample *first, int n,
                       pd_pool *out, pd_err *err)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = pd_db_cached(
        db,
        "INSERT INTO lab_pools(size, unit_code, district_code, province_code, created_at,"
        " created_by) VALUES (?,?,?,?,?,?)",
        err);
    if (!st)
        return PD_EDB;
    out->created_at = pd_now();
    sqlite3_bind_int(st, 1, n);
    sqlite3_bind_text(st, 2, first->unit_code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, first->district_code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, first->province_code, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, out->created_at);
    if (actor->user_id)
        sqlite3_bind_int64(st, 6, actor->user_id);
    else
        sqlite3_bind_null(st, 6);
    int r = sqlite3_step(st);
    pd_db_release(st);
    if (r != SQLITE_DONE)
        return pd_db_error(db, err);
    out->id = sqlite3_last_insert_rowid(db);
    out->size = n;
    snprintf(out->label, sizeof out->label, "P%06lld", (long long)out->id);
    pd_strlcpy(out->result, "pending", sizeof out->result);
    pd_strlcpy(out->unit_code, first->unit_code, sizeof out->unit_code);
    pd_strlcpy(out->district_code, first->district_code, sizeof out->district_code);
    pd_strlcpy(out->province_code, first->province_code, sizeof out->province_code);
    st = pd_db_cached(db, "UPDATE lab_pools SET label = ? WHERE id = ?", err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_text(st, 1, out->label, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, out->id);
    r = sqlite3_step(st);
    pd_db_release(st);
    return r == SQLITE_DONE ? PD_OK : pd_db_error(db, err);
}

int lab_pool_create_tx(sqlite3 *db, const pd_actor *actor, const int64_t *ids, int n, pd_pool *out,
                       pd_err *err)
{
    int max = pd_lab_pool_max(db);
    if (n < 1 || n > max)
        return pd_fail(err, PD_EINVAL, "sample_ids", "Một mẫu gộp có từ 1 đến %d mẫu", max);
    pd_sample first;
    int rc = check_members(db, actor, ids, n, &first, err);
    if (rc == PD_OK)
        rc = insert_pool(db, actor, &first, n, out, err);
    sqlite3_stmt *st =
        rc == PD_OK ? pd_db_cached(db, "UPDATE samples SET pool_id = ? WHERE id = ?", err) : NULL;
    if (rc == PD_OK && !st)
        rc = PD_EDB;
    for (int i = 0; rc == PD_OK && i < n; i++) {
        sqlite3_bind_int64(st, 1, out->id);
        sqlite3_bind_int64(st, 2, ids[i]);
        rc = sqlite3_step(st) == SQLITE_DONE ? PD_OK : pd_db_error(db, err);
        sqlite3_reset(st);
    }
    pd_db_release(st);
    if (rc != PD_OK)
        return rc;
    char detail[160];
    snprintf(detail, sizeof detail, "Gộp %d mẫu RT-PCR vào mẫu gộp %s", n, out->label);
    return pd_audit_write(db, actor, "create", "pool", out->id, out->unit_code, detail, err);
}

int pd_pool_create(sqlite3 *db, const pd_actor *actor, const int64_t *sample_ids, int n,
                   pd_pool *out, pd_err *err)
{
    if (!pd_actor_can(actor, PD_PERM_LAB_WRITE))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được gộp mẫu");
    if (pd_db_begin(db, err) != PD_OK)
        return PD_EDB;
    return pd_db_end(db, lab_pool_create_tx(db, actor, sample_ids, n, out, err), err);
}

static int take_for(sqlite3 *db, const pd_actor *actor, int64_t person_id, const char *reason,
                    int64_t campaign_id, int64_t *sample_id, pd_err *err)
{
    pd_sample s;
    memset(&s, 0, sizeof s);
    s.person_id = person_id;
    pd_strlcpy(s.kind, "pcr", sizeof s.kind);
    pd_strlcpy(s.reason, reason && reason[0] ? reason : "screening", sizeof s.reason);
    s.campaign_id = campaign_id;
    pd_field_errors errs = {0};
    int rc = lab_sample_take_tx(db, actor, &s, &errs, err);
    if (rc == PD_ENOTFOUND)
        pd_strlcpy(err->field, "person_ids", sizeof err->field);
    *sample_id = s.id;
    return rc;
}

static int create_for_tx(sqlite3 *db, const pd_actor *actor, const int64_t *person_ids, int n,
                         int size, const char *reason, int64_t campaign_id, int64_t *pool_ids,
                         int cap, int *npools, pd_err *err)
{
    int64_t *ids = calloc((size_t)n, sizeof *ids);
    if (!ids)
        return pd_fail(err, PD_ELIMIT, "", "Không đủ bộ nhớ");
    int rc = PD_OK;
    for (int i = 0; rc == PD_OK && i < n; i++)
        rc = take_for(db, actor, person_ids[i], reason, campaign_id, &ids[i], err);
    for (int i = 0; rc == PD_OK && i < n; i += size) {
        pd_pool p;
        rc = lab_pool_create_tx(db, actor, ids + i, n - i < size ? n - i : size, &p, err);
        if (rc == PD_OK && *npools < cap)
            pool_ids[(*npools)++] = p.id;
    }
    free(ids);
    return rc;
}

int pd_pool_create_for(sqlite3 *db, const pd_actor *actor, const int64_t *person_ids, int n,
                       int size, const char *reason, int64_t campaign_id, int64_t *pool_ids,
                       int cap, int *npools, pd_err *err)
{
    *npools = 0;
    if (!pd_actor_can(actor, PD_PERM_LAB_WRITE))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được gộp mẫu");
    int max = pd_lab_pool_max(db);
    if (size == 0)
        size = max;
    if (size < 1 || size > max)
        return pd_fail(err, PD_EINVAL, "size", "Cỡ mẫu gộp phải từ 1 đến %d", max);
    if (n < 1 || n > 10000)
        return pd_fail(err, PD_EINVAL, "person_ids", "Chọn từ 1 đến 10.000 người");
    if (pd_db_begin(db, err) != PD_OK)
        return PD_EDB;
    int rc = create_for_tx(db, actor, person_ids, n, size, reason, campaign_id, pool_ids, cap,
                           npools, err);
    if (rc != PD_OK)
        *npools = 0;
    return pd_db_end(db, rc, err);
}

/* ---- results ---- */

static int exec_id(sqlite3 *db, const char *sql, int64_t id, const char *text, int64_t at,
                   pd_err *err)
{
    sqlite3_stmt *st = pd_db_cached(db, sql, err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_bind_parameter_count(st) >= 2)
        sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
    if (sqlite3_bind_parameter_count(st) >= 3)
        sqlite3_bind_int64(st, 3, at);
    int r = sqlite3_step(st);
    pd_db_release(st);
    return r == SQLITE_DONE ? PD_OK : pd_db_error(db, err);
}

static int apply_members(sqlite3 *db, const pd_pool *p, const char *result, int64_t at, pd_err *err)
{
    if (strcmp(result, "negative") == 0)
        return exec_id(db,
                       "UPDATE samples SET result = ?2, result_at = ?3 WHERE pool_id = ?1 AND"
                       " result = 'pending'",
                       p->id, "negative", at, err);
    if (strcmp(result, "positive") != 0)
        return PD_OK;
    char today[12];
    lab_today(today);
    int rc =
        exec_id(db, "UPDATE samples SET pool_blocked = 1 WHERE pool_id = ?1", p->id, NULL, 0, err);
    if (rc != PD_OK)
        return rc;
    return exec_id(db,
                   "INSERT INTO lab_retests(pool_id, person_id, from_sample_id, due_on, unit_code,"
                   " district_code, province_code, created_at) SELECT ?1, person_id, id, ?2,"
                   " unit_code, district_code, province_code, ?3 FROM samples WHERE pool_id = ?1"
                   " ORDER BY id",
                   p->id, today, at, err);
}

int lab_pool_result_tx(sqlite3 *db, const pd_actor *actor, const pd_pool *p, const char *result,
                       int64_t at, bool *changed, pd_err *err)
{
    static const char *const results[] = {"negative", "positive", "invalid", NULL};
    *changed = false;
    if (!lab_in_list(result, results))
        return pd_fail(err, PD_EINVAL, "result",
                       "Kết quả phải là negative (âm tính), positive (dương tính) hoặc invalid "
                       "(không xác định)");
    if (strcmp(p->result, result) == 0)
        return PD_OK;
    if (strcmp(p->result, "pending") != 0 && strcmp(p->result, "invalid") != 0)
        return pd_fail(err, PD_ECONFLICT, "result", "Mẫu gộp %s đã có kết quả", p->label);
    if (at > pd_now() + 300 || at < p->created_at - 86400 * 60)
        return pd_fail(err, PD_EINVAL, "result_at", "Ngày có kết quả không hợp lệ");
    int rc = exec_id(db, "UPDATE lab_pools SET result = ?2, result_at = ?3 WHERE id = ?1", p->id,
                     result, at, err);
    if (rc == PD_OK)
        rc = apply_members(db, p, result, at, err);
    if (rc != PD_OK)
        return rc;
    *changed = true;
    char detail[200];
    snprintf(detail, sizeof detail, "Kết quả mẫu gộp %s (%d mẫu): %s%s", p->label, p->size, result,
             strcmp(result, "positive") == 0 ? "; lấy mẫu lại từng người để xét nghiệm riêng" : "");
    return pd_audit_write(db, actor, "update", "pool", p->id, p->unit_code, detail, err);
}

int pd_pool_result(sqlite3 *db, const pd_actor *actor, int64_t id, const char *result,
                   int64_t result_at, pd_err *err)
{
    if (!pd_actor_can(actor, PD_PERM_LAB_WRITE))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được nhập kết quả xét nghiệm");
    if (pd_db_begin(db, err) != PD_OK)
        return PD_EDB;
    pd_pool p;
    bool changed;
    int rc = pd_pool_get(db, actor, id, &p, err);
    if (rc == PD_OK)
        rc = lab_pool_result_tx(db, actor, &p, result, result_at ? result_at : pd_now(), &changed,
                                err);
    return pd_db_end(db, rc, err);
}

int pd_pools_list(sqlite3 *db, const pd_actor *actor, int64_t before_id, int limit, pd_pool_cb cb,
                  void *ctx, bool *more, pd_err *err)
{
    *more = false;
    if (!pd_actor_can(actor, PD_PERM_LAB_READ))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được xem xét nghiệm");
    limit = limit <= 0 ? 50 : limit > 1000 ? 1000 : limit;
    char scope[96], sql[1024];
    snprintf(sql, sizeof sql,
             "SELECT " POOL_COLUMNS " FROM lab_pools l WHERE %s AND l.id < ? ORDER BY l.id DESC"
             " LIMIT %d",
             pd_scope_sql(actor, "l", scope, sizeof scope), limit + 1);
    sqlite3_stmt *st = pd_db_prepare(db, sql, err);
    if (!st)
        return PD_EDB;
    int i = 1;
    if (pd_scope_param(actor))
        sqlite3_bind_text(st, i++, pd_scope_param(actor), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, i, before_id > 0 ? before_id : INT64_MAX);
    int n = 0, r;
    pd_pool p;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        if (n++ == limit) {
            *more = true;
            break;
        }
        pool_from_row(st, &p);
        if (cb(&p, ctx) != 0)
            break;
    }
    int rc = r == SQLITE_ROW || r == SQLITE_DONE ? PD_OK : pd_db_error(db, err);
    sqlite3_finalize(st);
    return rc;
}

int pd_lab_retests(sqlite3 *db, const pd_actor *actor, bool all, pd_retest_cb cb, void *ctx,
                   pd_err *err)
{
    if (!pd_actor_can(actor, PD_PERM_LAB_READ))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được xem xét nghiệm");
    char scope[96], sql[1024];
    snprintf(sql, sizeof sql,
             "SELECT r.id, r.pool_id, r.person_id, r.from_sample_id, coalesce(r.sample_id,0),"
             " r.due_on, p.full_name, coalesce(p.phone,''), r.unit_code, coalesce(l.label,'')"
             " FROM lab_retests r JOIN people p ON p.id = r.person_id JOIN lab_pools l ON"
             " l.id = r.pool_id WHERE %s%s ORDER BY r.id LIMIT 5000",
             pd_scope_sql(actor, "r", scope, sizeof scope), all ? "" : " AND r.sample_id IS NULL");
    sqlite3_stmt *st = pd_db_prepare(db, sql, err);
    if (!st)
        return PD_EDB;
    if (pd_scope_param(actor))
        sqlite3_bind_text(st, 1, pd_scope_param(actor), -1, SQLITE_TRANSIENT);
    int r;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        pd_retest t;
        memset(&t, 0, sizeof t);
        t.id = sqlite3_column_int64(st, 0);
        t.pool_id = sqlite3_column_int64(st, 1);
        t.person_id = sqlite3_column_int64(st, 2);
        t.from_sample_id = sqlite3_column_int64(st, 3);
        t.sample_id = sqlite3_column_int64(st, 4);
        pd_strlcpy(t.due_on, pd_col_text(st, 5), sizeof t.due_on);
        pd_strlcpy(t.full_name, pd_col_text(st, 6), sizeof t.full_name);
        pd_strlcpy(t.phone, pd_col_text(st, 7), sizeof t.phone);
        pd_strlcpy(t.unit_code, pd_col_text(st, 8), sizeof t.unit_code);
        pd_strlcpy(t.pool_label, pd_col_text(st, 9), sizeof t.pool_label);
        if (cb(&t, ctx) != 0)
            break;
    }
    int rc = r == SQLITE_ROW || r == SQLITE_DONE ? PD_OK : pd_db_error(db, err);
    sqlite3_finalize(st);
    return rc;
}
