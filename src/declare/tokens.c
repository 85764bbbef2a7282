/* Personal QR tokens: 128 random bits written in Crockford base32 (26 characters, easy to read out
 * and type), stored only as their SHA-256; revocation sets revoked_at. */
#include <sodium.h>
#include <string.h>

#include "audit/audit.h"
#include "base/clock.h"
#include "base/text.h"
#include "declare/internal.h"
#include "store/db.h"

static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/* 16 bytes -> 26 characters, most significant bits first; the last character holds 3 bits. */
static void encode(const unsigned char bytes[16], char out[PD_TOKEN_CHARS + 1])
{
    unsigned buffer = 0;
    int bits = 0, n = 0;
    for (int i = 0; i < 16; i++) {
        buffer = (buffer << 8) | bytes[i];
        bits += 8;
        while (bits >= 5) {
            out[n++] = alphabet[(buffer >> (bits - 5)) & 31];
            bits -= 5;
        }
    }
    out[n++] = alphabet[(buffer << (5 - bits)) & 31];
    out[n] = '\0';
}

/* The canonical character for a typed one, or 0 if it is not part of the alphabet. */
static char canonical(char c)
{
    if (c >= 'a' && c <= 'z')
        c = (char)(c - 'a' + 'A');
    if (c == 'O')
        return '0';
    if (c == 'I' || c == 'L')
        return '1';
    return c && strchr(alphabet, c) ? c : 0;
}

bool pd_token_normalize(const char *in, char out[PD_TOKEN_CHARS + 1])
{
    int n = 0;
    out[0] = '\0';
    if (!in)
        return false;
    for (const char *c = in; *c; c++) {
        if (*c == ' ' || *c == '-' || *c == '\t')
            continue;
        char k = canonical(*c);
        if (!k || n >= PD_TOKEN_CHARS)
            return false;
        out[n++] = k;
    }
    out[n] = '\0';
    return n == PD_TOKEN_CHARS;
}

void pd_token_display(const char *token, char *out, size_t cap)
{
    size_t at = 0;
    for (size_t i = 0; token[i] && at + 2 < cap; i++) {
        if (i && i % 4 == 0)
            out[at++] = '-';
        out[at++] = token[i];
    }
    out[at] = '\0';
}

void pd_token_hash(const char *token, char hex[65])
{
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, (const unsigned char *)token, strlen(token));
    sodium_bin2hex(hex, 65, digest, sizeof digest);
}

static int revoke_live(sqlite3 *db, int64_t person_id, int *revoked, pd_err *err)
{
    sqlite3_stmt *st = pd_db_cached(db,
                                    "UPDATE person_tokens SET revoked_at = ? WHERE person_id = ?"
                                    " AND revoked_at IS NULL",
                                    err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, pd_now());
    sqlite3_bind_int64(st, 2, person_id);
    int s = sqlite3_step(st);
    pd_db_release(st);
    if (s != SQLITE_DONE)
        return pd_db_error(db, err);
    if (revoked)
        *revoked = sqlite3_changes(db);
    return PD_OK;
}

int pd_token_create_tx(sqlite3 *db, int64_t person_id, bool revoke_others,
                       char token[PD_TOKEN_CHARS + 1], pd_err *err)
{
    if (sodium_init() < 0)
        return pd_fail(err, PD_EIO, "", "Không khởi tạo được bộ sinh số ngẫu nhiên");
    if (revoke_others && revoke_live(db, person_id, NULL, err) != PD_OK)
        return PD_EDB;
    unsigned char bytes[16];
    randombytes_buf(bytes, sizeof bytes);
    encode(bytes, token);
    char hash[65];
    pd_token_hash(token, hash);
    sqlite3_stmt *st = pd_db_cached(
        db, "INSERT INTO person_tokens(token_hash, person_id, created_at) VALUES (?,?,?)", err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, person_id);
    sqlite3_bind_int64(st, 3, pd_now());
    int s = sqlite3_step(st);
    pd_db_release(st);
    return s == SQLITE_DONE ? PD_OK : pd_db_error(db, err);
}

