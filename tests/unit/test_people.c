/* Unit tests of people and households (src/people/): normalisation and validation, create/get/update
 * within scope, optimistic versions, duplicates seen only within scope, search and paging checked
 * against an oracle computed in the test from a plain scan of the people table over a few hundred
 * generated people (whose folded names are written by hand), households, and the audit entries. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "support.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "people/people.h"
#include "store/db.h"
#include "store/migrations.h"
#include "units/units.h"

#define T0 1636939800 /* 2021-11-15 08:30 in Hanoi */
#define GENERATED 600

static char dir[256];
static sqlite3 *db;
static char area[16]; /* a tổ dân phố under 01834 */
static char db_path[512];

/* Actors used throughout; see setup. */
static pd_actor admin, c1834, c1837, d058, d060, p06, p01, team1834, viewer;

static pd_actor actor_at(pd_role role, pd_scope_level level, const char *code, const char *name)
{
    pd_actor a;
    memset(&a, 0, sizeof a);
    a.role = role;
    a.scope_level = level;
    snprintf(a.scope_code, sizeof a.scope_code, "%s", code);
    snprintf(a.username, sizeof a.username, "%s", name);
    snprintf(a.ip, sizeof a.ip, "192.0.2.1");
    return a;
}

static int64_t sql_int(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int64_t sql_int(const char *fmt, ...)
{
    char sql[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof sql, fmt, ap);
    va_end(ap);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("prepare %s: %s", sql, sqlite3_errmsg(db));
    int64_t v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    return v;
}

/* ---- Generated population ------------------------------------------------------------------- */

typedef struct word {
    const char *vn, *ascii;
} word;

static const word families[] = {
    {"Nguyễn", "nguyen"}, {"Trần", "tran"},   {"Lê", "le"},     {"Phạm", "pham"},
    {"Hoàng", "hoang"},   {"Huỳnh", "huynh"}, {"Phan", "phan"}, {"Vũ", "vu"},
    {"Võ", "vo"},         {"Đặng", "dang"},   {"Bùi", "bui"},   {"Đỗ", "do"},
    {"Hồ", "ho"},         {"Ngô", "ngo"},     {"Dương", "duong"}, {"Lý", "ly"},
};
static const word middles[] = {
    {"Văn", "van"},     {"Thị", "thi"},   {"Đức", "duc"}, {"Minh", "minh"},
    {"Ngọc", "ngoc"},   {"Thanh", "thanh"}, {"Hữu", "huu"}, {"", ""},
};
static const word givens[] = {
    {"An", "an"},     {"Bình", "binh"},   {"Nguyên", "nguyen"}, {"Hà", "ha"},
    {"Hải", "hai"},   {"Hạnh", "hanh"},   {"Lan", "lan"},       {"Long", "long"},
    {"Mai", "mai"},   {"Nam", "nam"},     {"Phương", "phuong"}, {"Quân", "quan"},
    {"Tâm", "tam"},   {"Thảo", "thao"},   {"Trang", "trang"},   {"Tuấn", "tuan"},
    {"Vân", "van"},   {"Yến", "yen"},     {"Đạt", "dat"},       {"Dũng", "dung"},
    {"Ánh", "anh"},   {"Ước", "uoc"},     {"Ỷ", "y"},           {"Đoàn", "doan"},
};

/* Communes people are spread over: four in Bắc Kạn (06), two districts; two in Hà Nội (01). */
static const char *const communes[] = {"01834", "01837", "01840", "01858", "00001", "00004"};

typedef struct generated {
    int64_t id;
    char ascii[96];
} generated;
static generated gen[GENERATED];

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint32_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}

static void fill_generated(int i, pd_person *p, char *ascii, size_t cap)
{
    memset(p, 0, sizeof *p);
    const word *f = &families[next_rand() % (sizeof families / sizeof families[0])];
    const word *m = &middles[next_rand() % (sizeof middles / sizeof middles[0])];
    const word *g = &givens[next_rand() % (sizeof givens / sizeof givens[0])];
    if (m->vn[0]) {
        snprintf(p->full_name, sizeof p->full_name, "%s %s %s", f->vn, m->vn, g->vn);
        snprintf(ascii, cap, "%s %s %s", f->ascii, m->ascii, g->ascii);
    } else {
        snprintf(p->full_name, sizeof p->full_name, "%s %s", f->vn, g->vn);
        snprintf(ascii, cap, "%s %s", f->ascii, g->ascii);
    }
    uint32_t r = next_rand() % 100;
    const char *unit = communes[r < 30 ? 0 : r < 50 ? 1 : r < 60 ? 2 : r < 75 ? 3 : r < 90 ? 4 : 5];
    snprintf(p->unit_code, sizeof p->unit_code, "%s", unit);
    if (strcmp(unit, "01834") == 0 && i % 3 == 0)
        snprintf(p->area_code, sizeof p->area_code, "%s", area);
    int year = 1940 + (int)(next_rand() % 76);
    bool female = next_rand() % 2;
    snprintf(p->sex, sizeof p->sex, "%s", female ? "F" : "M");
    snprintf(p->birth_date, sizeof p->birth_date, "%02d/%02d/%d", 1 + (int)(next_rand() % 28),
             1 + (int)(next_rand() % 12), year);
    if (i % 6 != 0) {
        static const char *const provinces[] = {"001", "006", "079", "038"};
        int gc = (year >= 2000 ? 2 : 0) + (female ? 1 : 0);
        snprintf(p->id_number, sizeof p->id_number, "%s%d%02d%06d",
                 provinces[next_rand() % 4], gc, year % 100, (int)(((unsigned)i * 104729u) % 1000000u));
    }
    if (i % 5 != 0) {
        static const char *const prefixes[] = {"091", "098", "086", "035", "070"};
        snprintf(p->phone, sizeof p->phone, "%s %07u", prefixes[next_rand() % 5],
                 ((unsigned)i * 7919u + 12345u) % 10000000u);
    }
}

/* The first half goes through the row-by-row inserter, the second through bulk mode (name index
 * filled once at the end), so that the search oracle covers both paths. */
static void generate_population(void)
{
    pd_err err;
    pd_inserter ins;
    for (int half = 0; half < 2; half++) {
        assert_int_equal(pd_db_begin(db, &err), PD_OK);
        if (half == 0)
            assert_int_equal(pd_inserter_open(db, &ins, &err), PD_OK);
        else
            assert_int_equal(pd_inserter_open_bulk(db, &ins, &err), PD_OK);
        for (int i = half * GENERATED / 2; i < (half + 1) * GENERATED / 2; i++) {
            pd_person p;
            fill_generated(i, &p, gen[i].ascii, sizeof gen[i].ascii);
            pd_field_errors errs = {0};
            if (pd_person_normalize(db, &p, &errs) != PD_OK)
                fail_msg("generated person %d (%s): %s %s", i, p.full_name, errs.items[0].field,
                         errs.items[0].message);
            assert_int_equal(pd_inserter_person(&ins, &p, &err), PD_OK);
            gen[i].id = p.id;
        }
        assert_int_equal(pd_inserter_finish(&ins, &err), PD_OK);
        pd_inserter_close(&ins);
        assert_int_equal(pd_db_commit(db, &err), PD_OK);
    }
    /* Bulk mode put the name-index trigger back. */
    assert_int_equal(sql_int("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name ="
                             " 'people_fts_ai'"),
                     1);
}

static int group_setup(void **state)
{
    (void)state;
    char v[32];
    snprintf(v, sizeof v, "%d", T0);
    setenv("PHONGDICH_NOW", v, 1);
    if (pd_test_make_dir(dir, sizeof dir, "pd_people") != 0)
        return -1;
    snprintf(db_path, sizeof db_path, "%s/people.db", dir);
    pd_err err;
    db = pd_db_open(db_path, &err);
    if (!db)
        return -1;
    /* Durability is not under test here (test_store checks synchronous=FULL). */
    sqlite3_exec(db, "PRAGMA synchronous=OFF", NULL, NULL, NULL);
    int loaded;
    if (pd_units_init(db, &loaded, &err) != PD_OK)
        return -1;
    admin = pd_actor_cli();
    c1834 = actor_at(PD_ROLE_COMMUNE, PD_SCOPE_COMMUNE, "01834", "xa.1834");
    c1837 = actor_at(PD_ROLE_COMMUNE, PD_SCOPE_COMMUNE, "01837", "xa.1837");
    d058 = actor_at(PD_ROLE_DISTRICT, PD_SCOPE_DISTRICT, "058", "huyen.058");
    d060 = actor_at(PD_ROLE_DISTRICT, PD_SCOPE_DISTRICT, "060", "huyen.060");
    p06 = actor_at(PD_ROLE_PROVINCE, PD_SCOPE_PROVINCE, "06", "tinh.06");
    p01 = actor_at(PD_ROLE_PROVINCE, PD_SCOPE_PROVINCE, "01", "tinh.01");
    team1834 = actor_at(PD_ROLE_TEAM, PD_SCOPE_COMMUNE, "01834", "to.1834");
    viewer = actor_at(PD_ROLE_VIEWER, PD_SCOPE_COUNTRY, "", "xem");
    pd_unit u;
    if (pd_area_add(db, &admin, "01834", "Tổ dân phố 5", "Tổ dân phố", &u, &err) != PD_OK)
        return -1;
    snprintf(area, sizeof area, "%s", u.code);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    pd_db_close(db);
    pd_test_remove_dir(dir);
    unsetenv("PHONGDICH_NOW");
    return 0;
}

