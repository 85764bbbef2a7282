/* HTTP handlers of directives: reading a dispatch for review without saving it (text or an uploaded
 * .md/.txt/.docx), saving the corrected structure with the original text, the list, one document,
 * its chain, its tasks (JSON and XLSX), mapping a mention, and the implementing draft (JSON to
 * edit, .docx to download). JSON in -> directives.h -> JSON out. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/file.h"
#include "base/text.h"
#include "directives/api.h"
#include "directives/directives.h"
#include "directives/parse.h"

#define MAX_TEXT (2u << 20)

static bool allowed(pd_req *req, pd_resp *resp, pd_perm perm)
{
    if (pd_actor_can(&req->actor, perm))
        return true;
    pd_resp_error(resp, 403, "denied", "",
                  perm == PD_PERM_DIRECTIVES_WRITE
                      ? "Tài khoản không được nhập hoặc sửa văn bản chỉ đạo"
                      : "Tài khoản không được xem văn bản chỉ đạo");
    return false;
}

#define MAY_READ allowed(req, resp, PD_PERM_DIRECTIVES_READ)
#define MAY_WRITE allowed(req, resp, PD_PERM_DIRECTIVES_WRITE)

static int64_t param_id(pd_req *req, pd_resp *resp)
{
    int64_t id = pd_req_param_id(req, 0);
    if (id <= 0)
        pd_resp_error(resp, 404, "not_found", "id", "Không tìm thấy văn bản");
    return id;
}

int pd_api_directives_list(pd_req *req, pd_resp *resp)
{
    if (!MAY_READ)
        return 0;
    json_t *items = NULL;
    pd_err err;
    const char *q = pd_req_query(req, "q");
    if (pd_directive_list(req->db, &req->actor, q ? q : "", pd_req_query_int(req, "stubs", 0) != 0,
                          (int)pd_req_query_int(req, "limit", 200), &items, &err) != PD_OK)
        return pd_resp_err(resp, &err);
    return pd_resp_json(resp, 200, json_pack("{s:o}", "items", items));
}

/* The reader's answer for a text: {"parsed": ..., "text": ...}; nothing is saved. */
static int answer_parsed(pd_resp *resp, const char *text, size_t len)
{
    if (len == 0)
        return pd_resp_error(resp, 400, "invalid", "text", "Cần nội dung văn bản");
    if (len > MAX_TEXT)
        return pd_resp_error(resp, 413, "too_large", "text", "Văn bản quá dài (tối đa 2 MB)");
    if (!pd_utf8_valid(text, len))
        return pd_resp_error(resp, 400, "invalid", "text", "Văn bản phải là chữ UTF-8");
    pd_err err;
    pd_err_clear(&err);
    json_t *parsed = pd_directive_parse(text, len, &err);
    if (!parsed)
        return pd_resp_error(resp, 400, "invalid", err.field[0] ? err.field : "text",
                             err.message[0] ? err.message : "Không đọc được văn bản");
    return pd_resp_json(resp, 200, json_pack("{s:o, s:s%}", "parsed", parsed, "text", text, len));
}

int pd_api_directives_parse(pd_req *req, pd_resp *resp)
{
    if (!MAY_WRITE)
        return 0;
    json_t *b = pd_req_json(req, resp);
    if (!b)
        return 0;
    const char *text = pd_json_str(b, "text");
    return answer_parsed(resp, text, strlen(text));
}

static bool ends_with(const char *s, const char *tail)
{
    size_t a = strlen(s), b = strlen(tail);
    return a >= b && strcasecmp(s + a - b, tail) == 0;
}

int pd_api_directives_parse_file(pd_req *req, pd_resp *resp)
{
    if (!MAY_WRITE)
        return 0;
    const char *name = pd_req_query(req, "name");
    name = name ? name : "";
    if (!req->upload_path)
        return pd_resp_error(resp, 400, "invalid", "file", "Cần tệp văn bản");
    char *text = NULL;
    size_t len = 0;
    if (ends_with(name, ".docx")) {
        pd_err err;
        if (pd_directive_docx_text(req->upload_path, &text, &len, &err) != PD_OK)
            return pd_resp_error(resp, 400, "invalid", "file", err.message);
    } else if (ends_with(name, ".md") || ends_with(name, ".txt")) {
        text = pd_file_read(req->upload_path, &len);
        if (!text)
            return pd_resp_error(resp, 500, "io", "file", "Không đọc được tệp tải lên");
    } else {
        return pd_resp_error(resp, 415, "unsupported_media_type", "file",
                             "Chỉ nhận tệp .docx, .md hoặc .txt");
    }
    size_t skip = len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0; /* BOM */
    int rc = answer_parsed(resp, text + skip, len - skip);
    free(text);
    return rc;
}

