/* The demo's outbreak area (one thôn marked six days before the build day, still in force) and a
 * few foreign guests registered at the city's hotels and guesthouses (stays of foreigners, each
 * guest a person with a passport, as the stays module creates them). Names and passport numbers
 * are invented; see docs/demo-data.md. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/text.h"
#include "demo/activity.h"
#include "people/people.h"
#include "store/db.h"

/* ---- outbreak area ---- */

int demo_outbreak_write(demo_world *w)
{
    const demo_commune_info *c = &w->communes[w->outbreak_commune];
    if (!c->nareas)
        return PD_OK;
    char from[12];
    demo_day_iso(w->outbreak_from, from);
    sqlite3_stmt *st = pd_db_prepare(w->db,
                                     "INSERT INTO outbreak_areas(unit_code, from_date, note,"
                                     " created_by, created_at) VALUES (?,?,?,?,?)",
                                     w->err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_text(st, 1, c->area_code[w->outbreak_area], -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, from, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3,
                      "Ghi nhận chùm ca bệnh trong cộng đồng; khoanh vùng, xét nghiệm toàn thôn",
                      -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, w->user_huyen);
    sqlite3_bind_int64(st, 5, demo_day_start(w->outbreak_from) + 8 * 3600);
    int rc = sqlite3_step(st) == SQLITE_DONE ? PD_OK : pd_db_error(w->db, w->err);
    sqlite3_finalize(st);
    if (rc != PD_OK)
        return rc;
    pd_demo_activity *o = w->out;
    o->outbreak_areas = 1;
    pd_strlcpy(o->outbreak_unit, c->area_code[w->outbreak_area], sizeof o->outbreak_unit);
    snprintf(o->outbreak_name, sizeof o->outbreak_name, "%.30s, %.120s",
             c->area_name[w->outbreak_area], c->name);
    pd_strlcpy(o->outbreak_from, from, sizeof o->outbreak_from);
    return PD_OK;
}

/* ---- foreign guests ---- */

typedef struct nationality {
    const char *code;
    const char *prefix; /* letters of the passport number, then digits */
    int digits;
    const char *family[4];
    const char *given_m[3], *given_f[3];
    bool family_first;
} nationality;

static const nationality nationalities[] = {
    {"CN",
     "E",
     8,
     {"Wang", "Li", "Zhang", "Liu"},
     {"Wei", "Jun", "Hao"},
     {"Fang", "Mei", "Xiu"},
     true},
    {"KR",
     "M",
     8,
     {"Kim", "Lee", "Park", "Choi"},
     {"Min-jun", "Ji-ho", "Seo-jun"},
     {"Seo-yeon", "Ji-woo", "Ha-eun"},
     true},
    {"JP",
     "TR",
     7,
     {"Sato", "Suzuki", "Takahashi", "Tanaka"},
     {"Hiroshi", "Takeshi", "Kenji"},
     {"Yuko", "Akiko", "Naomi"},
     true},
    {"US",
     "",
     9,
     {"Smith", "Johnson", "Miller", "Davis"},
     {"John", "Michael", "David"},
     {"Mary", "Jennifer", "Linda"},
     false},
    {"FR",
     "",
     9,
     {"Martin", "Bernard", "Dubois", "Moreau"},
     {"Pierre", "Jean", "Louis"},
     {"Marie", "Camille", "Julie"},
     false},
    {"LA",
     "P",
     7,
     {"Phommachanh", "Sysavath", "Keomany", "Vongsa"},
     {"Somchai", "Bounmy", "Khamla"},
     {"Noy", "Souksavanh", "Phonsavanh"},
     false},
    {"TH",
     "AA",
     7,
     {"Saetang", "Wongsuwan", "Srisuk", "Chaiyaporn"},
     {"Somchai", "Anan", "Niran"},
     {"Malee", "Siriporn", "Kanya"},
     false},
    {"AU",
     "PA",
     7,
     {"Brown", "Wilson", "Taylor", "Anderson"},
     {"James", "Thomas", "William"},
     {"Emily", "Olivia", "Chloe"},
     false},
    {"DE",
     "C",
     8,
     {"Müller", "Schmidt", "Schneider", "Fischer"},
     {"Lukas", "Jonas", "Felix"},
     {"Anna", "Lena", "Sophie"},
     false},
};
#define NATIONALITIES ((int)(sizeof nationalities / sizeof nationalities[0]))

typedef struct guest {
    int nat;
    char sex;
    char name[128], passport[16], birth[12];
} guest;

static void make_guest(demo_world *w, int index, guest *g)
{
    g->nat = demo_rng_below(&w->rng, NATIONALITIES);
    const nationality *n = &nationalities[g->nat];
    g->sex = demo_rng_chance(&w->rng, 0.6) ? 'M' : 'F';
    const char *family = n->family[demo_rng_below(&w->rng, 4)];
    const char *given = (g->sex == 'M' ? n->given_m : n->given_f)[demo_rng_below(&w->rng, 3)];
    snprintf(g->name, sizeof g->name, "%s %s", n->family_first ? family : given,
             n->family_first ? given : family);
    /* Unique: the guest's index in the last digits, the rest random. */
    uint32_t serial = (uint32_t)(demo_rng_below(&w->rng, 9000) + 1000) * 10000u + (uint32_t)index;
    int digits = n->digits;
    char num[16];
    snprintf(num, sizeof num, "%0*u", digits,
             serial % (digits >= 9   ? 1000000000u
                       : digits == 8 ? 100000000u
                                     : 10000000u));
    snprintf(g->passport, sizeof g->passport, "%s%s", n->prefix, num);
    snprintf(g->birth, sizeof g->birth, "%04d-%02d-%02d", demo_rng_range(&w->rng, 1960, 2001),
             demo_rng_range(&w->rng, 1, 12), demo_rng_range(&w->rng, 1, 28));
}

static int insert_guest_person(demo_world *w, pd_inserter *ins, const guest *g, const demo_venue *v,
                               int64_t at, int64_t *id)
{
    const demo_commune_info *c = &w->communes[v->commune];
    pd_person p;
    memset(&p, 0, sizeof p);
    pd_strlcpy(p.full_name, g->name, sizeof p.full_name);
    pd_strlcpy(p.birth_date, g->birth, sizeof p.birth_date);
    p.sex[0] = g->sex;
    pd_strlcpy(p.id_type, "passport", sizeof p.id_type);
    pd_strlcpy(p.id_number, g->passport, sizeof p.id_number);
    pd_strlcpy(p.nationality, nationalities[g->nat].code, sizeof p.nationality);
    pd_strlcpy(p.unit_code, c->code, sizeof p.unit_code);
    if (c->nareas)
        pd_strlcpy(p.area_code, c->area_code[v->area], sizeof p.area_code);
    pd_strlcpy(p.district_code, PD_DEMO_DISTRICT, sizeof p.district_code);
    pd_strlcpy(p.province_code, w->province, sizeof p.province_code);
    snprintf(p.address, sizeof p.address, "Lưu trú tại %s", v->name);
    pd_strlcpy(p.note, "Khách nước ngoài, tạo khi đăng ký lưu trú", sizeof p.note);
    p.created_at = at;
    int rc = pd_inserter_person(ins, &p, w->err);
    *id = p.id;
    return rc;
}

static int insert_stay(demo_world *w, sqlite3_stmt *st, const guest *g, const demo_venue *v,
                       int64_t person, int64_t arrive, int64_t leave, int64_t at)
{
    const demo_commune_info *c = &w->communes[v->commune];
    char a[12], l[12], room[8];
    demo_day_iso(arrive, a);
    demo_day_iso(leave, l);
    snprintf(room, sizeof room, "%d%02d", demo_rng_range(&w->rng, 1, 4),
             demo_rng_range(&w->rng, 1, 12));
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, v->id);
    sqlite3_bind_int64(st, 2, person);
    sqlite3_bind_text(st, 3, g->passport, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, nationalities[g->nat].code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, a, -1, SQLITE_STATIC);
    pd_bind_text_or_null(st, 6, leave ? l : "");
    sqlite3_bind_text(st, 7, room, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, c->code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 9, PD_DEMO_DISTRICT, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 10, w->province, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 11, at);
    return sqlite3_step(st) == SQLITE_DONE ? PD_OK : pd_db_error(w->db, w->err);
}

