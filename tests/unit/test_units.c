/* Unit tests of administrative units (src/units/units.c): loading the GSO list (63 provinces, 705
 * districts, 10,599 communes) once, the tree and paths, folded-name search checked against a word-prefix
 * oracle computed in the test, and sub-commune areas added within the caller's scope. */
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

#include "auth/auth.h"
#include "store/db.h"
#include "units/units.h"

static char dir[256];
static sqlite3 *db;
static int first_load;

static int group_setup(void **state)
{
    (void)state;
    setenv("PHONGDICH_NOW", "1636939800", 1);
    if (pd_test_make_dir(dir, sizeof dir, "pd_units") != 0)
        return -1;
    char path[512];
    snprintf(path, sizeof path, "%s/units.db", dir);
    pd_err err;
    db = pd_db_open(path, &err);
    if (!db)
        return -1;
    /* Durability is not under test here (test_store checks synchronous=FULL). */
    sqlite3_exec(db, "PRAGMA synchronous=OFF", NULL, NULL, NULL);
    return pd_units_init(db, &first_load, &err) == PD_OK ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    pd_db_close(db);
    pd_test_remove_dir(dir);
    unsetenv("PHONGDICH_NOW");
    return 0;
}

static int64_t sql_int(const char *sql)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("prepare %s: %s", sql, sqlite3_errmsg(db));
    int64_t v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    return v;
}

static pd_actor actor_at(pd_role role, pd_scope_level level, const char *code)
{
    pd_actor a;
    memset(&a, 0, sizeof a);
    a.role = role;
    a.scope_level = level;
    snprintf(a.scope_code, sizeof a.scope_code, "%s", code);
    snprintf(a.username, sizeof a.username, "u_%s", code);
    a.user_id = 77;
    return a;
}

/* Collects units handed to a callback. */
typedef struct collected {
    int n;
    pd_unit items[256];
} collected;

static int collect(const pd_unit *u, void *ctx)
{
    collected *c = ctx;
    if (c->n < (int)(sizeof c->items / sizeof c->items[0]))
        c->items[c->n] = *u;
    c->n++;
    return 0;
}

static bool has_code(const collected *c, const char *code)
{
    for (int i = 0; i < c->n && i < 256; i++)
        if (strcmp(c->items[i].code, code) == 0)
            return true;
    return false;
}

/* ---- Loading -------------------------------------------------------------------------------- */

static void test_counts(void **state)
{
    (void)state;
    assert_int_equal(first_load, 63 + 705 + 10599);
    assert_int_equal(sql_int("SELECT count(*) FROM units WHERE level = 1"), 63);
    assert_int_equal(sql_int("SELECT count(*) FROM units WHERE level = 2"), 705);
    assert_int_equal(sql_int("SELECT count(*) FROM units WHERE level = 3"), 10599);
    /* The tree is consistent: every district hangs off a province, every commune off a district,
     * and the ancestor columns agree with the parent links. */
    assert_int_equal(sql_int("SELECT count(*) FROM units WHERE level = 1 AND (parent_code IS NOT NULL"
                             " OR province_code <> code)"),
                     0);
    assert_int_equal(sql_int("SELECT count(*) FROM units u LEFT JOIN units p ON p.code = u.parent_code"
                             " WHERE u.level = 2 AND (p.level IS NOT 1 OR u.province_code <> p.code"
                             " OR u.district_code <> u.code)"),
                     0);
    assert_int_equal(sql_int("SELECT count(*) FROM units u LEFT JOIN units p ON p.code = u.parent_code"
                             " WHERE u.level = 3 AND (p.level IS NOT 2 OR u.district_code <> p.code"
                             " OR u.province_code <> p.province_code OR u.commune_code <> u.code)"),
                     0);
    assert_int_equal(sql_int("SELECT count(*) FROM units WHERE name_folded = '' OR name = ''"), 0);
    /* Folded names are plain ASCII. */
    assert_int_equal(sql_int("SELECT count(*) FROM units WHERE name_folded GLOB '*[^ -~]*'"), 0);
}

static void test_init_is_idempotent(void **state)
{
    (void)state;
    pd_err err;
    int loaded = -1;
    assert_int_equal(pd_units_init(db, &loaded, &err), PD_OK);
    assert_int_equal(loaded, 0);
    assert_int_equal(sql_int("SELECT count(*) FROM units WHERE level < 4"), 63 + 705 + 10599);
}

