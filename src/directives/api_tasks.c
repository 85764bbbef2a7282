/* HTTP handlers of agencies and tasks: the directory (list, add, seed the standard list), task
 * lists (by agency, status, overdue; JSON and XLSX), one task, setting its due date, progress
 * reports and their attached files (uploaded raw, downloaded with their name and type). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/file.h"
#include "base/text.h"
#include "directives/api.h"
#include "directives/directives.h"

static bool allowed(pd_req *req, pd_resp *resp, pd_perm perm, const char *message)
{
    if (pd_actor_can(&req->actor, perm))
        return true;
    pd_resp_error(resp, 403, "denied", "", message);
    return false;
}

#define MAY_READ                                                                                   \
    allowed(req, resp, PD_PERM_DIRECTIVES_READ, "Tài khoản không được xem văn bản chỉ đạo")
#define MAY_WRITE                                                                                  \
    allowed(req, resp, PD_PERM_DIRECTIVES_WRITE, "Tài khoản không được sửa văn bản chỉ đạo")
#define MAY_REPORT                                                                                 \
    allowed(req, resp, PD_PERM_TASKS_REPORT, "Tài khoản không được báo cáo tiến độ nhiệm vụ")

static bool may_see_tasks(pd_req *req, pd_resp *resp)
{
    if (pd_actor_can(&req->actor, PD_PERM_TASKS_REPORT))
        return true;
    return MAY_READ;
}

int pd_api_agencies_list(pd_req *req, pd_resp *resp)
{
    if (!MAY_READ)
        return 0;
    json_t *items = NULL;
    pd_err err;
    if (pd_agencies_list(req->db, &req->actor, pd_req_query(req, "unit"), &items, &err) != PD_OK)
        return pd_resp_err(resp, &err);
    return pd_resp_json(resp, 200, json_pack("{s:o}", "items", items));
}

int pd_api_agencies_create(pd_req *req, pd_resp *resp)
{
    if (!MAY_WRITE)
        return 0;
    json_t *b = pd_req_json(req, resp);
    if (!b)
        return 0;
    int64_t id = 0;
    pd_err err;
    if (pd_agency_add(req->db, &req->actor, pd_json_str(b, "dir_unit"), pd_json_str(b, "name"),
                      pd_json_str(b, "kind"), pd_json_str(b, "unit_code"), &id, &err) != PD_OK)
        return pd_resp_err(resp, &err);
    return pd_resp_json(resp, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

int pd_api_agencies_seed(pd_req *req, pd_resp *resp)
{
    if (!MAY_WRITE)
        return 0;
    json_t *b = pd_req_json(req, resp);
    if (!b)
        return 0;
    int added = 0;
    pd_err err;
    if (pd_agencies_seed(req->db, &req->actor, pd_json_str(b, "unit_code"), &added, &err) != PD_OK)
        return pd_resp_err(resp, &err);
    return pd_resp_json(resp, 200, json_pack("{s:i}", "added", added));
}

static bool read_query(pd_req *req, pd_resp *resp, pd_tasks_query *q)
{
    memset(q, 0, sizeof *q);
    q->agency_id = pd_req_query_int(req, "agency", 0);
    q->doc_id = pd_req_query_int(req, "doc", 0);
    q->overdue = pd_req_query_int(req, "overdue", 0) != 0;
    q->limit = (int)pd_req_query_int(req, "limit", 0);
    const char *s = pd_req_query(req, "status");
    pd_strlcpy(q->status, s ? s : "", sizeof q->status);
    if (q->agency_id < 0 || q->doc_id < 0) {
        pd_resp_error(resp, 400, "invalid", q->doc_id < 0 ? "doc" : "agency", "Mã không hợp lệ");
        return false;
    }
    return true;
}

int pd_api_tasks_list(pd_req *req, pd_resp *resp)
{
    pd_tasks_query q;
    if (!may_see_tasks(req, resp) || !read_query(req, resp, &q))
        return 0;
    json_t *items = NULL;
    pd_err err;
    if (pd_tasks_list(req->db, &req->actor, &q, &items, &err) != PD_OK)
        return pd_resp_err(resp, &err);
    return pd_resp_json(resp, 200, json_pack("{s:o}", "items", items));
}

typedef struct tasks_export {
    pd_req *req;
    pd_tasks_query q;
} tasks_export;

static int write_tasks(const char *path, void *ctx, pd_err *err)
{
    tasks_export *e = ctx;
    int rows;
    return pd_tasks_xlsx(e->req->db, &e->req->actor, &e->q, path, &rows, err);
}

int pd_api_tasks_xlsx(pd_req *req, pd_resp *resp)
{
    tasks_export e = {req, {0}};
    if (!may_see_tasks(req, resp) || !read_query(req, resp, &e.q))
        return 0;
    return pd_resp_export(resp, write_tasks, &e, PD_XLSX_TYPE,
                          e.q.overdue ? "nhiem-vu-qua-han.xlsx" : "nhiem-vu.xlsx");
}

static int answer_task(pd_req *req, pd_resp *resp, int64_t id, int status)
{
    json_t *t = NULL;
    pd_err err;
    if (pd_task_get(req->db, &req->actor, id, &t, &err) != PD_OK)
        return pd_resp_err(resp, &err);
    return pd_resp_json(resp, status, json_pack("{s:o}", "task", t));
}

static int64_t task_id(pd_req *req, pd_resp *resp)
{
    int64_t id = pd_req_param_id(req, 0);
    if (id <= 0)
        pd_resp_error(resp, 404, "not_found", "id", "Không tìm thấy nhiệm vụ");
    return id;
}

int pd_api_task_get(pd_req *req, pd_resp *resp)
{
    if (!may_see_tasks(req, resp))
        return 0;
    int64_t id = task_id(req, resp);
    return id > 0 ? answer_task(req, resp, id, 200) : 0;
}

int pd_api_task_due(pd_req *req, pd_resp *resp)
{
    if (!MAY_WRITE)
        return 0;
    int64_t id = task_id(req, resp);
    json_t *b = id > 0 ? pd_req_json(req, resp) : NULL;
    if (!b)
        return 0;
    json_t *v = json_object_get(b, "due_date");
    if (v && !json_is_string(v) && !json_is_null(v))
        return pd_resp_error(resp, 400, "invalid", "due_date", "Hạn hoàn thành phải là ngày");
    pd_err err;
    if (pd_task_set_due(req->db, &req->actor, id, pd_json_str(b, "due_date"), &err) != PD_OK)
        return pd_resp_err(resp, &err);
    return answer_task(req, resp, id, 200);
}

int pd_api_task_report(pd_req *req, pd_resp *resp)
{
    if (!MAY_REPORT)
        return 0;
    int64_t id = task_id(req, resp);
    json_t *b = id > 0 ? pd_req_json(req, resp) : NULL;
    if (!b)
        return 0;
    json_t *p = json_object_get(b, "progress");
    if (p && !json_is_integer(p) && !json_is_null(p))
        return pd_resp_error(resp, 400, "invalid", "progress", "Tiến độ phải là số từ 0 đến 100");
    int64_t rid = 0;
    pd_err err;
    if (pd_task_report(req->db, &req->actor, id, pd_json_str(b, "status"),
                       p ? (int)json_integer_value(p) : 0, pd_json_str(b, "note"), &rid,
                       &err) != PD_OK)
        return pd_resp_err(resp, &err);
    json_t *t = NULL;
    if (pd_task_get(req->db, &req->actor, id, &t, &err) != PD_OK)
        return pd_resp_err(resp, &err);
    return pd_resp_json(resp, 201,
                        json_pack("{s:I, s:o}", "report_id", (json_int_t)rid, "task", t));
}

int pd_api_task_attach(pd_req *req, pd_resp *resp)
{
    if (!MAY_REPORT)
        return 0;
    int64_t id = task_id(req, resp);
    int64_t rid = pd_req_param_id(req, 1);
    if (id <= 0)
        return 0;
    struct stat sb;
    if (req->upload_path && stat(req->upload_path, &sb) == 0 && sb.st_size > (10 << 20))
        return pd_resp_error(resp, 413, "too_large", "file", "Tệp quá lớn (tối đa 10 MB)");
    size_t len = 0;
    char *data = req->upload_path ? pd_file_read(req->upload_path, &len) : NULL;
    if (!data)
        return pd_resp_error(resp, 400, "invalid", "file", "Cần tệp đính kèm");
    const char *type = pd_req_header(req, "Content-Type");
    const char *name = pd_req_query(req, "name");
    int64_t fid = 0;
    pd_err err;
    int rc = pd_task_attach(req->db, &req->actor, id, rid, name ? name : "", type ? type : "", data,
                            len, &fid, &err);
    free(data);
    if (rc != PD_OK)
        return pd_resp_err(resp, &err);
    return pd_resp_json(
        resp, 201,
        json_pack("{s:{s:I, s:I}}", "file", "id", (json_int_t)fid, "size", (json_int_t)len));
}

/* attachment; filename="ascii"; filename*=UTF-8''percent-encoded */
static void disposition(const char *name, char *out, size_t cap)
{
    char ascii[96], enc[200];
    size_t a = 0, e = 0;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        if (a + 1 < sizeof ascii)
            ascii[a++] = *p < 0x80 && *p >= 0x20 && *p != '"' && *p != '\\' ? (char)*p : '_';
        bool plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                     (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' || *p == '_';
        if (e + 4 >= sizeof enc)
            break;
        e += (size_t)snprintf(enc + e, sizeof enc - e, plain ? "%c" : "%%%02X", *p);
    }
    ascii[a] = enc[e] = '\0';
    snprintf(out, cap, "attachment; filename=\"%s\"; filename*=UTF-8''%s", ascii, enc);
}

int pd_api_task_file(pd_req *req, pd_resp *resp)
{
    if (!may_see_tasks(req, resp))
        return 0;
    int64_t id = pd_req_param_id(req, 0);
    if (id <= 0)
        return pd_resp_error(resp, 404, "not_found", "id", "Không tìm thấy tệp");
    char name[256], type[128], *data = NULL;
    size_t size = 0;
    pd_err err;
    if (pd_task_file(req->db, &req->actor, id, name, type, &data, &size, &err) != PD_OK)
        return pd_resp_err(resp, &err);
    pd_resp_file(resp, data, size, type, NULL);
    char cd[320];
    disposition(name, cd, sizeof cd);
    pd_resp_header(resp, "Content-Disposition", cd);
    return 0;
}
