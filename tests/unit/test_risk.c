/* Unit tests of the pure risk-level rule (src/risk/level.c) on worked examples: each band edge of
 * criterion 1 (19.9 vs 20, 49.9 vs 50, 149.9 vs 150 per 100,000 per week), coverage just under and
 * at 70 % and 80 %, the elderly group switching from 65+ to 50+ on 1 November 2021, "may not be
 * lowered while criterion 3 is unmet", weeks under Decision 218, the reason in words; and that the
 * built-in rules equal the rows the migration seeds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "support.h"

#include <stdio.h>
#include <string.h>

#include "risk/risk.h"
#include "store/db.h"

/* Covered, capacity met, the given week's cases over the population. */
static pd_risk_result run(const char *date, int64_t cases, int64_t pop, double d1, double fe,
                          bool cap, int prev)
{
    pd_risk_rule rule;
    pd_err err;
    assert_int_equal(pd_risk_rule_builtin(date, &rule, &err), PD_OK);
    pd_risk_input in = {.cases = cases,
                        .cases_14d = -1,
                        .population = pop,
                        .dose1_18plus = d1,
                        .full_elderly = fe,
                        .full_all = 0.0,
                        .capacity_met = cap,
                        .capacity_known = true,
                        .previous = prev};
    pd_risk_result r;
    pd_risk_level(&rule, &in, &r);
    return r;
}

static int lvl(int64_t cases, int64_t pop)
{
    return run("2021-11-20", cases, pop, 0.9, 0.9, true, 0).level;
}

static void test_band_edges(void **state)
{
    (void)state;
    assert_int_equal(lvl(199, 1000000), 1);  /* 19.9 */
    assert_int_equal(lvl(20, 100000), 2);    /* 20 */
    assert_int_equal(lvl(499, 1000000), 2);  /* 49.9 */
    assert_int_equal(lvl(50, 100000), 3);    /* 50 */
    assert_int_equal(lvl(1499, 1000000), 3); /* 149.9 */
    assert_int_equal(lvl(150, 100000), 4);   /* 150 */
    assert_int_equal(lvl(3, 2000), 4);       /* 150 from a small commune: 3 * 100000 / 2000 */
    assert_int_equal(lvl(1, 5001), 1);       /* 19.996: never rounded up to 20 */
    assert_int_equal(lvl(1, 5000), 2);       /* exactly 20 */
}

static void test_coverage_edges(void **state)
{
    (void)state;
    /* 64 per 100,000: band 3. */
    assert_int_equal(run("2021-11-20", 64, 100000, 0.6999, 0.9, true, 0).level, 4);
    assert_int_equal(run("2021-11-20", 64, 100000, 0.70, 0.9, true, 0).level, 3);
    assert_int_equal(run("2021-11-20", 64, 100000, 0.9, 0.7999, true, 0).level, 4);
    assert_int_equal(run("2021-11-20", 64, 100000, 0.9, 0.80, true, 0).level, 3);
    /* Band 4 cannot go higher. */
    assert_int_equal(run("2021-11-20", 200, 100000, 0.1, 0.1, true, 0).level, 4);
    /* 7 of 10 adults: exactly 70 % computed by division. */
    assert_int_equal(run("2021-11-20", 64, 100000, 7.0 / 10.0, 0.8, true, 0).level, 3);
}

static void test_reason_words(void **state)
{
    (void)state;
    pd_risk_result r = run("2021-11-20", 64, 100000, 0.9, 0.9, true, 0);
    assert_string_equal(r.reason, "Cấp 3 vì 64 ca/100.000/tuần; độ bao phủ đạt");
    r = run("2021-11-20", 199, 1000000, 0.9, 0.9, true, 0);
    assert_non_null(strstr(r.reason, "19,9 ca/100.000/tuần"));
    r = run("2021-11-20", 0, 100000, 0.1, 0.1, false, 0);
    assert_int_equal(r.level, 1);
    assert_non_null(strstr(r.reason, "không có ca mắc mới tại cộng đồng trong 14 ngày"));
    r = run("2021-11-20", 64, 100000, 0.5, 0.9, true, 0);
    assert_string_equal(r.reason, "Cấp 4 vì 64 ca/100.000/tuần (mức 3); độ bao phủ chưa đạt "
                                  "(người từ 18 tuổi tiêm ít nhất 1 mũi 50% < 70%)");
}

