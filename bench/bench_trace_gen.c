/* bench/bench_trace_gen.c: the data of the tracing benchmark (bench/run.sh, BENCH_ONLY=trace): a
 * phongdich database (migrated, administrative units loaded) holding a generated province -- the
 * communes of Ninh Bình (37, 982,487 people in 2019) weighted by their census population --
 * with --people people in households of 1 to 6, --venues venues of every kind with a heavy-tailed
 * popularity (a few big markets and supermarkets with thousands of visitors a day, many small
 * shops), --rows check-ins over the 14 days before --end, and --cases cases (F0) of random people
 * whose infectious windows lie inside those 14 days; no quarantine orders, no declared contacts.
 *
 * Everybody has a routine: children go to school and adults to an office or a factory on working
 * days (one long visit), and the other visits of the day go to a kind of venue drawn by weight, at
 * one of the person's favourite venues of that kind three times in four, else at a venue drawn by
 * popularity in the person's commune (70 %), district (15 %) or anywhere in the province. Visits
 * last what their kind lasts (a shop 5-40 minutes, a market 15-75, school 7-9 hours), ordered in
 * the person's day; one in twenty has no check-out. Each person-day has floor(x) or floor(x)+1
 * visits (x from the person's age and activity), so the total is --rows plus a small margin.
 *
 * Deterministic for a --seed. Fast: one transaction with journal and sync off, one prepared
 * statement, the check-in indexes dropped during the load and rebuilt afterwards.
 * Usage: bench_trace_gen --db NEW.db [--people N] [--rows N] [--venues N] [--cases N] [--seed N]
 *        [--end YYYY-MM-DD]  (the day after the 14 days, local time; default 2021-11-29) */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/text.h"
#include "store/db.h"
#include "units/units.h"
#include "venues/venues.h"

#define DAY 86400
#define LOCAL_OFFSET (7 * 3600)
#define DAYS 14
#define PROVINCE "37"

enum {
    K_MARKET,
    K_SUPERMARKET,
    K_BUS,
    K_SCHOOL,
    K_HOSPITAL,
    K_OFFICE,
    K_FACTORY,
    K_RESTAURANT,
    K_ACCOMMODATION,
    K_RELIGIOUS,
    K_SPORTS,
    K_OTHER,
    K_COUNT
};

/* Per kind, in the order of pd_venue_kinds: venues per 30,000, share of the visits that are not
 * to a workplace, visit length in minutes, favourites a person keeps, the name of a venue. */
static const struct {
    const char *code;
    int per_30000;
    double visit_share;
    int min_minutes, max_minutes;
    int favourites;
    const char *name;
} kinds[K_COUNT] = {
    [K_MARKET] = {"market", 400, 0.11, 15, 75, 2, "Chợ"},
    [K_SUPERMARKET] = {"supermarket", 12000, 0.36, 5, 40, 4, "Cửa hàng"},
    [K_BUS] = {"bus_station", 40, 0.015, 10, 60, 1, "Bến xe"},
    [K_SCHOOL] = {"school", 900, 0.02, 15, 45, 1, "Trường"},
    [K_HOSPITAL] = {"hospital", 150, 0.03, 30, 180, 1, "Cơ sở y tế"},
    [K_OFFICE] = {"office", 3000, 0.04, 15, 60, 2, "Cơ quan"},
    [K_FACTORY] = {"factory", 250, 0.01, 30, 120, 1, "Công ty"},
    [K_RESTAURANT] = {"restaurant", 7000, 0.20, 25, 90, 3, "Quán ăn"},
    [K_ACCOMMODATION] = {"accommodation", 1060, 0.005, 480, 720, 1, "Nhà nghỉ"},
    [K_RELIGIOUS] = {"religious", 800, 0.04, 30, 120, 1, "Chùa"},
    [K_SPORTS] = {"sports", 900, 0.05, 45, 120, 2, "Sân thể thao"},
    [K_OTHER] = {"other", 3500, 0.12, 10, 60, 2, "Điểm dịch vụ"},
};

/* ---- Random numbers ---------------------------------------------------------------------- */

