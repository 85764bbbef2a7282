/* Venues: kinds and their default stays, validation, create/update/read with scope and audit, the
 * public code of the poster, the list with search, and who may scan at a venue. */
#include "venues/venues.h"

#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "base/clock.h"
#include "base/ratelimit.h"
#include "base/validate.h"
#include "people/unit_cache.h"
#include "store/db.h"

const pd_venue_kind pd_venue_kinds[] = {
    {"market", "Chợ", 60},
    {"supermarket", "Siêu thị, cửa hàng", 60},
    {"bus_station", "Bến xe, nhà ga", 60},
    {"school", "Trường học", 480},
    {"hospital", "Bệnh viện, cơ sở y tế", 180},
    {"office", "Cơ quan, văn phòng", 540},
    {"factory", "Nhà máy, xí nghiệp", 600},
    {"restaurant", "Nhà hàng, quán ăn", 90},
    {"accommodation", "Cơ sở lưu trú", 720},
    {"religious", "Cơ sở tôn giáo", 120},
    {"sports", "Thể thao, giải trí", 120},
    {"other", "Khác", 120},
};
const int pd_venue_kind_count = (int)(sizeof pd_venue_kinds / sizeof pd_venue_kinds[0]);

const pd_venue_kind *pd_venue_kind_find(const char *code)
{
    for (int i = 0; code && i < pd_venue_kind_count; i++)
        if (strcmp(pd_venue_kinds[i].code, code) == 0)
            return &pd_venue_kinds[i];
    return NULL;
}

int pd_venue_stay_minutes(const pd_venue *v)
{
    if (v->default_stay_minutes > 0)
        return v->default_stay_minutes;
    const pd_venue_kind *k = pd_venue_kind_find(v->kind);
    return k ? k->stay_minutes : 120;
}

#define VENUE_COLUMNS                                                                              \
    "v.id, v.name, v.kind, v.unit_code, v.area_code, v.district_code, v.province_code, v.address," \
    " v.responsible_name, v.responsible_phone, v.default_stay_minutes, v.public_code, "            \
    "v.closed_at,"                                                                                 \
    " v.created_at, v.updated_at, v.version"

static void venue_from_row(sqlite3_stmt *st, int c, pd_venue *v)
{
    memset(v, 0, sizeof *v);
    v->id = sqlite3_column_int64(st, c);
    pd_strlcpy(v->name, pd_col_text(st, c + 1), sizeof v->name);
    pd_strlcpy(v->kind, pd_col_text(st, c + 2), sizeof v->kind);
    pd_strlcpy(v->unit_code, pd_col_text(st, c + 3), sizeof v->unit_code);
    pd_strlcpy(v->area_code, pd_col_text(st, c + 4), sizeof v->area_code);
    pd_strlcpy(v->district_code, pd_col_text(st, c + 5), sizeof v->district_code);
    pd_strlcpy(v->province_code, pd_col_text(st, c + 6), sizeof v->province_code);
    pd_strlcpy(v->address, pd_col_text(st, c + 7), sizeof v->address);
    pd_strlcpy(v->responsible_name, pd_col_text(st, c + 8), sizeof v->responsible_name);
    pd_strlcpy(v->responsible_phone, pd_col_text(st, c + 9), sizeof v->responsible_phone);
    v->default_stay_minutes = sqlite3_column_int(st, c + 10);
    pd_strlcpy(v->public_code, pd_col_text(st, c + 11), sizeof v->public_code);
    v->closed_at = sqlite3_column_int64(st, c + 12);
    v->created_at = sqlite3_column_int64(st, c + 13);
    v->updated_at = sqlite3_column_int64(st, c + 14);
    v->version = sqlite3_column_int(st, c + 15);
}

/* Loads a venue regardless of scope (callers check it). */
static int load_venue(sqlite3 *db, const char *where, int64_t id, const char *code, pd_venue *out,
                      pd_err *err)
{
    char sql[512];
    snprintf(sql, sizeof sql, "SELECT " VENUE_COLUMNS " FROM venues v WHERE %s", where);
    sqlite3_stmt *st = pd_db_cached(db, sql, err);
    if (!st)
        return PD_EDB;
    if (code)
        sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    else
        sqlite3_bind_int64(st, 1, id);
    int s = sqlite3_step(st), rc = PD_OK;
    if (s == SQLITE_ROW)
        venue_from_row(st, 0, out);
    else if (s == SQLITE_DONE)
        rc = pd_fail(err, PD_ENOTFOUND, "id", "Không tìm thấy địa điểm này");
    else
        rc = pd_db_error(db, err);
    pd_db_release(st);
    return rc;
}