/* ---- Helpers -------------------------------------------------------------------------------- */

static pd_person person(const char *name, const char *unit)
{
    pd_person p;
    memset(&p, 0, sizeof p);
    snprintf(p.full_name, sizeof p.full_name, "%s", name);
    snprintf(p.unit_code, sizeof p.unit_code, "%s", unit);
    return p;
}

static int64_t create_ok(const pd_actor *a, pd_person *p)
{
    pd_field_errors errs;
    pd_duplicates dups;
    pd_err err;
    pd_err_clear(&err);
    int rc = pd_person_create(db, a, p, false, &errs, &dups, &err);
    if (rc != PD_OK)
        fail_msg("create %s by %s: rc %d field %s: %s", p->full_name, a->username, rc, err.field,
                 err.message);
    assert_true(p->id > 0);
    return p->id;
}

static bool has_error(const pd_field_errors *errs, const char *field)
{
    for (int i = 0; i < errs->count; i++)
        if (strcmp(errs->items[i].field, field) == 0)
            return true;
    return false;
}

/* Collects listed ids. */
typedef struct ids {
    int n;
    int64_t v[2048];
} ids;

static int collect_id(const pd_person *p, void *ctx)
{
    ids *c = ctx;
    if (c->n < 2048)
        c->v[c->n] = p->id;
    c->n++;
    return 0;
}

static ids *list_all(const pd_actor *a, const char *q, const char *unit)
{
    ids *out = calloc(1, sizeof *out);
    pd_people_query query;
    memset(&query, 0, sizeof query);
    snprintf(query.q, sizeof query.q, "%s", q);
    snprintf(query.unit_code, sizeof query.unit_code, "%s", unit ? unit : "");
    query.limit = 500;
    bool more = true;
    pd_err err;
    while (more) {
        int before = out->n;
        if (pd_people_list(db, a, &query, collect_id, out, &more, &err) != PD_OK)
            fail_msg("list '%s': %s", q, err.message);
        if (out->n == before)
            break;
        query.after_id = out->v[out->n - 1];
    }
    return out;
}

static bool contains(const ids *c, int64_t id)
{
    for (int i = 0; i < c->n; i++)
        if (c->v[i] == id)
            return true;
    return false;
}

/* ---- Normalisation and validation ----------------------------------------------------------- */

static void test_generated_names_fold_as_written(void **state)
{
    (void)state;
    generate_population();
    /* The stored folded names equal the hand-written ASCII forms, so the search oracle below does
     * not depend on pd_fold. */
    for (int i = 0; i < GENERATED; i++) {
        sqlite3_stmt *st = NULL;
        sqlite3_prepare_v2(db, "SELECT name_folded FROM people WHERE id = ?", -1, &st, NULL);
        sqlite3_bind_int64(st, 1, gen[i].id);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        if (strcmp((const char *)sqlite3_column_text(st, 0), gen[i].ascii) != 0)
            fail_msg("person %lld folded to '%s', expected '%s'", (long long)gen[i].id,
                     sqlite3_column_text(st, 0), gen[i].ascii);
        sqlite3_finalize(st);
    }
    assert_int_equal(sql_int("SELECT count(*) FROM people"), GENERATED);
}

static void test_normalize(void **state)
{
    (void)state;
    pd_person p = person("  Nguye\xCC\x82\xCC\x83n   Văn  Ba ", "01834");
    snprintf(p.birth_date, sizeof p.birth_date, "5/3/1990");
    snprintf(p.sex, sizeof p.sex, "m");
    snprintf(p.id_number, sizeof p.id_number, "001 090-012.399");
    snprintf(p.phone, sizeof p.phone, "+84 912.000.111");
    snprintf(p.nationality, sizeof p.nationality, "vn");
    snprintf(p.address, sizeof p.address, "  Số 3,\tngõ 7 ");
    pd_field_errors errs = {0};
    assert_int_equal(pd_person_normalize(db, &p, &errs), PD_OK);
    assert_int_equal(errs.count, 0);
    assert_string_equal(p.full_name, "Nguyễn Văn Ba");
    assert_string_equal(p.birth_date, "1990-03-05");
    assert_string_equal(p.sex, "M");
    assert_string_equal(p.id_number, "001090012399");
    assert_string_equal(p.id_type, "cccd");
    assert_string_equal(p.phone, "0912000111");
    assert_string_equal(p.nationality, "VN");
    assert_string_equal(p.address, "Số 3, ngõ 7");
    assert_string_equal(p.district_code, "058");
    assert_string_equal(p.province_code, "06");

    /* An area given as the unit moves to area_code under its commune. */
    pd_person q = person("Lò Thị Ca", area);
    snprintf(q.id_number, sizeof q.id_number, "b1234567");
    snprintf(q.birth_date, sizeof q.birth_date, "1975");
    memset(&errs, 0, sizeof errs);
    assert_int_equal(pd_person_normalize(db, &q, &errs), PD_OK);
    assert_string_equal(q.unit_code, "01834");
    assert_string_equal(q.area_code, area);
    assert_string_equal(q.id_type, "passport");
    assert_string_equal(q.id_number, "B1234567");
    assert_string_equal(q.birth_date, "1975");
    assert_string_equal(q.nationality, "VN");

    /* No-break spaces (common in spreadsheet cells) are spaces, not a reason to refuse the name. */
    pd_person s = person("Hoàng\xC2\xA0Thị\xC2\xA0 Lan\xC2\xA0", "01834");
    memset(&errs, 0, sizeof errs);
    assert_int_equal(pd_person_normalize(db, &s, &errs), PD_OK);
    assert_string_equal(s.full_name, "Hoàng Thị Lan");

    /* A 9-digit number is a CMND. */
    pd_person r = person("Mã Văn Dìn", "01834");
    snprintf(r.id_number, sizeof r.id_number, "095123456");
    memset(&errs, 0, sizeof errs);
    assert_int_equal(pd_person_normalize(db, &r, &errs), PD_OK);
    assert_string_equal(r.id_type, "cmnd");
}

