/* People: normalisation and validation, duplicates, create/update/read with scope and audit,
 * search. */
#include "people/people.h"

#include <stdio.h>
#include <string.h>
#include <utf8proc.h>

#include "audit/audit.h"
#include "base/clock.h"
#include "base/text.h"
#include "base/validate.h"
#include "people/row.h"
#include "people/unit_cache.h"
#include "store/db.h"

/* Letters, marks, spaces and ' - . only: what a name written on a Vietnamese card may hold. */
static bool name_chars_ok(const char *s)
{
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    while (*p) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = utf8proc_iterate(p, -1, &cp);
        if (n <= 0)
            return false;
        p += n;
        if (cp == ' ' || cp == '\'' || cp == '-' || cp == '.')
            continue;
        utf8proc_category_t c = utf8proc_category(cp);
        if (c < UTF8PROC_CATEGORY_LU || c > UTF8PROC_CATEGORY_ME)
            return false; /* not a letter (L*) or a mark (M*) */
    }
    return true;
}

/* Cleans a free-text field in place (NFC, whitespace); reports it if invalid or too long. */
static void clean_text(char *value, size_t cap, size_t max_chars, const char *field,
                       const char *label, pd_field_errors *errs)
{
    char tmp[1024];
    char msg[160];
    if (!pd_nfc_clean(value, tmp, sizeof tmp < cap ? sizeof tmp : cap) ||
        pd_utf8_length(tmp) > max_chars) {
        snprintf(msg, sizeof msg, "%s quá dài (tối đa %zu ký tự) hoặc có ký tự không hợp lệ", label,
                 max_chars);
        pd_field_errors_add(errs, field, msg);
        return;
    }
    pd_strlcpy(value, tmp, cap);
}

static void normalize_name(pd_person *p, pd_field_errors *errs)
{
    clean_text(p->full_name, sizeof p->full_name, 100, "full_name", "Họ và tên", errs);
    if (p->full_name[0] == '\0')
        pd_field_errors_add(errs, "full_name", "Họ và tên không được để trống");
    else if (!name_chars_ok(p->full_name))
        pd_field_errors_add(errs, "full_name", "Họ và tên chỉ được gồm chữ cái và khoảng trắng");
}

static int birth_year_of(const pd_person *p)
{
    pd_date d;
    return p->birth_date[0] && pd_date_parse(p->birth_date, &d) ? d.year : 0;
}

static void normalize_birth(pd_person *p, pd_field_errors *errs)
{
    if (!p->birth_date[0])
        return;
    pd_date today = pd_local_date(pd_now()), d;
    pd_err err;
    if (pd_check_birth_date(p->birth_date, &today, &d, &err) != PD_OK)
        pd_field_errors_add(errs, "birth_date", err.message);
    else
        pd_date_format(&d, p->birth_date, sizeof p->birth_date);
}

static void normalize_sex(pd_person *p, pd_field_errors *errs)
{
    if (strcmp(p->sex, "m") == 0 || strcmp(p->sex, "f") == 0)
        p->sex[0] = (char)(p->sex[0] - 'a' + 'A');
    if (p->sex[0] && strcmp(p->sex, "M") != 0 && strcmp(p->sex, "F") != 0)
        pd_field_errors_add(errs, "sex", "Giới tính phải là Nam (M) hoặc Nữ (F)");
}

static void infer_id_type(pd_person *p)
{
    if (p->id_type[0] || !p->id_number[0])
        return;
    size_t n = strlen(p->id_number);
    const char *type = pd_all_digits(p->id_number) ? (n == 12  ? "cccd"
                                                      : n == 9 ? "cmnd"
                                                               : "")
                                                   : "passport";
    pd_strlcpy(p->id_type, type, sizeof p->id_type);
}

