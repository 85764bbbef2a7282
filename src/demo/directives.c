/* The demo's directives: the example dispatches compiled in from data/directives/ (*.md), read by
 * the dispatch reader and saved as the city's official would (its agencies directory seeded, one
 * task per agency per item), then the tasks put in several states: some done, some in progress,
 * some due later and some overdue, with a progress report each. A reader that cannot read a file
 * skips it: the demo still builds (PD_OK). */
#include <stdio.h>
#include <string.h>

#include "base/assets.h"
#include "base/clock.h"
#include "base/text.h"
#include "demo/demo.h"
#include "demo/demo_internal.h"
#include "directives/directives.h"
#include "directives/parse.h"

static pd_actor city_official(void)
{
    pd_actor a = pd_actor_cli();
    a.role = PD_ROLE_DISTRICT;
    a.scope_level = PD_SCOPE_DISTRICT;
    pd_strlcpy(a.scope_code, PD_DEMO_DISTRICT, sizeof a.scope_code);
    pd_strlcpy(a.username, "huyen", sizeof a.username);
    return a;
}

static bool is_dispatch(const pd_asset *a)
{
    size_t n = strlen(a->path);
    return strncmp(a->path, "/directives/", 12) == 0 && n > 3 &&
           strcmp(a->path + n - 3, ".md") == 0;
}

/* Saves one dispatch; *id 0 when it was skipped. */
static int import_one(sqlite3 *db, const pd_actor *actor, const pd_asset *a, int64_t *id,
                      pd_err *err)
{
    *id = 0;
    pd_buf text;
    pd_buf_init(&text);
    pd_buf_add(&text, (const char *)a->data, a->size);
    pd_err perr;
    pd_err_clear(&perr);
    json_t *parsed = pd_directive_parse(text.data, text.len, &perr);
    int rc = PD_OK;
    if (parsed) {
        rc = pd_directive_save(db, actor, text.data, parsed, id, err);
        if (rc == PD_ECONFLICT || rc == PD_EINVAL) { /* the reader's limits: skip the file */
            *id = 0;
            rc = PD_OK;
        }
    }
    json_decref(parsed);
    pd_buf_free(&text);
    return rc;
}

static void day_from_now(int days, char out[11])
{
    pd_date d = pd_local_date(pd_now() + (int64_t)days * 86400);
    pd_date_format(&d, out, 11);
}

/* One task's state: 35% done, 25% in progress due later, 20% new due later, 20% overdue. */
static int set_state(sqlite3 *db, const pd_actor *actor, demo_rng *rng, int64_t task, pd_err *err)
{
    int64_t rid = 0;
    char due[11];
    int r = demo_rng_below(rng, 100);
    if (r < 35) {
        day_from_now(-demo_rng_range(rng, 3, 20), due);
        int rc = pd_task_set_due(db, actor, task, due, err);
        return rc != PD_OK ? rc
                           : pd_task_report(db, actor, task, "done", 100,
                                            "Đã triển khai, có báo cáo kết quả", &rid, err);
    }
    bool late = r >= 80;
    day_from_now(late ? -demo_rng_range(rng, 1, 10) : demo_rng_range(rng, 3, 30), due);
    int rc = pd_task_set_due(db, actor, task, due, err);
    if (rc == PD_OK && r < 60)
        rc = pd_task_report(db, actor, task, "in_progress", 10 * demo_rng_range(rng, 2, 8),
                            "Đang triển khai", &rid, err);
    return rc;
}

static int set_states(sqlite3 *db, const pd_actor *actor, demo_rng *rng, int64_t doc, pd_err *err)
{
    pd_tasks_query q = {0};
    q.doc_id = doc;
    json_t *tasks = NULL;
    int rc = pd_tasks_list(db, actor, &q, &tasks, err);
    size_t i;
    json_t *t;
    json_array_foreach(tasks, i, t)
    {
        if (rc != PD_OK)
            break;
        if (json_is_true(json_object_get(t, "may_report"))) /* the city's own agencies */
            rc = set_state(db, actor, rng, json_integer_value(json_object_get(t, "id")), err);
    }
    json_decref(tasks);
    return rc;
}

int demo_directives_write(sqlite3 *db, demo_rng *rng, struct pd_demo_summary *sum, pd_err *err)
{
    (void)sum;
    pd_actor actor = city_official();
    int added = 0;
    int rc = pd_agencies_seed(db, &actor, PD_DEMO_DISTRICT, &added, err);
    for (const pd_asset *a = pd_data_assets; rc == PD_OK && a->path; a++) {
        if (!is_dispatch(a))
            continue;
        int64_t id = 0;
        rc = import_one(db, &actor, a, &id, err);
        if (rc == PD_OK && id)
            rc = set_states(db, &actor, rng, id, err);
    }
    return rc;
}
