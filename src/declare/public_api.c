/* Public HTTP handlers (no login): the declaration form, the daily re-declaration with a personal
 * token, and the unit tree the form picks the residence from (names and codes only). Each is rate
 * limited per client address (`serve --declare-rate N`, declarations a minute; the unit tree gets
 * ten times as many) and answers nothing about the person a declaration was matched to. */
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "base/ratelimit.h"
#include "base/text.h"
#include "declare/api_json.h"
#include "declare/declare.h"
#include "http/handlers.h"
#include "units/units.h"

#define DEFAULT_RATE 20
#define PUBLIC_BODY_MAX (32u << 10) /* a declaration is a few hundred bytes; 20 places fit easily  \
                                     */
#define LIMITER_SLOTS 16384

static pd_ratelimit *declare_limiter, *units_limiter;
static int declare_rate = DEFAULT_RATE, units_rate = DEFAULT_RATE * 10;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void create_limiters(void)
{
    units_rate = declare_rate * 10 < 120 ? 120 : declare_rate * 10;
    declare_limiter = pd_ratelimit_new(declare_rate / 60.0, declare_rate, LIMITER_SLOTS);
    units_limiter = pd_ratelimit_new(units_rate / 60.0, units_rate, LIMITER_SLOTS);
}

void pd_declare_set_rate(int per_minute)
{
    if (per_minute > 0)
        declare_rate = per_minute;
    pthread_once(&once, create_limiters);
}

/* Takes a token from the client's bucket; on refusal answers 429 with Retry-After. */
static bool admit(pd_req *req, pd_resp *resp, bool units)
{
    char ip[48], key[80];
    pthread_once(&once, create_limiters);
    pd_http_client_ip(req->conn, ip, sizeof ip);
    snprintf(key, sizeof key, "%s:%s", units ? "u" : "d", ip);
    pd_ratelimit *rl = units ? units_limiter : declare_limiter;
    if (!rl || pd_ratelimit_take(rl, key, pd_monotonic_seconds()))
        return true;
    int rate = units ? units_rate : declare_rate;
    char wait[16];
    snprintf(wait, sizeof wait, "%d", rate >= 60 ? 1 : (60 + rate - 1) / rate);
    pd_resp_error(resp, 429, "rate_limited", "",
                  "Bạn đã gửi quá nhiều lần trong thời gian ngắn. Vui lòng thử lại sau ít phút.");
    pd_resp_header(resp, "Retry-After", wait);
    return false;
}

/* Rate limit, size limit, then the JSON object of the body. */
static json_t *public_body(pd_req *req, pd_resp *resp)
{
    if (!admit(req, resp, false))
        return NULL;
    if (req->body_len > PUBLIC_BODY_MAX) {
        pd_resp_error(resp, 413, "too_large", "", "Nội dung khai báo quá lớn");
        return NULL;
    }
    return pd_req_json(req, resp);
}

int pd_api_public_declare(pd_req *req, pd_resp *resp)
{
    json_t *body = public_body(req, resp);
    pd_declaration_in in;
    char token_in[64];
    if (!body || !pd_declare_from_json(body, false, &in, resp) ||
        !pd_json_copy(body, "token", token_in, sizeof token_in, resp))
        return 0;
    char ip[48], token[PD_TOKEN_CHARS + 1];
    int64_t at = 0;
    pd_field_errors errs = {0};
    pd_err err;
    pd_http_client_ip(req->conn, ip, sizeof ip);
    if (pd_declare_public(req->db, ip, &in, token_in, token, &at, &errs, &err) != PD_OK)
        return pd_declare_answer_error(resp, &err, &errs);
    /* What was typed is on the page already; nothing about the matched person is sent back. */
    json_t *j = json_pack("{s:o}", "declared_at", pd_json_time(at));
    pd_declare_add_token(j, token);
    return pd_resp_json(resp, 201, j);
}

int pd_api_public_daily(pd_req *req, pd_resp *resp)
{
    json_t *body = public_body(req, resp);
    pd_declaration_in in;
    char token[64];
    if (!body || !pd_declare_from_json(body, true, &in, resp) ||
        !pd_json_copy(body, "token", token, sizeof token, resp))
        return 0;
    char ip[48];
    int64_t at = 0;
    pd_field_errors errs = {0};
    pd_err err;
    pd_http_client_ip(req->conn, ip, sizeof ip);
    int rc = pd_declare_daily(req->db, ip, token, &in, &at, &errs, &err);
    if (rc == PD_ENOTFOUND)
        return pd_resp_error(resp, 404, "invalid_token", "token",
                             "Mã QR cá nhân không đúng hoặc đã bị thu hồi. Hãy khai báo đầy đủ để"
                             " nhận mã mới, hoặc liên hệ trạm y tế.");
    if (rc != PD_OK)
        return pd_declare_answer_error(resp, &err, &errs);
    return pd_resp_json(resp, 201, json_pack("{s:o}", "declared_at", pd_json_time(at)));
}

static int add_unit(const pd_unit *u, void *ctx)
{
    json_array_append_new(ctx, json_pack("{s:s, s:s, s:i, s:i}", "code", u->code, "name", u->name,
                                         "level", u->level, "child_count", u->child_count));
    return 0;
}

/* GET /api/public/units?parent=CODE: the children of a unit (no parent: the provinces). */
int pd_api_public_units(pd_req *req, pd_resp *resp)
{
    if (!admit(req, resp, true))
        return 0;
    json_t *items = json_array();
    pd_err err;
    const char *parent = pd_req_query(req, "parent");
    if (parent && strlen(parent) > 15) {
        json_decref(items);
        return pd_resp_error(resp, 400, "invalid", "parent", "Mã đơn vị không hợp lệ");
    }
    if (pd_unit_children(req->db, parent, add_unit, items, &err) != PD_OK) {
        json_decref(items);
        return pd_resp_err(resp, &err);
    }
    return pd_resp_json(resp, 200, json_pack("{s:o}", "items", items));
}
