/* Importing a lab's result file (CSV or XLSX, through tabular/): every row names a sample by its
 * tube label (or a pool by its label, or a sample by its id), a result and optionally a date. All
 * rows are checked and written in one transaction; if any row is refused, nothing is written and
 * the report names each bad row by line and field. Headers and values may be Vietnamese
 * ("Mã mẫu", "Kết quả", "Âm tính"/"Dương tính"); docs/lab.md lists them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "base/clock.h"
#include "base/text.h"
#include "ingest/ingest.h"
#include "lab/internal.h"
#include "store/db.h"
#include "tabular/table.h"

enum { COL_LABEL, COL_ID, COL_RESULT, COL_DATE, COL_COUNT };

typedef struct header_name {
    int col;
    const char *folded;
} header_name;

static const header_name header_names[] = {
    {COL_LABEL, "ma mau"},
    {COL_LABEL, "ma ong"},
    {COL_LABEL, "ma ong mau"},
    {COL_LABEL, "label"},
    {COL_LABEL, "ma vach"},
    {COL_LABEL, "barcode"},
    {COL_LABEL, "ma so mau"},
    {COL_ID, "sample_id"},
    {COL_ID, "id"},
    {COL_ID, "id mau"},
    {COL_RESULT, "ket qua"},
    {COL_RESULT, "result"},
    {COL_RESULT, "ket qua xet nghiem"},
    {COL_DATE, "ngay"},
    {COL_DATE, "date"},
    {COL_DATE, "result_date"},
    {COL_DATE, "ngay tra ket qua"},
    {COL_DATE, "ngay co ket qua"},
    {COL_DATE, "ngay ket qua"},
    {COL_DATE, "ngay xet nghiem"},
    {COL_DATE, "thoi gian"},
};

static const char *const negative_words[] = {"am tinh", "am", "negative", "neg", "-", NULL};
static const char *const positive_words[] = {"duong tinh", "duong", "positive", "pos", "+", NULL};
static const char *const invalid_words[] = {"khong xac dinh", "invalid", "mau hong", "loi",
                                            "mau loi",        NULL};

/* A set of sample (positive) and pool (negative) ids seen in the file. */
typedef struct id_set {
    int64_t *slots;
    size_t cap, used;
} id_set;

static bool set_add(id_set *s, int64_t id) /* false when already there */
{
    if ((s->used + 1) * 2 > s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 1024;
        int64_t *slots = calloc(cap, sizeof *slots);
        if (!slots)
            return true;
        for (size_t i = 0; i < s->cap; i++)
            if (s->slots[i]) {
                size_t j = (uint64_t)s->slots[i] * 0x9E3779B97F4A7C15ull % cap;
                while (slots[j])
                    j = (j + 1) % cap;
                slots[j] = s->slots[i];
            }
        free(s->slots);
        s->slots = slots;
        s->cap = cap;
    }
    size_t j = (uint64_t)id * 0x9E3779B97F4A7C15ull % s->cap;
    while (s->slots[j]) {
        if (s->slots[j] == id)
            return false;
        j = (j + 1) % s->cap;
    }
    s->slots[j] = id;
    s->used++;
    return true;
}

typedef struct import_ctx {
    sqlite3 *db;
    const pd_actor *actor;
    int col[COL_COUNT];
    pd_lab_import_report *report;
    id_set seen;
    int64_t now;
} import_ctx;

static void row_error(import_ctx *x, int64_t line, const char *field, const char *message)
{
    pd_lab_import_report *r = x->report;
    if (r->error_count < PD_LAB_IMPORT_MAX_ERRORS) {
        if (!r->errors)
            r->errors = calloc(PD_LAB_IMPORT_MAX_ERRORS, sizeof *r->errors);
        if (r->errors) {
            pd_lab_row_error *e = &r->errors[r->error_count];
            e->line = line;
            pd_strlcpy(e->field, field, sizeof e->field);
            pd_strlcpy(e->message, message, sizeof e->message);
        }
    }
    r->error_count++;
}

