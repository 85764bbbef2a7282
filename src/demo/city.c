/* The demo city for the activity part: its communes and areas as loaded, local days, the residents
 * as the activity needs them, and the venues of Thành phố Bắc Kạn — the kinds of places a
 * provincial city has (markets, the bus station, schools, the provincial hospital, offices,
 * workshops, shops, restaurants, hotels and guesthouses), each with a QR poster code. See
 * docs/demo-data.md for which names are real and what is assumed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/text.h"
#include "demo/activity.h"
#include "store/db.h"

/* ---- days ---- */

int64_t demo_day_number(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

static void civil(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

void demo_day_iso(int64_t day, char out[12])
{
    int y, m, d;
    civil(day, &y, &m, &d);
    snprintf(out, 12, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u,
             (unsigned)d % 100u);
}

void demo_day_vn(int64_t day, char out[12])
{
    int y, m, d;
    civil(day, &y, &m, &d);
    snprintf(out, 12, "%02u/%02u/%04u", (unsigned)d % 100u, (unsigned)m % 100u,
             (unsigned)y % 10000u);
}

int64_t demo_day_start(int64_t day)
{
    return day * 86400 - PD_TZ_OFFSET_SECONDS;
}

int demo_weekday(int64_t day)
{
    return (int)(((day % 7) + 11) % 7); /* 1970-01-01 was a Thursday */
}

/* ---- the world ---- */

static int load_areas(demo_world *w)
{
    sqlite3_stmt *st = pd_db_prepare(w->db,
                                     "SELECT code, name FROM units WHERE parent_code = ? AND"
                                     " level = 4 ORDER BY code",
                                     w->err);
    if (!st)
        return PD_EDB;
    for (int i = 0; i < w->ncommunes; i++) {
        demo_commune_info *c = &w->communes[i];
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, c->code, -1, SQLITE_STATIC);
        while (sqlite3_step(st) == SQLITE_ROW && c->nareas < DEMO_MAX_AREAS) {
            pd_strlcpy(c->area_code[c->nareas], pd_col_text(st, 0), sizeof c->area_code[0]);
            pd_strlcpy(c->area_name[c->nareas++], pd_col_text(st, 1), sizeof c->area_name[0]);
        }
    }
    sqlite3_finalize(st);
    return PD_OK;
}

int demo_world_open(demo_world *w, sqlite3 *db, uint64_t seed, double scale, demo_ids *ids,
                    const char *province, pd_demo_activity *out, pd_err *err)
{
    memset(w, 0, sizeof *w);
    w->db = db;
    w->err = err;
    w->ids = ids;
    w->scale = scale;
    w->out = out;
    demo_rng_seed(&w->rng, demo_mix64(seed ^ 0xAC71u));
    w->now = pd_now();
    pd_date t = pd_local_date(w->now);
    w->today = demo_day_number(t.year, t.month, t.day);
    demo_day_iso(w->today - (DEMO_DAYS - 1), out->first_day);
    demo_day_iso(w->today, out->last_day);
    pd_strlcpy(w->province, province, sizeof w->province);
    sqlite3_stmt *st = pd_db_prepare(db,
                                     "SELECT code, name, type FROM units WHERE parent_code = ?"
                                     " AND level = 3 ORDER BY code",
                                     err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_text(st, 1, PD_DEMO_DISTRICT, -1, SQLITE_STATIC);
    while (sqlite3_step(st) == SQLITE_ROW && w->ncommunes < PD_DEMO_MAX_COMMUNES) {
        demo_commune_info *c = &w->communes[w->ncommunes++];
        pd_strlcpy(c->code, pd_col_text(st, 0), sizeof c->code);
        pd_strlcpy(c->name, pd_col_text(st, 1), sizeof c->name);
        c->urban = strcmp(pd_col_text(st, 2), "Xã") != 0;
    }
    sqlite3_finalize(st);
    return load_areas(w);
}

void demo_world_close(demo_world *w)
{
    free(w->residents);
    for (int i = 0; i < PD_DEMO_MAX_COMMUNES; i++)
        free(w->by_commune[i]);
    memset(w, 0, sizeof *w);
}

static int commune_index(const demo_world *w, const char *code)
{
    for (int i = 0; i < w->ncommunes; i++)
        if (strcmp(w->communes[i].code, code) == 0)
            return i;
    return -1;
}

/* ---- residents ---- */

static int age_on(const char *birth, int64_t today)
{
    int y, m, d;
    if (sscanf(birth, "%4d-%2d-%2d", &y, &m, &d) != 3)
        return 0;
    int ty, tm, td;
    civil(today, &ty, &tm, &td);
    int age = ty - y - (tm < m || (tm == m && td < d));
    return age < 0 ? 0 : age > 120 ? 120 : age;
}

static void add_resident(demo_world *w, size_t *cap, const demo_resident *r)
{
    if (w->nresidents == *cap) {
        *cap = *cap ? *cap * 2 : 65536;
        demo_resident *p = realloc(w->residents, *cap * sizeof *p);
        if (!p)
            abort();
        w->residents = p;
    }
    w->residents[w->nresidents++] = *r;
}

static void index_communes(demo_world *w)
{
    for (int c = 0; c < w->ncommunes; c++) {
        w->by_commune[c] = malloc((w->nresidents ? w->nresidents : 1) * sizeof(size_t));
        if (!w->by_commune[c])
            abort();
    }
    for (size_t i = 0; i < w->nresidents; i++) {
        const demo_resident *r = &w->residents[i];
        if (r->age >= 12)
            w->by_commune[r->commune][w->by_commune_n[r->commune]++] = i;
    }
}

/* The outbreak area: the second thôn of the rural commune Dương Quang (01849), else of the first
 * rural commune. */
static void choose_outbreak(demo_world *w)
{
    int c = commune_index(w, "01849");
    for (int i = 0; c < 0 && i < w->ncommunes; i++)
        if (!w->communes[i].urban)
            c = i;
    w->outbreak_commune = c < 0 ? 0 : c;
    w->outbreak_area = w->communes[w->outbreak_commune].nareas > 1 ? 1 : 0;
    w->outbreak_from = w->today - 6;
}

int demo_residents_load(demo_world *w)
{
    choose_outbreak(w);
    const char *thon = w->communes[w->outbreak_commune].area_code[w->outbreak_area];
    sqlite3_stmt *st = pd_db_prepare(w->db,
                                     "SELECT id, unit_code, coalesce(area_code, ''), birth_date,"
                                     " phone IS NOT NULL FROM people WHERE nationality = 'VN'"
                                     " ORDER BY id",
                                     w->err);
    if (!st)
        return PD_EDB;
    size_t cap = 0;
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        demo_resident r = {.id = sqlite3_column_int64(st, 0)};
        int c = commune_index(w, pd_col_text(st, 1));
        if (c < 0)
            continue;
        r.commune = (uint8_t)c;
        r.age = (uint8_t)age_on(pd_col_text(st, 3), w->today);
        r.phone = sqlite3_column_int(st, 4) != 0;
        r.outbreak_home = strcmp(pd_col_text(st, 2), thon) == 0;
        add_resident(w, &cap, &r);
    }
    sqlite3_finalize(st);
    if (s != SQLITE_DONE)
        return pd_db_error(w->db, w->err);
    index_communes(w);
    return PD_OK;
}

/* ---- venues ---- */

typedef struct venue_spec {
    const char *name, *kind, *commune, *street;
    int per_day; /* visits a day at scale 1 */
} venue_spec;

/* The first venue is the main market, the venue of the demo account "cho". */
static const venue_spec venue_specs[] = {
    {"Chợ Bắc Kạn", "market", "01834", "Đường Hùng Vương", 600},
    {"Chợ Phùng Chí Kiên", "market", "01843", "", 220},
    {"Chợ Huyền Tụng", "market", "01846", "", 140},
    {"Chợ Xuất Hóa", "market", "01855", "", 120},
    {"Bến xe khách Bắc Kạn", "bus_station", "01843", "Đường Trường Chinh", 220},
    {"Bệnh viện Đa khoa tỉnh Bắc Kạn", "hospital", "01846", "", 320},
    {"Trung tâm Y tế thành phố Bắc Kạn", "hospital", "01840", "", 110},
    {"Trạm Y tế phường Nguyễn Thị Minh Khai", "hospital", "01834", "", 40},
    {"Trạm Y tế xã Dương Quang", "hospital", "01849", "", 25},
    {"Trường THPT Chuyên Bắc Kạn", "school", "01837", "", 70},
    {"Trường THPT Bắc Kạn", "school", "01843", "", 70},
    {"Trường Cao đẳng Bắc Kạn", "school", "01846", "", 50},
    {"Trường THCS Bắc Kạn", "school", "01834", "", 50},
    {"Trường Tiểu học Đức Xuân", "school", "01840", "", 45},
    {"Trường Tiểu học Sông Cầu", "school", "01837", "", 45},
    {"Ủy ban nhân dân tỉnh Bắc Kạn", "office", "01840", "", 110},
    {"Ủy ban nhân dân thành phố Bắc Kạn", "office", "01834", "", 80},
    {"Bưu điện tỉnh Bắc Kạn", "office", "01834", "", 70},
    {"Ủy ban nhân dân phường Sông Cầu", "office", "01837", "", 30},
    {"Ủy ban nhân dân xã Nông Thượng", "office", "01852", "", 20},
    {"Xưởng chế biến gỗ Xuất Hóa", "factory", "01855", "", 70},
    {"Xưởng may Huyền Tụng", "factory", "01846", "", 90},
    {"Nhà máy nước Bắc Kạn", "factory", "01840", "", 25},
    {"Siêu thị Bắc Kạn", "supermarket", "01840", "", 150},
    {"Cửa hàng tiện lợi Sông Cầu", "supermarket", "01837", "", 60},
    {"Nhà hàng Ba Bể", "restaurant", "01837", "", 60},
    {"Quán phở Đức Xuân", "restaurant", "01840", "", 80},
    {"Quán cơm Phùng Chí Kiên", "restaurant", "01843", "", 50},
    {"Quán ăn Nông Thượng", "restaurant", "01852", "", 25},
    {"Khách sạn Bắc Kạn", "accommodation", "01834", "", 15},
    {"Khách sạn Sông Cầu", "accommodation", "01837", "", 10},
    {"Nhà nghỉ Đức Xuân", "accommodation", "01840", "", 8},
    {"Nhà nghỉ Huyền Tụng", "accommodation", "01846", "", 6},
    {"Nhà nghỉ Xuất Hóa", "accommodation", "01855", "", 5},
    {"Sân vận động tỉnh Bắc Kạn", "sports", "01837", "", 40},
    {"Nhà văn hóa xã Dương Quang", "other", "01849", "", 20},
};

void demo_responsible(demo_world *w, char *name, size_t ncap, char *phone, size_t pcap)
{
    char sex = demo_rng_chance(&w->rng, 0.5) ? 'M' : 'F';
    int year = demo_rng_range(&w->rng, 1965, 1995);
    demo_full_name(&w->rng, demo_surname_pick(&w->rng), sex, year, name, ncap);
    if (!demo_ids_phone(w->ids, &w->rng, phone, pcap))
        phone[0] = '\0';
}

/* 12 characters of the alphabet the venues module uses for poster codes (no look-alikes). */
static void public_code(demo_world *w, char out[13])
{
    static const char alphabet[] = "abcdefghjkmnpqrstuvwxyz23456789";
    for (int i = 0; i < 12; i++)
        out[i] = alphabet[demo_rng_below(&w->rng, (int)(sizeof alphabet - 1))];
    out[12] = '\0';
}

static void venue_address(const demo_world *w, const venue_spec *s, const demo_venue *v, char *out,
                          size_t cap)
{
    const demo_commune_info *c = &w->communes[v->commune];
    snprintf(out, cap, "%s%s%s, %s", s->street, s->street[0] ? ", " : "",
             c->nareas ? c->area_name[v->area] : "", c->name);
}

static int insert_venue(demo_world *w, sqlite3_stmt *st, const venue_spec *s, demo_venue *v)
{
    const demo_commune_info *c = &w->communes[v->commune];
    char folded[256], address[256], person[128], phone[16], code[13];
    pd_fold(s->name, folded, sizeof folded);
    venue_address(w, s, v, address, sizeof address);
    demo_responsible(w, person, sizeof person, phone, sizeof phone);
    public_code(w, code);
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, s->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, folded, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, s->kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, c->code, -1, SQLITE_STATIC);
    pd_bind_text_or_null(st, 5, c->nareas ? c->area_code[v->area] : "");
    sqlite3_bind_text(st, 6, PD_DEMO_DISTRICT, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, w->province, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, address, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 9, person, -1, SQLITE_STATIC);
    pd_bind_text_or_null(st, 10, phone);
    sqlite3_bind_text(st, 11, code, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 12, 1635699600); /* 2021-11-01, like the people */
    if (sqlite3_step(st) != SQLITE_DONE)
        return pd_db_error(w->db, w->err);
    v->id = sqlite3_last_insert_rowid(w->db);
    return PD_OK;
}

