/* `phongdich lab ...`: samples, results and the pool-size advisor from the command line, acting as
 * the CLI actor (a country-wide admin):
 *   lab pool-size --prevalence P [--max K | --db DB] [--json]   Dorfman's optimum pool size
 *   lab import --db DB FILE [--format csv|xlsx] [--json]        a lab's result file, all or nothing
 *   lab samples --db DB [--person ID] [--result R] [--json]     the newest samples
 *   lab config --db DB --pool-max K                             the largest pool allowed (1..20) */
#include "lab/cli.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "lab/api.h"
#include "lab/lab.h"
#include "store/db.h"

static void usage(void)
{
    fprintf(stderr,
            "Cách dùng:\n"
            "  phongdich lab pool-size --prevalence TỶ_LỆ [--max K | --db DB] [--json]\n"
            "  phongdich lab import --db DB TỆP [--format csv|xlsx] [--json]\n"
            "  phongdich lab samples --db DB [--person ID] [--result pending|negative|positive|"
            "invalid] [--json]\n"
            "  phongdich lab config --db DB --pool-max K\n");
}

static int pool_size(int argc, char **argv)
{
    static const char *const known[] = {"prevalence=", "max=", "db=", "json", NULL};
    pd_args a = {argc, argv, known};
    if (!pd_args_check(&a) || !pd_arg(&a, "prevalence")) {
        usage();
        return 2;
    }
    char *end;
    double p = strtod(pd_arg(&a, "prevalence"), &end);
    if (*end || !(p > 0.0 && p < 1.0)) {
        fprintf(stderr, "--prevalence phải lớn hơn 0 và nhỏ hơn 1 (vd. 0.02)\n");
        return 2;
    }
    int max = PD_LAB_POOL_DEFAULT_MAX;
    if (pd_arg(&a, "max")) {
        max = (int)strtol(pd_arg(&a, "max"), &end, 10);
        if (*end || max < 1 || max > PD_LAB_POOL_HARD_MAX) {
            fprintf(stderr, "--max phải từ 1 đến %d\n", PD_LAB_POOL_HARD_MAX);
            return 2;
        }
    } else if (pd_arg(&a, "db")) {
        sqlite3 *db = pd_cli_open_db(&a, 0);
        if (!db)
            return 1;
        max = pd_lab_pool_max(db);
        pd_db_close(db);
    }
    double e = 1.0;
    int k = pd_lab_pool_advise(p, max, &e);
    if (pd_arg_flag(&a, "json"))
        printf("{\"pool_size\": %d, \"tests_per_person\": %.6f}\n", k, e);
    else
        printf("Tỷ lệ dương tính %.4g: gộp %d mẫu, %.4f xét nghiệm mỗi người (tối đa %d mẫu)\n", p,
               k, e, max);
    return 0;
}

static void print_errors(const pd_lab_import_report *r)
{
    int listed =
        r->error_count < PD_LAB_IMPORT_MAX_ERRORS ? r->error_count : PD_LAB_IMPORT_MAX_ERRORS;
    for (int i = 0; r->errors && i < listed; i++)
        fprintf(stderr, "dòng %lld, cột %s: %s\n", (long long)r->errors[i].line, r->errors[i].field,
                r->errors[i].message);
}

