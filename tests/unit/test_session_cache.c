/* Unit tests of the server's session cache (src/auth/session_cache.c) as pd_session_lookup() uses
 * it: a cached session is served without the database, but never after its expiry, a logout drops
 * it at once for every thread, an account change made in-process drops it at once, one made behind
 * the server's back (SQL) is seen within PD_SESSION_RECHECK_MS, and a lookup racing a logout cannot
 * put the ended session back. With the cache off, every lookup reads the database. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "support.h"

#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/auth.h"
#include "auth/session_cache.h"
#include "store/db.h"

#define T0 1636939800 /* 2021-11-15 08:30 in Hanoi */

static char dir[256];
static char path[512];
static sqlite3 *db;
static int64_t uid;

static void set_now(int64_t t)
{
    char v[32];
    snprintf(v, sizeof v, "%lld", (long long)t);
    setenv("PHONGDICH_NOW", v, 1);
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static void exec_ok(const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        char copy[256];
        snprintf(copy, sizeof copy, "%s", msg ? msg : "?");
        sqlite3_free(msg);
        fail_msg("%s: %s", sql, copy);
    }
}

static void set_disabled(int disabled)
{
    char sql[128];
    snprintf(sql, sizeof sql, "UPDATE users SET disabled = %d WHERE id = %lld", disabled,
             (long long)uid);
    exec_ok(sql);
}

static int group_setup(void **state)
{
    (void)state;
    if (sodium_init() < 0)
        return -1;
    set_now(T0);
    if (pd_test_make_dir(dir, sizeof dir, "pd_session_cache") != 0)
        return -1;
    snprintf(path, sizeof path, "%s/sessions.db", dir);
    pd_err err;
    db = pd_db_open(path, &err);
    if (!db)
        return -1;
    sqlite3_exec(db, "PRAGMA synchronous=OFF", NULL, NULL, NULL);
    if (pd_user_add(db, "kiem.tra", "admin", NULL, "mat-khau-dai-1", "", &uid, &err) != PD_OK)
        return -1;
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    pd_session_cache_enable(false);
    pd_db_close(db);
    pd_test_remove_dir(dir);
    unsetenv("PHONGDICH_NOW");
    return 0;
}

static int setup(void **state)
{
    (void)state;
    set_now(T0);
    set_disabled(0);
    pd_session_cache_enable(true);
    return 0;
}

static int lookup(const char *token)
{
    pd_actor a;
    char csrf[65];
    pd_err err;
    return pd_session_lookup(db, token, &a, csrf, &err);
}

static void new_session(char token[65], char csrf[65])
{
    pd_err err;
    assert_int_equal(pd_session_create(db, uid, token, csrf, &err), PD_OK);
}

static void test_hit_serves_actor_and_csrf(void **state)
{
    (void)state;
    char token[65], csrf[65], got[65];
    new_session(token, csrf);
    pd_actor a, b;
    pd_err err;
    assert_int_equal(pd_session_lookup(db, token, &a, got, &err), PD_OK); /* from the database */
    assert_string_equal(got, csrf);
    memset(got, 0, sizeof got);
    assert_true(pd_session_cache_get(token, T0, &b, got)); /* now cached */
    assert_string_equal(got, csrf);
    assert_int_equal(b.user_id, uid);
    assert_string_equal(b.username, "kiem.tra");
    assert_int_equal(b.role, PD_ROLE_ADMIN);
    memset(&b, 0, sizeof b);
    assert_int_equal(pd_session_lookup(db, token, &b, got, &err), PD_OK);
    assert_int_equal(b.user_id, a.user_id);
    assert_string_equal(b.username, a.username);
    assert_int_equal(b.role, a.role);
    assert_int_equal(b.scope_level, a.scope_level);
    assert_string_equal(b.scope_code, a.scope_code);
    /* Another token is not served by this entry. */
    char other[65];
    memcpy(other, token, sizeof other);
    other[0] = other[0] == 'a' ? 'b' : 'a';
    assert_false(pd_session_cache_get(other, T0, &b, got));
    assert_int_equal(lookup(other), PD_ENOTFOUND);
}

static void test_expiry_is_exact(void **state)
{
    (void)state;
    char token[65], csrf[65];
    new_session(token, csrf);
    assert_int_equal(lookup(token), PD_OK);
    set_now(T0 + PD_SESSION_SECONDS - 1);
    assert_int_equal(lookup(token), PD_OK);
    set_now(T0 + PD_SESSION_SECONDS);
    pd_actor a;
    char got[65];
    assert_false(pd_session_cache_get(token, T0 + PD_SESSION_SECONDS, &a, got));
    assert_int_equal(lookup(token), PD_ENOTFOUND);
}

static void test_logout_drops_at_once(void **state)
{
    (void)state;
    char token[65], csrf[65], token2[65], csrf2[65];
    new_session(token, csrf);
    new_session(token2, csrf2);
    assert_int_equal(lookup(token), PD_OK);
    assert_int_equal(lookup(token2), PD_OK);
    pd_err err;
    assert_int_equal(pd_session_delete(db, token, &err), PD_OK);
    assert_int_equal(lookup(token), PD_ENOTFOUND);
    assert_int_equal(lookup(token2), PD_OK); /* only that session */
}

