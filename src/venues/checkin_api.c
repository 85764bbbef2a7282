/* HTTP handlers for check-ins: the public check-in page's endpoints (rate-limited per client
 * address, never telling whom a phone number belongs to), staff scanning at a venue, and the lists
 * read by officials. A check-in is queued to the writer thread and the connection suspended
 * (http/deferred.h) until the batch holding it has committed; only then is success answered. */
#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "base/ratelimit.h"
#include "base/validate.h"
#include "http/deferred.h"
#include "http/handlers.h"
#include "people/unit_cache.h"
#include "store/db.h"
#include "venues/venues.h"
#include "venues/venues_api.h"

/* ---- Rate limits of the public endpoints
 * --------------------------------------------------------- */

static int checkin_rate = 120; /* per minute per client address */
static pthread_once_t limits_once = PTHREAD_ONCE_INIT;
static pd_ratelimit *checkin_limit, *lookup_limit;

void pd_checkin_set_rate(int per_minute)
{
    if (per_minute > 0)
        checkin_rate = per_minute;
}

static void make_limits(void)
{
    double n = checkin_rate;
    checkin_limit = pd_ratelimit_new(n / 60.0, n, 4096);
    lookup_limit =
        pd_ratelimit_new(2 * n / 60.0, 2 * n, 4096); /* opening the page: twice as many */
}

/* Takes a token for the client; on refusal fills resp with 429 and Retry-After. */
static bool rate_ok(pd_req *req, pd_resp *resp, bool lookup)
{
    pthread_once(&limits_once, make_limits);
    char ip[48], key[64];
    pd_http_client_ip(req->conn, ip, sizeof ip);
    snprintf(key, sizeof key, "%c:%s", lookup ? 'v' : 'c', ip);
    pd_ratelimit *rl = lookup ? lookup_limit : checkin_limit;
    if (!rl || pd_ratelimit_take(rl, key, pd_monotonic_seconds()))
        return true;
    char wait[16];
    snprintf(wait, sizeof wait, "%d", (int)ceil(60.0 / (lookup ? 2 * checkin_rate : checkin_rate)));
    pd_resp_error(resp, 429, "rate_limited", "",
                  "Bạn thao tác quá nhanh. Vui lòng đợi một chút rồi thử lại.");
    pd_resp_header(resp, "Retry-After", wait);
    return false;
}

/* ---- Receipts: a phone check-in's proof, kept by the page to check out later
 * ---------------------- */

static unsigned char receipt_key[crypto_secretbox_KEYBYTES];
static pthread_once_t key_once = PTHREAD_ONCE_INIT;

static void make_key(void)
{
    randombytes_buf(receipt_key, sizeof receipt_key); /* per process: receipts end with a restart */
}

/* The check-in id sealed with a random nonce, so that receipts tell nothing (not even the order).
 */
