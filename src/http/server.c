/* The HTTP server: libmicrohttpd with epoll and a pool of worker threads, each with its own SQLite
 * connection. Every request passes the same gate here: route match, body limits, session, CSRF, then
 * the feature's handler. Answers are sent on the handler's second call so connections stay alive. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit/audit.h"
#include "auth/session_cache.h"
#include "base/args.h"
#include "base/assets.h"
#include "base/log.h"
#include "base/text.h"
#include "declare/declare.h"
#include "http/deferred.h"
#include "http/http.h"
#include "http/routes.h"
#include "http/serve.h"
#include "trace/trace.h"
#include "http/static.h"
#include "store/db.h"
#include "venues/venues.h"

typedef struct server {
    const char *db_path;
    const char *web_dir; /* serve web/ from disk instead of the embedded copy */
    bool secure_cookies;
} server;

static server srv;
static pthread_key_t db_key;

static void close_worker_db(void *db)
{
    pd_db_close(db);
}

/* The calling worker thread's connection, opened on first use. */
static sqlite3 *worker_db(void)
{
    sqlite3 *db = pthread_getspecific(db_key);
    if (!db) {
        pd_err err;
        db = pd_db_open_existing(srv.db_path, &err);
        if (!db) {
            pd_error("%s", err.message);
            return NULL;
        }
        pthread_setspecific(db_key, db);
    }
    return db;
}

/* One request in flight. */
typedef struct request {
    const pd_route *route;
    bool api, too_large, upload_failed, method_mismatch;
    pd_buf body;
    int upload_fd;
    char upload_path[64];
    size_t received;
    pd_req req;
} request;

static void request_free(request *r)
{
    pd_buf_free(&r->body);
    if (r->upload_fd >= 0)
        close(r->upload_fd);
    if (r->upload_path[0])
        unlink(r->upload_path);
    json_decref(r->req.json);
    pd_deferred_release(&r->req);
    free(r);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls, (void)conn, (void)toe;
    if (*con_cls)
        request_free(*con_cls);
    *con_cls = NULL;
}

static size_t body_limit(const request *r)
{
    return r->route && (r->route->flags & PD_ROUTE_UPLOAD) ? PD_UPLOAD_BODY_MAX : PD_JSON_BODY_MAX;
}

static request *request_new(struct MHD_Connection *conn, const char *url, const char *method)
{
    request *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->upload_fd = -1;
    pd_buf_init(&r->body);
    r->req.conn = conn;
    r->req.method = method;
    r->req.path = url;
    r->api = strncmp(url, "/api/", 5) == 0;
    if (r->api)
        r->route = pd_route_match(method, url, &r->req, &r->method_mismatch);
    const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
    if (cl && strtoull(cl, NULL, 10) > body_limit(r))
        r->too_large = true;
    return r;
}

/* Spools an upload chunk to a temporary file (created on the first chunk). */
static void spool(request *r, const char *data, size_t n)
{
    if (r->upload_fd < 0 && !r->upload_failed) {
        const char *tmp = getenv("TMPDIR");
        snprintf(r->upload_path, sizeof r->upload_path, "%s/phongdich-upload-XXXXXX",
                 tmp && strlen(tmp) < 32 ? tmp : "/tmp");
        r->upload_fd = mkstemp(r->upload_path);
        if (r->upload_fd < 0) {
            r->upload_path[0] = '\0';
            r->upload_failed = true;
        }
    }
    if (r->upload_fd >= 0 && write(r->upload_fd, data, n) != (ssize_t)n)
        r->upload_failed = true;
}

static void receive(request *r, const char *data, size_t n)
{
    r->received += n;
    if (r->too_large || r->received > body_limit(r)) {
        r->too_large = true;
        return; /* keep reading and discarding, then answer 413 */
    }
    if (r->route && (r->route->flags & PD_ROUTE_UPLOAD))
        spool(r, data, n);
    else
        pd_buf_add(&r->body, data, n);
}

static void add_common_headers(struct MHD_Response *mr, bool api)
{
    MHD_add_response_header(mr, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(mr, "X-Frame-Options", "DENY");
    MHD_add_response_header(mr, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(mr, "Content-Security-Policy",
                            "default-src 'self'; img-src 'self' data: blob:; style-src 'self';"
                            " frame-ancestors 'none'; form-action 'self'");
    if (api)
        MHD_add_response_header(mr, "Cache-Control", "no-store");
}

static enum MHD_Result send_resp(struct MHD_Connection *conn, pd_resp *resp, bool api)
{
    struct MHD_Response *mr;
    if (resp->json) {
        char *text = json_dumps(resp->json, JSON_COMPACT);
        mr = MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
        MHD_add_response_header(mr, "Content-Type", "application/json; charset=utf-8");
    } else if (resp->raw) {
        mr = MHD_create_response_from_buffer(resp->raw_len, resp->raw, MHD_RESPMEM_MUST_FREE);
        resp->raw = NULL;
    } else {
        mr = MHD_create_response_from_buffer(resp->static_len, (void *)resp->static_data,
                                             MHD_RESPMEM_PERSISTENT);
    }
    if (resp->content_type[0])
        MHD_add_response_header(mr, "Content-Type", resp->content_type);
    for (int i = 0; i < resp->nheaders; i++)
        MHD_add_response_header(mr, resp->headers[i].name, resp->headers[i].value);
    add_common_headers(mr, api);
    enum MHD_Result ret = MHD_queue_response(conn, (unsigned)resp->status, mr);
    MHD_destroy_response(mr);
    json_decref(resp->json);
    resp->json = NULL;
    return ret;
}

void pd_http_client_ip(void *vconn, char *out, size_t cap)
{
    struct MHD_Connection *conn = vconn;
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    out[0] = '\0';
    if (!ci || !ci->client_addr)
        return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, (socklen_t)cap);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out, (socklen_t)cap);
}

