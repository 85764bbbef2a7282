/* The HTTP layer's view of one request and its response, shared by the server and every feature's
 * api.c. Handlers read the request (already authenticated and CSRF-checked by the server) and fill
 * the response; they never touch libmicrohttpd themselves. */
#ifndef PD_HTTP_H
#define PD_HTTP_H

#include <jansson.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>

#include "auth/auth.h"
#include "base/err.h"
#include "base/fielderr.h"
#include "http/jsonw.h"

#define PD_JSON_BODY_MAX (1u << 20)     /* 1 MiB */
#define PD_UPLOAD_BODY_MAX (200u << 20) /* 200 MiB, imports only */
#define PD_MAX_PATH_PARAMS 4

typedef struct pd_req {
    void *conn; /* struct MHD_Connection *, for the server only */
    const char *method;
    const char *path;
    const char *db_path;
    sqlite3 *db; /* this worker thread's connection */
    pd_actor actor;
    bool authenticated;
    char session_token[65];
    char csrf[65];
    char params[PD_MAX_PATH_PARAMS][96]; /* the :segments of the route, in order */
    int nparams;
    const char *body; /* JSON routes: the body, NUL-terminated */
    size_t body_len;
    const char *upload_path; /* upload routes: the body, spooled to this temporary file */
    json_t *json;            /* parsed body, owned by the request */
    void *deferred;          /* the answer comes later (http/deferred.h) */
} pd_req;

typedef struct pd_header {
    char name[48];
    char value[320];
} pd_header;

typedef struct pd_resp {
    int status;
    json_t *json; /* sent as application/json; owned by the response */
    char *raw;    /* or raw bytes (malloc'd, owned) */
    size_t raw_len;
    const unsigned char *static_data; /* or bytes that live forever (embedded assets) */
    size_t static_len;
    char content_type[96];
    pd_header headers[4];
    int nheaders;
} pd_resp;

/* A query-string argument, or NULL. */
const char *pd_req_query(const pd_req *req, const char *name);
/* A request header, or NULL. */
const char *pd_req_header(const pd_req *req, const char *name);
/* The query-string argument as an integer (def when absent or not a number). */
long long pd_req_query_int(const pd_req *req, const char *name, long long def);
/* The query-string argument copied into out ("" when absent). */
void pd_req_query_copy(const pd_req *req, const char *name, char *out, size_t cap);
/* The path parameter i as an integer id; 0 if not a positive integer. */
long long pd_req_param_id(const pd_req *req, int i);

/* The JSON object in the body; on failure fills resp with 400 and returns NULL. */
json_t *pd_req_json(pd_req *req, pd_resp *resp);

/* Fills the response; each returns 0 so handlers can `return pd_resp_...`. */
int pd_resp_json(pd_resp *resp, int status, json_t *body); /* steals body */
/* JSON already written as text (http/jsonw.h), sent as application/json; steals text (malloc'd). */
int pd_resp_json_text(pd_resp *resp, int status, char *text, size_t len);
/* The writer's text as the JSON answer; the writer is left empty. */
int pd_resp_jw(pd_resp *resp, int status, pd_jw *w);
int pd_resp_error(pd_resp *resp, int status, const char *code, const char *field,
                  const char *message);
/* Maps a domain error to its HTTP status and error code. */
int pd_resp_err(pd_resp *resp, const pd_err *err);
/* 400 {"error":"invalid","field","message" (the first problem),"errors":[{"field","message"}]}. */
int pd_resp_field_errors(pd_resp *resp, const pd_field_errors *errs);
/* A domain error, with its field problems when it is PD_EINVAL (a lone err->field makes a list of
 * one, so that an invalid answer always carries "errors"). */
int pd_resp_err_fields(pd_resp *resp, const pd_err *err, const pd_field_errors *errs);
int pd_resp_file(pd_resp *resp, char *data, size_t len, const char *content_type,
                 const char *download_name); /* steals data */
void pd_resp_header(pd_resp *resp, const char *name, const char *value);

/* A download written by a domain function to a file: write(path, ctx, err) fills a fresh temporary
 * file, which is answered as download_name and removed. A domain error is answered as such. */
#define PD_XLSX_TYPE "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
typedef int (*pd_export_writer)(const char *path, void *ctx, pd_err *err);
int pd_resp_export(pd_resp *resp, pd_export_writer write, void *ctx, const char *content_type,
                   const char *download_name);

/* JSON helpers: a string member or "" (never NULL). */
const char *pd_json_str(const json_t *obj, const char *key);
/* Copies a string member into out; false (and resp 400) if present but not a string. */
bool pd_json_copy(const json_t *obj, const char *key, char *out, size_t cap, pd_resp *resp);
/* A string member of a body and where it goes: copies many with pd_json_copy_fields(). */
typedef struct pd_json_field {
    const char *key;
    char *out;
    size_t cap;
} pd_json_field;
/* pd_json_copy() for each field in turn; false (and resp 400) at the first that is not a string. */
bool pd_json_copy_fields(const json_t *obj, const pd_json_field *fields, size_t n, pd_resp *resp);
/* ISO 8601 local time string for a Unix time, as a new JSON string (null for 0). */
json_t *pd_json_time(long long unix_seconds);

/* The client's address as text (server.c). */
void pd_http_client_ip(void *conn, char *out, size_t cap);

#endif