static void test_validation_errors(void **state)
{
    (void)state;
    int64_t people = sql_int("SELECT count(*) FROM people");
    int64_t audits = sql_int("SELECT count(*) FROM audit_log");
    pd_person p = person("", "");
    snprintf(p.birth_date, sizeof p.birth_date, "31/04/1990");
    snprintf(p.sex, sizeof p.sex, "X");
    snprintf(p.id_number, sizeof p.id_number, "12345");
    snprintf(p.phone, sizeof p.phone, "0123456789");
    snprintf(p.nationality, sizeof p.nationality, "V1");
    pd_field_errors errs;
    pd_duplicates dups;
    pd_err err;
    pd_err_clear(&err);
    assert_int_equal(pd_person_create(db, &admin, &p, false, &errs, &dups, &err), PD_EINVAL);
    static const char *const fields[] = {"full_name", "birth_date", "sex", "id_number",
                                         "phone", "nationality", "unit_code"};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (!has_error(&errs, fields[i])) {
            char got[512] = "";
            for (int k = 0; k < errs.count; k++)
                snprintf(got + strlen(got), sizeof got - strlen(got), "%s ", errs.items[k].field);
            fail_msg("no error for %s; errors: %s", fields[i], got);
        }
    assert_int_equal(errs.count, (int)(sizeof fields / sizeof fields[0]));
    assert_string_equal(err.field, errs.items[0].field);
    assert_string_equal(err.message, errs.items[0].message);
    for (int i = 0; i < errs.count; i++)
        assert_true(strlen(errs.items[i].message) > 0);
    assert_int_equal(sql_int("SELECT count(*) FROM people"), people);
    assert_int_equal(sql_int("SELECT count(*) FROM audit_log"), audits);

    /* One error at a time: the field is named in err. */
    static const struct {
        const char *name, *unit, *birth, *sex, *id, *phone, *field;
    } one[] = {
        {"Nguyễn 2", "01834", "", "", "", "", "full_name"},
        {"Nguyễn <b>", "01834", "", "", "", "", "full_name"},
        {"Trần An", "01834", "16/11/2021", "", "", "", "birth_date"}, /* tomorrow in Hanoi */
        {"Trần An", "01834", "2022", "", "", "", "birth_date"},
        {"Trần An", "01834", "1899", "", "", "", "birth_date"},
        {"Trần An", "01834", "29/02/2021", "", "", "", "birth_date"},
        {"Trần An", "01834", "1991", "M", "001090012345", "", "id_number"}, /* CCCD says 1990 */
        {"Trần An", "01834", "1990", "F", "001090012345", "", "id_number"}, /* CCCD says male */
        {"Trần An", "01834", "", "", "003090012345", "", "id_number"},      /* no province 003 */
        {"Trần An", "01834", "", "", "B12", "", "id_number"},
        {"Trần An", "01834", "", "", "", "0412345678", "phone"},
        {"Trần An", "058", "", "", "", "", "unit_code"},  /* a district, not a commune */
        {"Trần An", "99999", "", "", "", "", "unit_code"},
    };
    for (size_t i = 0; i < sizeof one / sizeof one[0]; i++) {
        pd_person q = person(one[i].name, one[i].unit);
        snprintf(q.birth_date, sizeof q.birth_date, "%s", one[i].birth);
        snprintf(q.sex, sizeof q.sex, "%s", one[i].sex);
        snprintf(q.id_number, sizeof q.id_number, "%s", one[i].id);
        snprintf(q.phone, sizeof q.phone, "%s", one[i].phone);
        pd_err_clear(&err);
        int rc = pd_person_create(db, &admin, &q, false, &errs, &dups, &err);
        if (rc != PD_EINVAL || strcmp(err.field, one[i].field) != 0 || errs.count != 1)
            fail_msg("case %zu: rc %d field '%s' (%d errors), expected %s", i, rc, err.field,
                     errs.count, one[i].field);
        assert_true(strlen(err.message) > 0);
    }
    /* A number that is neither CCCD, CMND nor passport names id_number; an unknown type id_type. */
    pd_person t = person("Trần An", "01834");
    snprintf(t.id_number, sizeof t.id_number, "12345");
    pd_err_clear(&err);
    assert_int_equal(pd_person_create(db, &admin, &t, false, &errs, &dups, &err), PD_EINVAL);
    assert_string_equal(err.field, "id_number");
    t = person("Trần An", "01834");
    snprintf(t.id_number, sizeof t.id_number, "001090012345");
    snprintf(t.id_type, sizeof t.id_type, "bhyt");
    pd_err_clear(&err);
    assert_int_equal(pd_person_create(db, &admin, &t, false, &errs, &dups, &err), PD_EINVAL);
    assert_string_equal(err.field, "id_type");
    /* A type without a number. */
    t = person("Trần An", "01834");
    snprintf(t.id_type, sizeof t.id_type, "cccd");
    pd_err_clear(&err);
    assert_int_equal(pd_person_create(db, &admin, &t, false, &errs, &dups, &err), PD_EINVAL);
    assert_string_equal(err.field, "id_number");

    pd_person future = person("Trần An", "01834");
    snprintf(future.birth_date, sizeof future.birth_date, "16/11/2021");
    pd_person_create(db, &admin, &future, false, &errs, &dups, &err);
    assert_non_null(strstr(err.message, "tương lai"));

    /* An area of another commune. */
    pd_person q = person("Trần An", "01837");
    snprintf(q.area_code, sizeof q.area_code, "%s", area);
    pd_err_clear(&err);
    assert_int_equal(pd_person_create(db, &admin, &q, false, &errs, &dups, &err), PD_EINVAL);
    assert_string_equal(err.field, "area_code");
    assert_int_equal(sql_int("SELECT count(*) FROM people"), people);
}

static void test_birth_date_uses_vietnam_date(void **state)
{
    (void)state;
    /* 2021-11-14 17:30 UTC is already 15/11 in Hanoi: a baby born on 15/11 is not in the future. */
    setenv("PHONGDICH_NOW", "1636911000", 1);
    pd_person p = person("Hà Thị Nhỏ", "01834");
    snprintf(p.birth_date, sizeof p.birth_date, "15/11/2021");
    create_ok(&c1834, &p);
    assert_string_equal(p.birth_date, "2021-11-15");
    pd_person q = person("Hà Văn Mai", "01834");
    snprintf(q.birth_date, sizeof q.birth_date, "16/11/2021");
    pd_field_errors errs;
    pd_duplicates dups;
    pd_err err;
    assert_int_equal(pd_person_create(db, &c1834, &q, false, &errs, &dups, &err), PD_EINVAL);
    assert_string_equal(err.field, "birth_date");
    char v[32];
    snprintf(v, sizeof v, "%d", T0);
    setenv("PHONGDICH_NOW", v, 1);
}

/* ---- Create, get, scope --------------------------------------------------------------------- */

static void test_create_get_scope(void **state)
{
    (void)state;
    pd_person p = person("Ksor H'Bia", "01834");
    snprintf(p.birth_date, sizeof p.birth_date, "23/11/1985");
    snprintf(p.sex, sizeof p.sex, "F");
    snprintf(p.id_number, sizeof p.id_number, "066185000123");
    snprintf(p.phone, sizeof p.phone, "0977 111 222");
    snprintf(p.occupation, sizeof p.occupation, "Giáo viên");
    int64_t id = create_ok(&c1834, &p);
    assert_int_equal(p.version, 1);
    assert_int_equal(p.created_at, T0);
    assert_int_equal(p.updated_at, T0);

    pd_person got;
    pd_err err;
    assert_int_equal(pd_person_get(db, &c1834, id, &got, &err), PD_OK);
    assert_int_equal(got.id, id);
    assert_string_equal(got.full_name, "Ksor H'Bia");
    assert_string_equal(got.birth_date, "1985-11-23");
    assert_string_equal(got.sex, "F");
    assert_string_equal(got.id_type, "cccd");
    assert_string_equal(got.id_number, "066185000123");
    assert_string_equal(got.phone, "0977111222");
    assert_string_equal(got.nationality, "VN");
    assert_string_equal(got.unit_code, "01834");
    assert_string_equal(got.area_code, "");
    assert_string_equal(got.district_code, "058");
    assert_string_equal(got.province_code, "06");
    assert_string_equal(got.occupation, "Giáo viên");
    assert_int_equal(got.household_id, 0);
    assert_int_equal(got.version, 1);
    assert_int_equal(got.created_at, T0);

    /* Readers whose scope covers 01834. */
    const pd_actor *readers[] = {&admin, &d058, &p06, &team1834};
    for (size_t i = 0; i < sizeof readers / sizeof readers[0]; i++) {
        memset(&got, 0, sizeof got);
        assert_int_equal(pd_person_get(db, readers[i], id, &got, &err), PD_OK);
        assert_int_equal(got.id, id);
    }

    /* Outside scope: exactly the answer for an id that does not exist, and nothing leaks. */
    int64_t missing = sql_int("SELECT max(id) + 1000 FROM people");
    pd_err absent;
    pd_err_clear(&absent);
    pd_person none;
    assert_int_equal(pd_person_get(db, &c1834, missing, &none, &absent), PD_ENOTFOUND);
    const pd_actor *outsiders[] = {&c1837, &d060, &p01};
    for (size_t i = 0; i < sizeof outsiders / sizeof outsiders[0]; i++) {
        pd_err e;
        pd_err_clear(&e);
        memset(&got, 0x5A, sizeof got);
        assert_int_equal(pd_person_get(db, outsiders[i], id, &got, &e), PD_ENOTFOUND);
        assert_int_equal(e.code, absent.code);
        assert_string_equal(e.field, absent.field);
        assert_string_equal(e.message, absent.message);
        pd_person zero;
        memset(&zero, 0, sizeof zero);
        assert_memory_equal(&got, &zero, sizeof got);
    }
    /* A viewer never sees personal records. */
    assert_int_equal(pd_person_get(db, &viewer, id, &got, &err), PD_EDENIED);

    /* Creating outside one's scope is refused as a unit_code problem; a team cannot create. */
    pd_field_errors errs;
    pd_duplicates dups;
    int64_t count = sql_int("SELECT count(*) FROM people");
    pd_person q = person("Triệu Văn Sơn", "01837");
    pd_err_clear(&err);
    assert_int_equal(pd_person_create(db, &c1834, &q, false, &errs, &dups, &err), PD_EINVAL);
    assert_string_equal(err.field, "unit_code");
    q = person("Triệu Văn Sơn", "00001");
    assert_int_equal(pd_person_create(db, &p06, &q, false, &errs, &dups, &err), PD_EINVAL);
    q = person("Triệu Văn Sơn", "01834");
    assert_int_equal(pd_person_create(db, &team1834, &q, false, &errs, &dups, &err), PD_EDENIED);
    assert_int_equal(pd_person_create(db, &viewer, &q, false, &errs, &dups, &err), PD_EDENIED);
    assert_int_equal(sql_int("SELECT count(*) FROM people"), count);
    /* Nothing was left open. */
    assert_true(sqlite3_get_autocommit(db));
}

/* ---- Audit ---------------------------------------------------------------------------------- */

