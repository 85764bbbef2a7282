/* The narrowest-lockdown suggestion (pd_lockdown_suggest): from the active cases and their saved
 * F1s, where they live (people.household_id, area_code, unit_code), the smallest places to lock
 * down: households, a thôn/tổ once enough of its households have a case, a commune once enough of
 * its thôn/tổ are suggested (or, for a commune without thôn/tổ, once enough households have a
 * case). Counts of cases and F1 are of distinct people: a person who is an active case counts as
 * a case, not as an F1. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "cases/cases.h"
#include "people/unit_cache.h"
#include "store/db.h"

#define DEFAULT_AREA_HOUSEHOLDS 3
#define DEFAULT_COMMUNE_AREAS 3

/* One person living in scope who is an active case or an F1 of one, in (commune, area,
 * household) order. */
typedef struct hot {
    char commune[16], area[16];
    int64_t household; /* 0: none */
    bool is_case;
} hot;

typedef struct hot_list {
    hot *v;
    size_t n, cap;
} hot_list;

typedef struct item_list {
    pd_lockdown_area *v;
    size_t n, cap;
} item_list;

/* Counts over a run of hot people. */
typedef struct tally {
    int64_t cases, f1, households_with_cases;
} tally;

static bool push_hot(hot_list *l, const hot *h)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 256;
        hot *v = realloc(l->v, cap * sizeof *v);
        if (!v)
            return false;
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = *h;
    return true;
}

static pd_lockdown_area *push_item(item_list *l)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 32;
        pd_lockdown_area *v = realloc(l->v, cap * sizeof *v);
        if (!v)
            return NULL;
        l->v = v;
        l->cap = cap;
    }
    pd_lockdown_area *a = &l->v[l->n++];
    memset(a, 0, sizeof *a);
    return a;
}

/* Cases, F1 and households with a case among h[from, to) (sorted by household within an area;
 * households are counted once per area run, which is how they are sorted). */
static tally count_run(const hot *h, size_t from, size_t to)
{
    tally t = {0, 0, 0};
    int64_t last_case_household = -1;
    for (size_t i = from; i < to; i++) {
        if (h[i].is_case) {
            t.cases++;
            if (h[i].household && h[i].household != last_case_household) {
                t.households_with_cases++;
                last_case_household = h[i].household;
            }
        } else {
            t.f1++;
        }
    }
    return t;
}

/* ---- reading ---- */

/* The unit filter: which people column to restrict and the code. An area narrows the reading to
 * its commune (the decisions need the whole commune) and the answer to the area. */
typedef struct filter {
    const char *column; /* NULL: none */
    char code[16];
    char area[16]; /* an area asked for: keep only what covers it */
} filter;

static int resolve_filter(sqlite3 *db, const char *unit_code, filter *f, pd_err *err)
{
    memset(f, 0, sizeof *f);
    if (!unit_code || !unit_code[0])
        return PD_OK;
    pd_unit_info u;
    if (!pd_unit_cache_get(db, unit_code, &u))
        return pd_fail(err, PD_EINVAL, "unit", "Không có đơn vị hành chính mã %s", unit_code);
    static const char *const column[] = {NULL, "p.province_code", "p.district_code", "p.unit_code",
                                         "p.unit_code"};
    int level = u.level >= 1 && u.level <= 4 ? u.level : 3;
    f->column = column[level];
    pd_strlcpy(f->code, level == 4 ? u.commune_code : unit_code, sizeof f->code);
    if (level == 4)
        pd_strlcpy(f->area, unit_code, sizeof f->area);
    return PD_OK;
}

