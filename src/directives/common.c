/* Helpers shared by the directive files (internal.h): the caller's chain of units and the
 * visibility condition of documents, the issuer's unit read from its name, small JSON and SQL
 * helpers. */
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/text.h"
#include "directives/directives.h"
#include "directives/internal.h"
#include "store/db.h"

int dv_chain_of(sqlite3 *db, const pd_actor *actor, dv_chain *out, pd_err *err)
{
    memset(out, 0, sizeof *out);
    out->level = actor->scope_level;
    if (actor->scope_level == PD_SCOPE_COUNTRY)
        return PD_OK;
    sqlite3_stmt *st =
        pd_db_prepare(db, "SELECT province_code, district_code FROM units WHERE code = ?", err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_text(st, 1, actor->scope_code, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
        pd_strlcpy(out->p, pd_col_text(st, 0), sizeof out->p);
        pd_strlcpy(out->d, pd_col_text(st, 1), sizeof out->d);
    }
    sqlite3_finalize(st);
    if (actor->scope_level == PD_SCOPE_PROVINCE)
        pd_strlcpy(out->p, actor->scope_code, sizeof out->p);
    if (actor->scope_level == PD_SCOPE_DISTRICT)
        pd_strlcpy(out->d, actor->scope_code, sizeof out->d);
    if (actor->scope_level == PD_SCOPE_COMMUNE)
        pd_strlcpy(out->c, actor->scope_code, sizeof out->c);
    return PD_OK;
}

const char *dv_visible_sql(const dv_chain *ch, const char *a, char *out, size_t cap)
{
    static const char *const cols[] = {"", "province_code", "district_code", "unit_code"};
    static const char *const owner[] = {"", "owner_province", "owner_district", "owner_unit"};
    static const char *const params[] = {"", ":ap", ":ad", ":ac"};
    if (ch->level == PD_SCOPE_COUNTRY) {
        snprintf(out, cap, "1");
        return out;
    }
    snprintf(out, cap,
             "(%s.issuer_unit IS NULL OR %s.issuer_unit IN (:ap, :ad, :ac) OR %s.%s = %s"
             " OR %s.%s = %s)",
             a, a, a, cols[ch->level], params[ch->level], a, owner[ch->level], params[ch->level]);
    return out;
}

void dv_bind(sqlite3_stmt *st, const char *name, const char *value)
{
    int i = sqlite3_bind_parameter_index(st, name);
    if (i > 0 && value)
        sqlite3_bind_text(st, i, value, -1, SQLITE_TRANSIENT);
    else if (i > 0)
        sqlite3_bind_null(st, i);
}

void dv_bind_opt(sqlite3_stmt *st, const char *name, const char *value)
{
    dv_bind(st, name, value && value[0] ? value : NULL);
}

void dv_bind_int(sqlite3_stmt *st, const char *name, long long value)
{
    int i = sqlite3_bind_parameter_index(st, name);
    if (i > 0)
        sqlite3_bind_int64(st, i, value);
}

void dv_bind_chain(sqlite3_stmt *st, const dv_chain *ch)
{
    dv_bind_opt(st, ":ap", ch->p);
    dv_bind_opt(st, ":ad", ch->d);
    dv_bind_opt(st, ":ac", ch->c);
}

bool dv_doc_visible(sqlite3 *db, const dv_chain *ch, int64_t doc_id)
{
    char cond[512], sql[700];
    snprintf(sql, sizeof sql, "SELECT 1 FROM directive_docs d WHERE d.id = :id AND %s",
             dv_visible_sql(ch, "d", cond, sizeof cond));
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return false;
    dv_bind_int(st, ":id", doc_id);
    dv_bind_chain(st, ch);
    bool ok = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return ok;
}

const char *dv_str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

json_t *dv_col_json(sqlite3_stmt *st, int col)
{
    if (sqlite3_column_type(st, col) == SQLITE_NULL)
        return json_null();
    return json_string(pd_col_text(st, col));
}

void dv_today(char out[11])
{
    pd_date d = pd_local_date(pd_now());
    pd_date_format(&d, out, 11);
}

/* Bodies above the provinces: their documents have no unit. */
static bool central_body(const char *key)
{
    static const char *const words[] = {
        "chinh phu", "thu tuong", "bo y te", "quoc hoi", "ban chi dao quoc gia", "trung uong"};
    if (strncmp(key, "bo ", 3) == 0)
        return true;
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strstr(key, words[i]))
            return true;
    return false;
}

/* The unit whose folded name is the longest tail of key made of whole words, preferring the
 * caller's chain when names repeat. */
static bool unit_by_tail(sqlite3 *db, const dv_chain *ch, const char *key, int *level,
                         char code[16])
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db,
                           "SELECT code, level FROM units WHERE name_folded = :n AND level <= 3"
                           " ORDER BY code IN (:ap, :ad, :ac) DESC, province_code = :ap DESC,"
                           " district_code = :ad DESC, code LIMIT 1",
                           -1, &st, NULL) != SQLITE_OK)
        return false;
    bool found = false;
    for (const char *p = key; *p && !found; p++) {
        if (p != key && p[-1] != ' ')
            continue;
        sqlite3_reset(st);
        dv_bind(st, ":n", p);
        dv_bind_chain(st, ch);
        if (sqlite3_step(st) == SQLITE_ROW) {
            pd_strlcpy(code, pd_col_text(st, 0), 16);
            *level = sqlite3_column_int(st, 1);
            found = true;
        }
    }
    sqlite3_finalize(st);
    return found;
}

int dv_issuer_unit(sqlite3 *db, const dv_chain *ch, const char *issuer, const char *parent,
                   int *level, char code[16])
{
    *level = 0;
    code[0] = '\0';
    const char *texts[] = {issuer, parent};
    for (int i = 0; i < 2; i++) {
        char key[512];
        dv_norm(texts[i] ? texts[i] : "", key, sizeof key);
        if (!key[0])
            continue;
        if (central_body(key))
            return 0;
        if (unit_by_tail(db, ch, key, level, code))
            return 1;
    }
    return -1;
}
