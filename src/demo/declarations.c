/* The demo's health declarations over the 14 days up to the build day, and the alerts they raise,
 * following the rules of declare/declare.h: a symptom, a declared exposure (close contact, been in
 * an outbreak area), a residence or a visited place inside the outbreak area on that day raises an
 * alert for the residence's commune, and a later such declaration of the same person extends the
 * alert while it is open. Some older alerts have been worked (called, sent for testing, ...). The
 * residence columns are copied from the person's row (INSERT ... SELECT), as a declaration for a
 * registry person is filed. Rates are assumptions (docs/demo-data.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "declare/declare.h"
#include "demo/activity.h"
#include "store/db.h"

#define DETAIL_MAX 2000

typedef struct place_target {
    const char *unit_code, *place;
} place_target;

/* Where residents say they went (units of the GSO list). */
static const place_target targets[] = {
    {"01", "Thăm người thân"}, {"01", "Bệnh viện Bạch Mai"},   {"19", "Chợ Thái"},
    {"19", "Công tác"},        {"20", "Thăm người thân"},      {"04", "Thăm người thân"},
    {"058", "Chợ Bắc Kạn"},    {"01837", "Sân vận động tỉnh"}, {"01852", "Thăm người thân"},
    {"06", "Hồ Ba Bể"},
};
#define TARGETS ((int)(sizeof targets / sizeof targets[0]))
#define TARGET_OUTBREAK (-1)

typedef struct place_visit {
    int16_t target; /* index, or TARGET_OUTBREAK */
    int32_t day;
} place_visit;

typedef struct decl {
    int64_t at;
    uint32_t resident;
    uint8_t daily, staff, symptoms, exposures, travel, nplaces;
    int8_t doses;
    place_visit places[2];
} decl;

typedef struct alert {
    uint32_t resident;
    int64_t declaration_id, created_at, acted_at;
    char reasons[64];
    pd_buf detail;
    int action;
} alert;

typedef struct gen {
    demo_world *w;
    decl *d;
    size_t n, cap;
    alert *a;
    size_t na, acap;
    int32_t *open_alert; /* per resident: index + 1 of the latest alert, 0 none */
} gen;

static const char *const travels[] = {"Xe máy", "Ô tô", "Xe khách", "Đi bộ", "Xe đạp"};
static const int travel_weights[] = {55, 15, 15, 10, 5};
static const char *const actions[] = {"called", "sent_for_testing", "told_to_isolate", "no_answer",
                                      "other"};
static const int action_weights[] = {40, 25, 20, 10, 5};
static const char *const action_notes[] = {
    "Đã gọi điện hỏi thăm, hướng dẫn theo dõi sức khỏe tại nhà",
    "Hẹn xét nghiệm nhanh tại trạm y tế", "Yêu cầu tự cách ly tại nhà, theo dõi 7 ngày",
    "Gọi 2 lần không nghe máy; giao tổ COVID cộng đồng đến nhà",
    "Tổ COVID cộng đồng đã đến nhà, hướng dẫn khai báo lại"};

/* ---- drawing declarations ---- */

static decl *push(gen *g)
{
    if (g->n == g->cap) {
        g->cap = g->cap ? g->cap * 2 : 16384;
        decl *p = realloc(g->d, g->cap * sizeof *p);
        if (!p)
            abort();
        g->d = p;
    }
    decl *d = &g->d[g->n++];
    memset(d, 0, sizeof *d);
    return d;
}

/* A time on day between 06:00 and 21:30, not later than a few minutes ago; 0 if none is left. */
static int64_t time_on(demo_world *w, int64_t day)
{
    int64_t start = demo_day_start(day), latest = start + (21 * 60 + 30) * 60;
    if (latest > w->now - 300)
        latest = w->now - 300;
    int64_t earliest = start + 6 * 3600;
    if (latest <= earliest)
        return 0;
    return earliest + (int64_t)(demo_rng_unit(&w->rng) * (double)(latest - earliest));
}

static int symptoms_draw(demo_rng *r)
{
    static const int weight[PD_SYM_COUNT] = {30, 30, 5, 20, 8, 4, 3};
    int bits = 0, n = demo_rng_range(r, 1, 3);
    for (int i = 0; i < n; i++)
        bits |= 1 << demo_rng_weighted(r, weight, PD_SYM_COUNT);
    return bits;
}