/* One guest: arrives on one of the 14 days (half of them in the last four), stays 1-10 nights;
 * recent arrivals may not have said when they leave. */
static int write_guest(demo_world *w, pd_inserter *ins, sqlite3_stmt *st, int index,
                       const demo_venue *v)
{
    guest g;
    make_guest(w, index, &g);
    int64_t arrive =
        w->today - demo_rng_below(&w->rng, demo_rng_chance(&w->rng, 0.5) ? 4 : DEMO_DAYS);
    int64_t at = demo_day_start(arrive) + demo_rng_range(&w->rng, 13 * 60, 21 * 60) * 60;
    if (at > w->now)
        at = w->now - 60 * demo_rng_range(&w->rng, 1, 120);
    int64_t leave = arrive + demo_rng_range(&w->rng, 1, 10);
    if (leave >= w->today && demo_rng_chance(&w->rng, 0.4))
        leave = 0; /* not said yet */
    int64_t person;
    int rc = insert_guest_person(w, ins, &g, v, at, &person);
    if (rc == PD_OK)
        rc = insert_stay(w, st, &g, v, person, arrive, leave, at);
    if (rc == PD_OK) {
        w->out->stays++;
        w->out->stays_present += leave == 0 || leave >= w->today;
    }
    return rc;
}

int demo_stays_write(demo_world *w)
{
    const demo_venue *hotels[DEMO_MAX_VENUES];
    int nhotels = 0;
    for (int i = 0; i < w->nvenues; i++)
        if (strcmp(w->venues[i].kind, "accommodation") == 0)
            hotels[nhotels++] = &w->venues[i];
    if (!nhotels)
        return PD_OK;
    long guests = lround(10.0 * w->scale);
    guests = guests < 4 ? 4 : guests > 9999 ? 9999 : guests;
    pd_inserter ins;
    int rc = pd_inserter_open(w->db, &ins, w->err);
    if (rc != PD_OK)
        return rc;
    sqlite3_stmt *st = pd_db_prepare(w->db,
                                     "INSERT INTO stays(venue_id, person_id, passport, nationality,"
                                     " arrive_date, leave_date, room, unit_code, district_code,"
                                     " province_code, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                                     w->err);
    rc = st ? PD_OK : PD_EDB;
    for (long i = 0; rc == PD_OK && i < guests; i++)
        rc = write_guest(w, &ins, st, (int)i, hotels[demo_rng_below(&w->rng, nhotels)]);
    sqlite3_finalize(st);
    pd_inserter_close(&ins);
    return rc;
}