/* Role venue sees its own venue only; everybody else the venues of the communes in scope. */
static bool venue_visible(const pd_actor *actor, const pd_venue *v)
{
    if (actor->role == PD_ROLE_VENUE)
        return actor->venue_id == v->id;
    return pd_scope_covers(actor, v->province_code, v->district_code, v->unit_code);
}

int pd_venue_get(sqlite3 *db, const pd_actor *actor, int64_t id, pd_venue *out, pd_err *err)
{
    if (!pd_actor_can(actor, PD_PERM_VENUES_READ))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được xem địa điểm");
    int rc = load_venue(db, "v.id = ?", id, NULL, out, err);
    if (rc == PD_OK && !venue_visible(actor, out)) {
        memset(out, 0, sizeof *out);
        return pd_fail(err, PD_ENOTFOUND, "id", "Không tìm thấy địa điểm này");
    }
    return rc;
}

/* Every public check-in looks its venue up by code. A small cache per thread keeps the answers for
 * at most a second; a change made in this process (create, update, close) empties every cache at
 * once through the epoch. */
#define CODE_CACHE_SLOTS 256
#define CODE_CACHE_SECONDS 1.0

static atomic_uint venue_epoch = 1;

typedef struct code_slot {
    unsigned epoch; /* 0: empty */
    double at;
    pd_venue v;
} code_slot;

static _Thread_local code_slot code_cache[CODE_CACHE_SLOTS];

static code_slot *code_slot_for(const char *code)
{
    unsigned h = 2166136261u;
    for (const unsigned char *c = (const unsigned char *)code; *c; c++)
        h = (h ^ *c) * 16777619u;
    return &code_cache[h % CODE_CACHE_SLOTS];
}

int pd_venue_by_code(sqlite3 *db, const char *public_code, pd_venue *out, pd_err *err)
{
    if (!public_code || !*public_code || strlen(public_code) >= sizeof out->public_code)
        return pd_fail(err, PD_ENOTFOUND, "code", "Không tìm thấy địa điểm (mã QR không đúng)");
    code_slot *slot = code_slot_for(public_code);
    double now = pd_monotonic_seconds();
    unsigned epoch = atomic_load(&venue_epoch);
    if (slot->epoch == epoch && now - slot->at < CODE_CACHE_SECONDS &&
        strcmp(slot->v.public_code, public_code) == 0) {
        *out = slot->v;
        return PD_OK;
    }
    int rc = load_venue(db, "v.public_code = ?", 0, public_code, out, err);
    if (rc == PD_ENOTFOUND)
        pd_fail(err, PD_ENOTFOUND, "code", "Không tìm thấy địa điểm (mã QR không đúng)");
    if (rc == PD_OK)
        *slot = (code_slot){.epoch = epoch, .at = now, .v = *out};
    return rc;
}

int pd_venue_for_scan(sqlite3 *db, const pd_actor *actor, int64_t venue_id, pd_venue *out,
                      pd_err *err)
{
    if (!pd_actor_can(actor, PD_PERM_CHECKIN_SCAN))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được quét mã check-in");
    int rc = load_venue(db, "v.id = ?", venue_id, NULL, out, err);
    if (rc == PD_OK && !venue_visible(actor, out)) {
        memset(out, 0, sizeof *out);
        return pd_fail(err, PD_ENOTFOUND, "id", "Không tìm thấy địa điểm này");
    }
    return rc;
}

static void clean_text(char *value, size_t cap, size_t max_chars, const char *field,
                       const char *label, pd_field_errors *errs)
{
    char tmp[512];
    if (!pd_nfc_clean(value, tmp, sizeof tmp < cap ? sizeof tmp : cap) ||
        pd_utf8_length(tmp) > max_chars) {
        char msg[200];
        snprintf(msg, sizeof msg, "%s quá dài (tối đa %zu ký tự) hoặc có ký tự không hợp lệ", label,
                 max_chars);
        pd_field_errors_add(errs, field, msg);
        return;
    }
    pd_strlcpy(value, tmp, cap);
}

static void normalize_unit(sqlite3 *db, pd_venue *v, pd_field_errors *errs)
{
    pd_place place = {v->unit_code, v->area_code, v->district_code, v->province_code};
    const char *message = NULL;
    const char *field =
        pd_place_resolve(db, place, "Chưa chọn xã, phường, thị trấn của địa điểm", &message);
    if (field)
        pd_field_errors_add(errs, field, message);
}