static bool map_header(import_ctx *x, char **cells, int n)
{
    for (int c = 0; c < COL_COUNT; c++)
        x->col[c] = -1;
    for (int i = 0; i < n; i++) {
        char folded[96];
        pd_fold(cells[i], folded, sizeof folded);
        for (size_t k = 0; k < sizeof header_names / sizeof header_names[0]; k++)
            if (strcmp(folded, header_names[k].folded) == 0 && x->col[header_names[k].col] < 0)
                x->col[header_names[k].col] = i;
    }
    return (x->col[COL_LABEL] >= 0 || x->col[COL_ID] >= 0) && x->col[COL_RESULT] >= 0;
}

static const char *cell(import_ctx *x, char **cells, int n, int col)
{
    int i = x->col[col];
    return i >= 0 && i < n ? cells[i] : "";
}

static const char *parse_result(const char *text)
{
    char f[64];
    pd_fold(text, f, sizeof f);
    if (lab_in_list(f, negative_words))
        return "negative";
    if (lab_in_list(f, positive_words))
        return "positive";
    if (lab_in_list(f, invalid_words))
        return "invalid";
    return NULL;
}

/* A date alone (noon local, or now when that is later today: never before the sample's day) or a
 * date and time. */
static bool parse_when(const char *text, int64_t now, int64_t *out)
{
    pd_date d;
    if (pd_date_parse(text, &d) && d.month > 0 && d.day > 0) {
        int64_t midnight = pd_local_midnight(&d);
        *out = midnight + 12 * 3600;
        if (*out > now && midnight <= now)
            *out = now;
        return true;
    }
    return pd_ingest_parse_time(text, out);
}

static int find_sample_id(import_ctx *x, const char *label, int64_t *id, pd_err *err)
{
    sqlite3_stmt *st = pd_db_cached(x->db, "SELECT id FROM samples WHERE label = ?", err);
    if (!st)
        return PD_EDB;
    sqlite3_bind_text(st, 1, label, -1, SQLITE_TRANSIENT);
    int r = sqlite3_step(st);
    *id = r == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    pd_db_release(st);
    return r == SQLITE_ROW || r == SQLITE_DONE ? PD_OK : pd_db_error(x->db, err);
}

static int apply_pool(import_ctx *x, int64_t line, const char *label, const char *result,
                      int64_t at, pd_err *err)
{
    pd_pool p;
    int rc = lab_pool_by_label(x->db, x->actor, label, &p, err);
    if (rc == PD_ENOTFOUND) {
        char msg[160];
        snprintf(msg, sizeof msg, "Không tìm thấy mẫu có mã %.60s", label);
        row_error(x, line, "label", msg);
        return PD_OK;
    }
    if (rc != PD_OK)
        return rc;
    if (!set_add(&x->seen, -p.id))
        return row_error(x, line, "label", "Mẫu gộp này có hai dòng trong tệp"), PD_OK;
    bool changed = false;
    rc = lab_pool_result_tx(x->db, x->actor, &p, result, at, &changed, err);
    if (rc == PD_EINVAL || rc == PD_ECONFLICT)
        return row_error(x, line, strcmp(err->field, "result_at") == 0 ? "date" : err->field,
                         err->message),
               PD_OK;
    x->report->pools += changed;
    x->report->unchanged += rc == PD_OK && !changed;
    return rc;
}

static int apply_sample(import_ctx *x, int64_t line, int64_t id, const char *field,
                        const char *result, int64_t at, pd_err *err)
{
    pd_sample s;
    int rc = pd_sample_get(x->db, x->actor, id, &s, err);
    if (rc == PD_ENOTFOUND)
        return row_error(x, line, field, "Không tìm thấy mẫu này"), PD_OK;
    if (rc != PD_OK)
        return rc;
    if (!set_add(&x->seen, s.id))
        return row_error(x, line, field, "Mẫu này có hai dòng trong tệp"), PD_OK;
    bool changed = false;
    rc = lab_sample_result_tx(x->db, x->actor, &s, result, at, &changed, err);
    if (rc == PD_EINVAL || rc == PD_ECONFLICT)
        return row_error(x, line, strcmp(err->field, "result_at") == 0 ? "date" : err->field,
                         err->message),
               PD_OK;
    x->report->samples += changed;
    x->report->unchanged += rc == PD_OK && !changed;
    return rc;
}