static int doses_for(demo_rng *r, int age)
{
    static const int teen[] = {30, 50, 20, 0}, adult[] = {8, 22, 65, 5};
    return demo_rng_weighted(r, age < 18 ? teen : adult, 4);
}

static void draw_places(gen *g, const demo_resident *res, int64_t day, decl *d)
{
    demo_world *w = g->w;
    if (!demo_rng_chance(&w->rng, res->outbreak_home ? 0.05 : 0.2))
        return;
    d->nplaces = demo_rng_chance(&w->rng, 0.7) ? 1 : 2;
    bool near = res->commune == w->outbreak_commune;
    for (int i = 0; i < d->nplaces; i++) {
        place_visit *p = &d->places[i];
        p->day = (int32_t)(day - demo_rng_below(&w->rng, DEMO_DAYS));
        if (w->outbreak_from <= day && demo_rng_chance(&w->rng, near ? 0.3 : 0.02)) {
            p->target = TARGET_OUTBREAK;
            int64_t from = w->outbreak_from > day - 13 ? w->outbreak_from : day - 13;
            p->day = (int32_t)(from + demo_rng_below(&w->rng, (int)(day - from + 1)));
            if (demo_rng_chance(&w->rng, 0.7))
                d->exposures |= PD_EXP_OUTBREAK_AREA;
        } else {
            p->target = (int16_t)demo_rng_below(&w->rng, TARGETS);
        }
    }
}

static void full_declaration(gen *g, const demo_resident *res, uint32_t index, int64_t day,
                             bool sick)
{
    demo_world *w = g->w;
    int64_t at = time_on(w, day);
    if (!at)
        return;
    decl *d = push(g);
    d->at = at;
    d->resident = index;
    d->staff = demo_rng_chance(&w->rng, 0.12);
    d->travel = (uint8_t)demo_rng_weighted(&w->rng, travel_weights, 5);
    d->doses = (int8_t)doses_for(&w->rng, res->age);
    d->symptoms = (uint8_t)(sick ? symptoms_draw(&w->rng) : 0);
    if (demo_rng_chance(&w->rng, res->outbreak_home ? 0.08 : 0.002))
        d->exposures |= PD_EXP_CONTACT;
    if (demo_rng_chance(&w->rng, 0.01))
        d->exposures |= PD_EXP_ANIMAL_MARKET;
    draw_places(g, res, day, d);
}

static void daily_declaration(gen *g, uint32_t index, int64_t day, int symptoms)
{
    int64_t at = time_on(g->w, day);
    if (!at)
        return;
    decl *d = push(g);
    d->at = at;
    d->resident = index;
    d->daily = 1;
    d->doses = -1;
    d->symptoms = (uint8_t)symptoms;
}

/* Who declares: about one resident in eight once in the 14 days (many more in the outbreak area
 * once it is marked), a third of them then daily for a few days. */
static void draw_person(gen *g, uint32_t index)
{
    demo_world *w = g->w;
    const demo_resident *res = &w->residents[index];
    if (res->age < 12 || !demo_rng_chance(&w->rng, res->outbreak_home ? 0.45 : 0.12))
        return;
    int64_t day = w->today - demo_rng_below(&w->rng, DEMO_DAYS);
    if (res->outbreak_home && demo_rng_chance(&w->rng, 0.7))
        day = w->outbreak_from + demo_rng_below(&w->rng, (int)(w->today - w->outbreak_from + 1));
    bool sick =
        demo_rng_chance(&w->rng, res->outbreak_home && day >= w->outbreak_from ? 0.06 : 0.006);
    full_declaration(g, res, index, day, sick);
    int symptoms = sick ? g->d[g->n - 1].symptoms : 0;
    if (!demo_rng_chance(&w->rng, res->outbreak_home ? 0.7 : 0.3))
        return;
    int k = demo_rng_range(&w->rng, 1, 6);
    for (int j = 1; j <= k && day + j <= w->today; j++) {
        if (symptoms && !demo_rng_chance(&w->rng, 0.7))
            symptoms = 0;
        else if (!symptoms && demo_rng_chance(&w->rng, 0.002))
            symptoms = symptoms_draw(&w->rng);
        daily_declaration(g, index, day + j, symptoms);
    }
}

