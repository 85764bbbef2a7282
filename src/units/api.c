/* HTTP handlers for administrative units (tree, search, areas) and the dashboard figures. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "base/text.h"
#include "http/handlers.h"
#include "store/db.h"
#include "units/units.h"

typedef struct unit_list {
    json_t *items;
    const pd_actor *actor;
} unit_list;

static json_t *unit_json(const pd_unit *u, const pd_actor *actor)
{
    json_t *j = json_pack("{s:s, s:s, s:s, s:s?, s:i, s:i, s:b}", "code", u->code, "name", u->name,
                          "type", u->type, "parent_code", u->parent_code[0] ? u->parent_code : NULL,
                          "level", u->level, "child_count", u->child_count, "in_scope",
                          pd_unit_in_scope(actor, u));
    json_object_set_new(j, "population",
                        u->population >= 0 ? json_integer(u->population) : json_null());
    return j;
}

static int add_unit(const pd_unit *u, void *ctx)
{
    unit_list *l = ctx;
    json_array_append_new(l->items, unit_json(u, l->actor));
    return 0;
}

static bool can_read_units(pd_req *req, pd_resp *resp)
{
    if (pd_actor_can(&req->actor, PD_PERM_UNITS_READ))
        return true;
    pd_resp_error(resp, 403, "denied", "", "Tài khoản không được xem đơn vị hành chính");
    return false;
}

int pd_api_units_children(pd_req *req, pd_resp *resp)
{
    if (!can_read_units(req, resp))
        return 0;
    unit_list l = {json_array(), &req->actor};
    pd_err err;
    if (pd_unit_children(req->db, pd_req_query(req, "parent"), add_unit, &l, &err) != PD_OK) {
        json_decref(l.items);
        return pd_resp_err(resp, &err);
    }
    return pd_resp_json(resp, 200, json_pack("{s:o}", "items", l.items));
}

static int add_path_name(const pd_unit *u, void *ctx)
{
    pd_buf *b = ctx;
    if (b->len)
        pd_buf_puts(b, ", ");
    pd_buf_puts(b, u->name);
    return 0;
}

int pd_api_units_search(pd_req *req, pd_resp *resp)
{
    if (!can_read_units(req, resp))
        return 0;
    const char *q = pd_req_query(req, "q");
    unit_list l = {json_array(), &req->actor};
    pd_err err;
    if (q && pd_unit_search(req->db, q, (int)pd_req_query_int(req, "limit", 20), add_unit, &l,
                            &err) != PD_OK) {
        json_decref(l.items);
        return pd_resp_err(resp, &err);
    }
    size_t i;
    json_t *item;
    json_array_foreach(l.items, i, item)
    {
        pd_buf path;
        pd_buf_init(&path);
        pd_unit_path(req->db, json_string_value(json_object_get(item, "code")), add_path_name, &path,
                     &err);
        json_object_set_new(item, "path_names", json_string(path.data ? path.data : ""));
        pd_buf_free(&path);
    }
    return pd_resp_json(resp, 200, json_pack("{s:o}", "items", l.items));
}

int pd_api_unit_get(pd_req *req, pd_resp *resp)
{
    if (!can_read_units(req, resp))
        return 0;
    pd_unit u;
    pd_err err;
    if (pd_unit_get(req->db, req->params[0], &u, &err) != PD_OK)
        return pd_resp_err(resp, &err);
    unit_list path = {json_array(), &req->actor}, children = {json_array(), &req->actor};
    pd_unit_path(req->db, u.code, add_unit, &path, &err);
    pd_unit_children(req->db, u.code, add_unit, &children, &err);
    return pd_resp_json(resp, 200, json_pack("{s:o, s:o, s:o}", "unit", unit_json(&u, &req->actor),
                                             "path", path.items, "children", children.items));
}

int pd_api_area_create(pd_req *req, pd_resp *resp)
{
    json_t *body = pd_req_json(req, resp);
    char name[256], kind[64];
    if (!body || !pd_json_copy(body, "name", name, sizeof name, resp) ||
        !pd_json_copy(body, "kind", kind, sizeof kind, resp))
        return 0;
    pd_unit area;
    pd_err err;
    if (pd_area_add(req->db, &req->actor, req->params[0], name, kind, &area, &err) != PD_OK)
        return pd_resp_err(resp, &err);
    return pd_resp_json(resp, 201, json_pack("{s:o}", "unit", unit_json(&area, &req->actor)));
}

/* Counts rows of a table inside the caller's scope. */
static long long count_in_scope(sqlite3 *db, const pd_actor *actor, const char *table,
                                const char *extra)
{
    char cond[64], sql[256];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s t WHERE %s%s", table,
             pd_scope_sql(actor, "t", cond, sizeof cond), extra);
    sqlite3_stmt *st = pd_db_prepare(db, sql, NULL);
    if (!st)
        return -1;
    if (pd_scope_param(actor))
        sqlite3_bind_text(st, 1, pd_scope_param(actor), -1, SQLITE_STATIC);
    long long n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    return n;
}

int pd_api_stats(pd_req *req, pd_resp *resp)
{
    const pd_actor *a = &req->actor;
    long long people = count_in_scope(req->db, a, "people", "");
    long long households = count_in_scope(req->db, a, "households", "");
    /* units carry their commune code where people carry unit_code. */
    char sql[256];
    static const char *const cols[] = {"1", "province_code", "district_code", "commune_code"};
    snprintf(sql, sizeof sql,
             "SELECT sum(level = 3), sum(level = 4), sum(level <= 3) FROM units WHERE %s%s",
             a->scope_level ? cols[a->scope_level] : "1", a->scope_level ? " = ?" : "");
    sqlite3_stmt *st = pd_db_prepare(req->db, sql, NULL);
    long long communes = 0, areas = 0, units = 0;
    if (st) {
        if (a->scope_level)
            sqlite3_bind_text(st, 1, a->scope_code, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW) {
            communes = sqlite3_column_int64(st, 0);
            areas = sqlite3_column_int64(st, 1);
            units = sqlite3_column_int64(st, 2);
        }
        sqlite3_finalize(st);
    }
    /* units_in_scope (docs/api.md): the province, district and commune units in scope, areas apart. */
    return pd_resp_json(resp, 200,
                        json_pack("{s:I, s:I, s:I, s:I, s:I}", "people", (json_int_t)people,
                                  "households", (json_int_t)households, "units_in_scope",
                                  (json_int_t)units, "communes", (json_int_t)communes, "areas",
                                  (json_int_t)areas));
}