static int import_row(import_ctx *x, char **cells, int n, int64_t line, pd_err *err)
{
    const char *label = cell(x, cells, n, COL_LABEL), *idtext = cell(x, cells, n, COL_ID);
    const char *rtext = cell(x, cells, n, COL_RESULT), *dtext = cell(x, cells, n, COL_DATE);
    const char *result = parse_result(rtext);
    int64_t at = x->now;
    bool ok = true;
    if (!label[0] && !idtext[0])
        ok = false, row_error(x, line, x->col[COL_LABEL] >= 0 ? "label" : "id", "Thiếu mã mẫu");
    if (!result)
        ok = false, row_error(x, line, "result",
                              rtext[0] ? "Kết quả không hợp lệ: ghi Âm tính, Dương tính hoặc Không "
                                         "xác định"
                                       : "Thiếu kết quả");
    if (dtext[0] && !parse_when(dtext, x->now, &at))
        ok = false,
        row_error(x, line, "date", "Ngày có kết quả không hợp lệ (dạng ngày/tháng/năm)");
    if (!ok)
        return PD_OK;
    if (!label[0]) {
        char *end;
        long long id = strtoll(idtext, &end, 10);
        if (*end || id <= 0)
            return row_error(x, line, "id", "Mã số mẫu phải là số nguyên dương"), PD_OK;
        return apply_sample(x, line, id, "id", result, at, err);
    }
    int64_t id;
    int rc = find_sample_id(x, label, &id, err);
    if (rc != PD_OK)
        return rc;
    return id ? apply_sample(x, line, id, "label", result, at, err)
              : apply_pool(x, line, label, result, at, err);
}

static int read_rows(import_ctx *x, pd_table *t, pd_err *err)
{
    char **cells;
    int n;
    int64_t line;
    int r = pd_table_next(t, &cells, &n, &line, err);
    if (r <= 0) {
        row_error(x, 1, "file", r == 0 ? "Tệp không có dữ liệu" : err->message);
        return PD_OK;
    }
    if (!map_header(x, cells, n)) {
        row_error(x, line, x->col[COL_RESULT] < 0 ? "result" : "label",
                  "Tệp thiếu cột mã mẫu (\"Mã mẫu\") hoặc cột kết quả (\"Kết quả\")");
        return PD_OK;
    }
    while ((r = pd_table_next(t, &cells, &n, &line, err)) > 0) {
        x->report->rows++;
        int rc = import_row(x, cells, n, line, err);
        if (rc != PD_OK)
            return rc;
    }
    if (r < 0)
        row_error(x, line + 1, "file", err->message);
    return PD_OK;
}

int pd_lab_import(sqlite3 *db, const pd_actor *actor, const char *path, const char *format_hint,
                  pd_lab_import_report *report, pd_err *err)
{
    memset(report, 0, sizeof *report);
    if (!pd_actor_can(actor, PD_PERM_LAB_WRITE))
        return pd_fail(err, PD_EDENIED, "", "Tài khoản không được nhập kết quả xét nghiệm");
    pd_table *t = NULL;
    int rc = pd_table_open(path, format_hint, &t, err);
    if (rc != PD_OK)
        return rc;
    import_ctx x = {.db = db, .actor = actor, .report = report, .now = pd_now()};
    if (pd_db_begin(db, err) != PD_OK) {
        pd_table_close(t);
        return PD_EDB;
    }
    rc = read_rows(&x, t, err);
    pd_table_close(t);
    free(x.seen.slots);
    if (rc == PD_OK && report->error_count > 0)
        rc = pd_fail(err, PD_EINVAL, report->errors ? report->errors[0].field : "",
                     "Tệp có %d dòng lỗi; chưa ghi kết quả nào", report->error_count);
    if (rc == PD_OK) {
        char detail[200];
        snprintf(detail, sizeof detail,
                 "Nhập tệp kết quả xét nghiệm: %lld dòng, %lld mẫu, %lld mẫu gộp",
                 (long long)report->rows, (long long)report->samples, (long long)report->pools);
        rc = pd_audit_write(db, actor, "import", "sample", 0, "", detail, err);
    }
    rc = pd_db_end(db, rc, err);
    if (rc != PD_OK) /* rolled back: nothing was written */
        report->samples = report->pools = report->unchanged = 0;
    return rc;
}

void pd_lab_import_report_free(pd_lab_import_report *r)
{
    free(r->errors);
    r->errors = NULL;
}
