/* `phongdich case list|add`: the CLI front end of cases.h, acting as the CLI actor (a country-wide
 * admin). `case list --json` prints an array of CASE objects as the API writes them (times ISO 8601
 * +07:00); `case add` confirms a case, traces it at once (trace.h) and prints what tracing found.
 */
#include "cases/cli.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/text.h"
#include "cases/cases.h"
#include "cases/cases_json.h"
#include "cli/cli.h"
#include "store/db.h"
#include "trace/trace.h"

static void usage(void)
{
    fprintf(stderr,
            "Cách dùng:\n"
            "  phongdich case list --db DB [--status active|recovered|died|transferred]"
            " [--unit MÃ] [--json]\n"
            "  phongdich case add  --db DB --person ID --sample-date NGÀY [--onset-date NGÀY]\n"
            "                      [--found-in community|quarantine|imported]\n"
            "                      [--basis pcr|antigen_f1|antigen_link|antigen_twice|entered]\n"
            "                      [--note GHI_CHÚ] [--json]\n");
}

static const char *status_label(const char *s)
{
    if (strcmp(s, "active") == 0)
        return "đang điều trị";
    if (strcmp(s, "recovered") == 0)
        return "khỏi bệnh";
    if (strcmp(s, "died") == 0)
        return "tử vong";
    if (strcmp(s, "transferred") == 0)
        return "chuyển tuyến";
    return s;
}

typedef struct list_out {
    sqlite3 *db;
    json_t *items; /* --json; NULL: text */
    int64_t last_id;
    int64_t count;
} list_out;

static int print_case(const pd_case *c, void *ctx)
{
    list_out *o = ctx;
    o->last_id = c->id;
    o->count++;
    if (o->items) {
        json_array_append_new(o->items, pd_case_json(o->db, c));
        return 0;
    }
    char when[40];
    pd_format_local(c->confirmed_at, when, sizeof when);
    when[16] = '\0'; /* 2021-11-15T08:30 */
    when[10] = ' ';
    /* Names and labels are padded by characters, not bytes (Vietnamese letters take 2-3). */
    size_t name_pad = 32 - (pd_utf8_length(c->full_name) < 32 ? pd_utf8_length(c->full_name) : 32);
    const char *label = status_label(c->status);
    size_t label_pad = 14 - (pd_utf8_length(label) < 14 ? pd_utf8_length(label) : 14);
    printf("%6lld  %s%*s %7lld  %s  %-8s %s%*s F1 %lld, F2 %lld\n", (long long)c->id, c->full_name,
           (int)name_pad, "", (long long)c->person_id, when, c->unit_code, label, (int)label_pad,
           "", (long long)c->f1_count, (long long)c->f2_count);
    return 0;
}

static void copy_arg(const pd_args *a, const char *name, char *out, size_t cap, const char *def)
{
    const char *v = pd_arg(a, name);
    pd_strlcpy(out, v ? v : def, cap);
}

static int case_list(int argc, char **argv)
{
    static const char *const known[] = {"db=", "status=", "unit=", "json", NULL};
    pd_args a = {argc, argv, known};
    if (!pd_args_check(&a)) {
        usage();
        return 2;
    }
    sqlite3 *db = pd_cli_open_db(&a, 0);
    if (!db)
        return 1;
    pd_cases_query q;
    memset(&q, 0, sizeof q);
    copy_arg(&a, "status", q.status, sizeof q.status, "");
    copy_arg(&a, "unit", q.unit_code, sizeof q.unit_code, "");
    q.limit = 10000;
    list_out o = {db, pd_arg_flag(&a, "json") ? json_array() : NULL, 0, 0};
    pd_actor cli = pd_actor_cli();
    pd_err err;
    bool more = false;
    int rc;
    do { /* every page, newest first */
        rc = pd_cases_list(db, &cli, &q, print_case, &o, &more, &err);
        q.before_id = o.last_id;
    } while (rc == PD_OK && more);
    if (rc != PD_OK)
        fprintf(stderr, "%s\n", err.message);
    else if (o.items) {
        json_dumpf(o.items, stdout, JSON_COMPACT);
        putchar('\n');
    } else if (o.count == 0) {
        printf("Không có ca bệnh nào.\n");
    }
    json_decref(o.items);
    pd_db_close(db);
    return rc == PD_OK ? 0 : 1;
}