static void normalize_id(pd_person *p, pd_field_errors *errs)
{
    char tmp[sizeof p->id_number];
    size_t at = 0;
    for (const char *c = p->id_number; *c && at + 1 < sizeof tmp; c++)
        if (*c != ' ' && *c != '.' && *c != '-')
            tmp[at++] = *c;
    tmp[at] = '\0';
    pd_strlcpy(p->id_number, tmp, sizeof p->id_number);
    infer_id_type(p);
    pd_err err;
    int rc = PD_OK;
    if (!p->id_number[0]) {
        if (p->id_type[0])
            pd_field_errors_add(errs, "id_number", "Thiếu số giấy tờ tùy thân");
        return;
    }
    if (strcmp(p->id_type, "cccd") == 0)
        rc = pd_check_cccd(p->id_number, birth_year_of(p), p->sex[0], &err);
    else if (strcmp(p->id_type, "cmnd") == 0)
        rc = pd_check_cmnd(p->id_number, &err);
    else if (strcmp(p->id_type, "passport") == 0)
        rc = pd_check_passport(p->id_number, &err);
    else if (p->id_type[0])
        rc = pd_fail(&err, PD_EINVAL, "id_type",
                     "Loại giấy tờ phải là CCCD (12 số), CMND (9 số) hoặc hộ chiếu");
    else
        rc = pd_fail(&err, PD_EINVAL, "id_number",
                     "Số giấy tờ không hợp lệ: CCCD có 12 chữ số, CMND có 9 chữ số");
    if (rc != PD_OK)
        pd_field_errors_add(errs, err.field, err.message);
}

static void normalize_phone(pd_person *p, pd_field_errors *errs)
{
    if (!p->phone[0])
        return;
    char out[16];
    pd_err err;
    if (pd_normalize_phone(p->phone, out, sizeof out, &err) != PD_OK)
        pd_field_errors_add(errs, "phone", err.message);
    else
        pd_strlcpy(p->phone, out, sizeof p->phone);
}

static void normalize_nationality(pd_person *p, pd_field_errors *errs)
{
    if (!p->nationality[0])
        pd_strlcpy(p->nationality, "VN", sizeof p->nationality);
    for (char *c = p->nationality; *c; c++)
        if (*c >= 'a' && *c <= 'z')
            *c = (char)(*c - 'a' + 'A');
    if (strlen(p->nationality) != 2 || p->nationality[0] < 'A' || p->nationality[0] > 'Z' ||
        p->nationality[1] < 'A' || p->nationality[1] > 'Z')
        pd_field_errors_add(errs, "nationality",
                            "Quốc tịch ghi bằng mã 2 chữ cái (VN, CN, US, ...)");
}

/* Resolves unit_code/area_code: an area given as unit_code moves to area_code under its commune. */
static void normalize_unit(sqlite3 *db, pd_person *p, pd_field_errors *errs)
{
    pd_place place = {p->unit_code, p->area_code, p->district_code, p->province_code};
    const char *message = NULL;
    const char *field =
        pd_place_resolve(db, place, "Chưa chọn xã, phường, thị trấn nơi cư trú", &message);
    if (field)
        pd_field_errors_add(errs, field, message);
}

int pd_person_normalize(sqlite3 *db, pd_person *p, pd_field_errors *errs)
{
    int before = errs ? errs->count : 0;
    normalize_name(p, errs);
    normalize_birth(p, errs);
    normalize_sex(p, errs);
    normalize_id(p, errs);
    normalize_phone(p, errs);
    normalize_nationality(p, errs);
    normalize_unit(db, p, errs);
    clean_text(p->address, sizeof p->address, 250, "address", "Địa chỉ", errs);
    clean_text(p->relation, sizeof p->relation, 30, "relation", "Quan hệ với chủ hộ", errs);
    clean_text(p->occupation, sizeof p->occupation, 90, "occupation", "Nghề nghiệp", errs);
    clean_text(p->note, sizeof p->note, 500, "note", "Ghi chú", errs);
    return errs && errs->count > before ? PD_EINVAL : PD_OK;
}

static bool person_in_scope(const pd_actor *actor, const pd_person *p)
{
    return pd_scope_covers(actor, p->province_code, p->district_code, p->unit_code);
}