/* Reads the session cookie and loads the caller; leaves req unauthenticated if none is valid. */
static void authenticate(pd_req *req)
{
    struct MHD_Connection *conn = req->conn;
    const char *token = MHD_lookup_connection_value(conn, MHD_COOKIE_KIND, "pd_session");
    if (!token || strlen(token) != 64)
        return;
    pd_err err;
    if (pd_session_lookup(req->db, token, &req->actor, req->csrf, &err) == PD_OK) {
        req->authenticated = true;
        pd_strlcpy(req->session_token, token, sizeof req->session_token);
        pd_http_client_ip(conn, req->actor.ip, sizeof req->actor.ip);
    }
}

static bool state_changing(const char *method)
{
    return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0;
}

static bool csrf_ok(const pd_req *req)
{
    const char *sent =
        MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, "X-CSRF-Token");
    return sent && strlen(sent) == 64 && sodium_memcmp(sent, req->csrf, 64) == 0;
}

static bool json_content_type(struct MHD_Connection *conn)
{
    const char *ct = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Type");
    return ct && strncasecmp(ct, "application/json", 16) == 0;
}

/* The gate every API request passes before its handler. Returns true if the handler may run. */
static bool gate(request *r, pd_resp *resp)
{
    pd_req *req = &r->req;
    if (!r->route && r->method_mismatch)
        return pd_resp_error(resp, 405, "method_not_allowed", "", "Phương thức không được hỗ trợ"),
               false;
    if (!r->route)
        return pd_resp_error(resp, 404, "not_found", "", "Không có địa chỉ API này"), false;
    if (r->too_large)
        return pd_resp_error(resp, 413, "too_large", "", "Nội dung gửi lên quá lớn"), false;
    if (r->upload_failed)
        return pd_resp_error(resp, 500, "io", "", "Không lưu được tệp tải lên"), false;
    req->db = worker_db();
    if (!req->db)
        return pd_resp_error(resp, 500, "db", "", "Không mở được cơ sở dữ liệu"), false;
    req->db_path = srv.db_path;
    authenticate(req);
    if (!(r->route->flags & PD_ROUTE_PUBLIC) && !req->authenticated)
        return pd_resp_error(resp, 401, "unauthenticated", "", "Cần đăng nhập"), false;
    if (!(r->route->flags & PD_ROUTE_PUBLIC) && state_changing(req->method) && !csrf_ok(req))
        return pd_resp_error(resp, 403, "csrf", "", "Thiếu hoặc sai mã chống giả mạo (CSRF)"), false;
    bool upload = r->route->flags & PD_ROUTE_UPLOAD;
    if (state_changing(req->method) && !upload && r->body.len > 0 &&
        !json_content_type(req->conn))
        return pd_resp_error(resp, 415, "unsupported_media_type", "",
                             "Nội dung phải có kiểu application/json"), false;
    req->body = r->body.data;
    req->body_len = r->body.len;
    req->upload_path = r->upload_path[0] ? r->upload_path : NULL;
    if (upload && r->upload_fd >= 0) {
        close(r->upload_fd);
        r->upload_fd = -1;
    }
    return true;
}

