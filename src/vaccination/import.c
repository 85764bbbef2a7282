/* Importing doses from the national vaccination platform's spreadsheet (CSV or XLSX through
 * src/tabular/): headers recognised without diacritics, each row's person found by CCCD/CMND or by
 * phone and name within the caller's scope, then recorded with the checks of pd_dose_record_tx in
 * one transaction; any bad row rolls everything back and every bad row is reported (line, field).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "base/text.h"
#include "base/validate.h"
#include "store/db.h"
#include "tabular/table.h"
#include "vaccination/internal.h"

enum { C_NAME, C_BIRTH, C_SEX, C_ID, C_PHONE, C_DOSE, C_PRODUCT, C_LOT, C_DATE, C_PLACE, C_COUNT };

static const char *const field_names[C_COUNT] = {"full_name", "birth_date",  "sex",     "id_number",
                                                 "phone",     "dose_number", "product", "lot",
                                                 "given_on",  "place"};

typedef struct header_alias {
    const char *folded;
    int column;
} header_alias;

static const header_alias aliases[] = {
    {"ho va ten", C_NAME},
    {"ho ten", C_NAME},
    {"ngay sinh", C_BIRTH},
    {"gioi tinh", C_SEX},
    {"cccd/cmnd", C_ID},
    {"cccd", C_ID},
    {"cmnd", C_ID},
    {"cmnd/cccd", C_ID},
    {"so giay to", C_ID},
    {"sdt", C_PHONE},
    {"so dien thoai", C_PHONE},
    {"dien thoai", C_PHONE},
    {"mui tiem", C_DOSE},
    {"mui", C_DOSE},
    {"ten vac xin", C_PRODUCT},
    {"loai vac xin", C_PRODUCT},
    {"vac xin", C_PRODUCT},
    {"so lo", C_LOT},
    {"ngay tiem", C_DATE},
    {"noi tiem", C_PLACE},
    {"co so tiem", C_PLACE},
};

typedef struct importer {
    sqlite3 *db;
    const pd_actor *actor;
    int col[C_COUNT]; /* cell index of each column, -1 absent */
    pd_vimport_report *rep;
} importer;

static void row_error(importer *im, int64_t line, const char *field, const char *message)
{
    pd_vimport_report *r = im->rep;
    if (r->error_count < PD_VIMPORT_MAX_ERRORS) {
        pd_vimport_error *e = &r->errors[r->error_count];
        e->line = line;
        pd_strlcpy(e->field, field, sizeof e->field);
        pd_strlcpy(e->message, message, sizeof e->message);
    }
    r->error_count++;
}

static int read_header(importer *im, char **cells, int n, pd_err *err)
{
    for (int c = 0; c < C_COUNT; c++)
        im->col[c] = -1;
    for (int i = 0; i < n; i++) {
        char folded[64];
        pd_fold(cells[i], folded, sizeof folded);
        for (size_t a = 0; a < sizeof aliases / sizeof aliases[0]; a++)
            if (strcmp(folded, aliases[a].folded) == 0 && im->col[aliases[a].column] < 0)
                im->col[aliases[a].column] = i;
    }
    static const int required[] = {C_NAME, C_DOSE, C_PRODUCT, C_DATE};
    static const char *const labels[] = {"Họ và tên", "Mũi tiêm", "Tên vắc xin", "Ngày tiêm"};
    for (int k = 0; k < 4; k++)
        if (im->col[required[k]] < 0)
            return pd_fail(err, PD_EINVAL, field_names[required[k]], "Tệp thiếu cột \"%s\"",
                           labels[k]);
    if (im->col[C_ID] < 0 && im->col[C_PHONE] < 0)
        return pd_fail(err, PD_EINVAL, "id_number", "Tệp cần cột \"CCCD/CMND\" hoặc \"SĐT\"");
    return PD_OK;
}

static const char *cell(const importer *im, char **cells, int n, int c)
{
    int i = im->col[c];
    return i >= 0 && i < n && cells[i] ? cells[i] : "";
}