static void test_get_and_population(void **state)
{
    (void)state;
    pd_unit u;
    pd_err err;
    assert_int_equal(pd_unit_get(db, "01834", &u, &err), PD_OK);
    assert_string_equal(u.code, "01834");
    assert_string_equal(u.name, "Phường Nguyễn Thị Minh Khai");
    assert_string_equal(u.type, "Phường");
    assert_string_equal(u.parent_code, "058");
    assert_int_equal(u.level, 3);
    assert_string_equal(u.commune_code, "01834");
    assert_string_equal(u.district_code, "058");
    assert_string_equal(u.province_code, "06");
    assert_int_equal(u.population, 5495); /* population.csv, 2019 census */

    assert_int_equal(pd_unit_get(db, "06", &u, &err), PD_OK);
    assert_string_equal(u.name, "Tỉnh Bắc Kạn");
    assert_int_equal(u.level, 1);
    assert_string_equal(u.parent_code, "");
    assert_string_equal(u.district_code, "");
    assert_int_equal(u.population, 313905);
    assert_int_equal(u.child_count, 8);

    pd_err_clear(&err);
    assert_int_equal(pd_unit_get(db, "0", &u, &err), PD_ENOTFOUND);
    assert_string_equal(err.field, "unit_code");
    /* A unit without a census figure reports -1. */
    int64_t missing = sql_int("SELECT count(*) FROM units WHERE population IS NULL");
    if (missing > 0) {
        sqlite3_stmt *st = NULL;
        sqlite3_prepare_v2(db, "SELECT code FROM units WHERE population IS NULL LIMIT 1", -1, &st,
                           NULL);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        char code[16];
        snprintf(code, sizeof code, "%s", (const char *)sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
        assert_int_equal(pd_unit_get(db, code, &u, &err), PD_OK);
        assert_int_equal(u.population, -1);
    }
}

static void test_children(void **state)
{
    (void)state;
    pd_err err;
    collected *c = calloc(1, sizeof *c);
    assert_int_equal(pd_unit_children(db, "06", collect, c, &err), PD_OK);
    assert_int_equal(c->n, 8);
    static const char *const districts[] = {"058", "060", "061", "062", "063", "064", "065", "066"};
    for (int i = 0; i < 8; i++) {
        assert_string_equal(c->items[i].code, districts[i]); /* ordered by code */
        assert_int_equal(c->items[i].level, 2);
        assert_string_equal(c->items[i].province_code, "06");
    }
    assert_string_equal(c->items[0].name, "Thành phố Bắc Kạn");

    c->n = 0;
    assert_int_equal(pd_unit_children(db, "058", collect, c, &err), PD_OK);
    assert_int_equal(c->n, 8);
    assert_string_equal(c->items[0].code, "01834");
    assert_string_equal(c->items[7].code, "01855");
    for (int i = 0; i < 8; i++) {
        assert_int_equal(c->items[i].level, 3);
        assert_string_equal(c->items[i].district_code, "058");
    }

    c->n = 0;
    assert_int_equal(pd_unit_children(db, "", collect, c, &err), PD_OK);
    assert_int_equal(c->n, 63);
    assert_string_equal(c->items[0].code, "01");
    c->n = 0;
    assert_int_equal(pd_unit_children(db, NULL, collect, c, &err), PD_OK);
    assert_int_equal(c->n, 63);
    c->n = 0;
    assert_int_equal(pd_unit_children(db, "nope", collect, c, &err), PD_OK);
    assert_int_equal(c->n, 0);
    free(c);
}

static int stop_after_two(const pd_unit *u, void *ctx)
{
    (void)u;
    return ++*(int *)ctx >= 2;
}

static void test_callback_can_stop(void **state)
{
    (void)state;
    pd_err err;
    int n = 0;
    assert_int_equal(pd_unit_children(db, "", stop_after_two, &n, &err), PD_OK);
    assert_int_equal(n, 2);
}

static void test_path(void **state)
{
    (void)state;
    pd_err err;
    collected *c = calloc(1, sizeof *c);
    assert_int_equal(pd_unit_path(db, "01834", collect, c, &err), PD_OK);
    assert_int_equal(c->n, 3);
    assert_string_equal(c->items[0].code, "06");
    assert_string_equal(c->items[1].code, "058");
    assert_string_equal(c->items[2].code, "01834");

    c->n = 0;
    assert_int_equal(pd_unit_path(db, "06", collect, c, &err), PD_OK);
    assert_int_equal(c->n, 1);
    assert_string_equal(c->items[0].code, "06");

    c->n = 0;
    assert_int_equal(pd_unit_path(db, "00001", collect, c, &err), PD_OK);
    assert_int_equal(c->n, 3);
    assert_string_equal(c->items[0].name, "Thành phố Hà Nội");
    assert_string_equal(c->items[1].name, "Quận Ba Đình");
    assert_string_equal(c->items[2].name, "Phường Phúc Xá");

    c->n = 0;
    assert_int_equal(pd_unit_path(db, "nope", collect, c, &err), PD_OK);
    assert_int_equal(c->n, 0);
    free(c);
}

/* ---- Search --------------------------------------------------------------------------------- */

static void test_search_named(void **state)
{
    (void)state;
    pd_err err;
    collected *c = calloc(1, sizeof *c);
    assert_int_equal(pd_unit_search(db, "bac kan", 20, collect, c, &err), PD_OK);
    assert_true(c->n >= 2);
    /* Provinces first, then districts: "Tỉnh Bắc Kạn" then "Thành phố Bắc Kạn". */
    assert_string_equal(c->items[0].name, "Tỉnh Bắc Kạn");
    assert_string_equal(c->items[1].name, "Thành phố Bắc Kạn");

    /* Diacritics, case, word order and spacing do not matter. */
    static const char *const same[] = {"Bắc Kạn", "BẮC   KẠN", "kan bac", "  bac  kan ", "bắc kạn"};
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++) {
        collected *d = calloc(1, sizeof *d);
        assert_int_equal(pd_unit_search(db, same[i], 20, collect, d, &err), PD_OK);
        assert_int_equal(d->n, c->n);
        for (int k = 0; k < c->n && k < 256; k++)
            assert_string_equal(d->items[k].code, c->items[k].code);
        free(d);
    }

    c->n = 0;
    assert_int_equal(pd_unit_search(db, "nguyen thi minh khai", 20, collect, c, &err), PD_OK);
    assert_true(has_code(c, "01834"));
    c->n = 0;
    assert_int_equal(pd_unit_search(db, "Nguyễn Thị Minh Khai", 20, collect, c, &err), PD_OK);
    assert_true(has_code(c, "01834"));

    /* A word must start a word of the name: "ac" is inside "bac" but starts nothing. */
    c->n = 0;
    assert_int_equal(pd_unit_search(db, "ac kan", 20, collect, c, &err), PD_OK);
    assert_false(has_code(c, "06"));

    /* Empty queries and LIKE wildcards find nothing (the wildcards are escaped). */
    c->n = 0;
    assert_int_equal(pd_unit_search(db, "", 20, collect, c, &err), PD_OK);
    assert_int_equal(pd_unit_search(db, "   ", 20, collect, c, &err), PD_OK);
    assert_int_equal(pd_unit_search(db, "%", 20, collect, c, &err), PD_OK);
    assert_int_equal(pd_unit_search(db, "_", 20, collect, c, &err), PD_OK);
    assert_int_equal(pd_unit_search(db, "b%n", 20, collect, c, &err), PD_OK);
    assert_int_equal(pd_unit_search(db, "\\", 20, collect, c, &err), PD_OK);
    assert_int_equal(c->n, 0);

    /* The limit: default 20, at most 200. */
    c->n = 0;
    assert_int_equal(pd_unit_search(db, "xa", 5, collect, c, &err), PD_OK);
    assert_int_equal(c->n, 5);
    c->n = 0;
    assert_int_equal(pd_unit_search(db, "xa", 0, collect, c, &err), PD_OK);
    assert_int_equal(c->n, 20);
    c->n = 0;
    assert_int_equal(pd_unit_search(db, "xa", 100000, collect, c, &err), PD_OK);
    assert_int_equal(c->n, 20);
    c->n = 0;
    assert_int_equal(pd_unit_search(db, "xa", 200, collect, c, &err), PD_OK);
    assert_int_equal(c->n, 200);
    free(c);
}