static void test_outside_change_seen_within_recheck(void **state)
{
    (void)state;
    char token[65], csrf[65];
    new_session(token, csrf);
    assert_int_equal(lookup(token), PD_OK);
    set_disabled(1);                        /* behind the cache's back, as another process would */
    assert_int_equal(lookup(token), PD_OK); /* still served from memory: the cache is in use */
    sleep_ms(PD_SESSION_RECHECK_MS + 50);
    assert_int_equal(lookup(token), PD_ENOTFOUND);
    set_disabled(0);
    assert_int_equal(lookup(token), PD_OK);
}

static void test_forget_user_drops_at_once(void **state)
{
    (void)state;
    char token[65], csrf[65];
    new_session(token, csrf);
    assert_int_equal(lookup(token), PD_OK);
    set_disabled(1);
    pd_session_cache_forget_user(uid);
    assert_int_equal(lookup(token), PD_ENOTFOUND);
}

static void test_put_after_drop_is_refused(void **state)
{
    (void)state;
    char token[65], csrf[65];
    new_session(token, csrf);
    pd_actor a = pd_actor_cli();
    /* A lookup reads the epoch and the row; a logout drops the session meanwhile. */
    uint64_t epoch = pd_session_cache_epoch();
    pd_session_cache_forget(token);
    pd_session_cache_put(token, &a, csrf, T0 + 100, epoch);
    char got[65];
    assert_false(pd_session_cache_get(token, T0, &a, got));
    /* Without a drop in between, the same put is kept. */
    epoch = pd_session_cache_epoch();
    pd_session_cache_put(token, &a, csrf, T0 + 100, epoch);
    assert_true(pd_session_cache_get(token, T0, &a, got));
    assert_false(pd_session_cache_get(token, T0 + 100, &a, got)); /* expired */
}

static void test_disabled_cache_reads_database(void **state)
{
    (void)state;
    pd_session_cache_enable(false);
    char token[65], csrf[65];
    new_session(token, csrf);
    assert_int_equal(lookup(token), PD_OK);
    pd_actor a;
    char got[65];
    assert_false(pd_session_cache_get(token, T0, &a, got));
    set_disabled(1);
    assert_int_equal(lookup(token), PD_ENOTFOUND); /* at once */
}

/* Worker threads, each with its own connection as in the server, look a session up in a loop while
 * the main thread logs it out: no lookup that starts after the logout returned may succeed. */
typedef struct worker {
    pthread_t thread;
    const char *token;
    atomic_int *logged_out;
    atomic_int *stop;
    int after_ok, after_total, before_ok;
} worker;

static void *worker_main(void *arg)
{
    worker *w = arg;
    pd_err err;
    sqlite3 *conn = pd_db_open_existing(path, &err);
    if (!conn)
        return NULL;
    while (!atomic_load(w->stop)) {
        int out = atomic_load(w->logged_out);
        pd_actor a;
        char csrf[65];
        int rc = pd_session_lookup(conn, w->token, &a, csrf, &err);
        if (out) {
            w->after_total++;
            w->after_ok += rc == PD_OK;
        } else {
            w->before_ok += rc == PD_OK;
        }
    }
    pd_db_close(conn);
    return NULL;
}

static void test_logout_on_every_thread(void **state)
{
    (void)state;
    char token[65], csrf[65];
    new_session(token, csrf);
    atomic_int logged_out = 0, stop = 0;
    worker w[4];
    for (int i = 0; i < 4; i++) {
        w[i] = (worker){.token = token, .logged_out = &logged_out, .stop = &stop};
        assert_int_equal(pthread_create(&w[i].thread, NULL, worker_main, &w[i]), 0);
    }
    sleep_ms(200);
    pd_err err;
    assert_int_equal(pd_session_delete(db, token, &err), PD_OK);
    atomic_store(&logged_out, 1);
    sleep_ms(200);
    atomic_store(&stop, 1);
    int before = 0, after = 0, after_ok = 0;
    for (int i = 0; i < 4; i++) {
        pthread_join(w[i].thread, NULL);
        before += w[i].before_ok;
        after += w[i].after_total;
        after_ok += w[i].after_ok;
    }
    assert_true(before > 0);
    assert_true(after > 0);
    assert_int_equal(after_ok, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_hit_serves_actor_and_csrf, setup),
        cmocka_unit_test_setup(test_expiry_is_exact, setup),
        cmocka_unit_test_setup(test_logout_drops_at_once, setup),
        cmocka_unit_test_setup(test_outside_change_seen_within_recheck, setup),
        cmocka_unit_test_setup(test_forget_user_drops_at_once, setup),
        cmocka_unit_test_setup(test_put_after_drop_is_refused, setup),
        cmocka_unit_test_setup(test_disabled_cache_reads_database, setup),
        cmocka_unit_test_setup(test_logout_on_every_thread, setup),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
