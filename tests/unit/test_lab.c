/* Unit tests of testing (src/lab/): the Dorfman pool-size advisor against published optima and an
 * independent binomial computation, the case definitions by date, taking samples and entering
 * results (scope, checks), pools (negative pools clear members, positive pools block them and
 * raise re-tests, the size limit), F0 proposals and the basis each date allows, confirming and
 * dismissing, the all-or-nothing import of a lab's file, and screening campaigns' coverage. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/auth.h"
#include "cases/cases.h"
#include "lab/lab.h"
#include "store/db.h"
#include "units/units.h"

#include <xlsxwriter.h>

#define T0 1636939800 /* 2021-11-15 08:30 in Hanoi: "now" */
#define T1 1641785400 /* 2022-01-10 10:30 in Hanoi: after Dispatch 11042/BYT-DP */

static char dir[256];
static sqlite3 *db;
static pd_actor admin, commune_a, commune_b, team;

static pd_actor actor_at(pd_role role, pd_scope_level level, const char *code)
{
    pd_actor a;
    memset(&a, 0, sizeof a);
    a.role = role;
    a.scope_level = level;
    snprintf(a.scope_code, sizeof a.scope_code, "%s", code);
    snprintf(a.username, sizeof a.username, "%s.%s", pd_role_name(role), code);
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

static void sql_exec(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void sql_exec(const char *fmt, ...)
{
    char sql[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof sql, fmt, ap);
    va_end(ap);
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s: %s", sql, msg);
}

static int64_t add_person(const char *name, const char *unit)
{
    sql_exec("INSERT INTO people(full_name, name_folded, unit_code, district_code, province_code,"
             " address, created_at, updated_at) SELECT '%s', '%s', code, district_code,"
             " province_code, 'Số 1', 1, 1 FROM units WHERE code = '%s'",
             name, name, unit);
    return sqlite3_last_insert_rowid(db);
}

static void set_now(int64_t t)
{
    char v[32];
    snprintf(v, sizeof v, "%lld", (long long)t);
    setenv("PHONGDICH_NOW", v, 1);
}

static int setup(void **state)
{
    (void)state;
    set_now(T0);
    if (pd_test_make_dir(dir, sizeof dir, "pd_lab") != 0)
        return -1;
    char path[512];
    snprintf(path, sizeof path, "%s/lab.db", dir);
    pd_err err;
    db = pd_db_open(path, &err);
    int loaded;
    if (!db || pd_units_init(db, &loaded, &err) != PD_OK)
        return -1;
    sqlite3_exec(db, "PRAGMA synchronous=OFF", NULL, NULL, NULL);
    admin = pd_actor_cli();
    commune_a = actor_at(PD_ROLE_COMMUNE, PD_SCOPE_COMMUNE, "01834");
    commune_b = actor_at(PD_ROLE_COMMUNE, PD_SCOPE_COMMUNE, "01837");
    team = actor_at(PD_ROLE_TEAM, PD_SCOPE_COMMUNE, "01834");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    pd_db_close(db);
    pd_test_remove_dir(dir);
    unsetenv("PHONGDICH_NOW");
    return 0;
}

static int64_t take(const pd_actor *a, int64_t person, const char *kind, const char *reason,
                    const char *day)
{
    pd_sample s;
    memset(&s, 0, sizeof s);
    s.person_id = person;
    snprintf(s.kind, sizeof s.kind, "%s", kind);
    snprintf(s.reason, sizeof s.reason, "%s", reason);
    snprintf(s.sampled_on, sizeof s.sampled_on, "%s", day ? day : "");
    pd_field_errors errs;
    pd_err err;
    if (pd_sample_take(db, a, &s, &errs, &err) != PD_OK)
        fail_msg("take: %s (%s)", err.message, err.field);
    return s.id;
}

static const char *result_of(int64_t sample)
{
    static char r[16];
    sqlite3_stmt *st = NULL;
    sqlite3_prepare_v2(db, "SELECT result FROM samples WHERE id = ?", -1, &st, NULL);
    sqlite3_bind_int64(st, 1, sample);
    r[0] = '\0';
    if (sqlite3_step(st) == SQLITE_ROW)
        snprintf(r, sizeof r, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return r;
}

/* ---- Dorfman ---- */

/* Independent oracle: the probability that a pool of k is positive as a binomial sum, and the
 * expected tests per person 1/k + that probability. */
static double binomial_e(int k, double p)
{
    if (k == 1)
        return 1.0;
    double positive = 0.0, choose = 1.0;
    for (int j = 1; j <= k; j++) {
        choose = choose * (k - j + 1) / j;
        double term = choose;
        for (int i = 0; i < j; i++)
            term *= p;
        for (int i = 0; i < k - j; i++)
            term *= 1.0 - p;
        positive += term;
    }
    return 1.0 / k + positive;
}

static int brute_force_k(double p, int max)
{
    int best = 1;
    for (int k = 2; k <= max; k++)
        if (binomial_e(k, p) < binomial_e(best, p) - 1e-12)
            best = k;
    return best;
}

static void test_dorfman_published_optima(void **state)
{
    (void)state;
    /* Dorfman (1943) / standard tables: prevalence, optimal pool, tests per person. */
    static const struct {
        double p;
        int k;
        double e;
    } table[] = {{0.01, 11, 0.1956}, {0.02, 8, 0.2742}, {0.05, 5, 0.4262}, {0.10, 4, 0.5939}};
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        double e = 0;
        int k = pd_lab_pool_advise(table[i].p, 20, &e);
        assert_int_equal(k, table[i].k);
        assert_int_equal(k, brute_force_k(table[i].p, 20));
        assert_true(e > table[i].e - 0.00006 && e < table[i].e + 0.00006);
        assert_true(e - binomial_e(k, table[i].p) < 1e-9 && binomial_e(k, table[i].p) - e < 1e-9);
    }
    /* Capped to the configured maximum (default 10): p = 1 % would want 11. */
    double e = 0;
    assert_int_equal(pd_lab_pool_advise(0.01, 10, &e), 10);
    assert_true(e - binomial_e(10, 0.01) < 1e-9 && binomial_e(10, 0.01) - e < 1e-9);
    /* Pooling stops paying at p = 1 - 3^(-1/3) ~ 0.3066: k = 3 still saves at 0.30, not at 0.31. */
    assert_int_equal(pd_lab_pool_advise(0.30, 20, &e), brute_force_k(0.30, 20));
    assert_int_equal(pd_lab_pool_advise(0.31, 20, &e), 1);
    assert_true(e == 1.0);
    assert_int_equal(pd_lab_pool_advise(0.5, 20, &e), 1);
}

static void test_pool_max_setting(void **state)
{
    (void)state;
    pd_err err;
    assert_int_equal(pd_lab_pool_max(db), 10);
    assert_int_equal(pd_lab_set_pool_max(db, &admin, 21, &err), PD_EINVAL);
    assert_string_equal(err.field, "pool_max");
    assert_int_equal(pd_lab_set_pool_max(db, &commune_a, 12, &err), PD_EDENIED);
    assert_int_equal(pd_lab_set_pool_max(db, &admin, 20, &err), PD_OK);
    assert_int_equal(pd_lab_pool_max(db), 20);
    assert_int_equal(pd_lab_set_pool_max(db, &admin, 10, &err), PD_OK);
}

static void test_definitions_by_date(void **state)
{
    (void)state;
    const pd_lab_definition *before = pd_lab_definition_for("2021-12-28");
    const pd_lab_definition *after = pd_lab_definition_for("2021-12-29");
    assert_false(before->antigen_link);
    assert_false(before->antigen_twice);
    assert_true(before->antigen_f1);
    assert_true(after->antigen_link && after->antigen_twice && after->antigen_f1);
    assert_non_null(strstr(after->basis, "11042"));
}

/* ---- samples ---- */

static int count(const pd_sample *x, void *ctx)
{
    (void)x;
    (*(int *)ctx)++;
    return 0;
}

static void test_take_and_result(void **state)
{
    (void)state;
    int64_t p = add_person("Tran Van Mau", "01834");
    pd_sample s;
    memset(&s, 0, sizeof s);
    s.person_id = p;
    snprintf(s.kind, sizeof s.kind, "elisa");
    snprintf(s.reason, sizeof s.reason, "screening");
    snprintf(s.sampled_on, sizeof s.sampled_on, "16/11/2021");
    pd_field_errors errs;
    pd_err err;
    assert_int_equal(pd_sample_take(db, &admin, &s, &errs, &err), PD_EINVAL);
    assert_int_equal(errs.count, 2);
    assert_string_equal(errs.items[0].field, "kind");
    assert_string_equal(errs.items[1].field, "sampled_on"); /* tomorrow */
    /* Another commune's person: not found, like a missing one. */
    snprintf(s.kind, sizeof s.kind, "pcr");
    snprintf(s.sampled_on, sizeof s.sampled_on, "14/11/2021");
    assert_int_equal(pd_sample_take(db, &commune_b, &s, &errs, &err), PD_ENOTFOUND);
    assert_int_equal(pd_sample_take(db, &team, &s, &errs, &err), PD_EDENIED);
    assert_int_equal(pd_sample_take(db, &commune_a, &s, &errs, &err), PD_OK);
    assert_string_equal(s.sampled_on, "2021-11-14");
    assert_string_equal(s.unit_code, "01834");
    char label[40];
    snprintf(label, sizeof label, "S%07lld", (long long)s.id);
    assert_string_equal(s.label, label);
    assert_int_equal(sql_int("SELECT count(*) FROM audit_log WHERE entity = 'sample' AND"
                             " entity_id = %lld",
                             (long long)s.id),
                     1);
    assert_int_equal(pd_sample_result(db, &commune_b, s.id, "negative", 0, &err), PD_ENOTFOUND);
    assert_int_equal(pd_sample_result(db, &commune_a, s.id, "maybe", 0, &err), PD_EINVAL);
    assert_string_equal(err.field, "result");
    assert_int_equal(pd_sample_result(db, &commune_a, s.id, "negative", 0, &err), PD_OK);
    assert_string_equal(result_of(s.id), "negative");
    assert_int_equal(pd_sample_result(db, &commune_a, s.id, "negative", 0, &err), PD_OK);
    assert_int_equal(pd_sample_result(db, &commune_a, s.id, "positive", 0, &err), PD_ECONFLICT);
    /* Lists: commune B sees nothing of commune A. */
    pd_samples_query q;
    memset(&q, 0, sizeof q);
    q.person_id = p;
    int n = 0;
    bool more;
    assert_int_equal(pd_samples_list(db, &commune_b, &q, count, &n, &more, &err), PD_OK);
    assert_int_equal(n, 0);
    assert_int_equal(pd_samples_list(db, &commune_a, &q, count, &n, &more, &err), PD_OK);
    assert_int_equal(n, 1);
}

static void test_quarantine_test_day(void **state)
{
    (void)state;
    int64_t p = add_person("Le Thi Cach Ly", "01834");
    sql_exec("INSERT INTO quarantine_orders(person_id, reason, rule, start_date, quarantine_days,"
             " place, monitoring_days, test_days, unit_code, district_code, province_code,"
             " created_at) VALUES (%lld, 'f1', '5599/BYT-MT', '2021-11-10', 14, 'home', 14,"
             " '[1,7,14]', '01834', '058', '06', 1)",
             (long long)p);
    int64_t order = sqlite3_last_insert_rowid(db);
    pd_sample s;
    memset(&s, 0, sizeof s);
    s.person_id = p;
    snprintf(s.kind, sizeof s.kind, "pcr");
    snprintf(s.reason, sizeof s.reason, "f1_schedule");
    s.quarantine_order_id = order;
    s.test_day = 29;
    pd_field_errors errs;
    pd_err err;
    assert_int_equal(pd_sample_take(db, &admin, &s, &errs, &err), PD_EINVAL);
    assert_string_equal(err.field, "test_day");
    s.test_day = 7;
    assert_int_equal(pd_sample_take(db, &admin, &s, &errs, &err), PD_OK);
    assert_int_equal(sql_int("SELECT test_day FROM samples WHERE id = %lld AND"
                             " quarantine_order_id = %lld",
                             (long long)s.id, (long long)order),
                     7);
    /* Pooled and positive: the individual re-test carries the same order and day. */
    pd_pool pool;
    assert_int_equal(pd_pool_create(db, &admin, &s.id, 1, &pool, &err), PD_OK);
    assert_int_equal(pd_pool_result(db, &admin, pool.id, "positive", 0, &err), PD_OK);
    pd_sample re;
    memset(&re, 0, sizeof re);
    re.person_id = p;
    snprintf(re.kind, sizeof re.kind, "pcr");
    re.retest_id = sql_int("SELECT id FROM lab_retests WHERE pool_id = %lld", (long long)pool.id);
    assert_int_equal(pd_sample_take(db, &admin, &re, &errs, &err), PD_OK);
    assert_int_equal(re.quarantine_order_id, order);
    assert_int_equal(re.test_day, 7);
    /* A sampling time on another day than the sample's. */
    pd_sample t;
    memset(&t, 0, sizeof t);
    t.person_id = p;
    snprintf(t.kind, sizeof t.kind, "antigen");
    snprintf(t.reason, sizeof t.reason, "other");
    snprintf(t.sampled_on, sizeof t.sampled_on, "2021-11-14");
    t.sampled_at = T0;
    assert_int_equal(pd_sample_take(db, &admin, &t, &errs, &err), PD_EINVAL);
    assert_string_equal(err.field, "sampled_at");
}

/* ---- pools ---- */

static void test_pools(void **state)
{
    (void)state;
    int64_t ids[12], people[12];
    for (int i = 0; i < 12; i++) {
        char name[32];
        snprintf(name, sizeof name, "Nguoi Gop %d", i);
        people[i] = add_person(name, "01834");
        ids[i] = take(&admin, people[i], "pcr", "screening", NULL);
    }
    pd_pool neg, pos;
    pd_err err;
    assert_int_equal(pd_pool_create(db, &admin, ids, 11, &neg, &err), PD_EINVAL); /* > 10 */
    assert_string_equal(err.field, "sample_ids");
    assert_int_equal(pd_pool_create(db, &commune_b, ids, 5, &neg, &err), PD_ENOTFOUND);
    assert_int_equal(pd_pool_create(db, &commune_a, ids, 5, &neg, &err), PD_OK);
    assert_int_equal(pd_pool_create(db, &admin, ids + 4, 3, &pos, &err), PD_EINVAL); /* pooled */
    assert_int_equal(pd_pool_create(db, &admin, ids + 5, 5, &pos, &err), PD_OK);
    assert_int_equal(pd_pool_result(db, &commune_a, neg.id, "negative", 0, &err), PD_OK);
    for (int i = 0; i < 5; i++)
        assert_string_equal(result_of(ids[i]), "negative");
    assert_int_equal(pd_pool_result(db, &commune_a, pos.id, "positive", 0, &err), PD_OK);
    for (int i = 5; i < 10; i++)
        assert_string_equal(result_of(ids[i]), "pending");
    assert_int_equal(sql_int("SELECT count(*) FROM samples WHERE pool_id = %lld AND"
                             " pool_blocked = 1",
                             (long long)pos.id),
                     5);
    assert_int_equal(sql_int("SELECT count(*) FROM lab_retests WHERE pool_id = %lld AND"
                             " sample_id IS NULL",
                             (long long)pos.id),
                     5);
    /* A member's negative cannot be inferred from a positive pool, nor entered for its sample. */
    assert_int_equal(pd_sample_result(db, &admin, ids[5], "negative", 0, &err), PD_EINVAL);
    assert_string_equal(err.field, "result");
    /* The re-test: a new sample with reason retest closes the task. */
    int64_t task = sql_int("SELECT id FROM lab_retests WHERE pool_id = %lld ORDER BY id LIMIT 1",
                           (long long)pos.id);
    pd_sample s;
    memset(&s, 0, sizeof s);
    s.person_id = people[6]; /* not the task's person */
    snprintf(s.kind, sizeof s.kind, "pcr");
    s.retest_id = task;
    pd_field_errors errs;
    assert_int_equal(pd_sample_take(db, &admin, &s, &errs, &err), PD_EINVAL);
    assert_string_equal(err.field, "retest_id");
    s.person_id = people[5];
    assert_int_equal(pd_sample_take(db, &admin, &s, &errs, &err), PD_OK);
    assert_string_equal(s.reason, "retest");
    assert_int_equal(sql_int("SELECT sample_id FROM lab_retests WHERE id = %lld", (long long)task),
                     s.id);
    /* Pools for a list of people, 3 to a pool. */
    int64_t pools[8];
    int npools = 0;
    assert_int_equal(
        pd_pool_create_for(db, &admin, people, 7, 3, "screening", 0, pools, 8, &npools, &err),
        PD_OK);
    assert_int_equal(npools, 3);
    assert_int_equal(sql_int("SELECT count(*) FROM lab_pools WHERE id IN (%lld,%lld) AND size = 3",
                             (long long)pools[0], (long long)pools[1]),
                     2);
    assert_int_equal(sql_int("SELECT size FROM lab_pools WHERE id = %lld", (long long)pools[2]), 1);
    assert_int_equal(sql_int("SELECT count(*) FROM samples WHERE pool_id IN (%lld,%lld,%lld)",
                             (long long)pools[0], (long long)pools[1], (long long)pools[2]),
                     7);
    assert_int_equal(
        pd_pool_create_for(db, &admin, people, 7, 11, "screening", 0, pools, 8, &npools, &err),
        PD_EINVAL);
}

/* ---- proposals ---- */

typedef struct found {
    int64_t sample;
    pd_lab_proposal p;
    int n;
} found;

static int find_proposal(const pd_lab_proposal *p, void *ctx)
{
    found *f = ctx;
    if (p->sample.id == f->sample) {
        f->p = *p;
        f->n++;
    }
    return 0;
}

static found proposal_of(const pd_actor *a, int64_t sample)
{
    found f;
    memset(&f, 0, sizeof f);
    f.sample = sample;
    pd_err err;
    if (pd_lab_proposals(db, a, NULL, 0, find_proposal, &f, &err) != PD_OK)
        fail_msg("proposals: %s", err.message);
    return f;
}

static void test_proposals_before_11042(void **state)
{
    (void)state;
    pd_err err;
    int64_t pcr_person = add_person("Duong Tinh PCR", "01834");
    int64_t ag_person = add_person("Test Nhanh Khong F1", "01834");
    int64_t f1_person = add_person("Test Nhanh F1", "01834");
    int64_t pcr = take(&admin, pcr_person, "pcr", "symptoms", "2021-11-14");
    int64_t ag = take(&admin, ag_person, "antigen", "symptoms", "2021-11-14");
    int64_t f1 = take(&admin, f1_person, "antigen", "f1_schedule", "2021-11-14");
    /* The F1: a manual contact of a case. */
    int64_t src = add_person("Ca Nguon", "01834");
    sql_exec("INSERT INTO cases(person_id, confirmed_at, sample_date, found_in, basis, status_at,"
             " infectious_until, unit_code, district_code, province_code, created_at) VALUES"
             " (%lld, %d, '2021-11-12', 'community', 'pcr', %d, %d, '01834', '058', '06', %d)",
             (long long)src, T0 - 86400 * 3, T0 - 86400 * 3, T0, T0 - 86400 * 3);
    sql_exec("INSERT INTO case_contacts(case_id, person_id, kind, contact_at, created_at) VALUES"
             " (%lld, %lld, 'manual', %d, %d)",
             (long long)sqlite3_last_insert_rowid(db), (long long)f1_person, T0 - 86400 * 4,
             T0 - 86400 * 2);
    for (int64_t id = pcr; id <= f1; id++)
        assert_int_equal(pd_sample_result(db, &admin, id, "positive", 0, &err), PD_OK);
    found a = proposal_of(&commune_a, pcr), b = proposal_of(&commune_a, ag),
          c = proposal_of(&commune_a, f1);
    assert_int_equal(a.n, 1);
    assert_string_equal(a.p.basis, "pcr");
    assert_int_equal(b.n, 1);
    assert_string_equal(b.p.basis, "");
    assert_string_equal(b.p.needs, "pcr");
    assert_int_equal(c.n, 1);
    assert_true(c.p.is_f1);
    assert_string_equal(c.p.basis, "antigen_f1");
    assert_int_equal(proposal_of(&commune_b, pcr).n, 0);
    /* Confirming the antigen of a non-F1 is refused; the PCR goes through cases.h. */
    pd_case out;
    pd_field_errors errs;
    assert_int_equal(pd_lab_proposal_confirm(db, &admin, ag, NULL, NULL, NULL, &out, &errs, &err),
                     PD_EINVAL);
    assert_string_equal(err.field, "basis");
    assert_int_equal(pd_lab_proposal_confirm(db, &team, pcr, NULL, NULL, NULL, &out, &errs, &err),
                     PD_EDENIED);
    assert_int_equal(
        pd_lab_proposal_confirm(db, &commune_a, pcr, NULL, NULL, NULL, &out, &errs, &err), PD_OK);
    assert_true(out.id > 0);
    assert_int_equal(sql_int("SELECT count(*) FROM cases WHERE id = %lld AND person_id = %lld AND"
                             " basis = 'pcr' AND sample_date = '2021-11-14' AND status = 'active'",
                             (long long)out.id, (long long)pcr_person),
                     1);
    assert_int_equal(sql_int("SELECT case_id FROM samples WHERE id = %lld", (long long)pcr),
                     out.id);
    assert_int_equal(proposal_of(&admin, pcr).n, 0);
    /* Dismissing needs a reason. */
    assert_int_equal(pd_lab_proposal_dismiss(db, &admin, ag, "  ", &err), PD_EINVAL);
    assert_string_equal(err.field, "note");
    assert_int_equal(pd_lab_proposal_dismiss(db, &admin, ag, "Chờ RT-PCR khẳng định", &err), PD_OK);
    assert_int_equal(proposal_of(&admin, ag).n, 0);
    assert_int_equal(pd_lab_proposal_dismiss(db, &admin, ag, "again", &err), PD_ECONFLICT);
}

static void test_proposals_after_11042(void **state)
{
    (void)state;
    set_now(T1);
    pd_err err;
    int64_t linked = add_person("Co Yeu To Dich Te", "01834");
    int64_t lone = add_person("Khong Yeu To", "01834");
    /* A declaration with a declared exposure (bit) the week before. */
    sql_exec("INSERT INTO declarations(person_id, kind, via, declared_at, unit_code,"
             " district_code, province_code, symptoms, exposures) VALUES (%lld, 'full', 'self',"
             " %d, '01834', '058', '06', 1, 1)",
             (long long)linked, T1 - 86400 * 3);
    int64_t a = take(&admin, linked, "antigen", "screening", "2022-01-10");
    int64_t b = take(&admin, lone, "antigen", "screening", "2022-01-10");
    assert_int_equal(pd_sample_result(db, &admin, a, "positive", 0, &err), PD_OK);
    assert_int_equal(pd_sample_result(db, &admin, b, "positive", 0, &err), PD_OK);
    found fa = proposal_of(&admin, a), fb = proposal_of(&admin, b);
    assert_string_equal(fa.p.basis, "antigen_link");
    assert_non_null(strstr(fa.p.definition->basis, "11042"));
    assert_string_equal(fb.p.basis, "");
    assert_string_equal(fb.p.needs, "pcr");
    set_now(T0);
}

/* ---- import ---- */

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_import_all_or_nothing(void **state)
{
    (void)state;
    int64_t p1 = add_person("Nhap Mot", "01834"), p2 = add_person("Nhap Hai", "01834");
    int64_t other = add_person("Xa Khac", "01837");
    int64_t s1 = take(&admin, p1, "pcr", "screening", NULL);
    int64_t s2 = take(&admin, p2, "pcr", "screening", NULL);
    int64_t s3 = take(&admin, other, "pcr", "screening", NULL);
    char path[600], text[1024];
    snprintf(path, sizeof path, "%s/ketqua.csv", dir);
    snprintf(text, sizeof text,
             "Mã mẫu,Kết quả,Ngày trả kết quả\n"
             "S%07lld,Âm tính,15/11/2021\n"
             "S%07lld,Có thể,15/11/2021\n"
             "S%07lld,Dương tính,15/11/2021\n",
             (long long)s1, (long long)s2, (long long)s3);
    write_file(path, text);
    pd_lab_import_report r;
    pd_err err;
    assert_int_equal(pd_lab_import(db, &commune_a, path, NULL, &r, &err), PD_EINVAL);
    assert_int_equal(r.error_count, 2);
    assert_int_equal(r.errors[0].line, 3);
    assert_string_equal(r.errors[0].field, "result");
    assert_int_equal(r.errors[1].line, 4); /* another commune's sample: not found */
    assert_string_equal(r.errors[1].field, "label");
    pd_lab_import_report_free(&r);
    assert_string_equal(result_of(s1), "pending"); /* nothing written */
    snprintf(text, sizeof text,
             "Mã mẫu,Kết quả,Ngày trả kết quả\n"
             "S%07lld,Âm tính,15/11/2021\n"
             "S%07lld,Dương tính,2021-11-15\n",
             (long long)s1, (long long)s2);
    write_file(path, text);
    assert_int_equal(pd_lab_import(db, &commune_a, path, NULL, &r, &err), PD_OK);
    assert_int_equal(r.samples, 2);
    pd_lab_import_report_free(&r);
    assert_string_equal(result_of(s1), "negative");
    assert_string_equal(result_of(s2), "positive");
    /* Sending the same file again changes nothing. */
    assert_int_equal(pd_lab_import(db, &commune_a, path, NULL, &r, &err), PD_OK);
    assert_int_equal(r.unchanged, 2);
    pd_lab_import_report_free(&r);
    /* A file without a result column. */
    write_file(path, "Mã mẫu,Ghi chú\nS0000001,x\n");
    assert_int_equal(pd_lab_import(db, &commune_a, path, NULL, &r, &err), PD_EINVAL);
    assert_int_equal(r.errors[0].line, 1);
    assert_string_equal(r.errors[0].field, "result");
    pd_lab_import_report_free(&r);
}

/* An XLSX written with libxlsxwriter: Vietnamese headers, a date cell, one result per sample. */
static void test_import_xlsx(void **state)
{
    (void)state;
    int64_t p = add_person("Excel Mot", "01834");
    int64_t s = take(&admin, p, "antigen", "screening", "2021-11-14");
    char path[600], label[40];
    snprintf(path, sizeof path, "%s/ketqua.xlsx", dir);
    snprintf(label, sizeof label, "S%07lld", (long long)s);
    lxw_workbook *wb = workbook_new(path);
    lxw_worksheet *ws = workbook_add_worksheet(wb, "Kết quả");
    lxw_format *date = workbook_add_format(wb);
    format_set_num_format(date, "dd/mm/yyyy");
    worksheet_write_string(ws, 0, 0, "Mã mẫu", NULL);
    worksheet_write_string(ws, 0, 1, "Kết quả", NULL);
    worksheet_write_string(ws, 0, 2, "Ngày trả kết quả", NULL);
    worksheet_write_string(ws, 1, 0, label, NULL);
    worksheet_write_string(ws, 1, 1, "Dương tính", NULL);
    lxw_datetime d = {2021, 11, 14, 0, 0, 0};
    worksheet_write_datetime(ws, 1, 2, &d, date);
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
    pd_lab_import_report r;
    pd_err err;
    assert_int_equal(pd_lab_import(db, &commune_a, path, NULL, &r, &err), PD_OK);
    assert_int_equal(r.samples, 1);
    pd_lab_import_report_free(&r);
    assert_string_equal(result_of(s), "positive");
    /* Noon of 14/11/2021, +07:00. */
    assert_int_equal(sql_int("SELECT result_at FROM samples WHERE id = %lld", (long long)s),
                     1636822800 + 12 * 3600);
}

/* ---- campaigns ---- */

static void test_campaign_coverage(void **state)
{
    (void)state;
    sql_exec("INSERT INTO venues(name, name_folded, kind, unit_code, district_code, province_code,"
             " public_code, created_at, updated_at) VALUES ('Chợ Test', 'cho test', 'market',"
             " '01834', '058', '06', 'TESTMARKET', 1, 1)");
    int64_t venue = sqlite3_last_insert_rowid(db);
    int64_t v[3];
    for (int i = 0; i < 3; i++) {
        char name[32];
        snprintf(name, sizeof name, "Khach Cho %d", i);
        v[i] = add_person(name, "01834");
        /* The third came 20 days ago: outside the 14 days looked back. */
        sql_exec("INSERT INTO checkins(venue_id, person_id, in_at) VALUES (%lld, %lld, %d)",
                 (long long)venue, (long long)v[i], T0 - 86400 * (i == 2 ? 20 : 2));
    }
    pd_campaign c;
    memset(&c, 0, sizeof c);
    snprintf(c.name, sizeof c.name, "Sàng lọc chợ");
    snprintf(c.target, sizeof c.target, "venue");
    c.venue_id = venue;
    pd_field_errors errs;
    pd_err err;
    assert_int_equal(pd_campaign_create(db, &commune_b, &c, &errs, &err), PD_EINVAL);
    assert_string_equal(errs.items[0].field, "venue_id");
    assert_int_equal(pd_campaign_create(db, &commune_a, &c, &errs, &err), PD_OK);
    assert_int_equal(c.due, 2);
    assert_int_equal(c.sampled, 0);
    pd_sample s;
    memset(&s, 0, sizeof s);
    s.person_id = v[0];
    snprintf(s.kind, sizeof s.kind, "antigen");
    snprintf(s.reason, sizeof s.reason, "screening");
    s.campaign_id = c.id;
    assert_int_equal(pd_sample_take(db, &commune_a, &s, &errs, &err), PD_OK);
    assert_int_equal(pd_campaign_get(db, &commune_a, c.id, &c, &err), PD_OK);
    assert_int_equal(c.sampled, 1);
    assert_int_equal(pd_campaign_get(db, &commune_b, c.id, &c, &err), PD_ENOTFOUND);
    /* Residents of a commune. */
    pd_campaign area;
    memset(&area, 0, sizeof area);
    snprintf(area.name, sizeof area.name, "Toàn phường");
    snprintf(area.target, sizeof area.target, "area");
    snprintf(area.target_unit, sizeof area.target_unit, "01834");
    assert_int_equal(pd_campaign_create(db, &commune_a, &area, &errs, &err), PD_OK);
    assert_int_equal(area.due, sql_int("SELECT count(*) FROM people WHERE unit_code = '01834'"));
    /* Every market of the commune: the same two recent visitors. */
    pd_campaign kind;
    memset(&kind, 0, sizeof kind);
    snprintf(kind.name, sizeof kind.name, "Các chợ");
    snprintf(kind.target, sizeof kind.target, "venue_kind");
    snprintf(kind.venue_kind, sizeof kind.venue_kind, "market");
    snprintf(kind.target_unit, sizeof kind.target_unit, "01834");
    assert_int_equal(pd_campaign_create(db, &commune_a, &kind, &errs, &err), PD_OK);
    assert_int_equal(kind.due, 2);
    snprintf(kind.venue_kind, sizeof kind.venue_kind, "spaceport");
    assert_int_equal(pd_campaign_create(db, &commune_a, &kind, &errs, &err), PD_EINVAL);
    assert_string_equal(errs.items[0].field, "venue_kind");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dorfman_published_optima),
        cmocka_unit_test(test_pool_max_setting),
        cmocka_unit_test(test_definitions_by_date),
        cmocka_unit_test(test_take_and_result),
        cmocka_unit_test(test_quarantine_test_day),
        cmocka_unit_test(test_pools),
        cmocka_unit_test(test_proposals_before_11042),
        cmocka_unit_test(test_proposals_after_11042),
        cmocka_unit_test(test_import_all_or_nothing),
        cmocka_unit_test(test_import_xlsx),
        cmocka_unit_test(test_campaign_coverage),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