/* Finds the person of a row: by id number (the name must agree), else phone and name. */
static int64_t find_person(importer *im, int64_t line, const char *name, const char *id,
                           const char *phone_in)
{
    char folded[128], phone[16] = "";
    pd_fold(name, folded, sizeof folded);
    pd_err e;
    if (!id[0] && phone_in[0] && pd_normalize_phone(phone_in, phone, sizeof phone, &e) != PD_OK) {
        row_error(im, line, "phone", "Số điện thoại không hợp lệ");
        return 0;
    }
    if (!id[0] && !phone[0]) {
        row_error(im, line, "id_number", "Cần CCCD/CMND hoặc số điện thoại để tìm người");
        return 0;
    }
    sqlite3_stmt *st = pd_db_cached(
        im->db,
        id[0] ? "SELECT id, name_folded, province_code, district_code, unit_code FROM people"
                " WHERE id_number = ?1 ORDER BY id"
              : "SELECT id, name_folded, province_code, district_code, unit_code FROM people"
                " WHERE phone = ?1 AND name_folded = ?2 ORDER BY id",
        &e);
    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, id[0] ? id : phone, -1, SQLITE_TRANSIENT);
    if (!id[0])
        sqlite3_bind_text(st, 2, folded, -1, SQLITE_TRANSIENT);
    int64_t found = 0, matches = 0;
    bool name_differs = false;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (!pd_scope_covers(im->actor, pd_col_text(st, 2), pd_col_text(st, 3), pd_col_text(st, 4)))
            continue;
        name_differs = strcmp(pd_col_text(st, 1), folded) != 0;
        found = sqlite3_column_int64(st, 0);
        matches++;
    }
    pd_db_release(st);
    if (matches == 0)
        row_error(im, line, id[0] ? "id_number" : "phone",
                  id[0] ? "Không tìm thấy người có số CCCD/CMND này trong phạm vi của bạn"
                        : "Không tìm thấy người có số điện thoại và họ tên này trong phạm vi");
    else if (matches > 1)
        row_error(im, line, id[0] ? "id_number" : "phone",
                  "Có nhiều người trùng thông tin này: cần số CCCD/CMND");
    else if (name_differs)
        row_error(im, line, "full_name", "Họ và tên không khớp với sổ dân cư của số CCCD/CMND này");
    return matches == 1 && !name_differs ? found : 0;
}

/* True when the person already has this dose (same number, product and day): a re-sent row. */
static bool already_there(importer *im, int64_t person, int number, const char *product,
                          const char *day)
{
    pd_err e;
    sqlite3_stmt *st = pd_db_cached(im->db,
                                    "SELECT 1 FROM doses WHERE person_id = ? AND dose_number = ?"
                                    " AND product_code = ? AND given_on = ?",
                                    &e);
    if (!st)
        return false;
    sqlite3_bind_int64(st, 1, person);
    sqlite3_bind_int(st, 2, number);
    sqlite3_bind_text(st, 3, product, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, day, -1, SQLITE_TRANSIENT);
    bool found = sqlite3_step(st) == SQLITE_ROW;
    pd_db_release(st);
    return found;
}

static const char *map_field(const char *domain_field)
{
    if (strcmp(domain_field, "product_code") == 0)
        return "product";
    if (strcmp(domain_field, "person_id") == 0)
        return "full_name";
    return domain_field[0] ? domain_field : "given_on";
}

static int dose_of_cell(const char *s)
{
    while (*s && (*s < '0' || *s > '9'))
        s++;
    int n = atoi(s);
    return n >= 1 && n <= 10 ? n : 0;
}