/* Loads a person by id regardless of scope (the callers check it). */
static int load_person(sqlite3 *db, int64_t id, pd_person *out, pd_err *err)
{
    sqlite3_stmt *st =
        pd_db_cached(db, "SELECT " PD_PERSON_COLUMNS " FROM people p WHERE p.id = ?", err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, id);
    int s = sqlite3_step(st), rc = PD_OK;
    if (s == SQLITE_ROW)
        pd_person_from_row(st, 0, out);
    else if (s == SQLITE_DONE)
        rc = pd_fail(err, PD_ENOTFOUND, "id", "Không tìm thấy người này");
    else
        rc = pd_db_error(db, err);
    pd_db_release(st);
    return rc;
}

int pd_person_find_duplicates(sqlite3 *db, const pd_actor *actor, const pd_person *p,
                              pd_duplicates *out, pd_err *err)
{
    out->count = 0;
    sqlite3_stmt *st = pd_db_prepare(db,
                                     "SELECT 'id_number', " PD_PERSON_COLUMNS
                                     " FROM people p WHERE p.id_number = ?1 AND p.id <> ?3"
                                     " UNION ALL SELECT 'phone', " PD_PERSON_COLUMNS
                                     " FROM people p WHERE p.phone = ?2"
                                     " AND p.id <> ?3 LIMIT 64",
                                     err);
    if (!st)
        return PD_EDB;
    pd_bind_text_or_null(st, 1, p->id_number);
    pd_bind_text_or_null(st, 2, p->phone);
    sqlite3_bind_int64(st, 3, p->id);
    pd_person other;
    while (sqlite3_step(st) == SQLITE_ROW && out->count < PD_MAX_DUPLICATES) {
        pd_person_from_row(st, 1, &other);
        if (!person_in_scope(actor, &other))
            continue; /* never reveal records outside scope */
        pd_duplicate *d = &out->items[out->count++];
        d->person_id = other.id;
        pd_strlcpy(d->field, pd_col_text(st, 0), sizeof d->field);
        pd_strlcpy(d->full_name, other.full_name, sizeof d->full_name);
        pd_strlcpy(d->unit_code, other.unit_code, sizeof d->unit_code);
    }
    sqlite3_finalize(st);
    return PD_OK;
}

static void bind_person(sqlite3_stmt *st, const pd_person *p)
{
    char folded[256];
    pd_fold(p->full_name, folded, sizeof folded);
    sqlite3_bind_text(st, 1, p->full_name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, folded, -1, SQLITE_TRANSIENT);
    pd_bind_text_or_null(st, 3, p->birth_date);
    sqlite3_bind_text(st, 4, p->sex, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 5, p->id_type, -1, SQLITE_TRANSIENT);
    pd_bind_text_or_null(st, 6, p->id_number);
    pd_bind_text_or_null(st, 7, p->phone);
    sqlite3_bind_text(st, 8, p->nationality, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 9, p->unit_code, -1, SQLITE_TRANSIENT);
    pd_bind_text_or_null(st, 10, p->area_code);
    sqlite3_bind_text(st, 11, p->district_code, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 12, p->province_code, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 13, p->address, -1, SQLITE_TRANSIENT);
    if (p->household_id)
        sqlite3_bind_int64(st, 14, p->household_id);
    else
        sqlite3_bind_null(st, 14);
    sqlite3_bind_text(st, 15, p->relation, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 16, p->occupation, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 17, p->note, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 18, p->updated_at);
}

static const char insert_person_sql[] =
    "INSERT INTO people(full_name, name_folded, birth_date, sex, id_type, id_number, phone,"
    " nationality, unit_code, area_code, district_code, province_code, address, household_id,"
    " relation, occupation, note, updated_at, created_at) VALUES"
    " (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?18)";

