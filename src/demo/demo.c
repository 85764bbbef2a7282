/* Builds the demo database for Thành phố Bắc Kạn: areas under each ward/commune, households and
 * people in proportion to the 2019 census (streamed through the bulk inserter in one transaction),
 * one account per role, and the activity of the last 14 days (activity.h). */
#include "demo/demo.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "base/text.h"
#include "demo/activity.h"
#include "demo/demo_internal.h"
#include "demo/demo_risk.h"
#include "people/people.h"
#include "store/db.h"
#include "units/units.h"

/* created_at/updated_at of every demo record: 2021-11-01 00:00 in Viet Nam (UTC+7). */
#define DEMO_CREATED_AT 1635699600

typedef struct area {
    char code[16];
    char name[32];
    int weight;     /* relative number of households */
    int next_house; /* next house number (wards) */
} area;

typedef struct commune_plan {
    pd_demo_commune *sum;
    bool urban; /* phường: tổ dân phố and house numbers; xã: thôn */
    area *areas;
    int area_count;
} commune_plan;

typedef struct builder {
    sqlite3 *db;
    pd_err *err;
    pd_demo_summary *out;
    const pd_demo_options *opt;
    demo_rng rng;
    demo_ages ages;
    demo_ids ids;
    pd_inserter ins;
    sqlite3_stmt *set_head;
    char province_code[16];
    int64_t done, total;
    commune_plan plans[PD_DEMO_MAX_COMMUNES];
    demo_world world; /* the activity of the last 14 days */
} builder;

typedef struct account_spec {
    const char *username, *role, *unit_code, *label;
} account_spec;

/* One account per role, each with the scope that role has in the demo district; the venue account
 * works at the main market. */
static const account_spec accounts[PD_DEMO_ACCOUNTS] = {
    {"admin", "admin", "", "Quản trị hệ thống"},
    {"tinh", "province", "06", "Cấp tỉnh"},
    {"huyen", "district", PD_DEMO_DISTRICT, "Cấp huyện"},
    {"xa", "commune", "01834", "Cấp xã"},
    {"todoi", "team", "01834", "Tổ COVID cộng đồng"},
    {"xem", "viewer", PD_DEMO_DISTRICT, "Người xem"},
    {"congan", "police", PD_DEMO_DISTRICT, "Công an"},
    {"cho", "venue", "01834", "Ban quản lý Chợ Bắc Kạn"},
};

/* ---- checks ---- */

static int check_options(const pd_demo_options *opt, double *scale, pd_err *err)
{
    *scale = opt && opt->scale != 0 ? opt->scale : 1.0;
    if (!isfinite(*scale) || *scale <= 0 || *scale > PD_DEMO_MAX_SCALE)
        return pd_fail(err, PD_EINVAL, "scale", "Hệ số quy mô phải lớn hơn 0 và không quá %.0f",
                       PD_DEMO_MAX_SCALE);
    return PD_OK;
}

static int count_rows(sqlite3 *db, const char *sql, int64_t *n, pd_err *err)
{
    sqlite3_stmt *st = pd_db_prepare(db, sql, err);
    if (!st)
        return PD_EDB;
    int rc = sqlite3_step(st);
    *n = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? PD_OK : pd_db_error(db, err);
}

static int refuse_if_used(sqlite3 *db, pd_err *err)
{
    int64_t n;
    if (count_rows(db, "SELECT count(*) FROM people", &n, err) != PD_OK)
        return PD_EDB;
    if (n > 0)
        return pd_fail(
            err, PD_ECONFLICT, "db",
            "Cơ sở dữ liệu đã có %lld người; chỉ tạo dữ liệu mẫu trong cơ sở dữ liệu chưa có "
            "dân cư. Hãy chọn một tệp mới.",
            (long long)n);
    sqlite3_stmt *st = pd_db_prepare(db, "SELECT 1 FROM users WHERE username = ?", err);
    if (!st)
        return PD_EDB;
    int rc = PD_OK;
    for (int i = 0; i < PD_DEMO_ACCOUNTS && rc == PD_OK; i++) {
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, accounts[i].username, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW)
            rc = pd_fail(err, PD_ECONFLICT, "db",
                         "Cơ sở dữ liệu đã có tài khoản %s; hãy tạo dữ liệu mẫu trong một tệp mới.",
                         accounts[i].username);
    }
    sqlite3_finalize(st);
    return rc;
}

/* ---- the district, its communes and their areas ---- */

