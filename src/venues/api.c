/* HTTP handlers for venues: list/search, read, create, update (close/reopen), kinds, and the QR
 * poster as SVG, PNG or PDF. JSON in -> venues.h -> JSON out. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "http/handlers.h"
#include "people/unit_cache.h"
#include "venues/venues.h"
#include "venues/venues_api.h"

static const char *unit_name(sqlite3 *db, const char *code, pd_unit_info *u)
{
    return code[0] && pd_unit_cache_get(db, code, u) ? u->name : "";
}

json_t *pd_venue_json(sqlite3 *db, const pd_venue *v)
{
    pd_unit_info u;
    const pd_venue_kind *k = pd_venue_kind_find(v->kind);
    char path[64];
    snprintf(path, sizeof path, "/#/c/%s", v->public_code);
    json_t *j = json_pack(
        "{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:s, s:s, s:b, s:i}",
        "id", (json_int_t)v->id, "name", v->name, "kind", v->kind, "kind_label", k ? k->label : "",
        "unit_code", v->unit_code, "unit_name", unit_name(db, v->unit_code, &u), "area_code",
        v->area_code, "area_name", unit_name(db, v->area_code, &u), "district_code",
        v->district_code, "province_code", v->province_code, "address", v->address,
        "responsible_name", v->responsible_name, "stay_minutes", pd_venue_stay_minutes(v),
        "public_code", v->public_code, "checkin_path", path, "closed", v->closed_at != 0, "version",
        v->version);
    json_object_set_new(j, "responsible_phone", json_string(v->responsible_phone));
    json_object_set_new(j, "default_stay_minutes",
                        v->default_stay_minutes ? json_integer(v->default_stay_minutes)
                                                : json_null());
    json_object_set_new(j, "closed_at", pd_json_time(v->closed_at));
    json_object_set_new(j, "created_at", pd_json_time(v->created_at));
    json_object_set_new(j, "updated_at", pd_json_time(v->updated_at));
    return j;
}

static int answer_venue(pd_resp *resp, int status, sqlite3 *db, const pd_venue *v)
{
    return pd_resp_json(resp, status, json_pack("{s:o}", "venue", pd_venue_json(db, v)));
}

int pd_api_venue_kinds(pd_req *req, pd_resp *resp)
{
    if (!pd_actor_can(&req->actor, PD_PERM_VENUES_READ))
        return pd_resp_error(resp, 403, "denied", "", "Tài khoản không được xem địa điểm");
    json_t *items = json_array();
    for (int i = 0; i < pd_venue_kind_count; i++)
        json_array_append_new(items, json_pack("{s:s, s:s, s:i}", "code", pd_venue_kinds[i].code,
                                               "label", pd_venue_kinds[i].label, "stay_minutes",
                                               pd_venue_kinds[i].stay_minutes));
    return pd_resp_json(resp, 200, json_pack("{s:o}", "items", items));
}

typedef struct list_ctx {
    sqlite3 *db;
    json_t *items;
    int64_t last_id;
} list_ctx;

static int add_venue(const pd_venue *v, void *vctx)
{
    list_ctx *c = vctx;
    json_array_append_new(c->items, pd_venue_json(c->db, v));
    c->last_id = v->id;
    return 0;
}

int pd_api_venues_list(pd_req *req, pd_resp *resp)
{
    pd_venue_query q;
    memset(&q, 0, sizeof q);
    const char *v;
    if ((v = pd_req_query(req, "q")))
        pd_strlcpy(q.q, v, sizeof q.q);
    if ((v = pd_req_query(req, "unit")))
        pd_strlcpy(q.unit_code, v, sizeof q.unit_code);
    if ((v = pd_req_query(req, "kind")))
        pd_strlcpy(q.kind, v, sizeof q.kind);
    q.open_only = pd_req_query_int(req, "open", 0) != 0;
    q.after_id = pd_req_query_int(req, "after", 0);
    q.limit = (int)pd_req_query_int(req, "limit", 50);
    list_ctx c = {req->db, json_array(), 0};
    bool more = false;
    pd_err err;
    if (pd_venues_list(req->db, &req->actor, &q, add_venue, &c, &more, &err) != PD_OK) {
        json_decref(c.items);
        return pd_resp_err(resp, &err);
    }
    json_t *j = json_pack("{s:o}", "items", c.items);
    json_object_set_new(j, "next", more ? json_integer(c.last_id) : json_null());
    return pd_resp_json(resp, 200, j);
}

int pd_api_venue_get(pd_req *req, pd_resp *resp)
{
    pd_venue v;
    pd_err err;
    if (pd_venue_get(req->db, &req->actor, pd_req_param_id(req, 0), &v, &err) != PD_OK)
        return pd_resp_err(resp, &err);
    return answer_venue(resp, 200, req->db, &v);
}

/* Copies the editable VENUE fields of a JSON body into v. */
static bool venue_from_json(const json_t *b, pd_venue *v, pd_resp *resp)
{
    const pd_json_field f[] = {
        {"name", v->name, sizeof v->name},
        {"kind", v->kind, sizeof v->kind},
        {"unit_code", v->unit_code, sizeof v->unit_code},
        {"area_code", v->area_code, sizeof v->area_code},
        {"address", v->address, sizeof v->address},
        {"responsible_name", v->responsible_name, sizeof v->responsible_name},
        {"responsible_phone", v->responsible_phone, sizeof v->responsible_phone}};
    if (!pd_json_copy_fields(b, f, sizeof f / sizeof f[0], resp))
        return false;
    json_t *stay = json_object_get(b, "default_stay_minutes");
    if (stay && !json_is_null(stay) && !json_is_integer(stay))
        return pd_resp_error(resp, 400, "invalid", "default_stay_minutes",
                             "Thời gian lưu lại phải là số phút"),
               false;
    v->default_stay_minutes = json_is_integer(stay) ? (int)json_integer_value(stay) : 0;
    if (json_is_integer(stay) && json_integer_value(stay) <= 0)
        v->default_stay_minutes = -1; /* rejected by validation, not taken for "the kind's" */
    json_t *ver = json_object_get(b, "version");
    v->version = json_is_integer(ver) ? (int)json_integer_value(ver) : 0;
    return true;
}