static enum MHD_Result dispatch(struct MHD_Connection *conn, request *r)
{
    pd_resp resp;
    memset(&resp, 0, sizeof resp);
    if (!r->api) {
        pd_static_serve(srv.web_dir, r->req.method, r->req.path, &resp);
        return send_resp(conn, &resp, false);
    }
    if (r->req.deferred) { /* resumed: the work the handler waited for is done */
        pd_deferred_answer(&r->req, &resp);
        return send_resp(conn, &resp, true);
    }
    if (gate(r, &resp)) {
        resp.status = 200;
        r->route->handler(&r->req, &resp);
    }
    if (pd_deferred_pending(&r->req))
        return MHD_YES; /* suspended; answered when resumed (http/deferred.h) */
    if (resp.status == 0)
        pd_resp_error(&resp, 500, "internal", "", "Lỗi máy chủ");
    return send_resp(conn, &resp, true);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    (void)cls, (void)version;
    request *r = *con_cls;
    if (!r) {
        r = request_new(conn, url, method);
        *con_cls = r;
        return r ? MHD_YES : MHD_NO;
    }
    if (*upload_data_size) {
        receive(r, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }
    return dispatch(conn, r);
}

/* Parses HOST:PORT (IPv4) into addr. */
static bool parse_listen(const char *s, struct sockaddr_in *addr)
{
    char host[64];
    const char *colon = strrchr(s, ':');
    if (!colon || (size_t)(colon - s) >= sizeof host)
        return false;
    memcpy(host, s, (size_t)(colon - s));
    host[colon - s] = '\0';
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (*end || port < 0 || port > 65535)
        return false;
    memset(addr, 0, sizeof *addr);
    addr->sin_family = AF_INET;
    addr->sin_port = htons((uint16_t)port);
    return inet_pton(AF_INET, host[0] ? host : "0.0.0.0", &addr->sin_addr) == 1;
}

static struct MHD_Daemon *start_daemon(struct sockaddr_in *addr, unsigned threads)
{
    return MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG |
            MHD_ALLOW_SUSPEND_RESUME, 0, NULL, NULL,
        on_request, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)addr,
        MHD_OPTION_THREAD_POOL_SIZE, threads, MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120, MHD_OPTION_CONNECTION_LIMIT, (unsigned)2000,
        MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)1024, MHD_OPTION_END);
}

static void wait_for_signal(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    int sig;
    sigwait(&set, &sig);
}

static void block_signals(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL); /* inherited by every thread started after this */
    signal(SIGPIPE, SIG_IGN);
}

static void announce(struct MHD_Daemon *d, const struct sockaddr_in *addr, bool demo)
{
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    char host[64];
    inet_ntop(AF_INET, &addr->sin_addr, host, sizeof host);
    printf("phongdich đang chạy tại http://%s:%u/\n", strcmp(host, "0.0.0.0") ? host : "127.0.0.1",
           info ? info->port : 0);
    if (demo)
        pd_static_print_demo_accounts(srv.db_path);
    printf("Nhấn Ctrl+C để dừng.\n");
    fflush(stdout);
}

int pd_cmd_serve(int argc, char **argv)
{
    static const char *const known[] = {"db=", "listen=", "threads=", "web=", "secure-cookies",
                                        "announce-demo", "checkin-rate=", "declare-rate=", NULL};
    pd_args a = {argc, argv, known};
    if (!pd_args_check(&a) || !pd_arg(&a, "db")) {
        fprintf(stderr, "Cách dùng: phongdich serve --db DB [--listen 127.0.0.1:8080] [--threads N]\n");
        return 2;
    }
    struct sockaddr_in addr;
    const char *listen = pd_arg(&a, "listen") ? pd_arg(&a, "listen") : "127.0.0.1:8080";
    if (!parse_listen(listen, &addr)) {
        fprintf(stderr, "Địa chỉ --listen không hợp lệ: %s (dạng 127.0.0.1:8080)\n", listen);
        return 2;
    }
    srv.db_path = pd_arg(&a, "db");
    srv.web_dir = pd_arg(&a, "web");
    srv.secure_cookies = pd_arg_flag(&a, "secure-cookies");
    if (pd_arg(&a, "checkin-rate")) /* public check-ins per minute per client address */
        pd_checkin_set_rate(atoi(pd_arg(&a, "checkin-rate")));
    /* public declarations per minute per client address (default 20) */
    pd_declare_set_rate(pd_arg(&a, "declare-rate") ? atoi(pd_arg(&a, "declare-rate")) : 0);
    if (sodium_init() < 0)
        return 1;
    pd_err err;
    sqlite3 *db = pd_db_open_existing(srv.db_path, &err); /* migrate once, before the workers */
    if (!db) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    pd_db_close(db);
    block_signals();
    pthread_key_create(&db_key, close_worker_db);
    pd_session_cache_enable(true); /* every worker shares it; see auth/session_cache.h */
    if (pd_audit_writer_start(srv.db_path, &err) != PD_OK) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    if (pd_checkin_writer_start(srv.db_path, &err) != PD_OK) { /* group commit of check-ins */
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    long threads = pd_arg(&a, "threads") ? atol(pd_arg(&a, "threads")) : 4;
    struct MHD_Daemon *d = start_daemon(&addr, threads > 0 && threads <= 64 ? (unsigned)threads : 4);
    if (!d) {
        fprintf(stderr, "Không mở được cổng %s: %s\n", listen, strerror(errno));
        pd_checkin_writer_stop();
        pd_audit_writer_stop();
        return 1;
    }
    announce(d, &addr, pd_arg_flag(&a, "announce-demo"));
    wait_for_signal();
    pd_checkin_writer_stop(); /* answers every queued check-in: no connection stays suspended */
    MHD_stop_daemon(d);
    pd_audit_writer_stop();
    pd_trace_shared_close();
    printf("Đã dừng.\n");
    return 0;
}

bool pd_server_secure_cookies(void)
{
    return srv.secure_cookies;
}
