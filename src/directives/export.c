/* The tasks of a query as an XLSX sheet (libxlsxwriter): one row per task with its document, item,
 * agency, due date, status in Vietnamese and progress. */
#include <stdio.h>
#include <string.h>
#include <xlsxwriter.h>

#include "audit/audit.h"
#include "directives/directives.h"

static const char *const headers[] = {"STT",        "Văn bản",    "Ngày văn bản", "Mục",
                                      "Nội dung",   "Cơ quan",    "Vai trò",      "Hạn hoàn thành",
                                      "Trạng thái", "Tiến độ (%)"};
static const double widths[] = {6, 22, 13, 6, 60, 40, 14, 15, 16, 11};

static const char *status_label(const char *s)
{
    if (strcmp(s, "done") == 0)
        return "Hoàn thành";
    if (strcmp(s, "overdue") == 0)
        return "Quá hạn";
    if (strcmp(s, "in_progress") == 0)
        return "Đang thực hiện";
    return "Mới";
}

static const char *role_label(const char *s)
{
    return strcmp(s, "lead") == 0           ? "Chủ trì"
           : strcmp(s, "coordinating") == 0 ? "Phối hợp"
                                            : "Thực hiện";
}

static const char *str(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

static void write_row(lxw_worksheet *ws, lxw_row_t r, const json_t *t, lxw_format *wrap)
{
    char doc[160];
    snprintf(doc, sizeof doc, "%s %s", str(t, "doc_type"), str(t, "doc_number"));
    worksheet_write_number(ws, r, 0, r, NULL);
    worksheet_write_string(ws, r, 1, doc, NULL);
    worksheet_write_string(ws, r, 2, str(t, "doc_date"), NULL);
    worksheet_write_string(ws, r, 3, str(t, "item_label"), NULL);
    worksheet_write_string(ws, r, 4, str(t, "item_text"), wrap);
    worksheet_write_string(ws, r, 5, str(t, "agency_name"), NULL);
    worksheet_write_string(ws, r, 6, role_label(str(t, "role")), NULL);
    worksheet_write_string(ws, r, 7, str(t, "due_date"), NULL);
    worksheet_write_string(ws, r, 8, status_label(str(t, "status")), NULL);
    worksheet_write_number(ws, r, 9, (double)json_integer_value(json_object_get(t, "progress")),
                           NULL);
}

int pd_tasks_xlsx(sqlite3 *db, const pd_actor *actor, const pd_tasks_query *q, const char *path,
                  int *rows, pd_err *err)
{
    *rows = 0;
    json_t *tasks = NULL;
    int rc = pd_tasks_list(db, actor, q, &tasks, err);
    if (rc != PD_OK)
        return rc;
    lxw_workbook *wb = workbook_new(path);
    if (!wb) {
        json_decref(tasks);
        return pd_fail(err, PD_EIO, "file", "Không tạo được tệp %s", path);
    }
    lxw_worksheet *ws = workbook_add_worksheet(wb, "Nhiệm vụ");
    lxw_format *bold = workbook_add_format(wb), *wrap = workbook_add_format(wb);
    format_set_bold(bold);
    format_set_text_wrap(wrap);
    for (lxw_col_t c = 0; c < 10; c++) {
        worksheet_set_column(ws, c, c, widths[c], NULL);
        worksheet_write_string(ws, 0, c, headers[c], bold);
    }
    worksheet_freeze_panes(ws, 1, 0);
    size_t i;
    json_t *t;
    json_array_foreach(tasks, i, t) write_row(ws, (lxw_row_t)(i + 1), t, wrap);
    *rows = (int)json_array_size(tasks);
    json_decref(tasks);
    lxw_error e = workbook_close(wb);
    if (e != LXW_NO_ERROR)
        return pd_fail(err, PD_EIO, "file", "Không ghi được tệp (%s)", lxw_strerror(e));
    char detail[96];
    snprintf(detail, sizeof detail, "Xuất %d nhiệm vụ ra xlsx", *rows);
    return pd_audit_write(db, actor, "export", "task", q->doc_id, NULL, detail, err);
}