static const char update_person_sql[] =
    "UPDATE people SET full_name=?1, name_folded=?2, birth_date=?3, sex=?4, id_type=?5,"
    " id_number=?6, phone=?7, nationality=?8, unit_code=?9, area_code=?10, district_code=?11,"
    " province_code=?12, address=?13, household_id=?14, relation=?15, occupation=?16, note=?17,"
    " updated_at=?18, version = version + 1 WHERE id = ?19 AND version = ?20";

/* A household the person may join: it exists, lies in scope, and is in the person's commune. */
static int check_household(sqlite3 *db, const pd_actor *actor, const pd_person *p,
                           pd_field_errors *errs, pd_err *err)
{
    if (!p->household_id)
        return PD_OK;
    pd_household h;
    if (pd_household_get(db, actor, p->household_id, &h, err) != PD_OK) {
        pd_field_errors_add(errs, "household_id", "Không có hộ gia đình này");
        return PD_EINVAL;
    }
    if (strcmp(h.unit_code, p->unit_code) != 0) {
        pd_field_errors_add(errs, "household_id",
                            "Hộ gia đình thuộc xã, phường khác với nơi cư trú");
        return PD_EINVAL;
    }
    return PD_OK;
}

/* Validation shared by create and update: fields, scope of the (new) unit, household, duplicates.
 */
static int check_person(sqlite3 *db, const pd_actor *actor, pd_person *p, bool allow_duplicates,
                        pd_field_errors *errs, pd_duplicates *dups, pd_err *err)
{
    if (pd_person_normalize(db, p, errs) != PD_OK)
        return pd_fail(err, PD_EINVAL, errs->items[0].field, "%s", errs->items[0].message);
    if (!person_in_scope(actor, p)) {
        pd_field_errors_add(errs, "unit_code",
                            "Đơn vị này nằm ngoài phạm vi quản lý của tài khoản");
        return pd_fail(err, PD_EINVAL, "unit_code", "Đơn vị nằm ngoài phạm vi quản lý");
    }
    if (check_household(db, actor, p, errs, err) != PD_OK)
        return pd_fail(err, PD_EINVAL, "household_id", "%s", errs->items[errs->count - 1].message);
    if (pd_person_find_duplicates(db, actor, p, dups, err) != PD_OK)
        return PD_EDB;
    if (dups->count > 0 && !allow_duplicates)
        return pd_fail(err, PD_ECONFLICT, dups->items[0].field, "Đã có người trùng %s: %s",
                       strcmp(dups->items[0].field, "phone") == 0 ? "số điện thoại" : "số giấy tờ",
                       dups->items[0].full_name);
    return PD_OK;
}

int pd_person_create(sqlite3 *db, const pd_actor *actor, pd_person *p, bool allow_duplicates,
                     pd_field_errors *errs, pd_duplicates *dups, pd_err *err)
{
    errs->count = 0;
    dups->count = 0;
    if (!pd_actor_can(actor, PD_PERM_PEOPLE_WRITE))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được thêm người");
    if (pd_db_begin(db, err) != PD_OK)
        return PD_EDB;
    p->id = 0;
    int rc = check_person(db, actor, p, allow_duplicates, errs, dups, err);
    if (rc == PD_OK) {
        p->updated_at = p->created_at = pd_now();
        p->version = 1;
        sqlite3_stmt *st = pd_db_prepare(db, insert_person_sql, err);
        rc = st ? PD_OK : PD_EDB;
        if (st) {
            bind_person(st, p);
            rc = sqlite3_step(st) == SQLITE_DONE ? PD_OK : pd_db_error(db, err);
            sqlite3_finalize(st);
        }
        if (rc == PD_OK) {
            p->id = sqlite3_last_insert_rowid(db);
            rc = pd_audit_write(db, actor, "create", "person", p->id, p->unit_code, p->full_name,
                                err);
        }
    }
    return pd_db_end(db, rc, err);
}

