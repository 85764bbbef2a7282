/* JSON shapes of vaccination shared by the API handlers and `phongdich vaccine ... --json`. */
#include <string.h>

#include "vaccination/api.h"
#include "vaccination/internal.h"

json_t *pd_vacc_dose_json(const pd_dose *d)
{
    json_t *j = json_pack("{s:I, s:I, s:s, s:s, s:i, s:s, s:s, s:b, s:s, s:s, s:s, s:s}", "id",
                          (json_int_t)d->id, "person_id", (json_int_t)d->person_id, "product_code",
                          d->product_code, "product_name", d->product_name, "dose_number",
                          d->dose_number, "kind", d->kind, "given_on", d->given_on,
                          "completes_primary", d->completes_primary != 0, "lot", d->lot, "place",
                          d->place, "source", d->source, "unit_code", d->unit_code);
    json_object_set_new(j, "session_id", d->session_id ? json_integer(d->session_id) : json_null());
    return j;
}

json_t *pd_vacc_next_json(const pd_next_dose *n)
{
    json_t *products = json_array();
    char buf[64];
    memcpy(buf, n->products, sizeof buf);
    buf[sizeof buf - 1] = '\0';
    for (char *save = NULL, *p = strtok_r(buf, ",", &save); p; p = strtok_r(NULL, ",", &save))
        json_array_append_new(products, json_string(p));
    return json_pack("{s:i, s:s, s:o, s:o, s:b, s:i, s:b}", "dose_number", n->dose_number, "kind",
                     n->kind, "earliest", n->earliest[0] ? json_string(n->earliest) : json_null(),
                     "products", products, "done", n->done, "doses", n->doses, "full", n->full);
}

static json_t *cell_json(const pd_cov_cell *c)
{
    return json_pack("{s:I, s:I, s:I, s:I}", "people", (json_int_t)c->people, "one_dose",
                     (json_int_t)c->one_dose, "full", (json_int_t)c->full, "boosted",
                     (json_int_t)c->boosted);
}

static json_t *bands_json(const pd_cov_cell *band)
{
    json_t *j = json_object();
    for (int b = 0; b < PD_BANDS; b++)
        json_object_set_new(j, pd_band_names[b], cell_json(&band[b]));
    return j;
}

json_t *pd_vacc_cov_row_json(const pd_cov_row *r)
{
    return json_pack("{s:s, s:s, s:o}", "key", r->key, "label", r->label, "bands",
                     bands_json(r->band));
}

json_t *pd_vacc_week_json(const pd_cov_week *w)
{
    return json_pack("{s:s, s:s, s:s, s:o}", "week", w->week, "monday", w->monday, "sunday",
                     w->sunday, "bands", bands_json(w->band));
}

json_t *pd_vacc_item_json(const pd_vlist_item *it)
{
    json_t *groups = json_array();
    char buf[48];
    memcpy(buf, it->groups, sizeof buf);
    for (char *save = NULL, *p = strtok_r(buf, ",", &save); p; p = strtok_r(NULL, ",", &save))
        json_array_append_new(groups, json_string(p));
    json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:o, s:i, s:o}", "person_id",
                          (json_int_t)it->person_id, "full_name", it->full_name, "birth_date",
                          it->birth_date, "phone", it->phone, "address", it->address, "unit_code",
                          it->unit_code, "groups", groups, "doses", it->doses, "next",
                          pd_vacc_next_json(&it->next));
    json_object_set_new(j, "last_product",
                        it->last_product[0] ? json_string(it->last_product) : json_null());
    json_object_set_new(j, "last_on", it->last_on[0] ? json_string(it->last_on) : json_null());
    return j;
}

json_t *pd_vacc_session_json(const pd_vsession *s)
{
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:I}", "id", (json_int_t)s->id, "site",
                     s->site, "session_date", s->session_date, "product_code", s->product_code,
                     "lot", s->lot, "team", s->team, "unit_code", s->unit_code, "doses",
                     (json_int_t)s->doses);
}

json_t *pd_vacc_report_json(const pd_vimport_report *r)
{
    json_t *errors = json_array();
    int listed = r->error_count < PD_VIMPORT_MAX_ERRORS ? r->error_count : PD_VIMPORT_MAX_ERRORS;
    for (int i = 0; i < listed; i++)
        json_array_append_new(
            errors, json_pack("{s:I, s:s, s:s}", "line", (json_int_t)r->errors[i].line, "field",
                              r->errors[i].field, "message", r->errors[i].message));
    return json_pack("{s:I, s:I, s:I, s:i, s:o}", "rows_total", (json_int_t)r->rows,
                     "rows_imported", (json_int_t)r->imported, "rows_skipped",
                     (json_int_t)r->skipped, "error_count", r->error_count, "errors", errors);
}

typedef struct cov_ctx {
    json_t *rows;
    json_t *total;
} cov_ctx;

static int add_row(const pd_cov_row *r, void *vctx)
{
    cov_ctx *c = vctx;
    if (r->total)
        c->total = pd_vacc_cov_row_json(r);
    else
        json_array_append_new(c->rows, pd_vacc_cov_row_json(r));
    return 0;
}

json_t *pd_vacc_coverage_json(sqlite3 *db, const pd_actor *actor, const char *unit,
                              const char *date, const char *by, pd_err *err)
{
    cov_ctx c = {json_array(), NULL};
    if (pd_coverage(db, actor, unit, date, by, add_row, &c, err) != PD_OK) {
        json_decref(c.rows);
        json_decref(c.total);
        return NULL;
    }
    char day[12];
    if (date && date[0])
        vax_day_format(vax_day(date), day, sizeof day);
    else
        vax_today(day);
    json_t *j =
        json_pack("{s:s, s:s, s:o, s:o}", "by", by && by[0] ? by : "unit", "unit", unit ? unit : "",
                  "rows", c.rows, "total", c.total ? c.total : json_null());
    json_object_set_new(j, "as_of", json_string(day));
    return j;
}

static int add_week(const pd_cov_week *w, void *ctx)
{
    json_array_append_new(ctx, pd_vacc_week_json(w));
    return 0;
}

json_t *pd_vacc_weekly_json(sqlite3 *db, const pd_actor *actor, const char *unit, const char *from,
                            const char *to, pd_err *err)
{
    json_t *weeks = json_array();
    if (pd_coverage_weekly(db, actor, unit, from, to, add_week, weeks, err) != PD_OK) {
        json_decref(weeks);
        return NULL;
    }
    return json_pack("{s:s, s:o}", "unit", unit ? unit : "", "weeks", weeks);
}
