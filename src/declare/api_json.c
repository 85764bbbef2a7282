/* Declarations API JSON: the declaration body read into pd_declaration_in, and the answers written
 * for declarations, alerts and outbreak areas, with unit names looked up in the unit cache. */
#include "declare/api_json.h"

#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/qr.h"
#include "base/text.h"
#include "people/unit_cache.h"

static bool bad(pd_resp *resp, const char *field, const char *message)
{
    pd_resp_error(resp, 400, "invalid", field, message);
    return false;
}

/* An array of names -> bit set; unknown names are refused with the field named. */
static bool bits_from(const json_t *body, const char *key, int (*bit)(const char *), int *out,
                      const char *label, pd_resp *resp)
{
    const json_t *a = json_object_get(body, key);
    char msg[200];
    *out = 0;
    if (!a || json_is_null(a))
        return true;
    if (!json_is_array(a)) {
        snprintf(msg, sizeof msg, "%s phải là danh sách", label);
        return bad(resp, key, msg);
    }
    size_t i;
    const json_t *v;
    json_array_foreach(a, i, v)
    {
        int b = json_is_string(v) ? bit(json_string_value(v)) : 0;
        if (!b) {
            snprintf(msg, sizeof msg, "%s không hợp lệ: mục thứ %zu", label, i + 1);
            return bad(resp, key, msg);
        }
        *out |= b;
    }
    return true;
}

/* birth_year (number or text) or birth_date (text) into the person's birth_date. */
static bool birth_from(const json_t *b, pd_person *p, pd_resp *resp)
{
    const json_t *y = json_object_get(b, "birth_year");
    if (json_is_integer(y)) {
        snprintf(p->birth_date, sizeof p->birth_date, "%lld", (long long)json_integer_value(y));
        return true;
    }
    if (y && !json_is_null(y))
        return pd_json_copy(b, "birth_year", p->birth_date, sizeof p->birth_date, resp);
    return pd_json_copy(b, "birth_date", p->birth_date, sizeof p->birth_date, resp);
}

static bool identity_from(const json_t *b, pd_person *p, pd_resp *resp)
{
    const pd_json_field f[] = {{"full_name", p->full_name, sizeof p->full_name},
                               {"sex", p->sex, sizeof p->sex},
                               {"id_type", p->id_type, sizeof p->id_type},
                               {"id_number", p->id_number, sizeof p->id_number},
                               {"phone", p->phone, sizeof p->phone},
                               {"unit_code", p->unit_code, sizeof p->unit_code},
                               {"area_code", p->area_code, sizeof p->area_code},
                               {"address", p->address, sizeof p->address}};
    if (!pd_json_copy_fields(b, f, sizeof f / sizeof f[0], resp))
        return false;
    const json_t *nat = json_object_get(b, "nationality");
    if (nat && !json_is_null(nat) &&
        !pd_json_copy(b, "nationality", p->nationality, sizeof p->nationality, resp))
        return false;
    return birth_from(b, p, resp);
}

/* travel: text, or a list of means joined with ", ". */
static bool travel_from(const json_t *b, char *out, size_t cap, pd_resp *resp)
{
    const json_t *t = json_object_get(b, "travel");
    if (!json_is_array(t))
        return pd_json_copy(b, "travel", out, cap, resp);
    pd_buf buf;
    pd_buf_init(&buf);
    size_t i;
    const json_t *v;
    json_array_foreach(t, i, v)
    {
        if (!json_is_string(v)) {
            pd_buf_free(&buf);
            return bad(resp, "travel", "Phương tiện di chuyển phải là chữ");
        }
        pd_buf_printf(&buf, "%s%s", i ? ", " : "", json_string_value(v));
    }
    bool ok = buf.len < cap;
    pd_strlcpy(out, buf.data ? buf.data : "", cap);
    pd_buf_free(&buf);
    return ok || bad(resp, "travel", "Phương tiện di chuyển quá dài");
}

static bool places_from(const json_t *b, pd_declaration_in *in, pd_resp *resp)
{
    const json_t *a = json_object_get(b, "places");
    if (!a || json_is_null(a))
        return true;
    if (!json_is_array(a))
        return bad(resp, "places", "Nơi đã đến phải là danh sách");
    if (json_array_size(a) > PD_MAX_PLACES)
        return bad(resp, "places", "Khai báo tối đa 20 nơi đã đến");
    size_t i;
    const json_t *v;
    json_array_foreach(a, i, v)
    {
        pd_place_visit *p = &in->places[i];
        if (!json_is_object(v))
            return bad(resp, "places", "Mỗi nơi đã đến phải có địa phương, tên nơi và ngày");
        if (!pd_json_copy(v, "unit_code", p->unit_code, sizeof p->unit_code, resp) ||
            !pd_json_copy(v, "place", p->place, sizeof p->place, resp) ||
            !pd_json_copy(v, "date", p->date, sizeof p->date, resp))
            return false;
    }
    in->nplaces = (int)json_array_size(a);
    return true;
}

