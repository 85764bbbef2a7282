/* Unit tests of the SQLite store (src/store/db.c, migrations.c): migrating an empty file, idempotent
 * re-opening, connection settings (WAL, foreign keys, synchronous FULL), the expected schema, the
 * people_fts triggers, transactions, online backup, and refusal of a database from a newer build.
 * Facts are read back through a plain sqlite3 connection, not through the code under test. */
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

#include "base/err.h"
#include "store/db.h"
#include "units/units.h"

static char dir[256];

static void path_in_dir(const char *name, char *out, size_t cap)
{
    snprintf(out, cap, "%s/%s", dir, name);
}

static int group_setup(void **state)
{
    (void)state;
    return pd_test_make_dir(dir, sizeof dir, "pd_store");
}

static int group_teardown(void **state)
{
    (void)state;
    return pd_test_remove_dir(dir);
}

/* Runs a query returning one integer through a plain connection. */
static int64_t sql_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("prepare %s: %s", sql, sqlite3_errmsg(db));
    int64_t v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    return v;
}

static void sql_text(sqlite3 *db, const char *sql, char *out, size_t cap)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("prepare %s: %s", sql, sqlite3_errmsg(db));
    out[0] = '\0';
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        snprintf(out, cap, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
}

static sqlite3 *raw_open(const char *path)
{
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
        fail_msg("raw open %s", path);
    return db;
}

static void raw_exec(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        char copy[256];
        snprintf(copy, sizeof copy, "%s", msg ? msg : "?");
        sqlite3_free(msg);
        fail_msg("%s: %s", sql, copy);
    }
}

static sqlite3 *open_ok(const char *path)
{
    pd_err err;
    pd_err_clear(&err);
    sqlite3 *db = pd_db_open(path, &err);
    if (!db)
        fail_msg("pd_db_open %s: %s", path, err.message);
    return db;
}

static void test_migrate_empty_file(void **state)
{
    (void)state;
    char path[512];
    path_in_dir("empty.db", path, sizeof path);
    assert_true(pd_db_latest_version() >= 1);
    sqlite3 *db = open_ok(path);
    assert_int_equal(pd_db_schema_version(db), pd_db_latest_version());
    pd_db_close(db);

    /* Checked through a connection of our own. */
    sqlite3 *raw = raw_open(path);
    assert_int_equal(sql_int(raw, "PRAGMA user_version"), pd_db_latest_version());
    sqlite3_close(raw);
}

static void test_connection_settings(void **state)
{
    (void)state;
    char path[512], mode[32];
    path_in_dir("settings.db", path, sizeof path);
    sqlite3 *db = open_ok(path);
    sql_text(db, "PRAGMA journal_mode", mode, sizeof mode);
    assert_string_equal(mode, "wal");
    assert_int_equal(sql_int(db, "PRAGMA foreign_keys"), 1);
    assert_int_equal(sql_int(db, "PRAGMA synchronous"), 2); /* FULL */
    pd_db_close(db);

    /* WAL is persistent in the file: a plain connection sees it too. */
    sqlite3 *raw = raw_open(path);
    sql_text(raw, "PRAGMA journal_mode", mode, sizeof mode);
    assert_string_equal(mode, "wal");
    sqlite3_close(raw);

    /* pd_db_open_existing sets up the connection the same way. */
    pd_err err;
    db = pd_db_open_existing(path, &err);
    assert_non_null(db);
    assert_int_equal(sql_int(db, "PRAGMA foreign_keys"), 1);
    pd_db_close(db);
}

