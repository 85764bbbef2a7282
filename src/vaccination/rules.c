/* The dose rules of vaccination over a person's history: products, priority groups, the next dose
 * (number, kind, earliest day, allowed products) and the check of a new dose against the product
 * intervals, the mixing rows and the booster rules in force (all read from the rule tables). */
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/text.h"
#include "base/validate.h"
#include "store/db.h"
#include "vaccination/internal.h"

/* ---- days ---- */

long vax_day(const char *s)
{
    pd_date d;
    if (!s || !*s || !pd_date_parse(s, &d) || d.month == 0 || d.day == 0)
        return -1;
    return (long)pd_date_days(&d);
}

void vax_day_format(long day, char *out, size_t cap)
{
    pd_date d = pd_local_date((int64_t)day * 86400);
    pd_date_format(&d, out, cap);
}

void vax_day_vn(const char *iso, char *out, size_t cap)
{
    if (strlen(iso) == 10)
        snprintf(out, cap, "%.2s/%.2s/%.4s", iso + 8, iso + 5, iso);
    else
        pd_strlcpy(out, iso, cap);
}

void vax_today(char out[12])
{
    pd_date d = pd_local_date(pd_now());
    pd_date_format(&d, out, 12);
}

/* ---- products and groups ---- */

#define PRODUCT_COLS                                                                               \
    "code, name, manufacturer, doses_in_primary, min_interval_days, recommended_interval_days,"    \
    " max_interval_days, basis, aliases"

static void product_from_row(sqlite3_stmt *st, pd_vaccine_product *p)
{
    memset(p, 0, sizeof *p);
    pd_strlcpy(p->code, pd_col_text(st, 0), sizeof p->code);
    pd_strlcpy(p->name, pd_col_text(st, 1), sizeof p->name);
    pd_strlcpy(p->manufacturer, pd_col_text(st, 2), sizeof p->manufacturer);
    p->doses_in_primary = sqlite3_column_int(st, 3);
    p->min_interval_days = sqlite3_column_int(st, 4);
    p->recommended_interval_days = sqlite3_column_int(st, 5);
    p->max_interval_days = sqlite3_column_int(st, 6);
    pd_strlcpy(p->basis, pd_col_text(st, 7), sizeof p->basis);
}

int pd_vaccine_products(sqlite3 *db, pd_product_cb cb, void *ctx, pd_err *err)
{
    sqlite3_stmt *st =
        pd_db_cached(db, "SELECT " PRODUCT_COLS " FROM vaccine_products ORDER BY name", err);
    if (!st)
        return PD_EDB;
    int r, rc = PD_OK;
    while (rc == PD_OK && (r = sqlite3_step(st)) == SQLITE_ROW) {
        pd_vaccine_product p;
        product_from_row(st, &p);
        if (cb(&p, ctx) != 0)
            break;
    }
    pd_db_release(st);
    return rc;
}

int vax_product_get(sqlite3 *db, const char *code, pd_vaccine_product *out, pd_err *err)
{
    sqlite3_stmt *st =
        pd_db_cached(db, "SELECT " PRODUCT_COLS " FROM vaccine_products WHERE code = ?", err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
    int rc = PD_OK;
    if (sqlite3_step(st) == SQLITE_ROW)
        product_from_row(st, out);
    else
        rc = pd_fail(err, PD_EINVAL, "product_code", "Không có loại vắc xin mã \"%s\"", code);
    pd_db_release(st);
    return rc;
}

/* The product whose longest alias occurs in the folded text. */
static int product_by_name(sqlite3 *db, const char *text, pd_vaccine_product *out, pd_err *err)
{
    char folded[160];
    pd_fold(text, folded, sizeof folded);
    sqlite3_stmt *st = pd_db_cached(db, "SELECT " PRODUCT_COLS " FROM vaccine_products", err);
    if (!st)
        return PD_EDB;
    size_t best = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        char aliases[256];
        pd_strlcpy(aliases, pd_col_text(st, 8), sizeof aliases);
        for (char *save = NULL, *a = strtok_r(aliases, "|", &save); a;
             a = strtok_r(NULL, "|", &save)) {
            size_t len = strlen(a);
            const char *at = strstr(folded, a);
            bool word = at && (len > 2 || strcmp(folded, a) == 0);
            if (word && len > best) {
                best = len;
                product_from_row(st, out);
            }
        }
    }
    pd_db_release(st);
    if (best == 0)
        return pd_fail(err, PD_ENOTFOUND, "product_code", "Không nhận ra tên vắc xin \"%s\"", text);
    return PD_OK;
}