static int answer_write_error(pd_resp *resp, const pd_err *err, const pd_field_errors *errs)
{
    if (err->code != PD_EINVAL || errs->count == 0)
        return pd_resp_err(resp, err);
    json_t *list = json_array();
    for (int i = 0; i < errs->count; i++)
        json_array_append_new(list, json_pack("{s:s, s:s}", "field", errs->items[i].field,
                                              "message", errs->items[i].message));
    pd_resp_error(resp, 400, "invalid", errs->items[0].field, errs->items[0].message);
    json_object_set_new(resp->json, "errors", list);
    return 0;
}

static bool may_write(pd_req *req, pd_resp *resp)
{
    if (pd_actor_can(&req->actor, PD_PERM_VENUES_WRITE))
        return true;
    pd_resp_error(resp, 403, "denied", "", "Tài khoản không được thêm hoặc sửa địa điểm");
    return false;
}

int pd_api_venue_create(pd_req *req, pd_resp *resp)
{
    if (!may_write(req, resp))
        return 0;
    json_t *body = pd_req_json(req, resp);
    pd_venue v;
    memset(&v, 0, sizeof v);
    if (!body || !venue_from_json(body, &v, resp))
        return 0;
    pd_field_errors errs = {0};
    pd_err err;
    if (pd_venue_create(req->db, &req->actor, &v, &errs, &err) != PD_OK)
        return answer_write_error(resp, &err, &errs);
    return answer_venue(resp, 201, req->db, &v);
}

