/* Check-ins: applying one check-in or check-out (idempotent while inside, automatic check-out after
 * the venue's stay), personal QR tokens, the sweep that writes automatic check-outs, and the
 * readers for officials. The writer thread (checkin_writer.c) calls pd_checkin_apply for each job
 * of a batch. */
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "base/clock.h"
#include "declare/declare.h"
#include "store/db.h"
#include "venues/venues.h"

void pd_checkin_effective(pd_checkin *c, int stay_minutes, int64_t now)
{
    int64_t end = c->in_at + (int64_t)stay_minutes * 60;
    if (!c->out_at && now >= end) {
        c->out_at = end;
        c->flags |= PD_CHECKIN_AUTO_OUT;
    }
}

/* ---- Personal QR tokens
 * -------------------------------------------------------------------------- */

/* The token inside what a scanner read: a URL's token= argument or last path segment; other text
 * (the token, typed with spaces or dashes) as it is. */
static void token_text(const char *scanned, char *out, size_t cap)
{
    const char *t = scanned;
    const char *arg = strstr(scanned, "token=");
    if (arg)
        t = arg + 6;
    else if (strchr(scanned, '/'))
        t = strrchr(scanned, '/') + 1;
    size_t n = t == scanned ? strlen(t) : strcspn(t, "&#?");
    if (n >= cap)
        n = cap - 1;
    memcpy(out, t, n);
    out[n] = '\0';
}

bool pd_checkin_token(const char *scanned, char out[32])
{
    char t[160];
    token_text(scanned ? scanned : "", t, sizeof t);
    return pd_token_normalize(t, out);
}

static int unknown_token(pd_err *err)
{
    return pd_fail(err, PD_ENOTFOUND, "token", PD_CHECKIN_UNKNOWN_TOKEN);
}

int pd_person_by_token(sqlite3 *db, const char *token, int64_t *person_id, pd_err *err)
{
    char t[32];
    if (!pd_checkin_token(token, t))
        return unknown_token(err);
    int rc = pd_token_resolve(db, t, person_id, err);
    return rc == PD_ENOTFOUND ? unknown_token(err) : rc;
}

/* ---- Applying a job
 * ------------------------------------------------------------------------------ */

/* The person with this phone number (the earliest registered), or a minimal new record in the
 * venue's commune, marked by its note as created from a check-in. The answer never tells the two
 * apart. */