static uint64_t rng_state;
static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
static uint64_t next(void)
{
    return mix64(rng_state += 0x9E3779B97F4A7C15ull);
}
static double unif(void) /* [0, 1) */
{
    return (double)(next() >> 11) * 0x1.0p-53;
}
static uint32_t below(uint32_t n)
{
    return (uint32_t)(((next() >> 32) * (uint64_t)n) >> 32);
}
static int between(int lo, int hi) /* [lo, hi] */
{
    return lo + (int)below((uint32_t)(hi - lo + 1));
}

/* ---- The province ------------------------------------------------------------------------ */

typedef struct commune {
    char code[8], district[8];
    double population;
    int first_person, people;         /* person indexes [first, first + people) */
    int district_first, district_end; /* communes of the same district */
} commune;

static commune *communes;
static int ncommunes;

/* Venues sorted by (kind, commune): venue index i is venue id i + 1. cum[i] is the cumulative
 * popularity within its kind; range[c][k] the venues of kind k in commune c. */
typedef struct venue_range {
    int lo, hi;
} venue_range;

static int nvenues;
static uint8_t *venue_kind;
static int *venue_commune;
static double *cum;
static venue_range (*range)[K_COUNT];
static venue_range kind_range[K_COUNT];

/* People: commune, age, activity, workplace (venue index or -1). */
typedef struct person {
    uint16_t commune;
    uint8_t age;
    uint8_t anchor_kind;
    float rate; /* mean visits a day */
    int32_t anchor;
} person;

static person *people;
static int npeople;

static void die(const char *what, sqlite3 *db)
{
    fprintf(stderr, "bench_trace_gen: %s%s%s\n", what, db ? ": " : "",
            db ? sqlite3_errmsg(db) : "");
    exit(1);
}

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (!p)
        die("out of memory", NULL);
    return p;
}

static void exec(sqlite3 *db, const char *sql)
{
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
        die(sql, db);
}

static sqlite3_stmt *prepare(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        die(sql, db);
    return st;
}

static void step_done(sqlite3 *db, sqlite3_stmt *st)
{
    if (sqlite3_step(st) != SQLITE_DONE)
        die("insert", db);
    sqlite3_reset(st);
}

/* The communes of the province and their population (the median where the census has none). */
static void load_communes(sqlite3 *db)
{
    sqlite3_stmt *st = prepare(db, "SELECT code, district_code, coalesce(population, -1) FROM units"
                                   " WHERE level = 3 AND province_code = '" PROVINCE "' ORDER BY "
                                   "district_code, code");
    int cap = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (ncommunes == cap) {
            cap = cap ? cap * 2 : 256;
            communes = realloc(communes, (size_t)cap * sizeof *communes);
            if (!communes)
                die("out of memory", NULL);
        }
        commune *c = &communes[ncommunes++];
        memset(c, 0, sizeof *c);
        snprintf(c->code, sizeof c->code, "%s", (const char *)sqlite3_column_text(st, 0));
        snprintf(c->district, sizeof c->district, "%s", (const char *)sqlite3_column_text(st, 1));
        c->population = (double)sqlite3_column_int64(st, 2);
    }
    sqlite3_finalize(st);
    if (ncommunes == 0)
        die("no commune of province " PROVINCE " (units not loaded?)", NULL);
    double known = 0;
    int nknown = 0;
    for (int i = 0; i < ncommunes; i++)
        if (communes[i].population > 0)
            known += communes[i].population, nknown++;
    double fill = nknown ? known / nknown : 1000;
    for (int i = 0; i < ncommunes; i++) {
        if (communes[i].population <= 0)
            communes[i].population = fill;
        int d = i;
        while (d > 0 && strcmp(communes[d - 1].district, communes[i].district) == 0)
            d--;
        communes[i].district_first = d;
        int e = i;
        while (e < ncommunes && strcmp(communes[e].district, communes[i].district) == 0)
            e++;
        communes[i].district_end = e;
    }
}