static int by_time(const void *a, const void *b)
{
    const decl *x = a, *y = b;
    if (x->at != y->at)
        return x->at < y->at ? -1 : 1;
    return x->resident < y->resident ? -1 : x->resident > y->resident;
}

/* ---- alerts, as declare/alerts.c words them ---- */

static void add_reason(char *reasons, size_t cap, const char *reason)
{
    char padded[80], have[80];
    snprintf(padded, sizeof padded, ",%s,", reason);
    snprintf(have, sizeof have, ",%s,", reasons);
    if (strstr(have, padded))
        return;
    size_t n = strlen(reasons);
    snprintf(reasons + n, cap - n, "%s%s", n ? "," : "", reason);
}

static bool place_in_outbreak(const demo_world *w, const place_visit *p)
{
    return p->target == TARGET_OUTBREAK && p->day >= w->outbreak_from;
}

/* The reasons and the alert line of a declaration; false when it raises nothing. */
static bool evaluate(const gen *g, const decl *d, char *reasons, size_t rcap, pd_buf *line)
{
    const demo_world *w = g->w;
    const demo_resident *res = &w->residents[d->resident];
    const demo_commune_info *oc = &w->communes[w->outbreak_commune];
    const char *oname = oc->area_name[w->outbreak_area];
    int64_t day = (d->at + 7 * 3600) / 86400;
    char vn[12], from[12];
    reasons[0] = '\0';
    pd_buf_reset(line);
    demo_day_vn(day, vn);
    demo_day_vn(w->outbreak_from, from);
    pd_buf_printf(line, "%s: ", vn);
    if (d->symptoms) {
        pd_buf_puts(line, "Có triệu chứng: ");
        for (int i = 0, first = 1; i < PD_SYM_COUNT; i++)
            if (d->symptoms & (1 << i)) {
                pd_buf_printf(line, "%s%s", first ? "" : ", ", pd_symptom_labels[i]);
                first = 0;
            }
        pd_buf_puts(line, ". ");
        add_reason(reasons, rcap, "symptoms");
    }
    if (d->exposures & (PD_EXP_CONTACT | PD_EXP_OUTBREAK_AREA))
        add_reason(reasons, rcap, "exposure");
    if (d->exposures & PD_EXP_CONTACT)
        pd_buf_puts(line, "Khai báo có tiếp xúc gần (dưới 2 m) với ca bệnh COVID-19. ");
    if (d->exposures & PD_EXP_OUTBREAK_AREA)
        pd_buf_puts(line, "Khai báo đã đến vùng có dịch. ");
    if ((d->exposures & PD_EXP_ANIMAL_MARKET) && reasons[0])
        pd_buf_puts(line, "Có đến trang trại, chợ buôn bán động vật sống. ");
    bool hit = false;
    if (res->outbreak_home && day >= w->outbreak_from) {
        pd_buf_printf(line, "Nơi cư trú thuộc vùng dịch %s (công bố từ %s). ", oname, from);
        hit = true;
    }
    for (int i = 0; i < d->nplaces; i++) {
        if (!place_in_outbreak(w, &d->places[i]))
            continue;
        char pday[12];
        demo_day_vn(d->places[i].day, pday);
        pd_buf_printf(line, "Đã đến %s - Thăm người thân ngày %s, khi đó thuộc vùng dịch %s. ",
                      oname, pday, oname);
        hit = true;
    }
    if (hit)
        add_reason(reasons, rcap, "outbreak_area");
    if (line->len && line->data[line->len - 1] == ' ')
        line->data[--line->len] = '\0';
    return reasons[0] != '\0';
}

/* Cuts s to at most max bytes on a character boundary. */
static void cut_utf8(pd_buf *b, size_t max)
{
    if (b->len <= max)
        return;
    size_t n = max;
    while (n > 0 && ((unsigned char)b->data[n] & 0xC0) == 0x80)
        n--;
    b->data[n] = '\0';
    b->len = n;
}