static void test_elderly_switch(void **state)
{
    (void)state;
    pd_risk_rule oct, nov;
    pd_err err;
    assert_int_equal(pd_risk_rule_builtin("2021-10-31", &oct, &err), PD_OK);
    assert_int_equal(pd_risk_rule_builtin("2021-11-01", &nov, &err), PD_OK);
    assert_int_equal(oct.elderly_age, 65);
    assert_int_equal(nov.elderly_age, 50);
    assert_string_equal(oct.code, "4800-65");
    assert_string_equal(nov.code, "4800-50");
    pd_risk_result r = run("2021-10-31", 64, 100000, 0.9, 0.5, true, 0);
    assert_non_null(strstr(r.reason, "người từ 65 tuổi tiêm đủ liều 50% < 80%"));
    r = run("2021-11-01", 64, 100000, 0.9, 0.5, true, 0);
    assert_non_null(strstr(r.reason, "người từ 50 tuổi tiêm đủ liều 50% < 80%"));
    /* Before Decision 4800: no rule. */
    assert_int_equal(pd_risk_rule_builtin("2021-10-11", &oct, &err), PD_EINVAL);
    assert_string_equal(err.field, "date");
}

static void test_no_lower_without_capacity(void **state)
{
    (void)state;
    /* Band 2, covered: level 2; last week 4. */
    assert_int_equal(run("2021-11-20", 30, 100000, 0.9, 0.9, false, 4).level, 4);
    assert_int_equal(run("2021-11-20", 30, 100000, 0.9, 0.9, true, 4).level, 2);
    /* Raising is allowed without capacity. */
    assert_int_equal(run("2021-11-20", 200, 100000, 0.9, 0.9, false, 2).level, 4);
    pd_risk_result r = run("2021-11-20", 30, 100000, 0.9, 0.9, false, 3);
    assert_int_equal(r.level, 3);
    assert_non_null(strstr(r.reason, "Cấp 3 vì"));
    assert_non_null(strstr(r.reason, "năng lực điều trị chưa đạt"));
    /* A quiet commune is level 1 unless capacity is unmet after a higher week. */
    assert_int_equal(run("2021-11-20", 0, 100000, 0.9, 0.9, false, 3).level, 3);
    assert_int_equal(run("2021-11-20", 0, 100000, 0.9, 0.9, true, 3).level, 1);
}

static void test_decision_218(void **state)
{
    (void)state;
    pd_risk_rule rule;
    pd_err err;
    assert_int_equal(pd_risk_rule_builtin("2022-02-01", &rule, &err), PD_OK);
    assert_string_equal(rule.code, "218");
    pd_risk_input in = {.cases = 60,
                        .cases_14d = -1,
                        .population = 100000,
                        .dose1_18plus = 0.1, /* not used under 218 */
                        .full_elderly = 0.95,
                        .full_all = 0.80,
                        .capacity_met = true,
                        .capacity_known = true};
    pd_risk_result r;
    pd_risk_level(&rule, &in, &r);
    assert_int_equal(r.level, 2); /* transmission 3 + high capacity -> level 2 */
    in.full_all = 0.70;           /* below 75 %: transmission 4 */
    pd_risk_level(&rule, &in, &r);
    assert_int_equal(r.level, 3); /* 4 + high -> 3 */
    in.capacity_met = false;
    pd_risk_level(&rule, &in, &r);
    assert_int_equal(r.level, 4);
    assert_non_null(strstr(r.reason, "dân số tiêm đủ liều 70% < 75%"));
    in.full_all = 0.80;
    in.full_elderly = 0.8999;
    in.capacity_met = true;
    pd_risk_level(&rule, &in, &r);
    assert_int_equal(r.level, 3); /* elderly under 90 %: transmission 4 */
    in.cases = 30;
    in.full_elderly = 0.95;
    pd_risk_level(&rule, &in, &r);
    assert_int_equal(r.level, 1); /* 2 + high -> 1 */
}