static void test_schema_objects(void **state)
{
    (void)state;
    char path[512];
    path_in_dir("schema.db", path, sizeof path);
    sqlite3 *db = open_ok(path);
    static const struct {
        const char *type, *name;
    } want[] = {
        {"table", "units"},          {"table", "households"},         {"table", "people"},
        {"table", "people_fts"},     {"table", "users"},              {"table", "sessions"},
        {"table", "audit_log"},      {"index", "units_parent"},       {"index", "units_folded"},
        {"index", "people_unit"},    {"index", "people_district"},    {"index", "people_province"},
        {"index", "people_id_number"}, {"index", "people_phone"},     {"index", "people_household"},
        {"index", "households_unit"}, {"index", "sessions_user"},     {"index", "audit_at"},
        {"trigger", "people_fts_ai"}, {"trigger", "people_fts_ad"},   {"trigger", "people_fts_au"},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        char sql[256];
        snprintf(sql, sizeof sql, "SELECT count(*) FROM sqlite_master WHERE type='%s' AND name='%s'",
                 want[i].type, want[i].name);
        if (sql_int(db, sql) != 1)
            fail_msg("missing %s %s", want[i].type, want[i].name);
    }
    /* Columns the rest of the code relies on. */
    static const char *const cols[] = {
        "SELECT id, full_name, name_folded, birth_date, sex, id_type, id_number, phone, nationality,"
        " unit_code, area_code, district_code, province_code, address, household_id, relation,"
        " occupation, note, created_at, updated_at, version FROM people",
        "SELECT code, name, type, parent_code, level, name_folded, province_code, district_code,"
        " commune_code, population, created_by, created_at FROM units",
        "SELECT id, at, user_id, username, action, entity, entity_id, unit_code, detail, ip"
        " FROM audit_log",
        "SELECT token_hash, user_id, csrf_token, created_at, expires_at FROM sessions",
        "SELECT id, username, role, unit_code, display_name, password_hash, disabled, created_at"
        " FROM users",
    };
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
        sqlite3_stmt *st = NULL;
        if (sqlite3_prepare_v2(db, cols[i], -1, &st, NULL) != SQLITE_OK)
            fail_msg("%s: %s", cols[i], sqlite3_errmsg(db));
        sqlite3_finalize(st);
    }
    pd_db_close(db);
}

static void test_reopen_is_idempotent(void **state)
{
    (void)state;
    char path[512];
    path_in_dir("reopen.db", path, sizeof path);
    sqlite3 *db = open_ok(path);
    raw_exec(db, "INSERT INTO units(code, name, type, level, name_folded, province_code)"
                 " VALUES ('99', 'Tỉnh Thử', 'Tỉnh', 1, 'tinh thu', '99')");
    int64_t objects = sql_int(db, "SELECT count(*) FROM sqlite_master");
    pd_db_close(db);

    for (int i = 0; i < 3; i++) {
        db = open_ok(path);
        assert_int_equal(pd_db_schema_version(db), pd_db_latest_version());
        assert_int_equal(sql_int(db, "SELECT count(*) FROM sqlite_master"), objects);
        assert_int_equal(sql_int(db, "SELECT count(*) FROM units"), 1);
        pd_err err;
        assert_int_equal(pd_db_migrate(db, &err), PD_OK); /* nothing left to run */
        pd_db_close(db);
    }
}

static void test_failed_migration_rolls_back(void **state)
{
    (void)state;
    /* A file at user_version 0 that already holds a table named like one of migration 1's:
     * the migration fails, and must leave neither half a schema nor a raised user_version. */
    char path[512];
    path_in_dir("clash.db", path, sizeof path);
    sqlite3 *raw = raw_open(path);
    raw_exec(raw, "CREATE TABLE users(x); INSERT INTO users VALUES (42);");
    sqlite3_close(raw);

    pd_err err;
    pd_err_clear(&err);
    assert_null(pd_db_open(path, &err));
    assert_int_equal(err.code, PD_EDB);
    assert_true(strlen(err.message) > 0);

    raw = raw_open(path);
    assert_int_equal(sql_int(raw, "PRAGMA user_version"), 0);
    assert_int_equal(sql_int(raw, "SELECT count(*) FROM sqlite_master WHERE name='units'"), 0);
    assert_int_equal(sql_int(raw, "SELECT x FROM users"), 42);
    sqlite3_close(raw);
}

static void test_open_existing(void **state)
{
    (void)state;
    char path[512];
    pd_err err;

    /* A missing file is an error and is not created. */
    path_in_dir("missing.db", path, sizeof path);
    pd_err_clear(&err);
    assert_null(pd_db_open_existing(path, &err));
    assert_int_equal(err.code, PD_EIO);
    assert_int_not_equal(access(path, F_OK), 0);

    /* An existing file at version 0 (empty) is migrated up. */
    path_in_dir("old.db", path, sizeof path);
    sqlite3 *raw = raw_open(path);
    raw_exec(raw, "CREATE TABLE keep(x)");
    sqlite3_close(raw);
    sqlite3 *db = pd_db_open_existing(path, &err);
    assert_non_null(db);
    assert_int_equal(pd_db_schema_version(db), pd_db_latest_version());
    pd_db_close(db);

    /* A database written by a newer build is refused, and left as it was. */
    path_in_dir("newer.db", path, sizeof path);
    db = open_ok(path);
    pd_db_close(db);
    raw = raw_open(path);
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA user_version=%d", pd_db_latest_version() + 1);
    raw_exec(raw, sql);
    sqlite3_close(raw);
    pd_err_clear(&err);
    assert_null(pd_db_open_existing(path, &err));
    assert_int_equal(err.code, PD_EDB);
    assert_string_equal(err.field, "db");
    assert_non_null(strstr(err.message, "mới hơn"));
    raw = raw_open(path);
    assert_int_equal(sql_int(raw, "PRAGMA user_version"), pd_db_latest_version() + 1);
    sqlite3_close(raw);
}