/* A commune drawn by population. */
static int draw_commune(const double *commune_cum)
{
    double u = unif() * commune_cum[ncommunes - 1];
    int lo = 0, hi = ncommunes - 1;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (commune_cum[mid] > u)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

/* A venue of [lo, hi) (all of one kind) drawn by popularity, with the uniform u. */
static int draw_in(int lo, int hi, double u)
{
    double base = lo > 0 && venue_kind[lo - 1] == venue_kind[lo] ? cum[lo - 1] : 0;
    double x = base + u * (cum[hi - 1] - base);
    int a = lo, b = hi - 1;
    while (a < b) {
        int mid = (a + b) / 2;
        if (cum[mid] > x)
            b = mid;
        else
            a = mid + 1;
    }
    return a;
}

/* A venue of kind k for someone of commune c: in the commune (p_commune), else its district
 * (p_district), else the province; a wider area when the narrower has no venue of that kind. */
static int draw_venue(int k, int c, double p_commune, double p_district, double u)
{
    double r = unif();
    const commune *cm = &communes[c];
    if (r < p_commune && range[c][k].hi > range[c][k].lo)
        return draw_in(range[c][k].lo, range[c][k].hi, u);
    if (r < p_commune + p_district) {
        int lo = range[cm->district_first][k].lo, hi = range[cm->district_end - 1][k].hi;
        if (hi > lo)
            return draw_in(lo, hi, u);
    }
    return draw_in(kind_range[k].lo, kind_range[k].hi, u);
}

static void make_venues(sqlite3 *db, int n, const double *commune_cum, int64_t created)
{
    int count[K_COUNT], total = 0;
    for (int k = 0; k < K_COUNT; k++) {
        count[k] = (int)((double)kinds[k].per_30000 * n / 30000.0 + 0.5);
        if (count[k] < 1)
            count[k] = 1;
        total += count[k];
    }
    nvenues = total;
    venue_kind = xcalloc((size_t)total, 1);
    venue_commune = xcalloc((size_t)total, sizeof *venue_commune);
    cum = xcalloc((size_t)total, sizeof *cum);
    range = xcalloc((size_t)ncommunes, sizeof *range);
    double *pop = xcalloc((size_t)total, sizeof *pop);
    int i = 0;
    for (int k = 0; k < K_COUNT; k++) {
        kind_range[k].lo = i;
        int first = i;
        for (int j = 0; j < count[k]; j++, i++) {
            venue_kind[i] = (uint8_t)k;
            venue_commune[i] = draw_commune(commune_cum);
            /* Pareto popularity: most venues small, a few very busy. */
            double u = 1.0 - unif();
            pop[i] = fmin(400.0, pow(u, -0.8));
        }
        kind_range[k].hi = i;
        /* Sort the kind's venues by commune (counting sort). */
        int *bucket = xcalloc((size_t)ncommunes + 1, sizeof *bucket);
        for (int v = first; v < i; v++)
            bucket[venue_commune[v] + 1]++;
        for (int c = 0; c < ncommunes; c++)
            bucket[c + 1] += bucket[c];
        int *vc = xcalloc((size_t)count[k], sizeof *vc);
        double *vp = xcalloc((size_t)count[k], sizeof *vp);
        int *pos = xcalloc((size_t)ncommunes, sizeof *pos);
        for (int v = first; v < i; v++) {
            int c = venue_commune[v], at = bucket[c] + pos[c]++;
            vc[at] = c;
            vp[at] = pop[v];
        }
        for (int c = 0; c < ncommunes; c++) {
            range[c][k].lo = first + bucket[c];
            range[c][k].hi = first + bucket[c + 1];
        }
        double acc = 0;
        for (int j = 0; j < count[k]; j++) {
            venue_commune[first + j] = vc[j];
            pop[first + j] = vp[j];
            acc += vp[j];
            cum[first + j] = acc;
        }
        free(bucket);
        free(vc);
        free(vp);
        free(pos);
    }

    sqlite3_stmt *st =
        prepare(db, "INSERT INTO venues(id, name, name_folded, kind, unit_code, district_code, "
                    "province_code, address, public_code, created_at, updated_at) VALUES "
                    "(?1, ?2, ?3, ?4, ?5, ?6, '" PROVINCE "', ?7, ?8, ?9, ?9)");
    int serial[K_COUNT] = {0};
    for (int v = 0; v < nvenues; v++) {
        int k = venue_kind[v];
        const commune *c = &communes[venue_commune[v]];
        char name[128], folded[128], address[64], code[16];
        /* The busiest of a kind are named as such. */
        snprintf(name, sizeof name, "%s %s số %d", kinds[k].name,
                 pop[v] > 50 ? "trung tâm" : "khu phố", ++serial[k]);
        pd_fold(name, folded, sizeof folded);
        snprintf(address, sizeof address, "Số %d, xã/phường %s", between(1, 300), c->code);
        snprintf(code, sizeof code, "tr%08d", v + 1);
        sqlite3_bind_int64(st, 1, v + 1);
        sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 3, folded, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 4, kinds[k].code, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, c->code, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 6, c->district, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 7, address, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 8, code, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 9, created);
        step_done(db, st);
    }
    sqlite3_finalize(st);
    free(pop);
}