int demo_venues_write(demo_world *w)
{
    sqlite3_stmt *st = pd_db_prepare(w->db,
                                     "INSERT INTO venues(name, name_folded, kind, unit_code,"
                                     " area_code, district_code, province_code, address,"
                                     " responsible_name, responsible_phone, public_code,"
                                     " created_at, updated_at) VALUES"
                                     " (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?12)",
                                     w->err);
    if (!st)
        return PD_EDB;
    int rc = PD_OK;
    size_t n = sizeof venue_specs / sizeof venue_specs[0];
    for (size_t i = 0; i < n && rc == PD_OK && w->nvenues < DEMO_MAX_VENUES; i++) {
        const venue_spec *s = &venue_specs[i];
        int c = commune_index(w, s->commune);
        if (c < 0)
            continue;
        demo_venue *v = &w->venues[w->nvenues];
        *v = (demo_venue){0, s->name, s->kind, c, 0, s->per_day};
        if (w->communes[c].nareas)
            v->area = demo_rng_below(&w->rng, w->communes[c].nareas);
        rc = insert_venue(w, st, s, v);
        if (rc == PD_OK)
            w->nvenues++;
    }
    sqlite3_finalize(st);
    w->out->venues = w->nvenues;
    w->out->main_market_id = w->nvenues ? w->venues[0].id : 0;
    return rc;
}
