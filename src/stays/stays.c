/* Stays of foreigners: registering a guest at an accommodation venue (validation, matching or
 * creating the guest's person record, refusing a double registration), recording the departure, and
 * reading one stay. Lists and the export are in list.c. */
#include "stays/stays.h"

#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "base/clock.h"
#include "base/text.h"
#include "base/validate.h"
#include "stays/stays_internal.h"
#include "store/db.h"

/* ---- the venue ---- */

typedef struct venue_row {
    char name[128], kind[16], address[256];
    char unit_code[16], area_code[16], district_code[16], province_code[16];
    bool closed;
} venue_row;

static int load_venue(sqlite3 *db, int64_t id, venue_row *v, pd_err *err)
{
    sqlite3_stmt *st = pd_db_cached(db,
                                    "SELECT name, kind, address, unit_code, coalesce(area_code,''),"
                                    " district_code, province_code, closed_at IS NOT NULL"
                                    " FROM venues WHERE id = ?",
                                    err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, id);
    int s = sqlite3_step(st), rc = PD_OK;
    if (s == SQLITE_ROW) {
        char *const out[] = {v->name,      v->kind,          v->address,      v->unit_code,
                             v->area_code, v->district_code, v->province_code};
        const size_t caps[] = {sizeof v->name,         sizeof v->kind,      sizeof v->address,
                               sizeof v->unit_code,    sizeof v->area_code, sizeof v->district_code,
                               sizeof v->province_code};
        for (int i = 0; i < 7; i++)
            pd_strlcpy(out[i], pd_col_text(st, i), caps[i]);
        v->closed = sqlite3_column_int(st, 7) != 0;
    } else if (s == SQLITE_DONE) {
        rc = pd_fail(err, PD_ENOTFOUND, "venue_id", "Không tìm thấy cơ sở lưu trú này");
    } else {
        rc = pd_db_error(db, err);
    }
    pd_db_release(st);
    return rc;
}

bool pd_stays_may_write_at(const pd_actor *actor, int64_t venue_id, const char *province,
                           const char *district, const char *commune)
{
    if (!pd_actor_can(actor, PD_PERM_STAYS_WRITE))
        return false;
    if (actor->role == PD_ROLE_VENUE)
        return actor->venue_id != 0 && actor->venue_id == venue_id;
    return pd_scope_covers(actor, province, district, commune);
}

bool pd_stays_may_read(const pd_actor *actor, const pd_stay *s)
{
    if (actor->role == PD_ROLE_VENUE)
        return pd_actor_can(actor, PD_PERM_STAYS_WRITE) && actor->venue_id != 0 &&
               actor->venue_id == s->venue_id;
    if (!pd_actor_can(actor, PD_PERM_STAYS_READ) && !pd_actor_can(actor, PD_PERM_STAYS_WRITE))
        return false;
    return pd_scope_covers(actor, s->province_code, s->district_code, s->unit_code);
}

/* The venue where the caller may register guests: it exists, the caller may write there, and it is
 * an open accommodation venue. */
static int writable_venue(sqlite3 *db, const pd_actor *actor, int64_t venue_id, venue_row *v,
                          pd_field_errors *errs, pd_err *err)
{
    memset(v, 0, sizeof *v);
    int rc = venue_id > 0 ? load_venue(db, venue_id, v, err)
                          : pd_fail(err, PD_EINVAL, "venue_id", "Chưa chọn cơ sở lưu trú");
    if (rc == PD_EINVAL)
        pd_field_errors_add_once(errs, "venue_id", err->message);
    if (rc != PD_OK)
        return rc;
    if (!pd_stays_may_write_at(actor, venue_id, v->province_code, v->district_code, v->unit_code))
        return pd_fail(err, PD_ENOTFOUND, "venue_id", "Không tìm thấy cơ sở lưu trú này");
    if (strcmp(v->kind, "accommodation") != 0)
        pd_field_errors_add_once(
            errs, "venue_id", "Cơ sở này không phải cơ sở lưu trú (khách sạn, nhà nghỉ, nhà trọ)");
    else if (v->closed)
        pd_field_errors_add_once(errs, "venue_id", "Cơ sở lưu trú này đã ngừng hoạt động");
    return PD_OK;
}

