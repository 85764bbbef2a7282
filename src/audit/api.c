/* HTTP handlers for the audit log (admin): browse with filters and paging, export to CSV and XLSX.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "audit/audit.h"
#include "base/clock.h"
#include "base/text.h"
#include "http/handlers.h"

static void read_query(pd_req *req, pd_audit_query *q, int default_limit)
{
    memset(q, 0, sizeof *q);
    const char *v;
    if ((v = pd_req_query(req, "user")))
        pd_strlcpy(q->username, v, sizeof q->username);
    if ((v = pd_req_query(req, "entity")))
        pd_strlcpy(q->entity, v, sizeof q->entity);
    if ((v = pd_req_query(req, "action")))
        pd_strlcpy(q->action, v, sizeof q->action);
    q->entity_id = pd_req_query_int(req, "entity_id", 0);
    q->from = pd_req_query_int(req, "from", 0);
    q->to = pd_req_query_int(req, "to", 0);
    q->before_id = pd_req_query_int(req, "before", 0);
    q->limit = (int)pd_req_query_int(req, "limit", default_limit);
}

typedef struct list_ctx {
    json_t *items;
    long long last_id;
    int count;
} list_ctx;

static int add_entry(const pd_audit_entry *e, void *vctx)
{
    list_ctx *c = vctx;
    json_t *j =
        json_pack("{s:I, s:o, s:s, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)e->id, "at",
                  pd_json_time(e->at), "username", e->username, "action", e->action, "entity",
                  e->entity, "unit_code", e->unit_code, "detail", e->detail, "ip", e->ip);
    json_object_set_new(j, "entity_id", e->entity_id ? json_integer(e->entity_id) : json_null());
    json_array_append_new(c->items, j);
    c->last_id = e->id;
    c->count++;
    return 0;
}

int pd_api_audit_list(pd_req *req, pd_resp *resp)
{
    pd_audit_query q;
    read_query(req, &q, 100);
    if (q.limit > 500)
        q.limit = 500;
    list_ctx c = {json_array(), 0, 0};
    pd_err err;
    if (pd_audit_list(req->db, &req->actor, &q, add_entry, &c, &err) != PD_OK) {
        json_decref(c.items);
        return pd_resp_err(resp, &err);
    }
    pd_audit_read(req->db, &req->actor, "audit", 0, "", "browse");
    json_t *j = json_pack("{s:o}", "items", c.items);
    json_object_set_new(j, "next", c.count == q.limit ? json_integer(c.last_id) : json_null());
    return pd_resp_json(resp, 200, j);
}

/* CSV export: one row per entry, RFC 4180 quoting, UTF-8 with BOM for Excel. */
static void csv_field(pd_buf *b, const char *s, bool last)
{
    pd_buf_puts(b, "\"");
    for (; *s; s++) {
        if (*s == '"')
            pd_buf_puts(b, "\"");
        pd_buf_add(b, s, 1);
    }
    pd_buf_puts(b, last ? "\"\r\n" : "\",");
}

static int add_csv(const pd_audit_entry *e, void *ctx)
{
    pd_buf *b = ctx;
    char at[40], id[24], eid[24];
    pd_format_local(e->at, at, sizeof at);
    snprintf(id, sizeof id, "%lld", (long long)e->id);
    snprintf(eid, sizeof eid, "%lld", (long long)e->entity_id);
    const char *f[] = {id,           at,        e->username,
                       e->action,    e->entity, e->entity_id ? eid : "",
                       e->unit_code, e->detail, e->ip};
    for (int i = 0; i < 9; i++)
        csv_field(b, f[i], i == 8);
    return 0;
}

static const char *const headers[] = {"STT",       "Thời điểm", "Tài khoản",
                                      "Hành động", "Đối tượng", "Mã đối tượng",
                                      "Đơn vị",    "Chi tiết",  "Địa chỉ IP"};

int pd_api_audit_csv(pd_req *req, pd_resp *resp)
{
    pd_audit_query q;
    read_query(req, &q, 100000);
    pd_buf b;
    pd_buf_init(&b);
    pd_buf_puts(&b, "\xEF\xBB\xBF");
    for (int i = 0; i < 9; i++)
        csv_field(&b, headers[i], i == 8);
    pd_err err;
    if (pd_audit_list(req->db, &req->actor, &q, add_csv, &b, &err) != PD_OK) {
        pd_buf_free(&b);
        return pd_resp_err(resp, &err);
    }
    pd_audit_read(req->db, &req->actor, "audit", 0, "", "export csv");
    size_t len = b.len;
    return pd_resp_file(resp, pd_buf_steal(&b), len, "text/csv; charset=utf-8", "nhat-ky.csv");
}

typedef struct xlsx_ctx {
    lxw_worksheet *ws;
    lxw_row_t row;
} xlsx_ctx;

static int add_xlsx(const pd_audit_entry *e, void *vctx)
{
    xlsx_ctx *c = vctx;
    char at[40];
    pd_format_local(e->at, at, sizeof at);
    lxw_row_t r = ++c->row;
    worksheet_write_number(c->ws, r, 0, (double)e->id, NULL);
    worksheet_write_string(c->ws, r, 1, at, NULL);
    worksheet_write_string(c->ws, r, 2, e->username, NULL);
    worksheet_write_string(c->ws, r, 3, e->action, NULL);
    worksheet_write_string(c->ws, r, 4, e->entity, NULL);
    if (e->entity_id)
        worksheet_write_number(c->ws, r, 5, (double)e->entity_id, NULL);
    worksheet_write_string(c->ws, r, 6, e->unit_code, NULL);
    worksheet_write_string(c->ws, r, 7, e->detail, NULL);
    worksheet_write_string(c->ws, r, 8, e->ip, NULL);
    return 0;
}

typedef struct audit_export {
    sqlite3 *db;
    const pd_actor *actor;
    const pd_audit_query *q;
} audit_export;

static int write_audit(const char *path, void *ctx, pd_err *err)
{
    audit_export *e = ctx;
    lxw_workbook *wb = workbook_new(path);
    lxw_worksheet *ws = workbook_add_worksheet(wb, "Nhật ký");
    lxw_format *bold = workbook_add_format(wb);
    format_set_bold(bold);
    for (int i = 0; i < 9; i++)
        worksheet_write_string(ws, 0, (lxw_col_t)i, headers[i], bold);
    worksheet_freeze_panes(ws, 1, 0);
    xlsx_ctx c = {ws, 0};
    int rc = pd_audit_list(e->db, e->actor, e->q, add_xlsx, &c, err);
    if (workbook_close(wb) != LXW_NO_ERROR && rc == PD_OK)
        rc = pd_fail(err, PD_EIO, "", "Không ghi được tệp xuất");
    return rc;
}

int pd_api_audit_xlsx(pd_req *req, pd_resp *resp)
{
    pd_audit_query q;
    read_query(req, &q, 100000);
    audit_export e = {req->db, &req->actor, &q};
    int rc = pd_resp_export(resp, write_audit, &e, PD_XLSX_TYPE, "nhat-ky.xlsx");
    if (resp->status == 200)
        pd_audit_read(req->db, &req->actor, "audit", 0, "", "export xlsx");
    return rc;
}