static void test_audit_entries(void **state)
{
    (void)state;
    pd_person p = person("Lục Thị Vàng", "01834");
    snprintf(p.phone, sizeof p.phone, "0388123123");
    int64_t id = create_ok(&c1834, &p);
    assert_int_equal(sql_int("SELECT count(*) FROM audit_log WHERE action = 'create' AND entity ="
                             " 'person' AND entity_id = %lld AND username = 'xa.1834' AND"
                             " unit_code = '01834' AND at = %d AND ip = '192.0.2.1'"
                             " AND detail = 'Lục Thị Vàng'",
                             (long long)id, T0),
                     1);

    pd_person got;
    pd_err err;
    assert_int_equal(pd_person_get(db, &d058, id, &got, &err), PD_OK);
    assert_int_equal(sql_int("SELECT count(*) FROM audit_log WHERE action = 'read' AND entity ="
                             " 'person' AND entity_id = %lld AND username = 'huyen.058'",
                             (long long)id),
                     1);
    /* A refused read leaves no trace of the record. */
    assert_int_equal(pd_person_get(db, &c1837, id, &got, &err), PD_ENOTFOUND);
    assert_int_equal(sql_int("SELECT count(*) FROM audit_log WHERE entity_id = %lld AND username ="
                             " 'xa.1837'",
                             (long long)id),
                     0);

    /* An update names the fields that changed. */
    assert_int_equal(pd_person_get(db, &c1834, id, &got, &err), PD_OK);
    snprintf(got.phone, sizeof got.phone, "0388 999 000");
    snprintf(got.note, sizeof got.note, "Đã tiêm 2 mũi");
    pd_field_errors errs;
    pd_duplicates dups;
    assert_int_equal(pd_person_update(db, &c1834, &got, false, &errs, &dups, &err), PD_OK);
    assert_int_equal(sql_int("SELECT count(*) FROM audit_log WHERE action = 'update' AND entity ="
                             " 'person' AND entity_id = %lld AND detail = 'phone,note'",
                             (long long)id),
                     1);
    /* A failed update writes nothing. */
    int64_t audits = sql_int("SELECT count(*) FROM audit_log");
    got.version = 1; /* stale */
    assert_int_equal(pd_person_update(db, &c1834, &got, false, &errs, &dups, &err), PD_ECONFLICT);
    assert_int_equal(sql_int("SELECT count(*) FROM audit_log"), audits);
}

typedef struct audit_ids {
    int n;
    int64_t v[64];
    char action[24];
} audit_ids;

static int collect_audit(const pd_audit_entry *e, void *ctx)
{
    audit_ids *c = ctx;
    if (c->n < 64)
        c->v[c->n] = e->id;
    c->n++;
    snprintf(c->action, sizeof c->action, "%s", e->action);
    return 0;
}

static void test_audit_writer_thread(void **state)
{
    (void)state;
    pd_person p = person("Vi Thị Đọc", "01834");
    int64_t id = create_ok(&c1834, &p);
    pd_err err;
    assert_int_equal(pd_audit_writer_start(db_path, &err), PD_OK);
    for (int i = 0; i < 40; i++) {
        pd_person got;
        assert_int_equal(pd_person_get(db, &team1834, id, &got, &err), PD_OK);
    }
    pd_audit_flush();
    assert_int_equal(sql_int("SELECT count(*) FROM audit_log WHERE action = 'read' AND entity_id ="
                             " %lld AND username = 'to.1834'",
                             (long long)id),
                     40);

    /* Browsing: administrators only, newest first, keyset paging. */
    pd_audit_query q;
    memset(&q, 0, sizeof q);
    q.entity_id = id;
    snprintf(q.entity, sizeof q.entity, "person");
    q.limit = 25;
    audit_ids *a = calloc(1, sizeof *a);
    assert_int_equal(pd_audit_list(db, &c1834, &q, collect_audit, a, &err), PD_EDENIED);
    assert_int_equal(pd_audit_list(db, &admin, &q, collect_audit, a, &err), PD_OK);
    assert_int_equal(a->n, 25);
    for (int i = 1; i < 25; i++)
        assert_true(a->v[i] < a->v[i - 1]);
    q.before_id = a->v[24];
    a->n = 0;
    assert_int_equal(pd_audit_list(db, &admin, &q, collect_audit, a, &err), PD_OK);
    assert_int_equal(a->n, 16); /* 40 reads + 1 create - 25 */
    assert_string_equal(a->action, "create"); /* the oldest */
    free(a);

    pd_audit_writer_stop();
    /* Without the writer, reads are written at once again. */
    pd_person got;
    assert_int_equal(pd_person_get(db, &c1834, id, &got, &err), PD_OK);
    assert_int_equal(sql_int("SELECT count(*) FROM audit_log WHERE action = 'read' AND entity_id ="
                             " %lld",
                             (long long)id),
                     41);
}

/* ---- Update --------------------------------------------------------------------------------- */

static void test_update_versions_and_scope(void **state)
{
    (void)state;
    pd_person p = person("Nông Văn Dền", "01834");
    snprintf(p.phone, sizeof p.phone, "0399000111");
    int64_t id = create_ok(&c1834, &p);
    pd_field_errors errs;
    pd_duplicates dups;
    pd_err err;

    pd_person a, b;
    assert_int_equal(pd_person_get(db, &c1834, id, &a, &err), PD_OK);
    b = a; /* a second official opens the same record */
    snprintf(a.phone, sizeof a.phone, "0399000222");
    setenv("PHONGDICH_NOW", "1636940000", 1);
    assert_int_equal(pd_person_update(db, &c1834, &a, false, &errs, &dups, &err), PD_OK);
    assert_int_equal(a.version, 2);
    assert_int_equal(a.updated_at, 1636940000);
    assert_int_equal(a.created_at, T0);

    /* The second save is stale. */
    snprintf(b.phone, sizeof b.phone, "0399000333");
    pd_err_clear(&err);
    assert_int_equal(pd_person_update(db, &c1834, &b, false, &errs, &dups, &err), PD_ECONFLICT);
    assert_string_equal(err.field, "version");
    pd_person now;
    assert_int_equal(pd_person_get(db, &c1834, id, &now, &err), PD_OK);
    assert_string_equal(now.phone, "0399000222");
    assert_int_equal(now.version, 2);
    assert_int_equal(now.updated_at, 1636940000);
    char v[32];
    snprintf(v, sizeof v, "%d", T0);
    setenv("PHONGDICH_NOW", v, 1);

    /* Out of scope is not found; a team may read but not write; a missing id is not found. */
    pd_person c = now;
    pd_err_clear(&err);
    assert_int_equal(pd_person_update(db, &c1837, &c, false, &errs, &dups, &err), PD_ENOTFOUND);
    c = now;
    assert_int_equal(pd_person_update(db, &team1834, &c, false, &errs, &dups, &err), PD_EDENIED);
    c = now;
    c.id = sql_int("SELECT max(id) + 1000 FROM people");
    assert_int_equal(pd_person_update(db, &admin, &c, false, &errs, &dups, &err), PD_ENOTFOUND);
    /* Invalid fields are reported as on create. */
    c = now;
    snprintf(c.phone, sizeof c.phone, "12");
    assert_int_equal(pd_person_update(db, &c1834, &c, false, &errs, &dups, &err), PD_EINVAL);
    assert_string_equal(err.field, "phone");

    /* A commune official cannot move a person out of the commune; the district official can. */
    c = now;
    snprintf(c.unit_code, sizeof c.unit_code, "01837");
    pd_err_clear(&err);
    assert_int_equal(pd_person_update(db, &c1834, &c, false, &errs, &dups, &err), PD_EINVAL);
    assert_string_equal(err.field, "unit_code");
    assert_int_equal(pd_person_get(db, &c1834, id, &c, &err), PD_OK);
    assert_int_equal(c.version, 2);

    snprintf(c.unit_code, sizeof c.unit_code, "01837");
    assert_int_equal(pd_person_update(db, &d058, &c, false, &errs, &dups, &err), PD_OK);
    assert_int_equal(c.version, 3);
    assert_int_equal(pd_person_get(db, &c1834, id, &c, &err), PD_ENOTFOUND);
    assert_int_equal(pd_person_get(db, &c1837, id, &c, &err), PD_OK);
    assert_string_equal(c.unit_code, "01837");
    assert_string_equal(c.district_code, "058");

    /* Search follows the move. */
    ids *found = list_all(&c1834, "nong van den", NULL);
    assert_false(contains(found, id));
    free(found);
    found = list_all(&c1837, "Nông Văn Dền", NULL);
    assert_true(contains(found, id));
    free(found);

    /* Renaming changes what the name search finds. */
    snprintf(c.full_name, sizeof c.full_name, "Nông Văn Páo");
    assert_int_equal(pd_person_update(db, &c1837, &c, false, &errs, &dups, &err), PD_OK);
    found = list_all(&c1837, "den", NULL);
    assert_false(contains(found, id));
    free(found);
    found = list_all(&c1837, "pao nong", NULL);
    assert_true(contains(found, id));
    free(found);
}

/* ---- Duplicates ----------------------------------------------------------------------------- */