static bool doses_from(const json_t *b, int *out, pd_resp *resp)
{
    const json_t *v = json_object_get(b, "vaccine_doses");
    *out = -1;
    if (!v || json_is_null(v))
        return true;
    if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 10)
        return bad(resp, "vaccine_doses", "Số mũi vắc xin đã tiêm phải từ 0 đến 10");
    *out = (int)json_integer_value(v);
    return true;
}

bool pd_declare_from_json(const json_t *body, bool daily, pd_declaration_in *in, pd_resp *resp)
{
    pd_declaration_init(in);
    if (!bits_from(body, "symptoms", pd_symptom_bit, &in->symptoms, "Triệu chứng", resp) ||
        !bits_from(body, "exposures", pd_exposure_bit, &in->exposures, "Câu trả lời dịch tễ",
                   resp) ||
        !pd_json_copy(body, "note", in->note, sizeof in->note, resp))
        return false;
    if (daily)
        return true;
    const json_t *pid = json_object_get(body, "person_id");
    if (pid && !json_is_null(pid) && (!json_is_integer(pid) || json_integer_value(pid) <= 0))
        return bad(resp, "person_id", "person_id phải là số");
    in->person_id = json_is_integer(pid) ? json_integer_value(pid) : 0;
    return identity_from(body, &in->person, resp) &&
           travel_from(body, in->travel, sizeof in->travel, resp) && places_from(body, in, resp) &&
           doses_from(body, &in->vaccine_doses, resp);
}

int pd_declare_answer_error(pd_resp *resp, const pd_err *err, const pd_field_errors *errs)
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

json_t *pd_declare_bits_json(int bits, const char *const *names, int count)
{
    json_t *a = json_array();
    for (int i = 0; i < count; i++)
        if (bits & (1 << i))
            json_array_append_new(a, json_string(names[i]));
    return a;
}

static const char *unit_name(sqlite3 *db, const char *code, pd_unit_info *u)
{
    return code[0] && pd_unit_cache_get(db, code, u) ? u->name : "";
}

/* The stored places with each unit's name added. */
static json_t *places_json(sqlite3 *db, const char *text)
{
    json_t *a = json_loads(text, 0, NULL);
    if (!json_is_array(a)) {
        json_decref(a);
        return json_array();
    }
    size_t i;
    json_t *v;
    pd_unit_info u;
    json_array_foreach(a, i, v) json_object_set_new(
        v, "unit_name", json_string(unit_name(db, pd_json_str(v, "unit_code"), &u)));
    return a;
}

void pd_declare_write_declaration(pd_jw *w, sqlite3 *db, const pd_declaration *d)
{
    pd_unit_info u;
    pd_jw_object(w);
    pd_jw_kint(w, "id", d->id);
    pd_jw_kint(w, "person_id", d->person_id);
    pd_jw_kstr(w, "full_name", d->full_name);
    pd_jw_kstr(w, "phone", d->phone);
    pd_jw_kstr(w, "kind", d->kind);
    pd_jw_kstr(w, "via", d->via);
    pd_jw_key(w, "declared_at");
    pd_jw_time(w, d->declared_at);
    pd_jw_kstr(w, "unit_code", d->unit_code);
    pd_jw_kstr(w, "unit_name", unit_name(db, d->unit_code, &u));
    pd_jw_kstr(w, "area_code", d->area_code);
    pd_jw_kstr(w, "area_name", unit_name(db, d->area_code, &u));
    pd_jw_kstr(w, "address", d->address);
    pd_jw_kstr(w, "travel", d->travel);
    json_t *extra =
        json_pack("{s:o, s:o, s:o}", "places", places_json(db, d->places), "symptoms",
                  pd_declare_bits_json(d->symptoms, pd_symptom_names, PD_SYM_COUNT), "exposures",
                  pd_declare_bits_json(d->exposures, pd_exposure_names, PD_EXP_COUNT));
    const char *k;
    json_t *v;
    json_object_foreach(extra, k, v)
    {
        pd_jw_key(w, k);
        pd_jw_json(w, v);
    }
    json_decref(extra);
    pd_jw_key(w, "vaccine_doses");
    if (d->vaccine_doses >= 0)
        pd_jw_int(w, d->vaccine_doses);
    else
        pd_jw_null(w);
    pd_jw_kstr(w, "note", d->note);
    pd_jw_kid(w, "created_by", d->created_by);
    pd_jw_object_end(w);
}