static void normalize_phone(pd_venue *v, pd_field_errors *errs)
{
    if (!v->responsible_phone[0])
        return;
    char out[16];
    pd_err err;
    if (pd_normalize_phone(v->responsible_phone, out, sizeof out, &err) != PD_OK)
        pd_field_errors_add(errs, "responsible_phone", err.message);
    else
        pd_strlcpy(v->responsible_phone, out, sizeof v->responsible_phone);
}

/* Normalises and validates the editable fields in place. */
static int normalize_venue(sqlite3 *db, pd_venue *v, pd_field_errors *errs)
{
    int before = errs->count;
    clean_text(v->name, sizeof v->name, 150, "name", "Tên địa điểm", errs);
    if (!v->name[0])
        pd_field_errors_add(errs, "name", "Tên địa điểm không được để trống");
    if (!pd_venue_kind_find(v->kind))
        pd_field_errors_add(errs, "kind",
                            "Chưa chọn loại địa điểm (chợ, siêu thị, trường học, ...)");
    normalize_unit(db, v, errs);
    clean_text(v->address, sizeof v->address, 250, "address", "Địa chỉ", errs);
    clean_text(v->responsible_name, sizeof v->responsible_name, 100, "responsible_name",
               "Người phụ trách", errs);
    normalize_phone(v, errs);
    if (v->default_stay_minutes != 0 && (v->default_stay_minutes < PD_VENUE_STAY_MIN ||
                                         v->default_stay_minutes > PD_VENUE_STAY_MAX))
        pd_field_errors_add(
            errs, "default_stay_minutes",
            "Thời gian lưu lại mặc định phải từ 5 đến 1440 phút (để trống: theo loại địa điểm)");
    return errs->count > before ? PD_EINVAL : PD_OK;
}

/* Validation shared by create and update, including the scope of the (new) commune. */
static int check_venue(sqlite3 *db, const pd_actor *actor, pd_venue *v, pd_field_errors *errs,
                       pd_err *err)
{
    if (normalize_venue(db, v, errs) != PD_OK)
        return pd_fail(err, PD_EINVAL, errs->items[0].field, "%s", errs->items[0].message);
    if (!pd_scope_covers(actor, v->province_code, v->district_code, v->unit_code)) {
        pd_field_errors_add(errs, "unit_code",
                            "Đơn vị này nằm ngoài phạm vi quản lý của tài khoản");
        return pd_fail(err, PD_EINVAL, "unit_code", "Đơn vị nằm ngoài phạm vi quản lý");
    }
    return PD_OK;
}

/* 12 characters from an alphabet without look-alikes (0/o, 1/l/i): about 59 bits. */
static void new_public_code(char *out, size_t cap)
{
    static const char alphabet[] = "abcdefghjkmnpqrstuvwxyz23456789";
    size_t n = cap - 1 < 12 ? cap - 1 : 12;
    for (size_t i = 0; i < n; i++)
        out[i] = alphabet[randombytes_uniform((uint32_t)(sizeof alphabet - 1))];
    out[n] = '\0';
}

static void bind_fields(sqlite3_stmt *st, const pd_venue *v)
{
    char folded[320];
    pd_fold(v->name, folded, sizeof folded);
    sqlite3_bind_text(st, 1, v->name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, folded, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, v->kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, v->unit_code, -1, SQLITE_STATIC);
    pd_bind_text_or_null(st, 5, v->area_code);
    sqlite3_bind_text(st, 6, v->district_code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, v->province_code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, v->address, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 9, v->responsible_name, -1, SQLITE_STATIC);
    pd_bind_text_or_null(st, 10, v->responsible_phone);
    if (v->default_stay_minutes > 0)
        sqlite3_bind_int(st, 11, v->default_stay_minutes);
    else
        sqlite3_bind_null(st, 11);
    sqlite3_bind_int64(st, 12, v->updated_at);
}