static void test_foreign_keys_enforced(void **state)
{
    (void)state;
    char path[512];
    path_in_dir("fk.db", path, sizeof path);
    sqlite3 *db = open_ok(path);
    pd_err err;
    pd_err_clear(&err);
    int rc = pd_db_exec(db,
                        "INSERT INTO people(full_name, name_folded, unit_code, district_code,"
                        " province_code, created_at, updated_at)"
                        " VALUES ('A', 'a', 'no-such-unit', 'x', 'y', 0, 0)",
                        &err);
    assert_int_equal(rc, PD_EDB);
    assert_int_equal(err.code, PD_EDB);
    assert_non_null(strstr(err.message, "FOREIGN KEY"));
    assert_int_equal(sql_int(db, "SELECT count(*) FROM people"), 0);
    pd_db_close(db);
}

static void test_transactions(void **state)
{
    (void)state;
    char path[512];
    path_in_dir("tx.db", path, sizeof path);
    sqlite3 *db = open_ok(path);
    pd_err err;
    const char *insert = "INSERT INTO units(code, name, type, level, name_folded, province_code)"
                         " VALUES ('98', 'Tỉnh Thử', 'Tỉnh', 1, 'tinh thu', '98')";
    assert_int_equal(pd_db_begin(db, &err), PD_OK);
    assert_int_equal(pd_db_exec(db, insert, &err), PD_OK);
    pd_db_rollback(db);
    assert_int_equal(sql_int(db, "SELECT count(*) FROM units"), 0);
    pd_db_rollback(db); /* harmless outside a transaction */

    assert_int_equal(pd_db_begin(db, &err), PD_OK);
    assert_int_equal(pd_db_exec(db, insert, &err), PD_OK);
    assert_int_equal(pd_db_commit(db, &err), PD_OK);
    assert_true(sqlite3_get_autocommit(db));

    /* Another connection sees the committed row. */
    sqlite3 *raw = raw_open(path);
    assert_int_equal(sql_int(raw, "SELECT count(*) FROM units"), 1);
    sqlite3_close(raw);

    /* Errors come back as PD_EDB with SQLite's message. */
    pd_err_clear(&err);
    assert_int_equal(pd_db_exec(db, "SELEC 1", &err), PD_EDB);
    assert_non_null(strstr(err.message, "syntax"));
    pd_err_clear(&err);
    assert_null(pd_db_prepare(db, "SELECT nope FROM units", &err));
    assert_int_equal(err.code, PD_EDB);
    pd_err_clear(&err);
    assert_int_equal(pd_db_commit(db, &err), PD_EDB); /* no transaction open */

    /* pd_bind_text_or_null / pd_col_text. */
    sqlite3_stmt *st = pd_db_prepare(db, "SELECT ?1 IS NULL, ?2 IS NULL, ?3, NULL", &err);
    assert_non_null(st);
    pd_bind_text_or_null(st, 1, "");
    pd_bind_text_or_null(st, 2, NULL);
    pd_bind_text_or_null(st, 3, "Hà Nội");
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 1);
    assert_int_equal(sqlite3_column_int(st, 1), 1);
    assert_string_equal(pd_col_text(st, 2), "Hà Nội");
    assert_string_equal(pd_col_text(st, 3), "");
    sqlite3_finalize(st);
    pd_db_close(db);
}

