/* Health declarations: validation, matching a declaration to a registry person (or creating one),
 * storing it with its audit entry and alert, and the public, daily and staff entry points. */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "base/clock.h"
#include "base/text.h"
#include "base/validate.h"
#include "declare/internal.h"
#include "people/unit_cache.h"
#include "store/db.h"

static const char *const via_names[] = {"self", "staff", "ingest"};

/* Cleans a free-text field in place (NFC, whitespace, at most max_chars characters). */
static void clean_text(char *value, size_t cap, size_t max_chars, const char *field,
                       const char *label, pd_field_errors *errs)
{
    char tmp[1024], msg[200];
    if (!pd_nfc_clean(value, tmp, sizeof tmp < cap ? sizeof tmp : cap) ||
        pd_utf8_length(tmp) > max_chars) {
        snprintf(msg, sizeof msg, "%s quá dài (tối đa %zu ký tự) hoặc có ký tự không hợp lệ", label,
                 max_chars);
        pd_field_errors_add(errs, field, msg);
        return;
    }
    pd_strlcpy(value, tmp, cap);
}

/* ---- Validation ---------------------------------------------------------------------------- */

/* A birth year typed alone: 4 digits, 1900 up to this year (the person module checks full dates).
 */
static void check_birth_year(pd_person *p, bool required, pd_field_errors *errs)
{
    char msg[160];
    pd_date today = pd_local_date(pd_now());
    if (!p->birth_date[0]) {
        if (required)
            pd_field_errors_add(errs, "birth_year", "Chưa nhập năm sinh");
        return;
    }
    if (strchr(p->birth_date, '/') || strchr(p->birth_date, '-'))
        return; /* a full date: checked as birth_date by pd_person_normalize */
    int year = (int)strtol(p->birth_date, NULL, 10);
    if (!pd_all_digits(p->birth_date) || strlen(p->birth_date) != 4 || year < 1900 ||
        year > today.year) {
        snprintf(msg, sizeof msg, "Năm sinh phải gồm 4 chữ số, từ 1900 đến %d", today.year);
        pd_field_errors_add(errs, "birth_year", msg);
        p->birth_date[0] = '\0'; /* reported once, not again as birth_date */
    }
}

static void check_identity(sqlite3 *db, pd_declaration_in *in, bool self, pd_field_errors *errs)
{
    pd_person *p = &in->person;
    check_birth_year(p, self, errs);
    if (self && !p->sex[0])
        pd_field_errors_add(errs, "sex", "Chưa chọn giới tính");
    if (self && !p->phone[0])
        pd_field_errors_add(errs, "phone", "Chưa nhập số điện thoại để trạm y tế liên hệ khi cần");
    p->relation[0] = p->occupation[0] = p->note[0] = '\0';
    p->household_id = 0;
    pd_person_normalize(db, p, errs);
}

/* The residence typed for a registry person (person_id set): a commune or a thôn/tổ. */
static void check_residence(sqlite3 *db, pd_person *p, pd_field_errors *errs)
{
    pd_unit_info u;
    if (!p->unit_code[0])
        return; /* the registry's residence */
    if (!pd_unit_cache_get(db, p->unit_code, &u) || u.level < 3) {
        pd_field_errors_add(errs, "unit_code",
                            "Mã xã, phường không tồn tại (cần mã cấp xã, vd. 01834)");
        return;
    }
    if (u.level == 4) {
        pd_strlcpy(p->area_code, p->unit_code, sizeof p->area_code);
        pd_strlcpy(p->unit_code, u.commune_code, sizeof p->unit_code);
    } else if (p->area_code[0]) {
        pd_unit_info a;
        if (!pd_unit_cache_get(db, p->area_code, &a) || a.level != 4 ||
            strcmp(a.commune_code, p->unit_code) != 0)
            pd_field_errors_add(errs, "area_code",
                                "Thôn, tổ dân phố không thuộc xã, phường đã chọn");
    }
    pd_strlcpy(p->district_code, u.district_code, sizeof p->district_code);
    pd_strlcpy(p->province_code, u.province_code, sizeof p->province_code);
    clean_text(p->address, sizeof p->address, 250, "address", "Địa chỉ", errs);
}

