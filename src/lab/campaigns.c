/* Screening campaigns: a venue, the venues of a kind in a unit, or the residents of a unit, on
 * given days. Who is due is fixed at creation (check-ins of the last N days, or the residents);
 * coverage is read from the samples that carry the campaign's id. */
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "base/clock.h"
#include "base/text.h"
#include "lab/internal.h"
#include "store/db.h"
#include "venues/venues.h"

#define MAX_SPAN_DAYS 60

typedef struct target_codes {
    char unit[16], district[16], province[16];
    char name[160];
} target_codes;

static int venue_target(sqlite3 *db, const pd_actor *actor, pd_campaign *c, target_codes *t,
                        pd_field_errors *errs, pd_err *err)
{
    sqlite3_stmt *st = pd_db_cached(db,
                                    "SELECT unit_code, district_code, province_code, name FROM"
                                    " venues WHERE id = ?",
                                    err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, c->venue_id);
    int r = sqlite3_step(st);
    if (r == SQLITE_ROW) {
        pd_strlcpy(t->unit, pd_col_text(st, 0), sizeof t->unit);
        pd_strlcpy(t->district, pd_col_text(st, 1), sizeof t->district);
        pd_strlcpy(t->province, pd_col_text(st, 2), sizeof t->province);
        pd_strlcpy(t->name, pd_col_text(st, 3), sizeof t->name);
    }
    pd_db_release(st);
    if (r != SQLITE_ROW && r != SQLITE_DONE)
        return pd_db_error(db, err);
    if (r == SQLITE_DONE || !pd_scope_covers(actor, t->province, t->district, t->unit))
        pd_field_errors_add(errs, "venue_id", "Không tìm thấy địa điểm này");
    else
        pd_strlcpy(c->target_unit, t->unit, sizeof c->target_unit);
    return PD_OK;
}