static int insert_venue(sqlite3 *db, const pd_actor *actor, pd_venue *v, pd_err *err)
{
    sqlite3_stmt *st = pd_db_prepare(
        db,
        "INSERT INTO venues(name, name_folded, kind, unit_code, area_code, district_code,"
        " province_code, address, responsible_name, responsible_phone, default_stay_minutes,"
        " updated_at, created_at, public_code, created_by) VALUES"
        " (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?12,?13,?14)",
        err);
    if (!st)
        return PD_EDB;
    int s = SQLITE_CONSTRAINT;
    for (int attempt = 0; attempt < 5 && s != SQLITE_DONE; attempt++) {
        new_public_code(v->public_code, sizeof v->public_code); /* retried on the rare collision */
        sqlite3_reset(st);
        bind_fields(st, v);
        sqlite3_bind_text(st, 13, v->public_code, -1, SQLITE_STATIC);
        if (actor->user_id)
            sqlite3_bind_int64(st, 14, actor->user_id);
        else
            sqlite3_bind_null(st, 14);
        s = sqlite3_step(st);
        if (s != SQLITE_DONE && s != SQLITE_CONSTRAINT)
            break;
    }
    sqlite3_finalize(st);
    if (s != SQLITE_DONE)
        return pd_db_error(db, err);
    v->id = sqlite3_last_insert_rowid(db);
    return PD_OK;
}

int pd_venue_create(sqlite3 *db, const pd_actor *actor, pd_venue *v, pd_field_errors *errs,
                    pd_err *err)
{
    errs->count = 0;
    if (!pd_actor_can(actor, PD_PERM_VENUES_WRITE))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được thêm địa điểm");
    if (pd_db_begin(db, err) != PD_OK)
        return PD_EDB;
    v->id = 0;
    v->closed_at = 0;
    int rc = check_venue(db, actor, v, errs, err);
    if (rc == PD_OK) {
        v->created_at = v->updated_at = pd_now();
        v->version = 1;
        rc = insert_venue(db, actor, v, err);
    }
    if (rc == PD_OK)
        rc = pd_audit_write(db, actor, "create", "venue", v->id, v->unit_code, v->name, err);
    rc = pd_db_end(db, rc, err);
    if (rc == PD_OK)
        atomic_fetch_add(&venue_epoch, 1);
    return rc;
}

static int write_update(sqlite3 *db, pd_venue *v, pd_err *err)
{
    sqlite3_stmt *st = pd_db_prepare(
        db,
        "UPDATE venues SET name=?1, name_folded=?2, kind=?3, unit_code=?4, area_code=?5,"
        " district_code=?6, province_code=?7, address=?8, responsible_name=?9,"
        " responsible_phone=?10, default_stay_minutes=?11, updated_at=?12, closed_at=?13,"
        " version = version + 1 WHERE id = ?14 AND version = ?15",
        err);
    if (!st)
        return PD_EDB;
    bind_fields(st, v);
    if (v->closed_at)
        sqlite3_bind_int64(st, 13, v->closed_at);
    else
        sqlite3_bind_null(st, 13);
    sqlite3_bind_int64(st, 14, v->id);
    sqlite3_bind_int(st, 15, v->version);
    int s = sqlite3_step(st);
    sqlite3_finalize(st);
    if (s != SQLITE_DONE)
        return pd_db_error(db, err);
    if (sqlite3_changes(db) != 1)
        return pd_fail(err, PD_ECONFLICT, "version",
                       "Địa điểm vừa được người khác sửa; hãy tải lại rồi sửa lại");
    v->version++;
    return PD_OK;
}

int pd_venue_update(sqlite3 *db, const pd_actor *actor, pd_venue *v, bool closed,
                    pd_field_errors *errs, pd_err *err)
{
    errs->count = 0;
    if (!pd_actor_can(actor, PD_PERM_VENUES_WRITE))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được sửa địa điểm");
    if (pd_db_begin(db, err) != PD_OK)
        return PD_EDB;
    pd_venue old;
    int rc = load_venue(db, "v.id = ?", v->id, NULL, &old, err);
    if (rc == PD_OK && !venue_visible(actor, &old))
        rc = pd_fail(err, PD_ENOTFOUND, "id", "Không tìm thấy địa điểm này");
    if (rc == PD_OK)
        rc = check_venue(db, actor, v, errs, err);
    if (rc == PD_OK) {
        v->updated_at = pd_now();
        v->closed_at = closed ? (old.closed_at ? old.closed_at : v->updated_at) : 0;
        v->created_at = old.created_at;
        pd_strlcpy(v->public_code, old.public_code, sizeof v->public_code);
        rc = write_update(db, v, err);
    }
    if (rc == PD_OK)
        rc = pd_audit_write(db, actor, closed && !old.closed_at ? "close" : "update", "venue",
                            v->id, v->unit_code, v->name, err);
    rc = pd_db_end(db, rc, err);
    if (rc == PD_OK)
        atomic_fetch_add(&venue_epoch, 1); /* cached public lookups see the change at once */
    return rc;
}

