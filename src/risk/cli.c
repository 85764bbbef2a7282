/* `phongdich risk ...`: weekly risk levels of communes and what-if levels from the command line.
 *   phongdich risk --db DB --week YYYY-Www [--unit CODE] [--live] [--json]   every commune
 *   phongdich risk level --date YYYY-MM-DD --cases N --population P --dose1-18plus F
 *         --full-elderly F --capacity-met yes|no [--previous L] [--cases-14d N] [--full-all F]
 *         [--json]                                                            the pure rule
 *   phongdich risk publish --db DB --week YYYY-Www [--unit CODE]             confirm and publish
 *   phongdich risk report --db DB --week YYYY-Www --out FILE.xlsx [--unit CODE]
 * Acts as the CLI actor (a country-wide admin). */
#include "risk/cli.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "cli/cli.h"
#include "risk/risk.h"
#include "risk/risk_json.h"
#include "store/db.h"

static void usage(void)
{
    fprintf(stderr, "Cách dùng:\n"
                    "  phongdich risk --db DB --week YYYY-Www [--unit MÃ] [--live] [--json]\n"
                    "  phongdich risk level --date YYYY-MM-DD --cases N --population P\n"
                    "                 --dose1-18plus F --full-elderly F --capacity-met yes|no\n"
                    "                 [--previous CẤP] [--cases-14d N] [--full-all F] [--json]\n"
                    "  phongdich risk publish --db DB --week YYYY-Www [--unit MÃ]\n"
                    "  phongdich risk report --db DB --week YYYY-Www --out TỆP.xlsx [--unit MÃ]\n"
                    "F là tỷ lệ từ 0 đến 1 (0.7 = 70%%).\n");
}

static bool num_arg(const pd_args *a, const char *name, double lo, double hi, bool required,
                    double *out)
{
    const char *v = pd_arg(a, name);
    if (!v) {
        if (required)
            fprintf(stderr, "Thiếu --%s\n", name);
        return !required;
    }
    char *end;
    double d = strtod(v, &end);
    if (*end || end == v || !isfinite(d) || d < lo || d > hi) {
        fprintf(stderr, "--%s: giá trị không hợp lệ (%s; từ %g đến %g)\n", name, v, lo, hi);
        return false;
    }
    *out = d;
    return true;
}

static int cmd_level(int argc, char **argv)
{
    static const char *const known[] = {
        "date=",         "cases=",        "population=", "dose1-18plus=",
        "full-elderly=", "capacity-met=", "previous=",   "cases-14d=",
        "full-all=",     "json",          NULL};
    pd_args a = {argc, argv, known};
    if (!pd_args_check(&a)) {
        usage();
        return 2;
    }
    double cases = 0, pop = 0, d1 = 0, fe = 0, prev = 0, c14 = -1, fa = 0;
    const char *cap = pd_arg(&a, "capacity-met");
    bool ok = num_arg(&a, "cases", 0, 1e9, true, &cases) &&
              num_arg(&a, "population", 1, 1e10, true, &pop) &&
              num_arg(&a, "dose1-18plus", 0, 1, true, &d1) &&
              num_arg(&a, "full-elderly", 0, 1, true, &fe) &&
              num_arg(&a, "previous", 0, 4, false, &prev) &&
              num_arg(&a, "cases-14d", 0, 1e9, false, &c14) &&
              num_arg(&a, "full-all", 0, 1, false, &fa);
    if (ok && (!cap || (strcmp(cap, "yes") != 0 && strcmp(cap, "no") != 0))) {
        fprintf(stderr, "--capacity-met phải là yes hoặc no\n");
        ok = false;
    }
    pd_risk_rule rule;
    pd_err err;
    if (ok && pd_risk_rule_builtin(pd_arg(&a, "date"), &rule, &err) != PD_OK) {
        fprintf(stderr, "--date: %s\n", err.message);
        ok = false;
    }
    if (!ok)
        return 2;
    pd_risk_input in = {.cases = (int64_t)cases,
                        .cases_14d = (int64_t)c14,
                        .population = (int64_t)pop,
                        .dose1_18plus = d1,
                        .full_elderly = fe,
                        .full_all = fa,
                        .capacity_met = strcmp(cap, "yes") == 0,
                        .capacity_known = true,
                        .previous = (int)prev};
    pd_risk_result res;
    pd_risk_level(&rule, &in, &res);
    if (pd_arg_flag(&a, "json")) {
        json_t *j = pd_risk_result_json(&rule, &res);
        json_dumpf(j, stdout, JSON_COMPACT);
        putchar('\n');
        json_decref(j);
    } else {
        printf("%s\n(%s)\n", res.reason, rule.name);
    }
    return 0;
}