static int person_by_phone(sqlite3 *db, pd_checkin_job *job, bool create)
{
    sqlite3_stmt *st = pd_db_cached(db, "SELECT min(id) FROM people WHERE phone = ?", &job->err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_text(st, 1, job->phone, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        job->person_id = sqlite3_column_int64(st, 0);
    pd_db_release(st);
    if (job->person_id || !create)
        return PD_OK;
    st = pd_db_cached(db,
                      "INSERT INTO people(full_name, name_folded, phone, nationality, unit_code,"
                      " district_code, province_code, note, created_at, updated_at)"
                      " VALUES ('" PD_CHECKIN_PERSON_NAME "', 'khach check-in', ?1, 'VN', ?2, ?3,"
                      " ?4, '" PD_CHECKIN_PERSON_NOTE "', ?5, ?5)",
                      &job->err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_text(st, 1, job->phone, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, job->unit_code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, job->district_code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, job->province_code, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, job->now);
    int s = sqlite3_step(st);
    pd_db_release(st);
    if (s != SQLITE_DONE)
        return pd_db_error(db, &job->err);
    job->person_id = sqlite3_last_insert_rowid(db);
    return PD_OK;
}

static int set_out(sqlite3 *db, int64_t id, int64_t out_at, int add_flags, pd_err *err)
{
    sqlite3_stmt *st = pd_db_cached(
        db, "UPDATE checkins SET out_at = ?2, flags = flags | ?3 WHERE id = ?1 AND out_at IS NULL",
        err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, out_at);
    sqlite3_bind_int(st, 3, add_flags);
    int s = sqlite3_step(st);
    pd_db_release(st);
    return s == SQLITE_DONE ? PD_OK : pd_db_error(db, err);
}

/* The person's visits still open in the last day, with each venue's stay; the open visit at this
 * venue, if any, is kept in *open. With close set (a check-in), a visit at another venue or past
 * its stay is closed automatically: one cannot be in two places. */
static int find_open(sqlite3 *db, pd_checkin_job *job, bool close, pd_checkin *open)
{
    memset(open, 0, sizeof *open);
    sqlite3_stmt *st = pd_db_cached(
        db,
        "SELECT c.id, c.venue_id, c.in_at, c.flags, v.kind, coalesce(v.default_stay_minutes, 0)"
        " FROM checkins c JOIN venues v ON v.id = c.venue_id WHERE c.person_id = ?1"
        " AND c.in_at >= ?2 AND c.out_at IS NULL",
        &job->err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, job->person_id);
    sqlite3_bind_int64(st, 2, job->now - PD_VENUE_STAY_MAX * 60);
    int64_t close_id[16], close_at[16];
    int nclose = 0, s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        pd_venue v = {.default_stay_minutes = sqlite3_column_int(st, 5)};
        pd_strlcpy(v.kind, pd_col_text(st, 4), sizeof v.kind);
        pd_checkin c = {.id = sqlite3_column_int64(st, 0),
                        .venue_id = sqlite3_column_int64(st, 1),
                        .person_id = job->person_id,
                        .in_at = sqlite3_column_int64(st, 2),
                        .flags = sqlite3_column_int(st, 3)};
        int64_t end = c.in_at + (int64_t)pd_venue_stay_minutes(&v) * 60;
        if (c.venue_id == job->venue_id && job->now < end && !open->id)
            *open = c;
        else if (close && nclose < 16)
            close_id[nclose] = c.id, close_at[nclose++] = end < job->now ? end : job->now;
    }
    pd_db_release(st);
    if (s != SQLITE_DONE && s != SQLITE_ROW)
        return pd_db_error(db, &job->err);
    for (int i = 0; i < nclose; i++)
        if (set_out(db, close_id[i], close_at[i], PD_CHECKIN_AUTO_OUT, &job->err) != PD_OK)
            return PD_EDB;
    return PD_OK;
}

static int insert_checkin(sqlite3 *db, pd_checkin_job *job)
{
    sqlite3_stmt *st = pd_db_cached(
        db, "INSERT INTO checkins(venue_id, person_id, in_at, flags) VALUES (?1, ?2, ?3, ?4)",
        &job->err);
    if (!st)
        return PD_EDB;
    int flags = job->by_staff ? PD_CHECKIN_BY_STAFF : 0;
    sqlite3_bind_int64(st, 1, job->venue_id);
    sqlite3_bind_int64(st, 2, job->person_id);
    sqlite3_bind_int64(st, 3, job->now);
    sqlite3_bind_int(st, 4, flags);
    int s = sqlite3_step(st);
    pd_db_release(st);
    if (s != SQLITE_DONE)
        return pd_db_error(db, &job->err);
    job->result = (pd_checkin){.id = sqlite3_last_insert_rowid(db),
                               .venue_id = job->venue_id,
                               .person_id = job->person_id,
                               .in_at = job->now,
                               .flags = flags};
    job->outcome = PD_CHECKIN_NEW;
    return PD_OK;
}

static int apply_in(sqlite3 *db, pd_checkin_job *job, const pd_checkin *open)
{
    if (open->id) {
        job->result = *open;
        job->outcome = PD_CHECKIN_REPLAYED;
        return PD_OK;
    }
    return insert_checkin(db, job);
}

static int apply_out(sqlite3 *db, pd_checkin_job *job, pd_checkin *open)
{
    if (!open->id || (job->checkin_id && open->id != job->checkin_id))
        return pd_fail(&job->err, PD_ECONFLICT, "checkin",
                       "Chưa check-in tại địa điểm này (hoặc đã tự động check-out sau %d phút), "
                       "nên không cần check-out.",
                       job->stay_minutes);
    int add = job->by_staff ? PD_CHECKIN_BY_STAFF : 0;
    if (set_out(db, open->id, job->now, add, &job->err) != PD_OK)
        return PD_EDB;
    job->result = *open;
    job->result.out_at = job->now;
    job->result.flags |= add;
    job->outcome = PD_CHECKIN_CLOSED;
    return PD_OK;
}

/* A receipt names one visit: it must be at this venue; its person is the one to act for. */
static int person_of_receipt(sqlite3 *db, pd_checkin_job *job)
{
    sqlite3_stmt *st =
        pd_db_cached(db, "SELECT person_id, venue_id FROM checkins WHERE id = ?", &job->err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, job->checkin_id);
    int rc = PD_OK;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 1) == job->venue_id)
        job->person_id = sqlite3_column_int64(st, 0);
    else
        rc = pd_fail(&job->err, PD_ENOTFOUND, "receipt",
                     "Không tìm thấy lượt check-in này tại địa điểm");
    pd_db_release(st);
    return rc;
}

static int apply(sqlite3 *db, pd_checkin_job *job)
{
    if (job->checkin_id && !job->person_id && person_of_receipt(db, job) != PD_OK)
        return job->err.code;
    if (!job->person_id && person_by_phone(db, job, job->action == PD_CHECKIN_IN) != PD_OK)
        return PD_EDB;
    bool in = job->action == PD_CHECKIN_IN;
    pd_checkin open;
    if (find_open(db, job, in, &open) != PD_OK)
        return PD_EDB;
    if (!in && (job->action == PD_CHECKIN_OUT || open.id))
        return apply_out(db, job, &open);
    if (!in && find_open(db, job, true, &open) != PD_OK) /* toggle to in: closes visits elsewhere */
        return PD_EDB;
    return apply_in(db, job, &open);
}

