/* The rules of testing kept as data: what confirms an F0 from a positive test on a date (domain
 * rules §2, copied here with their basis), and pooled testing (domain rules §7): Dorfman's
 * two-stage scheme and the configured largest pool (settings lab_pool_max). */
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "lab/internal.h"
#include "store/db.h"

/* Domain rules §2 "Definitions": Official Dispatch 11042/BYT-DP (29 Dec 2021) makes an F0 of a
 * positive RT-PCR; an F1 with a positive antigen test; a suspected case with a positive antigen
 * test and an epidemiological link; two positive antigen tests within 8 hours with a link. Before
 * it, a positive antigen test of anyone but a known F1 needed RT-PCR confirmation: a project
 * default (the earlier texts were not retrieved), marked configurable. */
const pd_lab_definition pd_lab_definitions[] = {
    {"2020-01-01",
     "Mặc định trước Công văn 11042/BYT-DP: RT-PCR khẳng định; F1 test nhanh dương tính", true,
     false, false, true},
    {"2021-12-29", "Công văn 11042/BYT-DP (29/12/2021)", true, true, true, false},
};
const int pd_lab_definition_count = (int)(sizeof pd_lab_definitions / sizeof pd_lab_definitions[0]);

const pd_lab_definition *pd_lab_definition_for(const char *date)
{
    const pd_lab_definition *found = &pd_lab_definitions[0];
    for (int i = 0; i < pd_lab_definition_count; i++)
        if (strcmp(date, pd_lab_definitions[i].from) >= 0)
            found = &pd_lab_definitions[i];
    return found;
}

double pd_lab_dorfman(int k, double p)
{
    if (k <= 1)
        return 1.0;
    double all_negative = 1.0; /* (1-p)^k by multiplication: no libm needed */
    for (int i = 0; i < k; i++)
        all_negative *= 1.0 - p;
    return 1.0 / k + 1.0 - all_negative;
}

int pd_lab_pool_advise(double p, int max, double *tests)
{
    if (max < 1)
        max = 1;
    int best = 1;
    double best_e = 1.0;
    for (int k = 2; k <= max; k++) {
        double e = pd_lab_dorfman(k, p);
        if (e < best_e - 1e-12) {
            best = k;
            best_e = e;
        }
    }
    if (tests)
        *tests = best_e;
    return best;
}

int pd_lab_pool_max(sqlite3 *db)
{
    int max = PD_LAB_POOL_DEFAULT_MAX;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT value FROM settings WHERE key = 'lab_pool_max'", -1, &st,
                           NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
        int v = sqlite3_column_int(st, 0);
        if (v >= 1 && v <= PD_LAB_POOL_HARD_MAX)
            max = v;
    }
    sqlite3_finalize(st);
    return max;
}

int pd_lab_set_pool_max(sqlite3 *db, const pd_actor *actor, int max, pd_err *err)
{
    if (!pd_actor_can(actor, PD_PERM_LAB_WRITE) || actor->role == PD_ROLE_COMMUNE ||
        actor->role == PD_ROLE_TEAM)
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được đổi cỡ gộp mẫu tối đa");
    if (max < 1 || max > PD_LAB_POOL_HARD_MAX)
        return pd_fail(err, PD_EINVAL, "pool_max", "Cỡ gộp mẫu tối đa phải từ 1 đến %d",
                       PD_LAB_POOL_HARD_MAX);
    if (pd_db_begin(db, err) != PD_OK)
        return PD_EDB;
    char v[16], detail[80];
    snprintf(v, sizeof v, "%d", max);
    sqlite3_stmt *st = pd_db_prepare(
        db,
        "INSERT INTO settings(key, value) VALUES ('lab_pool_max', ?) ON CONFLICT(key) DO"
        " UPDATE SET value = excluded.value",
        err);
    int rc = st ? PD_OK : PD_EDB;
    if (st) {
        sqlite3_bind_text(st, 1, v, -1, SQLITE_STATIC);
        rc = sqlite3_step(st) == SQLITE_DONE ? PD_OK : pd_db_error(db, err);
        sqlite3_finalize(st);
    }
    snprintf(detail, sizeof detail, "Cỡ gộp mẫu tối đa: %d", max);
    if (rc == PD_OK)
        rc = pd_audit_write(db, actor, "update", "setting", 0, "", detail, err);
    return pd_db_end(db, rc, err);
}
