/* Accounts (Argon2id via libsodium), roles and their permissions, scope resolution and checks. */
#include "auth/auth.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "auth/session_cache.h"
#include "base/clock.h"
#include "base/text.h"
#include "store/db.h"

static const char *const role_names[PD_ROLE_COUNT] = {
    "admin", "province", "district", "commune", "team", "viewer", "police", "venue"};

const char *pd_role_name(pd_role role)
{
    return role >= 0 && role < PD_ROLE_COUNT ? role_names[role] : "?";
}

int pd_role_parse(const char *name)
{
    for (int i = 0; i < PD_ROLE_COUNT; i++)
        if (name && strcmp(name, role_names[i]) == 0)
            return i;
    return -1;
}

/* What officials of a unit (province, district, commune) may do: everything but the audit log and
 * accounts; marking outbreak areas and bulk ingest are for district and province. */
static bool official_can(pd_role role, pd_perm perm)
{
    switch (perm) {
    case PD_PERM_AUDIT_READ:
    case PD_PERM_USERS_MANAGE:
        return false;
    case PD_PERM_OUTBREAK_WRITE:
    case PD_PERM_INGEST:
    case PD_PERM_RISK_WRITE:
        return role != PD_ROLE_COMMUNE;
    default:
        return true;
    }
}

bool pd_actor_can(const pd_actor *actor, pd_perm perm)
{
    switch (actor->role) {
    case PD_ROLE_ADMIN:
        return true;
    case PD_ROLE_PROVINCE:
    case PD_ROLE_DISTRICT:
    case PD_ROLE_COMMUNE:
        return official_can(actor->role, perm);
    case PD_ROLE_TEAM:
        return perm == PD_PERM_UNITS_READ || perm == PD_PERM_PEOPLE_READ ||
               perm == PD_PERM_DECLARE_ASSIST || perm == PD_PERM_DECLARATIONS_READ ||
               perm == PD_PERM_VENUES_READ || perm == PD_PERM_CHECKIN_SCAN ||
               perm == PD_PERM_CASES_READ || perm == PD_PERM_QUARANTINE_READ ||
               perm == PD_PERM_CARE_READ || perm == PD_PERM_CARE_WRITE ||
               perm == PD_PERM_VACCINATION_READ || perm == PD_PERM_RISK_READ ||
               perm == PD_PERM_DIRECTIVES_READ || perm == PD_PERM_TASKS_REPORT;
    case PD_ROLE_VIEWER:
        return perm == PD_PERM_UNITS_READ || perm == PD_PERM_RISK_READ ||
               perm == PD_PERM_DIRECTIVES_READ;
    case PD_ROLE_POLICE:
        return perm == PD_PERM_UNITS_READ || perm == PD_PERM_VENUES_READ ||
               perm == PD_PERM_STAYS_READ || perm == PD_PERM_RISK_READ ||
               perm == PD_PERM_DIRECTIVES_READ || perm == PD_PERM_TASKS_REPORT;
    case PD_ROLE_VENUE:
        return perm == PD_PERM_VENUES_READ || perm == PD_PERM_CHECKIN_SCAN ||
               perm == PD_PERM_STAYS_WRITE;
    default:
        return false;
    }
}

pd_actor pd_actor_cli(void)
{
    pd_actor a;
    memset(&a, 0, sizeof a);
    a.role = PD_ROLE_ADMIN;
    a.scope_level = PD_SCOPE_COUNTRY;
    pd_strlcpy(a.username, "cli", sizeof a.username);
    return a;
}

bool pd_scope_covers(const pd_actor *actor, const char *province_code, const char *district_code,
                     const char *commune_code)
{
    const char *have = NULL;
    switch (actor->scope_level) {
    case PD_SCOPE_COUNTRY:
        return true;
    case PD_SCOPE_PROVINCE:
        have = province_code;
        break;
    case PD_SCOPE_DISTRICT:
        have = district_code;
        break;
    case PD_SCOPE_COMMUNE:
        have = commune_code;
        break;
    }
    return have && strcmp(have, actor->scope_code) == 0;
}

const char *pd_scope_sql(const pd_actor *actor, const char *alias, char *out, size_t cap)
{
    static const char *const columns[] = {NULL, "province_code", "district_code", "unit_code"};
    if (actor->scope_level == PD_SCOPE_COUNTRY) {
        snprintf(out, cap, "1");
        return out;
    }
    snprintf(out, cap, "%s%s%s = ?", alias ? alias : "", alias ? "." : "",
             columns[actor->scope_level]);
    return out;
}

const char *pd_scope_param(const pd_actor *actor)
{
    return actor->scope_level == PD_SCOPE_COUNTRY ? NULL : actor->scope_code;
}