/* A unit of any level in scope; its codes as a record's (a district: no commune). */
static int unit_target(sqlite3 *db, const pd_actor *actor, pd_campaign *c, target_codes *t,
                       pd_field_errors *errs, pd_err *err)
{
    sqlite3_stmt *st = pd_db_cached(db,
                                    "SELECT level, coalesce(commune_code,''),"
                                    " coalesce(district_code,''), province_code, name FROM units"
                                    " WHERE code = ?",
                                    err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_text(st, 1, c->target_unit, -1, SQLITE_STATIC);
    int r = sqlite3_step(st);
    if (r == SQLITE_ROW) {
        int level = sqlite3_column_int(st, 0);
        pd_strlcpy(t->unit, level >= 3 ? pd_col_text(st, 1) : "", sizeof t->unit);
        pd_strlcpy(t->district, level >= 2 ? pd_col_text(st, 2) : "", sizeof t->district);
        pd_strlcpy(t->province, pd_col_text(st, 3), sizeof t->province);
        pd_strlcpy(t->name, pd_col_text(st, 4), sizeof t->name);
    }
    pd_db_release(st);
    if (r != SQLITE_ROW && r != SQLITE_DONE)
        return pd_db_error(db, err);
    if (!c->target_unit[0])
        pd_field_errors_add(errs, "target_unit", "Chưa chọn địa bàn");
    else if (r == SQLITE_DONE || !pd_scope_covers(actor, t->province, t->district, t->unit))
        pd_field_errors_add(errs, "target_unit",
                            "Không tìm thấy địa bàn này trong phạm vi quản lý");
    return PD_OK;
}

static void check_fields(pd_campaign *c, pd_field_errors *errs)
{
    char clean[sizeof c->name];
    if (!pd_nfc_clean(c->name, clean, sizeof clean) || !clean[0])
        pd_field_errors_add(errs, "name", "Thiếu tên đợt xét nghiệm");
    else if (pd_utf8_length(clean) > 150)
        pd_field_errors_add(errs, "name", "Tên đợt xét nghiệm quá dài (tối đa 150 ký tự)");
    else
        pd_strlcpy(c->name, clean, sizeof c->name);
    if (!c->kind[0])
        pd_strlcpy(c->kind, "pcr", sizeof c->kind);
    if (strcmp(c->kind, "pcr") != 0 && strcmp(c->kind, "antigen") != 0)
        pd_field_errors_add(errs, "kind", "Loại xét nghiệm phải là pcr hoặc antigen");
    if (c->lookback_days == 0)
        c->lookback_days = 14;
    if (c->lookback_days < 1 || c->lookback_days > 28)
        pd_field_errors_add(errs, "lookback_days", "Số ngày nhìn lại phải từ 1 đến 28");
    if (strcmp(c->target, "venue_kind") == 0 && !pd_venue_kind_find(c->venue_kind))
        pd_field_errors_add(errs, "venue_kind", "Loại địa điểm không hợp lệ");
}

static void check_dates(pd_campaign *c, pd_field_errors *errs)
{
    pd_date from, to;
    if (!c->from_date[0])
        lab_today(c->from_date);
    if (!c->to_date[0])
        pd_strlcpy(c->to_date, c->from_date, sizeof c->to_date);
    bool ok = true;
    if (!lab_parse_day(c->from_date, &from))
        ok = false, pd_field_errors_add(errs, "from_date", "Ngày bắt đầu không hợp lệ");
    if (!lab_parse_day(c->to_date, &to))
        ok = false, pd_field_errors_add(errs, "to_date", "Ngày kết thúc không hợp lệ");
    if (!ok)
        return;
    if (pd_date_cmp(&to, &from) < 0)
        pd_field_errors_add(errs, "to_date", "Ngày kết thúc không được trước ngày bắt đầu");
    else if (pd_date_days(&to) - pd_date_days(&from) > MAX_SPAN_DAYS)
        pd_field_errors_add(errs, "to_date", "Một đợt xét nghiệm kéo dài tối đa 60 ngày");
    pd_date_format(&from, c->from_date, sizeof c->from_date);
    pd_date_format(&to, c->to_date, sizeof c->to_date);
}

static int check_campaign(sqlite3 *db, const pd_actor *actor, pd_campaign *c, target_codes *t,
                          pd_field_errors *errs, pd_err *err)
{
    check_fields(c, errs);
    check_dates(c, errs);
    int rc = PD_OK;
    if (strcmp(c->target, "venue") == 0)
        rc = venue_target(db, actor, c, t, errs, err);
    else if (strcmp(c->target, "venue_kind") == 0 || strcmp(c->target, "area") == 0)
        rc = unit_target(db, actor, c, t, errs, err);
    else
        pd_field_errors_add(errs, "target",
                            "Đối tượng phải là venue (một địa điểm), venue_kind (loại "
                            "địa điểm trong một địa bàn) hoặc area (cư dân một địa bàn)");
    if (rc != PD_OK)
        return rc;
    return errs->count ? lab_fail_invalid(errs, err) : PD_OK;
}

static int insert_campaign(sqlite3 *db, const pd_actor *actor, pd_campaign *c, pd_err *err)
{
    sqlite3_stmt *st = pd_db_cached(
        db,
        "INSERT INTO lab_campaigns(name, target, venue_id, venue_kind, target_unit, kind,"
        " from_date, to_date, lookback_days, unit_code, district_code, province_code, created_at,"
        " created_by) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        err);
    if (!st)
        return PD_EDB;
    c->created_at = pd_now();
    sqlite3_bind_text(st, 1, c->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, c->target, -1, SQLITE_STATIC);
    if (strcmp(c->target, "venue") == 0)
        sqlite3_bind_int64(st, 3, c->venue_id);
    else
        sqlite3_bind_null(st, 3);
    pd_bind_text_or_null(st, 4, strcmp(c->target, "venue_kind") == 0 ? c->venue_kind : "");
    sqlite3_bind_text(st, 5, c->target_unit, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, c->kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, c->from_date, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, c->to_date, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 9, c->lookback_days);
    sqlite3_bind_text(st, 10, c->unit_code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 11, c->district_code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 12, c->province_code, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 13, c->created_at);
    if (actor->user_id)
        sqlite3_bind_int64(st, 14, actor->user_id);
    else
        sqlite3_bind_null(st, 14);
    int r = sqlite3_step(st);
    pd_db_release(st);
    if (r != SQLITE_DONE)
        return pd_db_error(db, err);
    c->id = sqlite3_last_insert_rowid(db);
    return PD_OK;
}

/* Who is due: ?1 campaign, ?2 venue id / kind / unit, ?3 since (check-ins). */
static int fill_due(sqlite3 *db, const pd_campaign *c, pd_err *err)
{
    const char *sql;
    if (strcmp(c->target, "venue") == 0)
        sql = "INSERT OR IGNORE INTO lab_campaign_due(campaign_id, person_id) SELECT DISTINCT ?1,"
              " person_id FROM checkins WHERE venue_id = ?2 AND in_at >= ?3";
    else if (strcmp(c->target, "venue_kind") == 0)
        sql = "INSERT OR IGNORE INTO lab_campaign_due(campaign_id, person_id) SELECT DISTINCT ?1,"
              " k.person_id FROM venues v JOIN checkins k ON k.venue_id = v.id AND k.in_at >= ?3"
              " WHERE v.kind = ?2 AND ?4 IN (v.unit_code, v.district_code, v.province_code,"
              " coalesce(v.area_code,''))";
    else
        sql = "INSERT OR IGNORE INTO lab_campaign_due(campaign_id, person_id) SELECT ?1, id FROM"
              " people WHERE ?4 IN (unit_code, district_code, province_code,"
              " coalesce(area_code,'')) AND ?2 IS NOT NULL AND ?3 IS NOT NULL";
    sqlite3_stmt *st = pd_db_prepare(db, sql, err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, c->id);
    if (strcmp(c->target, "venue") == 0)
        sqlite3_bind_int64(st, 2, c->venue_id);
    else
        sqlite3_bind_text(st, 2, c->venue_kind, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, pd_now() - (int64_t)c->lookback_days * 86400);
    if (sqlite3_bind_parameter_count(st) >= 4)
        sqlite3_bind_text(st, 4, c->target_unit, -1, SQLITE_STATIC);
    int r = sqlite3_step(st);
    sqlite3_finalize(st);
    return r == SQLITE_DONE ? PD_OK : pd_db_error(db, err);
}

static int create_tx(sqlite3 *db, const pd_actor *actor, pd_campaign *c, pd_field_errors *errs,
                     pd_err *err)
{
    target_codes t;
    memset(&t, 0, sizeof t);
    int rc = check_campaign(db, actor, c, &t, errs, err);
    if (rc != PD_OK)
        return rc;
    pd_strlcpy(c->unit_code, t.unit, sizeof c->unit_code);
    pd_strlcpy(c->district_code, t.district, sizeof c->district_code);
    pd_strlcpy(c->province_code, t.province, sizeof c->province_code);
    if ((rc = insert_campaign(db, actor, c, err)) != PD_OK || (rc = fill_due(db, c, err)) != PD_OK)
        return rc;
    char detail[400];
    snprintf(detail, sizeof detail, "Đợt xét nghiệm sàng lọc \"%.150s\" (%s: %.120s), %s – %s",
             c->name, c->target, t.name, c->from_date, c->to_date);
    return pd_audit_write(db, actor, "create", "campaign", c->id, c->unit_code, detail, err);
}

int pd_campaign_create(sqlite3 *db, const pd_actor *actor, pd_campaign *c, pd_field_errors *errs,
                       pd_err *err)
{
    errs->count = 0;
    if (!pd_actor_can(actor, PD_PERM_LAB_WRITE))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được lập đợt xét nghiệm");
    if (pd_db_begin(db, err) != PD_OK)
        return PD_EDB;
    int rc = create_tx(db, actor, c, errs, err);
    rc = pd_db_end(db, rc, err);
    if (rc == PD_OK)
        rc = pd_campaign_get(db, actor, c->id, c, err);
    return rc;
}

#define CAMPAIGN_COLUMNS                                                                           \
    "c.id, c.name, c.target, coalesce(c.venue_id,0), coalesce(c.venue_kind,''), c.target_unit,"    \
    " c.kind, c.from_date, c.to_date, c.lookback_days, c.unit_code, c.district_code,"              \
    " c.province_code, c.created_at,"                                                              \
    " (SELECT count(*) FROM lab_campaign_due d WHERE d.campaign_id = c.id),"                       \
    " (SELECT count(DISTINCT s.person_id) FROM samples s JOIN lab_campaign_due d ON"               \
    "   d.campaign_id = s.campaign_id AND d.person_id = s.person_id WHERE s.campaign_id = c.id),"  \
    " (SELECT count(DISTINCT s.person_id) FROM samples s WHERE s.campaign_id = c.id AND"           \
    "   s.result = 'positive'),"                                                                   \
    " coalesce((SELECT name FROM venues v WHERE v.id = c.venue_id),''),"                           \
    " coalesce((SELECT name FROM units u WHERE u.code = c.target_unit),'')"

static void campaign_from_row(sqlite3_stmt *st, pd_campaign *c)
{
    memset(c, 0, sizeof *c);
    c->id = sqlite3_column_int64(st, 0);
    pd_strlcpy(c->name, pd_col_text(st, 1), sizeof c->name);
    pd_strlcpy(c->target, pd_col_text(st, 2), sizeof c->target);
    c->venue_id = sqlite3_column_int64(st, 3);
    pd_strlcpy(c->venue_kind, pd_col_text(st, 4), sizeof c->venue_kind);
    pd_strlcpy(c->target_unit, pd_col_text(st, 5), sizeof c->target_unit);
    pd_strlcpy(c->kind, pd_col_text(st, 6), sizeof c->kind);
    pd_strlcpy(c->from_date, pd_col_text(st, 7), sizeof c->from_date);
    pd_strlcpy(c->to_date, pd_col_text(st, 8), sizeof c->to_date);
    c->lookback_days = sqlite3_column_int(st, 9);
    pd_strlcpy(c->unit_code, pd_col_text(st, 10), sizeof c->unit_code);
    pd_strlcpy(c->district_code, pd_col_text(st, 11), sizeof c->district_code);
    pd_strlcpy(c->province_code, pd_col_text(st, 12), sizeof c->province_code);
    c->created_at = sqlite3_column_int64(st, 13);
    c->due = sqlite3_column_int64(st, 14);
    c->sampled = sqlite3_column_int64(st, 15);
    c->positive = sqlite3_column_int64(st, 16);
    pd_strlcpy(c->venue_name, pd_col_text(st, 17), sizeof c->venue_name);
    pd_strlcpy(c->target_unit_name, pd_col_text(st, 18), sizeof c->target_unit_name);
}

int pd_campaign_get(sqlite3 *db, const pd_actor *actor, int64_t id, pd_campaign *out, pd_err *err)
{
    if (!pd_actor_can(actor, PD_PERM_LAB_READ))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được xem xét nghiệm");
    sqlite3_stmt *st =
        pd_db_cached(db, "SELECT " CAMPAIGN_COLUMNS " FROM lab_campaigns c WHERE c.id = ?", err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, id);
    int r = sqlite3_step(st);
    if (r == SQLITE_ROW)
        campaign_from_row(st, out);
    pd_db_release(st);
    if (r != SQLITE_ROW && r != SQLITE_DONE)
        return pd_db_error(db, err);
    if (r == SQLITE_DONE ||
        !pd_scope_covers(actor, out->province_code, out->district_code, out->unit_code))
        return pd_fail(err, PD_ENOTFOUND, "id", "Không tìm thấy đợt xét nghiệm sàng lọc");
    return PD_OK;
}

int pd_campaigns_list(sqlite3 *db, const pd_actor *actor, pd_campaign_cb cb, void *ctx, pd_err *err)
{
    if (!pd_actor_can(actor, PD_PERM_LAB_READ))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được xem xét nghiệm");
    char scope[96], sql[2048];
    snprintf(sql, sizeof sql,
             "SELECT " CAMPAIGN_COLUMNS " FROM lab_campaigns c WHERE %s ORDER BY c.id DESC"
             " LIMIT 500",
             pd_scope_sql(actor, "c", scope, sizeof scope));
    sqlite3_stmt *st = pd_db_prepare(db, sql, err);
    if (!st)
        return PD_EDB;
    if (pd_scope_param(actor))
        sqlite3_bind_text(st, 1, pd_scope_param(actor), -1, SQLITE_TRANSIENT);
    int r;
    pd_campaign c;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        campaign_from_row(st, &c);
        if (cb(&c, ctx) != 0)
            break;
    }
    int rc = r == SQLITE_ROW || r == SQLITE_DONE ? PD_OK : pd_db_error(db, err);
    sqlite3_finalize(st);
    return rc;
}

int pd_campaign_due(sqlite3 *db, const pd_actor *actor, int64_t id, int limit,
                    pd_campaign_person_cb cb, void *ctx, pd_err *err)
{
    pd_campaign c;
    int rc = pd_campaign_get(db, actor, id, &c, err);
    if (rc != PD_OK)
        return rc;
    limit = limit <= 0 ? 500 : limit > 10000 ? 10000 : limit;
    sqlite3_stmt *st = pd_db_prepare(
        db,
        "SELECT d.person_id, p.full_name, coalesce(p.phone,''), p.unit_code,"
        " coalesce(s.id,0), coalesce(s.result,'') FROM lab_campaign_due d JOIN people p ON"
        " p.id = d.person_id LEFT JOIN samples s ON s.id = (SELECT max(x.id) FROM samples x"
        " WHERE x.campaign_id = d.campaign_id AND x.person_id = d.person_id)"
        " WHERE d.campaign_id = ? ORDER BY s.id IS NOT NULL, p.name_folded, p.id LIMIT ?",
        err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int(st, 2, limit);
    int r;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        pd_campaign_person p;
        memset(&p, 0, sizeof p);
        p.person_id = sqlite3_column_int64(st, 0);
        pd_strlcpy(p.full_name, pd_col_text(st, 1), sizeof p.full_name);
        pd_strlcpy(p.phone, pd_col_text(st, 2), sizeof p.phone);
        pd_strlcpy(p.unit_code, pd_col_text(st, 3), sizeof p.unit_code);
        p.sample_id = sqlite3_column_int64(st, 4);
        pd_strlcpy(p.result, pd_col_text(st, 5), sizeof p.result);
        if (cb(&p, ctx) != 0)
            break;
    }
    rc = r == SQLITE_ROW || r == SQLITE_DONE ? PD_OK : pd_db_error(db, err);
    sqlite3_finalize(st);
    return rc;
}
