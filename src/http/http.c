/* Request and response helpers for handlers: query arguments, JSON bodies, errors mapped to
 * statuses. */
#include "http/http.h"

#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/file.h"
#include "base/text.h"

const char *pd_req_query(const pd_req *req, const char *name)
{
    return MHD_lookup_connection_value((struct MHD_Connection *)req->conn, MHD_GET_ARGUMENT_KIND,
                                       name);
}

const char *pd_req_header(const pd_req *req, const char *name)
{
    return MHD_lookup_connection_value((struct MHD_Connection *)req->conn, MHD_HEADER_KIND, name);
}

long long pd_req_query_int(const pd_req *req, const char *name, long long def)
{
    const char *v = pd_req_query(req, name);
    if (!v || !*v)
        return def;
    char *end;
    long long n = strtoll(v, &end, 10);
    return *end ? def : n;
}

long long pd_req_param_id(const pd_req *req, int i)
{
    if (i >= req->nparams)
        return 0;
    char *end;
    long long n = strtoll(req->params[i], &end, 10);
    return (*end || n <= 0) ? 0 : n;
}

json_t *pd_req_json(pd_req *req, pd_resp *resp)
{
    if (req->json)
        return req->json;
    if (!req->body || req->body_len == 0) {
        pd_resp_error(resp, 400, "invalid", "", "Thiếu nội dung JSON trong yêu cầu");
        return NULL;
    }
    if (!pd_utf8_valid(req->body, req->body_len)) {
        pd_resp_error(resp, 400, "invalid", "", "Nội dung không phải UTF-8 hợp lệ");
        return NULL;
    }
    json_error_t jerr;
    json_t *j = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &jerr);
    if (!j || !json_is_object(j)) {
        char msg[300];
        snprintf(msg, sizeof msg, "JSON không hợp lệ (dòng %d, cột %d): %s", jerr.line, jerr.column,
                 j ? "cần một đối tượng {...}" : jerr.text);
        json_decref(j);
        pd_resp_error(resp, 400, "invalid", "", msg);
        return NULL;
    }
    req->json = j;
    return j;
}

int pd_resp_json(pd_resp *resp, int status, json_t *body)
{
    json_decref(resp->json);
    resp->status = status;
    resp->json = body;
    return 0;
}

int pd_resp_json_text(pd_resp *resp, int status, char *text, size_t len)
{
    pd_resp_file(resp, text, len, "application/json; charset=utf-8", NULL);
    resp->status = status;
    return 0;
}

int pd_resp_jw(pd_resp *resp, int status, pd_jw *w)
{
    size_t len;
    char *text = pd_jw_steal(w, &len);
    return pd_resp_json_text(resp, status, text, len);
}

int pd_resp_error(pd_resp *resp, int status, const char *code, const char *field,
                  const char *message)
{
    json_t *j = json_pack("{s:s, s:s}", "error", code, "message", message);
    if (field && *field)
        json_object_set_new(j, "field", json_string(field));
    return pd_resp_json(resp, status, j);
}

int pd_resp_err(pd_resp *resp, const pd_err *err)
{
    static const struct {
        int status;
        const char *code;
    } map[] = {{200, "ok"},       {400, "invalid"}, {404, "not_found"}, {403, "denied"},
               {409, "conflict"}, {500, "db"},      {500, "io"},        {413, "too_large"}};
    int c = err->code >= 0 && err->code <= PD_ELIMIT ? err->code : PD_EDB;
    return pd_resp_error(resp, map[c].status, map[c].code, err->field, err->message);
}

int pd_resp_file(pd_resp *resp, char *data, size_t len, const char *content_type,
                 const char *download_name)
{
    json_decref(resp->json);
    resp->json = NULL;
    free(resp->raw);
    resp->status = 200;
    resp->raw = data;
    resp->raw_len = len;
    pd_strlcpy(resp->content_type, content_type, sizeof resp->content_type);
    if (download_name) {
        char v[200];
        snprintf(v, sizeof v, "attachment; filename=\"%s\"", download_name);
        pd_resp_header(resp, "Content-Disposition", v);
    }
    return 0;
}