/* ---- People and households ---------------------------------------------------------------- */

static const char *const surnames[][2] = {
    {"Nguyễn", "nguyen"}, {"Nguyễn", "nguyen"}, {"Nguyễn", "nguyen"}, {"Trần", "tran"},
    {"Lê", "le"},         {"Phạm", "pham"},     {"Hoàng", "hoang"},   {"Vũ", "vu"},
    {"Đinh", "dinh"},     {"Bùi", "bui"},       {"Đỗ", "do"},         {"Ngô", "ngo"},
    {"Dương", "duong"},   {"Phan", "phan"},     {"Lương", "luong"},   {"Tạ", "ta"}};
static const char *const middles[][2][2] = {
    {{"Văn", "van"}, {"Thị", "thi"}},     {{"Đức", "duc"}, {"Thu", "thu"}},
    {{"Minh", "minh"}, {"Ngọc", "ngoc"}}, {{"Quang", "quang"}, {"Thanh", "thanh"}},
    {{"Hữu", "huu"}, {"Hồng", "hong"}},   {{"Xuân", "xuan"}, {"Phương", "phuong"}}};
static const char *const givens[][2][2] = {
    {{"An", "an"}, {"Anh", "anh"}},         {{"Bình", "binh"}, {"Chi", "chi"}},
    {{"Dũng", "dung"}, {"Dung", "dung"}},   {{"Hải", "hai"}, {"Hà", "ha"}},
    {{"Hùng", "hung"}, {"Hương", "huong"}}, {{"Long", "long"}, {"Lan", "lan"}},
    {{"Minh", "minh"}, {"Linh", "linh"}},   {{"Nam", "nam"}, {"Mai", "mai"}},
    {{"Quân", "quan"}, {"Ngọc", "ngoc"}},   {{"Sơn", "son"}, {"Thảo", "thao"}},
    {{"Tuấn", "tuan"}, {"Trang", "trang"}}, {{"Việt", "viet"}, {"Yến", "yen"}}};
#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

static int draw_age(void)
{
    double r = unif();
    if (r < 0.08)
        return between(0, 5);
    if (r < 0.25)
        return between(6, 17);
    if (r < 0.85)
        return between(18, 59);
    return between(60, 89);
}

static int household_size(void)
{
    static const int cum_pct[] = {10, 30, 52, 77, 90, 100}; /* sizes 1..6, mean 3.5 */
    int r = (int)below(100);
    for (int s = 0; s < 6; s++)
        if (r < cum_pct[s])
            return s + 1;
    return 6;
}

