/* Contacts as JSON for the API and the CLI alike (CONTACT in docs/api.md): the person's details,
 * whether they are a case or in quarantine, their order, and the evidence with venue names. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "people/unit_cache.h"
#include "store/db.h"
#include "trace/trace_json.h"

static json_t *time_json(int64_t t)
{
    if (!t)
        return json_null();
    char s[40];
    pd_format_local(t, s, sizeof s);
    return json_string(s);
}

static const char *col(sqlite3_stmt *st, int i)
{
    const char *s = (const char *)sqlite3_column_text(st, i);
    return s ? s : "";
}

static json_t *str_or_null(const char *s)
{
    return s && *s ? json_string(s) : json_null();
}

static const char *unit_name(sqlite3 *db, const char *code, pd_unit_info *u)
{
    return *code && pd_unit_cache_get(db, code, u) ? u->name : "";
}

int pd_trace_person_read(sqlite3 *db, int64_t person_id, pd_trace_person *p)
{
    memset(p, 0, sizeof *p);
    pd_err err;
    sqlite3_stmt *st = pd_db_cached(
        db,
        "SELECT full_name, coalesce(birth_date, ''), coalesce(phone, ''), address, unit_code,"
        " coalesce(area_code, ''), district_code, province_code,"
        " EXISTS (SELECT 1 FROM cases c WHERE c.person_id = p.id AND c.status = 'active'),"
        " EXISTS (SELECT 1 FROM quarantine_orders q WHERE q.person_id = p.id"
        "   AND q.status = 'active')"
        " FROM people p WHERE id = ?",
        &err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, person_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        p->found = true;
        snprintf(p->full_name, sizeof p->full_name, "%s", col(st, 0));
        snprintf(p->birth_date, sizeof p->birth_date, "%s", col(st, 1));
        snprintf(p->phone, sizeof p->phone, "%s", col(st, 2));
        snprintf(p->address, sizeof p->address, "%s", col(st, 3));
        snprintf(p->unit_code, sizeof p->unit_code, "%s", col(st, 4));
        snprintf(p->area_code, sizeof p->area_code, "%s", col(st, 5));
        snprintf(p->district_code, sizeof p->district_code, "%s", col(st, 6));
        snprintf(p->province_code, sizeof p->province_code, "%s", col(st, 7));
        p->is_case = sqlite3_column_int(st, 8);
        p->in_quarantine = sqlite3_column_int(st, 9);
    }
    pd_db_release(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

json_t *pd_trace_order_json(sqlite3 *db, int64_t person_id, int64_t case_id)
{
    pd_err err;
    sqlite3_stmt *st = pd_db_cached(
        db,
        "SELECT status, start_date, quarantine_days, place, test_days, monitoring_days, rule"
        " FROM quarantine_orders WHERE person_id = ?1 AND status IN ('pending','active')"
        " ORDER BY (case_id = ?2) DESC, id DESC LIMIT 1",
        &err);
    if (!st)
        return json_null();
    sqlite3_bind_int64(st, 1, person_id);
    sqlite3_bind_int64(st, 2, case_id);
    json_t *o = json_null();
    if (sqlite3_step(st) == SQLITE_ROW) {
        json_t *days = json_loads(col(st, 4), 0, NULL);
        o = json_pack("{s:s, s:s, s:i, s:s, s:o, s:i, s:s}", "status", col(st, 0), "start_date",
                      col(st, 1), "quarantine_days", sqlite3_column_int(st, 2), "place", col(st, 3),
                      "test_days", days ? days : json_array(), "monitoring_days",
                      sqlite3_column_int(st, 5), "rule", col(st, 6));
    }
    pd_db_release(st);
    return o;
}

static json_t *venue_name(sqlite3 *db, int64_t venue_id)
{
    pd_err err;
    sqlite3_stmt *st = pd_db_cached(db, "SELECT name FROM venues WHERE id = ?", &err);
    if (!st)
        return json_null();
    sqlite3_bind_int64(st, 1, venue_id);
    json_t *name = sqlite3_step(st) == SQLITE_ROW ? json_string(col(st, 0)) : json_null();
    pd_db_release(st);
    return name;
}

static const char *kind_names[] = {"", "household", "venue", "declared", "manual"};

json_t *pd_trace_evidence_raw(const pd_trace_result *r, const pd_contact *c)
{
    json_t *a = json_array();
    for (size_t i = 0; i < c->evidence_count; i++) {
        const pd_evidence *e = &r->evidence[c->evidence_first + i];
        json_array_append_new(a, json_pack("{s:s, s:I, s:I, s:I, s:I}", "kind",
                                           kind_names[e->kind >= 1 && e->kind <= 4 ? e->kind : 4],
                                           "venue_id", (json_int_t)e->venue_id, "from",
                                           (json_int_t)e->from, "to", (json_int_t)e->to, "via",
                                           (json_int_t)e->via_person_id));
    }
    return a;
}

/* The raw evidence (kind, venue_id, from, to, via as numbers) as the API shows it. */
static json_t *evidence_json(sqlite3 *db, const json_t *raw)
{
    json_t *out = json_array();
    size_t i;
    json_t *e;
    json_array_foreach(raw, i, e)
    {
        json_int_t venue = json_integer_value(json_object_get(e, "venue_id"));
        json_int_t from = json_integer_value(json_object_get(e, "from"));
        json_int_t to = json_integer_value(json_object_get(e, "to"));
        json_t *o =
            json_pack("{s:s, s:o, s:o, s:o, s:o, s:I, s:I}", "kind",
                      json_string_value(json_object_get(e, "kind")) ?: "manual", "venue_id",
                      venue ? json_integer(venue) : json_null(), "venue_name",
                      venue ? venue_name(db, venue) : json_null(), "from", time_json(from), "to",
                      time_json(to), "overlap_minutes", (json_int_t)((to - from) / 60),
                      "via_person_id", json_integer_value(json_object_get(e, "via")));
        json_array_append_new(out, o);
    }
    return out;
}

