/* Listing, searching and counting people inside the caller's scope. A name query goes through the
 * people_fts index (folded words as prefixes, answered by its prefix indexes, plus a scope token so
 * a commune never walks the country); a query of digits matches the start of an id number or phone,
 * through their indexes when few rows match, else by walking the scope in id order. Paging is by
 * id; a count can stop at a cap (the API counts a search up to PD_PEOPLE_COUNT_CAP). */
#include <stdio.h>
#include <string.h>
#include <utf8proc.h>

#include "base/text.h"
#include "people/people.h"
#include "people/row.h"
#include "people/unit_cache.h"
#include "store/db.h"

/* Digit queries: a prefix found in fewer index entries than this (id number and phone indexes
 * together) is listed by collecting and sorting those rows' ids; a commoner one by walking the
 * scope in id order, where a page fills after about limit x people / matches rows. */
#define DIGITS_SELECTIVE 5000
/* How far the probe of a digit count looks into each of the two indexes. */
#define DIGITS_PROBE_CAP 50000

/* pd_people_search_force_digit_plan(): 0 chooses by the probes, 1 always seeks, 2 always walks. */
static int forced_digit_plan;

void pd_people_search_force_digit_plan(int mode)
{
    forced_digit_plan = mode;
}

typedef enum query_kind { Q_ALL, Q_NAME, Q_DIGITS } query_kind;

/* An equality on a column of people that the query adds (the column without its table alias). */
typedef struct filter {
    const char *column;
    const char *value;
} filter;

/* A query compiled: the FTS5 query of a name (scope and unit tokens included), the prefix range of
 * a digit query, and the conditions that must be checked on people rows. */
typedef struct compiled {
    query_kind kind;
    char match[640];
    char lo[40], hi[40];
    filter filters[4];
    int nfilters;
    char household[24];
    char area_commune[16];
} compiled;

/* How a statement reaches the rows. */
typedef enum plan {
    PLAN_ALL,         /* people, by its scope indexes or in id order */
    PLAN_FTS,         /* people_fts joined to people */
    PLAN_FTS_ONLY,    /* people_fts alone (a count with no condition on people) */
    PLAN_DIGITS_SEEK, /* the id number and phone indexes; conditions probed in their own indexes */
    PLAN_DIGITS_WALK, /* the scope (or the table) in id order; digits checked per row */
} plan;

/* A statement being written, with its parameters numbered in order (?1, ?2, ...). */
typedef struct stmt_text {
    pd_buf sql;
    struct {
        const char *text;
        int64_t num;
    } params[12];
    int n;
} stmt_text;

static int param_text(stmt_text *s, const char *v)
{
    s->params[s->n].text = v;
    return ++s->n;
}

static int param_int(stmt_text *s, int64_t v)
{
    s->params[s->n].text = NULL;
    s->params[s->n].num = v;
    return ++s->n;
}

static sqlite3_stmt *prepare_bound(sqlite3 *db, stmt_text *s, pd_err *err)
{
    sqlite3_stmt *st = pd_db_cached(db, s->sql.data, err);
    pd_buf_free(&s->sql);
    if (!st)
        return NULL;
    for (int i = 0; i < s->n; i++) {
        if (s->params[i].text)
            sqlite3_bind_text(st, i + 1, s->params[i].text, -1, SQLITE_STATIC);
        else
            sqlite3_bind_int64(st, i + 1, s->params[i].num);
    }
    return st;
}

/* Whether a code point is part of a word for FTS5's unicode61 tokenizer (its default categories
 * "L* N* Co"); everything else separates words. */
static bool token_char(utf8proc_int32_t cp)
{
    if (cp < 0x80)
        return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
    case UTF8PROC_CATEGORY_CO:
        return true;
    default:
        return false;
    }
}

/* "nguyễn  văn" -> name : "nguyen"* AND name : "van"*. The folded query is cut into words where the
 * tokenizer cuts names, so each quoted term is one token: the index keeps no positions
 * (detail=column), so a phrase could not be matched. A name written with punctuation is found by
 * its parts: "h'hen" -> name : "h"* AND name : "hen"* finds H'Hen. Quotes and FTS5 operators
 * cannot get through: only word characters are copied between the quotes. */
