/* The bulk ingest as a whole: permission, the file's source, one transaction (BEGIN IMMEDIATE ...
 * COMMIT) around every row of the file, the lookups the rows need, the kind's run, the report and
 * the audit entry. Nothing is committed unless every row was accepted, so a rejected file, a
 * cancelled run or a killed process leaves the database as it was. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "audit/audit.h"
#include "base/clock.h"
#include "ingest/internal.h"
#include "store/db.h"

int pd_ingest_kind_parse(const char *name)
{
    if (name && strcmp(name, "checkins") == 0)
        return PD_INGEST_CHECKINS;
    if (name && strcmp(name, "declarations") == 0)
        return PD_INGEST_DECLARATIONS;
    return -1;
}

const char *pd_ingest_kind_name(pd_ingest_kind kind)
{
    return kind == PD_INGEST_DECLARATIONS ? "declarations" : "checkins";
}

void ingest_row_error(ingest_ctx *c, int64_t line, const char *field, const char *fmt, ...)
{
    pd_ingest_report *r = c->rep;
    r->error_count++;
    c->writing = false;
    if (r->errors_kept >= PD_INGEST_MAX_REPORTED_ERRORS)
        return;
    pd_ingest_error *e = &r->errors[r->errors_kept++];
    e->line = line;
    pd_strlcpy(e->field, field ? field : "", sizeof e->field);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
}

int ingest_progress(ingest_ctx *c, const char *phase, bool force)
{
    if (!c->opt || !c->opt->progress)
        return 0;
    int64_t done = c->rep->rows_total;
    double frac = ingest_source_progress(c->src);
    if (!force && done - c->last_report_rows < 100000 && frac - c->last_report_frac < 0.01)
        return 0;
    c->last_report_rows = done;
    c->last_report_frac = frac;
    int64_t total = force || frac <= 0 ? done : (int64_t)((double)done / frac);
    return c->opt->progress(phase, done, total < done ? done : total, c->opt->progress_ctx);
}

/* Rows a file of this size probably holds, to choose the strategy before reading it. */
static int64_t rows_hint(const char *path, const char *format, pd_ingest_kind kind)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return 0;
    int64_t per_row = kind == PD_INGEST_DECLARATIONS ? 160 : 60;
    if (format && strcmp(format, "xlsx") == 0)
        per_row /= 4; /* compressed */
    return (int64_t)st.st_size / per_row;
}

double ingest_clock(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static int finish(ingest_ctx *c, const char *path, pd_err *err)
{
    pd_ingest_report *r = c->rep;
    if (r->error_count > 0)
        return pd_fail(err, PD_EINVAL, r->errors[0].field,
                       "Tệp có %lld lỗi trong %lld dòng; không nhận dòng nào",
                       (long long)r->error_count, (long long)r->rows_total);
    if (r->rows_total == 0)
        return pd_fail(err, PD_EINVAL, "file", "Tệp không có dòng dữ liệu nào");
    if (ingest_progress(c, "write", true) != 0)
        return pd_fail(err, PD_ELIMIT, "cancelled",
                       "Đã hủy việc nhận dữ liệu; không có dòng nào được ghi");
    const char *name = c->opt && c->opt->file_name ? c->opt->file_name : base_name(path);
    bool ck = !c->opt || c->opt->kind == PD_INGEST_CHECKINS;
    char detail[512];
    snprintf(
        detail, sizeof detail,
        "Nhận %lld %s mới, bỏ qua %lld đã có, tạo %lld người chưa có trong sổ, từ tệp %.200s (%s)",
        (long long)r->rows_inserted, ck ? "lượt check-in" : "khai báo y tế",
        (long long)r->rows_skipped, (long long)r->people_created, name, r->format);
    return pd_audit_write(c->db, c->actor, "ingest", ck ? "checkin" : "declaration", 0, NULL,
                          detail, err);
}

static int64_t pragma_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = pd_db_prepare(db, sql, NULL);
    int64_t v = st && sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    return v;
}

