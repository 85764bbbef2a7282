/* `phongdich quarantine ...`: quarantine worklists, orders, capacity and F0 care from the command
 * line, acting as the CLI actor (a country-wide admin). Text for people, --json as the API. */
#include "quarantine/cli.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/args.h"
#include "care/care.h"
#include "cli/cli.h"
#include "quarantine/quarantine.h"
#include "store/db.h"

static void usage(void)
{
    fprintf(stderr,
            "Cách dùng:\n"
            "  phongdich quarantine worklist --db DB [--unit MÃ] [--date NGÀY] [--json]\n"
            "  phongdich quarantine orders   --db DB [--unit MÃ] [--phase pending|active|"
            "monitoring|finished] [--json]\n"
            "  phongdich quarantine capacity --db DB [--unit MÃ] [--date NGÀY] [--json]\n"
            "  phongdich quarantine care     --db DB [--unit MÃ] [--colour green|yellow|orange|red]"
            " [--json]\n"
            "  phongdich quarantine rules    --db DB [--json]\n");
}

static const char *const list_labels[][2] = {
    {"tests_due", "Xét nghiệm đến hạn hôm nay"},
    {"tests_overdue", "Xét nghiệm quá hạn"},
    {"releases_due", "Đến ngày hết cách ly"},
    {"handovers", "Chờ trạm y tế xã nhận bàn giao"},
    {"monitoring_ends", "Kết thúc theo dõi sức khỏe hôm nay"},
    {"alerts", "Có triệu chứng, cần xét nghiệm"},
};

static void print_worklists(const json_t *w)
{
    printf("Danh sách việc ngày %s\n", json_string_value(json_object_get(w, "date")));
    for (size_t i = 0; i < sizeof list_labels / sizeof list_labels[0]; i++) {
        json_t *l = json_object_get(w, list_labels[i][0]);
        printf("\n%s: %lld\n", list_labels[i][1],
               (long long)json_integer_value(json_object_get(l, "total")));
        size_t k;
        json_t *row;
        json_array_foreach(json_object_get(l, "items"), k, row)
        {
            const char *unit = json_string_value(json_object_get(row, "unit_name"));
            printf("  lệnh %-6lld %-30s %-11s %-24s",
                   (long long)json_integer_value(json_object_get(row, "order_id")),
                   json_string_value(json_object_get(row, "full_name")),
                   json_string_value(json_object_get(row, "phone")), unit ? unit : "");
            if (json_object_get(row, "test_day"))
                printf(" ngày %lld (%s)",
                       (long long)json_integer_value(json_object_get(row, "test_day")),
                       json_string_value(json_object_get(row, "test_date")));
            else if (json_object_get(row, "release_from"))
                printf(" ra từ %s", json_string_value(json_object_get(row, "release_from")));
            else if (json_object_get(row, "monitoring_end"))
                printf(" theo dõi đến %s",
                       json_string_value(json_object_get(row, "monitoring_end")));
            putchar('\n');
        }
    }
}

static int emit(json_t *j, bool as_json, void (*text)(const json_t *))
{
    if (as_json || !text) {
        char *s = json_dumps(j, JSON_INDENT(2));
        puts(s);
        free(s);
    } else {
        text(j);
    }
    json_decref(j);
    return 0;
}

int pd_cmd_quarantine(int argc, char **argv)
{
    static const char *const known[] = {"db=", "unit=", "date=", "phase=", "colour=", "json", NULL};
    const char *sub = argc > 0 ? argv[0] : "";
    pd_args a = {argc - 1, argv + 1, known};
    if (argc < 1 || !pd_args_check(&a)) {
        usage();
        return 2;
    }
    sqlite3 *db = pd_cli_open_db(&a, 0);
    if (!db)
        return 1;
    pd_actor cli = pd_actor_cli();
    const char *unit = pd_arg(&a, "unit") ? pd_arg(&a, "unit") : "";
    const char *date = pd_arg(&a, "date") ? pd_arg(&a, "date") : "";
    bool as_json = pd_arg_flag(&a, "json");
    json_t *out = NULL;
    pd_err err = {0};
    int rc = PD_EINVAL;
    void (*text)(const json_t *) = NULL;
    if (strcmp(sub, "worklist") == 0) {
        rc = pd_quarantine_worklists(db, &cli, unit, date, &out, &err);
        text = print_worklists;
    } else if (strcmp(sub, "orders") == 0) {
        rc = pd_quarantine_orders_list(db, &cli, unit, pd_arg(&a, "phase"), 5000, &out, &err);
    } else if (strcmp(sub, "capacity") == 0) {
        rc = pd_capacity(db, &cli, unit, date, &out, &err);
    } else if (strcmp(sub, "care") == 0) {
        rc = pd_care_list(db, &cli, unit, pd_arg(&a, "colour"), &out, &err);
    } else if (strcmp(sub, "rules") == 0) {
        rc = pd_quarantine_rules_list(db, &out, &err);
    } else {
        pd_db_close(db);
        usage();
        return 2;
    }
    if (rc != PD_OK)
        fprintf(stderr, "phongdich quarantine %s: %s%s%s\n", sub, err.message,
                err.field[0] ? " — " : "", err.field);
    else
        emit(out, as_json, text);
    pd_db_close(db);
    return rc == PD_OK ? 0 : 1;
}