/* Households and people, commune by commune; each person's routine. */
static void make_people(sqlite3 *db, int n, int end_year, int64_t created)
{
    npeople = n;
    people = xcalloc((size_t)n, sizeof *people);
    double total_pop = 0;
    for (int c = 0; c < ncommunes; c++)
        total_pop += communes[c].population;
    int given = 0;
    for (int c = 0; c < ncommunes; c++) {
        communes[c].first_person = given;
        int share = c == ncommunes - 1
                        ? n - given
                        : (int)((double)n * communes[c].population / total_pop + 0.5);
        if (given + share > n)
            share = n - given;
        communes[c].people = share;
        given += share;
    }

    sqlite3_stmt *hh = prepare(db, "INSERT INTO households(id, unit_code, district_code, "
                                   "province_code, address, head_person_id, created_at, updated_at)"
                                   " VALUES (?1, ?2, ?3, '" PROVINCE "', ?4, ?5, ?6, ?6)");
    sqlite3_stmt *pp =
        prepare(db, "INSERT INTO people(id, full_name, name_folded, birth_date, sex, unit_code, "
                    "district_code, province_code, address, household_id, relation, created_at, "
                    "updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, '" PROVINCE
                    "', ?8, ?9, ?10, ?11, ?11)");
    int64_t household = 0;
    for (int c = 0; c < ncommunes; c++) {
        const commune *cm = &communes[c];
        int i = cm->first_person, end = cm->first_person + cm->people;
        while (i < end) {
            int size = household_size();
            if (size > end - i)
                size = end - i;
            char address[96];
            snprintf(address, sizeof address, "Số %d, tổ %d, %s", between(1, 400), between(1, 30),
                     cm->code);
            household++;
            sqlite3_bind_int64(hh, 1, household);
            sqlite3_bind_text(hh, 2, cm->code, -1, SQLITE_STATIC);
            sqlite3_bind_text(hh, 3, cm->district, -1, SQLITE_STATIC);
            sqlite3_bind_text(hh, 4, address, -1, SQLITE_TRANSIENT);
            sqlite3_bind_int64(hh, 5, i + 1);
            sqlite3_bind_int64(hh, 6, created);
            step_done(db, hh);
            int surname = (int)below(COUNT(surnames));
            for (int m = 0; m < size; m++, i++) {
                person *p = &people[i];
                p->commune = (uint16_t)c;
                p->age = (uint8_t)(m < 2 ? between(20, 80) : draw_age());
                int sex = (int)below(2);
                int mid = (int)below(COUNT(middles)), gv = (int)below(COUNT(givens));
                int s = m == 1 ? (int)below(COUNT(surnames)) : surname; /* the spouse's own */
                char name[128], folded[128], birth[40];
                snprintf(name, sizeof name, "%s %s %s", surnames[s][0], middles[mid][sex][0],
                         givens[gv][sex][0]);
                snprintf(folded, sizeof folded, "%s %s %s", surnames[s][1], middles[mid][sex][1],
                         givens[gv][sex][1]);
                snprintf(birth, sizeof birth, "%04d-%02d-%02d", end_year - p->age - 1,
                         between(1, 12), between(1, 28));
                sqlite3_bind_int64(pp, 1, i + 1);
                sqlite3_bind_text(pp, 2, name, -1, SQLITE_TRANSIENT);
                sqlite3_bind_text(pp, 3, folded, -1, SQLITE_TRANSIENT);
                sqlite3_bind_text(pp, 4, birth, -1, SQLITE_TRANSIENT);
                sqlite3_bind_text(pp, 5, sex ? "F" : "M", -1, SQLITE_STATIC);
                sqlite3_bind_text(pp, 6, cm->code, -1, SQLITE_STATIC);
                sqlite3_bind_text(pp, 7, cm->district, -1, SQLITE_STATIC);
                sqlite3_bind_text(pp, 8, address, -1, SQLITE_TRANSIENT);
                sqlite3_bind_int64(pp, 9, household);
                sqlite3_bind_text(pp, 10, m == 0 ? "Chủ hộ" : "", -1, SQLITE_STATIC);
                sqlite3_bind_int64(pp, 11, created);
                step_done(db, pp);

                /* The routine: a workplace, and how busy the person is. */
                p->anchor = -1;
                double activity = 0.6 + 0.8 * unif();
                if (p->age <= 5) {
                    activity *= 0.25;
                } else if (p->age <= 17) {
                    activity *= 0.6;
                    if (unif() < 0.95)
                        p->anchor_kind = K_SCHOOL,
                        p->anchor = draw_venue(K_SCHOOL, c, 0.9, 0.1, unif());
                } else if (p->age <= 59) {
                    activity *= 1.3;
                    double r = unif();
                    if (r < 0.30)
                        p->anchor_kind = K_OFFICE,
                        p->anchor = draw_venue(K_OFFICE, c, 0.6, 0.25, unif());
                    else if (r < 0.48)
                        p->anchor_kind = K_FACTORY,
                        p->anchor = draw_venue(K_FACTORY, c, 0.3, 0.4, unif());
                } else {
                    activity *= 0.7;
                }
                p->rate = (float)activity;
            }
        }
    }
    sqlite3_finalize(hh);
    sqlite3_finalize(pp);
}

/* ---- Check-ins ----------------------------------------------------------------------------- */

typedef struct visit {
    int venue, kind;
    int start, end; /* seconds from the day's local midnight */
} visit;

static int by_start(const void *a, const void *b)
{
    const visit *x = a, *y = b;
    return (x->start > y->start) - (x->start < y->start);
}

static int draw_visit_kind(const double *kind_cum)
{
    double u = unif();
    for (int k = 0; k < K_COUNT - 1; k++)
        if (u < kind_cum[k])
            return k;
    return K_COUNT - 1;
}

