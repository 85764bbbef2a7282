/* Unit tests of accounts, roles and scope (src/auth/auth.c, throttle.c): scope resolution of unit
 * codes, scope checks, the role x permission table, account creation rules, password login, sessions
 * with a fixed clock (PHONGDICH_NOW), and the login rate limit. One database with the GSO units. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "support.h"

#include <dirent.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/auth.h"
#include "store/db.h"
#include "units/units.h"

#define T0 1636939800 /* 2021-11-15 08:30 in Hanoi */

static char dir[256];
static sqlite3 *db;
static char area_code[16]; /* a thôn added under 01834 */

static void set_now(int64_t t)
{
    char v[32];
    snprintf(v, sizeof v, "%lld", (long long)t);
    setenv("PHONGDICH_NOW", v, 1);
}

static int group_setup(void **state)
{
    (void)state;
    if (sodium_init() < 0)
        return -1;
    set_now(T0);
    if (pd_test_make_dir(dir, sizeof dir, "pd_scope") != 0)
        return -1;
    char path[512];
    snprintf(path, sizeof path, "%s/scope.db", dir);
    pd_err err;
    db = pd_db_open(path, &err);
    int loaded;
    if (!db)
        return -1;
    /* Durability is not under test here (test_store checks synchronous=FULL); skipping the fsync of
     * every commit keeps the suite fast on slow disks. */
    sqlite3_exec(db, "PRAGMA synchronous=OFF", NULL, NULL, NULL);
    if (pd_units_init(db, &loaded, &err) != PD_OK)
        return -1;
    pd_actor cli = pd_actor_cli();
    pd_unit area;
    if (pd_area_add(db, &cli, "01834", "Tổ 7", "Tổ", &area, &err) != PD_OK)
        return -1;
    snprintf(area_code, sizeof area_code, "%s", area.code);
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

static pd_actor actor_at(pd_role role, pd_scope_level level, const char *code)
{
    pd_actor a;
    memset(&a, 0, sizeof a);
    a.role = role;
    a.scope_level = level;
    snprintf(a.scope_code, sizeof a.scope_code, "%s", code);
    snprintf(a.username, sizeof a.username, "test");
    return a;
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

/* ---- Roles and permissions ------------------------------------------------------------------ */

static void test_role_names(void **state)
{
    (void)state;
    static const char *const names[] = {"admin",   "province", "district", "commune",
                                          "team",    "viewer",   "police",   "venue"};
    for (int r = 0; r < PD_ROLE_COUNT; r++) {
        assert_string_equal(pd_role_name((pd_role)r), names[r]);
        assert_int_equal(pd_role_parse(names[r]), r);
    }
    assert_int_equal(pd_role_parse("Admin"), -1);
    assert_int_equal(pd_role_parse(""), -1);
    assert_int_equal(pd_role_parse(NULL), -1);
    assert_string_equal(pd_role_name(PD_ROLE_COUNT), "?");
}

static void test_permission_table(void **state)
{
    (void)state;
    enum { N_PERMS = 19 };
    /* Columns: units_read, areas_write, people_read, people_write, import, export, audit, users,
     * declare_assist, declarations_read, alerts_act, outbreak_write, venues_read, venues_write,
     * checkins_read, checkin_scan, stays_read, stays_write, ingest. */
    static const bool expected[PD_ROLE_COUNT][N_PERMS] = {
        [PD_ROLE_ADMIN] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1},
        [PD_ROLE_PROVINCE] = {1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1},
        [PD_ROLE_DISTRICT] = {1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1},
        [PD_ROLE_COMMUNE] = {1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 0},
        [PD_ROLE_TEAM] = {1, 0, 1, 0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 0, 0, 1, 0, 0, 0},
        [PD_ROLE_VIEWER] = {1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
        [PD_ROLE_POLICE] = {1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0},
        [PD_ROLE_VENUE] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 1, 0},
    };
    static const pd_perm perms[N_PERMS] = {
        PD_PERM_UNITS_READ,     PD_PERM_AREAS_WRITE,       PD_PERM_PEOPLE_READ,
        PD_PERM_PEOPLE_WRITE,   PD_PERM_PEOPLE_IMPORT,     PD_PERM_PEOPLE_EXPORT,
        PD_PERM_AUDIT_READ,     PD_PERM_USERS_MANAGE,      PD_PERM_DECLARE_ASSIST,
        PD_PERM_DECLARATIONS_READ, PD_PERM_ALERTS_ACT,     PD_PERM_OUTBREAK_WRITE,
        PD_PERM_VENUES_READ,    PD_PERM_VENUES_WRITE,      PD_PERM_CHECKINS_READ,
        PD_PERM_CHECKIN_SCAN,   PD_PERM_STAYS_READ,        PD_PERM_STAYS_WRITE,
        PD_PERM_INGEST};
    for (int r = 0; r < PD_ROLE_COUNT; r++)
        for (int p = 0; p < N_PERMS; p++) {
            pd_actor a = actor_at((pd_role)r, PD_SCOPE_COUNTRY, "");
            if (pd_actor_can(&a, perms[p]) != expected[r][p])
                fail_msg("role %s, permission %d: got %d, expected %d", pd_role_name((pd_role)r), p,
                         !expected[r][p], expected[r][p]);
        }
    /* An out-of-range role may do nothing. */
    pd_actor bad = actor_at(PD_ROLE_COUNT, PD_SCOPE_COUNTRY, "");
    for (int p = 0; p < N_PERMS; p++)
        assert_false(pd_actor_can(&bad, perms[p]));

    pd_actor cli = pd_actor_cli();
    assert_int_equal(cli.role, PD_ROLE_ADMIN);
    assert_int_equal(cli.scope_level, PD_SCOPE_COUNTRY);
    assert_string_equal(cli.scope_code, "");
    assert_string_equal(cli.username, "cli");
    assert_int_equal(cli.user_id, 0);
}

/* ---- Scope ---------------------------------------------------------------------------------- */

static void test_scope_resolve(void **state)
{
    (void)state;
    static const struct {
        const char *unit;
        pd_scope_level level;
        const char *code;
    } cases[] = {
        {"", PD_SCOPE_COUNTRY, ""},        {"06", PD_SCOPE_PROVINCE, "06"},
        {"01", PD_SCOPE_PROVINCE, "01"},   {"058", PD_SCOPE_DISTRICT, "058"},
        {"001", PD_SCOPE_DISTRICT, "001"}, {"01834", PD_SCOPE_COMMUNE, "01834"},
        {"00001", PD_SCOPE_COMMUNE, "00001"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pd_scope_level level = (pd_scope_level)-1;
        char code[16] = "junk";
        pd_err err;
        assert_int_equal(pd_scope_resolve(db, cases[i].unit, &level, code, sizeof code, &err), PD_OK);
        assert_int_equal(level, cases[i].level);
        assert_string_equal(code, cases[i].code);
    }
    /* NULL is the country too. */
    pd_scope_level level;
    char code[16] = "junk";
    pd_err err;
    assert_int_equal(pd_scope_resolve(db, NULL, &level, code, sizeof code, &err), PD_OK);
    assert_int_equal(level, PD_SCOPE_COUNTRY);
    assert_string_equal(code, "");
    /* An area (thôn/tổ) resolves to its commune. */
    assert_int_equal(pd_scope_resolve(db, area_code, &level, code, sizeof code, &err), PD_OK);
    assert_int_equal(level, PD_SCOPE_COMMUNE);
    assert_string_equal(code, "01834");
    /* Unknown codes. */
    static const char *const unknown[] = {"99", "1", "0583", "01834-999", "'; DROP TABLE units;--"};
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        pd_err_clear(&err);
        assert_int_equal(pd_scope_resolve(db, unknown[i], &level, code, sizeof code, &err),
                         PD_ENOTFOUND);
        assert_int_equal(err.code, PD_ENOTFOUND);
        assert_string_equal(err.field, "unit_code");
    }
    assert_true(sql_int("SELECT count(*) FROM units") > 10000);
}

static void test_scope_covers(void **state)
{
    (void)state;
    /* A record in Phường Nguyễn Thị Minh Khai (01834), Thành phố Bắc Kạn (058), Bắc Kạn (06). */
    const char *p = "06", *d = "058", *c = "01834";
    pd_actor country = actor_at(PD_ROLE_ADMIN, PD_SCOPE_COUNTRY, "");
    pd_actor prov = actor_at(PD_ROLE_PROVINCE, PD_SCOPE_PROVINCE, "06");
    pd_actor prov_other = actor_at(PD_ROLE_PROVINCE, PD_SCOPE_PROVINCE, "01");
    pd_actor dist = actor_at(PD_ROLE_DISTRICT, PD_SCOPE_DISTRICT, "058");
    pd_actor dist_other = actor_at(PD_ROLE_DISTRICT, PD_SCOPE_DISTRICT, "060");
    pd_actor comm = actor_at(PD_ROLE_COMMUNE, PD_SCOPE_COMMUNE, "01834");
    pd_actor comm_other = actor_at(PD_ROLE_COMMUNE, PD_SCOPE_COMMUNE, "01837");
    assert_true(pd_scope_covers(&country, p, d, c));
    assert_true(pd_scope_covers(&prov, p, d, c));
    assert_false(pd_scope_covers(&prov_other, p, d, c));
    assert_true(pd_scope_covers(&dist, p, d, c));
    assert_false(pd_scope_covers(&dist_other, p, d, c));
    assert_true(pd_scope_covers(&comm, p, d, c));
    assert_false(pd_scope_covers(&comm_other, p, d, c));
    /* Codes must match exactly, not by prefix; a missing code is outside any scope but the country. */
    assert_false(pd_scope_covers(&prov, "061", d, c));
    assert_false(pd_scope_covers(&comm, p, d, "018345"));
    assert_false(pd_scope_covers(&comm, p, d, NULL));
    assert_false(pd_scope_covers(&dist, p, NULL, c));
    assert_true(pd_scope_covers(&country, NULL, NULL, NULL));

    char sql[64];
    assert_string_equal(pd_scope_sql(&country, "p", sql, sizeof sql), "1");
    assert_null(pd_scope_param(&country));
    assert_string_equal(pd_scope_sql(&prov, "p", sql, sizeof sql), "p.province_code = ?");
    assert_string_equal(pd_scope_param(&prov), "06");
    assert_string_equal(pd_scope_sql(&dist, "h", sql, sizeof sql), "h.district_code = ?");
    assert_string_equal(pd_scope_sql(&comm, NULL, sql, sizeof sql), "unit_code = ?");
    assert_string_equal(pd_scope_param(&comm), "01834");
}

/* ---- Accounts ------------------------------------------------------------------------------- */

static void expect_user_refused(const char *username, const char *role, const char *unit,
                                const char *password, int code, const char *field)
{
    pd_err err;
    pd_err_clear(&err);
    int64_t before = sql_int("SELECT count(*) FROM users");
    int64_t id = -1;
    int rc = pd_user_add(db, username, role, unit, password, "", &id, &err);
    if (rc != code)
        fail_msg("pd_user_add(%s, %s, %s): rc %d (%s), expected %d", username, role,
                 unit ? unit : "NULL", rc, err.message, code);
    assert_string_equal(err.field, field);
    assert_true(strlen(err.message) > 0);
    assert_int_equal(id, -1);
    assert_int_equal(sql_int("SELECT count(*) FROM users"), before);
}

static void test_user_add_rules(void **state)
{
    (void)state;
    const char *pw = "matkhau123";
    /* Role and unit level must agree. */
    expect_user_refused("p1", "province", "058", pw, PD_EINVAL, "unit_code");
    expect_user_refused("p1", "province", "01834", pw, PD_EINVAL, "unit_code");
    expect_user_refused("p1", "province", NULL, pw, PD_EINVAL, "unit_code");
    expect_user_refused("d1", "district", "06", pw, PD_EINVAL, "unit_code");
    expect_user_refused("d1", "district", "01834", pw, PD_EINVAL, "unit_code");
    expect_user_refused("c1", "commune", "058", pw, PD_EINVAL, "unit_code");
    expect_user_refused("c1", "commune", "", pw, PD_EINVAL, "unit_code");
    expect_user_refused("t1", "team", "06", pw, PD_EINVAL, "unit_code");
    expect_user_refused("t1", "team", area_code, pw, PD_EINVAL, "unit_code");
    expect_user_refused("a1", "admin", area_code, pw, PD_EINVAL, "unit_code");
    expect_user_refused("c1", "commune", "99999", pw, PD_EINVAL, "unit_code");
    expect_user_refused("x1", "superuser", NULL, pw, PD_EINVAL, "role");
    expect_user_refused("x1", "", NULL, pw, PD_EINVAL, "role");
    /* Passwords: at least 8 characters. */
    expect_user_refused("c1", "commune", "01834", "1234567", PD_EINVAL, "password");
    expect_user_refused("c1", "commune", "01834", "", PD_EINVAL, "password");
    /* Usernames: 2-48 of [A-Za-z0-9._-]. */
    expect_user_refused("a", "admin", NULL, pw, PD_EINVAL, "username");
    expect_user_refused("", "admin", NULL, pw, PD_EINVAL, "username");
    expect_user_refused("nguyễn", "admin", NULL, pw, PD_EINVAL, "username");
    expect_user_refused("an van", "admin", NULL, pw, PD_EINVAL, "username");
    expect_user_refused("an@xa", "admin", NULL, pw, PD_EINVAL, "username");
    expect_user_refused("an'--", "admin", NULL, pw, PD_EINVAL, "username");
    char long_name[50];
    memset(long_name, 'a', 49);
    long_name[49] = '\0';
    expect_user_refused(long_name, "admin", NULL, pw, PD_EINVAL, "username");
    long_name[48] = '\0'; /* 48 is allowed */
    pd_err err;
    int64_t id = 0;
    assert_int_equal(pd_user_add(db, long_name, "viewer", NULL, pw, "", &id, &err), PD_OK);
    assert_true(id > 0);

    /* Accepted combinations, including the exact 8-character password. */
    assert_int_equal(pd_user_add(db, "tinh.bk", "province", "06", "12345678", "Sở Y tế", &id, &err),
                     PD_OK);
    assert_int_equal(pd_user_add(db, "huyen_bk", "district", "058", pw, "", &id, &err), PD_OK);
    assert_int_equal(pd_user_add(db, "Phuong-NTMK", "commune", "01834", pw, "", &id, &err), PD_OK);
    assert_int_equal(pd_user_add(db, "to.cv", "team", "01834", pw, "", &id, &err), PD_OK);
    assert_int_equal(pd_user_add(db, "admin.bk", "admin", "06", pw, "", &id, &err), PD_OK);
    assert_int_equal(pd_user_add(db, "xem", "viewer", "01834", pw, "", &id, &err), PD_OK);
    assert_int_equal(pd_user_add(db, "root", "admin", NULL, pw, "", &id, &err), PD_OK);

    /* Usernames are unique without regard to case. */
    expect_user_refused("root", "admin", NULL, pw, PD_ECONFLICT, "username");
    expect_user_refused("ROOT", "viewer", NULL, pw, PD_ECONFLICT, "username");
    expect_user_refused("phuong-ntmk", "commune", "01834", pw, PD_ECONFLICT, "username");

    /* Only a hash is stored, in Argon2id form. */
    assert_int_equal(sql_int("SELECT count(*) FROM users WHERE password_hash LIKE '%matkhau%'"), 0);
    assert_int_equal(sql_int("SELECT count(*) FROM users WHERE password_hash NOT LIKE '$argon2id$%'"),
                     0);
}

static int64_t user_id(const char *username)
{
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT id FROM users WHERE username = '%s'", username);
    int64_t id = sql_int(sql);
    if (id > 0)
        return id;
    pd_err err;
    if (pd_user_add(db, username, "commune", "01834", "matkhau123", "", &id, &err) != PD_OK)
        fail_msg("pd_user_add %s: %s", username, err.message);
    return id;
}

static void test_authenticate(void **state)
{
    (void)state;
    pd_err err;
    int64_t id = 0;
    assert_int_equal(pd_user_add(db, "xa.ntmk", "commune", "01834", "Mật khẩu đúng", "", &id, &err),
                     PD_OK);
    pd_actor a;
    memset(&a, 0xAB, sizeof a);
    assert_int_equal(pd_user_authenticate(db, "xa.ntmk", "Mật khẩu đúng", &a, &err), PD_OK);
    assert_int_equal(a.user_id, id);
    assert_string_equal(a.username, "xa.ntmk");
    assert_int_equal(a.role, PD_ROLE_COMMUNE);
    assert_int_equal(a.scope_level, PD_SCOPE_COMMUNE);
    assert_string_equal(a.scope_code, "01834");
    assert_string_equal(a.ip, "");
    /* Usernames are case-insensitive at login too. */
    assert_int_equal(pd_user_authenticate(db, "XA.NTMK", "Mật khẩu đúng", &a, &err), PD_OK);

    pd_err wrong, unknown;
    pd_err_clear(&wrong);
    pd_err_clear(&unknown);
    assert_int_equal(pd_user_authenticate(db, "xa.ntmk", "Mat khau dung", &a, &wrong), PD_EDENIED);
    assert_int_equal(pd_user_authenticate(db, "khong.co", "Mật khẩu đúng", &a, &unknown),
                     PD_EDENIED);
    assert_int_equal(pd_user_authenticate(db, "xa.ntmk", "", &a, &err), PD_EDENIED);
    /* The two failures are indistinguishable. */
    assert_int_equal(wrong.code, unknown.code);
    assert_string_equal(wrong.field, unknown.field);
    assert_string_equal(wrong.message, unknown.message);

    /* A disabled account cannot log in, nor be loaded. */
    char sql[96];
    snprintf(sql, sizeof sql, "UPDATE users SET disabled = 1 WHERE id = %lld", (long long)id);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    pd_err_clear(&err);
    assert_int_equal(pd_user_authenticate(db, "xa.ntmk", "Mật khẩu đúng", &a, &err), PD_EDENIED);
    assert_string_equal(err.message, unknown.message);
    assert_int_equal(pd_actor_load(db, id, &a, &err), PD_ENOTFOUND);
}

static void test_actor_load_scopes(void **state)
{
    (void)state;
    static const struct {
        const char *username, *role, *unit;
        pd_role want_role;
        pd_scope_level level;
        const char *code;
    } cases[] = {
        {"load.p", "province", "06", PD_ROLE_PROVINCE, PD_SCOPE_PROVINCE, "06"},
        {"load.d", "district", "058", PD_ROLE_DISTRICT, PD_SCOPE_DISTRICT, "058"},
        {"load.c", "commune", "01837", PD_ROLE_COMMUNE, PD_SCOPE_COMMUNE, "01837"},
        {"load.t", "team", "01834", PD_ROLE_TEAM, PD_SCOPE_COMMUNE, "01834"},
        {"load.a", "admin", NULL, PD_ROLE_ADMIN, PD_SCOPE_COUNTRY, ""},
        {"load.v", "viewer", "058", PD_ROLE_VIEWER, PD_SCOPE_DISTRICT, "058"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pd_err err;
        int64_t id;
        if (pd_user_add(db, cases[i].username, cases[i].role, cases[i].unit, "matkhau123", "", &id,
                        &err) != PD_OK)
            fail_msg("%s: %s", cases[i].username, err.message);
        pd_actor a;
        assert_int_equal(pd_actor_load(db, id, &a, &err), PD_OK);
        assert_int_equal(a.user_id, id);
        assert_string_equal(a.username, cases[i].username);
        assert_int_equal(a.role, cases[i].want_role);
        assert_int_equal(a.scope_level, cases[i].level);
        assert_string_equal(a.scope_code, cases[i].code);
    }
    pd_actor a;
    pd_err err;
    assert_int_equal(pd_actor_load(db, 987654, &a, &err), PD_ENOTFOUND);
}

/* ---- Sessions ------------------------------------------------------------------------------- */

static bool is_hex64(const char *s)
{
    if (strlen(s) != 64)
        return false;
    for (; *s; s++)
        if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
            return false;
    return true;
}

static void test_sessions(void **state)
{
    (void)state;
    int64_t uid = user_id("phien.xa");
    pd_err err;
    char token[65], csrf[65];
    set_now(T0);
    assert_int_equal(pd_session_create(db, uid, token, csrf, &err), PD_OK);
    assert_true(is_hex64(token));
    assert_true(is_hex64(csrf));
    assert_string_not_equal(token, csrf);

    /* Only SHA-256(token) is stored. */
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, (const unsigned char *)token, strlen(token));
    char hex[65];
    sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM sessions WHERE token_hash = '%s'", token);
    assert_int_equal(sql_int(sql), 0);
    snprintf(sql, sizeof sql,
             "SELECT expires_at - created_at FROM sessions WHERE token_hash = '%s' AND user_id = %lld"
             " AND created_at = %d",
             hex, (long long)uid, T0);
    assert_int_equal(sql_int(sql), PD_SESSION_SECONDS);

    pd_actor a;
    char got_csrf[65];
    assert_int_equal(pd_session_lookup(db, token, &a, got_csrf, &err), PD_OK);
    assert_string_equal(got_csrf, csrf);
    assert_int_equal(a.user_id, uid);
    assert_string_equal(a.scope_code, "01834");

    /* Valid until the last second, gone at 12 hours. */
    set_now(T0 + PD_SESSION_SECONDS - 1);
    assert_int_equal(pd_session_lookup(db, token, &a, got_csrf, &err), PD_OK);
    set_now(T0 + PD_SESSION_SECONDS);
    pd_err_clear(&err);
    assert_int_equal(pd_session_lookup(db, token, &a, got_csrf, &err), PD_ENOTFOUND);
    assert_string_equal(err.field, "session");

    /* A login after expiry sweeps the dead session. */
    set_now(T0 + PD_SESSION_SECONDS + 1);
    char token2[65], csrf2[65];
    assert_int_equal(pd_session_create(db, uid, token2, csrf2, &err), PD_OK);
    assert_string_not_equal(token2, token);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM sessions WHERE token_hash = '%s'", hex);
    assert_int_equal(sql_int(sql), 0);
    assert_int_equal(pd_session_lookup(db, token2, &a, got_csrf, &err), PD_OK);

    /* Logout. */
    assert_int_equal(pd_session_delete(db, token2, &err), PD_OK);
    assert_int_equal(pd_session_lookup(db, token2, &a, got_csrf, &err), PD_ENOTFOUND);
    assert_int_equal(pd_session_delete(db, token2, &err), PD_OK); /* twice is harmless */

    /* Malformed and unknown tokens. */
    assert_int_equal(pd_session_lookup(db, "", &a, got_csrf, &err), PD_ENOTFOUND);
    assert_int_equal(pd_session_lookup(db, "abc", &a, got_csrf, &err), PD_ENOTFOUND);
    char fake[65];
    memset(fake, 'a', 64);
    fake[64] = '\0';
    assert_int_equal(pd_session_lookup(db, fake, &a, got_csrf, &err), PD_ENOTFOUND);

    /* Disabling the account ends its sessions. */
    char token3[65], csrf3[65];
    assert_int_equal(pd_session_create(db, uid, token3, csrf3, &err), PD_OK);
    assert_int_equal(pd_session_lookup(db, token3, &a, got_csrf, &err), PD_OK);
    snprintf(sql, sizeof sql, "UPDATE users SET disabled = 1 WHERE id = %lld", (long long)uid);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(pd_session_lookup(db, token3, &a, got_csrf, &err), PD_ENOTFOUND);
    set_now(T0);
}

/* ---- Login throttle ------------------------------------------------------------------------- */

static void test_throttle_username(void **state)
{
    (void)state;
    pd_login_throttle_reset();
    const int64_t t = T0;
    for (int i = 0; i < PD_LOGIN_MAX_FAILURES; i++) {
        assert_int_equal(pd_login_throttle_check("lan", "10.0.0.1", t + i), 0);
        pd_login_throttle_record("lan", "10.0.0.1", false, t + i);
    }
    /* Five failures: blocked until the window (started at the first failure) ends. */
    assert_int_equal(pd_login_throttle_check("lan", "10.0.0.1", t + 5), PD_LOGIN_WINDOW - 5);
    /* The account is blocked from any address, and regardless of case. */
    assert_true(pd_login_throttle_check("lan", "10.9.9.9", t + 10) > 0);
    assert_true(pd_login_throttle_check("LAN", "10.9.9.9", t + 10) > 0);
    /* Another account from a fresh address is not. */
    assert_int_equal(pd_login_throttle_check("hoa", "10.9.9.9", t + 10), 0);
    /* The window expires. */
    assert_int_equal(pd_login_throttle_check("lan", "10.9.9.9", t + PD_LOGIN_WINDOW - 1), 1);
    assert_int_equal(pd_login_throttle_check("lan", "10.9.9.9", t + PD_LOGIN_WINDOW), 0);
    assert_int_equal(pd_login_throttle_check("lan", "10.0.0.1", t + PD_LOGIN_WINDOW), 0);
}

static void test_throttle_address_and_success(void **state)
{
    (void)state;
    pd_login_throttle_reset();
    const int64_t t = T0;
    /* Four failures then a success: the account's count is cleared. */
    for (int i = 0; i < PD_LOGIN_MAX_FAILURES - 1; i++)
        pd_login_throttle_record("minh", "10.0.0.2", false, t);
    pd_login_throttle_record("minh", "10.0.0.2", true, t);
    pd_login_throttle_record("minh", "10.0.0.3", false, t);
    assert_int_equal(pd_login_throttle_check("minh", "10.0.0.3", t + 1), 0);

    /* One address trying five different accounts is blocked for any account. */
    pd_login_throttle_reset();
    static const char *const names[] = {"a1", "a2", "a3", "a4", "a5"};
    for (int i = 0; i < 5; i++) {
        assert_int_equal(pd_login_throttle_check(names[i], "10.0.0.9", t), 0);
        pd_login_throttle_record(names[i], "10.0.0.9", false, t);
    }
    assert_int_equal(pd_login_throttle_check("a6", "10.0.0.9", t + 1), PD_LOGIN_WINDOW - 1);
    assert_int_equal(pd_login_throttle_check("a6", "10.0.0.10", t + 1), 0);
    /* A success does not clear the address's count. */
    pd_login_throttle_record("a6", "10.0.0.9", true, t + 2);
    assert_true(pd_login_throttle_check("a7", "10.0.0.9", t + 3) > 0);
    pd_login_throttle_reset();
    assert_int_equal(pd_login_throttle_check("a7", "10.0.0.9", t + 3), 0);
}

/* An attacker who fills the table with failures for thousands of other accounts must not lift the
 * lockout of the account under attack. */
static void test_throttle_flood_keeps_lockout(void **state)
{
    (void)state;
    pd_login_throttle_reset();
    const int64_t t = T0;
    for (int i = 0; i < PD_LOGIN_MAX_FAILURES; i++)
        pd_login_throttle_record("victim", "10.1.0.1", false, t);
    assert_true(pd_login_throttle_check("victim", "10.1.0.2", t + 1) > 0);
    char name[32], ip[32];
    for (int i = 0; i < 20000; i++) {
        snprintf(name, sizeof name, "flood%d", i);
        snprintf(ip, sizeof ip, "10.2.%d.%d", i / 250, i % 250);
        pd_login_throttle_record(name, ip, false, t + 2);
    }
    assert_true(pd_login_throttle_check("victim", "10.1.0.3", t + 3) > 0);
    pd_login_throttle_reset();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_role_names),
        cmocka_unit_test(test_permission_table),
        cmocka_unit_test(test_scope_resolve),
        cmocka_unit_test(test_scope_covers),
        cmocka_unit_test(test_user_add_rules),
        cmocka_unit_test(test_authenticate),
        cmocka_unit_test(test_actor_load_scopes),
        cmocka_unit_test(test_sessions),
        cmocka_unit_test(test_throttle_username),
        cmocka_unit_test(test_throttle_address_and_success),
        cmocka_unit_test(test_throttle_flood_keeps_lockout),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