static void test_fts_triggers(void **state)
{
    (void)state;
    char path[512];
    path_in_dir("fts.db", path, sizeof path);
    sqlite3 *db = open_ok(path);
    raw_exec(db,
             "INSERT INTO units(code, name, type, level, name_folded, province_code) VALUES"
             " ('97', 'P', 'Tỉnh', 1, 'p', '97');"
             "INSERT INTO units(code, name, type, parent_code, level, name_folded, province_code,"
             " district_code) VALUES ('970', 'D', 'Huyện', '97', 2, 'd', '97', '970');"
             "INSERT INTO units(code, name, type, parent_code, level, name_folded, province_code,"
             " district_code, commune_code) VALUES"
             " ('97001', 'C1', 'Xã', '970', 3, 'c1', '97', '970', '97001'),"
             " ('97002', 'C2', 'Xã', '970', 3, 'c2', '97', '970', '97002');"
             "INSERT INTO people(id, full_name, name_folded, unit_code, district_code, province_code,"
             " created_at, updated_at) VALUES (7, 'Lò Văn Páo', 'lo van pao', '97001', '970', '97',"
             " 0, 0);");
    const char *q = "SELECT count(*) FROM people_fts WHERE people_fts MATCH ";
    char sql[256];
#define FTS_COUNT(m) (snprintf(sql, sizeof sql, "%s'%s'", q, m), sql_int(db, sql))
    assert_int_equal(FTS_COUNT("name : pao"), 1);
    assert_int_equal(FTS_COUNT("name : pa*"), 1);
    assert_int_equal(FTS_COUNT("scope : c97001"), 1);
    assert_int_equal(FTS_COUNT("scope : d970"), 1);
    assert_int_equal(FTS_COUNT("scope : p97"), 1);
    assert_int_equal(FTS_COUNT("scope : c97002"), 0);

    /* Renaming and moving replace the indexed name and scope. */
    raw_exec(db, "UPDATE people SET full_name='Lò Thị Mai', name_folded='lo thi mai',"
                 " unit_code='97002' WHERE id=7");
    assert_int_equal(FTS_COUNT("name : pao"), 0);
    assert_int_equal(FTS_COUNT("name : mai"), 1);
    assert_int_equal(FTS_COUNT("scope : c97001"), 0);
    assert_int_equal(FTS_COUNT("scope : c97002 AND name : lo"), 1);

    raw_exec(db, "DELETE FROM people WHERE id=7");
    assert_int_equal(FTS_COUNT("name : mai"), 0);
    assert_int_equal(FTS_COUNT("scope : c97002"), 0);
#undef FTS_COUNT
    pd_db_close(db);
}

static void test_backup(void **state)
{
    (void)state;
    char path[512], out[512];
    path_in_dir("live.db", path, sizeof path);
    path_in_dir("backup.db", out, sizeof out);
    sqlite3 *db = open_ok(path);
    pd_err err;
    int loaded = 0;
    assert_int_equal(pd_units_init(db, &loaded, &err), PD_OK);
    assert_true(loaded > 10000); /* enough pages for several backup steps */
    raw_exec(db, "INSERT INTO audit_log(at, username, action, entity, detail)"
                 " VALUES (1, 'cli', 'create', 'unit', 'Thôn Nà Làng')");
    const char *digest_sql =
        "SELECT count(*) || ':' || sum(length(code) * 7 + length(name) + level * 13"
        " + coalesce(population, 0) % 1000) || ':' || max(name) FROM units";
    char before[256], after[256];
    sql_text(db, digest_sql, before, sizeof before);

    assert_int_equal(pd_db_backup(db, out, &err), PD_OK);
    /* The live database is still usable after the copy. */
    raw_exec(db, "INSERT INTO audit_log(at, username, action, entity) VALUES (2, 'cli', 'x', 'y')");
    pd_db_close(db);

    sqlite3 *copy = pd_db_open_existing(out, &err);
    assert_non_null(copy);
    assert_int_equal(pd_db_schema_version(copy), pd_db_latest_version());
    sql_text(copy, digest_sql, after, sizeof after);
    assert_string_equal(after, before);
    assert_int_equal(sql_int(copy, "SELECT count(*) FROM units"), loaded);
    assert_int_equal(sql_int(copy, "SELECT count(*) FROM audit_log"), 1); /* taken before the 2nd */
    char check[64];
    sql_text(copy, "PRAGMA integrity_check", check, sizeof check);
    assert_string_equal(check, "ok");
    pd_db_close(copy);

    /* An unwritable destination is an I/O error. */
    path_in_dir("no-such-dir/backup.db", out, sizeof out);
    pd_err_clear(&err);
    db = open_ok(path);
    assert_int_equal(pd_db_backup(db, out, &err), PD_EIO);
    assert_int_equal(err.code, PD_EIO);
    pd_db_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_migrate_empty_file),
        cmocka_unit_test(test_connection_settings),
        cmocka_unit_test(test_schema_objects),
        cmocka_unit_test(test_reopen_is_idempotent),
        cmocka_unit_test(test_failed_migration_rolls_back),
        cmocka_unit_test(test_open_existing),
        cmocka_unit_test(test_foreign_keys_enforced),
        cmocka_unit_test(test_transactions),
        cmocka_unit_test(test_fts_triggers),
        cmocka_unit_test(test_backup),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