int pd_scope_resolve(sqlite3 *db, const char *unit_code, pd_scope_level *level, char *code,
                     size_t cap, pd_err *err)
{
    if (!unit_code || !*unit_code) {
        *level = PD_SCOPE_COUNTRY;
        code[0] = '\0';
        return PD_OK;
    }
    sqlite3_stmt *st = pd_db_prepare(db, "SELECT level, commune_code FROM units WHERE code = ?", err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_text(st, 1, unit_code, -1, SQLITE_STATIC);
    int rc = PD_OK;
    if (sqlite3_step(st) == SQLITE_ROW) {
        int lvl = sqlite3_column_int(st, 0);
        *level = lvl >= 3 ? PD_SCOPE_COMMUNE : (pd_scope_level)lvl;
        pd_strlcpy(code, lvl == 4 ? pd_col_text(st, 1) : unit_code, cap);
    } else {
        rc = pd_fail(err, PD_ENOTFOUND, "unit_code", "Không có đơn vị hành chính mã %s", unit_code);
    }
    sqlite3_finalize(st);
    return rc;
}

/* The unit level each role must be attached to (0 = any level, or the country). */
static int role_unit_level(pd_role role)
{
    switch (role) {
    case PD_ROLE_PROVINCE:
        return 1;
    case PD_ROLE_DISTRICT:
        return 2;
    case PD_ROLE_COMMUNE:
    case PD_ROLE_TEAM:
    case PD_ROLE_VENUE:
        return 3;
    case PD_ROLE_POLICE:
        return -1; /* a province, district or commune, but one is required */
    default:
        return 0;
    }
}

static int check_new_user(sqlite3 *db, const char *username, int role, const char *unit_code,
                          const char *password, pd_err *err)
{
    size_t ulen = strlen(username);
    if (ulen < 2 || ulen > 48)
        return pd_fail(err, PD_EINVAL, "username", "Tên đăng nhập phải có từ 2 đến 48 ký tự");
    for (const char *c = username; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
              *c == '.' || *c == '_' || *c == '-'))
            return pd_fail(err, PD_EINVAL, "username",
                           "Tên đăng nhập chỉ gồm chữ không dấu, chữ số, dấu chấm, gạch dưới, gạch ngang");
    if (role < 0)
        return pd_fail(err, PD_EINVAL, "role",
                       "Vai trò không hợp lệ: admin, province, district, commune, team, viewer,"
                       " police hoặc venue");
    if (strlen(password) < 8)
        return pd_fail(err, PD_EINVAL, "password", "Mật khẩu phải có ít nhất 8 ký tự");
    int need = role_unit_level((pd_role)role);
    if (!unit_code || !*unit_code) {
        if (need != 0)
            return pd_fail(err, PD_EINVAL, "unit_code", "Vai trò %s cần một đơn vị hành chính",
                           pd_role_name((pd_role)role));
        return PD_OK;
    }
    sqlite3_stmt *st = pd_db_prepare(db, "SELECT level FROM units WHERE code = ?", err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_text(st, 1, unit_code, -1, SQLITE_STATIC);
    int level = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
    sqlite3_finalize(st);
    if (level < 0)
        return pd_fail(err, PD_EINVAL, "unit_code", "Không có đơn vị hành chính mã %s", unit_code);
    if (level == 4 || (need > 0 && level != need))
        return pd_fail(err, PD_EINVAL, "unit_code",
                       "Vai trò %s phải gắn với đơn vị cấp %s", pd_role_name((pd_role)role),
                       need == 1 ? "tỉnh" : need == 2 ? "huyện" : "xã");
    return PD_OK;
}

int pd_user_add(sqlite3 *db, const char *username, const char *role, const char *unit_code,
                const char *password, const char *display_name, int64_t *id_out, pd_err *err)
{
    int r = pd_role_parse(role);
    int rc = check_new_user(db, username, r, unit_code, password, err);
    if (rc != PD_OK)
        return rc;
    char hash[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(hash, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return pd_fail(err, PD_ELIMIT, "password", "Không đủ bộ nhớ để băm mật khẩu");
    sqlite3_stmt *st = pd_db_prepare(db,
                                     "INSERT INTO users(username, role, unit_code, display_name,"
                                     " password_hash, created_at) VALUES (?,?,?,?,?,?)",
                                     err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_text(st, 1, username, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, role, -1, SQLITE_STATIC);
    pd_bind_text_or_null(st, 3, unit_code);
    sqlite3_bind_text(st, 4, display_name ? display_name : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, hash, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, pd_now());
    int s = sqlite3_step(st);
    sqlite3_finalize(st);
    if (s == SQLITE_CONSTRAINT_UNIQUE)
        return pd_fail(err, PD_ECONFLICT, "username", "Tên đăng nhập %s đã tồn tại", username);
    if (s != SQLITE_DONE)
        return pd_db_error(db, err);
    if (id_out)
        *id_out = sqlite3_last_insert_rowid(db);
    return PD_OK;
}

int pd_user_set_venue(sqlite3 *db, int64_t user_id, int64_t venue_id, pd_err *err)
{
    sqlite3_stmt *st = pd_db_prepare(
        db,
        "SELECT u.role, v.id FROM users u LEFT JOIN venues v ON v.id = ?2 AND v.unit_code = u.unit_code"
        " WHERE u.id = ?1",
        err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, user_id);
    sqlite3_bind_int64(st, 2, venue_id);
    int rc = PD_OK;
    if (sqlite3_step(st) != SQLITE_ROW)
        rc = pd_fail(err, PD_ENOTFOUND, "user", "Không có tài khoản này");
    else if (strcmp(pd_col_text(st, 0), "venue") != 0)
        rc = pd_fail(err, PD_EINVAL, "venue", "Chỉ tài khoản vai trò venue mới gắn với một địa điểm");
    else if (sqlite3_column_type(st, 1) == SQLITE_NULL)
        rc = pd_fail(err, PD_EINVAL, "venue",
                     "Không có địa điểm %lld trong xã, phường của tài khoản", (long long)venue_id);
    sqlite3_finalize(st);
    if (rc != PD_OK)
        return rc;
    st = pd_db_prepare(db, "UPDATE users SET venue_id = ? WHERE id = ?", err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, venue_id);
    sqlite3_bind_int64(st, 2, user_id);
    int s = sqlite3_step(st);
    sqlite3_finalize(st);
    if (s != SQLITE_DONE)
        return pd_db_error(db, err);
    pd_session_cache_forget_user(user_id);
    return PD_OK;
}

static const char actor_sql[] =
    "SELECT u.id, u.username, u.role, u.unit_code, un.level, un.commune_code, u.venue_id"
    " FROM users u LEFT JOIN units un ON un.code = u.unit_code";

static void actor_from_row(sqlite3_stmt *st, int col, pd_actor *a)
{
    memset(a, 0, sizeof *a);
    a->user_id = sqlite3_column_int64(st, col);
    pd_strlcpy(a->username, pd_col_text(st, col + 1), sizeof a->username);
    int role = pd_role_parse(pd_col_text(st, col + 2));
    a->role = role < 0 ? PD_ROLE_VIEWER : (pd_role)role;
    int level = sqlite3_column_type(st, col + 3) == SQLITE_NULL ? 0 : sqlite3_column_int(st, col + 4);
    a->scope_level = level >= 3 ? PD_SCOPE_COMMUNE : (pd_scope_level)level;
    pd_strlcpy(a->scope_code, level == 4 ? pd_col_text(st, col + 5) : pd_col_text(st, col + 3),
               sizeof a->scope_code);
    a->venue_id = sqlite3_column_int64(st, col + 6);
}

/* A hash to verify against when the user does not exist, so both failures cost the same time. */
static const char *dummy_hash(void)
{
    static char hash[crypto_pwhash_STRBYTES];
    static int ready;
    if (!ready) {
        if (crypto_pwhash_str(hash, "not a password", 14, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                              crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0)
            ready = 1;
    }
    return hash;
}

int pd_user_authenticate(sqlite3 *db, const char *username, const char *password, pd_actor *out,
                         pd_err *err)
{
    sqlite3_stmt *st = pd_db_prepare(db, "SELECT password_hash, id FROM users"
                                         " WHERE username = ? AND disabled = 0", err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_text(st, 1, username, -1, SQLITE_STATIC);
    char hash[crypto_pwhash_STRBYTES] = "";
    int64_t id = 0;
    if (sqlite3_step(st) == SQLITE_ROW) {
        pd_strlcpy(hash, pd_col_text(st, 0), sizeof hash);
        id = sqlite3_column_int64(st, 1);
    }
    sqlite3_finalize(st);
    const char *against = id ? hash : dummy_hash();
    bool ok = crypto_pwhash_str_verify(against, password, strlen(password)) == 0 && id != 0;
    if (!ok)
        return pd_fail(err, PD_EDENIED, "password", "Tên đăng nhập hoặc mật khẩu không đúng");
    return pd_actor_load(db, id, out, err);
}

int pd_user_display_name(sqlite3 *db, int64_t user_id, char *out, size_t cap)
{
    out[0] = '\0';
    sqlite3_stmt *st = pd_db_prepare(db, "SELECT display_name FROM users WHERE id = ?", NULL);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, user_id);
    int rc = sqlite3_step(st) == SQLITE_ROW ? PD_OK : PD_ENOTFOUND;
    if (rc == PD_OK)
        pd_strlcpy(out, pd_col_text(st, 0), cap);
    sqlite3_finalize(st);
    return rc;
}

int pd_actor_load(sqlite3 *db, int64_t user_id, pd_actor *out, pd_err *err)
{
    char sql[256];
    snprintf(sql, sizeof sql, "%s WHERE u.id = ? AND u.disabled = 0", actor_sql);
    sqlite3_stmt *st = pd_db_prepare(db, sql, err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, user_id);
    int rc = PD_OK;
    if (sqlite3_step(st) == SQLITE_ROW)
        actor_from_row(st, 0, out);
    else
        rc = pd_fail(err, PD_ENOTFOUND, "user", "Không có tài khoản này");
    sqlite3_finalize(st);
    return rc;
}

static void random_hex(char out[65])
{
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(out, 65, raw, sizeof raw);
}

static void token_digest(const char *token, char out[65])
{
    unsigned char d[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(d, (const unsigned char *)token, strlen(token));
    sodium_bin2hex(out, 65, d, sizeof d);
}

int pd_session_create(sqlite3 *db, int64_t user_id, char token[65], char csrf[65], pd_err *err)
{
    random_hex(token);
    random_hex(csrf);
    char digest[65];
    token_digest(token, digest);
    int64_t now = pd_now();
    sqlite3_stmt *st = pd_db_prepare(db,
                                     "INSERT INTO sessions(token_hash, user_id, csrf_token,"
                                     " created_at, expires_at) VALUES (?,?,?,?,?)",
                                     err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_text(st, 1, digest, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, user_id);
    sqlite3_bind_text(st, 3, csrf, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, now);
    sqlite3_bind_int64(st, 5, now + PD_SESSION_SECONDS);
    int s = sqlite3_step(st);
    sqlite3_finalize(st);
    /* Old sessions are swept opportunistically at each login. */
    sqlite3_stmt *sweep = pd_db_prepare(db, "DELETE FROM sessions WHERE expires_at < ?", NULL);
    if (sweep) {
        sqlite3_bind_int64(sweep, 1, now);
        sqlite3_step(sweep);
        sqlite3_finalize(sweep);
    }
    return s == SQLITE_DONE ? PD_OK : pd_db_error(db, err);
}

int pd_session_lookup(sqlite3 *db, const char *token, pd_actor *actor, char csrf[65], pd_err *err)
{
    if (strlen(token) != 64)
        return pd_fail(err, PD_ENOTFOUND, "session", "Phiên đăng nhập không hợp lệ");
    int64_t now = pd_now();
    if (pd_session_cache_get(token, now, actor, csrf))
        return PD_OK;
    uint64_t epoch = pd_session_cache_epoch(); /* before the read: see session_cache.h */
    char digest[65];
    token_digest(token, digest);
    sqlite3_stmt *st = pd_db_cached(
        db,
        "SELECT s.csrf_token, s.expires_at, u.id, u.username, u.role, u.unit_code, un.level,"
        " un.commune_code, u.venue_id FROM sessions s JOIN users u ON u.id = s.user_id"
        " LEFT JOIN units un ON un.code = u.unit_code"
        " WHERE s.token_hash = ? AND s.expires_at > ? AND u.disabled = 0",
        err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_text(st, 1, digest, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now);
    int rc = PD_OK;
    if (sqlite3_step(st) == SQLITE_ROW) {
        pd_strlcpy(csrf, pd_col_text(st, 0), 65);
        actor_from_row(st, 2, actor);
        pd_session_cache_put(token, actor, csrf, sqlite3_column_int64(st, 1), epoch);
    } else {
        rc = pd_fail(err, PD_ENOTFOUND, "session", "Phiên đăng nhập đã hết hạn");
    }
    pd_db_release(st);
    return rc;
}

int pd_session_delete(sqlite3 *db, const char *token, pd_err *err)
{
    char digest[65];
    token_digest(token, digest);
    sqlite3_stmt *st = pd_db_prepare(db, "DELETE FROM sessions WHERE token_hash = ?", err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_text(st, 1, digest, -1, SQLITE_STATIC);
    int s = sqlite3_step(st);
    sqlite3_finalize(st);
    /* After the row is gone, so that no lookup can read it again and cache it (session_cache.h). */
    pd_session_cache_forget(token);
    return s == SQLITE_DONE ? PD_OK : pd_db_error(db, err);
}