/* ---- List
 * ---------------------------------------------------------------------------------------- */

/* The column a unit filter compares for the unit's level (areas by area_code). The scope condition
 * still applies: a unit outside scope simply matches nothing. */
static int unit_filter(sqlite3 *db, const char *code, const char **column, pd_err *err)
{
    pd_unit_info u;
    if (!pd_unit_cache_get(db, code, &u))
        return pd_fail(err, PD_EINVAL, "unit", "Không có đơn vị hành chính mã %s", code);
    static const char *const columns[] = {"v.unit_code", "v.province_code", "v.district_code",
                                          "v.unit_code", "v.area_code"};
    *column = columns[u.level >= 1 && u.level <= 4 ? u.level : 0];
    return PD_OK;
}

static void build_list_sql(const pd_actor *actor, const char *unit_column, char *sql, size_t cap)
{
    static const char *const scope_columns[] = {"1", "v.province_code = ?1", "v.district_code = ?1",
                                                "v.unit_code = ?1"};
    snprintf(sql, cap,
             "SELECT " VENUE_COLUMNS " FROM venues v WHERE %s AND v.id > ?2"
             " AND (?3 = '' OR v.name_folded LIKE ?3 ESCAPE '\\' OR v.public_code = ?6)"
             " AND (?4 = '' OR v.kind = ?4) AND (?5 = 0 OR v.closed_at IS NULL)"
             " AND (?7 = 0 OR v.id = ?7)%s%s%s ORDER BY v.id LIMIT ?8",
             scope_columns[actor->scope_level], unit_column ? " AND " : "",
             unit_column ? unit_column : "", unit_column ? " = ?9" : "");
}

/* "%word1%word2%" from the folded query, LIKE special characters escaped. */
static void like_pattern(const char *q, char *out, size_t cap)
{
    char folded[256];
    pd_fold(q, folded, sizeof folded);
    size_t at = 0;
    if (folded[0] && at + 1 < cap)
        out[at++] = '%';
    for (const char *c = folded; *c && at + 3 < cap; c++) {
        if (*c == ' ') {
            out[at++] = '%';
            continue;
        }
        if (*c == '%' || *c == '_' || *c == '\\')
            out[at++] = '\\';
        out[at++] = *c;
    }
    if (folded[0] && at + 1 < cap)
        out[at++] = '%';
    out[at] = '\0';
}

int pd_venues_list(sqlite3 *db, const pd_actor *actor, const pd_venue_query *q, pd_venue_cb cb,
                   void *ctx, bool *more, pd_err *err)
{
    *more = false;
    if (!pd_actor_can(actor, PD_PERM_VENUES_READ))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được xem địa điểm");
    if (q->kind[0] && !pd_venue_kind_find(q->kind))
        return pd_fail(err, PD_EINVAL, "kind", "Loại địa điểm không hợp lệ");
    const char *unit_column = NULL;
    if (q->unit_code[0] && unit_filter(db, q->unit_code, &unit_column, err) != PD_OK)
        return err->code;
    int limit = q->limit <= 0 ? 50 : q->limit > 500 ? 500 : q->limit;
    char sql[1400], pattern[300];
    build_list_sql(actor, unit_column, sql, sizeof sql);
    like_pattern(q->q, pattern, sizeof pattern);
    sqlite3_stmt *st = pd_db_prepare(db, sql, err);
    if (!st)
        return PD_EDB;
    const char *param = pd_scope_param(actor);
    if (param)
        sqlite3_bind_text(st, 1, param, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, q->after_id);
    sqlite3_bind_text(st, 3, pattern, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, q->kind, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 5, q->open_only);
    sqlite3_bind_text(st, 6, q->q, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 7,
                       actor->role == PD_ROLE_VENUE ? (actor->venue_id ? actor->venue_id : -1) : 0);
    sqlite3_bind_int(st, 8, limit + 1);
    if (unit_column)
        sqlite3_bind_text(st, 9, q->unit_code, -1, SQLITE_STATIC);
    int n = 0, s;
    pd_venue v;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        if (++n > limit) {
            *more = true;
            break;
        }
        venue_from_row(st, 0, &v);
        if (cb(&v, ctx) != 0)
            break;
    }
    int rc = (s == SQLITE_ROW || s == SQLITE_DONE) ? PD_OK : pd_db_error(db, err);
    sqlite3_finalize(st);
    return rc;
}
