/* `phongdich trace`: traces one case as the CLI actor, saves what it found (unless --no-save),
 * and prints the F1 and F2 with their evidence: a Vietnamese table, or with --json
 * {"case": ID, "f1": [CONTACT], "f2": [CONTACT], ...} (CONTACT as in docs/api.md). */
#include "trace/cli.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "base/args.h"
#include "store/db.h"
#include "trace/trace_json.h"

static int usage(void)
{
    fprintf(stderr, "Cách dùng: phongdich trace --db DB --case MÃ_CA [--min-overlap PHÚT]"
                    " [--no-save] [--json]\n");
    return 2;
}

static void print_level(const json_t *list, const char *title)
{
    printf("%s: %zu người\n", title, json_array_size(list));
    size_t i;
    json_t *c;
    json_array_foreach(list, i, c)
    {
        json_t *ev = json_array_get(json_object_get(c, "evidence"), 0);
        const char *venue = json_string_value(json_object_get(ev, "venue_name"));
        printf("  %-8lld %-28s %-11s %s  %s\n",
               (long long)json_integer_value(json_object_get(c, "person_id")),
               json_string_value(json_object_get(c, "full_name")),
               json_string_value(json_object_get(c, "phone")) ?: "-",
               json_string_value(json_object_get(c, "exposure_at")) ?: "",
               venue ? venue : json_string_value(json_object_get(ev, "kind")) ?: "");
    }
}

static int print_result(sqlite3 *db, const pd_trace_result *r, int64_t added, bool as_json)
{
    json_t *out = pd_trace_result_json(db, r);
    json_object_set_new(out, "added", json_integer(added));
    if (as_json) {
        char *text = json_dumps(out, JSON_COMPACT);
        puts(text ? text : "{}");
        free(text);
    } else {
        printf("Ca bệnh %lld — thời gian lây nhiễm từ %s đến %s\n", (long long)r->case_id,
               json_string_value(json_object_get(json_object_get(out, "window"), "start")),
               json_string_value(json_object_get(json_object_get(out, "window"), "end")));
        print_level(json_object_get(out, "f1"), "F1");
        print_level(json_object_get(out, "f2"), "F2");
        printf("Mới thêm: %lld\n", (long long)added);
    }
    json_decref(out);
    return 0;
}

int pd_cmd_trace(int argc, char **argv)
{
    static const char *const known[] = {"db=", "case=", "min-overlap=", "no-save", "json", NULL};
    pd_args a = {argc, argv, known};
    if (!pd_args_check(&a) || !pd_arg(&a, "db") || !pd_arg(&a, "case"))
        return usage();
    char *end;
    long long case_id = strtoll(pd_arg(&a, "case"), &end, 10);
    const char *mo = pd_arg(&a, "min-overlap");
    long minutes = mo ? strtol(mo, NULL, 10) : 0;
    if (*end || case_id <= 0 || minutes < 0 || minutes > 240)
        return usage();
    pd_err err;
    sqlite3 *db = pd_db_open_existing(pd_arg(&a, "db"), &err);
    if (!db) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    pd_actor actor = pd_actor_cli();
    pd_trace_opts opts = {.min_overlap_s = (int)minutes * 60};
    pd_trace_result r;
    int64_t added = 0;
    int rc = pd_trace_case_now(db, &actor, case_id, &opts, !pd_arg_flag(&a, "no-save"), &r, &added,
                               &err);
    if (rc == PD_OK) {
        print_result(db, &r, added, pd_arg_flag(&a, "json"));
        pd_trace_result_free(&r);
    } else {
        fprintf(stderr, "%s\n", err.message);
    }
    pd_trace_shared_close();
    pd_db_close(db);
    return rc == PD_OK ? 0 : 1;
}