static void test_duplicates_within_scope(void **state)
{
    (void)state;
    pd_field_errors errs;
    pd_duplicates dups;
    pd_err err;

    pd_person a = person("Phạm Thị Trùng", "01834");
    snprintf(a.id_number, sizeof a.id_number, "001190777001");
    snprintf(a.phone, sizeof a.phone, "0911777001");
    int64_t a_id = create_ok(&c1834, &a);

    /* Same CCCD in the same commune: refused with the duplicate named. */
    int64_t count = sql_int("SELECT count(*) FROM people");
    pd_person b = person("Phạm Thị Trùng Hai", "01834");
    snprintf(b.id_number, sizeof b.id_number, "001 190 777 001");
    pd_err_clear(&err);
    assert_int_equal(pd_person_create(db, &c1834, &b, false, &errs, &dups, &err), PD_ECONFLICT);
    assert_string_equal(err.field, "id_number");
    assert_int_equal(dups.count, 1);
    assert_int_equal(dups.items[0].person_id, a_id);
    assert_string_equal(dups.items[0].field, "id_number");
    assert_string_equal(dups.items[0].full_name, "Phạm Thị Trùng");
    assert_string_equal(dups.items[0].unit_code, "01834");
    assert_int_equal(sql_int("SELECT count(*) FROM people"), count);
    /* ... and accepted when the official confirms. */
    assert_int_equal(pd_person_create(db, &c1834, &b, true, &errs, &dups, &err), PD_OK);
    assert_int_equal(dups.count, 1);

    /* Same phone, found by phone. */
    pd_person c = person("Phạm Văn Ba", "01834");
    snprintf(c.phone, sizeof c.phone, "+84 911 777 001");
    assert_int_equal(pd_person_create(db, &c1834, &c, false, &errs, &dups, &err), PD_ECONFLICT);
    assert_string_equal(err.field, "phone");
    assert_string_equal(dups.items[0].field, "phone");
    assert_int_equal(dups.items[0].person_id, a_id);

    /* A record in 01837 is invisible to the official of 01834 ... */
    pd_person other = person("Hoàng Văn Khác", "01837");
    snprintf(other.phone, sizeof other.phone, "0911777002");
    snprintf(other.id_number, sizeof other.id_number, "001090777002");
    int64_t other_id = create_ok(&admin, &other);
    pd_person d = person("Hoàng Văn Đây", "01834");
    snprintf(d.phone, sizeof d.phone, "0911777002");
    snprintf(d.id_number, sizeof d.id_number, "001090777002");
    pd_err_clear(&err);
    assert_int_equal(pd_person_create(db, &c1834, &d, false, &errs, &dups, &err), PD_OK);
    assert_int_equal(dups.count, 0);
    int64_t d_id = d.id;
    assert_int_equal(pd_person_find_duplicates(db, &c1834, &d, &dups, &err), PD_OK);
    assert_int_equal(dups.count, 0);

    /* ... but the district official sees both (by id number and by phone). */
    pd_person e = person("Hoàng Văn Ba", "01840");
    snprintf(e.phone, sizeof e.phone, "0911777002");
    pd_err_clear(&err);
    assert_int_equal(pd_person_create(db, &d058, &e, false, &errs, &dups, &err), PD_ECONFLICT);
    assert_int_equal(dups.count, 2);
    bool saw_other = false, saw_d = false;
    for (int i = 0; i < dups.count; i++) {
        saw_other |= dups.items[i].person_id == other_id;
        saw_d |= dups.items[i].person_id == d_id;
        assert_string_equal(dups.items[i].field, "phone");
    }
    assert_true(saw_other && saw_d);
    assert_int_equal(pd_person_find_duplicates(db, &d058, &d, &dups, &err), PD_OK);
    assert_int_equal(dups.count, 2); /* other, by id number and by phone */
    for (int i = 0; i < dups.count; i++)
        assert_int_equal(dups.items[i].person_id, other_id);

    /* Hà Nội's official sees none of Bắc Kạn's records. */
    pd_person f = person("Hoàng Văn Hà", "00001");
    snprintf(f.phone, sizeof f.phone, "0911777002");
    assert_int_equal(pd_person_create(db, &p01, &f, false, &errs, &dups, &err), PD_OK);
    assert_int_equal(dups.count, 0);

    /* A record is not its own duplicate when saved again. */
    pd_person again;
    assert_int_equal(pd_person_get(db, &c1834, d_id, &again, &err), PD_OK);
    assert_int_equal(pd_person_update(db, &c1834, &again, false, &errs, &dups, &err), PD_OK);
    assert_int_equal(dups.count, 0);
}

/* ---- Bulk inserter --------------------------------------------------------------------------- */

static void test_bulk_insert_rollback(void **state)
{
    (void)state;
    pd_err err;
    int64_t people = sql_int("SELECT count(*) FROM people");
    assert_int_equal(pd_db_begin(db, &err), PD_OK);
    pd_inserter ins;
    assert_int_equal(pd_inserter_open_bulk(db, &ins, &err), PD_OK);
    pd_person p = person("Giàng A Lử", "01834");
    pd_field_errors errs = {0};
    assert_int_equal(pd_person_normalize(db, &p, &errs), PD_OK);
    assert_int_equal(pd_inserter_person(&ins, &p, &err), PD_OK);
    pd_inserter_close(&ins); /* abandoned: no finish */
    pd_db_rollback(db);
    assert_int_equal(sql_int("SELECT count(*) FROM people"), people);
    assert_int_equal(sql_int("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name ="
                             " 'people_fts_ai'"),
                     1);
    /* The index still follows ordinary creations. */
    pd_person q = person("Giàng A Lử", "01834");
    int64_t id = create_ok(&c1834, &q);
    ids *r = list_all(&c1834, "giang a lu", NULL);
    assert_int_equal(r->n, 1);
    assert_int_equal(r->v[0], id);
    free(r);

    /* Bulk rows are searchable after finish, and created rows after them too. */
    assert_int_equal(pd_db_begin(db, &err), PD_OK);
    assert_int_equal(pd_inserter_open_bulk(db, &ins, &err), PD_OK);
    pd_person b = person("Sùng Thị Dế", "01837");
    assert_int_equal(pd_person_normalize(db, &b, &errs), PD_OK);
    assert_int_equal(pd_inserter_person(&ins, &b, &err), PD_OK);
    assert_int_equal(pd_inserter_finish(&ins, &err), PD_OK);
    pd_inserter_close(&ins);
    assert_int_equal(pd_db_commit(db, &err), PD_OK);
    pd_person c = person("Sùng Văn Dế", "01837");
    int64_t c_id = create_ok(&c1837, &c);
    r = list_all(&c1837, "sung de", NULL);
    assert_int_equal(r->n, 2);
    assert_int_equal(r->v[0], b.id);
    assert_int_equal(r->v[1], c_id);
    free(r);
    r = list_all(&c1834, "sung de", NULL); /* scope tokens were written by finish too */
    assert_int_equal(r->n, 0);
    free(r);
}

/* ---- Search --------------------------------------------------------------------------------- */

static void test_search_named(void **state)
{
    (void)state;
    pd_person an = person("Nguyễn Văn An", "01840");
    pd_person nguyen = person("Trần Văn Nguyên", "01840");
    pd_person binh = person("Nguyễn Thị Bình", "01840");
    pd_person vana = person("Lê Vanh", "01840");
    int64_t an_id = create_ok(&admin, &an), nguyen_id = create_ok(&admin, &nguyen);
    int64_t binh_id = create_ok(&admin, &binh), vana_id = create_ok(&admin, &vana);

    /* Every query word must start some word of the name, in any order. */
    ids *r = list_all(&admin, "nguyen van", "01840");
    assert_true(contains(r, an_id));
    assert_true(contains(r, nguyen_id)); /* "Trần Văn Nguyên": van + nguyen */
    assert_false(contains(r, binh_id));
    assert_true(contains(r, vana_id) == false); /* "Lê Vanh": no word starts with "nguyen" */
    free(r);
    r = list_all(&admin, "Nguyễn Văn", "01840");
    assert_true(contains(r, an_id) && contains(r, nguyen_id) && !contains(r, binh_id));
    free(r);
    r = list_all(&admin, "van", "01840");
    assert_true(contains(r, an_id) && contains(r, nguyen_id) && contains(r, vana_id));
    assert_false(contains(r, binh_id));
    free(r);
    r = list_all(&admin, "guyen", "01840"); /* not the start of a word */
    assert_false(contains(r, an_id) || contains(r, nguyen_id) || contains(r, binh_id));
    free(r);
    r = list_all(&admin, "NGUYEN    BINH", "01840");
    assert_true(contains(r, binh_id));
    assert_int_equal(r->n, 1);
    free(r);

    /* Names with apostrophes (Ê Đê, Gia Rai...) are found by their words as typed. */
    pd_person hhen = person("H'Hen Niê", "01840");
    int64_t hhen_id = create_ok(&admin, &hhen);
    static const char *const hhen_queries[] = {"H'Hen Niê", "h'hen", "nie", "H'Hen"};
    for (size_t i = 0; i < sizeof hhen_queries / sizeof hhen_queries[0]; i++) {
        r = list_all(&admin, hhen_queries[i], "01840");
        if (!contains(r, hhen_id))
            fail_msg("'%s' does not find H'Hen Niê", hhen_queries[i]);
        free(r);
    }

    /* Query text that is not a word does not break the search. */
    static const char *const odd[] = {"\"", "nguyen\" OR \"", "*", "a:b", "NEAR(", "-", "(", "'"};
    for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++) {
        pd_people_query q;
        memset(&q, 0, sizeof q);
        snprintf(q.q, sizeof q.q, "%s", odd[i]);
        bool more;
        pd_err err;
        ids *c = calloc(1, sizeof *c);
        if (pd_people_list(db, &c1834, &q, collect_id, c, &more, &err) != PD_OK)
            fail_msg("query '%s': %s", odd[i], err.message);
        int64_t n;
        assert_int_equal(pd_people_count(db, &c1834, &q, &n, &err), PD_OK);
        free(c);
    }
}