static alert *new_alert(gen *g, const decl *d, int64_t declaration_id, const char *reasons,
                        const pd_buf *line)
{
    demo_world *w = g->w;
    if (g->na == g->acap) {
        g->acap = g->acap ? g->acap * 2 : 256;
        alert *p = realloc(g->a, g->acap * sizeof *p);
        if (!p)
            abort();
        g->a = p;
    }
    alert *a = &g->a[g->na++];
    memset(a, 0, sizeof *a);
    a->resident = d->resident;
    a->declaration_id = declaration_id;
    a->created_at = d->at;
    pd_strlcpy(a->reasons, reasons, sizeof a->reasons);
    pd_buf_init(&a->detail);
    pd_buf_puts(&a->detail, line->data);
    cut_utf8(&a->detail, DETAIL_MAX - 1);
    /* Worked by the health station within a day or so, for most alerts older than a day and a half.
     */
    if (w->now - d->at >= 36 * 3600 && demo_rng_chance(&w->rng, 0.7)) {
        a->acted_at = d->at + demo_rng_range(&w->rng, 3600, 30 * 3600);
        a->action = demo_rng_weighted(&w->rng, action_weights, 5);
    }
    g->open_alert[d->resident] = (int32_t)g->na;
    return a;
}

static void extend_alert(alert *a, int64_t declaration_id, const char *reasons, const pd_buf *line)
{
    char copy[64];
    pd_strlcpy(copy, reasons, sizeof copy);
    for (char *save = NULL, *r = strtok_r(copy, ",", &save); r; r = strtok_r(NULL, ",", &save))
        add_reason(a->reasons, sizeof a->reasons, r);
    pd_buf merged;
    pd_buf_init(&merged);
    pd_buf_printf(&merged, "%s\n%s", line->data, a->detail.data);
    cut_utf8(&merged, DETAIL_MAX - 1);
    pd_buf_free(&a->detail);
    a->detail = merged;
    a->declaration_id = declaration_id;
}

static void raise_alert(gen *g, const decl *d, int64_t declaration_id, pd_buf *line)
{
    char reasons[64];
    if (!evaluate(g, d, reasons, sizeof reasons, line))
        return;
    int32_t last = g->open_alert[d->resident];
    alert *a = last ? &g->a[last - 1] : NULL;
    if (a && (!a->acted_at || a->acted_at > d->at))
        extend_alert(a, declaration_id, reasons, line);
    else
        new_alert(g, d, declaration_id, reasons, line);
}

/* ---- writing ---- */

static void places_json(const gen *g, const decl *d, pd_buf *out)
{
    const demo_world *w = g->w;
    const demo_commune_info *oc = &w->communes[w->outbreak_commune];
    pd_buf_reset(out);
    pd_buf_puts(out, "[");
    for (int i = 0; i < d->nplaces; i++) {
        const place_visit *p = &d->places[i];
        char day[12];
        demo_day_iso(p->day, day);
        bool o = p->target == TARGET_OUTBREAK;
        pd_buf_printf(out, "%s{\"unit_code\":\"%s\",\"place\":\"%s\",\"date\":\"%s\"}",
                      i ? "," : "",
                      o ? oc->area_code[w->outbreak_area] : targets[p->target].unit_code,
                      o ? "Thăm người thân" : targets[p->target].place, day);
    }
    pd_buf_puts(out, "]");
}

static int64_t staff_account(const gen *g, const decl *d)
{
    const demo_world *w = g->w;
    bool own = strcmp(w->communes[w->residents[d->resident].commune].code, "01834") == 0;
    return own ? w->user_todoi : w->user_huyen;
}

static int insert_declaration(gen *g, sqlite3_stmt *st, const decl *d, pd_buf *places, int64_t *id)
{
    demo_world *w = g->w;
    places_json(g, d, places);
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, w->residents[d->resident].id);
    sqlite3_bind_text(st, 2, d->daily ? "daily" : "full", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, d->staff ? "staff" : "self", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, d->at);
    sqlite3_bind_text(st, 5, d->daily ? "" : travels[d->travel], -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, places->data, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 7, d->symptoms);
    sqlite3_bind_int(st, 8, d->exposures);
    if (d->doses >= 0)
        sqlite3_bind_int(st, 9, d->doses);
    else
        sqlite3_bind_null(st, 9);
    if (d->staff)
        sqlite3_bind_int64(st, 10, staff_account(g, d));
    else
        sqlite3_bind_null(st, 10);
    if (sqlite3_step(st) != SQLITE_DONE)
        return pd_db_error(w->db, w->err);
    *id = sqlite3_last_insert_rowid(w->db);
    return PD_OK;
}

