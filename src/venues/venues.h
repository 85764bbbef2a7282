/* Venues (markets, schools, offices, ...) with their printable QR posters, and QR check-ins: who
 * was where and when. Venues are scoped by their commune; an account of role venue sees and scans
 * only its own venue (actor.venue_id). Check-ins are written through one writer thread that commits
 * them in batches (group commit, checkin_writer.c); a success is reported only after its batch's
 * COMMIT. */
#ifndef PD_VENUES_H
#define PD_VENUES_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "auth/auth.h"
#include "base/err.h"
#include "base/text.h"
#include "people/people.h"

/* A kind of venue, its Vietnamese label and how long a visit lasts when nobody checks out. */
typedef struct pd_venue_kind {
    const char *code;
    const char *label;
    int stay_minutes;
} pd_venue_kind;

extern const pd_venue_kind pd_venue_kinds[];
extern const int pd_venue_kind_count;
/* The kind with this code, or NULL. */
const pd_venue_kind *pd_venue_kind_find(const char *code);

#define PD_VENUE_STAY_MIN 5
#define PD_VENUE_STAY_MAX 1440 /* minutes; no visit is open longer than a day */

typedef struct pd_venue {
    int64_t id;
    char name[160];
    char kind[16];
    char unit_code[16]; /* commune */
    char area_code[16]; /* thôn/tổ, "" none */
    char district_code[16], province_code[16];
    char address[256];
    char responsible_name[128];
    char responsible_phone[16];
    int default_stay_minutes; /* 0: the kind's default */
    char public_code[24];     /* random, in the poster's URL */
    int64_t closed_at;        /* 0 open */
    int64_t created_at, updated_at;
    int version;
} pd_venue;

/* Minutes after which a visit without check-out ends by itself. */
int pd_venue_stay_minutes(const pd_venue *v);

/* Creates a venue (PD_PERM_VENUES_WRITE, its commune in scope); sets id, public_code and times. On
 * PD_EINVAL errs lists the fields. */
int pd_venue_create(sqlite3 *db, const pd_actor *actor, pd_venue *v, pd_field_errors *errs,
                    pd_err *err);
/* Replaces the editable fields; v->version must be the stored one (else PD_ECONFLICT). closed: true
 * closes the venue (keeps the first closing time), false reopens it. */
int pd_venue_update(sqlite3 *db, const pd_actor *actor, pd_venue *v, bool closed,
                    pd_field_errors *errs, pd_err *err);
/* One venue the actor may see (PD_PERM_VENUES_READ); PD_ENOTFOUND otherwise. */
int pd_venue_get(sqlite3 *db, const pd_actor *actor, int64_t id, pd_venue *out, pd_err *err);
/* The venue of a poster's code, for the public check-in page (no actor). PD_ENOTFOUND if none. */
int pd_venue_by_code(sqlite3 *db, const char *public_code, pd_venue *out, pd_err *err);

typedef struct pd_venue_query {
    char q[128];        /* words of the name, without diacritics */
    char unit_code[16]; /* a province, district, commune or area inside scope; "" all */
    char kind[16];      /* "" any */
    bool open_only;
    int64_t after_id;
    int limit; /* default 50, at most 500 */
} pd_venue_query;

typedef int (*pd_venue_cb)(const pd_venue *v, void *ctx);
int pd_venues_list(sqlite3 *db, const pd_actor *actor, const pd_venue_query *q, pd_venue_cb cb,
                   void *ctx, bool *more, pd_err *err);

/* Posters (poster.c). The SVG is an A4 page (210 x 297 mm) with the venue's name and address, the
 * instructions in Vietnamese and a QR code of <base_url>/#/c/<public_code>. */
int pd_venue_poster_svg(sqlite3 *db, const pd_venue *v, const char *base_url, pd_buf *out,
                        pd_err *err);
/* Renders a poster SVG with librsvg + cairo: format "png" (A4 at 150 dpi) or "pdf" (one A4 page).
 */
int pd_venue_poster_render(const char *svg, size_t len, const char *format, pd_buf *out,
                           pd_err *err);
/* The check-in URL a poster's QR holds (out: at least 512 bytes). */
void pd_venue_checkin_url(const char *base_url, const char *public_code, char *out, size_t cap);

/* ---- Check-ins (checkins.c)
 * ---------------------------------------------------------------------- */

enum {
    PD_CHECKIN_AUTO_OUT = 1, /* out_at set by the system after the venue's stay */
    PD_CHECKIN_BY_STAFF = 2, /* checked in or out by venue staff scanning the personal QR */
    PD_CHECKIN_INGESTED = 4, /* bulk ingest from another system */
};

typedef struct pd_checkin {
    int64_t id, venue_id, person_id;
    int64_t in_at;
    int64_t out_at; /* effective: the stored time, or in_at + stay once that has passed; 0 inside */
    int flags;      /* stored flags, plus PD_CHECKIN_AUTO_OUT when out_at is computed */
} pd_checkin;

typedef enum pd_checkin_action {
    PD_CHECKIN_IN,
    PD_CHECKIN_OUT,
    PD_CHECKIN_TOGGLE, /* staff scanning: out if inside, else in */
} pd_checkin_action;

/* What happened to a check-in request. */
typedef enum pd_checkin_outcome {
    PD_CHECKIN_NEW,      /* a new visit was recorded */
    PD_CHECKIN_REPLAYED, /* already inside: the open visit is returned unchanged */
    PD_CHECKIN_CLOSED,   /* checked out */
} pd_checkin_outcome;

/* One check-in or check-out, resolved to a venue and a person (or a phone number) before it is
 * queued. The writer fills the output part. */