static json_t *directive_json(pd_req *req, int64_t id, pd_err *err)
{
    json_t *d = NULL;
    return pd_directive_get(req->db, &req->actor, id, &d, err) == PD_OK ? d : NULL;
}

int pd_api_directives_create(pd_req *req, pd_resp *resp)
{
    if (!MAY_WRITE)
        return 0;
    json_t *b = pd_req_json(req, resp);
    if (!b)
        return 0;
    json_t *parsed = json_object_get(b, "parsed");
    if (!json_is_object(parsed))
        return pd_resp_error(resp, 400, "invalid", "parsed", "Thiếu nội dung văn bản đã đọc");
    json_t *reader = json_object_get(b, "reader");
    int64_t id = 0;
    pd_err err;
    if (pd_directive_save_ex(req->db, &req->actor, pd_json_str(b, "text"), parsed,
                             json_is_object(reader) ? reader : NULL, &id, &err) != PD_OK)
        return pd_resp_err(resp, &err);
    json_t *d = directive_json(req, id, &err);
    if (!d)
        return pd_resp_err(resp, &err);
    return pd_resp_json(resp, 201, json_pack("{s:o}", "directive", d));
}

int pd_api_directive_get(pd_req *req, pd_resp *resp)
{
    if (!MAY_READ)
        return 0;
    int64_t id = param_id(req, resp);
    if (id <= 0)
        return 0;
    pd_err err;
    json_t *d = directive_json(req, id, &err);
    if (!d)
        return pd_resp_err(resp, &err);
    return pd_resp_json(resp, 200, json_pack("{s:o}", "directive", d));
}

int pd_api_directive_chain(pd_req *req, pd_resp *resp)
{
    if (!MAY_READ)
        return 0;
    int64_t id = param_id(req, resp);
    if (id <= 0)
        return 0;
    json_t *c = NULL;
    pd_err err;
    if (pd_directive_chain(req->db, &req->actor, id, &c, &err) != PD_OK)
        return pd_resp_err(resp, &err);
    return pd_resp_json(resp, 200, c);
}

int pd_api_directive_tasks(pd_req *req, pd_resp *resp)
{
    if (!MAY_READ)
        return 0;
    pd_tasks_query q = {0};
    q.doc_id = param_id(req, resp);
    if (q.doc_id <= 0)
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

int pd_api_directive_tasks_xlsx(pd_req *req, pd_resp *resp)
{
    if (!MAY_READ)
        return 0;
    tasks_export e = {req, {0}};
    e.q.doc_id = param_id(req, resp);
    if (e.q.doc_id <= 0)
        return 0;
    return pd_resp_export(resp, write_tasks, &e, PD_XLSX_TYPE, "nhiem-vu-van-ban.xlsx");
}

int pd_api_directive_draft(pd_req *req, pd_resp *resp)
{
    if (!MAY_WRITE)
        return 0;
    int64_t id = param_id(req, resp);
    if (id <= 0)
        return 0;
    json_t *d = NULL;
    pd_err err;
    if (pd_directive_draft(req->db, &req->actor, id, &d, &err) != PD_OK)
        return pd_resp_err(resp, &err);
    return pd_resp_json(resp, 200, json_pack("{s:o}", "draft", d));
}

int pd_api_directives_draft_docx(pd_req *req, pd_resp *resp)
{
    if (!MAY_WRITE)
        return 0;
    json_t *b = pd_req_json(req, resp);
    if (!b)
        return 0;
    json_t *draft = json_object_get(b, "draft");
    if (!json_is_object(draft))
        return pd_resp_error(resp, 400, "invalid", "draft", "Thiếu nội dung dự thảo");
    char *data = NULL;
    size_t size = 0;
    pd_err err;
    if (pd_draft_docx(draft, &data, &size, &err) != PD_OK)
        return pd_resp_err(resp, &err);
    return pd_resp_file(resp, data, size,
                        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                        "du-thao-cong-van.docx");
}

int pd_api_directive_mention_map(pd_req *req, pd_resp *resp)
{
    if (!MAY_WRITE)
        return 0;
    int64_t id = pd_req_param_id(req, 0);
    json_t *b = pd_req_json(req, resp);
    if (!b)
        return 0;
    json_t *a = json_object_get(b, "agency_id");
    if (!json_is_integer(a) || json_integer_value(a) <= 0)
        return pd_resp_error(resp, 400, "invalid", "agency_id", "Cần chọn cơ quan");
    int added = 0;
    pd_err err;
    if (id <= 0)
        return pd_resp_error(resp, 404, "not_found", "id", "Không tìm thấy cơ quan được nêu");
    if (pd_directive_map_mention(req->db, &req->actor, id, json_integer_value(a), &added, &err) !=
        PD_OK)
        return pd_resp_err(resp, &err);
    return pd_resp_json(resp, 200, json_pack("{s:i}", "tasks_added", added));
}