/* Staff scans are changes made by an account: audited in the same transaction. A public check-in
 * has no account; its row is its own record. */
static int audit_staff(sqlite3 *db, pd_checkin_job *job)
{
    if (!job->by_staff || job->outcome == PD_CHECKIN_REPLAYED)
        return PD_OK;
    char detail[64];
    snprintf(detail, sizeof detail, "venue %lld, person %lld", (long long)job->venue_id,
             (long long)job->person_id);
    return pd_audit_write(db, &job->actor, job->outcome == PD_CHECKIN_NEW ? "checkin" : "checkout",
                          "checkin", job->result.id, job->unit_code, detail, &job->err);
}

void pd_checkin_apply(sqlite3 *db, pd_checkin_job *job)
{
    pd_err_clear(&job->err);
    job->rc = apply(db, job);
    if (job->rc == PD_OK)
        job->rc = audit_staff(db, job);
    if (job->rc == PD_OK)
        pd_checkin_effective(&job->result, job->stay_minutes, job->now);
}

void pd_checkin_run(sqlite3 *db, pd_checkin_job *job)
{
    if (pd_db_begin(db, &job->err) != PD_OK) {
        job->rc = PD_EDB;
        return;
    }
    pd_checkin_apply(db, job);
    if (job->rc != PD_OK) {
        pd_db_rollback(db);
        return;
    }
    if (pd_db_commit(db, &job->err) != PD_OK)
        job->rc = PD_EDB;
}

/* ---- Sweep
 * --------------------------------------------------------------------------------------- */

int pd_checkins_sweep_venue(sqlite3 *db, int64_t venue_id, int stay_minutes, int64_t from,
                            int64_t now, int *closed, pd_err *err)
{
    sqlite3_stmt *st = pd_db_cached(
        db,
        "UPDATE checkins SET out_at = in_at + ?2, flags = flags | 1 WHERE venue_id = ?1"
        " AND in_at >= ?3 AND in_at <= ?4 AND out_at IS NULL",
        err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, venue_id);
    sqlite3_bind_int64(st, 2, (int64_t)stay_minutes * 60);
    sqlite3_bind_int64(st, 3, from);
    sqlite3_bind_int64(st, 4, now - (int64_t)stay_minutes * 60);
    int s = sqlite3_step(st);
    pd_db_release(st);
    if (s != SQLITE_DONE)
        return pd_db_error(db, err);
    *closed += sqlite3_changes(db);
    return PD_OK;
}

int pd_checkins_sweep(sqlite3 *db, int64_t from, int64_t now, int *closed, pd_err *err)
{
    *closed = 0;
    if (pd_db_begin(db, err) != PD_OK)
        return PD_EDB;
    sqlite3_stmt *st =
        pd_db_prepare(db, "SELECT id, kind, coalesce(default_stay_minutes, 0) FROM venues", err);
    int rc = st ? PD_OK : PD_EDB;
    while (rc == PD_OK && sqlite3_step(st) == SQLITE_ROW) {
        pd_venue v = {.default_stay_minutes = sqlite3_column_int(st, 2)};
        pd_strlcpy(v.kind, pd_col_text(st, 1), sizeof v.kind);
        rc = pd_checkins_sweep_venue(db, sqlite3_column_int64(st, 0), pd_venue_stay_minutes(&v),
                                     from, now, closed, err);
    }
    sqlite3_finalize(st);
    if (rc != PD_OK) {
        pd_db_rollback(db);
        return rc;
    }
    return pd_db_commit(db, err);
}

/* ---- Readers
 * ------------------------------------------------------------------------------------- */

#define ROW_SQL                                                                                    \
    "SELECT c.id, c.venue_id, c.person_id, c.in_at, coalesce(c.out_at, 0), c.flags, p.full_name,"  \
    " coalesce(p.phone, ''), coalesce(p.birth_date, ''), p.unit_code, v.name, v.unit_code, "       \
    "v.kind,"                                                                                      \
    " coalesce(v.default_stay_minutes, 0) FROM checkins c JOIN people p ON p.id = c.person_id"     \
    " JOIN venues v ON v.id = c.venue_id WHERE "