static bool build_match(const char *q, char *out, size_t cap)
{
    char folded[256];
    pd_fold(q, folded, sizeof folded);
    const utf8proc_uint8_t *s = (const utf8proc_uint8_t *)folded;
    utf8proc_ssize_t len = (utf8proc_ssize_t)strlen(folded), at = 0;
    size_t used = 0;
    bool any = false;
    char word[128];
    size_t wn = 0;
    while (at <= len) {
        utf8proc_int32_t cp = -1;
        utf8proc_ssize_t n = at < len ? utf8proc_iterate(s + at, len - at, &cp) : 0;
        bool in_word = n > 0 && token_char(cp);
        if (in_word && wn + (size_t)n < sizeof word) {
            memcpy(word + wn, s + at, (size_t)n);
            wn += (size_t)n;
        } else if (!in_word && wn > 0) {
            word[wn] = '\0';
            int w = snprintf(out + used, cap - used, "%sname : \"%s\"*", any ? " AND " : "", word);
            if (w < 0 || (size_t)w >= cap - used) {
                out[used] = '\0';
                break;
            }
            used += (size_t)w;
            any = true;
            wn = 0;
        }
        at += n > 0 ? n : 1;
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

static void add_filter(compiled *c, const char *column, const char *value)
{
    c->filters[c->nfilters].column = column;
    c->filters[c->nfilters].value = value;
    c->nfilters++;
}

/* Appends a scope token to the FTS5 query: p06, d058 or c01834 (the text the triggers index). */
static void add_scope_token(compiled *c, int level, const char *code)
{
    static const char prefix[] = {0, 'p', 'd', 'c'};
    size_t at = strlen(c->match);
    snprintf(c->match + at, sizeof c->match - at, " AND scope : \"%c%s\"", prefix[level], code);
}

static int compile(sqlite3 *db, const pd_actor *actor, const pd_people_query *q, compiled *c,
                   pd_err *err)
{
    static const char *const columns[] = {"", "province_code", "district_code", "unit_code",
                                          "area_code"};
    memset(c, 0, sizeof *c);
    char digits[32];
    if (q->q[0] && is_number_query(q->q, digits, sizeof digits)) {
        c->kind = Q_DIGITS;
        snprintf(c->lo, sizeof c->lo, "%s", digits);
        snprintf(c->hi, sizeof c->hi, "%s:", digits); /* ':' sorts after '9' */
    } else if (q->q[0] && build_match(q->q, c->match, sizeof c->match)) {
        c->kind = Q_NAME;
    }
    if (actor->scope_level != PD_SCOPE_COUNTRY) {
        if (c->kind == Q_NAME)
            add_scope_token(c, (int)actor->scope_level, actor->scope_code);
        else
            add_filter(c, columns[actor->scope_level], actor->scope_code);
    }
    if (q->unit_code[0]) {
        pd_unit_info u;
        if (!pd_unit_cache_get(db, q->unit_code, &u))
            return pd_fail(err, PD_EINVAL, "unit", "Không có đơn vị hành chính mã %s",
                           q->unit_code);
        if (u.level == 4) {
            /* A thôn/tổ has no index of its own: its commune narrows the walk first. */
            snprintf(c->area_commune, sizeof c->area_commune, "%s", u.commune_code);
            if (c->kind == Q_NAME)
                add_scope_token(c, 3, c->area_commune);
            else
                add_filter(c, "unit_code", c->area_commune);
            add_filter(c, "area_code", q->unit_code);
        } else if (c->kind == Q_NAME) {
            add_scope_token(c, u.level, q->unit_code);
        } else {
            add_filter(c, columns[u.level], q->unit_code);
        }
    }
    if (q->household_id) {
        snprintf(c->household, sizeof c->household, "%lld", (long long)q->household_id);
        add_filter(c, "household_id", c->household);
    }
    return PD_OK;
}

/* Writes " FROM ... WHERE ..." for a plan. */
static void write_from(stmt_text *s, const compiled *c, plan how)
{
    if (how == PLAN_FTS || how == PLAN_FTS_ONLY) {
        pd_buf_printf(&s->sql, "%s WHERE people_fts MATCH ?%d",
                      how == PLAN_FTS ? " FROM people_fts f JOIN people p ON p.id = f.rowid"
                                      : " FROM people_fts f",
                      param_text(s, c->match));
        if (how == PLAN_FTS_ONLY)
            return; /* only used without conditions on people */
    } else {
        pd_buf_puts(&s->sql, " FROM people p WHERE 1");
    }
    if (how == PLAN_DIGITS_SEEK || how == PLAN_DIGITS_WALK) {
        /* '+' keeps SQLite from using an index for a term, and so chooses the plan. */
        const char *x = how == PLAN_DIGITS_WALK ? "+" : "";
        int lo = param_text(s, c->lo), hi = param_text(s, c->hi);
        pd_buf_printf(&s->sql,
                      " AND ((%sp.id_number >= ?%d AND %sp.id_number < ?%d)"
                      " OR (%sp.phone >= ?%d AND %sp.phone < ?%d))",
                      x, lo, x, hi, x, lo, x, hi);
    }
    for (int i = 0; i < c->nfilters; i++) {
        const char *column = c->filters[i].column, *index = NULL;
        int v = param_text(s, c->filters[i].value);
        if (how != PLAN_DIGITS_SEEK) {
            pd_buf_printf(&s->sql, " AND p.%s = ?%d", column, v);
            continue;
        }
        /* Seeking digits, a condition is checked per index entry found: in the condition's own
         * index (small, mostly cached) rather than in the row, which costs a read of the table. */
        static const char *const indexes[][2] = {{"province_code", "people_province"},
                                                 {"district_code", "people_district"},
                                                 {"unit_code", "people_unit"},
                                                 {"household_id", "people_household"}};
        for (size_t k = 0; k < sizeof indexes / sizeof indexes[0]; k++)
            if (strcmp(indexes[k][0], column) == 0)
                index = indexes[k][1];
        if (index)
            pd_buf_printf(&s->sql,
                          " AND EXISTS (SELECT 1 FROM people s INDEXED BY %s WHERE s.%s = ?%d"
                          " AND s.id = p.id)",
                          index, column, v);
        else
            pd_buf_printf(&s->sql, " AND +p.%s = ?%d", column, v);
    }
}

/* Runs a statement that answers one integer. */
static int one_int(sqlite3 *db, stmt_text *s, int64_t *out, pd_err *err)
{
    sqlite3_stmt *st = prepare_bound(db, s, err);
    if (!st)
        return PD_EDB;
    int rc = PD_OK;
    if (sqlite3_step(st) == SQLITE_ROW)
        *out = sqlite3_column_int64(st, 0);
    else
        rc = pd_db_error(db, err);
    pd_db_release(st);
    return rc;
}

/* Index entries under the digit prefix, in the id number index plus in the phone index, each
 * counted up to cap (covering scans of the two indexes, scope not considered). */
static int probe_digits(sqlite3 *db, const compiled *c, int64_t cap, int64_t *entries, pd_err *err)
{
    stmt_text s = {0};
    pd_buf_init(&s.sql);
    int lo = param_text(&s, c->lo), hi = param_text(&s, c->hi), n = param_int(&s, cap);
    pd_buf_printf(&s.sql,
                  "SELECT (SELECT count(*) FROM (SELECT 1 FROM people WHERE id_number >= ?%d"
                  " AND id_number < ?%d LIMIT ?%d)) + (SELECT count(*) FROM (SELECT 1 FROM people"
                  " WHERE phone >= ?%d AND phone < ?%d LIMIT ?%d))",
                  lo, hi, n, lo, hi, n);
    return one_int(db, &s, entries, err);
}

/* The plan for listing a page of a digit query. */
static int digits_list_plan(sqlite3 *db, const compiled *c, plan *how, pd_err *err)
{
    if (forced_digit_plan) {
        *how = forced_digit_plan == 1 ? PLAN_DIGITS_SEEK : PLAN_DIGITS_WALK;
        return PD_OK;
    }
    int64_t entries = 0;
    int rc = probe_digits(db, c, DIGITS_SELECTIVE, &entries, err);
    *how = entries < DIGITS_SELECTIVE ? PLAN_DIGITS_SEEK : PLAN_DIGITS_WALK;
    return rc;
}

/* The plan for counting a digit query in a scope: to reach the count (or its cap), seeking reads
 * about matches x entries / matches-in-scope index entries, walking about matches x people /
 * matches-in-scope people of the scope, each checked at a similar cost: so seek when the prefix has
 * fewer index entries than the scope has people. Both are counted only as far as needed (covering
 * index scans, much cheaper than the checks). */
static int digits_count_plan(sqlite3 *db, const compiled *c, plan *how, pd_err *err)
{
    *how = PLAN_DIGITS_SEEK;
    if (forced_digit_plan) {
        *how = forced_digit_plan == 1 ? PLAN_DIGITS_SEEK : PLAN_DIGITS_WALK;
        return PD_OK;
    }
    if (c->nfilters == 0)
        return PD_OK;
    int64_t entries = 0, people = 0;
    int rc = probe_digits(db, c, DIGITS_PROBE_CAP, &entries, err);
    if (rc != PD_OK || entries == 0)
        return rc;
    stmt_text s = {0};
    pd_buf_init(&s.sql);
    pd_buf_puts(&s.sql, "SELECT count(*) FROM (SELECT 1");
    write_from(&s, c, PLAN_ALL);
    /* A prefix past the probe's cap in a scope as large: walk, the scope is dense in matches. */
    pd_buf_printf(&s.sql, " LIMIT ?%d)",
                  param_int(&s, entries < DIGITS_PROBE_CAP ? entries + 1 : DIGITS_PROBE_CAP));
    rc = one_int(db, &s, &people, err);
    if (rc == PD_OK && entries >= people)
        *how = PLAN_DIGITS_WALK;
    return rc;
}

int pd_people_list(sqlite3 *db, const pd_actor *actor, const pd_people_query *q, pd_person_cb cb,
                   void *ctx, bool *more, pd_err *err)
{
    *more = false;
    if (!pd_actor_can(actor, PD_PERM_PEOPLE_READ))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được xem dân cư");
    compiled c;
    int rc = compile(db, actor, q, &c, err);
    if (rc != PD_OK)
        return rc;
    plan how = c.kind == Q_NAME ? PLAN_FTS : PLAN_ALL;
    if (c.kind == Q_DIGITS && (rc = digits_list_plan(db, &c, &how, err)) != PD_OK)
        return rc;
    int limit = q->limit > 0 ? (q->limit > 500 ? 500 : q->limit) : 50;
    stmt_text s = {0};
    pd_buf_init(&s.sql);
    if (how == PLAN_DIGITS_SEEK) {
        /* Sort the ids found in the indexes (no row read; '+' keeps the id range from steering
         * SQLite to a table scan), then read the page's rows only. */
        pd_buf_puts(&s.sql,
                    "SELECT " PD_PERSON_COLUMNS " FROM people p WHERE p.id IN (SELECT p.id");
        write_from(&s, &c, how);
        int after = param_int(&s, q->after_id), lim = param_int(&s, limit + 1);
        pd_buf_printf(&s.sql, " AND +p.id > ?%d ORDER BY p.id LIMIT ?%d) ORDER BY p.id", after,
                      lim);
    } else {
        /* With the FTS index, page on its rowid so that SQLite walks the index in order and stops
         * at the LIMIT; otherwise walk the scope index (or the table) in id order. */
        const char *id_col = how == PLAN_FTS ? "f.rowid" : "p.id";
        pd_buf_puts(&s.sql, "SELECT " PD_PERSON_COLUMNS);
        write_from(&s, &c, how);
        int after = param_int(&s, q->after_id), lim = param_int(&s, limit + 1);
        pd_buf_printf(&s.sql, " AND %s > ?%d ORDER BY %s LIMIT ?%d", id_col, after, id_col, lim);
    }
    sqlite3_stmt *st = prepare_bound(db, &s, err);
    if (!st)
        return PD_EDB;
    int step, n = 0;
    pd_person p;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (++n > limit) {
            *more = true;
            break;
        }
        pd_person_from_row(st, 0, &p);
        if (cb(&p, ctx) != 0)
            break;
    }
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        rc = pd_db_error(db, err);
    pd_db_release(st);
    return rc;
}

int pd_people_count_capped(sqlite3 *db, const pd_actor *actor, const pd_people_query *q,
                           int64_t cap, int64_t *count, bool *capped, pd_err *err)
{
    *count = 0;
    if (capped)
        *capped = false;
    if (!pd_actor_can(actor, PD_PERM_PEOPLE_READ))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được xem dân cư");
    compiled c;
    int rc = compile(db, actor, q, &c, err);
    if (rc != PD_OK)
        return rc;
    /* A name needs people only for a condition the index cannot hold (a thôn/tổ, a household):
     * every person has exactly one row in people_fts (the triggers), so counting the index is
     * enough. */
    plan how = c.kind == Q_NAME ? (c.nfilters ? PLAN_FTS : PLAN_FTS_ONLY) : PLAN_ALL;
    if (c.kind == Q_DIGITS && (rc = digits_count_plan(db, &c, &how, err)) != PD_OK)
        return rc;
    stmt_text s = {0};
    pd_buf_init(&s.sql);
    if (cap > 0) {
        pd_buf_puts(&s.sql, "SELECT count(*) FROM (SELECT 1");
        write_from(&s, &c, how);
        pd_buf_printf(&s.sql, " LIMIT ?%d)", param_int(&s, cap + 1));
    } else {
        pd_buf_puts(&s.sql, "SELECT count(*)");
        write_from(&s, &c, how);
    }
    rc = one_int(db, &s, count, err);
    if (rc == PD_OK && cap > 0 && *count > cap) {
        *count = cap;
        if (capped)
            *capped = true;
    }
    return rc;
}

/* A name's first page and count in one walk of the index: the ids in order up to the cap, the first
 * `limit` of them read from people afterwards. */
static int name_search(sqlite3 *db, const compiled *c, int limit, int64_t cap, pd_person_cb cb,
                       void *ctx, bool *more, int64_t *total, pd_err *err)
{
    stmt_text s = {0};
    pd_buf_init(&s.sql);
    pd_buf_puts(&s.sql, "SELECT f.rowid");
    write_from(&s, c, c->nfilters ? PLAN_FTS : PLAN_FTS_ONLY);
    /* Enough ids for the page (and to know whether another follows) and for the count. */
    int64_t upto = cap > 0 ? (cap > limit ? cap : limit) + 1 : -1;
    pd_buf_printf(&s.sql, " ORDER BY f.rowid LIMIT ?%d", param_int(&s, upto));
    sqlite3_stmt *st = prepare_bound(db, &s, err);
    if (!st)
        return PD_EDB;
    int64_t page[501];
    int n = 0, step;
    *total = 0;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (n <= limit)
            page[n++] = sqlite3_column_int64(st, 0);
        ++*total;
    }
    int rc = step == SQLITE_DONE ? PD_OK : pd_db_error(db, err);
    pd_db_release(st);
    if (rc != PD_OK)
        return rc;
    *more = n > limit;
    if (n > limit)
        n = limit;
    st = pd_db_cached(db, "SELECT " PD_PERSON_COLUMNS " FROM people p WHERE p.id = ?1", err);
    if (!st)
        return PD_EDB;
    pd_person p;
    for (int i = 0; i < n; i++) {
        sqlite3_bind_int64(st, 1, page[i]);
        step = sqlite3_step(st);
        if (step == SQLITE_ROW) {
            pd_person_from_row(st, 0, &p);
            if (cb(&p, ctx) != 0)
                break;
        } else if (step != SQLITE_DONE) { /* DONE: deleted since, by another connection */
            rc = pd_db_error(db, err);
            break;
        }
        sqlite3_reset(st);
    }
    pd_db_release(st);
    return rc;
}