int pd_token_resolve(sqlite3 *db, const char *token, int64_t *person_id, pd_err *err)
{
    char canon[PD_TOKEN_CHARS + 1], hash[65];
    *person_id = 0;
    if (!pd_token_normalize(token, canon))
        return pd_fail(err, PD_ENOTFOUND, "token", "Mã QR cá nhân không hợp lệ hoặc đã bị thu hồi");
    pd_token_hash(canon, hash);
    sqlite3_stmt *st = pd_db_cached(
        db, "SELECT person_id FROM person_tokens WHERE token_hash = ? AND revoked_at IS NULL", err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
    int s = sqlite3_step(st), rc = PD_OK;
    if (s == SQLITE_ROW)
        *person_id = sqlite3_column_int64(st, 0);
    else if (s == SQLITE_DONE)
        rc = pd_fail(err, PD_ENOTFOUND, "token", "Mã QR cá nhân không hợp lệ hoặc đã bị thu hồi");
    else
        rc = pd_db_error(db, err);
    pd_db_release(st);
    return rc;
}

/* The person's residence codes, for the scope check; PD_ENOTFOUND if absent or outside scope. */
static int person_in_scope(sqlite3 *db, const pd_actor *actor, int64_t person_id, char *unit,
                           size_t cap, pd_err *err)
{
    sqlite3_stmt *st = pd_db_cached(
        db, "SELECT province_code, district_code, unit_code FROM people WHERE id = ?", err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, person_id);
    int rc = pd_fail(err, PD_ENOTFOUND, "id", "Không tìm thấy người này");
    if (sqlite3_step(st) == SQLITE_ROW &&
        pd_scope_covers(actor, pd_col_text(st, 0), pd_col_text(st, 1), pd_col_text(st, 2))) {
        pd_strlcpy(unit, pd_col_text(st, 2), cap);
        rc = PD_OK;
    }
    pd_db_release(st);
    return rc;
}

int pd_token_issue(sqlite3 *db, const pd_actor *actor, int64_t person_id,
                   char token[PD_TOKEN_CHARS + 1], pd_err *err)
{
    char unit[16];
    token[0] = '\0';
    if (!pd_actor_can(actor, PD_PERM_DECLARE_ASSIST))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được cấp mã QR cá nhân");
    if (pd_db_begin(db, err) != PD_OK)
        return PD_EDB;
    int rc = person_in_scope(db, actor, person_id, unit, sizeof unit, err);
    if (rc == PD_OK)
        rc = pd_token_create_tx(db, person_id, true, token, err);
    if (rc == PD_OK)
        rc = pd_audit_write(db, actor, "create", "person_token", person_id, unit,
                            "cấp mã QR mới, thu hồi mã cũ", err);
    if (rc != PD_OK)
        token[0] = '\0';
    return pd_db_end(db, rc, err);
}

int pd_token_revoke_all(sqlite3 *db, const pd_actor *actor, int64_t person_id, int *revoked,
                        pd_err *err)
{
    char unit[16];
    *revoked = 0;
    if (!pd_actor_can(actor, PD_PERM_DECLARE_ASSIST))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được thu hồi mã QR cá nhân");
    if (pd_db_begin(db, err) != PD_OK)
        return PD_EDB;
    int rc = person_in_scope(db, actor, person_id, unit, sizeof unit, err);
    if (rc == PD_OK)
        rc = revoke_live(db, person_id, revoked, err);
    if (rc == PD_OK)
        rc = pd_audit_write(db, actor, "update", "person_token", person_id, unit,
                            "thu hồi mọi mã QR", err);
    return pd_db_end(db, rc, err);
}

int pd_token_status(sqlite3 *db, const pd_actor *actor, int64_t person_id, int *live,
                    int64_t *last_issued, pd_err *err)
{
    char unit[16];
    *live = 0;
    *last_issued = 0;
    if (!pd_actor_can(actor, PD_PERM_DECLARE_ASSIST) &&
        !pd_actor_can(actor, PD_PERM_DECLARATIONS_READ))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được xem mã QR cá nhân");
    int rc = person_in_scope(db, actor, person_id, unit, sizeof unit, err);
    if (rc != PD_OK)
        return rc;
    sqlite3_stmt *st = pd_db_cached(db,
                                    "SELECT count(*), coalesce(max(created_at), 0) FROM"
                                    " person_tokens WHERE person_id = ? AND revoked_at IS NULL",
                                    err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, person_id);
    if (sqlite3_step(st) == SQLITE_ROW) {
        *live = sqlite3_column_int(st, 0);
        *last_issued = sqlite3_column_int64(st, 1);
    }
    pd_db_release(st);
    return PD_OK;
}