json_t *pd_trace_contact_json(sqlite3 *db, const pd_trace_contact_in *in)
{
    pd_trace_person p, via;
    pd_unit_info u;
    if (pd_trace_person_read(db, in->person_id, &p) < 0)
        return NULL;
    if (pd_trace_person_read(db, in->via_person_id, &via) < 0)
        return NULL;
    json_t *o = json_pack(
        "{s:I, s:s, s:o, s:o, s:s, s:s, s:s, s:i, s:I, s:s, s:o, s:b, s:b, s:o, s:I, s:o}",
        "person_id", (json_int_t)in->person_id, "full_name", p.full_name, "birth_date",
        str_or_null(p.birth_date), "phone", str_or_null(p.phone), "address", p.address, "unit_code",
        p.unit_code, "unit_name", unit_name(db, p.unit_code, &u), "level", in->level,
        "via_person_id", (json_int_t)in->via_person_id, "via_name", via.full_name, "exposure_at",
        time_json(in->exposure_at), "is_case", p.is_case, "in_quarantine", p.in_quarantine,
        "evidence", evidence_json(db, in->evidence), "evidence_total",
        (json_int_t)in->evidence_total, "order",
        pd_trace_order_json(db, in->person_id, in->case_id));
    json_object_set_new(o, "area_name", json_string(unit_name(db, p.area_code, &u)));
    return o;
}

json_t *pd_trace_result_json(sqlite3 *db, const pd_trace_result *r)
{
    json_t *f1 = json_array(), *f2 = json_array();
    for (size_t i = 0; i < r->f1_count + r->f2_count; i++) {
        const pd_contact *c = &r->contacts[i];
        json_t *raw = pd_trace_evidence_raw(r, c);
        pd_trace_contact_in in = {r->case_id,
                                  c->person_id,
                                  c->level,
                                  c->via_person_id,
                                  c->exposure_at,
                                  raw,
                                  (int64_t)c->evidence_total};
        json_t *cj = pd_trace_contact_json(db, &in);
        json_decref(raw);
        if (cj)
            json_array_append_new(c->level == 1 ? f1 : f2, cj);
    }
    return json_pack("{s:I, s:{s:o, s:o}, s:o, s:o}", "case", (json_int_t)r->case_id, "window",
                     "start", time_json(r->window_start), "end", time_json(r->window_end), "f1", f1,
                     "f2", f2);
}