/* The oracle: a plain scan of the people table, filtered in C. */
typedef struct row {
    int64_t id;
    char folded[160], unit[16], district[16], province[16], area[16], idn[16], phone[16];
} row;

static row *load_rows(int *n)
{
    int total = (int)sql_int("SELECT count(*) FROM people");
    row *rows = calloc((size_t)total + 1, sizeof *rows);
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT id, name_folded, unit_code, district_code,"
                                        " province_code, coalesce(area_code, ''),"
                                        " coalesce(id_number, ''), coalesce(phone, '')"
                                        " FROM people ORDER BY id",
                                        -1, &st, NULL),
                     SQLITE_OK);
    int k = 0;
    while (sqlite3_step(st) == SQLITE_ROW && k < total) {
        row *r = &rows[k++];
        r->id = sqlite3_column_int64(st, 0);
        char *cols[] = {r->folded, r->unit, r->district, r->province, r->area, r->idn, r->phone};
        size_t caps[] = {sizeof r->folded, 16, 16, 16, 16, 16, 16};
        for (int c = 0; c < 7; c++)
            snprintf(cols[c], caps[c], "%s", (const char *)sqlite3_column_text(st, c + 1));
    }
    sqlite3_finalize(st);
    *n = k;
    return rows;
}

static bool oracle_scope(const pd_actor *a, const row *r)
{
    switch (a->scope_level) {
    case PD_SCOPE_COUNTRY:
        return true;
    case PD_SCOPE_PROVINCE:
        return strcmp(r->province, a->scope_code) == 0;
    case PD_SCOPE_DISTRICT:
        return strcmp(r->district, a->scope_code) == 0;
    case PD_SCOPE_COMMUNE:
        return strcmp(r->unit, a->scope_code) == 0;
    }
    return false;
}

/* Unit filter by the shape of the code: 2 digits province, 3 district, 5 commune, else an area. */
static bool oracle_unit(const char *unit, const row *r)
{
    if (!unit || !*unit)
        return true;
    size_t n = strlen(unit);
    const char *col = n == 2 ? r->province : n == 3 ? r->district : n == 5 ? r->unit : r->area;
    return strcmp(col, unit) == 0;
}

