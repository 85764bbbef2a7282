/* `phongdich ingest`: ingests a file of check-ins or declarations as the CLI actor, with a progress
 * line on stderr, and prints what was inserted and skipped, or every rejected row as
 * "dòng N, cột FIELD: message" (or a JSON report with --json). */
#include "ingest/cli.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/auth.h"
#include "base/args.h"
#include "ingest/ingest.h"
#include "store/db.h"

static int usage(void)
{
    fprintf(stderr, "Cách dùng: phongdich ingest --db DB --kind checkins|declarations"
                    " [--format csv|xlsx|jsonl] [--json] TỆP\n");
    return 2;
}

typedef struct progress {
    bool tty;
    int last_decile;
} progress;

/* A line redrawn in place on a terminal; otherwise one line per 10% (and one per later phase). */
static int on_progress(const char *phase, int64_t done, int64_t total, void *ctx)
{
    progress *p = ctx;
    const char *label = strcmp(phase, "index") == 0   ? "Đang dựng chỉ mục"
                        : strcmp(phase, "write") == 0 ? "Đang lưu"
                                                      : "Đang đọc";
    int pct = total > 0 ? (int)(done * 100 / total) : 0;
    if (p->tty) {
        fprintf(stderr, "\r%s: %lld / ~%lld dòng   ", label, (long long)done, (long long)total);
    } else if (strcmp(phase, "read") != 0) {
        fprintf(stderr, "%s (%lld dòng)\n", label, (long long)done);
    } else if (pct / 10 > p->last_decile) {
        p->last_decile = pct / 10;
        fprintf(stderr, "Đã đọc %d%% (%lld dòng)\n", pct, (long long)done);
    }
    fflush(stderr);
    return 0;
}

static void print_json(const pd_ingest_report *r, pd_ingest_kind kind, int rc, const pd_err *err)
{
    json_t *errors = json_array();
    for (int i = 0; i < r->errors_kept; i++)
        json_array_append_new(
            errors, json_pack("{s:I, s:s, s:s}", "line", (json_int_t)r->errors[i].line, "field",
                              r->errors[i].field, "message", r->errors[i].message));
    json_t *o = json_pack(
        "{s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:b, s:f, s:f, s:o}", "kind",
        pd_ingest_kind_name(kind), "format", r->format, "rows_total", (json_int_t)r->rows_total,
        "rows_inserted", (json_int_t)r->rows_inserted, "rows_skipped", (json_int_t)r->rows_skipped,
        "people_created", (json_int_t)r->people_created, "error_count", (json_int_t)r->error_count,
        "bulk", r->bulk, "seconds", r->seconds, "rows_per_second",
        r->seconds > 0 ? (double)r->rows_total / r->seconds : 0.0, "errors", errors);
    json_object_set_new(o, "read_seconds", json_real(r->read_seconds));
    json_object_set_new(o, "index_seconds", json_real(r->index_seconds));
    json_object_set_new(o, "commit_seconds", json_real(r->commit_seconds));
    if (rc != PD_OK)
        json_object_set_new(o, "message", json_string(err->message));
    char *s = json_dumps(o, JSON_REAL_PRECISION(4));
    puts(s ? s : "{}");
    free(s);
    json_decref(o);
}

static void print_text(const pd_ingest_report *r, pd_ingest_kind kind, int rc, const pd_err *err,
                       const char *file)
{
    const char *what = kind == PD_INGEST_DECLARATIONS ? "khai báo y tế" : "lượt check-in";
    if (rc == PD_OK) {
        printf("Đã nhận %lld %s mới, bỏ qua %lld dòng đã nhận trước đây, từ %s (%lld dòng, %.2f "
               "giây, %.0f dòng/giây).\n",
               (long long)r->rows_inserted, what, (long long)r->rows_skipped, file,
               (long long)r->rows_total, r->seconds,
               r->seconds > 0 ? (double)r->rows_total / r->seconds : 0.0);
        if (r->people_created)
            printf("Đã tạo %lld người chưa có trong sổ dân cư (chỉ có số giấy tờ hoặc số điện "
                   "thoại).\n",
                   (long long)r->people_created);
        return;
    }
    if (r->error_count == 0) {
        fprintf(stderr, "Không nhận được tệp %s: %s\n", file, err->message);
        return;
    }
    fprintf(stderr, "Không nhận dòng nào: tệp có %lld lỗi trong %lld dòng dữ liệu.\n",
            (long long)r->error_count, (long long)r->rows_total);
    for (int i = 0; i < r->errors_kept; i++) {
        const pd_ingest_error *e = &r->errors[i];
        if (e->field[0])
            fprintf(stderr, "dòng %lld, cột %s: %s\n", (long long)e->line, e->field, e->message);
        else
            fprintf(stderr, "dòng %lld: %s\n", (long long)e->line, e->message);
    }
    if (r->error_count > r->errors_kept)
        fprintf(stderr, "... và %lld lỗi khác.\n", (long long)(r->error_count - r->errors_kept));
}

static int run(sqlite3 *db, const pd_args *a, pd_ingest_kind kind, const char *file)
{
    pd_actor actor = pd_actor_cli();
    progress bar = {.tty = isatty(STDERR_FILENO) == 1};
    pd_ingest_options opt = {
        .kind = kind, .format = pd_arg(a, "format"), .progress = on_progress, .progress_ctx = &bar};
    pd_ingest_report *r = calloc(1, sizeof *r);
    if (!r) {
        fprintf(stderr, "Hết bộ nhớ\n");
        return 1;
    }
    pd_err err;
    pd_err_clear(&err);
    int rc = pd_ingest_file(db, &actor, file, &opt, r, &err);
    if (bar.tty)
        fputc('\n', stderr);
    if (pd_arg_flag(a, "json"))
        print_json(r, kind, rc, &err);
    else
        print_text(r, kind, rc, &err, file);
    free(r);
    return rc == PD_OK ? 0 : 1;
}

int pd_cmd_ingest(int argc, char **argv)
{
    static const char *const known[] = {"db=", "kind=", "format=", "json", NULL};
    pd_args a = {argc, argv, known};
    if (!pd_args_check(&a))
        return usage();
    const char *path = pd_arg(&a, "db"), *file = pd_arg_positional(&a, 0);
    int kind = pd_ingest_kind_parse(pd_arg(&a, "kind"));
    if (!path || !file || pd_arg_positional(&a, 1) || kind < 0)
        return usage();
    const char *format = pd_arg(&a, "format");
    if (format && strcmp(format, "csv") != 0 && strcmp(format, "xlsx") != 0 &&
        strcmp(format, "jsonl") != 0) {
        fprintf(stderr, "--format phải là csv, xlsx hoặc jsonl\n");
        return 2;
    }
    pd_err err;
    pd_err_clear(&err);
    sqlite3 *db = pd_db_open_existing(path, &err);
    if (!db) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    int rc = run(db, &a, (pd_ingest_kind)kind, file);
    pd_db_close(db);
    return rc;
}