/* A large load gets a larger page cache (random inserts into large indexes) and temporary files on
 * disk while it runs; the index rebuild of a bulk load changes the cache and the sorter threads
 * (ck_write.c). The connection's settings are all put back afterwards. */
typedef struct tuning {
    bool on;
    int64_t cache_size, threads, temp_store;
} tuning;

static void tune(sqlite3 *db, bool large, tuning *t)
{
    t->on = large;
    if (!large)
        return;
    t->cache_size = pragma_int(db, "PRAGMA cache_size");
    t->threads = pragma_int(db, "PRAGMA threads");
    t->temp_store = pragma_int(db, "PRAGMA temp_store");
    pd_err ignored;
    /* Temporary files on disk: an index rebuild's sorter is faster with them (ck_write.c); the
     * setting can only change outside a transaction. */
    pd_db_exec(db, "PRAGMA cache_size = -524288; PRAGMA temp_store = FILE", &ignored);
}

static void untune(sqlite3 *db, const tuning *t)
{
    if (!t->on)
        return;
    char sql[128];
    snprintf(sql, sizeof sql,
             "PRAGMA cache_size = %lld; PRAGMA threads = %lld; PRAGMA temp_store = %lld",
             (long long)t->cache_size, (long long)t->threads, (long long)t->temp_store);
    pd_err ignored;
    pd_db_exec(db, sql, &ignored);
}

static int run(ingest_ctx *c, const char *path, pd_err *err)
{
    pd_ingest_kind kind = c->opt ? c->opt->kind : PD_INGEST_CHECKINS;
    bool large = c->rows_hint >= 100000;
    tuning t;
    tune(c->db, large, &t);
    int rc = pd_db_begin(c->db, err);
    if (rc != PD_OK) {
        untune(c->db, &t);
        return rc;
    }
    rc = ingest_venues_load(c->db, c->actor, &c->venues, err);
    if (rc == PD_OK)
        rc = ingest_people_open(c->db, c->rows_hint, &c->people, err);
    if (rc == PD_OK)
        rc = kind == PD_INGEST_DECLARATIONS ? decl_run(c, err) : ck_run(c, err);
    if (rc == PD_OK)
        rc = finish(c, path, err);
    ingest_people_close(&c->people);
    ingest_venues_free(&c->venues);
    double t0 = ingest_clock();
    if (rc == PD_OK)
        rc = pd_db_commit(c->db, err);
    c->rep->commit_seconds = ingest_clock() - t0;
    if (rc != PD_OK) {
        pd_db_rollback(c->db);
        c->rep->rows_inserted = c->rep->rows_skipped = c->rep->people_created = 0;
    }
    untune(c->db, &t);
    return rc;
}

int pd_ingest_file(sqlite3 *db, const pd_actor *actor, const char *path,
                   const pd_ingest_options *opt, pd_ingest_report *report, pd_err *err)
{
    memset(report, 0, sizeof *report);
    pd_err_clear(err);
    double t0 = ingest_clock();
    if (!pd_actor_can(actor, PD_PERM_INGEST))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được nhận dữ liệu từ hệ thống khác");
    pd_ingest_kind kind = opt ? opt->kind : PD_INGEST_CHECKINS;
    ingest_ctx *c = calloc(1, sizeof *c);
    if (!c)
        return pd_fail(err, PD_ELIMIT, "", "Hết bộ nhớ");
    c->db = db;
    c->actor = actor;
    c->opt = opt;
    c->rep = report;
    c->writing = true;
    c->now = pd_now();
    const ingest_fields *f =
        kind == PD_INGEST_DECLARATIONS ? &ingest_declaration_fields : &ingest_checkin_fields;
    int rc = ingest_source_open(path, opt ? opt->format : NULL, f, &c->src, err);
    if (rc == PD_OK) {
        pd_strlcpy(report->format, ingest_source_format(c->src), sizeof report->format);
        c->rows_hint = rows_hint(path, report->format, kind);
        rc = run(c, path, err);
    }
    ingest_source_close(c->src);
    free(c);
    report->seconds = ingest_clock() - t0;
    return rc;
}
