/* The weekly risk report as XLSX (libxlsxwriter), in the shape a health centre sends up: a title,
 * then one row per commune with the three criteria, the level, last week's level and the change,
 * the reason and whether it is published; then the count of communes per level. */
#include <stdio.h>
#include <string.h>
#include <xlsxwriter.h>

#include "base/text.h"
#include "risk/risk.h"

enum {
    C_NO,
    C_CODE,
    C_NAME,
    C_DISTRICT,
    C_POP,
    C_CASES,
    C_RATE,
    C_DOSE1,
    C_ELDERLY,
    C_CAPACITY,
    C_LEVEL,
    C_PREV,
    C_CHANGE,
    C_REASON,
    C_STATUS,
    C_COUNT
};

static const char *const headers[C_COUNT] = {"STT",
                                             "Mã xã",
                                             "Xã/phường/thị trấn",
                                             "Quận/huyện",
                                             "Dân số",
                                             "Ca mắc mới tại cộng đồng trong tuần",
                                             "Ca/100.000 dân/tuần",
                                             "Tỷ lệ từ 18 tuổi tiêm ≥1 mũi",
                                             "Tỷ lệ người cao tuổi tiêm đủ liều",
                                             "Năng lực điều trị",
                                             "Cấp độ tuần này",
                                             "Cấp độ tuần trước",
                                             "Thay đổi",
                                             "Lý do",
                                             "Trạng thái"};
static const double widths[C_COUNT] = {5, 8, 28, 22, 9, 14, 12, 12, 12, 12, 10, 10, 10, 70, 11};

#define HEADER_ROW 3

typedef struct sheet {
    lxw_workbook *wb;
    lxw_worksheet *ws;
    lxw_format *bold, *title, *text, *pct, *dec;
} sheet;

static void change_text(const pd_risk_row *r, char *out, size_t cap)
{
    if (!r->in.previous)
        snprintf(out, cap, "Chưa có");
    else if (r->res.level > r->in.previous)
        snprintf(out, cap, "Tăng %d", r->res.level - r->in.previous);
    else if (r->res.level < r->in.previous)
        snprintf(out, cap, "Giảm %d", r->in.previous - r->res.level);
    else
        snprintf(out, cap, "Giữ nguyên");
}

static void write_row(sheet *x, lxw_row_t row, int no, const pd_risk_row *r)
{
    char change[32];
    change_text(r, change, sizeof change);
    worksheet_write_number(x->ws, row, C_NO, no, NULL);
    worksheet_write_string(x->ws, row, C_CODE, r->unit_code, x->text);
    worksheet_write_string(x->ws, row, C_NAME, r->unit_name, NULL);
    worksheet_write_string(x->ws, row, C_DISTRICT, r->district_name, NULL);
    worksheet_write_number(x->ws, row, C_POP, (double)r->in.population, NULL);
    worksheet_write_number(x->ws, row, C_CASES, (double)r->in.cases, NULL);
    worksheet_write_number(x->ws, row, C_RATE, r->res.rate, x->dec);
    worksheet_write_number(x->ws, row, C_DOSE1, r->in.dose1_18plus, x->pct);
    worksheet_write_number(x->ws, row, C_ELDERLY, r->in.full_elderly, x->pct);
    worksheet_write_string(x->ws, row, C_CAPACITY,
                           !r->in.capacity_known ? "Chưa đánh giá"
                           : r->in.capacity_met  ? "Đạt"
                                                 : "Chưa đạt",
                           NULL);
    worksheet_write_number(x->ws, row, C_LEVEL, r->res.level, NULL);
    if (r->in.previous)
        worksheet_write_number(x->ws, row, C_PREV, r->in.previous, NULL);
    worksheet_write_string(x->ws, row, C_CHANGE, change, NULL);
    worksheet_write_string(x->ws, row, C_REASON, r->res.reason, NULL);
    worksheet_write_string(x->ws, row, C_STATUS, r->published ? "Đã công bố" : "Dự kiến", NULL);
}

static void open_sheet(sheet *x, const pd_risk_week *w)
{
    x->ws = workbook_add_worksheet(x->wb, "Cấp độ dịch");
    x->bold = workbook_add_format(x->wb);
    format_set_bold(x->bold);
    format_set_text_wrap(x->bold);
    x->title = workbook_add_format(x->wb);
    format_set_bold(x->title);
    format_set_font_size(x->title, 14);
    x->text = workbook_add_format(x->wb);
    format_set_num_format(x->text, "@");
    x->pct = workbook_add_format(x->wb);
    format_set_num_format(x->pct, "0.0%");
    x->dec = workbook_add_format(x->wb);
    format_set_num_format(x->dec, "0.0");
    char title[160], sub[160];
    snprintf(title, sizeof title, "BÁO CÁO ĐÁNH GIÁ CẤP ĐỘ DỊCH COVID-19 TUẦN %s", w->week);
    snprintf(sub, sizeof sub, "Từ %.2s/%.2s/%.4s đến %.2s/%.2s/%.4s", w->monday + 8, w->monday + 5,
             w->monday, w->sunday + 8, w->sunday + 5, w->sunday);
    worksheet_write_string(x->ws, 0, 0, title, x->title);
    worksheet_write_string(x->ws, 1, 0, sub, NULL);
    for (int c = 0; c < C_COUNT; c++) {
        worksheet_set_column(x->ws, (lxw_col_t)c, (lxw_col_t)c, widths[c], NULL);
        worksheet_write_string(x->ws, HEADER_ROW, (lxw_col_t)c, headers[c], x->bold);
    }
    worksheet_freeze_panes(x->ws, HEADER_ROW + 1, 0);
}

static void write_summary(sheet *x, const pd_risk_week *w, lxw_row_t row)
{
    int per[5] = {0};
    for (int i = 0; i < w->count; i++)
        per[w->rows[i].res.level]++;
    worksheet_write_string(x->ws, row++, C_NAME, "Tổng hợp theo cấp độ", x->bold);
    for (int lv = 1; lv <= 4; lv++) {
        char label[32];
        snprintf(label, sizeof label, "Cấp %d", lv);
        worksheet_write_string(x->ws, row, C_NAME, label, NULL);
        worksheet_write_number(x->ws, row++, C_DISTRICT, per[lv], NULL);
    }
}

int pd_risk_report_xlsx(sqlite3 *db, const pd_actor *actor, const char *week, const char *unit_code,
                        const char *path, pd_err *err)
{
    pd_risk_week w;
    int rc = pd_risk_week_compute(db, actor, week, unit_code, false, &w, err);
    if (rc != PD_OK)
        return rc;
    sheet x;
    memset(&x, 0, sizeof x);
    x.wb = workbook_new(path);
    if (!x.wb) {
        pd_risk_week_free(&w);
        return pd_fail(err, PD_EIO, "file", "Không tạo được tệp %s", path);
    }
    open_sheet(&x, &w);
    for (int i = 0; i < w.count; i++)
        write_row(&x, (lxw_row_t)(HEADER_ROW + 1 + i), i + 1, &w.rows[i]);
    if (w.count)
        worksheet_autofilter(x.ws, HEADER_ROW, 0, (lxw_row_t)(HEADER_ROW + w.count), C_COUNT - 1);
    write_summary(&x, &w, (lxw_row_t)(HEADER_ROW + w.count + 2));
    pd_risk_week_free(&w);
    lxw_error e = workbook_close(x.wb);
    if (e != LXW_NO_ERROR) {
        remove(path);
        return pd_fail(err, PD_EIO, "file", "Không ghi được tệp %s (%s)", path, lxw_strerror(e));
    }
    return PD_OK;
}