/* Confirms, then traces; prints the case and what tracing found. */
static int add_and_trace(sqlite3 *db, pd_case *c, bool as_json)
{
    pd_actor cli = pd_actor_cli();
    pd_field_errors errs = {0};
    pd_err err;
    int rc = pd_case_confirm(db, &cli, c, &errs, &err);
    if (rc != PD_OK) {
        for (int i = 0; i < (errs.count ? errs.count : 1); i++)
            fprintf(stderr, "%s%s%s\n", errs.count ? errs.items[i].field : err.field,
                    (errs.count ? errs.items[i].field : err.field)[0] ? ": " : "",
                    errs.count ? errs.items[i].message : err.message);
        return 1;
    }
    pd_trace_opts opts;
    memset(&opts, 0, sizeof opts);
    pd_trace_result r;
    memset(&r, 0, sizeof r);
    int64_t added = 0;
    pd_err terr;
    pd_err_clear(&terr);
    int trc = pd_trace_case_now(db, &cli, c->id, &opts, true, &r, &added, &terr);
    size_t f1 = r.f1_count, f2 = r.f2_count;
    pd_trace_result_free(&r);
    pd_err rerr;
    if (pd_case_reload(db, c, &rerr) != PD_OK)
        fprintf(stderr, "%s\n", rerr.message);
    if (trc != PD_OK)
        fprintf(stderr, "Đã xác định ca bệnh nhưng chưa truy vết được: %s\n", terr.message);
    if (as_json) {
        json_t *trace = trc == PD_OK ? json_pack("{s:I, s:I, s:I}", "f1", (json_int_t)f1, "f2",
                                                 (json_int_t)f2, "added", (json_int_t)added)
                                     : json_null();
        json_t *doc = json_pack("{s:o, s:o}", "case", pd_case_json(db, c), "trace", trace);
        if (trc != PD_OK)
            json_object_set_new(doc, "trace_error", json_string(terr.message));
        json_dumpf(doc, stdout, JSON_COMPACT);
        putchar('\n');
        json_decref(doc);
    } else {
        printf("Đã xác định ca bệnh %lld: %s (người %lld), lấy mẫu %s.\n", (long long)c->id,
               c->full_name, (long long)c->person_id, c->sample_date);
        if (trc == PD_OK)
            printf("Truy vết: %zu F1, %zu F2 (%lld người mới được thêm vào danh sách).\n", f1, f2,
                   (long long)added);
    }
    return 0;
}

static int case_add(int argc, char **argv)
{
    static const char *const known[] = {
        "db=",    "person=", "sample-date=", "onset-date=", "found-in=",
        "basis=", "note=",   "json",         NULL};
    pd_args a = {argc, argv, known};
    if (!pd_args_check(&a) || !pd_arg(&a, "person") || !pd_arg(&a, "sample-date")) {
        usage();
        return 2;
    }
    char *end;
    long long person = strtoll(pd_arg(&a, "person"), &end, 10);
    if (*end || person <= 0) {
        fprintf(stderr, "--person phải là mã người (số nguyên dương)\n");
        return 2;
    }
    sqlite3 *db = pd_cli_open_db(&a, 0);
    if (!db)
        return 1;
    pd_case c;
    memset(&c, 0, sizeof c);
    c.person_id = person;
    copy_arg(&a, "sample-date", c.sample_date, sizeof c.sample_date, "");
    copy_arg(&a, "onset-date", c.onset_date, sizeof c.onset_date, "");
    copy_arg(&a, "found-in", c.found_in, sizeof c.found_in, "community");
    copy_arg(&a, "basis", c.basis, sizeof c.basis, "pcr");
    copy_arg(&a, "note", c.note, sizeof c.note, "");
    int status = add_and_trace(db, &c, pd_arg_flag(&a, "json"));
    pd_trace_shared_close();
    pd_db_close(db);
    return status;
}

int pd_cmd_case(int argc, char **argv)
{
    if (argc >= 1 && strcmp(argv[0], "list") == 0)
        return case_list(argc - 1, argv + 1);
    if (argc >= 1 && strcmp(argv[0], "add") == 0)
        return case_add(argc - 1, argv + 1);
    usage();
    return 2;
}