/* The oracle: every unit whose folded name has, for each query word, a word starting with it;
 * ordered by level, name length in characters, code. */
typedef struct oracle_row {
    char code[16];
    char folded[160];
    int level, chars;
} oracle_row;

static bool word_prefix_match(const char *name, const char *query)
{
    char q[128];
    snprintf(q, sizeof q, "%s", query);
    char *save = NULL;
    for (char *w = strtok_r(q, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
        bool found = false;
        size_t wl = strlen(w);
        for (const char *p = name; *p && !found; p++)
            if ((p == name || p[-1] == ' ') && strncmp(p, w, wl) == 0)
                found = true;
        if (!found)
            return false;
    }
    return true;
}

static int oracle_cmp(const void *a, const void *b)
{
    const oracle_row *x = a, *y = b;
    if (x->level != y->level)
        return x->level - y->level;
    if (x->chars != y->chars)
        return x->chars - y->chars;
    return strcmp(x->code, y->code);
}

static void test_search_against_oracle(void **state)
{
    (void)state;
    int total = (int)sql_int("SELECT count(*) FROM units");
    oracle_row *all = calloc((size_t)total, sizeof *all);
    oracle_row *hits = calloc((size_t)total, sizeof *hits);
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT code, name_folded, level, name FROM units", -1,
                                        &st, NULL),
                     SQLITE_OK);
    int n = 0;
    while (sqlite3_step(st) == SQLITE_ROW && n < total) {
        snprintf(all[n].code, sizeof all[n].code, "%s", (const char *)sqlite3_column_text(st, 0));
        snprintf(all[n].folded, sizeof all[n].folded, "%s", (const char *)sqlite3_column_text(st, 1));
        all[n].level = sqlite3_column_int(st, 2);
        int chars = 0;
        for (const unsigned char *p = sqlite3_column_text(st, 3); *p; p++)
            chars += (*p & 0xC0) != 0x80;
        all[n].chars = chars;
        n++;
    }
    sqlite3_finalize(st);

    static const char *const queries[] = {"bac kan", "kan", "minh khai", "nguyen thi", "ha",
                                          "phuong 1", "thi tran", "son la", "ea", "quang",
                                          "huyen dao", "x", "1", "tan phu", "thanh pho ho"};
    collected *c = calloc(1, sizeof *c);
    for (size_t qi = 0; qi < sizeof queries / sizeof queries[0]; qi++) {
        int want = 0;
        for (int i = 0; i < n; i++)
            if (word_prefix_match(all[i].folded, queries[qi]))
                hits[want++] = all[i];
        qsort(hits, (size_t)want, sizeof *hits, oracle_cmp);
        c->n = 0;
        pd_err err;
        assert_int_equal(pd_unit_search(db, queries[qi], 200, collect, c, &err), PD_OK);
        int expect = want < 200 ? want : 200;
        if (c->n != expect)
            fail_msg("search '%s': %d results, oracle %d", queries[qi], c->n, expect);
        for (int i = 0; i < expect; i++)
            if (strcmp(c->items[i].code, hits[i].code) != 0)
                fail_msg("search '%s' #%d: %s, oracle %s", queries[qi], i, c->items[i].code,
                         hits[i].code);
    }
    free(c);
    free(hits);
    free(all);
}