int pd_people_search(sqlite3 *db, const pd_actor *actor, const pd_people_query *q, int64_t cap,
                     pd_person_cb cb, void *ctx, bool *more, int64_t *total, bool *capped,
                     pd_err *err)
{
    *more = false;
    *total = 0;
    if (capped)
        *capped = false;
    if (!pd_actor_can(actor, PD_PERM_PEOPLE_READ))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được xem dân cư");
    compiled c;
    int rc = compile(db, actor, q, &c, err);
    if (rc != PD_OK)
        return rc;
    if (c.kind != Q_NAME || q->after_id != 0) {
        rc = pd_people_list(db, actor, q, cb, ctx, more, err);
        return rc == PD_OK ? pd_people_count_capped(db, actor, q, cap, total, capped, err) : rc;
    }
    int limit = q->limit > 0 ? (q->limit > 500 ? 500 : q->limit) : 50;
    rc = name_search(db, &c, limit, cap, cb, ctx, more, total, err);
    if (rc == PD_OK && cap > 0 && *total > cap) {
        *total = cap;
        if (capped)
            *capped = true;
    }
    return rc;
}

int64_t pd_people_count_cap(const pd_people_query *q)
{
    char digits[32], match[640];
    if (!q->q[0])
        return 0;
    if (is_number_query(q->q, digits, sizeof digits))
        return PD_PEOPLE_COUNT_CAP_DIGITS;
    return build_match(q->q, match, sizeof match) ? PD_PEOPLE_COUNT_CAP : 0;
}

int pd_people_count(sqlite3 *db, const pd_actor *actor, const pd_people_query *q, int64_t *count,
                    pd_err *err)
{
    return pd_people_count_capped(db, actor, q, 0, count, NULL, err);
}