/* The venue of a visit of kind k by person i: one of the person's favourites (fixed by a hash of
 * the person, kind and slot) three times in four, else anywhere by popularity. */
static int visit_venue(uint32_t i, int k, uint64_t seed)
{
    const person *p = &people[i];
    if (unif() < 0.75) {
        int slot = (int)below((uint32_t)kinds[k].favourites);
        uint64_t h = mix64(seed ^ ((uint64_t)i << 20) ^ ((uint64_t)k << 8) ^ (uint64_t)slot);
        uint64_t saved = rng_state;
        rng_state = h;
        int v = draw_venue(k, p->commune, 0.85, 0.12, unif());
        rng_state = saved;
        return v;
    }
    return draw_venue(k, p->commune, 0.7, 0.15, unif());
}

/* A start time (minutes) in the free parts of the day. */
static int free_minute(bool anchored, int a_start, int a_end)
{
    if (!anchored)
        return between(6 * 60, 21 * 60 + 30);
    int pre = a_start - 10 - 5 * 60 - 30, lunch = 75, post = 21 * 60 + 30 - (a_end + 5);
    if (pre < 0)
        pre = 0;
    if (post < 0)
        post = 0;
    int r = (int)below((uint32_t)(pre + lunch + post));
    if (r < pre)
        return 5 * 60 + 30 + r;
    if (r < pre + lunch)
        return 11 * 60 + 30 + (r - pre);
    return a_end + 5 + (r - pre - lunch);
}

static int64_t make_checkins(sqlite3 *db, int64_t rows, int64_t start, uint64_t seed)
{
    double kind_cum[K_COUNT], acc = 0;
    for (int k = 0; k < K_COUNT; k++)
        kind_cum[k] = acc += kinds[k].visit_share;
    for (int k = 0; k < K_COUNT; k++)
        kind_cum[k] /= acc;
    /* Scale the rates so that the expected total is rows plus a margin of 8 standard deviations. */
    double sum = 0;
    for (int i = 0; i < npeople; i++)
        sum += people[i].rate;
    double margin = 8.0 * sqrt((double)npeople * DAYS * 0.25);
    double scale = ((double)rows + margin) / (sum * DAYS);
    for (int i = 0; i < npeople; i++)
        people[i].rate = (float)(people[i].rate * scale);

    sqlite3_stmt *st = prepare(
        db, "INSERT INTO checkins(venue_id, person_id, in_at, out_at) VALUES (?1, ?2, ?3, ?4)");
    int64_t written = 0;
    visit day_visits[64];
    for (int d = 0; d < DAYS; d++) {
        int64_t midnight = start + (int64_t)d * DAY;
        time_t local = (time_t)(midnight + LOCAL_OFFSET);
        struct tm tm;
        gmtime_r(&local, &tm);
        int wday = tm.tm_wday; /* 0 Sunday */
        for (uint32_t i = 0; i < (uint32_t)npeople; i++) {
            const person *p = &people[i];
            double x = p->rate;
            int k = (int)x + (unif() < x - (int)x);
            if (k == 0)
                continue;
            if (k > 64)
                k = 64;
            int n = 0, a_start = 0, a_end = 0;
            bool works = p->anchor >= 0 &&
                         (p->anchor_kind == K_FACTORY ? wday != 0 : wday >= 1 && wday <= 5) &&
                         unif() < 0.95;
            if (works) {
                int len = p->anchor_kind == K_SCHOOL   ? between(420, 540)
                          : p->anchor_kind == K_OFFICE ? between(480, 540)
                                                       : between(540, 600);
                a_start = (p->anchor_kind == K_FACTORY ? 6 * 60 + 30 : 7 * 60) + between(0, 40);
                a_end = a_start + len;
                day_visits[n++] = (visit){p->anchor, p->anchor_kind, a_start * 60, a_end * 60};
            }
            while (n < k) {
                int kind = draw_visit_kind(kind_cum);
                int minute = kind == K_ACCOMMODATION ? between(19 * 60, 22 * 60 + 30)
                                                     : free_minute(works, a_start, a_end);
                int len = between(kinds[kind].min_minutes, kinds[kind].max_minutes);
                day_visits[n++] =
                    (visit){visit_venue(i, kind, seed), kind, minute * 60, (minute + len) * 60};
            }
            /* In order; a visit ends (at the latest) a minute before the next begins, and lasts
             * five minutes at least. The workplace visit keeps its length (lunch is taken out). */
            qsort(day_visits, (size_t)n, sizeof *day_visits, by_start);
            for (int j = 0; j + 1 < n; j++) {
                visit *v = &day_visits[j];
                if (v->venue == p->anchor && works && v->start == a_start * 60)
                    continue;
                int limit = day_visits[j + 1].start - 60;
                if (v->end > limit)
                    v->end = limit > v->start + 300 ? limit : v->start + 300;
            }
            for (int j = 0; j < n; j++) {
                const visit *v = &day_visits[j];
                int64_t in_at = midnight + v->start + below(60);
                sqlite3_bind_int64(st, 1, v->venue + 1);
                sqlite3_bind_int64(st, 2, (int64_t)i + 1);
                sqlite3_bind_int64(st, 3, in_at);
                if (unif() < 0.05)
                    sqlite3_bind_null(st, 4); /* no check-out: the venue's stay applies */
                else
                    sqlite3_bind_int64(st, 4, midnight + v->end + below(60));
                step_done(db, st);
            }
            written += n;
        }
        fprintf(stderr, "bench_trace_gen: day %d/%d, %lld check-ins\n", d + 1, DAYS,
                (long long)written);
    }
    sqlite3_finalize(st);
    return written;
}