static void receipt_seal(int64_t checkin_id, char *out, size_t cap)
{
    pthread_once(&key_once, make_key);
    unsigned char box[crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + 8], plain[8];
    for (int i = 0; i < 8; i++)
        plain[i] = (unsigned char)((uint64_t)checkin_id >> (8 * i));
    randombytes_buf(box, crypto_secretbox_NONCEBYTES);
    crypto_secretbox_easy(box + crypto_secretbox_NONCEBYTES, plain, 8, box, receipt_key);
    sodium_bin2base64(out, cap, box, sizeof box, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

static int64_t receipt_open(const char *receipt)
{
    pthread_once(&key_once, make_key);
    unsigned char box[crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + 8], plain[8];
    size_t len = 0;
    if (sodium_base642bin(box, sizeof box, receipt, strlen(receipt), NULL, &len, NULL,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
        len != sizeof box ||
        crypto_secretbox_open_easy(plain, box + crypto_secretbox_NONCEBYTES,
                                   sizeof box - crypto_secretbox_NONCEBYTES, box, receipt_key) != 0)
        return 0;
    uint64_t id = 0;
    for (int i = 0; i < 8; i++)
        id |= (uint64_t)plain[i] << (8 * i);
    return (int64_t)id;
}

/* ---- Queueing a job and answering after its commit
 * ------------------------------------------------ */

typedef enum { VIA_TOKEN, VIA_PHONE, VIA_RECEIPT, VIA_STAFF } via;

typedef struct job_ctx {
    pd_checkin_job job;
    pd_deferred *deferred;
    pd_venue venue;
    via via;
} job_ctx;

typedef int (*job_answer)(pd_req *req, pd_resp *resp, void *ctx);

static void job_done(pd_checkin_job *job, void *ctx)
{
    (void)job;
    pd_deferred_resume(ctx);
}

/* PHONGDICH_CHECKIN_COMMIT=each: one transaction per request in the worker thread (the benchmark's
 * baseline). Otherwise group commit through the writer thread. */
static bool commit_each(void)
{
    static int each = -1;
    if (each < 0) {
        const char *v = getenv("PHONGDICH_CHECKIN_COMMIT");
        each = v && strcmp(v, "each") == 0;
    }
    return each;
}

/* Runs c->job through the writer (the connection waits, suspended) or at once; answer fills resp.
 */
static int submit(pd_req *req, pd_resp *resp, job_ctx *c, job_answer answer)
{
    c->job.now = pd_now();
    c->job.venue_id = c->venue.id;
    c->job.stay_minutes = pd_venue_stay_minutes(&c->venue);
    pd_strlcpy(c->job.unit_code, c->venue.unit_code, sizeof c->job.unit_code);
    pd_strlcpy(c->job.district_code, c->venue.district_code, sizeof c->job.district_code);
    pd_strlcpy(c->job.province_code, c->venue.province_code, sizeof c->job.province_code);
    if (commit_each() || !pd_checkin_writer_running() ||
        !(c->deferred = pd_defer(req, answer, c, free))) {
        pd_checkin_run(req->db, &c->job);
        int rc = answer(req, resp, c);
        free(c);
        return rc;
    }
    if (!pd_checkin_submit(&c->job, job_done, c->deferred)) { /* the server is stopping */
        c->job.rc = pd_fail(&c->job.err, PD_ELIMIT, "", "Máy chủ đang dừng; vui lòng thử lại");
        pd_deferred_resume(c->deferred);
    }
    return 0;
}

static int answer_job_error(pd_resp *resp, const pd_checkin_job *job)
{
    if (job->rc == PD_ECONFLICT)
        return pd_resp_error(resp, 409, "not_checked_in", "checkin", job->err.message);
    if (job->rc == PD_ELIMIT)
        return pd_resp_error(resp, 503, "unavailable", "", job->err.message);
    return pd_resp_err(resp, &job->err);
}

static void write_venue_brief(pd_jw *w, const pd_venue *v)
{
    pd_jw_kint(w, "venue_id", v->id);
    pd_jw_kstr(w, "venue_name", v->name);
    pd_jw_kint(w, "stay_minutes", pd_venue_stay_minutes(v));
}

/* The visit as its holder sees it: times, state, and when it ends by itself. */
static void write_visit(pd_jw *w, const pd_checkin *c, const pd_venue *v)
{
    pd_jw_kint(w, "id", c->id);
    write_venue_brief(w, v);
    pd_jw_key(w, "in_at");
    pd_jw_time(w, c->in_at);
    pd_jw_key(w, "out_at");
    pd_jw_time(w, c->out_at);
    pd_jw_key(w, "auto_out_at");
    pd_jw_time(w, c->in_at + (int64_t)pd_venue_stay_minutes(v) * 60);
    pd_jw_kstr(w, "state", c->out_at ? "out" : "in");
    pd_jw_key(w, "auto_out");
    pd_jw_bool(w, (c->flags & PD_CHECKIN_AUTO_OUT) != 0);
}

/* Public answer. A visit found by a phone number shows nothing that could tell a new visit from
 * somebody's earlier one (no id, no times): only the venue and a receipt to check out with. */
static int answer_public(pd_req *req, pd_resp *resp, void *vctx)
{
    (void)req;
    job_ctx *c = vctx;
    pd_checkin_job *j = &c->job;
    if (j->rc != PD_OK)
        return answer_job_error(resp, j);
    pd_jw w;
    pd_jw_init(&w);
    pd_jw_object(&w);
    pd_jw_key(&w, "checkin");
    pd_jw_object(&w);
    if (c->via == VIA_TOKEN) {
        write_visit(&w, &j->result, &c->venue);
    } else {
        write_venue_brief(&w, &c->venue);
        pd_jw_kstr(&w, "state", j->outcome == PD_CHECKIN_CLOSED ? "out" : "in");
    }
    pd_jw_object_end(&w);
    if (c->via == VIA_PHONE) {
        char receipt[128];
        receipt_seal(j->result.id, receipt, sizeof receipt);
        pd_jw_kstr(&w, "receipt", receipt);
    }
    if (c->via == VIA_TOKEN && j->outcome != PD_CHECKIN_CLOSED) {
        pd_jw_key(&w, "replayed");
        pd_jw_bool(&w, j->outcome == PD_CHECKIN_REPLAYED);
    }
    pd_jw_object_end(&w);
    bool created = c->via == VIA_TOKEN && j->outcome == PD_CHECKIN_NEW;
    return pd_resp_jw(resp, created ? 201 : 200, &w);
}

/* The venue of a public request: 404 unknown code, 409 closed. */
static bool public_venue(pd_req *req, pd_resp *resp, const char *code, pd_venue *v)
{
    pd_err err;
    if (pd_venue_by_code(req->db, code, v, &err) != PD_OK)
        return pd_resp_err(resp, &err), false;
    if (v->closed_at)
        return pd_resp_error(resp, 409, "closed", "code",
                             "Địa điểm này đã ngừng hoạt động, không nhận check-in."),
               false;
    return true;
}

int pd_api_public_venue(pd_req *req, pd_resp *resp)
{
    if (!rate_ok(req, resp, true))
        return 0;
    pd_venue v;
    pd_err err;
    if (pd_venue_by_code(req->db, req->params[0], &v, &err) != PD_OK)
        return pd_resp_err(resp, &err);
    pd_unit_info u;
    const pd_venue_kind *k = pd_venue_kind_find(v.kind);
    json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:i}", "code", v.public_code, "name",
                          v.name, "kind_label", k ? k->label : "", "address", v.address,
                          "unit_name", pd_unit_cache_get(req->db, v.unit_code, &u) ? u.name : "",
                          "closed", v.closed_at != 0, "stay_minutes", pd_venue_stay_minutes(&v));
    return pd_resp_json(resp, 200, json_pack("{s:o}", "venue", j));
}

/* Reads {code, token | phone | receipt} into a new job context; NULL when resp holds an error. */
static job_ctx *public_job(pd_req *req, pd_resp *resp, bool in)
{
    json_t *body = pd_req_json(req, resp);
    char code[32], token[160], phone[32], receipt[128];
    if (!body || !pd_json_copy(body, "code", code, sizeof code, resp) ||
        !pd_json_copy(body, "token", token, sizeof token, resp) ||
        !pd_json_copy(body, "phone", phone, sizeof phone, resp) ||
        !pd_json_copy(body, "receipt", receipt, sizeof receipt, resp))
        return NULL;
    job_ctx *c = calloc(1, sizeof *c);
    pd_err err;
    if (!c || !public_venue(req, resp, code, &c->venue))
        return free(c), NULL;
    c->job.action = in ? PD_CHECKIN_IN : PD_CHECKIN_OUT;
    if (token[0]) {
        c->via = VIA_TOKEN;
        if (pd_person_by_token(req->db, token, &c->job.person_id, &err) == PD_OK)
            return c;
        pd_resp_err(resp, &err);
    } else if (in && phone[0]) {
        c->via = VIA_PHONE;
        if (pd_normalize_phone(phone, c->job.phone, sizeof c->job.phone, &err) == PD_OK)
            return c;
        pd_resp_err(resp, &err);
    } else if (!in && receipt[0]) {
        c->via = VIA_RECEIPT;
        if ((c->job.checkin_id = receipt_open(receipt)) > 0)
            return c;
        pd_resp_error(resp, 409, "not_checked_in", "receipt",
                      "Không còn thông tin lượt check-in trên máy này; lượt vào sẽ tự kết thúc.");
    } else {
        pd_resp_error(resp, 400, "invalid", in ? "phone" : "token",
                      in ? "Cần mã QR cá nhân hoặc số điện thoại để check-in"
                         : "Cần mã QR cá nhân hoặc phiếu check-in để check-out");
    }
    free(c);
    return NULL;
}

int pd_api_public_checkin(pd_req *req, pd_resp *resp)
{
    if (!rate_ok(req, resp, false))
        return 0;
    job_ctx *c = public_job(req, resp, true);
    return c ? submit(req, resp, c, answer_public) : 0;
}

int pd_api_public_checkout(pd_req *req, pd_resp *resp)
{
    if (!rate_ok(req, resp, false))
        return 0;
    job_ctx *c = public_job(req, resp, false);
    return c ? submit(req, resp, c, answer_public) : 0;
}

/* ---- Staff scanning ----------------------------------------------------------------------------
 */

static int answer_scan(pd_req *req, pd_resp *resp, void *vctx)
{
    job_ctx *c = vctx;
    pd_checkin_job *j = &c->job;
    if (j->rc != PD_OK)
        return answer_job_error(resp, j);
    static const char *const actions[] = {"in", "already_in", "out"};
    pd_jw w;
    pd_jw_init(&w);
    pd_jw_object(&w);
    pd_jw_kstr(&w, "action", actions[j->outcome]);
    pd_jw_key(&w, "checkin");
    pd_jw_object(&w);
    write_visit(&w, &j->result, &c->venue);
    pd_jw_object_end(&w);
    pd_jw_key(&w, "person");
    pd_jw_object(&w);
    pd_jw_kint(&w, "id", j->person_id);
    pd_err err;
    sqlite3_stmt *st = pd_db_cached(req->db,
                                    "SELECT full_name, coalesce(substr(birth_date, 1, 4),"
                                    " '') FROM people WHERE id = ?",
                                    &err);
    bool found = false;
    if (st) {
        sqlite3_bind_int64(st, 1, j->person_id);
        found = sqlite3_step(st) == SQLITE_ROW;
    }
    pd_jw_kstr(&w, "full_name", found ? pd_col_text(st, 0) : "");
    pd_jw_kstr(&w, "birth_year", found ? pd_col_text(st, 1) : "");
    pd_db_release(st);
    pd_jw_object_end(&w);
    pd_jw_object_end(&w);
    return pd_resp_jw(resp, j->outcome == PD_CHECKIN_NEW ? 201 : 200, &w);
}

int pd_api_venue_scan(pd_req *req, pd_resp *resp)
{
    if (!pd_actor_can(&req->actor, PD_PERM_CHECKIN_SCAN))
        return pd_resp_error(resp, 403, "denied", "", "Tài khoản không được quét mã check-in");
    job_ctx *c = calloc(1, sizeof *c);
    if (!c)
        return pd_resp_error(resp, 500, "internal", "", "Hết bộ nhớ");
    pd_err err;
    json_t *body;
    char token[160], action[16];
    if (pd_venue_for_scan(req->db, &req->actor, pd_req_param_id(req, 0), &c->venue, &err) != PD_OK)
        pd_resp_err(resp, &err);
    else if (!(body = pd_req_json(req, resp)) ||
             !pd_json_copy(body, "token", token, sizeof token, resp) ||
             !pd_json_copy(body, "action", action, sizeof action, resp))
        ;
    else if (!*action ||
             (strcmp(action, "in") && strcmp(action, "out") && strcmp(action, "toggle")))
        pd_resp_error(resp, 400, "invalid", "action", "action phải là in, out hoặc toggle");
    else if (pd_person_by_token(req->db, token, &c->job.person_id, &err) != PD_OK)
        pd_resp_err(resp, &err);
    else {
        c->via = VIA_STAFF;
        c->job.by_staff = true;
        c->job.actor = req->actor;
        c->job.action = !strcmp(action, "in")    ? PD_CHECKIN_IN
                        : !strcmp(action, "out") ? PD_CHECKIN_OUT
                                                 : PD_CHECKIN_TOGGLE;
        return submit(req, resp, c, answer_scan);
    }
    free(c);
    return 0;
}

/* ---- Lists for officials ------------------------------------------------------------------------
 */

/* "2021-11-15" (the local day; its end when end is set) or Unix seconds; 0 when absent or invalid.
 */
static int64_t time_arg(pd_req *req, const char *name, bool end)
{
    const char *v = pd_req_query(req, name);
    pd_date d;
    if (!v || !*v)
        return 0;
    if (pd_all_digits(v) && strlen(v) > 8)
        return strtoll(v, NULL, 10);
    if (!pd_date_parse(v, &d) || !d.day)
        return 0;
    struct tm tm = {.tm_year = d.year - 1900, .tm_mon = d.month - 1, .tm_mday = d.day};
    int64_t t = (int64_t)timegm(&tm) - PD_TZ_OFFSET_SECONDS;
    return end ? t + 86399 : t;
}

static bool read_query(pd_req *req, pd_resp *resp, pd_checkin_query *q)
{
    memset(q, 0, sizeof q[0]);
    q->from = time_arg(req, "from", false);
    q->to = time_arg(req, "to", true);
    q->limit = (int)pd_req_query_int(req, "limit", 50);
    const char *before = pd_req_query(req, "before");
    if (before && *before) {
        long long at, id;
        char tail;
        if (sscanf(before, "%lld.%lld%c", &at, &id, &tail) != 2)
            return pd_resp_error(resp, 400, "invalid", "before", "Tham số before không hợp lệ"),
                   false;
        q->before_in_at = at, q->before_id = id;
    }
    return true;
}

typedef struct rows_ctx {
    sqlite3 *db;
    pd_jw *w;
    pd_checkin_row last;
} rows_ctx;

static int add_row(const pd_checkin_row *r, void *vctx)
{
    rows_ctx *c = vctx;
    pd_jw *w = c->w;
    pd_unit_info u;
    pd_jw_object(w);
    pd_jw_kint(w, "id", r->c.id);
    pd_jw_kint(w, "venue_id", r->c.venue_id);
    pd_jw_kstr(w, "venue_name", r->venue_name);
    pd_jw_kstr(w, "venue_unit_name",
               pd_unit_cache_get(c->db, r->venue_unit_code, &u) ? u.name : "");
    pd_jw_kint(w, "person_id", r->c.person_id);
    pd_jw_kstr(w, "full_name", r->full_name);
    pd_jw_kstr(w, "phone", r->phone);
    pd_jw_kstr(w, "birth_date", r->birth_date);
    pd_jw_kstr(w, "person_unit_name",
               pd_unit_cache_get(c->db, r->person_unit_code, &u) ? u.name : "");
    pd_jw_key(w, "in_at");
    pd_jw_time(w, r->c.in_at);
    pd_jw_key(w, "out_at");
    pd_jw_time(w, r->c.out_at);
    pd_jw_key(w, "auto_out");
    pd_jw_bool(w, (r->c.flags & PD_CHECKIN_AUTO_OUT) != 0);
    pd_jw_key(w, "by_staff");
    pd_jw_bool(w, (r->c.flags & PD_CHECKIN_BY_STAFF) != 0);
    pd_jw_object_end(w);
    c->last = *r;
    return 0;
}

typedef int (*list_fn)(sqlite3 *db, const pd_actor *actor, int64_t id, const pd_checkin_query *q,
                       pd_checkin_cb cb, void *ctx, bool *more, pd_err *err);

static int list(pd_req *req, pd_resp *resp, list_fn fn)
{
    if (!pd_actor_can(&req->actor, PD_PERM_CHECKINS_READ))
        return pd_resp_error(resp, 403, "denied", "", "Tài khoản không được xem lượt check-in");
    pd_checkin_query q;
    if (!read_query(req, resp, &q))
        return 0;
    pd_jw w;
    pd_jw_init(&w);
    pd_jw_object(&w);
    pd_jw_key(&w, "items");
    pd_jw_array(&w);
    rows_ctx c = {.db = req->db, .w = &w};
    bool more = false;
    pd_err err;
    if (fn(req->db, &req->actor, pd_req_param_id(req, 0), &q, add_row, &c, &more, &err) != PD_OK) {
        pd_jw_free(&w);
        return pd_resp_err(resp, &err);
    }
    pd_jw_array_end(&w);
    pd_jw_key(&w, "next");
    if (more) {
        char next[48];
        snprintf(next, sizeof next, "%lld.%lld", (long long)c.last.c.in_at, (long long)c.last.c.id);
        pd_jw_str(&w, next);
    } else {
        pd_jw_null(&w);
    }
    pd_jw_object_end(&w);
    return pd_resp_jw(resp, 200, &w);
}

int pd_api_venue_checkins(pd_req *req, pd_resp *resp)
{
    return list(req, resp, pd_checkins_by_venue);
}

int pd_api_person_checkins(pd_req *req, pd_resp *resp)
{
    return list(req, resp, pd_checkins_by_person);
}
