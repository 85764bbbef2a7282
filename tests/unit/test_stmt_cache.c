/* Unit tests of the per-connection statement cache (pd_db_cached / pd_db_release in
 * src/store/db.c): the same SQL gets the same prepared statement back, reset and with its bindings
 * cleared; re-entrant use gets a fresh statement; a released statement holds no read transaction (a
 * checkpoint can complete); statements survive a schema change and eviction; closing the connection
 * finalizes them (the sanitizer build would report a leak otherwise); BEGIN/COMMIT go through the
 * cache. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "support.h"

#include <stdio.h>
#include <string.h>

#include "store/db.h"

static char dir[256];
static char path[512];
static sqlite3 *db;

static void exec_ok(sqlite3 *conn, const char *sql)
{
    pd_err err;
    if (pd_db_exec(conn, sql, &err) != PD_OK)
        fail_msg("%s: %s", sql, err.message);
}

static int group_setup(void **state)
{
    (void)state;
    if (pd_test_make_dir(dir, sizeof dir, "pd_stmt_cache") != 0)
        return -1;
    snprintf(path, sizeof path, "%s/cache.db", dir);
    pd_err err;
    db = pd_db_open(path, &err);
    if (!db)
        return -1;
    exec_ok(db, "PRAGMA synchronous=OFF; CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT);"
                "INSERT INTO t(v) VALUES ('a'), ('b'), ('c');");
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    pd_db_close(db);
    pd_test_remove_dir(dir);
    return 0;
}

static const char select_sql[] = "SELECT v FROM t WHERE id = ?";

static void test_reuse_after_release(void **state)
{
    (void)state;
    pd_err err;
    sqlite3_stmt *st = pd_db_cached(db, select_sql, &err);
    assert_non_null(st);
    sqlite3_bind_int(st, 1, 2);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "b");
    pd_db_release(st);
    assert_false(sqlite3_stmt_busy(st));

    /* The same text from another buffer: the same statement, bindings cleared. */
    char copy[sizeof select_sql];
    memcpy(copy, select_sql, sizeof copy);
    sqlite3_stmt *again = pd_db_cached(db, copy, &err);
    assert_ptr_equal(again, st);
    assert_int_equal(sqlite3_step(again), SQLITE_DONE); /* id = NULL matches nothing */
    pd_db_release(again);

    /* Different text, different statement. */
    sqlite3_stmt *other = pd_db_cached(db, "SELECT count(*) FROM t", &err);
    assert_ptr_not_equal(other, st);
    assert_int_equal(sqlite3_step(other), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(other, 0), 3);
    pd_db_release(other);
    pd_db_release(NULL); /* harmless */
}

static void test_reentrant_use(void **state)
{
    (void)state;
    pd_err err;
    sqlite3_stmt *outer = pd_db_cached(db, select_sql, &err);
    sqlite3_stmt *inner = pd_db_cached(db, select_sql, &err);
    assert_non_null(inner);
    assert_ptr_not_equal(inner, outer);
    sqlite3_bind_int(outer, 1, 1);
    sqlite3_bind_int(inner, 1, 3);
    assert_int_equal(sqlite3_step(outer), SQLITE_ROW);
    assert_int_equal(sqlite3_step(inner), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(outer, 0), "a");
    assert_string_equal((const char *)sqlite3_column_text(inner, 0), "c");
    pd_db_release(inner); /* finalized: not the cached one */
    pd_db_release(outer);
    assert_ptr_equal(pd_db_cached(db, select_sql, &err), outer);
    pd_db_release(outer);
}

static void test_bad_sql(void **state)
{
    (void)state;
    pd_err err;
    pd_err_clear(&err);
    assert_null(pd_db_cached(db, "SELECT nope FROM t", &err));
    assert_int_equal(err.code, PD_EDB);
    assert_non_null(strstr(err.message, "nope"));
}

