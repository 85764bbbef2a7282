/* `phongdich vaccine ...`: doses, imports and coverage from the command line, as the CLI actor (a
 * country-wide admin): record, import, coverage, weekly, products. */
#include "vaccination/cli.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "cli/cli.h"
#include "store/db.h"
#include "vaccination/api.h"

static void usage(void)
{
    fprintf(stderr,
            "Cách dùng:\n"
            "  phongdich vaccine record   --db DB --person ID --product MÃ --date NGÀY"
            " [--dose N] [--kind additional] [--lot SỐ_LÔ] [--json]\n"
            "  phongdich vaccine import   --db DB TỆP [--format csv|xlsx] [--json]\n"
            "  phongdich vaccine coverage --db DB [--unit MÃ] [--date NGÀY]"
            " [--by unit|group|product] [--json]\n"
            "  phongdich vaccine weekly   --db DB [--unit MÃ] [--from NGÀY] [--to NGÀY] [--json]\n"
            "  phongdich vaccine products --db DB\n");
}

static void print_json(json_t *j)
{
    json_dumpf(j, stdout, JSON_COMPACT);
    putchar('\n');
    json_decref(j);
}

static int vaccine_record(sqlite3 *db, const pd_args *a)
{
    const char *person = pd_arg(a, "person");
    pd_dose_in in;
    memset(&in, 0, sizeof in);
    in.person_id = person ? strtoll(person, NULL, 10) : 0;
    pd_strlcpy(in.product_code, pd_arg(a, "product") ? pd_arg(a, "product") : "",
               sizeof in.product_code);
    pd_strlcpy(in.given_on, pd_arg(a, "date") ? pd_arg(a, "date") : "", sizeof in.given_on);
    pd_strlcpy(in.kind, pd_arg(a, "kind") ? pd_arg(a, "kind") : "", sizeof in.kind);
    pd_strlcpy(in.lot, pd_arg(a, "lot") ? pd_arg(a, "lot") : "", sizeof in.lot);
    in.dose_number = pd_arg(a, "dose") ? atoi(pd_arg(a, "dose")) : 0;
    pd_actor cli = pd_actor_cli();
    pd_dose d;
    pd_err err;
    if (pd_dose_record(db, &cli, &in, &d, &err) != PD_OK) {
        fprintf(stderr, "%s%s%s\n", err.field, err.field[0] ? ": " : "", err.message);
        return 1;
    }
    if (pd_arg_flag(a, "json"))
        print_json(json_pack("{s:o}", "dose", pd_vacc_dose_json(&d)));
    else
        printf("Đã ghi mũi %d (%s) ngày %s cho người %lld%s.\n", d.dose_number, d.product_name,
               d.given_on, (long long)d.person_id,
               d.completes_primary ? ": đã tiêm đủ mũi cơ bản" : "");
    return 0;
}

static int vaccine_import(sqlite3 *db, const pd_args *a)
{
    const char *file = pd_arg_positional(a, 0);
    if (!file) {
        usage();
        return 2;
    }
    pd_actor cli = pd_actor_cli();
    static pd_vimport_report rep;
    pd_err err;
    int rc = pd_vaccination_import(db, &cli, file, pd_arg(a, "format"), &rep, &err);
    if (pd_arg_flag(a, "json")) {
        json_t *j = pd_vacc_report_json(&rep);
        if (rc != PD_OK)
            json_object_set_new(j, "message", json_string(err.message));
        print_json(j);
    } else {
        int listed =
            rep.error_count < PD_VIMPORT_MAX_ERRORS ? rep.error_count : PD_VIMPORT_MAX_ERRORS;
        for (int i = 0; i < listed; i++)
            fprintf(stderr, "Dòng %lld, %s: %s\n", (long long)rep.errors[i].line,
                    rep.errors[i].field, rep.errors[i].message);
        if (rc != PD_OK)
            fprintf(stderr, "%s\n", err.message);
        else
            printf("Đã nhập %lld mũi tiêm (%lld dòng đã có từ trước).\n", (long long)rep.imported,
                   (long long)rep.skipped);
    }
    return rc == PD_OK ? 0 : 1;
}