static int import_row(importer *im, int64_t line, char **cells, int n)
{
    const char *name = cell(im, cells, n, C_NAME);
    pd_dose_in in;
    memset(&in, 0, sizeof in);
    if (!name[0]) {
        row_error(im, line, "full_name", "Thiếu họ và tên");
        return PD_OK;
    }
    in.dose_number = dose_of_cell(cell(im, cells, n, C_DOSE));
    if (in.dose_number == 0)
        row_error(im, line, "dose_number", "Mũi tiêm phải là số thứ tự mũi (1, 2, 3...)");
    pd_vaccine_product prod;
    pd_err e;
    bool product_ok =
        pd_vaccine_product_find(im->db, cell(im, cells, n, C_PRODUCT), true, &prod, &e) == PD_OK;
    if (!product_ok)
        row_error(im, line, "product", e.message);
    long day = vax_day(cell(im, cells, n, C_DATE));
    if (day < 0)
        row_error(im, line, "given_on", "Ngày tiêm không hợp lệ (dạng 15/11/2021)");
    int64_t person =
        find_person(im, line, name, cell(im, cells, n, C_ID), cell(im, cells, n, C_PHONE));
    if (person < 0)
        return PD_EDB;
    if (person == 0 || !product_ok || day < 0 || in.dose_number == 0)
        return PD_OK;
    in.person_id = person;
    pd_strlcpy(in.product_code, prod.code, sizeof in.product_code);
    vax_day_format(day, in.given_on, sizeof in.given_on);
    pd_strlcpy(in.lot, cell(im, cells, n, C_LOT), sizeof in.lot);
    pd_strlcpy(in.place, cell(im, cells, n, C_PLACE), sizeof in.place);
    if (already_there(im, person, in.dose_number, in.product_code, in.given_on)) {
        im->rep->skipped++;
        return PD_OK;
    }
    int rc = pd_dose_record_tx(im->db, im->actor, &in, "import", NULL, &e);
    if (rc == PD_EDB)
        return rc;
    if (rc != PD_OK)
        row_error(im, line, map_field(e.field), e.message);
    else
        im->rep->imported++;
    return PD_OK;
}

static int read_rows(importer *im, pd_table *t, pd_err *err)
{
    char **cells;
    int n, r;
    int64_t line;
    bool header = true;
    while ((r = pd_table_next(t, &cells, &n, &line, err)) == 1) {
        if (header) {
            int rc = read_header(im, cells, n, err);
            if (rc != PD_OK)
                return rc;
            header = false;
            continue;
        }
        im->rep->rows++;
        if (import_row(im, line, cells, n) != PD_OK)
            return pd_db_error(im->db, err);
    }
    if (r < 0)
        return err->code ? err->code : PD_EINVAL;
    if (header)
        return pd_fail(err, PD_EINVAL, "file", "Tệp trống");
    return PD_OK;
}

int pd_vaccination_import(sqlite3 *db, const pd_actor *actor, const char *path, const char *format,
                          pd_vimport_report *rep, pd_err *err)
{
    memset(rep, 0, sizeof *rep);
    if (!pd_actor_can(actor, PD_PERM_VACCINATION_WRITE))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được nhập dữ liệu tiêm chủng");
    pd_table *t = NULL;
    int rc = pd_table_open(path, format && format[0] ? format : NULL, &t, err);
    if (rc != PD_OK)
        return rc;
    importer im = {.db = db, .actor = actor, .rep = rep};
    rc = pd_db_begin(db, err);
    if (rc == PD_OK)
        rc = read_rows(&im, t, err);
    pd_table_close(t);
    if (rc == PD_OK && rep->error_count > 0)
        rc = pd_fail(err, PD_EINVAL, rep->errors[0].field,
                     "%d dòng có lỗi.", rep->error_count);
    if (rc == PD_OK) {
        char detail[160];
        snprintf(detail, sizeof detail, "Nhập %lld mũi tiêm (%lld đã có)", (long long)rep->imported,
                 (long long)rep->skipped);
        rc = pd_audit_write(db, actor, "import", "dose", 0, NULL, detail, err);
    }
    if (rc == PD_OK)
        rc = pd_db_commit(db, err);
    if (rc != PD_OK) {
        pd_db_rollback(db);
        rep->imported = 0;
    }
    return rc;
}
