/* The general subcommands: init (schema + administrative units), user add, backup, units search/tree,
 * people list/search. Each is a thin layer over the library functions. */
#include "cli/cli.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/auth.h"
#include "people/people.h"
#include "store/db.h"
#include "units/units.h"

sqlite3 *pd_cli_open_db(const pd_args *a, int create)
{
    const char *path = pd_arg(a, "db");
    if (!path) {
        fprintf(stderr, "Thiếu --db ĐƯỜNG_DẪN (tệp cơ sở dữ liệu)\n");
        return NULL;
    }
    pd_err err;
    pd_err_clear(&err);
    sqlite3 *db = create ? pd_db_open(path, &err) : pd_db_open_existing(path, &err);
    if (!db)
        fprintf(stderr, "%s\n", err.message);
    return db;
}

int pd_cmd_init(int argc, char **argv)
{
    static const char *const known[] = {"db=", "json", NULL};
    pd_args a = {argc, argv, known};
    if (!pd_args_check(&a))
        return 2;
    sqlite3 *db = pd_cli_open_db(&a, 1);
    if (!db)
        return 1;
    pd_err err;
    int loaded = 0;
    int rc = pd_units_init(db, &loaded, &err);
    if (rc != PD_OK)
        fprintf(stderr, "%s\n", err.message);
    else if (pd_arg_flag(&a, "json"))
        printf("{\"units_loaded\": %d, \"schema_version\": %d}\n", loaded, pd_db_schema_version(db));
    else if (loaded)
        printf("Đã tạo cơ sở dữ liệu và nạp %d đơn vị hành chính.\n", loaded);
    else
        printf("Cơ sở dữ liệu đã sẵn sàng (lược đồ %d).\n", pd_db_schema_version(db));
    pd_db_close(db);
    return rc == PD_OK ? 0 : 1;
}

/* Reads one line from stdin without its newline. */
static int read_password(char *out, size_t cap)
{
    if (!fgets(out, (int)cap, stdin))
        return -1;
    out[strcspn(out, "\r\n")] = '\0';
    return 0;
}

/* The account, attached to its venue (--venue ID, role venue) in the same transaction. */
static int add_account(sqlite3 *db, const pd_args *a, const char *username, const char *role,
                       const char *password, int64_t *id, pd_err *err)
{
    const char *venue = pd_arg(a, "venue");
    if (!venue)
        return pd_user_add(db, username, role, pd_arg(a, "unit"), password, pd_arg(a, "name"), id,
                           err);
    if (pd_db_begin(db, err) != PD_OK)
        return PD_EDB;
    int rc = pd_user_add(db, username, role, pd_arg(a, "unit"), password, pd_arg(a, "name"), id, err);
    if (rc == PD_OK)
        rc = pd_user_set_venue(db, *id, atoll(venue), err);
    if (rc != PD_OK) {
        pd_db_rollback(db);
        return rc;
    }
    return pd_db_commit(db, err);
}

static int user_add(int argc, char **argv)
{
    static const char *const known[] = {"db=", "username=", "role=", "unit=", "name=",
                                        "password-stdin", "json", "venue=", NULL};
    pd_args a = {argc, argv, known};
    if (!pd_args_check(&a))
        return 2;
    const char *username = pd_arg(&a, "username"), *role = pd_arg(&a, "role");
    if (!username || !role || !pd_arg_flag(&a, "password-stdin")) {
        fprintf(stderr, "Cách dùng: phongdich user add --db DB --username U --role R --unit MÃ"
                        " [--venue ID] --password-stdin\n");
        return 2;
    }
    char password[256];
    if (read_password(password, sizeof password) != 0) {
        fprintf(stderr, "Không đọc được mật khẩu từ đầu vào chuẩn\n");
        return 2;
    }
    sqlite3 *db = pd_cli_open_db(&a, 0);
    if (!db)
        return 1;
    pd_err err;
    int64_t id = 0;
    int rc = add_account(db, &a, username, role, password, &id, &err);
    if (rc != PD_OK)
        fprintf(stderr, "%s\n", err.message);
    else if (pd_arg_flag(&a, "json"))
        printf("{\"id\": %lld, \"username\": \"%s\"}\n", (long long)id, username);
    else
        printf("Đã tạo tài khoản %s (vai trò %s).\n", username, role);
    pd_db_close(db);
    return rc == PD_OK ? 0 : 1;
}