static double pct(int64_t part, int64_t whole)
{
    return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

static int print_cov_row(const pd_cov_row *r, void *ctx)
{
    (void)ctx;
    const pd_cov_cell *a = &r->band[PD_BAND_18], *e50 = &r->band[PD_BAND_50],
                      *e65 = &r->band[PD_BAND_65];
    size_t len = pd_utf8_length(r->label);
    printf("%-8s %s%*s %8lld  %5.1f%%  %5.1f%%  %5.1f%%  %5.1f%%  %5.1f%%\n", r->key, r->label,
           (int)(len < 30 ? 30 - len : 0), "", (long long)r->band[PD_BAND_ALL].people,
           pct(a->one_dose, a->people), pct(a->full, a->people), pct(a->boosted, a->people),
           pct(e50->full, e50->people), pct(e65->full, e65->people));
    return 0;
}

static int vaccine_coverage(sqlite3 *db, const pd_args *a)
{
    pd_actor cli = pd_actor_cli();
    pd_err err;
    const char *by = pd_arg(a, "by") ? pd_arg(a, "by") : "unit";
    if (pd_arg_flag(a, "json")) {
        json_t *j = pd_vacc_coverage_json(db, &cli, pd_arg(a, "unit"), pd_arg(a, "date"), by, &err);
        if (!j) {
            fprintf(stderr, "%s\n", err.message);
            return 1;
        }
        print_json(j);
        return 0;
    }
    printf("%-8s %-30s %8s  %6s  %6s  %6s  %6s  %6s\n", "Mã", "Đơn vị / nhóm", "Dân số", "18+≥1",
           "18+đủ", "18+nhắc", "50+đủ", "65+đủ");
    if (pd_coverage(db, &cli, pd_arg(a, "unit"), pd_arg(a, "date"), by, print_cov_row, NULL,
                    &err) != PD_OK) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    return 0;
}

static int print_week(const pd_cov_week *w, void *ctx)
{
    (void)ctx;
    const pd_cov_cell *a = &w->band[PD_BAND_18];
    printf("%s  %s  %5.1f%%  %5.1f%%  %5.1f%%  %5.1f%%\n", w->week, w->sunday,
           pct(a->one_dose, a->people), pct(a->full, a->people),
           pct(w->band[PD_BAND_50].full, w->band[PD_BAND_50].people),
           pct(w->band[PD_BAND_65].full, w->band[PD_BAND_65].people));
    return 0;
}

static int vaccine_weekly(sqlite3 *db, const pd_args *a)
{
    pd_actor cli = pd_actor_cli();
    pd_err err;
    int rc;
    if (pd_arg_flag(a, "json")) {
        json_t *j = pd_vacc_weekly_json(db, &cli, pd_arg(a, "unit"), pd_arg(a, "from"),
                                        pd_arg(a, "to"), &err);
        if (j)
            print_json(j);
        rc = j ? PD_OK : PD_EINVAL;
    } else {
        printf("Tuần      Chủ nhật    18+≥1   18+đủ   50+đủ   65+đủ\n");
        rc = pd_coverage_weekly(db, &cli, pd_arg(a, "unit"), pd_arg(a, "from"), pd_arg(a, "to"),
                                print_week, NULL, &err);
    }
    if (rc != PD_OK)
        fprintf(stderr, "%s\n", err.message);
    return rc == PD_OK ? 0 : 1;
}

static int print_product(const pd_vaccine_product *p, void *ctx)
{
    (void)ctx;
    printf("%-3s %-30s %d mũi, cách %d-%d ngày  (%s)\n", p->code, p->name, p->doses_in_primary,
           p->min_interval_days, p->max_interval_days, p->basis);
    return 0;
}

int pd_cmd_vaccine(int argc, char **argv)
{
    static const char *const known[] = {
        "db=",     "person=", "product=", "date=", "dose=", "kind=", "lot=",
        "format=", "unit=",   "by=",      "from=", "to=",   "json",  NULL};
    if (argc < 1) {
        usage();
        return 2;
    }
    const char *cmd = argv[0];
    pd_args a = {argc - 1, argv + 1, known};
    if (!pd_args_check(&a) || !pd_arg(&a, "db")) {
        usage();
        return 2;
    }
    bool known_cmd = strcmp(cmd, "record") == 0 || strcmp(cmd, "import") == 0 ||
                     strcmp(cmd, "coverage") == 0 || strcmp(cmd, "weekly") == 0 ||
                     strcmp(cmd, "products") == 0;
    if (!known_cmd) {
        usage();
        return 2;
    }
    sqlite3 *db = pd_cli_open_db(&a, 0);
    if (!db)
        return 1;
    pd_err err;
    int status;
    if (strcmp(cmd, "record") == 0)
        status = vaccine_record(db, &a);
    else if (strcmp(cmd, "import") == 0)
        status = vaccine_import(db, &a);
    else if (strcmp(cmd, "coverage") == 0)
        status = vaccine_coverage(db, &a);
    else if (strcmp(cmd, "weekly") == 0)
        status = vaccine_weekly(db, &a);
    else
        status = pd_vaccine_products(db, print_product, NULL, &err) == PD_OK ? 0 : 1;
    pd_db_close(db);
    return status;
}