static void print_text(const pd_risk_week *w)
{
    printf("Tuần %s (%s đến %s): %d xã/phường\n", w->week, w->monday, w->sunday, w->count);
    for (int i = 0; i < w->count; i++) {
        const pd_risk_row *r = &w->rows[i];
        size_t pad = 34 - (pd_utf8_length(r->unit_name) < 34 ? pd_utf8_length(r->unit_name) : 34);
        printf("%-6s %s%*s cấp %d %-9s %s\n", r->unit_code, r->unit_name, (int)pad, "",
               r->res.level, r->published ? "công bố" : "dự kiến", r->res.reason);
    }
}

static int cmd_week(int argc, char **argv)
{
    static const char *const known[] = {"db=", "week=", "unit=", "live", "json", NULL};
    pd_args a = {argc, argv, known};
    if (!pd_args_check(&a) || !pd_arg(&a, "week")) {
        usage();
        return 2;
    }
    sqlite3 *db = pd_cli_open_db(&a, 0);
    if (!db)
        return 1;
    pd_actor cli = pd_actor_cli();
    pd_risk_week w;
    pd_err err;
    int rc = pd_risk_week_compute(db, &cli, pd_arg(&a, "week"), pd_arg(&a, "unit"),
                                  pd_arg_flag(&a, "live"), &w, &err);
    if (rc != PD_OK) {
        fprintf(stderr, "%s%s%s\n", err.field, err.field[0] ? ": " : "", err.message);
    } else if (pd_arg_flag(&a, "json")) {
        json_t *doc = pd_risk_week_json(db, &w);
        json_dumpf(json_object_get(doc, "items"), stdout, JSON_COMPACT);
        putchar('\n');
        json_decref(doc);
    } else {
        print_text(&w);
    }
    pd_risk_week_free(&w);
    pd_db_close(db);
    return rc == PD_OK ? 0 : 1;
}

static int cmd_publish(int argc, char **argv)
{
    static const char *const known[] = {"db=", "week=", "unit=", NULL};
    pd_args a = {argc, argv, known};
    if (!pd_args_check(&a) || !pd_arg(&a, "week")) {
        usage();
        return 2;
    }
    sqlite3 *db = pd_cli_open_db(&a, 0);
    if (!db)
        return 1;
    pd_actor cli = pd_actor_cli();
    pd_err err;
    int n = 0;
    int rc = pd_risk_publish(db, &cli, pd_arg(&a, "week"), pd_arg(&a, "unit"), &n, &err);
    if (rc == PD_OK)
        printf("Đã công bố cấp độ dịch tuần %s của %d xã/phường.\n", pd_arg(&a, "week"), n);
    else
        fprintf(stderr, "%s\n", err.message);
    pd_db_close(db);
    return rc == PD_OK ? 0 : 1;
}

static int cmd_report(int argc, char **argv)
{
    static const char *const known[] = {"db=", "week=", "unit=", "out=", NULL};
    pd_args a = {argc, argv, known};
    if (!pd_args_check(&a) || !pd_arg(&a, "week") || !pd_arg(&a, "out")) {
        usage();
        return 2;
    }
    sqlite3 *db = pd_cli_open_db(&a, 0);
    if (!db)
        return 1;
    pd_actor cli = pd_actor_cli();
    pd_err err;
    int rc = pd_risk_report_xlsx(db, &cli, pd_arg(&a, "week"), pd_arg(&a, "unit"),
                                 pd_arg(&a, "out"), &err);
    if (rc == PD_OK)
        printf("Đã ghi %s\n", pd_arg(&a, "out"));
    else
        fprintf(stderr, "%s\n", err.message);
    pd_db_close(db);
    return rc == PD_OK ? 0 : 1;
}

int pd_cmd_risk(int argc, char **argv)
{
    if (argc >= 1 && strcmp(argv[0], "level") == 0)
        return cmd_level(argc - 1, argv + 1);
    if (argc >= 1 && strcmp(argv[0], "publish") == 0)
        return cmd_publish(argc - 1, argv + 1);
    if (argc >= 1 && strcmp(argv[0], "report") == 0)
        return cmd_report(argc - 1, argv + 1);
    if (argc >= 1 && strcmp(argv[0], "week") == 0)
        return cmd_week(argc - 1, argv + 1);
    if (argc >= 1 && strncmp(argv[0], "--", 2) == 0)
        return cmd_week(argc, argv);
    usage();
    return 2;
}