/* The built-in copy equals the rows the migration seeds (thresholds and the whole matrix). */
static void test_builtin_equals_seeded(void **state)
{
    (void)state;
    char dir[256], path[300];
    assert_int_equal(pd_test_make_dir(dir, sizeof dir, "risk"), 0);
    snprintf(path, sizeof path, "%s/r.db", dir);
    pd_err err;
    sqlite3 *db = pd_db_open(path, &err);
    assert_non_null(db);
    const char *dates[] = {"2021-10-12", "2021-10-31", "2021-11-01",
                           "2022-01-26", "2022-01-27", "2023-06-01"};
    for (size_t i = 0; i < sizeof dates / sizeof *dates; i++) {
        pd_risk_rule a, b;
        assert_int_equal(pd_risk_rule_builtin(dates[i], &a, &err), PD_OK);
        assert_int_equal(pd_risk_rule_for(db, dates[i], "06", &b, &err), PD_OK);
        assert_string_equal(a.code, b.code);
        assert_int_equal(a.id, b.id);
        assert_true(a.band2_min == b.band2_min && a.band3_min == b.band3_min &&
                    a.band4_min == b.band4_min);
        assert_true(a.coverage_min == b.coverage_min && a.elderly_min == b.elderly_min);
        assert_int_equal(a.elderly_age, b.elderly_age);
        assert_string_equal(a.coverage_measure, b.coverage_measure);
        assert_memory_equal(a.matrix, b.matrix, sizeof a.matrix);
        assert_true(strstr(b.legal_basis, "Quyết định") != NULL);
    }
    pd_risk_rule r;
    assert_int_equal(pd_risk_rule_for(db, "2021-10-11", "06", &r, &err), PD_EINVAL);
    pd_db_close(db);
    pd_test_remove_dir(dir);
}

static void test_weeks(void **state)
{
    (void)state;
    char mon[12], sun[12], w[12];
    pd_err err;
    assert_int_equal(pd_risk_week_parse("2021-W46", mon, sun, &err), PD_OK);
    assert_string_equal(mon, "2021-11-15");
    assert_string_equal(sun, "2021-11-21");
    assert_int_equal(pd_risk_week_parse("2020-W53", mon, sun, &err), PD_OK);
    assert_string_equal(mon, "2020-12-28");
    assert_string_equal(sun, "2021-01-03");
    assert_int_equal(pd_risk_week_parse("2021-W53", mon, sun, &err), PD_EINVAL);
    assert_int_equal(pd_risk_week_parse("2021-46", mon, sun, &err), PD_EINVAL);
    assert_string_equal(err.field, "week");
    pd_risk_week_of("2021-01-03", w);
    assert_string_equal(w, "2020-W53");
    pd_risk_week_of("2021-11-01", w);
    assert_string_equal(w, "2021-W44");
    pd_risk_week_prev("2021-W01", w);
    assert_string_equal(w, "2020-W53");
    pd_risk_week_prev("2021-W46", w);
    assert_string_equal(w, "2021-W45");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_band_edges),
        cmocka_unit_test(test_coverage_edges),
        cmocka_unit_test(test_reason_words),
        cmocka_unit_test(test_elderly_switch),
        cmocka_unit_test(test_no_lower_without_capacity),
        cmocka_unit_test(test_decision_218),
        cmocka_unit_test(test_builtin_equals_seeded),
        cmocka_unit_test(test_weeks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