int pd_cmd_user(int argc, char **argv)
{
    if (argc >= 1 && strcmp(argv[0], "add") == 0)
        return user_add(argc - 1, argv + 1);
    fprintf(stderr, "Cách dùng: phongdich user add --db DB --username U --role R --unit MÃ"
                    " --password-stdin\n");
    return 2;
}

int pd_cmd_backup(int argc, char **argv)
{
    static const char *const known[] = {"db=", NULL};
    pd_args a = {argc, argv, known};
    const char *out = pd_arg_positional(&a, 0);
    if (!pd_args_check(&a) || !out) {
        fprintf(stderr, "Cách dùng: phongdich backup --db DB TỆP_SAO_LƯU\n");
        return 2;
    }
    if (access(out, F_OK) == 0) {
        fprintf(stderr, "Tệp %s đã tồn tại; hãy chọn tên khác\n", out);
        return 1;
    }
    sqlite3 *db = pd_cli_open_db(&a, 0);
    if (!db)
        return 1;
    pd_err err;
    int rc = pd_db_backup(db, out, &err);
    if (rc != PD_OK)
        fprintf(stderr, "%s\n", err.message);
    else
        printf("Đã sao lưu vào %s\n", out);
    pd_db_close(db);
    return rc == PD_OK ? 0 : 1;
}

/* Prints a JSON document on one line and frees it. */
static void print_json(json_t *doc)
{
    json_dumpf(doc, stdout, JSON_COMPACT);
    putchar('\n');
    json_decref(doc);
}

static int print_unit(const pd_unit *u, void *ctx)
{
    json_t *arr = ctx;
    if (arr) {
        json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:i}", "code", u->code, "name",
                                             u->name, "parent_code", u->parent_code, "level",
                                             u->level));
    } else {
        printf("%-10s %s\n", u->code, u->name);
    }
    return 0;
}

int pd_cmd_units(int argc, char **argv)
{
    static const char *const known[] = {"db=", "search=", "parent=", "json", NULL};
    pd_args a = {argc, argv, known};
    if (!pd_args_check(&a))
        return 2;
    sqlite3 *db = pd_cli_open_db(&a, 0);
    if (!db)
        return 1;
    json_t *arr = pd_arg_flag(&a, "json") ? json_array() : NULL;
    pd_err err;
    int rc = pd_arg(&a, "search")
                 ? pd_unit_search(db, pd_arg(&a, "search"), 50, print_unit, arr, &err)
                 : pd_unit_children(db, pd_arg(&a, "parent"), print_unit, arr, &err);
    if (rc != PD_OK)
        fprintf(stderr, "%s\n", err.message);
    if (arr)
        print_json(json_pack("{s:o}", "items", arr));
    pd_db_close(db);
    return rc == PD_OK ? 0 : 1;
}

static int print_person(const pd_person *p, void *ctx)
{
    json_t *arr = ctx;
    if (arr)
        json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)p->id,
                                             "full_name", p->full_name, "unit_code", p->unit_code,
                                             "birth_date", p->birth_date, "phone", p->phone));
    else
        printf("%8lld  %-32s %-10s %-6s %s\n", (long long)p->id, p->full_name, p->birth_date,
               p->unit_code, p->phone);
    return 0;
}

int pd_cmd_people(int argc, char **argv)
{
    static const char *const known[] = {"db=", "q=", "unit=", "limit=", "json", NULL};
    pd_args a = {argc, argv, known};
    if (!pd_args_check(&a))
        return 2;
    sqlite3 *db = pd_cli_open_db(&a, 0);
    if (!db)
        return 1;
    pd_people_query q = {.limit = 50};
    snprintf(q.q, sizeof q.q, "%s", pd_arg(&a, "q") ? pd_arg(&a, "q") : "");
    snprintf(q.unit_code, sizeof q.unit_code, "%s", pd_arg(&a, "unit") ? pd_arg(&a, "unit") : "");
    if (pd_arg(&a, "limit"))
        q.limit = atoi(pd_arg(&a, "limit"));
    pd_actor cli = pd_actor_cli();
    json_t *arr = pd_arg_flag(&a, "json") ? json_array() : NULL;
    pd_err err;
    bool more;
    int rc = pd_people_list(db, &cli, &q, print_person, arr, &more, &err);
    if (rc != PD_OK)
        fprintf(stderr, "%s\n", err.message);
    if (arr)
        print_json(json_pack("{s:o, s:b}", "items", arr, "more", more));
    pd_db_close(db);
    return rc == PD_OK ? 0 : 1;
}