static void check_place(sqlite3 *db, pd_place_visit *v, int i, int64_t day, pd_field_errors *errs)
{
    char field[32], msg[200];
    int64_t d;
    pd_unit_info u;
    snprintf(field, sizeof field, "places[%d]", i);
    clean_text(v->place, sizeof v->place, 100, field, "Tên nơi đã đến", errs);
    if (v->unit_code[0] && !pd_unit_cache_get(db, v->unit_code, &u)) {
        snprintf(msg, sizeof msg, "Nơi đến thứ %d: không có đơn vị hành chính mã %s", i + 1,
                 v->unit_code);
        pd_field_errors_add(errs, field, msg);
    }
    if (!v->unit_code[0] && !v->place[0]) {
        snprintf(msg, sizeof msg, "Nơi đến thứ %d: hãy chọn địa phương hoặc ghi tên nơi đã đến",
                 i + 1);
        pd_field_errors_add(errs, field, msg);
    }
    if (!pd_declare_date_days(v->date, &d) || d > day || d < day - 14) {
        snprintf(msg, sizeof msg,
                 "Nơi đến thứ %d: ngày đến phải trong 14 ngày gần đây (ngày/tháng/năm)", i + 1);
        pd_field_errors_add(errs, field, msg);
        return;
    }
    pd_declare_days_date(d, v->date);
}

static void check_answers(sqlite3 *db, pd_declaration_in *in, pd_field_errors *errs)
{
    char today[12];
    int64_t day;
    pd_declare_local_date(in->declared_at ? in->declared_at : pd_now(), today);
    pd_declare_date_days(today, &day);
    if (in->symptoms & ~PD_SYM_ALL)
        pd_field_errors_add(errs, "symptoms", "Triệu chứng không hợp lệ");
    if (in->exposures & ~PD_EXP_ALL)
        pd_field_errors_add(errs, "exposures", "Câu trả lời về tiếp xúc, dịch tễ không hợp lệ");
    if (in->vaccine_doses < -1 || in->vaccine_doses > 10)
        pd_field_errors_add(errs, "vaccine_doses", "Số mũi vắc xin đã tiêm phải từ 0 đến 10");
    clean_text(in->note, sizeof in->note, 500, "note", "Ghi chú", errs);
    if (in->nplaces < 0 || in->nplaces > PD_MAX_PLACES) {
        pd_field_errors_add(errs, "places", "Khai báo tối đa 20 nơi đã đến");
        in->nplaces = 0;
    }
    for (int i = 0; i < in->nplaces; i++)
        check_place(db, &in->places[i], i, day, errs);
    clean_text(in->travel, sizeof in->travel, 120, "travel", "Phương tiện di chuyển", errs);
}

int pd_declaration_normalize(sqlite3 *db, pd_declaration_in *in, bool require_phone,
                             pd_field_errors *errs)
{
    int before = errs->count;
    if (in->daily) {
        in->nplaces = 0;
        in->travel[0] = '\0';
        in->vaccine_doses = -1;
    } else if (in->person_id) {
        check_residence(db, &in->person, errs);
    } else {
        check_identity(db, in, require_phone, errs);
    }
    check_answers(db, in, errs);
    for (const char *c = in->external_id; *c; c++)
        if (*c < 0x21 || *c > 0x7e) {
            pd_field_errors_add(errs, "external_id",
                                "Mã khai báo ngoài hệ thống chỉ gồm ký tự ASCII");
            break;
        }
    return errs->count > before ? PD_EINVAL : PD_OK;
}

/* ---- Matching ------------------------------------------------------------------------------ */

static int year_of(const char *birth_date)
{
    return birth_date[0] ? (int)strtol(birth_date, NULL, 10) : 0;
}

/* Whether the registry's identity (folded name, birth date, sex) disagrees with the typed one. */
static bool identity_differs(const pd_person *typed, const char *folded, const char *birth,
                             const char *sex)
{
    char mine[256];
    pd_fold(typed->full_name, mine, sizeof mine);
    int y1 = year_of(typed->birth_date), y2 = year_of(birth);
    return strcmp(mine, folded) != 0 || (y1 && y2 && y1 != y2) ||
           (typed->sex[0] && sex[0] && strcmp(typed->sex, sex) != 0);
}