/* ---- Cases ------------------------------------------------------------------------------- */

static void date_of(int64_t midnight, char out[12])
{
    time_t local = (time_t)(midnight + LOCAL_OFFSET);
    struct tm tm;
    gmtime_r(&local, &tm);
    strftime(out, 12, "%Y-%m-%d", &tm);
}

static void make_cases(sqlite3 *db, int n, int64_t start, int64_t end)
{
    sqlite3_stmt *st = prepare(
        db, "INSERT INTO cases(person_id, confirmed_at, onset_date, sample_date, found_in, basis, "
            "status, status_at, infectious_until, unit_code, district_code, province_code, "
            "created_at) VALUES (?1, ?2, ?3, ?4, 'community', 'pcr', 'active', ?2, ?2, ?5, ?6, "
            "'" PROVINCE "', ?2)");
    sqlite3_stmt *log = prepare(db, "INSERT INTO case_status_log(case_id, status, at, note) VALUES"
                                    " (last_insert_rowid(), 'active', ?1, 'Xác nhận ca bệnh')");
    uint8_t *taken = xcalloc((size_t)npeople, 1);
    for (int c = 0; c < n && c < npeople; c++) {
        uint32_t i;
        do
            i = below((uint32_t)npeople);
        while (taken[i]);
        taken[i] = 1;
        /* Onset on day 3..11 (seven in ten), sample 0-2 days later; else sample on day 3..12.
         * Confirmed (and isolated) the day after the sample, between 08:00 and 20:00. */
        bool onset = unif() < 0.7;
        int onset_day = between(3, 11),
            sample_day = onset ? onset_day + between(0, 2) : between(3, 12);
        int64_t confirmed = start + (int64_t)(sample_day + 1) * DAY + between(8 * 3600, 20 * 3600);
        if (confirmed > end - 3600)
            confirmed = end - 3600;
        char onset_date[12], sample_date[12];
        date_of(start + (int64_t)onset_day * DAY, onset_date);
        date_of(start + (int64_t)sample_day * DAY, sample_date);
        const commune *cm = &communes[people[i].commune];
        sqlite3_bind_int64(st, 1, (int64_t)i + 1);
        sqlite3_bind_int64(st, 2, confirmed);
        if (onset)
            sqlite3_bind_text(st, 3, onset_date, -1, SQLITE_TRANSIENT);
        else
            sqlite3_bind_null(st, 3);
        sqlite3_bind_text(st, 4, sample_date, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 5, cm->code, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 6, cm->district, -1, SQLITE_STATIC);
        step_done(db, st);
        sqlite3_bind_int64(log, 1, confirmed);
        step_done(db, log);
    }
    free(taken);
    sqlite3_finalize(st);
    sqlite3_finalize(log);
}

