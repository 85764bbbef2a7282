/* Listing and searching people inside the caller's scope. A name query goes through the people_fts
 * index (folded words as prefixes, plus a scope token so a commune never walks the country); a query of
 * digits matches the start of an id number or phone through their indexes. Paging is by id. */
#include <stdio.h>
#include <string.h>

#include "base/text.h"
#include "people/people.h"
#include "people/row.h"
#include "people/unit_cache.h"
#include "store/db.h"

/* A query compiled to SQL: the FROM/WHERE part and its parameters (all text, bound in order). */
typedef struct compiled {
    pd_buf where; /* " FROM ... WHERE ..." */
    const char *params[8];
    int nparams;
    char match[512];
    char digits_lo[40], digits_hi[40];
    char unit_scope[48];
    char area[16];
    char household[24];
    bool fts;
} compiled;

static void add_param(compiled *c, const char *v)
{
    c->params[c->nparams++] = v;
}

/* "nguyễn  văn" -> name : "nguyen"* AND name : "van"*. Punctuation inside a word is kept: FTS5
 * tokenizes a quoted string into a phrase of adjacent tokens, so "h'hen" matches the name H'Hen Niê
 * exactly as it was indexed (tokens h, hen). Only '"' is special inside the string; it is dropped, and
 * so are words without a letter or digit. */