static int load_communes(builder *b)
{
    pd_demo_summary *out = b->out;
    pd_unit district;
    if (pd_unit_get(b->db, PD_DEMO_DISTRICT, &district, b->err) != PD_OK)
        return pd_fail(b->err, PD_ENOTFOUND, "",
                       "Không có Thành phố Bắc Kạn (mã 058) trong danh mục");
    pd_strlcpy(out->district_code, district.code, sizeof out->district_code);
    pd_strlcpy(out->district_name, district.name, sizeof out->district_name);
    pd_strlcpy(b->province_code, district.province_code, sizeof b->province_code);
    sqlite3_stmt *st = pd_db_prepare(b->db,
                                     "SELECT code, name, type, population FROM units"
                                     " WHERE parent_code = ? AND level = 3 ORDER BY code",
                                     b->err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_text(st, 1, PD_DEMO_DISTRICT, -1, SQLITE_STATIC);
    int rc = PD_OK;
    while (rc == PD_OK && sqlite3_step(st) == SQLITE_ROW &&
           out->commune_count < PD_DEMO_MAX_COMMUNES) {
        pd_demo_commune *c = &out->communes[out->commune_count];
        commune_plan *plan = &b->plans[out->commune_count++];
        pd_strlcpy(c->code, pd_col_text(st, 0), sizeof c->code);
        pd_strlcpy(c->name, pd_col_text(st, 1), sizeof c->name);
        plan->sum = c;
        plan->urban = strcmp(pd_col_text(st, 2), "Xã") != 0;
        if (sqlite3_column_type(st, 3) == SQLITE_NULL)
            rc = pd_fail(b->err, PD_EINVAL, "", "Thiếu số dân năm 2019 của %s", c->name);
        c->census = sqlite3_column_int64(st, 3);
    }
    sqlite3_finalize(st);
    if (rc == PD_OK && out->commune_count == 0)
        rc = pd_fail(b->err, PD_ENOTFOUND, "", "Thành phố Bắc Kạn không có xã, phường nào");
    return rc;
}

/* The code of an area the commune already has under this name (from an earlier, failed run). */
static int existing_area(sqlite3 *db, const char *commune, const char *name, char *code, size_t cap,
                         pd_err *err)
{
    sqlite3_stmt *st =
        pd_db_prepare(db, "SELECT code FROM units WHERE parent_code = ? AND name = ?", err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_text(st, 1, commune, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st) == SQLITE_ROW ? PD_OK : pd_db_error(db, err);
    if (rc == PD_OK)
        pd_strlcpy(code, pd_col_text(st, 0), cap);
    sqlite3_finalize(st);
    return rc;
}

/* Roughly one tổ dân phố per 450 residents in wards and one thôn per 400 in rural communes. */
static int area_count(const commune_plan *plan)
{
    double per = plan->urban ? 450.0 : 400.0;
    long n = lround((double)plan->sum->census / per);
    return n < 3 ? 3 : (int)n;
}

static int add_areas(builder *b, commune_plan *plan)
{
    pd_actor cli = pd_actor_cli();
    plan->area_count = area_count(plan);
    plan->areas = calloc((size_t)plan->area_count, sizeof *plan->areas);
    if (!plan->areas)
        return pd_fail(b->err, PD_ELIMIT, "", "Hết bộ nhớ");
    for (int i = 0; i < plan->area_count; i++) {
        area *a = &plan->areas[i];
        snprintf(a->name, sizeof a->name, "%s %d", plan->urban ? "Tổ" : "Thôn", i + 1);
        a->weight = demo_rng_range(&b->rng, 70, 130);
        a->next_house = 1 + demo_rng_below(&b->rng, 3);
        pd_unit u;
        int rc = pd_area_add(b->db, &cli, plan->sum->code, a->name,
                             plan->urban ? "Tổ dân phố" : "Thôn", &u, b->err);
        if (rc == PD_OK)
            pd_strlcpy(a->code, u.code, sizeof a->code);
        else if (rc == PD_ECONFLICT)
            rc = existing_area(b->db, plan->sum->code, a->name, a->code, sizeof a->code, b->err);
        if (rc != PD_OK)
            return rc;
    }
    plan->sum->areas = plan->area_count;
    b->out->areas += plan->area_count;
    return PD_OK;
}

/* ---- households and people ---- */

static area *pick_area(builder *b, commune_plan *plan)
{
    int weights[256];
    int n = plan->area_count < 256 ? plan->area_count : 256;
    for (int i = 0; i < n; i++)
        weights[i] = plan->areas[i].weight;
    return &plan->areas[demo_rng_weighted(&b->rng, weights, n)];
}

static void fill_household(builder *b, commune_plan *plan, pd_household *h, int size)
{
    memset(h, 0, sizeof *h);
    area *a = pick_area(b, plan);
    pd_strlcpy(h->unit_code, plan->sum->code, sizeof h->unit_code);
    pd_strlcpy(h->area_code, a->code, sizeof h->area_code);
    pd_strlcpy(h->district_code, PD_DEMO_DISTRICT, sizeof h->district_code);
    pd_strlcpy(h->province_code, b->province_code, sizeof h->province_code);
    if (plan->urban) {
        snprintf(h->address, sizeof h->address, "Số %d, %s", a->next_house, a->name);
        a->next_house += demo_rng_chance(&b->rng, 0.25) ? 1 + demo_rng_range(&b->rng, 1, 3) : 1;
    } else {
        pd_strlcpy(h->address, a->name, sizeof h->address);
    }
    h->member_count = size;
    h->created_at = h->updated_at = DEMO_CREATED_AT;
}

/* CCCD for everyone from 14; some older people still carry the 9-digit CMND. */
static void assign_identity(builder *b, const demo_member *m, int birth_year, pd_person *p)
{
    if (m->age < 14)
        return;
    double cmnd = m->age >= 60 ? 0.3 : m->age >= 40 ? 0.2 : m->age >= 25 ? 0.08 : 0.0;
    if (demo_rng_chance(&b->rng, cmnd) && demo_ids_cmnd(&b->ids, p->id_number, sizeof p->id_number))
        pd_strlcpy(p->id_type, "cmnd", sizeof p->id_type);
    else if (demo_ids_cccd(&b->ids, &b->rng, birth_year, m->sex, p->id_number, sizeof p->id_number))
        pd_strlcpy(p->id_type, "cccd", sizeof p->id_type);
}

static void assign_phone(builder *b, const demo_member *m, pd_person *p)
{
    double share = m->age < 15   ? 0.0
                   : m->age < 18 ? 0.4
                   : m->age < 70 ? 0.88
                   : m->age < 80 ? 0.55
                                 : 0.25;
    if (demo_rng_chance(&b->rng, share))
        demo_ids_phone(&b->ids, &b->rng, p->phone, sizeof p->phone);
}

static void fill_person(builder *b, const commune_plan *plan, const demo_member *m,
                        const pd_household *h, pd_person *p)
{
    memset(p, 0, sizeof *p);
    int year = demo_birth_date(&b->rng, m->age, p->birth_date, sizeof p->birth_date);
    demo_full_name(&b->rng, m->surname, m->sex, year, p->full_name, sizeof p->full_name);
    p->sex[0] = m->sex;
    assign_identity(b, m, year, p);
    assign_phone(b, m, p);
    pd_strlcpy(p->nationality, "VN", sizeof p->nationality);
    pd_strlcpy(p->unit_code, h->unit_code, sizeof p->unit_code);
    pd_strlcpy(p->area_code, h->area_code, sizeof p->area_code);
    pd_strlcpy(p->district_code, h->district_code, sizeof p->district_code);
    pd_strlcpy(p->province_code, h->province_code, sizeof p->province_code);
    pd_strlcpy(p->address, h->address, sizeof p->address);
    p->household_id = h->id;
    pd_strlcpy(p->relation, m->relation, sizeof p->relation);
    pd_strlcpy(p->occupation, demo_occupation(&b->rng, m->age, m->sex, plan->urban),
               sizeof p->occupation);
    p->created_at = p->updated_at = DEMO_CREATED_AT;
    p->version = 1;
}

static int set_head(builder *b, int64_t household, int64_t person)
{
    sqlite3_reset(b->set_head);
    sqlite3_bind_int64(b->set_head, 1, person);
    sqlite3_bind_int64(b->set_head, 2, household);
    if (sqlite3_step(b->set_head) != SQLITE_DONE)
        return pd_db_error(b->db, b->err);
    return PD_OK;
}

static void report_progress(builder *b, int added)
{
    int64_t before = b->done;
    b->done += added;
    if (b->opt && b->opt->progress && (b->done / 20000 != before / 20000 || b->done == b->total))
        b->opt->progress(b->done, b->total, b->opt->progress_ctx);
}

static int write_household(builder *b, commune_plan *plan, int size)
{
    demo_household hh;
    demo_household_make(&b->rng, &b->ages, size, &hh);
    pd_household h;
    fill_household(b, plan, &h, hh.size);
    int rc = pd_inserter_household(&b->ins, &h, b->err);
    if (rc != PD_OK)
        return rc;
    int64_t head = 0;
    for (int i = 0; i < hh.size; i++) {
        pd_person p;
        fill_person(b, plan, &hh.m[i], &h, &p);
        rc = pd_inserter_person(&b->ins, &p, b->err);
        if (rc != PD_OK)
            return rc;
        if (i == 0)
            head = p.id;
    }
    report_progress(b, hh.size);
    return set_head(b, h.id, head);
}

static int populate_commune(builder *b, commune_plan *plan, double scale)
{
    int64_t target = llround((double)plan->sum->census * scale);
    demo_ages_init(&b->ages);
    while (plan->sum->people < target) {
        int size = demo_household_size(&b->rng, plan->urban);
        if (size > target - plan->sum->people)
            size = (int)(target - plan->sum->people);
        int rc = write_household(b, plan, size);
        if (rc != PD_OK)
            return rc;
        plan->sum->people += size;
        plan->sum->households++;
    }
    b->out->people += plan->sum->people;
    b->out->households += plan->sum->households;
    return PD_OK;
}

/* ---- accounts ---- */

static int unit_name(sqlite3 *db, const char *code, char *out, size_t cap, pd_err *err)
{
    if (!*code) {
        pd_strlcpy(out, "Toàn quốc", cap);
        return PD_OK;
    }
    pd_unit u;
    if (pd_unit_get(db, code, &u, err) != PD_OK)
        return pd_fail(err, PD_ENOTFOUND, "", "Không có đơn vị hành chính mã %s", code);
    pd_strlcpy(out, u.name, cap);
    return PD_OK;
}

void pd_demo_password(const char *username, char *out, size_t cap)
{
    snprintf(out, cap, "demo@%s2021", username);
}

/* The accounts the activity names as authors (created_by, acted_by). */
static void remember_account(builder *b, const char *username, int64_t id)
{
    if (strcmp(username, "huyen") == 0)
        b->world.user_huyen = id;
    else if (strcmp(username, "xa") == 0)
        b->world.user_xa = id;
    else if (strcmp(username, "todoi") == 0)
        b->world.user_todoi = id;
}

static int add_accounts(builder *b)
{
    for (int i = 0; i < PD_DEMO_ACCOUNTS; i++) {
        const account_spec *s = &accounts[i];
        pd_demo_account *a = &b->out->accounts[b->out->account_count];
        pd_strlcpy(a->username, s->username, sizeof a->username);
        pd_demo_password(s->username, a->password, sizeof a->password);
        pd_strlcpy(a->role, s->role, sizeof a->role);
        pd_strlcpy(a->unit_code, s->unit_code, sizeof a->unit_code);
        if (unit_name(b->db, s->unit_code, a->unit_name, sizeof a->unit_name, b->err) != PD_OK)
            return PD_ENOTFOUND;
        char display[320];
        bool venue = strcmp(s->role, "venue") == 0;
        snprintf(display, sizeof display, "%s%s%s", s->label, *s->unit_code && !venue ? " – " : "",
                 *s->unit_code && !venue ? a->unit_name : "");
        pd_strlcpy(a->display_name, display, sizeof a->display_name);
        int64_t id = 0;
        int rc = pd_user_add(b->db, a->username, a->role, a->unit_code, a->password,
                             a->display_name, &id, b->err);
        if (rc == PD_OK && venue)
            rc = pd_user_set_venue(b->db, id, b->out->activity.main_market_id, b->err);
        if (rc != PD_OK)
            return rc;
        remember_account(b, s->username, id);
        b->out->account_count++;
    }
    return PD_OK;
}

/* ---- the whole build ---- */

/* Venues, accounts, then what happened in the last 14 days (activity.h). */
static int write_activity(builder *b, double scale)
{
    demo_world *w = &b->world;
    int rc = demo_world_open(w, b->db, b->out->seed, scale, &b->ids, b->province_code,
                             &b->out->activity, b->err);
    if (rc == PD_OK)
        rc = demo_venues_write(w);
    if (rc == PD_OK)
        rc = add_accounts(b);
    if (rc == PD_OK)
        rc = demo_residents_load(w);
    if (rc == PD_OK)
        rc = demo_outbreak_write(w);
    if (rc == PD_OK)
        rc = demo_stays_write(w);
    if (rc == PD_OK)
        rc = demo_declarations_write(w);
    if (rc == PD_OK)
        rc = demo_visits_write(w);
    demo_world_close(w);
    return rc;
}

/* People, households, venues, accounts and activity: all or nothing. */
static int write_people(builder *b, double scale)
{
    if (pd_db_begin(b->db, b->err) != PD_OK)
        return PD_EDB;
    int rc = pd_inserter_open_bulk(b->db, &b->ins, b->err);
    if (rc != PD_OK) {
        pd_db_rollback(b->db);
        return rc;
    }
    b->set_head =
        pd_db_prepare(b->db, "UPDATE households SET head_person_id = ? WHERE id = ?", b->err);
    rc = b->set_head ? PD_OK : PD_EDB;
    for (int i = 0; rc == PD_OK && i < b->out->commune_count; i++)
        rc = populate_commune(b, &b->plans[i], scale);
    sqlite3_finalize(b->set_head);
    b->set_head = NULL;
    if (rc == PD_OK)
        rc = pd_inserter_finish(&b->ins, b->err);
    pd_inserter_close(&b->ins);
    if (rc == PD_OK)
        rc = write_activity(b, scale);
    if (rc != PD_OK) {
        pd_db_rollback(b->db);
        return rc;
    }
    return pd_db_commit(b->db, b->err);
}

/* Each pd_area_add commits on its own; with synchronous=FULL that is one fsync per area. The areas
 * are reusable if the build stops half-way, so they are written with synchronous=NORMAL (durable at
 * the next checkpoint) and the connection's setting is restored for the people. */
static int add_all_areas(builder *b, double scale)
{
    sqlite3_stmt *st = pd_db_prepare(b->db, "PRAGMA synchronous", b->err);
    if (!st)
        return PD_EDB;
    int saved = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 2;
    sqlite3_finalize(st);
    int rc = pd_db_exec(b->db, "PRAGMA synchronous=NORMAL", b->err);
    for (int i = 0; rc == PD_OK && i < b->out->commune_count; i++) {
        rc = add_areas(b, &b->plans[i]);
        b->total += llround((double)b->plans[i].sum->census * scale);
    }
    char restore[48];
    snprintf(restore, sizeof restore, "PRAGMA synchronous=%d", saved);
    pd_err ignored;
    int restored = pd_db_exec(b->db, restore, rc == PD_OK ? b->err : &ignored);
    return rc != PD_OK ? rc : restored;
}

static int run(builder *b, double scale)
{
    int loaded = 0;
    int rc = pd_units_init(b->db, &loaded, b->err);
    if (rc == PD_OK)
        rc = refuse_if_used(b->db, b->err);
    if (rc == PD_OK)
        rc = load_communes(b);
    if (rc == PD_OK)
        rc = add_all_areas(b, scale);
    if (rc == PD_OK)
        rc = write_people(b, scale);
    if (rc == PD_OK) /* the 2021 wave first, so that case ids follow confirmation times */
        rc = demo_risk_history_write(b->db, b->out, b->err);
    if (rc == PD_OK)
        rc = demo_cases_write(b->db, &b->rng, b->out->district_code, &b->out->activity, b->err);
    if (rc == PD_OK)
        rc = demo_vaccination_write(b->db, &b->rng, b->out, b->err);
    if (rc == PD_OK)
        rc = demo_lab_write(b->db, &b->rng, b->out, b->err);
    if (rc == PD_OK)
        rc = demo_quarantine_write(b->db, &b->rng, b->out, b->err);
    if (rc == PD_OK)
        rc = demo_risk_write(b->db, &b->rng, b->out, b->err);
    if (rc == PD_OK)
        rc = demo_directives_write(b->db, &b->rng, b->out, b->err);
    return rc;
}

int pd_demo_build(sqlite3 *db, const pd_demo_options *opt, pd_demo_summary *out, pd_err *err)
{
    double scale;
    if (check_options(opt, &scale, err) != PD_OK)
        return PD_EINVAL;
    builder *b = calloc(1, sizeof *b);
    if (!b)
        return pd_fail(err, PD_ELIMIT, "", "Hết bộ nhớ");
    memset(out, 0, sizeof *out);
    out->seed = opt ? opt->seed : PD_DEMO_DEFAULT_SEED;
    out->scale = scale;
    b->db = db;
    b->err = err;
    b->out = out;
    b->opt = opt;
    demo_rng_seed(&b->rng, out->seed);
    demo_ids_init(&b->ids, out->seed);
    int rc = run(b, scale);
    for (int i = 0; i < PD_DEMO_MAX_COMMUNES; i++)
        free(b->plans[i].areas);
    free(b);
    if (rc != PD_OK) {
        pd_demo_summary failed = {.seed = out->seed, .scale = scale};
        *out = failed;
    }
    return rc;
}