/* ---- dates ---- */

/* Days since 1970-01-01 of a full date (proleptic Gregorian). */
int64_t pd_stays_day_number(const pd_date *d)
{
    int64_t y = d->year - (d->month <= 2);
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t mp = (d->month + 9) % 12;
    int64_t doy = (153 * mp + 2) / 5 + d->day - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

bool pd_stays_parse_day(const char *s, pd_date *d)
{
    return s && *s && pd_date_parse(s, d) && d->month > 0 && d->day > 0;
}

/* Arrival: a full date, not after today, at most a year ago. Departure: optional, not before. */
static void check_dates(pd_stay *s, pd_field_errors *errs)
{
    pd_date today = pd_local_date(pd_now()), a, l;
    if (!s->arrive_date[0]) {
        pd_field_errors_add_once(errs, "arrive_date", "Thiếu ngày đến");
    } else if (!pd_stays_parse_day(s->arrive_date, &a)) {
        pd_field_errors_add_once(errs, "arrive_date",
                                 "Ngày đến không hợp lệ (dạng ngày/tháng/năm, vd. 15/11/2021)");
    } else if (pd_date_cmp(&a, &today) > 0) {
        pd_field_errors_add_once(errs, "arrive_date", "Ngày đến không được sau hôm nay");
    } else if (pd_stays_day_number(&today) - pd_stays_day_number(&a) > 366) {
        pd_field_errors_add_once(errs, "arrive_date",
                                 "Ngày đến cách đây hơn một năm; hãy kiểm tra lại");
    } else {
        pd_date_format(&a, s->arrive_date, sizeof s->arrive_date);
    }
    if (!s->leave_date[0])
        return;
    if (!pd_stays_parse_day(s->leave_date, &l))
        pd_field_errors_add_once(errs, "leave_date",
                                 "Ngày đi không hợp lệ (dạng ngày/tháng/năm, vd. 20/11/2021)");
    else if (s->arrive_date[0] && pd_stays_parse_day(s->arrive_date, &a) && pd_date_cmp(&l, &a) < 0)
        pd_field_errors_add_once(errs, "leave_date", "Ngày đi không được trước ngày đến");
    else
        pd_date_format(&l, s->leave_date, sizeof s->leave_date);
}

/* ---- the guest ---- */

/* The guest as a person record living at the venue's commune; validated by the people module. */
static void guest_person(const pd_stay *s, const venue_row *v, pd_person *p)
{
    memset(p, 0, sizeof *p);
    pd_strlcpy(p->full_name, s->full_name, sizeof p->full_name);
    pd_strlcpy(p->birth_date, s->birth_date, sizeof p->birth_date);
    pd_strlcpy(p->sex, s->sex, sizeof p->sex);
    pd_strlcpy(p->id_type, "passport", sizeof p->id_type);
    pd_strlcpy(p->id_number, s->passport, sizeof p->id_number);
    pd_strlcpy(p->nationality, s->nationality, sizeof p->nationality);
    pd_strlcpy(p->unit_code, v->unit_code, sizeof p->unit_code);
    pd_strlcpy(p->area_code, v->area_code, sizeof p->area_code);
    snprintf(p->address, sizeof p->address, "Lưu trú tại %.120s", v->name);
    pd_strlcpy(p->note, "Khách nước ngoài, tạo khi đăng ký lưu trú", sizeof p->note);
}

static void check_guest(sqlite3 *db, pd_stay *s, const venue_row *v, pd_person *p,
                        pd_field_errors *errs)
{
    if (!s->full_name[0])
        pd_field_errors_add_once(errs, "full_name", "Thiếu họ và tên khách");
    if (!s->birth_date[0])
        pd_field_errors_add_once(errs, "birth_date", "Thiếu ngày sinh của khách");
    if (!s->sex[0])
        pd_field_errors_add_once(errs, "sex", "Thiếu giới tính của khách");
    if (!s->passport[0])
        pd_field_errors_add_once(errs, "passport", "Thiếu số hộ chiếu");
    if (!s->nationality[0])
        pd_field_errors_add_once(errs, "nationality",
                                 "Thiếu quốc tịch của khách (mã 2 chữ cái, vd. KR)");
    guest_person(s, v, p);
    pd_field_errors pe = {0};
    pd_person_normalize(db, p, &pe);
    for (int i = 0; i < pe.count; i++) {
        const char *f = pe.items[i].field;
        if (strcmp(f, "id_number") == 0 || strcmp(f, "id_type") == 0)
            f = "passport";
        if (strcmp(f, "unit_code") != 0 && strcmp(f, "area_code") != 0 && strcmp(f, "address") != 0)
            pd_field_errors_add_once(errs, f, pe.items[i].message);
    }
    if (strcmp(p->nationality, "VN") == 0) /* "" became VN: reported above as missing */
        pd_field_errors_add_once(
            errs, "nationality",
            "Khách quốc tịch Việt Nam không khai báo ở đây; chức năng này dành cho người "
            "nước ngoài");
    else if (!pd_country_valid(p->nationality))
        pd_field_errors_add_once(errs, "nationality",
                                 "Mã quốc tịch không có trong danh mục ISO 3166 (vd. US, CN, KR)");
    if (pd_utf8_length(s->room) > 30)
        pd_field_errors_add_once(errs, "room", "Số phòng quá dài (tối đa 30 ký tự)");
    /* Keep the normalised forms. */
    pd_strlcpy(s->full_name, p->full_name, sizeof s->full_name);
    pd_strlcpy(s->birth_date, p->birth_date, sizeof s->birth_date);
    pd_strlcpy(s->sex, p->sex, sizeof s->sex);
    pd_strlcpy(s->passport, p->id_number, sizeof s->passport);
    pd_strlcpy(s->nationality, p->nationality, sizeof s->nationality);
}

/* The person with the same passport, nationality, name, birth date and sex, or 0. A passport number
 * alone is not enough: a typing mistake must not attach a stay (and show a name) that belongs to
 * somebody else. */
static int match_person(sqlite3 *db, const pd_person *p, int64_t *id, pd_err *err)
{
    *id = 0;
    char folded[256];
    pd_fold(p->full_name, folded, sizeof folded);
    sqlite3_stmt *st =
        pd_db_cached(db,
                     "SELECT id FROM people WHERE id_number = ?1 AND id_type ="
                     " 'passport' AND nationality = ?2 AND name_folded = ?3 AND"
                     " coalesce(birth_date,'') = ?4 AND sex = ?5 ORDER BY id LIMIT 1",
                     err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_text(st, 1, p->id_number, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, p->nationality, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, folded, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, p->birth_date, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, p->sex, -1, SQLITE_STATIC);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW)
        *id = sqlite3_column_int64(st, 0);
    pd_db_release(st);
    return s == SQLITE_ROW || s == SQLITE_DONE ? PD_OK : pd_db_error(db, err);
}

static int create_person(sqlite3 *db, const pd_actor *actor, pd_person *p, pd_err *err)
{
    pd_inserter ins;
    int rc = pd_inserter_open(db, &ins, err);
    if (rc != PD_OK)
        return rc;
    p->created_at = pd_now();
    rc = pd_inserter_person(&ins, p, err);
    pd_inserter_close(&ins);
    if (rc == PD_OK)
        rc = pd_audit_write(db, actor, "create", "person", p->id, p->unit_code,
                            "Khách nước ngoài, tạo khi đăng ký lưu trú", err);
    return rc;
}

/* A stay of the same guest at the same venue that has not ended before the new arrival. */
static int already_staying(sqlite3 *db, const pd_stay *s, pd_err *err)
{
    sqlite3_stmt *st = pd_db_cached(db,
                                    "SELECT arrive_date FROM stays WHERE venue_id = ?1 AND"
                                    " passport = ?2 AND nationality = ?3 AND (leave_date IS NULL"
                                    " OR leave_date >= ?4) LIMIT 1",
                                    err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, s->venue_id);
    sqlite3_bind_text(st, 2, s->passport, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, s->nationality, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, s->arrive_date, -1, SQLITE_STATIC);
    int r = sqlite3_step(st), rc = PD_OK;
    if (r == SQLITE_ROW) {
        pd_date d;
        char shown[40] = "";
        if (pd_stays_parse_day(pd_col_text(st, 0), &d))
            snprintf(shown, sizeof shown, "%02d/%02d/%04d", d.day, d.month, d.year);
        rc = pd_fail(err, PD_ECONFLICT, "passport",
                     "Khách này đã được đăng ký lưu trú tại cơ sở từ ngày %s và chưa trả phòng",
                     shown);
    } else if (r != SQLITE_DONE) {
        rc = pd_db_error(db, err);
    }
    pd_db_release(st);
    return rc;
}

static int insert_stay(sqlite3 *db, const pd_actor *actor, pd_stay *s, const venue_row *v,
                       pd_err *err)
{
    sqlite3_stmt *st = pd_db_cached(db,
                                    "INSERT INTO stays(venue_id, person_id, passport, nationality,"
                                    " arrive_date, leave_date, room, unit_code, district_code,"
                                    " province_code, created_by, created_at)"
                                    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                                    err);
    if (!st)
        return PD_EDB;
    s->created_at = pd_now();
    sqlite3_bind_int64(st, 1, s->venue_id);
    sqlite3_bind_int64(st, 2, s->person_id);
    sqlite3_bind_text(st, 3, s->passport, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, s->nationality, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, s->arrive_date, -1, SQLITE_STATIC);
    pd_bind_text_or_null(st, 6, s->leave_date);
    sqlite3_bind_text(st, 7, s->room, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, v->unit_code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 9, v->district_code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 10, v->province_code, -1, SQLITE_STATIC);
    if (actor->user_id)
        sqlite3_bind_int64(st, 11, actor->user_id);
    else
        sqlite3_bind_null(st, 11);
    sqlite3_bind_int64(st, 12, s->created_at);
    int r = sqlite3_step(st);
    pd_db_release(st);
    if (r != SQLITE_DONE)
        return pd_db_error(db, err);
    s->id = sqlite3_last_insert_rowid(db);
    char detail[400];
    snprintf(detail, sizeof detail, "Đăng ký lưu trú: %.100s (%s) tại %.120s, đến %s", s->full_name,
             s->nationality, v->name, s->arrive_date);
    return pd_audit_write(db, actor, "create", "stay", s->id, v->unit_code, detail, err);
}

static void copy_venue(pd_stay *s, const venue_row *v)
{
    pd_strlcpy(s->venue_name, v->name, sizeof s->venue_name);
    pd_strlcpy(s->venue_address, v->address, sizeof s->venue_address);
    pd_strlcpy(s->unit_code, v->unit_code, sizeof s->unit_code);
    pd_strlcpy(s->district_code, v->district_code, sizeof s->district_code);
    pd_strlcpy(s->province_code, v->province_code, sizeof s->province_code);
}

static void clean_room(pd_stay *s)
{
    char tmp[sizeof s->room];
    if (pd_nfc_clean(s->room, tmp, sizeof tmp))
        pd_strlcpy(s->room, tmp, sizeof s->room);
}

/* Everything but the writes; PD_EINVAL with errs filled when the input is at fault. */
static int check_stay(sqlite3 *db, const pd_actor *actor, pd_stay *s, venue_row *v, pd_person *p,
                      pd_field_errors *errs, pd_err *err)
{
    int rc = writable_venue(db, actor, s->venue_id, v, errs, err);
    if (rc != PD_OK && rc != PD_EINVAL)
        return rc;
    clean_room(s);
    check_guest(db, s, v, p, errs);
    check_dates(s, errs);
    if (errs->count > 0)
        return pd_fail(err, PD_EINVAL, errs->items[0].field, "%s", errs->items[0].message);
    return already_staying(db, s, err);
}

int pd_stay_register(sqlite3 *db, const pd_actor *actor, pd_stay *s, pd_field_errors *errs,
                     pd_err *err)
{
    errs->count = 0;
    if (!pd_actor_can(actor, PD_PERM_STAYS_WRITE))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được đăng ký lưu trú");
    if (pd_db_begin(db, err) != PD_OK)
        return PD_EDB;
    venue_row v;
    pd_person p;
    s->id = s->person_id = 0;
    int rc = check_stay(db, actor, s, &v, &p, errs, err);
    if (rc == PD_OK)
        rc = match_person(db, &p, &s->person_id, err);
    if (rc == PD_OK && !s->person_id) {
        rc = create_person(db, actor, &p, err);
        s->person_id = p.id;
    }
    if (rc == PD_OK)
        rc = insert_stay(db, actor, s, &v, err);
    if (rc == PD_OK)
        copy_venue(s, &v);
    return pd_db_end(db, rc, err);
}

/* ---- reading one ---- */

int pd_stay_load(sqlite3 *db, int64_t id, pd_stay *out, pd_err *err)
{
    sqlite3_stmt *st =
        pd_db_cached(db, "SELECT " PD_STAY_COLUMNS " FROM " PD_STAY_FROM " WHERE s.id = ?", err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, id);
    int r = sqlite3_step(st), rc = PD_OK;
    if (r == SQLITE_ROW)
        pd_stay_from_row(st, out);
    else if (r == SQLITE_DONE)
        rc = pd_fail(err, PD_ENOTFOUND, "id", "Không tìm thấy lượt lưu trú này");
    else
        rc = pd_db_error(db, err);
    pd_db_release(st);
    return rc;
}

static bool may_read_any(const pd_actor *actor)
{
    return pd_actor_can(actor, PD_PERM_STAYS_READ) || pd_actor_can(actor, PD_PERM_STAYS_WRITE);
}

int pd_stay_get(sqlite3 *db, const pd_actor *actor, int64_t id, pd_stay *out, pd_err *err)
{
    if (!may_read_any(actor))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được xem khai báo lưu trú");
    int rc = pd_stay_load(db, id, out, err);
    if (rc == PD_OK && !pd_stays_may_read(actor, out)) {
        memset(out, 0, sizeof *out);
        return pd_fail(err, PD_ENOTFOUND, "id", "Không tìm thấy lượt lưu trú này");
    }
    if (rc == PD_OK)
        pd_audit_read(db, actor, "stay", id, out->unit_code, "");
    return rc;
}

/* ---- departure ---- */

static int write_leave(sqlite3 *db, const pd_actor *actor, pd_stay *s, pd_err *err)
{
    sqlite3_stmt *st = pd_db_cached(db, "UPDATE stays SET leave_date = ? WHERE id = ?", err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_text(st, 1, s->leave_date, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, s->id);
    int r = sqlite3_step(st);
    pd_db_release(st);
    if (r != SQLITE_DONE)
        return pd_db_error(db, err);
    char detail[300];
    snprintf(detail, sizeof detail, "Ngày đi của %.100s: %s", s->full_name, s->leave_date);
    return pd_audit_write(db, actor, "update", "stay", s->id, s->unit_code, detail, err);
}

int pd_stay_set_leave(sqlite3 *db, const pd_actor *actor, int64_t id, const char *leave_date,
                      pd_stay *out, pd_err *err)
{
    if (!pd_actor_can(actor, PD_PERM_STAYS_WRITE))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được cập nhật lưu trú");
    if (pd_db_begin(db, err) != PD_OK)
        return PD_EDB;
    int rc = pd_stay_load(db, id, out, err);
    if (rc == PD_OK && !pd_stays_may_write_at(actor, out->venue_id, out->province_code,
                                              out->district_code, out->unit_code))
        rc = pd_fail(err, PD_ENOTFOUND, "id", "Không tìm thấy lượt lưu trú này");
    pd_date a, l;
    if (rc == PD_OK && !pd_stays_parse_day(leave_date, &l))
        rc = pd_fail(err, PD_EINVAL, "leave_date",
                     "Ngày đi không hợp lệ (dạng ngày/tháng/năm, vd. 20/11/2021)");
    if (rc == PD_OK && pd_stays_parse_day(out->arrive_date, &a) && pd_date_cmp(&l, &a) < 0)
        rc = pd_fail(err, PD_EINVAL, "leave_date", "Ngày đi không được trước ngày đến");
    if (rc == PD_OK) {
        pd_date_format(&l, out->leave_date, sizeof out->leave_date);
        rc = write_leave(db, actor, out, err);
    }
    return pd_db_end(db, rc, err);
}