void pd_resp_header(pd_resp *resp, const char *name, const char *value)
{
    if (resp->nheaders >= (int)(sizeof resp->headers / sizeof resp->headers[0]))
        return;
    pd_header *h = &resp->headers[resp->nheaders++];
    pd_strlcpy(h->name, name, sizeof h->name);
    pd_strlcpy(h->value, value, sizeof h->value);
}

const char *pd_json_str(const json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s ? s : "";
}

bool pd_json_copy(const json_t *obj, const char *key, char *out, size_t cap, pd_resp *resp)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v)) {
        out[0] = '\0';
        return true;
    }
    if (json_is_integer(v)) { /* tolerate numbers where codes are expected */
        snprintf(out, cap, "%lld", (long long)json_integer_value(v));
        return true;
    }
    if (!json_is_string(v)) {
        char msg[160];
        snprintf(msg, sizeof msg, "Trường %s phải là chuỗi ký tự", key);
        pd_resp_error(resp, 400, "invalid", key, msg);
        return false;
    }
    if (json_string_length(v) >= cap) {
        char msg[160];
        snprintf(msg, sizeof msg, "Trường %s quá dài", key);
        pd_resp_error(resp, 400, "invalid", key, msg);
        return false;
    }
    memcpy(out, json_string_value(v), json_string_length(v) + 1);
    return true;
}

bool pd_json_copy_fields(const json_t *obj, const pd_json_field *fields, size_t n, pd_resp *resp)
{
    for (size_t i = 0; i < n; i++)
        if (!pd_json_copy(obj, fields[i].key, fields[i].out, fields[i].cap, resp))
            return false;
    return true;
}

json_t *pd_json_time(long long unix_seconds)
{
    if (!unix_seconds)
        return json_null();
    char s[40];
    pd_format_local(unix_seconds, s, sizeof s);
    return json_string(s);
}

int pd_resp_export(pd_resp *resp, pd_export_writer write, void *ctx, const char *content_type,
                   const char *download_name)
{
    char path[64] = "/tmp/phongdich-export-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return pd_resp_error(resp, 500, "io", "", "Không tạo được tệp xuất");
    close(fd);
    pd_err err;
    pd_err_clear(&err);
    int rc = write(path, ctx, &err);
    size_t len = 0;
    char *data = rc == PD_OK ? pd_file_read(path, &len) : NULL;
    unlink(path);
    if (rc != PD_OK)
        return pd_resp_err(resp, &err);
    if (!data)
        return pd_resp_error(resp, 500, "io", "", "Không đọc được tệp xuất");
    return pd_resp_file(resp, data, len, content_type, download_name);
}

int pd_resp_field_errors(pd_resp *resp, const pd_field_errors *errs)
{
    json_t *list = json_array();
    for (int i = 0; i < errs->count; i++)
        json_array_append_new(list, json_pack("{s:s, s:s}", "field", errs->items[i].field,
                                              "message", errs->items[i].message));
    pd_resp_error(resp, 400, "invalid", errs->items[0].field, errs->items[0].message);
    json_object_set_new(resp->json, "errors", list);
    return 0;
}

int pd_resp_err_fields(pd_resp *resp, const pd_err *err, const pd_field_errors *errs)
{
    if (err->code == PD_EINVAL && errs && errs->count > 0)
        return pd_resp_field_errors(resp, errs);
    if (err->code == PD_EINVAL) {
        pd_field_errors one = {0};
        pd_field_errors_add(&one, err->field, err->message);
        return pd_resp_field_errors(resp, &one);
    }
    return pd_resp_err(resp, err);
}

void pd_req_query_copy(const pd_req *req, const char *name, char *out, size_t cap)
{
    const char *v = pd_req_query(req, name);
    pd_strlcpy(out, v ? v : "", cap);
}