static void test_release_ends_read_transaction(void **state)
{
    (void)state;
    pd_err err;
    sqlite3_stmt *st = pd_db_cached(db, "SELECT v FROM t ORDER BY id", &err);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW); /* a read transaction is open mid-scan */
    pd_db_release(st);

    sqlite3 *other = pd_db_open_existing(path, &err);
    assert_non_null(other);
    exec_ok(other, "INSERT INTO t(v) VALUES ('d')");
    sqlite3_stmt *cp = NULL;
    assert_int_equal(sqlite3_prepare_v2(other, "PRAGMA wal_checkpoint(TRUNCATE)", -1, &cp, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(cp), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(cp, 0), 0); /* not blocked by a reader */
    sqlite3_finalize(cp);
    pd_db_close(other);

    st = pd_db_cached(db, "SELECT count(*) FROM t", &err);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 4); /* sees the other connection's row */
    pd_db_release(st);
    exec_ok(db, "DELETE FROM t WHERE v = 'd'");
}

static void test_schema_change(void **state)
{
    (void)state;
    pd_err err;
    sqlite3_stmt *st = pd_db_cached(db, "SELECT * FROM t WHERE id = 1", &err);
    assert_int_equal(sqlite3_column_count(st), 2);
    pd_db_release(st);
    sqlite3 *other = pd_db_open_existing(path, &err);
    exec_ok(other, "ALTER TABLE t ADD COLUMN w TEXT DEFAULT 'x'");
    pd_db_close(other);
    st = pd_db_cached(db, "SELECT * FROM t WHERE id = 1", &err);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW); /* re-prepared by SQLite */
    assert_int_equal(sqlite3_column_count(st), 3);
    assert_string_equal((const char *)sqlite3_column_text(st, 2), "x");
    pd_db_release(st);
}

static void test_many_statements(void **state)
{
    (void)state;
    pd_err err;
    for (int round = 0; round < 2; round++) {
        for (int i = 0; i < 200; i++) {
            char sql[64];
            snprintf(sql, sizeof sql, "SELECT %d + count(*) FROM t", i);
            sqlite3_stmt *st = pd_db_cached(db, sql, &err);
            assert_non_null(st);
            assert_int_equal(sqlite3_step(st), SQLITE_ROW);
            assert_int_equal(sqlite3_column_int(st, 0), i + 3);
            pd_db_release(st);
        }
    }
    /* Held statements are never evicted from under their user. */
    sqlite3_stmt *held = pd_db_cached(db, select_sql, &err);
    for (int i = 0; i < 100; i++) {
        char sql[64];
        snprintf(sql, sizeof sql, "SELECT %d", i);
        pd_db_release(pd_db_cached(db, sql, &err));
    }
    sqlite3_bind_int(held, 1, 1);
    assert_int_equal(sqlite3_step(held), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(held, 0), "a");
    pd_db_release(held);
}

static void test_transactions_and_close(void **state)
{
    (void)state;
    pd_err err;
    sqlite3 *conn = pd_db_open_existing(path, &err);
    assert_non_null(conn);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(pd_db_begin(conn, &err), PD_OK);
        exec_ok(conn, "INSERT INTO t(v) VALUES ('tx')");
        assert_int_equal(pd_db_commit(conn, &err), PD_OK);
    }
    assert_int_equal(pd_db_begin(conn, &err), PD_OK);
    exec_ok(conn, "INSERT INTO t(v) VALUES ('rolled back')");
    pd_db_rollback(conn);
    /* A failing COMMIT (none open) reports the error and leaves the connection usable. */
    pd_err_clear(&err);
    assert_int_equal(pd_db_commit(conn, &err), PD_EDB);
    assert_int_equal(err.code, PD_EDB);
    sqlite3_stmt *st = pd_db_cached(conn, "SELECT count(*) FROM t WHERE v = 'tx'", &err);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 3);
    pd_db_release(st);
    st = pd_db_cached(conn, "SELECT count(*) FROM t WHERE v = 'rolled back'", &err);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 0);
    pd_db_release(st);
    pd_db_close(conn); /* finalizes its cache: nothing leaks, nothing dangles */

    /* A new connection (possibly at the same address) starts with an empty cache. */
    conn = pd_db_open_existing(path, &err);
    st = pd_db_cached(conn, "SELECT count(*) FROM t WHERE v = 'tx'", &err);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 3);
    pd_db_release(st);
    pd_db_close(conn);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reuse_after_release),
        cmocka_unit_test(test_reentrant_use),
        cmocka_unit_test(test_bad_sql),
        cmocka_unit_test(test_release_ends_read_transaction),
        cmocka_unit_test(test_schema_change),
        cmocka_unit_test(test_many_statements),
        cmocka_unit_test(test_transactions_and_close),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