/* ---- Areas (thôn, bản, tổ dân phố) ---------------------------------------------------------- */

static void expect_area_refused(const pd_actor *a, const char *commune, const char *name,
                                const char *kind, int code, const char *field)
{
    pd_err err;
    pd_err_clear(&err);
    int64_t before = sql_int("SELECT count(*) FROM units");
    pd_unit out;
    int rc = pd_area_add(db, a, commune, name, kind, &out, &err);
    if (rc != code)
        fail_msg("pd_area_add(%s, %s, %s) by %s: rc %d (%s), expected %d", commune,
                 name ? name : "NULL", kind ? kind : "NULL", a->username, rc, err.message, code);
    if (field)
        assert_string_equal(err.field, field);
    assert_int_equal(sql_int("SELECT count(*) FROM units"), before);
}

static void test_area_add(void **state)
{
    (void)state;
    pd_actor commune = actor_at(PD_ROLE_COMMUNE, PD_SCOPE_COMMUNE, "01837");
    pd_err err;
    pd_unit u;
    int64_t audits = sql_int("SELECT count(*) FROM audit_log");
    assert_int_equal(pd_area_add(db, &commune, "01837", "  Tổ   dân phố 1 ", "Tổ dân phố", &u, &err),
                     PD_OK);
    assert_string_equal(u.code, "01837-001");
    assert_string_equal(u.name, "Tổ dân phố 1"); /* cleaned */
    assert_string_equal(u.type, "Tổ dân phố");
    assert_int_equal(u.level, 4);
    assert_string_equal(u.parent_code, "01837");
    assert_string_equal(u.commune_code, "01837");
    assert_string_equal(u.district_code, "058");
    assert_string_equal(u.province_code, "06");
    assert_int_equal(sql_int("SELECT created_by FROM units WHERE code = '01837-001'"), 77);
    assert_int_equal(sql_int("SELECT created_at FROM units WHERE code = '01837-001'"), 1636939800);
    /* Audited as a creation of a unit. */
    assert_int_equal(sql_int("SELECT count(*) FROM audit_log"), audits + 1);
    assert_int_equal(sql_int("SELECT count(*) FROM audit_log WHERE action = 'create' AND entity ="
                             " 'unit' AND unit_code = '01837-001' AND username = 'u_01837'"
                             " AND user_id = 77"),
                     1);

    /* Numbered in order; a decomposed name is stored composed. */
    assert_int_equal(pd_area_add(db, &commune, "01837", "Tho\xCC\x82n Na\xCC\x80 Pa\xCC\x81", "Thôn",
                                 &u, &err),
                     PD_OK);
    assert_string_equal(u.code, "01837-002");
    assert_string_equal(u.name, "Thôn Nà Pá");

    /* The area appears among the commune's children and in paths. */
    collected *c = calloc(1, sizeof *c);
    assert_int_equal(pd_unit_children(db, "01837", collect, c, &err), PD_OK);
    assert_int_equal(c->n, 2);
    c->n = 0;
    assert_int_equal(pd_unit_path(db, "01837-002", collect, c, &err), PD_OK);
    assert_int_equal(c->n, 4);
    assert_string_equal(c->items[0].code, "06");
    assert_string_equal(c->items[1].code, "058");
    assert_string_equal(c->items[2].code, "01837");
    assert_string_equal(c->items[3].code, "01837-002");
    c->n = 0;
    assert_int_equal(pd_unit_search(db, "na pa", 20, collect, c, &err), PD_OK);
    assert_true(has_code(c, "01837-002"));
    free(c);
    pd_unit commune_unit;
    assert_int_equal(pd_unit_get(db, "01837", &commune_unit, &err), PD_OK);
    assert_int_equal(commune_unit.child_count, 2);

    /* Duplicates within the commune, with or without diacritics and case. */
    expect_area_refused(&commune, "01837", "Tổ dân phố 1", "Tổ dân phố", PD_ECONFLICT, "name");
    expect_area_refused(&commune, "01837", "TO DAN PHO 1", "Tổ dân phố", PD_ECONFLICT, "name");
    expect_area_refused(&commune, "01837", "Thôn Nà Pá", "Bản", PD_ECONFLICT, "name");
    /* Bad kinds and names. */
    expect_area_refused(&commune, "01837", "Tổ 9", "Làng", PD_EINVAL, "kind");
    expect_area_refused(&commune, "01837", "Tổ 9", "thôn", PD_EINVAL, "kind");
    expect_area_refused(&commune, "01837", "Tổ 9", "", PD_EINVAL, "kind");
    expect_area_refused(&commune, "01837", "Tổ 9", NULL, PD_EINVAL, "kind");
    expect_area_refused(&commune, "01837", "", "Tổ", PD_EINVAL, "name");
    expect_area_refused(&commune, "01837", "   ", "Tổ", PD_EINVAL, "name");
    expect_area_refused(&commune, "01837", NULL, "Tổ", PD_EINVAL, "name");
    expect_area_refused(&commune, "01837", "Tổ \xFF", "Tổ", PD_EINVAL, "name");
    char long_name[200] = "";
    for (int i = 0; i < 81; i++)
        strcat(long_name, "ă"); /* 81 characters */
    expect_area_refused(&commune, "01837", long_name, "Tổ", PD_EINVAL, "name");
    long_name[strlen(long_name) - strlen("ă")] = '\0'; /* 80 is allowed */
    assert_int_equal(pd_area_add(db, &commune, "01837", long_name, "Tổ", &u, &err), PD_OK);
    assert_string_equal(u.code, "01837-003");

    /* Every listed kind is accepted. */
    for (int i = 0; pd_area_kinds[i]; i++) {
        char name[64];
        snprintf(name, sizeof name, "Khu thử %d", i);
        if (pd_area_add(db, &commune, "01837", name, pd_area_kinds[i], &u, &err) != PD_OK)
            fail_msg("kind %s refused: %s", pd_area_kinds[i], err.message);
        assert_string_equal(u.type, pd_area_kinds[i]);
    }
}