static const char *arg(int argc, char **argv, const char *name, const char *def)
{
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return argv[i + 1];
    return def;
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

int main(int argc, char **argv)
{
    const char *path = arg(argc, argv, "--db", NULL);
    long long rows = atoll(arg(argc, argv, "--rows", "100000000"));
    long long npeople_arg = atoll(arg(argc, argv, "--people", "0"));
    long long nvenues_arg = atoll(arg(argc, argv, "--venues", "0"));
    int ncases = atoi(arg(argc, argv, "--cases", "1000"));
    uint64_t seed = strtoull(arg(argc, argv, "--seed", "2021"), NULL, 10);
    const char *end_day = arg(argc, argv, "--end", "2021-11-29");
    int y, mo, dd;
    if (!path || rows <= 0 || ncases < 0 || sscanf(end_day, "%d-%d-%d", &y, &mo, &dd) != 3) {
        fprintf(stderr, "usage: bench_trace_gen --db NEW.db [--rows N] [--people N] [--venues N] "
                        "[--cases N] [--seed N] [--end YYYY-MM-DD]\n");
        return 2;
    }
    if (npeople_arg <= 0)
        npeople_arg = rows / 100 > 100 ? rows / 100 : 100;
    if (nvenues_arg <= 0)
        nvenues_arg = npeople_arg * 3 / 100 > 50 ? npeople_arg * 3 / 100 : 50;
    if (npeople_arg > 60000000 || nvenues_arg > 10000000) {
        fprintf(stderr, "bench_trace_gen: too many people or venues\n");
        return 2;
    }
    struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = dd};
    int64_t end = (int64_t)timegm(&tm) - LOCAL_OFFSET; /* 00:00 local */
    int64_t start = end - (int64_t)DAYS * DAY;
    rng_state = seed;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);

    pd_err err;
    sqlite3 *db = pd_db_open(path, &err);
    int loaded = 0;
    if (!db || pd_units_init(db, &loaded, &err) != PD_OK) {
        fprintf(stderr, "bench_trace_gen: %s\n", err.message);
        return 1;
    }
    /* A bulk load into a new file: no journal, no sync; the check-in indexes built at the end. */
    exec(db, "PRAGMA journal_mode=DELETE; PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
             "PRAGMA foreign_keys=OFF; PRAGMA cache_size=-262144;");
    exec(db, "DROP INDEX IF EXISTS checkins_venue; DROP INDEX IF EXISTS checkins_person;"
             "DROP INDEX IF EXISTS checkins_external;");
    exec(db, "BEGIN");
    load_communes(db);
    double *commune_cum = xcalloc((size_t)ncommunes, sizeof *commune_cum);
    double acc = 0;
    for (int c = 0; c < ncommunes; c++)
        commune_cum[c] = acc += communes[c].population;
    make_venues(db, (int)nvenues_arg, commune_cum, start - 90 * DAY);
    make_people(db, (int)npeople_arg, y, start - 90 * DAY);
    fprintf(stderr, "bench_trace_gen: %d communes, %d venues, %d people (%.1f s)\n", ncommunes,
            nvenues, npeople, seconds_since(&t0));
    int64_t written = make_checkins(db, rows, start, seed);
    make_cases(db, ncases, start, end);
    exec(db, "COMMIT");
    fprintf(stderr, "bench_trace_gen: %lld check-ins written (%.1f s); building indexes\n",
            (long long)written, seconds_since(&t0));
    /* Sorting in small runs with a helper thread is faster than a big cache (see the ingest
     * benchmark's notes in docs/benchmarks.md). */
    exec(db, "PRAGMA cache_size=-4096; PRAGMA temp_store=FILE; PRAGMA threads=2;");
    exec(db, "CREATE INDEX checkins_venue ON checkins(venue_id, in_at);"
             "CREATE INDEX checkins_person ON checkins(person_id, in_at);"
             "CREATE UNIQUE INDEX checkins_external ON checkins(external_id) WHERE external_id IS "
             "NOT NULL;");
    exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;");
    pd_db_close(db);
    free(commune_cum);
    printf("RESULT trace.gen.people %d\nRESULT trace.gen.venues %d\nRESULT trace.gen.checkins "
           "%lld\nRESULT trace.gen.cases %d\nRESULT trace.gen.start %lld\nRESULT trace.gen.end "
           "%lld\nRESULT trace.gen.seconds %.1f\n",
           npeople, nvenues, (long long)written, ncases, (long long)start, (long long)end,
           seconds_since(&t0));
    return 0;
}