static bool build_match(const char *q, char *out, size_t cap)
{
    char folded[256];
    pd_fold(q, folded, sizeof folded);
    out[0] = '\0';
    size_t at = 0;
    bool any = false;
    char *save = NULL;
    for (char *w = strtok_r(folded, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
        char word[128];
        size_t n = 0;
        bool letters = false;
        for (char *c = w; *c && n + 1 < sizeof word; c++) {
            if (*c == '"')
                continue;
            letters |= (unsigned char)*c >= 0x80 || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9');
            word[n++] = *c;
        }
        word[n] = '\0';
        if (!letters)
            continue;
        int w_len = snprintf(out + at, cap - at, "%sname : \"%s\"*", any ? " AND " : "", word);
        if (w_len < 0 || (size_t)w_len >= cap - at)
            break;
        at += (size_t)w_len;
        any = true;
    }
    return any;
}

static bool is_number_query(const char *q, char *digits, size_t cap)
{
    size_t n = 0;
    for (const char *c = q; *c; c++) {
        if (*c >= '0' && *c <= '9') {
            if (n + 1 >= cap)
                return false;
            digits[n++] = *c;
        } else if (*c != ' ' && *c != '.' && *c != '-' && *c != '+') {
            return false;
        }
    }
    digits[n] = '\0';
    return n >= 3;
}

/* Adds the unit filter: a scope token for the FTS match, or a column condition. */
static int add_unit_filter(sqlite3 *db, compiled *c, const char *unit_code, pd_err *err)
{
    pd_unit_info u;
    if (!unit_code[0])
        return PD_OK;
    if (!pd_unit_cache_get(db, unit_code, &u))
        return pd_fail(err, PD_EINVAL, "unit", "Không có đơn vị hành chính mã %s", unit_code);
    static const char *const cols[] = {"", "province_code", "district_code", "unit_code",
                                       "area_code"};
    static const char prefix[] = {0, 'p', 'd', 'c'};
    if (c->fts && u.level <= 3) {
        snprintf(c->unit_scope, sizeof c->unit_scope, " AND scope : \"%c%s\"", prefix[u.level],
                 unit_code);
        pd_strlcpy(c->match + strlen(c->match), c->unit_scope,
                   sizeof c->match - strlen(c->match));
        return PD_OK;
    }
    pd_buf_printf(&c->where, " AND p.%s = ?", cols[u.level]);
    pd_strlcpy(c->area, unit_code, sizeof c->area);
    add_param(c, c->area);
    return PD_OK;
}

static void add_scope(const pd_actor *actor, compiled *c)
{
    static const char prefix[] = {0, 'p', 'd', 'c'};
    char cond[64];
    if (actor->scope_level == PD_SCOPE_COUNTRY)
        return;
    if (c->fts) {
        size_t at = strlen(c->match);
        snprintf(c->match + at, sizeof c->match - at, " AND scope : \"%c%s\"",
                 prefix[actor->scope_level], actor->scope_code);
        return;
    }
    pd_buf_printf(&c->where, " AND %s", pd_scope_sql(actor, "p", cond, sizeof cond));
    add_param(c, pd_scope_param(actor));
}

static int compile(sqlite3 *db, const pd_actor *actor, const pd_people_query *q, compiled *c,
                   pd_err *err)
{
    memset(c, 0, sizeof *c);
    pd_buf_init(&c->where);
    char digits[32];
    if (q->q[0] && is_number_query(q->q, digits, sizeof digits)) {
        snprintf(c->digits_lo, sizeof c->digits_lo, "%s", digits);
        snprintf(c->digits_hi, sizeof c->digits_hi, "%s:", digits); /* ':' sorts after '9' */
        pd_buf_puts(&c->where, " FROM people p WHERE ((p.id_number >= ?1 AND p.id_number < ?2)"
                               " OR (p.phone >= ?1 AND p.phone < ?2))");
        add_param(c, c->digits_lo);
        add_param(c, c->digits_hi);
    } else if (q->q[0] && build_match(q->q, c->match, sizeof c->match)) {
        c->fts = true;
        pd_buf_puts(&c->where, " FROM people_fts f JOIN people p ON p.id = f.rowid"
                               " WHERE people_fts MATCH ?");
        add_param(c, c->match); /* completed below; bound after compile */
    } else {
        pd_buf_puts(&c->where, " FROM people p WHERE 1");
    }
    add_scope(actor, c);
    if (add_unit_filter(db, c, q->unit_code, err) != PD_OK)
        return PD_EINVAL;
    if (q->household_id) {
        snprintf(c->household, sizeof c->household, "%lld", (long long)q->household_id);
        pd_buf_puts(&c->where, " AND p.household_id = ?");
        add_param(c, c->household);
    }
    return PD_OK;
}

static void bind_params(sqlite3_stmt *st, const compiled *c, int first)
{
    for (int i = 0; i < c->nparams; i++)
        sqlite3_bind_text(st, first + i, c->params[i], -1, SQLITE_STATIC);
}

/* Parameters are bound in order; the digit form names ?1 and ?2 and a later plain '?' takes the next
 * number, so the order of params always matches. */
int pd_people_list(sqlite3 *db, const pd_actor *actor, const pd_people_query *q, pd_person_cb cb,
                   void *ctx, bool *more, pd_err *err)
{
    *more = false;
    if (!pd_actor_can(actor, PD_PERM_PEOPLE_READ))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được xem dân cư");
    compiled c;
    int rc = compile(db, actor, q, &c, err);
    if (rc != PD_OK) {
        pd_buf_free(&c.where);
        return rc;
    }
    int limit = q->limit > 0 ? (q->limit > 500 ? 500 : q->limit) : 50;
    pd_buf sql;
    pd_buf_init(&sql);
    /* With the FTS index, page on its rowid so that SQLite walks the index in order and stops early. */
    const char *id_col = c.fts ? "f.rowid" : "p.id";
    pd_buf_printf(&sql, "SELECT " PD_PERSON_COLUMNS "%s AND %s > ? ORDER BY %s LIMIT ?", c.where.data,
                  id_col, id_col);
    sqlite3_stmt *st = pd_db_prepare(db, sql.data, err);
    pd_buf_free(&sql);
    pd_buf_free(&c.where);
    if (!st)
        return PD_EDB;
    bind_params(st, &c, 1);
    sqlite3_bind_int64(st, c.nparams + 1, q->after_id);
    sqlite3_bind_int(st, c.nparams + 2, limit + 1);
    int s, n = 0;
    pd_person p;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        if (++n > limit) {
            *more = true;
            break;
        }
        pd_person_from_row(st, 0, &p);
        if (cb(&p, ctx) != 0)
            break;
    }
    if (s != SQLITE_ROW && s != SQLITE_DONE)
        rc = pd_db_error(db, err);
    sqlite3_finalize(st);
    return rc;
}

int pd_people_count(sqlite3 *db, const pd_actor *actor, const pd_people_query *q, int64_t *count,
                    pd_err *err)
{
    *count = 0;
    if (!pd_actor_can(actor, PD_PERM_PEOPLE_READ))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được xem dân cư");
    compiled c;
    int rc = compile(db, actor, q, &c, err);
    if (rc != PD_OK) {
        pd_buf_free(&c.where);
        return rc;
    }
    pd_buf sql;
    pd_buf_init(&sql);
    pd_buf_printf(&sql, "SELECT count(*)%s", c.where.data);
    sqlite3_stmt *st = pd_db_prepare(db, sql.data, err);
    pd_buf_free(&sql);
    pd_buf_free(&c.where);
    if (!st)
        return PD_EDB;
    bind_params(st, &c, 1);
    if (sqlite3_step(st) == SQLITE_ROW)
        *count = sqlite3_column_int64(st, 0);
    else
        rc = pd_db_error(db, err);
    sqlite3_finalize(st);
    return rc;
}