static int read_hot(sqlite3 *db, const pd_actor *actor, const filter *f, hot_list *out, pd_err *err)
{
    char scope[64];
    pd_scope_sql(actor, "p", scope, sizeof scope);
    char sql[1400];
    snprintf(sql, sizeof sql,
             "WITH hot(person_id, is_case) AS ("
             " SELECT person_id, 1 FROM cases WHERE status = 'active'"
             " UNION ALL"
             " SELECT k.person_id, 0 FROM cases c JOIN contacts k ON k.case_id = c.id"
             " WHERE c.status = 'active' AND k.level = 1)"
             " SELECT p.unit_code, coalesce(p.area_code,''), coalesce(p.household_id,0),"
             " max(h.is_case) FROM hot h JOIN people p ON p.id = h.person_id"
             " WHERE %s%s%s%s GROUP BY p.id ORDER BY 1, 2, 3, p.id",
             scope, f->column ? " AND " : "", f->column ? f->column : "", f->column ? " = ?" : "");
    sqlite3_stmt *st = pd_db_prepare(db, sql, err);
    if (!st)
        return PD_EDB;
    int n = 1;
    if (pd_scope_param(actor))
        sqlite3_bind_text(st, n++, pd_scope_param(actor), -1, SQLITE_STATIC);
    if (f->column)
        sqlite3_bind_text(st, n++, f->code, -1, SQLITE_STATIC);
    int r, rc = PD_OK;
    hot h;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        memset(&h, 0, sizeof h);
        pd_strlcpy(h.commune, pd_col_text(st, 0), sizeof h.commune);
        pd_strlcpy(h.area, pd_col_text(st, 1), sizeof h.area);
        h.household = sqlite3_column_int64(st, 2);
        h.is_case = sqlite3_column_int(st, 3) != 0;
        if (!push_hot(out, &h)) {
            rc = pd_fail(err, PD_ELIMIT, "", "Không đủ bộ nhớ");
            break;
        }
    }
    if (rc == PD_OK && r != SQLITE_DONE)
        rc = pd_db_error(db, err);
    sqlite3_finalize(st);
    return rc;
}

static int count_people(sqlite3 *db, const char *sql, const char *a, const char *b, int64_t id,
                        int64_t *out, pd_err *err)
{
    *out = 0;
    sqlite3_stmt *st = pd_db_cached(db, sql, err);
    if (!st)
        return PD_EDB;
    if (a)
        sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
    if (b)
        sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC);
    if (!a)
        sqlite3_bind_int64(st, 1, id);
    int r = sqlite3_step(st);
    if (r == SQLITE_ROW)
        *out = sqlite3_column_int64(st, 0);
    pd_db_release(st);
    return r == SQLITE_ROW ? PD_OK : pd_db_error(db, err);
}