static void test_area_scope(void **state)
{
    (void)state;
    pd_actor commune = actor_at(PD_ROLE_COMMUNE, PD_SCOPE_COMMUNE, "01837");
    pd_actor district = actor_at(PD_ROLE_DISTRICT, PD_SCOPE_DISTRICT, "058");
    pd_actor other_district = actor_at(PD_ROLE_DISTRICT, PD_SCOPE_DISTRICT, "060");
    pd_actor province = actor_at(PD_ROLE_PROVINCE, PD_SCOPE_PROVINCE, "06");
    pd_actor other_province = actor_at(PD_ROLE_PROVINCE, PD_SCOPE_PROVINCE, "01");
    pd_actor team = actor_at(PD_ROLE_TEAM, PD_SCOPE_COMMUNE, "01840");
    pd_actor viewer = actor_at(PD_ROLE_VIEWER, PD_SCOPE_COUNTRY, "");

    /* Outside scope looks exactly like a missing commune. */
    pd_err out_of_scope, missing;
    pd_err_clear(&out_of_scope);
    pd_err_clear(&missing);
    pd_unit u;
    assert_int_equal(pd_area_add(db, &commune, "01840", "Tổ 1", "Tổ", &u, &out_of_scope),
                     PD_ENOTFOUND);
    assert_int_equal(pd_area_add(db, &commune, "01899", "Tổ 1", "Tổ", &u, &missing), PD_ENOTFOUND);
    assert_string_equal(out_of_scope.field, "commune_code");
    assert_string_equal(out_of_scope.field, missing.field);
    expect_area_refused(&other_district, "01840", "Tổ 1", "Tổ", PD_ENOTFOUND, "commune_code");
    expect_area_refused(&other_province, "01840", "Tổ 1", "Tổ", PD_ENOTFOUND, "commune_code");
    /* Roles without the permission. */
    expect_area_refused(&team, "01840", "Tổ 1", "Tổ", PD_EDENIED, NULL);
    expect_area_refused(&viewer, "01840", "Tổ 1", "Tổ", PD_EDENIED, NULL);
    /* Only under a commune. */
    expect_area_refused(&district, "058", "Tổ 1", "Tổ", PD_EINVAL, "commune_code");
    expect_area_refused(&province, "06", "Tổ 1", "Tổ", PD_EINVAL, "commune_code");
    expect_area_refused(&district, "01837-001", "Tổ 1", "Tổ", PD_EINVAL, "commune_code");

    /* District and province officials may add under their communes. */
    pd_err err;
    assert_int_equal(pd_area_add(db, &district, "01840", "Tổ 1", "Tổ", &u, &err), PD_OK);
    assert_string_equal(u.code, "01840-001");
    assert_int_equal(pd_area_add(db, &province, "01840", "Tổ 2", "Tổ", &u, &err), PD_OK);
    assert_string_equal(u.code, "01840-002");
    /* The same name is fine in another commune. */
    assert_int_equal(pd_area_add(db, &district, "01843", "Tổ 1", "Tổ", NULL, &err), PD_OK);

    /* pd_unit_in_scope agrees with the scope of each actor. */
    pd_unit area;
    assert_int_equal(pd_unit_get(db, "01840-001", &area, &err), PD_OK);
    assert_true(pd_unit_in_scope(&district, &area));
    assert_true(pd_unit_in_scope(&province, &area));
    assert_true(pd_unit_in_scope(&team, &area));
    assert_true(pd_unit_in_scope(&viewer, &area));
    assert_false(pd_unit_in_scope(&commune, &area));
    assert_false(pd_unit_in_scope(&other_district, &area));
    assert_false(pd_unit_in_scope(&other_province, &area));
    pd_unit prov;
    assert_int_equal(pd_unit_get(db, "06", &prov, &err), PD_OK);
    assert_true(pd_unit_in_scope(&province, &prov));
    assert_false(pd_unit_in_scope(&district, &prov)); /* a district official cannot edit the province */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counts),
        cmocka_unit_test(test_init_is_idempotent),
        cmocka_unit_test(test_get_and_population),
        cmocka_unit_test(test_children),
        cmocka_unit_test(test_callback_can_stop),
        cmocka_unit_test(test_path),
        cmocka_unit_test(test_search_named),
        cmocka_unit_test(test_search_against_oracle),
        cmocka_unit_test(test_area_add),
        cmocka_unit_test(test_area_scope),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
