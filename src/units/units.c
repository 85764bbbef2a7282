/* Administrative units: loading the GSO list compiled into the binary, the tree, folded-name search,
 * and sub-commune areas (thôn, bản, tổ dân phố) that commune officials add. */
#include "units/units.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/assets.h"
#include "base/clock.h"
#include "base/text.h"
#include "audit/audit.h"
#include "store/db.h"

const char *const pd_area_kinds[] = {"Thôn", "Bản", "Tổ dân phố", "Khu phố", "Ấp",
                                     "Xóm", "Khối", "Tổ",         "Khu",     NULL};

/* Splits one CSV line without quotes (the shipped files have none) into at most n fields. */
static int split_line(char *line, char **fields, int n)
{
    int count = 0;
    char *p = line;
    while (count < n) {
        fields[count++] = p;
        char *comma = strchr(p, ',');
        if (!comma)
            break;
        *comma = '\0';
        p = comma + 1;
    }
    return count;
}

/* Iterates the lines of an embedded CSV (skipping its header), calling fn on each. */
static int each_line(const char *path, int (*fn)(char *line, void *ctx), void *ctx, pd_err *err)
{
    const pd_asset *a = pd_asset_find(pd_data_assets, path);
    if (!a)
        return pd_fail(err, PD_EIO, "", "Thiếu dữ liệu %s trong chương trình", path);
    char *copy = malloc(a->size + 1);
    if (!copy)
        return pd_fail(err, PD_ELIMIT, "", "Hết bộ nhớ");
    memcpy(copy, a->data, a->size);
    copy[a->size] = '\0';
    int rc = PD_OK;
    char *save = NULL;
    char *line = strtok_r(copy, "\r\n", &save); /* header */
    while (rc == PD_OK && (line = strtok_r(NULL, "\r\n", &save)))
        rc = fn(line, ctx);
    free(copy);
    return rc;
}

typedef struct load_ctx {
    sqlite3_stmt *st;
    pd_err *err;
    int count;
} load_ctx;

static int load_unit(char *line, void *vctx)
{
    load_ctx *c = vctx;
    char *f[5];
    if (split_line(line, f, 5) != 5)
        return pd_fail(c->err, PD_EIO, "", "Dòng hỏng trong units.csv: %s", line);
    char folded[256];
    pd_fold(f[1], folded, sizeof folded);
    int level = atoi(f[4]);
    sqlite3_stmt *st = c->st;
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, f[0], -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, f[1], -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, f[2], -1, SQLITE_TRANSIENT);
    pd_bind_text_or_null(st, 4, f[3]);
    sqlite3_bind_int(st, 5, level);
    sqlite3_bind_text(st, 6, folded, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) != SQLITE_DONE)
        return pd_db_error(sqlite3_db_handle(st), c->err);
    c->count++;
    return PD_OK;
}

static int load_population(char *line, void *vctx)
{
    load_ctx *c = vctx;
    char *f[3];
    if (split_line(line, f, 3) != 3)
        return pd_fail(c->err, PD_EIO, "", "Dòng hỏng trong population.csv: %s", line);
    sqlite3_reset(c->st);
    sqlite3_bind_int64(c->st, 1, atoll(f[1]));
    sqlite3_bind_text(c->st, 2, f[0], -1, SQLITE_TRANSIENT);
    return sqlite3_step(c->st) == SQLITE_DONE ? PD_OK : pd_db_error(sqlite3_db_handle(c->st), c->err);
}

/* Rows arrive in GSO order (each parent before its children), so ancestors are filled in one pass. */
static const char fill_ancestors_sql[] =
    "UPDATE units SET province_code = code WHERE level = 1;"
    "UPDATE units SET province_code = parent_code, district_code = code WHERE level = 2;"
    "UPDATE units SET district_code = parent_code, commune_code = code,"
    "  province_code = (SELECT d.parent_code FROM units d WHERE d.code = units.parent_code)"
    "  WHERE level = 3;";