/* The first person in scope with the typed id number; *mismatch when their identity differs. */
static int match_by_id(sqlite3 *db, const pd_actor *actor, const pd_person *typed, int64_t *id,
                       bool *mismatch, pd_err *err)
{
    char cond[64], sql[320];
    snprintf(sql, sizeof sql,
             "SELECT p.id, p.name_folded, coalesce(p.birth_date, ''), p.sex FROM people p"
             " WHERE p.id_number = ? AND %s ORDER BY p.id LIMIT 1",
             pd_scope_sql(actor, "p", cond, sizeof cond));
    sqlite3_stmt *st = pd_db_cached(db, sql, err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_text(st, 1, typed->id_number, -1, SQLITE_STATIC);
    if (pd_scope_param(actor))
        sqlite3_bind_text(st, 2, pd_scope_param(actor), -1, SQLITE_STATIC);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW) {
        *id = sqlite3_column_int64(st, 0);
        *mismatch =
            identity_differs(typed, pd_col_text(st, 1), pd_col_text(st, 2), pd_col_text(st, 3));
    }
    pd_db_release(st);
    return s == SQLITE_ROW || s == SQLITE_DONE ? PD_OK : pd_db_error(db, err);
}

/* A person in scope with the same phone and folded name whose id number and birth year do not
 * contradict the typed ones (relatives often share a phone). */
static int match_by_phone(sqlite3 *db, const pd_actor *actor, const pd_person *typed, int64_t *id,
                          pd_err *err)
{
    char cond[64], sql[400], folded[256];
    pd_fold(typed->full_name, folded, sizeof folded);
    snprintf(sql, sizeof sql,
             "SELECT p.id, coalesce(p.id_number, ''), coalesce(p.birth_date, '') FROM people p"
             " WHERE p.phone = ? AND p.name_folded = ? AND %s ORDER BY p.id LIMIT 20",
             pd_scope_sql(actor, "p", cond, sizeof cond));
    sqlite3_stmt *st = pd_db_cached(db, sql, err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_text(st, 1, typed->phone, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, folded, -1, SQLITE_STATIC);
    if (pd_scope_param(actor))
        sqlite3_bind_text(st, 3, pd_scope_param(actor), -1, SQLITE_STATIC);
    int s, y = year_of(typed->birth_date);
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        const char *idn = pd_col_text(st, 1);
        int ry = year_of(pd_col_text(st, 2));
        if (typed->id_number[0] && idn[0] && strcmp(idn, typed->id_number) != 0)
            continue;
        if (y && ry && y != ry)
            continue;
        *id = sqlite3_column_int64(st, 0);
        break;
    }
    pd_db_release(st);
    return s == SQLITE_ROW || s == SQLITE_DONE ? PD_OK : pd_db_error(db, err);
}

static int create_person(sqlite3 *db, const pd_actor *actor, pd_person *p, pd_err *err)
{
    pd_inserter ins;
    if (pd_inserter_open(db, &ins, err) != PD_OK)
        return PD_EDB;
    p->created_at = pd_now();
    p->household_id = 0;
    int rc = pd_inserter_person(&ins, p, err);
    pd_inserter_close(&ins);
    if (rc != PD_OK)
        return rc;
    return pd_audit_write(db, actor, "create", "person", p->id, p->unit_code,
                          "tạo từ khai báo y tế", err);
}

/* Finds the declaring person (by id number, else phone + name) or creates them. */
static int match_or_create(sqlite3 *db, const pd_actor *actor, pd_declaration_in *in,
                           pd_declaration_out *out, pd_err *err)
{
    int64_t id = 0;
    bool mismatch = false;
    int rc = PD_OK;
    if (in->person.id_number[0])
        rc = match_by_id(db, actor, &in->person, &id, &mismatch, err);
    if (rc == PD_OK && !id && in->person.phone[0])
        rc = match_by_phone(db, actor, &in->person, &id, err);
    if (rc == PD_OK && !id) {
        rc = create_person(db, actor, &in->person, err);
        id = in->person.id;
        out->person_created = rc == PD_OK;
    }
    out->person_id = id;
    out->needs_review = mismatch;
    return rc;
}

/* ---- Storing ------------------------------------------------------------------------------- */

static int registry_residence(sqlite3 *db, int64_t person_id, pd_residence *r, pd_err *err)
{
    sqlite3_stmt *st = pd_db_cached(db,
                                    "SELECT unit_code, coalesce(area_code, ''), district_code,"
                                    " province_code, address FROM people WHERE id = ?",
                                    err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, person_id);
    int s = sqlite3_step(st), rc = PD_OK;
    if (s == SQLITE_ROW) {
        pd_strlcpy(r->unit_code, pd_col_text(st, 0), sizeof r->unit_code);
        pd_strlcpy(r->area_code, pd_col_text(st, 1), sizeof r->area_code);
        pd_strlcpy(r->district_code, pd_col_text(st, 2), sizeof r->district_code);
        pd_strlcpy(r->province_code, pd_col_text(st, 3), sizeof r->province_code);
        pd_strlcpy(r->address, pd_col_text(st, 4), sizeof r->address);
    } else {
        rc = s == SQLITE_DONE ? pd_fail(err, PD_ENOTFOUND, "person_id", "Không tìm thấy người này")
                              : pd_db_error(db, err);
    }
    pd_db_release(st);
    return rc;
}

