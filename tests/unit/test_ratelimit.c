/* Unit tests of the per-client token buckets (src/base/ratelimit.c): burst, refill rate, separate
 * clients, and a full table that reuses the fullest bucket rather than a limited client's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>

#include "base/ratelimit.h"

static int takes(pd_ratelimit *rl, const char *key, double now, int tries)
{
    int ok = 0;
    for (int i = 0; i < tries; i++)
        ok += pd_ratelimit_take(rl, key, now);
    return ok;
}

static void test_burst_then_refill(void **state)
{
    (void)state;
    pd_ratelimit *rl = pd_ratelimit_new(2.0, 5.0, 64);
    assert_int_equal(takes(rl, "a", 100.0, 10), 5); /* the burst */
    assert_int_equal(takes(rl, "a", 100.4, 10), 0); /* 0.8 of a token refilled */
    assert_int_equal(takes(rl, "a", 101.0, 10), 2); /* 2 a second since 100.0, less the 0 taken */
    assert_int_equal(takes(rl, "a", 1000.0, 10), 5); /* never above the burst */
    pd_ratelimit_free(rl);
}

static void test_clients_are_separate(void **state)
{
    (void)state;
    pd_ratelimit *rl = pd_ratelimit_new(1.0, 3.0, 64);
    assert_int_equal(takes(rl, "declare:10.0.0.1", 5.0, 10), 3);
    assert_int_equal(takes(rl, "declare:10.0.0.2", 5.0, 10), 3);
    assert_int_equal(takes(rl, "checkin:10.0.0.1", 5.0, 10), 3);
    pd_ratelimit_free(rl);
}

/* A flood of new clients into a tiny table must not free a limited client: the fullest buckets
 * (the new clients, each with one token spent) are reused first. */
static void test_full_table_keeps_limited_clients(void **state)
{
    (void)state;
    pd_ratelimit *rl = pd_ratelimit_new(0.001, 10.0, 16);
    assert_int_equal(takes(rl, "abuser", 0.0, 20), 10);
    char key[32];
    for (int i = 0; i < 1000; i++) {
        snprintf(key, sizeof key, "client-%d", i);
        assert_true(pd_ratelimit_take(rl, key, 1.0));
    }
    assert_false(pd_ratelimit_take(rl, "abuser", 1.0));
    pd_ratelimit_free(rl);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_burst_then_refill),
        cmocka_unit_test(test_clients_are_separate),
        cmocka_unit_test(test_full_table_keeps_limited_clients),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