static void row_from_stmt(sqlite3_stmt *st, pd_checkin_row *r, int64_t now)
{
    memset(r, 0, sizeof *r);
    r->c.id = sqlite3_column_int64(st, 0);
    r->c.venue_id = sqlite3_column_int64(st, 1);
    r->c.person_id = sqlite3_column_int64(st, 2);
    r->c.in_at = sqlite3_column_int64(st, 3);
    r->c.out_at = sqlite3_column_int64(st, 4);
    r->c.flags = sqlite3_column_int(st, 5);
    pd_strlcpy(r->full_name, pd_col_text(st, 6), sizeof r->full_name);
    pd_strlcpy(r->phone, pd_col_text(st, 7), sizeof r->phone);
    pd_strlcpy(r->birth_date, pd_col_text(st, 8), sizeof r->birth_date);
    pd_strlcpy(r->person_unit_code, pd_col_text(st, 9), sizeof r->person_unit_code);
    pd_strlcpy(r->venue_name, pd_col_text(st, 10), sizeof r->venue_name);
    pd_strlcpy(r->venue_unit_code, pd_col_text(st, 11), sizeof r->venue_unit_code);
    pd_venue v = {.default_stay_minutes = sqlite3_column_int(st, 13)};
    pd_strlcpy(v.kind, pd_col_text(st, 12), sizeof v.kind);
    pd_checkin_effective(&r->c, pd_venue_stay_minutes(&v), now);
}

/* Runs a reader query: ?1 the venue or person, ?2..?5 range and cursor, ?6 the limit. */
static int list_rows(sqlite3 *db, const char *where, int64_t key, const pd_checkin_query *q,
                     pd_checkin_cb cb, void *ctx, bool *more, pd_err *err)
{
    char sql[1024];
    snprintf(sql, sizeof sql,
             ROW_SQL "%s AND c.in_at >= ?2 AND c.in_at <= ?3 AND (?4 = 0 OR c.in_at < ?4 OR"
                     " (c.in_at = ?4 AND c.id < ?5)) ORDER BY c.in_at DESC, c.id DESC LIMIT ?6",
             where);
    int limit = q->limit <= 0 ? 50 : q->limit > 500 ? 500 : q->limit;
    sqlite3_stmt *st = pd_db_prepare(db, sql, err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, key);
    sqlite3_bind_int64(st, 2, q->from);
    sqlite3_bind_int64(st, 3, q->to ? q->to : INT64_MAX);
    sqlite3_bind_int64(st, 4, q->before_in_at);
    sqlite3_bind_int64(st, 5, q->before_id);
    sqlite3_bind_int(st, 6, limit + 1);
    int64_t now = pd_now();
    int n = 0, s;
    pd_checkin_row r;
    *more = false;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        if (++n > limit) {
            *more = true;
            break;
        }
        row_from_stmt(st, &r, now);
        if (cb(&r, ctx) != 0)
            break;
    }
    int rc = (s == SQLITE_ROW || s == SQLITE_DONE) ? PD_OK : pd_db_error(db, err);
    sqlite3_finalize(st);
    return rc;
}

int pd_checkins_by_venue(sqlite3 *db, const pd_actor *actor, int64_t venue_id,
                         const pd_checkin_query *q, pd_checkin_cb cb, void *ctx, bool *more,
                         pd_err *err)
{
    *more = false;
    if (!pd_actor_can(actor, PD_PERM_CHECKINS_READ))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được xem lượt check-in");
    pd_venue v;
    if (pd_venue_get(db, actor, venue_id, &v, err) != PD_OK)
        return err->code;
    pd_audit_read(db, actor, "venue_checkins", venue_id, v.unit_code, "");
    return list_rows(db, "c.venue_id = ?1", venue_id, q, cb, ctx, more, err);
}

int pd_checkins_by_person(sqlite3 *db, const pd_actor *actor, int64_t person_id,
                          const pd_checkin_query *q, pd_checkin_cb cb, void *ctx, bool *more,
                          pd_err *err)
{
    *more = false;
    if (!pd_actor_can(actor, PD_PERM_CHECKINS_READ))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được xem lượt check-in");
    sqlite3_stmt *st = pd_db_prepare(
        db, "SELECT unit_code, district_code, province_code FROM people WHERE id = ?", err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, person_id);
    bool found = sqlite3_step(st) == SQLITE_ROW &&
                 pd_scope_covers(actor, pd_col_text(st, 2), pd_col_text(st, 1), pd_col_text(st, 0));
    char unit[16] = "";
    if (found)
        pd_strlcpy(unit, pd_col_text(st, 0), sizeof unit);
    sqlite3_finalize(st);
    if (!found)
        return pd_fail(err, PD_ENOTFOUND, "id", "Không tìm thấy người này");
    pd_audit_read(db, actor, "person_checkins", person_id, unit, "");
    return list_rows(db, "c.person_id = ?1", person_id, q, cb, ctx, more, err);
}