/* The residence of the person's latest full declaration; *found false if none. */
static int declared_residence(sqlite3 *db, int64_t person_id, pd_residence *r, bool *found,
                              pd_err *err)
{
    sqlite3_stmt *st = pd_db_cached(db,
                                    "SELECT unit_code, coalesce(area_code, ''), district_code,"
                                    " province_code, address FROM declarations WHERE person_id = ?"
                                    " AND kind = 'full' ORDER BY declared_at DESC, id DESC LIMIT 1",
                                    err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, person_id);
    int s = sqlite3_step(st);
    *found = s == SQLITE_ROW;
    if (*found) {
        pd_strlcpy(r->unit_code, pd_col_text(st, 0), sizeof r->unit_code);
        pd_strlcpy(r->area_code, pd_col_text(st, 1), sizeof r->area_code);
        pd_strlcpy(r->district_code, pd_col_text(st, 2), sizeof r->district_code);
        pd_strlcpy(r->province_code, pd_col_text(st, 3), sizeof r->province_code);
        pd_strlcpy(r->address, pd_col_text(st, 4), sizeof r->address);
    }
    pd_db_release(st);
    return s == SQLITE_ROW || s == SQLITE_DONE ? PD_OK : pd_db_error(db, err);
}

/* Where the declaration is filed: the typed residence, else the latest declared one (daily), else
 * the registry's. */
static int residence_of(sqlite3 *db, const pd_declaration_in *in, int64_t person_id,
                        pd_residence *r, pd_err *err)
{
    memset(r, 0, sizeof *r);
    if (!in->daily && in->person.unit_code[0]) {
        pd_strlcpy(r->unit_code, in->person.unit_code, sizeof r->unit_code);
        pd_strlcpy(r->area_code, in->person.area_code, sizeof r->area_code);
        pd_strlcpy(r->district_code, in->person.district_code, sizeof r->district_code);
        pd_strlcpy(r->province_code, in->person.province_code, sizeof r->province_code);
        pd_strlcpy(r->address, in->person.address, sizeof r->address);
        return PD_OK;
    }
    bool found = false;
    if (in->daily && declared_residence(db, person_id, r, &found, err) != PD_OK)
        return PD_EDB;
    return found ? PD_OK : registry_residence(db, person_id, r, err);
}

static char *places_json(const pd_declaration_in *in)
{
    json_t *a = json_array();
    for (int i = 0; i < in->nplaces; i++)
        json_array_append_new(a,
                              json_pack("{s:s, s:s, s:s}", "unit_code", in->places[i].unit_code,
                                        "place", in->places[i].place, "date", in->places[i].date));
    char *text = json_dumps(a, JSON_COMPACT);
    json_decref(a);
    return text;
}

/* The identity as typed, kept in the note when it disagrees with the matched registry person. */
static void typed_identity_note(pd_declaration_in *in)
{
    const pd_person *p = &in->person;
    pd_buf b;
    pd_buf_init(&b);
    pd_buf_printf(&b, "Nhân thân khai báo: %s, năm sinh %.4s, %s, giấy tờ %s, SĐT %s.%s%s",
                  p->full_name, p->birth_date[0] ? p->birth_date : "?",
                  strcmp(p->sex, "M") == 0   ? "nam"
                  : strcmp(p->sex, "F") == 0 ? "nữ"
                                             : "giới tính ?",
                  p->id_number[0] ? p->id_number : "không", p->phone[0] ? p->phone : "không",
                  in->note[0] ? " " : "", in->note);
    pd_declare_cut_utf8(b.data, sizeof in->note - 1);
    pd_strlcpy(in->note, b.data, sizeof in->note);
    pd_buf_free(&b);
}