int pd_vaccine_product_find(sqlite3 *db, const char *text, bool by_name, pd_vaccine_product *out,
                            pd_err *err)
{
    pd_err tmp;
    if (vax_product_get(db, text, out, &tmp) == PD_OK)
        return PD_OK;
    if (!by_name)
        return pd_fail(err, PD_ENOTFOUND, "product_code", "Không có loại vắc xin mã \"%s\"", text);
    return product_by_name(db, text, out, err);
}

int pd_priority_groups(sqlite3 *db, pd_group_cb cb, void *ctx, pd_err *err)
{
    sqlite3_stmt *st = pd_db_cached(
        db, "SELECT code, number, name, basis FROM priority_groups ORDER BY number", err);
    if (!st)
        return PD_EDB;
    while (sqlite3_step(st) == SQLITE_ROW) {
        pd_priority_group g;
        memset(&g, 0, sizeof g);
        pd_strlcpy(g.code, pd_col_text(st, 0), sizeof g.code);
        g.number = sqlite3_column_int(st, 1);
        pd_strlcpy(g.name, pd_col_text(st, 2), sizeof g.name);
        pd_strlcpy(g.basis, pd_col_text(st, 3), sizeof g.basis);
        if (cb(&g, ctx) != 0)
            break;
    }
    pd_db_release(st);
    return PD_OK;
}

/* ---- history ---- */

int vax_history_load(sqlite3 *db, int64_t person_id, vax_history *h, pd_err *err)
{
    memset(h, 0, sizeof *h);
    sqlite3_stmt *st = pd_db_cached(db,
                                    "SELECT product_code, dose_number, kind, given_on,"
                                    " completes_primary FROM doses WHERE person_id = ?"
                                    " ORDER BY dose_number",
                                    err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, person_id);
    while (sqlite3_step(st) == SQLITE_ROW && h->n < VAX_MAX_HISTORY) {
        vax_hist_dose *d = &h->d[h->n++];
        pd_strlcpy(d->product, pd_col_text(st, 0), sizeof d->product);
        d->number = sqlite3_column_int(st, 1);
        pd_strlcpy(d->kind, pd_col_text(st, 2), sizeof d->kind);
        pd_strlcpy(d->given_on, pd_col_text(st, 3), sizeof d->given_on);
        d->completes = sqlite3_column_int(st, 4);
    }
    pd_db_release(st);
    return PD_OK;
}

/* Index of the dose that completed the primary course, or -1. */
static int completion(const vax_history *h)
{
    for (int i = 0; i < h->n; i++)
        if (h->d[i].completes)
            return i;
    return -1;
}

static int later_doses(const vax_history *h)
{
    int k = 0;
    for (int i = 0; i < h->n; i++)
        k += strcmp(h->d[i].kind, "primary") != 0;
    return k;
}

/* ---- mixing ---- */

typedef struct mix_row {
    bool found;
    int allowed;
    int min_days; /* -1: none given */
    char basis[200];
} mix_row;

/* The most specific row for (kind, previous, next): exact codes before '*'. */
static int mix_lookup(sqlite3 *db, const char *kind, const char *prev, const char *next, mix_row *m,
                      pd_err *err)
{
    memset(m, 0, sizeof *m);
    m->min_days = -1;
    sqlite3_stmt *st = pd_db_cached(
        db,
        "SELECT allowed, coalesce(min_interval_days,-1), basis FROM vaccine_mixing"
        " WHERE kind = ?1 AND previous_code IN (?2,'*') AND next_code IN (?3,'*')"
        " ORDER BY (previous_code = '*') + (next_code = '*'), previous_code = '*' LIMIT 1",
        err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, prev, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, next, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) == SQLITE_ROW) {
        m->found = true;
        m->allowed = sqlite3_column_int(st, 0);
        m->min_days = sqlite3_column_int(st, 1);
        pd_strlcpy(m->basis, pd_col_text(st, 2), sizeof m->basis);
    }
    pd_db_release(st);
    return PD_OK;
}

/* Whether next may follow a primary course begun with first (kind primary) or completed with
 * first (kind booster). Same product: always for primary; boosters only by a row. */
static bool mix_allowed(sqlite3 *db, const char *kind, const char *first, const char *next,
                        mix_row *m, pd_err *err)
{
    if (mix_lookup(db, kind, first, next, m, err) != PD_OK)
        return false;
    if (strcmp(kind, "primary") == 0 && strcmp(first, next) == 0)
        return true;
    return m->found && m->allowed;
}

