/* `phongdich declare outbreak-add|outbreak-end|outbreak-list|alerts|revoke`: the CLI front end of
 * declare.h, acting as the CLI actor (a country-wide admin); --json prints machine output. */
#include "declare/cli.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "declare/api_json.h"
#include "declare/declare.h"
#include "store/db.h"

static void usage(void)
{
    fprintf(
        stderr,
        "Cách dùng:\n"
        "  phongdich declare outbreak-add  --db DB --unit MÃ [--from NGÀY] [--to NGÀY] [--note "
        "GHI_CHÚ]\n"
        "  phongdich declare outbreak-end  --db DB --id SỐ [--to NGÀY]\n"
        "  phongdich declare outbreak-list --db DB [--active] [--json]\n"
        "  phongdich declare alerts        --db DB [--unit MÃ] [--status open|done|all] [--json]\n"
        "  phongdich declare revoke        --db DB --person SỐ   (thu hồi mọi mã QR cá nhân)\n");
}

static int fail(sqlite3 *db, const pd_err *err)
{
    fprintf(stderr, "%s\n", err->message);
    pd_db_close(db);
    return 1;
}

static void print_area(sqlite3 *db, const pd_outbreak_area *a, bool json)
{
    if (json) {
        json_t *j = pd_declare_outbreak_json(db, a);
        char *text = json_dumps(j, JSON_COMPACT);
        printf("%s\n", text);
        free(text);
        json_decref(j);
    } else {
        printf("%6lld  %-8s %-40s %s → %s\n", (long long)a->id, a->unit_code, a->unit_name,
               a->from_date, a->to_date[0] ? a->to_date : "(chưa kết thúc)");
    }
}

static int outbreak_add(int argc, char **argv)
{
    static const char *const known[] = {"db=", "unit=", "from=", "to=", "note=", "json", NULL};
    pd_args a = {argc, argv, known};
    if (!pd_args_check(&a) || !pd_arg(&a, "unit"))
        return usage(), 2;
    sqlite3 *db = pd_cli_open_db(&a, 0);
    if (!db)
        return 1;
    pd_outbreak_area o;
    memset(&o, 0, sizeof o);
    snprintf(o.unit_code, sizeof o.unit_code, "%s", pd_arg(&a, "unit"));
    snprintf(o.from_date, sizeof o.from_date, "%s", pd_arg(&a, "from") ? pd_arg(&a, "from") : "");
    snprintf(o.to_date, sizeof o.to_date, "%s", pd_arg(&a, "to") ? pd_arg(&a, "to") : "");
    snprintf(o.note, sizeof o.note, "%s", pd_arg(&a, "note") ? pd_arg(&a, "note") : "");
    pd_actor cli = pd_actor_cli();
    pd_err err;
    if (pd_outbreak_add(db, &cli, &o, &err) != PD_OK)
        return fail(db, &err);
    print_area(db, &o, pd_arg_flag(&a, "json"));
    pd_db_close(db);
    return 0;
}

static int outbreak_end(int argc, char **argv)
{
    static const char *const known[] = {"db=", "id=", "to=", "json", NULL};
    pd_args a = {argc, argv, known};
    if (!pd_args_check(&a) || !pd_arg(&a, "id"))
        return usage(), 2;
    sqlite3 *db = pd_cli_open_db(&a, 0);
    if (!db)
        return 1;
    pd_outbreak_area o;
    pd_actor cli = pd_actor_cli();
    pd_err err;
    if (pd_outbreak_end(db, &cli, atoll(pd_arg(&a, "id")), pd_arg(&a, "to"), &o, &err) != PD_OK)
        return fail(db, &err);
    print_area(db, &o, pd_arg_flag(&a, "json"));
    pd_db_close(db);
    return 0;
}

typedef struct list_out {
    sqlite3 *db;
    bool json;
    int64_t last_id;
} list_out;

static int print_listed_area(const pd_outbreak_area *o, void *ctx)
{
    list_out *l = ctx;
    print_area(l->db, o, l->json);
    return 0;
}

static int outbreak_list(int argc, char **argv)
{
    static const char *const known[] = {"db=", "active", "json", NULL};
    pd_args a = {argc, argv, known};
    if (!pd_args_check(&a))
        return usage(), 2;
    sqlite3 *db = pd_cli_open_db(&a, 0);
    if (!db)
        return 1;
    list_out l = {db, pd_arg_flag(&a, "json"), 0};
    pd_actor cli = pd_actor_cli();
    pd_err err;
    if (pd_outbreak_list(db, &cli, pd_arg_flag(&a, "active"), print_listed_area, &l, &err) != PD_OK)
        return fail(db, &err);
    pd_db_close(db);
    return 0;
}

static int print_alert(const pd_alert *al, void *ctx)
{
    list_out *l = ctx;
    l->last_id = al->id;
    if (l->json) {
        pd_jw w;
        pd_jw_init(&w);
        pd_declare_write_alert(&w, l->db, al);
        size_t len;
        char *text = pd_jw_steal(&w, &len);
        printf("%s\n", text);
        free(text);
    } else {
        printf("%6lld  %-6s %-8s %-30s %-11s %s\n", (long long)al->id, al->status, al->unit_code,
               al->full_name, al->phone, al->reason);
    }
    return 0;
}

static int alerts(int argc, char **argv)
{
    static const char *const known[] = {"db=", "unit=", "status=", "json", NULL};
    pd_args a = {argc, argv, known};
    if (!pd_args_check(&a))
        return usage(), 2;
    sqlite3 *db = pd_cli_open_db(&a, 0);
    if (!db)
        return 1;
    pd_alert_query q;
    memset(&q, 0, sizeof q);
    snprintf(q.unit_code, sizeof q.unit_code, "%s", pd_arg(&a, "unit") ? pd_arg(&a, "unit") : "");
    snprintf(q.status, sizeof q.status, "%s", pd_arg(&a, "status") ? pd_arg(&a, "status") : "");
    q.limit = 200;
    list_out l = {db, pd_arg_flag(&a, "json"), 0};
    pd_actor cli = pd_actor_cli();
    pd_err err;
    bool more = true;
    while (more) { /* every page, newest first */
        if (pd_alerts_list(db, &cli, &q, print_alert, &l, &more, &err) != PD_OK)
            return fail(db, &err);
        q.before_id = l.last_id;
    }
    pd_db_close(db);
    return 0;
}

static int revoke(int argc, char **argv)
{
    static const char *const known[] = {"db=", "person=", NULL};
    pd_args a = {argc, argv, known};
    if (!pd_args_check(&a) || !pd_arg(&a, "person"))
        return usage(), 2;
    sqlite3 *db = pd_cli_open_db(&a, 0);
    if (!db)
        return 1;
    pd_actor cli = pd_actor_cli();
    pd_err err;
    int revoked = 0;
    if (pd_token_revoke_all(db, &cli, atoll(pd_arg(&a, "person")), &revoked, &err) != PD_OK)
        return fail(db, &err);
    printf("Đã thu hồi %d mã QR cá nhân.\n", revoked);
    pd_db_close(db);
    return 0;
}

int pd_cmd_declare(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*run)(int, char **);
    } subs[] = {{"outbreak-add", outbreak_add},
                {"outbreak-end", outbreak_end},
                {"outbreak-list", outbreak_list},
                {"alerts", alerts},
                {"revoke", revoke}};
    for (size_t i = 0; argc >= 1 && i < sizeof subs / sizeof subs[0]; i++)
        if (strcmp(argv[0], subs[i].name) == 0)
            return subs[i].run(argc - 1, argv + 1);
    usage();
    return 2;
}