static int load_all(sqlite3 *db, int *loaded, pd_err *err)
{
    load_ctx c = {NULL, err, 0};
    c.st = pd_db_prepare(db,
                         "INSERT INTO units(code, name, type, parent_code, level, name_folded,"
                         " province_code) VALUES (?,?,?,?,?,?,'')",
                         err);
    if (!c.st)
        return PD_EDB;
    int rc = each_line("/units.csv", load_unit, &c, err);
    sqlite3_finalize(c.st);
    if (rc != PD_OK)
        return rc;
    *loaded = c.count;
    if ((rc = pd_db_exec(db, fill_ancestors_sql, err)) != PD_OK)
        return rc;
    c.st = pd_db_prepare(db, "UPDATE units SET population = ? WHERE code = ?", err);
    if (!c.st)
        return PD_EDB;
    rc = each_line("/population.csv", load_population, &c, err);
    sqlite3_finalize(c.st);
    return rc;
}

int pd_units_init(sqlite3 *db, int *loaded, pd_err *err)
{
    *loaded = 0;
    sqlite3_stmt *st = pd_db_prepare(db, "SELECT count(*) FROM units WHERE level < 4", err);
    if (!st)
        return PD_EDB;
    int have = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    sqlite3_finalize(st);
    if (have > 0)
        return PD_OK;
    if (pd_db_begin(db, err) != PD_OK)
        return PD_EDB;
    int rc = load_all(db, loaded, err);
    if (rc != PD_OK) {
        pd_db_rollback(db);
        return rc;
    }
    return pd_db_commit(db, err);
}

#define UNIT_COLUMNS                                                                               \
    "u.code, u.name, u.type, coalesce(u.parent_code, ''), u.level, u.province_code,"              \
    " coalesce(u.district_code, ''), coalesce(u.commune_code, ''), coalesce(u.population, -1),"   \
    " (SELECT count(*) FROM units c WHERE c.parent_code = u.code)"

static void unit_from_row(sqlite3_stmt *st, pd_unit *u)
{
    memset(u, 0, sizeof *u);
    pd_strlcpy(u->code, pd_col_text(st, 0), sizeof u->code);
    pd_strlcpy(u->name, pd_col_text(st, 1), sizeof u->name);
    pd_strlcpy(u->type, pd_col_text(st, 2), sizeof u->type);
    pd_strlcpy(u->parent_code, pd_col_text(st, 3), sizeof u->parent_code);
    u->level = sqlite3_column_int(st, 4);
    pd_strlcpy(u->province_code, pd_col_text(st, 5), sizeof u->province_code);
    pd_strlcpy(u->district_code, pd_col_text(st, 6), sizeof u->district_code);
    pd_strlcpy(u->commune_code, pd_col_text(st, 7), sizeof u->commune_code);
    u->population = sqlite3_column_int64(st, 8);
    u->child_count = sqlite3_column_int(st, 9);
}

/* Runs a unit query (params bound by the caller) and hands each row to cb. */
static int each_unit(sqlite3_stmt *st, pd_unit_cb cb, void *ctx, pd_err *err)
{
    int s, rc = PD_OK;
    pd_unit u;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        unit_from_row(st, &u);
        if (cb(&u, ctx) != 0)
            break;
    }
    if (s != SQLITE_ROW && s != SQLITE_DONE)
        rc = pd_db_error(sqlite3_db_handle(st), err);
    sqlite3_finalize(st);
    return rc;
}

static int copy_unit(const pd_unit *u, void *ctx)
{
    *(pd_unit *)ctx = *u;
    return 1;
}