static int write_declarations(gen *g)
{
    demo_world *w = g->w;
    sqlite3_stmt *st = pd_db_prepare(
        w->db,
        "INSERT INTO declarations(person_id, kind, via, declared_at, unit_code, area_code,"
        " district_code, province_code, address, travel, places, symptoms, exposures,"
        " vaccine_doses, note, created_by) SELECT ?1, ?2, ?3, ?4, unit_code, area_code,"
        " district_code, province_code, address, ?5, ?6, ?7, ?8, ?9, '', ?10 FROM people"
        " WHERE id = ?1",
        w->err);
    if (!st)
        return PD_EDB;
    pd_buf places, line;
    pd_buf_init(&places);
    pd_buf_init(&line);
    int rc = PD_OK;
    for (size_t i = 0; i < g->n && rc == PD_OK; i++) {
        int64_t id = 0;
        rc = insert_declaration(g, st, &g->d[i], &places, &id);
        if (rc == PD_OK)
            raise_alert(g, &g->d[i], id, &line);
        w->out->declarations_with_symptoms += g->d[i].symptoms != 0;
    }
    sqlite3_finalize(st);
    pd_buf_free(&places);
    pd_buf_free(&line);
    w->out->declarations = (int64_t)g->n;
    return rc;
}

static int insert_alert(gen *g, sqlite3_stmt *st, const alert *a)
{
    demo_world *w = g->w;
    const demo_resident *res = &w->residents[a->resident];
    bool done = a->acted_at && a->acted_at <= w->now;
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    sqlite3_bind_int64(st, 1, res->id);
    sqlite3_bind_int64(st, 2, a->declaration_id);
    sqlite3_bind_text(st, 3, a->reasons, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, a->detail.data, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, w->communes[res->commune].code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, PD_DEMO_DISTRICT, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, w->province, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 8, a->created_at);
    sqlite3_bind_text(st, 9, done ? "done" : "open", -1, SQLITE_STATIC);
    if (done) {
        bool own = strcmp(w->communes[res->commune].code, "01834") == 0;
        sqlite3_bind_text(st, 10, actions[a->action], -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 11, action_notes[a->action], -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 12, own ? w->user_xa : w->user_huyen);
        sqlite3_bind_int64(st, 13, a->acted_at);
    } else {
        sqlite3_bind_text(st, 11, "", -1, SQLITE_STATIC);
    }
    if (sqlite3_step(st) != SQLITE_DONE)
        return pd_db_error(w->db, w->err);
    if (done)
        w->out->alerts_done++;
    else
        w->out->alerts_open++;
    return PD_OK;
}

static int write_alerts(gen *g)
{
    sqlite3_stmt *st = pd_db_prepare(g->w->db,
                                     "INSERT INTO alerts(person_id, declaration_id, reason, detail,"
                                     " unit_code, district_code, province_code, created_at, status,"
                                     " action, action_note, acted_by, acted_at)"
                                     " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                                     g->w->err);
    if (!st)
        return PD_EDB;
    int rc = PD_OK;
    for (size_t i = 0; i < g->na && rc == PD_OK; i++)
        rc = insert_alert(g, st, &g->a[i]);
    sqlite3_finalize(st);
    return rc;
}

int demo_declarations_write(demo_world *w)
{
    gen g = {.w = w};
    g.open_alert = calloc(w->nresidents ? w->nresidents : 1, sizeof *g.open_alert);
    if (!g.open_alert)
        abort();
    for (size_t i = 0; i < w->nresidents; i++)
        draw_person(&g, (uint32_t)i);
    qsort(g.d, g.n, sizeof *g.d, by_time);
    int rc = write_declarations(&g);
    if (rc == PD_OK)
        rc = write_alerts(&g);
    for (size_t i = 0; i < g.na; i++)
        pd_buf_free(&g.a[i].detail);
    free(g.a);
    free(g.d);
    free(g.open_alert);
    return rc;
}