static void bind_declaration(sqlite3_stmt *st, const pd_actor *actor, const pd_declaration_in *in,
                             int64_t person_id, const pd_residence *r, const char *places)
{
    sqlite3_bind_int64(st, 1, person_id);
    sqlite3_bind_text(st, 2, in->daily ? "daily" : "full", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, via_names[in->via], -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, in->declared_at);
    sqlite3_bind_text(st, 5, r->unit_code, -1, SQLITE_STATIC);
    pd_bind_text_or_null(st, 6, r->area_code);
    sqlite3_bind_text(st, 7, r->district_code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, r->province_code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 9, r->address, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 10, in->travel, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 11, places, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 12, in->symptoms);
    sqlite3_bind_int(st, 13, in->exposures);
    if (in->vaccine_doses >= 0)
        sqlite3_bind_int(st, 14, in->vaccine_doses);
    else
        sqlite3_bind_null(st, 14);
    sqlite3_bind_text(st, 15, in->note, -1, SQLITE_STATIC);
    pd_bind_text_or_null(st, 16, in->external_id);
    if (in->via != PD_VIA_SELF && actor->user_id)
        sqlite3_bind_int64(st, 17, actor->user_id);
    else
        sqlite3_bind_null(st, 17);
}

static int insert_declaration(sqlite3 *db, const pd_actor *actor, const pd_declaration_in *in,
                              int64_t person_id, const pd_residence *r, int64_t *id, pd_err *err)
{
    char *places = places_json(in);
    sqlite3_stmt *st = pd_db_cached(
        db,
        "INSERT INTO declarations(person_id, kind, via, declared_at, unit_code, area_code,"
        " district_code, province_code, address, travel, places, symptoms, exposures, "
        "vaccine_doses,"
        " note, external_id, created_by) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        err);
    int rc = st ? PD_OK : PD_EDB;
    if (st) {
        bind_declaration(st, actor, in, person_id, r, places ? places : "[]");
        rc = sqlite3_step(st) == SQLITE_DONE ? PD_OK : pd_db_error(db, err);
        pd_db_release(st);
    }
    free(places);
    if (rc == PD_OK)
        *id = sqlite3_last_insert_rowid(db);
    return rc;
}

/* An ingested declaration already stored under external_id. */
static int find_replay(sqlite3 *db, const char *external_id, pd_declaration_out *out, pd_err *err)
{
    sqlite3_stmt *st =
        pd_db_cached(db,
                     "SELECT d.id, d.person_id, coalesce((SELECT max(a.id) FROM alerts a WHERE"
                     " a.declaration_id = d.id), 0) FROM declarations d WHERE d.external_id = ?",
                     err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_text(st, 1, external_id, -1, SQLITE_STATIC);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW) {
        out->replayed = true;
        out->declaration_id = sqlite3_column_int64(st, 0);
        out->person_id = sqlite3_column_int64(st, 1);
        out->alert_id = sqlite3_column_int64(st, 2);
    }
    pd_db_release(st);
    return s == SQLITE_ROW || s == SQLITE_DONE ? PD_OK : pd_db_error(db, err);
}

static int audit_declaration(sqlite3 *db, const pd_actor *actor, const pd_declaration_in *in,
                             const pd_declaration_out *out, const pd_residence *r, pd_err *err)
{
    char detail[160];
    snprintf(detail, sizeof detail, "%s, %s%s%s", in->daily ? "hằng ngày" : "đầy đủ",
             via_names[in->via], in->symptoms ? ", có triệu chứng" : "",
             out->needs_review ? ", cần kiểm tra nhân thân" : "");
    return pd_audit_write(db, actor, "create", "declaration", out->declaration_id, r->unit_code,
                          detail, err);
}

int pd_declaration_record(sqlite3 *db, const pd_actor *actor, pd_declaration_in *in,
                          pd_declaration_out *out, pd_err *err)
{
    pd_residence r;
    memset(out, 0, sizeof *out);
    if (in->external_id[0] && find_replay(db, in->external_id, out, err) != PD_OK)
        return PD_EDB;
    if (out->replayed)
        return PD_OK;
    if (!in->declared_at)
        in->declared_at = pd_now();
    int rc = PD_OK;
    if (in->person_id) {
        out->person_id = in->person_id;
        rc = registry_residence(db, in->person_id, &r, err); /* the person must exist */
    } else {
        rc = match_or_create(db, actor, in, out, err);
    }
    if (rc == PD_OK)
        rc = residence_of(db, in, out->person_id, &r, err);
    if (rc == PD_OK && out->needs_review)
        typed_identity_note(in);
    if (rc == PD_OK)
        rc = insert_declaration(db, actor, in, out->person_id, &r, &out->declaration_id, err);
    if (rc == PD_OK)
        rc = audit_declaration(db, actor, in, out, &r, err);
    if (rc == PD_OK)
        rc = pd_alert_raise_tx(db, in, out->declaration_id, out->person_id, &r, out->needs_review,
                               &out->alert_id, err);
    return rc;
}

/* ---- Entry points -------------------------------------------------------------------------- */

static int invalid(const pd_field_errors *errs, pd_err *err)
{
    return pd_fail(err, PD_EINVAL, errs->items[0].field, "%s", errs->items[0].message);
}

/* Keeps the token the page already holds when it is live and belongs to the person. */
static int public_token(sqlite3 *db, const char *token_in, int64_t person_id,
                        char token_out[PD_TOKEN_CHARS + 1], pd_err *err)
{
    int64_t owner = 0;
    pd_err ignored;
    if (token_in && token_in[0] && pd_token_resolve(db, token_in, &owner, &ignored) == PD_OK &&
        owner == person_id) {
        pd_token_normalize(token_in, token_out);
        return PD_OK;
    }
    return pd_token_create_tx(db, person_id, false, token_out, err);
}

int pd_declare_public(sqlite3 *db, const char *ip, pd_declaration_in *in, const char *token_in,
                      char token_out[PD_TOKEN_CHARS + 1], int64_t *declared_at,
                      pd_field_errors *errs, pd_err *err)
{
    pd_declaration_out out;
    token_out[0] = '\0';
    errs->count = 0;
    in->daily = false;
    in->via = PD_VIA_SELF;
    in->person_id = 0;
    in->declared_at = 0;
    in->external_id[0] = '\0';
    if (pd_declaration_normalize(db, in, true, errs) != PD_OK)
        return invalid(errs, err);
    pd_actor actor = pd_declare_public_actor(ip);
    if (pd_db_begin(db, err) != PD_OK)
        return PD_EDB;
    int rc = pd_declaration_record(db, &actor, in, &out, err);
    if (rc == PD_OK)
        rc = public_token(db, token_in, out.person_id, token_out, err);
    rc = pd_db_end(db, rc, err);
    if (rc != PD_OK)
        token_out[0] = '\0';
    *declared_at = in->declared_at;
    return rc;
}

int pd_declare_daily(sqlite3 *db, const char *ip, const char *token, pd_declaration_in *in,
                     int64_t *declared_at, pd_field_errors *errs, pd_err *err)
{
    pd_declaration_out out;
    errs->count = 0;
    in->daily = true;
    in->via = PD_VIA_SELF;
    in->person_id = 0;
    in->declared_at = 0;
    in->external_id[0] = '\0';
    if (pd_declaration_normalize(db, in, false, errs) != PD_OK)
        return invalid(errs, err);
    pd_actor actor = pd_declare_public_actor(ip);
    if (pd_db_begin(db, err) != PD_OK)
        return PD_EDB;
    int rc = pd_token_resolve(db, token, &in->person_id, err);
    if (rc == PD_OK)
        rc = pd_declaration_record(db, &actor, in, &out, err);
    *declared_at = in->declared_at;
    return pd_db_end(db, rc, err);
}

/* Staff may declare only for people and residences in their scope. */
static int assist_scope(sqlite3 *db, const pd_actor *actor, const pd_declaration_in *in,
                        pd_err *err)
{
    pd_residence r;
    if (in->person_id) {
        int rc = registry_residence(db, in->person_id, &r, err);
        if (rc == PD_ENOTFOUND ||
            (rc == PD_OK && !pd_scope_covers(actor, r.province_code, r.district_code, r.unit_code)))
            return pd_fail(err, PD_ENOTFOUND, "person_id", "Không tìm thấy người này");
        if (rc != PD_OK)
            return rc;
    }
    const pd_person *p = &in->person;
    if (p->unit_code[0] &&
        !pd_scope_covers(actor, p->province_code, p->district_code, p->unit_code))
        return pd_fail(err, PD_EINVAL, "unit_code",
                       "Nơi cư trú nằm ngoài phạm vi quản lý của tài khoản");
    return PD_OK;
}

int pd_declare_assist(sqlite3 *db, const pd_actor *actor, pd_declaration_in *in,
                      pd_declaration_out *out, pd_field_errors *errs, pd_err *err)
{
    memset(out, 0, sizeof *out);
    errs->count = 0;
    if (!pd_actor_can(actor, PD_PERM_DECLARE_ASSIST))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được khai báo hộ");
    in->daily = false;
    in->via = PD_VIA_STAFF;
    in->declared_at = 0;
    in->external_id[0] = '\0';
    if (pd_declaration_normalize(db, in, false, errs) != PD_OK)
        return invalid(errs, err);
    if (pd_db_begin(db, err) != PD_OK)
        return PD_EDB;
    int rc = assist_scope(db, actor, in, err);
    if (rc == PD_EINVAL)
        pd_field_errors_add(errs, err->field, err->message);
    if (rc == PD_OK)
        rc = pd_declaration_record(db, actor, in, out, err);
    return pd_db_end(db, rc, err);
}

/* ---- Reading ------------------------------------------------------------------------------- */

#define DECLARATION_COLUMNS                                                                        \
    "d.id, d.person_id, d.kind, d.via, d.declared_at, d.unit_code, coalesce(d.area_code, ''),"     \
    " d.district_code, d.province_code, d.address, d.travel, d.places, d.symptoms, d.exposures,"   \
    " coalesce(d.vaccine_doses, -1), d.note, coalesce(d.created_by, 0), p.full_name,"              \
    " coalesce(p.phone, '')"

static void declaration_from_row(sqlite3_stmt *st, pd_declaration *d)
{
    memset(d, 0, sizeof *d);
    d->id = sqlite3_column_int64(st, 0);
    d->person_id = sqlite3_column_int64(st, 1);
    pd_strlcpy(d->kind, pd_col_text(st, 2), sizeof d->kind);
    pd_strlcpy(d->via, pd_col_text(st, 3), sizeof d->via);
    d->declared_at = sqlite3_column_int64(st, 4);
    pd_strlcpy(d->unit_code, pd_col_text(st, 5), sizeof d->unit_code);
    pd_strlcpy(d->area_code, pd_col_text(st, 6), sizeof d->area_code);
    pd_strlcpy(d->district_code, pd_col_text(st, 7), sizeof d->district_code);
    pd_strlcpy(d->province_code, pd_col_text(st, 8), sizeof d->province_code);
    pd_strlcpy(d->address, pd_col_text(st, 9), sizeof d->address);
    pd_strlcpy(d->travel, pd_col_text(st, 10), sizeof d->travel);
    pd_strlcpy(d->places, pd_col_text(st, 11), sizeof d->places);
    d->symptoms = sqlite3_column_int(st, 12);
    d->exposures = sqlite3_column_int(st, 13);
    d->vaccine_doses = sqlite3_column_int(st, 14);
    pd_strlcpy(d->note, pd_col_text(st, 15), sizeof d->note);
    d->created_by = sqlite3_column_int64(st, 16);
    pd_strlcpy(d->full_name, pd_col_text(st, 17), sizeof d->full_name);
    pd_strlcpy(d->phone, pd_col_text(st, 18), sizeof d->phone);
}

/* The WHERE clause of a declarations query: text parameters first, then the two times. */
typedef struct dwhere {
    char sql[896];
    const char *params[4];
    int n;
    char unit_param[16];
    int64_t from, to;
} dwhere;

static void dwhere_add(dwhere *w, const char *cond, const char *param)
{
    size_t n = strlen(w->sql);
    snprintf(w->sql + n, sizeof w->sql - n, "%s%s", n ? " AND " : "", cond);
    if (param)
        w->params[w->n++] = param;
}

static int date_bound(const char *date, int add, const char *field, int64_t *out, pd_err *err)
{
    int64_t days;
    if (!date[0])
        return PD_OK;
    if (!pd_declare_date_days(date, &days))
        return pd_fail(err, PD_EINVAL, field, "Ngày không hợp lệ: ghi theo dạng năm-tháng-ngày");
    *out = pd_declare_day_start(days + add);
    return PD_OK;
}

static int declaration_where(sqlite3 *db, const pd_actor *actor, const pd_declaration_query *q,
                             dwhere *w, pd_err *err)
{
    char cond[96];
    memset(w, 0, sizeof *w);
    w->from = INT64_MIN;
    w->to = INT64_MAX;
    dwhere_add(w, pd_scope_sql(actor, "d", cond, sizeof cond), pd_scope_param(actor));
    if (q->unit_code[0]) {
        if (pd_declare_unit_filter(db, "d", q->unit_code, true, cond, sizeof cond, w->unit_param,
                                   sizeof w->unit_param, err) != PD_OK)
            return PD_EINVAL;
        dwhere_add(w, cond, w->unit_param);
    }
    if (date_bound(q->from, 0, "from", &w->from, err) != PD_OK ||
        date_bound(q->to, 1, "to", &w->to, err) != PD_OK)
        return PD_EINVAL;
    if (q->symptoms_only)
        dwhere_add(w, "d.symptoms <> 0", NULL);
    return PD_OK;
}

/* Keyset paging and order: by time through the (unit or person, declared_at) indexes when the query
 * is narrowed to a unit or a person, else by id (the rowid, in step with time but for ingested
 * rows) so that a country-wide list never sorts the whole table. */
static void declaration_order(const pd_actor *actor, const pd_declaration_query *q, dwhere *w,
                              char *order, size_t cap)
{
    char cond[200];
    bool by_time = actor->scope_level != PD_SCOPE_COUNTRY || q->unit_code[0] || q->person_id;
    if (q->person_id) {
        snprintf(cond, sizeof cond, "d.person_id = %lld", (long long)q->person_id);
        dwhere_add(w, cond, NULL);
    }
    if (q->before_id && by_time)
        snprintf(
            cond, sizeof cond,
            "(d.declared_at, d.id) < (SELECT x.declared_at, x.id FROM declarations x WHERE x.id"
            " = %lld)",
            (long long)q->before_id);
    else if (q->before_id)
        snprintf(cond, sizeof cond, "d.id < %lld", (long long)q->before_id);
    if (q->before_id)
        dwhere_add(w, cond, NULL);
    snprintf(order, cap, "%s", by_time ? "d.declared_at DESC, d.id DESC" : "d.id DESC");
}

int pd_declarations_list(sqlite3 *db, const pd_actor *actor, const pd_declaration_query *q,
                         pd_declaration_cb cb, void *ctx, bool *more, pd_err *err)
{
    dwhere w;
    char order[64], sql[1536];
    *more = false;
    if (!pd_actor_can(actor, PD_PERM_DECLARATIONS_READ))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được xem khai báo y tế");
    if (declaration_where(db, actor, q, &w, err) != PD_OK)
        return PD_EINVAL;
    declaration_order(actor, q, &w, order, sizeof order);
    int limit = q->limit <= 0 ? 50 : q->limit > 200 ? 200 : q->limit, k = w.n;
    snprintf(sql, sizeof sql,
             "SELECT " DECLARATION_COLUMNS
             " FROM declarations d JOIN people p ON p.id = d.person_id"
             " WHERE %s AND d.declared_at >= ?%d AND d.declared_at < ?%d ORDER BY %s LIMIT ?%d",
             w.sql, k + 1, k + 2, order, k + 3);
    sqlite3_stmt *st = pd_db_prepare(db, sql, err);
    if (!st)
        return PD_EDB;
    for (int i = 0; i < k; i++)
        sqlite3_bind_text(st, i + 1, w.params[i], -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, k + 1, w.from);
    sqlite3_bind_int64(st, k + 2, w.to);
    sqlite3_bind_int(st, k + 3, limit + 1);
    int s, count = 0, rc = PD_OK;
    pd_declaration *d = malloc(sizeof *d);
    while (d && (s = sqlite3_step(st)) == SQLITE_ROW) {
        if (++count > limit) {
            *more = true;
            break;
        }
        declaration_from_row(st, d);
        if (cb(d, ctx) != 0)
            break;
    }
    if (!d)
        rc = pd_fail(err, PD_EDB, "", "Hết bộ nhớ");
    else if (s != SQLITE_ROW && s != SQLITE_DONE)
        rc = pd_db_error(db, err);
    free(d);
    sqlite3_finalize(st);
    return rc;
}

int pd_declaration_get(sqlite3 *db, const pd_actor *actor, int64_t id, pd_declaration *out,
                       pd_err *err)
{
    if (!pd_actor_can(actor, PD_PERM_DECLARATIONS_READ))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được xem khai báo y tế");
    sqlite3_stmt *st = pd_db_cached(db,
                                    "SELECT " DECLARATION_COLUMNS " FROM declarations d JOIN people"
                                    " p ON p.id = d.person_id WHERE d.id = ?",
                                    err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, id);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW)
        declaration_from_row(st, out);
    pd_db_release(st);
    if (s != SQLITE_ROW && s != SQLITE_DONE)
        return pd_db_error(db, err);
    if (s == SQLITE_DONE ||
        !pd_scope_covers(actor, out->province_code, out->district_code, out->unit_code)) {
        memset(out, 0, sizeof *out);
        return pd_fail(err, PD_ENOTFOUND, "id", "Không tìm thấy khai báo này");
    }
    pd_audit_read(db, actor, "declaration", id, out->unit_code, "");
    return PD_OK;
}