static int commune_has_areas(sqlite3 *db, const char *commune, bool *out, pd_err *err)
{
    *out = false;
    sqlite3_stmt *st =
        pd_db_cached(db, "SELECT 1 FROM units WHERE parent_code = ? AND level = 4 LIMIT 1", err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_text(st, 1, commune, -1, SQLITE_STATIC);
    int r = sqlite3_step(st);
    *out = r == SQLITE_ROW;
    pd_db_release(st);
    return r == SQLITE_ROW || r == SQLITE_DONE ? PD_OK : pd_db_error(db, err);
}

static int household_name(sqlite3 *db, int64_t id, char *out, size_t cap, pd_err *err)
{
    sqlite3_stmt *st = pd_db_cached(db, "SELECT address FROM households WHERE id = ?", err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, id);
    int r = sqlite3_step(st);
    const char *a = r == SQLITE_ROW ? pd_col_text(st, 0) : "";
    if (a[0])
        pd_strlcpy(out, a, cap);
    else
        snprintf(out, cap, "Hộ gia đình số %lld", (long long)id);
    pd_db_release(st);
    return r == SQLITE_ROW || r == SQLITE_DONE ? PD_OK : pd_db_error(db, err);
}

static void unit_name(sqlite3 *db, const char *code, char *out, size_t cap)
{
    pd_unit_info u;
    pd_strlcpy(out, pd_unit_cache_get(db, code, &u) ? u.name : code, cap);
}

/* ---- deciding ---- */

typedef struct run {
    sqlite3 *db;
    const pd_lockdown_opts *o;
    const filter *f;
    const hot *h;
    item_list *items;
    pd_err *err;
} run;

static int add_household(run *r, size_t from, size_t to, const char *commune, const char *area)
{
    if (r->f->area[0] && strcmp(area, r->f->area) != 0)
        return PD_OK;
    pd_lockdown_area *a = push_item(r->items);
    if (!a)
        return pd_fail(r->err, PD_ELIMIT, "", "Không đủ bộ nhớ");
    tally t = count_run(r->h, from, to);
    a->level = PD_LOCKDOWN_HOUSEHOLD;
    a->household_id = r->h[from].household;
    pd_strlcpy(a->unit_code, commune, sizeof a->unit_code);
    a->cases = t.cases;
    a->f1 = t.f1;
    a->households_with_cases = t.households_with_cases;
    if (t.cases && t.f1)
        snprintf(a->reason, sizeof a->reason,
                 "Hộ có %lld ca bệnh đang điều trị và %lld F1 (chưa đủ %d hộ có ca bệnh để "
                 "phong tỏa thôn/tổ)",
                 (long long)t.cases, (long long)t.f1, r->o->area_households);
    else if (t.cases)
        snprintf(a->reason, sizeof a->reason,
                 "Hộ có %lld ca bệnh đang điều trị (chưa đủ %d hộ có ca bệnh để phong tỏa "
                 "thôn/tổ)",
                 (long long)t.cases, r->o->area_households);
    else
        snprintf(a->reason, sizeof a->reason, "Hộ có %lld F1 của ca bệnh đang điều trị",
                 (long long)t.f1);
    int rc = household_name(r->db, a->household_id, a->name, sizeof a->name, r->err);
    if (rc == PD_OK)
        rc = count_people(r->db, "SELECT count(*) FROM people WHERE household_id = ?", NULL, NULL,
                          a->household_id, &a->people, r->err);
    return rc;
}

/* The households of an area run (or of the people without an area) as household items. */
static int add_households(run *r, size_t from, size_t to, const char *commune, const char *area)
{
    size_t i = from;
    while (i < to) {
        size_t j = i;
        while (j < to && r->h[j].household == r->h[i].household)
            j++;
        if (r->h[i].household) {
            int rc = add_household(r, i, j, commune, area);
            if (rc != PD_OK)
                return rc;
        }
        i = j;
    }
    return PD_OK;
}

static int add_area(run *r, const char *commune, const char *area, const tally *t)
{
    if (r->f->area[0] && strcmp(area, r->f->area) != 0)
        return PD_OK;
    pd_lockdown_area *a = push_item(r->items);
    if (!a)
        return pd_fail(r->err, PD_ELIMIT, "", "Không đủ bộ nhớ");
    a->level = PD_LOCKDOWN_AREA;
    pd_strlcpy(a->unit_code, area, sizeof a->unit_code);
    unit_name(r->db, area, a->name, sizeof a->name);
    a->cases = t->cases;
    a->f1 = t->f1;
    a->households_with_cases = t->households_with_cases;
    snprintf(a->reason, sizeof a->reason,
             "%lld hộ trong thôn/tổ có ca bệnh đang điều trị (ngưỡng %d hộ): phong tỏa cả "
             "thôn/tổ thay cho từng hộ",
             (long long)t->households_with_cases, r->o->area_households);
    return count_people(r->db, "SELECT count(*) FROM people WHERE unit_code = ? AND area_code = ?",
                        commune, area, 0, &a->people, r->err);
}

static int add_commune(run *r, const char *commune, const tally *t, bool has_areas, int areas)
{
    pd_lockdown_area *a = push_item(r->items);
    if (!a)
        return pd_fail(r->err, PD_ELIMIT, "", "Không đủ bộ nhớ");
    a->level = PD_LOCKDOWN_COMMUNE;
    pd_strlcpy(a->unit_code, commune, sizeof a->unit_code);
    unit_name(r->db, commune, a->name, sizeof a->name);
    a->cases = t->cases;
    a->f1 = t->f1;
    a->households_with_cases = t->households_with_cases;
    if (has_areas)
        snprintf(a->reason, sizeof a->reason,
                 "%d thôn/tổ trong xã cần phong tỏa (ngưỡng %d thôn/tổ): phong tỏa cả xã", areas,
                 r->o->commune_areas);
    else
        snprintf(a->reason, sizeof a->reason,
                 "%lld hộ có ca bệnh đang điều trị, xã chưa chia thôn/tổ (ngưỡng %d hộ): phong "
                 "tỏa cả xã",
                 (long long)t->households_with_cases, r->o->area_households);
    return count_people(r->db, "SELECT count(*) FROM people WHERE unit_code = ?", commune, NULL, 0,
                        &a->people, r->err);
}

/* One commune's people h[from, to): the commune, else its areas, else its households. */
static int decide_commune(run *r, size_t from, size_t to)
{
    const hot *h = r->h;
    const char *commune = h[from].commune;
    bool has_areas = false;
    int rc = commune_has_areas(r->db, commune, &has_areas, r->err);
    if (rc != PD_OK)
        return rc;
    /* Households with a case in the whole commune (households never span areas). */
    tally whole = {0, 0, 0};
    int suggested = 0;
    for (size_t i = from; i < to;) {
        size_t j = i;
        while (j < to && strcmp(h[j].area, h[i].area) == 0)
            j++;
        tally t = count_run(h, i, j);
        whole.cases += t.cases;
        whole.f1 += t.f1;
        whole.households_with_cases += t.households_with_cases;
        if (h[i].area[0] && t.households_with_cases >= r->o->area_households)
            suggested++;
        i = j;
    }
    bool lock_commune = has_areas ? suggested >= r->o->commune_areas
                                  : whole.households_with_cases >= r->o->area_households;
    if (lock_commune)
        return add_commune(r, commune, &whole, has_areas, suggested);
    for (size_t i = from; i < to && rc == PD_OK;) {
        size_t j = i;
        while (j < to && strcmp(h[j].area, h[i].area) == 0)
            j++;
        tally t = count_run(h, i, j);
        if (h[i].area[0] && t.households_with_cases >= r->o->area_households)
            rc = add_area(r, commune, h[i].area, &t);
        else
            rc = add_households(r, i, j, commune, h[i].area);
        i = j;
    }
    return rc;
}

static int item_cmp(const void *pa, const void *pb)
{
    const pd_lockdown_area *a = pa, *b = pb;
    if (a->level != b->level)
        return a->level > b->level ? -1 : 1;
    if (a->cases != b->cases)
        return a->cases > b->cases ? -1 : 1;
    if (a->f1 != b->f1)
        return a->f1 > b->f1 ? -1 : 1;
    int c = strcmp(a->unit_code, b->unit_code);
    if (c)
        return c;
    return a->household_id < b->household_id ? -1 : a->household_id > b->household_id;
}

int pd_lockdown_suggest(sqlite3 *db, const pd_actor *actor, const char *unit_code,
                        const pd_lockdown_opts *opts, pd_lockdown_cb cb, void *ctx, pd_err *err)
{
    if (!pd_actor_can(actor, PD_PERM_TRACE))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được xem đề xuất phong tỏa");
    pd_lockdown_opts o = {DEFAULT_AREA_HOUSEHOLDS, DEFAULT_COMMUNE_AREAS};
    if (opts && opts->area_households > 0)
        o.area_households = opts->area_households;
    if (opts && opts->commune_areas > 0)
        o.commune_areas = opts->commune_areas;
    filter f;
    int rc = resolve_filter(db, unit_code, &f, err);
    if (rc != PD_OK)
        return rc;
    hot_list people = {0};
    item_list items = {0};
    rc = read_hot(db, actor, &f, &people, err);
    run r = {db, &o, &f, people.v, &items, err};
    for (size_t i = 0; rc == PD_OK && i < people.n;) {
        size_t j = i;
        while (j < people.n && strcmp(people.v[j].commune, people.v[i].commune) == 0)
            j++;
        rc = decide_commune(&r, i, j);
        i = j;
    }
    if (rc == PD_OK && items.n > 1)
        qsort(items.v, items.n, sizeof *items.v, item_cmp);
    for (size_t i = 0; rc == PD_OK && i < items.n; i++)
        if (cb(&items.v[i], ctx) != 0)
            break;
    free(people.v);
    free(items.v);
    return rc;
}