int pd_unit_get(sqlite3 *db, const char *code, pd_unit *out, pd_err *err)
{
    sqlite3_stmt *st = pd_db_prepare(db, "SELECT " UNIT_COLUMNS " FROM units u WHERE u.code = ?", err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
    out->code[0] = '\0';
    int rc = each_unit(st, copy_unit, out, err);
    if (rc == PD_OK && out->code[0] == '\0')
        return pd_fail(err, PD_ENOTFOUND, "unit_code", "Không có đơn vị hành chính mã %s", code);
    return rc;
}

int pd_unit_children(sqlite3 *db, const char *parent, pd_unit_cb cb, void *ctx, pd_err *err)
{
    sqlite3_stmt *st;
    if (parent && *parent) {
        st = pd_db_prepare(db, "SELECT " UNIT_COLUMNS " FROM units u WHERE u.parent_code = ?"
                               " ORDER BY u.code", err);
        if (st)
            sqlite3_bind_text(st, 1, parent, -1, SQLITE_TRANSIENT);
    } else {
        st = pd_db_prepare(db, "SELECT " UNIT_COLUMNS " FROM units u WHERE u.level = 1"
                               " ORDER BY u.code", err);
    }
    return st ? each_unit(st, cb, ctx, err) : PD_EDB;
}

int pd_unit_path(sqlite3 *db, const char *code, pd_unit_cb cb, void *ctx, pd_err *err)
{
    sqlite3_stmt *st = pd_db_prepare(
        db,
        "WITH RECURSIVE up(code, depth) AS (SELECT ?, 0 UNION ALL"
        "  SELECT x.parent_code, up.depth + 1 FROM units x JOIN up ON x.code = up.code"
        "  WHERE x.parent_code IS NOT NULL)"
        " SELECT " UNIT_COLUMNS " FROM up JOIN units u ON u.code = up.code ORDER BY up.depth DESC",
        err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
    return each_unit(st, cb, ctx, err);
}

/* Builds a LIKE pattern that requires every word of the folded query to start a word of the name:
 * the name is matched as ' ' || name_folded against '% w1% w2%' in any order via one LIKE per word. */
int pd_unit_search(sqlite3 *db, const char *query, int limit, pd_unit_cb cb, void *ctx, pd_err *err)
{
    char folded[256];
    pd_fold(query, folded, sizeof folded);
    if (!folded[0])
        return PD_OK;
    char *words[8];
    int n = 0;
    char *save = NULL;
    for (char *w = strtok_r(folded, " ", &save); w && n < 8; w = strtok_r(NULL, " ", &save))
        words[n++] = w;
    pd_buf sql;
    pd_buf_init(&sql);
    pd_buf_puts(&sql, "SELECT " UNIT_COLUMNS " FROM units u WHERE 1");
    for (int i = 0; i < n; i++)
        pd_buf_puts(&sql, " AND (' ' || u.name_folded) LIKE ? ESCAPE '\\'");
    pd_buf_puts(&sql, " ORDER BY u.level, length(u.name), u.code LIMIT ?");
    sqlite3_stmt *st = pd_db_prepare(db, sql.data, err);
    pd_buf_free(&sql);
    if (!st)
        return PD_EDB;
    for (int i = 0; i < n; i++) {
        char pat[160];
        size_t at = 0;
        pat[at++] = '%';
        pat[at++] = ' ';
        for (const char *c = words[i]; *c && at + 3 < sizeof pat; c++) {
            if (*c == '%' || *c == '_' || *c == '\\')
                pat[at++] = '\\';
            pat[at++] = *c;
        }
        pat[at++] = '%';
        pat[at] = '\0';
        sqlite3_bind_text(st, i + 1, pat, -1, SQLITE_TRANSIENT);
    }
    sqlite3_bind_int(st, n + 1, limit > 0 && limit <= 200 ? limit : 20);
    return each_unit(st, cb, ctx, err);
}

bool pd_unit_in_scope(const pd_actor *actor, const pd_unit *u)
{
    switch (actor->scope_level) {
    case PD_SCOPE_COUNTRY:
        return true;
    case PD_SCOPE_PROVINCE:
        return strcmp(u->province_code, actor->scope_code) == 0;
    case PD_SCOPE_DISTRICT:
        return strcmp(u->district_code, actor->scope_code) == 0;
    case PD_SCOPE_COMMUNE:
        return strcmp(u->commune_code, actor->scope_code) == 0;
    }
    return false;
}

static bool known_kind(const char *kind)
{
    for (const char *const *k = pd_area_kinds; *k; k++)
        if (strcmp(*k, kind) == 0)
            return true;
    return false;
}

static int check_area(sqlite3 *db, const pd_actor *actor, const char *commune_code, const char *name,
                      const char *kind, pd_unit *commune, char *clean, size_t cap, pd_err *err)
{
    if (!pd_actor_can(actor, PD_PERM_AREAS_WRITE))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được thêm thôn, tổ dân phố");
    if (pd_unit_get(db, commune_code, commune, err) != PD_OK || !pd_unit_in_scope(actor, commune))
        return pd_fail(err, PD_ENOTFOUND, "commune_code", "Không có xã, phường mã %s", commune_code);
    if (commune->level != 3)
        return pd_fail(err, PD_EINVAL, "commune_code",
                       "Thôn, tổ dân phố chỉ thêm được dưới một xã, phường, thị trấn");
    if (!pd_nfc_clean(name ? name : "", clean, cap) || clean[0] == '\0' || pd_utf8_length(clean) > 80)
        return pd_fail(err, PD_EINVAL, "name", "Tên thôn, tổ dân phố phải có từ 1 đến 80 ký tự");
    if (!kind || !known_kind(kind))
        return pd_fail(err, PD_EINVAL, "kind",
                       "Loại phải là Thôn, Bản, Tổ dân phố, Khu phố, Ấp, Xóm, Khối, Tổ hoặc Khu");
    return PD_OK;
}

static int insert_area(sqlite3 *db, const pd_actor *actor, const pd_unit *commune, const char *name,
                       const char *kind, char *code, size_t cap, pd_err *err)
{
    char folded[256];
    pd_fold(name, folded, sizeof folded);
    sqlite3_stmt *st = pd_db_prepare(
        db, "SELECT 1 FROM units WHERE parent_code = ? AND name_folded = ?", err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_text(st, 1, commune->code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, folded, -1, SQLITE_STATIC);
    bool exists = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    if (exists)
        return pd_fail(err, PD_ECONFLICT, "name", "%s đã có %s", commune->name, name);
    st = pd_db_prepare(db, "SELECT count(*) FROM units WHERE parent_code = ?", err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_text(st, 1, commune->code, -1, SQLITE_STATIC);
    int next = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) + 1 : 1;
    sqlite3_finalize(st);
    snprintf(code, cap, "%s-%03d", commune->code, next);
    st = pd_db_prepare(db,
                       "INSERT INTO units(code, name, type, parent_code, level, name_folded,"
                       " province_code, district_code, commune_code, created_by, created_at)"
                       " VALUES (?,?,?,?,4,?,?,?,?,?,?)",
                       err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, commune->code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, folded, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, commune->province_code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, commune->district_code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, commune->code, -1, SQLITE_STATIC);
    if (actor->user_id)
        sqlite3_bind_int64(st, 9, actor->user_id);
    sqlite3_bind_int64(st, 10, pd_now());
    int s = sqlite3_step(st);
    sqlite3_finalize(st);
    return s == SQLITE_DONE ? PD_OK : pd_db_error(db, err);
}

int pd_area_add(sqlite3 *db, const pd_actor *actor, const char *commune_code, const char *name,
                const char *kind, pd_unit *out, pd_err *err)
{
    pd_unit commune;
    char clean[256], code[32];
    int rc = check_area(db, actor, commune_code, name, kind, &commune, clean, sizeof clean, err);
    if (rc != PD_OK)
        return rc;
    if (pd_db_begin(db, err) != PD_OK)
        return PD_EDB;
    rc = insert_area(db, actor, &commune, clean, kind, code, sizeof code, err);
    if (rc == PD_OK) {
        char detail[320];
        snprintf(detail, sizeof detail, "%s %s", kind, clean);
        rc = pd_audit_write(db, actor, "create", "unit", 0, code, detail, err);
    }
    if (rc != PD_OK) {
        pd_db_rollback(db);
        return rc;
    }
    if (pd_db_commit(db, err) != PD_OK)
        return PD_EDB;
    return out ? pd_unit_get(db, code, out, err) : PD_OK;
}
