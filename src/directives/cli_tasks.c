/* `phongdich directive list|tasks|overdue|save|seed`: the CLI front end of directives.h, acting as
 * the CLI actor (a country-wide admin). `list` prints the documents held, `tasks` the tasks of a
 * document or an agency, `overdue` the overdue tasks; `save` stores a reader's JSON (from
 * `directive import --json`, possibly corrected) with its original text; `seed` lays down the
 * standard agencies directory of a district. --json prints what the API answers. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/file.h"
#include "base/text.h"
#include "cli/cli.h"
#include "directives/cli.h"
#include "directives/directives.h"
#include "store/db.h"

static void usage(void)
{
    fprintf(stderr,
            "Cách dùng:\n"
            "  phongdich directive list    --db DB [--q TỪ_KHÓA] [--json]\n"
            "  phongdich directive tasks   --db DB [--doc MÃ] [--agency MÃ] [--status TRẠNG_THÁI]"
            " [--json]\n"
            "  phongdich directive overdue --db DB [--json]\n"
            "  phongdich directive save    --db DB --text TỆP_GỐC --parsed TỆP_JSON [--json]\n"
            "  phongdich directive seed    --db DB --unit MÃ_HUYỆN\n");
}

static const char *status_label(const char *s)
{
    if (strcmp(s, "done") == 0)
        return "hoàn thành";
    if (strcmp(s, "overdue") == 0)
        return "quá hạn";
    if (strcmp(s, "in_progress") == 0)
        return "đang thực hiện";
    return "mới";
}

static const char *str(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

static int print_json(json_t *j)
{
    char *s = json_dumps(j, JSON_INDENT(2));
    printf("%s\n", s ? s : "null");
    free(s);
    json_decref(j);
    return 0;
}

static int fail(const pd_err *err)
{
    fprintf(stderr, "phongdich directive: %s%s%s\n", err->message, err->field[0] ? " — " : "",
            err->field);
    return 1;
}

static int cmd_list(sqlite3 *db, const pd_args *a)
{
    pd_actor cli = pd_actor_cli();
    json_t *items = NULL;
    pd_err err;
    const char *q = pd_arg(a, "q");
    if (pd_directive_list(db, &cli, q ? q : "", false, 1000, &items, &err) != PD_OK)
        return fail(&err);
    if (pd_arg_flag(a, "json"))
        return print_json(items);
    size_t i;
    json_t *d;
    json_array_foreach(items, i, d)
    {
        printf(
            "%6lld  %-10s %-16s %-20s %3lld/%-3lld việc xong, %lld quá hạn  %s\n",
            (long long)json_integer_value(json_object_get(d, "id")), str(d, "date"), str(d, "type"),
            str(d, "number"), (long long)json_integer_value(json_object_get(d, "tasks_done")),
            (long long)json_integer_value(json_object_get(d, "tasks")),
            (long long)json_integer_value(json_object_get(d, "tasks_overdue")), str(d, "issuer"));
    }
    json_decref(items);
    return 0;
}

static int cmd_tasks(sqlite3 *db, const pd_args *a, bool overdue)
{
    pd_actor cli = pd_actor_cli();
    pd_tasks_query q = {0};
    q.overdue = overdue;
    const char *v;
    if ((v = pd_arg(a, "doc")))
        q.doc_id = strtoll(v, NULL, 10);
    if ((v = pd_arg(a, "agency")))
        q.agency_id = strtoll(v, NULL, 10);
    if ((v = pd_arg(a, "status")))
        pd_strlcpy(q.status, v, sizeof q.status);
    json_t *items = NULL;
    pd_err err;
    if (pd_tasks_list(db, &cli, &q, &items, &err) != PD_OK)
        return fail(&err);
    if (pd_arg_flag(a, "json"))
        return print_json(items);
    size_t i;
    json_t *t;
    json_array_foreach(items, i, t)
    {
        printf("%6lld  %-20s mục %-4s %-10s %-15s %s\n",
               (long long)json_integer_value(json_object_get(t, "id")), str(t, "doc_number"),
               str(t, "item_label"), str(t, "due_date")[0] ? str(t, "due_date") : "-",
               status_label(str(t, "status")), str(t, "agency_name"));
    }
    json_decref(items);
    return 0;
}

static int cmd_save(sqlite3 *db, const pd_args *a)
{
    const char *tp = pd_arg(a, "text"), *jp = pd_arg(a, "parsed");
    if (!tp || !jp) {
        usage();
        return 2;
    }
    size_t len = 0;
    char *text = pd_file_read(tp, &len);
    json_error_t je;
    json_t *parsed = json_load_file(jp, 0, &je);
    if (!text || !parsed) {
        fprintf(stderr, "phongdich directive: không đọc được %s\n", !text ? tp : jp);
        free(text);
        json_decref(parsed);
        return 1;
    }
    pd_actor cli = pd_actor_cli();
    int64_t id = 0;
    pd_err err;
    int rc = pd_directive_save(db, &cli, text, parsed, &id, &err);
    free(text);
    json_decref(parsed);
    if (rc != PD_OK)
        return fail(&err);
    if (pd_arg_flag(a, "json"))
        return print_json(json_pack("{s:I}", "id", (json_int_t)id));
    printf("Đã lưu văn bản, mã %lld.\n", (long long)id);
    return 0;
}

static int cmd_seed(sqlite3 *db, const pd_args *a)
{
    const char *unit = pd_arg(a, "unit");
    if (!unit) {
        usage();
        return 2;
    }
    pd_actor cli = pd_actor_cli();
    int added = 0;
    pd_err err;
    if (pd_agencies_seed(db, &cli, unit, &added, &err) != PD_OK)
        return fail(&err);
    printf("Đã thêm %d cơ quan vào danh bạ.\n", added);
    return 0;
}

int pd_directive_cli_tasks(int argc, char **argv)
{
    static const char *const known[] = {
        "db=", "q=", "doc=", "agency=", "status=", "text=", "parsed=", "unit=", "json", NULL};
    const char *cmd = argc >= 1 ? argv[0] : "";
    bool ok = strcmp(cmd, "list") == 0 || strcmp(cmd, "tasks") == 0 ||
              strcmp(cmd, "overdue") == 0 || strcmp(cmd, "save") == 0 || strcmp(cmd, "seed") == 0;
    pd_args a = {argc - 1, argv + 1, known};
    if (!ok || !pd_args_check(&a) || !pd_arg(&a, "db")) {
        usage();
        return 2;
    }
    sqlite3 *db = pd_cli_open_db(&a, 0);
    if (!db)
        return 1;
    int rc = strcmp(cmd, "list") == 0    ? cmd_list(db, &a)
             : strcmp(cmd, "tasks") == 0 ? cmd_tasks(db, &a, false)
             : strcmp(cmd, "save") == 0  ? cmd_save(db, &a)
             : strcmp(cmd, "seed") == 0  ? cmd_seed(db, &a)
                                         : cmd_tasks(db, &a, true);
    pd_db_close(db);
    return rc;
}