/* Allowed products after first, as "AZ,PF". */
static int allowed_list(sqlite3 *db, const char *kind, const char *first, char *out, size_t cap,
                        pd_err *err)
{
    out[0] = '\0';
    sqlite3_stmt *st = pd_db_cached(db, "SELECT code FROM vaccine_products ORDER BY code", err);
    if (!st)
        return PD_EDB;
    while (sqlite3_step(st) == SQLITE_ROW) {
        char code[8];
        pd_strlcpy(code, pd_col_text(st, 0), sizeof code);
        mix_row m;
        if (mix_allowed(db, kind, first, code, &m, err)) {
            size_t len = strlen(out);
            snprintf(out + len, cap - len, "%s%s", len ? "," : "", code);
        }
    }
    pd_db_release(st);
    return PD_OK;
}

/* ---- booster rules ---- */

#define MAX_RULES 8
typedef struct rule_set {
    int n;
    long from[MAX_RULES];
    int days[MAX_RULES];
    char basis[MAX_RULES][160];
} rule_set;

static int rules_load(sqlite3 *db, const char *kind, rule_set *r, pd_err *err)
{
    memset(r, 0, sizeof *r);
    sqlite3_stmt *st =
        pd_db_cached(db,
                     "SELECT effective_from, min_days, basis FROM"
                     " vaccine_interval_rules WHERE kind = ? ORDER BY effective_from",
                     err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
    while (sqlite3_step(st) == SQLITE_ROW && r->n < MAX_RULES) {
        r->from[r->n] = vax_day(pd_col_text(st, 0));
        r->days[r->n] = sqlite3_column_int(st, 1);
        pd_strlcpy(r->basis[r->n], pd_col_text(st, 2), sizeof r->basis[0]);
        r->n++;
    }
    pd_db_release(st);
    return PD_OK;
}

/* The rule in force on day, or -1. */
static int rule_on(const rule_set *r, long day)
{
    int at = -1;
    for (int i = 0; i < r->n; i++)
        if (r->from[i] <= day)
            at = i;
    return at;
}

/* The first day a dose may be given after base under the rules in force on that day. */
static long rules_earliest(const rule_set *r, long base)
{
    long best = -1;
    for (int i = 0; i < r->n; i++) {
        long c = base + r->days[i];
        if (c < r->from[i])
            c = r->from[i];
        if (i + 1 < r->n && c >= r->from[i + 1])
            continue;
        if (best < 0 || c < best)
            best = c;
    }
    return best;
}

/* ---- next dose ---- */

/* The interval rule kind of the next later (non-primary) dose. */
static const char *later_kind(const vax_history *h, const char *requested)
{
    if (later_doses(h) == 0)
        return requested && strcmp(requested, "additional") == 0 ? "additional" : "booster";
    return "booster2";
}

int vax_next(sqlite3 *db, const vax_history *h, pd_next_dose *out, pd_err *err)
{
    memset(out, 0, sizeof *out);
    out->doses = h->n;
    out->dose_number = h->n + 1;
    if (h->n == 0) {
        pd_strlcpy(out->kind, "primary", sizeof out->kind);
        return allowed_list(db, "primary", "*", out->products, sizeof out->products, err);
    }
    const vax_hist_dose *last = &h->d[h->n - 1];
    int c = completion(h);
    out->full = c >= 0;
    if (c < 0) {
        pd_vaccine_product p;
        if (vax_product_get(db, last->product, &p, err) != PD_OK)
            return PD_EDB;
        pd_strlcpy(out->kind, "primary", sizeof out->kind);
        vax_day_format(vax_day(last->given_on) + p.min_interval_days, out->earliest,
                       sizeof out->earliest);
        return allowed_list(db, "primary", h->d[0].product, out->products, sizeof out->products,
                            err);
    }
    if (later_doses(h) >= 2) {
        out->done = true;
        return PD_OK;
    }
    rule_set r;
    const char *rk = later_kind(h, NULL);
    if (rules_load(db, rk, &r, err) != PD_OK)
        return PD_EDB;
    long base = vax_day(later_doses(h) ? last->given_on : h->d[c].given_on);
    long e = rules_earliest(&r, base);
    pd_strlcpy(out->kind, "booster", sizeof out->kind);
    if (e >= 0)
        vax_day_format(e, out->earliest, sizeof out->earliest);
    return allowed_list(db, "booster", h->d[0].product, out->products, sizeof out->products, err);
}

/* ---- checking a new dose ---- */

static int check_primary(sqlite3 *db, const vax_history *h, const pd_vaccine_product *product,
                         long day, int *completes, pd_err *err)
{
    const char *first = h->n ? h->d[0].product : product->code;
    mix_row m = {.min_days = -1};
    if (h->n > 0 && !mix_allowed(db, "primary", first, product->code, &m, err))
        return pd_fail(err, PD_EINVAL, "product_code",
                       "Không được tiêm %s làm mũi %d sau mũi 1 %s%s%s", product->name, h->n + 1,
                       first, m.found ? ": " : " (mũi cơ bản phải cùng loại vắc xin)",
                       m.found ? m.basis : "");
    pd_vaccine_product firstp;
    if (vax_product_get(db, first, &firstp, err) != PD_OK)
        return PD_EINVAL;
    *completes = h->n + 1 >= firstp.doses_in_primary;
    if (h->n == 0)
        return PD_OK;
    const vax_hist_dose *last = &h->d[h->n - 1];
    pd_vaccine_product lastp;
    if (vax_product_get(db, last->product, &lastp, err) != PD_OK)
        return PD_EINVAL;
    int days = m.found && m.allowed && m.min_days >= 0 ? m.min_days : lastp.min_interval_days;
    long earliest = vax_day(last->given_on) + days;
    if (day < earliest) {
        char iso[12], vn[12];
        vax_day_format(earliest, iso, sizeof iso);
        vax_day_vn(iso, vn, sizeof vn);
        return pd_fail(err, PD_EINVAL, "given_on",
                       "Mũi %d phải tiêm từ ngày %s trở đi: cách mũi %d (%s) ít nhất %d ngày",
                       h->n + 1, vn, last->number, lastp.name, days);
    }
    return PD_OK;
}

static int check_later(sqlite3 *db, const vax_history *h, const pd_vaccine_product *product,
                       long day, const char *requested, char kind[12], pd_err *err)
{
    if (later_doses(h) >= 2)
        return pd_fail(err, PD_EINVAL, "dose_number",
                       "Người này đã tiêm đủ mũi cơ bản và các mũi nhắc lại");
    mix_row m;
    if (!mix_allowed(db, "booster", h->d[0].product, product->code, &m, err))
        return pd_fail(err, PD_EINVAL, "product_code",
                       "Không dùng %s làm mũi nhắc lại sau mũi cơ bản %s", product->name,
                       h->d[0].product);
    const char *rk = later_kind(h, requested);
    rule_set r;
    if (rules_load(db, rk, &r, err) != PD_OK)
        return PD_EDB;
    long base = vax_day(later_doses(h) ? h->d[h->n - 1].given_on : h->d[completion(h)].given_on);
    int at = rule_on(&r, day);
    long need = at >= 0 ? base + r.days[at] : rules_earliest(&r, base);
    if (day < need) {
        char iso[12], vn[12];
        long e = rules_earliest(&r, base);
        vax_day_format(e > need || e < 0 ? need : e, iso, sizeof iso);
        vax_day_vn(iso, vn, sizeof vn);
        return pd_fail(err, PD_EINVAL, "given_on", "Mũi %d (%s) phải tiêm từ ngày %s trở đi (%s)",
                       h->n + 1, strcmp(rk, "additional") == 0 ? "bổ sung" : "nhắc lại", vn,
                       at >= 0 ? r.basis[at] : "chưa có quy định");
    }
    pd_strlcpy(kind, strcmp(rk, "additional") == 0 ? "additional" : "booster", 12);
    return PD_OK;
}

int vax_check(sqlite3 *db, const vax_history *h, const pd_vaccine_product *product,
              const char *given_on, const char *requested_kind, char kind[12], int *completes,
              pd_err *err)
{
    long day = vax_day(given_on);
    *completes = 0;
    if (h->n > 0 && day <= vax_day(h->d[h->n - 1].given_on)) {
        char vn[12];
        vax_day_vn(h->d[h->n - 1].given_on, vn, sizeof vn);
        return pd_fail(err, PD_EINVAL, "given_on", "Ngày tiêm phải sau mũi %d (%s)",
                       h->d[h->n - 1].number, vn);
    }
    bool primary = completion(h) < 0;
    const char *rk = requested_kind ? requested_kind : "";
    if (primary && rk[0] && strcmp(rk, "primary") != 0)
        return pd_fail(err, PD_EINVAL, "kind",
                       "Người này chưa tiêm đủ mũi cơ bản: mũi %d là mũi cơ bản", h->n + 1);
    if (!primary && strcmp(rk, "primary") == 0)
        return pd_fail(err, PD_EINVAL, "kind", "Người này đã tiêm đủ mũi cơ bản");
    if (!primary && strcmp(rk, "additional") == 0 && later_doses(h) > 0)
        return pd_fail(err, PD_EINVAL, "kind", "Mũi bổ sung chỉ tiêm ngay sau mũi cơ bản");
    if (primary) {
        pd_strlcpy(kind, "primary", 12);
        return check_primary(db, h, product, day, completes, err);
    }
    return check_later(db, h, product, day, rk, kind, err);
}