int pd_api_venue_update(pd_req *req, pd_resp *resp)
{
    if (!may_write(req, resp))
        return 0;
    if (!pd_req_param_id(req, 0))
        return pd_resp_error(resp, 404, "not_found", "id", "Không tìm thấy địa điểm này");
    json_t *body = pd_req_json(req, resp);
    pd_venue v;
    memset(&v, 0, sizeof v);
    if (!body || !venue_from_json(body, &v, resp))
        return 0;
    json_t *closed = json_object_get(body, "closed");
    if (closed && !json_is_boolean(closed))
        return pd_resp_error(resp, 400, "invalid", "closed", "closed phải là true hoặc false");
    v.id = pd_req_param_id(req, 0);
    pd_field_errors errs = {0};
    pd_err err;
    if (pd_venue_update(req->db, &req->actor, &v, json_is_true(closed), &errs, &err) != PD_OK)
        return answer_write_error(resp, &err, &errs);
    pd_venue_get(req->db, &req->actor, v.id, &v, &err);
    return answer_venue(resp, 200, req->db, &v);
}

/* ---- Posters
 * --------------------------------------------------------------------------------------- */

/* An http(s) URL without spaces, quotes or markup, short enough for a QR code. */
static bool base_url_ok(const char *s)
{
    if (strncmp(s, "http://", 7) != 0 && strncmp(s, "https://", 8) != 0)
        return false;
    size_t n = strlen(s);
    if (n > 200)
        return false;
    for (const char *c = s; *c; c++)
        if ((unsigned char)*c <= ' ' || strchr("\"'<>\\`{}|^#?", *c))
            return false;
    return true;
}

/* ?base=URL, else http://<Host header>, else the default serve address. */
static void poster_base(pd_req *req, char *out, size_t cap)
{
    const char *base = pd_req_query(req, "base");
    const char *host = pd_req_header(req, "Host");
    if (base && base_url_ok(base)) {
        pd_strlcpy(out, base, cap);
        return;
    }
    snprintf(out, cap, "http://%s", host && *host ? host : "127.0.0.1:8080");
    if (!base_url_ok(out))
        pd_strlcpy(out, "http://127.0.0.1:8080", cap);
}

static int poster(pd_req *req, pd_resp *resp, const char *format)
{
    pd_venue v;
    pd_err err;
    if (pd_venue_get(req->db, &req->actor, pd_req_param_id(req, 0), &v, &err) != PD_OK)
        return pd_resp_err(resp, &err);
    char base[256];
    poster_base(req, base, sizeof base);
    pd_buf svg, out;
    pd_buf_init(&svg);
    pd_buf_init(&out);
    int rc = pd_venue_poster_svg(req->db, &v, base, &svg, &err);
    if (rc == PD_OK && strcmp(format, "svg") != 0)
        rc = pd_venue_poster_render(svg.data, svg.len, format, &out, &err);
    if (rc != PD_OK) {
        pd_buf_free(&svg);
        pd_buf_free(&out);
        return pd_resp_err(resp, &err);
    }
    pd_buf *file = strcmp(format, "svg") == 0 ? &svg : &out;
    static const char *const types[][2] = {
        {"svg", "image/svg+xml; charset=utf-8"}, {"png", "image/png"}, {"pdf", "application/pdf"}};
    const char *type = types[strcmp(format, "svg") == 0   ? 0
                             : strcmp(format, "png") == 0 ? 1
                                                          : 2][1];
    char name[64];
    snprintf(name, sizeof name, "ma-qr-dia-diem-%lld.%s", (long long)v.id, format);
    size_t len = file->len;
    pd_resp_file(resp, pd_buf_steal(file), len, type,
                 pd_req_query_int(req, "download", 1) ? name : NULL);
    pd_buf_free(&svg);
    pd_buf_free(&out);
    return 0;
}

int pd_api_venue_poster_svg(pd_req *req, pd_resp *resp)
{
    return poster(req, resp, "svg");
}

int pd_api_venue_poster_png(pd_req *req, pd_resp *resp)
{
    return poster(req, resp, "png");
}

int pd_api_venue_poster_pdf(pd_req *req, pd_resp *resp)
{
    return poster(req, resp, "pdf");
}