void pd_declare_write_alert(pd_jw *w, sqlite3 *db, const pd_alert *a)
{
    pd_unit_info u;
    pd_jw_object(w);
    pd_jw_kint(w, "id", a->id);
    pd_jw_kint(w, "person_id", a->person_id);
    pd_jw_kid(w, "declaration_id", a->declaration_id);
    pd_jw_kstr(w, "full_name", a->full_name);
    pd_jw_kstr(w, "phone", a->phone);
    pd_jw_kstr(w, "address", a->address);
    pd_jw_kstr(w, "unit_code", a->unit_code);
    pd_jw_kstr(w, "unit_name", unit_name(db, a->unit_code, &u));
    pd_jw_key(w, "reasons");
    pd_jw_array(w);
    char copy_[sizeof a->reason];
    pd_strlcpy(copy_, a->reason, sizeof copy_);
    for (char *save = NULL, *r = strtok_r(copy_, ",", &save); r; r = strtok_r(NULL, ",", &save))
        pd_jw_str(w, r);
    pd_jw_array_end(w);
    pd_jw_kstr(w, "detail", a->detail);
    pd_jw_key(w, "created_at");
    pd_jw_time(w, a->created_at);
    pd_jw_kstr(w, "status", a->status);
    pd_jw_kstr(w, "action", a->action);
    pd_jw_kstr(w, "action_label", pd_alert_action_label(a->action));
    pd_jw_kstr(w, "action_note", a->action_note);
    pd_jw_kstr(w, "acted_by", a->acted_by_name);
    pd_jw_key(w, "acted_at");
    pd_jw_time(w, a->acted_at);
    pd_jw_object_end(w);
}

/* "Phường X, Thành phố Y, Tỉnh Z" from the unit cache. */
static void path_names(sqlite3 *db, const pd_unit_info *u, pd_buf *out)
{
    const char *up[] = {u->level > 3 ? u->commune_code : "", u->level > 2 ? u->district_code : "",
                        u->level > 1 ? u->province_code : ""};
    pd_unit_info x;
    pd_buf_puts(out, u->name);
    for (size_t i = 0; i < 3; i++)
        if (up[i][0] && pd_unit_cache_get(db, up[i], &x))
            pd_buf_printf(out, ", %s", x.name);
}

json_t *pd_declare_outbreak_json(sqlite3 *db, const pd_outbreak_area *a)
{
    char today[12];
    pd_unit_info u;
    pd_buf path;
    pd_buf_init(&path);
    if (pd_unit_cache_get(db, a->unit_code, &u))
        path_names(db, &u, &path);
    pd_date d = pd_local_date(pd_now());
    pd_date_format(&d, today, sizeof today);
    bool active =
        strcmp(a->from_date, today) <= 0 && (!a->to_date[0] || strcmp(a->to_date, today) >= 0);
    json_t *j = json_pack(
        "{s:I, s:s, s:s, s:s, s:i, s:s, s:s?, s:s, s:b, s:o}", "id", (json_int_t)a->id, "unit_code",
        a->unit_code, "unit_name", a->unit_name, "path_names", path.data ? path.data : a->unit_name,
        "level", a->level, "from_date", a->from_date, "to_date", a->to_date[0] ? a->to_date : NULL,
        "note", a->note, "active", active, "created_at", pd_json_time(a->created_at));
    pd_buf_free(&path);
    return j;
}

void pd_declare_add_token(json_t *obj, const char *token)
{
    char display[40];
    pd_buf svg;
    pd_err err;
    pd_buf_init(&svg);
    pd_token_display(token, display, sizeof display);
    if (pd_qr_svg(token, 8, &svg, &err) != PD_OK)
        pd_buf_puts(&svg, "");
    json_object_set_new(obj, "token", json_string(token));
    json_object_set_new(obj, "token_display", json_string(display));
    json_object_set_new(obj, "qr_svg", json_string(svg.data ? svg.data : ""));
    pd_buf_free(&svg);
}