static bool oracle_words(const char *folded, const char *words)
{
    char q[128];
    snprintf(q, sizeof q, "%s", words);
    char *save = NULL;
    for (char *w = strtok_r(q, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
        size_t wl = strlen(w);
        bool found = false;
        for (const char *p = folded; *p && !found; p++)
            found = (p == folded || p[-1] == ' ') && strncmp(p, w, wl) == 0;
        if (!found)
            return false;
    }
    return true;
}

typedef struct query_case {
    const char *q;      /* as typed */
    const char *words;  /* the oracle's folded words, or NULL for a digit query */
    const char *digits; /* the oracle's digit prefix */
} query_case;

static void check_paging(const pd_actor *a, const query_case *qc, const char *unit, const int64_t *want,
                         int nwant, int limit)
{
    pd_people_query q;
    memset(&q, 0, sizeof q);
    snprintf(q.q, sizeof q.q, "%s", qc->q);
    snprintf(q.unit_code, sizeof q.unit_code, "%s", unit ? unit : "");
    q.limit = limit;
    ids *page = calloc(1, sizeof *page);
    int seen = 0;
    int64_t last = 0;
    for (int pages = 0;; pages++) {
        assert_true(pages <= nwant / limit + 1);
        page->n = 0;
        bool more = false;
        pd_err err;
        if (pd_people_list(db, a, &q, collect_id, page, &more, &err) != PD_OK)
            fail_msg("list '%s' by %s: %s", qc->q, a->username, err.message);
        assert_true(page->n <= limit);
        for (int i = 0; i < page->n; i++) {
            if (page->v[i] <= last)
                fail_msg("'%s' by %s: id %lld after %lld", qc->q, a->username,
                         (long long)page->v[i], (long long)last);
            last = page->v[i];
            if (seen >= nwant || want[seen] != page->v[i])
                fail_msg("'%s' unit '%s' by %s (limit %d): got id %lld at %d, oracle %lld of %d",
                         qc->q, unit ? unit : "", a->username, limit, (long long)page->v[i], seen,
                         seen < nwant ? (long long)want[seen] : -1LL, nwant);
            seen++;
        }
        /* more says exactly whether rows remain. */
        assert_int_equal(more, seen < nwant);
        if (!more)
            break;
        assert_int_equal(page->n, limit);
        q.after_id = last;
    }
    if (seen != nwant)
        fail_msg("'%s' by %s: %d listed, oracle %d", qc->q, a->username, seen, nwant);
    free(page);
}

/* The counts of a query against the oracle's nwant: exact, and capped below, at and above nwant
 * (the cap and the flag once more than cap people match). */
static void check_counts(const pd_actor *a, const pd_people_query *q, int nwant)
{
    pd_err err;
    int64_t count = -1;
    assert_int_equal(pd_people_count(db, a, q, &count, &err), PD_OK);
    if (count != nwant)
        fail_msg("count '%s' unit '%s' by %s: %lld, oracle %d", q->q, q->unit_code, a->username,
                 (long long)count, nwant);
    const int64_t caps[] = {1, 7, nwant > 1 ? nwant - 1 : 2, nwant > 0 ? nwant : 1, nwant + 1};
    for (size_t k = 0; k < sizeof caps / sizeof caps[0]; k++) {
        bool capped = !(nwant > caps[k]);
        count = -1;
        assert_int_equal(pd_people_count_capped(db, a, q, caps[k], &count, &capped, &err), PD_OK);
        int64_t want_count = nwant > caps[k] ? caps[k] : nwant;
        if (count != want_count || capped != (nwant > caps[k]))
            fail_msg("count '%s' unit '%s' by %s capped at %lld: %lld%s, oracle %d", q->q,
                     q->unit_code, a->username, (long long)caps[k], (long long)count,
                     capped ? " (capped)" : "", nwant);
    }
}

/* The first page and the capped count in one call, as GET /api/people asks for them. */
static void check_search(const pd_actor *a, const pd_people_query *base, const int64_t *want,
                         int nwant, int limit, int64_t cap)
{
    pd_people_query q = *base;
    q.limit = limit;
    q.after_id = 0;
    ids *page = calloc(1, sizeof *page);
    bool more = !(nwant > limit), capped = !(cap > 0 && nwant > cap);
    int64_t total = -1;
    pd_err err;
    if (pd_people_search(db, a, &q, cap, collect_id, page, &more, &total, &capped, &err) != PD_OK)
        fail_msg("search '%s' by %s: %s", q.q, a->username, err.message);
    int shown = nwant < limit ? nwant : limit;
    if (page->n != shown)
        fail_msg("search '%s' unit '%s' by %s (limit %d): %d on the page, oracle %d of %d", q.q,
                 q.unit_code, a->username, limit, page->n, shown, nwant);
    for (int i = 0; i < shown; i++)
        if (page->v[i] != want[i])
            fail_msg("search '%s' by %s: id %lld at %d, oracle %lld", q.q, a->username,
                     (long long)page->v[i], i, (long long)want[i]);
    assert_int_equal(more, nwant > limit);
    bool over = cap > 0 && nwant > cap;
    if (total != (over ? cap : nwant) || capped != over)
        fail_msg("search '%s' unit '%s' by %s capped at %lld: total %lld%s, oracle %d", q.q,
                 q.unit_code, a->username, (long long)cap, (long long)total,
                 capped ? " (capped)" : "", nwant);
    free(page);
}

static void test_search_against_oracle(void **state)
{
    (void)state;
    int n;
    row *rows = load_rows(&n);
    assert_true(n >= GENERATED);
    int64_t *want = calloc((size_t)n, sizeof *want);

    static const query_case queries[] = {
        {"", "", NULL},
        {"nguyen", "nguyen", NULL},
        {"nguyen van", "nguyen van", NULL},
        {"Nguyễn Văn", "nguyen van", NULL},
        {"van nguyen", "van nguyen", NULL},
        {"thi", "thi", NULL},
        {"th", "th", NULL},
        {"Trần Thị", "tran thi", NULL},
        {"Trần Thị Hà", "tran thi ha", NULL},
        {"h", "h", NULL},
        {"ĐẶNG", "dang", NULL},
        {"dung", "dung", NULL},
        {"ánh", "anh", NULL},
        {"an", "an", NULL},
        {"uoc", "uoc", NULL},
        {"xyz", "xyz", NULL},
        {"  le   van  ", "le van", NULL},
        {"001", NULL, "001"},
        {"0061", NULL, "0061"},
        {"0912", NULL, "0912"},
        {"098 1", NULL, "0981"},
        {"035.2", NULL, "0352"},
        {"079", NULL, "079"},
        {"+84 91", NULL, "8491"},
    };
    const pd_actor *actors[] = {&admin, &c1834, &c1837, &d058, &d060, &p06, &p01, &team1834};
    static const char *const units[] = {NULL, "058", "01834", "01837", "060", "01", "area"};
    static const int limits[] = {50, 500, 13};
    int combo = 0;
    long checked = 0;
    for (size_t ai = 0; ai < sizeof actors / sizeof actors[0]; ai++)
        for (size_t qi = 0; qi < sizeof queries / sizeof queries[0]; qi++)
            for (size_t ui = 0; ui < sizeof units / sizeof units[0]; ui++) {
                const char *unit = units[ui] && strcmp(units[ui], "area") == 0 ? area : units[ui];
                /* Not every unit filter with every query: keep the run short. */
                if (unit && (qi + ui) % 3 != 0)
                    continue;
                const query_case *qc = &queries[qi];
                int nwant = 0;
                for (int i = 0; i < n; i++) {
                    const row *r = &rows[i];
                    if (!oracle_scope(actors[ai], r) || !oracle_unit(unit, r))
                        continue;
                    bool match = qc->words
                                     ? oracle_words(r->folded, qc->words)
                                     : strncmp(r->idn, qc->digits, strlen(qc->digits)) == 0 ||
                                           strncmp(r->phone, qc->digits, strlen(qc->digits)) == 0;
                    if (match)
                        want[nwant++] = r->id;
                }
                int limit = limits[combo++ % 3];
                check_paging(actors[ai], qc, unit, want, nwant, limit);
                checked += nwant;
                /* Guard the oracle against vacuity: across the country, every query but the two
                 * that match nothing by design finds someone. */
                if (ai == 0 && !unit && strcmp(qc->q, "xyz") != 0 && strcmp(qc->q, "+84 91") != 0 &&
                    strcmp(qc->q, "Trần Thị Hà") != 0 &&
                    nwant == 0)
                    fail_msg("query '%s' matches nobody in the generated population", qc->q);

                pd_people_query q;
                memset(&q, 0, sizeof q);
                snprintf(q.q, sizeof q.q, "%s", qc->q);
                snprintf(q.unit_code, sizeof q.unit_code, "%s", unit ? unit : "");
                check_counts(actors[ai], &q, nwant);
                check_search(actors[ai], &q, want, nwant, limit, combo % 2 ? 5 : 0);
                /* A digit query finds its rows through the id number and phone indexes or by
                 * walking the scope, as its probes say: each way must give the same answers. */
                if (!qc->words) {
                    for (int mode = 1; mode <= 2; mode++) {
                        pd_people_search_force_digit_plan(mode);
                        check_paging(actors[ai], qc, unit, want, nwant, limit);
                        check_counts(actors[ai], &q, nwant);
                        check_search(actors[ai], &q, want, nwant, limit, 3);
                    }
                    pd_people_search_force_digit_plan(0);
                }
            }
    assert_true(checked > 5000);
    /* The oracle is not trivially empty: a commune official sees some, not all. */
    int in1834 = 0;
    for (int i = 0; i < n; i++)
        in1834 += strcmp(rows[i].unit, "01834") == 0;
    assert_true(in1834 > 50 && in1834 < n);

    /* The brief's cross-check in SQL: a commune official's name search equals a LIKE query. */
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT count(*) FROM people WHERE unit_code = '01834'"
                                        " AND (' ' || name_folded) LIKE '% th%'"
                                        " AND (' ' || name_folded) LIKE '% h%'",
                                        -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int64_t like = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    pd_people_query q;
    memset(&q, 0, sizeof q);
    snprintf(q.q, sizeof q.q, "Th H");
    int64_t count;
    pd_err err;
    assert_int_equal(pd_people_count(db, &c1834, &q, &count, &err), PD_OK);
    assert_int_equal(count, like);
    assert_true(like > 0);

    free(want);
    free(rows);
}

/* A database made before the name index had prefix indexes: opening it rebuilds the index from the
 * people rows, and the search, its scope tokens and the triggers work on the rebuilt index. */
static void test_name_index_migration(void **state)
{
    (void)state;
    int k = 0;
    while (k < pd_migration_count && !strstr(pd_migrations[k], "DROP TABLE people_fts"))
        k++;
    assert_true(k > 0 && k < pd_migration_count);
    char path[600];
    snprintf(path, sizeof path, "%s/before-prefix.db", dir);
    sqlite3 *raw = NULL;
    assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
    for (int i = 0; i < k; i++)
        assert_int_equal(sqlite3_exec(raw, pd_migrations[i], NULL, NULL, NULL), SQLITE_OK);
    char sql[600];
    snprintf(sql, sizeof sql,
             "PRAGMA user_version=%d;"
             "INSERT INTO people(id, full_name, name_folded, unit_code, district_code,"
             " province_code, created_at, updated_at) VALUES"
             " (1, 'Nguyễn Thị Thịnh', 'nguyen thi thinh', '01834', '058', '06', 0, 0),"
             " (2, 'Nguyên Văn Thi', 'nguyen van thi', '01837', '058', '06', 0, 0),"
             " (3, 'Lò Văn Páo', 'lo van pao', '00001', '001', '01', 0, 0);",
             k);
    assert_int_equal(sqlite3_exec(raw, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(raw);

    pd_err err;
    sqlite3 *old = pd_db_open(path, &err);
    assert_non_null(old);
    assert_int_equal(pd_db_schema_version(old), pd_db_latest_version());
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(old,
                                        "SELECT sql FROM sqlite_master WHERE name = 'people_fts'",
                                        -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_non_null(strstr((const char *)sqlite3_column_text(st, 0), "prefix='1 2 3 4 5 6'"));
    sqlite3_finalize(st);

    static const struct {
        const char *q;
        const pd_actor *actor;
        int n;
    } cases[] = {{"thi", &admin, 2},     {"Thị Thịnh", &admin, 1}, {"ng th", &admin, 2},
                 {"n", &admin, 2},       {"nguyen", &c1834, 1},    {"nguyen", &d058, 2},
                 {"pao", &p06, 0},       {"l", &admin, 1},         {"nguyen van thi", &admin, 1}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pd_people_query q;
        memset(&q, 0, sizeof q);
        snprintf(q.q, sizeof q.q, "%s", cases[i].q);
        ids *c = calloc(1, sizeof *c);
        bool more, capped;
        int64_t total = -1;
        assert_int_equal(pd_people_search(old, cases[i].actor, &q, 1, collect_id, c, &more, &total,
                                          &capped, &err),
                         PD_OK);
        if (c->n != cases[i].n || total != (cases[i].n > 1 ? 1 : cases[i].n) ||
            capped != (cases[i].n > 1))
            fail_msg("'%s' by %s after the migration: %d found, total %lld, oracle %d", cases[i].q,
                     cases[i].actor->username, c->n, (long long)total, cases[i].n);
        free(c);
    }
    /* The triggers were made again: a rename and a delete reach the new index. */
    assert_int_equal(sqlite3_exec(old,
                                  "UPDATE people SET full_name = 'Lò Thị Mai', name_folded ="
                                  " 'lo thi mai' WHERE id = 3; DELETE FROM people WHERE id = 2;",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    static const struct {
        const char *q;
        int64_t n;
    } after[] = {{"thi", 2}, {"pao", 0}, {"mai", 1}, {"van", 0}};
    for (size_t i = 0; i < sizeof after / sizeof after[0]; i++) {
        pd_people_query q;
        memset(&q, 0, sizeof q);
        snprintf(q.q, sizeof q.q, "%s", after[i].q);
        int64_t n = -1;
        assert_int_equal(pd_people_count(old, &admin, &q, &n, &err), PD_OK);
        if (n != after[i].n)
            fail_msg("'%s' after rename and delete: %lld, want %lld", after[i].q, (long long)n,
                     (long long)after[i].n);
    }
    pd_db_close(old);
}

static void test_list_limits_and_refusals(void **state)
{
    (void)state;
    pd_people_query q;
    memset(&q, 0, sizeof q);
    ids *c = calloc(1, sizeof *c);
    bool more = false;
    pd_err err;
    /* Default page 50, at most 500. */
    assert_int_equal(pd_people_list(db, &admin, &q, collect_id, c, &more, &err), PD_OK);
    assert_int_equal(c->n, 50);
    assert_true(more);
    c->n = 0;
    q.limit = 100000;
    assert_int_equal(pd_people_list(db, &admin, &q, collect_id, c, &more, &err), PD_OK);
    assert_int_equal(c->n, 500);
    assert_true(more);
    /* Past the end. */
    c->n = 0;
    q.after_id = sql_int("SELECT max(id) FROM people");
    assert_int_equal(pd_people_list(db, &admin, &q, collect_id, c, &more, &err), PD_OK);
    assert_int_equal(c->n, 0);
    assert_false(more);
    free(c);

    /* A viewer may not list people; an unknown unit is an input error. */
    memset(&q, 0, sizeof q);
    int64_t n = 7;
    assert_int_equal(pd_people_list(db, &viewer, &q, collect_id, NULL, &more, &err), PD_EDENIED);
    assert_int_equal(pd_people_count(db, &viewer, &q, &n, &err), PD_EDENIED);
    assert_int_equal(n, 0);
    snprintf(q.unit_code, sizeof q.unit_code, "77777");
    pd_err_clear(&err);
    assert_int_equal(pd_people_list(db, &admin, &q, collect_id, NULL, &more, &err), PD_EINVAL);
    assert_int_equal(err.code, PD_EINVAL);
    /* A commune official filtering on another commune sees nobody. */
    snprintf(q.unit_code, sizeof q.unit_code, "01837");
    assert_int_equal(pd_people_count(db, &c1834, &q, &n, &err), PD_OK);
    assert_int_equal(n, 0);
    snprintf(q.q, sizeof q.q, "nguyen");
    assert_int_equal(pd_people_count(db, &c1834, &q, &n, &err), PD_OK);
    assert_int_equal(n, 0);
}

/* ---- Households ----------------------------------------------------------------------------- */

typedef struct hh_ids {
    int n;
    int64_t v[512];
} hh_ids;

static int hh_collect(const pd_household *x, void *ctx)
{
    hh_ids *c = ctx;
    if (c->n < 512)
        c->v[c->n] = x->id;
    c->n++;
    return 0;
}

static bool hh_contains(const hh_ids *c, int64_t id)
{
    for (int i = 0; i < c->n && i < 512; i++)
        if (c->v[i] == id)
            return true;
    return false;
}

static void test_households(void **state)
{
    (void)state;
    pd_err err;
    pd_person head = person("Hà Văn Chủ", "01834");
    pd_person wife = person("Lường Thị Vợ", "01834");
    pd_person away = person("Hà Thị Xa", "01837");
    int64_t head_id = create_ok(&c1834, &head), wife_id = create_ok(&c1834, &wife);
    int64_t away_id = create_ok(&admin, &away);

    pd_household h;
    memset(&h, 0, sizeof h);
    snprintf(h.unit_code, sizeof h.unit_code, "%s", area); /* an area: moves to area_code */
    snprintf(h.address, sizeof h.address, "  Số 5,   ngõ 2 ");
    h.head_person_id = head_id;
    int64_t audits = sql_int("SELECT count(*) FROM audit_log WHERE entity = 'household'");
    assert_int_equal(pd_household_create(db, &c1834, &h, &err), PD_OK);
    assert_true(h.id > 0);
    assert_string_equal(h.unit_code, "01834");
    assert_string_equal(h.area_code, area);
    assert_string_equal(h.address, "Số 5, ngõ 2");
    assert_int_equal(sql_int("SELECT count(*) FROM audit_log WHERE entity = 'household' AND"
                             " action = 'create' AND entity_id = %lld",
                             (long long)h.id),
                     1);
    assert_int_equal(sql_int("SELECT count(*) FROM audit_log WHERE entity = 'household'"),
                     audits + 1);

    /* The head joined the household. */
    pd_person p;
    assert_int_equal(pd_person_get(db, &c1834, head_id, &p, &err), PD_OK);
    assert_int_equal(p.household_id, h.id);
    assert_string_equal(p.relation, "Chủ hộ");
    assert_int_equal(p.version, 2);
    pd_household got;
    assert_int_equal(pd_household_get(db, &c1834, h.id, &got, &err), PD_OK);
    assert_int_equal(got.member_count, 1);
    assert_int_equal(got.head_person_id, head_id);
    assert_string_equal(got.district_code, "058");
    assert_string_equal(got.province_code, "06");

    /* Members. */
    assert_int_equal(pd_household_set_member(db, &c1834, h.id, wife_id, "  Vợ ", &err), PD_OK);
    assert_int_equal(pd_person_get(db, &c1834, wife_id, &p, &err), PD_OK);
    assert_int_equal(p.household_id, h.id);
    assert_string_equal(p.relation, "Vợ");
    assert_int_equal(p.version, 2);
    assert_int_equal(pd_household_get(db, &d058, h.id, &got, &err), PD_OK);
    assert_int_equal(got.member_count, 2);

    pd_people_query q;
    memset(&q, 0, sizeof q);
    q.household_id = h.id;
    ids *c = calloc(1, sizeof *c);
    bool more;
    assert_int_equal(pd_people_list(db, &c1834, &q, collect_id, c, &more, &err), PD_OK);
    assert_int_equal(c->n, 2);
    assert_true(contains(c, head_id) && contains(c, wife_id));
    free(c);

    /* Out of scope: not found, not joinable, not creatable. */
    pd_err absent, hidden;
    pd_err_clear(&absent);
    pd_err_clear(&hidden);
    assert_int_equal(pd_household_get(db, &c1837, h.id, &got, &hidden), PD_ENOTFOUND);
    assert_int_equal(pd_household_get(db, &c1837, h.id + 100000, &got, &absent), PD_ENOTFOUND);
    assert_string_equal(hidden.message, absent.message);
    assert_int_equal(pd_household_get(db, &p01, h.id, &got, &err), PD_ENOTFOUND);
    assert_int_equal(pd_household_set_member(db, &c1837, h.id, away_id, "Con", &err), PD_ENOTFOUND);
    pd_err_clear(&err);
    assert_int_equal(pd_household_set_member(db, &admin, h.id, away_id, "Con", &err), PD_EINVAL);
    assert_string_equal(err.field, "person_id");
    assert_int_equal(pd_person_get(db, &admin, away_id, &p, &err), PD_OK);
    assert_int_equal(p.household_id, 0);
    pd_household h2;
    memset(&h2, 0, sizeof h2);
    snprintf(h2.unit_code, sizeof h2.unit_code, "01834");
    pd_err_clear(&err);
    assert_int_equal(pd_household_create(db, &c1837, &h2, &err), PD_EINVAL);
    assert_string_equal(err.field, "unit_code");
    /* The head must live in the household's commune. */
    memset(&h2, 0, sizeof h2);
    snprintf(h2.unit_code, sizeof h2.unit_code, "01834");
    h2.head_person_id = away_id;
    pd_err_clear(&err);
    assert_int_equal(pd_household_create(db, &admin, &h2, &err), PD_EINVAL);
    assert_string_equal(err.field, "head_person_id");
    /* A team reads but does not write. */
    memset(&h2, 0, sizeof h2);
    snprintf(h2.unit_code, sizeof h2.unit_code, "01834");
    assert_int_equal(pd_household_create(db, &team1834, &h2, &err), PD_EDENIED);
    assert_int_equal(pd_household_get(db, &team1834, h.id, &got, &err), PD_OK);
    assert_int_equal(pd_household_set_member(db, &team1834, h.id, wife_id, "Vợ", &err), PD_EDENIED);
    assert_true(sqlite3_get_autocommit(db));

    /* Listing follows scope. */
    hh_ids *hl = calloc(1, sizeof *hl);
    assert_int_equal(pd_households_list(db, &c1834, "", 0, 500, hh_collect, hl, &more, &err), PD_OK);
    assert_true(hh_contains(hl, h.id));
    hl->n = 0;
    assert_int_equal(pd_households_list(db, &c1837, "", 0, 500, hh_collect, hl, &more, &err), PD_OK);
    assert_false(hh_contains(hl, h.id));
    hl->n = 0;
    assert_int_equal(pd_households_list(db, &p06, area, 0, 500, hh_collect, hl, &more, &err), PD_OK);
    assert_int_equal(hl->n, 1);
    assert_int_equal(hl->v[0], h.id);
    free(hl);

    /* Leaving the household clears the relation. */
    assert_int_equal(pd_household_set_member(db, &c1834, 0, wife_id, "Vợ", &err), PD_OK);
    assert_int_equal(pd_person_get(db, &c1834, wife_id, &p, &err), PD_OK);
    assert_int_equal(p.household_id, 0);
    assert_string_equal(p.relation, "");
    assert_int_equal(pd_household_get(db, &c1834, h.id, &got, &err), PD_OK);
    assert_int_equal(got.member_count, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_generated_names_fold_as_written),
        cmocka_unit_test(test_normalize),
        cmocka_unit_test(test_validation_errors),
        cmocka_unit_test(test_birth_date_uses_vietnam_date),
        cmocka_unit_test(test_create_get_scope),
        cmocka_unit_test(test_audit_entries),
        cmocka_unit_test(test_audit_writer_thread),
        cmocka_unit_test(test_update_versions_and_scope),
        cmocka_unit_test(test_duplicates_within_scope),
        cmocka_unit_test(test_bulk_insert_rollback),
        cmocka_unit_test(test_search_named),
        cmocka_unit_test(test_search_against_oracle),
        cmocka_unit_test(test_name_index_migration),
        cmocka_unit_test(test_list_limits_and_refusals),
        cmocka_unit_test(test_households),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