/* Names the fields that changed, for the audit entry. */
static void changed_fields(const pd_person *a, const pd_person *b, char *out, size_t cap)
{
    out[0] = '\0';
    struct {
        const char *name, *x, *y;
    } f[] = {{"full_name", a->full_name, b->full_name},
             {"birth_date", a->birth_date, b->birth_date},
             {"sex", a->sex, b->sex},
             {"id_number", a->id_number, b->id_number},
             {"phone", a->phone, b->phone},
             {"unit_code", a->unit_code, b->unit_code},
             {"area_code", a->area_code, b->area_code},
             {"address", a->address, b->address},
             {"relation", a->relation, b->relation},
             {"occupation", a->occupation, b->occupation},
             {"note", a->note, b->note},
             {"nationality", a->nationality, b->nationality}};
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        if (strcmp(f[i].x, f[i].y) != 0)
            snprintf(out + strlen(out), cap - strlen(out), "%s%s", out[0] ? "," : "", f[i].name);
    if (a->household_id != b->household_id)
        snprintf(out + strlen(out), cap - strlen(out), "%shousehold_id", out[0] ? "," : "");
}

static int write_update(sqlite3 *db, const pd_actor *actor, pd_person *p, const pd_person *old,
                        pd_err *err)
{
    p->updated_at = pd_now();
    sqlite3_stmt *st = pd_db_prepare(db, update_person_sql, err);
    if (!st)
        return PD_EDB;
    bind_person(st, p);
    sqlite3_bind_int64(st, 19, p->id);
    sqlite3_bind_int(st, 20, p->version);
    int s = sqlite3_step(st);
    sqlite3_finalize(st);
    if (s != SQLITE_DONE)
        return pd_db_error(db, err);
    if (sqlite3_changes(db) != 1)
        return pd_fail(err, PD_ECONFLICT, "version",
                       "Hồ sơ vừa được người khác sửa; hãy tải lại trước khi lưu");
    p->version++;
    p->created_at = old->created_at;
    char detail[512];
    changed_fields(old, p, detail, sizeof detail);
    return pd_audit_write(db, actor, "update", "person", p->id, p->unit_code, detail, err);
}

int pd_person_update(sqlite3 *db, const pd_actor *actor, pd_person *p, bool allow_duplicates,
                     pd_field_errors *errs, pd_duplicates *dups, pd_err *err)
{
    errs->count = 0;
    dups->count = 0;
    if (!pd_actor_can(actor, PD_PERM_PEOPLE_READ))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được xem dân cư");
    if (pd_db_begin(db, err) != PD_OK)
        return PD_EDB;
    pd_person old;
    int rc = load_person(db, p->id, &old, err);
    if (rc == PD_OK && !person_in_scope(actor, &old))
        rc = pd_fail(err, PD_ENOTFOUND, "id", "Không tìm thấy người này");
    if (rc == PD_OK && !pd_actor_can(actor, PD_PERM_PEOPLE_WRITE))
        rc = pd_fail(err, PD_EDENIED, "", "Tài khoản không được sửa hồ sơ");
    if (rc == PD_OK && p->version != old.version)
        rc = pd_fail(err, PD_ECONFLICT, "version",
                     "Hồ sơ vừa được người khác sửa; hãy tải lại trước khi lưu");
    if (rc == PD_OK)
        rc = check_person(db, actor, p, allow_duplicates, errs, dups, err);
    if (rc == PD_OK)
        rc = write_update(db, actor, p, &old, err);
    return pd_db_end(db, rc, err);
}

int pd_person_get(sqlite3 *db, const pd_actor *actor, int64_t id, pd_person *out, pd_err *err)
{
    if (!pd_actor_can(actor, PD_PERM_PEOPLE_READ))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được xem dân cư");
    int rc = load_person(db, id, out, err);
    if (rc == PD_OK && !person_in_scope(actor, out)) {
        memset(out, 0, sizeof *out);
        return pd_fail(err, PD_ENOTFOUND, "id", "Không tìm thấy người này");
    }
    if (rc == PD_OK)
        pd_audit_read(db, actor, "person", id, out->unit_code, "");
    return rc;
}