typedef struct pd_checkin_job {
    pd_checkin_action action;
    int64_t venue_id;
    int stay_minutes;   /* the venue's */
    char unit_code[16]; /* the venue's codes: a person created from a phone check-in lives here */
    char district_code[16], province_code[16];
    int64_t person_id;  /* 0: by phone */
    char phone[16];     /* normalised, when person_id is 0 */
    int64_t checkin_id; /* check-out of this visit (a receipt); 0 any open visit of the person */
    bool by_staff;
    pd_actor actor; /* by_staff: the account scanning, for the audit entry */
    int64_t now;    /* the server's clock decides, never the client's */
    /* output */
    int rc;
    pd_err err;
    pd_checkin_outcome outcome;
    pd_checkin result;
    /* the writer's: its queue and whom to tell */
    struct pd_checkin_job *next;
    void (*done)(struct pd_checkin_job *job, void *ctx);
    void *done_ctx;
} pd_checkin_job;

/* The note of a person created by a phone check-in that matched nobody. */
#define PD_CHECKIN_PERSON_NOTE "Tự tạo khi check-in bằng số điện thoại; chưa khai báo y tế"
#define PD_CHECKIN_PERSON_NAME "Khách check-in"

/* Applies a job inside the caller's open transaction: job->rc PD_OK (result filled), PD_ECONFLICT
 * (check-out without an open visit), PD_ENOTFOUND (receipt not for this venue) or PD_EDB. */
void pd_checkin_apply(sqlite3 *db, pd_checkin_job *job);
/* Applies a job in its own transaction (one COMMIT per check-in: the baseline of the benchmark). */
void pd_checkin_run(sqlite3 *db, pd_checkin_job *job);

/* The canonical personal token (declare/declare.h) in what was scanned or typed: a URL whose token=
 * argument or last path segment is the token, or the token itself (any case, dashes, spaces).
 * False if it cannot be a token. */
bool pd_checkin_token(const char *scanned, char out[32]);
#define PD_CHECKIN_UNKNOWN_TOKEN                                                                   \
    "Mã QR cá nhân không đúng hoặc đã bị thu hồi. Hãy khai báo y tế để nhận mã mới."
/* The person holding a live personal QR token, given as pd_checkin_token takes it. PD_ENOTFOUND
 * (field "token") for a malformed, unknown or revoked token. */
int pd_person_by_token(sqlite3 *db, const char *token, int64_t *person_id, pd_err *err);

/* A check-in with its effective out time (see pd_checkin.out_at) at time now. */
void pd_checkin_effective(pd_checkin *c, int stay_minutes, int64_t now);

/* Closes (out_at = in_at + stay, flag PD_CHECKIN_AUTO_OUT) the visits of a venue that began in
 * [from, now - stay] and are still open; *closed counts them. Runs in the caller's transaction. */
int pd_checkins_sweep_venue(sqlite3 *db, int64_t venue_id, int stay_minutes, int64_t from,
                            int64_t now, int *closed, pd_err *err);
/* Sweeps every venue (own transaction). */
int pd_checkins_sweep(sqlite3 *db, int64_t from, int64_t now, int *closed, pd_err *err);

/* Staff: may the actor check visitors in and out at this venue? (PD_PERM_CHECKIN_SCAN; role venue
 * only at its own venue; others in scope.) PD_EDENIED / PD_ENOTFOUND otherwise. */
int pd_venue_for_scan(sqlite3 *db, const pd_actor *actor, int64_t venue_id, pd_venue *out,
                      pd_err *err);

/* Readers (PD_PERM_CHECKINS_READ). A visit as listed, with the names needed to show it. */
typedef struct pd_checkin_row {
    pd_checkin c;
    char full_name[128];
    char phone[16];
    char birth_date[12];
    char person_unit_code[16];
    char venue_name[160];
    char venue_unit_code[16];
} pd_checkin_row;

typedef struct pd_checkin_query {
    int64_t from, to;     /* in_at range (Unix seconds); 0 open */
    int64_t before_in_at; /* keyset paging, newest first: rows before (in_at, id) */
    int64_t before_id;
    int limit; /* default 50, at most 500 */
} pd_checkin_query;

typedef int (*pd_checkin_cb)(const pd_checkin_row *r, void *ctx);
/* Visits at a venue in scope (audited as a read of the venue's visitors). */
int pd_checkins_by_venue(sqlite3 *db, const pd_actor *actor, int64_t venue_id,
                         const pd_checkin_query *q, pd_checkin_cb cb, void *ctx, bool *more,
                         pd_err *err);
/* Visits of a person living in scope, anywhere (audited). */
int pd_checkins_by_person(sqlite3 *db, const pd_actor *actor, int64_t person_id,
                          const pd_checkin_query *q, pd_checkin_cb cb, void *ctx, bool *more,
                          pd_err *err);

/* ---- The check-in writer (checkin_writer.c): group commit on its own connection ----------------
 */

typedef void (*pd_checkin_done)(pd_checkin_job *job, void *ctx);
int pd_checkin_writer_start(const char *db_path, pd_err *err);
/* Finishes every queued job, then stops. */
void pd_checkin_writer_stop(void);
bool pd_checkin_writer_running(void);
/* Queues a job; done(job, ctx) runs on the writer thread after the COMMIT of the job's batch (or
 * its failure: job->rc). False (nothing queued) if the writer is not running. */
bool pd_checkin_submit(pd_checkin_job *job, pd_checkin_done done, void *ctx);

/* `phongdich serve --checkin-rate N`: public check-ins per minute per client address (default 120).
 */
void pd_checkin_set_rate(int per_minute);

#endif
