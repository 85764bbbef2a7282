/* `phongdich import` and `phongdich export`: the command-line front ends of transfer.h. Import
 * shows a progress bar on stderr (redrawn in place on a terminal, one line per 10% otherwise) and
 * lists every rejected row as "dòng N, cột FIELD: message", or prints a JSON report with --json. */
#include "people/transfer_cli.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "auth/auth.h"
#include "base/args.h"
#include "people/transfer.h"
#include "store/db.h"

/* ---- progress ---- */

typedef struct progress_bar {
    bool tty;
    struct timespec start;
    double last_draw;
    int last_decile;
    bool drawn;
} progress_bar;

static double seconds_since(const struct timespec *t0)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

static void draw_bar(progress_bar *b, const char *phase, int pct, int64_t done, double rate)
{
    char bar[31];
    int fill = pct * 30 / 100;
    for (int i = 0; i < 30; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[30] = '\0';
    fprintf(stderr, "\r%s [%s] %3d%%  %lld dòng  %.0f dòng/giây   ",
            strcmp(phase, "write") == 0 ? "Đang lưu " : "Đang nhập", bar, pct, (long long)done,
            rate);
    fflush(stderr);
    b->drawn = true;
}

static int on_progress(const char *phase, int64_t done, int64_t total, void *ctx)
{
    progress_bar *b = ctx;
    double t = seconds_since(&b->start);
    int pct = total > 0 ? (int)(done * 100 / total) : 0;
    pct = pct > 100 ? 100 : pct;
    double rate = t > 0 ? (double)done / t : 0;
    bool last = strcmp(phase, "write") == 0;
    if (b->tty) {
        if (last || t - b->last_draw >= 0.1) {
            b->last_draw = t;
            draw_bar(b, phase, pct, done, rate);
        }
    } else if (pct / 10 > b->last_decile) {
        b->last_decile = pct / 10;
        fprintf(stderr, "Đã xử lý %d%% (%lld dòng, %.0f dòng/giây)\n", pct, (long long)done, rate);
    }
    return 0;
}

/* ---- import ---- */

static void print_json(const pd_import_report *r, int rc, const pd_err *err)
{
    json_t *errors = json_array();
    for (int i = 0; i < r->errors_kept; i++)
        json_array_append_new(
            errors, json_pack("{s:I, s:s, s:s}", "line", (json_int_t)r->errors[i].line, "field",
                              r->errors[i].field, "message", r->errors[i].message));
    json_t *o =
        json_pack("{s:I, s:I, s:I, s:I, s:s, s:s, s:o}", "rows_total", (json_int_t)r->rows_total,
                  "rows_imported", (json_int_t)r->rows_imported, "households_imported",
                  (json_int_t)r->households_imported, "error_count", (json_int_t)r->error_count,
                  "format", r->format, "encoding", r->encoding, "errors", errors);
    if (rc != PD_OK)
        json_object_set_new(o, "message", json_string(err->message));
    char *s = json_dumps(o, 0);
    puts(s ? s : "{}");
    free(s);
    json_decref(o);
}

static void print_text(const pd_import_report *r, int rc, const pd_err *err, const char *file)
{
    if (rc == PD_OK) {
        printf("Đã nhập %lld người, %lld hộ từ %s.\n", (long long)r->rows_imported,
               (long long)r->households_imported, file);
        return;
    }
    if (r->error_count == 0) {
        fprintf(stderr, "Không nhập được tệp %s: %s\n", file, err->message);
        return;
    }
    fprintf(stderr, "Không nhập dòng nào: tệp có %lld lỗi trong %lld dòng dữ liệu.\n",
            (long long)r->error_count, (long long)r->rows_total);
    for (int i = 0; i < r->errors_kept; i++) {
        const pd_row_error *e = &r->errors[i];
        if (e->field[0])
            fprintf(stderr, "dòng %lld, cột %s: %s\n", (long long)e->line,
                    pd_import_field_label(e->field), e->message);
        else
            fprintf(stderr, "dòng %lld: %s\n", (long long)e->line, e->message);
    }
    if (r->error_count > r->errors_kept)
        fprintf(stderr, "... và %lld lỗi khác.\n", (long long)(r->error_count - r->errors_kept));
}

static int import_usage(void)
{
    fprintf(stderr,
            "Cách dùng: phongdich import --db DB [--unit MÃ_XÃ] [--format csv|xlsx] [--json] "
            "TỆP\n");
    return 2;
}

static int run_import(sqlite3 *db, const pd_args *a, const char *file)
{
    pd_actor actor = pd_actor_cli();
    progress_bar bar = {.tty = isatty(STDERR_FILENO) == 1};
    clock_gettime(CLOCK_MONOTONIC, &bar.start);
    pd_import_options opt = {.format = pd_arg(a, "format"),
                             .default_unit = pd_arg(a, "unit"),
                             .progress = on_progress,
                             .progress_ctx = &bar};
    pd_import_report *r = calloc(1, sizeof *r);
    if (!r) {
        fprintf(stderr, "Hết bộ nhớ\n");
        return 1;
    }
    pd_err err;
    pd_err_clear(&err);
    int rc = pd_people_import(db, &actor, file, &opt, r, &err);
    if (bar.drawn)
        fputc('\n', stderr);
    if (pd_arg_flag(a, "json"))
        print_json(r, rc, &err);
    else
        print_text(r, rc, &err, file);
    free(r);
    return rc == PD_OK ? 0 : 1;
}

int pd_cmd_import(int argc, char **argv)
{
    static const char *const known[] = {"db=", "unit=", "format=", "json", NULL};
    pd_args a = {argc, argv, known};
    if (!pd_args_check(&a))
        return import_usage();
    const char *path = pd_arg(&a, "db"), *file = pd_arg_positional(&a, 0);
    const char *format = pd_arg(&a, "format");
    if (!path || !file || pd_arg_positional(&a, 1))
        return import_usage();
    if (format && strcmp(format, "csv") != 0 && strcmp(format, "xlsx") != 0) {
        fprintf(stderr, "--format phải là csv hoặc xlsx\n");
        return 2;
    }
    pd_err err;
    pd_err_clear(&err);
    sqlite3 *db = pd_db_open_existing(path, &err);
    if (!db) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    int rc = run_import(db, &a, file);
    pd_db_close(db);
    return rc;
}

/* ---- export ---- */

static int export_usage(void)
{
    fprintf(stderr,
            "Cách dùng: phongdich export --db DB --out TỆP [--format xlsx|csv] [--q TÊN|SỐ] "
            "[--unit MÃ]\n");
    return 2;
}

/* --format, or the extension of --out (".csv" -> csv), else xlsx. */
static const char *export_format(const pd_args *a, const char *out)
{
    const char *f = pd_arg(a, "format");
    if (f)
        return f;
    const char *dot = strrchr(out, '.');
    return dot && strcasecmp(dot, ".csv") == 0 ? "csv" : "xlsx";
}

int pd_cmd_export(int argc, char **argv)
{
    static const char *const known[] = {"db=", "out=", "format=", "q=", "unit=", NULL};
    pd_args a = {argc, argv, known};
    if (!pd_args_check(&a))
        return export_usage();
    const char *path = pd_arg(&a, "db"), *out = pd_arg(&a, "out");
    if (!path || !out || pd_arg_positional(&a, 0))
        return export_usage();
    const char *format = export_format(&a, out);
    if (strcmp(format, "csv") != 0 && strcmp(format, "xlsx") != 0) {
        fprintf(stderr, "--format phải là xlsx hoặc csv\n");
        return 2;
    }
    pd_people_query q;
    memset(&q, 0, sizeof q);
    snprintf(q.q, sizeof q.q, "%s", pd_arg(&a, "q") ? pd_arg(&a, "q") : "");
    snprintf(q.unit_code, sizeof q.unit_code, "%s", pd_arg(&a, "unit") ? pd_arg(&a, "unit") : "");
    pd_err err;
    pd_err_clear(&err);
    sqlite3 *db = pd_db_open_existing(path, &err);
    if (!db) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    pd_actor actor = pd_actor_cli();
    int64_t rows = 0;
    int rc = pd_people_export(db, &actor, &q, out, format, &rows, &err);
    if (rc == PD_OK)
        printf("Đã xuất %lld người vào %s.\n", (long long)rows, out);
    else
        fprintf(stderr, "Không xuất được: %s\n", err.message);
    pd_db_close(db);
    return rc == PD_OK ? 0 : 1;
}