static int import_file(int argc, char **argv)
{
    static const char *const known[] = {"db=", "format=", "json", NULL};
    pd_args a = {argc, argv, known};
    const char *file = pd_arg_positional(&a, 0);
    if (!pd_args_check(&a) || !file) {
        usage();
        return 2;
    }
    sqlite3 *db = pd_cli_open_db(&a, 0);
    if (!db)
        return 1;
    pd_actor cli = pd_actor_cli();
    pd_lab_import_report r;
    pd_err err;
    int rc = pd_lab_import(db, &cli, file, pd_arg(&a, "format"), &r, &err);
    if (pd_arg_flag(&a, "json")) {
        json_t *j = json_pack("{s:b, s:o}", "ok", rc == PD_OK, "report", pd_lab_import_json(&r));
        if (rc != PD_OK)
            json_object_set_new(j, "message", json_string(err.message));
        json_dumpf(j, stdout, JSON_COMPACT);
        putchar('\n');
        json_decref(j);
    } else if (rc == PD_OK) {
        printf("Đã nhập %lld dòng: %lld kết quả mẫu, %lld kết quả mẫu gộp, %lld dòng không đổi.\n",
               (long long)r.rows, (long long)r.samples, (long long)r.pools, (long long)r.unchanged);
    }
    if (rc != PD_OK) {
        fprintf(stderr, "%s\n", err.message);
        print_errors(&r);
    }
    pd_lab_import_report_free(&r);
    pd_db_close(db);
    return rc == PD_OK ? 0 : 1;
}

static int print_sample(const pd_sample *s, void *ctx)
{
    if (ctx) {
        json_array_append_new(ctx, pd_lab_sample_json(s));
        return 0;
    }
    printf("%7lld  %-10s %-8s %-11s %s  %-9s %s\n", (long long)s->id, s->label, s->kind, s->reason,
           s->sampled_on, s->result, s->full_name);
    return 0;
}

static int samples(int argc, char **argv)
{
    static const char *const known[] = {"db=", "person=", "result=", "json", NULL};
    pd_args a = {argc, argv, known};
    if (!pd_args_check(&a)) {
        usage();
        return 2;
    }
    sqlite3 *db = pd_cli_open_db(&a, 0);
    if (!db)
        return 1;
    pd_samples_query q;
    memset(&q, 0, sizeof q);
    q.person_id = pd_arg(&a, "person") ? strtoll(pd_arg(&a, "person"), NULL, 10) : 0;
    snprintf(q.result, sizeof q.result, "%s", pd_arg(&a, "result") ? pd_arg(&a, "result") : "");
    q.limit = 10000;
    json_t *items = pd_arg_flag(&a, "json") ? json_array() : NULL;
    pd_actor cli = pd_actor_cli();
    pd_err err;
    bool more;
    int rc = pd_samples_list(db, &cli, &q, print_sample, items, &more, &err);
    if (rc != PD_OK)
        fprintf(stderr, "%s\n", err.message);
    else if (items) {
        json_dumpf(items, stdout, JSON_COMPACT);
        putchar('\n');
    }
    json_decref(items);
    pd_db_close(db);
    return rc == PD_OK ? 0 : 1;
}

static int config(int argc, char **argv)
{
    static const char *const known[] = {"db=", "pool-max=", NULL};
    pd_args a = {argc, argv, known};
    if (!pd_args_check(&a) || !pd_arg(&a, "pool-max")) {
        usage();
        return 2;
    }
    sqlite3 *db = pd_cli_open_db(&a, 0);
    if (!db)
        return 1;
    pd_actor cli = pd_actor_cli();
    pd_err err;
    int rc = pd_lab_set_pool_max(db, &cli, atoi(pd_arg(&a, "pool-max")), &err);
    if (rc != PD_OK)
        fprintf(stderr, "%s\n", err.message);
    else
        printf("Cỡ gộp mẫu tối đa: %d\n", pd_lab_pool_max(db));
    pd_db_close(db);
    return rc == PD_OK ? 0 : 1;
}

int pd_cmd_lab(int argc, char **argv)
{
    if (argc >= 1 && strcmp(argv[0], "pool-size") == 0)
        return pool_size(argc - 1, argv + 1);
    if (argc >= 1 && strcmp(argv[0], "import") == 0)
        return import_file(argc - 1, argv + 1);
    if (argc >= 1 && strcmp(argv[0], "samples") == 0)
        return samples(argc - 1, argv + 1);
    if (argc >= 1 && strcmp(argv[0], "config") == 0)
        return config(argc - 1, argv + 1);
    usage();
    return 2;
}
